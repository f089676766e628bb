/*
 * test_queue.c - the context's output and event queues (queue.c): frames
 * and events of many sessions leave in order with their session and tag;
 * each session's share and the context's cap are enforced (counted,
 * logged); LINK_DOWN needs neither; a freed session takes its entries
 * with it.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_queue_register(void);

static struct harness H;

static void
setup(struct ppp_config *cfg)
{
	memset(&H, 0, sizeof(H));
	ts_rng_init(&H.rng, 9);
	ts_alloc_init(&H.alloc);
	ts_log_init(&H.log);
	h_hooks(&H);
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&H.srv.ctx, cfg, &H.hooks), PPP_OK);
}

static struct ppp_session *
server(uint64_t user)
{
	struct ppp_session_config sc;
	struct ppp_session *s = NULL;

	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.user = user;
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, &sc,
	    &s), PPP_OK);
	return s;
}

static void
test_order_and_tags(void)
{
	struct ppp_config cfg;
	struct ppp_session *s[5], *from;
	uint8_t out[PPP_MAX_FRAME];
	uint64_t user;
	size_t len;
	int i;

	h_config(&cfg, PPP_AUTH_NONE);
	setup(&cfg);
	for (i = 0; i < 5; i++)
		s[i] = server(100 + (uint64_t)i);
	/* Session 2 gets a second frame (Terminate-Request) after all. */
	CU_ASSERT_EQUAL(ppp_session_close(s[2], 0), PPP_OK);
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(ppp_next_output(H.srv.ctx, out, sizeof(out),
		    &len, &from, &user), PPP_OK);
		CU_ASSERT_PTR_EQUAL(from, s[i]);
		CU_ASSERT_EQUAL(user, 100 + (uint64_t)i);
		CU_ASSERT_EQUAL(out[4], CODE_CONFREQ);
	}
	CU_ASSERT_EQUAL(ppp_next_output(H.srv.ctx, out, sizeof(out), &len,
	    &from, &user), PPP_OK);
	CU_ASSERT_PTR_EQUAL(from, s[2]);
	CU_ASSERT_EQUAL(out[4], CODE_TERMREQ);
	CU_ASSERT_EQUAL(ppp_next_output(H.srv.ctx, out, sizeof(out), &len,
	    &from, &user), PPP_E_AGAIN);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(ppp_next_output(NULL, out, sizeof(out), &len, NULL,
	    NULL), PPP_E_INVAL);
	CU_ASSERT_EQUAL(ppp_next_output(H.srv.ctx, NULL, 0, &len, NULL, NULL),
	    PPP_E_INVAL);
	/* The LINK_DOWN of session 2, with its current tag. */
	CU_ASSERT_EQUAL(ppp_session_set_user(s[2], 777), PPP_OK);
	CU_ASSERT_EQUAL(ppp_session_user(s[2]), 777);
	{
		struct ppp_event ev;

		CU_ASSERT_TRUE(ppp_next_event(H.srv.ctx, &ev));
		CU_ASSERT_EQUAL(ev.type, PPP_EV_LINK_DOWN);
		CU_ASSERT_EQUAL(ev.reason, PPP_DOWN_LOCAL_CLOSE);
		CU_ASSERT_PTR_EQUAL(ev.sess, s[2]);
		CU_ASSERT_EQUAL(ev.user, 777);
		CU_ASSERT_FALSE(ppp_next_event(H.srv.ctx, &ev));
	}
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/* One session cannot take more than its share of the output queue. */
static void
test_output_share(void)
{
	struct ppp_config cfg;
	struct ppp_session *a, *b;
	struct ppp_stats st;
	uint8_t out[PPP_MAX_FRAME], echo[16];
	struct ppp_rx rx;
	size_t len, n, na = 0, nb = 0, lines;
	struct ppp_session *from;
	int i, rc;

	h_config(&cfg, PPP_AUTH_NONE);
	cfg.max_output = 2;
	setup(&cfg);
	a = server(1);
	b = server(2);
	/* Open a's LCP by hand so it answers Echo-Requests. */
	while (ppp_next_output(H.srv.ctx, out, sizeof(out), &len, &from,
	    NULL) == PPP_OK)
		if (from == a) {
			out[4] = CODE_CONFACK;
			CU_ASSERT_EQUAL(ppp_session_input(a, 0, out, len, &rx),
			    PPP_OK);
		}
	n = ts_hex2bin(echo, sizeof(echo), "c021 01 01 0004");
	CU_ASSERT_EQUAL(ppp_session_input(a, 0, echo, n, &rx), PPP_OK);
	CU_ASSERT_EQUAL(a->lcp.state, ST_OPENED);
	while (ppp_next_output(H.srv.ctx, out, sizeof(out), &len, NULL,
	    NULL) == PPP_OK)
		;
	/* b still has its Configure-Request queued once we are done. */
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, 3 * NS_PER_S), PPP_OK);
	n = ts_hex2bin(echo, sizeof(echo), "c021 09 05 0008 00000000");
	lines = H.log.lines;
	/* a's IPCP retransmission took one slot of its share at 3 s. */
	CU_ASSERT_EQUAL(a->out.n, 1);
	for (i = 0; i < 4; i++) {
		rc = ppp_session_input(a, 3 * NS_PER_S, echo, n, &rx);
		CU_ASSERT_EQUAL(rc, i == 0 ? PPP_OK : PPP_E_QUEUE_FULL);
	}
	CU_ASSERT(H.log.lines > lines);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.queue_full, 3);
	while (ppp_next_output(H.srv.ctx, out, sizeof(out), &len, &from,
	    NULL) == PPP_OK) {
		if (from == a)
			na++;
		else if (from == b)
			nb++;
	}
	CU_ASSERT_EQUAL(na, 2);		/* the share */
	CU_ASSERT_EQUAL(nb, 1);		/* b's retransmission got through */
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/* The context's cap: the first Configure-Request of a new session does
 * not fit, so the session is refused. */
