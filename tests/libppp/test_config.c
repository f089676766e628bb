/*
 * test_config.c - per-session configuration (session.c): the router's PPP
 * template overrides the context's defaults field by field (methods, echo,
 * re-challenge, MRU, addresses, DNS/NBNS, challenge name, user tag);
 * PPP_TIMER_OFF and PPP_ADDR_NONE switch off what the context sets; bad
 * templates are refused; and ppp_session_get_info reports the result.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_config_register(void);

static struct harness H;

/* Replaces the harness's server session by one made from tmpl. */
static void
server_from(const struct ppp_session_config *tmpl)
{
	uint8_t out[PPP_MAX_FRAME];
	size_t len;

	ppp_session_free(H.srv.sess);
	while (ppp_next_output(H.srv.ctx, out, sizeof(out), &len, NULL,
	    NULL) == PPP_OK)
		;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.srv.ctx, H.now,
	    PPP_ROLE_SERVER, tmpl, &H.srv.sess), PPP_OK);
}

static void
tmpl_init(struct ppp_session_config *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
}

/* The context says PAP; the template says MS-CHAPv2, and wins. */
static void
test_auth_override(void)
{
	struct ppp_config sc, cc;
	struct ppp_session_config t;
	struct ppp_session_info info;

	h_config(&sc, PPP_AUTH_PAP);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	H.password = "pw";
	tmpl_init(&t);
	t.auth[0] = PPP_AUTH_MSCHAPV2;
	t.n_auth = 1;
	t.user = 5;
	server_from(&t);
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.srv.ip_up);
	CU_ASSERT_EQUAL(H.srv.last_user, 5);
	CU_ASSERT_EQUAL(ppp_session_get_info(H.srv.sess, H.now, &info), 0);
	CU_ASSERT_EQUAL(info.auth_method, PPP_AUTH_MSCHAPV2);
	CU_ASSERT_TRUE(info.authenticated);
	CU_ASSERT_STRING_EQUAL(info.auth_name, "erin");
	CU_ASSERT_EQUAL(info.user, 5);
	CU_ASSERT_EQUAL(info.role, PPP_ROLE_SERVER);
	CU_ASSERT_EQUAL(info.phase, PPP_PHASE_NETWORK);
	CU_ASSERT_STRING_EQUAL(info.lcp_state, "Opened");
	CU_ASSERT_STRING_EQUAL(info.ipcp_state, "Opened");
	CU_ASSERT_EQUAL(info.peer_addr, 0x0a000064);
	CU_ASSERT_EQUAL(info.local_addr, 0x0a000001);
	CU_ASSERT_EQUAL(info.dns[0], 0x0a000035);
	CU_ASSERT_FALSE(info.down);
	CU_ASSERT(info.ip_up_ns != 0);
	CU_ASSERT_EQUAL(ppp_session_get_info(H.cli.sess, H.now, &info), 0);
	CU_ASSERT_STRING_EQUAL(info.auth_name, "erin");	/* ours */
	CU_ASSERT_EQUAL(info.role, PPP_ROLE_CLIENT);
	CU_ASSERT_EQUAL(ppp_session_get_info(NULL, H.now, &info),
	    PPP_E_INVAL);
	h_free(&H);
	/* The single entry NONE: this range does not authenticate. */
	h_config(&sc, PPP_AUTH_CHAP_MD5);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	tmpl_init(&t);
	t.auth[0] = PPP_AUTH_NONE;
	t.n_auth = 1;
	server_from(&t);
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.srv.ip_up);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 0);
	h_free(&H);
}

/* Echo, re-challenge, MRU and the addresses from the template; the
 * context's echo and DNS switched off by PPP_TIMER_OFF / PPP_ADDR_NONE. */
