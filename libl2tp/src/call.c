/*
 * call.c - incoming calls (RFC 2661 7.4): ICRQ/ICRP/ICCN establishment in
 * both roles, CDN teardown, the Proxy LCP/Authen AVPs of ICCN, the setup
 * deadline, OCRQ refusal, and the caller's session-level calls.
 */
#include <string.h>

#include "l2tp_int.h"

/* Removes a session and emits SESSION_DOWN with the reason. */
void
l2tpi_session_free(struct l2tp_ctx *ctx, struct session *s, uint16_t result,
    uint16_t error, int reason)
{
	struct l2tp_event *ev;

	ctx->stats.sessions_down++;
	ev = l2tpi_ev_push(ctx, L2TP_EV_SESSION_DOWN, s->t, s);
	if (ev != NULL) {
		ev->result = result;
		ev->error = error;
		ev->reason = reason;
	}
	l2tpi_session_remove(ctx, s);
}

/* Sends CDN for s and frees it (RFC 2661 5.7). */
void
l2tpi_session_cdn(struct l2tp_ctx *ctx, struct session *s, uint64_t now,
    uint16_t result, uint16_t error, int reason)
{
	struct tunnel *t = s->t;

	l2tpi_mb_init(&ctx->mb, MT_CDN);
	l2tpi_result_avp(ctx, result, error, NULL);
	l2tpi_mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, s->id, true);
	if (s->state != S_WAIT_TUNNEL)
		(void)l2tpi_ctl_send(ctx, t, now, s->peer_id);
	l2tpi_session_free(ctx, s, result, error, reason);
}

/* Refuses a call the peer requested (ICRQ / OCRQ) with a CDN that names no
 * session of ours (7.4.1). */
int
l2tpi_refuse_call(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t psid,
    uint16_t result, uint16_t error, const char *msg)
{
	l2tpi_mb_init(&ctx->mb, MT_CDN);
	l2tpi_result_avp(ctx, result, error, msg);
	l2tpi_mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, 0, false);
	return l2tpi_ctl_send(ctx, t, now, psid);
}

/* The setup deadline of a session passed (ICRP or ICCN never came). */
void
l2tpi_session_setup_expired(struct l2tp_ctx *ctx, struct session *s, uint64_t now)
{
	if (s->state == S_ESTABLISHED) {
		l2tpi_session_timer_stop(ctx, s);
		return;
	}
	ctx->stats.session_setup_timeouts++;
	l2tpi_ctx_log_rl(ctx, now, RL_SETUP, L2TP_LOG_WARN,
	    "session %u on tunnel %u (peer %llu) not established after %llu ms (%s): CDN",
	    s->id, s->tid, (unsigned long long)s->t->peer,
	    (unsigned long long)(ctx->cfg.session_setup_timeout_ns / 1000000),
	    l2tp_session_state_name((enum l2tp_session_state)s->state));
	l2tpi_session_cdn(ctx, s, now, L2TP_CDN_TIMEOUT, 0, L2TP_E_SETUP_TIMEOUT);
}

/* LAC: sends ICRQ for s (7.4.1). */
int
l2tpi_send_icrq(struct l2tp_ctx *ctx, struct tunnel *t, struct session *s, uint64_t now)
{
	int rc;

	s->serial = ++ctx->serial;
	l2tpi_mb_init(&ctx->mb, MT_ICRQ);
	l2tpi_mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, s->id, true);
	l2tpi_mb_u32(ctx, &ctx->mb, true, AVP_SERIAL, s->serial, true);
	l2tpi_mb_u32(ctx, &ctx->mb, false, AVP_BEARER_TYPE, 0x2, false);
	rc = l2tpi_ctl_send(ctx, t, now, 0);
	if (rc == 0)
		s->state = S_WAIT_REPLY;
	return rc;
}

