/* ctx.c - context lifetime, hooks, the output and event queues, stats. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

void *
iki_ik_alloc(struct isakmp_ctx *ctx, size_t n)
{
	if (ctx->hooks.alloc != NULL)
		return ctx->hooks.alloc(ctx->hooks.user, n);
	return calloc(1, n);
}

void
iki_ik_free(struct isakmp_ctx *ctx, void *p)
{
	if (p == NULL)
		return;
	if (ctx->hooks.free != NULL)
		ctx->hooks.free(ctx->hooks.user, p);
	else
		free(p);
}

void
iki_ik_log(struct isakmp_ctx *ctx, int level, const char *fmt, ...)
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

int
iki_ik_rng(struct isakmp_ctx *ctx, void *buf, size_t len)
{
	return ctx->hooks.rng(ctx->hooks.user, buf, len) == 0 ? 0 : ISAKMP_E_RNG;
}

/* Fresh object ids: nonzero, never reused (a 64-bit counter does not wrap). */
uint64_t
iki_ik_new_id(struct isakmp_ctx *ctx)
{
	return ctx->next_id++;
}

int
isakmp_ctx_new(struct isakmp_ctx **out, const struct isakmp_config *cfg,
    const struct isakmp_hooks *hooks)
{
	struct isakmp_config defaults;
	struct isakmp_ctx *ctx;
	int rc;

	if (cfg == NULL) {
		memset(&defaults, 0, sizeof(defaults));
		defaults.size = sizeof(defaults);
		cfg = &defaults;
	}
	if (out == NULL || hooks == NULL || hooks->rng == NULL || cfg->size != sizeof(*cfg))
		return ISAKMP_E_INVAL;
	*out = NULL;
	ctx = hooks->alloc != NULL ? hooks->alloc(hooks->user, sizeof(*ctx)) :
	    calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return ISAKMP_E_NOMEM;
	ctx->hooks = *hooks;
	ctx->cfg = *cfg;
	if (ctx->cfg.max_ike_sas == 0)
		ctx->cfg.max_ike_sas = 32768;
	if (ctx->cfg.max_half_open == 0)
		ctx->cfg.max_half_open = 1024;
	if (ctx->cfg.max_peers == 0)
		ctx->cfg.max_peers = ctx->cfg.max_ike_sas;
	if (ctx->cfg.max_ipsec_sas == 0)
		ctx->cfg.max_ipsec_sas = ctx->cfg.max_peers > UINT32_MAX / 4 ? UINT32_MAX :
		    4 * ctx->cfg.max_peers;
	if (ctx->cfg.max_ipsec_per_peer == 0)
		ctx->cfg.max_ipsec_per_peer = 8;
	if (ctx->cfg.max_policies == 0)
		ctx->cfg.max_policies = 256;
	if (ctx->cfg.max_events == 0)
		ctx->cfg.max_events = 256;
	if (ctx->cfg.retransmit_ns == 0)
		ctx->cfg.retransmit_ns = 2 * NS;
	if (ctx->cfg.retransmit_max == 0)
		ctx->cfg.retransmit_max = 5;
	if (ctx->cfg.retransmit_max > 16)
		ctx->cfg.retransmit_max = 16;  /* the backoff shift stays sane */
	if (ctx->cfg.half_open_timeout_ns == 0)
		ctx->cfg.half_open_timeout_ns = 30 * NS;
	/* Anti-clogging and failure limits (issue #13); see isakmp.h. */
	if (ctx->cfg.max_half_open_per_ip == 0)
		ctx->cfg.max_half_open_per_ip = ctx->cfg.max_half_open / 4 ? ctx->cfg.max_half_open / 4 : 1;
	if (ctx->cfg.max_ike_sas_per_ip == 0)
		ctx->cfg.max_ike_sas_per_ip = ctx->cfg.max_ike_sas / 8 ? ctx->cfg.max_ike_sas / 8 : 1;
	if (ctx->cfg.cookie_threshold == 0)
		ctx->cfg.cookie_threshold = ctx->cfg.max_half_open / 4 ? ctx->cfg.max_half_open / 4 : 1;
	if (ctx->cfg.cookie_threshold_per_ip == 0)
		ctx->cfg.cookie_threshold_per_ip = ctx->cfg.max_half_open_per_ip / 4 ?
		    ctx->cfg.max_half_open_per_ip / 4 : 1;
	if (ctx->cfg.cookie_offers == 0)
		ctx->cfg.cookie_offers = 1024;
	if (ctx->cfg.cookie_offers > 4096)
		ctx->cfg.cookie_offers = 4096;   /* the slot is 12 bits of the cookie */
	ctx->cfg.cookie_offers = (ctx->cfg.cookie_offers + 3) / 4 * 4;
	if (ctx->cfg.cookie_secret_ns == 0)
		ctx->cfg.cookie_secret_ns = 30 * NS;
	if (ctx->cfg.auth_fail_burst_per_ip == 0)
		ctx->cfg.auth_fail_burst_per_ip = 5;
	if (ctx->cfg.auth_fail_interval_per_ip_ns == 0)
		ctx->cfg.auth_fail_interval_per_ip_ns = 12 * NS;
	if (ctx->cfg.auth_fail_burst_per_policy == 0)
		ctx->cfg.auth_fail_burst_per_policy = 100;
	if (ctx->cfg.auth_fail_interval_per_policy_ns == 0)
		ctx->cfg.auth_fail_interval_per_policy_ns = 100 * MS;
	if (ctx->cfg.auth_fail_sources == 0)
		ctx->cfg.auth_fail_sources = 4096;
	if (ctx->cfg.auth_fail_sources > (1u << 24))
		ctx->cfg.auth_fail_sources = 1u << 24;
	ctx->cfg.auth_fail_sources = (ctx->cfg.auth_fail_sources + 3) / 4 * 4;

	ctx->next_id = 1;
	rg_heap_init(&ctx->heap);
	if ((rc = iki_ik_rng(ctx, ctx->hkey, sizeof(ctx->hkey))) != 0)
		goto fail;
	ctx->events = iki_ik_alloc(ctx, ctx->cfg.max_events * sizeof(*ctx->events));
	if (ctx->events == NULL || iki_ht_init(ctx, &ctx->ike_cookie) != 0 ||
	    iki_ht_init(ctx, &ctx->ike_id) != 0 || iki_ht_init(ctx, &ctx->peer_id) != 0 ||
	    iki_ht_init(ctx, &ctx->peer_tuple) != 0 || iki_ht_init(ctx, &ctx->ipsec_id) != 0) {
		rc = ISAKMP_E_NOMEM;
		goto fail;
	}
	if ((rc = iki_guard_init(ctx)) != 0 || (rc = iki_ikc_init(ctx)) != 0)
		goto fail;
	*out = ctx;
	return 0;
fail:
	isakmp_ctx_free(ctx);
	return rc;
}

