/*
 * conf_check.c - semantic validation of a parsed configuration.  Every
 * problem is reported (with the place of the object or reference that
 * causes it); nothing stops at the first one.
 *
 * Errors (the gateway refuses to run):
 *  - a name or number that refers to nothing: IPsec policy -> bundle,
 *    ISAKMP policy, interface; bundle -> SA specification; ISAKMP policy
 *    -> ENCO key; L2TP range -> PPP template; PPP template -> IP pool;
 *    route -> interface; firewall interface -> IP interface or dynamic
 *    interface; firewall NAT and rule -> interface of their policy;
 *  - no pre-shared key at all, a secret read back as <hidden>;
 *  - no ISAKMP policy, no IPsec policy with action=ipsec, no L2TP range,
 *    no IP interface: the gateway would serve nobody;
 *  - IPsec, ISAKMP, L2TP or IP configured but not enabled; L2TP enabled
 *    without the LNS role;
 *  - what the gateway does not implement: AH, manual keying, the router's
 *    non-standard 3DES variants, RSA authentication, aggressive mode,
 *    "and"-combined SA specifications, AES-GCM with a hash, ESP with
 *    neither cipher nor hash;
 *  - addresses: an interface address that is not unicast or is its
 *    subnet's network/broadcast address, overlapping interface subnets, a
 *    next hop off its interface, a pool holding reserved, interface or
 *    network/broadcast addresses or overlapping another pool;
 *  - a user's static address that is unreachable.  Rule: the address must
 *    lie (a) in an IP pool, or (b) in the natural (class A/B/C) network of
 *    a pool's range - the network the router serves its dial-in clients
 *    from, as in the How To where dialin1 has 192.168.8.50 next to the pool
 *    192.168.8.1-49 -, or (c) in the subnet of an "add ip interface", or
 *    (d) in the network of a route other than the default route (every
 *    address is in 0.0.0.0/0, so it proves nothing).  It must not be an
 *    interface address, nor the network or broadcast address of the
 *    network that holds it, and no two users may share one.
 * Warnings: a template without authentication, an L2TP range without a
 * template, firewall policies without "enable firewall", no DNS server
 * for PPP clients, NAT traversal off, unsupported ISAKMP heartbeats,
 * unused pools, no IPsec policy that carries L2TP (UDP 1701).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf_int.h"

struct cstate {
	const struct gwconf *c;
	struct gwconf_diag *d;
};

static void GW_PRINTF(4, 0)
cvmsg(struct cstate *cs, enum gwconf_severity sev, const struct gwconf_loc *l,
    const char *fmt, va_list ap)
{
	const char *file = l != NULL && l->file == 1 ? cs->c->keyfile :
	    cs->c->source;

	gw_diag_vadd(cs->d, sev, file, l != NULL ? l->line : 0,
	    l != NULL ? l->col : 0, fmt, ap);
}

static void GW_PRINTF(3, 4)
cerr(struct cstate *cs, const struct gwconf_loc *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cvmsg(cs, GWCONF_SEV_ERROR, l, fmt, ap);
	va_end(ap);
}

static void GW_PRINTF(3, 4)
cwarn(struct cstate *cs, const struct gwconf_loc *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cvmsg(cs, GWCONF_SEV_WARNING, l, fmt, ap);
	va_end(ap);
}

static bool
in_range(uint32_t a, const struct gwconf_range *r)
{
	return r->any || (a >= r->first && a <= r->last);
}

/* 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0 and above. */
static bool
reserved(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 127 || a >= 0xe0000000u;
}

static const struct gwconf_ip_if *
find_ip_if(const struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_ip_ifs; i++)
		if (strcmp(c->ip_ifs[i].name, name) == 0)
			return &c->ip_ifs[i];
	return NULL;
}

static bool
has_key(const struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_keys; i++)
		if (c->keys[i].id == id)
			return true;
	return false;
}

static const struct gwconf_ppp_template *
find_template(const struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_templates; i++)
		if (c->templates[i].id == id)
			return &c->templates[i];
	return NULL;
}

static const struct gwconf_pool *
find_pool(const struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_pools; i++)
		if (gw_strcaseeq(c->pools[i].name, name))
			return &c->pools[i];
	return NULL;
}

static const struct gwconf_saspec *
find_saspec(const struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_saspecs; i++)
		if (c->saspecs[i].id == id)
			return &c->saspecs[i];
	return NULL;
}

