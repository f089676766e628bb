/*
 * test_peer.c - peer endpoint tracking and NAT rebinding (peer.c and its
 * use in esp.c / ipv4.c): only an authentic packet newer than every one
 * before moves an SA pair; replayed, reordered, forged, refused or
 * unauthenticated packets never do; esp_sa_set_peer for the key manager.
 */
#include "esp_test.h"

void test_peer_register(void);

#define NAT_IP	0xcb007107u	/* 203.0.113.7 */
#define GW_IP	0xc6336402u	/* 198.51.100.2 */

/*
 * One context plays both ends: the client's outbound SA (cout) and the
 * gateway's inbound SA (gin, same SPI) paired with the gateway's outbound
 * SA (gout, another SPI), the gateway's view of the client being
 * NAT_IP:4500.
 */
struct pbed {
	struct et e;
	struct esp_sa *cout, *gin, *gout;
};

static void
pbed_open(struct pbed *b, const struct et_suite *s, bool udp, uint64_t user)
{
	struct esp_sa_config c;

	et_init(&b->e, NULL);
	et_sa_cfg(&c, 0x700, ESP_DIR_OUT, s->enc, s->keylen, s->integ);
	c.udp_encap = udp;
	c.encap_sport = c.encap_dport = 4500;
	c.local_addr = GW_IP;
	c.peer_addr = NAT_IP;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b->e.ctx, 0, &c, &b->gout), ESP_OK);
	c.spi = 0x701;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b->e.ctx, 0, &c, &b->cout), ESP_OK);
	c.dir = ESP_DIR_IN;
	c.pair = b->gout;
	c.user = user;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b->e.ctx, 0, &c, &b->gin), ESP_OK);
}

/* Encrypts a UDP 1701 -> 1701 header + n bytes with cout into p; length. */
static size_t
pkt(struct pbed *b, uint8_t *p, size_t cap, size_t n)
{
	size_t off = ESP_HEADROOM, len = 8 + n;

	memset(p + off, 0x3c, len);
	espi_put16(p + off, 1701);
	espi_put16(p + off + 2, 1701);
	CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(b->e.ctx, 0, b->cout, 17, p, cap, &off,
	    &len), ESP_OK);
	memmove(p, p + off, len);
	return len;
}

static void
peer_is(struct esp_sa *sa, uint32_t ip, uint16_t port)
{
	struct esp_endpoint ep;

	esp_sa_peer(sa, &ep);
	CU_ASSERT_EQUAL(ep.ip, ip);
	CU_ASSERT_EQUAL(ep.port, port);
}

static int
input(struct pbed *b, uint8_t *p, size_t len, uint32_t ip, uint16_t port,
    struct esp_rx *rx)
{
	struct esp_endpoint from = { ip, port };
	uint8_t cp[256];

	memcpy(cp, p, len);	/* keep the original for replays */
	return esp_input(b->e.ctx, 0, cp, len, &from, rx);
}

