/*
 * ppp_int.h - internal structures of libppp.
 */
#ifndef PPP_INT_H
#define PPP_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <roadgate/ppp.h>

#include "rg_heap.h"

#define PROTO_IP	0x0021
#define PROTO_IPCP	0x8021
#define PROTO_LCP	0xc021
#define PROTO_PAP	0xc023
#define PROTO_CHAP	0xc223

/* Control packet codes (RFC 1661 §5). */
#define CODE_CONFREQ	1
#define CODE_CONFACK	2
#define CODE_CONFNAK	3
#define CODE_CONFREJ	4
#define CODE_TERMREQ	5
#define CODE_TERMACK	6
#define CODE_CODEREJ	7
#define CODE_PROTREJ	8
#define CODE_ECHOREQ	9
#define CODE_ECHOREP	10
#define CODE_DISCREQ	11

/* RFC 1661 §4.2 states. */
enum fsm_state {
	ST_INITIAL, ST_STARTING, ST_CLOSED, ST_STOPPED, ST_CLOSING,
	ST_STOPPING, ST_REQSENT, ST_ACKRCVD, ST_ACKSENT, ST_OPENED
};

/* RFC 1661 §4.3 events. */
enum fsm_event {
	EV_UP, EV_DOWN, EV_OPEN, EV_CLOSE, EV_TO_PLUS, EV_TO_MINUS,
	EV_RCR_PLUS, EV_RCR_MINUS, EV_RCA, EV_RCN, EV_RTR, EV_RTA, EV_RUC,
	EV_RXJ_PLUS, EV_RXJ_MINUS, EV_RXR, EV_COUNT
};

struct fsm;

/* Per-protocol actions the automaton calls (RFC 1661 §4.4). */
struct fsm_ops {
	const char *name;
	void (*tlu)(struct fsm *);
	void (*tld)(struct fsm *);
	void (*tls)(struct fsm *);
	void (*tlf)(struct fsm *);
	/* Builds our Configure-Request options; returns length. */
	size_t (*build_req)(struct fsm *, uint8_t *buf, size_t cap);
	/* Sends a control packet (code, id, data) on the protocol. */
	void (*send)(struct fsm *, uint8_t code, uint8_t id,
	    const uint8_t *data, size_t len);
};

/* Argument for events carrying a packet. */
struct fsm_arg {
	uint8_t id;		/* identifier of the received packet */
	uint8_t code;		/* RCR: our reply code (ACK/NAK/REJ) */
	const uint8_t *data;	/* RCR: reply options; RUC: rejected packet */
	size_t len;
};

struct fsm {
	const struct fsm_ops *ops;
	struct ppp_session *sess;
	uint64_t timer;		/* absolute ns, UINT64_MAX = stopped */
	uint64_t restart_ns;
	uint64_t now;		/* time of the event being processed */
	uint8_t state;
	uint8_t reqid;		/* identifier of our last Configure-Request */
	uint8_t nextid;
	uint8_t restart;	/* restart counter */
	uint8_t failures;	/* Naks sent since last Ack (Max-Failure) */
	uint8_t max_configure, max_terminate;
	uint16_t rcr;		/* Configure packets received while not opened */
};

/* fsm.c */
void ppp_fsm_init(struct fsm *, const struct fsm_ops *, struct ppp_session *,
    uint64_t restart_ns, uint8_t max_configure, uint8_t max_terminate);
void ppp_fsm_event(struct fsm *, enum fsm_event, const struct fsm_arg *);
const char *ppp_fsm_state_name(int);
const char *ppp_fsm_event_name(int);

/*
 * Queues.  Every queued frame and event is linked twice: in the context's
 * FIFO (what ppp_next_output / ppp_next_event pop) and in its session's
 * FIFO (so a freed session drops its own entries in O(own entries)).  The
 * context's head is always the head of its session's list.
 */
struct qnode {
	struct qnode *gnext, *gprev;	/* context list */
	struct qnode *snext;		/* session list */
	struct ppp_session *sess;
};

struct qlist {
	struct qnode *head, *tail;
	uint32_t n;
};

struct outq {
	struct qnode q;
	size_t len;
	uint8_t data[];
};

struct evq {
	struct qnode q;
	struct ppp_event ev;
};

enum phase { PH_DEAD, PH_ESTABLISH, PH_AUTH, PH_NETWORK, PH_TERMINATE };

