/* Table tests (tables.c): IDs, user tags, enumeration. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_tables_register(void);

#define SEC 1000000000ull

static void
test_ids_random_unique(void)
{
	struct h_pair p;
	uint16_t ids[64];
	unsigned i, j;
	struct l2tp_config c;

	h_default_config(&c, L2TP_ROLE_LAC);
	c.max_half_open = 64;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &c, NULL), 0);
	for (i = 0; i < 64; i++) {
		CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &ids[i]), 0);
		CU_ASSERT_NOT_EQUAL(ids[i], 0);
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(ids[i], ids[j]);
	}
	/* Not sequential: the IDs are drawn from the rng. */
	CU_ASSERT_NOT_EQUAL((uint16_t)(ids[0] + 1), ids[1]);
	h_pair_free(&p);
}

/* @NEW@ */

void
test_tables_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_tables", NULL, NULL);

	CU_add_test(s, "tunnel IDs random, non-zero, unique", test_ids_random_unique);
}
