/*
 * l2tp.h - public API of libl2tp: L2TP version 2 (RFC 2661) control and data
 * channels, LNS and LAC roles, sans-I/O.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative L2TP_E_* codes; l2tp_strerror() names them.
 *  - One context per thread; contexts share nothing.
 *  - Pointers passed in are borrowed for the duration of the call only.
 *    Pointers handed out inside events stay valid until the next call into
 *    the library with the same context.
 *  - Every function taking a context MUST be given a non-NULL context unless
 *    documented as NULL-safe.
 *
 * Transport: the caller carries L2TP over UDP port 1701.  Every datagram in
 * and out is tagged with an opaque 64-bit "peer handle" chosen by the caller
 * (the gateway uses its IPsec SA; a plain UDP harness can use an index into
 * its table of peer addresses).  New tunnels are keyed by (peer handle,
 * peer's Assigned Tunnel ID), established ones by the Tunnel ID we assigned,
 * so two clients behind one NAT that pick the same Tunnel ID never collide.
 *
 * The peer handle MUST be stable for the life of a tunnel (use the IKE peer
 * or the outer address/port, not a child SA that is replaced on rekey):
 * control and data messages arriving with another handle than the tunnel's
 * are dropped as L2TP_E_NO_TUNNEL, so one client cannot address another's
 * tunnel.
 *
 * Timers: l2tp_next_timeout and l2tp_handle_timeout walk all tunnels
 * (O(tunnels)); sessions have no timers of their own.
 *
 * UDP checksum behind NAT (transport mode ESP, RFC 3948 section 3.1.2): the
 * library never computes UDP checksums; the caller does.  Our choice, and the
 * recommendation to callers, is to SEND L2TP/UDP with a zero checksum (UDP
 * over IPv4 allows it, ESP's integrity check already covers the payload, and
 * the pre-NAT addresses needed for a correct checksum are not known to the
 * LAC), and on RECEIVE to ignore the UDP checksum of packets that arrived
 * inside an authenticated ESP SA, because NAT rewrote the outer addresses and
 * the inner checksum cannot be verified (Windows and macOS clients send
 * non-zero checksums computed over their private addresses).
 */
#ifndef L2TP_H
#define L2TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(L2TP_BUILDING)
#define L2TP_API __attribute__((visibility("default")))
#else
#define L2TP_API
#endif

#define L2TP_VERSION_MAJOR 0
#define L2TP_VERSION_MINOR 1
#define L2TP_VERSION_PATCH 0
#define L2TP_VERSION_STRING "0.1.0"

/* Well-known UDP port of L2TP. */
#define L2TP_UDP_PORT 1701
/* Largest datagram the library produces; size output buffers with this. */
#define L2TP_MAX_DGRAM 2048
/* Longest host name / secret accepted in the configuration. */
#define L2TP_MAX_HOSTNAME 64
#define L2TP_MAX_SECRET 64
/* Largest PPP frame accepted by l2tp_session_send_ppp. */
#define L2TP_MAX_PPP (L2TP_MAX_DGRAM - 16)

