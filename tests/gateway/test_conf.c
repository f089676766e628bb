/*
 * test_conf.c - parsing (conf_parse.c): the How To's whole script and the
 * modern example into their expected models, every abbreviation the seed
 * uses, the router's defaults, notices for router-only commands, aliases,
 * wrapped lines, and the parse-time errors with file:line:col.
 *
 * One file (about 1,100 lines): most of it is the expected models of the
 * two whole scripts, written out field by field; the semantic checks are in
 * test_conf_check.c.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwtest.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	((uint32_t)(c) << 8) | (uint32_t)(d))

static const char *
seed_path(void)
{
	return GWCONF_EXAMPLES_DIR "/seed.cfg";
}

static void
test_seed_model(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	const struct gwconf_isakmp_policy *ip;
	const struct gwconf_ipsec_policy *pp;
	int rc;
	uint32_t i;

	gwconf_diag_init(&d);
	c = gwt_parse_example("seed.cfg", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(d.errors, 0);
	CU_ASSERT_EQUAL(d.warnings, 0);
	CU_ASSERT_EQUAL(gwconf_check(c, &d), 0);
	CU_ASSERT_EQUAL(d.errors, 0);
	CU_ASSERT_EQUAL(d.warnings, 0);
	if (d.errors + d.warnings > 0)
		gwt_dump(&d);
	CU_ASSERT_STRING_EQUAL(c->source, seed_path());
	CU_ASSERT_STRING_EQUAL(c->system_name, "IPSec Gateway");

	/* Users and their static addresses. */
	CU_ASSERT_EQUAL_FATAL(c->n_users, 5);
	CU_ASSERT_STRING_EQUAL(c->users[0].name, "secoff");
	CU_ASSERT_STRING_EQUAL(c->users[0].password, "Secoff-Lab-1");
	CU_ASSERT_EQUAL(c->users[0].privilege, GWCONF_PRIV_SECURITYOFFICER);
	CU_ASSERT_TRUE(c->users[0].login);
	CU_ASSERT_STRING_EQUAL(c->users[0].description,
	    "Security Officer Account");
	CU_ASSERT_FALSE(c->users[0].has_ip);
	CU_ASSERT_EQUAL(c->users[0].loc.line, 21);
	for (i = 1; i <= 4; i++) {
		char n[16], p[16];

		snprintf(n, sizeof(n), "dialin%u", (unsigned)i);
		snprintf(p, sizeof(p), "friend%u", (unsigned)i);
		CU_ASSERT_STRING_EQUAL(c->users[i].name, n);
		CU_ASSERT_STRING_EQUAL(c->users[i].password, p);
		CU_ASSERT_FALSE(c->users[i].login);
		CU_ASSERT_EQUAL(c->users[i].privilege, GWCONF_PRIV_USER);
		CU_ASSERT_FALSE(c->users[i].password_hidden);
	}
	CU_ASSERT_TRUE(c->users[1].has_ip);
	CU_ASSERT_EQUAL(c->users[1].ip, IP(192, 168, 8, 50));
	CU_ASSERT_EQUAL(c->users[1].ip_loc.line, 29);
	CU_ASSERT_EQUAL(c->users[1].ip_loc.col, 47);
	CU_ASSERT_FALSE(c->users[2].has_ip);
	CU_ASSERT_TRUE(c->users[3].has_ip);
	CU_ASSERT_EQUAL(c->users[3].ip, IP(192, 168, 8, 51));
	CU_ASSERT_FALSE(c->users[4].has_ip);
	CU_ASSERT_EQUAL(c->n_radius, 0);

	/* The pre-shared key; the RSA keys were router-only. */
	CU_ASSERT_EQUAL_FATAL(c->n_keys, 1);
	CU_ASSERT_EQUAL(c->keys[0].id, 1);
	CU_ASSERT_STRING_EQUAL(c->keys[0].value, "labsecret");
	CU_ASSERT_EQUAL(c->keys[0].len, 9);
	CU_ASSERT_FALSE(c->keys[0].from_keyfile);

	/* The PPP template and global settings. */
	CU_ASSERT_EQUAL_FATAL(c->n_templates, 1);
	CU_ASSERT_EQUAL(c->templates[0].id, 1);
	CU_ASSERT_EQUAL(c->templates[0].n_auth, 1);
	CU_ASSERT_EQUAL(c->templates[0].auth[0], GWCONF_AUTH_CHAP);
	CU_ASSERT_FALSE(c->templates[0].bap);
	CU_ASSERT_EQUAL(c->templates[0].echo, 30);
	CU_ASSERT_EQUAL(c->templates[0].lqr, 0);
	CU_ASSERT_EQUAL(c->templates[0].idle, 0);
	CU_ASSERT_STRING_EQUAL(c->templates[0].ippool, "myippool");
	CU_ASSERT_EQUAL(c->ppp.dns[0], IP(192, 168, 10, 53));
	CU_ASSERT_EQUAL(c->ppp.dns[1], 0);

	/* L2TP. */
	CU_ASSERT_TRUE(c->l2tp.enabled);
	CU_ASSERT_EQUAL(c->l2tp.server, GWCONF_L2TP_LAC | GWCONF_L2TP_LNS);
	CU_ASSERT_EQUAL_FATAL(c->l2tp.n_ranges, 1);
	CU_ASSERT_EQUAL(c->l2tp.ranges[0].first, IP(1, 1, 1, 1));
	CU_ASSERT_EQUAL(c->l2tp.ranges[0].last, IP(255, 255, 255, 254));
	CU_ASSERT_TRUE(c->l2tp.ranges[0].has_template);
	CU_ASSERT_EQUAL(c->l2tp.ranges[0].ppptemplate, 1);

	/* IP: interfaces (vlan1 with its natural mask), route, pool. */
	CU_ASSERT_TRUE(c->ip_enabled);
	CU_ASSERT_EQUAL_FATAL(c->n_ip_ifs, 2);
	CU_ASSERT_STRING_EQUAL(c->ip_ifs[0].name, "vlan1");
	CU_ASSERT_EQUAL(c->ip_ifs[0].addr, IP(192, 168, 10, 1));
	CU_ASSERT_EQUAL(c->ip_ifs[0].mask, IP(255, 255, 255, 0));
	CU_ASSERT_STRING_EQUAL(c->ip_ifs[1].name, "eth0");
	CU_ASSERT_EQUAL(c->ip_ifs[1].addr, IP(203, 0, 113, 1));
	CU_ASSERT_EQUAL(c->ip_ifs[1].mask, IP(255, 255, 255, 0));
	CU_ASSERT_EQUAL_FATAL(c->n_routes, 1);
	CU_ASSERT_EQUAL(c->routes[0].dest, 0);
	CU_ASSERT_EQUAL(c->routes[0].mask, 0);
	CU_ASSERT_STRING_EQUAL(c->routes[0].ifname, "eth0");
	CU_ASSERT_EQUAL(c->routes[0].nexthop, IP(203, 0, 113, 254));
	CU_ASSERT_EQUAL(c->routes[0].metric, 1);
	CU_ASSERT_EQUAL_FATAL(c->n_pools, 1);
	CU_ASSERT_STRING_EQUAL(c->pools[0].name, "myippool");
	CU_ASSERT_EQUAL(c->pools[0].n_ranges, 1);
	CU_ASSERT_EQUAL(c->pools[0].ranges[0].first, IP(192, 168, 8, 1));
	CU_ASSERT_EQUAL(c->pools[0].ranges[0].last, IP(192, 168, 8, 49));

	/* Firewall: policy, dynamic interface, interfaces, NAT, rules. */
	CU_ASSERT_TRUE(c->fw_enabled);
	CU_ASSERT_EQUAL_FATAL(c->n_fw_policies, 1);
	CU_ASSERT_STRING_EQUAL(c->fw_policies[0].name, "main");
	CU_ASSERT_EQUAL_FATAL(c->fw_policies[0].n_dynamics, 1);
	CU_ASSERT_STRING_EQUAL(c->fw_policies[0].dynamics[0].name, "dynamic");
	CU_ASSERT_EQUAL(c->fw_policies[0].dynamics[0].n_users, 1);
	CU_ASSERT_STRING_EQUAL(c->fw_policies[0].dynamics[0].users[0], "ANY");
	CU_ASSERT_EQUAL_FATAL(c->n_fw_ifs, 3);
	CU_ASSERT_STRING_EQUAL(c->fw_ifs[0].name, "vlan1");
	CU_ASSERT_EQUAL(c->fw_ifs[0].type, GWCONF_FW_PRIVATE);
	CU_ASSERT_STRING_EQUAL(c->fw_ifs[1].name, "dyn-dynamic");
	CU_ASSERT_EQUAL(c->fw_ifs[1].type, GWCONF_FW_PRIVATE);
	CU_ASSERT_STRING_EQUAL(c->fw_ifs[2].name, "eth0");
	CU_ASSERT_EQUAL(c->fw_ifs[2].type, GWCONF_FW_PUBLIC);
	CU_ASSERT_EQUAL_FATAL(c->n_fw_nats, 2);
	CU_ASSERT_EQUAL(c->fw_nats[0].type, GWCONF_NAT_ENHANCED);
	CU_ASSERT_STRING_EQUAL(c->fw_nats[0].ifname, "vlan1");
	CU_ASSERT_STRING_EQUAL(c->fw_nats[0].gblif, "eth0");
	CU_ASSERT_TRUE(c->fw_nats[0].ip.any);
	CU_ASSERT_FALSE(c->fw_nats[0].has_gblip);
	CU_ASSERT_STRING_EQUAL(c->fw_nats[1].ifname, "dyn-dynamic");
	CU_ASSERT_STRING_EQUAL(c->fw_nats[1].gblif, "eth0");
	CU_ASSERT_EQUAL_FATAL(c->n_fw_rules, 3);
	for (i = 0; i < 3; i++) {
		static const uint16_t ports[3] = { 500, 4500, 1701 };
		const struct gwconf_fw_rule *r = &c->fw_rules[i];

		CU_ASSERT_EQUAL(r->policy, 0);
		CU_ASSERT_EQUAL(r->id, i + 1);
		CU_ASSERT_STRING_EQUAL(r->ifname, "eth0");
		CU_ASSERT_EQUAL(r->action, GWCONF_FW_ALLOW);
		CU_ASSERT_EQUAL(r->protocol, 17);
		CU_ASSERT_FALSE(r->ip.any);
		CU_ASSERT_EQUAL(r->ip.first, IP(203, 0, 113, 1));
		CU_ASSERT_EQUAL(r->ip.last, IP(203, 0, 113, 1));
		CU_ASSERT_FALSE(r->port.any);
		CU_ASSERT_EQUAL(r->port.first, ports[i]);
		CU_ASSERT_EQUAL(r->port.last, ports[i]);
		CU_ASSERT_TRUE(r->has_gblip);
		CU_ASSERT_EQUAL(r->gblip, IP(203, 0, 113, 1));
		CU_ASSERT_EQUAL(r->gblport.first, ports[i]);
		CU_ASSERT_TRUE(r->remoteip.any);
		CU_ASSERT_EQUAL(r->encap_ipsec, i == 2);
	}

	/* IPsec: the four SA specifications, the bundle in proposal order. */
	CU_ASSERT_TRUE(c->ipsec_enabled);
	CU_ASSERT_EQUAL_FATAL(c->n_saspecs, 4);
	for (i = 0; i < 4; i++) {
		static const enum gwconf_esp_enc enc[4] = { GWCONF_ESP_3DES,
		    GWCONF_ESP_3DES, GWCONF_ESP_DES, GWCONF_ESP_DES };
		static const enum gwconf_esp_auth h[4] = { GWCONF_ESPAUTH_SHA1,
		    GWCONF_ESPAUTH_MD5, GWCONF_ESPAUTH_SHA1, GWCONF_ESPAUTH_MD5 };

		CU_ASSERT_EQUAL(c->saspecs[i].id, i + 1);
		CU_ASSERT_EQUAL(c->saspecs[i].keymgmt, GWCONF_KEY_ISAKMP);
		CU_ASSERT_EQUAL(c->saspecs[i].protocol, GWCONF_IPSEC_ESP);
		CU_ASSERT_EQUAL(c->saspecs[i].encalg, enc[i]);
		CU_ASSERT_EQUAL(c->saspecs[i].hashalg, h[i]);
		CU_ASSERT_EQUAL(c->saspecs[i].mode, GWCONF_MODE_TRANSPORT);
	}
	CU_ASSERT_EQUAL_FATAL(c->n_bundles, 1);
	CU_ASSERT_EQUAL(c->bundles[0].id, 1);
	CU_ASSERT_EQUAL(c->bundles[0].keymgmt, GWCONF_KEY_ISAKMP);
	CU_ASSERT_EQUAL_FATAL(c->bundles[0].n_props, 4);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(c->bundles[0].props[i].n_specs, 1);
		CU_ASSERT_EQUAL(c->bundles[0].props[i].specs[0], i + 1);
	}
	/* "1 or 2 or 3 or 4": the 4 is at column 57 of line 87. */
	CU_ASSERT_EQUAL(c->bundles[0].props[3].spec_locs[0].line, 87);
	CU_ASSERT_EQUAL(c->bundles[0].props[3].spec_locs[0].col, 57);
	CU_ASSERT_EQUAL(c->bundles[0].expiry_seconds, 28800);

	/* The four IPsec policies, their order and ports. */
	CU_ASSERT_EQUAL_FATAL(c->n_ipsec_policies, 4);
	CU_ASSERT_STRING_EQUAL(c->ipsec_policies[0].name, "isakmp");
	CU_ASSERT_STRING_EQUAL(c->ipsec_policies[1].name, "isakmp_float");
	CU_ASSERT_STRING_EQUAL(c->ipsec_policies[2].name, "all_roaming");
	CU_ASSERT_STRING_EQUAL(c->ipsec_policies[3].name, "internet");
	for (i = 0; i < 4; i++) {
		CU_ASSERT_STRING_EQUAL(c->ipsec_policies[i].ifname, "eth0");
		CU_ASSERT_TRUE(c->ipsec_policies[i].peer.any);
		CU_ASSERT_TRUE(c->ipsec_policies[i].rport.any);
		CU_ASSERT_TRUE(c->ipsec_policies[i].laddr.any);
		CU_ASSERT_EQUAL(c->ipsec_policies[i].pfs_group, 0);
	}
	CU_ASSERT_EQUAL(c->ipsec_policies[0].action, GWCONF_IPSEC_PERMIT);
	CU_ASSERT_EQUAL(c->ipsec_policies[0].lport.first, 500);
	CU_ASSERT_FALSE(c->ipsec_policies[0].lport.any);
	CU_ASSERT_EQUAL(c->ipsec_policies[0].transport, GWCONF_PROTO_ANY);
	CU_ASSERT_EQUAL(c->ipsec_policies[1].action, GWCONF_IPSEC_PERMIT);
	CU_ASSERT_EQUAL(c->ipsec_policies[1].lport.first, 4500);
	pp = &c->ipsec_policies[2];
	CU_ASSERT_EQUAL(pp->action, GWCONF_IPSEC_IPSEC);
	CU_ASSERT_EQUAL(pp->keymgmt, GWCONF_KEY_ISAKMP);
	CU_ASSERT_TRUE(pp->has_bundle);
	CU_ASSERT_EQUAL(pp->bundle, 1);
	CU_ASSERT_STRING_EQUAL(pp->isakmp_policy, "roaming1");
	CU_ASSERT_EQUAL(pp->transport, 17);
	CU_ASSERT_EQUAL(pp->lport.first, 1701);
	CU_ASSERT_EQUAL(pp->lport.last, 1701);
	CU_ASSERT_EQUAL(c->ipsec_policies[3].action, GWCONF_IPSEC_PERMIT);
	CU_ASSERT_TRUE(c->ipsec_policies[3].lport.any);

	/* ISAKMP. */
	CU_ASSERT_TRUE(c->isakmp_enabled);
	CU_ASSERT_EQUAL_FATAL(c->n_isakmp_policies, 1);
	ip = &c->isakmp_policies[0];
	CU_ASSERT_STRING_EQUAL(ip->name, "roaming1");
	CU_ASSERT_TRUE(ip->peer.any);
	CU_ASSERT_TRUE(ip->has_key);
	CU_ASSERT_EQUAL(ip->key, 1);
	CU_ASSERT_TRUE(ip->senddeletes);
	CU_ASSERT_STRING_EQUAL(ip->localid, "local");
	CU_ASSERT_TRUE(ip->natt);
	/* The one line seed.cfg adds to the How To: 3DES, group 2 (the
	 * router's defaults, DES and group 1, are checked elsewhere). */
	CU_ASSERT_EQUAL(ip->encalg, GWCONF_IKE_3DES);
	CU_ASSERT_EQUAL(ip->hashalg, GWCONF_IKE_SHA1);
	CU_ASSERT_EQUAL(ip->group, GWCONF_GROUP_MODP1024);
	CU_ASSERT_EQUAL(ip->expiry_seconds, 86400);

	/* Aliases, kept verbatim; none is used, so no debug is on. */
	CU_ASSERT_EQUAL_FATAL(c->n_aliases, 4);
	CU_ASSERT_STRING_EQUAL(c->aliases[0].name, "ed");
	CU_ASSERT_STRING_EQUAL(c->aliases[0].string, "enable isa debug");
	CU_ASSERT_STRING_EQUAL(c->aliases[1].name, "ed2");
	CU_ASSERT_STRING_EQUAL(c->aliases[1].string,
	    "enable ipsec poli debug=all");
	CU_ASSERT_STRING_EQUAL(c->aliases[2].string, "dis isa debug");
	CU_ASSERT_STRING_EQUAL(c->aliases[3].string, "dis ipsec poli debug=all");
	CU_ASSERT_EQUAL(c->debug, 0);

	CU_ASSERT_EQUAL(c->n_ignored, 8);
	CU_ASSERT_EQUAL(c->n_commands, 59);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_seed_notices(void)
{
	static const struct {
		unsigned line;
		const char *text;
	} want[] = {
		{ 10, "\"enable system security\" ignored: keys are protected by "
		    "the host's file permissions (see the key file)" },
		{ 11, "\"login\" ignored: there is no router command line to log "
		    "in to" },
		{ 13, "\"create enco key=2 type=rsa\" ignored: only general keys "
		    "(pre-shared keys) are used by this gateway" },
		{ 14, "\"create enco key=3 type=rsa\" ignored: only general keys "
		    "(pre-shared keys) are used by this gateway" },
		{ 20, "\"set user\" ignored: the security officer timeout is for "
		    "the router's own command line" },
		{ 78, "\"enable ssh server\" ignored: remote management is the "
		    "host's own SSH server" },
		{ 79, "\"add ssh user\" ignored: remote management is the host's "
		    "own SSH server" },
		{ 121, "\"set config\" ignored: the gateway reads the "
		    "configuration file it is given" },
	};
	struct gwconf_diag d;
	struct gwconf *c;
	char line[512];
	size_t i;

	gwconf_diag_init(&d);
	c = gwt_parse_example("seed.cfg", &d, NULL);
	CU_ASSERT_EQUAL(d.notices, GW_NELEM_T(want));
	for (i = 0; i < GW_NELEM_T(want); i++) {
		snprintf(line, sizeof(line), "%s:%u:1: notice: %s", seed_path(),
		    want[i].line, want[i].text);
		CU_ASSERT_TRUE(gwt_has(&d, line));
	}
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_modern_model(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse_example("modern.cfg", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(gwconf_check(c, &d), 0);
	CU_ASSERT_EQUAL(d.errors + d.warnings + d.notices, 0);
	if (d.n > 0)
		gwt_dump(&d);
	CU_ASSERT_EQUAL(c->templates[0].n_auth, 1);
	CU_ASSERT_EQUAL(c->templates[0].auth[0], GWCONF_AUTH_MSCHAPV2);
	CU_ASSERT_EQUAL(c->l2tp.server, GWCONF_L2TP_LNS);
	CU_ASSERT_EQUAL_FATAL(c->n_saspecs, 6);
	CU_ASSERT_EQUAL(c->saspecs[0].encalg, GWCONF_ESP_AES256GCM);
	CU_ASSERT_EQUAL(c->saspecs[0].hashalg, GWCONF_ESPAUTH_NULL);
	CU_ASSERT_EQUAL(c->saspecs[1].encalg, GWCONF_ESP_AES128GCM);
	CU_ASSERT_EQUAL(c->saspecs[2].encalg, GWCONF_ESP_AES256);
	CU_ASSERT_EQUAL(c->saspecs[2].hashalg, GWCONF_ESPAUTH_SHA256);
	CU_ASSERT_EQUAL(c->saspecs[3].encalg, GWCONF_ESP_AES128);
	CU_ASSERT_EQUAL(c->saspecs[4].hashalg, GWCONF_ESPAUTH_SHA1);
	CU_ASSERT_EQUAL(c->saspecs[5].encalg, GWCONF_ESP_AES128);
	CU_ASSERT_EQUAL(c->bundles[0].n_props, 6);
	CU_ASSERT_EQUAL(c->bundles[0].props[5].specs[0], 6);
	CU_ASSERT_EQUAL(c->bundles[0].expiry_seconds, 3600);
	CU_ASSERT_EQUAL_FATAL(c->n_isakmp_policies, 4);
	CU_ASSERT_EQUAL(c->isakmp_policies[0].encalg, GWCONF_IKE_AES256);
	CU_ASSERT_EQUAL(c->isakmp_policies[0].hashalg, GWCONF_IKE_SHA256);
	CU_ASSERT_EQUAL(c->isakmp_policies[0].group, GWCONF_GROUP_MODP2048);
	CU_ASSERT_EQUAL(c->isakmp_policies[1].encalg, GWCONF_IKE_AES128);
	CU_ASSERT_EQUAL(c->isakmp_policies[1].hashalg, GWCONF_IKE_SHA1);
	CU_ASSERT_EQUAL(c->isakmp_policies[2].group, GWCONF_GROUP_ECP256);
	CU_ASSERT_EQUAL(c->isakmp_policies[3].group, GWCONF_GROUP_ECP384);
	CU_ASSERT_EQUAL(c->isakmp_policies[3].hashalg, GWCONF_IKE_SHA384);
	CU_ASSERT_EQUAL(c->isakmp_policies[3].expiry_seconds, 28800);
	CU_ASSERT_TRUE(c->isakmp_policies[3].natt);
	CU_ASSERT_EQUAL(c->users[1].ip, IP(192, 168, 8, 50));
	gwconf_free(c);
	gwconf_diag_free(&d);
}

/* Every abbreviation the seed uses, and the values it resolves to. */
static void
test_abbreviations(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "add user=secoff pass=x priv=securityofficer login=yes\n"
	    "add user=u2 password=y privilege=MANAGER\n"
	    "ENABLE FIRE\n"
	    "create fire policy=main\n"
	    "create fire policy=main dy=dynamic\n"
	    "add fire policy=main dy=dynamic user=ANY\n"
	    "add fire policy=main int=eth0 type=pub\n"
	    "add fire policy=main rule=3 int=eth0 ac=allow prot=udp "
	    "port=1701 encap=ipsec\n"
	    "create ipsec sas=4 key=isakmp prot=esp encalg=des hashalg=md5 "
	    "mode=trans\n"
	    "create ipsec bundle=1 key=ISAKMP string=\"4\"\n"
	    "create ipsec poli=\"isakmp\" int=eth0 ac=permit\n"
	    "set ipsec policy=\"isakmp\" lp=500 transport=udp\n"
	    "create isa poli=r peer=any key=1\n"
	    "set isakmp policy=r natt=on sendd=true\n"
	    "add ip int=eth0 ip=203.0.113.1\n"
	    "add ip route=0.0.0.0 mask=0.0.0.0 int=eth0 next=203.0.113.254\n"
	    "enable isa debug\n"
	    "en ipsec poli debug=all\n"
	    "dis isa debug\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(d.n, 0);
	if (d.n > 0)
		gwt_dump(&d);
	CU_ASSERT_EQUAL(c->users[0].privilege, GWCONF_PRIV_SECURITYOFFICER);
	CU_ASSERT_STRING_EQUAL(c->users[0].password, "x");
	CU_ASSERT_EQUAL(c->users[1].privilege, GWCONF_PRIV_MANAGER);
	CU_ASSERT_TRUE(c->fw_enabled);
	CU_ASSERT_EQUAL(c->fw_policies[0].n_dynamics, 1);
	CU_ASSERT_EQUAL(c->fw_ifs[0].type, GWCONF_FW_PUBLIC);
	CU_ASSERT_EQUAL(c->fw_rules[0].id, 3);
	CU_ASSERT_EQUAL(c->fw_rules[0].protocol, 17);
	CU_ASSERT_TRUE(c->fw_rules[0].encap_ipsec);
	CU_ASSERT_EQUAL(c->saspecs[0].id, 4);
	CU_ASSERT_EQUAL(c->saspecs[0].mode, GWCONF_MODE_TRANSPORT);
	CU_ASSERT_EQUAL(c->bundles[0].props[0].specs[0], 4);
	CU_ASSERT_EQUAL(c->ipsec_policies[0].action, GWCONF_IPSEC_PERMIT);
	CU_ASSERT_EQUAL(c->ipsec_policies[0].lport.first, 500);
	CU_ASSERT_EQUAL(c->ipsec_policies[0].transport, 17);
	CU_ASSERT_TRUE(c->isakmp_policies[0].natt);
	CU_ASSERT_TRUE(c->isakmp_policies[0].senddeletes);
	CU_ASSERT_EQUAL(c->routes[0].nexthop, IP(203, 0, 113, 254));
	CU_ASSERT_EQUAL(c->debug, GWCONF_DEBUG_IPSEC);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_ambiguous_and_unknown(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "create i pool=x ip=10.0.0.1\n"
	    "create isakmp policy=p peer=any se=true\n"
	    "frobnicate ip\n"
	    "add fire policy=main rule=1 int=eth0 action=allow prot=udp "
	    "gblprt=500\n"
	    "create ipsec sas=1 key=isakmp prot=esp encalg=aes\n"
	    "create ipsec sas=2 key=isakmp prot=esp encalg=rot13\n"
	    "add user=u pass=p login=maybe\n"
	    "add ip foo=1\n"
	    "enable l2tp extra\n"
	    "create ppp template=1 echo=on echo=off\n"
	    "create ppp template=2 authentication=chap,pap,chap\n"
	    "create ppp template=3 authentication=none,pap\n"
	    "create ppp\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:1:8: ambiguous object \"i\" for "
	    "\"create\" (could be: ip, ipsec, isakmp)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:2:33: ambiguous parameter \"se\" for "
	    "\"create isakmp policy\" (could be: senddeletes, sendnotify, "
	    "sendidalways)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:3:1: unknown command \"frobnicate\" "
	    "(expected one of: add, create, disable, enable, login, set, or "
	    "an alias)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:4:60: unknown parameter \"gblprt\" "
	    "for \"add firewall policy rule\" (expected one of: action, "
	    "interface, protocol, ip, port, remoteip, gblip, gblport, nattype, "
	    "encapsulation)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:5:47: ambiguous value \"aes\" for "
	    "\"encalg\" (could be: aes128, aes192, aes256, aes128gcm, "
	    "aes256gcm)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:6:47: invalid value \"rot13\" for "
	    "\"encalg\" (expected one of: null, des, 3desouter, 3desinner, "
	    "3des2key, aes128, aes192, aes256, aes128gcm, aes256gcm)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:25: invalid value \"maybe\" for "
	    "\"login\" (expected yes, no, on, off, true or false)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:8:8: unknown keyword \"foo\" for "
	    "\"add ip\" (expected one of: interface, route, pool)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:9:13: unknown keyword \"extra\" for "
	    "\"enable l2tp\" (expected one of: server, debug)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:10:31: parameter \"echo\" given "
	    "twice"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:11:38: \"authentication\" lists chap "
	    "twice"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:12:38: \"authentication\": none "
	    "cannot be combined with other methods"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:13:1: incomplete command \"create "
	    "ppp\" (expected one of: template)"));
	/* The command with a bad parameter is still applied (recovery). */
	CU_ASSERT_EQUAL(c->n_isakmp_policies, 1);
	CU_ASSERT_EQUAL(c->n_saspecs, 2);
	CU_ASSERT_EQUAL(c->saspecs[0].encalg, GWCONF_ESP_DES);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_value_errors(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "add ip int=eth0 ip=203.0.113.300\n"
	    "add ip int=eth1 ip=10.0.0.1 mask=255.0.255.0\n"
	    "create ip pool=p ip=192.168.8.49-192.168.8.1\n"
	    "create ip pool=q ip=192.168.8.0/23\n"
	    "create ip pool=r ip=10.1.2.3/24\n"
	    "add fire policy=main rule=1 int=eth0 action=allow prot=udp "
	    "port=70000\n"
	    "create ppp template=32\n"
	    "add user=a password=<password>\n"
	    "add ip int=Bad_If ip=10.0.0.1\n"
	    "create isakmp policy=x peer=dynamic\n"
	    "create isakmp policy=thisnameiswaytoolongforapolicy peer=any\n"
	    "add user=b password=\"\"\n"
	    "add ip int=eth0 ip=<office Internet address>\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:1:20: invalid IPv4 address "
	    "\"203.0.113.300\" for \"ipaddress\""));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:2:34: invalid mask \"255.0.255.0\" "
	    "for \"mask\" (expected a contiguous dotted mask such as "
	    "255.255.255.0)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:3:21: reversed range "
	    "\"192.168.8.49-192.168.8.1\" for \"ip\" (the first address is "
	    "above the last)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:5:21: \"10.1.2.3/24\" for \"ip\" is "
	    "not a network (host bits are set)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:6:65: invalid port \"70000\" for "
	    "\"port\" (expected any, a number from 0 to 65535 or a range A-B)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:21: invalid value \"32\" for "
	    "\"template\" (expected a number from 0 to 31)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:8:21: unfilled placeholder for "
	    "\"password\": replace it with the real secret"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:13:20: unfilled placeholder "
	    "<office Internet address> for \"ipaddress\": replace it with a "
	    "real value"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:9:12: invalid interface name "
	    "\"Bad_If\" for \"interface\" (1 to 15 letters, digits or '-', "
	    "starting with a letter)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:10:29: \"peer=dynamic\" is not "
	    "supported (use any or an address)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:11:22: value too long "
	    "\"thisnameiswaytoolongforapolicy\" for \"policy\" (1 to 23 "
	    "characters)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:12:22: the value of \"password\" must "
	    "be 1 to 64 characters"));
	/* The CIDR pool is a valid range. */
	CU_ASSERT_EQUAL_FATAL(c->n_pools, 1);
	CU_ASSERT_EQUAL(c->pools[0].ranges[0].first, IP(192, 168, 8, 0));
	CU_ASSERT_EQUAL(c->pools[0].ranges[0].last, IP(192, 168, 9, 255));
	gwconf_free(c);
	gwconf_diag_free(&d);
}

