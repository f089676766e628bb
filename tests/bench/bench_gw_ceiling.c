/*
 * bench_gw_ceiling.c - this machine's ceiling for vpn-gateway's data path, and the
 * plain traffic tools of tests/bench/bench_gw.sh.
 *
 * The ceiling is the least a gateway must do per packet on one core: batched
 * UDP receive -> the suite's cipher -> TUN write (upstream), and TUN read ->
 * the cipher -> batched UDP send (downstream), with no protocol work (no
 * L2TP, PPP, firewall, routing table of sessions).  The cipher step is
 * libesp's public API (esp_input / esp_sa_encrypt, the same EVP and
 * libsodium code the gateway runs) on one tunnel-mode SA in UDP
 * encapsulation; the socket and TUN calls are examples/common/netio's, the
 * gateway's own.  vpn-gateway does all of this and more, so its throughput
 * can only approach these rates; bench_gw.sh divides one by the other.
 *
 * Modes of bench_gw_ceiling MODE (addresses a.b.c.d, ports decimal, sizes in IP bytes):
 *   up-rx   --suite S --port P --tun NAME
 *           receive ESP-in-UDP on P, decrypt, write the inner packet to TUN
 *   up-tx   --suite S --dst A:P --src A:P --from A --target A:P --size B
 *           build inner UDP packets from A (to target), encrypt, send to
 *           dst from src, as fast as possible (the ceiling's load)
 *   down    --suite S --tun NAME --dst A:P --src A:P
 *           read the TUN, encrypt, send the ESP-in-UDP datagrams to dst
 *   down-rx --suite S --port P --src A
 *           receive ESP-in-UDP on A:P, decrypt, count
 *   blast   --dst A:P --count K --size B [--pps X]
 *           plain UDP to the K addresses from A on (round robin), flat out
 *           or at X packets per second
 *   sink    --port P
 *           receive plain UDP, count
 * Every mode runs until SIGTERM/SIGINT; SIGUSR1 prints a line
 *   ceiling: mode=M t_ns=T pkts=N bytes=B cpu_ms=C drops=D
 * (bytes are inner IP bytes; drops what failed: decryption, a full socket
 * or TUN queue) so a script can take the rate over a window of its choice;
 * the same line is printed at exit.  Suites: aes128gcm16, aes128-sha1,
 * 3des-sha1.  Both ends derive the same fixed keys from the suite name:
 * this is a benchmark, never a way to protect traffic.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <roadgate/esp.h>

#include "netio.h"
#include "pkt.h"

#define BATCH		64
#define SPI		0x52474301u
#define INNER_SPORT	40000

struct suite {
	const char *name;
	enum esp_enc_alg enc;
	size_t key_len;
	enum esp_integ_alg integ;
	size_t integ_len;
};

static const struct suite suites[] = {
	{ "aes128gcm16", ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE, 0 },
	{ "aes128-sha1", ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA1_96, 20 },
	{ "3des-sha1", ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_SHA1_96, 20 },
};

struct opts {
	const char *mode;
	const struct suite *suite;
	const char *tun;
	struct rg_ep dst, src, target;
	uint32_t from;
	uint16_t port;
	uint32_t count, size;
	double pps;
};

static struct {
	uint64_t pkts, bytes, drops;
	uint64_t t0;
	int sigfd;
	uint8_t *bufs;
	struct nio_dgram d[BATCH], o[BATCH];
} G;

static int
rng(void *user, void *buf, size_t len)
{
	(void)user;
	return len > 0x7fffffff || RAND_bytes(buf, (int)len) != 1 ? -1 : 0;
}

static double
cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	    ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

static void
report(const char *mode)
{
	printf("ceiling: mode=%s t_ns=%llu pkts=%llu bytes=%llu cpu_ms=%.0f drops=%llu\n",
	    mode, (unsigned long long)(nio_now() - G.t0), (unsigned long long)G.pkts,
	    (unsigned long long)G.bytes, cpu_ms(), (unsigned long long)G.drops);
	fflush(stdout);
}

/* 1 = stop, 0 = go on; prints a report on SIGUSR1. */
static int
signals(const char *mode)
{
	struct signalfd_siginfo si;

	while (read(G.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1)
			report(mode);
		else
			return 1;
	}
	return 0;
}

static int
parse_ep(const char *s, struct rg_ep *ep)
{
	char a[32], *colon;

	snprintf(a, sizeof(a), "%s", s);
	if ((colon = strchr(a, ':')) == NULL)
		return -1;
	*colon = '\0';
	ep->port = (uint16_t)strtoul(colon + 1, NULL, 10);
	return pkt_aton(a, &ep->ip);
}

