/*
 * test_crypto.c - published and independently computed vectors:
 *  - RFC 2759 §9.2 MS-CHAPv2 worked example (User / clientPass), byte for
 *    byte, through the internal steps and through the public helper;
 *  - RFC 1994 CHAP-MD5 responses computed with Python hashlib
 *    (vectors/data/rfc1994_chap_md5_computed.json of the project);
 *  - the MS-CHAPv2 Success / Failure message parsers.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "ppp_int.h"
#include "testsupport.h"

void test_crypto_register(void);

static struct ppp_ctx *ctx;
static struct ts_rng rng;

static int
setup(void)
{
	struct ppp_config cfg;
	struct ppp_hooks h;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.auth[0] = PPP_AUTH_MSCHAPV2;
	cfg.n_auth = 1;
	memset(&h, 0, sizeof(h));
	ts_rng_init(&rng, 1);
	h.user = &rng;
	h.rng = ts_rng_cb;
	return ppp_ctx_new(&ctx, &cfg, &h) == 0 ? 0 : -1;
}

static int
teardown(void)
{
	ppp_ctx_free(ctx);
	return 0;
}

static void
hex(uint8_t *out, size_t n, const char *h)
{
	CU_ASSERT_EQUAL_FATAL(ts_hex2bin(out, n, h), n);
}

/* RFC 2759 §9.2. */
static const char *auth_chal = "5b5d7c7d7b3f2f3e3c2c602132262628";
static const char *peer_chal = "21402324255e262a28295f2b3a337c7e";

static void
test_rfc2759_steps(void)
{
	uint8_t ac[16], pc[16], ch[8], ph[16], nt[24], ar[20];
	uint8_t w8[8], w16[16], w24[24], w20[20];

	hex(ac, 16, auth_chal);
	hex(pc, 16, peer_chal);
	CU_ASSERT_EQUAL(ppp_cr_challenge_hash(ctx, pc, ac, "User", 4, ch), 0);
	hex(w8, 8, "d02e4386bce91226");
	TS_ASSERT_BYTES("ChallengeHash", ch, 8, w8, 8);
	CU_ASSERT_EQUAL(ppp_cr_nt_hash(ctx, "clientPass", 10, ph), 0);
	hex(w16, 16, "44ebba8d5312b8d611474411f56989ae");
	TS_ASSERT_BYTES("PasswordHash", ph, 16, w16, 16);
	CU_ASSERT_EQUAL(ppp_cr_nt_response(ctx, ch, ph, nt), 0);
	hex(w24, 24, "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
	TS_ASSERT_BYTES("NT-Response", nt, 24, w24, 24);
	CU_ASSERT_EQUAL(ppp_cr_auth_response(ctx, ph, nt, pc, ac, "User", 4, ar),
	    0);
	hex(w20, 20, "407A5589115FD0D6209F510FE9C04566932CDA56");
	TS_ASSERT_BYTES("AuthenticatorResponse", ar, 20, w20, 20);
	/* A domain prefix is not part of the ChallengeHash (RFC 2759 §8.2). */
	CU_ASSERT_EQUAL(ppp_cr_challenge_hash(ctx, pc, ac, "CORP\\User", 9, ch),
	    0);
	TS_ASSERT_BYTES("ChallengeHash with domain", ch, 8, w8, 8);
}

static void
test_rfc2759_helper(void)
{
	struct ppp_auth_request req;
	struct ppp_auth_result res;
	uint8_t w20[20];

	memset(&req, 0, sizeof(req));
	req.method = PPP_AUTH_MSCHAPV2;
	memcpy(req.user, "User", 4);
	req.user_len = 4;
	hex(req.challenge, 16, auth_chal);
	req.challenge_len = 16;
	hex(req.response, 16, peer_chal);
	hex(req.response + 24, 24,
	    "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
	req.response_len = 49;
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, "clientPass", 10,
	    &res), 0);
	CU_ASSERT_TRUE(res.accept);
	CU_ASSERT_TRUE(res.has_auth_response);
	hex(w20, 20, "407A5589115FD0D6209F510FE9C04566932CDA56");
	TS_ASSERT_BYTES("S=", res.auth_response, 20, w20, 20);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, "clientPasS", 10,
	    &res), PPP_E_AUTH);
	CU_ASSERT_FALSE(res.accept);
}

