/* Bad input: each class gets its reason, its counter and a log line, and
 * the packet is left alone. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"

void test_badinput_register(void);

static struct fwt T;

/* Runs a mangled packet from the LAN; checks reason, counter, log line and
 * that the buffer was not modified. */
static void
expect(uint8_t *b, size_t n, int reason)
{
	struct fw_verdict v;
	struct fw_stats before, after;
	uint8_t copy[256];

	memcpy(copy, b, n);
	fw_get_stats(T.ctx, &before);
	CU_ASSERT_EQUAL(fwt_process(T.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), reason);
	CU_ASSERT_EQUAL(v.reason, reason);
	CU_ASSERT_EQUAL(v.action, FW_VERDICT_DROP);
	fw_get_stats(T.ctx, &after);
	CU_ASSERT_EQUAL(after.drops[-reason], before.drops[-reason] + 1);
	CU_ASSERT_TRUE(ts_log_last_contains(&T.log, fw_strerror(reason)));
	CU_ASSERT_EQUAL(memcmp(b, copy, n), 0);
	CU_ASSERT_EQUAL(after.flows_active, before.flows_active);
	/* Keep the log budget from running out in this suite. */
	fw_handle_timeout(T.ctx, S(1));
}

static void
test_ip_header(void)
{
	uint8_t b[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&T, NULL, true), 0);
	memset(b, 0, sizeof(b));
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 8);
	expect(b, 19, FW_E_TRUNCATED);
	b[0] = 0x65;                      /* version 6 */
	expect(b, n, FW_E_VERSION);
	b[0] = 0x44;                      /* IHL 4 */
	expect(b, n, FW_E_BAD_IHL);
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 8);
	b[3] = (uint8_t)(n + 1);          /* total length lies (too long) */
	fwt_fix_ipsum(b);
	expect(b, n, FW_E_BAD_LENGTH);
	b[2] = 0;
	b[3] = 12;                        /* total length < header */
	fwt_fix_ipsum(b);
	expect(b, n, FW_E_BAD_LENGTH);
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 8);
	b[10] ^= 0x01;                    /* header checksum */
	expect(b, n, FW_E_BAD_CHECKSUM);
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 8);
	b[0] = 0x46;                      /* one word of options */
	b[3] = (uint8_t)n;
	fwt_fix_ipsum(b);
	expect(b, n, FW_E_IP_OPTIONS);
	/* The header is sound: the log names the packet. */
	CU_ASSERT_TRUE(ts_log_last_contains(&T.log, "192.168.1.10"));
	b[0] = 0x4f;                      /* 60-byte header past the end */
	expect(b, 40, FW_E_TRUNCATED);
	n = fwt_udp(b, IP(127, 0, 0, 1), 1, REMOTE, 2, 8);
	expect(b, n, FW_E_BAD_ADDRESS);
	n = fwt_udp(b, IP(224, 0, 0, 5), 1, REMOTE, 2, 8);
	expect(b, n, FW_E_BAD_ADDRESS);
	fwt_fini(&T);
}

static void
test_l4_header(void)
{
	uint8_t b[256];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&T, NULL, true), 0);
	n = fwt_tcp(b, LAN_HOST, 1, REMOTE, 2, TH_SYN, 0);
	b[32] = 4 << 4;                   /* data offset 4 */
	expect(b, n, FW_E_BAD_TCP_OFFSET);
	b[32] = 6 << 4;                   /* 24 bytes, only 20 there */
	expect(b, n, FW_E_BAD_TCP_OFFSET);
	n = fwt_tcp(b, LAN_HOST, 1, REMOTE, 2, TH_SYN, 0);
	b[3] = 30;                        /* IP says 10 bytes of TCP */
	fwt_fix_ipsum(b);
	expect(b, n, FW_E_TRUNCATED);
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 8);
	b[25] = 40;                       /* UDP length past the end */
	expect(b, n, FW_E_BAD_LENGTH);
	b[25] = 7;                        /* UDP length < 8 */
	expect(b, n, FW_E_BAD_LENGTH);
	n = fwt_icmp_echo(b, LAN_HOST, REMOTE, 8, 1, 1);
	b[3] = 24;                        /* 4 bytes of ICMP */
	fwt_fix_ipsum(b);
	expect(b, 24, FW_E_TRUNCATED);
	fwt_fini(&T);
}

