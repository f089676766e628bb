/*
 * ppp.h - public API of libppp: PPP as carried inside L2TPv2 sessions.
 *
 * LCP (RFC 1661), PAP (RFC 1334), CHAP-MD5 (RFC 1994), MS-CHAPv2 (RFC 2759)
 * and IPCP (RFC 1332, RFC 1877), in the authenticator ("server") and peer
 * ("client") roles.  Anything else (CCP, IPV6CP, ...) is Protocol-Rejected
 * (at most reject_rate rejects per second per session).
 *
 * Server rules against a hostile peer: IPCP never opens without an address
 * assigned to the peer (auth_reply or set_peer_address): a Configure-Request
 * is held (not answered) until there is one; a request without IP-Address
 * is Nak'd with the assigned address (as pppd does: once per IPCP
 * negotiation, a peer that still leaves it out is then Acked and keeps the
 * assigned address); the IPv4 packets a server session returns all have
 * that source address (PPP_E_SPOOFED).  Every authentication after the
 * first success of a link (CHAP / MS-CHAPv2 re-challenge, or after an LCP
 * renegotiation) must name the same user, else the link goes down
 * (PPP_DOWN_AUTH_FAILED, auth_user_changed) without asking the application.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t, "now", MUST NOT go backwards);
 *    UINT64_MAX means "no timer".  Every duration is in ns (..._ns).
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative PPP_E_* codes (PPP_OK = 0); ppp_strerror() names
 *    them.  -1..-15 are the block shared by every roadgate library.
 *  - One context per thread; contexts share nothing.  A context owns many
 *    sessions (one per L2TP session) and drives them all: the caller drains
 *    ppp_next_output() and ppp_next_event() after every call that can queue
 *    (input, auth_reply, close, handle_timeout, session_new), and waits for
 *    ppp_next_timeout() (O(1) whatever the number of sessions).
 *    ppp_ctx_free() frees the sessions still alive.
 *  - Pointers passed in are borrowed for the duration of the call only,
 *    unless stated otherwise.  NULL is never accepted where a pointer is
 *    documented as required (PPP_E_INVAL).
 *  - IPv4 addresses are uint32_t in host byte order (192.0.2.1 = 0xc0000201),
 *    0 meaning "none".
 *  - Frames in and out are PPP frames as L2TP carries them: no HDLC flags,
 *    no FCS, optional FF 03 address/control on input (always sent on output),
 *    protocol field compression accepted on input.
 *  - Data path: IPv4 packets never go through the queues.  ppp_session_input()
 *    returns a received packet in place (struct ppp_rx, an offset into the
 *    caller's frame) and ppp_session_encap() prepends the 4-byte header in
 *    the caller's headroom: no allocation and no copy per packet.
 *  - Proxy LCP / Proxy Authentication AVPs of L2TP (RFC 2661 §18) are not
 *    consumed: the LNS renegotiates LCP and authenticates the peer itself,
 *    which RFC 2661 allows.
 */
#ifndef PPP_H
#define PPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PPP_BUILDING)
#define PPP_API __attribute__((visibility("default")))
#else
#define PPP_API
#endif

#if defined(__GNUC__)
#define PPP_WUR __attribute__((warn_unused_result))
#else
#define PPP_WUR
#endif

#define PPP_VERSION_MAJOR 1
#define PPP_VERSION_MINOR 1
#define PPP_VERSION_PATCH 0
#define PPP_VERSION_STRING "1.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with PPP_VERSION_STRING to detect a header /
 * library mismatch.
 */
PPP_API const char *ppp_version(void);

/* Error codes: every function returning int returns PPP_OK (or a documented
 * non-negative value) on success and one of these on failure. */
