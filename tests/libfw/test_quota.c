/* Quotas and eviction (quota.c): no table exhaustion from spoofed sources
 * (issue #13 item 10). */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_quota_register(void);

#define REMOTE3 IP(198, 51, 100, 9)   /* a new VPN client */

/* Adds an allow rule on eth0 forwarding gblport to LAN_HOST2:port. */
static int
add_forward(struct fw_ctx *ctx, uint32_t number, uint8_t proto,
    uint16_t gblport, uint16_t port, uint32_t max_flows)
{
	struct fw_rule_cfg r = { .size = sizeof(r), .number = number,
	    .if_id = IF_ETH0, .action = FW_ALLOW, .protocol = proto,
	    .ip_min = LAN_HOST2, .ip_max = LAN_HOST2, .port_min = port,
	    .port_max = port, .gbl_ip = OFFICE, .gbl_port_min = gblport,
	    .gbl_port_max = gblport, .max_flows = max_flows };

	return fw_rule_add(ctx, &r);
}

/* A spoofed source for flood packet i: 11.x.y.z, all distinct. */
static uint32_t
spoofed(uint32_t i)
{
	return IP(11, 0, 0, 0) | (i & 0x00ffffffu);
}

/* One TCP connection opened from in_if (src:sp -> dst:dp) and answered
 * from out_if; returns how many of its three packets were refused.  The
 * answer arrives at rdst:rport (the NAT's global endpoint) through rout. */
static int
tcp_open(struct fwt *t, uint64_t now, uint32_t src, uint16_t sp, uint32_t dst,
    uint16_t dp, uint16_t in_if, uint16_t out_if, uint16_t rout,
    uint64_t ipsec)
{
	struct fw_verdict v;
	uint8_t b[128];
	size_t n;
	uint32_t gsrc;
	uint16_t gport;
	int bad = 0;

	n = fwt_tcp(b, src, sp, dst, dp, TH_SYN, 0);
	bad += fwt_process(t->ctx, now, b, n, in_if, out_if, ipsec, &v) != 0;
	gsrc = fwt_src(b);
	gport = fwt_sport(b);
	n = fwt_tcp(b, dst, dp, gsrc, gport, TH_SYN | TH_ACK, 0);
	bad += fwt_process(t->ctx, now, b, n, out_if, rout, 0, &v) != 0;
	n = fwt_tcp(b, src, sp, dst, dp, TH_ACK, 0);
	bad += fwt_process(t->ctx, now, b, n, in_if, out_if, ipsec, &v) != 0;
	return bad;
}

/*
 * Issue #13 item 10: a flood of new connections from spoofed sources (UDP
 * to IKE, NAT-T and a forwarded UDP port, TCP SYNs to two forwarded TCP
 * ports whose server answers half of them) at one million packets a second
 * against the default table (65536 connections), while a LAN host opens a
 * TCP connection to the internet, a VPN client one to the LAN, and the VPN
 * client's L2TP keeps flowing every 256 flood packets, and a new VPN
 * client's IKE arrives every 1024.  Each rule holds at most its quota, the
 * table fills, and every legitimate packet passes: the flood only displaces
 * its own unconfirmed connections.
 */
