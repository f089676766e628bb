/*
 * fw_replay.c - replays the oracle's symbolic trace (see trace.py) through
 * libfw configured like the nftables ruleset of nft_oracle.sh, printing one
 * result line per step: "N PASS|DROP FIELD".  Public API only.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/fw.h>

#define IF_ETH0 1
#define IF_VLAN1 2
#define MAXFLOWS 64

struct flowrec {
	char name[32];
	char proto[32];
	uint32_t lan, rem;
	uint16_t sp, dp, gport;
	uint8_t last[128];       /* the last packet as it left the gateway */
	size_t lastlen;
};

static int pk_step;           /* the trace step being replayed */

static int
rng(void *user, void *buf, size_t len)
{
	uint64_t *s = user;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
		p[i] = (uint8_t)(*s >> 56);
	}
	return 0;
}

static uint16_t
csum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
w16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
w32(uint8_t *p, uint32_t v)
{
	w16(p, v >> 16);
	w16(p + 2, v & 0xffff);
}

static uint16_t
r16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* trace.py's FLAGS and SEQACK: client ISN 1000, server ISN 5000. */
static const struct {
	const char *name;
	uint8_t flags;
	uint32_t seq, ack;
} tcpseg[] = {
	{ "S", 0x02, 1000, 0 },
	{ "SM", 0x02, 1000, 0 },
	{ "SL", 0x02, 1000, 0 },
	{ "SA", 0x12, 5000, 1001 },
	{ "SAM", 0x12, 5000, 1001 },
	{ "SAL", 0x12, 5000, 1001 },
	{ "A", 0x10, 1001, 5001 },
	{ "PA", 0x18, 5001, 1001 },
	{ "RA", 0x14, 5001, 1001 },
	{ "RAB", 0x14, 5001 + 0x40000000u, 1001 },
	{ "SAB", 0x12, 5000, 1001 + 0x10000000u },
};

static int
seg_of(const char *f)
{
	size_t i;

	for (i = 0; i < sizeof(tcpseg) / sizeof(tcpseg[0]); i++)
		if (strcmp(f, tcpseg[i].name) == 0)
			return (int)i;
	return -1;
}

static uint8_t
tcpflags(const char *f)
{
	int i = seg_of(f);

	return i < 0 ? 0 : tcpseg[i].flags;
}

static uint32_t
seqack(const char *f, int ack)
{
	int i = seg_of(f);

	if (i < 0)
		return 0;
	return ack ? tcpseg[i].ack : tcpseg[i].seq;
}

/* trace.py's MSSOPT: the MSS option a SYN / SYN+ACK carries, 0 = none. */
static uint16_t
mssopt(const char *f)
{
	if (strcmp(f, "SM") == 0 || strcmp(f, "SAM") == 0) return 1460;
	if (strcmp(f, "SL") == 0 || strcmp(f, "SAL") == 0) return 1200;
	return 0;
}


/* Same packets as trace.py's build(); returns the length. */
static size_t
build(uint8_t *b, const char *proto, uint32_t src, uint16_t sp, uint32_t dst,
    uint16_t dp, const char *fl, int n, int icmp_type)
{
	size_t l4;
	uint8_t *t = b + 20;
	uint32_t ps;
	char tok[16];

	snprintf(tok, sizeof(tok), "RGFW%04d", n);
	memset(b, 0, 128); /* the largest packet built here is 52 bytes */
	if (strcmp(proto, "udp") == 0) {
		l4 = 16;
		w16(t, sp);
		w16(t + 2, dp);
		w16(t + 4, (uint32_t)l4);
		memcpy(t + 8, tok, 8);
		b[9] = 17;
	} else if (strcmp(proto, "tcp") == 0) {
		size_t opt = mssopt(fl) != 0 ? 4 : 0;

		l4 = 28 + opt;
		w16(t, sp);
		w16(t + 2, dp);
		/* Same sequence / acknowledgement numbers as trace.py. */
		w32(t + 4, seqack(fl, 0));
		w32(t + 8, seqack(fl, 1));
		t[12] = (uint8_t)((5 + opt / 4) << 4);
		t[13] = tcpflags(fl);
		w16(t + 14, 65535);
		if (opt != 0) {
			t[20] = 2;          /* MSS option: kind 2, length 4 */
			t[21] = 4;
			w16(t + 22, mssopt(fl));
		}
		memcpy(t + 20 + opt, tok, 8);
		b[9] = 6;
	} else {
		l4 = 16;
		t[0] = (uint8_t)icmp_type;
		w16(t + 4, sp);
		w16(t + 6, 1);
		memcpy(t + 8, tok, 8);
		w16(t + 2, csum(t, l4, 0));
		b[9] = 1;
	}
	b[0] = 0x45;
	w16(b + 2, (uint32_t)(20 + l4));
	w16(b + 6, 0x4000);
	b[8] = 64;
	memcpy(b + 12, &(uint32_t){ htonl(src) }, 4);
	memcpy(b + 16, &(uint32_t){ htonl(dst) }, 4);
	w16(b + 10, csum(b, 20, 0));
	ps = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    b[9] + (uint32_t)l4;
	if (b[9] == 17) {
		uint16_t c = csum(t, l4, ps);

		w16(t + 6, c ? c : 0xffff);
	} else if (b[9] == 6) {
		w16(t + 16, csum(t, l4, ps));
	}
	return 20 + l4;
}

