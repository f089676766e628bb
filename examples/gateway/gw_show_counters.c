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

struct cdef {
	const char *name;
	size_t off;
	bool drop;
};

#define C(s, f, d) { #f, offsetof(s, f), d }
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
};

static const struct cdef esp_c[] = {
	C(struct esp_stats, sas, false),
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
	C(struct l2tp_stats, tunnels_open, false),
	C(struct l2tp_stats, sessions_open, false),
};

static const struct cdef ppp_c[] = {
	C(struct ppp_stats, frames_in, false),
	C(struct ppp_stats, frames_out, false),
	C(struct ppp_stats, ip_in, false),
	C(struct ppp_stats, ip_out, false),
	C(struct ppp_stats, ip_bytes_in, false),
	C(struct ppp_stats, ip_bytes_out, false),
	C(struct ppp_stats, sessions_created, false),
	C(struct ppp_stats, sessions_live, false),
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
};

static const struct cdef fw_c[] = {
	C(struct fw_stats, packets, false),
	C(struct fw_stats, passed, false),
	C(struct fw_stats, dropped, true),
	C(struct fw_stats, flows_created, false),
	C(struct fw_stats, flows_expired, false),
	C(struct fw_stats, flows_evicted, false),
	C(struct fw_stats, flows_removed, false),
	C(struct fw_stats, flows_active, false),
	C(struct fw_stats, flows_peak, false),
	C(struct fw_stats, nat_translated, false),
	C(struct fw_stats, icmp_errors_translated, false),
	C(struct fw_stats, frags_tracked, false),
	C(struct fw_stats, mss_clamped, false),
	C(struct fw_stats, log_suppressed, false),
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
	C(struct gw_stats, auth_ok, false),
	C(struct gw_stats, auth_fail, true),
	C(struct gw_stats, pool_exhausted, true),
	C(struct gw_stats, limit_refused, true),
	C(struct gw_stats, icmp_sent, false),
	C(struct gw_stats, output_dropped, true),
};
#undef C

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
	[54] = "unsupported",
};

struct cval {
	char name[48];
	uint64_t v;
	bool drop;
};

struct cvals {
	struct cval *v;
	size_t n, cap;
};

static void
cv_add(struct cvals *cv, const char *prefix, const char *name, uint64_t v, bool drop)
{
	if (cv->n >= cv->cap)
		return;
	snprintf(cv->v[cv->n].name, sizeof(cv->v[0].name), "%s%s", prefix, name);
	cv->v[cv->n].v = v;
	cv->v[cv->n++].drop = drop;
}

static void
cv_group(struct cvals *cv, const char *prefix, const struct cdef *d, size_t n,
    const void *st)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)st + d[i].off, sizeof(v));
		cv_add(cv, prefix, d[i].name, v, d[i].drop);
	}
}

void
show_counters(struct cmd *c)
{
	static const struct col cols[] = {
		{ "COUNTER", 44, false }, { "VALUE", 20, true }, { "KIND", 4, false },
	};
	struct gw *gw = c->gw;
	struct cvals cv;
	struct isakmp_stats is;
	struct esp_stats es;
	struct esp_sa_stats sa[2];
	struct esp_sa_info info;
	struct l2tp_stats ls;
	struct ppp_stats ps;
	struct fw_stats fs;
	struct gw_stats gs;
	size_t cur = 0, i, k, nonzero = 0, drops = 0;
	int pass;

	cv.cap = 512;
	cv.n = 0;
	if ((cv.v = calloc(cv.cap, sizeof(*cv.v))) == NULL) {
		c->o->nomem = true;
		return;
	}
	isakmp_get_stats(gw->ike, &is);
	cv_group(&cv, "isakmp.", isakmp_c, NK(isakmp_c), &is);
	esp_get_stats(gw->esp, &es);
	cv_group(&cv, "esp.", esp_c, NK(esp_c), &es);
	/* Per-SA counters: the SAs installed now plus those deleted. */
	sa[0] = gw->esp_gone[0];
	sa[1] = gw->esp_gone[1];
	while (esp_sa_next(gw->esp, c->now, &cur, &info)) {
		uint64_t *dst = (uint64_t *)(void *)&sa[info.dir == ESP_DIR_IN ? 0 : 1];
		const uint64_t *src = (const uint64_t *)(const void *)&info.stats;

		for (k = 0; k < sizeof(info.stats) / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
	cv_group(&cv, "esp.sa_in.", esp_sa_c, NK(esp_sa_c), &sa[0]);
	cv_group(&cv, "esp.sa_out.", esp_sa_c, NK(esp_sa_c), &sa[1]);
	l2tp_get_stats(gw->l2tp, &ls);
	cv_group(&cv, "l2tp.", l2tp_c, NK(l2tp_c), &ls);
	ppp_get_stats(gw->ppp, &ps);
	cv_group(&cv, "ppp.", ppp_c, NK(ppp_c), &ps);
	fw_get_stats(gw->fw, &fs);	/* all zero without a firewall */
	cv_group(&cv, "fw.", fw_c, NK(fw_c), &fs);
	for (i = 1; i < FW_REASON_MAX; i++) {
		char n[24];

		if (fw_reasons[i] == NULL && fs.drops[i] == 0)
			continue;
		if (fw_reasons[i] == NULL)
			snprintf(n, sizeof(n), "reason_%zu", i);
		else
			snprintf(n, sizeof(n), "%s", fw_reasons[i]);
		cv_add(&cv, "fw.drop.", n, fs.drops[i], true);
	}
	gw_get_stats(gw, &gs);
	cv_group(&cv, "gateway.", gw_c, NK(gw_c), &gs);
	cv_add(&cv, "gateway.", "ctl_commands", gw->ctl_commands, false);
	cv_add(&cv, "gateway.", "ctl_refused", gw->ctl_refused, true);

	for (i = 0; i < cv.n; i++)
		if (cv.v[i].v != 0) {
			nonzero++;
			drops += cv.v[i].drop;
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
				jw_bool(&c->jw, "drop", v->drop);
				jw_end_obj(&c->jw);
				continue;
			}
			snprintf(num, sizeof(num), "%llu", (unsigned long long)v->v);
			cells[0] = v->name;
			cells[1] = num;
			cells[2] = v->drop ? "drop" : "";
			tb_line(c->o, cols, 3, cells);
		}
	if (c->json) {
		jw_end_arr(&c->jw);
		jw_u64(&c->jw, "total", cv.n);
		jw_u64(&c->jw, "nonzero", nonzero);
		jw_u64(&c->jw, "nonzero_drops", drops);
	} else {
		ob_printf(c->o, "(%zu counters, %zu nonzero, %zu of them drops)\n", cv.n,
		    nonzero, drops);
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
