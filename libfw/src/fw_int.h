/*
 * fw_int.h - internals of libfw shared by its source files.
 *
 * Files by concern (each with its CUnit file in tests/libfw):
 *   parse.c      IPv4 / transport validation, key extraction   test_badinput.c
 *   conntrack.c  TCP state machine and sequence tracking,      test_tcp.c
 *                timeouts, new connections
 *   policy.c     rules: configuration and matching             test_policy.c
 *   nat.c        NAT definitions, port allocation, rewriting   test_nat.c
 *   icmp.c       ICMP error translation                        test_icmp.c
 *   frag.c       fragment trackers                             test_frag.c
 *   mss.c        TCP MSS clamping                              test_mss.c
 *   iface.c      interfaces, anti-spoofing, user tags          test_iface.c
 *   quota.c      per-source counters, quotas, eviction         test_quota.c
 *   process.c    fw_process / fw_process_burst, drops, IPsec   test_ipsec.c
 *   table.c      flow table and index                          test_table.c
 *   ctx.c        context, logging, names, stats, enumeration   test_ctx.c
 *   cksum.c      RFC 1071 / RFC 1624 checksums                 test_table.c
 */
#ifndef FW_INT_H
#define FW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <roadgate/fw.h>

/* Flow flags (struct flow.flags). */
#define FL_USED 0x01
#define FL_NAT 0x02      /* tuples differ: packets are rewritten */
#define FL_REPLIED 0x04
#define FL_REVERSE 0x08  /* created by a reverse-NAT rule */
#define FL_IPSEC 0x10    /* admitted by an encap=ipsec rule: direction 0
                          * carries the tag fw_ctx.ftag[] */
#define FL_SIMOPEN 0x20  /* TCP simultaneous open: SYN+ACK both ways */
#define FL_ASSURED 0x40  /* confirmed: TCP established, or the opener sent
                          * again after a reply */
#define FL_IPSEC_R 0x80  /* opened from the private side, the reply tuple
                          * matches an encap=ipsec rule: direction 1 needs
                          * a tag (fw_ctx.ftag[], 0 until the first reply) */

/* More flags (struct flow.xflags). */
#define FX_FIN0 0x01     /* FIN seen in direction 0 */
#define FX_FIN1 0x02     /* FIN seen in direction 1 */
#define FX_FINS 0x03
#define FX_SRCQ 0x04     /* counted in fw_ctx.srcq (untrusted origin) */
#define FX_RULEQ 0x08    /* counted in its rule's live count */
#define FX_LEARN_OUT 0x10 /* reply interface learned from the first reply */
#define FX_SEQ1 0x20     /* TCP: side 1's sequence numbers are known */
#define FX_TRUST 0xc0    /* trust of the opener's interface (TRUST_*) */
#define FX_TRUST_SHIFT 6

/* Trust of the interface a connection was opened from (eviction order). */
#define TRUST_PUBLIC 0   /* a public interface (a dynamic member of a
                          * public class included) */
#define TRUST_DYNAMIC 1  /* a dynamic member of a private class (VPN user) */
#define TRUST_PRIVATE 2  /* a private interface or the gateway */

/* TCP flags and IPv4 fragment field. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

/*
 * One tracked connection, 64 bytes (one cache line: everything an
 * established packet reads or writes).  t[d] is the tuple of direction d as
 * it appears on the wire before translation: d = 0 original, d = 1 reply.
 * A packet matching t[d] is rewritten to the inverse of t[1 - d].  The
 * colder per-flow data (IPsec tag, rule number) live in fw_ctx.ftag[] and
 * fw_ctx.frule[] under the same index.
 *
 * TCP (conntrack.c): seq_end[d] is the highest sequence number side d has
 * sent plus its length (SYN and FIN count one), i.e. side d's SND.NXT as
 * seen here; seq_ack[d] the highest acknowledgement side d has sent (its
 * RCV.NXT as seen here), or the other side's ISN before its first ACK.
 * seq_ack[1 - d] <= seq_end[d] always holds (modulo 2^32).
 */
