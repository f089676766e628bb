/*
 * l2tp.c - the L2TPv2 context: tunnel and session tables, the reliable
 * control channel (RFC 2661 5.8), the control connection and call state
 * machines (RFC 2661 7), data messages, timers, events and stats.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "l2tp_int.h"

enum tunnel_state {
	T_WAIT_CTL_REPLY = 1,   /* LAC: SCCRQ sent */
	T_WAIT_CTL_CONN,        /* LNS: SCCRP sent */
	T_ESTABLISHED,
	T_CLOSING,              /* StopCCN sent, waiting for its ack */
	T_LINGER,               /* StopCCN received: re-ack retransmissions */
};

enum session_state {
	S_WAIT_TUNNEL = 1,      /* LAC: ICRQ waits for the tunnel */
	S_WAIT_REPLY,           /* LAC: ICRQ sent */
	S_WAIT_CONNECT,         /* LNS: ICRP sent */
	S_ESTABLISHED,
};

/* A control message in a tunnel's send queue (Ns assigned, Nr patched when
 * transmitted). */
struct ctl_msg {
	struct ctl_msg *next;
	uint16_t ns;
	uint16_t len;
	uint8_t type;
	uint8_t data[];
};

/* A received out-of-order control message. */
struct ooo_msg {
	struct ooo_msg *next;
	uint16_t ns;
	uint16_t len;
	uint8_t data[];
};

struct out_dgram {
	struct out_dgram *next;
	uint64_t peer;
	uint16_t len;
	uint8_t data[];
};

struct session {
	struct session *hnext;          /* ctx->sessions chain */
	struct session *tnext;          /* tunnel's list */
	struct tunnel *t;
	uint16_t id, peer_id;
	uint16_t dns, dnr;              /* data Ns to send / next expected */
	uint8_t state;
	bool seq;                       /* sequenced data */
};

struct tunnel {
	struct tunnel *hnext;           /* by our ID */
	struct tunnel *pnext;           /* by (peer handle, peer's ID) */
	struct tunnel *next, *prev;     /* all tunnels */
	struct session *sessions;
	struct ctl_msg *txq, *txq_tail; /* unacked + unsent, in Ns order */
	struct ooo_msg *ooo;
	uint64_t peer;
	uint64_t rtx_at, rtx_interval;
	uint64_t last_rx, linger_until;
	uint16_t id, peer_id;
	uint16_t ns, nr;                /* next Ns to assign; next Ns expected */
	uint16_t nr_sent;               /* last Nr transmitted */
	uint16_t peer_rws;
	uint16_t inflight;              /* messages of txq transmitted */
	uint16_t nsessions;
	uint8_t state;
	uint8_t rtx_count;
	bool initiator;
	bool challenged;
	bool have_tiebreak;
	bool half_open;                 /* counted in ctx->nhalf_open */
	bool peer_hashed;               /* in ctx->tun_by_peer */
	uint8_t challenge[16];
	uint8_t tiebreak[8];
};

struct ev_slot {
	struct l2tp_event ev;
	uint8_t *owned;
};

struct l2tp_ctx {
	struct l2tp_config cfg;
	struct l2tp_hooks hooks;
	struct l2tp_stats stats;
	struct tunnel **tun_by_id, **tun_by_peer;
	size_t tun_mask;
	struct session **sess;
	size_t sess_mask;
	struct tunnel *tunnels;
	unsigned ntunnels, nhalf_open;
	struct out_dgram *outq, *outq_tail;
	unsigned noutq;
	struct ev_slot *evq;
	unsigned ev_head, ev_count;
	uint8_t *ev_last_owned;
	uint32_t serial;
	struct avp_set avs;
	struct msg_builder mb;
};

static void tunnel_free(struct l2tp_ctx *, struct tunnel *);

/* Time arithmetic saturates at UINT64_MAX ("never"). */
static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ---- hooks, logging ---- */

static void *
ctx_alloc(struct l2tp_ctx *ctx, size_t n)
{
	void *p;

	if (ctx->hooks.alloc != NULL)
		p = ctx->hooks.alloc(ctx->hooks.user, n);
	else
		p = calloc(1, n);
	if (p == NULL)
		ctx->stats.nomem++;
	return p;
}

static void
ctx_free_mem(struct l2tp_ctx *ctx, void *p)
{
	if (p == NULL)
		return;
	if (ctx->hooks.free != NULL)
		ctx->hooks.free(ctx->hooks.user, p);
	else
		free(p);
}

void
ctx_log(struct l2tp_ctx *ctx, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (ctx->hooks.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->hooks.log(ctx->hooks.user, level, buf);
}

const uint8_t *
ctx_secret(const struct l2tp_ctx *ctx, size_t *len)
{
	*len = ctx->cfg.secret_len;
	return ctx->cfg.secret;
}

bool
ctx_hide(const struct l2tp_ctx *ctx)
{
	return ctx->cfg.hide_avps && ctx->cfg.secret_len > 0;
}

int
ctx_rng(struct l2tp_ctx *ctx, void *buf, size_t len)
{
	return ctx->hooks.rng(ctx->hooks.user, buf, len) == 0 ? 0 : L2TP_E_CRYPTO;
}

/* Escapes a peer string for logs. */
static void
escape(char *out, size_t cap, const uint8_t *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 5 < cap; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			out[o++] = (char)s[i];
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", s[i]);
	}
	out[o] = '\0';
}

const char *
l2tp_strerror(int err)
{
	switch (err) {
	case L2TP_OK: return "success";
	case L2TP_E_INVAL: return "invalid argument";
	case L2TP_E_NOMEM: return "out of memory";
	case L2TP_E_TRUNCATED: return "truncated header";
	case L2TP_E_BAD_LENGTH: return "length field beyond datagram";
	case L2TP_E_BAD_VERSION: return "unsupported version";
	case L2TP_E_BAD_HEADER: return "malformed header";
	case L2TP_E_AVP_LENGTH: return "invalid AVP length";
	case L2TP_E_HIDDEN: return "undecodable hidden AVP";
	case L2TP_E_MISSING_AVP: return "required AVP missing";
	case L2TP_E_BAD_AVP: return "malformed AVP value";
	case L2TP_E_UNKNOWN_MANDATORY: return "unknown mandatory AVP";
	case L2TP_E_NO_TUNNEL: return "no such tunnel";
	case L2TP_E_NO_SESSION: return "no such session";
	case L2TP_E_SEQUENCE: return "Ns outside receive window";
	case L2TP_E_DUPLICATE: return "duplicate message";
	case L2TP_E_AUTH: return "tunnel authentication failed";
	case L2TP_E_LIMIT: return "limit reached";
	case L2TP_E_STATE: return "message not valid in this state";
	case L2TP_E_UNSUPPORTED: return "unsupported request";
	case L2TP_E_QUEUE_FULL: return "queue full";
	case L2TP_E_AGAIN: return "nothing available";
	case L2TP_E_BUFFER: return "buffer too small";
	case L2TP_E_ROLE: return "not allowed in this role";
	case L2TP_E_CRYPTO: return "crypto or rng failure";
	case L2TP_E_TIEBREAK: return "lost tie-breaker";
	case L2TP_E_TIMEOUT: return "peer not responding";
	default: return "unknown error";
	}
}

const char *
l2tp_result_str(bool stopccn, uint16_t result)
{
	static const char *const stop[] = {
		"reserved", "general request to clear control connection",
		"general error", "control channel already exists",
		"requester is not authorized", "protocol version not supported",
		"requester is being shut down", "finite state machine error",
	};
	static const char *const cdn[] = {
		"reserved", "lost carrier", "general error", "administrative reason",
		"no temporary facilities", "no permanent facilities",
		"invalid destination", "no carrier", "busy", "no dial tone",
		"timeout", "no appropriate framing",
	};

	if (stopccn)
		return result < sizeof(stop) / sizeof(stop[0]) ? stop[result] : "unknown";
	return result < sizeof(cdn) / sizeof(cdn[0]) ? cdn[result] : "unknown";
}

/* ---- events ---- */

static struct l2tp_event *
ev_push(struct l2tp_ctx *ctx, enum l2tp_event_type type, const struct tunnel *t,
    uint16_t sid)
{
	struct ev_slot *s;

	if (ctx->ev_count >= ctx->cfg.max_events) {
		ctx->stats.queue_full++;
		ctx_log(ctx, L2TP_LOG_WARN, "event queue full (%u), event %d dropped",
		    ctx->ev_count, (int)type);
		return NULL;
	}
	s = &ctx->evq[(ctx->ev_head + ctx->ev_count) % ctx->cfg.max_events];
	ctx->ev_count++;
	memset(s, 0, sizeof(*s));
	s->ev.type = type;
	s->ev.tunnel_id = t->id;
	s->ev.session_id = sid;
	s->ev.peer_handle = t->peer;
	return &s->ev;
}

bool
l2tp_next_event(struct l2tp_ctx *ctx, struct l2tp_event *ev)
{
	struct ev_slot *s;

	ctx_free_mem(ctx, ctx->ev_last_owned);
	ctx->ev_last_owned = NULL;
	if (ctx->ev_count == 0)
		return false;
	s = &ctx->evq[ctx->ev_head];
	*ev = s->ev;
	ctx->ev_last_owned = s->owned;
	s->owned = NULL;
	ctx->ev_head = (ctx->ev_head + 1) % ctx->cfg.max_events;
	ctx->ev_count--;
	return true;
}

/* ---- tables ---- */

static size_t
thash(uint16_t id)
{
	return (size_t)id * 0x9e3779b1u;
}

