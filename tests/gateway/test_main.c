/* CUnit entry point of the configuration layer's unit tests. */
#include "testsupport.h"

void test_conf_lex_register(void);
void test_conf_register(void);
void test_conf_check_register(void);
void test_conf_print_register(void);
void test_conf_keys_register(void);

static const ts_register_fn suites[] = {
	test_conf_lex_register,
	test_conf_register,
	test_conf_check_register,
	test_conf_print_register,
	test_conf_keys_register,
};

int
main(int argc, char **argv)
{
	return ts_cunit_main(argc, argv, suites, sizeof(suites) / sizeof(suites[0]));
}