static void
test_output_ctx_cap(void)
{
	struct ppp_config cfg;
	struct ppp_session *s = NULL;
	struct ppp_stats st;
	uint8_t out[PPP_MAX_FRAME];
	size_t len;
	int i;

	h_config(&cfg, PPP_AUTH_NONE);
	cfg.ctx_max_output = 3;
	setup(&cfg);
	for (i = 0; i < 3; i++)
		(void)server((uint64_t)i);
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, NULL,
	    &s), PPP_E_QUEUE_FULL);
	CU_ASSERT_PTR_NULL(s);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.queue_full, 1);
	CU_ASSERT_EQUAL(st.sessions_live, 3);
	/* Drained, it fits again. */
	CU_ASSERT_EQUAL(ppp_next_output(H.srv.ctx, out, sizeof(out), &len,
	    NULL, NULL), PPP_OK);
	CU_ASSERT_EQUAL(ppp_session_new(H.srv.ctx, 0, PPP_ROLE_SERVER, NULL,
	    &s), PPP_OK);
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/*
 * Events: a session's share (max_events) and the context's cap are
 * enforced, and LINK_DOWN still arrives, last, after the dropped ones.
 */
static void
test_event_caps(void)
{
	struct ppp_config cfg;
	struct ppp_session *s[3];
	struct ppp_event ev;
	struct ppp_stats st;
	int i, n = 0, down = 0;

	h_config(&cfg, PPP_AUTH_NONE);
	cfg.max_events = 1;
	cfg.ctx_max_events = 2;
	setup(&cfg);
	for (i = 0; i < 3; i++)
		s[i] = server((uint64_t)i);
	/* Fill by hand: the queue module is what is tested here. */
	CU_ASSERT_PTR_NOT_NULL(ppp_sess_event(s[0], PPP_EV_LINK_UP));
	CU_ASSERT_PTR_NULL(ppp_sess_event(s[0], PPP_EV_IP_UP));	/* share */
	CU_ASSERT_PTR_NOT_NULL(ppp_sess_event(s[1], PPP_EV_LINK_UP));
	CU_ASSERT_PTR_NULL(ppp_sess_event(s[2], PPP_EV_LINK_UP));	/* ctx */
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.queue_full, 2);
	/* Every session can still go down, queues full or not. */
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(ppp_session_close(s[i], 0), PPP_OK);
	/* Nothing after LINK_DOWN. */
	CU_ASSERT_PTR_NULL(ppp_sess_event(s[0], PPP_EV_LINK_UP));
	while (ppp_next_event(H.srv.ctx, &ev)) {
		n++;
		if (ev.type == PPP_EV_LINK_DOWN)
			down++;
		else
			CU_ASSERT_EQUAL(down, 0);	/* queued before */
	}
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(down, 3);
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/* A freed session takes its frames and events out of the context's queues;
 * the other sessions' stay, in order. */