int
l2tpi_handle_icrq(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct session *s = NULL;
	uint16_t psid;
	unsigned nt, nh, np;
	int rc;

	if (!AV(AVP_SESSION_ID).present || get16(AV(AVP_SESSION_ID).v) == 0) {
		ctx->stats.rx_missing_avp++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "ICRQ on tunnel %u without Assigned Session ID", t->id);
		return L2TP_E_MISSING_AVP;
	}
	psid = get16(AV(AVP_SESSION_ID).v);
	if ((ctx->cfg.roles & L2TP_ROLE_LNS) == 0 || t->state != T_ESTABLISHED) {
		ctx->stats.rx_state++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "ICRQ on tunnel %u refused: %s", t->id,
		    t->state != T_ESTABLISHED ? "tunnel not established" : "LNS role not enabled");
		(void)l2tpi_refuse_call(ctx, t, now, psid, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NO_CONTROL,
		    NULL);
		return L2TP_E_STATE;
	}
	l2tpi_peer_usage(ctx, t->peer, &nt, &nh, &np);
	if (np >= ctx->cfg.max_sessions_per_peer) {
		ctx->stats.refused_peer_sessions++;
		l2tpi_ctx_log_rl(ctx, now, RL_SHARE, L2TP_LOG_WARN,
		    "ICRQ on tunnel %u refused: peer %llu has %u sessions (max_sessions_per_peer %u)",
		    t->id, (unsigned long long)t->peer, np, ctx->cfg.max_sessions_per_peer);
		(void)l2tpi_refuse_call(ctx, t, now, psid, L2TP_CDN_NO_RESOURCES, L2TP_ERR_NO_RESOURCES,
		    NULL);
		return L2TP_E_LIMIT;
	}
	rc = t->nsessions < ctx->cfg.max_sessions_per_tunnel ? l2tpi_session_new(ctx, t, now, &s) :
	    L2TP_E_LIMIT;
	if (rc != 0) {
		if (rc == L2TP_E_LIMIT)
			ctx->stats.refused_limit++;
		l2tpi_ctx_log_rl(ctx, now, RL_LIMIT, L2TP_LOG_WARN,
		    "ICRQ on tunnel %u (peer %llu) refused: %u sessions (max %u): %s",
		    t->id, (unsigned long long)t->peer, t->nsessions, ctx->cfg.max_sessions_per_tunnel,
		    l2tp_strerror(rc));
		(void)l2tpi_refuse_call(ctx, t, now, psid, L2TP_CDN_NO_RESOURCES, L2TP_ERR_NO_RESOURCES,
		    NULL);
		return rc;
	}
	s->peer_id = psid;
	s->state = S_WAIT_CONNECT;
	if (AV(AVP_SERIAL).present)
		s->serial = get32(AV(AVP_SERIAL).v);
	l2tpi_mb_init(&ctx->mb, MT_ICRP);
	l2tpi_mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, s->id, true);
	rc = l2tpi_ctl_send(ctx, t, now, psid);
	if (rc != 0) {
		l2tpi_session_remove(ctx, s);
		return rc;
	}
	return 0;
}

static void
session_up(struct l2tp_ctx *ctx, struct session *s, uint64_t now)
{
	s->state = S_ESTABLISHED;
	s->up_at = now;
	l2tpi_session_timer_stop(ctx, s);
	ctx->stats.sessions_up++;
	(void)l2tpi_ev_push(ctx, L2TP_EV_SESSION_UP, s->t, s);
}

/* Finds the session a session-scoped message names: by the Session ID in
 * its header, or (header 0) by the peer's Assigned Session ID. */
struct session *
l2tpi_msg_session(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t sid, const char *what)
{
	struct session *s = sid != 0 ? l2tpi_session_find(ctx, t->id, sid) : NULL;

	if (s == NULL && AV(AVP_SESSION_ID).present) {
		/* Some peers put 0 in the header of CDN; match their ID. */
		uint16_t psid = get16(AV(AVP_SESSION_ID).v);

		for (s = t->sessions; s != NULL; s = s->tnext)
			if (psid != 0 && s->peer_id == psid && sid == 0)
				break;
	}
	if (s == NULL) {
		ctx->stats.rx_no_session++;
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "%s for unknown session %u on tunnel %u", what, sid, t->id);
	}
	return s;
}

