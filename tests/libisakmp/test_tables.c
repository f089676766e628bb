/*
 * test_tables.c - the lookup structures (hash.c) and the IKE SA table
 * (table.c): a chained table growing from 64 buckets to thousands, removal,
 * growth refused by the allocator (the table keeps working), dense arrays
 * keeping each object's index, and SA lookup by cookies among many SAs.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_tables_register(void);

struct item {
	struct hlink l;
	uint32_t key;
	uint32_t vidx;
};

#define N_ITEMS 5000

static struct item *
find(struct isakmp_ctx *ctx, struct htab *t, uint32_t key)
{
	struct hlink *l;

	for (l = iki_ht_first(t, iki_ht_hash(ctx, &key, sizeof(key))); l != NULL; l = iki_ht_next(l)) {
		struct item *it = HT_ENTRY(l, struct item, l);

		if (it->key == key)
			return it;
	}
	return NULL;
}

static void
test_hash_table(void)
{
	struct h_side s;
	struct htab t;
	struct item *items = calloc(N_ITEMS, sizeof(*items));
	size_t i, found = 0;
	uint32_t mask_before;

	CU_ASSERT_PTR_NOT_NULL_FATAL(items);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&s, NULL, NULL, 1100), 0);
	CU_ASSERT_EQUAL_FATAL(iki_ht_init(s.ctx, &t), 0);
	CU_ASSERT_EQUAL(t.mask, 63);
	for (i = 0; i < N_ITEMS; i++) {
		items[i].key = (uint32_t)(i * 7919u);
		iki_ht_insert(s.ctx, &t, &items[i].l, iki_ht_hash(s.ctx, &items[i].key, 4));
	}
	CU_ASSERT_EQUAL(t.n, N_ITEMS);
	CU_ASSERT(t.mask + 1 >= N_ITEMS / 2);   /* grew: chains stay short */
	for (i = 0; i < N_ITEMS; i++)
		found += find(s.ctx, &t, items[i].key) == &items[i];
	CU_ASSERT_EQUAL(found, N_ITEMS);
	CU_ASSERT_PTR_NULL(find(s.ctx, &t, 1));
	for (i = 0; i < N_ITEMS; i += 2)
		iki_ht_remove(&t, &items[i].l);
	CU_ASSERT_EQUAL(t.n, N_ITEMS / 2);
	for (i = 0, found = 0; i < N_ITEMS; i++)
		found += find(s.ctx, &t, items[i].key) == (i % 2 ? &items[i] : NULL);
	CU_ASSERT_EQUAL(found, N_ITEMS);
	/* Growth refused by the allocator: insertion still works, chains get longer. */
	mask_before = t.mask;
	s.alloc.fail_at = s.alloc.count + 1;
	s.alloc.fail_all_after = true;
	for (i = 0; i < N_ITEMS; i += 2)
		iki_ht_insert(s.ctx, &t, &items[i].l, iki_ht_hash(s.ctx, &items[i].key, 4));
	for (i = 0; i < 3 * N_ITEMS; i++) {
		static struct item extra[3 * N_ITEMS];

		extra[i].key = 0x80000000u + (uint32_t)i;
		iki_ht_insert(s.ctx, &t, &extra[i].l, iki_ht_hash(s.ctx, &extra[i].key, 4));
	}
	CU_ASSERT_EQUAL(t.mask, mask_before);
	CU_ASSERT(s.alloc.failed >= 1);
	for (i = 0, found = 0; i < N_ITEMS; i++)
		found += find(s.ctx, &t, items[i].key) == &items[i];
	CU_ASSERT_EQUAL(found, N_ITEMS);
	CU_ASSERT_PTR_NOT_NULL(find(s.ctx, &t, 0x80000000u + 3 * N_ITEMS - 1));
	s.alloc.fail_at = 0;
	s.alloc.fail_all_after = false;
	iki_ht_fini(s.ctx, &t);
	isakmp_ctx_free(s.ctx);
	CU_ASSERT_EQUAL(s.alloc.live, 0);
	free(items);
}

/* The keyed hash differs between contexts (a peer cannot aim at one bucket). */
static void
test_hash_keyed(void)
{
	struct h_side a, b;
	static const uint8_t ck[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	CU_ASSERT_EQUAL_FATAL(h_side_init(&a, NULL, NULL, 1101), 0);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&b, NULL, NULL, 1102), 0);
	CU_ASSERT_EQUAL(iki_ht_hash(a.ctx, ck, 8), iki_ht_hash(a.ctx, ck, 8));
	CU_ASSERT(iki_ht_hash(a.ctx, ck, 8) != iki_ht_hash(b.ctx, ck, 8));
	isakmp_ctx_free(a.ctx);
	isakmp_ctx_free(b.ctx);
}

