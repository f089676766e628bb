/*
 * test_sad.c - context and SAD (ctx.c, sad.c): configuration checks, add /
 * find / delete, limits, algorithm policy (DES only when allowed), the OOM
 * loop, the event queue bound and esp_strerror.
 */
#include "esp_test.h"

void test_sad_register(void);

static void
test_add_find_delete(void)
{
	struct esp_sa_config c;
	struct esp_sa *sa[200], *x;
	struct esp_sa_info info;
	struct esp_stats st;
	struct esp_config cfg;
	struct et e;
	uint32_t i, n;
	size_t cur;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_sas = 200;
	et_init(&e, &cfg);
	for (i = 0; i < 200; i++) {
		et_sa_cfg(&c, 1000 + i / 2, i % 2 ? ESP_DIR_OUT : ESP_DIR_IN,
		    ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &sa[i]), ESP_OK);
	}
	/*
	 * Same SPI in both directions are different SAs; only the inbound one
	 * is in the SPI index (outbound SAs are addressed by handle).
	 */
	for (i = 0; i < 200; i++) {
		x = esp_sa_find(e.ctx, 1000 + i / 2);
		CU_ASSERT_PTR_EQUAL(x, sa[i & ~1u]);
		CU_ASSERT_EQUAL(esp_sa_spi(sa[i]), 1000 + i / 2);
		CU_ASSERT_EQUAL(esp_sa_dir(sa[i]), i % 2 ? ESP_DIR_OUT : ESP_DIR_IN);
	}
	CU_ASSERT_PTR_NULL(esp_sa_find(e.ctx, 5));
	CU_ASSERT_PTR_NULL(esp_sa_find(NULL, 1000));
	/* A second inbound SA with a used SPI is refused (before the limit). */
	c.dir = ESP_DIR_IN;
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_EXISTS);
	et_sa_cfg(&c, 9999, ESP_DIR_IN, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_LIMIT);
	esp_get_stats(e.ctx, &st);
	CU_ASSERT_EQUAL(st.sas, 200);
	CU_ASSERT_EQUAL(st.sa_limit, 1);
	for (i = 0; i < 200; i += 2)
		esp_sa_delete(e.ctx, sa[i]);
	for (i = 0; i < 200; i++)
		CU_ASSERT_PTR_NULL(esp_sa_find(e.ctx, 1000 + i / 2));
	/* The outbound SAs are all still there (enumeration). */
	cur = 0;
	n = 0;
	while (esp_sa_next(e.ctx, 0, &cur, &info)) {
		CU_ASSERT_EQUAL(info.dir, ESP_DIR_OUT);
		CU_ASSERT_PTR_EQUAL(sa[2 * (info.spi - 1000) + 1], info.sa);
		n++;
	}
	CU_ASSERT_EQUAL(n, 100);
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_OK);
	esp_get_stats(e.ctx, &st);
	CU_ASSERT_EQUAL(st.sas, 101);
	esp_sa_delete(e.ctx, NULL);
	et_fini(&e);	/* frees the remaining SAs, no leak */
}

