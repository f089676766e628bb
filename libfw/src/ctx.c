/*
 * ctx.c - context, configuration objects (interfaces, NAT definitions,
 * rules), counters, logging and introspection.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_int.h"

#define NS 1000000000ULL

static void *
mem_alloc(const struct fw_hooks *h, size_t n)
{
	if (h->alloc != NULL)
		return h->alloc(h->user, n);
	return calloc(1, n);
}

static void
mem_free(const struct fw_hooks *h, void *p)
{
	if (p == NULL)
		return;
	if (h->free != NULL)
		h->free(h->user, p);
	else
		free(p);
}

void
fw_log(struct fw_ctx *ctx, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (ctx->hooks.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->hooks.log(ctx->hooks.user, level, buf);
}

/* A drop log line, at most log_burst per sweep interval. */
void
fw_logdrop(struct fw_ctx *ctx, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (ctx->log_budget == 0) {
		ctx->st.log_suppressed++;
		return;
	}
	ctx->log_budget--;
	if (ctx->hooks.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->hooks.log(ctx->hooks.user, FW_LOG_INFO, buf);
}

const char *
fw_strerror(int err)
{
	switch (err) {
	case FW_OK: return "ok";
	case FW_E_INVAL: return "invalid argument";
	case FW_E_NOMEM: return "out of memory";
	case FW_E_EXISTS: return "already exists";
	case FW_E_NOT_FOUND: return "not found";
	case FW_E_LIMIT: return "configured limit reached";
	case FW_E_RNG: return "random generator failed";
	case FW_E_TRUNCATED: return "truncated packet";
	case FW_E_BAD_VERSION: return "not IPv4";
	case FW_E_BAD_IHL: return "IPv4 header length below 5";
	case FW_E_BAD_LENGTH: return "IPv4 total length inconsistent";
	case FW_E_BAD_CHECKSUM: return "bad IPv4 header checksum";
	case FW_E_IP_OPTIONS: return "IPv4 options present";
	case FW_E_BAD_TCP_OFFSET: return "bad TCP data offset";
	case FW_E_TCP_FLAGS: return "invalid TCP flags";
	case FW_E_ICMP_BAD_INNER: return "ICMP error with malformed inner packet";
	case FW_E_FRAG_OVERLAP: return "overlapping fragment";
	case FW_E_FRAG_NO_FIRST: return "fragment without first fragment";
	case FW_E_FRAG_TINY: return "first fragment too short";
	case FW_E_BAD_ADDRESS: return "bad source address";
	case FW_E_BAD_IF: return "unknown interface";
	case FW_E_POLICY: return "denied by policy";
	case FW_E_RULE_DENY: return "denied by rule";
	case FW_E_NEED_IPSEC: return "rule requires IPsec";
	case FW_E_TCP_NO_SYN: return "new TCP connection without SYN";
	case FW_E_TCP_STATE: return "TCP segment invalid in state";
	case FW_E_ICMP_NO_FLOW: return "ICMP error for unknown connection";
	case FW_E_TABLE_FULL: return "connection table full";
	case FW_E_NAT_EXHAUSTED: return "no free NAT port";
	case FW_E_FRAG_TABLE_FULL: return "fragment table full";
	case FW_E_UNSUPPORTED: return "unsupported protocol";
	default: return "unknown error";
	}
}

static uint64_t
pow2_at_least(uint64_t n)
{
	uint64_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

int
fw_ctx_new(struct fw_ctx **out, const struct fw_config *cfg,
    const struct fw_hooks *hooks)
{
	struct fw_ctx *ctx;
	struct fw_config c;
	uint64_t key[2], nidx;
	uint32_t i;

	if (out == NULL || hooks == NULL || hooks->rng == NULL)
		return FW_E_INVAL;
	*out = NULL;
	memset(&c, 0, sizeof(c));
	if (cfg != NULL) {
		if (cfg->size < offsetof(struct fw_config, max_flows) ||
		    cfg->size > sizeof(c))
			return FW_E_INVAL;
		memcpy(&c, cfg, cfg->size);
	}
	c.size = sizeof(c);
#define DEF(f, v) do { if (c.f == 0) c.f = (v); } while (0)
	DEF(max_flows, 65536);
	DEF(max_interfaces, 256);
	DEF(max_rules, 256);
	DEF(max_nats, 32);
	DEF(max_frags, 1024);
	DEF(nat_port_min, 1024);
	DEF(nat_port_max, 65535);
	DEF(tcp_syn_timeout, 120 * NS);
	DEF(tcp_est_timeout, 7440 * NS);
	DEF(tcp_fin_timeout, 120 * NS);
	DEF(tcp_rst_timeout, 10 * NS);
	DEF(udp_timeout, 30 * NS);
	DEF(udp_stream_timeout, 180 * NS);
	DEF(icmp_timeout, 30 * NS);
	DEF(frag_timeout, 30 * NS);
	DEF(sweep_interval, 1 * NS);
	DEF(log_burst, 10);
#undef DEF
	if (c.max_flows > (1u << 28) || c.nat_port_min > c.nat_port_max ||
	    c.max_interfaces < 2)
		return FW_E_INVAL;

	ctx = mem_alloc(hooks, sizeof(*ctx));
	if (ctx == NULL)
		return FW_E_NOMEM;
	ctx->hooks = *hooks;
	ctx->cfg = c;
	if (hooks->rng(hooks->user, key, sizeof(key)) != 0) {
		mem_free(hooks, ctx);
		return FW_E_RNG;
	}
	ctx->k0 = key[0];
	ctx->k1 = key[1];
	ctx->flow_mem = mem_alloc(hooks, (size_t)c.max_flows *
	    sizeof(struct flow) + 64);
	nidx = pow2_at_least((uint64_t)c.max_flows * 4);
	ctx->idx_mask = nidx - 1;
	ctx->idx = mem_alloc(hooks, (size_t)nidx * sizeof(uint64_t));
	ctx->frag_mask = (uint32_t)pow2_at_least(c.max_frags) - 1;
	ctx->frags = mem_alloc(hooks, ((size_t)ctx->frag_mask + 1) *
	    sizeof(struct frag));
	ctx->ifs = mem_alloc(hooks, (size_t)c.max_interfaces *
	    sizeof(struct ifent));
	ctx->rules = mem_alloc(hooks, (size_t)c.max_rules *
	    sizeof(struct rule));
	ctx->nats = mem_alloc(hooks, (size_t)c.max_nats *
	    sizeof(struct fw_nat_cfg));
	if (ctx->flow_mem == NULL || ctx->idx == NULL || ctx->frags == NULL ||
	    ctx->ifs == NULL || ctx->rules == NULL || ctx->nats == NULL) {
		fw_ctx_free(ctx);
		return FW_E_NOMEM;
	}
	ctx->flows = (struct flow *)(((uintptr_t)ctx->flow_mem + 63) &
	    ~(uintptr_t)63);
	for (i = 0; i < c.max_flows; i++)
		ctx->flows[i].next_free = (i + 1 < c.max_flows) ? i + 2 : 0;
	ctx->free_head = 1;
	/* The gateway itself: traffic from it is treated as private. */
	ctx->ifs[FW_IF_LOCAL].used = true;
	ctx->ifs[FW_IF_LOCAL].type = FW_IF_PRIVATE;
	ctx->next_sweep = UINT64_MAX;
	ctx->log_budget = c.log_burst;
	fw_log(ctx, FW_LOG_DEBUG, "fw: context with %u flows, %llu index slots",
	    c.max_flows, (unsigned long long)nidx);
	*out = ctx;
	return 0;
}

void
fw_ctx_free(struct fw_ctx *ctx)
{
	struct fw_hooks h;

	if (ctx == NULL)
		return;
	h = ctx->hooks;
	mem_free(&h, ctx->flow_mem);
	mem_free(&h, ctx->idx);
	mem_free(&h, ctx->frags);
	mem_free(&h, ctx->ifs);
	mem_free(&h, ctx->rules);
	mem_free(&h, ctx->nats);
	mem_free(&h, ctx);
}

const struct ifent *
fw_if_get(const struct fw_ctx *ctx, uint16_t id)
{
	if (id >= ctx->cfg.max_interfaces || !ctx->ifs[id].used)
		return NULL;
	return &ctx->ifs[id];
}

int
fw_interface_add(struct fw_ctx *ctx, const struct fw_interface_cfg *icfg)
{
	struct ifent *e;

	if (ctx == NULL || icfg == NULL ||
	    icfg->size != sizeof(struct fw_interface_cfg))
		return FW_E_INVAL;
	if (icfg->id == FW_IF_DYNAMIC) {
		if (icfg->dynamic || (icfg->type != FW_IF_PRIVATE &&
		    icfg->type != FW_IF_PUBLIC))
			return FW_E_INVAL;
		if (ctx->dyn_type != 0)
			return FW_E_EXISTS;
		ctx->dyn_type = (uint8_t)icfg->type;
		return 0;
	}
	if (icfg->id == FW_IF_LOCAL || icfg->id >= ctx->cfg.max_interfaces)
		return FW_E_INVAL;
	if (!icfg->dynamic && icfg->type != FW_IF_PRIVATE &&
	    icfg->type != FW_IF_PUBLIC)
		return FW_E_INVAL;
	if (icfg->dynamic && ctx->dyn_type == 0)
		return FW_E_NOT_FOUND;
	e = &ctx->ifs[icfg->id];
	if (e->used)
		return FW_E_EXISTS;
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->dynamic = icfg->dynamic;
	e->type = icfg->dynamic ? 0 : (uint8_t)icfg->type;
	e->address = icfg->address;
	fw_log(ctx, FW_LOG_DEBUG, "fw: interface %u added (%s%s)", icfg->id,
	    icfg->dynamic ? "dynamic " : "",
	    fw_if_type(ctx, icfg->id) == FW_IF_PUBLIC ? "public" : "private");
	return 0;
}

int
fw_interface_remove(struct fw_ctx *ctx, uint16_t id)
{
	uint32_t i, n = 0;

	if (ctx == NULL)
		return FW_E_INVAL;
	if (id == FW_IF_LOCAL || fw_if_get(ctx, id) == NULL)
		return FW_E_NOT_FOUND;
	for (i = 0; i < ctx->cfg.max_flows; i++) {
		struct flow *f = &ctx->flows[i];

		if ((f->flags & FL_USED) && (f->in_if == id ||
		    f->out_if == id)) {
			fw_flow_remove(ctx, f);
			n++;
		}
	}
	ctx->st.flows_removed += n;
	memset(&ctx->ifs[id], 0, sizeof(ctx->ifs[id]));
	fw_log(ctx, FW_LOG_INFO, "fw: interface %u removed with %u connections",
	    id, n);
	return 0;
}

int
fw_interface_set_address(struct fw_ctx *ctx, uint16_t id, uint32_t address)
{
	if (ctx == NULL)
		return FW_E_INVAL;
	if (id == FW_IF_LOCAL || fw_if_get(ctx, id) == NULL)
		return FW_E_NOT_FOUND;
	ctx->ifs[id].address = address;
	return 0;
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
	for (i = 0; i < ctx->nnats; i++) {
		const struct fw_nat_cfg *n = &ctx->nats[i];

		if (n->type == ncfg->type && n->if_id == ncfg->if_id &&
		    n->gbl_if == ncfg->gbl_if && n->ip == ncfg->ip)
			return FW_E_EXISTS;
	}
	if (ctx->nnats >= ctx->cfg.max_nats)
		return FW_E_LIMIT;
	ctx->nats[ctx->nnats++] = *ncfg;
	return 0;
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
	    r->if_id == FW_IF_LOCAL || (r->if_id != FW_IF_DYNAMIC &&
	    r->if_id >= ctx->cfg.max_interfaces))
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
	ctx->nrules++;
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
			memmove(&ctx->rules[i], &ctx->rules[i + 1],
			    (size_t)(ctx->nrules - i - 1) * sizeof(struct rule));
			ctx->nrules--;
			return 0;
		}
	}
	return FW_E_NOT_FOUND;
}

