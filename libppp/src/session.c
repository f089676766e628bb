/*
 * session.c - one PPP link: frame decode and protocol demux, the output and
 * event queues, timers and phase changes (RFC 1661 §3.2).
 */
#include <string.h>

#include <sodium.h>

#include "ppp_int.h"

int
ppp_sess_send_raw(struct ppp_session *s, uint16_t proto, const uint8_t *data,
    size_t len, const uint8_t *data2, size_t len2)
{
	struct ppp_ctx *ctx = s->ctx;
	struct outq *q;

	if (s->n_out >= ctx->cfg.max_output)
		return ppp_bad(ctx, &ctx->stats.queue_full, PPP_E_QUEUE_FULL,
		    "ppp: output queue full (%u frames), proto 0x%04x dropped",
		    (unsigned)s->n_out, proto);
	if ((q = ppp_zalloc(ctx, sizeof(*q) + 4 + len + len2)) == NULL)
		return PPP_E_NOMEM;
	q->data[0] = 0xff;
	q->data[1] = 0x03;
	put16(q->data + 2, proto);
	if (len > 0)
		memcpy(q->data + 4, data, len);
	if (len2 > 0)
		memcpy(q->data + 4 + len, data2, len2);
	q->len = 4 + len + len2;
	if (s->out_tail != NULL)
		s->out_tail->next = q;
	else
		s->out_head = q;
	s->out_tail = q;
	s->n_out++;
	ctx->stats.frames_out++;
	return 0;
}

/* Queues a control packet: Code, Identifier, Length, data (RFC 1661 §5). */
int
ppp_sess_send(struct ppp_session *s, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len)
{
	uint8_t h[4];

	/*
	 * RFC 1661 §6.1: every implementation receives 1500-octet control
	 * packets whatever the MRU, so replies (which never exceed the
	 * request they answer) are not cut to a smaller peer MRU; this cap
	 * only guards the 16-bit Length field.
	 */
	if (len > 1500 - 4)
		len = 1500 - 4;
	h[0] = code;
	h[1] = id;
	put16(h + 2, (uint16_t)(len + 4));
	return ppp_sess_send_raw(s, proto, h, 4, data, len);
}

struct ppp_event *
ppp_sess_event(struct ppp_session *s, enum ppp_event_type type, size_t payload)
{
	struct ppp_ctx *ctx = s->ctx;
	struct evq *e;

	if (s->n_ev >= ctx->cfg.max_events) {
		ppp_bad(ctx, &ctx->stats.queue_full, PPP_E_QUEUE_FULL,
		    "ppp: event queue full (%u), event %d dropped",
		    (unsigned)s->n_ev, (int)type);
		return NULL;
	}
	if ((e = ppp_zalloc(ctx, sizeof(*e) + payload)) == NULL)
		return NULL;
	e->ev.type = type;
	if (s->ev_tail != NULL)
		s->ev_tail->next = e;
	else
		s->ev_head = e;
	s->ev_tail = e;
	s->n_ev++;
	return &e->ev;
}

/*
 * The link is finished for the given reason.  Needs no allocation: the
 * LINK_DOWN event is synthesised by next_event after the queued ones.
 */
void
ppp_sess_link_down(struct ppp_session *s, enum ppp_down_reason why)
{
	if (s->down_reported)
		return;
	s->down_reported = 1;
	s->down_reason = (uint8_t)why;
	s->phase = PH_TERMINATE;
	s->auth_timer = s->echo_timer = s->rechallenge_timer = UINT64_MAX;
	s->ctx->stats.sessions_down++;
	ppp_log(s->ctx, PPP_LOG_INFO, "ppp: link down (reason %d)", (int)why);
}

void
ppp_sess_enter_network(struct ppp_session *s)
{
	s->phase = PH_NETWORK;
	ppp_ipcp_start(s);
}