static size_t
phash(uint64_t peer, uint16_t pid)
{
	uint64_t h = (peer ^ ((uint64_t)pid << 48) ^ pid) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20);
}

static size_t
shash(uint16_t tid, uint16_t sid)
{
	uint32_t k = ((uint32_t)tid << 16) | sid;

	return (size_t)((k * 0x9e3779b1u) ^ (k >> 15));
}

static struct tunnel *
tunnel_find(const struct l2tp_ctx *ctx, uint16_t id)
{
	struct tunnel *t;

	for (t = ctx->tun_by_id[thash(id) & ctx->tun_mask]; t != NULL; t = t->hnext)
		if (t->id == id)
			return t;
	return NULL;
}

static struct tunnel *
tunnel_find_peer(const struct l2tp_ctx *ctx, uint64_t peer, uint16_t pid)
{
	struct tunnel *t;

	for (t = ctx->tun_by_peer[phash(peer, pid) & ctx->tun_mask]; t != NULL; t = t->pnext)
		if (t->peer == peer && t->peer_id == pid)
			return t;
	return NULL;
}

/* Sets the peer's Tunnel ID and its hash entry; UNHASH_ONLY removes the
 * entry but keeps the ID (a closed tunnel lingering under our ID). */
#define UNHASH_ONLY 0x10000u

static void
tunnel_set_peer_id(struct l2tp_ctx *ctx, struct tunnel *t, uint32_t pid)
{
	struct tunnel **pp;

	if (t->peer_hashed) {
		t->peer_hashed = false;
		for (pp = &ctx->tun_by_peer[phash(t->peer, t->peer_id) & ctx->tun_mask];
		    *pp != NULL; pp = &(*pp)->pnext) {
			if (*pp == t) {
				*pp = t->pnext;
				break;
			}
		}
	}
	if (pid == UNHASH_ONLY)
		return;
	t->peer_id = (uint16_t)pid;
	t->pnext = NULL;
	if (pid != 0) {
		pp = &ctx->tun_by_peer[phash(t->peer, t->peer_id) & ctx->tun_mask];
		t->pnext = *pp;
		*pp = t;
		t->peer_hashed = true;
	}
}

static struct session *
session_find(const struct l2tp_ctx *ctx, uint16_t tid, uint16_t sid)
{
	struct session *s;

	for (s = ctx->sess[shash(tid, sid) & ctx->sess_mask]; s != NULL; s = s->hnext)
		if (s->id == sid && s->t->id == tid)
			return s;
	return NULL;
}

static int
rand_id(struct l2tp_ctx *ctx, uint16_t *id, uint16_t tid)
{
	unsigned i;
	uint16_t v;

	/* Random, non-zero and unique (tunnel IDs ctx-wide, session IDs per
	 * tunnel); after many collisions fall back to a scan from a random
	 * start so a nearly full table still terminates. */
	for (i = 0; i < 65536 + 32; i++) {
		if (i < 32) {
			if (ctx_rng(ctx, &v, sizeof(v)) != 0)
				return L2TP_E_CRYPTO;
		} else {
			v = (uint16_t)(*id + 1);
		}
		*id = v;
		if (v == 0)
			continue;
		if (tid == 0 ? tunnel_find(ctx, v) == NULL : session_find(ctx, tid, v) == NULL)
			return 0;
	}
	return L2TP_E_LIMIT;
}

static struct tunnel *
tunnel_new(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer)
{
	struct tunnel *t;
	struct tunnel **pp;

	if (ctx->ntunnels >= ctx->cfg.max_tunnels ||
	    ctx->nhalf_open >= ctx->cfg.max_half_open)
		return NULL;
	t = ctx_alloc(ctx, sizeof(*t));
	if (t == NULL)
		return NULL;
	if (rand_id(ctx, &t->id, 0) != 0) {
		ctx_free_mem(ctx, t);
		return NULL;
	}
	t->peer = peer;
	t->peer_rws = 4;
	t->nr_sent = 0xffff;
	t->last_rx = now;
	t->rtx_at = UINT64_MAX;
	pp = &ctx->tun_by_id[thash(t->id) & ctx->tun_mask];
	t->hnext = *pp;
	*pp = t;
	t->next = ctx->tunnels;
	if (ctx->tunnels != NULL)
		ctx->tunnels->prev = t;
	ctx->tunnels = t;
	ctx->ntunnels++;
	ctx->nhalf_open++;
	t->half_open = true;
	ctx->stats.tunnels_open++;
	return t;
}

static struct session *
session_new(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct session *s;
	struct session **pp;

	if (t->nsessions >= ctx->cfg.max_sessions_per_tunnel)
		return NULL;
	s = ctx_alloc(ctx, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->t = t;
	if (rand_id(ctx, &s->id, t->id) != 0) {
		ctx_free_mem(ctx, s);
		return NULL;
	}
	pp = &ctx->sess[shash(t->id, s->id) & ctx->sess_mask];
	s->hnext = *pp;
	*pp = s;
	s->tnext = t->sessions;
	t->sessions = s;
	t->nsessions++;
	ctx->stats.sessions_open++;
	return s;
}

/* Unlinks and frees a session without an event. */
static void
session_remove(struct l2tp_ctx *ctx, struct session *s)
{
	struct session **pp;
	struct tunnel *t = s->t;

	for (pp = &ctx->sess[shash(t->id, s->id) & ctx->sess_mask]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	}
	for (pp = &t->sessions; *pp != NULL; pp = &(*pp)->tnext) {
		if (*pp == s) {
			*pp = s->tnext;
			break;
		}
	}
	t->nsessions--;
	ctx->stats.sessions_open--;
	ctx_free_mem(ctx, s);
}

/* Removes a session and emits SESSION_DOWN with the reason. */
static void
session_free(struct l2tp_ctx *ctx, struct session *s, uint16_t result,
    uint16_t error, int reason)
{
	struct l2tp_event *ev;

	ctx->stats.sessions_down++;
	ev = ev_push(ctx, L2TP_EV_SESSION_DOWN, s->t, s->id);
	if (ev != NULL) {
		ev->result = result;
		ev->error = error;
		ev->reason = reason;
	}
	session_remove(ctx, s);
}

/* ---- output ---- */

static int
out_push(struct l2tp_ctx *ctx, uint64_t peer, const uint8_t *d, size_t len)
{
	struct out_dgram *o;

	if (ctx->noutq >= ctx->cfg.max_output) {
		ctx->stats.queue_full++;
		return L2TP_E_QUEUE_FULL;
	}
	o = ctx_alloc(ctx, sizeof(*o) + len);
	if (o == NULL)
		return L2TP_E_NOMEM;
	o->peer = peer;
	o->len = (uint16_t)len;
	memcpy(o->data, d, len);
	if (ctx->outq_tail != NULL)
		ctx->outq_tail->next = o;
	else
		ctx->outq = o;
	ctx->outq_tail = o;
	ctx->noutq++;
	ctx->stats.tx_packets++;
	return 0;
}

int
l2tp_next_output(struct l2tp_ctx *ctx, uint64_t now, uint8_t *buf, size_t cap,
    size_t *len, uint64_t *peer_handle)
{
	struct out_dgram *o;

	(void)now;
	if (ctx == NULL || buf == NULL || len == NULL || peer_handle == NULL)
		return L2TP_E_INVAL;
	o = ctx->outq;
	if (o == NULL)
		return L2TP_E_AGAIN;
	if (cap < o->len)
		return L2TP_E_BUFFER;
	memcpy(buf, o->data, o->len);
	*len = o->len;
	*peer_handle = o->peer;
	ctx->outq = o->next;
	if (ctx->outq == NULL)
		ctx->outq_tail = NULL;
	ctx->noutq--;
	ctx_free_mem(ctx, o);
	return 0;
}

/* Transmits a queued control message with the current Nr (5.8). */
static int
ctl_transmit(struct l2tp_ctx *ctx, struct tunnel *t, struct ctl_msg *m)
{
	put16(m->data + 2, m->len);
	put16(m->data + 4, t->peer_id);
	put16(m->data + 8, m->ns);
	put16(m->data + 10, t->nr);
	t->nr_sent = t->nr;
	ctx->stats.tx_control++;
	return out_push(ctx, t->peer, m->data, m->len);
}

/* Sends what the peer's window allows.  The retransmission timer runs
 * whenever messages are queued, also when none could be transmitted (output
 * queue full): the timer then retries them. */
static void
ctl_flush(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct ctl_msg *m = t->txq;
	unsigned i;

	for (i = 0; m != NULL && i < t->inflight; i++)
		m = m->next;
	while (m != NULL && t->inflight < t->peer_rws) {
		if (ctl_transmit(ctx, t, m) != 0)
			break;
		t->inflight++;
		m = m->next;
	}
	if (t->txq != NULL && t->rtx_at == UINT64_MAX) {
		t->rtx_interval = ctx->cfg.rtx_initial_ns;
		t->rtx_at = sat_add(now, t->rtx_interval);
	}
}

/* Queues the message in ctx->mb on tunnel t for reliable delivery; sid is
 * the peer's session ID for the header. */
static int
ctl_send(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	struct msg_builder *mb = &ctx->mb;
	struct ctl_msg *m;

	if (mb->overflow)
		return L2TP_E_NOMEM;
	m = ctx_alloc(ctx, sizeof(*m) + mb->len);
	if (m == NULL)
		return L2TP_E_NOMEM;
	memcpy(m->data, mb->buf, mb->len);
	m->len = (uint16_t)mb->len;
	m->ns = t->ns++;
	m->type = (uint8_t)get16(mb->buf + 18);
	put16(m->data + 6, sid);
	if (t->txq_tail != NULL)
		t->txq_tail->next = m;
	else
		t->txq = m;
	t->txq_tail = m;
	ctl_flush(ctx, t, now);
	return 0;
}

static void
send_zlb(struct l2tp_ctx *ctx, struct tunnel *t)
{
	uint8_t z[CTRL_HDR_LEN];

	put16(z, HDR_CTRL);
	put16(z + 2, CTRL_HDR_LEN);
	put16(z + 4, t->peer_id);
	put16(z + 6, 0);
	put16(z + 8, t->ns);
	put16(z + 10, t->nr);
	if (out_push(ctx, t->peer, z, sizeof(z)) == 0) {
		t->nr_sent = t->nr;
		ctx->stats.tx_zlb++;
	}
}

/* Processes the peer's Nr: frees acknowledged messages (5.8). */
static void
ctl_ack(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t nr, uint64_t now)
{
	struct ctl_msg *m;
	bool acked = false;

	/* Nr may only acknowledge what we transmitted. */
	if (t->txq == NULL || seq_lt((uint16_t)(t->txq->ns + t->inflight), nr))
		return;
	while ((m = t->txq) != NULL && t->inflight > 0 && seq_lt(m->ns, nr)) {
		t->txq = m->next;
		if (t->txq == NULL)
			t->txq_tail = NULL;
		t->inflight--;
		ctx_free_mem(ctx, m);
		acked = true;
	}
	if (acked) {
		t->rtx_count = 0;
		t->rtx_at = UINT64_MAX;
		ctl_flush(ctx, t, now);
		if (t->inflight > 0 && t->rtx_at == UINT64_MAX) {
			/* Partially acked: restart the timer for the rest. */
			t->rtx_interval = ctx->cfg.rtx_initial_ns;
			t->rtx_at = sat_add(now, t->rtx_interval);
		}
	}
}

/* ---- tunnel teardown ---- */

static void
half_open_clear(struct l2tp_ctx *ctx, struct tunnel *t)
{
	if (t->half_open) {
		t->half_open = false;
		ctx->nhalf_open--;
	}
}

static void
tunnel_unlink(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct tunnel **pp;

	for (pp = &ctx->tun_by_id[thash(t->id) & ctx->tun_mask]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			break;
		}
	}
	tunnel_set_peer_id(ctx, t, 0);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		ctx->tunnels = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
}