static void
test_interfaces(void)
{
	uint8_t b[256];
	size_t n;
	struct fw_verdict v;
	struct fw_pkt pk;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&T, NULL, true), 0);
	n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 8);
	CU_ASSERT_EQUAL(fwt_process(T.ctx, S(1), b, n, 77, IF_ETH0, 0, &v),
	    FW_E_BAD_IF);
	CU_ASSERT_EQUAL(fwt_process(T.ctx, S(1), b, n, IF_VLAN1, 60000, 0,
	    &v), FW_E_BAD_IF);
	/* Caller errors: not counted, but the packet's result says so. */
	memset(&pk, 0, sizeof(pk));
	pk.data = b;
	pk.len = n;
	pk.in_if = IF_VLAN1;
	pk.out_if = IF_ETH0;
	CU_ASSERT_EQUAL(fw_process(T.ctx, S(1), NULL), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_process(NULL, S(1), &pk), FW_E_INVAL);
	CU_ASSERT_EQUAL(pk.rc, FW_E_INVAL);
	CU_ASSERT_EQUAL(pk.verdict.action, FW_VERDICT_DROP);
	CU_ASSERT_EQUAL(pk.verdict.reason, FW_E_INVAL);
	pk.data = NULL;
	CU_ASSERT_EQUAL(fw_process(T.ctx, S(1), &pk), FW_E_INVAL);
	CU_ASSERT_EQUAL(pk.rc, FW_E_INVAL);
	CU_ASSERT_EQUAL(pk.verdict.action, FW_VERDICT_DROP);
	fw_get_stats(T.ctx, &st);
	CU_ASSERT_EQUAL(st.packets, 2);
	CU_ASSERT_EQUAL(st.dropped, 2);
	CU_ASSERT_EQUAL(st.drops[-FW_E_BAD_IF], 2);
	CU_ASSERT_EQUAL(st.drops[-FW_E_INVAL], 0);
	/* An empty packet is input, not a caller error. */
	pk.len = 0;
	CU_ASSERT_EQUAL(fw_process(T.ctx, S(1), &pk), FW_E_TRUNCATED);
	fwt_fini(&T);
}

/* Every truncated prefix of valid packets gives a specific error. */
static void
test_prefixes(void)
{
	uint8_t b[256], c[256];
	size_t n, k, kind;
	struct fw_verdict v;
	int rc;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&T, NULL, true), 0);
	for (kind = 0; kind < 3; kind++) {
		if (kind == 0)
			n = fwt_tcp(b, LAN_HOST, 1, REMOTE, 2, TH_SYN, 8);
		else if (kind == 1)
			n = fwt_udp(b, LAN_HOST, 1, REMOTE, 2, 8);
		else
			n = fwt_icmp_echo(b, LAN_HOST, REMOTE, 8, 1, 1);
		for (k = 0; k < n; k++) {
			memcpy(c, b, k);
			rc = fwt_process(T.ctx, S(1), c, k, IF_VLAN1, IF_ETH0,
			    0, &v);
			CU_ASSERT_TRUE(rc == FW_E_TRUNCATED ||
			    rc == FW_E_BAD_LENGTH);
		}
	}
	fwt_fini(&T);
}

static void
test_log_rate_limit(void)
{
	struct fw_config c = { .size = sizeof(c), .log_burst = 3 };
	uint8_t b[256];
	size_t n;
	int i;
	struct fw_verdict v;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&T, &c, true), 0);
	n = fwt_udp(b, REMOTE, 1, LAN_HOST, 2, 8);
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(fwt_process(T.ctx, S(1), b, n, IF_ETH0,
		    IF_VLAN1, 0, &v), FW_E_POLICY);
	CU_ASSERT_EQUAL(T.log.by_level[FW_LOG_INFO], 3);
	fw_get_stats(T.ctx, &st);
	CU_ASSERT_EQUAL(st.log_suppressed, 7);
	CU_ASSERT_EQUAL(st.drops[-FW_E_POLICY], 10);
	fw_handle_timeout(T.ctx, S(2));
	CU_ASSERT_EQUAL(fwt_process(T.ctx, S(2), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), FW_E_POLICY);
	CU_ASSERT_EQUAL(T.log.by_level[FW_LOG_INFO], 4);
	fwt_fini(&T);
}

void
test_badinput_register(void)
{
	CU_pSuite s = CU_add_suite("fw_bad_input", NULL, NULL);

	CU_add_test(s, "IPv4 header classes", test_ip_header);
	CU_add_test(s, "transport header classes", test_l4_header);
	CU_add_test(s, "unknown interfaces and NULL", test_interfaces);
	CU_add_test(s, "every truncated prefix", test_prefixes);
	CU_add_test(s, "drop log rate limit", test_log_rate_limit);
}
