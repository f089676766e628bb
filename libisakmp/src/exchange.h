/*
 * exchange.h - internals shared by libisakmp's source files beyond the
 * message codec (isakmp_int.h): tables (hash.c, table.c), peers (peer.c),
 * IPsec SAs (ipsec.c), policies (policy.c), message crypto (msgcrypt.c), proposals
 * (proposal.c), NAT traversal (natt.c), Main Mode (main_mode.c), Quick Mode
 * (quick_mode.c), Informational exchanges (info.c), input dispatch and
 * script tables (dispatch.c), timers and rekeys (timers.c).
 */
#ifndef ISAKMP_EXCHANGE_H
#define ISAKMP_EXCHANGE_H

#include <stddef.h>

#include "isakmp_int.h"

#define NS 1000000000ull
#define MS 1000000ull

#define HT_ENTRY(l, type, member) \
	((type *)(void *)((char *)(l) - offsetof(type, member)))

/* The messages we receive, for the script tables (dispatch.c). */
enum msg_kind {
	MSG_MM1, MSG_MM2, MSG_MM3, MSG_MM4, MSG_MM5, MSG_MM6,
	MSG_QM1, MSG_QM2, MSG_QM3, MSG_QM_DONE, MSG_INFO
};

/* ctx.c */
uint64_t ik_new_id(struct isakmp_ctx *ctx);
int out_queue(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to, const uint8_t *d, size_t len);
int out_keepalive(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to);
void ev_push(struct isakmp_ctx *ctx, const struct isakmp_event *ev);
size_t ev_room(const struct isakmp_ctx *ctx);
void *heap_alloc_cb(void *user, size_t n);
void heap_free_cb(void *user, void *p);

/* hash.c */
int ht_init(struct isakmp_ctx *ctx, struct htab *t);
void ht_fini(struct isakmp_ctx *ctx, struct htab *t);
uint64_t ht_hash(const struct isakmp_ctx *ctx, const void *key, size_t len);
void ht_insert(struct isakmp_ctx *ctx, struct htab *t, struct hlink *l, uint64_t h);
void ht_remove(struct htab *t, struct hlink *l);
struct hlink *ht_first(const struct htab *t, uint64_t h);
struct hlink *ht_next(const struct hlink *l);
int vec_add(struct isakmp_ctx *ctx, struct vec *v, void *obj, uint32_t *idx);
void *vec_del(struct vec *v, uint32_t idx);
void vec_fini(struct isakmp_ctx *ctx, struct vec *v);

/* policy.c */
void pol_ref(struct pol *p);
void pol_unref(struct isakmp_ctx *ctx, struct pol *p);
struct pol *pol_by_id(const struct isakmp_ctx *ctx, uint32_t id);
struct pol *pol_for_peer(const struct isakmp_ctx *ctx, uint32_t ip);
void pol_free_all(struct isakmp_ctx *ctx);

