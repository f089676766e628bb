/*
 * fw_int.h - internals of libfw shared by its source files.
 */
#ifndef FW_INT_H
#define FW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <roadgate/fw.h>

/* Flow flags. */
#define FL_USED 0x01
#define FL_NAT 0x02      /* tuples differ: packets are rewritten */
#define FL_REPLIED 0x04
#define FL_REVERSE 0x08  /* created by a reverse-NAT rule */
#define FL_IPSEC 0x10    /* admitted by an encap=ipsec rule */
#define FL_SIMOPEN 0x20  /* TCP simultaneous open: SYN+ACK both ways */

/*
 * One tracked connection, 64 bytes.  t[d] is the tuple of direction d as it
 * appears on the wire before translation: d = 0 original, d = 1 reply.  A
 * packet matching t[d] is rewritten to the inverse of t[1 - d].
 */
struct flow {
	uint32_t addr[2][2];      /* [dir][0 = src, 1 = dst] */
	uint16_t port[2][2];      /* [dir][0 = sport, 1 = dport] */
	uint64_t expires;         /* ns */
	uint32_t packets[2];
	uint32_t rule;
	uint32_t next_free;       /* free list link (index + 1) */
	uint16_t in_if, out_if;
	uint8_t proto;
	uint8_t state;            /* enum fw_tcp_state */
	uint8_t flags;
	uint8_t fins;             /* bit d: FIN seen in direction d */
	uint8_t pad[8];
};

struct frag {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint8_t dir;
	uint32_t flow;            /* index + 1; 0 = free */
	uint16_t first_end;       /* payload bytes of the first fragment */
	uint64_t expires;
};

struct ifent {
	bool used;
	bool dynamic;
	uint8_t type;
	uint32_t address;
	struct fw_if_stats st;
};

struct rule {
	struct fw_rule_cfg c;
	uint64_t hits;
};

struct fw_ctx {
	struct fw_hooks hooks;
	struct fw_config cfg;
	uint64_t k0, k1;          /* keyed hash */

	void *flow_mem;
	struct flow *flows;       /* max_flows, 64-byte aligned */
	uint32_t free_head;       /* index + 1 */
	uint32_t hand;            /* eviction clock hand */
	uint64_t *idx;            /* open addressing index */
	uint64_t idx_mask;

	struct frag *frags;
	uint32_t frag_mask;
	uint32_t frags_live;

	struct ifent *ifs;
	uint8_t dyn_type;         /* type of the dynamic class, 0 undefined */
	struct rule *rules;
	uint16_t nrules;
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

/* table.c */
struct flow *fw_flow_lookup(struct fw_ctx *ctx, const struct key *k, int *dir);
/* The same with h = fw_hash_key(ctx, k) already computed. */
struct flow *fw_flow_lookup_h(struct fw_ctx *ctx, const struct key *k,
    uint64_t h, int *dir);
int fw_flow_insert(struct fw_ctx *ctx, uint64_t now, const struct key *orig,
    const struct key *reply, struct flow **out);
void fw_flow_remove(struct fw_ctx *ctx, struct flow *f);
bool fw_key_in_use(struct fw_ctx *ctx, uint64_t now, const struct key *k);
int fw_sweep(struct fw_ctx *ctx, uint64_t now);

/* ctx.c */
void fw_log(struct fw_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void fw_logdrop(struct fw_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const struct ifent *fw_if_get(const struct fw_ctx *ctx, uint16_t id);

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
