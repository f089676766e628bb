/*
 * test_session.c - a server and a client session negotiating in memory:
 * each authentication method, address assignment, a lossy link, keepalive,
 * re-challenge, asynchronous verification and an OOM loop.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_session_register(void);

static struct harness H;

static void
negotiate(enum ppp_auth_method m, const char *srvpw, bool expect_ok)
{
	struct ppp_config sc, cc;

	h_config(&sc, m);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "alice", "s3cret"), 0);
	H.password = srvpw;
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.srv.link_up);
	CU_ASSERT_TRUE(H.cli.link_up);
	if (expect_ok) {
		CU_ASSERT_TRUE(H.srv.ip_up);
		CU_ASSERT_TRUE(H.cli.ip_up);
		CU_ASSERT_EQUAL(H.cli.ip.local_addr, 0x0a000064);
		CU_ASSERT_EQUAL(H.cli.ip.peer_addr, 0x0a000001);
		CU_ASSERT_EQUAL(H.cli.ip.dns[0], 0x0a000035);
		CU_ASSERT_EQUAL(H.cli.ip.dns[1], 0x0a000036);
		CU_ASSERT_EQUAL(H.srv.ip.local_addr, 0x0a000001);
		CU_ASSERT_EQUAL(H.srv.ip.peer_addr, 0x0a000064);
		CU_ASSERT_FALSE(H.srv.down);
		CU_ASSERT_FALSE(H.cli.down);
		if (m != PPP_AUTH_NONE) {
			CU_ASSERT_TRUE(H.cli.auth_ok);
			CU_ASSERT_TRUE(H.srv.auth_ok);
		}
	} else {
		CU_ASSERT_FALSE(H.srv.ip_up);
		CU_ASSERT_FALSE(H.cli.ip_up);
		CU_ASSERT_TRUE(H.srv.down);
		CU_ASSERT_TRUE(H.cli.down);
		CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_AUTH_FAILED);
		CU_ASSERT_EQUAL(H.cli.down_reason, PPP_DOWN_AUTH_FAILED);
		CU_ASSERT_TRUE(H.cli.auth_done);
		CU_ASSERT_FALSE(H.cli.auth_ok);
	}
}

static void
test_none(void)
{
	negotiate(PPP_AUTH_NONE, "", true);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 0);
	h_free(&H);
}

static void
test_pap(void)
{
	negotiate(PPP_AUTH_PAP, "s3cret", true);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	h_free(&H);
	negotiate(PPP_AUTH_PAP, "wrong", false);
	h_free(&H);
}

static void
test_chap(void)
{
	negotiate(PPP_AUTH_CHAP_MD5, "s3cret", true);
	h_free(&H);
	negotiate(PPP_AUTH_CHAP_MD5, "wrong", false);
	h_free(&H);
}

static void
test_mschapv2(void)
{
	negotiate(PPP_AUTH_MSCHAPV2, "s3cret", true);
	h_free(&H);
	negotiate(PPP_AUTH_MSCHAPV2, "wrong", false);
	CU_ASSERT_EQUAL(H.cli.auth_error, 691);
	h_free(&H);
}

/* Server prefers CHAP-MD5, client only does MS-CHAPv2: Nak, then agree. */
static void
test_auth_nak(void)
{
	struct ppp_config sc, cc;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	sc.auth[1] = PPP_AUTH_MSCHAPV2;
	sc.n_auth = 2;
	h_config(&cc, PPP_AUTH_MSCHAPV2);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "bob", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.cli.ip_up);
	CU_ASSERT_TRUE(H.srv.auth_ok);
	h_free(&H);
	/* No method in common: the link goes down with that reason. */
	h_config(&sc, PPP_AUTH_PAP);
	h_config(&cc, PPP_AUTH_MSCHAPV2);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "bob", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_FALSE(H.srv.ip_up);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_NO_COMMON_AUTH);
	h_free(&H);
}

/*
 * A client told which methods to accept (n_auth > 0) does not go on when
 * the server asks for no authentication at all: with a shared IPsec PSK,
 * the MS-CHAPv2 S= check is what authenticates the gateway, and a server
 * that skips authentication would skip it.
 */
