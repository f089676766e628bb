/*
 * test_badinput.c - every class of bad inbound input (esp.c, ipv4.c) gets
 * its own error code and counter and leaves the replay window unchanged.
 */
#include "esp_test.h"

void test_badinput_register(void);

struct bed {
	struct et e;
	struct esp_sa *out, *in;
};

static void
bed_open(struct bed *b, const struct et_suite *s, enum esp_mode mode)
{
	struct esp_sa_config c;

	et_init(&b->e, NULL);
	et_sa_cfg(&c, 0xabc, ESP_DIR_OUT, s->enc, s->keylen, s->integ);
	c.mode = mode;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b->e.ctx, 0, &c, &b->out), ESP_OK);
	c.dir = ESP_DIR_IN;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(b->e.ctx, 0, &c, &b->in), ESP_OK);
}

/* A valid ESP packet of n payload bytes; returns its length at *off. */
static size_t
mk(struct bed *b, uint8_t *buf, size_t cap, size_t *off, size_t n, uint8_t nh)
{
	size_t len = n;

	*off = ESP_HEADROOM;
	memset(buf + *off, 0x5c, n);
	CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(b->e.ctx, 0, b->out, nh, buf, cap, off,
	    &len), ESP_OK);
	return len;
}

/*
 * Seals hand-made plaintext (payload | trailer bytes given) with the
 * outbound SA's keys, so the ICV is valid but the trailer is bad.
 */
static size_t
mk_raw(struct bed *b, uint8_t *buf, const uint8_t *pt, size_t clen, uint32_t seq)
{
	struct esp_sa *sa = b->out;
	size_t hlen = 8 + sa->iv_len;

	espi_put32(buf, sa->spi);
	espi_put32(buf + 4, seq);
	memset(buf + 8, 0x11, sa->iv_len);
	if (sa->iv_len == 8) {
		memset(buf + 8, 0, 4);
		espi_put32(buf + 12, seq);
	}
	memcpy(buf + hlen, pt, clen);
	CU_ASSERT_EQUAL_FATAL(espi_seal(sa, buf, hlen, clen, 0), ESP_OK);
	return hlen + clen + sa->icv_len;
}

static struct espi_replay saved;

static void
save_window(struct bed *b)
{
	saved = b->in->rp;
}

static bool
window_same(struct bed *b)
{
	return memcmp(&saved, &b->in->rp, sizeof(saved)) == 0;
}

static void
test_truncated_prefixes(void)
{
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct bed b;
	uint8_t buf[512], cp[512];
	size_t s, off, len, i;
	int rc;

	for (s = 0; s < et_nsuites; s++) {
		bed_open(&b, &et_suites[s], ESP_MODE_TRANSPORT);
		len = mk(&b, buf, sizeof(buf), &off, 40, 17);
		save_window(&b);
		for (i = 0; i < len; i++) {
			memcpy(cp, buf + off, i);
			rc = esp_input(b.e.ctx, 0, cp, i, NULL, &rx);
			if (et_suites[s].integ == ESP_INTEG_NONE &&
			    b.in->kind == ESPI_CBC) {
				/* No ICV: a prefix may decrypt to any trailer. */
				CU_ASSERT_NOT_EQUAL(rc, ESP_E_AUTH);
				continue;
			}
			/* Every prefix fails with a structural or ICV error. */
			CU_ASSERT(rc == ESP_E_TRUNCATED || rc == ESP_E_ALIGN ||
			    rc == ESP_E_AUTH);
		}
		CU_ASSERT_TRUE(window_same(&b));
		esp_sa_get_stats(b.in, &st);
		CU_ASSERT_EQUAL(st.packets, 0);
		CU_ASSERT(st.truncated > 0);
		/* The full packet still goes through afterwards. */
		CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, buf + off, len, NULL, &rx), ESP_OK);
		et_fini(&b.e);
	}
}

