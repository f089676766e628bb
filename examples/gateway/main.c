/*
 * main.c - vpn-gateway: the office gateway of the seed's scenario as a
 * Linux daemon.  It reads the router's configuration script, opens UDP
 * 500/4500 (IKE, ESP in UDP), a raw socket for plain ESP, UDP 1701 (to
 * count and refuse L2TP that did not come through IPsec) and a TUN device,
 * and runs the core (gw.h) in one epoll loop, in batches.
 *
 * The host side, and what is applied without being asked:
 *  - the TUN device (default rg0), up, with routes for the PPP address
 *    pools and the users' static addresses, and the sysctls it needs
 *    (forwarding, accept_local, rp_filter off) on that device only;
 *  - VPN users reach the internet through libfw's enhanced NAT to the
 *    public address, on a reserved port range (default 61000-64999, above
 *    Linux's ephemeral ports): one netdev table steers the replies to
 *    that range from the public interface to the TUN device; it is
 *    removed on exit (--no-steer leaves it out).
 * Only on request: --apply-ip adds missing "add ip int=" addresses and
 * "add ip route=" routes; --print-nft prints (and --apply-nft loads) the
 * nftables ruleset for the LAN's own firewall and enhanced NAT, which the
 * kernel carries on a Linux host.
 *
 * One file (about 960 lines): everything of the daemon that touches the
 * operating system (sockets, TUN, sysctls, signals, the epoll loop, reload,
 * the control socket's wiring); the core it drives (gw_*.c) has none of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "gw.h"
#include "gw_aaa.h"
#include "gw_ctl.h"
#include "keylog.h"
#include "netio.h"
#include "nft.h"
#include "pkt.h"
#include "radius.h"

#define BATCH 64

struct daemon {
	struct gwconf *conf;
	struct gwconf_ifmap ifmap;
	struct gw_options opt;
	struct gw *gw;
	const char *conf_path, *key_path, *run_user;
	uid_t run_uid;			/* run_user's uid, (uid_t)-1 = none */
	char tun[IFNAMSIZ];
	char pub_if[IFNAMSIZ];
	int fd500, fd4500, fd1701, fdesp, fdtun, fdsig, ep;
	bool steer, steer_on, apply_ip, journal;
	int min_level;
	uint64_t send_failed;
	uint8_t *bufs;
	struct rad *rad;		/* RADIUS client, NULL = no "add radius" */
	int rad_fd[8];
	size_t n_rad_fd;
	uint16_t dae_port;
	struct rg_pkt pkts[BATCH];
	struct rg_pkt out;
	/* Operator interface: control socket (--ctl) and key log (--keylog). */
	const char *ctl_path, *ctl_group, *keylog_dir;
	bool no_ctl;
	struct ctl_srv *ctl;
	struct keylog *keylog;
};

static struct daemon D;

static const char *const cat_name[GW_LOG_NCAT] = {
	"gateway", "isakmp", "ipsec", "l2tp", "ppp", "fire"
};
static const char *const lvl_name[8] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"
};

static void
logline(void *user, enum gw_log_cat cat, int level, const char *msg)
{
	(void)user;
	/* The debug switches live in the core ("enable isakmp debug"). */
	if (level > D.min_level && !(level == 7 && (D.gw != NULL ?
	    gw_debug_get(D.gw, cat) : D.opt.debug[cat])))
		return;
	if (level < 0 || level > 7)
		level = 7;
	if (D.journal) {
		fprintf(stderr, "<%d>%s: %s\n", level, cat_name[cat], msg);
	} else {
		struct timespec ts;
		struct tm tm;
		char t[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(t, sizeof(t), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %-7s %-6s %s\n", t, ts.tv_nsec / 1000000,
		    cat_name[cat], lvl_name[level], msg);
	}
}

static void say(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	logline(NULL, GW_LOG_GW, level, line);
}

static void
rad_logline(int level, const char *msg)
{
	logline(NULL, GW_LOG_GW, level, msg);
}

static bool
is_rad_fd(int fd)
{
	size_t i;

	for (i = 0; i < D.n_rad_fd; i++)
		if (D.rad_fd[i] == fd)
			return true;
	return false;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: vpn-gateway -c FILE [options]\n"
"       vpn-gateway --check FILE [--keyfile F]\n"
"\n"
"  -c, --config FILE      the router's configuration script (e.g. seed.cfg)\n"
"      --check FILE       validate FILE, print the effective configuration, exit\n"
"  -k, --keyfile FILE     root-only file of \"key=N value=...\" pre-shared keys\n"
"  -m, --map SCRIPT=HOST  map a script interface to a host one (eth0=ens3); repeatable\n"
"      --map-file FILE    file of SCRIPT=HOST lines\n"
"      --tun NAME         TUN device (default rg0)\n"
"      --public-ip A      the internet address (default: from the script)\n"
"      --nat-ports LO-HI  VPN users' enhanced NAT port range (default 61000-64999)\n"
"      --no-steer         do not install the steering table for that range\n"
"      --apply-ip         add the script's missing addresses and routes to the host\n"
"      --print-nft        print the nftables ruleset for the LAN's firewall and NAT\n"
"      --apply-nft        load that ruleset\n"
"  -u, --user NAME        drop root to NAME after opening sockets and the TUN\n"
"      --max-clients N    at most N clients (default 16384)\n"
"      --dae-port N       RADIUS Disconnect/CoA port (default 3799, 0 = off)\n"
"  -d, --debug CAT        isakmp|ipsec|l2tp|ppp|fire|gateway|all debug lines\n"
"      --ctl PATH         control socket for vpn-ctl (default " CTL_DEFAULT_PATH ",\n"
"                         mode 0660, directory 0750)\n"
"      --ctl-group GROUP  group that may use the control socket (default root's)\n"
"      --no-ctl           no control socket\n"
"      --keylog DIR       DEBUGGING ONLY: write every IKE and ESP key as Wireshark\n"
"                         key tables to DIR/wireshark/ (0600; XDG_CONFIG_HOME=DIR\n"
"                         tshark -r capture.pcap decrypts); off by default\n"
"  -q, --quiet            warnings and errors only\n"
"  -h, --help\n");
}

