/*
 * gw_show_lists.c - the operator's tables of the IKE, IPsec, L2TP and PPP
 * libraries' objects: IKE SAs, IPsec SA pairs, L2TP tunnels and sessions,
 * PPP sessions (the firewall's tables are in gw_show_fire.c).  Each is a
 * human table (fixed columns, at most 100 characters a line) or a JSON
 * list, filtered by user=/peer= and paged (CONTROL.md).  Nothing here is a
 * secret: cookies and SPIs are on the wire; keys are never read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_show.h"
#include "pkt.h"

static void
isa_ep(struct rg_ep *e, const struct isakmp_addr *a)
{
	e->ip = a->ip;
	e->port = a->port;
}

/* ---- IKE SAs ------------------------------------------------------------ */

static const char *
id_type_name(uint8_t t)
{
	switch (t) {
	case 1: return "ipv4_addr";
	case 2: return "fqdn";
	case 3: return "user_fqdn";
	case 4: return "ipv4_addr_subnet";
	case 5: return "ipv6_addr";
	case 7: return "ipv4_addr_range";
	case 9: return "der_asn1_dn";
	case 11: return "key_id";
	default: return "other";
	}
}

/* The peer's ID as text: addresses dotted, names with other bytes as
 * \xNN (the same escaping as the gateway's logs). */