/* The PDF wraps long commands onto the next line. */
static void
test_wrapped_lines(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "create ppp template=1 bap=off ippool=\"myippool\" "
	    "authentication=chap echo=30\n"
	    "lqr=off\n"
	    "# a comment between\n"
	    "add fire policy=main rule=1 int=eth0 action=allow protocol=udp\n"
	    "ip=203.0.113.1 port=500 gblip=203.0.113.1\n"
	    "gblport=500\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:2:1: parameter \"lqr\" at the start "
	    "of a line: the command of line 1 was wrapped onto this line; join "
	    "them into one line"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:5:1: parameter \"ip\" at the start "
	    "of a line: the command of line 4 was wrapped onto this line; join "
	    "them into one line"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:6:1: parameter \"gblport\" at the "
	    "start of a line: the command of line 4 was wrapped onto this line; "
	    "join them into one line"));
	/* The first line of the template is a command of its own. */
	CU_ASSERT_EQUAL(c->n_templates, 1);
	CU_ASSERT_EQUAL(c->templates[0].lqr, GWCONF_PPP_LQR_DEFAULT);
	gwconf_free(c);
	gwconf_diag_free(&d);
	gwconf_diag_init(&d);
	c = gwt_parse("lqr=off\n", &d, &rc);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:1:1: parameter \"lqr\" at the start "
	    "of a line: a command starts with a verb"));
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_aliases(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "add alias=ed string=\"enable isa debug\"\n"
	    "add alias=ed2 string=\"enable ipsec poli debug=all\"\n"
	    "add alias=dd string=\"dis isa debug\"\n"
	    "add alias=mkpool string=\"create ip pool=p\"\n"
	    "ed\n"
	    "ED2\n"
	    "mkpool ip=10.1.1.1-10.1.1.9\n"
	    "add alias=loop string=\"ed\"\n"
	    "loop\n"
	    "add alias=bad string=\"create ip pool=q ip=x\"\n"
	    "bad\n"
	    "add alias=ed string=\"x\"\n"
	    "add alias=empty string=\"# nothing\"\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_EQUAL(c->debug, GWCONF_DEBUG_ISAKMP | GWCONF_DEBUG_IPSEC);
	CU_ASSERT_EQUAL_FATAL(c->n_pools, 1);
	CU_ASSERT_STRING_EQUAL(c->pools[0].name, "p");
	CU_ASSERT_EQUAL(c->pools[0].ranges[0].last, IP(10, 1, 1, 9));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:9:1: alias \"loop\" expands to "
	    "another alias; aliases do not nest (in alias \"loop\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:11:1: invalid address range \"x\" "
	    "for \"ip\" (expected A, A-B or A/LEN) (in alias \"bad\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:12:11: alias \"ed\" is already "
	    "defined (at line 1)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:13:25: the string of alias \"empty\" "
	    "is not a command: it is empty"));
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_defaults(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	const struct gwconf_isakmp_policy *p;
	const struct gwconf_ipsec_policy *q;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "add user=u password=p\n"
	    "add radius server=192.168.10.5 secret=s\n"
	    "create ppp template=0\n"
	    "create ppp template=1 echo=on idle=on\n"
	    "add ip int=eth1 ip=10.1.1.1\n"
	    "add ip int=eth2 ip=172.16.1.1\n"
	    "add ip route=10.0.0.0 int=eth1\n"
	    "create ipsec sas=1 key=isakmp prot=esp\n"
	    "create ipsec bundle=1 key=isakmp string=\"1\"\n"
	    "create ipsec policy=p int=eth1 action=permit\n"
	    "create isakmp policy=i peer=192.0.2.1\n"
	    "add fire policy=x rule=1 int=eth0 action=allow prot=tcp\n",
	    &d, &rc);
	/* The last line names a policy that does not exist. */
	CU_ASSERT_EQUAL(d.errors, 1);
	CU_ASSERT_EQUAL(c->users[0].privilege, GWCONF_PRIV_USER);
	CU_ASSERT_TRUE(c->users[0].login);
	/* AlliedWare's ADD RADIUS SERVER: 1645 and 1646 by default. */
	CU_ASSERT_EQUAL(c->radius[0].port, 1645);
	CU_ASSERT_EQUAL(c->radius[0].accport, 1646);
	CU_ASSERT_EQUAL(c->radius_set.timeout, 5);
	CU_ASSERT_EQUAL(c->radius_set.retransmitcount, 3);
	CU_ASSERT_TRUE(c->radius_set.accounting);
	CU_ASSERT_FALSE(c->radius_set.local_last);
	CU_ASSERT_EQUAL(c->templates[0].n_auth, 0);
	CU_ASSERT_FALSE(c->templates[0].bap);
	CU_ASSERT_EQUAL(c->templates[0].echo, 0);
	CU_ASSERT_EQUAL(c->templates[0].lqr, GWCONF_PPP_LQR_DEFAULT);
	CU_ASSERT_EQUAL(c->templates[0].ippool[0], '\0');
	CU_ASSERT_EQUAL(c->templates[1].echo, GWCONF_PPP_ECHO_DEFAULT);
	CU_ASSERT_EQUAL(c->templates[1].idle, GWCONF_PPP_IDLE_DEFAULT);
	CU_ASSERT_EQUAL(c->ip_ifs[0].mask, IP(255, 0, 0, 0));
	CU_ASSERT_EQUAL(c->ip_ifs[1].mask, IP(255, 255, 0, 0));
	CU_ASSERT_EQUAL_FATAL(c->n_routes, 1);
	CU_ASSERT_EQUAL(c->routes[0].dest, IP(10, 0, 0, 0));
	CU_ASSERT_EQUAL(c->routes[0].mask, IP(255, 0, 0, 0));
	CU_ASSERT_EQUAL(c->routes[0].nexthop, 0);
	CU_ASSERT_EQUAL(c->routes[0].metric, 1);
	CU_ASSERT_EQUAL(c->saspecs[0].encalg, GWCONF_ESP_DES);
	CU_ASSERT_EQUAL(c->saspecs[0].hashalg, GWCONF_ESPAUTH_NULL);
	CU_ASSERT_EQUAL(c->saspecs[0].mode, GWCONF_MODE_TUNNEL);
	CU_ASSERT_EQUAL(c->bundles[0].expiry_seconds, 28800);
	CU_ASSERT_EQUAL(c->bundles[0].expiry_kbytes, 0);
	q = &c->ipsec_policies[0];
	CU_ASSERT_EQUAL(q->keymgmt, GWCONF_KEY_ISAKMP);
	CU_ASSERT_TRUE(q->peer.any);
	CU_ASSERT_EQUAL(q->transport, GWCONF_PROTO_ANY);
	CU_ASSERT_TRUE(q->laddr.any && q->raddr.any);
	CU_ASSERT_TRUE(q->lport.any && q->rport.any);
	CU_ASSERT_FALSE(q->respondbadspi);
	p = &c->isakmp_policies[0];
	CU_ASSERT_FALSE(p->peer.any);
	CU_ASSERT_EQUAL(p->peer.addr, IP(192, 0, 2, 1));
	CU_ASSERT_FALSE(p->has_key);
	CU_ASSERT_EQUAL(p->authtype, GWCONF_IKEAUTH_PRESHARED);
	CU_ASSERT_EQUAL(p->encalg, GWCONF_IKE_DES);
	CU_ASSERT_EQUAL(p->hashalg, GWCONF_IKE_SHA1);
	CU_ASSERT_EQUAL(p->group, GWCONF_GROUP_MODP768);
	CU_ASSERT_EQUAL(p->expiry_seconds, 86400);
	CU_ASSERT_EQUAL(p->expiry_kbytes, 0);
	CU_ASSERT_EQUAL(p->mode, GWCONF_IKE_MAIN);
	CU_ASSERT_FALSE(p->senddeletes);
	CU_ASSERT_TRUE(p->sendnotify);
	CU_ASSERT_FALSE(p->sendidalways);
	CU_ASSERT_FALSE(p->natt);
	CU_ASSERT_EQUAL(p->heartbeat, GWCONF_HB_NONE);
	CU_ASSERT_EQUAL(p->msgbackoff, GWCONF_BACKOFF_INCREMENTAL);
	CU_ASSERT_EQUAL(p->msgretrylimit, 8);
	CU_ASSERT_EQUAL(p->msgtimeout, 4);
	CU_ASSERT_EQUAL(p->retryikeattempts, 0);
	CU_ASSERT_EQUAL(p->phase2xchglimit, 0);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_modern_values(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "create ipsec sas=1 key=isakmp prot=esp encalg=aes256gcm\n"
	    "create ipsec sas=2 key=isakmp prot=esp encalg=aes192 "
	    "hashalg=sha256-96\n"
	    "create ipsec sas=3 key=isakmp prot=esp encalg=3des hashalg=sha1\n"
	    "create ipsec sas=4 key=isakmp prot=esp encalg=aes128 "
	    "hashalg=sha512\n"
	    "create isakmp policy=a peer=any group=modp2048 hashalg=sha512 "
	    "encalg=aes192\n"
	    "create isakmp policy=b peer=any group=15\n"
	    "create isakmp policy=c peer=any group=16 encalg=3des\n"
	    "create isakmp policy=d peer=any group=5 hashalg=md5\n"
	    "create ipsec policy=p int=eth0 action=ipsec group=ecp384\n"
	    "create ppp template=1 authentication=mschap,chap\n"
	    "create ppp template=2 authentication=either\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		gwt_dump(&d);
	CU_ASSERT_EQUAL(c->saspecs[0].encalg, GWCONF_ESP_AES256GCM);
	CU_ASSERT_EQUAL(c->saspecs[1].encalg, GWCONF_ESP_AES192);
	CU_ASSERT_EQUAL(c->saspecs[1].hashalg, GWCONF_ESPAUTH_SHA256_96);
	CU_ASSERT_EQUAL(c->saspecs[2].encalg, GWCONF_ESP_3DES);
	CU_ASSERT_EQUAL(c->saspecs[2].hashalg, GWCONF_ESPAUTH_SHA1);
	CU_ASSERT_EQUAL(c->saspecs[3].hashalg, GWCONF_ESPAUTH_SHA512);
	CU_ASSERT_EQUAL(c->isakmp_policies[0].group, GWCONF_GROUP_MODP2048);
	CU_ASSERT_EQUAL(c->isakmp_policies[0].hashalg, GWCONF_IKE_SHA512);
	CU_ASSERT_EQUAL(c->isakmp_policies[0].encalg, GWCONF_IKE_AES192);
	CU_ASSERT_EQUAL(c->isakmp_policies[1].group, GWCONF_GROUP_MODP3072);
	CU_ASSERT_EQUAL(c->isakmp_policies[2].group, GWCONF_GROUP_MODP4096);
	CU_ASSERT_EQUAL(c->isakmp_policies[2].encalg, GWCONF_IKE_3DES);
	CU_ASSERT_EQUAL(c->isakmp_policies[3].group, GWCONF_GROUP_MODP1536);
	CU_ASSERT_EQUAL(c->isakmp_policies[3].hashalg, GWCONF_IKE_MD5);
	CU_ASSERT_EQUAL(c->ipsec_policies[0].pfs_group, GWCONF_GROUP_ECP384);
	CU_ASSERT_EQUAL(c->templates[0].n_auth, 2);
	CU_ASSERT_EQUAL(c->templates[0].auth[0], GWCONF_AUTH_MSCHAPV2);
	CU_ASSERT_EQUAL(c->templates[0].auth[1], GWCONF_AUTH_CHAP);
	CU_ASSERT_EQUAL(c->templates[1].n_auth, 2);
	CU_ASSERT_EQUAL(c->templates[1].auth[0], GWCONF_AUTH_CHAP);
	CU_ASSERT_EQUAL(c->templates[1].auth[1], GWCONF_AUTH_PAP);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_objects_and_duplicates(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "set ipsec policy=nope lport=500\n"
	    "set user=ghost description=x\n"
	    "add user=u password=p\n"
	    "add user=U password=q\n"
	    "create ipsec sas=1 key=isakmp prot=esp\n"
	    "create ipsec sas=1 key=isakmp prot=esp\n"
	    "create ipsec policy=a int=eth0 action=permit\n"
	    "create ipsec policy=A int=eth0 action=permit\n"
	    "add fire policy=main int=eth0 type=public\n"
	    "create fire policy=main\n"
	    "add fire policy=main int=eth0 type=public\n"
	    "add fire policy=main int=ETH0 type=private\n"
	    "add fire policy=main rule=1 int=eth0 action=allow prot=udp\n"
	    "add fire policy=main rule=1 int=eth0 action=deny prot=udp\n"
	    "add fire policy=main dy=d user=ANY\n"
	    "add ip pool=nopool ip=10.0.0.1\n"
	    "create ipsec bundle=1 key=isakmp string=\"1 or\"\n"
	    "create ipsec bundle=2 key=isakmp string=\"1 xor 2\"\n"
	    "add fire policy=main rule=2 int=eth0 action=allow prot=icmp "
	    "port=5\n"
	    "create ppp template=1\n"
	    "set ppp template=2 bap=on\n"
	    "add l2tp ip=1.1.1.1-2.2.2.2\n"
	    "add l2tp ip=2.0.0.0-3.0.0.0\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:1:18: ipsec policy \"nope\" does not "
	    "exist (create it first with \"create ipsec policy\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:2:10: user \"ghost\" does not exist "
	    "(create it first with \"add user\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:4:10: user \"U\" is already defined "
	    "(at line 3)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:6:18: sa specification \"1\" is "
	    "already defined (at line 5)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:8:21: ipsec policy \"A\" is already "
	    "defined (at line 7)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:9:17: firewall policy \"main\" does "
	    "not exist (create it first with \"create firewall policy\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:12:26: firewall interface \"ETH0\" is "
	    "already defined (at line 11)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:14:27: firewall rule \"1\" is already "
	    "defined (at line 13)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:15:25: dynamic interface \"d\" does "
	    "not exist (create it first with \"create firewall policy "
	    "dynamic\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:16:13: ip pool \"nopool\" does not "
	    "exist (create it first with \"create ip pool\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:17:42: bundle string \"1 or\" ends "
	    "with an operator"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:18:44: bundle string: expected "
	    "\"and\" or \"or\", found \"xor\""));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:19:56: ports need protocol=tcp or "
	    "protocol=udp"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:21:18: ppp template \"2\" does not "
	    "exist (create it first with \"create ppp template\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:23:13: l2tp range \"2.0.0.0-3.0.0.0\" "
	    "overlaps the range at line 22"));
	CU_ASSERT_EQUAL(c->n_users, 1);
	CU_ASSERT_EQUAL(c->n_fw_rules, 1);
	CU_ASSERT_EQUAL(c->fw_rules[0].action, GWCONF_FW_ALLOW);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_position_and_selectors(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "create ipsec policy=a int=eth0 action=permit\n"
	    "create ipsec policy=b int=eth0 action=permit\n"
	    "create ipsec policy=c int=eth0 action=deny position=1 "
	    "laddress=192.168.10.0 lmask=255.255.255.0 raddress=10.0.0.1-10.0.0.9\n"
	    "set ipsec policy=a position=3\n"
	    "set ipsec policy=b rmask=255.0.0.0\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_STRING_EQUAL(c->ipsec_policies[0].name, "c");
	CU_ASSERT_STRING_EQUAL(c->ipsec_policies[1].name, "b");
	CU_ASSERT_STRING_EQUAL(c->ipsec_policies[2].name, "a");
	CU_ASSERT_FALSE(c->ipsec_policies[0].laddr.any);
	CU_ASSERT_EQUAL(c->ipsec_policies[0].laddr.first, IP(192, 168, 10, 0));
	CU_ASSERT_EQUAL(c->ipsec_policies[0].laddr.last, IP(192, 168, 10, 255));
	CU_ASSERT_EQUAL(c->ipsec_policies[0].raddr.last, IP(10, 0, 0, 9));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:5:20: \"rmask\" applies to a single "
	    "address given in the same command"));
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_limits(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	char *buf, *p;
	size_t i, cap = (GWCONF_MAX_USERS + 2) * 40;
	int rc;

	/* Too many users: a located error at the first refused one. */
	buf = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	p = buf;
	for (i = 0; i < GWCONF_MAX_USERS + 1; i++)
		p += sprintf(p, "add user=u%zu password=p\n", i);
	gwconf_diag_init(&d);
	c = gwt_parse(buf, &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_EQUAL(c->n_users, GWCONF_MAX_USERS);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:257:1: too many users (the limit is "
	    "256)"));
	CU_ASSERT_EQUAL(d.errors, 1);
	gwconf_free(c);
	gwconf_diag_free(&d);
	free(buf);

	/* Too many commands: the rest of the file is ignored. */
	cap = (GWCONF_MAX_COMMANDS + 10) * 10 + 1;
	buf = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	p = buf;
	for (i = 0; i < GWCONF_MAX_COMMANDS + 10; i++)
		p += sprintf(p, "enable ip\n");
	gwconf_diag_init(&d);
	c = gwt_parse(buf, &d, &rc);
	CU_ASSERT_EQUAL(rc, GWCONF_E_INVALID);
	CU_ASSERT_EQUAL(c->n_commands, GWCONF_MAX_COMMANDS);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:4097: too many commands (the limit is "
	    "4096); the rest of the file is ignored"));
	CU_ASSERT_EQUAL(d.errors, 1);
	gwconf_free(c);
	gwconf_diag_free(&d);
	free(buf);

	/* Input over the size limit is refused as a whole. */
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwconf_parse_buffer("big", "x", GWCONF_MAX_INPUT + 1,
	    &c, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "big: input too large (1048577 bytes; the "
	    "limit is 1048576)"));
	gwconf_free(c);
	gwconf_diag_free(&d);

	/* Many errors: only GWCONF_DIAG_MAX kept, all counted. */
	cap = 300 * 8;
	buf = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	p = buf;
	for (i = 0; i < 300; i++)
		p += sprintf(p, "bogus\n");
	gwconf_diag_init(&d);
	c = gwt_parse(buf, &d, &rc);
	CU_ASSERT_EQUAL(d.errors, 300);
	CU_ASSERT_EQUAL(d.n, GWCONF_DIAG_MAX);
	CU_ASSERT_EQUAL(d.dropped, 300 - GWCONF_DIAG_MAX);
	gwconf_free(c);
	gwconf_diag_free(&d);
	free(buf);
}

