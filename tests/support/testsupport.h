/*
 * testsupport.h - helpers shared by the unit tests, fuzz targets and
 * benchmarks of every library.  Not installed; not part of any library.
 */
#ifndef TESTSUPPORT_H
#define TESTSUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Deterministic RNG (ChaCha20 keystream from libsodium, keyed by a seed). */
struct ts_rng {
	uint64_t seed;
	uint64_t counter;
};
void ts_rng_init(struct ts_rng *r, uint64_t seed);
void ts_rng_fill(struct ts_rng *r, void *buf, size_t len);
uint32_t ts_rng_u32(struct ts_rng *r);
/* Callback shape used by the libraries' hooks: user is a struct ts_rng *. */
int ts_rng_cb(void *user, void *buf, size_t len);

/*
 * Allocator with failure injection and accounting.  fail_at = N makes the
 * N-th allocation (1-based) fail; 0 never fails.  fail_after_first makes every
 * allocation from fail_at on fail.
 */
struct ts_alloc {
	size_t fail_at;
	bool fail_all_after;
	size_t count;      /* allocations attempted */
	size_t failed;     /* allocations refused */
	size_t live;       /* blocks currently allocated */
	size_t live_bytes; /* bytes currently allocated */
	size_t peak_bytes;
};
void ts_alloc_init(struct ts_alloc *a);
void *ts_alloc_cb(void *user, size_t size);   /* zeroed memory */
void ts_free_cb(void *user, void *ptr);

/* Log capture: counts lines per level, keeps the last one, prints if verbose. */
struct ts_log {
	size_t lines;
	size_t by_level[8];
	char last[512];
	bool verbose;      /* set from $TS_VERBOSE by ts_log_init */
};
void ts_log_init(struct ts_log *l);
void ts_log_cb(void *user, int level, const char *msg);
/* True if any captured line so far contained needle (only the last is kept,
 * so call right after the operation). */
bool ts_log_last_contains(const struct ts_log *l, const char *needle);

/* Hex helpers.  ts_hex2bin skips whitespace; returns bytes written or
 * (size_t)-1 on a bad digit, odd length or overflow of cap. */
size_t ts_hex2bin(uint8_t *out, size_t cap, const char *hex);
void ts_hexprint(FILE *f, const char *label, const void *buf, size_t len);

/* Compare byte strings; on mismatch print both in hex and return false. */
bool ts_bytes_equal(const char *what, const void *got, size_t got_len,
    const void *want, size_t want_len);

/* CUnit glue: TS_ASSERT_BYTES(what, got, got_len, want, want_len). */
#define TS_ASSERT_BYTES(what, g, gl, w, wl) \
	CU_ASSERT_TRUE(ts_bytes_equal((what), (g), (gl), (w), (wl)))

/*
 * Runs a CUnit program: creates the registry, calls each register function
 * (which adds its suites), runs all tests in verbose basic mode, and returns
 * the process exit status (0 if every assertion passed and nothing failed to
 * register).  argv[1], if given, names a single suite to run.
 */
typedef void (*ts_register_fn)(void);
int ts_cunit_main(int argc, char **argv, const ts_register_fn *fns, size_t n);

/* Monotonic clock for benchmarks only (libraries never read a clock). */
uint64_t ts_now_ns(void);

#endif /* TESTSUPPORT_H */
