/*
 * CUnit entry point of libfw's unit tests: one register function per file,
 * one file per source concern (see the table in libfw/src/fw_int.h).
 */
#include "testsupport.h"

void test_version_register(void);
void test_policy_register(void);
void test_tcp_register(void);
void test_nat_register(void);
void test_icmp_register(void);
void test_frag_register(void);
void test_badinput_register(void);
void test_table_register(void);
void test_mss_register(void);
void test_iface_register(void);
void test_quota_register(void);
void test_ipsec_register(void);
void test_ctx_register(void);

static const ts_register_fn suites[] = {
	test_version_register,
	test_policy_register,
	test_tcp_register,
	test_nat_register,
	test_icmp_register,
	test_frag_register,
	test_badinput_register,
	test_table_register,
	test_mss_register,
	test_iface_register,
	test_quota_register,
	test_ipsec_register,
	test_ctx_register,
};

int
main(int argc, char **argv)
{
	return ts_cunit_main(argc, argv, suites, sizeof(suites) / sizeof(suites[0]));
}
