/*
 * gw_show_counters.c - "show counters": every library's counters and the
 * gateway's, by name, nonzero first, each marked when it counts drops; the
 * counters of deleted SAs are kept in the totals (gw_esp_gone).  And "show
 * config": the configuration as it is now, as the script's text or JSON.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_show.h"

/* ---- counters of deleted SAs --------------------------------------------- */

/* The per-SA counters are summed as an array of uint64_t. */
_Static_assert(sizeof(struct esp_sa_stats) % sizeof(uint64_t) == 0,
    "struct esp_sa_stats holds only uint64_t counters");

void
gw_esp_gone(struct gw *gw, const struct esp_sa *in, const struct esp_sa *out)
{
	const struct esp_sa *sa[2] = { in, out };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		struct esp_sa_stats st;
		uint64_t *dst = (uint64_t *)(void *)&gw->esp_gone[k];
		const uint64_t *src = (const uint64_t *)(const void *)&st;

		if (sa[k] == NULL)
			continue;
		memset(&st, 0, sizeof(st));
		esp_sa_get_stats(sa[k], &st);
		for (i = 0; i < sizeof(st) / sizeof(uint64_t); i++)
			dst[i] += src[i];
	}
}

/* ---- show counters ----------------------------------------------------- */

/* What a counter is: events, refused or dropped input, or a level now. */
enum ckind { K_EVENT, K_DROP, K_GAUGE };

struct cdef {
	const char *name;
	size_t off;
	enum ckind kind;
};

/* d: true (a drop) or false (an event); G: a gauge. */
#define C(s, f, d) { #f, offsetof(s, f), (d) ? K_DROP : K_EVENT }
#define G(s, f) { #f, offsetof(s, f), K_GAUGE }
static const struct cdef isakmp_c[] = {
	C(struct isakmp_stats, rx_packets, false),
	C(struct isakmp_stats, tx_packets, false),
	C(struct isakmp_stats, rx_bytes, false),
	C(struct isakmp_stats, tx_bytes, false),
	C(struct isakmp_stats, rx_truncated, true),
	C(struct isakmp_stats, rx_bad_length, true),
	C(struct isakmp_stats, rx_bad_version, true),
	C(struct isakmp_stats, rx_bad_payload, true),
	C(struct isakmp_stats, rx_no_sa, true),
	C(struct isakmp_stats, rx_no_proposal, true),
	C(struct isakmp_stats, rx_auth_failed, true),
	C(struct isakmp_stats, rx_bad_state, true),
	C(struct isakmp_stats, rx_bad_ke, true),
	C(struct isakmp_stats, rx_bad_nonce, true),
	C(struct isakmp_stats, rx_bad_attr, true),
	C(struct isakmp_stats, rx_decrypt_failed, true),
	C(struct isakmp_stats, rx_bad_id, true),
	C(struct isakmp_stats, rx_no_policy, true),
	C(struct isakmp_stats, rx_bad_marker, true),
	C(struct isakmp_stats, rx_retransmits, false),
	C(struct isakmp_stats, rx_keepalives, false),
	C(struct isakmp_stats, rx_bad_exchange, true),
	C(struct isakmp_stats, half_open_refused, true),
	C(struct isakmp_stats, sa_limit_refused, true),
	C(struct isakmp_stats, events_dropped, true),
	C(struct isakmp_stats, amplification_refused, true),
	C(struct isakmp_stats, phase1_up, false),
	C(struct isakmp_stats, phase1_failed, true),
	C(struct isakmp_stats, phase2_up, false),
	C(struct isakmp_stats, deletes_rx, false),
	C(struct isakmp_stats, deletes_tx, false),
	C(struct isakmp_stats, dpd_tx, false),
	C(struct isakmp_stats, dpd_rx, false),
	C(struct isakmp_stats, dpd_ack_rx, false),
	C(struct isakmp_stats, tx_retransmits, false),
	C(struct isakmp_stats, tx_oversize, true),
	C(struct isakmp_stats, rx_script, true),
	C(struct isakmp_stats, peers_created, false),
	C(struct isakmp_stats, peers_removed, false),
	C(struct isakmp_stats, peer_limit_refused, true),
	C(struct isakmp_stats, ipsec_limit_refused, true),
	C(struct isakmp_stats, ipsec_rekeys, false),
	C(struct isakmp_stats, phase1_rekeys, false),
	C(struct isakmp_stats, natt_keepalives_tx, false),
	C(struct isakmp_stats, peer_moves, false),
	C(struct isakmp_stats, rebind_refused, true),
	C(struct isakmp_stats, timer_deferred, false),
	C(struct isakmp_stats, half_open_evicted, true),
	C(struct isakmp_stats, half_open_ip_evicted, true),
	C(struct isakmp_stats, sa_ip_refused, true),
	C(struct isakmp_stats, cookies_sent, false),
	C(struct isakmp_stats, cookies_valid, false),
	C(struct isakmp_stats, cookies_invalid, true),
	C(struct isakmp_stats, auth_fail_destroyed, true),
	C(struct isakmp_stats, auth_rate_limited, true),
	C(struct isakmp_stats, auth_policy_limited, true),
	C(struct isakmp_stats, rx_wrong_address, true),
	C(struct isakmp_stats, initial_contact_spared, false),
	C(struct isakmp_stats, rx_info_replays, true),
	C(struct isakmp_stats, dpd_extra_ignored, true),
	C(struct isakmp_stats, rx_qm_id_mismatch, true),
	C(struct isakmp_stats, events_coalesced, false),
};

