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
	uint8_t state;
	uint8_t reqid;		/* identifier of our last Configure-Request */
	uint8_t nextid;
	uint8_t restart;	/* restart counter */
	uint8_t failures;	/* Naks sent since last Ack (Max-Failure) */
	uint8_t max_configure, max_terminate;
	uint16_t rcr;		/* Configure-Requests received while not opened */
	uint32_t restart_ms;
	uint64_t now;		/* time of the event being processed */
};

void ppp_fsm_init(struct fsm *, const struct fsm_ops *, struct ppp_session *,
    uint32_t restart_ms, uint8_t max_configure, uint8_t max_terminate);
void ppp_fsm_event(struct fsm *, enum fsm_event, const struct fsm_arg *);
const char *ppp_fsm_state_name(int);
const char *ppp_fsm_event_name(int);

struct outq {
	struct outq *next;
	size_t len;
	uint8_t data[];
};

struct evq {
	struct evq *next;
	struct ppp_event ev;
	uint8_t payload[];
};

enum phase { PH_DEAD, PH_ESTABLISH, PH_AUTH, PH_NETWORK, PH_TERMINATE };

/* Authentication sub-state. */
enum auth_state {
	AU_IDLE, AU_WAIT_RESPONSE, AU_PENDING, AU_DONE, AU_FAILED,
	AU_CLIENT_WAIT, AU_CLIENT_SENT
};

/* Client credentials, allocated only for client sessions. */
struct client_creds {
	uint8_t user_len, pw_len;
	char user[PPP_MAX_NAME];
	char pw[PPP_MAX_SECRET];
	uint8_t expect_s[20];	/* MS-CHAPv2 authenticator response */
	uint8_t last_resp[49];	/* last CHAP response value (resent as is) */
	uint8_t last_resp_len, last_id;
};

struct ppp_session {
	struct ppp_ctx *ctx;
	void *app;
	struct outq *out_head, *out_tail;
	struct evq *ev_head, *ev_tail, *ev_last;
	struct client_creds *creds;
	struct fsm lcp, ipcp;
	uint64_t now;
	uint64_t auth_timer, echo_timer, rechallenge_timer, echo_window;
	uint16_t n_out, n_ev, echo_count;
	uint8_t role, phase, auth_state, auth_method, auth_id, auth_tries;
	uint8_t echo_misses, echo_id, loopback_hits, down_reported, ip_up_reported;
	uint8_t down_reason;
	/* LCP: what we request / what was negotiated. */
	uint32_t magic, peer_magic;
	uint16_t peer_mru, local_mru;
	uint8_t req_mru, req_magic, req_auth;	/* options still in our request */
	uint8_t peer_auth;			/* client: method peer requires */
	uint8_t auth_idx;			/* server: index in cfg auth list */
	/* Authentication data of the current round. */
	uint8_t challenge[16];
	uint8_t auth_resp[20];			/* server: MS-CHAPv2 S= value */
	uint8_t has_auth_resp;
	uint8_t stale_reply;			/* server: an AUTH_REQUEST of an
						 * abandoned round awaits its answer */
	/* IPCP. */
	uint32_t local_addr, peer_addr, dns[2], nbns[2];
	uint8_t ip_req;		/* bit mask of options still requested */
	uint8_t addr_wanted;
};

struct ppp_ctx {
	struct ppp_hooks hooks;
	struct ppp_config cfg;
	char name[PPP_MAX_NAME + 1];
	size_t name_len;
	struct ppp_stats stats;
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov_default, *prov_legacy;
	EVP_MD *md5, *sha1, *md4;
	EVP_CIPHER *des;
	EVP_MD_CTX *mdctx;
	EVP_CIPHER_CTX *cctx;
	size_t sessions;
};

/* ctx.c */
void *ppp_zalloc(struct ppp_ctx *, size_t);
void ppp_free(struct ppp_ctx *, void *);
void ppp_log(struct ppp_ctx *, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ppp_bad(struct ppp_ctx *, uint64_t *counter, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ppp_escape(char *dst, size_t cap, const uint8_t *src, size_t len);
int ppp_random(struct ppp_ctx *, void *, size_t);

/* session.c */
int ppp_sess_send(struct ppp_session *, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
int ppp_sess_send_raw(struct ppp_session *, uint16_t proto, const uint8_t *data,
    size_t len, const uint8_t *data2, size_t len2);
struct ppp_event *ppp_sess_event(struct ppp_session *, enum ppp_event_type,
    size_t payload);
void ppp_sess_link_down(struct ppp_session *, enum ppp_down_reason);
void ppp_sess_enter_network(struct ppp_session *);

/* lcp.c */
int ppp_fsm_count_rcv(struct fsm *);
int ppp_opts_validate(struct ppp_session *, const char *proto, const uint8_t *,
    size_t);
extern const struct fsm_ops ppp_lcp_ops;
int ppp_lcp_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
void ppp_lcp_echo_timer(struct ppp_session *);

/* ipcp.c */
extern const struct fsm_ops ppp_ipcp_ops;
int ppp_ipcp_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
void ppp_ipcp_start(struct ppp_session *);

/* auth.c */
void ppp_auth_start(struct ppp_session *);
int ppp_pap_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
int ppp_chap_input(struct ppp_session *, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len);
void ppp_auth_timer(struct ppp_session *);
void ppp_auth_rechallenge(struct ppp_session *);
int ppp_mschap_parse_success(const uint8_t *msg, size_t len, uint8_t out[20]);
int ppp_mschap_parse_failure(const uint8_t *msg, size_t len, int *e, int *r,
    uint8_t chal[16], int *v);

/* crypto.c */
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
