/*
 * auth.c - the authentication phase (RFC 1661 §3.5) shared by PAP (pap.c),
 * CHAP-MD5 (chap.c) and MS-CHAPv2 (mschapv2.c): starting a round, its
 * timers, the application's answer (AUTH_REQUEST / ppp_session_auth_reply
 * with its deadline), the verdict and the result events.
 */
#include <string.h>

#include <sodium.h>

#include "ppp_int.h"

uint64_t
ppp_auth_restart_ns(const struct ppp_session *s)
{
	return s->ctx->cfg.restart_ns;
}

/* The text of our verdict: the application's message, else a default. */
const char *
ppp_auth_verdict_text(const struct ppp_session *s, bool ok, size_t *len)
{
	const char *d = ok ? "Access granted" : "Access denied";

	if (s->msg != NULL && s->msg->len > 0) {
		*len = s->msg->len;
		return s->msg->s;
	}
	*len = strlen(d);
	return d;
}

/*
 * Stores len bytes of s in *t, reusing its block when it is large enough;
 * on allocation failure *t is left NULL (freed) and PPP_E_NOMEM returned.
 */
int
ppp_text_set(struct ppp_ctx *ctx, struct text **t, const char *s, size_t len)
{
	if (*t != NULL && (*t)->cap < len)
		ppp_text_free(ctx, t);
	if (*t == NULL) {
		if ((*t = ppp_zalloc(ctx, sizeof(**t) + len)) == NULL)
			return PPP_E_NOMEM;
		(*t)->cap = (uint8_t)len;
	}
	memcpy((*t)->s, s, len);
	(*t)->len = (uint8_t)len;
	return 0;
}

void
ppp_text_free(struct ppp_ctx *ctx, struct text **t)
{
	if (*t == NULL)
		return;
	sodium_memzero(*t, sizeof(**t) + (*t)->cap);
	ppp_free(ctx, *t);
	*t = NULL;
}

/*
 * Copies text for a peer or an event: valid UTF-8 is kept, control
 * characters and invalid sequences become '?', and the copy is cut at a
 * character boundary to fit cap - 1 bytes.  Always NUL-terminates (cap >
 * 0); returns the length.
 */
size_t
ppp_sanitize_text(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t i = 0, o = 0, start;
	uint32_t cp;

	while (i < len) {
		if (src[i] >= 0x20 && src[i] < 0x7f) {
			/* Printable ASCII, the common case. */
			if (o + 1 >= cap)
				break;
			dst[o++] = (char)src[i++];
			continue;
		}
		start = i;
		if (ppp_utf8_next(src, len, &i, &cp) != 0) {
			i = start + 1;
			cp = '?';
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 &&
		    cp < 0xa0))
			cp = '?';
		if (cp == '?') {
			if (o + 1 >= cap)
				break;
			dst[o++] = '?';
			continue;
		}
		if (o + (i - start) >= cap)
			break;
		memcpy(dst + o, src + start, i - start);
		o += i - start;
	}
	dst[o] = '\0';
	return o;
}

static void
auth_result_event(struct ppp_session *s, bool ok, int err,
    const uint8_t *msg, size_t mlen)
{
	struct ppp_event *ev;

	if (ok)
		s->ctx->stats.auth_ok++;
	else
		s->ctx->stats.auth_fail++;
	ppp_log(s->ctx, ok ? PPP_LOG_INFO : PPP_LOG_WARN,
	    "ppp: %s authentication %s",
	    ppp_auth_method_name((enum ppp_auth_method)s->auth_method),
	    ok ? "succeeded" : "failed");
	if ((ev = ppp_sess_event(s, PPP_EV_AUTH_RESULT)) == NULL)
		return;
	ev->auth_ok = ok;
	ev->auth_error = err;
	if (msg != NULL)
		ppp_sanitize_text(ev->auth_message, sizeof(ev->auth_message),
		    msg, mlen);
}

/* Authentication failed: report, tear the link down (RFC 1994 §2.2.2).
 * msg: the authenticator's text (client), reported in the event. */
void
ppp_auth_fail(struct ppp_session *s, int err, const uint8_t *msg, size_t mlen)
{
	s->auth_state = AU_FAILED;
	s->authenticated = 0;
	s->auth_timer = s->rechallenge_timer = s->auth_deadline = UINT64_MAX;
	auth_result_event(s, false, err, msg, mlen);
	ppp_sess_link_down(s, PPP_DOWN_AUTH_FAILED);
	ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
}