static const struct gwconf_bundle *
find_bundle(const struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_bundles; i++)
		if (c->bundles[i].id == id)
			return &c->bundles[i];
	return NULL;
}

static bool
has_isakmp_policy(const struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_isakmp_policies; i++)
		if (gw_strcaseeq(c->isakmp_policies[i].name, name))
			return true;
	return false;
}

/* ------------------------------------------------------------------------
 * Keys, users, RADIUS.
 */
static void
check_secrets(struct cstate *cs)
{
	const struct gwconf *c = cs->c;
	uint32_t i;

	for (i = 0; i < c->n_keys; i++)
		if (c->keys[i].hidden)
			cerr(cs, &c->keys[i].loc, "enco key %u is <hidden>: "
			    "this text comes from a printout; give the real "
			    "key (or keep it in the key file)",
			    (unsigned)c->keys[i].id);
	for (i = 0; i < c->n_users; i++)
		if (c->users[i].password_hidden)
			cerr(cs, &c->users[i].loc, "the password of user "
			    "\"%s\" is <hidden>: give the real password",
			    c->users[i].name);
	for (i = 0; i < c->n_radius; i++)
		if (c->radius[i].secret_hidden)
			cerr(cs, &c->radius[i].loc, "the secret of a radius "
			    "server is <hidden>: give the real secret");
}

/* Whether a is reachable for a dial-in user (see the rule above); sets
 * *net and *mask to the network that holds it when there is one. */
static bool
user_reachable(const struct gwconf *c, uint32_t a, uint32_t *net,
    uint32_t *mask)
{
	uint32_t i, k;

	*mask = 0;
	for (i = 0; i < c->n_pools; i++)
		for (k = 0; k < c->pools[i].n_ranges; k++) {
			const struct gwconf_range *r = &c->pools[i].ranges[k];
			uint32_t m = gw_natural_mask(r->first);

			if (in_range(a, r) || (a & m) == (r->first & m)) {
				*mask = m;
				*net = r->first & m;
				return true;
			}
		}
	for (i = 0; i < c->n_ip_ifs; i++) {
		const struct gwconf_ip_if *f = &c->ip_ifs[i];

		if ((a & f->mask) == (f->addr & f->mask)) {
			*mask = f->mask;
			*net = f->addr & f->mask;
			return true;
		}
	}
	for (i = 0; i < c->n_routes; i++) {
		const struct gwconf_route *r = &c->routes[i];

		if (r->mask != 0 && (a & r->mask) == r->dest) {
			*mask = r->mask;
			*net = r->dest;
			return true;
		}
	}
	return false;
}

static void
check_users(struct cstate *cs)
{
	const struct gwconf *c = cs->c;
	uint32_t i, k;
	char a[16], n[16];

	for (i = 0; i < c->n_users; i++) {
		const struct gwconf_user *u = &c->users[i];
		uint32_t net = 0, mask = 0;

		if (!u->has_ip)
			continue;
		gw_ipstr(u->ip, a);
		if (reserved(u->ip)) {
			cerr(cs, &u->ip_loc, "user \"%s\" has address %s, which "
			    "is not a unicast host address", u->name, a);
			continue;
		}
		for (k = 0; k < c->n_ip_ifs; k++)
			if (c->ip_ifs[k].addr == u->ip)
				break;
		if (k < c->n_ip_ifs) {
			cerr(cs, &u->ip_loc, "user \"%s\" has address %s, which "
			    "is the address of interface %s", u->name, a,
			    c->ip_ifs[k].name);
			continue;
		}
		if (!user_reachable(c, u->ip, &net, &mask)) {
			cerr(cs, &u->ip_loc, "user \"%s\" has address %s, which "
			    "is in no ip pool or pool network, no interface "
			    "subnet and no routed network: the gateway could "
			    "not route its traffic", u->name, a);
			continue;
		}
		if (mask != 0xffffffffu && mask != 0xfffffffeu &&
		    (u->ip == net || u->ip == (net | ~mask))) {
			cerr(cs, &u->ip_loc, "user \"%s\" has address %s, which "
			    "is the %s address of %s/%d", u->name, a,
			    u->ip == net ? "network" : "broadcast",
			    gw_ipstr(net, n), gw_mask_len(mask));
			continue;
		}
		for (k = 0; k < i; k++)
			if (c->users[k].has_ip && c->users[k].ip == u->ip) {
				cerr(cs, &u->ip_loc, "user \"%s\" has address "
				    "%s, which user \"%s\" (line %u) has "
				    "already", u->name, a, c->users[k].name,
				    (unsigned)c->users[k].loc.line);
				break;
			}
	}
}

