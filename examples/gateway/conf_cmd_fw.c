/*
 * conf_cmd_fw.c - the commands of the firewall (the module, policies,
 * dynamic interfaces and their users, interfaces, NAT definitions, rules):
 * their parameters, the functions that apply them to the model, and their
 * slice of the command table, gw_cmds_fw (conf_parse.c).
 *
 * Source for parameter names and value sets (as stored in the public
 * copies found; the other sources are listed in conf_cmd_net.c and
 * conf_cmd_ipsec.c):
 *  [FWR]  Firewall policy rules (ACTION={ALLOW|DENY|NAT|NONAT}, NATTYPE,
 *         GBLIP, GBLPORT), AR300 release note:
 *         https://manualsdump.com/amp/en/manuals/159559/16
 */
#include <string.h>

#include "conf_int.h"

/* Model lookups (names are case-insensitive). */
static int
find_fw_policy(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_fw_policies; i++)
		if (gw_strcaseeq(c->fw_policies[i].name, name))
			return (int)i;
	return -1;
}

static struct gwconf_fw_dynamic *
find_dynamic(struct gwconf_fw_policy *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < p->n_dynamics; i++)
		if (gw_strcaseeq(p->dynamics[i].name, name))
			return &p->dynamics[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * Firewall.
 */
static int
fw_policy_or_error(struct gw_pstate *ps, struct gw_val *v)
{
	int pi = find_fw_policy(ps->conf, v->s);

	if (pi < 0)
		gw_not_found(ps, v, "firewall policy",
		    "create firewall policy");
	return pi;
}

static void
apply_create_fw_policy(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	int pi = find_fw_policy(conf, kv[1].s);
	struct gwconf_fw_policy *p;

	(void)c;
	(void)pv;
	if (pi >= 0) {
		gw_duplicate(ps, &kv[1], "firewall policy",
		    &conf->fw_policies[pi].loc);
		return;
	}
	if (!gw_room(ps, conf->n_fw_policies, GWCONF_MAX_FW_POLICIES,
	    "firewall policies"))
		return;
	p = &conf->fw_policies[conf->n_fw_policies++];
	GW_SETSTR(p->name, kv[1]);
	p->loc = gw_tloc(ps, ps->first);
}

static void
apply_create_fw_dynamic(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_fw_policy *p;
	struct gwconf_fw_dynamic *d;
	int pi = fw_policy_or_error(ps, &kv[1]);

	(void)c;
	(void)pv;
	if (pi < 0)
		return;
	p = &ps->conf->fw_policies[pi];
	d = find_dynamic(p, kv[2].s);
	if (d != NULL) {
		gw_duplicate(ps, &kv[2], "dynamic interface", &d->loc);
		return;
	}
	if (!gw_room(ps, p->n_dynamics, GWCONF_MAX_FW_DYNAMICS,
	    "dynamic interfaces in one policy"))
		return;
	d = &p->dynamics[p->n_dynamics++];
	GW_SETSTR(d->name, kv[2]);
	d->loc = gw_tloc(ps, ps->first);
}

static const struct gw_param p_fw_dyn_user[] = {
	{ "user", T_NAME, P_REQ, 1, GWCONF_NAME_LEN - 1, 0, NULL },
};

static void
apply_add_fw_dynamic(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_fw_dynamic *d;
	int pi = fw_policy_or_error(ps, &kv[1]);
	uint32_t k;

	(void)c;
	if (pi < 0)
		return;
	d = find_dynamic(&ps->conf->fw_policies[pi], kv[2].s);
	if (d == NULL) {
		gw_not_found(ps, &kv[2], "dynamic interface",
		    "create firewall policy dynamic");
		return;
	}
	for (k = 0; k < d->n_users; k++)
		if (gw_strcaseeq(d->users[k], pv[0].s)) {
			gw_perr(ps, pv[0].tok, pv[0].tok->vcol, "user \"%s\" "
			    "is already in dynamic interface \"%s\"", pv[0].s,
			    d->name);
			return;
		}
	if (!gw_room(ps, d->n_users, GWCONF_MAX_FW_DYN_USERS,
	    "users in one dynamic interface"))
		return;
	GW_SETSTR(d->users[d->n_users], pv[0]);
	d->n_users++;
}

static const struct gw_param p_fw_if[] = {
	{ "type", T_ENUM, P_REQ, 0, 0, 0, &gw_tab_fw_iftype },
};

static void
apply_add_fw_if(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_fw_if *f;
	int pi = fw_policy_or_error(ps, &kv[1]);
	uint32_t k;

	(void)c;
	if (pi < 0)
		return;
	for (k = 0; k < conf->n_fw_ifs; k++)
		if (conf->fw_ifs[k].policy == (uint32_t)pi &&
		    strcmp(conf->fw_ifs[k].name, kv[2].s) == 0) {
			gw_duplicate(ps, &kv[2], "firewall interface",
			    &conf->fw_ifs[k].loc);
			return;
		}
	if (!gw_room(ps, conf->n_fw_ifs, GWCONF_MAX_FW_IFS,
	    "firewall interfaces"))
		return;
	f = &conf->fw_ifs[conf->n_fw_ifs++];
	f->policy = (uint32_t)pi;
	GW_SETSTR(f->name, kv[2]);
	f->type = (enum gwconf_fw_iftype)pv[0].u;
	f->loc = gw_vloc(ps, &kv[2]);
}

enum { N_IF, N_GBLIF, N_IP, N_GBLIP };
static const struct gw_param p_fw_nat[] = {
	[N_IF] = { "interface", T_IFNAME, P_REQ, 0, 0, 0, NULL },
	[N_GBLIF] = { "gblinterface", T_IFNAME, 0, 0, 0, 0, NULL },
	[N_IP] = { "ip", T_RANGE, 0, 0, 0, 0, NULL },
	[N_GBLIP] = { "gblip", T_IP, 0, 0, 0, 0, NULL },
};

static void
apply_add_fw_nat(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_fw_nat_def *n;
	int pi = fw_policy_or_error(ps, &kv[1]);

	(void)c;
	if (pi < 0)
		return;
	if (kv[2].u == GWCONF_NAT_ENHANCED && !pv[N_GBLIF].set) {
		gw_perr(ps, ps->first, 0,
		    "nat=enhanced needs \"gblinterface\"");
		return;
	}
	if (kv[2].u == GWCONF_NAT_STANDARD &&
	    (!pv[N_IP].set || !pv[N_GBLIP].set)) {
		gw_perr(ps, ps->first, 0, "nat=standard needs \"ip\" and "
		    "\"gblip\"");
		return;
	}
	if (!gw_room(ps, conf->n_fw_nats, GWCONF_MAX_FW_NATS, "firewall nats"))
		return;
	n = &conf->fw_nats[conf->n_fw_nats++];
	n->policy = (uint32_t)pi;
	n->type = (enum gwconf_fw_nat)kv[2].u;
	GW_SETSTR(n->ifname, pv[N_IF]);
	n->if_loc = gw_vloc(ps, &pv[N_IF]);
	if (pv[N_GBLIF].set) {
		GW_SETSTR(n->gblif, pv[N_GBLIF]);
		n->gblif_loc = gw_vloc(ps, &pv[N_GBLIF]);
	}
	if (pv[N_IP].set)
		n->ip = pv[N_IP].r;
	else
		n->ip.any = true;
	if (pv[N_GBLIP].set) {
		n->has_gblip = true;
		n->gblip = pv[N_GBLIP].u;
	}
	n->loc = gw_tloc(ps, ps->first);
}

/* add firewall policy rule [FWR]. */
enum {
	FR_ACTION, FR_IF, FR_PROTO, FR_IP, FR_PORT, FR_REMOTEIP, FR_GBLIP,
	FR_GBLPORT, FR_NATTYPE, FR_ENCAP
};
static const struct gw_param p_fw_rule[] = {
	[FR_ACTION] = { "action", T_ENUM, P_REQ, 0, 0, 0, &gw_tab_fw_action },
	[FR_IF] = { "interface", T_IFNAME, P_REQ, 0, 0, 0, NULL },
	[FR_PROTO] = { "protocol", T_PROTO, P_REQ, 0, 0, 0, NULL },
	[FR_IP] = { "ip", T_RANGE, 0, 0, 0, 0, NULL },
	[FR_PORT] = { "port", T_PORTS, 0, 0, 0, 0, NULL },
	[FR_REMOTEIP] = { "remoteip", T_RANGE, 0, 0, 0, 0, NULL },
	[FR_GBLIP] = { "gblip", T_IP, 0, 0, 0, 0, NULL },
	[FR_GBLPORT] = { "gblport", T_PORTS, 0, 0, 0, 0, NULL },
	[FR_NATTYPE] = { "nattype", T_ENUM, 0, 0, 0, 0, &gw_tab_fw_nat },
	[FR_ENCAP] = { "encapsulation", T_ENUM, 0, 0, 0, 0, &gw_tab_fw_encap },
};

static void
apply_add_fw_rule(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_fw_rule *r;
	int pi = fw_policy_or_error(ps, &kv[1]);
	uint32_t k;

	(void)c;
	if (pi < 0)
		return;
	for (k = 0; k < conf->n_fw_rules; k++)
		if (conf->fw_rules[k].policy == (uint32_t)pi &&
		    conf->fw_rules[k].id == kv[2].u) {
			gw_duplicate(ps, &kv[2], "firewall rule",
			    &conf->fw_rules[k].loc);
			return;
		}
	if ((pv[FR_PORT].set && !pv[FR_PORT].ports.any) ||
	    (pv[FR_GBLPORT].set && !pv[FR_GBLPORT].ports.any)) {
		if (pv[FR_PROTO].set && pv[FR_PROTO].u != 6 &&
		    pv[FR_PROTO].u != 17) {
			gw_perr(ps, pv[FR_PROTO].tok, pv[FR_PROTO].tok->vcol,
			    "ports need protocol=tcp or protocol=udp");
			return;
		}
	}
	if (pv[FR_NATTYPE].set && pv[FR_ACTION].u != GWCONF_FW_NAT) {
		gw_perr(ps, pv[FR_NATTYPE].tok, 0,
		    "\"nattype\" needs action=nat");
		return;
	}
	if (!gw_room(ps, conf->n_fw_rules, GWCONF_MAX_FW_RULES,
	    "firewall rules"))
		return;
	r = &conf->fw_rules[conf->n_fw_rules++];
	r->policy = (uint32_t)pi;
	r->id = kv[2].u;
	r->action = (enum gwconf_fw_action)pv[FR_ACTION].u;
	GW_SETSTR(r->ifname, pv[FR_IF]);
	r->if_loc = gw_vloc(ps, &pv[FR_IF]);
	r->protocol = pv[FR_PROTO].set ? pv[FR_PROTO].u : GWCONF_PROTO_ANY;
	r->ip.any = true;
	r->ip.last = 0xffffffffu;
	if (pv[FR_IP].set)
		r->ip = pv[FR_IP].r;
	r->remoteip.any = true;
	r->remoteip.last = 0xffffffffu;
	if (pv[FR_REMOTEIP].set)
		r->remoteip = pv[FR_REMOTEIP].r;
	r->port.any = true;
	r->port.last = 65535;
	if (pv[FR_PORT].set)
		r->port = pv[FR_PORT].ports;
	r->gblport.any = true;
	r->gblport.last = 65535;
	if (pv[FR_GBLPORT].set)
		r->gblport = pv[FR_GBLPORT].ports;
	if (pv[FR_GBLIP].set) {
		r->has_gblip = true;
		r->gblip = pv[FR_GBLIP].u;
	}
	r->nattype = pv[FR_NATTYPE].set ?
	    (enum gwconf_fw_nat)pv[FR_NATTYPE].u : GWCONF_NAT_ENHANCED;
	r->encap_ipsec = pv[FR_ENCAP].set && pv[FR_ENCAP].u == 1;
	r->loc = gw_tloc(ps, ps->first);
}

/* ------------------------------------------------------------------------
 * This file's slice of the command table (conf_parse.c).
 */
const struct gw_cmd gw_cmds_fw[] = {
	/* firewall */
	{ V_ENABLE, 1, { KW("firewall") }, NOPARAMS, gw_apply_module, NULL },
	{ V_DISABLE, 1, { KW("firewall") }, NOPARAMS, gw_apply_module, NULL },
	{ V_CREATE, 2, { KW("firewall"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1) }, NOPARAMS, apply_create_fw_policy, NULL },
	{ V_CREATE, 3, { KW("firewall"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1), KWV("dynamic", T_WORDNAME, 1,
	    GWCONF_IFNAME_LEN - 5) }, NOPARAMS, apply_create_fw_dynamic, NULL },
	{ V_ADD, 3, { KW("firewall"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1), KWV("dynamic", T_WORDNAME, 1,
	    GWCONF_IFNAME_LEN - 5) }, PARAMS(p_fw_dyn_user),
	    apply_add_fw_dynamic, NULL },
	{ V_ADD, 3, { KW("firewall"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1), KWV("interface", T_IFNAME, 0, 0) },
	    PARAMS(p_fw_if), apply_add_fw_if, NULL },
	{ V_ADD, 3, { KW("firewall"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1), KWE("nat", &gw_tab_fw_nat) },
	    PARAMS(p_fw_nat), apply_add_fw_nat, NULL },
	{ V_ADD, 3, { KW("firewall"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1), KWV("rule", T_UINT, 1, 9999) },
	    PARAMS(p_fw_rule), apply_add_fw_rule, NULL },
};
_Static_assert(GW_NELEM(gw_cmds_fw) == GW_NCMDS_FW,
    "GW_NCMDS_FW (conf_int.h) counts gw_cmds_fw");
