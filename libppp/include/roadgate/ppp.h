/*
 * ppp.h - public API of libppp: PPP as carried inside L2TPv2 sessions.
 *
 * LCP (RFC 1661), PAP (RFC 1334), CHAP-MD5 (RFC 1994), MS-CHAPv2 (RFC 2759)
 * and IPCP (RFC 1332, RFC 1877), in the authenticator ("server") and peer
 * ("client") roles.  Anything else (CCP, IPV6CP, ...) is Protocol-Rejected.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative PPP_E_* codes; ppp_strerror() names them.
 *  - One context per thread; contexts share nothing.  A context owns many
 *    sessions (one per L2TP session); sessions MUST be freed before their
 *    context.
 *  - Pointers passed in are borrowed for the duration of the call only,
 *    unless stated otherwise.  NULL is never accepted where a pointer is
 *    documented as required (PPP_E_INVAL).
 *  - IPv4 addresses are uint32_t in host byte order (192.0.2.1 = 0xc0000201),
 *    0 meaning "none".
 *  - Frames in and out are PPP frames as L2TP carries them: no HDLC flags,
 *    no FCS, optional FF 03 address/control on input (always sent on output),
 *    protocol field compression accepted on input.
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

#define PPP_VERSION_MAJOR 0
#define PPP_VERSION_MINOR 1
#define PPP_VERSION_PATCH 0
#define PPP_VERSION_STRING "0.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with PPP_VERSION_STRING to detect a header /
 * library mismatch.
 */
PPP_API const char *ppp_version(void);

/* Error codes: every function returning int returns 0 (or a documented
 * positive value) on success and one of these on failure. */
enum ppp_error {
	PPP_E_INVAL = -1,		/* bad argument from the caller */
	PPP_E_NOMEM = -2,		/* allocation hook failed */
	PPP_E_TRUNCATED = -3,		/* frame/packet shorter than its header */
	PPP_E_BAD_LENGTH = -4,		/* declared length disagrees with data */
	PPP_E_BAD_OPTION = -5,		/* option length 0/1/past end or wrong size */
	PPP_E_DUP_OPTION = -6,		/* option present twice */
	PPP_E_BAD_ID = -7,		/* identifier does not match */
	PPP_E_UNKNOWN_PROTO = -8,	/* protocol not supported (rejected) */
	PPP_E_UNKNOWN_CODE = -9,	/* code not supported (rejected) */
	PPP_E_BAD_MESSAGE = -10,	/* malformed auth message (S=, E=, ...) */
	PPP_E_NAME_TOO_LONG = -11,	/* name/value field oversized */
	PPP_E_BAD_RESPONSE = -12,	/* CHAP/MS-CHAPv2 value of the wrong size */
	PPP_E_DUPLICATE = -13,		/* duplicate response, answered again */
	PPP_E_LATE = -14,		/* message arrived in the wrong phase */
	PPP_E_NOT_CONVERGED = -15,	/* negotiation did not converge */
	PPP_E_RATE_LIMITED = -16,	/* Echo flood: request dropped */
	PPP_E_LOOPBACK = -17,		/* our own magic number came back */
	PPP_E_QUEUE_FULL = -18,		/* output or event queue at its cap */
	PPP_E_TOO_BIG = -19,		/* larger than the MRU */
	PPP_E_STATE = -20,		/* not possible in the current state */
	PPP_E_AUTH = -21,		/* authentication failed */
	PPP_E_CRYPTO = -22,		/* OpenSSL failure or legacy provider missing */
	PPP_E_BUFFER = -23,		/* caller's buffer too small */
	PPP_E_BAD_FRAME = -24		/* bad address/control or protocol field */
};

/* Returns a static English name for a PPP_E_* code ("unknown" otherwise). */
PPP_API const char *ppp_strerror(int err);

/* Log levels passed to hooks.log. */
#define PPP_LOG_ERR	3
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

#define PPP_MAX_AUTH_METHODS	3
#define PPP_MAX_NAME		255	/* longest user / host name accepted */
#define PPP_MAX_SECRET		255	/* longest PAP password / secret */
#define PPP_MAX_FRAME		1508	/* largest frame next_output produces
					 * (MRU 1500 + FF 03 + protocol) */

/*
 * Context configuration.  Zero fields take the documented default.  size MUST
 * be sizeof(struct ppp_config).
 */