/* ------------------------------------------------------------------------
 * PPP and L2TP.
 */
static void
check_ppp_l2tp(struct cstate *cs)
{
	const struct gwconf *c = cs->c;
	const struct gwconf_l2tp *l = &c->l2tp;
	uint32_t i, n_auth_srv;
	bool auth = false;

	for (i = 0; i < c->n_templates; i++) {
		const struct gwconf_ppp_template *t = &c->templates[i];

		if (t->ippool[0] != '\0' && find_pool(c, t->ippool) == NULL)
			cerr(cs, &t->ippool_loc, "ppp template %u names ip pool "
			    "\"%s\", which does not exist", (unsigned)t->id,
			    t->ippool);
		if (t->n_auth == 0)
			cwarn(cs, &t->loc, "ppp template %u does not "
			    "authenticate: any caller gets a session",
			    (unsigned)t->id);
		else
			auth = true;
	}
	for (i = 0, n_auth_srv = 0; i < c->n_radius; i++)
		if (c->radius[i].port != 0)
			n_auth_srv++;
	if (auth && c->n_users == 0 && n_auth_srv == 0)
		cerr(cs, NULL, "no user (add user=) and no radius server for "
		    "authentication: no caller can authenticate");
	if (c->n_templates > 0 && c->ppp.dns[0] == 0 && c->ppp.dns[1] == 0)
		cwarn(cs, NULL, "no DNS server for PPP clients (set ppp "
		    "dnsprimary=)");
	for (i = 0; i < l->n_ranges; i++) {
		const struct gwconf_l2tp_range *r = &l->ranges[i];

		if (r->has_template) {
			if (find_template(c, r->ppptemplate) == NULL)
				cerr(cs, &r->template_loc, "l2tp range names ppp "
				    "template %u, which does not exist",
				    (unsigned)r->ppptemplate);
		} else {
			cwarn(cs, &r->loc, "l2tp range without ppptemplate: "
			    "its calls get PPP defaults (no authentication, no "
			    "address pool)");
		}
	}
	if (l->n_ranges == 0) {
		cerr(cs, NULL, "no l2tp range (add l2tp ip=...): no L2TP call "
		    "can be accepted");
		return;
	}
	if (!l->enabled)
		cerr(cs, &l->ranges[0].loc, "L2TP is not enabled (add \"enable "
		    "l2tp\")");
	if ((l->server & GWCONF_L2TP_LNS) == 0)
		cerr(cs, l->enabled ? &l->loc : &l->ranges[0].loc, "the gateway "
		    "accepts L2TP calls as LNS only: add \"enable l2tp "
		    "server=lns\" (or server=both)");
}

/* ------------------------------------------------------------------------
 * IP: interfaces, routes, pools.
 */