struct flow {
	uint32_t addr[2][2];      /* [dir][0 = src, 1 = dst] */
	uint16_t port[2][2];      /* [dir][0 = sport, 1 = dport] */
	uint64_t expires;         /* ns */
	uint32_t packets[2];
	uint32_t seq_end[2];      /* TCP */
	union {
		uint32_t seq_ack[2];  /* TCP */
		uint32_t next_free;   /* free slot: free list link (index + 1) */
	};
	uint16_t in_if, out_if;
	uint8_t proto;
	uint8_t state;            /* enum fw_tcp_state */
	uint8_t flags;            /* FL_* */
	uint8_t xflags;           /* FX_* */
};

struct frag {
	uint32_t src, dst;
	uint32_t flow;            /* index + 1; 0 = free */
	uint32_t seq;             /* TCP: the first fragment's sequence number */
	uint16_t id;
	uint16_t first_end;       /* payload bytes of the first fragment */
	uint16_t in_if;           /* the first fragment's interface */
	uint8_t proto;
	uint8_t dir;
	uint8_t counted;          /* counted in fw_ctx.fragq */
	uint8_t doff;             /* TCP: header bytes of the first fragment */
	uint8_t fin;              /* TCP: the segment carries a FIN */
	uint64_t expires;
};

/* Counters by source address (quota.c): open addressing over an array of
 * any size (multiply-shift reduction), linear probing, backward-shift
 * deletion; address 0 (never a valid source) marks an empty slot. */
struct srcent {
	uint32_t addr;
	uint32_t n;
};

struct srctab {
	struct srcent *e;
	uint32_t size;
};

struct ifent {
	bool used;
	bool dynamic;
	uint8_t type;
	uint16_t mss_clamp;       /* 0 = off */
	uint32_t address;
	uint32_t peer_addr;       /* anti-spoofing source, 0 = none */
	uint64_t user;
	struct fw_if_stats st;
	uint32_t nflows;          /* flow sides (in_if, out_if) on it */
};

struct rule {
	struct fw_rule_cfg c;
	uint64_t hits;
	uint32_t live;            /* connections counted (FX_RULEQ) */
	uint32_t quota;           /* c.max_flows or the context default */
};

struct fw_ctx {
	struct fw_hooks hooks;
	struct fw_config cfg;
	uint64_t k0, k1;          /* keyed hash */

	void *flow_mem;
	struct flow *flows;       /* max_flows, 64-byte aligned */
	uint64_t *ftag;           /* max_flows: IPsec tag (FL_IPSEC[_R]) */
	uint32_t *frule;          /* max_flows: rule number, 0 = policy */
	uint32_t free_head;       /* index + 1 */
	uint32_t hwm;             /* highest flow index ever used + 1: the
	                           * free list is LIFO, so the scans of
	                           * fw_interface_remove and fw_sweep stop
	                           * at the peak of live flows, not at
	                           * max_flows */
	uint32_t hand;            /* eviction clock hand */
	uint64_t *idx;            /* open addressing index */
	uint64_t idx_mask;

	struct frag *frags;
	uint32_t frag_mask;
	uint32_t frags_live;

	struct srctab srcq;       /* live untrusted connections per source */
	struct srctab fragq;      /* counted fragment trackers per source */

	struct ifent *ifs;
	uint8_t dyn_type;         /* type of the dynamic class, 0 undefined */
	uint64_t dyn_user;        /* user tag of the dynamic class */
	struct rule *rules;
	uint16_t nrules;
	uint16_t nencap;          /* encap=ipsec allow rules */
	struct fw_nat_cfg *nats;
	uint16_t nnats;

	uint64_t next_sweep;
	uint32_t log_budget;
	struct fw_stats st;
};

/* Key of one direction of a flow. */
struct key {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
};

