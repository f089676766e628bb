/*
 * test_natt.c - RFC 3948 (natt.c): the UDP/4500 classifier, keepalives, and
 * the transport-mode TCP/UDP checksum handling after NAT.
 */
#include "esp_test.h"

void test_natt_register(void);

static void
test_classify(void)
{
	static const struct {
		const char *hex;
		int want;
	} t[] = {
		/* 1 */ { "ff", ESP_UDP_KEEPALIVE },
		/* 2 */ { "ffff", ESP_E_TRUNCATED },	/* not a keepalive */
		/* 3 */ { "00", ESP_E_TRUNCATED },
		/* 4 */ { "00000000", ESP_UDP_IKE },	/* marker only */
		/* 5 */ { "00000000c6d1459285150c7e0000000000000000011002000000000000000050",
			  ESP_UDP_IKE },
		/* 6 */ { "000000010000000100", ESP_UDP_ESP },	/* SPI 1 */
		/* 7 */ { "00001001000000", ESP_E_TRUNCATED },	/* 7 bytes */
		/* 8 */ { "0000100100000001", ESP_UDP_ESP },
		/* 9 */ { "ff000000000000000000", ESP_UDP_ESP },	/* SPI ff000000 */
		/* 10 */ { "", ESP_E_TRUNCATED },
	};
	struct esp_stats st;
	struct et e;
	uint8_t b[64];
	size_t i, n;

	et_init(&e, NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = ts_hex2bin(b, sizeof(b), t[i].hex);
		CU_ASSERT_EQUAL(esp_udp_classify(e.ctx, b, n), t[i].want);
		CU_ASSERT_EQUAL(esp_udp_classify(NULL, b, n), t[i].want);
	}
	esp_get_stats(e.ctx, &st);
	CU_ASSERT_EQUAL(st.keepalives, 1);
	CU_ASSERT_EQUAL(st.ike, 2);
	CU_ASSERT_EQUAL(st.truncated, 4);	/* cases 2, 3, 7, 10 */
	et_fini(&e);
}

static void
test_keepalive(void)
{
	uint8_t b[4] = { 0 };

	CU_ASSERT_EQUAL(esp_keepalive_build(b, sizeof(b)), 1);
	CU_ASSERT_EQUAL(b[0], 0xff);
	CU_ASSERT_EQUAL(esp_udp_classify(NULL, b, 1), ESP_UDP_KEEPALIVE);
	CU_ASSERT_EQUAL(esp_keepalive_build(b, 0), ESP_E_BUFFER);
}

/*
 * A UDP (or TCP) packet whose checksum was computed by the peer with its
 * original addresses (NAT-OA), received with the NAT's addresses.
 */
static size_t
natted(uint8_t *p, uint8_t proto, size_t n)
{
	size_t len = et_udp_packet(p, 0x0a000005, 0xc0a80101, 1701, 1701, n);
	uint32_t sum = 0;
	size_t i;
	uint16_t c;

	if (proto == 6) {
		/* Re-shape as TCP: 20-byte header, checksum at 16. */
		p[9] = 6;
		memset(p + 20, 0, 20);
		p[20 + 12] = 0x50;
		for (i = 12; i < 20; i += 2)
			sum += (uint32_t)p[i] << 8 | p[i + 1];
		sum += 6 + (uint32_t)(len - 20);
		c = et_csum(p + 20, len - 20, sum);
		espi_put16(p + 36, c);
	}
	/* Now NAT: source 10.0.0.5 -> 203.0.113.7, dest 192.168.1.1 -> 198.51.100.2. */
	espi_put32(p + 12, 0xcb007107);
	espi_put32(p + 16, 0xc6336402);
	return len;
}