static void
check_ip(struct cstate *cs)
{
	const struct gwconf *c = cs->c;
	uint32_t i, k, j;
	char a[16], b[16];

	if (c->n_ip_ifs == 0) {
		cerr(cs, NULL, "no ip interface (add ip interface=... "
		    "ipaddress=...)");
	} else if (!c->ip_enabled) {
		cerr(cs, &c->ip_ifs[0].loc, "IP routing is not enabled (add "
		    "\"enable ip\")");
	}
	for (i = 0; i < c->n_ip_ifs; i++) {
		const struct gwconf_ip_if *f = &c->ip_ifs[i];
		uint32_t net = f->addr & f->mask;

		gw_ipstr(f->addr, a);
		if (reserved(f->addr)) {
			cerr(cs, &f->loc, "interface %s: %s is not a unicast "
			    "host address", f->name, a);
			continue;
		}
		if (f->mask < 0xfffffffeu &&
		    (f->addr == net || f->addr == (net | ~f->mask))) {
			cerr(cs, &f->loc, "interface %s: %s is the %s address of "
			    "%s/%d", f->name, a, f->addr == net ? "network" :
			    "broadcast", gw_ipstr(net, b), gw_mask_len(f->mask));
			continue;
		}
		for (k = 0; k < i; k++) {
			const struct gwconf_ip_if *o = &c->ip_ifs[k];
			uint32_t m = f->mask < o->mask ? f->mask : o->mask;

			if ((f->addr & m) == (o->addr & m)) {
				cerr(cs, &f->loc, "interface %s: subnet %s/%d "
				    "overlaps the subnet of interface %s (line "
				    "%u)", f->name, gw_ipstr(net, b),
				    gw_mask_len(f->mask), o->name,
				    (unsigned)o->loc.line);
				break;
			}
		}
	}
	for (i = 0; i < c->n_routes; i++) {
		const struct gwconf_route *r = &c->routes[i];
		const struct gwconf_ip_if *f = find_ip_if(c, r->ifname);

		if (f == NULL) {
			cerr(cs, &r->if_loc, "route via interface %s, which has "
			    "no ip interface (add ip interface=%s ...)",
			    r->ifname, r->ifname);
			continue;
		}
		if (r->nexthop != 0 &&
		    (r->nexthop & f->mask) != (f->addr & f->mask))
			cerr(cs, &r->loc, "next hop %s is not on interface %s "
			    "(%s/%d)", gw_ipstr(r->nexthop, a), f->name,
			    gw_ipstr(f->addr & f->mask, b), gw_mask_len(f->mask));
	}
	for (i = 0; i < c->n_pools; i++) {
		const struct gwconf_pool *p = &c->pools[i];
		bool used = false;

		for (k = 0; k < p->n_ranges; k++) {
			const struct gwconf_range *r = &p->ranges[k];
			const struct gwconf_loc *l = &p->range_locs[k];
			uint32_t m = gw_natural_mask(r->first);
			uint32_t net = r->first & m;
			uint32_t x;

			if (reserved(r->first) || reserved(r->last)) {
				cerr(cs, l, "ip pool \"%s\": %s-%s holds "
				    "addresses that are not unicast host "
				    "addresses", p->name, gw_ipstr(r->first, a),
				    gw_ipstr(r->last, b));
				continue;
			}
			/* A range inside one natural network must not hold
			 * its network or broadcast address.  A range across
			 * several (a pool of thousands) is accepted: the
			 * gateway never hands out an address ending in .0 or
			 * .255 from it (gw_sess.c), for old classful clients. */
			if ((r->first & m) == (r->last & m) &&
			    (in_range(net, r) || in_range(net | ~m, r))) {
				x = in_range(net, r) ? net : (net | ~m);
				cerr(cs, l, "ip pool \"%s\" holds %s, the %s "
				    "address of %s/%d", p->name, gw_ipstr(x, a),
				    x == net ? "network" : "broadcast",
				    gw_ipstr(net, b), gw_mask_len(m));
			}
			for (j = 0; j < c->n_ip_ifs; j++)
				if (in_range(c->ip_ifs[j].addr, r))
					cerr(cs, l, "ip pool \"%s\" holds %s, "
					    "the address of interface %s",
					    p->name, gw_ipstr(c->ip_ifs[j].addr,
					    a), c->ip_ifs[j].name);
			for (j = 0; j < i; j++) {
				uint32_t q;

				for (q = 0; q < c->pools[j].n_ranges; q++) {
					const struct gwconf_range *o =
					    &c->pools[j].ranges[q];

					if (o->first <= r->last &&
					    r->first <= o->last)
						cerr(cs, l, "ip pool \"%s\" "
						    "overlaps ip pool \"%s\" "
						    "(line %u)", p->name,
						    c->pools[j].name, (unsigned)
						    c->pools[j].range_locs[q].line);
				}
			}
		}
		for (k = 0; k < c->n_templates; k++)
			if (gw_strcaseeq(c->templates[k].ippool, p->name))
				used = true;
		if (!used)
			cwarn(cs, &p->loc, "ip pool \"%s\" is not used by any "
			    "ppp template", p->name);
	}
}

/* ------------------------------------------------------------------------
 * Firewall.
 */
static bool
fw_if_in_policy(const struct gwconf *c, uint32_t policy, const char *name,
    enum gwconf_fw_iftype *type)
{
	uint32_t i;

	for (i = 0; i < c->n_fw_ifs; i++)
		if (c->fw_ifs[i].policy == policy &&
		    strcmp(c->fw_ifs[i].name, name) == 0) {
			*type = c->fw_ifs[i].type;
			return true;
		}
	return false;
}

