/*
 * process.c - fw_process(): IPv4 validation, connection tracking (TCP state
 * machine, UDP, ICMP query/reply), policy and rules, enhanced / standard /
 * reverse NAT with RFC 1624 incremental checksums, ICMP error translation
 * (RFC 5508 section 3, RFC 3022 section 4.3) and fragments.
 */
#include <stdio.h>
#include <string.h>

#include "fw_int.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

/* A parsed packet. */
struct pkt {
	uint8_t *ip;
	size_t tot;       /* IPv4 total length */
	size_t hl;        /* header length */
	uint8_t proto;
	uint16_t ipid;
	size_t off;       /* fragment offset in bytes */
	bool mf;
	bool has_l4;      /* L4 header present (not a later fragment) */
	uint8_t *l4;
	size_t l4len;     /* bytes from l4 to end of this packet */
	uint8_t tcpflags;
	uint8_t icmp_type;
	bool icmp_error;
	struct key k;
};

static const char *
ipstr(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	return buf;
}

static bool
icmp_is_query(uint8_t t)
{
	return t == 8 || t == 0 || t == 13 || t == 14;
}

static bool
icmp_is_request(uint8_t t)
{
	return t == 8 || t == 13;
}

static bool
icmp_is_error(uint8_t t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* fw_cksum() of an option-less 20-byte IPv4 header, unrolled. */
static inline uint16_t
cksum20(const uint8_t *ip)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		s += rd16(ip + i);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * Validates the IPv4 header (RFC 791) and, unless the packet is a later
 * fragment, the transport header; fills the key.  No state is touched.
 */
static int
parse(struct pkt *p, uint8_t *ip, size_t len)
{
	uint16_t fo;

	memset(p, 0, sizeof(*p));
	p->ip = ip;
	if (len < 20)
		return FW_E_TRUNCATED;
	if ((ip[0] >> 4) != 4)
		return FW_E_BAD_VERSION;
	p->hl = (size_t)(ip[0] & 0x0f) * 4;
	if (p->hl < 20)
		return FW_E_BAD_IHL;
	p->tot = rd16(ip + 2);
	if (p->hl > len)
		return FW_E_TRUNCATED;
	if (p->tot < p->hl || p->tot > len)
		return FW_E_BAD_LENGTH;
	if ((p->hl == 20 ? cksum20(ip) : fw_cksum(ip, p->hl)) != 0)
		return FW_E_BAD_CHECKSUM;
	p->ipid = rd16(ip + 4);
	fo = rd16(ip + 6);
	p->off = (size_t)(fo & IP_OFFMASK) * 8;
	p->mf = (fo & IP_MF) != 0;
	p->proto = ip[9];
	p->k.src = rd32(ip + 12);
	p->k.dst = rd32(ip + 16);
	p->k.proto = p->proto;
	if (p->hl > 20)
		return FW_E_IP_OPTIONS; /* after the key: the drop log shows it */
	if (p->off != 0) {
		/* The datagram would reassemble past 65535 bytes. */
		if (p->off + p->tot - p->hl > 65535)
			return FW_E_BAD_LENGTH;
		return 0;
	}
	p->has_l4 = true;
	p->l4 = ip + p->hl;
	p->l4len = p->tot - p->hl;
	switch (p->proto) {
	case FW_PROTO_TCP:
		if (p->l4len < 20)
			return p->mf ? FW_E_FRAG_TINY : FW_E_TRUNCATED;
		if ((size_t)(p->l4[12] >> 4) * 4 < 20)
			return FW_E_BAD_TCP_OFFSET;
		if ((size_t)(p->l4[12] >> 4) * 4 > p->l4len)
			return p->mf ? FW_E_FRAG_TINY : FW_E_BAD_TCP_OFFSET;
		p->k.sport = rd16(p->l4);
		p->k.dport = rd16(p->l4 + 2);
		p->tcpflags = p->l4[13];
		if ((p->tcpflags & (TH_SYN | TH_FIN | TH_RST | TH_ACK)) == 0 ||
		    ((p->tcpflags & TH_SYN) &&
		    (p->tcpflags & (TH_FIN | TH_RST))) ||
		    ((p->tcpflags & TH_FIN) && !(p->tcpflags & TH_ACK)))
			return FW_E_TCP_FLAGS;
		break;
	case FW_PROTO_UDP:
		if (p->l4len < 8)
			return p->mf ? FW_E_FRAG_TINY : FW_E_TRUNCATED;
		if (rd16(p->l4 + 4) < 8 ||
		    (!p->mf && rd16(p->l4 + 4) > p->l4len))
			return FW_E_BAD_LENGTH;
		p->k.sport = rd16(p->l4);
		p->k.dport = rd16(p->l4 + 2);
		break;
	case FW_PROTO_ICMP:
		if (p->l4len < 8)
			return p->mf ? FW_E_FRAG_TINY : FW_E_TRUNCATED;
		p->icmp_type = p->l4[0];
		if (icmp_is_query(p->icmp_type)) {
			/* The identifier is the "port" of the querier. */
			if (icmp_is_request(p->icmp_type))
				p->k.sport = rd16(p->l4 + 4);
			else
				p->k.dport = rd16(p->l4 + 4);
		} else if (icmp_is_error(p->icmp_type)) {
			if (p->mf)
				return FW_E_ICMP_BAD_INNER;
			p->icmp_error = true;
		} else {
			return FW_E_UNSUPPORTED;
		}
		break;
	default:
		break;
	}
	return 0;
}

static bool
bad_source(uint32_t a)
{
	return a == 0 || (a >> 24) == 127 || (a >> 28) == 0xe ||
	    a == 0xffffffffu;
}

static uint64_t
flow_timeout(const struct fw_ctx *ctx, const struct flow *f)
{
	const struct fw_config *c = &ctx->cfg;

	switch (f->proto) {
	case FW_PROTO_TCP:
		switch (f->state) {
		case FW_TCP_SYN_SENT:
		case FW_TCP_SYN_RECV:
			return c->tcp_syn_timeout;
		case FW_TCP_ESTABLISHED:
			return c->tcp_est_timeout;
		case FW_TCP_CLOSED:
			return c->tcp_rst_timeout;
		default:
			return c->tcp_fin_timeout;
		}
	case FW_PROTO_ICMP:
		return c->icmp_timeout;
	default:
		return (f->flags & FL_REPLIED) ? c->udp_stream_timeout :
		    c->udp_timeout;
	}
}

/*
 * TCP connection tracking for a segment of direction d on an existing flow
 * (no sequence-window checks).  Returns 0 or FW_E_TCP_STATE.
 */
static int
tcp_track(struct flow *f, int d, uint8_t fl)
{
	if (fl & TH_RST) {
		f->state = FW_TCP_CLOSED;
		return 0;
	}
	if ((fl & TH_SYN) && !(fl & TH_ACK)) {
		if (d == 0) {
			if (f->state == FW_TCP_CLOSED ||
			    f->state == FW_TCP_TIME_WAIT) {
				/* Reopened with the same tuple. */
				f->state = FW_TCP_SYN_SENT;
				f->fins = 0;
				f->flags &= (uint8_t)~FL_SIMOPEN;
			}
			return f->state == FW_TCP_SYN_SENT ||
			    f->state == FW_TCP_SYN_RECV ? 0 : FW_E_TCP_STATE;
		}
		if (f->state == FW_TCP_SYN_SENT) {
			/* Simultaneous open. */
			f->state = FW_TCP_SYN_RECV;
			f->flags |= FL_SIMOPEN;
			return 0;
		}
		return FW_E_TCP_STATE;
	}
	if (fl & TH_SYN) {
		/* SYN+ACK: only the responder, before establishment; both
		 * ends after a simultaneous open (RFC 793 figure 8). */
		if (d == 1 && (f->state == FW_TCP_SYN_SENT ||
		    f->state == FW_TCP_SYN_RECV)) {
			f->state = FW_TCP_SYN_RECV;
			return 0;
		}
		if (d == 0 && f->state == FW_TCP_SYN_RECV &&
		    (f->flags & FL_SIMOPEN))
			return 0;
		return FW_E_TCP_STATE;
	}
	switch (f->state) {
	case FW_TCP_SYN_SENT:
	case FW_TCP_CLOSED:
		return FW_E_TCP_STATE;
	case FW_TCP_SYN_RECV:
		if (d == 0)
			f->state = FW_TCP_ESTABLISHED;
		break;
	default:
		break;
	}
	if (fl & TH_FIN) {
		f->fins |= (uint8_t)(1u << d);
		f->state = f->fins == 3 ? FW_TCP_TIME_WAIT : FW_TCP_FIN_WAIT;
	}
	return 0;
}

/* Rewrites the IPv4 addresses of the header, checksum by RFC 1624. */
static void
rewrite_ip(uint8_t *ip, uint32_t src, uint32_t dst)
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
static void
translate(const struct flow *f, int d, struct pkt *p)
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
			c = icmp_is_request(p->icmp_type) ? nsp : ndp;
			wr16(l4 + 2, fw_cksum_adj16(rd16(l4 + 2), o, c));
			wr16(l4 + 4, c);
			break;
		default:
			break;
		}
	}
	rewrite_ip(p->ip, ns, nd);
}

