/* esp_test.c - helpers shared by libesp's unit tests (see esp_test.h). */
#include "esp_test.h"

#include <stdlib.h>

int
et_rng(void *user, void *buf, size_t len)
{
	struct et *t = user;

	return ts_rng_cb(&t->rng, buf, len);
}

void *
et_alloc(void *user, size_t size)
{
	struct et *t = user;

	return ts_alloc_cb(&t->alloc, size);
}

void
et_free(void *user, void *ptr)
{
	struct et *t = user;

	ts_free_cb(&t->alloc, ptr);
}

void
et_log(void *user, int level, const char *msg)
{
	struct et *t = user;

	ts_log_cb(&t->log, level, msg);
}

void
et_init(struct et *t, const struct esp_config *cfg)
{
	memset(t, 0, sizeof(*t));
	ts_rng_init(&t->rng, 42);
	ts_alloc_init(&t->alloc);
	ts_log_init(&t->log);
	t->hooks.user = t;
	t->hooks.rng = et_rng;
	t->hooks.alloc = et_alloc;
	t->hooks.free = et_free;
	t->hooks.log = et_log;
	CU_ASSERT_EQUAL_FATAL(esp_ctx_new(&t->ctx, cfg, &t->hooks), ESP_OK);
}

void
et_fini(struct et *t)
{
	esp_ctx_free(t->ctx);
	t->ctx = NULL;
	CU_ASSERT_EQUAL(t->alloc.live, 0);
}

void
et_sa_cfg(struct esp_sa_config *c, uint32_t spi, enum esp_dir dir,
    enum esp_enc_alg enc, size_t keylen, enum esp_integ_alg integ)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->spi = spi;
	c->dir = dir;
	c->mode = ESP_MODE_TRANSPORT;
	c->enc_alg = enc;
	c->enc_key_len = keylen;
	for (i = 0; i < keylen; i++)
		c->enc_key[i] = (uint8_t)(spi * 7 + i);
	for (i = 0; i < ESP_SALT_LEN; i++)
		c->salt[i] = (uint8_t)(0xa0 + i);
	c->integ_alg = integ;
	switch (integ) {
	case ESP_INTEG_HMAC_MD5_96:
		c->integ_key_len = 16;
		break;
	case ESP_INTEG_HMAC_SHA1_96:
		c->integ_key_len = 20;
		break;
	case ESP_INTEG_HMAC_SHA256_128:
	case ESP_INTEG_HMAC_SHA256_96:
		c->integ_key_len = 32;
		break;
	default:
		c->integ_key_len = 0;
	}
	for (i = 0; i < c->integ_key_len; i++)
		c->integ_key[i] = (uint8_t)(0x40 + spi + i);
	c->local_addr = 0xc0000201;	/* 192.0.2.1 */
	c->peer_addr = 0xc0000202;	/* 192.0.2.2 */
}

const struct et_suite et_suites[] = {
	{ "null-sha1", ESP_ENC_NULL, 0, ESP_INTEG_HMAC_SHA1_96 },
	{ "3des-sha1", ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_SHA1_96 },
	{ "3des-md5", ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_MD5_96 },
	{ "aes128-sha1", ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA1_96 },
	{ "aes192-md5", ESP_ENC_AES_CBC, 24, ESP_INTEG_HMAC_MD5_96 },
	{ "aes256-sha256", ESP_ENC_AES_CBC, 32, ESP_INTEG_HMAC_SHA256_128 },
	{ "aes128-sha256_96", ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA256_96 },
	{ "aes128gcm16", ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE },
	{ "aes192gcm16", ESP_ENC_AES_GCM_16, 24, ESP_INTEG_NONE },
	{ "aes256gcm16", ESP_ENC_AES_GCM_16, 32, ESP_INTEG_NONE },
	{ "chacha20poly1305", ESP_ENC_CHACHA20_POLY1305, 32, ESP_INTEG_NONE },
	{ "aes128-none", ESP_ENC_AES_CBC, 16, ESP_INTEG_NONE },
};
const size_t et_nsuites = sizeof(et_suites) / sizeof(et_suites[0]);

uint16_t
et_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* True if the TCP/UDP checksum of ip verifies (or UDP checksum is 0). */
bool
et_l4_csum_ok(const uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4, l4 = len - ihl;
	uint32_t sum = 0;
	size_t i;

	if (ip[9] == 17 && ip[ihl + 6] == 0 && ip[ihl + 7] == 0)
		return true;
	for (i = 12; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	sum += ip[9];
	sum += (uint32_t)l4;
	return et_csum(ip + ihl, l4, sum) == 0;
}

size_t
et_udp_packet(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, size_t n)
{
	size_t len = 28 + n, i;
	uint32_t sum = 0;
	uint16_t c;

	memset(buf, 0, 28);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	buf[4] = 0x12;
	buf[5] = 0x34;
	buf[8] = 64;
	buf[9] = 17;
	espi_put32(buf + 12, src);
	espi_put32(buf + 16, dst);
	c = et_csum(buf, 20, 0);
	buf[10] = (uint8_t)(c >> 8);
	buf[11] = (uint8_t)c;
	espi_put16(buf + 20, sport);
	espi_put16(buf + 22, dport);
	espi_put16(buf + 24, (uint16_t)(8 + n));
	for (i = 0; i < n; i++)
		buf[28 + i] = (uint8_t)(i * 13 + 5);
	if (n >= 2) {	/* look like an L2TP data header: T=0, ver 2 */
		buf[28] = 0x00;
		buf[29] = 0x02;
	}
	for (i = 12; i < 20; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	sum += 17 + (uint32_t)(8 + n);
	c = et_csum(buf + 20, 8 + n, sum);
	if (c == 0)
		c = 0xffff;
	espi_put16(buf + 26, c);
	return len;
}
