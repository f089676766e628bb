/*
 * show.c - enumeration for `show`: peers, IKE SAs and IPsec SAs through a
 * cursor over the dense object arrays (O(1) per call).  Info structs never
 * carry keys or secrets.
 */
#include <string.h>

#include "isakmp_int.h"
#include "exchange.h"

bool
isakmp_peer_next(const struct isakmp_ctx *ctx, uint64_t now, size_t *cursor,
    struct isakmp_peer_info *info)
{
	const struct peer *p;

	(void)now;
	if (ctx == NULL || cursor == NULL || info == NULL || *cursor >= ctx->peers.n)
		return false;
	p = ctx->peers.v[(*cursor)++];
	memset(info, 0, sizeof(*info));
	info->id = p->id;
	info->user = p->user;
	info->policy_id = p->pol != NULL ? p->pol->id : 0;
	info->local = p->local;
	info->remote = p->remote;
	if (p->keyed) {
		info->remote_id_type = p->rid_type;
		info->remote_id_len = p->rid_len;
		memcpy(info->remote_id, p->rid, p->rid_len);
	}
	info->nat_local = p->nat_local;
	info->nat_remote = p->nat_remote;
	info->initiator = p->initiator;
	info->created_ns = p->created;
	info->last_heard_ns = p->last_heard;
	info->n_ike = p->n_ike;
	info->n_ipsec = p->n_ipsec;
	return true;
}

static enum isakmp_state
public_state(enum p1state s)
{
	switch (s) {
	case S_I_MM1: return ISAKMP_STATE_I_MM1;
	case S_I_MM3: return ISAKMP_STATE_I_MM3;
	case S_I_MM5: return ISAKMP_STATE_I_MM5;
	case S_R_MM2: return ISAKMP_STATE_R_MM2;
	case S_R_MM4: return ISAKMP_STATE_R_MM4;
	default: return ISAKMP_STATE_ESTABLISHED;
	}
}

bool
isakmp_ike_sa_next(const struct isakmp_ctx *ctx, uint64_t now, size_t *cursor,
    struct isakmp_ike_sa_info *info)
{
	const struct ike_sa *sa;
	const struct peer *p;

	(void)now;
	if (ctx == NULL || cursor == NULL || info == NULL || *cursor >= ctx->ikes.n)
		return false;
	sa = ctx->ikes.v[(*cursor)++];
	p = sa->peer;
	memset(info, 0, sizeof(*info));
	info->id = sa->id;
	info->peer_id = p != NULL ? p->id : 0;
	info->policy_id = sa->pol != NULL ? sa->pol->id : 0;
	info->state = public_state(sa->state);
	info->initiator = sa->initiator;
	memcpy(info->icookie, sa->icookie, 8);
	memcpy(info->rcookie, sa->rcookie, 8);
	info->p1 = sa->alg.p;
	info->local = sa->local;
	info->remote = sa->remote;
	info->nat_local = sa->nat_local;
	info->nat_remote = sa->nat_remote;
	info->created_ns = sa->created;
	info->expires_ns = sa->state == S_ESTABLISHED ? sa->expires : sa->deadline;
	info->rekey_at_ns = sa->p1_rekeyed ? 0 : sa->p1_rekey_at;
	info->replaced_by = sa->replaced_by;
	if (p != NULL && iki_peer_current_ike(p) == sa && p->dpd_due != 0) {
		info->dpd_enabled = true;
		info->dpd_outstanding = p->dpd_outstanding;
	}
	info->dpd_last_heard_ns = p != NULL ? p->last_heard : 0;
	return true;
}

bool
isakmp_ipsec_sa_next(const struct isakmp_ctx *ctx, uint64_t now, size_t *cursor,
    struct isakmp_ipsec_sa_info *info)
{
	const struct ipsec *x;

	(void)now;
	if (ctx == NULL || cursor == NULL || info == NULL || *cursor >= ctx->ipsecs.n)
		return false;
	x = ctx->ipsecs.v[(*cursor)++];
	memset(info, 0, sizeof(*info));
	info->id = x->id;
	info->peer_id = x->peer->id;
	info->user = x->user;
	info->spi_in = x->sa.spi_in;
	info->spi_out = x->sa.spi_out;
	info->enc_alg = x->sa.enc_alg;
	info->enc_key_bits = (uint16_t)(x->sa.enc_key_len * 8);
	info->integ_alg = x->sa.integ_alg;
	info->integ_key_bits = (uint16_t)(x->sa.integ_key_len * 8);
	info->mode = x->sa.mode;
	info->udp_encap = x->sa.udp_encap;
	info->encap = x->sa.encap;
	info->local = x->sa.local;
	info->remote = x->sa.remote;
	info->sel_protocol = x->sa.sel_protocol;
	info->sel_local_port = x->sa.sel_local_port;
	info->sel_remote_port = x->sa.sel_remote_port;
	info->life_s = x->sa.life_s;
	info->hard_bytes = x->sa.hard_bytes;
	info->created_ns = x->created;
	info->expires_ns = x->expires;
	info->rekey_at_ns = x->replaced_by == 0 && !x->rekeying ? x->rekey_at : 0;
	info->replaced_by = x->replaced_by;
	info->initiator = x->sa.initiator;
	return true;
}
