/*
 * tunnel.c - the control connection (RFC 2661 7.2): SCCRQ/SCCRP/SCCCN
 * establishment with tunnel authentication (4.4.3 Challenge / Challenge
 * Response) and the tie-breaker, StopCCN teardown, HELLO, and the caller's
 * tunnel-level and peer-level calls (open, close, peer close, peer drop).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "l2tp_int.h"

/* Removes a tunnel; sessions still attached are reported down first. */
void
l2tpi_tunnel_free(struct l2tp_ctx *ctx, struct tunnel *t)
{
	while (t->sessions != NULL)
		l2tpi_session_free(ctx, t->sessions, L2TP_CDN_LOST_CARRIER, 0, 0);
	l2tpi_tunnel_remove(ctx, t);
}

/* Announces the tunnel down and removes its sessions; the tunnel itself is
 * kept by the caller for lingering or freed. */
void
l2tpi_tunnel_down(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t result,
    uint16_t error, int reason)
{
	struct l2tp_event *ev;

	while (t->sessions != NULL)
		l2tpi_session_free(ctx, t->sessions, L2TP_CDN_LOST_CARRIER, 0, reason);
	ev = l2tpi_ev_push(ctx, L2TP_EV_TUNNEL_DOWN, t, NULL);
	if (ev != NULL) {
		ev->result = result;
		ev->error = error;
		ev->reason = reason;
	}
	ctx->stats.tunnels_down++;
	l2tpi_half_open_clear(ctx, t);
}

/* Appends a Result Code AVP (4.4.2) to ctx->mb. */
void
l2tpi_result_avp(struct l2tp_ctx *ctx, uint16_t result, uint16_t error, const char *msg)
{
	uint8_t b[4 + 64];
	size_t n = msg != NULL ? strlen(msg) : 0;

	if (n > 64)
		n = 64;
	put16(b, result);
	put16(b + 2, error);
	if (n > 0)
		memcpy(b + 4, msg, n);
	l2tpi_mb_avp(ctx, &ctx->mb, true, AVP_RESULT, b, error != 0 || n > 0 ? 4 + n : 2, false);
}

/* Sends StopCCN (RFC 2661 5.7) and starts closing: sessions go down now,
 * the tunnel is freed when the StopCCN is acked or retransmissions end. */
void
l2tpi_tunnel_stop(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now,
    uint16_t result, uint16_t error, const char *msg, int reason)
{
	if (t->state == T_CLOSING || t->state == T_LINGER)
		return;
	l2tpi_tunnel_down(ctx, t, result, error, reason);
	t->state = T_CLOSING;
	l2tpi_mb_init(&ctx->mb, MT_STOPCCN);
	l2tpi_mb_u16(ctx, &ctx->mb, true, AVP_TUNNEL_ID, t->id, false);
	l2tpi_result_avp(ctx, result, error, msg);
	l2tpi_ctl_drop_unsent(ctx, t);
	if (l2tpi_ctl_send(ctx, t, now, 0) != 0) {
		/* Cannot even queue StopCCN: linger and let the peer time out. */
		t->state = T_LINGER;
		t->linger_until = sat_add(now, ctx->cfg.rtx_max_ns);
	}
	l2tpi_tunnel_timer_update(ctx, t);
}

/* One-shot StopCCN without a tunnel (refusals of SCCRQ). */
static void
refuse_sccrq(struct l2tp_ctx *ctx, uint64_t peer, uint16_t peer_tid,
    uint16_t result, uint16_t error, const char *msg)
{
	struct msg_builder *mb = &ctx->mb;

	l2tpi_mb_init(mb, MT_STOPCCN);
	l2tpi_mb_u16(ctx, mb, true, AVP_TUNNEL_ID, 0, false);
	l2tpi_result_avp(ctx, result, error, msg);
	if (mb->len > ctx->req_len && msg != NULL) {
		/* Anti-amplification: never bigger than the SCCRQ because of
		 * our text (the codes are what the peer acts upon). */
		l2tpi_mb_init(mb, MT_STOPCCN);
		l2tpi_mb_u16(ctx, mb, true, AVP_TUNNEL_ID, 0, false);
		l2tpi_result_avp(ctx, result, error, NULL);
	}
	if (mb->err != 0)
		return;
	put16(mb->buf + 2, (uint16_t)mb->len);
	put16(mb->buf + 4, peer_tid);
	put16(mb->buf + 8, 0);
	put16(mb->buf + 10, 1);
	if (l2tpi_out_push(ctx, peer, mb->buf, mb->len) == 0)
		ctx->stats.tx_control++;
}

