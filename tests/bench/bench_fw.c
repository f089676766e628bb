/*
 * bench_fw.c - libfw throughput on one core.
 *
 *  fw.established: 1,000,000 tracked NAPT flows (LAN hosts -> internet
 *    through enhanced NAT); established UDP packets of random flows are
 *    pushed through fw_process() in both directions (rewriting included).
 *  fw.established_burst: the same packets through fw_process_burst() in
 *    bursts of 64, which prefetches flow-table entries ahead.
 *  fw.established_hot: the same on 4096 of those flows (cache resident),
 *    which measures the per-packet code rather than DRAM latency.
 *  fw.new_flows: setup rate of new NAPT flows into an empty table.
 *  fw.memory: bytes of table memory per tracked flow.
 *  fw.memory_bound: the machine's own limit for this access pattern: two
 *    dependent random reads (index slot + flow) per packet over tables of
 *    the same size, without any firewall logic.
 * Tables are allocated on transparent huge pages through the alloc hook.
 * ratio = measured / target (10 Mpps established, 2 M new flows/s,
 * 128 bytes per flow: ratio = 128 / measured, >= 1 is good).
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <roadgate/fw.h>
#include "testsupport.h"

#define NFLOWS 1000000u
#define PKTLEN 64
#define NPKTS (1u << 16)

/*
 * CPU time of this thread: the machine is shared with other jobs, so wall
 * time would measure the scheduler; "one core" means our own CPU time.
 */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A 64-byte UDP packet with a valid IP header checksum (UDP sum 0). */
static void
mk(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp)
{
	memset(b, 0, PKTLEN);
	b[0] = 0x45;
	put16(b + 2, PKTLEN);
	b[8] = 64;
	b[9] = 17;
	put32(b + 12, src);
	put32(b + 16, dst);
	put16(b + 10, sum16(b, 20));
	put16(b + 20, sp);
	put16(b + 22, dp);
	put16(b + 24, PKTLEN - 20);
}

/* Flow i: LAN host 10.0.x.y:(1024 + i % 60000) -> 198.51.100.(i % 256):53
 * (one remote endpoint offers 64512 NAPT ports; a million flows need many). */
static uint32_t
remote_ip(uint32_t i)
{
	return 0xc6336400u | (i & 0xff);
}

static uint32_t
lan_ip(uint32_t i)
{
	return 0x0a000000u + i / 60000u + 1;
}

static uint16_t
lan_port(uint32_t i)
{
	return (uint16_t)(1024 + i % 60000u);
}

/*
 * The gateway's allocator hook: large tables on transparent huge pages
 * (THP is often "madvise" only), which saves a TLB miss per table access.
 */
static void *
huge_alloc(void *user, size_t size)
{
	void *p = NULL;

	(void)user;
	if (size < (2u << 20))
		return calloc(1, size);
	if (posix_memalign(&p, 2u << 20, size) != 0)
		return NULL;
	(void)madvise(p, size, MADV_HUGEPAGE);
	memset(p, 0, size);
	return p;
}

static void
huge_free(void *user, void *p)
{
	(void)user;
	free(p);
}

