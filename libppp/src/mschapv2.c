/*
 * mschapv2.c - MS-CHAPv2 (RFC 2759) on top of the CHAP framing of chap.c:
 * the 49-byte Response value, the Success ("S=... M=...") and Failure
 * ("E=... R=... C=... V=... M=...") messages in both roles, and the
 * password check of ppp_auth_check_password.  The algorithms (§8) are in
 * crypto.c.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ppp_int.h"

static void
hexenc(char *out, const uint8_t *in, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
hexdec(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if ((hi = hexval(in[2 * i])) < 0 ||
		    (lo = hexval(in[2 * i + 1])) < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/*
 * RFC 2759 §5: "S=<auth_string>" optionally followed by " M=<message>".
 * *moff (may be NULL) receives the offset of the message text, n if none.
 */
int
ppp_mschap_parse_success(const uint8_t *m, size_t n, uint8_t out[20],
    size_t *moff)
{
	if (n < 42 || m[0] != 'S' || m[1] != '=')
		return PPP_E_BAD_MESSAGE;
	if (hexdec(m + 2, 20, out) != 0)
		return PPP_E_BAD_MESSAGE;
	if (n > 42 && m[42] != ' ')
		return PPP_E_BAD_MESSAGE;
	if (moff != NULL)
		*moff = n >= 45 && m[43] == 'M' && m[44] == '=' ? 45 : n;
	return 0;
}

/* Parses "<key>=<decimal>" at *off; returns -1 if absent or malformed. */
static int
field_num(const uint8_t *m, size_t n, size_t *off, char key, int *out)
{
	size_t i = *off;
	long v = 0;
	size_t digits = 0;

	if (n - i < 3 || m[i] != (uint8_t)key || m[i + 1] != '=')
		return -1;
	for (i += 2; i < n && m[i] >= '0' && m[i] <= '9'; i++) {
		if (++digits > 9)
			return -1;
		v = v * 10 + (m[i] - '0');
	}
	if (digits == 0 || (i < n && m[i] != ' '))
		return -1;
	*out = (int)v;
	*off = i < n ? i + 1 : i;
	return 0;
}

/*
 * RFC 2759 §6: "E=eeeeeeeeee R=r C=cccc... V=vvvvvvvvvv M=<msg>".
 * *moff (may be NULL) receives the offset of the message text, n if none.
 */
int
ppp_mschap_parse_failure(const uint8_t *m, size_t n, int *e, int *r,
    uint8_t chal[16], int *v, size_t *moff)
{
	size_t off = 0;

	if (field_num(m, n, &off, 'E', e) != 0 ||
	    field_num(m, n, &off, 'R', r) != 0 || (*r != 0 && *r != 1))
		return PPP_E_BAD_MESSAGE;
	if (n - off < 34 || m[off] != 'C' || m[off + 1] != '=' ||
	    hexdec(m + off + 2, 16, chal) != 0 ||
	    (n - off > 34 && m[off + 34] != ' '))
		return PPP_E_BAD_MESSAGE;
	off += n - off > 34 ? 35 : 34;
	if (field_num(m, n, &off, 'V', v) != 0)
		return PPP_E_BAD_MESSAGE;
	if (off < n && (n - off < 2 || m[off] != 'M' || m[off + 1] != '='))
		return PPP_E_BAD_MESSAGE;
	if (moff != NULL)
		*moff = off < n ? off + 2 : n;
	return 0;
}

/*
 * Server: the Success or Failure message of the current round into out
 * (cap >= 256); returns its length.  Failure carries the application's E=
 * code (691 by default) and R=0: the peer does not retry within the round.
 */
