/*
 * auth.c - PAP (RFC 1334 §2), CHAP-MD5 (RFC 1994) and MS-CHAPv2 (RFC 2759)
 * in both roles.  The authenticator hands the credentials to the
 * application (PPP_EV_AUTH_REQUEST) and waits for ppp_session_auth_reply.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "ppp_int.h"

#define PAP_REQ		1
#define PAP_ACK		2
#define PAP_NAK		3
#define CHAP_CHALLENGE	1
#define CHAP_RESPONSE	2
#define CHAP_SUCCESS	3
#define CHAP_FAILURE	4

#define MSV2_VALUE	49	/* RFC 2759 §4: Response value size */
#define MAX_CHALLENGE	64	/* largest CHAP-MD5 challenge we answer */

static const char *
method_name(uint8_t m)
{
	switch (m) {
	case PPP_AUTH_PAP: return "PAP";
	case PPP_AUTH_CHAP_MD5: return "CHAP-MD5";
	case PPP_AUTH_MSCHAPV2: return "MS-CHAPv2";
	}
	return "none";
}

static uint64_t
restart_ns(struct ppp_session *s)
{
	return (uint64_t)s->ctx->cfg.restart_ms * NS_PER_MS;
}

static void
auth_result_event(struct ppp_session *s, bool ok, int err)
{
	struct ppp_event *ev;

	if (ok)
		s->ctx->stats.auth_ok++;
	else
		s->ctx->stats.auth_fail++;
	ppp_log(s->ctx, ok ? PPP_LOG_INFO : PPP_LOG_WARN,
	    "ppp: %s authentication %s", method_name(s->auth_method),
	    ok ? "succeeded" : "failed");
	if ((ev = ppp_sess_event(s, PPP_EV_AUTH_RESULT, 0)) != NULL) {
		ev->auth_ok = ok;
		ev->auth_error = err;
	}
}

/* Authentication failed: report, tear the link down (RFC 1994 §2.2.2). */
static void
auth_fail(struct ppp_session *s, int err)
{
	s->auth_state = AU_FAILED;
	s->auth_timer = s->rechallenge_timer = UINT64_MAX;
	auth_result_event(s, false, err);
	ppp_sess_link_down(s, PPP_DOWN_AUTH_FAILED);
	ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
}

static void
auth_succeed(struct ppp_session *s)
{
	s->auth_state = AU_DONE;
	s->auth_timer = UINT64_MAX;
	auth_result_event(s, true, 0);
	if (s->phase == PH_AUTH)
		ppp_sess_enter_network(s);
	if (s->role == PPP_ROLE_SERVER && s->ctx->cfg.rechallenge_s > 0 &&
	    s->auth_method != PPP_AUTH_PAP)
		s->rechallenge_timer = s->now +
		    (uint64_t)s->ctx->cfg.rechallenge_s * NS_PER_S;
}

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

/* RFC 2759 §5: "S=<auth_string>" optionally followed by " M=<message>". */
int
ppp_mschap_parse_success(const uint8_t *m, size_t n, uint8_t out[20])
{
	if (n < 42 || m[0] != 'S' || m[1] != '=')
		return PPP_E_BAD_MESSAGE;
	if (hexdec(m + 2, 20, out) != 0)
		return PPP_E_BAD_MESSAGE;
	if (n > 42 && m[42] != ' ')
		return PPP_E_BAD_MESSAGE;
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

/* RFC 2759 §6: "E=eeeeeeeeee R=r C=cccc... V=vvvvvvvvvv M=<msg>". */
int
ppp_mschap_parse_failure(const uint8_t *m, size_t n, int *e, int *r,
    uint8_t chal[16], int *v)
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
	return 0;
}

static int send_chap_response(struct ppp_session *);

