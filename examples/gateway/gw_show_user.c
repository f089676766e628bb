/*
 * gw_show_user.c - the operator's commands about one client, and those
 * that change the gateway's state: "show user=NAME" (the user's whole
 * chain, list by list), "show failures" (the ring gw_fail_note fills),
 * "disconnect" (the orderly teardown of one client: PPP, then L2TP, then
 * IPsec/ISAKMP, on the core's timers) and the debug switches ("show
 * debug", "enable|disable CATEGORY debug", gw_debug_get/set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_show.h"
#include "pkt.h"

#define NS_POLL (NS_PER_S / 20)		/* disconnect: progress checks */
#define NS_STAGE (3 * NS_PER_S)		/* disconnect: longest wait per stage */

enum disc_stage { DISC_NONE = 0, DISC_PPP, DISC_L2TP };

/* ---- debug switches --------------------------------------------------- */

const char *const gws_cat_names[GW_LOG_NCAT] = {
	"gateway", "isakmp", "ipsec", "l2tp", "ppp", "fire"
};

bool
gw_debug_get(const struct gw *gw, enum gw_log_cat cat)
{
	return (unsigned)cat < GW_LOG_NCAT && gw->opt.debug[cat];
}

void
gw_debug_set(struct gw *gw, enum gw_log_cat cat, bool on)
{
	static const uint32_t bit[GW_LOG_NCAT] = {
		0, GWCONF_DEBUG_ISAKMP, GWCONF_DEBUG_IPSEC, GWCONF_DEBUG_L2TP,
		GWCONF_DEBUG_PPP, 0
	};

	if ((unsigned)cat >= GW_LOG_NCAT)
		return;
	gw->opt.debug[cat] = on;
	/* "show config" prints the switches as they are now. */
	if (on)
		gw->conf->debug |= bit[cat];
	else
		gw->conf->debug &= ~bit[cat];
}

/* ---- failures ---------------------------------------------------------- */

void
gw_fail_note(struct gw *gw, const char *user, const struct rg_ep *peer, const char *why)
{
	struct gw_fail *f = &gw->fails[gw->n_fails++ % GW_FAILS];

	memset(f, 0, sizeof(*f));
	f->at = gw->now;
	snprintf(f->user, sizeof(f->user), "%s", user != NULL ? user : "");
	if (peer != NULL)
		f->peer = *peer;
	snprintf(f->why, sizeof(f->why), "%s", why);
	gw_fail_count(gw, f->why);
}

void
gw_fail_count(struct gw *gw, const char *why)
{
	uint32_t i;

	for (i = 0; i < gw->n_fail_counts; i++)
		if (strcmp(gw->fail_counts[i].why, why) == 0) {
			gw->fail_counts[i].n++;
			return;
		}
	if (gw->n_fail_counts < GW_FAIL_REASONS) {
		struct gw_fail_count *c = &gw->fail_counts[gw->n_fail_counts++];

		snprintf(c->why, sizeof(c->why), "%s", why);
		c->n = 1;
		return;
	}
	gw->fail_other++;
}

/* ---- show failures ----------------------------------------------------- */