enum ppp_error {
	PPP_OK = 0,
	/* The block shared by the five roadgate libraries (same values). */
	PPP_E_INVAL = -1,		/* bad argument from the caller */
	PPP_E_NOMEM = -2,		/* allocation hook failed */
	PPP_E_RNG = -3,			/* rng hook failed */
	PPP_E_CRYPTO = -4,		/* OpenSSL failed / legacy provider missing */
	PPP_E_BUFFER = -5,		/* caller's buffer or headroom too small */
	PPP_E_AGAIN = -6,		/* nothing to return (no output / event) */
	PPP_E_LIMIT = -7,		/* a configured limit refused it */
	PPP_E_STATE = -8,		/* not valid in the current state */
	PPP_E_EXISTS = -9,		/* already exists (unused by libppp) */
	PPP_E_NOT_FOUND = -10,		/* no such object (unused by libppp) */
	PPP_E_TRUNCATED = -11,		/* frame/packet shorter than its header */
	PPP_E_BAD_LENGTH = -12,		/* declared length disagrees with data */
	PPP_E_VERSION = -13,		/* unsupported version (unused by libppp) */
	PPP_E_DUPLICATE = -14,		/* duplicate response, answered again */
	PPP_E_QUEUE_FULL = -15,		/* output or event queue at its cap */
	/* libppp's own codes. */
	PPP_E_BAD_OPTION = -32,		/* option length 0/1/past end or wrong size */
	PPP_E_DUP_OPTION = -33,		/* option present twice */
	PPP_E_BAD_ID = -34,		/* identifier does not match */
	PPP_E_UNKNOWN_PROTO = -35,	/* protocol not supported (rejected) */
	PPP_E_UNKNOWN_CODE = -36,	/* code not supported (rejected) */
	PPP_E_BAD_MESSAGE = -37,	/* malformed auth message (S=, E=, ...) */
	PPP_E_NAME_TOO_LONG = -38,	/* name/value field oversized */
	PPP_E_BAD_RESPONSE = -39,	/* CHAP/MS-CHAPv2 value of the wrong size */
	PPP_E_LATE = -40,		/* message arrived in the wrong phase */
	PPP_E_NOT_CONVERGED = -41,	/* negotiation did not converge */
	PPP_E_RATE_LIMITED = -42,	/* Echo flood: request dropped */
	PPP_E_LOOPBACK = -43,		/* our own magic number came back */
	PPP_E_TOO_BIG = -44,		/* larger than the MRU */
	PPP_E_AUTH = -45,		/* authentication failed */
	PPP_E_BAD_FRAME = -46,		/* bad address/control or protocol field */
	PPP_E_SPOOFED = -47		/* server: IPv4 source is not the
					 * address assigned to the peer */
};

/* Returns a static English name for PPP_OK or a PPP_E_* code ("unknown"
 * otherwise). */
PPP_API const char *ppp_strerror(int err);

/* Log levels passed to hooks.log (syslog numbering). */
#define PPP_LOG_ERROR	3
#define PPP_LOG_WARN	4
#define PPP_LOG_INFO	6
#define PPP_LOG_DEBUG	7

/*
 * Hooks.  rng is required (return 0 on success); alloc must return zeroed
 * memory (NULL hook = calloc); free (NULL hook = free); log optional.  The
 * msg passed to log is valid for the call only and never contains secrets;
 * peer-supplied strings are escaped.
 */
struct ppp_hooks {
	void *user;
	int (*rng)(void *user, void *buf, size_t len);
	void *(*alloc)(void *user, size_t size);
	void (*free)(void *user, void *ptr);
	void (*log)(void *user, int level, const char *msg);
};

/* Authentication methods (also the wire identity of the method). */
enum ppp_auth_method {
	PPP_AUTH_NONE = 0,
	PPP_AUTH_PAP = 1,
	PPP_AUTH_CHAP_MD5 = 2,
	PPP_AUTH_MSCHAPV2 = 3
};

/* Returns "none", "PAP", "CHAP-MD5", "MS-CHAPv2" ("unknown" otherwise). */
PPP_API const char *ppp_auth_method_name(enum ppp_auth_method m);

#define PPP_MAX_AUTH_METHODS	4	/* entries of an auth[] list */
#define PPP_MAX_NAME		255	/* longest user / host name accepted */
#define PPP_MAX_SECRET		255	/* longest PAP password / secret */
#define PPP_MAX_MESSAGE		128	/* longest auth message text sent or
					 * reported (bytes, without NUL) */
#define PPP_MAX_FRAME		1508	/* a buffer of this size always holds
					 * the frames ppp_next_output returns
					 * (control packets: at most 1504) */
#define PPP_HEADROOM		4	/* bytes ppp_session_encap prepends */
#define PPP_TIMER_OFF		UINT64_MAX	/* session config: timer off */
#define PPP_ADDR_NONE		0xffffffffu	/* session config: no address */

/*
 * Context configuration.  Zero fields take the documented default;
 * ppp_ctx_new(cfg = NULL) takes every default.  size MUST be
 * sizeof(struct ppp_config).  The first group are the defaults of every
 * session (struct ppp_session_config overrides them per session).
 */
