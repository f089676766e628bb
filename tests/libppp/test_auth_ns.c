/*
 * test_auth_ns.c - name servers given at authentication time (struct
 * ppp_auth_result dns/nbns, libppp 1.1), through the public API only: the
 * server's IPCP Configure-Nak on the wire carries them, the client's IP_UP
 * and both sessions' info report them; 0 keeps the session's,
 * PPP_ADDR_NONE turns an option off; a reject, a re-authentication while
 * IPCP is up and the 1.0 layout of the struct leave the session's;
 * ppp_auth_check_password leaves them alone.
 */
#include <CUnit/CUnit.h>
#include <stddef.h>
#include <string.h>

#include "harness.h"

void test_auth_ns_register(void);

#define CTX_DNS1	0x0a000035u	/* h_config's: 10.0.0.53 */
#define CTX_DNS2	0x0a000036u	/* 10.0.0.54 */
#define AUTH_DNS1	0xc0a80a99u	/* 192.168.10.153 */
#define AUTH_DNS2	0xc0a80a9au	/* 192.168.10.154 */
#define AUTH_NBNS1	0xc0a80a9bu	/* 192.168.10.155 */
#define STATIC_ADDR	0xc0a84d0au	/* 192.168.77.10 */
#define NS_PER_S_	1000000000ull

/* On the wire (RFC 1332, RFC 1877). */
#define WIRE_IPCP	0x8021
#define WIRE_NAK	3
#define OPT_DNS1	129
#define OPT_NBNS1	130
#define OPT_DNS2	131

static struct harness H;

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CHAP-MD5 server and client up to the server's pending AUTH_REQUEST;
 * rechallenge_ns for the server's context (0 = none). */
static void
pending_with(uint64_t rechallenge_ns)
{
	struct ppp_config sc, cc;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	sc.rechallenge_ns = rechallenge_ns;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "rad", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	h_pump(&H);
	CU_ASSERT_EQUAL_FATAL(H.srv.auth_requests, 1);
}

static void
pending(void)
{
	pending_with(0);
}

/* A verdict for the pending request, as a RADIUS client would fill it. */
static void
result(struct ppp_auth_result *res, bool accept, uint32_t dns1, uint32_t dns2,
    uint32_t nbns1)
{
	memset(res, 0, sizeof(*res));
	res->size = sizeof(*res);
	if (accept)
		CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending, "pw", 2,
		    res), PPP_OK);
	res->accept = accept;
	res->peer_addr = STATIC_ADDR;
	res->dns[0] = dns1;
	res->dns[1] = dns2;
	res->nbns[0] = nbns1;
}

static int
answer(bool accept, uint32_t dns1, uint32_t dns2, uint32_t nbns1)
{
	struct ppp_auth_result res;
	int rc;

	result(&res, accept, dns1, dns2, nbns1);
	rc = ppp_session_auth_reply(H.srv.sess, H.now, &res);
	H.hold_auth = false;
	memset(&H.pending, 0, sizeof(H.pending));
	return rc;
}

/* The value of option opt in an IPCP Configure-Nak frame; false if f is
 * no such Nak or the option is not in it. */
static bool
nak_option(const uint8_t *f, size_t len, uint8_t opt, uint32_t *val)
{
	size_t off = 8, end;

	if (len < 8 || be16(f + 2) != WIRE_IPCP || f[4] != WIRE_NAK)
		return false;
	end = 4 + (size_t)be16(f + 6);
	if (end > len)
		return false;
	while (off + 2 <= end && f[off + 1] >= 2 && off + f[off + 1] <= end) {
		if (f[off] == opt && f[off + 1] == 6) {
			*val = be32(f + off + 2);
			return true;
		}
		off += f[off + 1];
	}
	return false;
}

/* Moves frames both ways until quiet, like h_pump, and returns the value
 * of option opt in the last IPCP Configure-Nak the server sent (*seen:
 * whether one carried it). */
static uint32_t
pump_watching_nak(uint8_t opt, bool *seen)
{
	uint8_t f[PPP_MAX_FRAME];
	size_t len, moved;
	uint32_t val = 0, v;

	*seen = false;
	do {
		moved = 0;
		while (h_out(H.srv.ctx, f, sizeof(f), &len) == PPP_OK) {
			moved++;
			if (nak_option(f, len, opt, &v)) {
				val = v;
				*seen = true;
			}
			(void)h_input(&H, &H.cli, f, len);
		}
		h_events(&H, &H.cli, false);
		while (h_out(H.cli.ctx, f, sizeof(f), &len) == PPP_OK) {
			moved++;
			(void)h_input(&H, &H.srv, f, len);
		}
		h_events(&H, &H.srv, true);
	} while (moved > 0);
	return val;
}

static void
server_info(struct ppp_session_info *in)
{
	CU_ASSERT_EQUAL_FATAL(ppp_session_get_info(H.srv.sess, H.now, in), PPP_OK);
}

/* The reply's DNS servers replace the session's: the client's requests for
 * 0.0.0.0 are Nak'd with them, and both sides report them. */
