/*
 * ctx.c - context life cycle, hooks, logging, counters and error names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/provider.h>
#include <sodium.h>

#include "ppp_int.h"

void *
ppp_zalloc(struct ppp_ctx *ctx, size_t n)
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
ppp_free(struct ppp_ctx *ctx, void *p)
{
	if (p == NULL)
		return;
	if (ctx->hooks.free != NULL)
		ctx->hooks.free(ctx->hooks.user, p);
	else
		free(p);
}

static void vlog(struct ppp_ctx *, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
vlog(struct ppp_ctx *ctx, int level, const char *fmt, va_list ap)
{
	char buf[400];

	if (ctx->hooks.log == NULL)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	ctx->hooks.log(ctx->hooks.user, level, buf);
}

void
ppp_log(struct ppp_ctx *ctx, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, level, fmt, ap);
	va_end(ap);
}

/* Counts a bad-input class, logs one line and returns its error code. */
int
ppp_bad(struct ppp_ctx *ctx, uint64_t *counter, int err, const char *fmt, ...)
{
	va_list ap;

	(*counter)++;
	va_start(ap, fmt);
	vlog(ctx, PPP_LOG_WARN, fmt, ap);
	va_end(ap);
	return err;
}

/* Escapes a peer-supplied string for a log line. */
void
ppp_escape(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t o = 0, i;

	if (cap == 0)
		return;
	for (i = 0; i < len && o + 5 < cap; i++) {
		if (src[i] >= 0x20 && src[i] < 0x7f && src[i] != '\\')
			dst[o++] = (char)src[i];
		else
			o += (size_t)snprintf(dst + o, cap - o, "\\x%02x",
			    src[i]);
	}
	dst[o] = '\0';
}

int
ppp_random(struct ppp_ctx *ctx, void *buf, size_t len)
{
	return ctx->hooks.rng(ctx->hooks.user, buf, len) == 0 ? 0 :
	    PPP_E_CRYPTO;
}

const char *
ppp_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case PPP_E_INVAL: return "invalid argument";
	case PPP_E_NOMEM: return "out of memory";
	case PPP_E_TRUNCATED: return "truncated frame";
	case PPP_E_BAD_LENGTH: return "bad length field";
	case PPP_E_BAD_OPTION: return "malformed option";
	case PPP_E_DUP_OPTION: return "duplicated option";
	case PPP_E_BAD_ID: return "identifier mismatch";
	case PPP_E_UNKNOWN_PROTO: return "unknown protocol";
	case PPP_E_UNKNOWN_CODE: return "unknown code";
	case PPP_E_BAD_MESSAGE: return "malformed authentication message";
	case PPP_E_NAME_TOO_LONG: return "name or value too long";
	case PPP_E_BAD_RESPONSE: return "response of the wrong size";
	case PPP_E_DUPLICATE: return "duplicate message";
	case PPP_E_LATE: return "message in the wrong phase";
	case PPP_E_NOT_CONVERGED: return "negotiation did not converge";
	case PPP_E_RATE_LIMITED: return "rate limited";
	case PPP_E_LOOPBACK: return "looped-back link";
	case PPP_E_QUEUE_FULL: return "queue full";
	case PPP_E_TOO_BIG: return "larger than MRU";
	case PPP_E_STATE: return "wrong state";
	case PPP_E_AUTH: return "authentication failed";
	case PPP_E_CRYPTO: return "crypto failure";
	case PPP_E_BUFFER: return "buffer too small";
	case PPP_E_BAD_FRAME: return "bad frame header";
	}
	return "unknown";
}

static void
crypto_free(struct ppp_ctx *ctx)
{
	EVP_MD_CTX_free(ctx->mdctx);
	EVP_CIPHER_CTX_free(ctx->cctx);
	EVP_MD_free(ctx->md5);
	EVP_MD_free(ctx->sha1);
	EVP_MD_free(ctx->md4);
	EVP_CIPHER_free(ctx->des);
	if (ctx->prov_legacy != NULL)
		OSSL_PROVIDER_unload(ctx->prov_legacy);
	if (ctx->prov_default != NULL)
		OSSL_PROVIDER_unload(ctx->prov_default);
	OSSL_LIB_CTX_free(ctx->libctx);
}

static bool
wants_mschap(const struct ppp_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_auth; i++)
		if (cfg->auth[i] == PPP_AUTH_MSCHAPV2)
			return true;
	return false;
}

