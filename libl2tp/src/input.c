/*
 * input.c - l2tp_input: header validation of every datagram (RFC 2661 3.1),
 * then data messages to data.c, control messages through the reliable
 * channel's sequence check to the per-message handlers of tunnel.c and
 * call.c.
 */
#include "l2tp_int.h"

static bool
session_scoped(uint16_t mt)
{
	return mt == MT_ICRQ || mt == MT_ICRP || mt == MT_ICCN || mt == MT_CDN ||
	    mt == MT_WEN || mt == MT_SLI || mt == MT_OCRQ || mt == MT_OCRP || mt == MT_OCCN;
}

/* RFC 2661 4.1: an unknown AVP with M set ends the session the message
 * belongs to, or else the whole tunnel. */
static int
unknown_mandatory(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	uint16_t mt = ctx->avs.msg_type;
	struct session *s = session_scoped(mt) && sid != 0 ? l2tpi_session_find(ctx, t->id, sid) : NULL;
	uint16_t psid = AV(AVP_SESSION_ID).present ? get16(AV(AVP_SESSION_ID).v) : 0;

	ctx->stats.rx_unknown_mandatory++;
	if (s == NULL && (mt == MT_ICRQ || mt == MT_OCRQ) && psid != 0 &&
	    t->state == T_ESTABLISHED) {
		/* A call request belongs to the session it would open: refuse
		 * that call, not the tunnel's other sessions. */
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "%s on tunnel %u: unknown mandatory AVP 0x%x, call refused",
		    l2tpi_msg_name(mt), t->id, (unsigned)ctx->avs.unknown_mandatory);
		(void)l2tpi_refuse_call(ctx, t, now, psid, L2TP_CDN_GENERAL_ERROR,
		    L2TP_ERR_UNKNOWN_MANDATORY, NULL);
		return L2TP_E_UNKNOWN_MANDATORY;
	}
	l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "%s on tunnel %u: unknown mandatory AVP 0x%x, tearing down %s",
	    l2tpi_msg_name(mt), t->id, (unsigned)ctx->avs.unknown_mandatory,
	    s != NULL ? "the session" : "the tunnel");
	if (s != NULL)
		l2tpi_session_cdn(ctx, s, now, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_MANDATORY,
		    L2TP_E_UNKNOWN_MANDATORY);
	else
		l2tpi_tunnel_stop(ctx, t, now, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_MANDATORY,
		    "unknown mandatory AVP", L2TP_E_UNKNOWN_MANDATORY);
	return L2TP_E_UNKNOWN_MANDATORY;
}

/* Runs one in-sequence control message (already parsed into ctx->avs). */
static int
dispatch(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	uint16_t mt = ctx->avs.msg_type;

	t->ctl_rx++;
	if (ctx->avs.unknown_mandatory >= 0)
		return unknown_mandatory(ctx, t, now, sid);
	if (t->state == T_LINGER || (t->state == T_CLOSING && mt != MT_STOPCCN)) {
		ctx->stats.rx_state++;
		l2tpi_ctx_log(ctx, L2TP_LOG_DEBUG, "%s on closing tunnel %u ignored", l2tpi_msg_name(mt), t->id);
		return L2TP_E_STATE;
	}
	switch (mt) {
	case MT_SCCRP:
		return l2tpi_handle_sccrp(ctx, t, now);
	case MT_SCCCN:
		return l2tpi_handle_scccn(ctx, t, now);
	case MT_STOPCCN:
		return l2tpi_handle_stopccn(ctx, t, now);
	case MT_HELLO:
		return 0;
	case MT_ICRQ:
		return l2tpi_handle_icrq(ctx, t, now);
	case MT_ICRP:
		return l2tpi_handle_icrp(ctx, t, now, sid);
	case MT_ICCN:
		return l2tpi_handle_iccn(ctx, t, now, sid);
	case MT_CDN:
		return l2tpi_handle_cdn(ctx, t, sid);
	case MT_WEN:
	case MT_SLI:
		/* Accepted: nothing to do for PPP over IPsec (7.x). */
		return l2tpi_msg_session(ctx, t, sid, l2tpi_msg_name(mt)) != NULL ? 0 : L2TP_E_NO_SESSION;
	case MT_OCRQ:
		return l2tpi_refuse_ocrq(ctx, t, now);
	case MT_SCCRQ:
		ctx->stats.rx_state++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ on established tunnel %u ignored", t->id);
		return L2TP_E_STATE;
	default:
		ctx->stats.rx_unsupported++;
		if (ctx->avs.msg_type_mbit && mt != MT_OCRP && mt != MT_OCCN) {
			/* RFC 2661 3.2: an unknown message type with the M bit
			 * set MUST clear the tunnel. */
			l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "unknown mandatory message type %u on tunnel %u: closing",
			    mt, t->id);
			l2tpi_tunnel_stop(ctx, t, now, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_VALUE,
			    "unknown message type", L2TP_E_UNSUPPORTED);
			return L2TP_E_UNSUPPORTED;
		}
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "%s (type %u) on tunnel %u ignored", l2tpi_msg_name(mt), mt, t->id);
		return L2TP_E_UNSUPPORTED;
	}
}

