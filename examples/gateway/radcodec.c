/*
 * radcodec.c - RADIUS packets as bytes (radcodec.h).  MD5 and HMAC-MD5
 * from OpenSSL; authenticators compared with CRYPTO_memcmp.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "radcodec.h"

const char *
radc_strerror(int err)
{
	switch (err) {
	case RADC_OK: return "ok";
	case RADC_E_INVAL: return "invalid argument";
	case RADC_E_BUFFER: return "packet too large";
	case RADC_E_CRYPTO: return "crypto failure";
	case RADC_E_TRUNCATED: return "truncated";
	case RADC_E_BAD_LENGTH: return "bad length field";
	case RADC_E_ATTR_LENGTH: return "bad attribute length";
	case RADC_E_AUTHENTICATOR: return "bad authenticator";
	case RADC_E_MSG_AUTH: return "bad Message-Authenticator";
	case RADC_E_NO_MSG_AUTH: return "no Message-Authenticator";
	case RADC_E_DUP_MSG_AUTH: return "duplicate Message-Authenticator";
	default: return "unknown";
	}
}

uint32_t
radc_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* MD5 over up to three pieces. */
static int
md5(uint8_t out[16], const void *a, size_t alen, const void *b, size_t blen,
    const void *c, size_t clen)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	if (x == NULL)
		return RADC_E_CRYPTO;
	ok = EVP_DigestInit_ex(x, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(x, a, alen) == 1 &&
	    (blen == 0 || EVP_DigestUpdate(x, b, blen) == 1) &&
	    (clen == 0 || EVP_DigestUpdate(x, c, clen) == 1) &&
	    EVP_DigestFinal_ex(x, out, &n) == 1 && n == 16;
	EVP_MD_CTX_free(x);
	return ok ? RADC_OK : RADC_E_CRYPTO;
}

static int
hmac_md5(uint8_t out[16], const void *key, size_t klen, const uint8_t *d, size_t n)
{
	unsigned int len = 0;

	if (klen > INT32_MAX ||
	    HMAC(EVP_md5(), key, (int)klen, d, n, out, &len) == NULL || len != 16)
		return RADC_E_CRYPTO;
	return RADC_OK;
}

/* ---- building --------------------------------------------------------- */

void
radc_begin(struct radc_pkt *p, uint8_t code, uint8_t id, const uint8_t auth[16])
{
	memset(p->buf, 0, RADC_HDR);
	p->buf[0] = code;
	p->buf[1] = id;
	if (auth != NULL)
		memcpy(p->buf + 4, auth, 16);
	p->len = RADC_HDR;
}

int
radc_add(struct radc_pkt *p, uint8_t type, const void *val, size_t len)
{
	/* Room is kept for the Message-Authenticator radc_finish adds. */
	if (len > 253 || p->len + 2 + len + 18 > RADC_MAX_PKT)
		return RADC_E_BUFFER;
	p->buf[p->len] = type;
	p->buf[p->len + 1] = (uint8_t)(2 + len);
	if (len > 0)
		memcpy(p->buf + p->len + 2, val, len);
	p->len += 2 + len;
	return RADC_OK;
}

int
radc_add_u32(struct radc_pkt *p, uint8_t type, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	return radc_add(p, type, b, 4);
}

int
radc_add_str(struct radc_pkt *p, uint8_t type, const char *s)
{
	size_t n = strlen(s);

	return radc_add(p, type, s, n > 253 ? 253 : n);
}

int
radc_add_tagged_u32(struct radc_pkt *p, uint8_t type, uint8_t tag, uint32_t v)
{
	uint8_t b[4];

	put32(b, v & 0xffffff);
	b[0] = tag;
	return radc_add(p, type, b, 4);
}

int
radc_add_vsa(struct radc_pkt *p, uint32_t vendor, uint8_t vtype, const void *val,
    size_t len)
{
	uint8_t b[255];

	if (len > 247)
		return RADC_E_BUFFER;
	put32(b, vendor);
	b[4] = vtype;
	b[5] = (uint8_t)(2 + len);
	if (len > 0)
		memcpy(b + 6, val, len);
	return radc_add(p, RADC_VENDOR_SPECIFIC, b, 6 + len);
}

