/*
 * test_capture.c - our client against the LNS side of a capture:
 * vectors/captures/generated/l2tp_ppp_natt_synthetic.pcap (frames 8-14,
 * PPP payload of the L2TP data messages, extracted with tshark's
 * udp.payload minus the 6-byte L2TP header).  The client's CHAP Response
 * and IPCP Configure-Request must equal the captured ones byte for byte.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_capture_register(void);

/* Frame 8, LNS: LCP Configure-Request, id 1: Auth CHAP/MD5, Magic. */
static const char *f8 = "ff03c0210101000f0305c22305050655667788";
/* Frame 10, LNS: CHAP Challenge id 1, value 00..0f, name "lns". */
static const char *f10 =
    "ff03c2230101001810000102030405060708090a0b0c0d0e0f6c6e73";
/* Frame 11, client: CHAP Response id 1, MD5 value, name "user". */
static const char *f11 =
    "ff03c2230201001910740e86463bda3a4d7017d6e0fba0699d75736572";
/* Frame 12, LNS: CHAP Success id 1 "Welcome". */
static const char *f12 = "ff03c2230301000b57656c636f6d65";
/* Frame 13, client: IPCP Configure-Request id 1: 0.0.0.0, DNS 0, DNS 0. */
static const char *f13 =
    "ff03802101010016030600000000810600000000830600000000";
/* Frame 14, LNS: IPCP Configure-Nak: 10.255.0.2, 9.9.9.9, 1.1.1.1. */
static const char *f14 =
    "ff0380210301001603060aff0002810609090909830601010101";

static size_t
hx(uint8_t *b, size_t cap, const char *h)
{
	size_t n = ts_hex2bin(b, cap, h);

	CU_ASSERT_FATAL(n != (size_t)-1);
	return n;
}

/* Pulls the next frame of a protocol, skipping others; checks it is the
 * session's. */
static size_t
next_of(struct ppp_ctx *ctx, struct ppp_session *s, uint16_t proto,
    uint8_t *out, size_t cap)
{
	struct ppp_session *from;
	size_t len;

	while (ppp_next_output(ctx, out, cap, &len, &from, NULL) == PPP_OK) {
		CU_ASSERT_PTR_EQUAL(from, s);
		if (len >= 4 && get16(out + 2) == proto)
			return len;
	}
	return 0;
}

static int
input(struct ppp_session *s, uint64_t now, const uint8_t *f, size_t n)
{
	struct ppp_rx rx;
	int rc = ppp_session_input(s, now, f, n, &rx);

	CU_ASSERT_EQUAL(rx.kind, PPP_RX_NONE);
	return rc;
}

static void
test_client_vs_capture(void)
{
	struct harness h;
	struct ppp_config cc;
	struct ppp_session_config sc;
	struct ppp_ctx *ctx;
	struct ppp_session *c;
	uint8_t in[256], out[PPP_MAX_FRAME], want[256];
	size_t n, len, wl;
	struct ppp_event ev;
	bool auth_ok = false;

	memset(&h, 0, sizeof(h));
	ts_rng_init(&h.rng, 5);
	ts_alloc_init(&h.alloc);
	ts_log_init(&h.log);
	h_hooks(&h);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&ctx, &cc, &h.hooks), 0);
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.username = "user";
	sc.username_len = 4;
	sc.password = "secret";
	sc.password_len = 6;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(ctx, 1, PPP_ROLE_CLIENT, &sc,
	    &c), 0);
	/* LCP: our request is Acked by the "LNS", we Ack frame 8. */
	len = next_of(ctx, c, PROTO_LCP, out, sizeof(out));
	CU_ASSERT_FATAL(len > 8 && out[4] == CODE_CONFREQ);
	out[4] = CODE_CONFACK;
	CU_ASSERT_EQUAL(input(c, 2, out, len), 0);
	n = hx(in, sizeof(in), f8);
	CU_ASSERT_EQUAL(input(c, 3, in, n), 0);
	len = next_of(ctx, c, PROTO_LCP, out, sizeof(out));
	CU_ASSERT_EQUAL(out[4], CODE_CONFACK);
	CU_ASSERT_EQUAL(c->lcp.state, ST_OPENED);
	CU_ASSERT_EQUAL(c->peer_auth, PPP_AUTH_CHAP_MD5);
	/* CHAP: the Response equals the captured frame 11. */
	n = hx(in, sizeof(in), f10);
	CU_ASSERT_EQUAL(input(c, 4, in, n), 0);
	len = next_of(ctx, c, PROTO_CHAP, out, sizeof(out));
	wl = hx(want, sizeof(want), f11);
	TS_ASSERT_BYTES("CHAP Response (frame 11)", out, len, want, wl);
	/* Success, then our IPCP request equals frame 13. */
	n = hx(in, sizeof(in), f12);
	CU_ASSERT_EQUAL(input(c, 5, in, n), 0);
	len = next_of(ctx, c, PROTO_IPCP, out, sizeof(out));
	wl = hx(want, sizeof(want), f13);
	TS_ASSERT_BYTES("IPCP Configure-Request (frame 13)", out, len, want,
	    wl);
	/* The Nak'd address and DNS are requested next, id 2. */
	n = hx(in, sizeof(in), f14);
	CU_ASSERT_EQUAL(input(c, 6, in, n), 0);
	len = next_of(ctx, c, PROTO_IPCP, out, sizeof(out));
	wl = hx(want, sizeof(want),
	    "ff0380210102001603060aff0002810609090909830601010101");
	TS_ASSERT_BYTES("IPCP request after Nak", out, len, want, wl);
	while (ppp_next_event(ctx, &ev)) {
		CU_ASSERT_PTR_EQUAL(ev.sess, c);
		if (ev.type == PPP_EV_AUTH_RESULT)
			auth_ok = ev.auth_ok;
	}
	CU_ASSERT_TRUE(auth_ok);
	ppp_session_free(c);
	ppp_ctx_free(ctx);
	CU_ASSERT_EQUAL(h.alloc.live, 0);
}