static void
tunnel_free(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct ctl_msg *m;
	struct ooo_msg *o;

	while (t->sessions != NULL)
		session_free(ctx, t->sessions, L2TP_CDN_LOST_CARRIER, 0, 0);
	while ((m = t->txq) != NULL) {
		t->txq = m->next;
		ctx_free_mem(ctx, m);
	}
	while ((o = t->ooo) != NULL) {
		t->ooo = o->next;
		ctx_free_mem(ctx, o);
	}
	tunnel_unlink(ctx, t);
	half_open_clear(ctx, t);
	ctx->ntunnels--;
	ctx->stats.tunnels_open--;
	sodium_memzero(t->challenge, sizeof(t->challenge));
	ctx_free_mem(ctx, t);
}

/* Announces the tunnel down and removes its sessions; the tunnel itself is
 * kept by the caller for lingering or freed. */
static void
tunnel_down(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t result,
    uint16_t error, int reason)
{
	struct l2tp_event *ev;

	while (t->sessions != NULL)
		session_free(ctx, t->sessions, L2TP_CDN_LOST_CARRIER, 0, reason);
	ev = ev_push(ctx, L2TP_EV_TUNNEL_DOWN, t, 0);
	if (ev != NULL) {
		ev->result = result;
		ev->error = error;
		ev->reason = reason;
	}
	ctx->stats.tunnels_down++;
	half_open_clear(ctx, t);
}

static void
result_avp(struct l2tp_ctx *ctx, uint16_t result, uint16_t error, const char *msg)
{
	uint8_t b[4 + 64];
	size_t n = msg != NULL ? strlen(msg) : 0;

	if (n > 64)
		n = 64;
	put16(b, result);
	put16(b + 2, error);
	if (n > 0)
		memcpy(b + 4, msg, n);
	mb_avp(ctx, &ctx->mb, true, AVP_RESULT, b, error != 0 || n > 0 ? 4 + n : 2, false);
}

/* Sends StopCCN (RFC 2661 5.7) and starts closing: sessions go down now,
 * the tunnel is freed when the StopCCN is acked or retransmissions end. */
static void
tunnel_stop(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now,
    uint16_t result, uint16_t error, const char *msg, int reason)
{
	if (t->state == T_CLOSING || t->state == T_LINGER)
		return;
	tunnel_down(ctx, t, result, error, reason);
	t->state = T_CLOSING;
	mb_init(&ctx->mb, MT_STOPCCN);
	mb_u16(ctx, &ctx->mb, true, AVP_TUNNEL_ID, t->id, false);
	result_avp(ctx, result, error, msg);
	/* Pending unsent messages are moot; drop those not yet transmitted. */
	if (t->txq != NULL) {
		struct ctl_msg *m = t->txq, *prev = NULL;
		unsigned i;

		for (i = 0; m != NULL && i < t->inflight; i++) {
			prev = m;
			m = m->next;
		}
		/* Their Ns were never sent: the StopCCN takes the first one,
		 * or the peer would wait for the gap forever (5.8). */
		if (m != NULL)
			t->ns = m->ns;
		while (m != NULL) {
			struct ctl_msg *n = m->next;

			ctx_free_mem(ctx, m);
			m = n;
		}
		if (prev != NULL)
			prev->next = NULL;
		else
			t->txq = NULL;
		t->txq_tail = prev;
	}
	if (ctl_send(ctx, t, now, 0) != 0) {
		/* Cannot even queue StopCCN: linger and let the peer time out. */
		t->state = T_LINGER;
		t->linger_until = sat_add(now, ctx->cfg.rtx_max_ns);
	}
}

/* One-shot StopCCN without a tunnel (refusals of SCCRQ). */
static void
refuse_sccrq(struct l2tp_ctx *ctx, uint64_t peer, uint16_t peer_tid,
    uint16_t result, uint16_t error, const char *msg)
{
	struct msg_builder *mb = &ctx->mb;

	mb_init(mb, MT_STOPCCN);
	mb_u16(ctx, mb, true, AVP_TUNNEL_ID, 0, false);
	result_avp(ctx, result, error, msg);
	if (mb->overflow)
		return;
	put16(mb->buf + 2, (uint16_t)mb->len);
	put16(mb->buf + 4, peer_tid);
	put16(mb->buf + 8, 0);
	put16(mb->buf + 10, 1);
	if (out_push(ctx, peer, mb->buf, mb->len) == 0)
		ctx->stats.tx_control++;
}

/* Sends CDN for s and frees it (RFC 2661 5.7). */
static void
session_cdn(struct l2tp_ctx *ctx, struct session *s, uint64_t now,
    uint16_t result, uint16_t error, int reason)
{
	struct tunnel *t = s->t;

	mb_init(&ctx->mb, MT_CDN);
	result_avp(ctx, result, error, NULL);
	mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, s->id, true);
	if (s->state != S_WAIT_TUNNEL)
		(void)ctl_send(ctx, t, now, s->peer_id);
	session_free(ctx, s, result, error, reason);
}

/* ---- context ---- */

static size_t
pow2_at_least(size_t n, size_t cap)
{
	size_t p = 16;

	while (p < n && p < cap)
		p <<= 1;
	return p;
}

int
l2tp_ctx_new(struct l2tp_ctx **out, const struct l2tp_config *cfg,
    const struct l2tp_hooks *hooks)
{
	struct l2tp_ctx *ctx;
	struct l2tp_config c;
	size_t ntun, nsess;
	int rc = L2TP_E_INVAL;

	if (out == NULL)
		return L2TP_E_INVAL;
	*out = NULL;
	if (cfg == NULL || hooks == NULL || hooks->rng == NULL ||
	    cfg->size < sizeof(struct l2tp_config))
		return L2TP_E_INVAL;
	c = *cfg;
	if (c.secret_len > L2TP_MAX_SECRET ||
	    ((c.hide_avps || c.require_auth) && c.secret_len == 0) ||
	    c.max_sessions_per_tunnel > 65535 || c.max_tunnels > 65535)
		goto out;
	if (c.roles == 0)
		c.roles = L2TP_ROLE_LNS;
	if (c.hostname[0] == '\0')
		memcpy(c.hostname, "roadgate", 9);
	c.hostname[L2TP_MAX_HOSTNAME - 1] = '\0';
	if (c.rws == 0)
		c.rws = 4;
	if (c.rtx_initial_ns == 0)
		c.rtx_initial_ns = 1000000000ull;
	if (c.rtx_max_ns == 0)
		c.rtx_max_ns = 8000000000ull;
	if (c.rtx_max_count == 0)
		c.rtx_max_count = 5;
	if (c.rtx_max_count > 32)
		c.rtx_max_count = 32;
	if (c.hello_interval_ns == 0)
		c.hello_interval_ns = 60000000000ull;
	if (c.max_tunnels == 0)
		c.max_tunnels = 1024;
	if (c.max_sessions_per_tunnel == 0)
		c.max_sessions_per_tunnel = 256;
	if (c.max_half_open == 0)
		c.max_half_open = 64;
	if (c.max_events == 0)
		c.max_events = 256;
	if (c.max_output == 0)
		c.max_output = 4096;
	rc = L2TP_E_CRYPTO;
	if (EVP_md5() == NULL)
		goto out;
	rc = L2TP_E_NOMEM;
	if (hooks->alloc != NULL)
		ctx = hooks->alloc(hooks->user, sizeof(*ctx));
	else
		ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		goto out;
	ctx->cfg = c;
	ctx->hooks = *hooks;
	ntun = pow2_at_least(c.max_tunnels, 65536);
	nsess = pow2_at_least((size_t)c.max_tunnels * c.max_sessions_per_tunnel, 65536);
	ctx->tun_mask = ntun - 1;
	ctx->sess_mask = nsess - 1;
	ctx->tun_by_id = ctx_alloc(ctx, ntun * sizeof(*ctx->tun_by_id));
	ctx->tun_by_peer = ctx_alloc(ctx, ntun * sizeof(*ctx->tun_by_peer));
	ctx->sess = ctx_alloc(ctx, nsess * sizeof(*ctx->sess));
	ctx->evq = ctx_alloc(ctx, c.max_events * sizeof(*ctx->evq));
	if (ctx->tun_by_id == NULL || ctx->tun_by_peer == NULL || ctx->sess == NULL ||
	    ctx->evq == NULL) {
		l2tp_ctx_free(ctx);
		goto out;
	}
	*out = ctx;
	rc = 0;
out:
	/* The local copy holds the secret. */
	sodium_memzero(&c, sizeof(c));
	return rc;
}

