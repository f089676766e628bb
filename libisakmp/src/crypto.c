/* crypto.c - PRF, hashes, CBC, Diffie-Hellman and the RFC 2409 key schedule. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>
#include <sodium.h>

#include "isakmp_int.h"

/* Private exponent bits for the MODP groups (twice the group's strength). */
static int
priv_bits(int group)
{
	switch (group) {
	case 1: case 2: return 160;
	case 5: return 200;
	case 14: return 256;
	case 15: return 320;
	case 16: return 384;
	default: return 0;
	}
}

size_t
iki_ikc_ke_len(int group)
{
	switch (group) {
	case 1: return 96;
	case 2: return 128;
	case 5: return 192;
	case 14: return 256;
	case 15: return 384;
	case 16: return 512;
	case 19: return 64;
	case 20: return 96;
	default: return 0;
	}
}

bool
iki_ikc_group_ok(int group)
{
	return iki_ikc_ke_len(group) != 0;
}

static BIGNUM *
modp_prime(int group)
{
	switch (group) {
	case 1: return BN_get_rfc2409_prime_768(NULL);
	case 2: return BN_get_rfc2409_prime_1024(NULL);
	case 5: return BN_get_rfc3526_prime_1536(NULL);
	case 14: return BN_get_rfc3526_prime_2048(NULL);
	case 15: return BN_get_rfc3526_prime_3072(NULL);
	case 16: return BN_get_rfc3526_prime_4096(NULL);
	default: return NULL;
	}
}