int
ppp_session_new(struct ppp_ctx *ctx, enum ppp_role role, uint64_t now,
    const struct ppp_session_config *scfg, struct ppp_session **out)
{
	struct ppp_session *s;
	int rc;

	if (out == NULL)
		return PPP_E_INVAL;
	*out = NULL;
	if (ctx == NULL || (role != PPP_ROLE_SERVER && role != PPP_ROLE_CLIENT))
		return PPP_E_INVAL;
	if (scfg != NULL && scfg->size != sizeof(*scfg))
		return PPP_E_INVAL;
	if (role == PPP_ROLE_CLIENT && (scfg == NULL || scfg->user == NULL ||
	    scfg->password == NULL || scfg->user_len > PPP_MAX_NAME ||
	    scfg->password_len > PPP_MAX_SECRET))
		return PPP_E_INVAL;
	if ((s = ppp_zalloc(ctx, sizeof(*s))) == NULL)
		return PPP_E_NOMEM;
	s->ctx = ctx;
	s->role = (uint8_t)role;
	s->app = scfg != NULL ? scfg->app : NULL;
	s->now = now;
	if (role == PPP_ROLE_CLIENT) {
		if ((s->creds = ppp_zalloc(ctx, sizeof(*s->creds))) == NULL) {
			ppp_free(ctx, s);
			return PPP_E_NOMEM;
		}
		memcpy(s->creds->user, scfg->user, scfg->user_len);
		s->creds->user_len = (uint8_t)scfg->user_len;
		memcpy(s->creds->pw, scfg->password, scfg->password_len);
		s->creds->pw_len = (uint8_t)scfg->password_len;
	}
	ctx->sessions++;	/* from here on, ppp_session_free undoes it */
	s->auth_timer = s->echo_timer = s->rechallenge_timer = UINT64_MAX;
	s->peer_mru = 1500;
	s->local_mru = ctx->cfg.mru;
	s->req_mru = ctx->cfg.mru != 1500;
	s->req_magic = 1;
	s->req_auth = role == PPP_ROLE_SERVER && ctx->cfg.n_auth > 0;
	if ((rc = ppp_random(ctx, &s->magic, sizeof(s->magic))) != 0) {
		ppp_session_free(s);
		return rc;
	}
	if (s->magic == 0)
		s->magic = 1;
	if (role == PPP_ROLE_SERVER)
		s->local_addr = ctx->cfg.local_addr;
	else
		s->ip_req = 0x7;	/* address, DNS1, DNS2 */
	ppp_fsm_init(&s->lcp, &ppp_lcp_ops, s, ctx->cfg.restart_ms,
	    ctx->cfg.max_configure, ctx->cfg.max_terminate);
	ppp_fsm_init(&s->ipcp, &ppp_ipcp_ops, s, ctx->cfg.restart_ms,
	    ctx->cfg.max_configure, ctx->cfg.max_terminate);
	s->phase = PH_ESTABLISH;
	/* RFC 1661 §3.2: the lower layer (L2TP session) is up; open. */
	s->lcp.now = now;
	ppp_fsm_event(&s->lcp, EV_UP, NULL);
	ppp_fsm_event(&s->lcp, EV_OPEN, NULL);
	if (s->n_out == 0) {
		/* The first Configure-Request could not be queued. */
		ppp_session_free(s);
		return PPP_E_NOMEM;
	}
	*out = s;
	return 0;
}

void
ppp_session_free(struct ppp_session *s)
{
	struct ppp_ctx *ctx;
	struct outq *q;
	struct evq *e;

	if (s == NULL)
		return;
	ctx = s->ctx;
	while ((q = s->out_head) != NULL) {
		s->out_head = q->next;
		sodium_memzero(q->data, q->len);
		ppp_free(ctx, q);
	}
	while ((e = s->ev_head) != NULL) {
		s->ev_head = e->next;
		sodium_memzero(&e->ev, sizeof(e->ev));
		ppp_free(ctx, e);
	}
	if (s->ev_last != NULL)
		ppp_free(ctx, s->ev_last);
	if (s->creds != NULL) {
		sodium_memzero(s->creds, sizeof(*s->creds));
		ppp_free(ctx, s->creds);
	}
	if (ctx->sessions > 0)
		ctx->sessions--;
	sodium_memzero(s, sizeof(*s));
	ppp_free(ctx, s);
}