static const struct cdef esp_c[] = {
	G(struct esp_stats, sas),
	C(struct esp_stats, sa_limit, true),
	C(struct esp_stats, no_sa, true),
	C(struct esp_stats, truncated, true),
	C(struct esp_stats, bad_ip, true),
	C(struct esp_stats, not_esp, true),
	C(struct esp_stats, wrong_dir, true),
	C(struct esp_stats, events_dropped, true),
	C(struct esp_stats, keepalives, false),
	C(struct esp_stats, ike, false),
	C(struct esp_stats, peer_moved, false),
};

static const struct cdef esp_sa_c[] = {
	C(struct esp_sa_stats, packets, false),
	C(struct esp_sa_stats, bytes, false),
	C(struct esp_sa_stats, truncated, true),
	C(struct esp_sa_stats, bad_length, true),
	C(struct esp_sa_stats, align, true),
	C(struct esp_sa_stats, auth_fail, true),
	C(struct esp_sa_stats, replay, true),
	C(struct esp_sa_stats, too_old, true),
	C(struct esp_sa_stats, bad_pad, true),
	C(struct esp_sa_stats, bad_next_hdr, true),
	C(struct esp_sa_stats, dummy, true),
	C(struct esp_sa_stats, buffer, true),
	C(struct esp_sa_stats, expired, true),
	C(struct esp_sa_stats, seq_exhausted, true),
	C(struct esp_sa_stats, crypto_fail, true),
	C(struct esp_sa_stats, rng_fail, true),
	C(struct esp_sa_stats, selector, true),
	C(struct esp_sa_stats, peer_moved, false),
};

