/*
 * fuzz_esp.c - libFuzzer target over libesp's inbound processing.
 *
 * One context holds inbound SAs of several algorithms with the keys of the
 * published vectors (RFC 3602 §4, RFC 4106 test draft, RFC 7634 App. A, the
 * scapy captures), so seeds from those vectors reach past the SPI lookup,
 * and an encryption-only SA lets mutations reach the padding and next-header
 * checks.  The first input byte selects:
 *   0: esp_input on the rest (ESP packet as from UDP/4500 or protocol 50),
 *      from the peer's endpoint with the port plus the high nibble of
 *      byte 0 (so an authentic seed may move the peer)
 *   1: esp_ipv4_decap on the rest (whole IPv4 packet)
 *   2: esp_udp_classify on the rest
 *   3: round trip: byte 1 picks an outbound/inbound SA pair, the rest is an
 *      IPv4 payload that must come back unchanged; with bit 2 of byte 0
 *      set and an encryption-only pair, the last 8 input bytes are XORed
 *      into the ciphertext tail first, so garbage trailers and inner
 *      headers reach the padding, next-header, inner-IPv4 and NAT checksum
 *      code (the result may then be any error, but nothing may crash).
 * Some inbound SAs carry selectors (UDP/1701 and variants), the round-trip
 * inbound SAs are paired with their outbound SAs.  Replay windows and peer
 * endpoints are reset before every input so runs are deterministic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/esp.h>
#include "esp_internal.h"
#include "testsupport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fsa {
	uint32_t spi;
	enum esp_mode mode;
	enum esp_enc_alg enc;
	const char *key, *salt;
	enum esp_integ_alg integ;
	const char *ikey;
	bool esn, udp;
	uint64_t top;		/* initial replay top (ESN vectors) */
	uint8_t sel_proto;	/* selectors */
	uint16_t sel_local, sel_remote;
};

static const struct fsa fsas[] = {
	/* RFC 3602 §4 cases 5-6 and 7-8. */
	{ 0x4321, ESP_MODE_TRANSPORT, ESP_ENC_AES_CBC,
	  "90d382b410eeba7ad938c46cec1a82bf", "", ESP_INTEG_NONE, "", false, false, 0, 0, 0, 0 },
	{ 0x8765, ESP_MODE_TUNNEL, ESP_ENC_AES_CBC,
	  "0123456789abcdef0123456789abcdef", "", ESP_INTEG_NONE, "", false, false, 0, 0, 0, 0 },
	/* RFC 7634 App. A. */
	{ 0x01020304, ESP_MODE_TUNNEL, ESP_ENC_CHACHA20_POLY1305,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	  "a0a1a2a3", ESP_INTEG_NONE, "", false, false, 0, 0, 0, 0 },
	/* draft-mcgrew-gcm-test-01 cases 2, 3 and (ESN) 5. */
	{ 0xa5f8, ESP_MODE_TRANSPORT, ESP_ENC_AES_GCM_16,
	  "feffe9928665731c6d6a8f9467308308", "cafebabe", ESP_INTEG_NONE, "",
	  false, false, 0, 0, 0, 0 },
	{ 0x4a2cbfe3, ESP_MODE_TRANSPORT, ESP_ENC_AES_GCM_16,
	  "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
	  "11223344", ESP_INTEG_NONE, "", false, false, 0, 0, 0, 0 },
	{ 0x42f67e3f, ESP_MODE_TRANSPORT, ESP_ENC_AES_GCM_16,
	  "3de09874b388e6491988d0c3607eae1f", "57690e43", ESP_INTEG_NONE, "",
	  true, false, 0x1010101010101000ULL, 0, 0, 0 },
	/* scapy_esp_suites.pcap SAs 0x1001-0x1005. */
	{ 0x1001, ESP_MODE_TRANSPORT, ESP_ENC_AES_CBC,
	  "000102030405060708090a0b0c0d0e0f", "", ESP_INTEG_HMAC_SHA1_96,
	  "0102030405060708090a0b0c0d0e0f1011121314", false, false, 0, 17, 1701, 0 },
	{ 0x1002, ESP_MODE_TRANSPORT, ESP_ENC_3DES_CBC,
	  "0123456789abcdef23456789abcdef01456789abcdef0123", "",
	  ESP_INTEG_HMAC_MD5_96, "00112233445566778899aabbccddeeff", false, false, 0,
	  17, 1701, 1701 },
	{ 0x1003, ESP_MODE_TRANSPORT, ESP_ENC_AES_CBC,
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "",
	  ESP_INTEG_HMAC_SHA256_128,
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
	  false, false, 0, 0, 0, 0 },
	{ 0x1004, ESP_MODE_TRANSPORT, ESP_ENC_AES_GCM_16,
	  "4c80cdefbb5d10da906ac73c3613a634", "2e443b68", ESP_INTEG_NONE, "",
	  false, false, 0, 0, 0, 0 },
	{ 0x1005, ESP_MODE_TRANSPORT, ESP_ENC_AES_CBC,
	  "000102030405060708090a0b0c0d0e0f", "", ESP_INTEG_HMAC_SHA1_96,
	  "0102030405060708090a0b0c0d0e0f1011121314", false, true, 0, 17, 0, 0 },
	/* NULL encryption, tunnel-mode encryption-only, ESN. */
	{ 0x2001, ESP_MODE_TRANSPORT, ESP_ENC_NULL, "", "", ESP_INTEG_HMAC_SHA1_96,
	  "0102030405060708090a0b0c0d0e0f1011121314", true, false, 0, 0, 0, 0 },
	{ 0x2002, ESP_MODE_TUNNEL, ESP_ENC_3DES_CBC,
	  "0123456789abcdef23456789abcdef01456789abcdef0123", "", ESP_INTEG_NONE,
	  "", true, true, 0xfffffff0ULL, 17, 1701, 0 },
};
#define NFSA (sizeof(fsas) / sizeof(fsas[0]))

