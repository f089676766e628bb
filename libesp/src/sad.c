/*
 * sad.c - the security association database: a chained hash table keyed by
 * (SPI, direction) with a per-context random key, sized at context creation
 * (>= 2 buckets per SA), so lookup is O(1).
 */
#include <string.h>

#include <sodium.h>

#include "esp_internal.h"

static uint32_t
bucket_of(const struct esp_ctx *ctx, uint32_t spi, enum esp_dir dir)
{
	uint64_t h = ((uint64_t)spi << 1 | (dir == ESP_DIR_OUT)) ^ ctx->hash_key;

	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h & (ctx->nbuckets - 1);
}

struct esp_sa *
esp_sa_find(const struct esp_ctx *ctx, uint32_t spi, enum esp_dir dir)
{
	struct esp_sa *sa;

	if (ctx == NULL)
		return NULL;
	for (sa = ctx->buckets[bucket_of(ctx, spi, dir)]; sa != NULL; sa = sa->next)
		if (sa->spi == spi && sa->dir == dir)
			return sa;
	return NULL;
}

static uint64_t
deadline(uint64_t now, uint64_t rel)
{
	if (rel == 0 || now > UINT64_MAX - rel)
		return UINT64_MAX;
	return now + rel;
}

/* RFC 4303 §2 / RFC 4106 / RFC 7634: validate algorithm choices. */
static int
check_algs(const struct esp_ctx *ctx, const struct esp_sa_config *cfg)
{
	bool aead = cfg->enc_alg == ESP_ENC_AES_GCM_16 ||
	    cfg->enc_alg == ESP_ENC_CHACHA20_POLY1305;

	switch (cfg->enc_alg) {
	case ESP_ENC_DES_CBC:
		if (!ctx->cfg.allow_des)
			return ESP_E_UNSUPPORTED;
		if (cfg->enc_key_len != 8)
			return ESP_E_INVAL;
		break;
	case ESP_ENC_3DES_CBC:
		if (cfg->enc_key_len != 24)
			return ESP_E_INVAL;
		break;
	case ESP_ENC_NULL:
		if (cfg->enc_key_len != 0)
			return ESP_E_INVAL;
		break;
	case ESP_ENC_AES_CBC:
	case ESP_ENC_AES_GCM_16:
		if (cfg->enc_key_len != 16 && cfg->enc_key_len != 24 &&
		    cfg->enc_key_len != 32)
			return ESP_E_INVAL;
		break;
	case ESP_ENC_CHACHA20_POLY1305:
		if (cfg->enc_key_len != 32)
			return ESP_E_INVAL;
		break;
	default:
		return ESP_E_UNSUPPORTED;
	}
	switch (cfg->integ_alg) {
	case ESP_INTEG_NONE:
		if (cfg->integ_key_len != 0)
			return ESP_E_INVAL;
		/* RFC 4303 §3.2: NULL encryption and NULL integrity MUST NOT pair. */
		if (cfg->enc_alg == ESP_ENC_NULL)
			return ESP_E_INVAL;
		break;
	case ESP_INTEG_HMAC_MD5_96:
		if (cfg->integ_key_len != 16 || aead)
			return ESP_E_INVAL;
		break;
	case ESP_INTEG_HMAC_SHA1_96:
		if (cfg->integ_key_len != 20 || aead)
			return ESP_E_INVAL;
		break;
	case ESP_INTEG_HMAC_SHA256_128:
	case ESP_INTEG_HMAC_SHA256_96:
		if (cfg->integ_key_len != 32 || aead)
			return ESP_E_INVAL;
		break;
	default:
		return ESP_E_UNSUPPORTED;
	}
	return ESP_OK;
}

