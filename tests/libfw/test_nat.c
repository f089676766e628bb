/* NAT: enhanced NAT port / identifier allocation, static and reverse NAT. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_nat_register(void);

static void
test_port_collision(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	uint16_t p1, p2;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* Two LAN hosts use the same source port to the same server. */
	n = fwt_udp(b, LAN_HOST, 40000, REMOTE, 53, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	p1 = fwt_sport(b);
	CU_ASSERT_EQUAL(p1, 40000);
	n = fwt_udp(b, LAN_HOST2, 40000, REMOTE, 53, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	p2 = fwt_sport(b);
	CU_ASSERT_NOT_EQUAL(p2, p1);
	CU_ASSERT_TRUE(p2 >= 1024);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	/* Replies reach the right host. */
	n = fwt_udp(b, REMOTE, 53, OFFICE, p2, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST2);
	CU_ASSERT_EQUAL(fwt_dport(b), 40000);
	n = fwt_udp(b, REMOTE, 53, OFFICE, p1, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);
	/* The same host's port to another server keeps its mapping port. */
	n = fwt_udp(b, LAN_HOST, 40000, REMOTE2, 53, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_sport(b), 40000);
	fwt_fini(&t);
}

static void
test_pressure(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .nat_port_min = 2000,
	    .nat_port_max = 2003 };
	struct fw_verdict v;
	uint8_t b[256];
	size_t n, i, cur = 0;
	bool seen[4] = { false, false, false, false };
	struct fw_nat_binding nb;
	struct fw_stats st;
	int count = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	/* Four hosts to one server take the four ports, each once. */
	for (i = 0; i < 4; i++) {
		n = fwt_udp(b, LAN_HOST + (uint32_t)i, 5000, REMOTE, 53, 10);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), 0);
		CU_ASSERT_TRUE(fwt_sport(b) >= 2000 && fwt_sport(b) <= 2003);
		if (fwt_sport(b) >= 2000 && fwt_sport(b) <= 2003) {
			CU_ASSERT_FALSE(seen[fwt_sport(b) - 2000]);
			seen[fwt_sport(b) - 2000] = true;
		}
	}
	/* The fifth is refused, counted and logged. */
	n = fwt_udp(b, LAN_HOST + 4, 5000, REMOTE, 53, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_NAT_EXHAUSTED);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "no free NAT port"));
	/* Ports are per remote endpoint: another server still works. */
	n = fwt_udp(b, LAN_HOST + 4, 5000, REMOTE2, 53, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	while (fw_nat_binding_next(t.ctx, S(1), &cur, &nb)) {
		CU_ASSERT_EQUAL(nb.gbl_ip, OFFICE);
		CU_ASSERT_EQUAL(nb.priv_port, 5000);
		CU_ASSERT_FALSE(nb.reverse);
		count++;
	}
	CU_ASSERT_EQUAL(count, 5);
	/* Once the mappings expire, the ports are free again. */
	n = fwt_udp(b, LAN_HOST + 4, 5000, REMOTE, 53, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(40), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_NAT_EXHAUSTED], 1);
	fwt_fini(&t);
}

static void
test_icmp_ident(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	uint16_t id1, id2;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* Two hosts ping the same server with the same identifier. */
	n = fwt_icmp_echo(b, LAN_HOST, REMOTE, 8, 1, 1);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	id1 = fwt_sport(b + 4); /* identifier at ICMP offset 4 */
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_icmp_echo(b, LAN_HOST2, REMOTE, 8, 1, 1);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	id2 = fwt_sport(b + 4);
	CU_ASSERT_NOT_EQUAL(id1, id2);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_icmp_echo(b, REMOTE, OFFICE, 0, id2, 1);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST2);
	CU_ASSERT_EQUAL(fwt_sport(b + 4), 1);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	/* An unsolicited echo reply is not a connection. */
	n = fwt_icmp_echo(b, REMOTE, OFFICE, 0, 999, 1);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_POLICY);
	/* A ping to the office from outside matches no rule. */
	n = fwt_icmp_echo(b, REMOTE, OFFICE, 8, 5, 1);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_POLICY);
	fwt_fini(&t);
}

