/*
 * keylog_pcap.c - the in-memory scenario with vpn-gateway's key log on:
 * road warriors connect through simnet, ping the office and one hangs up;
 * every packet on the gateway's internet side (IKE on 500/4500, ESP in UDP,
 * plain ESP) goes into a pcap as a capture on eth0 would show it, and the
 * keys go to a Wireshark configuration directory through the daemon's own
 * writer (keylog.c).  keylog_tshark.sh then asks tshark to decrypt it.
 *
 * usage: keylog_pcap seed|modern KEYDIR OUT.pcap
 *   seed:   seed.cfg, 3DES-SHA1 / MODP1024 (IKE) and 3DES-SHA1 (ESP); one
 *           client behind a NAT (ESP in UDP), one without (plain ESP)
 *   modern: modern.cfg, AES-256 / SHA-256 / MODP2048 (IKE) and AES-256-GCM
 *           (ESP, RFC 4106) behind a NAT
 * Prints "clients N", "keylog rows N" and "packets N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keylog.h"
#include "pkt.h"
#include "simnet.h"
#include "vcopt.h"

#define S 1000000000ull

static FILE *pcap;
static unsigned long packets;

static void
put_le32(uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, pcap);
}

static void
record(uint64_t now, const uint8_t *hdr, size_t hl, const uint8_t *d, size_t n)
{
	put_le32((uint32_t)(now / S));
	put_le32((uint32_t)(now % S / 1000));
	put_le32((uint32_t)(hl + n));
	put_le32((uint32_t)(hl + n));
	fwrite(hdr, 1, hl, pcap);
	if (n > 0)
		fwrite(d, 1, n, pcap);
	packets++;
}

/* What eth0 of the gateway would capture. */
static void
tap(void *arg, bool to_gw, const struct rg_pkt *p)
{
	const struct sim *s = arg;
	const uint8_t *d = p->buf + p->off;
	uint8_t h[28];
	uint32_t src = to_gw ? p->remote.ip : p->local.ip;
	uint32_t dst = to_gw ? p->local.ip : p->remote.ip;
	uint16_t sp = to_gw ? p->remote.port : p->local.port;
	uint16_t dp = to_gw ? p->local.port : p->remote.port;

	switch (p->path) {
	case RG_PATH_UDP:
		pkt_ip_build(h, src, dst, PKT_PROTO_UDP, (uint16_t)(8 + p->len), 64, 0);
		pkt_udp_build(h + 20, sp, dp, (uint16_t)p->len);
		record(s->now, h, 28, d, p->len);
		break;
	case RG_PATH_ESP:
		if (to_gw) {
			/* Received with its IPv4 header. */
			record(s->now, d, p->len, NULL, 0);
		} else {
			pkt_ip_build(h, src, dst, PKT_PROTO_ESP, (uint16_t)p->len, 64, 0);
			record(s->now, h, 20, d, p->len);
		}
		break;
	default:
		break;		/* the office side (TUN) is not on eth0 */
	}
}

static void
params(struct vc_params *p, bool modern, const char *user, const char *pw)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->psk, "labsecret", 9);
	p->psk_len = 9;
	snprintf(p->user, sizeof(p->user), "%s", user);
	snprintf(p->password, sizeof(p->password), "%s", pw);
	(void)vc_parse_ike(modern ? "aes256-sha256-modp2048" : "3des-sha1-modp1024", p->p1,
	    ISAKMP_MAX_P1_PROPS, &p->n_p1);
	(void)vc_parse_esp(modern ? "aes256gcm16" : "3des-sha1", p->p2, ISAKMP_MAX_P2_PROPS,
	    &p->n_p2, &p->sha256_96, &p->allow_des);
	p->auth[0] = modern ? PPP_AUTH_MSCHAPV2 : PPP_AUTH_CHAP_MD5;
	p->n_auth = 1;
}

int
main(int argc, char **argv)
{
	struct sim s;
	struct sim_opts o;
	struct keylog *kl = NULL;
	struct vc_params p;
	char cfg[512], err[512];
	bool modern;
	int h[2], n = 0, i, k;

	if (argc != 4 || (strcmp(argv[1], "seed") != 0 && strcmp(argv[1], "modern") != 0)) {
		fprintf(stderr, "usage: %s seed|modern KEYDIR OUT.pcap\n", argv[0]);
		return 2;
	}
	modern = strcmp(argv[1], "modern") == 0;
	if (keylog_open(&kl, argv[2], err, sizeof(err)) != 0) {
		fprintf(stderr, "keylog: %s\n", err);
		return 1;
	}
	if ((pcap = fopen(argv[3], "wb")) == NULL) {
		perror(argv[3]);
		return 1;
	}
	/* pcap: 2.4, snaplen 65535, LINKTYPE_RAW. */
	put_le32(0xa1b2c3d4u);
	put_le32(0x00040002u);
	put_le32(0);
	put_le32(0);
	put_le32(65535);
	put_le32(101);
	memset(&o, 0, sizeof(o));
	o.keylog = keylog_write;
	o.keylog_user = kl;
	snprintf(cfg, sizeof(cfg), "%s/%s.cfg", GWCONF_EXAMPLES_DIR, argv[1]);
	if (sim_init2(&s, cfg, &o) != 0)
		return 1;
	s.tap = tap;
	s.tap_arg = &s;
	params(&p, modern, "dialin2", "friend2");
	h[n++] = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	if (!modern) {
		params(&p, false, "dialin3", "friend3");
		h[n++] = sim_add_host(&s, -1, 0xc6336465u, &p);
	}
	for (i = 0; i < n; i++)
		(void)vc_connect(s.hosts[h[i]].vc, s.now, 0);
	if (!sim_run(&s, 40 * S, sim_cond_all_up, NULL)) {
		fprintf(stderr, "clients did not come up\n");
		return 1;
	}
	for (k = 0; k < 3; k++)
		for (i = 0; i < n; i++) {
			(void)sim_ping(&s, h[i], SIM_OFFICE_IP, (uint16_t)k, 100, true);
			sim_advance(&s, S / 10);
		}
	/* An orderly hang-up: PPP, L2TP, then the IPsec and ISAKMP Deletes. */
	(void)vc_disconnect(s.hosts[h[0]].vc, s.now, 0);
	sim_advance(&s, 10 * S);
	printf("clients %d\nkeylog rows %zu\npackets %lu\n", n, keylog_rows(kl), packets);
	sim_free(&s);
	fclose(pcap);
	keylog_close(kl);
	return 0;
}
