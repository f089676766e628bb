/*
 * test_heap.c - common/rg_heap.h against a brute-force model: random
 * inserts, moves, removals and pops over 2,000 objects with a deterministic
 * RNG; after every step the heap's minimum equals the model's and every
 * node's position points back at it.
 */
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "rg_heap.h"
#include "testsupport.h"

struct obj {
	struct rg_heap_node node;
	uint64_t want;		/* model: UINT64_MAX = not in the heap */
};

#define NOBJ 2000

static void *
t_alloc(void *user, size_t n)
{
	return ts_alloc_cb(user, n);
}

static void
t_free(void *user, void *p)
{
	ts_free_cb(user, p);
}

static bool
consistent(const struct rg_heap *h, const struct obj *o, size_t n)
{
	uint64_t min = UINT64_MAX;
	uint32_t in = 0, i;

	for (i = 0; i < n; i++) {
		if (o[i].want != UINT64_MAX) {
			in++;
			if (o[i].want < min)
				min = o[i].want;
			if (o[i].node.pos == 0 || h->v[o[i].node.pos - 1] != &o[i].node ||
			    o[i].node.when != o[i].want)
				return false;
		} else if (o[i].node.pos != 0) {
			return false;
		}
	}
	for (i = 1; i < h->n; i++)
		if (h->v[(i - 1) / 2]->when > h->v[i]->when)
			return false;
	return in == h->n && rg_heap_min(h) == min;
}

static void
test_heap_model(void)
{
	static struct obj o[NOBJ];
	struct rg_heap h;
	struct ts_alloc al;
	struct ts_rng rng;
	size_t i, step, bad = 0;

	ts_alloc_init(&al);
	ts_rng_init(&rng, 7);
	rg_heap_init(&h);
	for (i = 0; i < NOBJ; i++) {
		o[i].node.pos = 0;
		o[i].want = UINT64_MAX;
		CU_ASSERT_EQUAL_FATAL(rg_heap_reserve(&h, t_alloc, t_free, &al), 0);
	}
	CU_ASSERT_EQUAL(rg_heap_min(&h), UINT64_MAX);
	CU_ASSERT_PTR_NULL(rg_heap_top(&h));
	for (step = 0; step < 60000; step++) {
		uint32_t r = ts_rng_u32(&rng), k = ts_rng_u32(&rng) % NOBJ;

		switch (r % 4) {
		case 0: case 1:	/* set or move */
			o[k].want = ts_rng_u32(&rng) % 5000;
			rg_heap_set(&h, &o[k].node, o[k].want);
			break;
		case 2:		/* remove, sometimes through set(UINT64_MAX) */
			o[k].want = UINT64_MAX;
			if (r & 16)
				rg_heap_remove(&h, &o[k].node);
			else
				rg_heap_set(&h, &o[k].node, UINT64_MAX);
			break;
		case 3: {	/* pop the earliest */
			struct rg_heap_node *t = rg_heap_top(&h);

			if (t != NULL) {
				struct obj *ob = RG_HEAP_ENTRY(t, struct obj, node);

				if (ob->want != rg_heap_min(&h))
					bad++;
				ob->want = UINT64_MAX;
				rg_heap_remove(&h, t);
			}
			break;
		}
		}
		if ((step % 97) == 0 && !consistent(&h, o, NOBJ))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(consistent(&h, o, NOBJ));
	for (i = 0; i < NOBJ; i++)
		rg_heap_release(&h, &o[i].node);
	CU_ASSERT_EQUAL(h.n, 0);
	CU_ASSERT_EQUAL(h.reserved, 0);
	rg_heap_fini(&h, t_free, &al);
	CU_ASSERT_EQUAL(al.live, 0);
}

static void
test_heap_reserve_fails(void)
{
	struct rg_heap h;
	struct ts_alloc al;
	struct obj a = { { 0, 0 }, 0 };

	ts_alloc_init(&al);
	al.fail_at = 1;
	rg_heap_init(&h);
	CU_ASSERT_EQUAL(rg_heap_reserve(&h, t_alloc, t_free, &al), -1);
	CU_ASSERT_EQUAL(h.cap, 0);
	al.fail_at = 0;
	CU_ASSERT_EQUAL(rg_heap_reserve(&h, t_alloc, t_free, &al), 0);
	rg_heap_set(&h, &a.node, 42);
	CU_ASSERT_EQUAL(rg_heap_min(&h), 42);
	rg_heap_set(&h, &a.node, 7);
	CU_ASSERT_EQUAL(rg_heap_min(&h), 7);
	rg_heap_release(&h, &a.node);
	CU_ASSERT_EQUAL(rg_heap_min(&h), UINT64_MAX);
	rg_heap_fini(&h, t_free, &al);
	CU_ASSERT_EQUAL(al.live, 0);
}

static void
reg(void)
{
	CU_pSuite s = CU_add_suite("rg_heap", NULL, NULL);

	CU_add_test(s, "random operations against a model", test_heap_model);
	CU_add_test(s, "reservation failure leaves the heap usable", test_heap_reserve_fails);
}

int
main(int argc, char **argv)
{
	static const ts_register_fn fns[] = { reg };

	return ts_cunit_main(argc, argv, fns, 1);
}
