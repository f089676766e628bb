/*
 * test_input.c - the bad-input list of the issue: each class returns its
 * own error code, bumps its counter and logs one line, and leaves a
 * negotiated link usable (or takes it down cleanly where RFC 1661 says so).
 * Frames are hex strings: FF 03 | protocol | code id length | data.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_input_register(void);

static struct harness H;

/* Brings up a server and client with the given method. */
static void
up(enum ppp_auth_method m, bool hold)
{
	struct ppp_config sc, cc;

	h_config(&sc, m);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	H.password = "pw";
	H.hold_auth = hold;
	if (hold)
		h_pump(&H);	/* no time passes: nothing times out */
	else
		h_run(&H, 50);
	if (!hold)
		CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
}

/* The side a session belongs to (each has its own context). */
static struct h_side *
side_of(struct ppp_session *s)
{
	return s == H.srv.sess ? &H.srv : &H.cli;
}

#define CTX(s) (side_of(s)->ctx)

static int
inject(struct ppp_session *s, const char *hex)
{
	uint8_t buf[2048];
	size_t n = ts_hex2bin(buf, sizeof(buf), hex);

	CU_ASSERT_FATAL(n != (size_t)-1);
	return h_input(&H, side_of(s), buf, n);
}

/* The next frame the session's context queued: PPP_OK or PPP_E_AGAIN. */
static int
out_of(struct ppp_session *s, uint8_t *out, size_t cap, size_t *len)
{
	return h_out(CTX(s), out, cap, len);
}

/* Checks rc, that the counter moved by one and that a line was logged. */
#define EXPECT(S_, counter, err, call) do {				\
	struct ppp_stats b_, a_;					\
	size_t l_ = H.log.lines;					\
	int rc_;							\
	ppp_get_stats(CTX(S_), &b_);					\
	rc_ = (call);							\
	ppp_get_stats(CTX(S_), &a_);					\
	CU_ASSERT_EQUAL(rc_, (err));					\
	CU_ASSERT_EQUAL(a_.counter, b_.counter + 1);			\
	CU_ASSERT(H.log.lines > l_);					\
	if (rc_ != (err))						\
		printf("\n  %s: got %d (%s)", #call, rc_,		\
		    ppp_strerror(rc_));					\
} while (0)

/* After the bad input the link still carries IP. */
static void
still_up(void)
{
	uint8_t pkt[64];
	size_t flen;

	h_pump(&H);
	CU_ASSERT_FALSE(H.srv.down);
	CU_ASSERT_EQUAL(h_send_ip(&H.cli, pkt, sizeof(pkt), 20, &flen), 0);
	H.srv.ip_packets = 0;
	CU_ASSERT_EQUAL(h_input(&H, &H.srv, pkt, flen), 0);
	CU_ASSERT_EQUAL(H.srv.ip_packets, 1);
}

static void
test_framing(void)
{
	struct ppp_session *s;

	up(PPP_AUTH_CHAP_MD5, false);
	s = H.srv.sess;
	EXPECT(s, truncated, PPP_E_TRUNCATED, inject(s, ""));
	EXPECT(s, bad_frame, PPP_E_BAD_FRAME, inject(s, "ff"));
	EXPECT(s, bad_frame, PPP_E_BAD_FRAME, inject(s, "ff05c021"));
	EXPECT(s, truncated, PPP_E_TRUNCATED, inject(s, "ff03"));
	EXPECT(s, truncated, PPP_E_TRUNCATED, inject(s, "ff03c0"));
	/* c0 20: the low octet of a protocol number must be odd. */
	EXPECT(s, bad_frame, PPP_E_BAD_FRAME, inject(s, "ff03c020"));
	/* LCP with 3 bytes of header. */
	EXPECT(s, truncated, PPP_E_TRUNCATED, inject(s, "ff03c021090100"));
	/* Length field 3 < 4. */
	EXPECT(s, bad_length, PPP_E_BAD_LENGTH, inject(s, "c021 09 01 0003"));
	/* Length field 12 > 8 bytes present. */
	EXPECT(s, truncated, PPP_E_TRUNCATED,
	    inject(s, "c021 09 01 000c 00000000"));
	/* PFC: IP as one octet (21) is accepted (an IPv4 header from the
	 * peer's address 10.0.0.100). */
	H.srv.ip_packets = 0;
	CU_ASSERT_EQUAL(inject(s, "21 4500001400000000 40110000 0a000064 "
	    "0a000001"), 0);
	h_events(&H, &H.srv, true);
	CU_ASSERT_EQUAL(H.srv.ip_packets, 1);
	/* Larger than our MRU of 1500. */
	{
		uint8_t big[1510];

		memset(big, 0, sizeof(big));
		big[0] = 0x21;
		EXPECT(s, too_big, PPP_E_TOO_BIG,
		    h_input(&H, &H.srv, big, 1502));
	}
	still_up();
	h_free(&H);
}

