/*
 * exchange.h - internals shared by the exchange files of libisakmp: the SA
 * tables (table.c), message crypto (msgcrypt.c), proposals (proposal.c),
 * NAT traversal (natt.c), Main Mode (main_mode.c), Quick Mode
 * (quick_mode.c), Informational exchanges (info.c), input dispatch
 * (dispatch.c) and timers (timers.c).
 */
#ifndef ISAKMP_EXCHANGE_H
#define ISAKMP_EXCHANGE_H

#include "isakmp_int.h"

#define NS 1000000000ull
#define MS 1000000ull

/* ctx.c */
int out_queue(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to, const uint8_t *d, size_t len);
void ev_push(struct isakmp_ctx *ctx, const struct isakmp_event *ev);

/* table.c */
void sa_destroy(struct isakmp_ctx *ctx, struct ike_sa *sa);
extern const uint8_t zero8[8];
void wipe_free(struct isakmp_ctx *ctx, uint8_t **p, size_t *len);
int store(struct isakmp_ctx *ctx, uint8_t **p, size_t *plen, const uint8_t *d, size_t len);
void qm_clear(struct isakmp_ctx *ctx, struct qm *q);
struct ike_sa *sa_new(struct isakmp_ctx *ctx, bool initiator, const struct isakmp_addr *local,
    const struct isakmp_addr *remote, size_t policy);
void sa_established(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct isakmp_policy *pol(struct isakmp_ctx *ctx, struct ike_sa *sa);
void ev_base(struct ike_sa *sa, struct isakmp_event *ev, int type);
void ev_qm(struct isakmp_ctx *ctx, struct ike_sa *sa, struct qm *q, int type);
struct ike_sa *sa_lookup(struct isakmp_ctx *ctx, const struct msg *m, const struct isakmp_addr *from,
    const struct isakmp_addr *to);

/* msgcrypt.c */
int encrypt_msg(struct ike_sa *sa, struct wbuf *w, uint8_t *iv);
void finish_len(struct wbuf *w);
int decrypt_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *pkt, size_t len,
    const uint8_t *iv, uint8_t *out, uint8_t *next_iv);
int p2_iv(struct ike_sa *sa, uint32_t msgid, uint8_t *iv);
int send_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *d, size_t len);
int queue_stored(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w, bool store_tx);
void add_hash_placeholder(struct ike_sa *sa, struct wbuf *w, size_t *hoff);
int qm_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, bool zero, uint32_t msgid,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out);
bool same_as(const uint8_t *stored, size_t slen, const uint8_t *pkt, size_t len);
int resend(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *tx, size_t txlen);

/* proposal.c */
int p1_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen,
    struct isakmp_p1_proposal *out, uint16_t *auth);

struct sa_iter {
	const uint8_t *prop;   /* current proposal payload */
	size_t proplen;
	const uint8_t *tr;     /* current transform payload */
	size_t trlen;
};
int sa_validate(struct isakmp_ctx *ctx, const uint8_t *b, size_t len, uint8_t want_proto);
bool sa_next(const uint8_t *b, size_t len, struct sa_iter *it);
bool p1_match(struct isakmp_ctx *ctx, const struct isakmp_policy *p, const struct isakmp_p1_proposal *want,
    const struct isakmp_p1_proposal *got);
void write_p1_transform(struct wbuf *w, uint8_t num, const struct isakmp_p1_proposal *p, bool last);
size_t esp_enc_keylen(const struct isakmp_p2_proposal *p);
size_t esp_auth_keylen(uint16_t auth);
bool encap_udp(uint16_t e);
bool encap_tunnel(uint16_t e);
uint16_t our_encap(struct isakmp_ctx *ctx, struct ike_sa *sa);

struct p2got {
	struct isakmp_p2_proposal p;
	uint16_t encap;
	uint16_t group;
	bool bad;
};
int p2_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen, struct p2got *g);
bool p2_match(const struct isakmp_policy *pl, const struct isakmp_p2_proposal *want,
    const struct p2got *g);

/* natt.c */
void add_vid(struct wbuf *w, const uint8_t *vid);
int add_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w);
int check_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m);
void scan_vids(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m);
void add_natoa(struct ike_sa *sa, struct wbuf *w, uint32_t ip);
void qm_natoa(struct ike_sa *sa, struct qm *q, const struct msg *m);

/* main_mode.c */
int check_nonce(struct isakmp_ctx *ctx, const struct payload *n);
void add_id_addr(struct wbuf *w, uint32_t ip, uint8_t proto, uint16_t port, size_t *start);
int r_mm1(struct isakmp_ctx *ctx, uint64_t now, const struct msg *m, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to);
int r_mm3(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m, const uint8_t *pkt,
    size_t len);
int i_mm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m);
int i_mm4(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m);
int i_mm6(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *next_iv);
int r_mm5_by_psk(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct msg *m,
    const uint8_t *pkt, size_t len, const struct isakmp_addr *from,
    const struct isakmp_addr *to);

/* quick_mode.c */
struct qm *qm_find(struct ike_sa *sa, uint32_t msgid);
int qm_initiate(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa);
int first_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m);
int r_qm1(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *iv_next, const uint8_t *pkt, size_t len);
int r_qm3(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next, const uint8_t *pkt, size_t len);
int i_qm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next);

/* info.c */
int send_notify(struct isakmp_ctx *ctx, struct ike_sa *sa, uint16_t type, const uint8_t *data,
    size_t dlen);
void sa_remove(struct isakmp_ctx *ctx, struct ike_sa *sa, int evtype, bool deletes);
void qm_drop_peer_older(struct isakmp_ctx *ctx, struct ike_sa *sa);
int info_input(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    bool *removed);

#endif
