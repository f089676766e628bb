/* harness.h - two libl2tp contexts (LAC and LNS) over a simulated link. */
#ifndef L2TP_HARNESS_H
#define L2TP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <roadgate/l2tp.h>
#include "testsupport.h"

#define H_LAC_HANDLE 0x1001u   /* how the LNS tags datagrams from the LAC */
#define H_LNS_HANDLE 0x2002u   /* how the LAC tags datagrams from the LNS */

struct h_peer {
	struct l2tp_ctx *ctx;
	struct ts_rng rng;
	struct ts_alloc al;
	struct ts_log log;
	struct l2tp_hooks hooks;
	unsigned ev_count[8];
	struct l2tp_event last[8];     /* last event of each type (pointers invalid) */
	unsigned rx_ppp;               /* PPP frames returned by l2tp_input (rx) */
	struct l2tp_rx last_rx;        /* of the last PPP frame */
	uint8_t last_ppp[256];
	size_t last_ppp_len;
	size_t proxy_name_len;
	uint8_t proxy_name[64];
	size_t proxy_resp_len;
	uint8_t proxy_resp[64];
	/* Every block the library frees is scanned for scan[0..scan_len):
	 * scan_hits counts blocks freed with it still inside (not wiped). */
	const void *scan;
	size_t scan_len;
	unsigned scan_hits;
	uint64_t seed;
};

struct h_pair;
/* Return true to drop the datagram. */
typedef bool (*h_filter)(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len);

struct h_pair {
	struct h_peer lac, lns;
	uint64_t now;
	h_filter filter;
	unsigned seen;             /* datagrams offered to the filter */
	void *arg;
	int last_rc_lac, last_rc_lns;
};

void h_default_config(struct l2tp_config *cfg, unsigned roles);
/* Creates both contexts; cfgs may be NULL for defaults. Returns 0 or error. */
int h_pair_init(struct h_pair *p, const struct l2tp_config *lac_cfg,
    const struct l2tp_config *lns_cfg);
void h_pair_free(struct h_pair *p);
/* Creates one peer's context (hooks wired to its rng, allocator, log). */
int h_peer_init(struct h_peer *pe, const struct l2tp_config *cfg, uint64_t seed);
/* Moves datagrams both ways until none is left; returns datagrams moved. */
unsigned h_pump(struct h_pair *p);
/* Advances time to the next timeout of either side (at most until limit)
 * and pumps; returns false when no timer is pending before limit. */
bool h_step_timer(struct h_pair *p, uint64_t limit);
/* Drains events of a peer into its counters. */
void h_drain(struct h_peer *peer);
/* l2tp_input into peer, recording a returned PPP frame (rx_ppp, last_rx,
 * last_ppp); returns l2tp_input's code. */
int h_input(struct h_peer *peer, uint64_t now, uint64_t handle, const uint8_t *d,
    size_t len);
/* Appends an AVP to a control message in place, fixing the Length field. */
void h_append_avp(uint8_t *d, size_t *len, uint16_t flags, uint16_t vendor, uint16_t type,
    const void *val, size_t vlen);
/* A hand-built SCCRQ: Message Type, Protocol Version, Host Name "win7",
 * Framing Capabilities, Assigned Tunnel ID peer_tid (RFC 2661 6.1), Ns ns.
 * Returns its length (d needs 64 bytes). */
size_t h_build_sccrq(uint8_t *d, uint16_t peer_tid, uint16_t ns);
/* Replaces the LAC's context by a fresh one with the same rng seed (a
 * client that restarted: it picks the same IDs again). */
int h_restart_lac(struct h_pair *p, const struct l2tp_config *cfg);
/* Encapsulates ppp on (tid, sid) of from (l2tp_session_encap) and delivers
 * the datagram to `to` with transport handle `handle`; returns the first
 * error (encap's or l2tp_input's). */
int h_send_data(struct h_pair *p, struct h_peer *from, struct h_peer *to, uint64_t handle,
    uint16_t tid, uint16_t sid, const uint8_t *ppp, size_t len);
/* Statistics of a peer. */
struct l2tp_stats h_stats(struct h_peer *peer);
/* LAC opens a tunnel and a session; pumps; returns 0 when both are up. */
int h_setup(struct h_pair *p, uint16_t *tid, uint16_t *sid);
/* Finds a control message type in a datagram (0 if ZLB / data / hidden). */
unsigned h_msg_type(const uint8_t *d, size_t len);
/* Pulls every queued output of a context into a buffer list; returns count. */
unsigned h_collect(struct h_peer *peer, uint8_t bufs[][L2TP_MAX_DGRAM], size_t *lens,
    unsigned max);

#endif
