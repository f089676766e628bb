/*
 * harness.h - two libppp sessions (server, client), each in its own
 * context, joined by an in-memory link with optional loss, duplication and
 * reordering; simulated time.  Everything goes through the context-level
 * API (ppp_next_output / ppp_next_event / ppp_next_timeout /
 * ppp_handle_timeout).
 */
#ifndef PPP_HARNESS_H
#define PPP_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include <roadgate/ppp.h>
#include "testsupport.h"

#define H_MAXQ 64

struct h_frame {
	uint8_t data[PPP_MAX_FRAME];
	size_t len;
};

struct h_side {
	struct ppp_ctx *ctx;
	struct ppp_session *sess;
	bool link_up, auth_done, auth_ok, ip_up, down;
	int down_reason, auth_error, auth_requests, ip_packets, events;
	struct ppp_ip_info ip;
	size_t last_ip_len;
	char auth_message[PPP_MAX_MESSAGE + 1];
	uint64_t last_user;		/* tag of the last event */
};

struct harness {
	struct ts_rng rng, lossrng;
	struct ts_alloc alloc;
	struct ts_log log;
	struct ppp_hooks hooks;
	struct h_side srv, cli;
	uint64_t now;
	const char *password;		/* what the server checks against */
	uint32_t static_addr;		/* given in auth_reply (0 = pool) */
	uint32_t pool_addr;		/* given on ADDRESS_WANTED */
	bool hold_auth;			/* do not answer AUTH_REQUEST */
	struct ppp_auth_request pending;
	unsigned drop_pct, dup_pct, reorder_pct;
	unsigned rng_fail;		/* the next calls of the rng hook fail */
	size_t frames;
};

/* Fills cfg with defaults for a role: local 10.0.0.1, DNS 10.0.0.53/54. */
void h_config(struct ppp_config *cfg, enum ppp_auth_method m);
/* Points h->hooks at h's rng, allocator and log capture. */
void h_hooks(struct harness *h);
/* Creates both contexts and sessions; returns 0 or the first error. */
int h_init(struct harness *h, const struct ppp_config *scfg,
    const struct ppp_config *ccfg, const char *user, const char *pw);
void h_free(struct harness *h);
/* Moves frames both ways and handles events until quiet; then advances time
 * to the next timer, up to max_rounds times.  Returns rounds used. */
int h_run(struct harness *h, int max_rounds);
/* One exchange pass with no time advance; returns frames moved. */
size_t h_pump(struct harness *h);
/* Drains the events of one side. */
void h_events(struct harness *h, struct h_side *side, bool server);
/* Feeds a frame to a side's session, counting IP packets it returns. */
int h_input(struct harness *h, struct h_side *side, const uint8_t *f,
    size_t len);
/* Pops the next frame a context queued (PPP_OK / PPP_E_AGAIN / ...). */
int h_out(struct ppp_ctx *ctx, uint8_t *buf, size_t cap, size_t *len);
/* Frames an IP packet of len bytes (content 0x45..., and from 20 bytes on
 * the side's own IPCP address as the source) from a side and returns the
 * frame in buf (cap >= len + PPP_HEADROOM). */
int h_send_ip(struct h_side *side, uint8_t *buf, size_t cap, size_t len,
    size_t *flen);

#endif
