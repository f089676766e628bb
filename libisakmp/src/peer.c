/*
 * peer.c - peers (a remote client's stable identity across rekeys) and the
 * IPsec SAs they own: creation, joining on a phase 1 rekey, INITIAL-CONTACT,
 * removal with reasons, NAT rebinding, and the events that describe them.
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

	return ht_hash(ctx, b, sizeof(b));
}

bool
addr_eq(const struct isakmp_addr *a, const struct isakmp_addr *b)
{
	return a->ip == b->ip && a->port == b->port;
}

struct peer *
peer_by_id(const struct isakmp_ctx *ctx, uint64_t id)
{
	struct hlink *l;

	for (l = ht_first(&ctx->peer_id, id_hash(ctx, id)); l != NULL; l = ht_next(l)) {
		struct peer *p = HT_ENTRY(l, struct peer, by_id);

		if (p->id == id)
			return p;
	}
	return NULL;
}

struct ipsec *
ipsec_by_id(const struct isakmp_ctx *ctx, uint64_t id)
{
	struct hlink *l;

	for (l = ht_first(&ctx->ipsec_id, id_hash(ctx, id)); l != NULL; l = ht_next(l)) {
		struct ipsec *x = HT_ENTRY(l, struct ipsec, by_id);

		if (x->id == id)
			return x;
	}
	return NULL;
}

/* A keyed peer with this (local, remote, remote ID), or NULL. */
static struct peer *
peer_find(const struct isakmp_ctx *ctx, const struct ike_sa *sa)
{
	struct hlink *l;

	for (l = ht_first(&ctx->peer_tuple, tuple_hash(ctx, &sa->local, &sa->remote)); l != NULL;
	    l = ht_next(l)) {
		struct peer *p = HT_ENTRY(l, struct peer, by_tuple);

		if (addr_eq(&p->local, &sa->local) && addr_eq(&p->remote, &sa->remote) &&
		    p->rid_type == sa->rid_type && p->rid_len == sa->rid_len &&
		    memcmp(p->rid, sa->rid, sa->rid_len) == 0)
			return p;
	}
	return NULL;
}

void
peer_link_ike(struct peer *p, struct ike_sa *sa)
{
	sa->peer = p;
	sa->peer_next = p->ikes;
	p->ikes = sa;
	p->n_ike++;
}

void
peer_unlink_ike(struct peer *p, struct ike_sa *sa)
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

static void
peer_unlink_ipsec(struct peer *p, struct ipsec *x)
{
	struct ipsec **pp;

	for (pp = &p->ipsecs; *pp != NULL; pp = &(*pp)->peer_next)
		if (*pp == x) {
			*pp = x->peer_next;
			p->n_ipsec--;
			break;
		}
	x->peer = NULL;
	x->peer_next = NULL;
}

/* The peer's newest established IKE SA not replaced (else the newest established). */
struct ike_sa *
peer_current_ike(const struct peer *p)
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
peer_new(struct isakmp_ctx *ctx, uint64_t now, struct pol *pol, int *err)
{
	struct peer *p;

	if (ctx->peers.n >= ctx->cfg.max_peers) {
		ctx->st.peer_limit_refused++;
		ik_log(ctx, ISAKMP_LOG_WARN, "peer limit %u reached", ctx->cfg.max_peers);
		*err = ISAKMP_E_LIMIT;
		return NULL;
	}
	*err = ISAKMP_E_NOMEM;
	if ((p = ik_alloc(ctx, sizeof(*p))) == NULL)
		return NULL;
	if (rg_heap_reserve(&ctx->heap, heap_alloc_cb, heap_free_cb, ctx) != 0) {
		ik_free(ctx, p);
		return NULL;
	}
	if (vec_add(ctx, &ctx->peers, p, &p->vidx) != 0) {
		rg_heap_release(&ctx->heap, &p->tm.node);
		ik_free(ctx, p);
		return NULL;
	}
	p->tm.kind = T_PEER;
	p->tm.node.when = UINT64_MAX;
	p->id = ik_new_id(ctx);
	p->pol = pol;
	pol_ref(pol);
	p->created = p->last_heard = now;
	ht_insert(ctx, &ctx->peer_id, &p->by_id, id_hash(ctx, p->id));
	ctx->st.peers_created++;
	*err = 0;
	return p;
}

