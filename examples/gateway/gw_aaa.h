/*
 * gw_aaa.h - the gateway core's asynchronous authentication, accounting
 * and disconnect interface (RADIUS, RFC 2865/2866/2869/5176), sans-I/O.
 *
 * The core never talks RADIUS itself.  When the configuration has
 * "add radius server=", a PPP AUTH_REQUEST that the router's own user
 * database does not settle ("set radius userdatabase=first|last") becomes
 * a struct gw_auth_request the caller pulls with gw_next_auth_request() and
 * hands to its RADIUS client (examples/gateway/radius.c in the daemon, a
 * fake answerer in tests/gateway/test_compose.c).  The verdict comes back,
 * later and in any order, through gw_auth_answer() with the request's
 * cookie.  A cookie names one request of one session: it stays valid
 * while that session waits and is refused (counted, nothing happens) once
 * the session ended, was answered, or the core gave up waiting.
 *
 * Bounds: at most GW_AAA_MAX_PENDING requests wait per gateway and
 * GW_AAA_MAX_PER_PEER per IPsec peer; a request over either bound is
 * refused at once (E=646-style "restricted" is not used: the client gets
 * an ordinary failure, counted in aaa_refused_busy).  A request not
 * answered within the configured time (the servers' timeouts and retries,
 * at most 25 s) fails with one log line.
 *
 * Accounting: with RADIUS accounting on, the core queues Start (IPCP up),
 * Interim-Update (Acct-Interim-Interval from the Access-Accept, else
 * "set radius interiminterval=") and Stop (session end, with its
 * Acct-Terminate-Cause) records; the caller pulls them with
 * gw_next_acct_record() and owns their delivery (retries, queueing).  The
 * core's own queue is bounded (GW_AAA_MAX_ACCT); records it cannot keep are
 * counted (acct_dropped; Stop records separately in acct_stop_dropped).
 *
 * Disconnect/CoA: gw_aaa_disconnect() ends the sessions that match a user
 * name, a framed address or an Acct-Session-Id (the caller checked the
 * Disconnect-Request's origin and authenticator); gw_aaa_coa() changes
 * their Session-Timeout / Idle-Timeout.
 *
 * Addresses are host byte order, time is monotonic ns, as in gw.h.
 */
#ifndef GW_AAA_H
#define GW_AAA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw.h"

#define GW_AAA_MAX_PENDING	1024	/* waiting authentications per gateway */
#define GW_AAA_MAX_PER_PEER	4	/* ... per IPsec peer (one client) */
#define GW_AAA_MAX_ACCT		4096	/* accounting records queued in the core */
#define GW_AAA_MAX_CLASS	4	/* Class attributes kept per session */
#define GW_AAA_CLASS_LEN	253
#define GW_AAA_SID_LEN		32	/* Acct-Session-Id, printable, NUL-terminated */

/* Settings the daemon gives once (gw_aaa_setup). */
struct gw_aaa_options {
	/* A value unique to this run of the gateway (e.g. its start time in
	 * seconds and 16 random bits): Acct-Session-Ids are
	 * "<base as 12 hex digits>-<counter as 8 hex digits>", unique across
	 * restarts. */
	uint64_t session_id_base;
	/* How long an authentication may wait for its answer; 0 = the
	 * configuration's servers x (retries + 1) x timeout, at most 25 s
	 * (libppp gives the application 30 s). */
	uint64_t auth_timeout_ns;
};

/* Configures RADIUS use from the core's configuration.  Called by the
 * daemon after gw_new(); without it (or without "add radius") the core
 * never queues requests.  Returns 0. */
int gw_aaa_setup(struct gw *gw, const struct gw_aaa_options *opt);

/* True when the configuration has a RADIUS server for authentication
 * (port= not 0): authentication is then asynchronous for users the local
 * database does not settle.  Servers with port=0 only take accounting. */
bool gw_aaa_enabled(const struct gw *gw);

/* One authentication for the RADIUS client.  Holds the client's
 * credentials: wipe with gw_auth_request_wipe() once sent. */
struct gw_auth_request {
	uint64_t cookie;		/* give back to gw_auth_answer() */
	int method;			/* enum ppp_auth_method */
	char user[256];			/* User-Name (NUL-terminated) */
	size_t user_len;
	uint8_t chap_id;		/* CHAP / MS-CHAPv2 identifier */
	uint8_t challenge[16];		/* CHAP-Challenge / MS-CHAP-Challenge */
	size_t challenge_len;
	uint8_t response[255];		/* PAP: password; CHAP: 16 bytes;
					 * MS-CHAPv2: peer challenge (16),
					 * reserved (8), NT-Response (24),
					 * flags (1) as libppp gives them */
	size_t response_len;
	struct rg_ep calling;		/* the client's outer address after NAT
					 * (Calling-Station-Id "ip:port",
					 * Tunnel-Client-Endpoint) */
	uint32_t nas_ip;		/* our public address (NAS-IP-Address,
					 * Tunnel-Server-Endpoint) */
	uint32_t nas_port;		/* NAS-Port: L2TP tunnel << 16 | session */
	char acct_session_id[GW_AAA_SID_LEN];
	uint64_t deadline;		/* the core gives up at this time */
};

/* Pops the next authentication to send; false when none is queued. */
bool gw_next_auth_request(struct gw *gw, struct gw_auth_request *req);
void gw_auth_request_wipe(struct gw_auth_request *req);

enum gw_auth_verdict {
	GW_AUTH_ACCEPT = 1,		/* Access-Accept */
	GW_AUTH_REJECT,			/* Access-Reject */
	GW_AUTH_NO_ANSWER		/* no server answered (timeouts) */
};

