/*
 * test_harden.c - issue #13, libppp's items, driven through the public API
 * with the frames a hostile (or merely odd) peer sends:
 *  6  IPCP never opens without an assigned peer address; a request without
 *     IP-Address is Nak'd with it (as pppd does); IP packets from another
 *     source are dropped and counted;
 *  7  a CHAP / MS-CHAPv2 re-challenge must authenticate the link's user;
 *  12 Code-Reject / Protocol-Reject per-session budget.
 * Frames are hex strings: [FF 03] protocol code id length data.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define NS_PER_S_TEST 1000000000ULL

void test_harden_register(void);

static struct harness H;

static int
inject(struct h_side *side, const char *hex)
{
	uint8_t buf[2048];
	size_t n = ts_hex2bin(buf, sizeof(buf), hex);

	CU_ASSERT_FATAL(n != (size_t)-1);
	return h_input(&H, side, buf, n);
}

/* Pulls every frame a side queued; returns how many, keeps the last one
 * with protocol proto and code code (proto 0: any) in out. */
static unsigned
drain(struct h_side *side, uint16_t proto, uint8_t code, uint8_t *out,
    size_t *olen, unsigned *matches)
{
	uint8_t buf[PPP_MAX_FRAME];
	size_t len;
	unsigned n = 0;

	while (h_out(side->ctx, buf, sizeof(buf), &len) == PPP_OK) {
		n++;
		if (len >= 5 && (proto == 0 || (((buf[2] << 8) | buf[3]) ==
		    proto && buf[4] == code))) {
			if (out != NULL) {
				memcpy(out, buf, len);
				*olen = len;
			}
			if (matches != NULL)
				(*matches)++;
		}
	}
	return n;
}

static struct ppp_stats
stats(struct h_side *side)
{
	struct ppp_stats st;

	ppp_get_stats(side->ctx, &st);
	return st;
}

static void
up(enum ppp_auth_method m, uint64_t rechallenge_ns)
{
	struct ppp_config sc, cc;

	h_config(&sc, m);
	sc.rechallenge_ns = rechallenge_ns;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up && H.cli.ip_up);
	h_pump(&H);
}

/* ---- item 6 ---- */

/* A peer that leaves IP-Address out of its IPCP request (some clients do)
 * is Nak'd with the address assigned to it, once; if it still leaves it
 * out it is Acked (pppd's behaviour) and keeps the assigned address. */
static void
test_ipcp_peer_omits_address(void)
{
	uint8_t out[PPP_MAX_FRAME], want[64];
	size_t len = 0, wl;
	unsigned acks = 0;

	up(PPP_AUTH_NONE, 0);
	CU_ASSERT_EQUAL(H.srv.ip.peer_addr, 0x0a000064);
	/* A fresh request (IPCP renegotiation) with DNS only. */
	CU_ASSERT_EQUAL(inject(&H.srv, "8021 01 40 000a 8106 0a000035"), 0);
	drain(&H.srv, 0x8021, 3, out, &len, NULL);
	wl = ts_hex2bin(want, sizeof(want), "ff03 8021 03 40 000a 0306 0a000064");
	TS_ASSERT_BYTES("IPCP Nak adding IP-Address", out, len, want, wl);
	CU_ASSERT_EQUAL(stats(&H.srv).ipcp_addr_nak, 1);
	/* Still without it: Acked, as pppd does; the address stays ours. */
	CU_ASSERT_EQUAL(inject(&H.srv, "8021 01 41 000a 8106 0a000035"), 0);
	drain(&H.srv, 0x8021, 2, out, &len, &acks);
	CU_ASSERT_EQUAL(acks, 1);
	/* The client that takes the Nak (pppd: 0.0.0.0 first) is unchanged:
	 * the whole negotiation above went through the harness client. */
	h_free(&H);
}

/* No address assigned yet (the application has not answered
 * ADDRESS_WANTED): IPCP requests, with or without IP-Address, are held
 * and never Acked, so IPCP cannot open.  Once the address is set, the
 * client (which sends 0.0.0.0, as pppd does) is Nak'd and IPCP opens
 * with it. */
