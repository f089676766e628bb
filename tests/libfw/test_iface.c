/* Interfaces (iface.c): user tags, anti-spoofing of dynamic members,
 * configuration errors and names. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_iface_register(void);

static void
test_user_tags(void)
{
	struct fwt t;
	struct fw_interface_cfg c = { .size = sizeof(c), .id = 5,
	    .type = FW_IF_PUBLIC, .user = 0x5555 };
	struct fw_interface_cfg cls = { .size = sizeof(cls),
	    .id = FW_IF_DYNAMIC, .type = FW_IF_PRIVATE, .user = 0xd1d1 };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, false), 0);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, FW_IF_DYNAMIC), 0);
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &cls), 0);
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &c), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0,
	    0xfeedface12345678ULL), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP1), 0);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, 5), 0x5555);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, IF_PPP0),
	    0xfeedface12345678ULL);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, IF_PPP1), 0);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, FW_IF_DYNAMIC), 0xd1d1);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, FW_IF_LOCAL), 0);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, 77), 0);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, 60000), 0);
	CU_ASSERT_EQUAL(fw_interface_user(NULL, 5), 0);
	/* The tag goes with the interface. */
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, IF_PPP0), 0);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, IF_PPP0), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 42), 0);
	CU_ASSERT_EQUAL(fw_interface_user(t.ctx, IF_PPP0), 42);
	fwt_fini(&t);
}

static void
test_spoofing(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_if_stats is;
	uint8_t b[256], c[256];
	size_t n, cur = 0;
	struct fw_conn_info ci;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 0), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP1), 0);
	/* The peer address passes. */
	n = fwt_udp(b, RW_HOST, 5000, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), 0);
	/* Another source through the same session: dropped, counted,
	 * logged with both addresses, untouched, nothing tracked. */
	n = fwt_udp(b, LAN_HOST2, 5000, LAN_HOST, 53, 8);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), FW_E_SPOOFED);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "spoofed source"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "192.168.1.11"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "peer 192.168.2.20"));
	/* Every kind of packet: a TCP SYN and an ICMP error too. */
	n = fwt_tcp(b, RW_HOST + 9, 1, REMOTE, 80, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_ETH0, 0,
	    &v), FW_E_SPOOFED);
	n = fwt_udp(c, LAN_HOST, 53, RW_HOST, 5000, 8);
	n = fwt_icmp_error(b, IP(10, 9, 9, 9), LAN_HOST, 3, 3, c, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), FW_E_SPOOFED);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_SPOOFED], 3);
	CU_ASSERT_EQUAL(fw_interface_stats(t.ctx, IF_PPP0, &is), 0);
	CU_ASSERT_EQUAL(is.in_drop, 3);
	CU_ASSERT_EQUAL(is.in_pass, 1);
	while (fw_conn_next(t.ctx, S(1), &cur, &ci))
		CU_ASSERT_EQUAL(ci.orig.src, RW_HOST);
	/* Only what enters is checked: the LAN may send anything to it. */
	n = fwt_udp(b, LAN_HOST2, 7, RW_HOST, 7, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_PPP0, 0,
	    &v), 0);
	/* A member without a peer address checks nothing. */
	n = fwt_udp(b, LAN_HOST2, 5000, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, IF_VLAN1, 0,
	    &v), 0);
	/* Re-added with another address (a new PPP session). */
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, IF_PPP0), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST + 1, 0, 0),
	    0);
	n = fwt_udp(b, RW_HOST, 5001, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), FW_E_SPOOFED);
	n = fwt_udp(b, RW_HOST + 1, 5001, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), 0);
	fwt_fini(&t);
}

/*
 * Issue #13 item 8: a connection belongs to its interfaces.  Its original
 * direction enters only through the interface it was opened on, its replies
 * only through the one it left by; later fragments follow their first
 * fragment's interface and ICMP errors the interface of the direction they
 * travel.  So neither the internet (forging a LAN host's or a VPN user's
 * tuple) nor a VPN user (without an anti-spoofing address, forging the
 * remote's) can inject into, reset or error another interface's
 * connection.  The anti-spoofing address holds on every path.
 */