void
l2tpi_tunnel_send_hello(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	l2tpi_mb_init(&ctx->mb, MT_HELLO);
	if (l2tpi_ctl_send(ctx, t, now, 0) == 0)
		ctx->stats.hellos_sent++;
}

static void
common_tunnel_avps(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct msg_builder *mb = &ctx->mb;

	l2tpi_mb_u16(ctx, mb, true, AVP_PROTO_VERSION, 0x0100, false);
	l2tpi_mb_u32(ctx, mb, true, AVP_FRAMING_CAP, 0x3, false);
	l2tpi_mb_u32(ctx, mb, false, AVP_BEARER_CAP, 0x3, false);
	l2tpi_mb_u16(ctx, mb, false, AVP_FIRMWARE, 0x0100, false);
	l2tpi_mb_avp(ctx, mb, true, AVP_HOSTNAME, ctx->cfg.hostname, strlen(ctx->cfg.hostname), false);
	l2tpi_mb_avp(ctx, mb, false, AVP_VENDOR, "roadgate", 8, false);
	l2tpi_mb_u16(ctx, mb, true, AVP_TUNNEL_ID, t->id, true);
	l2tpi_mb_u16(ctx, mb, true, AVP_RWS, ctx->cfg.rws, false);
}

/* The AVPs of an SCCRP, compact for a source not yet verified (l2tp.h,
 * sccrp_max_unverified): what RFC 2661 6.2 requires, Receive Window Size
 * when it is not the default 4, the authentication AVPs added by the
 * caller; the optional ones only while the message stays within budget
 * bytes (the SCCRQ's size), less room reserved for the auth AVPs. */
static void
sccrp_avps(struct l2tp_ctx *ctx, struct tunnel *t, size_t budget, size_t reserve)
{
	struct msg_builder *mb = &ctx->mb;

	l2tpi_mb_u16(ctx, mb, true, AVP_PROTO_VERSION, 0x0100, false);
	l2tpi_mb_u32(ctx, mb, true, AVP_FRAMING_CAP, 0x3, false);
	l2tpi_mb_avp(ctx, mb, true, AVP_HOSTNAME, ctx->cfg.hostname, strlen(ctx->cfg.hostname), false);
	l2tpi_mb_u16(ctx, mb, true, AVP_TUNNEL_ID, t->id, true);
	budget = budget > reserve ? budget - reserve : 0;
	if (ctx->cfg.rws != 4 || mb->len + 8 <= budget)
		l2tpi_mb_u16(ctx, mb, true, AVP_RWS, ctx->cfg.rws, false);
	if (mb->len + 10 <= budget)
		l2tpi_mb_u32(ctx, mb, false, AVP_BEARER_CAP, 0x3, false);
	if (mb->len + 8 <= budget)
		l2tpi_mb_u16(ctx, mb, false, AVP_FIRMWARE, 0x0100, false);
	if (mb->len + 14 <= budget)
		l2tpi_mb_avp(ctx, mb, false, AVP_VENDOR, "roadgate", 8, false);
}

/* Computes the Challenge Response of RFC 2661 4.4.3: MD5(ID + secret + chal)
 * where ID is the type of the message carrying the response. */
static int
chal_response(struct l2tp_ctx *ctx, uint8_t id, const uint8_t *chal, size_t len,
    uint8_t out[16])
{
	return l2tpi_md5_3(ctx, out, &id, 1, ctx->cfg.secret, ctx->cfg.secret_len, chal, len);
}