static const struct cdef l2tp_c[] = {
	C(struct l2tp_stats, rx_packets, false),
	C(struct l2tp_stats, rx_control, false),
	C(struct l2tp_stats, rx_data, false),
	C(struct l2tp_stats, rx_zlb, false),
	C(struct l2tp_stats, tx_packets, false),
	C(struct l2tp_stats, tx_control, false),
	C(struct l2tp_stats, tx_data, false),
	C(struct l2tp_stats, tx_zlb, false),
	C(struct l2tp_stats, rx_data_bytes, false),
	C(struct l2tp_stats, tx_data_bytes, false),
	C(struct l2tp_stats, rx_truncated, true),
	C(struct l2tp_stats, rx_bad_length, true),
	C(struct l2tp_stats, rx_bad_version, true),
	C(struct l2tp_stats, rx_bad_header, true),
	C(struct l2tp_stats, rx_avp_length, true),
	C(struct l2tp_stats, rx_hidden_bad, true),
	C(struct l2tp_stats, rx_missing_avp, true),
	C(struct l2tp_stats, rx_bad_avp, true),
	C(struct l2tp_stats, rx_unknown_mandatory, true),
	C(struct l2tp_stats, rx_unknown_optional, false),
	C(struct l2tp_stats, rx_no_tunnel, true),
	C(struct l2tp_stats, rx_no_session, true),
	C(struct l2tp_stats, rx_out_of_window, true),
	C(struct l2tp_stats, rx_duplicate, true),
	C(struct l2tp_stats, rx_out_of_order, true),
	C(struct l2tp_stats, rx_auth_failed, true),
	C(struct l2tp_stats, rx_sccrq_retransmit, false),
	C(struct l2tp_stats, rx_unsupported, true),
	C(struct l2tp_stats, rx_state, true),
	C(struct l2tp_stats, refused_limit, true),
	C(struct l2tp_stats, refused_tiebreak, true),
	C(struct l2tp_stats, nomem, true),
	C(struct l2tp_stats, queue_full, true),
	C(struct l2tp_stats, retransmits, false),
	C(struct l2tp_stats, hellos_sent, false),
	C(struct l2tp_stats, rtx_teardowns, true),
	C(struct l2tp_stats, session_setup_timeouts, true),
	C(struct l2tp_stats, tunnel_setup_timeouts, true),
	C(struct l2tp_stats, peer_restarts, false),
	C(struct l2tp_stats, peer_drops, false),
	C(struct l2tp_stats, tunnels_up, false),
	C(struct l2tp_stats, tunnels_down, false),
	C(struct l2tp_stats, sessions_up, false),
	C(struct l2tp_stats, sessions_down, false),
	G(struct l2tp_stats, tunnels_open),
	G(struct l2tp_stats, sessions_open),
	C(struct l2tp_stats, refused_peer_tunnels, true),
	C(struct l2tp_stats, refused_peer_half_open, true),
	C(struct l2tp_stats, refused_peer_sessions, true),
	C(struct l2tp_stats, peer_linger_reclaimed, false),
	C(struct l2tp_stats, sccrp_resent, false),
	C(struct l2tp_stats, unverified_suppressed, true),
	C(struct l2tp_stats, unverified_expired, false),
	C(struct l2tp_stats, log_suppressed, false),
};

static const struct cdef ppp_c[] = {
	C(struct ppp_stats, frames_in, false),
	C(struct ppp_stats, frames_out, false),
	C(struct ppp_stats, ip_in, false),
	C(struct ppp_stats, ip_out, false),
	C(struct ppp_stats, ip_bytes_in, false),
	C(struct ppp_stats, ip_bytes_out, false),
	C(struct ppp_stats, sessions_created, false),
	G(struct ppp_stats, sessions_live),
	C(struct ppp_stats, session_limit, true),
	C(struct ppp_stats, sessions_up, false),
	C(struct ppp_stats, sessions_down, false),
	C(struct ppp_stats, auth_ok, false),
	C(struct ppp_stats, auth_fail, true),
	C(struct ppp_stats, auth_timeout, true),
	C(struct ppp_stats, truncated, true),
	C(struct ppp_stats, bad_length, true),
	C(struct ppp_stats, bad_option, true),
	C(struct ppp_stats, dup_option, true),
	C(struct ppp_stats, bad_id, true),
	C(struct ppp_stats, bad_frame, true),
	C(struct ppp_stats, unknown_proto, true),
	C(struct ppp_stats, unknown_code, true),
	C(struct ppp_stats, bad_message, true),
	C(struct ppp_stats, name_too_long, true),
	C(struct ppp_stats, bad_response, true),
	C(struct ppp_stats, duplicate, true),
	C(struct ppp_stats, late, true),
	C(struct ppp_stats, not_converged, true),
	C(struct ppp_stats, rate_limited, true),
	C(struct ppp_stats, loopback, true),
	C(struct ppp_stats, queue_full, true),
	C(struct ppp_stats, too_big, true),
	C(struct ppp_stats, echo_timeout, true),
	C(struct ppp_stats, discard, true),
	C(struct ppp_stats, nomem, true),
	C(struct ppp_stats, bad_state, true),
	C(struct ppp_stats, rng_fail, true),
	C(struct ppp_stats, ip_spoofed, true),
	C(struct ppp_stats, rejects_suppressed, false),
	C(struct ppp_stats, auth_user_changed, true),
	C(struct ppp_stats, ipcp_addr_nak, false),
	C(struct ppp_stats, log_suppressed, false),
};

