/*
 * load.c - vpn-client --load N: N simulated road warriors in one process,
 * a load generator for vpn-gateway (or any L2TP/IPsec server).
 *
 * Each simulated client has the full protocol state of a real one (IKE
 * Main Mode + Quick Mode with NAT-T, ESP, an L2TP tunnel and call, PPP
 * with CHAP/MS-CHAPv2 and IPCP) in the sans-I/O client core (vc.h), and
 * its own UDP socket bound to (local address, base_port + i).  The core
 * knows client i at a private address 10.x.y.z (LC_PRIV_BASE + i) with
 * ports 500 and 4500; this file is that client's NAT: everything the core
 * sends from 10.x.y.z:500 or :4500 leaves through client i's socket, and
 * what the gateway sends from its port 500 (4500) to that socket goes to
 * the client's port 500 (4500).  The gateway therefore sees N clients
 * behind one NAT, each with its own public port, and floats them all to
 * ESP in UDP.  No TUN device: the inner IP stack is simulated.  Each client
 * that is up
 *  - pings the gateway's PPP address (IPCP's peer address) every --ping
 *    seconds, timestamped in the payload, for RTT;
 *  - with --pps X, sends a UDP stream of --size byte IP packets (capped at
 *    the tunnel MTU) at X packets per second to --target (default the
 *    gateway's PPP address, port 9); what comes back (an echo) is counted.
 * Everything received inside the tunnels is counted (ICMP echo replies,
 * UDP, ICMP errors, other) whether the client asked for it or not, so a
 * stream sent towards the clients from behind the gateway is measured too.
 *
 * Threads: --threads T runs T workers, each with its own core, epoll set,
 * sockets and buffers; client i belongs to worker i mod T.  Workers share
 * nothing but a few atomics (phase, counts) with the main thread, which
 * only paces the phases, answers signals and writes the report.
 *
 * Phases:
 *   ramp    client i connects at t0 + i / rate;
 *   hold    once every client is up or failed (or 120 s after the ramp),
 *           for --duration seconds: traffic goes on;
 *   stop    clients disconnect in order (PPP Terminate, CDN, StopCCN,
 *           Deletes) at max(rate, 1000) per second, since a teardown costs
 *           no Diffie-Hellman; the run ends when all are down or 15 s after
 *           the last disconnect.  --no-disconnect skips this (the gateway
 *           finds out by DPD and LCP echo).
 * Progress lines "load: phase=hold" and "load: phase=stop" are printed
 * (and flushed) when those phases begin; SIGUSR1 prints a "load: snapshot"
 * line of the counters, SIGINT/SIGTERM go to the stop phase (a second one
 * aborts without disconnecting).
 *
 * The report, one "load: name=value" line per metric (also written to
 * --report FILE): setups, failures by cause, setups/s (first connect to
 * last up), setup latency percentiles, ping RTT percentiles, packets and
 * throughput over the hold window in both directions, and this process's
 * own CPU use (in all and per data packet, to tell whether the load
 * generator or the gateway was the limit).
 *
 * Nothing is allocated per packet: every buffer is sized at start.
 *
 * One file (about 1,400 lines): the per-client NAT, the phases, the
 * simulated inner traffic and the statistics all work on the one table of
 * simulated clients and its per-phase timers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "load.h"
#include "netio.h"
#include "pkt.h"
#include "vc.h"

#define NS 1000000000ull
#define LC_BATCH	64		/* datagrams per recvmmsg / sendmmsg */
#define LC_RX_ROUNDS	4		/* recvmmsg batches per socket per wakeup */
#define LC_EVENTS	256		/* epoll events per wait */
#define LC_MAX_THREADS	64
#define LC_MAX_CLIENTS	60000		/* ports above base_port are the bound */
#define LC_MAX_CAUSES	16		/* distinct failure reasons kept */
#define LC_RTT_CAP	16384		/* RTT samples kept per worker (reservoir) */
#define LC_BURST	16		/* data packets to one client per turn */
#define LC_TURN		256		/* data packets per loop turn, then poll */
#define LC_CREDIT_MAX	(4.0 * LC_TURN)	/* pacing credit kept when behind */
#define LC_PRIV_BASE	0x0a000001u	/* 10.0.0.1: client 0 as the core knows it */
#define LC_PING_LEN	64		/* ICMP echo, IP bytes */
#define LC_MAGIC	0x52474c44u	/* "RGLD" in our payloads */
#define LC_SPORT	40000		/* inner UDP source port */
#define LC_SETTLE_MAX	(120 * NS)	/* after the ramp, the longest wait for setups */
#define LC_CLOSE_MAX	(15 * NS)	/* after the last disconnect, the longest wait */
#define LC_DISC_MIN_RATE 1000.0
#define LC_MAX_ADDRS	64		/* source addresses (NATs) used */

enum lc_phase { PH_RAMP = 1, PH_HOLD, PH_STOP, PH_ABORT };

enum lc_cstate { CL_WAIT = 0, CL_SETUP, CL_UP, CL_CLOSING, CL_FAILED, CL_DOWN };

/* Counters one worker writes and the main thread may read at any time:
 * single writer, so a relaxed load + store is an exact increment. */
typedef _Atomic uint64_t lc_ctr;

static inline void
ctr_add(lc_ctr *c, uint64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
	    memory_order_relaxed);
}

static inline void
ctr_sub(lc_ctr *c, uint64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) - v,
	    memory_order_relaxed);
}

