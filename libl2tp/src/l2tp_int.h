/*
 * l2tp_int.h - internals of libl2tp shared by its source files: the wire
 * constants, the context, tunnel and session structures, and the functions
 * each source file offers the others.
 *
 * Source files by concern:
 *   ctx.c       context, configuration, hooks, logging, events, output, stats
 *   names.c     names of error codes, result codes, messages, states, events
 *   tables.c    tunnel and session tables (hashes), IDs, user tags, enumeration
 *   reliable.c  the reliable control channel: Ns/Nr, window, acks,
 *               out-of-order queue, retransmission (RFC 2661 5.8)
 *   timers.c    the deadline heap: retransmission, HELLO, linger, session setup
 *   tunnel.c    control connection: SCCRQ/SCCRP/SCCCN/StopCCN, tie-breaker,
 *               tunnel authentication, peer-level close/drop (RFC 2661 7.2)
 *   call.c      incoming calls: ICRQ/ICRP/ICCN/CDN, proxy AVPs (RFC 2661 7.4)
 *   input.c     datagram header validation and control message dispatch
 *   data.c      data messages in place: receive and encapsulate (RFC 2661 3.1)
 *   avp.c       AVP decoding and hiding, message building (RFC 2661 4)
 */
#ifndef L2TP_INT_H
#define L2TP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <roadgate/l2tp.h>

#include "rg_heap.h"

/* Header flag bits (RFC 2661 3.1). */
#define HDR_T 0x8000u
#define HDR_L 0x4000u
#define HDR_S 0x0800u
#define HDR_O 0x0200u
#define HDR_P 0x0100u
#define HDR_VER_MASK 0x000fu
#define HDR_CTRL (HDR_T | HDR_L | HDR_S | 2u)
#define CTRL_HDR_LEN 12u

/* Message types (RFC 2661 3.2). */
enum msg_type {
	MT_SCCRQ = 1, MT_SCCRP = 2, MT_SCCCN = 3, MT_STOPCCN = 4, MT_HELLO = 6,
	MT_OCRQ = 7, MT_OCRP = 8, MT_OCCN = 9, MT_ICRQ = 10, MT_ICRP = 11,
	MT_ICCN = 12, MT_CDN = 14, MT_WEN = 15, MT_SLI = 16,
};

/* AVP types (RFC 2661 4.4). */
enum avp_type {
	AVP_MSG_TYPE = 0, AVP_RESULT = 1, AVP_PROTO_VERSION = 2, AVP_FRAMING_CAP = 3,
	AVP_BEARER_CAP = 4, AVP_TIE_BREAKER = 5, AVP_FIRMWARE = 6, AVP_HOSTNAME = 7,
	AVP_VENDOR = 8, AVP_TUNNEL_ID = 9, AVP_RWS = 10, AVP_CHALLENGE = 11,
	AVP_Q931 = 12, AVP_CHAL_RESP = 13, AVP_SESSION_ID = 14, AVP_SERIAL = 15,
	AVP_MIN_BPS = 16, AVP_MAX_BPS = 17, AVP_BEARER_TYPE = 18,
	AVP_FRAMING_TYPE = 19, AVP_CALLED = 21, AVP_CALLING = 22, AVP_SUBADDR = 23,
	AVP_TX_SPEED = 24, AVP_PHYS_CHAN = 25, AVP_INIT_RX_LCP = 26,
	AVP_LAST_TX_LCP = 27, AVP_LAST_RX_LCP = 28, AVP_PROXY_AUTH_TYPE = 29,
	AVP_PROXY_AUTH_NAME = 30, AVP_PROXY_AUTH_CHAL = 31, AVP_PROXY_AUTH_ID = 32,
	AVP_PROXY_AUTH_RESP = 33, AVP_CALL_ERRORS = 34, AVP_ACCM = 35,
	AVP_RANDOM_VECTOR = 36, AVP_PRIV_GROUP = 37, AVP_RX_SPEED = 38,
	AVP_SEQ_REQUIRED = 39,
	AVP_MAX = 40,
};

