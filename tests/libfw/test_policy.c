/* The seed configuration's firewall policy on hand-built packets. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_policy_register(void);

/*
 * A DNS query from a LAN host, 192.168.1.10:5353 -> 198.51.100.7:53, as a
 * byte array, and the same datagram after enhanced NAT to the office
 * address (the source port is free, so it is preserved).
 */
static const uint8_t lan_dns[32] = {
	0x45, 0x00,             /* version 4, IHL 5; TOS 0 */
	0x00, 0x20,             /* total length 32 */
	0x12, 0x34,             /* identification */
	0x40, 0x00,             /* DF, offset 0 */
	0x40, 0x11,             /* TTL 64, protocol UDP */
	0x3c, 0xac,             /* header checksum */
	0xc0, 0xa8, 0x01, 0x0a, /* source 192.168.1.10 */
	0xc6, 0x33, 0x64, 0x07, /* destination 198.51.100.7 */
	0x14, 0xe9,             /* source port 5353 */
	0x00, 0x35,             /* destination port 53 */
	0x00, 0x0c,             /* UDP length 12 */
	0x00, 0x00,             /* no UDP checksum */
	0xde, 0xad, 0xbe, 0xef, /* payload */
};

static const uint8_t lan_dns_nat[32] = {
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x11,
	0xc2, 0x5c,             /* header checksum, updated per RFC 1624 */
	0xcb, 0x00, 0x71, 0x01, /* source 203.0.113.1 (eth0) */
	0xc6, 0x33, 0x64, 0x07, /* destination unchanged */
	0x14, 0xe9,             /* source port 5353 preserved */
	0x00, 0x35, 0x00, 0x0c,
	0x00, 0x00,             /* still no UDP checksum */
	0xde, 0xad, 0xbe, 0xef,
};

static void
test_lan_udp_bytes(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[32], r[64];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	memcpy(b, lan_dns, sizeof(b));
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, sizeof(b), IF_VLAN1,
	    IF_ETH0, 0, &v), 0);
	CU_ASSERT_EQUAL(v.action, FW_VERDICT_PASS);
	CU_ASSERT_TRUE(v.new_flow);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_EQUAL(v.rule, 0);
	TS_ASSERT_BYTES("nat'ed dns", b, sizeof(b), lan_dns_nat,
	    sizeof(lan_dns_nat));
	/* The answer comes back to the office address and reaches the host. */
	n = fwt_udp(r, REMOTE, 53, OFFICE, 5353, 20);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), r, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_FALSE(v.new_flow);
	CU_ASSERT_EQUAL(fwt_dst(r), LAN_HOST);
	CU_ASSERT_EQUAL(fwt_dport(r), 5353);
	CU_ASSERT_EQUAL(fwt_src(r), REMOTE);
	CU_ASSERT_TRUE(fwt_checksums_ok(r, n));
	fwt_fini(&t);
}

static void
test_lan_tcp_out_and_back(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	struct fw_if_stats is;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	n = fwt_tcp(b, LAN_HOST, 40000, REMOTE, 80, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	CU_ASSERT_EQUAL(fwt_sport(b), 40000);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_tcp(b, REMOTE, 80, OFFICE, 40000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_tcp(b, LAN_HOST, 40000, REMOTE, 80, TH_ACK | TH_PSH, 100);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	CU_ASSERT_EQUAL(fw_interface_stats(t.ctx, IF_VLAN1, &is), 0);
	CU_ASSERT_EQUAL(is.in_pass, 2);
	CU_ASSERT_EQUAL(is.out_pass, 1);
	fwt_fini(&t);
}

static void
test_road_warrior_udp(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP0), 0);
	n = fwt_udp(b, RW_HOST, 1025, REMOTE2, 53, 30);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	CU_ASSERT_EQUAL(fwt_sport(b), 1025);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_udp(b, REMOTE2, 53, OFFICE, 1025, 60);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_PPP0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), RW_HOST);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	/* The PPP session goes down: its connection goes with it. */
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, IF_PPP0), 0);
	n = fwt_udp(b, REMOTE2, 53, OFFICE, 1025, 60);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_POLICY);
	/* A dynamic member needs the class; unknown ids are refused. */
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, IF_PPP0), FW_E_NOT_FOUND);
	fwt_fini(&t);
}