/* Appends our answer to the peer's Challenge (if it sent one). */
static void
answer_challenge(struct l2tp_ctx *ctx, uint8_t id)
{
	uint8_t resp[16];
	int rc;

	if (!AV(AVP_CHALLENGE).present)
		return;
	rc = chal_response(ctx, id, AV(AVP_CHALLENGE).v, AV(AVP_CHALLENGE).len, resp);
	if (rc != 0)
		mb_fail(&ctx->mb, rc);
	l2tpi_mb_avp(ctx, &ctx->mb, true, AVP_CHAL_RESP, resp, 16, false);
	sodium_memzero(resp, sizeof(resp));
}

/* Appends a Challenge of our own (when we have a secret). */
static void
send_challenge(struct l2tp_ctx *ctx, struct tunnel *t)
{
	if (ctx->cfg.secret_len == 0)
		return;
	if (l2tpi_ctx_rng(ctx, t->challenge, sizeof(t->challenge)) != 0)
		mb_fail(&ctx->mb, L2TP_E_RNG);
	t->challenged = true;
	l2tpi_mb_avp(ctx, &ctx->mb, true, AVP_CHALLENGE, t->challenge, sizeof(t->challenge), false);
}

static int __attribute__((warn_unused_result))
chal_verify(struct l2tp_ctx *ctx, struct tunnel *t, uint8_t id)
{
	uint8_t want[16];
	int rc;

	if (!AV(AVP_CHAL_RESP).present)
		return ctx->cfg.require_auth ? L2TP_E_AUTH : 0;
	rc = chal_response(ctx, id, t->challenge, sizeof(t->challenge), want);
	if (rc == 0 && CRYPTO_memcmp(want, AV(AVP_CHAL_RESP).v, 16) != 0)
		rc = L2TP_E_AUTH;
	if (rc == 0)
		t->authenticated = true;
	sodium_memzero(want, sizeof(want));
	return rc;
}

static void
tunnel_established(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct session *s;
	char host[96];

	t->state = T_ESTABLISHED;
	t->up_at = now;
	l2tpi_half_open_clear(ctx, t);
	ctx->stats.tunnels_up++;
	(void)l2tpi_ev_push(ctx, L2TP_EV_TUNNEL_UP, t, NULL);
	l2tpi_escape(host, sizeof(host), t->host, t->host_len);
	l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "tunnel %u up (peer tunnel %u, peer host \"%s\")",
	    t->id, t->peer_id, host);
	/* Calls placed while the tunnel was being set up (LAC). */
	for (s = t->sessions; s != NULL; s = s->tnext) {
		if (s->state == S_WAIT_TUNNEL)
			(void)l2tpi_send_icrq(ctx, t, s, now);
	}
	l2tpi_tunnel_timer_update(ctx, t);
}

/* Takes the peer's parameters from SCCRQ / SCCRP. */
static void
read_tunnel_params(struct l2tp_ctx *ctx, struct tunnel *t)
{
	if (AV(AVP_RWS).present && get16(AV(AVP_RWS).v) > 0)
		t->peer_rws = get16(AV(AVP_RWS).v);
	if (t->peer_rws > 64)
		t->peer_rws = 64;
	if (AV(AVP_HOSTNAME).present) {
		t->host_len = (uint8_t)(AV(AVP_HOSTNAME).len < HOST_MAX ?
		    AV(AVP_HOSTNAME).len : HOST_MAX);
		memcpy(t->host, AV(AVP_HOSTNAME).v, t->host_len);
	}
}

/* A tie-breaker comparison against our own outstanding SCCRQ to this peer
 * (RFC 2661 4.4.3): the lower value wins; equal values both lose; when only
 * one SCCRQ carries a Tie Breaker, that one wins. */
