/*
 * test_proposal.c - SA payloads (proposal.c): validation of the proposal and
 * transform chain, iteration, transform attributes, matching against policy
 * and the ESP key sizes in libesp's units.  Hand-built bodies, one comment
 * per field.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_proposal_register(void);

/*
 * SA body: DOI 1, situation 1; proposal #1 (ISAKMP, 2 transforms: AES-256
 * SHA1 PSK MODP2048 life 28800 and 3DES MD5 PSK MODP1024), proposal #2 (1
 * transform: AES-128 SHA256 PSK ECP256).
 */
static const uint8_t sa_p1[] = {
	0, 0, 0, 1, 0, 0, 0, 1,                       /* DOI IPsec, identity only */
	/* proposal 1: next P, length 8 + 36 + 28 = 72 */
	PL_P, 0, 0, 72, 1, 1, 0, 2,                   /* #1, PROTO_ISAKMP, SPI 0, 2 transforms */
	PL_T, 0, 0, 36, 1, 1, 0, 0,                   /* transform #1, KEY_IKE */
	0x80, 1, 0, 7, 0x80, 14, 1, 0,                /* enc AES, key length 256 */
	0x80, 2, 0, 2, 0x80, 3, 0, 1,                 /* hash SHA1, auth PSK */
	0x80, 4, 0, 14, 0x80, 11, 0, 1,               /* group 14, life type seconds */
	0x80, 12, 0x70, 0x80,                         /* life 28800 */
	PL_NONE, 0, 0, 28, 2, 1, 0, 0,                /* transform #2, KEY_IKE */
	0x80, 1, 0, 5, 0x80, 2, 0, 1,                 /* enc 3DES, hash MD5 */
	0x80, 3, 0, 1, 0x80, 4, 0, 2,                 /* auth PSK, group 2 */
	0x80, 11, 0, 1,                               /* life type (no duration) */
	/* proposal 2: last, length 8 + 36 = 44 */
	PL_NONE, 0, 0, 44, 2, 1, 0, 1,
	PL_NONE, 0, 0, 36, 1, 1, 0, 0,
	0x80, 1, 0, 7, 0x80, 14, 0, 128,              /* AES-128 */
	0x80, 2, 0, 4, 0x80, 3, 0, 1,                 /* SHA2-256, PSK */
	0x80, 4, 0, 19, 0x80, 11, 0, 1,               /* ECP256, seconds */
	0x80, 12, 0x0e, 0x10,                         /* 3600 */
};

static struct isakmp_ctx *
mkctx(struct h_side *s, uint64_t seed)
{
	CU_ASSERT_EQUAL_FATAL(h_side_init(s, NULL, NULL, seed), 0);
	return s->ctx;
}

static void
test_validate_and_iterate(void)
{
	struct h_side s;
	struct isakmp_ctx *ctx = mkctx(&s, 1000);
	struct isakmp_p1_proposal got[3];
	uint16_t auth;
	struct sa_iter it;
	uint8_t b[sizeof(sa_p1) + 4];
	size_t n = 0, i;

	CU_ASSERT_EQUAL(iki_sa_validate(ctx, sa_p1, sizeof(sa_p1), 1), 0);
	memset(&it, 0, sizeof(it));
	while (iki_sa_next(sa_p1, sizeof(sa_p1), &it) && n < 3) {
		CU_ASSERT_EQUAL(iki_p1_transform(ctx, it.tr, it.trlen, &got[n], &auth), 0);
		CU_ASSERT_EQUAL(auth, 1);
		n++;
	}
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(got[0].enc, ISAKMP_ENC_AES);
	CU_ASSERT_EQUAL(got[0].key_bits, 256);
	CU_ASSERT_EQUAL(got[0].group, 14);
	CU_ASSERT_EQUAL(got[0].life_s, 28800);
	CU_ASSERT_EQUAL(got[1].enc, ISAKMP_ENC_3DES);
	CU_ASSERT_EQUAL(got[1].hash, ISAKMP_HASH_MD5);
	CU_ASSERT_EQUAL(got[1].life_s, 0);
	CU_ASSERT_EQUAL(got[2].group, ISAKMP_GROUP_ECP256);
	CU_ASSERT_EQUAL(got[2].life_s, 3600);
	/* The wrong protocol (ESP wanted), DOI and situation. */
	CU_ASSERT_EQUAL(iki_sa_validate(ctx, sa_p1, sizeof(sa_p1), 3), ISAKMP_E_NO_PROPOSAL);
	memcpy(b, sa_p1, sizeof(sa_p1));
	b[3] = 2;
	CU_ASSERT_EQUAL(iki_sa_validate(ctx, b, sizeof(sa_p1), 1), ISAKMP_E_PAYLOAD);
	memcpy(b, sa_p1, sizeof(sa_p1));
	b[7] = 2;
	CU_ASSERT_EQUAL(iki_sa_validate(ctx, b, sizeof(sa_p1), 1), ISAKMP_E_PAYLOAD);
	/* Trailing bytes after the last proposal. */
	memcpy(b, sa_p1, sizeof(sa_p1));
	memset(b + sizeof(sa_p1), 0, 4);
	CU_ASSERT_EQUAL(iki_sa_validate(ctx, b, sizeof(sa_p1) + 4, 1), ISAKMP_E_BAD_LENGTH);
	/* A proposal announcing 3 transforms with 2 present. */
	memcpy(b, sa_p1, sizeof(sa_p1));
	b[15] = 3;
	CU_ASSERT(iki_sa_validate(ctx, b, sizeof(sa_p1), 1) < 0);
	/* Every truncation: a specific error, never a read past the end. */
	for (i = 0; i < sizeof(sa_p1); i++) {
		int rc = iki_sa_validate(ctx, sa_p1, i, 1);

		CU_ASSERT(rc == ISAKMP_E_PAYLOAD || rc == ISAKMP_E_TRUNCATED ||
		    rc == ISAKMP_E_BAD_LENGTH);
	}
	/* A bad attribute inside a transform. */
	memcpy(b, sa_p1, sizeof(sa_p1));
	b[24] = 0x00;   /* enc attribute becomes a TLV of length 7 */
	memset(&it, 0, sizeof(it));
	CU_ASSERT_TRUE(iki_sa_next(b, sizeof(sa_p1), &it));
	CU_ASSERT_EQUAL(iki_p1_transform(ctx, it.tr, it.trlen, &got[0], &auth), ISAKMP_E_ATTR);
	isakmp_ctx_free(ctx);
}