static void
test_chap_md5(void)
{
	static const struct {
		uint8_t id;
		const char *secret, *chal, *resp;
	} v[] = {
		{ 1, "secret", "000102030405060708090a0b0c0d0e0f",
		  "740e86463bda3a4d7017d6e0fba0699d" },
		{ 255, "clientPass", "5b5d7c7d7b3f2f3e3c2c602132262628",
		  "4b3d8ae6a47607e39571ad10c917d102" },
		{ 0, "", "ab", "92af50d9a88802c2bde251d856ac0828" },
	};
	struct ppp_auth_request req;
	struct ppp_auth_result res;
	uint8_t ch[16], want[16], got[16];
	size_t i, cl;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cl = ts_hex2bin(ch, sizeof(ch), v[i].chal);
		hex(want, 16, v[i].resp);
		CU_ASSERT_EQUAL(ppp_cr_md5_chap(ctx, v[i].id,
		    (const uint8_t *)v[i].secret, strlen(v[i].secret), ch, cl,
		    got), 0);
		TS_ASSERT_BYTES("CHAP-MD5", got, 16, want, 16);
		memset(&req, 0, sizeof(req));
		req.method = PPP_AUTH_CHAP_MD5;
		req.id = v[i].id;
		memcpy(req.challenge, ch, cl);
		req.challenge_len = cl;
		memcpy(req.response, want, 16);
		req.response_len = 16;
		memset(&res, 0, sizeof(res));
		res.size = sizeof(res);
		CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req,
		    v[i].secret, strlen(v[i].secret), &res), 0);
		CU_ASSERT_TRUE(res.accept);
		req.id ^= 1;
		CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req,
		    v[i].secret, strlen(v[i].secret), &res), PPP_E_AUTH);
	}
}

static void
test_pap_helper(void)
{
	struct ppp_auth_request req;
	struct ppp_auth_result res;

	memset(&req, 0, sizeof(req));
	req.method = PPP_AUTH_PAP;
	memcpy(req.response, "pw", 2);
	req.response_len = 2;
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, "pw", 2, &res), 0);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, "pw2", 3, &res),
	    PPP_E_AUTH);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, "pX", 2, &res),
	    PPP_E_AUTH);
	res.size = 0;
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, "pw", 2, &res),
	    PPP_E_INVAL);
}

static void
test_success_parser(void)
{
	static const char *good[] = {
		"S=407A5589115FD0D6209F510FE9C04566932CDA56",
		"S=407a5589115fd0d6209f510fe9c04566932cda56 M=Welcome",
	};
	static const char *bad[] = {
		"", "S", "S=", "S=407A5589115FD0D6209F510FE9C04566932CDA5",
		"S=407A5589115FD0D6209F510FE9C04566932CDAZ6",
		"X=407A5589115FD0D6209F510FE9C04566932CDA56",
		"S=407A5589115FD0D6209F510FE9C04566932CDA56M=x",
	};
	uint8_t out[20], want[20];
	size_t i;

	hex(want, 20, "407A5589115FD0D6209F510FE9C04566932CDA56");
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(ppp_mschap_parse_success((const uint8_t *)good[i],
		    strlen(good[i]), out, NULL), 0);
		TS_ASSERT_BYTES("S=", out, 20, want, 20);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(ppp_mschap_parse_success((const uint8_t *)bad[i],
		    strlen(bad[i]), out, NULL), PPP_E_BAD_MESSAGE);
}