static void
test_options(void)
{
	struct ppp_session *s;

	up(PPP_AUTH_PAP, false);
	s = H.srv.sess;
	/* Configure-Request: option length 0, 1, past the end. */
	EXPECT(s, bad_option, PPP_E_BAD_OPTION,
	    inject(s, "c021 01 07 0008 0100 0000"));
	EXPECT(s, bad_option, PPP_E_BAD_OPTION,
	    inject(s, "c021 01 07 0008 0101 0000"));
	EXPECT(s, bad_option, PPP_E_BAD_OPTION,
	    inject(s, "c021 01 07 0008 0506 0102"));
	/* One byte of option header. */
	EXPECT(s, bad_option, PPP_E_BAD_OPTION,
	    inject(s, "c021 01 07 0005 05"));
	/* Magic-Number twice. */
	EXPECT(s, dup_option, PPP_E_DUP_OPTION,
	    inject(s, "c021 01 07 0010 0506 01020304 0506 01020304"));
	/* MRU of the wrong size. */
	EXPECT(s, bad_option, PPP_E_BAD_OPTION,
	    inject(s, "c021 01 07 0009 0105 05dc00"));
	/* IPCP option past the end, and duplicated. */
	EXPECT(s, bad_option, PPP_E_BAD_OPTION,
	    inject(s, "8021 01 07 0008 0308 0a00"));
	EXPECT(s, dup_option, PPP_E_DUP_OPTION,
	    inject(s, "8021 01 07 0010 0306 0a000064 0306 0a000064"));
	/* Identifiers that do not match our request. */
	EXPECT(s, bad_id, PPP_E_BAD_ID, inject(s, "c021 02 ee 0004"));
	EXPECT(s, bad_id, PPP_E_BAD_ID, inject(s, "8021 03 ee 0004"));
	still_up();
	h_free(&H);
}

static void
test_reject_protocols(void)
{
	struct ppp_session *s;
	uint8_t out[PPP_MAX_FRAME];
	size_t len;

	up(PPP_AUTH_CHAP_MD5, false);
	s = H.srv.sess;
	/* CCP Configure-Request with MPPE: Protocol-Reject. */
	EXPECT(s, unknown_proto, PPP_E_UNKNOWN_PROTO,
	    inject(s, "ff03 80fd 01 01 000a 1206 01000001"));
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	/* ff 03 c0 21 08 id len | 80 fd | rejected packet. */
	CU_ASSERT_EQUAL(len, 4 + 4 + 2 + 10);
	CU_ASSERT_EQUAL(out[4], CODE_PROTREJ);
	CU_ASSERT_EQUAL(get16(out + 8), 0x80fd);
	/* IPV6CP as well. */
	EXPECT(s, unknown_proto, PPP_E_UNKNOWN_PROTO,
	    inject(s, "8057 01 01 000e 010a 0011223344556677"));
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(get16(out + 8), 0x8057);
	/* Unknown LCP code 0x20: Code-Reject carrying the packet. */
	EXPECT(s, unknown_code, PPP_E_UNKNOWN_CODE,
	    inject(s, "c021 20 05 0006 abcd"));
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(out[4], CODE_CODEREJ);
	CU_ASSERT_EQUAL(len, 8 + 6);
	CU_ASSERT_EQUAL(out[8], 0x20);
	/* Discard-Request is counted and ignored. */
	CU_ASSERT_EQUAL(inject(s, "c021 0b 01 0008 00000000"), 0);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_E_AGAIN);
	still_up();
	h_free(&H);
}

