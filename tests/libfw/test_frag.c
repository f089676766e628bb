/* IP fragments: the first carries the ports, later ones follow by IP ID. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_frag_register(void);

/* Turns a built packet into a fragment: offset in 8-byte units, MF, and
 * keeps only keep bytes after the header. */
static size_t
frag(uint8_t *b, uint16_t id, uint16_t off8, bool mf, size_t keep)
{
	b[2] = (uint8_t)((20 + keep) >> 8);
	b[3] = (uint8_t)(20 + keep);
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = (uint8_t)(((mf ? 0x20 : 0) | (off8 >> 8)) & 0x3f);
	b[7] = (uint8_t)off8;
	fwt_fix_ipsum(b);
	return 20 + keep;
}

static void
test_fragmented_udp(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256], l[256];
	size_t n;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* First fragment: UDP header + 16 bytes of a 48-byte datagram. */
	fwt_udp(b, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(b, 0x4242, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_src(b), OFFICE);
	/* The last fragment (offset 24) follows: address only. */
	memset(l, 0, sizeof(l));
	fwt_udp(l, LAN_HOST, 6000, REMOTE, 6000, 40);
	memmove(l + 20, l + 20 + 24, 24);
	n = frag(l, 0x4242, 3, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.translated);
	CU_ASSERT_EQUAL(fwt_src(l), OFFICE);
	CU_ASSERT_TRUE(fwt_ipsum_ok(l));
	/* A fragment overlapping the first one (ports) is refused. */
	fwt_udp(l, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(l, 0x4242, 1, true, 16);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_FRAG_OVERLAP);
	/* A fragment ending past 65535 bytes (ping of death) is refused. */
	fwt_udp(l, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(l, 0x4242, 8189, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_BAD_LENGTH);
	fwt_udp(l, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(l, 0x4242, 8188, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	/* A later fragment whose first was never seen. */
	fwt_udp(l, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(l, 0x4343, 3, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_FRAG_NO_FIRST);
	/* Inbound reply fragments follow the reply direction. */
	fwt_udp(b, REMOTE, 6000, OFFICE, 6000, 40);
	n = frag(b, 0x5151, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);
	fwt_udp(l, REMOTE, 6000, OFFICE, 6000, 40);
	n = frag(l, 0x5151, 3, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), l, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(l), LAN_HOST);
	/* Fragment trackers expire (30 s). */
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(40), l, n, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_FRAG_NO_FIRST);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.frags_tracked, 2);
	fwt_fini(&t);
}

static void
test_tiny_first(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* RFC 1858 tiny fragment: TCP header split after 8 bytes. */
	fwt_tcp(b, LAN_HOST, 1000, REMOTE, 80, TH_SYN, 40);
	n = frag(b, 7, 0, true, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_FRAG_TINY);
	fwt_udp(b, LAN_HOST, 1000, REMOTE, 80, 40);
	n = frag(b, 8, 0, true, 4);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_FRAG_TINY);
	fwt_fini(&t);
}

static void
test_frag_table_full(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .max_frags = 8 };
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	uint16_t id;
	int full = 0, ok = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	for (id = 1; id <= 12; id++) {
		fwt_udp(b, LAN_HOST, 6000, REMOTE, 6000, 40);
		n = frag(b, id, 0, true, 24);
		int rc = fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
		    &v);
		if (rc == 0)
			ok++;
		else if (rc == FW_E_FRAG_TABLE_FULL)
			full++;
	}
	CU_ASSERT_EQUAL(ok, 8);
	CU_ASSERT_EQUAL(full, 4);
	/* After the trackers expire there is room again. */
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(35)), 1);
	fwt_udp(b, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(b, 99, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(35), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	fwt_fini(&t);
}

/* A tracker reused after it expired (same datagram id, not yet swept) is
 * counted once: when everything has expired nothing is left to time out. */
static void
test_frag_reuse_accounting(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	fwt_udp(b, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(b, 0x4242, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	/* Same first fragment after both flow and tracker expired. */
	fwt_udp(b, LAN_HOST, 6000, REMOTE, 6000, 40);
	n = frag(b, 0x4242, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(100), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(200)), 1);
	CU_ASSERT_EQUAL(fw_next_timeout(t.ctx), UINT64_MAX);
	fwt_fini(&t);
}

/* encap=ipsec holds for later fragments too: a clear later fragment of a
 * datagram admitted through IPsec (rule 3, L2TP) is refused. */
static void
test_frag_ipsec(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256], l[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 40);
	n = frag(b, 0x6161, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_EQUAL(v.rule, 3);
	memset(l, 0, sizeof(l));
	fwt_udp(l, REMOTE, 1701, OFFICE, 1701, 40);
	n = frag(l, 0x6161, 3, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_NEED_IPSEC);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	fwt_fini(&t);
}

void
test_frag_register(void)
{
	CU_pSuite s = CU_add_suite("fw_fragments", NULL, NULL);

	CU_add_test(s, "fragmented UDP both ways", test_fragmented_udp);
	CU_add_test(s, "tiny first fragment", test_tiny_first);
	CU_add_test(s, "fragment table full", test_frag_table_full);
	CU_add_test(s, "expired tracker reused", test_frag_reuse_accounting);
	CU_add_test(s, "later fragments and encap=ipsec", test_frag_ipsec);
}
