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
 */
#include <stdint.h>
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
 * pair per configuration is kept for the whole run; the rng they share is
 * reseeded for every input, so each input replays deterministically.
 */
static struct ts_rng g_rng;
static struct ppp_ctx *g_ctx[8][2];
static uint8_t g_sel;

static void
drain_events(struct fz *z, int i)
{
	struct ppp_event ev;
	struct ppp_auth_result res;

	while (ppp_session_next_event(z->s[i], &ev)) {
		if (ev.type == PPP_EV_AUTH_REQUEST && !(g_sel & 0x40)) {
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			if (ppp_auth_check_password(z->ctx[i], &ev.auth,
			    (g_sel & 0x20) ? "wrong" : "pw",
			    (g_sel & 0x20) ? 5 : 2, &res) != 0)
				res.accept = false;
			ppp_session_auth_reply(z->s[i], z->now, &res);
		} else if (ev.type == PPP_EV_ADDRESS_WANTED)
			ppp_session_set_peer_address(z->s[i], z->now,
			    0x0a000002);
		ppp_event_wipe(&ev);
	}
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
			while (ppp_session_next_output(z->s[i], buf,
			    sizeof(buf), &len) == 1) {
				ppp_session_input(z->s[!i], z->now, buf, len);
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
	struct ppp_session_config sc;
	struct fz z;
	uint8_t sel, buf[PPP_MAX_FRAME];
	size_t off = 1, len;
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
	if (methods[(sel >> 3) & 3] != PPP_AUTH_NONE) {
		cfg.auth[0] = methods[(sel >> 3) & 3];
		cfg.n_auth = 1;
	}
	cfg.local_addr = 0x0a000001;
	cfg.dns[0] = 0x0a000035;
	cfg.nbns[0] = 0x0a000036;
	cfg.echo_interval_s = 10;
	cfg.rechallenge_s = (sel & 0x80) ? 20 : 0;
	z.now = 1000;
	for (i = 0; i < 2; i++) {
		struct ppp_ctx **c = &g_ctx[((sel >> 3) & 3) | (sel >> 5 & 4)][i];

		if (*c == NULL && ppp_ctx_new(c, &cfg, &hk) != 0)
			goto out;
		z.ctx[i] = *c;
	}
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.user = "user";
	sc.user_len = 4;
	sc.password = "pw";
	sc.password_len = 2;
	/* s[0] is the server, s[1] the client. */
	if (ppp_session_new(z.ctx[0], PPP_ROLE_SERVER, z.now, NULL,
	    &z.s[0]) != 0 ||
	    ppp_session_new(z.ctx[1], PPP_ROLE_CLIENT, z.now, &sc,
	    &z.s[1]) != 0)
		goto out;
	me = sel & 1;
	steps = (sel >> 1) & 3;
	/* Drive to the chosen state: 0 fresh, 1..3 more exchange rounds. */
	exchange(&z, steps == 0 ? 0 : steps == 1 ? 2 : steps == 2 ? 4 : 20);
	/* Drop what the fuzzed session had queued for its real peer. */
	while (ppp_session_next_output(z.s[me], buf, sizeof(buf), &len) == 1)
		;
	drain_events(&z, me);
	while (off + 2 <= size) {
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len == 0) {
			uint64_t t = ppp_session_next_timeout(z.s[me]);

			if (t != UINT64_MAX) {
				z.now = t > z.now ? t : z.now;
				ppp_session_handle_timeout(z.s[me], z.now);
			}
			continue;
		}
		if (len > size - off)
			len = size - off;
		ppp_session_input(z.s[me], z.now, data + off, len);
		off += len;
		drain_events(&z, me);
		while (ppp_session_next_output(z.s[me], buf, sizeof(buf),
		    &len) == 1)
			;
		z.now += 1000000;
	}
	if (size > 2 && (data[size - 1] & 1) && ppp_session_send_ip(z.s[me],
	    z.now, data, size > 1400 ? 1400 : size) == 0)
		(void)ppp_session_next_output(z.s[me], buf, sizeof(buf), &len);
out:
	for (i = 0; i < 2; i++)
		ppp_session_free(z.s[i]);
	return 0;
}