struct ppp_config {
	size_t size;
	/*
	 * Authenticator: the methods to require, in order of preference (the
	 * first is proposed, a peer Nak may pick a later one).  n_auth = 0 means
	 * no authentication.  Peer (client): the methods we accept
	 * (n_auth = 0 means all three, or none if the server asks for none;
	 * with n_auth > 0 a server asking for no authentication is refused:
	 * LINK_DOWN with PPP_DOWN_NO_COMMON_AUTH).
	 */
	enum ppp_auth_method auth[PPP_MAX_AUTH_METHODS];
	size_t n_auth;
	uint32_t restart_ms;		/* restart timer, default 3000 */
	uint8_t max_configure;		/* default 10 */
	uint8_t max_terminate;		/* default 2 */
	uint8_t max_failure;		/* default 5 */
	uint32_t echo_interval_s;	/* LCP echo period, 0 = no keepalive */
	uint8_t echo_max_misses;	/* dead peer after this many, default 3 */
	uint32_t rechallenge_s;		/* CHAP re-challenge period, 0 = off */
	uint16_t mru;			/* our MRU, 128..1500, default 1500 */
	uint32_t local_addr;		/* server: our IPCP address */
	uint32_t dns[2];		/* server: DNS handed out (0 = reject) */
	uint32_t nbns[2];		/* server: NBNS handed out (0 = reject) */
	const char *name;		/* CHAP challenge name; copied; default "roadgate" */
	uint16_t max_events;		/* per-session event queue cap, default 16 */
	uint16_t max_output;		/* per-session output queue cap, default 32 */
	uint16_t echo_rate;		/* Echo-Replies per second allowed, default 10 */
};

/*
 * Statistics of a context (all its sessions).  Every bad-input class has a
 * counter; each increment is accompanied by one log line.
 */
struct ppp_stats {
	uint64_t frames_in, frames_out, ip_in, ip_out;
	uint64_t sessions_up, sessions_down, auth_ok, auth_fail;
	uint64_t truncated, bad_length, bad_option, dup_option, bad_id;
	uint64_t bad_frame, unknown_proto, unknown_code, bad_message;
	uint64_t name_too_long, bad_response, duplicate, late;
	uint64_t not_converged, rate_limited, loopback, queue_full, too_big;
	uint64_t echo_timeout, discard, nomem, bad_state;
};

struct ppp_ctx;
struct ppp_session;

/*
 * Creates a context.  cfg and hooks are copied (cfg->name too).  Loads
 * OpenSSL's default and legacy providers into a library context owned by the
 * new ppp_ctx (the process default is untouched); if the legacy provider is
 * missing and MS-CHAPv2 is configured, fails with PPP_E_CRYPTO.
 * *out receives the context, owned by the caller (free with ppp_ctx_free).
 * Errors: PPP_E_INVAL (NULL, bad size, bad method, mru out of range,
 * name too long), PPP_E_NOMEM, PPP_E_CRYPTO.
 */
PPP_API int ppp_ctx_new(struct ppp_ctx **out, const struct ppp_config *cfg,
    const struct ppp_hooks *hooks);

/* Frees a context (NULL-safe).  All its sessions MUST be freed first. */
PPP_API void ppp_ctx_free(struct ppp_ctx *ctx);

/* Copies the context's counters into *out. */
PPP_API void ppp_ctx_stats(const struct ppp_ctx *ctx, struct ppp_stats *out);

enum ppp_role {
	PPP_ROLE_SERVER = 1,	/* authenticator, assigns the peer's address */
	PPP_ROLE_CLIENT = 2	/* authenticates, gets its address assigned */
};

/* Per-session parameters; size MUST be sizeof(struct ppp_session_config). */
struct ppp_session_config {
	size_t size;
	const char *user;	/* client: name we authenticate with */
	size_t user_len;	/* <= PPP_MAX_NAME */
	const char *password;	/* client: secret; copied, wiped on free */
	size_t password_len;	/* <= PPP_MAX_SECRET */
	void *app;		/* opaque, returned by ppp_session_app() */
};

/*
 * Creates a session of ctx in the given role and starts LCP (Up + Open, the
 * first Configure-Request is queued at once).  scfg may be NULL for a server
 * session; a client session needs user and password.  now: ns.
 * Errors: PPP_E_INVAL, PPP_E_NOMEM, PPP_E_CRYPTO (rng hook failed: no
 * Magic-Number).
 */
PPP_API int ppp_session_new(struct ppp_ctx *ctx, enum ppp_role role,
    uint64_t now, const struct ppp_session_config *scfg,
    struct ppp_session **out);

/* Frees a session (NULL-safe): drops queued output and events, wipes
 * secrets.  No Terminate-Request is sent; use ppp_session_close first. */
