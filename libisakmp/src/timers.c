/*
 * timers.c - every deadline in one rg_heap (next_timeout is O(1)): IKE SAs
 * (retransmission, half-open expiry, lifetime, phase 1 rekey, their Quick
 * Mode exchanges), peers (DPD, NAT-T keepalives) and IPsec SAs (rekey,
 * lifetime).  Also the rekeys themselves.
 */
#include <string.h>

#include "isakmp_int.h"
#include "exchange.h"

static uint64_t
min_set(uint64_t t, uint64_t v)
{
	return v != 0 && v < t ? v : t;
}

void
iki_ike_rearm(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	uint64_t t = UINT64_MAX;
	size_t i;

	t = min_set(t, sa->deadline);
	if (sa->state == S_ESTABLISHED) {
		t = min_set(t, sa->expires);
		if (!sa->p1_rekeyed)
			t = min_set(t, sa->p1_rekey_at);
	}
	for (i = 0; i < MAX_P2; i++) {
		const struct qm *q = &sa->qm[i];

		if (!q->used)
			continue;
		t = min_set(t, q->ready ? q->linger : q->deadline);
	}
	rg_heap_set(&ctx->heap, &sa->tm.node, t);
}

void
iki_peer_rearm(struct isakmp_ctx *ctx, struct peer *p)
{
	uint64_t t = UINT64_MAX;

	t = min_set(t, p->dpd_due);
	t = min_set(t, p->ka_next);
	rg_heap_set(&ctx->heap, &p->tm.node, t);
}

void
iki_ipsec_rearm(struct isakmp_ctx *ctx, struct ipsec *x)
{
	uint64_t t = x->expires;

	if (x->replaced_by == 0 && !x->rekeying)
		t = min_set(t, x->rekey_at);
	rg_heap_set(&ctx->heap, &x->tm.node, t);
}

uint64_t
isakmp_next_timeout(const struct isakmp_ctx *ctx)
{
	return ctx != NULL ? rg_heap_min(&ctx->heap) : UINT64_MAX;
}

/*
 * A new phase 1 for an existing peer (we are its original initiator): no
 * INITIAL-CONTACT; with want_qm a Quick Mode (replacing rekey_of) follows.
 */
int
iki_ike_start_rekey(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, bool want_qm,
    uint64_t rekey_of)
{
	int rc;

	rc = iki_mm_start(ctx, now, p->pol, &p->orig_local, &p->orig_remote, p, false, want_qm,
	    rekey_of);
	if (rc == 0)
		ctx->st.phase1_rekeys++;
	iki_ik_log(ctx, rc == 0 ? ISAKMP_LOG_INFO : ISAKMP_LOG_WARN, "peer %llu: new phase 1%s%s",
	    (unsigned long long)p->id, want_qm ? " for a Quick Mode" : "",
	    rc == 0 ? " started" : " refused");
	return rc;
}

/*
 * Starts replacing x: a Quick Mode on the peer's current IKE SA with x's
 * selectors, or (original initiator only) a new phase 1 first.
 */
int
iki_ipsec_start_rekey(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x)
{
	struct peer *p = x->peer;
	struct ike_sa *cur = iki_peer_current_ike(p);
	int rc;

	if (cur != NULL && (cur->expires == 0 || now < cur->expires)) {
		rc = iki_qm_initiate(ctx, now, cur, x);
	} else if (p->initiator) {
		rc = iki_ike_start_rekey(ctx, now, p, true, x->id);
	} else {
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu: no IKE SA to rekey IPsec SA %llu on; it "
		    "lives until it expires", (unsigned long long)p->id, (unsigned long long)x->id);
		return ISAKMP_E_STATE;
	}
	if (rc == 0) {
		x->rekeying = true;
		ctx->st.ipsec_rekeys++;
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu: rekeying IPsec SA %llu (in %08x)",
		    (unsigned long long)p->id, (unsigned long long)x->id, x->sa.spi_in);
	}
	iki_ipsec_rearm(ctx, x);
	return rc;
}

