/*
 * demo_esp.c - libesp self-demo: a road warrior behind a NAT and a gateway,
 * two in-memory peers.  For a few algorithms, the client wraps an L2TP
 * packet (UDP to port 1701) in ESP-in-UDP/4500 (RFC 3948, transport mode);
 * the NAT rewrites the outer source; the gateway classifies the datagram,
 * decapsulates it (fixing the inner UDP checksum from NAT-OA), checks the
 * SA's L2TP selectors and gets the L2TP packet back.  Then the NAT changes
 * the client's port: the next authentic packet moves the gateway's SA pair
 * (its reply goes to the new port), a replayed packet is rejected and moves
 * nothing, a packet outside the selectors is refused, a NAT keepalive is
 * recognised, and the gateway shows its SAs.  Public API only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/esp.h>
#include <sodium.h>

#define CLIENT_IP	0x0a000005u	/* 10.0.0.5, behind the NAT */
#define NAT_IP		0xcb007107u	/* 203.0.113.7 */
#define GW_IP		0xc6336402u	/* 198.51.100.2 */
#define NAT_PORT2	61234		/* the NAT's new mapping */

static int
rng(void *user, void *buf, size_t len)
{
	(void)user;
	randombytes_buf(buf, len);
	return 0;
}

static void
logcb(void *user, int level, const char *msg)
{
	if (level <= ESP_LOG_INFO)
		printf("  [%s log %d] %s\n", (const char *)user, level, msg);
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv4 | UDP 1701 -> dport | L2TP data header + a PPP frame. */
static size_t
l2tp_packet(uint8_t *p, uint32_t src, uint32_t dst, uint16_t dport)
{
	static const uint8_t l2tp[] = {
		0x40, 0x02, 0x00, 0x2a,	/* L: length present, version 2, len 42 */
		0x00, 0x07, 0x00, 0x01,	/* tunnel 7, session 1 */
		0xff, 0x03, 0xc0, 0x21,	/* PPP: address, control, LCP */
		0x09, 0x01, 0x00, 0x08, 0x12, 0x34, 0x56, 0x78, /* Echo-Request */
		'r', 'o', 'a', 'd', 'g', 'a', 't', 'e', ' ', 'd', 'e', 'm', 'o',
		'!', '!', '!', '!', '!', '!', '!', '!', '!'
	};
	size_t n = 28 + sizeof(l2tp);
	uint32_t sum = 0;

	memset(p, 0, 28);
	p[0] = 0x45;
	put16(p + 2, (uint32_t)n);
	p[8] = 64;
	p[9] = 17;
	put32(p + 12, src);
	put32(p + 16, dst);
	put16(p + 10, csum(p, 20, 0));
	put16(p + 20, 1701);
	put16(p + 22, dport);
	put16(p + 24, 8 + sizeof(l2tp));
	memcpy(p + 28, l2tp, sizeof(l2tp));
	sum = (src >> 16) + (src & 0xffff) + (dst >> 16) +
	    (dst & 0xffff) + 17 + 8 + sizeof(l2tp);
	put16(p + 26, csum(p + 20, 8 + sizeof(l2tp), sum));
	return n;
}

static void
sa_cfg(struct esp_sa_config *c, uint32_t spi, enum esp_dir dir,
    enum esp_enc_alg enc, size_t kl, enum esp_integ_alg integ, size_t il,
    const uint8_t *keys, uint32_t local, uint32_t peer)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->spi = spi;
	c->dir = dir;
	c->mode = ESP_MODE_TRANSPORT;
	c->enc_alg = enc;
	c->enc_key_len = kl;
	memcpy(c->enc_key, keys, kl);
	memcpy(c->salt, keys + 32, ESP_SALT_LEN);
	c->integ_alg = integ;
	c->integ_key_len = il;
	memcpy(c->integ_key, keys + 36, il);
	c->local_addr = local;
	c->peer_addr = peer;		/* the peer's public endpoint, from IKE */
	c->udp_encap = true;
	c->encap_sport = 4500;
	c->encap_dport = 4500;
	/* NAT-OA from IKE: the client's own address and the gateway's. */
	c->natoa_valid = true;
	c->natoa_src = CLIENT_IP;
	c->natoa_dst = GW_IP;
	c->natt_csum = ESP_NATT_CSUM_AUTO;
}