/* Errors: all negative. */
enum l2tp_error {
	L2TP_OK = 0,
	L2TP_E_INVAL = -1,          /* bad argument from the caller */
	L2TP_E_NOMEM = -2,          /* allocation failed */
	L2TP_E_TRUNCATED = -3,      /* datagram shorter than its header */
	L2TP_E_BAD_LENGTH = -4,     /* Length field beyond the datagram */
	L2TP_E_BAD_VERSION = -5,    /* version not 2 (L2F/L2TPv3 dropped) */
	L2TP_E_BAD_HEADER = -6,     /* control message without L/S bits, etc. */
	L2TP_E_AVP_LENGTH = -7,     /* AVP length 0, < 6 or past the end */
	L2TP_E_HIDDEN = -8,         /* hidden AVP undecodable (no RV, no secret, bad length) */
	L2TP_E_MISSING_AVP = -9,    /* a required AVP is absent */
	L2TP_E_BAD_AVP = -10,       /* an AVP's value is malformed */
	L2TP_E_UNKNOWN_MANDATORY = -11, /* unknown AVP with the M bit set */
	L2TP_E_NO_TUNNEL = -12,     /* tunnel ID not ours (or zero) */
	L2TP_E_NO_SESSION = -13,    /* session ID not ours */
	L2TP_E_SEQUENCE = -14,      /* Ns outside the receive window */
	L2TP_E_DUPLICATE = -15,     /* retransmitted message: re-acked, ignored */
	L2TP_E_AUTH = -16,          /* tunnel authentication failed */
	L2TP_E_LIMIT = -17,         /* a configured limit refused the request */
	L2TP_E_STATE = -18,         /* message not valid in this state */
	L2TP_E_UNSUPPORTED = -19,   /* refused cleanly (OCRQ, unknown message) */
	L2TP_E_QUEUE_FULL = -20,    /* output or event queue full */
	L2TP_E_AGAIN = -21,         /* nothing to return */
	L2TP_E_BUFFER = -22,        /* caller's buffer too small */
	L2TP_E_ROLE = -23,          /* operation not allowed by the configured role */
	L2TP_E_CRYPTO = -24,        /* MD5 unavailable from OpenSSL */
	L2TP_E_TIEBREAK = -25,      /* SCCRQ refused by the tie-breaker */
	L2TP_E_TIMEOUT = -26,       /* peer stopped acknowledging (teardown reason) */
};

/* Roles (bit mask). */
#define L2TP_ROLE_LNS 0x1u /* accept SCCRQ and ICRQ */
#define L2TP_ROLE_LAC 0x2u /* open tunnels and place incoming calls */

/* Log levels for hooks->log. */
#define L2TP_LOG_ERROR 0
#define L2TP_LOG_WARN 1
#define L2TP_LOG_INFO 2
#define L2TP_LOG_DEBUG 3

struct l2tp_hooks {
	void *user;                                         /* passed to every hook */
	int (*rng)(void *user, void *buf, size_t len);      /* required; 0 = ok */
	void *(*alloc)(void *user, size_t size);            /* zeroed; NULL hook = calloc */
	void (*free)(void *user, void *ptr);                /* NULL hook = free */
	void (*log)(void *user, int level, const char *msg); /* optional; L2TP_LOG_* */
};

/*
 * Configuration.  Set size = sizeof(struct l2tp_config); zero fields take the
 * defaults given in brackets.
 */
struct l2tp_config {
	size_t size;
	unsigned roles;                 /* L2TP_ROLE_* mask [LNS] */
	char hostname[L2TP_MAX_HOSTNAME]; /* our Host Name AVP ["roadgate"] */
	/* Shared secret for tunnel authentication and hidden AVPs; length 0
	 * disables both.  When set, a peer that does not authenticate is refused
	 * if require_auth is true. */
	uint8_t secret[L2TP_MAX_SECRET];
	size_t secret_len;
	bool require_auth;              /* refuse SCCRQ/SCCRP without Challenge answer */
	/* Send sensitive AVPs hidden (RFC 2661 4.3; needs a secret): Assigned
	 * Tunnel ID, Assigned Session ID, Call Serial Number, Tx Connect Speed
	 * and Framing Type, preceded by one Random Vector per message.  Hidden
	 * AVPs received are decoded whenever a secret is configured. */
	bool hide_avps;
	uint16_t rws;                   /* our Receive Window Size [4] */
	uint64_t rtx_initial_ns;        /* first retransmission timeout [1 s] */
	uint64_t rtx_max_ns;            /* cap of the exponential backoff [8 s] */
	unsigned rtx_max_count;         /* retransmissions before teardown [5] */
	uint64_t hello_interval_ns;     /* idle time before HELLO [60 s]; UINT64_MAX = never */
	/* Some phones never answer HELLO: when true, a HELLO that exhausts its
	 * retransmissions does not tear the tunnel down (the caller's IPsec DPD
	 * and PPP LCP echo decide liveness instead). */
	bool tolerate_missing_hello;
	unsigned max_tunnels;           /* [1024] */
	unsigned max_sessions_per_tunnel; /* [256], at most 65535 */
	unsigned max_half_open;         /* tunnels not yet established [64] */
	unsigned max_events;            /* event queue length [256] */
	unsigned max_output;            /* queued output datagrams [4096] */
	/* Ask the peer for sequenced data messages (Sequencing Required AVP). */
	bool data_sequencing;
};