static void
test_icv_flips(void)
{
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct bed b;
	uint8_t buf[512], cp[512];
	size_t s, off, len, i, flips;

	for (s = 0; s < et_nsuites; s++) {
		if (et_suites[s].integ == ESP_INTEG_NONE &&
		    et_suites[s].enc == ESP_ENC_AES_CBC)
			continue;
		bed_open(&b, &et_suites[s], ESP_MODE_TRANSPORT);
		len = mk(&b, buf, sizeof(buf), &off, 33, 17);
		save_window(&b);
		flips = 0;
		for (i = 4; i < len; i++) {	/* every byte but the SPI */
			memcpy(cp, buf + off, len);
			cp[i] ^= (uint8_t)(1u << (i % 8));
			CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, cp, len, NULL, &rx), ESP_E_AUTH);
			flips++;
		}
		CU_ASSERT_TRUE(window_same(&b));
		esp_sa_get_stats(b.in, &st);
		CU_ASSERT_EQUAL(st.auth_fail, flips);
		CU_ASSERT_EQUAL(st.packets, 0);
		et_fini(&b.e);
	}
}

static void
test_replay_and_old(void)
{
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct bed b;
	uint8_t first[512], buf[512], cp[512];
	size_t off, off1, len, len1, i;

	bed_open(&b, &et_suites[3], ESP_MODE_TRANSPORT);
	len1 = mk(&b, first, sizeof(first), &off1, 20, 17);	/* seq 1 */
	memcpy(cp, first + off1, len1);
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, cp, len1, NULL, &rx), ESP_OK);
	save_window(&b);
	memcpy(cp, first + off1, len1);
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, cp, len1, NULL, &rx), ESP_E_REPLAY);
	CU_ASSERT_TRUE(window_same(&b));
	for (i = 0; i < 64; i++) {		/* seq 2..65 */
		len = mk(&b, buf, sizeof(buf), &off, 20, 17);
		CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, buf + off, len, NULL, &rx), ESP_OK);
	}
	save_window(&b);
	memcpy(cp, first + off1, len1);
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, cp, len1, NULL, &rx), ESP_E_TOO_OLD);
	CU_ASSERT_TRUE(window_same(&b));
	esp_sa_get_stats(b.in, &st);
	CU_ASSERT_EQUAL(st.replay, 1);
	CU_ASSERT_EQUAL(st.too_old, 1);
	et_fini(&b.e);
}

/*
 * RFC 4303 §1: anti-replay only with integrity.  Without an ICV the sequence
 * number is unauthenticated: a forged number must not move the window (else
 * one rewritten packet makes every later genuine packet "too old").
 */
static void
test_no_integrity_no_window(void)
{
	struct esp_rx rx;
	struct bed b;
	uint8_t buf[512], cp[512];
	size_t off, len;

	bed_open(&b, &et_suites[11], ESP_MODE_TRANSPORT);	/* aes128-none */
	CU_ASSERT_EQUAL_FATAL(b.in->icv_len, 0);
	len = mk(&b, buf, sizeof(buf), &off, 20, 17);		/* seq 1 */
	save_window(&b);
	/* The same genuine packet, sequence number rewritten on the wire. */
	memcpy(cp, buf + off, len);
	espi_put32(cp + 4, 0xffffffff);
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, cp, len, NULL, &rx), ESP_OK);
	CU_ASSERT_TRUE(window_same(&b));
	CU_ASSERT_EQUAL(esp_sa_seq(b.in), 0);
	/* Genuine traffic still flows. */
	len = mk(&b, buf, sizeof(buf), &off, 20, 17);		/* seq 2 */
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, buf + off, len, NULL, &rx), ESP_OK);
	CU_ASSERT_EQUAL(rx.seq, 2);
	CU_ASSERT_TRUE(window_same(&b));
	et_fini(&b.e);
}

