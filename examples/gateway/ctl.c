/*
 * ctl.c - the control socket of vpn-gateway (ctl.h).  Non-blocking
 * throughout: accept, read and write happen only when epoll says so, and
 * nothing a client does (send half a line, never read, open many
 * connections) makes the daemon's loop wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#define DEFAULT_CONNS 8
#define DEFAULT_IDLE_NS (30ull * 1000000000ull)
#define IN_CAP (GW_CTL_MAX_LINE + 2)	/* a line, its newline, one more byte */

struct conn {
	int fd;				/* -1 = free slot */
	char in[IN_CAP];
	size_t in_len;
	bool eof;			/* the client will send no more */
	bool closing;			/* close once the answer is written */
	bool busy;			/* an answer is being written */
	char hdr[32];
	size_t hdr_len, hdr_off;
	struct gw_ctl_out out;
	size_t out_off;
	uint64_t deadline;
	uint32_t events;		/* registered with epoll */
	struct ctl_peer who;
};

struct ctl_srv {
	int lfd, ep;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
	unsigned max_conns;
	uint64_t idle_ns;
	size_t max_out;
	ctl_exec_fn exec;
	ctl_log_fn log;
	void *user;
	struct ctl_stats st;
	uint64_t now;
	struct conn *conns;
};

static void
slog(struct ctl_srv *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
slog(struct ctl_srv *s, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (s->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->log(s->user, level, line);
}

/* ---- the socket file ---------------------------------------------------- */

/* The parent directory of path, created 0750 when it does not exist, in
 * group gid when one is given (the members of --ctl-group must pass it);
 * an existing directory is left as it is. */
static int
make_dir(const char *path, gid_t gid, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s is not a directory", dir);
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT || mkdir(dir, 0750) != 0 ||
	    (gid != (gid_t)-1 && chown(dir, (uid_t)-1, gid) != 0)) {
		snprintf(err, errlen, "directory %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* A socket file at path: removed if nobody listens on it, refused if a
 * live daemon does; anything else there is left alone and refused. */
static int
clear_stale(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket: not touched", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "%s: another vpn-gateway is listening there", path);
		return -1;
	}
	if (unlink(path) != 0) {
		snprintf(err, errlen, "stale socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
ctl_open(struct ctl_srv **out, const struct ctl_conf *cfg, int epfd,
    ctl_exec_fn exec, ctl_log_fn log, void *user, char *err, size_t errlen)
{
	const char *path = cfg != NULL && cfg->path != NULL ? cfg->path : CTL_DEFAULT_PATH;
	struct ctl_srv *s;
	struct sockaddr_un sa;
	struct epoll_event ev;
	struct stat st;
	gid_t gid = (gid_t)-1;
	mode_t um;
	unsigned i;
	int rc;

	*out = NULL;
	if (strlen(path) == 0 || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path must be 1 to %zu bytes",
		    sizeof(sa.sun_path) - 1);
		return -1;
	}
	if (cfg != NULL && cfg->group != NULL) {
		struct group *g = getgrnam(cfg->group);

		if (g == NULL) {
			snprintf(err, errlen, "no group %s", cfg->group);
			return -1;
		}
		gid = g->gr_gid;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->lfd = -1;
	s->ep = epfd;
	s->exec = exec;
	s->log = log;
	s->user = user;
	s->max_conns = cfg != NULL && cfg->max_conns ? cfg->max_conns : DEFAULT_CONNS;
	s->idle_ns = cfg != NULL && cfg->idle_ns ? cfg->idle_ns : DEFAULT_IDLE_NS;
	s->max_out = cfg != NULL && cfg->max_out ? cfg->max_out : GW_CTL_OUT_MAX;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if ((s->conns = calloc(s->max_conns, sizeof(*s->conns))) == NULL) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < s->max_conns; i++) {
		s->conns[i].fd = -1;
		gw_ctl_out_init(&s->conns[i].out, s->max_out);
	}
	if (make_dir(path, gid, err, errlen) != 0 || clear_stale(path, err, errlen) != 0)
		goto fail;
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	/* Never world-accessible, not even between bind and chmod. */
	um = umask(0177);
	rc = bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(um);
	if (rc != 0) {
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	if (stat(path, &st) != 0 || (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0) ||
	    chmod(path, 0660) != 0 || listen(s->lfd, 16) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		goto fail;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = s->lfd;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->lfd, &ev) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		unlink(path);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->lfd >= 0)
		close(s->lfd);
	for (i = 0; i < s->max_conns; i++)
		gw_ctl_out_free(&s->conns[i].out);
	free(s->conns);
	free(s);
	return -1;
}

bool
ctl_owns(const struct ctl_srv *s, int fd)
{
	unsigned i;

	if (s == NULL || fd < 0)
		return false;
	if (fd == s->lfd)
		return true;
	for (i = 0; i < s->max_conns; i++)
		if (s->conns[i].fd == fd)
			return true;
	return false;
}

/* ---- connections ---------------------------------------------------------- */

static void
conn_close(struct ctl_srv *s, struct conn *c)
{
	if (c->fd < 0)
		return;
	(void)epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->in_len = 0;
	c->busy = c->eof = c->closing = false;
	/* Keep the buffer for the next connection, but not its text. */
	if (c->out.buf != NULL)
		memset(c->out.buf, 0, c->out.len);
	gw_ctl_out_reset(&c->out);
}

static void
conn_want(struct ctl_srv *s, struct conn *c, uint32_t events)
{
	struct epoll_event ev;

	if (c->events == events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.fd = c->fd;
	if (epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = events;
}

static void
accept_all(struct ctl_srv *s)
{
	for (;;) {
		struct epoll_event ev;
		struct ucred cr;
		socklen_t crl = sizeof(cr);
		struct conn *c = NULL;
		unsigned i;
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;		/* EAGAIN, or EMFILE: try at the next event */
		}
		for (i = 0; i < s->max_conns && c == NULL; i++)
			if (s->conns[i].fd < 0)
				c = &s->conns[i];
		if (c == NULL) {
			static const char msg[] = "error: too many control connections\n";
			char busy[64];
			int n = snprintf(busy, sizeof(busy), "ERR %zu\n%s", sizeof(msg) - 1, msg);

			s->st.refused_full++;
			(void)send(fd, busy, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			slog(s, 4, "control: connection refused, %u are open", s->max_conns);
			continue;
		}
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->events = EPOLLIN;
		c->in_len = 0;
		c->eof = c->closing = c->busy = false;
		c->deadline = s->now + s->idle_ns;
		memset(&c->who, 0, sizeof(c->who));
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0) {
			c->who.pid = cr.pid;
			c->who.uid = cr.uid;
			c->who.gid = cr.gid;
		}
		s->st.accepted++;
	}
}

static void conn_process(struct ctl_srv *s, struct conn *c);

/* Writes what the socket takes; false when the connection was closed. */
static bool
conn_flush(struct ctl_srv *s, struct conn *c)
{
	while (c->busy) {
		const char *p;
		size_t n;
		ssize_t w;

		if (c->hdr_off < c->hdr_len) {
			p = c->hdr + c->hdr_off;
			n = c->hdr_len - c->hdr_off;
		} else {
			p = c->out.buf + c->out_off;
			n = c->out.len - c->out_off;
		}
		if (n == 0) {
			c->busy = false;
			break;
		}
		w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				conn_want(s, c, EPOLLOUT);
				return true;
			}
			s->st.write_errors++;
			conn_close(s, c);
			return false;
		}
		c->deadline = s->now + s->idle_ns;
		if (c->hdr_off < c->hdr_len)
			c->hdr_off += (size_t)w;
		else
			c->out_off += (size_t)w;
	}
	if (c->closing) {
		conn_close(s, c);
		return false;
	}
	return true;
}

static void
conn_exec(struct ctl_srv *s, struct conn *c, const char *line, size_t len)
{
	int rc;

	gw_ctl_out_reset(&c->out);
	s->st.commands++;
	slog(s, 7, "control: uid %u pid %d: %.*s", (unsigned)c->who.uid, (int)c->who.pid,
	    (int)(len > 200 ? 200 : len), line);
	rc = s->exec(s->user, line, len, &c->out, &c->who);
	if (rc == GW_CTL_E_TOO_LONG) {
		s->st.refused_long++;
		c->closing = true;	/* the rest of that line cannot be resynced */
	}
	c->hdr_len = (size_t)snprintf(c->hdr, sizeof(c->hdr), "%s %zu\n",
	    rc == GW_CTL_OK ? "OK" : "ERR", c->out.len);
	c->hdr_off = 0;
	c->out_off = 0;
	c->busy = true;
}

/* Answers the lines buffered, one at a time, as far as writing allows. */
static void
conn_process(struct ctl_srv *s, struct conn *c)
{
	while (c->fd >= 0 && !c->busy) {
		char *nl = memchr(c->in, '\n', c->in_len);

		if (nl != NULL) {
			size_t len = (size_t)(nl - c->in), rest;

			if (len > 0 && c->in[len - 1] == '\r')
				len--;
			conn_exec(s, c, c->in, len);
			rest = c->in_len - (size_t)(nl - c->in) - 1;
			memmove(c->in, nl + 1, rest);
			c->in_len = rest;
		} else if (c->in_len > GW_CTL_MAX_LINE) {
			conn_exec(s, c, c->in, c->in_len);
			c->in_len = 0;
		} else if (c->eof && c->in_len > 0) {
			/* The last line needs no newline. */
			conn_exec(s, c, c->in, c->in_len);
			c->in_len = 0;
			c->closing = true;
		} else if (c->eof) {
			conn_close(s, c);
			return;
		} else {
			conn_want(s, c, EPOLLIN);
			return;
		}
		if (!conn_flush(s, c))
			return;
	}
}

static void
conn_read(struct ctl_srv *s, struct conn *c)
{
	while (!c->eof && c->in_len < IN_CAP) {
		ssize_t r = read(c->fd, c->in + c->in_len, IN_CAP - c->in_len);

		if (r > 0) {
			c->in_len += (size_t)r;
			c->deadline = s->now + s->idle_ns;
			continue;
		}
		if (r == 0) {
			c->eof = true;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		conn_close(s, c);
		return;
	}
	conn_process(s, c);
}

void
ctl_event(struct ctl_srv *s, int fd, uint32_t events, uint64_t now)
{
	unsigned i;

	s->now = now;
	if (fd == s->lfd) {
		accept_all(s);
		return;
	}
	for (i = 0; i < s->max_conns; i++) {
		struct conn *c = &s->conns[i];

		if (c->fd != fd)
			continue;
		if (c->busy) {
			if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
				if (conn_flush(s, c))
					conn_process(s, c);
			}
		} else if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
			conn_read(s, c);
		}
		return;
	}
}

uint64_t
ctl_next_timeout(const struct ctl_srv *s)
{
	uint64_t t = UINT64_MAX;
	unsigned i;

	if (s == NULL)
		return t;
	for (i = 0; i < s->max_conns; i++)
		if (s->conns[i].fd >= 0 && s->conns[i].deadline < t)
			t = s->conns[i].deadline;
	return t;
}

void
ctl_handle_timeout(struct ctl_srv *s, uint64_t now)
{
	unsigned i;

	if (s == NULL)
		return;
	s->now = now;
	for (i = 0; i < s->max_conns; i++) {
		struct conn *c = &s->conns[i];

		if (c->fd >= 0 && c->deadline <= now) {
			s->st.idle_closed++;
			slog(s, 6, "control: uid %u pid %d: idle for %llu s%s, closed",
			    (unsigned)c->who.uid, (int)c->who.pid,
			    (unsigned long long)(s->idle_ns / 1000000000ull),
			    c->busy ? " with an answer unread" : "");
			conn_close(s, c);
		}
	}
}

void
ctl_get_stats(const struct ctl_srv *s, struct ctl_stats *st)
{
	*st = s->st;
}

unsigned
ctl_conn_count(const struct ctl_srv *s)
{
	unsigned i, n = 0;

	for (i = 0; s != NULL && i < s->max_conns; i++)
		n += s->conns[i].fd >= 0;
	return n;
}

void
ctl_close(struct ctl_srv *s)
{
	struct stat st;
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->max_conns; i++) {
		conn_close(s, &s->conns[i]);
		gw_ctl_out_free(&s->conns[i].out);
	}
	if (s->lfd >= 0) {
		(void)epoll_ctl(s->ep, EPOLL_CTL_DEL, s->lfd, NULL);
		close(s->lfd);
	}
	/* Only our own socket: a newer daemon may have replaced it. */
	if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		(void)unlink(s->path);
	free(s->conns);
	free(s);
}