#define AVP_M 0x8000u
#define AVP_H 0x4000u
#define AVP_RSVD 0x3c00u
#define AVP_LEN_MASK 0x03ffu
#define AVP_HDR_LEN 6u

/* Parsed AVPs of one control message, values borrowed from the datagram or
 * from the decoded-hidden scratch buffer. */
struct avp_val {
	const uint8_t *v;
	uint16_t len;
	bool present;
	bool hidden;
};

struct avp_set {
	uint16_t msg_type;
	bool msg_type_mbit;             /* M bit of the Message Type AVP */
	unsigned count;
	int unknown_mandatory;          /* type of the first one, or -1 */
	struct avp_val a[AVP_MAX];
	uint8_t scratch[L2TP_MAX_DGRAM]; /* decoded hidden values */
	size_t scratch_used;
};

/* Message builder. */
struct msg_builder {
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint8_t rv[16];
	bool have_rv;
	int err;                        /* first error while building, 0 = none */
};

/* Records the first error of a message being built (ctl_send refuses it). */
static inline void
mb_fail(struct msg_builder *mb, int err)
{
	if (mb->err == 0)
		mb->err = err;
}

/* Tunnel and session states: the public enums. */
#define T_WAIT_CTL_REPLY L2TP_TUNNEL_WAIT_CTL_REPLY
#define T_WAIT_CTL_CONN L2TP_TUNNEL_WAIT_CTL_CONN
#define T_ESTABLISHED L2TP_TUNNEL_ESTABLISHED
#define T_CLOSING L2TP_TUNNEL_CLOSING
#define T_LINGER L2TP_TUNNEL_LINGER
#define S_WAIT_TUNNEL L2TP_SESSION_WAIT_TUNNEL
#define S_WAIT_REPLY L2TP_SESSION_WAIT_REPLY
#define S_WAIT_CONNECT L2TP_SESSION_WAIT_CONNECT
#define S_ESTABLISHED L2TP_SESSION_ESTABLISHED

/* A control message in a tunnel's send queue (Ns assigned, Nr patched when
 * transmitted). */
struct ctl_msg {
	struct ctl_msg *next;
	uint16_t ns;
	uint16_t len;
	uint8_t type;
	uint8_t data[];
};

/* A received out-of-order control message. */
struct ooo_msg {
	struct ooo_msg *next;
	uint16_t ns;
	uint16_t len;
	uint8_t data[];
};

/* A datagram in the output queue. */
struct out_dgram {
	struct out_dgram *next;
	uint64_t peer;
	uint16_t len;
	uint8_t data[];
};

struct tunnel;

struct session {
	struct session *hnext;          /* ctx->sess chain */
	struct session *tnext;          /* tunnel's list */
	struct tunnel *t;
	uint64_t user;
	uint16_t tid, id, peer_id;      /* tid == t->id (saves a miss on lookup) */
	uint16_t dns, dnr;              /* data Ns to send / next expected */
	uint8_t state;                  /* S_* */
	bool seq;                       /* sequenced data */
	uint32_t serial;                /* Call Serial Number */
	struct rg_heap_node timer;      /* setup deadline */
	uint64_t created, up_at;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
};

#define HOST_MAX 64                     /* bytes of the peer's Host Name kept */

