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
 *   bit 4: afterwards drop the LAC's transport peer on the LNS
 *          (l2tp_peer_drop), bit 5: close it (l2tp_peer_close).
 *   bits 6-7: headroom for the echo below: 16, 12, 8 or 4 bytes.
 * Every PPP frame l2tp_input returns (struct l2tp_rx, in place) must lie
 * inside the datagram and name an established session; it is then sent
 * back on that session with l2tp_session_encap, which must succeed or
 * refuse exactly as documented (BUFFER for too little headroom, INVAL past
 * 16 bits), and on the established LAC/LNS pair the peer must return
 * exactly the same bytes - an oracle for both sides of the data path.  After every step the timer heaps must agree with the
 * tunnels' and sessions' deadlines (timers_check) and the tables with
 * their counters (tables_check).
 * Each run builds a fresh LAC/LNS pair with an established tunnel and
 * session (deterministic rng), so runs are independent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/l2tp.h>
#include "l2tp_int.h"
#include "testsupport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct side {
	struct l2tp_ctx *ctx;
	struct ts_rng rng;
	uint16_t tid, sid;
	uint64_t handle;        /* how the other side tags our datagrams */
};

static size_t headroom;         /* 16, 12, 8 or 4: bits 6-7 of the mode byte */

static int
rng_cb(void *u, void *b, size_t n)
{
	return ts_rng_cb(&((struct side *)u)->rng, b, n);
}

/* True if (tid, sid) of `to` is the established pair with `other`: both
 * sessions alive, established, and naming each other. */
static bool
real_pair(const struct side *to, const struct side *other, uint16_t tid, uint16_t sid)
{
	const struct session *a, *b;

	if (tid != to->tid || sid != to->sid)
		return false;
	a = l2tpi_session_find(to->ctx, to->tid, to->sid);
	b = l2tpi_session_find(other->ctx, other->tid, other->sid);
	return a != NULL && b != NULL && a->state == S_ESTABLISHED &&
	    b->state == S_ESTABLISHED && a->t->state == T_ESTABLISHED &&
	    b->t->state == T_ESTABLISHED && a->peer_id == b->id && b->peer_id == a->id &&
	    a->t->peer_id == b->t->id && b->t->peer_id == a->t->id;
}

/* A frame `to` returned: send it back on its session through encap (with
 * headroom from the input), and for the real pair check the other side
 * gets exactly the same bytes. */
static void
echo_frame(struct side *to, struct side *other, uint64_t now, const uint8_t *d, size_t len,
    const struct l2tp_rx *rx)
{
	static uint8_t buf[16 + 65536];
	size_t off = headroom, n = rx->len, need;
	const struct session *s;
	uint64_t ph = 0;
	struct l2tp_rx rx2;
	int rc;

	if (rx->off > len || rx->len > len - rx->off || rx->len == 0)
		abort();                /* the frame must lie in the datagram */
	s = l2tpi_session_find(to->ctx, rx->tunnel_id, rx->session_id);
	if (s == NULL || s->state != S_ESTABLISHED)
		abort();                /* rx names an established session */
	if (rx->tunnel_user != 0 || rx->session_user != 0)
		abort();                /* never tagged here */
	need = s->seq ? 12 : 8;
	memcpy(buf + off, d + rx->off, rx->len);
	rc = l2tp_session_encap(to->ctx, rx->tunnel_id, rx->session_id, buf, sizeof(buf), &off,
	    &n, &ph);
	if (rx->len > 65535 - need) {
		if (rc != L2TP_E_INVAL)
			abort();
		return;
	}
	if (headroom < need) {
		if (rc != L2TP_E_BUFFER || off != headroom || n != rx->len)
			abort();
		return;
	}
	if (rc != 0 || off != headroom - need || n != rx->len + need || ph != s->t->peer)
		abort();
	if (!real_pair(to, other, rx->tunnel_id, rx->session_id))
		return;
	if (ph != other->handle)
		abort();
	rc = l2tp_input(other->ctx, now, to->handle, buf + off, n, &rx2);
	if (rc != 0 || rx2.kind != L2TP_RX_PPP || rx2.len != rx->len ||
	    rx2.tunnel_id != other->tid || rx2.session_id != other->sid ||
	    memcmp(buf + off + rx2.off, d + rx->off, rx->len) != 0)
		abort();
}

static void
deliver(struct side *to, struct side *other, uint64_t now, const uint8_t *d, size_t len)
{
	struct l2tp_rx rx;

	int rc;

	memset(&rx, 0xa5, sizeof(rx));
	rc = l2tp_input(to->ctx, now, other->handle, d, len, &rx);
	if (rc == 0 && rx.kind == L2TP_RX_PPP)
		echo_frame(to, other, now, d, len, &rx);
	else if (rx.kind != L2TP_RX_NONE)
		abort();                /* errors and control return nothing */
}

static void
check(struct side *lac, struct side *lns)
{
	if (l2tpi_timers_check(lac->ctx) != 0 || l2tpi_timers_check(lns->ctx) != 0 ||
	    l2tpi_tables_check(lac->ctx) != 0 || l2tpi_tables_check(lns->ctx) != 0)
		abort();
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
			deliver(lns, lac, now, buf, len);
		}
		while (l2tp_next_output(lns->ctx, now, buf, sizeof(buf), &len, &ph) == 0) {
			any = true;
			deliver(lac, lns, now, buf, len);
		}
	}
	while (l2tp_next_event(lac->ctx, &ev))
		;
	while (l2tp_next_event(lns->ctx, &ev)) {
		/* The first session up is the pair's; later ones are the
		 * fuzzer's own. */
		if (ev.type == L2TP_EV_SESSION_UP && lns->tid == 0) {
			lns->tid = ev.tunnel_id;
			lns->sid = ev.session_id;
		}
		if (ev.type == L2TP_EV_PROXY)
			l2tp_event_wipe(&ev);
	}
	check(lac, lns);
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
	headroom = 16 - 4 * (size_t)(data[0] >> 6);
	memset(&lac, 0, sizeof(lac));
	memset(&lns, 0, sizeof(lns));
	lac.handle = 1;         /* the LNS's tag for the LAC */
	lns.handle = 2;
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
		deliver(to, to == &lac ? &lns : &lac, now, buf, n);
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
	if (mode & 16) {
		if (l2tp_peer_drop(lns.ctx, lac.handle) < 0)
			abort();
		pump(&lac, &lns, now);
	}
	if (mode & 32) {
		if (l2tp_peer_close(lns.ctx, now, lac.handle, L2TP_STOPCCN_SHUTTING_DOWN) < 0)
			abort();
		pump(&lac, &lns, now);
	}
	while (l2tp_next_event(lac.ctx, &ev))
		;
	l2tp_ctx_free(lac.ctx);
	l2tp_ctx_free(lns.ctx);
	return 0;
}
