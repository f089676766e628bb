/*
 * policy.c - numbered rules ("add fire policy=main rule=N ..."): their
 * configuration, quotas, live deletion, hit counters, and the first-match
 * search a new connection (and, for encap=ipsec, its reply tuple) goes
 * through.
 */
#include <string.h>

#include "fw_int.h"

/* 0..0 matches any; else lo <= v <= hi (the caller checked lo <= hi). */
static inline bool
in_range16(uint16_t v, uint16_t lo, uint16_t hi)
{
	return (lo == 0 && hi == 0) || (v >= lo && v <= hi);
}

static inline bool
in_range32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return (lo == 0 && hi == 0) || (v >= lo && v <= hi);
}

/*
 * First rule (by number) that matches a new connection; *need_ipsec is set
 * when an encap=ipsec rule would have matched a packet that did not come
 * through IPsec.
 */
struct rule *
fw_rule_match(struct fw_ctx *ctx, const struct pkt *p, uint16_t in_if,
    bool *need_ipsec)
{
	bool ports = p->proto == FW_PROTO_TCP || p->proto == FW_PROTO_UDP;
	uint16_t i;

	*need_ipsec = false;
	for (i = 0; i < ctx->nrules; i++) {
		struct rule *r = &ctx->rules[i];
		const struct fw_rule_cfg *c = &r->c;

		if (!fw_if_matches(ctx, c->if_id, in_if))
			continue;
		if (c->protocol != FW_PROTO_ANY && c->protocol != p->proto)
			continue;
		if (!in_range32(p->k.src, c->remote_min, c->remote_max))
			continue;
		if (c->gbl_ip != 0) {
			if (p->k.dst != c->gbl_ip)
				continue;
			if (ports ? !in_range16(p->k.dport, c->gbl_port_min,
			    c->gbl_port_max) : c->gbl_port_max != 0)
				continue;
		} else {
			if (!in_range32(p->k.dst, c->ip_min, c->ip_max))
				continue;
			if (ports ? !in_range16(p->k.dport, c->port_min,
			    c->port_max) : c->port_max != 0)
				continue;
		}
		if (c->encap_ipsec && p->ipsec == 0) {
			*need_ipsec = true;
			continue;
		}
		return r;
	}
	return NULL;
}

struct rule *
fw_rule_find(const struct fw_ctx *ctx, uint32_t number)
{
	uint16_t lo = 0, hi = ctx->nrules, mid;

	/* ctx->rules is sorted by number (fw_rule_add). */
	while (lo < hi) {
		mid = (uint16_t)(lo + (hi - lo) / 2);
		if (ctx->rules[mid].c.number < number)
			lo = (uint16_t)(mid + 1);
		else
			hi = mid;
	}
	return lo < ctx->nrules && ctx->rules[lo].c.number == number ?
	    &ctx->rules[lo] : NULL;
}

bool
fw_rule_wants_ipsec(struct fw_ctx *ctx, const struct key *k, uint16_t in_if)
{
	struct pkt q;
	struct rule *r;
	bool need;

	memset(&q, 0, sizeof(q));
	q.k = *k;
	q.proto = k->proto;
	q.ipsec = 1; /* as if it had come out of IPsec */
	r = fw_rule_match(ctx, &q, in_if, &need);
	return r != NULL && r->c.action == FW_ALLOW && r->c.encap_ipsec;
}

int
fw_rule_add(struct fw_ctx *ctx, const struct fw_rule_cfg *r)
{
	uint16_t i, pos;
	bool xlat_port;

	if (ctx == NULL || r == NULL || r->size != sizeof(struct fw_rule_cfg))
		return FW_E_INVAL;
	if (r->number == 0 || (r->action != FW_ALLOW && r->action != FW_DENY) ||
	    r->port_min > r->port_max || r->gbl_port_min > r->gbl_port_max ||
	    r->ip_min > r->ip_max || r->remote_min > r->remote_max ||
	    r->if_id == FW_IF_LOCAL || (r->if_id != FW_IF_DYNAMIC &&
	    r->if_id >= ctx->cfg.max_interfaces))
		return FW_E_INVAL;
	/* Reverse NAT translates to one address: no destination range. */
	if (r->gbl_ip != 0 && r->ip_min != r->ip_max)
		return FW_E_INVAL;
	/* Port translation needs single ports on both sides. */
	xlat_port = r->gbl_ip != 0 && r->gbl_port_max != 0 &&
	    r->port_max != 0 && (r->port_min != r->gbl_port_min ||
	    r->port_max != r->gbl_port_max);
	if (xlat_port && (r->port_min != r->port_max ||
	    r->gbl_port_min != r->gbl_port_max))
		return FW_E_INVAL;
	for (i = 0; i < ctx->nrules; i++)
		if (ctx->rules[i].c.number == r->number)
			return FW_E_EXISTS;
	if (ctx->nrules >= ctx->cfg.max_rules)
		return FW_E_LIMIT;
	for (pos = 0; pos < ctx->nrules; pos++)
		if (ctx->rules[pos].c.number > r->number)
			break;
	memmove(&ctx->rules[pos + 1], &ctx->rules[pos],
	    (size_t)(ctx->nrules - pos) * sizeof(struct rule));
	memset(&ctx->rules[pos], 0, sizeof(struct rule));
	ctx->rules[pos].c = *r;
	ctx->rules[pos].quota = r->max_flows != 0 ? r->max_flows :
	    ctx->cfg.max_flows_per_rule;
	ctx->nrules++;
	if (r->action == FW_ALLOW && r->encap_ipsec)
		ctx->nencap++;
	fw_log(ctx, FW_LOG_DEBUG, "fw: rule %u added (%s, interface %u)",
	    r->number, fw_action_name(r->action), r->if_id);
	return 0;
}

int
fw_rule_delete(struct fw_ctx *ctx, uint32_t number)
{
	uint16_t i;

	if (ctx == NULL)
		return FW_E_INVAL;
	for (i = 0; i < ctx->nrules; i++) {
		if (ctx->rules[i].c.number == number) {
			uint32_t fi, n = ctx->rules[i].live;

			if (ctx->rules[i].c.action == FW_ALLOW &&
			    ctx->rules[i].c.encap_ipsec)
				ctx->nencap--;
			memmove(&ctx->rules[i], &ctx->rules[i + 1],
			    (size_t)(ctx->nrules - i - 1) * sizeof(struct rule));
			ctx->nrules--;
			/* Its connections stay but no longer count against a
			 * rule that may take the number later. */
			for (fi = 0; n != 0 && fi < ctx->cfg.max_flows; fi++) {
				struct flow *f = &ctx->flows[fi];

				if ((f->xflags & FX_RULEQ) &&
				    ctx->frule[fi] == number) {
					f->xflags &= (uint8_t)~FX_RULEQ;
					n--;
				}
			}
			fw_log(ctx, FW_LOG_DEBUG, "fw: rule %u deleted",
			    number);
			return 0;
		}
	}
	return FW_E_NOT_FOUND;
}

int
fw_rule_hits(const struct fw_ctx *ctx, uint32_t number, uint64_t *hits)
{
	const struct rule *r;

	if (ctx == NULL || hits == NULL)
		return FW_E_INVAL;
	if ((r = fw_rule_find(ctx, number)) == NULL)
		return FW_E_NOT_FOUND;
	*hits = r->hits;
	return 0;
}
