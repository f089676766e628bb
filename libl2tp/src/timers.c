/*
 * timers.c - every deadline of the context in two heaps (common/rg_heap.h),
 * one per kind of object so a node never needs a type tag: per tunnel the
 * earliest of retransmission, HELLO, linger and the setup deadline (LNS
 * waiting for SCCCN, LAC waiting for SCCRP); per
 * session the setup deadline (ICRP / ICCN not received in time).  next_timeout is the smaller
 * of the two minima, O(1).
 *
 * HELLO is lazy: data messages update a tunnel's last_rx without touching
 * the heap, so a tunnel's heap entry may be earlier than its real HELLO
 * time; when it fires, the deadline is recomputed and re-armed.
 */
#include "l2tp_int.h"

/* The earliest time tunnel t needs attention, UINT64_MAX if never. */
uint64_t
l2tpi_tunnel_deadline(const struct l2tp_ctx *ctx, const struct tunnel *t)
{
	/* No timer retransmission towards an unverified source (l2tp.h,
	 * sccrp_max_unverified). */
	uint64_t d = t->txq != NULL && !l2tpi_unverified(t) ? t->rtx_at : UINT64_MAX;

	if (t->state == T_LINGER && t->linger_until < d)
		d = t->linger_until;
	/* Both roles' setup states: from the tunnel's creation, so nothing the
	 * peer sends extends it. */
	if (t->state == T_WAIT_CTL_CONN || t->state == T_WAIT_CTL_REPLY) {
		uint64_t s = sat_add(t->created, ctx->cfg.tunnel_setup_timeout_ns);

		if (s < d)
			d = s;
	}
	if (t->state == T_ESTABLISHED && t->txq == NULL &&
	    ctx->cfg.hello_interval_ns != UINT64_MAX) {
		uint64_t h = sat_add(t->last_rx, ctx->cfg.hello_interval_ns);

		if (h < d)
			d = h;
	}
	return d;
}

/* Re-files t in the heap after anything its deadline depends on changed. */
void
l2tpi_tunnel_timer_update(struct l2tp_ctx *ctx, struct tunnel *t)
{
	uint64_t d = l2tpi_tunnel_deadline(ctx, t);

	/* Unchanged (the common case: several updates per message). */
	if (d == t->timer.when && (t->timer.pos != 0 || d == UINT64_MAX))
		return;
	rg_heap_set(&ctx->tun_timers, &t->timer, d);
}

void
l2tpi_session_timer_start(struct l2tp_ctx *ctx, struct session *s, uint64_t now)
{
	rg_heap_set(&ctx->sess_timers, &s->timer, sat_add(now, ctx->cfg.session_setup_timeout_ns));
}

void
l2tpi_session_timer_stop(struct l2tp_ctx *ctx, struct session *s)
{
	rg_heap_set(&ctx->sess_timers, &s->timer, UINT64_MAX);
}

uint64_t
l2tp_next_timeout(const struct l2tp_ctx *ctx)
{
	uint64_t a, b;

	if (ctx == NULL)
		return UINT64_MAX;
	a = rg_heap_min(&ctx->tun_timers);
	b = rg_heap_min(&ctx->sess_timers);
	return a < b ? a : b;
}

