/* esp_test.h - helpers shared by libesp's unit tests. */
#ifndef ESP_TEST_H
#define ESP_TEST_H

#include <CUnit/CUnit.h>
#include <string.h>

#include <roadgate/esp.h>
#include "esp_internal.h"
#include "testsupport.h"

struct et {
	struct ts_rng rng;
	struct ts_alloc alloc;
	struct ts_log log;
	struct esp_hooks hooks;
	struct esp_ctx *ctx;
};

int et_rng(void *user, void *buf, size_t len);
void *et_alloc(void *user, size_t size);
void et_free(void *user, void *ptr);
void et_log(void *user, int level, const char *msg);

/* Opens t->ctx (asserts success). */
void et_init(struct et *t, const struct esp_config *cfg);
/* Frees t->ctx and checks nothing leaked. */
void et_fini(struct et *t);

/* Fills an SA config: keys derived deterministically from spi. */
void et_sa_cfg(struct esp_sa_config *c, uint32_t spi, enum esp_dir dir,
    enum esp_enc_alg enc, size_t keylen, enum esp_integ_alg integ);

/* Algorithm suites used by the round-trip tests, oracle and fuzzer. */
struct et_suite {
	const char *name;
	enum esp_enc_alg enc;
	size_t keylen;
	enum esp_integ_alg integ;
};
extern const struct et_suite et_suites[];
extern const size_t et_nsuites;

/* Builds an IPv4/UDP packet (src:1701 -> dst:1701) with payload n bytes of
 * pattern, valid IP and UDP checksums, at buf; returns its length. */
size_t et_udp_packet(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, size_t n);
/* Independent one's complement checksum helpers for verification. */
uint16_t et_csum(const uint8_t *p, size_t n, uint32_t sum);
bool et_l4_csum_ok(const uint8_t *ip, size_t len);

#endif