static const struct cdef fw_c[] = {
	C(struct fw_stats, packets, false),
	C(struct fw_stats, passed, false),
	C(struct fw_stats, dropped, true),
	C(struct fw_stats, flows_created, false),
	C(struct fw_stats, flows_expired, false),
	C(struct fw_stats, flows_evicted, false),
	C(struct fw_stats, flows_removed, false),
	G(struct fw_stats, flows_active),
	G(struct fw_stats, flows_peak),
	C(struct fw_stats, nat_translated, false),
	C(struct fw_stats, icmp_errors_translated, false),
	C(struct fw_stats, frags_tracked, false),
	C(struct fw_stats, mss_clamped, false),
	C(struct fw_stats, log_suppressed, false),
	C(struct fw_stats, flows_evicted_unreplied, false),
	C(struct fw_stats, tcp_rst_inexact, false),
};

static const struct cdef gw_c[] = {
	C(struct gw_stats, rx_udp, false),
	C(struct gw_stats, rx_esp, false),
	C(struct gw_stats, rx_tun, false),
	C(struct gw_stats, tx_udp, false),
	C(struct gw_stats, tx_esp, false),
	C(struct gw_stats, tx_tun, false),
	C(struct gw_stats, ike_in, false),
	C(struct gw_stats, ike_drop, true),
	C(struct gw_stats, esp_in, false),
	C(struct gw_stats, keepalive_in, false),
	C(struct gw_stats, l2tp_clear_refused, true),
	C(struct gw_stats, esp_drop, true),
	C(struct gw_stats, l2tp_drop, true),
	C(struct gw_stats, ppp_drop, true),
	C(struct gw_stats, fw_drop, true),
	C(struct gw_stats, tun_drop, true),
	C(struct gw_stats, no_route, true),
	C(struct gw_stats, no_session, true),
	C(struct gw_stats, spoofed, true),
	C(struct gw_stats, too_big_icmp, true),
	C(struct gw_stats, fragmented, false),
	C(struct gw_stats, bad_ip, true),
	C(struct gw_stats, not_udp, true),
	C(struct gw_stats, not_l2tp, true),
	C(struct gw_stats, unknown_port, true),
	C(struct gw_stats, no_sa_out, true),
	C(struct gw_stats, peers_up, false),
	C(struct gw_stats, peers_down, false),
	C(struct gw_stats, sessions_up, false),
	C(struct gw_stats, sessions_down, false),
	C(struct gw_stats, clients_up, false),
	C(struct gw_stats, auth_ok, false),
	C(struct gw_stats, auth_fail, true),
	C(struct gw_stats, pool_exhausted, true),
	C(struct gw_stats, limit_refused, true),
	C(struct gw_stats, icmp_sent, false),
	C(struct gw_stats, output_dropped, true),
};
#undef C
#undef G

/* Every field of every stats struct has its line above: a counter added to
 * a library and not here fails the build. */
#define ALL_OF(t, st, extra) _Static_assert(NK(t) + (extra) == \
	sizeof(struct st) / sizeof(uint64_t), #t " lists every field of struct " #st)
ALL_OF(isakmp_c, isakmp_stats, 0);
ALL_OF(esp_c, esp_stats, 0);
ALL_OF(esp_sa_c, esp_sa_stats, 0);
ALL_OF(l2tp_c, l2tp_stats, 0);
ALL_OF(ppp_c, ppp_stats, 0);
ALL_OF(fw_c, fw_stats, FW_REASON_MAX);	/* drops[] is listed by reason */
ALL_OF(gw_c, gw_stats, 0);
#undef ALL_OF

