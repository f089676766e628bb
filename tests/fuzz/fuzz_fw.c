/*
 * fuzz_fw.c - libFuzzer target over fw_process() and fw_process_burst().
 *
 * Input: a sequence of records [flags:1][len:2 big-endian][packet:len].
 * flags bits 0-1 pick the path (0: LAN -> eth0, 1: eth0 -> LAN,
 * 2: eth0 -> gateway, 3: road warrior -> eth0), bit 2 = came through IPsec
 * (tag 1, or 2 when bit 7 is set too, so that connections of two IPsec
 * peers meet), bits 3-7 advance the clock by that many seconds.  A fresh
 * context with the seed's policy processes every record; the road warrior's
 * interface has an anti-spoofing peer address and an MSS clamp.  Each packet
 * is copied into a buffer of exactly len bytes so reads past it are caught.
 * After the run the connection and NAT iterators are walked and the timers
 * fired.  When the last byte's low nibble is 0xf, the first 32 records go
 * through fw_process_burst() instead.  When it is 0xe, records use the
 * extended paths: flags bits 0-2 pick one of eight (the four above, then
 * gateway -> eth0, a road warrior without anti-spoofing address -> LAN,
 * LAN -> road warrior, eth0 -> road warrior), bit 7 = came through IPsec
 * (tag 1, or 2 when bit 6 is set too), bits 3-5 advance the clock.  Rule 11
 * (UDP 5060 forwarded) has a quota of 2 connections; the other quotas are
 * the defaults for a 64-flow table (16 per source and per rule, 4 fragment
 * trackers per source).
 *
 * Invariants checked (abort on violation): the verdict agrees with the
 * return value; a dropped packet is never modified (fw.h); a passed packet
 * keeps a valid IPv4 header checksum, and a valid transport checksum when it
 * had one (unfragmented TCP, UDP with a checksum, ICMP): every rewrite is an
 * incremental update or a full recomputation.  After every record the
 * quota bookkeeping is audited against the table (fw_int.h): the count of
 * every source equals its connections (and tracked fragments) that count,
 * every rule's live count its counted connections, the index holds two
 * entries per connection.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/fw.h>
#include "fw_int.h"

#define IF_ETH0 1
#define IF_VLAN1 2
#define IF_PPP0 10
#define IF_PPP1 11
#define OFFICE 0xcb007101u   /* 203.0.113.1 */
#define RW_HOST 0xc0a80214u  /* 192.168.2.20, the road warrior (corpus) */

static int
rng(void *user, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint32_t *s = user;
	size_t i;

	for (i = 0; i < len; i++) {
		*s = *s * 1103515245u + 12345u;
		p[i] = (uint8_t)(*s >> 16);
	}
	return 0;
}

/* Log lines are formatted (that code is fuzzed too), then dropped. */
static void
fuzz_log(void *user, int level, const char *msg)
{
	(void)user;
	if (level < 0 || msg == NULL || msg[0] == '\0')
		abort();
}

