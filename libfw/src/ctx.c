/*
 * ctx.c - the context (configuration, allocation, wiping), logging, names
 * of codes and enums, timers, counters and the connection enumeration.
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

/* A drop log line may be emitted: at most log_burst per sweep interval. */
bool
fw_logdrop_budget(struct fw_ctx *ctx)
{
	if (ctx->log_budget == 0) {
		ctx->st.log_suppressed++;
		return false;
	}
	ctx->log_budget--;
	return ctx->hooks.log != NULL;
}

const char *
fw_ipstr(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	return buf;
}

const char *
fw_strerror(int err)
{
	switch (err) {
	case FW_OK: return "ok";
	case FW_E_INVAL: return "invalid argument";
	case FW_E_NOMEM: return "out of memory";
	case FW_E_RNG: return "random generator failed";
	case FW_E_CRYPTO: return "crypto library failed";
	case FW_E_BUFFER: return "buffer too small";
	case FW_E_AGAIN: return "nothing to return";
	case FW_E_LIMIT: return "configured limit reached";
	case FW_E_STATE: return "not valid in this state";
	case FW_E_EXISTS: return "already exists";
	case FW_E_NOT_FOUND: return "not found";
	case FW_E_TRUNCATED: return "truncated packet";
	case FW_E_BAD_LENGTH: return "IPv4 total length inconsistent";
	case FW_E_VERSION: return "not IPv4";
	case FW_E_DUPLICATE: return "duplicate";
	case FW_E_QUEUE_FULL: return "queue full";
	case FW_E_BAD_IHL: return "IPv4 header length below 5";
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
	case FW_E_SPOOFED: return "spoofed source address";
	case FW_E_POLICY: return "denied by policy";
	case FW_E_RULE_DENY: return "denied by rule";
	case FW_E_NEED_IPSEC: return "rule requires IPsec";
	case FW_E_IPSEC_MISMATCH: return "connection belongs to another IPsec peer";
	case FW_E_TCP_NO_SYN: return "new TCP connection without SYN";
	case FW_E_TCP_STATE: return "TCP segment invalid in state";
	case FW_E_ICMP_NO_FLOW: return "ICMP error for unknown connection";
	case FW_E_TABLE_FULL: return "connection table full";
	case FW_E_NAT_EXHAUSTED: return "no free NAT port";
	case FW_E_FRAG_TABLE_FULL: return "fragment table full";
	case FW_E_UNSUPPORTED: return "unsupported protocol";
	case FW_E_TCP_WINDOW: return "TCP sequence outside the window";
	case FW_E_WRONG_IF: return "connection belongs to another interface";
	case FW_E_SOURCE_QUOTA: return "source over its connection quota";
	case FW_E_RULE_QUOTA: return "rule over its connection quota";
	case FW_E_FRAG_QUOTA: return "source over its fragment quota";
	case FW_E_ICMP_REDIRECT: return "ICMP redirect from a public interface";
	case FW_E_ICMP_SOURCE_QUENCH:
		return "ICMP source quench from a public interface";
	default: return "unknown error";
	}
}

const char *
fw_tcp_state_name(enum fw_tcp_state state)
{
	switch (state) {
	case FW_TCP_NONE: return "none";
	case FW_TCP_SYN_SENT: return "syn-sent";
	case FW_TCP_SYN_RECV: return "syn-recv";
	case FW_TCP_ESTABLISHED: return "established";
	case FW_TCP_FIN_WAIT: return "fin-wait";
	case FW_TCP_TIME_WAIT: return "time-wait";
	case FW_TCP_CLOSED: return "closed";
	default: return "unknown";
	}
}

const char *
fw_if_type_name(enum fw_if_type type)
{
	switch (type) {
	case FW_IF_PRIVATE: return "private";
	case FW_IF_PUBLIC: return "public";
	default: return "unknown";
	}
}

const char *
fw_nat_type_name(enum fw_nat_type type)
{
	switch (type) {
	case FW_NAT_ENHANCED: return "enhanced";
	case FW_NAT_STANDARD: return "standard";
	default: return "unknown";
	}
}

const char *
fw_action_name(enum fw_action action)
{
	switch (action) {
	case FW_ALLOW: return "allow";
	case FW_DENY: return "deny";
	default: return "unknown";
	}
}

const char *
fw_verdict_name(enum fw_verdict_action action)
{
	switch (action) {
	case FW_VERDICT_PASS: return "pass";
	case FW_VERDICT_DROP: return "drop";
	default: return "unknown";
	}
}