/* libfw's drop reasons by -code (fw_stats.drops[]), as identifiers. */
static const char *const fw_reasons[FW_REASON_MAX] = {
	[11] = "truncated", [12] = "bad_length", [13] = "version",
	[32] = "bad_ihl", [33] = "bad_checksum", [34] = "ip_options",
	[35] = "bad_tcp_offset", [36] = "tcp_flags", [37] = "icmp_bad_inner",
	[38] = "frag_overlap", [39] = "frag_no_first", [40] = "frag_tiny",
	[41] = "bad_address", [42] = "bad_if", [43] = "spoofed", [44] = "policy",
	[45] = "rule_deny", [46] = "need_ipsec", [47] = "ipsec_mismatch",
	[48] = "tcp_no_syn", [49] = "tcp_state", [50] = "icmp_no_flow",
	[51] = "table_full", [52] = "nat_exhausted", [53] = "frag_table_full",
	[54] = "unsupported", [55] = "tcp_window", [56] = "wrong_if",
	[57] = "source_quota", [58] = "rule_quota", [59] = "frag_quota",
	[60] = "icmp_redirect", [61] = "icmp_source_quench",
};
_Static_assert(FW_E_ICMP_SOURCE_QUENCH == -61, "fw_reasons names libfw's drop reasons");

struct cval {
	char name[48];
	uint64_t v;
	enum ckind kind;
};

struct cvals {
	struct cval *v;
	size_t n, cap;
};

static void
cv_add(struct cvals *cv, const char *prefix, const char *name, uint64_t v, enum ckind kind)
{
	if (cv->n >= cv->cap)
		return;
	snprintf(cv->v[cv->n].name, sizeof(cv->v[0].name), "%s%s", prefix, name);
	cv->v[cv->n].v = v;
	cv->v[cv->n++].kind = kind;
}

static void
cv_group(struct cvals *cv, const char *prefix, const struct cdef *d, size_t n,
    const void *st)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)st + d[i].off, sizeof(v));
		cv_add(cv, prefix, d[i].name, v, d[i].kind);
	}
}

