/*
 * bench_esp.c - libesp throughput (`make bench`).
 *
 * For each algorithm and payload size 64, 512 and 1400 bytes: one
 * encapsulation plus one decapsulation per packet, in place, on one core
 * (esp_sa_encrypt + esp_input), next to the raw OpenSSL EVP / libsodium cost
 * of the same cipher and MAC over the same bytes (same padded length, same
 * ICV computation and check) measured in the same run.  The two are
 * interleaved in short rounds timed with the thread's CPU clock (time spent
 * descheduled by other processes' load does not count), and the best round
 * of each is kept, so what load remains hits both alike.
 *   bench: name=esp.<alg>.<size> gbps=<payload Gbit/s> ratio=<esp/raw>
 * (with pps= for 64-byte packets; ref_gbps is the raw crypto rate).
 * The SAs are set up as the gateway's: UDP-encapsulated, the inbound SA with
 * L2TP selectors (UDP, local port 1701) and an outbound pair, and esp_input
 * is given the sender's endpoint (the recorded peer, so nothing moves): the
 * selector check and the peer comparison are part of what is measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <roadgate/esp.h>

struct balg {
	const char *name;
	enum esp_enc_alg enc;
	size_t kl;
	enum esp_integ_alg integ;
	const char *cipher;	/* OpenSSL name, NULL for none/ChaCha */
	const char *digest;	/* HMAC digest, NULL for AEAD */
	size_t icv, block, iv;
};

static const struct balg algs[] = {
	{ "aes128gcm16", ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE, "AES-128-GCM", NULL, 16, 4, 8 },
	{ "aes256gcm16", ESP_ENC_AES_GCM_16, 32, ESP_INTEG_NONE, "AES-256-GCM", NULL, 16, 4, 8 },
	{ "chacha20poly1305", ESP_ENC_CHACHA20_POLY1305, 32, ESP_INTEG_NONE, NULL, NULL, 16, 4, 8 },
	{ "aes128-sha1", ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA1_96, "AES-128-CBC", "SHA1", 12, 16, 16 },
	{ "aes256-sha256", ESP_ENC_AES_CBC, 32, ESP_INTEG_HMAC_SHA256_128, "AES-256-CBC", "SHA256", 16, 16, 16 },
	{ "aes128-md5", ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_MD5_96, "AES-128-CBC", "MD5", 12, 16, 16 },
	{ "3des-sha1", ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_SHA1_96, "DES-EDE3-CBC", "SHA1", 12, 8, 8 },
	{ "null-sha1", ESP_ENC_NULL, 0, ESP_INTEG_HMAC_SHA1_96, NULL, "SHA1", 12, 4, 0 },
};

static uint64_t xs = 0x9e3779b97f4a7c15ULL;

/* CPU time of this thread, ns: one core's work, not wall time. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Cheap IV source for the benchmark (a CBC IV per packet). */
static int
fast_rng(void *user, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	(void)user;
	for (i = 0; i < len; i++) {
		if (i % 8 == 0) {
			xs ^= xs << 13;
			xs ^= xs >> 7;
			xs ^= xs << 17;
		}
		p[i] = (uint8_t)(xs >> (8 * (i % 8)));
	}
	return 0;
}

struct ref {
	const struct balg *a;
	EVP_CIPHER_CTX *enc, *dec;
	EVP_MAC_CTX *mac;
	uint8_t key[32], mkey[32];
};

static void
ref_init(struct ref *r, const struct balg *a)
{
	OSSL_PARAM p[2];
	EVP_MAC *mac;

	memset(r, 0, sizeof(*r));
	r->a = a;
	memset(r->key, 0x33, sizeof(r->key));
	memset(r->mkey, 0x44, sizeof(r->mkey));
	if (a->cipher != NULL) {
		EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, a->cipher, NULL);

		r->enc = EVP_CIPHER_CTX_new();
		r->dec = EVP_CIPHER_CTX_new();
		if (c == NULL || !EVP_CipherInit_ex2(r->enc, c, r->key, NULL, 1, NULL) ||
		    !EVP_CipherInit_ex2(r->dec, c, r->key, NULL, 0, NULL))
			abort();
		EVP_CIPHER_CTX_set_padding(r->enc, 0);
		EVP_CIPHER_CTX_set_padding(r->dec, 0);
		EVP_CIPHER_free(c);
	}
	if (a->digest != NULL) {
		mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		r->mac = EVP_MAC_CTX_new(mac);
		p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)a->digest, 0);
		p[1] = OSSL_PARAM_construct_end();
		if (!EVP_MAC_init(r->mac, r->mkey, strcmp(a->digest, "SHA256") == 0 ?
		    32 : strcmp(a->digest, "MD5") == 0 ? 16 : 20, p))
			abort();
		EVP_MAC_free(mac);
	}
}