/* The fixed SA of both ends (dir = ours). */
static int
sa_make(struct esp_ctx *esp, const struct suite *s, enum esp_dir dir,
    const struct rg_ep *local, const struct rg_ep *peer, struct esp_sa **out)
{
	struct esp_sa_config c;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.spi = SPI;
	c.dir = dir;
	c.mode = ESP_MODE_TUNNEL;
	c.enc_alg = s->enc;
	c.enc_key_len = s->key_len;
	for (i = 0; i < s->key_len; i++)
		c.enc_key[i] = (uint8_t)(0x11 * i + 3);
	memcpy(c.salt, "salt", ESP_SALT_LEN);
	c.integ_alg = s->integ;
	c.integ_key_len = s->integ_len;
	for (i = 0; i < s->integ_len; i++)
		c.integ_key[i] = (uint8_t)(0x07 * i + 5);
	c.replay_window = 1024;
	c.local_addr = local->ip;
	c.peer_addr = peer->ip;
	c.udp_encap = true;
	c.encap_sport = local->port;
	c.encap_dport = peer->port;
	c.natt_csum = ESP_NATT_CSUM_NONE;
	rc = esp_sa_add(esp, 0, &c, out);
	memset(&c, 0, sizeof(c));
	return rc;
}

static void
bufs_in(void)
{
	size_t i;

	for (i = 0; i < BATCH; i++) {
		G.d[i].data = G.bufs + i * RG_BUF_SIZE + RG_HEADROOM;
		G.d[i].cap = RG_MAX_PKT;
	}
}

/* Waits (at most 100 ms) for fd to be readable, as the gateway's epoll
 * does when its queues are empty. */
static void
wait_in(int fd)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { G.sigfd, POLLIN, 0 } };

	(void)poll(p, 2, 100);
}

/* UDP (ESP) -> decrypt -> TUN; with tun < 0 only count. */
static int
run_rx(struct esp_ctx *esp, int fd, int tun, const char *mode)
{
	while (!signals(mode)) {
		size_t i, m = 0;
		int r;

		bufs_in();
		r = nio_udp_recv(fd, 0, G.d, BATCH);
		if (r < 0)
			return 1;
		if (r == 0) {
			wait_in(fd);
			continue;
		}
		for (i = 0; i < (size_t)r; i++) {
			struct esp_endpoint from = { G.d[i].remote_ip, G.d[i].remote_port };
			struct esp_rx rx;

			if (G.d[i].len == 0 ||
			    esp_input(esp, 0, G.d[i].data, G.d[i].len, &from, &rx) != ESP_OK) {
				G.drops++;
				continue;
			}
			G.o[m].data = G.d[i].data + rx.off;
			G.o[m].len = rx.len;
			m++;
		}
		if (tun >= 0 && m > 0) {
			uint64_t failed = 0;
			int w = nio_tun_send(tun, G.o, m, &failed);

			G.drops += failed;
			m = w > 0 ? (size_t)w : 0;
		}
		for (i = 0; i < m; i++)
			G.bytes += G.o[i].len;
		G.pkts += m;
	}
	return 0;
}

/* Encrypts the inner packets of G.d[0..n) in place and sends them. */
static void
seal_send(struct esp_ctx *esp, struct esp_sa *sa, int fd, const struct rg_ep *dst,
    size_t n)
{
	uint64_t failed = 0, bytes = 0;
	size_t i, m = 0;
	int r;

	for (i = 0; i < n; i++) {
		uint8_t *buf = G.d[i].data - RG_HEADROOM;
		size_t off = RG_HEADROOM, len = G.d[i].len;

		if (esp_sa_encrypt(esp, 0, sa, 4, buf, RG_BUF_SIZE, &off, &len) != ESP_OK) {
			G.drops++;
			continue;
		}
		bytes += G.d[i].len;
		G.o[m].data = buf + off;
		G.o[m].len = len;
		G.o[m].local_ip = 0;
		G.o[m].remote_ip = dst->ip;
		G.o[m].remote_port = dst->port;
		m++;
	}
	if (m == 0)
		return;
	r = nio_udp_send(fd, G.o, m, &failed);
	G.drops += failed;
	if (r == (int)m) {
		G.pkts += m;
		G.bytes += bytes;
	} else if (r > 0) {
		G.pkts += (uint64_t)r;
		G.bytes += bytes / m * (uint64_t)r;
	}
}

/* TUN -> encrypt -> UDP. */
static int
run_down(struct esp_ctx *esp, struct esp_sa *sa, int tun, int fd, const struct rg_ep *dst)
{
	while (!signals("down")) {
		int r;

		bufs_in();
		r = nio_tun_recv(tun, G.d, BATCH);
		if (r < 0)
			return 1;
		if (r == 0) {
			wait_in(tun);
			continue;
		}
		seal_send(esp, sa, fd, dst, (size_t)r);
	}
	return 0;
}

