/* Timer tests (timers.c): the deadline heaps against a brute-force walk,
 * the session setup deadline in both roles, HELLO postponed by data. */
#include <CUnit/CUnit.h>
#include <limits.h>
#include <string.h>

#include "harness.h"
#include "l2tp_int.h"

void test_timers_register(void);

#define SEC 1000000000ull

/* The earliest deadline by walking every tunnel and session (what
 * l2tp_next_timeout did before the heaps), HELLO taken exactly. */
static uint64_t
brute_force_deadline(const struct l2tp_ctx *ctx)
{
	const struct tunnel *t;
	const struct session *s;
	uint64_t d = UINT64_MAX, x;
	size_t b;

	for (b = 0; b <= ctx->tun_mask; b++) {
		for (t = ctx->tun_by_id[b]; t != NULL; t = t->hnext) {
			x = l2tpi_tunnel_deadline(ctx, t);
			if (x < d)
				d = x;
			for (s = t->sessions; s != NULL; s = s->tnext) {
				x = sat_add(s->created, ctx->cfg.session_setup_timeout_ns);
				if (s->state != S_ESTABLISHED && x < d)
					d = x;
			}
		}
	}
	return d;
}

/* Drops everything the LNS sends and every second LAC datagram. */
static bool
lossy(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)d;
	(void)len;
	return !from_lac || (p->seen & 1) != 0;
}

/* Many tunnels and sessions in every state; after every step the heap
 * minimum is the brute-force minimum and each entry is consistent. */
static void
test_heap_matches_brute_force(void)
{
	struct h_pair p;
	struct l2tp_config a, b;
	uint16_t tid[40], sid;
	unsigned i, steps = 0;

	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	a.max_half_open = 64;
	a.hello_interval_ns = 7 * SEC;
	b.hello_interval_ns = 5 * SEC;
	a.session_setup_timeout_ns = 9 * SEC;
	/* 40 tunnels from one peer handle: beyond the default per-peer shares. */
	b.max_tunnels_per_peer = UINT_MAX;
	b.max_half_open_per_peer = UINT_MAX;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, &b), 0);
	for (i = 0; i < 40; i++) {
		if (i == 20)
			p.filter = lossy;   /* the rest set up under loss */
		CU_ASSERT_EQUAL_FATAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid[i]), 0);
		CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid[i], &sid), 0);
		if (i % 3 == 0)
			CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid[i], &sid), 0);
		h_pump(&p);
		p.now += SEC / 3;
		CU_ASSERT_EQUAL(l2tp_next_timeout(p.lac.ctx), brute_force_deadline(p.lac.ctx));
		CU_ASSERT_EQUAL(l2tp_next_timeout(p.lns.ctx), brute_force_deadline(p.lns.ctx));
	}
	for (i = 0; i < 10; i++)
		(void)l2tp_tunnel_close(p.lac.ctx, p.now, tid[i], 1);
	while (steps < 400 && h_step_timer(&p, p.now + 120 * SEC)) {
		steps++;
		CU_ASSERT_EQUAL(l2tpi_timers_check(p.lac.ctx), 0);
		CU_ASSERT_EQUAL(l2tpi_timers_check(p.lns.ctx), 0);
		CU_ASSERT_EQUAL(l2tpi_tables_check(p.lac.ctx), 0);
		CU_ASSERT_EQUAL(l2tpi_tables_check(p.lns.ctx), 0);
		CU_ASSERT_EQUAL(l2tp_next_timeout(p.lac.ctx), brute_force_deadline(p.lac.ctx));
		CU_ASSERT_EQUAL(l2tp_next_timeout(p.lns.ctx), brute_force_deadline(p.lns.ctx));
		CU_ASSERT_TRUE(l2tp_next_timeout(p.lac.ctx) > p.now);
		CU_ASSERT_TRUE(l2tp_next_timeout(p.lns.ctx) > p.now);
		if (steps == 100)
			p.filter = NULL;
	}
	CU_ASSERT_TRUE(steps > 20);
	CU_ASSERT_TRUE(h_stats(&p.lac).session_setup_timeouts + h_stats(&p.lac).rtx_teardowns > 0);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lac.al.live, 0);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

/* Drops every ICCN the LAC sends. */
static bool
drop_iccn(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	return from_lac && h_msg_type(d, *len) == L2TP_MSG_ICCN;
}