static void
check_fw(struct cstate *cs)
{
	const struct gwconf *c = cs->c;
	uint32_t i, k;
	enum gwconf_fw_iftype ty;

	if (c->n_fw_policies > 0 && !c->fw_enabled)
		cwarn(cs, &c->fw_policies[0].loc, "firewall policies are "
		    "defined but the firewall is not enabled (add \"enable "
		    "firewall\")");
	if (c->fw_enabled && c->n_fw_policies == 0)
		cwarn(cs, &c->fw_loc, "the firewall is enabled without a "
		    "policy");
	for (i = 0; i < c->n_fw_policies; i++)
		for (k = 0; k < c->fw_policies[i].n_dynamics; k++)
			if (c->fw_policies[i].dynamics[k].n_users == 0)
				cwarn(cs, &c->fw_policies[i].dynamics[k].loc,
				    "dynamic interface \"%s\" has no users "
				    "(add firewall policy=%s dynamic=%s "
				    "user=ANY)",
				    c->fw_policies[i].dynamics[k].name,
				    c->fw_policies[i].name,
				    c->fw_policies[i].dynamics[k].name);
	for (i = 0; i < c->n_fw_ifs; i++) {
		const struct gwconf_fw_if *f = &c->fw_ifs[i];
		const struct gwconf_fw_policy *p = &c->fw_policies[f->policy];

		if (strncmp(f->name, "dyn-", 4) == 0) {
			for (k = 0; k < p->n_dynamics; k++)
				if (gw_strcaseeq(p->dynamics[k].name,
				    f->name + 4))
					break;
			if (k == p->n_dynamics)
				cerr(cs, &f->loc, "firewall interface %s: "
				    "policy \"%s\" has no dynamic interface "
				    "\"%s\"", f->name, p->name, f->name + 4);
		} else if (find_ip_if(c, f->name) == NULL) {
			cerr(cs, &f->loc, "firewall interface %s has no ip "
			    "interface (add ip interface=%s ...)", f->name,
			    f->name);
		}
	}
	for (i = 0; i < c->n_fw_nats; i++) {
		const struct gwconf_fw_nat_def *n = &c->fw_nats[i];
		const char *pn = c->fw_policies[n->policy].name;

		if (!fw_if_in_policy(c, n->policy, n->ifname, &ty))
			cerr(cs, &n->if_loc, "nat on interface %s, which is not "
			    "in firewall policy \"%s\"", n->ifname, pn);
		else if (ty != GWCONF_FW_PRIVATE)
			cerr(cs, &n->if_loc, "nat: interface %s must be private",
			    n->ifname);
		if (n->gblif[0] == '\0')
			continue;
		if (!fw_if_in_policy(c, n->policy, n->gblif, &ty))
			cerr(cs, &n->gblif_loc, "nat global interface %s is not "
			    "in firewall policy \"%s\"", n->gblif, pn);
		else if (ty != GWCONF_FW_PUBLIC)
			cerr(cs, &n->gblif_loc, "nat: global interface %s must "
			    "be public", n->gblif);
	}
	for (i = 0; i < c->n_fw_rules; i++) {
		const struct gwconf_fw_rule *r = &c->fw_rules[i];

		if (!fw_if_in_policy(c, r->policy, r->ifname, &ty))
			cerr(cs, &r->if_loc, "firewall rule %u is on interface "
			    "%s, which is not in firewall policy \"%s\" (add "
			    "firewall policy=%s interface=%s type=...)",
			    (unsigned)r->id, r->ifname,
			    c->fw_policies[r->policy].name,
			    c->fw_policies[r->policy].name, r->ifname);
	}
}

/* ------------------------------------------------------------------------
 * IPsec and ISAKMP.
 */
static bool
gcm(enum gwconf_esp_enc e)
{
	return e == GWCONF_ESP_AES128GCM || e == GWCONF_ESP_AES256GCM;
}