void
l2tp_ctx_free(struct l2tp_ctx *ctx)
{
	struct out_dgram *o;
	unsigned i;

	if (ctx == NULL)
		return;
	if (ctx->tun_by_id != NULL) {
		while (ctx->tunnels != NULL)
			tunnel_free(ctx, ctx->tunnels);
	}
	while ((o = ctx->outq) != NULL) {
		ctx->outq = o->next;
		ctx_free_mem(ctx, o);
	}
	if (ctx->evq != NULL) {
		for (i = 0; i < ctx->cfg.max_events; i++)
			ctx_free_mem(ctx, ctx->evq[i].owned);
	}
	ctx_free_mem(ctx, ctx->ev_last_owned);
	ctx_free_mem(ctx, ctx->evq);
	ctx_free_mem(ctx, ctx->sess);
	ctx_free_mem(ctx, ctx->tun_by_peer);
	ctx_free_mem(ctx, ctx->tun_by_id);
	sodium_memzero(ctx->cfg.secret, sizeof(ctx->cfg.secret));
	sodium_memzero(&ctx->avs, sizeof(ctx->avs));
	sodium_memzero(&ctx->mb, sizeof(ctx->mb));
	ctx_free_mem(ctx, ctx);
}

void
l2tp_get_stats(const struct l2tp_ctx *ctx, struct l2tp_stats *st)
{
	*st = ctx->stats;
}

/* ---- control message handlers (RFC 2661 5, 7) ---- */

#define AV(type) (ctx->avs.a[(type)])

static void
common_tunnel_avps(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct msg_builder *mb = &ctx->mb;

	mb_u16(ctx, mb, true, AVP_PROTO_VERSION, 0x0100, false);
	mb_u32(ctx, mb, true, AVP_FRAMING_CAP, 0x3, false);
	mb_u32(ctx, mb, false, AVP_BEARER_CAP, 0x3, false);
	mb_u16(ctx, mb, false, AVP_FIRMWARE, 0x0100, false);
	mb_avp(ctx, mb, true, AVP_HOSTNAME, ctx->cfg.hostname, strlen(ctx->cfg.hostname), false);
	mb_avp(ctx, mb, false, AVP_VENDOR, "roadgate", 8, false);
	mb_u16(ctx, mb, true, AVP_TUNNEL_ID, t->id, true);
	mb_u16(ctx, mb, true, AVP_RWS, ctx->cfg.rws, false);
}

/* Computes the Challenge Response of RFC 2661 4.4.3: MD5(ID + secret + chal)
 * where ID is the type of the message carrying the response. */
static int
chal_response(struct l2tp_ctx *ctx, uint8_t id, const uint8_t *chal, size_t len,
    uint8_t out[16])
{
	return md5_3(ctx, out, &id, 1, ctx->cfg.secret, ctx->cfg.secret_len, chal, len);
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
	sodium_memzero(want, sizeof(want));
	return rc;
}

static void
tunnel_established(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct session *s;
	char host[96];

	t->state = T_ESTABLISHED;
	half_open_clear(ctx, t);
	ctx->stats.tunnels_up++;
	(void)ev_push(ctx, L2TP_EV_TUNNEL_UP, t, 0);
	escape(host, sizeof(host), AV(AVP_HOSTNAME).v, AV(AVP_HOSTNAME).present ?
	    AV(AVP_HOSTNAME).len : 0);
	ctx_log(ctx, L2TP_LOG_INFO, "tunnel %u up (peer tunnel %u, peer host \"%s\")",
	    t->id, t->peer_id, host);
	/* Calls placed while the tunnel was being set up (LAC). */
	for (s = t->sessions; s != NULL; s = s->tnext) {
		if (s->state != S_WAIT_TUNNEL)
			continue;
		mb_init(&ctx->mb, MT_ICRQ);
		mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, s->id, true);
		mb_u32(ctx, &ctx->mb, true, AVP_SERIAL, ++ctx->serial, true);
		mb_u32(ctx, &ctx->mb, false, AVP_BEARER_TYPE, 0x2, false);
		if (ctl_send(ctx, t, now, 0) == 0)
			s->state = S_WAIT_REPLY;
	}
}

static void
read_tunnel_params(struct l2tp_ctx *ctx, struct tunnel *t)
{
	if (AV(AVP_RWS).present && get16(AV(AVP_RWS).v) > 0)
		t->peer_rws = get16(AV(AVP_RWS).v);
	if (t->peer_rws > 64)
		t->peer_rws = 64;
}

/* A tie-breaker comparison against our own outstanding SCCRQ to this peer
 * (RFC 2661 4.4.3): the lower value wins; equal values both lose; when only
 * one SCCRQ carries a Tie Breaker, that one wins. */
static int
tiebreak(struct l2tp_ctx *ctx, uint64_t peer)
{
	struct tunnel *t;
	int c;

	for (t = ctx->tunnels; t != NULL; t = t->next) {
		if (t->peer != peer || !t->initiator || t->state != T_WAIT_CTL_REPLY ||
		    !t->have_tiebreak)
			continue;
		/* Ours carries one; a peer's SCCRQ without one loses. */
		c = AV(AVP_TIE_BREAKER).present ? memcmp(t->tiebreak, AV(AVP_TIE_BREAKER).v, 8) : -1;
		if (c < 0) {
			ctx->stats.refused_tiebreak++;
			ctx_log(ctx, L2TP_LOG_INFO,
			    "SCCRQ from peer lost the tie-breaker against our tunnel %u%s", t->id,
			    AV(AVP_TIE_BREAKER).present ? "" : " (it has no Tie Breaker)");
			return L2TP_E_TIEBREAK;
		}
		ctx_log(ctx, L2TP_LOG_INFO, "our tunnel %u lost the tie-breaker%s", t->id,
		    c == 0 ? " (equal values: both dropped)" : "");
		tunnel_down(ctx, t, 0, 0, L2TP_E_TIEBREAK);
		tunnel_free(ctx, t);
		if (c == 0) {
			ctx->stats.refused_tiebreak++;
			return L2TP_E_TIEBREAK;
		}
		return 0;
	}
	return 0;
}