void
isakmp_ctx_free(struct isakmp_ctx *ctx)
{
	struct outpkt *o;

	if (ctx == NULL)
		return;
	/* No events: the caller is done with everything. */
	while (ctx->ipsecs.n > 0)
		iki_ipsec_destroy(ctx, ctx->ipsecs.v[ctx->ipsecs.n - 1]);
	while (ctx->ikes.n > 0)
		iki_sa_destroy(ctx, ctx->ikes.v[ctx->ikes.n - 1]);
	while (ctx->peers.n > 0)
		iki_peer_destroy(ctx, ctx->peers.v[ctx->peers.n - 1]);
	iki_pol_free_all(ctx);
	while ((o = ctx->out_head) != NULL) {
		ctx->out_head = o->next;
		iki_ik_free(ctx, o);
	}
	if (ctx->events != NULL) {
		sodium_memzero(ctx->events, ctx->cfg.max_events * sizeof(*ctx->events));
		iki_ik_free(ctx, ctx->events);
	}
	iki_ht_fini(ctx, &ctx->ike_cookie);
	iki_ht_fini(ctx, &ctx->ike_id);
	iki_ht_fini(ctx, &ctx->peer_id);
	iki_ht_fini(ctx, &ctx->peer_tuple);
	iki_ht_fini(ctx, &ctx->ipsec_id);
	iki_guard_fini(ctx);
	iki_vec_fini(ctx, &ctx->ikes);
	iki_vec_fini(ctx, &ctx->peers);
	iki_vec_fini(ctx, &ctx->ipsecs);
	rg_heap_fini(&ctx->heap, iki_heap_free_cb, ctx);
	iki_ikc_fini(ctx);
	sodium_memzero(ctx->hkey, sizeof(ctx->hkey));
	sodium_memzero(&ctx->cfg, sizeof(ctx->cfg));
	iki_ik_free(ctx, ctx);
}