static void
test_inbound_probe_blocked(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256], c[256];
	size_t n;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* ssh probe to the office address. */
	n = fwt_tcp(b, REMOTE, 4444, OFFICE, 22, TH_SYN, 0);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_POLICY);
	CU_ASSERT_EQUAL(v.action, FW_VERDICT_DROP);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "denied by policy"));
	/* Straight at a LAN host. */
	n = fwt_udp(b, REMOTE, 4444, LAN_HOST, 137, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_POLICY);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_POLICY], 2);
	CU_ASSERT_EQUAL(st.dropped, 2);
	CU_ASSERT_EQUAL(st.flows_active, 0);
	fwt_fini(&t);
}

static void
test_rules_1_2_3(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	uint64_t hits;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* Rule 1: ISAKMP. */
	n = fwt_udp(b, REMOTE, 500, OFFICE, 500, 100);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(v.rule, 1);
	CU_ASSERT_FALSE(v.translated);
	/* Rule 2: NAT-T from a client behind a NAT. */
	n = fwt_udp(b, REMOTE2, 31000, OFFICE, 4500, 100);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(v.rule, 2);
	/* Rule 3: L2TP only out of an IPsec SA. */
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 50);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_NEED_IPSEC);
	CU_ASSERT_EQUAL(v.rule, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_EQUAL(v.rule, 3);
	CU_ASSERT_TRUE(v.new_flow);
	/* The tracked L2TP connection still refuses clear packets. */
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 50);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_NEED_IPSEC);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_FALSE(v.new_flow);
	/* The gateway's answer goes out (it will be encrypted). */
	n = fwt_udp(b, OFFICE, 1701, REMOTE, 1701, 50);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, FW_IF_LOCAL, IF_ETH0, 0,
	    &v), 0);
	/* Port 1702 matches no rule. */
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1702, 50);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), FW_E_POLICY);
	/* The gateway's own replies follow the tracked connections. */
	n = fwt_udp(b, OFFICE, 500, REMOTE, 500, 100);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, FW_IF_LOCAL, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_FALSE(v.new_flow);
	CU_ASSERT_FALSE(v.translated);
	CU_ASSERT_EQUAL(fw_rule_hits(t.ctx, 1, &hits), 0);
	CU_ASSERT_EQUAL(hits, 1);
	CU_ASSERT_EQUAL(fw_rule_hits(t.ctx, 3, &hits), 0);
	CU_ASSERT_EQUAL(hits, 1);
	CU_ASSERT_EQUAL(fw_rule_hits(t.ctx, 4, &hits), FW_E_NOT_FOUND);
	fwt_fini(&t);
}

static void
test_rule_order_and_deny(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	/* rule=0.5 style: a deny numbered before rule 1 for one bad peer. */
	struct fw_rule_cfg deny = { .size = sizeof(deny), .number = 1,
	    .if_id = IF_ETH0, .action = FW_DENY, .protocol = FW_PROTO_UDP,
	    .remote_min = REMOTE2, .remote_max = REMOTE2 };
	/* Outbound deny of telnet from the LAN. */
	struct fw_rule_cfg telnet = { .size = sizeof(telnet), .number = 9,
	    .if_id = IF_VLAN1, .action = FW_DENY, .protocol = FW_PROTO_TCP,
	    .port_min = 23, .port_max = 23 };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &deny), FW_E_EXISTS);
	CU_ASSERT_EQUAL(fw_rule_delete(t.ctx, 1), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &deny), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &telnet), 0);
	n = fwt_udp(b, REMOTE2, 500, OFFICE, 500, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_RULE_DENY);
	CU_ASSERT_EQUAL(v.rule, 1);
	n = fwt_tcp(b, LAN_HOST, 3333, REMOTE, 23, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_RULE_DENY);
	CU_ASSERT_EQUAL(v.rule, 9);
	/* Invalid rules. */
	deny.number = 0;
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &deny), FW_E_INVAL);
	deny.number = 5;
	deny.port_min = 10;
	deny.port_max = 5;
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &deny), FW_E_INVAL);
	fwt_fini(&t);
}

