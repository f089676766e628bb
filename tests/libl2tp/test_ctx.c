/* Context tests (ctx.c, names.c): configuration, queues, names, conventions. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_ctx_register(void);

#define SEC 1000000000ull

static void
test_config_and_api(void)
{
	struct l2tp_ctx *c = NULL;
	struct l2tp_config cfg;
	struct l2tp_hooks hk;
	struct ts_rng r;
	uint8_t b[4];
	size_t n;
	uint64_t ph;

	ts_rng_init(&r, 1);
	memset(&hk, 0, sizeof(hk));
	hk.user = &r;
	h_default_config(&cfg, L2TP_ROLE_LNS);
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);   /* no rng */
	hk.rng = ts_rng_cb;
	cfg.hide_avps = true;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);   /* no secret */
	cfg.hide_avps = false;
	cfg.size = 8;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);
	cfg.size = sizeof(cfg);
	CU_ASSERT_EQUAL_FATAL(l2tp_ctx_new(&c, &cfg, &hk), 0);
	CU_ASSERT_EQUAL(l2tp_next_output(c, 0, b, sizeof(b), &n, &ph), L2TP_E_AGAIN);
	CU_ASSERT_EQUAL(l2tp_next_timeout(c), UINT64_MAX);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(c, 0, 1, (uint16_t *)b), L2TP_E_ROLE);
	CU_ASSERT_EQUAL(l2tp_tunnel_close(c, 0, 5, 1), L2TP_E_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(l2tp_strerror(L2TP_E_HIDDEN), "undecodable hidden AVP");
	CU_ASSERT_STRING_EQUAL(l2tp_result_str(true, 4), "requester is not authorized");
	l2tp_ctx_free(c);
	l2tp_ctx_free(NULL);
}

/* Bounded queues: events and output refuse beyond their caps.  Data no
 * longer goes through the event queue, so the event bound is exercised with
 * SESSION_UP events: eight calls on an LNS whose queue holds four. */
static void
test_queue_bounds(void)
{
	struct h_pair p;
	struct l2tp_config a, b;
	uint16_t tid, sid, more[8];
	uint8_t ppp[4] = { 0xc0, 0x21, 0x09, 0x00 }, small[4];
	size_t n;
	uint64_t ph;
	unsigned i;
	int rc = 0;

	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	a.max_output = 8;
	b.max_events = 4;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, &b), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	for (i = 0; i < 9 && rc == 0; i++)
		rc = l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, 4);
	CU_ASSERT_EQUAL(rc, L2TP_E_QUEUE_FULL);
	CU_ASSERT_EQUAL(i, 9);
	/* A too-small buffer leaves the datagram queued. */
	CU_ASSERT_EQUAL(l2tp_next_output(p.lac.ctx, p.now, small, sizeof(small), &n, &ph),
	    L2TP_E_BUFFER);
	/* Deliver all 8: data is returned in place, no event queued. */
	{
		uint8_t buf[L2TP_MAX_DGRAM];
		int r;

		for (i = 0; l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &n, &ph) == 0; i++) {
			r = h_input(&p.lns, p.now, H_LAC_HANDLE, buf, n);
			CU_ASSERT_EQUAL(r, 0);
		}
		CU_ASSERT_EQUAL(i, 8);
	}
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 8);
	CU_ASSERT_EQUAL(h_stats(&p.lns).queue_full, 0);
	/* Eight more calls without draining the LNS's events: only 4 of the
	 * SESSION_UP events fit, the rest are counted and logged. */
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &more[i]), 0);
	{
		uint8_t buf[L2TP_MAX_DGRAM];
		unsigned round;

		for (round = 0; round < 16; round++) {
			while (l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &n, &ph) == 0)
				(void)h_input(&p.lns, p.now, H_LAC_HANDLE, buf, n);
			while (l2tp_next_output(p.lns.ctx, p.now, buf, sizeof(buf), &n, &ph) == 0)
				(void)h_input(&p.lac, p.now, H_LNS_HANDLE, buf, n);
		}
	}
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_up, 9);
	CU_ASSERT_EQUAL(h_stats(&p.lns).queue_full, 4);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "event queue full"));
	memset(p.lns.ev_count, 0, sizeof(p.lns.ev_count));
	h_drain(&p.lns);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_UP], 4);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

