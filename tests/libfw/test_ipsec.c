/* The IPsec peer tag (process.c): an encap=ipsec connection belongs to the
 * peer that opened it, for every packet, later fragment and ICMP error from
 * the peer's side; fw_process_burst gives the same answers. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_ipsec_register(void);

/* The L2TP connection rule 3 admitted for peer A: its info. */
static bool
l2tp_conn(struct fwt *t, uint64_t now, struct fw_conn_info *ci)
{
	size_t cur = 0;

	while (fw_conn_next(t->ctx, now, &cur, ci))
		if (ci->rule == 3)
			return true;
	return false;
}

static void
test_tag_remembered(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_conn_info ci;
	uint8_t b[256], c[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 40);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_EQUAL(v.rule, 3);
	CU_ASSERT_TRUE(v.new_flow);
	CU_ASSERT_TRUE_FATAL(l2tp_conn(&t, S(1), &ci));
	CU_ASSERT_EQUAL(ci.ipsec, PEER_A);
	CU_ASSERT_EQUAL(ci.packets[0], 1);
	/* The same peer again. */
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 40);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_FALSE(v.new_flow);
	/* Another peer with the same tuple (behind the same NAT, or forging
	 * it): refused, counted, logged with both tags, untouched. */
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 40);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_B, &v), FW_E_IPSEC_MISMATCH);
	CU_ASSERT_EQUAL(v.action, FW_VERDICT_DROP);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log,
	    "another IPsec peer"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "peer 0xa1a1"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "packet's 0xb2b2"));
	/* In the clear: still "needs IPsec". */
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0, FW_IF_LOCAL,
	    0, &v), FW_E_NEED_IPSEC);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_IPSEC_MISMATCH], 1);
	CU_ASSERT_EQUAL(st.drops[-FW_E_NEED_IPSEC], 1);
	/* Refused packets neither count for nor refresh the connection. */
	CU_ASSERT_TRUE_FATAL(l2tp_conn(&t, S(3), &ci));
	CU_ASSERT_EQUAL(ci.packets[0], 2);
	CU_ASSERT_EQUAL(ci.expires_ns, S(2) + S(30));
	/* The gateway's answer (before encryption) carries no tag. */
	n = fwt_udp(b, OFFICE, 1701, REMOTE, 1701, 40);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, FW_IF_LOCAL, IF_ETH0,
	    0, &v), 0);
	/* When the connection has expired, another peer may open it. */
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 40);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(400), b, n, IF_ETH0,
	    FW_IF_LOCAL, PEER_B, &v), 0);
	CU_ASSERT_TRUE(v.new_flow);
	CU_ASSERT_TRUE_FATAL(l2tp_conn(&t, S(400), &ci));
	CU_ASSERT_EQUAL(ci.ipsec, PEER_B);
	fwt_fini(&t);
}

/* Connections not admitted by an encap=ipsec rule remember no tag. */
static void
test_other_connections(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_conn_info ci;
	uint8_t b[256];
	size_t n, cur = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP0), 0);
	/* The road warrior's traffic came out of its SA too. */
	n = fwt_udp(b, RW_HOST, 5000, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1,
	    PEER_A, &v), 0);
	CU_ASSERT_TRUE(fw_conn_next(t.ctx, S(1), &cur, &ci));
	CU_ASSERT_EQUAL(ci.ipsec, 0);
	n = fwt_udp(b, RW_HOST, 5000, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1,
	    PEER_B, &v), 0);
	n = fwt_udp(b, RW_HOST, 5000, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_VLAN1, 0,
	    &v), 0);
	/* ISAKMP (rule 1, no encap) with a tag. */
	n = fwt_udp(b, REMOTE, 500, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_EQUAL(v.rule, 1);
	n = fwt_udp(b, REMOTE, 500, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    0, &v), 0);
	fwt_fini(&t);
}

/*
 * An encap=ipsec rule on the dynamic class: road warrior A opens a
 * connection to road warrior B.  B's answers come out of B's SA: the reply
 * direction is not checked; A's side is.
 */