static int
bad_msg(struct l2tp_ctx *ctx, int rc, const char *why, uint16_t tid)
{
	switch (rc) {
	case L2TP_E_AVP_LENGTH: ctx->stats.rx_avp_length++; break;
	case L2TP_E_HIDDEN: ctx->stats.rx_hidden_bad++; break;
	case L2TP_E_MISSING_AVP: ctx->stats.rx_missing_avp++; break;
	default: ctx->stats.rx_bad_avp++; break;
	}
	l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "control message for tunnel %u dropped: %s (%s)", tid,
	    l2tp_strerror(rc), why);
	return rc;
}

/* A ZLB: acknowledgement only (5.8). */
static int
zlb_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, uint16_t tid, uint16_t nr)
{
	struct tunnel *t = tid != 0 ? l2tpi_tunnel_find(ctx, tid) : NULL;

	ctx->stats.rx_zlb++;
	if (t == NULL || t->peer != peer) {
		ctx->stats.rx_no_tunnel++;
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "ZLB for unknown tunnel %u", tid);
		return L2TP_E_NO_TUNNEL;
	}
	t->last_rx = now;
	t->verified = true;             /* it knows the Tunnel ID of our SCCRP */
	l2tpi_ctl_ack(ctx, t, nr, now);
	if (t->state == T_CLOSING && t->txq == NULL)
		l2tpi_tunnel_free(ctx, t);
	else
		l2tpi_tunnel_timer_update(ctx, t);
	return 0;
}

