/*
 * ctx.c - the libl2tp context: configuration and its defaults, the hooks
 * (allocation, rng, logging), the event queue, the output queue and the
 * statistics.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "l2tp_int.h"

/* ---- hooks, logging ---- */

void *
l2tpi_ctx_alloc(struct l2tp_ctx *ctx, size_t n)
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

void
l2tpi_ctx_free_mem(struct l2tp_ctx *ctx, void *p)
{
	if (p == NULL)
		return;
	if (ctx->hooks.free != NULL)
		ctx->hooks.free(ctx->hooks.user, p);
	else
		free(p);
}

void
l2tpi_ctx_log(struct l2tp_ctx *ctx, int level, const char *fmt, ...)
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

void
l2tpi_ctx_log_rl(struct l2tp_ctx *ctx, uint64_t now, enum l2tpi_rl_kind kind, int level,
    const char *fmt, ...)
{
	struct l2tpi_rl *r = &ctx->rl[kind];
	char buf[256];
	size_t n;
	va_list ap;

	if (ctx->hooks.log == NULL)
		return;
	if (now < r->window || now - r->window >= 1000000000ull) {
		r->window = now;
		r->lines = 0;
	}
	if (r->lines >= ctx->cfg.log_lines_per_s) {
		r->suppressed++;
		ctx->stats.log_suppressed++;
		return;
	}
	r->lines++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (r->suppressed > 0) {
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, " (%llu similar line(s) suppressed)",
		    (unsigned long long)r->suppressed);
		r->suppressed = 0;
	}
	ctx->hooks.log(ctx->hooks.user, level, buf);
}

const uint8_t *
l2tpi_ctx_secret(const struct l2tp_ctx *ctx, size_t *len)
{
	*len = ctx->cfg.secret_len;
	return ctx->cfg.secret;
}

bool
l2tpi_ctx_hide(const struct l2tp_ctx *ctx)
{
	return ctx->cfg.hide_avps && ctx->cfg.secret_len > 0;
}

int
l2tpi_ctx_rng(struct l2tp_ctx *ctx, void *buf, size_t len)
{
	return ctx->hooks.rng(ctx->hooks.user, buf, len) == 0 ? 0 : L2TP_E_RNG;
}

/* Escapes a peer string for logs and info structs: printable ASCII as is,
 * everything else (and the backslash) as \xNN; truncated to fit cap. */
void
l2tpi_escape(char *out, size_t cap, const uint8_t *s, size_t n)
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

/* ---- events ---- */

struct l2tp_event *
l2tpi_ev_push(struct l2tp_ctx *ctx, enum l2tp_event_type type, const struct tunnel *t,
    const struct session *s)
{
	struct ev_slot *slot;

	if (ctx->ev_count >= ctx->cfg.max_events) {
		ctx->stats.queue_full++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "event queue full (%u), %s of tunnel %u dropped",
		    ctx->ev_count, l2tp_event_name(type), t->id);
		return NULL;
	}
	slot = &ctx->evq[(ctx->ev_head + ctx->ev_count) % ctx->cfg.max_events];
	ctx->ev_count++;
	memset(slot, 0, sizeof(*slot));
	slot->ev.type = type;
	slot->ev.tunnel_id = t->id;
	slot->ev.peer_handle = t->peer;
	slot->ev.tunnel_user = t->user;
	if (s != NULL) {
		slot->ev.session_id = s->id;
		slot->ev.session_user = s->user;
	}
	return &slot->ev;
}

/* Attaches library memory to a just-pushed event (freed, wiped, with it). */
void
l2tpi_ev_set_owned(struct l2tp_event *ev, uint8_t *buf, size_t len)
{
	struct ev_slot *slot = (struct ev_slot *)(void *)ev;

	slot->owned = buf;
	slot->owned_len = len;
}

static void
owned_free(struct l2tp_ctx *ctx, uint8_t *p, size_t len)
{
	if (p == NULL)
		return;
	/* Proxy Authen Response can be a PAP password. */
	sodium_memzero(p, len);
	l2tpi_ctx_free_mem(ctx, p);
}

bool
l2tp_next_event(struct l2tp_ctx *ctx, struct l2tp_event *ev)
{
	struct ev_slot *s;

	if (ctx == NULL || ev == NULL)
		return false;
	owned_free(ctx, ctx->ev_last_owned, ctx->ev_last_owned_len);
	ctx->ev_last_owned = NULL;
	ctx->ev_last_owned_len = 0;
	if (ctx->ev_count == 0)
		return false;
	s = &ctx->evq[ctx->ev_head];
	*ev = s->ev;
	ctx->ev_last_owned = s->owned;
	ctx->ev_last_owned_len = s->owned_len;
	s->owned = NULL;
	s->owned_len = 0;
	ctx->ev_head = (ctx->ev_head + 1) % ctx->cfg.max_events;
	ctx->ev_count--;
	return true;
}

