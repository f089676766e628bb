/*
 * bench_isakmp.c - responder Main Mode + Quick Mode completions per second on
 * one core, beside the cost of the same group's two Diffie-Hellman
 * operations (key generation + shared secret through the library's own
 * OpenSSL calls and private-key size) measured in the same run.  Only time
 * spent inside the responder's isakmp_input() is counted; the initiator's
 * work is excluded.  ratio = responder rate / pure-DH rate.
 *
 * Scaling (the gateway calls next_timeout every loop iteration with 10,000
 * clients): isakmp_next_timeout() and the lookup of an SA by cookie (a
 * retransmitted MM1 answered from its SA) with 10,000 SAs, against the same
 * with 100 SAs.  ratio = time per call at 10,000 / at 100 (1.0 = O(1)).
 */
#include <stdio.h>
#include <string.h>

#include <roadgate/isakmp.h>
#include "isakmp_int.h"
#include "testsupport.h"

static int
rng(void *u, void *b, size_t n)
{
	return ts_rng_cb(u, b, n);
}

static struct isakmp_ctx *
mk(struct ts_rng *r, int group, uint32_t *pid)
{
	struct isakmp_config cfg;
	struct isakmp_hooks h;
	struct isakmp_policy pol, *p = &pol;
	struct isakmp_ctx *ctx = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_ike_sas = 100000;
	cfg.max_half_open = 100000;
	cfg.max_events = 4096;
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	memcpy(p->psk, "bench-psk", 9);
	p->psk_len = 9;
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    (uint16_t)group, 0 };
	p->n_p1 = 1;
	p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96,
	    0, 0 };
	p->n_p2 = 1;
	p->natt = true;
	memset(&h, 0, sizeof(h));
	h.user = r;
	h.rng = rng;
	if (isakmp_ctx_new(&ctx, &cfg, &h) != 0)
		return NULL;
	if (isakmp_policy_add(ctx, p, pid) != 0) {
		isakmp_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

static void
bench(const char *name, int group, unsigned n)
{
	struct ts_rng r1, r2;
	struct isakmp_ctx *c, *s;
	struct isakmp_addr l = { 0x0a000002u, 500 }, rem = { 0xcb00710au, 500 }, f, t;
	struct isakmp_event ev;
	static uint8_t b[ISAKMP_MAX_PACKET];
	size_t len;
	uint64_t t0, resp_ns = 0, dh_ns;
	unsigned i, done = 0, refused = 0;
	uint32_t pid = 0;
	struct dh a, bb;
	uint8_t z[MAX_KE];
	size_t zl;

	ts_rng_init(&r1, 1);
	ts_rng_init(&r2, 2);
	c = mk(&r1, group, &pid);
	s = mk(&r2, group, &pid);
	if (c == NULL || s == NULL) {
		fprintf(stderr, "bench: context creation failed\n");
		return;
	}
	for (i = 0; i < n; i++) {
		bool any = true;

		l.port = (uint16_t)(1024 + i % 60000);
		if (isakmp_initiate(c, 0, pid, &l, &rem, NULL) != 0)
			break;
		while (any) {
			any = false;
			while (isakmp_next_output(c, 0, b, sizeof(b), &len, &f, &t) == 0) {
				t0 = ts_now_ns();
				if (isakmp_input(s, 0, b, len, &f, &t) != 0)
					refused++;
				resp_ns += ts_now_ns() - t0;
				any = true;
			}
			while (isakmp_next_output(s, 0, b, sizeof(b), &len, &f, &t) == 0) {
				if (isakmp_input(c, 0, b, len, &f, &t) != 0)
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
	/* The physical limit: two DH operations per exchange, same calls. */
	memset(&a, 0, sizeof(a));
	memset(&bb, 0, sizeof(bb));
	if (iki_ikc_dh_new(s, &bb, group) != 0) {
		fprintf(stderr, "bench: DH setup failed\n");
		return;
	}
	t0 = ts_now_ns();
	for (i = 0; i < n; i++) {
		if (iki_ikc_dh_new(s, &a, group) != 0 || iki_ikc_dh_shared(s, &a, bb.pub, bb.publen, z, &zl) != 0)
			break;
	}
	dh_ns = ts_now_ns() - t0;
	iki_ikc_dh_free(&a);
	iki_ikc_dh_free(&bb);
	if (refused != 0)
		fprintf(stderr, "bench: %s: %u datagrams refused\n", name, refused);
	if (done == 0 || resp_ns == 0 || dh_ns == 0) {
		fprintf(stderr, "bench: %s: no completed exchanges\n", name);
	} else {
		double rate = done / (resp_ns / 1e9), dh_rate = n / (dh_ns / 1e9);

		printf("bench: name=ike.mm_qm.%s sa_per_s=%.1f ratio=%.2f (dh_pairs_per_s=%.1f, "
		    "%u exchanges)\n", name, rate, rate / dh_rate, dh_rate, done);
	}
	isakmp_ctx_free(c);
	isakmp_ctx_free(s);
}

struct scale {
	double next_timeout_ns, lookup_ns;
};

/* n half-open SAs on a responder; time next_timeout and a cookie lookup. */
static int
scale_run(unsigned n, struct scale *out)
{
	struct ts_rng r1, r2;
	struct isakmp_ctx *c, *s;
	struct isakmp_addr l = { 0x0a000002u, 0 }, rem = { 0xcb00710au, 500 }, f, t;
	static uint8_t b[ISAKMP_MAX_PACKET], mm1[ISAKMP_MAX_PACKET];
	struct isakmp_addr mf = { 0, 0 };
	size_t len, mlen = 0;
	uint64_t t0, sink = 0;
	uint32_t pid = 0;
	unsigned i, reps = 2000000, lreps = 200000;

	ts_rng_init(&r1, 3);
	ts_rng_init(&r2, 4);
	c = mk(&r1, ISAKMP_GROUP_MODP1024, &pid);
	s = mk(&r2, ISAKMP_GROUP_MODP1024, &pid);
	if (c == NULL || s == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		int rc;

		l.port = (uint16_t)(10000 + i);   /* never 4500 (that one carries a marker) */
		if ((rc = isakmp_initiate(c, i, pid, &l, &rem, NULL)) != 0 ||
		    (rc = isakmp_next_output(c, i, b, sizeof(b), &len, &f, &t)) != 0 ||
		    (rc = isakmp_input(s, i, b, len, &f, &t)) != 0) {
			fprintf(stderr, "bench: SA %u of %u: %s\n", i, n, isakmp_strerror(rc));
			return -1;
		}
		if (i == n / 2) {
			memcpy(mm1, b, len);
			mlen = len;
			mf = f;
		}
		while (isakmp_next_output(s, i, b, sizeof(b), &len, &f, &t) == 0)
			;
	}
	t0 = ts_now_ns();
	for (i = 0; i < reps; i++)
		sink += isakmp_next_timeout(s);
	out->next_timeout_ns = (double)(ts_now_ns() - t0) / reps;
	t0 = ts_now_ns();
	for (i = 0; i < lreps; i++) {
		int rc;

		if ((rc = isakmp_input(s, n, mm1, mlen, &mf, &rem)) != 0 ||
		    (rc = isakmp_next_output(s, n, b, sizeof(b), &len, &f, &t)) != 0) {
			fprintf(stderr, "bench: lookup: %s\n", isakmp_strerror(rc));
			return -1;
		}
	}
	out->lookup_ns = (double)(ts_now_ns() - t0) / lreps;
	isakmp_ctx_free(c);
	isakmp_ctx_free(s);
	return sink == 0 ? -1 : 0;
}

static void
bench_scale(void)
{
	struct scale small, big;

	if (scale_run(100, &small) != 0 || scale_run(10000, &big) != 0) {
		fprintf(stderr, "bench: scaling run failed\n");
		return;
	}
	printf("bench: name=ike.next_timeout.10k_sas ns_per_call=%.1f ratio=%.2f (100 SAs: "
	    "%.1f ns)\n", big.next_timeout_ns, big.next_timeout_ns / small.next_timeout_ns,
	    small.next_timeout_ns);
	printf("bench: name=ike.cookie_lookup.10k_sas ns_per_call=%.1f ratio=%.2f (100 SAs: "
	    "%.1f ns; a retransmitted MM1 answered)\n", big.lookup_ns,
	    big.lookup_ns / small.lookup_ns, small.lookup_ns);
}

int
main(void)
{
	bench("modp1024", ISAKMP_GROUP_MODP1024, 400);
	bench("modp2048", ISAKMP_GROUP_MODP2048, 200);
	bench("ecp256", ISAKMP_GROUP_ECP256, 400);
	bench_scale();
	return 0;
}
