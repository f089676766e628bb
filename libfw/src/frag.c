/*
 * frag.c - IPv4 fragments without reassembly.  The first fragment carries
 * the transport header and goes through the normal path; a tracker keyed by
 * (source, destination, protocol, identification) remembers its connection,
 * direction and interface, and later fragments follow it (RFC 1858: they
 * may not overlap the first one's header bytes) through the same interface.
 * Trackers of first fragments from untrusted origins count against their
 * source's max_frags_per_source.
 */
#include "fw_int.h"

bool
fw_frag_is(const struct frag *fr, uint64_t now, const struct pkt *p)
{
	return fr->flow != 0 && fr->expires > now && fr->src == p->k.src &&
	    fr->dst == p->k.dst && fr->id == p->ipid && fr->proto == p->proto;
}

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

		if (fw_frag_is(fr, now, p))
			return fr;
		if (free_slot == NULL && (fr->flow == 0 || fr->expires <= now))
			free_slot = fr;
	}
	return free_slot;
}

void
fw_frag_free(struct fw_ctx *ctx, struct frag *fr)
{
	if (fr->flow == 0)
		return;
	if (fr->counted)
		fw_srctab_dec(ctx, &ctx->fragq, fr->src);
	fr->flow = 0;
	fr->counted = 0;
	ctx->frags_live--;
}

/*
 * A later fragment (no transport header) entering through in_if: finds the
 * connection and direction its first fragment was admitted with.  The last
 * fragment of a TCP segment completes the segment's sequence numbers.
 * Returns 0 with *f and *d set, or FW_E_FRAG_NO_FIRST, FW_E_FRAG_OVERLAP,
 * FW_E_WRONG_IF, or the IPsec check's reason.
 */
int
fw_frag_follow(struct fw_ctx *ctx, uint64_t now, struct pkt *p,
    uint16_t in_if, struct flow **f, int *d)
{
	struct frag *fr = fw_frag_slot(ctx, now, p);
	struct flow *fl;
	int rc;

	if (fr == NULL || !fw_frag_is(fr, now, p))
		return FW_E_FRAG_NO_FIRST;
	if (p->off < fr->first_end)
		return FW_E_FRAG_OVERLAP;
	fl = &ctx->flows[fr->flow - 1];
	if (!(fl->flags & FL_USED) || fl->expires <= now ||
	    fl->addr[fr->dir][0] != p->k.src ||
	    fl->addr[fr->dir][1] != p->k.dst || fl->proto != p->proto)
		return FW_E_FRAG_NO_FIRST;
	/* The interface its first fragment entered through. */
	if (in_if != fr->in_if) {
		p->detail = fr->in_if;
		return FW_E_WRONG_IF;
	}
	if ((rc = fw_ipsec_check(ctx, fl, fr->dir, p)) != 0)
		return rc;
	if (p->proto == FW_PROTO_TCP && !p->mf && fl->proto == FW_PROTO_TCP)
		fw_tcp_frag_end(fl, fr->dir, fr->seq, fr->seq +
		    (uint32_t)(p->off + (p->tot - p->hl)) - fr->doff + fr->fin);
	*f = fl;
	*d = fr->dir;
	return 0;
}

/*
 * The first fragment p passed as direction d of f, entering through in_if:
 * later ones follow it.  counted: its source's quota counts it.
 */
void
fw_frag_record(struct fw_ctx *ctx, uint64_t now, struct frag *fr,
    const struct pkt *p, uint16_t in_if, bool counted, const struct flow *f,
    int d)
{
	if (fr->flow != 0) {
		/* The same datagram again, or an expired tracker reused. */
		if (fr->counted)
			fw_srctab_dec(ctx, &ctx->fragq, fr->src);
	} else {
		ctx->frags_live++;
	}
	fr->src = p->k.src;
	fr->dst = p->k.dst;
	fr->id = p->ipid;
	fr->proto = p->proto;
	fr->dir = (uint8_t)d;
	fr->in_if = in_if;
	fr->flow = (uint32_t)(f - ctx->flows) + 1;
	fr->first_end = (uint16_t)(p->tot - p->hl);
	fr->seq = p->tcp_seq;
	fr->doff = (uint8_t)p->tcp_doff;
	fr->fin = (p->proto == FW_PROTO_TCP && (p->tcpflags & TH_FIN)) ? 1 : 0;
	fr->counted = counted && fw_srctab_inc(ctx, &ctx->fragq, p->k.src);
	fr->expires = now + ctx->cfg.frag_timeout_ns;
	ctx->st.frags_tracked++;
}