static void
test_bad_config(void)
{
	static const struct {
		enum esp_enc_alg enc;
		size_t kl;
		enum esp_integ_alg integ;
		int want;
	} t[] = {
		/* 1 */ { ESP_ENC_NULL, 0, ESP_INTEG_NONE, ESP_E_INVAL },
		/* 2 */ { ESP_ENC_AES_CBC, 20, ESP_INTEG_HMAC_SHA1_96, ESP_E_INVAL },
		/* 3 */ { ESP_ENC_3DES_CBC, 16, ESP_INTEG_HMAC_SHA1_96, ESP_E_INVAL },
		/* 4 */ { ESP_ENC_AES_GCM_16, 16, ESP_INTEG_HMAC_SHA1_96, ESP_E_INVAL },
		/* 5 */ { ESP_ENC_CHACHA20_POLY1305, 16, ESP_INTEG_NONE, ESP_E_INVAL },
		/* 6 */ { ESP_ENC_DES_CBC, 8, ESP_INTEG_HMAC_MD5_96, ESP_E_UNSUPPORTED },
		/* 7 */ { (enum esp_enc_alg)99, 16, ESP_INTEG_NONE, ESP_E_UNSUPPORTED },
		/* 8 */ { ESP_ENC_AES_CBC, 16, (enum esp_integ_alg)77, ESP_E_UNSUPPORTED },
		/* 9 */ { ESP_ENC_AES_CBC, 32, ESP_INTEG_HMAC_SHA256_96, ESP_OK },
	};
	struct esp_sa_config c;
	struct esp_config cfg;
	struct esp_hooks h;
	struct esp_ctx *ctx;
	struct et e;
	size_t i;

	et_init(&e, NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		et_sa_cfg(&c, 1 + (uint32_t)i, ESP_DIR_IN, t[i].enc, t[i].kl,
		    t[i].integ);
		CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), t[i].want);
	}
	et_sa_cfg(&c, 0, ESP_DIR_IN, ESP_ENC_AES_CBC, 16, ESP_INTEG_HMAC_SHA1_96);
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_INVAL);	/* SPI 0 */
	c.spi = 5;
	c.replay_window = 32;
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_INVAL);
	c.replay_window = 4097;
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_INVAL);
	c.replay_window = 4096;
	c.size = 8;
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_INVAL);
	c.size = sizeof(c);
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_OK);
	et_fini(&e);

	/* Context configuration. */
	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(esp_ctx_new(&ctx, NULL, &h), ESP_E_INVAL);	/* no rng */
	h.rng = ts_rng_cb;
	h.user = &e.rng;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.replay_window = 63;
	CU_ASSERT_EQUAL(esp_ctx_new(&ctx, &cfg, &h), ESP_E_INVAL);
	cfg.replay_window = 4096;
	cfg.size = 4;
	CU_ASSERT_EQUAL(esp_ctx_new(&ctx, &cfg, &h), ESP_E_INVAL);
	cfg.size = sizeof(cfg) - 1;	/* exactly sizeof, nothing else */
	CU_ASSERT_EQUAL(esp_ctx_new(&ctx, &cfg, &h), ESP_E_INVAL);
	cfg.size = sizeof(cfg) + 8;
	CU_ASSERT_EQUAL(esp_ctx_new(&ctx, &cfg, &h), ESP_E_INVAL);
	CU_ASSERT_EQUAL(esp_ctx_new(NULL, &cfg, &h), ESP_E_INVAL);
	cfg.size = sizeof(cfg);
	CU_ASSERT_EQUAL_FATAL(esp_ctx_new(&ctx, &cfg, &h), ESP_OK);
	esp_ctx_free(ctx);
	esp_ctx_free(NULL);
}

/* Single DES only with allow_des, from the legacy provider, logged loudly. */
static void
test_des_policy(void)
{
	struct esp_config cfg;
	struct esp_sa_config c;
	struct esp_sa *out, *in;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[256];
	size_t off = ESP_HEADROOM, len = 30, warn;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.allow_des = true;
	et_init(&e, &cfg);
	CU_ASSERT(e.log.by_level[ESP_LOG_WARN] >= 1);
	warn = e.log.by_level[ESP_LOG_WARN];
	et_sa_cfg(&c, 0x44, ESP_DIR_OUT, ESP_ENC_DES_CBC, 8, ESP_INTEG_HMAC_MD5_96);
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
	CU_ASSERT_EQUAL(e.log.by_level[ESP_LOG_WARN], warn + 1);
	c.dir = ESP_DIR_IN;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &in), ESP_OK);
	memset(buf + off, 0x42, len);
	CU_ASSERT_EQUAL(esp_sa_encrypt(e.ctx, 0, out, 17, buf, sizeof(buf), &off,
	    &len), ESP_OK);
	CU_ASSERT_EQUAL(len, 8 + 8 + 32 + 12);
	CU_ASSERT_EQUAL(esp_input(e.ctx, 0, buf + off, len, NULL, &rx), ESP_OK);
	CU_ASSERT_EQUAL(rx.len, 30);
	et_fini(&e);
}