static void
test_chap_responses(void)
{
	struct ppp_session *s;
	char hex[2000];
	size_t i, o;

	up(PPP_AUTH_CHAP_MD5, true);
	s = H.srv.sess;
	CU_ASSERT_EQUAL_FATAL(H.srv.auth_requests, 1);
	/* Duplicate response while the application verifies. */
	EXPECT(s, duplicate, PPP_E_DUPLICATE, inject(s,
	    "c223 02 01 0019 10 00112233445566778899aabbccddeeff 66 72 61 6e"));
	/* A late response to an older challenge. */
	EXPECT(s, bad_id, PPP_E_BAD_ID, inject(s,
	    "c223 02 00 0019 10 00112233445566778899aabbccddeeff 66 72 61 6e"));
	/* Value of the wrong size (15 instead of 16). */
	EXPECT(s, bad_response, PPP_E_BAD_RESPONSE, inject(s,
	    "c223 02 01 0014 0f 00112233445566778899aabbccddee"));
	/* Value-Size past the end. */
	EXPECT(s, bad_length, PPP_E_BAD_LENGTH, inject(s,
	    "c223 02 01 0008 10 001122"));
	EXPECT(s, truncated, PPP_E_TRUNCATED, inject(s, "c223 02 01 0004"));
	/* A 300-byte name. */
	o = (size_t)snprintf(hex, sizeof(hex),
	    "c223 02 01 %04x 10 00112233445566778899aabbccddeeff",
	    4 + 1 + 16 + 300);
	for (i = 0; i < 300; i++)
		o += (size_t)snprintf(hex + o, sizeof(hex) - o, "41");
	EXPECT(s, name_too_long, PPP_E_NAME_TOO_LONG, inject(s, hex));
	/* The server never answers a Challenge or a code it does not know. */
	EXPECT(s, unknown_code, PPP_E_UNKNOWN_CODE,
	    inject(s, "c223 01 01 0006 01 00"));
	/* Still pending: accept now, and the link comes up. */
	H.hold_auth = false;
	{
		struct ppp_auth_result res;

		memset(&res, 0, sizeof(res));
		res.size = sizeof(res);
		CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending,
		    "pw", 2, &res), 0);
		CU_ASSERT_EQUAL(ppp_session_auth_reply(s, H.now, &res), 0);
	}
	h_run(&H, 20);
	CU_ASSERT_TRUE(H.cli.ip_up);
	/* A duplicate after Success is answered with Success again. */
	EXPECT(s, duplicate, PPP_E_DUPLICATE, inject(s,
	    "c223 02 01 0019 10 00112233445566778899aabbccddeeff 66 72 61 6e"));
	{
		uint8_t out[PPP_MAX_FRAME];
		size_t len;

		CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
		CU_ASSERT_EQUAL(out[4], 3);	/* Success */
	}
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
}

/* Opens LCP on the server by hand: Ack its request, send an empty one. */
static void
open_server_lcp(struct ppp_session *s)
{
	uint8_t out[PPP_MAX_FRAME];
	size_t len;

	while (out_of(s, out, sizeof(out), &len) == PPP_OK) {
		if (get16(out + 2) == PROTO_LCP && out[4] == CODE_CONFREQ) {
			out[4] = CODE_CONFACK;
			CU_ASSERT_EQUAL(h_input(&H, &H.srv, out, len), 0);
		}
	}
	CU_ASSERT_EQUAL(inject(s, "c021 01 01 0004"), 0);
	while (out_of(s, out, sizeof(out), &len) == PPP_OK)
		;
	h_events(&H, &H.srv, true);
	CU_ASSERT_TRUE(H.srv.link_up);
}

static void
test_nul_names(void)
{
	struct ppp_config sc, cc;
	struct ppp_session *s;

	h_config(&sc, PPP_AUTH_PAP);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	s = H.srv.sess;
	open_server_lcp(s);
	CU_ASSERT_EQUAL_FATAL(s->phase, PH_AUTH);
	/* PAP: Peer-ID "ab\0" (trailing NUL), Passwd "pw". */
	EXPECT(s, bad_message, PPP_E_BAD_MESSAGE,
	    inject(s, "c023 01 07 000b 03 616200 02 7077"));
	h_events(&H, &H.srv, true);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_AUTH_FAILED);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 0);
	h_free(&H);
	/* CHAP: name "a\0b" (embedded NUL). */
	h_config(&sc, PPP_AUTH_CHAP_MD5);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	s = H.srv.sess;
	open_server_lcp(s);
	EXPECT(s, bad_message, PPP_E_BAD_MESSAGE, inject(s,
	    "c223 02 01 0018 10 00112233445566778899aabbccddeeff 610062"));
	h_events(&H, &H.srv, true);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 0);
	h_free(&H);
	/* PAP lengths inconsistent with the packet. */
	h_config(&sc, PPP_AUTH_PAP);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	s = H.srv.sess;
	open_server_lcp(s);
	EXPECT(s, bad_length, PPP_E_BAD_LENGTH,
	    inject(s, "c023 01 07 0009 05 6162 02 7077"));
	EXPECT(s, bad_length, PPP_E_BAD_LENGTH,
	    inject(s, "c023 01 07 0009 02 6162 09 7077"));
	EXPECT(s, bad_length, PPP_E_BAD_LENGTH, inject(s, "c023 01 07 0004"));
	CU_ASSERT_FALSE(H.srv.down);
	h_free(&H);
}

