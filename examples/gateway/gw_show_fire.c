/*
 * gw_show_fire.c - "show fire": the firewall's summary (its counters and
 * every rule with its hits) and its two tables, connections and NAT
 * bindings, filtered by user=/peer=/ip=/proto=/port= and paged by libfw's
 * own cursor: a table may hold a million entries, so one answer examines
 * at most FIRE_SCAN_MAX and hands back where to go on (CONTROL.md).
 */
#include <stdint.h>
#include <stdio.h>

#include "gw_show.h"
#include "pkt.h"

/* Firewall tables may hold a million connections: one answer examines at
 * most this many before it stops and hands back a cursor. */
#define FIRE_SCAN_MAX 262144
/* A firewall section of "show user=" lists this many without limit=. */
#define FIRE_SECTION_PAGE 20

/* ---- show fire (summary) ----------------------------------------------- */

static const char *
fw_action_text(enum gwconf_fw_action a)
{
	switch (a) {
	case GWCONF_FW_ALLOW: return "allow";
	case GWCONF_FW_DENY: return "deny";
	case GWCONF_FW_NAT: return "nat";
	case GWCONF_FW_NONAT: return "nonat";
	default: return "?";
	}
}

void
show_fire_summary(struct cmd *c)
{
	const struct gwconf *conf = c->gw->conf;
	static const struct col cols[] = {
		{ "RULE", 5, true }, { "INTERFACE", 15, false }, { "ACTION", 6, false },
		{ "PROTO", 5, false }, { "IPSEC", 5, false }, { "HITS", 20, true },
	};
	struct fw_stats fs;
	uint32_t i;

	fw_get_stats(c->gw->fw, &fs);
	if (c->json) {
		jw_bool(&c->jw, "enabled", c->gw->fw != NULL);
		jw_u64(&c->jw, "flows_active", fs.flows_active);
		jw_u64(&c->jw, "flows_peak", fs.flows_peak);
		jw_u64(&c->jw, "packets", fs.packets);
		jw_u64(&c->jw, "passed", fs.passed);
		jw_u64(&c->jw, "dropped", fs.dropped);
		jw_u64(&c->jw, "nat_translated", fs.nat_translated);
		jw_arr(&c->jw, "rules");
	} else {
		ob_printf(c->o, "Firewall %s: %llu connections (peak %llu)\n",
		    c->gw->fw ? "enabled" : "disabled", (unsigned long long)fs.flows_active,
		    (unsigned long long)fs.flows_peak);
		ob_printf(c->o, "Packets: %llu passed, %llu dropped\n",
		    (unsigned long long)fs.passed, (unsigned long long)fs.dropped);
		ob_printf(c->o, "NAT: %llu packets translated\n",
		    (unsigned long long)fs.nat_translated);
		if (c->gw->fw != NULL && conf->n_fw_rules > 0)
			tb_header(c->o, cols, NK(cols));
	}
	for (i = 0; c->gw->fw != NULL && i < conf->n_fw_rules; i++) {
		const struct gwconf_fw_rule *r = &conf->fw_rules[i];
		uint64_t hits = 0;
		char num[8], h[24], pr[8];
		const char *cells[6];

		(void)fw_rule_hits(c->gw->fw, r->id, &hits);
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "rule", r->id);
			jw_str(&c->jw, "interface", r->ifname);
			jw_str(&c->jw, "action", fw_action_text(r->action));
			if (r->protocol == GWCONF_PROTO_ANY)
				jw_null(&c->jw, "protocol");
			else
				jw_u64(&c->jw, "protocol", (uint64_t)r->protocol);
			jw_bool(&c->jw, "encap_ipsec", r->encap_ipsec);
			jw_u64(&c->jw, "hits", hits);
			jw_end_obj(&c->jw);
			continue;
		}
		snprintf(num, sizeof(num), "%u", r->id);
		snprintf(h, sizeof(h), "%llu", (unsigned long long)hits);
		snprintf(pr, sizeof(pr), "%u", (unsigned)(r->protocol & 0xff));
		cells[0] = num;
		cells[1] = r->ifname;
		cells[2] = fw_action_text(r->action);
		cells[3] = r->protocol == GWCONF_PROTO_ANY ? "any" : r->protocol == 17 ? "udp" :
		    r->protocol == 6 ? "tcp" : r->protocol == 1 ? "icmp" : pr;
		cells[4] = r->encap_ipsec ? "yes" : "no";
		cells[5] = h;
		tb_line(c->o, cols, 6, cells);
	}
	if (c->json)
		jw_end_arr(&c->jw);
}

/* ---- firewall ------------------------------------------------------------ */

static const struct gw_sess *
if_sess(const struct cmd *c, uint16_t id)
{
	const struct gw_sess *s;

	if (c->gw->fw == NULL || id == FW_IF_LOCAL)
		return NULL;
	s = (const struct gw_sess *)(uintptr_t)fw_interface_user(c->gw->fw, id);
	return gws_ps_has(&c->sessions, s) ? s : NULL;
}