static void
test_ipcp_never_acked_without_address(void)
{
	struct ppp_config sc, cc;
	unsigned acks = 0, i;
	struct ppp_stats b;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	H.password = "pw";
	H.pool_addr = 0;		/* the application gives no address */
	h_run(&H, 6);
	CU_ASSERT_TRUE(H.srv.link_up);
	CU_ASSERT_FALSE(H.srv.ip_up);
	CU_ASSERT_FALSE(H.cli.ip_up);
	b = stats(&H.srv);
	for (i = 0; i < 3; i++) {
		char f[64];

		snprintf(f, sizeof(f), "8021 01 %02x 000a 8106 00000000", 0x70 + i);
		CU_ASSERT_EQUAL(inject(&H.srv, f), PPP_E_LATE);
	}
	CU_ASSERT_EQUAL(stats(&H.srv).late, b.late + 3);
	drain(&H.srv, 0x8021, 2, NULL, NULL, &acks);
	CU_ASSERT_EQUAL(acks, 0);
	h_events(&H, &H.srv, true);
	CU_ASSERT_FALSE(H.srv.ip_up);
	/* The application assigns an address: the client's next request
	 * (0.0.0.0) is Nak'd with it and IPCP opens. */
	CU_ASSERT_EQUAL(ppp_session_set_peer_address(H.srv.sess, H.now,
	    0x0a000077), PPP_OK);
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.srv.ip_up && H.cli.ip_up);
	CU_ASSERT_EQUAL(H.srv.ip.peer_addr, 0x0a000077);
	CU_ASSERT_EQUAL(H.cli.ip.local_addr, 0x0a000077);
	h_free(&H);
}

/* IP packets whose source is not the session's address are dropped,
 * counted and logged at most log_lines_per_s times a second. */
static void
test_ip_source_checked(void)
{
	uint8_t buf[PPP_MAX_FRAME + 8];
	size_t flen, lines;
	unsigned i;
	struct ppp_stats b;

	up(PPP_AUTH_NONE, 0);
	CU_ASSERT_EQUAL(h_send_ip(&H.cli, buf, sizeof(buf), 40, &flen), 0);
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, buf, flen), PPP_OK);
	CU_ASSERT_EQUAL(H.srv.ip_packets, 1);
	/* 10.0.0.99 is another client's. */
	buf[PPP_HEADROOM + 15] = 99;
	b = stats(&H.srv);
	lines = H.log.lines;
	for (i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(h_input(&H, &H.srv, buf, flen), PPP_E_SPOOFED);
	CU_ASSERT_EQUAL(H.srv.ip_packets, 1);
	CU_ASSERT_EQUAL(stats(&H.srv).ip_spoofed, b.ip_spoofed + 100);
	CU_ASSERT_EQUAL(stats(&H.srv).ip_in, b.ip_in);
	CU_ASSERT_EQUAL(H.log.lines - lines, 10);
	CU_ASSERT_EQUAL(stats(&H.srv).log_suppressed, b.log_suppressed + 90);
	CU_ASSERT_TRUE(ts_log_last_contains(&H.log, "10.0.0.99"));
	/* Shorter than an IPv4 header: cannot be checked, dropped. */
	CU_ASSERT_EQUAL(inject(&H.srv, "ff03 0021 45000014"), PPP_E_TRUNCATED);
	/* The next second logs again, with the count of the others. */
	H.now += NS_PER_S_TEST;
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, buf, flen), PPP_E_SPOOFED);
	CU_ASSERT_TRUE(ts_log_last_contains(&H.log, "90 similar"));
	/* The client does not look at sources (the server routes). */
	CU_ASSERT_EQUAL(h_send_ip(&H.srv, buf, sizeof(buf), 40, &flen), 0);
	CU_ASSERT_EQUAL(h_input(&H, &H.cli, buf, flen), PPP_OK);
	CU_ASSERT_EQUAL(H.cli.ip_packets, 1);
	CU_ASSERT_FALSE(H.srv.down);
	h_free(&H);
}

/* ---- item 7 ---- */

/* At the re-challenge the Response names another user (one the
 * application would accept, e.g. a second valid RADIUS account): the link
 * goes down without asking the application. */
