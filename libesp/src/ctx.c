/*
 * ctx.c - context lifetime, hooks, logging, the event queue, timers,
 * statistics and error names.
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

void
espi_event(struct esp_ctx *ctx, const struct esp_sa *sa,
    enum esp_event_type type, enum esp_limit_kind limit)
{
	struct esp_event *ev;

	if (ctx->ev_count == ctx->cfg.max_events) {
		ctx->st.events_dropped++;
		espi_log(ctx, ESP_LOG_WARNING,
		    "event queue full (%u): dropped event %d for SPI 0x%08x",
		    ctx->cfg.max_events, (int)type, sa->spi);
		return;
	}
	ev = &ctx->events[(ctx->ev_head + ctx->ev_count) % ctx->cfg.max_events];
	ctx->ev_count++;
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->limit = limit;
	ev->spi = sa->spi;
	ev->dir = sa->dir;
	ev->user = sa->user;
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
		if (cfg->size < offsetof(struct esp_config, rekey_margin) +
		    sizeof(cfg->rekey_margin) || cfg->size > sizeof(c))
			return ESP_E_INVAL;
		memcpy(&c, cfg, sizeof(c));
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
	rc = ESP_E_NOMEM;
	for (nb = 16; nb < 2 * c.max_sas; nb <<= 1)
		;
	ctx->nbuckets = nb;
	ctx->buckets = espi_alloc(ctx, (size_t)nb * sizeof(*ctx->buckets));
	if (ctx->buckets == NULL)
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
		espi_log(ctx, ESP_LOG_WARNING, "SECURITY: single DES-CBC enabled "
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

void
esp_ctx_free(struct esp_ctx *ctx)
{
	uint32_t i;

	if (ctx == NULL)
		return;
	if (ctx->buckets != NULL) {
		for (i = 0; i < ctx->nbuckets; i++) {
			while (ctx->buckets[i] != NULL)
				esp_sa_delete(ctx, ctx->buckets[i]);
		}
	}
	espi_free(ctx, ctx->buckets);
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

uint64_t
esp_next_timeout(const struct esp_ctx *ctx)
{
	uint64_t t = UINT64_MAX;
	const struct esp_sa *sa;
	uint32_t i;

	if (ctx == NULL)
		return t;
	for (i = 0; i < ctx->nbuckets; i++) {
		for (sa = ctx->buckets[i]; sa != NULL; sa = sa->next) {
			if (sa->dead)
				continue;
			if (!sa->soft_sent && sa->soft_deadline < t)
				t = sa->soft_deadline;
			if (sa->hard_deadline < t)
				t = sa->hard_deadline;
		}
	}
	return t;
}

/* Raises due time events for one SA; returns how many. */
static int
sa_timers(struct esp_ctx *ctx, struct esp_sa *sa, uint64_t now)
{
	int n = 0;

	if (sa->dead)
		return 0;
	if (now >= sa->hard_deadline) {
		sa->dead = true;
		espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x: hard time lifetime reached",
		    sa->spi);
		espi_event(ctx, sa, ESP_EV_HARD_EXPIRE, ESP_LIMIT_TIME);
		return 1;
	}
	if (!sa->soft_sent && now >= sa->soft_deadline) {
		sa->soft_sent = true;
		espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x: soft time lifetime reached",
		    sa->spi);
		espi_event(ctx, sa, ESP_EV_SOFT_EXPIRE, ESP_LIMIT_TIME);
		n++;
	}
	return n;
}

int
esp_handle_timeout(struct esp_ctx *ctx, uint64_t now)
{
	struct esp_sa *sa;
	uint32_t i;
	int n = 0;

	if (ctx == NULL)
		return ESP_E_INVAL;
	for (i = 0; i < ctx->nbuckets; i++)
		for (sa = ctx->buckets[i]; sa != NULL; sa = sa->next)
			n += sa_timers(ctx, sa, now);
	return n;
}

const char *
esp_strerror(int err)
{
	switch (err) {
	case ESP_OK: return "success";
	case ESP_E_INVAL: return "invalid argument";
	case ESP_E_NOMEM: return "out of memory";
	case ESP_E_LIMIT: return "table limit reached";
	case ESP_E_EXISTS: return "SA already exists";
	case ESP_E_NO_SA: return "unknown SPI";
	case ESP_E_TRUNCATED: return "packet truncated";
	case ESP_E_BAD_LENGTH: return "length field inconsistent";
	case ESP_E_ALIGN: return "ciphertext not a multiple of the block size";
	case ESP_E_AUTH: return "ICV mismatch";
	case ESP_E_REPLAY: return "replayed sequence number";
	case ESP_E_TOO_OLD: return "sequence number left of the replay window";
	case ESP_E_BAD_PAD: return "bad padding";
	case ESP_E_BAD_NEXT_HDR: return "bad next header";
	case ESP_E_DUMMY: return "dummy packet";
	case ESP_E_NOSPACE: return "not enough buffer room";
	case ESP_E_SEQ_EXHAUSTED: return "sequence numbers exhausted";
	case ESP_E_EXPIRED: return "SA expired";
	case ESP_E_UNSUPPORTED: return "algorithm not supported or not allowed";
	case ESP_E_CRYPTO: return "crypto library failure";
	case ESP_E_RNG: return "random number generator failed";
	case ESP_E_WRONG_DIR: return "SA used in the wrong direction";
	case ESP_E_BAD_IP: return "malformed IPv4 packet";
	case ESP_E_NOT_ESP: return "not an ESP packet";
	case ESP_E_MODE: return "operation does not fit the SA mode";
	default: return "unknown error";
	}
}