/* Fail allocation i for every i: clean error, nothing leaked. */
static void
test_oom(void)
{
	struct esp_sa_config c;
	struct esp_ctx *ctx;
	struct et t;
	size_t i;
	uint32_t k;
	int rc, done = 0;

	for (i = 1; i < 100 && !done; i++) {
		memset(&t, 0, sizeof(t));
		ts_rng_init(&t.rng, 3);
		ts_alloc_init(&t.alloc);
		ts_log_init(&t.log);
		t.alloc.fail_at = i;
		t.hooks.user = &t;
		t.hooks.rng = et_rng;
		t.hooks.alloc = et_alloc;
		t.hooks.free = et_free;
		t.hooks.log = et_log;
		rc = esp_ctx_new(&ctx, NULL, &t.hooks);
		if (rc != ESP_OK) {
			CU_ASSERT_EQUAL(rc, ESP_E_NOMEM);
			CU_ASSERT_PTR_NULL(ctx);
			CU_ASSERT_EQUAL(t.alloc.live, 0);
			continue;
		}
		for (k = 0; k < 3; k++) {
			et_sa_cfg(&c, 0x70 + k, ESP_DIR_IN, ESP_ENC_AES_CBC, 16,
			    ESP_INTEG_HMAC_SHA1_96);
			rc = esp_sa_add(ctx, 0, &c, NULL);
			CU_ASSERT(rc == ESP_OK || rc == ESP_E_NOMEM);
			CU_ASSERT_EQUAL(esp_sa_find(ctx, 0x70 + k) != NULL,
			    rc == ESP_OK);
		}
		done = t.alloc.failed == 0;
		esp_ctx_free(ctx);
		CU_ASSERT_EQUAL(t.alloc.live, 0);
	}
	CU_ASSERT_TRUE(done);	/* reached a run with no failure injected */
	CU_ASSERT(i > 5);
}

static void
test_strerror(void)
{
	static const int codes[] = {
		ESP_OK, ESP_E_INVAL, ESP_E_NOMEM, ESP_E_RNG, ESP_E_CRYPTO,
		ESP_E_BUFFER, ESP_E_AGAIN, ESP_E_LIMIT, ESP_E_STATE,
		ESP_E_EXISTS, ESP_E_NOT_FOUND, ESP_E_TRUNCATED,
		ESP_E_BAD_LENGTH, ESP_E_VERSION, ESP_E_DUPLICATE,
		ESP_E_QUEUE_FULL, ESP_E_NO_SA, ESP_E_ALIGN, ESP_E_AUTH,
		ESP_E_REPLAY, ESP_E_TOO_OLD, ESP_E_BAD_PAD, ESP_E_BAD_NEXT_HDR,
		ESP_E_DUMMY, ESP_E_SEQ_EXHAUSTED, ESP_E_EXPIRED,
		ESP_E_UNSUPPORTED, ESP_E_WRONG_DIR, ESP_E_BAD_IP,
		ESP_E_NOT_ESP, ESP_E_SELECTOR,
	};
	size_t i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		CU_ASSERT_STRING_NOT_EQUAL(esp_strerror(codes[i]), "unknown error");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(esp_strerror(codes[i]),
			    esp_strerror(codes[j]));
	}
	/* Everything else is unknown, including the reserved common range. */
	CU_ASSERT_STRING_EQUAL(esp_strerror(ESP_E_SELECTOR - 1), "unknown error");
	CU_ASSERT_STRING_EQUAL(esp_strerror(-16), "unknown error");
	CU_ASSERT_STRING_EQUAL(esp_strerror(-31), "unknown error");
	CU_ASSERT_STRING_EQUAL(esp_strerror(1), "unknown error");
}

