/*
 * test_timers.c - every deadline in one heap (timers.c): next_timeout is the
 * earliest deadline among hundreds of SAs and follows them as they are
 * handled; handle_timeout stops early rather than drop events when the event
 * queue is nearly full, and finishes the work once the caller drains it.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "testsupport.h"

void test_timers_register(void);

#define SEC 1000000000ull
#define MSEC 1000000ull

static void
fast_policy(struct isakmp_policy *p)
{
	h_policy_default(p);
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 0 };
	p->n_p1 = 1;
}

/* n clients' MM1 reach the server 1 ms apart: n half-open SAs there. */
static void
half_open_storm(struct h_side *c, struct h_side *s, size_t n, uint64_t t0)
{
	struct isakmp_addr l = { H_CLIENT_IP, 0 }, r = { H_SERVER_IP, 500 }, f, t;
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t i, len;

	for (i = 0; i < n; i++) {
		uint64_t now = t0 + i * MSEC;

		l.port = (uint16_t)(10000 + i);
		CU_ASSERT_EQUAL(isakmp_initiate(c->ctx, now, c->pid, &l, &r, NULL), 0);
		CU_ASSERT_EQUAL(isakmp_next_output(c->ctx, now, b, sizeof(b), &len, &f, &t), 0);
		CU_ASSERT_EQUAL(isakmp_input(s->ctx, now, b, len, &f, &t), 0);
		while (isakmp_next_output(s->ctx, now, b, sizeof(b), &len, &f, &t) == 0)
			;
	}
}

static size_t
drain_count(struct isakmp_ctx *ctx, int type)
{
	struct isakmp_event ev;
	size_t n = 0;

	while (isakmp_next_event(ctx, &ev)) {
		n += (int)ev.type == type;
		isakmp_event_wipe(&ev);
	}
	return n;
}

/* next_timeout follows the earliest of 300 half-open deadlines. */
static void
test_many_deadlines(void)
{
	struct isakmp_policy p;
	struct isakmp_config cfg;
	struct h_side c, s;
	struct isakmp_stats st;
	uint64_t t0 = 5 * SEC, first;

	fast_policy(&p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_ike_sas = 1000;
	cfg.max_half_open = 1000;
	cfg.max_events = 1000;
	cfg.max_half_open_per_ip = cfg.max_half_open;   /* one client address */
	cfg.max_ike_sas_per_ip = cfg.max_ike_sas;
	cfg.cookie_threshold = UINT32_MAX;              /* every MM1 makes state */
	cfg.cookie_threshold_per_ip = UINT32_MAX;
	CU_ASSERT_EQUAL_FATAL(h_side_init(&c, &cfg, &p, 700), 0);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&s, &cfg, &p, 701), 0);
	half_open_storm(&c, &s, 300, t0);
	/* The server: each half-open SA expires 30 s after its MM1. */
	first = t0 + 30 * SEC;
	CU_ASSERT_EQUAL(isakmp_next_timeout(s.ctx), first);
	/* The client: the first retransmission, 2 s after the first MM1. */
	CU_ASSERT_EQUAL(isakmp_next_timeout(c.ctx), t0 + 2 * SEC);
	CU_ASSERT_EQUAL(isakmp_handle_timeout(s.ctx, first + 150 * MSEC), 0);
	CU_ASSERT_EQUAL(drain_count(s.ctx, ISAKMP_EV_PHASE1_FAILED), 151);
	CU_ASSERT_EQUAL(isakmp_next_timeout(s.ctx), first + 151 * MSEC);
	CU_ASSERT_EQUAL(isakmp_handle_timeout(s.ctx, first + 299 * MSEC), 0);
	CU_ASSERT_EQUAL(drain_count(s.ctx, ISAKMP_EV_PHASE1_FAILED), 149);
	CU_ASSERT_EQUAL(isakmp_next_timeout(s.ctx), UINT64_MAX);
	isakmp_get_stats(s.ctx, &st);
	CU_ASSERT_EQUAL(st.phase1_failed, 300);
	CU_ASSERT_EQUAL(st.events_dropped, 0);
	/* The client retransmits each on its own schedule: 300 datagrams at 2 s + i ms. */
	CU_ASSERT_EQUAL(isakmp_handle_timeout(c.ctx, t0 + 2 * SEC + 299 * MSEC), 0);
	isakmp_get_stats(c.ctx, &st);
	CU_ASSERT_EQUAL(st.tx_retransmits, 300);
	/* All were handled at one now: the next ones are 4 s later (doubling). */
	CU_ASSERT_EQUAL(isakmp_next_timeout(c.ctx), t0 + 2 * SEC + 299 * MSEC + 4 * SEC);
	isakmp_ctx_free(c.ctx);
	isakmp_ctx_free(s.ctx);
	CU_ASSERT_EQUAL(c.alloc.live, 0);
	CU_ASSERT_EQUAL(s.alloc.live, 0);
}