/* LNS: ICRP sent, ICCN never arrives: CDN (result 10) at the deadline. */
static void
test_setup_timeout_lns(void)
{
	struct h_pair p;
	struct l2tp_config b;
	uint16_t tid, sid;
	uint64_t t0;

	h_default_config(&b, L2TP_ROLE_LNS);
	b.session_setup_timeout_ns = 3 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &b), 0);
	p.filter = drop_iccn;
	t0 = p.now;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lac).sessions_up, 1);   /* the LAC sent ICCN */
	while (p.lns.ev_count[L2TP_EV_SESSION_DOWN] == 0 && h_step_timer(&p, p.now + 10 * SEC))
		;
	CU_ASSERT_EQUAL(p.now, t0 + 3 * SEC);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_TIMEOUT);
	CU_ASSERT_EQUAL(h_stats(&p.lns).session_setup_timeouts, 1);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "not established"));
	/* The CDN reached the LAC, which hangs up too. */
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_TIMEOUT);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].session_id, sid);
	/* The tunnel lives on; the LAC's late ICCN is acked and ignored. */
	p.filter = NULL;
	while (h_step_timer(&p, p.now + 20 * SEC) && h_stats(&p.lac).retransmits < 6)
		;
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).sessions_open, 0);
	CU_ASSERT_EQUAL(l2tpi_timers_check(p.lns.ctx), 0);
	h_pair_free(&p);
}

/* Drops every ICRP the LNS sends. */
static bool
drop_icrp(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	return !from_lac && h_msg_type(d, *len) == L2TP_MSG_ICRP;
}

/* LAC: ICRQ sent, ICRP never arrives: CDN at the deadline; the LNS finds
 * its half-open session by our Assigned Session ID. */
static void
test_setup_timeout_lac(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint16_t tid, sid;

	h_default_config(&a, L2TP_ROLE_LAC);
	a.session_setup_timeout_ns = 4 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	p.filter = drop_icrp;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 1);
	while (p.lac.ev_count[L2TP_EV_SESSION_DOWN] == 0 && h_step_timer(&p, p.now + 10 * SEC))
		;
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].session_id, sid);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	CU_ASSERT_EQUAL(h_stats(&p.lac).session_setup_timeouts, 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_TIMEOUT);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).sessions_open, 0);
	h_pair_free(&p);
}

/* Records the control message types the LAC sends. */
static bool
blackhole_record(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	unsigned *types = p->arg;

	if (from_lac)
		types[h_msg_type(d, *len) & 31]++;
	return true;
}

/* LAC: a call waiting for its tunnel also times out, without a CDN (the
 * peer never heard of it); an established session has no deadline. */
static void
test_setup_timeout_waiting_for_tunnel(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint16_t tid, sid;
	unsigned types[32] = { 0 };

	h_default_config(&a, L2TP_ROLE_LAC);
	a.session_setup_timeout_ns = 2 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	p.filter = blackhole_record;
	p.arg = types;
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid), 0);
	h_pump(&p);
	while (p.lac.ev_count[L2TP_EV_SESSION_DOWN] == 0 && h_step_timer(&p, p.now + 10 * SEC))
		;
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	CU_ASSERT_EQUAL(types[L2TP_MSG_CDN], 0);
	CU_ASSERT_EQUAL(types[L2TP_MSG_ICRQ], 0);
	CU_ASSERT_TRUE(types[L2TP_MSG_SCCRQ] >= 2);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 1);  /* still trying */
	h_pair_free(&p);

	/* Established: the next deadline is HELLO's, not the setup's. */
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lac.ctx->sess_timers.n, 0);
	CU_ASSERT_EQUAL(p.lns.ctx->sess_timers.n, 0);
	CU_ASSERT_EQUAL(l2tp_next_timeout(p.lac.ctx), p.now + 60 * SEC);
	h_pair_free(&p);

	/* UINT64_MAX: never. */
	a.session_setup_timeout_ns = UINT64_MAX;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	p.filter = drop_icrp;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lac.ctx->sess_timers.n, 0);
	CU_ASSERT_EQUAL(l2tpi_timers_check(p.lac.ctx), 0);
	h_pair_free(&p);
}

/* Data from the peer postpones HELLO without touching the heap: the
 * timer may fire early, then it only re-arms; once data stops, HELLO goes
 * out one interval after the last packet. */