void
ppp_auth_succeed(struct ppp_session *s, const uint8_t *msg, size_t mlen)
{
	s->auth_state = AU_DONE;
	s->authenticated = 1;
	if (s->role == PPP_ROLE_SERVER && s->peer_name != NULL)
		s->auth_bound = 1;
	s->auth_timer = s->auth_deadline = UINT64_MAX;
	auth_result_event(s, true, 0, msg, mlen);
	if (s->phase == PH_AUTH)
		ppp_sess_enter_network(s);
	if (s->role == PPP_ROLE_SERVER && s->rechallenge_ns > 0 &&
	    s->auth_method != PPP_AUTH_PAP)
		s->rechallenge_timer = s->now + s->rechallenge_ns;
}

void
ppp_auth_start(struct ppp_session *s)
{
	const struct ppp_config *c = &s->ctx->cfg;

	if (s->role == PPP_ROLE_SERVER) {
		if (s->n_auth == 0) {
			ppp_sess_enter_network(s);
			return;
		}
		/* One request outstanding at a time: the next round starts
		 * when the abandoned one has been answered. */
		if (s->stale_reply)
			return;
		s->auth_method = s->auth_list[s->auth_idx];
		if (s->auth_method == PPP_AUTH_PAP) {
			/* RFC 1334 §2.1: the peer sends; we wait. */
			s->auth_state = AU_WAIT_RESPONSE;
			s->auth_timer = s->now +
			    ppp_auth_restart_ns(s) * c->max_configure;
		} else
			ppp_chap_send_challenge(s, true);
		return;
	}
	s->auth_method = s->peer_auth;
	if (s->peer_auth == 0 && !s->accept_none) {
		/* "None" is not among the methods we were told to accept:
		 * without it the server is not authenticated (no S=). */
		ppp_bad(s->ctx, &s->ctx->stats.auth_fail, PPP_E_AUTH,
		    "ppp: the server asks for no authentication, %u method(s) "
		    "required", (unsigned)s->n_auth);
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
		ppp_pap_send_request(s);
	} else {
		s->auth_state = AU_CLIENT_WAIT;
		s->auth_timer = s->now +
		    ppp_auth_restart_ns(s) * c->max_configure;
	}
}

void
ppp_auth_timer(struct ppp_session *s)
{
	struct ppp_ctx *ctx = s->ctx;

	if (s->down_reported)
		return;
	if (s->auth_state == AU_RETRY) {
		/* The challenge could not be made (rng): try again. */
		if (s->auth_tries > 0) {
			s->auth_tries--;
			ppp_chap_send_challenge(s, true);
			return;
		}
		ppp_log(ctx, PPP_LOG_ERROR, "ppp: %s: no challenge could be "
		    "made (rng), giving up",
		    ppp_auth_method_name((enum ppp_auth_method)s->auth_method));
		ppp_auth_fail(s, 0, NULL, 0);
		return;
	}
	if ((s->auth_state == AU_WAIT_RESPONSE &&
	    s->auth_method != PPP_AUTH_PAP) ||
	    s->auth_state == AU_CLIENT_SENT) {
		if (s->auth_tries > 0) {
			s->auth_tries--;
			if (s->role == PPP_ROLE_SERVER)
				ppp_chap_send_challenge(s, false);
			else if (s->auth_method == PPP_AUTH_PAP)
				ppp_pap_send_request(s);
			else {
				/* The Success may have been lost: send the
				 * Response again, the authenticator repeats
				 * its verdict (RFC 1994 §4.2). */
				ppp_chap_send_response(s);
				s->auth_timer = s->now + ppp_auth_restart_ns(s);
			}
			return;
		}
	}
	if (s->auth_state == AU_WAIT_RESPONSE || s->auth_state ==
	    AU_CLIENT_SENT || s->auth_state == AU_CLIENT_WAIT) {
		ppp_log(ctx, PPP_LOG_WARN, "ppp: %s timed out",
		    ppp_auth_method_name((enum ppp_auth_method)s->auth_method));
		ppp_auth_fail(s, 0, NULL, 0);
	}
}

/* The application did not answer an AUTH_REQUEST within auth_timeout_ns. */
void
ppp_auth_deadline(struct ppp_session *s)
{
	struct ppp_ctx *ctx = s->ctx;
	bool pending = s->auth_state == AU_PENDING;

	if (s->down_reported || (!pending && !s->stale_reply))
		return;
	ppp_bad(ctx, &ctx->stats.auth_timeout, PPP_E_AUTH,
	    "ppp: %s request not answered by the application within %llu ms",
	    ppp_auth_method_name((enum ppp_auth_method)s->auth_method),
	    (unsigned long long)(ctx->cfg.auth_timeout_ns / NS_PER_MS));
	s->stale_reply = 0;
	ppp_text_free(ctx, &s->msg);
	s->verdict_error = 691;
	/* The peer waits for a verdict on the current round only. */
	if (pending)
		ppp_auth_send_verdict(s, false);
	ppp_auth_fail(s, 691, NULL, 0);
}

