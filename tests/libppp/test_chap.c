/*
 * test_chap.c - CHAP framing at the authenticator (chap.c): a Challenge
 * that cannot be made because the rng hook fails is retried on a timer
 * (it used to leave the session waiting with no timer at all), and gives
 * up after Max-Configure attempts; a re-challenge likewise.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_chap_register(void);

static struct harness H;

static void
init(enum ppp_auth_method m, uint64_t rechallenge_ns)
{
	struct ppp_config sc, cc;

	h_config(&sc, m);
	sc.rechallenge_ns = rechallenge_ns;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "gina", "pw"), 0);
	H.password = "pw";
}

static void
test_first_challenge_rng(void)
{
	struct ppp_stats st;
	uint64_t t0;

	init(PPP_AUTH_CHAP_MD5, 0);
	t0 = H.now;
	H.rng_fail = 1;
	h_pump(&H);
	/* LCP opened, the challenge failed: a retry is scheduled. */
	CU_ASSERT_EQUAL(H.srv.sess->lcp.state, ST_OPENED);
	CU_ASSERT_EQUAL(H.srv.sess->auth_state, AU_RETRY);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), t0 + 3 * NS_PER_S);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.rng_fail, 1);
	/* A response to no challenge is refused as late. */
	{
		uint8_t f[64];
		size_t n = ts_hex2bin(f, sizeof(f), "c223 02 00 0019 10"
		    " 00112233445566778899aabbccddeeff 67696e61");

		CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, n), PPP_E_LATE);
	}
	CU_ASSERT_EQUAL(H.srv.auth_requests, 0);
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.srv.ip_up);
	CU_ASSERT_TRUE(H.cli.ip_up);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	CU_ASSERT_EQUAL(H.now, t0 + 3 * NS_PER_S);
	h_free(&H);
	/* The rng never recovers: the authentication fails after
	 * Max-Configure retries instead of waiting forever. */
	init(PPP_AUTH_MSCHAPV2, 0);
	t0 = H.now;
	H.rng_fail = 1000;
	h_pump(&H);
	CU_ASSERT_EQUAL(H.srv.sess->auth_state, AU_RETRY);
	/* The client would give up waiting for a Challenge at +30 s and
	 * terminate: keep it out to see the server end on its own. */
	H.drop_pct = 100;
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_AUTH_FAILED);
	CU_ASSERT(H.now <= t0 + 11 * 3 * NS_PER_S + 2 * 3 * NS_PER_S);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.rng_fail, 11);
	CU_ASSERT_EQUAL(st.auth_fail, 1);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 0);
	H.rng_fail = 0;
	h_free(&H);
}

static void
test_rechallenge_rng(void)
{
	uint64_t t0;

	init(PPP_AUTH_CHAP_MD5, 60 * NS_PER_S);
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	t0 = ppp_next_timeout(H.srv.ctx);
	CU_ASSERT_EQUAL(t0, H.srv.sess->rechallenge_timer);
	H.now = t0;
	H.rng_fail = 1;
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), PPP_OK);
	CU_ASSERT_EQUAL(H.srv.sess->auth_state, AU_RETRY);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), t0 + 3 * NS_PER_S);
	H.now = t0 + 3 * NS_PER_S;
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), PPP_OK);
	h_pump(&H);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 2);
	CU_ASSERT_EQUAL(H.srv.sess->auth_state, AU_DONE);
	CU_ASSERT_FALSE(H.srv.down);
	/* The next re-challenge is scheduled again. */
	CU_ASSERT_EQUAL(H.srv.sess->rechallenge_timer, H.now + 60 * NS_PER_S);
	h_free(&H);
}

void
test_chap_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_chap", NULL, NULL);

	CU_add_test(s, "rng failure on the first challenge: retried",
	    test_first_challenge_rng);
	CU_add_test(s, "rng failure on a re-challenge: retried",
	    test_rechallenge_rng);
}