void *
ppp_session_app(const struct ppp_session *s)
{
	return s != NULL ? s->app : NULL;
}

size_t
ppp_session_memory(const struct ppp_session *s)
{
	const struct outq *q;
	const struct evq *e;
	size_t n;

	if (s == NULL)
		return 0;
	n = sizeof(*s);
	if (s->creds != NULL)
		n += sizeof(*s->creds);
	for (q = s->out_head; q != NULL; q = q->next)
		n += sizeof(*q) + q->len;
	for (e = s->ev_head; e != NULL; e = e->next)
		n += sizeof(*e) + e->ev.len;
	return n;
}

/* Sends Protocol-Reject (RFC 1661 §5.7) for the packet's protocol. */
static int
protocol_reject(struct ppp_session *s, uint16_t proto, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t h[6];
	size_t max = s->peer_mru - 6u;

	ppp_bad(ctx, &ctx->stats.unknown_proto, PPP_E_UNKNOWN_PROTO,
	    "ppp: protocol 0x%04x rejected (%zu bytes)", proto, n);
	if (s->lcp.state != ST_OPENED)
		return PPP_E_UNKNOWN_PROTO;
	if (n > max)
		n = max;
	h[0] = CODE_PROTREJ;
	h[1] = s->lcp.nextid++;
	put16(h + 2, (uint16_t)(n + 6));
	put16(h + 4, proto);
	ppp_sess_send_raw(s, PROTO_LCP, h, sizeof(h), p, n);
	return PPP_E_UNKNOWN_PROTO;
}

/* Decodes the Code/Identifier/Length header and dispatches. */
static int
control_input(struct ppp_session *s, uint16_t proto, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	size_t len;

	if (n < 4)
		return ppp_bad(ctx, &ctx->stats.truncated, PPP_E_TRUNCATED,
		    "ppp: proto 0x%04x packet of %zu bytes < 4", proto, n);
	len = get16(p + 2);
	if (len < 4)
		return ppp_bad(ctx, &ctx->stats.bad_length, PPP_E_BAD_LENGTH,
		    "ppp: proto 0x%04x length field %zu < 4", proto, len);
	if (len > n)
		return ppp_bad(ctx, &ctx->stats.truncated, PPP_E_TRUNCATED,
		    "ppp: proto 0x%04x length field %zu > %zu received",
		    proto, len, n);
	/* Octets past Length are padding (RFC 1661 §5). */
	switch (proto) {
	case PROTO_LCP:
		return ppp_lcp_input(s, p[0], p[1], p + 4, len - 4);
	case PROTO_PAP:
		return ppp_pap_input(s, p[0], p[1], p + 4, len - 4);
	case PROTO_CHAP:
		return ppp_chap_input(s, p[0], p[1], p + 4, len - 4);
	default:
		return ppp_ipcp_input(s, p[0], p[1], p + 4, len - 4);
	}
}

