/*
 * test_ctx.c - the context (ctx.c, names.c): cfg NULL = defaults, the
 * shared error block, names of every enum, statistics, the session limit,
 * and ppp_ctx_free freeing the sessions still alive.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_ctx_register(void);

static struct harness H;

/* A context with every default serves a client with every default. */
static void
test_null_config(void)
{
	struct ppp_session_config sc;
	struct ppp_stats st;

	memset(&H, 0, sizeof(H));
	ts_rng_init(&H.rng, 42);
	ts_rng_init(&H.lossrng, 7);
	ts_alloc_init(&H.alloc);
	ts_log_init(&H.log);
	h_hooks(&H);
	H.now = 1000000000ULL;
	H.password = "pw";
	H.pool_addr = 0x0a000064;
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&H.srv.ctx, NULL, &H.hooks), PPP_OK);
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&H.cli.ctx, NULL, &H.hooks), PPP_OK);
	/* The defaults are documented: check the ones a caller relies on. */
	CU_ASSERT_EQUAL(H.srv.ctx->cfg.restart_ns, 3 * NS_PER_S);
	CU_ASSERT_EQUAL(H.srv.ctx->cfg.auth_timeout_ns, 30 * NS_PER_S);
	CU_ASSERT_EQUAL(H.srv.ctx->cfg.mru, 1500);
	CU_ASSERT_EQUAL(H.srv.ctx->cfg.max_sessions, 65536);
	CU_ASSERT_STRING_EQUAL(H.srv.ctx->name, "roadgate");
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.username = "u";
	sc.username_len = 1;
	sc.password = "pw";
	sc.password_len = 2;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.srv.ctx, H.now,
	    PPP_ROLE_SERVER, NULL, &H.srv.sess), PPP_OK);
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.cli.ctx, H.now,
	    PPP_ROLE_CLIENT, &sc, &H.cli.sess), PPP_OK);
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.srv.ip_up);
	CU_ASSERT_TRUE(H.cli.ip_up);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 0);
	CU_ASSERT_EQUAL(H.cli.ip.local_addr, 0x0a000064);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.sessions_created, 1);
	CU_ASSERT_EQUAL(st.sessions_live, 1);
	CU_ASSERT_EQUAL(st.sessions_up, 1);
	h_free(&H);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

static void
test_bad_config(void)
{
	struct ppp_config cfg;
	struct ppp_hooks hk;
	struct ppp_ctx *ctx = (struct ppp_ctx *)&cfg;
	struct ts_rng r;

	memset(&hk, 0, sizeof(hk));
	ts_rng_init(&r, 3);
	hk.user = &r;
	hk.rng = ts_rng_cb;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg) - 1;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	CU_ASSERT_PTR_NULL(ctx);
	cfg.size = sizeof(cfg);
	cfg.mru = 1501;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	cfg.mru = 0;
	cfg.auth[0] = (enum ppp_auth_method)7;
	cfg.n_auth = 1;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	cfg.n_auth = PPP_MAX_AUTH_METHODS + 1;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	cfg.n_auth = 0;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, NULL, NULL), PPP_E_INVAL);
	CU_ASSERT_EQUAL(ppp_ctx_new(NULL, NULL, &hk), PPP_E_INVAL);
	hk.rng = NULL;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, NULL, &hk), PPP_E_INVAL);
	/* NULL-safe accessors. */
	CU_ASSERT_EQUAL(ppp_next_timeout(NULL), UINT64_MAX);
	CU_ASSERT_EQUAL(ppp_handle_timeout(NULL, 0), PPP_E_INVAL);
	CU_ASSERT_FALSE(ppp_next_event(NULL, NULL));
	CU_ASSERT_EQUAL(ppp_session_user(NULL), 0);
	CU_ASSERT_EQUAL(ppp_session_set_user(NULL, 1), PPP_E_INVAL);
	ppp_get_stats(NULL, NULL);
	ppp_event_wipe(NULL);
}

