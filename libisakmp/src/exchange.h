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
uint64_t iki_ik_new_id(struct isakmp_ctx *ctx);
int iki_out_queue(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to, const uint8_t *d, size_t len);
int iki_out_keepalive(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to);
void iki_ev_push(struct isakmp_ctx *ctx, const struct isakmp_event *ev);
size_t iki_ev_room(const struct isakmp_ctx *ctx);
void *iki_heap_alloc_cb(void *user, size_t n);
void iki_heap_free_cb(void *user, void *p);

/* hash.c */
int iki_ht_init(struct isakmp_ctx *ctx, struct htab *t);
void iki_ht_fini(struct isakmp_ctx *ctx, struct htab *t);
uint64_t iki_ht_hash(const struct isakmp_ctx *ctx, const void *key, size_t len);
void iki_ht_insert(struct isakmp_ctx *ctx, struct htab *t, struct hlink *l, uint64_t h);
void iki_ht_remove(struct htab *t, struct hlink *l);
struct hlink *iki_ht_first(const struct htab *t, uint64_t h);
struct hlink *iki_ht_next(const struct hlink *l);
int iki_vec_add(struct isakmp_ctx *ctx, struct vec *v, void *obj, uint32_t *idx);
void *iki_vec_del(struct vec *v, uint32_t idx);
void iki_vec_fini(struct isakmp_ctx *ctx, struct vec *v);

/* policy.c */
void iki_pol_ref(struct pol *p);
void iki_pol_unref(struct isakmp_ctx *ctx, struct pol *p);
struct pol *iki_pol_by_id(const struct isakmp_ctx *ctx, uint32_t id);
struct pol *iki_pol_for_peer(const struct isakmp_ctx *ctx, uint32_t ip);
void iki_pol_free_all(struct isakmp_ctx *ctx);

/* table.c */
extern const uint8_t iki_zero8[8];
void iki_wipe_free(struct isakmp_ctx *ctx, uint8_t **p, size_t *len);
int iki_store(struct isakmp_ctx *ctx, uint8_t **p, size_t *plen, const uint8_t *d, size_t len);
void iki_qm_clear(struct isakmp_ctx *ctx, struct qm *q);
uint64_t iki_id_hash(const struct isakmp_ctx *ctx, uint64_t id);
void iki_sa_destroy(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct ike_sa *iki_sa_new(struct isakmp_ctx *ctx, uint64_t now, bool initiator,
    const uint8_t *icookie, const struct isakmp_addr *local,
    const struct isakmp_addr *remote, struct pol *pol, int *err);
void iki_sa_established(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct isakmp_policy *iki_pol(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct ike_sa *iki_sa_by_id(const struct isakmp_ctx *ctx, uint64_t id);
struct ike_sa *iki_sa_lookup(struct isakmp_ctx *ctx, const struct msg *m,
    const struct isakmp_addr *from, const struct isakmp_addr *to);
struct qm *iki_qm_find(struct ike_sa *sa, uint32_t msgid);
struct qm *iki_qm_slot(struct isakmp_ctx *ctx, struct ike_sa *sa);

/* peer.c */
bool iki_addr_eq(const struct isakmp_addr *a, const struct isakmp_addr *b);
struct peer *iki_peer_by_id(const struct isakmp_ctx *ctx, uint64_t id);
void iki_ev_peer(const struct peer *p, struct isakmp_event *ev, enum isakmp_event_type type);
void iki_peer_gone_check(struct isakmp_ctx *ctx, struct peer *p, enum isakmp_reason cause);
void iki_peer_link_ike(struct peer *p, struct ike_sa *sa);
void iki_peer_unlink_ike(struct peer *p, struct ike_sa *sa);
struct ike_sa *iki_peer_current_ike(const struct peer *p);
struct peer *iki_peer_new(struct isakmp_ctx *ctx, uint64_t now, struct pol *pol, int *err);
void iki_peer_destroy(struct isakmp_ctx *ctx, struct peer *p);
void iki_peer_refresh(struct isakmp_ctx *ctx, uint64_t now, struct peer *p);
void iki_ike_remove(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    enum isakmp_reason cause, bool deletes);
void iki_peer_teardown(struct isakmp_ctx *ctx, uint64_t now, struct peer *p,
    enum isakmp_reason cause, bool deletes);
int iki_peer_attach_responder(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, bool ic);
void iki_peer_detach_failed(struct isakmp_ctx *ctx, struct ike_sa *sa);
void iki_peer_phase1_up(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa);
void iki_peer_move(struct isakmp_ctx *ctx, struct peer *p, const struct isakmp_addr *to);

/* ipsec.c */
struct ipsec *iki_ipsec_by_id(const struct isakmp_ctx *ctx, uint64_t id);
struct ipsec *iki_ipsec_by_spi_out(const struct peer *p, uint32_t spi);
void iki_ipsec_destroy(struct isakmp_ctx *ctx, struct ipsec *x);
void iki_ipsec_remove(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x,
    enum isakmp_reason cause, bool deletes);
bool iki_ipsec_room(struct isakmp_ctx *ctx, const struct peer *p);
int iki_ipsec_install(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    const struct isakmp_ipsec_sa *e, struct ipsec **out);

/* msgcrypt.c */
int iki_encrypt_msg(struct ike_sa *sa, struct wbuf *w, uint8_t *iv);
void iki_finish_len(struct wbuf *w);
int iki_decrypt_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *pkt, size_t len,
    const uint8_t *iv, uint8_t *out, uint8_t *next_iv);
int iki_p2_iv(struct ike_sa *sa, uint32_t msgid, uint8_t *iv);
int iki_send_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *d, size_t len);
int iki_queue_stored(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w, bool store_tx);
void iki_add_hash_placeholder(struct ike_sa *sa, struct wbuf *w, size_t *hoff);
int iki_qm_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, bool zero, uint32_t msgid,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out);
bool iki_same_as(const uint8_t *stored, size_t slen, const uint8_t *pkt, size_t len);
int iki_resend(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *tx, size_t txlen);