void
show_failures(struct cmd *c, bool section, size_t max)
{
	static const struct col cols[] = {
		{ "AGO", 6, true }, { "USER", 14, false }, { "PEER", 21, false },
		{ "WHY", 55, false },
	};
	const struct gw *gw = c->gw;
	uint32_t n = gw->n_fails < GW_FAILS ? gw->n_fails : GW_FAILS, i;
	size_t shown = 0;

	if (c->json) {
		jw_arr(&c->jw, section ? "failures" : "items");
	} else if (section) {
		ob_puts(c->o, "\nRecent failures\n");
	}
	for (i = 0; i < n && shown < max; i++) {
		const struct gw_fail *f = &gw->fails[(gw->n_fails - 1 - i) % GW_FAILS];
		char ago[FMT_LEN], ep[FMT_LEN];
		const char *cells[4];

		if (c->has_user && strcasecmp(f->user, c->user) != 0)
			continue;
		if (c->has_peer && !gws_ep_match(c, &f->peer))
			continue;
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_secs(&c->jw, "ago_s", ns_since(c->now, f->at));
			jw_str(&c->jw, "user", f->user[0] ? f->user : NULL);
			if (f->peer.ip != 0)
				jw_ep(&c->jw, "peer", f->peer.ip, f->peer.port);
			else
				jw_null(&c->jw, "peer");
			jw_str(&c->jw, "why", f->why);
			jw_end_obj(&c->jw);
		} else {
			if (shown == 0)
				tb_header(c->o, cols, NK(cols));
			cells[0] = fmt_dur(ago, ns_since(c->now, f->at));
			cells[1] = f->user[0] ? f->user : "-";
			cells[2] = f->peer.ip ? fmt_ep(ep, f->peer.ip, f->peer.port) : "-";
			cells[3] = f->why;
			tb_line(c->o, cols, 4, cells);
		}
		shown++;
	}
	if (c->json) {
		jw_end_arr(&c->jw);
		if (!section)
			jw_u64(&c->jw, "total", shown);
	} else if (shown == 0)
		ob_puts(c->o, "(no failures)\n");
	else
		ob_printf(c->o, "(%zu failure%s)\n", shown, shown == 1 ? "" : "s");
}

/* ---- show user=NAME ---------------------------------------------------- */

void
show_user(struct cmd *c)
{
	const struct gwconf *conf = c->gw->conf;
	const struct gwconf_user *u = NULL;
	const struct gw_sess *s;
	size_t nsess = 0, up = 0;
	uint32_t i;
	char a[16];

	for (i = 0; i < conf->n_users; i++)
		if (strcasecmp(conf->users[i].name, c->user) == 0 &&
		    conf->users[i].privilege == GWCONF_PRIV_USER)
			u = &conf->users[i];
	for (s = c->gw->sessions; s != NULL; s = s->next)
		if (gws_sess_sel(c, s)) {
			nsess++;
			up += s->up_at != 0;
		}
	if (c->json) {
		jw_str(&c->jw, "user", c->user);
		jw_bool(&c->jw, "configured", u != NULL);
		if (u != NULL && u->has_ip)
			jw_ip(&c->jw, "static_address", u->ip);
		else
			jw_null(&c->jw, "static_address");
		jw_bool(&c->jw, "connected", up > 0);
		jw_u64(&c->jw, "sessions", nsess);
	} else {
		/* A name is at most 63 bytes: each line stays within 100. */
		ob_printf(c->o, "User %s: %s", c->user, up > 0 ? "connected" : nsess > 0 ?
		    "connecting" : "not connected");
		if (nsess > 0)
			ob_printf(c->o, " (%zu PPP session%s)", nsess, nsess == 1 ? "" : "s");
		if (u == NULL)
			ob_puts(c->o, "\nNot a dial-in user of the configuration\n");
		else if (u->has_ip)
			ob_printf(c->o, "\nConfigured, static address %s\n", pkt_ntoa(u->ip, a));
		else
			ob_puts(c->o, "\nConfigured, address from the pool\n");
	}
	if (nsess > 0) {
		show_ppp(c, true);
		show_l2tp_session(c, true);
		show_l2tp_tunnel(c, true);
		show_isakmp(c, true);
		show_ipsec(c, true);
		show_fire_session(c, true);
	}
	show_failures(c, true, 5);
}

/* ---- debug ------------------------------------------------------------- */

void
show_debug(struct cmd *c)
{
	int k;

	if (c->json)
		jw_obj(&c->jw, "debug");
	for (k = 0; k < GW_LOG_NCAT; k++) {
		if (c->json)
			jw_bool(&c->jw, gws_cat_names[k], c->gw->opt.debug[k]);
		else
			ob_printf(c->o, "%-8s debug %s\n", gws_cat_names[k],
			    c->gw->opt.debug[k] ? "on" : "off");
	}
	if (c->json)
		jw_end_obj(&c->jw);
}

void
set_debug(struct cmd *c, bool on)
{
	int k;

	for (k = 0; k < GW_LOG_NCAT; k++) {
		if (c->cat >= 0 && k != c->cat)
			continue;
		if (c->gw->opt.debug[k] != on)
			gw_log(c->gw, GW_LOG_GW, 5, "operator: %s debug %s", gws_cat_names[k],
			    on ? "on" : "off");
		gw_debug_set(c->gw, (enum gw_log_cat)k, on);
	}
	show_debug(c);
}

