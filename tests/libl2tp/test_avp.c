#include <CUnit/CUnit.h>
void test_avp_register(void);
void test_avp_register(void) {}