struct l2tp_ctx;

enum l2tp_event_type {
	L2TP_EV_TUNNEL_UP = 1,     /* control connection established */
	L2TP_EV_TUNNEL_DOWN,       /* tunnel closed: result/error/reason set */
	L2TP_EV_SESSION_UP,        /* session established (ICCN sent/received) */
	L2TP_EV_SESSION_DOWN,      /* session closed: result/error/reason set */
	L2TP_EV_PPP,               /* PPP frame received on a session */
	L2TP_EV_PROXY,             /* Proxy LCP/Authen AVPs offered by the LAC */
};

/* Proxy LCP and authentication data received in ICCN (RFC 2661 4.4.5). */
struct l2tp_proxy {
	const uint8_t *init_rx_confreq; size_t init_rx_confreq_len;
	const uint8_t *last_tx_confreq; size_t last_tx_confreq_len;
	const uint8_t *last_rx_confreq; size_t last_rx_confreq_len;
	uint16_t authen_type;           /* 0 = absent */
	const uint8_t *authen_name; size_t authen_name_len;
	const uint8_t *authen_challenge; size_t authen_challenge_len;
	uint16_t authen_id;
	const uint8_t *authen_response; size_t authen_response_len;
};

/*
 * An event.  SESSION_DOWN is also reported for sessions that never came up
 * (a refused ICRQ of ours, a CDN during setup); TUNNEL_DOWN likewise for a
 * tunnel whose setup failed (reason says why: L2TP_E_AUTH, _TIMEOUT,
 * _TIEBREAK, _UNKNOWN_MANDATORY, or 0 when the peer sent StopCCN/CDN).
 * tunnel_id / session_id are the IDs we assigned (the handles for
 * the API); peer_handle is the caller's transport tag.  Pointers are valid
 * until the next call into the library with this context.
 */
struct l2tp_event {
	enum l2tp_event_type type;
	uint16_t tunnel_id;
	uint16_t session_id;
	uint64_t peer_handle;
	uint16_t result;                /* Result Code (StopCCN/CDN), 0 if none */
	uint16_t error;                 /* Error Code, 0 if none */
	int reason;                     /* L2TP_E_* that caused a local teardown, or 0 */
	const uint8_t *data;            /* PPP frame (L2TP_EV_PPP) */
	size_t len;
	struct l2tp_proxy proxy;        /* L2TP_EV_PROXY */
};

/* Statistics: every counter is monotonic. */
struct l2tp_stats {
	uint64_t rx_packets, rx_control, rx_data, rx_zlb;
	uint64_t tx_packets, tx_control, tx_data, tx_zlb;
	uint64_t rx_truncated, rx_bad_length, rx_bad_version, rx_bad_header;
	uint64_t rx_avp_length, rx_hidden_bad, rx_missing_avp, rx_bad_avp;
	uint64_t rx_unknown_mandatory, rx_unknown_optional, rx_no_tunnel, rx_no_session;
	uint64_t rx_out_of_window, rx_duplicate, rx_out_of_order, rx_auth_failed;
	uint64_t rx_sccrq_retransmit, rx_unsupported, rx_state;
	uint64_t refused_limit, refused_tiebreak, nomem, queue_full;
	uint64_t retransmits, hellos_sent, rtx_teardowns;
	uint64_t tunnels_up, tunnels_down, sessions_up, sessions_down;
	uint64_t tunnels_open, sessions_open;   /* gauges */
};

