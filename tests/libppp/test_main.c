/* CUnit entry point of libppp's unit tests: one register function per file. */
#include "testsupport.h"

void test_version_register(void);
void test_fsm_register(void);
void test_crypto_register(void);
void test_session_register(void);
void test_input_register(void);
void test_capture_register(void);

static const ts_register_fn suites[] = {
	test_version_register,
	test_fsm_register,
	test_crypto_register,
	test_session_register,
	test_input_register,
	test_capture_register,
};

int
main(int argc, char **argv)
{
	return ts_cunit_main(argc, argv, suites, sizeof(suites) / sizeof(suites[0]));
}