static inline uint64_t
ctr_get(lc_ctr *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* The counters, by index (the report walks them). */
enum lc_cid {
	C_SETUPS_OK, C_SETUPS_FAILED, C_DROPPED, C_CLOSED, C_UNFINISHED, C_UP_NOW,
	C_TX_PKTS, C_TX_BYTES,		/* inner data packets sent, IP bytes */
	C_TX_REFUSED,			/* vc_send_ip refused one */
	C_TX_SKIPPED,			/* pacing credit given up: could not keep up */
	C_RX_PKTS, C_RX_BYTES,		/* inner packets received, any kind */
	C_RX_UDP, C_RX_UDP_BYTES, C_RX_ICMP_ERR, C_RX_OTHER,
	C_PING_TX, C_PING_RX,
	C_WIRE_TX, C_WIRE_TX_BYTES, C_WIRE_RX, C_WIRE_RX_BYTES,
	C_SEND_FAILED, C_RX_FOREIGN,
	C_N
};

struct lc_client {
	int fd;
	uint32_t gidx;			/* global index: port base_port + gidx */
	uint32_t up_pos;		/* index in the worker's up list */
	uint32_t addr, peer;		/* PPP addresses once up */
	uint16_t size;			/* data packet size, capped at the MTU */
	uint16_t ping_seq;
	uint32_t data_seq;
	uint8_t st;			/* enum lc_cstate */
};

struct lc_cause {
	char why[96];
	uint64_t n;
};

struct lc_causes {
	struct lc_cause c[LC_MAX_CAUSES];
	uint32_t n;
	uint64_t other;
};

struct lc_run;

struct lc_worker {
	lc_ctr c[C_N];			/* first: its own cache lines */
	struct lc_run *run;
	unsigned id;
	pthread_t th;
	bool started;
	struct vc *vc;
	struct lc_client *cl;
	uint32_t n;			/* clients of this worker */
	uint32_t *up;			/* local indices of clients up */
	uint32_t n_up;
	uint32_t n_active;		/* setting up, up or closing */
	int ep;
	uint8_t *rxbuf, *txbuf;		/* LC_BATCH * RG_BUF_SIZE each */
	struct rg_pkt rx[LC_BATCH], tx[LC_BATCH];
	struct nio_dgram d[LC_BATCH];
	uint32_t next_connect, next_disc;
	double data_credit, ping_credit;
	uint32_t data_cur, ping_cur;
	uint64_t last_credit;
	uint32_t *lat_us;		/* setup latencies, one per client */
	uint32_t *up_ms;		/* when each came up, ms after t0 */
	uint32_t n_lat;
	uint32_t *rtt_us;		/* RTT reservoir */
	uint32_t n_rtt;
	uint64_t rtt_seen;
	uint64_t prng;
	struct lc_causes fail, drop;
	uint64_t first_connect, last_connect, last_up;
	uint64_t lag_max, lag_sum;	/* connects later than scheduled, ns */
	uint32_t data_size;		/* the last client's data packet size */
	bool stop_seen;
	uint64_t t_stop, close_deadline;
} __attribute__((aligned(64)));

struct lc_run {
	const struct vc_opts *o;
	uint32_t n, nt;
	uint32_t local_ip;
	uint32_t addrs[LC_MAX_ADDRS];	/* source addresses, ascending */
	uint32_t n_addrs;
	double disc_rate;
	uint64_t t0;
	_Atomic int phase;
	_Atomic uint64_t t_stop;
	_Atomic uint32_t settled;
	_Atomic uint32_t finished;
	struct lc_worker *w;
};

/* ---- small helpers ---------------------------------------------------- */

static int
lc_rng(void *user, void *buf, size_t len)
{
	(void)user;
	/* OpenSSL's DRBG: per-thread, reseeded from the kernel, no system
	 * call per request (IKE nonces, SPIs, CBC IVs of every packet). */
	return len > (size_t)INT32_MAX || RAND_bytes(buf, (int)len) != 1 ? -1 : 0;
}

static void
lc_log(void *user, uint32_t idx, int level, const char *msg)
{
	struct lc_worker *w = user;

	if (level > 6)
		return;
	if (idx == UINT32_MAX)
		fprintf(stderr, "load[%u]: %s\n", w->id, msg);
	else
		fprintf(stderr, "load client %u: %s\n", idx * w->run->nt + w->id, msg);
}

static uint64_t
xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void
put64(uint8_t *p, uint64_t v)
{
	pkt_put32(p, (uint32_t)(v >> 32));
	pkt_put32(p + 4, (uint32_t)v);
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)pkt_get32(p) << 32 | pkt_get32(p + 4);
}

static void
cause_add(struct lc_causes *cs, const char *why)
{
	uint32_t i;

	if (why[0] == '\0')
		why = "(no reason given)";
	for (i = 0; i < cs->n; i++)
		if (strncmp(cs->c[i].why, why, sizeof(cs->c[i].why) - 1) == 0) {
			cs->c[i].n++;
			return;
		}
	if (cs->n == LC_MAX_CAUSES) {
		cs->other++;
		return;
	}
	snprintf(cs->c[cs->n].why, sizeof(cs->c[cs->n].why), "%s", why);
	cs->c[cs->n].n = 1;
	cs->n++;
}

static double
cpu_seconds(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
cmp_addr(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Every IPv4 address of the interface that holds first, ascending (first
 * alone if it is on no interface).  The clients are spread over them in
 * blocks: each address stands for one NAT with its share of the clients.
 */
static uint32_t
local_addrs(uint32_t first, uint32_t *out, uint32_t cap)
{
	struct ifaddrs *ifa, *i;
	char name[IFNAMSIZ] = "";
	uint32_t n = 0;

	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL; i = i->ifa_next)
			if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
			    ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr) == first)
				snprintf(name, sizeof(name), "%s", i->ifa_name);
		for (i = ifa; i != NULL && name[0] != '\0' && n < cap; i = i->ifa_next)
			if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
			    strcmp(i->ifa_name, name) == 0)
				out[n++] = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		freeifaddrs(ifa);
	}
	if (n == 0)
		out[n++] = first;
	qsort(out, n, sizeof(*out), cmp_addr);
	return n;
}

/* ---- clients: state changes ------------------------------------------- */

static void
up_add(struct lc_worker *w, uint32_t li)
{
	w->cl[li].up_pos = w->n_up;
	w->up[w->n_up++] = li;
}

static void
up_remove(struct lc_worker *w, uint32_t li)
{
	uint32_t pos = w->cl[li].up_pos, last = w->up[--w->n_up];

	w->up[pos] = last;
	w->cl[last].up_pos = pos;
}

static void
settle(struct lc_worker *w)
{
	atomic_fetch_add_explicit(&w->run->settled, 1, memory_order_relaxed);
}

static void
on_event(struct lc_worker *w, const struct vc_event *ev)
{
	const struct vc_opts *o = w->run->o;
	struct lc_client *c;
	struct vc_info in;

	if (ev->idx >= w->n || !vc_get_info(w->vc, ev->idx, &in))
		return;
	c = &w->cl[ev->idx];
	switch (ev->type) {
	case VC_EV_UP: {
		uint64_t lat = in.up_ns - in.started_ns;
		uint32_t size = o->size;

		if (c->st != CL_SETUP)
			return;
		c->st = CL_UP;
		c->addr = in.addr;
		c->peer = in.peer_addr;
		if (in.mtu != 0 && size > in.mtu)
			size = in.mtu;
		if (size < PKT_IPV4_HDR + PKT_UDP_HDR + 16)
			size = PKT_IPV4_HDR + PKT_UDP_HDR + 16;
		c->size = (uint16_t)size;
		w->data_size = size;
		up_add(w, ev->idx);
		if (w->n_lat < w->n) {
			uint64_t at = in.up_ns > w->run->t0 ? (in.up_ns - w->run->t0) / 1000000 : 0;

			w->up_ms[w->n_lat] = at > UINT32_MAX ? UINT32_MAX : (uint32_t)at;
			w->lat_us[w->n_lat++] = lat / 1000 > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)(lat / 1000);
		}
		if (in.up_ns > w->last_up)
			w->last_up = in.up_ns;
		ctr_add(&w->c[C_SETUPS_OK], 1);
		ctr_add(&w->c[C_UP_NOW], 1);
		settle(w);
		return;
	}
	case VC_EV_FAILED:
	case VC_EV_DOWN:
		if (c->st == CL_SETUP) {
			c->st = CL_FAILED;
			w->n_active--;
			cause_add(&w->fail, in.why);
			ctr_add(&w->c[C_SETUPS_FAILED], 1);
			settle(w);
		} else if (c->st == CL_UP) {
			c->st = CL_DOWN;
			w->n_active--;
			up_remove(w, ev->idx);
			cause_add(&w->drop, in.why);
			ctr_add(&w->c[C_DROPPED], 1);
			ctr_sub(&w->c[C_UP_NOW], 1);
		} else if (c->st == CL_CLOSING) {
			c->st = CL_DOWN;
			w->n_active--;
			ctr_add(&w->c[C_CLOSED], 1);
		}
		return;
	default:
		return;
	}
}