struct tunnel {
	struct tunnel *hnext;           /* ctx->tun_by_id: by our ID */
	struct tunnel *pnext;           /* ctx->tun_by_peer: by (peer handle, peer's ID) */
	struct tunnel *hdlnext;         /* ctx->tun_by_hdl: by peer handle, */
	struct tunnel **hdlpprev;       /* doubly linked (O(1) unlink) */
	struct session *sessions;
	struct ctl_msg *txq, *txq_tail; /* unacked + unsent, in Ns order */
	struct ooo_msg *ooo;
	struct rg_heap_node timer;      /* rtx / HELLO / linger deadline */
	uint64_t peer, user;
	uint64_t rtx_at, rtx_interval;
	uint64_t last_rx, linger_until;
	uint64_t created, up_at;
	uint64_t sccrq_digest;          /* LNS: of the SCCRQ that created it */
	uint64_t ctl_rx, ctl_tx;
	uint64_t data_rx_packets, data_rx_bytes, data_tx_packets, data_tx_bytes;
	uint16_t id, peer_id;
	uint16_t ns, nr;                /* next Ns to assign; next Ns expected */
	uint16_t nr_sent;               /* last Nr transmitted */
	uint16_t peer_rws;
	uint16_t inflight;              /* messages of txq transmitted */
	uint16_t nsessions;
	uint8_t state;                  /* T_* */
	uint8_t rtx_count;
	bool initiator;
	bool challenged;                /* we sent a Challenge */
	bool authenticated;             /* and the answer was right */
	bool have_tiebreak;
	bool half_open;                 /* counted in ctx->nhalf_open */
	bool verified;                  /* a datagram for our Tunnel ID came from the peer */
	uint8_t sccrp_sent;             /* SCCRP transmissions while unverified */
	bool peer_hashed;               /* in ctx->tun_by_peer */
	uint8_t host_len;
	uint8_t challenge[16];
	uint8_t tiebreak[8];
	uint8_t host[HOST_MAX];
};

/* An event slot; owned is library memory the event points to (proxy AVPs),
 * wiped and freed when the next event is taken. */
struct ev_slot {
	struct l2tp_event ev;
	uint8_t *owned;
	size_t owned_len;
};

/* Kinds of rate-limited log lines (l2tpi_ctx_log_rl). */
enum l2tpi_rl_kind { RL_LIMIT, RL_SHARE, RL_SETUP, RL_UNVERIFIED, RL_KINDS };

struct l2tpi_rl {
	uint64_t window;                /* start of the current one-second window */
	unsigned lines;                 /* emitted in it */
	uint64_t suppressed;            /* since the last line emitted */
};

struct l2tp_ctx {
	struct l2tp_config cfg;
	struct l2tp_hooks hooks;
	struct l2tp_stats stats;
	struct tunnel **tun_by_id, **tun_by_peer, **tun_by_hdl;
	size_t tun_mask;
	struct session **sess;
	size_t sess_mask;
	unsigned ntunnels, nhalf_open;
	unsigned nhalf_open_ours;       /* of those, ours (LAC: SCCRQ sent) */
	struct rg_heap tun_timers;      /* struct tunnel.timer */
	struct rg_heap sess_timers;     /* struct session.timer */
	struct out_dgram *outq, *outq_tail;
	unsigned noutq;
	struct ev_slot *evq;
	unsigned ev_head, ev_count;
	uint8_t *ev_last_owned;
	size_t ev_last_owned_len;
	uint32_t serial;
	struct avp_set avs;
	struct msg_builder mb;
	size_t req_len;                 /* length of the SCCRQ being answered */
	struct l2tpi_rl rl[RL_KINDS];
};

/* An LNS tunnel whose peer has not shown that it received our SCCRP (the
 * source may be spoofed): no timer retransmissions, no StopCCN. */
static inline bool
l2tpi_unverified(const struct tunnel *t)
{
	return !t->initiator && !t->verified && t->state == T_WAIT_CTL_CONN;
}

#define AV(type) (ctx->avs.a[(type)])

/* Time arithmetic saturates at UINT64_MAX ("never"). */
static inline uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* avp.c */
const char *l2tpi_avp_name(unsigned type);
int l2tpi_avp_parse(struct l2tp_ctx *ctx, const uint8_t *p, size_t len,
    struct avp_set *set, char *why, size_t whylen) __attribute__((warn_unused_result));
void l2tpi_mb_init(struct msg_builder *mb, uint16_t msg_type);
void l2tpi_mb_avp(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit,
    unsigned type, const void *val, size_t len, bool hide);
