/*
 * test_timer.c - time lifetimes in the deadline heap (timer.c):
 * esp_next_timeout() against a brute-force model over many SAs with random
 * deadlines, deletion, expiry from the data path, and the soft -> hard
 * re-arm.
 */
#include "esp_test.h"

void test_timer_register(void);

#define NSA 300

/* The earliest pending deadline by walking every SA (the old O(n) way). */
static uint64_t
model_next(struct esp_sa *const *sa, const bool *live, size_t n)
{
	uint64_t t = UINT64_MAX;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!live[i] || sa[i]->dead)
			continue;
		if (!sa[i]->soft_sent && sa[i]->soft_deadline < t)
			t = sa[i]->soft_deadline;
		if (sa[i]->hard_deadline < t)
			t = sa[i]->hard_deadline;
	}
	return t;
}

static void
test_heap_matches_model(void)
{
	static struct esp_sa *sa[NSA];
	static bool live[NSA];
	struct esp_config cfg;
	struct esp_sa_config c;
	struct esp_event ev;
	struct ts_rng r;
	struct et e;
	uint64_t now = 1000, t;
	size_t i, soft = 0, hard = 0, events = 0;
	int n;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_events = 4 * NSA;
	et_init(&e, &cfg);
	ts_rng_init(&r, 5);
	for (i = 0; i < NSA; i++) {
		uint32_t x = ts_rng_u32(&r);

		et_sa_cfg(&c, 0x1000 + (uint32_t)i, i % 2 ? ESP_DIR_OUT : ESP_DIR_IN,
		    ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
		/* Some without time limits, some soft only, hard only, both
		 * (soft sometimes after hard). */
		if (x % 5 != 0)
			c.soft.time_ns = 1 + ts_rng_u32(&r) % 100000;
		if (x % 7 != 0)
			c.hard.time_ns = 1 + ts_rng_u32(&r) % 150000;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, now, &c, &sa[i]), ESP_OK);
		live[i] = true;
	}
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), model_next(sa, live, NSA));
	while ((t = esp_next_timeout(e.ctx)) != UINT64_MAX) {
		CU_ASSERT_EQUAL_FATAL(t, model_next(sa, live, NSA));
		CU_ASSERT_FATAL(t >= now);
		/* Sometimes a little early: nothing is due yet. */
		if (ts_rng_u32(&r) % 4 == 0)
			CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, t - 1), 0);
		now = t;
		n = esp_handle_timeout(e.ctx, now);
		CU_ASSERT(n >= 1);
		events += (size_t)n;
		/* Delete a random live SA now and then. */
		i = ts_rng_u32(&r) % NSA;
		if (live[i] && ts_rng_u32(&r) % 3 == 0) {
			esp_sa_delete(e.ctx, sa[i]);
			live[i] = false;
		}
		CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), model_next(sa, live, NSA));
	}
	while (esp_next_event(e.ctx, &ev)) {
		CU_ASSERT_EQUAL(ev.limit, ESP_LIMIT_TIME);
		if (ev.type == ESP_EV_SOFT_EXPIRE)
			soft++;
		else if (ev.type == ESP_EV_HARD_EXPIRE)
			hard++;
	}
	CU_ASSERT_EQUAL(soft + hard, events);
	CU_ASSERT(soft > 0 && hard > 0);
	for (i = 0; i < NSA; i++)
		if (live[i] && sa[i]->hard.time_ns != 0)
			CU_ASSERT_TRUE(sa[i]->dead);
	et_fini(&e);
}

