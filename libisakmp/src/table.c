/*
 * table.c - the IKE SA table: creation and destruction, lookup by cookies
 * (hash table keyed by the initiator cookie) and by id, stored datagrams,
 * and the Quick Mode slots an IKE SA carries.
 */
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

const uint8_t iki_zero8[8];

void
iki_wipe_free(struct isakmp_ctx *ctx, uint8_t **p, size_t *len)
{
	if (*p != NULL) {
		sodium_memzero(*p, *len);
		iki_ik_free(ctx, *p);
	}
	*p = NULL;
	*len = 0;
}

/* Keeps a copy of a datagram (for retransmission matching or resending). */
int
iki_store(struct isakmp_ctx *ctx, uint8_t **p, size_t *plen, const uint8_t *d, size_t len)
{
	uint8_t *n = iki_ik_alloc(ctx, len ? len : 1);

	if (n == NULL)
		return ISAKMP_E_NOMEM;
	memcpy(n, d, len);
	iki_wipe_free(ctx, p, plen);
	*p = n;
	*plen = len;
	return 0;
}

void
iki_qm_clear(struct isakmp_ctx *ctx, struct qm *q)
{
	iki_wipe_free(ctx, &q->last_rx, &q->last_rx_len);
	iki_wipe_free(ctx, &q->last_tx, &q->last_tx_len);
	iki_ikc_dh_free(&q->dh);
	sodium_memzero(q, sizeof(*q));
}

static uint64_t
cookie_hash(const struct isakmp_ctx *ctx, const uint8_t *icookie)
{
	return iki_ht_hash(ctx, icookie, 8);
}

uint64_t
iki_id_hash(const struct isakmp_ctx *ctx, uint64_t id)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(id >> (8 * i));
	return iki_ht_hash(ctx, b, 8);
}

/* Destroys an IKE SA without events (its peer, if any, loses it). */
void
iki_sa_destroy(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct ike_sa *moved;
	size_t i;

	if (sa->peer != NULL)
		iki_peer_unlink_ike(sa->peer, sa);
	iki_ht_remove(&ctx->ike_cookie, &sa->by_cookie);
	iki_ht_remove(&ctx->ike_id, &sa->by_id);
	if ((moved = iki_vec_del(&ctx->ikes, sa->vidx)) != NULL)
		moved->vidx = sa->vidx;
	rg_heap_release(&ctx->heap, &sa->tm.node);
	iki_src_detach(ctx, sa);
	if (sa->state != S_ESTABLISHED && ctx->n_half_open > 0)
		ctx->n_half_open--;
	ctx->n_sas--;
	for (i = 0; i < MAX_P2; i++)
		iki_qm_clear(ctx, &sa->qm[i]);
	iki_ikc_dh_free(&sa->dh);
	iki_wipe_free(ctx, &sa->sai_b, &sa->sai_len);
	iki_wipe_free(ctx, &sa->last_rx, &sa->last_rx_len);
	iki_wipe_free(ctx, &sa->last_tx, &sa->last_tx_len);
	iki_pol_unref(ctx, sa->pol);
	sodium_memzero(sa, sizeof(*sa));
	iki_ik_free(ctx, sa);
}

/*
 * Makes an IKE SA (half-open) with the initiator cookie already chosen, in
 * the tables.  Returns NULL at the SA limit (counted, logged) or on
 * allocation failure; *err says which.
 */
struct ike_sa *
iki_sa_new(struct isakmp_ctx *ctx, uint64_t now, bool initiator, const uint8_t *icookie,
    const struct isakmp_addr *local, const struct isakmp_addr *remote, struct pol *pol,
    int *err)
{
	struct ike_sa *sa;

	if (ctx->n_sas >= ctx->cfg.max_ike_sas) {
		ctx->st.sa_limit_refused++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA limit %u reached", ctx->cfg.max_ike_sas);
		*err = ISAKMP_E_LIMIT;
		return NULL;
	}
	*err = ISAKMP_E_NOMEM;
	if ((sa = iki_ik_alloc(ctx, sizeof(*sa))) == NULL)
		return NULL;
	if (rg_heap_reserve(&ctx->heap, iki_heap_alloc_cb, iki_heap_free_cb, ctx) != 0) {
		iki_ik_free(ctx, sa);
		return NULL;
	}
	if (iki_vec_add(ctx, &ctx->ikes, sa, &sa->vidx) != 0) {
		rg_heap_release(&ctx->heap, &sa->tm.node);
		iki_ik_free(ctx, sa);
		return NULL;
	}
	sa->tm.kind = T_IKE;
	sa->tm.node.when = UINT64_MAX;
	sa->id = iki_ik_new_id(ctx);
	sa->initiator = initiator;
	sa->created = now;
	sa->local = *local;
	sa->remote = *remote;
	sa->pol = pol;
	iki_pol_ref(pol);
	memcpy(sa->icookie, icookie, 8);
	iki_ht_insert(ctx, &ctx->ike_cookie, &sa->by_cookie, cookie_hash(ctx, icookie));
	iki_ht_insert(ctx, &ctx->ike_id, &sa->by_id, iki_id_hash(ctx, sa->id));
	ctx->n_sas++;
	ctx->n_half_open++;
	*err = 0;
	return sa;
}