static void
setup(struct fw_ctx *ctx)
{
	struct fw_interface_cfg i = { .size = sizeof(i) };
	struct fw_nat_cfg n = { .size = sizeof(n), .type = FW_NAT_ENHANCED,
	    .gbl_if = IF_ETH0 };
	struct fw_rule_cfg r = { .size = sizeof(r), .if_id = IF_ETH0,
	    .action = FW_ALLOW, .protocol = FW_PROTO_UDP, .ip_min = OFFICE,
	    .ip_max = OFFICE, .gbl_ip = OFFICE };
	uint16_t ports[3] = { 500, 4500, 1701 };
	uint32_t k;
	int rc = 0;

	i.id = IF_VLAN1;
	i.type = FW_IF_PRIVATE;
	rc |= fw_interface_add(ctx, &i);
	i.id = FW_IF_DYNAMIC;
	rc |= fw_interface_add(ctx, &i);
	i.id = IF_ETH0;
	i.type = FW_IF_PUBLIC;
	i.address = OFFICE;
	rc |= fw_interface_add(ctx, &i);
	i.id = IF_PPP0;
	i.dynamic = true;
	i.address = 0;
	i.peer_addr = RW_HOST;
	i.mss_clamp = 1360;
	rc |= fw_interface_add(ctx, &i);
	i.id = IF_PPP1;
	i.peer_addr = 0;
	i.mss_clamp = 0;
	rc |= fw_interface_add(ctx, &i);
	n.if_id = IF_VLAN1;
	rc |= fw_nat_add(ctx, &n);
	n.if_id = FW_IF_DYNAMIC;
	rc |= fw_nat_add(ctx, &n);
	for (k = 0; k < 3; k++) {
		r.number = k + 1;
		r.port_min = r.port_max = ports[k];
		r.gbl_port_min = r.gbl_port_max = ports[k];
		r.encap_ipsec = k == 2;
		rc |= fw_rule_add(ctx, &r);
	}
	/* A port forward: 203.0.113.1:8080/tcp -> 192.168.1.10:80. */
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.number = 10;
	r.if_id = IF_ETH0;
	r.action = FW_ALLOW;
	r.protocol = FW_PROTO_TCP;
	r.ip_min = r.ip_max = 0xc0a8010a;
	r.port_min = r.port_max = 80;
	r.gbl_ip = OFFICE;
	r.gbl_port_min = r.gbl_port_max = 8080;
	rc |= fw_rule_add(ctx, &r);
	/* A UDP port forward with a quota of 2: 5060 -> 192.168.1.11. */
	r.number = 11;
	r.protocol = FW_PROTO_UDP;
	r.ip_min = r.ip_max = 0xc0a8010b;
	r.port_min = r.port_max = 5060;
	r.gbl_port_min = r.gbl_port_max = 5060;
	r.max_flows = 2;
	rc |= fw_rule_add(ctx, &r);
	/* A deny for a source range (198.51.100.128/25) on eth0. */
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.number = 20;
	r.if_id = IF_ETH0;
	r.action = FW_DENY;
	r.remote_min = 0xc6336480;
	r.remote_max = 0xc63364ff;
	rc |= fw_rule_add(ctx, &r);
	if (rc != 0)
		abort();
}

static uint16_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* 1: the transport checksum verifies; 0: it does not; -1: nothing to check
 * (not a whole option-less TCP/UDP/ICMP datagram, or UDP without one). */
static int
l4_sum_ok(const uint8_t *b, size_t len)
{
	size_t tot, l4;
	uint32_t ps;

	if (len < 20 || b[0] != 0x45)
		return -1;
	tot = ((size_t)b[2] << 8) | b[3];
	if (tot < 28 || tot > len || ((b[6] & 0x3f) | b[7]) != 0)
		return -1;
	l4 = tot - 20;
	ps = (uint32_t)((b[12] << 8) | b[13]) + (uint32_t)((b[14] << 8) |
	    b[15]) + (uint32_t)((b[16] << 8) | b[17]) +
	    (uint32_t)((b[18] << 8) | b[19]) + b[9] + (uint32_t)l4;
	switch (b[9]) {
	case 6:
		return l4 >= 20 ? sum16(b + 20, l4, ps) == 0 : -1;
	case 17:
		if (b[26] == 0 && b[27] == 0)
			return -1;
		return sum16(b + 20, l4, ps) == 0;
	case 1:
		return sum16(b + 20, l4, 0) == 0;
	default:
		return -1;
	}
}

/* The invariants of one processed packet (see the top of the file). */
static void
check(int rc, const struct fw_verdict *v, const uint8_t *after,
    const uint8_t *before, size_t len)
{
	if (v->action != FW_VERDICT_PASS && v->action != FW_VERDICT_DROP)
		abort();
	if (rc != v->reason || (rc == 0) != (v->action == FW_VERDICT_PASS))
		abort();
	if (rc != 0) {
		if (len > 0 && memcmp(after, before, len) != 0)
			abort();
		return;
	}
	if (sum16(after, (size_t)(after[0] & 0x0f) * 4, 0) != 0)
		abort();
	if (l4_sum_ok(before, len) == 1 && l4_sum_ok(after, len) != 1)
		abort();
}

/*
 * The quota bookkeeping against the table: every count recomputed from the
 * flows and trackers that carry it.  O(flows x sources): the table is 64.
 */