static void
id_text(char *buf, size_t cap, uint8_t type, const uint8_t *d, size_t n)
{
	size_t i, o = 0;
	char a[16], b[16];

	if ((type == 1 && n == 4) || ((type == 4 || type == 7) && n == 8)) {
		pkt_ntoa(pkt_get32(d), a);
		if (n == 8)
			snprintf(buf, cap, "%s%s%s", a, type == 4 ? "/" : "-",
			    pkt_ntoa(pkt_get32(d + 4), b));
		else
			snprintf(buf, cap, "%s", a);
		return;
	}
	for (i = 0; i < n && o + 5 < cap; i++) {
		uint8_t ch = d[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", ch);
	}
	buf[o < cap ? o : cap - 1] = '\0';
}

static const char *
group_short(int g)
{
	switch (g) {
	case ISAKMP_GROUP_MODP768: return "g1";
	case ISAKMP_GROUP_MODP1024: return "g2";
	case ISAKMP_GROUP_MODP1536: return "g5";
	case ISAKMP_GROUP_MODP2048: return "g14";
	case ISAKMP_GROUP_MODP3072: return "g15";
	case ISAKMP_GROUP_MODP4096: return "g16";
	case ISAKMP_GROUP_ECP256: return "g19";
	case ISAKMP_GROUP_ECP384: return "g20";
	default: return "g?";
	}
}

static void
p1_enc_text(char *buf, size_t cap, const struct isakmp_p1_proposal *p)
{
	if (p->enc == ISAKMP_ENC_AES)
		snprintf(buf, cap, "aes%u", p->key_bits ? p->key_bits : 128);
	else
		snprintf(buf, cap, "%s", isakmp_p1_enc_name(p->enc));
}

static int
cmp_peer_info(const void *a, const void *b)
{
	uint64_t x = ((const struct isakmp_peer_info *)a)->id;
	uint64_t y = ((const struct isakmp_peer_info *)b)->id;

	return x < y ? -1 : x > y;
}

static const struct isakmp_peer_info *
find_peer_info(const struct isakmp_peer_info *v, size_t n, uint64_t id)
{
	struct isakmp_peer_info k;

	if (n == 0 || id == 0)
		return NULL;
	k.id = id;
	return bsearch(&k, v, n, sizeof(*v), cmp_peer_info);
}

static const char *
nat_text(bool local, bool remote)
{
	return local && remote ? "both" : local ? "us" : remote ? "peer" : "none";
}

void
show_isakmp(struct cmd *c, bool section)
{
	static const struct col cols[] = {
		{ "ID", 5, true }, { "PEER", 21, false }, { "REMOTE-ID", 16, false },
		{ "STATE", 11, false }, { "SUITE", 17, false }, { "NAT", 4, false },
		{ "AGE", 6, true }, { "LEFT", 6, true }, { "DPD", 6, false },
	};
	struct isakmp_peer_info *pv = NULL, tmp;
	struct isakmp_ike_sa_info sa;
	struct page pg;
	size_t np = 0, cur = 0, i;
	bool local_said = false;

	while (isakmp_peer_next(c->gw->ike, c->now, &cur, &tmp))
		np++;
	if (np > 0 && (pv = calloc(np, sizeof(*pv))) == NULL) {
		c->o->nomem = true;
		return;
	}
	for (cur = 0, i = 0; i < np && isakmp_peer_next(c->gw->ike, c->now, &cur, &pv[i]); i++)
		;
	np = i;
	if (np > 1)
		qsort(pv, np, sizeof(*pv), cmp_peer_info);

	page_init(c, &pg, section);
	list_open(c, &pg, "ike_sas", "IKE SAs");
	for (cur = 0; isakmp_ike_sa_next(c->gw->ike, c->now, &cur, &sa);) {
		struct gw_peer *gp = sa.peer_id != 0 ? gws_peer_by_id(c, sa.peer_id) : NULL;
		const struct isakmp_peer_info *pi = find_peer_info(pv, np, sa.peer_id);
		struct rg_ep rem;
		char ida[GWCONF_ID_LEN * 4 + 8], lid[16], enc[16], suite[48], age[FMT_LEN];
		char left[FMT_LEN], dpd[FMT_LEN], id[24], ep[FMT_LEN], cook[17];
		uint64_t left_ns = ns_until(c->now, sa.expires_ns);
		const char *state = sa.replaced_by != 0 ? "rekeyed" :
		    isakmp_state_name(sa.state);

		isa_ep(&rem, &sa.remote);
		if (c->has_user && (gp == NULL || !gws_peer_sel(c, gp)))
			continue;
		if (c->has_peer && !gws_ep_match(c, &rem))
			continue;
		if (!page_take(&pg))
			continue;
		ida[0] = '\0';
		if (pi != NULL && pi->remote_id_type != 0)
			id_text(ida, sizeof(ida), pi->remote_id_type, pi->remote_id,
			    pi->remote_id_len);
		pkt_ntoa(sa.local.ip, lid);
		p1_enc_text(enc, sizeof(enc), &sa.p1);
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "id", sa.id);
			if (sa.peer_id != 0)
				jw_u64(&c->jw, "peer_id", sa.peer_id);
			else
				jw_null(&c->jw, "peer_id");
			jw_str(&c->jw, "state", isakmp_state_name(sa.state));
			jw_bool(&c->jw, "established", sa.state == ISAKMP_STATE_ESTABLISHED);
			jw_bool(&c->jw, "initiator", sa.initiator);
			jw_ep(&c->jw, "peer", sa.remote.ip, sa.remote.port);
			jw_ep(&c->jw, "local", sa.local.ip, sa.local.port);
			jw_obj(&c->jw, "local_id");
			jw_str(&c->jw, "type", "ipv4_addr");
			jw_str(&c->jw, "value", lid);
			jw_end_obj(&c->jw);
			if (pi != NULL && pi->remote_id_type != 0) {
				jw_obj(&c->jw, "remote_id");
				jw_str(&c->jw, "type", id_type_name(pi->remote_id_type));
				jw_str(&c->jw, "value", ida);
				jw_end_obj(&c->jw);
			} else {
				jw_null(&c->jw, "remote_id");
			}
			fmt_hex(cook, sa.icookie, 8);
			jw_str(&c->jw, "icookie", cook);
			fmt_hex(cook, sa.rcookie, 8);
			jw_str(&c->jw, "rcookie", cook);
			if (sa.p1.enc != 0) {
				jw_obj(&c->jw, "suite");
				jw_str(&c->jw, "enc", isakmp_p1_enc_name(sa.p1.enc));
				jw_u64(&c->jw, "key_bits", sa.p1.enc == ISAKMP_ENC_AES ?
				    (sa.p1.key_bits ? sa.p1.key_bits : 128) :
				    sa.p1.enc == ISAKMP_ENC_3DES ? 192 : 64);
				jw_str(&c->jw, "hash", isakmp_hash_name(sa.p1.hash));
				jw_str(&c->jw, "group", isakmp_group_name(sa.p1.group));
				jw_u64(&c->jw, "lifetime_s", sa.p1.life_s);
				jw_end_obj(&c->jw);
			} else {
				jw_null(&c->jw, "suite");
			}
			jw_str(&c->jw, "nat_t", nat_text(sa.nat_local, sa.nat_remote));
			jw_bool(&c->jw, "nat_local", sa.nat_local);
			jw_bool(&c->jw, "nat_remote", sa.nat_remote);
			jw_secs(&c->jw, "age_s", ns_since(c->now, sa.created_ns));
			jw_secs(&c->jw, "lifetime_left_s", left_ns);
			jw_secs(&c->jw, "rekey_in_s", ns_until(c->now, sa.rekey_at_ns));
			if (sa.replaced_by != 0)
				jw_u64(&c->jw, "replaced_by", sa.replaced_by);
			else
				jw_null(&c->jw, "replaced_by");
			jw_obj(&c->jw, "dpd");
			jw_bool(&c->jw, "enabled", sa.dpd_enabled);
			jw_u64(&c->jw, "outstanding", sa.dpd_outstanding);
			jw_secs(&c->jw, "idle_s", sa.dpd_last_heard_ns != 0 ?
			    ns_since(c->now, sa.dpd_last_heard_ns) : UINT64_MAX);
			jw_end_obj(&c->jw);
			jw_peer_users(c, "users", gp);
			jw_end_obj(&c->jw);
			continue;
		}
		if (!local_said && !pg.section) {
			ob_printf(c->o, "Local ID: our address (ID_IPV4_ADDR %s)\n", lid);
			local_said = true;
		}
		list_row(c, &pg, cols, NK(cols), NULL, 0);
		{
			const char *cells[NK(cols)];

			snprintf(id, sizeof(id), "%llu", (unsigned long long)sa.id);
			if (sa.p1.enc != 0)
				snprintf(suite, sizeof(suite), "%s-%s-%s", enc,
				    isakmp_hash_name(sa.p1.hash), group_short(sa.p1.group));
			else
				snprintf(suite, sizeof(suite), "-");
			if (!sa.dpd_enabled)
				snprintf(dpd, sizeof(dpd), "off");
			else if (sa.dpd_outstanding > 0)
				snprintf(dpd, sizeof(dpd), "miss %u", sa.dpd_outstanding);
			else
				snprintf(dpd, sizeof(dpd), "ok");
			cells[0] = id;
			cells[1] = fmt_ep(ep, sa.remote.ip, sa.remote.port);
			cells[2] = ida[0] ? ida : "-";
			cells[3] = state;
			cells[4] = suite;
			cells[5] = sa.nat_local || sa.nat_remote ?
			    nat_text(sa.nat_local, sa.nat_remote) : "-";
			cells[6] = fmt_dur(age, ns_since(c->now, sa.created_ns));
			cells[7] = fmt_dur(left, left_ns);
			cells[8] = dpd;
			tb_line(c->o, cols, NK(cols), cells);
		}
	}
	list_close(c, &pg, "IKE SA", "IKE SAs");
	free(pv);
}

