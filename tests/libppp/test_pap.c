/*
 * test_pap.c - the PAP password comparison of ppp_auth_check_password
 * (pap.c).  It takes the same time whatever the lengths (a fixed number of
 * reads into zero-padded buffers, one constant-time compare, the lengths
 * compared without a branch), which a unit test cannot time; what it can
 * check is that every length combination still gives the right answer,
 * including the cases a zero-padded compare could confuse.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "ppp_int.h"
#include "testsupport.h"

void test_pap_register(void);

static int
check(const char *resp, size_t rlen, const char *pw, size_t plen)
{
	struct ppp_auth_request req;

	memset(&req, 0, sizeof(req));
	req.method = PPP_AUTH_PAP;
	memcpy(req.response, resp, rlen);
	req.response_len = rlen;
	return ppp_pap_check(&req, pw, plen);
}

static void
test_lengths(void)
{
	char a[PPP_MAX_SECRET], b[PPP_MAX_SECRET];
	size_t i, bad = 0;

	memset(a, 'k', sizeof(a));
	memcpy(b, a, sizeof(b));
	for (i = 0; i <= PPP_MAX_SECRET; i++) {
		/* Equal, every length from 0 to the maximum. */
		if (check(a, i, b, i) != 0)
			bad++;
		/* A prefix, either way, is not the password. */
		if (i > 0 && check(a, i, b, i - 1) != PPP_E_AUTH)
			bad++;
		if (i > 0 && check(a, i - 1, b, i) != PPP_E_AUTH)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* The last byte differs. */
	b[PPP_MAX_SECRET - 1] = 'K';
	CU_ASSERT_EQUAL(check(a, PPP_MAX_SECRET, b, PPP_MAX_SECRET),
	    PPP_E_AUTH);
	/* Trailing NULs: the zero padding must not make them equal. */
	CU_ASSERT_EQUAL(check("pw\0", 3, "pw", 2), PPP_E_AUTH);
	CU_ASSERT_EQUAL(check("pw", 2, "pw\0", 3), PPP_E_AUTH);
	CU_ASSERT_EQUAL(check("pw\0", 3, "pw\0", 3), 0);
	CU_ASSERT_EQUAL(check("", 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(check("\0", 1, NULL, 0), PPP_E_AUTH);
	CU_ASSERT_EQUAL(check("", 0, "\0", 1), PPP_E_AUTH);
}

/* Through the public helper: lengths are bounded before the compare. */
static void
test_public_helper(void)
{
	struct ppp_ctx *ctx;
	struct ppp_hooks hk;
	struct ppp_auth_request req;
	struct ppp_auth_result res;
	struct ts_rng r;
	char pw[PPP_MAX_SECRET + 1];

	memset(&hk, 0, sizeof(hk));
	ts_rng_init(&r, 4);
	hk.user = &r;
	hk.rng = ts_rng_cb;
	CU_ASSERT_EQUAL_FATAL(ppp_ctx_new(&ctx, NULL, &hk), PPP_OK);
	memset(&req, 0, sizeof(req));
	req.method = PPP_AUTH_PAP;
	memset(req.response, 'z', sizeof(req.response));
	req.response_len = PPP_MAX_SECRET;
	memset(pw, 'z', sizeof(pw));
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, pw, PPP_MAX_SECRET,
	    &res), PPP_OK);
	CU_ASSERT_TRUE(res.accept);
	CU_ASSERT_FALSE(res.has_auth_response);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, pw,
	    PPP_MAX_SECRET + 1, &res), PPP_E_INVAL);
	req.response_len = PPP_MAX_SECRET + 1;
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, pw, 3, &res),
	    PPP_E_INVAL);
	req.response_len = 3;
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, pw, 4, &res),
	    PPP_E_AUTH);
	CU_ASSERT_FALSE(res.accept);
	CU_ASSERT_EQUAL(ppp_auth_check_password(ctx, &req, NULL, 3, &res),
	    PPP_E_INVAL);
	ppp_ctx_free(ctx);
}

void
test_pap_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_pap", NULL, NULL);

	CU_add_test(s, "constant-time compare: every length", test_lengths);
	CU_add_test(s, "ppp_auth_check_password bounds", test_public_helper);
}
