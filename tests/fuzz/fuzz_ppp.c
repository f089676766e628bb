/*
 * fuzz_ppp.c - libFuzzer target over ppp_session_input, both roles.
 *
 * Input: byte 0 picks the role (bit 0), the state the session is driven to
 * first (bits 1-2: fresh, LCP opened, authenticating, IP up, by a real
 * in-memory negotiation against a peer), the auth method (bits 3-4), how
 * the application answers AUTH_REQUEST (bit 5: reject, bit 6: never, so
 * the request stays pending) and periodic re-challenge (bit 7).
 * The rest is a sequence of frames, each prefixed by a 2-byte big-endian
 * length; a length of 0 advances simulated time to the next timer instead.
 * If the last byte is odd, the input is then framed as an IP packet with
 * ppp_session_encap and handed to the peer session (data path).  Driven
 * through the context-level API (ppp_next_output / ppp_next_event /
 * ppp_next_timeout / ppp_handle_timeout); aborts if an IP packet returned
 * in place lies outside its frame, or an event / frame names another
 * session.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/ppp.h>
#include "testsupport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct ppp_ctx *ctx[2];
	struct ppp_session *s[2];
	uint64_t now;
};

/*
 * Contexts are expensive (an OSSL_LIB_CTX with two providers each), so one
 * pair is kept for the whole run (the method and re-challenge are per
 * session, through struct ppp_session_config); the rng they share is
 * reseeded for every input, and every input's sessions are freed with
 * their queued frames and events, so each input replays deterministically.
 */
static struct ts_rng g_rng;
static struct ppp_ctx *g_ctx[2];
static uint8_t g_sel;

static void
drain_events(struct fz *z, int i)
{
	struct ppp_event ev;
	struct ppp_auth_result res;

	while (ppp_next_event(z->ctx[i], &ev)) {
		if (ev.sess != z->s[i] || ev.user != (uint64_t)(i + 1))
			abort();
		if (ev.type == PPP_EV_AUTH_REQUEST && !(g_sel & 0x40)) {
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			if (ppp_auth_check_password(z->ctx[i], &ev.auth,
			    (g_sel & 0x20) ? "wrong" : "pw",
			    (g_sel & 0x20) ? 5 : 2, &res) != 0)
				res.accept = false;
			res.message = (g_sel & 0x20) ? "expired\n\xff" : NULL;
			res.mschap_error = (g_sel & 0x20) ? 648 : 0;
			(void)ppp_session_auth_reply(z->s[i], z->now, &res);
		} else if (ev.type == PPP_EV_ADDRESS_WANTED)
			(void)ppp_session_set_peer_address(z->s[i], z->now,
			    0x0a000002);
		ppp_event_wipe(&ev);
	}
}

/* Feeds a frame to session i; an IP packet must lie inside the frame. */
static void
input(struct fz *z, int i, const uint8_t *f, size_t len)
{
	struct ppp_rx rx;

	if (ppp_session_input(z->s[i], z->now, f, len, &rx) == PPP_OK &&
	    rx.kind == PPP_RX_IP && (rx.off > len || rx.len > len - rx.off ||
	    rx.len == 0))
		abort();
}

/* Pops session i's next frame (its context holds no other session). */
static bool
output(struct fz *z, int i, uint8_t *buf, size_t *len)
{
	struct ppp_session *from;

	if (ppp_next_output(z->ctx[i], buf, PPP_MAX_FRAME, len, &from,
	    NULL) != PPP_OK)
		return false;
	if (from != z->s[i])
		abort();
	return true;
}

