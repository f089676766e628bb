/*
 * test_msgcrypt.c - message crypto (msgcrypt.c) against independent
 * computations with OpenSSL's one-shot calls: CBC encryption with padding
 * and the IV chain, decryption and its refusals, the phase 2 IV
 * hash(last phase 1 block | M-ID) and HASH(1..3) = prf(SKEYID_a, [0 |] M-ID
 * | ...) of RFC 2409 5.5 and Appendix B, and retransmission matching.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_msgcrypt_register(void);

static struct ike_sa sa;   /* large: not on the stack */

static void
setup(struct h_side *s)
{
	size_t i;

	CU_ASSERT_EQUAL_FATAL(h_side_init(s, NULL, NULL, 1200), 0);
	memset(&sa, 0, sizeof(sa));
	sa.alg.p = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP1024, 0 };
	CU_ASSERT_EQUAL_FATAL(iki_ikc_alg_setup(s->ctx, &sa.alg), 0);
	CU_ASSERT_EQUAL(sa.alg.blk, 16);
	CU_ASSERT_EQUAL(sa.alg.hlen, 20);
	for (i = 0; i < 16; i++) {
		sa.enckey[i] = (uint8_t)(0xa0 + i);
		sa.iv[i] = (uint8_t)i;
	}
	for (i = 0; i < 20; i++)
		sa.skeyid_a[i] = (uint8_t)(0x30 + i);
}

static void
test_encrypt_decrypt(void)
{
	struct h_side s;
	struct isakmp_stats st;
	uint8_t buf[256], plain[256], iv[16], next_iv[16], ref[256];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	int outl = 0, l2 = 0;
	size_t i;
	EVP_CIPHER_CTX *c;

	setup(&s);
	memset(buf, 0, sizeof(buf));
	w.len = HDR_LEN;
	for (i = 0; i < 21; i++)          /* 21 body bytes: 11 bytes of padding */
		buf[HDR_LEN + i] = (uint8_t)(i + 1);
	w.len += 21;
	memcpy(iv, sa.iv, 16);
	CU_ASSERT_EQUAL(iki_encrypt_msg(&sa, &w, iv), 0);
	CU_ASSERT_EQUAL(w.len, HDR_LEN + 32);
	CU_ASSERT_EQUAL(buf[19] & FL_E, FL_E);
	CU_ASSERT_EQUAL(rd32(buf + 24), HDR_LEN + 32);
	TS_ASSERT_BYTES("IV = last ciphertext block", iv, 16, buf + w.len - 16, 16);
	/* The same with OpenSSL directly: AES-128-CBC, no padding, zero-filled. */
	memset(ref, 0, sizeof(ref));
	for (i = 0; i < 21; i++)
		ref[i] = (uint8_t)(i + 1);
	c = EVP_CIPHER_CTX_new();
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, sa.enckey, sa.iv), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	CU_ASSERT_EQUAL(EVP_EncryptUpdate(c, ref + 64, &outl, ref, 32), 1);
	CU_ASSERT_EQUAL(EVP_EncryptFinal_ex(c, ref + 64 + outl, &l2), 1);
	EVP_CIPHER_CTX_free(c);
	TS_ASSERT_BYTES("ciphertext", buf + HDR_LEN, 32, ref + 64, 32);
	/* Decryption gives the body back, padding included, and the next IV. */
	CU_ASSERT_EQUAL(iki_decrypt_msg(s.ctx, &sa, buf, w.len, sa.iv, plain, next_iv), 0);
	TS_ASSERT_BYTES("plaintext", plain, 32, ref, 32);
	TS_ASSERT_BYTES("next IV", next_iv, 16, buf + w.len - 16, 16);
	/* Not a block multiple, or empty: refused with a counter and a log line. */
	CU_ASSERT_EQUAL(iki_decrypt_msg(s.ctx, &sa, buf, w.len - 1, sa.iv, plain, next_iv),
	    ISAKMP_E_DECRYPT);
	CU_ASSERT_TRUE(ts_log_last_contains(&s.log, "not a multiple"));
	CU_ASSERT_EQUAL(iki_decrypt_msg(s.ctx, &sa, buf, HDR_LEN, sa.iv, plain, next_iv),
	    ISAKMP_E_DECRYPT);
	isakmp_get_stats(s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_decrypt_failed, 2);
	/* No room for the padding: refused, the writer marked. */
	w.p = buf;
	w.len = HDR_LEN + 1;
	w.cap = HDR_LEN + 8;
	w.err = false;
	CU_ASSERT_EQUAL(iki_encrypt_msg(&sa, &w, iv), ISAKMP_E_BUFFER);
	CU_ASSERT_TRUE(w.err);
	isakmp_ctx_free(s.ctx);
}

static void
test_p2_iv_and_hash(void)
{
	static const uint8_t mid[4] = { 0x12, 0x34, 0x56, 0x78 };
	struct h_side s;
	uint8_t iv[16], ref[64], in[64], h[20], ref_h[20];
	unsigned int rl = 0;
	size_t i;

	setup(&s);
	/* Phase 2 IV: the first block of SHA1(last phase 1 block | M-ID). */
	CU_ASSERT_EQUAL(iki_p2_iv(&sa, 0x12345678u, iv), 0);
	memcpy(in, sa.iv, 16);
	memcpy(in + 16, mid, 4);
	CU_ASSERT_EQUAL(EVP_Digest(in, 20, ref, &rl, EVP_sha1(), NULL), 1);
	TS_ASSERT_BYTES("phase 2 IV", iv, 16, ref, 16);
	/* HASH(1) = prf(SKEYID_a, M-ID | payloads). */
	for (i = 0; i < 10; i++)
		in[i] = (uint8_t)(0xc0 + i);
	CU_ASSERT_EQUAL(iki_qm_hash(s.ctx, &sa, false, 0x12345678u, in, 10, NULL, 0, h), 0);
	memcpy(ref, mid, 4);
	memcpy(ref + 4, in, 10);
	CU_ASSERT_PTR_NOT_NULL(HMAC(EVP_sha1(), sa.skeyid_a, 20, ref, 14, ref_h, &rl));
	TS_ASSERT_BYTES("HASH(1)", h, 20, ref_h, 20);
	/* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
	CU_ASSERT_EQUAL(iki_qm_hash(s.ctx, &sa, true, 0x12345678u, in, 4, in + 4, 6, h), 0);
	ref[0] = 0;
	memcpy(ref + 1, mid, 4);
	memcpy(ref + 5, in, 10);
	CU_ASSERT_PTR_NOT_NULL(HMAC(EVP_sha1(), sa.skeyid_a, 20, ref, 15, ref_h, &rl));
	TS_ASSERT_BYTES("HASH(3)", h, 20, ref_h, 20);
	isakmp_ctx_free(s.ctx);
}

static void
test_same_as(void)
{
	static const uint8_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 };

	CU_ASSERT_TRUE(iki_same_as(a, 3, a, 3));
	CU_ASSERT_FALSE(iki_same_as(a, 3, b, 3));
	CU_ASSERT_FALSE(iki_same_as(a, 3, a, 2));
	CU_ASSERT_FALSE(iki_same_as(NULL, 0, a, 0));
}

void
test_msgcrypt_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_msgcrypt", NULL, NULL);

	CU_add_test(s, "CBC encryption, padding, IV chain, decryption refusals",
	    test_encrypt_decrypt);
	CU_add_test(s, "phase 2 IV and HASH(1)/HASH(3)", test_p2_iv_and_hash);
	CU_add_test(s, "retransmission matching", test_same_as);
}