/* SCCRQ with Tunnel ID 0 (RFC 2661 7.2.1, LNS side). */
static int
handle_sccrq(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, uint16_t ns)
{
	struct msg_builder *mb = &ctx->mb;
	struct tunnel *t;
	uint16_t ptid;
	uint8_t resp[16];
	int rc;

	if (!AV(AVP_TUNNEL_ID).present || get16(AV(AVP_TUNNEL_ID).v) == 0) {
		ctx->stats.rx_missing_avp++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ without a non-zero Assigned Tunnel ID dropped");
		return L2TP_E_MISSING_AVP;
	}
	ptid = get16(AV(AVP_TUNNEL_ID).v);
	t = tunnel_find_peer(ctx, peer, ptid);
	if (t != NULL && (t->state == T_LINGER || t->state == T_CLOSING)) {
		/* The peer reuses the ID of a closed tunnel: a new request. The
		 * old one keeps lingering under our ID only. */
		tunnel_set_peer_id(ctx, t, UNHASH_ONLY);
		t = NULL;
	}
	if (t != NULL) {
		/* A retransmission maps to the tunnel it created; re-ack. */
		ctx->stats.rx_sccrq_retransmit++;
		ctx_log(ctx, L2TP_LOG_INFO, "retransmitted SCCRQ (peer tunnel %u) maps to tunnel %u",
		    ptid, t->id);
		return L2TP_E_DUPLICATE;
	}
	if ((ctx->cfg.roles & L2TP_ROLE_LNS) == 0) {
		ctx->stats.rx_unsupported++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ refused: LNS role not enabled");
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "not an LNS");
		return L2TP_E_ROLE;
	}
	if (!AV(AVP_PROTO_VERSION).present || !AV(AVP_HOSTNAME).present ||
	    !AV(AVP_FRAMING_CAP).present) {
		ctx->stats.rx_missing_avp++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ from peer tunnel %u lacks %s", ptid,
		    !AV(AVP_PROTO_VERSION).present ? "Protocol Version" :
		    !AV(AVP_HOSTNAME).present ? "Host Name" : "Framing Capabilities");
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH,
		    "missing AVP");
		return L2TP_E_MISSING_AVP;
	}
	if (get16(AV(AVP_PROTO_VERSION).v) != 0x0100) {
		ctx->stats.rx_bad_avp++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ protocol version 0x%04x refused",
		    get16(AV(AVP_PROTO_VERSION).v));
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_BAD_VERSION, 0, NULL);
		return L2TP_E_BAD_AVP;
	}
	if (ctx->avs.unknown_mandatory >= 0) {
		/* RFC 2661 4.1: it would clear the tunnel; do not open it. */
		ctx->stats.rx_unknown_mandatory++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ from peer tunnel %u: unknown mandatory AVP 0x%x, refused",
		    ptid, (unsigned)ctx->avs.unknown_mandatory);
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_MANDATORY,
		    "unknown mandatory AVP");
		return L2TP_E_UNKNOWN_MANDATORY;
	}
	if (AV(AVP_CHALLENGE).present && ctx->cfg.secret_len == 0) {
		ctx->stats.rx_auth_failed++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ carries a Challenge but no secret is configured");
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "no secret");
		return L2TP_E_AUTH;
	}
	rc = tiebreak(ctx, peer);
	if (rc != 0)
		return rc;
	if (ctx->ntunnels >= ctx->cfg.max_tunnels || ctx->nhalf_open >= ctx->cfg.max_half_open) {
		ctx->stats.refused_limit++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ refused: %u tunnels (max %u), %u half-open (max %u)",
		    ctx->ntunnels, ctx->cfg.max_tunnels, ctx->nhalf_open, ctx->cfg.max_half_open);
		refuse_sccrq(ctx, peer, ptid, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES,
		    "too many tunnels");
		return L2TP_E_LIMIT;
	}
	t = tunnel_new(ctx, now, peer);
	if (t == NULL)
		return L2TP_E_NOMEM;
	tunnel_set_peer_id(ctx, t, ptid);
	t->state = T_WAIT_CTL_CONN;
	t->nr = (uint16_t)(ns + 1);
	read_tunnel_params(ctx, t);
	mb_init(mb, MT_SCCRP);
	common_tunnel_avps(ctx, t);
	if (AV(AVP_CHALLENGE).present) {
		rc = chal_response(ctx, MT_SCCRP, AV(AVP_CHALLENGE).v, AV(AVP_CHALLENGE).len, resp);
		mb_avp(ctx, mb, true, AVP_CHAL_RESP, resp, 16, false);
		sodium_memzero(resp, sizeof(resp));
		if (rc != 0)
			mb->overflow = true;
	}
	if (ctx->cfg.secret_len > 0) {
		if (ctx_rng(ctx, t->challenge, sizeof(t->challenge)) != 0)
			mb->overflow = true;
		t->challenged = true;
		mb_avp(ctx, mb, true, AVP_CHALLENGE, t->challenge, sizeof(t->challenge), false);
	}
	rc = ctl_send(ctx, t, now, 0);
	if (rc != 0) {
		tunnel_free(ctx, t);
		return rc;
	}
	ctx_log(ctx, L2TP_LOG_INFO, "SCCRQ: tunnel %u for peer tunnel %u, SCCRP sent", t->id, ptid);
	return 0;
}

static int
handle_sccrp(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct msg_builder *mb = &ctx->mb;
	uint8_t resp[16];
	int rc;

	if (t->state != T_WAIT_CTL_REPLY)
		return L2TP_E_STATE;
	if (!AV(AVP_TUNNEL_ID).present || get16(AV(AVP_TUNNEL_ID).v) == 0 ||
	    !AV(AVP_PROTO_VERSION).present) {
		ctx->stats.rx_missing_avp++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRP on tunnel %u lacks Assigned Tunnel ID or Protocol Version",
		    t->id);
		tunnel_stop(ctx, t, now, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH,
		    "missing AVP", L2TP_E_MISSING_AVP);
		return L2TP_E_MISSING_AVP;
	}
	tunnel_set_peer_id(ctx, t, get16(AV(AVP_TUNNEL_ID).v));
	read_tunnel_params(ctx, t);
	if (t->challenged) {
		rc = chal_verify(ctx, t, MT_SCCRP);
		if (rc == 0 && !AV(AVP_CHAL_RESP).present)
			rc = L2TP_E_AUTH;       /* we asked; the LNS must answer */
		if (rc != 0) {
			ctx->stats.rx_auth_failed++;
			ctx_log(ctx, L2TP_LOG_WARN, "SCCRP on tunnel %u: bad Challenge Response", t->id);
			tunnel_stop(ctx, t, now, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "bad response", rc);
			return rc;
		}
	}
	if (AV(AVP_CHALLENGE).present && ctx->cfg.secret_len == 0) {
		ctx->stats.rx_auth_failed++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRP on tunnel %u challenges us; no secret", t->id);
		tunnel_stop(ctx, t, now, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "no secret", L2TP_E_AUTH);
		return L2TP_E_AUTH;
	}
	mb_init(mb, MT_SCCCN);
	if (AV(AVP_CHALLENGE).present) {
		rc = chal_response(ctx, MT_SCCCN, AV(AVP_CHALLENGE).v, AV(AVP_CHALLENGE).len, resp);
		mb_avp(ctx, mb, true, AVP_CHAL_RESP, resp, 16, false);
		sodium_memzero(resp, sizeof(resp));
		if (rc != 0)
			return rc;
	}
	rc = ctl_send(ctx, t, now, 0);
	if (rc != 0)
		return rc;
	tunnel_established(ctx, t, now);
	return 0;
}

static int
handle_scccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	int rc;

	if (t->state != T_WAIT_CTL_CONN)
		return L2TP_E_STATE;
	if (t->challenged) {
		rc = chal_verify(ctx, t, MT_SCCCN);
		if (rc != 0) {
			ctx->stats.rx_auth_failed++;
			ctx_log(ctx, L2TP_LOG_WARN, "SCCCN on tunnel %u: %s Challenge Response", t->id,
			    AV(AVP_CHAL_RESP).present ? "bad" : "no");
			tunnel_stop(ctx, t, now, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "bad response", rc);
			return rc;
		}
	}
	tunnel_established(ctx, t, now);
	return 0;
}

static int
handle_stopccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct ctl_msg *m;
	uint16_t result = 0, error = 0;

	if (AV(AVP_RESULT).present) {
		result = get16(AV(AVP_RESULT).v);
		if (AV(AVP_RESULT).len >= 4)
			error = get16(AV(AVP_RESULT).v + 2);
	}
	ctx_log(ctx, L2TP_LOG_INFO, "StopCCN on tunnel %u: result %u (%s), error %u", t->id,
	    result, l2tp_result_str(true, result), error);
	if (t->state != T_CLOSING)
		tunnel_down(ctx, t, result, error, 0);
	/* Nothing of ours needs delivery any more (5.7). */
	while ((m = t->txq) != NULL) {
		t->txq = m->next;
		ctx_free_mem(ctx, m);
	}
	t->txq_tail = NULL;
	t->inflight = 0;
	t->rtx_at = UINT64_MAX;
	t->state = T_LINGER;
	t->linger_until = sat_add(now, sat_add(ctx->cfg.rtx_max_ns, ctx->cfg.rtx_max_ns));
	return 0;
}

static int
handle_icrq(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct msg_builder *mb = &ctx->mb;
	struct session *s;
	uint16_t psid;

	if (!AV(AVP_SESSION_ID).present || get16(AV(AVP_SESSION_ID).v) == 0) {
		ctx->stats.rx_missing_avp++;
		ctx_log(ctx, L2TP_LOG_WARN, "ICRQ on tunnel %u without Assigned Session ID", t->id);
		return L2TP_E_MISSING_AVP;
	}
	psid = get16(AV(AVP_SESSION_ID).v);
	if ((ctx->cfg.roles & L2TP_ROLE_LNS) == 0 || t->state != T_ESTABLISHED) {
		ctx->stats.rx_state++;
		mb_init(mb, MT_CDN);
		result_avp(ctx, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NO_CONTROL, NULL);
		mb_u16(ctx, mb, true, AVP_SESSION_ID, 0, false);
		(void)ctl_send(ctx, t, now, psid);
		return L2TP_E_STATE;
	}
	s = t->nsessions < ctx->cfg.max_sessions_per_tunnel ? session_new(ctx, t) : NULL;
	if (s == NULL) {
		bool limit = t->nsessions >= ctx->cfg.max_sessions_per_tunnel;

		if (limit)
			ctx->stats.refused_limit++;
		ctx_log(ctx, L2TP_LOG_WARN, "ICRQ on tunnel %u refused: %u sessions (max %u)%s",
		    t->id, t->nsessions, ctx->cfg.max_sessions_per_tunnel, limit ? "" : ", no memory");
		mb_init(mb, MT_CDN);
		result_avp(ctx, L2TP_CDN_NO_RESOURCES, L2TP_ERR_NO_RESOURCES, NULL);
		mb_u16(ctx, mb, true, AVP_SESSION_ID, 0, false);
		(void)ctl_send(ctx, t, now, psid);
		return limit ? L2TP_E_LIMIT : L2TP_E_NOMEM;
	}
	s->peer_id = psid;
	s->state = S_WAIT_CONNECT;
	mb_init(mb, MT_ICRP);
	mb_u16(ctx, mb, true, AVP_SESSION_ID, s->id, true);
	if (ctl_send(ctx, t, now, psid) != 0) {
		session_remove(ctx, s);
		return L2TP_E_NOMEM;
	}
	return 0;
}

static void
session_up(struct l2tp_ctx *ctx, struct session *s)
{
	s->state = S_ESTABLISHED;
	ctx->stats.sessions_up++;
	(void)ev_push(ctx, L2TP_EV_SESSION_UP, s->t, s->id);
}