/* Frees a peer without events; its SAs, if any are left, go silently too. */
void
peer_destroy(struct isakmp_ctx *ctx, struct peer *p)
{
	struct peer *moved;

	while (p->ipsecs != NULL)
		ipsec_destroy(ctx, p->ipsecs);
	while (p->ikes != NULL)
		sa_destroy(ctx, p->ikes);
	ht_remove(&ctx->peer_id, &p->by_id);
	if (p->keyed)
		ht_remove(&ctx->peer_tuple, &p->by_tuple);
	if ((moved = vec_del(&ctx->peers, p->vidx)) != NULL)
		moved->vidx = p->vidx;
	rg_heap_release(&ctx->heap, &p->tm.node);
	pol_unref(ctx, p->pol);
	ctx->st.peers_removed++;
	sodium_memzero(p, sizeof(*p));
	ik_free(ctx, p);
}

/* Sets the peer's key (outer tuple and remote ID) and files it under it. */
static void
peer_set_key(struct isakmp_ctx *ctx, struct peer *p, const struct ike_sa *sa)
{
	if (p->keyed)
		ht_remove(&ctx->peer_tuple, &p->by_tuple);
	p->local = sa->local;
	p->remote = sa->remote;
	p->rid_type = sa->rid_type;
	p->rid_len = sa->rid_len;
	memcpy(p->rid, sa->rid, sa->rid_len);
	ht_insert(ctx, &ctx->peer_tuple, &p->by_tuple, tuple_hash(ctx, &p->local, &p->remote));
	p->keyed = true;
}

/* ---- events --------------------------------------------------------------- */

static void
ev_peer(const struct peer *p, struct isakmp_event *ev, enum isakmp_event_type type)
{
	const struct ike_sa *cur = peer_current_ike(p);

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
ev_ike(struct isakmp_ctx *ctx, const struct ike_sa *sa, enum isakmp_event_type type,
    enum isakmp_reason reason, int error, uint64_t replaces)
{
	struct isakmp_event ev;

	if (sa->peer != NULL) {
		ev_peer(sa->peer, &ev, type);
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
	ev_push(ctx, &ev);
}

static void
ev_ipsec(struct isakmp_ctx *ctx, const struct ipsec *x, enum isakmp_event_type type,
    enum isakmp_reason reason, const struct isakmp_ipsec_sa *keyed, uint64_t replaces)
{
	struct isakmp_event ev;

	ev_peer(x->peer, &ev, type);
	if (type == ISAKMP_EV_IPSEC_SA_UP)
		ev.ike_id = x->ike_id;
	ev.ipsec_id = x->id;
	ev.ipsec_user = x->user;
	ev.reason = reason;
	ev.replaces = replaces;
	ev.sa = keyed != NULL ? *keyed : x->sa;
	ev_push(ctx, &ev);
	sodium_memzero(&ev, sizeof(ev));
}

/* ---- removal -------------------------------------------------------------- */

/* The peer goes once it has nothing left (PEER_DOWN with the real cause). */
static void
peer_gone_check(struct isakmp_ctx *ctx, struct peer *p, enum isakmp_reason cause)
{
	struct isakmp_event ev;

	if (p->dying || p->n_ike != 0 || p->n_ipsec != 0)
		return;
	ev_peer(p, &ev, ISAKMP_EV_PEER_DOWN);
	ev.reason = cause;
	ev_push(ctx, &ev);
	ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu down: %s", (unsigned long long)p->id,
	    isakmp_reason_name(cause));
	peer_destroy(ctx, p);
}

/*
 * Recomputes what the peer derives from its newest IKE SA (NAT flags, DPD,
 * keepalives) and re-arms its timer.
 */
void
peer_refresh(struct isakmp_ctx *ctx, uint64_t now, struct peer *p)
{
	const struct ike_sa *cur = peer_current_ike(p);
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
	peer_rearm(ctx, p);
}

void
ipsec_destroy(struct isakmp_ctx *ctx, struct ipsec *x)
{
	struct ipsec *moved;

	if (x->peer != NULL)
		peer_unlink_ipsec(x->peer, x);
	ht_remove(&ctx->ipsec_id, &x->by_id);
	if ((moved = vec_del(&ctx->ipsecs, x->vidx)) != NULL)
		moved->vidx = x->vidx;
	rg_heap_release(&ctx->heap, &x->tm.node);
	sodium_memzero(x, sizeof(*x));
	ik_free(ctx, x);
}

/*
 * Removes an IPsec SA with IPSEC_SA_DOWN; with deletes (and the policy's
 * send_deletes) a Delete goes to the peer over its current IKE SA.  An older
 * SA it had replaced becomes current again.
 */
void
ipsec_remove(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x, enum isakmp_reason cause,
    bool deletes)
{
	struct peer *p = x->peer;
	struct ipsec *y;

	if (deletes && p->pol->p.send_deletes)
		send_delete_esp(ctx, p, x->sa.spi_in);
	ev_ipsec(ctx, x, ISAKMP_EV_IPSEC_SA_DOWN,
	    x->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause, NULL, 0);
	ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu: IPsec SA %llu (in %08x out %08x) down: %s",
	    (unsigned long long)p->id, (unsigned long long)x->id, x->sa.spi_in, x->sa.spi_out,
	    isakmp_reason_name(x->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause));
	if (!p->dying)
		for (y = p->ipsecs; y != NULL; y = y->peer_next)
			if (y->replaced_by == x->id) {
				y->replaced_by = 0;
				ipsec_rearm(ctx, y);
			}
	ipsec_destroy(ctx, x);
	peer_gone_check(ctx, p, cause);
	(void)now;
}

