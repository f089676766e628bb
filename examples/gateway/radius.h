/*
 * radius.h - vpn-gateway's RADIUS client and Dynamic Authorization server
 * (the daemon side of gw_aaa.h).
 *
 * It runs in the daemon's epoll loop and never blocks: every socket is
 * non-blocking, every wait is a timer.  Authentication requests and
 * accounting records are pulled from the core (gw_next_auth_request,
 * gw_next_acct_record), sent to the configured servers in order with a
 * per-server timeout and retransmission count, failing over to the next
 * server; answers go back with gw_auth_answer.  Accounting records are
 * retried (every server in turn, then again after a pause) until one
 * acknowledges them, from a bounded in-memory queue.  UDP 3799 takes
 * Disconnect-Request and CoA-Request (RFC 5176) from the configured
 * servers only.
 *
 * Every reply and request is checked by radcodec.c: length, attributes,
 * Response/Request Authenticator, Message-Authenticator (required on
 * Access-Accept/Reject and on Disconnect/CoA requests); everything else is
 * dropped with a counter and a rate-limited log line.  Secrets are never
 * logged.
 */
#ifndef RADIUS_H
#define RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_aaa.h"

#define RAD_ACCT_QUEUE	10000	/* accounting records kept while no server acks */
#define RAD_ACCT_WINDOW	64	/* accounting requests in flight */
#define RAD_DAE_RATE	20	/* Disconnect/CoA requests handled per second */

struct rad_stats {
	uint64_t auth_sent, auth_retrans, auth_accept, auth_reject, auth_no_answer;
	uint64_t failover, acct_sent, acct_retrans, acct_acked, acct_lost_stop;
	uint64_t acct_lost_other, acct_queued;
	/* dropped replies, by reason */
	uint64_t rx_malformed, rx_unknown_source, rx_unknown_id, rx_bad_auth;
	uint64_t rx_bad_msg_auth, rx_no_msg_auth, rx_bad_code, rx_late;
	/* Disconnect / CoA */
	uint64_t dae_rx, dae_ack, dae_nak, dae_unknown_client, dae_bad_auth;
	uint64_t dae_malformed, dae_rate_limited, dae_bad_code;
};

typedef void (*rad_log_fn)(int level, const char *msg);

struct rad;

/*
 * Opens the client sockets and, with dae_port != 0, the Dynamic
 * Authorization socket (bind address 0.0.0.0).  nas_ip: NAS-IP-Address;
 * nas_id: NAS-Identifier ("set system name"), may be "".  Returns 0 or -1
 * with the reason in err.
 */
int rad_new(struct rad **out, const struct gwconf *conf, uint32_t nas_ip,
    const char *nas_id, uint16_t dae_port, rad_log_fn log, char *err, size_t errlen);
void rad_free(struct rad *r);

/* Takes the servers' addresses, secrets and timers of a reloaded
 * configuration (requests in flight finish with the old ones). */
void rad_reload(struct rad *r, const struct gwconf *conf);

/* The descriptors to watch for reading (at most 8). */
size_t rad_fds(const struct rad *r, int *fds, size_t max);
/* fd is readable: replies to the core, Disconnect/CoA to the core. */
void rad_input(struct rad *r, struct gw *gw, uint64_t now, int fd);
/* Pulls the core's requests and records and sends what can be sent. */
void rad_pump(struct rad *r, struct gw *gw, uint64_t now);
uint64_t rad_next_timeout(const struct rad *r);
void rad_handle_timeout(struct rad *r, struct gw *gw, uint64_t now);
/* Accounting records still waiting for an acknowledgement. */
size_t rad_acct_backlog(const struct rad *r);
void rad_get_stats(const struct rad *r, struct rad_stats *st);

#endif
