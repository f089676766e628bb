/*
 * test_mschapv2.c - MS-CHAPv2 messages (mschapv2.c): the Success and
 * Failure the authenticator sends (default texts, byte for byte as before
 * API 1.0), where the client finds the M= text, and the Reserved / Flags
 * check of a Response.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_mschapv2_register(void);

static struct harness H;

static void
test_message_offsets(void)
{
	static const char *ok = "S=407A5589115FD0D6209F510FE9C04566932CDA56"
	    " M=Welcome home";
	static const char *fail = "E=648 R=0 "
	    "C=0123456789abcdef0123456789abcdef V=3 M=Password expired";
	uint8_t s[20], chal[16];
	size_t moff = 0;
	int e, r, v;

	CU_ASSERT_EQUAL(ppp_mschap_parse_success((const uint8_t *)ok,
	    strlen(ok), s, &moff), 0);
	CU_ASSERT_EQUAL(moff, 45);
	CU_ASSERT_STRING_EQUAL(ok + moff, "Welcome home");
	CU_ASSERT_EQUAL(ppp_mschap_parse_success((const uint8_t *)ok, 42, s,
	    &moff), 0);
	CU_ASSERT_EQUAL(moff, 42);	/* no message */
	/* " X=..." after S= is allowed, but is no message. */
	CU_ASSERT_EQUAL(ppp_mschap_parse_success((const uint8_t *)
	    "S=407A5589115FD0D6209F510FE9C04566932CDA56 X", 44, s, &moff), 0);
	CU_ASSERT_EQUAL(moff, 44);
	CU_ASSERT_EQUAL(ppp_mschap_parse_failure((const uint8_t *)fail,
	    strlen(fail), &e, &r, chal, &v, &moff), 0);
	CU_ASSERT_EQUAL(e, 648);
	CU_ASSERT_STRING_EQUAL(fail + moff, "Password expired");
	CU_ASSERT_EQUAL(ppp_mschap_parse_failure((const uint8_t *)fail,
	    strlen(fail) - 19, &e, &r, chal, &v, &moff), 0);
	CU_ASSERT_EQUAL(moff, strlen(fail) - 19);
}

/* The default verdicts are the strings libppp always sent. */
static void
test_default_verdicts(void)
{
	struct ppp_config sc, cc;
	char out[256], want[256];
	size_t n;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "hal", "pw"), 0);
	memset(H.srv.sess->auth_resp, 0xab, 20);
	memset(H.srv.sess->challenge, 0x01, 16);
	n = ppp_mschap_verdict(H.srv.sess, true, out, sizeof(out));
	snprintf(want, sizeof(want), "S=%s M=Access granted",
	    "ABABABABABABABABABABABABABABABABABABABAB");
	TS_ASSERT_BYTES("Success", out, n, want, strlen(want));
	n = ppp_mschap_verdict(H.srv.sess, false, out, sizeof(out));
	snprintf(want, sizeof(want), "E=691 R=0 C=%s V=3 M=Access denied",
	    "01010101010101010101010101010101");
	TS_ASSERT_BYTES("Failure", out, n, want, strlen(want));
	/* The longest message fits the buffer. */
	{
		char m[PPP_MAX_MESSAGE];

		memset(m, 'm', sizeof(m));
		CU_ASSERT_EQUAL(ppp_text_set(H.srv.ctx, &H.srv.sess->msg, m,
		    sizeof(m)), 0);
		H.srv.sess->verdict_error = 65535;
		n = ppp_mschap_verdict(H.srv.sess, false, out, sizeof(out));
		CU_ASSERT_EQUAL(n, strlen("E=65535 R=0 C= V=3 M=") + 32 +
		    PPP_MAX_MESSAGE);
	}
	h_free(&H);
	CU_ASSERT_EQUAL(H.alloc.live, 0);
}

/* RFC 2759 §4: Reserved must be zero, Flags zero. */
static void
test_reserved_flags(void)
{
	struct ppp_config sc, cc;
	struct ppp_stats st;
	uint8_t f[80];
	size_t n = 0;

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "hal", "pw"), 0);
	H.hold_auth = true;
	/* Open LCP by hand so the server challenges. */
	{
		uint8_t out[PPP_MAX_FRAME];
		size_t len;
		struct ppp_rx rx;

		CU_ASSERT_EQUAL(h_out(H.srv.ctx, out, sizeof(out), &len),
		    PPP_OK);
		out[4] = CODE_CONFACK;
		CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, out, len,
		    &rx), 0);
		len = ts_hex2bin(out, sizeof(out), "c021 01 01 0004");
		CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, out, len,
		    &rx), 0);
	}
	CU_ASSERT_EQUAL_FATAL(H.srv.sess->auth_state, AU_WAIT_RESPONSE);
	/* Response: value 49 bytes with a non-zero Reserved byte. */
	f[n++] = 0xc2;
	f[n++] = 0x23;
	f[n++] = 2;
	f[n++] = H.srv.sess->auth_id;
	put16(f + n, 4 + 1 + 49 + 3);
	n += 2;
	f[n++] = 49;
	memset(f + n, 0, 49);
	f[n + 16] = 1;			/* Reserved */
	n += 49;
	memcpy(f + n, "hal", 3);
	n += 3;
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, n), PPP_E_BAD_RESPONSE);
	f[6 + 1 + 16] = 0;
	f[6 + 49] = 1;			/* Flags, the value's last byte */
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, n), PPP_E_BAD_RESPONSE);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.bad_response, 2);
	f[6 + 49] = 0;
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, n), 0);
	h_events(&H, &H.srv, true);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
}

void
test_mschapv2_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_mschapv2", NULL, NULL);

	CU_add_test(s, "S= / E= message offsets", test_message_offsets);
	CU_add_test(s, "default Success / Failure strings",
	    test_default_verdicts);
	CU_add_test(s, "Response Reserved and Flags", test_reserved_flags);
}
