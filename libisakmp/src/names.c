/*
 * names.c - static names for every code and enum a caller prints: errors,
 * Notify types, events, reasons, IKE SA states and algorithms.
 */
#include "isakmp_int.h"

const char *
isakmp_strerror(int err)
{
	switch (err) {
	case ISAKMP_OK: return "ok";
	case ISAKMP_E_INVAL: return "invalid argument";
	case ISAKMP_E_NOMEM: return "out of memory";
	case ISAKMP_E_TRUNCATED: return "truncated";
	case ISAKMP_E_BAD_LENGTH: return "bad length";
	case ISAKMP_E_VERSION: return "unsupported ISAKMP version";
	case ISAKMP_E_PAYLOAD: return "bad payload";
	case ISAKMP_E_NO_SA: return "no such SA";
	case ISAKMP_E_NO_PROPOSAL: return "no proposal chosen";
	case ISAKMP_E_AUTH: return "authentication failed";
	case ISAKMP_E_LIMIT: return "limit reached";
	case ISAKMP_E_STATE: return "unexpected message for state";
	case ISAKMP_E_KE: return "bad key exchange value";
	case ISAKMP_E_NONCE: return "bad nonce";
	case ISAKMP_E_ATTR: return "bad attribute";
	case ISAKMP_E_CRYPTO: return "crypto failure";
	case ISAKMP_E_DECRYPT: return "decryption failed";
	case ISAKMP_E_ID: return "unacceptable identity";
	case ISAKMP_E_NO_POLICY: return "no policy for peer";
	case ISAKMP_E_COOKIE: return "bad cookie";
	case ISAKMP_E_MARKER: return "missing non-ESP marker";
	case ISAKMP_E_BUFFER: return "buffer too small";
	case ISAKMP_E_EXISTS: return "already exists";
	case ISAKMP_E_NOT_FOUND: return "not found";
	case ISAKMP_E_DUPLICATE: return "duplicate message";
	case ISAKMP_E_QUEUE_FULL: return "queue full";
	case ISAKMP_E_RNG: return "rng failure";
	case ISAKMP_E_EXCHANGE: return "unsupported exchange type";
	case ISAKMP_E_AGAIN: return "nothing pending";
	default: return "unknown error";
	}
}

int
isakmp_error_to_notify(int err)
{
	switch (err) {
	case ISAKMP_E_PAYLOAD: return N_INVALID_PAYLOAD_TYPE;
	case ISAKMP_E_TRUNCATED:
	case ISAKMP_E_BAD_LENGTH:
	case ISAKMP_E_ATTR:
	case ISAKMP_E_NONCE: return N_PAYLOAD_MALFORMED;
	case ISAKMP_E_NO_PROPOSAL: return N_NO_PROPOSAL_CHOSEN;
	case ISAKMP_E_KE: return N_INVALID_KEY_INFORMATION;
	case ISAKMP_E_ID: return N_INVALID_ID_INFORMATION;
	case ISAKMP_E_AUTH: return N_AUTHENTICATION_FAILED;
	case ISAKMP_E_COOKIE: return 4;   /* INVALID-COOKIE */
	case ISAKMP_E_EXCHANGE: return 7; /* INVALID-EXCHANGE-TYPE */
	case ISAKMP_E_VERSION: return 5;  /* INVALID-MAJOR-VERSION */
	default: return 0;
	}
}

const char *
isakmp_notify_name(int type)
{
	switch (type) {
	case N_INVALID_PAYLOAD_TYPE: return "INVALID-PAYLOAD-TYPE";
	case 4: return "INVALID-COOKIE";
	case 5: return "INVALID-MAJOR-VERSION";
	case 7: return "INVALID-EXCHANGE-TYPE";
	case N_NO_PROPOSAL_CHOSEN: return "NO-PROPOSAL-CHOSEN";
	case N_PAYLOAD_MALFORMED: return "PAYLOAD-MALFORMED";
	case N_INVALID_KEY_INFORMATION: return "INVALID-KEY-INFORMATION";
	case N_INVALID_ID_INFORMATION: return "INVALID-ID-INFORMATION";
	case N_INVALID_HASH_INFORMATION: return "INVALID-HASH-INFORMATION";
	case N_AUTHENTICATION_FAILED: return "AUTHENTICATION-FAILED";
	case N_CONNECTED: return "CONNECTED";
	case N_RESPONDER_LIFETIME: return "RESPONDER-LIFETIME";
	case N_INITIAL_CONTACT: return "INITIAL-CONTACT";
	case N_DPD_R_U_THERE: return "R-U-THERE";
	case N_DPD_R_U_THERE_ACK: return "R-U-THERE-ACK";
	default: return "UNKNOWN";
	}
}

