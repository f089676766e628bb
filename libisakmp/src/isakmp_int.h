/* isakmp_int.h - internals of libisakmp shared between its source files. */
#ifndef ISAKMP_INT_H
#define ISAKMP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "rg_heap.h"

#include <roadgate/isakmp.h>

#define HDR_LEN 28
#define MAX_HASH 64
#define MAX_KE 512
#define MAX_NONCE 256
#define MAX_BLOCK 16
#define MAX_P2 4

/* Payload types (RFC 2408 3.1, RFC 3947, draft NAT-T private values). */
enum {
	PL_NONE = 0, PL_SA = 1, PL_P = 2, PL_T = 3, PL_KE = 4, PL_ID = 5,
	PL_CERT = 6, PL_CR = 7, PL_HASH = 8, PL_SIG = 9, PL_NONCE = 10,
	PL_N = 11, PL_D = 12, PL_VID = 13, PL_NATD = 20, PL_NATOA = 21,
	PL_NATD_DRAFT = 130, PL_NATOA_DRAFT = 131
};
enum { EX_MAIN = 2, EX_INFO = 5, EX_QUICK = 32 };
enum { FL_E = 1, FL_C = 2, FL_A = 4 };
enum {
	N_INVALID_PAYLOAD_TYPE = 1, N_NO_PROPOSAL_CHOSEN = 14, N_PAYLOAD_MALFORMED = 16,
	N_INVALID_KEY_INFORMATION = 17, N_INVALID_ID_INFORMATION = 18,
	N_INVALID_HASH_INFORMATION = 23, N_AUTHENTICATION_FAILED = 24,
	N_CONNECTED = 16384, N_RESPONDER_LIFETIME = 24576, N_INITIAL_CONTACT = 24578,
	N_DPD_R_U_THERE = 36136, N_DPD_R_U_THERE_ACK = 36137
};

/* A view of one parsed payload (body excludes the 4-byte generic header). */
struct payload {
	uint8_t type;
	const uint8_t *body;
	size_t len;
	const uint8_t *raw;  /* including the generic header */
};

#define MAX_PAYLOADS 24
struct msg {
	uint8_t icookie[8], rcookie[8];
	uint8_t next, exch, flags;
	uint32_t msgid;
	struct payload pl[MAX_PAYLOADS];
	size_t n;
	const uint8_t *first;  /* first payload byte */
	size_t plen;           /* bytes covered by the payload chain */
	/* Where the datagram came from (dispatch.c fills these in). */
	const struct isakmp_addr *from, *to;
	uint64_t now;
};

/* Negotiated phase 1 algorithms with derived sizes. */
struct p1alg {
	struct isakmp_p1_proposal p;
	const EVP_MD *md;          /* fetched in ctx */
	const EVP_CIPHER *cipher;
	size_t hlen, keylen, blk;
};

struct dh {
	int group;
	EVP_PKEY *key;
	uint8_t pub[MAX_KE];
	size_t publen;
#ifdef ISAKMP_FUZZING
	bool fuzz_key;              /* fuzz build only: a stand-in key (crypto.c) */
#endif
};

/* A Quick Mode exchange in progress (or just finished, kept for retransmissions). */
struct qm {
	bool used;
	int state;                  /* 1 = QM1 sent, 2 = QM2 sent, 3 = done */
	bool initiator;             /* we sent QM1 */
	uint32_t msgid;
	uint8_t iv[MAX_BLOCK];
	uint8_t ni[MAX_NONCE], nr[MAX_NONCE];
	size_t nilen, nrlen;
	uint32_t spi_in, spi_out;
	struct dh dh;               /* PFS */
	uint8_t gqm[MAX_KE];        /* PFS g(qm)^xy */
	size_t gqmlen;
	struct isakmp_p2_proposal chosen;
	uint16_t encap;
	uint32_t natoa_i, natoa_r;
	uint8_t sel_protocol;
	uint16_t sel_local_port, peer_port;  /* selectors (peer_port: theirs, 0 = any) */
	uint8_t *last_rx; size_t last_rx_len;
	uint8_t *last_tx; size_t last_tx_len;
	uint64_t deadline;          /* retransmission / negotiation timeout; 0 = none */
	uint64_t linger;            /* done: slot freed at this time (retransmissions) */
	unsigned tries;
	bool ready;                 /* done: the IPsec SA exists */
	bool commit;                /* initiator set the commit bit (RFC 2408 3.1) */
	uint64_t rekey_of;          /* the IPsec SA this exchange replaces, 0 = none */
	uint64_t ipsec_id;          /* done: the IPsec SA it made */
};

