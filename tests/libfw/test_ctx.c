/* The context (ctx.c): the conventions shared by the roadgate libraries
 * (error block, log levels, config size, defaults), names, counters, NULL
 * handling and the wipe on free. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "fwtest.h"
#include "fw_int.h"

void test_ctx_register(void);

/* The common block has the same values in all five libraries. */
static void
test_error_block(void)
{
	static const int lib[] = {
		FW_E_BAD_IHL, FW_E_BAD_CHECKSUM, FW_E_IP_OPTIONS,
		FW_E_BAD_TCP_OFFSET, FW_E_TCP_FLAGS, FW_E_ICMP_BAD_INNER,
		FW_E_FRAG_OVERLAP, FW_E_FRAG_NO_FIRST, FW_E_FRAG_TINY,
		FW_E_BAD_ADDRESS, FW_E_BAD_IF, FW_E_SPOOFED, FW_E_POLICY,
		FW_E_RULE_DENY, FW_E_NEED_IPSEC, FW_E_IPSEC_MISMATCH,
		FW_E_TCP_NO_SYN, FW_E_TCP_STATE, FW_E_ICMP_NO_FLOW,
		FW_E_TABLE_FULL, FW_E_NAT_EXHAUSTED, FW_E_FRAG_TABLE_FULL,
		FW_E_UNSUPPORTED,
	};
	size_t i, j;
	int e;

	CU_ASSERT_EQUAL(FW_OK, 0);
	CU_ASSERT_EQUAL(FW_E_INVAL, -1);
	CU_ASSERT_EQUAL(FW_E_NOMEM, -2);
	CU_ASSERT_EQUAL(FW_E_RNG, -3);
	CU_ASSERT_EQUAL(FW_E_CRYPTO, -4);
	CU_ASSERT_EQUAL(FW_E_BUFFER, -5);
	CU_ASSERT_EQUAL(FW_E_AGAIN, -6);
	CU_ASSERT_EQUAL(FW_E_LIMIT, -7);
	CU_ASSERT_EQUAL(FW_E_STATE, -8);
	CU_ASSERT_EQUAL(FW_E_EXISTS, -9);
	CU_ASSERT_EQUAL(FW_E_NOT_FOUND, -10);
	CU_ASSERT_EQUAL(FW_E_TRUNCATED, -11);
	CU_ASSERT_EQUAL(FW_E_BAD_LENGTH, -12);
	CU_ASSERT_EQUAL(FW_E_VERSION, -13);
	CU_ASSERT_EQUAL(FW_E_DUPLICATE, -14);
	CU_ASSERT_EQUAL(FW_E_QUEUE_FULL, -15);
	/* libfw's own codes from -32 down, each counted in drops[]. */
	for (i = 0; i < sizeof(lib) / sizeof(lib[0]); i++) {
		CU_ASSERT_TRUE(lib[i] <= -32);
		CU_ASSERT_TRUE(-lib[i] < FW_REASON_MAX);
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(lib[i], lib[j]);
	}
	/* Every code has its own name. */
	for (e = 0; e > -FW_REASON_MAX; e--) {
		const char *n = fw_strerror(e);

		if (strcmp(n, "unknown error") == 0)
			continue;
		for (i = 0; i < sizeof(lib) / sizeof(lib[0]); i++)
			if (lib[i] != e)
				CU_ASSERT_STRING_NOT_EQUAL(n,
				    fw_strerror(lib[i]));
	}
	for (e = -1; e >= -15; e--)
		CU_ASSERT_STRING_NOT_EQUAL(fw_strerror(e), "unknown error");
	for (e = -16; e >= -31; e--)
		CU_ASSERT_STRING_EQUAL(fw_strerror(e), "unknown error");
	for (i = 0; i < sizeof(lib) / sizeof(lib[0]); i++)
		CU_ASSERT_STRING_NOT_EQUAL(fw_strerror(lib[i]),
		    "unknown error");
	CU_ASSERT_STRING_EQUAL(fw_strerror(FW_E_IPSEC_MISMATCH),
	    "connection belongs to another IPsec peer");
}