static void
drop_count(struct fw_ctx *ctx, uint16_t in_if, int reason)
{
	ctx->st.dropped++;
	if (-reason > 0 && -reason < FW_REASON_MAX)
		ctx->st.drops[-reason]++;
	if (in_if < ctx->cfg.max_interfaces && ctx->ifs[in_if].used)
		ctx->ifs[in_if].st.in_drop++;
}

static int
drop(struct fw_ctx *ctx, const struct pkt *p, uint16_t in_if, int reason,
    struct fw_verdict *v)
{
	char a[16], b[16];

	v->action = FW_VERDICT_DROP;
	v->reason = reason;
	drop_count(ctx, in_if, reason);
	if (p->tot != 0)
		fw_logdrop(ctx, "fw: drop if %u proto %u %s:%u -> %s:%u len %zu:"
		    " %s", in_if, p->proto, ipstr(p->k.src, a), p->k.sport,
		    ipstr(p->k.dst, b), p->k.dport, p->tot,
		    fw_strerror(reason));
	else
		fw_logdrop(ctx, "fw: drop if %u: %s", in_if,
		    fw_strerror(reason));
	return reason;
}

static bool
rule_if_matches(const struct fw_ctx *ctx, uint16_t rif, uint16_t in_if)
{
	if (rif == in_if)
		return true;
	return rif == FW_IF_DYNAMIC && ctx->ifs[in_if].dynamic;
}

