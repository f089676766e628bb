/*
 * table.c - the flow table: a fixed array of 64-byte flows and an open
 * addressing index (linear probing, backward-shift deletion) holding two
 * entries per flow, one per direction, keyed by a SipHash-1-3 of the tuple
 * under a per-context random key (collision attacks need the key).
 *
 * Index entry (64 bits): high 32 bits = hash tag (its low bits are the home
 * slot), low 32 bits = (flow index + 1) << 1 | direction; 0 = empty.
 */
#include <string.h>

#include "fw_int.h"

static bool
flow_matches(const struct flow *f, int d, const struct key *k)
{
	return f->addr[d][0] == k->src && f->addr[d][1] == k->dst &&
	    f->port[d][0] == k->sport && f->port[d][1] == k->dport &&
	    f->proto == k->proto;
}

static void
flow_key(const struct flow *f, int d, struct key *k)
{
	k->src = f->addr[d][0];
	k->dst = f->addr[d][1];
	k->sport = f->port[d][0];
	k->dport = f->port[d][1];
	k->proto = f->proto;
}

/* Finds the flow with a direction matching k (expired or not). */
struct flow *
fw_flow_lookup(struct fw_ctx *ctx, const struct key *k, int *dir)
{
	return fw_flow_lookup_h(ctx, k, fw_hash_key(ctx, k), dir);
}

struct flow *
fw_flow_lookup_h(struct fw_ctx *ctx, const struct key *k, uint64_t h,
    int *dir)
{
	uint32_t tag = (uint32_t)(h >> 32);
	uint64_t i = tag & ctx->idx_mask;
	uint64_t e;

	while ((e = ctx->idx[i]) != 0) {
		if ((uint32_t)(e >> 32) == tag) {
			uint32_t v = (uint32_t)e;
			struct flow *f = &ctx->flows[(v >> 1) - 1];

			if (flow_matches(f, (int)(v & 1), k)) {
				*dir = (int)(v & 1);
				return f;
			}
		}
		i = (i + 1) & ctx->idx_mask;
	}
	return NULL;
}

/* Indexes direction d of flow fi under h = fw_hash_key() of its tuple. */
static void
idx_put(struct fw_ctx *ctx, uint64_t h, uint32_t fi, int d)
{
	uint32_t tag = (uint32_t)(h >> 32);
	uint64_t i = tag & ctx->idx_mask;

	while (ctx->idx[i] != 0)
		i = (i + 1) & ctx->idx_mask;
	ctx->idx[i] = ((uint64_t)tag << 32) | ((fi + 1) << 1) | (uint32_t)d;
}

/* Removes the index entry of flow fi, direction d (backward shift). */
static void
idx_del(struct fw_ctx *ctx, const struct key *k, uint32_t fi, int d)
{
	uint32_t tag = (uint32_t)(fw_hash_key(ctx, k) >> 32);
	uint64_t want = ((uint64_t)tag << 32) | ((fi + 1) << 1) | (uint32_t)d;
	uint64_t m = ctx->idx_mask, i = tag & m, j, h;

	while (ctx->idx[i] != want) {
		if (ctx->idx[i] == 0)
			return; /* not indexed (cannot happen) */
		i = (i + 1) & m;
	}
	j = i;
	for (;;) {
		j = (j + 1) & m;
		if (ctx->idx[j] == 0)
			break;
		h = (ctx->idx[j] >> 32) & m;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			ctx->idx[i] = ctx->idx[j];
			i = j;
		}
	}
	ctx->idx[i] = 0;
}

void
fw_flow_remove(struct fw_ctx *ctx, struct flow *f)
{
	uint32_t fi = (uint32_t)(f - ctx->flows);
	struct key k;

	if (f->xflags & (FX_SRCQ | FX_RULEQ))
		fw_quota_release(ctx, f);
	if (f->in_if < ctx->cfg.max_interfaces)
		ctx->ifs[f->in_if].nflows--;
	if (f->out_if < ctx->cfg.max_interfaces)
		ctx->ifs[f->out_if].nflows--;
	flow_key(f, 0, &k);
	idx_del(ctx, &k, fi, 0);
	flow_key(f, 1, &k);
	idx_del(ctx, &k, fi, 1);
	memset(f, 0, sizeof(*f));
	ctx->ftag[fi] = 0;
	ctx->frule[fi] = 0;
	f->next_free = ctx->free_head;
	ctx->free_head = fi + 1;
	ctx->st.flows_active--;
}

/*
 * Inserts a flow with the two tuples, ho and hr being their fw_hash_key(),
 * its interfaces and initial flags (FL_USED added; xflags carries the
 * opener's trust, FX_TRUST).  The flow is written, never read back, here:
 * its line may still be on its way from memory.  When the table is full a
 * flow near the clock hand is evicted (fw_evict: an expired one, else an
 * unconfirmed one no more trusted than the new one); without one,
 * FW_E_TABLE_FULL.
 */
int
fw_flow_insert(struct fw_ctx *ctx, uint64_t now, const struct key *orig,
    uint64_t ho, const struct key *reply, uint64_t hr, uint16_t in_if,
    uint16_t out_if, uint8_t fflags, uint8_t xflags, struct flow **out)
{
	struct flow *f;
	uint32_t fi;

	if (ctx->free_head == 0 && !fw_evict(ctx, now,
	    (xflags & FX_TRUST) >> FX_TRUST_SHIFT, NULL))
		return FW_E_TABLE_FULL;
	fi = ctx->free_head - 1;
	f = &ctx->flows[fi];
	ctx->free_head = f->next_free;
	memset(f, 0, sizeof(*f));
	f->addr[0][0] = orig->src;
	f->addr[0][1] = orig->dst;
	f->port[0][0] = orig->sport;
	f->port[0][1] = orig->dport;
	f->addr[1][0] = reply->src;
	f->addr[1][1] = reply->dst;
	f->port[1][0] = reply->sport;
	f->port[1][1] = reply->dport;
	f->proto = orig->proto;
	f->flags = FL_USED | fflags;
	f->xflags = xflags;
	f->in_if = in_if;
	f->out_if = out_if;
	idx_put(ctx, ho, fi, 0);
	idx_put(ctx, hr, fi, 1);
	if (in_if < ctx->cfg.max_interfaces)
		ctx->ifs[in_if].nflows++;
	if (out_if < ctx->cfg.max_interfaces)
		ctx->ifs[out_if].nflows++;
	if (fi >= ctx->hwm)
		ctx->hwm = fi + 1;
	ctx->st.flows_active++;
	ctx->st.flows_created++;
	if (ctx->st.flows_active > ctx->st.flows_peak)
		ctx->st.flows_peak = ctx->st.flows_active;
	*out = f;
	return 0;
}

/* Removes every expired flow and fragment tracker. */
int
fw_sweep(struct fw_ctx *ctx, uint64_t now)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < ctx->hwm; i++) {
		struct flow *f = &ctx->flows[i];

		if ((f->flags & FL_USED) && f->expires <= now) {
			fw_flow_remove(ctx, f);
			n++;
		}
	}
	for (i = 0; i <= ctx->frag_mask; i++) {
		if (ctx->frags[i].flow != 0 && ctx->frags[i].expires <= now)
			fw_frag_free(ctx, &ctx->frags[i]);
	}
	ctx->st.flows_expired += (uint64_t)n;
	return n;
}
