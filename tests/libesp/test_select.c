/*
 * test_select.c - traffic selectors of inbound SAs (select.c): the public
 * esp_sa_check_selectors() on numbered tables of transport payloads and
 * inner IPv4 packets, and its use by esp_input / esp_ipv4_decap
 * (ESP_E_SELECTOR, counter, log line, window updated, payload wiped).
 */
#include "esp_test.h"

void test_select_register(void);

struct sel {
	uint8_t proto;
	uint16_t local, remote;
};

static struct esp_sa *
sel_sa(struct et *e, uint32_t spi, enum esp_mode mode, struct sel s)
{
	struct esp_sa_config c;
	struct esp_sa *sa;

	et_sa_cfg(&c, spi, ESP_DIR_IN, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.mode = mode;
	c.sel_protocol = s.proto;
	c.sel_local_port = s.local;
	c.sel_remote_port = s.remote;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e->ctx, 0, &c, &sa), ESP_OK);
	return sa;
}

/* Transport mode: the transport header is the payload. */
static void
test_transport_table(void)
{
	static const struct {
		struct sel s;
		uint8_t proto;		/* payload: protocol, ports, length */
		uint16_t sport, dport;
		size_t len;
		int want;
	} t[] = {
		/*  1 */ { { 0, 0, 0 }, 1, 0, 0, 0, ESP_OK },	/* no selectors */
		/*  2 */ { { 17, 0, 0 }, 17, 5, 6, 8, ESP_OK },
		/*  3 */ { { 17, 0, 0 }, 6, 5, 6, 20, ESP_E_SELECTOR },
		/*  4 */ { { 17, 1701, 0 }, 17, 1701, 1701, 8, ESP_OK },
		/*  5 */ { { 17, 1701, 0 }, 17, 50000, 1701, 8, ESP_OK },
		/*  6 */ { { 17, 1701, 0 }, 17, 1701, 53, 8, ESP_E_SELECTOR },
		/*  7 */ { { 17, 1701, 1701 }, 17, 50000, 1701, 8, ESP_E_SELECTOR },
		/*  8 */ { { 17, 1701, 1701 }, 17, 1701, 1701, 8, ESP_OK },
		/*  9 */ { { 0, 1701, 0 }, 6, 40000, 1701, 20, ESP_OK },
		/* 10 */ { { 0, 1701, 0 }, 1, 0, 0, 8, ESP_E_SELECTOR },	/* ICMP */
		/* 11 */ { { 0, 1701, 0 }, 17, 1701, 1701, 3, ESP_E_SELECTOR },
		/* 12 */ { { 0, 1701, 0 }, 17, 1701, 1701, 4, ESP_OK },	/* 4 bytes */
		/* 13 */ { { 6, 0, 0 }, 1, 0, 0, 8, ESP_E_SELECTOR },
		/* 14 */ { { 17, 1701, 0 }, 132, 1701, 1701, 12, ESP_E_SELECTOR },
		/* 15 */ { { 0, 1701, 0 }, 132, 9, 1701, 12, ESP_OK },	/* SCTP */
		/* 16 */ { { 0, 0, 500 }, 136, 500, 9, 8, ESP_OK },	/* UDP-Lite */
		/* 17 */ { { 0, 0, 500 }, 33, 501, 9, 8, ESP_E_SELECTOR }, /* DCCP */
		/* 18 */ { { 0, 0, 500 }, 50, 500, 9, 8, ESP_E_SELECTOR }, /* no ports */
	};
	struct esp_rx rx;
	struct esp_sa *sa;
	struct et e;
	uint8_t p[64];
	size_t i;
	int rc;

	et_init(&e, NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sa = sel_sa(&e, 0x100 + (uint32_t)i, ESP_MODE_TRANSPORT, t[i].s);
		memset(p, 0xee, sizeof(p));
		espi_put16(p + 10, t[i].sport);
		espi_put16(p + 12, t[i].dport);
		memset(&rx, 0, sizeof(rx));
		rx.off = 10;
		rx.len = t[i].len;
		rx.next_header = t[i].proto;
		rc = esp_sa_check_selectors(sa, p, &rx);
		if (rc != t[i].want)
			fprintf(stderr, "\ntransport selector case %zu: %d\n", i + 1, rc);
		CU_ASSERT_EQUAL(rc, t[i].want);
	}
	et_fini(&e);
}

