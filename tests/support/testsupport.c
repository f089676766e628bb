#include "testsupport.h"

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
ts_rng_init(struct ts_rng *r, uint64_t seed)
{
	r->seed = seed;
	r->counter = 0;
}

void
ts_rng_fill(struct ts_rng *r, void *buf, size_t len)
{
	unsigned char key[randombytes_SEEDBYTES];

	memset(key, 0, sizeof(key));
	memcpy(key, &r->seed, sizeof(r->seed));
	memcpy(key + 8, &r->counter, sizeof(r->counter));
	r->counter++;
	randombytes_buf_deterministic(buf, len, key);
}

uint32_t
ts_rng_u32(struct ts_rng *r)
{
	uint32_t v;

	ts_rng_fill(r, &v, sizeof(v));
	return v;
}

int
ts_rng_cb(void *user, void *buf, size_t len)
{
	ts_rng_fill(user, buf, len);
	return 0;
}

/* Each block carries its size in a header so live_bytes stays exact. */
struct ts_block {
	size_t size;
	max_align_t align[];
};

void
ts_alloc_init(struct ts_alloc *a)
{
	memset(a, 0, sizeof(*a));
}

void *
ts_alloc_cb(void *user, size_t size)
{
	struct ts_alloc *a = user;
	struct ts_block *b;

	if (a != NULL) {
		a->count++;
		if (a->fail_at != 0 && (a->count == a->fail_at ||
		    (a->fail_all_after && a->count > a->fail_at))) {
			a->failed++;
			return NULL;
		}
	}
	b = calloc(1, sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->size = size;
	if (a != NULL) {
		a->live++;
		a->live_bytes += size;
		if (a->live_bytes > a->peak_bytes)
			a->peak_bytes = a->live_bytes;
	}
	return b->align;
}

void
ts_free_cb(void *user, void *ptr)
{
	struct ts_alloc *a = user;
	struct ts_block *b;

	if (ptr == NULL)
		return;
	b = (struct ts_block *)((char *)ptr - offsetof(struct ts_block, align));
	if (a != NULL) {
		a->live--;
		a->live_bytes -= b->size;
	}
	free(b);
}

void
ts_log_init(struct ts_log *l)
{
	memset(l, 0, sizeof(*l));
	l->verbose = getenv("TS_VERBOSE") != NULL;
}

void
ts_log_cb(void *user, int level, const char *msg)
{
	struct ts_log *l = user;

	if (l == NULL)
		return;
	l->lines++;
	if (level >= 0 && level < 8)
		l->by_level[level]++;
	snprintf(l->last, sizeof(l->last), "%s", msg);
	if (l->verbose)
		fprintf(stderr, "log[%d]: %s\n", level, msg);
}

bool
ts_log_last_contains(const struct ts_log *l, const char *needle)
{
	return strstr(l->last, needle) != NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
ts_hex2bin(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex != '\0'; hex++) {
		int v;

		if (*hex == ' ' || *hex == '\n' || *hex == '\t' || *hex == ':')
			continue;
		v = hexval((unsigned char)*hex);
		if (v < 0)
			return (size_t)-1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			return (size_t)-1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? n : (size_t)-1;
}

void
ts_hexprint(FILE *f, const char *label, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	fprintf(f, "%s (%zu bytes):", label, len);
	for (i = 0; i < len; i++)
		fprintf(f, "%s%02x", i % 32 == 0 ? "\n  " : "", p[i]);
	fprintf(f, "\n");
}

bool
ts_bytes_equal(const char *what, const void *got, size_t got_len,
    const void *want, size_t want_len)
{
	if (got_len == want_len && (got_len == 0 || memcmp(got, want, got_len) == 0))
		return true;
	fprintf(stderr, "\nmismatch: %s\n", what);
	ts_hexprint(stderr, "  got ", got, got_len);
	ts_hexprint(stderr, "  want", want, want_len);
	return false;
}

int
ts_cunit_main(int argc, char **argv, const ts_register_fn *fns, size_t n)
{
	unsigned int failures;
	size_t i;

	if (sodium_init() < 0)
		return 99;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	for (i = 0; i < n; i++)
		fns[i]();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit registration failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 99;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		CU_pSuite s = CU_get_suite(argv[1]);

		if (s == NULL) {
			fprintf(stderr, "no suite named %s\n", argv[1]);
			CU_cleanup_registry();
			return 99;
		}
		CU_basic_run_suite(s);
	} else
		CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_run_summary()->nTestsRun == 0) {
		fprintf(stderr, "no test ran\n");
		failures = 1;
	}
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}

uint64_t
ts_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
