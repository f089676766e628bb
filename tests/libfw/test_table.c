/* The flow table: full table, eviction of expired flows, OOM, checksums,
 * introspection and memory per flow. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fwtest.h"
#include "fw_int.h"

void test_table_register(void);

static void
test_full_table(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .max_flows = 8 };
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	uint16_t i;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	for (i = 0; i < 8; i++) {
		n = fwt_udp(b, LAN_HOST, (uint16_t)(10000 + i), REMOTE, 53, 4);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1,
		    IF_ETH0, 0, &v), 0);
	}
	/* New flows are refused... */
	n = fwt_udp(b, LAN_HOST, 10200, REMOTE, 53, 4);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), FW_E_TABLE_FULL);
	CU_ASSERT_TRUE(t.log.by_level[FW_LOG_WARN] == 1);
	/* ...existing ones are untouched. */
	for (i = 0; i < 8; i++) {
		n = fwt_udp(b, REMOTE, 53, OFFICE, (uint16_t)(10000 + i), 4);
		CU_ASSERT_EQUAL(fwt_process(t.ctx, S(2), b, n, IF_ETH0,
		    IF_VLAN1, 0, &v), 0);
		CU_ASSERT_EQUAL(fwt_dport(b), 10000 + i);
	}
	/* Flow 10000 alone is kept alive; the others expire after 180 s and
	 * are evicted for new ones. */
	n = fwt_udp(b, LAN_HOST, 10000, REMOTE, 53, 4);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(150), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	n = fwt_udp(b, LAN_HOST, 10200, REMOTE, 53, 4);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(190), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_evicted, 1);
	CU_ASSERT_EQUAL(st.drops[-FW_E_TABLE_FULL], 1);
	CU_ASSERT_EQUAL(st.flows_peak, 8);
	n = fwt_udp(b, REMOTE, 53, OFFICE, 10000, 4);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(190), b, n, IF_ETH0, IF_VLAN1, 0,
	    &v), 0);
	fwt_fini(&t);
}

static void
test_oom(void)
{
	struct fwt t;
	struct fw_ctx *ctx;
	size_t i;
	int rc;
	bool done = false;

	for (i = 1; i < 20 && !done; i++) {
		memset(&t, 0, sizeof(t));
		fwt_hooks(&t);
		t.alloc.fail_at = i;
		rc = fw_ctx_new(&ctx, NULL, &t.hooks);
		if (rc == 0) {
			CU_ASSERT_EQUAL(fwt_seed_policy(ctx), 0);
			fw_ctx_free(ctx);
			done = true;
		} else {
			CU_ASSERT_EQUAL(rc, FW_E_NOMEM);
			CU_ASSERT_PTR_NULL(ctx);
		}
		CU_ASSERT_EQUAL(t.alloc.live, 0);
	}
	CU_ASSERT_TRUE(done);
}

static int
bad_rng(void *user, void *buf, size_t len)
{
	(void)user;
	(void)buf;
	(void)len;
	return -1;
}

static void
test_ctx_args(void)
{
	struct fw_ctx *ctx;
	struct fw_hooks h = { .rng = bad_rng };
	struct fw_config c = { .size = sizeof(c), .nat_port_min = 10,
	    .nat_port_max = 9 };

	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, NULL, &h), FW_E_RNG);
	CU_ASSERT_EQUAL(fw_ctx_new(NULL, NULL, &h), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, NULL, NULL), FW_E_INVAL);
	h.rng = ts_rng_cb;
	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, &c, &h), FW_E_INVAL);
	c.nat_port_max = 0;
	c.size = 1;
	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, &c, &h), FW_E_INVAL);
	fw_ctx_free(NULL);
}

/* RFC 1624 section 4's example, and the incremental update agreeing with
 * a full recomputation on random data. */
static void
test_cksum(void)
{
	struct ts_rng r;
	uint8_t buf[64];
	uint16_t c, w;
	int i, k;

	CU_ASSERT_EQUAL(fw_cksum_adj16(0xdd2f, 0x5555, 0x3285), 0x0000);
	ts_rng_init(&r, 3);
	for (i = 0; i < 1000; i++) {
		ts_rng_fill(&r, buf, sizeof(buf));
		buf[10] = buf[11] = 0;
		c = fw_cksum(buf, sizeof(buf));
		wr16(buf + 10, c);
		k = 2 * (int)(ts_rng_u32(&r) % 32);
		if (k == 10)
			continue;
		w = (uint16_t)ts_rng_u32(&r);
		c = fw_cksum_adj16(c, rd16(buf + k), w);
		wr16(buf + k, w);
		wr16(buf + 10, c);
		CU_ASSERT_EQUAL(fw_cksum(buf, sizeof(buf)), 0);
	}
}

static void
test_introspection(void)
{
	struct fwt t;
	struct fw_verdict v;
	uint8_t b[256];
	size_t n, cur = 0;
	struct fw_conn_info ci;
	int count = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	n = fwt_tcp(b, LAN_HOST, 40000, REMOTE, 80, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	n = fwt_udp(b, REMOTE, 500, OFFICE, 500, 10);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(1), b, n, IF_ETH0, FW_IF_LOCAL, 0,
	    &v), 0);
	while (fw_conn_next(t.ctx, S(1), &cur, &ci)) {
		count++;
		if (ci.protocol == FW_PROTO_TCP) {
			CU_ASSERT_TRUE(ci.nat);
			CU_ASSERT_EQUAL(ci.orig.src, LAN_HOST);
			CU_ASSERT_EQUAL(ci.reply.dst, OFFICE);
			CU_ASSERT_EQUAL(ci.reply.dport, 40000);
			CU_ASSERT_EQUAL(ci.in_if, IF_VLAN1);
			CU_ASSERT_EQUAL(ci.packets[0], 1);
			CU_ASSERT_EQUAL(ci.expires_ns, S(121));
		} else {
			CU_ASSERT_FALSE(ci.nat);
			CU_ASSERT_EQUAL(ci.rule, 1);
		}
	}
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_TRUE(fw_bytes_per_flow(t.ctx) <= 128);
	CU_ASSERT_EQUAL(sizeof(struct flow), 64);
	fwt_fini(&t);
}