/* Builds an EVP_PKEY holding the domain parameters (and optionally a public value). */
static EVP_PKEY *
modp_pkey(struct isakmp_ctx *ctx, int group, const uint8_t *pub, size_t publen)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *pk = NULL;
	BIGNUM *p = modp_prime(group), *g = BN_new(), *y = NULL;

	if (bld == NULL || p == NULL || g == NULL || !BN_set_word(g, 2))
		goto out;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) ||
	    !OSSL_PARAM_BLD_push_int(bld, OSSL_PKEY_PARAM_DH_PRIV_LEN, priv_bits(group)))
		goto out;
	if (pub != NULL) {
		if ((y = BN_bin2bn(pub, (int)publen, NULL)) == NULL ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
			goto out;
	}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((pc = EVP_PKEY_CTX_new_from_name(ctx->libctx, "DH", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &pk, pub != NULL ? EVP_PKEY_PUBLIC_KEY :
	    EVP_PKEY_KEY_PARAMETERS, params) <= 0)
		pk = NULL;
out:
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(g);
	BN_free(y);
	return pk;
}

int
iki_ikc_init(struct isakmp_ctx *ctx)
{
	static const char *const mdn[7] = { NULL, "MD5", "SHA1", NULL, "SHA2-256",
	    "SHA2-384", "SHA2-512" };
	size_t i;

	if ((ctx->libctx = OSSL_LIB_CTX_new()) == NULL)
		return ISAKMP_E_CRYPTO;
	if ((ctx->prov_default = OSSL_PROVIDER_load(ctx->libctx, "default")) == NULL)
		return ISAKMP_E_CRYPTO;
	if ((ctx->hmac = EVP_MAC_fetch(ctx->libctx, "HMAC", NULL)) == NULL)
		return ISAKMP_E_CRYPTO;
	for (i = 0; i < 7; i++)
		if (mdn[i] != NULL &&
		    (ctx->md[i] = EVP_MD_fetch(ctx->libctx, mdn[i], NULL)) == NULL)
			return ISAKMP_E_CRYPTO;
	ctx->c_3des = EVP_CIPHER_fetch(ctx->libctx, "DES-EDE3-CBC", NULL);
	ctx->c_aes128 = EVP_CIPHER_fetch(ctx->libctx, "AES-128-CBC", NULL);
	ctx->c_aes192 = EVP_CIPHER_fetch(ctx->libctx, "AES-192-CBC", NULL);
	ctx->c_aes256 = EVP_CIPHER_fetch(ctx->libctx, "AES-256-CBC", NULL);
	if (ctx->c_3des == NULL || ctx->c_aes128 == NULL || ctx->c_aes192 == NULL ||
	    ctx->c_aes256 == NULL)
		return ISAKMP_E_CRYPTO;
	return 0;
}

/*
 * Single DES (policies with allow_des) comes from OpenSSL's legacy provider,
 * loaded into the context's own OSSL_LIB_CTX the first time such a policy
 * is added.
 */
int
iki_ikc_load_legacy(struct isakmp_ctx *ctx)
{
	if (ctx->c_des != NULL)
		return 0;
	if (ctx->prov_legacy == NULL &&
	    (ctx->prov_legacy = OSSL_PROVIDER_load(ctx->libctx, "legacy")) == NULL)
		return ISAKMP_E_CRYPTO;
	if ((ctx->c_des = EVP_CIPHER_fetch(ctx->libctx, "DES-CBC", NULL)) == NULL)
		return ISAKMP_E_CRYPTO;
	return 0;
}

void
iki_ikc_fini(struct isakmp_ctx *ctx)
{
	size_t i;

	for (i = 0; i < 21; i++)
		EVP_PKEY_free(ctx->dhparams[i]);
	for (i = 0; i < 7; i++)
		EVP_MD_free((EVP_MD *)ctx->md[i]);
	EVP_CIPHER_free(ctx->c_des);
	EVP_CIPHER_free(ctx->c_3des);
	EVP_CIPHER_free(ctx->c_aes128);
	EVP_CIPHER_free(ctx->c_aes192);
	EVP_CIPHER_free(ctx->c_aes256);
	EVP_MAC_free(ctx->hmac);
	if (ctx->prov_legacy != NULL)
		OSSL_PROVIDER_unload(ctx->prov_legacy);
	if (ctx->prov_default != NULL)
		OSSL_PROVIDER_unload(ctx->prov_default);
	OSSL_LIB_CTX_free(ctx->libctx);
}

/* Resolves hash/cipher objects and sizes of a phase 1 proposal. */
int
iki_ikc_alg_setup(struct isakmp_ctx *ctx, struct p1alg *a)
{
	if (a->p.hash >= 7 || (a->md = ctx->md[a->p.hash]) == NULL)
		return ISAKMP_E_NO_PROPOSAL;
	a->hlen = (size_t)EVP_MD_get_size(a->md);
	switch (a->p.enc) {
	case ISAKMP_ENC_DES:
		a->cipher = ctx->c_des;
		a->keylen = 8;
		break;
	case ISAKMP_ENC_3DES:
		a->cipher = ctx->c_3des;
		a->keylen = 24;
		break;
	case ISAKMP_ENC_AES:
		if (a->p.key_bits == 0)
			a->p.key_bits = 128;
		a->cipher = a->p.key_bits == 128 ? ctx->c_aes128 :
		    a->p.key_bits == 192 ? ctx->c_aes192 :
		    a->p.key_bits == 256 ? ctx->c_aes256 : NULL;
		a->keylen = a->p.key_bits / 8;
		break;
	default:
		return ISAKMP_E_NO_PROPOSAL;
	}
	if (a->cipher == NULL)
		return ISAKMP_E_NO_PROPOSAL;
	a->blk = (size_t)EVP_CIPHER_get_block_size(a->cipher);
	if (!iki_ikc_group_ok(a->p.group))
		return ISAKMP_E_NO_PROPOSAL;
	return 0;
}

/* prf(key, parts...) = HMAC with the negotiated hash (RFC 2409 section 5). */
int
iki_ikc_prf(struct isakmp_ctx *ctx, const EVP_MD *md, const uint8_t *key, size_t klen,
    const uint8_t *const *parts, const size_t *lens, size_t n, uint8_t *out)
{
	EVP_MAC_CTX *m = EVP_MAC_CTX_new(ctx->hmac);
	OSSL_PARAM prm[2];
	size_t i, olen = 0;
	int rc = ISAKMP_E_CRYPTO;

	if (m == NULL)
		return rc;
	prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)EVP_MD_get0_name(md), 0);
	prm[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(m, key, klen, prm) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (lens[i] > 0 && EVP_MAC_update(m, parts[i], lens[i]) != 1)
			goto out;
	if (EVP_MAC_final(m, out, &olen, MAX_HASH) != 1)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(m);
	return rc;
}

int
iki_ikc_hash(const EVP_MD *md, const uint8_t *const *parts, const size_t *lens, size_t n,
    uint8_t *out)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t i;
	int rc = ISAKMP_E_CRYPTO;

	if (m == NULL)
		return rc;
	if (EVP_DigestInit_ex(m, md, NULL) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (lens[i] > 0 && EVP_DigestUpdate(m, parts[i], lens[i]) != 1)
			goto out;
	if (EVP_DigestFinal_ex(m, out, NULL) != 1)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(m);
	return rc;
}