struct ppp_config {
	size_t size;
	/*
	 * Authenticator: the methods to require, in order of preference (the
	 * first is proposed, a peer Nak may pick a later one).  n_auth = 0
	 * (default) or the single entry PPP_AUTH_NONE: no authentication.
	 * Peer (client): the methods we accept; n_auth = 0 (default) means
	 * all three, or none if the server asks for none.  With n_auth > 0 a
	 * server asking for no authentication is refused (LINK_DOWN with
	 * PPP_DOWN_NO_COMMON_AUTH) unless PPP_AUTH_NONE is in the list.
	 * Duplicates are refused.
	 */
	enum ppp_auth_method auth[PPP_MAX_AUTH_METHODS];
	size_t n_auth;
	uint64_t echo_interval_ns;	/* LCP echo period, 0 = no keepalive */
	uint8_t echo_max_misses;	/* dead peer after this many, default 3 */
	uint64_t rechallenge_ns;	/* CHAP re-challenge period, 0 = off */
	uint16_t mru;			/* our MRU, 128..1500, default 1500 */
	uint32_t local_addr;		/* server: our IPCP address (0 = none) */
	uint32_t dns[2];		/* server: DNS handed out (0 = reject) */
	uint32_t nbns[2];		/* server: NBNS handed out (0 = reject) */
	const char *name;		/* CHAP challenge name, NUL-terminated,
					 * copied; default "roadgate" */
	/* Protocol timers and counters (RFC 1661 §4.6). */
	uint64_t restart_ns;		/* restart timer, default 3 s */
	uint8_t max_configure;		/* default 10 */
	uint8_t max_terminate;		/* default 2 */
	uint8_t max_failure;		/* default 5 */
	uint64_t auth_timeout_ns;	/* server: time the application has to
					 * answer an AUTH_REQUEST, default 30 s */
	uint16_t echo_rate;		/* Echo-Replies per second per session
					 * allowed, default 10 */
	/* Limits. */
	uint32_t max_sessions;		/* live sessions, default 65536 */
	uint16_t max_events;		/* per-session share of the event
					 * queue, default 16 */
	uint16_t max_output;		/* per-session share of the output
					 * queue, default 32 */
	uint32_t ctx_max_events;	/* events queued in the context,
					 * default 16384 */
	uint32_t ctx_max_output;	/* frames queued in the context,
					 * default 16384 */
	/* Code-Rejects and Protocol-Rejects a session sends per second
	 * (a peer spraying unknown codes or protocols gets at most this
	 * many; the rest are dropped silently and counted in
	 * rejects_suppressed), default 10. */
	uint16_t reject_rate;
	/* Log lines of one rate-limited kind (unknown protocol / code,
	 * suppressed rejects, spoofed IP sources) per second for the whole
	 * context, default 10; the rest are counted in log_suppressed and
	 * summed up in the next line of that kind. */
	uint16_t log_lines_per_s;
};

/*
 * Statistics of a context (all its sessions).  Every bad-input class has a
 * counter; each increment is accompanied by one log line, except for the
 * classes a peer can send at line rate (unknown_proto, unknown_code,
 * rejects_suppressed, ip_spoofed), whose lines are rate limited
 * (log_lines_per_s, log_suppressed).
 */
struct ppp_stats {
	uint64_t frames_in, frames_out;		/* control + IP frames */
	uint64_t ip_in, ip_out, ip_bytes_in, ip_bytes_out;
	uint64_t sessions_created, sessions_live, session_limit;
	uint64_t sessions_up, sessions_down, auth_ok, auth_fail;
	uint64_t auth_timeout;	/* AUTH_REQUESTs the application left
				 * unanswered for auth_timeout_ns */
	uint64_t truncated, bad_length, bad_option, dup_option, bad_id;
	uint64_t bad_frame, unknown_proto, unknown_code, bad_message;
	uint64_t name_too_long, bad_response, duplicate, late;
	uint64_t not_converged, rate_limited, loopback, queue_full, too_big;
	uint64_t echo_timeout, discard, nomem, bad_state, rng_fail;
	uint64_t ip_spoofed;		/* server: IPv4 packets whose source
					 * is not the peer's address, dropped
					 * (PPP_E_SPOOFED) */
	uint64_t rejects_suppressed;	/* Code-/Protocol-Rejects not sent:
					 * over reject_rate */
	uint64_t auth_user_changed;	/* server: a re-authentication (CHAP
					 * re-challenge, LCP renegotiation)
					 * under another name than the link's
					 * first: link down */
	uint64_t ipcp_addr_nak;		/* server: Configure-Requests without
					 * IP-Address, Nak'd with the address
					 * assigned (or held: none yet) */
	uint64_t log_suppressed;	/* rate-limited log lines not emitted */
};

struct ppp_ctx;
struct ppp_session;

