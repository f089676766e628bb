/*
 * test_ctl.c - the control socket (examples/gateway/ctl.c) over a real Unix
 * socket, served by an epoll loop in this thread, with the real command
 * interpreter of a gateway core behind it; and the key log writer's
 * permission rules (keylog.c).
 *
 * With "--serve PATH" it is instead a server for the vpn-ctl script test
 * (ctl_cli.sh): it answers until it receives SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "ctl.h"
#include "gw_ctl.h"
#include "gw_fmt.h"
#include "jsonchk.h"
#include "keylog.h"
#include "testsupport.h"

#define SEED_CFG GWCONF_EXAMPLES_DIR "/seed.cfg"

static struct gw *gw;
static struct gwconf *conf;
static struct ts_rng rng;
static int ep = -1;
static struct ctl_srv *srv;
static char dir[32], path[64];
static bool serving;		/* --serve: no CUnit */

static uint64_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
rng_cb(void *user, void *buf, size_t len)
{
	ts_rng_fill(user, buf, len);
	return 0;
}

/* "big N" answers N bytes; everything else goes to the interpreter. */
static int
exec_cb(void *user, const char *line, size_t len, struct gw_ctl_out *out,
    const struct ctl_peer *who)
{
	(void)user;
	if (!serving) {
		/* SO_PEERCRED names the client: this process. */
		CU_ASSERT_EQUAL(who->uid, getuid());
		CU_ASSERT_EQUAL(who->pid, getpid());
	}
	if (len > 4 && len < 20 && memcmp(line, "big ", 4) == 0) {
		size_t n = (size_t)strtoul(line + 4, NULL, 10), i;
		char chunk[1024];

		memset(chunk, 'x', sizeof(chunk));
		for (i = 0; i < n; i += sizeof(chunk))
			ob_putn(out, chunk, n - i < sizeof(chunk) ? n - i : sizeof(chunk));
		return GW_CTL_OK;
	}
	return gw_ctl_exec(gw, mono(), line, len, out);
}

static int
gw_up(void)
{
	struct gwconf_diag d;
	struct gw_options o;
	struct gw_hooks h;
	char err[256];

	gwconf_diag_init(&d);
	if (gwconf_parse_file(SEED_CFG, &conf, &d) != GWCONF_OK || gwconf_check(conf, &d) != 0) {
		gwconf_diag_print(&d, stderr);
		gwconf_diag_free(&d);
		return -1;
	}
	gwconf_diag_free(&d);
	memset(&o, 0, sizeof(o));
	o.max_peers = o.max_sessions = 16;
	o.max_flows = 1024;
	memset(&h, 0, sizeof(h));
	ts_rng_init(&rng, 3);
	h.user = &rng;
	h.rng = rng_cb;
	return gw_new(&gw, conf, &o, &h, err, sizeof(err));
}

static void
gw_down(void)
{
	gw_free(gw);
	gwconf_free(conf);
	gw = NULL;
	conf = NULL;
}

/* Serves events for ms milliseconds. */
static void
pump(int ms)
{
	uint64_t end = mono() + (uint64_t)ms * 1000000ull;

	do {
		struct epoll_event evs[16];
		int n, i;

		n = epoll_wait(ep, evs, 16, 5);
		for (i = 0; i < n; i++)
			ctl_event(srv, evs[i].data.fd, evs[i].events, mono());
		ctl_handle_timeout(srv, mono());
	} while (mono() < end);
}

static int
srv_up(unsigned max_conns, uint64_t idle_ns)
{
	struct ctl_conf cc;
	char err[256];

	snprintf(dir, sizeof(dir), "/tmp/rgctl.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/run/ctl.sock", dir);
	memset(&cc, 0, sizeof(cc));
	cc.path = path;
	cc.max_conns = max_conns;
	cc.idle_ns = idle_ns;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || ctl_open(&srv, &cc, ep, exec_cb, NULL, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "ctl_open: %s\n", err);
		return -1;
	}
	return 0;
}

static void
srv_down(void)
{
	char sub[64];

	ctl_close(srv);
	srv = NULL;
	close(ep);
	ep = -1;
	snprintf(sub, sizeof(sub), "%s/run", dir);
	rmdir(sub);
	rmdir(dir);
}

static int
client(void)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void
send_str(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EAGAIN) {
			pump(1);
			continue;
		}
		CU_ASSERT_FATAL(w > 0);
		s += w;
		n -= (size_t)w;
	}
}

