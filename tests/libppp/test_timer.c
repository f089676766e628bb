/*
 * test_timer.c - every session's timers in the context's deadline heap
 * (timer.c): with 10,000 sessions, ppp_next_timeout is the earliest of
 * them all (read from the heap's top, O(1)), ppp_handle_timeout runs only
 * the sessions that are due, a freed session leaves the heap, and a full
 * context queue leaves the remaining timers due instead of dropping them.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_timer_register(void);

#define NSESS	10000

static struct harness H;

static void
setup(struct ppp_config *cfg)
{
	memset(&H, 0, sizeof(H));
	ts_rng_init(&H.rng, 11);
	ts_alloc_init(&H.alloc);
	ts_log_init(&H.log);
	h_hooks(&H);
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&H.srv.ctx, cfg, &H.hooks), PPP_OK);
}

static size_t
drain(void)
{
	uint8_t out[PPP_MAX_FRAME];
	size_t len, n = 0;

	while (ppp_next_output(H.srv.ctx, out, sizeof(out), &len, NULL,
	    NULL) == PPP_OK)
		n++;
	return n;
}

/* The earliest deadline of all sessions, computed the slow way. */
static uint64_t
slow_min(void)
{
	struct ppp_session_info info;
	struct ppp_session *s;
	uint64_t t = UINT64_MAX;
	size_t cursor = 0, bad = 0;

	while (ppp_session_next(H.srv.ctx, &cursor, &s)) {
		if (ppp_session_get_info(s, 0, &info) != PPP_OK)
			bad++;
		if (info.next_timeout_ns < t)
			t = info.next_timeout_ns;
	}
	CU_ASSERT_EQUAL(bad, 0);
	return t;
}

static void
test_10k_sessions(void)
{
	static struct ppp_session *s[NSESS];
	struct ppp_config cfg;
	uint64_t start, t;
	size_t i, n, cursor;
	struct ppp_session *it;
	unsigned bad = 0;

	h_config(&cfg, PPP_AUTH_NONE);
	setup(&cfg);
	/* Session i is created at a pseudo-random time within 10 s, so the
	 * deadlines (created + 3 s restart) come in no particular order. */
	start = 0;
	for (i = 0; i < NSESS; i++) {
		uint64_t at = (uint64_t)(ts_rng_u32(&H.rng) % 10000) *
		    NS_PER_MS;

		CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.srv.ctx, at,
		    PPP_ROLE_SERVER, NULL, &s[i]), PPP_OK);
		if (i == 0 || at < start)
			start = at;
	}
	CU_ASSERT_EQUAL(drain(), NSESS);
	CU_ASSERT_EQUAL(H.srv.ctx->timers.n, NSESS);
	t = ppp_next_timeout(H.srv.ctx);
	CU_ASSERT_EQUAL(t, start + 3 * NS_PER_S);
	CU_ASSERT_EQUAL(t, slow_min());
	/* Enumeration visits every session exactly once. */
	cursor = 0;
	n = 0;
	while (ppp_session_next(H.srv.ctx, &cursor, &it))
		n++;
	CU_ASSERT_EQUAL(n, NSESS);
	/* Run the first 5 s of deadlines: exactly the sessions created in
	 * the first 5 s retransmit, once each. */
	n = 0;
	for (i = 0; i < NSESS; i++)
		if (s[i]->created_ns < 5 * NS_PER_S)
			n++;
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, 8 * NS_PER_S - 1),
	    PPP_OK);
	CU_ASSERT_EQUAL(drain(), n);
	/* Nothing is due any more at that time; the next deadline is the
	 * earliest of the rest, as the slow way finds it. */
	t = ppp_next_timeout(H.srv.ctx);
	CU_ASSERT(t > 8 * NS_PER_S - 1);
	CU_ASSERT_EQUAL(t, slow_min());
	for (i = 0; i < NSESS; i++)
		if (s[i]->lcp.timer <= 8 * NS_PER_S - 1)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	/* Free the session holding the earliest deadline: it leaves. */
	for (i = 0; i < NSESS; i++)
		if (ppp_sess_deadline(s[i]) == t)
			break;
	CU_ASSERT_FATAL(i < NSESS);
	ppp_session_free(s[i]);
	s[i] = NULL;
	CU_ASSERT_EQUAL(H.srv.ctx->timers.n, NSESS - 1);
	CU_ASSERT(ppp_next_timeout(H.srv.ctx) >= t);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), slow_min());
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/*
 * A full context queue stops handle_timeout early (PPP_E_QUEUE_FULL); the
 * timers not run stay due, so after draining the next call runs them:
 * no retransmission is lost to the cap.
 */
static void
test_backpressure(void)
{
	struct ppp_config cfg;
	struct ppp_session *s;
	struct ppp_stats st;
	uint64_t now = 3 * NS_PER_S;
	size_t i, total = 0;
	int rc;

	h_config(&cfg, PPP_AUTH_NONE);
	cfg.ctx_max_output = 4;
	setup(&cfg);
	for (i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.srv.ctx, 0,
		    PPP_ROLE_SERVER, NULL, &s), PPP_OK);
		CU_ASSERT_EQUAL(drain(), 1);
	}
	for (i = 0; i < 10; i++) {
		rc = ppp_handle_timeout(H.srv.ctx, now);
		total += drain();
		if (rc == PPP_OK)
			break;
		CU_ASSERT_EQUAL(rc, PPP_E_QUEUE_FULL);
		CU_ASSERT(ppp_next_timeout(H.srv.ctx) <= now);
	}
	CU_ASSERT_EQUAL(total, 10);
	CU_ASSERT_EQUAL(i, 2);		/* 4 + 4 + 2 */
	CU_ASSERT(ppp_next_timeout(H.srv.ctx) > now);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.queue_full, 0);
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/* A session's own timers: the heap follows every one of them. */
static void
test_session_timers(void)
{
	struct ppp_config sc, cc;
	struct ppp_session_info info;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	sc.echo_interval_ns = 7 * NS_PER_S;
	sc.rechallenge_ns = 11 * NS_PER_S;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "eve", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	CU_ASSERT_EQUAL(ppp_session_get_info(H.srv.sess, H.now, &info), 0);
	/* Echo at +7 s comes before the re-challenge at +11 s. */
	CU_ASSERT_EQUAL(info.next_timeout_ns, H.srv.sess->echo_timer);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), info.next_timeout_ns);
	CU_ASSERT(H.srv.sess->rechallenge_timer > H.srv.sess->echo_timer);
	CU_ASSERT_EQUAL(info.echo_interval_ns, 7 * NS_PER_S);
	/* Closing stops echo and re-challenge: only the Terminate timer. */
	CU_ASSERT_EQUAL(ppp_session_close(H.srv.sess, H.now), PPP_OK);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), H.now + 3 * NS_PER_S);
	h_run(&H, 10);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), UINT64_MAX);
	CU_ASSERT_EQUAL(ppp_session_get_info(H.srv.sess, H.now, &info), 0);
	CU_ASSERT_EQUAL(info.next_timeout_ns, UINT64_MAX);
	h_free(&H);
}

void
test_timer_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_timer", NULL, NULL);

	CU_add_test(s, "10,000 sessions in one heap", test_10k_sessions);
	CU_add_test(s, "full context queue leaves timers due",
	    test_backpressure);
	CU_add_test(s, "a session's timers in the heap", test_session_timers);
}