/* The key flow i counts under in max_flows_per_source: its source, or its
 * IPsec peer when an encap=ipsec rule admitted it with a tag. */
static uint32_t
quota_key_of(const struct fw_ctx *ctx, uint32_t i)
{
	const struct flow *f = &ctx->flows[i];

	return fw_quota_key(ctx, f->addr[0][0],
	    (f->flags & FL_IPSEC) ? ctx->ftag[i] : 0);
}

static void
audit(const struct fw_ctx *ctx)
{
	uint32_t i, j, n, used = 0, idx = 0;
	uint16_t r;

	for (i = 0; i < ctx->cfg.max_flows; i++) {
		const struct flow *f = &ctx->flows[i];

		if (!(f->flags & FL_USED)) {
			if (f->xflags != 0 || ctx->ftag[i] != 0 ||
			    ctx->frule[i] != 0)
				abort();
			continue;
		}
		used++;
		if (f->xflags & FX_SRCQ) {
			uint32_t key = quota_key_of(ctx, i);

			for (n = 0, j = 0; j < ctx->cfg.max_flows; j++)
				if ((ctx->flows[j].flags & FL_USED) &&
				    (ctx->flows[j].xflags & FX_SRCQ) &&
				    quota_key_of(ctx, j) == key)
					n++;
			if (fw_srctab_get(ctx, &ctx->srcq, key) != n)
				abort();
		}
		if ((f->xflags & FX_RULEQ) &&
		    fw_rule_find(ctx, ctx->frule[i]) == NULL)
			abort();
	}
	if (used != ctx->st.flows_active)
		abort();
	/* Each interface's count of flow sides (fw_interface_remove stops
	 * when it reaches 0), and the high-water mark of the table. */
	{
		uint32_t *cnt = calloc(ctx->cfg.max_interfaces, sizeof(*cnt));

		if (cnt == NULL)
			abort();
		for (i = 0; i < ctx->cfg.max_flows; i++) {
			const struct flow *f = &ctx->flows[i];

			if (!(f->flags & FL_USED))
				continue;
			if (i >= ctx->hwm)
				abort();
			if (f->in_if < ctx->cfg.max_interfaces)
				cnt[f->in_if]++;
			if (f->out_if < ctx->cfg.max_interfaces)
				cnt[f->out_if]++;
		}
		for (i = 0; i < ctx->cfg.max_interfaces; i++)
			if (cnt[i] != ctx->ifs[i].nflows)
				abort();
		free(cnt);
	}
	for (i = 0; i <= ctx->idx_mask; i++)
		if (ctx->idx[i] != 0)
			idx++;
	if (idx != 2 * used)
		abort();
	for (i = 0; i < ctx->srcq.size; i++) {
		if (ctx->srcq.e[i].addr == 0)
			continue;
		for (n = 0, j = 0; j < ctx->cfg.max_flows; j++)
			if ((ctx->flows[j].flags & FL_USED) &&
			    (ctx->flows[j].xflags & FX_SRCQ) &&
			    quota_key_of(ctx, j) == ctx->srcq.e[i].addr)
				n++;
		if (n == 0 || n != ctx->srcq.e[i].n)
			abort();
	}
	for (r = 0; r < ctx->nrules; r++) {
		for (n = 0, j = 0; j < ctx->cfg.max_flows; j++)
			if ((ctx->flows[j].flags & FL_USED) &&
			    (ctx->flows[j].xflags & FX_RULEQ) &&
			    ctx->frule[j] == ctx->rules[r].c.number)
				n++;
		if (n != ctx->rules[r].live || n > ctx->rules[r].quota + 0u)
			abort();
	}
	for (i = 0; i < ctx->fragq.size; i++) {
		if (ctx->fragq.e[i].addr == 0)
			continue;
		for (n = 0, j = 0; j <= ctx->frag_mask; j++)
			if (ctx->frags[j].flow != 0 && ctx->frags[j].counted &&
			    ctx->frags[j].src == ctx->fragq.e[i].addr)
				n++;
		if (n == 0 || n != ctx->fragq.e[i].n)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t paths[8][2] = {
		{ IF_VLAN1, IF_ETH0 }, { IF_ETH0, IF_VLAN1 },
		{ IF_ETH0, FW_IF_LOCAL }, { IF_PPP0, IF_ETH0 },
		{ FW_IF_LOCAL, IF_ETH0 }, { IF_PPP1, IF_VLAN1 },
		{ IF_VLAN1, IF_PPP0 }, { IF_ETH0, IF_PPP0 },
	};
	bool ext = size > 0 && (data[size - 1] & 0x0f) == 0x0e;
	struct fw_config cfg = { .size = sizeof(cfg), .max_flows = 64,
	    .max_frags = 16, .nat_port_min = 40000, .nat_port_max = 40015 };
	uint32_t seed = 1;
	struct fw_hooks h = { .user = &seed, .rng = rng, .log = fuzz_log };
	struct fw_ctx *ctx;
	struct fw_pkt pk1;
	struct fw_conn_info ci;
	struct fw_nat_binding nb;
	uint64_t now = 1000000000ULL;
	size_t off = 0, cur;
	int rc;

	if (fw_ctx_new(&ctx, &cfg, &h) != 0)
		abort();
	setup(ctx);
	if (size > 0 && (data[size - 1] & 0x0f) == 0x0f) {
		/* Burst mode: every record in one fw_process_burst() call. */
		struct fw_pkt pk[32];
		const uint8_t *src[32];
		size_t np = 0, q;

		while (off + 3 <= size && np < 32) {
			size_t len = ((size_t)data[off + 1] << 8) |
			    data[off + 2];
			uint8_t fl = data[off];

			off += 3;
			if (len > size - off)
				len = size - off;
			memset(&pk[np], 0, sizeof(pk[np]));
			pk[np].data = malloc(len ? len : 1);
			if (pk[np].data == NULL)
				abort();
			memcpy(pk[np].data, data + off, len);
			pk[np].len = len;
			pk[np].in_if = paths[fl & 3][0];
			pk[np].out_if = paths[fl & 3][1];
			pk[np].ipsec = (fl & 4) ? 1 + (fl >> 7) : 0;
			src[np] = data + off;
			off += len;
			np++;
		}
		if (fw_process_burst(ctx, now, pk, np) < 0)
			abort();
		for (q = 0; q < np; q++) {
			check(pk[q].rc, &pk[q].verdict, pk[q].data, src[q],
			    pk[q].len);
			free(pk[q].data);
		}
		audit(ctx);
	}
	while (off + 3 <= size) {
		uint8_t fl = data[off];
		size_t len = ((size_t)data[off + 1] << 8) | data[off + 2];
		uint8_t *pkt;
		unsigned path = fl & 3;
		uint64_t tag = (fl & 4) ? 1 + (fl >> 7) : 0;
		uint64_t adv = fl >> 3;

		off += 3;
		if (len > size - off)
			len = size - off;
		pkt = malloc(len ? len : 1);
		if (pkt == NULL)
			abort();
		memcpy(pkt, data + off, len);
		if (ext) {
			path = fl & 7;
			tag = (fl & 0x80) ? 1 + ((fl >> 6) & 1) : 0;
			adv = (fl >> 3) & 7;
		}
		now += adv * 1000000000ULL;
		memset(&pk1, 0, sizeof(pk1));
		pk1.data = pkt;
		pk1.len = len;
		pk1.in_if = paths[path][0];
		pk1.out_if = paths[path][1];
		pk1.ipsec = tag;
		rc = fw_process(ctx, now, &pk1);
		if (rc != pk1.rc)
			abort();
		check(rc, &pk1.verdict, pkt, data + off, len);
		off += len;
		free(pkt);
		if (fw_next_timeout(ctx) <= now)
			fw_handle_timeout(ctx, now);
		audit(ctx);
	}
	cur = 0;
	while (fw_conn_next(ctx, now, &cur, &ci))
		;
	cur = 0;
	while (fw_nat_binding_next(ctx, now, &cur, &nb))
		;
	fw_handle_timeout(ctx, now + 10000ULL * 1000000000ULL);
	audit(ctx);
	if (ctx->st.flows_active != 0 || ctx->frags_live != 0)
		abort();
	fw_ctx_free(ctx);
	return 0;
}