/*
 * pppd sends every PAP Authenticate-Request, retransmissions included,
 * with a new Identifier (upap_sauthreq: ++us_id), and RFC 1334 §2.2.2 has
 * the Ack copy the Identifier of the Request it answers.  A retransmission
 * after a lost Ack (or while the application verifies) must be answered
 * with the verdict under its own identifier, not dropped as BAD_ID.
 */
static void
test_pap_retransmit_new_id(void)
{
	struct ppp_config sc, cc;
	struct ppp_auth_result res;
	struct ppp_session *s;
	uint8_t out[PPP_MAX_FRAME];
	size_t len;

	h_config(&sc, PPP_AUTH_PAP);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "frank", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	s = H.srv.sess;
	open_server_lcp(s);
	/* Peer-ID "frank", Passwd "pw", identifier 7. */
	CU_ASSERT_EQUAL(inject(s, "c023 01 07 000d 05 6672616e6b 02 7077"), 0);
	h_events(&H, &H.srv, true);
	CU_ASSERT_EQUAL_FATAL(H.srv.auth_requests, 1);
	/* Retransmitted as 8 while the application verifies. */
	EXPECT(s, duplicate, PPP_E_DUPLICATE,
	    inject(s, "c023 01 08 000d 05 6672616e6b 02 7077"));
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_E_AGAIN);
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	CU_ASSERT_EQUAL(ppp_auth_check_password(H.srv.ctx, &H.pending, "pw", 2,
	    &res), 0);
	CU_ASSERT_EQUAL(ppp_session_auth_reply(s, H.now, &res), 0);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(get16(out + 2), PROTO_PAP);
	CU_ASSERT_EQUAL(out[4], 2);	/* Authenticate-Ack ... */
	CU_ASSERT_EQUAL(out[5], 8);	/* ... for the latest request */
	while (out_of(s, out, sizeof(out), &len) == PPP_OK)
		;
	/* The Ack was lost: retransmission 9 gets the Ack again. */
	EXPECT(s, duplicate, PPP_E_DUPLICATE,
	    inject(s, "c023 01 09 000d 05 6672616e6b 02 7077"));
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(get16(out + 2), PROTO_PAP);
	CU_ASSERT_EQUAL(out[4], 2);
	CU_ASSERT_EQUAL(out[5], 9);
	CU_ASSERT_EQUAL(H.srv.auth_requests, 1);
	CU_ASSERT_FALSE(H.srv.down);
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
}

/* The peer keeps asking for MRU 64: Naks, then Rejects, then give up. */
static void
test_no_converge(void)
{
	struct ppp_config sc, cc;
	struct ppp_session *s;
	uint8_t out[PPP_MAX_FRAME];
	size_t len;
	int i, rc = 0, naks = 0, rejs = 0;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "g", "pw"), 0);
	s = H.srv.sess;
	for (i = 0; i < 100 && rc == 0; i++) {
		rc = inject(s, "c021 01 33 0008 0104 0040 0000");
		while (out_of(s, out, sizeof(out), &len) == PPP_OK)
			if (out[2] == 0xc0 && out[4] == CODE_CONFNAK)
				naks++;
			else if (out[2] == 0xc0 && out[4] == CODE_CONFREJ)
				rejs++;
	}
	CU_ASSERT_EQUAL(rc, PPP_E_NOT_CONVERGED);
	CU_ASSERT_EQUAL(naks, 5);	/* Max-Failure */
	CU_ASSERT(rejs > 0);
	h_events(&H, &H.srv, true);
	CU_ASSERT_TRUE(H.srv.down);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_NEGOTIATION_FAILED);
	/* Finished: later frames are refused without harm. */
	h_run(&H, 20);
	EXPECT(s, bad_state, PPP_E_STATE, inject(s, "c021 01 34 0004"));
	h_free(&H);
	/* A peer that Naks our Magic-Number forever. */
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "g", "pw"), 0);
	s = H.srv.sess;
	rc = 0;
	for (i = 0; i < 100 && rc == 0; i++) {
		char hex[64];
		uint8_t id = 0;

		while (out_of(s, out, sizeof(out), &len) == PPP_OK)
			if (out[4] == CODE_CONFREQ)
				id = out[5];
		snprintf(hex, sizeof(hex), "c021 03 %02x 000a 0506 %08x", id,
		    (unsigned)i);
		rc = inject(s, hex);
	}
	CU_ASSERT_EQUAL(rc, PPP_E_NOT_CONVERGED);
	CU_ASSERT(i < 100);
	h_events(&H, &H.srv, true);
	CU_ASSERT_EQUAL(H.srv.down_reason, PPP_DOWN_NEGOTIATION_FAILED);
	h_free(&H);
}

