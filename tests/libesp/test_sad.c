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
	CU_ASSERT_EQUAL(esp_sa_encrypt(e.ctx, out, 0, buf, sizeof(buf), &off,
	    &len, 17), ESP_OK);
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
}
