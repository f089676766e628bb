/* Reliable delivery tests (reliable.c): Ns/Nr, window, out-of-order, retransmission. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_reliable_register(void);

#define SEC 1000000000ull

/* Drops the first transmission of SCCRP, ICRP and ICCN. */
static bool
drop_firsts(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	unsigned *mask = p->arg;
	unsigned mt = h_msg_type(d, *len);

	(void)from_lac;
	if ((mt == 2 || mt == 11 || mt == 12) && (*mask & (1u << mt)) == 0) {
		*mask |= 1u << mt;
		return true;
	}
	return false;
}

static void
test_retransmit_under_loss(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	unsigned mask = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = drop_firsts;
	p.arg = &mask;
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_UP], 0);
	while (p.lns.ev_count[L2TP_EV_SESSION_UP] == 0 && h_step_timer(&p, p.now + 30 * SEC))
		;
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_UP], 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_UP], 1);
	CU_ASSERT_TRUE(h_stats(&p.lns).retransmits >= 2);    /* SCCRP, ICRP */
	CU_ASSERT_TRUE(h_stats(&p.lac).retransmits >= 1);    /* ICCN */
	CU_ASSERT_TRUE(h_stats(&p.lac).rx_sccrq_retransmit + h_stats(&p.lns).rx_sccrq_retransmit >= 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);     /* same tunnel, not a second */
	h_pair_free(&p);
}

/* Drops everything from the LNS; records the send times of LAC messages. */
struct blackhole {
	uint64_t times[16];
	unsigned n;
};

static bool
blackhole_lns(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	struct blackhole *b = p->arg;

	if (from_lac) {
		if (h_msg_type(d, *len) == 10 && b->n < 16)
			b->times[b->n++] = p->now;
		return true;
	}
	return true;
}

static void
test_retransmit_backoff_teardown(void)
{
	struct h_pair p;
	uint16_t tid, sid, sid2;
	struct blackhole b = { { 0 }, 0 };
	struct l2tp_config c;
	unsigned i;

	h_default_config(&c, L2TP_ROLE_LAC);
	c.rtx_initial_ns = 1 * SEC;
	c.rtx_max_ns = 4 * SEC;
	c.rtx_max_count = 4;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &c, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	p.filter = blackhole_lns;
	p.arg = &b;
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid2), 0);
	h_pump(&p);
	while (h_step_timer(&p, p.now + 60 * SEC) && p.lac.ev_count[L2TP_EV_TUNNEL_DOWN] == 0)
		;
	/* Original + 4 retransmissions at 1, 2, 4, 4 s (capped). */
	CU_ASSERT_EQUAL(b.n, 5);
	if (b.n == 5) {
		CU_ASSERT_EQUAL(b.times[1] - b.times[0], 1 * SEC);
		CU_ASSERT_EQUAL(b.times[2] - b.times[1], 2 * SEC);
		CU_ASSERT_EQUAL(b.times[3] - b.times[2], 4 * SEC);
		CU_ASSERT_EQUAL(b.times[4] - b.times[3], 4 * SEC);
	}
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_TIMEOUT);
	CU_ASSERT_EQUAL(h_stats(&p.lac).rtx_teardowns, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 0);
	for (i = 0; i < 8; i++)
		(void)h_step_timer(&p, p.now + 600 * SEC);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lac.al.live, 0);
}

static void
test_reordering_and_window(void)
{
	struct h_pair p;
	struct l2tp_config lns;
	uint16_t tid, sid[3];
	static uint8_t bufs[8][L2TP_MAX_DGRAM];
	size_t lens[8];
	unsigned n, i;

	h_default_config(&lns, L2TP_ROLE_LNS);
	lns.rws = 2;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &lns), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid[0]), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid[1]), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid[2]), 0);
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, sid[0], L2TP_CDN_ADMIN), 0);
	/* Peer RWS 2: only two of the three messages may be in flight. */
	n = h_collect(&p.lac, bufs, lens, 8);
	CU_ASSERT_EQUAL(n, 2);
	/* Deliver in reverse order: the second waits for the first. */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, bufs[1], lens[1]), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_out_of_order, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 1);
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, bufs[0], lens[0]), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 3);
	/* A duplicate is re-acked and ignored. */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, bufs[0], lens[0]),
	    L2TP_E_DUPLICATE);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_duplicate, 1);
	h_pump(&p);
	for (i = 0; i < 3; i++)
		(void)h_step_timer(&p, p.now + 3 * SEC);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_UP], 3);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 2);   /* CDN went out after the ack */
	CU_ASSERT_EQUAL(h_stats(&p.lac).sessions_open, 2);
	h_pair_free(&p);
}

