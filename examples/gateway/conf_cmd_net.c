/*
 * conf_cmd_net.c - the commands of PPP (templates, DNS and WINS servers),
 * L2TP (the module, server modes, address ranges) and IP (the module,
 * interfaces, routes, pools): their parameters, the functions that apply
 * them to the model, and their slice of the command table, gw_cmds_net
 * (conf_parse.c).
 *
 * Sources for parameter names, value sets and defaults (AlliedWare OS
 * Software Reference and release notes, as stored in the public copies
 * found; the other sources are listed in conf_cmd_fw.c and
 * conf_cmd_ipsec.c):
 *  [PPPT] "create ppp template" syntax, PPP chapter:
 *         https://1library.net/article/create-ppp-template-chapter-point-point-protocol-ppp.y9jr54lq
 *         (TEMPLATE 0..31, AUTHENTICATION={CHAP|EITHER|PAP|NONE},
 *         ECHO={ON|OFF|period}, LQR={ON|OFF|period}, IPPOOL={name|NONE},
 *         pool names 1..15, passwords 1..64, descriptions 1..70).
 *  [LQR]  "By default, Allied Telesyn routers ... use Link Quality
 *         Reporting (LQR=ON)", AR400 Series User Guide 2.6.1 p. 80:
 *         https://azmanual.top/manuals/427771/allied-telesis-ar400-series-router.html?page=80
 * Defaults these sources do not state (they could not be found in the
 * stored copies) are marked "assumed" where they are set below, with the
 * reason for the choice.
 */
#include <string.h>

#include "conf_int.h"

/* Model lookups (names are case-insensitive). */
static struct gwconf_ppp_template *
find_template(struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_templates; i++)
		if (c->templates[i].id == id)
			return &c->templates[i];
	return NULL;
}

