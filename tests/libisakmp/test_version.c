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

	/* The common block -1..-15, reserved -16..-31, ours from -32 down. */
	for (e = 0; e >= ISAKMP_E_QUEUE_FULL; e--)
		CU_ASSERT_STRING_NOT_EQUAL(isakmp_strerror(e), "unknown error");
	for (e = -16; e >= -31; e--)
		CU_ASSERT_STRING_EQUAL(isakmp_strerror(e), "unknown error");
	for (e = ISAKMP_E_PAYLOAD; e >= ISAKMP_E_EXCHANGE; e--)
		CU_ASSERT_STRING_NOT_EQUAL(isakmp_strerror(e), "unknown error");
	CU_ASSERT_STRING_EQUAL(isakmp_strerror(-999), "unknown error");
	/* The common values every roadgate library shares. */
	CU_ASSERT_EQUAL(ISAKMP_E_INVAL, -1);
	CU_ASSERT_EQUAL(ISAKMP_E_BUFFER, -5);
	CU_ASSERT_EQUAL(ISAKMP_E_AGAIN, -6);
	CU_ASSERT_EQUAL(ISAKMP_E_NOT_FOUND, -10);
	CU_ASSERT_EQUAL(ISAKMP_E_QUEUE_FULL, -15);
	CU_ASSERT_EQUAL(ISAKMP_E_PAYLOAD, -32);
	CU_ASSERT_EQUAL(ISAKMP_LOG_ERROR, 3);
	CU_ASSERT_EQUAL(ISAKMP_LOG_WARN, 4);
	CU_ASSERT_EQUAL(ISAKMP_LOG_INFO, 6);
	CU_ASSERT_EQUAL(ISAKMP_LOG_DEBUG, 7);
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
