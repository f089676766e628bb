/*
 * fuzz_fw.c - libFuzzer target over fw_process().
 *
 * Input: a sequence of records [flags:1][len:2 big-endian][packet:len].
 * flags bits 0-1 pick the path (0: LAN -> eth0, 1: eth0 -> LAN,
 * 2: eth0 -> gateway, 3: road warrior -> eth0), bit 2 = came through IPsec,
 * bits 3-7 advance the clock by that many seconds.  A fresh context with the
 * seed's policy processes every record; each packet is copied into a buffer
 * of exactly len bytes so reads past it are caught.  After the run the
 * connection and NAT iterators are walked and the timers fired.  When the
 * last byte's low nibble is 0xf, the first 32 records go through
 * fw_process_burst() instead.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/fw.h>

#define IF_ETH0 1
#define IF_VLAN1 2
#define IF_PPP0 10
#define OFFICE 0xcb007101u   /* 203.0.113.1 */

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

static void
setup(struct fw_ctx *ctx)
{
	struct fw_interface_cfg i = { .size = sizeof(i) };
	struct fw_nat_cfg n = { .size = sizeof(n), .type = FW_NAT_ENHANCED,
	    .gbl_if = IF_ETH0 };
	struct fw_rule_cfg r = { .size = sizeof(r), .if_id = IF_ETH0,
	    .action = FW_ALLOW, .protocol = FW_PROTO_UDP, .ip = OFFICE,
	    .gbl_ip = OFFICE };
	uint16_t ports[3] = { 500, 4500, 1701 };
	uint32_t k;

	i.id = IF_VLAN1;
	i.type = FW_IF_PRIVATE;
	fw_interface_add(ctx, &i);
	i.id = FW_IF_DYNAMIC;
	fw_interface_add(ctx, &i);
	i.id = IF_ETH0;
	i.type = FW_IF_PUBLIC;
	i.address = OFFICE;
	fw_interface_add(ctx, &i);
	i.id = IF_PPP0;
	i.dynamic = true;
	i.address = 0;
	fw_interface_add(ctx, &i);
	n.if_id = IF_VLAN1;
	fw_nat_add(ctx, &n);
	n.if_id = FW_IF_DYNAMIC;
	fw_nat_add(ctx, &n);
	for (k = 0; k < 3; k++) {
		r.number = k + 1;
		r.port_min = r.port_max = ports[k];
		r.gbl_port_min = r.gbl_port_max = ports[k];
		r.encap_ipsec = k == 2;
		fw_rule_add(ctx, &r);
	}
	/* A port forward: 203.0.113.1:8080/tcp -> 192.168.1.10:80. */
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.number = 10;
	r.if_id = IF_ETH0;
	r.action = FW_ALLOW;
	r.protocol = FW_PROTO_TCP;
	r.ip = 0xc0a8010a;
	r.port_min = r.port_max = 80;
	r.gbl_ip = OFFICE;
	r.gbl_port_min = r.gbl_port_max = 8080;
	fw_rule_add(ctx, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t paths[4][2] = {
		{ IF_VLAN1, IF_ETH0 }, { IF_ETH0, IF_VLAN1 },
		{ IF_ETH0, FW_IF_LOCAL }, { IF_PPP0, IF_ETH0 },
	};
	struct fw_config cfg = { .size = sizeof(cfg), .max_flows = 64,
	    .max_frags = 16, .nat_port_min = 40000, .nat_port_max = 40015 };
	uint32_t seed = 1;
	struct fw_hooks h = { .user = &seed, .rng = rng };
	struct fw_ctx *ctx;
	struct fw_verdict v;
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
			pk[np].flags = (fl & 4) ? FW_PKT_IPSEC : 0;
			off += len;
			np++;
		}
		if (fw_process_burst(ctx, now, pk, np) < 0)
			abort();
		for (q = 0; q < np; q++)
			free(pk[q].data);
	}
	while (off + 3 <= size) {
		uint8_t fl = data[off];
		size_t len = ((size_t)data[off + 1] << 8) | data[off + 2];
		uint8_t *pkt;

		off += 3;
		if (len > size - off)
			len = size - off;
		pkt = malloc(len ? len : 1);
		if (pkt == NULL)
			abort();
		memcpy(pkt, data + off, len);
		now += (uint64_t)(fl >> 3) * 1000000000ULL;
		rc = fw_process(ctx, now, pkt, len, paths[fl & 3][0],
		    paths[fl & 3][1], (fl & 4) ? FW_PKT_IPSEC : 0, &v);
		if (v.action != FW_VERDICT_PASS && v.action != FW_VERDICT_DROP)
			abort();
		/* The verdict agrees with the return value, and a dropped
		 * packet is never modified (fw.h). */
		if (rc != v.reason || (rc == 0) != (v.action == FW_VERDICT_PASS))
			abort();
		if (rc != 0 && len > 0 && memcmp(pkt, data + off, len) != 0)
			abort();
		off += len;
		free(pkt);
		if (fw_next_timeout(ctx) <= now)
			fw_handle_timeout(ctx, now);
	}
	cur = 0;
	while (fw_conn_next(ctx, now, &cur, &ci))
		;
	cur = 0;
	while (fw_nat_binding_next(ctx, now, &cur, &nb))
		;
	fw_handle_timeout(ctx, now + 10000ULL * 1000000000ULL);
	fw_ctx_free(ctx);
	return 0;
}
