/*
 * l2tp.h - public API of libl2tp: L2TP version 2 (RFC 2661) control and data
 * channels, LNS and LAC roles, sans-I/O.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t now); UINT64_MAX means "no timer".
 *    Every duration in the configuration is in nanoseconds (suffix _ns);
 *    0 takes the documented default.
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *    Log levels are syslog's (L2TP_LOG_*).
 *  - Errors are negative L2TP_E_* codes; l2tp_strerror() names them.  Codes
 *    -1 .. -15 are the block shared by all roadgate libraries (same names
 *    and values); codes from -32 down are libl2tp's own.
 *  - One context per thread; contexts share nothing.
 *  - Pointers passed in are borrowed for the duration of the call only.
 *    Pointers handed out inside events stay valid until the next call into
 *    the library with the same context.
 *  - Every function taking a context MUST be given a non-NULL context unless
 *    documented as NULL-safe.
 *  - Argument order: ctx, now, inputs, out-parameters.
 *
 * Transport: the caller carries L2TP over UDP port 1701.  Every datagram in
 * and out is tagged with an opaque 64-bit "peer handle" chosen by the caller:
 * the gateway uses the libisakmp peer id (stable across IKE and IPsec
 * rekeys); a plain UDP harness can use an index into its table of peer
 * addresses.  New tunnels are keyed by (peer handle, peer's Assigned Tunnel
 * ID), established ones by the Tunnel ID we assigned, so two clients behind
 * one NAT that pick the same Tunnel ID never collide.
 *
 * The peer handle MUST be stable for the life of a tunnel (use the IKE peer
 * or the outer address/port, not a child SA that is replaced on rekey):
 * control and data messages arriving with another handle than the tunnel's
 * are dropped as L2TP_E_NO_TUNNEL, so one client cannot address another's
 * tunnel.  When the peer is gone (libisakmp PEER_DOWN), call
 * l2tp_peer_drop(); to hang up on it politely, l2tp_peer_close().
 *
 * User tags: every tunnel and session carries a uint64_t tag of the caller's
 * (0 until set with l2tp_tunnel_set_user / l2tp_session_set_user), returned
 * in every event and in struct l2tp_rx.  The gateway stores its per-client
 * object there.
 *
 * Data path (no allocation, no copy): l2tp_input() returns a received PPP
 * frame in place, as an offset and length into the caller's datagram
 * (struct l2tp_rx); l2tp_session_encap() prepends the L2TP data header in
 * the caller's headroom (L2TP_DATA_HEADROOM bytes suffice).  Data never goes
 * through the event or output queues.  l2tp_session_send_ppp() remains for
 * callers that prefer a queued copy.
 *
 * Timers: every deadline (retransmission, HELLO, linger, tunnel and session
 * setup) is
 * kept in one heap: l2tp_next_timeout() is O(1) and l2tp_handle_timeout()
 * costs O(k log n) for the k timers that are due.  Data traffic postpones
 * HELLO without touching the heap, so l2tp_next_timeout() may name a time
 * at which l2tp_handle_timeout() only re-arms the HELLO timer.
 *
 * Proxy LCP and authentication (RFC 2661 4.4.5): the AVPs a LAC sends in
 * ICCN are offered in an L2TP_EV_PROXY event.  roadgate's libppp does not
 * consume them: the LNS renegotiates LCP and authenticates the user itself,
 * which RFC 2661 allows (the proxied values are advisory, section 4.4.5).
 * The event may carry a credential (a PAP password in Proxy Authen
 * Response): wipe it with l2tp_event_wipe() when done.
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

#if defined(__GNUC__) || defined(__clang__)
#define L2TP_WUR __attribute__((warn_unused_result))
#else
#define L2TP_WUR
#endif

#define L2TP_VERSION_MAJOR 1
#define L2TP_VERSION_MINOR 0
#define L2TP_VERSION_PATCH 0
#define L2TP_VERSION_STRING "1.0.0"

/* Well-known UDP port of L2TP. */
#define L2TP_UDP_PORT 1701
/* Largest datagram the library queues for output; size l2tp_next_output
 * buffers with this. */
#define L2TP_MAX_DGRAM 2048
/* Longest host name / secret accepted in the configuration. */
#define L2TP_MAX_HOSTNAME 64
#define L2TP_MAX_SECRET 64
/* Largest PPP frame accepted by l2tp_session_send_ppp (the queued path;
 * l2tp_session_encap takes up to 65535 - header bytes). */
