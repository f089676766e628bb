/*
 * bench_ppp.c - complete server<->client PPP sessions (LCP + CHAP-MD5 +
 * IPCP) negotiated in memory on one core, and the bytes of library state a
 * negotiated session keeps.  Also measures its own floors: the two CHAP-MD5
 * computations every session needs (client response, server check), one
 * memcpy of a 1400-byte packet (what a copying data path pays per copy)
 * against the in-place encap + decap of a 1400-byte IP packet, and
 * ppp_next_timeout with 1 session against 10,000 (the rg_heap: O(1)).
 */
#include <stdio.h>
#include <string.h>

#include <roadgate/ppp.h>
#include "ppp_int.h"
#include "testsupport.h"

#define TARGET_PER_S	100000.0

static struct ts_rng rng;

static void
events(struct ppp_ctx *ctx, uint64_t now, int *up)
{
	struct ppp_event ev;
	struct ppp_auth_result res;

	while (ppp_next_event(ctx, &ev)) {
		switch (ev.type) {
		case PPP_EV_AUTH_REQUEST:
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			if (ppp_auth_check_password(ctx, &ev.auth, "secret", 6,
			    &res) != 0)
				res.accept = false;
			res.peer_addr = 0x0a000002;
			(void)ppp_session_auth_reply(ev.sess, now, &res);
			break;
		case PPP_EV_IP_UP:
			(*up)++;
			break;
		default:
			break;
		}
	}
}

/* Moves every queued frame of ctx to the session `to`. */
static int
move(struct ppp_ctx *ctx, struct ppp_session *to, uint64_t now)
{
	uint8_t buf[PPP_MAX_FRAME];
	struct ppp_rx rx;
	size_t len;
	int moved = 0;

	while (ppp_next_output(ctx, buf, sizeof(buf), &len, NULL, NULL) ==
	    PPP_OK) {
		if (ppp_session_input(to, now, buf, len, &rx) < 0)
			(void)0;	/* a refused frame is part of the run */
		moved++;
	}
	return moved;
}

/* Negotiates a pair; returns 2 if both sides reached IP up (the sessions
 * are left in *srv / *cli). */
static int
negotiate(struct ppp_ctx *sctx, struct ppp_ctx *cctx,
    const struct ppp_session_config *sc, struct ppp_session **srv,
    struct ppp_session **cli)
{
	uint64_t now = 1;
	int up = 0, moved, rounds = 0;

	*srv = *cli = NULL;
	if (ppp_session_new(sctx, now, PPP_ROLE_SERVER, NULL, srv) != 0)
		return 0;
	if (ppp_session_new(cctx, now, PPP_ROLE_CLIENT, sc, cli) != 0) {
		ppp_session_free(*srv);
		*srv = NULL;
		return 0;
	}
	do {
		moved = move(sctx, *cli, now);
		events(cctx, now, &up);
		moved += move(cctx, *srv, now);
		events(sctx, now, &up);
	} while (moved > 0 && ++rounds < 50);
	return up;
}

/* One complete negotiation; returns 2 if both sides reached IP up. */
static int
one_session(struct ppp_ctx *sctx, struct ppp_ctx *cctx,
    const struct ppp_session_config *sc, size_t *mem, size_t *cmem)
{
	struct ppp_session *srv, *cli;
	int up = negotiate(sctx, cctx, sc, &srv, &cli);

	if (mem != NULL)
		*mem = ppp_session_memory(srv);
	if (cmem != NULL)
		*cmem = ppp_session_memory(cli);
	ppp_session_free(srv);
	ppp_session_free(cli);
	return up;
}

