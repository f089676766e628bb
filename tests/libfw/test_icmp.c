/* ICMP error translation including the embedded header (traceroute). */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_icmp_register(void);

static uint16_t
g16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* Sum check of the embedded IPv4 header. */
static bool
inner_ipsum_ok(const uint8_t *in)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		s += g16(in + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

static void
test_traceroute_udp(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t probe[256], err[256];
	size_t n, en;
	uint16_t gport;
	const uint8_t *in;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* A Unix traceroute probe from the LAN with TTL 1 past us. */
	n = fwt_udp(probe, LAN_HOST, 33000, REMOTE, 33434, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), probe, n, IF_VLAN1, IF_ETH0,
	    0, &v), 0);
	gport = fwt_sport(probe);
	/* A router on the path answers Time Exceeded quoting header + 8. */
	en = fwt_icmp_error(err, ROUTER, OFFICE, 11, 0, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_EQUAL(fwt_src(err), ROUTER);     /* the router stays */
	CU_ASSERT_EQUAL(fwt_dst(err), LAN_HOST);   /* to the prober */
	in = err + 28;
	CU_ASSERT_EQUAL(fwt_src(in), LAN_HOST);    /* embedded source back */
	CU_ASSERT_EQUAL(fwt_dst(in), REMOTE);
	CU_ASSERT_EQUAL(g16(in + 20), 33000);      /* embedded source port */
	CU_ASSERT_EQUAL(g16(in + 22), 33434);
	CU_ASSERT_TRUE(inner_ipsum_ok(in));
	CU_ASSERT_TRUE(fwt_checksums_ok(err, en)); /* outer IP and ICMP */
	(void)gport;
	/* The destination answers Port Unreachable itself. */
	n = fwt_udp(probe, LAN_HOST, 33000, REMOTE, 33434, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), probe, n, IF_VLAN1, IF_ETH0,
	    0, &v), 0);
	en = fwt_icmp_error(err, REMOTE, OFFICE, 3, 3, probe, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(err), REMOTE);
	CU_ASSERT_EQUAL(fwt_dst(err), LAN_HOST);
	CU_ASSERT_TRUE(fwt_checksums_ok(err, en));
	/* The whole quoted datagram is consistent again: its UDP checksum
	 * verifies with the private addresses. */
	CU_ASSERT_TRUE(fwt_checksums_ok(err + 28, n));
	fwt_fini(&t);
}

static void
test_tracert_icmp(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t probe[256], err[256];
	size_t n, en;
	const uint8_t *in;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP0), 0);
	/* Windows tracert from a road warrior: ICMP echo, id 512. */
	n = fwt_icmp_echo(probe, RW_HOST, REMOTE, 8, 512, 9);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), probe, n, IF_PPP0, IF_ETH0, 0,
	    &v), 0);
	en = fwt_icmp_error(err, ROUTER, OFFICE, 11, 0, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_PPP0, 0,
	    &v), 0);
	in = err + 28;
	CU_ASSERT_EQUAL(fwt_dst(err), RW_HOST);
	CU_ASSERT_EQUAL(fwt_src(in), RW_HOST);
	CU_ASSERT_EQUAL(g16(in + 24), 512);       /* embedded identifier */
	CU_ASSERT_TRUE(inner_ipsum_ok(in));
	CU_ASSERT_TRUE(fwt_checksums_ok(err, en));
	fwt_fini(&t);
}

static void
test_error_from_forwarded_server(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t pkt[256], err[256];
	size_t n, en;
	struct fw_rule_cfg r = { .size = sizeof(r), .number = 10,
	    .if_id = IF_ETH0, .action = FW_ALLOW, .protocol = FW_PROTO_UDP,
	    .ip_min = LAN_HOST, .ip_max = LAN_HOST, .port_min = 9000,
	    .port_max = 9000,
	    .gbl_ip = OFFICE, .gbl_port_min = 69, .gbl_port_max = 69 };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), 0);
	n = fwt_udp(pkt, REMOTE, 2000, OFFICE, 69, 4);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), pkt, n, IF_ETH0, FW_IF_LOCAL,
	    0, &v), 0);
	/* The private server refuses: its error must not leak its address. */
	en = fwt_icmp_error(err, LAN_HOST, REMOTE, 3, 3, pkt, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(err), OFFICE);
	CU_ASSERT_EQUAL(fwt_dst(err), REMOTE);
	CU_ASSERT_EQUAL(fwt_dst(err + 28), OFFICE);
	CU_ASSERT_EQUAL(g16(err + 28 + 22), 69);
	CU_ASSERT_TRUE(fwt_checksums_ok(err, en));
	fwt_fini(&t);
}