/* A small event queue: timers wait for the caller instead of dropping events. */
static void
test_event_backpressure(void)
{
	struct isakmp_policy p;
	struct isakmp_config cfg;
	struct h_side c, s;
	struct isakmp_stats st;
	uint64_t t0 = SEC, when = t0 + 40 * SEC;
	size_t got = 0, rounds = 0;

	fast_policy(&p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_events = 8;
	CU_ASSERT_EQUAL_FATAL(h_side_init(&c, NULL, &p, 702), 0);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&s, &cfg, &p, 703), 0);
	half_open_storm(&c, &s, 20, t0);
	CU_ASSERT_EQUAL(isakmp_handle_timeout(s.ctx, when), 0);
	isakmp_get_stats(s.ctx, &st);
	CU_ASSERT(st.timer_deferred >= 1);
	CU_ASSERT(isakmp_next_timeout(s.ctx) <= when);   /* work left: call again */
	while (isakmp_next_timeout(s.ctx) <= when && rounds++ < 20) {
		got += drain_count(s.ctx, ISAKMP_EV_PHASE1_FAILED);
		CU_ASSERT_EQUAL(isakmp_handle_timeout(s.ctx, when), 0);
	}
	got += drain_count(s.ctx, ISAKMP_EV_PHASE1_FAILED);
	CU_ASSERT_EQUAL(got, 20);
	isakmp_get_stats(s.ctx, &st);
	CU_ASSERT_EQUAL(st.events_dropped, 0);
	CU_ASSERT_EQUAL(isakmp_next_timeout(s.ctx), UINT64_MAX);
	isakmp_ctx_free(c.ctx);
	isakmp_ctx_free(s.ctx);
}

/* Lifetimes, rekeys, DPD and keepalives of one peer are all on the heap. */
static void
test_peer_deadlines(void)
{
	struct isakmp_policy p;
	struct harness h;
	uint64_t t0;

	fast_policy(&p);
	p.p2[0].life_s = 1000;
	p.p1[0].life_s = 2000;
	p.dpd_interval_ns = 300 * SEC;
	p.natt_keepalive_ns = 100 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 704), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	t0 = h.now;
	/* Server: the finished Quick Mode is kept 30 s, then DPD at 300 s, then 970 s. */
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), t0 + 30 * SEC);
	(void)isakmp_handle_timeout(h.s.ctx, t0 + 30 * SEC);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), t0 + 300 * SEC);
	/* Client: keepalive at 100 s first. */
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.c.ctx), t0 + 30 * SEC);
	(void)isakmp_handle_timeout(h.c.ctx, t0 + 30 * SEC);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.c.ctx), t0 + 100 * SEC);
	/* 2100 s: two IPsec rekeys, a phase 1 rekey, DPD probes and keepalives. */
	h_run_until(&h, t0 + 2100 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_UP), 3);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT_FALSE(h_find_event(&h.c, ISAKMP_EV_PEER_DOWN, NULL));
	h_fini(&h);
}

void
test_timers_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_timers", NULL, NULL);

	CU_add_test(s, "next_timeout over 300 deadlines", test_many_deadlines);
	CU_add_test(s, "event queue backpressure on timers", test_event_backpressure);
	CU_add_test(s, "one peer's deadlines", test_peer_deadlines);
}