int
isakmp_ipsec_sa_rekey(struct isakmp_ctx *ctx, uint64_t now, uint64_t ipsec_id)
{
	struct ipsec *x;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((x = iki_ipsec_by_id(ctx, ipsec_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	if (x->replaced_by != 0 || x->rekeying)
		return 0;
	return iki_ipsec_start_rekey(ctx, now, x);
}

/* A Quick Mode that failed: the SA it was to replace may be rekeyed again. */
static void
qm_failed(struct isakmp_ctx *ctx, struct qm *q)
{
	struct ipsec *x;

	if (q->rekey_of != 0 && (x = iki_ipsec_by_id(ctx, q->rekey_of)) != NULL) {
		x->rekeying = false;
		iki_ipsec_rearm(ctx, x);
	}
	iki_qm_clear(ctx, q);
}

static void
qm_timers(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	size_t i;

	for (i = 0; i < MAX_P2; i++) {
		struct qm *q = &sa->qm[i];

		if (!q->used)
			continue;
		if (q->ready) {
			if (q->linger != 0 && now >= q->linger)
				iki_qm_clear(ctx, q);
			continue;
		}
		if (q->deadline == 0 || now < q->deadline)
			continue;
		if (q->initiator && q->tries < ctx->cfg.retransmit_max && q->last_tx != NULL) {
			q->tries++;
			ctx->st.tx_retransmits++;
			(void)iki_send_msg(ctx, sa, q->last_tx, q->last_tx_len);
			q->deadline = now + (ctx->cfg.retransmit_ns << q->tries);
		} else {
			iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: Quick Mode %08x timed out",
			    (unsigned long long)sa->id, q->msgid);
			qm_failed(ctx, q);
		}
	}
}

static void
ike_timer(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	if (sa->state == S_ESTABLISHED) {
		if (sa->expires != 0 && now >= sa->expires) {
			iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu expired", (unsigned long long)sa->id);
			iki_ike_remove(ctx, now, sa, ISAKMP_REASON_EXPIRED, true);
			return;
		}
		if (sa->initiator && !sa->p1_rekeyed && sa->p1_rekey_at != 0 &&
		    now >= sa->p1_rekey_at) {
			/* Make before break: a new IKE SA for the peer; this one
			 * lives until it expires. */
			sa->p1_rekeyed = true;
			if (sa->replaced_by == 0 && sa->peer != NULL) {
				iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: rekeying phase 1",
				    (unsigned long long)sa->id);
				(void)iki_ike_start_rekey(ctx, now, sa->peer, false, 0);
			}
		}
		qm_timers(ctx, now, sa);
		iki_ike_rearm(ctx, sa);
		return;
	}
	if (sa->deadline == 0 || now < sa->deadline) {
		iki_ike_rearm(ctx, sa);
		return;
	}
	if (sa->initiator && sa->tries < ctx->cfg.retransmit_max && sa->last_tx != NULL) {
		sa->tries++;
		ctx->st.tx_retransmits++;
		(void)iki_send_msg(ctx, sa, sa->last_tx, sa->last_tx_len);
		sa->deadline = now + (ctx->cfg.retransmit_ns << sa->tries);
		iki_ike_rearm(ctx, sa);
		return;
	}
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: phase 1 timed out in state %d",
	    (unsigned long long)sa->id, sa->state);
	iki_ike_remove(ctx, now, sa, sa->initiator ? ISAKMP_REASON_DEAD : ISAKMP_REASON_TIMEOUT,
	    false);
}

/*
 * DPD (RFC 3706): probe a peer idle for the interval; while unanswered,
 * probe again every interval; dead once the first probe is timeout old with
 * nothing heard since.  Returns true if the peer was torn down.
 */