static void
check_ipsec(struct cstate *cs)
{
	const struct gwconf *c = cs->c;
	uint32_t i, k, j, n_ipsec = 0;
	bool l2tp = false;

	for (i = 0; i < c->n_saspecs; i++) {
		const struct gwconf_saspec *s = &c->saspecs[i];

		if (s->protocol == GWCONF_IPSEC_AH)
			cerr(cs, &s->loc, "sa specification %u: protocol=ah is "
			    "not supported (ESP only)", (unsigned)s->id);
		if (s->keymgmt == GWCONF_KEY_MANUAL)
			cerr(cs, &s->loc, "sa specification %u: manual keying "
			    "is not supported (use keymanagement=isakmp)",
			    (unsigned)s->id);
		if (s->protocol != GWCONF_IPSEC_ESP)
			continue;
		if (s->encalg == GWCONF_ESP_3DES_INNER ||
		    s->encalg == GWCONF_ESP_3DES_2KEY)
			cerr(cs, &s->loc, "sa specification %u: encalg=%s is "
			    "not supported (use 3desouter, the standard "
			    "3DES-CBC)", (unsigned)s->id,
			    gwconf_esp_enc_name(s->encalg));
		else if (gcm(s->encalg) && s->hashalg != GWCONF_ESPAUTH_NULL)
			cerr(cs, &s->loc, "sa specification %u: encalg=%s has "
			    "its own integrity check; use hashalg=null",
			    (unsigned)s->id, gwconf_esp_enc_name(s->encalg));
		else if (s->encalg == GWCONF_ESP_NULL &&
		    s->hashalg == GWCONF_ESPAUTH_NULL)
			cerr(cs, &s->loc, "sa specification %u: encalg=null "
			    "with hashalg=null protects nothing",
			    (unsigned)s->id);
		else if (!gcm(s->encalg) && s->hashalg == GWCONF_ESPAUTH_NULL)
			cwarn(cs, &s->loc, "sa specification %u has no "
			    "integrity protection (hashalg=null)",
			    (unsigned)s->id);
	}
	for (i = 0; i < c->n_bundles; i++) {
		const struct gwconf_bundle *b = &c->bundles[i];

		for (k = 0; k < b->n_props; k++) {
			const struct gwconf_proposal *p = &b->props[k];

			if (p->n_specs > 1)
				cerr(cs, &p->spec_locs[1], "bundle %u: combining "
				    "sa specifications with \"and\" (ESP with AH) "
				    "is not supported", (unsigned)b->id);
			for (j = 0; j < p->n_specs; j++) {
				const struct gwconf_saspec *s =
				    find_saspec(c, p->specs[j]);

				if (s == NULL)
					cerr(cs, &p->spec_locs[j], "bundle %u "
					    "names sa specification %u, which "
					    "does not exist", (unsigned)b->id,
					    (unsigned)p->specs[j]);
				else if (s->keymgmt != b->keymgmt)
					cerr(cs, &p->spec_locs[j], "bundle %u "
					    "and sa specification %u differ in "
					    "keymanagement", (unsigned)b->id,
					    (unsigned)s->id);
			}
		}
	}
	for (i = 0; i < c->n_ipsec_policies; i++) {
		const struct gwconf_ipsec_policy *p = &c->ipsec_policies[i];

		if (find_ip_if(c, p->ifname) == NULL)
			cerr(cs, &p->if_loc, "ipsec policy \"%s\" is on "
			    "interface %s, which has no ip interface", p->name,
			    p->ifname);
		if (p->isakmp_policy[0] != '\0' &&
		    !has_isakmp_policy(c, p->isakmp_policy))
			cerr(cs, &p->isakmp_loc, "ipsec policy \"%s\" names "
			    "isakmp policy \"%s\", which does not exist",
			    p->name, p->isakmp_policy);
		if (p->action != GWCONF_IPSEC_IPSEC) {
			if (p->has_bundle)
				cwarn(cs, &p->bundle_loc, "ipsec policy \"%s\" "
				    "(action=%s) does not use its "
				    "bundlespecification", p->name,
				    gw_enum_name(&gw_tab_ipsec_action,
				    p->action));
			continue;
		}
		n_ipsec++;
		if (p->keymgmt == GWCONF_KEY_MANUAL)
			cerr(cs, &p->loc, "ipsec policy \"%s\": manual keying "
			    "is not supported", p->name);
		if (!p->has_bundle)
			cerr(cs, &p->loc, "ipsec policy \"%s\" (action=ipsec) "
			    "has no bundlespecification", p->name);
		else if (find_bundle(c, p->bundle) == NULL)
			cerr(cs, &p->bundle_loc, "ipsec policy \"%s\" names "
			    "bundle specification %u, which does not exist",
			    p->name, (unsigned)p->bundle);
		if ((p->transport == 17 || p->transport == GWCONF_PROTO_ANY) &&
		    ((p->lport.any || (p->lport.first <= 1701 &&
		    1701 <= p->lport.last)) || (p->rport.any ||
		    (p->rport.first <= 1701 && 1701 <= p->rport.last))))
			l2tp = true;
	}
	if (n_ipsec == 0) {
		cerr(cs, NULL, "no ipsec policy with action=ipsec: no traffic "
		    "would be protected");
	} else if (!l2tp) {
		cwarn(cs, NULL, "no ipsec policy with action=ipsec carries "
		    "L2TP (transport=udp, lport=1701)");
	}
	if (c->n_ipsec_policies > 0 && !c->ipsec_enabled)
		cerr(cs, &c->ipsec_policies[0].loc, "IPsec is not enabled (add "
		    "\"enable ipsec\")");
}

