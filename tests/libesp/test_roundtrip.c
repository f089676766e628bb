/*
 * test_roundtrip.c - every algorithm both ways through the public API
 * (esp.c, ipv4.c): transport and tunnel mode, raw and UDP-encapsulated, ESN
 * across the 2^32 boundary, padding for every payload length, and the
 * lifetime and rekey events.
 */
#include "esp_test.h"

void test_roundtrip_register(void);

static void
pair(struct et *e, const struct et_suite *s, uint32_t spi, enum esp_mode mode,
    bool udp, bool esn, struct esp_sa **out, struct esp_sa **in)
{
	struct esp_sa_config c;

	et_sa_cfg(&c, spi, ESP_DIR_OUT, s->enc, s->keylen, s->integ);
	c.mode = mode;
	c.udp_encap = udp;
	c.encap_sport = c.encap_dport = 4500;
	c.esn = esn;
	c.natt_csum = ESP_NATT_CSUM_NONE;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e->ctx, 0, &c, out), ESP_OK);
	c.dir = ESP_DIR_IN;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e->ctx, 0, &c, in), ESP_OK);
}

static void
test_all_algorithms(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 13, 14, 15, 16, 17, 100, 1400 };
	struct esp_sa *out, *in;
	struct esp_rx rx;
	struct esp_sa_stats st;
	struct et e;
	uint8_t buf[ESP_HEADROOM + 1500 + 28 + ESP_TAILROOM], orig[1500 + 28];
	size_t s, k, m, off, len, n;

	for (s = 0; s < et_nsuites; s++) {
		for (m = 0; m < 4; m++) {
			enum esp_mode mode = m & 1 ? ESP_MODE_TUNNEL : ESP_MODE_TRANSPORT;
			bool udp = (m & 2) != 0;

			et_init(&e, NULL);
			pair(&e, &et_suites[s], 0x100 + (uint32_t)s, mode, udp,
			    s % 2 == 1, &out, &in);
			for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
				off = ESP_HEADROOM;
				len = et_udp_packet(buf + off, 0xc0000201, 0xc0000202,
				    1701, 1701, sizes[k]);
				memcpy(orig, buf + off, len);
				n = len;
				CU_ASSERT_EQUAL_FATAL(esp_ipv4_encap(e.ctx, 0, out, buf,
				    sizeof(buf), &off, &len), ESP_OK);
				CU_ASSERT_EQUAL(buf[off + 9], udp ? 17 : 50);
				CU_ASSERT_EQUAL(espi_get16(buf + off + 2), len);
				CU_ASSERT_EQUAL(et_csum(buf + off, 20, 0), 0);
				/* Ciphertext (after header and IV) is 4-aligned. */
				CU_ASSERT_EQUAL((len - 20 - (udp ? 8 : 0) - 8 -
				    out->iv_len - out->icv_len) % out->block, 0);
				CU_ASSERT_EQUAL_FATAL(esp_ipv4_decap(e.ctx, 0, buf + off,
				    len, &rx), ESP_OK);
				CU_ASSERT_PTR_EQUAL(rx.sa, in);
				CU_ASSERT_EQUAL(rx.seq, k + 1);
				CU_ASSERT_EQUAL(rx.next_header, mode == ESP_MODE_TUNNEL ?
				    4 : 17);
				TS_ASSERT_BYTES(et_suites[s].name, buf + off + rx.off,
				    rx.len, orig, n);
			}
			esp_sa_get_stats(in, &st);
			CU_ASSERT_EQUAL(st.packets, sizeof(sizes) / sizeof(sizes[0]));
			et_fini(&e);
		}
	}
}