static struct session *
msg_session(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t sid, const char *what)
{
	struct session *s = sid != 0 ? session_find(ctx, t->id, sid) : NULL;

	if (s == NULL && AV(AVP_SESSION_ID).present) {
		/* Some peers put 0 in the header of CDN; match their ID. */
		uint16_t psid = get16(AV(AVP_SESSION_ID).v);

		for (s = t->sessions; s != NULL; s = s->tnext)
			if (psid != 0 && s->peer_id == psid && sid == 0)
				break;
	}
	if (s == NULL) {
		ctx->stats.rx_no_session++;
		ctx_log(ctx, L2TP_LOG_INFO, "%s for unknown session %u on tunnel %u", what, sid, t->id);
	}
	return s;
}

static int
handle_icrp(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	struct msg_builder *mb = &ctx->mb;
	struct session *s = msg_session(ctx, t, sid, "ICRP");

	if (s == NULL)
		return L2TP_E_NO_SESSION;
	if (s->state != S_WAIT_REPLY)
		return L2TP_E_STATE;
	if (!AV(AVP_SESSION_ID).present || get16(AV(AVP_SESSION_ID).v) == 0) {
		ctx->stats.rx_missing_avp++;
		ctx_log(ctx, L2TP_LOG_WARN, "ICRP for session %u without Assigned Session ID", s->id);
		session_cdn(ctx, s, now, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH,
		    L2TP_E_MISSING_AVP);
		return L2TP_E_MISSING_AVP;
	}
	s->peer_id = get16(AV(AVP_SESSION_ID).v);
	s->seq = ctx->cfg.data_sequencing;
	mb_init(mb, MT_ICCN);
	mb_u32(ctx, mb, true, AVP_TX_SPEED, 100000000, true);
	mb_u32(ctx, mb, true, AVP_FRAMING_TYPE, 0x1, true);
	if (s->seq)
		mb_avp(ctx, mb, true, AVP_SEQ_REQUIRED, NULL, 0, false);
	if (ctl_send(ctx, t, now, s->peer_id) != 0)
		return L2TP_E_NOMEM;
	session_up(ctx, s);
	return 0;
}

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
	buf = ctx_alloc(ctx, total + 1);
	if (buf == NULL)
		return;
	ev = ev_push(ctx, L2TP_EV_PROXY, s->t, s->id);
	if (ev == NULL) {
		ctx_free_mem(ctx, buf);
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
	((struct ev_slot *)(void *)ev)->owned = buf;
}

static int
handle_iccn(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t sid)
{
	struct session *s = msg_session(ctx, t, sid, "ICCN");

	if (s == NULL)
		return L2TP_E_NO_SESSION;
	if (s->state != S_WAIT_CONNECT)
		return L2TP_E_STATE;
	/* Cisco peers omit Framing Type and Tx Connect Speed: both optional
	 * here although RFC 2661 7.4.2 lists them as required. */
	if (!AV(AVP_FRAMING_TYPE).present || !AV(AVP_TX_SPEED).present)
		ctx_log(ctx, L2TP_LOG_DEBUG, "ICCN for session %u without %s (accepted)", s->id,
		    !AV(AVP_FRAMING_TYPE).present ? "Framing Type" : "Tx Connect Speed");
	s->seq = AV(AVP_SEQ_REQUIRED).present || ctx->cfg.data_sequencing;
	proxy_event(ctx, s);
	session_up(ctx, s);
	return 0;
}

static int
handle_cdn(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t sid)
{
	struct session *s = msg_session(ctx, t, sid, "CDN");
	uint16_t result = 0, error = 0;

	if (s == NULL)
		return L2TP_E_NO_SESSION;
	if (AV(AVP_RESULT).present) {
		result = get16(AV(AVP_RESULT).v);
		if (AV(AVP_RESULT).len >= 4)
			error = get16(AV(AVP_RESULT).v + 2);
	}
	ctx_log(ctx, L2TP_LOG_INFO, "CDN for session %u on tunnel %u: result %u (%s), error %u",
	    s->id, t->id, result, l2tp_result_str(false, result), error);
	session_free(ctx, s, result, error, 0);
	return 0;
}

/* OCRQ: outgoing calls are not offered; refuse with CDN (7.3). */
static int
refuse_ocrq(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	uint16_t psid = AV(AVP_SESSION_ID).present ? get16(AV(AVP_SESSION_ID).v) : 0;

	ctx->stats.rx_unsupported++;
	ctx_log(ctx, L2TP_LOG_INFO, "OCRQ on tunnel %u refused (outgoing calls unsupported)", t->id);
	if (psid != 0) {
		mb_init(&ctx->mb, MT_CDN);
		result_avp(ctx, L2TP_CDN_NOT_AVAILABLE, 0, "outgoing calls not supported");
		mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, 0, false);
		(void)ctl_send(ctx, t, now, psid);
	}
	return L2TP_E_UNSUPPORTED;
}

static bool
session_scoped(uint16_t mt)
{
	return mt == MT_ICRQ || mt == MT_ICRP || mt == MT_ICCN || mt == MT_CDN ||
	    mt == MT_WEN || mt == MT_SLI || mt == MT_OCRQ || mt == MT_OCRP || mt == MT_OCCN;
}

/* Runs one in-sequence control message (already parsed into ctx->avs). */
static int
dispatch(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	uint16_t mt = ctx->avs.msg_type;

	if (ctx->avs.unknown_mandatory >= 0) {
		/* RFC 2661 4.1: an unknown AVP with M set ends the session the
		 * message belongs to, or else the whole tunnel. */
		struct session *s = session_scoped(mt) && sid != 0 ?
		    session_find(ctx, t->id, sid) : NULL;

		uint16_t psid = AV(AVP_SESSION_ID).present ? get16(AV(AVP_SESSION_ID).v) : 0;

		ctx->stats.rx_unknown_mandatory++;
		if (s == NULL && (mt == MT_ICRQ || mt == MT_OCRQ) && psid != 0 &&
		    t->state == T_ESTABLISHED) {
			/* A call request belongs to the session it would open:
			 * refuse that call, not the tunnel's other sessions. */
			ctx_log(ctx, L2TP_LOG_WARN, "%s on tunnel %u: unknown mandatory AVP 0x%x, call refused",
			    msg_name(mt), t->id, (unsigned)ctx->avs.unknown_mandatory);
			mb_init(&ctx->mb, MT_CDN);
			result_avp(ctx, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_MANDATORY, NULL);
			mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, 0, false);
			(void)ctl_send(ctx, t, now, psid);
			return L2TP_E_UNKNOWN_MANDATORY;
		}
		ctx_log(ctx, L2TP_LOG_WARN, "%s on tunnel %u: unknown mandatory AVP 0x%x, tearing down %s",
		    msg_name(mt), t->id, (unsigned)ctx->avs.unknown_mandatory,
		    s != NULL ? "the session" : "the tunnel");
		if (s != NULL)
			session_cdn(ctx, s, now, L2TP_CDN_GENERAL_ERROR,
			    L2TP_ERR_UNKNOWN_MANDATORY, L2TP_E_UNKNOWN_MANDATORY);
		else
			tunnel_stop(ctx, t, now, L2TP_STOPCCN_GENERAL_ERROR,
			    L2TP_ERR_UNKNOWN_MANDATORY, "unknown mandatory AVP",
			    L2TP_E_UNKNOWN_MANDATORY);
		return L2TP_E_UNKNOWN_MANDATORY;
	}
	if (t->state == T_LINGER || (t->state == T_CLOSING && mt != MT_STOPCCN)) {
		ctx->stats.rx_state++;
		return L2TP_E_STATE;
	}
	switch (mt) {
	case MT_SCCRP:
		return handle_sccrp(ctx, t, now);
	case MT_SCCCN:
		return handle_scccn(ctx, t, now);
	case MT_STOPCCN:
		return handle_stopccn(ctx, t, now);
	case MT_HELLO:
		return 0;
	case MT_ICRQ:
		return handle_icrq(ctx, t, now);
	case MT_ICRP:
		return handle_icrp(ctx, t, now, sid);
	case MT_ICCN:
		return handle_iccn(ctx, t, sid);
	case MT_CDN:
		return handle_cdn(ctx, t, sid);
	case MT_WEN:
	case MT_SLI:
		/* Accepted: nothing to do for PPP over IPsec (7.x). */
		return msg_session(ctx, t, sid, msg_name(mt)) != NULL ? 0 : L2TP_E_NO_SESSION;
	case MT_OCRQ:
		return refuse_ocrq(ctx, t, now);
	case MT_SCCRQ:
		ctx->stats.rx_state++;
		ctx_log(ctx, L2TP_LOG_WARN, "SCCRQ on established tunnel %u ignored", t->id);
		return L2TP_E_STATE;
	default:
		ctx->stats.rx_unsupported++;
		if (ctx->avs.msg_type_mbit && mt != MT_OCRP && mt != MT_OCCN) {
			/* RFC 2661 3.2: an unknown message type with the M bit
			 * set MUST clear the tunnel. */
			ctx_log(ctx, L2TP_LOG_WARN, "unknown mandatory message type %u on tunnel %u: closing",
			    mt, t->id);
			tunnel_stop(ctx, t, now, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_VALUE,
			    "unknown message type", L2TP_E_UNSUPPORTED);
			return L2TP_E_UNSUPPORTED;
		}
		ctx_log(ctx, L2TP_LOG_INFO, "%s (type %u) on tunnel %u ignored", msg_name(mt), mt, t->id);
		return L2TP_E_UNSUPPORTED;
	}
}

