/*
 * tables.c - the tunnel and session tables: three tunnel hashes (by our
 * Tunnel ID; by (peer handle, peer's Tunnel ID) for new SCCRQs; by peer
 * handle for the peer-level calls and the tie-breaker), the session hash by
 * (Tunnel ID, Session ID), random unique IDs, user tags and enumeration.
 */
#include <string.h>

#include <sodium.h>

#include "l2tp_int.h"

/* Hash table sizes: a power of two >= n (at least 16, at most 65536). */
size_t
l2tpi_tables_size(size_t n)
{
	size_t p = 16;

	while (p < n && p < 65536)
		p <<= 1;
	return p;
}

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
hhash(uint64_t peer)
{
	return (size_t)((peer * 0x9e3779b97f4a7c15ull) >> 24);
}

static size_t
shash(uint16_t tid, uint16_t sid)
{
	uint32_t k = ((uint32_t)tid << 16) | sid;

	return (size_t)((k * 0x9e3779b1u) ^ (k >> 15));
}

struct tunnel *
l2tpi_tunnel_find(const struct l2tp_ctx *ctx, uint16_t id)
{
	struct tunnel *t;

	for (t = ctx->tun_by_id[thash(id) & ctx->tun_mask]; t != NULL; t = t->hnext)
		if (t->id == id)
			return t;
	return NULL;
}

struct tunnel *
l2tpi_tunnel_find_peer(const struct l2tp_ctx *ctx, uint64_t peer, uint16_t pid)
{
	struct tunnel *t;

	for (t = ctx->tun_by_peer[phash(peer, pid) & ctx->tun_mask]; t != NULL; t = t->pnext)
		if (t->peer == peer && t->peer_id == pid)
			return t;
	return NULL;
}

/* Iterates the tunnels of one peer handle (the chain also holds others). */
struct tunnel *
l2tpi_tunnel_first_of_peer(const struct l2tp_ctx *ctx, uint64_t peer)
{
	struct tunnel *t;

	for (t = ctx->tun_by_hdl[hhash(peer) & ctx->tun_mask]; t != NULL; t = t->hdlnext)
		if (t->peer == peer)
			return t;
	return NULL;
}

struct tunnel *
l2tpi_tunnel_next_of_peer(const struct tunnel *t)
{
	uint64_t peer = t->peer;

	for (t = t->hdlnext; t != NULL; t = t->hdlnext)
		if (t->peer == peer)
			return (struct tunnel *)(uintptr_t)t;
	return NULL;
}

void
l2tpi_tunnel_set_peer_id(struct l2tp_ctx *ctx, struct tunnel *t, uint32_t pid)
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

struct session *
l2tpi_session_find(const struct l2tp_ctx *ctx, uint16_t tid, uint16_t sid)
{
	struct session *s;

	for (s = ctx->sess[shash(tid, sid) & ctx->sess_mask]; s != NULL; s = s->hnext)
		if (s->id == sid && s->tid == tid)
			return s;
	return NULL;
}

/* Draws a random, non-zero, unique ID (tunnel IDs ctx-wide when tid is 0,
 * session IDs per tunnel); after many collisions falls back to a scan from
 * a random start so a nearly full table still terminates. */
static int
rand_id(struct l2tp_ctx *ctx, uint16_t *id, uint16_t tid)
{
	unsigned i;
	uint16_t v;

	for (i = 0; i < 65536 + 32; i++) {
		if (i < 32) {
			if (l2tpi_ctx_rng(ctx, &v, sizeof(v)) != 0)
				return L2TP_E_RNG;
		} else {
			v = (uint16_t)(*id + 1);
		}
		*id = v;
		if (v == 0)
			continue;
		if (tid == 0 ? l2tpi_tunnel_find(ctx, v) == NULL : l2tpi_session_find(ctx, tid, v) == NULL)
			return 0;
	}
	return L2TP_E_LIMIT;
}

/* Creates a half-open tunnel for peer (limits are the caller's to check). */
int
l2tpi_tunnel_new(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, struct tunnel **out)
{
	struct tunnel *t;
	struct tunnel **pp;
	int rc;

	*out = NULL;
	t = l2tpi_ctx_alloc(ctx, sizeof(*t));
	if (t == NULL)
		return L2TP_E_NOMEM;
	rc = rand_id(ctx, &t->id, 0);
	if (rc == 0)
		rc = l2tpi_ctx_heap_reserve(ctx, &ctx->tun_timers);
	if (rc != 0) {
		l2tpi_ctx_free_mem(ctx, t);
		return rc;
	}
	t->peer = peer;
	t->peer_rws = 4;
	t->nr_sent = 0xffff;
	t->last_rx = now;
	t->created = now;
	t->rtx_at = UINT64_MAX;
	t->timer.when = UINT64_MAX;
	pp = &ctx->tun_by_id[thash(t->id) & ctx->tun_mask];
	t->hnext = *pp;
	*pp = t;
	pp = &ctx->tun_by_hdl[hhash(peer) & ctx->tun_mask];
	t->hdlnext = *pp;
	if (*pp != NULL)
		(*pp)->hdlpprev = &t->hdlnext;
	t->hdlpprev = pp;
	*pp = t;
	ctx->ntunnels++;
	ctx->nhalf_open++;
	t->half_open = true;
	ctx->stats.tunnels_open++;
	*out = t;
	return 0;
}

