/*
 * test_auth.c - the authentication phase shared by the methods (auth.c):
 * the deadline of an unanswered AUTH_REQUEST (auth_timeout_ns), the
 * MS-CHAPv2 E= code and the message text an application relays (e.g. from
 * RADIUS), their sanitising, and what the client reports of them.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_auth_register(void);

static struct harness H;

/* Server and client up to the pending AUTH_REQUEST. */
static void
pending(enum ppp_auth_method m, uint64_t auth_timeout_ns)
{
	struct ppp_config sc, cc;

	h_config(&sc, m);
	sc.auth_timeout_ns = auth_timeout_ns;
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	h_pump(&H);
	CU_ASSERT_EQUAL_FATAL(H.srv.auth_requests, 1);
}

/* Answers the pending request; returns auth_reply's code. */
static int
answer(bool accept, uint16_t e, const char *msg)
{
	struct ppp_auth_result res;
	int rc;

	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	if (accept)
		CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending,
		    "pw", 2, &res), 0);
	res.accept = accept;
	res.mschap_error = e;
	res.message = msg;
	rc = ppp_session_auth_reply(H.srv.sess, H.now, &res);
	H.hold_auth = false;
	memset(&H.pending, 0, sizeof(H.pending));
	return rc;
}

/* The verdict frame the server queued (first CHAP/PAP frame). */
static size_t
verdict(uint8_t *out, size_t cap)
{
	size_t len;

	while (h_out(H.srv.ctx, out, cap, &len) == PPP_OK)
		if (get16(out + 2) == PROTO_CHAP || get16(out + 2) == PROTO_PAP)
			return len;
	return 0;
}

static void
test_deadline(void)
{
	struct ppp_stats st;
	uint64_t t0;
	size_t lines;

	pending(PPP_AUTH_MSCHAPV2, 0);
	t0 = H.now;
	/* Default: 30 s, and it is the session's next timer. */
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), t0 + 30 * NS_PER_S);
	H.now = t0 + 30 * NS_PER_S - 1;
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), PPP_OK);
	h_pump(&H);
	CU_ASSERT_FALSE(H.srv.down);
	H.now = t0 + 30 * NS_PER_S;
	lines = H.log.lines;
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), PPP_OK);
	CU_ASSERT(H.log.lines > lines);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.auth_timeout, 1);
	CU_ASSERT_EQUAL(st.auth_fail, 1);
	h_run(&H, 10);
	CU_ASSERT_TRUE(H.srv.auth_done);
	CU_ASSERT_FALSE(H.srv.auth_ok);
	CU_ASSERT_EQUAL(H.srv.auth_error, 691);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_AUTH_FAILED);
	/* The client was told (MS-CHAPv2 Failure, E=691). */
	CU_ASSERT_TRUE(H.cli.auth_done);
	CU_ASSERT_FALSE(H.cli.auth_ok);
	CU_ASSERT_EQUAL(H.cli.auth_error, 691);
	CU_ASSERT_TRUE(H.cli.down);
	/* The late answer is refused. */
	H.hold_auth = true;
	CU_ASSERT_EQUAL(answer(true, 0, NULL), PPP_E_STATE);
	h_free(&H);
	/* Answered in time with a short deadline: fine. */
	pending(PPP_AUTH_PAP, 5 * NS_PER_S);
	CU_ASSERT_EQUAL(ppp_next_timeout(H.srv.ctx), H.now + 5 * NS_PER_S);
	H.now += 5 * NS_PER_S - 1;
	CU_ASSERT_EQUAL(ppp_handle_timeout(H.srv.ctx, H.now), PPP_OK);
	CU_ASSERT_EQUAL(answer(true, 0, NULL), PPP_OK);
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.cli.ip_up);
	CU_ASSERT_FALSE(H.srv.down);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.auth_timeout, 0);
	h_free(&H);
}

/* LCP renegotiation while the application verifies, and no answer ever
 * comes: the deadline of the abandoned request still ends the link. */
static void
test_deadline_abandoned(void)
{
	uint8_t f[] = { 0xc0, 0x21, 1, 0x77, 0, 4 };
	struct ppp_stats st;

	pending(PPP_AUTH_CHAP_MD5, 10 * NS_PER_S);
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, sizeof(f)), 0);
	h_pump(&H);
	CU_ASSERT_EQUAL(H.srv.sess->lcp.state, ST_OPENED);
	CU_ASSERT_EQUAL(H.srv.sess->stale_reply, 1);
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_AUTH_FAILED);
	CU_ASSERT(H.now >= 1000000000ULL + 10 * NS_PER_S);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.auth_timeout, 1);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
}

/* A RADIUS Access-Reject relayed: E=648 and its text reach the client. */
static void
test_mschap_error_relay(void)
{
	uint8_t out[PPP_MAX_FRAME];
	char want[160], chx[33];
	size_t len, i;

	pending(PPP_AUTH_MSCHAPV2, 0);
	CU_ASSERT_EQUAL(answer(false, 648, "Password expired"), PPP_OK);
	len = verdict(out, sizeof(out));
	CU_ASSERT_FATAL(len > 8);
	CU_ASSERT_EQUAL(out[4], 4);	/* Failure */
	for (i = 0; i < 16; i++)
		snprintf(chx + 2 * i, 3, "%02X", H.srv.sess->challenge[i]);
	snprintf(want, sizeof(want), "E=648 R=0 C=%s V=3 M=Password expired",
	    chx);
	TS_ASSERT_BYTES("Failure message", out + 8, len - 8, want,
	    strlen(want));
	CU_ASSERT_EQUAL(h_input(&H, &H.cli, out, len), 0);
	h_events(&H, &H.srv, true);
	h_events(&H, &H.cli, false);
	CU_ASSERT_EQUAL(H.srv.auth_error, 648);
	CU_ASSERT_TRUE(H.cli.auth_done);
	CU_ASSERT_FALSE(H.cli.auth_ok);
	CU_ASSERT_EQUAL(H.cli.auth_error, 648);
	CU_ASSERT_STRING_EQUAL(H.cli.auth_message, "Password expired");
	CU_ASSERT_TRUE(H.cli.down);
	h_free(&H);
	/* Defaults: E=691, "Access denied". */
	pending(PPP_AUTH_MSCHAPV2, 0);
	CU_ASSERT_EQUAL(answer(false, 0, NULL), PPP_OK);
	h_run(&H, 10);
	CU_ASSERT_EQUAL(H.cli.auth_error, 691);
	CU_ASSERT_STRING_EQUAL(H.cli.auth_message, "Access denied");
	h_free(&H);
}