/* Drops the first transmission of the second CDN only. */
static bool
drop_second_cdn(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	unsigned *n = p->arg;

	if (from_lac && h_msg_type(d, *len) == 14 && ++*n == 2)
		return true;
	return false;
}

/* The first CDN is acked by a ZLB, the second was lost: the timer must
 * still run for it although no new message restarts it. */
static void
test_partial_ack_retransmits_rest(void)
{
	struct h_pair p;
	uint16_t tid, sid, s2, s3;
	unsigned n = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s2), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s3), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 3);
	p.filter = drop_second_cdn;
	p.arg = &n;
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, s2, L2TP_CDN_ADMIN), 0);
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, s3, L2TP_CDN_ADMIN), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 2);
	CU_ASSERT_NOT_EQUAL(l2tp_next_timeout(p.lac.ctx), UINT64_MAX);
	while (h_stats(&p.lns).sessions_open > 1 && h_step_timer(&p, p.now + 30 * SEC))
		;
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 1);
	h_pair_free(&p);
}

/* A control message queued while the output queue is full (data filled
 * it) must still go out once there is room: the retransmission timer
 * covers it, so it is neither stuck forever nor silently lost. */
static void
test_ctl_sent_after_output_full(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint16_t tid, sid;
	uint8_t ppp[4] = { 0xc0, 0x21, 0x09, 0x00 };
	unsigned i;
	int rc = 0;

	h_default_config(&a, L2TP_ROLE_LAC);
	a.max_output = 4;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	for (i = 0; i < 8 && rc == 0; i++)
		rc = l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, 4);
	CU_ASSERT_EQUAL(rc, L2TP_E_QUEUE_FULL);
	/* The CDN cannot be transmitted now. */
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, sid, L2TP_CDN_ADMIN), 0);
	CU_ASSERT_NOT_EQUAL(l2tp_next_timeout(p.lac.ctx), UINT64_MAX);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 4);
	while (h_stats(&p.lns).sessions_open > 0 && h_step_timer(&p, p.now + 30 * SEC))
		;
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 0);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	h_pair_free(&p);
}

/* Closing a tunnel drops messages the peer's window had not let out yet;
 * the StopCCN must take the first dropped Ns, or the peer waits forever
 * for the missing ones and never processes it (RFC 2661 5.8). */
static void
test_close_with_unsent_messages(void)
{
	struct h_pair p;
	struct l2tp_config lns;
	uint16_t tid, sid, s2, s3, s4;

	h_default_config(&lns, L2TP_ROLE_LNS);
	lns.rws = 2;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &lns), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	/* Three ICRQs: two in flight, one waiting for the window. */
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s2), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s3), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s4), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid, L2TP_STOPCCN_GENERAL_REQUEST), 0);
	h_pump(&p);
	while (p.lns.ev_count[L2TP_EV_TUNNEL_DOWN] == 0 && h_step_timer(&p, p.now + 10 * SEC))
		;
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_GENERAL_REQUEST);
	CU_ASSERT_EQUAL(h_stats(&p.lac).rtx_teardowns, 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 0);
	h_pair_free(&p);
}

/* @NEW@ */

void
test_reliable_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_reliable", NULL, NULL);

	CU_add_test(s, "retransmission under loss", test_retransmit_under_loss);
	CU_add_test(s, "backoff then teardown", test_retransmit_backoff_teardown);
	CU_add_test(s, "reordering and window", test_reordering_and_window);
	CU_add_test(s, "partial ack retransmits the rest", test_partial_ack_retransmits_rest);
	CU_add_test(s, "control message sent after output queue full", test_ctl_sent_after_output_full);
	CU_add_test(s, "tunnel close with unsent messages", test_close_with_unsent_messages);
}
