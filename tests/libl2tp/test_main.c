/* CUnit entry point of libl2tp's unit tests: one register function per file,
 * one file per source concern. */
#include "testsupport.h"

void test_version_register(void);
void test_ctx_register(void);
void test_tables_register(void);
void test_avp_register(void);
void test_reliable_register(void);
void test_timers_register(void);
void test_tunnel_register(void);
void test_call_register(void);
void test_input_register(void);
void test_data_register(void);
void test_harden_register(void);

static const ts_register_fn suites[] = {
	test_version_register,
	test_ctx_register,
	test_tables_register,
	test_avp_register,
	test_reliable_register,
	test_timers_register,
	test_tunnel_register,
	test_call_register,
	test_input_register,
	test_data_register,
	test_harden_register,
};

int
main(int argc, char **argv)
{
	return ts_cunit_main(argc, argv, suites, sizeof(suites) / sizeof(suites[0]));
}
