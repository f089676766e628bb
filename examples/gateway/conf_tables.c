/*
 * conf_tables.c - the enumerated values of the language: what each value
 * is called on input (canonical names first, then accepted aliases) and
 * how it is printed.  Sources for the router's own spellings: the
 * AlliedWare Software Reference command syntaxes quoted in the
 * conf_cmd_*.c files.
 */
#include <stdio.h>

#include "conf_int.h"

#define TAB(nm, arr) const struct gw_enum_tab nm = { arr, GW_NELEM(arr) }

static const struct gw_enum e_priv[] = {
	{ "user", GWCONF_PRIV_USER, false },
	{ "manager", GWCONF_PRIV_MANAGER, false },
	{ "securityofficer", GWCONF_PRIV_SECURITYOFFICER, false },
};
TAB(gw_tab_priv, e_priv);

/* The router accepts ON|OFF, TRUE|FALSE and YES|NO for its booleans. */
static const struct gw_enum e_bool[] = {
	{ "yes", 1, false }, { "no", 0, false },
	{ "on", 1, true }, { "off", 0, true },
	{ "true", 1, true }, { "false", 0, true },
};
TAB(gw_tab_bool, e_bool);

/* set radius userdatabase=: the router's own users before or after RADIUS. */
static const struct gw_enum e_userdb[] = {
	{ "first", 0, false },
	{ "last", 1, false },
};
TAB(gw_tab_userdb, e_userdb);

static const struct gw_enum e_fw_iftype[] = {
	{ "private", GWCONF_FW_PRIVATE, false },
	{ "public", GWCONF_FW_PUBLIC, false },
};
TAB(gw_tab_fw_iftype, e_fw_iftype);

static const struct gw_enum e_fw_nat[] = {
	{ "enhanced", GWCONF_NAT_ENHANCED, false },
	{ "standard", GWCONF_NAT_STANDARD, false },
};
TAB(gw_tab_fw_nat, e_fw_nat);

static const struct gw_enum e_fw_action[] = {
	{ "allow", GWCONF_FW_ALLOW, false },
	{ "deny", GWCONF_FW_DENY, false },
	{ "nat", GWCONF_FW_NAT, false },
	{ "nonat", GWCONF_FW_NONAT, false },
};
TAB(gw_tab_fw_action, e_fw_action);

static const struct gw_enum e_fw_encap[] = {
	{ "none", 0, false },
	{ "ipsec", 1, false },
};
TAB(gw_tab_fw_encap, e_fw_encap);

static const struct gw_enum e_keymgmt[] = {
	{ "isakmp", GWCONF_KEY_ISAKMP, false },
	{ "manual", GWCONF_KEY_MANUAL, false },
};
TAB(gw_tab_keymgmt, e_keymgmt);

static const struct gw_enum e_ipsec_proto[] = {
	{ "esp", GWCONF_IPSEC_ESP, false },
	{ "ah", GWCONF_IPSEC_AH, false },
};
TAB(gw_tab_ipsec_proto, e_ipsec_proto);

/* The router's ESP ciphers (NULL, DES, 3DESOUTER, 3DESINNER, 3DES2KEY,
 * AES128/192/256) plus AES-GCM; "3des" is taken as the standard one. */
static const struct gw_enum e_esp_enc[] = {
	{ "null", GWCONF_ESP_NULL, false },
	{ "des", GWCONF_ESP_DES, false },
	{ "3desouter", GWCONF_ESP_3DES, false },
	{ "3desinner", GWCONF_ESP_3DES_INNER, false },
	{ "3des2key", GWCONF_ESP_3DES_2KEY, false },
	{ "aes128", GWCONF_ESP_AES128, false },
	{ "aes192", GWCONF_ESP_AES192, false },
	{ "aes256", GWCONF_ESP_AES256, false },
	{ "aes128gcm", GWCONF_ESP_AES128GCM, false },
	{ "aes256gcm", GWCONF_ESP_AES256GCM, false },
	{ "3des", GWCONF_ESP_3DES, true },
};
TAB(gw_tab_esp_enc, e_esp_enc);

static const struct gw_enum e_esp_auth[] = {
	{ "null", GWCONF_ESPAUTH_NULL, false },
	{ "md5", GWCONF_ESPAUTH_MD5, false },
	{ "sha", GWCONF_ESPAUTH_SHA1, false },
	{ "sha256", GWCONF_ESPAUTH_SHA256, false },
	{ "sha256-96", GWCONF_ESPAUTH_SHA256_96, false },
	{ "sha384", GWCONF_ESPAUTH_SHA384, false },
	{ "sha512", GWCONF_ESPAUTH_SHA512, false },
	{ "sha1", GWCONF_ESPAUTH_SHA1, true },
};
TAB(gw_tab_esp_auth, e_esp_auth);

static const struct gw_enum e_mode[] = {
	{ "tunnel", GWCONF_MODE_TUNNEL, false },
	{ "transport", GWCONF_MODE_TRANSPORT, false },
};
TAB(gw_tab_mode, e_mode);

