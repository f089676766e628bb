/*
 * demo_isakmp.c - libisakmp self-demo: an initiator (road warrior at
 * 10.0.0.2 behind a NAT at 198.51.100.1) and a responder (203.0.113.10) run
 * Main Mode + Quick Mode in memory through the public API, then a rekey of
 * the IPsec SA, `show`, and a disconnect.  Prints the negotiated proposal,
 * NAT detection, peers and the SPIs of the IPsec SAs (never keys).
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
			printf("%s: peer %llu: phase 1 up (IKE SA %llu) %s:%u <-> %s:%u "
			    "%s-%u/%s/%s, NAT: local %s, remote %s\n", who,
			    (unsigned long long)ev.peer_id, (unsigned long long)ev.ike_id, l,
			    ev.local.port, r, ev.remote.port, isakmp_p1_enc_name(ev.p1.enc),
			    ev.p1.key_bits, isakmp_hash_name(ev.p1.hash),
			    isakmp_group_name(ev.p1.group), ev.nat_local ? "behind NAT" : "no NAT",
			    ev.nat_remote ? "behind NAT" : "no NAT");
		} else if (ev.type == ISAKMP_EV_IPSEC_SA_UP) {
			printf("%s: peer %llu: IPsec SA %llu up: spi_in=0x%08x spi_out=0x%08x %s/%s "
			    "%s (%s) ports %u->%u, life %u s%s\n", who, (unsigned long long)ev.peer_id,
			    (unsigned long long)ev.ipsec_id, ev.sa.spi_in, ev.sa.spi_out,
			    isakmp_esp_enc_name(ev.sa.enc_alg), isakmp_integ_name(ev.sa.integ_alg),
			    isakmp_mode_name(ev.sa.mode), isakmp_encap_name(ev.sa.encap),
			    ev.sa.local.port, ev.sa.remote.port, ev.sa.life_s,
			    ev.replaces ? " (rekey)" : "");
		} else {
			printf("%s: peer %llu: %s (%s)\n", who, (unsigned long long)ev.peer_id,
			    isakmp_event_name(ev.type), isakmp_reason_name(ev.reason));
		}
		isakmp_event_wipe(&ev);  /* IPSEC_SA_UP carried keys */
	}
}

/* Moves datagrams both ways (the client is behind a NAT) until none is left. */
static void
pump(struct isakmp_ctx *c, struct isakmp_ctx *s, uint64_t now, bool verbose)
{
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct isakmp_addr f, t;
	size_t len, moved;
	int rc;

	do {
		moved = 0;
		while (isakmp_next_output(c, now, buf, sizeof(buf), &len, &f, &t) == 0) {
			f.ip = NAT_IP;  /* the NAT rewrites the source */
			f.port = (uint16_t)(f.port == 500 ? 40500 : 44500);
			if (verbose)
				printf("  client %5u -> server %4u: %zu bytes\n", f.port, t.port, len);
			if ((rc = isakmp_input(s, now, buf, len, &f, &t)) != 0)
				printf("  server dropped it: %s\n", isakmp_strerror(rc));
			moved++;
		}
		while (isakmp_next_output(s, now, buf, sizeof(buf), &len, &f, &t) == 0) {
			if (verbose)
				printf("  server %4u -> client %5u: %zu bytes\n", f.port, t.port, len);
			t.ip = CLIENT_IP;
			t.port = (uint16_t)(t.port == 40500 ? 500 : 4500);
			if ((rc = isakmp_input(c, now, buf, len, &f, &t)) != 0)
				printf("  client dropped it: %s\n", isakmp_strerror(rc));
			moved++;
		}
	} while (moved > 0);
}