static void
test_failure_parser(void)
{
	static const char *bad[] = {
		"", "E=", "E=691", "E=691 R=0", "E=691 R=2 C=00 V=3",
		"E=691 R=0 C=0123456789abcdef0123456789abcdeX V=3",
		"E=691 R=0 C=0123456789abcdef0123456789abcdef",
		"E=691 R=0 C=0123456789abcdef0123456789abcdef V=",
		"E=691 R=0 C=0123456789abcdef0123456789abcdef V=3 X",
		"E=6910000000000 R=0 C=0123456789abcdef0123456789abcdef V=3",
		"E=691R=0 C=0123456789abcdef0123456789abcdef V=3",
	};
	const char *good = "E=691 R=0 C=0123456789abcdef0123456789abcdef V=3 "
	    "M=Authentication failure";
	uint8_t chal[16];
	int e, r, v;
	size_t i;

	CU_ASSERT_EQUAL(ppp_mschap_parse_failure((const uint8_t *)good,
	    strlen(good), &e, &r, chal, &v, NULL), 0);
	CU_ASSERT_EQUAL(e, 691);
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(chal[0], 0x01);
	CU_ASSERT_EQUAL(chal[15], 0xef);
	CU_ASSERT_EQUAL(ppp_mschap_parse_failure((const uint8_t *)good, 48, &e,
	    &r, chal, &v, NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(ppp_mschap_parse_failure((const uint8_t *)bad[i],
		    strlen(bad[i]), &e, &r, chal, &v, NULL), PPP_E_BAD_MESSAGE);
	/* Every truncation of the good message either parses (it ends on a
	 * field boundary) or is refused; none reads past n (ASan). */
	for (i = 0; i < strlen(good); i++)
		(void)ppp_mschap_parse_failure((const uint8_t *)good, i, &e, &r,
		    chal, &v, NULL);
}

/*
 * The UTF-8 decoder behind NtPasswordHash is strict (RFC 3629): overlong
 * forms, surrogates, values past U+10FFFF and truncated sequences are
 * refused (an overlong "/" or NUL used to be accepted, so two different
 * byte strings gave one NT hash).  Characters outside the BMP become a
 * UTF-16 surrogate pair, as Windows hashes them.
 */
static void
test_utf8_strict(void)
{
	static const char *bad[] = {
		"\xc0\x80",		/* overlong NUL */
		"\xc0\xaf",		/* overlong '/' */
		"\xc1\xbf",		/* overlong 0x7f */
		"\xe0\x80\xaf",	/* overlong '/', 3 bytes */
		"\xe0\x9f\xbf",	/* overlong U+07FF */
		"\xf0\x8f\xbf\xbf",	/* overlong U+FFFF */
		"\xed\xa0\x80",	/* surrogate U+D800 */
		"\xed\xbf\xbf",	/* surrogate U+DFFF */
		"\xf4\x90\x80\x80",	/* U+110000 */
		"\xf8\x88\x80\x80\x80",	/* 5-byte form */
		"\x80",		/* stray continuation */
		"a\xc3",		/* truncated */
		"\xe2\x82",		/* truncated */
	};
	uint8_t h[16], w[16];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(ppp_cr_nt_hash(ctx, bad[i], strlen(bad[i]), h),
		    PPP_E_INVAL);
	/* The edges that are valid. */
	CU_ASSERT_EQUAL(ppp_cr_nt_hash(ctx, "\xc2\x80", 2, h), 0);
	CU_ASSERT_EQUAL(ppp_cr_nt_hash(ctx, "\xe0\xa0\x80", 3, h), 0);
	CU_ASSERT_EQUAL(ppp_cr_nt_hash(ctx, "\xef\xbf\xbf", 3, h), 0);
	CU_ASSERT_EQUAL(ppp_cr_nt_hash(ctx, "\xf4\x8f\xbf\xbf", 4, h), 0);
	/*
	 * "a\U0001F600\u00e9" = 61 f0 9f 98 80 c3 a9 in UTF-8, UTF-16LE
	 * 61 00 3d d8 00 de e9 00; MD4 of it computed independently with
	 * `openssl dgst -md4 -provider legacy -provider default`.
	 */
	CU_ASSERT_EQUAL(ppp_cr_nt_hash(ctx, "a\xf0\x9f\x98\x80\xc3\xa9", 7,
	    h), 0);
	hex(w, 16, "6b367104d57ac1629ba28ab2d539144b");
	TS_ASSERT_BYTES("NT hash with a surrogate pair", h, 16, w, 16);
	/* The helper refuses such a password with PPP_E_INVAL. */
	{
		struct ppp_auth_request req;
		struct ppp_auth_result res;

		memset(&req, 0, sizeof(req));
		req.method = PPP_AUTH_MSCHAPV2;
		req.challenge_len = 16;
		req.response_len = 49;
		memset(&res, 0, sizeof(res));
		res.size = sizeof(res);
		CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req,
		    "\xc0\xaf", 2, &res), PPP_E_INVAL);
		CU_ASSERT_FALSE(res.accept);
	}
}

void
test_crypto_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_crypto", setup, teardown);

	CU_add_test(s, "RFC 2759 9.2 steps byte for byte", test_rfc2759_steps);
	CU_add_test(s, "RFC 2759 9.2 via ppp_auth_check_password",
	    test_rfc2759_helper);
	CU_add_test(s, "CHAP-MD5 computed vectors", test_chap_md5);
	CU_add_test(s, "PAP helper", test_pap_helper);
	CU_add_test(s, "MS-CHAPv2 S= parser", test_success_parser);
	CU_add_test(s, "MS-CHAPv2 E= R= C= V= parser", test_failure_parser);
	CU_add_test(s, "strict UTF-8, surrogate pairs in the NT hash",
	    test_utf8_strict);
}