/* Inner UDP packets of size bytes from `from` to target, encrypted, sent
 * flat out (the load of up-rx). */
static int
run_up_tx(struct esp_ctx *esp, struct esp_sa *sa, int fd, const struct opts *o)
{
	uint32_t seq = 0;

	while (!signals("up-tx")) {
		size_t i;

		bufs_in();
		for (i = 0; i < BATCH; i++) {
			uint8_t *ip = G.d[i].data;

			seq++;
			pkt_ip_build(ip, o->from, o->target.ip, PKT_PROTO_UDP,
			    (uint16_t)(o->size - PKT_IPV4_HDR), 64, (uint16_t)seq);
			pkt_udp_build(ip + PKT_IPV4_HDR, INNER_SPORT, o->target.port,
			    (uint16_t)(o->size - PKT_IPV4_HDR - PKT_UDP_HDR));
			memset(ip + PKT_IPV4_HDR + PKT_UDP_HDR, 0,
			    o->size - PKT_IPV4_HDR - PKT_UDP_HDR);
			pkt_put32(ip + PKT_IPV4_HDR + PKT_UDP_HDR, seq);
			G.d[i].len = o->size;
		}
		seal_send(esp, sa, fd, &o->dst, BATCH);
	}
	return 0;
}

/* Plain UDP to count addresses from dst.ip on, round robin. */
static int
run_blast(int fd, const struct opts *o)
{
	uint64_t start = nio_now(), sent_total = 0;
	uint32_t k = 0;
	size_t payload = o->size - PKT_IPV4_HDR - PKT_UDP_HDR;

	memset(G.bufs, 0x5a, payload);
	while (!signals("blast")) {
		uint64_t failed = 0;
		size_t i, n = BATCH;
		int r;

		if (o->pps > 0) {
			double due = (double)(nio_now() - start) / 1e9 * o->pps;

			if (due < (double)sent_total + 1) {
				usleep(200);
				continue;
			}
			if (due - (double)sent_total < (double)n)
				n = (size_t)(due - (double)sent_total);
		}
		for (i = 0; i < n; i++) {
			G.o[i].data = G.bufs;
			G.o[i].len = payload;
			G.o[i].local_ip = 0;
			G.o[i].remote_ip = o->dst.ip + k;
			G.o[i].remote_port = o->dst.port;
			k = (k + 1) % o->count;
		}
		r = nio_udp_send(fd, G.o, n, &failed);
		G.drops += failed;
		sent_total += n;
		if (r > 0) {
			G.pkts += (uint64_t)r;
			G.bytes += (uint64_t)r * o->size;
		}
	}
	return 0;
}

static int
run_sink(int fd)
{
	while (!signals("sink")) {
		int r, i;

		bufs_in();
		r = nio_udp_recv(fd, 0, G.d, BATCH);
		if (r < 0)
			return 1;
		if (r == 0) {
			wait_in(fd);
			continue;
		}
		for (i = 0; i < r; i++)
			G.bytes += G.d[i].len + PKT_IPV4_HDR + PKT_UDP_HDR;
		G.pkts += (uint64_t)r;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
"usage: bench_gw_ceiling up-rx   --suite S --port P --tun NAME\n"
"       bench_gw_ceiling up-tx   --suite S --dst A:P --src A:P --from A --target A:P --size B\n"
"       bench_gw_ceiling down    --suite S --tun NAME --dst A:P --src A:P\n"
"       bench_gw_ceiling down-rx --suite S --port P --src A\n"
"       bench_gw_ceiling blast   --dst A:P --count K --size B [--pps X]\n"
"       bench_gw_ceiling sink    --port P\n"
"suites: aes128gcm16 aes128-sha1 3des-sha1; SIGUSR1 prints the counters\n");
}

