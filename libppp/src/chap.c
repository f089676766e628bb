/*
 * chap.c - CHAP (RFC 1994) in both roles: the Challenge / Response /
 * Success / Failure framing that CHAP-MD5 and MS-CHAPv2 share, and the
 * MD5 algorithm (RFC 1994 §4.1).  MS-CHAPv2's own values and messages are
 * in mschapv2.c.
 */
#include <string.h>

#include <sodium.h>

#include "ppp_int.h"

#define MAX_CHALLENGE	64	/* largest CHAP-MD5 challenge we answer */

static const char *
mname(const struct ppp_session *s)
{
	return ppp_auth_method_name((enum ppp_auth_method)s->auth_method);
}

/*
 * Server: sends a Challenge; fresh = a new value and identifier (a new
 * round), else the current one again.  If the rng fails there is no round:
 * the authentication timer retries (Max-Configure times) instead of
 * leaving the session waiting with no timer.
 */
int
ppp_chap_send_challenge(struct ppp_session *s, bool fresh)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t body[1 + 16 + PPP_MAX_NAME];
	const char *name = s->name != NULL ? s->name->s : ctx->name;
	size_t nlen = s->name != NULL ? s->name->len : ctx->name_len;
	int rc;

	if (fresh) {
		if ((rc = ppp_random(ctx, s->challenge, 16)) != 0) {
			if (s->auth_state != AU_RETRY)
				s->auth_tries = ctx->cfg.max_configure;
			s->auth_state = AU_RETRY;
			s->auth_timer = s->now + ppp_auth_restart_ns(s);
			return rc;
		}
		s->auth_id++;
		s->auth_tries = ctx->cfg.max_configure;
	}
	/* RFC 1994 §4.1: Value-Size, Value, Name. */
	body[0] = 16;
	memcpy(body + 1, s->challenge, 16);
	memcpy(body + 17, name, nlen);
	s->auth_state = AU_WAIT_RESPONSE;
	s->auth_timer = s->now + ppp_auth_restart_ns(s);
	return ppp_sess_send(s, PROTO_CHAP, AUTH_CHAP_CHALLENGE, s->auth_id,
	    body, 17 + nlen);
}

/* Server: Success / Failure of the current round (RFC 1994 §4.2). */
int
ppp_chap_send_verdict(struct ppp_session *s, bool ok)
{
	char msg[256];
	const char *t;
	size_t ml;

	if (s->auth_method == PPP_AUTH_MSCHAPV2) {
		ml = ppp_mschap_verdict(s, ok, msg, sizeof(msg));
		t = msg;
	} else
		t = ppp_auth_verdict_text(s, ok, &ml);
	return ppp_sess_send(s, PROTO_CHAP, ok ? AUTH_CHAP_SUCCESS :
	    AUTH_CHAP_FAILURE, s->auth_id, (const uint8_t *)t, ml);
}

static int
chap_server(struct ppp_session *s, uint8_t code, uint8_t id,
    const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	size_t vs, want, nlen;
	int rc;

	if (code != AUTH_CHAP_RESPONSE)
		return ppp_bad(ctx, &ctx->stats.unknown_code,
		    PPP_E_UNKNOWN_CODE, "ppp: CHAP code %u at the server",
		    code);
	if (s->auth_method == PPP_AUTH_PAP || s->auth_state == AU_IDLE ||
	    s->auth_state == AU_RETRY)
		return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
		    "ppp: CHAP response not expected");
	/* RFC 1994 §4.1: Value-Size, Value, Name. */
	if (n < 1)
		return ppp_bad(ctx, &ctx->stats.truncated, PPP_E_TRUNCATED,
		    "ppp: CHAP response without Value-Size");
	vs = p[0];
	if (vs + 1 > n)
		return ppp_bad(ctx, &ctx->stats.bad_length, PPP_E_BAD_LENGTH,
		    "ppp: CHAP Value-Size %zu past the %zu bytes", vs, n);
	want = s->auth_method == PPP_AUTH_MSCHAPV2 ? MSV2_VALUE : 16;
	if (vs != want)
		return ppp_bad(ctx, &ctx->stats.bad_response,
		    PPP_E_BAD_RESPONSE, "ppp: %s response value of %zu bytes, "
		    "want %zu", mname(s), vs, want);
	nlen = n - 1 - vs;
	if (nlen > PPP_MAX_NAME)
		return ppp_bad(ctx, &ctx->stats.name_too_long,
		    PPP_E_NAME_TOO_LONG, "ppp: CHAP name of %zu bytes", nlen);
	if ((rc = ppp_auth_server_dup(s, id)) != 0)
		return rc;
	if (s->auth_method == PPP_AUTH_MSCHAPV2 &&
	    (rc = ppp_mschap_server_response(s, p, vs)) != 0)
		return rc;
	return ppp_auth_queue_request(s, p + 1 + vs, nlen, p + 1, vs);
}

/* Client: Response = Value-Size, Value, Name (our user name). */
int
ppp_chap_send_response(struct ppp_session *s)
{
	struct client_creds *c = s->creds;
	uint8_t body[1 + MSV2_VALUE + PPP_MAX_NAME];
	size_t vlen = c->last_resp_len;
	int rc;

	body[0] = (uint8_t)vlen;
	memcpy(body + 1, c->last_resp, vlen);
	memcpy(body + 1 + vlen, c->user, c->user_len);
	rc = ppp_sess_send(s, PROTO_CHAP, AUTH_CHAP_RESPONSE, s->auth_id, body,
	    1 + vlen + c->user_len);
	sodium_memzero(body, sizeof(body));
	return rc;
}

