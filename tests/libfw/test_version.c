#include <CUnit/CUnit.h>
#include <string.h>

#include <roadgate/fw.h>
#include "testsupport.h"

void test_version_register(void);

static void
test_version_matches_header(void)
{
	CU_ASSERT_STRING_EQUAL(fw_version(), FW_VERSION_STRING);
	/* API 1.0 (issue #10). */
	CU_ASSERT_EQUAL(FW_VERSION_MAJOR, 1);
	CU_ASSERT_STRING_EQUAL(FW_VERSION_STRING, "1.0.0");
}

void
test_version_register(void)
{
	CU_pSuite s = CU_add_suite("fw_version", NULL, NULL);

	CU_add_test(s, "version matches header", test_version_matches_header);
}