/* Tunnel mode: the inner IPv4 header is the payload. */
static void
test_tunnel_table(void)
{
	static const struct {
		struct sel s;
		uint8_t nh, ver_ihl, proto;
		uint16_t frag, sport, dport;
		size_t len;
		int want;
	} t[] = {
		/*  1 */ { { 17, 1701, 0 }, 4, 0x45, 17, 0, 1701, 1701, 40, ESP_OK },
		/*  2 */ { { 17, 1701, 0 }, 4, 0x45, 17, 0, 1701, 53, 40, ESP_E_SELECTOR },
		/*  3 */ { { 17, 1701, 0 }, 4, 0x45, 6, 0, 1701, 1701, 40, ESP_E_SELECTOR },
		/*  4: non-first fragment: no ports */
		{ { 17, 1701, 0 }, 4, 0x45, 17, 0x00b9, 1701, 1701, 40, ESP_E_SELECTOR },
		/*  5: first fragment (MF) has them */
		{ { 17, 1701, 0 }, 4, 0x45, 17, 0x2000, 1701, 1701, 40, ESP_OK },
		/*  6: protocol-only selector: a later fragment is fine */
		{ { 17, 0, 0 }, 4, 0x45, 17, 0x00b9, 1701, 1701, 40, ESP_OK },
		/*  7: inner IPv6 is not parsed */
		{ { 17, 0, 0 }, 41, 0x60, 17, 0, 1701, 1701, 60, ESP_E_SELECTOR },
		/*  8: ... but needs no parsing without selectors */
		{ { 0, 0, 0 }, 41, 0x60, 17, 0, 1701, 1701, 60, ESP_OK },
		/*  9: version 5 */
		{ { 17, 0, 0 }, 4, 0x55, 17, 0, 1701, 1701, 40, ESP_E_SELECTOR },
		/* 10: IHL 4 */
		{ { 17, 0, 0 }, 4, 0x44, 17, 0, 1701, 1701, 40, ESP_E_SELECTOR },
		/* 11: IHL 15 (60 bytes) beyond a 40-byte packet */
		{ { 17, 0, 0 }, 4, 0x4f, 17, 0, 1701, 1701, 40, ESP_E_SELECTOR },
		/* 12: shorter than an IPv4 header */
		{ { 17, 0, 0 }, 4, 0x45, 17, 0, 1701, 1701, 19, ESP_E_SELECTOR },
		/* 13: IPv4 header only: protocol fits, no ports needed */
		{ { 17, 0, 0 }, 4, 0x45, 17, 0, 1701, 1701, 20, ESP_OK },
		/* 14: ... but ports cannot be read */
		{ { 17, 1701, 0 }, 4, 0x45, 17, 0, 1701, 1701, 23, ESP_E_SELECTOR },
		/* 15: options (IHL 6) shift the ports */
		{ { 17, 1701, 0 }, 4, 0x46, 17, 0, 1701, 1701, 40, ESP_OK },
		/* 16: remote port */
		{ { 0, 0, 4500 }, 4, 0x45, 17, 0, 4500, 1, 40, ESP_OK },
	};
	struct esp_rx rx;
	struct esp_sa *sa;
	struct et e;
	uint8_t p[128];
	size_t i, ihl;
	int rc;

	et_init(&e, NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sa = sel_sa(&e, 0x200 + (uint32_t)i, ESP_MODE_TUNNEL, t[i].s);
		memset(p, 0, sizeof(p));
		p[16] = t[i].ver_ihl;
		p[16 + 9] = t[i].proto;
		espi_put16(p + 16 + 6, t[i].frag);
		ihl = (size_t)(t[i].ver_ihl & 15) * 4;
		espi_put16(p + 16 + ihl, t[i].sport);
		espi_put16(p + 16 + ihl + 2, t[i].dport);
		memset(&rx, 0, sizeof(rx));
		rx.off = 16;
		rx.len = t[i].len;
		rx.next_header = t[i].nh;
		rc = esp_sa_check_selectors(sa, p, &rx);
		if (rc != t[i].want)
			fprintf(stderr, "\ntunnel selector case %zu: %d\n", i + 1, rc);
		CU_ASSERT_EQUAL(rc, t[i].want);
	}
	et_fini(&e);
}