/*
 * Removes an IKE SA: PHASE1_DOWN if it was established (with a Delete for it
 * if deletes and the policy says so), else PHASE1_FAILED.  Its peer keeps its
 * IPsec SAs and goes only when it has nothing left.
 */
void
ike_remove(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, enum isakmp_reason cause,
    bool deletes)
{
	struct peer *p = sa->peer;
	struct ike_sa *o;

	if (sa->state == S_ESTABLISHED) {
		if (deletes && sa->pol->p.send_deletes)
			send_delete_isakmp(ctx, sa);
		ev_ike(ctx, sa, ISAKMP_EV_PHASE1_DOWN,
		    sa->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause, 0, 0);
		ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu down: %s", (unsigned long long)sa->id,
		    isakmp_reason_name(sa->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause));
	} else {
		ctx->st.phase1_failed++;
		ev_ike(ctx, sa, ISAKMP_EV_PHASE1_FAILED, cause, sa->last_err, 0);
		ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu failed: %s (%s)",
		    (unsigned long long)sa->id, isakmp_reason_name(cause),
		    isakmp_strerror(sa->last_err));
	}
	if (p != NULL && !p->dying)
		for (o = p->ikes; o != NULL; o = o->peer_next)
			if (o->replaced_by == sa->id)
				o->replaced_by = 0;
	sa_destroy(ctx, sa);
	if (p != NULL) {
		if (!p->dying)
			peer_refresh(ctx, now, p);
		peer_gone_check(ctx, p, cause);
	}
}

/* Removes everything of a peer, then the peer (PEER_DOWN with cause). */
void
peer_teardown(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, enum isakmp_reason cause,
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
		ipsec_remove(ctx, now, xo, cause, deletes);
	}
	while (p->ikes != NULL) {
		for (so = sa = p->ikes; sa != NULL; sa = sa->peer_next)
			if (sa->id < so->id)
				so = sa;
		ike_remove(ctx, now, so, cause, deletes);
	}
	p->dying = false;
	peer_gone_check(ctx, p, cause);
}

/*
 * INITIAL-CONTACT (RFC 2407 4.6.3.3) on an authenticated phase 1: every peer
 * with the same full outer tuple started over; drop it (no Delete).
 */