static void
test_template_fields(void)
{
	struct ppp_config sc, cc;
	struct ppp_session_config t;
	struct ppp_session_info info;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	sc.echo_interval_ns = 30 * NS_PER_S;
	sc.nbns[0] = 0x0a000089;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	H.password = "pw";
	tmpl_init(&t);
	t.echo_interval_ns = PPP_TIMER_OFF;
	t.rechallenge_ns = 45 * NS_PER_S;
	t.mru = 1400;
	t.local_addr = 0xc0a80001;
	t.dns[0] = 0xc0a80035;
	t.dns[1] = PPP_ADDR_NONE;
	t.nbns[0] = PPP_ADDR_NONE;
	server_from(&t);
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.cli.ip_up);
	CU_ASSERT_EQUAL(H.cli.ip.peer_addr, 0xc0a80001);
	CU_ASSERT_EQUAL(H.cli.ip.dns[0], 0xc0a80035);
	CU_ASSERT_EQUAL(H.cli.ip.dns[1], 0);	/* rejected: none */
	CU_ASSERT_EQUAL(ppp_session_get_info(H.srv.sess, H.now, &info), 0);
	CU_ASSERT_EQUAL(info.nbns[0], 0);	/* the context's, switched off */
	CU_ASSERT_EQUAL(info.dns[1], 0);
	CU_ASSERT_EQUAL(info.local_mru, 1400);
	CU_ASSERT_EQUAL(info.echo_interval_ns, 0);
	CU_ASSERT_EQUAL(H.srv.sess->echo_timer, UINT64_MAX);
	CU_ASSERT_EQUAL(H.srv.sess->rechallenge_timer, H.srv.sess->now +
	    45 * NS_PER_S);
	CU_ASSERT_EQUAL(H.cli.sess->peer_mru, 1400);
	h_free(&H);
	/* The other way: the context has no echo, the template does. */
	h_config(&sc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	tmpl_init(&t);
	t.echo_interval_ns = 5 * NS_PER_S;
	t.echo_max_misses = 2;
	server_from(&t);
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	CU_ASSERT_EQUAL(ppp_session_get_info(H.srv.sess, H.now, &info), 0);
	CU_ASSERT_EQUAL(info.echo_interval_ns, 5 * NS_PER_S);
	CU_ASSERT_EQUAL(info.echo_max_misses, 2);
	CU_ASSERT_EQUAL(info.echo_outstanding, 0);
	/* The peer goes silent: 2 misses, down in 3 intervals. */
	H.drop_pct = 100;
	{
		uint64_t t0 = H.now;

		while (!H.srv.down && H.now < t0 + 60 * NS_PER_S) {
			H.now = ppp_next_timeout(H.srv.ctx);
			CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now),
			    0);
			h_pump(&H);
			if (!H.srv.down) {
				CU_ASSERT_EQUAL(ppp_session_get_info(
				    H.srv.sess, H.now, &info), 0);
				CU_ASSERT_EQUAL(info.echo_outstanding, 1);
			}
		}
		CU_ASSERT_TRUE(H.srv.down);
		CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_ECHO_TIMEOUT);
		CU_ASSERT_EQUAL(H.now - t0, 3 * 5 * NS_PER_S);
	}
	h_free(&H);
}

/* The template's challenge name is in the Challenge; equal to the
 * context's, it costs no memory. */
static void
test_challenge_name(void)
{
	struct ppp_config sc, cc;
	struct ppp_session_config t;
	uint8_t out[PPP_MAX_FRAME];
	size_t len;
	bool seen = false;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	tmpl_init(&t);
	t.name = "gw";
	server_from(&t);
	CU_ASSERT_PTR_NULL(H.srv.sess->name);
	t.name = "branch-7";
	server_from(&t);
	CU_ASSERT_PTR_NOT_NULL(H.srv.sess->name);
	/* Open LCP both ways, then find the Challenge. */
	H.hold_auth = true;
	h_pump(&H);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	seen = memcmp(H.pending.challenge, H.srv.sess->challenge, 16) == 0;
	CU_ASSERT_TRUE(seen);
	h_free(&H);
	/* Look at the frame itself this time. */
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	server_from(&t);
	{
		struct ppp_rx rx;

		/* Ack its request, send an empty one: LCP opens. */
		CU_ASSERT_EQUAL(h_out(H.srv.ctx, out, sizeof(out), &len),
		    PPP_OK);
		out[4] = CODE_CONFACK;
		CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, out, len,
		    &rx), PPP_OK);
		len = ts_hex2bin(out, sizeof(out), "c021 01 01 0004");
		CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, out, len,
		    &rx), PPP_OK);
	}
	seen = false;
	while (h_out(H.srv.ctx, out, sizeof(out), &len) == PPP_OK)
		if (get16(out + 2) == PROTO_CHAP && out[4] == 1 &&
		    len == 4 + 4 + 1 + 16 + 8 &&
		    memcmp(out + 4 + 4 + 1 + 16, "branch-7", 8) == 0)
			seen = true;
	CU_ASSERT_TRUE(seen);
	h_free(&H);
}