/* ---- configuration ---------------------------------------------------- */

static struct gwconf *
load_conf(const char *path, const char *keyfile, bool print_diag)
{
	struct gwconf_diag diag;
	struct gwconf *c = NULL;
	int rc;

	gwconf_diag_init(&diag);
	rc = gwconf_parse_file(path, &c, &diag);
	if (rc == GWCONF_OK && keyfile != NULL)
		rc = gwconf_merge_keyfile_owner(c, keyfile, D.run_uid, &diag);
	if (rc == GWCONF_OK)
		rc = gwconf_check(c, &diag);
	if (print_diag || rc != GWCONF_OK)
		gwconf_diag_print(&diag, stderr);
	if (rc != GWCONF_OK) {
		fprintf(stderr, "vpn-gateway: %s: configuration refused (%zu error%s)\n",
		    path, diag.errors, diag.errors == 1 ? "" : "s");
		gwconf_free(c);
		c = NULL;
	}
	gwconf_diag_free(&diag);
	return c;
}

static const char *
host_if(const char *script_if)
{
	return gwconf_ifmap_lookup(&D.ifmap, script_if);
}

/* The script interface of the default route, else the public fw one. */
static const char *
public_script_if(const struct gwconf *c)
{
	uint32_t i;

	for (i = 0; i < c->n_fw_ifs; i++)
		if (c->fw_ifs[i].type == GWCONF_FW_PUBLIC)
			return c->fw_ifs[i].name;
	for (i = 0; i < c->n_routes; i++)
		if (c->routes[i].dest == 0 && c->routes[i].mask == 0)
			return c->routes[i].ifname;
	return NULL;
}

static int
prefix_len(uint32_t mask)
{
	int n = 0;

	while (mask & 0x80000000u) {
		n++;
		mask <<= 1;
	}
	return n;
}

/*
 * Checks the script's addresses and routes against the host; with
 * --apply-ip adds what is missing.  Returns the number still missing.
 */