static void
test_bound_to_interfaces(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_if_stats is;
	struct fw_conn_info ci;
	uint8_t b[256], c[256], q[256];
	size_t n, cur;
	uint16_t gport;
	/* rule=10 int=eth0 action=allow prot=tcp gblip=O gblport=8080
	 * ip=192.168.1.11 port=80 (a port forward to a LAN server) */
	struct fw_rule_cfg fwd = { .size = sizeof(fwd), .number = 10,
	    .if_id = IF_ETH0, .action = FW_ALLOW, .protocol = FW_PROTO_TCP,
	    .ip_min = LAN_HOST2, .ip_max = LAN_HOST2, .port_min = 80,
	    .port_max = 80, .gbl_ip = OFFICE, .gbl_port_min = 8080,
	    .gbl_port_max = 8080 };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &fwd), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 0), 0);
	/* A VPN user whose session has no anti-spoofing address. */
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP1), 0);

	/* A LAN host's UDP exchange with the internet (enhanced NAT). */
	n = fwt_udp(b, LAN_HOST, 5000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	gport = fwt_sport(b);
	/* The internet forges the LAN host's side: it would leave translated
	 * as the office. */
	n = fwt_udp(b, LAN_HOST, 5000, REMOTE, 53, 8);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_ETH0, 0,
	    &v), FW_E_WRONG_IF);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "another interface"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "connection's interface 2"));
	/* The VPN user forges the remote's reply, and the LAN host's side. */
	n = fwt_udp(b, REMOTE, 53, OFFICE, gport, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, FW_IF_LOCAL, 0,
	    &v), FW_E_WRONG_IF);
	n = fwt_udp(b, LAN_HOST, 5000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, IF_ETH0, 0,
	    &v), FW_E_WRONG_IF);
	/* The genuine reply, through the interface the request left by. */
	n = fwt_udp(b, REMOTE, 53, OFFICE, gport, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);

	/* ICMP errors travel like their direction: the remote's Port
	 * Unreachable about the request passes on eth0, not from the VPN
	 * user (it would reach the LAN host translated). */
	n = fwt_udp(q, OFFICE, gport, REMOTE, 53, 8);
	n = fwt_icmp_error(b, REMOTE, OFFICE, 3, 3, q, 28);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, FW_IF_LOCAL, 0,
	    &v), FW_E_WRONG_IF);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);

	/* Later fragments follow the interface of their first fragment. */
	fwt_udp(b, LAN_HOST, 5000, REMOTE, 53, 40);
	n = fwt_frag(b, 0x3131, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	memset(b, 0, sizeof(b));
	fwt_udp(b, LAN_HOST, 5000, REMOTE, 53, 40);
	n = fwt_frag(b, 0x3131, 3, false, 24);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, IF_ETH0, 0,
	    &v), FW_E_WRONG_IF);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_PPP1, IF_ETH0, 0,
	    &v), FW_E_WRONG_IF);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);

	/* A VPN user's connection to the LAN: the internet cannot speak for
	 * the VPN user's side, another VPN user cannot speak for the LAN
	 * host's. */
	n = fwt_tcp(b, RW_HOST, 40000, LAN_HOST, 22, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), 0);
	n = fwt_tcp(b, RW_HOST, 40000, LAN_HOST, 22, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_WRONG_IF);
	n = fwt_tcp(b, LAN_HOST, 22, RW_HOST, 40000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_PPP1, IF_PPP0, 0,
	    &v), FW_E_WRONG_IF);
	n = fwt_tcp(b, LAN_HOST, 22, RW_HOST, 40000, TH_RST | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_PPP1, IF_PPP0, 0,
	    &v), FW_E_WRONG_IF);
	n = fwt_tcp(b, LAN_HOST, 22, RW_HOST, 40000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_VLAN1, IF_PPP0, 0,
	    &v), 0);

	/* The anti-spoofing address holds for later fragments and ICMP
	 * errors too (checked before anything else). */
	memset(b, 0, sizeof(b));
	fwt_udp(b, LAN_HOST2, 5000, LAN_HOST, 53, 40);
	n = fwt_frag(b, 0x3232, 3, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), FW_E_SPOOFED);
	n = fwt_tcp(q, LAN_HOST, 22, RW_HOST, 40000, TH_ACK, 0);
	n = fwt_icmp_error(b, LAN_HOST2, LAN_HOST, 3, 3, q, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), FW_E_SPOOFED);

	/* A port forward learns its reply interface from the LAN server's
	 * first answer; from then on only that interface answers. */
	n = fwt_tcp(b, REMOTE2, 33000, OFFICE, 8080, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(4), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST2);
	/* Not from the public side, though. */
	n = fwt_tcp(b, LAN_HOST2, 80, REMOTE2, 33000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(4), b, n, IF_ETH0, IF_ETH0, 0,
	    &v), FW_E_WRONG_IF);
	n = fwt_tcp(b, LAN_HOST2, 80, REMOTE2, 33000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(4), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	n = fwt_tcp(b, LAN_HOST2, 80, REMOTE2, 33000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(4), b, n, IF_PPP1, IF_ETH0, 0,
	    &v), FW_E_WRONG_IF);
	cur = 0;
	while (fw_conn_next(t.ctx, S(4), &cur, &ci))
		if (ci.rule == 10)
			CU_ASSERT_EQUAL(ci.out_if, IF_VLAN1);

	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_WRONG_IF], 11);
	CU_ASSERT_EQUAL(st.drops[-FW_E_SPOOFED], 2);
	CU_ASSERT_EQUAL(fw_interface_stats(t.ctx, IF_PPP1, &is), 0);
	CU_ASSERT_EQUAL(is.in_drop, 7);
	CU_ASSERT_EQUAL(is.in_pass, 0);
	fwt_fini(&t);
}

