/*
 * ctx.c - context life cycle, configuration defaults, hooks, logging and
 * counters.
 */
#include <stdarg.h>
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

/*
 * ppp_bad with a rate-limited log line: the counter always moves; at most
 * cfg.log_lines_per_s lines of one kind per second (now: the session's),
 * the rest counted in log_suppressed and summed up in the next line of
 * that kind.
 */
int
ppp_bad_rl(struct ppp_ctx *ctx, uint64_t now, enum ppp_rl_kind kind,
    uint64_t *counter, int err, const char *fmt, ...)
{
	struct ppp_rl *r = &ctx->rl[kind];
	char buf[400];
	size_t n;
	va_list ap;

	(*counter)++;
	if (ctx->hooks.log == NULL)
		return err;
	if (now < r->window || now - r->window >= NS_PER_S) {
		r->window = now;
		r->lines = 0;
	}
	if (r->lines >= ctx->cfg.log_lines_per_s) {
		r->suppressed++;
		ctx->stats.log_suppressed++;
		return err;
	}
	r->lines++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (r->suppressed > 0) {
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n,
		    " (%llu similar line(s) suppressed)",
		    (unsigned long long)r->suppressed);
		r->suppressed = 0;
	}
	ctx->hooks.log(ctx->hooks.user, PPP_LOG_WARN, buf);
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
	if (ctx->hooks.rng(ctx->hooks.user, buf, len) == 0)
		return 0;
	return ppp_bad(ctx, &ctx->stats.rng_fail, PPP_E_RNG,
	    "ppp: rng hook failed (%zu bytes wanted)", len);
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

bool
ppp_have_mschap(const struct ppp_ctx *ctx)
{
	return ctx->md4 != NULL && ctx->des != NULL;
}

static int
crypto_init(struct ppp_ctx *ctx)
{
	size_t i;

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
	if (ppp_have_mschap(ctx))
		return 0;
	for (i = 0; i < ctx->cfg.n_auth; i++)
		if (ctx->cfg.auth[i] == PPP_AUTH_MSCHAPV2) {
			ppp_log(ctx, PPP_LOG_ERROR, "ppp: MS-CHAPv2 configured "
			    "but the OpenSSL legacy provider (MD4, DES) is "
			    "unavailable");
			return PPP_E_CRYPTO;
		}
	return 0;
}

/*
 * Checks an auth[] list: known methods, no duplicates, NONE only alone
 * (a server has nothing else to propose; a client list may say "or none").
 * Returns 0 or PPP_E_INVAL.  The role-specific rule about NONE is checked
 * by the caller.
 */
int
ppp_check_methods(const enum ppp_auth_method *m, size_t n)
{
	size_t i, j;

	if (n > PPP_MAX_AUTH_METHODS)
		return PPP_E_INVAL;
	for (i = 0; i < n; i++) {
		if (m[i] < PPP_AUTH_NONE || m[i] > PPP_AUTH_MSCHAPV2)
			return PPP_E_INVAL;
		for (j = 0; j < i; j++)
			if (m[j] == m[i])
				return PPP_E_INVAL;
	}
	return 0;
}

static int
check_config(const struct ppp_config *cfg)
{
	if (cfg->size != sizeof(*cfg))
		return PPP_E_INVAL;
	if (ppp_check_methods(cfg->auth, cfg->n_auth) != 0)
		return PPP_E_INVAL;
	if (cfg->mru != 0 && (cfg->mru < 128 || cfg->mru > 1500))
		return PPP_E_INVAL;
	if (cfg->name != NULL && strlen(cfg->name) > PPP_MAX_NAME)
		return PPP_E_INVAL;
	return 0;
}

static void
set_defaults(struct ppp_config *c)
{
	if (c->restart_ns == 0)
		c->restart_ns = 3 * NS_PER_S;
	if (c->max_configure == 0)
		c->max_configure = 10;
	if (c->max_terminate == 0)
		c->max_terminate = 2;
	if (c->max_failure == 0)
		c->max_failure = 5;
	if (c->echo_max_misses == 0)
		c->echo_max_misses = 3;
	if (c->mru == 0)
		c->mru = 1500;
	if (c->auth_timeout_ns == 0)
		c->auth_timeout_ns = 30 * NS_PER_S;
	if (c->echo_rate == 0)
		c->echo_rate = 10;
	if (c->max_sessions == 0)
		c->max_sessions = 65536;
	if (c->max_events == 0)
		c->max_events = 16;
	if (c->max_output == 0)
		c->max_output = 32;
	if (c->ctx_max_events == 0)
		c->ctx_max_events = 16384;
	if (c->ctx_max_output == 0)
		c->ctx_max_output = 16384;
	if (c->reject_rate == 0)
		c->reject_rate = 10;
	if (c->log_lines_per_s == 0)
		c->log_lines_per_s = 10;
}

int
ppp_ctx_new(struct ppp_ctx **out, const struct ppp_config *cfg,
    const struct ppp_hooks *hooks)
{
	struct ppp_config def;
	struct ppp_ctx *ctx;
	int rc;

	if (out == NULL)
		return PPP_E_INVAL;
	*out = NULL;
	if (cfg == NULL) {
		memset(&def, 0, sizeof(def));
		def.size = sizeof(def);
		cfg = &def;
	}
	if (hooks == NULL || hooks->rng == NULL || check_config(cfg) != 0)
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
	set_defaults(&ctx->cfg);
	if (cfg->name != NULL) {
		ctx->name_len = strlen(cfg->name);
		memcpy(ctx->name, cfg->name, ctx->name_len);
	} else {
		ctx->name_len = strlen("roadgate");
		memcpy(ctx->name, "roadgate", ctx->name_len);
	}
	rg_heap_init(&ctx->timers);
	if ((rc = crypto_init(ctx)) != 0) {
		crypto_free(ctx);
		ppp_free(ctx, ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

static void
heap_free(void *user, void *p)
{
	ppp_free(user, p);
}

void
ppp_ctx_free(struct ppp_ctx *ctx)
{
	struct ppp_hooks h;

	if (ctx == NULL)
		return;
	if (ctx->n_sess > 0)
		ppp_log(ctx, PPP_LOG_DEBUG, "ppp: context freed with %u live "
		    "sessions, freeing them", (unsigned)ctx->n_sess);
	/* From the end: ppp_session_free moves the last entry into the
	 * freed slot, so this never moves one. */
	while (ctx->n_sess > 0)
		ppp_session_free(ctx->sess[ctx->n_sess - 1]);
	ppp_free(ctx, ctx->sess);
	rg_heap_fini(&ctx->timers, heap_free, ctx);
	h = ctx->hooks;
	crypto_free(ctx);
	sodium_memzero(ctx, sizeof(*ctx));
	if (h.free != NULL)
		h.free(h.user, ctx);
	else
		free(ctx);
}

void
ppp_get_stats(const struct ppp_ctx *ctx, struct ppp_stats *out)
{
	if (ctx == NULL || out == NULL)
		return;
	*out = ctx->stats;
	out->sessions_live = ctx->n_sess;
}