#ifdef ISAKMP_FUZZING
/*
 * Fuzz build only (-DISAKMP_FUZZING, set by the fuzz targets' own build of
 * these sources, never by the library's): Diffie-Hellman replaced by a
 * stand-in so an input reaches Quick Mode, Informational and rekey states
 * in microseconds.  The public value is random (from the rng hook, so
 * deterministic) with a top byte of 0x40 (a valid MODP value); the shared
 * secret is SHA-256 in counter mode over both public values in a fixed
 * order, so both sides agree.  Everything after the secret is the real code.
 */
static int
fuzz_dh_new(struct isakmp_ctx *ctx, struct dh *dh, int group)
{
	iki_ikc_dh_free(dh);
	dh->group = group;
	dh->publen = iki_ikc_ke_len(group);
	if (dh->publen == 0)
		return ISAKMP_E_NO_PROPOSAL;
	if (iki_ik_rng(ctx, dh->pub, dh->publen) != 0)
		return ISAKMP_E_RNG;
	dh->pub[0] = 0x40;
	dh->fuzz_key = true;
	return 0;
}

static int
fuzz_dh_shared(struct dh *dh, const uint8_t *peer, size_t len, uint8_t *out, size_t *outlen)
{
	const uint8_t *a = dh->pub, *b = peer;
	size_t n = dh->group == 19 || dh->group == 20 ? len / 2 : len, off;
	uint8_t ctr[4] = { 0 }, h[32];

	if (!dh->fuzz_key || len != dh->publen)
		return ISAKMP_E_KE;
	if (memcmp(a, b, len) > 0) {
		a = peer;
		b = dh->pub;
	}
	for (off = 0; off < n; off += sizeof(h)) {
		const uint8_t *parts[3] = { ctr, a, b };
		size_t lens[3] = { sizeof(ctr), len, len };

		ctr[3]++;
		if (iki_ikc_hash(EVP_sha256(), parts, lens, 3, h) != 0)
			return ISAKMP_E_CRYPTO;
		memcpy(out + off, h, n - off < sizeof(h) ? n - off : sizeof(h));
	}
	*outlen = n;
	return 0;
}
#endif

int
iki_ikc_dh_new(struct isakmp_ctx *ctx, struct dh *dh, int group)
{
	EVP_PKEY_CTX *pc = NULL;
	BIGNUM *y = NULL;
	uint8_t enc[1 + MAX_KE];
	size_t elen = 0;
	int rc = ISAKMP_E_CRYPTO;

#ifdef ISAKMP_FUZZING
	return fuzz_dh_new(ctx, dh, group);
#endif
	iki_ikc_dh_free(dh);
	dh->group = group;
	dh->publen = iki_ikc_ke_len(group);
	if (dh->publen == 0)
		return ISAKMP_E_NO_PROPOSAL;
	if (group == 19 || group == 20) {
		dh->key = EVP_PKEY_Q_keygen(ctx->libctx, NULL, "EC",
		    group == 19 ? "P-256" : "P-384");
		if (dh->key == NULL)
			goto out;
		if (EVP_PKEY_get_octet_string_param(dh->key,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, enc, sizeof(enc), &elen) != 1 ||
		    elen != dh->publen + 1 || enc[0] != 4)
			goto out;
		memcpy(dh->pub, enc + 1, dh->publen);
		rc = 0;
		goto out;
	}
	if (ctx->dhparams[group] == NULL &&
	    (ctx->dhparams[group] = modp_pkey(ctx, group, NULL, 0)) == NULL)
		goto out;
	if ((pc = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, ctx->dhparams[group], NULL)) == NULL ||
	    EVP_PKEY_keygen_init(pc) <= 0 || EVP_PKEY_keygen(pc, &dh->key) <= 0)
		goto out;
	if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) != 1 ||
	    BN_bn2binpad(y, dh->pub, (int)dh->publen) < 0)
		goto out;
	rc = 0;
out:
	BN_free(y);
	EVP_PKEY_CTX_free(pc);
	if (rc != 0)
		iki_ikc_dh_free(dh);
	return rc;
}

void
iki_ikc_dh_free(struct dh *dh)
{
	EVP_PKEY_free(dh->key);
	dh->key = NULL;
#ifdef ISAKMP_FUZZING
	dh->fuzz_key = false;
#endif
}