static const struct gw_enum e_ipsec_action[] = {
	{ "deny", GWCONF_IPSEC_DENY, false },
	{ "ipsec", GWCONF_IPSEC_IPSEC, false },
	{ "permit", GWCONF_IPSEC_PERMIT, false },
};
TAB(gw_tab_ipsec_action, e_ipsec_action);

static const struct gw_enum e_ike_enc[] = {
	{ "des", GWCONF_IKE_DES, false },
	{ "3desouter", GWCONF_IKE_3DES, false },
	{ "3desinner", GWCONF_IKE_3DES_INNER, false },
	{ "3des2key", GWCONF_IKE_3DES_2KEY, false },
	{ "aes128", GWCONF_IKE_AES128, false },
	{ "aes192", GWCONF_IKE_AES192, false },
	{ "aes256", GWCONF_IKE_AES256, false },
	{ "3des", GWCONF_IKE_3DES, true },
};
TAB(gw_tab_ike_enc, e_ike_enc);

static const struct gw_enum e_ike_hash[] = {
	{ "md5", GWCONF_IKE_MD5, false },
	{ "sha", GWCONF_IKE_SHA1, false },
	{ "sha256", GWCONF_IKE_SHA256, false },
	{ "sha384", GWCONF_IKE_SHA384, false },
	{ "sha512", GWCONF_IKE_SHA512, false },
	{ "sha1", GWCONF_IKE_SHA1, true },
};
TAB(gw_tab_ike_hash, e_ike_hash);

/* The router numbers its groups (GROUP={0|1|2|5}); the RFC names are
 * accepted too. */
static const struct gw_enum e_ike_group[] = {
	{ "1", GWCONF_GROUP_MODP768, false },
	{ "2", GWCONF_GROUP_MODP1024, false },
	{ "5", GWCONF_GROUP_MODP1536, false },
	{ "14", GWCONF_GROUP_MODP2048, false },
	{ "15", GWCONF_GROUP_MODP3072, false },
	{ "16", GWCONF_GROUP_MODP4096, false },
	{ "19", GWCONF_GROUP_ECP256, false },
	{ "20", GWCONF_GROUP_ECP384, false },
	{ "modp768", GWCONF_GROUP_MODP768, true },
	{ "modp1024", GWCONF_GROUP_MODP1024, true },
	{ "modp1536", GWCONF_GROUP_MODP1536, true },
	{ "modp2048", GWCONF_GROUP_MODP2048, true },
	{ "modp3072", GWCONF_GROUP_MODP3072, true },
	{ "modp4096", GWCONF_GROUP_MODP4096, true },
	{ "ecp256", GWCONF_GROUP_ECP256, true },
	{ "ecp384", GWCONF_GROUP_ECP384, true },
};
TAB(gw_tab_ike_group, e_ike_group);

static const struct gw_enum e_pfs_group[] = {
	{ "0", GWCONF_GROUP_NONE, false },
	{ "1", GWCONF_GROUP_MODP768, false },
	{ "2", GWCONF_GROUP_MODP1024, false },
	{ "5", GWCONF_GROUP_MODP1536, false },
	{ "14", GWCONF_GROUP_MODP2048, false },
	{ "15", GWCONF_GROUP_MODP3072, false },
	{ "16", GWCONF_GROUP_MODP4096, false },
	{ "19", GWCONF_GROUP_ECP256, false },
	{ "20", GWCONF_GROUP_ECP384, false },
	{ "none", GWCONF_GROUP_NONE, true },
	{ "modp768", GWCONF_GROUP_MODP768, true },
	{ "modp1024", GWCONF_GROUP_MODP1024, true },
	{ "modp1536", GWCONF_GROUP_MODP1536, true },
	{ "modp2048", GWCONF_GROUP_MODP2048, true },
	{ "modp3072", GWCONF_GROUP_MODP3072, true },
	{ "modp4096", GWCONF_GROUP_MODP4096, true },
	{ "ecp256", GWCONF_GROUP_ECP256, true },
	{ "ecp384", GWCONF_GROUP_ECP384, true },
};
TAB(gw_tab_pfs_group, e_pfs_group);

static const struct gw_enum e_ike_auth[] = {
	{ "preshared", GWCONF_IKEAUTH_PRESHARED, false },
	{ "rsaencr", GWCONF_IKEAUTH_RSAENCR, false },
	{ "rsasig", GWCONF_IKEAUTH_RSASIG, false },
};
TAB(gw_tab_ike_auth, e_ike_auth);

static const struct gw_enum e_ike_mode[] = {
	{ "main", GWCONF_IKE_MAIN, false },
	{ "aggressive", GWCONF_IKE_AGGRESSIVE, false },
};
TAB(gw_tab_ike_mode, e_ike_mode);