/* Authentic packets with a bad trailer; each class has its own counter. */
static void
test_trailer_classes(void)
{
	static const struct {
		const char *pt;	/* payload | padding | pad length | next header */
		enum esp_mode mode;
		int want;
	} t[] = {
		/* 1 */ { "aabbccdd01020211", ESP_MODE_TRANSPORT, ESP_OK },
		/* 2 */ { "aabbccdd01030211", ESP_MODE_TRANSPORT, ESP_E_BAD_PAD },
		/* 3 */ { "aabbccdd00000211", ESP_MODE_TRANSPORT, ESP_E_BAD_PAD },
		/* 4 */ { "aabbccdd01020711", ESP_MODE_TRANSPORT, ESP_E_BAD_LENGTH },
		/* 5 */ { "aabbccdd010202ff", ESP_MODE_TRANSPORT, ESP_E_BAD_NEXT_HDR },
		/* 6 */ { "aabbccdd01020211", ESP_MODE_TUNNEL, ESP_E_BAD_NEXT_HDR },
		/* 7 */ { "aabbccdd0102023b", ESP_MODE_TRANSPORT, ESP_E_DUMMY },
		/* 8 */ { "aabbccdd01020204", ESP_MODE_TUNNEL, ESP_OK },
		/* 9 */ { "0000fe11", ESP_MODE_TRANSPORT, ESP_E_BAD_LENGTH },
		/* 10 */ { "aabbccdd0102030411", ESP_MODE_TRANSPORT, ESP_E_ALIGN },
	};
	static const size_t suites[] = { 0, 7, 10 };	/* NULL, GCM, ChaCha */
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct bed b;
	uint8_t pt[32], buf[256];
	size_t i, k, n, len;
	int rc;

	for (k = 0; k < sizeof(suites) / sizeof(suites[0]); k++) {
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			bed_open(&b, &et_suites[suites[k]], t[i].mode);
			n = ts_hex2bin(pt, sizeof(pt), t[i].pt);
			CU_ASSERT_FATAL(n != (size_t)-1);
			len = mk_raw(&b, buf, pt, n, 7);
			save_window(&b);
			rc = esp_input(b.e.ctx, 0, buf, len, NULL, &rx);
			if (rc != t[i].want)
				fprintf(stderr, "\ntrailer case %zu suite %s: %d\n",
				    i + 1, et_suites[suites[k]].name, rc);
			CU_ASSERT_EQUAL(rc, t[i].want);
			esp_sa_get_stats(b.in, &st);
			if (rc == ESP_OK) {
				CU_ASSERT_EQUAL(rx.len, 4);
				CU_ASSERT_FALSE(window_same(&b));
			} else {
				CU_ASSERT_TRUE(window_same(&b));
				CU_ASSERT_EQUAL(st.packets, 0);
				CU_ASSERT_EQUAL(st.bad_pad + st.bad_length +
				    st.bad_next_hdr + st.dummy + st.align, 1);
			}
			et_fini(&b.e);
		}
	}
}

/*
 * RFC 4303 §3.3.4: transport-mode ESP is applied only to whole datagrams.
 * A fragment is refused (nothing consumed); tunnel mode may carry one.
 */
static void
test_encap_fragment(void)
{
	struct esp_stats cst;
	struct esp_rx rx;
	struct bed b;
	uint8_t buf[512];
	size_t off, len, m;

	for (m = 0; m < 2; m++) {
		bed_open(&b, &et_suites[3], m == 0 ? ESP_MODE_TRANSPORT :
		    ESP_MODE_TUNNEL);
		off = ESP_HEADROOM;
		len = et_udp_packet(buf + off, 0xc0000201, 0xc0000202, 1701,
		    1701, 40);
		buf[off + 6] |= 0x20;	/* MF */
		espi_put16(buf + off + 10, 0);
		espi_put16(buf + off + 10, et_csum(buf + off, 20, 0));
		if (m == 0) {
			CU_ASSERT_EQUAL(esp_ipv4_encap(b.e.ctx, 0, b.out, buf,
			    sizeof(buf), &off, &len), ESP_E_BAD_IP);
			CU_ASSERT_EQUAL(off, ESP_HEADROOM);
			CU_ASSERT_EQUAL(esp_sa_seq(b.out), 0);
			esp_get_stats(b.e.ctx, &cst);
			CU_ASSERT_EQUAL(cst.bad_ip, 1);
		} else {
			CU_ASSERT_EQUAL_FATAL(esp_ipv4_encap(b.e.ctx, 0, b.out,
			    buf, sizeof(buf), &off, &len), ESP_OK);
			CU_ASSERT_EQUAL(espi_get16(buf + off + 6) & 0x3fff, 0);
			CU_ASSERT_EQUAL(esp_ipv4_decap(b.e.ctx, 0, buf + off, len,
			    &rx), ESP_OK);
			CU_ASSERT_EQUAL(buf[off + rx.off + 6] & 0x20, 0x20);
		}
		et_fini(&b.e);
	}
}