static void
show(struct isakmp_ctx *ctx, const char *who, uint64_t now)
{
	struct isakmp_peer_info pi;
	struct isakmp_ike_sa_info ii;
	struct isakmp_ipsec_sa_info xi;
	size_t cur;

	for (cur = 0; isakmp_peer_next(ctx, now, &cur, &pi);)
		printf("%s: show peer %llu: %u IKE SA(s), %u IPsec SA(s)\n", who,
		    (unsigned long long)pi.id, pi.n_ike, pi.n_ipsec);
	for (cur = 0; isakmp_ike_sa_next(ctx, now, &cur, &ii);)
		printf("%s: show IKE SA %llu (peer %llu): %s%s\n", who,
		    (unsigned long long)ii.id, (unsigned long long)ii.peer_id,
		    isakmp_state_name(ii.state), ii.replaced_by ? ", replaced" : "");
	for (cur = 0; isakmp_ipsec_sa_next(ctx, now, &cur, &xi);)
		printf("%s: show IPsec SA %llu (peer %llu): in 0x%08x out 0x%08x%s\n", who,
		    (unsigned long long)xi.id, (unsigned long long)xi.peer_id, xi.spi_in,
		    xi.spi_out, xi.replaced_by ? ", replaced" : "");
}

int
main(void)
{
	struct isakmp_hooks hc, hs;
	struct isakmp_ctx *c = NULL, *s = NULL;
	struct isakmp_policy pol, *p = &pol;
	unsigned long long sc = 0x1234567, ss = 0x7654321;
	struct isakmp_addr local = { CLIENT_IP, 500 }, remote = { SERVER_IP, 500 };
	struct isakmp_ipsec_sa_info xi;
	uint64_t now = 1000000000ull, peer;
	uint32_t cpid, spid;
	size_t cur = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	memcpy(p->psk, "lab-psk-123", 11);
	p->psk_len = 11;
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA256,
	    ISAKMP_GROUP_MODP2048, 0 };
	p->p1[1] = (struct isakmp_p1_proposal){ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP1024, 0 };
	p->n_p1 = 2;
	p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96,
	    0, 0 };
	p->n_p2 = 1;
	p->natt = true;
	p->send_deletes = true;
	memset(&hc, 0, sizeof(hc));
	hc.rng = demo_rng;
	hs = hc;
	hc.user = &sc;
	hs.user = &ss;
	if ((rc = isakmp_ctx_new(&c, NULL, &hc)) != 0 || (rc = isakmp_ctx_new(&s, NULL, &hs)) != 0 ||
	    (rc = isakmp_policy_add(c, p, &cpid)) != 0 || (rc = isakmp_policy_add(s, p, &spid)) != 0) {
		fprintf(stderr, "setup: %s\n", isakmp_strerror(rc));
		return 1;
	}
	if ((rc = isakmp_initiate(c, now, cpid, &local, &remote, &peer)) != 0) {
		fprintf(stderr, "isakmp_initiate: %s\n", isakmp_strerror(rc));
		return 1;
	}
	printf("initiator 10.0.0.2 (NAT 198.51.100.1) -> responder 203.0.113.10, "
	    "policy: aes256-sha256-modp2048, 3des-sha1-modp1024\n");
	pump(c, s, now, true);
	print_events(c, "initiator");
	print_events(s, "responder");
	/* The client's ESP stack hit its soft byte limit: rekey the IPsec SA. */
	if (isakmp_ipsec_sa_next(c, now, &cur, &xi)) {
		now += 1000000000ull;
		printf("initiator: rekeying IPsec SA %llu\n", (unsigned long long)xi.id);
		if ((rc = isakmp_ipsec_sa_rekey(c, now, xi.id)) != 0)
			printf("  rekey: %s\n", isakmp_strerror(rc));
		pump(c, s, now, false);
		print_events(c, "initiator");
		print_events(s, "responder");
	}
	show(s, "responder", now);
	/* The client disconnects: Deletes for everything, then the peer is gone. */
	now += 1000000000ull;
	(void)isakmp_peer_delete(c, now, peer);
	pump(c, s, now, false);
	print_events(c, "initiator");
	print_events(s, "responder");
	isakmp_ctx_free(c);
	isakmp_ctx_free(s);
	return 0;
}
