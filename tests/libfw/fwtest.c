/* Helpers of libfw's unit tests (see fwtest.h). */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

int
fwt_process(struct fw_ctx *ctx, uint64_t now, uint8_t *b, size_t n,
    uint16_t in_if, uint16_t out_if, uint64_t ipsec, struct fw_verdict *v)
{
	struct fw_pkt p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.data = b;
	p.len = n;
	p.in_if = in_if;
	p.out_if = out_if;
	p.ipsec = ipsec;
	p.rc = 12345;
	rc = fw_process(ctx, now, &p);
	CU_ASSERT_EQUAL(p.rc, rc);
	CU_ASSERT_EQUAL(p.verdict.reason, rc);
	CU_ASSERT_EQUAL(p.verdict.action, rc == 0 ? FW_VERDICT_PASS :
	    FW_VERDICT_DROP);
	*v = p.verdict;
	return rc;
}

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)get16(p) << 16) | get16(p + 2);
}

static uint16_t ipid = 0x1000;

static void
iphdr(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst, size_t tot)
{
	memset(b, 0, 20);
	b[0] = 0x45;                 /* version 4, IHL 5 */
	put16(b + 2, (uint16_t)tot); /* total length */
	put16(b + 4, ipid++);        /* identification */
	b[8] = 64;                   /* TTL */
	b[9] = proto;
	put32(b + 12, src);
	put32(b + 16, dst);
	put16(b + 10, sum16(b, 20, 0));
}

void
fwt_fix_ipsum(uint8_t *b)
{
	put16(b + 10, 0);
	put16(b + 10, sum16(b, (size_t)(b[0] & 0xf) * 4, 0));
}

size_t
fwt_frag(uint8_t *b, uint16_t id, uint16_t off8, bool mf, size_t keep)
{
	put16(b + 2, (uint16_t)(20 + keep));           /* total length */
	put16(b + 4, id);                              /* identification */
	put16(b + 6, (uint16_t)((mf ? 0x2000 : 0) | (off8 & 0x1fff)));
	fwt_fix_ipsum(b);
	return 20 + keep;
}

static uint32_t
pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	return get16(ip + 12) + get16(ip + 14) + get16(ip + 16) +
	    get16(ip + 18) + proto + (uint32_t)l4len;
}

/* The sequence / acknowledgement numbers fwt_tcp() gives a segment: those
 * of a handshake between a client with ISN 1000 and a server with ISN 5000,
 * the client's after it (see fwtest.h). */