static void
test_static_nat(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	/* nat=standard int=vlan1 gblinterface=eth0 ip=LAN_HOST2 gblip=.5 */
	struct fw_nat_cfg sn = { .size = sizeof(sn), .type = FW_NAT_STANDARD,
	    .if_id = IF_VLAN1, .gbl_if = IF_ETH0, .ip = LAN_HOST2,
	    .gbl_ip = IP(203, 0, 113, 5) };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_nat_add(t.ctx, &sn), 0);
	n = fwt_tcp(b, LAN_HOST2, 1000, REMOTE, 25, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), IP(203, 0, 113, 5));
	CU_ASSERT_EQUAL(fwt_sport(b), 1000);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_tcp(b, REMOTE, 25, IP(203, 0, 113, 5), 1000, TH_SYN | TH_ACK,
	    0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST2);
	/* Other LAN hosts still use enhanced NAT. */
	n = fwt_tcp(b, LAN_HOST, 1000, REMOTE, 25, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	fwt_fini(&t);
}

static void
test_reverse_nat(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n, cur = 0;
	struct fw_nat_binding nb;
	/* rule=10 int=eth0 action=allow protocol=tcp ip=LAN_HOST port=8080
	 * gblip=OFFICE gblport=80: port forwarding. */
	struct fw_rule_cfg r = { .size = sizeof(r), .number = 10,
	    .if_id = IF_ETH0, .action = FW_ALLOW, .protocol = FW_PROTO_TCP,
	    .ip_min = LAN_HOST, .ip_max = LAN_HOST, .port_min = 8080,
	    .port_max = 8080,
	    .gbl_ip = OFFICE, .gbl_port_min = 80, .gbl_port_max = 80 };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), 0);
	n = fwt_tcp(b, REMOTE, 33000, OFFICE, 80, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(v.rule, 10);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);
	CU_ASSERT_EQUAL(fwt_dport(b), 8080);
	CU_ASSERT_EQUAL(fwt_src(b), REMOTE);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_tcp(b, LAN_HOST, 8080, REMOTE, 33000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	CU_ASSERT_EQUAL(fwt_sport(b), 80);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	CU_ASSERT_TRUE(fw_nat_binding_next(t.ctx, S(1), &cur, &nb));
	CU_ASSERT_TRUE(nb.reverse);
	CU_ASSERT_EQUAL(nb.priv_ip, LAN_HOST);
	CU_ASSERT_EQUAL(nb.priv_port, 8080);
	CU_ASSERT_EQUAL(nb.gbl_port, 80);
	CU_ASSERT_EQUAL(nb.remote_ip, REMOTE);
	/* Port 81 is not forwarded. */
	n = fwt_tcp(b, REMOTE, 33000, OFFICE, 81, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_POLICY);
	fwt_fini(&t);
}

static void
test_no_global_address(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_interface_set_address(t.ctx, IF_ETH0, 0), 0);
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_NAT_EXHAUSTED);
	/* Protocols without ports cannot share one address. */
	CU_ASSERT_EQUAL(fw_interface_set_address(t.ctx, IF_ETH0, OFFICE), 0);
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 0);
	b[9] = 47; /* GRE */
	fwt_fix_ipsum(b);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_UNSUPPORTED);
	fwt_fini(&t);
}

void
test_nat_register(void)
{
	CU_pSuite s = CU_add_suite("fw_nat", NULL, NULL);

	CU_add_test(s, "port collision", test_port_collision);
	CU_add_test(s, "allocation under pressure", test_pressure);
	CU_add_test(s, "ICMP identifier translation", test_icmp_ident);
	CU_add_test(s, "static NAT", test_static_nat);
	CU_add_test(s, "reverse NAT (port forwarding)", test_reverse_nat);
	CU_add_test(s, "no global address / portless protocol",
	    test_no_global_address);
}
