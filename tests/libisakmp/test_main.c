/* CUnit entry point of libisakmp's unit tests: one register function per file. */
#include "testsupport.h"

void test_version_register(void);
void test_exchange_register(void);
void test_crypto_register(void);
void test_behaviour_register(void);
void test_quirks_register(void);
void test_lifetime_register(void);
void test_peer_register(void);
void test_natt_register(void);
void test_policy_register(void);
void test_timers_register(void);
void test_show_register(void);
void test_payload_register(void);
void test_proposal_register(void);
void test_tables_register(void);
void test_msgcrypt_register(void);
void test_harden_register(void);

static const ts_register_fn suites[] = {
	test_version_register,
	test_exchange_register,
	test_crypto_register,
	test_behaviour_register,
	test_quirks_register,
	test_lifetime_register,
	test_peer_register,
	test_natt_register,
	test_policy_register,
	test_timers_register,
	test_show_register,
	test_payload_register,
	test_proposal_register,
	test_tables_register,
	test_msgcrypt_register,
	test_harden_register,
};

int
main(int argc, char **argv)
{
	return ts_cunit_main(argc, argv, suites, sizeof(suites) / sizeof(suites[0]));
}
