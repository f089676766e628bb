/*
 * netio.c - sockets, TUN and small host chores (see netio.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netio.h"

#define BATCH_MAX 256

extern char **environ;

uint64_t
nio_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* getrandom(2) into b, all of it. */
static int
fill(uint8_t *b, size_t len)
{
	while (len > 0) {
		ssize_t n = getrandom(b, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The kernel's CSPRNG, read 4 KiB at a time: libesp asks for a fresh IV for
 * every CBC packet, and a system call per packet cost 5% of the data path.
 * Each byte is served once and wiped from the buffer as it is handed out;
 * the buffer is per thread (the load generator runs several).
 */
int
nio_rng(void *user, void *buf, size_t len)
{
	static _Thread_local uint8_t pool[4096];
	static _Thread_local size_t pos = sizeof(pool);
	uint8_t *out = buf;

	(void)user;
	if (len > sizeof(pool) / 4)
		return fill(out, len);
	while (len > 0) {
		size_t n;

		if (pos == sizeof(pool)) {
			if (fill(pool, sizeof(pool)) != 0)
				return -1;
			pos = 0;
		}
		n = sizeof(pool) - pos < len ? sizeof(pool) - pos : len;
		memcpy(out, pool + pos, n);
		explicit_bzero(pool + pos, n);
		pos += n;
		out += n;
		len -= n;
	}
	return 0;
}

static void
sin_set(struct sockaddr_in *s, uint32_t ip, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_addr.s_addr = htonl(ip);
	s->sin_port = htons(port);
}

int
nio_udp_open(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa;
	int fd, one = 1, sz = 4 << 20, pmtu = IP_PMTUDISC_DONT;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	(void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	sin_set(&sa, ip, port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
nio_udp_recv(int fd, uint16_t local_port, struct nio_dgram *d, size_t n)
{
	struct mmsghdr mm[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	struct sockaddr_in from[BATCH_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl[BATCH_MAX];
	size_t i;
	int r;

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	for (i = 0; i < n; i++) {
		iov[i].iov_base = d[i].data;
		iov[i].iov_len = d[i].cap;
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_name = &from[i];
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = ctl[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
	}
	r = recvmmsg(fd, mm, (unsigned)n, MSG_DONTWAIT, NULL);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	for (i = 0; i < (size_t)r; i++) {
		struct cmsghdr *c;

		d[i].len = mm[i].msg_len;
		d[i].remote_ip = ntohl(from[i].sin_addr.s_addr);
		d[i].remote_port = ntohs(from[i].sin_port);
		d[i].local_port = local_port;
		d[i].local_ip = 0;
		for (c = CMSG_FIRSTHDR(&mm[i].msg_hdr); c != NULL;
		    c = CMSG_NXTHDR(&mm[i].msg_hdr, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				d[i].local_ip = ntohl(pi.ipi_addr.s_addr);
			}
		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
			d[i].len = 0;	/* larger than our buffers: dropped */
	}
	return r;
}

int
nio_udp_send(int fd, const struct nio_dgram *d, size_t n, uint64_t *failed)
{
	struct mmsghdr mm[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	struct sockaddr_in to[BATCH_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl[BATCH_MAX];
	size_t i, done = 0;

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	for (i = 0; i < n; i++) {
		iov[i].iov_base = d[i].data;
		iov[i].iov_len = d[i].len;
		sin_set(&to[i], d[i].remote_ip, d[i].remote_port);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_name = &to[i];
		mm[i].msg_hdr.msg_namelen = sizeof(to[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		if (d[i].local_ip != 0) {
			struct cmsghdr *c;
			struct in_pktinfo pi;

			memset(ctl[i].buf, 0, sizeof(ctl[i].buf));
			mm[i].msg_hdr.msg_control = ctl[i].buf;
			mm[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
			c = CMSG_FIRSTHDR(&mm[i].msg_hdr);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst.s_addr = htonl(d[i].local_ip);
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	while (done < n) {
		int r = sendmmsg(fd, mm + done, (unsigned)(n - done), 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* Socket buffer full: the rest is lost, as on a wire. */
				if (failed != NULL)
					*failed += n - done;
				return (int)done;
			}
			/* This datagram was refused (no route, too big): skip it. */
			if (failed != NULL)
				(*failed)++;
			done++;
			continue;
		}
		done += (size_t)r;
	}
	return (int)done;
}

int
nio_raw_open(int proto)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	int sz = 4 << 20, pmtu = IP_PMTUDISC_DONT;

	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	return fd;
}

int
nio_raw_recv(int fd, struct nio_dgram *d, size_t n)
{
	return nio_udp_recv(fd, 0, d, n);
}

int
nio_raw_send(int fd, const struct nio_dgram *d, size_t n, uint64_t *failed)
{
	size_t i;
	int sent = 0;

	for (i = 0; i < n; i++) {
		struct sockaddr_in to;

		sin_set(&to, d[i].remote_ip, 0);
		if (sendto(fd, d[i].data, d[i].len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			if (failed != NULL)
				(*failed)++;
		} else {
			sent++;
		}
	}
	return sent;
}

int
nio_tun_open(char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

int
nio_tun_up(const char *name, uint16_t mtu, uint32_t addr)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		goto out;
	if (addr != 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

		memset(&ifr.ifr_addr, 0, sizeof(ifr.ifr_addr));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(addr);
		if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
			goto out;
		sin->sin_addr.s_addr = htonl(0xffffffffu);
		if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
			goto out;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		goto out;
	rc = 0;
out:
	close(s);
	return rc;
}

int
nio_tun_recv(int fd, struct nio_dgram *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ssize_t r = read(fd, d[i].data, d[i].cap);

		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			return i > 0 ? (int)i : -1;
		}
		d[i].len = (size_t)r;
	}
	return (int)i;
}

int
nio_tun_send(int fd, const struct nio_dgram *d, size_t n, uint64_t *failed)
{
	size_t i;
	int sent = 0;

	for (i = 0; i < n; i++) {
		if (write(fd, d[i].data, d[i].len) < 0) {
			if (failed != NULL)
				(*failed)++;
		} else {
			sent++;
		}
	}
	return sent;
}

int
nio_sysctl(const char *path, const char *value)
{
	char p[256];
	FILE *f;
	int rc;

	snprintf(p, sizeof(p), "/proc/sys/%s", path);
	if ((f = fopen(p, "w")) == NULL)
		return -1;
	rc = fputs(value, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int
nio_sysctl_get(const char *path, char *buf, size_t cap)
{
	char p[256];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "/proc/sys/%s", path);
	if ((f = fopen(p, "r")) == NULL)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int
nio_run(char *const argv[], const char *in)
{
	posix_spawn_file_actions_t fa;
	int pfd[2] = { -1, -1 }, status;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	if (in != NULL) {
		if (pipe2(pfd, O_CLOEXEC) != 0) {
			posix_spawn_file_actions_destroy(&fa);
			return -1;
		}
		posix_spawn_file_actions_adddup2(&fa, pfd[0], 0);
	}
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		if (pfd[0] >= 0) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (in != NULL) {
		size_t len = strlen(in), off = 0;

		close(pfd[0]);
		while (off < len) {
			ssize_t w = write(pfd[1], in + off, len - off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			off += (size_t)w;
		}
		close(pfd[1]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool
nio_if_info(const char *name, uint32_t *addr, int *index)
{
	struct ifaddrs *ifa, *i;
	unsigned idx = if_nametoindex(name);

	if (addr != NULL)
		*addr = 0;
	if (index != NULL)
		*index = (int)idx;
	if (idx == 0)
		return false;
	if (addr != NULL && getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL; i = i->ifa_next)
			if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
			    strcmp(i->ifa_name, name) == 0) {
				*addr = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
				break;
			}
		freeifaddrs(ifa);
	}
	return true;
}

bool
nio_if_has_addr(const char *name, uint32_t addr)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) != 0)
		return false;
	for (i = ifa; i != NULL; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
		    strcmp(i->ifa_name, name) == 0 &&
		    ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr) == addr)
			found = true;
	freeifaddrs(ifa);
	return found;
}

int
nio_recv_pkts(int fd, enum rg_path path, uint16_t local_port, uint8_t *bufs,
    struct rg_pkt *pkts, size_t n)
{
	struct nio_dgram d[BATCH_MAX];
	size_t i;
	int r;

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	for (i = 0; i < n; i++) {	/* a TUN read reports no addresses */
		memset(&d[i], 0, sizeof(d[i]));
		d[i].data = bufs + i * RG_BUF_SIZE + RG_HEADROOM;
		d[i].cap = RG_MAX_PKT;
	}
	if (path == RG_PATH_TUN)
		r = nio_tun_recv(fd, d, n);
	else if (path == RG_PATH_ESP)
		r = nio_raw_recv(fd, d, n);
	else
		r = nio_udp_recv(fd, local_port, d, n);
	for (i = 0; r > 0 && i < (size_t)r; i++) {
		struct rg_pkt *p = &pkts[i];

		memset(p, 0, sizeof(*p));
		p->buf = bufs + i * RG_BUF_SIZE;
		p->cap = RG_BUF_SIZE;
		p->off = RG_HEADROOM;
		p->len = d[i].len;
		p->path = d[i].len ? path : RG_PATH_NONE;
		p->local.ip = d[i].local_ip;
		p->local.port = d[i].local_port;
		p->remote.ip = d[i].remote_ip;
		p->remote.port = d[i].remote_port;
	}
	return r;
}

uint32_t
nio_route_source(uint32_t dst)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint32_t ip = 0;

	if (fd < 0)
		return 0;
	sin_set(&sa, dst, 500);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		ip = ntohl(sa.sin_addr.s_addr);
	close(fd);
	return ip;
}

int
nio_run_output(char *const argv[], char *out, size_t cap)
{
	posix_spawn_file_actions_t fa;
	int pfd[2], status;
	size_t len = 0;
	pid_t pid;

	if (cap == 0 || pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	out[0] = '\0';
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	for (;;) {
		char junk[256];
		ssize_t r = len + 1 < cap ? read(pfd[0], out + len, cap - 1 - len) :
		    read(pfd[0], junk, sizeof(junk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (len + 1 < cap)
			len += (size_t)r;
	}
	out[len] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