int
l2tpi_session_new(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, struct session **out)
{
	struct session *s;
	struct session **pp;
	int rc;

	*out = NULL;
	s = l2tpi_ctx_alloc(ctx, sizeof(*s));
	if (s == NULL)
		return L2TP_E_NOMEM;
	s->t = t;
	s->tid = t->id;
	rc = rand_id(ctx, &s->id, t->id);
	if (rc == 0)
		rc = l2tpi_ctx_heap_reserve(ctx, &ctx->sess_timers);
	if (rc != 0) {
		l2tpi_ctx_free_mem(ctx, s);
		return rc;
	}
	s->created = now;
	s->timer.when = UINT64_MAX;
	pp = &ctx->sess[shash(t->id, s->id) & ctx->sess_mask];
	s->hnext = *pp;
	*pp = s;
	s->tnext = t->sessions;
	t->sessions = s;
	t->nsessions++;
	ctx->stats.sessions_open++;
	l2tpi_session_timer_start(ctx, s, now);
	*out = s;
	return 0;
}

/* Unlinks and frees a session without an event. */
void
l2tpi_session_remove(struct l2tp_ctx *ctx, struct session *s)
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
	rg_heap_release(&ctx->sess_timers, &s->timer);
	l2tpi_ctx_free_mem(ctx, s);
}

/* Marks a half-open tunnel of ours (l2tp_tunnel_open). */
void
l2tpi_half_open_ours(struct l2tp_ctx *ctx, struct tunnel *t)
{
	t->initiator = true;
	ctx->nhalf_open_ours++;
}

void
l2tpi_half_open_clear(struct l2tp_ctx *ctx, struct tunnel *t)
{
	if (t->half_open) {
		t->half_open = false;
		ctx->nhalf_open--;
		if (t->initiator)
			ctx->nhalf_open_ours--;
	}
}

/* Unlinks and frees a tunnel, its sessions and queues, without events. */
void
l2tpi_tunnel_remove(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct tunnel **pp;

	while (t->sessions != NULL)
		l2tpi_session_remove(ctx, t->sessions);
	l2tpi_ctl_drop_all(ctx, t);
	l2tpi_ooo_free_all(ctx, t);
	for (pp = &ctx->tun_by_id[thash(t->id) & ctx->tun_mask]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			break;
		}
	}
	*t->hdlpprev = t->hdlnext;
	if (t->hdlnext != NULL)
		t->hdlnext->hdlpprev = t->hdlpprev;
	l2tpi_tunnel_set_peer_id(ctx, t, UNHASH_ONLY);
	l2tpi_half_open_clear(ctx, t);
	rg_heap_release(&ctx->tun_timers, &t->timer);
	ctx->ntunnels--;
	ctx->stats.tunnels_open--;
	sodium_memzero(t->challenge, sizeof(t->challenge));
	l2tpi_ctx_free_mem(ctx, t);
}

void
l2tpi_peer_usage(const struct l2tp_ctx *ctx, uint64_t peer, unsigned *tunnels,
    unsigned *half_open, unsigned *sessions)
{
	const struct tunnel *t;

	*tunnels = *half_open = *sessions = 0;
	for (t = l2tpi_tunnel_first_of_peer(ctx, peer); t != NULL; t = l2tpi_tunnel_next_of_peer(t)) {
		(*tunnels)++;
		*half_open += t->half_open;
		*sessions += t->nsessions;
	}
}

/* Consistency check for the tests and the fuzz target: counters and
 * gauges match the tables, every tunnel is in its peer-handle chain with
 * a correct back link and findable by its ID, every session by its IDs.
 * Returns 0 or a negative count of mismatches. */
int
l2tpi_tables_check(const struct l2tp_ctx *ctx)
{
	const struct tunnel *t, *u;
	const struct session *s;
	unsigned nt = 0, nh = 0, nho = 0, ns, nst = 0;
	size_t b;
	int bad = 0;

	for (b = 0; b <= ctx->tun_mask; b++) {
		for (t = ctx->tun_by_id[b]; t != NULL; t = t->hnext) {
			nt++;
			nh += t->half_open;
			nho += t->half_open && t->initiator;
			if (l2tpi_tunnel_find(ctx, t->id) != t || *t->hdlpprev != t)
				bad--;
			for (u = l2tpi_tunnel_first_of_peer(ctx, t->peer); u != NULL && u != t;
			    u = l2tpi_tunnel_next_of_peer(u))
				;
			if (u != t)
				bad--;
			if (t->peer_hashed && l2tpi_tunnel_find_peer(ctx, t->peer, t->peer_id) == NULL)
				bad--;
			ns = 0;
			for (s = t->sessions; s != NULL; s = s->tnext) {
				ns++;
				if (s->t != t || s->tid != t->id || l2tpi_session_find(ctx, t->id, s->id) != s)
					bad--;
			}
			if (ns != t->nsessions)
				bad--;
			nst += ns;
		}
	}
	if (nt != ctx->ntunnels || nt != ctx->stats.tunnels_open || nh != ctx->nhalf_open ||
	    nho != ctx->nhalf_open_ours || nst != ctx->stats.sessions_open)
		bad--;
	return bad;
}