static void
test_private_to_private(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP1), 0);
	/* The road warrior reaches the LAN without translation. */
	n = fwt_tcp(b, RW_HOST, 50000, LAN_HOST, 445, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_FALSE(v.translated);
	CU_ASSERT_EQUAL(fwt_src(b), RW_HOST);
	n = fwt_tcp(b, LAN_HOST, 445, RW_HOST, 50000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_PPP1, 0,
	    &v), 0);
	CU_ASSERT_FALSE(v.new_flow);
	fwt_fini(&t);
}

static void
test_config_errors(void)
{
	struct fwt t;
	struct fw_interface_cfg i = { .size = sizeof(i), .id = 5,
	    .dynamic = true };
	struct fw_nat_cfg n = { .size = sizeof(n), .type = FW_NAT_ENHANCED,
	    .if_id = IF_VLAN1, .gbl_if = IF_ETH0 };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, false), 0);
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &i), FW_E_NOT_FOUND);
	i.dynamic = false;
	i.type = 7;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &i), FW_E_INVAL);
	i.type = FW_IF_PUBLIC;
	i.id = FW_IF_LOCAL;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &i), FW_E_INVAL);
	i.id = 5;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &i), 0);
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &i), FW_E_EXISTS);
	CU_ASSERT_EQUAL(fw_interface_set_address(t.ctx, 5, OFFICE), 0);
	CU_ASSERT_EQUAL(fw_interface_set_address(t.ctx, 6, OFFICE),
	    FW_E_NOT_FOUND);
	CU_ASSERT_EQUAL(fw_nat_add(t.ctx, &n), 0);
	CU_ASSERT_EQUAL(fw_nat_add(t.ctx, &n), FW_E_EXISTS);
	n.type = FW_NAT_STANDARD;
	CU_ASSERT_EQUAL(fw_nat_add(t.ctx, &n), FW_E_INVAL);
	n.size = 3;
	CU_ASSERT_EQUAL(fw_nat_add(t.ctx, &n), FW_E_INVAL);
	CU_ASSERT_STRING_EQUAL(fw_strerror(FW_E_NEED_IPSEC),
	    "rule requires IPsec");
	CU_ASSERT_STRING_EQUAL(fw_strerror(-999), "unknown error");
	fwt_fini(&t);
}

