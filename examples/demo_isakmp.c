/*
 * demo_isakmp.c - libisakmp self-demo: an initiator (road warrior at
 * 10.0.0.2 behind a NAT at 198.51.100.1) and a responder (203.0.113.10) run
 * Main Mode + Quick Mode in memory through the public API.  Prints the
 * negotiated proposal, NAT detection and the SPIs of the IPsec SA (never keys).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/isakmp.h>

#define CLIENT_IP 0x0a000002u
#define NAT_IP    0xc6336401u
#define SERVER_IP 0xcb00710au

/* Demo-only RNG: xorshift seeded per peer (a real caller uses the OS RNG). */
static int
demo_rng(void *user, void *buf, size_t len)
{
	unsigned long long *s = user;
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		p[i] = (unsigned char)(*s >> 24);
	}
	return 0;
}

static void
ip_str(uint32_t ip, char *b, size_t n)
{
	snprintf(b, n, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static void
print_events(struct isakmp_ctx *ctx, const char *who)
{
	struct isakmp_event ev;
	char l[20], r[20];

	while (isakmp_next_event(ctx, &ev)) {
		ip_str(ev.local.ip, l, sizeof(l));
		ip_str(ev.remote.ip, r, sizeof(r));
		if (ev.type == ISAKMP_EV_PHASE1_UP) {
			printf("%s: phase 1 up %s:%u <-> %s:%u enc=%u/%u hash=%u group=%u, "
			    "NAT: local %s, remote %s\n", who, l, ev.local.port, r, ev.remote.port,
			    ev.p1.enc, ev.p1.key_bits, ev.p1.hash, ev.p1.group,
			    ev.nat_local ? "behind NAT" : "no NAT",
			    ev.nat_remote ? "behind NAT" : "no NAT");
		} else if (ev.type == ISAKMP_EV_SA_READY) {
			printf("%s: IPsec SA ready: spi_in=0x%08x spi_out=0x%08x esp enc=%u "
			    "auth=%u encap=%u udp_encap=%s ports %u->%u\n", who, ev.sa.spi_in,
			    ev.sa.spi_out, ev.sa.enc, ev.sa.auth, ev.sa.encap,
			    ev.sa.udp_encap ? "yes" : "no", ev.sa.local.port, ev.sa.remote.port);
		} else {
			printf("%s: event %d\n", who, ev.type);
		}
		memset(&ev, 0, sizeof(ev));  /* the SA-ready event carried keys */
	}
}

int
main(void)
{
	struct isakmp_config cfg;
	struct isakmp_hooks hc, hs;
	struct isakmp_ctx *c = NULL, *s = NULL;
	struct isakmp_policy *p;
	unsigned long long sc = 0x1234567, ss = 0x7654321;
	struct isakmp_addr local = { CLIENT_IP, 500 }, remote = { SERVER_IP, 500 }, f, t;
	uint8_t buf[ISAKMP_MAX_PACKET];
	size_t len, moved;
	uint64_t now = 1000000000ull, id;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	p = &cfg.policies[0];
	memcpy(p->psk, "lab-psk-123", 11);
	p->psk_len = 11;
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA256,
	    ISAKMP_GROUP_MODP2048, 0 };
	p->p1[1] = (struct isakmp_p1_proposal){ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP1024, 0 };
	p->n_p1 = 2;
	p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_AUTH_HMAC_SHA1, 0, 0 };
	p->n_p2 = 1;
	p->natt = true;
	cfg.n_policies = 1;
	memset(&hc, 0, sizeof(hc));
	hc.rng = demo_rng;

	hs = hc;
	hc.user = &sc;
	hs.user = &ss;
	if ((rc = isakmp_ctx_new(&c, &cfg, &hc)) != 0 || (rc = isakmp_ctx_new(&s, &cfg, &hs)) != 0) {
		fprintf(stderr, "isakmp_ctx_new: %s\n", isakmp_strerror(rc));
		return 1;
	}
	if ((rc = isakmp_initiate(c, now, 0, &local, &remote, &id)) != 0) {
		fprintf(stderr, "isakmp_initiate: %s\n", isakmp_strerror(rc));
		return 1;
	}
	printf("initiator 10.0.0.2 (NAT 198.51.100.1) -> responder 203.0.113.10, "
	    "policy: aes256-sha256-modp2048, 3des-sha1-modp1024\n");
	do {
		moved = 0;
		while (isakmp_next_output(c, now, buf, sizeof(buf), &len, &f, &t) == 0) {
			f.ip = NAT_IP;  /* the NAT rewrites the source */
			f.port = (uint16_t)(f.port == 500 ? 40500 : 44500);
			printf("  client %5u -> server %4u: %zu bytes\n", f.port, t.port, len);
			if ((rc = isakmp_input(s, now, buf, len, &f, &t)) != 0)
				printf("  server dropped it: %s\n", isakmp_strerror(rc));
			moved++;
		}
		while (isakmp_next_output(s, now, buf, sizeof(buf), &len, &f, &t) == 0) {
			printf("  server %4u -> client %5u: %zu bytes\n", f.port, t.port, len);
			t.ip = CLIENT_IP;
			t.port = (uint16_t)(t.port == 40500 ? 500 : 4500);
			if ((rc = isakmp_input(c, now, buf, len, &f, &t)) != 0)
				printf("  client dropped it: %s\n", isakmp_strerror(rc));
			moved++;
		}
		now += 1000000;
	} while (moved > 0);
	print_events(c, "initiator");
	print_events(s, "responder");
	isakmp_ctx_free(c);
	isakmp_ctx_free(s);
	return 0;
}
