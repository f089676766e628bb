/*
 * pap.c - PAP (RFC 1334 §2) in both roles, and the constant-time password
 * comparison of ppp_auth_check_password.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "ppp_int.h"

/* Client: Authenticate-Request = Peer-ID Length, Peer-ID, Passwd-Length,
 * Passwd (RFC 1334 §2.2.1). */
int
ppp_pap_send_request(struct ppp_session *s)
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
	s->auth_timer = s->now + ppp_auth_restart_ns(s);
	rc = ppp_sess_send(s, PROTO_PAP, AUTH_PAP_REQ, s->auth_id, buf, n);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/* Server: Authenticate-Ack/Nak = Msg-Length, Message (RFC 1334 §2.2.2). */
int
ppp_pap_send_verdict(struct ppp_session *s, bool ok)
{
	const char *msg;
	uint8_t h[5];
	size_t ml;

	msg = ppp_auth_verdict_text(s, ok, &ml);
	h[0] = ok ? AUTH_PAP_ACK : AUTH_PAP_NAK;
	h[1] = s->auth_id;
	put16(h + 2, (uint16_t)(5 + ml));
	h[4] = (uint8_t)ml;
	return ppp_sess_send_raw(s, PROTO_PAP, h, 5, (const uint8_t *)msg, ml);
}

static int
pap_server(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	size_t ulen, plen;
	int rc;

	if (code != AUTH_PAP_REQ)
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
	if ((rc = ppp_auth_server_dup(s, id)) != 0)
		return rc;
	return ppp_auth_queue_request(s, p + 1, ulen, p + 2 + ulen, plen);
}

static int
pap_client(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	const uint8_t *msg = NULL;
	size_t ml = 0;

	if (code != AUTH_PAP_ACK && code != AUTH_PAP_NAK)
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
	/* The message is informative: an inconsistent Msg-Length only
	 * loses it. */
	if (n >= 1 && p[0] <= n - 1) {
		msg = p + 1;
		ml = p[0];
	}
	if (code == AUTH_PAP_ACK)
		ppp_auth_succeed(s, msg, ml);
	else
		ppp_auth_fail(s, 0, msg, ml);
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

/*
 * Compares the received password with pw in a time that depends on neither
 * length nor content: both are copied into zero-padded buffers of
 * PPP_MAX_SECRET bytes with the same number of reads whatever the lengths,
 * compared in full with CRYPTO_memcmp, and the lengths compared without a
 * branch.  (The lengths were bounded by the caller.)
 */
int
ppp_pap_check(const struct ppp_auth_request *req, const char *pw,
    size_t pw_len)
{
	static const uint8_t zero = 0;
	uint8_t a[PPP_MAX_SECRET], b[PPP_MAX_SECRET];
	const uint8_t *src = pw_len > 0 ? (const uint8_t *)pw : &zero;
	size_t i, last = pw_len > 0 ? pw_len - 1 : 0, in, idx;
	unsigned diff;

	for (i = 0; i < PPP_MAX_SECRET; i++) {
		in = (size_t)0 - (size_t)(i < req->response_len);
		a[i] = req->response[i] & (uint8_t)in;
		in = (size_t)0 - (size_t)(i < pw_len);
		idx = (i & in) | (last & ~in);
		b[i] = src[idx] & (uint8_t)in;
	}
	diff = (unsigned)CRYPTO_memcmp(a, b, sizeof(a));
	diff |= (unsigned)((req->response_len ^ pw_len) != 0);
	sodium_memzero(a, sizeof(a));
	sodium_memzero(b, sizeof(b));
	return diff == 0 ? 0 : PPP_E_AUTH;
}