static void
ooo_store(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t ns, const uint8_t *d,
    size_t len)
{
	struct ooo_msg *o, **pp;

	for (pp = &t->ooo; *pp != NULL && seq_lt((*pp)->ns, ns); pp = &(*pp)->next)
		;
	if (*pp != NULL && (*pp)->ns == ns)
		return;                 /* already queued */
	o = ctx_alloc(ctx, sizeof(*o) + len);
	if (o == NULL)
		return;
	o->ns = ns;
	o->len = (uint16_t)len;
	memcpy(o->data, d, len);
	o->next = *pp;
	*pp = o;
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
	ctx_log(ctx, L2TP_LOG_WARN, "control message for tunnel %u dropped: %s (%s)", tid,
	    l2tp_strerror(rc), why);
	return rc;
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
	if (len == CTRL_HDR_LEN) {
		/* ZLB: acknowledgement only (5.8). */
		ctx->stats.rx_zlb++;
		t = tid != 0 ? tunnel_find(ctx, tid) : NULL;
		if (t == NULL || t->peer != peer) {
			ctx->stats.rx_no_tunnel++;
			ctx_log(ctx, L2TP_LOG_INFO, "ZLB for unknown tunnel %u", tid);
			return L2TP_E_NO_TUNNEL;
		}
		t->last_rx = now;
		ctl_ack(ctx, t, nr, now);
		if (t->state == T_CLOSING && t->txq == NULL)
			tunnel_free(ctx, t);
		return 0;
	}
	rc = avp_parse(ctx, d + CTRL_HDR_LEN, len - CTRL_HDR_LEN, &ctx->avs, why, sizeof(why));
	if (rc != 0)
		return bad_msg(ctx, rc, why, tid);
	if (tid == 0 && ctx->avs.msg_type == MT_SCCRQ) {
		rc = handle_sccrq(ctx, now, peer, ns);
		if (rc == L2TP_E_DUPLICATE) {
			t = tunnel_find_peer(ctx, peer, get16(AV(AVP_TUNNEL_ID).v));
			send_zlb(ctx, t);
		}
		return rc;
	}
	t = tid != 0 ? tunnel_find(ctx, tid) : NULL;
	if (t != NULL && t->peer != peer)
		t = NULL;
	if (t == NULL && ctx->avs.msg_type == MT_STOPCCN && AV(AVP_TUNNEL_ID).present) {
		/* Windows has sent StopCCN with a wrong Tunnel ID in the header;
		 * its Assigned Tunnel ID AVP still names the tunnel. */
		t = tunnel_find_peer(ctx, peer, get16(AV(AVP_TUNNEL_ID).v));
		if (t != NULL)
			ctx_log(ctx, L2TP_LOG_INFO, "StopCCN with header tunnel %u matched tunnel %u by peer ID %u",
			    tid, t->id, t->peer_id);
	}
	if (t == NULL) {
		ctx->stats.rx_no_tunnel++;
		ctx_log(ctx, L2TP_LOG_WARN, "%s for %s tunnel %u dropped", msg_name(ctx->avs.msg_type),
		    tid == 0 ? "zero" : "unknown", tid);
		return L2TP_E_NO_TUNNEL;
	}
	id = t->id;
	ctl_ack(ctx, t, nr, now);
	if (ns != t->nr) {
		if (seq_lt(ns, t->nr)) {
			ctx->stats.rx_duplicate++;
			ctx_log(ctx, L2TP_LOG_DEBUG, "duplicate %s Ns %u on tunnel %u (expect %u): re-ack",
			    msg_name(ctx->avs.msg_type), ns, t->id, t->nr);
			send_zlb(ctx, t);
			return L2TP_E_DUPLICATE;
		}
		if ((uint16_t)(ns - t->nr) >= ctx->cfg.rws) {
			ctx->stats.rx_out_of_window++;
			ctx_log(ctx, L2TP_LOG_WARN, "%s Ns %u on tunnel %u outside window %u..%u",
			    msg_name(ctx->avs.msg_type), ns, t->id, t->nr,
			    (uint16_t)(t->nr + ctx->cfg.rws - 1));
			return L2TP_E_SEQUENCE;
		}
		ctx->stats.rx_out_of_order++;
		ooo_store(ctx, t, ns, d, len);
		return 0;
	}
	t->nr++;
	t->last_rx = now;
	rc = dispatch(ctx, t, now, sid);
	/* Deliver queued successors now in order (5.8). */
	while ((t = tunnel_find(ctx, id)) != NULL && (o = t->ooo) != NULL && o->ns == t->nr) {
		t->ooo = o->next;
		t->nr++;
		if (avp_parse(ctx, o->data + CTRL_HDR_LEN, o->len - CTRL_HDR_LEN, &ctx->avs,
		    why, sizeof(why)) == 0) {
			(void)dispatch(ctx, t, now, get16(o->data + 6));
		}
		ctx_free_mem(ctx, o);
	}
	t = tunnel_find(ctx, id);
	if (t != NULL) {
		/* Drop stale out-of-order entries now behind Nr. */
		while ((o = t->ooo) != NULL && seq_lt(o->ns, t->nr)) {
			t->ooo = o->next;
			ctx_free_mem(ctx, o);
		}
		if (t->nr_sent != t->nr)
			send_zlb(ctx, t);
		if (t->state == T_CLOSING && t->txq == NULL)
			tunnel_free(ctx, t);
	}
	return rc;
}

/* ---- data messages (RFC 2661 3.1) ---- */

static int
data_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, const uint8_t *d,
    size_t len)
{
	uint16_t flags = get16(d), tid, sid, ns = 0;
	size_t off = 2, end = len;
	struct tunnel *t;
	struct session *s;
	struct l2tp_event *ev;
	uint8_t *copy;

	ctx->stats.rx_data++;
	if ((flags & HDR_L) != 0) {
		if (len < off + 2)
			goto trunc;
		end = get16(d + off);
		off += 2;
		if (end > len || end < 6) {
			ctx->stats.rx_bad_length++;
			ctx_log(ctx, L2TP_LOG_WARN, "data message Length %zu, datagram %zu", end, len);
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
			ctx_log(ctx, L2TP_LOG_WARN, "data Offset Size %zu beyond %zu bytes", pad, end - off);
			return L2TP_E_BAD_LENGTH;
		}
		off += pad;
	}
	t = tid != 0 ? tunnel_find(ctx, tid) : NULL;
	if (t == NULL || t->peer != peer) {
		ctx->stats.rx_no_tunnel++;
		ctx_log(ctx, L2TP_LOG_INFO, "data for unknown tunnel %u", tid);
		return L2TP_E_NO_TUNNEL;
	}
	s = session_find(ctx, tid, sid);
	if (s == NULL) {
		ctx->stats.rx_no_session++;
		ctx_log(ctx, L2TP_LOG_INFO, "data for unknown session %u on tunnel %u", sid, tid);
		return L2TP_E_NO_SESSION;
	}
	if (s->state != S_ESTABLISHED || t->state != T_ESTABLISHED) {
		ctx->stats.rx_state++;
		ctx_log(ctx, L2TP_LOG_INFO, "data for session %u before it is established", sid);
		return L2TP_E_STATE;
	}
	if ((flags & HDR_S) != 0) {
		if (seq_lt(ns, s->dnr)) {
			ctx->stats.rx_duplicate++;
			ctx_log(ctx, L2TP_LOG_DEBUG, "data Ns %u on session %u behind %u: dropped",
			    ns, sid, s->dnr);
			return L2TP_E_DUPLICATE;
		}
		s->dnr = (uint16_t)(ns + 1);
	}
	t->last_rx = now;
	if (end == off)
		return 0;
	copy = ctx_alloc(ctx, end - off);
	if (copy == NULL)
		return L2TP_E_NOMEM;
	ev = ev_push(ctx, L2TP_EV_PPP, t, sid);
	if (ev == NULL) {
		ctx_free_mem(ctx, copy);
		return L2TP_E_QUEUE_FULL;
	}
	memcpy(copy, d + off, end - off);
	ev->data = copy;
	ev->len = end - off;
	((struct ev_slot *)(void *)ev)->owned = copy;
	return 0;
trunc:
	ctx->stats.rx_truncated++;
	ctx_log(ctx, L2TP_LOG_WARN, "data header truncated (flags 0x%04x, %zu bytes)", flags, len);
	return L2TP_E_TRUNCATED;
}

int
l2tp_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer_handle,
    const uint8_t *dgram, size_t len)
{
	uint16_t flags, clen;

	if (ctx == NULL || (dgram == NULL && len > 0))
		return L2TP_E_INVAL;
	ctx->stats.rx_packets++;
	if (len < 6) {
		ctx->stats.rx_truncated++;
		ctx_log(ctx, L2TP_LOG_WARN, "datagram of %zu bytes is shorter than any header", len);
		return L2TP_E_TRUNCATED;
	}
	flags = get16(dgram);
	if ((flags & HDR_VER_MASK) != 2) {
		ctx->stats.rx_bad_version++;
		ctx_log(ctx, L2TP_LOG_WARN, "version %u dropped", flags & HDR_VER_MASK);
		return L2TP_E_BAD_VERSION;
	}
	if ((flags & HDR_T) == 0)
		return data_input(ctx, now, peer_handle, dgram, len);
	/* Control: L and S MUST be set, O and P MUST be zero (3.1). */
	if ((flags & (HDR_L | HDR_S)) != (HDR_L | HDR_S) || (flags & (HDR_O | HDR_P)) != 0) {
		ctx->stats.rx_bad_header++;
		ctx_log(ctx, L2TP_LOG_WARN, "control message with flags 0x%04x dropped", flags);
		return L2TP_E_BAD_HEADER;
	}
	if (len < CTRL_HDR_LEN) {
		ctx->stats.rx_truncated++;
		ctx_log(ctx, L2TP_LOG_WARN, "control header truncated: %zu bytes", len);
		return L2TP_E_TRUNCATED;
	}
	clen = get16(dgram + 2);
	if (clen > len || clen < CTRL_HDR_LEN) {
		ctx->stats.rx_bad_length++;
		ctx_log(ctx, L2TP_LOG_WARN, "control Length %u, datagram %zu bytes", clen, len);
		return L2TP_E_BAD_LENGTH;
	}
	return control_input(ctx, now, peer_handle, dgram, clen);
}