static void
ref_free(struct ref *r)
{
	EVP_CIPHER_CTX_free(r->enc);
	EVP_CIPHER_CTX_free(r->dec);
	EVP_MAC_CTX_free(r->mac);
}

/*
 * The raw crypto of one ESP round trip over buf (hdr = SPI|Seq|IV, then
 * clen bytes): encrypt + MAC, then MAC check + decrypt.
 */
static void
ref_once(struct ref *r, uint8_t *buf, size_t hlen, size_t clen)
{
	const struct balg *a = r->a;
	uint8_t tag[64], nonce[12] = { 0 }, *ct = buf + hlen;
	unsigned long long ml;
	size_t ol;
	int outl;

	if (a->enc == ESP_ENC_CHACHA20_POLY1305) {
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct, ct + clen, &ml,
		    ct, clen, buf, 8, NULL, nonce, r->key);
		if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(ct, NULL, ct,
		    clen, ct + clen, buf, 8, nonce, r->key) != 0)
			abort();
		return;
	}
	if (a->enc == ESP_ENC_AES_GCM_16) {
		if (!EVP_CipherInit_ex2(r->enc, NULL, NULL, nonce, 1, NULL) ||
		    !EVP_CipherUpdate(r->enc, NULL, &outl, buf, 8) ||
		    !EVP_CipherUpdate(r->enc, ct, &outl, ct, (int)clen) ||
		    !EVP_CipherFinal_ex(r->enc, tag, &outl) ||
		    EVP_CIPHER_CTX_ctrl(r->enc, EVP_CTRL_AEAD_GET_TAG, 16, ct + clen) <= 0)
			abort();
		if (!EVP_CipherInit_ex2(r->dec, NULL, NULL, nonce, 0, NULL) ||
		    EVP_CIPHER_CTX_ctrl(r->dec, EVP_CTRL_AEAD_SET_TAG, 16, ct + clen) <= 0 ||
		    !EVP_CipherUpdate(r->dec, NULL, &outl, buf, 8) ||
		    !EVP_CipherUpdate(r->dec, ct, &outl, ct, (int)clen) ||
		    EVP_CipherFinal_ex(r->dec, tag, &outl) <= 0)
			abort();
		return;
	}
	/* CBC (or NULL) + HMAC: encrypt, MAC; MAC, compare, decrypt. */
	if (r->enc != NULL && (!EVP_CipherInit_ex2(r->enc, NULL, NULL, buf + 8, 1,
	    NULL) || !EVP_CipherUpdate(r->enc, ct, &outl, ct, (int)clen)))
		abort();
	if (!EVP_MAC_init(r->mac, NULL, 0, NULL) ||
	    !EVP_MAC_update(r->mac, buf, hlen + clen) ||
	    !EVP_MAC_final(r->mac, tag, &ol, sizeof(tag)))
		abort();
	memcpy(ct + clen, tag, a->icv);
	if (!EVP_MAC_init(r->mac, NULL, 0, NULL) ||
	    !EVP_MAC_update(r->mac, buf, hlen + clen) ||
	    !EVP_MAC_final(r->mac, tag, &ol, sizeof(tag)) ||
	    CRYPTO_memcmp(tag, ct + clen, a->icv) != 0)
		abort();
	if (r->dec != NULL && (!EVP_CipherInit_ex2(r->dec, NULL, NULL, buf + 8, 0,
	    NULL) || !EVP_CipherUpdate(r->dec, ct, &outl, ct, (int)clen)))
		abort();
}