static void
test_reply_dns_naks_client(void)
{
	struct ppp_session_info in;
	bool seen;
	uint32_t v;

	pending();
	CU_ASSERT_EQUAL(answer(true, AUTH_DNS1, AUTH_DNS2, 0), PPP_OK);
	v = pump_watching_nak(OPT_DNS1, &seen);
	CU_ASSERT_TRUE(seen);
	CU_ASSERT_EQUAL(v, AUTH_DNS1);
	h_free(&H);

	pending();
	CU_ASSERT_EQUAL(answer(true, AUTH_DNS1, AUTH_DNS2, 0), PPP_OK);
	v = pump_watching_nak(OPT_DNS2, &seen);
	CU_ASSERT_TRUE(seen);
	CU_ASSERT_EQUAL(v, AUTH_DNS2);
	h_run(&H, 20);
	CU_ASSERT_TRUE_FATAL(H.cli.ip_up);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	CU_ASSERT_EQUAL(H.cli.ip.local_addr, STATIC_ADDR);
	CU_ASSERT_EQUAL(H.cli.ip.dns[0], AUTH_DNS1);
	CU_ASSERT_EQUAL(H.cli.ip.dns[1], AUTH_DNS2);
	CU_ASSERT_EQUAL(H.srv.ip.dns[0], AUTH_DNS1);
	CU_ASSERT_EQUAL(H.srv.ip.dns[1], AUTH_DNS2);
	server_info(&in);
	CU_ASSERT_EQUAL(in.dns[0], AUTH_DNS1);
	CU_ASSERT_EQUAL(in.dns[1], AUTH_DNS2);
	CU_ASSERT_EQUAL(in.nbns[0], 0);		/* the context gives none */
	CU_ASSERT_EQUAL(ppp_session_get_info(H.cli.sess, H.now, &in), PPP_OK);
	CU_ASSERT_EQUAL(in.dns[0], AUTH_DNS1);
	CU_ASSERT_EQUAL(in.dns[1], AUTH_DNS2);
	h_free(&H);
}

/* 0 keeps the session's server, PPP_ADDR_NONE turns one off. */
static void
test_zero_keeps_none_rejects(void)
{
	struct ppp_session_info in;
	bool seen;
	uint32_t v;

	pending();
	CU_ASSERT_EQUAL(answer(true, 0, PPP_ADDR_NONE, 0), PPP_OK);
	v = pump_watching_nak(OPT_DNS1, &seen);
	CU_ASSERT_TRUE(seen);
	CU_ASSERT_EQUAL(v, CTX_DNS1);
	h_run(&H, 20);
	CU_ASSERT_TRUE_FATAL(H.cli.ip_up);
	CU_ASSERT_EQUAL(H.cli.ip.dns[0], CTX_DNS1);
	CU_ASSERT_EQUAL(H.cli.ip.dns[1], 0);	/* Rejected: the client has none */
	server_info(&in);
	CU_ASSERT_EQUAL(in.dns[0], CTX_DNS1);
	CU_ASSERT_EQUAL(in.dns[1], 0);
	h_free(&H);
}

/* The NBNS servers (libppp's client does not ask for them; a Windows peer
 * does) are Nak'd with the reply's too. */
static void
test_reply_nbns(void)
{
	static const uint8_t req[] = {
		0xff, 0x03, 0x80, 0x21,		/* IPCP */
		0x01, 0x42, 0x00, 0x16,		/* Configure-Request, id 0x42, 22 */
		0x03, 0x06, 0, 0, 0, 0,		/* IP-Address 0.0.0.0 */
		0x81, 0x06, 0, 0, 0, 0,		/* Primary DNS 0.0.0.0 */
		0x82, 0x06, 0, 0, 0, 0		/* Primary NBNS 0.0.0.0 */
	};
	uint8_t f[PPP_MAX_FRAME];
	struct ppp_session_info in;
	uint32_t dns = 0, nbns = 0, addr = 0;
	size_t len;
	bool nak = false;

	pending();
	CU_ASSERT_EQUAL(answer(true, AUTH_DNS1, 0, AUTH_NBNS1), PPP_OK);
	h_run(&H, 20);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	server_info(&in);
	CU_ASSERT_EQUAL(in.nbns[0], AUTH_NBNS1);
	CU_ASSERT_EQUAL(in.nbns[1], 0);
	/* A peer that asks for NBNS, renegotiating IPCP. */
	while (h_out(H.srv.ctx, f, sizeof(f), &len) == PPP_OK)
		;
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, req, sizeof(req)), PPP_OK);
	while (h_out(H.srv.ctx, f, sizeof(f), &len) == PPP_OK) {
		if (len < 6 || f[5] != 0x42)
			continue;
		if (nak_option(f, len, OPT_NBNS1, &nbns) && nak_option(f, len, OPT_DNS1, &dns) &&
		    nak_option(f, len, 3, &addr))
			nak = true;
	}
	CU_ASSERT_TRUE(nak);
	CU_ASSERT_EQUAL(nbns, AUTH_NBNS1);
	CU_ASSERT_EQUAL(dns, AUTH_DNS1);
	CU_ASSERT_EQUAL(addr, STATIC_ADDR);
	h_free(&H);
}

