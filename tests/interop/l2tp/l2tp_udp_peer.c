/*
 * l2tp_udp_peer.c - interop harness: libl2tp over a plain UDP socket.
 *
 *   l2tp_udp_peer lns BIND_IP SECONDS
 *   l2tp_udp_peer lac BIND_IP SECONDS PEER_IP
 *
 * Binds UDP BIND_IP:1701 and runs libl2tp in the given role for at most
 * SECONDS.  Each distinct peer address gets a peer handle (its index).
 * The LAC opens a tunnel to PEER_IP:1701 and places one call.  Events are
 * printed one per line ("event tunnel_up ...").  Exits when the tunnel is
 * closed after having been up (0), or at the deadline (0 if tunnel and
 * session were up, else 1).  With $L2TP_PEER_SECRET set, tunnel
 * authentication is required; with $L2TP_PEER_HIDE also, AVPs are sent hidden.  Test code: it does
 * I/O.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <roadgate/l2tp.h>
#include "testsupport.h"

#define MAX_PEERS 16

static struct sockaddr_in peers[MAX_PEERS];
static unsigned npeers;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
peer_handle(const struct sockaddr_in *a)
{
	unsigned i;

	for (i = 0; i < npeers; i++)
		if (peers[i].sin_addr.s_addr == a->sin_addr.s_addr && peers[i].sin_port == a->sin_port)
			return i;
	if (npeers == MAX_PEERS)
		return UINT64_MAX;
	peers[npeers] = *a;
	return npeers++;
}

static void
log_cb(void *user, int level, const char *msg)
{
	(void)user;
	printf("log %d %s\n", level, msg);
}

/* "TUNNEL_UP" -> "tunnel_up", the names xl2tpd.sh greps for. */
static const char *
ev_name(enum l2tp_event_type t)
{
	static char buf[32];
	const char *n = l2tp_event_name(t);
	size_t i;

	for (i = 0; n[i] != '\0' && i + 1 < sizeof(buf); i++)
		buf[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] - 'A' + 'a' : n[i]);
	buf[i] = '\0';
	return buf;
}

