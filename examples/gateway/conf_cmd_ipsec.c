/*
 * conf_cmd_ipsec.c - the commands of IPsec (the module, SA specifications,
 * bundles, policies, their debugging) and ISAKMP (the module, policies,
 * their debugging): their parameters, the functions that apply them to the
 * model, and their slice of the command table, gw_cmds_ipsec
 * (conf_parse.c).
 *
 * Sources for parameter names, value sets and defaults (AlliedWare OS
 * Software Reference and release notes, as stored in the public copies
 * found; the other sources are listed in conf_cmd_net.c and
 * conf_cmd_fw.c):
 *  [IPSP] "create ipsec policy" syntax, IPsec chapter:
 *         https://1library.net/article/create-ipsec-policy-chapter-ip-security-ipsec.yj713np5
 *         (names 1..23, ACTION={DENY|IPSEC|PERMIT}, LPORT/RPORT={ANY|port},
 *         PEERADDRESS={ipv4add|ANY|DYNAMIC}, TRANSPORTPROTOCOL, GROUP,
 *         POSITION=1..100, RESPONDBADSPI, KEYMANAGEMENT, BUNDLESPECIFICATION,
 *         ISAKMPPOLICY, LADDRESS/LMASK, RADDRESS/RMASK).
 *  [ISA281] Software Version 2.8.1 release note, ISAKMP msgbackoff
 *         (default incremental), msgretrylimit (default 8), msgtimeout
 *         (default 4), retryikeattempts (0..16, default 0):
 *         https://manualsbrain.com/zh/manuals/968159/?page=170 and p. 171.
 *  [SASP] SA specification and bundle examples ("create IPSec SASpec=1
 *         prot=esp hasha=null encalg=3des2key keyman=isakmp", 256 SA
 *         specifications and bundles):
 *         http://faq.road-runner.net/network/Allied_Telesyn/ipsec.html
 * Defaults these sources do not state (they could not be found in the
 * stored copies) are marked "assumed" where they are set below, with the
 * reason for the choice.
 */
#include <string.h>

#include "conf_int.h"

/* Model lookups (names are case-insensitive). */
static struct gwconf_saspec *
find_saspec(struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_saspecs; i++)
		if (c->saspecs[i].id == id)
			return &c->saspecs[i];
	return NULL;
}

static struct gwconf_bundle *
find_bundle(struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_bundles; i++)
		if (c->bundles[i].id == id)
			return &c->bundles[i];
	return NULL;
}

static struct gwconf_ipsec_policy *
find_ipsec_policy(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_ipsec_policies; i++)
		if (gw_strcaseeq(c->ipsec_policies[i].name, name))
			return &c->ipsec_policies[i];
	return NULL;
}