static void
test_bad_errors(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t probe[256], err[256], copy[256];
	size_t n, en;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	n = fwt_udp(probe, LAN_HOST, 33000, REMOTE, 33434, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), probe, n, IF_VLAN1, IF_ETH0,
	    0, &v), 0);
	/* Only 20 + 4 bytes quoted: no ports. */
	en = fwt_icmp_error(err, ROUTER, OFFICE, 11, 0, probe, 24);
	memcpy(copy, err, en);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_BAD_INNER);
	CU_ASSERT_EQUAL(memcmp(err, copy, en), 0);
	/* Garbage instead of an IPv4 header. */
	memset(probe, 0x66, 28);
	en = fwt_icmp_error(err, ROUTER, OFFICE, 3, 1, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_BAD_INNER);
	/* Inner IHL below 5, and an inner header (IHL 15) running past the
	 * quote: refused before any inner field is read or written. */
	n = fwt_udp(probe, OFFICE, 33000, REMOTE, 33434, 12);
	probe[0] = 0x44;
	en = fwt_icmp_error(err, ROUTER, OFFICE, 11, 0, probe, 28);
	memcpy(copy, err, en);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_BAD_INNER);
	CU_ASSERT_EQUAL(memcmp(err, copy, en), 0);
	probe[0] = 0x4f;
	en = fwt_icmp_error(err, ROUTER, OFFICE, 11, 0, probe, 40);
	memcpy(copy, err, en);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_BAD_INNER);
	CU_ASSERT_EQUAL(memcmp(err, copy, en), 0);
	/* A quoted later fragment carries no ports. */
	n = fwt_udp(probe, OFFICE, 33000, REMOTE, 33434, 12);
	probe[7] = 3;
	en = fwt_icmp_error(err, ROUTER, OFFICE, 11, 0, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_BAD_INNER);
	/* A well formed error about a connection nobody has. */
	n = fwt_udp(probe, OFFICE, 1234, REMOTE, 53, 12);
	en = fwt_icmp_error(err, ROUTER, OFFICE, 3, 1, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_NO_FLOW);
	/* An unknown ICMP type. */
	n = fwt_icmp_echo(probe, REMOTE, OFFICE, 9, 0, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), probe, n, IF_ETH0, IF_VLAN1,
	    0, &v), FW_E_UNSUPPORTED);
	fwt_fini(&t);
}

/* encap=ipsec holds for ICMP errors the peer sends about the connection:
 * they quote the L2TP packets, so they must come out of IPsec too. */
static void
test_error_ipsec(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t pkt[256], err[256];
	size_t n, en;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	n = fwt_udp(pkt, REMOTE, 1701, OFFICE, 1701, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), pkt, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_EQUAL(v.rule, 3);
	n = fwt_udp(pkt, OFFICE, 1701, REMOTE, 1701, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), pkt, n, FW_IF_LOCAL, IF_ETH0,
	    0, &v), 0);
	/* The peer's Port Unreachable about the gateway's answer. */
	en = fwt_icmp_error(err, REMOTE, OFFICE, 3, 3, pkt, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, FW_IF_LOCAL,
	    0, &v), FW_E_NEED_IPSEC);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	fwt_fini(&t);
}

/*
 * Issue #13 item 12: ICMP Redirect (it would reroute a host's traffic) and
 * Source Quench (deprecated, RFC 6633) from the public side are dropped
 * with their own reasons, even about a tracked connection; other errors
 * about it still pass, and from the private side they are errors like any.
 */
static void
test_redirect_quench(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_if_stats is;
	uint8_t probe[256], err[256], copy[256];
	size_t n, en;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP0), 0);
	n = fwt_udp(probe, LAN_HOST, 33000, REMOTE, 53, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), probe, n, IF_VLAN1, IF_ETH0,
	    0, &v), 0);
	/* Redirect for the host (code 1) and Source Quench, from a router
	 * on the internet, quoting the packet as it left. */
	en = fwt_icmp_error(err, ROUTER, OFFICE, 5, 1, probe, 28);
	memcpy(copy, err, en);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_REDIRECT);
	CU_ASSERT_EQUAL(memcmp(err, copy, en), 0);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "redirect"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "198.51.100.254"));
	en = fwt_icmp_error(err, ROUTER, OFFICE, 4, 0, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_ICMP_SOURCE_QUENCH);
	/* From the remote itself, and addressed to the gateway: the same. */
	en = fwt_icmp_error(err, REMOTE, OFFICE, 5, 0, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0,
	    FW_IF_LOCAL, 0, &v), FW_E_ICMP_REDIRECT);
	/* Time Exceeded about the same connection still passes. */
	en = fwt_icmp_error(err, ROUTER, OFFICE, 11, 0, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(err), LAN_HOST);
	/* From the private side: a LAN router's Source Quench about a road
	 * warrior's connection is an error like the others. */
	n = fwt_udp(probe, RW_HOST, 5000, LAN_HOST2, 53, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), probe, n, IF_PPP0, IF_VLAN1,
	    0, &v), 0);
	en = fwt_icmp_error(err, IP(192, 168, 1, 1), RW_HOST, 4, 0, probe, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), err, en, IF_VLAN1, IF_PPP0, 0,
	    &v), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_ICMP_REDIRECT], 2);
	CU_ASSERT_EQUAL(st.drops[-FW_E_ICMP_SOURCE_QUENCH], 1);
	CU_ASSERT_EQUAL(fw_interface_stats(t.ctx, IF_ETH0, &is), 0);
	CU_ASSERT_EQUAL(is.in_drop, 3);
	fwt_fini(&t);
}

void
test_icmp_register(void)
{
	CU_pSuite s = CU_add_suite("fw_icmp_errors", NULL, NULL);

	CU_add_test(s, "traceroute (UDP) through NAT", test_traceroute_udp);
	CU_add_test(s, "tracert (ICMP echo) from a road warrior",
	    test_tracert_icmp);
	CU_add_test(s, "error from a port-forwarded server",
	    test_error_from_forwarded_server);
	CU_add_test(s, "errors wrapping garbage or unknown flows",
	    test_bad_errors);
	CU_add_test(s, "errors about an encap=ipsec connection",
	    test_error_ipsec);
	CU_add_test(s, "redirect and source quench from the public side "
	    "(#13.12)", test_redirect_quench);
}
