/*
 * process.c - fw_process() and fw_process_burst(): the order in which one
 * packet meets the concerns (interfaces, validation in parse.c,
 * anti-spoofing, fragments and their quota, ICMP errors, the connection
 * table, the connection's interfaces, the encap=ipsec tag, TCP tracking, a
 * new connection's rules, quotas and NAT in conntrack.c, MSS clamping,
 * translation), the drop accounting and log, and the burst's prefetching
 * pipeline.
 */
#include <stdio.h>
#include <string.h>

#include "fw_int.h"

static void
drop_count(struct fw_ctx *ctx, uint16_t in_if, int reason)
{
	ctx->st.dropped++;
	if (-reason > 0 && -reason < FW_REASON_MAX)
		ctx->st.drops[-reason]++;
	if (in_if < ctx->cfg.max_interfaces && ctx->ifs[in_if].used)
		ctx->ifs[in_if].st.in_drop++;
}

/*
 * Drops p: verdict, counters, and one log line (rate limited) naming the
 * packet when its header could be trusted (p->tot != 0), with the numbers
 * of the IPsec and anti-spoofing refusals.  Returns reason.
 */
__attribute__((cold, noinline)) int
fw_drop(struct fw_ctx *ctx, const struct pkt *p, uint16_t in_if, int reason,
    struct fw_verdict *v)
{
	char a[16], b[16], x[80];

	v->action = FW_VERDICT_DROP;
	v->reason = reason;
	drop_count(ctx, in_if, reason);
	if (!fw_logdrop_budget(ctx))
		return reason;
	x[0] = '\0';
	switch (reason) {
	case FW_E_IPSEC_MISMATCH:
		snprintf(x, sizeof(x), " (connection's peer %#llx, packet's "
		    "%#llx)", (unsigned long long)p->detail,
		    (unsigned long long)p->ipsec);
		break;
	case FW_E_SPOOFED:
		snprintf(x, sizeof(x), " (interface's peer %s)",
		    fw_ipstr((uint32_t)p->detail, a));
		break;
	case FW_E_WRONG_IF:
		snprintf(x, sizeof(x), " (connection's interface %u)",
		    (unsigned)p->detail);
		break;
	case FW_E_TCP_WINDOW:
		snprintf(x, sizeof(x), " (flags %#x seq %u ack %u, window "
		    "%u..%u)", p->tcpflags, p->tcp_seq, p->tcp_ack,
		    (uint32_t)(p->detail >> 32), (uint32_t)p->detail);
		break;
	case FW_E_SOURCE_QUOTA:
	case FW_E_RULE_QUOTA:
	case FW_E_FRAG_QUOTA:
		snprintf(x, sizeof(x), " (quota %llu)",
		    (unsigned long long)p->detail);
		break;
	default:
		break;
	}
	if (p->tot != 0)
		fw_log(ctx, FW_LOG_INFO, "fw: drop if %u proto %u %s:%u -> "
		    "%s:%u len %zu: %s%s", in_if, p->proto,
		    fw_ipstr(p->k.src, a), p->k.sport, fw_ipstr(p->k.dst, b),
		    p->k.dport, p->tot, fw_strerror(reason), x);
	else
		fw_log(ctx, FW_LOG_INFO, "fw: drop if %u: %s", in_if,
		    fw_strerror(reason));
	return reason;
}

/* The lower of two clamps, 0 meaning none. */
static inline uint16_t
min_clamp(uint16_t a, uint16_t b)
{
	return (a == 0 || (b != 0 && b < a)) ? b : a;
}

/*
 * The MSS clamp of a segment of f from in_if to out_if: the lowest set on
 * those interfaces and on the connection's own.  The connection's matter
 * for a reply addressed to an enhanced-NAT port: the caller passes it with
 * out_if = FW_IF_LOCAL, yet it leaves through the interface the connection
 * came in by (f->in_if).
 */
