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
	CU_add_test(s, "configuration errors", test_config_errors);
	CU_add_test(s, "names", test_names);
}
