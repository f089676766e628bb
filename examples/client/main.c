/*
 * main.c - vpn-client: the seed's road warrior (the Windows L2TP/IPsec
 * client) over plain sockets and a TUN device, and with --load N a load
 * generator of N simulated clients (load.c).
 *
 * Interactive use:
 *   VPN_PSK=labsecret VPN_PASSWORD=friend1 vpn-client --gw 203.0.113.1 \
 *       --user dialin1 [--split 192.168.10.0/24] [--persist]
 * It dials (IKE Main Mode + Quick Mode with NAT-T, L2TP, PPP), configures
 * the TUN device with the address IPCP gave, routes all traffic through
 * it (with a host route keeping the gateway outside), or only the --split
 * networks, prints the DNS servers (or writes them to --dns-file), and
 * shows a status like Windows' Details tab.  SIGINT/SIGTERM disconnect in
 * order (PPP Terminate, CDN, StopCCN, Deletes); SIGUSR1 prints the status.
 * The PSK and password come from files or the environment, never only from
 * the command line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "load.h"
#include "netio.h"
#include "pkt.h"
#include "vc.h"
#include "vcopt.h"

#define BATCH 64

static struct {
	struct vc_opts o;
	struct vc *vc;
	int fd500, fd4500, fdesp, fdtun, fdsig, ep;
	char tun[IFNAMSIZ];
	uint32_t local_ip;
	bool tun_configured;
	bool verbose;
	uint8_t *bufs;
	struct rg_pkt pkts[BATCH];
	uint64_t send_failed;
	char default_via[64];
} C;

static void
logline(void *user, uint32_t idx, int level, const char *msg)
{
	struct timespec ts;
	struct tm tm;
	char t[32];

	(void)user;
	(void)idx;
	if (level > 6 && !C.verbose)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s\n", t, ts.tv_nsec / 1000000, msg);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	logline(NULL, 0, 5, line);
}

/* "via A dev D" of the route to the gateway, for the host route. */
static void
route_to_gw(uint32_t gw, char *buf, size_t cap)
{
	char cmd[128], a[16];
	FILE *f;

	buf[0] = '\0';
	snprintf(cmd, sizeof(cmd), "ip -4 route get %s", pkt_ntoa(gw, a));
	if ((f = popen(cmd, "r")) == NULL)
		return;
	if (fgets(cmd, sizeof(cmd), f) != NULL) {
		char *via = strstr(cmd, " via "), *dev = strstr(cmd, " dev ");
		char v[20] = "", d[IFNAMSIZ] = "";

		if (via != NULL)
			sscanf(via, " via %19s", v);
		if (dev != NULL)
			sscanf(dev, " dev %15s", d);
		if (d[0] != '\0') {
			if (v[0] != '\0')
				snprintf(buf, cap, "via %s dev %s", v, d);
			else
				snprintf(buf, cap, "dev %s", d);
		}
	}
	pclose(f);
}

static int ipcmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
ipcmd(const char *fmt, ...)
{
	char line[256], *argv[24], *p, *save = NULL;
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (p = strtok_r(line, " ", &save); p != NULL && n < 23; p = strtok_r(NULL, " ", &save))
		argv[n++] = p;
	argv[n] = NULL;
	return nio_run(argv, NULL);
}