static int
control_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, const uint8_t *d,
    size_t len)
{
	uint16_t tid = get16(d + 4), sid = get16(d + 6), ns = get16(d + 8), nr = get16(d + 10);
	struct tunnel *t;
	struct ooo_msg *o;
	char why[160];
	int rc;
	uint16_t id;

	ctx->stats.rx_control++;
	if (len == CTRL_HDR_LEN)
		return zlb_input(ctx, now, peer, tid, nr);
	rc = l2tpi_avp_parse(ctx, d + CTRL_HDR_LEN, len - CTRL_HDR_LEN, &ctx->avs, why, sizeof(why));
	if (rc != 0)
		return bad_msg(ctx, rc, why, tid);
	if (tid == 0 && ctx->avs.msg_type == MT_SCCRQ) {
		/* A retransmission is answered there (ZLB, or the SCCRP
		 * again for an unverified source). */
		return l2tpi_handle_sccrq(ctx, now, peer, ns, d + CTRL_HDR_LEN, len - CTRL_HDR_LEN);
	}
	t = tid != 0 ? l2tpi_tunnel_find(ctx, tid) : NULL;
	if (t != NULL && t->peer != peer)
		t = NULL;
	if (t == NULL && ctx->avs.msg_type == MT_STOPCCN && AV(AVP_TUNNEL_ID).present) {
		/* Windows has sent StopCCN with a wrong Tunnel ID in the header;
		 * its Assigned Tunnel ID AVP still names the tunnel. */
		t = l2tpi_tunnel_find_peer(ctx, peer, get16(AV(AVP_TUNNEL_ID).v));
		if (t != NULL)
			l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "StopCCN with header tunnel %u matched tunnel %u by peer ID %u",
			    tid, t->id, t->peer_id);
	}
	if (t == NULL) {
		ctx->stats.rx_no_tunnel++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "%s for %s tunnel %u dropped", l2tpi_msg_name(ctx->avs.msg_type),
		    tid == 0 ? "zero" : "unknown", tid);
		return L2TP_E_NO_TUNNEL;
	}
	id = t->id;
	/* Only the receiver of our SCCRP knows our Tunnel ID (the StopCCN
	 * quirk above names the peer's: it verifies nothing). */
	if (tid == t->id)
		t->verified = true;
	l2tpi_ctl_ack(ctx, t, nr, now);
	switch (l2tpi_ctl_sequence(t, ns, ctx->cfg.rws)) {
	case SEQ_IN_ORDER:
		break;
	case SEQ_DUPLICATE:
		ctx->stats.rx_duplicate++;
		l2tpi_ctx_log(ctx, L2TP_LOG_DEBUG, "duplicate %s Ns %u on tunnel %u (expect %u): re-ack",
		    l2tpi_msg_name(ctx->avs.msg_type), ns, t->id, t->nr);
		l2tpi_send_zlb(ctx, t);
		return L2TP_E_DUPLICATE;
	case SEQ_OUT_OF_WINDOW:
		ctx->stats.rx_out_of_window++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "%s Ns %u on tunnel %u outside window %u..%u",
		    l2tpi_msg_name(ctx->avs.msg_type), ns, t->id, t->nr,
		    (uint16_t)(t->nr + ctx->cfg.rws - 1));
		return L2TP_E_SEQUENCE;
	case SEQ_FUTURE:
		ctx->stats.rx_out_of_order++;
		l2tpi_ctx_log(ctx, L2TP_LOG_DEBUG, "%s Ns %u on tunnel %u ahead of %u: kept",
		    l2tpi_msg_name(ctx->avs.msg_type), ns, t->id, t->nr);
		l2tpi_ooo_store(ctx, t, ns, d, len);
		return 0;
	}
	t->nr++;
	t->last_rx = now;
	rc = dispatch(ctx, t, now, sid);
	/* Deliver queued successors now in order (5.8).  A handler may have
	 * freed the tunnel: look it up again each time. */
	while ((t = l2tpi_tunnel_find(ctx, id)) != NULL && (o = l2tpi_ooo_next(t)) != NULL) {
		t->nr++;
		if (l2tpi_avp_parse(ctx, o->data + CTRL_HDR_LEN, o->len - CTRL_HDR_LEN, &ctx->avs,
		    why, sizeof(why)) == 0)
			(void)dispatch(ctx, t, now, get16(o->data + 6));
		l2tpi_ctx_free_mem(ctx, o);
	}
	t = l2tpi_tunnel_find(ctx, id);
	if (t != NULL) {
		l2tpi_ooo_prune(ctx, t);
		if (t->nr_sent != t->nr)
			l2tpi_send_zlb(ctx, t);
		if (t->state == T_CLOSING && t->txq == NULL)
			l2tpi_tunnel_free(ctx, t);
		else
			l2tpi_tunnel_timer_update(ctx, t);
	}
	return rc;
}

int
l2tp_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer_handle,
    const uint8_t *dgram, size_t len, struct l2tp_rx *rx)
{
	uint16_t flags, clen;

	if (ctx == NULL || rx == NULL || (dgram == NULL && len > 0))
		return L2TP_E_INVAL;
	rx->kind = L2TP_RX_NONE;
	ctx->stats.rx_packets++;
	if (len < 6) {
		ctx->stats.rx_truncated++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "datagram of %zu bytes is shorter than any header", len);
		return L2TP_E_TRUNCATED;
	}
	flags = get16(dgram);
	if ((flags & HDR_VER_MASK) != 2) {
		ctx->stats.rx_bad_version++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "version %u dropped", flags & HDR_VER_MASK);
		return L2TP_E_VERSION;
	}
	if ((flags & HDR_T) == 0)
		return l2tpi_data_input(ctx, now, peer_handle, dgram, len, rx);
	/* Control: L and S MUST be set, O and P MUST be zero (3.1). */
	if ((flags & (HDR_L | HDR_S)) != (HDR_L | HDR_S) || (flags & (HDR_O | HDR_P)) != 0) {
		ctx->stats.rx_bad_header++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "control message with flags 0x%04x dropped", flags);
		return L2TP_E_BAD_HEADER;
	}
	if (len < CTRL_HDR_LEN) {
		ctx->stats.rx_truncated++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "control header truncated: %zu bytes", len);
		return L2TP_E_TRUNCATED;
	}
	clen = get16(dgram + 2);
	if (clen > len || clen < CTRL_HDR_LEN) {
		ctx->stats.rx_bad_length++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "control Length %u, datagram %zu bytes", clen, len);
		return L2TP_E_BAD_LENGTH;
	}
	return control_input(ctx, now, peer_handle, dgram, clen);
}