/* Authentication sub-state. */
enum auth_state {
	AU_IDLE, AU_WAIT_RESPONSE, AU_PENDING, AU_DONE, AU_FAILED,
	AU_CLIENT_WAIT, AU_CLIENT_SENT,
	AU_RETRY		/* server: the challenge could not be made
				 * (rng failure); auth_timer retries */
};

/* Client credentials, allocated only for client sessions. */
struct client_creds {
	uint8_t user_len, pw_len;
	char user[PPP_MAX_NAME];
	char pw[PPP_MAX_SECRET];
	uint8_t expect_s[20];	/* MS-CHAPv2 authenticator response */
	uint8_t last_resp[49];	/* last CHAP response value (resent as is) */
	uint8_t last_resp_len;
};

/* A short string in a block of its own, sized to it (names, messages). */
struct text {
	uint8_t len, cap;
	char s[];
};

struct ppp_session {
	struct ppp_ctx *ctx;
	uint64_t user;
	uint32_t slot;			/* index in ctx->sess */
	struct rg_heap_node tnode;	/* earliest of the timers below */
	struct qlist out, ev;		/* this session's queued entries */
	struct qnode down_node;		/* LINK_DOWN, queued without memory */
	struct client_creds *creds;
	struct text *name;		/* challenge name; NULL: the context's */
	struct text *peer_name;		/* server: the name of the round */
	struct text *msg;		/* server: text of our verdict (the
					 * application's), NULL: default */
	struct fsm lcp, ipcp;
	uint64_t now, created_ns, ip_up_ns;
	uint64_t auth_timer, echo_timer, rechallenge_timer, echo_window;
	uint64_t auth_deadline;		/* server: the application's answer */
	/* Per-session configuration (struct ppp_session_config resolved). */
	uint64_t echo_interval_ns, rechallenge_ns;
	uint8_t auth_list[PPP_MAX_AUTH_METHODS], n_auth;
	uint8_t accept_none;		/* client: a server asking for none */
	uint8_t echo_max_misses;
	/* Data path counters. */
	uint64_t ip_in, ip_bytes_in, ip_out, ip_bytes_out;
	uint16_t echo_count;
	uint8_t role, phase, auth_state, auth_method, auth_id, auth_tries;
	uint8_t echo_misses, echo_id, loopback_hits, down_reported;
	uint8_t ip_up_reported, down_reason, authenticated;
	/* LCP: what we request / what was negotiated. */
	uint32_t magic, peer_magic;
	uint16_t peer_mru, local_mru, cfg_mru;
	uint8_t req_mru, req_magic, req_auth;	/* options still in our request */
	uint8_t peer_auth;			/* client: method peer requires */
	uint8_t auth_idx;			/* server: index in auth_list */
	/* Authentication data of the current round. */
	uint8_t challenge[16];
	uint8_t auth_resp[20];			/* server: MS-CHAPv2 S= value */
	uint8_t stale_reply;			/* server: an AUTH_REQUEST of an
						 * abandoned round awaits its answer */
	uint16_t verdict_error;			/* server: E= of our Failure */
	/* IPCP. */
	uint32_t local_addr, peer_addr, dns[2], nbns[2];
	uint8_t ip_req;		/* bit mask of options still requested */
	uint8_t addr_wanted;
	uint8_t addr_hinted;	/* server: a request without IP-Address was
				 * Nak'd in this IPCP negotiation */
	uint8_t auth_bound;	/* server: authenticated once; peer_name is
				 * the link's user from then on */
	uint16_t rej_count;	/* Code-/Protocol-Rejects in rej_window */
	uint64_t rej_window;
};

/* Kinds of rate-limited log lines (ppp_bad_rl). */
enum ppp_rl_kind { RL_UNKNOWN, RL_REJECT, RL_SPOOF, RL_KINDS };

struct ppp_rl {
	uint64_t window;		/* start of the one-second window */
	uint32_t lines;			/* emitted in it */
	uint64_t suppressed;		/* since the last line emitted */
};

struct ppp_ctx {
	struct ppp_hooks hooks;
	struct ppp_config cfg;		/* defaults filled in */
	char name[PPP_MAX_NAME + 1];
	size_t name_len;
	struct ppp_stats stats;
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov_default, *prov_legacy;
	EVP_MD *md5, *sha1, *md4;
	EVP_CIPHER *des;
	EVP_MD_CTX *mdctx;
	EVP_CIPHER_CTX *cctx;
	/* Sessions: a dense table (cursor of ppp_session_next). */
	struct ppp_session **sess;
	uint32_t n_sess, cap_sess;
	struct rg_heap timers;		/* one node per session */
	struct qlist out, ev;		/* context FIFOs (gnext/gprev) */
	struct ppp_rl rl[RL_KINDS];
};