/* The raw ESP interface with the payload only, and padding 1, 2, 3... */
static void
test_raw_padding(void)
{
	struct esp_sa *out, *in;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[256], pay[64];
	size_t n, off, len, i;

	et_init(&e, NULL);
	pair(&e, &et_suites[0], 0x55, ESP_MODE_TRANSPORT, false, false, &out, &in);
	for (n = 0; n < sizeof(pay); n++) {
		for (i = 0; i < n; i++)
			pay[i] = (uint8_t)(n + i);
		off = 40;
		len = n;
		memcpy(buf + off, pay, n);
		CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(e.ctx, 0, out, 17, buf,
		    sizeof(buf), &off, &len), ESP_OK);
		CU_ASSERT_EQUAL(off, 32);
		/* NULL cipher: trailer visible: 1, 2, ..., pad length, 17. */
		{
			size_t pad = len - 8 - 12 - n - 2;

			CU_ASSERT(pad < 4);
			for (i = 0; i < pad; i++)
				CU_ASSERT_EQUAL(buf[off + 8 + n + i], i + 1);
			CU_ASSERT_EQUAL(buf[off + 8 + n + pad], pad);
			CU_ASSERT_EQUAL(buf[off + 8 + n + pad + 1], 17);
		}
		CU_ASSERT_EQUAL_FATAL(esp_input(e.ctx, 0, buf + off, len, NULL, &rx),
		    ESP_OK);
		TS_ASSERT_BYTES("payload", buf + off + rx.off, rx.len, pay, n);
	}
	et_fini(&e);
}

/* ESN: sequence numbers cross 2^32; the high half is never sent. */
static void
test_esn_wrap(void)
{
	struct esp_sa *out, *in;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[512], b2[512];
	size_t i, s, off, len, l2;

	for (s = 0; s < et_nsuites; s++) {
		et_init(&e, NULL);
		pair(&e, &et_suites[s], 0x99, ESP_MODE_TRANSPORT, false, true,
		    &out, &in);
		out->seq = 0xfffffff0ull;
		in->rp.top = 0xffffffe0ull;
		for (i = 0; i < 40; i++) {
			off = ESP_HEADROOM;
			len = 50;
			memset(buf + off, (int)i, len);
			CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(e.ctx, 0, out, 17, buf,
			    sizeof(buf), &off, &len), ESP_OK);
			if (i == 20) {	/* keep one to replay later */
				memcpy(b2, buf + off, len);
				l2 = len;
			}
			CU_ASSERT_EQUAL(espi_get32(buf + off + 4),
			    (uint32_t)(0xfffffff1ull + i));
			CU_ASSERT_EQUAL_FATAL(esp_input(e.ctx, 0, buf + off, len,
			    NULL, &rx), ESP_OK);
			CU_ASSERT_EQUAL(rx.seq, 0xfffffff1ull + i);
		}
		if (in->icv_len == 0) {
			/* RFC 4303 §1: no integrity, no anti-replay window. */
			CU_ASSERT_EQUAL(esp_sa_seq(in), 0xffffffe0ull);
			CU_ASSERT_EQUAL(esp_input(e.ctx, 0, b2, l2, NULL, &rx), ESP_OK);
		} else {
			CU_ASSERT_EQUAL(esp_sa_seq(in), 0xfffffff0ull + 40);
			CU_ASSERT_EQUAL(esp_input(e.ctx, 0, b2, l2, NULL, &rx),
			    ESP_E_REPLAY);
		}
		et_fini(&e);
	}
}

static size_t
drain(struct et *e, struct esp_event *evs, size_t cap)
{
	size_t n = 0;

	while (n < cap && esp_next_event(e->ctx, &evs[n]))
		n++;
	return n;
}

static int
send1(struct et *e, struct esp_sa *out, uint64_t now, size_t n)
{
	uint8_t buf[ESP_HEADROOM + 200 + ESP_TAILROOM];
	size_t off = ESP_HEADROOM, len = n;

	memset(buf + off, 0xab, n);
	return esp_sa_encrypt(e->ctx, now, out, 17, buf, sizeof(buf), &off, &len);
}