static void
test_vec(void)
{
	struct h_side s;
	struct vec v;
	struct item it[100];
	struct item *moved;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(h_side_init(&s, NULL, NULL, 1103), 0);
	memset(&v, 0, sizeof(v));
	for (i = 0; i < 100; i++) {
		it[i].key = (uint32_t)i;
		CU_ASSERT_EQUAL(iki_vec_add(s.ctx, &v, &it[i], &it[i].vidx), 0);
		CU_ASSERT_EQUAL(it[i].vidx, i);
	}
	/* Removing from the middle moves the last object into the hole. */
	moved = iki_vec_del(&v, it[10].vidx);
	CU_ASSERT_PTR_EQUAL(moved, &it[99]);
	moved->vidx = it[10].vidx;
	CU_ASSERT_PTR_EQUAL(v.v[10], &it[99]);
	CU_ASSERT_EQUAL(v.n, 99);
	/* Removing the last moves nothing. */
	CU_ASSERT_PTR_NULL(iki_vec_del(&v, 98));
	CU_ASSERT_PTR_NULL(iki_vec_del(&v, 500));
	for (i = 0; i < v.n; i++)
		CU_ASSERT_EQUAL(((struct item *)v.v[i])->vidx, i);
	/* Growth refused: a specific error, the array unchanged. */
	while (v.n < v.cap)
		CU_ASSERT_EQUAL(iki_vec_add(s.ctx, &v, &it[0], &it[0].vidx), 0);
	s.alloc.fail_at = s.alloc.count + 1;
	CU_ASSERT_EQUAL(iki_vec_add(s.ctx, &v, &it[1], &it[1].vidx), ISAKMP_E_NOMEM);
	CU_ASSERT_EQUAL(v.n, v.cap);
	iki_vec_fini(s.ctx, &v);
	isakmp_ctx_free(s.ctx);
	CU_ASSERT_EQUAL(s.alloc.live, 0);
}

/* 500 half-open SAs: each MM1 retransmission finds its own SA by cookie and tuple. */
static void
test_sa_lookup_many(void)
{
	struct isakmp_policy p;
	struct isakmp_config cfg;
	struct h_side c, s;
	struct isakmp_stats st;
	struct isakmp_addr l = { H_CLIENT_IP, 0 }, r = { H_SERVER_IP, 500 }, f, t;
	static uint8_t mm1[500][512];
	static size_t len1[500];
	static struct isakmp_addr from[500];
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t i, len;

	h_policy_default(&p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_ike_sas = 600;
	cfg.max_half_open = 600;
	cfg.max_half_open_per_ip = cfg.max_half_open;   /* one client address */
	cfg.max_ike_sas_per_ip = cfg.max_ike_sas;
	cfg.cookie_threshold = UINT32_MAX;              /* every MM1 makes state */
	cfg.cookie_threshold_per_ip = UINT32_MAX;
	CU_ASSERT_EQUAL_FATAL(h_side_init(&c, &cfg, &p, 1104), 0);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&s, &cfg, &p, 1105), 0);
	for (i = 0; i < 500; i++) {
		l.port = (uint16_t)(20000 + i);
		CU_ASSERT_EQUAL(isakmp_initiate(c.ctx, 0, c.pid, &l, &r, NULL), 0);
		CU_ASSERT_EQUAL_FATAL(isakmp_next_output(c.ctx, 0, b, sizeof(b), &len, &f, &t), 0);
		CU_ASSERT_FATAL(len <= sizeof(mm1[i]));
		memcpy(mm1[i], b, len);
		len1[i] = len;
		from[i] = f;
		CU_ASSERT_EQUAL(isakmp_input(s.ctx, 0, b, len, &f, &t), 0);
		while (isakmp_next_output(s.ctx, 0, b, sizeof(b), &len, &f, &t) == 0)
			;
	}
	/* Retransmissions, in reverse order: answered from each SA's stored MM2. */
	for (i = 500; i-- > 0;) {
		CU_ASSERT_EQUAL(isakmp_input(s.ctx, 0, mm1[i], len1[i], &from[i], &r), 0);
		CU_ASSERT_EQUAL(isakmp_next_output(s.ctx, 0, b, sizeof(b), &len, &f, &t), 0);
		CU_ASSERT_EQUAL(t.port, from[i].port);
		CU_ASSERT_EQUAL(memcmp(b, mm1[i], 8), 0);   /* its initiator cookie */
	}
	isakmp_get_stats(s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_retransmits, 500);
	CU_ASSERT_EQUAL(s.ctx->n_sas, 500);
	/* The same MM1 from another port is a new exchange (the tuple differs). */
	from[0].port = 30000;
	CU_ASSERT_EQUAL(isakmp_input(s.ctx, 0, mm1[0], len1[0], &from[0], &r), 0);
	CU_ASSERT_EQUAL(s.ctx->n_sas, 501);
	isakmp_ctx_free(c.ctx);
	isakmp_ctx_free(s.ctx);
	CU_ASSERT_EQUAL(s.alloc.live, 0);
}

void
test_tables_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_tables", NULL, NULL);

	CU_add_test(s, "hash table growth, removal, refused growth", test_hash_table);
	CU_add_test(s, "keyed hash per context", test_hash_keyed);
	CU_add_test(s, "dense arrays keep indexes", test_vec);
	CU_add_test(s, "SA lookup by cookies among 500 SAs", test_sa_lookup_many);
}
