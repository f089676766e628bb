/*
 * nat.c - NAT definitions ("add fire policy=main nat=..."), the reply tuple
 * of a new connection (enhanced NAT with collision-free port / identifier
 * allocation, standard one-to-one NAT, reverse NAT by rule), the in-place
 * rewriting of packets with RFC 1624 incremental checksums, and the NAT
 * binding enumeration.
 */
#include <string.h>

#include "fw_int.h"

/* The NAT definition for a new connection from in_if to out_if (static NAT
 * of src wins over enhanced NAT), or NULL. */
static const struct fw_nat_cfg *
nat_match(const struct fw_ctx *ctx, uint16_t in_if, uint16_t out_if,
    uint32_t src)
{
	const struct fw_nat_cfg *best = NULL;
	uint16_t i;

	for (i = 0; i < ctx->nnats; i++) {
		const struct fw_nat_cfg *n = &ctx->nats[i];

		if (n->gbl_if != out_if || !fw_if_matches(ctx, n->if_id, in_if))
			continue;
		if (n->type == FW_NAT_STANDARD) {
			if (n->ip == src)
				return n; /* static NAT wins */
		} else if (best == NULL) {
			best = n;
		}
	}
	return best;
}

/*
 * Looks up the flow holding rp->k (rp->h, rp->holder); true if that is none
 * or an expired one, i.e. the tuple is free for a new connection.
 */
static bool
reply_free(struct fw_ctx *ctx, uint64_t now, struct reply *rp)
{
	int d;

	rp->h = fw_hash_key(ctx, &rp->k);
	rp->holder = fw_flow_lookup_h(ctx, &rp->k, rp->h, &d);
	return rp->holder == NULL || rp->holder->expires <= now;
}

/*
 * Enhanced NAT port / identifier allocation: the reply tuple
 * (remote -> gbl:X) must not be in use by any live flow (RFC 4787 REQ-2,
 * address pooling "paired").  The private port is kept when free (port
 * preservation), else the range is scanned from a random point; at most 4096
 * candidates are tried.  The port (or ICMP identifier) is dport of the
 * reply tuple.
 */
static int
nat_alloc(struct fw_ctx *ctx, uint64_t now, struct reply *rp, uint16_t want)
{
	uint32_t lo = ctx->cfg.nat_port_min, hi = ctx->cfg.nat_port_max;
	uint32_t range = hi - lo + 1, start, i, tries;
	uint32_t rnd;

	if (want >= lo && want <= hi) {
		rp->k.dport = want;
		if (reply_free(ctx, now, rp))
			return 0;
	}
	if (ctx->hooks.rng(ctx->hooks.user, &rnd, sizeof(rnd)) != 0)
		return FW_E_RNG;
	start = rnd % range;
	tries = range < 4096 ? range : 4096;
	for (i = 0; i < tries; i++) {
		rp->k.dport = (uint16_t)(lo + (start + i) % range);
		if (reply_free(ctx, now, rp))
			return 0;
	}
	return FW_E_NAT_EXHAUSTED;
}

/*
 * The reply side of a new connection p admitted by rule r (or the policy
 * when r is NULL): the swapped tuple, translated by reverse NAT (r's ip/port
 * differ from its gbl_ip/port) or by the NAT definition for in_if -> out_if;
 * its hash and the flow holding it (the caller refuses a live holder and
 * removes an expired one); FL_NAT / FL_REVERSE.  Returns 0 or the drop
 * reason.
 */