static void
test_client_requires_auth(void)
{
	struct ppp_config sc, cc;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_MSCHAPV2);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "bob", "pw"), 0);
	h_run(&H, 50);
	CU_ASSERT_FALSE(H.cli.ip_up);
	CU_ASSERT_TRUE(H.cli.down);
	CU_ASSERT_EQUAL(H.cli.down_reason, PPP_DOWN_NO_COMMON_AUTH);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.cli.ctx), UINT64_MAX);
	h_free(&H);
}

/* The application answers later; static address wins over the pool. */
static void
test_async_static(void)
{
	struct ppp_config sc, cc;
	struct ppp_auth_result res;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "CORP\\carol", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	h_pump(&H);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	CU_ASSERT_FALSE(H.cli.auth_done);
	CU_ASSERT_STRING_EQUAL(H.pending.user, "CORP\\carol");
	/* Nothing is retransmitted while the application verifies. */
	H.now += 2 * 3000 * NS_PER_MS;
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), 0);
	CU_ASSERT_EQUAL(h_pump(&H), 0);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending, "pw",
	    2, &res), 0);
	res.peer_addr = 0xc0a80a0a;
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res), 0);
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res),
	    PPP_E_STATE);
	H.hold_auth = false;
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.cli.ip_up);
	CU_ASSERT_EQUAL(H.cli.ip.local_addr, 0xc0a80a0a);
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
}

/*
 * A retransmitted MS-CHAPv2 Challenge overtaken by the Success (reordering
 * link): the client answers it with the same Response, so the Success the
 * authenticator repeats (RFC 1994 §4.2) still carries the S= it expects.
 * A new Response would replace the expected S= and the repeated Success
 * would take the link down.
 */
static void
test_mschap_late_challenge(void)
{
	struct ppp_config sc, cc;
	struct ppp_session *c;
	uint8_t resp[49], s_want[20], f[64], out[PPP_MAX_FRAME];
	size_t len, n = 0;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.cli.ip_up);
	c = H.cli.sess;
	CU_ASSERT_EQUAL_FATAL(c->auth_state, AU_DONE);
	memcpy(resp, c->creds->last_resp, sizeof(resp));
	memcpy(s_want, c->creds->expect_s, sizeof(s_want));
	/* CHAP Challenge, the identifier just answered, the server's value. */
	put16(f + n, PROTO_CHAP);
	n += 2;
	f[n++] = 1;
	f[n++] = c->auth_id;
	put16(f + n, 4 + 1 + 16 + 2);
	n += 2;
	f[n++] = 16;
	memcpy(f + n, H.srv.sess->challenge, 16);
	n += 16;
	f[n++] = 'g';
	f[n++] = 'w';
	CU_ASSERT_EQUAL(h_input(&H, &H.cli, f, n), 0);
	CU_ASSERT_EQUAL(h_out(H.cli.ctx, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(get16(out + 2), PROTO_CHAP);
	CU_ASSERT_EQUAL(out[4], 2);
	CU_ASSERT(len >= 9 + 49 && memcmp(out + 9, resp, 49) == 0);
	CU_ASSERT(memcmp(c->creds->expect_s, s_want, 20) == 0);
	/* The server repeats its Success for that Response. */
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, out, len), PPP_E_DUPLICATE);
	h_pump(&H);
	CU_ASSERT_FALSE(H.cli.down);
	CU_ASSERT_FALSE(H.srv.down);
	CU_ASSERT_TRUE(H.cli.auth_ok);
	h_free(&H);
}

/* A server that sends a wrong S= is refused by the client. */
static void
test_bad_authenticator(void)
{
	struct ppp_config sc, cc;
	struct ppp_auth_result res;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "dave", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	h_pump(&H);
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	res.accept = true;
	res.has_auth_response = true;	/* all zero: not the right value */
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res), 0);
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.cli.auth_done);
	CU_ASSERT_FALSE(H.cli.auth_ok);
	CU_ASSERT_TRUE(H.cli.down);
	CU_ASSERT_EQUAL(H.cli.down_reason, PPP_DOWN_AUTH_FAILED);
	CU_ASSERT_FALSE(H.cli.ip_up);
	h_free(&H);
}