/* An authentic, new packet from a new port moves the SA and its pair. */
static void
test_rebinding_moves_pair(void)
{
	static const size_t suites[] = { 1, 3, 6, 7, 10 };
	struct esp_sa_stats st;
	struct esp_stats cst;
	struct esp_event ev;
	struct esp_rx rx;
	struct pbed b;
	uint8_t p[256];
	size_t k, len, off, plen;

	for (k = 0; k < sizeof(suites) / sizeof(suites[0]); k++) {
		pbed_open(&b, &et_suites[suites[k]], true, 4242);
		/* seq 1 from the recorded endpoint: nothing moves. */
		len = pkt(&b, p, sizeof(p), 10);
		CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP, 4500, &rx), ESP_OK);
		CU_ASSERT_FALSE(rx.peer_moved);
		CU_ASSERT_FALSE(esp_next_event(b.e.ctx, &ev));
		/* The gateway sends twice before the NAT rebinds. */
		for (off = 0; off < 2; off++) {
			size_t o = ESP_HEADROOM;

			plen = 20;
			memset(p + o, 1, plen);
			CU_ASSERT_EQUAL(esp_sa_encrypt(b.e.ctx, 0, b.gout, 17, p,
			    sizeof(p), &o, &plen), ESP_OK);
		}
		/* seq 2 from NAT_IP:61000: moves both SAs. */
		len = pkt(&b, p, sizeof(p), 10);
		CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP, 61000, &rx), ESP_OK);
		CU_ASSERT_TRUE(rx.peer_moved);
		CU_ASSERT_PTR_EQUAL(rx.sa, b.gin);
		peer_is(b.gin, NAT_IP, 61000);
		peer_is(b.gout, NAT_IP, 61000);
		peer_is(b.cout, NAT_IP, 4500);		/* not linked: untouched */
		CU_ASSERT_TRUE_FATAL(esp_next_event(b.e.ctx, &ev));
		CU_ASSERT_EQUAL(ev.type, ESP_EV_PEER_MOVED);
		CU_ASSERT_EQUAL(ev.limit, ESP_LIMIT_NONE);
		CU_ASSERT_PTR_EQUAL(ev.sa, b.gin);
		CU_ASSERT_EQUAL(ev.spi, 0x701);
		CU_ASSERT_EQUAL(ev.dir, ESP_DIR_IN);
		CU_ASSERT_EQUAL(ev.user, 4242);
		CU_ASSERT_EQUAL(ev.endpoint.ip, NAT_IP);
		CU_ASSERT_EQUAL(ev.endpoint.port, 61000);
		CU_ASSERT_EQUAL(ev.prev.ip, NAT_IP);
		CU_ASSERT_EQUAL(ev.prev.port, 4500);
		CU_ASSERT_FALSE(esp_next_event(b.e.ctx, &ev));
		CU_ASSERT_TRUE(ts_log_last_contains(&b.e.log, "peer moved"));
		/* A new address too (the NAT's other public IP). */
		len = pkt(&b, p, sizeof(p), 10);
		CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP + 1, 61000, &rx), ESP_OK);
		CU_ASSERT_TRUE(rx.peer_moved);
		peer_is(b.gout, NAT_IP + 1, 61000);
		esp_sa_get_stats(b.gin, &st);
		CU_ASSERT_EQUAL(st.peer_moved, 2);
		CU_ASSERT_EQUAL(st.packets, 3);
		esp_get_stats(b.e.ctx, &cst);
		CU_ASSERT_EQUAL(cst.peer_moved, 2);
		/* Sequence numbers are not restarted: the reply is number 3. */
		off = ESP_HEADROOM;
		plen = 20;
		memset(p + off, 1, plen);
		CU_ASSERT_EQUAL(esp_sa_encrypt(b.e.ctx, 0, b.gout, 17, p, sizeof(p),
		    &off, &plen), ESP_OK);
		CU_ASSERT_EQUAL(espi_get32(p + off + 4), 3);
		CU_ASSERT_EQUAL(esp_sa_seq(b.gout), 3);
		CU_ASSERT_EQUAL(esp_sa_seq(b.gin), 3);
		et_fini(&b.e);
	}
}

/*
 * A replayed packet, and a reordered old one (authentic, never seen, inside
 * the window), from a new address never move the peer: only a packet newer
 * than every one before may.
 */