int
radc_add_password(struct radc_pkt *p, const void *pw, size_t len, const void *secret,
    size_t slen)
{
	uint8_t out[128], b[16];
	const uint8_t *prev = p->buf + 4;
	size_t padded = len == 0 ? 16 : (len + 15) & ~(size_t)15, i, j;
	int rc;

	if (len > 128)
		return RADC_E_INVAL;
	memset(out, 0, sizeof(out));
	memcpy(out, pw, len);
	for (i = 0; i < padded; i += 16) {
		if ((rc = md5(b, secret, slen, prev, 16, NULL, 0)) != RADC_OK)
			return rc;
		for (j = 0; j < 16; j++)
			out[i + j] ^= b[j];
		prev = out + i;
	}
	rc = radc_add(p, RADC_USER_PASSWORD, out, padded);
	OPENSSL_cleanse(out, sizeof(out));
	OPENSSL_cleanse(b, sizeof(b));
	return rc;
}

int
radc_finish(struct radc_pkt *p, const void *secret, size_t slen, const uint8_t *req_auth)
{
	uint8_t code = p->buf[0], mac[16], sum[16];
	size_t ma;
	int rc;

	if (p->len + 18 > RADC_MAX_PKT)
		return RADC_E_BUFFER;
	ma = p->len;
	p->buf[ma] = RADC_MESSAGE_AUTHENTICATOR;
	p->buf[ma + 1] = 18;
	memset(p->buf + ma + 2, 0, 16);
	p->len += 18;
	put16(p->buf + 2, p->len);
	/* The authenticator field while the MAC is computed: the request's
	 * own random one, 16 zeros for other requests, the request's for a
	 * reply (RFC 2869 5.14, RFC 5176 3.5). */
	if (req_auth != NULL)
		memcpy(p->buf + 4, req_auth, 16);
	else if (code != RADC_ACCESS_REQUEST)
		memset(p->buf + 4, 0, 16);
	if ((rc = hmac_md5(mac, secret, slen, p->buf, p->len)) != RADC_OK)
		return rc;
	memcpy(p->buf + ma + 2, mac, 16);
	if (code == RADC_ACCESS_REQUEST && req_auth == NULL)
		return RADC_OK;
	if ((rc = md5(sum, p->buf, p->len, secret, slen, NULL, 0)) != RADC_OK)
		return rc;
	memcpy(p->buf + 4, sum, 16);
	return RADC_OK;
}

/* ---- reading ---------------------------------------------------------- */

int
radc_parse(const uint8_t *buf, size_t n, struct radc_view *v)
{
	size_t len, pos;

	if (buf == NULL || v == NULL)
		return RADC_E_INVAL;
	if (n < RADC_HDR)
		return RADC_E_TRUNCATED;
	len = (size_t)buf[2] << 8 | buf[3];
	if (len < RADC_HDR || len > RADC_MAX_PKT)
		return RADC_E_BAD_LENGTH;
	if (len > n)
		return RADC_E_TRUNCATED;
	for (pos = RADC_HDR; pos < len;) {
		if (len - pos < 2 || buf[pos + 1] < 2 || buf[pos + 1] > len - pos)
			return RADC_E_ATTR_LENGTH;
		pos += buf[pos + 1];
	}
	v->code = buf[0];
	v->id = buf[1];
	v->pkt = buf;
	v->len = len;
	return RADC_OK;
}

bool
radc_next_attr(const struct radc_view *v, size_t *pos, uint8_t *type,
    const uint8_t **val, size_t *len)
{
	if (*pos < RADC_HDR || *pos + 2 > v->len)
		return false;
	if (v->pkt[*pos + 1] < 2 || v->pkt[*pos + 1] > v->len - *pos)
		return false;
	*type = v->pkt[*pos];
	*val = v->pkt + *pos + 2;
	*len = (size_t)v->pkt[*pos + 1] - 2;
	*pos += v->pkt[*pos + 1];
	return true;
}