/* Rejects public values of the wrong size and the degenerate 0, 1, p-1 (MODP). */
int
iki_ikc_dh_check_peer(int group, const uint8_t *pub, size_t len)
{
	size_t i;
	BIGNUM *p, *y;
	int ok;

	if (len != iki_ikc_ke_len(group))
		return ISAKMP_E_KE;
	if (group == 19 || group == 20)
		return 0;  /* point validity is checked by OpenSSL at import */
	p = modp_prime(group);
	y = BN_bin2bn(pub, (int)len, NULL);
	if (p == NULL || y == NULL) {
		BN_free(p);
		BN_free(y);
		return ISAKMP_E_CRYPTO;
	}
	/* 1 < y < p - 1 */
	ok = !BN_is_zero(y) && !BN_is_one(y) && BN_sub_word(p, 1) && BN_cmp(y, p) < 0;
	BN_free(p);
	BN_free(y);
	for (i = 0; i < len && pub[i] == 0; i++)
		;
	return ok && i < len ? 0 : ISAKMP_E_KE;
}

int
iki_ikc_dh_shared(struct isakmp_ctx *ctx, struct dh *dh, const uint8_t *peer, size_t len,
    uint8_t *out, size_t *outlen)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *pc = NULL;
	size_t olen;
	int rc = ISAKMP_E_KE;

#ifdef ISAKMP_FUZZING
	(void)ctx;
	return fuzz_dh_shared(dh, peer, len, out, outlen);
#endif
	if (dh->key == NULL || len != dh->publen)
		return ISAKMP_E_KE;
	if (dh->group == 19 || dh->group == 20) {
		uint8_t enc[1 + MAX_KE];
		OSSL_PARAM prm[3];

		enc[0] = 4;
		memcpy(enc + 1, peer, len);
		prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
		    dh->group == 19 ? "P-256" : "P-384", 0);
		prm[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, enc, len + 1);
		prm[2] = OSSL_PARAM_construct_end();
		if ((pc = EVP_PKEY_CTX_new_from_name(ctx->libctx, "EC", NULL)) == NULL ||
		    EVP_PKEY_fromdata_init(pc) <= 0 ||
		    EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_PUBLIC_KEY, prm) <= 0)
			goto out;
		EVP_PKEY_CTX_free(pc);
		pc = NULL;
	} else if ((pk = modp_pkey(ctx, dh->group, peer, len)) == NULL)
		goto out;
	if ((pc = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, dh->key, NULL)) == NULL ||
	    EVP_PKEY_derive_init(pc) <= 0 || EVP_PKEY_derive_set_peer_ex(pc, pk, 1) <= 0)
		goto out;
	if (dh->group != 19 && dh->group != 20 && EVP_PKEY_CTX_set_dh_pad(pc, 1) <= 0)
		goto out;
	olen = MAX_KE;
	if (EVP_PKEY_derive(pc, out, &olen) <= 0)
		goto out;
	*outlen = olen;
	rc = 0;
out:
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(pc);
	return rc;
}