static const struct {
	const char *name;
	enum esp_enc_alg enc;
	size_t kl;
	enum esp_integ_alg integ;
	size_t il;
} algs[] = {
	{ "AES-GCM-16 (128)", ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE, 0 },
	{ "ChaCha20-Poly1305", ESP_ENC_CHACHA20_POLY1305, 32, ESP_INTEG_NONE, 0 },
	{ "AES-CBC-256 + HMAC-SHA2-256-128", ESP_ENC_AES_CBC, 32,
	  ESP_INTEG_HMAC_SHA256_128, 32 },
	{ "3DES-CBC + HMAC-SHA1-96", ESP_ENC_3DES_CBC, 24, ESP_INTEG_HMAC_SHA1_96, 20 },
};

static void
ip_str(char *b, size_t n, uint32_t ip)
{
	snprintf(b, n, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
	    (ip >> 8) & 0xff, ip & 0xff);
}

static void
print_events(const char *who, struct esp_ctx *ctx)
{
	struct esp_event ev;
	char a[20], b[20];

	while (esp_next_event(ctx, &ev)) {
		if (ev.type == ESP_EV_PEER_MOVED) {
			ip_str(a, sizeof(a), ev.prev.ip);
			ip_str(b, sizeof(b), ev.endpoint.ip);
			printf("  %s event: %s, SA 0x%08x (user %llu): %s:%u -> "
			    "%s:%u\n", who, esp_event_name(ev.type), ev.spi,
			    (unsigned long long)ev.user, a, ev.prev.port, b,
			    ev.endpoint.port);
		} else {
			printf("  %s event: %s (%s), SA 0x%08x\n", who,
			    esp_event_name(ev.type), esp_limit_name(ev.limit),
			    ev.spi);
		}
	}
}

/* Client -> NAT (source becomes NAT_IP:nat_port) -> IPv4 packet at buf+off. */
static int
client_send(struct esp_ctx *client, struct esp_sa *out, uint8_t *buf,
    size_t cap, size_t *off, size_t *len, uint16_t dport, uint16_t nat_port)
{
	int rc;

	*off = ESP_HEADROOM;
	*len = l2tp_packet(buf + *off, CLIENT_IP, GW_IP, dport);
	rc = esp_ipv4_encap(client, 0, out, buf, cap, off, len);
	if (rc != ESP_OK)
		return rc;
	put32(buf + *off + 12, NAT_IP);
	put16(buf + *off + 10, 0);
	put16(buf + *off + 10, csum(buf + *off, 20, 0));
	put16(buf + *off + 20, nat_port);	/* outer UDP checksum is 0 */
	return ESP_OK;
}