/*
 * Creates a context.  cfg (NULL = every default) and hooks are copied
 * (cfg->name too).  Loads OpenSSL's default and legacy providers into a
 * library context owned by the new ppp_ctx (the process default is
 * untouched); if the legacy provider is missing, MS-CHAPv2 is unavailable
 * (and this fails with PPP_E_CRYPTO if cfg->auth names it).
 * *out receives the context, owned by the caller (free with ppp_ctx_free).
 * Errors: PPP_E_INVAL (NULL out/hooks/rng, bad size, bad or duplicated
 * method, mru out of range, name too long), PPP_E_NOMEM, PPP_E_CRYPTO.
 */
PPP_API PPP_WUR int ppp_ctx_new(struct ppp_ctx **out,
    const struct ppp_config *cfg, const struct ppp_hooks *hooks);

/* Frees a context (NULL-safe) and every session still alive in it (their
 * queued frames and events are dropped, secrets wiped). */
PPP_API void ppp_ctx_free(struct ppp_ctx *ctx);

/* Copies the context's counters into *out (no-op if either is NULL). */
PPP_API void ppp_get_stats(const struct ppp_ctx *ctx, struct ppp_stats *out);

enum ppp_role {
	PPP_ROLE_SERVER = 1,	/* authenticator, assigns the peer's address */
	PPP_ROLE_CLIENT = 2	/* authenticates, gets its address assigned */
};

/* Returns "server", "client" ("unknown" otherwise). */
PPP_API const char *ppp_role_name(enum ppp_role r);

/*
 * Per-session parameters: a router's PPP template (per L2TP range) plus
 * the client's credentials.  size MUST be sizeof(struct ppp_session_config).
 * Zero fields take the context's value (struct ppp_config); PPP_TIMER_OFF
 * turns a timer off and PPP_ADDR_NONE an address that the context sets.
 */
struct ppp_session_config {
	size_t size;
	uint64_t user;			/* tag, returned on every event / rx /
					 * info of the session (0 = none) */
	/* Methods, as in struct ppp_config; n_auth = 0: the context's.  The
	 * single entry PPP_AUTH_NONE: no authentication (server), only a
	 * server asking for none (client); a client list may end with
	 * PPP_AUTH_NONE ("this method, or none"). */
	enum ppp_auth_method auth[PPP_MAX_AUTH_METHODS];
	size_t n_auth;
	uint64_t echo_interval_ns;	/* or PPP_TIMER_OFF */
	uint8_t echo_max_misses;	/* 0: the context's */
	uint64_t rechallenge_ns;	/* or PPP_TIMER_OFF */
	uint16_t mru;			/* 128..1500 */
	uint32_t local_addr;		/* server; or PPP_ADDR_NONE */
	uint32_t dns[2];		/* server; or PPP_ADDR_NONE */
	uint32_t nbns[2];		/* server; or PPP_ADDR_NONE */
	const char *name;		/* server: CHAP challenge name,
					 * NUL-terminated, copied */
	const char *username;		/* client: name we authenticate with */
	size_t username_len;		/* <= PPP_MAX_NAME */
	const char *password;		/* client: secret; copied, wiped on free */
	size_t password_len;		/* <= PPP_MAX_SECRET */
};

/*
 * Creates a session of ctx in the given role and starts LCP (Up + Open, the
 * first Configure-Request is queued at once: drain ppp_next_output).
 * scfg may be NULL for a server session (the context's defaults, user 0); a
 * client session needs username and password.  *out receives the session,
 * owned by the caller until ppp_session_free (or ppp_ctx_free).  now: ns.
 * Errors: PPP_E_INVAL (NULL, bad role or size, bad method list (a
 * server's, its own or the context's, with PPP_AUTH_NONE among others),
 * mru, name, lengths), PPP_E_LIMIT (max_sessions live; counted, logged),
 * PPP_E_NOMEM, PPP_E_RNG (no Magic-Number), PPP_E_CRYPTO (MS-CHAPv2
 * configured, legacy provider missing), PPP_E_QUEUE_FULL (the context's
 * output queue is full: the first Configure-Request could not be queued).
 */
PPP_API PPP_WUR int ppp_session_new(struct ppp_ctx *ctx, uint64_t now,
    enum ppp_role role, const struct ppp_session_config *scfg,
    struct ppp_session **out);

/* Frees a session (NULL-safe): drops its queued output and events
 * (LINK_DOWN included), wipes secrets.  No Terminate-Request is sent; use
 * ppp_session_close first.  The pointer is invalid afterwards. */
PPP_API void ppp_session_free(struct ppp_session *sess);