static void
test_reply_direction(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	/* add fire rule=20 int=dyn-dynamic action=allow encap=ipsec */
	struct fw_rule_cfg r = { .size = sizeof(r), .number = 20,
	    .if_id = FW_IF_DYNAMIC, .action = FW_ALLOW, .encap_ipsec = true };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fw_rule_add(t.ctx, &r), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP0), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp(t.ctx, IF_PPP1), 0);
	n = fwt_tcp(b, RW_HOST, 3000, RW_HOST + 1, 22, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_PPP1,
	    PEER_A, &v), 0);
	CU_ASSERT_EQUAL(v.rule, 20);
	n = fwt_tcp(b, RW_HOST + 1, 22, RW_HOST, 3000, TH_SYN | TH_ACK, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP1, IF_PPP0,
	    PEER_B, &v), 0);
	n = fwt_tcp(b, RW_HOST, 3000, RW_HOST + 1, 22, TH_ACK, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_PPP1,
	    PEER_B, &v), FW_E_IPSEC_MISMATCH);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_PPP1,
	    PEER_A, &v), 0);
	/* Without a tag the rule does not match: the class is private, so
	 * the policy admits it, untagged. */
	n = fwt_tcp(b, RW_HOST, 3001, RW_HOST + 1, 22, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0, IF_PPP1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(v.rule, 0);
	fwt_fini(&t);
}

/*
 * Issue #13 item 11: encap=ipsec holds in both directions.  A connection
 * the gateway (or a LAN host) opens whose reply tuple an encap=ipsec rule
 * would admit (here rule 3, L2TP to the office) requires IPsec for its
 * replies: clear packets from the internet cannot ride it, and once a peer
 * answered, only that peer.  Connections whose replies match no such rule
 * are not affected.
 */
static void
test_reply_needs_ipsec(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_conn_info ci;
	uint8_t b[256], c[256], q[256];
	size_t n, cur;
	bool seen = false;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* The gateway's L2TP to a client whose connection had expired. */
	n = fwt_udp(b, OFFICE, 1701, REMOTE, 1701, 40);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, FW_IF_LOCAL, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_TRUE(v.new_flow);
	/* Forged in the clear from the internet: refused, untouched. */
	n = fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 40);
	memcpy(c, b, n);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_NEED_IPSEC);
	CU_ASSERT_EQUAL(memcmp(b, c, n), 0);
	/* The client's answer out of its SA passes and binds the peer. */
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	CU_ASSERT_FALSE(v.new_flow);
	cur = 0;
	while (fw_conn_next(t.ctx, S(1), &cur, &ci)) {
		if (ci.orig.src == OFFICE && ci.orig.dport == 1701) {
			seen = true;
			CU_ASSERT_TRUE(ci.ipsec_reply);
			CU_ASSERT_EQUAL(ci.ipsec, PEER_A);
		}
	}
	CU_ASSERT_TRUE(seen);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_B, &v), FW_E_IPSEC_MISMATCH);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "peer 0xa1a1"));
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_NEED_IPSEC);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	/* Its ICMP errors from the peer's side too. */
	n = fwt_udp(q, OFFICE, 1701, REMOTE, 1701, 12);
	n = fwt_icmp_error(b, REMOTE, OFFICE, 3, 3, q, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_NEED_IPSEC);
	/* A LAN host whose enhanced-NAT port lands on the office's L2TP
	 * port: the rule protects that port from clear replies as well. */
	n = fwt_udp(b, LAN_HOST, 1701, REMOTE2, 1701, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_sport(b), 1701);
	n = fwt_udp(b, REMOTE2, 1701, OFFICE, 1701, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_NEED_IPSEC);
	/* Other connections of the gateway and the LAN are not affected. */
	n = fwt_udp(b, OFFICE, 40000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, FW_IF_LOCAL, IF_ETH0, 0,
	    &v), 0);
	n = fwt_udp(b, REMOTE, 53, OFFICE, 40000, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	n = fwt_udp(b, LAN_HOST, 5353, REMOTE2, 1701, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	n = fwt_udp(b, REMOTE2, 1701, OFFICE, 5353, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_NEED_IPSEC], 4);
	CU_ASSERT_EQUAL(st.drops[-FW_E_IPSEC_MISMATCH], 1);
	fwt_fini(&t);
}