static int
parse(struct opts *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->count = 1;
	o->size = 1400;
	if (argc < 2)
		return -1;
	o->mode = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (strcmp(k, "--suite") == 0) {
			size_t j;

			for (j = 0; j < sizeof(suites) / sizeof(suites[0]); j++)
				if (strcmp(v, suites[j].name) == 0)
					o->suite = &suites[j];
			if (o->suite == NULL)
				return -1;
		} else if (strcmp(k, "--tun") == 0) {
			o->tun = v;
		} else if (strcmp(k, "--dst") == 0) {
			if (parse_ep(v, &o->dst) != 0)
				return -1;
		} else if (strcmp(k, "--src") == 0) {
			if (parse_ep(v, &o->src) != 0 && pkt_aton(v, &o->src.ip) != 0)
				return -1;
		} else if (strcmp(k, "--target") == 0) {
			if (parse_ep(v, &o->target) != 0)
				return -1;
		} else if (strcmp(k, "--from") == 0) {
			if (pkt_aton(v, &o->from) != 0)
				return -1;
		} else if (strcmp(k, "--port") == 0) {
			o->port = (uint16_t)strtoul(v, NULL, 10);
		} else if (strcmp(k, "--count") == 0) {
			o->count = (uint32_t)strtoul(v, NULL, 10);
		} else if (strcmp(k, "--size") == 0) {
			o->size = (uint32_t)strtoul(v, NULL, 10);
		} else if (strcmp(k, "--pps") == 0) {
			o->pps = atof(v);
		} else {
			return -1;
		}
	}
	if (i != argc || o->count == 0 || o->size < 64 || o->size > RG_MAX_PKT - 64)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct esp_ctx *esp = NULL;
	struct esp_sa *sa = NULL;
	struct esp_config ec;
	struct esp_hooks eh = { .rng = rng };
	sigset_t ss;
	bool needs_sa;
	int fd = -1, tun = -1, rc = 2;
	char name[16] = "";

	if (parse(&o, argc, argv) != 0) {
		usage();
		return 2;
	}
	needs_sa = strcmp(o.mode, "blast") != 0 && strcmp(o.mode, "sink") != 0;
	if (needs_sa && o.suite == NULL) {
		usage();
		return 2;
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	G.sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	G.bufs = calloc(BATCH, RG_BUF_SIZE);
	if (G.sigfd < 0 || G.bufs == NULL)
		return 2;
	if (needs_sa) {
		memset(&ec, 0, sizeof(ec));
		ec.size = sizeof(ec);
		ec.max_sas = 8;
		ec.replay_window = 1024;
		if (esp_ctx_new(&esp, &ec, &eh) != ESP_OK) {
			fprintf(stderr, "ceiling: esp_ctx_new failed\n");
			return 2;
		}
	}
	if (o.tun != NULL) {
		snprintf(name, sizeof(name), "%s", o.tun);
		if ((tun = nio_tun_open(name)) < 0 || nio_tun_up(name, 1500, 0) != 0) {
			fprintf(stderr, "ceiling: TUN %s: %s\n", o.tun, strerror(errno));
			goto out;
		}
	}
	if (strcmp(o.mode, "up-rx") == 0 || strcmp(o.mode, "down-rx") == 0) {
		struct rg_ep any = { 0, 0 }, me = { o.src.ip, o.port };

		if (tun < 0 && strcmp(o.mode, "up-rx") == 0) {
			usage();
			goto out;
		}
		if ((fd = nio_udp_open(o.src.ip, o.port)) < 0 ||
		    sa_make(esp, o.suite, ESP_DIR_IN, &me, &any, &sa) != ESP_OK) {
			fprintf(stderr, "ceiling: UDP %u or SA: %s\n", o.port, strerror(errno));
			goto out;
		}
		printf("ceiling: mode=%s ready\n", o.mode);
		fflush(stdout);
		G.t0 = nio_now();
		rc = run_rx(esp, fd, tun, o.mode);
		report(o.mode);
	} else if (strcmp(o.mode, "up-tx") == 0 || strcmp(o.mode, "down") == 0) {
		if ((strcmp(o.mode, "down") == 0 && tun < 0) ||
		    (strcmp(o.mode, "up-tx") == 0 && (o.from == 0 || o.target.ip == 0))) {
			usage();
			goto out;
		}
		if ((fd = nio_udp_open(o.src.ip, o.src.port)) < 0 ||
		    sa_make(esp, o.suite, ESP_DIR_OUT, &o.src, &o.dst, &sa) != ESP_OK) {
			fprintf(stderr, "ceiling: UDP or SA: %s\n", strerror(errno));
			goto out;
		}
		printf("ceiling: mode=%s ready\n", o.mode);
		fflush(stdout);
		G.t0 = nio_now();
		rc = strcmp(o.mode, "down") == 0 ? run_down(esp, sa, tun, fd, &o.dst) :
		    run_up_tx(esp, sa, fd, &o);
		report(o.mode);
	} else if (strcmp(o.mode, "blast") == 0 || strcmp(o.mode, "sink") == 0) {
		bool blast = o.mode[0] == 'b';

		if ((fd = nio_udp_open(0, blast ? 0 : o.port)) < 0) {
			fprintf(stderr, "ceiling: UDP: %s\n", strerror(errno));
			goto out;
		}
		printf("ceiling: mode=%s ready\n", o.mode);
		fflush(stdout);
		G.t0 = nio_now();
		rc = blast ? run_blast(fd, &o) : run_sink(fd);
		report(o.mode);
	} else {
		usage();
	}
out:
	if (fd >= 0)
		close(fd);
	if (tun >= 0)
		close(tun);
	esp_ctx_free(esp);
	free(G.bufs);
	return rc;
}