/* ctx.c */
void *ppp_zalloc(struct ppp_ctx *, size_t);
void ppp_free(struct ppp_ctx *, void *);
void ppp_log(struct ppp_ctx *, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ppp_bad(struct ppp_ctx *, uint64_t *counter, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int ppp_bad_rl(struct ppp_ctx *, uint64_t now, enum ppp_rl_kind,
    uint64_t *counter, int err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void ppp_escape(char *dst, size_t cap, const uint8_t *src, size_t len);
int ppp_random(struct ppp_ctx *, void *, size_t);
bool ppp_have_mschap(const struct ppp_ctx *);
int ppp_check_methods(const enum ppp_auth_method *, size_t n);

/* queue.c */
int ppp_sess_send(struct ppp_session *, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
int ppp_sess_send_raw(struct ppp_session *, uint16_t proto, const uint8_t *data,
    size_t len, const uint8_t *data2, size_t len2);
struct ppp_event *ppp_sess_event(struct ppp_session *, enum ppp_event_type);
void ppp_queue_down(struct ppp_session *);
void ppp_queue_drop(struct ppp_session *);
size_t ppp_queue_memory(const struct ppp_session *);

/* timer.c */
uint64_t ppp_sess_deadline(const struct ppp_session *);
void ppp_sess_rearm(struct ppp_session *);
void ppp_sess_set_now(struct ppp_session *, uint64_t now);

/* session.c */
void ppp_sess_link_down(struct ppp_session *, enum ppp_down_reason);
void ppp_sess_enter_network(struct ppp_session *);

/* input.c */
int ppp_protocol_reject(struct ppp_session *, uint16_t proto, const uint8_t *,
    size_t);
/* Takes one reject from the session's per-second budget (reject_rate);
 * false (counted, logged rate limited) when it is spent. */
bool ppp_reject_budget(struct ppp_session *, const char *what);

/* cp.c: packet handling shared by LCP and IPCP (RFC 1661 §5). */
struct cp_reply {
	uint8_t nak[PPP_MAX_FRAME];	/* Nak'd options, our values */
	uint8_t rej[PPP_MAX_FRAME];	/* rejected options, as received */
	uint8_t nakorig[PPP_MAX_FRAME];	/* the Nak'd options as received */
	size_t naklen, rejlen, nakoriglen;
};
int ppp_opts_validate(struct ppp_session *, const char *proto, const uint8_t *,
    size_t);
int ppp_fsm_count_rcv(struct fsm *);
void ppp_cp_reply_init(struct cp_reply *);
void ppp_cp_nak(struct cp_reply *, const uint8_t *orig, const uint8_t *opt,
    size_t olen);
void ppp_cp_rej(struct cp_reply *, const uint8_t *orig);
void ppp_cp_reply_send(struct fsm *, struct cp_reply *, uint8_t id,
    const uint8_t *p, size_t n,
    void (*commit)(struct ppp_session *, const uint8_t *, size_t));
int ppp_cp_check_id(struct fsm *, uint8_t id, const char *what);
int ppp_cp_rcv_ack(struct fsm *, uint8_t id, const uint8_t *p, size_t n);
int ppp_cp_unknown_code(struct fsm *, uint8_t code, const uint8_t *p, size_t n);

/* lcp.c */
extern const struct fsm_ops ppp_lcp_ops;
int ppp_lcp_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
void ppp_lcp_echo_timer(struct ppp_session *);

/* ipcp.c */
extern const struct fsm_ops ppp_ipcp_ops;
int ppp_ipcp_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
void ppp_ipcp_start(struct ppp_session *);

/* auth.c: the authentication phase, shared by the three methods. */
#define AUTH_PAP_REQ		1
#define AUTH_PAP_ACK		2
#define AUTH_PAP_NAK		3
#define AUTH_CHAP_CHALLENGE	1
#define AUTH_CHAP_RESPONSE	2
#define AUTH_CHAP_SUCCESS	3
#define AUTH_CHAP_FAILURE	4
#define MSV2_VALUE		49	/* RFC 2759 §4: Response value size */

void ppp_auth_start(struct ppp_session *);
void ppp_auth_timer(struct ppp_session *);
void ppp_auth_deadline(struct ppp_session *);
void ppp_auth_rechallenge(struct ppp_session *);
void ppp_auth_fail(struct ppp_session *, int err, const uint8_t *msg,
    size_t mlen);
void ppp_auth_succeed(struct ppp_session *, const uint8_t *msg, size_t mlen);
int ppp_auth_server_dup(struct ppp_session *, uint8_t id);
int ppp_auth_queue_request(struct ppp_session *, const uint8_t *name,
    size_t nlen, const uint8_t *val, size_t vlen);
int ppp_auth_send_verdict(struct ppp_session *, bool ok);
uint64_t ppp_auth_restart_ns(const struct ppp_session *);
const char *ppp_auth_verdict_text(const struct ppp_session *, bool ok,
    size_t *len);
size_t ppp_sanitize_text(char *dst, size_t cap, const uint8_t *src,
    size_t len);
int ppp_text_set(struct ppp_ctx *, struct text **, const char *s, size_t len);
void ppp_text_free(struct ppp_ctx *, struct text **);

/* pap.c */
int ppp_pap_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
int ppp_pap_send_request(struct ppp_session *);
int ppp_pap_send_verdict(struct ppp_session *, bool ok);
int ppp_pap_check(const struct ppp_auth_request *, const char *pw,
    size_t pw_len);

/* chap.c: CHAP framing (RFC 1994) for CHAP-MD5 and MS-CHAPv2, and MD5. */
int ppp_chap_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
int ppp_chap_send_challenge(struct ppp_session *, bool fresh);
int ppp_chap_send_response(struct ppp_session *);
int ppp_chap_send_verdict(struct ppp_session *, bool ok);
int ppp_chap_md5_check(struct ppp_ctx *, const struct ppp_auth_request *,
    const char *pw, size_t pw_len);

/* mschapv2.c: RFC 2759 on top of the CHAP framing. */
int ppp_mschap_parse_success(const uint8_t *msg, size_t len, uint8_t out[20],
    size_t *moff);
int ppp_mschap_parse_failure(const uint8_t *msg, size_t len, int *e, int *r,
    uint8_t chal[16], int *v, size_t *moff);
size_t ppp_mschap_verdict(struct ppp_session *, bool ok, char *out,
    size_t cap);
int ppp_mschap_client_value(struct ppp_session *, const uint8_t chal[16],
    uint8_t val[MSV2_VALUE]);
int ppp_mschap_client_verdict(struct ppp_session *, uint8_t code,
    const uint8_t *p, size_t n);
int ppp_mschap_server_response(struct ppp_session *, const uint8_t *p,
    size_t vs);
int ppp_mschap_check(struct ppp_ctx *, const struct ppp_auth_request *,
    const char *pw, size_t pw_len, struct ppp_auth_result *);

/* crypto.c */
int ppp_utf8_next(const uint8_t *p, size_t len, size_t *i, uint32_t *cp);
int ppp_cr_md5_chap(struct ppp_ctx *, uint8_t id, const uint8_t *secret,
    size_t slen, const uint8_t *chal, size_t clen, uint8_t out[16]);
int ppp_cr_nt_hash(struct ppp_ctx *, const char *pw, size_t len, uint8_t out[16]);
int ppp_cr_challenge_hash(struct ppp_ctx *, const uint8_t peer[16],
    const uint8_t auth[16], const char *user, size_t ulen, uint8_t out[8]);
int ppp_cr_nt_response(struct ppp_ctx *, const uint8_t chal8[8],
    const uint8_t pwhash[16], uint8_t out[24]);
int ppp_cr_auth_response(struct ppp_ctx *, const uint8_t pwhash[16],
    const uint8_t ntresp[24], const uint8_t peer[16], const uint8_t auth[16],
    const char *user, size_t ulen, uint8_t out[20]);
int ppp_cr_mschapv2_client(struct ppp_ctx *, const char *user, size_t ulen,
    const char *pw, size_t pwlen, const uint8_t auth[16],
    const uint8_t peer[16], uint8_t ntresp[24], uint8_t authresp[20]);

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

static inline uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

#define NS_PER_MS	1000000ULL
#define NS_PER_S	1000000000ULL

#endif /* PPP_INT_H */