static void
tun_configure(const struct vc_info *in)
{
	char a[16], b[16], g[16];
	size_t i;

	if (nio_tun_up(C.tun, in->mtu, 0) != 0) {
		say("TUN %s: %s", C.tun, strerror(errno));
		return;
	}
	(void)ipcmd("ip -4 addr replace %s/32 peer %s dev %s", pkt_ntoa(in->addr, a),
	    pkt_ntoa(in->peer_addr, b), C.tun);
	if (C.o.n_split == 0) {
		/* All traffic into the tunnel, as Windows does by default; the
		 * gateway itself stays reachable outside it. */
		if (C.default_via[0] != '\0')
			(void)ipcmd("ip -4 route replace %s/32 %s", pkt_ntoa(C.o.p.gw_ip, g),
			    C.default_via);
		(void)ipcmd("ip -4 route replace 0.0.0.0/1 dev %s", C.tun);
		(void)ipcmd("ip -4 route replace 128.0.0.0/1 dev %s", C.tun);
	}
	for (i = 0; i < C.o.n_split; i++)
		(void)ipcmd("ip -4 route replace %s/%u dev %s", pkt_ntoa(C.o.split[i].net, a),
		    C.o.split[i].len, C.tun);
	C.tun_configured = true;
	say("interface %s up: %s peer %s, MTU %u, %s", C.tun, pkt_ntoa(in->addr, a),
	    pkt_ntoa(in->peer_addr, b), in->mtu, C.o.n_split ? "split routes" :
	    "all traffic through the tunnel");
	if (in->dns[0] != 0) {
		if (C.o.dns_file != NULL) {
			FILE *f = fopen(C.o.dns_file, "w");

			if (f != NULL) {
				fprintf(f, "nameserver %s\n", pkt_ntoa(in->dns[0], a));
				if (in->dns[1])
					fprintf(f, "nameserver %s\n", pkt_ntoa(in->dns[1], a));
				fclose(f);
			}
		}
	}
}

static void
tun_unconfigure(void)
{
	char g[16];

	if (!C.tun_configured)
		return;
	C.tun_configured = false;
	if (C.o.n_split == 0 && C.default_via[0] != '\0')
		(void)ipcmd("ip -4 route del %s/32 %s", pkt_ntoa(C.o.p.gw_ip, g), C.default_via);
	(void)ipcmd("ip -4 addr flush dev %s", C.tun);
}

static void
status(FILE *f)
{
	struct vc_info in;
	char a[16], b[16], d1[16], d2[16], d3[16];
	uint64_t now = nio_now();

	if (!vc_get_info(C.vc, 0, &in))
		return;
	fprintf(f, "vpn-client status (as Windows' Details tab)\n"
	    "  state             %s\n"
	    "  server address    %s\n"
	    "  client address    %s\n"
	    "  server PPP addr   %s\n"
	    "  DNS               %s %s\n"
	    "  authentication    %s\n"
	    "  encryption        IPsec ESP %s (IKE %s)%s\n"
	    "  compression       none\n"
	    "  MTU               %u\n"
	    "  duration          %llus\n"
	    "  bytes in / out    %llu / %llu (packets %llu / %llu)\n",
	    vc_state_name(in.state), pkt_ntoa(C.o.p.gw_ip, a),
	    in.addr ? pkt_ntoa(in.addr, b) : "-", in.peer_addr ? pkt_ntoa(in.peer_addr, d1) :
	    "-", in.dns[0] ? pkt_ntoa(in.dns[0], d2) : "-", in.dns[1] ? pkt_ntoa(in.dns[1], d3) : "",
	    in.auth == PPP_AUTH_MSCHAPV2 ? "MS-CHAP v2" : in.auth == PPP_AUTH_CHAP_MD5 ?
	    "CHAP (MD5)" : in.auth == PPP_AUTH_PAP ? "PAP" : "-",
	    in.suite[0] ? in.suite : "-", in.ike_suite[0] ? in.ike_suite : "-",
	    in.nat ? ", NAT-T (ESP in UDP 4500)" : "", in.mtu,
	    (unsigned long long)(in.up_ns ? (now - in.up_ns) / 1000000000ull : 0),
	    (unsigned long long)in.bytes_in, (unsigned long long)in.bytes_out,
	    (unsigned long long)in.pkts_in, (unsigned long long)in.pkts_out);
	if (in.why[0])
		fprintf(f, "  last reason       %s\n", in.why);
	fflush(f);
}

