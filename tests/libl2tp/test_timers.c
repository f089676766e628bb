#include <CUnit/CUnit.h>
void test_timers_register(void);
void test_timers_register(void) {}
