/*
 * sabridge.h - the one place where libisakmp's SA description meets
 * libesp's SA configuration.
 *
 * The two libraries speak the same vocabulary (transform IDs, integrity
 * values, key and salt sizes, mode, UDP encapsulation, NAT-OA direction,
 * selectors, byte lifetimes): this helper only copies fields, it never
 * translates a value.  libisakmp owns time lifetimes (it rekeys and
 * deletes), libesp owns byte lifetimes (its SOFT/HARD events are forwarded
 * to isakmp_ipsec_sa_rekey / isakmp_ipsec_sa_delete), so esp's time limits
 * stay 0.  Used by vpn-gateway and vpn-client alike.
 */
#ifndef RG_SABRIDGE_H
#define RG_SABRIDGE_H

#include <roadgate/esp.h>
#include <roadgate/isakmp.h>

/*
 * Fills *cfg for the inbound (dir = ESP_DIR_IN) or outbound SA of sa.
 * user is the tag the inbound SA returns on every packet; pair is the
 * outbound sibling of an inbound SA (NULL for outbound).  The caller wipes
 * cfg after esp_sa_add().
 */
void sabridge_esp_config(const struct isakmp_ipsec_sa *sa, enum esp_dir dir,
    uint64_t user, struct esp_sa *pair, struct esp_sa_config *cfg);

/*
 * Installs the pair: outbound first (so the inbound can name it), then
 * inbound.  On failure nothing stays installed.  Returns ESP_OK or the
 * esp_sa_add() error.
 */
int sabridge_install(struct esp_ctx *esp, uint64_t now,
    const struct isakmp_ipsec_sa *sa, uint64_t user, struct esp_sa **in,
    struct esp_sa **out);

/* "aes128-sha1", "3des-md5", "aes256gcm16", ... into buf. */
const char *sabridge_suite_name(const struct isakmp_ipsec_sa *sa, char *buf,
    size_t cap);

#endif