/* Every counter, in the libraries' order: "<library>.<field>". */
static int
cv_collect(struct cmd *c, struct cvals *cv)
{
	struct gw *gw = c->gw;
	struct isakmp_stats is;
	struct esp_stats es;
	struct esp_sa_stats sa[2];
	struct esp_sa_info info;
	struct l2tp_stats ls;
	struct ppp_stats ps;
	struct fw_stats fs;
	struct gw_stats gs;
	size_t cur = 0, i, k;

	cv->cap = 512;
	cv->n = 0;
	if ((cv->v = calloc(cv->cap, sizeof(*cv->v))) == NULL)
		return -1;
	isakmp_get_stats(gw->ike, &is);
	cv_group(cv, "isakmp.", isakmp_c, NK(isakmp_c), &is);
	esp_get_stats(gw->esp, &es);
	cv_group(cv, "esp.", esp_c, NK(esp_c), &es);
	/* Per-SA counters: the SAs installed now plus those deleted. */
	sa[0] = gw->esp_gone[0];
	sa[1] = gw->esp_gone[1];
	while (esp_sa_next(gw->esp, c->now, &cur, &info)) {
		uint64_t *dst = (uint64_t *)(void *)&sa[info.dir == ESP_DIR_IN ? 0 : 1];
		const uint64_t *src = (const uint64_t *)(const void *)&info.stats;

		for (k = 0; k < sizeof(info.stats) / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
	cv_group(cv, "esp.sa_in.", esp_sa_c, NK(esp_sa_c), &sa[0]);
	cv_group(cv, "esp.sa_out.", esp_sa_c, NK(esp_sa_c), &sa[1]);
	l2tp_get_stats(gw->l2tp, &ls);
	cv_group(cv, "l2tp.", l2tp_c, NK(l2tp_c), &ls);
	ppp_get_stats(gw->ppp, &ps);
	cv_group(cv, "ppp.", ppp_c, NK(ppp_c), &ps);
	fw_get_stats(gw->fw, &fs);	/* all zero without a firewall */
	cv_group(cv, "fw.", fw_c, NK(fw_c), &fs);
	for (i = 1; i < FW_REASON_MAX; i++) {
		char n[24];

		if (fw_reasons[i] == NULL && fs.drops[i] == 0)
			continue;
		if (fw_reasons[i] == NULL)
			snprintf(n, sizeof(n), "reason_%zu", i);
		else
			snprintf(n, sizeof(n), "%s", fw_reasons[i]);
		cv_add(cv, "fw.drop.", n, fs.drops[i], K_DROP);
	}
	gw_get_stats(gw, &gs);
	cv_group(cv, "gateway.", gw_c, NK(gw_c), &gs);
	cv_add(cv, "gateway.", "ctl_commands", gw->ctl_commands, K_EVENT);
	cv_add(cv, "gateway.", "ctl_refused", gw->ctl_refused, K_DROP);
	return 0;
}

static const struct cval *
cv_find(const struct cvals *cv, const char *name)
{
	size_t i;

	for (i = 0; i < cv->n; i++)
		if (strcmp(cv->v[i].name, name) == 0)
			return &cv->v[i];
	return NULL;
}

static uint64_t
cv_get(const struct cvals *cv, const char *name)
{
	const struct cval *v = cv_find(cv, name);

	return v != NULL ? v->v : 0;
}

/* ---- OpenMetrics (Prometheus text exposition) --------------------------- */

/* A label value, escaped as the exposition format wants (\\, \", \n). */
static void
om_label(struct gw_ctl_out *o, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			ob_printf(o, "\\%c", *v);
		else if (*v == '\n')
			ob_puts(o, "\\n");
		else
			ob_putn(o, v, 1);
	}
}

static void
om_family(struct gw_ctl_out *o, const char *name, const char *type, const char *unit,
    const char *help)
{
	ob_printf(o, "# TYPE %s %s\n", name, type);
	if (unit != NULL)
		ob_printf(o, "# UNIT %s %s\n", name, unit);
	ob_printf(o, "# HELP %s %s\n", name, help);
}

/* One sample: name (with _total for a counter), up to two labels.  HELP
 * texts are constants without quotes or backslashes (nothing to escape). */
static void
om_sample(struct gw_ctl_out *o, const char *name, const char *k1, const char *v1,
    const char *k2, const char *v2, uint64_t v)
{
	ob_puts(o, name);
	if (k1 != NULL) {
		ob_printf(o, "{%s=\"", k1);
		om_label(o, v1);
		if (k2 != NULL) {
			ob_printf(o, "\",%s=\"", k2);
			om_label(o, v2);
		}
		ob_puts(o, "\"}");
	}
	ob_printf(o, " %llu\n", (unsigned long long)v);
}

/* "isakmp.rx_packets" -> library "isakmp", name "rx_packets"; the per-SA
 * and per-reason groups keep their middle word in the library label
 * ("esp.sa_in", "fw.drop"). */
static void
om_split(const char *full, char *lib, size_t cap, const char **field)
{
	const char *dot = strrchr(full, '.');
	size_t n = dot != NULL ? (size_t)(dot - full) : 0;

	if (n >= cap)
		n = cap - 1;
	memcpy(lib, full, n);
	lib[n] = '\0';
	*field = dot != NULL ? dot + 1 : full;
}

static void
om_by_kind(struct gw_ctl_out *o, const struct cvals *cv, enum ckind kind,
    const char *name, const char *field_label)
{
	size_t i;

	for (i = 0; i < cv->n; i++) {
		char lib[32];
		const char *f;

		if (cv->v[i].kind != kind)
			continue;
		om_split(cv->v[i].name, lib, sizeof(lib), &f);
		om_sample(o, name, "library", lib, field_label, f, cv->v[i].v);
	}
}

static void
show_counters_openmetrics(struct cmd *c, const struct cvals *cv)
{
	static const struct { const char *layer, *in, *out, *pin, *pout; } layers[] = {
		{ "ike", "isakmp.rx_bytes", "isakmp.tx_bytes",
		  "isakmp.rx_packets", "isakmp.tx_packets" },
		{ "esp", "esp.sa_in.bytes", "esp.sa_out.bytes",
		  "esp.sa_in.packets", "esp.sa_out.packets" },
		{ "l2tp", "l2tp.rx_data_bytes", "l2tp.tx_data_bytes",
		  "l2tp.rx_data", "l2tp.tx_data" },
		{ "ppp", "ppp.ip_bytes_in", "ppp.ip_bytes_out", "ppp.ip_in", "ppp.ip_out" },
	};
	static const struct { const char *stage, *name; } setups[] = {
		{ "ike", "isakmp.phase1_up" }, { "ipsec", "isakmp.phase2_up" },
		{ "l2tp_tunnel", "l2tp.tunnels_up" }, { "l2tp_session", "l2tp.sessions_up" },
		{ "ppp_auth", "gateway.auth_ok" }, { "client", "gateway.clients_up" },
	};
	struct gw_ctl_out *o = c->o;
	const struct gw *gw = c->gw;
	const struct gw_sess *s;
	uint64_t clients = 0;
	size_t i;

	for (s = gw->sessions; s != NULL; s = s->next)
		if (!s->dead && s->addr != 0 && s->up_at != 0)
			clients++;
	om_family(o, "roadgate_clients", "gauge", NULL,
	    "Clients connected now (PPP sessions with IPCP up and an address).");
	om_sample(o, "roadgate_clients", NULL, NULL, NULL, NULL, clients);
	om_family(o, "roadgate_peers", "gauge", NULL, "IKE peers (remote clients) now.");
	om_sample(o, "roadgate_peers", NULL, NULL, NULL, NULL, gw->n_peers);
	om_family(o, "roadgate_setups", "counter", NULL,
	    "Setup steps completed, by stage; the stage client is a whole connection.");
	for (i = 0; i < NK(setups); i++)
		om_sample(o, "roadgate_setups_total", "stage", setups[i].stage, NULL, NULL,
		    cv_get(cv, setups[i].name));
	om_family(o, "roadgate_setup_failures", "counter", NULL,
	    "Failed setups by reason, in the words of show failures.");
	for (i = 0; i < gw->n_fail_counts; i++)
		om_sample(o, "roadgate_setup_failures_total", "reason", gw->fail_counts[i].why,
		    NULL, NULL, gw->fail_counts[i].n);
	if (gw->fail_other > 0)
		om_sample(o, "roadgate_setup_failures_total", "reason", "other", NULL, NULL,
		    gw->fail_other);
	om_family(o, "roadgate_bytes", "counter", "bytes",
	    "Bytes by layer and direction; in is from clients.");
	for (i = 0; i < NK(layers); i++) {
		om_sample(o, "roadgate_bytes_total", "layer", layers[i].layer, "direction", "in",
		    cv_get(cv, layers[i].in));
		om_sample(o, "roadgate_bytes_total", "layer", layers[i].layer, "direction", "out",
		    cv_get(cv, layers[i].out));
	}
	om_family(o, "roadgate_packets", "counter", NULL, "Packets by layer and direction.");
	for (i = 0; i < NK(layers); i++) {
		om_sample(o, "roadgate_packets_total", "layer", layers[i].layer, "direction",
		    "in", cv_get(cv, layers[i].pin));
		om_sample(o, "roadgate_packets_total", "layer", layers[i].layer, "direction",
		    "out", cv_get(cv, layers[i].pout));
	}
	om_family(o, "roadgate_drops", "counter", NULL,
	    "Input refused or dropped, by library and reason.");
	om_by_kind(o, cv, K_DROP, "roadgate_drops_total", "reason");
	om_family(o, "roadgate_events", "counter", NULL,
	    "Every other counter of show counters, by library and name.");
	om_by_kind(o, cv, K_EVENT, "roadgate_events_total", "name");
	om_family(o, "roadgate_level", "gauge", NULL,
	    "Table levels of the libraries now (SAs, tunnels, sessions, flows).");
	om_by_kind(o, cv, K_GAUGE, "roadgate_level", "name");
	ob_puts(o, "# EOF\n");
}

void
show_counters(struct cmd *c)
{
	static const struct col cols[] = {
		{ "COUNTER", 44, false }, { "VALUE", 20, true }, { "KIND", 5, false },
	};
	static const char *const kind_word[] = { "", "drop", "level" };
	struct cvals cv;
	size_t i, nonzero = 0, drops = 0;
	int pass;

	if (cv_collect(c, &cv) != 0) {
		c->o->nomem = true;
		return;
	}
	if (c->openmetrics) {
		show_counters_openmetrics(c, &cv);
		free(cv.v);
		return;
	}
	for (i = 0; i < cv.n; i++)
		if (cv.v[i].v != 0) {
			nonzero++;
			drops += cv.v[i].kind == K_DROP;
		}
	if (c->json)
		jw_arr(&c->jw, "items");
	else
		tb_header(c->o, cols, NK(cols));
	/* Nonzero first, each group in the libraries' order. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < cv.n; i++) {
			const struct cval *v = &cv.v[i];
			char num[32];
			const char *cells[3];

			if ((pass == 0) != (v->v != 0))
				continue;
			if (c->json) {
				jw_obj(&c->jw, NULL);
				jw_str(&c->jw, "name", v->name);
				jw_u64(&c->jw, "value", v->v);
				jw_bool(&c->jw, "drop", v->kind == K_DROP);
				jw_bool(&c->jw, "gauge", v->kind == K_GAUGE);
				jw_end_obj(&c->jw);
				continue;
			}
			snprintf(num, sizeof(num), "%llu", (unsigned long long)v->v);
			cells[0] = v->name;
			cells[1] = num;
			cells[2] = kind_word[v->kind];
			tb_line(c->o, cols, 3, cells);
		}
	if (c->json) {
		jw_end_arr(&c->jw);
		jw_u64(&c->jw, "total", cv.n);
		jw_u64(&c->jw, "nonzero", nonzero);
		jw_u64(&c->jw, "nonzero_drops", drops);
		jw_arr(&c->jw, "failures_by_reason");
		for (i = 0; i < c->gw->n_fail_counts; i++) {
			jw_obj(&c->jw, NULL);
			jw_str(&c->jw, "why", c->gw->fail_counts[i].why);
			jw_u64(&c->jw, "count", c->gw->fail_counts[i].n);
			jw_end_obj(&c->jw);
		}
		jw_end_arr(&c->jw);
		jw_u64(&c->jw, "failures_other", c->gw->fail_other);
	} else {
		ob_printf(c->o, "(%zu counters, %zu nonzero, %zu of them drops)\n", cv.n,
		    nonzero, drops);
		for (i = 0; i < c->gw->n_fail_counts; i++)
			ob_printf(c->o, "%s%8llu  %s\n", i == 0 ? "Failures by reason:\n" : "",
			    (unsigned long long)c->gw->fail_counts[i].n,
			    c->gw->fail_counts[i].why);
		if (c->gw->fail_other > 0)
			ob_printf(c->o, "%8llu  other reasons\n",
			    (unsigned long long)c->gw->fail_other);
	}
	free(cv.v);
}

/* ---- show config ------------------------------------------------------- */

void
show_config(struct cmd *c)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int rc;

	if (f == NULL) {
		c->o->nomem = true;
		return;
	}
	rc = c->json ? gwconf_print_json(c->gw->conf, f) : gwconf_print(c->gw->conf, f);
	if (fclose(f) != 0 || rc != 0 || buf == NULL) {
		free(buf);
		c->o->nomem = true;
		return;
	}
	if (c->json) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			n--;
		jw_raw(&c->jw, "config", buf, n);
	} else {
		ob_putn(c->o, buf, n);
	}
	free(buf);
}