/* ---- disconnect -------------------------------------------------------- */

static void
peer_disc_start(struct gw *gw, uint64_t now, struct gw_peer *p)
{
	struct gw_sess *s;

	if (p->disc != DISC_NONE || p->dead)
		return;
	/* PPP first: each session gets a Terminate-Request; the CDN follows
	 * once its Terminate-Ack went out (gw_sess_deferred). */
	for (s = gw->sessions; s != NULL; s = s->next)
		if (s->l2ep != NULL && s->l2ep->peer == p && s->ppp != NULL && !s->ppp_done)
			(void)ppp_session_close(s->ppp, now);
	p->disc = DISC_PPP;
	p->disc_deadline = now + NS_STAGE;
	p->disc_next = now + NS_POLL;
	gw->n_disc++;
}

static bool
peer_has_tunnels(const struct gw *gw, uint64_t now, const struct gw_peer *p)
{
	struct l2tp_tunnel_info ti;
	size_t cur = 0;

	while (l2tp_tunnel_next(gw->l2tp, now, &cur, &ti)) {
		uintptr_t h = (uintptr_t)ti.peer_handle;

		if (h >= (uintptr_t)&p->l2ep[0] && h <= (uintptr_t)&p->l2ep[GW_L2EP_MAX - 1])
			return true;
	}
	return false;
}

uint64_t
gw_ctl_next_timeout(const struct gw *gw)
{
	const struct gw_peer *p;
	uint64_t t = UINT64_MAX;

	for (p = gw->peers; p != NULL; p = p->next)
		if (p->disc != DISC_NONE && !p->dead && p->disc_next < t)
			t = p->disc_next;
	return t;
}

/*
 * One step of every disconnect that is due: PPP sessions gone (or 3 s) ->
 * StopCCN on the peer's tunnels; tunnels gone (or 3 s) -> the peer is
 * deleted in libisakmp (IPsec and ISAKMP Deletes when senddeletes=true),
 * whose PEER_DOWN frees what is left.  An action may free peers, so the
 * walk starts over after each.
 */
void
gw_ctl_handle_timeout(struct gw *gw, uint64_t now)
{
	for (;;) {
		struct gw_peer *p, *act = NULL;
		uint32_t n = 0;
		size_t i;

		for (p = gw->peers; p != NULL; p = p->next) {
			if (p->disc == DISC_NONE)
				continue;
			if (p->dead) {
				p->disc = DISC_NONE;
				continue;
			}
			n++;
			if (now < p->disc_next)
				continue;
			if (p->disc == DISC_PPP && p->n_sessions > 0 && now < p->disc_deadline) {
				p->disc_next = now + NS_POLL;
				continue;
			}
			if (p->disc == DISC_L2TP && now < p->disc_deadline &&
			    peer_has_tunnels(gw, now, p)) {
				p->disc_next = now + NS_POLL;
				continue;
			}
			act = p;
			break;
		}
		if (act == NULL) {
			gw->n_disc = n;
			return;
		}
		if (act->disc == DISC_PPP) {
			act->disc = DISC_L2TP;
			act->disc_deadline = now + NS_STAGE;
			act->disc_next = now + NS_POLL;
			for (i = 0; i < GW_L2EP_MAX; i++)
				if (act->l2ep[i].peer == act)
					(void)l2tp_peer_close(gw->l2tp, now,
					    (uint64_t)(uintptr_t)&act->l2ep[i],
					    L2TP_STOPCCN_GENERAL_REQUEST);
		} else {
			char e[40];

			act->disc = DISC_NONE;
			gw_log(gw, GW_LOG_GW, 6, "operator disconnect: deleting peer %s (%s)",
			    gw_ep_str(&act->remote, e, sizeof(e)), act->id);
			(void)isakmp_peer_delete(gw->ike, now, act->peer_id);
		}
		gw_events(gw, now);
	}
}

static bool
in_hits(struct gw_peer *const *hit, size_t n, const struct gw_peer *p)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (hit[k] == p)
			return true;
	return false;
}

