/*
 * test_replay.c - anti-replay window (replay.c): numbered boundary tables
 * for the window edges and the wrap of the ring bitmap (RFC 4303 §3.4.3),
 * and ESN high-half inference (RFC 4303 Appendix A2.2).
 */
#include "esp_test.h"

void test_replay_register(void);

struct step {
	uint64_t seq;
	int want;	/* ESP_OK (then recorded), ESP_E_REPLAY, ESP_E_TOO_OLD */
};

static void
run_table(uint32_t window, const struct step *t, size_t n)
{
	struct espi_replay rp;
	size_t i;
	int rc;

	espi_replay_init(&rp, window);
	for (i = 0; i < n; i++) {
		rc = espi_replay_check(&rp, t[i].seq);
		if (rc != t[i].want)
			fprintf(stderr, "\nwindow %u step %zu seq %llu: got %d want %d\n",
			    window, i + 1, (unsigned long long)t[i].seq, rc, t[i].want);
		CU_ASSERT_EQUAL(rc, t[i].want);
		if (rc == ESP_OK)
			espi_replay_update(&rp, t[i].seq);
	}
}

static void
test_window64_edges(void)
{
	static const struct step t[] = {
		/*  1 */ { 0, ESP_E_TOO_OLD },	/* never sent */
		/*  2 */ { 1, ESP_OK },
		/*  3 */ { 1, ESP_E_REPLAY },
		/*  4 */ { 64, ESP_OK },	/* window (1, 64] */
		/*  5 */ { 1, ESP_E_REPLAY },	/* still inside: 64 - 1 = 63 < 64 */
		/*  6 */ { 2, ESP_OK },
		/*  7 */ { 65, ESP_OK },	/* 1 falls out */
		/*  8 */ { 1, ESP_E_TOO_OLD },
		/*  9 */ { 2, ESP_E_REPLAY },	/* 65 - 2 = 63: last slot */
		/* 10 */ { 3, ESP_OK },
		/* 11 */ { 66, ESP_OK },
		/* 12 */ { 2, ESP_E_TOO_OLD },
		/* 13 */ { 3, ESP_E_REPLAY },
		/* 14 */ { 1000, ESP_OK },	/* jump beyond the bitmap */
		/* 15 */ { 937, ESP_OK },	/* 1000 - 937 = 63 */
		/* 16 */ { 936, ESP_E_TOO_OLD },
		/* 17 */ { 937, ESP_E_REPLAY },
		/* 18 */ { 999, ESP_OK },
		/* 19 */ { 999, ESP_E_REPLAY },
		/* 20 */ { 1000, ESP_E_REPLAY },
		/* 21 */ { 1001, ESP_OK },
		/* 22 */ { 938, ESP_OK },	/* 1001 - 938 = 63 */
		/* 23 */ { 937, ESP_E_TOO_OLD },
	};

	run_table(64, t, sizeof(t) / sizeof(t[0]));
}

/* Every seq in (top - W, top] is tracked while the ring wraps many times. */
static void
test_bitmap_wrap(void)
{
	static const uint32_t windows[] = { 64, 100, 128, 1000, 4096 };
	struct espi_replay rp;
	uint64_t s, top;
	size_t w;

	for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		uint32_t W = windows[w];

		espi_replay_init(&rp, W);
		CU_ASSERT(rp.nwords * 64 >= W + 64);
		CU_ASSERT(rp.nwords <= ESP_WORDS_MAX);
		/* Receive only even numbers up to 20 windows' worth. */
		for (s = 2; s <= 20ull * W; s += 2) {
			CU_ASSERT_EQUAL(espi_replay_check(&rp, s), ESP_OK);
			espi_replay_update(&rp, s);
		}
		top = 20ull * W;
		for (s = top - W + 1; s <= top; s++)
			CU_ASSERT_EQUAL(espi_replay_check(&rp, s),
			    s % 2 == 0 ? ESP_E_REPLAY : ESP_OK);
		CU_ASSERT_EQUAL(espi_replay_check(&rp, top - W), ESP_E_TOO_OLD);
		/* A jump of exactly one bitmap clears stale bits. */
		s = top + (uint64_t)rp.nwords * 64;
		espi_replay_update(&rp, s);
		CU_ASSERT_EQUAL(espi_replay_check(&rp, s - 1), ESP_OK);
		CU_ASSERT_EQUAL(espi_replay_check(&rp, s - W + 1), ESP_OK);
		CU_ASSERT_EQUAL(espi_replay_check(&rp, s), ESP_E_REPLAY);
	}
}