int
ppp_session_input(struct ppp_session *s, uint64_t now, const uint8_t *frame,
    size_t len)
{
	struct ppp_ctx *ctx;
	struct ppp_event *ev;
	uint16_t proto;
	size_t off = 0;

	if (s == NULL || (frame == NULL && len > 0))
		return PPP_E_INVAL;
	ctx = s->ctx;
	s->now = s->lcp.now = s->ipcp.now = now;
	ctx->stats.frames_in++;
	if (s->lcp.state <= ST_STOPPED && s->down_reported)
		return ppp_bad(ctx, &ctx->stats.bad_state, PPP_E_STATE,
		    "ppp: frame of %zu bytes on a finished link", len);
	/* Optional address/control field. */
	if (len >= 1 && frame[0] == 0xff) {
		if (len < 2 || frame[1] != 0x03)
			return ppp_bad(ctx, &ctx->stats.bad_frame,
			    PPP_E_BAD_FRAME, "ppp: bad address/control field "
			    "(%zu bytes)", len);
		off = 2;
	}
	if (len - off < 1)
		return ppp_bad(ctx, &ctx->stats.truncated, PPP_E_TRUNCATED,
		    "ppp: frame of %zu bytes has no protocol field", len);
	if (frame[off] & 1) {
		/* Protocol-Field-Compression: one octet. */
		proto = frame[off];
		off += 1;
	} else {
		if (len - off < 2)
			return ppp_bad(ctx, &ctx->stats.truncated,
			    PPP_E_TRUNCATED, "ppp: frame of %zu bytes has a "
			    "truncated protocol field", len);
		proto = get16(frame + off);
		if ((proto & 1) == 0)
			return ppp_bad(ctx, &ctx->stats.bad_frame,
			    PPP_E_BAD_FRAME, "ppp: invalid protocol 0x%04x",
			    proto);
		off += 2;
	}
	len -= off;
	frame += off;
	if (len > s->local_mru)
		return ppp_bad(ctx, &ctx->stats.too_big, PPP_E_TOO_BIG,
		    "ppp: proto 0x%04x payload of %zu bytes > MRU %u", proto,
		    len, (unsigned)s->local_mru);
	if (proto == PROTO_LCP)
		return control_input(s, proto, frame, len);
	/* A finished link only completes its Terminate exchange. */
	if (s->down_reported)
		return ppp_bad(ctx, &ctx->stats.bad_state, PPP_E_STATE,
		    "ppp: proto 0x%04x on a terminating link, dropped", proto);
	/* RFC 1661 §3.4: other packets only once LCP is opened. */
	if (s->lcp.state != ST_OPENED)
		return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
		    "ppp: proto 0x%04x before LCP is opened, dropped", proto);
	switch (proto) {
	case PROTO_PAP:
	case PROTO_CHAP:
		return control_input(s, proto, frame, len);
	case PROTO_IPCP:
		if (s->phase != PH_NETWORK)
			return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
			    "ppp: IPCP before the network phase, dropped");
		return control_input(s, proto, frame, len);
	case PROTO_IP:
		if (s->ipcp.state != ST_OPENED)
			return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
			    "ppp: IP packet of %zu bytes before IPCP is "
			    "opened, dropped", len);
		if ((ev = ppp_sess_event(s, PPP_EV_IP_PACKET, len)) == NULL)
			return PPP_E_QUEUE_FULL;
		memcpy((uint8_t *)(ev + 1), frame, len);
		ev->len = len;
		ctx->stats.ip_in++;
		return 0;
	default:
		return protocol_reject(s, proto, frame, len);
	}
}

int
ppp_session_next_output(struct ppp_session *s, uint8_t *buf, size_t cap,
    size_t *outlen)
{
	struct outq *q;

	if (s == NULL || buf == NULL || outlen == NULL)
		return PPP_E_INVAL;
	*outlen = 0;
	if ((q = s->out_head) == NULL)
		return 0;
	if (q->len > cap)
		return PPP_E_BUFFER;
	memcpy(buf, q->data, q->len);
	*outlen = q->len;
	s->out_head = q->next;
	if (s->out_head == NULL)
		s->out_tail = NULL;
	s->n_out--;
	/* PAP Requests carry the password, CHAP frames the response values:
	 * wipe them as ppp_session_free would (IP packets are not secrets). */
	if (get16(q->data + 2) == PROTO_PAP || get16(q->data + 2) == PROTO_CHAP)
		sodium_memzero(q->data, q->len);
	ppp_free(s->ctx, q);
	return 1;
}