static inline uint16_t
mss_clamp_of(const struct fw_ctx *ctx, uint16_t in_if, uint16_t out_if,
    const struct flow *f)
{
	return min_clamp(min_clamp(ctx->ifs[in_if].mss_clamp,
	    ctx->ifs[out_if].mss_clamp), min_clamp(ctx->ifs[f->in_if].mss_clamp,
	    ctx->ifs[f->out_if].mss_clamp));
}

/*
 * fw_process() with an optional precomputed hash: when hk is not NULL, h is
 * fw_hash_key(ctx, hk) and is used if hk equals the parsed key (it was
 * peeked by fw_process_burst); otherwise the hash is computed here.
 * fw_process checked ctx and pk.
 */
static inline __attribute__((always_inline)) int
process_one(struct fw_ctx *ctx, uint64_t now, struct fw_pkt *pk,
    const struct key *hk, uint64_t h)
{
	struct fw_verdict *v = &pk->verdict;
	uint16_t in_if = pk->in_if, out_if = pk->out_if, clamp;
	const struct ifent *ie;
	struct pkt p;
	struct flow *f;
	struct frag *fr = NULL;
	int d, rc;
	uint8_t in_type, out_type;
	bool frag_counted = false;

	memset(v, 0, sizeof(*v));
	if (pk->data == NULL && pk->len != 0) {
		v->action = FW_VERDICT_DROP;
		v->reason = FW_E_INVAL;
		return FW_E_INVAL;
	}
	ctx->st.packets++;
	if (ctx->next_sweep == UINT64_MAX)
		ctx->next_sweep = now + ctx->cfg.sweep_interval_ns;
	p.tot = 0; /* for fw_drop() before fw_parse() */
	in_type = fw_if_type(ctx, in_if);
	out_type = fw_if_type(ctx, out_if);
	if (in_type == 0 || out_type == 0)
		return fw_drop(ctx, &p, in_if, FW_E_BAD_IF, v);
	if ((rc = fw_parse(&p, pk->data, pk->len)) != 0) {
		if (rc != FW_E_IP_OPTIONS && rc != FW_E_TCP_FLAGS &&
		    rc != FW_E_UNSUPPORTED && rc != FW_E_FRAG_TINY)
			p.tot = 0; /* header not trustworthy for the log */
		return fw_drop(ctx, &p, in_if, rc, v);
	}
	p.ipsec = pk->ipsec;
	if (fw_bad_source(p.k.src))
		return fw_drop(ctx, &p, in_if, FW_E_BAD_ADDRESS, v);
	/* Anti-spoofing: a dynamic member sends only from its peer address. */
	ie = &ctx->ifs[in_if];
	if (ie->peer_addr != 0 && p.k.src != ie->peer_addr) {
		p.detail = ie->peer_addr;
		return fw_drop(ctx, &p, in_if, FW_E_SPOOFED, v);
	}

	/* Later fragment: follows the first one (same src, dst, proto, id). */
	if (!p.has_l4) {
		if ((rc = fw_frag_follow(ctx, now, &p, in_if, &f, &d)) != 0)
			return fw_drop(ctx, &p, in_if, rc, v);
		if (p.learn)
			fw_learn(ctx, f, &p, in_if);
		if (f->flags & FL_NAT) {
			fw_translate(f, d, &p);
			v->translated = true;
			ctx->st.nat_translated++;
		}
		goto pass;
	}
	if (p.mf) {
		/* First fragment: make sure it can be tracked before any
		 * state changes; untrusted sources within their quota. */
		fr = fw_frag_slot(ctx, now, &p);
		if (fr == NULL)
			return fw_drop(ctx, &p, in_if, FW_E_FRAG_TABLE_FULL, v);
		frag_counted = in_type == FW_IF_PUBLIC || ie->dynamic;
		if (frag_counted && !fw_frag_is(fr, now, &p) &&
		    fw_srctab_get(ctx, &ctx->fragq, p.k.src) >=
		    ctx->cfg.max_frags_per_source) {
			p.detail = ctx->cfg.max_frags_per_source;
			return fw_drop(ctx, &p, in_if, FW_E_FRAG_QUOTA, v);
		}
	}
	if (p.icmp_error) {
		/* RFC 6633 deprecates Source Quench; a Redirect from the
		 * internet would reroute a LAN host's traffic. */
		if (in_type == FW_IF_PUBLIC && (p.icmp_type == 5 ||
		    p.icmp_type == 4))
			return fw_drop(ctx, &p, in_if, p.icmp_type == 5 ?
			    FW_E_ICMP_REDIRECT : FW_E_ICMP_SOURCE_QUENCH, v);
		if ((rc = fw_icmp_error(ctx, now, &p, in_if, in_type, v)) != 0)
			return fw_drop(ctx, &p, in_if, rc, v);
		goto pass;
	}

	if (hk == NULL || !fw_key_eq(hk, &p.k))
		h = fw_hash_key(ctx, &p.k);
	f = fw_flow_lookup_h(ctx, &p.k, h, &d);
	if (f != NULL && f->expires <= now) {
		fw_flow_remove(ctx, f);
		ctx->st.flows_expired++;
		f = NULL;
	}
	if (f != NULL) {
		/* The connection's own interface for this direction. */
		if ((rc = fw_if_check(f, d, in_if, in_type, &p)) != 0)
			return fw_drop(ctx, &p, in_if, rc, v);
		/* encap=ipsec holds for every packet the peer sends. */
		if ((rc = fw_ipsec_check(ctx, f, d, &p)) != 0)
			return fw_drop(ctx, &p, in_if, rc, v);
		if (p.proto == FW_PROTO_TCP &&
		    (rc = fw_tcp_track(ctx, f, d, &p)) != 0)
			return fw_drop(ctx, &p, in_if, rc, v);
		if (p.learn)
			fw_learn(ctx, f, &p, in_if);
		if (d == 1)
			f->flags |= FL_REPLIED;
		else if ((f->flags & FL_REPLIED) && p.proto != FW_PROTO_TCP)
			f->flags |= FL_ASSURED; /* the opener answered */
	} else {
		rc = fw_conn_new(ctx, now, &p, h, in_if, out_if, in_type,
		    out_type, v, &f);
		if (rc != 0)
			return fw_drop(ctx, &p, in_if, rc, v);
		/* Opened from the private side towards an encap=ipsec
		 * rule: its replies must come out of IPsec too. */
		if (__builtin_expect(ctx->nencap != 0, 0) &&
		    in_type != FW_IF_PUBLIC && out_if != FW_IF_LOCAL)
			fw_reply_ipsec(ctx, f);
		d = 0;
	}
	f->packets[d]++;
	f->expires = now + fw_flow_timeout(ctx, f);
	if (fr != NULL)
		fw_frag_record(ctx, now, fr, &p, in_if, frag_counted, f, d);
	/* Nothing refuses the packet from here on: it may be rewritten. */
	if (p.proto == FW_PROTO_TCP && (p.tcpflags & TH_SYN) &&
	    (clamp = mss_clamp_of(ctx, in_if, out_if, f)) != 0 &&
	    fw_mss_clamp(&p, clamp)) {
		v->mss_clamped = true;
		ctx->st.mss_clamped++;
	}
	if (f->flags & FL_NAT) {
		fw_translate(f, d, &p);
		v->translated = true;
		ctx->st.nat_translated++;
	}
pass:
	v->action = FW_VERDICT_PASS;
	ctx->st.passed++;
	ctx->ifs[in_if].st.in_pass++;
	ctx->ifs[out_if].st.out_pass++;
	return 0;
}

