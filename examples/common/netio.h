/*
 * netio.h - the plain sockets and devices vpn-gateway and vpn-client use:
 * UDP with batched receive/send (recvmmsg/sendmmsg) and the local address
 * of every datagram (IP_PKTINFO), a raw socket for ESP (IP protocol 50),
 * and a TUN device.  Linux only.  All addresses host byte order.
 */
#ifndef RG_NETIO_H
#define RG_NETIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

struct nio_dgram {
	uint8_t *data;		/* where to receive / what to send */
	size_t cap;		/* receive: room at data */
	size_t len;
	uint32_t local_ip, remote_ip;
	uint16_t local_port, remote_port;
};

/* Monotonic time in ns. */
uint64_t nio_now(void);

/* Fills buf from getrandom(2); 0 or -1.  Shape of the libraries' rng hook. */
int nio_rng(void *user, void *buf, size_t len);

/*
 * A UDP socket bound to ip:port (ip 0 = any), non-blocking, with
 * IP_PKTINFO, 4 MiB buffers and IP_PMTUDISC_DONT (the kernel may fragment
 * our ESP datagrams).  Returns the fd or -1 (errno set).
 */
int nio_udp_open(uint32_t ip, uint16_t port);

/*
 * Receives up to n datagrams (recvmmsg, non-blocking).  Each d[i].data /
 * cap must be set; fills len and addresses (local_port = the socket's).
 * Returns the number received (0 when none waits), -1 on error.
 */
int nio_udp_recv(int fd, uint16_t local_port, struct nio_dgram *d, size_t n);

/*
 * Sends n datagrams (sendmmsg) from local_ip (IP_PKTINFO; 0 = the
 * kernel's choice) to remote.  Returns the number sent or -1.  A datagram
 * the kernel refuses (no route, ...) is skipped and counted in *failed.
 */
int nio_udp_send(int fd, const struct nio_dgram *d, size_t n, uint64_t *failed);

/* A raw IPv4 socket for protocol proto (50 = ESP), non-blocking. */
int nio_raw_open(int proto);
/* Receives whole IPv4 packets (header included) into d; like nio_udp_recv. */
int nio_raw_recv(int fd, struct nio_dgram *d, size_t n);
/* Sends payloads of protocol proto to remote_ip (the kernel adds the IPv4
 * header from local_ip, or its choice when 0). */
int nio_raw_send(int fd, const struct nio_dgram *d, size_t n, uint64_t *failed);

/*
 * Opens (creating if needed) the TUN device name (IFF_TUN | IFF_NO_PI),
 * non-blocking; the kernel's name is written back to name (IFNAMSIZ).
 * Returns the fd or -1.
 */
int nio_tun_open(char *name);
/* Brings the device up with mtu and, if addr != 0, addr/32 (peer = addr). */
int nio_tun_up(const char *name, uint16_t mtu, uint32_t addr);
/* Reads up to n packets; returns the count (0 when none waits) or -1. */
int nio_tun_recv(int fd, struct nio_dgram *d, size_t n);
/* Writes n packets; returns the number written or -1; failures counted. */
int nio_tun_send(int fd, const struct nio_dgram *d, size_t n, uint64_t *failed);

/*
 * Receives up to n (at most 256) datagrams from fd -- a UDP socket bound to
 * local_port (path RG_PATH_IKE / RG_PATH_NATT / RG_PATH_L2TP), the raw ESP
 * socket (RG_PATH_ESP) or the TUN device (RG_PATH_TUN) -- into bufs (n
 * buffers of RG_BUF_SIZE bytes, owned by the caller) and describes each as a
 * fresh pkts[i]: data at RG_HEADROOM, path as given (RG_PATH_NONE for an
 * empty datagram), the local and remote addresses the socket reported, ctx
 * NULL.  Returns the count (0 when none waits) or -1.
 */
int nio_recv_pkts(int fd, enum rg_path path, uint16_t local_port, uint8_t *bufs,
    struct rg_pkt *pkts, size_t n);

/* The source address the kernel would use towards dst (host order); 0 if
 * there is no route. */
uint32_t nio_route_source(uint32_t dst);

/* Writes value to /proc/sys/<path>; 0 or -1. */
int nio_sysctl(const char *path, const char *value);
/* Reads /proc/sys/<path> into buf (trailing newline removed); 0 or -1. */
int nio_sysctl_get(const char *path, char *buf, size_t cap);

/*
 * Runs argv[0] with argv (no shell), stdin from in (may be NULL), waits.
 * Returns the exit status, or -1 if it could not run.  Output goes to
 * stderr.
 */
int nio_run(char *const argv[], const char *in);

/*
 * Runs argv[0] with argv (no shell, stdin empty) and keeps its standard
 * output in out (cap bytes with the NUL; the rest is read and dropped).
 * Returns the exit status, or -1 if it could not run.
 */
int nio_run_output(char *const argv[], char *out, size_t cap);

/* Whether interface name exists; its first IPv4 address in *addr (0 if
 * none) and index in *index. */
bool nio_if_info(const char *name, uint32_t *addr, int *index);
/* Whether the host has addr on interface name. */
bool nio_if_has_addr(const char *name, uint32_t addr);

#endif