/* The event queue is bounded; overflow is counted. */
static void
test_event_bound(void)
{
	struct esp_config cfg;
	struct esp_sa_config c;
	struct esp_stats st;
	struct esp_event ev;
	struct et e;
	uint32_t i;
	int n = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_events = 4;
	et_init(&e, &cfg);
	for (i = 0; i < 6; i++) {
		et_sa_cfg(&c, 0x60 + i, ESP_DIR_IN, ESP_ENC_AES_GCM_16, 16,
		    ESP_INTEG_NONE);
		c.hard.time_ns = 5;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_OK);
	}
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, 5), 6);
	while (esp_next_event(e.ctx, &ev))
		n++;
	CU_ASSERT_EQUAL(n, 4);
	esp_get_stats(e.ctx, &st);
	CU_ASSERT_EQUAL(st.events_dropped, 2);
	et_fini(&e);
}

/*
 * Two peers chose the same SPI for our outbound SAs (each peer picks its
 * own inbound SPIs).  Both are served; deleting one never touches the other.
 */
static void
test_same_outbound_spi(void)
{
	struct esp_sa_config c;
	struct esp_sa *out[2], *in[2], *peer_in[2];
	struct esp_sa_info info;
	struct esp_rx rx;
	struct et gw, peer[2];
	uint8_t buf[256];
	size_t off, len, k, cur, n;

	et_init(&gw, NULL);
	for (k = 0; k < 2; k++) {
		et_init(&peer[k], NULL);
		/* Our outbound SA to peer k: SPI 0xaaaa, keys of peer k. */
		et_sa_cfg(&c, 0xaaaa, ESP_DIR_OUT, ESP_ENC_AES_CBC, 16,
		    ESP_INTEG_HMAC_SHA1_96);
		c.enc_key[0] = (uint8_t)k;
		c.integ_key[0] = (uint8_t)k;
		c.peer_addr = 0xcb007100 + (uint32_t)k;
		c.user = 10 + k;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(gw.ctx, 0, &c, &out[k]), ESP_OK);
		c.dir = ESP_DIR_IN;	/* the peer's side of it */
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(peer[k].ctx, 0, &c, &peer_in[k]),
		    ESP_OK);
		/* Our inbound SA from peer k: an SPI we chose. */
		et_sa_cfg(&c, 0x5000 + (uint32_t)k, ESP_DIR_IN, ESP_ENC_AES_CBC, 16,
		    ESP_INTEG_HMAC_SHA1_96);
		c.pair = out[k];
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(gw.ctx, 0, &c, &in[k]), ESP_OK);
	}
	CU_ASSERT_PTR_NOT_EQUAL(out[0], out[1]);
	CU_ASSERT_PTR_NULL(esp_sa_find(gw.ctx, 0xaaaa));	/* not indexed */
	/* Both served, each with its own keys and sequence numbers. */
	for (n = 0; n < 3; n++) {
		for (k = 0; k < 2; k++) {
			off = ESP_HEADROOM;
			len = 20;
			memset(buf + off, (int)k, len);
			CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(gw.ctx, 0, out[k], 17, buf,
			    sizeof(buf), &off, &len), ESP_OK);
			CU_ASSERT_EQUAL(espi_get32(buf + off), 0xaaaa);
			CU_ASSERT_EQUAL(esp_input(peer[k].ctx, 0, buf + off, len,
			    NULL, &rx), ESP_OK);
			CU_ASSERT_PTR_EQUAL(rx.sa, peer_in[k]);
			CU_ASSERT_EQUAL(rx.seq, n + 1);
		}
	}
	/* Peer 1 cannot read what is meant for peer 0. */
	off = ESP_HEADROOM;
	len = 20;
	CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(gw.ctx, 0, out[0], 17, buf, sizeof(buf),
	    &off, &len), ESP_OK);
	CU_ASSERT_EQUAL(esp_input(peer[1].ctx, 0, buf + off, len, NULL, &rx),
	    ESP_E_AUTH);
	/* Delete peer 0's outbound SA: peer 1's keeps working. */
	esp_sa_delete(gw.ctx, out[0]);
	for (n = 0; n < 2; n++) {
		off = ESP_HEADROOM;
		len = 20;
		CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(gw.ctx, 0, out[1], 17, buf,
		    sizeof(buf), &off, &len), ESP_OK);
		CU_ASSERT_EQUAL(esp_input(peer[1].ctx, 0, buf + off, len, NULL,
		    &rx), ESP_OK);
		CU_ASSERT_EQUAL(rx.seq, 4 + n);
	}
	/* Links: in[0] lost its pair, in[1] kept its own. */
	cur = 0;
	n = 0;
	while (esp_sa_next(gw.ctx, 0, &cur, &info)) {
		n++;
		if (info.sa == in[0])
			CU_ASSERT_PTR_NULL(info.pair);
		if (info.sa == in[1])
			CU_ASSERT_PTR_EQUAL(info.pair, out[1]);
		if (info.sa == out[1])
			CU_ASSERT_EQUAL(info.user, 11);
	}
	CU_ASSERT_EQUAL(n, 3);
	/* A third outbound SA with the same SPI is fine too. */
	et_sa_cfg(&c, 0xaaaa, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	CU_ASSERT_EQUAL(esp_sa_add(gw.ctx, 0, &c, NULL), ESP_OK);
	et_fini(&gw);
	et_fini(&peer[0]);
	et_fini(&peer[1]);
}

