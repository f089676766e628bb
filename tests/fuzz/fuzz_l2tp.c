/*
 * fuzz_l2tp.c - libFuzzer target over l2tp_input, both roles.
 *
 * Input: byte 0 selects the mode, the rest is one or more datagrams.
 *   bit 0: 0 = deliver to the LNS, 1 = deliver to the LAC.
 *   bit 1: split the rest into datagrams, each prefixed by a 1-byte length.
 *   bit 2: patch Tunnel ID / Session ID (and for control messages Ns/Nr)
 *          of each datagram to those of the established tunnel, so the
 *          later states of the control channel are reached.
 *   bit 3: afterwards run timers for two minutes of simulated time.
 * Each run builds a fresh LAC/LNS pair with an established tunnel and
 * session (deterministic rng), so runs are independent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/l2tp.h>
#include "testsupport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct side {
	struct l2tp_ctx *ctx;
	struct ts_rng rng;
	uint16_t tid, sid;
};

static int
rng_cb(void *u, void *b, size_t n)
{
	return ts_rng_cb(&((struct side *)u)->rng, b, n);
}

static void
pump(struct side *lac, struct side *lns, uint64_t now)
{
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint64_t ph;
	struct l2tp_event ev;
	unsigned round;
	bool any = true;

	for (round = 0; round < 64 && any; round++) {
		any = false;
		while (l2tp_next_output(lac->ctx, now, buf, sizeof(buf), &len, &ph) == 0) {
			any = true;
			(void)l2tp_input(lns->ctx, now, 1, buf, len);
		}
		while (l2tp_next_output(lns->ctx, now, buf, sizeof(buf), &len, &ph) == 0) {
			any = true;
			(void)l2tp_input(lac->ctx, now, 2, buf, len);
		}
	}
	while (l2tp_next_event(lac->ctx, &ev))
		if (ev.type == L2TP_EV_SESSION_UP)
			lac->sid = ev.session_id;
	while (l2tp_next_event(lns->ctx, &ev)) {
		if (ev.type == L2TP_EV_SESSION_UP) {
			lns->tid = ev.tunnel_id;
			lns->sid = ev.session_id;
		}
	}
}

static void
patch(uint8_t *d, size_t n, const struct side *to)
{
	size_t off = 2;

	if (n < 2)
		return;
	if ((d[0] & 0x40) != 0 || (d[0] & 0x80) != 0)
		off += 2;
	if (n >= off + 4) {
		d[off] = (uint8_t)(to->tid >> 8);
		d[off + 1] = (uint8_t)to->tid;
		if (d[off + 2] != 0 || d[off + 3] != 0) {
			d[off + 2] = (uint8_t)(to->sid >> 8);
			d[off + 3] = (uint8_t)to->sid;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct side lac, lns;
	struct l2tp_config c;
	struct l2tp_hooks h;
	/* Datagrams up to the 16-bit Length limit, not just what we send:
	 * a peer's messages may be longer than L2TP_MAX_DGRAM. */
	static uint8_t buf[65535];
	uint64_t now = 1000000000ull;
	uint16_t tid = 0, sid = 0;
	uint8_t mode;
	size_t off, n;
	struct side *to;
	unsigned k;
	struct l2tp_event ev;

	if (size < 1)
		return 0;
	mode = data[0];
	memset(&lac, 0, sizeof(lac));
	memset(&lns, 0, sizeof(lns));
	ts_rng_init(&lac.rng, 1);
	ts_rng_init(&lns.rng, 2);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.max_tunnels = 8;
	c.max_sessions_per_tunnel = 4;
	c.max_half_open = 4;
	c.max_events = 32;
	c.max_output = 64;
	memcpy(c.secret, "fuzz", 4);
	c.secret_len = 4;          /* hidden AVPs decodable */
	memset(&h, 0, sizeof(h));
	h.rng = rng_cb;
	c.roles = L2TP_ROLE_LAC | L2TP_ROLE_LNS;
	h.user = &lac;
	if (l2tp_ctx_new(&lac.ctx, &c, &h) != 0)
		abort();
	c.roles = L2TP_ROLE_LNS;
	c.hide_avps = true;
	h.user = &lns;
	if (l2tp_ctx_new(&lns.ctx, &c, &h) != 0)
		abort();
	if (l2tp_tunnel_open(lac.ctx, now, 2, &tid) != 0 ||
	    l2tp_session_open(lac.ctx, now, tid, &sid) != 0)
		abort();
	pump(&lac, &lns, now);
	lac.tid = tid;
	lac.sid = sid;
	to = (mode & 1) ? &lac : &lns;
	off = 1;
	while (off < size) {
		if (mode & 2) {
			n = data[off++];
			if (n > size - off)
				n = size - off;
		} else {
			n = size - off;
		}
		if (n > sizeof(buf))
			n = sizeof(buf);
		memcpy(buf, data + off, n);
		off += n;
		if (mode & 4)
			patch(buf, n, to);
		(void)l2tp_input(to->ctx, now, (mode & 1) ? 2 : 1, buf, n);
		pump(&lac, &lns, now);
		now += 1000000;
	}
	if (mode & 8) {
		for (k = 0; k < 16; k++) {
			uint64_t t = l2tp_next_timeout(lns.ctx);

			if (t > now + 120000000000ull)
				break;
			now = t > now ? t : now;
			(void)l2tp_handle_timeout(lns.ctx, now);
			(void)l2tp_handle_timeout(lac.ctx, now);
			pump(&lac, &lns, now);
		}
	}
	while (l2tp_next_event(lac.ctx, &ev))
		;
	l2tp_ctx_free(lac.ctx);
	l2tp_ctx_free(lns.ctx);
	return 0;
}
