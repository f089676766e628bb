/*
 * peer.c - peers (a remote client's stable identity across rekeys):
 * creation, joining on a phase 1 rekey, INITIAL-CONTACT, removal of a peer
 * and of IKE SAs with reasons, NAT rebinding, and the events that describe
 * peers and IKE SAs (IPsec SAs: ipsec.c).
 *
 * Reason rule (IPSEC_SA_DOWN, PHASE1_DOWN): REKEYED whenever a newer SA had
 * already replaced it when it went away, whatever removed it; otherwise the
 * real cause.  PEER_DOWN carries the real cause.
 */
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

static uint64_t
tuple_hash(const struct isakmp_ctx *ctx, const struct isakmp_addr *l,
    const struct isakmp_addr *r)
{
	uint8_t b[12] = { (uint8_t)(l->ip >> 24), (uint8_t)(l->ip >> 16), (uint8_t)(l->ip >> 8),
	    (uint8_t)l->ip, (uint8_t)(l->port >> 8), (uint8_t)l->port,
	    (uint8_t)(r->ip >> 24), (uint8_t)(r->ip >> 16), (uint8_t)(r->ip >> 8),
	    (uint8_t)r->ip, (uint8_t)(r->port >> 8), (uint8_t)r->port };

	return iki_ht_hash(ctx, b, sizeof(b));
}

bool
iki_addr_eq(const struct isakmp_addr *a, const struct isakmp_addr *b)
{
	return a->ip == b->ip && a->port == b->port;
}

struct peer *
iki_peer_by_id(const struct isakmp_ctx *ctx, uint64_t id)
{
	struct hlink *l;

	for (l = iki_ht_first(&ctx->peer_id, iki_id_hash(ctx, id)); l != NULL; l = iki_ht_next(l)) {
		struct peer *p = HT_ENTRY(l, struct peer, by_id);

		if (p->id == id)
			return p;
	}
	return NULL;
}

/* A keyed peer with this (local, remote, remote ID), or NULL. */
static struct peer *
peer_find(const struct isakmp_ctx *ctx, const struct ike_sa *sa)
{
	struct hlink *l;

	for (l = iki_ht_first(&ctx->peer_tuple, tuple_hash(ctx, &sa->local, &sa->remote)); l != NULL;
	    l = iki_ht_next(l)) {
		struct peer *p = HT_ENTRY(l, struct peer, by_tuple);

		if (iki_addr_eq(&p->local, &sa->local) && iki_addr_eq(&p->remote, &sa->remote) &&
		    p->rid_type == sa->rid_type && p->rid_len == sa->rid_len &&
		    memcmp(p->rid, sa->rid, sa->rid_len) == 0)
			return p;
	}
	return NULL;
}

void
iki_peer_link_ike(struct peer *p, struct ike_sa *sa)
{
	sa->peer = p;
	sa->peer_next = p->ikes;
	p->ikes = sa;
	p->n_ike++;
}

void
iki_peer_unlink_ike(struct peer *p, struct ike_sa *sa)
{
	struct ike_sa **pp;

	for (pp = &p->ikes; *pp != NULL; pp = &(*pp)->peer_next)
		if (*pp == sa) {
			*pp = sa->peer_next;
			p->n_ike--;
			break;
		}
	sa->peer = NULL;
	sa->peer_next = NULL;
}

/* The peer's newest established IKE SA not replaced (else the newest established). */
struct ike_sa *
iki_peer_current_ike(const struct peer *p)
{
	struct ike_sa *sa, *best = NULL, *any = NULL;

	for (sa = p->ikes; sa != NULL; sa = sa->peer_next) {
		if (sa->state != S_ESTABLISHED)
			continue;
		if (any == NULL || sa->id > any->id)
			any = sa;
		if (sa->replaced_by == 0 && (best == NULL || sa->id > best->id))
			best = sa;
	}
	return best != NULL ? best : any;
}

