/*
 * bench_ppp.c - complete server<->client PPP sessions (LCP + CHAP-MD5 +
 * IPCP) negotiated in memory on one core, and the bytes of library state a
 * negotiated session keeps.  Also measures its own floor: the two CHAP-MD5
 * computations every session needs (client response, server check).
 */
#include <stdio.h>
#include <string.h>

#include <roadgate/ppp.h>
#include "ppp_int.h"
#include "testsupport.h"

#define TARGET_PER_S	100000.0

static struct ts_rng rng;

static void
events(struct ppp_ctx *ctx, struct ppp_session *s, uint64_t now, int *up)
{
	struct ppp_event ev;
	struct ppp_auth_result res;

	while (ppp_session_next_event(s, &ev)) {
		switch (ev.type) {
		case PPP_EV_AUTH_REQUEST:
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			if (ppp_auth_check_password(ctx, &ev.auth, "secret", 6,
			    &res) != 0)
				res.accept = false;
			res.peer_addr = 0x0a000002;
			ppp_session_auth_reply(s, now, &res);
			break;
		case PPP_EV_IP_UP:
			(*up)++;
			break;
		default:
			break;
		}
	}
}

/* One complete negotiation; returns 2 if both sides reached IP up. */
static int
one_session(struct ppp_ctx *sctx, struct ppp_ctx *cctx,
    const struct ppp_session_config *sc, size_t *mem, size_t *cmem)
{
	struct ppp_session *srv, *cli;
	uint8_t buf[PPP_MAX_FRAME];
	size_t len;
	uint64_t now = 1;
	int up = 0, moved, rounds = 0;

	if (ppp_session_new(sctx, PPP_ROLE_SERVER, now, NULL, &srv) != 0)
		return 0;
	if (ppp_session_new(cctx, PPP_ROLE_CLIENT, now, sc, &cli) != 0) {
		ppp_session_free(srv);
		return 0;
	}
	do {
		moved = 0;
		while (ppp_session_next_output(srv, buf, sizeof(buf),
		    &len) == 1) {
			ppp_session_input(cli, now, buf, len);
			moved++;
		}
		events(cctx, cli, now, &up);
		while (ppp_session_next_output(cli, buf, sizeof(buf),
		    &len) == 1) {
			ppp_session_input(srv, now, buf, len);
			moved++;
		}
		events(sctx, srv, now, &up);
	} while (moved > 0 && ++rounds < 50);
	if (mem != NULL)
		*mem = ppp_session_memory(srv);
	if (cmem != NULL)
		*cmem = ppp_session_memory(cli);
	ppp_session_free(srv);
	ppp_session_free(cli);
	return up;
}

int
main(void)
{
	struct ppp_config cfg;
	struct ppp_hooks hk;
	struct ppp_session_config sc;
	struct ppp_ctx *sctx, *cctx;
	uint8_t ch[16], out[16];
	size_t mem = 0, cmem = 0, n, i, fails = 0;
	uint64_t t0, t1;
	double rate, md5rate;

	ts_rng_init(&rng, 1);
	memset(&hk, 0, sizeof(hk));
	hk.user = &rng;
	hk.rng = ts_rng_cb;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.auth[0] = PPP_AUTH_CHAP_MD5;
	cfg.n_auth = 1;
	cfg.local_addr = 0x0a000001;
	cfg.dns[0] = 0x0a000035;
	cfg.dns[1] = 0x0a000036;
	if (ppp_ctx_new(&sctx, &cfg, &hk) != 0 ||
	    ppp_ctx_new(&cctx, &cfg, &hk) != 0) {
		fprintf(stderr, "bench: ppp_ctx_new failed\n");
		return 1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.user = "user";
	sc.user_len = 4;
	sc.password = "secret";
	sc.password_len = 6;
	if (one_session(sctx, cctx, &sc, &mem, &cmem) != 2) {
		fprintf(stderr, "bench: negotiation failed\n");
		return 1;
	}
	/* Warm up, then time a fixed number of sessions. */
	n = 200000;
	t0 = ts_now_ns();
	for (i = 0; i < n; i++)
		if (one_session(sctx, cctx, &sc, NULL, NULL) != 2)
			fails++;
	t1 = ts_now_ns();
	rate = (double)n / ((double)(t1 - t0) / 1e9);
	/* Floor: the two MD5 computations of one session. */
	memset(ch, 7, sizeof(ch));
	t0 = ts_now_ns();
	for (i = 0; i < n; i++) {
		ppp_cr_md5_chap(sctx, (uint8_t)i, (const uint8_t *)"secret", 6,
		    ch, 16, out);
		ppp_cr_md5_chap(sctx, (uint8_t)i, (const uint8_t *)"secret", 6,
		    out, 16, ch);
	}
	t1 = ts_now_ns();
	md5rate = (double)n / ((double)(t1 - t0) / 1e9);
	printf("bench: name=ppp.session_setup sessions_per_s=%.0f "
	    "bytes_per_session=%zu ratio=%.2f\n", rate, mem,
	    rate / TARGET_PER_S);
	printf("bench: name=ppp.chap_md5_floor sessions_per_s=%.0f "
	    "ratio=%.2f\n", md5rate, rate / md5rate);
	printf("bench: name=ppp.session_state bytes_per_session=%zu "
	    "ratio=%.2f\n", mem, (double)mem / 1024.0);
	/* A client session also holds its credentials (user, password). */
	printf("bench: name=ppp.client_session_state bytes_per_session=%zu "
	    "ratio=%.2f\n", cmem, (double)cmem / 1024.0);
	ppp_ctx_free(sctx);
	ppp_ctx_free(cctx);
	return fails == 0 ? 0 : 1;
}