static void
send_all(struct rg_pkt *p, size_t n)
{
	struct nio_dgram u500[BATCH], u4500[BATCH], esp[BATCH], tun[BATCH];
	size_t a = 0, b = 0, e = 0, t = 0, i;

	for (i = 0; i < n; i++) {
		struct nio_dgram *d;

		if (p[i].path == RG_PATH_UDP)
			d = p[i].local.port == ISAKMP_PORT ? &u500[a++] : &u4500[b++];
		else if (p[i].path == RG_PATH_ESP)
			d = &esp[e++];
		else if (p[i].path == RG_PATH_TUN)
			d = &tun[t++];
		else
			continue;
		d->data = p[i].buf + p[i].off;
		d->len = p[i].len;
		d->local_ip = 0;
		d->remote_ip = p[i].remote.ip;
		d->remote_port = p[i].remote.port;
	}
	if (a)
		(void)nio_udp_send(C.fd500, u500, a, &C.send_failed);
	if (b)
		(void)nio_udp_send(C.fd4500, u4500, b, &C.send_failed);
	if (e && C.fdesp >= 0)
		(void)nio_raw_send(C.fdesp, esp, e, &C.send_failed);
	if (t && C.fdtun >= 0)
		(void)nio_tun_send(C.fdtun, tun, t, &C.send_failed);
}

static void
drain(uint64_t now)
{
	size_t n = 0;

	for (;;) {
		C.pkts[n].buf = C.bufs + n * RG_BUF_SIZE;
		C.pkts[n].cap = RG_BUF_SIZE;
		if (!vc_next_output(C.vc, now, &C.pkts[n]))
			break;
		if (++n == BATCH) {
			send_all(C.pkts, n);
			n = 0;
		}
	}
	if (n)
		send_all(C.pkts, n);
}

static void
read_fd(int fd, enum rg_path path, uint16_t port, uint64_t now)
{
	size_t i;
	int r = nio_recv_pkts(fd, path, port, C.bufs, C.pkts, BATCH);

	if (r <= 0)
		return;
	for (i = 0; i < (size_t)r; i++) {
		struct rg_pkt *p = &C.pkts[i];

		/* The libraries know us by the address towards the gateway. */
		p->local.ip = C.local_ip;
		p->local.port = port;
		if (path == RG_PATH_TUN)
			p->ctx = vc_client_ptr(C.vc, 0);
	}
	vc_input(C.vc, now, C.pkts, (size_t)r);
	send_all(C.pkts, (size_t)r);
	drain(now);
}

static int
add_fd(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 ? 0 : epoll_ctl(C.ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Runs until the connection ends and (with --persist) forever. */
static int
run_single(void)
{
	struct epoll_event evs[8];
	uint64_t retry_at = 0, backoff = 2000000000ull, stop_by = 0;
	bool stopping = false, ever_up = false;
	int rc = 1;

	if (vc_connect(C.vc, nio_now(), 0) != 0)
		return 1;
	drain(nio_now());
	for (;;) {
		struct vc_event ev;
		struct vc_info in;
		uint64_t now = nio_now(), t = vc_next_timeout(C.vc);
		int timeout, n, i;

		if (retry_at && retry_at < t)
			t = retry_at;
		timeout = t <= now ? 0 : t - now > 1000000000ull ? 1000 :
		    (int)((t - now + 999999) / 1000000);
		n = epoll_wait(C.ep, evs, 8, timeout);
		now = nio_now();
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == C.fdsig) {
				struct signalfd_siginfo si;

				while (read(C.fdsig, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGUSR1) {
						status(stdout);
					} else if (stopping) {
						return rc;
					} else {
						say("disconnecting (signal %u)", si.ssi_signo);
						stopping = true;
						stop_by = now + 6000000000ull;
						retry_at = 0;
						(void)vc_disconnect(C.vc, now, 0);
					}
				}
			} else if (fd == C.fd500) {
				read_fd(fd, RG_PATH_UDP, ISAKMP_PORT, now);
			} else if (fd == C.fd4500) {
				read_fd(fd, RG_PATH_UDP, ISAKMP_NATT_PORT, now);
			} else if (fd == C.fdesp) {
				read_fd(fd, RG_PATH_ESP, 0, now);
			} else if (fd == C.fdtun) {
				read_fd(fd, RG_PATH_TUN, 0, now);
			}
		}
		now = nio_now();
		if (vc_next_timeout(C.vc) <= now)
			vc_handle_timeout(C.vc, now);
		if (retry_at && now >= retry_at) {
			retry_at = 0;
			say("reconnecting (--persist)");
			(void)vc_connect(C.vc, now, 0);
		}
		drain(now);
		while (vc_next_event(C.vc, &ev)) {
			(void)vc_get_info(C.vc, 0, &in);
			if (ev.type == VC_EV_UP) {
				ever_up = true;
				backoff = 2000000000ull;
				tun_configure(&in);
				status(stdout);
				rc = 0;
				if (C.o.up_script != NULL) {
					char *argv[] = { (char *)C.o.up_script, C.tun, NULL };

					(void)nio_run(argv, NULL);
				}
				continue;
			}
			tun_unconfigure();
			say("%s: %s", ev.type == VC_EV_FAILED ? "connection failed" :
			    "connection ended", in.why);
			if (ev.type == VC_EV_FAILED && !ever_up)
				rc = in.auth_error == 691 ? 3 : 2;
			if (stopping || !C.o.persist)
				return stopping ? 0 : rc;
			retry_at = now + backoff;
			if (backoff < 30000000000ull)
				backoff *= 2;
		}
		if (stopping && now >= stop_by)
			return 0;
	}
}

