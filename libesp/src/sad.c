/*
 * sad.c - the security association database.  Inbound SAs sit in a chained
 * hash table keyed by SPI with a per-context random key, sized at context
 * creation (>= 2 buckets per SA), so lookup is O(1).  Outbound SAs are not
 * indexed: the caller addresses them by handle, so peers may pick the same
 * outbound SPI.  Every SA also has a slot in one array (ctx->all) for
 * enumeration and teardown; deletion moves the last SA into the hole, O(1).
 */
#include <string.h>

#include <sodium.h>

#include "esp_internal.h"

static uint32_t
bucket_of(const struct esp_ctx *ctx, uint32_t spi)
{
	uint64_t h = (uint64_t)spi ^ ctx->hash_key;

	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h & (ctx->nbuckets - 1);
}

struct esp_sa *
esp_sa_find(const struct esp_ctx *ctx, uint32_t spi)
{
	struct esp_sa *sa;

	if (ctx == NULL)
		return NULL;
	for (sa = ctx->buckets[bucket_of(ctx, spi)]; sa != NULL; sa = sa->next)
		if (sa->spi == spi)
			return sa;
	return NULL;
}

/* True if sa is an SA of this context (a live handle of another context,
 * or of none, is not). */
bool
espi_owned(const struct esp_ctx *ctx, const struct esp_sa *sa)
{
	return sa->slot < ctx->nall && ctx->all[sa->slot] == sa;
}

static uint64_t
deadline(uint64_t now, uint64_t rel)
{
	if (rel == 0 || now > UINT64_MAX - rel)
		return UINT64_MAX;
	return now + rel;
}

static void *
heap_alloc(void *user, size_t size)
{
	return espi_alloc(user, size);
}

static void
heap_free(void *user, void *p)
{
	espi_free(user, p);
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
	if (cfg->pair != NULL) {
		if (!espi_owned(ctx, cfg->pair)) {
			espi_log(ctx, ESP_LOG_WARN, "SA 0x%08x: pair is not an SA "
			    "of this context", cfg->spi);
			return ESP_E_NOT_FOUND;
		}
		if (cfg->dir != ESP_DIR_IN || cfg->pair->dir != ESP_DIR_OUT)
			return ESP_E_INVAL;
	}
	if ((rc = check_algs(ctx, cfg)) != ESP_OK) {
		espi_log(ctx, ESP_LOG_WARN, "SA 0x%08x: refused algorithms "
		    "enc %s (key %zu) integ %s (key %zu): %s", cfg->spi,
		    esp_enc_alg_name(cfg->enc_alg), cfg->enc_key_len,
		    esp_integ_alg_name(cfg->integ_alg), cfg->integ_key_len,
		    esp_strerror(rc));
		return rc;
	}
	if (cfg->dir == ESP_DIR_IN && esp_sa_find(ctx, cfg->spi) != NULL) {
		espi_log(ctx, ESP_LOG_WARN, "SA 0x%08x in: SPI already in use",
		    cfg->spi);
		return ESP_E_EXISTS;
	}
	if (ctx->st.sas >= ctx->cfg.max_sas) {
		ctx->st.sa_limit++;
		espi_log(ctx, ESP_LOG_WARN, "SAD full (%u SAs): refused SPI 0x%08x",
		    ctx->cfg.max_sas, cfg->spi);
		return ESP_E_LIMIT;
	}
	sa = espi_alloc(ctx, sizeof(*sa));
	if (sa == NULL)
		return ESP_E_NOMEM;
	if (rg_heap_reserve(&ctx->timers, heap_alloc, heap_free, ctx) != 0) {
		espi_free(ctx, sa);
		return ESP_E_NOMEM;
	}
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
	sa->sel_protocol = cfg->sel_protocol;
	sa->sel_local_port = cfg->sel_local_port;
	sa->sel_remote_port = cfg->sel_remote_port;
	sa->has_sel = cfg->dir == ESP_DIR_IN && (cfg->sel_protocol != 0 ||
	    cfg->sel_local_port != 0 || cfg->sel_remote_port != 0);
	sa->soft = cfg->soft;
	sa->hard = cfg->hard;
	sa->soft_deadline = deadline(now, cfg->soft.time_ns);
	sa->hard_deadline = deadline(now, cfg->hard.time_ns);
	sa->user = cfg->user;
	sa->created_ns = now;
	sa->enc_key_len = (uint32_t)cfg->enc_key_len;
	sa->integ_key_len = (uint32_t)cfg->integ_key_len;
	sa->tnode.when = UINT64_MAX;
	if ((rc = espi_crypto_init(ctx, sa, cfg)) != ESP_OK) {
		espi_crypto_free(sa);
		rg_heap_release(&ctx->timers, &sa->tnode);
		sodium_memzero(sa, sizeof(*sa));
		espi_free(ctx, sa);
		return rc;
	}
	if (cfg->enc_alg == ESP_ENC_DES_CBC)
		espi_log(ctx, ESP_LOG_WARN, "SECURITY: SA 0x%08x uses single "
		    "DES-CBC", sa->spi);
	if (cfg->integ_alg == ESP_INTEG_NONE && sa->kind == ESPI_CBC)
		espi_log(ctx, ESP_LOG_WARN, "SA 0x%08x: encryption without "
		    "integrity (RFC 4303 §3.2 allows it; not recommended)", sa->spi);
	if (sa->dir == ESP_DIR_IN) {
		b = bucket_of(ctx, sa->spi);
		sa->next = ctx->buckets[b];
		ctx->buckets[b] = sa;
	}
	sa->slot = ctx->nall;
	ctx->all[ctx->nall++] = sa;
	if (cfg->pair != NULL) {
		sa->pair = cfg->pair;
		sa->pair_next = cfg->pair->paired_in;
		cfg->pair->paired_in = sa;
	}
	espi_timer_rearm(ctx, sa);
	ctx->st.sas++;
	espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x %s %s added (%s, %s%s%s)",
	    sa->spi, esp_dir_name(sa->dir), esp_mode_name(sa->mode),
	    esp_enc_alg_name(cfg->enc_alg), esp_integ_alg_name(cfg->integ_alg),
	    sa->esn ? ", ESN" : "", sa->udp_encap ? ", UDP-encap" : "");
	if (out != NULL)
		*out = sa;
	return ESP_OK;
}