/* esp_sa_config.pair: what is accepted, and deleting either side. */
static void
test_pair_rules(void)
{
	struct esp_sa_config c;
	struct esp_sa *out, *in, *in2, *foreign;
	struct esp_sa_info info;
	struct et e, other;
	size_t cur;

	et_init(&e, NULL);
	et_init(&other, NULL);
	et_sa_cfg(&c, 0x10, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &out), ESP_OK);
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(other.ctx, 0, &c, &foreign), ESP_OK);
	/* An outbound SA has no pair. */
	c.spi = 0x11;
	c.pair = out;
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_INVAL);
	/* An inbound SA pairs with an outbound SA of this context only. */
	c.dir = ESP_DIR_IN;
	c.pair = foreign;
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_NOT_FOUND);
	c.pair = out;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &in), ESP_OK);
	c.spi = 0x12;
	c.pair = in;
	CU_ASSERT_EQUAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_E_INVAL);
	c.pair = out;	/* two inbound SAs on one outbound (rekey overlap) */
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &in2), ESP_OK);
	/* A handle of another context is not deleted here. */
	esp_sa_delete(e.ctx, foreign);
	CU_ASSERT_TRUE(ts_log_last_contains(&e.log, "not an SA of this context"));
	CU_ASSERT_EQUAL(esp_sa_spi(foreign), 0x10);
	/* Delete one inbound SA, then the outbound: the other is unlinked. */
	esp_sa_delete(e.ctx, in);
	esp_sa_delete(e.ctx, out);
	cur = 0;
	CU_ASSERT_TRUE(esp_sa_next(e.ctx, 0, &cur, &info));
	CU_ASSERT_PTR_EQUAL(info.sa, in2);
	CU_ASSERT_PTR_NULL(info.pair);
	CU_ASSERT_FALSE(esp_sa_next(e.ctx, 0, &cur, &info));
	et_fini(&e);
	et_fini(&other);
}