static void
test_matching(void)
{
	struct h_side s;
	struct isakmp_ctx *ctx = mkctx(&s, 1001);
	struct isakmp_policy p;
	struct isakmp_p1_proposal want = { ISAKMP_ENC_AES, 0, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP2048, 0 }, got = want;
	struct isakmp_p2_proposal w2 = { ISAKMP_ESP_AES_CBC, 0, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	struct p2got g;

	h_policy_default(&p);
	/* AES without a key length means 128 on both sides. */
	CU_ASSERT_TRUE(iki_p1_match(ctx, &p, &want, &got));
	got.key_bits = 128;
	CU_ASSERT_TRUE(iki_p1_match(ctx, &p, &want, &got));
	got.key_bits = 256;
	CU_ASSERT_FALSE(iki_p1_match(ctx, &p, &want, &got));
	got = want;
	got.group = ISAKMP_GROUP_MODP1024;
	CU_ASSERT_FALSE(iki_p1_match(ctx, &p, &want, &got));
	/* Single DES only with allow_des (and the legacy provider loaded). */
	want.enc = got.enc = ISAKMP_ENC_DES;
	got.group = want.group;
	CU_ASSERT_FALSE(iki_p1_match(ctx, &p, &want, &got));
	p.allow_des = true;
	CU_ASSERT_EQUAL(iki_ikc_load_legacy(ctx), 0);
	CU_ASSERT_TRUE(iki_p1_match(ctx, &p, &want, &got));
	/* Phase 2: algorithm, integrity, key length and the PFS group must agree. */
	memset(&g, 0, sizeof(g));
	g.p = w2;
	CU_ASSERT_TRUE(iki_p2_match(&p, &w2, &g));
	g.p.key_bits = 256;
	CU_ASSERT_FALSE(iki_p2_match(&p, &w2, &g));
	g.p.key_bits = 0;
	g.group = ISAKMP_GROUP_MODP1024;
	CU_ASSERT_FALSE(iki_p2_match(&p, &w2, &g));
	p.pfs_group = ISAKMP_GROUP_MODP1024;
	CU_ASSERT_TRUE(iki_p2_match(&p, &w2, &g));
	g.p.integ = ISAKMP_INTEG_HMAC_MD5_96;
	CU_ASSERT_FALSE(iki_p2_match(&p, &w2, &g));
	isakmp_ctx_free(ctx);
}

/* KEYMAT sizes in libesp's units: encryption key (+4-byte GCM salt), integrity key. */
static void
test_key_sizes(void)
{
	struct isakmp_p2_proposal p;

	memset(&p, 0, sizeof(p));
	p.enc = ISAKMP_ESP_DES;
	CU_ASSERT_EQUAL(iki_esp_enc_keylen(&p), 8);
	p.enc = ISAKMP_ESP_3DES;
	CU_ASSERT_EQUAL(iki_esp_enc_keylen(&p), 24);
	p.enc = ISAKMP_ESP_AES_CBC;
	CU_ASSERT_EQUAL(iki_esp_enc_keylen(&p), 16);
	p.key_bits = 256;
	CU_ASSERT_EQUAL(iki_esp_enc_keylen(&p), 32);
	p.enc = ISAKMP_ESP_AES_GCM_16;
	CU_ASSERT_EQUAL(iki_esp_enc_keylen(&p), 36);
	p.enc = ISAKMP_ESP_NULL;
	CU_ASSERT_EQUAL(iki_esp_enc_keylen(&p), 0);
	CU_ASSERT_EQUAL(iki_esp_integ_keylen(ISAKMP_INTEG_HMAC_MD5_96), 16);
	CU_ASSERT_EQUAL(iki_esp_integ_keylen(ISAKMP_INTEG_HMAC_SHA1_96), 20);
	CU_ASSERT_EQUAL(iki_esp_integ_keylen(ISAKMP_INTEG_HMAC_SHA256_128), 32);
	CU_ASSERT_EQUAL(iki_esp_integ_keylen(ISAKMP_INTEG_NONE), 0);
	CU_ASSERT_TRUE(iki_encap_udp(ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT));
	CU_ASSERT_FALSE(iki_encap_udp(ISAKMP_ENCAP_TRANSPORT));
	CU_ASSERT_TRUE(iki_encap_tunnel(ISAKMP_ENCAP_UDP_TUNNEL));
	CU_ASSERT_FALSE(iki_encap_tunnel(ISAKMP_ENCAP_UDP_TRANSPORT));
}

/* Tunnel mode, GCM with its salt, NULL encryption and sha256_96 end to end. */
static void
test_sa_vocabulary(void)
{
	static const struct {
		struct isakmp_p2_proposal p;
		bool tunnel, sha256_96;
		enum isakmp_integ want;
	} cases[] = {
		{ { ISAKMP_ESP_AES_CBC, 256, ISAKMP_INTEG_HMAC_SHA256_128, 0, 0 }, true, true,
		    ISAKMP_INTEG_HMAC_SHA256_96 },
		{ { ISAKMP_ESP_AES_GCM_16, 256, ISAKMP_INTEG_NONE, 0, 0 }, false, false,
		    ISAKMP_INTEG_NONE },
		{ { ISAKMP_ESP_NULL, 0, ISAKMP_INTEG_HMAC_SHA1_96, 0, 1000 }, false, false,
		    ISAKMP_INTEG_HMAC_SHA1_96 },
	};
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ec, es;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_policy_default(&p);
		p.p1[0].group = ISAKMP_GROUP_MODP768;
		p.p2[0] = cases[i].p;
		p.n_p2 = 1;
		p.mode = cases[i].tunnel ? ISAKMP_MODE_TUNNEL : ISAKMP_MODE_TRANSPORT;
		p.sha256_96 = cases[i].sha256_96;
		CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 1002 + i), 0);
		CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
		h_pump(&h);
		CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &ec));
		CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &es));
		CU_ASSERT_EQUAL(es.sa.mode, cases[i].tunnel ? ISAKMP_MODE_TUNNEL :
		    ISAKMP_MODE_TRANSPORT);
		CU_ASSERT_EQUAL(es.sa.encap, cases[i].tunnel ? ISAKMP_ENCAP_TUNNEL :
		    ISAKMP_ENCAP_TRANSPORT);
		CU_ASSERT_EQUAL(es.sa.integ_alg, cases[i].want);
		CU_ASSERT_EQUAL(es.sa.enc_alg, cases[i].p.enc);
		CU_ASSERT_EQUAL(es.sa.enc_key_len, cases[i].p.enc == ISAKMP_ESP_NULL ? 0u : 32u);
		CU_ASSERT_EQUAL(es.sa.integ_key_len, iki_esp_integ_keylen(cases[i].p.integ));
		TS_ASSERT_BYTES("salt", ec.sa.salt_out, 4, es.sa.salt_in, 4);
		TS_ASSERT_BYTES("integ", ec.sa.integ_key_out, ec.sa.integ_key_len,
		    es.sa.integ_key_in, es.sa.integ_key_len);
		/* Byte lifetimes are libesp's: hard = life_kb * 1024, soft before it. */
		CU_ASSERT_EQUAL(es.sa.hard_bytes, (uint64_t)cases[i].p.life_kb * 1024);
		CU_ASSERT_EQUAL(es.sa.soft_bytes, (uint64_t)cases[i].p.life_kb * 1024 / 100 * 97);
		CU_ASSERT_EQUAL(ec.sa.soft_bytes, (uint64_t)cases[i].p.life_kb * 1024 / 10 * 9);
		isakmp_event_wipe(&ec);
		isakmp_event_wipe(&es);
		h_fini(&h);
	}
}

void
test_proposal_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_proposal", NULL, NULL);

	CU_add_test(s, "SA payload validation and iteration", test_validate_and_iterate);
	CU_add_test(s, "matching against policy", test_matching);
	CU_add_test(s, "ESP key sizes and encapsulation values", test_key_sizes);
	CU_add_test(s, "IPsec SA vocabulary end to end", test_sa_vocabulary);
}