#define L2TP_MAX_PPP (L2TP_MAX_DGRAM - 16)
/* Headroom l2tp_session_encap needs in front of the PPP frame: the largest
 * data header it prepends (12 bytes with sequencing), rounded up. */
#define L2TP_DATA_HEADROOM 16
/* Size of the escaped peer host name in struct l2tp_tunnel_info. */
#define L2TP_HOST_TEXT 128

/* Errors: all negative. */
enum l2tp_error {
	L2TP_OK = 0,
	/* The block shared by all roadgate libraries (same names, values). */
	L2TP_E_INVAL = -1,          /* bad argument from the caller */
	L2TP_E_NOMEM = -2,          /* allocation hook failed */
	L2TP_E_RNG = -3,            /* rng hook failed */
	L2TP_E_CRYPTO = -4,         /* MD5 from OpenSSL failed / unavailable */
	L2TP_E_BUFFER = -5,         /* caller's buffer (or headroom) too small */
	L2TP_E_AGAIN = -6,          /* nothing to return */
	L2TP_E_LIMIT = -7,          /* a configured limit refused the request */
	L2TP_E_STATE = -8,          /* not valid in the current state */
	L2TP_E_EXISTS = -9,         /* already exists (reserved: not returned) */
	L2TP_E_NOT_FOUND = -10,     /* no such tunnel/session ID given by the caller */
	L2TP_E_TRUNCATED = -11,     /* datagram shorter than its header */
	L2TP_E_BAD_LENGTH = -12,    /* Length / Offset field disagrees with the bytes */
	L2TP_E_VERSION = -13,       /* version not 2 (L2F/L2TPv3 dropped) */
	L2TP_E_DUPLICATE = -14,     /* retransmitted message: re-acked, ignored */
	L2TP_E_QUEUE_FULL = -15,    /* output or event queue full */
	/* libl2tp's own codes. */
	L2TP_E_BAD_HEADER = -32,    /* control message without L/S bits, etc. */
	L2TP_E_AVP_LENGTH = -33,    /* AVP length 0, < 6 or past the end */
	L2TP_E_HIDDEN = -34,        /* hidden AVP undecodable (no RV, no secret, bad length) */
	L2TP_E_MISSING_AVP = -35,   /* a required AVP is absent */
	L2TP_E_BAD_AVP = -36,       /* an AVP's value is malformed */
	L2TP_E_UNKNOWN_MANDATORY = -37, /* unknown AVP with the M bit set */
	L2TP_E_NO_TUNNEL = -38,     /* packet for a tunnel ID not ours (or zero) */
	L2TP_E_NO_SESSION = -39,    /* packet for a session ID not ours */
	L2TP_E_SEQUENCE = -40,      /* Ns outside the receive window */
	L2TP_E_AUTH = -41,          /* tunnel authentication failed */
	L2TP_E_UNSUPPORTED = -42,   /* refused cleanly (OCRQ, unknown message) */
	L2TP_E_ROLE = -43,          /* operation not allowed by the configured role */
	L2TP_E_TIEBREAK = -44,      /* SCCRQ refused by the tie-breaker */
	L2TP_E_TIMEOUT = -45,       /* peer stopped acknowledging (teardown reason) */
	L2TP_E_SETUP_TIMEOUT = -46, /* session not established in time (teardown reason) */
	L2TP_E_PEER_GONE = -47,     /* l2tp_peer_drop (teardown reason) */
	L2TP_E_PEER_RESTART = -48,  /* peer opened a new tunnel with the same
	                               Tunnel ID: the old one is dropped (reason) */
};

/* Roles (bit mask). */
#define L2TP_ROLE_LNS 0x1u /* accept SCCRQ and ICRQ */
#define L2TP_ROLE_LAC 0x2u /* open tunnels and place incoming calls */

/* Log levels for hooks->log: syslog's numbering. */
#define L2TP_LOG_ERROR 3
#define L2TP_LOG_WARN 4
#define L2TP_LOG_INFO 6
#define L2TP_LOG_DEBUG 7

struct l2tp_hooks {
	void *user;                                         /* passed to every hook */
	int (*rng)(void *user, void *buf, size_t len);      /* required; 0 = ok */
	void *(*alloc)(void *user, size_t size);            /* zeroed; NULL hook = calloc */
	void (*free)(void *user, void *ptr);                /* NULL hook = free */
	void (*log)(void *user, int level, const char *msg); /* optional; L2TP_LOG_* */
};