static void
conv_seq(uint8_t flags, uint32_t *seq, uint32_t *ack)
{
	if ((flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		*seq = FWT_ISN_C;
		*ack = 0;
	} else if (flags & TH_SYN) {
		*seq = FWT_ISN_S;
		*ack = FWT_ISN_C + 1;
	} else {
		*seq = FWT_ISN_C + 1;
		*ack = (flags & TH_ACK) ? FWT_ISN_S + 1 : 0;
	}
}

size_t
fwt_tcp(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
    uint8_t flags, size_t payload)
{
	uint32_t seq, ack;

	conv_seq(flags, &seq, &ack);
	return fwt_tcp_seq(b, src, sp, dst, dp, flags, seq, ack, payload);
}

size_t
fwt_tcp_seq(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
    uint8_t flags, uint32_t seq, uint32_t ack, size_t payload)
{
	uint8_t *t = b + 20;
	size_t i;

	iphdr(b, 6, src, dst, 40 + payload);
	memset(t, 0, 20);
	put16(t, sp);
	put16(t + 2, dp);
	put32(t + 4, seq);        /* sequence */
	put32(t + 8, ack);        /* acknowledgement */
	t[12] = 5 << 4;           /* data offset */
	t[13] = flags;
	put16(t + 14, 65535);     /* window */
	for (i = 0; i < payload; i++)
		t[20 + i] = (uint8_t)(i * 7);
	put16(t + 16, sum16(t, 20 + payload, pseudo(b, 6, 20 + payload)));
	return 40 + payload;
}

size_t
fwt_tcp_opts(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst,
    uint16_t dp, uint8_t flags, const uint8_t *opts, size_t optlen)
{
	uint8_t *t = b + 20;
	size_t l4 = 20 + optlen;
	uint32_t seq, ack;

	conv_seq(flags, &seq, &ack);
	iphdr(b, 6, src, dst, 20 + l4);
	memset(t, 0, 20);
	put16(t, sp);
	put16(t + 2, dp);
	put32(t + 4, seq);        /* sequence */
	put32(t + 8, ack);        /* acknowledgement */
	t[12] = (uint8_t)((l4 / 4) << 4); /* data offset */
	t[13] = flags;
	put16(t + 14, 65535);     /* window */
	memcpy(t + 20, opts, optlen);
	put16(t + 16, sum16(t, l4, pseudo(b, 6, l4)));
	return 20 + l4;
}

size_t
fwt_udp(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
    size_t payload)
{
	uint8_t *u = b + 20;
	size_t i;
	uint16_t c;

	iphdr(b, 17, src, dst, 28 + payload);
	put16(u, sp);
	put16(u + 2, dp);
	put16(u + 4, (uint16_t)(8 + payload));
	put16(u + 6, 0);
	for (i = 0; i < payload; i++)
		u[8 + i] = (uint8_t)(i * 3 + 1);
	c = sum16(u, 8 + payload, pseudo(b, 17, 8 + payload));
	put16(u + 6, c == 0 ? 0xffff : c);
	return 28 + payload;
}

size_t
fwt_icmp_echo(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type,
    uint16_t id, uint16_t seq)
{
	uint8_t *c = b + 20;

	iphdr(b, 1, src, dst, 20 + 8 + 16);
	memset(c, 0, 24);
	c[0] = type;
	put16(c + 4, id);
	put16(c + 6, seq);
	memcpy(c + 8, "abcdefghijklmnop", 16);
	put16(c + 2, sum16(c, 24, 0));
	return 44;
}

size_t
fwt_icmp_error(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type,
    uint8_t code, const uint8_t *q, size_t qlen)
{
	uint8_t *c = b + 20;

	iphdr(b, 1, src, dst, 28 + qlen);
	memset(c, 0, 8);
	c[0] = type;
	c[1] = code;
	memcpy(c + 8, q, qlen);
	put16(c + 2, sum16(c, 8 + qlen, 0));
	return 28 + qlen;
}

bool
fwt_ipsum_ok(const uint8_t *b)
{
	return sum16(b, (size_t)(b[0] & 0xf) * 4, 0) == 0;
}

bool
fwt_checksums_ok(const uint8_t *b, size_t len)
{
	size_t hl = (size_t)(b[0] & 0xf) * 4, l4len = len - hl;
	const uint8_t *l4 = b + hl;

	if (sum16(b, hl, 0) != 0)
		return false;
	switch (b[9]) {
	case 6:
		return sum16(l4, l4len, pseudo(b, 6, l4len)) == 0;
	case 17:
		if (get16(l4 + 6) == 0)
			return true;
		return sum16(l4, l4len, pseudo(b, 17, l4len)) == 0;
	case 1:
		return sum16(l4, l4len, 0) == 0;
	default:
		return true;
	}
}

uint32_t fwt_src(const uint8_t *b) { return get32(b + 12); }
uint32_t fwt_dst(const uint8_t *b) { return get32(b + 16); }
uint16_t fwt_sport(const uint8_t *b) { return get16(b + 20); }
uint16_t fwt_dport(const uint8_t *b) { return get16(b + 22); }

int
fwt_add_ppp(struct fw_ctx *ctx, uint16_t id)
{
	struct fw_interface_cfg i = { .size = sizeof(i), .id = id,
	    .dynamic = true };

	return fw_interface_add(ctx, &i);
}

int
fwt_add_ppp_cfg(struct fw_ctx *ctx, uint16_t id, uint32_t peer,
    uint16_t mss_clamp, uint64_t user)
{
	struct fw_interface_cfg i = { .size = sizeof(i), .id = id,
	    .dynamic = true, .peer_addr = peer, .mss_clamp = mss_clamp,
	    .user = user };

	return fw_interface_add(ctx, &i);
}

int
fwt_seed_policy(struct fw_ctx *ctx)
{
	/* add fire policy=main int=vlan1 type=private */
	struct fw_interface_cfg vlan1 = { .size = sizeof(vlan1),
	    .id = IF_VLAN1, .type = FW_IF_PRIVATE };
	/* add fire policy=main int=dyn-dynamic type=private */
	struct fw_interface_cfg dyn = { .size = sizeof(dyn),
	    .id = FW_IF_DYNAMIC, .type = FW_IF_PRIVATE };
	/* add fire policy=main int=eth0 type=public */
	struct fw_interface_cfg eth0 = { .size = sizeof(eth0),
	    .id = IF_ETH0, .type = FW_IF_PUBLIC, .address = OFFICE };
	/* nat=enhanced int=vlan1 gblinterface=eth0 */
	struct fw_nat_cfg n1 = { .size = sizeof(n1), .type = FW_NAT_ENHANCED,
	    .if_id = IF_VLAN1, .gbl_if = IF_ETH0 };
	/* nat=enhanced int=dyn-dynamic gblinterface=eth0 */
	struct fw_nat_cfg n2 = { .size = sizeof(n2), .type = FW_NAT_ENHANCED,
	    .if_id = FW_IF_DYNAMIC, .gbl_if = IF_ETH0 };
	/* rule=1 int=eth0 action=allow protocol=udp ip=O port=500 gblip=O
	 * gblport=500 */
	struct fw_rule_cfg r1 = { .size = sizeof(r1), .number = 1,
	    .if_id = IF_ETH0, .action = FW_ALLOW, .protocol = FW_PROTO_UDP,
	    .ip_min = OFFICE, .ip_max = OFFICE, .port_min = 500, .port_max = 500,
	    .gbl_ip = OFFICE,
	    .gbl_port_min = 500, .gbl_port_max = 500 };
	struct fw_rule_cfg r2 = r1, r3 = r1;
	int rc;

	r2.number = 2;
	r2.port_min = r2.port_max = r2.gbl_port_min = r2.gbl_port_max = 4500;
	r3.number = 3;
	r3.port_min = r3.port_max = r3.gbl_port_min = r3.gbl_port_max = 1701;
	r3.encap_ipsec = true;
	if ((rc = fw_interface_add(ctx, &vlan1)) != 0 ||
	    (rc = fw_interface_add(ctx, &dyn)) != 0 ||
	    (rc = fw_interface_add(ctx, &eth0)) != 0 ||
	    (rc = fw_nat_add(ctx, &n1)) != 0 ||
	    (rc = fw_nat_add(ctx, &n2)) != 0 ||
	    (rc = fw_rule_add(ctx, &r1)) != 0 ||
	    (rc = fw_rule_add(ctx, &r2)) != 0 ||
	    (rc = fw_rule_add(ctx, &r3)) != 0)
		return rc;
	return 0;
}

/* The hooks share one user pointer (the struct fwt); these forward to the
 * testsupport callbacks with their own state. */
static int
h_rng(void *user, void *buf, size_t len)
{
	return ts_rng_cb(&((struct fwt *)user)->rng, buf, len);
}

static void *
h_alloc(void *user, size_t n)
{
	return ts_alloc_cb(&((struct fwt *)user)->alloc, n);
}

static void
h_free(void *user, void *p)
{
	ts_free_cb(&((struct fwt *)user)->alloc, p);
}

static void
h_log(void *user, int level, const char *msg)
{
	ts_log_cb(&((struct fwt *)user)->log, level, msg);
}

void
fwt_hooks(struct fwt *t)
{
	ts_rng_init(&t->rng, 7);
	ts_alloc_init(&t->alloc);
	ts_log_init(&t->log);
	t->hooks.user = t;
	t->hooks.rng = h_rng;
	t->hooks.alloc = h_alloc;
	t->hooks.free = h_free;
	t->hooks.log = h_log;
}

int
fwt_init(struct fwt *t, const struct fw_config *cfg, bool seed)
{
	int rc;

	memset(t, 0, sizeof(*t));
	fwt_hooks(t);
	rc = fw_ctx_new(&t->ctx, cfg, &t->hooks);
	if (rc != 0 || !seed)
		return rc;
	return fwt_seed_policy(t->ctx);
}

void
fwt_fini(struct fwt *t)
{
	fw_ctx_free(t->ctx);
	t->ctx = NULL;
}