/* What the RADIUS client learned; zero fields = not sent by the server. */
struct gw_auth_answer {
	enum gw_auth_verdict verdict;
	/* MS-CHAPv2: the authenticator response of MS-CHAP2-Success (the 20
	 * bytes of "S=<40 hex>"); has_auth_response false on an Accept means
	 * the server sent none and the client is refused. */
	bool has_auth_response;
	uint8_t auth_response[20];
	uint16_t mschap_error;		/* E= of MS-CHAP-Error, 0 = none (691) */
	char message[129];		/* Reply-Message, printable, "" = none */
	uint32_t framed_ip;		/* Framed-IP-Address; 0 = none,
					 * 0xfffffffe = use the pool */
	char framed_pool[GWCONF_POOL_LEN]; /* Framed-Pool, "" = none */
	uint32_t session_timeout;	/* seconds, 0 = none */
	uint32_t idle_timeout;		/* seconds, 0 = none */
	uint32_t interim_interval;	/* Acct-Interim-Interval, s, 0 = none */
	uint32_t framed_mtu;		/* 0 = none */
	/* MS-Primary/Secondary-DNS-Server, MS-Primary/Secondary-NBNS-Server
	 * (RFC 2548 2.6, 2.7): given to the client by IPCP in place of the
	 * configuration's ("set ppp dnsprimary= ..."); 0 = the
	 * configuration's, 255.255.255.255 = none. */
	uint32_t dns[2];
	uint32_t nbns[2];
	uint8_t class_[GW_AAA_MAX_CLASS][GW_AAA_CLASS_LEN];
	uint8_t class_len[GW_AAA_MAX_CLASS];
	uint32_t n_class;
	char server[24];		/* who answered, for the log */
};

/*
 * Delivers the verdict for cookie: calls ppp_session_auth_reply (the
 * MS-CHAPv2 authenticator response, the E= code, the Reply-Message) and
 * applies the attributes to the session (address or pool and name servers
 * before IPCP asks, timeouts, MTU, Class for accounting).  Returns 0, or -1 when the
 * cookie names no waiting request (late answer for a session that ended,
 * or answered twice: counted in aaa_stale, nothing happens).
 */
int gw_auth_answer(struct gw *gw, uint64_t now, uint64_t cookie,
    const struct gw_auth_answer *ans);

enum gw_acct_type { GW_ACCT_START = 1, GW_ACCT_STOP = 2, GW_ACCT_INTERIM = 3 };

/* Acct-Terminate-Cause values (RFC 2866 5.10) the core uses. */
enum gw_acct_cause {
	GW_TERM_USER_REQUEST = 1, GW_TERM_LOST_CARRIER = 2,
	GW_TERM_IDLE_TIMEOUT = 4, GW_TERM_SESSION_TIMEOUT = 5,
	GW_TERM_ADMIN_RESET = 6, GW_TERM_NAS_ERROR = 9,
	GW_TERM_NAS_REQUEST = 10, GW_TERM_NAS_REBOOT = 11,
	GW_TERM_USER_ERROR = 17
};

struct gw_acct_record {
	enum gw_acct_type type;
	char user[256];
	char acct_session_id[GW_AAA_SID_LEN];
	uint32_t framed_ip;
	struct rg_ep calling;
	uint32_t nas_ip, nas_port;
	uint32_t session_time;		/* seconds since IPCP up */
	uint64_t in_octets, out_octets;	/* split into Gigawords by the sender */
	uint64_t in_packets, out_packets;
	enum gw_acct_cause cause;	/* Stop only */
	bool radius_auth;		/* authenticated by RADIUS */
	uint8_t class_[GW_AAA_MAX_CLASS][GW_AAA_CLASS_LEN];
	uint8_t class_len[GW_AAA_MAX_CLASS];
	uint32_t n_class;
	uint64_t when;			/* core time it was made */
};

/* Pops the next accounting record; false when none is queued. */
bool gw_next_acct_record(struct gw *gw, struct gw_acct_record *rec);

/* What a Disconnect-Request / CoA-Request names; NULL/0 fields are not
 * compared, at least one must be set. */
struct gw_aaa_match {
	const char *user;
	uint32_t framed_ip;
	const char *acct_session_id;
};

/* Ends every session matching m (Acct-Terminate-Cause Admin-Reset).
 * Returns how many, 0 if none, -1 if m names nothing. */
int gw_aaa_disconnect(struct gw *gw, uint64_t now, const struct gw_aaa_match *m);

/* Sets Session-Timeout (from now) and/or Idle-Timeout (seconds; 0 = leave,
 * UINT32_MAX = remove) of the matching sessions.  Returns how many. */
int gw_aaa_coa(struct gw *gw, uint64_t now, const struct gw_aaa_match *m,
    uint32_t session_timeout, uint32_t idle_timeout);

/* Counters of the AAA side of the core. */
struct gw_aaa_stats {
	uint64_t auth_queued, auth_accept, auth_reject, auth_no_answer;
	uint64_t auth_timeout;		/* the core gave up waiting */
	uint64_t refused_busy;		/* over GW_AAA_MAX_PENDING / per peer */
	uint64_t stale;			/* answers for nothing waiting */
	uint64_t addr_conflict;		/* Framed-IP-Address in use: refused */
	uint64_t bad_answer;		/* MS-CHAPv2 accept without S= */
	uint64_t acct_queued, acct_dropped, acct_stop_dropped;
	uint64_t session_timeouts, idle_timeouts, disconnects, coa;
	uint32_t pending;		/* waiting right now */
};
void gw_aaa_get_stats(const struct gw *gw, struct gw_aaa_stats *st);

/* The Acct-Session-Id of the session of a connected client (by its PPP
 * address), for the operator and tests; false if none. */
bool gw_aaa_session_id(const struct gw *gw, uint32_t addr, char *out, size_t cap);

#endif