size_t
ppp_mschap_verdict(struct ppp_session *s, bool ok, char *out, size_t cap)
{
	char hex[41], chx[33];
	const char *t;
	size_t tl;
	int n;

	t = ppp_auth_verdict_text(s, ok, &tl);
	if (ok) {
		hexenc(hex, s->auth_resp, 20);
		n = snprintf(out, cap, "S=%s M=%.*s", hex, (int)tl, t);
	} else {
		hexenc(chx, s->challenge, 16);
		n = snprintf(out, cap, "E=%u R=0 C=%s V=3 M=%.*s",
		    s->verdict_error != 0 ? (unsigned)s->verdict_error : 691u,
		    chx, (int)tl, t);
	}
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* Server: RFC 2759 §4, Reserved (8 zero octets) and Flags (0). */
int
ppp_mschap_server_response(struct ppp_session *s, const uint8_t *p, size_t vs)
{
	static const uint8_t zero[8];
	struct ppp_ctx *ctx = s->ctx;

	if (sodium_memcmp(p + 1 + 16, zero, 8) != 0 || p[vs] != 0)
		return ppp_bad(ctx, &ctx->stats.bad_response,
		    PPP_E_BAD_RESPONSE, "ppp: MS-CHAPv2 response with non-zero "
		    "reserved or flags");
	return 0;
}

/*
 * Client: RFC 2759 §4 Response value = Peer-Challenge (random), 8 zero
 * octets, NT-Response, Flags; remembers the authenticator response the
 * Success must carry.
 */
int
ppp_mschap_client_value(struct ppp_session *s, const uint8_t chal[16],
    uint8_t val[MSV2_VALUE])
{
	struct client_creds *c = s->creds;
	uint8_t nt[24];
	int rc;

	memset(val, 0, MSV2_VALUE);
	if ((rc = ppp_random(s->ctx, val, 16)) == 0)
		rc = ppp_cr_mschapv2_client(s->ctx, c->user, c->user_len,
		    c->pw, c->pw_len, chal, val, nt, c->expect_s);
	if (rc == 0)
		memcpy(val + 24, nt, 24);
	sodium_memzero(nt, sizeof(nt));
	return rc;
}

/* Client: the verdict of the authenticator (RFC 2759 §5, §6). */
int
ppp_mschap_client_verdict(struct ppp_session *s, uint8_t code,
    const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t sresp[20], chal[16];
	size_t moff = n;
	int e = 0, r, v, rc;

	if (code == AUTH_CHAP_FAILURE) {
		if (ppp_mschap_parse_failure(p, n, &e, &r, chal, &v,
		    &moff) != 0) {
			ppp_bad(ctx, &ctx->stats.bad_message,
			    PPP_E_BAD_MESSAGE, "ppp: malformed MS-CHAPv2 "
			    "Failure message (%zu bytes)", n);
			e = 0;
			moff = n;
		}
		ppp_auth_fail(s, e, p + moff, n - moff);
		return 0;
	}
	/* RFC 2759 §5: the client checks the authenticator. */
	if (ppp_mschap_parse_success(p, n, sresp, &moff) != 0) {
		rc = ppp_bad(ctx, &ctx->stats.bad_message, PPP_E_BAD_MESSAGE,
		    "ppp: malformed MS-CHAPv2 Success message (%zu bytes)", n);
		ppp_auth_fail(s, 0, NULL, 0);
		return rc;
	}
	if (sodium_memcmp(sresp, s->creds->expect_s, 20) != 0) {
		rc = ppp_bad(ctx, &ctx->stats.bad_message, PPP_E_AUTH,
		    "ppp: MS-CHAPv2 authenticator response mismatch");
		ppp_auth_fail(s, 0, NULL, 0);
		return rc;
	}
	ppp_auth_succeed(s, p + moff, n - moff);
	return 0;
}

/* ppp_auth_check_password for MS-CHAPv2: RFC 2759 §8.1 recomputed, then
 * §8.7 for the S= value. */
int
ppp_mschap_check(struct ppp_ctx *ctx, const struct ppp_auth_request *req,
    const char *pw, size_t pw_len, struct ppp_auth_result *res)
{
	uint8_t calc[24], ph[16], ch8[8];
	int rc = PPP_E_AUTH;

	if (req->response_len != MSV2_VALUE || req->challenge_len != 16)
		return PPP_E_INVAL;
	if (ppp_cr_challenge_hash(ctx, req->response, req->challenge,
	    req->user, req->user_len, ch8) != 0) {
		rc = PPP_E_CRYPTO;
		goto out;
	}
	if ((rc = ppp_cr_nt_hash(ctx, pw, pw_len, ph)) != 0)
		goto out;	/* PPP_E_INVAL: not UTF-8 */
	if (ppp_cr_nt_response(ctx, ch8, ph, calc) != 0) {
		rc = PPP_E_CRYPTO;
		goto out;
	}
	rc = PPP_E_AUTH;
	if (sodium_memcmp(calc, req->response + 24, 24) != 0)
		goto out;
	if (ppp_cr_auth_response(ctx, ph, calc, req->response,
	    req->challenge, req->user, req->user_len,
	    res->auth_response) != 0) {
		rc = PPP_E_CRYPTO;
		goto out;
	}
	res->has_auth_response = true;
	rc = 0;
out:
	sodium_memzero(calc, sizeof(calc));
	sodium_memzero(ph, sizeof(ph));
	sodium_memzero(ch8, sizeof(ch8));
	return rc;
}