static int
tiebreak(struct l2tp_ctx *ctx, uint64_t peer)
{
	struct tunnel *t;
	int c;

	/* Only a SCCRQ of ours still waiting for SCCRP can collide (never on
	 * an LNS-only context): skip the walk otherwise. */
	if (ctx->nhalf_open_ours == 0)
		return 0;
	for (t = l2tpi_tunnel_first_of_peer(ctx, peer); t != NULL; t = l2tpi_tunnel_next_of_peer(t)) {
		if (!t->initiator || t->state != T_WAIT_CTL_REPLY || !t->have_tiebreak)
			continue;
		/* Ours carries one; a peer's SCCRQ without one loses. */
		c = AV(AVP_TIE_BREAKER).present ? memcmp(t->tiebreak, AV(AVP_TIE_BREAKER).v, 8) : -1;
		if (c < 0) {
			ctx->stats.refused_tiebreak++;
			l2tpi_ctx_log(ctx, L2TP_LOG_INFO,
			    "SCCRQ from peer lost the tie-breaker against our tunnel %u%s", t->id,
			    AV(AVP_TIE_BREAKER).present ? "" : " (it has no Tie Breaker)");
			return L2TP_E_TIEBREAK;
		}
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "our tunnel %u lost the tie-breaker%s", t->id,
		    c == 0 ? " (equal values: both dropped)" : "");
		l2tpi_tunnel_down(ctx, t, 0, 0, L2TP_E_TIEBREAK);
		l2tpi_tunnel_free(ctx, t);
		if (c == 0) {
			ctx->stats.refused_tiebreak++;
			return L2TP_E_TIEBREAK;
		}
		return 0;
	}
	return 0;
}

/* A 64-bit multiply-xor hash over an SCCRQ's AVPs, 8 bytes at a time:
 * tells a retransmission (byte-identical) from a new request that reuses
 * the Assigned Tunnel ID.  Not a security measure: the peer handle already
 * authenticates the sender. */
static uint64_t
sccrq_digest(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 32);
}

/*
 * An SCCRQ for (peer, ptid) that already has a tunnel: a retransmission
 * (same bytes while we wait for SCCCN, or a late copy just after it), or
 * the peer started over with the same Assigned Tunnel ID (a reconnecting
 * client).  Returns true for a retransmission.
 */
static bool
sccrq_is_retransmission(const struct l2tp_ctx *ctx, const struct tunnel *t,
    uint64_t now, uint64_t digest)
{
	if (t->initiator || digest != t->sccrq_digest)
		return false;
	if (t->state == T_WAIT_CTL_CONN)
		return true;
	/* Once SCCCN arrived the peer has our SCCRP and stops retransmitting;
	 * only a copy delayed in the network can still come. */
	return t->state == T_ESTABLISHED && now < sat_add(t->up_at, ctx->cfg.rtx_initial_ns);
}

/* A retransmitted SCCRQ: a verified (or established) tunnel is re-acked
 * with a ZLB; towards an unverified source the SCCRP is sent again, once
 * per SCCRQ, only if it is no bigger than the SCCRQ and at most
 * sccrp_max_unverified times in all; else nothing is sent. */
static void
sccrq_answer_retransmission(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	const struct ctl_msg *m = t->txq;

	if (!l2tpi_unverified(t)) {
		l2tpi_send_zlb(ctx, t);
		return;
	}
	if (m != NULL && m->type == MT_SCCRP && m->len <= ctx->req_len &&
	    t->sccrp_sent < ctx->cfg.sccrp_max_unverified &&
	    l2tpi_ctl_resend_first(ctx, t) == 0) {
		t->sccrp_sent++;
		ctx->stats.sccrp_resent++;
		return;
	}
	ctx->stats.unverified_suppressed++;
	l2tpi_ctx_log_rl(ctx, now, RL_UNVERIFIED, L2TP_LOG_INFO,
	    "retransmitted SCCRQ from unverified peer %llu (tunnel %u): SCCRP of %u bytes not resent "
	    "(request %zu bytes, sent %u of %u)", (unsigned long long)t->peer, t->id,
	    m != NULL ? m->len : 0, ctx->req_len, t->sccrp_sent, ctx->cfg.sccrp_max_unverified);
}

/* The peer's share (l2tp.h, max_tunnels_per_peer ...): reclaims its oldest
 * closing or lingering tunnel when it is at its tunnel share, then refuses
 * the SCCRQ with StopCCN if it is still over a share. */
