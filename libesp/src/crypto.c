/*
 * crypto.c - per-SA cipher and MAC state.  Everything keyed is set up once
 * at esp_sa_add(): a keyed EVP_CIPHER_CTX (CBC, GCM) and a keyed EVP_MAC_CTX
 * (HMAC) that is re-initialised per packet without the key; only the IV
 * changes per packet.  ChaCha20-Poly1305 uses libsodium with the stored key.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <sodium.h>

#include "esp_internal.h"

static const char *
cipher_name(enum esp_enc_alg alg, size_t keylen)
{
	switch (alg) {
	case ESP_ENC_DES_CBC:
		return "DES-CBC";
	case ESP_ENC_3DES_CBC:
		return "DES-EDE3-CBC";
	case ESP_ENC_AES_CBC:
		return keylen == 16 ? "AES-128-CBC" : keylen == 24 ?
		    "AES-192-CBC" : "AES-256-CBC";
	case ESP_ENC_AES_GCM_16:
		return keylen == 16 ? "AES-128-GCM" : keylen == 24 ?
		    "AES-192-GCM" : "AES-256-GCM";
	default:
		return NULL;
	}
}

int
espi_crypto_init(struct esp_ctx *ctx, struct esp_sa *sa,
    const struct esp_sa_config *cfg)
{
	OSSL_PARAM params[2];
	EVP_CIPHER *cipher = NULL;
	const char *digest = NULL;
	int enc = cfg->dir == ESP_DIR_OUT;
	int ok;

	sa->enc_alg = cfg->enc_alg;
	sa->integ_alg = cfg->integ_alg;
	switch (cfg->enc_alg) {
	case ESP_ENC_NULL:
		sa->kind = ESPI_NULL;
		sa->block = 4;
		sa->iv_len = 0;
		break;
	case ESP_ENC_CHACHA20_POLY1305:
		/* RFC 7634 §2: 8-byte IV, 16-byte ICV, 4-byte alignment. */
		sa->kind = ESPI_CHACHA;
		sa->block = 4;
		sa->iv_len = 8;
		sa->icv_len = crypto_aead_chacha20poly1305_ietf_ABYTES;
		memcpy(sa->key, cfg->enc_key, 32);
		memcpy(sa->salt, cfg->salt, ESP_SALT_LEN);
		break;
	case ESP_ENC_AES_GCM_16:
		/* RFC 4106 §3, §4: 8-byte IV, nonce = salt | IV, ICV 16. */
		sa->kind = ESPI_GCM;
		sa->block = 4;
		sa->iv_len = 8;
		sa->icv_len = 16;
		memcpy(sa->salt, cfg->salt, ESP_SALT_LEN);
		break;
	default:
		sa->kind = ESPI_CBC;
		sa->block = cfg->enc_alg == ESP_ENC_AES_CBC ? 16 : 8;
		sa->iv_len = sa->block;
		break;
	}
	if (sa->kind == ESPI_CBC || sa->kind == ESPI_GCM) {
		cipher = EVP_CIPHER_fetch(ctx->libctx,
		    cipher_name(cfg->enc_alg, cfg->enc_key_len), NULL);
		if (cipher == NULL) {
			espi_log(ctx, ESP_LOG_ERROR, "cipher %s unavailable",
			    cipher_name(cfg->enc_alg, cfg->enc_key_len));
			return ESP_E_UNSUPPORTED;
		}
		sa->cctx = EVP_CIPHER_CTX_new();
		if (sa->cctx == NULL) {
			EVP_CIPHER_free(cipher);
			return ESP_E_NOMEM;
		}
		ok = EVP_CipherInit_ex2(sa->cctx, cipher, cfg->enc_key, NULL,
		    enc, NULL);
		EVP_CIPHER_free(cipher);
		if (!ok)
			return ESP_E_CRYPTO;
		if (sa->kind == ESPI_CBC)
			EVP_CIPHER_CTX_set_padding(sa->cctx, 0);
	}
	switch (cfg->integ_alg) {
	case ESP_INTEG_HMAC_MD5_96:
		digest = "MD5";
		sa->icv_len = 12;
		break;
	case ESP_INTEG_HMAC_SHA1_96:
		digest = "SHA1";
		sa->icv_len = 12;
		break;
	case ESP_INTEG_HMAC_SHA256_128:
		digest = "SHA256";
		sa->icv_len = 16;
		break;
	case ESP_INTEG_HMAC_SHA256_96:
		digest = "SHA256";
		sa->icv_len = 12;
		break;
	default:
		break;
	}
	if (digest != NULL) {
		sa->mctx = EVP_MAC_CTX_new(ctx->hmac);
		if (sa->mctx == NULL)
			return ESP_E_NOMEM;
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_MAC_init(sa->mctx, cfg->integ_key, cfg->integ_key_len,
		    params))
			return ESP_E_CRYPTO;
	}
	return ESP_OK;
}