/* ---- the network side ------------------------------------------------- */

/* The client that owns a datagram the core sends (its private address). */
static struct lc_client *
pkt_client(struct lc_worker *w, const struct rg_pkt *p)
{
	uint32_t gi = p->local.ip - LC_PRIV_BASE;

	if (p->local.ip < LC_PRIV_BASE || gi >= w->run->n || gi % w->run->nt != w->id)
		return NULL;
	return &w->cl[gi / w->run->nt];
}

/* Sends the core's datagrams, one sendmmsg per run of the same client. */
static void
send_pkts(struct lc_worker *w, struct rg_pkt *p, size_t n)
{
	uint64_t failed = 0, bytes = 0, sent = 0;
	size_t i = 0;

	while (i < n) {
		struct lc_client *c = p[i].path == RG_PATH_UDP ? pkt_client(w, &p[i]) : NULL;
		size_t k = 0;
		int r;

		if (c == NULL || c->fd < 0) {
			failed++;
			i++;
			continue;
		}
		while (i < n && k < LC_BATCH && p[i].path == RG_PATH_UDP &&
		    pkt_client(w, &p[i]) == c) {
			w->d[k].data = p[i].buf + p[i].off;
			w->d[k].len = p[i].len;
			w->d[k].local_ip = 0;
			w->d[k].remote_ip = p[i].remote.ip;
			w->d[k].remote_port = p[i].remote.port;
			bytes += p[i].len;
			k++;
			i++;
		}
		r = nio_udp_send(c->fd, w->d, k, &failed);
		if (r > 0)
			sent += (uint64_t)r;
	}
	ctr_add(&w->c[C_WIRE_TX], sent);
	ctr_add(&w->c[C_WIRE_TX_BYTES], bytes);
	if (failed)
		ctr_add(&w->c[C_SEND_FAILED], failed);
}

/* Everything the core wants to send, then its events. */
static void
flush(struct lc_worker *w, uint64_t now)
{
	struct vc_event ev;
	size_t n = 0;

	for (;;) {
		struct rg_pkt *p = &w->tx[n];

		p->buf = w->txbuf + n * RG_BUF_SIZE;
		p->cap = RG_BUF_SIZE;
		if (!vc_next_output(w->vc, now, p))
			break;
		if (++n == LC_BATCH) {
			send_pkts(w, w->tx, n);
			n = 0;
		}
	}
	if (n)
		send_pkts(w, w->tx, n);
	while (vc_next_event(w->vc, &ev))
		on_event(w, &ev);
}