int
fw_process(struct fw_ctx *ctx, uint64_t now, struct fw_pkt *p)
{
	if (ctx == NULL || p == NULL) {
		if (p != NULL) {
			memset(&p->verdict, 0, sizeof(p->verdict));
			p->verdict.action = FW_VERDICT_DROP;
			p->verdict.reason = FW_E_INVAL;
			p->rc = FW_E_INVAL;
		}
		return FW_E_INVAL;
	}
	return p->rc = process_one(ctx, now, p, NULL, 0);
}

/*
 * Peeks at the key of a plain (unfragmented, option-less) TCP/UDP/ICMP query
 * packet without validating it (fw_parse will); false when there is nothing
 * to prefetch.
 */
static inline bool
peek_key(const uint8_t *ip, size_t len, struct key *k)
{
	if (len < 28 || ip[0] != 0x45 || (rd16(ip + 6) & IP_OFFMASK) != 0)
		return false;
	memset(k, 0, sizeof(*k));
	k->proto = ip[9];
	k->src = rd32(ip + 12);
	k->dst = rd32(ip + 16);
	switch (k->proto) {
	case FW_PROTO_TCP:
	case FW_PROTO_UDP:
		k->sport = rd16(ip + 20);
		k->dport = rd16(ip + 22);
		return true;
	case FW_PROTO_ICMP:
		if (fw_icmp_is_request(ip[20]))
			k->sport = rd16(ip + 24);
		else if (fw_icmp_is_query(ip[20]))
			k->dport = rd16(ip + 24);
		else
			return false;
		return true;
	default:
		return false;
	}
}

