/*
 * test_vectors.c - published vectors byte for byte (crypto.c, esp.c):
 * RFC 2202/4231 HMAC as truncated for ESP, RFC 3602 §4 AES-CBC and ESP
 * packets, RFC 4106 (draft-mcgrew-gcm-test-01) AES-GCM ESP packets, RFC 7634
 * Appendix A ChaCha20-Poly1305 ESP, and packets written by other
 * implementations (scapy 2.5, a strongSwan 4.4 capture) decrypted by libesp.
 */
#include <stdlib.h>

#include "esp_test.h"

void test_vectors_register(void);

struct gcm_vec {
	int n;
	const char *key, *salt, *iv, *aad, *pt, *wire;
};
struct cbc_vec {
	int n;
	const char *key, *iv, *pt, *ct;
};
struct cbc_esp_vec {
	int n;
	enum esp_mode mode;
	const char *key;
	uint32_t spi;
	uint32_t seq;
	const char *iv;
	uint8_t nh;
	const char *payload, *esp;
};
struct hmac_vec {
	const char *name;
	enum esp_integ_alg alg;
	const char *key, *data, *icv;
};

/*
 * RFC 4106 AES-GCM ESP packets: draft-mcgrew-gcm-test-01 §4 (the RFC 4106
 * test-vector companion), cases 1-14, transcribed from
 * /work/shared/vectors/data/rfc4106_gcm_esp.json.  aad of 12 bytes = ESN.
 */