/* An IP packet the gateway sent client c, decrypted. */
static void
inner_rx(struct lc_worker *w, uint64_t now, const uint8_t *ip, size_t len)
{
	size_t hl;

	ctr_add(&w->c[C_RX_PKTS], 1);
	ctr_add(&w->c[C_RX_BYTES], len);
	if (len < PKT_IPV4_HDR || (ip[0] >> 4) != 4 ||
	    (hl = (size_t)(ip[0] & 15) * 4) < PKT_IPV4_HDR || len < hl + 8) {
		ctr_add(&w->c[C_RX_OTHER], 1);
		return;
	}
	if (ip[9] == PKT_PROTO_ICMP) {
		const uint8_t *icmp = ip + hl;

		if (icmp[0] == 0 && len >= hl + 20 && pkt_get32(icmp + 8) == LC_MAGIC) {
			uint64_t sent = get64(icmp + 12), us;

			ctr_add(&w->c[C_PING_RX], 1);
			if (sent > now)
				return;
			us = (now - sent) / 1000;
			w->rtt_seen++;
			if (w->n_rtt < LC_RTT_CAP) {
				w->rtt_us[w->n_rtt++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
			} else {
				uint64_t j = xorshift(&w->prng) % w->rtt_seen;

				if (j < LC_RTT_CAP)
					w->rtt_us[j] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
			}
		} else if (icmp[0] == 3 || icmp[0] == 11 || icmp[0] == 12) {
			ctr_add(&w->c[C_RX_ICMP_ERR], 1);
		} else {
			ctr_add(&w->c[C_RX_OTHER], 1);
		}
	} else if (ip[9] == PKT_PROTO_UDP) {
		ctr_add(&w->c[C_RX_UDP], 1);
		ctr_add(&w->c[C_RX_UDP_BYTES], len);
	} else {
		ctr_add(&w->c[C_RX_OTHER], 1);
	}
}

/* Datagrams waiting on client li's socket, through the core. */
static void
receive(struct lc_worker *w, uint64_t now, uint32_t li)
{
	struct lc_client *c = &w->cl[li];
	uint32_t gw = w->run->o->p.gw_ip;
	int round;

	for (round = 0; round < LC_RX_ROUNDS; round++) {
		uint64_t bytes = 0;
		size_t i, k = 0;
		int r;

		for (i = 0; i < LC_BATCH; i++) {
			w->d[i].data = w->rxbuf + i * RG_BUF_SIZE + RG_HEADROOM;
			w->d[i].cap = RG_MAX_PKT;
		}
		r = nio_udp_recv(c->fd, 0, w->d, LC_BATCH);
		if (r <= 0)
			return;
		for (i = 0; i < (size_t)r; i++) {
			const struct nio_dgram *d = &w->d[i];

			bytes += d->len;
			if (d->len == 0 || d->remote_ip != gw || (d->remote_port != ISAKMP_PORT &&
			    d->remote_port != ISAKMP_NATT_PORT)) {
				ctr_add(&w->c[C_RX_FOREIGN], 1);
				continue;
			}
			/* The NAT: the gateway's port 500 (4500) talks to the
			 * client's port 500 (4500). */
			w->rx[k] = (struct rg_pkt){
				.buf = w->rxbuf + i * RG_BUF_SIZE,
				.cap = RG_BUF_SIZE,
				.off = RG_HEADROOM,
				.len = d->len,
				.path = RG_PATH_UDP,
				.local = { LC_PRIV_BASE + c->gidx, d->remote_port },
				.remote = { d->remote_ip, d->remote_port },
			};
			k++;
		}
		ctr_add(&w->c[C_WIRE_RX], (uint64_t)r);
		ctr_add(&w->c[C_WIRE_RX_BYTES], bytes);
		if (k > 0) {
			vc_input(w->vc, now, w->rx, k);
			for (i = 0; i < k; i++)
				if (w->rx[i].path == RG_PATH_TUN)
					inner_rx(w, now, w->rx[i].buf + w->rx[i].off, w->rx[i].len);
		}
		if (r < LC_BATCH)
			return;
	}
}

/* ---- the simulated inner stack ---------------------------------------- */

/* Seals the IP packet in slot i of the transmit buffers for client li;
 * fills w->d[*m] and advances *m when it can be sent. */
static void
seal(struct lc_worker *w, uint64_t now, uint32_t li, size_t i, size_t len, size_t *m)
{
	struct rg_pkt *p = &w->tx[i];

	*p = (struct rg_pkt){
		.buf = w->txbuf + i * RG_BUF_SIZE,
		.cap = RG_BUF_SIZE,
		.off = RG_HEADROOM,
		.len = len,
	};
	if (vc_send_ip(w->vc, now, li, p) != 0 || p->path != RG_PATH_UDP) {
		ctr_add(&w->c[C_TX_REFUSED], 1);
		return;
	}
	w->d[*m].data = p->buf + p->off;
	w->d[*m].len = p->len;
	w->d[*m].local_ip = 0;
	w->d[*m].remote_ip = p->remote.ip;
	w->d[*m].remote_port = p->remote.port;
	(*m)++;
}

static void
send_ping(struct lc_worker *w, uint64_t now, uint32_t li)
{
	struct lc_client *c = &w->cl[li];
	uint8_t *ip = w->txbuf + RG_HEADROOM, *icmp = ip + PKT_IPV4_HDR;
	uint64_t failed = 0;
	size_t m = 0;

	memset(ip, 0, LC_PING_LEN);
	c->ping_seq++;
	pkt_ip_build(ip, c->addr, c->peer, PKT_PROTO_ICMP, LC_PING_LEN - PKT_IPV4_HDR, 64,
	    c->ping_seq);
	icmp[0] = 8;
	pkt_put16(icmp + 4, (uint16_t)c->gidx);
	pkt_put16(icmp + 6, c->ping_seq);
	pkt_put32(icmp + 8, LC_MAGIC);
	put64(icmp + 12, now);
	pkt_put16(icmp + 2, pkt_csum_fold(pkt_csum_add(0, icmp, LC_PING_LEN - PKT_IPV4_HDR)));
	seal(w, now, li, 0, LC_PING_LEN, &m);
	if (m == 0)
		return;
	if (nio_udp_send(c->fd, w->d, m, &failed) == 1) {
		ctr_add(&w->c[C_PING_TX], 1);
		ctr_add(&w->c[C_WIRE_TX], 1);
		ctr_add(&w->c[C_WIRE_TX_BYTES], w->d[0].len);
	}
	if (failed)
		ctr_add(&w->c[C_SEND_FAILED], failed);
}

static void
send_data(struct lc_worker *w, uint64_t now, uint32_t li, size_t k)
{
	const struct vc_opts *o = w->run->o;
	struct lc_client *c = &w->cl[li];
	uint32_t dst = o->target_ip ? o->target_ip : c->peer;
	uint64_t failed = 0, bytes = 0;
	size_t i, m = 0;
	int r;

	for (i = 0; i < k; i++) {
		uint8_t *ip = w->txbuf + i * RG_BUF_SIZE + RG_HEADROOM;
		uint8_t *u = ip + PKT_IPV4_HDR;

		c->data_seq++;
		pkt_ip_build(ip, c->addr, dst, PKT_PROTO_UDP, (uint16_t)(c->size - PKT_IPV4_HDR),
		    64, (uint16_t)c->data_seq);
		pkt_udp_build(u, LC_SPORT, o->target_port,
		    (uint16_t)(c->size - PKT_IPV4_HDR - PKT_UDP_HDR));
		memset(u + PKT_UDP_HDR, 0, c->size - PKT_IPV4_HDR - PKT_UDP_HDR);
		pkt_put32(u + 8, LC_MAGIC);
		pkt_put32(u + 12, c->data_seq);
		put64(u + 16, now);
		seal(w, now, li, i, c->size, &m);
	}
	if (m == 0)
		return;
	r = nio_udp_send(c->fd, w->d, m, &failed);
	for (i = 0; i < (size_t)(r > 0 ? r : 0); i++)
		bytes += w->d[i].len;
	if (r > 0) {
		ctr_add(&w->c[C_TX_PKTS], (uint64_t)r);
		ctr_add(&w->c[C_TX_BYTES], (uint64_t)r * c->size);
		ctr_add(&w->c[C_WIRE_TX], (uint64_t)r);
		ctr_add(&w->c[C_WIRE_TX_BYTES], bytes);
	}
	if (failed)
		ctr_add(&w->c[C_SEND_FAILED], failed);
}

/* Pings and the data stream of the clients that are up, paced by credit:
 * rate x seconds since the last turn, handed out round robin. */
static void
traffic(struct lc_worker *w, uint64_t now)
{
	const struct vc_opts *o = w->run->o;
	double dt = (double)(now - w->last_credit) / 1e9;
	uint32_t sent = 0;

	w->last_credit = now;
	if (w->n_up == 0) {
		w->data_credit = w->ping_credit = 0;
		return;
	}
	if (o->ping_s > 0) {
		w->ping_credit += dt * w->n_up / o->ping_s;
		if (w->ping_credit > w->n_up)
			w->ping_credit = w->n_up;
		while (w->ping_credit >= 1 && sent < LC_TURN) {
			w->ping_cur = (w->ping_cur + 1) % w->n_up;
			send_ping(w, now, w->up[w->ping_cur]);
			w->ping_credit -= 1;
			sent++;
		}
	}
	if (o->pps > 0) {
		w->data_credit += dt * o->pps * w->n_up;
		if (w->data_credit > LC_CREDIT_MAX) {
			ctr_add(&w->c[C_TX_SKIPPED], (uint64_t)(w->data_credit - LC_CREDIT_MAX));
			w->data_credit = LC_CREDIT_MAX;
		}
		sent = 0;
		while (w->data_credit >= 1 && sent < LC_TURN && w->n_up > 0) {
			size_t k = (size_t)w->data_credit;

			if (k > LC_BURST)
				k = LC_BURST;
			if (k > LC_TURN - sent)
				k = LC_TURN - sent;
			w->data_cur = (w->data_cur + 1) % w->n_up;
			send_data(w, now, w->up[w->data_cur], k);
			w->data_credit -= (double)k;
			sent += (uint32_t)k;
		}
	}
}

/* When the next paced packet is due (ns from now), UINT64_MAX if none. */
static uint64_t
traffic_wait(const struct lc_worker *w)
{
	const struct vc_opts *o = w->run->o;
	uint64_t t = UINT64_MAX;

	if (w->n_up == 0)
		return t;
	if (o->pps > 0) {
		double need = 1 - w->data_credit;

		t = need <= 0 ? 0 : (uint64_t)(need / (o->pps * w->n_up) * 1e9);
	}
	if (o->ping_s > 0) {
		double need = 1 - w->ping_credit;
		uint64_t x = need <= 0 ? 0 : (uint64_t)(need * o->ping_s / w->n_up * 1e9);

		if (x < t)
			t = x;
	}
	return t;
}

/* ---- the worker ------------------------------------------------------- */

static uint64_t
connect_time(const struct lc_worker *w, uint32_t j)
{
	const struct lc_run *r = w->run;
	uint64_t gi = (uint64_t)j * r->nt + w->id;

	return r->t0 + (uint64_t)((double)gi / r->o->rate * 1e9);
}

static uint64_t
disc_time(const struct lc_worker *w, uint32_t j)
{
	uint64_t gi = (uint64_t)j * w->run->nt + w->id;

	return w->t_stop + (uint64_t)((double)gi / w->run->disc_rate * 1e9);
}

static void
connects_due(struct lc_worker *w, uint64_t now)
{
	uint64_t t;

	while (w->next_connect < w->n && (t = connect_time(w, w->next_connect)) <= now) {
		uint32_t li = w->next_connect++;

		/* How late this connect is: a load generator that cannot keep
		 * its own schedule measures itself, not the gateway. */
		w->lag_sum += now - t;
		if (now - t > w->lag_max)
			w->lag_max = now - t;

		if (w->first_connect == 0)
			w->first_connect = now;
		w->last_connect = now;
		w->cl[li].st = CL_SETUP;
		w->n_active++;
		/* A refusal queues VC_EV_FAILED, handled by flush(). */
		(void)vc_connect(w->vc, now, li);
	}
}

static void
disconnects_due(struct lc_worker *w, uint64_t now)
{
	while (w->next_disc < w->n && disc_time(w, w->next_disc) <= now) {
		uint32_t li = w->next_disc++;
		struct lc_client *c = &w->cl[li];

		if (c->st == CL_UP) {
			up_remove(w, li);
			ctr_sub(&w->c[C_UP_NOW], 1);
		} else if (c->st == CL_SETUP) {
			ctr_add(&w->c[C_UNFINISHED], 1);
		} else {
			continue;
		}
		c->st = CL_CLOSING;
		(void)vc_disconnect(w->vc, now, li);
	}
}

static int
wait_ms(uint64_t now, uint64_t when)
{
	uint64_t d;

	if (when <= now)
		return 0;
	d = when - now;
	if (d > 20000000ull)	/* look at the phase at least every 20 ms */
		return 20;
	return (int)((d + 999999) / 1000000);
}

static void *
worker(void *arg)
{
	struct lc_worker *w = arg;
	struct lc_run *r = w->run;
	const struct vc_opts *o = r->o;
	struct epoll_event evs[LC_EVENTS];

	w->last_credit = nio_now();
	for (;;) {
		uint64_t now = nio_now(), wake, x;
		int phase = atomic_load_explicit(&r->phase, memory_order_acquire);
		int n, i;

		if (phase == PH_ABORT)
			break;
		if (phase == PH_STOP && !w->stop_seen) {
			w->stop_seen = true;
			w->t_stop = atomic_load_explicit(&r->t_stop, memory_order_relaxed);
			w->close_deadline = w->t_stop +
			    (uint64_t)((double)r->n / r->disc_rate * 1e9) + LC_CLOSE_MAX;
			if (o->no_disconnect)
				break;
		}
		if (phase == PH_RAMP || phase == PH_HOLD)
			connects_due(w, now);
		if (phase == PH_STOP) {
			disconnects_due(w, now);
			if (w->next_disc == w->n && (w->n_active == 0 || now >= w->close_deadline))
				break;
		}
		if (vc_next_timeout(w->vc) <= now)
			vc_handle_timeout(w->vc, now);
		if (phase != PH_STOP)
			traffic(w, now);
		flush(w, now);

		wake = vc_next_timeout(w->vc);
		if (phase != PH_STOP) {
			if (w->next_connect < w->n && (x = connect_time(w, w->next_connect)) < wake)
				wake = x;
			if ((x = traffic_wait(w)) != UINT64_MAX && now + x < wake)
				wake = now + x;
		} else if (w->next_disc < w->n && (x = disc_time(w, w->next_disc)) < wake) {
			wake = x;
		}
		n = epoll_wait(w->ep, evs, LC_EVENTS, wait_ms(now, wake));
		if (n <= 0)
			continue;
		now = nio_now();
		for (i = 0; i < n; i++)
			receive(w, now, evs[i].data.u32);
		flush(w, now);
	}
	flush(w, nio_now());
	atomic_fetch_add_explicit(&r->finished, 1, memory_order_release);
	return NULL;
}

/* ---- setup and teardown ----------------------------------------------- */

static void
worker_free(struct lc_worker *w)
{
	uint32_t i;

	if (w->cl != NULL)
		for (i = 0; i < w->n; i++)
			if (w->cl[i].fd >= 0)
				close(w->cl[i].fd);
	if (w->ep >= 0)
		close(w->ep);
	vc_free(w->vc);
	free(w->cl);
	free(w->up);
	free(w->lat_us);
	free(w->up_ms);
	free(w->rtt_us);
	free(w->rxbuf);
	free(w->txbuf);
}

static int
worker_init(struct lc_run *r, struct lc_worker *w, unsigned id, char *err, size_t errlen)
{
	const struct vc_opts *o = r->o;
	struct vc_params p = o->p;
	struct vc_hooks h = { .user = w, .rng = lc_rng, .log = o->verbose ? lc_log : NULL };
	uint32_t i;

	w->run = r;
	w->id = id;
	w->ep = -1;
	w->n = (r->n - id + r->nt - 1) / r->nt;
	w->prng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)id << 32 | 1);
	p.max_clients = w->n;
	if (vc_new(&w->vc, &p, &h, err, errlen) != 0)
		return -1;
	w->cl = calloc(w->n, sizeof(*w->cl));
	w->up = calloc(w->n, sizeof(*w->up));
	w->lat_us = calloc(w->n, sizeof(*w->lat_us));
	w->up_ms = calloc(w->n, sizeof(*w->up_ms));
	w->rtt_us = calloc(LC_RTT_CAP, sizeof(*w->rtt_us));
	w->rxbuf = calloc(LC_BATCH, RG_BUF_SIZE);
	w->txbuf = calloc(LC_BATCH, RG_BUF_SIZE);
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	if (w->cl == NULL || w->up == NULL || w->lat_us == NULL || w->up_ms == NULL ||
	    w->rtt_us == NULL ||
	    w->rxbuf == NULL || w->txbuf == NULL || w->ep < 0) {
		snprintf(err, errlen, "worker %u: %s", id, strerror(errno ? errno : ENOMEM));
		return -1;
	}
	for (i = 0; i < w->n; i++)
		w->cl[i].fd = -1;
	for (i = 0; i < w->n; i++) {
		struct lc_client *c = &w->cl[i];
		uint32_t gi = i * r->nt + id;
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		uint32_t src;
		char a[16];

		c->gidx = gi;
		if (vc_add(w->vc, LC_PRIV_BASE + gi) != (int)i) {
			snprintf(err, errlen, "client %u: the core refused it", gi);
			return -1;
		}
		src = r->addrs[(uint64_t)gi * r->n_addrs / r->n];
		c->fd = nio_udp_open(src, (uint16_t)(o->base_port + gi));
		if (c->fd < 0) {
			snprintf(err, errlen, "client %u: UDP %s:%u: %s", gi,
			    pkt_ntoa(src, a), o->base_port + gi, strerror(errno));
			return -1;
		}
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* ---- the main thread: phases, snapshots, report ----------------------- */

struct lc_snap {
	uint64_t t;
	double cpu;
	uint64_t v[C_N];
};

static void
snap_take(struct lc_run *r, struct lc_snap *s)
{
	uint32_t i, k;

	s->t = nio_now();
	s->cpu = cpu_seconds(RUSAGE_SELF);
	memset(s->v, 0, sizeof(s->v));
	for (i = 0; i < r->nt; i++)
		for (k = 0; k < C_N; k++)
			s->v[k] += ctr_get(&r->w[i].c[k]);
}

static void
snap_print(FILE *f, struct lc_run *r, const struct lc_snap *s)
{
	fprintf(f, "load: snapshot t_ms=%llu up=%llu setups_ok=%llu setups_failed=%llu "
	    "tx_pkts=%llu tx_bytes=%llu rx_pkts=%llu rx_bytes=%llu wire_tx=%llu wire_rx=%llu "
	    "cpu_ms=%.0f\n",
	    (unsigned long long)((s->t - r->t0) / 1000000),
	    (unsigned long long)s->v[C_UP_NOW], (unsigned long long)s->v[C_SETUPS_OK],
	    (unsigned long long)s->v[C_SETUPS_FAILED], (unsigned long long)s->v[C_TX_PKTS],
	    (unsigned long long)s->v[C_TX_BYTES], (unsigned long long)s->v[C_RX_PKTS],
	    (unsigned long long)s->v[C_RX_BYTES], (unsigned long long)s->v[C_WIRE_TX],
	    (unsigned long long)s->v[C_WIRE_RX], s->cpu * 1000);
	fflush(f);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Percentile q (0..1) of sorted v[0..n), in ms; 0 when empty. */
static double
pct_ms(const uint32_t *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1] / 1000.0;
}

enum lc_samples { S_LAT, S_UP, S_RTT };

/* Merges the workers' samples of one kind into one sorted array. */
static uint32_t *
merge_sorted(struct lc_run *r, enum lc_samples kind, size_t *n_out)
{
	size_t n = 0, k = 0;
	uint32_t i, *v;
	bool rtt = kind == S_RTT;

	for (i = 0; i < r->nt; i++)
		n += rtt ? r->w[i].n_rtt : r->w[i].n_lat;
	*n_out = n;
	if (n == 0 || (v = malloc(n * sizeof(*v))) == NULL) {
		*n_out = 0;
		return NULL;
	}
	for (i = 0; i < r->nt; i++) {
		const uint32_t *src = rtt ? r->w[i].rtt_us : kind == S_UP ? r->w[i].up_ms :
		    r->w[i].lat_us;
		uint32_t m = rtt ? r->w[i].n_rtt : r->w[i].n_lat;

		memcpy(v + k, src, m * sizeof(*v));
		k += m;
	}
	qsort(v, n, sizeof(*v), cmp_u32);
	return v;
}

static void
merge_causes(struct lc_run *r, bool drops, struct lc_causes *out)
{
	uint32_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->nt; i++) {
		const struct lc_causes *cs = drops ? &r->w[i].drop : &r->w[i].fail;

		for (j = 0; j < cs->n; j++) {
			uint64_t k;

			for (k = 0; k < cs->c[j].n; k++)
				cause_add(out, cs->c[j].why);
		}
		out->other += cs->other;
	}
}