bool
radc_vsa(const uint8_t *val, size_t len, uint32_t *vendor, uint8_t *vtype,
    const uint8_t **sval, size_t *slen)
{
	if (len < 6 || val[5] < 2 || val[5] > len - 4)
		return false;
	*vendor = radc_get32(val);
	*vtype = val[4];
	*sval = val + 6;
	*slen = (size_t)val[5] - 2;
	return true;
}

/* Finds the one Message-Authenticator; its offset in *off (0 = none). */
static int
find_ma(const struct radc_view *v, size_t *off)
{
	size_t pos = RADC_HDR, at;
	const uint8_t *val;
	size_t len;
	uint8_t type;

	*off = 0;
	for (at = pos; radc_next_attr(v, &pos, &type, &val, &len); at = pos) {
		if (type != RADC_MESSAGE_AUTHENTICATOR)
			continue;
		if (len != 16)
			return RADC_E_MSG_AUTH;
		if (*off != 0)
			return RADC_E_DUP_MSG_AUTH;
		*off = at;
	}
	return RADC_OK;
}

/* Checks the MAC at off with the authenticator field set to auth. */
static int
check_ma(const struct radc_view *v, size_t off, const uint8_t auth[16],
    const void *secret, size_t slen)
{
	uint8_t copy[RADC_MAX_PKT], mac[16];
	int rc;

	memcpy(copy, v->pkt, v->len);
	memcpy(copy + 4, auth, 16);
	memset(copy + off + 2, 0, 16);
	if ((rc = hmac_md5(mac, secret, slen, copy, v->len)) != RADC_OK)
		return rc;
	return CRYPTO_memcmp(mac, v->pkt + off + 2, 16) == 0 ? RADC_OK : RADC_E_MSG_AUTH;
}

int
radc_verify_reply(const struct radc_view *v, const uint8_t req_auth[16],
    const void *secret, size_t slen, bool require_ma)
{
	uint8_t hdr[RADC_HDR], sum[16];
	EVP_MD_CTX *x;
	unsigned int n = 0;
	size_t ma;
	int rc, ok;

	memcpy(hdr, v->pkt, 4);
	memcpy(hdr + 4, req_auth, 16);
	if ((x = EVP_MD_CTX_new()) == NULL)
		return RADC_E_CRYPTO;
	ok = EVP_DigestInit_ex(x, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(x, hdr, RADC_HDR) == 1 &&
	    EVP_DigestUpdate(x, v->pkt + RADC_HDR, v->len - RADC_HDR) == 1 &&
	    EVP_DigestUpdate(x, secret, slen) == 1 &&
	    EVP_DigestFinal_ex(x, sum, &n) == 1 && n == 16;
	EVP_MD_CTX_free(x);
	if (!ok)
		return RADC_E_CRYPTO;
	if (CRYPTO_memcmp(sum, v->pkt + 4, 16) != 0)
		return RADC_E_AUTHENTICATOR;
	if ((rc = find_ma(v, &ma)) != RADC_OK)
		return rc;
	if (ma == 0)
		return require_ma ? RADC_E_NO_MSG_AUTH : RADC_OK;
	return check_ma(v, ma, req_auth, secret, slen);
}

int
radc_verify_request(const struct radc_view *v, const void *secret, size_t slen,
    bool require_ma)
{
	static const uint8_t zero[16];
	uint8_t copy[RADC_MAX_PKT], sum[16];
	size_t ma;
	int rc;

	memcpy(copy, v->pkt, v->len);
	memset(copy + 4, 0, 16);
	if ((rc = md5(sum, copy, v->len, secret, slen, NULL, 0)) != RADC_OK)
		return rc;
	if (CRYPTO_memcmp(sum, v->pkt + 4, 16) != 0)
		return RADC_E_AUTHENTICATOR;
	if ((rc = find_ma(v, &ma)) != RADC_OK)
		return rc;
	if (ma == 0)
		return require_ma ? RADC_E_NO_MSG_AUTH : RADC_OK;
	return check_ma(v, ma, zero, secret, slen);
}
