/*
 * demo_fw.c - libfw self-demo (public API only).
 *
 * Configures the firewall of the seed's configuration script (interfaces
 * vlan1 private, dyn-dynamic private, eth0 public; enhanced NAT for vlan1
 * and dyn-dynamic to eth0; rules 1-3 for ISAKMP, NAT-T and L2TP with
 * encap=ipsec; a deny for a whole /24 as one address-range rule), brings up
 * a road warrior's PPP session as a dynamic interface (user tag,
 * anti-spoofing peer address, MSS clamp 1360), then pushes hand-built
 * packets through it: a LAN host's TCP connection and a road warrior's UDP
 * flow out through enhanced NAT, the road warrior's SYN with its MSS
 * clamped, a spoofed packet from the PPP session, a blocked inbound probe,
 * an L2TP packet that arrived through one client's IPsec SA, the same
 * packet in the clear and through another client's SA.  Prints verdicts,
 * translations and counters.
 */
#include <stdio.h>
#include <string.h>

#include <roadgate/fw.h>

#define IF_ETH0 1
#define IF_VLAN1 2
#define IF_PPP0 10

#define OFFICE 0xcb007101u    /* 203.0.113.1 */
#define LAN_HOST 0xc0a8010au  /* 192.168.1.10 */
#define RW_HOST 0xc0a80214u   /* 192.168.2.20, a road warrior's PPP address */
#define WEB 0xc6336407u       /* 198.51.100.7 */
#define DNS 0xc6336408u       /* 198.51.100.8 */
#define PEER 0xc633640au      /* 198.51.100.10, a road warrior's NAT */
#define BADNET 0xc6336400u    /* 198.51.100.0/24: no telnet (rule 5) */

/* The gateway's tags: its IPsec peer objects and its PPP session object. */
#define TAG_PEER_A 0x1001u
#define TAG_PEER_B 0x1002u
#define TAG_PPP0 0x2001u

#define NS 1000000000ULL

static int
demo_rng(void *user, void *buf, size_t len)
{
	uint32_t *s = user;
	uint8_t *p = buf;
	size_t i;

	/* A demo needs no secrecy: a fixed xorshift stream. */
	for (i = 0; i < len; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 17;
		*s ^= *s << 5;
		p[i] = (uint8_t)*s;
	}
	return 0;
}

static void
demo_log(void *user, int level, const char *msg)
{
	(void)user;
	if (level <= FW_LOG_INFO)
		printf("    log: %s\n", msg);
}

static uint16_t
sum(const uint8_t *p, size_t n, uint32_t s)
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

static void
w16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
w32(uint8_t *p, uint32_t v)
{
	w16(p, v >> 16);
	w16(p + 2, v & 0xffff);
}

/* IPv4 + TCP (flags; a SYN carries the MSS option 1460) or UDP
 * (flags = 0xff) with valid checksums. */
static size_t
build(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
    int tcpflags)
{
	bool tcp = tcpflags != 0xff, syn = tcp && (tcpflags & 0x02);
	size_t l4 = tcp ? (syn ? 24 : 20) : 8 + 12, tot = 20 + l4;
	uint32_t ps;

	memset(b, 0, tot);
	b[0] = 0x45;
	w16(b + 2, (uint32_t)tot);
	b[8] = 64;
	b[9] = tcp ? 6 : 17;
	w32(b + 12, src);
	w32(b + 16, dst);
	w16(b + 10, sum(b, 20, 0));
	w16(b + 20, sp);
	w16(b + 22, dp);
	ps = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    b[9] + (uint32_t)l4;
	if (tcp) {
		b[32] = (uint8_t)((l4 / 4) << 4);
		b[33] = (uint8_t)tcpflags;
		if (syn) {
			b[40] = 2;          /* MSS option: kind 2, length 4 */
			b[41] = 4;
			w16(b + 42, 1460);
		}
		w16(b + 34, 65535);
		w16(b + 36, sum(b + 20, l4, ps));
	} else {
		w16(b + 24, (uint32_t)l4);
		memcpy(b + 28, "roadgate-udp", 12);
		w16(b + 26, sum(b + 20, l4, ps));
	}
	return tot;
}