/* Success messages reach the client for every method, sanitised. */
static void
test_success_messages(void)
{
	static const enum ppp_auth_method m[] = { PPP_AUTH_PAP,
	    PPP_AUTH_CHAP_MD5, PPP_AUTH_MSCHAPV2 };
	size_t i;

	for (i = 0; i < 3; i++) {
		pending(m[i], 0);
		CU_ASSERT_EQUAL(answer(true, 0, "Welcome, J\xc3\xbcrgen\n\x01"
		    "\xff!"), PPP_OK);
		h_run(&H, 20);
		CU_ASSERT_TRUE(H.cli.auth_ok);
		CU_ASSERT_TRUE(H.cli.ip_up);
		/* UTF-8 kept; control characters and a stray byte: '?'. */
		CU_ASSERT_STRING_EQUAL(H.cli.auth_message,
		    "Welcome, J\xc3\xbcrgen??" "?!");
		h_free(&H);
	}
	/* Without a message: the default text. */
	pending(PPP_AUTH_CHAP_MD5, 0);
	CU_ASSERT_EQUAL(answer(true, 0, NULL), PPP_OK);
	h_run(&H, 20);
	CU_ASSERT_STRING_EQUAL(H.cli.auth_message, "Access granted");
	h_free(&H);
}

/* A duplicate Response after Success gets the same Success, message
 * included (RFC 1994 §4.2). */
static void
test_verdict_repeated(void)
{
	uint8_t out[PPP_MAX_FRAME], first[PPP_MAX_FRAME], resp[PPP_MAX_FRAME];
	size_t len, flen, rlen = 0;

	pending(PPP_AUTH_MSCHAPV2, 0);
	/* The client's Response, kept to be replayed. */
	{
		struct client_creds *c = H.cli.sess->creds;

		resp[rlen++] = 0xc2;
		resp[rlen++] = 0x23;
		resp[rlen++] = 2;
		resp[rlen++] = H.srv.sess->auth_id;
		put16(resp + rlen, (uint16_t)(4 + 1 + 49 + c->user_len));
		rlen += 2;
		resp[rlen++] = 49;
		memcpy(resp + rlen, c->last_resp, 49);
		rlen += 49;
		memcpy(resp + rlen, c->user, c->user_len);
		rlen += c->user_len;
	}
	CU_ASSERT_EQUAL(answer(true, 0, "Hi"), PPP_OK);
	flen = verdict(first, sizeof(first));
	CU_ASSERT_FATAL(flen > 8);
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, resp, rlen), PPP_E_DUPLICATE);
	len = verdict(out, sizeof(out));
	TS_ASSERT_BYTES("repeated Success", out, len, first, flen);
	CU_ASSERT(memcmp(first + flen - 5, " M=Hi", 5) == 0);
	h_free(&H);
}

/* The text helper: UTF-8 kept, controls and invalid bytes '?', cut at a
 * character boundary. */
static void
test_sanitize(void)
{
	char out[PPP_MAX_MESSAGE + 1], in[300];
	size_t n;

	n = ppp_sanitize_text(out, sizeof(out), (const uint8_t *)"a\tb", 3);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_STRING_EQUAL(out, "a?b");
	/* Overlong NUL (C0 80) and a surrogate (ED A0 80) are invalid. */
	n = ppp_sanitize_text(out, sizeof(out),
	    (const uint8_t *)"\xc0\x80x\xed\xa0\x80", 6);
	CU_ASSERT_STRING_EQUAL(out, "??x???");
	CU_ASSERT_EQUAL(n, 6);
	/* 127 bytes then a 2-byte character: the character does not fit. */
	memset(in, 'x', 127);
	memcpy(in + 127, "\xc3\xa9", 2);
	n = ppp_sanitize_text(out, sizeof(out), (const uint8_t *)in, 129);
	CU_ASSERT_EQUAL(n, 127);
	CU_ASSERT_EQUAL(strlen(out), 127);
	memset(in, 'y', sizeof(in));
	n = ppp_sanitize_text(out, sizeof(out), (const uint8_t *)in,
	    sizeof(in));
	CU_ASSERT_EQUAL(n, PPP_MAX_MESSAGE);
	n = ppp_sanitize_text(out, 1, (const uint8_t *)in, 5);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(out[0], '\0');
}

void
test_auth_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_auth", NULL, NULL);

	CU_add_test(s, "auth_timeout_ns: unanswered request fails",
	    test_deadline);
	CU_add_test(s, "deadline of a request abandoned by renegotiation",
	    test_deadline_abandoned);
	CU_add_test(s, "MS-CHAPv2 E= code and message relayed",
	    test_mschap_error_relay);
	CU_add_test(s, "success messages, every method",
	    test_success_messages);
	CU_add_test(s, "a repeated verdict is the same verdict",
	    test_verdict_repeated);
	CU_add_test(s, "message sanitising", test_sanitize);
}