/* The session's tag (0 if sess is NULL or none was set). */
PPP_API uint64_t ppp_session_user(const struct ppp_session *sess);

/* Sets the session's tag; events popped afterwards carry it.
 * Errors: PPP_E_INVAL (NULL). */
PPP_API int ppp_session_set_user(struct ppp_session *sess, uint64_t user);

/* What ppp_session_input found in a frame. */
enum ppp_rx_kind {
	PPP_RX_NONE = 0,	/* control frame, consumed (or refused) */
	PPP_RX_IP = 1		/* an IPv4 packet at frame[off, off + len) */
};

struct ppp_rx {
	enum ppp_rx_kind kind;
	size_t off, len;	/* PPP_RX_IP: the packet, inside the caller's
				 * frame (no copy) */
	uint64_t user;		/* the session's tag */
};

/*
 * Processes one received PPP frame (borrowed for the call).  An IPv4 packet
 * (IPCP opened) is returned in place: rx->kind = PPP_RX_IP, the packet at
 * frame[rx->off, rx->off + rx->len); nothing is queued or allocated.  A
 * control frame is consumed (rx->kind = PPP_RX_NONE): replies go to
 * ppp_next_output, events to ppp_next_event.
 * Returns PPP_OK, or the PPP_E_* code of the bad-input class the frame fell
 * into (counted and logged; rx->kind = PPP_RX_NONE; the session stays
 * usable unless a LINK_DOWN event says otherwise): PPP_E_TRUNCATED (also
 * an IP frame with no packet; the packet itself is not parsed),
 * PPP_E_BAD_LENGTH, PPP_E_BAD_FRAME, PPP_E_BAD_OPTION, PPP_E_DUP_OPTION,
 * PPP_E_BAD_ID, PPP_E_UNKNOWN_PROTO, PPP_E_UNKNOWN_CODE, PPP_E_BAD_MESSAGE,
 * PPP_E_NAME_TOO_LONG, PPP_E_BAD_RESPONSE, PPP_E_DUPLICATE, PPP_E_LATE (IP
 * before IPCP is opened, among others), PPP_E_NOT_CONVERGED,
 * PPP_E_RATE_LIMITED, PPP_E_LOOPBACK, PPP_E_TOO_BIG (> our MRU),
 * PPP_E_STATE (link already down), PPP_E_AUTH, PPP_E_QUEUE_FULL,
 * PPP_E_NOMEM, PPP_E_RNG, PPP_E_INVAL (NULL sess or rx, NULL frame with
 * len > 0), PPP_E_SPOOFED (server: an IPv4 packet whose source address is
 * not the address assigned to the peer in IPCP; counted in ip_spoofed,
 * logged rate limited with the session's tag and both addresses; a packet
 * shorter than an IPv4 header is PPP_E_TRUNCATED).  A client session does
 * not look into the packets it receives.  now: ns.
 */
PPP_API PPP_WUR int ppp_session_input(struct ppp_session *sess, uint64_t now,
    const uint8_t *frame, size_t len, struct ppp_rx *rx);

/*
 * Frames the IPv4 packet at buf[*off, *off + *len) for sending: writes
 * FF 03 00 21 at buf[*off - 4] and sets *off -= 4, *len += 4 (the frame
 * for l2tp_session_encap).  Nothing is copied or queued.  cap is the size
 * of buf (bounds check only).
 * Errors: PPP_E_INVAL (NULL, *len 0, *off + *len > cap), PPP_E_BUFFER
 * (*off < PPP_HEADROOM), PPP_E_STATE (IPCP not opened, or link down),
 * PPP_E_TOO_BIG (*len > the peer's MRU; counted, logged).
 */
PPP_API PPP_WUR int ppp_session_encap(struct ppp_session *sess, uint8_t *buf,
    size_t cap, size_t *off, size_t *len);

/*
 * Copies the next queued outgoing frame of any session of ctx into buf (cap
 * bytes; PPP_MAX_FRAME always suffices).  *sess and *user (each may be NULL)
 * receive the session it belongs to and its tag.  Frames leave in the
 * order they were queued.
 * Returns PPP_OK and sets *len; PPP_E_AGAIN if nothing is queued;
 * PPP_E_BUFFER if cap is too small (the frame stays queued, *len is set to
 * its size); PPP_E_INVAL (NULL ctx, buf or len).
 */
PPP_API int ppp_next_output(struct ppp_ctx *ctx, uint8_t *buf, size_t cap,
    size_t *len, struct ppp_session **sess, uint64_t *user);