static struct gwconf_isakmp_policy *
find_isakmp_policy(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_isakmp_policies; i++)
		if (gw_strcaseeq(c->isakmp_policies[i].name, name))
			return &c->isakmp_policies[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * IPsec [IPSP], [SASP].  SA specification defaults (assumed; not in the
 * copies found): encalg=des, hashalg=null, mode=tunnel.  Bundle defaults:
 * expiryseconds=28800 (RFC 2407 section 4.5), no volume limit.
 */
enum { S_KEY, S_PROTO, S_ENC, S_HASH, S_MODE };
static const struct gw_param p_saspec[] = {
	[S_KEY] = { "keymanagement", T_ENUM, P_REQ, 0, 0, 0, &gw_tab_keymgmt },
	[S_PROTO] = { "protocol", T_ENUM, P_REQ, 0, 0, 0, &gw_tab_ipsec_proto },
	[S_ENC] = { "encalg", T_ENUM, 0, 0, 0, 0, &gw_tab_esp_enc },
	[S_HASH] = { "hashalg", T_ENUM, 0, 0, 0, 0, &gw_tab_esp_auth },
	[S_MODE] = { "mode", T_ENUM, 0, 0, 0, 0, &gw_tab_mode },
};

static void
apply_create_saspec(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_saspec *s = find_saspec(conf, kv[1].u);

	(void)c;
	if (s != NULL) {
		gw_duplicate(ps, &kv[1], "sa specification", &s->loc);
		return;
	}
	if (!gw_room(ps, conf->n_saspecs, GWCONF_MAX_SASPECS,
	    "sa specifications"))
		return;
	s = &conf->saspecs[conf->n_saspecs++];
	s->id = kv[1].u;
	s->keymgmt = (enum gwconf_keymgmt)pv[S_KEY].u;
	s->protocol = (enum gwconf_ipsec_proto)pv[S_PROTO].u;
	s->encalg = pv[S_ENC].set ? (enum gwconf_esp_enc)pv[S_ENC].u :
	    s->protocol == GWCONF_IPSEC_AH ? GWCONF_ESP_NULL : GWCONF_ESP_DES;
	s->hashalg = pv[S_HASH].set ? (enum gwconf_esp_auth)pv[S_HASH].u :
	    GWCONF_ESPAUTH_NULL;
	s->mode = pv[S_MODE].set ? (enum gwconf_mode)pv[S_MODE].u :
	    GWCONF_MODE_TUNNEL;
	s->loc = gw_tloc(ps, ps->first);
}

enum { B_KEY, B_STRING, B_EXPS, B_EXPK };
static const struct gw_param p_bundle[] = {
	[B_KEY] = { "keymanagement", T_ENUM, P_REQ, 0, 0, 0, &gw_tab_keymgmt },
	[B_STRING] = { "string", T_STRING, P_REQ, 1, 255, 0, NULL },
	[B_EXPS] = { "expiryseconds", T_UINT, 0, 300, 31449600, 0, NULL },
	[B_EXPK] = { "expirykbytes", T_UINT, 0, 1, 4194303, 0, NULL },
};

/* Parses "1 or 2 and 3 or 4" into proposals; columns point into it. */
static bool
parse_bundle_string(struct gw_pstate *ps, const struct gw_val *v,
    struct gwconf_bundle *b)
{
	const char *s = v->s;
	size_t i = 0;
	bool want_num = true;
	struct gwconf_proposal *cur = NULL;

	b->n_props = 0;
	for (;;) {
		char w[16];
		size_t start, n;
		uint32_t col;

		while (s[i] == ' ' || s[i] == '\t')
			i++;
		if (s[i] == '\0')
			break;
		start = i;
		while (s[i] != '\0' && s[i] != ' ' && s[i] != '\t')
			i++;
		n = i - start;
		col = v->tok->alias != NULL ? 0 : v->tok->vcol + (uint32_t)start;
		if (n >= sizeof(w))
			n = sizeof(w) - 1;
		memcpy(w, s + start, n);
		w[n] = '\0';
		if (want_num) {
			uint32_t id;

			if (!gw_parse_uint(w, 0, 255, &id)) {
				gw_perr(ps, v->tok, col, "bundle string: "
				    "expected an sa specification number, "
				    "found \"%s\"", w);
				return false;
			}
			if (cur == NULL) {
				if (b->n_props >= GWCONF_MAX_PROPOSALS) {
					gw_perr(ps, v->tok, col, "bundle "
					    "string: too many proposals (the "
					    "limit is %u)",
					    (unsigned)GWCONF_MAX_PROPOSALS);
					return false;
				}
				cur = &b->props[b->n_props++];
				memset(cur, 0, sizeof(*cur));
			}
			if (cur->n_specs >= GWCONF_MAX_PROP_SPECS) {
				gw_perr(ps, v->tok, col, "bundle string: too "
				    "many specifications joined by \"and\" "
				    "(the limit is %u)",
				    (unsigned)GWCONF_MAX_PROP_SPECS);
				return false;
			}
			cur->specs[cur->n_specs] = id;
			cur->spec_locs[cur->n_specs].line = ps->lineno;
			cur->spec_locs[cur->n_specs].col = col != 0 ? col :
			    v->tok->col;
			cur->spec_locs[cur->n_specs].file = ps->file_idx;
			cur->n_specs++;
			want_num = false;
		} else if (gw_strcaseeq(w, "or")) {
			cur = NULL;
			want_num = true;
		} else if (gw_strcaseeq(w, "and")) {
			want_num = true;
		} else {
			gw_perr(ps, v->tok, col, "bundle string: expected "
			    "\"and\" or \"or\", found \"%s\"", w);
			return false;
		}
	}
	if (want_num) {
		gw_perr(ps, v->tok, v->tok->vcol, "bundle string \"%s\" %s", s,
		    b->n_props == 0 ? "names no sa specification" :
		    "ends with an operator");
		return false;
	}
	return true;
}

static void
apply_create_bundle(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_bundle *b = find_bundle(conf, kv[1].u);
	struct gwconf_bundle tmp;

	(void)c;
	if (b != NULL) {
		gw_duplicate(ps, &kv[1], "bundle specification", &b->loc);
		return;
	}
	memset(&tmp, 0, sizeof(tmp));
	if (!parse_bundle_string(ps, &pv[B_STRING], &tmp))
		return;
	if (!gw_room(ps, conf->n_bundles, GWCONF_MAX_BUNDLES,
	    "bundle specifications"))
		return;
	b = &conf->bundles[conf->n_bundles++];
	*b = tmp;
	b->id = kv[1].u;
	b->keymgmt = (enum gwconf_keymgmt)pv[B_KEY].u;
	b->expiry_seconds = pv[B_EXPS].set ? pv[B_EXPS].u : 28800;
	b->expiry_kbytes = pv[B_EXPK].set ? pv[B_EXPK].u : 0;
	b->loc = gw_tloc(ps, ps->first);
}

/* create / set ipsec policy [IPSP]. */
enum {
	IP_IF, IP_ACTION, IP_KEY, IP_BUNDLE, IP_ISAKMP, IP_PEER, IP_TRANSPORT,
	IP_LADDR, IP_LMASK, IP_RADDR, IP_RMASK, IP_LPORT, IP_RPORT, IP_GROUP,
	IP_BADSPI, IP_POSITION
};
#define IPSEC_POLICY_PARAMS(req) \
	[IP_IF] = { "interface", T_IFNAME, req, 0, 0, 0, NULL }, \
	[IP_ACTION] = { "action", T_ENUM, req, 0, 0, 0, &gw_tab_ipsec_action }, \
	[IP_KEY] = { "keymanagement", T_ENUM, 0, 0, 0, 0, &gw_tab_keymgmt }, \
	[IP_BUNDLE] = { "bundlespecification", T_UINT, 0, 0, 255, 0, NULL }, \
	[IP_ISAKMP] = { "isakmppolicy", T_NAME, 0, 1, GWCONF_POLICY_LEN - 1, 0, NULL }, \
	[IP_PEER] = { "peeraddress", T_PEER, 0, 0, 0, 0, NULL }, \
	[IP_TRANSPORT] = { "transportprotocol", T_PROTO, 0, 0, 0, 0, NULL }, \
	[IP_LADDR] = { "laddress", T_RANGE_ANY, 0, 0, 0, 0, NULL }, \
	[IP_LMASK] = { "lmask", T_MASK, 0, 0, 0, 0, NULL }, \
	[IP_RADDR] = { "raddress", T_RANGE_ANY, 0, 0, 0, 0, NULL }, \
	[IP_RMASK] = { "rmask", T_MASK, 0, 0, 0, 0, NULL }, \
	[IP_LPORT] = { "lport", T_PORT, 0, 0, 0, 0, NULL }, \
	[IP_RPORT] = { "rport", T_PORT, 0, 0, 0, 0, NULL }, \
	[IP_GROUP] = { "group", T_ENUM, 0, 0, 0, 0, &gw_tab_pfs_group }, \
	[IP_BADSPI] = { "respondbadspi", T_BOOL, 0, 0, 0, 0, NULL }, \
	[IP_POSITION] = { "position", T_UINT, 0, 1, 100, 0, NULL }
static const struct gw_param p_create_ipsec_policy[] = {
	IPSEC_POLICY_PARAMS(P_REQ)
};
static const struct gw_param p_set_ipsec_policy[] = {
	IPSEC_POLICY_PARAMS(0)
};

/* Applies an address selector with its optional mask. */
static void
selector(struct gw_pstate *ps, struct gwconf_range *dst, struct gw_val *addr,
    struct gw_val *mask, const char *mname)
{
	if (addr->set)
		*dst = addr->r;
	if (!mask->set)
		return;
	if (!addr->set || addr->r.any || addr->r.first != addr->r.last) {
		gw_perr(ps, mask->tok, 0, "\"%s\" applies to a single address "
		    "given in the same command", mname);
		return;
	}
	dst->first = addr->r.first & mask->u;
	dst->last = addr->r.first | ~mask->u;
}

static void
ipsec_policy_params(struct gw_pstate *ps, struct gwconf_ipsec_policy *p,
    struct gw_val *pv)
{
	if (pv[IP_IF].set) {
		GW_SETSTR(p->ifname, pv[IP_IF]);
		p->if_loc = gw_vloc(ps, &pv[IP_IF]);
	}
	if (pv[IP_ACTION].set)
		p->action = (enum gwconf_ipsec_action)pv[IP_ACTION].u;
	if (pv[IP_KEY].set)
		p->keymgmt = (enum gwconf_keymgmt)pv[IP_KEY].u;
	if (pv[IP_BUNDLE].set) {
		p->has_bundle = true;
		p->bundle = pv[IP_BUNDLE].u;
		p->bundle_loc = gw_vloc(ps, &pv[IP_BUNDLE]);
	}
	if (pv[IP_ISAKMP].set) {
		GW_SETSTR(p->isakmp_policy, pv[IP_ISAKMP]);
		p->isakmp_loc = gw_vloc(ps, &pv[IP_ISAKMP]);
	}
	if (pv[IP_PEER].set) {
		p->peer.any = pv[IP_PEER].r.any;
		p->peer.addr = pv[IP_PEER].r.any ? 0 : pv[IP_PEER].u;
	}
	if (pv[IP_TRANSPORT].set)
		p->transport = pv[IP_TRANSPORT].u;
	selector(ps, &p->laddr, &pv[IP_LADDR], &pv[IP_LMASK], "lmask");
	selector(ps, &p->raddr, &pv[IP_RADDR], &pv[IP_RMASK], "rmask");
	if (pv[IP_LPORT].set)
		p->lport = pv[IP_LPORT].ports;
	if (pv[IP_RPORT].set)
		p->rport = pv[IP_RPORT].ports;
	if (pv[IP_GROUP].set)
		p->pfs_group = pv[IP_GROUP].u;
	if (pv[IP_BADSPI].set)
		p->respondbadspi = pv[IP_BADSPI].u != 0;
}

/* Moves policy from index "from" to index "to" (0-based). */
static void
move_policy(struct gwconf *conf, uint32_t from, uint32_t to)
{
	struct gwconf_ipsec_policy tmp = conf->ipsec_policies[from];

	if (to >= conf->n_ipsec_policies)
		to = conf->n_ipsec_policies - 1;
	if (to < from)
		memmove(&conf->ipsec_policies[to + 1], &conf->ipsec_policies[to],
		    (from - to) * sizeof(tmp));
	else if (to > from)
		memmove(&conf->ipsec_policies[from],
		    &conf->ipsec_policies[from + 1], (to - from) * sizeof(tmp));
	conf->ipsec_policies[to] = tmp;
}

static void
apply_create_ipsec_policy(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ipsec_policy *p = find_ipsec_policy(conf, kv[1].s);

	(void)c;
	if (p != NULL) {
		gw_duplicate(ps, &kv[1], "ipsec policy", &p->loc);
		return;
	}
	if (!gw_room(ps, conf->n_ipsec_policies, GWCONF_MAX_IPSEC_POLS,
	    "ipsec policies"))
		return;
	p = &conf->ipsec_policies[conf->n_ipsec_policies++];
	memset(p, 0, sizeof(*p));
	GW_SETSTR(p->name, kv[1]);
	p->keymgmt = GWCONF_KEY_ISAKMP;
	p->peer.any = true;
	p->transport = GWCONF_PROTO_ANY;
	p->laddr.any = p->raddr.any = true;
	p->laddr.last = p->raddr.last = 0xffffffffu;
	p->lport.any = p->rport.any = true;
	p->lport.last = p->rport.last = 65535;
	p->loc = gw_tloc(ps, ps->first);
	ipsec_policy_params(ps, p, pv);
	if (pv[IP_POSITION].set)
		move_policy(conf, conf->n_ipsec_policies - 1,
		    pv[IP_POSITION].u - 1);
}

static void
apply_set_ipsec_policy(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ipsec_policy *p = find_ipsec_policy(conf, kv[1].s);

	(void)c;
	if (p == NULL) {
		gw_not_found(ps, &kv[1], "ipsec policy", "create ipsec policy");
		return;
	}
	ipsec_policy_params(ps, p, pv);
	if (pv[IP_POSITION].set)
		move_policy(conf, (uint32_t)(p - conf->ipsec_policies),
		    pv[IP_POSITION].u - 1);
}

/* enable/disable ipsec policy[=NAME] debug=... */
static const struct gw_param p_ipsec_debug[] = {
	{ "debug", T_STRING, P_REQ, 1, 64, 0, NULL },
};

/* ------------------------------------------------------------------------
 * ISAKMP.  Defaults: see conf.h (struct gwconf_isakmp_policy) and
 * [ISA281].  encalg=des, hashalg=sha, group=1, expiryseconds=86400,
 * sendnotify=true, senddeletes=false, nattraversal=false are assumed
 * (the ISAKMP command pages were not among the copies found); the seed
 * setting senddeletes=true and natt=on explicitly agrees with the last two.
 */
enum {
	K2_PEER, K2_KEY, K2_AUTH, K2_ENC, K2_HASH, K2_GROUP, K2_EXPS, K2_EXPK,
	K2_MODE, K2_LOCALID, K2_REMOTEID, K2_SENDDEL, K2_SENDNOT, K2_SENDID,
	K2_NATT, K2_HB, K2_BACKOFF, K2_RETRY, K2_TIMEOUT, K2_RETRYIKE,
	K2_P2LIMIT, K2_SRCIF
};
#define ISAKMP_POLICY_PARAMS(req) \
	[K2_PEER] = { "peer", T_PEER, req, 0, 0, 0, NULL }, \
	[K2_KEY] = { "key", T_UINT, 0, 0, 65535, 0, NULL }, \
	[K2_AUTH] = { "authtype", T_ENUM, 0, 0, 0, 0, &gw_tab_ike_auth }, \
	[K2_ENC] = { "encalg", T_ENUM, 0, 0, 0, 0, &gw_tab_ike_enc }, \
	[K2_HASH] = { "hashalg", T_ENUM, 0, 0, 0, 0, &gw_tab_ike_hash }, \
	[K2_GROUP] = { "group", T_ENUM, 0, 0, 0, 0, &gw_tab_ike_group }, \
	[K2_EXPS] = { "expiryseconds", T_UINT, 0, 60, 31449600, 0, NULL }, \
	[K2_EXPK] = { "expirykbytes", T_UINT, 0, 0, 4194303, 0, NULL }, \
	[K2_MODE] = { "mode", T_ENUM, 0, 0, 0, 0, &gw_tab_ike_mode }, \
	[K2_LOCALID] = { "localid", T_STRING, 0, 1, GWCONF_ID_LEN - 1, 0, NULL }, \
	[K2_REMOTEID] = { "remoteid", T_STRING, 0, 1, GWCONF_ID_LEN - 1, 0, NULL }, \
	[K2_SENDDEL] = { "senddeletes", T_BOOL, 0, 0, 0, 0, NULL }, \
	[K2_SENDNOT] = { "sendnotify", T_BOOL, 0, 0, 0, 0, NULL }, \
	[K2_SENDID] = { "sendidalways", T_BOOL, 0, 0, 0, 0, NULL }, \
	[K2_NATT] = { "nattraversal", T_BOOL, 0, 0, 0, 0, NULL }, \
	[K2_HB] = { "heartbeatmode", T_ENUM, 0, 0, 0, 0, &gw_tab_heartbeat }, \
	[K2_BACKOFF] = { "msgbackoff", T_ENUM, 0, 0, 0, 0, &gw_tab_backoff }, \
	[K2_RETRY] = { "msgretrylimit", T_UINT, 0, 0, 1024, 0, NULL }, \
	[K2_TIMEOUT] = { "msgtimeout", T_UINT, 0, 1, 86400, 0, NULL }, \
	[K2_RETRYIKE] = { "retryikeattempts", T_UINT, 0, 0, 16, 0, NULL }, \
	[K2_P2LIMIT] = { "phase2xchglimit", T_NUMNONE, 0, 1, 1024, 0, NULL }, \
	[K2_SRCIF] = { "srcinterface", T_IFNAME, 0, 0, 0, 0, NULL }
static const struct gw_param p_create_isakmp[] = {
	ISAKMP_POLICY_PARAMS(P_REQ)
};
static const struct gw_param p_set_isakmp[] = {
	ISAKMP_POLICY_PARAMS(0)
};

static void
isakmp_params(struct gw_pstate *ps, struct gwconf_isakmp_policy *p,
    struct gw_val *pv)
{
	if (pv[K2_PEER].set) {
		p->peer.any = pv[K2_PEER].r.any;
		p->peer.addr = pv[K2_PEER].r.any ? 0 : pv[K2_PEER].u;
	}
	if (pv[K2_KEY].set) {
		p->has_key = true;
		p->key = pv[K2_KEY].u;
		p->key_loc = gw_vloc(ps, &pv[K2_KEY]);
	}
	if (pv[K2_AUTH].set)
		p->authtype = (enum gwconf_ike_auth)pv[K2_AUTH].u;
	if (pv[K2_ENC].set)
		p->encalg = (enum gwconf_ike_enc)pv[K2_ENC].u;
	if (pv[K2_HASH].set)
		p->hashalg = (enum gwconf_ike_hash)pv[K2_HASH].u;
	if (pv[K2_GROUP].set)
		p->group = (enum gwconf_group)pv[K2_GROUP].u;
	if (pv[K2_EXPS].set)
		p->expiry_seconds = pv[K2_EXPS].u;
	if (pv[K2_EXPK].set)
		p->expiry_kbytes = pv[K2_EXPK].u;
	if (pv[K2_MODE].set)
		p->mode = (enum gwconf_ike_mode)pv[K2_MODE].u;
	if (pv[K2_LOCALID].set)
		GW_SETSTR(p->localid, pv[K2_LOCALID]);
	if (pv[K2_REMOTEID].set)
		GW_SETSTR(p->remoteid, pv[K2_REMOTEID]);
	if (pv[K2_SENDDEL].set)
		p->senddeletes = pv[K2_SENDDEL].u != 0;
	if (pv[K2_SENDNOT].set)
		p->sendnotify = pv[K2_SENDNOT].u != 0;
	if (pv[K2_SENDID].set)
		p->sendidalways = pv[K2_SENDID].u != 0;
	if (pv[K2_NATT].set)
		p->natt = pv[K2_NATT].u != 0;
	if (pv[K2_HB].set)
		p->heartbeat = (enum gwconf_heartbeat)pv[K2_HB].u;
	if (pv[K2_BACKOFF].set)
		p->msgbackoff = (enum gwconf_backoff)pv[K2_BACKOFF].u;
	if (pv[K2_RETRY].set)
		p->msgretrylimit = pv[K2_RETRY].u;
	if (pv[K2_TIMEOUT].set)
		p->msgtimeout = pv[K2_TIMEOUT].u;
	if (pv[K2_RETRYIKE].set)
		p->retryikeattempts = pv[K2_RETRYIKE].u;
	if (pv[K2_P2LIMIT].set)
		p->phase2xchglimit = pv[K2_P2LIMIT].u;
	if (pv[K2_SRCIF].set)
		GW_SETSTR(p->srcinterface, pv[K2_SRCIF]);
}

static void
apply_create_isakmp(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_isakmp_policy *p = find_isakmp_policy(conf, kv[1].s);

	(void)c;
	if (p != NULL) {
		gw_duplicate(ps, &kv[1], "isakmp policy", &p->loc);
		return;
	}
	if (!gw_room(ps, conf->n_isakmp_policies, GWCONF_MAX_ISAKMP_POLS,
	    "isakmp policies"))
		return;
	p = &conf->isakmp_policies[conf->n_isakmp_policies++];
	memset(p, 0, sizeof(*p));
	GW_SETSTR(p->name, kv[1]);
	p->authtype = GWCONF_IKEAUTH_PRESHARED;
	p->encalg = GWCONF_IKE_DES;
	p->hashalg = GWCONF_IKE_SHA1;
	p->group = GWCONF_GROUP_MODP768;
	p->expiry_seconds = 86400;
	p->mode = GWCONF_IKE_MAIN;
	p->sendnotify = true;
	p->heartbeat = GWCONF_HB_NONE;
	p->msgbackoff = GWCONF_BACKOFF_INCREMENTAL;
	p->msgretrylimit = 8;
	p->msgtimeout = 4;
	p->loc = gw_tloc(ps, ps->first);
	isakmp_params(ps, p, pv);
}

static void
apply_set_isakmp(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_isakmp_policy *p = find_isakmp_policy(ps->conf, kv[1].s);

	(void)c;
	if (p == NULL) {
		gw_not_found(ps, &kv[1], "isakmp policy",
		    "create isakmp policy");
		return;
	}
	isakmp_params(ps, p, pv);
}

/* ------------------------------------------------------------------------
 * This file's slice of the command table (conf_parse.c).
 */
const struct gw_cmd gw_cmds_ipsec[] = {
	/* IPsec */
	{ V_ENABLE, 1, { KW("ipsec") }, NOPARAMS, gw_apply_module, NULL },
	{ V_DISABLE, 1, { KW("ipsec") }, NOPARAMS, gw_apply_module, NULL },
	{ V_CREATE, 2, { KW("ipsec"), KWV("saspecification", T_UINT, 0, 255) },
	    PARAMS(p_saspec), apply_create_saspec, NULL },
	{ V_CREATE, 2, { KW("ipsec"), KWV("bundlespecification", T_UINT, 0,
	    255) }, PARAMS(p_bundle), apply_create_bundle, NULL },
	{ V_CREATE, 2, { KW("ipsec"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_create_ipsec_policy),
	    apply_create_ipsec_policy, NULL },
	{ V_SET, 2, { KW("ipsec"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_set_ipsec_policy),
	    apply_set_ipsec_policy, NULL },
	{ V_ENABLE, 2, { KW("ipsec"), KWO("policy", T_NAME,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_ipsec_debug), gw_apply_debug,
	    NULL },
	{ V_DISABLE, 2, { KW("ipsec"), KWO("policy", T_NAME,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_ipsec_debug), gw_apply_debug,
	    NULL },
	/* ISAKMP */
	{ V_ENABLE, 1, { KW("isakmp") }, NOPARAMS, gw_apply_module, NULL },
	{ V_DISABLE, 1, { KW("isakmp") }, NOPARAMS, gw_apply_module, NULL },
	{ V_CREATE, 2, { KW("isakmp"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_create_isakmp),
	    apply_create_isakmp, NULL },
	{ V_SET, 2, { KW("isakmp"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_set_isakmp), apply_set_isakmp,
	    NULL },
	{ V_ENABLE, 2, { KW("isakmp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    gw_apply_debug, NULL },
	{ V_DISABLE, 2, { KW("isakmp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    gw_apply_debug, NULL },
};
_Static_assert(GW_NELEM(gw_cmds_ipsec) == GW_NCMDS_IPSEC,
    "GW_NCMDS_IPSEC (conf_int.h) counts gw_cmds_ipsec");