/*
 * Configuration.  Set size = sizeof(struct l2tp_config); zero fields take the
 * defaults given in brackets.  l2tp_ctx_new(.., NULL, ..) takes all defaults.
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
	unsigned rtx_max_count;         /* retransmissions before teardown [5], at most 32 */
	uint64_t hello_interval_ns;     /* idle time before HELLO [60 s]; UINT64_MAX = never */
	/* Some phones never answer HELLO: when true, a HELLO that exhausts its
	 * retransmissions does not tear the tunnel down (the caller's IPsec DPD
	 * and PPP LCP echo decide liveness instead). */
	bool tolerate_missing_hello;
	unsigned max_tunnels;           /* [1024], at most 65535 */
	unsigned max_sessions_per_tunnel; /* [256], at most 65535 */
	unsigned max_half_open;         /* tunnels not yet established [64] */
	unsigned max_events;            /* event queue length [256] */
	unsigned max_output;            /* queued output datagrams [4096] */
	/* Ask the peer for sequenced data messages (Sequencing Required AVP). */
	bool data_sequencing;
	/* A session not established this long after it was created (LNS: ICCN
	 * not received after our ICRP; LAC: ICRP not received after our ICRQ,
	 * including the wait for the tunnel) is closed with CDN (result
	 * L2TP_CDN_TIMEOUT) and reported down with reason L2TP_E_SETUP_TIMEOUT.
	 * [30 s]; UINT64_MAX = never. */
	uint64_t session_setup_timeout_ns;
	/* LNS: a tunnel whose SCCCN has not arrived this long after its SCCRQ
	 * is closed with StopCCN (result L2TP_STOPCCN_GENERAL_ERROR) and
	 * reported down with reason L2TP_E_SETUP_TIMEOUT, so it cannot hold a
	 * half-open slot forever once its SCCRP was acknowledged.  LAC: a
	 * tunnel whose SCCRP has not arrived this long after its SCCRQ (the
	 * LNS may have acknowledged the SCCRQ with a ZLB and gone quiet) is
	 * removed the same way, without StopCCN (the peer never told us its
	 * Tunnel ID).  The deadline runs from the tunnel's creation: acks,
	 * ZLBs, HELLOs and retransmitted SCCRQs do not extend it.  A tunnel
	 * whose peer was never verified (see below) is removed without
	 * StopCCN too.  [30 s]; UINT64_MAX = never. */
	uint64_t tunnel_setup_timeout_ns;
	/*
	 * Per-peer-handle shares, so one transport peer (an authenticated VPN
	 * user, or anyone holding the group PSK) cannot take the whole context:
	 * tunnels of one peer handle in any state [8], of those not yet
	 * established [4], and sessions on all its tunnels in any state [64].
	 * UINT_MAX = no share (only the global limits).  An SCCRQ or ICRQ over
	 * the share is refused like one over a global limit (StopCCN / CDN with
	 * result 2 / 4, error "no resources"), counted in refused_peer_tunnels,
	 * refused_peer_half_open or refused_peer_sessions and logged (rate
	 * limited) with the peer handle.  The caller's own l2tp_tunnel_open /
	 * l2tp_session_open are bounded by the global limits only (the shares
	 * bound what a peer asks for).  A new SCCRQ of a peer at its tunnel share first
	 * reclaims that peer's oldest closing or lingering tunnel (a redialling
	 * client), counted in peer_linger_reclaimed.
	 */
	unsigned max_tunnels_per_peer;
	unsigned max_half_open_per_peer;
	unsigned max_sessions_per_peer;
	/*
	 * Anti-amplification towards an unverified source (plain UDP can be
	 * spoofed).  An LNS tunnel's peer is "verified" once a ZLB or control
	 * message arrives for the Tunnel ID we assigned in SCCRP (only the
	 * SCCRP's receiver knows it).  Until then:
	 *  - the SCCRP is compact: the AVPs RFC 2661 6.2 requires (and Challenge
	 *    / Challenge Response when tunnel authentication needs them, the
	 *    Receive Window Size when it is not the default 4); the optional
	 *    Bearer Capabilities, Firmware Revision and Vendor Name are added
	 *    only while the SCCRP stays no bigger than the SCCRQ;
	 *  - the SCCRP is never retransmitted by the timer; a retransmitted
	 *    SCCRQ (same bytes) gets it again only if it is no bigger than that
	 *    SCCRQ, and at most sccrp_max_unverified times in all (the first
	 *    answer included) [3]; 1 = sent once.  Otherwise the retransmitted
	 *    SCCRQ gets no answer (counted in unverified_suppressed);
	 *  - at the setup deadline the tunnel is removed without StopCCN.
	 * So a spoofed SCCRQ draws at most one datagram per datagram received,
	 * each no bigger than the request except the first SCCRP (which is
	 * compact).  Refusals of SCCRQ (StopCCN without a tunnel) drop their
	 * text message when it would make them bigger than the SCCRQ.
	 */
	unsigned sccrp_max_unverified;
	/* Log lines about refusals by a limit, share or setup deadline are
	 * rate limited: at most this many per second per kind [10]; the rest
	 * are counted in log_suppressed and summed up in the next line.
	 * UINT_MAX = no rate limit. */
	unsigned log_lines_per_s;
};