int
l2tpi_handle_icrp(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	struct msg_builder *mb = &ctx->mb;
	struct session *s = l2tpi_msg_session(ctx, t, sid, "ICRP");
	int rc;

	if (s == NULL)
		return L2TP_E_NO_SESSION;
	if (s->state != S_WAIT_REPLY)
		return L2TP_E_STATE;
	if (!AV(AVP_SESSION_ID).present || get16(AV(AVP_SESSION_ID).v) == 0) {
		ctx->stats.rx_missing_avp++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "ICRP for session %u without Assigned Session ID", s->id);
		l2tpi_session_cdn(ctx, s, now, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH,
		    L2TP_E_MISSING_AVP);
		return L2TP_E_MISSING_AVP;
	}
	s->peer_id = get16(AV(AVP_SESSION_ID).v);
	s->seq = ctx->cfg.data_sequencing;
	l2tpi_mb_init(mb, MT_ICCN);
	l2tpi_mb_u32(ctx, mb, true, AVP_TX_SPEED, 100000000, true);
	l2tpi_mb_u32(ctx, mb, true, AVP_FRAMING_TYPE, 0x1, true);
	if (s->seq)
		l2tpi_mb_avp(ctx, mb, true, AVP_SEQ_REQUIRED, NULL, 0, false);
	rc = l2tpi_ctl_send(ctx, t, now, s->peer_id);
	if (rc != 0)
		return rc;
	session_up(ctx, s, now);
	return 0;
}

/* Offers the Proxy LCP/Authen AVPs of an ICCN in an L2TP_EV_PROXY event;
 * the values are copied into one buffer the event owns. */
static void
proxy_event(struct l2tp_ctx *ctx, struct session *s)
{
	static const uint8_t types[] = {
		AVP_INIT_RX_LCP, AVP_LAST_TX_LCP, AVP_LAST_RX_LCP, AVP_PROXY_AUTH_NAME,
		AVP_PROXY_AUTH_CHAL, AVP_PROXY_AUTH_RESP,
	};
	struct l2tp_event *ev;
	struct l2tp_proxy *px;
	const uint8_t **ptrs[6];
	size_t *lens[6];
	size_t total = 0, i, off = 0;
	uint8_t *buf;
	bool any = AV(AVP_PROXY_AUTH_TYPE).present || AV(AVP_PROXY_AUTH_ID).present;

	for (i = 0; i < 6; i++) {
		total += AV(types[i]).present ? AV(types[i]).len : 0;
		any = any || AV(types[i]).present;
	}
	if (!any)
		return;
	buf = l2tpi_ctx_alloc(ctx, total + 1);
	if (buf == NULL)
		return;
	ev = l2tpi_ev_push(ctx, L2TP_EV_PROXY, s->t, s);
	if (ev == NULL) {
		l2tpi_ctx_free_mem(ctx, buf);
		return;
	}
	px = &ev->proxy;
	ptrs[0] = &px->init_rx_confreq; lens[0] = &px->init_rx_confreq_len;
	ptrs[1] = &px->last_tx_confreq; lens[1] = &px->last_tx_confreq_len;
	ptrs[2] = &px->last_rx_confreq; lens[2] = &px->last_rx_confreq_len;
	ptrs[3] = &px->authen_name; lens[3] = &px->authen_name_len;
	ptrs[4] = &px->authen_challenge; lens[4] = &px->authen_challenge_len;
	ptrs[5] = &px->authen_response; lens[5] = &px->authen_response_len;
	for (i = 0; i < 6; i++) {
		if (!AV(types[i]).present)
			continue;
		memcpy(buf + off, AV(types[i]).v, AV(types[i]).len);
		*ptrs[i] = buf + off;
		*lens[i] = AV(types[i]).len;
		off += AV(types[i]).len;
	}
	if (AV(AVP_PROXY_AUTH_TYPE).present)
		px->authen_type = get16(AV(AVP_PROXY_AUTH_TYPE).v);
	if (AV(AVP_PROXY_AUTH_ID).present)
		px->authen_id = get16(AV(AVP_PROXY_AUTH_ID).v);
	l2tpi_ev_set_owned(ev, buf, total + 1);
}