/* Round-trip pairs: outbound + inbound, one per algorithm family. */
static const struct {
	enum esp_enc_alg enc;
	size_t kl;
	enum esp_integ_alg integ;
	size_t il;
	enum esp_mode mode;
	bool esn, udp;
	uint8_t sel_proto;	/* inbound selectors (encryption-only pairs) */
	uint16_t sel_local, sel_remote;
} pairs[] = {
	{ ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_MD5_96, 16, ESP_MODE_TRANSPORT, false, true, 0, 0, 0 },
	{ ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA1_96, 20, ESP_MODE_TRANSPORT, true, false, 0, 0, 0 },
	{ ESP_ENC_AES_CBC, 32, ESP_INTEG_HMAC_SHA256_128, 32, ESP_MODE_TUNNEL, false, true, 0, 0, 0 },
	{ ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE, 0, ESP_MODE_TRANSPORT, true, true, 0, 0, 0 },
	{ ESP_ENC_CHACHA20_POLY1305, 32, ESP_INTEG_NONE, 0, ESP_MODE_TUNNEL, false, false, 0, 0, 0 },
	{ ESP_ENC_NULL, 0, ESP_INTEG_HMAC_SHA256_96, 32, ESP_MODE_TRANSPORT, false, false, 0, 0, 0 },
	/* Encryption only (no ICV): mutated ciphertext decrypts to garbage. */
	{ ESP_ENC_AES_CBC, 16, ESP_INTEG_NONE, 0, ESP_MODE_TRANSPORT, false, true,
	  17, 1701, 0 },
	{ ESP_ENC_3DES_CBC, 24, ESP_INTEG_NONE, 0, ESP_MODE_TUNNEL, true, true,
	  17, 0, 1701 },
	{ ESP_ENC_AES_CBC, 32, ESP_INTEG_NONE, 0, ESP_MODE_TRANSPORT, false, false,
	  0, 1701, 0 },
	{ ESP_ENC_AES_CBC, 24, ESP_INTEG_NONE, 0, ESP_MODE_TRANSPORT, true, true,
	  6, 0, 0 },
};
#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

static struct esp_ctx *ctx;
static struct esp_sa *in_sa[NFSA + NPAIRS], *out_sa[NPAIRS];
static const struct esp_endpoint peer = { 0xc0000202, 4500 };
static struct ts_rng rng;

static void
unhex(uint8_t *out, size_t *n, const char *h)
{
	*n = ts_hex2bin(out, 64, h);
	if (*n == (size_t)-1)
		abort();
}

