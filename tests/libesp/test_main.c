/* CUnit entry point of libesp's unit tests: one register function per file. */
#include "testsupport.h"

void test_version_register(void);
void test_vectors_register(void);
void test_sad_register(void);
void test_badinput_register(void);
void test_roundtrip_register(void);
void test_natt_register(void);
void test_replay_register(void);
void test_peer_register(void);
void test_select_register(void);
void test_timer_register(void);
void test_names_register(void);
void test_isakmp_sa_register(void);

static const ts_register_fn suites[] = {
	test_version_register,
	test_vectors_register,
	test_sad_register,
	test_badinput_register,
	test_roundtrip_register,
	test_natt_register,
	test_replay_register,
	test_peer_register,
	test_select_register,
	test_timer_register,
	test_names_register,
	test_isakmp_sa_register,
};

int
main(int argc, char **argv)
{
	return ts_cunit_main(argc, argv, suites, sizeof(suites) / sizeof(suites[0]));
}