/* fw_interface_remove takes exactly the connections of that interface
 * (either side), counts them, and leaves every other one; an interface
 * with none removes nothing.  (It scans only while the interface still has
 * connections, and only up to the table's peak.) */
static void
test_remove_takes_its_own(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_conn_info ci;
	uint8_t b[256];
	size_t n, cur = 0, left = 0;
	uint16_t p;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 0), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP1), 0);
	/* Interleaved: 5 connections of each road warrior to the LAN. */
	for (p = 0; p < 5; p++) {
		n = fwt_udp(b, RW_HOST, (uint16_t)(5000 + p), LAN_HOST, 53, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1, 0, &v), 0);
		n = fwt_udp(b, RW_HOST + 1, (uint16_t)(5000 + p), LAN_HOST, 53, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, IF_VLAN1, 0, &v), 0);
	}
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL_FATAL(st.flows_active, 10);
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, IF_PPP0), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_active, 5);
	CU_ASSERT_EQUAL(st.flows_removed, 5);
	while (fw_conn_next(t.ctx, S(1), &cur, &ci)) {
		CU_ASSERT_EQUAL(ci.in_if, IF_PPP1);
		left++;
	}
	CU_ASSERT_EQUAL(left, 5);
	/* Re-added, the same id starts empty; removing it again finds nothing. */
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 0), 0);
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, IF_PPP0), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_removed, 5);
	CU_ASSERT_EQUAL(st.flows_active, 5);
	/* The connections of a side that is the out interface go too. */
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, IF_VLAN1), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_active, 0);
	CU_ASSERT_EQUAL(st.flows_removed, 10);
	fwt_fini(&t);
}

static void
test_config_errors(void)
{
	struct fwt t;
	struct fw_interface_cfg c = { .size = sizeof(c), .id = 5,
	    .type = FW_IF_PRIVATE, .peer_addr = LAN_HOST };
	struct fw_interface_cfg cls = { .size = sizeof(cls),
	    .id = FW_IF_DYNAMIC, .type = FW_IF_PRIVATE, .peer_addr = RW_HOST };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, false), 0);
	/* Anti-spoofing is for dynamic members only. */
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &c), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &cls), FW_E_INVAL);
	cls.peer_addr = 0;
	cls.mss_clamp = 1400;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &cls), FW_E_INVAL);
	cls.mss_clamp = 0;
	cls.dynamic = true;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &cls), FW_E_INVAL);
	cls.dynamic = false;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &cls), 0);
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &cls), FW_E_EXISTS);
	/* A static interface may clamp. */
	c.peer_addr = 0;
	c.mss_clamp = 1400;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &c), 0);
	c.size = sizeof(c) - 1;
	c.id = 6;
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, &c), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_interface_add(t.ctx, NULL), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_interface_add(NULL, &c), FW_E_INVAL);
	/* The class and the gateway cannot be removed. */
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, FW_IF_DYNAMIC),
	    FW_E_NOT_FOUND);
	CU_ASSERT_EQUAL(fw_interface_remove(t.ctx, FW_IF_LOCAL),
	    FW_E_NOT_FOUND);
	CU_ASSERT_EQUAL(fw_interface_remove(NULL, 5), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_interface_set_address(NULL, 5, 1), FW_E_INVAL);
	fwt_fini(&t);
}

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(fw_if_type_name(FW_IF_PRIVATE), "private");
	CU_ASSERT_STRING_EQUAL(fw_if_type_name(FW_IF_PUBLIC), "public");
	CU_ASSERT_STRING_EQUAL(fw_if_type_name((enum fw_if_type)9),
	    "unknown");
	CU_ASSERT_STRING_EQUAL(fw_strerror(FW_E_SPOOFED),
	    "spoofed source address");
}

void
test_iface_register(void)
{
	CU_pSuite s = CU_add_suite("fw_interfaces", NULL, NULL);

	CU_add_test(s, "user tags", test_user_tags);
	CU_add_test(s, "anti-spoofing of dynamic members", test_spoofing);
	CU_add_test(s, "a connection belongs to its interfaces (#13.8)",
	    test_bound_to_interfaces);
	CU_add_test(s, "removing an interface takes its connections only",
	    test_remove_takes_its_own);
	CU_add_test(s, "configuration errors", test_config_errors);
	CU_add_test(s, "names", test_names);
}
