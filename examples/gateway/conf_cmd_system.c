/*
 * conf_cmd_system.c - the commands of the system name, users, RADIUS
 * servers, ENCO keys (pre-shared keys) and aliases: their parameters and
 * the functions that apply them to the model; enable/disable of the
 * modules and of their debugging (the apply functions the other areas'
 * tables share); and the router-only commands, accepted with a notice.
 * Its slices are the first (gw_cmds_system) and the last (gw_cmds_router)
 * of the command table (conf_parse.c).
 */
#include <stdio.h>
#include <string.h>

#include "conf_int.h"

/* Model lookups (names are case-insensitive). */
static struct gwconf_user *
find_user(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_users; i++)
		if (gw_strcaseeq(c->users[i].name, name))
			return &c->users[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * system, users, RADIUS, ENCO keys, aliases.
 */
static const struct gw_param p_system[] = {
	{ "name", T_NAME, P_REQ, 1, GWCONF_NAME_LEN - 1, 0, NULL },
};

static void
apply_set_system(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	(void)c;
	(void)kv;
	GW_SETSTR(ps->conf->system_name, pv[0]);
}

/* add user= / set user= (AlliedWare User Authentication chapter:
 * PASSWORD, PRIVILEGE={USER|MANAGER|SECURITYOFFICER}, LOGIN, IPADDRESS,
 * DESCRIPTION).  Defaults: privilege=user; login=yes (assumed: the
 * router's default is not in the copies found; it only governs router CLI
 * logins, which this gateway does not have). */
enum { U_PASSWORD, U_PRIVILEGE, U_LOGIN, U_IP, U_DESC };
static const struct gw_param p_add_user[] = {
	[U_PASSWORD] = { "password", T_SECRET, P_REQ, 1, GWCONF_SECRET_LEN - 1, 0, NULL },
	[U_PRIVILEGE] = { "privilege", T_ENUM, 0, 0, 0, 0, &gw_tab_priv },
	[U_LOGIN] = { "login", T_BOOL, 0, 0, 0, 0, NULL },
	[U_IP] = { "ipaddress", T_IP, 0, 0, 0, 0, NULL },
	[U_DESC] = { "description", T_STRING, 0, 1, GWCONF_DESC_LEN - 1, 0, NULL },
};
static const struct gw_param p_set_user[] = {
	[U_PASSWORD] = { "password", T_SECRET, 0, 1, GWCONF_SECRET_LEN - 1, 0, NULL },
	[U_PRIVILEGE] = { "privilege", T_ENUM, 0, 0, 0, 0, &gw_tab_priv },
	[U_LOGIN] = { "login", T_BOOL, 0, 0, 0, 0, NULL },
	[U_IP] = { "ipaddress", T_IP, 0, 0, 0, 0, NULL },
	[U_DESC] = { "description", T_STRING, 0, 1, GWCONF_DESC_LEN - 1, 0, NULL },
};

static void
user_params(struct gw_pstate *ps, struct gwconf_user *u, struct gw_val *pv)
{
	if (pv[U_PASSWORD].set) {
		gw_wipe(u->password, sizeof(u->password));
		GW_SETSTR(u->password, pv[U_PASSWORD]);
		u->password_hidden = pv[U_PASSWORD].hidden;
	}
	if (pv[U_PRIVILEGE].set)
		u->privilege = (enum gwconf_privilege)pv[U_PRIVILEGE].u;
	if (pv[U_LOGIN].set)
		u->login = pv[U_LOGIN].u != 0;
	if (pv[U_IP].set) {
		u->has_ip = true;
		u->ip = pv[U_IP].u;
		u->ip_loc = gw_vloc(ps, &pv[U_IP]);
	}
	if (pv[U_DESC].set)
		GW_SETSTR(u->description, pv[U_DESC]);
}

static void
apply_add_user(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_user *u = find_user(conf, kv[0].s);

	(void)c;
	if (u != NULL) {
		gw_duplicate(ps, &kv[0], "user", &u->loc);
		return;
	}
	if (!gw_room(ps, conf->n_users, GWCONF_MAX_USERS, "users"))
		return;
	u = &conf->users[conf->n_users++];
	GW_SETSTR(u->name, kv[0]);
	u->privilege = GWCONF_PRIV_USER;
	u->login = true;
	u->loc = gw_tloc(ps, ps->first);
	user_params(ps, u, pv);
}

static void
apply_set_user(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf_user *u = find_user(ps->conf, kv[0].s);

	(void)c;
	if (u == NULL) {
		gw_not_found(ps, &kv[0], "user", "add user");
		return;
	}
	user_params(ps, u, pv);
}

/*
 * add radius server=A secret=S [port=P] [accport=P]: as the router's
 * documentation has it (AlliedWare Software Release 2.0.1, "ADD RADIUS
 * SERVER"): the secret is 1 to 63 characters; without PORT and ACCPORT the
 * server does authentication and accounting on the router's default ports
 * 1645 and 1646; port=0 or accport=0 keeps the server out of
 * authentication or accounting.
 * vpn-gateway's extensions (not in that documentation; each gets a
 * notice): acctport= (another spelling of accport=), timeout= and
 * retries= (this server's, else "set radius"'s).
 */
enum { R_SECRET, R_PORT, R_ACCPORT, R_ACCTPORT, R_TIMEOUT, R_RETRIES };
static const struct gw_param p_radius[] = {
	[R_SECRET] = { "secret", T_SECRET, P_REQ, 1, 63, 0, NULL },
	[R_PORT] = { "port", T_UINT, 0, 0, 65535, 0, NULL },
	[R_ACCPORT] = { "accport", T_UINT, 0, 0, 65535, 0, NULL },
	[R_ACCTPORT] = { "acctport", T_UINT, 0, 0, 65535, 0, NULL },
	[R_TIMEOUT] = { "timeout", T_UINT, 0, 1, 60, 0, NULL },
	[R_RETRIES] = { "retries", T_UINT, 0, 0, 10, 0, NULL },
};

static void
apply_add_radius(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_radius *r;
	uint32_t i;

	(void)c;
	for (i = 0; i < conf->n_radius; i++)
		if (conf->radius[i].server == kv[1].u) {
			gw_duplicate(ps, &kv[1], "radius server",
			    &conf->radius[i].loc);
			return;
		}
	if (pv[R_ACCPORT].set && pv[R_ACCTPORT].set) {
		gw_perr(ps, ps->first, 0, "accport= and acctport= name the same port: "
		    "give one");
		return;
	}
	if (!gw_room(ps, conf->n_radius, GWCONF_MAX_RADIUS, "radius servers"))
		return;
	r = &conf->radius[conf->n_radius++];
	r->server = kv[1].u;
	GW_SETSTR(r->secret, pv[R_SECRET]);
	r->secret_hidden = pv[R_SECRET].hidden;
	r->port = (uint16_t)(pv[R_PORT].set ? pv[R_PORT].u : GWCONF_RADIUS_PORT);
	r->accport = (uint16_t)(pv[R_ACCPORT].set ? pv[R_ACCPORT].u :
	    pv[R_ACCTPORT].set ? pv[R_ACCTPORT].u : GWCONF_RADIUS_ACCPORT);
	r->timeout = pv[R_TIMEOUT].set ? pv[R_TIMEOUT].u : 0;
	r->has_retries = pv[R_RETRIES].set;
	r->retries = pv[R_RETRIES].set ? pv[R_RETRIES].u : 0;
	r->loc = gw_tloc(ps, ps->first);
	if (pv[R_ACCTPORT].set || pv[R_TIMEOUT].set || pv[R_RETRIES].set)
		gw_pnotice(ps, ps->first, 0, "add radius:%s%s%s: vpn-gateway's extension%s, "
		    "not the router's (a router script has accport= and \"set radius\")",
		    pv[R_ACCTPORT].set ? " acctport=" : "", pv[R_TIMEOUT].set ?
		    " timeout=" : "", pv[R_RETRIES].set ? " retries=" : "",
		    (pv[R_ACCTPORT].set + pv[R_TIMEOUT].set + pv[R_RETRIES].set) > 1 ?
		    "s" : "");
	if (!pv[R_PORT].set && !pv[R_ACCPORT].set && !pv[R_ACCTPORT].set)
		gw_pnotice(ps, ps->first, 0, "radius server without port= and accport=: "
		    "the router's defaults, %u and %u (a server on the ports of RFC 2865 "
		    "and 2866 needs port=1812 accport=1813)", GWCONF_RADIUS_PORT,
		    GWCONF_RADIUS_ACCPORT);
	if (r->port == 0 && r->accport == 0)
		gw_pwarn(ps, ps->first, 0, "radius server with port=0 and accport=0 is "
		    "used for nothing");
}

/*
 * set radius timeout= retransmitcount= deadtime= accounting=
 * interiminterval= userdatabase=first|last: what applies to every server
 * (see conf.h).  The whole command is vpn-gateway's extension: the
 * router's documentation found has no "set radius"; it is accepted with a
 * notice.
 */
enum { RS_TIMEOUT, RS_RETRANS, RS_DEAD, RS_ACCT, RS_INTERIM, RS_USERDB };
static const struct gw_param p_set_radius[] = {
	[RS_TIMEOUT] = { "timeout", T_UINT, 0, 1, 60, 0, NULL },
	[RS_RETRANS] = { "retransmitcount", T_UINT, 0, 0, 10, 0, NULL },
	[RS_DEAD] = { "deadtime", T_UINT, 0, 0, 1440, 0, NULL },
	[RS_ACCT] = { "accounting", T_BOOL, 0, 0, 0, 0, NULL },
	[RS_INTERIM] = { "interiminterval", T_UINT, 0, 0, 86400, 0, NULL },
	[RS_USERDB] = { "userdatabase", T_ENUM, 0, 0, 0, 0, &gw_tab_userdb },
};

static void
apply_set_radius(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_radius_global *g = &ps->conf->radius_set;

	(void)c;
	(void)kv;
	if (pv[RS_TIMEOUT].set)
		g->timeout = pv[RS_TIMEOUT].u;
	if (pv[RS_RETRANS].set)
		g->retransmitcount = pv[RS_RETRANS].u;
	if (pv[RS_DEAD].set)
		g->deadtime = pv[RS_DEAD].u;
	if (pv[RS_ACCT].set)
		g->accounting = pv[RS_ACCT].u != 0;
	if (pv[RS_INTERIM].set) {
		if (pv[RS_INTERIM].u != 0 && pv[RS_INTERIM].u < 60) {
			gw_perr(ps, ps->first, 0, "interiminterval %u is below 60 s "
			    "(RFC 2869 5.16)", (unsigned)pv[RS_INTERIM].u);
			return;
		}
		g->interim = pv[RS_INTERIM].u;
	}
	if (pv[RS_USERDB].set)
		g->local_last = pv[RS_USERDB].u != 0;
	g->loc = gw_tloc(ps, ps->first);
	gw_pnotice(ps, ps->first, 0, "\"set radius\" is vpn-gateway's extension, not a "
	    "command of the router's documentation");
}

/* create enco key=N type=general value=V [description=]: the pre-shared
 * keys.  Other key types (RSA for SSH, DES session keys) are router-only. */
enum { K_TYPE, K_VALUE, K_DESC, K_LENGTH, K_FORMAT };
static const struct gw_param p_enco[] = {
	[K_TYPE] = { "type", T_ENUM, P_REQ, 0, 0, 0, &gw_tab_enco_type },
	[K_VALUE] = { "value", T_SECRET, 0, 1, GWCONF_KEY_LEN - 1, 0, NULL },
	[K_DESC] = { "description", T_STRING, 0, 1, GWCONF_DESC_LEN - 1, 0, NULL },
	[K_LENGTH] = { "length", T_UINT, 0, 1, 65535, 0, NULL },
	[K_FORMAT] = { "format", T_ANY, 0, 0, 0, 0, NULL },
};

static void
apply_create_enco(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_key *k;

	(void)c;
	if (pv[K_TYPE].u != 0) {
		gw_pnotice(ps, ps->first, 0, "\"create enco key=%u type=%s\" "
		    "ignored: only general keys (pre-shared keys) are used by "
		    "this gateway", (unsigned)kv[1].u,
		    gw_enum_name(&gw_tab_enco_type, pv[K_TYPE].u));
		conf->n_ignored++;
		return;
	}
	if (!pv[K_VALUE].set) {
		gw_perr(ps, ps->first, 0, "missing parameter \"value\" for "
		    "\"create enco key\" with type=general");
		return;
	}
	if (pv[K_LENGTH].set || pv[K_FORMAT].set)
		gw_pwarn(ps, pv[K_LENGTH].set ? pv[K_LENGTH].tok :
		    pv[K_FORMAT].tok, 0, "length and format apply to RSA keys "
		    "only; ignored");
	k = gw_find_key(conf, kv[1].u);
	if (k != NULL) {
		gw_duplicate(ps, &kv[1], "enco key", &k->loc);
		return;
	}
	if (!gw_room(ps, conf->n_keys, GWCONF_MAX_KEYS, "enco keys"))
		return;
	k = &conf->keys[conf->n_keys++];
	k->id = kv[1].u;
	GW_SETSTR(k->value, pv[K_VALUE]);
	k->len = strlen(k->value);
	k->hidden = pv[K_VALUE].hidden;
	if (pv[K_DESC].set)
		GW_SETSTR(k->description, pv[K_DESC]);
	k->loc = gw_tloc(ps, ps->first);
}

/* add alias=NAME string="TEXT" */
static const struct gw_param p_alias[] = {
	{ "string", T_STRING, P_REQ, 1, GWCONF_ALIAS_LEN - 1, 0, NULL },
};

static void
apply_add_alias(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_alias *a = gw_find_alias(conf, kv[0].s);
	struct gwconf_diag tmp;

	(void)c;
	if (a != NULL) {
		gw_duplicate(ps, &kv[0], "alias", &a->loc);
		return;
	}
	if (gw_resolve_verb(kv[0].s) >= 0)
		gw_pwarn(ps, kv[0].tok, kv[0].tok->vcol, "alias \"%s\" hides a "
		    "command verb", kv[0].s);
	/* The string must be a valid command line. */
	gwconf_diag_init(&tmp);
	if (gw_lex_line(pv[0].s, strlen(pv[0].s), &ps->vline, ps->file,
	    ps->lineno, &tmp) != 0 || ps->vline.n == 0) {
		char text[GWCONF_DIAG_TEXT];

		if (tmp.n > 0)
			snprintf(text, sizeof(text), "%s", tmp.msgs[0].text);
		else
			snprintf(text, sizeof(text), "it is empty");
		gw_perr(ps, pv[0].tok, pv[0].tok->vcol, "the string of alias "
		    "\"%s\" is not a command: %s", kv[0].s, text);
		gwconf_diag_free(&tmp);
		return;
	}
	gwconf_diag_free(&tmp);
	if (!gw_room(ps, conf->n_aliases, GWCONF_MAX_ALIASES, "aliases"))
		return;
	a = &conf->aliases[conf->n_aliases++];
	GW_SETSTR(a->name, kv[0]);
	GW_SETSTR(a->string, pv[0]);
	a->loc = gw_tloc(ps, ps->first);
}

/* Router-only commands: accepted with a notice. */
static void
apply_notice(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	char name[64];

	(void)kv;
	(void)pv;
	gw_pnotice(ps, ps->first, 0, "\"%s\" ignored: %s",
	    gw_cmd_name(c, name, sizeof(name)), c->notice);
	ps->conf->n_ignored++;
}

/* enable/disable ... debug: log categories. */
void
gw_apply_debug(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	uint32_t bit;

	(void)kv;
	(void)pv;
	if (gw_strcaseeq(c->kw[0].name, "isakmp"))
		bit = GWCONF_DEBUG_ISAKMP;
	else if (gw_strcaseeq(c->kw[0].name, "ipsec"))
		bit = GWCONF_DEBUG_IPSEC;
	else if (gw_strcaseeq(c->kw[0].name, "l2tp"))
		bit = GWCONF_DEBUG_L2TP;
	else
		bit = GWCONF_DEBUG_PPP;
	if (c->verb == V_ENABLE)
		ps->conf->debug |= bit;
	else
		ps->conf->debug &= ~bit;
}

/* enable/disable ip, firewall, ipsec, isakmp, l2tp. */
void
gw_apply_module(struct gw_pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	bool on = c->verb == V_ENABLE;
	struct gwconf_loc l = gw_tloc(ps, ps->first);
	const char *m = c->kw[0].name;

	(void)kv;
	(void)pv;
	if (gw_strcaseeq(m, "ip")) {
		conf->ip_enabled = on;
		conf->ip_loc = l;
	} else if (gw_strcaseeq(m, "firewall")) {
		conf->fw_enabled = on;
		conf->fw_loc = l;
	} else if (gw_strcaseeq(m, "ipsec")) {
		conf->ipsec_enabled = on;
		conf->ipsec_loc = l;
	} else if (gw_strcaseeq(m, "isakmp")) {
		conf->isakmp_enabled = on;
		conf->isakmp_loc = l;
	} else {
		conf->l2tp.enabled = on;
		conf->l2tp.loc = l;
	}
}

/* ------------------------------------------------------------------------
 * The first and the last slices of the command table (conf_parse.c).
 */
static const char n_ssh[] = "remote management is the host's own SSH "
    "server";
static const char n_secdelay[] = "the security officer timeout is for "
    "the router's own command line";
static const char n_security[] = "keys are protected by the host's file "
    "permissions (see the key file)";
static const char n_login[] = "there is no router command line to log "
    "in to";
static const char n_conf[] = "the gateway reads the configuration file "
    "it is given";

const struct gw_cmd gw_cmds_system[] = {
	/* system and users */
	{ V_SET, 1, { KW("system") }, PARAMS(p_system), apply_set_system, NULL },
	{ V_SET, 1, { KW("user") }, NOPARAMS, apply_notice, n_secdelay },
	{ V_ADD, 1, { KWV("user", T_NAME, 1, GWCONF_NAME_LEN - 1) },
	    PARAMS(p_add_user), apply_add_user, NULL },
	{ V_SET, 1, { KWV("user", T_NAME, 1, GWCONF_NAME_LEN - 1) },
	    PARAMS(p_set_user), apply_set_user, NULL },
	{ V_ADD, 2, { KW("radius"), KWV("server", T_IP, 0, 0) },
	    PARAMS(p_radius), apply_add_radius, NULL },
	{ V_SET, 1, { KW("radius") }, PARAMS(p_set_radius), apply_set_radius,
	    NULL },
	{ V_CREATE, 2, { KW("enco"), KWV("key", T_UINT, 0, 65535) },
	    PARAMS(p_enco), apply_create_enco, NULL },
	{ V_ADD, 1, { KWV("alias", T_WORDNAME, 1, 23) }, PARAMS(p_alias),
	    apply_add_alias, NULL },
};
_Static_assert(GW_NELEM(gw_cmds_system) == GW_NCMDS_SYSTEM,
    "GW_NCMDS_SYSTEM (conf_int.h) counts gw_cmds_system");

const struct gw_cmd gw_cmds_router[] = {
	/* router-only commands */
	{ V_ENABLE, 2, { KW("system"), KW("security") }, NOPARAMS,
	    apply_notice, n_security },
	{ V_DISABLE, 2, { KW("system"), KW("security") }, NOPARAMS,
	    apply_notice, n_security },
	{ V_ENABLE, 2, { KW("ssh"), KW("server") }, NOPARAMS, apply_notice,
	    n_ssh },
	{ V_DISABLE, 2, { KW("ssh"), KW("server") }, NOPARAMS, apply_notice,
	    n_ssh },
	{ V_ADD, 2, { KW("ssh"), KWV("user", T_ANY, 0, 0) }, NOPARAMS,
	    apply_notice, n_ssh },
	{ V_SET, 1, { KWV("config", T_ANY, 0, 0) }, NOPARAMS, apply_notice,
	    n_conf },
	{ V_CREATE, 1, { KWV("config", T_ANY, 0, 0) }, NOPARAMS, apply_notice,
	    n_conf },
	{ V_LOGIN, 1, { { NULL, KV_REQ, { NULL, T_ANY, 0, 0, 0, 0, NULL } } },
	    NOPARAMS, apply_notice, n_login },
};
_Static_assert(GW_NELEM(gw_cmds_router) == GW_NCMDS_ROUTER,
    "GW_NCMDS_ROUTER (conf_int.h) counts gw_cmds_router");
