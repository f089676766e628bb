/*
 * vpn_ctl.c - vpn-ctl, the operator's command line for vpn-gateway: sends
 * one command (its arguments) or one per line of standard input to the
 * daemon's control socket and prints the answers (examples/gateway/
 * CONTROL.md).  Exit status: 0 every command answered OK, 1 one was
 * refused, 2 usage, connection or protocol trouble.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

#define MAX_ANSWER (256u << 20)	/* a sanity bound on the header's length */

static const char usage_text[] =
"usage: vpn-ctl [-s PATH] [--json | -f openmetrics] [-t SECONDS] COMMAND...\n"
"       vpn-ctl [-s PATH] [--json | -f openmetrics] [-t SECONDS] < commands\n"
"\n"
"  -s, --socket PATH   the gateway's control socket\n"
"                      (default " CTL_DEFAULT_PATH ")\n"
"  -j, --json          answer as one JSON document per command (schema\n"
"                      roadgate-ctl/1, see CONTROL.md); also accepted anywhere\n"
"  -f, --format FMT    with show counters: openmetrics, the OpenMetrics /\n"
"                      Prometheus text exposition (clients, setups and\n"
"                      failures by reason, bytes, drops by reason)\n"
"  -t, --timeout SEC   give up after SEC seconds without progress (default 10)\n"
"  -h, --help\n"
"\n"
"Commands (words may be abbreviated as on the router: sh isa, dis isa deb):\n"
"  show isakmp sa      IKE SAs: peer (outer address after NAT), remote ID, state,\n"
"                      suite, which side is behind NAT, age, lifetime left, DPD\n"
"  show ipsec sa       IPsec SA pairs: SPIs, suite, mode and encapsulation,\n"
"                      selectors, packets/bytes in and out, replay/ICV/other\n"
"                      drops, rekey due\n"
"  show l2tp [tunnel|session]\n"
"                      L2TP tunnels and sessions: IDs, peer, state, counters\n"
"  show ppp            PPP sessions: user, address, authentication, uptime,\n"
"                      bytes, LCP echo state\n"
"  show fire session   firewall connections (conntrack)\n"
"  show fire nat       enhanced NAT bindings\n"
"  show fire           firewall summary and rule hits\n"
"  show counters [format=openmetrics]\n"
"                      every counter of every library and of the gateway,\n"
"                      nonzero first, drop reasons marked, failures by reason\n"
"  show config         the effective configuration (secrets as <hidden>)\n"
"  show user=NAME      one client's whole chain: PPP, L2TP, IKE and IPsec SAs,\n"
"                      address, firewall connections, recent failures\n"
"  show failures       recent failures (phase 1, authentication, pool)\n"
"  show debug          the debug switches\n"
"  disconnect user=NAME         orderly teardown of that user's client only\n"
"  disconnect peer=IP[:PORT]    the same for the client(s) at that address\n"
"  enable|disable isakmp|ipsec|l2tp|ppp|fire|gateway|all debug\n"
"                      debug log lines at run time (the router's ed/dd aliases\n"
"                      of the configuration work too)\n"
"  help                these commands, from the gateway\n"
"\n"
"List filters and pages (show isakmp/ipsec/l2tp/ppp/fire ...):\n"
"  user=NAME  peer=IP[:PORT]  limit=N (default 1000, at most 10000)  start=N\n"
"  show fire session|nat also: ip=A  proto=tcp|udp|icmp|N  port=N\n"
"  An answer ends with \"more with start=N\" (JSON: \"next\") when there is more.\n";

struct opts {
	const char *path;
	bool json;
	int timeout_ms;
	const char *format;		/* NULL: the gateway's default (table) */
};