enum p1state {
	S_NONE = 0, S_I_MM1, S_I_MM3, S_I_MM5, S_R_MM2, S_R_MM4, S_ESTABLISHED
};

/* Intrusive hash chain link (hash.c); h is the full hash of the object's key. */
struct hlink {
	struct hlink *next;
	uint64_t h;
};

struct htab {
	struct hlink **b;
	uint32_t mask;              /* buckets - 1 (power of two) */
	uint32_t n;
};

/* A dense array of objects for enumeration and walks; each keeps its index. */
struct vec {
	void **v;
	uint32_t n, cap;
};

enum { T_IKE = 1, T_PEER, T_IPSEC };

/* One deadline in the context's heap; kind says which object embeds it. */
struct timer {
	struct rg_heap_node node;
	uint8_t kind;
};

/* A policy and the references that keep it (policy.c). */
struct pol {
	struct pol *next;           /* in ctx->pols while linked */
	uint32_t id;
	uint32_t refs;              /* IKE SAs and peers using it */
	uint64_t fail_tat;          /* failed MM5 rate (GCRA), guard.c */
	bool linked;                /* false once isakmp_policy_delete() removed it */
	struct isakmp_policy p;
};

struct peer;
struct ike_sa;

/*
 * A remote IP address with responder IKE SAs (guard.c): its share of the
 * tables and its half-open SAs, oldest first.  Freed when it has none.
 */
struct src {
	struct hlink link;
	uint32_t ip;
	uint32_t n_ike, n_half_open;
	struct ike_sa *ho_head, *ho_tail;
};

/* An IP address remembered with failed MM5s (GCRA: tat = theoretical arrival time). */
struct failrec {
	uint32_t ip;
	uint64_t tat;               /* 0 = empty; past = no failure memory left */
};

/* A distinct MM1 SA payload kept for stateless answers (guard.c). */
struct offer {
	uint64_t digest;            /* keyed hash of the bytes; 0 = empty slot */
	uint8_t *b;
	size_t len;
	uint64_t used;              /* last use (ns), for eviction */
	bool validated;             /* an MM3 with a valid cookie used it */
};

/* A rate-limited log line (at most RL_BURST a second, the rest counted). */
struct rlog {
	uint64_t window;            /* start of the current second */
	uint32_t n;                 /* lines in this window */
	uint64_t suppressed;
};
enum { RL_HALF_OPEN, RL_SA_IP, RL_COOKIE, RL_AUTH, RL_AUTH_LIMIT, RL_ADDR, RL_REPLAY,
	RL_QM_ID, RL_EVENTS, RL_N };

struct ike_sa {
	struct hlink by_cookie, by_id;
	uint32_t vidx;              /* index in ctx->ikes */
	struct timer tm;
	uint64_t id;
	struct peer *peer;          /* NULL while a responder SA is half-open */
	struct ike_sa *peer_next;   /* in peer->ikes */
	struct pol *pol;            /* referenced */
	bool initiator;
	enum p1state state;
	uint8_t icookie[8], rcookie[8];
	struct isakmp_addr local, remote;
	struct p1alg alg;
	struct dh dh;
	uint8_t gxi[MAX_KE], gxr[MAX_KE];
	size_t gxlen;
	uint8_t gxy[MAX_KE];        /* responder: kept until MM5 for PSK-by-ID trials */
	size_t gxylen;
	uint8_t ni[MAX_NONCE], nr[MAX_NONCE];
	size_t nilen, nrlen;
	uint8_t *sai_b; size_t sai_len;
	uint8_t skeyid[MAX_HASH], skeyid_d[MAX_HASH], skeyid_a[MAX_HASH], skeyid_e[MAX_HASH];
	uint8_t enckey[64];
	uint8_t iv[MAX_BLOCK];      /* phase 1 CBC chain; after MM6 = last block */
	bool natt_rfc, natt_draft, natt;  /* NAT-T VIDs seen / negotiated */
	bool peer_dpd;
	bool nat_local, nat_remote, floated;
	uint8_t natd_type, natoa_type;
	uint8_t *last_rx; size_t last_rx_len;
	uint8_t *last_tx; size_t last_tx_len;
	uint64_t deadline;          /* retransmit or half-open expiry; 0 = none */
	unsigned tries;
	uint64_t created;
	uint64_t expires;           /* phase 1 lifetime; 0 until up */
	uint64_t up_at;             /* when phase 1 came up (lifetimes count from here) */
	bool p1_resp_life;          /* responder: send RESPONDER-LIFETIME after MM6 */
	bool want_qm;               /* initiator: start Quick Mode once up */
	uint64_t qm_rekey_of;       /* ... replacing this IPsec SA (0 = a new one) */
	bool ic;                    /* initiator: send INITIAL-CONTACT in MM5 */
	bool p1_rekeyed;            /* original initiator: replacement IKE SA started */
	uint64_t p1_rekey_at;       /* 0 = none */
	uint64_t replaced_by;       /* a newer IKE SA of the peer is up */
	int last_err;               /* last ISAKMP_E_* this negotiation hit */
	uint8_t rid_type;           /* the peer's phase 1 ID (type, data) once verified */
	uint8_t rid[ISAKMP_MAX_ID];
	size_t rid_len;
	uint32_t seen[16];          /* recent authenticated message IDs (rebinding) */
	uint8_t seen_pos;
	uint32_t info_seen[32];     /* Informational message IDs seen (replays ignored) */
	uint8_t info_seen_pos, info_seen_n;
	bool dpd_rx_any;            /* an R-U-THERE was answered on this SA ... */
	uint32_t dpd_rx_seq;        /* ... with this sequence number (newer ones only) */
	struct src *src;            /* responder: the remote IP's share (guard.c) */
	struct ike_sa *ho_prev, *ho_next;    /* the IP's half-open SAs, oldest first */
	struct ike_sa *gho_prev, *gho_next;  /* all half-open responder SAs, oldest first */
	bool ho_linked;
	struct qm qm[MAX_P2];
};