/* A reject takes nothing from the reply; nor does a re-authentication
 * while IPCP is up (the peer keeps what it negotiated). */
static void
test_not_applied(void)
{
	struct ppp_session_info in;
	struct ppp_auth_result res;
	int i;

	pending();
	CU_ASSERT_EQUAL(answer(false, AUTH_DNS1, AUTH_DNS2, AUTH_NBNS1), PPP_OK);
	server_info(&in);
	CU_ASSERT_EQUAL(in.dns[0], CTX_DNS1);
	CU_ASSERT_EQUAL(in.dns[1], CTX_DNS2);
	CU_ASSERT_EQUAL(in.nbns[0], 0);
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.cli.down);
	CU_ASSERT_FALSE(H.cli.ip_up);
	h_free(&H);

	/* A CHAP re-challenge once IPCP is up. */
	pending_with(60 * NS_PER_S_);
	CU_ASSERT_EQUAL(answer(true, 0, 0, 0), PPP_OK);
	h_run(&H, 20);
	CU_ASSERT_TRUE_FATAL(H.cli.ip_up);
	H.hold_auth = true;
	for (i = 0; i < 10 && H.srv.auth_requests < 2; i++) {
		uint64_t t = ppp_next_timeout(H.srv.ctx);

		if (t == UINT64_MAX)
			break;
		if (t > H.now)
			H.now = t;
		(void)ppp_handle_timeout(H.srv.ctx, H.now);
		(void)ppp_handle_timeout(H.cli.ctx, H.now);
		h_pump(&H);
	}
	CU_ASSERT_EQUAL_FATAL(H.srv.auth_requests, 2);
	result(&res, true, AUTH_DNS1, AUTH_DNS2, AUTH_NBNS1);
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res), PPP_OK);
	H.hold_auth = false;
	h_pump(&H);
	server_info(&in);
	CU_ASSERT_EQUAL(in.dns[0], CTX_DNS1);
	CU_ASSERT_EQUAL(in.dns[1], CTX_DNS2);
	CU_ASSERT_EQUAL(in.nbns[0], 0);
	CU_ASSERT_TRUE(in.authenticated);
	CU_ASSERT_FALSE(H.cli.down);
	h_free(&H);
}

/* The 1.0 layout is accepted (it has no name servers: what lies beyond it
 * is not the caller's and is not read); other sizes are refused; the
 * password helper leaves dns/nbns alone. */
static void
test_sizes_and_helper(void)
{
	struct ppp_session_info in;
	struct ppp_auth_result res;

	pending();
	result(&res, true, AUTH_DNS1, AUTH_DNS2, AUTH_NBNS1);
	res.size = sizeof(res) - 1;
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res), PPP_E_INVAL);
	res.size = sizeof(res) + 8;
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res), PPP_E_INVAL);
	res.size = offsetof(struct ppp_auth_result, dns);
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res), PPP_OK);
	H.hold_auth = false;
	h_run(&H, 20);
	CU_ASSERT_TRUE_FATAL(H.cli.ip_up);
	CU_ASSERT_EQUAL(H.cli.ip.dns[0], CTX_DNS1);
	CU_ASSERT_EQUAL(H.cli.ip.dns[1], CTX_DNS2);
	server_info(&in);
	CU_ASSERT_EQUAL(in.nbns[0], 0);
	h_free(&H);

	pending();
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	res.dns[0] = AUTH_DNS1;
	res.nbns[1] = AUTH_NBNS1;
	CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending, "pw", 2, &res),
	    PPP_OK);
	CU_ASSERT_TRUE(res.accept);
	CU_ASSERT_EQUAL(res.dns[0], AUTH_DNS1);
	CU_ASSERT_EQUAL(res.dns[1], 0);
	CU_ASSERT_EQUAL(res.nbns[1], AUTH_NBNS1);
	res.size = offsetof(struct ppp_auth_result, dns);
	CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending, "pw", 2, &res),
	    PPP_OK);
	res.size = sizeof(res) + 1;
	CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending, "pw", 2, &res),
	    PPP_E_INVAL);
	H.hold_auth = false;
	h_free(&H);
}

void
test_auth_ns_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_auth_name_servers", NULL, NULL);

	CU_add_test(s, "the reply's DNS: Nak'd to the client, reported",
	    test_reply_dns_naks_client);
	CU_add_test(s, "0 keeps the session's, PPP_ADDR_NONE rejects",
	    test_zero_keeps_none_rejects);
	CU_add_test(s, "the reply's NBNS: Nak'd to a peer that asks", test_reply_nbns);
	CU_add_test(s, "not applied: reject, re-authentication with IPCP up",
	    test_not_applied);
	CU_add_test(s, "1.0 struct size accepted, helper leaves them", test_sizes_and_helper);
}