/* The absolute time (ns) of the earliest timer of any session of ctx,
 * UINT64_MAX if none (or ctx is NULL).  O(1). */
PPP_API uint64_t ppp_next_timeout(const struct ppp_ctx *ctx);

/*
 * Runs every session timer that expired at now (restart, echo,
 * authentication, re-challenge, auth deadline); O(k log n) for k due
 * sessions.  A retransmission that cannot be queued (the session's share at
 * max_output, allocation failure) is counted in queue_full or nomem.
 * Returns PPP_OK; PPP_E_QUEUE_FULL if it stopped early because the
 * context's output or event queue is full (the remaining timers stay due:
 * drain the queues and call again; ppp_next_timeout then returns a time
 * <= now); PPP_E_INVAL (NULL ctx).
 */
PPP_API int ppp_handle_timeout(struct ppp_ctx *ctx, uint64_t now);

/* Administrative close: LCP Close event (Terminate-Request).  A LINK_DOWN
 * event with PPP_DOWN_LOCAL_CLOSE follows.  Errors: PPP_E_INVAL,
 * PPP_E_STATE (already down). */
PPP_API int ppp_session_close(struct ppp_session *sess, uint64_t now);

enum ppp_event_type {
	PPP_EV_LINK_UP = 1,	/* LCP opened */
	PPP_EV_AUTH_REQUEST,	/* server: verify ev.auth, then auth_reply */
	PPP_EV_AUTH_RESULT,	/* both: ev.auth_ok says how it went */
	PPP_EV_ADDRESS_WANTED,	/* server: call ppp_session_set_peer_address */
	PPP_EV_IP_UP,		/* IPCP opened: ev.ip */
	PPP_EV_LINK_DOWN	/* ev.reason; the session is finished */
};

/* Returns "LINK_UP", "AUTH_REQUEST", ... ("unknown" otherwise). */
PPP_API const char *ppp_event_name(enum ppp_event_type t);

/*
 * Event life cycle, per session.  LINK_UP, then (server) AUTH_REQUEST, which
 * the application answers with ppp_session_auth_reply within
 * auth_timeout_ns (otherwise the authentication fails: AUTH_RESULT
 * failure, LINK_DOWN with PPP_DOWN_AUTH_FAILED), AUTH_RESULT on both sides,
 * ADDRESS_WANTED (server, when auth_reply gave no address), IP_UP.  An LCP
 * renegotiation by the peer may repeat the cycle from LINK_UP (IP_UP comes
 * again).  LINK_DOWN comes exactly once and always last: the link is
 * finished.  Drain ppp_next_output before acting on it (a Terminate-Ack may
 * be queued).  A local Terminate-Request may still be retransmitted until
 * ppp_session_get_info says next_timeout_ns == UINT64_MAX; the session can
 * be freed at any time (it then simply stops).  LINK_DOWN needs no memory
 * and no queue space, so it is delivered even after allocation failures;
 * other events are dropped (and counted in queue_full / nomem) when the
 * session's share (max_events) or the context queue (ctx_max_events) is
 * full or memory runs out.
 */

enum ppp_down_reason {
	PPP_DOWN_PEER_TERMINATED = 1,
	PPP_DOWN_LOCAL_CLOSE,
	PPP_DOWN_ECHO_TIMEOUT,
	PPP_DOWN_AUTH_FAILED,		/* rejected, or not answered in time */
	PPP_DOWN_NEGOTIATION_FAILED,	/* Max-Configure, no convergence */
	PPP_DOWN_LOOPBACK,
	PPP_DOWN_PROTOCOL_REJECTED,	/* peer rejected LCP or a needed code */
	PPP_DOWN_NO_COMMON_AUTH
};

/* Returns "peer terminated", "local close", ... ("unknown" otherwise). */
PPP_API const char *ppp_down_reason_name(enum ppp_down_reason r);

/* What the authenticator received; the application verifies it. */
struct ppp_auth_request {
	enum ppp_auth_method method;
	char user[PPP_MAX_NAME + 1];	/* NUL-terminated copy (never holds
					 * NULs: such names are refused) ... */
	size_t user_len;		/* ... of user_len bytes */
	uint8_t id;			/* CHAP identifier */
	uint8_t challenge[16];		/* CHAP/MS-CHAPv2: our challenge */
	size_t challenge_len;
	uint8_t response[PPP_MAX_SECRET]; /* PAP: password; CHAP-MD5: 16
					 * bytes; MS-CHAPv2: the 49-byte value */
	size_t response_len;
};