static int
dial(const struct opts *o)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(o->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vpn-ctl: socket path too long\n");
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		fprintf(stderr, "vpn-ctl: socket: %s\n", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", o->path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "vpn-ctl: %s: %s%s\n", o->path, strerror(errno),
		    errno == EACCES ? " (root or the socket's group only)" :
		    errno == ENOENT || errno == ECONNREFUSED ? " (is vpn-gateway running? "
		    "--socket PATH)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

/* Waits until fd is ready for events; false on timeout or error. */
static bool
wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do {
		r = poll(&p, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	return r > 0;
}

static int
send_all(int fd, const char *b, size_t n, int timeout_ms)
{
	while (n > 0) {
		ssize_t w;

		if (!wait_fd(fd, POLLOUT, timeout_ms))
			return -1;
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t
recv_some(int fd, char *b, size_t n, int timeout_ms)
{
	ssize_t r;

	if (!wait_fd(fd, POLLIN, timeout_ms)) {
		errno = ETIMEDOUT;
		return -1;
	}
	do {
		r = recv(fd, b, n, 0);
	} while (r < 0 && errno == EINTR);
	return r;
}

/*
 * Sends one command and prints its answer.  Returns 0 (OK), 1 (ERR) or 2
 * (transport trouble).  The answer streams to stdout (an error answer in
 * human form to stderr).
 */
static int
one(int fd, const struct opts *o, const char *cmd)
{
	char line[GW_CTL_MAX_LINE + 16], hdr[40], buf[65536];
	size_t hl = 0, left;
	unsigned long long n;
	bool ok;
	char *end;
	FILE *to;
	int m;

	m = snprintf(line, sizeof(line), "%s%s%s%s\n", o->json ? "--json " : "", cmd,
	    o->format != NULL ? " format=" : "", o->format != NULL ? o->format : "");
	if (m < 0 || (size_t)m >= sizeof(line)) {
		fprintf(stderr, "vpn-ctl: command longer than %d bytes\n", GW_CTL_MAX_LINE);
		return 2;
	}
	if (send_all(fd, line, (size_t)m, o->timeout_ms) != 0) {
		fprintf(stderr, "vpn-ctl: sending: %s\n", strerror(errno));
		return 2;
	}
	/* "OK <n>\n" or "ERR <n>\n", read a byte at a time (it is short). */
	for (;;) {
		ssize_t r;

		if (hl + 1 >= sizeof(hdr)) {
			fprintf(stderr, "vpn-ctl: bad answer header\n");
			return 2;
		}
		r = recv_some(fd, hdr + hl, 1, o->timeout_ms);
		if (r <= 0) {
			fprintf(stderr, "vpn-ctl: %s\n", r == 0 ? "the gateway closed the "
			    "connection" : strerror(errno));
			return 2;
		}
		if (hdr[hl++] == '\n')
			break;
	}
	hdr[hl - 1] = '\0';
	if (strncmp(hdr, "OK ", 3) == 0)
		ok = true;
	else if (strncmp(hdr, "ERR ", 4) == 0)
		ok = false;
	else {
		fprintf(stderr, "vpn-ctl: bad answer header \"%s\"\n", hdr);
		return 2;
	}
	errno = 0;
	n = strtoull(hdr + (ok ? 3 : 4), &end, 10);
	if (*end != '\0' || errno != 0 || n > MAX_ANSWER) {
		fprintf(stderr, "vpn-ctl: bad answer length \"%s\"\n", hdr);
		return 2;
	}
	to = ok || o->json ? stdout : stderr;
	for (left = (size_t)n; left > 0;) {
		ssize_t r = recv_some(fd, buf, left < sizeof(buf) ? left : sizeof(buf),
		    o->timeout_ms);

		if (r <= 0) {
			fprintf(stderr, "vpn-ctl: answer cut short: %s\n", r == 0 ?
			    "connection closed" : strerror(errno));
			return 2;
		}
		if (fwrite(buf, 1, (size_t)r, to) != (size_t)r)
			return 2;
		left -= (size_t)r;
	}
	fflush(to);
	return ok ? 0 : 1;
}

/* The words of argv as one command line: a word with blanks is quoted
 * (the gateway takes quotes anywhere in a word). */
static int
join(char *out, size_t cap, char **words, int n)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		bool q = strpbrk(words[i], " \t") != NULL;
		int m;

		if (strchr(words[i], '"') != NULL || strchr(words[i], '\n') != NULL) {
			fprintf(stderr, "vpn-ctl: a word cannot hold a double quote or a "
			    "newline\n");
			return -1;
		}
		m = snprintf(out + o, cap - o, "%s%s%s%s", i ? " " : "", q ? "\"" : "",
		    words[i], q ? "\"" : "");
		if (m < 0 || (size_t)m >= cap - o) {
			fprintf(stderr, "vpn-ctl: command longer than %d bytes\n",
			    GW_CTL_MAX_LINE);
			return -1;
		}
		o += (size_t)m;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { CTL_DEFAULT_PATH, false, 10000, NULL };
	char *words[64];
	int nw = 0, i, fd, rc = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(a, "-j") == 0 || strcmp(a, "--json") == 0) {
			o.json = true;
		} else if ((strcmp(a, "-s") == 0 || strcmp(a, "--socket") == 0) && i + 1 < argc) {
			o.path = argv[++i];
		} else if (strncmp(a, "--socket=", 9) == 0) {
			o.path = a + 9;
		} else if ((strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0) && i + 1 < argc) {
			o.format = argv[++i];
		} else if (strncmp(a, "--format=", 9) == 0) {
			o.format = a + 9;
		} else if (((strcmp(a, "-t") == 0 || strcmp(a, "--timeout") == 0) && i + 1 < argc) ||
		    strncmp(a, "--timeout=", 10) == 0) {
			char *end;
			long s = strtol(a[2] == 't' && a[9] == '=' ? a + 10 : argv[++i], &end, 10);

			if (*end != '\0' || s < 1 || s > 3600) {
				fprintf(stderr, "vpn-ctl: --timeout takes 1 to 3600 seconds\n");
				return 2;
			}
			o.timeout_ms = (int)s * 1000;
		} else if (a[0] == '-' && a[1] != '\0' && nw == 0) {
			fprintf(stderr, "vpn-ctl: unknown option %s (try --help)\n", a);
			return 2;
		} else if (nw < (int)(sizeof(words) / sizeof(words[0]))) {
			words[nw++] = argv[i];
		} else {
			fprintf(stderr, "vpn-ctl: too many words\n");
			return 2;
		}
	}
	if ((fd = dial(&o)) < 0)
		return 2;
	if (nw > 0) {
		char cmd[GW_CTL_MAX_LINE + 1];

		rc = join(cmd, sizeof(cmd), words, nw) != 0 ? 2 : one(fd, &o, cmd);
	} else {
		char line[GW_CTL_MAX_LINE + 2];

		while (fgets(line, sizeof(line), stdin) != NULL) {
			size_t l = strcspn(line, "\r\n");
			int r;

			if (l == strlen(line) && !feof(stdin)) {
				fprintf(stderr, "vpn-ctl: input line longer than %d bytes\n",
				    GW_CTL_MAX_LINE);
				rc = 2;
				break;
			}
			line[l] = '\0';
			if (strspn(line, " \t") == l || line[strspn(line, " \t")] == '#')
				continue;
			r = one(fd, &o, line);
			if (r > rc)
				rc = r;
			if (r == 2)
				break;
		}
	}
	close(fd);
	return rc;
}