/* ---- IPsec SA pairs ----------------------------------------------------- */

static void
esp_suite_text(char *buf, size_t cap, const struct isakmp_ipsec_sa_info *x)
{
	const char *a;
	char e[24];

	switch (x->enc_alg) {
	case ISAKMP_ESP_AES_CBC: snprintf(e, sizeof(e), "aes%u", x->enc_key_bits); break;
	case ISAKMP_ESP_AES_GCM_16:
		snprintf(e, sizeof(e), "aes%ugcm16", x->enc_key_bits);
		break;
	case ISAKMP_ESP_3DES: snprintf(e, sizeof(e), "3des"); break;
	case ISAKMP_ESP_DES: snprintf(e, sizeof(e), "des"); break;
	case ISAKMP_ESP_NULL: snprintf(e, sizeof(e), "null"); break;
	default: snprintf(e, sizeof(e), "?"); break;
	}
	switch (x->integ_alg) {
	case ISAKMP_INTEG_NONE: a = ""; break;
	case ISAKMP_INTEG_HMAC_MD5_96: a = "-md5"; break;
	case ISAKMP_INTEG_HMAC_SHA1_96: a = "-sha1"; break;
	case ISAKMP_INTEG_HMAC_SHA256_128: a = "-sha256"; break;
	case ISAKMP_INTEG_HMAC_SHA256_96: a = "-sha256_96"; break;
	default: a = "-?"; break;
	}
	snprintf(buf, cap, "%s%s", e, a);
}

static const char *
proto_text(char *buf, unsigned p)
{
	switch (p) {
	case 0: return "*";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	default: snprintf(buf, 8, "%u", p); return buf;
	}
}

static uint64_t
esp_other_drops(const struct esp_sa_stats *s)
{
	return s->truncated + s->bad_length + s->align + s->bad_pad + s->bad_next_hdr +
	    s->dummy + s->buffer + s->expired + s->seq_exhausted + s->crypto_fail +
	    s->rng_fail + s->selector;
}

static void
jw_esp_dir(struct cmd *c, const char *key, const struct esp_sa *sa, bool in)
{
	struct esp_sa_stats st;

	memset(&st, 0, sizeof(st));
	esp_sa_get_stats(sa, &st);
	jw_obj(&c->jw, key);
	jw_u64(&c->jw, "packets", st.packets);
	jw_u64(&c->jw, "bytes", st.bytes);
	jw_u64(&c->jw, "seq", esp_sa_seq(sa));
	jw_obj(&c->jw, "drops");
	if (in) {
		jw_u64(&c->jw, "replay", st.replay + st.too_old);
		jw_u64(&c->jw, "icv", st.auth_fail);
	}
	jw_u64(&c->jw, "other", esp_other_drops(&st));
	jw_end_obj(&c->jw);
	jw_end_obj(&c->jw);
}