static struct gwconf_pool *
find_pool(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_pools; i++)
		if (gw_strcaseeq(c->pools[i].name, name))
			return &c->pools[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * PPP [PPPT].  Defaults: authentication none, bap off, echo off, lqr on
 * [LQR] with a 600 s period (assumed: the period is not in the copies
 * found), no idle timer, no pool.  "echo=on" uses 10 s (assumed).
 */
enum { T_AUTH, T_BAP, T_DESC, T_ECHO, T_IDLE, T_IPPOOL, T_LQR, T_MRU };
static const struct gw_param p_template[] = {
	[T_AUTH] = { "authentication", T_AUTHLIST, 0, 0, 0, 0, NULL },
	[T_BAP] = { "bap", T_BOOL, 0, 0, 0, 0, NULL },
	[T_DESC] = { "description", T_STRING, 0, 1, GWCONF_DESC_LEN - 1, 0, NULL },
	[T_ECHO] = { "echo", T_ONOFFNUM, 0, 1, 86400, GWCONF_PPP_ECHO_DEFAULT, NULL },
	[T_IDLE] = { "idle", T_ONOFFNUM, 0, 1, 86400, GWCONF_PPP_IDLE_DEFAULT, NULL },
	[T_IPPOOL] = { "ippool", T_POOLREF, 0, 1, GWCONF_POOL_LEN - 1, 0, NULL },
	[T_LQR] = { "lqr", T_ONOFFNUM, 0, 1, 86400, GWCONF_PPP_LQR_DEFAULT, NULL },
	[T_MRU] = { "mru", T_UINT, 0, 256, 1656, 0, NULL },
};

static void
template_params(struct gw_pstate *ps, struct gwconf_ppp_template *t,
    struct gw_val *pv)
{
	uint32_t i;

	if (pv[T_AUTH].set) {
		t->n_auth = pv[T_AUTH].nlist;
		for (i = 0; i < t->n_auth; i++)
			t->auth[i] = (enum gwconf_ppp_auth)pv[T_AUTH].list[i];
	}
	if (pv[T_BAP].set)
		t->bap = pv[T_BAP].u != 0;
	if (pv[T_DESC].set)
		GW_SETSTR(t->description, pv[T_DESC]);
	if (pv[T_ECHO].set)
		t->echo = pv[T_ECHO].u;
	if (pv[T_IDLE].set)
		t->idle = pv[T_IDLE].u;
	if (pv[T_IPPOOL].set) {
		GW_SETSTR(t->ippool, pv[T_IPPOOL]);
		t->ippool_loc = gw_vloc(ps, &pv[T_IPPOOL]);
	}
	if (pv[T_LQR].set)
		t->lqr = pv[T_LQR].u;
	if (pv[T_MRU].set)
		t->mru = pv[T_MRU].u;
}

static void
apply_create_template(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ppp_template *t = find_template(conf, kv[1].u);

	(void)c;
	if (t != NULL) {
		gw_duplicate(ps, &kv[1], "ppp template", &t->loc);
		return;
	}
	if (!gw_room(ps, conf->n_templates, GWCONF_MAX_TEMPLATES,
	    "ppp templates"))
		return;
	t = &conf->templates[conf->n_templates++];
	t->id = kv[1].u;
	t->lqr = GWCONF_PPP_LQR_DEFAULT;
	t->loc = gw_tloc(ps, ps->first);
	template_params(ps, t, pv);
}

static void
apply_set_template(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_ppp_template *t = find_template(ps->conf, kv[1].u);

	(void)c;
	if (t == NULL) {
		gw_not_found(ps, &kv[1], "ppp template", "create ppp template");
		return;
	}
	template_params(ps, t, pv);
}

enum { G_DNS1, G_DNS2, G_WINS1, G_WINS2 };
static const struct gw_param p_set_ppp[] = {
	[G_DNS1] = { "dnsprimary", T_IP, 0, 0, 0, 0, NULL },
	[G_DNS2] = { "dnssecondary", T_IP, 0, 0, 0, 0, NULL },
	[G_WINS1] = { "winsprimary", T_IP, 0, 0, 0, 0, NULL },
	[G_WINS2] = { "winssecondary", T_IP, 0, 0, 0, 0, NULL },
};

static void
apply_set_ppp(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf_ppp_global *g = &ps->conf->ppp;

	(void)c;
	(void)kv;
	if (pv[G_DNS1].set)
		g->dns[0] = pv[G_DNS1].u;
	if (pv[G_DNS2].set)
		g->dns[1] = pv[G_DNS2].u;
	if (pv[G_WINS1].set)
		g->wins[0] = pv[G_WINS1].u;
	if (pv[G_WINS2].set)
		g->wins[1] = pv[G_WINS2].u;
	g->loc = gw_tloc(ps, ps->first);
}

/* ------------------------------------------------------------------------
 * L2TP.
 */
static void
apply_l2tp_server(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	(void)pv;
	if (c->verb == V_ENABLE)
		ps->conf->l2tp.server |= kv[1].u;
	else
		ps->conf->l2tp.server &= ~kv[1].u;
}

static const struct gw_param p_l2tp_ip[] = {
	{ "ppptemplate", T_UINT, 0, 0, GWCONF_MAX_TEMPLATES - 1, 0, NULL },
};

static void
apply_add_l2tp_ip(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_l2tp *l = &ps->conf->l2tp;
	struct gwconf_l2tp_range *r;
	uint32_t i;

	(void)c;
	for (i = 0; i < l->n_ranges; i++)
		if (l->ranges[i].first <= kv[1].r.last &&
		    kv[1].r.first <= l->ranges[i].last) {
			char w[GWCONF_PATH_LEN + 32];

			gw_perr(ps, kv[1].tok, kv[1].tok->vcol, "l2tp range "
			    "\"%s\" overlaps the range %s", kv[1].tok->value,
			    gw_where(ps, &l->ranges[i].loc, w, sizeof(w)));
			return;
		}
	if (!gw_room(ps, l->n_ranges, GWCONF_MAX_L2TP_RANGES, "l2tp ranges"))
		return;
	r = &l->ranges[l->n_ranges++];
	r->first = kv[1].r.first;
	r->last = kv[1].r.last;
	r->loc = gw_tloc(ps, ps->first);
	if (pv[0].set) {
		r->has_template = true;
		r->ppptemplate = pv[0].u;
		r->template_loc = gw_vloc(ps, &pv[0]);
	}
}

/* ------------------------------------------------------------------------
 * IP: interfaces, routes, pools.  The default mask of an address is its
 * natural (class A/B/C) mask, as on the router.
 */
enum { I_IP, I_MASK };
static const struct gw_param p_ip_if[] = {
	[I_IP] = { "ipaddress", T_IP, P_REQ, 0, 0, 0, NULL },
	[I_MASK] = { "mask", T_MASK, 0, 0, 0, 0, NULL },
};

static void
apply_add_ip_if(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ip_if *i;
	uint32_t k;

	(void)c;
	for (k = 0; k < conf->n_ip_ifs; k++)
		if (strcmp(conf->ip_ifs[k].name, kv[1].s) == 0) {
			gw_duplicate(ps, &kv[1], "ip interface",
			    &conf->ip_ifs[k].loc);
			return;
		}
	if (!gw_room(ps, conf->n_ip_ifs, GWCONF_MAX_IP_IFS, "ip interfaces"))
		return;
	i = &conf->ip_ifs[conf->n_ip_ifs++];
	GW_SETSTR(i->name, kv[1]);
	i->addr = pv[I_IP].u;
	i->mask = pv[I_MASK].set ? pv[I_MASK].u : gw_natural_mask(i->addr);
	i->loc = gw_tloc(ps, ps->first);
}

enum { RT_MASK, RT_IF, RT_NEXT, RT_METRIC };
static const struct gw_param p_route[] = {
	[RT_MASK] = { "mask", T_MASK, 0, 0, 0, 0, NULL },
	[RT_IF] = { "interface", T_IFNAME, P_REQ, 0, 0, 0, NULL },
	[RT_NEXT] = { "nexthop", T_IP, 0, 0, 0, 0, NULL },
	[RT_METRIC] = { "metric", T_UINT, 0, 1, 16, 0, NULL },
};

static void
apply_add_route(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_route *r;
	uint32_t mask, k;

	(void)c;
	mask = pv[RT_MASK].set ? pv[RT_MASK].u :
	    kv[1].u == 0 ? 0 : gw_natural_mask(kv[1].u);
	if ((kv[1].u & ~mask) != 0) {
		char a[16], m[16];

		gw_perr(ps, kv[1].tok, kv[1].tok->vcol, "route %s mask %s is "
		    "not a network address (host bits are set)",
		    gw_ipstr(kv[1].u, a), gw_ipstr(mask, m));
		return;
	}
	for (k = 0; k < conf->n_routes; k++)
		if (conf->routes[k].dest == kv[1].u &&
		    conf->routes[k].mask == mask &&
		    conf->routes[k].nexthop == (pv[RT_NEXT].set ?
		    pv[RT_NEXT].u : 0)) {
			gw_duplicate(ps, &kv[1], "route", &conf->routes[k].loc);
			return;
		}
	if (!gw_room(ps, conf->n_routes, GWCONF_MAX_ROUTES, "routes"))
		return;
	r = &conf->routes[conf->n_routes++];
	r->dest = kv[1].u;
	r->mask = mask;
	GW_SETSTR(r->ifname, pv[RT_IF]);
	r->if_loc = gw_vloc(ps, &pv[RT_IF]);
	r->nexthop = pv[RT_NEXT].set ? pv[RT_NEXT].u : 0;
	r->metric = pv[RT_METRIC].set ? pv[RT_METRIC].u : 1;
	r->loc = gw_tloc(ps, ps->first);
}

static const struct gw_param p_pool[] = {
	{ "ip", T_RANGE, P_REQ, 0, 0, 0, NULL },
};

static void
pool_add_range(struct gw_pstate *ps, struct gwconf_pool *p, struct gw_val *v)
{
	uint32_t k;

	for (k = 0; k < p->n_ranges; k++)
		if (p->ranges[k].first <= v->r.last &&
		    v->r.first <= p->ranges[k].last) {
			char w[GWCONF_PATH_LEN + 32];

			gw_perr(ps, v->tok, v->tok->vcol,
			    "range \"%s\" overlaps a range of pool \"%s\" (%s)",
			    v->tok->value, p->name,
			    gw_where(ps, &p->range_locs[k], w, sizeof(w)));
			return;
		}
	if (!gw_room(ps, p->n_ranges, GWCONF_MAX_POOL_RANGES, "ranges in one pool"))
		return;
	p->range_locs[p->n_ranges] = gw_vloc(ps, v);
	p->ranges[p->n_ranges++] = v->r;
}

static void
apply_create_pool(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_pool *p = find_pool(conf, kv[1].s);

	(void)c;
	if (p != NULL) {
		gw_duplicate(ps, &kv[1], "ip pool", &p->loc);
		return;
	}
	if (!gw_room(ps, conf->n_pools, GWCONF_MAX_POOLS, "ip pools"))
		return;
	p = &conf->pools[conf->n_pools++];
	GW_SETSTR(p->name, kv[1]);
	p->loc = gw_tloc(ps, ps->first);
	pool_add_range(ps, p, &pv[0]);
}

static void
apply_add_pool(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf_pool *p = find_pool(ps->conf, kv[1].s);

	(void)c;
	if (p == NULL) {
		gw_not_found(ps, &kv[1], "ip pool", "create ip pool");
		return;
	}
	pool_add_range(ps, p, &pv[0]);
}

/* ------------------------------------------------------------------------
 * This file's slice of the command table (conf_parse.c).
 */
const struct gw_cmd gw_cmds_net[] = {
	/* PPP */
	{ V_CREATE, 2, { KW("ppp"), KWV("template", T_UINT, 0,
	    GWCONF_MAX_TEMPLATES - 1) }, PARAMS(p_template),
	    apply_create_template, NULL },
	{ V_SET, 2, { KW("ppp"), KWV("template", T_UINT, 0,
	    GWCONF_MAX_TEMPLATES - 1) }, PARAMS(p_template),
	    apply_set_template, NULL },
	{ V_SET, 1, { KW("ppp") }, PARAMS(p_set_ppp), apply_set_ppp, NULL },
	{ V_ENABLE, 2, { KW("ppp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    gw_apply_debug, NULL },
	{ V_DISABLE, 2, { KW("ppp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    gw_apply_debug, NULL },
	/* L2TP */
	{ V_ENABLE, 1, { KW("l2tp") }, NOPARAMS, gw_apply_module, NULL },
	{ V_DISABLE, 1, { KW("l2tp") }, NOPARAMS, gw_apply_module, NULL },
	{ V_ENABLE, 2, { KW("l2tp"), KWE("server", &gw_tab_l2tp_server) },
	    NOPARAMS, apply_l2tp_server, NULL },
	{ V_DISABLE, 2, { KW("l2tp"), KWE("server", &gw_tab_l2tp_server) },
	    NOPARAMS, apply_l2tp_server, NULL },
	{ V_ENABLE, 2, { KW("l2tp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    gw_apply_debug, NULL },
	{ V_DISABLE, 2, { KW("l2tp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    gw_apply_debug, NULL },
	{ V_ADD, 2, { KW("l2tp"), KWV("ip", T_RANGE, 0, 0) },
	    PARAMS(p_l2tp_ip), apply_add_l2tp_ip, NULL },
	/* IP */
	{ V_ENABLE, 1, { KW("ip") }, NOPARAMS, gw_apply_module, NULL },
	{ V_DISABLE, 1, { KW("ip") }, NOPARAMS, gw_apply_module, NULL },
	{ V_ADD, 2, { KW("ip"), KWV("interface", T_IFNAME, 0, 0) },
	    PARAMS(p_ip_if), apply_add_ip_if, NULL },
	{ V_ADD, 2, { KW("ip"), KWV("route", T_IP, 0, 0) }, PARAMS(p_route),
	    apply_add_route, NULL },
	{ V_CREATE, 2, { KW("ip"), KWV("pool", T_NAME, 1,
	    GWCONF_POOL_LEN - 1) }, PARAMS(p_pool), apply_create_pool, NULL },
	{ V_ADD, 2, { KW("ip"), KWV("pool", T_NAME, 1, GWCONF_POOL_LEN - 1) },
	    PARAMS(p_pool), apply_add_pool, NULL },
};
_Static_assert(GW_NELEM(gw_cmds_net) == GW_NCMDS_NET,
    "GW_NCMDS_NET (conf_int.h) counts gw_cmds_net");