static int
sccrq_peer_share(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, uint16_t ptid)
{
	struct tunnel *t, *old = NULL;
	unsigned nt, nh, ns;

	l2tpi_peer_usage(ctx, peer, &nt, &nh, &ns);
	if (nt >= ctx->cfg.max_tunnels_per_peer) {
		for (t = l2tpi_tunnel_first_of_peer(ctx, peer); t != NULL; t = l2tpi_tunnel_next_of_peer(t))
			if ((t->state == T_CLOSING || t->state == T_LINGER) &&
			    (old == NULL || t->created < old->created))
				old = t;
		if (old != NULL) {
			ctx->stats.peer_linger_reclaimed++;
			l2tpi_ctx_log_rl(ctx, now, RL_SHARE, L2TP_LOG_INFO,
			    "peer %llu at its tunnel share (%u): closed tunnel %u reclaimed",
			    (unsigned long long)peer, ctx->cfg.max_tunnels_per_peer, old->id);
			l2tpi_tunnel_free(ctx, old);
			nt--;
		}
	}
	if (nt < ctx->cfg.max_tunnels_per_peer && nh < ctx->cfg.max_half_open_per_peer)
		return 0;
	if (nt >= ctx->cfg.max_tunnels_per_peer)
		ctx->stats.refused_peer_tunnels++;
	else
		ctx->stats.refused_peer_half_open++;
	l2tpi_ctx_log_rl(ctx, now, RL_SHARE, L2TP_LOG_WARN,
	    "SCCRQ from peer %llu (peer tunnel %u) refused: it has %u tunnels (max_tunnels_per_peer %u), "
	    "%u half-open (max_half_open_per_peer %u)", (unsigned long long)peer, ptid, nt,
	    ctx->cfg.max_tunnels_per_peer, nh, ctx->cfg.max_half_open_per_peer);
	refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES,
	    "too many tunnels");
	return L2TP_E_LIMIT;
}

/* Validates an SCCRQ's AVPs; refuses it with StopCCN if they are wrong. */
static int
sccrq_check(struct l2tp_ctx *ctx, uint64_t peer, uint16_t ptid)
{
	if ((ctx->cfg.roles & L2TP_ROLE_LNS) == 0) {
		ctx->stats.rx_unsupported++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ refused: LNS role not enabled");
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "not an LNS");
		return L2TP_E_ROLE;
	}
	if (!AV(AVP_PROTO_VERSION).present || !AV(AVP_HOSTNAME).present ||
	    !AV(AVP_FRAMING_CAP).present) {
		ctx->stats.rx_missing_avp++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ from peer tunnel %u lacks %s", ptid,
		    !AV(AVP_PROTO_VERSION).present ? "Protocol Version" :
		    !AV(AVP_HOSTNAME).present ? "Host Name" : "Framing Capabilities");
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH,
		    "missing AVP");
		return L2TP_E_MISSING_AVP;
	}
	if (get16(AV(AVP_PROTO_VERSION).v) != 0x0100) {
		ctx->stats.rx_bad_avp++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ protocol version 0x%04x refused",
		    get16(AV(AVP_PROTO_VERSION).v));
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_BAD_VERSION, 0, NULL);
		return L2TP_E_BAD_AVP;
	}
	if (ctx->avs.unknown_mandatory >= 0) {
		/* RFC 2661 4.1: it would clear the tunnel; do not open it. */
		ctx->stats.rx_unknown_mandatory++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ from peer tunnel %u: unknown mandatory AVP 0x%x, refused",
		    ptid, (unsigned)ctx->avs.unknown_mandatory);
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_MANDATORY,
		    "unknown mandatory AVP");
		return L2TP_E_UNKNOWN_MANDATORY;
	}
	if (AV(AVP_CHALLENGE).present && ctx->cfg.secret_len == 0) {
		ctx->stats.rx_auth_failed++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ carries a Challenge but no secret is configured");
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "no secret");
		return L2TP_E_AUTH;
	}
	return 0;
}

/* SCCRQ with Tunnel ID 0 (RFC 2661 7.2.1, LNS side); body is the message
 * after the control header.  On L2TP_E_DUPLICATE the caller re-acks. */