void
show_ipsec(struct cmd *c, bool section)
{
	static const struct col cols[] = {
		{ "ID", 5, true }, { "PEER", 21, false }, { "SPI-IN", 8, false },
		{ "SPI-OUT", 8, false }, { "SUITE", 16, false }, { "MODE", 7, false },
		{ "SELECTOR", 13, false }, { "AGE", 6, true }, { "REKEY", 6, true },
	};
	static const struct col cols2[] = {
		{ "", 5, false }, { "PKTS-IN", 9, true }, { "BYTES-IN", 9, true },
		{ "PKTS-OUT", 9, true }, { "BYTES-OUT", 9, true },
		{ "DROP-REPLAY", 11, true }, { "DROP-ICV", 8, true },
		{ "DROP-OTHER", 10, true },
	};
	struct isakmp_ipsec_sa_info x;
	struct page pg;
	size_t cur = 0;

	page_init(c, &pg, section);
	list_open(c, &pg, "ipsec_sas", "IPsec SAs");
	while (isakmp_ipsec_sa_next(c->gw->ike, c->now, &cur, &x)) {
		struct gw_peer *gp = gws_peer_by_id(c, x.peer_id);
		struct gw_ipsec *s = gws_ps_has(&c->ipsecs, (const void *)(uintptr_t)x.user) ?
		    (struct gw_ipsec *)(uintptr_t)x.user : NULL;
		struct rg_ep rem;
		char suite[48], spi_in[12], spi_out[12], pb[8], sel[40];
		const char *mode;

		isa_ep(&rem, &x.remote);
		if (c->has_user && (gp == NULL || !gws_peer_sel(c, gp)))
			continue;
		if (c->has_peer && !gws_ep_match(c, &rem))
			continue;
		if (!page_take(&pg))
			continue;
		esp_suite_text(suite, sizeof(suite), &x);
		snprintf(spi_in, sizeof(spi_in), "%08x", x.spi_in);
		snprintf(spi_out, sizeof(spi_out), "%08x", x.spi_out);
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "id", x.id);
			jw_u64(&c->jw, "peer_id", x.peer_id);
			jw_ep(&c->jw, "peer", x.remote.ip, x.remote.port);
			jw_ep(&c->jw, "local", x.local.ip, x.local.port);
			jw_str(&c->jw, "spi_in", spi_in);
			jw_str(&c->jw, "spi_out", spi_out);
			jw_str(&c->jw, "suite", suite);
			jw_str(&c->jw, "enc", isakmp_esp_enc_name(x.enc_alg));
			jw_u64(&c->jw, "enc_key_bits", x.enc_key_bits);
			jw_str(&c->jw, "integ", isakmp_integ_name(x.integ_alg));
			jw_u64(&c->jw, "integ_key_bits", x.integ_key_bits);
			jw_str(&c->jw, "mode", isakmp_mode_name(x.mode));
			jw_bool(&c->jw, "udp_encap", x.udp_encap);
			jw_str(&c->jw, "encap", isakmp_encap_name(x.encap));
			jw_obj(&c->jw, "selector");
			jw_u64(&c->jw, "protocol", x.sel_protocol);
			jw_u64(&c->jw, "local_port", x.sel_local_port);
			jw_u64(&c->jw, "remote_port", x.sel_remote_port);
			jw_end_obj(&c->jw);
			jw_secs(&c->jw, "age_s", ns_since(c->now, x.created_ns));
			jw_u64(&c->jw, "lifetime_s", x.life_s);
			jw_secs(&c->jw, "expires_in_s", ns_until(c->now, x.expires_ns));
			jw_secs(&c->jw, "rekey_in_s", ns_until(c->now, x.rekey_at_ns));
			if (x.replaced_by != 0)
				jw_u64(&c->jw, "replaced_by", x.replaced_by);
			else
				jw_null(&c->jw, "replaced_by");
			jw_bool(&c->jw, "initiator", x.initiator);
			jw_bool(&c->jw, "current", s != NULL && gp != NULL && gp->cur == s);
			if (s != NULL) {
				jw_esp_dir(c, "in", s->in, true);
				jw_esp_dir(c, "out", s->out, false);
			} else {
				jw_null(&c->jw, "in");
				jw_null(&c->jw, "out");
			}
			jw_peer_users(c, "users", gp);
			jw_end_obj(&c->jw);
			continue;
		}
		list_row(c, &pg, cols, NK(cols), cols2, NK(cols2));
		{
			const char *cells[NK(cols)], *cells2[NK(cols2)];
			char id[24], ep[FMT_LEN], age[FMT_LEN], rk[FMT_LEN], p1[FMT_LEN];
			char b1[FMT_LEN], p2[FMT_LEN], b2[FMT_LEN], d1[FMT_LEN], d2[FMT_LEN];
			char d3[FMT_LEN], lp[8], rp[8];
			struct esp_sa_stats in, out;

			mode = x.mode == ISAKMP_MODE_TUNNEL ? (x.udp_encap ? "tun/udp" : "tun/esp") :
			    (x.udp_encap ? "tr/udp" : "tr/esp");
			snprintf(lp, sizeof(lp), "%u", x.sel_local_port);
			snprintf(rp, sizeof(rp), "%u", x.sel_remote_port);
			snprintf(sel, sizeof(sel), "%s/%s/%s", proto_text(pb, x.sel_protocol),
			    x.sel_local_port ? lp : "*", x.sel_remote_port ? rp : "*");
			snprintf(id, sizeof(id), "%llu", (unsigned long long)x.id);
			cells[0] = id;
			cells[1] = fmt_ep(ep, x.remote.ip, x.remote.port);
			cells[2] = spi_in;
			cells[3] = spi_out;
			cells[4] = suite;
			cells[5] = mode;
			cells[6] = sel;
			cells[7] = fmt_dur(age, ns_since(c->now, x.created_ns));
			cells[8] = x.replaced_by != 0 ? "old" :
			    fmt_dur(rk, ns_until(c->now, x.rekey_at_ns));
			tb_line(c->o, cols, NK(cols), cells);
			memset(&in, 0, sizeof(in));
			memset(&out, 0, sizeof(out));
			if (s != NULL) {
				esp_sa_get_stats(s->in, &in);
				esp_sa_get_stats(s->out, &out);
			}
			cells2[0] = "";
			cells2[1] = s ? fmt_count(p1, in.packets) : "?";
			cells2[2] = s ? fmt_bytes(b1, in.bytes) : "?";
			cells2[3] = s ? fmt_count(p2, out.packets) : "?";
			cells2[4] = s ? fmt_bytes(b2, out.bytes) : "?";
			cells2[5] = s ? fmt_count(d1, in.replay + in.too_old) : "?";
			cells2[6] = s ? fmt_count(d2, in.auth_fail) : "?";
			cells2[7] = s ? fmt_count(d3, esp_other_drops(&in) +
			    esp_other_drops(&out)) : "?";
			tb_line(c->o, cols2, NK(cols2), cells2);
		}
	}
	list_close(c, &pg, "IPsec SA pair", "IPsec SA pairs");
}

