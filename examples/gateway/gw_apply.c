/*
 * gw_apply.c - the router's configuration (struct gwconf, already checked
 * by gwconf_check) turned into the five libraries' configurations.
 *
 * The mapping, in the router's words:
 *  - Every "create ipsec policy ... action=ipsec key=isakmp" becomes one
 *    libisakmp policy: its peer, its transport selector (transport=udp
 *    lport=1701: we match our local port only, never the client's), the
 *    Quick Mode proposals of its bundle in the bundle string's order
 *    ("1 or 2 or 3 or 4"), and the phase 1 transform of the ISAKMP policy
 *    it names, followed by the transforms of every other ISAKMP policy with
 *    the same peer and the same key (so one gateway can offer a Windows 10
 *    suite, a macOS suite and the seed's 3DES in one configuration).
 *  - "create enco key=N" is the pre-shared key of ISAKMP policies key=N.
 *  - The firewall: interfaces, rules and the enhanced NAT of dyn-dynamic go
 *    to libfw (they concern traffic that crosses the gateway process); the
 *    enhanced NAT of LAN interfaces is the kernel's (see --print-nft).
 *  - PPP templates are chosen per call by "add l2tp ip=RANGE ppptemplate=N"
 *    (gw_template_for); pools by the template's ippool.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "gw_int.h"
#include "pkt.h"

static void
p1_from_conf(const struct gwconf_isakmp_policy *ip, struct isakmp_p1_proposal *p)
{
	memset(p, 0, sizeof(*p));
	switch (ip->encalg) {
	case GWCONF_IKE_DES: p->enc = ISAKMP_ENC_DES; break;
	case GWCONF_IKE_AES128: p->enc = ISAKMP_ENC_AES; p->key_bits = 128; break;
	case GWCONF_IKE_AES192: p->enc = ISAKMP_ENC_AES; p->key_bits = 192; break;
	case GWCONF_IKE_AES256: p->enc = ISAKMP_ENC_AES; p->key_bits = 256; break;
	default: p->enc = ISAKMP_ENC_3DES; break;
	}
	switch (ip->hashalg) {
	case GWCONF_IKE_MD5: p->hash = ISAKMP_HASH_MD5; break;
	case GWCONF_IKE_SHA256: p->hash = ISAKMP_HASH_SHA256; break;
	case GWCONF_IKE_SHA384: p->hash = ISAKMP_HASH_SHA384; break;
	case GWCONF_IKE_SHA512: p->hash = ISAKMP_HASH_SHA512; break;
	default: p->hash = ISAKMP_HASH_SHA1; break;
	}
	p->group = (uint16_t)ip->group;
	p->life_s = ip->expiry_seconds;
}

/* One ESP SA specification as a Quick Mode proposal; -1 if not ESP. */
static int
p2_from_spec(const struct gwconf_saspec *s, const struct gwconf_bundle *b,
    struct isakmp_p2_proposal *p, bool *sha256_96, bool *des)
{
	memset(p, 0, sizeof(*p));
	if (s->protocol != GWCONF_IPSEC_ESP)
		return -1;
	switch (s->encalg) {
	case GWCONF_ESP_DES: p->enc = ISAKMP_ESP_DES; *des = true; break;
	case GWCONF_ESP_3DES: p->enc = ISAKMP_ESP_3DES; break;
	case GWCONF_ESP_AES128: p->enc = ISAKMP_ESP_AES_CBC; p->key_bits = 128; break;
	case GWCONF_ESP_AES192: p->enc = ISAKMP_ESP_AES_CBC; p->key_bits = 192; break;
	case GWCONF_ESP_AES256: p->enc = ISAKMP_ESP_AES_CBC; p->key_bits = 256; break;
	case GWCONF_ESP_AES128GCM: p->enc = ISAKMP_ESP_AES_GCM_16; p->key_bits = 128; break;
	case GWCONF_ESP_AES256GCM: p->enc = ISAKMP_ESP_AES_GCM_16; p->key_bits = 256; break;
	default: return -1;
	}
	switch (s->hashalg) {
	case GWCONF_ESPAUTH_NULL: p->integ = ISAKMP_INTEG_NONE; break;
	case GWCONF_ESPAUTH_MD5: p->integ = ISAKMP_INTEG_HMAC_MD5_96; break;
	case GWCONF_ESPAUTH_SHA1: p->integ = ISAKMP_INTEG_HMAC_SHA1_96; break;
	case GWCONF_ESPAUTH_SHA256: p->integ = ISAKMP_INTEG_HMAC_SHA256_128; break;
	case GWCONF_ESPAUTH_SHA256_96:
		p->integ = ISAKMP_INTEG_HMAC_SHA256_128;
		*sha256_96 = true;
		break;
	default: return -1;
	}
	if (p->enc == ISAKMP_ESP_AES_GCM_16 && p->integ != ISAKMP_INTEG_NONE)
		return -1;
	p->life_s = b->expiry_seconds;
	p->life_kb = b->expiry_kbytes;
	return 0;
}

