/*
 * input.c - received frames: address/control and protocol field decode
 * (RFC 1661 §2, §6.5, §6.6), demux to LCP, PAP, CHAP, IPCP and the IPv4
 * data path, Protocol-Reject of the rest.
 */
#include <string.h>

#include "ppp_int.h"

bool
ppp_reject_budget(struct ppp_session *s, const char *what)
{
	struct ppp_ctx *ctx = s->ctx;

	if (s->now < s->rej_window || s->now - s->rej_window >= NS_PER_S) {
		s->rej_window = s->now;
		s->rej_count = 0;
	}
	if (s->rej_count < ctx->cfg.reject_rate) {
		s->rej_count++;
		return true;
	}
	ppp_bad_rl(ctx, s->now, RL_REJECT, &ctx->stats.rejects_suppressed,
	    PPP_E_RATE_LIMITED, "ppp: session %llu: %s not sent, %u rejects "
	    "in one second (reject_rate)", (unsigned long long)s->user, what,
	    (unsigned)ctx->cfg.reject_rate);
	return false;
}

/* Sends Protocol-Reject (RFC 1661 §5.7) for the packet's protocol, within
 * the session's reject budget. */
int
ppp_protocol_reject(struct ppp_session *s, uint16_t proto, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t h[6];
	size_t max = s->peer_mru - 6u;

	ppp_bad_rl(ctx, s->now, RL_UNKNOWN, &ctx->stats.unknown_proto,
	    PPP_E_UNKNOWN_PROTO, "ppp: session %llu: protocol 0x%04x rejected "
	    "(%zu bytes)", (unsigned long long)s->user, proto, n);
	if (s->lcp.state != ST_OPENED ||
	    !ppp_reject_budget(s, "Protocol-Reject"))
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

/* Everything but IPv4: the control protocols of the link. */
static int
control_frame(struct ppp_session *s, uint16_t proto, const uint8_t *frame,
    size_t len)
{
	struct ppp_ctx *ctx = s->ctx;

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
	default:
		return ppp_protocol_reject(s, proto, frame, len);
	}
}

int
ppp_session_input(struct ppp_session *s, uint64_t now, const uint8_t *frame,
    size_t len, struct ppp_rx *rx)
{
	struct ppp_ctx *ctx;
	uint16_t proto;
	size_t off = 0;
	int rc;

	if (s == NULL || rx == NULL || (frame == NULL && len > 0))
		return PPP_E_INVAL;
	ctx = s->ctx;
	rx->kind = PPP_RX_NONE;
	rx->off = rx->len = 0;
	rx->user = s->user;
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
	if (len - off > s->local_mru)
		return ppp_bad(ctx, &ctx->stats.too_big, PPP_E_TOO_BIG,
		    "ppp: proto 0x%04x payload of %zu bytes > MRU %u", proto,
		    len - off, (unsigned)s->local_mru);
	if (proto == PROTO_IP) {
		/* The data path: in place, no queue, no timer change. */
		if (s->ipcp.state != ST_OPENED || s->down_reported)
			return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
			    "ppp: IP packet of %zu bytes before IPCP is "
			    "opened, dropped", len - off);
		if (len == off)
			return ppp_bad(ctx, &ctx->stats.truncated,
			    PPP_E_TRUNCATED, "ppp: IP frame of %zu bytes "
			    "carries no packet", len);
		if (s->role == PPP_ROLE_SERVER) {
			uint32_t src;

			/* Only the address IPCP assigned (RFC 1332 §3.3). */
			if (len - off < 20)
				return ppp_bad(ctx, &ctx->stats.truncated,
				    PPP_E_TRUNCATED, "ppp: IP packet of %zu "
				    "bytes < an IPv4 header", len - off);
			src = get32(frame + off + 12);
			if (src != s->peer_addr)
				return ppp_bad_rl(ctx, now, RL_SPOOF,
				    &ctx->stats.ip_spoofed, PPP_E_SPOOFED,
				    "ppp: session %llu: IP source %u.%u.%u.%u "
				    "is not the peer's %u.%u.%u.%u, dropped",
				    (unsigned long long)s->user, src >> 24,
				    (src >> 16) & 0xff, (src >> 8) & 0xff,
				    src & 0xff, s->peer_addr >> 24,
				    (s->peer_addr >> 16) & 0xff,
				    (s->peer_addr >> 8) & 0xff,
				    s->peer_addr & 0xff);
		}
		rx->kind = PPP_RX_IP;
		rx->off = off;
		rx->len = len - off;
		s->ip_in++;
		s->ip_bytes_in += len - off;
		ctx->stats.ip_in++;
		ctx->stats.ip_bytes_in += len - off;
		return 0;
	}
	ppp_sess_set_now(s, now);
	rc = control_frame(s, proto, frame + off, len - off);
	ppp_sess_rearm(s);
	return rc;
}

int
ppp_session_encap(struct ppp_session *s, uint8_t *buf, size_t cap,
    size_t *off, size_t *len)
{
	struct ppp_ctx *ctx;
	uint8_t *h;

	if (s == NULL || buf == NULL || off == NULL || len == NULL ||
	    *len == 0 || *off > cap || *len > cap - *off)
		return PPP_E_INVAL;
	ctx = s->ctx;
	if (*off < PPP_HEADROOM)
		return PPP_E_BUFFER;
	if (s->ipcp.state != ST_OPENED || s->down_reported)
		return PPP_E_STATE;
	if (*len > s->peer_mru)
		return ppp_bad(ctx, &ctx->stats.too_big, PPP_E_TOO_BIG,
		    "ppp: IP packet of %zu bytes > peer MRU %u", *len,
		    (unsigned)s->peer_mru);
	/* Address, Control (RFC 1662 §3.1), Protocol 0x0021. */
	h = buf + *off - PPP_HEADROOM;
	h[0] = 0xff;
	h[1] = 0x03;
	h[2] = 0x00;
	h[3] = 0x21;
	s->ip_out++;
	s->ip_bytes_out += *len;
	ctx->stats.ip_out++;
	ctx->stats.ip_bytes_out += *len;
	ctx->stats.frames_out++;
	*off -= PPP_HEADROOM;
	*len += PPP_HEADROOM;
	return 0;
}