struct peer *
iki_peer_new(struct isakmp_ctx *ctx, uint64_t now, struct pol *pol, int *err)
{
	struct peer *p;

	if (ctx->peers.n >= ctx->cfg.max_peers) {
		ctx->st.peer_limit_refused++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "peer limit %u reached", ctx->cfg.max_peers);
		*err = ISAKMP_E_LIMIT;
		return NULL;
	}
	*err = ISAKMP_E_NOMEM;
	if ((p = iki_ik_alloc(ctx, sizeof(*p))) == NULL)
		return NULL;
	if (rg_heap_reserve(&ctx->heap, iki_heap_alloc_cb, iki_heap_free_cb, ctx) != 0) {
		iki_ik_free(ctx, p);
		return NULL;
	}
	if (iki_vec_add(ctx, &ctx->peers, p, &p->vidx) != 0) {
		rg_heap_release(&ctx->heap, &p->tm.node);
		iki_ik_free(ctx, p);
		return NULL;
	}
	p->tm.kind = T_PEER;
	p->tm.node.when = UINT64_MAX;
	p->id = iki_ik_new_id(ctx);
	p->pol = pol;
	iki_pol_ref(pol);
	p->created = p->last_heard = now;
	iki_ht_insert(ctx, &ctx->peer_id, &p->by_id, iki_id_hash(ctx, p->id));
	ctx->st.peers_created++;
	*err = 0;
	return p;
}

/* Frees a peer without events; its SAs, if any are left, go silently too. */
void
iki_peer_destroy(struct isakmp_ctx *ctx, struct peer *p)
{
	struct peer *moved;

	while (p->ipsecs != NULL)
		iki_ipsec_destroy(ctx, p->ipsecs);
	while (p->ikes != NULL)
		iki_sa_destroy(ctx, p->ikes);
	iki_ht_remove(&ctx->peer_id, &p->by_id);
	if (p->keyed)
		iki_ht_remove(&ctx->peer_tuple, &p->by_tuple);
	if ((moved = iki_vec_del(&ctx->peers, p->vidx)) != NULL)
		moved->vidx = p->vidx;
	rg_heap_release(&ctx->heap, &p->tm.node);
	iki_pol_unref(ctx, p->pol);
	ctx->st.peers_removed++;
	sodium_memzero(p, sizeof(*p));
	iki_ik_free(ctx, p);
}

/* Sets the peer's key (outer tuple and remote ID) and files it under it. */
static void
peer_set_key(struct isakmp_ctx *ctx, struct peer *p, const struct ike_sa *sa)
{
	if (p->keyed)
		iki_ht_remove(&ctx->peer_tuple, &p->by_tuple);
	p->local = sa->local;
	p->remote = sa->remote;
	p->rid_type = sa->rid_type;
	p->rid_len = sa->rid_len;
	memcpy(p->rid, sa->rid, sa->rid_len);
	iki_ht_insert(ctx, &ctx->peer_tuple, &p->by_tuple, tuple_hash(ctx, &p->local, &p->remote));
	p->keyed = true;
}

/* ---- events --------------------------------------------------------------- */

void
iki_ev_peer(const struct peer *p, struct isakmp_event *ev, enum isakmp_event_type type)
{
	const struct ike_sa *cur = iki_peer_current_ike(p);

	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->peer_id = p->id;
	ev->peer_user = p->user;
	ev->ike_id = cur != NULL ? cur->id : 0;
	ev->local = p->local;
	ev->remote = p->remote;
	ev->nat_local = p->nat_local;
	ev->nat_remote = p->nat_remote;
	ev->policy_id = p->pol != NULL ? p->pol->id : 0;
}

static void
ev_ike(struct isakmp_ctx *ctx, uint64_t now, const struct ike_sa *sa, enum isakmp_event_type type,
    enum isakmp_reason reason, int error, uint64_t replaces)
{
	struct isakmp_event ev;

	if (sa->peer != NULL) {
		iki_ev_peer(sa->peer, &ev, type);
	} else {
		memset(&ev, 0, sizeof(ev));
		ev.type = type;
		ev.local = sa->local;
		ev.remote = sa->remote;
		ev.nat_local = sa->nat_local;
		ev.nat_remote = sa->nat_remote;
		ev.policy_id = sa->pol != NULL ? sa->pol->id : 0;
	}
	ev.ike_id = sa->id;
	ev.reason = reason;
	ev.error = error;
	ev.replaces = replaces;
	ev.p1 = sa->alg.p;
	if (type == ISAKMP_EV_PHASE1_UP) {
		ev.local = sa->local;
		ev.remote = sa->remote;
		ev.nat_local = sa->nat_local;
		ev.nat_remote = sa->nat_remote;
		ev.remote_id_type = sa->rid_type;
		ev.remote_id_len = sa->rid_len;
		memcpy(ev.remote_id, sa->rid, sa->rid_len);
	}
	/* An evicted unauthenticated negotiation (a flood): must not crowd the queue. */
	if (reason == ISAKMP_REASON_EVICTED)
		iki_ev_push_low(ctx, now, &ev);
	else
		iki_ev_push(ctx, &ev);
}

