/*
 * test_names.c - names.c and the shared conventions: the common error block
 * has the values every roadgate library uses, log levels are syslog's, and
 * every enum a caller prints has a distinct name.
 */
#include "esp_test.h"

void test_names_register(void);

static void
test_common_block(void)
{
	/* API-SPEC §1.2: same names and values in all five libraries. */
	CU_ASSERT_EQUAL(ESP_OK, 0);
	CU_ASSERT_EQUAL(ESP_E_INVAL, -1);
	CU_ASSERT_EQUAL(ESP_E_NOMEM, -2);
	CU_ASSERT_EQUAL(ESP_E_RNG, -3);
	CU_ASSERT_EQUAL(ESP_E_CRYPTO, -4);
	CU_ASSERT_EQUAL(ESP_E_BUFFER, -5);
	CU_ASSERT_EQUAL(ESP_E_AGAIN, -6);
	CU_ASSERT_EQUAL(ESP_E_LIMIT, -7);
	CU_ASSERT_EQUAL(ESP_E_STATE, -8);
	CU_ASSERT_EQUAL(ESP_E_EXISTS, -9);
	CU_ASSERT_EQUAL(ESP_E_NOT_FOUND, -10);
	CU_ASSERT_EQUAL(ESP_E_TRUNCATED, -11);
	CU_ASSERT_EQUAL(ESP_E_BAD_LENGTH, -12);
	CU_ASSERT_EQUAL(ESP_E_VERSION, -13);
	CU_ASSERT_EQUAL(ESP_E_DUPLICATE, -14);
	CU_ASSERT_EQUAL(ESP_E_QUEUE_FULL, -15);
	/* libesp's own codes start at -32. */
	CU_ASSERT_EQUAL(ESP_E_NO_SA, -32);
	CU_ASSERT(ESP_E_SELECTOR < ESP_E_NO_SA);
	/* §1.1: syslog levels. */
	CU_ASSERT_EQUAL(ESP_LOG_ERROR, 3);
	CU_ASSERT_EQUAL(ESP_LOG_WARN, 4);
	CU_ASSERT_EQUAL(ESP_LOG_INFO, 6);
	CU_ASSERT_EQUAL(ESP_LOG_DEBUG, 7);
	CU_ASSERT_STRING_EQUAL(esp_version(), "1.0.0");
}

/* Every value of a list has a name, none "unknown", all different. */
static void
distinct(const char *(*name)(int), const int *v, size_t n, int bad)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(name(v[i]));
		CU_ASSERT_STRING_NOT_EQUAL(name(v[i]), "unknown");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(name(v[i]), name(v[j]));
	}
	CU_ASSERT_STRING_EQUAL(name(bad), "unknown");
}

static const char *enc_n(int v) { return esp_enc_alg_name((enum esp_enc_alg)v); }
static const char *integ_n(int v) { return esp_integ_alg_name((enum esp_integ_alg)v); }
static const char *dir_n(int v) { return esp_dir_name((enum esp_dir)v); }
static const char *mode_n(int v) { return esp_mode_name((enum esp_mode)v); }
static const char *ev_n(int v) { return esp_event_name((enum esp_event_type)v); }
static const char *lim_n(int v) { return esp_limit_name((enum esp_limit_kind)v); }

static void
test_enum_names(void)
{
	static const int enc[] = { ESP_ENC_DES_CBC, ESP_ENC_3DES_CBC, ESP_ENC_NULL,
	    ESP_ENC_AES_CBC, ESP_ENC_AES_GCM_16, ESP_ENC_CHACHA20_POLY1305 };
	static const int integ[] = { ESP_INTEG_NONE, ESP_INTEG_HMAC_MD5_96,
	    ESP_INTEG_HMAC_SHA1_96, ESP_INTEG_HMAC_SHA256_128,
	    ESP_INTEG_HMAC_SHA256_96 };
	static const int dir[] = { ESP_DIR_IN, ESP_DIR_OUT };
	static const int mode[] = { ESP_MODE_TRANSPORT, ESP_MODE_TUNNEL };
	static const int ev[] = { ESP_EV_SOFT_EXPIRE, ESP_EV_HARD_EXPIRE,
	    ESP_EV_REKEY, ESP_EV_PEER_MOVED };
	static const int lim[] = { ESP_LIMIT_NONE, ESP_LIMIT_BYTES,
	    ESP_LIMIT_PACKETS, ESP_LIMIT_TIME, ESP_LIMIT_SEQ };

	distinct(enc_n, enc, sizeof(enc) / sizeof(enc[0]), 99);
	distinct(integ_n, integ, sizeof(integ) / sizeof(integ[0]), 3);
	distinct(dir_n, dir, 2, 0);
	distinct(mode_n, mode, 2, 3);
	distinct(ev_n, ev, sizeof(ev) / sizeof(ev[0]), 0);
	distinct(lim_n, lim, sizeof(lim) / sizeof(lim[0]), 5);
	CU_ASSERT_STRING_EQUAL(esp_enc_alg_name(ESP_ENC_AES_GCM_16), "aes-gcm-16");
	CU_ASSERT_STRING_EQUAL(esp_integ_alg_name(ESP_INTEG_HMAC_SHA256_96),
	    "hmac-sha256-96");
	CU_ASSERT_STRING_EQUAL(esp_event_name(ESP_EV_PEER_MOVED), "peer-moved");
}

void
test_names_register(void)
{
	CU_pSuite s = CU_add_suite("esp_names", NULL, NULL);

	CU_add_test(s, "common error block and log levels", test_common_block);
	CU_add_test(s, "enum names", test_enum_names);
}
