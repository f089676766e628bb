/* TCP MSS clamping (mss.c) on hand-built SYN and SYN+ACK segments.  The
 * expected bytes and checksums were computed independently of libfw (a full
 * RFC 1071 recomputation in Python, not RFC 1624's update), and every
 * rewritten packet is verified again with fwt_checksums_ok(). */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_mss_register(void);

#define CLAMP 1360          /* 0x0550 */
#define IF_PPP_NOCLAMP 12

/*
 * A: a road warrior's SYN, 192.168.2.20:50000 -> 192.168.1.10:445, options
 * MSS 1460, NOP, NOP, SACK permitted: the MSS value sits at TCP offset 22.
 */
static const uint8_t syn_a[48] = {
	0x45, 0x00, 0x00, 0x30, /* IPv4, IHL 5; total length 48 */
	0x01, 0x01, 0x40, 0x00, /* identification 0x0101; DF */
	0x40, 0x06, 0xb5, 0x58, /* TTL 64, TCP; header checksum */
	0xc0, 0xa8, 0x02, 0x14, /* source 192.168.2.20 */
	0xc0, 0xa8, 0x01, 0x0a, /* destination 192.168.1.10 */
	0xc3, 0x50, 0x01, 0xbd, /* ports 50000 -> 445 */
	0x00, 0x00, 0x03, 0xe8, /* sequence 1000 */
	0x00, 0x00, 0x00, 0x00, /* acknowledgement 0 */
	0x70, 0x02, 0xff, 0xff, /* data offset 7 (28 bytes), SYN; window */
	0x35, 0xbb, 0x00, 0x00, /* checksum; urgent pointer */
	0x02, 0x04, 0x05, 0xb4, /* MSS 1460 */
	0x01, 0x01, 0x04, 0x02, /* NOP, NOP, SACK permitted */
};

/* A after clamping to 1360: the MSS and the TCP checksum change. */
static const uint8_t syn_a_clamped[48] = {
	0x45, 0x00, 0x00, 0x30, 0x01, 0x01, 0x40, 0x00,
	0x40, 0x06, 0xb5, 0x58, 0xc0, 0xa8, 0x02, 0x14,
	0xc0, 0xa8, 0x01, 0x0a, 0xc3, 0x50, 0x01, 0xbd,
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x70, 0x02, 0xff, 0xff,
	0x36, 0x1f, 0x00, 0x00, /* checksum 0x361f */
	0x02, 0x04, 0x05, 0x50, /* MSS 1360 */
	0x01, 0x01, 0x04, 0x02,
};

/*
 * B: the same host's SYN from port 50001 with a NOP first, so that the MSS
 * value sits at the odd TCP offset 23 and straddles two checksum words.
 */
static const uint8_t syn_b[48] = {
	0x45, 0x00, 0x00, 0x30, 0x01, 0x02, 0x40, 0x00,
	0x40, 0x06, 0xb5, 0x57, /* header checksum */
	0xc0, 0xa8, 0x02, 0x14, 0xc0, 0xa8, 0x01, 0x0a,
	0xc3, 0x51, 0x01, 0xbd, /* ports 50001 -> 445 */
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x70, 0x02, 0xff, 0xff,
	0x88, 0x6b, 0x00, 0x00, /* checksum 0x886b */
	0x01,                   /* NOP */
	0x02, 0x04, 0x05, 0xb4, /* MSS 1460 at offsets 21..24 */
	0x01, 0x01, 0x01,       /* NOP, NOP, NOP */
};

static const uint8_t syn_b_clamped[48] = {
	0x45, 0x00, 0x00, 0x30, 0x01, 0x02, 0x40, 0x00,
	0x40, 0x06, 0xb5, 0x57, 0xc0, 0xa8, 0x02, 0x14,
	0xc0, 0xa8, 0x01, 0x0a, 0xc3, 0x51, 0x01, 0xbd,
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x70, 0x02, 0xff, 0xff,
	0xec, 0x6b, 0x00, 0x00, /* checksum 0xec6b */
	0x01,
	0x02, 0x04, 0x05, 0x50, /* MSS 1360 */
	0x01, 0x01, 0x01,
};

/*
 * C: the LAN host's SYN+ACK to A, 192.168.1.10:445 -> 192.168.2.20:50000,
 * leaving through the road warrior's interface: MSS 1460, NOP, window
 * scale 7.
 */
static const uint8_t synack_c[48] = {
	0x45, 0x00, 0x00, 0x30, 0x02, 0x01, 0x40, 0x00,
	0x40, 0x06, 0xb4, 0x58, /* header checksum */
	0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x02, 0x14,
	0x01, 0xbd, 0xc3, 0x50, /* ports 445 -> 50000 */
	0x00, 0x00, 0x03, 0xe8, /* sequence 1000 */
	0x00, 0x00, 0x03, 0xe9, /* acknowledgement 1001 (A's SYN) */
	0x70, 0x12, 0xff, 0xff, /* SYN+ACK */
	0x32, 0xbb, 0x00, 0x00, /* checksum 0x32bb */
	0x02, 0x04, 0x05, 0xb4, /* MSS 1460 */
	0x01, 0x03, 0x03, 0x07, /* NOP, window scale 7 */
};