void
iki_sa_established(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	if (ctx->n_half_open > 0)
		ctx->n_half_open--;
	iki_src_half_open_done(ctx, sa);
	sa->state = S_ESTABLISHED;
}

struct isakmp_policy *
iki_pol(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	(void)ctx;
	return &sa->pol->p;
}

struct ike_sa *
iki_sa_by_id(const struct isakmp_ctx *ctx, uint64_t id)
{
	struct hlink *l;

	for (l = iki_ht_first(&ctx->ike_id, iki_id_hash(ctx, id)); l != NULL; l = iki_ht_next(l)) {
		struct ike_sa *sa = HT_ENTRY(l, struct ike_sa, by_id);

		if (sa->id == id)
			return sa;
	}
	return NULL;
}

/*
 * Finds the IKE SA a message belongs to, by its cookies.  A message with a
 * zero responder cookie (a retransmitted MM1) matches only a responder SA
 * waiting for MM3 with the same full outer tuple.
 */
struct ike_sa *
iki_sa_lookup(struct isakmp_ctx *ctx, const struct msg *m, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	struct hlink *l;
	bool rzero = memcmp(m->rcookie, iki_zero8, 8) == 0;

	for (l = iki_ht_first(&ctx->ike_cookie, cookie_hash(ctx, m->icookie)); l != NULL;
	    l = iki_ht_next(l)) {
		struct ike_sa *sa = HT_ENTRY(l, struct ike_sa, by_cookie);

		if (memcmp(sa->icookie, m->icookie, 8) != 0)
			continue;
		if (rzero) {
			if (!sa->initiator && sa->state == S_R_MM2 &&
			    sa->remote.ip == from->ip && sa->remote.port == from->port &&
			    sa->local.ip == to->ip && sa->local.port == to->port)
				return sa;
			continue;
		}
		if (sa->initiator && sa->state == S_I_MM1 && memcmp(sa->rcookie, iki_zero8, 8) == 0)
			return sa;
		if (memcmp(sa->rcookie, m->rcookie, 8) == 0)
			return sa;
	}
	return NULL;
}

/* The Quick Mode exchange with this message ID, or NULL. */
struct qm *
iki_qm_find(struct ike_sa *sa, uint32_t msgid)
{
	size_t i;

	for (i = 0; i < MAX_P2; i++)
		if (sa->qm[i].used && sa->qm[i].msgid == msgid)
			return &sa->qm[i];
	return NULL;
}

/*
 * A free Quick Mode slot: an unused one, else the finished exchange that was
 * kept longest for retransmissions.  NULL (counted, logged) when all are
 * negotiating.
 */
struct qm *
iki_qm_slot(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct qm *best = NULL;
	size_t i;

	for (i = 0; i < MAX_P2; i++) {
		struct qm *q = &sa->qm[i];

		if (!q->used)
			return q;
		if (q->ready && (best == NULL || q->linger < best->linger))
			best = q;
	}
	if (best != NULL) {
		iki_qm_clear(ctx, best);
		return best;
	}
	ctx->st.sa_limit_refused++;
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: %d Quick Mode exchanges in progress",
	    (unsigned long long)sa->id, MAX_P2);
	return NULL;
}

int
isakmp_export_keys(const struct isakmp_ctx *ctx, uint64_t ike_id, uint8_t icookie[8],
    uint8_t *key, size_t cap, size_t *key_len)
{
	const struct ike_sa *sa;

	if (ctx == NULL || icookie == NULL || key == NULL || key_len == NULL)
		return ISAKMP_E_INVAL;
	if ((sa = iki_sa_by_id(ctx, ike_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	if (sa->alg.keylen == 0 || sa->state == S_I_MM1 || sa->state == S_I_MM3 ||
	    sa->state == S_R_MM2)
		return ISAKMP_E_STATE;
	if (cap < sa->alg.keylen)
		return ISAKMP_E_BUFFER;
	memcpy(icookie, sa->icookie, 8);
	memcpy(key, sa->enckey, sa->alg.keylen);
	*key_len = sa->alg.keylen;
	return 0;
}