/* trace.py's mss_field(): " mss=N" for a TCP segment with an MSS option
 * first, else "". */
static const char *
mss_field(const uint8_t *b, char *s, size_t cap)
{
	s[0] = '\0';
	if (b[9] == 6 && (b[32] >> 4) > 5 && b[40] == 2)
		snprintf(s, cap, " mss=%u", r16(b + 42));
	return s;
}

/* True if the IPv4 header and TCP/UDP/ICMP checksums of b verify. */
static int
sums_ok(const uint8_t *b, size_t len)
{
	size_t l4 = len - 20;
	uint32_t ps = (uint32_t)r16(b + 12) + r16(b + 14) + r16(b + 16) +
	    r16(b + 18) + b[9] + (uint32_t)l4;

	if (csum(b, 20, 0) != 0)
		return 0;
	if (b[9] == 17 && r16(b + 26) == 0)
		return 1;
	if (b[9] == 6 || b[9] == 17)
		return csum(b + 20, l4, ps) == 0;
	return csum(b + 20, l4, 0) == 0;
}

/*
 * One packet through fw_process(), in the clear.  A packet that passes with
 * a checksum that no longer verifies is reported as "BADSUM" instead of
 * PASS, which the comparison with nftables flags.
 */
static int
process(struct fw_ctx *ctx, uint64_t now, struct fw_pkt *pk, uint8_t *b,
    size_t len, uint16_t in_if, uint16_t out_if)
{
	int rc;

	memset(pk, 0, sizeof(*pk));
	pk->data = b;
	pk->len = len;
	pk->in_if = in_if;
	pk->out_if = out_if;
	rc = fw_process(ctx, now, pk);
	if (rc == 0 && !sums_ok(b, len)) {
		printf("%d BADSUM -\n", pk_step);
		return 1;
	}
	return rc;
}

static uint32_t
addr(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "bad address %s\n", s);
		exit(2);
	}
	return ntohl(a.s_addr);
}