static int
check_host(const struct gwconf *c)
{
	uint32_t i;
	int missing = 0;

	for (i = 0; i < c->n_ip_ifs; i++) {
		const char *h = host_if(c->ip_ifs[i].name);
		char a[16], cidr[32];

		if (!nio_if_info(h, NULL, NULL)) {
			say(3, "interface %s (script %s) does not exist on this host; map it "
			    "with --map %s=HOSTIF", h, c->ip_ifs[i].name, c->ip_ifs[i].name);
			missing++;
			continue;
		}
		if (nio_if_has_addr(h, c->ip_ifs[i].addr))
			continue;
		snprintf(cidr, sizeof(cidr), "%s/%d", pkt_ntoa(c->ip_ifs[i].addr, a),
		    prefix_len(c->ip_ifs[i].mask));
		if (D.apply_ip) {
			char *argv[] = { "ip", "-4", "addr", "add", cidr, "dev", (char *)h, NULL };

			if (nio_run(argv, NULL) == 0) {
				say(6, "added %s to %s (--apply-ip)", cidr, h);
				continue;
			}
		}
		say(4, "%s has no address %s (\"add ip int=%s\"); --apply-ip adds it", h,
		    cidr, c->ip_ifs[i].name);
		missing++;
	}
	for (i = 0; i < c->n_routes; i++) {
		const struct gwconf_route *r = &c->routes[i];
		char a[16], n[16], dst[32], out[256];
		char *show[] = { "ip", "-4", "-o", "route", "show", "exact", dst, NULL };
		char *add[] = { "ip", "-4", "route", "replace", dst, "via", n, "dev",
		    (char *)host_if(r->ifname), NULL };

		snprintf(dst, sizeof(dst), "%s/%d", pkt_ntoa(r->dest, a), prefix_len(r->mask));
		if (r->dest == 0 && r->mask == 0)
			snprintf(dst, sizeof(dst), "default");
		pkt_ntoa(r->nexthop, n);
		if (r->nexthop == 0) {		/* directly on the interface */
			add[5] = "dev";
			add[6] = (char *)host_if(r->ifname);
			add[7] = NULL;
		}
		/* "ip route show exact" prints the route, or nothing when absent;
		 * the script's next hop must be the one in use. */
		if (nio_run_output(show, out, sizeof(out)) == 0 && out[0] != '\0') {
			char via[24];

			snprintf(via, sizeof(via), "via %s ", n);
			if (r->nexthop == 0 || strstr(out, via) != NULL)
				continue;
		}
		if (D.apply_ip && nio_run(add, NULL) == 0) {
			say(6, "route %s via %s dev %s added (--apply-ip)", dst, n,
			    host_if(r->ifname));
			continue;
		}
		say(4, "the host has no route %s via %s dev %s (\"add ip route=\"); "
		    "--apply-ip adds it", dst, n, host_if(r->ifname));
		missing++;
	}
	return missing;
}

/* Routes for the pools and static users through the TUN device. */
static int
tun_routes(const struct gwconf *c)
{
	uint32_t i, j;
	int bad = 0;

	for (i = 0; i < c->n_pools; i++)
		for (j = 0; j < c->pools[i].n_ranges; j++) {
			uint64_t a = c->pools[i].ranges[j].first, last = c->pools[i].ranges[j].last;

			/* Cover [a, last] with the fewest CIDR blocks. */
			while (a <= last) {
				int len = 32;
				char s[16], dst[32];

				while (len > 0) {
					uint64_t size = 1ull << (33 - len);

					if ((a & (size - 1)) != 0 || a + size - 1 > last)
						break;
					len--;
				}
				snprintf(dst, sizeof(dst), "%s/%d", pkt_ntoa((uint32_t)a, s), len);
				{
					char *argv[] = { "ip", "-4", "route", "replace", dst, "dev",
					    D.tun, NULL };

					if (nio_run(argv, NULL) != 0)
						bad++;
				}
				a += 1ull << (32 - len);
			}
		}
	for (i = 0; i < c->n_users; i++) {
		char s[16], dst[32];

		if (!c->users[i].has_ip)
			continue;
		snprintf(dst, sizeof(dst), "%s/32", pkt_ntoa(c->users[i].ip, s));
		{
			char *argv[] = { "ip", "-4", "route", "replace", dst, "dev", D.tun, NULL };

			if (nio_run(argv, NULL) != 0)
				bad++;
		}
	}
	return bad;
}

static void
tun_sysctls(void)
{
	char p[128];
	const char *keys[] = { "forwarding", "accept_local", "rp_filter" };
	const char *vals[] = { "1", "1", "0" };
	char v[16];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "net/ipv4/conf/%s/%s", D.tun, keys[i]);
		if (nio_sysctl(p, vals[i]) != 0)
			say(4, "could not set %s=%s", p, vals[i]);
	}
	/* rp_filter takes the maximum of "all" and the device: strict
	 * filtering on "all" would drop the NAT replies we inject. */
	if (nio_sysctl_get("net/ipv4/conf/all/rp_filter", v, sizeof(v)) == 0 &&
	    strcmp(v, "1") == 0)
		say(4, "net.ipv4.conf.all.rp_filter=1 (strict) drops VPN users' "
		    "internet replies; set it to 0 or 2");
	if (nio_sysctl_get("net/ipv4/ip_forward", v, sizeof(v)) == 0 && strcmp(v, "1") != 0)
		say(4, "net.ipv4.ip_forward=0: the office LAN cannot reach VPN users "
		    "(set it to 1)");
	if (nio_sysctl_get("net/ipv4/ip_local_port_range", v, sizeof(v)) == 0) {
		unsigned lo, hi;

		if (sscanf(v, "%u %u", &lo, &hi) == 2 && hi >= D.opt.nat_port_min &&
		    lo <= D.opt.nat_port_max)
			say(4, "the kernel's ephemeral ports %u-%u overlap the VPN users' NAT "
			    "range %u-%u: local connections may lose replies", lo, hi,
			    D.opt.nat_port_min, D.opt.nat_port_max);
	}
}