int
l2tpi_handle_sccrq(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, uint16_t ns,
    const uint8_t *body, size_t blen)
{
	struct tunnel *t;
	uint16_t ptid;
	uint64_t digest = sccrq_digest(body, blen);
	size_t reserve;
	int rc;

	ctx->req_len = blen + CTRL_HDR_LEN;
	if (!AV(AVP_TUNNEL_ID).present || get16(AV(AVP_TUNNEL_ID).v) == 0) {
		ctx->stats.rx_missing_avp++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ without a non-zero Assigned Tunnel ID dropped");
		return L2TP_E_MISSING_AVP;
	}
	ptid = get16(AV(AVP_TUNNEL_ID).v);
	t = l2tpi_tunnel_find_peer(ctx, peer, ptid);
	if (t != NULL && (t->state == T_LINGER || t->state == T_CLOSING)) {
		/* The peer reuses the ID of a closed tunnel: a new request. The
		 * old one keeps lingering under our ID only. */
		l2tpi_tunnel_set_peer_id(ctx, t, UNHASH_ONLY);
		t = NULL;
	}
	if (t != NULL && sccrq_is_retransmission(ctx, t, now, digest)) {
		/* A retransmission maps to the tunnel it created; re-ack. */
		ctx->stats.rx_sccrq_retransmit++;
		l2tpi_ctx_log_rl(ctx, now, RL_UNVERIFIED, L2TP_LOG_INFO,
		    "retransmitted SCCRQ from peer %llu (peer tunnel %u) maps to tunnel %u",
		    (unsigned long long)peer, ptid, t->id);
		sccrq_answer_retransmission(ctx, t, now);
		return L2TP_E_DUPLICATE;
	}
	rc = sccrq_check(ctx, peer, ptid);
	if (rc != 0)
		return rc;
	if (t != NULL) {
		/* The peer started over (a client reconnecting through the same
		 * IPsec peer picks the same Tunnel ID): its old tunnel is dead.
		 * No StopCCN: it would reach the new tunnel under that ID. */
		ctx->stats.peer_restarts++;
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "new SCCRQ for peer tunnel %u: peer restarted, "
		    "tunnel %u (%s) dropped", ptid, t->id, l2tp_tunnel_state_name(t->state));
		l2tpi_tunnel_down(ctx, t, 0, 0, L2TP_E_PEER_RESTART);
		l2tpi_tunnel_free(ctx, t);
	}
	rc = tiebreak(ctx, peer);
	if (rc != 0)
		return rc;
	rc = sccrq_peer_share(ctx, now, peer, ptid);
	if (rc != 0)
		return rc;
	if (ctx->ntunnels >= ctx->cfg.max_tunnels || ctx->nhalf_open >= ctx->cfg.max_half_open) {
		ctx->stats.refused_limit++;
		l2tpi_ctx_log_rl(ctx, now, RL_LIMIT, L2TP_LOG_WARN,
		    "SCCRQ from peer %llu refused: %u tunnels (max %u), %u half-open (max %u)",
		    (unsigned long long)peer, ctx->ntunnels, ctx->cfg.max_tunnels, ctx->nhalf_open,
		    ctx->cfg.max_half_open);
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES,
		    "too many tunnels");
		return L2TP_E_LIMIT;
	}
	rc = l2tpi_tunnel_new(ctx, now, peer, &t);
	if (rc != 0)
		return rc;
	l2tpi_tunnel_set_peer_id(ctx, t, ptid);
	t->state = T_WAIT_CTL_CONN;
	t->nr = (uint16_t)(ns + 1);
	t->sccrq_digest = digest;
	t->ctl_rx++;
	read_tunnel_params(ctx, t);
	l2tpi_mb_init(&ctx->mb, MT_SCCRP);
	/* Room for the Challenge Response and our Challenge (6 + 16 each). */
	reserve = (AV(AVP_CHALLENGE).present ? 22u : 0u) + (ctx->cfg.secret_len > 0 ? 22u : 0u);
	sccrp_avps(ctx, t, ctx->req_len, reserve);
	answer_challenge(ctx, MT_SCCRP);
	send_challenge(ctx, t);
	rc = l2tpi_ctl_send(ctx, t, now, 0);
	if (rc != 0) {
		l2tpi_tunnel_free(ctx, t);
		return rc;
	}
	t->sccrp_sent = t->inflight > 0 ? 1 : 0;
	l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "SCCRQ: tunnel %u for peer tunnel %u, SCCRP sent", t->id, ptid);
	return 0;
}