/* 1400-byte IP packets client -> server, framed and returned in place. */
static int
bench_data(struct ppp_ctx *sctx, struct ppp_ctx *cctx,
    const struct ppp_session_config *sc)
{
	static uint8_t buf[PPP_HEADROOM + 1400], copy[1400];
	struct ppp_session *srv, *cli;
	struct ppp_rx rx;
	size_t i, n = 5000000, off, len, bad = 0;
	uint64_t t0, t1, sum = 0;
	double rate, cprate;

	if (negotiate(sctx, cctx, sc, &srv, &cli) != 2) {
		fprintf(stderr, "bench: negotiation failed\n");
		return 1;
	}
	/* An IPv4 packet from the address IPCP gave the client: the server
	 * drops any other source (PPP_E_SPOOFED). */
	{
		struct ppp_session_info info;
		uint8_t *ip = buf + PPP_HEADROOM;

		if (ppp_session_get_info(srv, 1, &info) != 0 || info.peer_addr == 0) {
			fprintf(stderr, "bench: no peer address after IPCP\n");
			return 1;
		}
		memset(buf, 0x45, sizeof(buf));
		ip[0] = 0x45;
		ip[2] = 1400 >> 8;
		ip[3] = 1400 & 0xff;
		ip[12] = (uint8_t)(info.peer_addr >> 24);
		ip[13] = (uint8_t)(info.peer_addr >> 16);
		ip[14] = (uint8_t)(info.peer_addr >> 8);
		ip[15] = (uint8_t)info.peer_addr;
	}
	t0 = ts_now_ns();
	for (i = 0; i < n; i++) {
		off = PPP_HEADROOM;
		len = 1400;
		if (ppp_session_encap(cli, buf, sizeof(buf), &off, &len) != 0 ||
		    ppp_session_input(srv, 1, buf, len, &rx) != 0 ||
		    rx.kind != PPP_RX_IP)
			bad++;
		sum += rx.len;
	}
	t1 = ts_now_ns();
	rate = (double)n / ((double)(t1 - t0) / 1e9);
	/* Floor: one copy of the packet, what a queued copy costs. */
	t0 = ts_now_ns();
	for (i = 0; i < n; i++) {
		buf[PPP_HEADROOM + (i & 63)] = (uint8_t)i;
		memcpy(copy, buf + PPP_HEADROOM, sizeof(copy));
		__asm__ __volatile__("" : : "r"(copy) : "memory");
	}
	t1 = ts_now_ns();
	cprate = (double)n / ((double)(t1 - t0) / 1e9);
	printf("bench: name=ppp.ip_encap_decap_1400 packets_per_s=%.0f "
	    "ns_per_packet=%.1f ratio=%.2f\n", rate, 1e9 / rate,
	    rate / cprate);
	printf("bench: name=ppp.memcpy_1400_floor copies_per_s=%.0f "
	    "ns_per_copy=%.1f ratio=1.00\n", cprate, 1e9 / cprate);
	ppp_session_free(srv);
	ppp_session_free(cli);
	return bad != 0 || sum != (uint64_t)n * 1400;
}

/*
 * With nsess server sessions in ctx (deadlines spread 1 us apart): the ns
 * per ppp_next_timeout call, and the ns per due session of one
 * ppp_handle_timeout that finds all of them due (each retransmits its
 * Configure-Request).
 */
static int
bench_timers(struct ppp_ctx *ctx, size_t nsess, double *ns_next,
    double *ns_due)
{
	static struct ppp_session *s[10000];
	uint8_t buf[PPP_MAX_FRAME];
	size_t i, calls = 20000000, len, made = 0, frames = 0;
	uint64_t t0, t1, sum = 0, when;
	volatile uint64_t sink;

	for (i = 0; i < nsess && i < 10000; i++) {
		if (ppp_session_new(ctx, 1000 * (uint64_t)i, PPP_ROLE_SERVER,
		    NULL, &s[made]) == 0)
			made++;
		while (ppp_next_output(ctx, buf, sizeof(buf), &len, NULL,
		    NULL) == PPP_OK)
			;
	}
	t0 = ts_now_ns();
	for (i = 0; i < calls; i++) {
		sum += ppp_next_timeout(ctx);
		__asm__ __volatile__("" : : : "memory");
	}
	t1 = ts_now_ns();
	sink = sum;
	(void)sink;
	*ns_next = (double)(t1 - t0) / (double)calls;
	when = ppp_next_timeout(ctx) + 1000 * (uint64_t)made;
	t0 = ts_now_ns();
	(void)ppp_handle_timeout(ctx, when);
	t1 = ts_now_ns();
	*ns_due = made > 0 ? (double)(t1 - t0) / (double)made : 0;
	while (ppp_next_output(ctx, buf, sizeof(buf), &len, NULL, NULL) ==
	    PPP_OK)
		frames++;
	for (i = 0; i < made; i++)
		ppp_session_free(s[i]);
	return made == nsess && frames == made ? 0 : 1;
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
	sc.username = "user";
	sc.username_len = 4;
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
	if (bench_data(sctx, cctx, &sc) != 0) {
		fprintf(stderr, "bench: data path failed\n");
		fails++;
	}
	{
		double n1 = 0, d1 = 0, n10k = 0, d10k = 0;

		if (bench_timers(sctx, 100, &n1, &d1) != 0 ||
		    bench_timers(sctx, 10000, &n10k, &d10k) != 0) {
			fprintf(stderr, "bench: timer run failed\n");
			fails++;
		}
		if (bench_timers(sctx, 1, &n1, &d1) != 0)
			fails++;
		/* ratio: the cost with 10,000 sessions over the cost with 1
		 * (next_timeout) or 100 (handle_timeout, per due session). */
		printf("bench: name=ppp.next_timeout_10k ns_per_call=%.2f "
		    "ratio=%.2f\n", n10k, n10k / n1);
		if (bench_timers(sctx, 100, &n1, &d1) != 0)
			fails++;
		printf("bench: name=ppp.handle_timeout_10k "
		    "ns_per_due_session=%.0f ratio=%.2f\n", d10k, d10k / d1);
	}
	ppp_ctx_free(sctx);
	ppp_ctx_free(cctx);
	return fails == 0 ? 0 : 1;
}