/*
 * RADIUS: the words of the router's documentation (ADD RADIUS SERVER with
 * SECRET, PORT, ACCPORT) without remark; vpn-gateway's extensions
 * (acctport=, timeout=, retries=, "set radius") with a notice each; the
 * router's limits.
 */
static void
test_radius_words(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	char secret[70];
	char *text;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse("add radius server=192.168.10.5 secret=s port=1812 accport=1813\n"
	    "add radius server=192.168.10.6 secret=s port=0 accport=1646\n"
	    "add radius server=192.168.10.7 secret=s port=1645 accport=0\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL_FATAL(c->n_radius, 3);
	CU_ASSERT_EQUAL(c->radius[0].port, 1812);
	CU_ASSERT_EQUAL(c->radius[0].accport, 1813);
	CU_ASSERT_EQUAL(c->radius[1].port, 0);		/* accounting only */
	CU_ASSERT_EQUAL(c->radius[2].accport, 0);	/* authentication only */
	gwconf_free(c);
	gwconf_diag_free(&d);

	/* Without ports: the router's defaults, said once. */
	gwconf_diag_init(&d);
	c = gwt_parse("add radius server=192.168.10.5 secret=s\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(d.notices, 1);
	CU_ASSERT_TRUE(gwt_has_sub(&d, "the router's defaults, 1645 and 1646"));
	gwconf_free(c);
	gwconf_diag_free(&d);

	/* The extensions: accepted, each command with its notice. */
	gwconf_diag_init(&d);
	c = gwt_parse("add radius server=192.168.10.5 secret=s port=1812 acctport=1813 "
	    "timeout=2 retries=1\n"
	    "set radius timeout=3 retransmitcount=2 deadtime=5 accounting=off "
	    "interiminterval=300 userdatabase=last\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(d.errors, 0);
	CU_ASSERT_EQUAL(d.notices, 2);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:1:1: notice: add radius: acctport= timeout= "
	    "retries=: vpn-gateway's extensions, not the router's (a router script has "
	    "accport= and \"set radius\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:2:1: notice: \"set radius\" is vpn-gateway's "
	    "extension, not a command of the router's documentation"));
	CU_ASSERT_EQUAL_FATAL(c->n_radius, 1);
	CU_ASSERT_EQUAL(c->radius[0].accport, 1813);
	CU_ASSERT_EQUAL(c->radius[0].timeout, 2);
	CU_ASSERT_TRUE(c->radius[0].has_retries);
	CU_ASSERT_EQUAL(c->radius[0].retries, 1);
	CU_ASSERT_EQUAL(c->radius_set.timeout, 3);
	CU_ASSERT_EQUAL(c->radius_set.retransmitcount, 2);
	CU_ASSERT_EQUAL(c->radius_set.deadtime, 5);
	CU_ASSERT_FALSE(c->radius_set.accounting);
	CU_ASSERT_EQUAL(c->radius_set.interim, 300);
	CU_ASSERT_TRUE(c->radius_set.local_last);
	/* The printer writes "set radius" because it changes defaults. */
	text = gwt_print(c, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "set radius timeout=3 retransmitcount=2 "
	    "deadtime=5 accounting=off interiminterval=300 userdatabase=last\n"));
	free(text);
	gwconf_free(c);
	gwconf_diag_free(&d);

	/* A router's script prints without the extension. */
	gwconf_diag_init(&d);
	c = gwt_parse("add radius server=192.168.10.5 secret=s port=1645 accport=1646\n",
	    &d, &rc);
	text = gwt_print(c, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NULL(strstr(text, "set radius"));
	free(text);
	gwconf_free(c);
	gwconf_diag_free(&d);

	/* Refused: a 64-character secret (the router: 1 to 63), both
	 * accport= and acctport=, a server for nothing (warning). */
	memset(secret, 'k', 64);
	secret[64] = '\0';
	text = malloc(200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	snprintf(text, 200, "add radius server=192.168.10.5 secret=%s\n", secret);
	gwconf_diag_init(&d);
	c = gwt_parse(text, &d, &rc);
	CU_ASSERT_EQUAL(d.errors, 1);
	CU_ASSERT_EQUAL(c->n_radius, 0);
	gwconf_free(c);
	gwconf_diag_free(&d);
	secret[63] = '\0';
	snprintf(text, 200, "add radius server=192.168.10.5 secret=%s port=1812\n", secret);
	gwconf_diag_init(&d);
	c = gwt_parse(text, &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(c->n_radius, 1);
	gwconf_free(c);
	gwconf_diag_free(&d);
	free(text);
	gwconf_diag_init(&d);
	c = gwt_parse("add radius server=192.168.10.5 secret=s accport=1 acctport=2\n"
	    "add radius server=192.168.10.6 secret=s port=0 accport=0\n", &d, &rc);
	CU_ASSERT_EQUAL(d.errors, 1);
	CU_ASSERT_TRUE(gwt_has_sub(&d, "accport= and acctport= name the same port"));
	CU_ASSERT_TRUE(gwt_has_sub(&d, "warning: radius server with port=0 and "
	    "accport=0 is used for nothing"));
	CU_ASSERT_EQUAL(c->n_radius, 1);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_api_edges(void)
{
	struct gwconf_diag d;
	struct gwconf *c = NULL;

	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwconf_parse_buffer("x", NULL, 1, &c, &d),
	    GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_parse_buffer("x", "", 0, NULL, &d),
	    GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_parse_buffer("x", "", 0, &c, NULL),
	    GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_parse_buffer(NULL, NULL, 0, &c, &d), 0);
	CU_ASSERT_PTR_NOT_NULL(c);
	CU_ASSERT_STRING_EQUAL(c->source, "<buffer>");
	gwconf_free(c);
	gwconf_free(NULL);
	CU_ASSERT_EQUAL(gwconf_parse_file("/nonexistent/x.cfg", &c, &d),
	    GWCONF_E_IO);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_TRUE(gwt_has(&d, "/nonexistent/x.cfg: cannot open: No such "
	    "file or directory"));
	CU_ASSERT_EQUAL(gwconf_check(NULL, &d), GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_print(NULL, stdout), GWCONF_E_ARG);
	gwconf_diag_free(&d);
}

void
test_conf_register(void)
{
	CU_pSuite s = CU_add_suite("gwconf_parse", NULL, NULL);

	CU_add_test(s, "seed.cfg: the whole How To script", test_seed_model);
	CU_add_test(s, "seed.cfg: notices for router-only commands",
	    test_seed_notices);
	CU_add_test(s, "modern.cfg", test_modern_model);
	CU_add_test(s, "every abbreviation of the seed", test_abbreviations);
	CU_add_test(s, "ambiguous and unknown keywords", test_ambiguous_and_unknown);
	CU_add_test(s, "value errors", test_value_errors);
	CU_add_test(s, "wrapped lines", test_wrapped_lines);
	CU_add_test(s, "aliases", test_aliases);
	CU_add_test(s, "the router's defaults", test_defaults);
	CU_add_test(s, "modern algorithms and groups", test_modern_values);
	CU_add_test(s, "objects that do not exist, duplicates",
	    test_objects_and_duplicates);
	CU_add_test(s, "policy position, address selectors",
	    test_position_and_selectors);
	CU_add_test(s, "limits", test_limits);
	CU_add_test(s, "RADIUS: the router's words and the extensions", test_radius_words);
	CU_add_test(s, "API edges", test_api_edges);
}
