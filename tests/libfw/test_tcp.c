/* Connection tracking: the TCP state machine, UDP and timeouts. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_tcp_register(void);

/*
 * The two ends of the test connection, numbering their segments as real
 * TCPs do: a SYN carries the ISN, everything else the next sequence number;
 * an ACK acknowledges everything the other end sent that passed.
 */
static uint32_t nxt[2];

static void
ends_reset(void)
{
	nxt[0] = FWT_ISN_C;
	nxt[1] = FWT_ISN_S;
}

/* Sends one segment with 10 bytes of data (none with a SYN, a RST); dir
 * 0 = LAN -> internet, 1 = internet -> office.  What passes advances its
 * end's next sequence number. */
static int
seg(struct fwt *t, uint64_t now, int dir, uint8_t flags)
{
	struct fw_verdict v;
	uint8_t b[256];
	size_t n, len = (flags & (TH_SYN | TH_RST)) ? 0 : 10;
	uint32_t isn = dir == 0 ? FWT_ISN_C : FWT_ISN_S;
	uint32_t seq = (flags & TH_SYN) ? isn : nxt[dir];
	uint32_t ack = (flags & TH_ACK) ? nxt[1 - dir] : 0;
	int rc;

	if (dir == 0) {
		n = fwt_tcp_seq(b, LAN_HOST, 40000, REMOTE, 443, flags, seq,
		    ack, len);
		rc = fwt_process(t->ctx, now, b, n, IF_VLAN1, IF_ETH0, 0, &v);
	} else {
		n = fwt_tcp_seq(b, REMOTE, 443, OFFICE, 40000, flags, seq, ack,
		    len);
		rc = fwt_process(t->ctx, now, b, n, IF_ETH0, IF_VLAN1, 0, &v);
	}
	if (rc == 0)
		nxt[dir] = seq + (uint32_t)len + ((flags & TH_SYN) ? 1 : 0) +
		    ((flags & TH_FIN) ? 1 : 0);
	return rc;
}

static enum fw_tcp_state
state(struct fwt *t, uint64_t now)
{
	struct fw_conn_info ci;
	size_t cur = 0;

	if (!fw_conn_next(t->ctx, now, &cur, &ci))
		return (enum fw_tcp_state)-1;
	return ci.tcp_state;
}

static void
test_handshake_and_close(void)
{
	struct fwt t;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	ends_reset();
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN), 0);
	CU_ASSERT_EQUAL(state(&t, S(1)), FW_TCP_SYN_SENT);
	/* Data before the handshake completes is refused. */
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_ACK), FW_E_TCP_STATE);
	CU_ASSERT_EQUAL(seg(&t, S(1), 1, TH_ACK), FW_E_TCP_STATE);
	CU_ASSERT_EQUAL(seg(&t, S(1), 1, TH_SYN | TH_ACK), 0);
	CU_ASSERT_EQUAL(state(&t, S(1)), FW_TCP_SYN_RECV);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_ACK), 0);
	CU_ASSERT_EQUAL(state(&t, S(1)), FW_TCP_ESTABLISHED);
	/* A SYN+ACK from the originator is invalid. */
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN | TH_ACK), FW_E_TCP_STATE);
	CU_ASSERT_EQUAL(seg(&t, S(2), 1, TH_ACK | TH_PSH), 0);
	CU_ASSERT_EQUAL(seg(&t, S(3), 0, TH_FIN | TH_ACK), 0);
	CU_ASSERT_EQUAL(state(&t, S(3)), FW_TCP_FIN_WAIT);
	CU_ASSERT_EQUAL(seg(&t, S(3), 1, TH_FIN | TH_ACK), 0);
	CU_ASSERT_EQUAL(state(&t, S(3)), FW_TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(seg(&t, S(3), 0, TH_ACK), 0);
	/* time-wait lasts tcp_fin_timeout (120 s). */
	CU_ASSERT_EQUAL(state(&t, S(122)), FW_TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(state(&t, S(123)), (enum fw_tcp_state)-1);
	/* The same tuple opens again with a SYN. */
	CU_ASSERT_EQUAL(seg(&t, S(60), 0, TH_SYN), 0);
	CU_ASSERT_EQUAL(state(&t, S(60)), FW_TCP_SYN_SENT);
	fwt_fini(&t);
}

static void
test_rst(void)
{
	struct fwt t;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	ends_reset();
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 1, TH_RST | TH_ACK), 0);
	CU_ASSERT_EQUAL(state(&t, S(1)), FW_TCP_CLOSED);
	/* Nothing but RST or a new SYN passes a reset connection. */
	CU_ASSERT_EQUAL(seg(&t, S(2), 1, TH_ACK), FW_E_TCP_STATE);
	CU_ASSERT_EQUAL(seg(&t, S(2), 0, TH_RST), 0);
	/* Gone after tcp_rst_timeout (10 s). */
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(12)), 1);
	CU_ASSERT_EQUAL(seg(&t, S(12), 1, TH_ACK), FW_E_POLICY);
	fwt_fini(&t);
}