static const char *
if_name(const struct cmd *c, uint16_t id)
{
	const struct gwconf *conf = c->gw->conf;

	if (id == FW_IF_LOCAL)
		return "local";
	if (id >= 1 && id <= conf->n_fw_ifs)
		return conf->fw_ifs[id - 1].name;
	return "ppp";
}

static bool
if_selected(const struct cmd *c, uint16_t id)
{
	size_t i;

	for (i = 0; i < c->n_sel_ifs; i++)
		if (c->sel_ifs[i] == id)
			return true;
	return false;
}

static const char *
tcp_short(enum fw_tcp_state s, bool replied)
{
	switch (s) {
	case FW_TCP_NONE: return replied ? "both" : "oneway";
	case FW_TCP_SYN_SENT: return "syn";
	case FW_TCP_SYN_RECV: return "syn-rcv";
	case FW_TCP_ESTABLISHED: return "estab";
	case FW_TCP_FIN_WAIT: return "fin";
	case FW_TCP_TIME_WAIT: return "tw";
	case FW_TCP_CLOSED: return "closed";
	default: return "?";
	}
}

static bool
fire_match(const struct cmd *c, const struct fw_conn_info *ci)
{
	if (c->has_proto && ci->protocol != c->proto)
		return false;
	if (c->has_ip && ci->orig.src != c->ip && ci->orig.dst != c->ip &&
	    ci->reply.src != c->ip && ci->reply.dst != c->ip)
		return false;
	if (c->has_port && ci->orig.sport != c->port && ci->orig.dport != c->port &&
	    ci->reply.sport != c->port && ci->reply.dport != c->port)
		return false;
	if (gws_sel_active(c)) {
		const struct gw_peer *p = gw_peer_of_tag(c->gw, ci->ipsec);

		if (!if_selected(c, ci->in_if) && !if_selected(c, ci->out_if) &&
		    !(p != NULL && gws_peer_sel(c, p)))
			return false;
	}
	return true;
}

static void
jw_tuple(struct cmd *c, const char *key, const struct fw_tuple *t)
{
	jw_obj(&c->jw, key);
	jw_ip(&c->jw, "src", t->src);
	jw_u64(&c->jw, "sport", t->sport);
	jw_ip(&c->jw, "dst", t->dst);
	jw_u64(&c->jw, "dport", t->dport);
	jw_end_obj(&c->jw);
}

static const char *
proto_name(unsigned p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : NULL;
}

static void
fire_page(struct cmd *c, struct page *pg, bool section)
{
	page_init(c, pg, section);
	/* The cursor is libfw's (a slot of its table), not an offset. */
	pg->start = 0;
	if (section && !c->has_limit)
		pg->limit = FIRE_SECTION_PAGE;
}

void
show_fire_session(struct cmd *c, bool section)
{
	static const struct col cols[] = {
		{ "PROTO", 5, false }, { "SOURCE", 21, false }, { "DESTINATION", 21, false },
		{ "NAT", 21, false }, { "IF", 10, false }, { "STATE", 7, false },
		{ "TTL", 6, true },
	};
	struct fw_conn_info ci;
	struct page pg;
	size_t cur = c->start > SIZE_MAX ? SIZE_MAX : (size_t)c->start, seen = 0;

	fire_page(c, &pg, section);
	list_open(c, &pg, "fire_sessions", "Firewall connections");
	while (c->gw->fw != NULL) {
		const struct gw_sess *is, *os;
		char pnum[8];

		if (pg.shown == pg.limit || seen == FIRE_SCAN_MAX) {
			/* Stop here and hand back where to go on. */
			struct fw_conn_info probe;
			size_t peek = cur;

			if (fw_conn_next(c->gw->fw, c->now, &peek, &probe)) {
				pg.incomplete = true;
				pg.resume = cur;
			}
			break;
		}
		if (!fw_conn_next(c->gw->fw, c->now, &cur, &ci))
			break;
		seen++;
		if (!fire_match(c, &ci))
			continue;
		pg.matched++;
		pg.shown++;
		is = if_sess(c, ci.in_if);
		os = if_sess(c, ci.out_if);
		snprintf(pnum, sizeof(pnum), "%u", ci.protocol);
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "protocol", ci.protocol);
			jw_str(&c->jw, "proto", proto_name(ci.protocol) ? proto_name(ci.protocol) :
			    pnum);
			jw_str(&c->jw, "state", ci.protocol == 6 ? fw_tcp_state_name(ci.tcp_state) :
			    ci.replied ? "replied" : "unreplied");
			jw_bool(&c->jw, "replied", ci.replied);
			jw_bool(&c->jw, "nat", ci.nat);
			jw_str(&c->jw, "in_if", if_name(c, ci.in_if));
			jw_str(&c->jw, "in_user", is != NULL && is->user[0] ? is->user : NULL);
			jw_str(&c->jw, "out_if", if_name(c, ci.out_if));
			jw_str(&c->jw, "out_user", os != NULL && os->user[0] ? os->user : NULL);
			if (ci.rule != 0)
				jw_u64(&c->jw, "rule", ci.rule);
			else
				jw_null(&c->jw, "rule");
			jw_bool(&c->jw, "ipsec", ci.ipsec != 0);
			jw_tuple(c, "orig", &ci.orig);
			jw_tuple(c, "reply", &ci.reply);
			jw_secs(&c->jw, "expires_in_s", ns_until(c->now, ci.expires_ns));
			jw_u64(&c->jw, "packets_orig", ci.packets[0]);
			jw_u64(&c->jw, "packets_reply", ci.packets[1]);
			jw_end_obj(&c->jw);
			continue;
		}
		list_row(c, &pg, cols, NK(cols), NULL, 0);
		{
			const char *cells[NK(cols)];
			char src[FMT_LEN], dst[FMT_LEN], nat[FMT_LEN], ifs[40], ttl[FMT_LEN];
			bool snat = ci.orig.src != ci.reply.dst || ci.orig.sport != ci.reply.dport;

			snprintf(ifs, sizeof(ifs), "%s>%s", if_name(c, ci.in_if),
			    if_name(c, ci.out_if));
			cells[0] = proto_name(ci.protocol) ? proto_name(ci.protocol) : pnum;
			cells[1] = fmt_ep(src, ci.orig.src, ci.orig.sport);
			cells[2] = ci.protocol == 1 ? pkt_ntoa(ci.orig.dst, dst) :
			    fmt_ep(dst, ci.orig.dst, ci.orig.dport);
			cells[3] = !ci.nat ? "-" : snat ? fmt_ep(nat, ci.reply.dst, ci.reply.dport) :
			    fmt_ep(nat, ci.reply.src, ci.reply.sport);
			cells[4] = ifs;
			cells[5] = tcp_short(ci.tcp_state, ci.replied);
			cells[6] = fmt_dur(ttl, ns_until(c->now, ci.expires_ns));
			tb_line(c->o, cols, NK(cols), cells);
		}
	}
	list_close(c, &pg, "firewall connection", "firewall connections");
}