static bool
dpd_check(struct isakmp_ctx *ctx, uint64_t now, struct peer *p)
{
	const struct isakmp_policy *pp = &p->pol->p;
	struct ike_sa *cur = iki_peer_current_ike(p);

	if (cur == NULL || !cur->peer_dpd || pp->dpd_interval_ns == 0) {
		p->dpd_due = 0;
		p->dpd_first = 0;
		p->dpd_outstanding = 0;
		return false;
	}
	if (p->dpd_first != 0) {
		if (p->last_heard >= p->dpd_first) {
			p->dpd_first = 0;  /* something authentic arrived: alive */
			p->dpd_outstanding = 0;
		} else if (now >= p->dpd_first + pp->dpd_timeout_ns) {
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "peer %llu dead: %u DPD probes unanswered",
			    (unsigned long long)p->id, p->dpd_outstanding);
			iki_peer_teardown(ctx, now, p, ISAKMP_REASON_DEAD, false);
			return true;
		} else {
			iki_dpd_probe(ctx, cur, p);
			p->dpd_due = now + pp->dpd_interval_ns;
			if (p->dpd_due > p->dpd_first + pp->dpd_timeout_ns)
				p->dpd_due = p->dpd_first + pp->dpd_timeout_ns;
			return false;
		}
	}
	if (p->last_heard + pp->dpd_interval_ns > now) {
		p->dpd_due = p->last_heard + pp->dpd_interval_ns;  /* not idle long enough */
		return false;
	}
	p->dpd_first = now;
	p->dpd_first_seq = p->dpd_seq + 1;
	iki_dpd_probe(ctx, cur, p);
	p->dpd_due = now + (pp->dpd_interval_ns < pp->dpd_timeout_ns ? pp->dpd_interval_ns :
	    pp->dpd_timeout_ns);
	return false;
}

static void
peer_timer(struct isakmp_ctx *ctx, uint64_t now, struct peer *p)
{
	if (p->ka_next != 0 && now >= p->ka_next) {
		/* RFC 3948 2.3: keep the NAT mapping in front of us alive. */
		if (iki_out_keepalive(ctx, &p->local, &p->remote) == 0)
			ctx->st.natt_keepalives_tx++;
		p->ka_next = now + p->pol->p.natt_keepalive_ns;
	}
	if (p->dpd_due != 0 && now >= p->dpd_due && dpd_check(ctx, now, p))
		return;
	iki_peer_rearm(ctx, p);
}

static void
ipsec_timer(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x)
{
	if (now >= x->expires) {
		iki_ipsec_remove(ctx, now, x, ISAKMP_REASON_EXPIRED, true);
		return;
	}
	if (x->rekey_at != 0 && now >= x->rekey_at) {
		x->rekey_at = 0;  /* one attempt; the SA expires if it fails */
		if (x->replaced_by == 0 && !x->rekeying)
			(void)iki_ipsec_start_rekey(ctx, now, x);
	}
	iki_ipsec_rearm(ctx, x);
}

/* Upper bound of the events one due timer of node can emit. */
static size_t
events_needed(const struct timer *t)
{
	if (t->kind == T_PEER) {
		const struct peer *p = (const struct peer *)(const void *)
		    ((const char *)t - offsetof(struct peer, tm));

		return (size_t)p->n_ipsec + p->n_ike + 1;
	}
	return 2;
}

int
isakmp_handle_timeout(struct isakmp_ctx *ctx, uint64_t now)
{
	struct rg_heap_node *n;
	size_t guard;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	/* Each step moves its object's deadline past now or removes it; the
	 * guard only bounds a call if that were ever not so. */
	guard = 4 * (size_t)ctx->heap.n + 16;
	while ((n = rg_heap_top(&ctx->heap)) != NULL && n->when <= now && guard-- > 0) {
		struct timer *t = RG_HEAP_ENTRY(n, struct timer, node);

		if (ctx->ev_count > 0 && iki_ev_room(ctx) < events_needed(t)) {
			ctx->st.timer_deferred++;
			iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "event queue nearly full: timers deferred");
			break;
		}
		switch (t->kind) {
		case T_IKE:
			ike_timer(ctx, now, RG_HEAP_ENTRY(t, struct ike_sa, tm));
			break;
		case T_PEER:
			peer_timer(ctx, now, RG_HEAP_ENTRY(t, struct peer, tm));
			break;
		default:
			ipsec_timer(ctx, now, RG_HEAP_ENTRY(t, struct ipsec, tm));
			break;
		}
	}
	return 0;
}