static void
test_ctx_level(void)
{
	struct esp_stats cst;
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct bed b;
	uint8_t buf[512];
	size_t off, len;

	bed_open(&b, &et_suites[7], ESP_MODE_TRANSPORT);
	len = mk(&b, buf, sizeof(buf), &off, 20, 17);
	/* Unknown SPI. */
	espi_put32(buf + off, 0xdead);
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, buf + off, len, NULL, &rx), ESP_E_NO_SA);
	CU_ASSERT_EQUAL(esp_input(b.e.ctx, 0, buf + off, 7, NULL, &rx), ESP_E_TRUNCATED);
	/* Outbound SA used for input / inbound for output. */
	off = ESP_HEADROOM;
	len = 10;
	CU_ASSERT_EQUAL(esp_sa_encrypt(b.e.ctx, 0, b.in, 17, buf, sizeof(buf), &off,
	    &len), ESP_E_WRONG_DIR);
	/* No headroom / tailroom. */
	off = 4;
	CU_ASSERT_EQUAL(esp_sa_encrypt(b.e.ctx, 0, b.out, 17, buf, sizeof(buf), &off,
	    &len), ESP_E_BUFFER);
	off = ESP_HEADROOM;
	CU_ASSERT_EQUAL(esp_sa_encrypt(b.e.ctx, 0, b.out, 17, buf, off + len + 3, &off,
	    &len), ESP_E_BUFFER);
	CU_ASSERT_EQUAL(esp_sa_encrypt(b.e.ctx, 0, b.out, 17, buf, 10, &off,
	    &len), ESP_E_INVAL);
	esp_sa_get_stats(b.out, &st);
	CU_ASSERT_EQUAL(st.buffer, 2);
	CU_ASSERT_EQUAL(esp_sa_seq(b.out), 1);	/* failures consume nothing */
	/* Bad IPv4 around ESP. */
	memset(buf, 0, 40);
	CU_ASSERT_EQUAL(esp_ipv4_decap(b.e.ctx, 0, buf, 40, &rx), ESP_E_BAD_IP);
	buf[0] = 0x45;
	espi_put16(buf + 2, 41);	/* total length > buffer */
	CU_ASSERT_EQUAL(esp_ipv4_decap(b.e.ctx, 0, buf, 40, &rx), ESP_E_BAD_IP);
	espi_put16(buf + 2, 40);
	buf[9] = 6;
	CU_ASSERT_EQUAL(esp_ipv4_decap(b.e.ctx, 0, buf, 40, &rx), ESP_E_NOT_ESP);
	buf[9] = 17;
	espi_put16(buf + 24, 20);	/* UDP length: 20 of 20 */
	CU_ASSERT_EQUAL(esp_ipv4_decap(b.e.ctx, 0, buf, 40, &rx), ESP_E_NOT_ESP);
	espi_put16(buf + 24, 21);
	CU_ASSERT_EQUAL(esp_ipv4_decap(b.e.ctx, 0, buf, 40, &rx), ESP_E_BAD_IP);
	buf[9] = 50;
	buf[6] = 0x20;	/* fragment */
	CU_ASSERT_EQUAL(esp_ipv4_decap(b.e.ctx, 0, buf, 40, &rx), ESP_E_BAD_IP);
	esp_get_stats(b.e.ctx, &cst);
	CU_ASSERT_EQUAL(cst.no_sa, 1);
	CU_ASSERT_EQUAL(cst.truncated, 1);
	CU_ASSERT_EQUAL(cst.wrong_dir, 1);
	CU_ASSERT_EQUAL(cst.bad_ip, 4);
	CU_ASSERT_EQUAL(cst.not_esp, 2);
	CU_ASSERT_EQUAL(cst.ike, 1);
	et_fini(&b.e);
}

void
test_badinput_register(void)
{
	CU_pSuite s = CU_add_suite("esp_badinput", NULL, NULL);

	CU_add_test(s, "every truncated prefix", test_truncated_prefixes);
	CU_add_test(s, "bit flips fail the ICV", test_icv_flips);
	CU_add_test(s, "replayed and too old", test_replay_and_old);
	CU_add_test(s, "no integrity: no anti-replay window",
	    test_no_integrity_no_window);
	CU_add_test(s, "padding, lengths, next header", test_trailer_classes);
	CU_add_test(s, "context-level classes", test_ctx_level);
	CU_add_test(s, "transport encap refuses fragments",
	    test_encap_fragment);
}