PPP_API void ppp_session_free(struct ppp_session *sess);

/* Returns the app pointer given in ppp_session_config (or NULL). */
PPP_API void *ppp_session_app(const struct ppp_session *sess);

/*
 * Processes one received PPP frame (borrowed for the call).  Replies are
 * queued for ppp_session_next_output, events for ppp_session_next_event.
 * Returns 0, or the PPP_E_* code of the bad-input class the frame fell into
 * (counted and logged; the session stays usable unless a LINK_DOWN event
 * says otherwise): PPP_E_TRUNCATED, PPP_E_BAD_LENGTH, PPP_E_BAD_FRAME,
 * PPP_E_BAD_OPTION, PPP_E_DUP_OPTION, PPP_E_BAD_ID, PPP_E_UNKNOWN_PROTO,
 * PPP_E_UNKNOWN_CODE, PPP_E_BAD_MESSAGE, PPP_E_NAME_TOO_LONG,
 * PPP_E_BAD_RESPONSE, PPP_E_DUPLICATE, PPP_E_LATE, PPP_E_NOT_CONVERGED,
 * PPP_E_RATE_LIMITED, PPP_E_LOOPBACK, PPP_E_TOO_BIG, PPP_E_STATE (link
 * already down), PPP_E_AUTH, PPP_E_QUEUE_FULL, PPP_E_NOMEM, PPP_E_CRYPTO
 * (rng hook failed).  now: ns, MUST NOT go backwards.
 */
PPP_API int ppp_session_input(struct ppp_session *sess, uint64_t now,
    const uint8_t *frame, size_t len);

/*
 * Copies the next queued outgoing frame into buf (cap bytes; PPP_MAX_FRAME
 * always suffices: IP packets are at most the peer's MRU <= 1500 plus the
 * 4-byte header, control packets at most 1500).  Returns 1 and
 * sets *outlen if a frame was written, 0 if none is queued, PPP_E_BUFFER if
 * cap is too small (the frame stays queued).
 */
PPP_API int ppp_session_next_output(struct ppp_session *sess, uint8_t *buf,
    size_t cap, size_t *outlen);

/* Returns the absolute time (ns) of the session's next timer, UINT64_MAX if
 * none. */
PPP_API uint64_t ppp_session_next_timeout(const struct ppp_session *sess);

/* Runs the timers that expired at now (restart, echo, auth, re-challenge).
 * Returns 0 (PPP_E_INVAL if sess is NULL).  A retransmission that cannot be
 * queued (output queue at max_output, allocation failure) is counted in
 * the queue_full or nomem statistic; it is not an error of this call. */
PPP_API int ppp_session_handle_timeout(struct ppp_session *sess, uint64_t now);

/* Administrative close: LCP Close event (Terminate-Request).  A LINK_DOWN
 * event with PPP_DOWN_LOCAL_CLOSE follows.  Returns 0 or PPP_E_STATE. */
PPP_API int ppp_session_close(struct ppp_session *sess, uint64_t now);

/*
 * Queues an IPv4 packet (borrowed) for sending.  Errors: PPP_E_STATE (IPCP not
 * opened), PPP_E_TOO_BIG (len > the peer's MRU), PPP_E_QUEUE_FULL,
 * PPP_E_NOMEM, PPP_E_INVAL.
 */
PPP_API int ppp_session_send_ip(struct ppp_session *sess, uint64_t now,
    const uint8_t *pkt, size_t len);

enum ppp_event_type {
	PPP_EV_LINK_UP = 1,	/* LCP opened */
	PPP_EV_AUTH_REQUEST,	/* server: verify ev.auth, then auth_reply */
	PPP_EV_AUTH_RESULT,	/* both: ev.auth_ok says how it went */
	PPP_EV_ADDRESS_WANTED,	/* server: call ppp_session_set_peer_address */
	PPP_EV_IP_UP,		/* IPCP opened: ev.ip */
	PPP_EV_IP_PACKET,	/* ev.data/ev.len: an IPv4 packet */
	PPP_EV_LINK_DOWN	/* ev.reason; the session is finished */
};

/*
 * Event life cycle.  LINK_UP, then (server) AUTH_REQUEST, which the
 * application MUST answer with ppp_session_auth_reply (there is no timer
 * while it is pending), AUTH_RESULT on both sides, ADDRESS_WANTED (server,
 * when auth_reply gave no address), IP_UP, IP_PACKETs.  LINK_DOWN comes
 * exactly once and always last: the link is finished.  A Terminate-Request
 * may still be queued and retransmitted; once ppp_session_next_timeout
 * returns UINT64_MAX (or at any time, if the L2TP session is gone) the
 * session can be freed.  LINK_DOWN needs no memory, so it is delivered even
 * after allocation failures; other events are dropped (and counted in
 * queue_full / nomem) when the queue is at max_events or memory runs out.
 */