const char *
isakmp_event_name(enum isakmp_event_type type)
{
	switch (type) {
	case ISAKMP_EV_PHASE1_UP: return "PHASE1_UP";
	case ISAKMP_EV_PHASE1_FAILED: return "PHASE1_FAILED";
	case ISAKMP_EV_PHASE1_DOWN: return "PHASE1_DOWN";
	case ISAKMP_EV_IPSEC_SA_UP: return "IPSEC_SA_UP";
	case ISAKMP_EV_IPSEC_SA_DOWN: return "IPSEC_SA_DOWN";
	case ISAKMP_EV_PEER_MOVED: return "PEER_MOVED";
	case ISAKMP_EV_PEER_DOWN: return "PEER_DOWN";
	default: return "unknown event";
	}
}

const char *
isakmp_reason_name(enum isakmp_reason reason)
{
	switch (reason) {
	case ISAKMP_REASON_NONE: return "none";
	case ISAKMP_REASON_REKEYED: return "rekeyed";
	case ISAKMP_REASON_DELETED: return "deleted by peer";
	case ISAKMP_REASON_EXPIRED: return "expired";
	case ISAKMP_REASON_DEAD: return "peer dead";
	case ISAKMP_REASON_LOCAL: return "deleted locally";
	case ISAKMP_REASON_INITIAL_CONTACT: return "initial contact";
	case ISAKMP_REASON_TIMEOUT: return "negotiation timed out";
	case ISAKMP_REASON_AUTH_FAILED: return "authentication failed";
	case ISAKMP_REASON_EVICTED: return "evicted for a newer negotiation";
	default: return "unknown reason";
	}
}

const char *
isakmp_state_name(enum isakmp_state state)
{
	switch (state) {
	case ISAKMP_STATE_I_MM1: return "MM1 sent";
	case ISAKMP_STATE_I_MM3: return "MM3 sent";
	case ISAKMP_STATE_I_MM5: return "MM5 sent";
	case ISAKMP_STATE_R_MM2: return "MM2 sent";
	case ISAKMP_STATE_R_MM4: return "MM4 sent";
	case ISAKMP_STATE_ESTABLISHED: return "established";
	default: return "unknown state";
	}
}

const char *
isakmp_p1_enc_name(int enc)
{
	switch (enc) {
	case ISAKMP_ENC_DES: return "des";
	case ISAKMP_ENC_3DES: return "3des";
	case ISAKMP_ENC_AES: return "aes";
	default: return "unknown";
	}
}

const char *
isakmp_hash_name(int hash)
{
	switch (hash) {
	case ISAKMP_HASH_MD5: return "md5";
	case ISAKMP_HASH_SHA1: return "sha1";
	case ISAKMP_HASH_SHA256: return "sha256";
	case ISAKMP_HASH_SHA384: return "sha384";
	case ISAKMP_HASH_SHA512: return "sha512";
	default: return "unknown";
	}
}

const char *
isakmp_group_name(int group)
{
	switch (group) {
	case ISAKMP_GROUP_MODP768: return "modp768";
	case ISAKMP_GROUP_MODP1024: return "modp1024";
	case ISAKMP_GROUP_MODP1536: return "modp1536";
	case ISAKMP_GROUP_MODP2048: return "modp2048";
	case ISAKMP_GROUP_MODP3072: return "modp3072";
	case ISAKMP_GROUP_MODP4096: return "modp4096";
	case ISAKMP_GROUP_ECP256: return "ecp256";
	case ISAKMP_GROUP_ECP384: return "ecp384";
	default: return "unknown";
	}
}

const char *
isakmp_esp_enc_name(int enc)
{
	switch (enc) {
	case ISAKMP_ESP_DES: return "des";
	case ISAKMP_ESP_3DES: return "3des";
	case ISAKMP_ESP_NULL: return "null";
	case ISAKMP_ESP_AES_CBC: return "aes-cbc";
	case ISAKMP_ESP_AES_GCM_16: return "aes-gcm-16";
	default: return "unknown";
	}
}

const char *
isakmp_integ_name(int integ)
{
	switch (integ) {
	case ISAKMP_INTEG_NONE: return "none";
	case ISAKMP_INTEG_HMAC_MD5_96: return "hmac-md5-96";
	case ISAKMP_INTEG_HMAC_SHA1_96: return "hmac-sha1-96";
	case ISAKMP_INTEG_HMAC_SHA256_128: return "hmac-sha256-128";
	case ISAKMP_INTEG_HMAC_SHA256_96: return "hmac-sha256-96";
	default: return "unknown";
	}
}

const char *
isakmp_mode_name(int mode)
{
	switch (mode) {
	case ISAKMP_MODE_TRANSPORT: return "transport";
	case ISAKMP_MODE_TUNNEL: return "tunnel";
	default: return "unknown";
	}
}

const char *
isakmp_encap_name(int encap)
{
	switch (encap) {
	case ISAKMP_ENCAP_TUNNEL: return "tunnel";
	case ISAKMP_ENCAP_TRANSPORT: return "transport";
	case ISAKMP_ENCAP_UDP_TUNNEL: return "udp-tunnel";
	case ISAKMP_ENCAP_UDP_TRANSPORT: return "udp-transport";
	case ISAKMP_ENCAP_UDP_TUNNEL_DRAFT: return "udp-tunnel (draft)";
	case ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT: return "udp-transport (draft)";
	default: return "unknown";
	}
}