/* ---- removal -------------------------------------------------------------- */

/* The peer goes once it has nothing left (PEER_DOWN with the real cause). */
void
iki_peer_gone_check(struct isakmp_ctx *ctx, struct peer *p, enum isakmp_reason cause)
{
	struct isakmp_event ev;

	if (p->dying || p->n_ike != 0 || p->n_ipsec != 0)
		return;
	iki_ev_peer(p, &ev, ISAKMP_EV_PEER_DOWN);
	ev.reason = cause;
	iki_ev_push(ctx, &ev);
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu down: %s", (unsigned long long)p->id,
	    isakmp_reason_name(cause));
	iki_peer_destroy(ctx, p);
}

/*
 * Recomputes what the peer derives from its newest IKE SA (NAT flags, DPD,
 * keepalives) and re-arms its timer.
 */
void
iki_peer_refresh(struct isakmp_ctx *ctx, uint64_t now, struct peer *p)
{
	const struct ike_sa *cur = iki_peer_current_ike(p);
	const struct isakmp_policy *pp = &p->pol->p;

	if (cur != NULL) {
		p->nat_local = cur->nat_local;
		p->nat_remote = cur->nat_remote;
		p->natt_float = cur->natt && cur->floated;
	}
	if (pp->dpd_interval_ns != 0 && cur != NULL && cur->peer_dpd) {
		if (p->dpd_due == 0)
			p->dpd_due = p->last_heard + pp->dpd_interval_ns;
	} else {
		p->dpd_due = 0;
		p->dpd_first = 0;
		p->dpd_outstanding = 0;
	}
	if (p->nat_local && p->natt_float) {
		if (p->ka_next == 0)
			p->ka_next = now + pp->natt_keepalive_ns;
	} else {
		p->ka_next = 0;
	}
	iki_peer_rearm(ctx, p);
}

/*
 * Removes an IKE SA: PHASE1_DOWN if it was established (with a Delete for it
 * if deletes and the policy says so), else PHASE1_FAILED.  Its peer keeps its
 * IPsec SAs and goes only when it has nothing left.
 */
void
iki_ike_remove(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, enum isakmp_reason cause,
    bool deletes)
{
	struct peer *p = sa->peer;
	struct ike_sa *o;

	if (sa->state == S_ESTABLISHED) {
		if (deletes && sa->pol->p.send_deletes)
			iki_send_delete_isakmp(ctx, sa);
		ev_ike(ctx, now, sa, ISAKMP_EV_PHASE1_DOWN,
		    sa->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause, 0, 0);
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu down: %s", (unsigned long long)sa->id,
		    isakmp_reason_name(sa->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause));
	} else {
		ctx->st.phase1_failed++;
		ev_ike(ctx, now, sa, ISAKMP_EV_PHASE1_FAILED, cause, sa->last_err, 0);
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu failed: %s (%s)",
		    (unsigned long long)sa->id, isakmp_reason_name(cause),
		    isakmp_strerror(sa->last_err));
	}
	if (p != NULL && !p->dying)
		for (o = p->ikes; o != NULL; o = o->peer_next)
			if (o->replaced_by == sa->id)
				o->replaced_by = 0;
	iki_sa_destroy(ctx, sa);
	if (p != NULL) {
		if (!p->dying)
			iki_peer_refresh(ctx, now, p);
		iki_peer_gone_check(ctx, p, cause);
	}
}

/* Removes everything of a peer, then the peer (PEER_DOWN with cause). */
void
iki_peer_teardown(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, enum isakmp_reason cause,
    bool deletes)
{
	struct ipsec *x, *xo;
	struct ike_sa *sa, *so;

	p->dying = true;
	/* IPsec SAs first (their Deletes travel over the IKE SAs), oldest first. */
	while (p->ipsecs != NULL) {
		for (xo = x = p->ipsecs; x != NULL; x = x->peer_next)
			if (x->id < xo->id)
				xo = x;
		iki_ipsec_remove(ctx, now, xo, cause, deletes);
	}
	while (p->ikes != NULL) {
		for (so = sa = p->ikes; sa != NULL; sa = sa->peer_next)
			if (sa->id < so->id)
				so = sa;
		iki_ike_remove(ctx, now, so, cause, deletes);
	}
	p->dying = false;
	iki_peer_gone_check(ctx, p, cause);
}

