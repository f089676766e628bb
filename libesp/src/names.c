/*
 * names.c - static names for every code and enum a caller prints: errors,
 * algorithms, directions, modes, events and limits.
 */
#include "esp_internal.h"

const char *
esp_strerror(int err)
{
	switch (err) {
	case ESP_OK: return "success";
	case ESP_E_INVAL: return "invalid argument";
	case ESP_E_NOMEM: return "out of memory";
	case ESP_E_RNG: return "random number generator failed";
	case ESP_E_CRYPTO: return "crypto library failure";
	case ESP_E_BUFFER: return "buffer, headroom or tailroom too small";
	case ESP_E_AGAIN: return "nothing to return";
	case ESP_E_LIMIT: return "configured limit reached";
	case ESP_E_STATE: return "not valid in the current state";
	case ESP_E_EXISTS: return "inbound SA with this SPI already exists";
	case ESP_E_NOT_FOUND: return "no such SA in this context";
	case ESP_E_TRUNCATED: return "packet truncated";
	case ESP_E_BAD_LENGTH: return "length field inconsistent";
	case ESP_E_VERSION: return "unsupported protocol version";
	case ESP_E_DUPLICATE: return "duplicate message";
	case ESP_E_QUEUE_FULL: return "queue full";
	case ESP_E_NO_SA: return "unknown SPI";
	case ESP_E_ALIGN: return "ciphertext not a multiple of the block size";
	case ESP_E_AUTH: return "ICV mismatch";
	case ESP_E_REPLAY: return "replayed sequence number";
	case ESP_E_TOO_OLD: return "sequence number left of the replay window";
	case ESP_E_BAD_PAD: return "bad padding";
	case ESP_E_BAD_NEXT_HDR: return "bad next header";
	case ESP_E_DUMMY: return "dummy packet";
	case ESP_E_SEQ_EXHAUSTED: return "sequence numbers exhausted";
	case ESP_E_EXPIRED: return "SA expired";
	case ESP_E_UNSUPPORTED: return "algorithm not supported or not allowed";
	case ESP_E_WRONG_DIR: return "SA used in the wrong direction";
	case ESP_E_BAD_IP: return "malformed IPv4 packet";
	case ESP_E_NOT_ESP: return "not an ESP packet";
	case ESP_E_SELECTOR: return "payload outside the SA's selectors";
	default: return "unknown error";
	}
}

const char *
esp_enc_alg_name(enum esp_enc_alg alg)
{
	switch (alg) {
	case ESP_ENC_DES_CBC: return "des-cbc";
	case ESP_ENC_3DES_CBC: return "3des-cbc";
	case ESP_ENC_NULL: return "null";
	case ESP_ENC_AES_CBC: return "aes-cbc";
	case ESP_ENC_AES_GCM_16: return "aes-gcm-16";
	case ESP_ENC_CHACHA20_POLY1305: return "chacha20-poly1305";
	}
	return "unknown";
}

const char *
esp_integ_alg_name(enum esp_integ_alg alg)
{
	switch (alg) {
	case ESP_INTEG_NONE: return "none";
	case ESP_INTEG_HMAC_MD5_96: return "hmac-md5-96";
	case ESP_INTEG_HMAC_SHA1_96: return "hmac-sha1-96";
	case ESP_INTEG_HMAC_SHA256_128: return "hmac-sha256-128";
	case ESP_INTEG_HMAC_SHA256_96: return "hmac-sha256-96";
	}
	return "unknown";
}

const char *
esp_dir_name(enum esp_dir dir)
{
	switch (dir) {
	case ESP_DIR_IN: return "in";
	case ESP_DIR_OUT: return "out";
	}
	return "unknown";
}

const char *
esp_mode_name(enum esp_mode mode)
{
	switch (mode) {
	case ESP_MODE_TRANSPORT: return "transport";
	case ESP_MODE_TUNNEL: return "tunnel";
	}
	return "unknown";
}

const char *
esp_event_name(enum esp_event_type type)
{
	switch (type) {
	case ESP_EV_SOFT_EXPIRE: return "soft-expire";
	case ESP_EV_HARD_EXPIRE: return "hard-expire";
	case ESP_EV_REKEY: return "rekey";
	case ESP_EV_PEER_MOVED: return "peer-moved";
	}
	return "unknown";
}

const char *
esp_limit_name(enum esp_limit_kind limit)
{
	switch (limit) {
	case ESP_LIMIT_NONE: return "none";
	case ESP_LIMIT_BYTES: return "bytes";
	case ESP_LIMIT_PACKETS: return "packets";
	case ESP_LIMIT_TIME: return "time";
	case ESP_LIMIT_SEQ: return "sequence numbers";
	}
	return "unknown";
}