static void
test_log_levels(void)
{
	/* syslog(3) numbering. */
	CU_ASSERT_EQUAL(FW_LOG_ERROR, 3);
	CU_ASSERT_EQUAL(FW_LOG_WARN, 4);
	CU_ASSERT_EQUAL(FW_LOG_INFO, 6);
	CU_ASSERT_EQUAL(FW_LOG_DEBUG, 7);
}

static void
test_tcp_state_names(void)
{
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name(FW_TCP_NONE), "none");
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name(FW_TCP_SYN_SENT), "syn-sent");
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name(FW_TCP_SYN_RECV), "syn-recv");
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name(FW_TCP_ESTABLISHED),
	    "established");
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name(FW_TCP_FIN_WAIT), "fin-wait");
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name(FW_TCP_TIME_WAIT),
	    "time-wait");
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name(FW_TCP_CLOSED), "closed");
	CU_ASSERT_STRING_EQUAL(fw_tcp_state_name((enum fw_tcp_state)99),
	    "unknown");
}

/* cfg NULL means every default; a config must be exactly this size. */
static void
test_config(void)
{
	struct fwt t;
	struct fw_ctx *ctx = NULL;
	struct {
		struct fw_config c;
		uint8_t more[16];
	} big;
	struct fw_config c;
	struct fw_verdict v;
	struct fw_conn_info ci;
	uint8_t b[256];
	size_t n, cur = 0;

	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	/* Defaults: one-way UDP 30 s, TCP SYN 120 s. */
	n = fwt_udp(b, LAN_HOST, 7000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(5), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	n = fwt_tcp(b, LAN_HOST, 7000, REMOTE, 80, TH_SYN, 0);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, S(5), b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	while (fw_conn_next(t.ctx, S(5), &cur, &ci))
		CU_ASSERT_EQUAL(ci.expires_ns, ci.protocol == FW_PROTO_UDP ?
		    S(35) : S(125));
	/* Sweeps every second by default. */
	CU_ASSERT_EQUAL(fw_next_timeout(t.ctx), S(6));
	fwt_fini(&t);

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c) - 1;
	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, &c, &t.hooks), FW_E_INVAL);
	CU_ASSERT_PTR_NULL(ctx);
	memset(&big, 0, sizeof(big));
	big.c.size = sizeof(big);
	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, &big.c, &t.hooks), FW_E_INVAL);
	c.size = sizeof(c);
	c.max_interfaces = 1;
	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, &c, &t.hooks), FW_E_INVAL);
	c.max_interfaces = 0;
	c.max_flows = (1u << 28) + 1;
	CU_ASSERT_EQUAL(fw_ctx_new(&ctx, &c, &t.hooks), FW_E_INVAL);
	/* _ns fields are nanoseconds. */
	c.max_flows = 16;
	c.udp_timeout_ns = 2500;
	c.sweep_interval_ns = 700;
	CU_ASSERT_EQUAL_FATAL(fw_ctx_new(&t.ctx, &c, &t.hooks), 0);
	CU_ASSERT_EQUAL(fwt_seed_policy(t.ctx), 0);
	n = fwt_udp(b, LAN_HOST, 7000, REMOTE, 53, 8);
	CU_ASSERT_EQUAL(fwt_process(t.ctx, 1000, b, n, IF_VLAN1, IF_ETH0, 0,
	    &v), 0);
	cur = 0;
	CU_ASSERT_TRUE(fw_conn_next(t.ctx, 1000, &cur, &ci));
	CU_ASSERT_EQUAL(ci.expires_ns, 3500);
	CU_ASSERT_EQUAL(fw_next_timeout(t.ctx), 1700);
	CU_ASSERT_EQUAL(fw_handle_timeout(t.ctx, 3500), 1);
	fwt_fini(&t);
}