/*
 * INITIAL-CONTACT (RFC 2407 4.6.3.3) on an authenticated phase 1: the peer
 * that authenticated with the same identity (phase 1 ID) and policy from the
 * same full outer tuple started over; drop it (no Delete).  A peer on the
 * tuple with another identity or policy is another client (one whose
 * address an attacker spoofed, or one behind the same NAT mapping): kept.
 */
static void
initial_contact(struct isakmp_ctx *ctx, uint64_t now, const struct ike_sa *sa)
{
	struct hlink *l;
	struct peer *p;
	bool spared = false;

	for (;;) {
		p = NULL;
		for (l = iki_ht_first(&ctx->peer_tuple, tuple_hash(ctx, &sa->local, &sa->remote));
		    l != NULL; l = iki_ht_next(l)) {
			struct peer *c = HT_ENTRY(l, struct peer, by_tuple);

			if (c == sa->peer || !iki_addr_eq(&c->local, &sa->local) ||
			    !iki_addr_eq(&c->remote, &sa->remote))
				continue;
			if (c->pol != sa->pol || c->rid_type != sa->rid_type ||
			    c->rid_len != sa->rid_len || memcmp(c->rid, sa->rid, sa->rid_len) != 0) {
				if (!spared) {
					spared = true;
					ctx->st.initial_contact_spared++;
					iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: INITIAL-CONTACT "
					    "keeps peer %llu on the same tuple: another identity or policy",
					    (unsigned long long)sa->id, (unsigned long long)c->id);
				}
				continue;
			}
			p = c;
			break;
		}
		if (p == NULL)
			return;
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "INITIAL-CONTACT: dropping peer %llu",
		    (unsigned long long)p->id);
		iki_peer_teardown(ctx, now, p, ISAKMP_REASON_INITIAL_CONTACT, false);
	}
}

/*
 * Responder, MM5 verified: the peer this IKE SA belongs to.  With
 * INITIAL-CONTACT older peers on the tuple go first; without it an existing
 * peer with the same key is joined (phase 1 rekey); otherwise a new one is
 * made (ISAKMP_E_LIMIT / ISAKMP_E_NOMEM).  The SA is linked to it.
 */
int
iki_peer_attach_responder(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, bool ic)
{
	struct peer *p;
	int err;

	if (ic)
		initial_contact(ctx, now, sa);
	if ((p = peer_find(ctx, sa)) == NULL) {
		if ((p = iki_peer_new(ctx, now, sa->pol, &err)) == NULL)
			return err;
		peer_set_key(ctx, p, sa);
	} else {
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu joins peer %llu (phase 1 rekey)",
		    (unsigned long long)sa->id, (unsigned long long)p->id);
	}
	iki_peer_link_ike(p, sa);
	return 0;
}

/* Undoes peer_attach_responder when MM6 could not be sent. */
void
iki_peer_detach_failed(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct peer *p = sa->peer;

	if (p == NULL)
		return;
	iki_peer_unlink_ike(p, sa);
	if (p->n_ike == 0 && p->n_ipsec == 0)
		iki_peer_destroy(ctx, p);  /* never announced */
}

/*
 * Phase 1 is up on sa (linked to its peer): the older IKE SA of the peer is
 * replaced, the peer takes the SA's addresses, NAT view and policy, and
 * PHASE1_UP is emitted.
 */
