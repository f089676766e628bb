/*
 * bench_l2tp.c - tunnel+session setups per second in memory on one core,
 * bytes of library state per session with 100,000 sessions open, and the
 * data path: encap + decap of a 1400-byte PPP frame.
 *
 * Setup rate: a LAC and an LNS context exchange SCCRQ/SCCRP/SCCCN/ZLB and
 * ICRQ/ICRP/ICCN/ZLB in memory; each setup is one new tunnel with one
 * session, torn down again (StopCCN) so the tables stay small.
 * State: an LNS holding 100,000 sessions (1,000 tunnels x 100 sessions),
 * measured as live bytes of its allocator (ts_alloc accounting) divided by
 * the number of sessions; includes tunnels and hash tables.
 * ratio= is against the targets: setups/s / 100,000 for l2tp.setup,
 * 512 / bytes-per-session for l2tp.state (> 1 is better than the target).
 * Both contexts run on the one measuring core, so a setup costs both the
 * LAC's and the LNS's work (8 control datagrams, 2 StopCCN/ZLB).
 * Data: l2tp_session_encap on the LNS (in the frame's headroom) then
 * l2tp_input on the LAC (frame returned in place), per frame; ratio= is
 * against the copying path measured in the same run (l2tp_session_send_ppp
 * + l2tp_next_output + l2tp_input: two copies and two allocations), so > 1
 * is what the in-place path saves.
 */
#include <stdio.h>
#include <string.h>

#include <roadgate/l2tp.h>
#include "testsupport.h"

#define TARGET_SETUPS 100000.0
#define NSESS 100000u
#define PER_TUNNEL 100u

struct side {
	struct l2tp_ctx *ctx;
	struct ts_rng rng;
	struct ts_alloc al;
};

static int
rng_cb(void *u, void *b, size_t n)
{
	return ts_rng_cb(&((struct side *)u)->rng, b, n);
}

static void *
alloc_cb(void *u, size_t n)
{
	return ts_alloc_cb(&((struct side *)u)->al, n);
}

static void
free_cb(void *u, void *p)
{
	ts_free_cb(&((struct side *)u)->al, p);
}

static int
side_new(struct side *s, unsigned roles, uint64_t seed, unsigned tunnels, unsigned sess)
{
	struct l2tp_config c;
	struct l2tp_hooks h;

	memset(s, 0, sizeof(*s));
	ts_rng_init(&s->rng, seed);
	ts_alloc_init(&s->al);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.roles = roles;
	c.max_tunnels = tunnels;
	c.max_half_open = tunnels;
	c.max_sessions_per_tunnel = sess;
	/* Every tunnel comes from one peer handle here: its share is all. */
	c.max_tunnels_per_peer = tunnels;
	c.max_half_open_per_peer = tunnels;
	c.max_sessions_per_peer = tunnels * sess;
	c.max_output = 1u << 20;
	c.max_events = 1u << 16;
	memset(&h, 0, sizeof(h));
	h.user = s;
	h.rng = rng_cb;
	h.alloc = alloc_cb;
	h.free = free_cb;
	return l2tp_ctx_new(&s->ctx, &c, &h);
}

static unsigned long rejected;

/* A step that should not fail did: say where (`make bench` fails). */
static int
fail(int line)
{
	fprintf(stderr, "bench: l2tp: the step at bench_l2tp.c:%d failed\n", line);
	return 1;
}

static void
pump(struct side *a, struct side *b)
{
	static uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint64_t ph;
	struct l2tp_event ev;
	struct l2tp_rx rx;
	bool any = true;

	while (any) {
		any = false;
		while (l2tp_next_output(a->ctx, 0, buf, sizeof(buf), &len, &ph) == 0) {
			any = true;
			if (l2tp_input(b->ctx, 0, 1, buf, len, &rx) != 0)
				rejected++;
		}
		while (l2tp_next_output(b->ctx, 0, buf, sizeof(buf), &len, &ph) == 0) {
			any = true;
			if (l2tp_input(a->ctx, 0, 2, buf, len, &rx) != 0)
				rejected++;
		}
	}
	while (l2tp_next_event(a->ctx, &ev))
		;
	while (l2tp_next_event(b->ctx, &ev))
		;
}

/* 3. Data: encap + decap of a 1400-byte frame, in place vs. copied. */
#define DATA_FRAMES 2000000u
#define FRAME 1400u