int
main(int argc, char **argv)
{
	struct l2tp_config cfg;
	struct l2tp_hooks hooks;
	struct l2tp_ctx *ctx = NULL;
	struct ts_rng rng;
	struct sockaddr_in sa, from;
	socklen_t fl;
	uint8_t buf[L2TP_MAX_DGRAM];
	struct pollfd pfd;
	struct l2tp_event ev;
	struct l2tp_stats st;
	struct l2tp_rx rx;
	uint64_t deadline, t, ph;
	size_t len;
	ssize_t n;
	int fd, lac, rc, tunnel_up = 0, session_up = 0, tunnel_down = 0, session_down = 0;
	uint16_t tid = 0, sid = 0, tunnel_id_seen = 0;
	uint64_t down_at = 0;
	int closed = 0;

	if (argc < 4 || (strcmp(argv[1], "lns") != 0 && strcmp(argv[1], "lac") != 0) ||
	    (strcmp(argv[1], "lac") == 0 && argc < 5)) {
		fprintf(stderr, "usage: %s lns|lac BIND_IP SECONDS [PEER_IP]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	lac = strcmp(argv[1], "lac") == 0;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(L2TP_UDP_PORT);
	if (fd < 0 || inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("bind");
		return 2;
	}
	ts_rng_init(&rng, (uint64_t)now_ns());
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.roles = lac ? L2TP_ROLE_LAC : L2TP_ROLE_LNS;
	strcpy(cfg.hostname, lac ? "roadgate-lac" : "roadgate-lns");
	cfg.hello_interval_ns = 5000000000ull;
	if (getenv("L2TP_PEER_SECRET") != NULL) {
		/* Tunnel authentication (required) and hidden AVPs. */
		cfg.secret_len = strlen(getenv("L2TP_PEER_SECRET"));
		if (cfg.secret_len > L2TP_MAX_SECRET)
			return 2;
		memcpy(cfg.secret, getenv("L2TP_PEER_SECRET"), cfg.secret_len);
		cfg.require_auth = true;
		cfg.hide_avps = getenv("L2TP_PEER_HIDE") != NULL;
	}
	memset(&hooks, 0, sizeof(hooks));
	hooks.user = &rng;
	hooks.rng = ts_rng_cb;
	hooks.log = log_cb;
	/* The rng hook gets &rng as user; log ignores it. */
	if (l2tp_ctx_new(&ctx, &cfg, &hooks) != 0)
		return 2;
	deadline = now_ns() + (uint64_t)atoi(argv[3]) * 1000000000ull;
	if (lac) {
		struct sockaddr_in pa = sa;

		if (inet_pton(AF_INET, argv[4], &pa.sin_addr) != 1)
			return 2;
		rc = l2tp_tunnel_open(ctx, now_ns(), peer_handle(&pa), &tid);
		if (rc == 0)
			rc = l2tp_session_open(ctx, now_ns(), tid, &sid);
		printf("open tunnel %u session %u: %s\n", tid, sid, l2tp_strerror(rc));
		if (rc != 0)
			return 1;
	}
	for (;;) {
		while (l2tp_next_output(ctx, now_ns(), buf, sizeof(buf), &len, &ph) == 0) {
			if (ph < npeers)
				(void)sendto(fd, buf, len, 0, (struct sockaddr *)&peers[ph], sizeof(peers[ph]));
		}
		while (l2tp_next_event(ctx, &ev)) {
			printf("event %s tunnel=%u session=%u result=%u error=%u reason=%s\n",
			    ev_name(ev.type), ev.tunnel_id, ev.session_id, ev.result, ev.error,
			    ev.reason != 0 ? l2tp_strerror(ev.reason) : "-");
			if (ev.type == L2TP_EV_PROXY)
				l2tp_event_wipe(&ev);
			tunnel_up += ev.type == L2TP_EV_TUNNEL_UP;
			session_up += ev.type == L2TP_EV_SESSION_UP;
			session_down += ev.type == L2TP_EV_SESSION_DOWN;
			if (ev.type == L2TP_EV_SESSION_DOWN)
				down_at = now_ns();
			if (ev.type == L2TP_EV_TUNNEL_UP)
				tunnel_id_seen = ev.tunnel_id;
			tunnel_down += ev.type == L2TP_EV_TUNNEL_DOWN;
		}
		t = now_ns();
		if (session_down > 0 && !closed && tunnel_down == 0 &&
		    (lac || t >= down_at + 3000000000ull)) {
			/* The peer hung up the call: close the tunnel (the LNS
			 * first gives the peer 3 s to send StopCCN itself). */
			if (tunnel_id_seen != 0) {
				rc = l2tp_tunnel_close(ctx, t, tunnel_id_seen, L2TP_STOPCCN_GENERAL_REQUEST);
				printf("close tunnel %u: %s\n", tunnel_id_seen, l2tp_strerror(rc));
			}
			closed = 1;
			continue;
		}
		if (t >= deadline || (tunnel_down > 0 && tunnel_up > 0 &&
		    l2tp_next_timeout(ctx) == UINT64_MAX))
			break;
		{
			uint64_t w = l2tp_next_timeout(ctx);
			int ms;

			if (w > deadline)
				w = deadline;
			ms = w <= t ? 0 : (int)((w - t) / 1000000 + 1);
			if (ms > 200)
				ms = 200;   /* re-check the exit condition regularly */
			pfd.fd = fd;
			pfd.events = POLLIN;
			rc = poll(&pfd, 1, ms);
		}
		if (rc > 0) {
			fl = sizeof(from);
			n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n > 0) {
				ph = peer_handle(&from);
				rc = l2tp_input(ctx, now_ns(), ph, buf, (size_t)n, &rx);
				if (rc != 0)
					printf("input %zd bytes: %s\n", n, l2tp_strerror(rc));
				else if (rx.kind == L2TP_RX_PPP)
					printf("ppp session=%u %zu bytes\n", rx.session_id, rx.len);
			}
		}
		(void)l2tp_handle_timeout(ctx, now_ns());
	}
	{
		/* What `show l2tp` would print. */
		struct l2tp_tunnel_info ti;
		struct l2tp_session_info si;
		size_t cur = 0;

		while (l2tp_tunnel_next(ctx, now_ns(), &cur, &ti))
			printf("show tunnel %u peer-tunnel %u host \"%s\" state %s sessions %u "
			    "ctl rx %llu tx %llu\n", ti.tunnel_id, ti.peer_tunnel_id, ti.peer_host,
			    l2tp_tunnel_state_name(ti.state), ti.n_sessions,
			    (unsigned long long)ti.control_rx, (unsigned long long)ti.control_tx);
		cur = 0;
		while (l2tp_session_next(ctx, now_ns(), &cur, &si))
			printf("show session %u/%u state %s\n", si.tunnel_id, si.session_id,
			    l2tp_session_state_name(si.state));
	}
	l2tp_get_stats(ctx, &st);
	printf("result tunnel_up=%d session_up=%d session_down=%d tunnel_down=%d "
	    "rx_control=%llu rx_bad=%llu\n", tunnel_up, session_up, session_down, tunnel_down,
	    (unsigned long long)st.rx_control,
	    (unsigned long long)(st.rx_truncated + st.rx_bad_length + st.rx_bad_version +
	    st.rx_bad_header + st.rx_avp_length + st.rx_hidden_bad + st.rx_bad_avp));
	l2tp_ctx_free(ctx);
	close(fd);
	return tunnel_up > 0 && session_up > 0 ? 0 : 1;
}
