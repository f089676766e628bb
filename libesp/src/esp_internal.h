/*
 * esp_internal.h - libesp internals shared between source files.
 * Internal cross-file names use the espi_ prefix (never exported).
 */
#ifndef ESP_INTERNAL_H
#define ESP_INTERNAL_H

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/types.h>

#include <roadgate/esp.h>

#include "rg_heap.h"

#define ESP_WORDS_MAX	128	/* replay bitmap words: pow2 >= 4096/64 + 1 */

struct espi_replay {
	uint64_t top;		/* highest accepted sequence number */
	uint32_t window;	/* W, packets */
	uint32_t nwords;	/* bitmap words, power of two */
	uint64_t bits[ESP_WORDS_MAX];
};

enum espi_kind { ESPI_CBC, ESPI_NULL, ESPI_GCM, ESPI_CHACHA };

/*
 * One SA.  The fields the data path reads come first (one or two cache
 * lines); the replay bitmap, the big member, is last.
 */
struct esp_sa {
	struct esp_sa *next;		/* SPI hash chain (inbound only) */
	uint32_t spi;
	enum esp_dir dir;
	enum esp_mode mode;
	enum espi_kind kind;
	bool esn;
	bool dead;			/* hard-expired */
	bool soft_sent;
	bool rekey_sent;
	bool has_sel;			/* inbound with selectors */
	bool udp_encap;
	uint8_t block;			/* cipher block (padding alignment) */
	uint8_t iv_len;
	uint8_t icv_len;
	uint8_t sel_protocol;
	uint16_t sel_local_port, sel_remote_port;
	uint32_t peer_addr;		/* peer endpoint (moves on rebinding) */
	uint16_t encap_dport;
	uint16_t encap_sport;
	uint32_t local_addr;
	EVP_CIPHER_CTX *cctx;		/* keyed once at esp_sa_add */
	EVP_MAC_CTX *mctx;		/* keyed HMAC, re-initialised per packet */
	uint64_t seq;			/* outbound: last sent */
	uint64_t seq_max;		/* last usable outbound sequence */
	uint64_t rekey_at;
	uint64_t soft_deadline, hard_deadline;	/* UINT64_MAX = none */
	struct esp_lifetime soft, hard;
	uint64_t user;
	struct esp_sa_stats st;
	enum esp_enc_alg enc_alg;
	enum esp_integ_alg integ_alg;
	uint32_t enc_key_len, integ_key_len;	/* bytes, for show */
	bool natoa_valid;
	uint32_t natoa_src, natoa_dst;
	enum esp_natt_csum natt_csum;
	uint8_t key[ESP_KEY_MAX];	/* kept for ChaCha20-Poly1305 */
	uint8_t salt[ESP_SALT_LEN];
	/* Pairing: an inbound SA names its outbound sibling (pair); an
	 * outbound SA lists the inbound SAs naming it (paired_in, linked by
	 * pair_next) so deleting either side clears the link. */
	struct esp_sa *pair;
	struct esp_sa *paired_in;
	struct esp_sa *pair_next;
	uint32_t slot;			/* index in ctx->all */
	uint64_t created_ns;
	struct rg_heap_node tnode;	/* time-lifetime deadline */
	struct espi_replay rp;		/* inbound */
};

struct esp_ctx {
	struct esp_hooks hooks;
	struct esp_config cfg;
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov_default;
	OSSL_PROVIDER *prov_legacy;
	EVP_MAC *hmac;
	struct esp_sa **buckets;	/* inbound SAs by SPI */
	uint32_t nbuckets;		/* power of two */
	uint64_t hash_key;
	struct esp_sa **all;		/* every SA, [0, nall): enumeration */
	uint32_t nall;
	struct rg_heap timers;		/* SAs with a time deadline */
	struct esp_event *events;
	uint32_t ev_head, ev_count;
	struct esp_stats st;
};