static void
test_echo_flood(void)
{
	struct ppp_session *s;
	int i, ok = 0, limited = 0, rc;

	up(PPP_AUTH_NONE, false);
	s = H.srv.sess;
	for (i = 0; i < 100; i++) {
		rc = inject(s, "c021 09 01 0008 00000000");
		if (rc == 0)
			ok++;
		else if (rc == PPP_E_RATE_LIMITED)
			limited++;
	}
	CU_ASSERT_EQUAL(ok, 10);
	CU_ASSERT_EQUAL(limited, 90);
	/* Echo-Request without a magic number. */
	H.now += 2 * NS_PER_S;
	EXPECT(s, truncated, PPP_E_TRUNCATED, inject(s, "c021 09 01 0006 0000"));
	/* Our own magic in an Echo-Request: looped back. */
	{
		char hex[64];

		snprintf(hex, sizeof(hex), "c021 09 02 0008 %08x", s->magic);
		EXPECT(s, loopback, PPP_E_LOOPBACK, inject(s, hex));
	}
	still_up();
	h_free(&H);
}

/* A Configure-Request of 1500 bytes of distinct unknown options, then
 * MRU 65535: the reply fits, the MRU is never a buffer size. */
static void
test_max_options(void)
{
	struct ppp_config sc, cc;
	struct ppp_session *s;
	uint8_t f[1504], out[PPP_MAX_FRAME];
	size_t len, n = 0, t;
	int rc;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "g", "pw"), 0);
	s = H.srv.sess;
	f[n++] = 0xc0;
	f[n++] = 0x21;
	f[n++] = CODE_CONFREQ;
	f[n++] = 9;
	n += 2;
	for (t = 9; n < 1502; t++) {
		size_t l = 1502 - n < 250 ? 1502 - n : 6;

		if (l < 2)
			break;
		f[n] = (uint8_t)t;		/* distinct unknown types */
		f[n + 1] = (uint8_t)l;
		memset(f + n + 2, 0xaa, l - 2);
		n += l;
	}
	put16(f + 4, (uint16_t)(n - 2));
	rc = h_input(&H, &H.srv, f, n);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(out[4], CODE_CONFREJ);
	CU_ASSERT(len <= PPP_MAX_FRAME);
	CU_ASSERT_EQUAL(get16(out + 6), n - 2);
	h_free(&H);
	/* MRU 65535 from the peer: Acked, capped at 1500 for sending. */
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "g", "pw"), 0);
	s = H.srv.sess;
	CU_ASSERT_EQUAL(inject(s, "c021 01 05 0008 0104 ffff"), 0);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(out[4], CODE_CONFACK);
	CU_ASSERT_EQUAL(s->peer_mru, 1500);
	h_free(&H);
}