static const struct gw_enum e_heartbeat[] = {
	{ "none", GWCONF_HB_NONE, false },
	{ "send", GWCONF_HB_SEND, false },
	{ "receive", GWCONF_HB_RECEIVE, false },
	{ "both", GWCONF_HB_BOTH, false },
};
TAB(gw_tab_heartbeat, e_heartbeat);

static const struct gw_enum e_backoff[] = {
	{ "incremental", GWCONF_BACKOFF_INCREMENTAL, false },
	{ "none", GWCONF_BACKOFF_NONE, false },
};
TAB(gw_tab_backoff, e_backoff);

static const struct gw_enum e_l2tp_server[] = {
	{ "both", GWCONF_L2TP_LAC | GWCONF_L2TP_LNS, false },
	{ "lac", GWCONF_L2TP_LAC, false },
	{ "lns", GWCONF_L2TP_LNS, false },
};
TAB(gw_tab_l2tp_server, e_l2tp_server);

/*
 * PPP authentication.  The router's own values are CHAP, EITHER (CHAP or
 * PAP), PAP and NONE; MS-CHAPv2 is our addition ("mschap" means v2: MS-CHAP
 * v1 is not offered).  A comma list gives several, in preference order.
 * The value 0 stands for "none", 4 for "either".
 */
static const struct gw_enum e_ppp_auth[] = {
	{ "chap", GWCONF_AUTH_CHAP, false },
	{ "pap", GWCONF_AUTH_PAP, false },
	{ "mschapv2", GWCONF_AUTH_MSCHAPV2, false },
	{ "none", 0, false },
	{ "either", 4, false },
	{ "mschap", GWCONF_AUTH_MSCHAPV2, true },
};
TAB(gw_tab_ppp_auth, e_ppp_auth);

/* The router's firewall protocol names (PROTOCOL={protocol|ALL|EGP|GRE|
 * ICMP|OSPF|SA|TCP|UDP}) plus ESP and AH; "any" is the IPsec spelling. */
static const struct gw_enum e_proto[] = {
	{ "all", GWCONF_PROTO_ANY, false },
	{ "tcp", 6, false },
	{ "udp", 17, false },
	{ "icmp", 1, false },
	{ "gre", 47, false },
	{ "esp", 50, false },
	{ "ah", 51, false },
	{ "ospf", 89, false },
	{ "egp", 8, false },
	{ "any", GWCONF_PROTO_ANY, true },
};
TAB(gw_tab_proto, e_proto);

/* ENCO key types: only general keys (the PSKs) are used here. */
static const struct gw_enum e_enco_type[] = {
	{ "general", 0, false },
	{ "rsa", 1, false },
	{ "des", 2, false },
	{ "3des2key", 3, false },
	{ "3desinner", 4, false },
	{ "3desouter", 5, false },
};
TAB(gw_tab_enco_type, e_enco_type);

const char *
gw_enum_name(const struct gw_enum_tab *t, uint32_t value)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!t->e[i].alias && t->e[i].value == value)
			return t->e[i].name;
	return "?";
}

const char *
gw_proto_str(uint32_t proto, char *buf)
{
	size_t i;

	for (i = 0; i < gw_tab_proto.n; i++)
		if (!gw_tab_proto.e[i].alias && gw_tab_proto.e[i].value == proto)
			return gw_tab_proto.e[i].name;
	snprintf(buf, 8, "%u", (unsigned)(proto & 0x1ff));
	return buf;
}

const char *
gwconf_esp_enc_name(enum gwconf_esp_enc v)
{
	return gw_enum_name(&gw_tab_esp_enc, (uint32_t)v);
}

const char *
gwconf_esp_auth_name(enum gwconf_esp_auth v)
{
	return gw_enum_name(&gw_tab_esp_auth, (uint32_t)v);
}

const char *
gwconf_ike_enc_name(enum gwconf_ike_enc v)
{
	return gw_enum_name(&gw_tab_ike_enc, (uint32_t)v);
}

const char *
gwconf_ike_hash_name(enum gwconf_ike_hash v)
{
	return gw_enum_name(&gw_tab_ike_hash, (uint32_t)v);
}

const char *
gwconf_group_name(enum gwconf_group v)
{
	switch (v) {
	case GWCONF_GROUP_NONE:
		return "none";
	case GWCONF_GROUP_MODP768:
		return "modp768";
	case GWCONF_GROUP_MODP1024:
		return "modp1024";
	case GWCONF_GROUP_MODP1536:
		return "modp1536";
	case GWCONF_GROUP_MODP2048:
		return "modp2048";
	case GWCONF_GROUP_MODP3072:
		return "modp3072";
	case GWCONF_GROUP_MODP4096:
		return "modp4096";
	case GWCONF_GROUP_ECP256:
		return "ecp256";
	case GWCONF_GROUP_ECP384:
		return "ecp384";
	}
	return "?";
}

const char *
gwconf_ppp_auth_name(enum gwconf_ppp_auth v)
{
	return gw_enum_name(&gw_tab_ppp_auth, (uint32_t)v);
}