/* The state and expiry of the connection from LAN_HOST:sport, or -1. */
static enum fw_tcp_state
conn_of(struct fwt *t, uint64_t now, uint16_t sport, uint64_t *expires)
{
	struct fw_conn_info ci;
	size_t cur = 0;

	while (fw_conn_next(t->ctx, now, &cur, &ci)) {
		if (ci.protocol == FW_PROTO_TCP && ci.orig.sport == sport) {
			if (expires != NULL)
				*expires = ci.expires_ns;
			return ci.tcp_state;
		}
	}
	return (enum fw_tcp_state)-1;
}

/* A segment of the connection LAN_HOST:sport -> REMOTE:443 with the given
 * numbers; dir 1 comes from the internet. */
static int
seg_at(struct fwt *t, uint64_t now, uint16_t sport, int dir, uint8_t flags,
    uint32_t seq, uint32_t ack)
{
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;

	if (dir == 0) {
		n = fwt_tcp_seq(b, LAN_HOST, sport, REMOTE, 443, flags, seq, ack,
		    0);
		return fwt_process(t->ctx, now, b, n, IF_VLAN1, IF_ETH0, 0, &v);
	}
	n = fwt_tcp_seq(b, REMOTE, 443, OFFICE, sport, flags, seq, ack, 0);
	return fwt_process(t->ctx, now, b, n, IF_ETH0, FW_IF_LOCAL, 0, &v);
}

/*
 * Issue #13 item 9: a blind RST with the right ports but a guessed sequence
 * number must not kill a connection (RFC 5961 seen from the middle).  The
 * RST has to fall between what its receiver acknowledged and what its
 * sender sent; on an idle connection that is one number.  Inside but not
 * at an edge it passes without closing (the receiver challenges it), at an
 * edge it closes.  In SYN-SENT the responder's RST must acknowledge the
 * SYN; a SYN+ACK and the handshake's last ACK must acknowledge the SYN they
 * answer; a FIN outside the window does not close.
 */
