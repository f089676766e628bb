/*
 * conf_print.c - prints the effective configuration back in the router
 * language (normalized: one command per object, full lower-case keywords,
 * every parameter with its effective value, secrets as <hidden>), and the
 * same model as JSON.  Reading the text back gives the same model, and
 * printing it again the same text.  Address and port selectors that match
 * everything are left out (the router has no spelling for "any address"
 * in firewall rules).
 *
 * One file (about 1,000 lines): one printer per object kind of the model, in
 * the order of the command table, each in its text and its JSON form side by
 * side so that the two cannot drift apart.
 */
#include <stdio.h>
#include <string.h>

#include "conf_int.h"

struct out {
	FILE *f;
};

static void
put(struct out *o, const char *s)
{
	fputs(s, o->f);
}

static void GW_PRINTF(2, 3)
putf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

static bool
needs_quotes(const char *v)
{
	if (v[0] == '\0' || v[0] == '<' || v[0] == '#')
		return true;
	return strpbrk(v, " \t#=") != NULL;
}

/* " key=value", quoted when needed. */
static void
kv(struct out *o, const char *k, const char *v)
{
	if (needs_quotes(v))
		putf(o, " %s=\"%s\"", k, v);
	else
		putf(o, " %s=%s", k, v);
}

static void
kvu(struct out *o, const char *k, uint32_t v)
{
	putf(o, " %s=%u", k, (unsigned)v);
}

static void
kvip(struct out *o, const char *k, uint32_t a)
{
	char b[16];

	putf(o, " %s=%s", k, gw_ipstr(a, b));
}

static void
kvrange(struct out *o, const char *k, const struct gwconf_range *r)
{
	char a[16], b[16];

	if (r->any)
		putf(o, " %s=any", k);
	else if (r->first == r->last)
		putf(o, " %s=%s", k, gw_ipstr(r->first, a));
	else
		putf(o, " %s=%s-%s", k, gw_ipstr(r->first, a),
		    gw_ipstr(r->last, b));
}

static void
kvports(struct out *o, const char *k, const struct gwconf_ports *p)
{
	if (p->any)
		putf(o, " %s=any", k);
	else if (p->first == p->last)
		putf(o, " %s=%u", k, (unsigned)p->first);
	else
		putf(o, " %s=%u-%u", k, (unsigned)p->first, (unsigned)p->last);
}

static void
kvsec(struct out *o, const char *k)
{
	putf(o, " %s=<hidden>", k);
}

static const char *
yesno(bool b)
{
	return b ? "yes" : "no";
}

static const char *
onoff(bool b)
{
	return b ? "on" : "off";
}

static const char *
truefalse(bool b)
{
	return b ? "true" : "false";
}

static void
kvonoffnum(struct out *o, const char *k, uint32_t v)
{
	if (v == 0)
		putf(o, " %s=off", k);
	else
		kvu(o, k, v);
}

static void
print_users(struct out *o, const struct gwconf *c)
{
	uint32_t i;
	char b[8];

	if (c->system_name[0] != '\0') {
		put(o, "set system");
		kv(o, "name", c->system_name);
		put(o, "\n");
	}
	for (i = 0; i < c->n_users; i++) {
		const struct gwconf_user *u = &c->users[i];

		put(o, "add");
		kv(o, "user", u->name);
		kvsec(o, "password");
		kv(o, "privilege", gw_enum_name(&gw_tab_priv, u->privilege));
		kv(o, "login", yesno(u->login));
		if (u->has_ip)
			kvip(o, "ipaddress", u->ip);
		if (u->description[0] != '\0')
			kv(o, "description", u->description);
		put(o, "\n");
	}
	for (i = 0; i < c->n_radius; i++) {
		const struct gwconf_radius *r = &c->radius[i];

		put(o, "add radius");
		kvip(o, "server", r->server);
		kvsec(o, "secret");
		kvu(o, "port", r->port);
		kvu(o, "accport", r->accport);
		if (r->timeout != 0)
			kvu(o, "timeout", r->timeout);
		if (r->has_retries)
			kvu(o, "retries", r->retries);
		put(o, "\n");
	}
	/* "set radius" is vpn-gateway's extension: written only when it
	 * changes a default, so that a router's script prints as one. */
	if (c->n_radius > 0 && (c->radius_set.timeout != GWCONF_RADIUS_TIMEOUT ||
	    c->radius_set.retransmitcount != GWCONF_RADIUS_RETRANSMIT ||
	    c->radius_set.deadtime != 0 ||
	    !c->radius_set.accounting || c->radius_set.interim != 0 ||
	    c->radius_set.local_last)) {
		const struct gwconf_radius_global *g = &c->radius_set;

		put(o, "set radius");
		kvu(o, "timeout", g->timeout);
		kvu(o, "retransmitcount", g->retransmitcount);
		kvu(o, "deadtime", g->deadtime);
		kv(o, "accounting", g->accounting ? "on" : "off");
		kvu(o, "interiminterval", g->interim);
		kv(o, "userdatabase", g->local_last ? "last" : "first");
		put(o, "\n");
	}
	for (i = 0; i < c->n_keys; i++) {
		const struct gwconf_key *k = &c->keys[i];

		if (k->from_keyfile) {
			putf(o, "# enco key %u is read from the key file\n",
			    (unsigned)k->id);
			continue;
		}
		snprintf(b, sizeof(b), "%u", (unsigned)k->id);
		put(o, "create enco");
		kv(o, "key", b);
		kv(o, "type", "general");
		kvsec(o, "value");
		if (k->description[0] != '\0')
			kv(o, "description", k->description);
		put(o, "\n");
	}
}