static void
test_lifetimes(void)
{
	struct esp_sa_config c;
	struct esp_sa *out;
	struct esp_event ev[8];
	struct esp_sa_stats st;
	struct et e;
	int i;

	/* Packets: soft at 3, hard at 5. */
	et_init(&e, NULL);
	et_sa_cfg(&c, 0x10, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.soft.packets = 3;
	c.hard.packets = 5;
	c.user = 77;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
	for (i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);
	CU_ASSERT_EQUAL(drain(&e, ev, 8), 0);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);
	CU_ASSERT_EQUAL_FATAL(drain(&e, ev, 8), 1);
	CU_ASSERT_EQUAL(ev[0].type, ESP_EV_SOFT_EXPIRE);
	CU_ASSERT_EQUAL(ev[0].limit, ESP_LIMIT_PACKETS);
	CU_ASSERT_EQUAL(ev[0].spi, 0x10);
	CU_ASSERT_EQUAL(ev[0].user, 77);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);	/* the 5th */
	CU_ASSERT_EQUAL_FATAL(drain(&e, ev, 8), 1);
	CU_ASSERT_EQUAL(ev[0].type, ESP_EV_HARD_EXPIRE);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_E_EXPIRED);
	esp_sa_get_stats(out, &st);
	CU_ASSERT_EQUAL(st.packets, 5);
	CU_ASSERT_EQUAL(st.expired, 1);
	CU_ASSERT_EQUAL(drain(&e, ev, 8), 0);
	et_fini(&e);

	/* Bytes: soft 100, hard 200 (payload bytes). */
	et_init(&e, NULL);
	et_sa_cfg(&c, 0x11, ESP_DIR_OUT, ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA1_96);
	c.soft.bytes = 100;
	c.hard.bytes = 200;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 99), ESP_OK);
	CU_ASSERT_EQUAL(drain(&e, ev, 8), 0);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 1), ESP_OK);
	CU_ASSERT_EQUAL_FATAL(drain(&e, ev, 8), 1);
	CU_ASSERT_EQUAL(ev[0].limit, ESP_LIMIT_BYTES);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 150), ESP_OK);
	CU_ASSERT_EQUAL_FATAL(drain(&e, ev, 8), 1);
	CU_ASSERT_EQUAL(ev[0].type, ESP_EV_HARD_EXPIRE);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 1), ESP_E_EXPIRED);
	et_fini(&e);

	/* Time: soft after 10 s, hard after 20 s, driven by the timer. */
	et_init(&e, NULL);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), UINT64_MAX);
	et_sa_cfg(&c, 0x12, ESP_DIR_IN, ESP_ENC_CHACHA20_POLY1305, 32,
	    ESP_INTEG_NONE);
	c.soft.time_ns = 10000000000ull;
	c.hard.time_ns = 20000000000ull;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 1000, &c, NULL), ESP_OK);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), 1000 + 10000000000ull);
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, 1000 + 9999999999ull), 0);
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, 1000 + 10000000000ull), 1);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), 1000 + 20000000000ull);
	CU_ASSERT_EQUAL_FATAL(drain(&e, ev, 8), 1);
	CU_ASSERT_EQUAL(ev[0].type, ESP_EV_SOFT_EXPIRE);
	CU_ASSERT_EQUAL(ev[0].limit, ESP_LIMIT_TIME);
	CU_ASSERT_EQUAL(ev[0].dir, ESP_DIR_IN);
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, 1000 + 20000000000ull), 1);
	CU_ASSERT_EQUAL_FATAL(drain(&e, ev, 8), 1);
	CU_ASSERT_EQUAL(ev[0].type, ESP_EV_HARD_EXPIRE);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), UINT64_MAX);
	et_fini(&e);
}

/* The rekey event comes rekey_margin packets before the wrap; no wrap. */
static void
test_rekey_and_exhaustion(void)
{
	struct esp_config cfg;
	struct esp_sa_config c;
	struct esp_sa *out;
	struct esp_event ev;
	struct esp_sa_stats st;
	struct et e;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.rekey_margin = 1000;
	et_init(&e, &cfg);
	et_sa_cfg(&c, 0x20, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
	out->seq = 0xffffffffull - 1000 - 2;
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);
	CU_ASSERT_FALSE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);	/* 2^32-1-1000 */
	CU_ASSERT_TRUE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(ev.type, ESP_EV_REKEY);
	CU_ASSERT_EQUAL(ev.limit, ESP_LIMIT_SEQ);
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);
	CU_ASSERT_FALSE(esp_next_event(e.ctx, &ev));	/* only once */
	out->seq = 0xfffffffeull;
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_OK);	/* 2^32 - 1 */
	CU_ASSERT_EQUAL(send1(&e, out, 0, 10), ESP_E_SEQ_EXHAUSTED);
	CU_ASSERT_EQUAL(esp_sa_seq(out), 0xffffffffull);
	esp_sa_get_stats(out, &st);
	CU_ASSERT_EQUAL(st.seq_exhausted, 1);
	et_fini(&e);
}