static const struct gwconf_isakmp_policy *
isakmp_policy_named(const struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_isakmp_policies; i++)
		if (strcasecmp(c->isakmp_policies[i].name, name) == 0)
			return &c->isakmp_policies[i];
	return NULL;
}

static const struct gwconf_key *
key_numbered(const struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_keys; i++)
		if (c->keys[i].id == id)
			return &c->keys[i];
	return NULL;
}

static const struct gwconf_bundle *
bundle_numbered(const struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_bundles; i++)
		if (c->bundles[i].id == id)
			return &c->bundles[i];
	return NULL;
}

static const struct gwconf_saspec *
saspec_numbered(const struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_saspecs; i++)
		if (c->saspecs[i].id == id)
			return &c->saspecs[i];
	return NULL;
}

static bool
same_p1(const struct isakmp_p1_proposal *a, const struct isakmp_p1_proposal *b)
{
	return a->enc == b->enc && a->key_bits == b->key_bits && a->hash == b->hash &&
	    a->group == b->group;
}

static int
apply_isakmp(struct gw *gw, char *err, size_t errlen)
{
	const struct gwconf *c = gw->conf;
	uint32_t i, j, k, n = 0;

	for (i = 0; i < c->n_ipsec_policies; i++) {
		const struct gwconf_ipsec_policy *ip = &c->ipsec_policies[i];
		const struct gwconf_isakmp_policy *kp;
		const struct gwconf_key *key;
		const struct gwconf_bundle *b;
		struct isakmp_policy pol;
		bool des = false, sha96 = false;
		uint32_t pid;
		int rc;

		if (ip->action != GWCONF_IPSEC_IPSEC || ip->keymgmt != GWCONF_KEY_ISAKMP)
			continue;
		kp = isakmp_policy_named(c, ip->isakmp_policy);
		b = ip->has_bundle ? bundle_numbered(c, ip->bundle) : NULL;
		key = kp != NULL && kp->has_key ? key_numbered(c, kp->key) : NULL;
		if (kp == NULL || b == NULL || key == NULL) {
			snprintf(err, errlen, "ipsec policy \"%s\": missing isakmp policy, "
			    "bundle or key", ip->name);
			return -1;
		}
		memset(&pol, 0, sizeof(pol));
		pol.size = sizeof(pol);
		pol.peer_ip = ip->peer.any ? (kp->peer.any ? 0 : kp->peer.addr) : ip->peer.addr;
		if (key->len > sizeof(pol.psk)) {
			snprintf(err, errlen, "enco key %u: longer than %zu bytes",
			    key->id, sizeof(pol.psk));
			return -1;
		}
		memcpy(pol.psk, key->value, key->len);
		pol.psk_len = key->len;
		/* Phase 1: the named policy first, then its siblings. */
		p1_from_conf(kp, &pol.p1[0]);
		pol.n_p1 = 1;
		for (j = 0; j < c->n_isakmp_policies && pol.n_p1 < ISAKMP_MAX_P1_PROPS; j++) {
			const struct gwconf_isakmp_policy *o = &c->isakmp_policies[j];
			struct isakmp_p1_proposal p;
			bool dup = false;

			if (o == kp || !o->has_key || o->key != kp->key ||
			    o->peer.any != kp->peer.any ||
			    (!o->peer.any && o->peer.addr != kp->peer.addr))
				continue;
			p1_from_conf(o, &p);
			for (k = 0; k < pol.n_p1; k++)
				dup |= same_p1(&p, &pol.p1[k]);
			if (!dup)
				pol.p1[pol.n_p1++] = p;
		}
		for (j = 0; j < pol.n_p1; j++)
			if (pol.p1[j].enc == ISAKMP_ENC_DES)
				des = true;
		/* Quick Mode: the bundle's proposals in order. */
		for (j = 0; j < b->n_props && pol.n_p2 < ISAKMP_MAX_P2_PROPS; j++) {
			const struct gwconf_saspec *s;

			if (b->props[j].n_specs != 1) {
				gw_log(gw, GW_LOG_IPSEC, 4, "bundle %u proposal %u: combined SA "
				    "specifications are not supported, skipped", b->id, j + 1);
				continue;
			}
			s = saspec_numbered(c, b->props[j].specs[0]);
			if (s == NULL || p2_from_spec(s, b, &pol.p2[pol.n_p2], &sha96, &des) != 0) {
				gw_log(gw, GW_LOG_IPSEC, 4, "bundle %u proposal %u: SA "
				    "specification %u is not ESP with a supported suite, "
				    "skipped", b->id, j + 1, b->props[j].specs[0]);
				continue;
			}
			if (s->mode == GWCONF_MODE_TUNNEL)
				pol.mode = ISAKMP_MODE_TUNNEL;
			pol.n_p2++;
		}
		if (pol.n_p2 == 0) {
			snprintf(err, errlen, "ipsec policy \"%s\": bundle %u has no usable "
			    "proposal", ip->name, b->id);
			return -1;
		}
		if (pol.mode == 0)
			pol.mode = ISAKMP_MODE_TRANSPORT;
		pol.protocol = ip->transport == GWCONF_PROTO_ANY ? 0 : (uint8_t)ip->transport;
		pol.local_port = ip->lport.any ? 0 : ip->lport.first;
		pol.natt = kp->natt;
		pol.send_deletes = kp->senddeletes;
		pol.allow_des = des;
		pol.sha256_96 = sha96;
		pol.pfs_group = (uint16_t)ip->pfs_group;
		pol.dpd_interval_ns = 30 * NS_PER_S;
		pol.dpd_timeout_ns = 120 * NS_PER_S;
		rc = isakmp_policy_add(gw->ike, &pol, &pid);
		sodium_memzero(&pol, sizeof(pol));
		if (rc != ISAKMP_OK) {
			snprintf(err, errlen, "ipsec policy \"%s\": libisakmp refused it: %s",
			    ip->name, isakmp_strerror(rc));
			return -1;
		}
		gw_log(gw, GW_LOG_IPSEC, 6, "ipsec policy \"%s\": isakmp policy \"%s\", "
		    "bundle %u, peer %s", ip->name, kp->name, b->id,
		    pol.peer_ip ? "fixed" : "any");
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no \"action=ipsec key=isakmp\" ipsec policy: "
		    "nothing to serve");
		return -1;
	}
	return 0;
}