/* Reads what is there while pumping, up to cap bytes or ms; *eof set when
 * the server closed the connection. */
static size_t
recv_all(int fd, char *b, size_t cap, int ms, bool *eof)
{
	uint64_t end = mono() + (uint64_t)ms * 1000000ull;
	size_t got = 0;

	*eof = false;
	while (got < cap && mono() < end) {
		ssize_t r;

		pump(1);
		r = recv(fd, b + got, cap - got, 0);
		if (r > 0)
			got += (size_t)r;
		else if (r == 0) {
			*eof = true;
			break;
		}
	}
	if (got < cap)
		b[got] = '\0';
	return got;
}

/* One answer "OK n\n<n bytes>" at b: its body and the bytes it took. */
static const char *
answer(const char *b, size_t len, bool *ok, size_t *body_len, size_t *total)
{
	const char *nl = memchr(b, '\n', len);
	unsigned long n;

	if (nl == NULL)
		return NULL;
	*ok = strncmp(b, "OK ", 3) == 0;
	n = strtoul(b + (*ok ? 3 : 4), NULL, 10);
	*body_len = n;
	*total = (size_t)(nl - b) + 1 + n;
	return *total <= len ? nl + 1 : NULL;
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_socket_file(void)
{
	struct stat st;
	char sub[64], err[256];
	struct ctl_srv *second = NULL;
	struct ctl_conf cc;

	CU_ASSERT_EQUAL_FATAL(srv_up(4, 0), 0);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);
	snprintf(sub, sizeof(sub), "%s/run", dir);
	CU_ASSERT_EQUAL(stat(sub, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
	/* A live socket is not taken over. */
	memset(&cc, 0, sizeof(cc));
	cc.path = path;
	CU_ASSERT_EQUAL(ctl_open(&second, &cc, ep, exec_cb, NULL, NULL, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "another vpn-gateway"));
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	/* Closing removes it. */
	ctl_close(srv);
	srv = NULL;
	CU_ASSERT_NOT_EQUAL(lstat(path, &st), 0);
	/* A stale socket (nobody listening) is replaced. */
	{
		struct sockaddr_un sa;
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
	}
	CU_ASSERT_EQUAL(ctl_open(&srv, &cc, ep, exec_cb, NULL, NULL, err, sizeof(err)), 0);
	ctl_close(srv);
	srv = NULL;
	/* Anything else at the path is left alone. */
	{
		int fd = open(path, O_CREAT | O_WRONLY, 0600);

		CU_ASSERT_TRUE(fd >= 0);
		close(fd);
	}
	CU_ASSERT_EQUAL(ctl_open(&srv, &cc, ep, exec_cb, NULL, NULL, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a socket"));
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	unlink(path);
	/* --ctl-group: the directory the gateway makes and the socket belong to
	 * that group, so its members can pass and connect. */
	if (geteuid() == 0 && getgrnam("nogroup") != NULL) {
		gid_t g = getgrnam("nogroup")->gr_gid;

		CU_ASSERT_EQUAL(rmdir(sub), 0);
		cc.group = "nogroup";
		CU_ASSERT_EQUAL_FATAL(ctl_open(&srv, &cc, ep, exec_cb, NULL, NULL, err,
		    sizeof(err)), 0);
		CU_ASSERT_EQUAL(stat(sub, &st), 0);
		CU_ASSERT_EQUAL(st.st_gid, g);
		CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
		CU_ASSERT_EQUAL(lstat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_gid, g);
		ctl_close(srv);
		srv = NULL;
		cc.group = NULL;
	}
	/* A path too long for a Unix socket. */
	{
		char lp[200];

		memset(lp, 'a', sizeof(lp));
		lp[0] = '/';
		lp[sizeof(lp) - 1] = '\0';
		cc.path = lp;
		CU_ASSERT_EQUAL(ctl_open(&srv, &cc, ep, exec_cb, NULL, NULL, err, sizeof(err)),
		    -1);
	}
	srv_down();
}

static void
test_commands(void)
{
	char b[8192];
	bool eof, ok;
	size_t n, bl, tot, off;
	const char *body;
	int fd;

	CU_ASSERT_EQUAL_FATAL(srv_up(4, 0), 0);
	fd = client();
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	/* Three lines in one write: three answers in order. */
	send_str(fd, "show debug\r\nshow bogus\n--json show debug\n");
	n = recv_all(fd, b, sizeof(b) - 1, 300, &eof);
	CU_ASSERT_FALSE(eof);
	body = answer(b, n, &ok, &bl, &tot);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "isakmp   debug off"));
	off = tot;
	body = answer(b + off, n - off, &ok, &bl, &tot);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_EQUAL(strncmp(body, "error: unknown object \"bogus\"", 29), 0);
	off += tot;
	body = answer(b + off, n - off, &ok, &bl, &tot);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(off + tot, n);
	{
		char err[100];
		struct jv *v = jv_parse(body, bl, err, sizeof(err));

		CU_ASSERT_PTR_NOT_NULL(v);
		CU_ASSERT_STRING_EQUAL(jv_str(v, "command"), "show debug");
		jv_free(v);
	}
	/* The last line needs no newline: answered, then closed. */
	send_str(fd, "show debug");
	shutdown(fd, SHUT_WR);
	n = recv_all(fd, b, sizeof(b) - 1, 300, &eof);
	CU_ASSERT_TRUE(eof);
	CU_ASSERT_PTR_NOT_NULL(answer(b, n, &ok, &bl, &tot));
	CU_ASSERT_TRUE(ok);
	close(fd);
	/* A line over 1024 bytes: refused and the connection closed. */
	fd = client();
	memset(b, 'a', 2000);
	b[2000] = '\0';
	send_str(fd, b);
	n = recv_all(fd, b, sizeof(b) - 1, 300, &eof);
	CU_ASSERT_TRUE(eof);
	body = answer(b, n, &ok, &bl, &tot);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "longer than 1024 bytes"));
	close(fd);
	{
		struct ctl_stats st;

		ctl_get_stats(srv, &st);
		CU_ASSERT_EQUAL(st.commands, 5);
		CU_ASSERT_EQUAL(st.refused_long, 1);
	}
	pump(20);
	CU_ASSERT_EQUAL(ctl_conn_count(srv), 0);
	srv_down();
}