static void
test_spoofed_flood(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_conn_info ci;
	uint8_t b[128];
	size_t n, cur;
	uint32_t i, per_rule[16], k, legit = 0;
	uint64_t now = S(1);
	int bad = 0, rc;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 0), 0);
	CU_ASSERT_EQUAL(add_forward(t.ctx, 10, FW_PROTO_TCP, 8080, 80, 0), 0);
	CU_ASSERT_EQUAL(add_forward(t.ctx, 11, FW_PROTO_UDP, 5060, 5060, 0), 0);
	CU_ASSERT_EQUAL(add_forward(t.ctx, 12, FW_PROTO_TCP, 443, 443, 0), 0);
	/* The VPN client's L2TP out of its SA. */
	n = fwt_udp(b, REMOTE2, 1701, OFFICE, 1701, 40);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, now, b, n, IF_ETH0, FW_IF_LOCAL,
	    PEER_A, &v), 0);
	for (i = 0; i < 200000; i++) {
		uint32_t src = spoofed(i);
		uint16_t sp = (uint16_t)(1024 + i % 60000);

		now = S(1) + (uint64_t)i * 1000;
		switch (i % 5) {
		case 0:
		case 1:
		case 3:
			n = fwt_udp(b, src, sp, OFFICE, i % 5 == 0 ? 500 :
			    i % 5 == 1 ? 4500 : 5060, 16);
			(void)fwt_process(t.ctx, now, b, n, IF_ETH0,
			    FW_IF_LOCAL, 0, &v);
			break;
		default:
			n = fwt_tcp(b, src, sp, OFFICE, i % 5 == 2 ? 8080 : 443,
			    TH_SYN, 0);
			rc = fwt_process(t.ctx, now, b, n, IF_ETH0,
			    FW_IF_LOCAL, 0, &v);
			if (rc == 0 && (i & 1)) {
				/* The server answers; no ACK ever comes. */
				n = fwt_tcp(b, LAN_HOST2, fwt_dport(b), src,
				    sp, TH_SYN | TH_ACK, 0);
				(void)fwt_process(t.ctx, now, b, n, IF_VLAN1,
				    IF_ETH0, 0, &v);
			}
			break;
		}
		if (i % 256 != 255)
			continue;
		k = i / 256;
		legit++;
		bad += tcp_open(&t, now, LAN_HOST, (uint16_t)(10000 + k), REMOTE,
		    443, IF_VLAN1, IF_ETH0, FW_IF_LOCAL, 0);
		bad += tcp_open(&t, now, RW_HOST, (uint16_t)(20000 + k), LAN_HOST,
		    22, IF_PPP0, IF_VLAN1, IF_PPP0, PEER_A);
		n = fwt_udp(b, REMOTE2, 1701, OFFICE, 1701, 40);
		bad += fwt_process(t.ctx, now, b, n, IF_ETH0, FW_IF_LOCAL,
		    PEER_A, &v) != 0;
		if (k % 4 == 0) {
			n = fwt_udp(b, REMOTE3, (uint16_t)(1024 + k), OFFICE,
			    500, 40);
			bad += fwt_process(t.ctx, now, b, n, IF_ETH0,
			    FW_IF_LOCAL, 0, &v) != 0;
		}
	}
	CU_ASSERT_EQUAL(legit, 781);
	CU_ASSERT_EQUAL(bad, 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_peak, 65536);
	CU_ASSERT_TRUE(st.flows_evicted_unreplied > 100000);
	/* No rule holds more than its quota (65536 / 4). */
	memset(per_rule, 0, sizeof(per_rule));
	cur = 0;
	while (fw_conn_next(t.ctx, now, &cur, &ci))
		if (ci.rule < 16)
			per_rule[ci.rule]++;
	for (k = 0; k < 16; k++)
		CU_ASSERT_TRUE(per_rule[k] <= 16384);
	CU_ASSERT_TRUE(per_rule[1] > 1000);
	/* Evictions are logged (rate limited) with the source. */
	CU_ASSERT_TRUE(st.log_suppressed > 0);
	fwt_fini(&t);
}

/*
 * The per-source quota: a source on the internet, and a VPN user, each
 * hold at most max_flows_per_source connections; LAN hosts have none; the
 * count goes down as connections go.
 */
/* Clients behind one NAT share an address but not an IPsec peer: a
 * connection admitted by an encap=ipsec rule (the seed's rule 3, L2TP to
 * UDP 1701) counts against max_flows_per_source per peer, and gives its
 * share back when it ends. */
