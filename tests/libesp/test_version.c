#include <CUnit/CUnit.h>
#include <string.h>

#include <roadgate/esp.h>
#include "testsupport.h"

void test_version_register(void);

static void
test_version_matches_header(void)
{
	CU_ASSERT_STRING_EQUAL(esp_version(), ESP_VERSION_STRING);
}

void
test_version_register(void)
{
	CU_pSuite s = CU_add_suite("esp_version", NULL, NULL);

	CU_add_test(s, "version matches header", test_version_matches_header);
}