static void
test_ip_packets(void)
{
	uint8_t buf[PPP_MAX_FRAME + 8], out[PPP_MAX_FRAME], echo[32];
	struct ppp_session_info info;
	size_t len, flen, off, n;

	negotiate(PPP_AUTH_CHAP_MD5, "s3cret", true);
	/* Client -> server 1400 bytes, server -> client 20, in place. */
	CU_ASSERT_EQUAL(h_send_ip(&H.cli, buf, sizeof(buf), 1400, &flen), 0);
	CU_ASSERT_EQUAL(flen, 1404);
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, buf, flen), 0);
	CU_ASSERT_EQUAL(h_send_ip(&H.srv, buf, sizeof(buf), 20, &flen), 0);
	CU_ASSERT_EQUAL(h_input(&H, &H.cli, buf, flen), 0);
	CU_ASSERT_EQUAL(H.srv.ip_packets, 1);
	CU_ASSERT_EQUAL(H.srv.last_ip_len, 1400);
	CU_ASSERT_EQUAL(H.cli.ip_packets, 1);
	CU_ASSERT_EQUAL(H.cli.last_ip_len, 20);
	/* Larger than the peer's MRU. */
	off = PPP_HEADROOM;
	len = 1501;
	CU_ASSERT_EQUAL(ppp_session_encap(H.cli.sess, buf, sizeof(buf), &off,
	    &len), PPP_E_TOO_BIG);
	/* Too little headroom: refused, nothing moved. */
	off = 3;
	len = 100;
	CU_ASSERT_EQUAL(ppp_session_encap(H.cli.sess, buf, sizeof(buf), &off,
	    &len), PPP_E_BUFFER);
	CU_ASSERT_EQUAL(off, 3);
	CU_ASSERT_EQUAL(len, 100);
	/* Too small a caller buffer keeps a frame queued: the Echo-Reply
	 * to this Echo-Request (4 data bytes) is 16 bytes long. */
	n = ts_hex2bin(echo, sizeof(echo), "c021 09 01 000c 00000000 61626364");
	CU_ASSERT_EQUAL(h_input(&H, &H.cli, echo, n), 0);
	CU_ASSERT_EQUAL(h_out(H.cli.ctx, out, 8, &len), PPP_E_BUFFER);
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT_EQUAL(h_out(H.cli.ctx, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT_EQUAL(out[4], CODE_ECHOREP);
	CU_ASSERT_EQUAL(h_out(H.cli.ctx, out, sizeof(out), &len),
	    PPP_E_AGAIN);
	/* Per-session IP counters. */
	CU_ASSERT_EQUAL(ppp_session_get_info(H.cli.sess, H.now, &info), 0);
	CU_ASSERT_EQUAL(info.ip_packets_out, 1);
	CU_ASSERT_EQUAL(info.ip_bytes_out, 1400);
	CU_ASSERT_EQUAL(info.ip_packets_in, 1);
	CU_ASSERT_EQUAL(info.ip_bytes_in, 20);
	/* Idle session state stays within the 1 KiB budget. */
	CU_ASSERT(ppp_session_memory(H.srv.sess) <= 1024);
	h_free(&H);
}

/* Drop, duplicate and reorder: converges, or fails within the counters. */
static void
test_lossy(void)
{
	struct ppp_config sc, cc;
	static const enum ppp_auth_method ms[] = { PPP_AUTH_PAP,
	    PPP_AUTH_CHAP_MD5, PPP_AUTH_MSCHAPV2 };
	unsigned seed, ok = 0, failed_clean = 0;

	for (seed = 0; seed < 30; seed++) {
		h_config(&sc, ms[seed % 3]);
		h_config(&cc, PPP_AUTH_NONE);
		CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
		ts_rng_init(&H.lossrng, seed);
		H.password = "pw";
		H.drop_pct = 20;
		H.dup_pct = 20;
		H.reorder_pct = 30;
		h_run(&H, 400);
		if (H.srv.ip_up && H.cli.ip_up)
			ok++;
		else if (H.srv.down || H.cli.down)
			failed_clean++;
		/* Simulated time bounded by the counters: < 10 min. */
		CU_ASSERT(H.now < 1000000000ULL + 600 * NS_PER_S);
		h_free(&H);
	}
	CU_ASSERT_EQUAL(ok + failed_clean, 30);
	if (ok < 25)
		printf("\n  lossy: %u of 30 converged", ok);
	CU_ASSERT(ok >= 25);
}

/* Total loss: Max-Configure ends the attempt in 10 x restart. */
static void
test_black_hole(void)
{
	struct ppp_config sc, cc;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
	H.password = "pw";
	H.drop_pct = 100;
	h_run(&H, 100);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_NEGOTIATION_FAILED);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), UINT64_MAX);
	CU_ASSERT(H.now <= 1000000000ULL + 10 * 3000 * NS_PER_MS);
	h_free(&H);
}