static const char *
ip(uint32_t a, char *s)
{
	snprintf(s, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
	return s;
}

static void
show(const char *what, const uint8_t *before, const uint8_t *after, int rc,
    const struct fw_verdict *v)
{
	char a[16], b[16], c[16], d[16];

	printf("%-34s %s:%u -> %s:%u  ", what,
	    ip(((uint32_t)before[12] << 24) | ((uint32_t)before[13] << 16) |
	    ((uint32_t)before[14] << 8) | before[15], a),
	    (before[20] << 8) | before[21],
	    ip(((uint32_t)before[16] << 24) | ((uint32_t)before[17] << 16) |
	    ((uint32_t)before[18] << 8) | before[19], b),
	    (before[22] << 8) | before[23]);
	if (rc != 0) {
		printf("%s (%s)\n", fw_verdict_name(v->action),
		    fw_strerror(rc));
		return;
	}
	printf("%s%s", fw_verdict_name(v->action), v->new_flow ? " new" : "");
	if (v->rule)
		printf(" rule=%u", v->rule);
	if (v->translated)
		printf(" => %s:%u -> %s:%u",
		    ip(((uint32_t)after[12] << 24) | ((uint32_t)after[13] << 16) |
		    ((uint32_t)after[14] << 8) | after[15], c),
		    (after[20] << 8) | after[21],
		    ip(((uint32_t)after[16] << 24) | ((uint32_t)after[17] << 16) |
		    ((uint32_t)after[18] << 8) | after[19], d),
		    (after[22] << 8) | after[23]);
	if (v->mss_clamped)
		printf(" mss %u->%u", (before[42] << 8) | before[43],
		    (after[42] << 8) | after[43]);
	printf("\n");
}

/* One packet through fw_process(); ipsec = the IPsec peer's tag or 0. */
static int
send(struct fw_ctx *ctx, uint64_t now, const char *what, uint8_t *b,
    size_t n, uint16_t in, uint16_t out, uint64_t ipsec)
{
	uint8_t before[64];
	struct fw_pkt p = { .data = b, .len = n, .in_if = in, .out_if = out,
	    .ipsec = ipsec };
	int rc;

	memcpy(before, b, n < sizeof(before) ? n : sizeof(before));
	rc = fw_process(ctx, now, &p);
	show(what, before, b, rc, &p.verdict);
	return rc;
}

int
main(void)
{
	uint32_t seed = 2463534242u;
	struct fw_hooks h = { .user = &seed, .rng = demo_rng,
	    .log = demo_log };
	struct fw_ctx *ctx;
	struct fw_interface_cfg ic = { .size = sizeof(ic) };
	struct fw_nat_cfg nc = { .size = sizeof(nc), .type = FW_NAT_ENHANCED,
	    .gbl_if = IF_ETH0 };
	struct fw_rule_cfg rc = { .size = sizeof(rc), .if_id = IF_ETH0,
	    .action = FW_ALLOW, .protocol = FW_PROTO_UDP, .ip_min = OFFICE,
	    .ip_max = OFFICE, .gbl_ip = OFFICE };
	/* rule=5 int=vlan1 action=deny prot=tcp port=23
	 * ip=198.51.100.0-198.51.100.255: no telnet to that /24. */
	struct fw_rule_cfg deny = { .size = sizeof(deny), .number = 5,
	    .if_id = IF_VLAN1, .action = FW_DENY, .protocol = FW_PROTO_TCP,
	    .ip_min = BADNET, .ip_max = BADNET | 0xff, .port_min = 23,
	    .port_max = 23 };
	static const uint16_t rport[3] = { 500, 4500, 1701 };
	uint8_t b[64];
	size_t n, cur;
	struct fw_conn_info ci;
	struct fw_nat_binding nb;
	struct fw_stats st;
	struct fw_if_stats is;
	uint64_t hits, now = 10 * NS;
	uint16_t gport;
	char s1[16], s2[16], s3[16];
	int i, fails = 0;

	if (fw_ctx_new(&ctx, NULL, &h) != 0)
		return 1;
	printf("libfw %s: the seed's firewall configuration\n", fw_version());
	/* add fire policy=main int=vlan1 type=private */
	ic.id = IF_VLAN1;
	ic.type = FW_IF_PRIVATE;
	fails |= fw_interface_add(ctx, &ic);
	/* add fire policy=main int=dyn-dynamic type=private */
	ic.id = FW_IF_DYNAMIC;
	fails |= fw_interface_add(ctx, &ic);
	/* add fire policy=main int=eth0 type=public */
	ic.id = IF_ETH0;
	ic.type = FW_IF_PUBLIC;
	ic.address = OFFICE;
	fails |= fw_interface_add(ctx, &ic);
	/* nat=enhanced int=vlan1 / int=dyn-dynamic gblinterface=eth0 */
	nc.if_id = IF_VLAN1;
	fails |= fw_nat_add(ctx, &nc);
	nc.if_id = FW_IF_DYNAMIC;
	fails |= fw_nat_add(ctx, &nc);
	/* rules 1-3: udp 500, 4500, 1701 (encap=ipsec) to the office. */
	for (i = 0; i < 3; i++) {
		rc.number = (uint32_t)i + 1;
		rc.port_min = rc.port_max = rport[i];
		rc.gbl_port_min = rc.gbl_port_max = rport[i];
		rc.encap_ipsec = i == 2;
		fails |= fw_rule_add(ctx, &rc);
	}
	fails |= fw_rule_add(ctx, &deny);
	/* A road warrior's PPP session comes up: a dynamic interface that
	 * only its peer address may send from, with TCP MSS clamping. */
	ic.id = IF_PPP0;
	ic.dynamic = true;
	ic.address = 0;
	ic.peer_addr = RW_HOST;
	ic.mss_clamp = 1360;
	ic.user = TAG_PPP0;
	fails |= fw_interface_add(ctx, &ic);
	printf("ppp0 is a %s interface, user tag %#llx\n",
	    fw_if_type_name(FW_IF_PRIVATE),
	    (unsigned long long)fw_interface_user(ctx, IF_PPP0));
	if (fails != 0) {
		fprintf(stderr, "configuration failed\n");
		return 1;
	}

	printf("\n-- LAN host's TCP connection through enhanced NAT\n");
	n = build(b, LAN_HOST, 40000, WEB, 80, 0x02);
	fails |= send(ctx, now, "vlan1->eth0 SYN", b, n, IF_VLAN1, IF_ETH0,
	    0);
	gport = (uint16_t)((b[20] << 8) | b[21]);
	n = build(b, WEB, 80, OFFICE, gport, 0x12);
	fails |= send(ctx, now, "eth0->vlan1 SYN+ACK", b, n, IF_ETH0,
	    IF_VLAN1, 0);
	n = build(b, LAN_HOST, 40000, WEB, 80, 0x10);
	fails |= send(ctx, now, "vlan1->eth0 ACK", b, n, IF_VLAN1, IF_ETH0,
	    0);

	n = build(b, LAN_HOST, 40001, WEB, 23, 0x02);
	if (send(ctx, now, "vlan1->eth0 telnet SYN", b, n, IF_VLAN1,
	    IF_ETH0, 0) == 0)
		fails = 1;

	printf("\n-- road warrior's UDP flow (dyn-dynamic -> eth0)\n");
	n = build(b, RW_HOST, 53000, DNS, 53, 0xff);
	fails |= send(ctx, now, "ppp0->eth0 DNS query", b, n, IF_PPP0,
	    IF_ETH0, 0);
	gport = (uint16_t)((b[20] << 8) | b[21]);
	n = build(b, DNS, 53, OFFICE, gport, 0xff);
	fails |= send(ctx, now, "eth0->ppp0 DNS answer", b, n, IF_ETH0,
	    IF_PPP0, 0);

	n = build(b, RW_HOST, 53001, WEB, 443, 0x02);
	fails |= send(ctx, now, "ppp0->eth0 SYN (MSS clamped)", b, n,
	    IF_PPP0, IF_ETH0, 0);
	n = build(b, LAN_HOST, 53002, DNS, 53, 0xff);
	if (send(ctx, now, "ppp0->eth0 from a LAN address", b, n, IF_PPP0,
	    IF_ETH0, 0) == 0)
		fails = 1;

	printf("\n-- inbound traffic\n");
	n = build(b, PEER, 4444, OFFICE, 23, 0x02);
	if (send(ctx, now, "eth0 telnet probe", b, n, IF_ETH0, FW_IF_LOCAL,
	    0) == 0)
		fails = 1;
	n = build(b, PEER, 500, OFFICE, 500, 0xff);
	fails |= send(ctx, now, "eth0 ISAKMP", b, n, IF_ETH0, FW_IF_LOCAL, 0);
	n = build(b, PEER, 4500, OFFICE, 4500, 0xff);
	fails |= send(ctx, now, "eth0 NAT-T", b, n, IF_ETH0, FW_IF_LOCAL, 0);
	n = build(b, PEER, 1701, OFFICE, 1701, 0xff);
	fails |= send(ctx, now, "eth0 L2TP out of peer A's SA", b, n,
	    IF_ETH0, FW_IF_LOCAL, TAG_PEER_A);
	n = build(b, PEER, 1701, OFFICE, 1701, 0xff);
	if (send(ctx, now, "eth0 L2TP in the clear", b, n, IF_ETH0,
	    FW_IF_LOCAL, 0) == 0)
		fails = 1;
	n = build(b, PEER, 1701, OFFICE, 1701, 0xff);
	if (send(ctx, now, "eth0 L2TP out of peer B's SA", b, n, IF_ETH0,
	    FW_IF_LOCAL, TAG_PEER_B) == 0)
		fails = 1;

	printf("\n-- connections (show firewall session)\n");
	cur = 0;
	while (fw_conn_next(ctx, now, &cur, &ci)) {
		printf("  proto %-2u %s:%u -> %s:%u  reply to %s:%u  "
		    "in %u out %u rule %u%s%s%s", ci.protocol,
		    ip(ci.orig.src, s1), ci.orig.sport, ip(ci.orig.dst, s2),
		    ci.orig.dport, ip(ci.reply.dst, s3), ci.reply.dport,
		    ci.in_if, ci.out_if, ci.rule, ci.nat ? " nat" : "",
		    ci.protocol == FW_PROTO_TCP ? " " : "",
		    ci.protocol == FW_PROTO_TCP ?
		    fw_tcp_state_name(ci.tcp_state) : "");
		if (ci.ipsec != 0)
			printf(" ipsec peer %#llx",
			    (unsigned long long)ci.ipsec);
		printf("\n");
	}
	printf("\n-- NAT bindings\n");
	cur = 0;
	while (fw_nat_binding_next(ctx, now, &cur, &nb))
		printf("  proto %-2u %s:%u <-> %s:%u  (remote %s:%u)\n",
		    nb.protocol, ip(nb.priv_ip, s1), nb.priv_port,
		    ip(nb.gbl_ip, s2), nb.gbl_port, ip(nb.remote_ip, s3),
		    nb.remote_port);

	printf("\n-- counters\n");
	fw_get_stats(ctx, &st);
	printf("  packets %llu passed %llu dropped %llu flows %llu "
	    "translated %llu mss clamped %llu\n",
	    (unsigned long long)st.packets, (unsigned long long)st.passed,
	    (unsigned long long)st.dropped,
	    (unsigned long long)st.flows_active,
	    (unsigned long long)st.nat_translated,
	    (unsigned long long)st.mss_clamped);
	for (i = 0; i < FW_REASON_MAX; i++)
		if (st.drops[i] != 0)
			printf("  drop reason \"%s\": %llu\n", fw_strerror(-i),
			    (unsigned long long)st.drops[i]);
	for (i = 1; i <= 5; i++)
		if (fw_rule_hits(ctx, (uint32_t)i, &hits) == 0)
			printf("  rule %d: %llu hits\n", i,
			    (unsigned long long)hits);
	{
		static const uint16_t ids[] = { FW_IF_LOCAL, IF_ETH0, IF_VLAN1,
		    IF_PPP0 };
		static const char *names[] = { "gateway", "eth0", "vlan1",
		    "ppp0 (dynamic)" };

		for (i = 0; i < 4; i++)
			if (fw_interface_stats(ctx, ids[i], &is) == 0)
				printf("  %-15s in pass %llu drop %llu, out "
				    "%llu\n", names[i],
				    (unsigned long long)is.in_pass,
				    (unsigned long long)is.in_drop,
				    (unsigned long long)is.out_pass);
	}
	/* Live reconfiguration: vlan1 stops being translated; its existing
	 * connection keeps its binding until it ends. */
	nc.if_id = IF_VLAN1;
	printf("\n  delete %s NAT for vlan1: %s\n",
	    fw_nat_type_name(nc.type), fw_strerror(fw_nat_delete(ctx, &nc)));
	/* The PPP session ends; an hour later everything has expired. */
	fw_interface_remove(ctx, IF_PPP0);
	i = fw_handle_timeout(ctx, now + 3 * 3600 * NS);
	printf("\n  after ppp0 down and 3 hours: %d connections expired, "
	    "next timer %s\n", i,
	    fw_next_timeout(ctx) == UINT64_MAX ? "none" : "set");
	fw_ctx_free(ctx);
	return fails != 0;
}