void
espi_crypto_free(struct esp_sa *sa)
{
	EVP_CIPHER_CTX_free(sa->cctx);
	sa->cctx = NULL;
	EVP_MAC_CTX_free(sa->mctx);
	sa->mctx = NULL;
	sodium_memzero(sa->key, sizeof(sa->key));
	sodium_memzero(sa->salt, sizeof(sa->salt));
}

/* RFC 4303 §3.3.2.1 / §2.2.1: ICV over SPI..next header, then ESN high. */
static int
hmac_icv(struct esp_sa *sa, const uint8_t *buf, size_t n, uint32_t seq_hi,
    uint8_t *icv)
{
	uint8_t full[EVP_MAX_MD_SIZE], hi[4];
	size_t outl = 0;
	int ok;

	ok = EVP_MAC_init(sa->mctx, NULL, 0, NULL) &&
	    EVP_MAC_update(sa->mctx, buf, n);
	if (ok && sa->esn) {
		espi_put32(hi, seq_hi);
		ok = EVP_MAC_update(sa->mctx, hi, 4);
	}
	ok = ok && EVP_MAC_final(sa->mctx, full, &outl, sizeof(full));
	if (ok)
		memcpy(icv, full, sa->icv_len);
	sodium_memzero(full, sizeof(full));
	return ok ? ESP_OK : ESP_E_CRYPTO;
}

/* AAD: SPI | Seq (RFC 4106 §5) or SPI | Seq-high | Seq-low with ESN. */
static size_t
make_aad(const struct esp_sa *sa, const uint8_t *buf, uint32_t seq_hi,
    uint8_t *aad)
{
	memcpy(aad, buf, 4);
	if (!sa->esn) {
		memcpy(aad + 4, buf + 4, 4);
		return 8;
	}
	espi_put32(aad + 4, seq_hi);
	memcpy(aad + 8, buf + 4, 4);
	return 12;
}

static void
make_nonce(const struct esp_sa *sa, const uint8_t *iv, uint8_t *nonce)
{
	memcpy(nonce, sa->salt, ESP_SALT_LEN);
	memcpy(nonce + ESP_SALT_LEN, iv, 8);
}

static int
gcm_seal(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen,
    uint32_t seq_hi)
{
	uint8_t nonce[12], aad[12], tmp[16];
	size_t aadlen = make_aad(sa, buf, seq_hi, aad);
	int outl, ok;

	make_nonce(sa, buf + 8, nonce);
	ok = EVP_CipherInit_ex2(sa->cctx, NULL, NULL, nonce, 1, NULL) &&
	    EVP_CipherUpdate(sa->cctx, NULL, &outl, aad, (int)aadlen) &&
	    EVP_CipherUpdate(sa->cctx, buf + hlen, &outl, buf + hlen,
	    (int)clen) &&
	    EVP_CipherFinal_ex(sa->cctx, tmp, &outl) &&
	    EVP_CIPHER_CTX_ctrl(sa->cctx, EVP_CTRL_AEAD_GET_TAG, 16,
	    buf + hlen + clen) > 0;
	return ok ? ESP_OK : ESP_E_CRYPTO;
}