static void
print_ppp_l2tp(struct out *o, const struct gwconf *c)
{
	const struct gwconf_l2tp *l = &c->l2tp;
	uint32_t i, k;

	for (i = 0; i < c->n_templates; i++) {
		const struct gwconf_ppp_template *t = &c->templates[i];

		putf(o, "create ppp template=%u", (unsigned)t->id);
		if (t->n_auth == 0) {
			put(o, " authentication=none");
		} else {
			put(o, " authentication=");
			for (k = 0; k < t->n_auth; k++)
				putf(o, "%s%s", k > 0 ? "," : "",
				    gwconf_ppp_auth_name(t->auth[k]));
		}
		kv(o, "bap", onoff(t->bap));
		if (t->description[0] != '\0')
			kv(o, "description", t->description);
		kvonoffnum(o, "echo", t->echo);
		kvonoffnum(o, "idle", t->idle);
		kv(o, "ippool", t->ippool[0] != '\0' ? t->ippool : "none");
		kvonoffnum(o, "lqr", t->lqr);
		if (t->mru != 0)
			kvu(o, "mru", t->mru);
		put(o, "\n");
	}
	if (c->ppp.dns[0] || c->ppp.dns[1] || c->ppp.wins[0] ||
	    c->ppp.wins[1]) {
		put(o, "set ppp");
		if (c->ppp.dns[0])
			kvip(o, "dnsprimary", c->ppp.dns[0]);
		if (c->ppp.dns[1])
			kvip(o, "dnssecondary", c->ppp.dns[1]);
		if (c->ppp.wins[0])
			kvip(o, "winsprimary", c->ppp.wins[0]);
		if (c->ppp.wins[1])
			kvip(o, "winssecondary", c->ppp.wins[1]);
		put(o, "\n");
	}
	if (l->enabled)
		put(o, "enable l2tp\n");
	if (l->server != 0)
		putf(o, "enable l2tp server=%s\n",
		    gw_enum_name(&gw_tab_l2tp_server, l->server));
	for (i = 0; i < l->n_ranges; i++) {
		const struct gwconf_l2tp_range *r = &l->ranges[i];

		put(o, "add l2tp");
		kvrange(o, "ip", &(struct gwconf_range){ false, r->first,
		    r->last });
		if (r->has_template)
			kvu(o, "ppptemplate", r->ppptemplate);
		put(o, "\n");
	}
}

static void
print_ip(struct out *o, const struct gwconf *c)
{
	uint32_t i, k;

	if (c->ip_enabled)
		put(o, "enable ip\n");
	for (i = 0; i < c->n_ip_ifs; i++) {
		const struct gwconf_ip_if *f = &c->ip_ifs[i];

		put(o, "add ip");
		kv(o, "interface", f->name);
		kvip(o, "ipaddress", f->addr);
		kvip(o, "mask", f->mask);
		put(o, "\n");
	}
	for (i = 0; i < c->n_routes; i++) {
		const struct gwconf_route *r = &c->routes[i];

		put(o, "add ip");
		kvip(o, "route", r->dest);
		kvip(o, "mask", r->mask);
		kv(o, "interface", r->ifname);
		kvip(o, "nexthop", r->nexthop);
		kvu(o, "metric", r->metric);
		put(o, "\n");
	}
	for (i = 0; i < c->n_pools; i++) {
		const struct gwconf_pool *p = &c->pools[i];

		for (k = 0; k < p->n_ranges; k++) {
			put(o, k == 0 ? "create ip" : "add ip");
			kv(o, "pool", p->name);
			kvrange(o, "ip", &p->ranges[k]);
			put(o, "\n");
		}
	}
}