static bool
port_in(uint16_t p, uint16_t lo, uint16_t hi)
{
	return (lo == 0 && hi == 0) || (p >= lo && p <= hi);
}

/*
 * First rule (by number) that matches a new connection; *need_ipsec is set
 * when an encap=ipsec rule would have matched a clear packet.
 */
static struct rule *
rule_match(struct fw_ctx *ctx, const struct pkt *p, uint16_t in_if,
    unsigned flags, bool *need_ipsec)
{
	uint16_t i;

	*need_ipsec = false;
	for (i = 0; i < ctx->nrules; i++) {
		struct rule *r = &ctx->rules[i];
		const struct fw_rule_cfg *c = &r->c;
		bool ports = p->proto == FW_PROTO_TCP || p->proto == FW_PROTO_UDP;

		if (!rule_if_matches(ctx, c->if_id, in_if))
			continue;
		if (c->protocol != FW_PROTO_ANY && c->protocol != p->proto)
			continue;
		if ((p->k.src & c->remote_mask) !=
		    (c->remote_ip & c->remote_mask))
			continue;
		if (c->gbl_ip != 0) {
			if (p->k.dst != c->gbl_ip)
				continue;
			if (ports ? !port_in(p->k.dport, c->gbl_port_min,
			    c->gbl_port_max) : c->gbl_port_max != 0)
				continue;
		} else {
			if (c->ip != 0 && p->k.dst != c->ip)
				continue;
			if (ports ? !port_in(p->k.dport, c->port_min,
			    c->port_max) : c->port_max != 0)
				continue;
		}
		if (c->encap_ipsec && !(flags & FW_PKT_IPSEC)) {
			*need_ipsec = true;
			continue;
		}
		return r;
	}
	return NULL;
}