/* An IPsec SA pair, owned by its peer. */
struct ipsec {
	struct hlink by_id;
	uint32_t vidx;              /* index in ctx->ipsecs */
	struct timer tm;
	uint64_t id, user;
	struct peer *peer;
	struct ipsec *peer_next;    /* in peer->ipsecs */
	struct isakmp_ipsec_sa sa;  /* keys always zero here */
	uint64_t ike_id;            /* the IKE SA that negotiated it */
	uint64_t created, expires, rekey_at;  /* rekey_at 0 = none */
	uint64_t replaced_by;
	bool rekeying;              /* a replacement is being negotiated */
};

/* A remote client's stable identity (peer.c). */
struct peer {
	struct hlink by_id, by_tuple;
	uint32_t vidx;              /* index in ctx->peers */
	struct timer tm;
	uint64_t id, user;
	struct pol *pol;            /* referenced */
	struct isakmp_addr local, remote;
	bool keyed;                 /* in ctx->peer_tuple (remote ID known) */
	uint8_t rid_type;
	uint8_t rid[ISAKMP_MAX_ID];
	size_t rid_len;
	struct ike_sa *ikes;
	uint32_t n_ike;
	struct ipsec *ipsecs;
	uint32_t n_ipsec;
	bool nat_local, nat_remote, natt_float;  /* from its newest IKE SA */
	bool initiator;             /* we started phase 1 (isakmp_initiate) */
	struct isakmp_addr orig_local, orig_remote;  /* initiator: before floating */
	uint64_t created, last_heard;
	/* DPD (RFC 3706), run on the current IKE SA. */
	uint64_t dpd_due;           /* next check; 0 = off */
	uint64_t dpd_first;         /* first unanswered probe sent at; 0 = none */
	uint32_t dpd_seq, dpd_outstanding, dpd_first_seq;
	uint64_t ka_next;           /* next NAT-T keepalive; 0 = off */
	bool dying;                 /* being torn down: no PEER_DOWN until the end */
};

struct outpkt {
	struct outpkt *next;
	struct isakmp_addr from, to;
	size_t len;
	uint8_t data[];
};

struct isakmp_ctx {
	struct isakmp_config cfg;
	struct isakmp_hooks hooks;
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov_default, *prov_legacy;
	EVP_MAC *hmac;
	const EVP_MD *md[7];
	EVP_CIPHER *c_des, *c_3des, *c_aes128, *c_aes192, *c_aes256;
	EVP_PKEY *dhparams[21];
	uint8_t hkey[16];           /* keyed hash for the tables (SipHash) */
	struct pol *pols, *pols_tail;
	uint32_t n_pols, next_pol_id;
	struct htab ike_cookie, ike_id, peer_id, peer_tuple, ipsec_id;
	struct vec ikes, peers, ipsecs;
	struct rg_heap heap;
	size_t n_sas, n_half_open;
	/* guard.c: per-IP shares, half-open FIFO, stateless cookies, failure limits. */
	struct htab srcs;
	size_t n_resp_half_open;
	struct ike_sa *gho_head, *gho_tail;
	uint8_t ck_key[2][16];      /* responder cookie keys; ck_cur is the current one */
	uint8_t ck_cur;
	uint64_t ck_rotate_at;      /* 0 = keys not made yet */
	struct offer *offers;       /* cfg.cookie_offers slots, 4-way sets */
	struct failrec *fails;      /* cfg.auth_fail_sources slots, 4-way sets */
	struct rlog rl[RL_N];
	uint64_t next_id;
	struct outpkt *out_head, *out_tail;
	struct isakmp_event *events;
	size_t ev_head, ev_count;
	struct isakmp_stats st;
};