static void
test_hello_postponed_by_data(void)
{
	struct h_pair p;
	struct l2tp_config b;
	uint16_t tid, sid;
	uint8_t ppp[40] = { 0xff, 0x03, 0x00, 0x21, 0x45 };
	uint64_t last, t;
	unsigned i, outputs;

	h_default_config(&b, L2TP_ROLE_LNS);
	b.hello_interval_ns = 10 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &b), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	for (i = 0; i < 15; i++) {
		p.now += 4 * SEC;
		CU_ASSERT_EQUAL(h_send_data(&p, &p.lac, &p.lns, H_LAC_HANDLE, tid, sid, ppp,
		    sizeof(ppp)), 0);
		(void)l2tp_handle_timeout(p.lns.ctx, p.now);
		h_pump(&p);
	}
	CU_ASSERT_EQUAL(h_stats(&p.lns).hellos_sent, 0);
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 15);
	last = p.now;
	/* The heap entry may be early (lazy); firing it sends nothing. */
	t = l2tp_next_timeout(p.lns.ctx);
	CU_ASSERT_TRUE(t <= last + 10 * SEC);
	if (t < last + 10 * SEC) {
		outputs = (unsigned)h_stats(&p.lns).tx_packets;
		CU_ASSERT_EQUAL(l2tp_handle_timeout(p.lns.ctx, t), 0);
		CU_ASSERT_EQUAL(h_stats(&p.lns).tx_packets, outputs);
		CU_ASSERT_EQUAL(l2tp_next_timeout(p.lns.ctx), last + 10 * SEC);
	}
	CU_ASSERT_EQUAL(l2tpi_timers_check(p.lns.ctx), 0);
	p.now = last + 10 * SEC;
	CU_ASSERT_EQUAL(l2tp_handle_timeout(p.lns.ctx, p.now), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).hellos_sent, 1);
	h_pair_free(&p);
}

/* Turns the LAC's SCCCN into a bare ZLB (Ns 1, Nr 1): the LNS's SCCRP is
 * acknowledged but SCCCN never arrives. */
static bool
scccn_to_zlb(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	if (from_lac && h_msg_type(d, *len) == L2TP_MSG_SCCCN) {
		*len = 12;
		d[2] = 0;
		d[3] = 12;
	}
	return false;
}

/* LNS: SCCRP acked, SCCCN never comes.  Without a setup deadline such a
 * tunnel had no timer at all and kept its half-open slot forever. */
static void
test_tunnel_setup_timeout(void)
{
	struct h_pair p;
	struct l2tp_config b;
	uint16_t tid;
	unsigned i;

	h_default_config(&b, L2TP_ROLE_LNS);
	b.tunnel_setup_timeout_ns = 5 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &b), 0);
	p.filter = scccn_to_zlb;
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(l2tp_next_timeout(p.lns.ctx), p.now + 5 * SEC);
	while (p.lns.ev_count[L2TP_EV_TUNNEL_DOWN] == 0 && h_step_timer(&p, p.now + 10 * SEC))
		;
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnel_setup_timeouts, 1);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "SCCCN"));
	for (i = 0; i < 20; i++)
		(void)h_step_timer(&p, p.now + 60 * SEC);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 0);
	CU_ASSERT_EQUAL(l2tp_next_timeout(p.lns.ctx), UINT64_MAX);
	h_pair_free(&p);

	/* UINT64_MAX: never (the tunnel stays half-open). */
	b.tunnel_setup_timeout_ns = UINT64_MAX;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &b), 0);
	p.filter = scccn_to_zlb;
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	h_pump(&p);
	for (i = 0; i < 20; i++)
		(void)h_step_timer(&p, p.now + 60 * SEC);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(l2tp_next_timeout(p.lns.ctx), UINT64_MAX);
	h_pair_free(&p);
}

void
test_timers_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_timers", NULL, NULL);

	CU_add_test(s, "heap minimum == brute force, every step", test_heap_matches_brute_force);
	CU_add_test(s, "setup deadline: LNS waits for ICCN", test_setup_timeout_lns);
	CU_add_test(s, "setup deadline: LAC waits for ICRP", test_setup_timeout_lac);
	CU_add_test(s, "setup deadline: waiting for the tunnel; none once up",
	    test_setup_timeout_waiting_for_tunnel);
	CU_add_test(s, "HELLO postponed by data (lazy re-arm)", test_hello_postponed_by_data);
	CU_add_test(s, "tunnel setup deadline: SCCRP acked, no SCCCN", test_tunnel_setup_timeout);
}