/* Client templates: only "none", or a method or none. */
static void
test_client_lists(void)
{
	struct ppp_config sc, cc;
	struct ppp_session_config c;

	/* A client that accepts only "no authentication" refuses CHAP:
	 * it Rejects the option, the server has nothing else. */
	h_config(&sc, PPP_AUTH_CHAP_MD5);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	ppp_session_free(H.cli.sess);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.auth[0] = PPP_AUTH_NONE;
	c.n_auth = 1;
	c.username = "erin";
	c.username_len = 4;
	c.password = "pw";
	c.password_len = 2;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.cli.ctx, H.now,
	    PPP_ROLE_CLIENT, &c, &H.cli.sess), PPP_OK);
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_NO_COMMON_AUTH);
	CU_ASSERT_FALSE(H.cli.ip_up);
	h_free(&H);
	/* MS-CHAPv2 or none: a server asking for none is accepted (with
	 * MS-CHAPv2 alone it is refused, see test_client_requires_auth). */
	h_config(&sc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "erin", "pw"), 0);
	ppp_session_free(H.cli.sess);
	c.auth[0] = PPP_AUTH_MSCHAPV2;
	c.auth[1] = PPP_AUTH_NONE;
	c.n_auth = 2;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.cli.ctx, H.now,
	    PPP_ROLE_CLIENT, &c, &H.cli.sess), PPP_OK);
	h_run(&H, 50);
	CU_ASSERT_TRUE(H.cli.ip_up);
	CU_ASSERT_FALSE(H.cli.down);
	h_free(&H);
}

static void
test_bad_templates(void)
{
	struct ppp_config sc;
	struct ppp_session_config t;
	struct ppp_session *s = NULL;
	char longname[PPP_MAX_NAME + 2];

	memset(&H, 0, sizeof(H));
	ts_rng_init(&H.rng, 2);
	ts_alloc_init(&H.alloc);
	ts_log_init(&H.log);
	h_hooks(&H);
	h_config(&sc, PPP_AUTH_PAP);
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&H.srv.ctx, &sc, &H.hooks), 0);
	tmpl_init(&t);
	t.size = sizeof(t) + 1;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, &t, &s),
	    PPP_E_INVAL);
	tmpl_init(&t);
	t.mru = 127;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, &t, &s),
	    PPP_E_INVAL);
	tmpl_init(&t);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	t.name = longname;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, &t, &s),
	    PPP_E_INVAL);
	/* A server cannot propose "none" among methods. */
	tmpl_init(&t);
	t.auth[0] = PPP_AUTH_PAP;
	t.auth[1] = PPP_AUTH_NONE;
	t.n_auth = 2;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, &t, &s),
	    PPP_E_INVAL);
	t.auth[1] = PPP_AUTH_PAP;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, &t, &s),
	    PPP_E_INVAL);
	/* Client credentials. */
	tmpl_init(&t);
	t.username = "u";
	t.username_len = PPP_MAX_NAME + 1;
	t.password = "p";
	t.password_len = 1;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_CLIENT, &t, &s),
	    PPP_E_INVAL);
	t.username_len = 1;
	t.password_len = PPP_MAX_SECRET + 1;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_CLIENT, &t, &s),
	    PPP_E_INVAL);
	t.password = NULL;
	t.password_len = 0;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_CLIENT, &t, &s),
	    PPP_E_INVAL);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(H.srv.ctx->n_sess, 0);
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

void
test_config_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_config", NULL, NULL);

	CU_add_test(s, "template methods over the context's",
	    test_auth_override);
	CU_add_test(s, "template echo, MRU, addresses, off switches",
	    test_template_fields);
	CU_add_test(s, "template challenge name", test_challenge_name);
	CU_add_test(s, "client method lists with none", test_client_lists);
	CU_add_test(s, "bad templates refused", test_bad_templates);
}