static int
gcm_open(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen,
    uint32_t seq_hi)
{
	uint8_t nonce[12], aad[12], tmp[16];
	size_t aadlen = make_aad(sa, buf, seq_hi, aad);
	int outl;

	make_nonce(sa, buf + 8, nonce);
	if (!EVP_CipherInit_ex2(sa->cctx, NULL, NULL, nonce, 0, NULL) ||
	    EVP_CIPHER_CTX_ctrl(sa->cctx, EVP_CTRL_AEAD_SET_TAG, 16,
	    buf + hlen + clen) <= 0 ||
	    !EVP_CipherUpdate(sa->cctx, NULL, &outl, aad, (int)aadlen) ||
	    !EVP_CipherUpdate(sa->cctx, buf + hlen, &outl, buf + hlen,
	    (int)clen))
		return ESP_E_CRYPTO;
	/* The tag is compared in constant time inside OpenSSL. */
	if (EVP_CipherFinal_ex(sa->cctx, tmp, &outl) <= 0) {
		/* Never leave unauthenticated plaintext behind. */
		sodium_memzero(buf + hlen, clen);
		return ESP_E_AUTH;
	}
	return ESP_OK;
}

int
espi_seal(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen,
    uint32_t seq_hi)
{
	uint8_t nonce[12], aad[12];
	unsigned long long maclen;
	size_t aadlen;
	int outl;

	switch (sa->kind) {
	case ESPI_GCM:
		return gcm_seal(sa, buf, hlen, clen, seq_hi);
	case ESPI_CHACHA:
		aadlen = make_aad(sa, buf, seq_hi, aad);
		make_nonce(sa, buf + 8, nonce);
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(buf + hlen,
		    buf + hlen + clen, &maclen, buf + hlen, clen, aad, aadlen,
		    NULL, nonce, sa->key);
		return ESP_OK;
	case ESPI_CBC:
		if (!EVP_CipherInit_ex2(sa->cctx, NULL, NULL, buf + 8, 1, NULL) ||
		    !EVP_CipherUpdate(sa->cctx, buf + hlen, &outl, buf + hlen,
		    (int)clen))
			return ESP_E_CRYPTO;
		break;
	case ESPI_NULL:
		break;
	}
	if (sa->mctx != NULL)
		return hmac_icv(sa, buf, hlen + clen, seq_hi, buf + hlen + clen);
	return ESP_OK;
}

int
espi_verify(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen,
    uint32_t seq_hi)
{
	uint8_t icv[ESP_MAX_ICV_LEN], nonce[12], aad[12];
	size_t aadlen;
	int rc;

	switch (sa->kind) {
	case ESPI_GCM:
		return gcm_open(sa, buf, hlen, clen, seq_hi);
	case ESPI_CHACHA:
		/* libsodium checks the tag (constant time) before decrypting. */
		aadlen = make_aad(sa, buf, seq_hi, aad);
		make_nonce(sa, buf + 8, nonce);
		if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(buf + hlen,
		    NULL, buf + hlen, clen, buf + hlen + clen, aad, aadlen,
		    nonce, sa->key) != 0)
			return ESP_E_AUTH;
		return ESP_OK;
	default:
		break;
	}
	if (sa->mctx == NULL)
		return ESP_OK;
	if ((rc = hmac_icv(sa, buf, hlen + clen, seq_hi, icv)) != ESP_OK)
		return rc;
	rc = CRYPTO_memcmp(icv, buf + hlen + clen, sa->icv_len) == 0 ?
	    ESP_OK : ESP_E_AUTH;
	sodium_memzero(icv, sizeof(icv));
	return rc;
}

int
espi_decrypt(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen)
{
	int outl;

	if (sa->kind != ESPI_CBC)
		return ESP_OK;	/* AEAD decrypted in espi_verify; NULL is clear */
	if (!EVP_CipherInit_ex2(sa->cctx, NULL, NULL, buf + 8, 0, NULL) ||
	    !EVP_CipherUpdate(sa->cctx, buf + hlen, &outl, buf + hlen,
	    (int)clen))
		return ESP_E_CRYPTO;
	return ESP_OK;
}