static double
mbps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 8 / ((double)ns / 1e9) / 1e6 : 0;
}

static double
per_s(uint64_t n, uint64_t ns)
{
	return ns ? (double)n / ((double)ns / 1e9) : 0;
}

/*
 * The completion rate while the pipeline is full: from the first connect
 * plus the median setup time (the first clients are through) to the last
 * connect (new ones still arrive), the clients that came up in that span
 * per second of it.  When that span is under a second (a short ramp, a
 * long setup), the overall rate.  up_ms is sorted, times in ms after t0.
 */
static double
steady_rate(const uint32_t *up_ms, size_t n, uint64_t from_ms, uint64_t to_ms,
    double overall)
{
	size_t i, k = 0;

	if (to_ms < from_ms + 1000)
		return overall;
	for (i = 0; i < n; i++)
		if (up_ms[i] >= from_ms && up_ms[i] <= to_ms)
			k++;
	return (double)k / ((double)(to_ms - from_ms) / 1e3);
}

struct lc_result {
	struct lc_snap start, hold, stop, end;
	uint64_t held, up_at_end;
	uint32_t *lat, *up, *rtt;
	size_t n_lat, n_up, n_rtt;
	struct lc_causes fail, drop;
	uint64_t first_connect, last_connect, last_up;
	uint64_t lag_max, lag_sum;
	uint32_t data_size;
	bool interrupted;
	char local[40];
};