struct l2tp_ctx;

enum l2tp_event_type {
	L2TP_EV_TUNNEL_UP = 1,     /* control connection established */
	L2TP_EV_TUNNEL_DOWN,       /* tunnel closed: result/error/reason set */
	L2TP_EV_SESSION_UP,        /* session established (ICCN sent/received) */
	L2TP_EV_SESSION_DOWN,      /* session closed: result/error/reason set */
	L2TP_EV_PROXY,             /* Proxy LCP/Authen AVPs offered by the LAC */
};

/*
 * Proxy LCP and authentication data received in ICCN (RFC 2661 4.4.5),
 * borrowed from the library until the next call with the context.  Not
 * consumed by libppp (see the top of this file).
 */
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
 * (a refused ICRQ of ours, a CDN during setup, a setup timeout); TUNNEL_DOWN
 * likewise for a tunnel whose setup failed (reason says why: L2TP_E_AUTH,
 * _TIMEOUT, _TIEBREAK, _UNKNOWN_MANDATORY, _PEER_GONE, _PEER_RESTART,
 * _SETUP_TIMEOUT, or 0 when the peer sent StopCCN/CDN or the caller closed
 * it).  tunnel_id / session_id are the IDs we assigned (the handles for the
 * API); peer_handle is the caller's transport tag; tunnel_user /
 * session_user are the caller's tags (0 if never set; session_user is 0 for
 * tunnel events).  Pointers are valid until the next call into the library
 * with this context.
 */
struct l2tp_event {
	enum l2tp_event_type type;
	uint16_t tunnel_id;
	uint16_t session_id;
	uint64_t peer_handle;
	uint64_t tunnel_user;
	uint64_t session_user;
	uint16_t result;                /* Result Code (StopCCN/CDN), 0 if none */
	uint16_t error;                 /* General Error Code, 0 if none */
	int reason;                     /* L2TP_E_* that caused a local teardown, or 0 */
	struct l2tp_proxy proxy;        /* L2TP_EV_PROXY */
};

/* What l2tp_input found in a datagram. */
enum l2tp_rx_kind {
	L2TP_RX_NONE = 0,               /* nothing for the caller (control, ZLB, empty data) */
	L2TP_RX_PPP = 1,                /* a PPP frame for the caller */
};

/* Result of l2tp_input: for L2TP_RX_PPP, the PPP frame (starting at the
 * address/control bytes 0xff 0x03 if the peer sent them, else at the
 * protocol field) is dgram[off, off + len) of the caller's own datagram. */
struct l2tp_rx {
	enum l2tp_rx_kind kind;
	uint16_t tunnel_id, session_id; /* our IDs */
	uint64_t tunnel_user, session_user;
	size_t off, len;
};