/* Exchanges frames between the two sessions, at most `rounds` times. */
static void
exchange(struct fz *z, int rounds)
{
	uint8_t buf[PPP_MAX_FRAME];
	size_t len;
	int r, i, moved;

	for (r = 0; r < rounds; r++) {
		moved = 0;
		for (i = 0; i < 2; i++) {
			while (output(z, i, buf, &len)) {
				input(z, !i, buf, len);
				moved++;
			}
			drain_events(z, !i);
		}
		if (moved == 0)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ppp_auth_method methods[] = { PPP_AUTH_NONE,
	    PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5, PPP_AUTH_MSCHAPV2 };
	struct ppp_config cfg;
	struct ppp_hooks hk;
	struct ppp_session_config sc[2];
	struct ppp_session_info info;
	struct ppp_session *it;
	struct fz z;
	uint8_t sel, buf[PPP_MAX_FRAME + PPP_HEADROOM];
	size_t off = 1, len, cur, n;
	int me, i, steps;

	if (size < 1)
		return 0;
	sel = g_sel = data[0];
	memset(&z, 0, sizeof(z));
	ts_rng_init(&g_rng, 1);
	memset(&hk, 0, sizeof(hk));
	hk.user = &g_rng;
	hk.rng = ts_rng_cb;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.local_addr = 0x0a000001;
	cfg.dns[0] = 0x0a000035;
	cfg.nbns[0] = 0x0a000036;
	cfg.echo_interval_ns = 10000000000ULL;
	z.now = 1000;
	for (i = 0; i < 2; i++) {
		if (g_ctx[i] == NULL && ppp_ctx_new(&g_ctx[i], &cfg, &hk) != 0)
			goto out;
		z.ctx[i] = g_ctx[i];
	}
	/* s[0] is the server, s[1] the client; both use the method. */
	memset(sc, 0, sizeof(sc));
	for (i = 0; i < 2; i++) {
		sc[i].size = sizeof(sc[i]);
		sc[i].user = (uint64_t)(i + 1);
		if (methods[(sel >> 3) & 3] != PPP_AUTH_NONE) {
			sc[i].auth[0] = methods[(sel >> 3) & 3];
			sc[i].n_auth = 1;
		}
	}
	sc[0].rechallenge_ns = (sel & 0x80) ? 20000000000ULL : 0;
	sc[1].username = "user";
	sc[1].username_len = 4;
	sc[1].password = "pw";
	sc[1].password_len = 2;
	if (ppp_session_new(z.ctx[0], z.now, PPP_ROLE_SERVER, &sc[0],
	    &z.s[0]) != 0 ||
	    ppp_session_new(z.ctx[1], z.now, PPP_ROLE_CLIENT, &sc[1],
	    &z.s[1]) != 0)
		goto out;
	me = sel & 1;
	steps = (sel >> 1) & 3;
	/* Drive to the chosen state: 0 fresh, 1..3 more exchange rounds. */
	exchange(&z, steps == 0 ? 0 : steps == 1 ? 2 : steps == 2 ? 4 : 20);
	/* Drop what the fuzzed session had queued for its real peer. */
	while (output(&z, me, buf, &len))
		;
	drain_events(&z, me);
	while (off + 2 <= size) {
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len == 0) {
			uint64_t t = ppp_next_timeout(z.ctx[me]);

			if (t != UINT64_MAX) {
				z.now = t > z.now ? t : z.now;
				(void)ppp_handle_timeout(z.ctx[me], z.now);
			}
			continue;
		}
		if (len > size - off)
			len = size - off;
		input(&z, me, data + off, len);
		off += len;
		drain_events(&z, me);
		while (output(&z, me, buf, &len))
			;
		z.now += 1000000;
	}
	/* The data path: frame part of the input as an IP packet in place,
	 * and hand it to the peer, which returns it in place. */
	if (size > 2 && (data[size - 1] & 1)) {
		n = size > 1400 ? 1400 : size;
		memcpy(buf + PPP_HEADROOM, data, n);
		cur = PPP_HEADROOM;
		if (ppp_session_encap(z.s[me], buf, sizeof(buf), &cur, &n) ==
		    PPP_OK) {
			if (cur != 0 || buf[0] != 0xff || buf[3] != 0x21)
				abort();
			input(&z, !me, buf, n);
		}
	}
	/* Introspection of whatever state the input left. */
	cur = 0;
	while (ppp_session_next(z.ctx[me], &cur, &it))
		if (ppp_session_get_info(it, z.now, &info) != PPP_OK ||
		    info.sess != z.s[me] || (info.ip_packets_in > 0 &&
		    info.ip_bytes_in == 0))
			abort();
out:
	for (i = 0; i < 2; i++)
		ppp_session_free(z.s[i]);
	return 0;
}
