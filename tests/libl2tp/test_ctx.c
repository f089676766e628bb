/* Context tests (ctx.c, names.c): configuration, queues, names, conventions. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_ctx_register(void);

#define SEC 1000000000ull

static void
test_config_and_api(void)
{
	struct l2tp_ctx *c = NULL;
	struct l2tp_config cfg;
	struct l2tp_hooks hk;
	struct ts_rng r;
	uint8_t b[4];
	size_t n;
	uint64_t ph;

	ts_rng_init(&r, 1);
	memset(&hk, 0, sizeof(hk));
	hk.user = &r;
	h_default_config(&cfg, L2TP_ROLE_LNS);
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);   /* no rng */
	hk.rng = ts_rng_cb;
	cfg.hide_avps = true;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);   /* no secret */
	cfg.hide_avps = false;
	cfg.size = 8;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);
	cfg.size = sizeof(cfg);
	CU_ASSERT_EQUAL_FATAL(l2tp_ctx_new(&c, &cfg, &hk), 0);
	CU_ASSERT_EQUAL(l2tp_next_output(c, 0, b, sizeof(b), &n, &ph), L2TP_E_AGAIN);
	CU_ASSERT_EQUAL(l2tp_next_timeout(c), UINT64_MAX);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(c, 0, 1, (uint16_t *)b), L2TP_E_ROLE);
	CU_ASSERT_EQUAL(l2tp_tunnel_close(c, 0, 5, 1), L2TP_E_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(l2tp_strerror(L2TP_E_HIDDEN), "undecodable hidden AVP");
	CU_ASSERT_STRING_EQUAL(l2tp_result_str(true, 4), "requester is not authorized");
	l2tp_ctx_free(c);
	l2tp_ctx_free(NULL);
}

/* Bounded queues: events and output refuse beyond their caps.  Data no
 * longer goes through the event queue, so the event bound is exercised with
 * SESSION_UP events: eight calls on an LNS whose queue holds four. */
static void
test_queue_bounds(void)
{
	struct h_pair p;
	struct l2tp_config a, b;
	uint16_t tid, sid, more[8];
	uint8_t ppp[4] = { 0xc0, 0x21, 0x09, 0x00 }, small[4];
	size_t n;
	uint64_t ph;
	unsigned i;
	int rc = 0;

	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	a.max_output = 8;
	b.max_events = 4;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, &b), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	for (i = 0; i < 9 && rc == 0; i++)
		rc = l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, 4);
	CU_ASSERT_EQUAL(rc, L2TP_E_QUEUE_FULL);
	CU_ASSERT_EQUAL(i, 9);
	/* A too-small buffer leaves the datagram queued. */
	CU_ASSERT_EQUAL(l2tp_next_output(p.lac.ctx, p.now, small, sizeof(small), &n, &ph),
	    L2TP_E_BUFFER);
	/* Deliver all 8: data is returned in place, no event queued. */
	{
		uint8_t buf[L2TP_MAX_DGRAM];
		int r;

		for (i = 0; l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &n, &ph) == 0; i++) {
			r = h_input(&p.lns, p.now, H_LAC_HANDLE, buf, n);
			CU_ASSERT_EQUAL(r, 0);
		}
		CU_ASSERT_EQUAL(i, 8);
	}
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 8);
	CU_ASSERT_EQUAL(h_stats(&p.lns).queue_full, 0);
	/* Eight more calls without draining the LNS's events: only 4 of the
	 * SESSION_UP events fit, the rest are counted and logged. */
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &more[i]), 0);
	{
		uint8_t buf[L2TP_MAX_DGRAM];
		unsigned round;

		for (round = 0; round < 16; round++) {
			while (l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &n, &ph) == 0)
				(void)h_input(&p.lns, p.now, H_LAC_HANDLE, buf, n);
			while (l2tp_next_output(p.lns.ctx, p.now, buf, sizeof(buf), &n, &ph) == 0)
				(void)h_input(&p.lac, p.now, H_LNS_HANDLE, buf, n);
		}
	}
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_up, 9);
	CU_ASSERT_EQUAL(h_stats(&p.lns).queue_full, 4);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "event queue full"));
	memset(p.lns.ev_count, 0, sizeof(p.lns.ev_count));
	h_drain(&p.lns);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_UP], 4);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

/* @NEW@ */

void
test_ctx_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_ctx", NULL, NULL);

	CU_add_test(s, "config and API errors", test_config_and_api);
	CU_add_test(s, "queue bounds", test_queue_bounds);
}