static void
test_free_drops_own(void)
{
	struct ppp_config cfg;
	struct ppp_session *s[4], *from;
	struct ppp_event ev;
	uint8_t out[PPP_MAX_FRAME];
	size_t len;
	int i, n = 0;

	h_config(&cfg, PPP_AUTH_NONE);
	setup(&cfg);
	for (i = 0; i < 4; i++)
		s[i] = server(10 + (uint64_t)i);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(ppp_session_close(s[i], 0), PPP_OK);
	ppp_session_free(s[1]);
	ppp_session_free(s[3]);
	CU_ASSERT_EQUAL(H.srv.ctx->out.n, 4);
	CU_ASSERT_EQUAL(H.srv.ctx->ev.n, 2);
	while (ppp_next_output(H.srv.ctx, out, sizeof(out), &len, &from,
	    NULL) == PPP_OK) {
		CU_ASSERT_PTR_EQUAL(from, s[n < 2 ? 2 * n : 2 * (n - 2)]);
		n++;
	}
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_TRUE(ppp_next_event(H.srv.ctx, &ev));
	CU_ASSERT_PTR_EQUAL(ev.sess, s[0]);
	CU_ASSERT_TRUE(ppp_next_event(H.srv.ctx, &ev));
	CU_ASSERT_PTR_EQUAL(ev.sess, s[2]);
	CU_ASSERT_FALSE(ppp_next_event(H.srv.ctx, &ev));
	ppp_session_free(s[0]);
	ppp_session_free(s[2]);
	CU_ASSERT_EQUAL(H.srv.ctx->n_sess, 0);
	ppp_ctx_free(H.srv.ctx);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/* The events of a full negotiation carry the right session and tag when
 * two sessions of one context negotiate at the same time. */
static void
test_two_sessions_one_ctx(void)
{
	struct ppp_config sc, cc;
	struct ppp_session_config c2;
	struct ppp_session *srv2, *cli2, *from;
	struct ppp_event ev;
	struct ppp_rx rx;
	uint8_t out[PPP_MAX_FRAME];
	size_t len;
	int up1 = 0, up2 = 0, round, rc;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "alice", "pw"), 0);
	CU_ASSERT_EQUAL(ppp_session_set_user(H.srv.sess, 1), 0);
	CU_ASSERT_EQUAL(ppp_session_set_user(H.cli.sess, 1), 0);
	memset(&c2, 0, sizeof(c2));
	c2.size = sizeof(c2);
	c2.user = 2;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.srv.ctx, H.now,
	    PPP_ROLE_SERVER, &c2, &srv2), PPP_OK);
	c2.username = "bob";
	c2.username_len = 3;
	c2.password = "pw";
	c2.password_len = 2;
	CU_ASSERT_EQUAL_FATAL(ppp_session_new(H.cli.ctx, H.now,
	    PPP_ROLE_CLIENT, &c2, &cli2), PPP_OK);
	for (round = 0; round < 20; round++) {
		while (ppp_next_output(H.srv.ctx, out, sizeof(out), &len,
		    &from, NULL) == PPP_OK) {
			rc = ppp_session_input(from == srv2 ? cli2 : H.cli.sess,
			    H.now, out, len, &rx);
			CU_ASSERT(rc == PPP_OK || rc == PPP_E_DUPLICATE);
		}
		while (ppp_next_output(H.cli.ctx, out, sizeof(out), &len,
		    &from, NULL) == PPP_OK) {
			rc = ppp_session_input(from == cli2 ? srv2 : H.srv.sess,
			    H.now, out, len, &rx);
			CU_ASSERT(rc == PPP_OK || rc == PPP_E_DUPLICATE);
		}
		while (ppp_next_event(H.srv.ctx, &ev)) {
			CU_ASSERT_EQUAL(ev.user, ev.sess == srv2 ? 2 : 1);
			if (ev.type == PPP_EV_AUTH_REQUEST) {
				struct ppp_auth_result res;

				memset(&res, 0, sizeof(res));
				res.size = sizeof(res);
				CU_ASSERT_EQUAL(ppp_auth_check_password(
				    H.srv.ctx, &ev.auth, "pw", 2, &res), 0);
				res.peer_addr = ev.user == 2 ? 0x0a000002 :
				    0x0a000001 + 0x100;
				CU_ASSERT_EQUAL(ppp_session_auth_reply(ev.sess,
				    H.now, &res), 0);
			}
			ppp_event_wipe(&ev);
		}
		while (ppp_next_event(H.cli.ctx, &ev)) {
			CU_ASSERT_EQUAL(ev.user, ev.sess == cli2 ? 2 : 1);
			if (ev.type == PPP_EV_IP_UP) {
				if (ev.user == 2) {
					up2++;
					CU_ASSERT_EQUAL(ev.ip.local_addr,
					    0x0a000002);
				} else
					up1++;
			}
		}
	}
	CU_ASSERT_EQUAL(up1, 1);
	CU_ASSERT_EQUAL(up2, 1);
	/* ppp_ctx_free frees srv2 and cli2. */
	h_free(&H);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

void
test_queue_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_queue", NULL, NULL);

	CU_add_test(s, "frames in order with session and tag",
	    test_order_and_tags);
	CU_add_test(s, "a session's share of the output queue",
	    test_output_share);
	CU_add_test(s, "the context's output cap", test_output_ctx_cap);
	CU_add_test(s, "event share, context cap, LINK_DOWN always",
	    test_event_caps);
	CU_add_test(s, "a freed session drops its own entries",
	    test_free_drops_own);
	CU_add_test(s, "two sessions in one context", test_two_sessions_one_ctx);
}