static const struct fw_nat_cfg *
nat_match(const struct fw_ctx *ctx, uint16_t in_if, uint16_t out_if,
    uint32_t src)
{
	const struct fw_nat_cfg *best = NULL;
	uint16_t i;

	for (i = 0; i < ctx->nnats; i++) {
		const struct fw_nat_cfg *n = &ctx->nats[i];

		if (n->gbl_if != out_if || !rule_if_matches(ctx, n->if_id, in_if))
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
 * Enhanced NAT port / identifier allocation: the reply tuple
 * (remote -> gbl:X) must not be in use by any live flow (RFC 4787 REQ-2,
 * address pooling "paired").  The private port is kept when free (port
 * preservation), else the range is scanned from a random point; at most 4096
 * candidates are tried.
 */
static int
nat_alloc(struct fw_ctx *ctx, uint64_t now, struct key *reply, uint16_t want)
{
	uint32_t lo = ctx->cfg.nat_port_min, hi = ctx->cfg.nat_port_max;
	uint32_t range = hi - lo + 1, start, i, tries;
	uint32_t rnd;
	/* The port (or ICMP identifier) is dport of the reply tuple. */
	uint16_t *slot = &reply->dport;

	if (want >= lo && want <= hi) {
		*slot = want;
		if (!fw_key_in_use(ctx, now, reply))
			return 0;
	}
	if (ctx->hooks.rng(ctx->hooks.user, &rnd, sizeof(rnd)) != 0)
		return FW_E_RNG;
	start = rnd % range;
	tries = range < 4096 ? range : 4096;
	for (i = 0; i < tries; i++) {
		*slot = (uint16_t)(lo + (start + i) % range);
		if (!fw_key_in_use(ctx, now, reply))
			return 0;
	}
	return FW_E_NAT_EXHAUSTED;
}

/* Records the first fragment of a datagram so later fragments follow it. */
static struct frag *
frag_slot(struct fw_ctx *ctx, uint64_t now, const struct pkt *p)
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

static int
icmp_error(struct fw_ctx *ctx, uint64_t now, struct pkt *p, uint16_t in_if,
    uint16_t out_if, unsigned flags, struct fw_verdict *v);

static bool
key_eq(const struct key *a, const struct key *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	    a->dport == b->dport && a->proto == b->proto;
}

/*
 * fw_process() with an optional precomputed hash: when hk is not NULL, h is
 * fw_hash_key(ctx, hk) and is used if hk equals the parsed key (it was
 * peeked by fw_process_burst); otherwise the hash is computed here.
 */
static inline __attribute__((always_inline)) int
process_one(struct fw_ctx *ctx, uint64_t now, uint8_t *ip, size_t len,
    uint16_t in_if, uint16_t out_if, unsigned flags, struct fw_verdict *v,
    const struct key *hk, uint64_t h)
{
	struct pkt p;
	struct flow *f;
	struct frag *fr = NULL;
	int d, rc;
	uint8_t in_type, out_type;

	if (ctx == NULL || v == NULL || (ip == NULL && len != 0))
		return FW_E_INVAL;
	memset(v, 0, sizeof(*v));
	ctx->st.packets++;
	if (ctx->next_sweep == UINT64_MAX)
		ctx->next_sweep = now + ctx->cfg.sweep_interval;
	p.tot = 0; /* for drop() before parse() */
	in_type = fw_if_type(ctx, in_if);
	out_type = fw_if_type(ctx, out_if);
	if (in_type == 0 || out_type == 0)
		return drop(ctx, &p, in_if, FW_E_BAD_IF, v);
	if ((rc = parse(&p, ip, len)) != 0) {
		if (rc != FW_E_IP_OPTIONS && rc != FW_E_TCP_FLAGS &&
		    rc != FW_E_UNSUPPORTED && rc != FW_E_FRAG_TINY)
			p.tot = 0; /* header not trustworthy for the log */
		return drop(ctx, &p, in_if, rc, v);
	}
	if (bad_source(p.k.src))
		return drop(ctx, &p, in_if, FW_E_BAD_ADDRESS, v);

	/* Later fragment: follows the first one (same src, dst, proto, id). */
	if (!p.has_l4) {
		fr = frag_slot(ctx, now, &p);
		if (fr == NULL || fr->flow == 0 || fr->expires <= now ||
		    fr->src != p.k.src || fr->id != p.ipid)
			return drop(ctx, &p, in_if, FW_E_FRAG_NO_FIRST, v);
		if (p.off < fr->first_end)
			return drop(ctx, &p, in_if, FW_E_FRAG_OVERLAP, v);
		f = &ctx->flows[fr->flow - 1];
		d = fr->dir;
		if (!(f->flags & FL_USED) || f->expires <= now ||
		    f->addr[d][0] != p.k.src || f->addr[d][1] != p.k.dst ||
		    f->proto != p.proto)
			return drop(ctx, &p, in_if, FW_E_FRAG_NO_FIRST, v);
		if ((f->flags & FL_IPSEC) && d == 0 && !(flags & FW_PKT_IPSEC))
			return drop(ctx, &p, in_if, FW_E_NEED_IPSEC, v);
		if (f->flags & FL_NAT) {
			translate(f, d, &p);
			v->translated = true;
			ctx->st.nat_translated++;
		}
		goto pass;
	}
	if (p.mf) {
		/* First fragment: make sure it can be tracked before any
		 * state changes. */
		fr = frag_slot(ctx, now, &p);
		if (fr == NULL)
			return drop(ctx, &p, in_if, FW_E_FRAG_TABLE_FULL, v);
	}
	if (p.icmp_error)
		return icmp_error(ctx, now, &p, in_if, out_if, flags, v);

	if (hk != NULL && key_eq(hk, &p.k))
		f = fw_flow_lookup_h(ctx, &p.k, h, &d);
	else
		f = fw_flow_lookup(ctx, &p.k, &d);
	if (f != NULL && f->expires <= now) {
		fw_flow_remove(ctx, f);
		ctx->st.flows_expired++;
		f = NULL;
	}
	if (f != NULL) {
		/* encap=ipsec holds for every packet the peer sends. */
		if ((f->flags & FL_IPSEC) && d == 0 && !(flags & FW_PKT_IPSEC))
			return drop(ctx, &p, in_if, FW_E_NEED_IPSEC, v);
		if (p.proto == FW_PROTO_TCP &&
		    (rc = tcp_track(f, d, p.tcpflags)) != 0)
			return drop(ctx, &p, in_if, rc, v);
		if (d == 1)
			f->flags |= FL_REPLIED;
	} else {
		/* A new connection: rules by number, then the policy. */
		bool need_ipsec;
		struct rule *r = rule_match(ctx, &p, in_if, flags, &need_ipsec);
		struct key orig = p.k, reply;
		const struct fw_nat_cfg *n = NULL;
		uint8_t fflags = 0;

		if (r != NULL && r->c.action == FW_DENY) {
			r->hits++;
			v->rule = r->c.number;
			return drop(ctx, &p, in_if, FW_E_RULE_DENY, v);
		}
		if (r == NULL && in_type == FW_IF_PUBLIC)
			return drop(ctx, &p, in_if, need_ipsec ?
			    FW_E_NEED_IPSEC : FW_E_POLICY, v);
		if (p.proto == FW_PROTO_TCP &&
		    (p.tcpflags & (TH_SYN | TH_ACK)) != TH_SYN)
			return drop(ctx, &p, in_if, FW_E_TCP_NO_SYN, v);
		if (p.proto == FW_PROTO_ICMP && !icmp_is_request(p.icmp_type))
			return drop(ctx, &p, in_if, FW_E_ICMP_NO_FLOW, v);
		/* Reply tuple without translation. */
		reply.src = orig.dst;
		reply.dst = orig.src;
		reply.sport = orig.dport;
		reply.dport = orig.sport;
		reply.proto = orig.proto;
		if (r != NULL && r->c.gbl_ip != 0 && ((r->c.ip != 0 &&
		    r->c.ip != r->c.gbl_ip) || (r->c.port_max != 0 &&
		    r->c.port_min != r->c.gbl_port_min))) {
			/* Reverse NAT / port forwarding. */
			if (r->c.ip != 0)
				reply.src = r->c.ip;
			if (r->c.port_max != 0 && (p.proto == FW_PROTO_TCP ||
			    p.proto == FW_PROTO_UDP))
				reply.sport = r->c.port_min;
			fflags |= FL_NAT | FL_REVERSE;
		} else if (in_type != FW_IF_PUBLIC && out_type == FW_IF_PUBLIC &&
		    (n = nat_match(ctx, in_if, out_if, orig.src)) != NULL) {
			uint32_t g = n->gbl_ip != 0 ? n->gbl_ip :
			    ctx->ifs[n->gbl_if].address;

			if (g == 0)
				return drop(ctx, &p, in_if,
				    FW_E_NAT_EXHAUSTED, v);
			reply.dst = g;
			if (n->type == FW_NAT_ENHANCED) {
				if (p.proto != FW_PROTO_TCP &&
				    p.proto != FW_PROTO_UDP &&
				    p.proto != FW_PROTO_ICMP)
					return drop(ctx, &p, in_if,
					    FW_E_UNSUPPORTED, v);
				rc = nat_alloc(ctx, now, &reply, orig.sport);
				if (rc != 0)
					return drop(ctx, &p, in_if, rc, v);
			}
			if (reply.dst != orig.src || reply.dport != orig.sport)
				fflags |= FL_NAT;
		}
		{
			/* The reply tuple must be free; a stale (expired) flow
			 * holding it is removed before the new one is indexed. */
			int dd;
			struct flow *old = fw_flow_lookup(ctx, &reply, &dd);

			if (old != NULL && old->expires > now)
				return drop(ctx, &p, in_if,
				    FW_E_NAT_EXHAUSTED, v);
			if (old != NULL) {
				fw_flow_remove(ctx, old);
				ctx->st.flows_expired++;
			}
		}
		rc = fw_flow_insert(ctx, now, &orig, &reply, &f);
		if (rc != 0) {
			if (ctx->st.drops[-rc] == 0)
				fw_log(ctx, FW_LOG_WARN, "fw: connection "
				    "table full (%u flows), new connections "
				    "refused", ctx->cfg.max_flows);
			return drop(ctx, &p, in_if, rc, v);
		}
		f->flags |= fflags;
		f->in_if = in_if;
		f->out_if = out_if;
		if (p.proto == FW_PROTO_TCP)
			f->state = FW_TCP_SYN_SENT;
		if (r != NULL) {
			r->hits++;
			f->rule = r->c.number;
			if (r->c.encap_ipsec)
				f->flags |= FL_IPSEC;
			v->rule = r->c.number;
		}
		v->new_flow = true;
		d = 0;
	}
	f->packets[d]++;
	f->expires = now + flow_timeout(ctx, f);
	if (fr != NULL) {
		/* First fragment: later ones follow this flow. */
		if (fr->flow == 0) /* an expired one is still counted */
			ctx->frags_live++;
		fr->src = p.k.src;
		fr->dst = p.k.dst;
		fr->id = p.ipid;
		fr->proto = p.proto;
		fr->dir = (uint8_t)d;
		fr->flow = (uint32_t)(f - ctx->flows) + 1;
		fr->first_end = (uint16_t)(p.tot - p.hl);
		fr->expires = now + ctx->cfg.frag_timeout;
		ctx->st.frags_tracked++;
	}
	if (f->flags & FL_NAT) {
		translate(f, d, &p);
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
fw_process(struct fw_ctx *ctx, uint64_t now, uint8_t *ip, size_t len,
    uint16_t in_if, uint16_t out_if, unsigned flags, struct fw_verdict *v)
{
	return process_one(ctx, now, ip, len, in_if, out_if, flags, v, NULL, 0);
}

/*
 * ICMP error (RFC 792, RFC 1812 section 4.3.2.3): the embedded header is the
 * offending packet as it left us.  Its swapped tuple names the connection and
 * the direction e the error travels; when translated, the embedded header is
 * rewritten back to t[1 - e] (what the host sent), the outer destination to
 * that host, and the outer source too when the error comes from the remote
 * endpoint itself (RFC 5508 section 3.1, RFC 3022 section 4.3).
 */
static int
icmp_error(struct fw_ctx *ctx, uint64_t now, struct pkt *p, uint16_t in_if,
    uint16_t out_if, unsigned flags, struct fw_verdict *v)
{
	uint8_t *in = p->l4 + 8, *il4;
	size_t inlen = p->l4len - 8, ihl, il4len;
	struct key ik, sk;
	struct flow *f;
	int e, r;
	uint8_t itype = 0;

	if (inlen < 20 || (in[0] >> 4) != 4 || (in[0] & 0x0f) < 5)
		return drop(ctx, p, in_if, FW_E_ICMP_BAD_INNER, v);
	ihl = (size_t)(in[0] & 0x0f) * 4;
	if (ihl + 8 > inlen || (rd16(in + 6) & IP_OFFMASK) != 0)
		return drop(ctx, p, in_if, FW_E_ICMP_BAD_INNER, v);
	il4 = in + ihl;
	il4len = inlen - ihl;
	memset(&ik, 0, sizeof(ik));
	ik.src = rd32(in + 12);
	ik.dst = rd32(in + 16);
	ik.proto = in[9];
	switch (ik.proto) {
	case FW_PROTO_TCP:
	case FW_PROTO_UDP:
		ik.sport = rd16(il4);
		ik.dport = rd16(il4 + 2);
		break;
	case FW_PROTO_ICMP:
		itype = il4[0];
		if (!icmp_is_query(itype))
			return drop(ctx, p, in_if, FW_E_ICMP_BAD_INNER, v);
		if (icmp_is_request(itype))
			ik.sport = rd16(il4 + 4);
		else
			ik.dport = rd16(il4 + 4);
		break;
	default:
		break;
	}
	sk.src = ik.dst;
	sk.dst = ik.src;
	sk.sport = ik.dport;
	sk.dport = ik.sport;
	sk.proto = ik.proto;
	f = fw_flow_lookup(ctx, &sk, &e);
	if (f == NULL || f->expires <= now)
		return drop(ctx, p, in_if, FW_E_ICMP_NO_FLOW, v);
	/* The error goes back to the one who sent the offending packet. */
	if (p->k.dst != f->addr[e][1])
		return drop(ctx, p, in_if, FW_E_ICMP_BAD_INNER, v);
	/* An error from the peer's side quotes what went through IPsec. */
	if ((f->flags & FL_IPSEC) && e == 0 && !(flags & FW_PKT_IPSEC))
		return drop(ctx, p, in_if, FW_E_NEED_IPSEC, v);
	if (f->flags & FL_NAT) {
		uint32_t osrc = p->k.src, nsrc = osrc, ndst;
		uint16_t c;

		r = 1 - e;
		/* Embedded header back to t[r]. */
		if (ik.proto == FW_PROTO_UDP && rd16(il4 + 6) != 0) {
			c = rd16(il4 + 6);
			c = fw_cksum_adj32(c, ik.src, f->addr[r][0]);
			c = fw_cksum_adj32(c, ik.dst, f->addr[r][1]);
			c = fw_cksum_adj16(c, ik.sport, f->port[r][0]);
			c = fw_cksum_adj16(c, ik.dport, f->port[r][1]);
			wr16(il4 + 6, c == 0 ? 0xffff : c);
		} else if (ik.proto == FW_PROTO_TCP && il4len >= 18) {
			c = rd16(il4 + 16);
			c = fw_cksum_adj32(c, ik.src, f->addr[r][0]);
			c = fw_cksum_adj32(c, ik.dst, f->addr[r][1]);
			c = fw_cksum_adj16(c, ik.sport, f->port[r][0]);
			c = fw_cksum_adj16(c, ik.dport, f->port[r][1]);
			wr16(il4 + 16, c);
		}
		if (ik.proto == FW_PROTO_TCP || ik.proto == FW_PROTO_UDP) {
			wr16(il4, f->port[r][0]);
			wr16(il4 + 2, f->port[r][1]);
		} else if (ik.proto == FW_PROTO_ICMP) {
			uint16_t nid = icmp_is_request(itype) ?
			    f->port[r][0] : f->port[r][1];

			wr16(il4 + 2, fw_cksum_adj16(rd16(il4 + 2),
			    rd16(il4 + 4), nid));
			wr16(il4 + 4, nid);
		}
		wr32(in + 12, f->addr[r][0]);
		wr32(in + 16, f->addr[r][1]);
		/* The inner header checksum is recomputed in full: it may have
		 * been wrong already, and RFC 5508 asks for a consistent one. */
		wr16(in + 10, 0);
		wr16(in + 10, fw_cksum(in, ihl));
		ndst = f->addr[r][0];
		if (osrc == f->addr[e][0])
			nsrc = f->addr[r][1];
		/* ICMP checksum over the whole (changed) message. */
		wr16(p->l4 + 2, 0);
		wr16(p->l4 + 2, fw_cksum(p->l4, p->l4len));
		rewrite_ip(p->ip, nsrc, ndst);
		v->translated = true;
		ctx->st.nat_translated++;
		ctx->st.icmp_errors_translated++;
	}
	v->action = FW_VERDICT_PASS;
	ctx->st.passed++;
	ctx->ifs[in_if].st.in_pass++;
	ctx->ifs[out_if].st.out_pass++;
	return 0;
}

/*
 * Peeks at the key of a plain (unfragmented, option-less) TCP/UDP/ICMP query
 * packet without validating it; false when there is nothing to prefetch.
 */
static bool
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
		if (icmp_is_request(ip[20]))
			k->sport = rd16(ip + 24);
		else if (icmp_is_query(ip[20]))
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
			p->rc = process_one(ctx, now, p->data, p->len,
			    p->in_if, p->out_if, p->flags, &p->verdict,
			    have[q] ? &key[q] : NULL, have[q] ? hash[q] : 0);
			if (p->rc == 0)
				passed++;
		}
	}
	return passed;
}