/* ---- privileges ------------------------------------------------------- */

static int
drop_root(const char *name)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct passwd *pw = getpwnam(name);

	if (pw == NULL) {
		say(3, "no user %s", name);
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setgroups(0, NULL) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		say(3, "dropping root to %s: %s", name, strerror(errno));
		return -1;
	}
	/* Keep CAP_NET_ADMIN only: removing the steering table at exit. */
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = d[0].inheritable = 1u << CAP_NET_ADMIN;
	if (syscall(SYS_capset, &h, d) != 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) != 0)
		say(4, "keeping CAP_NET_ADMIN: %s (the steering table will stay at exit)",
		    strerror(errno));
	say(6, "running as %s (uid %u) with CAP_NET_ADMIN", name, (unsigned)pw->pw_uid);
	return 0;
}

/* ---- I/O -------------------------------------------------------------- */

static void
send_results(struct rg_pkt *p, size_t n)
{
	struct nio_dgram u500[BATCH], u4500[BATCH], esp[BATCH], tun[BATCH];
	size_t n500 = 0, n4500 = 0, nesp = 0, ntun = 0, i;

	for (i = 0; i < n; i++) {
		struct nio_dgram *d;

		switch (p[i].path) {
		case RG_PATH_UDP:
			d = p[i].local.port == 500 ? &u500[n500++] : &u4500[n4500++];
			break;
		case RG_PATH_ESP:
			d = &esp[nesp++];
			break;
		case RG_PATH_TUN:
			d = &tun[ntun++];
			break;
		default:
			continue;
		}
		d->data = p[i].buf + p[i].off;
		d->len = p[i].len;
		d->local_ip = p[i].local.ip;
		d->local_port = p[i].local.port;
		d->remote_ip = p[i].remote.ip;
		d->remote_port = p[i].remote.port;
	}
	if (n500)
		(void)nio_udp_send(D.fd500, u500, n500, &D.send_failed);
	if (n4500)
		(void)nio_udp_send(D.fd4500, u4500, n4500, &D.send_failed);
	if (nesp)
		(void)nio_raw_send(D.fdesp, esp, nesp, &D.send_failed);
	if (ntun)
		(void)nio_tun_send(D.fdtun, tun, ntun, &D.send_failed);
}

static void
drain_output(uint64_t now)
{
	size_t n = 0;

	for (;;) {
		struct rg_pkt *p = &D.pkts[n];

		p->buf = D.bufs + n * RG_BUF_SIZE;
		p->cap = RG_BUF_SIZE;
		if (!gw_next_output(D.gw, now, p))
			break;
		if (++n == BATCH) {
			send_results(D.pkts, n);
			n = 0;
		}
	}
	if (n)
		send_results(D.pkts, n);
}

static void
read_fd(int fd, enum rg_path path, uint16_t port, uint64_t now)
{
	int round;

	/* A few batches per wakeup, then let the other sources in. */
	for (round = 0; round < 8; round++) {
		int r = nio_recv_pkts(fd, path, port, D.bufs, D.pkts, BATCH);

		if (r <= 0)
			return;
		gw_input(D.gw, now, D.pkts, (size_t)r);
		send_results(D.pkts, (size_t)r);
		drain_output(now);
		if (r < BATCH)
			return;
	}
}

static int
add_fd(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(D.ep, EPOLL_CTL_ADD, fd, &ev);
}

static int
reload(uint64_t now)
{
	struct gwconf *c = load_conf(D.conf_path, D.key_path, false);
	int problems;

	if (c == NULL) {
		say(3, "reload: %s refused, keeping the running configuration", D.conf_path);
		if (D.run_user != NULL && getuid() != 0)
			say(4, "reload: running as %s, which must be able to read the script "
			    "and the key file (own them, mode 0600)", D.run_user);
		return -1;
	}
	problems = gw_reload(D.gw, now, c);
	/* New pools and static addresses need their routes through the TUN
	 * device (kept CAP_NET_ADMIN lets `ip route` do it after --user). */
	if (tun_routes(c) != 0) {
		say(4, "reload: some routes through %s could not be added", D.tun);
		problems++;
	}
	if (D.rad != NULL)
		rad_reload(D.rad, c);
	say(6, "reload: %s applied%s", D.conf_path, problems ? " in part (see above)" : "");
	gwconf_free(D.conf);
	D.conf = c;
	return 0;
}

/* ---- operator interface ------------------------------------------------ */

static int
ctl_exec(void *user, const char *line, size_t len, struct gw_ctl_out *out,
    const struct ctl_peer *who)
{
	(void)user;
	(void)who;
	return gw_ctl_exec(D.gw, nio_now(), line, len, out);
}

static void
ctl_log(void *user, int level, const char *msg)
{
	(void)user;
	logline(NULL, GW_LOG_GW, level, msg);
}

