/*
 * test_lifetime.c - phase 1 RESPONDER-LIFETIME (RFC 2407 4.6.3.1): the
 * responder announces a shorter ISAKMP SA lifetime after Main Mode, the
 * initiator adopts it, both ends expire and rekey at it, and malformed
 * notifies are refused.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_lifetime_register(void);

#define SEC 1000000000ull

static void
policy(struct isakmp_policy *p, uint32_t p1_life)
{
	h_policy_default(p);
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, p1_life };
	p->n_p1 = 1;
	p->p2[0].life_s = 100000;  /* IPsec SAs outlive the IKE SA under test */
}

/* Counts responder -> initiator Informational exchanges (no NAT, no marker). */
static bool
count_info_s2c(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	if (!c2s && *len >= HDR_LEN && pkt[18] == EX_INFO)
		(*(size_t *)h->fuser)++;
	return true;
}

static void
run(struct harness *h, uint64_t to)
{
	h->now = to;
	isakmp_handle_timeout(h->c.ctx, h->now);
	isakmp_handle_timeout(h->s.ctx, h->now);
	h_pump(h);
}

/* Sets up an established pair; *infos counts Informational packets s->c. */
static void
establish(struct harness *h, uint32_t clife, uint32_t slife, uint64_t seed, size_t *infos)
{
	struct isakmp_policy cp, sp;

	policy(&cp, clife);
	policy(&sp, slife);
	*infos = 0;
	CU_ASSERT_EQUAL_FATAL(h_init(h, &cp, &sp, false, seed), 0);
	h->filter = count_info_s2c;
	h->fuser = infos;
	CU_ASSERT_EQUAL_FATAL(h_initiate(h, NULL), 0);
	h_pump(h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h->c, ISAKMP_EV_IPSEC_SA_UP, NULL));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h->s, ISAKMP_EV_IPSEC_SA_UP, NULL));
}

/* Responder policy 600 s, initiator 3600 s: notify sent, adopted, both rekey/expire at 600. */
static void
test_shorter_sent_and_adopted(void)
{
	struct harness h;
	struct isakmp_event ev;
	size_t infos;
	uint64_t t0;

	establish(&h, 3600, 600, 70, &infos);
	t0 = h.now;
	CU_ASSERT_EQUAL(infos, 1);
	/* MM2 echoes the proposal; the responder's own SA runs at its policy. */
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(ev.p1.life_s, 600);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->alg.p.life_s, 600);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->expires, t0 + 600 * SEC);
	CU_ASSERT_EQUAL(h_newest_sa(h.s.ctx)->expires, t0 + 600 * SEC);
	/* 90% of 600 s (not of 3600 s): the initiator makes a new IKE SA. */
	run(&h, t0 + 539 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_PHASE1_UP), 1);
	run(&h, t0 + 541 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_EQUAL(infos, 2);  /* the rekeyed SA is announced too */
	/* Both old IKE SAs end at 600 s (replaced: REKEYED); the IPsec SAs stay. */
	run(&h, t0 + 599 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_PHASE1_DOWN), 0);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_DOWN), 0);
	run(&h, t0 + 600 * SEC);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_EQUAL(h.c.ctx->n_sas, 1);
	CU_ASSERT_EQUAL(h.s.ctx->n_sas, 1);
	h_fini(&h);
}

/* No notify when the initiator's lifetime is already shorter or equal. */
static void
test_no_notify_when_not_shorter(void)
{
	struct harness h;
	struct isakmp_event ev;
	size_t infos;

	establish(&h, 600, 600, 71, &infos);
	CU_ASSERT_EQUAL(infos, 0);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->alg.p.life_s, 600);
	h_fini(&h);

	establish(&h, 300, 600, 72, &infos);
	CU_ASSERT_EQUAL(infos, 0);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(ev.p1.life_s, 300);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->alg.p.life_s, 300);
	h_fini(&h);

	/* Policy 0 means 28800 s on both ends: equal, so nothing to announce. */
	establish(&h, 0, 0, 73, &infos);
	CU_ASSERT_EQUAL(infos, 0);
	CU_ASSERT_EQUAL(h_newest_sa(h.s.ctx)->alg.p.life_s, 28800);
	h_fini(&h);
}

/* HASH(1) placeholder + N(RESPONDER-LIFETIME, protocol ISAKMP, spisz, SPI, data). */
static size_t
rl_notify(uint8_t *b, const struct harness *h, size_t hl, uint8_t spisz, const uint8_t *data,
    size_t dlen)
{
	const struct ike_sa *sa = h_newest_sa(h->c.ctx);
	size_t l = 0, nl = 8 + spisz + dlen;

	b[l++] = PL_N; b[l++] = 0; b[l++] = 0; b[l++] = (uint8_t)(4 + hl);
	memset(b + l, 0, hl); l += hl;
	b[l++] = 0; b[l++] = 0; b[l++] = (uint8_t)((4 + nl) >> 8); b[l++] = (uint8_t)(4 + nl);
	b[l++] = 0; b[l++] = 0; b[l++] = 0; b[l++] = 1;
	b[l++] = 1; b[l++] = spisz;
	b[l++] = (uint8_t)(N_RESPONDER_LIFETIME >> 8); b[l++] = (uint8_t)N_RESPONDER_LIFETIME;
	if (spisz == 16) {
		memcpy(b + l, sa->icookie, 8);
		memcpy(b + l + 8, sa->rcookie, 8);
	} else {
		memset(b + l, 0xab, spisz);
	}
	l += spisz;
	if (dlen > 0)
		memcpy(b + l, data, dlen);
	return l + dlen;
}