/* NULL arguments are refused the documented way, never crash. */
static void
test_null_args(void)
{
	struct fw_stats st;
	struct fw_if_stats is;
	struct fw_conn_info ci;
	struct fw_nat_binding nb;
	uint64_t hits;
	size_t cur = 0;
	struct fwt t;

	memset(&st, 0xff, sizeof(st));
	fw_get_stats(NULL, &st);
	CU_ASSERT_EQUAL(st.packets, 0);
	CU_ASSERT_EQUAL(st.drops[FW_REASON_MAX - 1], 0);
	CU_ASSERT_EQUAL(st.log_suppressed, 0);
	CU_ASSERT_EQUAL_FATAL(fwt_init(&t, NULL, true), 0);
	fw_get_stats(t.ctx, NULL);
	CU_ASSERT_EQUAL(fw_next_timeout(NULL), UINT64_MAX);
	CU_ASSERT_EQUAL(fw_handle_timeout(NULL, 1), FW_E_INVAL);
	CU_ASSERT_FALSE(fw_conn_next(NULL, 1, &cur, &ci));
	CU_ASSERT_FALSE(fw_conn_next(t.ctx, 1, NULL, &ci));
	CU_ASSERT_FALSE(fw_conn_next(t.ctx, 1, &cur, NULL));
	CU_ASSERT_FALSE(fw_nat_binding_next(t.ctx, 1, &cur, NULL));
	CU_ASSERT_FALSE(fw_nat_binding_next(NULL, 1, &cur, &nb));
	CU_ASSERT_EQUAL(fw_interface_stats(NULL, IF_ETH0, &is), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_interface_stats(t.ctx, IF_ETH0, NULL), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_interface_stats(t.ctx, 99, &is), FW_E_NOT_FOUND);
	CU_ASSERT_EQUAL(fw_rule_hits(NULL, 1, &hits), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_rule_hits(t.ctx, 1, NULL), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_bytes_per_flow(NULL), 0);
	CU_ASSERT_EQUAL(fw_process_burst(NULL, 1, NULL, 0), FW_E_INVAL);
	CU_ASSERT_EQUAL(fw_process_burst(t.ctx, 1, NULL, 3), FW_E_INVAL);
	fwt_fini(&t);
}

/*
 * fw_ctx_free wipes the context (its SipHash key) before freeing it: a free
 * hook that finds the context block not all zero counts it.
 */
static size_t wipe_nonzero, wipe_seen;
static const void *wipe_ctx;

static int
w_rng(void *user, void *buf, size_t len)
{
	(void)user;
	memset(buf, 0xa5, len);
	return 0;
}

static void *
w_alloc(void *user, size_t size)
{
	/* The size goes in front of the block. */
	size_t *p = calloc(1, size + sizeof(size_t) * 2);

	(void)user;
	if (p == NULL)
		return NULL;
	p[0] = size;
	return p + 2;
}

static void
w_free(void *user, void *ptr)
{
	size_t *p = (size_t *)ptr - 2, i;
	const uint8_t *b = ptr;

	(void)user;
	if (ptr == wipe_ctx) {
		CU_ASSERT_EQUAL(p[0], sizeof(struct fw_ctx));
		wipe_seen++;
		for (i = 0; i < p[0]; i++)
			if (b[i] != 0) {
				wipe_nonzero++;
				break;
			}
	}
	free(p);
}

static void
test_wipe(void)
{
	struct fw_hooks h = { .rng = w_rng, .alloc = w_alloc,
	    .free = w_free };
	struct fw_ctx *ctx;

	wipe_nonzero = wipe_seen = 0;
	CU_ASSERT_EQUAL_FATAL(fw_ctx_new(&ctx, NULL, &h), 0);
	wipe_ctx = ctx;
	CU_ASSERT_EQUAL(ctx->k0, 0xa5a5a5a5a5a5a5a5ULL);
	fw_ctx_free(ctx);
	CU_ASSERT_EQUAL(wipe_seen, 1);
	CU_ASSERT_EQUAL(wipe_nonzero, 0);
}

void
test_ctx_register(void)
{
	CU_pSuite s = CU_add_suite("fw_context", NULL, NULL);

	CU_add_test(s, "common error block and names", test_error_block);
	CU_add_test(s, "syslog log levels", test_log_levels);
	CU_add_test(s, "TCP state names", test_tcp_state_names);
	CU_add_test(s, "config: NULL, size, defaults, units", test_config);
	CU_add_test(s, "NULL arguments", test_null_args);
	CU_add_test(s, "the context is wiped on free", test_wipe);
}