/* A parsed packet (parse.c fills it; the rest of the path reads it). */
struct pkt {
	uint8_t *ip;
	size_t tot;       /* IPv4 total length; 0 = header not trustworthy */
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
	uint8_t learn;    /* LEARN_*: applied by fw_learn() once it passes */
	uint32_t tcp_seq, tcp_ack;
	uint32_t tcp_len; /* TCP payload bytes in this packet */
	uint32_t tcp_doff; /* TCP header bytes */
	struct key k;
	uint64_t ipsec;   /* the caller's IPsec tag (fw_pkt.ipsec) */
	uint64_t detail;  /* for the drop log: the connection's tag
	                   * (IPSEC_MISMATCH), the peer address (SPOOFED),
	                   * the expected interface (WRONG_IF), the window
	                   * (TCP_WINDOW: lo << 32 | hi), the quota */
};

/* What a packet teaches its connection when it passes (struct pkt.learn). */
#define LEARN_TAG 0x01    /* its IPsec tag (FL_IPSEC_R, first reply) */
#define LEARN_IF 0x02     /* its interface (FX_LEARN_OUT, first reply) */

#define FW_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define FW_SIPROUND do { \
	v0 += v1; v1 = FW_ROTL(v1, 13); v1 ^= v0; v0 = FW_ROTL(v0, 32); \
	v2 += v3; v3 = FW_ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = FW_ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = FW_ROTL(v1, 17); v1 ^= v2; v2 = FW_ROTL(v2, 32); \
} while (0)

/*
 * SipHash-1-3 of the two 64-bit words of a key (16 bytes) under the
 * context's key.  Inline: it is on every packet's path.
 */