static int
queue_raw(struct isakmp_ctx *ctx, const struct isakmp_addr *from, const struct isakmp_addr *to,
    const uint8_t *d, size_t len, size_t marker)
{
	struct outpkt *o;

	/* isakmp_next_output() promises ISAKMP_MAX_PACKET always suffices. */
	if (len > ISAKMP_MAX_PACKET - marker) {
		ctx->st.tx_oversize++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "datagram of %zu bytes (+%zu marker) exceeds %d, "
		    "not sent", len, marker, ISAKMP_MAX_PACKET);
		return ISAKMP_E_BUFFER;
	}
	if ((o = iki_ik_alloc(ctx, sizeof(*o) + len + marker)) == NULL)
		return ISAKMP_E_NOMEM;
	o->from = *from;
	o->to = *to;
	memset(o->data, 0, marker);
	memcpy(o->data + marker, d, len);
	o->len = len + marker;
	if (ctx->out_tail != NULL)
		ctx->out_tail->next = o;
	else
		ctx->out_head = o;
	ctx->out_tail = o;
	return 0;
}

/* Queues an IKE datagram; prepends the non-ESP marker when sent from port 4500. */
int
iki_out_queue(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to, const uint8_t *d, size_t len)
{
	return queue_raw(ctx, from, to, d, len, from->port == ISAKMP_NATT_PORT ? 4 : 0);
}

/* Queues a NAT-T keepalive (RFC 3948 2.3): one 0xff byte, no marker. */
int
iki_out_keepalive(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	static const uint8_t ka = 0xff;

	return queue_raw(ctx, from, to, &ka, 1, 0);
}

int
isakmp_next_output(struct isakmp_ctx *ctx, uint64_t now, uint8_t *buf, size_t cap,
    size_t *len, struct isakmp_addr *from, struct isakmp_addr *to)
{
	struct outpkt *o;

	(void)now;
	if (ctx == NULL || buf == NULL || len == NULL || from == NULL || to == NULL)
		return ISAKMP_E_INVAL;
	if ((o = ctx->out_head) == NULL)
		return ISAKMP_E_AGAIN;
	if (o->len > cap)
		return ISAKMP_E_BUFFER;
	memcpy(buf, o->data, o->len);
	*len = o->len;
	*from = o->from;
	*to = o->to;
	ctx->out_head = o->next;
	if (ctx->out_head == NULL)
		ctx->out_tail = NULL;
	ctx->st.tx_packets++;
	ctx->st.tx_bytes += o->len;
	iki_ik_free(ctx, o);
	return 0;
}

size_t
iki_ev_room(const struct isakmp_ctx *ctx)
{
	return ctx->cfg.max_events - ctx->ev_count;
}

void
iki_ev_push(struct isakmp_ctx *ctx, const struct isakmp_event *ev)
{
	if (ctx->ev_count == ctx->cfg.max_events) {
		ctx->st.events_dropped++;
		iki_ik_log(ctx, ISAKMP_LOG_ERROR, "event queue full (%u), event %s dropped",
		    ctx->cfg.max_events, isakmp_event_name(ev->type));
		return;
	}
	ctx->events[(ctx->ev_head + ctx->ev_count) % ctx->cfg.max_events] = *ev;
	ctx->ev_count++;
}

bool
isakmp_next_event(struct isakmp_ctx *ctx, struct isakmp_event *ev)
{
	struct isakmp_event *e;

	if (ctx == NULL || ev == NULL || ctx->ev_count == 0)
		return false;
	e = &ctx->events[ctx->ev_head];
	*ev = *e;
	sodium_memzero(e, sizeof(*e));
	ctx->ev_head = (ctx->ev_head + 1) % ctx->cfg.max_events;
	ctx->ev_count--;
	return true;
}

void
isakmp_event_wipe(struct isakmp_event *ev)
{
	if (ev != NULL)
		sodium_memzero(ev, sizeof(*ev));
}

void
isakmp_get_stats(const struct isakmp_ctx *ctx, struct isakmp_stats *out)
{
	if (ctx != NULL && out != NULL)
		*out = ctx->st;
}

/* rg_heap's allocator callbacks over the context's hooks. */
void *
iki_heap_alloc_cb(void *user, size_t n)
{
	return iki_ik_alloc(user, n);
}

void
iki_heap_free_cb(void *user, void *p)
{
	iki_ik_free(user, p);
}
