/*
 * data.c - data messages (RFC 2661 3.1, 5.4) in place: the receive side
 * returns the PPP frame as an offset into the caller's datagram, the send
 * side prepends the header in the caller's headroom.  Nothing here
 * allocates, copies a payload or queues an event.
 */
#include <string.h>

#include "l2tp_int.h"

/* Data header we send: flags, Length, Tunnel ID, Session ID [, Ns, Nr]. */
static size_t
data_header_len(const struct session *s)
{
	return s->seq ? 12 : 8;
}

static void
data_header(struct session *s, uint8_t *p, size_t total)
{
	put16(p, (uint16_t)(HDR_L | (s->seq ? HDR_S : 0) | 2));
	put16(p + 2, (uint16_t)total);
	put16(p + 4, s->t->peer_id);
	put16(p + 6, s->peer_id);
	if (s->seq) {
		put16(p + 8, s->dns);
		put16(p + 10, 0);       /* Nr: reserved in data messages */
	}
}

static void
data_sent(struct l2tp_ctx *ctx, struct session *s, size_t ppp_len)
{
	struct tunnel *t = s->t;

	s->dns++;
	s->tx_packets++;
	s->tx_bytes += ppp_len;
	t->data_tx_packets++;
	t->data_tx_bytes += ppp_len;
	ctx->stats.tx_data++;
	ctx->stats.tx_data_bytes += ppp_len;
}

int
l2tpi_data_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, const uint8_t *d,
    size_t len, struct l2tp_rx *rx)
{
	uint16_t flags = get16(d), tid, sid, ns = 0;
	size_t off = 2, end = len;
	struct tunnel *t;
	struct session *s;

	ctx->stats.rx_data++;
	if ((flags & HDR_L) != 0) {
		if (len < off + 2)
			goto trunc;
		end = get16(d + off);
		off += 2;
		if (end > len || end < 6) {
			ctx->stats.rx_bad_length++;
			l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "data message Length %zu, datagram %zu", end, len);
			return L2TP_E_BAD_LENGTH;
		}
	}
	if (end < off + 4)
		goto trunc;
	tid = get16(d + off);
	sid = get16(d + off + 2);
	off += 4;
	if ((flags & HDR_S) != 0) {
		if (end < off + 4)
			goto trunc;
		ns = get16(d + off);
		off += 4;
	}
	if ((flags & HDR_O) != 0) {
		size_t pad;

		if (end < off + 2)
			goto trunc;
		pad = get16(d + off);
		off += 2;
		if (pad > end - off) {
			ctx->stats.rx_bad_length++;
			l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "data Offset Size %zu beyond %zu bytes", pad, end - off);
			return L2TP_E_BAD_LENGTH;
		}
		off += pad;
	}
	/* One lookup on the fast path; the tunnel only to name the error. */
	s = tid != 0 ? l2tpi_session_find(ctx, tid, sid) : NULL;
	t = s != NULL ? s->t : tid != 0 ? l2tpi_tunnel_find(ctx, tid) : NULL;
	if (t == NULL || t->peer != peer) {
		ctx->stats.rx_no_tunnel++;
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "data for unknown tunnel %u", tid);
		return L2TP_E_NO_TUNNEL;
	}
	if (s == NULL) {
		ctx->stats.rx_no_session++;
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "data for unknown session %u on tunnel %u", sid, tid);
		return L2TP_E_NO_SESSION;
	}
	if (s->state != S_ESTABLISHED || t->state != T_ESTABLISHED) {
		ctx->stats.rx_state++;
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "data for session %u before it is established", sid);
		return L2TP_E_STATE;
	}
	if ((flags & HDR_S) != 0) {
		if (seq_lt(ns, s->dnr)) {
			ctx->stats.rx_duplicate++;
			l2tpi_ctx_log(ctx, L2TP_LOG_DEBUG, "data Ns %u on session %u behind %u: dropped",
			    ns, sid, s->dnr);
			return L2TP_E_DUPLICATE;
		}
		s->dnr = (uint16_t)(ns + 1);
	}
	/* Postpones HELLO lazily: the timer re-arms itself when it fires. */
	t->last_rx = now;
	s->rx_packets++;
	s->rx_bytes += end - off;
	t->data_rx_packets++;
	t->data_rx_bytes += end - off;
	ctx->stats.rx_data_bytes += end - off;
	if (end == off)
		return 0;
	rx->kind = L2TP_RX_PPP;
	rx->tunnel_id = tid;
	rx->session_id = sid;
	rx->tunnel_user = t->user;
	rx->session_user = s->user;
	rx->off = off;
	rx->len = end - off;
	return 0;
trunc:
	ctx->stats.rx_truncated++;
	l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "data header truncated (flags 0x%04x, %zu bytes)", flags, len);
	return L2TP_E_TRUNCATED;
}

/* The session the caller names, established (encap and send_ppp). */
static int
tx_session(struct l2tp_ctx *ctx, uint16_t tunnel_id, uint16_t session_id,
    struct session **out)
{
	struct session *s = l2tpi_session_find(ctx, tunnel_id, session_id);

	if (s == NULL)
		return L2TP_E_NOT_FOUND;
	if (s->state != S_ESTABLISHED || s->t->state != T_ESTABLISHED)
		return L2TP_E_STATE;
	*out = s;
	return 0;
}

int
l2tp_session_encap(struct l2tp_ctx *ctx, uint16_t tunnel_id, uint16_t session_id,
    uint8_t *buf, size_t cap, size_t *off, size_t *len, uint64_t *peer_handle)
{
	struct session *s;
	size_t h;
	int rc;

	if (ctx == NULL || buf == NULL || off == NULL || len == NULL || peer_handle == NULL ||
	    *len == 0 || *off > cap || *len > cap - *off)
		return L2TP_E_INVAL;
	rc = tx_session(ctx, tunnel_id, session_id, &s);
	if (rc != 0)
		return rc;
	h = data_header_len(s);
	if (*len > 65535 - h)
		return L2TP_E_INVAL;
	if (*off < h)
		return L2TP_E_BUFFER;
	data_header(s, buf + *off - h, h + *len);
	data_sent(ctx, s, *len);
	ctx->stats.tx_packets++;
	*off -= h;
	*len += h;
	*peer_handle = s->t->peer;
	return 0;
}

int
l2tp_session_send_ppp(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t session_id, const uint8_t *ppp, size_t len)
{
	uint8_t buf[L2TP_MAX_DGRAM];
	struct session *s;
	size_t h;
	int rc;

	(void)now;
	if (ctx == NULL || ppp == NULL || len == 0 || len > L2TP_MAX_PPP)
		return L2TP_E_INVAL;
	rc = tx_session(ctx, tunnel_id, session_id, &s);
	if (rc != 0)
		return rc;
	h = data_header_len(s);
	data_header(s, buf, h + len);
	memcpy(buf + h, ppp, len);
	rc = l2tpi_out_push(ctx, s->t->peer, buf, h + len);
	if (rc == 0)
		data_sent(ctx, s, len);
	return rc;
}