/* Events name their SA; an SA deleted while its event waits is NULL. */
static void
test_events_carry_sa(void)
{
	struct esp_sa_config c;
	struct esp_sa *a, *b;
	struct esp_event ev;
	struct et e;

	et_init(&e, NULL);
	et_sa_cfg(&c, 0x20, ESP_DIR_IN, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.hard.time_ns = 10;
	c.user = 7;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &a), ESP_OK);
	et_sa_cfg(&c, 0x21, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.hard.time_ns = 20;
	c.user = 8;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &b), ESP_OK);
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, 30), 2);
	esp_sa_delete(e.ctx, a);
	CU_ASSERT_TRUE_FATAL(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(ev.type, ESP_EV_HARD_EXPIRE);
	CU_ASSERT_PTR_NULL(ev.sa);		/* deleted meanwhile */
	CU_ASSERT_EQUAL(ev.spi, 0x20);
	CU_ASSERT_EQUAL(ev.dir, ESP_DIR_IN);
	CU_ASSERT_EQUAL(ev.user, 7);
	CU_ASSERT_TRUE_FATAL(esp_next_event(e.ctx, &ev));
	CU_ASSERT_PTR_EQUAL(ev.sa, b);
	CU_ASSERT_EQUAL(ev.spi, 0x21);
	CU_ASSERT_EQUAL(ev.dir, ESP_DIR_OUT);
	CU_ASSERT_EQUAL(ev.user, 8);
	CU_ASSERT_FALSE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_FALSE(esp_next_event(NULL, &ev));
	CU_ASSERT_FALSE(esp_next_event(e.ctx, NULL));
	et_fini(&e);
}