/* Address ranges exactly as the router writes them: a /24 is one rule. */
static void
test_address_ranges(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n, i;
	uint64_t hits;
	/* rule=1 int=eth0 action=deny remoteip=198.51.100.0-198.51.100.255,
	 * ahead of ISAKMP (moved to rule 4). */
	struct fw_rule_cfg deny = { .size = sizeof(deny), .number = 1,
	    .if_id = IF_ETH0, .action = FW_DENY,
	    .remote_min = IP(198, 51, 100, 0),
	    .remote_max = IP(198, 51, 100, 255) };
	struct fw_rule_cfg isakmp = { .size = sizeof(isakmp), .number = 4,
	    .if_id = IF_ETH0, .action = FW_ALLOW, .protocol = FW_PROTO_UDP,
	    .ip_min = OFFICE, .ip_max = OFFICE, .port_min = 500,
	    .port_max = 500, .gbl_ip = OFFICE, .gbl_port_min = 500,
	    .gbl_port_max = 500 };
	/* rule=9 int=vlan1 action=deny prot=tcp port=23
	 * ip=192.0.2.0-192.0.2.255: no telnet to that /24. */
	struct fw_rule_cfg telnet = { .size = sizeof(telnet), .number = 9,
	    .if_id = IF_VLAN1, .action = FW_DENY, .protocol = FW_PROTO_TCP,
	    .ip_min = IP(192, 0, 2, 0), .ip_max = IP(192, 0, 2, 255),
	    .port_min = 23, .port_max = 23 };
	static const struct {
		uint32_t src;
		int rc;
	} srcs[] = {
		{ IP(198, 51, 100, 0), FW_E_RULE_DENY },
		{ IP(198, 51, 100, 7), FW_E_RULE_DENY },
		{ IP(198, 51, 100, 255), FW_E_RULE_DENY },
		{ IP(198, 51, 99, 255), 0 },
		{ IP(198, 51, 101, 0), 0 },
	};
	static const struct {
		uint32_t dst;
		int rc;
	} dsts[] = {
		{ IP(192, 0, 1, 255), 0 },
		{ IP(192, 0, 2, 0), FW_E_RULE_DENY },
		{ IP(192, 0, 2, 128), FW_E_RULE_DENY },
		{ IP(192, 0, 2, 255), FW_E_RULE_DENY },
		{ IP(192, 0, 3, 0), 0 },
	};

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_rule_delete(t.ctx, 1), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &deny), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &isakmp), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &telnet), 0);
	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		n = fwt_udp(b, srcs[i].src, 500, OFFICE, 500, 10);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), srcs[i].rc);
		CU_ASSERT_EQUAL(v.rule, srcs[i].rc == 0 ? 4 : 1);
	}
	CU_ASSERT_EQUAL(fw_rule_hits(t.ctx, 1, &hits), 0);
	CU_ASSERT_EQUAL(hits, 3);
	for (i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		n = fwt_tcp(b, LAN_HOST, (uint16_t)(2000 + i), dsts[i].dst, 23,
		    TH_SYN, 0);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), dsts[i].rc);
	}
	/* Port 22 to the same /24 is not the rule's. */
	n = fwt_tcp(b, LAN_HOST, 2100, IP(192, 0, 2, 1), 22, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	fwt_fini(&t);
}

static void
test_range_errors(void)
{
	struct fwt t;
	struct fw_rule_cfg r = { .size = sizeof(r), .number = 30,
	    .if_id = IF_ETH0, .action = FW_ALLOW,
	    .ip_min = IP(192, 168, 1, 20), .ip_max = IP(192, 168, 1, 10) };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), FW_E_INVAL);
	r.ip_max = IP(192, 168, 1, 30);
	r.remote_min = 2;
	r.remote_max = 1;
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), FW_E_INVAL);
	/* Reverse NAT to a range: which host? */
	r.remote_min = r.remote_max = 0;
	r.gbl_ip = OFFICE;
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), FW_E_INVAL);
	r.ip_max = r.ip_min;
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), 0);
	/* gbl_ip with 0/0: matched on the global address, not translated. */
	r.number = 31;
	r.ip_min = r.ip_max = 0;
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), 0);
	r.size = sizeof(r) + 1;
	r.number = 32;
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, NULL), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_rule_delete(t.ctx, 99), FW_E_NOT_FOUND);
	CU_ASSERT_EQUAL(fw_rule_delete(NULL, 30), FW_E_INVAL);
	fwt_fini(&t);
}

/* Live reconfiguration: a deleted NAT definition stops translating new
 * connections; the ones it translated keep their binding. */