static int
run(void)
{
	struct epoll_event evs[16];
	uint64_t stop_by = 0;
	bool stopping = false;

	for (;;) {
		uint64_t now = nio_now(), t = gw_next_timeout(D.gw);
		int timeout, n, i;

		if (D.rad != NULL)
			rad_pump(D.rad, D.gw, now);
		if (D.rad != NULL && rad_next_timeout(D.rad) < t)
			t = rad_next_timeout(D.rad);
		/* Stop records are delivered before the gateway leaves. */
		if (stopping && ((gw_shutdown_done(D.gw) && (D.rad == NULL ||
		    rad_acct_backlog(D.rad) == 0)) || now >= stop_by))
			break;
		if (t <= now)
			timeout = 0;
		else if (t - now > 60000000000ull)
			timeout = 60000;
		else
			timeout = (int)((t - now + 999999) / 1000000);
		if (stopping && timeout > 100)
			timeout = 100;
		if (D.ctl != NULL && ctl_next_timeout(D.ctl) != UINT64_MAX) {
			uint64_t ct = ctl_next_timeout(D.ctl);
			int cms = ct <= now ? 0 : ct - now > 60000000000ull ? 60000 :
			    (int)((ct - now + 999999) / 1000000);

			if (cms < timeout)
				timeout = cms;
		}
		n = epoll_wait(D.ep, evs, 16, timeout);
		if (n < 0 && errno != EINTR)
			return -1;
		now = nio_now();
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == D.fdsig) {
				struct signalfd_siginfo si;

				while (read(D.fdsig, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						(void)reload(now);
					} else if (!stopping) {
						say(6, "signal %u: orderly shutdown", si.ssi_signo);
						stopping = true;
						stop_by = now + 10000000000ull;
						gw_shutdown(D.gw, now);
					} else {
						say(4, "second signal: exit now");
						return 0;
					}
				}
			} else if (fd == D.fd500) {
				read_fd(fd, RG_PATH_UDP, 500, now);
			} else if (fd == D.fd4500) {
				read_fd(fd, RG_PATH_UDP, 4500, now);
			} else if (fd == D.fd1701) {
				read_fd(fd, RG_PATH_UDP, 1701, now);
			} else if (fd == D.fdesp) {
				read_fd(fd, RG_PATH_ESP, 0, now);
			} else if (fd == D.fdtun) {
				read_fd(fd, RG_PATH_TUN, 0, now);
			} else if (is_rad_fd(fd)) {
				rad_input(D.rad, D.gw, now, fd);
			} else if (ctl_owns(D.ctl, fd)) {
				ctl_event(D.ctl, fd, evs[i].events, now);
			}
		}
		if (D.ctl != NULL)
			ctl_handle_timeout(D.ctl, nio_now());
		now = nio_now();
		if (gw_next_timeout(D.gw) <= now)
			gw_handle_timeout(D.gw, now);
		if (D.rad != NULL) {
			if (rad_next_timeout(D.rad) <= now)
				rad_handle_timeout(D.rad, D.gw, now);
			rad_pump(D.rad, D.gw, now);
		}
		drain_output(now);
	}
	drain_output(nio_now());
	return 0;
}

/* ---- main ------------------------------------------------------------- */

