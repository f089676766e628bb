/* CUnit entry point of libppp's unit tests: one register function per file. */
#include "testsupport.h"

void test_version_register(void);
void test_fsm_register(void);
void test_crypto_register(void);
void test_session_register(void);
void test_input_register(void);
void test_capture_register(void);
void test_ctx_register(void);
void test_queue_register(void);
void test_timer_register(void);
void test_data_register(void);
void test_config_register(void);
void test_cp_register(void);
void test_auth_register(void);
void test_auth_ns_register(void);
void test_pap_register(void);
void test_chap_register(void);
void test_mschapv2_register(void);
void test_harden_register(void);

static const ts_register_fn suites[] = {
	test_version_register,
	test_fsm_register,
	test_crypto_register,
	test_session_register,
	test_input_register,
	test_capture_register,
	test_ctx_register,
	test_queue_register,
	test_timer_register,
	test_data_register,
	test_config_register,
	test_cp_register,
	test_auth_register,
	test_auth_ns_register,
	test_pap_register,
	test_chap_register,
	test_mschapv2_register,
	test_harden_register,
};

int
main(int argc, char **argv)
{
	return ts_cunit_main(argc, argv, suites, sizeof(suites) / sizeof(suites[0]));
}
