/*
 * ipsec.c - IPsec SAs, owned by their peer: installation when a Quick Mode
 * finishes (replacing the current SA with the same selectors), removal with
 * reasons and Deletes, lookups, and the caller's calls on them.
 */
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

static void
ev_ipsec(struct isakmp_ctx *ctx, const struct ipsec *x, enum isakmp_event_type type,
    enum isakmp_reason reason, const struct isakmp_ipsec_sa *keyed, uint64_t replaces)
{
	struct isakmp_event ev;

	iki_ev_peer(x->peer, &ev, type);
	if (type == ISAKMP_EV_IPSEC_SA_UP)
		ev.ike_id = x->ike_id;
	ev.ipsec_id = x->id;
	ev.ipsec_user = x->user;
	ev.reason = reason;
	ev.replaces = replaces;
	ev.sa = keyed != NULL ? *keyed : x->sa;
	iki_ev_push(ctx, &ev);
	sodium_memzero(&ev, sizeof(ev));
}

struct ipsec *
iki_ipsec_by_id(const struct isakmp_ctx *ctx, uint64_t id)
{
	struct hlink *l;

	for (l = iki_ht_first(&ctx->ipsec_id, iki_id_hash(ctx, id)); l != NULL; l = iki_ht_next(l)) {
		struct ipsec *x = HT_ENTRY(l, struct ipsec, by_id);

		if (x->id == id)
			return x;
	}
	return NULL;
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

void
iki_ipsec_destroy(struct isakmp_ctx *ctx, struct ipsec *x)
{
	struct ipsec *moved;

	if (x->peer != NULL)
		peer_unlink_ipsec(x->peer, x);
	iki_ht_remove(&ctx->ipsec_id, &x->by_id);
	if ((moved = iki_vec_del(&ctx->ipsecs, x->vidx)) != NULL)
		moved->vidx = x->vidx;
	rg_heap_release(&ctx->heap, &x->tm.node);
	sodium_memzero(x, sizeof(*x));
	iki_ik_free(ctx, x);
}

/*
 * Removes an IPsec SA with IPSEC_SA_DOWN; with deletes (and the policy's
 * send_deletes) a Delete goes to the peer over its current IKE SA.  An older
 * SA it had replaced becomes current again.
 */
void
iki_ipsec_remove(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x, enum isakmp_reason cause,
    bool deletes)
{
	struct peer *p = x->peer;
	struct ipsec *y;

	if (deletes && p->pol->p.send_deletes)
		iki_send_delete_esp(ctx, p, x->sa.spi_in);
	ev_ipsec(ctx, x, ISAKMP_EV_IPSEC_SA_DOWN,
	    x->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause, NULL, 0);
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu: IPsec SA %llu (in %08x out %08x) down: %s",
	    (unsigned long long)p->id, (unsigned long long)x->id, x->sa.spi_in, x->sa.spi_out,
	    isakmp_reason_name(x->replaced_by != 0 ? ISAKMP_REASON_REKEYED : cause));
	if (!p->dying)
		for (y = p->ipsecs; y != NULL; y = y->peer_next)
			if (y->replaced_by == x->id) {
				y->replaced_by = 0;
				iki_ipsec_rearm(ctx, y);
			}
	iki_ipsec_destroy(ctx, x);
	iki_peer_gone_check(ctx, p, cause);
	(void)now;
}

/* True if the peer may have one more IPsec SA (else counted and logged). */
bool
iki_ipsec_room(struct isakmp_ctx *ctx, const struct peer *p)
{
	if (p->n_ipsec < ctx->cfg.max_ipsec_per_peer && ctx->ipsecs.n < ctx->cfg.max_ipsec_sas)
		return true;
	ctx->st.ipsec_limit_refused++;
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "peer %llu: IPsec SA limit reached (%u of %u for the peer, "
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
iki_ipsec_install(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    const struct isakmp_ipsec_sa *e, struct ipsec **out)
{
	struct peer *p = sa->peer;
	struct ipsec *x, *y, *old = NULL;
	uint64_t life = (uint64_t)e->life_s * NS, jitter = 0;

	if ((x = iki_ik_alloc(ctx, sizeof(*x))) == NULL)
		return ISAKMP_E_NOMEM;
	if (rg_heap_reserve(&ctx->heap, iki_heap_alloc_cb, iki_heap_free_cb, ctx) != 0) {
		iki_ik_free(ctx, x);
		return ISAKMP_E_NOMEM;
	}
	if (iki_vec_add(ctx, &ctx->ipsecs, x, &x->vidx) != 0) {
		rg_heap_release(&ctx->heap, &x->tm.node);
		iki_ik_free(ctx, x);
		return ISAKMP_E_NOMEM;
	}
	x->tm.kind = T_IPSEC;
	x->tm.node.when = UINT64_MAX;
	x->id = iki_ik_new_id(ctx);
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
		if (iki_ik_rng(ctx, &jitter, sizeof(jitter)) != 0)
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
	iki_ht_insert(ctx, &ctx->ipsec_id, &x->by_id, iki_id_hash(ctx, x->id));
	if (old != NULL) {
		old->replaced_by = x->id;
		old->rekeying = false;
		iki_ipsec_rearm(ctx, old);
	}
	ctx->st.phase2_up++;
	ev_ipsec(ctx, x, ISAKMP_EV_IPSEC_SA_UP, ISAKMP_REASON_NONE, e, old != NULL ? old->id : 0);
	iki_ipsec_rearm(ctx, x);
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu: IPsec SA %llu in %08x out %08x up%s",
	    (unsigned long long)p->id, (unsigned long long)x->id, e->spi_in, e->spi_out,
	    old != NULL ? " (rekey)" : "");
	if (out != NULL)
		*out = x;
	return 0;
}

/* The peer's IPsec SA whose outbound SPI is spi (what the peer's Delete names). */
struct ipsec *
iki_ipsec_by_spi_out(const struct peer *p, uint32_t spi)
{
	struct ipsec *x;

	for (x = p->ipsecs; x != NULL; x = x->peer_next)
		if (x->sa.spi_out == spi)
			return x;
	return NULL;
}

int
isakmp_ipsec_sa_set_user(struct isakmp_ctx *ctx, uint64_t ipsec_id, uint64_t user)
{
	struct ipsec *x;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	if ((x = iki_ipsec_by_id(ctx, ipsec_id)) == NULL)
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
	if ((x = iki_ipsec_by_id(ctx, ipsec_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	iki_ipsec_remove(ctx, now, x, reason, true);
	return 0;
}