int
fw_nat_setup(struct fw_ctx *ctx, uint64_t now, const struct pkt *p,
    const struct rule *r, uint16_t in_if, uint16_t out_if, uint8_t in_type,
    uint8_t out_type, struct reply *rp)
{
	const struct key *orig = &p->k;
	const struct fw_nat_cfg *n;
	int rc;

	rp->k.src = orig->dst;
	rp->k.dst = orig->src;
	rp->k.sport = orig->dport;
	rp->k.dport = orig->sport;
	rp->k.proto = orig->proto;
	rp->fflags = 0;
	if (r != NULL && r->c.gbl_ip != 0 && ((r->c.ip_min != 0 &&
	    r->c.ip_min != r->c.gbl_ip) || (r->c.port_max != 0 &&
	    r->c.port_min != r->c.gbl_port_min))) {
		/* Reverse NAT / port forwarding (ip_min == ip_max). */
		if (r->c.ip_min != 0)
			rp->k.src = r->c.ip_min;
		if (r->c.port_max != 0 && (p->proto == FW_PROTO_TCP ||
		    p->proto == FW_PROTO_UDP))
			rp->k.sport = r->c.port_min;
		rp->fflags = FL_NAT | FL_REVERSE;
	} else if (in_type != FW_IF_PUBLIC && out_type == FW_IF_PUBLIC &&
	    (n = nat_match(ctx, in_if, out_if, orig->src)) != NULL) {
		rp->k.dst = n->gbl_ip != 0 ? n->gbl_ip :
		    ctx->ifs[n->gbl_if].address;
		if (rp->k.dst == 0)
			return FW_E_NAT_EXHAUSTED;
		if (n->type == FW_NAT_ENHANCED) {
			if (p->proto != FW_PROTO_TCP &&
			    p->proto != FW_PROTO_UDP &&
			    p->proto != FW_PROTO_ICMP)
				return FW_E_UNSUPPORTED;
			if ((rc = nat_alloc(ctx, now, rp, orig->sport)) != 0)
				return rc;
		}
		if (rp->k.dst != orig->src || rp->k.dport != orig->sport)
			rp->fflags = FL_NAT;
		if (n->type == FW_NAT_ENHANCED)
			return 0; /* nat_alloc looked it up */
	}
	(void)reply_free(ctx, now, rp);
	return 0;
}

/* Rewrites the IPv4 addresses of the header, checksum by RFC 1624. */
void
fw_rewrite_ip(uint8_t *ip, uint32_t src, uint32_t dst)
{
	uint16_t c = rd16(ip + 10);

	c = fw_cksum_adj32(c, rd32(ip + 12), src);
	c = fw_cksum_adj32(c, rd32(ip + 16), dst);
	wr32(ip + 12, src);
	wr32(ip + 16, dst);
	wr16(ip + 10, c);
}

/*
 * Rewrites a packet matching t[d] of f to the inverse of t[1 - d]: addresses,
 * ports (or the ICMP identifier) and the checksums covering them.
 */
void
fw_translate(const struct flow *f, int d, struct pkt *p)
{
	int r = 1 - d;
	uint32_t os = rd32(p->ip + 12), od = rd32(p->ip + 16);
	uint32_t ns = f->addr[r][1], nd = f->addr[r][0];
	uint16_t nsp = f->port[r][1], ndp = f->port[r][0];
	uint16_t c, o;
	uint8_t *l4 = p->l4;

	if (p->has_l4) {
		switch (p->proto) {
		case FW_PROTO_TCP:
		case FW_PROTO_UDP:
			if (p->proto == FW_PROTO_UDP) {
				c = rd16(l4 + 6);
				if (c == 0)
					goto ports; /* no UDP checksum */
			} else {
				c = rd16(l4 + 16);
			}
			c = fw_cksum_adj32(c, os, ns);
			c = fw_cksum_adj32(c, od, nd);
			c = fw_cksum_adj16(c, rd16(l4), nsp);
			c = fw_cksum_adj16(c, rd16(l4 + 2), ndp);
			if (p->proto == FW_PROTO_UDP) {
				if (c == 0)
					c = 0xffff;
				wr16(l4 + 6, c);
			} else {
				wr16(l4 + 16, c);
			}
ports:
			wr16(l4, nsp);
			wr16(l4 + 2, ndp);
			break;
		case FW_PROTO_ICMP:
			/* Query: the identifier; ICMP has no pseudo-header. */
			o = rd16(l4 + 4);
			c = fw_icmp_is_request(p->icmp_type) ? nsp : ndp;
			wr16(l4 + 2, fw_cksum_adj16(rd16(l4 + 2), o, c));
			wr16(l4 + 4, c);
			break;
		default:
			break;
		}
	}
	fw_rewrite_ip(p->ip, ns, nd);
}

/* The identity of a NAT definition: what fw_nat_add refuses as EXISTS and
 * fw_nat_delete looks for. */
