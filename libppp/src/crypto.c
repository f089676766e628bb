/*
 * crypto.c - CHAP-MD5 (RFC 1994 §4.1) and MS-CHAPv2 (RFC 2759 §8) through
 * OpenSSL EVP in the context's own OSSL_LIB_CTX.  Every function leaves
 * through one label that wipes its intermediate secrets.
 */
#include <string.h>

#include <sodium.h>

#include "ppp_int.h"

static int
digest(struct ppp_ctx *ctx, const EVP_MD *md, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen, const uint8_t *c, size_t clen,
    uint8_t *out)
{
	unsigned int n;
	int rc = 0;

	if (md == NULL)
		return PPP_E_CRYPTO;
	if (EVP_DigestInit_ex(ctx->mdctx, md, NULL) != 1 ||
	    (alen > 0 && EVP_DigestUpdate(ctx->mdctx, a, alen) != 1) ||
	    (blen > 0 && EVP_DigestUpdate(ctx->mdctx, b, blen) != 1) ||
	    (clen > 0 && EVP_DigestUpdate(ctx->mdctx, c, clen) != 1) ||
	    EVP_DigestFinal_ex(ctx->mdctx, out, &n) != 1)
		rc = PPP_E_CRYPTO;
	/*
	 * After Final, MD4's chaining state is its output: the NT hash (or
	 * the hash of it), password equivalents.  Reset frees the state with
	 * OPENSSL_clear_free instead of leaving it in the shared context until
	 * the next digest (or an error) comes along.
	 */
	if (md == ctx->md4 || rc != 0)
		EVP_MD_CTX_reset(ctx->mdctx);
	return rc;
}

/* RFC 1994 §4.1: MD5(Identifier | secret | Challenge). */
int
ppp_cr_md5_chap(struct ppp_ctx *ctx, uint8_t id, const uint8_t *secret,
    size_t slen, const uint8_t *chal, size_t clen, uint8_t out[16])
{
	return digest(ctx, ctx->md5, &id, 1, secret, slen, chal, clen, out);
}

/*
 * Decodes the UTF-8 character at p[*i] (RFC 3629): advances *i and stores
 * the code point.  Returns -1 (with *i unchanged) for an invalid sequence:
 * a stray continuation byte, a truncated sequence, an overlong form
 * (C0 80, E0 80 80, ...), a surrogate (U+D800..U+DFFF) or a value above
 * U+10FFFF.
 */