static const uint8_t synack_c_clamped[48] = {
	0x45, 0x00, 0x00, 0x30, 0x02, 0x01, 0x40, 0x00,
	0x40, 0x06, 0xb4, 0x58, 0xc0, 0xa8, 0x01, 0x0a,
	0xc0, 0xa8, 0x02, 0x14, 0x01, 0xbd, 0xc3, 0x50,
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x03, 0xe9,
	0x70, 0x12, 0xff, 0xff,
	0x33, 0x1f, 0x00, 0x00, /* checksum 0x331f */
	0x02, 0x04, 0x05, 0x50, /* MSS 1360 */
	0x01, 0x03, 0x03, 0x07,
};

/* The seed policy plus the road warrior's interface with the clamp. */
static void
setup(struct fwt *t)
{
	CU_ASSERT_EQUAL_FATAL(fwt_init(t, NULL, true), 0);
	CU_ASSERT_EQUAL_FATAL(fwt_add_ppp_cfg(t->ctx, IF_PPP0, RW_HOST, CLAMP,
	    0), 0);
}

static void
test_syn_clamped(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	uint8_t b[48];

	setup(&t);
	memcpy(b, syn_a, sizeof(b));
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, sizeof(b), IF_PPP0,
	    IF_VLAN1, 0, &v), 0);
	CU_ASSERT_TRUE(v.mss_clamped);
	CU_ASSERT_FALSE(v.translated);
	TS_ASSERT_BYTES("SYN clamped", b, sizeof(b), syn_a_clamped,
	    sizeof(syn_a_clamped));
	CU_ASSERT_TRUE(fwt_checksums_ok(b, sizeof(b)));
	/* The odd offset. */
	memcpy(b, syn_b, sizeof(b));
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, sizeof(b), IF_PPP0,
	    IF_VLAN1, 0, &v), 0);
	CU_ASSERT_TRUE(v.mss_clamped);
	TS_ASSERT_BYTES("SYN clamped, odd offset", b, sizeof(b),
	    syn_b_clamped, sizeof(syn_b_clamped));
	CU_ASSERT_TRUE(fwt_checksums_ok(b, sizeof(b)));
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.mss_clamped, 2);
	fwt_fini(&t);
}

/* The SYN+ACK leaving through the clamping interface is clamped too. */
static void
test_synack_leaving(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[48];

	setup(&t);
	memcpy(b, syn_a, sizeof(b));
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, sizeof(b), IF_PPP0,
	    IF_VLAN1, 0, &v), 0);
	memcpy(b, synack_c, sizeof(b));
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, sizeof(b), IF_VLAN1,
	    IF_PPP0, 0, &v), 0);
	CU_ASSERT_TRUE(v.mss_clamped);
	CU_ASSERT_FALSE(v.new_flow);
	TS_ASSERT_BYTES("SYN+ACK clamped", b, sizeof(b), synack_c_clamped,
	    sizeof(synack_c_clamped));
	CU_ASSERT_TRUE(fwt_checksums_ok(b, sizeof(b)));
	fwt_fini(&t);
}

/* MSS value at TCP offset off of the packet at b. */
static uint16_t
mss_at(const uint8_t *b, size_t off)
{
	return (uint16_t)((b[20 + off] << 8) | b[21 + off]);
}

/* Segments that must pass unchanged: nothing to clamp, or no clamp. */
static void
test_left_alone(void)
{
	/* MSS 1200: already below the clamp. */
	static const uint8_t low[8] = { 2, 4, 0x04, 0xb0, 1, 1, 1, 0 };
	/* No MSS option: window scale, SACK permitted. */
	static const uint8_t none[8] = { 1, 3, 3, 7, 4, 2, 0, 0 };
	/* End of Option List before an MSS option. */
	static const uint8_t eol[8] = { 0, 0, 0, 0, 2, 4, 0x05, 0xb4 };
	/* A length-0 option ends the walk. */
	static const uint8_t len0[8] = { 8, 0, 1, 1, 2, 4, 0x05, 0xb4 };
	/* An option running past the header ends the walk. */
	static const uint8_t past[8] = { 1, 1, 1, 1, 1, 1, 2, 4 };
	static const uint8_t *const opts[] = { low, none, eol, len0, past };
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	uint8_t b[128], c[128];
	size_t n, i;

	setup(&t);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		n = fwt_tcp_opts(b, RW_HOST, (uint16_t)(40000 + i), LAN_HOST,
		    80, TH_SYN, opts[i], 8);
		memcpy(c, b, n);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0,
		    IF_VLAN1, 0, &v), 0);
		CU_ASSERT_FALSE(v.mss_clamped);
		CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	}
	/* Not a SYN: an established connection's ACK carrying the bytes of
	 * an MSS option is not touched. */
	n = fwt_tcp_opts(b, LAN_HOST, 80, RW_HOST, 40000, TH_SYN | TH_ACK,
	    low, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_PPP0, 0,
	    &v), 0);
	n = fwt_tcp_opts(b, RW_HOST, 40000, LAN_HOST, 80, TH_ACK, syn_a + 40,
	    8);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_FALSE(v.mss_clamped);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	/* Between interfaces without a clamp: translated, MSS kept. */
	n = fwt_tcp_opts(b, LAN_HOST, 41000, REMOTE, 443, TH_SYN, syn_a + 40,
	    8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_FALSE(v.mss_clamped);
	CU_ASSERT_EQUAL(mss_at(b, 22), 1460);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.mss_clamped, 0);
	fwt_fini(&t);
}