/* Window 4096 edges. */
static void
test_window4096_edges(void)
{
	static const struct step t[] = {
		/* 1 */ { 5000, ESP_OK },
		/* 2 */ { 905, ESP_OK },	/* 5000 - 905 = 4095 */
		/* 3 */ { 904, ESP_E_TOO_OLD },
		/* 4 */ { 905, ESP_E_REPLAY },
		/* 5 */ { 9096, ESP_OK },
		/* 6 */ { 5001, ESP_OK },	/* 9096 - 5001 = 4095 */
		/* 7 */ { 5000, ESP_E_TOO_OLD },
		/* 8 */ { 9095, ESP_OK },
		/* 9 */ { 9095, ESP_E_REPLAY },
	};

	run_table(4096, t, sizeof(t) / sizeof(t[0]));
}

/* RFC 4303 App. A2.2 cases, W = 64. */
static void
test_esn_inference(void)
{
	static const struct {
		uint64_t top;
		uint32_t lo;
		uint64_t want;
	} t[] = {
		/* 1: case A, same subspace */
		{ 0x0000000500001000ull, 0x00001001, 0x0000000500001001ull },
		/* 2: case A, at the left edge Tl - W + 1 */
		{ 0x0000000500001000ull, 0x00000fc1, 0x0000000500000fc1ull },
		/* 3: case A, below the window: must be the next subspace */
		{ 0x0000000500001000ull, 0x00000fc0, 0x0000000600000fc0ull },
		/* 4: case A, top near the end of the subspace, low wrapped */
		{ 0x00000005fffffff0ull, 0x00000003, 0x0000000600000003ull },
		/* 5: case B, window spans two subspaces: late packet */
		{ 0x0000000600000010ull, 0xfffffff0, 0x00000005fffffff0ull },
		/* 6: case B, new packet in the current subspace */
		{ 0x0000000600000010ull, 0x00000020, 0x0000000600000020ull },
		/* 7: case B, the oldest slot Tl - W + 1 (mod 2^32) */
		{ 0x0000000600000010ull, 0xffffffd1, 0x00000005ffffffd1ull },
		/* 8: case B just beyond the window (still treated as current) */
		{ 0x0000000600000010ull, 0xffffffd0, 0x00000006ffffffd0ull },
		/* 9: start of the SA: nothing received, Th = 0 */
		{ 0, 0xffffffff, 0x00000000ffffffffull },
		/* 10: top exactly W - 1 (boundary between the cases) */
		{ 0x000000070000003full, 0x00000000, 0x0000000700000000ull },
	};
	struct espi_replay rp;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t got;

		espi_replay_init(&rp, 64);
		rp.top = t[i].top;
		got = espi_replay_infer(&rp, t[i].lo, true);
		if (got != t[i].want)
			fprintf(stderr, "\nESN case %zu: got %016llx want %016llx\n",
			    i + 1, (unsigned long long)got,
			    (unsigned long long)t[i].want);
		CU_ASSERT_EQUAL(got, t[i].want);
		/* Without ESN the low half is the number. */
		CU_ASSERT_EQUAL(espi_replay_infer(&rp, t[i].lo, false), t[i].lo);
	}
}

void
test_replay_register(void)
{
	CU_pSuite s = CU_add_suite("esp_replay", NULL, NULL);

	CU_add_test(s, "window 64 edges", test_window64_edges);
	CU_add_test(s, "window 4096 edges", test_window4096_edges);
	CU_add_test(s, "bitmap wrap", test_bitmap_wrap);
	CU_add_test(s, "ESN inference", test_esn_inference);
}