int
main(void)
{
	static uint8_t buf[ESP_HEADROOM + 1500 + ESP_TAILROOM], saved[1600];
	struct esp_hooks hc = { 0 }, hg = { 0 };
	struct esp_ctx *client, *gw;
	struct esp_sa_config c;
	struct esp_sa *out, *in, *gw_out, *first_out = NULL, *first_gw_out = NULL;
	struct esp_sa_stats st;
	struct esp_sa_info info;
	struct esp_endpoint ep;
	struct esp_rx rx;
	uint8_t keys[100], orig[200], ka[1];
	char a[20], b[20];
	size_t i, off, len, olen, slen = 0, cur;
	int rc, fails = 0;

	if (sodium_init() < 0)
		return 1;
	hc.rng = hg.rng = rng;
	hc.log = hg.log = logcb;
	hc.user = (void *)"client";
	hg.user = (void *)"gateway";
	if (esp_ctx_new(&client, NULL, &hc) != ESP_OK ||
	    esp_ctx_new(&gw, NULL, &hg) != ESP_OK)
		return 1;
	printf("libesp %s demo: client %s behind NAT %s, gateway %s\n",
	    esp_version(), "10.0.0.5", "203.0.113.7", "198.51.100.2");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		uint32_t spi = 0xc0de0000u + (uint32_t)i;

		printf("\n== %s, SPI 0x%08x\n", algs[i].name, spi);
		randombytes_buf(keys, sizeof(keys));	/* what IKE would derive */
		/* The gateway's reply SA first: the inbound SA names it. */
		sa_cfg(&c, spi + 0x100, ESP_DIR_OUT, algs[i].enc, algs[i].kl,
		    algs[i].integ, algs[i].il, keys, GW_IP, NAT_IP);
		rc = esp_sa_add(gw, 0, &c, &gw_out);
		sa_cfg(&c, spi, ESP_DIR_OUT, algs[i].enc, algs[i].kl, algs[i].integ,
		    algs[i].il, keys, CLIENT_IP, GW_IP);
		if (rc == ESP_OK)
			rc = esp_sa_add(client, 0, &c, &out);
		sa_cfg(&c, spi, ESP_DIR_IN, algs[i].enc, algs[i].kl, algs[i].integ,
		    algs[i].il, keys, GW_IP, NAT_IP);
		/* L2TP/IPsec selectors: UDP to our port 1701, any source port. */
		c.sel_protocol = 17;
		c.sel_local_port = 1701;
		c.pair = gw_out;
		c.user = 1000 + i;	/* the gateway's per-client object */
		if (rc == ESP_OK)
			rc = esp_sa_add(gw, 0, &c, &in);
		sodium_memzero(&c, sizeof(c));
		sodium_memzero(keys, sizeof(keys));
		if (rc != ESP_OK) {
			printf("  SA setup failed: %s\n", esp_strerror(rc));
			return 1;
		}
		if (i == 0) {
			first_out = out;
			first_gw_out = gw_out;
		}
		/* Client: L2TP/UDP-1701 -> ESP-in-UDP/4500, in place; NAT. */
		olen = l2tp_packet(orig, CLIENT_IP, GW_IP, 1701);
		rc = client_send(client, out, buf, sizeof(buf), &off, &len, 1701,
		    4500);
		if (rc != ESP_OK) {
			printf("  encap failed: %s\n", esp_strerror(rc));
			return 1;
		}
		printf("  client: %zu-byte L2TP/IP packet -> %zu-byte IP/UDP-4500/ESP "
		    "packet\n", olen, len);
		if (i == 0) {
			memcpy(saved, buf + off, len);
			slen = len;
		}
		/* Gateway: what arrived on UDP 4500? */
		rc = esp_udp_classify(gw, buf + off + 28, len - 28);
		printf("  gateway: UDP/4500 payload classified as %s\n",
		    rc == ESP_UDP_ESP ? "ESP" : rc == ESP_UDP_IKE ? "IKE" : "other");
		rc = esp_ipv4_decap(gw, 0, buf + off, len, &rx);
		if (rc != ESP_OK) {
			printf("  decap failed: %s\n", esp_strerror(rc));
			fails++;
			continue;
		}
		printf("  gateway: SPI 0x%08x seq %llu -> %zu-byte inner packet, "
		    "protocol %u, UDP port %u, L2TP tunnel %u session %u, user %llu\n",
		    rx.spi, (unsigned long long)rx.seq, rx.len, rx.next_header,
		    (unsigned)(buf[off + rx.off + 22] << 8 | buf[off + rx.off + 23]),
		    (unsigned)(buf[off + rx.off + 32] << 8 | buf[off + rx.off + 33]),
		    (unsigned)(buf[off + rx.off + 34] << 8 | buf[off + rx.off + 35]),
		    (unsigned long long)rx.user);
		/* Same bytes as sent, but the source is now the NAT's address and
		 * the UDP checksum was fixed incrementally from NAT-OA. */
		printf("  gateway: payload %s the client's (source %u.%u.%u.%u, "
		    "UDP checksum %s)\n",
		    memcmp(buf + off + rx.off + 28, orig + 28, olen - 28) == 0 ?
		    "matches" : "DIFFERS FROM", buf[off + rx.off + 12],
		    buf[off + rx.off + 13], buf[off + rx.off + 14],
		    buf[off + rx.off + 15],
		    csum(buf + off + rx.off + 20, rx.len - 20,
		    (NAT_IP >> 16) + (NAT_IP & 0xffff) + (GW_IP >> 16) +
		    (GW_IP & 0xffff) + 17 + (uint32_t)(rx.len - 20)) == 0 ?
		    "valid" : "INVALID");
		if (memcmp(buf + off + rx.off + 28, orig + 28, olen - 28) != 0 ||
		    rx.peer_moved)
			fails++;
	}

	printf("\n== NAT rebinding: the NAT now maps the client to port %u\n",
	    NAT_PORT2);
	rc = client_send(client, first_out, buf, sizeof(buf), &off, &len, 1701,
	    NAT_PORT2);
	if (rc == ESP_OK)
		rc = esp_ipv4_decap(gw, 0, buf + off, len, &rx);
	printf("  gateway: %s, peer moved: %s\n", esp_strerror(rc),
	    rx.peer_moved ? "yes" : "no");
	if (rc != ESP_OK || !rx.peer_moved)
		fails++;
	print_events("gateway", gw);
	esp_sa_peer(first_gw_out, &ep);
	ip_str(a, sizeof(a), ep.ip);
	printf("  gateway: its reply SA now sends to %s:%u\n", a, ep.port);
	off = ESP_HEADROOM;
	len = l2tp_packet(buf + off, GW_IP, NAT_IP, 1701);
	rc = esp_ipv4_encap(gw, 0, first_gw_out, buf, sizeof(buf), &off, &len);
	printf("  gateway: reply %s, outer UDP destination port %u\n",
	    esp_strerror(rc), (unsigned)(buf[off + 22] << 8 | buf[off + 23]));
	if (rc != ESP_OK || ep.port != NAT_PORT2 ||
	    (buf[off + 22] << 8 | buf[off + 23]) != NAT_PORT2)
		fails++;

	printf("\n== replay: the first packet again, from yet another port\n");
	put16(saved + 20, 5555);
	rc = esp_ipv4_decap(gw, 0, saved, slen, &rx);
	esp_sa_peer(first_gw_out, &ep);
	printf("  gateway: %s (%d); the peer stays at port %u\n",
	    esp_strerror(rc), rc, ep.port);
	if (rc != ESP_E_REPLAY || ep.port != NAT_PORT2)
		fails++;

	printf("\n== selectors: the client sends UDP to port 53 through the SA\n");
	rc = client_send(client, first_out, buf, sizeof(buf), &off, &len, 53,
	    NAT_PORT2);
	if (rc == ESP_OK)
		rc = esp_ipv4_decap(gw, 0, buf + off, len, &rx);
	printf("  gateway: %s (%d)\n", esp_strerror(rc), rc);
	if (rc != ESP_E_SELECTOR)
		fails++;
	in = esp_sa_find(gw, 0xc0de0000u);
	esp_sa_get_stats(in, &st);
	printf("  SA 0x%08x stats: %llu packets, %llu bytes, %llu replayed, "
	    "%llu ICV failures, %llu outside selectors, %llu peer moves\n",
	    esp_sa_spi(in), (unsigned long long)st.packets,
	    (unsigned long long)st.bytes, (unsigned long long)st.replay,
	    (unsigned long long)st.auth_fail, (unsigned long long)st.selector,
	    (unsigned long long)st.peer_moved);

	printf("\n== NAT keepalive\n");
	rc = esp_keepalive_build(ka, sizeof(ka));
	printf("  client sends %d byte (0x%02x); gateway classifies it as %s\n",
	    rc, ka[0], esp_udp_classify(gw, ka, 1) == ESP_UDP_KEEPALIVE ?
	    "keepalive" : "something else");

	printf("\n== gateway: show esp sa\n");
	cur = 0;
	while (esp_sa_next(gw, 0, &cur, &info)) {
		ip_str(a, sizeof(a), info.local.ip);
		ip_str(b, sizeof(b), info.peer.ip);
		printf("  0x%08x %-3s %s %s-%u %s %s:%u -> %s:%u seq %llu "
		    "packets %llu user %llu\n", info.spi, esp_dir_name(info.dir),
		    esp_mode_name(info.mode), esp_enc_alg_name(info.enc_alg),
		    info.enc_key_bits, esp_integ_alg_name(info.integ_alg), a,
		    info.local.port, b, info.peer.port,
		    (unsigned long long)info.seq,
		    (unsigned long long)info.stats.packets,
		    (unsigned long long)info.user);
	}

	esp_ctx_free(client);
	esp_ctx_free(gw);
	printf("\ndemo %s\n", fails == 0 ? "ok" : "FAILED");
	return fails == 0 ? 0 : 1;
}