void
iki_peer_phase1_up(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	struct peer *p = sa->peer;
	struct ike_sa *o, *prev = NULL;

	for (o = p->ikes; o != NULL; o = o->peer_next)
		if (o != sa && o->state == S_ESTABLISHED && o->replaced_by == 0 &&
		    (prev == NULL || o->id > prev->id))
			prev = o;
	if (prev != NULL)
		prev->replaced_by = sa->id;
	if (!p->keyed || !iki_addr_eq(&p->local, &sa->local) || !iki_addr_eq(&p->remote, &sa->remote) ||
	    p->rid_type != sa->rid_type || p->rid_len != sa->rid_len ||
	    memcmp(p->rid, sa->rid, sa->rid_len) != 0)
		peer_set_key(ctx, p, sa);
	if (p->pol != sa->pol) {
		iki_pol_ref(sa->pol);
		iki_pol_unref(ctx, p->pol);
		p->pol = sa->pol;
	}
	p->last_heard = now;
	p->dpd_due = 0;
	p->dpd_first = 0;
	p->dpd_outstanding = 0;
	ev_ike(ctx, now, sa, ISAKMP_EV_PHASE1_UP, ISAKMP_REASON_NONE, 0, prev != NULL ? prev->id : 0);
	iki_peer_refresh(ctx, now, p);
}

/* ---- NAT rebinding -------------------------------------------------------- */

/* Moves the peer and its SAs at the old address to *to; PEER_MOVED. */
void
iki_peer_move(struct isakmp_ctx *ctx, struct peer *p, const struct isakmp_addr *to)
{
	struct isakmp_addr old = p->remote;
	struct isakmp_event ev;
	struct ike_sa *sa;
	struct ipsec *x;

	if (iki_addr_eq(&old, to))
		return;
	for (sa = p->ikes; sa != NULL; sa = sa->peer_next)
		if (iki_addr_eq(&sa->remote, &old))
			sa->remote = *to;
	for (x = p->ipsecs; x != NULL; x = x->peer_next)
		if (iki_addr_eq(&x->sa.remote, &old))
			x->sa.remote = *to;
	if (p->keyed)
		iki_ht_remove(&ctx->peer_tuple, &p->by_tuple);
	p->remote = *to;
	if (p->keyed)
		iki_ht_insert(ctx, &ctx->peer_tuple, &p->by_tuple,
		    tuple_hash(ctx, &p->local, &p->remote));
	ctx->st.peer_moves++;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu moved from %u.%u.%u.%u:%u to %u.%u.%u.%u:%u",
	    (unsigned long long)p->id, old.ip >> 24, (old.ip >> 16) & 255, (old.ip >> 8) & 255,
	    old.ip & 255, old.port, to->ip >> 24, (to->ip >> 16) & 255, (to->ip >> 8) & 255,
	    to->ip & 255, to->port);
	iki_ev_peer(p, &ev, ISAKMP_EV_PEER_MOVED);
	iki_ev_push(ctx, &ev);
}

/* ---- the caller's calls --------------------------------------------------- */

int
isakmp_peer_set_user(struct isakmp_ctx *ctx, uint64_t peer_id, uint64_t user)
{
	struct peer *p;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((p = iki_peer_by_id(ctx, peer_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	p->user = user;
	return 0;
}

int
isakmp_peer_delete(struct isakmp_ctx *ctx, uint64_t now, uint64_t peer_id)
{
	struct peer *p;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((p = iki_peer_by_id(ctx, peer_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu deleted by the caller", (unsigned long long)peer_id);
	iki_peer_teardown(ctx, now, p, ISAKMP_REASON_LOCAL, true);
	return 0;
}

int
isakmp_peer_heard(struct isakmp_ctx *ctx, uint64_t now, uint64_t peer_id)
{
	struct peer *p;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((p = iki_peer_by_id(ctx, peer_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	if (now > p->last_heard)
		p->last_heard = now;  /* DPD checks lazily when its timer fires */
	return 0;
}

int
isakmp_peer_moved(struct isakmp_ctx *ctx, uint64_t now, uint64_t peer_id,
    const struct isakmp_addr *remote)
{
	struct peer *p;

	(void)now;
	if (ctx == NULL || remote == NULL || remote->ip == 0 || remote->port == 0)
		return ISAKMP_E_INVAL;
	if ((p = iki_peer_by_id(ctx, peer_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	if (!p->natt_float) {
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "peer %llu: move refused, the peer does not use NAT-T",
		    (unsigned long long)peer_id);
		return ISAKMP_E_STATE;
	}
	iki_peer_move(ctx, p, remote);
	return 0;
}

int
isakmp_ike_sa_delete(struct isakmp_ctx *ctx, uint64_t now, uint64_t ike_id)
{
	struct ike_sa *sa;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((sa = iki_sa_by_id(ctx, ike_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	iki_ike_remove(ctx, now, sa, ISAKMP_REASON_LOCAL, true);
	return 0;
}
