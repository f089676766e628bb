/*
 * sabridge.c - libisakmp SA description -> libesp SA configuration, field
 * for field (see sabridge.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "sabridge.h"

/* The one vocabulary: every value and size the copy relies on is equal in
 * the two headers (checked here, at build time, against the real ones). */
_Static_assert((int)ISAKMP_ESP_DES == (int)ESP_ENC_DES_CBC, "DES");
_Static_assert((int)ISAKMP_ESP_3DES == (int)ESP_ENC_3DES_CBC, "3DES");
_Static_assert((int)ISAKMP_ESP_NULL == (int)ESP_ENC_NULL, "NULL");
_Static_assert((int)ISAKMP_ESP_AES_CBC == (int)ESP_ENC_AES_CBC, "AES-CBC");
_Static_assert((int)ISAKMP_ESP_AES_GCM_16 == (int)ESP_ENC_AES_GCM_16, "AES-GCM");
_Static_assert((int)ISAKMP_INTEG_NONE == (int)ESP_INTEG_NONE, "none");
_Static_assert((int)ISAKMP_INTEG_HMAC_MD5_96 == (int)ESP_INTEG_HMAC_MD5_96, "MD5");
_Static_assert((int)ISAKMP_INTEG_HMAC_SHA1_96 == (int)ESP_INTEG_HMAC_SHA1_96, "SHA1");
_Static_assert((int)ISAKMP_INTEG_HMAC_SHA256_128 == (int)ESP_INTEG_HMAC_SHA256_128, "SHA256");
_Static_assert((int)ISAKMP_INTEG_HMAC_SHA256_96 == (int)ESP_INTEG_HMAC_SHA256_96, "SHA256-96");
_Static_assert((int)ISAKMP_MODE_TRANSPORT == (int)ESP_MODE_TRANSPORT, "transport");
_Static_assert((int)ISAKMP_MODE_TUNNEL == (int)ESP_MODE_TUNNEL, "tunnel");
_Static_assert((int)ISAKMP_ESP_KEY_MAX == (int)ESP_KEY_MAX, "key size");
_Static_assert((int)ISAKMP_ESP_INTEG_KEY_MAX == (int)ESP_INTEG_KEY_MAX, "integrity key size");
_Static_assert((int)ISAKMP_SALT_LEN == (int)ESP_SALT_LEN, "salt size");

void
sabridge_esp_config(const struct isakmp_ipsec_sa *sa, enum esp_dir dir,
    uint64_t user, struct esp_sa *pair, struct esp_sa_config *c)
{
	bool in = dir == ESP_DIR_IN;

	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->spi = in ? sa->spi_in : sa->spi_out;
	c->dir = dir;
	c->mode = (enum esp_mode)sa->mode;
	c->enc_alg = (enum esp_enc_alg)sa->enc_alg;
	memcpy(c->enc_key, in ? sa->enc_key_in : sa->enc_key_out, sa->enc_key_len);
	c->enc_key_len = sa->enc_key_len;
	memcpy(c->salt, in ? sa->salt_in : sa->salt_out, ESP_SALT_LEN);
	c->integ_alg = (enum esp_integ_alg)sa->integ_alg;
	memcpy(c->integ_key, in ? sa->integ_key_in : sa->integ_key_out,
	    sa->integ_key_len);
	c->integ_key_len = sa->integ_key_len;
	c->local_addr = sa->local.ip;
	c->peer_addr = sa->remote.ip;
	c->udp_encap = sa->udp_encap;
	c->encap_sport = sa->local.port;
	c->encap_dport = sa->remote.port;
	c->natoa_valid = sa->natoa_valid;
	c->natoa_src = sa->natoa_src;
	c->natoa_dst = sa->natoa_dst;
	c->natt_csum = ESP_NATT_CSUM_AUTO;
	c->sel_protocol = sa->sel_protocol;
	c->sel_local_port = sa->sel_local_port;
	c->sel_remote_port = sa->sel_remote_port;
	c->soft.bytes = sa->soft_bytes;
	c->hard.bytes = sa->hard_bytes;
	c->user = user;
	c->pair = pair;
}

int
sabridge_install(struct esp_ctx *esp, uint64_t now, const struct isakmp_ipsec_sa *sa,
    uint64_t user, struct esp_sa **in, struct esp_sa **out)
{
	struct esp_sa_config c;
	int rc;

	*in = *out = NULL;
	sabridge_esp_config(sa, ESP_DIR_OUT, user, NULL, &c);
	rc = esp_sa_add(esp, now, &c, out);
	sodium_memzero(&c, sizeof(c));
	if (rc != ESP_OK)
		return rc;
	sabridge_esp_config(sa, ESP_DIR_IN, user, *out, &c);
	rc = esp_sa_add(esp, now, &c, in);
	sodium_memzero(&c, sizeof(c));
	if (rc != ESP_OK) {
		esp_sa_delete(esp, *out);
		*out = NULL;
		*in = NULL;
	}
	return rc;
}

const char *
sabridge_suite_name(const struct isakmp_ipsec_sa *sa, char *buf, size_t cap)
{
	const char *e, *a;
	char eb[16];

	switch (sa->enc_alg) {
	case ISAKMP_ESP_DES: e = "des"; break;
	case ISAKMP_ESP_3DES: e = "3des"; break;
	case ISAKMP_ESP_NULL: e = "null"; break;
	case ISAKMP_ESP_AES_CBC:
		snprintf(eb, sizeof(eb), "aes%zu", sa->enc_key_len * 8);
		e = eb;
		break;
	case ISAKMP_ESP_AES_GCM_16:
		snprintf(eb, sizeof(eb), "aes%zugcm16", sa->enc_key_len * 8);
		e = eb;
		break;
	default: e = "?"; break;
	}
	switch (sa->integ_alg) {
	case ISAKMP_INTEG_NONE: a = ""; break;
	case ISAKMP_INTEG_HMAC_MD5_96: a = "-md5"; break;
	case ISAKMP_INTEG_HMAC_SHA1_96: a = "-sha1"; break;
	case ISAKMP_INTEG_HMAC_SHA256_128: a = "-sha256"; break;
	case ISAKMP_INTEG_HMAC_SHA256_96: a = "-sha256_96"; break;
	default: a = "-?"; break;
	}
	snprintf(buf, cap, "%s%s", e, a);
	return buf;
}