static const struct gcm_vec gcm_vecs[] = {
	{ 1, "4c80cdefbb5d10da906ac73c3613a634", "2e443b68", "4956ed7e3b244cfe", "000043218765432100000000",
	    "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f756470037369700963796265726369747902646b000021000101020201",
	    "00004321000000004956ed7e3b244cfefecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe722fd04796562dfdb4" },
	{ 2, "feffe9928665731c6d6a8f9467308308", "cafebabe", "facedbaddecaf888", "0000a5f80000000a",
	    "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d001000001000000000000037369700963796265726369747902646b00000100010001",
	    "0000a5f80000000afacedbaddecaf888deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd183b70d3aa8bc6ee4c309e9d85a41ad4a" },
	{ 3, "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "11223344", "0102030405060708", "4a2cbfe300000002",
	    "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201",
	    "4a2cbfe3000000020102030405060708ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c4915956c96" },
	{ 4, "00000000000000000000000000000000", "00000000", "0000000000000000", "0000000000000001",
	    "4500003c99c500008001cb7a40679318010101010800075c020044006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	    "000000000000000100000000000000004688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3f821d496eeb096e98ad2b69e4799c71d" },
	{ 5, "3de09874b388e6491988d0c3607eae1f", "57690e43", "4e280000a2fca1a3", "42f67e3f1010101010101010",
	    "4500003c99c300008001cb7c40679318010101010800085c020043006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	    "42f67e3f101010104e280000a2fca1a3fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320ae0d731cc978ecafaeae88f00e80d6e48" },
	{ 6, "3de09874b388e6491988d0c3607eae1f", "57690e43", "4e280000a2fca1a3", "42f67e3f1010101010101010",
	    "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
	    "42f67e3f101010104e280000a2fca1a3fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed369f071f35e034be95f112e4e7d05d35" },
	{ 7, "feffe9928665731c6d6a8f9467308308feffe9928665731c", "cafebabe", "facedbaddecaf888", "0000a5f80000000a",
	    "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e501016d075680001",
	    "0000a5f80000000afacedbaddecaf888a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0315b27452144cc7795457b9652037f5318027b5b4cd7a636" },
	{ 8, "abbccddef00112233445566778899aab", "decaf888", "cafedebaceface74", "000001000000000000000001",
	    "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d500004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec959b6266c04722b14923010101",
	    "0000010000000001cafedebaceface7418a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c226f2127b27db35724e7845d68651f57e65f354f75ff17015769623436" },
	{ 9, "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74", "616e640169766563", "17405e67156f3126dd0db99b",
	    "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb71260250101f646d540001",
	    "17405e67dd0db99b616e640169766563f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e451626c2415771e3b7eebca614c89b35" },
	{ 10, "3de09874b388e6491988d0c3607eae1f", "57690e43", "4e280000a2fca1a3", "42f67e3f1010101010101010",
	    "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b325ae270c03899493915010101",
	    "42f67e3f101010104e280000a2fca1a3fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d54182800cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39ab533163aad4550ee5160975cdb608c5769189609763b8e18caa81e2" },
	{ 11, "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74", "616e640169766563", "17405e67156f3126dd0db99b",
	    "636973636f0172756c657301746865016e6574776501646566696e6501746865746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f72726f7701020201",
	    "17405e67dd0db99b616e640169766563d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b012a49363412364f8c0cac587f249e56b11e24f30e44ccc76" },
	{ 12, "7d773d00c144c525ac619d18c84a3f47", "d9664267", "43457e9182443bc6", "335467aeffffffff",
	    "01020201",
	    "335467aeffffffff43457e9182443bc6437f866bcb3f699fe9b0822bac961c4504bef270" },
	{ 13, "abbccddef00112233445566778899aab", "decaf888", "cafedebaceface74", "000001000000000000000001",
	    "746f016265016f72016e6f7401746f0162650001",
	    "0000010000000001cafedebaceface7429c9fc69a197d038ccdd14e2ddfcaa0543332164412503524303ed3c6c5f283843af8c3e" },
	{ 14, "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961", "7475726e", "333021696765746d", "796b6963ffffffffffffffff",
	    "45000030da3a00008001df3bc0a80005c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f707172737401020201",
	    "796b6963ffffffff333021696765746df97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a864cd3d78ca4ae68a32b42458fb57dbe821dcc63b9d0937ba2945f669368661a329fb4c053" },
};

/* RFC 3602 §4 cases 1-4: AES-128-CBC (key, IV, plaintext, ciphertext). */
static const struct cbc_vec cbc_vecs[] = {
	{ 1, "06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
	    "53696e676c6520626c6f636b206d7367",
	    "e353779c1079aeb82708942dbe77181a" },
	{ 2, "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	{ 3, "6c3ea0477630ce21a2ce334aa746c2cd", "c782dc4c098c66cbd9cd27d825682c81",
	    "5468697320697320612034382d62797465206d657373616765202865786163746c7920332041455320626c6f636b7329",
	    "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5021c19216bad525c8579695d83ba2684" },
	{ 4, "56e47a38c5598974bc46903dba290349", "8ce82eefbea0da3c44699ed7db51b7d9",
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
	    "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55" },
};

/* RFC 3602 §4 cases 5-8: complete ESP packets, no integrity. */
static const struct cbc_esp_vec cbc_esp_vecs[] = {
	{ 5, ESP_MODE_TRANSPORT, "90d382b410eeba7ad938c46cec1a82bf", 0x00004321, 1, "e96e8c08ab465763fd098d45dd3ff893", 1,
	    "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
	    "0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6" },
	{ 6, ESP_MODE_TRANSPORT, "90d382b410eeba7ad938c46cec1a82bf", 0x00004321, 8, "69d08df7d203329db093fc4924e5bd80", 1,
	    "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777",
	    "000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75" },
	{ 7, ESP_MODE_TUNNEL, "0123456789abcdef0123456789abcdef", 0x00008765, 2, "f4e765244f6407adf13dc1380f673f37", 4,
	    "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
	    "0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d" },
	{ 8, ESP_MODE_TUNNEL, "0123456789abcdef0123456789abcdef", 0x00008765, 5, "85d47224b5f3dd5d2101d4ea8dffab22", 4,
	    "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083da3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892" },
};

/* RFC 2202 §2 (HMAC-MD5), §3 (HMAC-SHA-1), RFC 4231 §4 (HMAC-SHA-256):
 * cases with keys of at most 64 bytes, truncated as ESP uses them. */
static const struct hmac_vec hmac_vecs[] = {
	{ "hmac_md5 1", ESP_INTEG_HMAC_MD5_96, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    "4869205468657265",
	    "9294727a3638bb1c13f48ef8" },
	{ "hmac_md5 2", ESP_INTEG_HMAC_MD5_96, "4a656665",
	    "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	    "750c783e6ab0b503eaa86e31" },
	{ "hmac_md5 3", ESP_INTEG_HMAC_MD5_96, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	    "56be34521d144c88dbb8c733" },
	{ "hmac_md5 4", ESP_INTEG_HMAC_MD5_96, "0102030405060708090a0b0c0d0e0f10111213141516171819",
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	    "697eaf0aca3a3aea3a751647" },
	{ "hmac_md5 5", ESP_INTEG_HMAC_MD5_96, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	    "546573742057697468205472756e636174696f6e",
	    "56461ef2342edc00f9bab995" },
	{ "hmac_sha1 1", ESP_INTEG_HMAC_SHA1_96, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    "4869205468657265",
	    "b617318655057264e28bc0b6" },
	{ "hmac_sha1 2", ESP_INTEG_HMAC_SHA1_96, "4a656665",
	    "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	    "effcdf6ae5eb2fa2d27416d5" },
	{ "hmac_sha1 3", ESP_INTEG_HMAC_SHA1_96, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	    "125d7342b9ac11cd91a39af4" },
	{ "hmac_sha1 4", ESP_INTEG_HMAC_SHA1_96, "0102030405060708090a0b0c0d0e0f10111213141516171819",
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	    "4c9007f4026250c6bc8414f9" },
	{ "hmac_sha1 5", ESP_INTEG_HMAC_SHA1_96, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	    "546573742057697468205472756e636174696f6e",
	    "4c1a03424b55e07fe7f27be1" },
	{ "hmac_sha256 1", ESP_INTEG_HMAC_SHA256_128, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    "4869205468657265",
	    "b0344c61d8db38535ca8afceaf0bf12b" },
	{ "hmac_sha256 1/96", ESP_INTEG_HMAC_SHA256_96, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    "4869205468657265",
	    "b0344c61d8db38535ca8afce" },
	{ "hmac_sha256 2", ESP_INTEG_HMAC_SHA256_128, "4a656665",
	    "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	    "5bdcc146bf60754e6a042426089575c7" },
	{ "hmac_sha256 2/96", ESP_INTEG_HMAC_SHA256_96, "4a656665",
	    "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	    "5bdcc146bf60754e6a042426" },
	{ "hmac_sha256 3", ESP_INTEG_HMAC_SHA256_128, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	    "773ea91e36800e46854db8ebd09181a7" },
	{ "hmac_sha256 3/96", ESP_INTEG_HMAC_SHA256_96, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	    "773ea91e36800e46854db8eb" },
	{ "hmac_sha256 4", ESP_INTEG_HMAC_SHA256_128, "0102030405060708090a0b0c0d0e0f10111213141516171819",
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	    "82558a389a443c0ea4cc819899f2083a" },
	{ "hmac_sha256 4/96", ESP_INTEG_HMAC_SHA256_96, "0102030405060708090a0b0c0d0e0f10111213141516171819",
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	    "82558a389a443c0ea4cc8198" },
	{ "hmac_sha256 5", ESP_INTEG_HMAC_SHA256_128, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	    "546573742057697468205472756e636174696f6e",
	    "a3b6167473100ee06e0c796c2955552b" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static size_t
hex(uint8_t *out, size_t cap, const char *h)
{
	size_t n = ts_hex2bin(out, cap, h);

	CU_ASSERT_FATAL(n != (size_t)-1);
	return n;
}

/* An SA set up through the internal crypto path only (any SPI, any key). */
static void
raw_sa(struct et *t, struct esp_sa *sa, const struct esp_sa_config *c)
{
	memset(sa, 0, sizeof(*sa));
	sa->spi = c->spi;
	sa->dir = c->dir;
	sa->esn = c->esn;
	CU_ASSERT_EQUAL_FATAL(espi_crypto_init(t->ctx, sa, c), ESP_OK);
}

static void
test_hmac(void)
{
	struct esp_sa_config c;
	struct esp_sa sa;
	struct et t;
	uint8_t data[256], want[16];
	size_t i, n, wl;

	et_init(&t, NULL);
	for (i = 0; i < N(hmac_vecs); i++) {
		et_sa_cfg(&c, 1, ESP_DIR_OUT, ESP_ENC_NULL, 0, hmac_vecs[i].alg);
		c.integ_key_len = hex(c.integ_key, sizeof(c.integ_key),
		    hmac_vecs[i].key);
		raw_sa(&t, &sa, &c);
		n = hex(data, sizeof(data) - 16, hmac_vecs[i].data);
		wl = hex(want, sizeof(want), hmac_vecs[i].icv);
		CU_ASSERT_EQUAL(sa.icv_len, wl);
		CU_ASSERT_EQUAL(espi_seal(&sa, data, 0, n, 0), ESP_OK);
		TS_ASSERT_BYTES(hmac_vecs[i].name, data + n, sa.icv_len, want, wl);
		/* The inbound path accepts it and rejects a flipped bit. */
		CU_ASSERT_EQUAL(espi_verify(&sa, data, 0, n, 0), ESP_OK);
		data[n + wl - 1] ^= 1;
		CU_ASSERT_EQUAL(espi_verify(&sa, data, 0, n, 0), ESP_E_AUTH);
		espi_crypto_free(&sa);
	}
	et_fini(&t);
}

static void
test_rfc3602_cbc(void)
{
	struct esp_sa_config c;
	struct esp_sa out, in;
	struct et t;
	uint8_t buf[128], pt[64], ct[64];
	size_t i, n;

	et_init(&t, NULL);
	for (i = 0; i < N(cbc_vecs); i++) {
		et_sa_cfg(&c, 1, ESP_DIR_OUT, ESP_ENC_AES_CBC, 16, ESP_INTEG_NONE);
		hex(c.enc_key, sizeof(c.enc_key), cbc_vecs[i].key);
		raw_sa(&t, &out, &c);
		c.dir = ESP_DIR_IN;
		raw_sa(&t, &in, &c);
		memset(buf, 0, 8);
		hex(buf + 8, 16, cbc_vecs[i].iv);
		n = hex(pt, sizeof(pt), cbc_vecs[i].pt);
		CU_ASSERT_EQUAL(hex(ct, sizeof(ct), cbc_vecs[i].ct), n);
		memcpy(buf + 24, pt, n);
		CU_ASSERT_EQUAL(espi_seal(&out, buf, 24, n, 0), ESP_OK);
		TS_ASSERT_BYTES("RFC 3602 ciphertext", buf + 24, n, ct, n);
		CU_ASSERT_EQUAL(espi_decrypt(&in, buf, 24, n), ESP_OK);
		TS_ASSERT_BYTES("RFC 3602 plaintext", buf + 24, n, pt, n);
		espi_crypto_free(&out);
		espi_crypto_free(&in);
	}
	et_fini(&t);
}

static const uint8_t *fixed_iv;

static int
fixed_iv_rng(void *user, void *buf, size_t len)
{
	(void)user;
	memcpy(buf, fixed_iv, len);
	return 0;
}

static void
test_rfc3602_esp(void)
{
	struct esp_sa_config c;
	struct esp_sa *out, *in;
	struct esp_rx rx;
	struct et t;
	uint8_t buf[512], iv[16], pay[128], want[160];
	size_t i, n, wl, off, len;

	for (i = 0; i < N(cbc_esp_vecs); i++) {
		const struct cbc_esp_vec *v = &cbc_esp_vecs[i];

		et_init(&t, NULL);
		t.ctx->hooks.rng = fixed_iv_rng;
		hex(iv, sizeof(iv), v->iv);
		fixed_iv = iv;
		et_sa_cfg(&c, v->spi, ESP_DIR_OUT, ESP_ENC_AES_CBC, 16,
		    ESP_INTEG_NONE);
		c.mode = v->mode;
		hex(c.enc_key, sizeof(c.enc_key), v->key);
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(t.ctx, 0, &c, &out), ESP_OK);
		c.dir = ESP_DIR_IN;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(t.ctx, 0, &c, &in), ESP_OK);
		n = hex(pay, sizeof(pay), v->payload);
		wl = hex(want, sizeof(want), v->esp);
		/* Outbound: same IV and sequence number give the same bytes. */
		out->seq = v->seq - 1;
		off = ESP_HEADROOM;
		len = n;
		memcpy(buf + off, pay, n);
		CU_ASSERT_EQUAL(esp_sa_encrypt(t.ctx, 0, out, v->nh, buf, sizeof(buf),
		    &off, &len), ESP_OK);
		TS_ASSERT_BYTES("RFC 3602 ESP packet", buf + off, len, want, wl);
		/* Inbound: the published packet decrypts to the payload. */
		memcpy(buf, want, wl);
		CU_ASSERT_EQUAL(esp_input(t.ctx, 0, buf, wl, NULL, &rx), ESP_OK);
		CU_ASSERT_EQUAL(rx.next_header, v->nh);
		CU_ASSERT_EQUAL(rx.seq, v->seq);
		CU_ASSERT_PTR_EQUAL(rx.sa, in);
		TS_ASSERT_BYTES("RFC 3602 payload", buf + rx.off, rx.len, pay, n);
		et_fini(&t);
	}
}

/* Runs one AEAD vector both ways. */
static void
aead_vec(enum esp_enc_alg alg, enum esp_mode mode, const char *key,
    const char *salt, const char *aad, const char *ptx, const char *wire)
{
	struct esp_sa_config c;
	struct esp_sa raw, *in;
	struct esp_rx rx;
	struct et t;
	uint8_t w[256], buf[256], pt[256], a[12];
	size_t wl, pl, al;
	uint32_t spi, hi;
	uint64_t seq;

	et_init(&t, NULL);
	wl = hex(w, sizeof(w), wire);
	pl = hex(pt, sizeof(pt), ptx);
	al = hex(a, sizeof(a), aad);
	spi = espi_get32(w);
	hi = al == 12 ? espi_get32(a + 4) : 0;
	seq = (uint64_t)hi << 32 | espi_get32(w + 4);
	et_sa_cfg(&c, spi, ESP_DIR_OUT, alg, 0, ESP_INTEG_NONE);
	c.mode = mode;
	c.esn = al == 12;
	c.enc_key_len = hex(c.enc_key, sizeof(c.enc_key), key);
	hex(c.salt, sizeof(c.salt), salt);
	/* Seal with the vector's IV. */
	raw_sa(&t, &raw, &c);
	memcpy(buf, w, 16);
	memcpy(buf + 16, pt, pl);
	CU_ASSERT_EQUAL(espi_seal(&raw, buf, 16, pl, hi), ESP_OK);
	TS_ASSERT_BYTES(wire, buf, 16 + pl + 16, w, wl);
	espi_crypto_free(&raw);
	/* Open through the public path (SPI 0 is reserved: seal only). */
	if (spi != 0) {
		c.dir = ESP_DIR_IN;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(t.ctx, 0, &c, &in), ESP_OK);
		in->rp.top = seq - 1;	/* so ESN inference picks this high half */
		memcpy(buf, w, wl);
		CU_ASSERT_EQUAL(esp_input(t.ctx, 0, buf, wl, NULL, &rx), ESP_OK);
		CU_ASSERT_EQUAL(rx.seq, seq);
		CU_ASSERT_EQUAL(rx.off, 16);
		CU_ASSERT_EQUAL(rx.next_header, pt[pl - 1]);
		CU_ASSERT_EQUAL(rx.len, pl - 2 - pt[pl - 2]);
		TS_ASSERT_BYTES("AEAD plaintext", buf + 16, pl, pt, pl);
		/* Any flipped bit of the ICV is an authentication failure. */
		memcpy(buf, w, wl);
		buf[wl - 1] ^= 0x80;
		CU_ASSERT_EQUAL(esp_input(t.ctx, 0, buf, wl, NULL, &rx), ESP_E_AUTH);
	}
	et_fini(&t);
}

static void
test_rfc4106_gcm(void)
{
	size_t i;

	for (i = 0; i < N(gcm_vecs); i++)
		aead_vec(ESP_ENC_AES_GCM_16, ESP_MODE_TRANSPORT, gcm_vecs[i].key,
		    gcm_vecs[i].salt, gcm_vecs[i].aad, gcm_vecs[i].pt,
		    gcm_vecs[i].wire);
}

/* RFC 7634 Appendix A (tunnel mode: next header 4). */
static void
test_rfc7634_chacha(void)
{
	aead_vec(ESP_ENC_CHACHA20_POLY1305, ESP_MODE_TUNNEL,
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	    "a0a1a2a3", "0102030400000005",
	    "45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
	    "0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
	    "2425262728292a2b2c2d2e2f303132333435363701020204",
	    "01020304000000051011121314151617"
	    "24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
	    "14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3"
	    "cbec163fac469b502773f6fb94e664da9165b82829f641e0"
	    "76aaa8266b7fb0f7b11b369907e1ad43");
}

/*
 * Packets written by scapy 2.5 SecurityAssociation (transport mode, inner
 * UDP to port 1701): /work/shared/vectors/captures/generated/
 * scapy_esp_suites.pcap (IPv4 part of each frame) with the keys of
 * scapy_esp_suites.keys.json.  Scapy is an independent implementation.
 */
static const struct {
	enum esp_enc_alg enc;
	const char *ekey;
	enum esp_integ_alg integ;
	const char *ikey;
	bool natt;
	const char *ip;
} scapy_pkts[] = {
	{ ESP_ENC_AES_CBC, "000102030405060708090a0b0c0d0e0f",
	  ESP_INTEG_HMAC_SHA1_96, "0102030405060708090a0b0c0d0e0f1011121314", false,
	  "45000068000100004032f65fc0000201c000020200001001000000011111111111111111"
	  "111111111111111146fca6568e9c1137344782adb6e82ca81c301680006d188118a1b549"
	  "1c87a632d20207ca50dfcfda3df1bd47be90ed5d510f3b0d215364133364432e" },
	{ ESP_ENC_3DES_CBC, "0123456789abcdef23456789abcdef01456789abcdef0123",
	  ESP_INTEG_HMAC_MD5_96, "00112233445566778899aabbccddeeff", false,
	  "45000058000100004032f66fc0000201c000020200001002000000011111111111111111"
	  "1c049747e465590b1264141d7e2574c2c22a6aa5d034476ae8b9cff83efeb96773d2cb41"
	  "bc8fad7a61e3341939b6ad5662d73af0" },
	{ ESP_ENC_AES_CBC,
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  ESP_INTEG_HMAC_SHA256_128,
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf", false,
	  "4500006c000100004032f65bc0000201c000020200001003000000011111111111111111"
	  "111111111111111190f48ae3e73f0825481fbd97670e1ba05ee6bfa0c3f84ce1b65f9177"
	  "f960f0e1a029d46f2bbc27346f8fdd4bd95fbc5b26ad5b4ef0ddc55ecc4b964c592ca31d" },
	{ ESP_ENC_AES_GCM_16, "4c80cdefbb5d10da906ac73c3613a6342e443b68",
	  ESP_INTEG_NONE, "", false,
	  "45000058000100004032f66fc0000201c000020200001004000000011111111111111111"
	  "7cc92ab331b9eef0addbfb841712b4ac1915fa2854fabea36f3529398cd615315441fcc4"
	  "77662f24971f37958f0bac2f8176cc11" },
	{ ESP_ENC_AES_CBC, "000102030405060708090a0b0c0d0e0f",
	  ESP_INTEG_HMAC_SHA1_96, "0102030405060708090a0b0c0d0e0f1011121314", true,
	  "45000070000100004011f678c0000201c000020211941194005ca8de0000100500000001"
	  "1111111111111111111111111111111146fca6568e9c1137344782adb6e82ca81c301680"
	  "006d188118a1b5491c87a632d20207ca50dfcfda3df1bd47be90ed5d837c022db2e6e78d"
	  "8a37c6a9" },
};

static void
test_scapy_packets(void)
{
	struct esp_sa_config c;
	struct esp_rx rx;
	struct et t;
	uint8_t pkt[256], kb[ESP_KEY_MAX + ESP_SALT_LEN], *ip;
	size_t i, n, kl;

	for (i = 0; i < N(scapy_pkts); i++) {
		et_init(&t, NULL);
		n = hex(pkt, sizeof(pkt), scapy_pkts[i].ip);
		et_sa_cfg(&c, 0x1001 + (uint32_t)i, ESP_DIR_IN, scapy_pkts[i].enc,
		    0, scapy_pkts[i].integ);
		kl = hex(kb, sizeof(kb), scapy_pkts[i].ekey);
		if (scapy_pkts[i].enc == ESP_ENC_AES_GCM_16) {
			kl -= 4;	/* KEYMAT = key | salt */
			memcpy(c.salt, kb + kl, 4);
		}
		memcpy(c.enc_key, kb, kl);
		c.enc_key_len = kl;
		c.integ_key_len = hex(c.integ_key, sizeof(c.integ_key),
		    scapy_pkts[i].ikey);
		c.udp_encap = scapy_pkts[i].natt;
		c.natt_csum = ESP_NATT_CSUM_NONE;
		CU_ASSERT_EQUAL_FATAL(esp_sa_add(t.ctx, 0, &c, NULL), ESP_OK);
		CU_ASSERT_EQUAL(esp_ipv4_decap(t.ctx, 0, pkt, n, &rx), ESP_OK);
		ip = pkt + rx.off;
		CU_ASSERT_EQUAL(rx.next_header, 17);
		CU_ASSERT_EQUAL(ip[9], 17);
		CU_ASSERT_EQUAL(espi_get16(ip + 2), rx.len);
		CU_ASSERT_EQUAL(espi_get16(ip + 22), 1701);
		CU_ASSERT_EQUAL(et_csum(ip, 20, 0), 0);
		CU_ASSERT_TRUE(et_l4_csum_ok(ip, rx.len));
		et_fini(&t);
	}
}


/*
 * A real strongSwan 4.4 session (ESP tunnel mode, 3DES-CBC + HMAC-SHA1-96):
 * the IPv4 part of frames 12-27 of captures/zeek-spicy-ipsec/ipsec.cap
 * (corelight/zeek-spicy-ipsec tests/traces), with the SA keys published on
 * ask.wireshark.org question 12019 (/work/shared/vectors/data/
 * ikev1_strongswan_ipsec_cap.json).  Expected inner length, protocol and
 * source as dissected by tshark 4.0 with those keys (esp.icv_good = 1).
 */
static const struct {
	int frame;
	size_t inner_len;
	uint8_t proto;
	uint32_t inner_src;
	const char *ip;
} swan[] = {
	{ 12, 60, 1, 0xac10cd02,
	  "4500007038e700004032a68ec0a88ccdc0a88cc81c0d7b3800000001d9225a70"
	  "8aef8c6df367f60a99e009515cb1a4d25b936b7ca80a50d57703d03a9752fa9e"
	  "844f3ae7a69b0e696d9d8dc27e78bad38422895a56c85a980df060074e20fc16"
	  "462caf3a40faeb7b1657e570c1635b9e" },
	{ 13, 60, 1, 0xac10c802,
	  "45000070e4d400004032faa0c0a88cc8c0a88ccd0879355b0000000128239240"
	  "59cebb4e65fb2691d8bafff94edc75a6e60ee6807b5b818efd470735a23a0efe"
	  "5f84f12e830c7772b003ec8f1e3ff6f0948067dae4fc9453118611a08a116efd"
	  "279568ee356d32678b1ef00c97d78aff" },
	{ 14, 60, 1, 0xac10cd02,
	  "4500007038e800004032a68dc0a88ccdc0a88cc81c0d7b38000000024e20fc16"
	  "462caf3ab198de84d9383f166207e0bcbbf15e4ca331a8d973173e40da9b8a78"
	  "a5e991dee9205c480ce615d918ddfdc4e1db4dc337be81a8cba0a53874f39a5f"
	  "30747d0d4bc4103c144c35151227b9cf" },
	{ 15, 60, 1, 0xac10c802,
	  "45000070e4d500004032fa9fc0a88cc8c0a88ccd0879355b000000028a116efd"
	  "279568ee4c4a31e07ba8a5fa33652b9bd27f107c8cc5b611133484df4135640a"
	  "61401231c33cf15e77a47e1a8be8dbf0393e9d03429083f7b040964bed3829b2"
	  "e30519cf3b952cf9a3e8544815b000d5" },
	{ 16, 60, 1, 0xac10cd02,
	  "4500007038e900004032a68cc0a88ccdc0a88cc81c0d7b380000000374f39a5f"
	  "30747d0d262b2164d2263f5854b5e22e9a4086f7722133e318383a93ba625bba"
	  "648a25fa02614944ac583eb0ee735524146b3fb288d7889f10d1118b62abcf43"
	  "2cd522f9b57f56fbd0eb87c08d7ab27b" },
	{ 17, 60, 1, 0xac10c802,
	  "45000070e4d600004032fa9ec0a88cc8c0a88ccd0879355b00000003ed3829b2"
	  "e30519cf6d53ef4ca6a08a003da692ff728913f9b4a15e285ef36d7a86ed322b"
	  "60704217b897b7247428ba51902cdf790bdc9434468136461e831dd8024d694f"
	  "5606610c914e26d0511d244cd533f626" },
	{ 18, 48, 6, 0xac10cd02,
	  "4500006838ea00004032a693c0a88ccdc0a88cc81c0d7b380000000462abcf43"
	  "2cd522f91cddac43a4f3546d243051a009fae4ef97e8d6536a1ddeb0398637f9"
	  "799ddcc1ab5bc7a1f7e4de0cb96a1a66716b875080dd4958c392e86682e0cfb1"
	  "9ada923d6c4a4969" },
	{ 19, 48, 6, 0xac10c802,
	  "45000068e4d700004032faa5c0a88cc8c0a88ccd0879355b00000004024d694f"
	  "5606610c7d9021281e0f1dc58cafb1066fd75d9d30c806e737c299c1973e8255"
	  "e0bdba4c2f524930cacf4e86647bb77f98523d4c12018ae217ddabfc02dbb40a"
	  "518beebf717ca498" },
	{ 20, 40, 6, 0xac10cd02,
	  "4500006038eb00004032a69ac0a88ccdc0a88cc81c0d7b380000000580dd4958"
	  "c392e866d187fafbc63d7e13a21a343ce3b0e63fdb769d7c2edb0dff12583757"
	  "68d04779eab6e80a0462852a3fababcbc1b8e9fc9d19e40e4323a65a7e09c170" },
	{ 21, 466, 6, 0xac10cd02,
	  "4500020838ec00004032a4f1c0a88ccdc0a88cc81c0d7b38000000063fababcb"
	  "c1b8e9fc3d63a1c2475a64d785d769c43cb0463e894c49ef922436707b0ca1f2"
	  "fa227de3c8582219704e354c72cf4e28633cb4268b9b585d6323947404d24194"
	  "5906b59c6c6cd4c685f6c4ecfbfb8ba3cc16f9952a359d9004bf1b2c10fa6fcf"
	  "64675dd79e39a02d9cf004e2758ee492368d8881dbd765edfcf3e5ac8a2898dc"
	  "6498e31f26c65e7c78705f9bc560fab0e63d9d550f7f0e44c2e7bec099cbdd7b"
	  "54ae99acb4f8c248bfe9cf0db8dc4b22853923aee71c45eaaeba9d8efa82c7ac"
	  "76659cf29fe9ecdafe32fa63d54b600b86c8474d6e63002a8c45590dcb6c7fee"
	  "584c3dfd02547e95bd8aa32d2cc7ce5a91df15dfed1cc337d76cb2d556d56028"
	  "0f87c60f6a9267102d12460a89941e7b68df9ae406edb8629e9770cbfabd703c"
	  "8f2557738e7b0626091ad43926dcd01cc14fd45a9c1814c05136e38d5ae68155"
	  "656f65c62f97407545ee7a3767d9242fb95377b206d56ccb15943e8f323f7334"
	  "bdccd2059a8ea62e3a97142979c0912faf21773c163298295a0d980876bc2716"
	  "2e8e19e98132870c3d7d438fa6b49e459259f0ef734aaeca78ab6bf9129232e5"
	  "b1b692651a63b89aa451db059605656076301a55756cf1c000718491418727b3"
	  "c7fb87bb38218023ffc06bf0fa4f743be9b028571584d7ac6962259db02ca3f7"
	  "0961329062f4882e" },
	{ 22, 274, 6, 0xac10c802,
	  "45000148e4d800004032f9c4c0a88cc8c0a88ccd0879355b0000000512018ae2"
	  "17ddabfcd1c5e353aa174a0e6349eb5fd31282e6c01a75d37eb011c808306488"
	  "a0e54db188798cc028993031e9060260c74aa7bd585fec3f79c5fb320858fea2"
	  "31456110ce6b8fdcdab0a30c888258b21fa8be73f0fb0dd875c261f655d68b44"
	  "b8120d931724b1fa577f68ea1b4752eb82187c4783c580f2486805e56c38bede"
	  "5ed0f35cefae9bc8c71e20172b3cc97cb7311d4ca03b989e8278e3fe073e9ffa"
	  "26e8e89779f310c15b73d3311e95a37137a3caf132361044d4d318d783288e0d"
	  "86adcb790a53eaac910804e30e18e7e1249138f8c7bf0fb87fd16eea7b16ad5c"
	  "98061a4552daa6f238d4c69345268fe8b5eb306876cdf5c82202cea6c504c50e"
	  "b5c8f3b62318e0caa57e2d238a8b276f280590b0a3690989572940dd96199dc6"
	  "19397cd686dd1a84" },
	{ 23, 479, 6, 0xac10cd02,
	  "4500021838ed00004032a4e0c0a88ccdc0a88cc81c0d7b38000000071584d7ac"
	  "6962259da9f57fea1fec7ebce34e4fd3c8d98e4a4fe15ef0023917e29339d40b"
	  "695c1ca44a63b5f38883b2bc7cac67e10345ec932c042d610d67c7d80462931e"
	  "0a1569f9162aa731b306fdb12857d9e8f1875454daa5f7b863ddc3eac8101ec8"
	  "de21b369c3510e67e30c0c47e08b7bb23fba7f5e9c8d78b903bef63417ca25ff"
	  "39e305a25dd621c4b76afc3dce3d753bfb33feda022136940cf9b3bcd677eea9"
	  "2c5be6ee3c0eee901acabe57b56c82b7e63af07d8228ea57f7627af1b9751e82"
	  "dc2a0defa7498d28d233e713fcf0f2c31430338095ca568fcec108fd0557d835"
	  "c25e2367445290a2f6ecdc2d9221e5a47463fa796aaaa8e5ff14f289efcba619"
	  "6f9f481b0e0883041864062e345a3957a813d96615ad609b55ce144be442c63c"
	  "a2b39297f8171a32798b87f4b0f53de58e9a39384f4af2917b0471ffa0d56a39"
	  "445eb26f238f1b81ebd255d143a8e5214b11d0dd8439169cfe6099b811f5810c"
	  "3b8b96b8f4df31566ce4537b7a4a3378af05a533506bb353ae0404cbdc74d73c"
	  "d0da8f3bd2d252fa0991b394f19872742af08066a920ff5557e9a19b14620f02"
	  "5a7c6e2c96d9316c1e6464098fc2fda86b6cc677b218a4e858c4805711e36c93"
	  "a0f57ee423612669ca5118069ce9cdab0c6c42b2908f3eb1a45d1c2b384bf955"
	  "d047d4b4e4d6545e917468081b0cc3a3829619b4005c46fc" },
	{ 24, 274, 6, 0xac10c802,
	  "45000148e4d900004032f9c3c0a88cc8c0a88ccd0879355b00000006a3690989"
	  "572940dd464c49eae49e0f4780a1ca0a3eabad9002c6732b0a681bdf400721e0"
	  "381a1c87e0d6c27a99ea0ef277096d1b6e8150e442923b2a91eaa1b6cbff73f5"
	  "78a384698de21d32ee719bbf0f8b562c6aeb0c44f921bd45a62e5e4aaac39262"
	  "68b7d4453b5a751836382f29f89274df776f981da921ab9463671873c6e6a1ec"
	  "e43f036e0e92a7068e88be6fe9eab5ade9aa239138e72f1b726d22eb9b2fc583"
	  "7f80781528916486893132b654be76f8fd4da32c3571db64dd6e4afececd45e2"
	  "4e791899c2f45ddcb4d924b97bbe2b473bcfd9d546d243133e67b6836f02bb01"
	  "5acdbbeca498df5de2b955873a4d99fe08c87df37f02b71ac81506704e0f03ba"
	  "727e17bb9882a6f2cc9605fc92b716543bee88d41dd577d84140da9e1d065be8"
	  "546d9161cfe522be" },
	{ 25, 60, 1, 0xac10cd02,
	  "4500007038ee00004032a687c0a88ccdc0a88cc81c0d7b3800000008e4d6545e"
	  "917468086b4b8ffc3d25c7145c7b3b39ed4f58380b264d8d64bece856638904e"
	  "4a3f4a1fb584ca8faec35e77ea40c59c4f33955098aacb6dc511390c7e704842"
	  "0b89a99a71d5c4378224130ab2deb847" },
	{ 26, 60, 1, 0xac10c802,
	  "45000070e4da00004032fa9ac0a88cc8c0a88ccd0879355b000000071dd577d8"
	  "4140da9e4d059c353e2b738a6218bda0aa8f5236eb60588413ac01aa1e3b88ff"
	  "face717d5aa5c44f30d513f4d046eddc0a478bc7a7a7d949bc7b31638fbf806b"
	  "87f39be016945b6bc4cebbc813c11f65" },
	{ 27, 40, 6, 0xac10cd02,
	  "4500006038ef00004032a696c0a88ccdc0a88cc81c0d7b38000000097e704842"
	  "0b89a99a5ad4c0aaa1d18e41ae71ec52ce1b8b19f3aad2993fb2a1d175d56649"
	  "be2912332d778f01a22bd38ee9fc4cf6886b2675f7a6151df95e367a4aa457b6" },
};

static void
test_strongswan_capture(void)
{
	struct esp_sa_config c;
	struct esp_rx rx;
	struct et t;
	uint8_t pkt[600], *ip;
	size_t i, n;

	et_init(&t, NULL);
	et_sa_cfg(&c, 0x0879355b, ESP_DIR_IN, ESP_ENC_3DES_CBC, 24,
	    ESP_INTEG_HMAC_SHA1_96);
	c.mode = ESP_MODE_TUNNEL;
	hex(c.enc_key, sizeof(c.enc_key),
	    "ae76ea430b10c72c882c4aeab2283444c54f913d87f5e109");
	hex(c.integ_key, sizeof(c.integ_key),
	    "b8dd42a1c505bed19c2bf23cef00e5d8223c2a5b");
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(t.ctx, 0, &c, NULL), ESP_OK);
	c.spi = 0x1c0d7b38;
	hex(c.enc_key, sizeof(c.enc_key),
	    "39e87c9ca500616b36f2f0d3c7fb688621d7bbf31414abbd");
	hex(c.integ_key, sizeof(c.integ_key),
	    "c364660133b04a4f20e52000dbe4a6ba154c09c1");
	CU_ASSERT_EQUAL_FATAL(esp_sa_add(t.ctx, 0, &c, NULL), ESP_OK);
	for (i = 0; i < N(swan); i++) {
		n = hex(pkt, sizeof(pkt), swan[i].ip);
		if (esp_ipv4_decap(t.ctx, 0, pkt, n, &rx) != ESP_OK) {
			fprintf(stderr, "\nstrongSwan frame %d refused\n", swan[i].frame);
			CU_FAIL("strongSwan frame refused");
			continue;
		}
		ip = pkt + rx.off;
		CU_ASSERT_EQUAL(rx.next_header, 4);
		CU_ASSERT_EQUAL(rx.len, swan[i].inner_len);
		CU_ASSERT_EQUAL(espi_get16(ip + 2), swan[i].inner_len);
		CU_ASSERT_EQUAL(ip[9], swan[i].proto);
		CU_ASSERT_EQUAL(espi_get32(ip + 12), swan[i].inner_src);
		CU_ASSERT_EQUAL(et_csum(ip, 20, 0), 0);
	}
	/* The first frame again is a replay. */
	n = hex(pkt, sizeof(pkt), swan[0].ip);
	CU_ASSERT_EQUAL(esp_ipv4_decap(t.ctx, 0, pkt, n, &rx), ESP_E_REPLAY);
	et_fini(&t);
}

void
test_vectors_register(void)
{
	CU_pSuite s = CU_add_suite("esp_vectors", NULL, NULL);

	CU_add_test(s, "RFC 2202/4231 HMAC (ESP truncations)", test_hmac);
	CU_add_test(s, "RFC 3602 cases 1-4 AES-CBC", test_rfc3602_cbc);
	CU_add_test(s, "RFC 3602 cases 5-8 ESP packets", test_rfc3602_esp);
	CU_add_test(s, "RFC 4106 GCM ESP cases 1-14", test_rfc4106_gcm);
	CU_add_test(s, "RFC 7634 App. A ChaCha20-Poly1305 ESP", test_rfc7634_chacha);
	CU_add_test(s, "scapy packets decrypt", test_scapy_packets);
	CU_add_test(s, "strongSwan capture decrypts", test_strongswan_capture);
}