static void
test_rst_window(void)
{
	struct fwt t;
	struct fw_stats st;
	uint64_t exp;
	uint32_t k;
	int bad = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	ends_reset();
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 1, TH_SYN | TH_ACK), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_ACK), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 1, TH_ACK | TH_PSH), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_ACK | TH_PSH), 0);
	CU_ASSERT_EQUAL(state(&t, S(1)), FW_TCP_ESTABLISHED);
	/* Idle: the internet's RST must carry exactly nxt[1].  1023 blind
	 * guesses spread over the sequence space all fail. */
	for (k = 1; k < 1024; k++) {
		if (seg_at(&t, S(2), 40000, 1, TH_RST, nxt[1] + (k << 22),
		    0) != FW_E_TCP_WINDOW)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(seg_at(&t, S(2), 40000, 1, TH_RST | TH_ACK, nxt[1] - 1,
	    nxt[0]), FW_E_TCP_WINDOW);
	CU_ASSERT_EQUAL(seg_at(&t, S(2), 40000, 1, TH_RST, nxt[1] + 1, 0),
	    FW_E_TCP_WINDOW);
	CU_ASSERT_TRUE(ts_log_last_contains(&t.log, "outside the window"));
	CU_ASSERT_EQUAL(state(&t, S(2)), FW_TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(seg(&t, S(2), 1, TH_ACK | TH_PSH), 0);
	/* A blind FIN pair does not shorten its life (time-wait is 120 s). */
	CU_ASSERT_EQUAL(seg_at(&t, S(3), 40000, 1, TH_FIN | TH_ACK,
	    nxt[1] + 0x40000000u, nxt[0]), 0);
	CU_ASSERT_EQUAL(seg_at(&t, S(3), 40000, 0, TH_FIN | TH_ACK,
	    nxt[0] + 0x40000000u, nxt[1]), 0);
	CU_ASSERT_EQUAL(conn_of(&t, S(3), 40000, &exp), FW_TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(exp, S(3) + S(7440));
	/* In flight: the LAN host has not acknowledged the remote's last 10
	 * bytes; an RST in between passes but keeps the connection, the LAN
	 * host's challenge ACK passes, the genuine RST closes it. */
	CU_ASSERT_EQUAL(seg_at(&t, S(4), 40000, 1, TH_RST, nxt[1] - 5, 0), 0);
	CU_ASSERT_EQUAL(state(&t, S(4)), FW_TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(seg(&t, S(4), 0, TH_ACK), 0);
	CU_ASSERT_EQUAL(seg_at(&t, S(4), 40000, 1, TH_RST, nxt[1], 0), 0);
	CU_ASSERT_EQUAL(state(&t, S(4)), FW_TCP_CLOSED);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.tcp_rst_inexact, 1);

	/* SYN-SENT: the responder's RST and SYN+ACK must acknowledge the SYN
	 * (ISN 7000). */
	CU_ASSERT_EQUAL(seg_at(&t, S(5), 40001, 0, TH_SYN, 7000, 0), 0);
	CU_ASSERT_EQUAL(seg_at(&t, S(5), 40001, 1, TH_RST | TH_ACK, 0, 9999),
	    FW_E_TCP_WINDOW);
	CU_ASSERT_EQUAL(seg_at(&t, S(5), 40001, 1, TH_RST, 0, 0),
	    FW_E_TCP_WINDOW);
	CU_ASSERT_EQUAL(seg_at(&t, S(5), 40001, 1, TH_SYN | TH_ACK, 3000, 9999),
	    FW_E_TCP_WINDOW);
	CU_ASSERT_EQUAL(conn_of(&t, S(5), 40001, NULL), FW_TCP_SYN_SENT);
	CU_ASSERT_EQUAL(seg_at(&t, S(5), 40001, 1, TH_RST | TH_ACK, 0, 7001),
	    0);
	CU_ASSERT_EQUAL(conn_of(&t, S(5), 40001, NULL), FW_TCP_CLOSED);
	/* SYN-RECEIVED: only an ACK of the responder's SYN establishes. */
	CU_ASSERT_EQUAL(seg_at(&t, S(6), 40002, 0, TH_SYN, 7000, 0), 0);
	CU_ASSERT_EQUAL(seg_at(&t, S(6), 40002, 1, TH_SYN | TH_ACK, 3000, 7001),
	    0);
	CU_ASSERT_EQUAL(seg_at(&t, S(6), 40002, 0, TH_ACK, 7001, 12345),
	    FW_E_TCP_WINDOW);
	CU_ASSERT_EQUAL(conn_of(&t, S(6), 40002, NULL), FW_TCP_SYN_RECV);
	CU_ASSERT_EQUAL(seg_at(&t, S(6), 40002, 0, TH_ACK, 7001, 3001), 0);
	CU_ASSERT_EQUAL(conn_of(&t, S(6), 40002, NULL), FW_TCP_ESTABLISHED);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_TCP_WINDOW], 1023 + 2 + 3 + 1);
	fwt_fini(&t);
}

static void
test_new_without_syn(void)
{
	struct fwt t;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	ends_reset();
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_ACK), FW_E_TCP_NO_SYN);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN | TH_ACK), FW_E_TCP_NO_SYN);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN | TH_FIN), FW_E_TCP_FLAGS);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_FIN), FW_E_TCP_FLAGS);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, 0), FW_E_TCP_FLAGS);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.drops[-FW_E_TCP_NO_SYN], 2);
	CU_ASSERT_EQUAL(st.drops[-FW_E_TCP_FLAGS], 3);
	CU_ASSERT_EQUAL(st.flows_active, 0);
	fwt_fini(&t);
}