static int
send_challenge(struct ppp_session *s, bool fresh)
{
	uint8_t body[1 + 16 + PPP_MAX_NAME];
	int rc;

	if (fresh) {
		if ((rc = ppp_random(s->ctx, s->challenge, 16)) != 0)
			return rc;
		s->auth_id++;
		s->auth_tries = s->ctx->cfg.max_configure;
	}
	/* RFC 1994 §4.1: Value-Size, Value, Name. */
	body[0] = 16;
	memcpy(body + 1, s->challenge, 16);
	memcpy(body + 17, s->ctx->name, s->ctx->name_len);
	s->auth_state = AU_WAIT_RESPONSE;
	s->auth_timer = s->now + restart_ns(s);
	return ppp_sess_send(s, PROTO_CHAP, CHAP_CHALLENGE, s->auth_id, body,
	    17 + s->ctx->name_len);
}

static int
send_pap_request(struct ppp_session *s)
{
	struct client_creds *c = s->creds;
	uint8_t buf[2 + PPP_MAX_NAME + PPP_MAX_SECRET];
	size_t n = 0;
	int rc;

	buf[n++] = c->user_len;
	memcpy(buf + n, c->user, c->user_len);
	n += c->user_len;
	buf[n++] = c->pw_len;
	memcpy(buf + n, c->pw, c->pw_len);
	n += c->pw_len;
	s->auth_state = AU_CLIENT_SENT;
	s->auth_timer = s->now + restart_ns(s);
	rc = ppp_sess_send(s, PROTO_PAP, PAP_REQ, s->auth_id, buf, n);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

void
ppp_auth_start(struct ppp_session *s)
{
	const struct ppp_config *c = &s->ctx->cfg;

	if (s->role == PPP_ROLE_SERVER) {
		if (c->n_auth == 0) {
			ppp_sess_enter_network(s);
			return;
		}
		/* One request outstanding at a time: the next round starts
		 * when the abandoned one has been answered. */
		if (s->stale_reply)
			return;
		s->auth_method = (uint8_t)c->auth[s->auth_idx];
		if (s->auth_method == PPP_AUTH_PAP) {
			/* RFC 1334 §2.1: the peer sends; we wait. */
			s->auth_state = AU_WAIT_RESPONSE;
			s->auth_timer = s->now +
			    restart_ns(s) * c->max_configure;
		} else
			send_challenge(s, true);
		return;
	}
	s->auth_method = s->peer_auth;
	if (s->peer_auth == 0 && c->n_auth > 0) {
		/* "None" is not among the methods we were told to accept:
		 * without it the server is not authenticated (no S=). */
		ppp_bad(s->ctx, &s->ctx->stats.auth_fail, PPP_E_AUTH,
		    "ppp: the server asks for no authentication, %zu method(s) "
		    "required", c->n_auth);
		ppp_sess_link_down(s, PPP_DOWN_NO_COMMON_AUTH);
		ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
		return;
	}
	if (s->peer_auth == 0) {
		ppp_sess_enter_network(s);
		return;
	}
	if (s->peer_auth == PPP_AUTH_PAP) {
		s->auth_id++;
		s->auth_tries = c->max_configure;
		send_pap_request(s);
	} else {
		s->auth_state = AU_CLIENT_WAIT;
		s->auth_timer = s->now + restart_ns(s) * c->max_configure;
	}
}

void
ppp_auth_timer(struct ppp_session *s)
{
	struct ppp_ctx *ctx = s->ctx;

	if (s->down_reported)
		return;
	if ((s->auth_state == AU_WAIT_RESPONSE &&
	    s->auth_method != PPP_AUTH_PAP) ||
	    s->auth_state == AU_CLIENT_SENT) {
		if (s->auth_tries > 0) {
			s->auth_tries--;
			if (s->role == PPP_ROLE_SERVER)
				send_challenge(s, false);
			else if (s->auth_method == PPP_AUTH_PAP)
				send_pap_request(s);
			else {
				/* The Success may have been lost: send the
				 * Response again, the authenticator repeats
				 * its verdict (RFC 1994 §4.2). */
				send_chap_response(s);
				s->auth_timer = s->now + restart_ns(s);
			}
			return;
		}
	}
	if (s->auth_state == AU_WAIT_RESPONSE || s->auth_state ==
	    AU_CLIENT_SENT || s->auth_state == AU_CLIENT_WAIT) {
		ppp_log(ctx, PPP_LOG_WARN, "ppp: %s timed out",
		    method_name(s->auth_method));
		auth_fail(s, 0);
	}
}

void
ppp_auth_rechallenge(struct ppp_session *s)
{
	/* RFC 1994 §2: the authenticator may challenge again any time. */
	if (s->role == PPP_ROLE_SERVER && s->phase == PH_NETWORK &&
	    s->auth_state == AU_DONE && !s->down_reported)
		send_challenge(s, true);
}

/* Server: sends Success/Failure (or PAP Ack/Nak) for the current id. */
static int
send_verdict(struct ppp_session *s, bool ok)
{
	char msg[128];
	uint8_t h[5];
	size_t ml;

	if (s->auth_method == PPP_AUTH_PAP) {
		ml = strlen(ok ? "Access granted" : "Access denied");
		memcpy(msg, ok ? "Access granted" : "Access denied", ml);
		h[0] = ok ? PAP_ACK : PAP_NAK;
		h[1] = s->auth_id;
		put16(h + 2, (uint16_t)(5 + ml));
		h[4] = (uint8_t)ml;
		return ppp_sess_send_raw(s, PROTO_PAP, h, 5, (uint8_t *)msg, ml);
	}
	if (s->auth_method == PPP_AUTH_MSCHAPV2) {
		char hex[41], chx[33];

		if (ok) {
			hexenc(hex, s->auth_resp, 20);
			snprintf(msg, sizeof(msg), "S=%s M=Access granted",
			    hex);
		} else {
			hexenc(chx, s->challenge, 16);
			snprintf(msg, sizeof(msg), "E=691 R=0 C=%s V=3 "
			    "M=Access denied", chx);
		}
	} else {
		ml = strlen(ok ? "Access granted" : "Access denied");
		memcpy(msg, ok ? "Access granted" : "Access denied", ml + 1);
	}
	return ppp_sess_send(s, PROTO_CHAP, ok ? CHAP_SUCCESS : CHAP_FAILURE,
	    s->auth_id, (uint8_t *)msg, strlen(msg));
}

/* The state check shared by PAP and CHAP responses at the server. */
static int
server_dup(struct ppp_session *s, uint8_t id)
{
	struct ppp_ctx *ctx = s->ctx;

	if (id != s->auth_id)
		return ppp_bad(ctx, &ctx->stats.bad_id, PPP_E_BAD_ID,
		    "ppp: %s response id %u, current %u",
		    method_name(s->auth_method), id, s->auth_id);
	if (s->auth_state == AU_WAIT_RESPONSE)
		return 0;
	if (s->auth_state == AU_DONE || s->auth_state == AU_FAILED) {
		/* RFC 1994 §4.2: answer a retransmission again. */
		send_verdict(s, s->auth_state == AU_DONE);
	}
	return ppp_bad(ctx, &ctx->stats.duplicate, PPP_E_DUPLICATE,
	    "ppp: duplicate %s response id %u", method_name(s->auth_method),
	    id);
}

static int
queue_request(struct ppp_session *s, const uint8_t *name, size_t nlen,
    const uint8_t *val, size_t vlen)
{
	struct ppp_ctx *ctx = s->ctx;
	struct ppp_event *ev;
	char esc[64];

	if (memchr(name, 0, nlen) != NULL) {
		ppp_escape(esc, sizeof(esc), name, nlen);
		ppp_bad(ctx, &ctx->stats.bad_message, PPP_E_BAD_MESSAGE,
		    "ppp: %s user name \"%s\" contains NUL",
		    method_name(s->auth_method), esc);
		send_verdict(s, false);
		auth_fail(s, 0);
		return PPP_E_BAD_MESSAGE;
	}
	if ((ev = ppp_sess_event(s, PPP_EV_AUTH_REQUEST, 0)) == NULL)
		return s->n_ev >= ctx->cfg.max_events ? PPP_E_QUEUE_FULL :
		    PPP_E_NOMEM;
	ev->auth.method = (enum ppp_auth_method)s->auth_method;
	memcpy(ev->auth.user, name, nlen);
	ev->auth.user_len = nlen;
	ev->auth.id = s->auth_id;
	if (s->auth_method != PPP_AUTH_PAP) {
		memcpy(ev->auth.challenge, s->challenge, 16);
		ev->auth.challenge_len = 16;
	}
	memcpy(ev->auth.response, val, vlen);
	ev->auth.response_len = vlen;
	s->auth_state = AU_PENDING;
	s->auth_timer = UINT64_MAX;
	ppp_escape(esc, sizeof(esc), name, nlen);
	ppp_log(ctx, PPP_LOG_INFO, "ppp: %s response from \"%s\", verifying",
	    method_name(s->auth_method), esc);
	return 0;
}

static int
pap_server(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	size_t ulen, plen;
	int rc;

	if (code != PAP_REQ)
		return ppp_bad(ctx, &ctx->stats.unknown_code,
		    PPP_E_UNKNOWN_CODE, "ppp: PAP code %u at the server",
		    code);
	if (s->auth_method != PPP_AUTH_PAP || s->auth_state == AU_IDLE)
		return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
		    "ppp: PAP request not expected");
	/* RFC 1334 §2.2.1: Peer-ID Length, Peer-ID, Passwd-Length, Passwd. */
	if (n < 1 || (ulen = p[0]) + 2 > n || (plen = p[1 + ulen]) + 2 +
	    ulen > n)
		return ppp_bad(ctx, &ctx->stats.bad_length, PPP_E_BAD_LENGTH,
		    "ppp: PAP request of %zu bytes with inconsistent "
		    "lengths", n);
	/*
	 * PAP has no challenge that could go stale, and peers such as pppd
	 * give every retransmission a new Identifier: answer the latest one
	 * (RFC 1334 §2.2.2, the Ack/Nak copies the Request's Identifier).
	 */
	s->auth_id = id;
	if ((rc = server_dup(s, id)) != 0)
		return rc;
	return queue_request(s, p + 1, ulen, p + 2 + ulen, plen);
}