static void
check_isakmp(struct cstate *cs)
{
	const struct gwconf *c = cs->c;
	uint32_t i;

	if (c->n_isakmp_policies == 0) {
		cerr(cs, NULL, "no isakmp policy (create isakmp policy=... "
		    "peer=any key=N): no client can negotiate IPsec");
	} else if (!c->isakmp_enabled) {
		cerr(cs, &c->isakmp_policies[0].loc, "ISAKMP is not enabled "
		    "(add \"enable isakmp\")");
	}
	if (c->n_keys == 0)
		cerr(cs, c->n_isakmp_policies > 0 ?
		    &c->isakmp_policies[0].loc : NULL, "no pre-shared key: "
		    "add \"create enco key=N type=general value=...\" or a "
		    "key file");
	for (i = 0; i < c->n_isakmp_policies; i++) {
		const struct gwconf_isakmp_policy *p = &c->isakmp_policies[i];

		if (p->authtype != GWCONF_IKEAUTH_PRESHARED)
			cerr(cs, &p->loc, "isakmp policy \"%s\": authtype=%s is "
			    "not supported (pre-shared keys only)", p->name,
			    gw_enum_name(&gw_tab_ike_auth, p->authtype));
		if (p->mode != GWCONF_IKE_MAIN)
			cerr(cs, &p->loc, "isakmp policy \"%s\": aggressive "
			    "mode is not supported (main mode only)", p->name);
		if (p->encalg == GWCONF_IKE_3DES_INNER ||
		    p->encalg == GWCONF_IKE_3DES_2KEY)
			cerr(cs, &p->loc, "isakmp policy \"%s\": encalg=%s is not "
			    "supported (use 3desouter, the standard 3DES-CBC)",
			    p->name, gwconf_ike_enc_name(p->encalg));
		if (!p->has_key)
			cerr(cs, &p->loc, "isakmp policy \"%s\" has no key= (the "
			    "number of the enco key holding its pre-shared "
			    "key)", p->name);
		else if (!has_key(c, p->key))
			cerr(cs, &p->key_loc, "isakmp policy \"%s\" uses enco "
			    "key %u, which does not exist (create enco key=%u "
			    "type=general value=..., or put it in the key file)",
			    p->name, (unsigned)p->key, (unsigned)p->key);
		if (p->srcinterface[0] != '\0' &&
		    find_ip_if(c, p->srcinterface) == NULL)
			cerr(cs, &p->loc, "isakmp policy \"%s\": srcinterface %s "
			    "has no ip interface", p->name, p->srcinterface);
		if (p->heartbeat != GWCONF_HB_NONE)
			cwarn(cs, &p->loc, "isakmp policy \"%s\": heartbeats "
			    "are not supported and are ignored (the gateway "
			    "uses Dead Peer Detection)", p->name);
		if (!p->natt)
			cwarn(cs, &p->loc, "isakmp policy \"%s\": NAT traversal "
			    "is off; clients behind NAT cannot connect", p->name);
	}
}

int
gwconf_check(const struct gwconf *conf, struct gwconf_diag *diag)
{
	struct cstate cs;
	size_t before;

	if (conf == NULL || diag == NULL)
		return GWCONF_E_ARG;
	cs.c = conf;
	cs.d = diag;
	before = diag->errors;
	check_secrets(&cs);
	check_users(&cs);
	check_ppp_l2tp(&cs);
	check_ip(&cs);
	check_fw(&cs);
	check_ipsec(&cs);
	check_isakmp(&cs);
	return diag->errors > before ? GWCONF_E_INVALID : 0;
}