static void
test_old_packets_never_move(void)
{
	struct esp_sa_stats st;
	struct esp_event ev;
	struct esp_rx rx;
	struct pbed b;
	uint8_t p[5][256];
	size_t len[5], i;

	pbed_open(&b, &et_suites[3], true, 1);
	for (i = 0; i < 5; i++)
		len[i] = pkt(&b, p[i], sizeof(p[i]), 10 + i);	/* seq 1..5 */
	CU_ASSERT_EQUAL(input(&b, p[0], len[0], NAT_IP, 4500, &rx), ESP_OK);
	CU_ASSERT_EQUAL(input(&b, p[4], len[4], NAT_IP, 4500, &rx), ESP_OK);
	/* Replay of 5 and of 1 from a new port: refused, nothing moves. */
	CU_ASSERT_EQUAL(input(&b, p[4], len[4], NAT_IP, 9999, &rx), ESP_E_REPLAY);
	CU_ASSERT_FALSE(rx.peer_moved);
	CU_ASSERT_EQUAL(input(&b, p[0], len[0], NAT_IP + 9, 4500, &rx),
	    ESP_E_REPLAY);
	peer_is(b.gin, NAT_IP, 4500);
	peer_is(b.gout, NAT_IP, 4500);
	/* Reordered 2, 3, 4 (authentic, accepted) from a new port: no move. */
	for (i = 1; i < 4; i++) {
		CU_ASSERT_EQUAL(input(&b, p[i], len[i], NAT_IP, 9999, &rx), ESP_OK);
		CU_ASSERT_FALSE(rx.peer_moved);
		CU_ASSERT_EQUAL(rx.seq, i + 1);
	}
	peer_is(b.gin, NAT_IP, 4500);
	peer_is(b.gout, NAT_IP, 4500);
	CU_ASSERT_FALSE(esp_next_event(b.e.ctx, &ev));
	esp_sa_get_stats(b.gin, &st);
	CU_ASSERT_EQUAL(st.peer_moved, 0);
	CU_ASSERT_EQUAL(st.replay, 2);
	CU_ASSERT_EQUAL(st.packets, 5);
	/* The next new packet from there does move it. */
	len[0] = pkt(&b, p[0], sizeof(p[0]), 10);			/* seq 6 */
	CU_ASSERT_EQUAL(input(&b, p[0], len[0], NAT_IP, 9999, &rx), ESP_OK);
	CU_ASSERT_TRUE(rx.peer_moved);
	peer_is(b.gout, NAT_IP, 9999);
	et_fini(&b.e);
}

/* Forged or damaged packets from a new address: refused, nothing moves. */
static void
test_unauthentic_never_moves(void)
{
	struct esp_rx rx;
	struct pbed b;
	uint8_t p[256], cp[256];
	size_t len, i;

	pbed_open(&b, &et_suites[7], true, 1);
	len = pkt(&b, p, sizeof(p), 30);
	for (i = 4; i < len; i++) {	/* every byte after the SPI */
		memcpy(cp, p, len);
		cp[i] ^= 0x01;
		CU_ASSERT_EQUAL(input(&b, cp, len, NAT_IP, 1234, &rx), ESP_E_AUTH);
		CU_ASSERT_FALSE(rx.peer_moved);
	}
	/* Truncated: refused before anything is authenticated. */
	CU_ASSERT_EQUAL(input(&b, p, 20, NAT_IP, 1234, &rx), ESP_E_TRUNCATED);
	peer_is(b.gin, NAT_IP, 4500);
	peer_is(b.gout, NAT_IP, 4500);
	/* The genuine packet still goes through (and moves). */
	CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP, 1234, &rx), ESP_OK);
	CU_ASSERT_TRUE(rx.peer_moved);
	et_fini(&b.e);
}

/* No integrity: nothing is authenticated, so the peer never moves. */
static void
test_no_integrity_never_moves(void)
{
	struct esp_event ev;
	struct esp_rx rx;
	struct pbed b;
	uint8_t p[256];
	size_t len;

	pbed_open(&b, &et_suites[11], true, 1);	/* aes128-none */
	len = pkt(&b, p, sizeof(p), 10);
	CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP + 5, 777, &rx), ESP_OK);
	CU_ASSERT_FALSE(rx.peer_moved);
	peer_is(b.gin, NAT_IP, 4500);
	peer_is(b.gout, NAT_IP, 4500);
	CU_ASSERT_FALSE(esp_next_event(b.e.ctx, &ev));
	et_fini(&b.e);
}

/* from NULL: no tracking; raw ESP (no UDP): the port is not compared. */
static void
test_untracked_and_raw(void)
{
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct pbed b;
	uint8_t p[256];
	size_t len;

	pbed_open(&b, &et_suites[3], true, 1);
	len = pkt(&b, p, sizeof(p), 10);
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, p, len, NULL, &rx), ESP_OK);
	CU_ASSERT_FALSE(rx.peer_moved);
	peer_is(b.gin, NAT_IP, 4500);
	et_fini(&b.e);

	pbed_open(&b, &et_suites[3], false, 1);
	len = pkt(&b, p, sizeof(p), 10);
	CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP, 0, &rx), ESP_OK);
	CU_ASSERT_FALSE(rx.peer_moved);		/* port 0 vs 4500: ignored */
	len = pkt(&b, p, sizeof(p), 10);
	CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP + 1, 0, &rx), ESP_OK);
	CU_ASSERT_TRUE(rx.peer_moved);
	peer_is(b.gin, NAT_IP + 1, 4500);	/* the port stays */
	peer_is(b.gout, NAT_IP + 1, 4500);
	esp_sa_get_stats(b.gin, &st);
	CU_ASSERT_EQUAL(st.peer_moved, 1);
	et_fini(&b.e);
}