static int
pap_client(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;

	(void)p;
	(void)n;
	if (code != PAP_ACK && code != PAP_NAK)
		return ppp_bad(ctx, &ctx->stats.unknown_code,
		    PPP_E_UNKNOWN_CODE, "ppp: PAP code %u at the client",
		    code);
	/* Only PAP's own verdict: an Ack must not stand in for the
	 * MS-CHAPv2 Success whose S= authenticates the server. */
	if (s->auth_method != PPP_AUTH_PAP || s->auth_state != AU_CLIENT_SENT)
		return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
		    "ppp: PAP code %u not expected", code);
	if (id != s->auth_id)
		return ppp_bad(ctx, &ctx->stats.bad_id, PPP_E_BAD_ID,
		    "ppp: PAP reply id %u, sent %u", id, s->auth_id);
	if (code == PAP_ACK)
		auth_succeed(s);
	else
		auth_fail(s, 0);
	return 0;
}

int
ppp_pap_input(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	if (s->role == PPP_ROLE_SERVER)
		return pap_server(s, code, id, p, n);
	return pap_client(s, code, id, p, n);
}

static int
chap_server(struct ppp_session *s, uint8_t code, uint8_t id,
    const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	size_t vs, want, nlen;
	int rc;

	if (code != CHAP_RESPONSE)
		return ppp_bad(ctx, &ctx->stats.unknown_code,
		    PPP_E_UNKNOWN_CODE, "ppp: CHAP code %u at the server",
		    code);
	if (s->auth_method == PPP_AUTH_PAP || s->auth_state == AU_IDLE)
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
		    "want %zu", method_name(s->auth_method), vs, want);
	nlen = n - 1 - vs;
	if (nlen > PPP_MAX_NAME)
		return ppp_bad(ctx, &ctx->stats.name_too_long,
		    PPP_E_NAME_TOO_LONG, "ppp: CHAP name of %zu bytes", nlen);
	if ((rc = server_dup(s, id)) != 0)
		return rc;
	if (s->auth_method == PPP_AUTH_MSCHAPV2) {
		static const uint8_t zero[8];

		/* RFC 2759 §4: Reserved (8 zero octets) and Flags (0). */
		if (sodium_memcmp(p + 1 + 16, zero, 8) != 0 || p[vs] != 0)
			return ppp_bad(ctx, &ctx->stats.bad_response,
			    PPP_E_BAD_RESPONSE, "ppp: MS-CHAPv2 response "
			    "with non-zero reserved or flags");
	}
	return queue_request(s, p + 1 + vs, nlen, p + 1, vs);
}