/* ctx.c */
void *iki_ik_alloc(struct isakmp_ctx *ctx, size_t n);
void iki_ik_free(struct isakmp_ctx *ctx, void *p);
void iki_ik_log(struct isakmp_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int iki_ik_rng(struct isakmp_ctx *ctx, void *buf, size_t len);

/* crypto.c */
int iki_ikc_init(struct isakmp_ctx *ctx);
void iki_ikc_fini(struct isakmp_ctx *ctx);
int iki_ikc_load_legacy(struct isakmp_ctx *ctx);
int iki_ikc_alg_setup(struct isakmp_ctx *ctx, struct p1alg *a);
size_t iki_ikc_ke_len(int group);
bool iki_ikc_group_ok(int group);
int iki_ikc_prf(struct isakmp_ctx *ctx, const EVP_MD *md, const uint8_t *key, size_t klen,
    const uint8_t *const *parts, const size_t *lens, size_t n, uint8_t *out);
int iki_ikc_hash(const EVP_MD *md, const uint8_t *const *parts, const size_t *lens,
    size_t n, uint8_t *out);
int iki_ikc_dh_new(struct isakmp_ctx *ctx, struct dh *dh, int group);
void iki_ikc_dh_free(struct dh *dh);
int iki_ikc_dh_check_peer(int group, const uint8_t *pub, size_t len);
int iki_ikc_dh_shared(struct isakmp_ctx *ctx, struct dh *dh, const uint8_t *peer,
    size_t len, uint8_t *out, size_t *outlen) __attribute__((warn_unused_result));
int iki_ikc_cbc(const EVP_CIPHER *c, bool enc, const uint8_t *key, const uint8_t *iv,
    const uint8_t *in, size_t len, uint8_t *out) __attribute__((warn_unused_result));
int iki_ikc_skeyids(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *psk,
    size_t psklen, const uint8_t *gxy, size_t gxylen);
int iki_ikc_expand_key(struct isakmp_ctx *ctx, const EVP_MD *md, const uint8_t *skeyid_e,
    size_t h, size_t keylen, uint8_t *out);
int iki_ikc_keymat(struct isakmp_ctx *ctx, struct ike_sa *sa, uint8_t proto, uint32_t spi,
    const struct qm *q, uint8_t *out, size_t need);

/* payload.c */
int iki_pl_parse(struct isakmp_ctx *ctx, const uint8_t *buf, size_t len, struct msg *m)
    __attribute__((warn_unused_result));
const struct payload *iki_pl_find(const struct msg *m, uint8_t type, size_t nth);

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	bool err;
	size_t last_next;   /* offset of the previous payload's next byte */
};
void iki_wb_put(struct wbuf *w, const void *d, size_t n);
void iki_wb_u8(struct wbuf *w, uint8_t v);
void iki_wb_u16(struct wbuf *w, uint16_t v);
void iki_wb_u32(struct wbuf *w, uint32_t v);
size_t iki_wb_begin(struct wbuf *w, uint8_t type);
void iki_wb_end(struct wbuf *w, size_t start);
size_t iki_wb_sub(struct wbuf *w, uint8_t next);
void iki_wb_header(struct wbuf *w, const uint8_t *ic, const uint8_t *rc, uint8_t exch,
    uint8_t flags, uint32_t msgid);
void iki_wb_attr(struct wbuf *w, uint16_t type, uint32_t v);
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
const char *iki_pl_name(uint8_t type);

/* Attribute iteration over a transform body. */
struct attr { uint16_t type; uint32_t val; bool tlv_long; };
int iki_attr_next(const uint8_t **p, const uint8_t *end, struct attr *a)
    __attribute__((warn_unused_result));

/* natt.c */
extern const uint8_t iki_VID_RFC3947[16], iki_VID_DRAFT02N[16], iki_VID_DRAFT02[16], iki_VID_DRAFT03[16],
    iki_VID_DRAFT00[16], iki_VID_DRAFT01[16], iki_VID_DPD[16];
int iki_natd_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct isakmp_addr *a,
    uint8_t *out);

#endif