int
main(void)
{
	struct ts_rng rng;
	struct fw_hooks h = { .user = &rng, .rng = ts_rng_cb,
	    .alloc = huge_alloc, .free = huge_free };
	struct fw_config cfg = { .size = sizeof(cfg), .max_flows = NFLOWS,
	    .max_interfaces = 8 };
	struct fw_interface_cfg lan = { .size = sizeof(lan), .id = 2,
	    .type = FW_IF_PRIVATE };
	struct fw_interface_cfg wan = { .size = sizeof(wan), .id = 1,
	    .type = FW_IF_PUBLIC, .address = 0xcb007101u };
	struct fw_nat_cfg nat = { .size = sizeof(nat), .type = FW_NAT_ENHANCED,
	    .if_id = 2, .gbl_if = 1 };
	struct fw_ctx *ctx;
	struct fw_pkt p1;
	uint8_t (*pk)[PKTLEN], (*tmpl)[PKTLEN];
	uint32_t *sel, i, j, rounds;
	uint16_t *gport;
	uint64_t t0, t1, now = 1000000000ULL, n, fails = 0;
	double ns, mpps, bpf;
	struct fw_stats st;

	ts_rng_init(&rng, 42);
	if (fw_ctx_new(&ctx, &cfg, &h) != 0 || fw_interface_add(ctx, &lan) ||
	    fw_interface_add(ctx, &wan) || fw_nat_add(ctx, &nat)) {
		fprintf(stderr, "bench: setup failed\n");
		return 1;
	}
	pk = malloc(sizeof(*pk) * NPKTS);
	tmpl = malloc(sizeof(*tmpl) * NPKTS);
	sel = malloc(sizeof(*sel) * NPKTS);
	gport = malloc(sizeof(*gport) * NFLOWS);
	if (pk == NULL || tmpl == NULL || sel == NULL || gport == NULL)
		return 1;

	/* New flows: 1,000,000 NAPT setups. */
	t0 = cpu_ns();
	for (i = 0; i < NFLOWS; i++) {
		uint8_t b[PKTLEN];

		mk(b, lan_ip(i), lan_port(i), remote_ip(i), 53);
		p1.data = b;
		p1.len = PKTLEN;
		p1.in_if = 2;
		p1.out_if = 1;
		p1.ipsec = 0;
		if (fw_process(ctx, now, &p1) != 0)
			fails++;
		gport[i] = (uint16_t)((b[20] << 8) | b[21]);
	}
	t1 = cpu_ns();
	ns = (double)(t1 - t0) / NFLOWS;
	printf("bench: name=fw.new_flows mpps=%.2f ns_per_pkt=%.1f flows=%u "
	    "failed=%llu ratio=%.2f\n", 1e3 / ns, ns, NFLOWS,
	    (unsigned long long)fails, (1e3 / ns) / 2.0);
	fw_get_stats(ctx, &st);
	bpf = (double)fw_bytes_per_flow(ctx);
	printf("bench: name=fw.memory bytes_per_flow=%.0f flows=%llu "
	    "ratio=%.2f\n", bpf, (unsigned long long)st.flows_active,
	    128.0 / bpf);

	/* Established: random flows, half outbound, half replies. */
	for (i = 0; i < NPKTS; i++) {
		j = ts_rng_u32(&rng) % NFLOWS;
		sel[i] = j;
		if (i & 1)
			mk(tmpl[i], remote_ip(j), 53, 0xcb007101u, gport[j]);
		else
			mk(tmpl[i], lan_ip(j), lan_port(j), remote_ip(j), 53);
	}
	for (int hot = 0; hot < 2; hot++) {
		if (hot) {
			/* 4096 flows only. */
			for (i = 0; i < NPKTS; i++) {
				j = sel[i % 4096];
				if (i & 1)
					mk(tmpl[i], remote_ip(j), 53,
					    0xcb007101u, gport[j]);
				else
					mk(tmpl[i], lan_ip(j), lan_port(j),
					    remote_ip(j), 53);
			}
		}
		rounds = hot ? 200 : 60;
		if (!hot) {
			/* The same packets in bursts of 64 (prefetching). */
			struct fw_pkt burst[64];

			n = 0;
			fails = 0;
			t0 = cpu_ns();
			for (j = 0; j < rounds; j++) {
				memcpy(pk, tmpl, sizeof(*pk) * NPKTS);
				for (i = 0; i < NPKTS; i += 64) {
					uint32_t q;

					for (q = 0; q < 64; q++) {
						burst[q].data = pk[i + q];
						burst[q].len = PKTLEN;
						burst[q].in_if = ((i + q) & 1) ?
						    1 : 2;
						burst[q].out_if = ((i + q) & 1) ?
						    2 : 1;
						burst[q].ipsec = 0;
					}
					fails += 64 - (uint64_t)fw_process_burst(
					    ctx, now, burst, 64);
				}
				n += NPKTS;
			}
			t1 = cpu_ns();
			ns = (double)(t1 - t0) / (double)n;
			mpps = 1e3 / ns;
			printf("bench: name=fw.established_burst mpps=%.2f "
			    "ns_per_pkt=%.1f bytes_per_flow=%.0f flows=%u "
			    "failed=%llu ratio=%.2f\n", mpps, ns, bpf, NFLOWS,
			    (unsigned long long)fails, mpps / 10.0);
		}
		n = 0;
		fails = 0;
		t0 = cpu_ns();
		for (j = 0; j < rounds; j++) {
			memcpy(pk, tmpl, sizeof(*pk) * NPKTS);
			for (i = 0; i < NPKTS; i++) {
				p1.data = pk[i];
				p1.len = PKTLEN;
				p1.in_if = (i & 1) ? 1 : 2;
				p1.out_if = (i & 1) ? 2 : 1;
				p1.ipsec = 0;
				if (fw_process(ctx, now, &p1) != 0)
					fails++;
			}
			n += NPKTS;
		}
		t1 = cpu_ns();
		ns = (double)(t1 - t0) / (double)n;
		mpps = 1e3 / ns;
		printf("bench: name=fw.%s mpps=%.2f ns_per_pkt=%.1f "
		    "bytes_per_flow=%.0f flows=%u failed=%llu ratio=%.2f\n",
		    hot ? "established_hot" : "established", mpps, ns, bpf,
		    NFLOWS, (unsigned long long)fails, mpps / 10.0);
	}

	/* The memory limit of the access pattern, same table sizes. */
	{
		size_t nidx = 4u << 20, nfl = NFLOWS;
		uint64_t *idx = huge_alloc(NULL, nidx * 8), acc = 0;
		uint8_t *fl = huge_alloc(NULL, nfl * 64);

		if (idx != NULL && fl != NULL) {
			for (i = 0; i < nidx; i++)
				idx[i] = ts_rng_u32(&rng) % nfl;
			n = 0;
			t0 = cpu_ns();
			for (j = 0; j < 60; j++) {
				for (i = 0; i < NPKTS; i++) {
					uint64_t e = idx[(sel[i] * 2654435761u +
					    acc) & (nidx - 1)];
					acc += fl[e * 64] + 1;
				}
				n += NPKTS;
			}
			t1 = cpu_ns();
			ns = (double)(t1 - t0) / (double)n;
			printf("bench: name=fw.memory_bound mpps=%.2f "
			    "ns_per_pkt=%.1f check=%llu ratio=%.2f\n", 1e3 / ns,
			    ns, (unsigned long long)(acc & 1), (1e3 / ns) / 10.0);
		}
		free(idx);
		free(fl);
	}
	free(pk);
	free(tmpl);
	free(sel);
	free(gport);
	fw_ctx_free(ctx);
	return 0;
}