/* RFC 1994 §4.1: Response = Value-Size, Value, Name (our user name). */
static int
send_chap_response(struct ppp_session *s)
{
	struct client_creds *c = s->creds;
	uint8_t body[1 + MSV2_VALUE + PPP_MAX_NAME];
	size_t vlen = c->last_resp_len;
	int rc;

	body[0] = (uint8_t)vlen;
	memcpy(body + 1, c->last_resp, vlen);
	memcpy(body + 1 + vlen, c->user, c->user_len);
	rc = ppp_sess_send(s, PROTO_CHAP, CHAP_RESPONSE, s->auth_id, body,
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
	uint8_t val[MSV2_VALUE], nt[24];
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
		    method_name(s->auth_method), vs);
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
		return send_chap_response(s);
	}
	if (s->auth_method == PPP_AUTH_CHAP_MD5) {
		rc = ppp_cr_md5_chap(ctx, id, (const uint8_t *)c->pw, c->pw_len,
		    p + 1, vs, val);
		vlen = 16;
	} else {
		/* RFC 2759 §4: Peer-Challenge, 8 zero, NT-Response, Flags. */
		memset(val, 0, sizeof(val));
		if ((rc = ppp_random(ctx, val, 16)) == 0)
			rc = ppp_cr_mschapv2_client(ctx, c->user, c->user_len,
			    c->pw, c->pw_len, p + 1, val, nt, c->expect_s);
		memcpy(val + 24, nt, 24);
		vlen = MSV2_VALUE;
	}
	if (rc != 0) {
		ppp_log(ctx, PPP_LOG_ERR, "ppp: %s: cannot compute response",
		    method_name(s->auth_method));
		goto out;
	}
	s->auth_id = id;
	memcpy(c->last_resp, val, vlen);
	c->last_resp_len = (uint8_t)vlen;
	rc = send_chap_response(s);
	s->auth_state = AU_CLIENT_SENT;
	s->auth_tries = ctx->cfg.max_configure;
	s->auth_timer = s->now + restart_ns(s);
