/*
 * demo_ppp.c - libppp self-demo: a server (authenticator) and a client
 * session, each in its own context, negotiate in memory, first with
 * CHAP-MD5 then with MS-CHAPv2, printing each frame and event, the
 * negotiated addresses and DNS, one IP packet framed and received in place,
 * and what `show` would print.  Public API only.
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
events(struct ppp_ctx *ctx, const char *who, uint64_t now)
{
	struct ppp_event ev;
	struct ppp_auth_result res;
	char a[16], b[16], d1[16], d2[16];
	int up = 0;

	while (ppp_next_event(ctx, &ev)) {
		printf("  %s: event %s (session tag %llu)", who,
		    ppp_event_name(ev.type), (unsigned long long)ev.user);
		switch (ev.type) {
		case PPP_EV_AUTH_REQUEST:
			printf(" user \"%s\" method %s\n", ev.auth.user,
			    ppp_auth_method_name(ev.auth.method));
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			/* A per-user static address, as in "add user=... ip=". */
			res.peer_addr = 0xc0a86432;
			if (ppp_auth_check_password(ctx, &ev.auth, "clientPass",
			    10, &res) != 0)
				res.accept = false;
			res.message = res.accept ? "Welcome to roadgate" :
			    "Access denied";
			printf("  %s: password check %s\n", who,
			    res.accept ? "ok" : "FAILED");
			if (ppp_session_auth_reply(ev.sess, now, &res) != PPP_OK)
				printf("  %s: auth_reply refused\n", who);
			break;
		case PPP_EV_AUTH_RESULT:
			printf(" %s%s%s\n", ev.auth_ok ? "success" : "failure",
			    ev.auth_message[0] != '\0' ? ", message: " : "",
			    ev.auth_message);
			break;
		case PPP_EV_ADDRESS_WANTED:
			printf("\n");
			(void)ppp_session_set_peer_address(ev.sess, now,
			    0xc0a864c8);
			break;
		case PPP_EV_IP_UP:
			ipstr(a, sizeof(a), ev.ip.local_addr);
			ipstr(b, sizeof(b), ev.ip.peer_addr);
			ipstr(d1, sizeof(d1), ev.ip.dns[0]);
			ipstr(d2, sizeof(d2), ev.ip.dns[1]);
			printf(" local %s peer %s dns %s %s\n", a, b, d1, d2);
			up = 1;
			break;
		case PPP_EV_LINK_DOWN:
			printf(" reason %s\n", ppp_down_reason_name(ev.reason));
			break;
		default:
			printf("\n");
			break;
		}
		ppp_event_wipe(&ev);
	}
	return up;
}

/* Moves every frame queued in `from` to the session `to`. */
static int
deliver(struct ppp_ctx *from, struct ppp_session *to, const char *dir,
    uint64_t now)
{
	unsigned char buf[PPP_MAX_FRAME];
	struct ppp_rx rx;
	size_t len;
	int moved = 0, rc;

	while (ppp_next_output(from, buf, sizeof(buf), &len, NULL, NULL) ==
	    PPP_OK) {
		printf("  %s  %-4s code %u, %zu bytes\n", dir,
		    proto_name(buf, len), len > 4 ? buf[4] : 0, len);
		if ((rc = ppp_session_input(to, now, buf, len, &rx)) != PPP_OK)
			printf("      refused: %s\n", ppp_strerror(rc));
		moved++;
	}
	return moved;
}