static void
test_source_quota_per_ipsec_peer(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .max_flows = 1024,
	    .max_flows_per_source = 2, .max_flows_per_rule = 1024,
	    .udp_timeout_ns = S(10) };
	struct fw_verdict v;
	uint8_t b[128];
	size_t n;
	uint16_t p;
	uint64_t peer;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	/* 50 road warriors behind REMOTE, two L2TP ports each: all admitted. */
	for (peer = 1; peer <= 50; peer++)
		for (p = 0; p < 2; p++) {
			n = fwt_udp(b, REMOTE, (uint16_t)(1000 + peer * 2 + p), OFFICE, 1701, 8);
			CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0,
			    FW_IF_LOCAL, peer, &v), 0);
		}
	/* One peer's third is over its share; a new peer's first is not. */
	n = fwt_udp(b, REMOTE, 999, OFFICE, 1701, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 7, &v),
	    FW_E_SOURCE_QUOTA);
	n = fwt_udp(b, REMOTE, 998, OFFICE, 1701, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 51, &v), 0);
	/* Unprotected traffic from the NAT's address keeps one share. */
	for (p = 0; p < 2; p++) {
		n = fwt_udp(b, REMOTE, (uint16_t)(3000 + p), OFFICE, 500, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
		    &v), 0);
	}
	n = fwt_udp(b, REMOTE, 3002, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0, &v),
	    FW_E_SOURCE_QUOTA);
	/* When they expire, each share goes back to its own key. */
	CU_ASSERT_TRUE(fw_handle_timeout(t.ctx, S(12)) > 0);
	for (p = 0; p < 2; p++) {
		n = fwt_udp(b, REMOTE, (uint16_t)(4000 + p), OFFICE, 1701, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(13), b, n, IF_ETH0, FW_IF_LOCAL, 7,
		    &v), 0);
		n = fwt_udp(b, REMOTE, (uint16_t)(5000 + p), OFFICE, 500, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(13), b, n, IF_ETH0, FW_IF_LOCAL, 0,
		    &v), 0);
	}
	fwt_fini(&t);
}

static void
test_source_quota(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .max_flows_per_source = 4,
	    .udp_timeout_ns = S(10) };
	struct fw_verdict v;
	struct fw_stats st;
	uint8_t b[128];
	size_t n;
	uint16_t p;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 0), 0);
	for (p = 0; p < 4; p++) {
		n = fwt_udp(b, REMOTE, (uint16_t)(1000 + p), OFFICE, 500, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
		n = fwt_udp(b, RW_HOST, (uint16_t)(1000 + p), LAN_HOST, 53, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0,
		    IF_VLAN1, PEER_A, &v), 0);
	}
	n = fwt_udp(b, REMOTE, 1004, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_SOURCE_QUOTA);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "198.51.100.7"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "connection quota"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "quota 4"));
	n = fwt_udp(b, RW_HOST, 1004, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_PPP0, IF_VLAN1,
	    PEER_A, &v), FW_E_SOURCE_QUOTA);
	/* Existing connections are unaffected; other sources are not. */
	n = fwt_udp(b, REMOTE, 1000, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	n = fwt_udp(b, REMOTE2, 1004, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	for (p = 0; p < 10; p++) {
		n = fwt_udp(b, LAN_HOST, (uint16_t)(2000 + p), REMOTE, 53, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), 0);
	}
	/* Three of REMOTE's expire (one was refreshed at 2 s). */
	CU_ASSERT_TRUE(fw_handle_timeout(t.ctx, S(11)) > 0);
	for (p = 0; p < 3; p++) {
		n = fwt_udp(b, REMOTE, (uint16_t)(3000 + p), OFFICE, 500, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(11), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
	}
	n = fwt_udp(b, REMOTE, 3003, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(11), b, n, IF_ETH0, FW_IF_LOCAL,
	    0, &v), FW_E_SOURCE_QUOTA);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_SOURCE_QUOTA], 3);
	fwt_fini(&t);
}

/*
 * The per-rule quota: a rule at its quota replaces one of its unconfirmed
 * connections; when all are confirmed it refuses.  Deleting the rule
 * releases its count.
 */
