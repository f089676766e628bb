/* Connection tracking: the TCP state machine, UDP and timeouts. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_tcp_register(void);

/* Sends one segment; dir 0 = LAN -> internet, 1 = internet -> office. */
static int
seg(struct fwt *t, uint64_t now, int dir, uint8_t flags)
{
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;

	if (dir == 0) {
		n = fwt_tcp(b, LAN_HOST, 40000, REMOTE, 443, flags, 10);
		return fwt_process(t->ctx, now, b, n, IF_VLAN1, IF_ETH0, 0, &v);
	}
	n = fwt_tcp(b, REMOTE, 443, OFFICE, 40000, flags, 10);
	return fwt_process(t->ctx, now, b, n, IF_ETH0, IF_VLAN1, 0, &v);
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

static void
test_new_without_syn(void)
{
	struct fwt t;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
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
	CU_add_test(s, "TCP new without SYN, bad flags", test_new_without_syn);
	CU_add_test(s, "TCP simultaneous open", test_simultaneous_open);
	CU_add_test(s, "TCP timeouts", test_tcp_timeouts);
	CU_add_test(s, "UDP one-way and two-way timeouts",
	    test_udp_one_way_two_way);
}