static void
setup(void)
{
	struct esp_hooks hooks;
	struct esp_sa_config c;
	size_t i, n;

	memset(&hooks, 0, sizeof(hooks));
	ts_rng_init(&rng, 7);
	hooks.user = &rng;
	hooks.rng = ts_rng_cb;
	if (esp_ctx_new(&ctx, NULL, &hooks) != ESP_OK)
		abort();
	for (i = 0; i < NFSA; i++) {
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.spi = fsas[i].spi;
		c.dir = ESP_DIR_IN;
		c.mode = fsas[i].mode;
		c.enc_alg = fsas[i].enc;
		unhex(c.enc_key, &c.enc_key_len, fsas[i].key);
		unhex(c.salt, &n, fsas[i].salt);
		c.integ_alg = fsas[i].integ;
		unhex(c.integ_key, &c.integ_key_len, fsas[i].ikey);
		c.esn = fsas[i].esn;
		c.udp_encap = fsas[i].udp;
		c.peer_addr = peer.ip;
		c.encap_dport = peer.port;
		c.sel_protocol = fsas[i].sel_proto;
		c.sel_local_port = fsas[i].sel_local;
		c.sel_remote_port = fsas[i].sel_remote;
		c.natoa_valid = i % 2 == 0;
		c.natoa_src = 0x0a000001;
		c.natoa_dst = 0xc0a80001;
		c.natt_csum = (enum esp_natt_csum)((i + 2) % 4);
		if (esp_sa_add(ctx, 0, &c, &in_sa[i]) != ESP_OK)
			abort();
	}
	for (i = 0; i < NPAIRS; i++) {
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.spi = 0x3000 + (uint32_t)i;
		c.mode = pairs[i].mode;
		c.enc_alg = pairs[i].enc;
		c.enc_key_len = pairs[i].kl;
		memset(c.enc_key, 0x11 * (int)(i + 1), c.enc_key_len);
		memset(c.salt, 0x5a, sizeof(c.salt));
		c.integ_alg = pairs[i].integ;
		c.integ_key_len = pairs[i].il;
		memset(c.integ_key, 0x22 * (int)(i + 1), c.integ_key_len);
		c.esn = pairs[i].esn;
		c.udp_encap = pairs[i].udp;
		c.encap_sport = 4500;
		c.encap_dport = peer.port;
		c.local_addr = 0xc0000201;
		c.peer_addr = peer.ip;
		/* Checksum fixes only where the payload is not compared. */
		c.natt_csum = pairs[i].integ == ESP_INTEG_NONE &&
		    pairs[i].enc == ESP_ENC_AES_CBC ? ESP_NATT_CSUM_AUTO :
		    ESP_NATT_CSUM_NONE;
		c.natoa_valid = i % 2 == 0;
		c.natoa_src = 0x0a000001;
		c.natoa_dst = 0xc0000202;
		c.dir = ESP_DIR_OUT;
		if (esp_sa_add(ctx, 0, &c, &out_sa[i]) != ESP_OK)
			abort();
		c.dir = ESP_DIR_IN;
		c.pair = out_sa[i];
		c.sel_protocol = pairs[i].sel_proto;
		c.sel_local_port = pairs[i].sel_local;
		c.sel_remote_port = pairs[i].sel_remote;
		if (esp_sa_add(ctx, 0, &c, &in_sa[NFSA + i]) != ESP_OK)
			abort();
	}
}

static void
reset(void)
{
	size_t i;

	for (i = 0; i < NFSA + NPAIRS; i++) {
		espi_replay_init(&in_sa[i]->rp, in_sa[i]->rp.window);
		in_sa[i]->rp.top = i < NFSA ? fsas[i].top : 0;
		in_sa[i]->peer_addr = peer.ip;
		in_sa[i]->encap_dport = peer.port;
	}
	for (i = 0; i < NPAIRS; i++) {
		out_sa[i]->seq = 0;
		out_sa[i]->peer_addr = peer.ip;
		out_sa[i]->encap_dport = peer.port;
	}
	while (esp_next_event(ctx, &(struct esp_event){ 0 }))
		;
}

/* No SA's peer moved (after a refused packet or one that did not move). */
static void
unmoved(void)
{
	size_t i;

	for (i = 0; i < NFSA + NPAIRS; i++)
		if (in_sa[i]->encap_dport != peer.port ||
		    in_sa[i]->peer_addr != peer.ip)
			abort();
	for (i = 0; i < NPAIRS; i++)
		if (out_sa[i]->encap_dport != peer.port)
			abort();
}