static void
test_echo_timeout(void)
{
	struct ppp_config sc, cc;
	uint64_t t0;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	sc.echo_interval_ns = 30 * NS_PER_S;
	sc.echo_max_misses = 3;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	/* A live peer answers: several intervals pass without harm. */
	t0 = H.now;
	while (H.now < t0 + 200 * NS_PER_S) {
		H.now = ppp_next_timeout(H.srv.ctx);
		CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), 0);
		h_pump(&H);
	}
	CU_ASSERT_FALSE(H.srv.down);
	/* The peer dies: 3 misses, then down with the echo reason. */
	H.drop_pct = 100;
	t0 = H.now;
	while (!H.srv.down && H.now < t0 + 1000 * NS_PER_S) {
		H.now = ppp_next_timeout(H.srv.ctx);
		CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), 0);
		h_pump(&H);
	}
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_ECHO_TIMEOUT);
	CU_ASSERT(H.now - t0 <= 4 * 30 * NS_PER_S + NS_PER_S);
	h_free(&H);
}

static void
test_rechallenge(void)
{
	struct ppp_config sc, cc;
	uint64_t t0;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	sc.rechallenge_ns = 60 * NS_PER_S;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	t0 = H.now;
	while (ppp_next_timeout(H.srv.ctx) < t0 + 130 * NS_PER_S) {
		H.now = ppp_next_timeout(H.srv.ctx);
		CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), 0);
		CU_ASSERT_EQUAL(ppp_handle_timeout(H.cli.ctx, H.now), 0);
		h_pump(&H);
	}
	CU_ASSERT_EQUAL(H.srv.auth_requests, 3);
	if (H.srv.auth_requests != 3)
		printf("\n  rechallenge: %d requests", H.srv.auth_requests);
	CU_ASSERT_FALSE(H.srv.down);
	/* The password changes: the next re-challenge ends the link. */
	H.password = "other";
	H.now = ppp_next_timeout(H.srv.ctx);
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), 0);
	h_pump(&H);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_AUTH_FAILED);
	h_free(&H);
}

/* The peer renegotiates LCP on an opened link: IPCP goes down, the
 * peer is authenticated again and IPCP comes back (RFC 1661 §3.2). */
static void
test_renegotiate(void)
{
	uint8_t f[] = { 0xc0, 0x21, 1, 0x77, 0, 4 };

	negotiate(PPP_AUTH_CHAP_MD5, "s3cret", true);
	H.srv.ip_up = H.cli.ip_up = false;
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, sizeof(f)), 0);
	{
		uint8_t b[64];
		size_t off = PPP_HEADROOM, len = 20;

		memset(b, 0x45, sizeof(b));
		CU_ASSERT_EQUAL(ppp_session_encap(H.srv.sess, b, sizeof(b),
		    &off, &len), PPP_E_STATE);
	}
	h_run(&H, 20);
	CU_ASSERT_FALSE(H.srv.down);
	CU_ASSERT_FALSE(H.cli.down);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 2);
	CU_ASSERT_TRUE(H.srv.ip_up);
	CU_ASSERT_TRUE(H.cli.ip_up);
	h_free(&H);
}

/*
 * The peer renegotiates LCP while the application verifies its Response.
 * struct ppp_auth_result names no request, so the answer to the abandoned
 * request must not be taken as the answer to the next round's (another
 * challenge, possibly another user name): the library starts the next
 * round only once that answer is in, and ignores it.
 */
static void
test_renegotiate_while_pending(void)
{
	uint8_t f[] = { 0xc0, 0x21, 1, 0x77, 0, 4 };
	struct ppp_auth_request first;
	struct ppp_auth_result res;
	struct ppp_config sc, cc;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	h_pump(&H);
	CU_ASSERT_EQUAL_FATAL(H.srv.auth_requests, 1);
	first = H.pending;
	/* Renegotiation: LCP goes through Req-Sent again and reopens. */
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, sizeof(f)), 0);
	h_pump(&H);
	CU_ASSERT_FALSE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.sess->lcp.state, ST_OPENED);
	/* The answer to the first request arrives now. */
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &first, "pw", 2,
	    &res), 0);
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res),
	    PPP_E_STATE);
	CU_ASSERT_FALSE(H.srv.auth_ok);
	/* Only now a new round: a fresh challenge, its own answer. */
	h_pump(&H);
	CU_ASSERT_EQUAL_FATAL(H.srv.auth_requests, 2);
	CU_ASSERT(memcmp(H.pending.challenge, first.challenge, 16) != 0);
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending, "pw",
	    2, &res), 0);
	CU_ASSERT_EQUAL(ppp_session_auth_reply(H.srv.sess, H.now, &res), 0);
	H.hold_auth = false;
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.srv.auth_ok);
	CU_ASSERT_TRUE(H.cli.auth_ok);
	CU_ASSERT_TRUE(H.cli.ip_up);
	CU_ASSERT_FALSE(H.srv.down);
	memset(&first, 0, sizeof(first));
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
}

