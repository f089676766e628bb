/*
 * quota.c - defences against table exhaustion (fw.h, "Untrusted origins
 * and the table"): counters by source address for the per-source quotas of
 * connections and fragment trackers, the release of a connection's counts,
 * and the eviction of unconfirmed connections under pressure.
 *
 * A source table is open addressing over an array of any size (the hash is
 * reduced by multiply-shift, so it needs no power of two), with linear
 * probing and backward-shift deletion.  It is sized at creation for more
 * entries than can ever be live (every live entry stands for a counted flow
 * or tracker), so an insertion always finds room, and it is keyed with the
 * context's SipHash key, so a spoofed flood cannot aim at one chain.
 */
#include "fw_int.h"

static inline uint32_t
home(const struct fw_ctx *ctx, const struct srctab *t, uint32_t addr)
{
	struct key k = { .src = addr, .proto = 0xff };

	return (uint32_t)(((fw_hash_key(ctx, &k) >> 32) * t->size) >> 32);
}

/* The slot holding addr, or the empty slot ending its probe sequence. */
static uint32_t
find(const struct fw_ctx *ctx, const struct srctab *t, uint32_t addr)
{
	uint32_t i = home(ctx, t, addr), n;

	for (n = 0; n < t->size; n++) {
		if (t->e[i].addr == addr || t->e[i].addr == 0)
			return i;
		i = i + 1 == t->size ? 0 : i + 1;
	}
	return UINT32_MAX; /* full (cannot happen: sized for the worst) */
}

uint32_t
fw_srctab_get(const struct fw_ctx *ctx, const struct srctab *t, uint32_t addr)
{
	uint32_t i = find(ctx, t, addr);

	return i != UINT32_MAX && t->e[i].addr == addr ? t->e[i].n : 0;
}

bool
fw_srctab_inc(const struct fw_ctx *ctx, struct srctab *t, uint32_t addr)
{
	uint32_t i = find(ctx, t, addr);

	if (i == UINT32_MAX || addr == 0)
		return false;
	t->e[i].addr = addr;
	t->e[i].n++;
	return true;
}

void
fw_srctab_dec(const struct fw_ctx *ctx, struct srctab *t, uint32_t addr)
{
	uint32_t i = find(ctx, t, addr), j, h;

	if (i == UINT32_MAX || t->e[i].addr != addr)
		return; /* not counted (cannot happen) */
	if (--t->e[i].n != 0)
		return;
	/* Backward shift: pull later entries of the cluster whose home is
	 * not cyclically in (i, j] into the hole. */
	j = i;
	for (;;) {
		j = j + 1 == t->size ? 0 : j + 1;
		if (t->e[j].addr == 0)
			break;
		h = home(ctx, t, t->e[j].addr);
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			t->e[i] = t->e[j];
			i = j;
		}
	}
	t->e[i].addr = 0;
	t->e[i].n = 0;
}

void
fw_quota_release(struct fw_ctx *ctx, struct flow *f)
{
	struct rule *r;

	if (f->xflags & FX_SRCQ)
		fw_srctab_dec(ctx, &ctx->srcq, fw_quota_key(ctx, f->addr[0][0],
		    (f->flags & FL_IPSEC) ? ctx->ftag[f - ctx->flows] : 0));
	if ((f->xflags & FX_RULEQ) &&
	    (r = fw_rule_find(ctx, ctx->frule[f - ctx->flows])) != NULL &&
	    r->live > 0)
		r->live--;
	f->xflags &= (uint8_t)~(FX_SRCQ | FX_RULEQ);
}

/* A live connection that may be evicted under pressure: not confirmed, or
 * a TCP connection already reset or in time-wait. */
static inline bool
evictable(const struct flow *f)
{
	return !(f->flags & FL_ASSURED) || (f->proto == FW_PROTO_TCP &&
	    (f->state == FW_TCP_CLOSED || f->state == FW_TCP_TIME_WAIT));
}

/* How many flows after the clock hand one eviction looks at. */
#define EVICT_SCAN 64

/*
 * Frees a slot (r == NULL: the table is full) or a place in rule r's quota
 * for a new connection opened with trust: among the EVICT_SCAN flows after
 * the clock hand (with r, only those counted for r), the first expired one,
 * else the first evictable one of the least trusted origin found that is
 * not more trusted than the newcomer.  Connections opened from private
 * interfaces or the gateway are never evicted alive.  The hand moves on, so successive
 * evictions go round the table (the oldest first, roughly).  Returns true
 * when a flow was removed.
 */
bool
fw_evict(struct fw_ctx *ctx, uint64_t now, unsigned trust,
    const struct rule *r)
{
	struct flow *best = NULL;
	unsigned best_t = TRUST_PRIVATE + 1, ft;
	uint32_t n, fi;
	char a[16];

	for (n = 0; n < EVICT_SCAN; n++) {
		fi = ctx->hand;
		ctx->hand = fi + 1 == ctx->cfg.max_flows ? 0 : fi + 1;
		struct flow *f = &ctx->flows[fi];

		if (!(f->flags & FL_USED))
			continue;
		if (r != NULL && (!(f->xflags & FX_RULEQ) ||
		    ctx->frule[fi] != r->c.number))
			continue;
		if (f->expires <= now) {
			fw_flow_remove(ctx, f);
			ctx->st.flows_evicted++;
			return true;
		}
		if (!evictable(f))
			continue;
		ft = (f->xflags & FX_TRUST) >> FX_TRUST_SHIFT;
		if (ft == TRUST_PRIVATE || ft > trust || ft >= best_t)
			continue;
		best = f;
		best_t = ft;
		if (ft == TRUST_PUBLIC)
			break;
	}
	if (best == NULL)
		return false;
	if (fw_logdrop_budget(ctx)) {
		if (r != NULL)
			fw_log(ctx, FW_LOG_INFO, "fw: rule %u at its quota (%u): "
			    "unconfirmed connection from %s evicted",
			    r->c.number, r->quota, fw_ipstr(best->addr[0][0], a));
		else
			fw_log(ctx, FW_LOG_INFO, "fw: connection table full: "
			    "unconfirmed connection from %s evicted",
			    fw_ipstr(best->addr[0][0], a));
	}
	fw_flow_remove(ctx, best);
	ctx->st.flows_evicted_unreplied++;
	return true;
}