static void
print_fw(struct out *o, const struct gwconf *c)
{
	uint32_t i, k, u;
	char b[8];

	if (c->fw_enabled)
		put(o, "enable firewall\n");
	for (i = 0; i < c->n_fw_policies; i++) {
		const struct gwconf_fw_policy *p = &c->fw_policies[i];

		put(o, "create firewall");
		kv(o, "policy", p->name);
		put(o, "\n");
		for (k = 0; k < p->n_dynamics; k++) {
			put(o, "create firewall");
			kv(o, "policy", p->name);
			kv(o, "dynamic", p->dynamics[k].name);
			put(o, "\n");
			for (u = 0; u < p->dynamics[k].n_users; u++) {
				put(o, "add firewall");
				kv(o, "policy", p->name);
				kv(o, "dynamic", p->dynamics[k].name);
				kv(o, "user", p->dynamics[k].users[u]);
				put(o, "\n");
			}
		}
	}
	for (i = 0; i < c->n_fw_ifs; i++) {
		const struct gwconf_fw_if *f = &c->fw_ifs[i];

		put(o, "add firewall");
		kv(o, "policy", c->fw_policies[f->policy].name);
		kv(o, "interface", f->name);
		kv(o, "type", gw_enum_name(&gw_tab_fw_iftype, f->type));
		put(o, "\n");
	}
	for (i = 0; i < c->n_fw_nats; i++) {
		const struct gwconf_fw_nat_def *n = &c->fw_nats[i];

		put(o, "add firewall");
		kv(o, "policy", c->fw_policies[n->policy].name);
		kv(o, "nat", gw_enum_name(&gw_tab_fw_nat, n->type));
		kv(o, "interface", n->ifname);
		if (n->gblif[0] != '\0')
			kv(o, "gblinterface", n->gblif);
		if (!n->ip.any)
			kvrange(o, "ip", &n->ip);
		if (n->has_gblip)
			kvip(o, "gblip", n->gblip);
		put(o, "\n");
	}
	for (i = 0; i < c->n_fw_rules; i++) {
		const struct gwconf_fw_rule *r = &c->fw_rules[i];

		put(o, "add firewall");
		kv(o, "policy", c->fw_policies[r->policy].name);
		kvu(o, "rule", r->id);
		kv(o, "action", gw_enum_name(&gw_tab_fw_action, r->action));
		kv(o, "interface", r->ifname);
		kv(o, "protocol", gw_proto_str(r->protocol, b));
		if (!r->ip.any)
			kvrange(o, "ip", &r->ip);
		if (!r->port.any)
			kvports(o, "port", &r->port);
		if (!r->remoteip.any)
			kvrange(o, "remoteip", &r->remoteip);
		if (r->has_gblip)
			kvip(o, "gblip", r->gblip);
		if (!r->gblport.any)
			kvports(o, "gblport", &r->gblport);
		if (r->action == GWCONF_FW_NAT)
			kv(o, "nattype", gw_enum_name(&gw_tab_fw_nat,
			    r->nattype));
		kv(o, "encapsulation", r->encap_ipsec ? "ipsec" : "none");
		put(o, "\n");
	}
}