static void
test_close(void)
{
	negotiate(PPP_AUTH_PAP, "s3cret", true);
	CU_ASSERT_EQUAL(ppp_session_close(H.cli.sess, H.now), 0);
	CU_ASSERT_EQUAL(ppp_session_close(H.cli.sess, H.now), PPP_E_STATE);
	h_run(&H, 10);
	CU_ASSERT_TRUE(H.cli.down);
	CU_ASSERT_EQUAL(H.cli.down_reason, PPP_DOWN_LOCAL_CLOSE);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_PEER_TERMINATED);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.cli.ctx), UINT64_MAX);
	h_free(&H);
}

/* Fail allocation i for every i: clean error or clean result, no leak. */
static void
test_oom(void)
{
	struct ppp_config sc, cc;
	size_t i, total;
	int rc;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.cli.ip_up);
	h_free(&H);
	total = H.alloc.count;
	CU_ASSERT(total > 10);
	for (i = 1; i <= total + 1; i++) {
		struct harness *h = &H;
		struct ts_alloc keep;

		memset(h, 0, sizeof(*h));
		ts_alloc_init(&keep);
		keep.fail_at = i;
		rc = 0;
		/* h_init resets the allocator: set it up by hand. */
		ts_rng_init(&h->rng, 42);
		ts_rng_init(&h->lossrng, 7);
		ts_log_init(&h->log);
		h->alloc = keep;
		h_hooks(h);
		h->now = 1000000000ULL;
		h->password = "pw";
		h->pool_addr = 0x0a000064;
		rc = ppp_ctx_new(&h->srv.ctx, &sc, &h->hooks);
		if (rc == 0)
			rc = ppp_ctx_new(&h->cli.ctx, &cc, &h->hooks);
		if (rc == 0)
			rc = ppp_session_new(h->srv.ctx, h->now,
			    PPP_ROLE_SERVER, NULL, &h->srv.sess);
		if (rc == 0) {
			struct ppp_session_config c;

			memset(&c, 0, sizeof(c));
			c.size = sizeof(c);
			c.username = "eve";
			c.username_len = 3;
			c.password = "pw";
			c.password_len = 2;
			rc = ppp_session_new(h->cli.ctx, h->now,
			    PPP_ROLE_CLIENT, &c, &h->cli.sess);
		}
		if (rc == 0)
			h_run(h, 60);
		else
			CU_ASSERT_EQUAL(rc, PPP_E_NOMEM);
		h_free(h);
		CU_ASSERT_EQUAL(h->alloc.live, 0);
	}
}

/*
 * An allocator that remembers block sizes, so its free hook can look for a
 * secret in every block the library hands back.
 */
struct scan_alloc {
	struct ts_rng rng;
	const char *secret;
	size_t secret_len, hits, live;
};

static int
scan_rng(void *u, void *buf, size_t len)
{
	return ts_rng_cb(&((struct scan_alloc *)u)->rng, buf, len);
}

static void *
scan_alloc_cb(void *u, size_t n)
{
	struct scan_alloc *a = u;
	size_t *b = calloc(1, 2 * sizeof(size_t) + n);

	if (b == NULL)
		return NULL;
	b[0] = n;
	a->live++;
	return b + 2;
}

static void
scan_free_cb(void *u, void *p)
{
	struct scan_alloc *a = u;
	const uint8_t *d = p;
	size_t *b, i;

	if (p == NULL)
		return;
	b = (size_t *)p - 2;
	for (i = 0; i + a->secret_len <= b[0]; i++)
		if (memcmp(d + i, a->secret, a->secret_len) == 0) {
			a->hits++;
			break;
		}
	a->live--;
	free(b);
}