/* ---- L2TP ---------------------------------------------------------------- */

static const struct gw_l2ep *
l2ep_of(const struct cmd *c, uint64_t handle)
{
	const struct gw_l2ep *ep = (const struct gw_l2ep *)(uintptr_t)handle;

	return gws_ps_has(&c->l2eps, ep) && ep->peer != NULL ? ep : NULL;
}

void
show_l2tp_tunnel(struct cmd *c, bool section)
{
	static const struct col cols[] = {
		{ "TID", 5, true }, { "PTID", 5, true }, { "PEER", 21, false },
		{ "PORT", 5, true }, { "HOST", 13, false }, { "STATE", 14, false },
		{ "SESS", 4, true }, { "AGE", 6, true }, { "PKTS-IN", 7, true },
		{ "PKTS-OUT", 8, true },
	};
	struct l2tp_tunnel_info t;
	struct page pg;
	size_t cur = 0;

	page_init(c, &pg, section);
	list_open(c, &pg, "l2tp_tunnels", "L2TP tunnels");
	while (l2tp_tunnel_next(c->gw->l2tp, c->now, &cur, &t)) {
		const struct gw_l2ep *ep = l2ep_of(c, t.peer_handle);
		const struct gw_peer *gp = ep != NULL ? ep->peer : NULL;

		if (gws_sel_active(c) && (gp == NULL || !gws_peer_sel(c, gp)))
			continue;
		if (!page_take(&pg))
			continue;
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "tunnel_id", t.tunnel_id);
			jw_u64(&c->jw, "peer_tunnel_id", t.peer_tunnel_id);
			if (gp != NULL)
				jw_ep(&c->jw, "peer", gp->remote.ip, gp->remote.port);
			else
				jw_null(&c->jw, "peer");
			if (ep != NULL)
				jw_u64(&c->jw, "l2tp_port", ep->port);
			else
				jw_null(&c->jw, "l2tp_port");
			jw_str(&c->jw, "host", t.peer_host);
			jw_str(&c->jw, "state", l2tp_tunnel_state_name(t.state));
			jw_bool(&c->jw, "initiator", t.initiator);
			jw_bool(&c->jw, "authenticated", t.authenticated);
			jw_u64(&c->jw, "sessions", t.n_sessions);
			jw_secs(&c->jw, "age_s", ns_since(c->now, t.created_ns));
			jw_secs(&c->jw, "up_s", t.up_ns ? ns_since(c->now, t.up_ns) : UINT64_MAX);
			jw_secs(&c->jw, "idle_s", t.last_rx_ns ? ns_since(c->now, t.last_rx_ns) :
			    UINT64_MAX);
			jw_u64(&c->jw, "ns", t.ns);
			jw_u64(&c->jw, "nr", t.nr);
			jw_u64(&c->jw, "peer_rws", t.peer_rws);
			jw_u64(&c->jw, "unacked", t.unacked);
			jw_u64(&c->jw, "queued", t.queued);
			jw_obj(&c->jw, "control");
			jw_u64(&c->jw, "rx", t.control_rx);
			jw_u64(&c->jw, "tx", t.control_tx);
			jw_end_obj(&c->jw);
			jw_obj(&c->jw, "data");
			jw_u64(&c->jw, "rx_packets", t.data_rx_packets);
			jw_u64(&c->jw, "rx_bytes", t.data_rx_bytes);
			jw_u64(&c->jw, "tx_packets", t.data_tx_packets);
			jw_u64(&c->jw, "tx_bytes", t.data_tx_bytes);
			jw_end_obj(&c->jw);
			jw_peer_users(c, "users", gp);
			jw_end_obj(&c->jw);
			continue;
		}
		list_row(c, &pg, cols, NK(cols), NULL, 0);
		{
			const char *cells[NK(cols)];
			char tid[8], ptid[8], ep_s[FMT_LEN], port[8], ns[8], age[FMT_LEN];
			char pi[FMT_LEN], po[FMT_LEN];

			snprintf(tid, sizeof(tid), "%u", t.tunnel_id);
			snprintf(ptid, sizeof(ptid), "%u", t.peer_tunnel_id);
			snprintf(port, sizeof(port), "%u", ep != NULL ? ep->port : 0);
			snprintf(ns, sizeof(ns), "%u", t.n_sessions);
			cells[0] = tid;
			cells[1] = ptid;
			cells[2] = gp != NULL ? fmt_ep(ep_s, gp->remote.ip, gp->remote.port) : "?";
			cells[3] = ep != NULL ? port : "?";
			cells[4] = t.peer_host[0] ? t.peer_host : "-";
			cells[5] = l2tp_tunnel_state_name(t.state);
			cells[6] = ns;
			cells[7] = fmt_dur(age, ns_since(c->now, t.created_ns));
			cells[8] = fmt_count(pi, t.data_rx_packets);
			cells[9] = fmt_count(po, t.data_tx_packets);
			tb_line(c->o, cols, NK(cols), cells);
		}
	}
	list_close(c, &pg, "L2TP tunnel", "L2TP tunnels");
}