int
l2tpi_handle_sccrp(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	int rc;

	if (t->state != T_WAIT_CTL_REPLY)
		return L2TP_E_STATE;
	if (!AV(AVP_TUNNEL_ID).present || get16(AV(AVP_TUNNEL_ID).v) == 0 ||
	    !AV(AVP_PROTO_VERSION).present) {
		ctx->stats.rx_missing_avp++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRP on tunnel %u lacks Assigned Tunnel ID or Protocol Version",
		    t->id);
		l2tpi_tunnel_stop(ctx, t, now, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH,
		    "missing AVP", L2TP_E_MISSING_AVP);
		return L2TP_E_MISSING_AVP;
	}
	l2tpi_tunnel_set_peer_id(ctx, t, get16(AV(AVP_TUNNEL_ID).v));
	read_tunnel_params(ctx, t);
	if (t->challenged) {
		rc = chal_verify(ctx, t, MT_SCCRP);
		if (rc == 0 && !AV(AVP_CHAL_RESP).present)
			rc = L2TP_E_AUTH;       /* we asked; the LNS must answer */
		if (rc != 0) {
			ctx->stats.rx_auth_failed++;
			l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRP on tunnel %u: bad Challenge Response", t->id);
			l2tpi_tunnel_stop(ctx, t, now, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "bad response", rc);
			return rc;
		}
	}
	if (AV(AVP_CHALLENGE).present && ctx->cfg.secret_len == 0) {
		ctx->stats.rx_auth_failed++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCRP on tunnel %u challenges us; no secret", t->id);
		l2tpi_tunnel_stop(ctx, t, now, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "no secret", L2TP_E_AUTH);
		return L2TP_E_AUTH;
	}
	l2tpi_mb_init(&ctx->mb, MT_SCCCN);
	answer_challenge(ctx, MT_SCCCN);
	rc = l2tpi_ctl_send(ctx, t, now, 0);
	if (rc != 0)
		return rc;
	tunnel_established(ctx, t, now);
	return 0;
}

int
l2tpi_handle_scccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	int rc;

	if (t->state != T_WAIT_CTL_CONN)
		return L2TP_E_STATE;
	if (t->challenged) {
		rc = chal_verify(ctx, t, MT_SCCCN);
		if (rc != 0) {
			ctx->stats.rx_auth_failed++;
			l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "SCCCN on tunnel %u: %s Challenge Response", t->id,
			    AV(AVP_CHAL_RESP).present ? "bad" : "no");
			l2tpi_tunnel_stop(ctx, t, now, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "bad response", rc);
			return rc;
		}
	}
	tunnel_established(ctx, t, now);
	return 0;
}

int
l2tpi_handle_stopccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	uint16_t result = 0, error = 0;

	if (AV(AVP_RESULT).present) {
		result = get16(AV(AVP_RESULT).v);
		if (AV(AVP_RESULT).len >= 4)
			error = get16(AV(AVP_RESULT).v + 2);
	}
	l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "StopCCN on tunnel %u: result %u (%s), error %u", t->id,
	    result, l2tp_result_str(true, result), error);
	if (t->state != T_CLOSING)
		l2tpi_tunnel_down(ctx, t, result, error, 0);
	/* Nothing of ours needs delivery any more (5.7). */
	l2tpi_ctl_drop_all(ctx, t);
	t->state = T_LINGER;
	t->linger_until = sat_add(now, sat_add(ctx->cfg.rtx_max_ns, ctx->cfg.rtx_max_ns));
	l2tpi_tunnel_timer_update(ctx, t);
	return 0;
}

/* ---- the caller's calls ---- */