static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
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
	uint32_t i, nsrc;

	if (out == NULL || hooks == NULL || hooks->rng == NULL)
		return FW_E_INVAL;
	*out = NULL;
	memset(&c, 0, sizeof(c));
	if (cfg != NULL) {
		if (cfg->size != sizeof(c))
			return FW_E_INVAL;
		c = *cfg;
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
	DEF(tcp_syn_timeout_ns, 120 * NS);
	DEF(tcp_est_timeout_ns, 7440 * NS);
	DEF(tcp_fin_timeout_ns, 120 * NS);
	DEF(tcp_rst_timeout_ns, 10 * NS);
	DEF(udp_timeout_ns, 30 * NS);
	DEF(udp_stream_timeout_ns, 180 * NS);
	DEF(icmp_timeout_ns, 30 * NS);
	DEF(frag_timeout_ns, 30 * NS);
	DEF(sweep_interval_ns, 1 * NS);
	DEF(log_burst, 10);
	DEF(max_flows_per_source, c.max_flows / 64 > 16 ? c.max_flows / 64 : 16);
	DEF(max_flows_per_rule, c.max_flows / 4 > 16 ? c.max_flows / 4 : 16);
	DEF(max_frags_per_source, c.max_frags / 16 > 4 ?
	    (uint16_t)(c.max_frags / 16) : 4);
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
	/* The colder tables after the hot ones (an allocator handing out huge
	 * pages while they last serves the flows and the index first). */
	ctx->ftag = mem_alloc(hooks, (size_t)c.max_flows * sizeof(uint64_t));
	ctx->frule = mem_alloc(hooks, (size_t)c.max_flows * sizeof(uint32_t));
	/* Source tables: more slots than live entries can ever be (one per
	 * counted flow / tracker), load <= 2/3. */
	nsrc = c.max_flows + c.max_flows / 2 + 64;
	ctx->srcq.e = mem_alloc(hooks, (size_t)nsrc * sizeof(struct srcent));
	ctx->srcq.size = nsrc;
	ctx->frag_mask = (uint32_t)pow2_at_least(c.max_frags) - 1;
	ctx->frags = mem_alloc(hooks, ((size_t)ctx->frag_mask + 1) *
	    sizeof(struct frag));
	nsrc = ctx->frag_mask + 1 + (ctx->frag_mask + 1) / 2 + 64;
	ctx->fragq.e = mem_alloc(hooks, (size_t)nsrc * sizeof(struct srcent));
	ctx->fragq.size = nsrc;
	ctx->ifs = mem_alloc(hooks, (size_t)c.max_interfaces *
	    sizeof(struct ifent));
	ctx->rules = mem_alloc(hooks, (size_t)c.max_rules *
	    sizeof(struct rule));
	ctx->nats = mem_alloc(hooks, (size_t)c.max_nats *
	    sizeof(struct fw_nat_cfg));
	if (ctx->flow_mem == NULL || ctx->idx == NULL || ctx->frags == NULL ||
	    ctx->ifs == NULL || ctx->rules == NULL || ctx->nats == NULL ||
	    ctx->ftag == NULL || ctx->frule == NULL || ctx->srcq.e == NULL ||
	    ctx->fragq.e == NULL) {
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
	mem_free(&h, ctx->ftag);
	mem_free(&h, ctx->frule);
	mem_free(&h, ctx->srcq.e);
	mem_free(&h, ctx->fragq.e);
	mem_free(&h, ctx->idx);
	mem_free(&h, ctx->frags);
	mem_free(&h, ctx->ifs);
	mem_free(&h, ctx->rules);
	mem_free(&h, ctx->nats);
	/* The SipHash key keeps the flow table's collisions unpredictable:
	 * wipe it (libfw links no crypto library, hence the volatile loop). */
	wipe(ctx, sizeof(*ctx));
	mem_free(&h, ctx);
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
	    now + ctx->cfg.sweep_interval_ns : UINT64_MAX;
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
		info->rule = ctx->frule[*cursor - 1];
		fill_tuple(&info->orig, f, 0);
		fill_tuple(&info->reply, f, 1);
		if (f->flags & (FL_IPSEC | FL_IPSEC_R))
			info->ipsec = ctx->ftag[*cursor - 1];
		info->confirmed = (f->flags & FL_ASSURED) != 0;
		info->ipsec_reply = (f->flags & FL_IPSEC_R) != 0;
		info->expires_ns = f->expires;
		info->packets[0] = f->packets[0];
		info->packets[1] = f->packets[1];
		return true;
	}
	return false;
}

void
fw_get_stats(const struct fw_ctx *ctx, struct fw_stats *out)
{
	if (out == NULL)
		return;
	if (ctx == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = ctx->st;
}

size_t
fw_bytes_per_flow(const struct fw_ctx *ctx)
{
	if (ctx == NULL)
		return 0;
	return sizeof(struct flow) + sizeof(uint64_t) + sizeof(uint32_t) +
	    (size_t)((ctx->idx_mask + 1) * sizeof(uint64_t) /
	    ctx->cfg.max_flows) + (size_t)ctx->srcq.size *
	    sizeof(struct srcent) / ctx->cfg.max_flows;
}