bool
ppp_session_next_event(struct ppp_session *s, struct ppp_event *ev)
{
	struct evq *e;

	if (s == NULL || ev == NULL)
		return false;
	if (s->ev_last != NULL) {
		ppp_free(s->ctx, s->ev_last);
		s->ev_last = NULL;
	}
	if ((e = s->ev_head) == NULL) {
		if (s->down_reported == 1) {
			s->down_reported = 2;
			memset(ev, 0, sizeof(*ev));
			ev->type = PPP_EV_LINK_DOWN;
			ev->reason = (enum ppp_down_reason)s->down_reason;
			return true;
		}
		return false;
	}
	s->ev_head = e->next;
	if (s->ev_head == NULL)
		s->ev_tail = NULL;
	s->n_ev--;
	*ev = e->ev;
	/* Only AUTH_REQUEST carries credentials worth wiping. */
	if (ev->type == PPP_EV_AUTH_REQUEST)
		sodium_memzero(&e->ev, sizeof(e->ev));
	if (ev->type == PPP_EV_IP_PACKET) {
		/* The payload stays valid until the next call. */
		ev->data = e->payload;
		s->ev_last = e;
	} else
		ppp_free(s->ctx, e);
	return true;
}

void
ppp_event_wipe(struct ppp_event *ev)
{
	if (ev != NULL)
		sodium_memzero(ev, sizeof(*ev));
}

uint64_t
ppp_session_next_timeout(const struct ppp_session *s)
{
	uint64_t t;

	if (s == NULL)
		return UINT64_MAX;
	t = s->lcp.timer;
	if (s->ipcp.timer < t)
		t = s->ipcp.timer;
	if (s->auth_timer < t)
		t = s->auth_timer;
	if (s->echo_timer < t)
		t = s->echo_timer;
	if (s->rechallenge_timer < t)
		t = s->rechallenge_timer;
	return t;
}

static void
fsm_timeout(struct fsm *f, uint64_t now)
{
	if (f->timer > now)
		return;
	f->timer = UINT64_MAX;
	f->now = now;
	/* RFC 1661 §4.6: TO+ while the restart counter is positive. */
	ppp_fsm_event(f, f->restart > 0 ? EV_TO_PLUS : EV_TO_MINUS, NULL);
}

int
ppp_session_handle_timeout(struct ppp_session *s, uint64_t now)
{
	if (s == NULL)
		return PPP_E_INVAL;
	s->now = s->lcp.now = s->ipcp.now = now;
	fsm_timeout(&s->lcp, now);
	fsm_timeout(&s->ipcp, now);
	if (s->auth_timer <= now) {
		s->auth_timer = UINT64_MAX;
		ppp_auth_timer(s);
	}
	if (s->echo_timer <= now) {
		s->echo_timer = UINT64_MAX;
		ppp_lcp_echo_timer(s);
	}
	if (s->rechallenge_timer <= now) {
		s->rechallenge_timer = UINT64_MAX;
		ppp_auth_rechallenge(s);
	}
	return 0;
}

int
ppp_session_close(struct ppp_session *s, uint64_t now)
{
	if (s == NULL)
		return PPP_E_INVAL;
	if (s->down_reported)
		return PPP_E_STATE;
	s->now = s->lcp.now = s->ipcp.now = now;
	ppp_sess_link_down(s, PPP_DOWN_LOCAL_CLOSE);
	ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
	return 0;
}

int
ppp_session_send_ip(struct ppp_session *s, uint64_t now, const uint8_t *pkt,
    size_t len)
{
	int rc;

	if (s == NULL || pkt == NULL || len == 0)
		return PPP_E_INVAL;
	s->now = now;
	if (s->ipcp.state != ST_OPENED || s->down_reported)
		return PPP_E_STATE;
	if (len > s->peer_mru)
		return ppp_bad(s->ctx, &s->ctx->stats.too_big, PPP_E_TOO_BIG,
		    "ppp: IP packet of %zu bytes > peer MRU %u", len,
		    (unsigned)s->peer_mru);
	if ((rc = ppp_sess_send_raw(s, PROTO_IP, pkt, len, NULL, 0)) == 0)
		s->ctx->stats.ip_out++;
	return rc;
}

int
ppp_session_set_peer_address(struct ppp_session *s, uint64_t now,
    uint32_t addr)
{
	if (s == NULL || addr == 0)
		return PPP_E_INVAL;
	if (s->role != PPP_ROLE_SERVER)
		return PPP_E_STATE;
	s->now = s->lcp.now = s->ipcp.now = now;
	s->peer_addr = addr;
	return 0;
}
