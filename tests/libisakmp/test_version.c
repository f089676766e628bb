#include <CUnit/CUnit.h>
#include <string.h>

#include <roadgate/isakmp.h>
#include "testsupport.h"

void test_version_register(void);

static void
test_version_matches_header(void)
{
	CU_ASSERT_STRING_EQUAL(isakmp_version(), ISAKMP_VERSION_STRING);
}

/* Error names and the Notify mapping (RFC 2408 3.14.1 numbers). */
static void
test_error_names(void)
{
	int e;

	for (e = 0; e >= ISAKMP_E_AGAIN; e--)
		CU_ASSERT_STRING_NOT_EQUAL(isakmp_strerror(e), "unknown error");
	CU_ASSERT_STRING_EQUAL(isakmp_strerror(-999), "unknown error");
	CU_ASSERT_EQUAL(isakmp_error_to_notify(ISAKMP_E_NO_PROPOSAL), 14);
	CU_ASSERT_EQUAL(isakmp_error_to_notify(ISAKMP_E_ID), 18);
	CU_ASSERT_EQUAL(isakmp_error_to_notify(ISAKMP_E_AUTH), 24);
	CU_ASSERT_EQUAL(isakmp_error_to_notify(ISAKMP_E_NOMEM), 0);
	CU_ASSERT_STRING_EQUAL(isakmp_notify_name(36136), "R-U-THERE");
	CU_ASSERT_STRING_EQUAL(isakmp_notify_name(14), "NO-PROPOSAL-CHOSEN");
	CU_ASSERT_STRING_EQUAL(isakmp_notify_name(9999), "UNKNOWN");
}

void
test_version_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_version", NULL, NULL);

	CU_add_test(s, "version matches header", test_version_matches_header);
	CU_add_test(s, "error names and Notify mapping", test_error_names);
}