static void
report(FILE *f, struct lc_run *r, const struct lc_result *x)
{
	const struct vc_opts *o = r->o;
	const uint64_t *e = x->end.v, *h0 = x->hold.v, *h1 = x->stop.v;
	uint64_t hold_ns = x->stop.t - x->hold.t, run_ns = x->end.t - x->start.t;
	uint64_t setup_ns = x->last_up > x->first_connect ? x->last_up - x->first_connect : 0;
	uint64_t wire = (h1[C_WIRE_TX] - h0[C_WIRE_TX]) + (h1[C_WIRE_RX] - h0[C_WIRE_RX]);
	double hold_cpu = x->stop.cpu - x->hold.cpu;
	char g[16];
	uint32_t i;

	fprintf(f, "load: clients=%u threads=%u rate=%.1f hold_s=%.1f gateway=%s local=%s "
	    "ports=%u-%u\n", r->n, r->nt, o->rate, o->duration_s, pkt_ntoa(o->p.gw_ip, g),
	    x->local, o->base_port, o->base_port + r->n - 1);
	fprintf(f, "load: setups_ok=%llu\n", (unsigned long long)e[C_SETUPS_OK]);
	fprintf(f, "load: setups_failed=%llu\n", (unsigned long long)e[C_SETUPS_FAILED]);
	for (i = 0; i < x->fail.n; i++)
		fprintf(f, "load: failure count=%llu cause=\"%s\"\n",
		    (unsigned long long)x->fail.c[i].n, x->fail.c[i].why);
	if (x->fail.other)
		fprintf(f, "load: failure count=%llu cause=\"(other causes)\"\n",
		    (unsigned long long)x->fail.other);
	fprintf(f, "load: setup_s=%.3f\n", (double)setup_ns / 1e9);
	fprintf(f, "load: setups_per_s_overall=%.1f\n", per_s(e[C_SETUPS_OK], setup_ns));
	fprintf(f, "load: setups_per_s=%.1f\n", x->first_connect == 0 ? 0 :
	    steady_rate(x->up, x->n_up, (x->first_connect - r->t0) / 1000000 +
	    (uint64_t)pct_ms(x->lat, x->n_lat, 0.5), (x->last_connect - r->t0) / 1000000,
	    per_s(e[C_SETUPS_OK], setup_ns)));
	fprintf(f, "load: setup_p50_ms=%.1f\n", pct_ms(x->lat, x->n_lat, 0.50));
	fprintf(f, "load: setup_p90_ms=%.1f\n", pct_ms(x->lat, x->n_lat, 0.90));
	fprintf(f, "load: setup_p99_ms=%.1f\n", pct_ms(x->lat, x->n_lat, 0.99));
	fprintf(f, "load: setup_max_ms=%.1f\n", pct_ms(x->lat, x->n_lat, 1.0));
	fprintf(f, "load: ramp_lag_avg_ms=%.2f\n", r->n ? (double)x->lag_sum / r->n / 1e6 : 0);
	fprintf(f, "load: ramp_lag_max_ms=%.2f\n", (double)x->lag_max / 1e6);
	fprintf(f, "load: held=%llu\n", (unsigned long long)x->held);
	fprintf(f, "load: up_at_end=%llu\n", (unsigned long long)x->up_at_end);
	fprintf(f, "load: dropped_while_up=%llu\n", (unsigned long long)e[C_DROPPED]);
	for (i = 0; i < x->drop.n; i++)
		fprintf(f, "load: drop count=%llu cause=\"%s\"\n",
		    (unsigned long long)x->drop.c[i].n, x->drop.c[i].why);
	fprintf(f, "load: hold_window_s=%.3f\n", (double)hold_ns / 1e9);
	fprintf(f, "load: ping_sent=%llu\n", (unsigned long long)e[C_PING_TX]);
	fprintf(f, "load: ping_replies=%llu\n", (unsigned long long)e[C_PING_RX]);
	fprintf(f, "load: rtt_p50_ms=%.2f\n", pct_ms(x->rtt, x->n_rtt, 0.50));
	fprintf(f, "load: rtt_p99_ms=%.2f\n", pct_ms(x->rtt, x->n_rtt, 0.99));
	fprintf(f, "load: data_size=%u\n", x->data_size);
	fprintf(f, "load: data_tx_pkts=%llu\n", (unsigned long long)e[C_TX_PKTS]);
	fprintf(f, "load: data_tx_pps=%.0f\n", per_s(h1[C_TX_PKTS] - h0[C_TX_PKTS], hold_ns));
	fprintf(f, "load: data_tx_mbps=%.1f\n", mbps(h1[C_TX_BYTES] - h0[C_TX_BYTES], hold_ns));
	fprintf(f, "load: data_tx_refused=%llu\n", (unsigned long long)e[C_TX_REFUSED]);
	fprintf(f, "load: data_tx_behind=%llu\n", (unsigned long long)e[C_TX_SKIPPED]);
	fprintf(f, "load: rx_pkts=%llu\n", (unsigned long long)e[C_RX_PKTS]);
	fprintf(f, "load: rx_pps=%.0f\n", per_s(h1[C_RX_PKTS] - h0[C_RX_PKTS], hold_ns));
	fprintf(f, "load: rx_mbps=%.1f\n", mbps(h1[C_RX_BYTES] - h0[C_RX_BYTES], hold_ns));
	fprintf(f, "load: rx_udp=%llu\n", (unsigned long long)e[C_RX_UDP]);
	fprintf(f, "load: rx_icmp_errors=%llu\n", (unsigned long long)e[C_RX_ICMP_ERR]);
	fprintf(f, "load: rx_other=%llu\n", (unsigned long long)e[C_RX_OTHER]);
	fprintf(f, "load: wire_tx=%llu\n", (unsigned long long)e[C_WIRE_TX]);
	fprintf(f, "load: wire_rx=%llu\n", (unsigned long long)e[C_WIRE_RX]);
	fprintf(f, "load: wire_tx_mbps=%.1f\n",
	    mbps(h1[C_WIRE_TX_BYTES] - h0[C_WIRE_TX_BYTES], hold_ns));
	fprintf(f, "load: wire_rx_mbps=%.1f\n",
	    mbps(h1[C_WIRE_RX_BYTES] - h0[C_WIRE_RX_BYTES], hold_ns));
	fprintf(f, "load: send_failed=%llu\n", (unsigned long long)e[C_SEND_FAILED]);
	fprintf(f, "load: rx_foreign=%llu\n", (unsigned long long)e[C_RX_FOREIGN]);
	fprintf(f, "load: closed=%llu\n", (unsigned long long)e[C_CLOSED]);
	fprintf(f, "load: setup_aborted=%llu\n", (unsigned long long)e[C_UNFINISHED]);
	fprintf(f, "load: cpu_s=%.2f\n", x->end.cpu - x->start.cpu);
	fprintf(f, "load: cpu_pct=%.1f\n",
	    run_ns ? (x->end.cpu - x->start.cpu) / ((double)run_ns / 1e9) * 100 : 0);
	fprintf(f, "load: hold_cpu_pct=%.1f\n",
	    hold_ns ? hold_cpu / ((double)hold_ns / 1e9) * 100 : 0);
	fprintf(f, "load: hold_cpu_us_per_datagram=%.2f\n", wire ? hold_cpu * 1e6 / (double)wire : 0);
	fprintf(f, "load: setup_cpu_ms_per_client=%.3f\n", e[C_SETUPS_OK] ?
	    (x->hold.cpu - x->start.cpu) * 1e3 / (double)e[C_SETUPS_OK] : 0);
	fprintf(f, "load: result=%s\n", x->interrupted ? "interrupted" :
	    e[C_SETUPS_OK] == r->n ? "all-connected" : "some-failed");
	fflush(f);
}