#define BURST_AHEAD 8

int
fw_process_burst(struct fw_ctx *ctx, uint64_t now, struct fw_pkt *pkts,
    size_t n)
{
	uint64_t slot[2 * BURST_AHEAD], hash[2 * BURST_AHEAD];
	struct key key[2 * BURST_AHEAD];
	bool have[2 * BURST_AHEAD];
	size_t i, j, q;
	int passed = 0;

	if (ctx == NULL || (pkts == NULL && n > 0))
		return FW_E_INVAL;
	/*
	 * Two-stage software pipeline: packet i + 2 * AHEAD gets its index
	 * slot prefetched, packet i + AHEAD its flow (the slot is in cache by
	 * then), and packet i is processed.
	 */
	for (i = 0; i < n + 2 * BURST_AHEAD; i++) {
		j = i;
		if (j + BURST_AHEAD < n)
			__builtin_prefetch(pkts[j + BURST_AHEAD].data, 1);
		if (j < n) {
			q = j & (2 * BURST_AHEAD - 1);
			slot[q] = UINT64_MAX;
			have[q] = pkts[j].data != NULL &&
			    peek_key(pkts[j].data, pkts[j].len, &key[q]);
			if (have[q]) {
				uint64_t s;

				hash[q] = fw_hash_key(ctx, &key[q]);
				s = (hash[q] >> 32) & ctx->idx_mask;
				slot[q] = s;
				__builtin_prefetch(&ctx->idx[s]);
			}
		}
		if (i >= BURST_AHEAD && i - BURST_AHEAD < n) {
			uint64_t s = slot[(i - BURST_AHEAD) &
			    (2 * BURST_AHEAD - 1)];

			if (s != UINT64_MAX) {
				/* The entry with the packet's tag (the line
				 * is in cache by now), not just the home
				 * slot's: prefetch the flow it names, for
				 * writing (counters, expiry). */
				uint32_t tag = (uint32_t)(hash[(i -
				    BURST_AHEAD) & (2 * BURST_AHEAD - 1)] >> 32);
				uint64_t e;
				int probes;

				for (probes = 0; probes < 4 &&
				    (e = ctx->idx[s]) != 0; probes++) {
					if ((uint32_t)(e >> 32) == tag) {
						__builtin_prefetch(&ctx->flows[
						    ((uint32_t)e >> 1) - 1], 1);
						break;
					}
					s = (s + 1) & ctx->idx_mask;
				}
			}
		}
		if (i >= 2 * BURST_AHEAD) {
			struct fw_pkt *p = &pkts[i - 2 * BURST_AHEAD];

			q = (i - 2 * BURST_AHEAD) & (2 * BURST_AHEAD - 1);
			p->rc = process_one(ctx, now, p,
			    have[q] ? &key[q] : NULL, have[q] ? hash[q] : 0);
			if (p->rc == 0)
				passed++;
		}
	}
	return passed;
}