out:
	sodium_memzero(val, sizeof(val));
	sodium_memzero(nt, sizeof(nt));
	return rc;
}

static int
chap_client(struct ppp_session *s, uint8_t code, uint8_t id,
    const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t sresp[20], chal[16];
	int e = 0, r, v, rc;

	switch (code) {
	case CHAP_CHALLENGE:
		return chap_client_challenge(s, id, p, n);
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
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
	if (code == CHAP_FAILURE) {
		if (s->auth_method == PPP_AUTH_MSCHAPV2 &&
		    ppp_mschap_parse_failure(p, n, &e, &r, chal, &v) != 0) {
			ppp_bad(ctx, &ctx->stats.bad_message,
			    PPP_E_BAD_MESSAGE, "ppp: malformed MS-CHAPv2 "
			    "Failure message (%zu bytes)", n);
			e = 0;
		}
		auth_fail(s, e);
		return 0;
	}
	if (s->auth_method == PPP_AUTH_MSCHAPV2) {
		/* RFC 2759 §5: the client checks the authenticator. */
		if (ppp_mschap_parse_success(p, n, sresp) != 0) {
			rc = ppp_bad(ctx, &ctx->stats.bad_message,
			    PPP_E_BAD_MESSAGE, "ppp: malformed MS-CHAPv2 "
			    "Success message (%zu bytes)", n);
			auth_fail(s, 0);
			return rc;
		}
		if (sodium_memcmp(sresp, s->creds->expect_s, 20) != 0) {
			rc = ppp_bad(ctx, &ctx->stats.bad_message, PPP_E_AUTH,
			    "ppp: MS-CHAPv2 authenticator response mismatch");
			auth_fail(s, 0);
			return rc;
		}
	}
	auth_succeed(s);
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

int
ppp_session_auth_reply(struct ppp_session *s, uint64_t now,
    const struct ppp_auth_result *res)
{
	int rc;

	if (s == NULL || res == NULL || res->size != sizeof(*res))
		return PPP_E_INVAL;
	if (s->role == PPP_ROLE_SERVER && s->stale_reply && !s->down_reported) {
		/* The answer to a request LCP renegotiation abandoned. */
		s->stale_reply = 0;
		s->now = s->lcp.now = s->ipcp.now = now;
		ppp_log(s->ctx, PPP_LOG_INFO, "ppp: answer to an abandoned "
		    "authentication request ignored");
		if (s->phase == PH_AUTH && s->lcp.state == ST_OPENED &&
		    s->auth_state == AU_IDLE)
			ppp_auth_start(s);
		return PPP_E_STATE;
	}
	if (s->role != PPP_ROLE_SERVER || s->auth_state != AU_PENDING ||
	    s->down_reported)
		return PPP_E_STATE;
	if (res->accept && s->auth_method == PPP_AUTH_MSCHAPV2 &&
	    !res->has_auth_response)
		return PPP_E_INVAL;
	s->now = s->lcp.now = s->ipcp.now = now;
	if (!res->accept) {
		rc = send_verdict(s, false);
		auth_fail(s, 691);
		return rc;
	}
	if (s->auth_method == PPP_AUTH_MSCHAPV2)
		memcpy(s->auth_resp, res->auth_response, 20);
	if (res->peer_addr != 0)
		s->peer_addr = res->peer_addr;
	rc = send_verdict(s, true);
	auth_succeed(s);
	return rc;
}

int
ppp_auth_check_password(struct ppp_ctx *ctx,
    const struct ppp_auth_request *req, const char *pw, size_t pw_len,
    struct ppp_auth_result *res)
{
	uint8_t calc[24], ph[16], ch8[8];
	int rc = PPP_E_AUTH;

	if (ctx == NULL || req == NULL || (pw == NULL && pw_len > 0) ||
	    res == NULL || res->size != sizeof(*res) ||
	    pw_len > PPP_MAX_SECRET || req->response_len >
	    sizeof(req->response) || req->user_len > PPP_MAX_NAME)
		return PPP_E_INVAL;
	res->accept = false;
	res->has_auth_response = false;
	switch (req->method) {
	case PPP_AUTH_PAP:
		if (req->response_len == pw_len && (pw_len == 0 ||
		    CRYPTO_memcmp(req->response, pw, pw_len) == 0))
			rc = 0;
		break;
	case PPP_AUTH_CHAP_MD5:
		if (req->response_len != 16 || req->challenge_len > 16)
			return PPP_E_INVAL;
		if (ppp_cr_md5_chap(ctx, req->id, (const uint8_t *)pw, pw_len,
		    req->challenge, req->challenge_len, calc) != 0) {
			rc = PPP_E_CRYPTO;
			break;
		}
		if (sodium_memcmp(calc, req->response, 16) == 0)
			rc = 0;
		break;
	case PPP_AUTH_MSCHAPV2:
		if (req->response_len != MSV2_VALUE || req->challenge_len != 16)
			return PPP_E_INVAL;
		/* RFC 2759 §8.1 recomputed, then §8.7 for the S= value. */
		if (ppp_cr_challenge_hash(ctx, req->response, req->challenge,
		    req->user, req->user_len, ch8) != 0 ||
		    ppp_cr_nt_hash(ctx, pw, pw_len, ph) != 0 ||
		    ppp_cr_nt_response(ctx, ch8, ph, calc) != 0) {
			rc = PPP_E_CRYPTO;
			break;
		}
		if (sodium_memcmp(calc, req->response + 24, 24) != 0)
			break;
		if (ppp_cr_auth_response(ctx, ph, calc, req->response,
		    req->challenge, req->user, req->user_len,
		    res->auth_response) != 0) {
			rc = PPP_E_CRYPTO;
			break;
		}
		res->has_auth_response = true;
		rc = 0;
		break;
	default:
		return PPP_E_INVAL;
	}
	res->accept = rc == 0;
	sodium_memzero(calc, sizeof(calc));
	sodium_memzero(ph, sizeof(ph));
	sodium_memzero(ch8, sizeof(ch8));
	return rc;
}