static void
print_ipsec(struct out *o, const struct gwconf *c)
{
	uint32_t i, k, j;
	char b[8];

	for (i = 0; i < c->n_saspecs; i++) {
		const struct gwconf_saspec *s = &c->saspecs[i];

		put(o, "create ipsec");
		kvu(o, "saspecification", s->id);
		kv(o, "keymanagement", gw_enum_name(&gw_tab_keymgmt,
		    s->keymgmt));
		kv(o, "protocol", gw_enum_name(&gw_tab_ipsec_proto,
		    s->protocol));
		kv(o, "encalg", gwconf_esp_enc_name(s->encalg));
		kv(o, "hashalg", gwconf_esp_auth_name(s->hashalg));
		kv(o, "mode", gw_enum_name(&gw_tab_mode, s->mode));
		put(o, "\n");
	}
	for (i = 0; i < c->n_bundles; i++) {
		const struct gwconf_bundle *bu = &c->bundles[i];

		put(o, "create ipsec");
		kvu(o, "bundlespecification", bu->id);
		kv(o, "keymanagement", gw_enum_name(&gw_tab_keymgmt,
		    bu->keymgmt));
		put(o, " string=\"");
		for (k = 0; k < bu->n_props; k++) {
			if (k > 0)
				put(o, " or ");
			for (j = 0; j < bu->props[k].n_specs; j++)
				putf(o, "%s%u", j > 0 ? " and " : "",
				    (unsigned)bu->props[k].specs[j]);
		}
		put(o, "\"");
		kvu(o, "expiryseconds", bu->expiry_seconds);
		if (bu->expiry_kbytes != 0)
			kvu(o, "expirykbytes", bu->expiry_kbytes);
		put(o, "\n");
	}
	for (i = 0; i < c->n_ipsec_policies; i++) {
		const struct gwconf_ipsec_policy *p = &c->ipsec_policies[i];
		char a[16];

		put(o, "create ipsec");
		kv(o, "policy", p->name);
		kv(o, "interface", p->ifname);
		kv(o, "action", gw_enum_name(&gw_tab_ipsec_action, p->action));
		kv(o, "keymanagement", gw_enum_name(&gw_tab_keymgmt,
		    p->keymgmt));
		if (p->has_bundle)
			kvu(o, "bundlespecification", p->bundle);
		if (p->isakmp_policy[0] != '\0')
			kv(o, "isakmppolicy", p->isakmp_policy);
		kv(o, "peeraddress", p->peer.any ? "any" :
		    gw_ipstr(p->peer.addr, a));
		kv(o, "transportprotocol", p->transport == GWCONF_PROTO_ANY ?
		    "any" : gw_proto_str(p->transport, b));
		kvrange(o, "laddress", &p->laddr);
		kvrange(o, "raddress", &p->raddr);
		kvports(o, "lport", &p->lport);
		kvports(o, "rport", &p->rport);
		kvu(o, "group", p->pfs_group);
		kv(o, "respondbadspi", truefalse(p->respondbadspi));
		put(o, "\n");
	}
	if (c->ipsec_enabled)
		put(o, "enable ipsec\n");
}

static void
print_isakmp(struct out *o, const struct gwconf *c)
{
	uint32_t i;

	for (i = 0; i < c->n_isakmp_policies; i++) {
		const struct gwconf_isakmp_policy *p = &c->isakmp_policies[i];
		char a[16];

		put(o, "create isakmp");
		kv(o, "policy", p->name);
		kv(o, "peer", p->peer.any ? "any" : gw_ipstr(p->peer.addr, a));
		if (p->has_key)
			kvu(o, "key", p->key);
		kv(o, "authtype", gw_enum_name(&gw_tab_ike_auth, p->authtype));
		kv(o, "encalg", gwconf_ike_enc_name(p->encalg));
		kv(o, "hashalg", gwconf_ike_hash_name(p->hashalg));
		kvu(o, "group", (uint32_t)p->group);
		kvu(o, "expiryseconds", p->expiry_seconds);
		if (p->expiry_kbytes != 0)
			kvu(o, "expirykbytes", p->expiry_kbytes);
		kv(o, "mode", gw_enum_name(&gw_tab_ike_mode, p->mode));
		if (p->localid[0] != '\0')
			kv(o, "localid", p->localid);
		if (p->remoteid[0] != '\0')
			kv(o, "remoteid", p->remoteid);
		kv(o, "senddeletes", truefalse(p->senddeletes));
		kv(o, "sendnotify", truefalse(p->sendnotify));
		kv(o, "sendidalways", truefalse(p->sendidalways));
		kv(o, "nattraversal", truefalse(p->natt));
		kv(o, "heartbeatmode", gw_enum_name(&gw_tab_heartbeat,
		    p->heartbeat));
		kv(o, "msgbackoff", gw_enum_name(&gw_tab_backoff,
		    p->msgbackoff));
		kvu(o, "msgretrylimit", p->msgretrylimit);
		kvu(o, "msgtimeout", p->msgtimeout);
		kvu(o, "retryikeattempts", p->retryikeattempts);
		if (p->phase2xchglimit == 0)
			put(o, " phase2xchglimit=none");
		else
			kvu(o, "phase2xchglimit", p->phase2xchglimit);
		if (p->srcinterface[0] != '\0')
			kv(o, "srcinterface", p->srcinterface);
		put(o, "\n");
	}
	if (c->isakmp_enabled)
		put(o, "enable isakmp\n");
}