/* ---- user tags ---- */

int
l2tp_tunnel_set_user(struct l2tp_ctx *ctx, uint16_t tunnel_id, uint64_t user)
{
	struct tunnel *t;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	t = tunnel_id != 0 ? l2tpi_tunnel_find(ctx, tunnel_id) : NULL;
	if (t == NULL)
		return L2TP_E_NOT_FOUND;
	t->user = user;
	return 0;
}

int
l2tp_session_set_user(struct l2tp_ctx *ctx, uint16_t tunnel_id, uint16_t session_id,
    uint64_t user)
{
	struct session *s;

	if (ctx == NULL)
		return L2TP_E_INVAL;
	s = l2tpi_session_find(ctx, tunnel_id, session_id);
	if (s == NULL)
		return L2TP_E_NOT_FOUND;
	s->user = user;
	return 0;
}

/* ---- enumeration ---- */

static void
tunnel_info(const struct tunnel *t, struct l2tp_tunnel_info *info)
{
	const struct ctl_msg *m;
	unsigned queued = 0;

	memset(info, 0, sizeof(*info));
	info->tunnel_id = t->id;
	info->peer_tunnel_id = t->peer_id;
	info->peer_handle = t->peer;
	info->user = t->user;
	info->state = (enum l2tp_tunnel_state)t->state;
	info->initiator = t->initiator;
	info->authenticated = t->authenticated;
	l2tpi_escape(info->peer_host, sizeof(info->peer_host), t->host, t->host_len);
	info->n_sessions = t->nsessions;
	info->created_ns = t->created;
	info->up_ns = t->up_at;
	info->last_rx_ns = t->last_rx;
	info->ns = t->ns;
	info->nr = t->nr;
	info->peer_rws = t->peer_rws;
	info->unacked = t->inflight;
	for (m = t->txq; m != NULL; m = m->next)
		queued++;
	info->queued = (uint16_t)(queued - t->inflight);
	info->control_rx = t->ctl_rx;
	info->control_tx = t->ctl_tx;
	info->data_rx_packets = t->data_rx_packets;
	info->data_rx_bytes = t->data_rx_bytes;
	info->data_tx_packets = t->data_tx_packets;
	info->data_tx_bytes = t->data_tx_bytes;
}

/* The cursor is the next Tunnel ID to look at (0 and 1 both start). */
bool
l2tp_tunnel_next(const struct l2tp_ctx *ctx, uint64_t now, size_t *cursor,
    struct l2tp_tunnel_info *info)
{
	const struct tunnel *t;
	size_t id;

	(void)now;
	if (ctx == NULL || cursor == NULL || info == NULL)
		return false;
	for (id = *cursor == 0 ? 1 : *cursor; id <= 65535; id++) {
		t = l2tpi_tunnel_find(ctx, (uint16_t)id);
		if (t == NULL)
			continue;
		tunnel_info(t, info);
		*cursor = id + 1;
		return true;
	}
	*cursor = 65536;
	return false;
}

/* The cursor is (bucket << SHIFT) | index in the bucket's chain; the
 * session hash has at most 65536 buckets. */
#if SIZE_MAX > 0xffffffffu
#define CURSOR_SHIFT 32
#else
#define CURSOR_SHIFT 16
#endif

bool
l2tp_session_next(const struct l2tp_ctx *ctx, uint64_t now, size_t *cursor,
    struct l2tp_session_info *info)
{
	const struct session *s;
	size_t b, idx, i;

	(void)now;
	if (ctx == NULL || cursor == NULL || info == NULL)
		return false;
	b = *cursor >> CURSOR_SHIFT;
	idx = *cursor & (((size_t)1 << CURSOR_SHIFT) - 1);
	for (; b <= ctx->sess_mask; b++, idx = 0) {
		for (s = ctx->sess[b], i = 0; s != NULL && i < idx; s = s->hnext, i++)
			;
		if (s == NULL)
			continue;
		memset(info, 0, sizeof(*info));
		info->tunnel_id = s->tid;
		info->session_id = s->id;
		info->peer_session_id = s->peer_id;
		info->peer_handle = s->t->peer;
		info->tunnel_user = s->t->user;
		info->user = s->user;
		info->state = (enum l2tp_session_state)s->state;
		info->call_serial = s->serial;
		info->data_sequencing = s->seq;
		info->created_ns = s->created;
		info->up_ns = s->up_at;
		info->data_rx_packets = s->rx_packets;
		info->data_rx_bytes = s->rx_bytes;
		info->data_tx_packets = s->tx_packets;
		info->data_tx_bytes = s->tx_bytes;
		*cursor = (b << CURSOR_SHIFT) | (idx + 1);
		return true;
	}
	*cursor = SIZE_MAX;
	return false;
}