enum {
	O_CHECK = 256, O_MAPFILE, O_TUN, O_PUBIP, O_NATPORTS, O_NOSTEER, O_APPLYIP,
	O_PRINTNFT, O_APPLYNFT, O_MAXCL, O_DAEPORT, O_CTL, O_CTLGROUP, O_NOCTL, O_KEYLOG
};

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", required_argument, NULL, O_CHECK },
		{ "keyfile", required_argument, NULL, 'k' },
		{ "map", required_argument, NULL, 'm' },
		{ "map-file", required_argument, NULL, O_MAPFILE },
		{ "tun", required_argument, NULL, O_TUN },
		{ "public-ip", required_argument, NULL, O_PUBIP },
		{ "nat-ports", required_argument, NULL, O_NATPORTS },
		{ "no-steer", no_argument, NULL, O_NOSTEER },
		{ "apply-ip", no_argument, NULL, O_APPLYIP },
		{ "print-nft", no_argument, NULL, O_PRINTNFT },
		{ "apply-nft", no_argument, NULL, O_APPLYNFT },
		{ "user", required_argument, NULL, 'u' },
		{ "max-clients", required_argument, NULL, O_MAXCL },
		{ "dae-port", required_argument, NULL, O_DAEPORT },
		{ "debug", required_argument, NULL, 'd' },
		{ "ctl", required_argument, NULL, O_CTL },
		{ "ctl-group", required_argument, NULL, O_CTLGROUP },
		{ "no-ctl", no_argument, NULL, O_NOCTL },
		{ "keylog", required_argument, NULL, O_KEYLOG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct gwconf_diag diag;
	const char *check_path = NULL;
	bool print_nft = false, apply_nft = false;
	struct gw_hooks hooks;
	char err[512], nftbuf[16384];
	sigset_t ss;
	int c, rc = 1;

	memset(&D, 0, sizeof(D));
	D.fd500 = D.fd4500 = D.fd1701 = D.fdesp = D.fdtun = D.fdsig = D.ep = -1;
	D.steer = true;
	D.dae_port = 3799;
	D.min_level = 6;
	D.journal = getenv("JOURNAL_STREAM") != NULL;
	snprintf(D.tun, sizeof(D.tun), "rg0");
	gwconf_ifmap_init(&D.ifmap);
	gwconf_diag_init(&diag);
	while ((c = getopt_long(argc, argv, "c:k:m:u:d:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'c': D.conf_path = optarg; break;
		case O_CHECK: check_path = optarg; break;
		case 'k': D.key_path = optarg; break;
		case 'm':
			if (gwconf_ifmap_add(&D.ifmap, optarg) != GWCONF_OK) {
				fprintf(stderr, "vpn-gateway: bad --map %s (SCRIPT=HOST)\n", optarg);
				return 2;
			}
			break;
		case O_MAPFILE:
			if (gwconf_ifmap_load_file(&D.ifmap, optarg, &diag) != GWCONF_OK) {
				gwconf_diag_print(&diag, stderr);
				return 2;
			}
			break;
		case O_TUN: snprintf(D.tun, sizeof(D.tun), "%s", optarg); break;
		case O_PUBIP:
			if (pkt_aton(optarg, &D.opt.public_ip) != 0) {
				fprintf(stderr, "vpn-gateway: bad --public-ip %s\n", optarg);
				return 2;
			}
			break;
		case O_NATPORTS: {
			unsigned a, b;

			if (sscanf(optarg, "%u-%u", &a, &b) != 2 || a < 1024 || b > 65535 || a > b) {
				fprintf(stderr, "vpn-gateway: bad --nat-ports %s\n", optarg);
				return 2;
			}
			D.opt.nat_port_min = (uint16_t)a;
			D.opt.nat_port_max = (uint16_t)b;
			break;
		}
		case O_NOSTEER: D.steer = false; break;
		case O_APPLYIP: D.apply_ip = true; break;
		case O_PRINTNFT: print_nft = true; break;
		case O_APPLYNFT: apply_nft = true; break;
		case 'u': D.run_user = optarg; break;
		case O_MAXCL: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n < 1 || n > GW_MAX_CLIENTS) {
				fprintf(stderr, "vpn-gateway: --max-clients takes 1 to %u\n",
				    GW_MAX_CLIENTS);
				return 2;
			}
			D.opt.max_peers = D.opt.max_sessions = (uint32_t)n;
			break;
		}
		case O_DAEPORT: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n > 65535) {
				fprintf(stderr, "vpn-gateway: --dae-port takes 0 (off) to 65535\n");
				return 2;
			}
			D.dae_port = (uint16_t)n;
			break;
		}
		case 'd': {
			static const char *const names[] = { "gateway", "isakmp", "ipsec", "l2tp",
			    "ppp", "fire" };
			int k, hit = 0;

			for (k = 0; k < GW_LOG_NCAT; k++)
				if (strcasecmp(optarg, names[k]) == 0 ||
				    strcasecmp(optarg, "all") == 0) {
					D.opt.debug[k] = true;
					hit = 1;
				}
			if (!hit) {
				fprintf(stderr, "vpn-gateway: unknown debug category %s\n", optarg);
				return 2;
			}
			break;
		}
		case 'q': D.min_level = 4; break;
		case O_CTL: D.ctl_path = optarg; break;
		case O_CTLGROUP: D.ctl_group = optarg; break;
		case O_NOCTL: D.no_ctl = true; break;
		case O_KEYLOG: D.keylog_dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	/* A key file may belong to the --user the daemon becomes, so that a
	 * reload (SIGHUP, after root is dropped) can read it again. */
	D.run_uid = (uid_t)-1;
	if (D.run_user != NULL) {
		struct passwd *pw = getpwnam(D.run_user);

		if (pw == NULL) {
			fprintf(stderr, "vpn-gateway: --user %s: no such user\n", D.run_user);
			return 2;
		}
		D.run_uid = pw->pw_uid;
	}
	if (check_path != NULL) {
		struct gwconf *cc = load_conf(check_path, D.key_path, true);

		if (cc == NULL)
			return 1;
		gwconf_print(cc, stdout);
		gwconf_free(cc);
		return 0;
	}
	if (D.conf_path == NULL) {
		usage(stderr);
		return 2;
	}
	if ((D.conf = load_conf(D.conf_path, D.key_path, false)) == NULL)
		return 1;
	if (D.opt.nat_port_min == 0) {
		D.opt.nat_port_min = 61000;
		D.opt.nat_port_max = 64999;
	}
	{
		const char *ps = public_script_if(D.conf);

		snprintf(D.pub_if, sizeof(D.pub_if), "%s", ps != NULL ? host_if(ps) : "");
	}
	if (print_nft || apply_nft) {
		if (nft_lan_ruleset(D.conf, &D.ifmap, nftbuf, sizeof(nftbuf)) != 0) {
			fprintf(stderr, "vpn-gateway: the LAN ruleset does not fit\n");
			return 1;
		}
		if (print_nft)
			fputs(nftbuf, stdout);
		if (apply_nft) {
			char *nargv[] = { "nft", "-f", "-", NULL };

			if (nio_run(nargv, nftbuf) != 0) {
				fprintf(stderr, "vpn-gateway: nft refused the LAN ruleset\n");
				return 1;
			}
			say(6, "LAN nftables ruleset loaded (--apply-nft)");
		}
		if (!apply_nft)
			return 0;
	}
	for (c = 0; c < GW_LOG_NCAT; c++)
		if (D.opt.debug[c])
			D.min_level = 7;

	/* Host, sockets and device, as root. */
	if (check_host(D.conf) > 0)
		say(4, "the host lacks some of the script's addresses or routes (above); "
		    "serving anyway");
	if ((D.fd500 = nio_udp_open(0, 500)) < 0 || (D.fd4500 = nio_udp_open(0, 4500)) < 0) {
		say(3, "UDP 500/4500: %s", strerror(errno));
		goto out;
	}
	if ((D.fd1701 = nio_udp_open(0, 1701)) < 0)
		say(4, "UDP 1701: %s (clear L2TP will not be counted)", strerror(errno));
	if ((D.fdesp = nio_raw_open(50)) < 0)
		say(4, "raw ESP socket: %s (clients without NAT cannot connect)", strerror(errno));
	if ((D.fdtun = nio_tun_open(D.tun)) < 0 || nio_tun_up(D.tun, 1500, 0) != 0) {
		say(3, "TUN %s: %s", D.tun, strerror(errno));
		goto out;
	}
	tun_sysctls();
	if (tun_routes(D.conf) != 0)
		say(4, "some routes through %s could not be added", D.tun);

	memset(&hooks, 0, sizeof(hooks));
	hooks.rng = nio_rng;
	hooks.log = logline;
	if (D.keylog_dir != NULL) {
		if (keylog_open(&D.keylog, D.keylog_dir, err, sizeof(err)) != 0) {
			say(3, "--keylog: %s", err);
			goto out;
		}
		hooks.user = D.keylog;
		hooks.keylog = keylog_write;
		say(4, "WARNING: --keylog %s: every IKE and ESP key is written to "
		    "%s/wireshark/; anyone who reads it decrypts all VPN traffic of this "
		    "gateway; for debugging only", D.keylog_dir, D.keylog_dir);
	}
	if (gw_new(&D.gw, D.conf, &D.opt, &hooks, err, sizeof(err)) != 0) {
		say(3, "%s", err);
		goto out;
	}
	if (D.conf->n_radius > 0) {
		struct gw_aaa_options ao;
		uint16_t rnd = 0;

		/* Acct-Session-Ids unique across restarts: the start time and
		 * 16 random bits. */
		memset(&ao, 0, sizeof(ao));
		(void)nio_rng(NULL, &rnd, sizeof(rnd));
		ao.session_id_base = ((uint64_t)time(NULL) << 16 | rnd) & 0xffffffffffffull;
		if (gw_aaa_setup(D.gw, &ao) != 0 || rad_new(&D.rad, D.conf, gw_public_ip(D.gw),
		    D.conf->system_name, D.dae_port, rad_logline, err, sizeof(err)) != 0) {
			say(3, "%s", err);
			goto out;
		}
		D.n_rad_fd = rad_fds(D.rad, D.rad_fd, 8);
	}
	if (D.steer && D.pub_if[0] && nft_has_vpn_nat(D.conf)) {
		if (nft_steer_install(D.pub_if, D.tun, gw_public_ip(D.gw), D.opt.nat_port_min,
		    D.opt.nat_port_max) == 0) {
			D.steer_on = true;
			say(6, "VPN users' internet NAT: %s ports %u-%u, replies steered from %s "
			    "to %s", pkt_ntoa(gw_public_ip(D.gw), err), D.opt.nat_port_min,
			    D.opt.nat_port_max, D.pub_if, D.tun);
		} else {
			say(4, "could not install the steering table: VPN users will not get "
			    "replies from the internet");
		}
	}
	if (!D.no_ctl) {
		struct ctl_conf cc;

		memset(&cc, 0, sizeof(cc));
		cc.path = D.ctl_path;
		cc.group = D.ctl_group;
		if (D.ep < 0)
			D.ep = epoll_create1(EPOLL_CLOEXEC);
		if (D.ep < 0 || ctl_open(&D.ctl, &cc, D.ep, ctl_exec, ctl_log, NULL, err,
		    sizeof(err)) != 0) {
			/* Asked for by --ctl: a must; the default: serve anyway. */
			say(D.ctl_path != NULL ? 3 : 4, "control socket: %s%s", D.ep < 0 ?
			    strerror(errno) : err, D.ctl_path != NULL ? "" :
			    "; serving without one (vpn-ctl will not reach this gateway)");
			if (D.ctl_path != NULL || D.ep < 0)
				goto out;
		} else {
			say(6, "control socket %s (vpn-ctl --socket %s)", D.ctl_path != NULL ?
			    D.ctl_path : CTL_DEFAULT_PATH, D.ctl_path != NULL ? D.ctl_path :
			    CTL_DEFAULT_PATH);
		}
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	D.fdsig = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	if (D.ep < 0)
		D.ep = epoll_create1(EPOLL_CLOEXEC);
	if (D.fdsig < 0 || D.ep < 0 || add_fd(D.fdsig) || add_fd(D.fd500) ||
	    add_fd(D.fd4500) || (D.fd1701 >= 0 && add_fd(D.fd1701)) ||
	    (D.fdesp >= 0 && add_fd(D.fdesp)) || add_fd(D.fdtun)) {
		say(3, "epoll: %s", strerror(errno));
		goto out;
	}
	for (c = 0; c < (int)D.n_rad_fd; c++)
		if (add_fd(D.rad_fd[c]) != 0) {
			say(3, "epoll: %s", strerror(errno));
			goto out;
		}
	if ((D.bufs = calloc(BATCH, RG_BUF_SIZE)) == NULL)
		goto out;
	if (D.run_user != NULL && drop_root(D.run_user) != 0)
		goto out;
	say(6, "vpn-gateway serving on UDP 500/4500%s, TUN %s", D.fdesp >= 0 ?
	    " and ESP" : "", D.tun);
	rc = run() == 0 ? 0 : 1;
out:
	ctl_close(D.ctl);
	if (D.keylog != NULL && keylog_errors(D.keylog) > 0)
		say(4, "--keylog: %zu rows could not be written", keylog_errors(D.keylog));
	keylog_close(D.keylog);
	if (D.steer_on && nft_steer_remove(D.tun) != 0)
		say(4, "could not remove the steering table");
	if (D.rad != NULL) {
		struct rad_stats rs;

		rad_get_stats(D.rad, &rs);
		say(6, "RADIUS: %llu authentications sent (%llu accepted, %llu rejected, %llu "
		    "unanswered, %llu failovers), accounting %llu sent, %llu acknowledged, %zu "
		    "left, %llu Stop lost; replies dropped: %llu malformed, %llu unknown source, "
		    "%llu unknown id, %llu bad authenticator, %llu bad/missing "
		    "Message-Authenticator; Disconnect/CoA %llu (%llu ACK, %llu NAK, %llu from "
		    "unknown clients, %llu bad authenticator, %llu rate-limited)",
		    (unsigned long long)rs.auth_sent, (unsigned long long)rs.auth_accept,
		    (unsigned long long)rs.auth_reject, (unsigned long long)rs.auth_no_answer,
		    (unsigned long long)rs.failover, (unsigned long long)rs.acct_sent,
		    (unsigned long long)rs.acct_acked, rad_acct_backlog(D.rad),
		    (unsigned long long)rs.acct_lost_stop, (unsigned long long)rs.rx_malformed,
		    (unsigned long long)rs.rx_unknown_source, (unsigned long long)rs.rx_unknown_id,
		    (unsigned long long)rs.rx_bad_auth,
		    (unsigned long long)(rs.rx_bad_msg_auth + rs.rx_no_msg_auth),
		    (unsigned long long)rs.dae_rx, (unsigned long long)rs.dae_ack,
		    (unsigned long long)rs.dae_nak, (unsigned long long)rs.dae_unknown_client,
		    (unsigned long long)rs.dae_bad_auth, (unsigned long long)rs.dae_rate_limited);
		rad_free(D.rad);
	}
	gw_free(D.gw);
	gwconf_free(D.conf);
	free(D.bufs);
	if (D.fdtun >= 0)
		close(D.fdtun);
	gwconf_diag_free(&diag);
	say(6, "vpn-gateway stopped");
	return rc;
}