static void
test_check_arguments(void)
{
	struct esp_sa_config c;
	struct esp_sa *in, *out;
	struct esp_sa_info info;
	struct esp_rx rx;
	struct et e;
	uint8_t p[16] = { 0 };
	size_t cur = 0;

	et_init(&e, NULL);
	in = sel_sa(&e, 0x300, ESP_MODE_TRANSPORT, (struct sel){ 17, 1701, 0 });
	et_sa_cfg(&c, 0x300, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.sel_protocol = 17;	/* ignored on an outbound SA */
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
	memset(&rx, 0, sizeof(rx));
	rx.len = 8;
	rx.next_header = 17;
	CU_ASSERT_EQUAL(esp_sa_check_selectors(out, p, &rx), ESP_E_WRONG_DIR);
	CU_ASSERT_EQUAL(esp_sa_check_selectors(NULL, p, &rx), ESP_E_INVAL);
	CU_ASSERT_EQUAL(esp_sa_check_selectors(in, NULL, &rx), ESP_E_INVAL);
	CU_ASSERT_EQUAL(esp_sa_check_selectors(in, p, NULL), ESP_E_INVAL);
	rx.off = SIZE_MAX - 3;
	CU_ASSERT_EQUAL(esp_sa_check_selectors(in, p, &rx), ESP_E_INVAL);
	/* Both SAs show their selectors. */
	while (esp_sa_next(e.ctx, 0, &cur, &info)) {
		CU_ASSERT_EQUAL(info.sel_protocol, 17);
		CU_ASSERT_EQUAL(info.sel_local_port, info.dir == ESP_DIR_IN ?
		    1701 : 0);
	}
	et_fini(&e);
}

/* Through esp_input: refused, counted, logged; the window moved. */
static void
test_input_refuses(void)
{
	static const size_t suites[] = { 1, 3, 5, 7, 10 };
	struct esp_sa_config c;
	struct esp_sa *out, *in;
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[256], cp[256], zero[64];
	size_t k, off, len, n, hlen;
	uint16_t dport;

	memset(zero, 0, sizeof(zero));
	for (k = 0; k < sizeof(suites) / sizeof(suites[0]); k++) {
		const struct et_suite *s = &et_suites[suites[k]];

		et_init(&e, NULL);
		et_sa_cfg(&c, 0x400, ESP_DIR_OUT, s->enc, s->keylen, s->integ);
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
		c.dir = ESP_DIR_IN;
		c.sel_protocol = 17;
		c.sel_local_port = 1701;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &in), ESP_OK);
		for (n = 0; n < 3; n++) {
			dport = n == 1 ? 53 : 1701;	/* seq 2 is off-selector */
			off = ESP_HEADROOM;
			len = 40;
			memset(buf + off, 0x77, len);
			espi_put16(buf + off, 1701);
			espi_put16(buf + off + 2, dport);
			CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(e.ctx, 0, out, 17, buf,
			    sizeof(buf), &off, &len), ESP_OK);
			memcpy(cp, buf + off, len);
			if (n != 1) {
				CU_ASSERT_EQUAL(esp_input(e.ctx, 0, cp, len, NULL,
				    &rx), ESP_OK);
				CU_ASSERT_EQUAL(rx.seq, n + 1);
				continue;
			}
			CU_ASSERT_EQUAL(esp_input(e.ctx, 0, cp, len, NULL, &rx),
			    ESP_E_SELECTOR);
			CU_ASSERT_PTR_NULL(rx.sa);
			CU_ASSERT_EQUAL(rx.len, 0);
			CU_ASSERT_TRUE(ts_log_last_contains(&e.log,
			    "ports 1701 -> 53, selectors protocol 17 local port 1701"));
			/* The decrypted payload was wiped. */
			hlen = 8 + in->iv_len;
			CU_ASSERT_EQUAL(memcmp(cp + hlen, zero, 40), 0);
			/* Authentic: the window moved, a replay is a replay. */
			CU_ASSERT_EQUAL(esp_sa_seq(in), 2);
			memcpy(cp, buf + off, len);
			CU_ASSERT_EQUAL(esp_input(e.ctx, 0, cp, len, NULL, &rx),
			    ESP_E_REPLAY);
		}
		esp_sa_get_stats(in, &st);
		CU_ASSERT_EQUAL(st.selector, 1);
		CU_ASSERT_EQUAL(st.replay, 1);
		CU_ASSERT_EQUAL(st.packets, 2);
		CU_ASSERT_EQUAL(st.bytes, 80);
		et_fini(&e);
	}
}

/* Through esp_ipv4_decap, transport and tunnel mode. */
static void
test_decap_refuses(void)
{
	struct esp_sa_config c;
	struct esp_sa *out, *in;
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[512];
	size_t m, k, off, len;

	for (m = 0; m < 2; m++) {
		et_init(&e, NULL);
		et_sa_cfg(&c, 0x500, ESP_DIR_OUT, ESP_ENC_AES_CBC, 32,
		    ESP_INTEG_HMAC_SHA256_128);
		c.mode = m == 0 ? ESP_MODE_TRANSPORT : ESP_MODE_TUNNEL;
		c.udp_encap = true;
		c.encap_sport = c.encap_dport = 4500;
		c.natt_csum = ESP_NATT_CSUM_NONE;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
		c.dir = ESP_DIR_IN;
		c.sel_protocol = 17;
		c.sel_local_port = 1701;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &in), ESP_OK);
		for (k = 0; k < 2; k++) {
			off = ESP_HEADROOM;
			len = et_udp_packet(buf + off, 0x0a000001, 0x0a000002,
			    1701, k == 0 ? 1701 : 1702, 30);
			CU_ASSERT_EQUAL_FATAL(esp_ipv4_encap(e.ctx, 0, out, buf,
			    sizeof(buf), &off, &len), ESP_OK);
			CU_ASSERT_EQUAL(esp_ipv4_decap(e.ctx, 0, buf + off, len,
			    &rx), k == 0 ? ESP_OK : ESP_E_SELECTOR);
		}
		esp_sa_get_stats(in, &st);
		CU_ASSERT_EQUAL(st.selector, 1);
		CU_ASSERT_EQUAL(st.packets, 1);
		et_fini(&e);
	}
}

void
test_select_register(void)
{
	CU_pSuite s = CU_add_suite("esp_select", NULL, NULL);

	CU_add_test(s, "transport payloads", test_transport_table);
	CU_add_test(s, "inner IPv4 packets (tunnel)", test_tunnel_table);
	CU_add_test(s, "arguments and direction", test_check_arguments);
	CU_add_test(s, "esp_input refuses, counts, logs",
	    test_input_refuses);
	CU_add_test(s, "esp_ipv4_decap refuses", test_decap_refuses);
}