int
iki_ikc_cbc(const EVP_CIPHER *c, bool enc, const uint8_t *key, const uint8_t *iv,
    const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0, rc = ISAKMP_E_CRYPTO;

	if (x == NULL)
		return rc;
	if (EVP_CipherInit_ex(x, c, NULL, key, iv, enc ? 1 : 0) != 1 ||
	    EVP_CIPHER_CTX_set_padding(x, 0) != 1 ||
	    EVP_CipherUpdate(x, out, &l1, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(x, out + l1, &l2) != 1 || (size_t)(l1 + l2) != len)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(x);
	return rc;
}

/*
 * RFC 2409 Appendix B: the encryption key is the first keylen bytes of
 * SKEYID_e, or, when SKEYID_e is too short, of Ka = K1 | K2 | ... with
 * K1 = prf(SKEYID_e, 0) and Kn = prf(SKEYID_e, Kn-1).
 */
int
iki_ikc_expand_key(struct isakmp_ctx *ctx, const EVP_MD *md, const uint8_t *skeyid_e, size_t h,
    size_t keylen, uint8_t *out)
{
	uint8_t c = 0, k[MAX_HASH * 4];
	const uint8_t *parts[1];
	size_t lens[1], have;
	int rc = 0;

	if (keylen <= h) {
		memcpy(out, skeyid_e, keylen);
		return 0;
	}
	parts[0] = &c; lens[0] = 1;
	if ((rc = iki_ikc_prf(ctx, md, skeyid_e, h, parts, lens, 1, k)) != 0)
		goto out;
	for (have = h; have < keylen && have + h <= sizeof(k); have += h) {
		parts[0] = k + have - h; lens[0] = h;
		if ((rc = iki_ikc_prf(ctx, md, skeyid_e, h, parts, lens, 1, k + have)) != 0)
			goto out;
	}
	if (have < keylen) {
		rc = ISAKMP_E_CRYPTO;
		goto out;
	}
	memcpy(out, k, keylen);
out:
	sodium_memzero(k, sizeof(k));
	return rc;
}

/*
 * RFC 2409 section 5 (pre-shared keys) and Appendix B:
 *   SKEYID   = prf(pre-shared-key, Ni_b | Nr_b)
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 *   Ka = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1)
 *   phase 1 IV = hash(g^xi | g^xr)
 */
int
iki_ikc_skeyids(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *psk, size_t psklen,
    const uint8_t *gxy, size_t gxylen)
{
	const EVP_MD *md = sa->alg.md;
	size_t h = sa->alg.hlen;
	uint8_t c, k[MAX_HASH * 4];
	const uint8_t *parts[5];
	size_t lens[5];
	int rc;

	parts[0] = sa->ni; lens[0] = sa->nilen;
	parts[1] = sa->nr; lens[1] = sa->nrlen;
	if ((rc = iki_ikc_prf(ctx, md, psk, psklen, parts, lens, 2, sa->skeyid)) != 0)
		goto out;
	parts[1] = gxy; lens[1] = gxylen;
	parts[2] = sa->icookie; lens[2] = 8;
	parts[3] = sa->rcookie; lens[3] = 8;
	parts[4] = &c; lens[4] = 1;
	c = 0;
	if ((rc = iki_ikc_prf(ctx, md, sa->skeyid, h, parts + 1, lens + 1, 4, sa->skeyid_d)) != 0)
		goto out;
	c = 1;
	parts[0] = sa->skeyid_d; lens[0] = h;
	if ((rc = iki_ikc_prf(ctx, md, sa->skeyid, h, parts, lens, 5, sa->skeyid_a)) != 0)
		goto out;
	c = 2;
	parts[0] = sa->skeyid_a;
	if ((rc = iki_ikc_prf(ctx, md, sa->skeyid, h, parts, lens, 5, sa->skeyid_e)) != 0)
		goto out;
	if ((rc = iki_ikc_expand_key(ctx, md, sa->skeyid_e, h, sa->alg.keylen, sa->enckey)) != 0)
		goto out;
	parts[0] = sa->gxi; lens[0] = sa->gxlen;
	parts[1] = sa->gxr; lens[1] = sa->gxlen;
	rc = iki_ikc_hash(md, parts, lens, 2, k);
	if (rc == 0)
		memcpy(sa->iv, k, sa->alg.blk);
out:
	sodium_memzero(k, sizeof(k));
	return rc;
}

/*
 * RFC 2409 section 5.5: KEYMAT = K1 | K2 | ...,
 *   K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
 *   Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 */
int
iki_ikc_keymat(struct isakmp_ctx *ctx, struct ike_sa *sa, uint8_t proto, uint32_t spi,
    const struct qm *q, uint8_t *out, size_t need)
{
	uint8_t sp[4], k[MAX_HASH * 4 + MAX_HASH];
	const uint8_t *parts[6];
	size_t lens[6], have = 0, h = sa->alg.hlen;
	int rc = 0;

	sp[0] = (uint8_t)(spi >> 24); sp[1] = (uint8_t)(spi >> 16);
	sp[2] = (uint8_t)(spi >> 8); sp[3] = (uint8_t)spi;
	/* [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b */
	parts[1] = q->gqm; lens[1] = q->gqmlen;
	parts[2] = &proto; lens[2] = 1;
	parts[3] = sp; lens[3] = 4;
	parts[4] = q->ni; lens[4] = q->nilen;
	parts[5] = q->nr; lens[5] = q->nrlen;
	while (have < need && have + h <= sizeof(k)) {
		parts[0] = have ? k + have - h : NULL;
		lens[0] = have ? h : 0;
		if ((rc = iki_ikc_prf(ctx, sa->alg.md, sa->skeyid_d, h, parts, lens, 6,
		    k + have)) != 0)
			goto out;
		have += h;
	}
	if (have < need) {
		rc = ISAKMP_E_CRYPTO;
		goto out;
	}
	memcpy(out, k, need);
out:
	sodium_memzero(k, sizeof(k));
	return rc;
}