static int
crypto_init(struct ppp_ctx *ctx)
{
	if ((ctx->libctx = OSSL_LIB_CTX_new()) == NULL)
		return PPP_E_CRYPTO;
	ctx->prov_default = OSSL_PROVIDER_load(ctx->libctx, "default");
	if (ctx->prov_default == NULL)
		return PPP_E_CRYPTO;
	ctx->md5 = EVP_MD_fetch(ctx->libctx, "MD5", NULL);
	ctx->sha1 = EVP_MD_fetch(ctx->libctx, "SHA1", NULL);
	ctx->mdctx = EVP_MD_CTX_new();
	ctx->cctx = EVP_CIPHER_CTX_new();
	if (ctx->md5 == NULL || ctx->sha1 == NULL || ctx->mdctx == NULL ||
	    ctx->cctx == NULL)
		return PPP_E_CRYPTO;
	/* MD4 and single DES (MS-CHAPv2) live in the legacy provider. */
	ctx->prov_legacy = OSSL_PROVIDER_load(ctx->libctx, "legacy");
	if (ctx->prov_legacy != NULL) {
		ctx->md4 = EVP_MD_fetch(ctx->libctx, "MD4", NULL);
		ctx->des = EVP_CIPHER_fetch(ctx->libctx, "DES-ECB", NULL);
	}
	if ((ctx->md4 == NULL || ctx->des == NULL) && wants_mschap(&ctx->cfg)) {
		ppp_log(ctx, PPP_LOG_ERR, "ppp: MS-CHAPv2 configured but "
		    "the OpenSSL legacy provider (MD4, DES) is unavailable");
		return PPP_E_CRYPTO;
	}
	return 0;
}

int
ppp_ctx_new(struct ppp_ctx **out, const struct ppp_config *cfg,
    const struct ppp_hooks *hooks)
{
	struct ppp_ctx *ctx;
	size_t i, j;
	int rc;

	if (out == NULL)
		return PPP_E_INVAL;
	*out = NULL;
	if (cfg == NULL || hooks == NULL || hooks->rng == NULL ||
	    cfg->size != sizeof(*cfg) || cfg->n_auth > PPP_MAX_AUTH_METHODS)
		return PPP_E_INVAL;
	for (i = 0; i < cfg->n_auth; i++) {
		if (cfg->auth[i] < PPP_AUTH_PAP ||
		    cfg->auth[i] > PPP_AUTH_MSCHAPV2)
			return PPP_E_INVAL;
		for (j = 0; j < i; j++)
			if (cfg->auth[j] == cfg->auth[i])
				return PPP_E_INVAL;
	}
	if (cfg->mru != 0 && (cfg->mru < 128 || cfg->mru > 1500))
		return PPP_E_INVAL;
	if (cfg->name != NULL && strlen(cfg->name) > PPP_MAX_NAME)
		return PPP_E_INVAL;
	if (hooks->alloc != NULL)
		ctx = hooks->alloc(hooks->user, sizeof(*ctx));
	else
		ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return PPP_E_NOMEM;
	ctx->hooks = *hooks;
	ctx->cfg = *cfg;
	ctx->cfg.name = NULL;
	if (ctx->cfg.restart_ms == 0)
		ctx->cfg.restart_ms = 3000;
	if (ctx->cfg.max_configure == 0)
		ctx->cfg.max_configure = 10;
	if (ctx->cfg.max_terminate == 0)
		ctx->cfg.max_terminate = 2;
	if (ctx->cfg.max_failure == 0)
		ctx->cfg.max_failure = 5;
	if (ctx->cfg.echo_max_misses == 0)
		ctx->cfg.echo_max_misses = 3;
	if (ctx->cfg.mru == 0)
		ctx->cfg.mru = 1500;
	if (ctx->cfg.max_events == 0)
		ctx->cfg.max_events = 16;
	if (ctx->cfg.max_output == 0)
		ctx->cfg.max_output = 32;
	if (ctx->cfg.echo_rate == 0)
		ctx->cfg.echo_rate = 10;
	if (cfg->name != NULL) {
		ctx->name_len = strlen(cfg->name);
		memcpy(ctx->name, cfg->name, ctx->name_len);
	} else {
		ctx->name_len = strlen("roadgate");
		memcpy(ctx->name, "roadgate", ctx->name_len);
	}
	if ((rc = crypto_init(ctx)) != 0) {
		crypto_free(ctx);
		ppp_free(ctx, ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

void
ppp_ctx_free(struct ppp_ctx *ctx)
{
	struct ppp_hooks h;

	if (ctx == NULL)
		return;
	if (ctx->sessions > 0)
		ppp_log(ctx, PPP_LOG_ERR, "ppp: context freed with %zu live "
		    "sessions (caller bug)", ctx->sessions);
	h = ctx->hooks;
	crypto_free(ctx);
	sodium_memzero(ctx, sizeof(*ctx));
	if (h.free != NULL)
		h.free(h.user, ctx);
	else
		free(ctx);
}

void
ppp_ctx_stats(const struct ppp_ctx *ctx, struct ppp_stats *out)
{
	if (ctx == NULL || out == NULL)
		return;
	*out = ctx->stats;
}
