/*
 * replay_main.c - runs a libFuzzer target without libFuzzer, for `make check`.
 *
 * Every file of the target's seed corpus (FUZZ_CORPUS_DIR) is fed as is, then
 * every truncated prefix, then deterministic single-bit flips, byte
 * substitutions and a fixed number of seeded random multi-byte mutations.
 * Files named on the command line are run instead (to reproduce a crash).
 * A crash, sanitizer report or leak fails the test; the driver prints how many
 * inputs it ran.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#ifndef FUZZ_CORPUS_DIR
#error "FUZZ_CORPUS_DIR must name the seed corpus directory"
#endif

#define REPLAY_MAX_INPUT (1u << 16)

static unsigned long long runs;

static uint64_t
xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void
run(const uint8_t *d, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);

	/* A fresh heap copy of exactly n bytes so ASan catches over-reads. */
	if (copy == NULL)
		abort();
	memcpy(copy, d, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	runs++;
}

static void
mutate_all(const uint8_t *d, size_t n, uint64_t seed)
{
	uint8_t *m = malloc(n ? n : 1);
	size_t i, bit, k;
	uint64_t s = seed | 1;

	if (m == NULL)
		abort();
	run(d, n);
	for (i = 0; i < n; i++)
		run(d, i);
	/* Single-bit flips: every bit of the first 512 bytes. */
	for (bit = 0; bit < n * 8 && bit < 512 * 8; bit++) {
		memcpy(m, d, n);
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		run(m, n);
	}
	/* Interesting byte values at every position of the first 256 bytes. */
	for (i = 0; i < n && i < 256; i++) {
		static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };

		for (k = 0; k < sizeof(vals); k++) {
			memcpy(m, d, n);
			m[i] = vals[k];
			run(m, n);
		}
	}
	/* Seeded random multi-byte mutations. */
	for (k = 0; k < 2000 && n > 0; k++) {
		size_t j, nmut = 1 + xorshift(&s) % 8;

		memcpy(m, d, n);
		for (j = 0; j < nmut; j++)
			m[xorshift(&s) % n] = (uint8_t)xorshift(&s);
		run(m, n);
	}
	free(m);
}

static int
load(const char *path, uint8_t *buf, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	*len = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	static uint8_t buf[REPLAY_MAX_INPUT];
	size_t len, files = 0;
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			if (load(argv[i], buf, &len) != 0) {
				perror(argv[i]);
				return 1;
			}
			run(buf, len);
		}
		printf("replay: %d inputs\n", argc - 1);
		return 0;
	}

	DIR *dir = opendir(FUZZ_CORPUS_DIR);
	struct dirent *de;
	char path[4096];

	if (dir == NULL) {
		perror(FUZZ_CORPUS_DIR);
		return 1;
	}
	while ((de = readdir(dir)) != NULL) {
		uint64_t seed = 0x9e3779b97f4a7c15ULL;
		const char *c;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", FUZZ_CORPUS_DIR, de->d_name);
		if (load(path, buf, &len) != 0)
			continue;
		for (c = de->d_name; *c != '\0'; c++)
			seed = seed * 31 + (unsigned char)*c;
		mutate_all(buf, len, seed);
		files++;
	}
	closedir(dir);
	if (files == 0) {
		fprintf(stderr, "replay: empty corpus %s\n", FUZZ_CORPUS_DIR);
		return 1;
	}
	printf("replay: %zu seed files, %llu executions, 0 crashes\n", files, runs);
	return 0;
}