static void
print_tail(struct out *o, const struct gwconf *c)
{
	uint32_t i;

	/* Debug switches before the aliases: nothing follows an alias
	 * definition, so reading the text back never expands one. */
	if (c->debug & GWCONF_DEBUG_ISAKMP)
		put(o, "enable isakmp debug\n");
	if (c->debug & GWCONF_DEBUG_IPSEC)
		put(o, "enable ipsec policy debug=all\n");
	if (c->debug & GWCONF_DEBUG_L2TP)
		put(o, "enable l2tp debug\n");
	if (c->debug & GWCONF_DEBUG_PPP)
		put(o, "enable ppp debug\n");
	for (i = 0; i < c->n_aliases; i++) {
		put(o, "add");
		kv(o, "alias", c->aliases[i].name);
		kv(o, "string", c->aliases[i].string);
		put(o, "\n");
	}
}

int
gwconf_print(const struct gwconf *conf, FILE *f)
{
	struct out o;

	if (conf == NULL || f == NULL)
		return GWCONF_E_ARG;
	o.f = f;
	print_users(&o, conf);
	print_ppp_l2tp(&o, conf);
	print_ip(&o, conf);
	print_fw(&o, conf);
	print_ipsec(&o, conf);
	print_isakmp(&o, conf);
	print_tail(&o, conf);
	return ferror(f) ? GWCONF_E_IO : 0;
}

/* ------------------------------------------------------------------------
 * JSON.  Strings of the model hold printable ASCII only (the tokenizer
 * refuses the rest), so escaping '"' and '\\' is enough.
 */