/* A tunnel's deadline arrived. */
static void
tunnel_expired(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	if (t->state == T_LINGER && now >= t->linger_until) {
		l2tpi_tunnel_free(ctx, t);
		return;
	}
	if ((t->state == T_WAIT_CTL_CONN || t->state == T_WAIT_CTL_REPLY) &&
	    now >= sat_add(t->created, ctx->cfg.tunnel_setup_timeout_ns)) {
		ctx->stats.tunnel_setup_timeouts++;
		if (t->state == T_WAIT_CTL_REPLY || l2tpi_unverified(t)) {
			/* LAC: the peer never told us its Tunnel ID; LNS: the
			 * source never showed it got our SCCRP (maybe spoofed).
			 * Nothing is sent: no StopCCN to retransmit. */
			if (t->state == T_WAIT_CTL_CONN)
				ctx->stats.unverified_expired++;
			l2tpi_ctx_log_rl(ctx, now, RL_SETUP, L2TP_LOG_WARN,
			    "tunnel %u (peer %llu, peer tunnel %u): no %s after %llu ms: removed",
			    t->id, (unsigned long long)t->peer, t->peer_id,
			    t->state == T_WAIT_CTL_REPLY ? "SCCRP" : "answer to SCCRP",
			    (unsigned long long)(ctx->cfg.tunnel_setup_timeout_ns / 1000000));
			l2tpi_tunnel_down(ctx, t, 0, 0, L2TP_E_SETUP_TIMEOUT);
			l2tpi_tunnel_free(ctx, t);
			return;
		}
		l2tpi_ctx_log_rl(ctx, now, RL_SETUP, L2TP_LOG_WARN,
		    "tunnel %u (peer %llu, peer tunnel %u): no SCCCN after %llu ms: StopCCN",
		    t->id, (unsigned long long)t->peer, t->peer_id,
		    (unsigned long long)(ctx->cfg.tunnel_setup_timeout_ns / 1000000));
		l2tpi_tunnel_stop(ctx, t, now, L2TP_STOPCCN_GENERAL_ERROR, 0, "setup timeout",
		    L2TP_E_SETUP_TIMEOUT);
		if (t->state == T_CLOSING && t->txq == NULL)
			l2tpi_tunnel_free(ctx, t);
		return;
	}
	if (t->txq != NULL && now >= t->rtx_at && !l2tpi_unverified(t)) {
		if (l2tpi_retransmit(ctx, t, now))
			return;
	} else if (t->state == T_ESTABLISHED && t->txq == NULL &&
	    ctx->cfg.hello_interval_ns != UINT64_MAX &&
	    now >= sat_add(t->last_rx, ctx->cfg.hello_interval_ns)) {
		l2tpi_tunnel_send_hello(ctx, t, now);
	}
	/* Also re-arms a HELLO that data traffic postponed. */
	l2tpi_tunnel_timer_update(ctx, t);
}

int
l2tp_handle_timeout(struct l2tp_ctx *ctx, uint64_t now)
{
	struct rg_heap_node *n;
	size_t guard;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	/* Sessions first: an expired setup sends CDN on its tunnel, whose
	 * timer the second loop then sees.  Every expiry removes its node or
	 * moves it past now; the guards only bound the loops should that ever
	 * not hold. */
	for (guard = (size_t)ctx->sess_timers.n + 1; guard > 0; guard--) {
		n = rg_heap_top(&ctx->sess_timers);
		if (n == NULL || n->when > now)
			break;
		l2tpi_session_setup_expired(ctx, RG_HEAP_ENTRY(n, struct session, timer), now);
	}
	for (guard = 2 * (size_t)ctx->tun_timers.n + 1; guard > 0; guard--) {
		n = rg_heap_top(&ctx->tun_timers);
		if (n == NULL || n->when > now)
			break;
		tunnel_expired(ctx, RG_HEAP_ENTRY(n, struct tunnel, timer), now);
	}
	return 0;
}

/* Consistency check for the tests and the fuzz target: every tunnel's heap
 * entry equals its deadline, except that a HELLO deadline may be early
 * (lazy); every session waiting for setup is in the heap, established ones
 * are not.  Returns 0 or a negative count of mismatches. */
int
l2tpi_timers_check(const struct l2tp_ctx *ctx)
{
	const struct tunnel *t;
	const struct session *s;
	size_t b;
	int bad = 0;
	uint64_t d;

	for (b = 0; b <= ctx->tun_mask; b++) {
		for (t = ctx->tun_by_id[b]; t != NULL; t = t->hnext) {
			d = l2tpi_tunnel_deadline(ctx, t);
			if (t->timer.pos == 0 ? d != UINT64_MAX :
			    (t->timer.when != d && !(t->timer.when < d &&
			    t->state == T_ESTABLISHED && t->txq == NULL)))
				bad--;
			for (s = t->sessions; s != NULL; s = s->tnext) {
				if ((s->state == S_ESTABLISHED) != (s->timer.pos == 0) &&
				    ctx->cfg.session_setup_timeout_ns != UINT64_MAX)
					bad--;
			}
		}
	}
	return bad;
}
