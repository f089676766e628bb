/*
 * ctx.c - context lifetime, hooks, logging, the event queue and statistics.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/provider.h>
#include <sodium.h>

#include "esp_internal.h"

void *
espi_alloc(struct esp_ctx *ctx, size_t size)
{
	if (ctx->hooks.alloc != NULL)
		return ctx->hooks.alloc(ctx->hooks.user, size);
	return calloc(1, size);
}

void
espi_free(struct esp_ctx *ctx, void *p)
{
	if (p == NULL)
		return;
	if (ctx->hooks.free != NULL)
		ctx->hooks.free(ctx->hooks.user, p);
	else
		free(p);
}

bool
espi_log_on(const struct esp_ctx *ctx)
{
	return ctx->hooks.log != NULL;
}

void
espi_log(struct esp_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ctx->hooks.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->hooks.log(ctx->hooks.user, level, msg);
}

struct esp_event *
espi_event(struct esp_ctx *ctx, struct esp_sa *sa, enum esp_event_type type,
    enum esp_limit_kind limit)
{
	struct esp_event *ev;

	if (ctx->ev_count == ctx->cfg.max_events) {
		ctx->st.events_dropped++;
		espi_log(ctx, ESP_LOG_WARN,
		    "event queue full (%u): dropped %s event for SPI 0x%08x",
		    ctx->cfg.max_events, esp_event_name(type), sa->spi);
		return NULL;
	}
	ev = &ctx->events[(ctx->ev_head + ctx->ev_count) % ctx->cfg.max_events];
	ctx->ev_count++;
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->limit = limit;
	ev->sa = sa;
	ev->spi = sa->spi;
	ev->dir = sa->dir;
	ev->user = sa->user;
	return ev;
}

void
espi_events_forget(struct esp_ctx *ctx, const struct esp_sa *sa)
{
	uint32_t i;
	struct esp_event *ev;

	for (i = 0; i < ctx->ev_count; i++) {
		ev = &ctx->events[(ctx->ev_head + i) % ctx->cfg.max_events];
		if (ev->sa == sa)
			ev->sa = NULL;
	}
}

bool
esp_next_event(struct esp_ctx *ctx, struct esp_event *ev)
{
	if (ctx == NULL || ev == NULL || ctx->ev_count == 0)
		return false;
	*ev = ctx->events[ctx->ev_head];
	ctx->ev_head = (ctx->ev_head + 1) % ctx->cfg.max_events;
	ctx->ev_count--;
	return true;
}

int
esp_ctx_new(struct esp_ctx **out, const struct esp_config *cfg,
    const struct esp_hooks *hooks)
{
	struct esp_config c;
	struct esp_ctx *ctx;
	uint32_t nb;
	int rc;

	if (out == NULL || hooks == NULL || hooks->rng == NULL)
		return ESP_E_INVAL;
	*out = NULL;
	memset(&c, 0, sizeof(c));
	if (cfg != NULL) {
		if (cfg->size != sizeof(c))
			return ESP_E_INVAL;
		c = *cfg;
	}
	c.size = sizeof(c);
	if (c.max_sas == 0)
		c.max_sas = 1024;
	if (c.replay_window == 0)
		c.replay_window = ESP_REPLAY_WINDOW_MIN;
	if (c.max_events == 0)
		c.max_events = 256;
	if (c.rekey_margin == 0)
		c.rekey_margin = 1u << 24;
	if (c.replay_window < ESP_REPLAY_WINDOW_MIN ||
	    c.replay_window > ESP_REPLAY_WINDOW_MAX ||
	    c.max_sas > (1u << 24) || c.max_events > (1u << 20) ||
	    c.rekey_margin >= (1u << 31))
		return ESP_E_INVAL;
	if (sodium_init() < 0)
		return ESP_E_CRYPTO;

	if (hooks->alloc != NULL)
		ctx = hooks->alloc(hooks->user, sizeof(*ctx));
	else
		ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return ESP_E_NOMEM;
	ctx->hooks = *hooks;
	ctx->cfg = c;
	rg_heap_init(&ctx->timers);
	rc = ESP_E_NOMEM;
	for (nb = 16; nb < 2 * c.max_sas; nb <<= 1)
		;
	ctx->nbuckets = nb;
	ctx->buckets = espi_alloc(ctx, (size_t)nb * sizeof(*ctx->buckets));
	if (ctx->buckets == NULL)
		goto fail;
	ctx->all = espi_alloc(ctx, (size_t)c.max_sas * sizeof(*ctx->all));
	if (ctx->all == NULL)
		goto fail;
	ctx->events = espi_alloc(ctx, (size_t)c.max_events * sizeof(*ctx->events));
	if (ctx->events == NULL)
		goto fail;
	if (hooks->rng(hooks->user, &ctx->hash_key, sizeof(ctx->hash_key)) != 0) {
		rc = ESP_E_RNG;
		goto fail;
	}
	/* Our own OpenSSL library context: providers never leak into the process. */
	rc = ESP_E_CRYPTO;
	ctx->libctx = OSSL_LIB_CTX_new();
	if (ctx->libctx == NULL)
		goto fail;
	ctx->prov_default = OSSL_PROVIDER_load(ctx->libctx, "default");
	if (ctx->prov_default == NULL)
		goto fail;
	if (c.allow_des) {
		ctx->prov_legacy = OSSL_PROVIDER_load(ctx->libctx, "legacy");
		if (ctx->prov_legacy == NULL) {
			espi_log(ctx, ESP_LOG_ERROR,
			    "allow_des: OpenSSL legacy provider not available");
			goto fail;
		}
		espi_log(ctx, ESP_LOG_WARN, "SECURITY: single DES-CBC enabled "
		    "(56-bit keys, broken); legacy provider loaded");
	}
	ctx->hmac = EVP_MAC_fetch(ctx->libctx, "HMAC", NULL);
	if (ctx->hmac == NULL)
		goto fail;
	*out = ctx;
	return ESP_OK;
fail:
	esp_ctx_free(ctx);
	return rc;
}

static void
heap_free(void *user, void *p)
{
	espi_free(user, p);
}

void
esp_ctx_free(struct esp_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->all != NULL) {
		while (ctx->nall > 0)
			espi_sa_destroy(ctx, ctx->all[ctx->nall - 1]);
	}
	rg_heap_fini(&ctx->timers, heap_free, ctx);
	espi_free(ctx, ctx->buckets);
	espi_free(ctx, ctx->all);
	espi_free(ctx, ctx->events);
	EVP_MAC_free(ctx->hmac);
	if (ctx->prov_legacy != NULL)
		OSSL_PROVIDER_unload(ctx->prov_legacy);
	if (ctx->prov_default != NULL)
		OSSL_PROVIDER_unload(ctx->prov_default);
	OSSL_LIB_CTX_free(ctx->libctx);
	sodium_memzero(&ctx->hash_key, sizeof(ctx->hash_key));
	if (ctx->hooks.free != NULL)
		ctx->hooks.free(ctx->hooks.user, ctx);
	else
		free(ctx);
}

void
esp_get_stats(const struct esp_ctx *ctx, struct esp_stats *st)
{
	if (ctx == NULL || st == NULL)
		return;
	*st = ctx->st;
}