int
main(void)
{
	static const size_t sizes[] = { 64, 512, 1400 };
	static uint8_t buf[ESP_HEADROOM + 1500 + ESP_TAILROOM];
	struct esp_hooks h;
	struct esp_ctx *ctx;
	struct esp_sa_config c;
	struct esp_sa *out, *in;
	struct esp_rx rx;
	struct esp_endpoint from = { 0xcb007107, 4500 };
	struct ref r;
	size_t ai, si, k, round, off, len;
	uint64_t t0, best_esp, best_ref, iters;
	int rc;

	memset(&h, 0, sizeof(h));
	h.rng = fast_rng;
	if (esp_ctx_new(&ctx, NULL, &h) != ESP_OK)
		return 1;
	for (ai = 0; ai < sizeof(algs) / sizeof(algs[0]); ai++) {
		const struct balg *a = &algs[ai];

		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.spi = 0x1000 + (uint32_t)ai;
		c.mode = ESP_MODE_TRANSPORT;
		c.enc_alg = a->enc;
		c.enc_key_len = a->kl;
		memset(c.enc_key, 0x33, a->kl);
		c.integ_alg = a->integ;
		c.integ_key_len = a->integ == ESP_INTEG_NONE ? 0 :
		    a->integ == ESP_INTEG_HMAC_SHA256_128 ? 32 :
		    a->integ == ESP_INTEG_HMAC_MD5_96 ? 16 : 20;
		memset(c.integ_key, 0x44, c.integ_key_len);
		c.udp_encap = true;
		c.encap_sport = 4500;
		c.encap_dport = from.port;
		c.peer_addr = from.ip;
		c.dir = ESP_DIR_OUT;
		if (esp_sa_add(ctx, 0, &c, &out) != ESP_OK)
			return 1;
		c.dir = ESP_DIR_IN;
		c.sel_protocol = 17;
		c.sel_local_port = 1701;
		c.pair = out;
		if (esp_sa_add(ctx, 0, &c, &in) != ESP_OK)
			return 1;
		ref_init(&r, a);
		for (si = 0; si < 3; si++) {
			size_t n = sizes[si], hlen = 8 + a->iv;
			size_t clen = n + 2 + (a->block - (n + 2) % a->block) % a->block;

			/* Iterations per round: about 8 ms of work; 21 rounds each. */
			iters = 8000000ull / (200 + n * (a->enc == ESP_ENC_3DES_CBC ? 60 : 4));
			if (iters < 50)
				iters = 50;
			best_esp = best_ref = UINT64_MAX;
			memset(buf, 0x5a, sizeof(buf));
			/* A UDP header 1701 -> 1701 (the L2TP selectors). */
			buf[ESP_HEADROOM] = buf[ESP_HEADROOM + 2] = 1701 >> 8;
			buf[ESP_HEADROOM + 1] = buf[ESP_HEADROOM + 3] = 1701 & 0xff;
			for (round = 0; round < 21; round++) {
				t0 = cpu_ns();
				for (k = 0; k < iters; k++)
					ref_once(&r, buf + ESP_HEADROOM - hlen, hlen, clen);
				t0 = cpu_ns() - t0;
				if (t0 < best_ref)
					best_ref = t0;
				t0 = cpu_ns();
				for (k = 0; k < iters; k++) {
					off = ESP_HEADROOM;
					len = n;
					rc = esp_sa_encrypt(ctx, 0, out, 17, buf, sizeof(buf),
					    &off, &len);
					if (rc != ESP_OK)
						abort();
					rc = esp_input(ctx, 0, buf + off, len, &from,
					    &rx);
					if (rc != ESP_OK || rx.len != n ||
					    rx.peer_moved)
						abort();
				}
				t0 = cpu_ns() - t0;
				if (t0 < best_esp)
					best_esp = t0;
			}
			{
				double esp_gbps = (double)n * 8 * (double)iters / (double)best_esp;
				double ref_gbps = (double)n * 8 * (double)iters / (double)best_ref;

				printf("bench: name=esp.%s.%zu gbps=%.3f ratio=%.3f ref_gbps=%.3f",
				    a->name, n, esp_gbps, esp_gbps / ref_gbps, ref_gbps);
				if (n == 64)
					printf(" pps=%.0f", (double)iters * 1e9 / (double)best_esp);
				printf("\n");
				fflush(stdout);
			}
		}
		ref_free(&r);
		esp_sa_delete(ctx, out);
		esp_sa_delete(ctx, in);
	}
	esp_ctx_free(ctx);
	return 0;
}