int
main(int argc, char **argv)
{
	uint64_t seed = 99;
	struct fw_hooks h = { .user = &seed, .rng = rng };
	struct fw_ctx *ctx;
	struct fw_interface_cfg lan = { .size = sizeof(lan), .id = IF_VLAN1,
	    .type = FW_IF_PRIVATE, .mss_clamp = 1400 };
	/* rule=3 int=vlan1 action=deny prot=tcp port=23
	 * ip=198.51.100.0-198.51.100.127 */
	struct fw_rule_cfg telnet = { .size = sizeof(telnet), .number = 3,
	    .if_id = IF_VLAN1, .action = FW_DENY, .protocol = FW_PROTO_TCP,
	    .ip_min = 0xc6336400u, .ip_max = 0xc633647fu, .port_min = 23,
	    .port_max = 23 };
	char ms[32];
	struct fw_interface_cfg wan = { .size = sizeof(wan), .id = IF_ETH0,
	    .type = FW_IF_PUBLIC };
	struct fw_nat_cfg nat = { .size = sizeof(nat), .type = FW_NAT_ENHANCED,
	    .if_id = IF_VLAN1, .gbl_if = IF_ETH0 };
	struct fw_rule_cfg r = { .size = sizeof(r), .if_id = IF_ETH0,
	    .action = FW_ALLOW, .protocol = FW_PROTO_UDP };
	struct flowrec flows[MAXFLOWS];
	size_t nflows = 0, i, len;
	char line[256], a[8][32];
	uint8_t b[256];
	struct fw_pkt pk;
	uint32_t office;
	uint64_t now = 1000000000ULL;
	FILE *f;
	int n = 0, rc, k;

	if (argc != 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: fw_replay TRACE\n");
		return 2;
	}
	office = addr("203.0.113.1");
	wan.address = office;
	if (fw_ctx_new(&ctx, NULL, &h) != 0 || fw_interface_add(ctx, &lan) ||
	    fw_interface_add(ctx, &wan) || fw_nat_add(ctx, &nat))
		return 2;
	for (k = 0; k < 2; k++) {
		r.number = (uint32_t)k + 1;
		r.ip_min = r.ip_max = r.gbl_ip = office;
		r.port_min = r.port_max = k ? 4500 : 500;
		r.gbl_port_min = r.gbl_port_max = r.port_min;
		if (fw_rule_add(ctx, &r) != 0)
			return 2;
	}
	if (fw_rule_add(ctx, &telnet) != 0)
		return 2;
	while (fgets(line, sizeof(line), f) != NULL) {
		int m = sscanf(line, "%31s %31s %31s %31s %31s %31s %31s %31s",
		    a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
		struct flowrec *fr = NULL;

		if (m <= 0)
			continue;
		now += 1000000ULL;
		pk_step = n;
		if (strcmp(a[0], "out") == 0 && m == 8) {
			for (i = 0; i < nflows; i++)
				if (strcmp(flows[i].name, a[1]) == 0)
					fr = &flows[i];
			if (fr == NULL) {
				if (nflows == MAXFLOWS)
					return 2;
				fr = &flows[nflows++];
				memset(fr, 0, sizeof(*fr));
				snprintf(fr->name, sizeof(fr->name), "%s", a[1]);
				snprintf(fr->proto, sizeof(fr->proto), "%s", a[2]);
				fr->lan = addr(a[3]);
				fr->sp = (uint16_t)atoi(a[4]);
				fr->rem = addr(a[5]);
				fr->dp = (uint16_t)atoi(a[6]);
			}
			len = build(b, fr->proto, fr->lan, fr->sp, fr->rem, fr->dp,
			    a[7], n, 8);
			rc = process(ctx, now, &pk, b, len, IF_VLAN1, IF_ETH0);
			if (rc == 0) {
				fr->gport = strcmp(fr->proto, "icmp") == 0 ?
				    r16(b + 24) : r16(b + 20);
				memcpy(fr->last, b, len);
				fr->lastlen = len;
				printf("%d PASS %u%s\n", n, fr->gport,
				    mss_field(b, ms, sizeof(ms)));
			} else if (rc < 0) {
				printf("%d DROP -\n", n);
			}
		} else if (strcmp(a[0], "in") == 0 && m == 3) {
			for (i = 0; i < nflows; i++)
				if (strcmp(flows[i].name, a[1]) == 0)
					fr = &flows[i];
			if (fr == NULL)
				return 2;
			if (strcmp(fr->proto, "icmp") == 0)
				len = build(b, fr->proto, fr->rem, fr->gport,
				    office, 0, a[2], n, 0);
			else
				len = build(b, fr->proto, fr->rem, fr->dp, office,
				    fr->gport, a[2], n, 0);
			rc = process(ctx, now, &pk, b, len, IF_ETH0,
			    FW_IF_LOCAL);
			if (rc == 0) {
				struct in_addr ia = { htonl((uint32_t)b[16] << 24 |
				    (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 |
				    b[19]) };

				printf("%d PASS %s:%u%s\n", n, inet_ntoa(ia),
				    strcmp(fr->proto, "icmp") == 0 ?
				    r16(b + 24) : r16(b + 22),
				    mss_field(b, ms, sizeof(ms)));
			} else if (rc < 0) {
				printf("%d DROP -\n", n);
			}
		} else if (strcmp(a[0], "err") == 0 && m == 3) {
			int typ = atoi(a[2]);
			char o[16], in[16];
			const uint8_t *q = b + 28;

			for (i = 0; i < nflows; i++)
				if (strcmp(flows[i].name, a[1]) == 0)
					fr = &flows[i];
			if (fr == NULL || fr->lastlen == 0 ||
			    fr->lastlen + 28 > sizeof(b))
				return 2;
			/* A router quotes the whole datagram (trace.py). */
			len = 28 + fr->lastlen;
			memset(b, 0, len);
			b[0] = 0x45;
			w16(b + 2, (uint32_t)len);
			b[8] = 64;
			b[9] = 1;
			w16(b + 12, 0xc633);          /* 198.51.100.254 */
			w16(b + 14, 0x64fe);
			memcpy(b + 16, &(uint32_t){ htonl(office) }, 4);
			w16(b + 10, csum(b, 20, 0));
			b[20] = (uint8_t)typ;
			b[21] = typ == 3 ? 3 : 0;
			memcpy(b + 28, fr->last, fr->lastlen);
			w16(b + 22, csum(b + 20, len - 20, 0));
			rc = process(ctx, now, &pk, b, len, IF_ETH0,
			    FW_IF_LOCAL);
			if (rc == 0) {
				snprintf(o, sizeof(o), "%u.%u.%u.%u", b[16], b[17],
				    b[18], b[19]);
				snprintf(in, sizeof(in), "%u.%u.%u.%u", q[12],
				    q[13], q[14], q[15]);
				printf("%d PASS %s/%s:%u\n", n, o, in,
				    q[9] == 1 ? r16(q + 24) : r16(q + 20));
			} else if (rc < 0) {
				printf("%d DROP -\n", n);
			}
		} else if (strcmp(a[0], "probe") == 0 && m == 7) {
			uint32_t dst = addr(a[4]);

			len = build(b, a[1], addr(a[2]), (uint16_t)atoi(a[3]),
			    dst, (uint16_t)atoi(a[5]), a[6], n, 8);
			rc = process(ctx, now, &pk, b, len, IF_ETH0,
			    dst == office ? FW_IF_LOCAL : IF_VLAN1);
			if (rc <= 0)
				printf("%d %s -\n", n, rc == 0 ? "PASS" :
				    "DROP");
		} else {
			fprintf(stderr, "bad trace line: %s", line);
			return 2;
		}
		n++;
	}
	fclose(f);
	fw_ctx_free(ctx);
	return 0;
}