/* esp_sa_next: every field, the end, bad arguments; user tags. */
static void
test_enumeration(void)
{
	struct esp_sa_config c;
	struct esp_sa *out, *in;
	struct esp_sa_info info;
	struct esp_rx rx;
	struct et e;
	uint8_t buf[256];
	size_t cur, off, len, seen = 0;

	et_init(&e, NULL);
	cur = 0;
	CU_ASSERT_FALSE(esp_sa_next(e.ctx, 0, &cur, &info));	/* empty */
	et_sa_cfg(&c, 0x30, ESP_DIR_OUT, ESP_ENC_AES_CBC, 32,
	    ESP_INTEG_HMAC_SHA256_128);
	c.mode = ESP_MODE_TUNNEL;
	c.esn = true;
	c.udp_encap = true;
	c.encap_sport = 4500;
	c.encap_dport = 4501;
	c.soft.bytes = 1000;
	c.hard.bytes = 2000;
	c.hard.time_ns = 50;
	c.user = 99;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 100, &c, &out), ESP_OK);
	c.dir = ESP_DIR_IN;
	c.pair = out;
	c.replay_window = 256;
	c.natoa_valid = true;
	c.natoa_src = 0x0a000005;
	c.natoa_dst = 0xc0a80001;
	c.sel_protocol = 17;
	c.sel_local_port = 1701;
	c.sel_remote_port = 1702;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 200, &c, &in), ESP_OK);
	esp_sa_set_user(in, 1234);
	esp_sa_set_user(NULL, 1);
	CU_ASSERT_EQUAL(esp_sa_user(in), 1234);
	off = ESP_HEADROOM;
	len = 30;
	memset(buf + off, 0, len);
	CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(e.ctx, 120, out, 4, buf, sizeof(buf),
	    &off, &len), ESP_OK);
	CU_ASSERT_EQUAL(esp_input(e.ctx, 130, buf + off, len, NULL, &rx),
	    ESP_E_SELECTOR);	/* zeros are no IPv4 header */
	CU_ASSERT_EQUAL(rx.user, 0);
	cur = 0;
	while (esp_sa_next(e.ctx, 160, &cur, &info)) {
		seen++;
		CU_ASSERT_EQUAL(info.spi, 0x30);
		CU_ASSERT_EQUAL(info.mode, ESP_MODE_TUNNEL);
		CU_ASSERT_EQUAL(info.enc_alg, ESP_ENC_AES_CBC);
		CU_ASSERT_EQUAL(info.enc_key_bits, 256);
		CU_ASSERT_EQUAL(info.integ_alg, ESP_INTEG_HMAC_SHA256_128);
		CU_ASSERT_EQUAL(info.integ_key_bits, 256);
		CU_ASSERT_TRUE(info.esn);
		CU_ASSERT_TRUE(info.udp_encap);
		CU_ASSERT_EQUAL(info.local.ip, 0xc0000201);
		CU_ASSERT_EQUAL(info.local.port, 4500);
		CU_ASSERT_EQUAL(info.peer.ip, 0xc0000202);
		CU_ASSERT_EQUAL(info.peer.port, 4501);
		CU_ASSERT_EQUAL(info.soft.bytes, 1000);
		CU_ASSERT_EQUAL(info.hard.bytes, 2000);
		CU_ASSERT_EQUAL(info.seq, 1);
		CU_ASSERT_FALSE(info.soft_expired);
		if (info.dir == ESP_DIR_OUT) {
			CU_ASSERT_PTR_EQUAL(info.sa, out);
			CU_ASSERT_PTR_NULL(info.pair);
			CU_ASSERT_EQUAL(info.user, 99);
			CU_ASSERT_EQUAL(info.created_ns, 100);
			CU_ASSERT_EQUAL(info.hard_expire_ns, 150);
			CU_ASSERT_TRUE(info.hard_expired);	/* 160 >= 150 */
			CU_ASSERT_EQUAL(info.replay_window, 0);
			CU_ASSERT_EQUAL(info.stats.packets, 1);
			CU_ASSERT_EQUAL(info.stats.bytes, 30);
			CU_ASSERT_EQUAL(info.sel_protocol, 0);
		} else {
			CU_ASSERT_PTR_EQUAL(info.sa, in);
			CU_ASSERT_PTR_EQUAL(info.pair, out);
			CU_ASSERT_EQUAL(info.user, 1234);
			CU_ASSERT_EQUAL(info.created_ns, 200);
			CU_ASSERT_EQUAL(info.hard_expire_ns, 250);
			CU_ASSERT_FALSE(info.hard_expired);
			CU_ASSERT_EQUAL(info.soft_expire_ns, UINT64_MAX);
			CU_ASSERT_EQUAL(info.replay_window, 256);
			CU_ASSERT_EQUAL(info.stats.packets, 0);
			CU_ASSERT_EQUAL(info.stats.selector, 1);
			CU_ASSERT_TRUE(info.natoa_valid);
			CU_ASSERT_EQUAL(info.natoa_src, 0x0a000005);
			CU_ASSERT_EQUAL(info.natoa_dst, 0xc0a80001);
			CU_ASSERT_EQUAL(info.sel_protocol, 17);
			CU_ASSERT_EQUAL(info.sel_local_port, 1701);
			CU_ASSERT_EQUAL(info.sel_remote_port, 1702);
		}
	}
	CU_ASSERT_EQUAL(seen, 2);
	CU_ASSERT_EQUAL(cur, 2);
	CU_ASSERT_FALSE(esp_sa_next(e.ctx, 0, &cur, &info));	/* stays at end */
	CU_ASSERT_FALSE(esp_sa_next(NULL, 0, &cur, &info));
	cur = 0;
	CU_ASSERT_FALSE(esp_sa_next(e.ctx, 0, NULL, &info));
	CU_ASSERT_FALSE(esp_sa_next(e.ctx, 0, &cur, NULL));
	et_fini(&e);
}

void
test_sad_register(void)
{
	CU_pSuite s = CU_add_suite("esp_sad", NULL, NULL);

	CU_add_test(s, "add, find, delete, limit", test_add_find_delete);
	CU_add_test(s, "bad configurations", test_bad_config);
	CU_add_test(s, "DES only when allowed", test_des_policy);
	CU_add_test(s, "OOM loop", test_oom);
	CU_add_test(s, "esp_strerror", test_strerror);
	CU_add_test(s, "bounded event queue", test_event_bound);
	CU_add_test(s, "two peers, one outbound SPI", test_same_outbound_spi);
	CU_add_test(s, "SA pairs", test_pair_rules);
	CU_add_test(s, "events carry the SA", test_events_carry_sa);
	CU_add_test(s, "enumeration (esp_sa_next)", test_enumeration);
}