/* cfg NULL takes every default; a size that is not sizeof(cfg) (either
 * way) is refused; hooks are required. */
static void
test_config_null_and_size(void)
{
	struct l2tp_ctx *c = NULL;
	struct l2tp_config cfg;
	struct l2tp_hooks hk;
	struct ts_rng r;
	uint8_t d[128], out[L2TP_MAX_DGRAM];
	struct l2tp_rx rx;
	size_t n, len;
	uint64_t ph;
	uint16_t tid;

	ts_rng_init(&r, 1);
	memset(&hk, 0, sizeof(hk));
	hk.user = &r;
	hk.rng = ts_rng_cb;
	CU_ASSERT_EQUAL(l2tp_ctx_new(NULL, NULL, &hk), L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, NULL, NULL), L2TP_E_INVAL);
	CU_ASSERT_PTR_NULL(c);
	h_default_config(&cfg, L2TP_ROLE_LNS);
	cfg.size = sizeof(cfg) + 8;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);
	cfg.size = sizeof(cfg) - 8;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);
	cfg.size = sizeof(cfg);
	cfg.max_tunnels = 65536;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);
	cfg.max_tunnels = 0;
	cfg.secret_len = L2TP_MAX_SECRET + 1;
	CU_ASSERT_EQUAL(l2tp_ctx_new(&c, &cfg, &hk), L2TP_E_INVAL);
	/* Defaults: LNS only, Host Name "roadgate", RWS 4, first retransmission
	 * after 1 s (once the peer is verified; before, only the 30 s setup
	 * deadline runs).  The SCCRQ is as big as a real client's, so the
	 * SCCRP carries its optional AVPs (RWS among them). */
	CU_ASSERT_EQUAL_FATAL(l2tp_ctx_new(&c, NULL, &hk), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(c, 0, 1, &tid), L2TP_E_ROLE);
	n = h_build_sccrq(d, 3, 0);
	h_append_avp(d, &n, 0, 0, 8, "Microsoft Windows client", 24);
	h_append_avp(d, &n, 0, 0, 4, "\0\0\0\3", 4);
	CU_ASSERT_EQUAL(l2tp_input(c, 5000, 9, d, n, &rx), 0);
	CU_ASSERT_EQUAL(l2tp_next_timeout(c), 5000 + 30000000000ull);
	CU_ASSERT_EQUAL_FATAL(l2tp_next_output(c, 0, out, sizeof(out), &len, &ph), 0);
	CU_ASSERT_EQUAL(h_msg_type(out, len), L2TP_MSG_SCCRP);
	{
		/* A ZLB for our Tunnel ID (Nr 0: acks nothing) verifies the
		 * peer; the SCCRP's retransmission timer runs from then on. */
		uint8_t z[12] = { 0xc8, 0x02, 0, 12, 0, 0, 0, 0, 0, 1, 0, 0 };
		size_t i;

		for (i = 12; i + 8 <= len; i += (size_t)(((out[i] & 3) << 8) | out[i + 1]))
			if (out[i + 5] == 9) {
				z[4] = out[i + 6];
				z[5] = out[i + 7];
			}
		CU_ASSERT_EQUAL(l2tp_input(c, 6000, 9, z, sizeof(z), &rx), 0);
		CU_ASSERT_EQUAL(l2tp_next_timeout(c), 5000 + 1000000000ull);
	}
	{
		static const uint8_t host[] = { 0x80, 0x0e, 0, 0, 0, 7, 'r', 'o', 'a', 'd', 'g', 'a', 't', 'e' };
		static const uint8_t rws[] = { 0x80, 0x08, 0, 0, 0, 10, 0, 4 };
		size_t i;
		bool h = false, w = false;

		for (i = 0; i + sizeof(host) <= len; i++)
			h = h || memcmp(out + i, host, sizeof(host)) == 0;
		for (i = 0; i + sizeof(rws) <= len; i++)
			w = w || memcmp(out + i, rws, sizeof(rws)) == 0;
		CU_ASSERT_TRUE(h);
		CU_ASSERT_TRUE(w);
	}
	l2tp_ctx_free(c);
	CU_ASSERT_EQUAL(L2TP_LOG_ERROR, 3);
	CU_ASSERT_EQUAL(L2TP_LOG_WARN, 4);
	CU_ASSERT_EQUAL(L2TP_LOG_INFO, 6);
	CU_ASSERT_EQUAL(L2TP_LOG_DEBUG, 7);
}

