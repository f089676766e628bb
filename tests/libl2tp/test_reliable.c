/* Reliable delivery tests (reliable.c): Ns/Nr, window, out-of-order, retransmission. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "l2tp_int.h"

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
	/* The SCCRP is not retransmitted by the timer to an unverified
	 * source: the LAC's retransmitted SCCRQ (bigger than it) gets it
	 * again; the ICRP, to a verified peer, is retransmitted as before. */
	CU_ASSERT_EQUAL(h_stats(&p.lns).sccrp_resent, 1);     /* SCCRP */
	CU_ASSERT_TRUE(h_stats(&p.lns).retransmits >= 1);    /* ICRP */
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

/* Numbered boundary table of the receive side's Ns check (RFC 2661 5.8,
 * sequence numbers mod 2^16). */
static void
test_sequence_boundaries(void)
{
	static const struct {
		uint16_t nr, ns, rws;
		enum seq_verdict v;
	} tab[] = {
		/* 0 */ { 0, 0, 4, SEQ_IN_ORDER },
		/* 1 */ { 0, 1, 4, SEQ_FUTURE },
		/* 2 */ { 0, 3, 4, SEQ_FUTURE },
		/* 3 */ { 0, 4, 4, SEQ_OUT_OF_WINDOW },
		/* 4 */ { 0, 0xffff, 4, SEQ_DUPLICATE },
		/* 5 */ { 0, 0x8001, 4, SEQ_DUPLICATE },
		/* 6 */ { 0, 0x8000, 4, SEQ_DUPLICATE },
		/* 7 */ { 0, 0x7fff, 4, SEQ_OUT_OF_WINDOW },
		/* 8 */ { 0xfffe, 0xffff, 4, SEQ_FUTURE },
		/* 9 */ { 0xfffe, 0x0001, 4, SEQ_FUTURE },
		/* 10 */ { 0xfffe, 0x0002, 4, SEQ_OUT_OF_WINDOW },
		/* 11 */ { 0xfffe, 0xfffd, 4, SEQ_DUPLICATE },
		/* 12 */ { 0xffff, 0xffff, 4, SEQ_IN_ORDER },
		/* 13 */ { 0xffff, 0x0000, 1, SEQ_OUT_OF_WINDOW },
		/* 14 */ { 0x1234, 0x1234 + 63, 64, SEQ_FUTURE },
		/* 15 */ { 0x1234, 0x1234 + 64, 64, SEQ_OUT_OF_WINDOW },
	};
	struct tunnel t;
	unsigned i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		t.nr = tab[i].nr;
		if (l2tpi_ctl_sequence(&t, tab[i].ns, tab[i].rws) != tab[i].v)
			fprintf(stderr, "case %u: verdict %d, want %d\n", i,
			    (int)l2tpi_ctl_sequence(&t, tab[i].ns, tab[i].rws), (int)tab[i].v);
		CU_ASSERT_EQUAL(l2tpi_ctl_sequence(&t, tab[i].ns, tab[i].rws), tab[i].v);
	}
}

/* An LNS context with one established tunnel made by the internal
 * constructor, Ns starting at ns0, peer window rws. */
static struct tunnel *
bare_tunnel(struct h_peer *pe, uint16_t ns0, uint16_t rws)
{
	struct l2tp_config c;
	struct tunnel *t = NULL;

	h_default_config(&c, L2TP_ROLE_LNS);
	CU_ASSERT_EQUAL_FATAL(h_peer_init(pe, &c, 5), 0);
	CU_ASSERT_EQUAL_FATAL(l2tpi_tunnel_new(pe->ctx, 1000, 0x42, &t), 0);
	l2tpi_tunnel_set_peer_id(pe->ctx, t, 77);
	t->state = T_ESTABLISHED;
	t->ns = ns0;
	t->peer_rws = rws;
	return t;
}

static unsigned
drain_output(struct h_peer *pe, uint16_t *ns, unsigned max)
{
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint64_t ph;
	unsigned n = 0;

	while (l2tp_next_output(pe->ctx, 0, buf, sizeof(buf), &len, &ph) == 0) {
		if (n < max)
			ns[n] = (uint16_t)((buf[8] << 8) | buf[9]);
		n++;
	}
	return n;
}

/* Window, acknowledgement across the Ns wrap, acks of what was never
 * sent, and the timer following the queue. */