/* Turns a built packet into a fragment (see test_frag.c). */
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
test_fragments_and_errors(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256], l[256], q[256];
	size_t n, en;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	fwt_udp(b, REMOTE, 1701, OFFICE, 1701, 40);
	n = frag(b, 0x7171, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	memset(l, 0, sizeof(l));
	fwt_udp(l, REMOTE, 1701, OFFICE, 1701, 40);
	n = frag(l, 0x7171, 3, false, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_B, &v), FW_E_IPSEC_MISMATCH);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_ETH0, FW_IF_LOCAL,
	    0, &v), FW_E_NEED_IPSEC);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), l, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	/* The peer's Port Unreachable about the gateway's answer. */
	n = fwt_udp(q, OFFICE, 1701, REMOTE, 1701, 12);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), q, n, FW_IF_LOCAL, IF_ETH0,
	    0, &v), 0);
	en = fwt_icmp_error(b, REMOTE, OFFICE, 3, 3, q, 28);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, en, IF_ETH0, FW_IF_LOCAL,
	    PEER_B, &v), FW_E_IPSEC_MISMATCH);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, en, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	fwt_fini(&t);
}

/* fw_process_burst() with tags gives what fw_process() one by one gives. */
static void
test_burst_tags(void)
{
	static const uint64_t tags[4] = { PEER_A, PEER_B, 0, PEER_A };
	struct fwt a, b;
	struct fw_pkt pk[24];
	uint8_t bufa[24][128], bufb[24][128];
	size_t lens[24], i;
	struct fw_verdict v;
	int rc, passed = 0, mismatch = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&a, NULL, true), 0);
	CU_ASSERT_EQUAL_FATAL(fwt_init(&b, NULL, true), 0);
	for (i = 0; i < 24; i++) {
		lens[i] = fwt_udp(bufa[i], REMOTE + (uint32_t)(i % 3), 1701,
		    OFFICE, 1701, 16);
		memcpy(bufb[i], bufa[i], lens[i]);
		memset(&pk[i], 0, sizeof(pk[i]));
		pk[i].data = bufb[i];
		pk[i].len = lens[i];
		pk[i].in_if = IF_ETH0;
		pk[i].out_if = FW_IF_LOCAL;
		pk[i].ipsec = tags[(i / 3) % 4];
	}
	rc = fw_process_burst(b.ctx, S(1), pk, 24);
	for (i = 0; i < 24; i++) {
		int r = fwt_process(a.ctx, S(1), bufa[i], lens[i], IF_ETH0,
		    FW_IF_LOCAL, tags[(i / 3) % 4], &v);

		CU_ASSERT_EQUAL(r, pk[i].rc);
		CU_ASSERT_EQUAL(v.action, pk[i].verdict.action);
		CU_ASSERT_EQUAL(v.reason, pk[i].verdict.reason);
		CU_ASSERT_EQUAL(v.new_flow, pk[i].verdict.new_flow);
		CU_ASSERT_EQUAL(memcmp(bufa[i], bufb[i], lens[i]), 0);
		if (r == 0)
			passed++;
		if (r == FW_E_IPSEC_MISMATCH)
			mismatch++;
	}
	CU_ASSERT_EQUAL(rc, passed);
	CU_ASSERT_EQUAL(passed, 12);
	CU_ASSERT_EQUAL(mismatch, 6);
	fwt_fini(&a);
	fwt_fini(&b);
}

void
test_ipsec_register(void)
{
	CU_pSuite s = CU_add_suite("fw_ipsec_tag", NULL, NULL);

	CU_add_test(s, "the opening peer's tag is remembered",
	    test_tag_remembered);
	CU_add_test(s, "other connections remember no tag",
	    test_other_connections);
	CU_add_test(s, "the reply direction is not checked",
	    test_reply_direction);
	CU_add_test(s, "later fragments and ICMP errors",
	    test_fragments_and_errors);
	CU_add_test(s, "burst with tags", test_burst_tags);
	CU_add_test(s, "replies towards an encap=ipsec rule need IPsec "
	    "(#13.11)", test_reply_needs_ipsec);
}