void
ppp_auth_rechallenge(struct ppp_session *s)
{
	/* RFC 1994 §2: the authenticator may challenge again any time. */
	if (s->role == PPP_ROLE_SERVER && s->phase == PH_NETWORK &&
	    s->auth_state == AU_DONE && !s->down_reported)
		ppp_chap_send_challenge(s, true);
}

/* Server: sends the verdict of the current round under its identifier. */
int
ppp_auth_send_verdict(struct ppp_session *s, bool ok)
{
	if (s->auth_method == PPP_AUTH_PAP)
		return ppp_pap_send_verdict(s, ok);
	return ppp_chap_send_verdict(s, ok);
}

/* The state check shared by PAP and CHAP responses at the server. */
int
ppp_auth_server_dup(struct ppp_session *s, uint8_t id)
{
	struct ppp_ctx *ctx = s->ctx;
	const char *m = ppp_auth_method_name((enum ppp_auth_method)
	    s->auth_method);

	if (id != s->auth_id)
		return ppp_bad(ctx, &ctx->stats.bad_id, PPP_E_BAD_ID,
		    "ppp: %s response id %u, current %u", m, id, s->auth_id);
	if (s->auth_state == AU_WAIT_RESPONSE)
		return 0;
	if (s->auth_state == AU_DONE || s->auth_state == AU_FAILED) {
		/* RFC 1994 §4.2: answer a retransmission again. */
		ppp_auth_send_verdict(s, s->auth_state == AU_DONE);
	}
	return ppp_bad(ctx, &ctx->stats.duplicate, PPP_E_DUPLICATE,
	    "ppp: duplicate %s response id %u", m, id);
}

/* Server: hands a response to the application (PPP_EV_AUTH_REQUEST). */
int
ppp_auth_queue_request(struct ppp_session *s, const uint8_t *name,
    size_t nlen, const uint8_t *val, size_t vlen)
{
	struct ppp_ctx *ctx = s->ctx;
	struct ppp_event *ev;
	const char *m = ppp_auth_method_name((enum ppp_auth_method)
	    s->auth_method);
	char esc[64];

	ppp_text_free(ctx, &s->msg);
	s->verdict_error = 0;
	if (memchr(name, 0, nlen) != NULL) {
		ppp_escape(esc, sizeof(esc), name, nlen);
		ppp_bad(ctx, &ctx->stats.bad_message, PPP_E_BAD_MESSAGE,
		    "ppp: %s user name \"%s\" contains NUL", m, esc);
		ppp_auth_send_verdict(s, false);
		ppp_auth_fail(s, 0, NULL, 0);
		return PPP_E_BAD_MESSAGE;
	}
	if (s->role == PPP_ROLE_SERVER && s->auth_bound &&
	    (s->peer_name == NULL || s->peer_name->len != nlen ||
	    memcmp(s->peer_name->s, name, nlen) != 0)) {
		/* A re-challenge (or a renegotiated link) authenticates the
		 * link's user, not whoever answers: the address and the
		 * policy were given to the first. */
		char was[64];

		ppp_escape(esc, sizeof(esc), name, nlen);
		if (s->peer_name != NULL)
			ppp_escape(was, sizeof(was),
			    (const uint8_t *)s->peer_name->s, s->peer_name->len);
		else
			was[0] = '\0';
		ppp_bad(ctx, &ctx->stats.auth_user_changed, PPP_E_AUTH,
		    "ppp: session %llu: %s re-authentication as \"%s\", the "
		    "link is \"%s\": link down", (unsigned long long)s->user, m,
		    esc, was);
		s->verdict_error = 691;
		ppp_auth_send_verdict(s, false);
		ppp_auth_fail(s, 691, NULL, 0);
		return PPP_E_AUTH;
	}
	if (ppp_text_set(ctx, &s->peer_name, (const char *)name, nlen) != 0)
		return PPP_E_NOMEM;
	if ((ev = ppp_sess_event(s, PPP_EV_AUTH_REQUEST)) == NULL)
		return s->ev.n >= ctx->cfg.max_events ||
		    ctx->ev.n >= ctx->cfg.ctx_max_events ? PPP_E_QUEUE_FULL :
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
	s->authenticated = 0;
	s->auth_timer = UINT64_MAX;
	s->auth_deadline = s->now + ctx->cfg.auth_timeout_ns;
	ppp_escape(esc, sizeof(esc), name, nlen);
	ppp_log(ctx, PPP_LOG_INFO, "ppp: %s response from \"%s\", verifying",
	    m, esc);
	return 0;
}

/* The sizes of struct ppp_auth_result a caller may pass: this one, and
 * libppp 1.0's (without dns and nbns). */
static bool
result_size_ok(const struct ppp_auth_result *res)
{
	return res->size == sizeof(*res) ||
	    res->size == offsetof(struct ppp_auth_result, dns);
}

