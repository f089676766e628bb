/*
 * bench_gw_ikeref.c - the reference of bench_gw.sh's setup rate: libisakmp's own
 * Main Mode + Quick Mode completions per second on one core, in memory,
 * as tests/bench/bench_isakmp.c measures them (an initiator and a
 * responder context exchanging datagrams by hand; only the time spent in
 * the responder's isakmp_input() is counted, so the result is what one
 * core of a gateway could do if IKE were all it did - the Diffie-Hellman
 * bound).  The proposals are the bench's: AES-128/SHA1 with the given
 * group, ESP AES-128-GCM, NAT-T on.  Public API only.
 *
 * usage: bench_gw_ikeref GROUP N   (GROUP modp1024 | modp2048 | ecp256)
 * prints: ikeref: group=GROUP sa_per_s=R exchanges=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include <roadgate/isakmp.h>

static int
rng(void *user, void *buf, size_t len)
{
	(void)user;
	return len > 0x7fffffff || RAND_bytes(buf, (int)len) != 1 ? -1 : 0;
}

/* CPU time of this thread: another process's load does not count. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct isakmp_ctx *
mk(uint16_t group, uint32_t *pid)
{
	struct isakmp_config cfg;
	struct isakmp_hooks h;
	struct isakmp_policy p;
	struct isakmp_ctx *ctx = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_ike_sas = 100000;
	cfg.max_half_open = 100000;
	cfg.max_events = 4096;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	memcpy(p.psk, "benchsecret", 11);
	p.psk_len = 11;
	p.p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1, group,
	    28800 };
	p.n_p1 = 1;
	p.p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_GCM_16, 128, ISAKMP_INTEG_NONE,
	    3600, 0 };
	p.n_p2 = 1;
	p.protocol = 17;
	p.local_port = 1701;
	p.mode = ISAKMP_MODE_TRANSPORT;
	p.natt = true;
	memset(&h, 0, sizeof(h));
	h.rng = rng;
	if (isakmp_ctx_new(&ctx, &cfg, &h) != ISAKMP_OK)
		return NULL;
	if (isakmp_policy_add(ctx, &p, pid) != ISAKMP_OK) {
		isakmp_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

int
main(int argc, char **argv)
{
	static uint8_t b[ISAKMP_MAX_PACKET];
	struct isakmp_ctx *c, *s;
	struct isakmp_addr l = { 0x0a000002u, 500 }, rem = { 0xcb007101u, 500 }, f, t;
	struct isakmp_event ev;
	uint64_t t0, resp_ns = 0;
	uint32_t pid = 0, spid = 0;
	unsigned i, n, done = 0, refused = 0;
	uint16_t group;
	size_t len;

	if (argc != 3 || (n = (unsigned)strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: bench_gw_ikeref modp1024|modp2048|ecp256 N\n");
		return 2;
	}
	if (strcmp(argv[1], "modp1024") == 0)
		group = ISAKMP_GROUP_MODP1024;
	else if (strcmp(argv[1], "modp2048") == 0)
		group = ISAKMP_GROUP_MODP2048;
	else if (strcmp(argv[1], "ecp256") == 0)
		group = ISAKMP_GROUP_ECP256;
	else
		return 2;
	c = mk(group, &pid);
	s = mk(group, &spid);
	if (c == NULL || s == NULL) {
		fprintf(stderr, "bench_gw_ikeref: context creation failed\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		bool any = true;

		l.port = (uint16_t)(1024 + i % 60000);
		l.ip = 0x0a000002u + i / 60000;
		if (isakmp_initiate(c, 0, pid, &l, &rem, NULL) != ISAKMP_OK)
			break;
		while (any) {
			any = false;
			while (isakmp_next_output(c, 0, b, sizeof(b), &len, &f, &t) == ISAKMP_OK) {
				t0 = cpu_ns();
				if (isakmp_input(s, 0, b, len, &f, &t) != ISAKMP_OK)
					refused++;
				resp_ns += cpu_ns() - t0;
				any = true;
			}
			while (isakmp_next_output(s, 0, b, sizeof(b), &len, &f, &t) == ISAKMP_OK) {
				if (isakmp_input(c, 0, b, len, &f, &t) != ISAKMP_OK)
					refused++;
				any = true;
			}
		}
		while (isakmp_next_event(s, &ev)) {
			if (ev.type == ISAKMP_EV_IPSEC_SA_UP)
				done++;
			isakmp_event_wipe(&ev);
		}
		while (isakmp_next_event(c, &ev))
			isakmp_event_wipe(&ev);
	}
	if (done == 0 || resp_ns == 0) {
		fprintf(stderr, "bench_gw_ikeref: no exchange completed (%u datagrams refused)\n",
		    refused);
		return 1;
	}
	printf("ikeref: group=%s sa_per_s=%.1f exchanges=%u refused=%u\n", argv[1],
	    done / (resp_ns / 1e9), done, refused);
	isakmp_ctx_free(c);
	isakmp_ctx_free(s);
	return 0;
}