/* Malformed phase 1 RESPONDER-LIFETIME: error code, counter, log line, no change. */
static void
test_malformed_refused(void)
{
	static const uint8_t good[] = { 0x80, 11, 0, 1, 0x80, 12, 0x00, 0x3c };  /* 60 s */
	static const uint8_t longer[] = { 0x80, 11, 0, 1, 0x80, 12, 0x1c, 0x20 }; /* 7200 s */
	static const uint8_t badlen[] = { 0x80, 11, 0, 1, 0, 12, 0, 8, 0, 0, 0, 0, 0, 0, 0, 60 };
	static const uint8_t trunc[] = { 0x80, 11, 0, 1, 0, 12, 0, 4, 0, 0 };
	static const uint8_t notype[] = { 0x80, 12, 0x00, 0x3c };
	struct harness h;
	struct isakmp_stats st;
	uint8_t b[256];
	size_t n, infos;
	uint64_t exp;
	uint32_t mid = 0x11223340;

	establish(&h, 3600, 3600, 74, &infos);
	exp = h_newest_sa(h.c.ctx)->expires;
	/* SPI size 4 for protocol ISAKMP. */
	n = rl_notify(b, &h, 20, 4, good, sizeof(good));
	CU_ASSERT_EQUAL(h_inject_c(&h, EX_INFO, mid++, b, n), ISAKMP_E_PAYLOAD);
	CU_ASSERT_TRUE(ts_log_last_contains(&h.c.log, "SPI size 4"));
	isakmp_get_stats(h.c.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_bad_payload, 1);
	/* Variable-length attribute of 8 bytes, then one running past the end. */
	n = rl_notify(b, &h, 20, 16, badlen, sizeof(badlen));
	CU_ASSERT_EQUAL(h_inject_c(&h, EX_INFO, mid++, b, n), ISAKMP_E_ATTR);
	CU_ASSERT_TRUE(ts_log_last_contains(&h.c.log, "bad attribute"));
	n = rl_notify(b, &h, 20, 16, trunc, sizeof(trunc));
	CU_ASSERT_EQUAL(h_inject_c(&h, EX_INFO, mid++, b, n), ISAKMP_E_ATTR);
	/* A duration without a life type, and no attributes at all. */
	n = rl_notify(b, &h, 20, 16, notype, sizeof(notype));
	CU_ASSERT_EQUAL(h_inject_c(&h, EX_INFO, mid++, b, n), ISAKMP_E_ATTR);
	n = rl_notify(b, &h, 20, 16, NULL, 0);
	CU_ASSERT_EQUAL(h_inject_c(&h, EX_INFO, mid++, b, n), ISAKMP_E_ATTR);
	CU_ASSERT_TRUE(ts_log_last_contains(&h.c.log, "without attributes"));
	isakmp_get_stats(h.c.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_bad_attr, 4);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->expires, exp);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->alg.p.life_s, 3600);
	/* Longer than our policy: accepted but not adopted. */
	n = rl_notify(b, &h, 20, 16, longer, sizeof(longer));
	CU_ASSERT_EQUAL(h_inject_c(&h, EX_INFO, mid++, b, n), 0);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->expires, exp);
	/* A well-formed shorter one is adopted. */
	n = rl_notify(b, &h, 20, 16, good, sizeof(good));
	CU_ASSERT_EQUAL(h_inject_c(&h, EX_INFO, mid++, b, n), 0);
	CU_ASSERT_EQUAL(h_newest_sa(h.c.ctx)->alg.p.life_s, 60);
	CU_ASSERT(h_newest_sa(h.c.ctx)->expires < exp);
	/* The responder does not adopt one (it chose the lifetime). */
	n = rl_notify(b, &h, 20, 16, good, sizeof(good));
	memcpy(b + 4 + 20 + 12, h_newest_sa(h.s.ctx)->icookie, 8);
	memcpy(b + 4 + 20 + 20, h_newest_sa(h.s.ctx)->rcookie, 8);
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, mid++, b, n), 0);
	CU_ASSERT_EQUAL(h_newest_sa(h.s.ctx)->alg.p.life_s, 3600);
	h_fini(&h);
}

void
test_lifetime_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_p1_lifetime", NULL, NULL);

	CU_add_test(s, "shorter phase 1 lifetime: RESPONDER-LIFETIME sent, adopted, rekey/expiry",
	    test_shorter_sent_and_adopted);
	CU_add_test(s, "no RESPONDER-LIFETIME when the offer is not longer",
	    test_no_notify_when_not_shorter);
	CU_add_test(s, "malformed phase 1 RESPONDER-LIFETIME refused", test_malformed_refused);
}
