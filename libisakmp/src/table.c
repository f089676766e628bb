/*
 * table.c - the IKE SA table: creation, destruction, lookup by cookies and
 * outer tuple, the events that describe an SA, and the calls addressing an
 * SA by id (delete, key export).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

const uint8_t zero8[8];

/* ---- SA table ---------------------------------------------------------- */

void
wipe_free(struct isakmp_ctx *ctx, uint8_t **p, size_t *len)
{
	if (*p != NULL) {
		sodium_memzero(*p, *len);
		ik_free(ctx, *p);
	}
	*p = NULL;
	*len = 0;
}

int
store(struct isakmp_ctx *ctx, uint8_t **p, size_t *plen, const uint8_t *d, size_t len)
{
	uint8_t *n = ik_alloc(ctx, len ? len : 1);

	if (n == NULL)
		return ISAKMP_E_NOMEM;
	memcpy(n, d, len);
	wipe_free(ctx, p, plen);
	*p = n;
	*plen = len;
	return 0;
}

void
qm_clear(struct isakmp_ctx *ctx, struct qm *q)
{
	wipe_free(ctx, &q->last_rx, &q->last_rx_len);
	wipe_free(ctx, &q->last_tx, &q->last_tx_len);
	ikc_dh_free(&q->dh);
	sodium_memzero(q, sizeof(*q));
}

void
sa_destroy(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct ike_sa **pp;
	size_t i;

	for (pp = &ctx->sas; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	if (sa->state != S_ESTABLISHED && sa->state != S_DEAD && ctx->n_half_open > 0)
		ctx->n_half_open--;
	ctx->n_sas--;
	for (i = 0; i < MAX_P2; i++)
		qm_clear(ctx, &sa->qm[i]);
	ikc_dh_free(&sa->dh);
	wipe_free(ctx, &sa->sai_b, &sa->sai_len);
	wipe_free(ctx, &sa->last_rx, &sa->last_rx_len);
	wipe_free(ctx, &sa->last_tx, &sa->last_tx_len);
	sodium_memzero(sa, sizeof(*sa));
	ik_free(ctx, sa);
}

struct ike_sa *
sa_new(struct isakmp_ctx *ctx, bool initiator, const struct isakmp_addr *local,
    const struct isakmp_addr *remote, size_t policy)
{
	struct ike_sa *sa;

	if (ctx->n_sas >= ctx->cfg.max_ike_sas) {
		ctx->st.sa_limit_refused++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA limit %u reached", ctx->cfg.max_ike_sas);
		return NULL;
	}
	if ((sa = ik_alloc(ctx, sizeof(*sa))) == NULL)
		return NULL;
	sa->id = ctx->next_id++;
	sa->initiator = initiator;
	sa->local = *local;
	sa->remote = *remote;
	sa->policy = policy;
	sa->next = ctx->sas;
	ctx->sas = sa;
	ctx->n_sas++;
	ctx->n_half_open++;
	return sa;
}

void
sa_established(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	if (ctx->n_half_open > 0)
		ctx->n_half_open--;
	sa->state = S_ESTABLISHED;
}

struct isakmp_policy *
pol(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	return &ctx->cfg.policies[sa->policy];
}

void
ev_base(struct ike_sa *sa, struct isakmp_event *ev, int type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->ike_id = sa->id;
	ev->local = sa->local;
	ev->remote = sa->remote;
	ev->nat_local = sa->nat_local;
	ev->nat_remote = sa->nat_remote;
	ev->p1 = sa->alg.p;
}

void
ev_qm(struct isakmp_ctx *ctx, struct ike_sa *sa, struct qm *q, int type)
{
	struct isakmp_event ev;

	ev_base(sa, &ev, type);
	ev.sa = q->sa;
	if (type != ISAKMP_EV_SA_READY) {
		sodium_memzero(ev.sa.enc_key_in, sizeof(ev.sa.enc_key_in));
		sodium_memzero(ev.sa.enc_key_out, sizeof(ev.sa.enc_key_out));
		sodium_memzero(ev.sa.auth_key_in, sizeof(ev.sa.auth_key_in));
		sodium_memzero(ev.sa.auth_key_out, sizeof(ev.sa.auth_key_out));
	}
	ev_push(ctx, &ev);
	sodium_memzero(&ev, sizeof(ev));
}

/* ---- input dispatch ---------------------------------------------------- */

struct ike_sa *
sa_lookup(struct isakmp_ctx *ctx, const struct msg *m, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	struct ike_sa *sa;
	bool rzero = memcmp(m->rcookie, zero8, 8) == 0;

	for (sa = ctx->sas; sa != NULL; sa = sa->next) {
		if (memcmp(sa->icookie, m->icookie, 8) != 0)
			continue;
		if (rzero) {
			/* A new exchange is keyed by the full outer tuple. */
			if (!sa->initiator && sa->state == S_R_MM2 &&
			    sa->remote.ip == from->ip && sa->remote.port == from->port &&
			    sa->local.ip == to->ip && sa->local.port == to->port)
				return sa;
			continue;
		}
		if (sa->initiator && sa->state == S_I_MM1 && memcmp(sa->rcookie, zero8, 8) == 0)
			return sa;
		if (memcmp(sa->rcookie, m->rcookie, 8) == 0)
			return sa;
	}
	return NULL;
}

int
isakmp_delete(struct isakmp_ctx *ctx, uint64_t now, uint64_t ike_id)
{
	struct ike_sa *sa;

	(void)now;
	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	for (sa = ctx->sas; sa != NULL; sa = sa->next)
		if (sa->id == ike_id) {
			sa_remove(ctx, sa, ISAKMP_EV_SA_DELETED, true);
			return 0;
		}
	return ISAKMP_E_NO_SA;
}

int
isakmp_export_keys(const struct isakmp_ctx *ctx, uint64_t ike_id, uint8_t icookie[8],
    uint8_t *key, size_t cap, size_t *key_len)
{
	const struct ike_sa *sa;

	if (ctx == NULL || icookie == NULL || key == NULL || key_len == NULL)
		return ISAKMP_E_INVAL;
	for (sa = ctx->sas; sa != NULL; sa = sa->next)
		if (sa->id == ike_id) {
			if (sa->alg.keylen == 0)
				return ISAKMP_E_NO_SA;
			if (cap < sa->alg.keylen)
				return ISAKMP_E_BUFFER;
			memcpy(icookie, sa->icookie, 8);
			memcpy(key, sa->enckey, sa->alg.keylen);
			*key_len = sa->alg.keylen;
			return 0;
		}
	return ISAKMP_E_NO_SA;
}