/* Expiry through the data path leaves the heap consistent. */
static void
test_data_path_expiry(void)
{
	struct esp_sa_config c;
	struct esp_sa *a, *b;
	struct esp_event ev;
	struct et e;
	uint8_t buf[ESP_HEADROOM + 64 + ESP_TAILROOM];
	size_t off, len;

	et_init(&e, NULL);
	/* a: hard after 3 packets, or 10 s.  b: soft at 5 s, hard at 20 s. */
	et_sa_cfg(&c, 0x10, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.hard.packets = 3;
	c.hard.time_ns = 10000;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &a), ESP_OK);
	et_sa_cfg(&c, 0x11, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.soft.time_ns = 5000;
	c.hard.time_ns = 20000;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, &b), ESP_OK);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), 5000);
	/* a dies by packets: its 10 s deadline leaves the heap. */
	for (off = 0; off < 3; off++) {
		size_t o = ESP_HEADROOM;

		len = 10;
		memset(buf + o, 0, len);
		CU_ASSERT_EQUAL(esp_sa_encrypt(e.ctx, 100, a, 17, buf, sizeof(buf), &o,
		    &len), ESP_OK);
	}
	CU_ASSERT_TRUE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(ev.type, ESP_EV_HARD_EXPIRE);
	CU_ASSERT_EQUAL(ev.limit, ESP_LIMIT_PACKETS);
	CU_ASSERT_PTR_EQUAL(ev.sa, a);
	/* b's soft time is noticed by a packet sent after it. */
	off = ESP_HEADROOM;
	len = 10;
	CU_ASSERT_EQUAL(esp_sa_encrypt(e.ctx, 6000, b, 17, buf, sizeof(buf), &off,
	    &len), ESP_OK);
	CU_ASSERT_TRUE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(ev.type, ESP_EV_SOFT_EXPIRE);
	CU_ASSERT_EQUAL(ev.limit, ESP_LIMIT_TIME);
	/* Only b's hard deadline is left. */
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), 20000);
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, 19999), 0);
	/* ... or it is noticed by the data path too. */
	off = ESP_HEADROOM;
	len = 10;
	CU_ASSERT_EQUAL(esp_sa_encrypt(e.ctx, 20000, b, 17, buf, sizeof(buf), &off,
	    &len), ESP_E_EXPIRED);
	CU_ASSERT_TRUE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(ev.type, ESP_EV_HARD_EXPIRE);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), UINT64_MAX);
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, UINT64_MAX - 1), 0);
	CU_ASSERT_EQUAL(esp_handle_timeout(NULL, 0), ESP_E_INVAL);
	CU_ASSERT_EQUAL(esp_next_timeout(NULL), UINT64_MAX);
	/* A deadline past the end of time is no deadline. */
	et_sa_cfg(&c, 0x12, ESP_DIR_OUT, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.hard.time_ns = 10;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, UINT64_MAX - 5, &c, NULL), ESP_OK);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), UINT64_MAX);
	et_fini(&e);
}

/* Soft after hard: only the hard event, once. */
static void
test_soft_after_hard(void)
{
	struct esp_sa_config c;
	struct esp_event ev;
	struct et e;

	et_init(&e, NULL);
	et_sa_cfg(&c, 0x10, ESP_DIR_IN, ESP_ENC_AES_GCM_16, 16, ESP_INTEG_NONE);
	c.soft.time_ns = 300;
	c.hard.time_ns = 200;
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(e.ctx, 0, &c, NULL), ESP_OK);
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), 200);
	CU_ASSERT_EQUAL(esp_handle_timeout(e.ctx, 1000), 1);
	CU_ASSERT_TRUE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(ev.type, ESP_EV_HARD_EXPIRE);
	CU_ASSERT_FALSE(esp_next_event(e.ctx, &ev));
	CU_ASSERT_EQUAL(esp_next_timeout(e.ctx), UINT64_MAX);
	et_fini(&e);
}

void
test_timer_register(void)
{
	CU_pSuite s = CU_add_suite("esp_timer", NULL, NULL);

	CU_add_test(s, "heap agrees with a full walk", test_heap_matches_model);
	CU_add_test(s, "expiry from the data path", test_data_path_expiry);
	CU_add_test(s, "soft deadline after hard", test_soft_after_hard);
}