static void
test_rule_quota(void)
{
	struct fwt t;
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_conn_info ci;
	uint8_t b[128];
	size_t n, cur;
	uint32_t i, m, src[3];
	uint64_t hits;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	CU_ASSERT_EQUAL(add_forward(t.ctx, 11, FW_PROTO_UDP, 5060, 5060, 3), 0);
	for (i = 0; i < 3; i++) {
		n = fwt_udp(b, REMOTE + i, 5060, OFFICE, 5060, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
	}
	/* Unconfirmed: the fourth takes one's place. */
	n = fwt_udp(b, REMOTE + 3, 5060, OFFICE, 5060, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "rule 11 at its quota"));
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_evicted_unreplied, 1);
	CU_ASSERT_EQUAL(st.flows_active, 3);
	/* The three left are confirmed (answer, then the client again). */
	cur = 0;
	m = 0;
	while (fw_conn_next(t.ctx, S(3), &cur, &ci))
		if (ci.rule == 11 && m < 3)
			src[m++] = ci.orig.src;
	CU_ASSERT_EQUAL_FATAL(m, 3);
	for (i = 0; i < m; i++) {
		n = fwt_udp(b, LAN_HOST2, 5060, src[i], 5060, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), 0);
		n = fwt_udp(b, src[i], 5060, OFFICE, 5060, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
	}
	n = fwt_udp(b, REMOTE + 4, 5060, OFFICE, 5060, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(4), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_RULE_QUOTA);
	CU_ASSERT_EQUAL(v.rule, 11);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "rule over its"));
	CU_ASSERT_EQUAL(fw_rule_hits(t.ctx, 11, &hits), 0);
	CU_ASSERT_EQUAL(hits, 4);
	/* Other rules are not affected. */
	n = fwt_udp(b, REMOTE + 4, 500, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(4), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	/* Deleted and added again: its old connections stay but no longer
	 * count. */
	CU_ASSERT_EQUAL(fw_rule_delete(t.ctx, 11), 0);
	CU_ASSERT_EQUAL(add_forward(t.ctx, 11, FW_PROTO_UDP, 5060, 5060, 3), 0);
	for (i = 4; i < 7; i++) {
		n = fwt_udp(b, REMOTE + i, 5060, OFFICE, 5060, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(5), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
	}
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_active, 3 + 1 + 3);
	CU_ASSERT_EQUAL(st.drops[-FW_E_RULE_QUOTA], 1);
	/* All expire: nothing stays counted. */
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(1000)), 7);
	for (i = 10; i < 13; i++) {
		n = fwt_udp(b, REMOTE + i, 5060, OFFICE, 5060, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1001), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
	}
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_evicted_unreplied, 1);
	fwt_fini(&t);
}

/*
 * The per-source quota of fragment trackers: first fragments of new
 * datagrams from one untrusted source beyond max_frags_per_source are
 * refused; the same datagram's first fragment again is not new; LAN hosts
 * are not limited; expired trackers free their count.
 */
static void
test_frag_quota(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .max_frags_per_source = 2 };
	struct fw_verdict v;
	struct fw_stats st;
	uint8_t b[128];
	size_t n;
	uint16_t id;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	for (id = 1; id <= 3; id++) {
		fwt_udp(b, REMOTE, 4500, OFFICE, 4500, 40);
		n = fwt_frag(b, id, 0, true, 24);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), id <= 2 ? 0 : FW_E_FRAG_QUOTA);
	}
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "fragment quota"));
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "198.51.100.7"));
	/* Datagram 2's first fragment again. */
	fwt_udp(b, REMOTE, 4500, OFFICE, 4500, 40);
	n = fwt_frag(b, 2, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	/* Another source, and a LAN host. */
	fwt_udp(b, REMOTE2, 4500, OFFICE, 4500, 40);
	n = fwt_frag(b, 3, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	for (id = 1; id <= 5; id++) {
		fwt_udp(b, LAN_HOST, 6000, REMOTE, 6000, 40);
		n = fwt_frag(b, id, 0, true, 24);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), 0);
	}
	/* Trackers expire after 30 s: room again. */
	(void)fw_handle_timeout(t.ctx, S(40));
	fwt_udp(b, REMOTE, 4500, OFFICE, 4500, 40);
	n = fwt_frag(b, 9, 0, true, 24);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(40), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_FRAG_QUOTA], 1);
	fwt_fini(&t);
}