/* Our server against the client side: MRU 1400 is taken, the captured
 * Response for challenge 00..0f verifies with the secret. */
static void
test_server_vs_capture(void)
{
	struct harness h;
	struct ppp_config sc;
	struct ppp_ctx *ctx;
	struct ppp_session *s;
	struct ppp_event ev;
	struct ppp_auth_result res;
	uint8_t in[256], out[PPP_MAX_FRAME];
	size_t n, len;
	int requests = 0;

	memset(&h, 0, sizeof(h));
	ts_rng_init(&h.rng, 5);
	ts_alloc_init(&h.alloc);
	ts_log_init(&h.log);
	h_hooks(&h);
	h_config(&sc, PPP_AUTH_CHAP_MD5);
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&ctx, &sc, &h.hooks), 0);
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(ctx, 1, PPP_ROLE_SERVER, NULL,
	    &s), 0);
	len = next_of(ctx, s, PROTO_LCP, out, sizeof(out));
	out[4] = CODE_CONFACK;
	CU_ASSERT_EQUAL(input(s, 2, out, len), 0);
	/* Frame 9, client: LCP Configure-Request MRU 1400, Magic. */
	n = hx(in, sizeof(in), "ff03c0210101000e01040578050611223344");
	CU_ASSERT_EQUAL(input(s, 3, in, n), 0);
	CU_ASSERT_EQUAL(s->lcp.state, ST_OPENED);
	CU_ASSERT_EQUAL(s->peer_mru, 1400);
	/* Replace our random challenge by the captured one, id 1. */
	len = next_of(ctx, s, PROTO_CHAP, out, sizeof(out));
	CU_ASSERT_EQUAL(out[4], 1);
	hx(s->challenge, 16, "000102030405060708090a0b0c0d0e0f");
	CU_ASSERT_EQUAL(s->auth_id, 1);
	n = hx(in, sizeof(in), f11);
	CU_ASSERT_EQUAL(input(s, 4, in, n), 0);
	while (ppp_next_event(ctx, &ev)) {
		if (ev.type != PPP_EV_AUTH_REQUEST)
			continue;
		requests++;
		CU_ASSERT_STRING_EQUAL(ev.auth.user, "user");
		memset(&res, 0, sizeof(res));
		res.size = sizeof(res);
		CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &ev.auth,
		    "secret", 6, &res), 0);
		CU_ASSERT_EQUAL(ppp_session_auth_reply(s, 5, &res), 0);
		ppp_event_wipe(&ev);
	}
	CU_ASSERT_EQUAL(requests, 1);
	len = next_of(ctx, s, PROTO_CHAP, out, sizeof(out));
	CU_ASSERT_EQUAL(out[4], 3);	/* Success */
	ppp_session_free(s);
	ppp_ctx_free(ctx);
	CU_ASSERT_EQUAL(h.alloc.live, 0);
}

void
test_capture_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_capture", NULL, NULL);

	CU_add_test(s, "client vs captured LNS, byte for byte",
	    test_client_vs_capture);
	CU_add_test(s, "server vs captured client", test_server_vs_capture);
}