void
show_fire_nat(struct cmd *c, bool section)
{
	static const struct col cols[] = {
		{ "PROTO", 5, false }, { "PRIVATE", 21, false }, { "GLOBAL", 21, false },
		{ "REMOTE", 21, false }, { "DIR", 3, false }, { "USER", 14, false },
	};
	struct fw_nat_binding b;
	struct page pg;
	size_t cur = c->start > SIZE_MAX ? SIZE_MAX : (size_t)c->start, seen = 0, i;

	fire_page(c, &pg, section);
	list_open(c, &pg, "fire_nat", "NAT bindings");
	while (c->gw->fw != NULL) {
		const struct gw_sess *s;
		char pnum[8];
		bool ok;

		if (pg.shown == pg.limit || seen == FIRE_SCAN_MAX) {
			struct fw_nat_binding probe;
			size_t peek = cur;

			if (fw_nat_binding_next(c->gw->fw, c->now, &peek, &probe)) {
				pg.incomplete = true;
				pg.resume = cur;
			}
			break;
		}
		if (!fw_nat_binding_next(c->gw->fw, c->now, &cur, &b))
			break;
		seen++;
		if (c->has_proto && b.protocol != c->proto)
			continue;
		if (c->has_ip && b.priv_ip != c->ip && b.gbl_ip != c->ip && b.remote_ip != c->ip)
			continue;
		if (c->has_port && b.priv_port != c->port && b.gbl_port != c->port &&
		    b.remote_port != c->port)
			continue;
		if (gws_sel_active(c)) {
			for (ok = false, i = 0; i < c->n_sel_addrs; i++)
				ok |= c->sel_addrs[i] == b.priv_ip;
			if (!ok)
				continue;
		}
		pg.matched++;
		pg.shown++;
		s = gw_sess_by_addr(c->gw, b.priv_ip);
		snprintf(pnum, sizeof(pnum), "%u", b.protocol);
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "protocol", b.protocol);
			jw_str(&c->jw, "proto", proto_name(b.protocol) ? proto_name(b.protocol) :
			    pnum);
			jw_ep(&c->jw, "private", b.priv_ip, b.priv_port);
			jw_ep(&c->jw, "global", b.gbl_ip, b.gbl_port);
			jw_ep(&c->jw, "remote", b.remote_ip, b.remote_port);
			jw_bool(&c->jw, "reverse", b.reverse);
			jw_str(&c->jw, "user", s != NULL && s->user[0] ? s->user : NULL);
			jw_end_obj(&c->jw);
			continue;
		}
		list_row(c, &pg, cols, NK(cols), NULL, 0);
		{
			const char *cells[NK(cols)];
			char p[FMT_LEN], g[FMT_LEN], r[FMT_LEN];

			cells[0] = proto_name(b.protocol) ? proto_name(b.protocol) : pnum;
			cells[1] = fmt_ep(p, b.priv_ip, b.priv_port);
			cells[2] = fmt_ep(g, b.gbl_ip, b.gbl_port);
			cells[3] = fmt_ep(r, b.remote_ip, b.remote_port);
			cells[4] = b.reverse ? "in" : "out";
			cells[5] = s != NULL && s->user[0] ? s->user : "-";
			tb_line(c->o, cols, NK(cols), cells);
		}
	}
	list_close(c, &pg, "NAT binding", "NAT bindings");
}