/* A truncated datagram is logged at L2TP_LOG_WARN (4), a tunnel coming up
 * at L2TP_LOG_INFO (6). */
static void
test_log_levels(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	uint8_t d[4] = { 0xc8, 0x02, 0, 0 };

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_TRUE(p.lns.log.by_level[L2TP_LOG_INFO] >= 1);
	CU_ASSERT_EQUAL(p.lns.log.by_level[L2TP_LOG_WARN], 0);
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, d, sizeof(d)), L2TP_E_TRUNCATED);
	CU_ASSERT_EQUAL(p.lns.log.by_level[L2TP_LOG_WARN], 1);
	CU_ASSERT_EQUAL(p.lns.log.by_level[0] + p.lns.log.by_level[1] + p.lns.log.by_level[2], 0);
	h_pair_free(&p);
}

/* The error block shared by the five libraries: names and values. */
static void
test_error_codes(void)
{
	static const int common[] = {
		L2TP_E_INVAL, L2TP_E_NOMEM, L2TP_E_RNG, L2TP_E_CRYPTO, L2TP_E_BUFFER,
		L2TP_E_AGAIN, L2TP_E_LIMIT, L2TP_E_STATE, L2TP_E_EXISTS, L2TP_E_NOT_FOUND,
		L2TP_E_TRUNCATED, L2TP_E_BAD_LENGTH, L2TP_E_VERSION, L2TP_E_DUPLICATE,
		L2TP_E_QUEUE_FULL,
	};
	static const int own[] = {
		L2TP_E_BAD_HEADER, L2TP_E_AVP_LENGTH, L2TP_E_HIDDEN, L2TP_E_MISSING_AVP,
		L2TP_E_BAD_AVP, L2TP_E_UNKNOWN_MANDATORY, L2TP_E_NO_TUNNEL, L2TP_E_NO_SESSION,
		L2TP_E_SEQUENCE, L2TP_E_AUTH, L2TP_E_UNSUPPORTED, L2TP_E_ROLE, L2TP_E_TIEBREAK,
		L2TP_E_TIMEOUT, L2TP_E_SETUP_TIMEOUT, L2TP_E_PEER_GONE, L2TP_E_PEER_RESTART,
	};
	unsigned i, j;

	CU_ASSERT_EQUAL(L2TP_OK, 0);
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		CU_ASSERT_EQUAL(common[i], -1 - (int)i);     /* -1 .. -15, in the spec's order */
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		CU_ASSERT_EQUAL(own[i], -32 - (int)i);       /* from -32 down */
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		CU_ASSERT_STRING_NOT_EQUAL(l2tp_strerror(common[i]), "unknown error");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(l2tp_strerror(common[i]), l2tp_strerror(common[j]));
	}
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		CU_ASSERT_STRING_NOT_EQUAL(l2tp_strerror(own[i]), "unknown error");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(l2tp_strerror(own[i]), l2tp_strerror(own[j]));
	}
	CU_ASSERT_STRING_EQUAL(l2tp_strerror(0), "success");
	CU_ASSERT_STRING_EQUAL(l2tp_strerror(-16), "unknown error");
	CU_ASSERT_STRING_EQUAL(l2tp_strerror(-31), "unknown error");
	CU_ASSERT_STRING_EQUAL(l2tp_strerror(1), "unknown error");
}