/*
 * Who may displace whom in a full table: the internet only the internet's
 * unconfirmed connections, a VPN user also VPN users', the LAN both; the
 * LAN's own and confirmed connections never.
 */
static void
test_eviction_order(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .max_flows = 8 };
	struct fw_verdict v;
	struct fw_stats st;
	struct fw_conn_info ci;
	uint8_t b[128];
	size_t n, cur;
	uint16_t p;
	int lan = 0, vpn = 0, inet = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	CU_ASSERT_EQUAL(fwt_add_ppp_cfg(t.ctx, IF_PPP0, RW_HOST, 0, 0), 0);
	/* 3 LAN, 3 VPN, 2 internet connections, all unconfirmed. */
	for (p = 0; p < 3; p++) {
		n = fwt_udp(b, LAN_HOST, (uint16_t)(100 + p), REMOTE, 53, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), 0);
		n = fwt_udp(b, RW_HOST, (uint16_t)(100 + p), LAN_HOST, 53, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_PPP0,
		    IF_VLAN1, PEER_A, &v), 0);
	}
	for (p = 0; p < 2; p++) {
		n = fwt_udp(b, REMOTE + p, 500, OFFICE, 500, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
	}
	/* The internet displaces the internet's (twice), then nothing. */
	for (p = 2; p < 4; p++) {
		n = fwt_udp(b, REMOTE + p, 500, OFFICE, 500, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0,
		    FW_IF_LOCAL, 0, &v), 0);
	}
	/* A VPN user confirms one of its connections (answer, again). */
	n = fwt_udp(b, LAN_HOST, 53, RW_HOST, 100, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_PPP0, 0,
	    &v), 0);
	n = fwt_udp(b, RW_HOST, 100, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_PPP0, IF_VLAN1,
	    PEER_A, &v), 0);
	/* The LAN displaces the internet's two, then the VPN user's two
	 * unconfirmed ones, then nothing. */
	for (p = 0; p < 4; p++) {
		n = fwt_udp(b, LAN_HOST2, (uint16_t)(200 + p), REMOTE, 53, 8);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), 0);
	}
	n = fwt_udp(b, LAN_HOST2, 204, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_TABLE_FULL);
	/* Neither the internet nor the VPN user displace LAN connections. */
	n = fwt_udp(b, REMOTE + 5, 500, OFFICE, 500, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), FW_E_TABLE_FULL);
	n = fwt_udp(b, RW_HOST, 300, LAN_HOST, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(3), b, n, IF_PPP0, IF_VLAN1,
	    PEER_A, &v), FW_E_TABLE_FULL);
	cur = 0;
	while (fw_conn_next(t.ctx, S(3), &cur, &ci)) {
		if (ci.in_if == IF_VLAN1)
			lan++;
		else if (ci.in_if == IF_PPP0) {
			vpn++;
			CU_ASSERT_TRUE(ci.confirmed);
		} else
			inet++;
	}
	CU_ASSERT_EQUAL(lan, 7);
	CU_ASSERT_EQUAL(vpn, 1);
	CU_ASSERT_EQUAL(inet, 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_evicted_unreplied, 6);
	fwt_fini(&t);
}

void
test_quota_register(void)
{
	CU_pSuite s = CU_add_suite("fw_quota", NULL, NULL);

	CU_add_test(s, "spoofed flood at the default table size (#13.10)",
	    test_spoofed_flood);
	CU_add_test(s, "per-source connection quota", test_source_quota);
	CU_add_test(s, "per-source quota: per IPsec peer behind one NAT",
	    test_source_quota_per_ipsec_peer);
	CU_add_test(s, "per-rule connection quota", test_rule_quota);
	CU_add_test(s, "per-source fragment quota", test_frag_quota);
	CU_add_test(s, "eviction order by trust", test_eviction_order);
}