static void
test_mschap_client_messages(void)
{
	struct ppp_config sc, cc;
	static const char *bad[] = {
		/* Success with a short S=, non-hex digit, no S= at all. */
		"000a 533d34303741",
		/* "S=407A...CDA5Z": a non-hex digit. */
		("002e 533d343037413535383931313546443044363230"
		 "3946353130464539433034353636393332434441355a"),
		"0008 4d3d6869",
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct ppp_session *c;
		char hex[256];

		h_config(&sc, PPP_AUTH_MSCHAPV2);
		h_config(&cc, PPP_AUTH_NONE);
		CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "h", "pw"), 0);
		H.password = "pw";
		H.hold_auth = true;
		h_pump(&H);
		c = H.cli.sess;
		CU_ASSERT_EQUAL_FATAL(c->auth_state, AU_CLIENT_SENT);
		snprintf(hex, sizeof(hex), "c223 03 %02x %s", c->auth_id,
		    bad[i]);
		EXPECT(c, bad_message, PPP_E_BAD_MESSAGE, inject(c, hex));
		h_events(&H, &H.cli, false);
		CU_ASSERT_TRUE(H.cli.down);
		CU_ASSERT_FALSE(H.cli.auth_ok);
		memset(&H.pending, 0, sizeof(H.pending));
		h_free(&H);
	}
	/* A Failure with a garbled E= is still a failure, and counted. */
	{
		struct ppp_session *c;
		char hex[128];

		CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "h", "pw"), 0);
		H.password = "pw";
		H.hold_auth = true;
		h_pump(&H);
		c = H.cli.sess;
		snprintf(hex, sizeof(hex), "c223 04 %02x 0009 453d 3639 58",
		    c->auth_id);
		EXPECT(c, bad_message, 0, inject(c, hex));
		h_events(&H, &H.cli, false);
		CU_ASSERT_TRUE(H.cli.down);
		CU_ASSERT_EQUAL(H.cli.down_reason, PPP_DOWN_AUTH_FAILED);
		memset(&H.pending, 0, sizeof(H.pending));
		h_free(&H);
	}
}

/*
 * The client waits for the verdict of the method LCP negotiated.  An
 * Authenticate-Ack of PAP must not stand in for the MS-CHAPv2 Success
 * (whose S= authenticates the server), nor a CHAP Success for a PAP Ack.
 */
static void
test_client_verdict_protocol(void)
{
	struct ppp_config sc, cc;
	struct ppp_session *c;
	char hex[64];

	h_config(&sc, PPP_AUTH_MSCHAPV2);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "h", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	h_pump(&H);
	c = H.cli.sess;
	CU_ASSERT_EQUAL_FATAL(c->auth_state, AU_CLIENT_SENT);
	/* PAP Authenticate-Ack, Msg-Length 0, under the CHAP identifier. */
	snprintf(hex, sizeof(hex), "c023 02 %02x 0005 00", c->auth_id);
	EXPECT(c, late, PPP_E_LATE, inject(c, hex));
	h_events(&H, &H.cli, false);
	CU_ASSERT_FALSE(H.cli.auth_done);
	CU_ASSERT_EQUAL(c->auth_state, AU_CLIENT_SENT);
	CU_ASSERT_EQUAL(c->phase, PH_AUTH);
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
	/* PAP client: a CHAP Success is not its Ack. */
	h_config(&sc, PPP_AUTH_PAP);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "h", "pw"), 0);
	H.password = "pw";
	H.hold_auth = true;
	h_pump(&H);
	c = H.cli.sess;
	CU_ASSERT_EQUAL_FATAL(c->auth_state, AU_CLIENT_SENT);
	snprintf(hex, sizeof(hex), "c223 03 %02x 0004", c->auth_id);
	EXPECT(c, late, PPP_E_LATE, inject(c, hex));
	h_events(&H, &H.cli, false);
	CU_ASSERT_FALSE(H.cli.auth_done);
	CU_ASSERT_EQUAL(c->phase, PH_AUTH);
	memset(&H.pending, 0, sizeof(H.pending));
	h_free(&H);
}

/* IPCP at the server: VJ compression rejected, NBNS Nak'd with the
 * configured value, unconfigured NBNS rejected (RFC 1332, 1877). */
