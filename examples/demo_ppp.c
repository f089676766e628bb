/*
 * demo_ppp.c - libppp self-demo: a server (authenticator) and a client
 * session negotiate in memory, first with CHAP-MD5 then with MS-CHAPv2,
 * printing each frame and event and the negotiated addresses and DNS.
 * Public API only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/ppp.h>

/* Demo-only randomness (a libppp user passes a CSPRNG here). */
static int
demo_rng(void *user, void *buf, size_t len)
{
	unsigned long *state = user;
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		*state = *state * 6364136223846793005UL + 1442695040888963407UL;
		p[i] = (unsigned char)(*state >> 56);
	}
	return 0;
}

static void
demo_log(void *user, int level, const char *msg)
{
	(void)user;
	if (level <= PPP_LOG_INFO)
		printf("      log: %s\n", msg);
}

static const char *
proto_name(const unsigned char *f, size_t len)
{
	unsigned p = len >= 4 ? (unsigned)(f[2] << 8 | f[3]) : 0;

	switch (p) {
	case 0xc021: return "LCP";
	case 0xc023: return "PAP";
	case 0xc223: return "CHAP";
	case 0x8021: return "IPCP";
	case 0x0021: return "IP";
	}
	return "?";
}

static void
ipstr(char *b, size_t n, uint32_t a)
{
	snprintf(b, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
	    a & 255);
}

static int
events(struct ppp_ctx *ctx, struct ppp_session *s, const char *who,
    uint64_t now)
{
	struct ppp_event ev;
	struct ppp_auth_result res;
	char a[16], b[16], d1[16], d2[16];
	int up = 0;

	while (ppp_session_next_event(s, &ev)) {
		switch (ev.type) {
		case PPP_EV_LINK_UP:
			printf("  %s: event LINK_UP\n", who);
			break;
		case PPP_EV_AUTH_REQUEST:
			printf("  %s: event AUTH_REQUEST user \"%s\" method %d\n",
			    who, ev.auth.user, (int)ev.auth.method);
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			/* A per-user static address, as in "add user=... ip=". */
			res.peer_addr = 0xc0a86432;
			if (ppp_auth_check_password(ctx, &ev.auth, "clientPass",
			    10, &res) != 0)
				res.accept = false;
			printf("  %s: password check %s\n", who,
			    res.accept ? "ok" : "FAILED");
			ppp_session_auth_reply(s, now, &res);
			break;
		case PPP_EV_AUTH_RESULT:
			printf("  %s: event AUTH_RESULT %s\n", who,
			    ev.auth_ok ? "success" : "failure");
			break;
		case PPP_EV_ADDRESS_WANTED:
			printf("  %s: event ADDRESS_WANTED\n", who);
			ppp_session_set_peer_address(s, now, 0xc0a864c8);
			break;
		case PPP_EV_IP_UP:
			ipstr(a, sizeof(a), ev.ip.local_addr);
			ipstr(b, sizeof(b), ev.ip.peer_addr);
			ipstr(d1, sizeof(d1), ev.ip.dns[0]);
			ipstr(d2, sizeof(d2), ev.ip.dns[1]);
			printf("  %s: event IP_UP local %s peer %s dns %s %s\n",
			    who, a, b, d1, d2);
			up = 1;
			break;
		case PPP_EV_IP_PACKET:
			printf("  %s: event IP_PACKET %zu bytes\n", who, ev.len);
			break;
		case PPP_EV_LINK_DOWN:
			printf("  %s: event LINK_DOWN reason %d\n", who,
			    (int)ev.reason);
			break;
		}
		ppp_event_wipe(&ev);
	}
	return up;
}

static int
run(enum ppp_auth_method m, const char *title)
{
	struct ppp_config cfg;
	struct ppp_hooks hk;
	struct ppp_session_config sc;
	struct ppp_ctx *sctx = NULL, *cctx = NULL;
	struct ppp_session *srv = NULL, *cli = NULL;
	unsigned long seed = 12345;
	unsigned char buf[PPP_MAX_FRAME];
	size_t len;
	uint64_t now = 1000000000ULL;
	int up = 0, moved, rounds = 0, rc = 1;
	unsigned char ping[28] = { 0x45, 0, 0, 28 };

	printf("== %s\n", title);
	memset(&hk, 0, sizeof(hk));
	hk.user = &seed;
	hk.rng = demo_rng;
	hk.log = demo_log;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.auth[0] = m;
	cfg.n_auth = 1;
	cfg.local_addr = 0xc0a86401;		/* 192.168.100.1 */
	cfg.dns[0] = 0x08080808;
	cfg.dns[1] = 0x01010101;
	cfg.echo_interval_s = 30;
	cfg.name = "roadgate";
	if (ppp_ctx_new(&sctx, &cfg, &hk) != 0 ||
	    ppp_ctx_new(&cctx, &cfg, &hk) != 0)
		goto out;
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.user = "User";
	sc.user_len = 4;
	sc.password = "clientPass";
	sc.password_len = 10;
	if (ppp_session_new(sctx, PPP_ROLE_SERVER, now, NULL, &srv) != 0 ||
	    ppp_session_new(cctx, PPP_ROLE_CLIENT, now, &sc, &cli) != 0)
		goto out;
	do {
		moved = 0;
		while (ppp_session_next_output(srv, buf, sizeof(buf),
		    &len) == 1) {
			printf("  server -> client  %-4s code %u, %zu bytes\n",
			    proto_name(buf, len), len > 4 ? buf[4] : 0, len);
			ppp_session_input(cli, now, buf, len);
			moved++;
		}
		up += events(cctx, cli, "client", now);
		while (ppp_session_next_output(cli, buf, sizeof(buf),
		    &len) == 1) {
			printf("  client -> server  %-4s code %u, %zu bytes\n",
			    proto_name(buf, len), len > 4 ? buf[4] : 0, len);
			ppp_session_input(srv, now, buf, len);
			moved++;
		}
		up += events(sctx, srv, "server", now);
	} while (moved > 0 && ++rounds < 50);
	if (up == 2 && ppp_session_send_ip(cli, now, ping, sizeof(ping)) == 0 &&
	    ppp_session_next_output(cli, buf, sizeof(buf), &len) == 1) {
		printf("  client -> server  %-4s %zu bytes\n",
		    proto_name(buf, len), len);
		ppp_session_input(srv, now, buf, len);
		events(sctx, srv, "server", now);
	}
	printf("  server session state: %zu bytes\n", ppp_session_memory(srv));
	rc = up == 2 ? 0 : 1;
out:
	ppp_session_free(srv);
	ppp_session_free(cli);
	ppp_ctx_free(sctx);
	ppp_ctx_free(cctx);
	printf("== %s: %s\n\n", title, rc == 0 ? "up" : "FAILED");
	return rc;
}

int
main(void)
{
	int rc = 0;

	printf("libppp %s demo\n\n", ppp_version());
	rc |= run(PPP_AUTH_CHAP_MD5, "CHAP-MD5");
	rc |= run(PPP_AUTH_MSCHAPV2, "MS-CHAPv2");
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