/* IPCP result: addresses and name servers (0 = not negotiated). */
struct ppp_ip_info {
	uint32_t local_addr, peer_addr, dns[2], nbns[2];
};

struct ppp_event {
	enum ppp_event_type type;
	struct ppp_session *sess;	/* the session it is about */
	uint64_t user;			/* the session's tag */
	enum ppp_down_reason reason;	/* LINK_DOWN */
	bool auth_ok;			/* AUTH_RESULT */
	int auth_error;			/* AUTH_RESULT, failure.  Client: the
					 * MS-CHAPv2 E= code received (0 for
					 * other methods, a timeout, or an
					 * unparsable message).  Server: the
					 * code sent (MS-CHAPv2), 691 for a
					 * rejection by the other methods or
					 * an unanswered request, 0 for a
					 * protocol failure.  0 on success */
	char auth_message[PPP_MAX_MESSAGE + 1];	/* AUTH_RESULT, client: the
					 * authenticator's message text (PAP
					 * message, CHAP text, MS-CHAPv2 M=),
					 * NUL-terminated, "" if none; control
					 * characters and invalid UTF-8 are
					 * replaced by '?' */
	struct ppp_auth_request auth;	/* AUTH_REQUEST (contains secrets) */
	struct ppp_ip_info ip;		/* IP_UP */
};

/*
 * Pops the context's next event into *ev (events of all sessions, in the
 * order they happened).  Returns true if one was returned, false if none is
 * queued (or ctx/ev is NULL).  An AUTH_REQUEST event carries the peer's
 * credentials: wipe the copy with ppp_event_wipe when done.
 */
PPP_API bool ppp_next_event(struct ppp_ctx *ctx, struct ppp_event *ev);

/* Zeroes *ev with sodium_memzero (wipes credentials); NULL-safe. */
PPP_API void ppp_event_wipe(struct ppp_event *ev);

/*
 * The application's answer to PPP_EV_AUTH_REQUEST.  size MUST be
 * sizeof(struct ppp_auth_result); the layout of libppp 1.0 (everything up
 * to message, size offsetof(struct ppp_auth_result, dns)) is still
 * accepted, its dns and nbns counting as 0.
 */
struct ppp_auth_result {
	size_t size;
	bool accept;
	uint32_t peer_addr;		/* static address, 0 = ask with
					 * PPP_EV_ADDRESS_WANTED */
	bool has_auth_response;		/* MS-CHAPv2: the 20 bytes below are
					 * sent as S= in Success (required) */
	uint8_t auth_response[20];
	uint16_t mschap_error;		/* reject, MS-CHAPv2: the E= code
					 * sent (646..649, 691, ...); 0 = 691 */
	const char *message;		/* optional text for the peer (PAP
					 * message, CHAP text, MS-CHAPv2 M=),
					 * e.g. a RADIUS Reply-Message;
					 * NUL-terminated, borrowed for the
					 * call.  Control characters and
					 * invalid UTF-8 become '?', cut at
					 * PPP_MAX_MESSAGE bytes.  NULL =
					 * "Access granted" / "Access denied" */
	/*
	 * Accept: the name servers this peer is given from now on, e.g. a
	 * RADIUS Access-Accept's MS-Primary-DNS-Server and
	 * MS-Secondary-DNS-Server (RFC 2548 2.6), in place of the session's
	 * (struct ppp_session_config, else struct ppp_config).  Per entry:
	 * 0 = keep the session's; PPP_ADDR_NONE = none (the peer's request
	 * for that option is Rejected); another value replaces the session's
	 * and is what IPCP Naks the peer's request with and what IP_UP and
	 * ppp_session_get_info report.  They take effect before IPCP
	 * negotiates (ppp_session_auth_reply opens IPCP) and stay for the
	 * rest of the session.  Not applied: on a reject, and on a
	 * re-authentication while IPCP is Opened (CHAP re-challenge): the
	 * peer keeps what it negotiated.  Added in libppp 1.1.
	 */
	uint32_t dns[2];
	uint32_t nbns[2];
};

/*
 * Answers the pending AUTH_REQUEST: sends Success/Failure (MS-CHAPv2:
 * "S=<40 hex> M=<message>" or "E=<code> R=0 C=<32 hex> V=3 M=<message>"),
 * then, on an accept, takes res's peer address and name servers and opens
 * IPCP, or on a reject terminates the link (LINK_DOWN with
 * PPP_DOWN_AUTH_FAILED).
 * Errors: PPP_E_INVAL (NULL, bad size, MS-CHAPv2 accept without
 * auth_response), PPP_E_STATE (nothing pending: already answered, timed
 * out, link down, client session; or the request was abandoned by an LCP
 * renegotiation: the answer is ignored and the next round, which waits for
 * it, starts now), PPP_E_NOMEM, PPP_E_QUEUE_FULL (the verdict could not be
 * queued; the decision still stands).
 */