/* A packet refused by the selectors is authentic but never moves the peer. */
static void
test_selector_refused_never_moves(void)
{
	struct esp_sa_config c;
	struct esp_sa *in;
	struct esp_rx rx;
	struct pbed b;
	uint8_t p[256];
	size_t len;

	pbed_open(&b, &et_suites[7], true, 1);
	esp_sa_delete(b.e.ctx, b.gin);
	/* The same keys as the client's SA (derived from 0x700, see pbed). */
	et_sa_cfg(&c, 0x700, ESP_DIR_IN, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.spi = 0x701;
	c.udp_encap = true;
	c.encap_dport = 4500;
	c.peer_addr = NAT_IP;
	c.pair = b.gout;
	c.sel_protocol = 17;
	c.sel_local_port = 1702;	/* the packets go to 1701 */
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b.e.ctx, 0, &c, &in), ESP_OK);
	len = pkt(&b, p, sizeof(p), 10);
	CU_ASSERT_EQUAL(input(&b, p, len, NAT_IP, 5555, &rx), ESP_E_SELECTOR);
	CU_ASSERT_FALSE(rx.peer_moved);
	peer_is(in, NAT_IP, 4500);
	peer_is(b.gout, NAT_IP, 4500);
	et_fini(&b.e);
}

/* esp_ipv4_decap passes the outer source address and UDP port. */
static void
test_decap_tracks_outer_source(void)
{
	struct esp_sa_config c;
	struct esp_sa *out, *in, *gout;
	struct esp_event ev;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[512], *ip;
	size_t off, len, m;

	for (m = 0; m < 2; m++) {	/* ESP in UDP, raw ESP */
		et_init(&e, NULL);
		et_sa_cfg(&c, 0x900, ESP_DIR_OUT, ESP_ENC_AES_CBC, 16,
		    ESP_INTEG_HMAC_SHA256_128);
		c.udp_encap = m == 0;
		c.encap_sport = c.encap_dport = 4500;
		c.peer_addr = NAT_IP;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &gout), ESP_OK);
		c.spi = 0x901;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
		c.dir = ESP_DIR_IN;
		c.pair = gout;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &in), ESP_OK);
		off = ESP_HEADROOM;
		len = et_udp_packet(buf + off, 0x0a000005, GW_IP, 1701, 1701, 40);
		CU_ASSERT_EQUAL_FATAL(esp_ipv4_encap(e.ctx, 0, out, buf,
		    sizeof(buf), &off, &len), ESP_OK);
		ip = buf + off;
		/* The NAT: source NAT_IP + 1, port 40001 with UDP. */
		espi_put32(ip + 12, NAT_IP + 1);
		espi_put16(ip + 10, 0);
		espi_put16(ip + 10, et_csum(ip, 20, 0));
		if (m == 0)
			espi_put16(ip + 20, 40001);
		CU_ASSERT_EQUAL_FATAL(esp_ipv4_decap(e.ctx, 0, ip, len, &rx),
		    ESP_OK);
		CU_ASSERT_TRUE(rx.peer_moved);
		peer_is(in, NAT_IP + 1, m == 0 ? 40001 : 4500);
		peer_is(gout, NAT_IP + 1, m == 0 ? 40001 : 4500);
		CU_ASSERT_TRUE(esp_next_event(e.ctx, &ev));
		CU_ASSERT_EQUAL(ev.type, ESP_EV_PEER_MOVED);
		/* The gateway's next tunnel/UDP packet goes to the new place. */
		off = ESP_HEADROOM;
		len = et_udp_packet(buf + off, GW_IP, 0x0a000005, 1701, 1701, 10);
		CU_ASSERT_EQUAL(esp_ipv4_encap(e.ctx, 0, gout, buf, sizeof(buf),
		    &off, &len), ESP_OK);
		if (m == 0)
			CU_ASSERT_EQUAL(espi_get16(buf + off + 22), 40001);
		et_fini(&e);
	}
}