/* The block shared by the five libraries: same names, same values. */
static void
test_error_block(void)
{
	static const int common[] = { PPP_E_INVAL, PPP_E_NOMEM, PPP_E_RNG,
	    PPP_E_CRYPTO, PPP_E_BUFFER, PPP_E_AGAIN, PPP_E_LIMIT, PPP_E_STATE,
	    PPP_E_EXISTS, PPP_E_NOT_FOUND, PPP_E_TRUNCATED, PPP_E_BAD_LENGTH,
	    PPP_E_VERSION, PPP_E_DUPLICATE, PPP_E_QUEUE_FULL };
	static const int own[] = { PPP_E_BAD_OPTION, PPP_E_DUP_OPTION,
	    PPP_E_BAD_ID, PPP_E_UNKNOWN_PROTO, PPP_E_UNKNOWN_CODE,
	    PPP_E_BAD_MESSAGE, PPP_E_NAME_TOO_LONG, PPP_E_BAD_RESPONSE,
	    PPP_E_LATE, PPP_E_NOT_CONVERGED, PPP_E_RATE_LIMITED,
	    PPP_E_LOOPBACK, PPP_E_TOO_BIG, PPP_E_AUTH, PPP_E_BAD_FRAME };
	size_t i, j;

	CU_ASSERT_EQUAL(PPP_OK, 0);
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		CU_ASSERT_EQUAL(common[i], -(int)(i + 1));
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		CU_ASSERT_EQUAL(own[i], -32 - (int)i);
		CU_ASSERT_STRING_NOT_EQUAL(ppp_strerror(own[i]), "unknown");
	}
	/* Every code has its own name. */
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		CU_ASSERT_STRING_NOT_EQUAL(ppp_strerror(common[i]), "unknown");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(ppp_strerror(common[i]),
			    ppp_strerror(common[j]));
	}
	CU_ASSERT_STRING_EQUAL(ppp_strerror(PPP_OK), "success");
	CU_ASSERT_STRING_EQUAL(ppp_strerror(-16), "unknown");
	CU_ASSERT_EQUAL(PPP_LOG_ERROR, 3);
	CU_ASSERT_EQUAL(PPP_LOG_WARN, 4);
	CU_ASSERT_EQUAL(PPP_LOG_INFO, 6);
	CU_ASSERT_EQUAL(PPP_LOG_DEBUG, 7);
}

static void
test_names(void)
{
	int i;

	CU_ASSERT_STRING_EQUAL(ppp_event_name(PPP_EV_LINK_UP), "LINK_UP");
	CU_ASSERT_STRING_EQUAL(ppp_event_name(PPP_EV_LINK_DOWN), "LINK_DOWN");
	for (i = PPP_EV_LINK_UP; i <= PPP_EV_LINK_DOWN; i++)
		CU_ASSERT_STRING_NOT_EQUAL(ppp_event_name(
		    (enum ppp_event_type)i), "unknown");
	CU_ASSERT_STRING_EQUAL(ppp_event_name((enum ppp_event_type)0),
	    "unknown");
	for (i = PPP_DOWN_PEER_TERMINATED; i <= PPP_DOWN_NO_COMMON_AUTH; i++)
		CU_ASSERT_STRING_NOT_EQUAL(ppp_down_reason_name(
		    (enum ppp_down_reason)i), "unknown");
	CU_ASSERT_STRING_EQUAL(ppp_down_reason_name(PPP_DOWN_ECHO_TIMEOUT),
	    "echo timeout");
	CU_ASSERT_STRING_EQUAL(ppp_down_reason_name((enum ppp_down_reason)99),
	    "unknown");
	CU_ASSERT_STRING_EQUAL(ppp_auth_method_name(PPP_AUTH_NONE), "none");
	CU_ASSERT_STRING_EQUAL(ppp_auth_method_name(PPP_AUTH_PAP), "PAP");
	CU_ASSERT_STRING_EQUAL(ppp_auth_method_name(PPP_AUTH_CHAP_MD5),
	    "CHAP-MD5");
	CU_ASSERT_STRING_EQUAL(ppp_auth_method_name(PPP_AUTH_MSCHAPV2),
	    "MS-CHAPv2");
	CU_ASSERT_STRING_EQUAL(ppp_auth_method_name((enum ppp_auth_method)9),
	    "unknown");
	CU_ASSERT_STRING_EQUAL(ppp_role_name(PPP_ROLE_SERVER), "server");
	CU_ASSERT_STRING_EQUAL(ppp_role_name(PPP_ROLE_CLIENT), "client");
	CU_ASSERT_STRING_EQUAL(ppp_role_name((enum ppp_role)0), "unknown");
	CU_ASSERT_STRING_EQUAL(ppp_phase_name(PPP_PHASE_DEAD), "dead");
	CU_ASSERT_STRING_EQUAL(ppp_phase_name(PPP_PHASE_NETWORK), "network");
	CU_ASSERT_STRING_EQUAL(ppp_phase_name(PPP_PHASE_TERMINATE),
	    "terminate");
	CU_ASSERT_STRING_EQUAL(ppp_phase_name((enum ppp_phase)17), "unknown");
}