static void
test_checksum_fix(void)
{
	static const struct {
		uint8_t proto;
		enum esp_natt_csum mode;
		bool natoa;
		bool zero;	/* expect UDP checksum 0 */
	} t[] = {
		/* 1 */ { 17, ESP_NATT_CSUM_AUTO, true, false },	/* incremental */
		/* 2 */ { 6, ESP_NATT_CSUM_AUTO, true, false },
		/* 3 */ { 17, ESP_NATT_CSUM_AUTO, false, true },	/* cleared */
		/* 4 */ { 6, ESP_NATT_CSUM_AUTO, false, false },	/* recomputed */
		/* 5 */ { 17, ESP_NATT_CSUM_RECOMPUTE, false, false },
		/* 6 */ { 6, ESP_NATT_CSUM_RECOMPUTE, true, false },
		/* 7 */ { 17, ESP_NATT_CSUM_ZERO_UDP, true, true },
		/* 8 */ { 6, ESP_NATT_CSUM_ZERO_UDP, false, false },
	};
	static const size_t sizes[] = { 0, 1, 13, 100, 1401 };
	struct esp_sa sa;
	uint8_t p[1600];
	size_t i, k, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			if (t[i].proto == 6 && sizes[k] < 12)
				continue;
			len = natted(p, t[i].proto, sizes[k]);
			CU_ASSERT_FALSE(et_l4_csum_ok(p, len));	/* broken by NAT */
			memset(&sa, 0, sizeof(sa));
			sa.natt_csum = t[i].mode;
			sa.natoa_valid = t[i].natoa;
			sa.natoa_src = 0x0a000005;
			sa.natoa_dst = 0xc0a80101;
			CU_ASSERT_EQUAL(espi_l4_fix(&sa, p, len), ESP_OK);
			CU_ASSERT_TRUE(et_l4_csum_ok(p, len));
			if (t[i].proto == 17)
				CU_ASSERT_EQUAL(espi_get16(p + 26) == 0, t[i].zero);
		}
	}
	/* NONE leaves the packet alone; fragments are never touched. */
	len = natted(p, 17, 20);
	memset(&sa, 0, sizeof(sa));
	sa.natt_csum = ESP_NATT_CSUM_NONE;
	CU_ASSERT_EQUAL(espi_l4_fix(&sa, p, len), ESP_OK);
	CU_ASSERT_FALSE(et_l4_csum_ok(p, len));
	sa.natt_csum = ESP_NATT_CSUM_RECOMPUTE;
	p[6] = 0x20;	/* MF */
	CU_ASSERT_EQUAL(espi_l4_fix(&sa, p, len), ESP_OK);
	CU_ASSERT_FALSE(et_l4_csum_ok(p, len));
}

/* End to end: peer behind NAT sends UDP/1701 via ESP-in-UDP. */
static void
test_natt_decap(void)
{
	struct esp_sa_config c;
	struct esp_sa *out;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[2048], *ip;
	size_t off = ESP_HEADROOM, len;

	et_init(&e, NULL);
	et_sa_cfg(&c, 0x777, ESP_DIR_OUT, ESP_ENC_AES_CBC, 16,
	    ESP_INTEG_HMAC_SHA1_96);
	c.udp_encap = true;
	c.encap_sport = c.encap_dport = 4500;
	c.natoa_valid = true;
	c.natoa_src = 0x0a000005;
	c.natoa_dst = 0xc0a80101;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
	c.dir = ESP_DIR_IN;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_OK);
	len = et_udp_packet(buf + off, 0x0a000005, 0xc0a80101, 1701, 1701, 60);
	CU_ASSERT_EQUAL_FATAL(esp_ipv4_encap(e.ctx, 0, out, buf, sizeof(buf),
	    &off, &len), ESP_OK);
	ip = buf + off;
	CU_ASSERT_EQUAL(ip[9], 17);
	CU_ASSERT_EQUAL(espi_get16(ip + 22), 4500);
	CU_ASSERT_EQUAL(espi_get16(ip + 26), 0);	/* RFC 3948 §2.1 */
	CU_ASSERT_EQUAL(et_csum(ip, 20, 0), 0);
	/* The NAT rewrites the outer addresses (outer UDP checksum is 0). */
	espi_put32(ip + 12, 0xcb007107);
	espi_put32(ip + 16, 0xc6336402);
	espi_put16(ip + 10, 0);
	espi_put16(ip + 10, et_csum(ip, 20, 0));
	CU_ASSERT_EQUAL_FATAL(esp_ipv4_decap(e.ctx, 0, ip, len, &rx), ESP_OK);
	ip += rx.off;
	CU_ASSERT_EQUAL(rx.len, 28 + 60);
	CU_ASSERT_EQUAL(ip[9], 17);
	CU_ASSERT_EQUAL(espi_get32(ip + 12), 0xcb007107);
	CU_ASSERT_EQUAL(et_csum(ip, 20, 0), 0);
	CU_ASSERT_NOT_EQUAL(espi_get16(ip + 26), 0);	/* fixed, not cleared */
	CU_ASSERT_TRUE(et_l4_csum_ok(ip, rx.len));
	et_fini(&e);
}

void
test_natt_register(void)
{
	CU_pSuite s = CU_add_suite("esp_natt", NULL, NULL);

	CU_add_test(s, "UDP/4500 classifier", test_classify);
	CU_add_test(s, "keepalive", test_keepalive);
	CU_add_test(s, "checksum fixups after NAT", test_checksum_fix);
	CU_add_test(s, "ESP-in-UDP through a NAT", test_natt_decap);
}