static void
test_simultaneous_open(void)
{
	struct fwt t;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	ends_reset();
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 1, TH_SYN), 0);
	CU_ASSERT_EQUAL(state(&t, S(1)), FW_TCP_SYN_RECV);
	/* Both ends answer with SYN+ACK (RFC 793 figure 8; a NAT must let
	 * simultaneous open through, RFC 5382 REQ-2). */
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_SYN | TH_ACK), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 1, TH_SYN | TH_ACK), 0);
	CU_ASSERT_EQUAL(seg(&t, S(1), 0, TH_ACK), 0);
	CU_ASSERT_EQUAL(state(&t, S(1)), FW_TCP_ESTABLISHED);
	fwt_fini(&t);
}

static void
test_tcp_timeouts(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .tcp_syn_timeout_ns = S(5),
	    .tcp_est_timeout_ns = S(100) };

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	ends_reset();
	/* An unanswered SYN expires after the SYN timeout. */
	CU_ASSERT_EQUAL(seg(&t, S(0), 0, TH_SYN), 0);
	CU_ASSERT_EQUAL(seg(&t, S(5), 1, TH_SYN | TH_ACK), FW_E_POLICY);
	/* Established: refreshed by every segment. */
	CU_ASSERT_EQUAL(seg(&t, S(10), 0, TH_SYN), 0);
	CU_ASSERT_EQUAL(seg(&t, S(11), 1, TH_SYN | TH_ACK), 0);
	CU_ASSERT_EQUAL(seg(&t, S(12), 0, TH_ACK), 0);
	CU_ASSERT_EQUAL(seg(&t, S(111), 1, TH_ACK), 0);
	CU_ASSERT_EQUAL(seg(&t, S(210), 0, TH_ACK), 0);
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(309)), 0);
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(310)), 1);
	CU_ASSERT_EQUAL(seg(&t, S(310), 1, TH_ACK), FW_E_POLICY);
	fwt_fini(&t);
}

static void
test_udp_one_way_two_way(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	ends_reset();
	CU_ASSERT_EQUAL(fw_next_timeout(t.ctx), UINT64_MAX);
	/* One-way: 30 s. */
	n = fwt_udp(b, LAN_HOST, 7000, REMOTE, 7000, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(0), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fw_next_timeout(t.ctx), S(1));
	n = fwt_udp(b, REMOTE, 7000, OFFICE, 7000, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(30), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_POLICY);
	/* Two-way: after a reply, 180 s. */
	n = fwt_udp(b, LAN_HOST, 7001, REMOTE, 7001, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(40), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	n = fwt_udp(b, REMOTE, 7001, OFFICE, 7001, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(41), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(200)), 0);
	CU_ASSERT_EQUAL(fw_next_timeout(t.ctx), S(201));
	n = fwt_udp(b, REMOTE, 7001, OFFICE, 7001, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(220), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, S(400)), 1);
	CU_ASSERT_EQUAL(fw_next_timeout(t.ctx), UINT64_MAX);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_active, 0);
	CU_ASSERT_EQUAL(st.flows_expired, 2);
	fwt_fini(&t);
}

void
test_tcp_register(void)
{
	CU_pSuite s = CU_add_suite("fw_conntrack", NULL, NULL);

	CU_add_test(s, "TCP handshake and close", test_handshake_and_close);
	CU_add_test(s, "TCP reset", test_rst);
	CU_add_test(s, "TCP RST only inside the window (#13.9)",
	    test_rst_window);
	CU_add_test(s, "TCP new without SYN, bad flags", test_new_without_syn);
	CU_add_test(s, "TCP simultaneous open", test_simultaneous_open);
	CU_add_test(s, "TCP timeouts", test_tcp_timeouts);
	CU_add_test(s, "UDP one-way and two-way timeouts",
	    test_udp_one_way_two_way);
}