/* Clamping and enhanced NAT on the same segment, both ways. */
static void
test_with_nat(void)
{
	static const uint8_t mss1460[8] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[128];
	size_t n;

	setup(&t);
	n = fwt_tcp_opts(b, RW_HOST, 50000, REMOTE, 443, TH_SYN, mss1460, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_TRUE(v.mss_clamped);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	CU_ASSERT_EQUAL(mss_at(b, 22), CLAMP);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	/* The server's SYN+ACK back to the road warrior. */
	n = fwt_tcp_opts(b, REMOTE, 443, OFFICE, 50000, TH_SYN | TH_ACK,
	    mss1460, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, IF_PPP0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_TRUE(v.mss_clamped);
	CU_ASSERT_EQUAL(fwt_dst(b), RW_HOST);
	CU_ASSERT_EQUAL(mss_at(b, 22), CLAMP);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	/* Routed as fw.h says: a reply to the NAT port is for the gateway
	 * (out_if = FW_IF_LOCAL) until translated; the connection came in
	 * through the road warrior's interface, so it is clamped all the
	 * same. */
	n = fwt_tcp_opts(b, RW_HOST, 50002, REMOTE, 443, TH_SYN, mss1460, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_ETH0, 0,
	    &v), 0);
	n = fwt_tcp_opts(b, REMOTE, 443, OFFICE, 50002, TH_SYN | TH_ACK,
	    mss1460, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    0, &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_TRUE(v.mss_clamped);
	CU_ASSERT_EQUAL(fwt_dst(b), RW_HOST);
	CU_ASSERT_EQUAL(mss_at(b, 22), CLAMP);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	fwt_fini(&t);
}

/* Between two clamping interfaces the lower clamp wins. */
static void
test_lower_clamp_wins(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[48];
	size_t n;
	uint8_t opt[8];

	setup(&t);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP1, RW_HOST + 1, 1300,
	    0), 0);
	memcpy(opt, syn_a + 40, 8);
	n = fwt_tcp_opts(b, RW_HOST, 50000, RW_HOST + 1, 445, TH_SYN, opt, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_PPP1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(mss_at(b, 22), 1300);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	n = fwt_tcp_opts(b, RW_HOST + 1, 445, RW_HOST, 50000,
	    TH_SYN | TH_ACK, opt, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, IF_PPP0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(mss_at(b, 22), 1300);
	CU_ASSERT_TRUE(fwt_checksums_ok(b, n));
	/* A member without a clamp next to one with: the one set applies. */
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP_NOCLAMP), 0);
	n = fwt_tcp_opts(b, RW_HOST + 2, 50001, RW_HOST, 445, TH_SYN, opt, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP_NOCLAMP,
	    IF_PPP0, 0, &v), 0);
	CU_ASSERT_EQUAL(mss_at(b, 22), CLAMP);
	fwt_fini(&t);
}

/* A SYN that is dropped is never clamped (a dropped packet is never
 * modified). */
static void
test_dropped_untouched(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	uint8_t b[48];
	/* add fire rule=9 int=dyn-dynamic action=deny prot=tcp port=445 */
	struct fw_rule_cfg deny = { .size = sizeof(deny), .number = 9,
	    .if_id = FW_IF_DYNAMIC, .action = FW_DENY,
	    .protocol = FW_PROTO_TCP, .port_min = 445, .port_max = 445 };

	setup(&t);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &deny), 0);
	memcpy(b, syn_a, sizeof(b));
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, sizeof(b), IF_PPP0,
	    IF_VLAN1, 0, &v), FW_E_RULE_DENY);
	CU_ASSERT_FALSE(v.mss_clamped);
	CU_ASSERT_EQUAL(memcmp(b, syn_a, sizeof(b)), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.mss_clamped, 0);
	fwt_fini(&t);
}

void
test_mss_register(void)
{
	CU_pSuite s = CU_add_suite("fw_mss_clamp", NULL, NULL);

	CU_add_test(s, "SYN clamped (even and odd offset)", test_syn_clamped);
	CU_add_test(s, "SYN+ACK leaving through the interface",
	    test_synack_leaving);
	CU_add_test(s, "segments left alone", test_left_alone);
	CU_add_test(s, "clamping with enhanced NAT", test_with_nat);
	CU_add_test(s, "the lower clamp wins", test_lower_clamp_wins);
	CU_add_test(s, "dropped SYN untouched", test_dropped_untouched);
}