/* ---- firewall --------------------------------------------------------- */

static uint16_t
fw_if_id(const struct gw *gw, const char *name)
{
	const struct gwconf *c = gw->conf;
	uint32_t i;

	if (strcasecmp(name, "dyn-dynamic") == 0 || strncasecmp(name, "dyn-", 4) == 0)
		return FW_IF_DYNAMIC;
	for (i = 0; i < c->n_fw_ifs; i++)
		if (strcasecmp(c->fw_ifs[i].name, name) == 0)
			return (uint16_t)(i + 1);
	return 0;
}

static int
apply_fw(struct gw *gw, char *err, size_t errlen)
{
	const struct gwconf *c = gw->conf;
	struct fw_config fc;
	uint32_t i;
	int rc;

	memset(&fc, 0, sizeof(fc));
	fc.size = sizeof(fc);
	fc.max_flows = gw->opt.max_flows ? gw->opt.max_flows : 262144;
	fc.max_interfaces = 0xfffe;
	fc.max_rules = GWCONF_MAX_FW_RULES;
	fc.nat_port_min = gw->opt.nat_port_min;
	fc.nat_port_max = gw->opt.nat_port_max;
	{
		struct fw_hooks h = { .user = gw, .rng = gw_lib_rng, .log = gw_log_fw };

		rc = fw_ctx_new(&gw->fw, &fc, &h);
	}
	if (rc != FW_OK) {
		snprintf(err, errlen, "libfw: %s", fw_strerror(rc));
		return -1;
	}
	for (i = 0; i < c->n_fw_ifs; i++) {
		const struct gwconf_fw_if *f = &c->fw_ifs[i];
		struct fw_interface_cfg ic;

		memset(&ic, 0, sizeof(ic));
		ic.size = sizeof(ic);
		ic.id = fw_if_id(gw, f->name);
		ic.type = f->type == GWCONF_FW_PUBLIC ? FW_IF_PUBLIC : FW_IF_PRIVATE;
		if (ic.id != FW_IF_DYNAMIC) {
			uint32_t j;

			for (j = 0; j < c->n_ip_ifs; j++)
				if (strcasecmp(c->ip_ifs[j].name, f->name) == 0)
					ic.address = c->ip_ifs[j].addr;
			if (f->type == GWCONF_FW_PUBLIC && gw->fw_pub == 0) {
				gw->fw_pub = ic.id;
				if (gw->public_ip != 0)
					ic.address = gw->public_ip;
			}
		}
		if ((rc = fw_interface_add(gw->fw, &ic)) != FW_OK && rc != FW_E_EXISTS) {
			snprintf(err, errlen, "firewall interface %s: %s", f->name,
			    fw_strerror(rc));
			return -1;
		}
	}
	for (i = 0; i < c->n_fw_nats; i++) {
		const struct gwconf_fw_nat_def *nd = &c->fw_nats[i];
		struct fw_nat_cfg nc;
		uint16_t in = fw_if_id(gw, nd->ifname);

		/* The LAN's own NAT is the kernel's: its traffic never reaches us. */
		if (in != FW_IF_DYNAMIC)
			continue;
		memset(&nc, 0, sizeof(nc));
		nc.size = sizeof(nc);
		nc.type = nd->type == GWCONF_NAT_STANDARD ? FW_NAT_STANDARD : FW_NAT_ENHANCED;
		nc.if_id = in;
		nc.gbl_if = fw_if_id(gw, nd->gblif);
		nc.gbl_ip = nd->has_gblip ? nd->gblip : gw->public_ip;
		if (nc.type == FW_NAT_STANDARD)
			nc.ip = nd->ip.first;
		if ((rc = fw_nat_add(gw->fw, &nc)) != FW_OK) {
			snprintf(err, errlen, "firewall nat %s -> %s: %s", nd->ifname,
			    nd->gblif, fw_strerror(rc));
			return -1;
		}
	}
	for (i = 0; i < c->n_fw_rules; i++) {
		const struct gwconf_fw_rule *r = &c->fw_rules[i];
		struct fw_rule_cfg rc2;

		if (r->action != GWCONF_FW_ALLOW && r->action != GWCONF_FW_DENY) {
			gw_log(gw, GW_LOG_FIRE, 4, "firewall rule %u: action nat/nonat is "
			    "applied by the kernel, not to VPN traffic", r->id);
			continue;
		}
		memset(&rc2, 0, sizeof(rc2));
		rc2.size = sizeof(rc2);
		rc2.number = r->id;
		rc2.if_id = fw_if_id(gw, r->ifname);
		rc2.action = r->action == GWCONF_FW_ALLOW ? FW_ALLOW : FW_DENY;
		rc2.protocol = r->protocol == GWCONF_PROTO_ANY ? FW_PROTO_ANY : (uint8_t)r->protocol;
		if (!r->ip.any) {
			rc2.ip_min = r->ip.first;
			rc2.ip_max = r->ip.last;
		}
		if (!r->port.any) {
			rc2.port_min = r->port.first;
			rc2.port_max = r->port.last;
		}
		if (r->has_gblip)
			rc2.gbl_ip = r->gblip;
		if (!r->gblport.any) {
			rc2.gbl_port_min = r->gblport.first;
			rc2.gbl_port_max = r->gblport.last;
		}
		if (!r->remoteip.any) {
			rc2.remote_min = r->remoteip.first;
			rc2.remote_max = r->remoteip.last;
		}
		rc2.encap_ipsec = r->encap_ipsec;
		if ((rc = fw_rule_add(gw->fw, &rc2)) != FW_OK) {
			snprintf(err, errlen, "firewall rule %u: %s", r->id, fw_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* ---- lookups used at run time ---------------------------------------- */

const struct gwconf_ppp_template *
gw_template_for(const struct gw *gw, uint32_t ip)
{
	const struct gwconf *c = gw->conf;
	uint32_t i, j;

	for (i = 0; i < c->l2tp.n_ranges; i++) {
		const struct gwconf_l2tp_range *r = &c->l2tp.ranges[i];

		if (ip < r->first || ip > r->last)
			continue;
		if (!r->has_template)
			return NULL;
		for (j = 0; j < c->n_templates; j++)
			if (c->templates[j].id == r->ppptemplate)
				return &c->templates[j];
	}
	return NULL;
}

int
gw_pool_index(const struct gw *gw, const char *name)
{
	uint32_t i;

	for (i = 0; i < gw->n_pools; i++)
		if (strcasecmp(gw->pools[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The libfw interface a packet to dst leaves through (sessions aside). */
uint16_t
gw_route_if(const struct gw *gw, uint32_t dst)
{
	uint32_t i;

	if (dst == gw->public_ip || dst == gw->lan_ip)
		return FW_IF_LOCAL;
	for (i = 0; i < gw->n_lan; i++)
		if ((dst & gw->lan_mask[i]) == gw->lan_net[i])
			return gw->fw_lan[i];
	return gw->fw_pub;
}

/* The libfw interface a packet from src (read from TUN) came in through:
 * the gateway's own addresses are the gateway (FW_IF_LOCAL, as in
 * gw_route_if: libfw binds a connection's replies to the interface its
 * packets went to). */
uint16_t
gw_src_if(const struct gw *gw, uint32_t src)
{
	uint32_t i;

	if (src == gw->public_ip || src == gw->lan_ip)
		return FW_IF_LOCAL;
	for (i = 0; i < gw->n_lan; i++)
		if ((src & gw->lan_mask[i]) == gw->lan_net[i])
			return gw->fw_lan[i];
	return gw->fw_pub;
}

int
gw_apply(struct gw *gw, char *err, size_t errlen)
{
	const struct gwconf *c = gw->conf;
	uint32_t i;

	/* Addresses: the public one is on the public firewall interface (or
	 * the interface of the default route); the LAN address is the first
	 * interface that is not public. */
	for (i = 0; i < c->n_ip_ifs; i++) {
		const struct gwconf_ip_if *ii = &c->ip_ifs[i];
		bool pub = false;
		uint32_t j;

		for (j = 0; j < c->n_fw_ifs; j++)
			if (strcasecmp(c->fw_ifs[j].name, ii->name) == 0 &&
			    c->fw_ifs[j].type == GWCONF_FW_PUBLIC)
				pub = true;
		for (j = 0; !pub && j < c->n_routes; j++)
			if (c->routes[j].dest == 0 && c->routes[j].mask == 0 &&
			    strcasecmp(c->routes[j].ifname, ii->name) == 0)
				pub = true;
		if (pub) {
			if (gw->public_ip == 0)
				gw->public_ip = ii->addr;
		} else if (gw->n_lan < GWCONF_MAX_IP_IFS) {
			gw->lan_net[gw->n_lan] = ii->addr & ii->mask;
			gw->lan_mask[gw->n_lan] = ii->mask;
			gw->fw_lan[gw->n_lan] = 0;
			gw->n_lan++;
			if (gw->lan_ip == 0)
				gw->lan_ip = ii->addr;
		}
	}
	if (gw->public_ip == 0) {
		snprintf(err, errlen, "no public address: give one with \"add ip int=eth0 "
		    "ip=...\" on the interface of the default route, or --public-ip");
		return -1;
	}
	if (gw->lan_ip == 0)
		gw->lan_ip = gw->public_ip;
	if (apply_isakmp(gw, err, errlen) != 0)
		return -1;
	if (c->fw_enabled) {
		if (apply_fw(gw, err, errlen) != 0)
			return -1;
		for (i = 0; i < gw->n_lan; i++) {
			uint32_t j;

			for (j = 0; j < c->n_ip_ifs; j++)
				if ((c->ip_ifs[j].addr & c->ip_ifs[j].mask) == gw->lan_net[i])
					gw->fw_lan[i] = fw_if_id(gw, c->ip_ifs[j].name);
		}
	}
	return gw_pools_init(gw);
}