int
esp_sa_add(struct esp_ctx *ctx, uint64_t now, const struct esp_sa_config *cfg,
    struct esp_sa **out)
{
	struct esp_sa *sa;
	uint32_t b, w;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || cfg == NULL || cfg->size != sizeof(*cfg) ||
	    cfg->spi == 0 || (cfg->dir != ESP_DIR_IN && cfg->dir != ESP_DIR_OUT) ||
	    (cfg->mode != ESP_MODE_TRANSPORT && cfg->mode != ESP_MODE_TUNNEL) ||
	    cfg->natt_csum > ESP_NATT_CSUM_NONE)
		return ESP_E_INVAL;
	w = cfg->replay_window != 0 ? cfg->replay_window : ctx->cfg.replay_window;
	if (w < ESP_REPLAY_WINDOW_MIN || w > ESP_REPLAY_WINDOW_MAX)
		return ESP_E_INVAL;
	if ((rc = check_algs(ctx, cfg)) != ESP_OK) {
		espi_log(ctx, ESP_LOG_WARNING, "SA 0x%08x: refused algorithms "
		    "enc %d (key %zu) integ %d (key %zu): %s", cfg->spi,
		    (int)cfg->enc_alg, cfg->enc_key_len, (int)cfg->integ_alg,
		    cfg->integ_key_len, esp_strerror(rc));
		return rc;
	}
	if (esp_sa_find(ctx, cfg->spi, cfg->dir) != NULL)
		return ESP_E_EXISTS;
	if (ctx->st.sas >= ctx->cfg.max_sas) {
		ctx->st.sa_limit++;
		espi_log(ctx, ESP_LOG_WARNING, "SAD full (%u SAs): refused SPI 0x%08x",
		    ctx->cfg.max_sas, cfg->spi);
		return ESP_E_LIMIT;
	}
	sa = espi_alloc(ctx, sizeof(*sa));
	if (sa == NULL)
		return ESP_E_NOMEM;
	sa->spi = cfg->spi;
	sa->dir = cfg->dir;
	sa->mode = cfg->mode;
	sa->esn = cfg->esn;
	sa->seq_max = cfg->esn ? UINT64_MAX : UINT32_MAX;
	sa->rekey_at = sa->seq_max - ctx->cfg.rekey_margin;
	espi_replay_init(&sa->rp, w);
	sa->local_addr = cfg->local_addr;
	sa->peer_addr = cfg->peer_addr;
	sa->udp_encap = cfg->udp_encap;
	sa->encap_sport = cfg->encap_sport;
	sa->encap_dport = cfg->encap_dport;
	sa->natoa_valid = cfg->natoa_valid;
	sa->natoa_src = cfg->natoa_src;
	sa->natoa_dst = cfg->natoa_dst;
	sa->natt_csum = cfg->natt_csum;
	sa->soft = cfg->soft;
	sa->hard = cfg->hard;
	sa->soft_deadline = deadline(now, cfg->soft.time_ns);
	sa->hard_deadline = deadline(now, cfg->hard.time_ns);
	sa->user = cfg->user;
	if ((rc = espi_crypto_init(ctx, sa, cfg)) != ESP_OK) {
		espi_crypto_free(sa);
		sodium_memzero(sa, sizeof(*sa));
		espi_free(ctx, sa);
		return rc;
	}
	if (cfg->enc_alg == ESP_ENC_DES_CBC)
		espi_log(ctx, ESP_LOG_WARNING, "SECURITY: SA 0x%08x uses single "
		    "DES-CBC", sa->spi);
	if (cfg->integ_alg == ESP_INTEG_NONE && sa->kind == ESPI_CBC)
		espi_log(ctx, ESP_LOG_WARNING, "SA 0x%08x: encryption without "
		    "integrity (RFC 4303 §3.2 allows it; not recommended)", sa->spi);
	b = bucket_of(ctx, sa->spi, sa->dir);
	sa->next = ctx->buckets[b];
	ctx->buckets[b] = sa;
	ctx->st.sas++;
	espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x %s %s added (enc %d, integ %d%s%s)",
	    sa->spi, sa->dir == ESP_DIR_IN ? "in" : "out",
	    sa->mode == ESP_MODE_TUNNEL ? "tunnel" : "transport",
	    (int)cfg->enc_alg, (int)cfg->integ_alg, sa->esn ? ", ESN" : "",
	    sa->udp_encap ? ", UDP-encap" : "");
	if (out != NULL)
		*out = sa;
	return ESP_OK;
}

void
esp_sa_delete(struct esp_ctx *ctx, struct esp_sa *sa)
{
	struct esp_sa **pp;

	if (ctx == NULL || sa == NULL)
		return;
	for (pp = &ctx->buckets[bucket_of(ctx, sa->spi, sa->dir)]; *pp != NULL;
	    pp = &(*pp)->next) {
		if (*pp == sa) {
			*pp = sa->next;
			ctx->st.sas--;
			break;
		}
	}
	espi_crypto_free(sa);
	sodium_memzero(sa, sizeof(*sa));
	espi_free(ctx, sa);
}

void
esp_sa_get_stats(const struct esp_sa *sa, struct esp_sa_stats *st)
{
	if (sa != NULL && st != NULL)
		*st = sa->st;
}

uint32_t
esp_sa_spi(const struct esp_sa *sa)
{
	return sa->spi;
}

enum esp_dir
esp_sa_dir(const struct esp_sa *sa)
{
	return sa->dir;
}

uint64_t
esp_sa_user(const struct esp_sa *sa)
{
	return sa->user;
}

uint64_t
esp_sa_seq(const struct esp_sa *sa)
{
	return sa->dir == ESP_DIR_OUT ? sa->seq : sa->rp.top;
}
