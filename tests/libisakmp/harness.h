/* harness.h - two libisakmp contexts over an in-memory link with an optional NAT. */
#ifndef ISAKMP_TEST_HARNESS_H
#define ISAKMP_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include <roadgate/isakmp.h>
#include "testsupport.h"

#define H_CLIENT_IP 0x0a000002u  /* 10.0.0.2 */
#define H_NAT_IP    0xc6336401u  /* 198.51.100.1 */
#define H_SERVER_IP 0xcb00710au  /* 203.0.113.10 */

#define H_MAX_EV 128

struct h_side {
	struct isakmp_ctx *ctx;
	struct ts_rng rng;
	struct ts_alloc alloc;
	struct ts_log log;
	uint32_t pid;         /* id of the side's first policy */
	struct isakmp_event ev[H_MAX_EV];
	size_t nev;
};

struct harness {
	struct h_side c, s;   /* client (initiator), server (responder) */
	bool nat;             /* client behind a NAT */
	uint16_t nat_base;    /* NAT maps client port p to nat_base + p (0 = 40000) */
	size_t nat_dropped;   /* server datagrams to a port the NAT no longer maps */
	uint64_t now;
	size_t packets;
	uint8_t last_c2s[ISAKMP_MAX_PACKET];
	size_t last_c2s_len;
	struct isakmp_addr last_c2s_from, last_c2s_to;
	int last_rc_s, last_rc_c;
	/* optional packet filter: return false to drop; may modify */
	bool (*filter)(struct harness *h, bool c2s, uint8_t *pkt, size_t *len);
	void *fuser;
	/* h_inject_s/_c: the source address to use instead of the SA's (NULL = the SA's) */
	const struct isakmp_addr *inject_from;
};

void h_policy_default(struct isakmp_policy *p);
int h_init(struct harness *h, const struct isakmp_policy *cp, const struct isakmp_policy *sp,
    bool nat, uint64_t seed);
/* Like h_init, but the server gets n policies (added in order). */
int h_init_multi(struct harness *h, const struct isakmp_policy *cp,
    const struct isakmp_policy *sp, size_t n, bool nat, uint64_t seed);
/* A fresh context for a side (config cfg, may be NULL) with policy p added. */
int h_side_init(struct h_side *s, const struct isakmp_config *cfg, const struct isakmp_policy *p,
    uint64_t seed);
void h_fini(struct harness *h);
/* Moves packets both ways until none is left; returns packets moved. */
size_t h_pump(struct harness *h);
/* The client starts Main Mode with its policy; *peer_id may be NULL. */
int h_initiate(struct harness *h, uint64_t *peer_id);
bool h_find_event(struct h_side *s, int type, struct isakmp_event *out);
/* The last event of this type (true if any). */
bool h_last_event(struct h_side *s, int type, struct isakmp_event *out);
size_t h_count_events(struct h_side *s, int type);
/* Events of type with this reason. */
size_t h_count_reason(struct h_side *s, int type, enum isakmp_reason reason);
/* Sets now, runs both sides' timers, pumps. */
void h_run(struct harness *h, uint64_t now);
/* Runs the timers of both sides, step by step, up to now. */
void h_run_until(struct harness *h, uint64_t until);

#endif

/* The newest IKE SA of a context (internal; for tests that look inside). */
struct ike_sa *h_newest_sa(struct isakmp_ctx *ctx);

/*
 * Encrypts a hand-built phase 2 / Informational message (header + payloads,
 * cookies and HASH(1) filled in here) for the responder's newest IKE SA and
 * feeds it to the responder from the client's current address.  The first
 * payload must be a HASH of the SA's hash size.  Returns isakmp_input's code.
 */
int h_inject_s(struct harness *h, uint8_t exch, uint32_t msgid, const uint8_t *payloads,
    size_t plen);
/* The same for the initiator's (client's) newest IKE SA, fed from the server. */
int h_inject_c(struct harness *h, uint8_t exch, uint32_t msgid, const uint8_t *payloads,
    size_t plen);
