/*
 * policy.c - live policies: added and deleted at any time, tried in order of
 * addition, referenced by the IKE SAs and peers that use them (a deleted
 * policy stays alive, unlinked, until its last user goes; its PSK is wiped
 * when it is freed).
 */
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

void
iki_pol_ref(struct pol *p)
{
	if (p != NULL)
		p->refs++;
}

static void
pol_free(struct isakmp_ctx *ctx, struct pol *p)
{
	sodium_memzero(p, sizeof(*p));
	iki_ik_free(ctx, p);
}

void
iki_pol_unref(struct isakmp_ctx *ctx, struct pol *p)
{
	if (p == NULL)
		return;
	if (p->refs > 0)
		p->refs--;
	if (p->refs == 0 && !p->linked)
		pol_free(ctx, p);
}

struct pol *
iki_pol_by_id(const struct isakmp_ctx *ctx, uint32_t id)
{
	struct pol *p;

	for (p = ctx->pols; p != NULL; p = p->next)
		if (p->id == id)
			return p;
	return NULL;
}

/* The first linked policy, in order of addition, for a peer address. */
struct pol *
iki_pol_for_peer(const struct isakmp_ctx *ctx, uint32_t ip)
{
	struct pol *p;

	for (p = ctx->pols; p != NULL; p = p->next)
		if (p->p.peer_ip == 0 || p->p.peer_ip == ip)
			return p;
	return NULL;
}

static bool
proposals_ok(const struct isakmp_policy *p)
{
	size_t i;

	for (i = 0; i < p->n_p2; i++)
		if (p->p2[i].integ == ISAKMP_INTEG_HMAC_SHA256_96)
			return false;  /* local value: sha256_96 is a policy flag */
	return true;
}

int
isakmp_policy_add(struct isakmp_ctx *ctx, const struct isakmp_policy *pol, uint32_t *policy_id)
{
	struct pol *p;
	int rc;

	if (ctx == NULL || pol == NULL || policy_id == NULL || pol->size != sizeof(*pol) ||
	    pol->psk_len == 0 || pol->psk_len > ISAKMP_MAX_PSK || pol->n_p1 == 0 ||
	    pol->n_p1 > ISAKMP_MAX_P1_PROPS || pol->n_p2 == 0 ||
	    pol->n_p2 > ISAKMP_MAX_P2_PROPS || pol->peer_id_len > ISAKMP_MAX_ID ||
	    (pol->mode != 0 && pol->mode != ISAKMP_MODE_TRANSPORT &&
	    pol->mode != ISAKMP_MODE_TUNNEL) || !proposals_ok(pol))
		return ISAKMP_E_INVAL;
	if (ctx->n_pols >= ctx->cfg.max_policies) {
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "policy limit %u reached", ctx->cfg.max_policies);
		return ISAKMP_E_LIMIT;
	}
	if (pol->allow_des && (rc = iki_ikc_load_legacy(ctx)) != 0) {
		iki_ik_log(ctx, ISAKMP_LOG_ERROR, "allow_des: OpenSSL's legacy provider did not load");
		return rc;
	}
	if ((p = iki_ik_alloc(ctx, sizeof(*p))) == NULL)
		return ISAKMP_E_NOMEM;
	p->p = *pol;
	if (p->p.local_port == 0)
		p->p.local_port = 1701;
	if (p->p.protocol == 0)
		p->p.protocol = 17;
	if (p->p.mode == 0)
		p->p.mode = ISAKMP_MODE_TRANSPORT;
	if (p->p.dpd_interval_ns != 0 && p->p.dpd_timeout_ns == 0)
		p->p.dpd_timeout_ns = 3 * p->p.dpd_interval_ns;
	if (p->p.natt_keepalive_ns == 0)
		p->p.natt_keepalive_ns = 20 * NS;
	if (++ctx->next_pol_id == 0)
		ctx->next_pol_id = 1;
	p->id = ctx->next_pol_id;
	p->linked = true;
	if (ctx->pols_tail != NULL)
		ctx->pols_tail->next = p;
	else
		ctx->pols = p;
	ctx->pols_tail = p;
	ctx->n_pols++;
	*policy_id = p->id;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "policy %u added (peer %u.%u.%u.%u, %zu/%zu proposals)",
	    p->id, p->p.peer_ip >> 24, (p->p.peer_ip >> 16) & 255, (p->p.peer_ip >> 8) & 255,
	    p->p.peer_ip & 255, p->p.n_p1, p->p.n_p2);
	return 0;
}

int
isakmp_policy_delete(struct isakmp_ctx *ctx, uint32_t policy_id)
{
	struct pol **pp, *p, *prev = NULL;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	for (pp = &ctx->pols; (p = *pp) != NULL; prev = p, pp = &p->next)
		if (p->id == policy_id)
			break;
	if (p == NULL)
		return ISAKMP_E_NOT_FOUND;
	*pp = p->next;
	if (ctx->pols_tail == p)
		ctx->pols_tail = prev;
	p->next = NULL;
	p->linked = false;
	ctx->n_pols--;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "policy %u deleted (%u users keep it)", p->id, p->refs);
	if (p->refs == 0)
		pol_free(ctx, p);
	return 0;
}

/* ctx_free: every policy, linked or kept alive by a reference. */
void
iki_pol_free_all(struct isakmp_ctx *ctx)
{
	struct pol *p, *nx;

	for (p = ctx->pols; p != NULL; p = nx) {
		nx = p->next;
		pol_free(ctx, p);
	}
	ctx->pols = ctx->pols_tail = NULL;
	ctx->n_pols = 0;
}