int
l2tp_tunnel_open(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer_handle,
    uint16_t *tunnel_id)
{
	struct msg_builder *mb;
	struct tunnel *t;
	int rc;

	if (ctx == NULL || tunnel_id == NULL)
		return L2TP_E_INVAL;
	if ((ctx->cfg.roles & L2TP_ROLE_LAC) == 0)
		return L2TP_E_ROLE;
	if (ctx->ntunnels >= ctx->cfg.max_tunnels || ctx->nhalf_open >= ctx->cfg.max_half_open) {
		ctx->stats.refused_limit++;
		l2tpi_ctx_log_rl(ctx, now, RL_LIMIT, L2TP_LOG_WARN,
		    "tunnel open to peer %llu refused: %u tunnels (max %u), %u half-open (max %u)",
		    (unsigned long long)peer_handle, ctx->ntunnels, ctx->cfg.max_tunnels,
		    ctx->nhalf_open, ctx->cfg.max_half_open);
		return L2TP_E_LIMIT;
	}
	rc = l2tpi_tunnel_new(ctx, now, peer_handle, &t);
	if (rc != 0)
		return rc;
	l2tpi_half_open_ours(ctx, t);
	t->state = T_WAIT_CTL_REPLY;
	mb = &ctx->mb;
	l2tpi_mb_init(mb, MT_SCCRQ);
	if (l2tpi_ctx_rng(ctx, t->tiebreak, sizeof(t->tiebreak)) != 0)
		mb_fail(mb, L2TP_E_RNG);
	t->have_tiebreak = true;
	common_tunnel_avps(ctx, t);
	l2tpi_mb_avp(ctx, mb, false, AVP_TIE_BREAKER, t->tiebreak, 8, false);
	send_challenge(ctx, t);
	rc = l2tpi_ctl_send(ctx, t, now, 0);
	if (rc != 0) {
		l2tpi_tunnel_free(ctx, t);
		return rc;
	}
	*tunnel_id = t->id;
	return 0;
}

/* Closes one tunnel (l2tp_tunnel_close, l2tp_peer_close); frees it when the
 * StopCCN needs no delivery. */
static void
tunnel_close(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t result)
{
	l2tpi_tunnel_stop(ctx, t, now, result, 0, NULL, 0);
	if (t->state == T_CLOSING && t->txq == NULL)
		l2tpi_tunnel_free(ctx, t);
}

int
l2tp_tunnel_close(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t result)
{
	struct tunnel *t;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	t = tunnel_id != 0 ? l2tpi_tunnel_find(ctx, tunnel_id) : NULL;
	if (t == NULL)
		return L2TP_E_NOT_FOUND;
	if (t->state == T_CLOSING || t->state == T_LINGER)
		return 0;
	tunnel_close(ctx, t, now, result);
	return 0;
}

int
l2tp_peer_close(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer_handle,
    uint16_t result)
{
	struct tunnel *t, *next;
	int n = 0;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	for (t = l2tpi_tunnel_first_of_peer(ctx, peer_handle); t != NULL; t = next) {
		next = l2tpi_tunnel_next_of_peer(t);
		if (t->state == T_CLOSING || t->state == T_LINGER)
			continue;
		tunnel_close(ctx, t, now, result);
		n++;
	}
	if (n > 0)
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "peer %llu: %d tunnel(s) closed (StopCCN %u)",
		    (unsigned long long)peer_handle, n, result);
	return n;
}

int
l2tp_peer_drop(struct l2tp_ctx *ctx, uint64_t peer_handle)
{
	struct tunnel *t, *next;
	unsigned purged;
	int n = 0;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	for (t = l2tpi_tunnel_first_of_peer(ctx, peer_handle); t != NULL; t = next) {
		next = l2tpi_tunnel_next_of_peer(t);
		if (t->state != T_CLOSING && t->state != T_LINGER)
			l2tpi_tunnel_down(ctx, t, 0, 0, L2TP_E_PEER_GONE);
		l2tpi_tunnel_remove(ctx, t);
		ctx->stats.peer_drops++;
		n++;
	}
	purged = l2tpi_out_purge(ctx, peer_handle);
	if (n > 0 || purged > 0)
		l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "peer %llu gone: %d tunnel(s) removed, %u queued datagram(s) discarded",
		    (unsigned long long)peer_handle, n, purged);
	return n;
}