/* Statistics: every counter is monotonic except the gauges. */
struct l2tp_stats {
	uint64_t rx_packets, rx_control, rx_data, rx_zlb;
	uint64_t tx_packets, tx_control, tx_data, tx_zlb;
	uint64_t rx_data_bytes, tx_data_bytes;  /* PPP bytes (without L2TP header) */
	uint64_t rx_truncated, rx_bad_length, rx_bad_version, rx_bad_header;
	uint64_t rx_avp_length, rx_hidden_bad, rx_missing_avp, rx_bad_avp;
	uint64_t rx_unknown_mandatory, rx_unknown_optional, rx_no_tunnel, rx_no_session;
	uint64_t rx_out_of_window, rx_duplicate, rx_out_of_order, rx_auth_failed;
	uint64_t rx_sccrq_retransmit, rx_unsupported, rx_state;
	uint64_t refused_limit, refused_tiebreak, nomem, queue_full;
	uint64_t retransmits, hellos_sent, rtx_teardowns;
	uint64_t session_setup_timeouts;        /* sessions closed by the setup deadline */
	uint64_t tunnel_setup_timeouts;         /* tunnels closed by the setup deadline */
	uint64_t peer_restarts;                 /* tunnels replaced by a new SCCRQ, same ID */
	uint64_t peer_drops;                    /* tunnels removed by l2tp_peer_drop */
	uint64_t refused_peer_tunnels;          /* SCCRQ / open over max_tunnels_per_peer */
	uint64_t refused_peer_half_open;        /* SCCRQ / open over max_half_open_per_peer */
	uint64_t refused_peer_sessions;         /* ICRQ / open over max_sessions_per_peer */
	uint64_t peer_linger_reclaimed;         /* closing tunnels freed for a new SCCRQ */
	uint64_t sccrp_resent;                  /* SCCRP resent for a retransmitted SCCRQ */
	uint64_t unverified_suppressed;         /* SCCRP (re)transmissions withheld from an
	                                           unverified peer */
	uint64_t unverified_expired;            /* unverified tunnels removed silently at the
	                                           setup deadline (also in tunnel_setup_timeouts) */
	uint64_t log_suppressed;                /* rate-limited log lines not emitted */
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
#define L2TP_CDN_TIMEOUT 10             /* not established in the time allotted */
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

/* Control message types (RFC 2661 3.2), for l2tp_message_name. */
enum l2tp_message_type {
	L2TP_MSG_SCCRQ = 1, L2TP_MSG_SCCRP = 2, L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4, L2TP_MSG_HELLO = 6, L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8, L2TP_MSG_OCCN = 9, L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11, L2TP_MSG_ICCN = 12, L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15, L2TP_MSG_SLI = 16,
};

/* Tunnel (control connection) states, RFC 2661 7.2. */
enum l2tp_tunnel_state {
	L2TP_TUNNEL_WAIT_CTL_REPLY = 1, /* LAC: SCCRQ sent */
	L2TP_TUNNEL_WAIT_CTL_CONN,      /* LNS: SCCRP sent */
	L2TP_TUNNEL_ESTABLISHED,
	L2TP_TUNNEL_CLOSING,            /* StopCCN sent, waiting for its ack */
	L2TP_TUNNEL_LINGER,             /* StopCCN received: re-acks retransmissions */
};

/* Session (call) states, RFC 2661 7.4. */
enum l2tp_session_state {
	L2TP_SESSION_WAIT_TUNNEL = 1,   /* LAC: ICRQ waits for the tunnel */
	L2TP_SESSION_WAIT_REPLY,        /* LAC: ICRQ sent */
	L2TP_SESSION_WAIT_CONNECT,      /* LNS: ICRP sent */
	L2TP_SESSION_ESTABLISHED,
};

/* One tunnel, for `show` (l2tp_tunnel_next).  No secrets. */
struct l2tp_tunnel_info {
	uint16_t tunnel_id, peer_tunnel_id;   /* peer_tunnel_id 0 until known */
	uint64_t peer_handle;
	uint64_t user;
	enum l2tp_tunnel_state state;
	bool initiator;                       /* we sent the SCCRQ (LAC) */
	bool authenticated;                   /* Challenge answered correctly */
	/* The peer's Host Name AVP, non-printable bytes as \xNN, truncated to
	 * fit; "" if not received. */
	char peer_host[L2TP_HOST_TEXT];
	unsigned n_sessions;
	uint64_t created_ns;                  /* `now` of its creation */
	uint64_t up_ns;                       /* when it was established, 0 if never */
	uint64_t last_rx_ns;                  /* last control or data message from the peer */
	uint16_t ns, nr;                      /* next Ns we send, next Ns we expect */
	uint16_t peer_rws;                    /* the peer's receive window */
	uint16_t unacked;                     /* control messages sent, not acked */
	uint16_t queued;                      /* control messages waiting for the window */
	uint64_t control_rx, control_tx;      /* control messages (without ZLBs), tx without retransmissions */
	uint64_t data_rx_packets, data_rx_bytes, data_tx_packets, data_tx_bytes;
};

/* One session, for `show` (l2tp_session_next).  No secrets. */
struct l2tp_session_info {
	uint16_t tunnel_id, session_id, peer_session_id;   /* peer's 0 until known */
	uint64_t peer_handle;
	uint64_t tunnel_user, user;
	enum l2tp_session_state state;
	uint32_t call_serial;                 /* Call Serial Number (ours as LAC, the LAC's as LNS) */
	bool data_sequencing;                 /* data messages carry Ns */
	uint64_t created_ns;
	uint64_t up_ns;                       /* 0 if not established */
	uint64_t data_rx_packets, data_rx_bytes, data_tx_packets, data_tx_bytes;
};

/* Returns the library's version string, a static string. */
L2TP_API const char *l2tp_version(void);

/* Returns a static English name of an L2TP_E_* code ("unknown error" else). */
L2TP_API const char *l2tp_strerror(int err);

/*
 * Creates a context.  cfg (NULL = all defaults) and hooks are copied;
 * hooks->rng is required.  Returns 0 and sets *out, or L2TP_E_INVAL (NULL
 * out/hooks, cfg->size != sizeof(struct l2tp_config), no rng, hide_avps /
 * require_auth without a secret, secret_len > L2TP_MAX_SECRET, max_tunnels
 * or max_sessions_per_tunnel > 65535), L2TP_E_NOMEM, L2TP_E_CRYPTO (no MD5
 * in OpenSSL).
 */
L2TP_API int l2tp_ctx_new(struct l2tp_ctx **out, const struct l2tp_config *cfg,
    const struct l2tp_hooks *hooks) L2TP_WUR;

/* Frees the context, every tunnel, session, queued datagram and pending
 * event; wipes the secret and any proxy authentication data.  NULL-safe.
 * No events are produced. */
L2TP_API void l2tp_ctx_free(struct l2tp_ctx *ctx);

/*
 * Processes one received L2TP datagram (the UDP payload) from the transport
 * peer peer_handle at time now.  dgram is borrowed for the call, except
 * that a PPP frame is returned in place: on return rx->kind says what was
 * found; for L2TP_RX_PPP, dgram[rx->off, rx->off + rx->len) is the frame of
 * session rx->session_id (tags in rx->tunnel_user / rx->session_user).
 * Data messages allocate and copy nothing and queue no event.  Control
 * replies, acks and events are queued.  rx MUST NOT be NULL.
 * Returns 0 if the datagram was accepted, else a negative code saying why
 * it was dropped (the stats counter and a log line record it):
 * L2TP_E_TRUNCATED, _BAD_LENGTH, _VERSION, _BAD_HEADER, _AVP_LENGTH,
 * _HIDDEN, _MISSING_AVP, _BAD_AVP, _UNKNOWN_MANDATORY, _NO_TUNNEL (also for
 * a tunnel of another peer handle), _NO_SESSION, _SEQUENCE, _DUPLICATE
 * (also a sequenced data message behind the expected Ns), _AUTH, _LIMIT,
 * _STATE (also data for a session not yet established), _UNSUPPORTED,
 * _TIEBREAK, _ROLE (SCCRQ without the LNS role), _CRYPTO, _RNG, _NOMEM;
 * L2TP_E_INVAL for a NULL ctx or rx, or a NULL dgram with len > 0.  A bad
 * datagram never changes other tunnels or sessions.  A full output or
 * event queue is not an error of the datagram: control replies are retried
 * by the retransmission timer, a lost event is counted (queue_full) and
 * logged.
 */
L2TP_API int l2tp_input(struct l2tp_ctx *ctx, uint64_t now, uint64_t peer_handle,
    const uint8_t *dgram, size_t len, struct l2tp_rx *rx) L2TP_WUR;

/*
 * Prepends the L2TP data header of session (tunnel_id, session_id) to the
 * PPP frame buf[*off, *off + *len) in place: on success the datagram to
 * send (UDP payload) is buf[*off, *off + *len) with *off decreased and *len
 * increased by the header size (8 bytes, 12 with data sequencing; at most
 * L2TP_DATA_HEADROOM), and *peer_handle names the transport peer.  The
 * frame starts at the address/control bytes or the protocol field, as PPP
 * produced it.  Allocates and copies nothing; never queues output.
 * Returns 0, L2TP_E_INVAL (NULL pointer, *len 0, the frame outside
 * buf[0, cap), or *len + header > 65535), L2TP_E_BUFFER (*off smaller than
 * the header), L2TP_E_NOT_FOUND (no such tunnel/session), L2TP_E_STATE
 * (session or tunnel not established).  On error buf, *off and *len are
 * unchanged.
 */
L2TP_API int l2tp_session_encap(struct l2tp_ctx *ctx, uint16_t tunnel_id,
    uint16_t session_id, uint8_t *buf, size_t cap, size_t *off, size_t *len,
    uint64_t *peer_handle) L2TP_WUR;

/*
 * Pulls the next datagram to send: copies it into buf (cap bytes, at least
 * L2TP_MAX_DGRAM is always enough), sets *len and *peer_handle.  Returns 0,
 * L2TP_E_AGAIN when nothing is queued, L2TP_E_BUFFER if cap is too small (the
 * datagram stays queued), L2TP_E_INVAL.
 */
L2TP_API int l2tp_next_output(struct l2tp_ctx *ctx, uint64_t now, uint8_t *buf,
    size_t cap, size_t *len, uint64_t *peer_handle) L2TP_WUR;

/* Earliest time l2tp_handle_timeout must be called, UINT64_MAX if none.
 * O(1). */
L2TP_API uint64_t l2tp_next_timeout(const struct l2tp_ctx *ctx);

/* Runs due retransmissions, HELLOs, setup deadlines and teardowns.
 * Returns 0, or L2TP_E_INVAL for a NULL context.  Control messages that did
 * not fit the output queue when they were sent are retried by the
 * retransmission timer (and count towards rtx_max_count). */
L2TP_API int l2tp_handle_timeout(struct l2tp_ctx *ctx, uint64_t now);

/* Pops the oldest event into *ev; returns false when the queue is empty (or
 * ctx/ev is NULL).  Pointers in the previous event become invalid (the
 * library wipes the proxy data it pointed to). */
L2TP_API bool l2tp_next_event(struct l2tp_ctx *ctx, struct l2tp_event *ev);

/* Wipes an event: the proxy authentication data it points to (library
 * memory, so call it before the next call with the context) and the struct
 * itself.  NULL-safe. */
L2TP_API void l2tp_event_wipe(struct l2tp_event *ev);

/*
 * LAC role: opens a tunnel to the transport peer peer_handle by sending
 * SCCRQ.  *tunnel_id receives our Tunnel ID.  L2TP_EV_TUNNEL_UP follows.
 * Returns 0, L2TP_E_ROLE, L2TP_E_LIMIT, L2TP_E_NOMEM, L2TP_E_RNG (rng
 * failure), L2TP_E_INVAL.  A full output queue is not an error: the SCCRQ
 * is retried by the retransmission timer.
 */
L2TP_API int l2tp_tunnel_open(struct l2tp_ctx *ctx, uint64_t now,
    uint64_t peer_handle, uint16_t *tunnel_id) L2TP_WUR;

/*
 * LAC role: places an incoming call (ICRQ) on an established tunnel (or one
 * being established: the ICRQ waits for it).  *session_id receives our
 * Session ID.  L2TP_EV_SESSION_UP follows after ICRP/ICCN, or SESSION_DOWN
 * (a CDN, or reason L2TP_E_SETUP_TIMEOUT).  Returns 0, L2TP_E_ROLE,
 * L2TP_E_NOT_FOUND (no such tunnel), L2TP_E_LIMIT, L2TP_E_NOMEM,
 * L2TP_E_RNG, L2TP_E_STATE, L2TP_E_INVAL.
 */
L2TP_API int l2tp_session_open(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t *session_id) L2TP_WUR;

/*
 * Sends one PPP frame (starting at the address/control bytes 0xff 0x03 or
 * the protocol field, as PPP produced it) on an established session through
 * the output queue (a copy; the gateway's data path uses
 * l2tp_session_encap instead).  ppp is borrowed.  Returns 0,
 * L2TP_E_NOT_FOUND, L2TP_E_STATE, L2TP_E_INVAL (len 0 or > L2TP_MAX_PPP),
 * L2TP_E_QUEUE_FULL, L2TP_E_NOMEM.
 */
L2TP_API int l2tp_session_send_ppp(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t session_id, const uint8_t *ppp, size_t len) L2TP_WUR;

/* Closes a session with CDN (result code, e.g. L2TP_CDN_ADMIN).  An
 * L2TP_EV_SESSION_DOWN follows at once.  Returns 0, L2TP_E_NOT_FOUND,
 * L2TP_E_INVAL.  The session is removed even if the CDN cannot be queued
 * (out of memory); a CDN that does not fit the output queue is retried by
 * the retransmission timer. */
L2TP_API int l2tp_session_close(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t session_id, uint16_t result);

/* Closes a tunnel with StopCCN (result code, e.g. L2TP_STOPCCN_GENERAL_REQUEST)
 * and all its sessions (SESSION_DOWN and TUNNEL_DOWN follow at once); the
 * tunnel lingers until the StopCCN is acked or retransmissions run out.
 * Returns 0 (also for a tunnel already closing), L2TP_E_NOT_FOUND,
 * L2TP_E_INVAL; if the StopCCN cannot be queued (out of memory) the tunnel
 * lingers without it. */
L2TP_API int l2tp_tunnel_close(struct l2tp_ctx *ctx, uint64_t now,
    uint16_t tunnel_id, uint16_t result);

/* Sets the caller's tag of a tunnel (returned in events, rx and info).
 * Returns 0, L2TP_E_NOT_FOUND, L2TP_E_INVAL. */
L2TP_API int l2tp_tunnel_set_user(struct l2tp_ctx *ctx, uint16_t tunnel_id,
    uint64_t user);

/* Sets the caller's tag of a session.  Returns 0, L2TP_E_NOT_FOUND,
 * L2TP_E_INVAL. */
L2TP_API int l2tp_session_set_user(struct l2tp_ctx *ctx, uint16_t tunnel_id,
    uint16_t session_id, uint64_t user);

/*
 * Hangs up on a transport peer: l2tp_tunnel_close(result) on every tunnel
 * of peer_handle that is not already closing (StopCCN each; SESSION_DOWN /
 * TUNNEL_DOWN follow at once).  Returns the number of tunnels closed (0 if
 * the peer has none), or L2TP_E_INVAL.
 */
L2TP_API int l2tp_peer_close(struct l2tp_ctx *ctx, uint64_t now,
    uint64_t peer_handle, uint16_t result);

/*
 * The transport peer is gone (e.g. libisakmp PEER_DOWN): removes its
 * tunnels and sessions at once without sending anything, and discards the
 * datagrams still queued for it.  Sessions and tunnels that were not yet
 * reported down get SESSION_DOWN / TUNNEL_DOWN with reason
 * L2TP_E_PEER_GONE.  Returns the number of tunnels removed (0 if none), or
 * L2TP_E_INVAL.
 */
L2TP_API int l2tp_peer_drop(struct l2tp_ctx *ctx, uint64_t peer_handle);

/*
 * Enumeration for `show`: start with *cursor = 0 and call until false.
 * Tunnels come in increasing Tunnel ID order; sessions in an unspecified
 * order.  The tables MUST NOT change between calls (no input, timeout, open
 * or close in between).  now is used for nothing but future ageing; pass
 * the current time.  Return false at the end or for a NULL argument.
 */
L2TP_API bool l2tp_tunnel_next(const struct l2tp_ctx *ctx, uint64_t now,
    size_t *cursor, struct l2tp_tunnel_info *info);
L2TP_API bool l2tp_session_next(const struct l2tp_ctx *ctx, uint64_t now,
    size_t *cursor, struct l2tp_session_info *info);

/* Copies the statistics into *st. */
L2TP_API void l2tp_get_stats(const struct l2tp_ctx *ctx, struct l2tp_stats *st);

/* Static names ("unknown" for values outside the enum). */
L2TP_API const char *l2tp_event_name(enum l2tp_event_type type);
/* Control message type: "SCCRQ", "StopCCN", ... "unknown message". */
L2TP_API const char *l2tp_message_name(unsigned type);
L2TP_API const char *l2tp_tunnel_state_name(enum l2tp_tunnel_state state);
L2TP_API const char *l2tp_session_state_name(enum l2tp_session_state state);

/* Maps a result code of StopCCN (stopccn=true) or CDN to a static English
 * text. */
L2TP_API const char *l2tp_result_str(bool stopccn, uint16_t result);

/* Maps a General Error Code (L2TP_ERR_*) to a static English text. */
L2TP_API const char *l2tp_error_code_str(uint16_t error);

#ifdef __cplusplus
}
#endif

#endif /* L2TP_H */