static void
test_ipcp_options(void)
{
	struct ppp_session *s;
	uint8_t out[PPP_MAX_FRAME], want[64];
	size_t len, wl;

	up(PPP_AUTH_NONE, false);
	s = H.srv.sess;
	/* Reopen IPCP from the peer's side: a fresh Configure-Request. */
	CU_ASSERT_EQUAL(inject(s, "8021 01 40 0010 0306 0a000064 0206 002d0f01"),
	    0);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	wl = ts_hex2bin(want, sizeof(want), "ff03 8021 04 40 000a 0206 002d0f01");
	TS_ASSERT_BYTES("IPCP Reject of VJ", out, len, want, wl);
	CU_ASSERT_EQUAL(inject(s, "8021 01 41 0016 0306 0a000064 8206 00000000"
	    " 8406 00000000"), 0);
	CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
	/* No NBNS configured: both name server options are rejected. */
	wl = ts_hex2bin(want, sizeof(want),
	    "ff03 8021 04 41 0010 8206 00000000 8406 00000000");
	TS_ASSERT_BYTES("IPCP Reject of NBNS", out, len, want, wl);
	h_free(&H);
	{
		struct ppp_config sc, cc;

		h_config(&sc, PPP_AUTH_NONE);
		sc.nbns[0] = 0x0a000089;
		h_config(&cc, PPP_AUTH_NONE);
		CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "i", "pw"), 0);
		h_run(&H, 50);
		CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
		s = H.srv.sess;
		CU_ASSERT_EQUAL(inject(s, "8021 01 42 0010 0306 0a000064"
		    " 8206 00000000"), 0);
		CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
		CU_ASSERT_EQUAL(out_of(s, out, sizeof(out), &len), PPP_OK);
		wl = ts_hex2bin(want, sizeof(want),
		    "ff03 8021 03 42 000a 8206 0a000089");
		TS_ASSERT_BYTES("IPCP Nak of NBNS1", out, len, want, wl);
		h_free(&H);
	}
}

/*
 * RFC 1661 §5.6: the Rejected-Packet of a Code-Reject MUST be truncated to
 * the peer's MRU (here 128), as Protocol-Reject and Echo-Reply already are.
 */
static void
test_code_reject_mru(void)
{
	struct ppp_config sc, cc;
	struct ppp_session *s;
	uint8_t f[4 + 4 + 600], out[PPP_MAX_FRAME];
	size_t len;
	uint16_t proto[] = { PROTO_LCP, PROTO_IPCP };
	int i;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_NONE);
	cc.mru = 128;
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "g", "pw"), 0);
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	s = H.srv.sess;
	CU_ASSERT_EQUAL_FATAL(s->peer_mru, 128);
	for (i = 0; i < 2; i++) {
		/* proto | code 0x20 | id | length 604 | 600 bytes. */
		memset(f, 0xa5, sizeof(f));
		put16(f, proto[i]);
		f[2] = 0x20;
		f[3] = 0x31;
		put16(f + 4, 4 + 600);
		EXPECT(s, unknown_code, PPP_E_UNKNOWN_CODE,
		    h_input(&H, &H.srv, f, 2 + 4 + 600));
		CU_ASSERT_EQUAL_FATAL(out_of(s, out, sizeof(out), &len), PPP_OK);
		CU_ASSERT_EQUAL(get16(out + 2), proto[i]);
		CU_ASSERT_EQUAL(out[4], CODE_CODEREJ);
		/* FF 03, protocol, then at most the peer's MRU. */
		CU_ASSERT(len <= 4 + 128);
		CU_ASSERT_EQUAL(get16(out + 6), len - 4);
		/* The rejected packet starts with its own header. */
		CU_ASSERT_EQUAL(out[8], 0x20);
		CU_ASSERT_EQUAL(out[9], 0x31);
		if (len > 4 + 128)
			printf("\n  %s Code-Reject of %zu bytes, peer MRU 128",
			    i == 0 ? "LCP" : "IPCP", len);
	}
	still_up();
	h_free(&H);
}

void
test_input_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_bad_input", NULL, NULL);

	CU_add_test(s, "framing, truncation, lengths", test_framing);
	CU_add_test(s, "option lengths, duplicates, ids", test_options);
	CU_add_test(s, "Protocol-Reject, Code-Reject, Discard",
	    test_reject_protocols);
	CU_add_test(s, "CHAP responses: size, name, dup, late",
	    test_chap_responses);
	CU_add_test(s, "NUL in user names, PAP lengths", test_nul_names);
	CU_add_test(s, "PAP retransmission with a new identifier",
	    test_pap_retransmit_new_id);
	CU_add_test(s, "Configure-Requests that never converge",
	    test_no_converge);
	CU_add_test(s, "Echo flood, loopback", test_echo_flood);
	CU_add_test(s, "maximum options, MRU 65535", test_max_options);
	CU_add_test(s, "MS-CHAPv2 Success/Failure strings at the client",
	    test_mschap_client_messages);
	CU_add_test(s, "client takes only its method's verdict",
	    test_client_verdict_protocol);
	CU_add_test(s, "IPCP: VJ rejected, NBNS Nak/Reject", test_ipcp_options);
	CU_add_test(s, "Code-Reject truncated to the peer's MRU",
	    test_code_reject_mru);
}