/* ---- timers ---- */

static uint64_t
tunnel_deadline(const struct l2tp_ctx *ctx, const struct tunnel *t)
{
	uint64_t d = t->rtx_at;

	if (t->state == T_LINGER && t->linger_until < d)
		d = t->linger_until;
	if (t->state == T_ESTABLISHED && t->txq == NULL &&
	    ctx->cfg.hello_interval_ns != UINT64_MAX) {
		uint64_t h = sat_add(t->last_rx, ctx->cfg.hello_interval_ns);

		if (h < d)
			d = h;
	}
	return d;
}

uint64_t
l2tp_next_timeout(const struct l2tp_ctx *ctx)
{
	const struct tunnel *t;
	uint64_t d = UINT64_MAX, x;

	for (t = ctx->tunnels; t != NULL; t = t->next) {
		x = tunnel_deadline(ctx, t);
		if (x < d)
			d = x;
	}
	return d;
}

static void
retransmit(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct ctl_msg *m = t->txq;
	unsigned i;

	t->rtx_count++;
	if (t->rtx_count > ctx->cfg.rtx_max_count) {
		if (ctx->cfg.tolerate_missing_hello && t->state == T_ESTABLISHED &&
		    t->inflight == 1 && m->type == MT_HELLO) {
			/* Phones that never ack HELLO: give up on the HELLO only. */
			ctx_log(ctx, L2TP_LOG_INFO, "tunnel %u: HELLO never acked; tolerated", t->id);
			t->txq = m->next;
			if (t->txq == NULL)
				t->txq_tail = NULL;
			ctx_free_mem(ctx, m);
			t->inflight = 0;
			t->rtx_count = 0;
			t->rtx_at = UINT64_MAX;
			t->last_rx = now;
			ctl_flush(ctx, t, now);
			return;
		}
		ctx->stats.rtx_teardowns++;
		ctx_log(ctx, L2TP_LOG_WARN, "tunnel %u: %s unacknowledged after %u retransmissions",
		    t->id, msg_name(m->type), ctx->cfg.rtx_max_count);
		if (t->state != T_CLOSING)
			tunnel_down(ctx, t, 0, 0, L2TP_E_TIMEOUT);
		tunnel_free(ctx, t);
		return;
	}
	for (i = 0; m != NULL && i < t->inflight; i++, m = m->next) {
		if (ctl_transmit(ctx, t, m) == 0)
			ctx->stats.retransmits++;
	}
	/* Messages that could not be transmitted yet (output queue full). */
	ctl_flush(ctx, t, now);
	t->rtx_interval *= 2;
	if (t->rtx_interval > ctx->cfg.rtx_max_ns)
		t->rtx_interval = ctx->cfg.rtx_max_ns;
	t->rtx_at = sat_add(now, t->rtx_interval);
}

int
l2tp_handle_timeout(struct l2tp_ctx *ctx, uint64_t now)
{
	struct tunnel *t, *next;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	for (t = ctx->tunnels; t != NULL; t = next) {
		next = t->next;
		if (t->state == T_LINGER && now >= t->linger_until) {
			tunnel_free(ctx, t);
			continue;
		}
		if (t->txq != NULL && now >= t->rtx_at) {
			retransmit(ctx, t, now);
			continue;
		}
		if (t->state == T_ESTABLISHED && t->txq == NULL &&
		    ctx->cfg.hello_interval_ns != UINT64_MAX &&
		    now >= sat_add(t->last_rx, ctx->cfg.hello_interval_ns)) {
			mb_init(&ctx->mb, MT_HELLO);
			if (ctl_send(ctx, t, now, 0) == 0)
				ctx->stats.hellos_sent++;
		}
	}
	return 0;
}

/* ---- LAC and application API ---- */

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
		return L2TP_E_LIMIT;
	}
	t = tunnel_new(ctx, now, peer_handle);
	if (t == NULL)
		return L2TP_E_NOMEM;
	t->initiator = true;
	t->state = T_WAIT_CTL_REPLY;
	mb = &ctx->mb;
	rc = ctx_rng(ctx, t->tiebreak, sizeof(t->tiebreak));
	t->have_tiebreak = true;
	mb_init(mb, MT_SCCRQ);
	common_tunnel_avps(ctx, t);
	mb_avp(ctx, mb, false, AVP_TIE_BREAKER, t->tiebreak, 8, false);
	if (ctx->cfg.secret_len > 0) {
		if (ctx_rng(ctx, t->challenge, sizeof(t->challenge)) != 0)
			rc = L2TP_E_CRYPTO;
		t->challenged = true;
		mb_avp(ctx, mb, true, AVP_CHALLENGE, t->challenge, sizeof(t->challenge), false);
	}
	if (rc == 0)
		rc = ctl_send(ctx, t, now, 0);
	if (rc != 0) {
		tunnel_free(ctx, t);
		return rc;
	}
	*tunnel_id = t->id;
	return 0;
}

int
l2tp_session_open(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t *session_id)
{
	struct tunnel *t;
	struct session *s;

	if (ctx == NULL || session_id == NULL)
		return L2TP_E_INVAL;
	if ((ctx->cfg.roles & L2TP_ROLE_LAC) == 0)
		return L2TP_E_ROLE;
	t = tunnel_find(ctx, tunnel_id);
	if (t == NULL)
		return L2TP_E_NO_TUNNEL;
	if (t->state != T_ESTABLISHED && t->state != T_WAIT_CTL_REPLY)
		return L2TP_E_STATE;
	if (t->nsessions >= ctx->cfg.max_sessions_per_tunnel) {
		ctx->stats.refused_limit++;
		return L2TP_E_LIMIT;
	}
	s = session_new(ctx, t);
	if (s == NULL)
		return L2TP_E_NOMEM;
	s->state = S_WAIT_TUNNEL;
	if (t->state == T_ESTABLISHED) {
		mb_init(&ctx->mb, MT_ICRQ);
		mb_u16(ctx, &ctx->mb, true, AVP_SESSION_ID, s->id, true);
		mb_u32(ctx, &ctx->mb, true, AVP_SERIAL, ++ctx->serial, true);
		mb_u32(ctx, &ctx->mb, false, AVP_BEARER_TYPE, 0x2, false);
		if (ctl_send(ctx, t, now, 0) != 0) {
			session_remove(ctx, s);
			return L2TP_E_NOMEM;
		}
		s->state = S_WAIT_REPLY;
	}
	*session_id = s->id;
	return 0;
}

int
l2tp_session_send_ppp(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t session_id, const uint8_t *ppp, size_t len)
{
	uint8_t buf[L2TP_MAX_DGRAM];
	struct session *s;
	size_t h = 8;
	int rc;

	(void)now;
	if (ctx == NULL || ppp == NULL || len == 0 || len > L2TP_MAX_PPP)
		return L2TP_E_INVAL;
	if (tunnel_find(ctx, tunnel_id) == NULL)
		return L2TP_E_NO_TUNNEL;
	s = session_find(ctx, tunnel_id, session_id);
	if (s == NULL)
		return L2TP_E_NO_SESSION;
	if (s->state != S_ESTABLISHED || s->t->state != T_ESTABLISHED)
		return L2TP_E_STATE;
	put16(buf, (uint16_t)(HDR_L | (s->seq ? HDR_S : 0) | 2));
	put16(buf + 4, s->t->peer_id);
	put16(buf + 6, s->peer_id);
	if (s->seq) {
		put16(buf + 8, s->dns);
		put16(buf + 10, 0);
		h = 12;
	}
	put16(buf + 2, (uint16_t)(h + len));
	memcpy(buf + h, ppp, len);
	rc = out_push(ctx, s->t->peer, buf, h + len);
	if (rc == 0) {
		s->dns++;
		ctx->stats.tx_data++;
	}
	return rc;
}

int
l2tp_session_close(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t session_id, uint16_t result)
{
	struct session *s;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	if (tunnel_find(ctx, tunnel_id) == NULL)
		return L2TP_E_NO_TUNNEL;
	s = session_find(ctx, tunnel_id, session_id);
	if (s == NULL)
		return L2TP_E_NO_SESSION;
	session_cdn(ctx, s, now, result, 0, 0);
	return 0;
}

int
l2tp_tunnel_close(struct l2tp_ctx *ctx, uint64_t now, uint16_t tunnel_id,
    uint16_t result)
{
	struct tunnel *t;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	t = tunnel_find(ctx, tunnel_id);
	if (t == NULL)
		return L2TP_E_NO_TUNNEL;
	if (t->state == T_CLOSING || t->state == T_LINGER)
		return 0;
	tunnel_stop(ctx, t, now, result, 0, NULL, 0);
	if (t->state == T_CLOSING && t->txq == NULL)
		tunnel_free(ctx, t);
	return 0;
}