/* Clears the pair links that name sa or that sa holds. */
static void
unpair(struct esp_sa *sa)
{
	struct esp_sa **pp, *in;

	if (sa->pair != NULL) {
		for (pp = &sa->pair->paired_in; *pp != NULL; pp = &(*pp)->pair_next)
			if (*pp == sa) {
				*pp = sa->pair_next;
				break;
			}
		sa->pair = NULL;
	}
	while ((in = sa->paired_in) != NULL) {
		sa->paired_in = in->pair_next;
		in->pair = NULL;
		in->pair_next = NULL;
	}
}

void
espi_sa_destroy(struct esp_ctx *ctx, struct esp_sa *sa)
{
	struct esp_sa **pp;

	if (sa->dir == ESP_DIR_IN) {
		for (pp = &ctx->buckets[bucket_of(ctx, sa->spi)]; *pp != NULL;
		    pp = &(*pp)->next) {
			if (*pp == sa) {
				*pp = sa->next;
				break;
			}
		}
	}
	ctx->all[sa->slot] = ctx->all[--ctx->nall];
	ctx->all[sa->slot]->slot = sa->slot;
	ctx->all[ctx->nall] = NULL;
	ctx->st.sas--;
	unpair(sa);
	rg_heap_release(&ctx->timers, &sa->tnode);
	espi_events_forget(ctx, sa);
	espi_crypto_free(sa);
	sodium_memzero(sa, sizeof(*sa));
	espi_free(ctx, sa);
}

void
esp_sa_delete(struct esp_ctx *ctx, struct esp_sa *sa)
{
	if (ctx == NULL || sa == NULL)
		return;
	if (!espi_owned(ctx, sa)) {
		espi_log(ctx, ESP_LOG_ERROR, "esp_sa_delete: SA 0x%08x is not an "
		    "SA of this context: ignored", sa->spi);
		return;
	}
	espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x %s deleted", sa->spi,
	    esp_dir_name(sa->dir));
	espi_sa_destroy(ctx, sa);
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

void
esp_sa_set_user(struct esp_sa *sa, uint64_t user)
{
	if (sa != NULL)
		sa->user = user;
}

void
esp_sa_peer(const struct esp_sa *sa, struct esp_endpoint *ep)
{
	ep->ip = sa->peer_addr;
	ep->port = sa->encap_dport;
}

uint64_t
esp_sa_seq(const struct esp_sa *sa)
{
	return sa->dir == ESP_DIR_OUT ? sa->seq : sa->rp.top;
}

bool
esp_sa_next(const struct esp_ctx *ctx, uint64_t now, size_t *cursor,
    struct esp_sa_info *info)
{
	const struct esp_sa *sa;

	if (ctx == NULL || cursor == NULL || info == NULL ||
	    *cursor >= ctx->nall)
		return false;
	sa = ctx->all[(*cursor)++];
	memset(info, 0, sizeof(*info));
	info->sa = (struct esp_sa *)(uintptr_t)sa;
	info->spi = sa->spi;
	info->dir = sa->dir;
	info->mode = sa->mode;
	info->enc_alg = sa->enc_alg;
	info->enc_key_bits = sa->enc_key_len * 8;
	info->integ_alg = sa->integ_alg;
	info->integ_key_bits = sa->integ_key_len * 8;
	info->esn = sa->esn;
	info->udp_encap = sa->udp_encap;
	info->local.ip = sa->local_addr;
	info->local.port = sa->encap_sport;
	info->peer.ip = sa->peer_addr;
	info->peer.port = sa->encap_dport;
	info->pair = sa->pair;
	info->natoa_valid = sa->natoa_valid;
	info->natoa_src = sa->natoa_src;
	info->natoa_dst = sa->natoa_dst;
	info->sel_protocol = sa->sel_protocol;
	info->sel_local_port = sa->sel_local_port;
	info->sel_remote_port = sa->sel_remote_port;
	info->user = sa->user;
	info->created_ns = sa->created_ns;
	info->seq = esp_sa_seq(sa);
	info->replay_window = sa->dir == ESP_DIR_IN && sa->icv_len != 0 ?
	    sa->rp.window : 0;
	info->soft = sa->soft;
	info->hard = sa->hard;
	info->soft_expire_ns = sa->soft_deadline;
	info->hard_expire_ns = sa->hard_deadline;
	info->soft_expired = sa->soft_sent;
	info->hard_expired = sa->dead || now >= sa->hard_deadline;
	info->stats = sa->st;
	return true;
}