PPP_API int ppp_session_auth_reply(struct ppp_session *sess, uint64_t now,
    const struct ppp_auth_result *res);

/*
 * Helper for the simple case: checks req against a known plaintext password
 * (pw, pw_len bytes; UTF-8 for MS-CHAPv2, converted to UTF-16LE).  On success
 * fills res (accept = true, MS-CHAPv2 authenticator response) and returns
 * PPP_OK; on mismatch sets res->accept = false and returns PPP_E_AUTH.  The
 * PAP comparison takes the same time whatever the lengths.  Other errors:
 * PPP_E_INVAL (NULL, bad size, lengths; MS-CHAPv2 password that is not
 * valid UTF-8: overlong forms and surrogates are refused), PPP_E_CRYPTO.
 * res->size MUST be set (as for ppp_session_auth_reply); peer_addr,
 * mschap_error, message, dns and nbns are untouched.
 */
PPP_API PPP_WUR int ppp_auth_check_password(struct ppp_ctx *ctx,
    const struct ppp_auth_request *req, const char *pw, size_t pw_len,
    struct ppp_auth_result *res);

/*
 * Server: sets the peer's address after PPP_EV_ADDRESS_WANTED (or earlier).
 * Errors: PPP_E_INVAL (NULL, 0), PPP_E_STATE (client session).
 */
PPP_API int ppp_session_set_peer_address(struct ppp_session *sess,
    uint64_t now, uint32_t addr);

/* Link phase (RFC 1661 §3.2). */
enum ppp_phase {
	PPP_PHASE_DEAD = 0,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE
};

/* Returns "dead", "establish", "authenticate", "network", "terminate". */
PPP_API const char *ppp_phase_name(enum ppp_phase p);

/* A session as `show` prints it.  Never contains secrets. */
struct ppp_session_info {
	struct ppp_session *sess;
	uint64_t user;
	enum ppp_role role;
	enum ppp_phase phase;
	const char *lcp_state, *ipcp_state;	/* RFC 1661 state names
					 * ("Opened", ...), static strings */
	bool down;			/* LINK_DOWN happened ... */
	enum ppp_down_reason down_reason;	/* ... for this reason */
	bool authenticated;		/* authentication succeeded */
	enum ppp_auth_method auth_method;	/* negotiated (NONE if none) */
	char auth_name[4 * PPP_MAX_NAME + 1];	/* server: the name the peer
					 * authenticated with (once
					 * accepted); client: ours; escaped */
	uint32_t local_addr, peer_addr, dns[2], nbns[2];
	uint16_t local_mru, peer_mru;
	uint64_t created_ns;		/* ppp_session_new's now */
	uint64_t age_ns;		/* now - created_ns */
	uint64_t ip_up_ns;		/* last IPCP opening, 0 = never */
	uint64_t next_timeout_ns;	/* the session's next timer, or
					 * UINT64_MAX */
	uint64_t ip_packets_in, ip_bytes_in, ip_packets_out, ip_bytes_out;
	uint32_t echo_outstanding;	/* 1 if our last Echo-Request is not
					 * answered yet, else 0 */
	uint32_t echo_misses;		/* Echo-Requests sent in a row without
					 * a reply (the outstanding one
					 * included); the link goes down when
					 * an interval ends with
					 * echo_max_misses of them */
	uint32_t echo_max_misses;
	uint64_t echo_interval_ns;	/* 0 = no keepalive */
};

/*
 * Fills *info about sess at time now (ns).  Errors: PPP_E_INVAL (NULL).
 */
PPP_API int ppp_session_get_info(const struct ppp_session *sess, uint64_t now,
    struct ppp_session_info *info);

/*
 * Enumerates the sessions of ctx: start with *cursor = 0; each call stores
 * the next session in *sess and returns true, false at the end.  The set of
 * sessions MUST NOT change (session_new / session_free / ctx_free) during
 * an enumeration.
 */
PPP_API bool ppp_session_next(const struct ppp_ctx *ctx, size_t *cursor,
    struct ppp_session **sess);

/* Bytes of library memory this session holds right now (state, names,
 * credentials and its queued frames and events). */
PPP_API size_t ppp_session_memory(const struct ppp_session *sess);

#ifdef __cplusplus
}
#endif

#endif /* PPP_H */