static void
wipe_const(const uint8_t *p, size_t len)
{
	/* The bytes are the library's own writable buffer (see ev_set_owned);
	 * the const only keeps callers from writing through the event. */
	if (p != NULL && len > 0)
		sodium_memzero((void *)(uintptr_t)p, len);
}

void
l2tp_event_wipe(struct l2tp_event *ev)
{
	if (ev == NULL)
		return;
	if (ev->type == L2TP_EV_PROXY) {
		wipe_const(ev->proxy.init_rx_confreq, ev->proxy.init_rx_confreq_len);
		wipe_const(ev->proxy.last_tx_confreq, ev->proxy.last_tx_confreq_len);
		wipe_const(ev->proxy.last_rx_confreq, ev->proxy.last_rx_confreq_len);
		wipe_const(ev->proxy.authen_name, ev->proxy.authen_name_len);
		wipe_const(ev->proxy.authen_challenge, ev->proxy.authen_challenge_len);
		wipe_const(ev->proxy.authen_response, ev->proxy.authen_response_len);
	}
	sodium_memzero(ev, sizeof(*ev));
}

/* ---- output ---- */

int
l2tpi_out_push(struct l2tp_ctx *ctx, uint64_t peer, const uint8_t *d, size_t len)
{
	struct out_dgram *o;

	if (ctx->noutq >= ctx->cfg.max_output) {
		ctx->stats.queue_full++;
		return L2TP_E_QUEUE_FULL;
	}
	o = l2tpi_ctx_alloc(ctx, sizeof(*o) + len);
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

/* Discards every queued datagram for peer; returns how many. */
unsigned
l2tpi_out_purge(struct l2tp_ctx *ctx, uint64_t peer)
{
	struct out_dgram **pp = &ctx->outq, *o;
	unsigned n = 0;

	ctx->outq_tail = NULL;
	while ((o = *pp) != NULL) {
		if (o->peer == peer) {
			*pp = o->next;
			ctx->noutq--;
			l2tpi_ctx_free_mem(ctx, o);
			n++;
			continue;
		}
		ctx->outq_tail = o;
		pp = &o->next;
	}
	return n;
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
	l2tpi_ctx_free_mem(ctx, o);
	return 0;
}

/* ---- context ---- */

static void *
heap_alloc(void *user, size_t n)
{
	return l2tpi_ctx_alloc(user, n);
}

static void
heap_free(void *user, void *p)
{
	l2tpi_ctx_free_mem(user, p);
}

/* Applies the documented defaults; returns L2TP_E_INVAL for a bad value. */
static int
config_defaults(struct l2tp_config *c)
{
	if (c->secret_len > L2TP_MAX_SECRET ||
	    ((c->hide_avps || c->require_auth) && c->secret_len == 0) ||
	    c->max_sessions_per_tunnel > 65535 || c->max_tunnels > 65535)
		return L2TP_E_INVAL;
	if (c->roles == 0)
		c->roles = L2TP_ROLE_LNS;
	if (c->hostname[0] == '\0')
		memcpy(c->hostname, "roadgate", 9);
	c->hostname[L2TP_MAX_HOSTNAME - 1] = '\0';
	if (c->rws == 0)
		c->rws = 4;
	if (c->rtx_initial_ns == 0)
		c->rtx_initial_ns = 1000000000ull;
	if (c->rtx_max_ns == 0)
		c->rtx_max_ns = 8000000000ull;
	if (c->rtx_max_count == 0)
		c->rtx_max_count = 5;
	if (c->rtx_max_count > 32)
		c->rtx_max_count = 32;
	if (c->hello_interval_ns == 0)
		c->hello_interval_ns = 60000000000ull;
	if (c->max_tunnels == 0)
		c->max_tunnels = 1024;
	if (c->max_sessions_per_tunnel == 0)
		c->max_sessions_per_tunnel = 256;
	if (c->max_half_open == 0)
		c->max_half_open = 64;
	if (c->max_events == 0)
		c->max_events = 256;
	if (c->max_output == 0)
		c->max_output = 4096;
	if (c->session_setup_timeout_ns == 0)
		c->session_setup_timeout_ns = 30000000000ull;
	if (c->tunnel_setup_timeout_ns == 0)
		c->tunnel_setup_timeout_ns = 30000000000ull;
	if (c->max_tunnels_per_peer == 0)
		c->max_tunnels_per_peer = 8;
	if (c->max_half_open_per_peer == 0)
		c->max_half_open_per_peer = 4;
	if (c->max_sessions_per_peer == 0)
		c->max_sessions_per_peer = 64;
	if (c->sccrp_max_unverified == 0)
		c->sccrp_max_unverified = 3;
	if (c->sccrp_max_unverified > 255)
		c->sccrp_max_unverified = 255;
	if (c->log_lines_per_s == 0)
		c->log_lines_per_s = 10;
	return 0;
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
	if (hooks == NULL || hooks->rng == NULL ||
	    (cfg != NULL && cfg->size != sizeof(struct l2tp_config)))
		return L2TP_E_INVAL;
	if (cfg != NULL) {
		c = *cfg;
	} else {
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
	}
	rc = config_defaults(&c);
	if (rc != 0)
		goto out;
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
	rg_heap_init(&ctx->tun_timers);
	rg_heap_init(&ctx->sess_timers);
	ntun = l2tpi_tables_size(c.max_tunnels);
	nsess = l2tpi_tables_size((size_t)c.max_tunnels * c.max_sessions_per_tunnel);
	ctx->tun_mask = ntun - 1;
	ctx->sess_mask = nsess - 1;
	ctx->tun_by_id = l2tpi_ctx_alloc(ctx, ntun * sizeof(*ctx->tun_by_id));
	ctx->tun_by_peer = l2tpi_ctx_alloc(ctx, ntun * sizeof(*ctx->tun_by_peer));
	ctx->tun_by_hdl = l2tpi_ctx_alloc(ctx, ntun * sizeof(*ctx->tun_by_hdl));
	ctx->sess = l2tpi_ctx_alloc(ctx, nsess * sizeof(*ctx->sess));
	ctx->evq = l2tpi_ctx_alloc(ctx, c.max_events * sizeof(*ctx->evq));
	if (ctx->tun_by_id == NULL || ctx->tun_by_peer == NULL || ctx->tun_by_hdl == NULL ||
	    ctx->sess == NULL || ctx->evq == NULL) {
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
	struct tunnel *t;
	size_t i;

	if (ctx == NULL)
		return;
	if (ctx->tun_by_id != NULL) {
		for (i = 0; i <= ctx->tun_mask; i++) {
			while ((t = ctx->tun_by_id[i]) != NULL)
				l2tpi_tunnel_remove(ctx, t);
		}
	}
	while ((o = ctx->outq) != NULL) {
		ctx->outq = o->next;
		l2tpi_ctx_free_mem(ctx, o);
	}
	if (ctx->evq != NULL) {
		for (i = 0; i < ctx->cfg.max_events; i++)
			owned_free(ctx, ctx->evq[i].owned, ctx->evq[i].owned_len);
	}
	owned_free(ctx, ctx->ev_last_owned, ctx->ev_last_owned_len);
	rg_heap_fini(&ctx->tun_timers, heap_free, ctx);
	rg_heap_fini(&ctx->sess_timers, heap_free, ctx);
	l2tpi_ctx_free_mem(ctx, ctx->evq);
	l2tpi_ctx_free_mem(ctx, ctx->sess);
	l2tpi_ctx_free_mem(ctx, ctx->tun_by_hdl);
	l2tpi_ctx_free_mem(ctx, ctx->tun_by_peer);
	l2tpi_ctx_free_mem(ctx, ctx->tun_by_id);
	sodium_memzero(ctx->cfg.secret, sizeof(ctx->cfg.secret));
	sodium_memzero(&ctx->avs, sizeof(ctx->avs));
	sodium_memzero(&ctx->mb, sizeof(ctx->mb));
	l2tpi_ctx_free_mem(ctx, ctx);
}

/* Reserves a heap slot for a new tunnel or session (through the hooks). */
int
l2tpi_ctx_heap_reserve(struct l2tp_ctx *ctx, struct rg_heap *h)
{
	return rg_heap_reserve(h, heap_alloc, heap_free, ctx) == 0 ? 0 : L2TP_E_NOMEM;
}

void
l2tp_get_stats(const struct l2tp_ctx *ctx, struct l2tp_stats *st)
{
	if (ctx == NULL || st == NULL)
		return;
	*st = ctx->stats;
}
