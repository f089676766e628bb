/*
 * isakmp_pcap_dump.c - runs an initiator/responder exchange (client behind a
 * NAT, so it floats to UDP 4500) through the public API and writes every
 * datagram as raw IPv4/UDP into a pcap file (argv[1]) for the tshark oracle
 * (tshark_oracle.sh).  Prints on stdout:
 *   uat <icookie-hex>,<phase-1-encryption-key-hex>   (ikev1_decryption_table row)
 *   spi <hex>                                        (both ESP SPIs)
 * argv[2] selects the proposal: 0 = aes256-sha1-modp2048 (default),
 * 1 = 3des-md5-modp1024, 2 = aes128-sha256-ecp256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/isakmp.h>
#include "testsupport.h"

#define CLIENT_IP 0x0a000002u
#define NAT_IP    0xc6336401u
#define SERVER_IP 0xcb00710au

static FILE *pcap;
static unsigned frame;

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void
write_pkt(uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport, const uint8_t *d, size_t n)
{
	uint8_t h[28];
	uint32_t rec[4], sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	h[0] = 0x45;
	h[2] = (uint8_t)((28 + n) >> 8); h[3] = (uint8_t)(28 + n);
	h[8] = 64; h[9] = 17;
	put32(h + 12, sip);
	put32(h + 16, dip);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h[10] = (uint8_t)(~sum >> 8); h[11] = (uint8_t)~sum;
	h[20] = (uint8_t)(sport >> 8); h[21] = (uint8_t)sport;
	h[22] = (uint8_t)(dport >> 8); h[23] = (uint8_t)dport;
	h[24] = (uint8_t)((8 + n) >> 8); h[25] = (uint8_t)(8 + n);
	rec[0] = 1700000000u + frame;
	rec[1] = 0;
	rec[2] = rec[3] = (uint32_t)(28 + n);
	fwrite(rec, sizeof(rec), 1, pcap);
	fwrite(h, sizeof(h), 1, pcap);
	fwrite(d, n, 1, pcap);
	frame++;
}

int
main(int argc, char **argv)
{
	static const uint32_t ghdr[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 228 };
	struct isakmp_hooks hc, hs;
	struct isakmp_ctx *c = NULL, *s = NULL;
	struct isakmp_policy pol, *p = &pol;
	uint32_t pid = 0;
	struct ts_rng rc_, rs_;
	struct isakmp_addr l = { CLIENT_IP, 500 }, r = { SERVER_IP, 500 }, f, t;
	struct isakmp_event ev;
	uint8_t buf[ISAKMP_MAX_PACKET], ic[8], key[64];
	size_t len, moved, kl, i;
	uint64_t id = 0, ike = 0;
	int sel = argc > 2 ? atoi(argv[2]) : 0;
	uint32_t spis[2] = { 0, 0 };

	if (argc < 2 || (pcap = fopen(argv[1], "wb")) == NULL) {
		fprintf(stderr, "usage: %s out.pcap [0|1|2]\n", argv[0]);
		return 2;
	}
	{
		uint16_t vmaj = 2, vmin = 4;
		uint32_t magic = 0xa1b2c3d4u, zero = 0, snap = 65535, lt = 228;

		(void)ghdr;
		fwrite(&magic, 4, 1, pcap);
		fwrite(&vmaj, 2, 1, pcap);
		fwrite(&vmin, 2, 1, pcap);
		fwrite(&zero, 4, 1, pcap);
		fwrite(&zero, 4, 1, pcap);
		fwrite(&snap, 4, 1, pcap);
		fwrite(&lt, 4, 1, pcap);
	}
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	memcpy(p->psk, "lab-psk-123", 11);
	p->psk_len = 11;
	if (sel == 1) {
		p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_MD5,
		    ISAKMP_GROUP_MODP1024, 0 };
		p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_3DES, 0, ISAKMP_INTEG_HMAC_MD5_96, 0, 0 };
	} else if (sel == 2) {
		p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA256,
		    ISAKMP_GROUP_ECP256, 0 };
		p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 256, ISAKMP_INTEG_HMAC_SHA256_128, 0, 0 };
	} else {
		p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA1,
		    ISAKMP_GROUP_MODP2048, 0 };
		p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	}
	p->n_p1 = 1;
	p->n_p2 = 1;
	p->natt = true;
	p->send_deletes = true;
	memset(&hc, 0, sizeof(hc));
	hc.rng = ts_rng_cb;
	hs = hc;
	ts_rng_init(&rc_, 5);
	ts_rng_init(&rs_, 6);
	hc.user = &rc_;
	hs.user = &rs_;
	if (isakmp_ctx_new(&c, NULL, &hc) != 0 || isakmp_ctx_new(&s, NULL, &hs) != 0 ||
	    isakmp_policy_add(c, p, &pid) != 0 || isakmp_policy_add(s, p, &pid) != 0 ||
	    isakmp_initiate(c, 0, pid, &l, &r, &id) != 0)
		return 1;
	for (i = 0; i < 2; i++) {
		do {
			moved = 0;
			while (isakmp_next_output(c, 0, buf, sizeof(buf), &len, &f, &t) == 0) {
				f.ip = NAT_IP;
				f.port = (uint16_t)(f.port == 500 ? 40500 : 44500);
				write_pkt(f.ip, f.port, t.ip, t.port, buf, len);
				if (isakmp_input(s, 0, buf, len, &f, &t) != 0)
					fprintf(stderr, "input refused\n");
				moved++;
			}
			while (isakmp_next_output(s, 0, buf, sizeof(buf), &len, &f, &t) == 0) {
				write_pkt(f.ip, f.port, t.ip, t.port, buf, len);
				t.ip = CLIENT_IP;
				t.port = (uint16_t)(t.port == 40500 ? 500 : 4500);
				if (isakmp_input(c, 0, buf, len, &f, &t) != 0)
					fprintf(stderr, "input refused\n");
				moved++;
			}
		} while (moved > 0);
		if (i == 0) {
			while (isakmp_next_event(c, &ev)) {
				if (ev.type == ISAKMP_EV_PHASE1_UP)
					ike = ev.ike_id;
				if (ev.type == ISAKMP_EV_IPSEC_SA_UP) {
					spis[0] = ev.sa.spi_in;
					spis[1] = ev.sa.spi_out;
				}
				isakmp_event_wipe(&ev);
			}
			if (isakmp_export_keys(c, ike, ic, key, sizeof(key), &kl) != 0)
				return 1;
			/* Then an Informational exchange: Delete. */
			(void)isakmp_peer_delete(c, 0, id);
		}
	}
	fclose(pcap);
	printf("uat ");
	for (i = 0; i < 8; i++)
		printf("%02x", ic[i]);
	printf(",");
	for (i = 0; i < kl; i++)
		printf("%02x", key[i]);
	printf("\nspi %08x\nspi %08x\n", spis[0], spis[1]);
	isakmp_ctx_free(c);
	isakmp_ctx_free(s);
	return spis[0] != 0 ? 0 : 1;
}