int
main(int argc, char **argv)
{
	struct vc_hooks h;
	char err[256];
	sigset_t ss;
	int rc;

	memset(&C, 0, sizeof(C));
	C.fd500 = C.fd4500 = C.fdesp = C.fdtun = C.fdsig = C.ep = -1;
	if (sodium_init() < 0)
		return 1;
	rc = vc_opts_parse(&C.o, argc, argv, err, sizeof(err));
	if (rc != 0) {
		if (rc > 0) {
			vc_opts_usage(stdout);
			return 0;
		}
		fprintf(stderr, "vpn-client: %s\n", err);
		return 2;
	}
	C.verbose = C.o.verbose;
	if (C.o.load > 0)
		return load_run(&C.o);
	snprintf(C.tun, sizeof(C.tun), "%s", C.o.tun[0] ? C.o.tun : "vc0");
	C.local_ip = C.o.local_ip ? C.o.local_ip : nio_route_source(C.o.p.gw_ip);
	if (C.local_ip == 0) {
		fprintf(stderr, "vpn-client: no route to %s\n", "the gateway");
		return 2;
	}
	route_to_gw(C.o.p.gw_ip, C.default_via, sizeof(C.default_via));
	memset(&h, 0, sizeof(h));
	h.rng = nio_rng;
	h.log = logline;
	C.o.p.max_clients = 1;
	if (vc_new(&C.vc, &C.o.p, &h, err, sizeof(err)) != 0 || vc_add(C.vc, C.local_ip) != 0) {
		fprintf(stderr, "vpn-client: %s\n", err);
		return 1;
	}
	if ((C.fd500 = nio_udp_open(C.local_ip, ISAKMP_PORT)) < 0 ||
	    (C.fd4500 = nio_udp_open(C.local_ip, ISAKMP_NATT_PORT)) < 0) {
		fprintf(stderr, "vpn-client: UDP 500/4500: %s\n", strerror(errno));
		return 1;
	}
	C.fdesp = nio_raw_open(50);
	if ((C.fdtun = nio_tun_open(C.tun)) < 0) {
		fprintf(stderr, "vpn-client: TUN %s: %s\n", C.tun, strerror(errno));
		return 1;
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	C.fdsig = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	C.ep = epoll_create1(EPOLL_CLOEXEC);
	C.bufs = calloc(BATCH, RG_BUF_SIZE);
	if (C.fdsig < 0 || C.ep < 0 || C.bufs == NULL || add_fd(C.fdsig) || add_fd(C.fd500) ||
	    add_fd(C.fd4500) || add_fd(C.fdesp) || add_fd(C.fdtun)) {
		fprintf(stderr, "vpn-client: %s\n", strerror(errno));
		return 1;
	}
	rc = run_single();
	tun_unconfigure();
	drain(nio_now());
	vc_free(C.vc);
	free(C.bufs);
	vc_opts_wipe(&C.o);
	return rc;
}