/*
 * Two peers over a simulated lossy link: packets are dropped, duplicated
 * and reordered (deterministically); every delivery is checked against a
 * straightforward model of RFC 4303 §3.4.3 (seen set + highest number).
 */
#define LINK_N 600

static void
test_lossy_link(void)
{
	static uint8_t pkts[LINK_N][128];
	static size_t plen[LINK_N];
	static bool seen[LINK_N + 1];
	uint32_t order[3 * LINK_N];
	struct esp_sa *out, *in;
	struct esp_sa_stats st;
	struct esp_rx rx;
	struct ts_rng r;
	struct et e;
	uint8_t buf[128];
	size_t i, n = 0, off, len, ok = 0, rep = 0, old = 0;
	uint64_t top = 0, now = 0;

	et_init(&e, NULL);
	pair(&e, &et_suites[7], 0x4242, ESP_MODE_TRANSPORT, true, false, &out, &in);
	for (i = 0; i < LINK_N; i++) {
		off = ESP_HEADROOM;
		len = 20 + i % 30;
		memset(pkts[i] + off, (int)i, len);
		CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(e.ctx, now, out, 17, pkts[i],
		    sizeof(pkts[i]), &off, &len), ESP_OK);
		memmove(pkts[i], pkts[i] + off, len);
		plen[i] = len;
	}
	/* Schedule: 5% lost, 8% duplicated, then local shuffles up to 80. */
	ts_rng_init(&r, 99);
	for (i = 0; i < LINK_N; i++) {
		uint32_t x = ts_rng_u32(&r) % 100;

		if (x < 5)
			continue;
		order[n++] = (uint32_t)i;
		if (x >= 92)
			order[n++] = (uint32_t)i;
	}
	for (i = 0; i < n; i++) {
		size_t j = i + ts_rng_u32(&r) % 80;
		uint32_t t;

		if (j >= n)
			continue;
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++) {
		uint64_t seq = order[i] + 1;
		int want, rc;

		if (top >= seq && top - seq >= 64)
			want = ESP_E_TOO_OLD;
		else if (seen[seq])
			want = ESP_E_REPLAY;
		else
			want = ESP_OK;
		memcpy(buf, pkts[order[i]], plen[order[i]]);
		now += 1000;
		rc = esp_input(e.ctx, now, buf, plen[order[i]], NULL, &rx);
		if (rc != want)
			fprintf(stderr, "\nlink step %zu seq %llu: got %d want %d\n",
			    i, (unsigned long long)seq, rc, want);
		CU_ASSERT_EQUAL(rc, want);
		if (want == ESP_OK) {
			seen[seq] = true;
			if (seq > top)
				top = seq;
			ok++;
			CU_ASSERT_EQUAL(rx.len, 20 + order[i] % 30);
		} else if (want == ESP_E_REPLAY)
			rep++;
		else
			old++;
	}
	esp_sa_get_stats(in, &st);
	CU_ASSERT_EQUAL(st.packets, ok);
	CU_ASSERT_EQUAL(st.replay, rep);
	CU_ASSERT_EQUAL(st.too_old, old);
	CU_ASSERT(ok > LINK_N / 2 && rep > 0 && old > 0);
	et_fini(&e);
}

void
test_roundtrip_register(void)
{
	CU_pSuite s = CU_add_suite("esp_roundtrip", NULL, NULL);

	CU_add_test(s, "every algorithm, mode and encapsulation", test_all_algorithms);
	CU_add_test(s, "raw ESP padding", test_raw_padding);
	CU_add_test(s, "ESN across 2^32", test_esn_wrap);
	CU_add_test(s, "lifetimes (packets, bytes, time)", test_lifetimes);
	CU_add_test(s, "rekey event and no wrap", test_rekey_and_exhaustion);
	CU_add_test(s, "lossy, reordering, duplicating link", test_lossy_link);
}