/* Name functions for everything a caller prints. */
static void
test_names(void)
{
	static const struct {
		unsigned type;
		const char *name;
	} msgs[] = {
		{ 1, "SCCRQ" }, { 2, "SCCRP" }, { 3, "SCCCN" }, { 4, "StopCCN" }, { 6, "HELLO" },
		{ 7, "OCRQ" }, { 8, "OCRP" }, { 9, "OCCN" }, { 10, "ICRQ" }, { 11, "ICRP" },
		{ 12, "ICCN" }, { 14, "CDN" }, { 15, "WEN" }, { 16, "SLI" },
		{ 0, "unknown message" }, { 5, "unknown message" }, { 13, "unknown message" },
		{ 17, "unknown message" }, { 65535, "unknown message" },
	};
	unsigned i;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		CU_ASSERT_STRING_EQUAL(l2tp_message_name(msgs[i].type), msgs[i].name);
	CU_ASSERT_STRING_EQUAL(l2tp_event_name(L2TP_EV_TUNNEL_UP), "TUNNEL_UP");
	CU_ASSERT_STRING_EQUAL(l2tp_event_name(L2TP_EV_TUNNEL_DOWN), "TUNNEL_DOWN");
	CU_ASSERT_STRING_EQUAL(l2tp_event_name(L2TP_EV_SESSION_UP), "SESSION_UP");
	CU_ASSERT_STRING_EQUAL(l2tp_event_name(L2TP_EV_SESSION_DOWN), "SESSION_DOWN");
	CU_ASSERT_STRING_EQUAL(l2tp_event_name(L2TP_EV_PROXY), "PROXY");
	CU_ASSERT_STRING_EQUAL(l2tp_event_name((enum l2tp_event_type)0), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_event_name((enum l2tp_event_type)99), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_tunnel_state_name(L2TP_TUNNEL_WAIT_CTL_REPLY), "wait-ctl-reply");
	CU_ASSERT_STRING_EQUAL(l2tp_tunnel_state_name(L2TP_TUNNEL_WAIT_CTL_CONN), "wait-ctl-conn");
	CU_ASSERT_STRING_EQUAL(l2tp_tunnel_state_name(L2TP_TUNNEL_ESTABLISHED), "established");
	CU_ASSERT_STRING_EQUAL(l2tp_tunnel_state_name(L2TP_TUNNEL_CLOSING), "closing");
	CU_ASSERT_STRING_EQUAL(l2tp_tunnel_state_name(L2TP_TUNNEL_LINGER), "linger");
	CU_ASSERT_STRING_EQUAL(l2tp_tunnel_state_name((enum l2tp_tunnel_state)0), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_session_state_name(L2TP_SESSION_WAIT_TUNNEL), "wait-tunnel");
	CU_ASSERT_STRING_EQUAL(l2tp_session_state_name(L2TP_SESSION_WAIT_REPLY), "wait-reply");
	CU_ASSERT_STRING_EQUAL(l2tp_session_state_name(L2TP_SESSION_WAIT_CONNECT), "wait-connect");
	CU_ASSERT_STRING_EQUAL(l2tp_session_state_name(L2TP_SESSION_ESTABLISHED), "established");
	CU_ASSERT_STRING_EQUAL(l2tp_session_state_name((enum l2tp_session_state)9), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_result_str(false, L2TP_CDN_TIMEOUT), "timeout");
	CU_ASSERT_STRING_EQUAL(l2tp_result_str(true, 8), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_error_code_str(L2TP_ERR_UNKNOWN_MANDATORY), "unknown mandatory AVP");
	CU_ASSERT_STRING_EQUAL(l2tp_error_code_str(L2TP_ERR_NONE), "no general error");
	CU_ASSERT_STRING_EQUAL(l2tp_error_code_str(9), "unknown");
	CU_ASSERT_EQUAL(L2TP_VERSION_MAJOR, 1);
	CU_ASSERT_STRING_EQUAL(l2tp_version(), "1.0.0");
}

void
test_ctx_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_ctx", NULL, NULL);

	CU_add_test(s, "config and API errors", test_config_and_api);
	CU_add_test(s, "queue bounds", test_queue_bounds);
	CU_add_test(s, "cfg NULL = defaults; size must match", test_config_null_and_size);
	CU_add_test(s, "log levels are syslog's", test_log_levels);
	CU_add_test(s, "common error block, names of all codes", test_error_codes);
	CU_add_test(s, "names of messages, events, states, codes", test_names);
}