/* Many flows: the index survives inserts and deletes (backward shift). */
static void
test_churn(void)
{
	struct fwt t;
	struct fw_config c = { .size = sizeof(c), .max_flows = 1024,
	    .udp_timeout_ns = S(10), .udp_stream_timeout_ns = S(10) };
	struct fw_verdict v;
	uint8_t b[256];
	size_t n;
	uint32_t i, round;
	struct fw_stats st;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, &c, true), 0);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < 1000; i++) {
			n = fwt_udp(b, LAN_HOST + (i % 50), (uint16_t)(3000 + i),
			    REMOTE + round, 53, 4);
			CU_ASSERT_EQUAL(fwt_process(t.ctx, S(20 * round), b, n,
			    IF_VLAN1, IF_ETH0, 0, &v), 0);
		}
		for (i = 0; i < 1000; i += 7) {
			n = fwt_udp(b, REMOTE + round, 53, OFFICE,
			    (uint16_t)(3000 + i), 4);
			CU_ASSERT_EQUAL(fwt_process(t.ctx, S(20 * round + 1),
			    b, n, IF_ETH0, IF_VLAN1, 0, &v), 0);
			CU_ASSERT_EQUAL(fwt_dst(b), LAN_HOST + (i % 50));
		}
		fw_handle_timeout(t.ctx, S(20 * round + 15));
	}
	fw_get_stats(t.ctx, &st);
	CU_ASSERT_EQUAL(st.flows_created, 4000);
	fwt_fini(&t);
}

/* fw_process_burst() gives exactly what fw_process() one by one gives. */
static void
test_burst_equivalence(void)
{
	struct fwt a, b;
	struct fw_pkt pk[40];
	uint8_t bufa[40][256], bufb[40][256];
	size_t lens[40], i;
	struct fw_verdict v;
	int rc, passed = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&a, NULL, true), 0);
	CU_ASSERT_EQUAL_FATAL(fwt_init(&b, NULL, true), 0);
	for (i = 0; i < 40; i++) {
		switch (i % 5) {
		case 0:
			lens[i] = fwt_udp(bufa[i], LAN_HOST + (uint32_t)(i % 3),
			    5000, REMOTE, 53, 8);
			break;
		case 1:
			lens[i] = fwt_udp(bufa[i], REMOTE, 53, OFFICE, 5000, 8);
			break;
		case 2:
			lens[i] = fwt_tcp(bufa[i], LAN_HOST, (uint16_t)(6000 + i),
			    REMOTE, 80, TH_SYN, 0);
			break;
		case 3:
			lens[i] = fwt_icmp_echo(bufa[i], LAN_HOST2, REMOTE, 8,
			    (uint16_t)i, 1);
			break;
		default:
			lens[i] = fwt_udp(bufa[i], LAN_HOST, 1, REMOTE, 2, 8);
			bufa[i][0] = 0x46; /* options: dropped */
			break;
		}
		memcpy(bufb[i], bufa[i], lens[i]);
	}
	for (i = 0; i < 40; i++) {
		pk[i].data = bufb[i];
		pk[i].len = lens[i];
		pk[i].in_if = (i % 5 == 1) ? IF_ETH0 : IF_VLAN1;
		pk[i].out_if = (i % 5 == 1) ? IF_VLAN1 : IF_ETH0;
		pk[i].ipsec = 0;
	}
	rc = fw_process_burst(b.ctx, S(1), pk, 40);
	for (i = 0; i < 40; i++) {
		int r = fwt_process(a.ctx, S(1), bufa[i], lens[i], pk[i].in_if,
		    pk[i].out_if, 0, &v);

		CU_ASSERT_EQUAL(r, pk[i].rc);
		CU_ASSERT_EQUAL(v.action, pk[i].verdict.action);
		CU_ASSERT_EQUAL(v.translated, pk[i].verdict.translated);
		CU_ASSERT_EQUAL(memcmp(bufa[i], bufb[i], lens[i]), 0);
		if (r == 0)
			passed++;
	}
	CU_ASSERT_EQUAL(rc, passed);
	CU_ASSERT_TRUE(passed > 20);
	CU_ASSERT_EQUAL(fw_process_burst(b.ctx, S(1), NULL, 0), 0);
	CU_ASSERT_EQUAL(fw_process_burst(NULL, S(1), pk, 1), FW_E_INVAL);
	fwt_fini(&a);
	fwt_fini(&b);
}

void
test_table_register(void)
{
	CU_pSuite s = CU_add_suite("fw_table", NULL, NULL);

	CU_add_test(s, "full table degrades predictably", test_full_table);
	CU_add_test(s, "OOM loop", test_oom);
	CU_add_test(s, "context arguments", test_ctx_args);
	CU_add_test(s, "RFC 1624 incremental checksum", test_cksum);
	CU_add_test(s, "introspection", test_introspection);
	CU_add_test(s, "index churn", test_churn);
	CU_add_test(s, "burst equals one by one", test_burst_equivalence);
}