int
l2tpi_handle_iccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	struct session *s = l2tpi_msg_session(ctx, t, sid, "ICCN");

	if (s == NULL)
		return L2TP_E_NO_SESSION;
	if (s->state != S_WAIT_CONNECT)
		return L2TP_E_STATE;
	/* Cisco peers omit Framing Type and Tx Connect Speed: both optional
	 * here although RFC 2661 7.4.2 lists them as required. */
	if (!AV(AVP_FRAMING_TYPE).present || !AV(AVP_TX_SPEED).present)
		l2tpi_ctx_log(ctx, L2TP_LOG_DEBUG, "ICCN for session %u without %s (accepted)", s->id,
		    !AV(AVP_FRAMING_TYPE).present ? "Framing Type" : "Tx Connect Speed");
	s->seq = AV(AVP_SEQ_REQUIRED).present || ctx->cfg.data_sequencing;
	proxy_event(ctx, s);
	session_up(ctx, s, now);
	return 0;
}

int
l2tpi_handle_cdn(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t sid)
{
	struct session *s = l2tpi_msg_session(ctx, t, sid, "CDN");
	uint16_t result = 0, error = 0;

	if (s == NULL)
		return L2TP_E_NO_SESSION;
	if (AV(AVP_RESULT).present) {
		result = get16(AV(AVP_RESULT).v);
		if (AV(AVP_RESULT).len >= 4)
			error = get16(AV(AVP_RESULT).v + 2);
	}
	l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "CDN for session %u on tunnel %u: result %u (%s), error %u",
	    s->id, t->id, result, l2tp_result_str(false, result), error);
	l2tpi_session_free(ctx, s, result, error, 0);
	return 0;
}

/* OCRQ: outgoing calls are not offered; refuse with CDN (7.3). */
int
l2tpi_refuse_ocrq(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	uint16_t psid = AV(AVP_SESSION_ID).present ? get16(AV(AVP_SESSION_ID).v) : 0;

	ctx->stats.rx_unsupported++;
	l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "OCRQ on tunnel %u refused (outgoing calls unsupported)", t->id);
	if (psid != 0)
		(void)l2tpi_refuse_call(ctx, t, now, psid, L2TP_CDN_NOT_AVAILABLE, 0,
		    "outgoing calls not supported");
	return L2TP_E_UNSUPPORTED;
}

/* ---- the caller's calls ---- */

int
l2tp_session_open(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t *session_id)
{
	struct tunnel *t;
	struct session *s;
	int rc;

	if (ctx == NULL || session_id == NULL)
		return L2TP_E_INVAL;
	if ((ctx->cfg.roles & L2TP_ROLE_LAC) == 0)
		return L2TP_E_ROLE;
	t = tunnel_id != 0 ? l2tpi_tunnel_find(ctx, tunnel_id) : NULL;
	if (t == NULL)
		return L2TP_E_NOT_FOUND;
	if (t->state != T_ESTABLISHED && t->state != T_WAIT_CTL_REPLY)
		return L2TP_E_STATE;
	if (t->nsessions >= ctx->cfg.max_sessions_per_tunnel) {
		ctx->stats.refused_limit++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "session open on tunnel %u refused: %u sessions (max %u)",
		    t->id, t->nsessions, ctx->cfg.max_sessions_per_tunnel);
		return L2TP_E_LIMIT;
	}
	rc = l2tpi_session_new(ctx, t, now, &s);
	if (rc != 0)
		return rc;
	s->state = S_WAIT_TUNNEL;
	if (t->state == T_ESTABLISHED) {
		rc = l2tpi_send_icrq(ctx, t, s, now);
		if (rc != 0) {
			l2tpi_session_remove(ctx, s);
			return rc;
		}
	}
	*session_id = s->id;
	return 0;
}

int
l2tp_session_close(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t session_id, uint16_t result)
{
	struct session *s;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	s = l2tpi_session_find(ctx, tunnel_id, session_id);
	if (s == NULL)
		return L2TP_E_NOT_FOUND;
	l2tpi_session_cdn(ctx, s, now, result, 0, 0);
	return 0;
}