void
show_l2tp_session(struct cmd *c, bool section)
{
	static const struct col cols[] = {
		{ "TID", 5, true }, { "SID", 5, true }, { "PEER", 21, false },
		{ "USER", 10, false }, { "STATE", 12, false }, { "AGE", 6, true },
		{ "IN-PKTS", 7, true }, { "IN-BYTES", 8, true }, { "OUT-PKTS", 8, true },
		{ "OUT-BYTES", 9, true },
	};
	struct l2tp_session_info si;
	struct page pg;
	size_t cur = 0;

	page_init(c, &pg, section);
	list_open(c, &pg, "l2tp_sessions", "L2TP sessions");
	while (l2tp_session_next(c->gw->l2tp, c->now, &cur, &si)) {
		const struct gw_l2ep *ep = l2ep_of(c, si.peer_handle);
		const struct gw_peer *gp = ep != NULL ? ep->peer : NULL;
		const struct gw_sess *s = gws_ps_has(&c->sessions, (const void *)(uintptr_t)si.user) ?
		    (const struct gw_sess *)(uintptr_t)si.user : NULL;

		if (gws_sel_active(c)) {
			bool ok = s != NULL ? gws_sess_sel(c, s) :
			    !c->has_user && gp != NULL && gws_peer_sel(c, gp);

			if (!ok)
				continue;
		}
		if (!page_take(&pg))
			continue;
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "tunnel_id", si.tunnel_id);
			jw_u64(&c->jw, "session_id", si.session_id);
			jw_u64(&c->jw, "peer_session_id", si.peer_session_id);
			if (gp != NULL)
				jw_ep(&c->jw, "peer", gp->remote.ip, gp->remote.port);
			else
				jw_null(&c->jw, "peer");
			jw_str(&c->jw, "state", l2tp_session_state_name(si.state));
			jw_u64(&c->jw, "call_serial", si.call_serial);
			jw_bool(&c->jw, "sequencing", si.data_sequencing);
			jw_secs(&c->jw, "age_s", ns_since(c->now, si.created_ns));
			jw_secs(&c->jw, "up_s", si.up_ns ? ns_since(c->now, si.up_ns) : UINT64_MAX);
			jw_str(&c->jw, "user", s != NULL && s->user[0] ? s->user : NULL);
			if (s != NULL && s->addr != 0)
				jw_ip(&c->jw, "address", s->addr);
			else
				jw_null(&c->jw, "address");
			jw_obj(&c->jw, "data");
			jw_u64(&c->jw, "rx_packets", si.data_rx_packets);
			jw_u64(&c->jw, "rx_bytes", si.data_rx_bytes);
			jw_u64(&c->jw, "tx_packets", si.data_tx_packets);
			jw_u64(&c->jw, "tx_bytes", si.data_tx_bytes);
			jw_end_obj(&c->jw);
			jw_end_obj(&c->jw);
			continue;
		}
		list_row(c, &pg, cols, NK(cols), NULL, 0);
		{
			const char *cells[NK(cols)];
			char tid[8], sid[8], ep_s[FMT_LEN], age[FMT_LEN], a[FMT_LEN], b[FMT_LEN];
			char d[FMT_LEN], e[FMT_LEN];

			snprintf(tid, sizeof(tid), "%u", si.tunnel_id);
			snprintf(sid, sizeof(sid), "%u", si.session_id);
			cells[0] = tid;
			cells[1] = sid;
			cells[2] = gp != NULL ? fmt_ep(ep_s, gp->remote.ip, gp->remote.port) : "?";
			cells[3] = s != NULL && s->user[0] ? s->user : "-";
			cells[4] = l2tp_session_state_name(si.state);
			cells[5] = fmt_dur(age, ns_since(c->now, si.created_ns));
			cells[6] = fmt_count(a, si.data_rx_packets);
			cells[7] = fmt_bytes(b, si.data_rx_bytes);
			cells[8] = fmt_count(d, si.data_tx_packets);
			cells[9] = fmt_bytes(e, si.data_tx_bytes);
			tb_line(c->o, cols, NK(cols), cells);
		}
	}
	list_close(c, &pg, "L2TP session", "L2TP sessions");
}