enum ppp_down_reason {
	PPP_DOWN_PEER_TERMINATED = 1,
	PPP_DOWN_LOCAL_CLOSE,
	PPP_DOWN_ECHO_TIMEOUT,
	PPP_DOWN_AUTH_FAILED,
	PPP_DOWN_NEGOTIATION_FAILED,	/* Max-Configure, no convergence */
	PPP_DOWN_LOOPBACK,
	PPP_DOWN_PROTOCOL_REJECTED,	/* peer rejected LCP or a needed code */
	PPP_DOWN_NO_COMMON_AUTH
};

/* What the authenticator received; the application verifies it. */
struct ppp_auth_request {
	enum ppp_auth_method method;
	char user[PPP_MAX_NAME + 1];	/* NUL-terminated copy ... */
	size_t user_len;		/* ... of user_len bytes (may hold NULs) */
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
	enum ppp_down_reason reason;	/* LINK_DOWN */
	bool auth_ok;			/* AUTH_RESULT */
	int auth_error;			/* AUTH_RESULT, client: MS-CHAPv2 E= code */
	struct ppp_auth_request auth;	/* AUTH_REQUEST (contains secrets) */
	struct ppp_ip_info ip;		/* IP_UP */
	const uint8_t *data;		/* IP_PACKET: library memory, valid until
					 * the next next_event/free call */
	size_t len;
};

/*
 * Pops the next event into *ev.  Returns true if one was returned.  An
 * AUTH_REQUEST event carries the peer's credentials: wipe the copy with
 * ppp_event_wipe when done.
 */
PPP_API bool ppp_session_next_event(struct ppp_session *sess,
    struct ppp_event *ev);

/* Zeroes *ev with sodium_memzero (wipes credentials). */
PPP_API void ppp_event_wipe(struct ppp_event *ev);

/* The application's answer to PPP_EV_AUTH_REQUEST. size MUST be set. */
struct ppp_auth_result {
	size_t size;
	bool accept;
	uint32_t peer_addr;		/* static address, 0 = ask with
					 * PPP_EV_ADDRESS_WANTED */
	bool has_auth_response;		/* MS-CHAPv2: the 20 bytes below are
					 * sent as S= in Success (required) */
	uint8_t auth_response[20];
};

/*
 * Answers the pending AUTH_REQUEST: sends Success/Failure (MS-CHAPv2:
 * "S=<40 hex> M=..." or "E=691 R=0 C=<32 hex> V=3 M=..."), then opens IPCP
 * or terminates the link (LINK_DOWN with PPP_DOWN_AUTH_FAILED).
 * Errors: PPP_E_STATE (nothing pending; or the request was abandoned by an
 * LCP renegotiation: the answer is ignored and the next round, which waits
 * for it, starts now), PPP_E_INVAL (MS-CHAPv2 accept without
 * auth_response), PPP_E_NOMEM, PPP_E_QUEUE_FULL.
 */
PPP_API int ppp_session_auth_reply(struct ppp_session *sess, uint64_t now,
    const struct ppp_auth_result *res);

/*
 * Helper for the simple case: checks req against a known plaintext password
 * (pw, pw_len bytes; UTF-8 for MS-CHAPv2, converted to UTF-16LE).  On success
 * fills res (accept = true, MS-CHAPv2 authenticator response) and returns 0;
 * on mismatch sets res->accept = false and returns PPP_E_AUTH.  Other errors:
 * PPP_E_INVAL, PPP_E_CRYPTO.  res->size MUST be set; peer_addr untouched.
 */
PPP_API PPP_WUR int ppp_auth_check_password(struct ppp_ctx *ctx,
    const struct ppp_auth_request *req, const char *pw, size_t pw_len,
    struct ppp_auth_result *res);

/*
 * Server: sets the peer's address after PPP_EV_ADDRESS_WANTED (or earlier).
 * Errors: PPP_E_INVAL (0), PPP_E_STATE (client session).
 */
PPP_API int ppp_session_set_peer_address(struct ppp_session *sess,
    uint64_t now, uint32_t addr);

/* Bytes of library memory this session holds right now (state + queues). */
PPP_API size_t ppp_session_memory(const struct ppp_session *sess);

#ifdef __cplusplus
}
#endif

#endif /* PPP_H */