static int
chap_client_challenge(struct ppp_session *s, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	struct client_creds *c = s->creds;
	uint8_t val[MSV2_VALUE];
	size_t vs, vlen;
	int rc;

	if (s->auth_method != PPP_AUTH_CHAP_MD5 &&
	    s->auth_method != PPP_AUTH_MSCHAPV2)
		return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
		    "ppp: CHAP challenge without CHAP negotiated");
	if (n < 1)
		return ppp_bad(ctx, &ctx->stats.truncated, PPP_E_TRUNCATED,
		    "ppp: CHAP challenge without Value-Size");
	vs = p[0];
	if (vs + 1 > n)
		return ppp_bad(ctx, &ctx->stats.bad_length, PPP_E_BAD_LENGTH,
		    "ppp: CHAP Value-Size %zu past the %zu bytes", vs, n);
	if (vs == 0 || vs > MAX_CHALLENGE ||
	    (s->auth_method == PPP_AUTH_MSCHAPV2 && vs != 16))
		return ppp_bad(ctx, &ctx->stats.bad_response,
		    PPP_E_BAD_RESPONSE, "ppp: %s challenge of %zu bytes",
		    mname(s), vs);
	if (n - 1 - vs > PPP_MAX_NAME)
		return ppp_bad(ctx, &ctx->stats.name_too_long,
		    PPP_E_NAME_TOO_LONG, "ppp: CHAP name of %zu bytes",
		    n - 1 - vs);
	if ((s->auth_state == AU_CLIENT_SENT || s->auth_state == AU_DONE) &&
	    id == s->auth_id && c->last_resp_len > 0) {
		/* A retransmitted Challenge, possibly overtaken by the
		 * Success: repeat the same Response, so the MS-CHAPv2
		 * authenticator response we expect stays valid.  A real
		 * re-challenge carries a new identifier. */
		return ppp_chap_send_response(s);
	}
	if (s->auth_method == PPP_AUTH_CHAP_MD5) {
		rc = ppp_cr_md5_chap(ctx, id, (const uint8_t *)c->pw, c->pw_len,
		    p + 1, vs, val);
		vlen = 16;
	} else {
		rc = ppp_mschap_client_value(s, p + 1, val);
		vlen = MSV2_VALUE;
	}
	if (rc != 0) {
		ppp_log(ctx, PPP_LOG_ERROR, "ppp: %s: cannot compute response",
		    mname(s));
		goto out;
	}
	s->auth_id = id;
	memcpy(c->last_resp, val, vlen);
	c->last_resp_len = (uint8_t)vlen;
	rc = ppp_chap_send_response(s);
	s->auth_state = AU_CLIENT_SENT;
	s->auth_tries = ctx->cfg.max_configure;
	s->auth_timer = s->now + ppp_auth_restart_ns(s);
out:
	sodium_memzero(val, sizeof(val));
	return rc;
}

static int
chap_client(struct ppp_session *s, uint8_t code, uint8_t id,
    const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;

	switch (code) {
	case AUTH_CHAP_CHALLENGE:
		return chap_client_challenge(s, id, p, n);
	case AUTH_CHAP_SUCCESS:
	case AUTH_CHAP_FAILURE:
		break;
	default:
		return ppp_bad(ctx, &ctx->stats.unknown_code,
		    PPP_E_UNKNOWN_CODE, "ppp: CHAP code %u at the client",
		    code);
	}
	if ((s->auth_method != PPP_AUTH_CHAP_MD5 &&
	    s->auth_method != PPP_AUTH_MSCHAPV2) ||
	    s->auth_state != AU_CLIENT_SENT)
		return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
		    "ppp: CHAP code %u not expected", code);
	if (id != s->auth_id)
		return ppp_bad(ctx, &ctx->stats.bad_id, PPP_E_BAD_ID,
		    "ppp: CHAP code %u id %u, sent %u", code, id, s->auth_id);
	if (s->auth_method == PPP_AUTH_MSCHAPV2)
		return ppp_mschap_client_verdict(s, code, p, n);
	/* RFC 1994 §4.2: the rest of the packet is a message. */
	if (code == AUTH_CHAP_FAILURE)
		ppp_auth_fail(s, 0, p, n);
	else
		ppp_auth_succeed(s, p, n);
	return 0;
}

int
ppp_chap_input(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	if (s->role == PPP_ROLE_SERVER)
		return chap_server(s, code, id, p, n);
	return chap_client(s, code, id, p, n);
}

/* ppp_auth_check_password for CHAP-MD5: recompute, compare in constant
 * time. */
int
ppp_chap_md5_check(struct ppp_ctx *ctx, const struct ppp_auth_request *req,
    const char *pw, size_t pw_len)
{
	uint8_t calc[16];
	int rc = PPP_E_AUTH;

	if (req->response_len != 16 || req->challenge_len > 16)
		return PPP_E_INVAL;
	if (ppp_cr_md5_chap(ctx, req->id, (const uint8_t *)pw, pw_len,
	    req->challenge, req->challenge_len, calc) != 0)
		rc = PPP_E_CRYPTO;
	else if (sodium_memcmp(calc, req->response, 16) == 0)
		rc = 0;
	sodium_memzero(calc, sizeof(calc));
	return rc;
}