static void
rechallenge_other_user(enum ppp_auth_method m)
{
	uint8_t chal[PPP_MAX_FRAME], resp[PPP_MAX_FRAME];
	size_t clen = 0, rlen = 0, vs;
	unsigned nchal = 0, nresp = 0;
	int reqs, rc;
	struct ppp_event ev;

	up(m, 60 * NS_PER_S_TEST);
	reqs = H.srv.auth_requests;
	CU_ASSERT_EQUAL(reqs, 1);
	H.now = ppp_next_timeout(H.srv.ctx);
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), PPP_OK);
	drain(&H.srv, 0xc223, 1, chal, &clen, &nchal);
	CU_ASSERT_EQUAL_FATAL(nchal, 1);
	CU_ASSERT_EQUAL(h_input(&H, &H.cli, chal, clen), PPP_OK);
	drain(&H.cli, 0xc223, 2, resp, &rlen, &nresp);
	CU_ASSERT_EQUAL_FATAL(nresp, 1);
	/* ff 03 c2 23 02 id len(2) value-size value name: "frank" ->
	 * "mallo". */
	vs = resp[8];
	CU_ASSERT_EQUAL_FATAL(rlen, 9 + vs + 5);
	CU_ASSERT(memcmp(resp + 9 + vs, "frank", 5) == 0);
	memcpy(resp + 9 + vs, "mallo", 5);
	H.hold_auth = true;
	rc = h_input(&H, &H.srv, resp, rlen);
	/* Whatever the library asks, this application says yes. */
	while (ppp_next_event(H.srv.ctx, &ev)) {
		if (ev.type == PPP_EV_AUTH_REQUEST) {
			struct ppp_auth_result res;

			H.srv.auth_requests++;
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			res.accept = true;
			res.has_auth_response = true;
			(void)ppp_session_auth_reply(ev.sess, H.now, &res);
		}
		if (ev.type == PPP_EV_LINK_DOWN) {
			H.srv.down = true;
			H.srv.down_reason = (int)ev.reason;
		}
		ppp_event_wipe(&ev);
	}
	h_pump(&H);
	CU_ASSERT_EQUAL(rc, PPP_E_AUTH);
	CU_ASSERT_EQUAL(H.srv.auth_requests, reqs);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_AUTH_FAILED);
	CU_ASSERT_EQUAL(stats(&H.srv).auth_user_changed, 1);
	CU_ASSERT_TRUE(H.cli.down);
	h_free(&H);
}

static void
test_rechallenge_other_user_chap(void)
{
	rechallenge_other_user(PPP_AUTH_CHAP_MD5);
}

static void
test_rechallenge_other_user_mschapv2(void)
{
	rechallenge_other_user(PPP_AUTH_MSCHAPV2);
}

/* ---- item 12 ---- */

/* A peer spraying unknown protocols, then unknown LCP codes: at most
 * reject_rate (10) rejects a second leave; the rest are counted. */
static void
test_reject_budget(void)
{
	unsigned prot = 0, code = 0, i;
	struct ppp_stats b;

	up(PPP_AUTH_NONE, 0);
	b = stats(&H.srv);
	for (i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(inject(&H.srv, "ff03 8057 01 01 0004"),
		    PPP_E_UNKNOWN_PROTO);
	drain(&H.srv, 0xc021, 8, NULL, NULL, &prot);
	CU_ASSERT_EQUAL(prot, 10);
	CU_ASSERT_EQUAL(stats(&H.srv).unknown_proto, b.unknown_proto + 100);
	CU_ASSERT_EQUAL(stats(&H.srv).rejects_suppressed,
	    b.rejects_suppressed + 90);
	/* The next second: a fresh budget, spent on Code-Rejects. */
	H.now += NS_PER_S_TEST;
	for (i = 0; i < 50; i++)
		CU_ASSERT_EQUAL(inject(&H.srv, "ff03 c021 20 01 0004"),
		    PPP_E_UNKNOWN_CODE);
	drain(&H.srv, 0xc021, 7, NULL, NULL, &code);
	CU_ASSERT_EQUAL(code, 10);
	CU_ASSERT_EQUAL(stats(&H.srv).unknown_code, b.unknown_code + 50);
	CU_ASSERT_EQUAL(stats(&H.srv).rejects_suppressed,
	    b.rejects_suppressed + 130);
	/* The link is fine. */
	h_pump(&H);
	CU_ASSERT_FALSE(H.srv.down);
	h_free(&H);
}

void
test_harden_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_harden", NULL, NULL);

	CU_add_test(s, "item 6: IPCP request without IP-Address Nak'd with "
	    "the assigned address", test_ipcp_peer_omits_address);
	CU_add_test(s, "item 6: IPCP never Acked without an assigned address",
	    test_ipcp_never_acked_without_address);
	CU_add_test(s, "item 6: IP source not the peer's: dropped, counted",
	    test_ip_source_checked);
	CU_add_test(s, "item 7: CHAP re-challenge as another user: link down",
	    test_rechallenge_other_user_chap);
	CU_add_test(s, "item 7: MS-CHAPv2 re-challenge as another user: link "
	    "down", test_rechallenge_other_user_mschapv2);
	CU_add_test(s, "item 12: Code-/Protocol-Reject per-session budget",
	    test_reject_budget);
}