int
ppp_utf8_next(const uint8_t *p, size_t len, size_t *i, uint32_t *cp)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t k = *i, n, j;
	uint32_t c;

	if (k >= len)
		return -1;
	c = p[k];
	if (c < 0x80)
		n = 1;
	else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else
		return -1;
	if (n > len - k)
		return -1;
	for (j = 1; j < n; j++) {
		if ((p[k + j] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[k + j] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	*i = k + n;
	return 0;
}

/*
 * RFC 2759 §8.3 NtPasswordHash: MD4 of the UTF-16LE password.  The password
 * is UTF-8 (strictly decoded, see ppp_utf8_next); characters outside the
 * BMP become surrogate pairs, as Windows encodes them.
 */
int
ppp_cr_nt_hash(struct ppp_ctx *ctx, const char *pw, size_t len, uint8_t out[16])
{
	uint8_t u[2 * PPP_MAX_SECRET];
	const uint8_t *p = (const uint8_t *)pw;
	size_t i = 0, o = 0;
	uint32_t cp, hi, lo;
	int rc = PPP_E_INVAL;

	if (len > PPP_MAX_SECRET)
		goto out;
	/* Each UTF-8 byte yields at most 2 bytes of UTF-16. */
	while (i < len) {
		if (ppp_utf8_next(p, len, &i, &cp) != 0)
			goto out;
		if (cp >= 0x10000) {
			hi = 0xd800 + ((cp - 0x10000) >> 10);
			lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
			u[o++] = (uint8_t)hi;
			u[o++] = (uint8_t)(hi >> 8);
			u[o++] = (uint8_t)lo;
			u[o++] = (uint8_t)(lo >> 8);
		} else {
			u[o++] = (uint8_t)cp;
			u[o++] = (uint8_t)(cp >> 8);
		}
	}
	rc = digest(ctx, ctx->md4, u, o, NULL, 0, NULL, 0, out);
out:
	sodium_memzero(u, sizeof(u));
	return rc;
}

/* RFC 2759 §8.2 ChallengeHash; the user name without any "DOMAIN\". */
int
ppp_cr_challenge_hash(struct ppp_ctx *ctx, const uint8_t peer[16],
    const uint8_t auth[16], const char *user, size_t ulen, uint8_t out[8])
{
	uint8_t h[EVP_MAX_MD_SIZE];
	size_t i;
	int rc;

	for (i = ulen; i > 0; i--)
		if (user[i - 1] == '\\') {
			user += i;
			ulen -= i;
			break;
		}
	rc = digest(ctx, ctx->sha1, peer, 16, auth, 16, (const uint8_t *)user,
	    ulen, h);
	if (rc == 0)
		memcpy(out, h, 8);
	sodium_memzero(h, sizeof(h));
	return rc;
}

/* RFC 2759 §8.6 DesEncrypt: 7 key bytes spread over 8 with parity bits. */
static int
des7(struct ppp_ctx *ctx, const uint8_t clear[8], const uint8_t k7[7],
    uint8_t out[8])
{
	uint8_t k[8];
	int n, rc = PPP_E_CRYPTO;

	k[0] = k7[0];
	k[1] = (uint8_t)(k7[0] << 7 | k7[1] >> 1);
	k[2] = (uint8_t)(k7[1] << 6 | k7[2] >> 2);
	k[3] = (uint8_t)(k7[2] << 5 | k7[3] >> 3);
	k[4] = (uint8_t)(k7[3] << 4 | k7[4] >> 4);
	k[5] = (uint8_t)(k7[4] << 3 | k7[5] >> 5);
	k[6] = (uint8_t)(k7[5] << 2 | k7[6] >> 6);
	k[7] = (uint8_t)(k7[6] << 1);
	if (ctx->des == NULL)
		goto out;
	if (EVP_EncryptInit_ex2(ctx->cctx, ctx->des, k, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx->cctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx->cctx, out, &n, clear, 8) != 1 || n != 8)
		goto out;
	rc = 0;
out:
	sodium_memzero(k, sizeof(k));
	return rc;
}

/* RFC 2759 §8.5 ChallengeResponse. */
int
ppp_cr_nt_response(struct ppp_ctx *ctx, const uint8_t chal8[8],
    const uint8_t pwhash[16], uint8_t out[24])
{
	uint8_t z[21];
	int rc;

	memset(z, 0, sizeof(z));
	memcpy(z, pwhash, 16);
	if ((rc = des7(ctx, chal8, z, out)) == 0 &&
	    (rc = des7(ctx, chal8, z + 7, out + 8)) == 0)
		rc = des7(ctx, chal8, z + 14, out + 16);
	/* Drop the key schedule (NT hash bytes) from the shared context. */
	EVP_CIPHER_CTX_reset(ctx->cctx);
	sodium_memzero(z, sizeof(z));
	return rc;
}

/* RFC 2759 §8.7 GenerateAuthenticatorResponse (binary, 20 bytes). */
int
ppp_cr_auth_response(struct ppp_ctx *ctx, const uint8_t pwhash[16],
    const uint8_t ntresp[24], const uint8_t peer[16], const uint8_t auth[16],
    const char *user, size_t ulen, uint8_t out[20])
{
	static const uint8_t magic1[39] =
	    "Magic server to client signing constant";
	static const uint8_t magic2[41] =
	    "Pad to make it do more than one iteration";
	uint8_t hh[EVP_MAX_MD_SIZE], d[EVP_MAX_MD_SIZE], ch[8];
	int rc;

	if ((rc = digest(ctx, ctx->md4, pwhash, 16, NULL, 0, NULL, 0, hh)) != 0)
		goto out;
	if ((rc = digest(ctx, ctx->sha1, hh, 16, ntresp, 24, magic1,
	    sizeof(magic1), d)) != 0)
		goto out;
	if ((rc = ppp_cr_challenge_hash(ctx, peer, auth, user, ulen, ch)) != 0)
		goto out;
	if ((rc = digest(ctx, ctx->sha1, d, 20, ch, 8, magic2, sizeof(magic2),
	    d)) != 0)
		goto out;
	memcpy(out, d, 20);
out:
	sodium_memzero(hh, sizeof(hh));
	sodium_memzero(d, sizeof(d));
	sodium_memzero(ch, sizeof(ch));
	return rc;
}

/* RFC 2759 §8.1 GenerateNTResponse plus the expected §8.7 value. */
int
ppp_cr_mschapv2_client(struct ppp_ctx *ctx, const char *user, size_t ulen,
    const char *pw, size_t pwlen, const uint8_t auth[16],
    const uint8_t peer[16], uint8_t ntresp[24], uint8_t authresp[20])
{
	uint8_t ph[16], ch[8];
	int rc;

	if ((rc = ppp_cr_challenge_hash(ctx, peer, auth, user, ulen, ch)) != 0 ||
	    (rc = ppp_cr_nt_hash(ctx, pw, pwlen, ph)) != 0 ||
	    (rc = ppp_cr_nt_response(ctx, ch, ph, ntresp)) != 0)
		goto out;
	rc = ppp_cr_auth_response(ctx, ph, ntresp, peer, auth, user, ulen,
	    authresp);
out:
	sodium_memzero(ph, sizeof(ph));
	sodium_memzero(ch, sizeof(ch));
	return rc;
}