/* ---- PPP ------------------------------------------------------------------ */

static const char *
phase_short(enum ppp_phase p)
{
	switch (p) {
	case PPP_PHASE_DEAD: return "dead";
	case PPP_PHASE_ESTABLISH: return "lcp";
	case PPP_PHASE_AUTHENTICATE: return "auth";
	case PPP_PHASE_NETWORK: return "network";
	case PPP_PHASE_TERMINATE: return "term";
	default: return "?";
	}
}

static const char *
echo_text(char *buf, const struct ppp_session_info *pi)
{
	if (pi->echo_interval_ns == 0 || pi->echo_interval_ns == PPP_TIMER_OFF)
		snprintf(buf, FMT_LEN, "off");
	else if (pi->echo_misses == 0)
		snprintf(buf, FMT_LEN, "ok");
	else
		snprintf(buf, FMT_LEN, "miss%u/%u", pi->echo_misses, pi->echo_max_misses);
	return buf;
}

void
show_ppp(struct cmd *c, bool section)
{
	static const struct col cols[] = {
		{ "USER", 13, false }, { "ADDRESS", 15, false }, { "AUTH", 9, false },
		{ "PEER", 21, false }, { "PHASE", 7, false }, { "UPTIME", 6, true },
		{ "IN", 7, true }, { "OUT", 7, true }, { "ECHO", 7, false },
	};
	const struct gw_sess *s;
	struct page pg;

	page_init(c, &pg, section);
	list_open(c, &pg, "ppp", "PPP sessions");
	for (s = c->gw->sessions; s != NULL; s = s->next) {
		const struct gw_peer *gp = s->l2ep != NULL ? s->l2ep->peer : NULL;
		struct ppp_session_info pi;
		char addr[16], echo[FMT_LEN];
		const char *pool;

		if (gws_sel_active(c) && !gws_sess_sel(c, s))
			continue;
		if (s->ppp == NULL || !page_take(&pg))
			continue;
		if (ppp_session_get_info(s->ppp, c->now, &pi) != PPP_OK)
			memset(&pi, 0, sizeof(pi));
		pool = s->addr == 0 ? NULL : s->pool >= 0 &&
		    (uint32_t)s->pool < c->gw->n_pools ? c->gw->pools[s->pool].name : "static";
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_str(&c->jw, "user", s->user[0] ? s->user : NULL);
			if (s->addr != 0)
				jw_ip(&c->jw, "address", s->addr);
			else
				jw_null(&c->jw, "address");
			jw_str(&c->jw, "pool", pool);
			jw_str(&c->jw, "auth", ppp_auth_method_name(pi.auth_method));
			jw_bool(&c->jw, "authenticated", pi.authenticated);
			jw_str(&c->jw, "phase", ppp_phase_name(pi.phase));
			jw_str(&c->jw, "lcp", pi.lcp_state != NULL ? pi.lcp_state : "?");
			jw_str(&c->jw, "ipcp", pi.ipcp_state != NULL ? pi.ipcp_state : "?");
			if (gp != NULL)
				jw_ep(&c->jw, "peer", gp->remote.ip, gp->remote.port);
			else
				jw_null(&c->jw, "peer");
			jw_obj(&c->jw, "l2tp");
			jw_u64(&c->jw, "tunnel_id", s->tid);
			jw_u64(&c->jw, "session_id", s->sid);
			jw_end_obj(&c->jw);
			jw_secs(&c->jw, "age_s", ns_since(c->now, s->created));
			jw_secs(&c->jw, "uptime_s", s->up_at ? ns_since(c->now, s->up_at) : UINT64_MAX);
			jw_u64(&c->jw, "mru", pi.local_mru);
			jw_u64(&c->jw, "peer_mru", pi.peer_mru);
			jw_arr(&c->jw, "dns");
			if (pi.dns[0] != 0)
				jw_ip(&c->jw, NULL, pi.dns[0]);
			if (pi.dns[1] != 0)
				jw_ip(&c->jw, NULL, pi.dns[1]);
			jw_end_arr(&c->jw);
			jw_u64(&c->jw, "packets_in", pi.ip_packets_in);
			jw_u64(&c->jw, "bytes_in", pi.ip_bytes_in);
			jw_u64(&c->jw, "packets_out", pi.ip_packets_out);
			jw_u64(&c->jw, "bytes_out", pi.ip_bytes_out);
			jw_obj(&c->jw, "echo");
			jw_secs(&c->jw, "interval_s", pi.echo_interval_ns == 0 ? UINT64_MAX :
			    pi.echo_interval_ns);
			jw_u64(&c->jw, "outstanding", pi.echo_outstanding);
			jw_u64(&c->jw, "misses", pi.echo_misses);
			jw_u64(&c->jw, "max_misses", pi.echo_max_misses);
			jw_str(&c->jw, "state", echo_text(echo, &pi));
			jw_end_obj(&c->jw);
			jw_bool(&c->jw, "down", pi.down);
			jw_str(&c->jw, "down_reason", pi.down ?
			    ppp_down_reason_name(pi.down_reason) : NULL);
			jw_end_obj(&c->jw);
			continue;
		}
		list_row(c, &pg, cols, NK(cols), NULL, 0);
		{
			const char *cells[NK(cols)];
			char ep[FMT_LEN], up[FMT_LEN], in[FMT_LEN], out[FMT_LEN];

			cells[0] = s->user[0] ? s->user : "-";
			cells[1] = s->addr ? pkt_ntoa(s->addr, addr) : "-";
			cells[2] = pi.auth_method != PPP_AUTH_NONE ?
			    ppp_auth_method_name(pi.auth_method) : "-";
			cells[3] = gp != NULL ? fmt_ep(ep, gp->remote.ip, gp->remote.port) : "?";
			cells[4] = pi.down ? "down" : phase_short(pi.phase);
			cells[5] = s->up_at ? fmt_dur(up, ns_since(c->now, s->up_at)) : "-";
			cells[6] = fmt_bytes(in, pi.ip_bytes_in);
			cells[7] = fmt_bytes(out, pi.ip_bytes_out);
			cells[8] = echo_text(echo, &pi);
			tb_line(c->o, cols, NK(cols), cells);
		}
	}
	list_close(c, &pg, "PPP session", "PPP sessions");
}
