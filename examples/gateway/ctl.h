/*
 * ctl.h - the control socket of vpn-gateway: a Unix stream socket served by
 * the daemon's epoll loop without ever blocking it.  It only carries command
 * lines to an interpreter (gw_ctl_exec) and its answers back:
 *
 *   request:  one command line, at most GW_CTL_MAX_LINE bytes, ended by
 *             "\n" (or by the end of the connection);
 *   answer:   "OK <n>\n" or "ERR <n>\n", then exactly n bytes (the table
 *             or the JSON document).
 *
 * A connection may send several lines; each is answered in order, and the
 * next line is read only once the previous answer is written (a client
 * that does not read stops being read).  Bounds: max_conns connections
 * (more are answered "ERR" and closed), GW_CTL_MAX_LINE bytes a line (a
 * longer one is answered with the interpreter's "too_long" error and the
 * connection closed), an answer of at most max_out bytes held per
 * connection, written as the socket accepts it (EPOLLOUT), and idle_ns
 * without progress in either direction before the connection is closed.
 *
 * The socket is created mode 0660 (owner root, group root or the given
 * group), in a directory created mode 0750 (in that group) when missing; a stale socket
 * left by a dead daemon is replaced, a live one is refused, anything else
 * at the path is never removed.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gw_ctl.h"

#define CTL_DEFAULT_PATH "/run/roadgate/vpn-gateway.sock"

struct ctl_conf {
	const char *path;	/* NULL = CTL_DEFAULT_PATH */
	const char *group;	/* group of the socket, NULL = the process's */
	unsigned max_conns;	/* 0 = 8 */
	uint64_t idle_ns;	/* 0 = 30 s */
	size_t max_out;		/* 0 = GW_CTL_OUT_MAX */
};

/* Who is asking (SO_PEERCRED), for the log. */
struct ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/* Runs one line and appends the answer; returns GW_CTL_OK or an error. */
typedef int (*ctl_exec_fn)(void *user, const char *line, size_t len,
    struct gw_ctl_out *out, const struct ctl_peer *who);
/* A log line of the server (syslog levels). */
typedef void (*ctl_log_fn)(void *user, int level, const char *msg);

struct ctl_stats {
	uint64_t accepted, refused_full, commands, refused_long, idle_closed;
	uint64_t write_errors;
};

struct ctl_srv;

/*
 * Creates the socket and adds it to the epoll set epfd (data.fd = the fd).
 * Returns 0, or -1 with the reason in err.
 */
int ctl_open(struct ctl_srv **out, const struct ctl_conf *cfg, int epfd,
    ctl_exec_fn exec, ctl_log_fn log, void *user, char *err, size_t errlen);
/* True when fd (from an epoll event) is the server's. */
bool ctl_owns(const struct ctl_srv *s, int fd);
/* Handles the epoll events of one of the server's fds. */
void ctl_event(struct ctl_srv *s, int fd, uint32_t events, uint64_t now);
/* Earliest idle deadline (monotonic ns), UINT64_MAX if none. */
uint64_t ctl_next_timeout(const struct ctl_srv *s);
void ctl_handle_timeout(struct ctl_srv *s, uint64_t now);
void ctl_get_stats(const struct ctl_srv *s, struct ctl_stats *st);
/* Connections open now. */
unsigned ctl_conn_count(const struct ctl_srv *s);
/* Closes every connection and the socket, and removes the socket file if
 * it is still ours.  NULL-safe. */
void ctl_close(struct ctl_srv *s);

#endif