/* An accept's name servers (see struct ppp_auth_result): 0 keeps the
 * session's, PPP_ADDR_NONE turns the option off (0 in the session). */
static void
take_name_servers(struct ppp_session *s, const struct ppp_auth_result *res)
{
	size_t i;

	if (res->size < sizeof(*res))
		return;
	if (s->ipcp.state == ST_OPENED) {
		if (res->dns[0] | res->dns[1] | res->nbns[0] | res->nbns[1])
			ppp_log(s->ctx, PPP_LOG_INFO, "ppp: name servers of a "
			    "re-authentication not applied: IPCP is up");
		return;
	}
	for (i = 0; i < 2; i++) {
		if (res->dns[i] != 0)
			s->dns[i] = res->dns[i] == PPP_ADDR_NONE ? 0 : res->dns[i];
		if (res->nbns[i] != 0)
			s->nbns[i] = res->nbns[i] == PPP_ADDR_NONE ? 0 :
			    res->nbns[i];
	}
}

int
ppp_session_auth_reply(struct ppp_session *s, uint64_t now,
    const struct ppp_auth_result *res)
{
	char msg[PPP_MAX_MESSAGE + 1];
	size_t ml;
	int rc;

	if (s == NULL || res == NULL || !result_size_ok(res))
		return PPP_E_INVAL;
	if (s->role == PPP_ROLE_SERVER && s->stale_reply && !s->down_reported) {
		/* The answer to a request LCP renegotiation abandoned. */
		s->stale_reply = 0;
		s->auth_deadline = UINT64_MAX;
		ppp_sess_set_now(s, now);
		ppp_log(s->ctx, PPP_LOG_INFO, "ppp: answer to an abandoned "
		    "authentication request ignored");
		if (s->phase == PH_AUTH && s->lcp.state == ST_OPENED &&
		    s->auth_state == AU_IDLE)
			ppp_auth_start(s);
		ppp_sess_rearm(s);
		return PPP_E_STATE;
	}
	if (s->role != PPP_ROLE_SERVER || s->auth_state != AU_PENDING ||
	    s->down_reported)
		return PPP_E_STATE;
	if (res->accept && s->auth_method == PPP_AUTH_MSCHAPV2 &&
	    !res->has_auth_response)
		return PPP_E_INVAL;
	ppp_sess_set_now(s, now);
	s->auth_deadline = UINT64_MAX;
	ppp_text_free(s->ctx, &s->msg);
	if (res->message != NULL && (ml = ppp_sanitize_text(msg, sizeof(msg),
	    (const uint8_t *)res->message, strlen(res->message))) > 0 &&
	    ppp_text_set(s->ctx, &s->msg, msg, ml) != 0)
		ppp_log(s->ctx, PPP_LOG_WARN, "ppp: no memory for the verdict "
		    "message, the default text is sent");
	s->verdict_error = res->mschap_error != 0 ? res->mschap_error : 691;
	if (!res->accept) {
		rc = ppp_auth_send_verdict(s, false);
		ppp_auth_fail(s, s->auth_method == PPP_AUTH_MSCHAPV2 ?
		    s->verdict_error : 691, NULL, 0);
		ppp_sess_rearm(s);
		return rc;
	}
	if (s->auth_method == PPP_AUTH_MSCHAPV2)
		memcpy(s->auth_resp, res->auth_response, 20);
	if (res->peer_addr != 0)
		s->peer_addr = res->peer_addr;
	take_name_servers(s, res);
	rc = ppp_auth_send_verdict(s, true);
	ppp_auth_succeed(s, NULL, 0);
	ppp_sess_rearm(s);
	return rc;
}

int
ppp_auth_check_password(struct ppp_ctx *ctx,
    const struct ppp_auth_request *req, const char *pw, size_t pw_len,
    struct ppp_auth_result *res)
{
	int rc;

	if (ctx == NULL || req == NULL || (pw == NULL && pw_len > 0) ||
	    res == NULL || !result_size_ok(res) ||
	    pw_len > PPP_MAX_SECRET || req->response_len >
	    sizeof(req->response) || req->user_len > PPP_MAX_NAME)
		return PPP_E_INVAL;
	res->accept = false;
	res->has_auth_response = false;
	switch (req->method) {
	case PPP_AUTH_PAP:
		rc = ppp_pap_check(req, pw, pw_len);
		break;
	case PPP_AUTH_CHAP_MD5:
		rc = ppp_chap_md5_check(ctx, req, pw, pw_len);
		break;
	case PPP_AUTH_MSCHAPV2:
		rc = ppp_mschap_check(ctx, req, pw, pw_len, res);
		break;
	default:
		return PPP_E_INVAL;
	}
	res->accept = rc == 0;
	return rc;
}