static void
initial_contact(struct isakmp_ctx *ctx, uint64_t now, const struct ike_sa *sa)
{
	struct hlink *l;
	struct peer *p;

	for (;;) {
		p = NULL;
		for (l = ht_first(&ctx->peer_tuple, tuple_hash(ctx, &sa->local, &sa->remote));
		    l != NULL; l = ht_next(l)) {
			struct peer *c = HT_ENTRY(l, struct peer, by_tuple);

			if (c != sa->peer && addr_eq(&c->local, &sa->local) &&
			    addr_eq(&c->remote, &sa->remote)) {
				p = c;
				break;
			}
		}
		if (p == NULL)
			return;
		ik_log(ctx, ISAKMP_LOG_INFO, "INITIAL-CONTACT: dropping peer %llu",
		    (unsigned long long)p->id);
		peer_teardown(ctx, now, p, ISAKMP_REASON_INITIAL_CONTACT, false);
	}
}

/*
 * Responder, MM5 verified: the peer this IKE SA belongs to.  With
 * INITIAL-CONTACT older peers on the tuple go first; without it an existing
 * peer with the same key is joined (phase 1 rekey); otherwise a new one is
 * made (ISAKMP_E_LIMIT / ISAKMP_E_NOMEM).  The SA is linked to it.
 */
int
peer_attach_responder(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, bool ic)
{
	struct peer *p;
	int err;

	if (ic)
		initial_contact(ctx, now, sa);
	if ((p = peer_find(ctx, sa)) == NULL) {
		if ((p = peer_new(ctx, now, sa->pol, &err)) == NULL)
			return err;
		peer_set_key(ctx, p, sa);
	} else {
		ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu joins peer %llu (phase 1 rekey)",
		    (unsigned long long)sa->id, (unsigned long long)p->id);
	}
	peer_link_ike(p, sa);
	return 0;
}

/* Undoes peer_attach_responder when MM6 could not be sent. */
void
peer_detach_failed(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct peer *p = sa->peer;

	if (p == NULL)
		return;
	peer_unlink_ike(p, sa);
	if (p->n_ike == 0 && p->n_ipsec == 0)
		peer_destroy(ctx, p);  /* never announced */
}

/*
 * Phase 1 is up on sa (linked to its peer): the older IKE SA of the peer is
 * replaced, the peer takes the SA's addresses, NAT view and policy, and
 * PHASE1_UP is emitted.
 */
void
peer_phase1_up(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	struct peer *p = sa->peer;
	struct ike_sa *o, *prev = NULL;

	for (o = p->ikes; o != NULL; o = o->peer_next)
		if (o != sa && o->state == S_ESTABLISHED && o->replaced_by == 0 &&
		    (prev == NULL || o->id > prev->id))
			prev = o;
	if (prev != NULL)
		prev->replaced_by = sa->id;
	if (!p->keyed || !addr_eq(&p->local, &sa->local) || !addr_eq(&p->remote, &sa->remote) ||
	    p->rid_type != sa->rid_type || p->rid_len != sa->rid_len ||
	    memcmp(p->rid, sa->rid, sa->rid_len) != 0)
		peer_set_key(ctx, p, sa);
	if (p->pol != sa->pol) {
		pol_ref(sa->pol);
		pol_unref(ctx, p->pol);
		p->pol = sa->pol;
	}
	p->last_heard = now;
	p->dpd_due = 0;
	p->dpd_first = 0;
	p->dpd_outstanding = 0;
	ev_ike(ctx, sa, ISAKMP_EV_PHASE1_UP, ISAKMP_REASON_NONE, 0, prev != NULL ? prev->id : 0);
	peer_refresh(ctx, now, p);
}

/* ---- IPsec SAs ------------------------------------------------------------ */

/* True if the peer may have one more IPsec SA (else counted and logged). */
bool
ipsec_room(struct isakmp_ctx *ctx, const struct peer *p)
{
	if (p->n_ipsec < ctx->cfg.max_ipsec_per_peer && ctx->ipsecs.n < ctx->cfg.max_ipsec_sas)
		return true;
	ctx->st.ipsec_limit_refused++;
	ik_log(ctx, ISAKMP_LOG_WARN, "peer %llu: IPsec SA limit reached (%u of %u for the peer, "
	    "%u of %u in all)", (unsigned long long)p->id, p->n_ipsec,
	    ctx->cfg.max_ipsec_per_peer, ctx->ipsecs.n, ctx->cfg.max_ipsec_sas);
	return false;
}