void l2tpi_mb_u16(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit,
    unsigned type, uint16_t v, bool hide);
void l2tpi_mb_u32(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit,
    unsigned type, uint32_t v, bool hide);
int l2tpi_md5_3(struct l2tp_ctx *ctx, uint8_t out[16], const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen);
/* The hidden AVP transformation of RFC 2661 4.3 (in place, both ways). */
int l2tpi_hide_xor(struct l2tp_ctx *ctx, uint16_t type, const uint8_t *rv,
    size_t rvlen, uint8_t *buf, size_t len, bool encrypt);

/* ctx.c */
void *l2tpi_ctx_alloc(struct l2tp_ctx *ctx, size_t n);
void l2tpi_ctx_free_mem(struct l2tp_ctx *ctx, void *p);
void l2tpi_ctx_log(struct l2tp_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* At most cfg.log_lines_per_s lines of one kind per second; the others are
 * counted (stats.log_suppressed) and summed up in the next line emitted. */
void l2tpi_ctx_log_rl(struct l2tp_ctx *ctx, uint64_t now, enum l2tpi_rl_kind kind, int level,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
const uint8_t *l2tpi_ctx_secret(const struct l2tp_ctx *ctx, size_t *len);
bool l2tpi_ctx_hide(const struct l2tp_ctx *ctx);
int l2tpi_ctx_rng(struct l2tp_ctx *ctx, void *buf, size_t len);
void l2tpi_escape(char *out, size_t cap, const uint8_t *s, size_t n);
struct l2tp_event *l2tpi_ev_push(struct l2tp_ctx *ctx, enum l2tp_event_type type,
    const struct tunnel *t, const struct session *s);
void l2tpi_ev_set_owned(struct l2tp_event *ev, uint8_t *buf, size_t len);
int l2tpi_out_push(struct l2tp_ctx *ctx, uint64_t peer, const uint8_t *d, size_t len);
unsigned l2tpi_out_purge(struct l2tp_ctx *ctx, uint64_t peer);
int l2tpi_ctx_heap_reserve(struct l2tp_ctx *ctx, struct rg_heap *h);

/* names.c */
const char *l2tpi_msg_name(unsigned type);

/* tables.c */
struct tunnel *l2tpi_tunnel_find(const struct l2tp_ctx *ctx, uint16_t id);
struct tunnel *l2tpi_tunnel_find_peer(const struct l2tp_ctx *ctx, uint64_t peer, uint16_t pid);
struct tunnel *l2tpi_tunnel_first_of_peer(const struct l2tp_ctx *ctx, uint64_t peer);
struct tunnel *l2tpi_tunnel_next_of_peer(const struct tunnel *t);
/* Sets the peer's Tunnel ID and its hash entry; UNHASH_ONLY removes the
 * entry but keeps the ID (a closed tunnel lingering under our ID). */
#define UNHASH_ONLY 0x10000u
void l2tpi_tunnel_set_peer_id(struct l2tp_ctx *ctx, struct tunnel *t, uint32_t pid);
struct session *l2tpi_session_find(const struct l2tp_ctx *ctx, uint16_t tid, uint16_t sid);
int l2tpi_tunnel_new(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, struct tunnel **out);
int l2tpi_session_new(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, struct session **out);
void l2tpi_session_remove(struct l2tp_ctx *ctx, struct session *s);
void l2tpi_tunnel_remove(struct l2tp_ctx *ctx, struct tunnel *t);
void l2tpi_half_open_clear(struct l2tp_ctx *ctx, struct tunnel *t);
void l2tpi_half_open_ours(struct l2tp_ctx *ctx, struct tunnel *t);
size_t l2tpi_tables_size(size_t n);
int l2tpi_tables_check(const struct l2tp_ctx *ctx);
/* What peer holds: tunnels in any state, those not yet established, and
 * sessions on all of them.  O(tunnels in the peer handle's hash chain). */
void l2tpi_peer_usage(const struct l2tp_ctx *ctx, uint64_t peer, unsigned *tunnels,
    unsigned *half_open, unsigned *sessions);

/* reliable.c */
int l2tpi_ctl_send(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid);
void l2tpi_ctl_flush(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);
void l2tpi_ctl_ack(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t nr, uint64_t now);
void l2tpi_ctl_drop_unsent(struct l2tp_ctx *ctx, struct tunnel *t);
void l2tpi_ctl_drop_all(struct l2tp_ctx *ctx, struct tunnel *t);
void l2tpi_send_zlb(struct l2tp_ctx *ctx, struct tunnel *t);
int l2tpi_ctl_resend_first(struct l2tp_ctx *ctx, struct tunnel *t);
/* What ctl_sequence decided about a received Ns. */
enum seq_verdict { SEQ_IN_ORDER, SEQ_DUPLICATE, SEQ_OUT_OF_WINDOW, SEQ_FUTURE };
enum seq_verdict l2tpi_ctl_sequence(const struct tunnel *t, uint16_t ns, uint16_t rws);
void l2tpi_ooo_store(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t ns, const uint8_t *d,
    size_t len);
struct ooo_msg *l2tpi_ooo_next(struct tunnel *t);
void l2tpi_ooo_prune(struct l2tp_ctx *ctx, struct tunnel *t);
void l2tpi_ooo_free_all(struct l2tp_ctx *ctx, struct tunnel *t);
/* Returns true if the tunnel was freed (retransmissions exhausted). */
bool l2tpi_retransmit(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);

/* timers.c */
void l2tpi_tunnel_timer_update(struct l2tp_ctx *ctx, struct tunnel *t);
void l2tpi_session_timer_start(struct l2tp_ctx *ctx, struct session *s, uint64_t now);
void l2tpi_session_timer_stop(struct l2tp_ctx *ctx, struct session *s);
uint64_t l2tpi_tunnel_deadline(const struct l2tp_ctx *ctx, const struct tunnel *t);
int l2tpi_timers_check(const struct l2tp_ctx *ctx);

/* tunnel.c */
int l2tpi_handle_sccrq(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, uint16_t ns,
    const uint8_t *body, size_t blen);
int l2tpi_handle_sccrp(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);
int l2tpi_handle_scccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);
int l2tpi_handle_stopccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);
void l2tpi_tunnel_down(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t result,
    uint16_t error, int reason);
