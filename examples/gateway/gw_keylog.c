/*
 * gw_keylog.c - rows of Wireshark's key tables, for debugging captures of
 * the gateway's own traffic (vpn-gateway --keylog).  Off unless the caller
 * set hooks.keylog.
 *
 * Formats, as Wireshark 4.0 (Debian 12's tshark) reads its UAT files:
 *  - ikev1_decryption_table (epan/dissectors/packet-isakmp.c): two
 *    unquoted hex fields, "icookie,enc_key": the initiator cookie (8
 *    bytes) and the phase 1 encryption key.  tshark derives the IVs.
 *  - esp_sa (epan/dissectors/packet-ipsec.c): eight quoted fields,
 *    "IPv4","src","dst","0xSPI","encryption","0xkey","authentication",
 *    "0xkey".  The algorithm fields are the dissector's value strings
 *    (e.g. "TripleDES-CBC [RFC2451]", "HMAC-SHA-1-96 [RFC2404]"); an AES-GCM
 *    key is followed by its 4-byte salt; an empty authentication key is "".
 * Each row is built in a stack buffer, handed to the hook and wiped.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "gw_fmt.h"
#include "gw_int.h"

void
gw_keylog_phase1(struct gw *gw, uint64_t ike_id)
{
	uint8_t ic[8], key[64];
	char row[2 * 8 + 1 + 2 * 64 + 1];
	size_t kl = 0;

	if (gw->hooks.keylog == NULL)
		return;
	if (isakmp_export_keys(gw->ike, ike_id, ic, key, sizeof(key), &kl) != ISAKMP_OK ||
	    kl == 0 || kl > sizeof(key)) {
		gw_log(gw, GW_LOG_ISAKMP, 4, "key log: phase 1 keys of IKE SA %llu not "
		    "available", (unsigned long long)ike_id);
		sodium_memzero(key, sizeof(key));
		return;
	}
	fmt_hex(row, ic, 8);
	row[16] = ',';
	fmt_hex(row + 17, key, kl);
	gw->hooks.keylog(gw->hooks.user, "ikev1_decryption_table", row);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(row, sizeof(row));
}

static const char *
ws_enc(int alg)
{
	switch (alg) {
	case ISAKMP_ESP_DES: return "DES-CBC [RFC2405]";
	case ISAKMP_ESP_3DES: return "TripleDES-CBC [RFC2451]";
	case ISAKMP_ESP_NULL: return "NULL";
	case ISAKMP_ESP_AES_CBC: return "AES-CBC [RFC3602]";
	case ISAKMP_ESP_AES_GCM_16: return "AES-GCM with 16 octet ICV [RFC4106]";
	default: return NULL;
	}
}

static const char *
ws_auth(int alg)
{
	switch (alg) {
	case ISAKMP_INTEG_NONE: return "NULL";
	case ISAKMP_INTEG_HMAC_MD5_96: return "HMAC-MD5-96 [RFC2403]";
	case ISAKMP_INTEG_HMAC_SHA1_96: return "HMAC-SHA-1-96 [RFC2404]";
	case ISAKMP_INTEG_HMAC_SHA256_128: return "HMAC-SHA-256-128 [RFC4868]";
	case ISAKMP_INTEG_HMAC_SHA256_96:
		return "HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]";
	default: return NULL;
	}
}

static void
esp_row(struct gw *gw, const struct isakmp_ipsec_sa *sa, bool in)
{
	/* Quoted fields, two keys of up to 36 and 64 bytes in hex. */
	char row[512], ek[2 * (ISAKMP_ESP_KEY_MAX + ISAKMP_SALT_LEN) + 1];
	char ik[2 * ISAKMP_ESP_INTEG_KEY_MAX + 1], src[16], dst[16];
	const char *e = ws_enc(sa->enc_alg), *a = ws_auth(sa->integ_alg);
	size_t kl = sa->enc_key_len, il = sa->integ_key_len;

	if (e == NULL || a == NULL || kl > ISAKMP_ESP_KEY_MAX ||
	    il > ISAKMP_ESP_INTEG_KEY_MAX) {
		gw_log(gw, GW_LOG_IPSEC, 4, "key log: SA %08x: suite not in Wireshark's "
		    "table, not logged", in ? sa->spi_in : sa->spi_out);
		return;
	}
	fmt_hex(ek, in ? sa->enc_key_in : sa->enc_key_out, kl);
	if (sa->enc_alg == ISAKMP_ESP_AES_GCM_16)
		fmt_hex(ek + 2 * kl, in ? sa->salt_in : sa->salt_out, ISAKMP_SALT_LEN);
	fmt_hex(ik, in ? sa->integ_key_in : sa->integ_key_out, il);
	pkt_ntoa(in ? sa->remote.ip : sa->local.ip, src);
	pkt_ntoa(in ? sa->local.ip : sa->remote.ip, dst);
	snprintf(row, sizeof(row), "\"IPv4\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x%s\","
	    "\"%s\",\"%s%s\"", src, dst, in ? sa->spi_in : sa->spi_out, e, ek, a,
	    il > 0 ? "0x" : "", ik);
	gw->hooks.keylog(gw->hooks.user, "esp_sa", row);
	sodium_memzero(row, sizeof(row));
	sodium_memzero(ek, sizeof(ek));
	sodium_memzero(ik, sizeof(ik));
}

void
gw_keylog_ipsec(struct gw *gw, const struct isakmp_ipsec_sa *sa)
{
	if (gw->hooks.keylog == NULL)
		return;
	esp_row(gw, sa, true);
	esp_row(gw, sa, false);
}
