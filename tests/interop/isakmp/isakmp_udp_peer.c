/*
 * isakmp_udp_peer.c - libisakmp on real UDP sockets, for interop tests
 * (strongSwan charon, ike-scan).  Test code: it does the I/O the library
 * does not (sockets, clock, OS RNG).
 *
 * usage: isakmp_udp_peer responder <local-ip> <psk> [timeout-s] [port]
 *        isakmp_udp_peer initiator <local-ip> <remote-ip> <psk> [timeout-s] [ike]
 *   ike (initiator): 3des-sha1-modp1024 (default) or aes256-sha1-modp2048, ...
 * Binds <local-ip>:500 (or [port]) and <local-ip>:4500.  The responder accepts
 * AES-256/AES-128/3DES with SHA1/SHA2-256 and MODP 1024/2048 and ESP
 * AES-128/256 or 3DES with HMAC-SHA1.  Prints "RESULT: ESTABLISHED ..." and
 * exits 0 at the first IPsec SA; "RESULT: FAILED reason=..." and 1 otherwise.
 * With ISAKMP_PEER_DUMP=<dir>, received datagrams are written there as fuzz
 * seeds (first byte: 0 = port 500, 1 = port 4500).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <roadgate/isakmp.h>

static int
os_rng(void *user, void *buf, size_t len)
{
	(void)user;
	return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

static void
logcb(void *user, int level, const char *msg)
{
	(void)user;
	fprintf(stderr, "isakmp[%d]: %s\n", level, msg);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
bind_udp(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(ip);
	sa.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
parse_ike(const char *s, struct isakmp_p1_proposal *p)
{
	memset(p, 0, sizeof(*p));
	if (strncmp(s, "3des-", 5) == 0) {
		p->enc = ISAKMP_ENC_3DES;
		s += 5;
	} else if (strncmp(s, "aes128-", 7) == 0 || strncmp(s, "aes192-", 7) == 0 ||
	    strncmp(s, "aes256-", 7) == 0) {
		p->enc = ISAKMP_ENC_AES;
		p->key_bits = (uint16_t)atoi(s + 3);
		s += 7;
	} else {
		return -1;
	}
	if (strncmp(s, "sha1-", 5) == 0) {
		p->hash = ISAKMP_HASH_SHA1;
		s += 5;
	} else if (strncmp(s, "sha256-", 7) == 0) {
		p->hash = ISAKMP_HASH_SHA256;
		s += 7;
	} else if (strncmp(s, "md5-", 4) == 0) {
		p->hash = ISAKMP_HASH_MD5;
		s += 4;
	} else {
		return -1;
	}
	if (strcmp(s, "modp1024") == 0)
		p->group = ISAKMP_GROUP_MODP1024;
	else if (strcmp(s, "modp2048") == 0)
		p->group = ISAKMP_GROUP_MODP2048;
	else if (strcmp(s, "ecp256") == 0)
		p->group = ISAKMP_GROUP_ECP256;
	else
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct isakmp_hooks hooks;
	struct isakmp_ctx *ctx = NULL;
	struct isakmp_policy pol, *p = &pol;
	uint32_t pid = 0;
	struct isakmp_event ev;
	struct isakmp_addr local, remote, from, to;
	struct in_addr ia;
	struct pollfd pfd[2];
	uint8_t buf[ISAKMP_MAX_PACKET];
	uint16_t ikeport = 500;
	bool initiator;
	const char *psk;
	uint64_t deadline, t;
	int timeout_s = 30, rc, i;
	const char *dump = getenv("ISAKMP_PEER_DUMP");  /* test code: record seeds */
	unsigned ndump = 0;

	if (argc < 4)
		goto usage;
	initiator = strcmp(argv[1], "initiator") == 0;
	if (!initiator && strcmp(argv[1], "responder") != 0)
		goto usage;
	if (inet_pton(AF_INET, argv[2], &ia) != 1)
		goto usage;
	local.ip = ntohl(ia.s_addr);
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	if (initiator) {
		if (argc < 5 || inet_pton(AF_INET, argv[3], &ia) != 1)
			goto usage;
		remote.ip = ntohl(ia.s_addr);
		remote.port = 500;
		psk = argv[4];
		if (argc > 5)
			timeout_s = atoi(argv[5]);
		if (parse_ike(argc > 6 ? argv[6] : "3des-sha1-modp1024", &p->p1[0]) != 0)
			goto usage;
		p->n_p1 = 1;
	} else {
		psk = argv[3];
		if (argc > 4)
			timeout_s = atoi(argv[4]);
		if (argc > 5)
			ikeport = (uint16_t)atoi(argv[5]);
		parse_ike("aes256-sha1-modp2048", &p->p1[0]);
		parse_ike("aes128-sha1-modp2048", &p->p1[1]);
		parse_ike("aes256-sha256-modp2048", &p->p1[2]);
		parse_ike("3des-sha1-modp1024", &p->p1[3]);
		parse_ike("aes128-sha1-modp1024", &p->p1[4]);
		p->n_p1 = 5;
	}
	if (strlen(psk) > ISAKMP_MAX_PSK)
		goto usage;
	memcpy(p->psk, psk, strlen(psk));
	p->psk_len = strlen(psk);
	p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	p->p2[1] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 256, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	p->p2[2] = (struct isakmp_p2_proposal){ ISAKMP_ESP_3DES, 0, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	p->n_p2 = 3;
	p->natt = true;
	p->send_deletes = true;
	memset(&hooks, 0, sizeof(hooks));
	hooks.rng = os_rng;
	hooks.log = logcb;
	if ((rc = isakmp_ctx_new(&ctx, NULL, &hooks)) != 0 ||
	    (rc = isakmp_policy_add(ctx, p, &pid)) != 0) {
		printf("RESULT: FAILED reason=ctx_new:%s\n", isakmp_strerror(rc));
		return 1;
	}
	pfd[0].fd = bind_udp(local.ip, ikeport);
	pfd[1].fd = bind_udp(local.ip, ISAKMP_NATT_PORT);
	if (pfd[0].fd < 0 || pfd[1].fd < 0) {
		printf("RESULT: FAILED reason=bind:%s\n", strerror(errno));
		return 1;
	}
	pfd[0].events = pfd[1].events = POLLIN;
	local.port = 500;
	if (initiator && (rc = isakmp_initiate(ctx, now_ns(), pid, &local, &remote, NULL)) != 0) {
		printf("RESULT: FAILED reason=initiate:%s\n", isakmp_strerror(rc));
		return 1;
	}
	deadline = now_ns() + (uint64_t)timeout_s * 1000000000ull;
	for (;;) {
		size_t len;
		struct isakmp_addr f, d;

		while (isakmp_next_output(ctx, now_ns(), buf, sizeof(buf), &len, &f, &d) == 0) {
			struct sockaddr_in sa;

			memset(&sa, 0, sizeof(sa));
			sa.sin_family = AF_INET;
			sa.sin_addr.s_addr = htonl(d.ip);
			sa.sin_port = htons(d.port);
			(void)sendto(f.port == ISAKMP_NATT_PORT ? pfd[1].fd : pfd[0].fd, buf, len, 0,
			    (struct sockaddr *)&sa, sizeof(sa));
		}
		while (isakmp_next_event(ctx, &ev)) {
			if (ev.type == ISAKMP_EV_PHASE1_UP) {
				printf("phase1: up enc=%u/%u hash=%u group=%u nat_local=%d nat_remote=%d\n",
				    ev.p1.enc, ev.p1.key_bits, ev.p1.hash, ev.p1.group, ev.nat_local,
				    ev.nat_remote);
			} else if (ev.type == ISAKMP_EV_IPSEC_SA_UP) {
				printf("RESULT: ESTABLISHED spi_in=%08x spi_out=%08x enc=%s integ=%s "
				    "encap=%s nat-t=%s peer=%08x:%u peer_id=%llu\n", ev.sa.spi_in,
				    ev.sa.spi_out, isakmp_esp_enc_name(ev.sa.enc_alg),
				    isakmp_integ_name(ev.sa.integ_alg), isakmp_encap_name(ev.sa.encap),
				    ev.sa.udp_encap ? "yes" : "no", ev.sa.remote.ip, ev.sa.remote.port,
				    (unsigned long long)ev.peer_id);
				fflush(stdout);
				isakmp_event_wipe(&ev);
				isakmp_ctx_free(ctx);
				return 0;
			} else {
				printf("event: %s reason=%s error=%s\n", isakmp_event_name(ev.type),
				    isakmp_reason_name(ev.reason), isakmp_strerror(ev.error));
			}
			isakmp_event_wipe(&ev);
		}
		t = now_ns();
		if (t >= deadline) {
			printf("RESULT: FAILED reason=timeout\n");
			isakmp_ctx_free(ctx);
			return 1;
		}
		{
			uint64_t nt = isakmp_next_timeout(ctx), wait = deadline - t;

			if (nt != UINT64_MAX)
				wait = nt > t ? (nt - t < wait ? nt - t : wait) : 0;
			rc = poll(pfd, 2, (int)(wait / 1000000) + 1);
		}
		if (rc > 0) {
			for (i = 0; i < 2; i++) {
				struct sockaddr_in sa;
				socklen_t sl = sizeof(sa);
				ssize_t n;

				if (!(pfd[i].revents & POLLIN))
					continue;
				n = recvfrom(pfd[i].fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl);
				if (n < 0)
					continue;
				if (dump != NULL && ndump < 16) {
					/* Seed corpus recording: mode byte 0 (fresh responder,
					 * port 500) or 1 (port 4500), then the datagram. */
					char fn[512];
					FILE *df;

					snprintf(fn, sizeof(fn), "%s/isakmp-interop-%s-%02u", dump, argv[1],
					    ndump++);
					if ((df = fopen(fn, "wb")) != NULL) {
						fputc(i, df);
						fwrite(buf, 1, (size_t)n, df);
						fclose(df);
					}
				}
				from.ip = ntohl(sa.sin_addr.s_addr);
				from.port = ntohs(sa.sin_port);
				to.ip = local.ip;
				to.port = i == 0 ? 500 : ISAKMP_NATT_PORT;
				rc = isakmp_input(ctx, now_ns(), buf, (size_t)n, &from, &to);
				if (rc != 0)
					fprintf(stderr, "input: %zd bytes from %08x:%u: %s\n", n, from.ip,
					    from.port, isakmp_strerror(rc));
			}
		}
		isakmp_handle_timeout(ctx, now_ns());
	}
usage:
	fprintf(stderr, "usage: isakmp_udp_peer responder <local-ip> <psk> [timeout-s] [port]\n"
	    "       isakmp_udp_peer initiator <local-ip> <remote-ip> <psk> [timeout-s] [ike]\n");
	return 2;
}