uint64_t
fw_next_timeout(const struct fw_ctx *ctx)
{
	if (ctx == NULL || (ctx->st.flows_active == 0 && ctx->frags_live == 0))
		return UINT64_MAX;
	return ctx->next_sweep;
}

int
fw_handle_timeout(struct fw_ctx *ctx, uint64_t now)
{
	int n;

	if (ctx == NULL)
		return FW_E_INVAL;
	n = fw_sweep(ctx, now);
	ctx->log_budget = ctx->cfg.log_burst;
	ctx->next_sweep = (ctx->st.flows_active || ctx->frags_live) ?
	    now + ctx->cfg.sweep_interval : UINT64_MAX;
	if (n > 0)
		fw_log(ctx, FW_LOG_DEBUG, "fw: %d connections expired", n);
	return n;
}

static void
fill_tuple(struct fw_tuple *t, const struct flow *f, int d)
{
	t->src = f->addr[d][0];
	t->dst = f->addr[d][1];
	t->sport = f->port[d][0];
	t->dport = f->port[d][1];
}

bool
fw_conn_next(const struct fw_ctx *ctx, uint64_t now, size_t *cursor,
    struct fw_conn_info *info)
{
	if (ctx == NULL || cursor == NULL || info == NULL)
		return false;
	while (*cursor < ctx->cfg.max_flows) {
		const struct flow *f = &ctx->flows[(*cursor)++];

		if (!(f->flags & FL_USED) || f->expires <= now)
			continue;
		memset(info, 0, sizeof(*info));
		info->protocol = f->proto;
		info->tcp_state = (enum fw_tcp_state)f->state;
		info->replied = (f->flags & FL_REPLIED) != 0;
		info->nat = (f->flags & FL_NAT) != 0;
		info->in_if = f->in_if;
		info->out_if = f->out_if;
		info->rule = f->rule;
		fill_tuple(&info->orig, f, 0);
		fill_tuple(&info->reply, f, 1);
		info->expires = f->expires;
		info->packets[0] = f->packets[0];
		info->packets[1] = f->packets[1];
		return true;
	}
	return false;
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

int
fw_stats_get(const struct fw_ctx *ctx, struct fw_stats *st)
{
	if (ctx == NULL || st == NULL)
		return FW_E_INVAL;
	*st = ctx->st;
	return 0;
}

int
fw_interface_stats(const struct fw_ctx *ctx, uint16_t id,
    struct fw_if_stats *st)
{
	const struct ifent *e;

	if (ctx == NULL || st == NULL)
		return FW_E_INVAL;
	if ((e = fw_if_get(ctx, id)) == NULL)
		return FW_E_NOT_FOUND;
	*st = e->st;
	return 0;
}

int
fw_rule_hits(const struct fw_ctx *ctx, uint32_t number, uint64_t *hits)
{
	uint16_t i;

	if (ctx == NULL || hits == NULL)
		return FW_E_INVAL;
	for (i = 0; i < ctx->nrules; i++) {
		if (ctx->rules[i].c.number == number) {
			*hits = ctx->rules[i].hits;
			return 0;
		}
	}
	return FW_E_NOT_FOUND;
}

size_t
fw_bytes_per_flow(const struct fw_ctx *ctx)
{
	if (ctx == NULL)
		return 0;
	return sizeof(struct flow) + (size_t)((ctx->idx_mask + 1) *
	    sizeof(uint64_t) / ctx->cfg.max_flows);
}