/* The PAP Authenticate-Request carries the password in clear: the frame's
 * memory is wiped when next_output hands it over, not only on session free. */
static void
test_pap_frame_wiped(void)
{
	struct scan_alloc a;
	struct ppp_hooks hk;
	struct ppp_config cc;
	struct ppp_session_config sc;
	struct ppp_ctx *ctx;
	struct ppp_session *s;
	uint8_t out[PPP_MAX_FRAME], req[] = { 0xff, 0x03, 0xc0, 0x21,
	    CODE_CONFREQ, 0x01, 0x00, 0x08, 0x03, 0x04, 0xc0, 0x23 };
	struct ppp_rx rx;
	size_t len;
	bool sent_pw = false;

	memset(&a, 0, sizeof(a));
	ts_rng_init(&a.rng, 5);
	a.secret = "Pa55w0rd!";
	a.secret_len = 9;
	memset(&hk, 0, sizeof(hk));
	hk.user = &a;
	hk.rng = scan_rng;
	hk.alloc = scan_alloc_cb;
	hk.free = scan_free_cb;
	h_config(&cc, PPP_AUTH_PAP);
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&ctx, &cc, &hk), 0);
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.username = "u";
	sc.username_len = 1;
	sc.password = a.secret;
	sc.password_len = a.secret_len;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(ctx, 0, PPP_ROLE_CLIENT, &sc,
	    &s), 0);
	/* Ack our Configure-Request; the peer asks for PAP. */
	CU_ASSERT_EQUAL_FATAL(ppp_next_output(ctx, out, sizeof(out), &len,
	    NULL, NULL), PPP_OK);
	CU_ASSERT_EQUAL_FATAL(out[4], CODE_CONFREQ);
	out[4] = CODE_CONFACK;
	CU_ASSERT_EQUAL(ppp_session_input(s, 0, out, len, &rx), 0);
	CU_ASSERT_EQUAL(ppp_session_input(s, 0, req, sizeof(req), &rx), 0);
	CU_ASSERT_EQUAL(s->auth_state, AU_CLIENT_SENT);
	while (ppp_next_output(ctx, out, sizeof(out), &len, NULL, NULL) ==
	    PPP_OK)
		if (get16(out + 2) == PROTO_PAP && len == 4 + 4 + 2 + 1 + 9 &&
		    memcmp(out + 4 + 4 + 2 + 1, a.secret, 9) == 0)
			sent_pw = true;
	CU_ASSERT_TRUE(sent_pw);
	CU_ASSERT_EQUAL(a.hits, 0);
	ppp_session_free(s);
	ppp_ctx_free(ctx);
	CU_ASSERT_EQUAL(a.hits, 0);
	CU_ASSERT_EQUAL(a.live, 0);
}

void
test_session_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_session", NULL, NULL);

	CU_add_test(s, "no authentication", test_none);
	CU_add_test(s, "PAP accept and reject", test_pap);
	CU_add_test(s, "CHAP-MD5 accept and reject", test_chap);
	CU_add_test(s, "MS-CHAPv2 accept and E=691", test_mschapv2);
	CU_add_test(s, "auth-protocol Nak and no common method",
	    test_auth_nak);
	CU_add_test(s, "client with methods refuses no authentication",
	    test_client_requires_auth);
	CU_add_test(s, "async verification, static address",
	    test_async_static);
	CU_add_test(s, "client refuses a wrong S=", test_bad_authenticator);
	CU_add_test(s, "late MS-CHAPv2 Challenge after Success",
	    test_mschap_late_challenge);
	CU_add_test(s, "IP packets both ways", test_ip_packets);
	CU_add_test(s, "lossy link converges or fails cleanly", test_lossy);
	CU_add_test(s, "black hole ends at Max-Configure", test_black_hole);
	CU_add_test(s, "echo keepalive and dead peer", test_echo_timeout);
	CU_add_test(s, "periodic re-challenge", test_rechallenge);
	CU_add_test(s, "LCP renegotiation", test_renegotiate);
	CU_add_test(s, "LCP renegotiation while verifying",
	    test_renegotiate_while_pending);
	CU_add_test(s, "administrative close", test_close);
	CU_add_test(s, "OOM loop", test_oom);
	CU_add_test(s, "PAP frame wiped after next_output",
	    test_pap_frame_wiped);
}