/* ctx.c */
void *espi_alloc(struct esp_ctx *ctx, size_t size);
void espi_free(struct esp_ctx *ctx, void *p);
void espi_log(struct esp_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool espi_log_on(const struct esp_ctx *ctx);
/* Queues an event about sa (dropped and counted when the queue is full). */
struct esp_event *espi_event(struct esp_ctx *ctx, struct esp_sa *sa,
    enum esp_event_type type, enum esp_limit_kind limit);
/* Clears sa from the events still queued (sa is being deleted). */
void espi_events_forget(struct esp_ctx *ctx, const struct esp_sa *sa);

/* timer.c */
/* Puts sa's next time deadline (or none) into the context's heap. */
void espi_timer_rearm(struct esp_ctx *ctx, struct esp_sa *sa);
/* Marks sa hard-expired (once), logs, queues the event. */
void espi_expire_hard(struct esp_ctx *ctx, struct esp_sa *sa,
    enum esp_limit_kind k);
/* Raises the soft event (once). */
void espi_expire_soft(struct esp_ctx *ctx, struct esp_sa *sa,
    enum esp_limit_kind k);

/* sad.c */
/* True if sa is an SA of this context. */
bool espi_owned(const struct esp_ctx *ctx, const struct esp_sa *sa);
/* Unlinks, wipes and frees sa (esp_sa_delete without the log line). */
void espi_sa_destroy(struct esp_ctx *ctx, struct esp_sa *sa);

/* select.c */
struct espi_flow {
	bool have_proto, have_ports;
	uint8_t proto;
	uint16_t sport, dport;
};
/* What the selectors look at in a decrypted payload (esp_input's rx). */
void espi_flow_of(const struct esp_sa *sa, const uint8_t *pkt,
    const struct esp_rx *rx, struct espi_flow *f);
/* Counts and logs a payload refused by the selectors. */
void espi_selector_refused(struct esp_ctx *ctx, struct esp_sa *sa,
    const uint8_t *pkt, const struct esp_rx *rx);

/* peer.c */
/* esp_input found an authentic, newest packet from a new endpoint. */
void espi_peer_moved(struct esp_ctx *ctx, struct esp_sa *sa,
    const struct esp_endpoint *from, uint64_t seq);

/* crypto.c */
int espi_crypto_init(struct esp_ctx *ctx, struct esp_sa *sa,
    const struct esp_sa_config *cfg);
void espi_crypto_free(struct esp_sa *sa);
/*
 * Outbound: buf[0, hlen) is SPI|Seq|IV (IV filled by the caller), followed
 * by the plaintext of clen bytes (already padded).  Encrypts in place and
 * writes the ICV at buf + hlen + clen.
 */
int espi_seal(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen,
    uint32_t seq_hi);
/*
 * Inbound, step 1: verifies the ICV in constant time (AEAD: also decrypts in
 * place, wiping the plaintext on failure).  ESP_OK, ESP_E_AUTH, ESP_E_CRYPTO.
 */
int espi_verify(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen,
    uint32_t seq_hi) __attribute__((warn_unused_result));
/* Inbound, step 2 (after the replay check): decrypts CBC in place. */
int espi_decrypt(struct esp_sa *sa, uint8_t *buf, size_t hlen, size_t clen)
    __attribute__((warn_unused_result));

/* replay.c */
void espi_replay_init(struct espi_replay *rp, uint32_t window);
uint64_t espi_replay_infer(const struct espi_replay *rp, uint32_t seq_lo,
    bool esn);
int espi_replay_check(const struct espi_replay *rp, uint64_t seq);
void espi_replay_update(struct espi_replay *rp, uint64_t seq);

/* natt.c / ipv4.c helpers */
uint16_t espi_csum_fold(uint32_t sum);
uint32_t espi_csum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t espi_ip_csum(const uint8_t *hdr, size_t len);
int espi_l4_fix(struct esp_sa *sa, uint8_t *ip, size_t len);

static inline uint32_t
espi_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t
espi_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
espi_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
espi_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#endif /* ESP_INTERNAL_H */