/* max_sessions: a counted, logged refusal; freeing one makes room. */
static void
test_session_limit(void)
{
	struct ppp_config cfg;
	struct ppp_session *s[3], *extra = NULL;
	struct ppp_stats st;
	size_t lines;
	int i;

	memset(&H, 0, sizeof(H));
	ts_rng_init(&H.rng, 1);
	ts_alloc_init(&H.alloc);
	ts_log_init(&H.log);
	h_hooks(&H);
	h_config(&cfg, PPP_AUTH_NONE);
	cfg.max_sessions = 3;
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&H.srv.ctx, &cfg, &H.hooks), 0);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.srv.ctx, 0,
		    PPP_ROLE_SERVER, NULL, &s[i]), PPP_OK);
	lines = H.log.lines;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, NULL,
	    &extra), PPP_E_LIMIT);
	CU_ASSERT_PTR_NULL(extra);
	CU_ASSERT(H.log.lines > lines);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.session_limit, 1);
	CU_ASSERT_EQUAL(st.sessions_live, 3);
	ppp_session_free(s[1]);
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, NULL,
	    &extra), PPP_OK);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.sessions_created, 4);
	CU_ASSERT_EQUAL(st.sessions_live, 3);
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/*
 * ppp_ctx_free frees the sessions still alive, whatever state they are in
 * (queued frames, queued events, pending authentication, credentials),
 * and wipes their secrets: nothing leaks.
 */
static void
test_ctx_free_live(void)
{
	struct ppp_config sc, cc;
	struct ppp_session *more[20];
	int i;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "carol", "pw"), 0);
	H.hold_auth = true;
	h_pump(&H);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	/* More server sessions with frames queued, one LINK_DOWN queued. */
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.srv.ctx, H.now,
		    PPP_ROLE_SERVER, NULL, &more[i]), PPP_OK);
	CU_ASSERT_EQUAL(ppp_session_close(more[3], H.now), PPP_OK);
	CU_ASSERT(H.srv.ctx->out.n >= 20);
	CU_ASSERT(H.srv.ctx->ev.n >= 1);
	CU_ASSERT(H.alloc.live > 0);
	ppp_ctx_free(H.srv.ctx);
	ppp_ctx_free(H.cli.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
	memset(&H.pending, 0, sizeof(H.pending));
}

static int
failing_rng(void *user, void *buf, size_t len)
{
	(void)user;
	(void)buf;
	(void)len;
	return -1;
}

static void
test_api_args(void)
{
	struct ppp_config cfg;
	struct ppp_hooks hk;
	struct ppp_ctx *ctx;
	struct ts_rng r;

	memset(&cfg, 0, sizeof(cfg));
	memset(&hk, 0, sizeof(hk));
	ts_rng_init(&r, 3);
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	cfg.size = sizeof(cfg);
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	hk.rng = ts_rng_cb;
	hk.user = &r;
	cfg.mru = 64;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	cfg.mru = 0;
	cfg.auth[0] = PPP_AUTH_PAP;
	cfg.auth[1] = PPP_AUTH_PAP;
	cfg.n_auth = 2;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), PPP_E_INVAL);
	cfg.n_auth = 1;
	CU_ASSERT_EQUAL(ppp_ctx_new(&ctx, &cfg, &hk), 0);
	CU_ASSERT_EQUAL(ppp_session_new(ctx, 0, PPP_ROLE_CLIENT, NULL, NULL),
	    PPP_E_INVAL);
	{
		struct ppp_session *s;

		CU_ASSERT_EQUAL(ppp_session_new(ctx, 0, PPP_ROLE_CLIENT, NULL,
		    &s), PPP_E_INVAL);
		CU_ASSERT_EQUAL(ppp_session_new(ctx, 0, (enum ppp_role)9, NULL,
		    &s), PPP_E_INVAL);
	}
	/* A failing rng hook: no session without a magic number (the
	 * common error block has its own code for it: PPP_E_RNG). */
	hk.rng = failing_rng;
	{
		struct ppp_ctx *c2;
		struct ppp_session *s2 = NULL;
		struct ppp_stats st;

		CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&c2, &cfg, &hk), 0);
		CU_ASSERT_EQUAL(ppp_session_new(c2, 0, PPP_ROLE_SERVER, NULL,
		    &s2), PPP_E_RNG);
		CU_ASSERT_PTR_NULL(s2);
		ppp_get_stats(c2, &st);
		CU_ASSERT_EQUAL(st.rng_fail, 1);
		CU_ASSERT_EQUAL(st.sessions_live, 0);
		ppp_ctx_free(c2);
	}
	CU_ASSERT_STRING_EQUAL(ppp_strerror(PPP_E_LOOPBACK),
	    "looped-back link");
	CU_ASSERT_STRING_EQUAL(ppp_strerror(12345), "unknown");
	ppp_ctx_free(ctx);
	ppp_ctx_free(NULL);
	ppp_session_free(NULL);
}

void
test_ctx_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_ctx", NULL, NULL);

	CU_add_test(s, "cfg NULL takes every default", test_null_config);
	CU_add_test(s, "bad configurations and NULL arguments",
	    test_bad_config);
	CU_add_test(s, "error codes: the shared block", test_error_block);
	CU_add_test(s, "name functions", test_names);
	CU_add_test(s, "max_sessions", test_session_limit);
	CU_add_test(s, "ppp_ctx_free frees live sessions", test_ctx_free_live);
	CU_add_test(s, "API argument checks", test_api_args);
}