/* proposal.c */
int iki_p1_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen,
    struct isakmp_p1_proposal *out, uint16_t *auth);
struct sa_iter {
	const uint8_t *prop;   /* current proposal payload */
	size_t proplen;
	const uint8_t *tr;     /* current transform payload */
	size_t trlen;
};
int iki_sa_validate(struct isakmp_ctx *ctx, const uint8_t *b, size_t len, uint8_t want_proto);
bool iki_sa_next(const uint8_t *b, size_t len, struct sa_iter *it);
bool iki_p1_match(struct isakmp_ctx *ctx, const struct isakmp_policy *p,
    const struct isakmp_p1_proposal *want, const struct isakmp_p1_proposal *got);
void iki_write_p1_transform(struct wbuf *w, uint8_t num, const struct isakmp_p1_proposal *p,
    bool last);
size_t iki_esp_enc_keylen(const struct isakmp_p2_proposal *p);
size_t iki_esp_integ_keylen(uint16_t integ);
bool iki_encap_udp(uint16_t e);
bool iki_encap_tunnel(uint16_t e);
uint16_t iki_our_encap(struct isakmp_ctx *ctx, struct ike_sa *sa);
struct p2got {
	struct isakmp_p2_proposal p;
	uint16_t encap;
	uint16_t group;
	bool bad;
};
int iki_p2_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen, struct p2got *g);
bool iki_p2_match(const struct isakmp_policy *pl, const struct isakmp_p2_proposal *want,
    const struct p2got *g);

/* natt.c */
void iki_add_vid(struct wbuf *w, const uint8_t *vid);
int iki_add_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w);
int iki_check_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m);
void iki_scan_vids(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m);
void iki_natt_select(struct isakmp_ctx *ctx, struct ike_sa *sa);
void iki_add_natoa(struct ike_sa *sa, struct wbuf *w, uint32_t ip);
void iki_qm_natoa(struct ike_sa *sa, struct qm *q, const struct msg *m);
void iki_msg_authenticated(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m,
    bool fresh_by_state);

/* main_mode.c */
int iki_check_nonce(struct isakmp_ctx *ctx, const struct payload *n);
void iki_add_id_addr(struct wbuf *w, uint32_t ip, uint8_t proto, uint16_t port, size_t *start);
int iki_r_mm1(struct isakmp_ctx *ctx, uint64_t now, const struct msg *m, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to);
int iki_r_mm3(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m, const uint8_t *pkt,
    size_t len);