static int
raise_nofile(uint32_t need, char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur >= need)
		return 0;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		snprintf(err, errlen, "%u sockets need RLIMIT_NOFILE %u: %s (raise it, e.g. "
		    "ulimit -n, or run as root)", need - 64, need, strerror(errno));
		return -1;
	}
	return 0;
}

static void
go_stop(struct lc_run *r, struct lc_result *x, bool hold_seen)
{
	snap_take(r, &x->stop);
	if (!hold_seen)
		x->hold = x->stop;
	x->up_at_end = x->stop.v[C_UP_NOW];
	atomic_store_explicit(&r->t_stop, x->stop.t, memory_order_relaxed);
	atomic_store_explicit(&r->phase, PH_STOP, memory_order_release);
	printf("load: phase=stop t_ms=%llu up=%llu\n",
	    (unsigned long long)((x->stop.t - r->t0) / 1000000),
	    (unsigned long long)x->up_at_end);
	fflush(stdout);
}

int
load_run(const struct vc_opts *o)
{
	struct lc_run r;
	struct lc_result x;
	sigset_t ss;
	char err[256];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t i, started = 0;
	bool hold_seen = false;
	int rc = 2;

	memset(&r, 0, sizeof(r));
	memset(&x, 0, sizeof(x));
	r.o = o;
	r.n = o->load;
	r.nt = o->threads ? o->threads : 1;
	if (r.n > LC_MAX_CLIENTS || (uint32_t)o->base_port + r.n - 1 > 65535 ||
	    o->base_port < 1024) {
		fprintf(stderr, "vpn-client: --load %u from --base-port %u does not fit the "
		    "ports 1024-65535 (at most %u clients)\n", r.n, o->base_port,
		    LC_MAX_CLIENTS);
		return 2;
	}
	if (r.nt > LC_MAX_THREADS || (cores > 0 && r.nt > (uint32_t)cores) || r.nt > r.n) {
		fprintf(stderr, "vpn-client: --threads %u: at most one per core (%ld) and per "
		    "client\n", r.nt, cores);
		return 2;
	}
	if (o->rate <= 0 || o->size < PKT_IPV4_HDR + PKT_UDP_HDR + 16 ||
	    o->size > RG_MAX_PKT - 64 || o->pps < 0 || o->ping_s < 0 || o->duration_s < 0) {
		fprintf(stderr, "vpn-client: --rate > 0, --size 44..%u, --pps/--ping/--duration "
		    ">= 0\n", RG_MAX_PKT - 64);
		return 2;
	}
	r.disc_rate = o->rate > LC_DISC_MIN_RATE ? o->rate : LC_DISC_MIN_RATE;
	r.local_ip = o->local_ip ? o->local_ip : nio_route_source(o->p.gw_ip);
	if (r.local_ip == 0) {
		fprintf(stderr, "vpn-client: no route to the gateway\n");
		return 2;
	}
	r.n_addrs = local_addrs(r.local_ip, r.addrs, LC_MAX_ADDRS);
	if (r.n_addrs > r.n)
		r.n_addrs = r.n;
	{
		char a[16], b[16];

		snprintf(x.local, sizeof(x.local), "%s-%s", pkt_ntoa(r.addrs[0], a),
		    pkt_ntoa(r.addrs[r.n_addrs - 1], b));
	}
	if (raise_nofile(r.n + r.nt * 2 + 64, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpn-client: %s\n", err);
		return 2;
	}
	r.w = aligned_alloc(64, sizeof(*r.w) * r.nt);
	if (r.w == NULL) {
		fprintf(stderr, "vpn-client: out of memory\n");
		return 2;
	}
	memset(r.w, 0, sizeof(*r.w) * r.nt);
	for (i = 0; i < r.nt; i++)
		r.w[i].ep = -1;
	for (i = 0; i < r.nt; i++)
		if (worker_init(&r, &r.w[i], i, err, sizeof(err)) != 0) {
			fprintf(stderr, "vpn-client: %s\n", err);
			goto out;
		}

	/* Signals go to the main thread only. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &ss, NULL);
	r.t0 = nio_now() + 20000000ull;
	atomic_store(&r.phase, PH_RAMP);
	snap_take(&r, &x.start);
	for (i = 0; i < r.nt; i++) {
		if (pthread_create(&r.w[i].th, NULL, worker, &r.w[i]) != 0) {
			fprintf(stderr, "vpn-client: thread: %s\n", strerror(errno));
			atomic_store(&r.phase, PH_ABORT);
			break;
		}
		r.w[i].started = true;
		started++;
	}
	printf("load: phase=ramp clients=%u threads=%u rate=%.1f\n", r.n, r.nt, o->rate);
	fflush(stdout);
	while (started == r.nt) {
		struct timespec ts = { 0, 20000000 };
		uint64_t now;
		int sig = sigtimedwait(&ss, NULL, &ts), phase;

		now = nio_now();
		phase = atomic_load(&r.phase);
		if (sig == SIGUSR1) {
			struct lc_snap s;

			snap_take(&r, &s);
			snap_print(stdout, &r, &s);
		} else if (sig == SIGINT || sig == SIGTERM) {
			if (phase == PH_RAMP || phase == PH_HOLD) {
				x.interrupted = true;
				go_stop(&r, &x, hold_seen);
			} else {
				atomic_store(&r.phase, PH_ABORT);
			}
			continue;
		}
		if (phase == PH_RAMP) {
			uint64_t ramp_end = r.t0 + (uint64_t)((double)r.n / o->rate * 1e9);

			if (atomic_load(&r.settled) >= r.n || now >= ramp_end + LC_SETTLE_MAX) {
				snap_take(&r, &x.hold);
				hold_seen = true;
				x.held = x.hold.v[C_UP_NOW];
				atomic_store(&r.phase, PH_HOLD);
				printf("load: phase=hold t_ms=%llu up=%llu\n",
				    (unsigned long long)((x.hold.t - r.t0) / 1000000),
				    (unsigned long long)x.held);
				fflush(stdout);
			}
		} else if (phase == PH_HOLD) {
			if (now >= x.hold.t + (uint64_t)(o->duration_s * 1e9))
				go_stop(&r, &x, hold_seen);
		}
		if (atomic_load(&r.finished) >= r.nt)
			break;
	}
	for (i = 0; i < r.nt; i++)
		if (r.w[i].started)
			pthread_join(r.w[i].th, NULL);
	if (started != r.nt)
		goto out;
	snap_take(&r, &x.end);
	if (x.stop.t == 0) {
		x.stop = x.end;
		if (!hold_seen)
			x.hold = x.end;
	}
	for (i = 0; i < r.nt; i++) {
		struct lc_worker *w = &r.w[i];

		if (w->first_connect && (x.first_connect == 0 || w->first_connect < x.first_connect))
			x.first_connect = w->first_connect;
		if (w->last_up > x.last_up)
			x.last_up = w->last_up;
		if (w->last_connect > x.last_connect)
			x.last_connect = w->last_connect;
		if (w->lag_max > x.lag_max)
			x.lag_max = w->lag_max;
		x.lag_sum += w->lag_sum;
		if (w->data_size > x.data_size)
			x.data_size = w->data_size;
	}
	x.lat = merge_sorted(&r, S_LAT, &x.n_lat);
	x.up = merge_sorted(&r, S_UP, &x.n_up);
	x.rtt = merge_sorted(&r, S_RTT, &x.n_rtt);
	merge_causes(&r, false, &x.fail);
	merge_causes(&r, true, &x.drop);
	printf("load: phase=done t_ms=%llu\n", (unsigned long long)((x.end.t - r.t0) / 1000000));
	report(stdout, &r, &x);
	if (o->report != NULL) {
		FILE *f = fopen(o->report, "w");

		if (f == NULL || (report(f, &r, &x), fclose(f) != 0))
			fprintf(stderr, "vpn-client: %s: %s\n", o->report, strerror(errno));
	}
	rc = x.end.v[C_SETUPS_OK] == r.n ? 0 : 1;
	free(x.lat);
	free(x.up);
	free(x.rtt);
out:
	for (i = 0; i < r.nt; i++)
		worker_free(&r.w[i]);
	free(r.w);
	return rc;
}