static inline uint64_t
fw_hash_key(const struct fw_ctx *ctx, const struct key *k)
{
	uint64_t m0 = ((uint64_t)k->src << 32) | k->dst;
	uint64_t m1 = ((uint64_t)k->sport << 48) | ((uint64_t)k->dport << 32) |
	    k->proto;
	uint64_t v0 = ctx->k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = ctx->k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = ctx->k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = ctx->k1 ^ 0x7465646279746573ULL;
	uint64_t b = (uint64_t)16 << 56;

	v3 ^= m0; FW_SIPROUND; v0 ^= m0;
	v3 ^= m1; FW_SIPROUND; v0 ^= m1;
	v3 ^= b; FW_SIPROUND; v0 ^= b;
	v2 ^= 0xff;
	FW_SIPROUND; FW_SIPROUND; FW_SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static inline bool
fw_key_eq(const struct key *a, const struct key *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	    a->dport == b->dport && a->proto == b->proto;
}

/* ICMP types (RFC 792): queries carry an identifier, errors a quote. */
static inline bool
fw_icmp_is_query(uint8_t t)
{
	return t == 8 || t == 0 || t == 13 || t == 14;
}

static inline bool
fw_icmp_is_request(uint8_t t)
{
	return t == 8 || t == 13;
}

static inline bool
fw_icmp_is_error(uint8_t t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* table.c */
struct flow *fw_flow_lookup(struct fw_ctx *ctx, const struct key *k, int *dir);
/* The same with h = fw_hash_key(ctx, k) already computed. */
struct flow *fw_flow_lookup_h(struct fw_ctx *ctx, const struct key *k,
    uint64_t h, int *dir);
/* Inserts a connection (in_if, out_if, flags, xflags with the opener's
 * trust); a full table evicts (fw_evict).  Returns 0 or FW_E_TABLE_FULL. */
int fw_flow_insert(struct fw_ctx *ctx, uint64_t now, const struct key *orig,
    uint64_t ho, const struct key *reply, uint64_t hr, uint16_t in_if,
    uint16_t out_if, uint8_t fflags, uint8_t xflags, struct flow **out);
void fw_flow_remove(struct fw_ctx *ctx, struct flow *f);
int fw_sweep(struct fw_ctx *ctx, uint64_t now);

/* ctx.c */
void fw_log(struct fw_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Takes one drop-log line from the budget; false (and counted as
 * suppressed) when the budget is spent. */
bool fw_logdrop_budget(struct fw_ctx *ctx);
const char *fw_ipstr(uint32_t a, char buf[16]);

/* iface.c */
const struct ifent *fw_if_get(const struct fw_ctx *ctx, uint16_t id);

/* True if a rule or NAT definition for interface rif applies to in_if (a
 * known interface; the dynamic class applies to its members). */
static inline bool
fw_if_matches(const struct fw_ctx *ctx, uint16_t rif, uint16_t in_if)
{
	if (rif == in_if)
		return true;
	return rif == FW_IF_DYNAMIC && ctx->ifs[in_if].dynamic;
}

/* Type of an interface (a dynamic member takes its class's), 0 unknown. */
static inline uint8_t
fw_if_type(const struct fw_ctx *ctx, uint16_t id)
{
	const struct ifent *e;

	if (id >= ctx->cfg.max_interfaces || !ctx->ifs[id].used)
		return 0;
	e = &ctx->ifs[id];
	return e->dynamic ? ctx->dyn_type : e->type;
}

/* parse.c */
int fw_parse(struct pkt *p, uint8_t *ip, size_t len);

/* Sources nobody may send from: 0.0.0.0, loopback, multicast, broadcast. */
static inline bool
fw_bad_source(uint32_t a)
{
	return a == 0 || (a >> 24) == 127 || (a >> 28) == 0xe ||
	    a == 0xffffffffu;
}

/* conntrack.c */
int fw_tcp_track(struct fw_ctx *ctx, struct flow *f, int d, struct pkt *p);
void fw_tcp_frag_end(struct flow *f, int d, uint32_t seq, uint32_t end);
void fw_reply_ipsec(struct fw_ctx *ctx, struct flow *f);
int fw_conn_new(struct fw_ctx *ctx, uint64_t now, struct pkt *p, uint64_t h,
    uint16_t in_if, uint16_t out_if, uint8_t in_type, uint8_t out_type,
    struct fw_verdict *v, struct flow **out);

/* Idle timeout of a flow in its current state. */
static inline uint64_t
fw_flow_timeout(const struct fw_ctx *ctx, const struct flow *f)
{
	const struct fw_config *c = &ctx->cfg;

	switch (f->proto) {
	case FW_PROTO_TCP:
		switch (f->state) {
		case FW_TCP_SYN_SENT:
		case FW_TCP_SYN_RECV:
			return c->tcp_syn_timeout_ns;
		case FW_TCP_ESTABLISHED:
			return c->tcp_est_timeout_ns;
		case FW_TCP_CLOSED:
			return c->tcp_rst_timeout_ns;
		default:
			return c->tcp_fin_timeout_ns;
		}
	case FW_PROTO_ICMP:
		return c->icmp_timeout_ns;
	default:
		return (f->flags & FL_REPLIED) ? c->udp_stream_timeout_ns :
		    c->udp_timeout_ns;
	}
}

/*
 * encap=ipsec (fw.h): a packet of direction d of f, carrying p->ipsec.
 * FL_IPSEC: the peer's side (d = 0) must carry the connection's tag.
 * FL_IPSEC_R: the reply direction must carry a tag: any when FL_IPSEC too
 * (one road warrior may answer another), else the one its first tagged
 * reply brought (p->learn asks the caller to remember it once the packet
 * passes).  Returns 0, FW_E_NEED_IPSEC or FW_E_IPSEC_MISMATCH (p->detail =
 * the connection's tag, for the log).
 */
static inline int
fw_ipsec_check(const struct fw_ctx *ctx, const struct flow *f, int d,
    struct pkt *p)
{
	uint64_t tag;

	if (__builtin_expect(!(f->flags & (FL_IPSEC | FL_IPSEC_R)), 1))
		return 0;
	if (d == 0) {
		if (!(f->flags & FL_IPSEC))
			return 0;
	} else {
		if (!(f->flags & FL_IPSEC_R))
			return 0;
		if (p->ipsec == 0)
			return FW_E_NEED_IPSEC;
		if (f->flags & FL_IPSEC)
			return 0;
	}
	tag = ctx->ftag[f - ctx->flows];
	if (p->ipsec == tag)
		return 0;
	if (p->ipsec == 0)
		return FW_E_NEED_IPSEC;
	if (tag == 0) {
		/* FL_IPSEC_R before the first reply. */
		p->learn |= LEARN_TAG;
		return 0;
	}
	p->detail = tag;
	return FW_E_IPSEC_MISMATCH;
}

/*
 * Interfaces (fw.h): a packet of direction d of f entering through in_if
 * (of type in_type) must enter through the connection's interface of that
 * direction.  A reply-direction packet of an FX_LEARN_OUT connection (a
 * reverse-NAT connection to the gateway's address: the caller routes the
 * translated packet) entering through a non-public interface teaches it its
 * reply interface (p->learn, applied once the packet passes).  Returns 0 or
 * FW_E_WRONG_IF (p->detail = the expected interface).
 */
static inline int
fw_if_check(const struct flow *f, int d, uint16_t in_if, uint8_t in_type,
    struct pkt *p)
{
	uint16_t want = d ? f->out_if : f->in_if;

	if (__builtin_expect(in_if == want, 1))
		return 0;
	if (d == 1 && (f->xflags & FX_LEARN_OUT) && in_type != FW_IF_PUBLIC) {
		p->learn |= LEARN_IF;
		return 0;
	}
	p->detail = want;
	return FW_E_WRONG_IF;
}

/*
 * The key a connection counts under in max_flows_per_source: its source
 * address, or, for one admitted by an encap=ipsec rule with a tag, its IPsec
 * peer (the tag, keyed with the context's SipHash key into the same 32-bit
 * space): clients behind one NAT share an address but are different peers.
 */
static inline uint32_t
fw_quota_key(const struct fw_ctx *ctx, uint32_t src, uint64_t ipsec_tag)
{
	struct key k;

	if (ipsec_tag == 0)
		return src;
	k.src = (uint32_t)ipsec_tag;
	k.dst = (uint32_t)(ipsec_tag >> 32);
	k.sport = 0xffff;
	k.dport = 0xffff;
	k.proto = 0xff;
	return (uint32_t)(fw_hash_key(ctx, &k) >> 32) | 1u;
}

uint32_t fw_srctab_get(const struct fw_ctx *ctx, const struct srctab *t,
    uint32_t addr);
bool fw_srctab_inc(const struct fw_ctx *ctx, struct srctab *t,
    uint32_t addr);
void fw_srctab_dec(const struct fw_ctx *ctx, struct srctab *t,
    uint32_t addr);

/* Applies what a passing packet of f taught it (p->learn). */
static inline void
fw_learn(struct fw_ctx *ctx, struct flow *f, const struct pkt *p,
    uint16_t in_if)
{
	if (p->learn & LEARN_TAG) {
		/* A connection counted under its untagged opener moves to its
		 * peer's share. */
		if ((f->flags & FL_IPSEC) && (f->xflags & FX_SRCQ)) {
			fw_srctab_dec(ctx, &ctx->srcq, fw_quota_key(ctx, f->addr[0][0],
			    ctx->ftag[f - ctx->flows]));
			if (!fw_srctab_inc(ctx, &ctx->srcq, fw_quota_key(ctx,
			    f->addr[0][0], p->ipsec)))
				f->xflags &= (uint8_t)~FX_SRCQ;
		}
		ctx->ftag[f - ctx->flows] = p->ipsec;
	}
	if (p->learn & LEARN_IF) {
		/* The flow moves to another interface's count. */
		if (f->out_if < ctx->cfg.max_interfaces)
			ctx->ifs[f->out_if].nflows--;
		if (in_if < ctx->cfg.max_interfaces)
			ctx->ifs[in_if].nflows++;
		f->out_if = in_if;
		f->xflags &= (uint8_t)~FX_LEARN_OUT;
	}
}

/* quota.c */

bool fw_evict(struct fw_ctx *ctx, uint64_t now, unsigned trust,
    const struct rule *r);
/* The accounting of a flow being removed (FX_SRCQ, FX_RULEQ). */
void fw_quota_release(struct fw_ctx *ctx, struct flow *f);

/* policy.c */
struct rule *fw_rule_match(struct fw_ctx *ctx, const struct pkt *p,
    uint16_t in_if, bool *need_ipsec);
/* The rule with this number, or NULL (binary search). */
struct rule *fw_rule_find(const struct fw_ctx *ctx, uint32_t number);
/* True if a packet with key k entering through in_if, had it come out of
 * IPsec, would be admitted by an encap=ipsec allow rule (the first match). */
bool fw_rule_wants_ipsec(struct fw_ctx *ctx, const struct key *k,
    uint16_t in_if);

/* nat.c */
/* The reply side of a new connection (fw_nat_setup). */
struct reply {
	struct key k;             /* the reply tuple */
	uint64_t h;               /* fw_hash_key(k) */
	struct flow *holder;      /* the flow indexed under k (live or
	                           * expired), NULL if none */
	uint8_t fflags;           /* FL_NAT, FL_REVERSE */
};
int fw_nat_setup(struct fw_ctx *ctx, uint64_t now, const struct pkt *p,
    const struct rule *r, uint16_t in_if, uint16_t out_if, uint8_t in_type,
    uint8_t out_type, struct reply *rp);
void fw_translate(const struct flow *f, int d, struct pkt *p);
void fw_rewrite_ip(uint8_t *ip, uint32_t src, uint32_t dst);

/* icmp.c */
int fw_icmp_error(struct fw_ctx *ctx, uint64_t now, struct pkt *p,
    uint16_t in_if, uint8_t in_type, struct fw_verdict *v);

/* frag.c */
struct frag *fw_frag_slot(struct fw_ctx *ctx, uint64_t now,
    const struct pkt *p);
/* True if fr is the live tracker of p's datagram. */
bool fw_frag_is(const struct frag *fr, uint64_t now, const struct pkt *p);
int fw_frag_follow(struct fw_ctx *ctx, uint64_t now, struct pkt *p,
    uint16_t in_if, struct flow **f, int *d);
void fw_frag_record(struct fw_ctx *ctx, uint64_t now, struct frag *fr,
    const struct pkt *p, uint16_t in_if, bool counted, const struct flow *f,
    int d);
/* Frees tracker fr (its quota count included). */
void fw_frag_free(struct fw_ctx *ctx, struct frag *fr);

/* mss.c */
bool fw_mss_clamp(struct pkt *p, uint16_t clamp);

/* process.c */
int fw_drop(struct fw_ctx *ctx, const struct pkt *p, uint16_t in_if,
    int reason, struct fw_verdict *v);

/* cksum.c */
uint16_t fw_cksum(const uint8_t *p, size_t len);

/*
 * RFC 1624 section 3, eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word
 * changing from old (m) to new (m').  All values as read big-endian.
 */
static inline uint16_t
fw_cksum_adj16(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t s;

	s = (uint32_t)(uint16_t)~hc + (uint16_t)~old + new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The same for a 32-bit field (an address): two 16-bit words. */
static inline uint16_t
fw_cksum_adj32(uint16_t hc, uint32_t old, uint32_t new)
{
	hc = fw_cksum_adj16(hc, (uint16_t)(old >> 16), (uint16_t)(new >> 16));
	return fw_cksum_adj16(hc, (uint16_t)old, (uint16_t)new);
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* FW_INT_H */