static bool
same_selectors(const struct isakmp_ipsec_sa *a, const struct isakmp_ipsec_sa *b)
{
	return a->sel_protocol == b->sel_protocol && a->sel_local_port == b->sel_local_port &&
	    a->sel_remote_port == b->sel_remote_port && a->mode == b->mode;
}

/*
 * A Quick Mode finished on sa: the IPsec SA e (with keys) becomes the peer's,
 * replacing its current SA with the same selectors; IPSEC_SA_UP leaves with
 * the keys, which are not kept.  Sets *out.
 */
int
ipsec_install(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    const struct isakmp_ipsec_sa *e, struct ipsec **out)
{
	struct peer *p = sa->peer;
	struct ipsec *x, *y, *old = NULL;
	uint64_t life = (uint64_t)e->life_s * NS, jitter = 0;

	if ((x = ik_alloc(ctx, sizeof(*x))) == NULL)
		return ISAKMP_E_NOMEM;
	if (rg_heap_reserve(&ctx->heap, heap_alloc_cb, heap_free_cb, ctx) != 0) {
		ik_free(ctx, x);
		return ISAKMP_E_NOMEM;
	}
	if (vec_add(ctx, &ctx->ipsecs, x, &x->vidx) != 0) {
		rg_heap_release(&ctx->heap, &x->tm.node);
		ik_free(ctx, x);
		return ISAKMP_E_NOMEM;
	}
	x->tm.kind = T_IPSEC;
	x->tm.node.when = UINT64_MAX;
	x->id = ik_new_id(ctx);
	x->peer = p;
	x->ike_id = sa->id;
	x->sa = *e;
	sodium_memzero(x->sa.enc_key_in, sizeof(x->sa.enc_key_in));
	sodium_memzero(x->sa.enc_key_out, sizeof(x->sa.enc_key_out));
	sodium_memzero(x->sa.salt_in, sizeof(x->sa.salt_in));
	sodium_memzero(x->sa.salt_out, sizeof(x->sa.salt_out));
	sodium_memzero(x->sa.integ_key_in, sizeof(x->sa.integ_key_in));
	sodium_memzero(x->sa.integ_key_out, sizeof(x->sa.integ_key_out));
	x->created = now;
	x->expires = now + life;
	/*
	 * The side that initiated the Quick Mode rekeys at 90% minus up to 5%
	 * jitter; the responder at 97% if nothing replaced it by then.
	 */
	if (e->initiator) {
		if (ik_rng(ctx, &jitter, sizeof(jitter)) != 0)
			jitter = 0;
		jitter %= life / 20 + 1;
		x->rekey_at = now + life / 10 * 9 - jitter;
	} else {
		x->rekey_at = now + life / 100 * 97;
	}
	for (y = p->ipsecs; y != NULL; y = y->peer_next)
		if (y->replaced_by == 0 && same_selectors(&y->sa, &x->sa) &&
		    (old == NULL || y->id > old->id))
			old = y;
	x->peer_next = p->ipsecs;
	p->ipsecs = x;
	p->n_ipsec++;
	ht_insert(ctx, &ctx->ipsec_id, &x->by_id, id_hash(ctx, x->id));
	if (old != NULL) {
		old->replaced_by = x->id;
		old->rekeying = false;
		ipsec_rearm(ctx, old);
	}
	ctx->st.phase2_up++;
	ev_ipsec(ctx, x, ISAKMP_EV_IPSEC_SA_UP, ISAKMP_REASON_NONE, e, old != NULL ? old->id : 0);
	ipsec_rearm(ctx, x);
	ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu: IPsec SA %llu in %08x out %08x up%s",
	    (unsigned long long)p->id, (unsigned long long)x->id, e->spi_in, e->spi_out,
	    old != NULL ? " (rekey)" : "");
	if (out != NULL)
		*out = x;
	return 0;
}