/* table.c */
extern const uint8_t zero8[8];
void wipe_free(struct isakmp_ctx *ctx, uint8_t **p, size_t *len);
int store(struct isakmp_ctx *ctx, uint8_t **p, size_t *plen, const uint8_t *d, size_t len);
void qm_clear(struct isakmp_ctx *ctx, struct qm *q);
uint64_t id_hash(const struct isakmp_ctx *ctx, uint64_t id);
void sa_destroy(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct ike_sa *sa_new(struct isakmp_ctx *ctx, uint64_t now, bool initiator,
    const uint8_t *icookie, const struct isakmp_addr *local,
    const struct isakmp_addr *remote, struct pol *pol, int *err);
void sa_established(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct isakmp_policy *pol(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct ike_sa *sa_by_id(const struct isakmp_ctx *ctx, uint64_t id);
struct ike_sa *sa_lookup(struct isakmp_ctx *ctx, const struct msg *m,
    const struct isakmp_addr *from, const struct isakmp_addr *to);
struct qm *qm_find(struct ike_sa *sa, uint32_t msgid);
struct qm *qm_slot(struct isakmp_ctx *ctx, struct ike_sa *sa);

/* peer.c */
bool addr_eq(const struct isakmp_addr *a, const struct isakmp_addr *b);
struct peer *peer_by_id(const struct isakmp_ctx *ctx, uint64_t id);
void ev_peer(const struct peer *p, struct isakmp_event *ev, enum isakmp_event_type type);
void peer_gone_check(struct isakmp_ctx *ctx, struct peer *p, enum isakmp_reason cause);
void peer_link_ike(struct peer *p, struct ike_sa *sa);
void peer_unlink_ike(struct peer *p, struct ike_sa *sa);
struct ike_sa *peer_current_ike(const struct peer *p);
struct peer *peer_new(struct isakmp_ctx *ctx, uint64_t now, struct pol *pol, int *err);
void peer_destroy(struct isakmp_ctx *ctx, struct peer *p);
void peer_refresh(struct isakmp_ctx *ctx, uint64_t now, struct peer *p);
void ike_remove(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    enum isakmp_reason cause, bool deletes);
void peer_teardown(struct isakmp_ctx *ctx, uint64_t now, struct peer *p,
    enum isakmp_reason cause, bool deletes);
int peer_attach_responder(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, bool ic);
void peer_detach_failed(struct isakmp_ctx *ctx, struct ike_sa *sa);
void peer_phase1_up(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa);
void peer_move(struct isakmp_ctx *ctx, struct peer *p, const struct isakmp_addr *to);

/* ipsec.c */
struct ipsec *ipsec_by_id(const struct isakmp_ctx *ctx, uint64_t id);
struct ipsec *ipsec_by_spi_out(const struct peer *p, uint32_t spi);
void ipsec_destroy(struct isakmp_ctx *ctx, struct ipsec *x);
void ipsec_remove(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x,
    enum isakmp_reason cause, bool deletes);
bool ipsec_room(struct isakmp_ctx *ctx, const struct peer *p);
int ipsec_install(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    const struct isakmp_ipsec_sa *e, struct ipsec **out);

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
bool p1_match(struct isakmp_ctx *ctx, const struct isakmp_policy *p,
    const struct isakmp_p1_proposal *want, const struct isakmp_p1_proposal *got);
void write_p1_transform(struct wbuf *w, uint8_t num, const struct isakmp_p1_proposal *p,
    bool last);
size_t esp_enc_keylen(const struct isakmp_p2_proposal *p);
size_t esp_integ_keylen(uint16_t integ);
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
void msg_authenticated(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m,
    bool fresh_by_state);

/* main_mode.c */
int check_nonce(struct isakmp_ctx *ctx, const struct payload *n);
void add_id_addr(struct wbuf *w, uint32_t ip, uint8_t proto, uint16_t port, size_t *start);
int r_mm1(struct isakmp_ctx *ctx, uint64_t now, const struct msg *m, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to);
int r_mm3(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m, const uint8_t *pkt,
    size_t len);
int mm_start(struct isakmp_ctx *ctx, uint64_t now, struct pol *pe,
    const struct isakmp_addr *local, const struct isakmp_addr *remote, struct peer *peer,
    bool ic, bool want_qm, uint64_t rekey_of);
int i_mm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m);
int i_mm4(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m);
int i_mm6(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *next_iv);
int r_mm5_by_psk(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct msg *m,
    const uint8_t *pkt, size_t len, const struct isakmp_addr *from,
    const struct isakmp_addr *to);

/* quick_mode.c */
int qm_initiate(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    const struct ipsec *of);
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
void send_delete_esp(struct isakmp_ctx *ctx, struct peer *p, uint32_t spi_in);
void send_delete_isakmp(struct isakmp_ctx *ctx, struct ike_sa *sa);
void dpd_probe(struct isakmp_ctx *ctx, struct ike_sa *sa, struct peer *p);
void dpd_ack(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, uint32_t seq);
int info_input(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    bool *removed);

/* dispatch.c */
int script_check(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m,
    enum msg_kind k);

/* timers.c */
void ike_rearm(struct isakmp_ctx *ctx, struct ike_sa *sa);
void peer_rearm(struct isakmp_ctx *ctx, struct peer *p);
void ipsec_rearm(struct isakmp_ctx *ctx, struct ipsec *x);
int ike_start_rekey(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, bool want_qm,
    uint64_t rekey_of);
int ipsec_start_rekey(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x);

#endif