static void
js(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putf(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			putf(o, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			putf(o, "%c", *s);
	}
	put(o, "\"");
}

static void
jkey(struct out *o, bool *first, const char *k)
{
	putf(o, "%s\"%s\":", *first ? "" : ",", k);
	*first = false;
}

static void
jstr(struct out *o, bool *first, const char *k, const char *v)
{
	jkey(o, first, k);
	js(o, v);
}

static void
jnum(struct out *o, bool *first, const char *k, uint32_t v)
{
	jkey(o, first, k);
	putf(o, "%u", (unsigned)v);
}

static void
jbool(struct out *o, bool *first, const char *k, bool v)
{
	jkey(o, first, k);
	put(o, v ? "true" : "false");
}

static void
jip(struct out *o, bool *first, const char *k, uint32_t a)
{
	char b[16];

	jstr(o, first, k, gw_ipstr(a, b));
}

static void
jrange(struct out *o, bool *first, const char *k,
    const struct gwconf_range *r)
{
	char a[16], b[16];

	jkey(o, first, k);
	if (r->any)
		put(o, "\"any\"");
	else
		putf(o, "{\"first\":\"%s\",\"last\":\"%s\"}",
		    gw_ipstr(r->first, a), gw_ipstr(r->last, b));
}

static void
jports(struct out *o, bool *first, const char *k,
    const struct gwconf_ports *p)
{
	jkey(o, first, k);
	if (p->any)
		put(o, "\"any\"");
	else
		putf(o, "{\"first\":%u,\"last\":%u}", (unsigned)p->first,
		    (unsigned)p->last);
}

static void
jarr_begin(struct out *o, bool *first, const char *k)
{
	jkey(o, first, k);
	put(o, "[");
}

static void
json_body(struct out *o, const struct gwconf *c)
{
	bool f = true, g;
	uint32_t i, k, j;
	char b[8];

	jstr(o, &f, "system_name", c->system_name);
	jarr_begin(o, &f, "users");
	for (i = 0; i < c->n_users; i++) {
		const struct gwconf_user *u = &c->users[i];

		g = true;
		put(o, i ? ",{" : "{");
		jstr(o, &g, "name", u->name);
		jstr(o, &g, "password", "<hidden>");
		jstr(o, &g, "privilege", gw_enum_name(&gw_tab_priv,
		    u->privilege));
		jbool(o, &g, "login", u->login);
		if (u->has_ip)
			jip(o, &g, "ip", u->ip);
		jstr(o, &g, "description", u->description);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "radius");
	for (i = 0; i < c->n_radius; i++) {
		g = true;
		put(o, i ? ",{" : "{");
		jip(o, &g, "server", c->radius[i].server);
		jstr(o, &g, "secret", "<hidden>");
		jnum(o, &g, "port", c->radius[i].port);
		jnum(o, &g, "accport", c->radius[i].accport);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "enco_keys");
	for (i = 0; i < c->n_keys; i++) {
		g = true;
		put(o, i ? ",{" : "{");
		jnum(o, &g, "key", c->keys[i].id);
		jstr(o, &g, "value", "<hidden>");
		jbool(o, &g, "from_keyfile", c->keys[i].from_keyfile);
		jstr(o, &g, "description", c->keys[i].description);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "ppp_templates");
	for (i = 0; i < c->n_templates; i++) {
		const struct gwconf_ppp_template *t = &c->templates[i];

		g = true;
		put(o, i ? ",{" : "{");
		jnum(o, &g, "template", t->id);
		jarr_begin(o, &g, "authentication");
		for (k = 0; k < t->n_auth; k++) {
			put(o, k ? "," : "");
			js(o, gwconf_ppp_auth_name(t->auth[k]));
		}
		put(o, "]");
		jbool(o, &g, "bap", t->bap);
		jnum(o, &g, "echo", t->echo);
		jnum(o, &g, "idle", t->idle);
		jstr(o, &g, "ippool", t->ippool);
		jnum(o, &g, "lqr", t->lqr);
		jnum(o, &g, "mru", t->mru);
		jstr(o, &g, "description", t->description);
		put(o, "}");
	}
	put(o, "]");
	jkey(o, &f, "ppp");
	g = true;
	put(o, "{");
	jip(o, &g, "dnsprimary", c->ppp.dns[0]);
	jip(o, &g, "dnssecondary", c->ppp.dns[1]);
	jip(o, &g, "winsprimary", c->ppp.wins[0]);
	jip(o, &g, "winssecondary", c->ppp.wins[1]);
	put(o, "}");
	jkey(o, &f, "l2tp");
	g = true;
	put(o, "{");
	jbool(o, &g, "enabled", c->l2tp.enabled);
	jbool(o, &g, "lac", (c->l2tp.server & GWCONF_L2TP_LAC) != 0);
	jbool(o, &g, "lns", (c->l2tp.server & GWCONF_L2TP_LNS) != 0);
	jarr_begin(o, &g, "ranges");
	for (i = 0; i < c->l2tp.n_ranges; i++) {
		const struct gwconf_l2tp_range *r = &c->l2tp.ranges[i];
		bool h = true;

		put(o, i ? ",{" : "{");
		jrange(o, &h, "ip", &(struct gwconf_range){ false, r->first,
		    r->last });
		if (r->has_template)
			jnum(o, &h, "ppptemplate", r->ppptemplate);
		put(o, "}");
	}
	put(o, "]}");
	jbool(o, &f, "ip_enabled", c->ip_enabled);
	jarr_begin(o, &f, "ip_interfaces");
	for (i = 0; i < c->n_ip_ifs; i++) {
		g = true;
		put(o, i ? ",{" : "{");
		jstr(o, &g, "interface", c->ip_ifs[i].name);
		jip(o, &g, "ipaddress", c->ip_ifs[i].addr);
		jip(o, &g, "mask", c->ip_ifs[i].mask);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "ip_routes");
	for (i = 0; i < c->n_routes; i++) {
		const struct gwconf_route *r = &c->routes[i];

		g = true;
		put(o, i ? ",{" : "{");
		jip(o, &g, "route", r->dest);
		jip(o, &g, "mask", r->mask);
		jstr(o, &g, "interface", r->ifname);
		jip(o, &g, "nexthop", r->nexthop);
		jnum(o, &g, "metric", r->metric);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "ip_pools");
	for (i = 0; i < c->n_pools; i++) {
		g = true;
		put(o, i ? ",{" : "{");
		jstr(o, &g, "pool", c->pools[i].name);
		jarr_begin(o, &g, "ranges");
		for (k = 0; k < c->pools[i].n_ranges; k++) {
			bool h = true;

			put(o, k ? ",{" : "{");
			jrange(o, &h, "ip", &c->pools[i].ranges[k]);
			put(o, "}");
		}
		put(o, "]}");
	}
	put(o, "]");
	jbool(o, &f, "firewall_enabled", c->fw_enabled);
	jarr_begin(o, &f, "firewall_policies");
	for (i = 0; i < c->n_fw_policies; i++) {
		const struct gwconf_fw_policy *p = &c->fw_policies[i];

		g = true;
		put(o, i ? ",{" : "{");
		jstr(o, &g, "policy", p->name);
		jarr_begin(o, &g, "dynamics");
		for (k = 0; k < p->n_dynamics; k++) {
			bool h = true;

			put(o, k ? ",{" : "{");
			jstr(o, &h, "dynamic", p->dynamics[k].name);
			jarr_begin(o, &h, "users");
			for (j = 0; j < p->dynamics[k].n_users; j++) {
				put(o, j ? "," : "");
				js(o, p->dynamics[k].users[j]);
			}
			put(o, "]}");
		}
		put(o, "]");
		jarr_begin(o, &g, "interfaces");
		for (k = j = 0; k < c->n_fw_ifs; k++) {
			bool h = true;

			if (c->fw_ifs[k].policy != i)
				continue;
			put(o, j++ ? ",{" : "{");
			jstr(o, &h, "interface", c->fw_ifs[k].name);
			jstr(o, &h, "type", gw_enum_name(&gw_tab_fw_iftype,
			    c->fw_ifs[k].type));
			put(o, "}");
		}
		put(o, "]");
		jarr_begin(o, &g, "nats");
		for (k = j = 0; k < c->n_fw_nats; k++) {
			const struct gwconf_fw_nat_def *n = &c->fw_nats[k];
			bool h = true;

			if (n->policy != i)
				continue;
			put(o, j++ ? ",{" : "{");
			jstr(o, &h, "nat", gw_enum_name(&gw_tab_fw_nat,
			    n->type));
			jstr(o, &h, "interface", n->ifname);
			jstr(o, &h, "gblinterface", n->gblif);
			jrange(o, &h, "ip", &n->ip);
			if (n->has_gblip)
				jip(o, &h, "gblip", n->gblip);
			put(o, "}");
		}
		put(o, "]");
		jarr_begin(o, &g, "rules");
		for (k = j = 0; k < c->n_fw_rules; k++) {
			const struct gwconf_fw_rule *r = &c->fw_rules[k];
			bool h = true;

			if (r->policy != i)
				continue;
			put(o, j++ ? ",{" : "{");
			jnum(o, &h, "rule", r->id);
			jstr(o, &h, "action", gw_enum_name(&gw_tab_fw_action,
			    r->action));
			jstr(o, &h, "interface", r->ifname);
			jstr(o, &h, "protocol", gw_proto_str(r->protocol, b));
			jrange(o, &h, "ip", &r->ip);
			jports(o, &h, "port", &r->port);
			jrange(o, &h, "remoteip", &r->remoteip);
			if (r->has_gblip)
				jip(o, &h, "gblip", r->gblip);
			jports(o, &h, "gblport", &r->gblport);
			if (r->action == GWCONF_FW_NAT)
				jstr(o, &h, "nattype", gw_enum_name(
				    &gw_tab_fw_nat, r->nattype));
			jbool(o, &h, "encap_ipsec", r->encap_ipsec);
			put(o, "}");
		}
		put(o, "]}");
	}
	put(o, "]");
	jbool(o, &f, "ipsec_enabled", c->ipsec_enabled);
	jarr_begin(o, &f, "ipsec_saspecifications");
	for (i = 0; i < c->n_saspecs; i++) {
		const struct gwconf_saspec *s = &c->saspecs[i];

		g = true;
		put(o, i ? ",{" : "{");
		jnum(o, &g, "saspecification", s->id);
		jstr(o, &g, "keymanagement", gw_enum_name(&gw_tab_keymgmt,
		    s->keymgmt));
		jstr(o, &g, "protocol", gw_enum_name(&gw_tab_ipsec_proto,
		    s->protocol));
		jstr(o, &g, "encalg", gwconf_esp_enc_name(s->encalg));
		jstr(o, &g, "hashalg", gwconf_esp_auth_name(s->hashalg));
		jstr(o, &g, "mode", gw_enum_name(&gw_tab_mode, s->mode));
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "ipsec_bundles");
	for (i = 0; i < c->n_bundles; i++) {
		const struct gwconf_bundle *bu = &c->bundles[i];

		g = true;
		put(o, i ? ",{" : "{");
		jnum(o, &g, "bundlespecification", bu->id);
		jstr(o, &g, "keymanagement", gw_enum_name(&gw_tab_keymgmt,
		    bu->keymgmt));
		jarr_begin(o, &g, "proposals");
		for (k = 0; k < bu->n_props; k++) {
			put(o, k ? ",[" : "[");
			for (j = 0; j < bu->props[k].n_specs; j++)
				putf(o, "%s%u", j ? "," : "",
				    (unsigned)bu->props[k].specs[j]);
			put(o, "]");
		}
		put(o, "]");
		jnum(o, &g, "expiryseconds", bu->expiry_seconds);
		jnum(o, &g, "expirykbytes", bu->expiry_kbytes);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "ipsec_policies");
	for (i = 0; i < c->n_ipsec_policies; i++) {
		const struct gwconf_ipsec_policy *p = &c->ipsec_policies[i];
		char a[16];

		g = true;
		put(o, i ? ",{" : "{");
		jstr(o, &g, "policy", p->name);
		jstr(o, &g, "interface", p->ifname);
		jstr(o, &g, "action", gw_enum_name(&gw_tab_ipsec_action,
		    p->action));
		jstr(o, &g, "keymanagement", gw_enum_name(&gw_tab_keymgmt,
		    p->keymgmt));
		if (p->has_bundle)
			jnum(o, &g, "bundlespecification", p->bundle);
		jstr(o, &g, "isakmppolicy", p->isakmp_policy);
		jstr(o, &g, "peeraddress", p->peer.any ? "any" :
		    gw_ipstr(p->peer.addr, a));
		jstr(o, &g, "transportprotocol", p->transport ==
		    GWCONF_PROTO_ANY ? "any" : gw_proto_str(p->transport, b));
		jrange(o, &g, "laddress", &p->laddr);
		jrange(o, &g, "raddress", &p->raddr);
		jports(o, &g, "lport", &p->lport);
		jports(o, &g, "rport", &p->rport);
		jnum(o, &g, "group", p->pfs_group);
		jbool(o, &g, "respondbadspi", p->respondbadspi);
		put(o, "}");
	}
	put(o, "]");
	jbool(o, &f, "isakmp_enabled", c->isakmp_enabled);
	jarr_begin(o, &f, "isakmp_policies");
	for (i = 0; i < c->n_isakmp_policies; i++) {
		const struct gwconf_isakmp_policy *p = &c->isakmp_policies[i];
		char a[16];

		g = true;
		put(o, i ? ",{" : "{");
		jstr(o, &g, "policy", p->name);
		jstr(o, &g, "peer", p->peer.any ? "any" :
		    gw_ipstr(p->peer.addr, a));
		if (p->has_key)
			jnum(o, &g, "key", p->key);
		jstr(o, &g, "authtype", gw_enum_name(&gw_tab_ike_auth,
		    p->authtype));
		jstr(o, &g, "encalg", gwconf_ike_enc_name(p->encalg));
		jstr(o, &g, "hashalg", gwconf_ike_hash_name(p->hashalg));
		jnum(o, &g, "group", (uint32_t)p->group);
		jnum(o, &g, "expiryseconds", p->expiry_seconds);
		jnum(o, &g, "expirykbytes", p->expiry_kbytes);
		jstr(o, &g, "mode", gw_enum_name(&gw_tab_ike_mode, p->mode));
		jstr(o, &g, "localid", p->localid);
		jstr(o, &g, "remoteid", p->remoteid);
		jbool(o, &g, "senddeletes", p->senddeletes);
		jbool(o, &g, "sendnotify", p->sendnotify);
		jbool(o, &g, "sendidalways", p->sendidalways);
		jbool(o, &g, "nattraversal", p->natt);
		jstr(o, &g, "heartbeatmode", gw_enum_name(&gw_tab_heartbeat,
		    p->heartbeat));
		jstr(o, &g, "msgbackoff", gw_enum_name(&gw_tab_backoff,
		    p->msgbackoff));
		jnum(o, &g, "msgretrylimit", p->msgretrylimit);
		jnum(o, &g, "msgtimeout", p->msgtimeout);
		jnum(o, &g, "retryikeattempts", p->retryikeattempts);
		jnum(o, &g, "phase2xchglimit", p->phase2xchglimit);
		jstr(o, &g, "srcinterface", p->srcinterface);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "aliases");
	for (i = 0; i < c->n_aliases; i++) {
		g = true;
		put(o, i ? ",{" : "{");
		jstr(o, &g, "alias", c->aliases[i].name);
		jstr(o, &g, "string", c->aliases[i].string);
		put(o, "}");
	}
	put(o, "]");
	jarr_begin(o, &f, "debug");
	g = true;
	if (c->debug & GWCONF_DEBUG_ISAKMP) {
		put(o, g ? "" : ",");
		g = false;
		js(o, "isakmp");
	}
	if (c->debug & GWCONF_DEBUG_IPSEC) {
		put(o, g ? "" : ",");
		g = false;
		js(o, "ipsec");
	}
	if (c->debug & GWCONF_DEBUG_L2TP) {
		put(o, g ? "" : ",");
		g = false;
		js(o, "l2tp");
	}
	if (c->debug & GWCONF_DEBUG_PPP) {
		put(o, g ? "" : ",");
		js(o, "ppp");
	}
	put(o, "]");
}

int
gwconf_print_json(const struct gwconf *conf, FILE *f)
{
	struct out o;

	if (conf == NULL || f == NULL)
		return GWCONF_E_ARG;
	o.f = f;
	put(&o, "{");
	json_body(&o, conf);
	put(&o, "}\n");
	return ferror(f) ? GWCONF_E_IO : 0;
}