static int
bench_data(void)
{
	struct side lac, lns;
	static uint8_t buf[L2TP_DATA_HEADROOM + FRAME], out[L2TP_MAX_DGRAM];
	struct l2tp_session_info si;
	struct l2tp_rx rx;
	size_t cur = 0, off, len;
	uint64_t ph, t0, t1, t2;
	uint16_t tid, sid;
	unsigned i;
	size_t allocs;
	double inplace, copy;

	if (side_new(&lac, L2TP_ROLE_LAC, 5, 4, 4) != 0 ||
	    side_new(&lns, L2TP_ROLE_LNS, 6, 4, 4) != 0)
		return fail(__LINE__);
	if (l2tp_tunnel_open(lac.ctx, 0, 2, &tid) != 0 ||
	    l2tp_session_open(lac.ctx, 0, tid, &sid) != 0)
		return fail(__LINE__);
	pump(&lac, &lns);
	if (!l2tp_session_next(lns.ctx, 0, &cur, &si) || si.state != L2TP_SESSION_ESTABLISHED)
		return fail(__LINE__);
	memset(buf, 0x45, sizeof(buf));
	buf[L2TP_DATA_HEADROOM] = 0xff;
	buf[L2TP_DATA_HEADROOM + 1] = 0x03;
	allocs = lns.al.count + lac.al.count;
	t0 = ts_now_ns();
	for (i = 0; i < DATA_FRAMES; i++) {
		off = L2TP_DATA_HEADROOM;
		len = FRAME;
		if (l2tp_session_encap(lns.ctx, si.tunnel_id, si.session_id, buf, sizeof(buf),
		    &off, &len, &ph) != 0 ||
		    l2tp_input(lac.ctx, 0, 2, buf + off, len, &rx) != 0 || rx.len != FRAME)
			return fail(__LINE__);
	}
	t1 = ts_now_ns();
	if (lns.al.count + lac.al.count != allocs) {
		fprintf(stderr, "bench: the data path allocated\n");
		return fail(__LINE__);
	}
	for (i = 0; i < DATA_FRAMES; i++) {
		if (l2tp_session_send_ppp(lns.ctx, 0, si.tunnel_id, si.session_id,
		    buf + L2TP_DATA_HEADROOM, FRAME) != 0 ||
		    l2tp_next_output(lns.ctx, 0, out, sizeof(out), &len, &ph) != 0 ||
		    l2tp_input(lac.ctx, 0, 2, out, len, &rx) != 0 || rx.len != FRAME)
			return fail(__LINE__);
	}
	t2 = ts_now_ns();
	inplace = (double)(t1 - t0) / DATA_FRAMES;
	copy = (double)(t2 - t1) / DATA_FRAMES;
	printf("bench: name=l2tp.data frame=%u encap_decap_ns=%.1f gbit_per_s=%.1f "
	    "copy_path_ns=%.1f ratio=%.2f\n", FRAME, inplace, FRAME * 8.0 / inplace, copy,
	    copy / inplace);
	l2tp_ctx_free(lac.ctx);
	l2tp_ctx_free(lns.ctx);
	return 0;
}

int
main(void)
{
	struct side lac, lns;
	struct l2tp_stats st;
	uint64_t t0, t1;
	unsigned i, j, n = 200000;
	uint16_t tid, sid;
	double rate, per;

	/* 1. Setups per second. */
	if (side_new(&lac, L2TP_ROLE_LAC, 1, 1024, 16) != 0 ||
	    side_new(&lns, L2TP_ROLE_LNS, 2, 1024, 16) != 0)
		return fail(__LINE__);
	t0 = ts_now_ns();
	for (i = 0; i < n; i++) {
		if (l2tp_tunnel_open(lac.ctx, 0, 2, &tid) != 0 ||
		    l2tp_session_open(lac.ctx, 0, tid, &sid) != 0)
			return fail(__LINE__);
		pump(&lac, &lns);
		if (l2tp_tunnel_close(lac.ctx, 0, tid, 1) != 0)
			return fail(__LINE__);
		pump(&lac, &lns);
		/* The LNS lingers after StopCCN; let that expire. */
		if ((i & 255) == 255)
			(void)l2tp_handle_timeout(lns.ctx, UINT64_MAX - 1);
	}
	t1 = ts_now_ns();
	l2tp_get_stats(lns.ctx, &st);
	if (st.sessions_up != n || st.tunnels_up != n) {
		fprintf(stderr, "bench: only %llu of %u setups completed\n",
		    (unsigned long long)st.sessions_up, n);
		return fail(__LINE__);
	}
	rate = n / ((double)(t1 - t0) / 1e9);
	l2tp_ctx_free(lac.ctx);
	l2tp_ctx_free(lns.ctx);

	/* 2. Bytes per session with 100,000 sessions open on the LNS. */
	if (side_new(&lac, L2TP_ROLE_LAC, 3, NSESS / PER_TUNNEL, PER_TUNNEL) != 0 ||
	    side_new(&lns, L2TP_ROLE_LNS, 4, NSESS / PER_TUNNEL, PER_TUNNEL) != 0)
		return fail(__LINE__);
	for (i = 0; i < NSESS / PER_TUNNEL; i++) {
		if (l2tp_tunnel_open(lac.ctx, 0, 2, &tid) != 0)
			return fail(__LINE__);
		pump(&lac, &lns);
		for (j = 0; j < PER_TUNNEL; j++) {
			if (l2tp_session_open(lac.ctx, 0, tid, &sid) != 0)
				return fail(__LINE__);
			pump(&lac, &lns);
		}
	}
	l2tp_get_stats(lns.ctx, &st);
	if (st.sessions_open != NSESS) {
		fprintf(stderr, "bench: %llu sessions open, want %u\n",
		    (unsigned long long)st.sessions_open, NSESS);
		return fail(__LINE__);
	}
	per = (double)lns.al.live_bytes / NSESS;
	printf("bench: name=l2tp.setup setups_per_s=%.0f bytes_per_session=%.1f ratio=%.2f\n",
	    rate, per, rate / TARGET_SETUPS);
	printf("bench: name=l2tp.state sessions=%u live_bytes=%zu bytes_per_session=%.1f ratio=%.2f\n",
	    NSESS, lns.al.live_bytes, per, 512.0 / per);
	l2tp_ctx_free(lac.ctx);
	l2tp_ctx_free(lns.ctx);
	return bench_data() != 0 || rejected != 0;
}