/* esp_sa_set_peer: the key manager saw the move first. */
static void
test_set_peer(void)
{
	struct esp_sa_config c;
	struct esp_endpoint ep = { NAT_IP + 2, 30000 };
	struct esp_sa *in2, *raw;
	struct esp_event ev;
	struct pbed b;
	struct et other;

	pbed_open(&b, &et_suites[3], true, 1);
	/* A second inbound SA on the same outbound (old + new after rekey). */
	et_sa_cfg(&c, 0x702, ESP_DIR_IN, ESP_ENC_AES_CBC, 16,
	    ESP_INTEG_HMAC_SHA1_96);
	c.udp_encap = true;
	c.encap_dport = 4500;
	c.peer_addr = NAT_IP;
	c.pair = b.gout;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b.e.ctx, 0, &c, &in2), ESP_OK);
	/* Setting it on the inbound SA moves its pair. */
	CU_ASSERT_EQUAL(esp_sa_set_peer(b.e.ctx, b.gin, &ep), ESP_OK);
	peer_is(b.gin, NAT_IP + 2, 30000);
	peer_is(b.gout, NAT_IP + 2, 30000);
	peer_is(in2, NAT_IP, 4500);
	/* On the outbound SA: every inbound SA paired with it. */
	ep.port = 30001;
	CU_ASSERT_EQUAL(esp_sa_set_peer(b.e.ctx, b.gout, &ep), ESP_OK);
	peer_is(b.gin, NAT_IP + 2, 30001);
	peer_is(in2, NAT_IP + 2, 30001);
	peer_is(b.cout, NAT_IP, 4500);
	CU_ASSERT_FALSE(esp_next_event(b.e.ctx, &ev));	/* the caller knows */
	CU_ASSERT_TRUE(ts_log_last_contains(&b.e.log, "peer set"));
	/* Without UDP encapsulation only the address moves. */
	et_sa_cfg(&c, 0x703, ESP_DIR_OUT, ESP_ENC_AES_CBC, 16,
	    ESP_INTEG_HMAC_SHA1_96);
	c.encap_dport = 4500;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b.e.ctx, 0, &c, &raw), ESP_OK);
	CU_ASSERT_EQUAL(esp_sa_set_peer(b.e.ctx, raw, &ep), ESP_OK);
	peer_is(raw, NAT_IP + 2, 4500);
	/* Bad arguments. */
	CU_ASSERT_EQUAL(esp_sa_set_peer(NULL, b.gin, &ep), ESP_E_INVAL);
	CU_ASSERT_EQUAL(esp_sa_set_peer(b.e.ctx, NULL, &ep), ESP_E_INVAL);
	CU_ASSERT_EQUAL(esp_sa_set_peer(b.e.ctx, b.gin, NULL), ESP_E_INVAL);
	et_init(&other, NULL);
	CU_ASSERT_EQUAL(esp_sa_set_peer(other.ctx, b.gin, &ep),
	    ESP_E_NOT_FOUND);
	et_fini(&other);
	/* Deleting the outbound SA clears the links; moves stay local. */
	esp_sa_delete(b.e.ctx, b.gout);
	ep.port = 30002;
	CU_ASSERT_EQUAL(esp_sa_set_peer(b.e.ctx, in2, &ep), ESP_OK);
	peer_is(in2, NAT_IP + 2, 30002);
	peer_is(b.gin, NAT_IP + 2, 30001);
	et_fini(&b.e);
}

void
test_peer_register(void)
{
	CU_pSuite s = CU_add_suite("esp_peer", NULL, NULL);

	CU_add_test(s, "authentic newest packet moves the pair",
	    test_rebinding_moves_pair);
	CU_add_test(s, "replayed or reordered old packets never move",
	    test_old_packets_never_move);
	CU_add_test(s, "forged packets never move", test_unauthentic_never_moves);
	CU_add_test(s, "no integrity: never moves", test_no_integrity_never_moves);
	CU_add_test(s, "untracked input and raw ESP", test_untracked_and_raw);
	CU_add_test(s, "selector-refused packets never move",
	    test_selector_refused_never_moves);
	CU_add_test(s, "esp_ipv4_decap tracks the outer source",
	    test_decap_tracks_outer_source);
	CU_add_test(s, "esp_sa_set_peer", test_set_peer);
}