static bool
nat_same(const struct fw_nat_cfg *a, const struct fw_nat_cfg *b)
{
	return a->type == b->type && a->if_id == b->if_id &&
	    a->gbl_if == b->gbl_if && a->ip == b->ip;
}

int
fw_nat_add(struct fw_ctx *ctx, const struct fw_nat_cfg *ncfg)
{
	uint16_t i;

	if (ctx == NULL || ncfg == NULL ||
	    ncfg->size != sizeof(struct fw_nat_cfg))
		return FW_E_INVAL;
	if ((ncfg->type != FW_NAT_ENHANCED && ncfg->type != FW_NAT_STANDARD) ||
	    ncfg->if_id == FW_IF_LOCAL || ncfg->gbl_if == FW_IF_LOCAL ||
	    ncfg->gbl_if == FW_IF_DYNAMIC ||
	    (ncfg->if_id != FW_IF_DYNAMIC &&
	    ncfg->if_id >= ctx->cfg.max_interfaces) ||
	    ncfg->gbl_if >= ctx->cfg.max_interfaces ||
	    (ncfg->type == FW_NAT_STANDARD && (ncfg->ip == 0 ||
	    ncfg->gbl_ip == 0)))
		return FW_E_INVAL;
	for (i = 0; i < ctx->nnats; i++)
		if (nat_same(&ctx->nats[i], ncfg))
			return FW_E_EXISTS;
	if (ctx->nnats >= ctx->cfg.max_nats)
		return FW_E_LIMIT;
	ctx->nats[ctx->nnats++] = *ncfg;
	fw_log(ctx, FW_LOG_DEBUG, "fw: %s NAT added (interface %u -> %u)",
	    fw_nat_type_name(ncfg->type), ncfg->if_id, ncfg->gbl_if);
	return 0;
}

int
fw_nat_delete(struct fw_ctx *ctx, const struct fw_nat_cfg *ncfg)
{
	uint16_t i;

	if (ctx == NULL || ncfg == NULL ||
	    ncfg->size != sizeof(struct fw_nat_cfg))
		return FW_E_INVAL;
	for (i = 0; i < ctx->nnats; i++) {
		if (nat_same(&ctx->nats[i], ncfg)) {
			/* Order matters (the first enhanced NAT wins). */
			memmove(&ctx->nats[i], &ctx->nats[i + 1],
			    (size_t)(ctx->nnats - i - 1) * sizeof(ctx->nats[0]));
			ctx->nnats--;
			fw_log(ctx, FW_LOG_DEBUG, "fw: %s NAT deleted "
			    "(interface %u -> %u)",
			    fw_nat_type_name(ncfg->type), ncfg->if_id,
			    ncfg->gbl_if);
			return 0;
		}
	}
	return FW_E_NOT_FOUND;
}

bool
fw_nat_binding_next(const struct fw_ctx *ctx, uint64_t now, size_t *cursor,
    struct fw_nat_binding *b)
{
	struct fw_conn_info ci;

	if (b == NULL)
		return false;
	while (fw_conn_next(ctx, now, cursor, &ci)) {
		const struct flow *f = &ctx->flows[*cursor - 1];

		if (!ci.nat)
			continue;
		memset(b, 0, sizeof(*b));
		b->protocol = ci.protocol;
		b->reverse = (f->flags & FL_REVERSE) != 0;
		if (b->reverse) {
			/* orig: remote -> global; reply: private -> remote. */
			b->priv_ip = ci.reply.src;
			b->priv_port = ci.reply.sport;
			b->gbl_ip = ci.orig.dst;
			b->gbl_port = ci.orig.dport;
			b->remote_ip = ci.orig.src;
			b->remote_port = ci.orig.sport;
		} else {
			/* orig: private -> remote; reply: remote -> global. */
			b->priv_ip = ci.orig.src;
			b->priv_port = ci.orig.sport;
			b->gbl_ip = ci.reply.dst;
			b->gbl_port = ci.reply.dport;
			b->remote_ip = ci.reply.src;
			b->remote_port = ci.reply.sport;
		}
		return true;
	}
	return false;
}