static void
show(struct ppp_ctx *ctx, const char *who, uint64_t now)
{
	struct ppp_session_info info;
	struct ppp_session *s;
	char a[16], b[16];
	size_t cursor = 0;

	while (ppp_session_next(ctx, &cursor, &s)) {
		if (ppp_session_get_info(s, now, &info) != PPP_OK)
			continue;
		ipstr(a, sizeof(a), info.local_addr);
		ipstr(b, sizeof(b), info.peer_addr);
		printf("  show %s: tag %llu %s phase %s LCP %s IPCP %s, %s "
		    "\"%s\", %s <-> %s, MRU %u/%u, IP in %llu/%llu B out "
		    "%llu/%llu B, %zu bytes of state\n", who,
		    (unsigned long long)info.user, ppp_role_name(info.role),
		    ppp_phase_name(info.phase), info.lcp_state,
		    info.ipcp_state, ppp_auth_method_name(info.auth_method),
		    info.auth_name, a, b, (unsigned)info.local_mru,
		    (unsigned)info.peer_mru,
		    (unsigned long long)info.ip_packets_in,
		    (unsigned long long)info.ip_bytes_in,
		    (unsigned long long)info.ip_packets_out,
		    (unsigned long long)info.ip_bytes_out,
		    ppp_session_memory(s));
	}
}

static int
run(enum ppp_auth_method m, const char *title)
{
	struct ppp_config cfg;
	struct ppp_hooks hk;
	struct ppp_session_config tmpl, sc;
	struct ppp_ctx *sctx = NULL, *cctx = NULL;
	struct ppp_session *srv = NULL, *cli = NULL;
	struct ppp_rx rx;
	unsigned long seed = 12345;
	/* An IP packet with PPP_HEADROOM bytes free in front of it. */
	unsigned char pkt[PPP_HEADROOM + 28] = { [PPP_HEADROOM] = 0x45, 0, 0,
	    28 };
	size_t off, len;
	uint64_t now = 1000000000ULL;
	int up = 0, moved, rounds = 0, rc = 1;

	printf("== %s\n", title);
	memset(&hk, 0, sizeof(hk));
	hk.user = &seed;
	hk.rng = demo_rng;
	hk.log = demo_log;
	/* Context defaults; the template below overrides some per session. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.local_addr = 0xc0a86401;		/* 192.168.100.1 */
	cfg.dns[0] = 0x08080808;
	cfg.dns[1] = 0x01010101;
	cfg.name = "roadgate";
	if (ppp_ctx_new(&sctx, &cfg, &hk) != 0 ||
	    ppp_ctx_new(&cctx, NULL, &hk) != 0)
		goto out;
	/* The router's PPP template for this L2TP range. */
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.size = sizeof(tmpl);
	tmpl.user = 1001;			/* the gateway's own handle */
	tmpl.auth[0] = m;
	tmpl.n_auth = 1;
	tmpl.echo_interval_ns = 30 * 1000000000ULL;
	tmpl.name = "office-gw";
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.user = 2002;
	sc.username = "User";
	sc.username_len = 4;
	sc.password = "clientPass";
	sc.password_len = 10;
	if (ppp_session_new(sctx, now, PPP_ROLE_SERVER, &tmpl, &srv) != 0 ||
	    ppp_session_new(cctx, now, PPP_ROLE_CLIENT, &sc, &cli) != 0)
		goto out;
	do {
		moved = deliver(sctx, cli, "server -> client", now);
		up += events(cctx, "client", now);
		moved += deliver(cctx, srv, "client -> server", now);
		up += events(sctx, "server", now);
	} while (moved > 0 && ++rounds < 50);
	/* The data path: framed in the headroom, returned in place. */
	off = PPP_HEADROOM;
	len = 28;
	if (up == 2 && ppp_session_encap(cli, pkt, sizeof(pkt), &off, &len) ==
	    PPP_OK) {
		printf("  client -> server  %-4s %zu bytes (framed in place)\n",
		    proto_name(pkt + off, len), len);
		if (ppp_session_input(srv, now, pkt + off, len, &rx) ==
		    PPP_OK && rx.kind == PPP_RX_IP)
			printf("  server: IP packet of %zu bytes at offset %zu "
			    "of the frame (session tag %llu)\n", rx.len,
			    rx.off, (unsigned long long)rx.user);
	}
	show(sctx, "server", now);
	show(cctx, "client", now);
	rc = up == 2 ? 0 : 1;
out:
	/* ppp_ctx_free frees the sessions still alive. */
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
