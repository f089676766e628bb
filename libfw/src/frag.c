/*
 * frag.c - IPv4 fragments without reassembly.  The first fragment carries
 * the transport header and goes through the normal path; a tracker keyed by
 * (source, destination, protocol, identification) remembers its connection
 * and direction, and later fragments follow it (RFC 1858: they may not
 * overlap the first one's header bytes).
 */
#include "fw_int.h"

/*
 * The tracker of p's datagram if one is live, else a free (or expired) slot
 * among the 8 it hashes to, else NULL.
 */
struct frag *
fw_frag_slot(struct fw_ctx *ctx, uint64_t now, const struct pkt *p)
{
	uint64_t h;
	struct key k;
	uint32_t i, s;
	struct frag *free_slot = NULL;

	k.src = p->k.src;
	k.dst = p->k.dst;
	k.sport = p->ipid;
	k.dport = 0;
	k.proto = p->proto;
	h = fw_hash_key(ctx, &k);
	for (i = 0; i < 8; i++) {
		s = (uint32_t)(h + i) & ctx->frag_mask;
		struct frag *fr = &ctx->frags[s];

		if (fr->flow != 0 && fr->expires > now && fr->src == k.src &&
		    fr->dst == k.dst && fr->id == p->ipid &&
		    fr->proto == p->proto)
			return fr;
		if (free_slot == NULL && (fr->flow == 0 || fr->expires <= now))
			free_slot = fr;
	}
	return free_slot;
}

/*
 * A later fragment (no transport header): finds the connection and direction
 * its first fragment was admitted with.  Returns 0 with *f and *d set, or
 * FW_E_FRAG_NO_FIRST, FW_E_FRAG_OVERLAP, or the IPsec check's reason.
 */
int
fw_frag_follow(struct fw_ctx *ctx, uint64_t now, struct pkt *p,
    struct flow **f, int *d)
{
	struct frag *fr = fw_frag_slot(ctx, now, p);
	struct flow *fl;

	if (fr == NULL || fr->flow == 0 || fr->expires <= now ||
	    fr->src != p->k.src || fr->id != p->ipid)
		return FW_E_FRAG_NO_FIRST;
	if (p->off < fr->first_end)
		return FW_E_FRAG_OVERLAP;
	fl = &ctx->flows[fr->flow - 1];
	if (!(fl->flags & FL_USED) || fl->expires <= now ||
	    fl->addr[fr->dir][0] != p->k.src ||
	    fl->addr[fr->dir][1] != p->k.dst || fl->proto != p->proto)
		return FW_E_FRAG_NO_FIRST;
	*f = fl;
	*d = fr->dir;
	return fw_ipsec_check(fl, *d, p);
}

/* The first fragment p passed as direction d of f: later ones follow it. */
void
fw_frag_record(struct fw_ctx *ctx, uint64_t now, struct frag *fr,
    const struct pkt *p, const struct flow *f, int d)
{
	if (fr->flow == 0) /* an expired one is still counted */
		ctx->frags_live++;
	fr->src = p->k.src;
	fr->dst = p->k.dst;
	fr->id = p->ipid;
	fr->proto = p->proto;
	fr->dir = (uint8_t)d;
	fr->flow = (uint32_t)(f - ctx->flows) + 1;
	fr->first_end = (uint16_t)(p->tot - p->hl);
	fr->expires = now + ctx->cfg.frag_timeout_ns;
	ctx->st.frags_tracked++;
}
