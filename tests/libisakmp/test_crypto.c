/*
 * test_crypto.c - published vectors for the RFC 2409 key schedule.
 *
 * HASH_R vectors: /work/shared/vectors/data/ikev1_psk_hash_r.json, from
 * royhills/ike-scan@c74c01f check-psk-crack-2 (psk-crack test data) and the
 * Odzhan IKE-hash test program (Firewall-1 NG AI R54).
 * Key expansion / phase 1 IV: the strongSwan session in zeek-spicy-ipsec's
 * ipsec.cap, keys published at ask.wireshark.org question 12019
 * (vectors/data/ikev1_strongswan_ipsec_cap.json, ipsec_cap_ke_payloads.json).
 * NAT-D: vectors/data/rfc3947_natd_from_capture.json (hashes observed in
 * ipsec.cap frame 5).
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include <roadgate/isakmp.h>
#include "isakmp_int.h"
#include "testsupport.h"

void test_crypto_register(void);

struct hashr_vec {
	int md;
	const char *g_xr, *g_xi, *cky_r, *cky_i, *sai_b, *idir_b, *ni_b, *nr_b, *hash_r, *psk;
};

static const struct hashr_vec hashr[] = {
	{ 1,
	    "5c7916ddf8db4d233b3b36005bb3ccc115a73807e11a897be943fd4a2d0f9426"
	    "24cb00588d8b3a0a26502b73e639df217ef6c4cb90f96b0a3c3ef2f62ed025b4"
	    "a705df9de65e33e380c1ba5fa23bf1f9911bbf388d0844256fa0131fc5cf8acb"
	    "396936ba3295b4637b039d93f58db90a3a1cf1ef5051103bacf6e1a3334f9f89",
	    "fde8c68c5f324c7dbcbadde1d757af6962c63496c009f77cad647f2997fd4295"
	    "e50821453a6dc2f6279fd7fef68768584d9cee0da6e68a534a097ce206bf77ec"
	    "c798310206f3f82d92d02c885794e0a430ceb2d6b43c2aff45a6e14c6558382d"
	    "f0692ff65c2724eef750764ee456f31424a5ebd9e115d826bbb9722111aa4e01",
	    "b2a3c7aa4be95e85",
	    "756e3fa11c1b102c",
	    "00000001000000010000002c0101000100000024010100008001000180020001"
	    "8003000180040002800b0001000c000400007080",
	    "01000000ac100202",
	    "251d7ace920b17cb34f9d561bca46d037b337d19",
	    "e045819a64edbf022620bff3efdb935216584cc4",
	    "b9c594fa3fca6bb30a85c4208a8df348",
	    "abc123" },
	{ 2,
	    "9bdee7aa341cf1a6c19bc0191106b5056537ce6b837cd70678ea5a3ccb606b56"
	    "dee4548feb67f24fd6f4d5f58967a9ff3c674d9d79e4195b7def5aac147c9fe9"
	    "abdc2f8ba2eca58f4c863fedc7a8c8e1ad6e1551b1e44bf9a0e258561a5db1c2"
	    "ca1e8b5dfda1b012012b6fdf24ecd07da6b10d76ab3b58d07b30b4f9da26aee4",
	    "c9b7ef0610a22b3e1c88b1a01ce4d4110edf6baa122ed1285eb2184cd75d30a1"
	    "1520a725c2d263de5a157f77f953880732f3b14521836d7f3585cb0ce3fcadf8"
	    "1c541dde2680bd81953cf88e8f8096c173470694ca7414fff9df0cdcdbb9d4f7"
	    "0ef1d6347293b507cfad965e2d2c1fa07326353e9a493d93284970040344fb11",
	    "3506592130312567",
	    "6c362583ce7a2a26",
	    "00000001000000010000002c0101000100000024010100008001000180020002"
	    "8003000180040002800b0001000c000400007080",
	    "01000000ac100202",
	    "84943233f42a0b5a9b33c327162fe0efee2545e4",
	    "76f451dce3fea6402b67f3fddae561ebdb4a6efe",
	    "f63f237b3c0f1fe57a5b852203cfd27cbf0c78d4",
	    "abc123" },
	{ 1,
	    "9c1e0e07828af45086a4eb559ad8dafb7d655bab38656609426653565ef7e332"
	    "bed7212cf24a05048032240256a169a68ee304ca500abe073d150bc502393504"
	    "46ab568132aebcf34acd25ce23b30d0de9f8e7a89c22ce0dec2dabf0409bc25f"
	    "0988d5d956916dce220c630d2a1fda846667fdecb20b2dc2d5c5b8273a07095c",
	    "6f8c74c15bb4dd09b7af8d1c23e7b381a38dddcd4c5afb3b1335ff766f0267df"
	    "8fdca0ea907ef4482d8164506817d10ba4aed8f108d32c1b082b91772df956bc"
	    "d5f7a765759bada21c11f28429c48fcd7267be7b3aea96421528b9432110fff6"
	    "07a65b7c41091e5d1a10e143d4701147d7cfc211ba5853cf800d12a11d129724",
	    "6d08132c8abb6931",
	    "eac82ea45cbe59e6",
	    "00000001000000010000002c0101000100000024010100008001000180020001"
	    "8003000180040002800b0001000c000400007080",
	    "01000000ac100202",
	    "64745a975dbcd95c2abf7d2eeeb93ac4633a03f1",
	    "502c0b3872518fa1e7ff8f5a28a3d797f65e2cb1",
	    "f995ec2968f695aeb1d4e4b437f49d26",
	    "abc123" },
};

static struct isakmp_ctx *
new_ctx(void)
{
	static struct ts_rng rng;
	struct isakmp_config cfg;
	struct isakmp_hooks h;
	struct isakmp_ctx *ctx = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	memset(&h, 0, sizeof(h));
	ts_rng_init(&rng, 7);
	h.user = &rng;
	h.rng = ts_rng_cb;
	CU_ASSERT_EQUAL(isakmp_ctx_new(&ctx, &cfg, &h), 0);
	return ctx;
}

#define HEX(buf, str) ts_hex2bin((buf), sizeof(buf), (str))

/* SKEYID = prf(PSK, Ni_b | Nr_b); HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
static void
test_hash_r(void)
{
	struct isakmp_ctx *ctx = new_ctx();
	uint8_t gxr[256], gxi[256], ckr[8], cki[8], sai[256], idr[64], ni[64], nr[64], want[64];
	uint8_t skeyid[MAX_HASH], got[MAX_HASH];
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	for (i = 0; i < sizeof(hashr) / sizeof(hashr[0]); i++) {
		const struct hashr_vec *v = &hashr[i];
		const EVP_MD *md = ctx->md[v->md];
		size_t lxr = HEX(gxr, v->g_xr), lxi = HEX(gxi, v->g_xi), lsa = HEX(sai, v->sai_b);
		size_t lid = HEX(idr, v->idir_b), lni = HEX(ni, v->ni_b), lnr = HEX(nr, v->nr_b);
		size_t lw = HEX(want, v->hash_r);
		const uint8_t *p1[2] = { ni, nr };
		size_t l1[2] = { lni, lnr };
		const uint8_t *p2[6] = { gxr, gxi, ckr, cki, sai, idr };
		size_t l2[6] = { lxr, lxi, 8, 8, lsa, lid };

		HEX(ckr, v->cky_r);
		HEX(cki, v->cky_i);
		CU_ASSERT_EQUAL_FATAL(iki_ikc_prf(ctx, md, (const uint8_t *)v->psk, strlen(v->psk), p1, l1,
		    2, skeyid), 0);
		CU_ASSERT_EQUAL_FATAL(iki_ikc_prf(ctx, md, skeyid, (size_t)EVP_MD_get_size(md), p2, l2, 6,
		    got), 0);
		TS_ASSERT_BYTES("HASH_R", got, (size_t)EVP_MD_get_size(md), want, lw);
	}
	isakmp_ctx_free(ctx);
}

/* strongSwan ipsec.cap: 3DES key from SKEYID_e (App. B) and IV = SHA1(g^xi | g^xr). */
static void
test_strongswan_cap(void)
{
	struct isakmp_ctx *ctx = new_ctx();
	uint8_t ske[20], want[24], key[24], gxi[128], gxr[128], ivw[20], iv[MAX_HASH];
	const uint8_t *parts[2] = { gxi, gxr };
	size_t lens[2] = { 128, 128 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	HEX(ske, "b01681215f16202303186d2814dc5686ca5a4733");
	HEX(want, "449e829ea966d421fbcb86bd7ad92e865abab15baa5c672a");
	CU_ASSERT_EQUAL(iki_ikc_expand_key(ctx, ctx->md[2], ske, 20, 24, key), 0);
	TS_ASSERT_BYTES("3DES key", key, 24, want, 24);
	HEX(gxi, "a812a5fbfcbae82c7df0deaec2120fe8a9b7e82fc1ce7ad16e38e0687d3eb04f"
	    "4c9ab88fe3d3baed7da3cbf3ddec86cf95b0dde87ee086ab236e06d17c459fef"
	    "8e2fc94d804be9af45e744c207ef987512d68dd2edf1ca57e91c98dc2688f77a"
	    "57900aed18f368cbfb8d4b46bea5e48a53cb88cd515a17dd1d032d1c79540f86");
	HEX(gxr, "0a6393c0c2b7af9277e6c36e4111ea88b87dad6b5009b909a0aa66101d7b3d70"
	    "9182934b0f0bca9f77c9caaff33f006dc48ddd918cbc31e27a64492f0aeba732"
	    "2d54e1359509de1b44ee048400c7bd0f66d222acc1a1a4f5d1cbb79cfa44360a"
	    "5666e90603121db66f283ce167628eb1e9f5a9651b798f6aa380be2412e2c0d4");
	HEX(ivw, "dcf85e03f276abb989e6aeff46a95816f4968625");
	CU_ASSERT_EQUAL(iki_ikc_hash(ctx->md[2], parts, lens, 2, iv), 0);
	TS_ASSERT_BYTES("phase 1 IV", iv, 20, ivw, 20);
	isakmp_ctx_free(ctx);
}

/* NAT-D = SHA1(CKY-I | CKY-R | IP | port), ipsec.cap frame 5. */
static void
test_natd(void)
{
	struct isakmp_ctx *ctx = new_ctx();
	struct ike_sa sa;
	struct isakmp_addr dst = { 0xc0a88cc8u, 500 }, src = { 0xc0a88ccdu, 500 };
	uint8_t want[20], got[MAX_HASH];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	memset(&sa, 0, sizeof(sa));
	HEX(sa.icookie, "c6d1459285150c7e");
	HEX(sa.rcookie, "6e961f01bf179b35");
	sa.alg.md = ctx->md[2];
	sa.alg.hlen = 20;
	CU_ASSERT_EQUAL(iki_natd_hash(ctx, &sa, &dst, got), 0);
	HEX(want, "7048b170a54fa1c16582dce008d059de9295d7d3");
	TS_ASSERT_BYTES("NAT-D remote", got, 20, want, 20);
	CU_ASSERT_EQUAL(iki_natd_hash(ctx, &sa, &src, got), 0);
	HEX(want, "c9e46dddfcc29d4ef72ba4da66d4720687e469e5");
	TS_ASSERT_BYTES("NAT-D local", got, 20, want, 20);
	isakmp_ctx_free(ctx);
}

/* ECP (RFC 5903): points not on the curve are refused by the shared-secret step. */
static void
test_ecp_invalid_points(void)
{
	struct isakmp_ctx *ctx = new_ctx();
	struct dh a, b;
	uint8_t v[MAX_KE], out[MAX_KE];
	size_t olen = 0;
	int g;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	for (g = 19; g <= 20; g++) {
		size_t n = iki_ikc_ke_len(g);

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		CU_ASSERT_EQUAL_FATAL(iki_ikc_dh_new(ctx, &a, g), 0);
		CU_ASSERT_EQUAL_FATAL(iki_ikc_dh_new(ctx, &b, g), 0);
		memset(v, 0, sizeof(v));
		CU_ASSERT_NOT_EQUAL(iki_ikc_dh_shared(ctx, &a, v, n, out, &olen), 0);  /* (0,0) */
		v[n / 2 - 1] = 1;
		v[n - 1] = 1;
		CU_ASSERT_NOT_EQUAL(iki_ikc_dh_shared(ctx, &a, v, n, out, &olen), 0);  /* (1,1) */
		memcpy(v, b.pub, n);
		v[n - 1] ^= 1;                                  /* y off by one: off the curve */
		CU_ASSERT_NOT_EQUAL(iki_ikc_dh_shared(ctx, &a, v, n, out, &olen), 0);
		CU_ASSERT_NOT_EQUAL(iki_ikc_dh_shared(ctx, &a, b.pub, n - 1, out, &olen), 0);
		CU_ASSERT_EQUAL(iki_ikc_dh_shared(ctx, &a, b.pub, n, out, &olen), 0);  /* valid */
		CU_ASSERT_EQUAL(olen, n / 2);
		iki_ikc_dh_free(&a);
		iki_ikc_dh_free(&b);
	}
	isakmp_ctx_free(ctx);
}

void
test_crypto_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_crypto", NULL, NULL);

	CU_add_test(s, "HASH_R (ike-scan psk-crack, Firewall-1)", test_hash_r);
	CU_add_test(s, "3DES key expansion and phase 1 IV (strongSwan ipsec.cap)",
	    test_strongswan_cap);
	CU_add_test(s, "NAT-D hashes (ipsec.cap frame 5)", test_natd);
	CU_add_test(s, "ECP points not on the curve refused", test_ecp_invalid_points);
}