static void
roundtrip(const uint8_t *d, size_t n, bool mutate)
{
	static uint8_t buf[ESP_HEADROOM + 2048 + ESP_TAILROOM];
	static uint8_t orig[2048];
	struct esp_rx rx;
	size_t k, off = ESP_HEADROOM, len, plen, i;
	bool enc_only;
	uint8_t x[8];
	int rc;

	if (n < 1)
		return;
	k = d[0] % NPAIRS;
	d++;
	n--;
	/*
	 * Encryption-only pairs (which also fix NAT checksums, so the payload
	 * is not compared) take the mutation bytes, if asked and present.
	 */
	enc_only = pairs[k].integ == ESP_INTEG_NONE &&
	    (pairs[k].enc == ESP_ENC_AES_CBC || pairs[k].enc == ESP_ENC_3DES_CBC);
	memset(x, 0, sizeof(x));
	if (enc_only && mutate && n >= sizeof(x)) {
		memcpy(x, d + n - sizeof(x), sizeof(x));
		n -= sizeof(x);
	}
	plen = n > 2048 - 20 ? 2048 - 20 : n;
	/* A well-formed IPv4 header around the fuzzed payload. */
	len = 20 + plen;
	memset(buf + off, 0, 20);
	buf[off] = 0x45;
	espi_put16(buf + off + 2, (uint16_t)len);
	buf[off + 8] = 64;
	buf[off + 9] = n > 0 && d[0] != 59 && d[0] != 255 ? d[0] : 17;
	espi_put32(buf + off + 12, 0xc0000201);
	espi_put32(buf + off + 16, 0xc0000202);
	espi_put16(buf + off + 10, espi_ip_csum(buf + off, 20));
	memcpy(buf + off + 20, d, plen);
	memcpy(orig, buf + off, len);
	if (esp_ipv4_encap(ctx, 0, out_sa[k], buf, sizeof(buf), &off, &len) != ESP_OK)
		abort();
	if (enc_only) {
		/* XOR x into the last block(s) of ciphertext: garbage trailer. */
		for (i = 0; i < sizeof(x) && i < len; i++)
			buf[off + len - 1 - i - (x[0] % 16)] ^= x[i];
		rc = esp_ipv4_decap(ctx, 0, buf + off, len, &rx);
		if (rc == ESP_OK && rx.off + rx.len > len)
			abort();
		return;
	}
	if (esp_ipv4_decap(ctx, 0, buf + off, len, &rx) != ESP_OK)
		abort();
	if (rx.len != 20 + plen || memcmp(buf + off + rx.off, orig, rx.len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[65536];
	struct esp_endpoint from;
	struct esp_rx rx;
	int rc;

	if (ctx == NULL)
		setup();
	if (size < 1 || size - 1 > sizeof(pkt))
		return 0;
	reset();
	memcpy(pkt, data + 1, size - 1);
	switch (data[0] & 3) {
	case 0:
		from.ip = peer.ip;
		from.port = (uint16_t)(peer.port + (data[0] >> 4));
		rc = esp_input(ctx, 0, pkt, size - 1, &from, &rx);
		if (rc == ESP_OK && (rx.off + rx.len > size - 1 || rx.sa == NULL))
			abort();
		/* Only an authentic packet from a new port moves the peer. */
		if (rc == ESP_OK && rx.peer_moved && (data[0] >> 4 == 0 ||
		    rx.sa->icv_len == 0 || !rx.sa->udp_encap ||
		    rx.sa->encap_dport != from.port))
			abort();
		if (rc != ESP_OK || !rx.peer_moved)
			unmoved();
		break;
	case 1:
		rc = esp_ipv4_decap(ctx, 0, pkt, size - 1, &rx);
		if (rc == ESP_OK && rx.off + rx.len > size - 1)
			abort();
		break;
	case 2:
		rc = esp_udp_classify(ctx, pkt, size - 1);
		if (rc != ESP_UDP_ESP && rc != ESP_UDP_IKE &&
		    rc != ESP_UDP_KEEPALIVE && rc != ESP_E_TRUNCATED)
			abort();
		break;
	default:
		roundtrip(data + 1, size - 1, (data[0] & 4) != 0);
		break;
	}
	return 0;
}