int
do_disconnect(struct cmd *c)
{
	struct gw *gw = c->gw;
	struct gw_sess *s;
	struct gw_peer *p, **hit;
	size_t nsess = 0, k, nhit = 0;
	int rc = GW_CTL_OK;

	if (gw->shut != SHUT_NONE)
		return gws_fail(c, GW_CTL_E_STATE, 0, "the gateway is shutting down");
	/* Every client that may be hit is alive now: at most all peers. */
	if ((hit = calloc(c->peers.n + 1, sizeof(*hit))) == NULL)
		return gws_fail(c, GW_CTL_E_NOMEM, 0, "out of memory");
	if (c->has_user) {
		for (s = gw->sessions; s != NULL; s = s->next) {
			size_t first, n;
			bool others = false;

			if (strcasecmp(s->user, c->user) != 0 || s->ppp_done || s->ppp == NULL)
				continue;
			nsess++;
			p = s->l2ep != NULL ? s->l2ep->peer : NULL;
			/* The whole client goes, unless other users ride on it. */
			n = gws_peer_sessions(c, p, &first);
			for (k = 0; k < n; k++)
				if (strcasecmp(c->by_peer[first + k].s->user, c->user) != 0)
					others = true;
			if (p != NULL && !others && !p->dead) {
				if (p->disc == DISC_NONE && !in_hits(hit, nhit, p) &&
				    nhit < c->peers.n)
					hit[nhit++] = p;
			} else {
				(void)ppp_session_close(s->ppp, c->now);
			}
		}
	} else {
		for (p = gw->peers; p != NULL; p = p->next) {
			size_t first, n;

			if (p->dead || !gws_ep_match(c, &p->remote) || nhit >= c->peers.n)
				continue;
			hit[nhit++] = p;
			n = gws_peer_sessions(c, p, &first);
			for (k = 0; k < n; k++)
				nsess += !c->by_peer[first + k].s->ppp_done;
		}
	}
	for (k = 0; k < nhit; k++)
		peer_disc_start(gw, c->now, hit[k]);
	if (nsess == 0 && nhit == 0) {
		char e[FMT_LEN];

		if (c->has_user)
			rc = gws_fail(c, GW_CTL_E_NOT_FOUND, 0, "user %s has no session", c->user);
		else
			rc = gws_fail(c, GW_CTL_E_NOT_FOUND, 0, "no client at %s", c->peer_port ?
			    fmt_ep(e, c->peer_ip, c->peer_port) : pkt_ntoa(c->peer_ip, e));
		free(hit);
		return rc;
	}
	{
		char e[40];

		gw_log(gw, GW_LOG_GW, 5, "operator: disconnect %s%s: %zu PPP session%s, %zu "
		    "client%s", c->has_user ? "user=" : "peer=", c->has_user ? c->user :
		    (c->peer_port ? fmt_ep(e, c->peer_ip, c->peer_port) :
		    pkt_ntoa(c->peer_ip, e)), nsess, nsess == 1 ? "" : "s", nhit,
		    nhit == 1 ? "" : "s");
	}
	gw_events(gw, c->now);
	if (c->json) {
		jw_u64(&c->jw, "sessions", nsess);
		jw_arr(&c->jw, "peers");
		for (k = 0; k < nhit; k++) {
			jw_obj(&c->jw, NULL);
			jw_ep(&c->jw, "peer", hit[k]->remote.ip, hit[k]->remote.port);
			jw_str(&c->jw, "id", hit[k]->id);
			jw_end_obj(&c->jw);
		}
		jw_end_arr(&c->jw);
	} else {
		ob_printf(c->o, "disconnecting: %zu PPP session%s; %zu client%s torn down in "
		    "order (PPP, L2TP, IPsec/ISAKMP)\n", nsess, nsess == 1 ? "" : "s",
		    nhit, nhit == 1 ? "" : "s");
		for (k = 0; k < nhit; k++) {
			char e[FMT_LEN];

			/* The peer's ID is its own text: cut to the line. */
			ob_printf(c->o, "  %s (%.70s)\n", fmt_ep(e, hit[k]->remote.ip,
			    hit[k]->remote.port), hit[k]->id);
		}
	}
	free(hit);
	return GW_CTL_OK;
}