static void
test_nat_delete(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	struct fw_nat_cfg nat = { .size = sizeof(nat),
	    .type = FW_NAT_ENHANCED, .if_id = IF_VLAN1, .gbl_if = IF_ETH0,
	    .gbl_ip = IP(1, 2, 3, 4) /* ignored: not part of the identity */ };
	struct fw_nat_cfg sn = { .size = sizeof(sn), .type = FW_NAT_STANDARD,
	    .if_id = IF_VLAN1, .gbl_if = IF_ETH0, .ip = LAN_HOST2,
	    .gbl_ip = IP(203, 0, 113, 5) };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_nat_add(t.ctx, &sn), 0);
	n = fwt_udp(b, LAN_HOST, 6000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	CU_ASSERT_EQUAL(fw_nat_delete(t.ctx, &nat), 0);
	CU_ASSERT_EQUAL(fw_nat_delete(t.ctx, &nat), FW_E_NOT_FOUND);
	/* The existing connection keeps its translation both ways. */
	n = fwt_udp(b, REMOTE, 53, OFFICE, 6000, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);
	n = fwt_udp(b, LAN_HOST, 6000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	/* A new one leaves untranslated. */
	n = fwt_udp(b, LAN_HOST, 6001, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_FALSE(v.translated);
	CU_ASSERT_EQUAL(fwt_src(b), LAN_HOST);
	/* The static NAT (another identity: its ip) is still there. */
	n = fwt_udp(b, LAN_HOST2, 6000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), IP(203, 0, 113, 5));
	sn.ip = LAN_HOST;
	CU_ASSERT_EQUAL(fw_nat_delete(t.ctx, &sn), FW_E_NOT_FOUND);
	sn.ip = LAN_HOST2;
	CU_ASSERT_EQUAL(fw_nat_delete(t.ctx, &sn), 0);
	/* The road warriors' NAT is untouched. */
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP0), 0);
	n = fwt_udp(b, RW_HOST, 6000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_PPP0, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	/* Added again, it translates new connections again. */
	CU_ASSERT_EQUAL(fw_nat_add(t.ctx, &nat), 0);
	n = fwt_udp(b, LAN_HOST, 6002, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), IP(1, 2, 3, 4));
	nat.size = 1;
	CU_ASSERT_EQUAL(fw_nat_delete(t.ctx, &nat), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_nat_delete(t.ctx, NULL), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_nat_delete(NULL, &sn), FW_E_INVAL);
	fwt_fini(&t);
}

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(fw_action_name(FW_ALLOW), "allow");
	CU_ASSERT_STRING_EQUAL(fw_action_name(FW_DENY), "deny");
	CU_ASSERT_STRING_EQUAL(fw_action_name((enum fw_action)0), "unknown");
	CU_ASSERT_STRING_EQUAL(fw_nat_type_name(FW_NAT_ENHANCED), "enhanced");
	CU_ASSERT_STRING_EQUAL(fw_nat_type_name(FW_NAT_STANDARD), "standard");
	CU_ASSERT_STRING_EQUAL(fw_nat_type_name((enum fw_nat_type)7),
	    "unknown");
	CU_ASSERT_STRING_EQUAL(fw_verdict_name(FW_VERDICT_PASS), "pass");
	CU_ASSERT_STRING_EQUAL(fw_verdict_name(FW_VERDICT_DROP), "drop");
	CU_ASSERT_STRING_EQUAL(fw_verdict_name((enum fw_verdict_action)0),
	    "unknown");
}

void
test_policy_register(void)
{
	CU_pSuite s = CU_add_suite("fw_policy", NULL, NULL);

	CU_add_test(s, "LAN UDP bytes through enhanced NAT", test_lan_udp_bytes);
	CU_add_test(s, "LAN TCP out and back", test_lan_tcp_out_and_back);
	CU_add_test(s, "road warrior UDP via dyn-dynamic", test_road_warrior_udp);
	CU_add_test(s, "inbound probe blocked", test_inbound_probe_blocked);
	CU_add_test(s, "rules 1, 2, 3 (encap=ipsec)", test_rules_1_2_3);
	CU_add_test(s, "rule order and deny", test_rule_order_and_deny);
	CU_add_test(s, "private to private", test_private_to_private);
	CU_add_test(s, "configuration errors", test_config_errors);
	CU_add_test(s, "address ranges (a /24 is one rule)",
	    test_address_ranges);
	CU_add_test(s, "range errors", test_range_errors);
	CU_add_test(s, "NAT definition deleted live", test_nat_delete);
	CU_add_test(s, "names", test_names);
}