static void
test_slow_reader(void)
{
	static char big[4200000];
	char b[4096];
	bool eof, ok;
	size_t n, bl, tot;
	int slow, fast;

	CU_ASSERT_EQUAL_FATAL(srv_up(4, 0), 0);
	slow = client();
	send_str(slow, "big 4000000\n");
	pump(50);
	/* The slow client reads nothing: another is served meanwhile. */
	fast = client();
	send_str(fast, "show debug\n");
	n = recv_all(fast, b, sizeof(b) - 1, 300, &eof);
	CU_ASSERT_PTR_NOT_NULL(answer(b, n, &ok, &bl, &tot));
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(n, tot);
	close(fast);
	/* Then it reads it all. */
	n = recv_all(slow, big, sizeof(big), 3000, &eof);
	CU_ASSERT_PTR_NOT_NULL(answer(big, n, &ok, &bl, &tot));
	CU_ASSERT_EQUAL(bl, 4000000);
	CU_ASSERT_EQUAL(n, tot);
	close(slow);
	srv_down();
}

static void
test_limits(void)
{
	char b[256];
	bool eof, ok;
	size_t n, bl, tot;
	int fds[3], extra, i;
	struct ctl_stats st;

	CU_ASSERT_EQUAL_FATAL(srv_up(3, 200000000ull), 0);
	for (i = 0; i < 3; i++)
		fds[i] = client();
	pump(20);
	CU_ASSERT_EQUAL(ctl_conn_count(srv), 3);
	/* A fourth: told why, and closed. */
	extra = client();
	n = recv_all(extra, b, sizeof(b) - 1, 200, &eof);
	CU_ASSERT_TRUE(eof);
	CU_ASSERT_PTR_NOT_NULL(answer(b, n, &ok, &bl, &tot));
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(b, "too many control connections"));
	close(extra);
	/* Idle for 200 ms: closed. */
	pump(400);
	CU_ASSERT_EQUAL(ctl_conn_count(srv), 0);
	for (i = 0; i < 3; i++) {
		n = recv_all(fds[i], b, sizeof(b) - 1, 50, &eof);
		CU_ASSERT_TRUE(eof);
		close(fds[i]);
	}
	ctl_get_stats(srv, &st);
	CU_ASSERT_EQUAL(st.refused_full, 1);
	CU_ASSERT_EQUAL(st.idle_closed, 3);
	srv_down();
}