static void
test_window_and_ack_wrap(void)
{
	struct h_peer pe;
	struct tunnel *t = bare_tunnel(&pe, 0xfffd, 4);
	uint16_t ns[8];
	unsigned i;

	for (i = 0; i < 6; i++) {
		l2tpi_mb_init(&pe.ctx->mb, MT_HELLO);
		CU_ASSERT_EQUAL(l2tpi_ctl_send(pe.ctx, t, 1000, 0), 0);
	}
	/* Four in flight (the peer's window), two waiting. */
	CU_ASSERT_EQUAL(t->inflight, 4);
	CU_ASSERT_EQUAL(drain_output(&pe, ns, 8), 4);
	CU_ASSERT_EQUAL(ns[0], 0xfffd);
	CU_ASSERT_EQUAL(ns[3], 0x0000);
	CU_ASSERT_EQUAL(t->rtx_at, 1000 + 1000000000ull);
	CU_ASSERT_EQUAL(l2tp_next_timeout(pe.ctx), t->rtx_at);
	/* Nr beyond what was sent (0xfffd + 4 = 0x0001 is the limit): ignored. */
	l2tpi_ctl_ack(pe.ctx, t, 0x0002, 2000);
	CU_ASSERT_EQUAL(t->inflight, 4);
	/* Nr acknowledging nothing new. */
	l2tpi_ctl_ack(pe.ctx, t, 0xfffd, 2000);
	CU_ASSERT_EQUAL(t->inflight, 4);
	CU_ASSERT_EQUAL(drain_output(&pe, ns, 8), 0);
	/* Nr 0xffff acks 0xfffd and 0xfffe: two more go out, the timer restarts. */
	l2tpi_ctl_ack(pe.ctx, t, 0xffff, 5000);
	CU_ASSERT_EQUAL(t->inflight, 4);
	CU_ASSERT_EQUAL(drain_output(&pe, ns, 8), 2);
	CU_ASSERT_EQUAL(ns[0], 0x0001);
	CU_ASSERT_EQUAL(ns[1], 0x0002);
	CU_ASSERT_EQUAL(t->rtx_at, 5000 + 1000000000ull);
	CU_ASSERT_EQUAL(t->txq->ns, 0xffff);
	/* Nr 0x0003 acks everything across the wrap; the timer stops and
	 * HELLO's deadline takes over. */
	l2tpi_ctl_ack(pe.ctx, t, 0x0003, 9000);
	CU_ASSERT_PTR_NULL(t->txq);
	CU_ASSERT_EQUAL(t->inflight, 0);
	CU_ASSERT_EQUAL(t->rtx_at, UINT64_MAX);
	CU_ASSERT_EQUAL(l2tp_next_timeout(pe.ctx), 1000 + 60000000000ull);
	CU_ASSERT_EQUAL(l2tpi_timers_check(pe.ctx), 0);
	l2tp_ctx_free(pe.ctx);
	CU_ASSERT_EQUAL(pe.al.live, 0);
}

/* The out-of-order store: in Ns order across the wrap, duplicates kept
 * once, released only in sequence, stale ones pruned. */
static void
test_ooo_queue(void)
{
	struct h_peer pe;
	struct tunnel *t = bare_tunnel(&pe, 0, 4);
	struct ooo_msg *o;
	uint8_t d[CTRL_HDR_LEN + 8] = { 0 };
	uint16_t order[4];
	unsigned n = 0;

	t->nr = 0xfffe;
	l2tpi_ooo_store(pe.ctx, t, 0x0000, d, sizeof(d));
	l2tpi_ooo_store(pe.ctx, t, 0xffff, d, sizeof(d));
	l2tpi_ooo_store(pe.ctx, t, 0x0000, d, sizeof(d));     /* duplicate */
	l2tpi_ooo_store(pe.ctx, t, 0x0001, d, sizeof(d));
	CU_ASSERT_PTR_NULL(l2tpi_ooo_next(t));                 /* 0xfffe still missing */
	t->nr = 0xffff;
	while ((o = l2tpi_ooo_next(t)) != NULL) {
		if (n < 4)
			order[n] = o->ns;
		n++;
		t->nr++;
		l2tpi_ctx_free_mem(pe.ctx, o);
	}
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(order[0], 0xffff);
	CU_ASSERT_EQUAL(order[1], 0x0000);
	CU_ASSERT_EQUAL(order[2], 0x0001);
	CU_ASSERT_PTR_NULL(t->ooo);
	/* Stale entries behind Nr are pruned, later ones kept. */
	l2tpi_ooo_store(pe.ctx, t, 0x0005, d, sizeof(d));
	l2tpi_ooo_store(pe.ctx, t, 0x0009, d, sizeof(d));
	t->nr = 0x0007;
	l2tpi_ooo_prune(pe.ctx, t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->ooo);
	CU_ASSERT_EQUAL(t->ooo->ns, 0x0009);
	CU_ASSERT_PTR_NULL(t->ooo->next);
	l2tp_ctx_free(pe.ctx);          /* frees the rest */
	CU_ASSERT_EQUAL(pe.al.live, 0);
}

/* Closing drops what the window held back; the next Ns is the first
 * dropped one so the peer sees no gap. */
static void
test_drop_unsent_keeps_ns(void)
{
	struct h_peer pe;
	struct tunnel *t = bare_tunnel(&pe, 10, 2);
	unsigned i;

	for (i = 0; i < 5; i++) {
		l2tpi_mb_init(&pe.ctx->mb, MT_HELLO);
		CU_ASSERT_EQUAL(l2tpi_ctl_send(pe.ctx, t, 1000, 0), 0);
	}
	CU_ASSERT_EQUAL(t->ns, 15);
	l2tpi_ctl_drop_unsent(pe.ctx, t);
	CU_ASSERT_EQUAL(t->ns, 12);
	CU_ASSERT_EQUAL(t->inflight, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->txq_tail);
	CU_ASSERT_EQUAL(t->txq_tail->ns, 11);
	CU_ASSERT_PTR_NULL(t->txq_tail->next);
	l2tpi_ctl_drop_all(pe.ctx, t);
	CU_ASSERT_PTR_NULL(t->txq);
	CU_ASSERT_EQUAL(t->inflight, 0);
	l2tp_ctx_free(pe.ctx);
	CU_ASSERT_EQUAL(pe.al.live, 0);
}

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
	CU_add_test(s, "Ns check boundary table (mod 2^16)", test_sequence_boundaries);
	CU_add_test(s, "window and acks across the Ns wrap", test_window_and_ack_wrap);
	CU_add_test(s, "out-of-order queue", test_ooo_queue);
	CU_add_test(s, "dropping unsent messages keeps Ns gapless", test_drop_unsent_keeps_ns);
}