void l2tpi_tunnel_stop(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now,
    uint16_t result, uint16_t error, const char *msg, int reason);
void l2tpi_tunnel_free(struct l2tp_ctx *ctx, struct tunnel *t);
void l2tpi_tunnel_send_hello(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);
void l2tpi_result_avp(struct l2tp_ctx *ctx, uint16_t result, uint16_t error, const char *msg);

/* call.c */
int l2tpi_handle_icrq(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);
int l2tpi_handle_icrp(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid);
int l2tpi_handle_iccn(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid);
int l2tpi_handle_cdn(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t sid);
int l2tpi_refuse_ocrq(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now);
int l2tpi_refuse_call(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t psid,
    uint16_t result, uint16_t error, const char *msg);
struct session *l2tpi_msg_session(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t sid,
    const char *what);
int l2tpi_send_icrq(struct l2tp_ctx *ctx, struct tunnel *t, struct session *s, uint64_t now);
void l2tpi_session_free(struct l2tp_ctx *ctx, struct session *s, uint16_t result,
    uint16_t error, int reason);
void l2tpi_session_cdn(struct l2tp_ctx *ctx, struct session *s, uint64_t now,
    uint16_t result, uint16_t error, int reason);
void l2tpi_session_setup_expired(struct l2tp_ctx *ctx, struct session *s, uint64_t now);

/* data.c */
int l2tpi_data_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer, const uint8_t *d,
    size_t len, struct l2tp_rx *rx);

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

/* Sequence number arithmetic mod 2^16 (RFC 2661 5.8). */
static inline bool
seq_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) < 0;
}

#endif /* L2TP_INT_H */