int iki_r_mm3_cookie(struct isakmp_ctx *ctx, uint64_t now, struct msg *m, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to);
int iki_mm_start(struct isakmp_ctx *ctx, uint64_t now, struct pol *pe,
    const struct isakmp_addr *local, const struct isakmp_addr *remote, struct peer *peer,
    bool ic, bool want_qm, uint64_t rekey_of);
int iki_i_mm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m);
int iki_i_mm4(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m);
int iki_i_mm6(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *next_iv);
int iki_r_mm5_by_psk(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct msg *m,
    const uint8_t *pkt, size_t len, const struct isakmp_addr *from,
    const struct isakmp_addr *to);

/* quick_mode.c */
int iki_qm_initiate(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa,
    const struct ipsec *of);
int iki_first_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m);
int iki_r_qm1(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *iv_next, const uint8_t *pkt, size_t len);
int iki_r_qm3(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next, const uint8_t *pkt, size_t len);
int iki_i_qm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next);

/* info.c */
int iki_send_notify(struct isakmp_ctx *ctx, struct ike_sa *sa, uint16_t type, const uint8_t *data,
    size_t dlen);
void iki_send_delete_esp(struct isakmp_ctx *ctx, struct peer *p, uint32_t spi_in);
void iki_send_delete_isakmp(struct isakmp_ctx *ctx, struct ike_sa *sa);
void iki_dpd_probe(struct isakmp_ctx *ctx, struct ike_sa *sa, struct peer *p);
void iki_dpd_ack(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, uint32_t seq);
int iki_info_input(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    bool *removed);

/* guard.c */
void iki_rl_log(struct isakmp_ctx *ctx, int kind, uint64_t now, int level, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int iki_guard_init(struct isakmp_ctx *ctx);
void iki_guard_fini(struct isakmp_ctx *ctx);
int iki_admit_responder(struct isakmp_ctx *ctx, uint64_t now, uint32_t ip);
int iki_src_attach(struct isakmp_ctx *ctx, struct ike_sa *sa);
void iki_src_half_open_done(struct isakmp_ctx *ctx, struct ike_sa *sa);
void iki_src_detach(struct isakmp_ctx *ctx, struct ike_sa *sa);
bool iki_want_cookie(struct isakmp_ctx *ctx, uint32_t ip);
int iki_cookie_make(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *icookie,
    const struct isakmp_addr *from, const struct isakmp_addr *to, const uint8_t *sab,
    size_t salen, uint8_t flags, uint8_t rcookie[8]);
int iki_cookie_check(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *icookie,
    const uint8_t *rcookie, const struct isakmp_addr *from, const struct isakmp_addr *to,
    const uint8_t **sab, size_t *salen, uint8_t *flags) __attribute__((warn_unused_result));
void iki_cookie_validated(struct isakmp_ctx *ctx, const uint8_t *rcookie);
int iki_auth_limited(struct isakmp_ctx *ctx, uint64_t now, const struct ike_sa *sa, struct pol *pol);
void iki_auth_failed(struct isakmp_ctx *ctx, uint64_t now, const struct ike_sa *sa, struct pol *pol);
void iki_ev_push_low(struct isakmp_ctx *ctx, uint64_t now, const struct isakmp_event *ev);
/* Cookie flag bits (what MM2 announced). */
enum { CKF_NATT_RFC = 1, CKF_NATT_DRAFT = 2, CKF_DPD = 4 };

/* dispatch.c */
int iki_script_check(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m,
    enum msg_kind k);

/* timers.c */
void iki_ike_rearm(struct isakmp_ctx *ctx, struct ike_sa *sa);
void iki_peer_rearm(struct isakmp_ctx *ctx, struct peer *p);
void iki_ipsec_rearm(struct isakmp_ctx *ctx, struct ipsec *x);
int iki_ike_start_rekey(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, bool want_qm,
    uint64_t rekey_of);
int iki_ipsec_start_rekey(struct isakmp_ctx *ctx, uint64_t now, struct ipsec *x);

#endif