/* Result Codes (RFC 2661 4.4.2): StopCCN and CDN. */
#define L2TP_STOPCCN_GENERAL_REQUEST 1
#define L2TP_STOPCCN_GENERAL_ERROR 2
#define L2TP_STOPCCN_ALREADY_EXISTS 3
#define L2TP_STOPCCN_NOT_AUTHORIZED 4
#define L2TP_STOPCCN_BAD_VERSION 5
#define L2TP_STOPCCN_SHUTTING_DOWN 6
#define L2TP_STOPCCN_FSM_ERROR 7
#define L2TP_CDN_LOST_CARRIER 1
#define L2TP_CDN_GENERAL_ERROR 2
#define L2TP_CDN_ADMIN 3
#define L2TP_CDN_NO_RESOURCES 4
#define L2TP_CDN_NOT_AVAILABLE 5
#define L2TP_CDN_INVALID_DEST 6
/* General Error Codes. */
#define L2TP_ERR_NONE 0
#define L2TP_ERR_NO_CONTROL 1
#define L2TP_ERR_BAD_LENGTH 2
#define L2TP_ERR_BAD_VALUE 3
#define L2TP_ERR_NO_RESOURCES 4
#define L2TP_ERR_BAD_SESSION 5
#define L2TP_ERR_VENDOR 6
#define L2TP_ERR_TRY_ANOTHER 7
#define L2TP_ERR_UNKNOWN_MANDATORY 8

/* Returns the library's version string, a static string. */
L2TP_API const char *l2tp_version(void);

/* Returns a static English name of an L2TP_E_* code ("unknown error" else). */
L2TP_API const char *l2tp_strerror(int err);

/*
 * Creates a context.  cfg and hooks are copied; hooks->rng is required.
 * Returns 0 and sets *out, or L2TP_E_INVAL (NULL argument, cfg->size too
 * small, no rng, hide_avps/require_auth without a secret, bad limit),
 * L2TP_E_NOMEM, L2TP_E_CRYPTO (no MD5 in OpenSSL).
 */
L2TP_API int l2tp_ctx_new(struct l2tp_ctx **out, const struct l2tp_config *cfg,
    const struct l2tp_hooks *hooks);

/* Frees the context, every tunnel, session and queued datagram; wipes the
 * secret.  NULL-safe.  No events are produced. */
L2TP_API void l2tp_ctx_free(struct l2tp_ctx *ctx);

/*
 * Processes one received L2TP datagram (the UDP payload) from the transport
 * peer peer_handle at time now.  dgram is borrowed for the call.  Replies,
 * acks and events are queued.  Returns 0 if the datagram was accepted, else a
 * negative code saying why it was dropped (the stats counter and a log line
 * record it): L2TP_E_TRUNCATED, _BAD_LENGTH, _BAD_VERSION, _BAD_HEADER,
 * _AVP_LENGTH, _HIDDEN, _MISSING_AVP, _BAD_AVP, _UNKNOWN_MANDATORY,
 * _NO_TUNNEL, _NO_SESSION, _SEQUENCE, _DUPLICATE, _AUTH, _LIMIT, _STATE,
 * _UNSUPPORTED, _TIEBREAK, _ROLE (SCCRQ without the LNS role), _CRYPTO,
 * _NOMEM, _QUEUE_FULL.  A bad datagram never
 * changes other tunnels or sessions.
 */
L2TP_API int l2tp_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer_handle,
    const uint8_t *dgram, size_t len);

/*
 * Pulls the next datagram to send: copies it into buf (cap bytes, at least
 * L2TP_MAX_DGRAM is always enough), sets *len and *peer_handle.  Returns 0,
 * L2TP_E_AGAIN when nothing is queued, L2TP_E_BUFFER if cap is too small (the
 * datagram stays queued), L2TP_E_INVAL.
 */
