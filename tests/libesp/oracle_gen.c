/*
 * oracle_gen.c - writes ESP packets made by libesp for the tshark oracle
 * (oracle_tshark.sh): for every algorithm tshark 4.0 can decrypt, an IPv4
 * UDP/1701 (L2TP) packet in transport mode, once as plain ESP and once as
 * ESP-in-UDP/4500, plus one tunnel-mode packet per algorithm.
 * Usage: oracle_gen DIR  ->  DIR/esp.pcap (LINKTYPE_RAW), DIR/esp_sa (UAT
 * rows), DIR/expect (frame number, suite, whether an ICV is checked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_test.h"

struct osuite {
	const char *name;
	enum esp_enc_alg enc;
	size_t kl;
	enum esp_integ_alg integ;
	const char *ws_enc, *ws_auth;
};

static const struct osuite suites[] = {
	{ "null-sha1", ESP_ENC_NULL, 0, ESP_INTEG_HMAC_SHA1_96, "NULL",
	  "HMAC-SHA-1-96 [RFC2404]" },
	{ "des-md5", ESP_ENC_DES_CBC, 8, ESP_INTEG_HMAC_MD5_96,
	  "DES-CBC [RFC2405]", "HMAC-MD5-96 [RFC2403]" },
	{ "3des-sha1", ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_SHA1_96,
	  "TripleDES-CBC [RFC2451]", "HMAC-SHA-1-96 [RFC2404]" },
	{ "3des-md5", ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_MD5_96,
	  "TripleDES-CBC [RFC2451]", "HMAC-MD5-96 [RFC2403]" },
	{ "aes128-sha1", ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA1_96,
	  "AES-CBC [RFC3602]", "HMAC-SHA-1-96 [RFC2404]" },
	{ "aes192-md5", ESP_ENC_AES_CBC, 24, ESP_INTEG_HMAC_MD5_96,
	  "AES-CBC [RFC3602]", "HMAC-MD5-96 [RFC2403]" },
	{ "aes256-sha256", ESP_ENC_AES_CBC, 32, ESP_INTEG_HMAC_SHA256_128,
	  "AES-CBC [RFC3602]", "HMAC-SHA-256-128 [RFC4868]" },
	{ "aes128-sha256_96", ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA256_96,
	  "AES-CBC [RFC3602]", "HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]" },
	{ "aes128gcm16", ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE,
	  "AES-GCM with 16 octet ICV [RFC4106]", "NULL" },
	{ "aes192gcm16", ESP_ENC_AES_GCM_16, 24, ESP_INTEG_NONE,
	  "AES-GCM with 16 octet ICV [RFC4106]", "NULL" },
	{ "aes256gcm16", ESP_ENC_AES_GCM_16, 32, ESP_INTEG_NONE,
	  "AES-GCM with 16 octet ICV [RFC4106]", "NULL" },
};

static void
put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

static void
hexkey(FILE *f, const uint8_t *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", k[i]);
}

int
main(int argc, char **argv)
{
	static uint8_t buf[ESP_HEADROOM + 1600 + ESP_TAILROOM];
	struct esp_config cfg;
	struct esp_sa_config c;
	struct esp_ctx *ctx;
	struct esp_hooks h;
	struct esp_sa *sa;
	struct ts_rng rng;
	char path[4096];
	FILE *pcap, *uat, *exp;
	uint32_t frame = 0;
	size_t s, v, off, len;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	ts_rng_init(&rng, 1701);
	memset(&h, 0, sizeof(h));
	h.user = &rng;
	h.rng = ts_rng_cb;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.allow_des = true;
	if (esp_ctx_new(&ctx, &cfg, &h) != ESP_OK)
		return 1;
	snprintf(path, sizeof(path), "%s/esp.pcap", argv[1]);
	pcap = fopen(path, "wb");
	snprintf(path, sizeof(path), "%s/esp_sa", argv[1]);
	uat = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/expect", argv[1]);
	exp = fopen(path, "w");
	if (pcap == NULL || uat == NULL || exp == NULL)
		return 1;
	/* pcap header: magic, 2.4, snaplen 65535, LINKTYPE_RAW (101). */
	put_le32(pcap, 0xa1b2c3d4);
	put_le32(pcap, 0x00040002);
	put_le32(pcap, 0);
	put_le32(pcap, 0);
	put_le32(pcap, 65535);
	put_le32(pcap, 101);
	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		/* v: 0 transport, 1 transport in UDP/4500, 2 tunnel */
		for (v = 0; v < 3; v++) {
			uint32_t spi = 0x10000 + (uint32_t)(s * 16 + v);

			et_sa_cfg(&c, spi, ESP_DIR_OUT, suites[s].enc, suites[s].kl,
			    suites[s].integ);
			c.mode = v == 2 ? ESP_MODE_TUNNEL : ESP_MODE_TRANSPORT;
			c.udp_encap = v == 1;
			c.encap_sport = c.encap_dport = 4500;
			c.local_addr = 0xc0000201;
			c.peer_addr = 0xc0000202;
			if (esp_sa_add(ctx, 0, &c, &sa) != ESP_OK)
				return 1;
			off = ESP_HEADROOM;
			len = et_udp_packet(buf + off, v == 2 ? 0x0a000001 : 0xc0000201,
			    v == 2 ? 0x0a000002 : 0xc0000202, 1701, 1701,
			    40 + s * 7 + v);
			if (esp_ipv4_encap(ctx, 0, sa, buf, sizeof(buf), &off, &len)
			    != ESP_OK)
				return 1;
			put_le32(pcap, 1700000000u + frame);
			put_le32(pcap, 0);
			put_le32(pcap, (uint32_t)len);
			put_le32(pcap, (uint32_t)len);
			fwrite(buf + off, 1, len, pcap);
			frame++;
			fprintf(uat, "\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x%08x\","
			    "\"%s\",\"0x", spi, suites[s].ws_enc);
			hexkey(uat, c.enc_key, c.enc_key_len);
			if (suites[s].enc == ESP_ENC_AES_GCM_16)
				hexkey(uat, c.salt, ESP_SALT_LEN);
			fprintf(uat, "\",\"%s\",\"", suites[s].ws_auth);
			if (c.integ_key_len != 0) {
				fprintf(uat, "0x");
				hexkey(uat, c.integ_key, c.integ_key_len);
			}
			fprintf(uat, "\"\n");
			fprintf(exp, "%u %s-%s 0x%08x\n", frame, suites[s].name,
			    v == 0 ? "transport" : v == 1 ? "udp4500" : "tunnel", spi);
		}
	}
	fclose(pcap);
	fclose(uat);
	fclose(exp);
	esp_ctx_free(ctx);
	return 0;
}