/* The peer's IPsec SA whose outbound SPI is spi (what the peer's Delete names). */
struct ipsec *
ipsec_by_spi_out(const struct peer *p, uint32_t spi)
{
	struct ipsec *x;

	for (x = p->ipsecs; x != NULL; x = x->peer_next)
		if (x->sa.spi_out == spi)
			return x;
	return NULL;
}

/* ---- NAT rebinding -------------------------------------------------------- */

/* Moves the peer and its SAs at the old address to *to; PEER_MOVED. */
void
peer_move(struct isakmp_ctx *ctx, struct peer *p, const struct isakmp_addr *to)
{
	struct isakmp_addr old = p->remote;
	struct isakmp_event ev;
	struct ike_sa *sa;
	struct ipsec *x;

	if (addr_eq(&old, to))
		return;
	for (sa = p->ikes; sa != NULL; sa = sa->peer_next)
		if (addr_eq(&sa->remote, &old))
			sa->remote = *to;
	for (x = p->ipsecs; x != NULL; x = x->peer_next)
		if (addr_eq(&x->sa.remote, &old))
			x->sa.remote = *to;
	if (p->keyed)
		ht_remove(&ctx->peer_tuple, &p->by_tuple);
	p->remote = *to;
	if (p->keyed)
		ht_insert(ctx, &ctx->peer_tuple, &p->by_tuple,
		    tuple_hash(ctx, &p->local, &p->remote));
	ctx->st.peer_moves++;
	ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu moved from %u.%u.%u.%u:%u to %u.%u.%u.%u:%u",
	    (unsigned long long)p->id, old.ip >> 24, (old.ip >> 16) & 255, (old.ip >> 8) & 255,
	    old.ip & 255, old.port, to->ip >> 24, (to->ip >> 16) & 255, (to->ip >> 8) & 255,
	    to->ip & 255, to->port);
	ev_peer(p, &ev, ISAKMP_EV_PEER_MOVED);
	ev_push(ctx, &ev);
}

/* ---- the caller's calls --------------------------------------------------- */

int
isakmp_peer_set_user(struct isakmp_ctx *ctx, uint64_t peer_id, uint64_t user)
{
	struct peer *p;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((p = peer_by_id(ctx, peer_id)) == NULL)
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
	if ((p = peer_by_id(ctx, peer_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu deleted by the caller", (unsigned long long)peer_id);
	peer_teardown(ctx, now, p, ISAKMP_REASON_LOCAL, true);
	return 0;
}

int
isakmp_peer_heard(struct isakmp_ctx *ctx, uint64_t now, uint64_t peer_id)
{
	struct peer *p;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((p = peer_by_id(ctx, peer_id)) == NULL)
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
	if ((p = peer_by_id(ctx, peer_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	if (!p->natt_float) {
		ik_log(ctx, ISAKMP_LOG_WARN, "peer %llu: move refused, the peer does not use NAT-T",
		    (unsigned long long)peer_id);
		return ISAKMP_E_STATE;
	}
	peer_move(ctx, p, remote);
	return 0;
}

int
isakmp_ike_sa_delete(struct isakmp_ctx *ctx, uint64_t now, uint64_t ike_id)
{
	struct ike_sa *sa;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((sa = sa_by_id(ctx, ike_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	ike_remove(ctx, now, sa, ISAKMP_REASON_LOCAL, true);
	return 0;
}

int
isakmp_ipsec_sa_set_user(struct isakmp_ctx *ctx, uint64_t ipsec_id, uint64_t user)
{
	struct ipsec *x;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((x = ipsec_by_id(ctx, ipsec_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	x->user = user;
	return 0;
}

int
isakmp_ipsec_sa_delete(struct isakmp_ctx *ctx, uint64_t now, uint64_t ipsec_id,
    enum isakmp_reason reason)
{
	struct ipsec *x;

	if (ctx == NULL || reason <= ISAKMP_REASON_NONE || reason > ISAKMP_REASON_TIMEOUT)
		return ISAKMP_E_INVAL;
	if ((x = ipsec_by_id(ctx, ipsec_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	ipsec_remove(ctx, now, x, reason, true);
	return 0;
}