L2TP_API int l2tp_next_output(struct l2tp_ctx *ctx, uint64_t now, uint8_t *buf,
    size_t cap, size_t *len, uint64_t *peer_handle);

/* Earliest time l2tp_handle_timeout must be called, UINT64_MAX if none.
 * O(number of tunnels). */
L2TP_API uint64_t l2tp_next_timeout(const struct l2tp_ctx *ctx);

/* Runs due retransmissions, HELLOs and teardowns.  Returns 0, or
 * L2TP_E_INVAL for a NULL context.  Control messages that did not fit the
 * output queue when they were sent are retried by the retransmission timer
 * (and count towards rtx_max_count). */
L2TP_API int l2tp_handle_timeout(struct l2tp_ctx *ctx, uint64_t now);

/* Pops the oldest event into *ev; returns false when the queue is empty. */
L2TP_API bool l2tp_next_event(struct l2tp_ctx *ctx, struct l2tp_event *ev);

/*
 * LAC role: opens a tunnel to the transport peer peer_handle by sending
 * SCCRQ.  *tunnel_id receives our Tunnel ID.  L2TP_EV_TUNNEL_UP follows.
 * Returns 0, L2TP_E_ROLE, L2TP_E_LIMIT, L2TP_E_NOMEM, L2TP_E_CRYPTO (rng
 * failure), L2TP_E_INVAL.  A full output queue is not an error: the SCCRQ
 * is retried by the retransmission timer.
 */
L2TP_API int l2tp_tunnel_open(struct l2tp_ctx *ctx, uint64_t now,
    uint64_t peer_handle, uint16_t *tunnel_id);

/*
 * LAC role: places an incoming call (ICRQ) on an established tunnel (or one
 * being established: the ICRQ waits for it).  *session_id receives our
 * Session ID.  L2TP_EV_SESSION_UP follows after ICRP/ICCN.  Returns 0,
 * L2TP_E_ROLE, L2TP_E_NO_TUNNEL, L2TP_E_LIMIT, L2TP_E_NOMEM, L2TP_E_STATE.
 */
L2TP_API int l2tp_session_open(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t *session_id);

/*
 * Sends one PPP frame (starting at the address/control bytes 0xff 0x03 or
 * the protocol field, as PPP produced it) on an established session.
 * ppp is borrowed.  Returns 0, L2TP_E_NO_TUNNEL, L2TP_E_NO_SESSION,
 * L2TP_E_STATE, L2TP_E_INVAL (len 0 or > L2TP_MAX_PPP), L2TP_E_QUEUE_FULL,
 * L2TP_E_NOMEM.
 */
L2TP_API int l2tp_session_send_ppp(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t session_id, const uint8_t *ppp, size_t len);

/* Closes a session with CDN (result code, e.g. L2TP_CDN_ADMIN).  An
 * L2TP_EV_SESSION_DOWN follows at once.  Returns 0, _NO_TUNNEL, _NO_SESSION,
 * _INVAL.  The session is removed even if the CDN cannot be queued (out of
 * memory); a CDN that does not fit the output queue is retried by the
 * retransmission timer. */
L2TP_API int l2tp_session_close(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t session_id, uint16_t result);

/* Closes a tunnel with StopCCN (result code, e.g. L2TP_STOPCCN_GENERAL_REQUEST)
 * and all its sessions; the tunnel lingers until the StopCCN is acked or
 * retransmissions run out.  Returns 0, _NO_TUNNEL, _INVAL; if the StopCCN
 * cannot be queued (out of memory) the tunnel lingers without it. */
L2TP_API int l2tp_tunnel_close(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t result);

/* Copies the statistics into *st. */
L2TP_API void l2tp_get_stats(const struct l2tp_ctx *ctx, struct l2tp_stats *st);

/* Maps a result code of StopCCN (stopccn=true) or CDN to a static English
 * text. */
L2TP_API const char *l2tp_result_str(bool stopccn, uint16_t result);

#ifdef __cplusplus
}
#endif

#endif /* L2TP_H */
