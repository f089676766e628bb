/*
 * keylog.h - vpn-gateway --keylog DIR: the IKEv1 and ESP keys of every SA
 * that comes up, written as Wireshark's own key tables, so that a capture
 * of the gateway's traffic decrypts with no further work:
 *
 *   DIR/wireshark/ikev1_decryption_table   rows "icookie,enc_key" (hex)
 *   DIR/wireshark/esp_sa                   rows "IPv4","src","dst","0xSPI",
 *                                          "cipher","0xkey","auth","0xkey"
 *   DIR/wireshark/preferences              ESP decryption switched on
 *                                          (written only when absent)
 *
 * DIR is a Wireshark configuration directory: "XDG_CONFIG_HOME=DIR tshark
 * -r capture.pcap" (or wireshark) decrypts; or copy the two tables into a
 * Wireshark profile.  (Wireshark reads each table from its own file, and
 * refuses a file that mixes them: one file cannot serve both.)
 *
 * Only root reads any of it: DIR and DIR/wireshark are created 0700, the
 * files 0600; existing ones that are not owned by us or give group or
 * other any permission, or that are symbolic links, are refused.  Rows are
 * appended (keys of earlier runs stay for earlier captures).
 */
#ifndef KEYLOG_H
#define KEYLOG_H

#include <stddef.h>

struct keylog;

/* Opens (creates) the tables under dir.  0, or -1 with the reason. */
int keylog_open(struct keylog **out, const char *dir, char *err, size_t errlen);
/* The gateway core's hooks.keylog: appends row to table's file. */
void keylog_write(void *user, const char *table, const char *row);
/* Rows written, and write errors. */
size_t keylog_rows(const struct keylog *k);
size_t keylog_errors(const struct keylog *k);
void keylog_close(struct keylog *k);

#endif