static void
test_keylog_files(void)
{
	char d[32], p[64], q[128];
	struct keylog *k = NULL;
	struct stat st;
	char err[300], buf[256];
	int fd;
	ssize_t r;

	snprintf(d, sizeof(d), "/tmp/rgkl.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(d));
	snprintf(p, sizeof(p), "%s/keys", d);
	CU_ASSERT_EQUAL_FATAL(keylog_open(&k, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	snprintf(q, sizeof(q), "%s/wireshark/esp_sa", p);
	CU_ASSERT_EQUAL(stat(q, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	keylog_write(k, "esp_sa", "\"IPv4\",\"1.2.3.4\",\"5.6.7.8\",\"0x00000001\",\"NULL\","
	    "\"0x\",\"HMAC-SHA-1-96 [RFC2404]\",\"0x00\"");
	keylog_write(k, "ikev1_decryption_table", "0011223344556677,00");
	keylog_write(k, "bogus", "x");
	CU_ASSERT_EQUAL(keylog_rows(k), 2);
	keylog_close(k);
	fd = open(q, O_RDONLY);
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CU_ASSERT_TRUE(r > 0);
	buf[r > 0 ? r : 0] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"IPv4\",\"1.2.3.4\""));
	CU_ASSERT_EQUAL(buf[strlen(buf) - 1], '\n');
	snprintf(q, sizeof(q), "%s/wireshark/preferences", p);
	CU_ASSERT_EQUAL(stat(q, &st), 0);
	/* Reopened: appended, accepted. */
	CU_ASSERT_EQUAL(keylog_open(&k, p, err, sizeof(err)), 0);
	keylog_close(k);
	/* A file others can read: refused. */
	snprintf(q, sizeof(q), "%s/wireshark/ikev1_decryption_table", p);
	CU_ASSERT_EQUAL(chmod(q, 0644), 0);
	CU_ASSERT_EQUAL(keylog_open(&k, p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no group or other permissions"));
	CU_ASSERT_EQUAL(chmod(q, 0600), 0);
	/* A symbolic link instead of a table: refused. */
	snprintf(q, sizeof(q), "%s/wireshark/esp_sa", p);
	unlink(q);
	CU_ASSERT_EQUAL(symlink("/tmp/elsewhere", q), 0);
	CU_ASSERT_EQUAL(keylog_open(&k, p, err, sizeof(err)), -1);
	unlink(q);
	/* A directory others can enter: refused. */
	CU_ASSERT_EQUAL(chmod(p, 0755), 0);
	CU_ASSERT_EQUAL(keylog_open(&k, p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0755"));
	CU_ASSERT_PTR_NULL(k);
	/* Clean up. */
	snprintf(q, sizeof(q), "%s/wireshark/ikev1_decryption_table", p);
	unlink(q);
	snprintf(q, sizeof(q), "%s/wireshark/preferences", p);
	unlink(q);
	snprintf(q, sizeof(q), "%s/wireshark", p);
	rmdir(q);
	rmdir(p);
	rmdir(d);
}

/* ---- --serve PATH: a server for ctl_cli.sh -------------------------------- */

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int
serve(const char *p)
{
	struct ctl_conf cc;
	char err[256];

	serving = true;
	if (gw_up() != 0)
		return 1;
	memset(&cc, 0, sizeof(cc));
	cc.path = p;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ctl_open(&srv, &cc, ep, exec_cb, NULL, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "ctl_open: %s\n", err);
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop)
		pump(50);
	ctl_close(srv);
	gw_down();
	return 0;
}

static int
suite_init(void)
{
	return gw_up();
}

static int
suite_clean(void)
{
	gw_down();
	return 0;
}

void register_ctl(void);

void
register_ctl(void)
{
	CU_pSuite su = CU_add_suite("ctl", suite_init, suite_clean);

	CU_add_test(su, "socket file: 0660 in a 0750 directory, stale and live sockets",
	    test_socket_file);
	CU_add_test(su, "pipelined commands, a last line without newline, an overlong "
	    "line", test_commands);
	CU_add_test(su, "a slow reader never stalls the loop", test_slow_reader);
	CU_add_test(su, "connection limit and idle timeout", test_limits);
	CU_add_test(su, "key log: 0700/0600, wider permissions and links refused",
	    test_keylog_files);
}

int
main(int argc, char **argv)
{
	static const ts_register_fn fns[] = { register_ctl };

	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "--serve") == 0)
		return serve(argv[2]);
	return ts_cunit_main(argc, argv, fns, 1);
}
