/*
 * conf.h - configuration layer of the vpn-gateway daemon: a parser, model,
 * validator and printer for the configuration script language of the
 * Allied Telesis AlliedWare routers (AR400 series), as used by the How To
 * "Create a VPN between an Allied Telesis Router and a Microsoft Windows XP
 * Client, over NAT-T".  The gateway reads such a script as its own
 * configuration.
 *
 * This piece is self-contained C11 + libc.  It depends on none of the five
 * protocol libraries: it produces a plain model, and mapping the model to
 * the libraries' configurations is done by the daemon.
 *
 * Conventions
 * -----------
 *  - Every address is an IPv4 address in HOST byte order (uint32_t,
 *    192.168.10.1 == 0xc0a80a01).  A range is [first, last], inclusive.
 *  - The model is one heap block with bounded arrays (the GWCONF_MAX_*
 *    limits below); nothing in it points anywhere else.  It is created by
 *    gwconf_parse_buffer()/gwconf_parse_file() and released (and wiped) by
 *    gwconf_free().  Arrays keep the order of the script, which matters for
 *    bundle proposals, IPsec policies and firewall rules.
 *  - After parsing, every field holds its effective value: what the script
 *    said, else the router's default (see "Defaults" at each struct).
 *  - Names (policies, pools, users, aliases) keep the script's spelling and
 *    are compared case-insensitively; interface names are lower-cased.
 *  - Secrets (user and RADIUS passwords, ENCO key values) are never printed
 *    or put into diagnostics; gwconf_free() wipes them.  The printer writes
 *    "password=<hidden>"; reading that text back marks the secret as hidden
 *    (*_hidden = true) and gwconf_check() refuses to run with it.
 *  - Diagnostics are collected, not printed: every problem of a script is
 *    reported at once, each with file, line and column (struct gwconf_diag).
 *  - No global state; no function keeps a pointer to its arguments.  Objects
 *    may be used from one thread at a time.
 *
 * The language (see examples/gateway/seed.cfg)
 * --------------------------------------------
 * One command per line: VERB OBJECT [keyword[=value]...] [param=value...].
 * Keywords (verbs, objects, parameter names and enumerated values) are
 * case-insensitive and may be abbreviated to any unique prefix ("fire",
 * "int", "prot", "ac", "dy", "sas", "isa", "dis", "poli", "lp", "pass");
 * an ambiguous prefix is an error listing the candidates.  Values are bare
 * or "double quoted" (no escapes; a value cannot contain a double quote).
 * A token starting with '#' starts a comment that runs to the end of the
 * line.  Only ASCII is accepted outside comments.  A line that starts with
 * param=value is a command wrapped onto two lines (as the PDF prints them):
 * it is an error telling to join it to the previous line.  A value written
 * as <text> is an unfilled placeholder of the How To and is an error, except
 * <hidden> as a secret (see above).  Router commands that mean nothing on a
 * Linux host (ssh, system security, login, configuration files, RSA keys,
 * security-officer timeouts) are accepted with one notice each.
 * "add alias=NAME string=TEXT" defines a shortcut: a later line whose first
 * word is NAME is read as TEXT followed by the rest of that line (aliases
 * do not nest).
 */
#ifndef GWCONF_H
#define GWCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ------------------------------------------------------------------------
 * Limits.  Exceeding one is a located error; input is never trusted to be
 * small.  Lengths count characters and exclude the terminating NUL.
 */
#define GWCONF_MAX_INPUT        (1u << 20) /* bytes of a script or key file */
#define GWCONF_MAX_LINE         2048  /* characters of one line */
#define GWCONF_MAX_TOKENS       64    /* tokens of one command */
#define GWCONF_MAX_COMMANDS     4096  /* commands of one script */
#define GWCONF_MAX_USERS        256
#define GWCONF_MAX_RADIUS       8
#define GWCONF_MAX_KEYS         32    /* ENCO general keys */
#define GWCONF_MAX_TEMPLATES    32    /* PPP templates 0..31 */
#define GWCONF_MAX_L2TP_RANGES  16
#define GWCONF_MAX_IP_IFS       32
#define GWCONF_MAX_ROUTES       64
#define GWCONF_MAX_POOLS        16
#define GWCONF_MAX_POOL_RANGES  8     /* ranges of one pool */
#define GWCONF_MAX_FW_POLICIES  4
#define GWCONF_MAX_FW_DYNAMICS  4     /* dynamic interface templates / policy */
#define GWCONF_MAX_FW_DYN_USERS 16    /* users of one dynamic interface */
#define GWCONF_MAX_FW_IFS       32    /* all policies together */
#define GWCONF_MAX_FW_NATS      32
#define GWCONF_MAX_FW_RULES     256
#define GWCONF_MAX_SASPECS      64
#define GWCONF_MAX_BUNDLES      32
#define GWCONF_MAX_PROPOSALS    8     /* "or" alternatives of one bundle */
#define GWCONF_MAX_PROP_SPECS   4     /* SA specs "and"ed in one proposal */
#define GWCONF_MAX_IPSEC_POLS   32
#define GWCONF_MAX_ISAKMP_POLS  16
#define GWCONF_MAX_ALIASES      32

/* Field sizes (characters + NUL). */
#define GWCONF_NAME_LEN         64    /* user, alias, system names */
#define GWCONF_POLICY_LEN       24    /* IPsec/ISAKMP/firewall policy: 1..23 */
#define GWCONF_POOL_LEN         16    /* IP pool name: 1..15 */
#define GWCONF_IFNAME_LEN       16    /* interface names: 1..15 */
#define GWCONF_SECRET_LEN       65    /* passwords 1..64, RADIUS secret 1..63 */
#define GWCONF_KEY_LEN          129   /* ENCO key value (the PSK): 1..128 */
#define GWCONF_DESC_LEN         71    /* descriptions: 1..70 */
#define GWCONF_ID_LEN           129   /* ISAKMP local/remote identity */
#define GWCONF_ALIAS_LEN        256   /* alias string */
#define GWCONF_PATH_LEN         256   /* file names kept for diagnostics */

/* ------------------------------------------------------------------------
 * Errors: functions return 0 or one of these negative values.
 */
enum gwconf_error {
	GWCONF_OK = 0,
	GWCONF_E_ARG = -1,      /* NULL or malformed argument */
	GWCONF_E_NOMEM = -2,    /* allocation failed */
	GWCONF_E_IO = -3,       /* a file could not be opened or read */
	GWCONF_E_PERM = -4,     /* key file owned by another user or readable
	                         * by group/others */
	GWCONF_E_INVALID = -5,  /* problems were found; they are in the diag */
	GWCONF_E_LIMIT = -6     /* a table of the caller (ifmap) is full */
};

/* Static English description of an error code; never NULL. */
const char *gwconf_strerror(int err);

/* ------------------------------------------------------------------------
 * Diagnostics.
 */
enum gwconf_severity {
	GWCONF_SEV_NOTICE = 0,  /* accepted, ignored or informative */
	GWCONF_SEV_WARNING = 1, /* accepted, but probably not what was meant */
	GWCONF_SEV_ERROR = 2    /* the configuration is refused */
};

#define GWCONF_DIAG_MAX      128  /* messages kept; later ones are counted */
#define GWCONF_DIAG_TEXT     512

struct gwconf_msg {
	enum gwconf_severity severity;
	char file[GWCONF_PATH_LEN];  /* as given to the parser */
	uint32_t line;               /* 1-based; 0 = the whole file */
	uint32_t col;                /* 1-based byte column; 0 = whole line */
	char text[GWCONF_DIAG_TEXT]; /* one line, no trailing newline */
};

/*
 * A list of messages.  Initialise with gwconf_diag_init() before first use
 * and release with gwconf_diag_free(); a diag can collect the messages of
 * several calls (parse, key file, check) in order.  Counters count every
 * message, including those beyond GWCONF_DIAG_MAX that are not kept.
 */
struct gwconf_diag {
	struct gwconf_msg *msgs;     /* owned; n valid entries */
	size_t n;
	size_t cap;
	size_t dropped;              /* messages not kept (over the limit) */
	size_t errors;
	size_t warnings;
	size_t notices;
	bool nomem;                  /* a message could not be stored */
};

void gwconf_diag_init(struct gwconf_diag *d);
/* Frees the messages and re-initialises d.  NULL-safe. */
void gwconf_diag_free(struct gwconf_diag *d);
/*
 * Formats message i as one line without newline:
 *   "file:line:col: text"              (errors)
 *   "file:line:col: warning: text"     (warnings)
 *   "file:line:col: notice: text"      (notices)
 * (":col" is left out when col is 0, ":line:col" when line is 0).  Returns
 * the length snprintf would produce; buf is always NUL-terminated when
 * cap > 0.  Returns 0 for i out of range.
 */
size_t gwconf_diag_format(const struct gwconf_diag *d, size_t i, char *buf,
    size_t cap);
/* Prints every message, one per line, then a line for dropped ones. */
void gwconf_diag_print(const struct gwconf_diag *d, FILE *f);

/* ------------------------------------------------------------------------
 * The model.
 */

/* Where an object or a reference was written: file 0 = the script,
 * 1 = the key file (gwconf_merge_keyfile).  line 0 = not from a file. */
struct gwconf_loc {
	uint32_t line;
	uint32_t col;
	uint32_t file;
};

/* IP protocol selector: 0..255, or GWCONF_PROTO_ANY. */
#define GWCONF_PROTO_ANY 256u

/* Inclusive address range; any = true matches every address. */
struct gwconf_range {
	bool any;
	uint32_t first;
	uint32_t last;
};

/* Inclusive port range; any = true matches every port. */
struct gwconf_ports {
	bool any;
	uint16_t first;
	uint16_t last;
};

/* -- users (add user, set user) -- */
enum gwconf_privilege {
	GWCONF_PRIV_USER = 0,
	GWCONF_PRIV_MANAGER,
	GWCONF_PRIV_SECURITYOFFICER
};

/*
 * One entry of the router's user database; PPP authenticates dial-in users
 * against it.  Defaults: privilege=user, login=yes (assumed, see
 * conf_cmd_system.c), no static address.
 * A static address (ip=) takes precedence over the template's IP pool.
 */
struct gwconf_user {
	char name[GWCONF_NAME_LEN];
	char password[GWCONF_SECRET_LEN];   /* secret */
	bool password_hidden;               /* read back as <hidden> */
	enum gwconf_privilege privilege;
	bool login;                         /* may log in to the router CLI */
	bool has_ip;
	uint32_t ip;
	char description[GWCONF_DESC_LEN];
	struct gwconf_loc loc;
	struct gwconf_loc ip_loc;
};

/* -- add radius server -- */
/*
 * What the router documents (AlliedWare Software Release 2.0.1, "ADD
 * RADIUS SERVER=ipadd SECRET=secret PORT=port-number ACCPORT=port-number"):
 * secret 1..63 characters; ports 0..65535, defaults 1645 (authentication)
 * and 1646 (accounting), the ports of the days before RFC 2865/2866;
 * port=0: the server does no authentication; accport=0: no accounting.
 * vpn-gateway's extensions, accepted with a notice: acctport= (the same as
 * accport=), timeout= and retries= (0 = not given: "set radius"'s).
 */
#define GWCONF_RADIUS_PORT      1645
#define GWCONF_RADIUS_ACCPORT   1646
struct gwconf_radius {
	uint32_t server;
	char secret[GWCONF_SECRET_LEN];     /* secret, 1..63 characters */
	bool secret_hidden;
	uint16_t port;                      /* 0 = not for authentication */
	uint16_t accport;                   /* 0 = not for accounting */
	uint32_t timeout;                   /* extension: s per try, 0 = global */
	uint32_t retries;                   /* extension: retransmissions */
	bool has_retries;
	struct gwconf_loc loc;
};

/*
 * -- set radius -- vpn-gateway's extension: the router's documentation
 * found has no "set radius" (the command is accepted with a notice).  The
 * settings of every server.  Defaults: timeout=5 s per try,
 * retransmitcount=3, deadtime=0 (minutes a server that did not answer is
 * tried last; 0 = tried again at once), accounting=on (to every server
 * with an accounting port), interiminterval=0 (Interim-Update only when the
 * Access-Accept has Acct-Interim-Interval), userdatabase=first (the
 * router's own users are checked before RADIUS, as the seed's How To
 * describes; last: RADIUS first, the router's users when RADIUS refuses or
 * does not answer).
 */
#define GWCONF_RADIUS_TIMEOUT   5
#define GWCONF_RADIUS_RETRANSMIT 3
struct gwconf_radius_global {
	uint32_t timeout;                   /* 1..60 s */
	uint32_t retransmitcount;           /* 0..10 */
	uint32_t deadtime;                  /* minutes, 0..1440 */
	bool accounting;
	uint32_t interim;                   /* seconds, 0 or 60..86400 */
	bool local_last;                    /* userdatabase=last */
	struct gwconf_loc loc;
};

/* -- create enco key=N type=general value=... (the pre-shared keys) -- */
struct gwconf_key {
	uint32_t id;                        /* 0..65535 */
	char value[GWCONF_KEY_LEN];         /* secret, NUL-terminated */
	size_t len;
	bool hidden;
	bool from_keyfile;                  /* merged by gwconf_merge_keyfile */
	char description[GWCONF_DESC_LEN];
	struct gwconf_loc loc;
};

/* -- PPP -- */
enum gwconf_ppp_auth {
	GWCONF_AUTH_PAP = 1,
	GWCONF_AUTH_CHAP = 2,               /* CHAP with MD5 (RFC 1994) */
	GWCONF_AUTH_MSCHAPV2 = 3            /* MS-CHAPv2 (RFC 2759) */
};

/*
 * create ppp template=N.  Defaults: no authentication, bap=off, echo=off,
 * lqr=on (the router's documented default; the 600 s period is assumed),
 * no IP pool.  conf_cmd_net.c cites the sources of each default.
 * auth[] lists the protocols the authenticator may request, in order of
 * preference; n_auth = 0 means none.  echo/lqr/idle: 0 = off, else the
 * period in seconds ("on" = the router's default period).
 */
struct gwconf_ppp_template {
	uint32_t id;                        /* 0..31 */
	enum gwconf_ppp_auth auth[3];
	uint32_t n_auth;
	bool bap;
	uint32_t echo;
	uint32_t lqr;
	uint32_t idle;
	uint32_t mru;                       /* 0 = not set (negotiated default) */
	char ippool[GWCONF_POOL_LEN];       /* "" = none */
	char description[GWCONF_DESC_LEN];
	struct gwconf_loc loc;
	struct gwconf_loc ippool_loc;
};

#define GWCONF_PPP_ECHO_DEFAULT 10u   /* seconds, for echo=on */
#define GWCONF_PPP_LQR_DEFAULT  600u  /* seconds, for lqr=on (and default) */
#define GWCONF_PPP_IDLE_DEFAULT 60u   /* seconds, for idle=on */

/* set ppp dnsprimary= dnssecondary= winsprimary= winssecondary= : the
 * addresses IPCP gives to dial-in clients; 0 = not set. */
struct gwconf_ppp_global {
	uint32_t dns[2];
	uint32_t wins[2];
	struct gwconf_loc loc;
};

/* -- L2TP -- */
#define GWCONF_L2TP_LAC 1u
#define GWCONF_L2TP_LNS 2u

/* add l2tp ip=RANGE ppptemplate=N: calls from callers in the range use
 * PPP template N (has_template = false: PPP defaults). */
struct gwconf_l2tp_range {
	uint32_t first;
	uint32_t last;
	bool has_template;
	uint32_t ppptemplate;
	struct gwconf_loc loc;
	struct gwconf_loc template_loc;
};

struct gwconf_l2tp {
	bool enabled;                       /* enable l2tp */
	uint32_t server;                    /* GWCONF_L2TP_* bits; default 0 */
	struct gwconf_l2tp_range ranges[GWCONF_MAX_L2TP_RANGES];
	uint32_t n_ranges;
	struct gwconf_loc loc;              /* of "enable l2tp" */
};

/* -- IP -- */
/* add ip interface=IF ipaddress=A [mask=M]; default mask: the natural
 * (class A/B/C) mask of the address. */
struct gwconf_ip_if {
	char name[GWCONF_IFNAME_LEN];
	uint32_t addr;
	uint32_t mask;
	struct gwconf_loc loc;
};

/* add ip route=D mask=M interface=IF nexthop=N metric=X; defaults: natural
 * mask of D, nexthop 0.0.0.0 (directly connected), metric 1. */
struct gwconf_route {
	uint32_t dest;
	uint32_t mask;
	char ifname[GWCONF_IFNAME_LEN];
	uint32_t nexthop;
	uint32_t metric;
	struct gwconf_loc loc;
	struct gwconf_loc if_loc;
};

/* create ip pool=NAME ip=RANGE, add ip pool=NAME ip=RANGE */
struct gwconf_pool {
	char name[GWCONF_POOL_LEN];
	struct gwconf_range ranges[GWCONF_MAX_POOL_RANGES];
	struct gwconf_loc range_locs[GWCONF_MAX_POOL_RANGES];
	uint32_t n_ranges;
	struct gwconf_loc loc;
};

/* -- firewall -- */
enum gwconf_fw_iftype { GWCONF_FW_PRIVATE = 0, GWCONF_FW_PUBLIC };
enum gwconf_fw_nat { GWCONF_NAT_ENHANCED = 0, GWCONF_NAT_STANDARD };
enum gwconf_fw_action {
	GWCONF_FW_ALLOW = 0, GWCONF_FW_DENY, GWCONF_FW_NAT, GWCONF_FW_NONAT
};

/* create firewall policy=P dynamic=D; add firewall policy=P dynamic=D
 * user=U: a template for interfaces created on demand (PPP sessions of
 * these users); "dyn-D" names it in interface lists.  "ANY" = every user. */
struct gwconf_fw_dynamic {
	char name[GWCONF_IFNAME_LEN - 4];
	char users[GWCONF_MAX_FW_DYN_USERS][GWCONF_NAME_LEN];
	uint32_t n_users;
	struct gwconf_loc loc;
};

struct gwconf_fw_policy {
	char name[GWCONF_POLICY_LEN];
	struct gwconf_fw_dynamic dynamics[GWCONF_MAX_FW_DYNAMICS];
	uint32_t n_dynamics;
	struct gwconf_loc loc;
};

/* add firewall policy=P interface=IF type=private|public */
struct gwconf_fw_if {
	uint32_t policy;                    /* index into fw_policies */
	char name[GWCONF_IFNAME_LEN];       /* "eth0", "vlan1", "dyn-dynamic" */
	enum gwconf_fw_iftype type;
	struct gwconf_loc loc;
};

/* add firewall policy=P nat=enhanced|standard interface=IF
 * gblinterface=IF [ip=RANGE] [gblip=A] */
struct gwconf_fw_nat_def {
	uint32_t policy;
	enum gwconf_fw_nat type;
	char ifname[GWCONF_IFNAME_LEN];
	char gblif[GWCONF_IFNAME_LEN];
	struct gwconf_range ip;             /* any = not given */
	bool has_gblip;
	uint32_t gblip;
	struct gwconf_loc loc;
	struct gwconf_loc if_loc;
	struct gwconf_loc gblif_loc;
};

/*
 * add firewall policy=P rule=N interface=IF action=allow|deny|nat|nonat
 * protocol=P [ip=] [port=] [gblip=] [gblport=] [remoteip=] [nattype=]
 * [encapsulation=ipsec|none].  Defaults: every address and port,
 * encapsulation=none, nattype=enhanced for action=nat.
 */
struct gwconf_fw_rule {
	uint32_t policy;
	uint32_t id;                        /* 1..9999, unique in the policy */
	char ifname[GWCONF_IFNAME_LEN];
	enum gwconf_fw_action action;
	enum gwconf_fw_nat nattype;
	uint32_t protocol;                  /* 0..255 or GWCONF_PROTO_ANY */
	struct gwconf_range ip;
	struct gwconf_ports port;
	struct gwconf_range remoteip;
	bool has_gblip;
	uint32_t gblip;
	struct gwconf_ports gblport;
	bool encap_ipsec;                   /* only traffic that came via IPsec */
	struct gwconf_loc loc;
	struct gwconf_loc if_loc;
};

/* -- IPsec -- */
enum gwconf_keymgmt { GWCONF_KEY_ISAKMP = 0, GWCONF_KEY_MANUAL };
enum gwconf_ipsec_proto { GWCONF_IPSEC_ESP = 0, GWCONF_IPSEC_AH };
enum gwconf_mode { GWCONF_MODE_TUNNEL = 0, GWCONF_MODE_TRANSPORT };

/* ESP ciphers.  3desouter is standard 3DES-CBC (RFC 2451); 3desinner and
 * 3des2key are the router's non-standard variants (parsed, then refused
 * by gwconf_check).  AES-GCM uses a 16-octet ICV (RFC 4106). */
enum gwconf_esp_enc {
	GWCONF_ESP_NULL = 0, GWCONF_ESP_DES, GWCONF_ESP_3DES,
	GWCONF_ESP_3DES_INNER, GWCONF_ESP_3DES_2KEY,
	GWCONF_ESP_AES128, GWCONF_ESP_AES192, GWCONF_ESP_AES256,
	GWCONF_ESP_AES128GCM, GWCONF_ESP_AES256GCM
};

/* ESP integrity.  SHA256 is HMAC-SHA-256-128 (RFC 4868); SHA256_96 is the
 * same truncated to 96 bits, as some Android releases send it. */
enum gwconf_esp_auth {
	GWCONF_ESPAUTH_NULL = 0, GWCONF_ESPAUTH_MD5, GWCONF_ESPAUTH_SHA1,
	GWCONF_ESPAUTH_SHA256, GWCONF_ESPAUTH_SHA256_96,
	GWCONF_ESPAUTH_SHA384, GWCONF_ESPAUTH_SHA512
};

/* create ipsec saspecification=N keymanagement= protocol= encalg= hashalg=
 * mode=.  Defaults (assumed, see conf_cmd_ipsec.c): encalg=des (null for
 * AH), hashalg=null, mode=tunnel. */
struct gwconf_saspec {
	uint32_t id;                        /* 0..255 */
	enum gwconf_keymgmt keymgmt;
	enum gwconf_ipsec_proto protocol;
	enum gwconf_esp_enc encalg;
	enum gwconf_esp_auth hashalg;
	enum gwconf_mode mode;
	struct gwconf_loc loc;
};

/* One proposal of a bundle: SA specifications combined with "and". */
struct gwconf_proposal {
	uint32_t specs[GWCONF_MAX_PROP_SPECS];
	struct gwconf_loc spec_locs[GWCONF_MAX_PROP_SPECS];
	uint32_t n_specs;
};

/* create ipsec bundlespecification=N keymanagement= string="1 or 2 ..."
 * expiryseconds= expirykbytes=.  props[] is in the string's order, which
 * is the proposal order.  Defaults: expiryseconds=28800 (RFC 2407 4.5),
 * expirykbytes=0 (no volume limit). */
struct gwconf_bundle {
	uint32_t id;
	enum gwconf_keymgmt keymgmt;
	struct gwconf_proposal props[GWCONF_MAX_PROPOSALS];
	uint32_t n_props;
	uint32_t expiry_seconds;
	uint32_t expiry_kbytes;
	struct gwconf_loc loc;
};

enum gwconf_ipsec_action {
	GWCONF_IPSEC_DENY = 0, GWCONF_IPSEC_IPSEC, GWCONF_IPSEC_PERMIT
};

/* Peer of a policy: any address, or one. */
struct gwconf_peer {
	bool any;
	uint32_t addr;
};

/*
 * create ipsec policy=NAME interface=IF action=deny|ipsec|permit ...;
 * set ipsec policy=NAME ....  Policies are kept in script order (position=
 * inserts at that place, 1-based), which is the order they are matched in.
 * Defaults: keymanagement=isakmp, peeraddress=any, every address, every
 * port, transportprotocol=any, no PFS (group 0), respondbadspi=false.
 */
struct gwconf_ipsec_policy {
	char name[GWCONF_POLICY_LEN];
	char ifname[GWCONF_IFNAME_LEN];
	enum gwconf_ipsec_action action;
	enum gwconf_keymgmt keymgmt;
	bool has_bundle;
	uint32_t bundle;
	char isakmp_policy[GWCONF_POLICY_LEN]; /* "" = not named */
	struct gwconf_peer peer;
	uint32_t transport;                 /* 0..255 or GWCONF_PROTO_ANY */
	struct gwconf_range laddr;
	struct gwconf_range raddr;
	struct gwconf_ports lport;
	struct gwconf_ports rport;
	uint32_t pfs_group;                 /* enum gwconf_group value, 0 = none */
	bool respondbadspi;
	struct gwconf_loc loc;
	struct gwconf_loc if_loc;
	struct gwconf_loc bundle_loc;
	struct gwconf_loc isakmp_loc;
};

/* -- ISAKMP -- */
enum gwconf_ike_enc {
	GWCONF_IKE_DES = 0, GWCONF_IKE_3DES, GWCONF_IKE_3DES_INNER,
	GWCONF_IKE_3DES_2KEY, GWCONF_IKE_AES128, GWCONF_IKE_AES192,
	GWCONF_IKE_AES256
};
enum gwconf_ike_hash {
	GWCONF_IKE_MD5 = 0, GWCONF_IKE_SHA1, GWCONF_IKE_SHA256,
	GWCONF_IKE_SHA384, GWCONF_IKE_SHA512
};
/* Diffie-Hellman groups by their IANA number (RFC 2409, 3526, 5903). */
enum gwconf_group {
	GWCONF_GROUP_NONE = 0,
	GWCONF_GROUP_MODP768 = 1, GWCONF_GROUP_MODP1024 = 2,
	GWCONF_GROUP_MODP1536 = 5, GWCONF_GROUP_MODP2048 = 14,
	GWCONF_GROUP_MODP3072 = 15, GWCONF_GROUP_MODP4096 = 16,
	GWCONF_GROUP_ECP256 = 19, GWCONF_GROUP_ECP384 = 20
};
enum gwconf_ike_auth {
	GWCONF_IKEAUTH_PRESHARED = 0, GWCONF_IKEAUTH_RSAENCR,
	GWCONF_IKEAUTH_RSASIG
};
enum gwconf_ike_mode { GWCONF_IKE_MAIN = 0, GWCONF_IKE_AGGRESSIVE };
enum gwconf_heartbeat {
	GWCONF_HB_NONE = 0, GWCONF_HB_SEND, GWCONF_HB_RECEIVE, GWCONF_HB_BOTH
};
enum gwconf_backoff { GWCONF_BACKOFF_INCREMENTAL = 0, GWCONF_BACKOFF_NONE };

/*
 * create isakmp policy=NAME peer=any|ADDR key=N ...; set isakmp policy=...
 * Several policies may match one peer: as responder the gateway accepts
 * the transform of each of them, in script order.  Defaults
 * (conf_cmd_ipsec.c says which come from the router's documentation -
 * msgbackoff, msgretrylimit, msgtimeout, retryikeattempts - and which are
 * assumed):
 * authtype=preshared, encalg=des, hashalg=sha, group=1,
 * expiryseconds=86400, expirykbytes=0, mode=main, localid/remoteid unset,
 * senddeletes=false, sendnotify=true, sendidalways=false,
 * nattraversal=false, heartbeatmode=none, msgbackoff=incremental,
 * msgretrylimit=8, msgtimeout=4 s, retryikeattempts=0,
 * phase2xchglimit=0 (none).
 */
struct gwconf_isakmp_policy {
	char name[GWCONF_POLICY_LEN];
	struct gwconf_peer peer;
	bool has_key;
	uint32_t key;                       /* ENCO key id of the PSK */
	enum gwconf_ike_auth authtype;
	enum gwconf_ike_enc encalg;
	enum gwconf_ike_hash hashalg;
	enum gwconf_group group;
	uint32_t expiry_seconds;
	uint32_t expiry_kbytes;             /* 0 = no limit */
	enum gwconf_ike_mode mode;
	char localid[GWCONF_ID_LEN];        /* "" = the interface address */
	char remoteid[GWCONF_ID_LEN];       /* "" = any */
	bool senddeletes;
	bool sendnotify;
	bool sendidalways;
	bool natt;
	enum gwconf_heartbeat heartbeat;
	enum gwconf_backoff msgbackoff;
	uint32_t msgretrylimit;
	uint32_t msgtimeout;                /* seconds */
	uint32_t retryikeattempts;
	uint32_t phase2xchglimit;           /* 0 = no limit */
	char srcinterface[GWCONF_IFNAME_LEN]; /* "" = not set */
	struct gwconf_loc loc;
	struct gwconf_loc key_loc;
};

/* -- add alias=NAME string="TEXT" -- */
struct gwconf_alias {
	char name[GWCONF_NAME_LEN];
	char string[GWCONF_ALIAS_LEN];
	struct gwconf_loc loc;
};

/* Log categories switched on by enable ... debug (bits of gwconf.debug). */
#define GWCONF_DEBUG_ISAKMP   0x01u  /* enable isakmp debug */
#define GWCONF_DEBUG_IPSEC    0x02u  /* enable ipsec policy debug=... */
#define GWCONF_DEBUG_L2TP     0x04u  /* enable l2tp debug */
#define GWCONF_DEBUG_PPP      0x08u  /* enable ppp debug */

/* The whole configuration. */
struct gwconf {
	char source[GWCONF_PATH_LEN];       /* script name for diagnostics */
	char keyfile[GWCONF_PATH_LEN];      /* key file name, "" = none */

	char system_name[GWCONF_NAME_LEN];  /* set system name= */

	struct gwconf_user users[GWCONF_MAX_USERS];
	uint32_t n_users;
	struct gwconf_radius radius[GWCONF_MAX_RADIUS];
	uint32_t n_radius;
	struct gwconf_key keys[GWCONF_MAX_KEYS];
	uint32_t n_keys;

	struct gwconf_ppp_template templates[GWCONF_MAX_TEMPLATES];
	uint32_t n_templates;
	struct gwconf_ppp_global ppp;

	struct gwconf_l2tp l2tp;

	bool ip_enabled;                    /* enable ip */
	struct gwconf_loc ip_loc;
	struct gwconf_ip_if ip_ifs[GWCONF_MAX_IP_IFS];
	uint32_t n_ip_ifs;
	struct gwconf_route routes[GWCONF_MAX_ROUTES];
	uint32_t n_routes;
	struct gwconf_pool pools[GWCONF_MAX_POOLS];
	uint32_t n_pools;

	bool fw_enabled;                    /* enable firewall */
	struct gwconf_loc fw_loc;
	struct gwconf_fw_policy fw_policies[GWCONF_MAX_FW_POLICIES];
	uint32_t n_fw_policies;
	struct gwconf_fw_if fw_ifs[GWCONF_MAX_FW_IFS];
	uint32_t n_fw_ifs;
	struct gwconf_fw_nat_def fw_nats[GWCONF_MAX_FW_NATS];
	uint32_t n_fw_nats;
	struct gwconf_fw_rule fw_rules[GWCONF_MAX_FW_RULES];
	uint32_t n_fw_rules;

	bool ipsec_enabled;                 /* enable ipsec */
	struct gwconf_loc ipsec_loc;
	struct gwconf_saspec saspecs[GWCONF_MAX_SASPECS];
	uint32_t n_saspecs;
	struct gwconf_bundle bundles[GWCONF_MAX_BUNDLES];
	uint32_t n_bundles;
	struct gwconf_ipsec_policy ipsec_policies[GWCONF_MAX_IPSEC_POLS];
	uint32_t n_ipsec_policies;

	bool isakmp_enabled;                /* enable isakmp */
	struct gwconf_loc isakmp_loc;
	struct gwconf_isakmp_policy isakmp_policies[GWCONF_MAX_ISAKMP_POLS];
	uint32_t n_isakmp_policies;

	struct gwconf_alias aliases[GWCONF_MAX_ALIASES];
	uint32_t n_aliases;

	struct gwconf_radius_global radius_set; /* set radius */

	uint32_t debug;                     /* GWCONF_DEBUG_* */
	uint32_t n_commands;                /* commands read */
	uint32_t n_ignored;                 /* router-only commands (notices) */
};

/* ------------------------------------------------------------------------
 * Parsing.
 */

/*
 * Parses a script held in memory.  name is used in diagnostics (and kept
 * in conf->source, truncated to GWCONF_PATH_LEN - 1); buf need not be
 * NUL-terminated and is not kept.  On return *out holds a new model, even
 * when problems were found (then it is incomplete and only good for
 * inspection); the caller frees it with gwconf_free().  Every problem is
 * appended to diag.
 * Returns 0 when no error was found (notices and warnings may have been
 * added), GWCONF_E_INVALID when at least one error was found,
 * GWCONF_E_NOMEM (*out = NULL) or GWCONF_E_ARG (NULL out or diag, or NULL
 * buf with len > 0).  Parsing checks syntax, values and the objects a
 * command names directly (set ... of something not created); references
 * between objects are checked by gwconf_check().
 */
int gwconf_parse_buffer(const char *name, const void *buf, size_t len,
    struct gwconf **out, struct gwconf_diag *diag);

/*
 * Reads the file at path (at most GWCONF_MAX_INPUT bytes) and parses it as
 * gwconf_parse_buffer() does, with path as the name.  Returns as above, or
 * GWCONF_E_IO (*out = NULL, the reason in diag) when the file cannot be
 * read or is too large.
 */
int gwconf_parse_file(const char *path, struct gwconf **out,
    struct gwconf_diag *diag);

/*
 * Merges a root-only key file into conf.  Each line is "key=N value=TEXT"
 * (optionally type=general and description=TEXT); '#' comments and blank
 * lines are allowed.  The file must be a regular file owned by root or by
 * the calling user and give no permission to group or others (mode 0600 or
 * 0400); otherwise GWCONF_E_PERM with the reason in diag and conf
 * unchanged.  A key number already defined is an error.  The name is kept
 * in conf->keyfile.
 * Returns 0, GWCONF_E_IO, GWCONF_E_PERM, GWCONF_E_INVALID, GWCONF_E_ARG.
 */
int gwconf_merge_keyfile(struct gwconf *conf, const char *path,
    struct gwconf_diag *diag);

/*
 * The same, also accepting a file owned by the uid the daemon will run as
 * (vpn-gateway --user): root reads it at start, that user again at each
 * reload.  other_uid (uid_t)-1 accepts only root and the calling user.
 */
int gwconf_merge_keyfile_owner(struct gwconf *conf, const char *path, uid_t other_uid,
    struct gwconf_diag *diag);

/* The same from memory, without the permission check (for tests and for
 * callers that opened the file themselves). */
int gwconf_merge_keys_buffer(struct gwconf *conf, const char *name,
    const void *buf, size_t len, struct gwconf_diag *diag);

/*
 * Semantic validation of a parsed model: every reference resolves, every
 * number and address is usable together, and the gateway can actually
 * serve L2TP/IPsec clients with it.  Every problem is appended to diag
 * (nothing stops at the first one).  Returns 0 if no error was found
 * (warnings may have been added), GWCONF_E_INVALID otherwise, GWCONF_E_ARG
 * on NULL.  See conf_check.c for the complete list of rules; in short:
 *  - policies, bundles, SA specifications, ISAKMP policies, ENCO keys,
 *    PPP templates, IP pools and interfaces named anywhere exist;
 *  - at least one pre-shared key exists and none is <hidden>;
 *  - pools are valid, disjoint ranges that hold no interface address;
 *  - a user's static address is reachable: inside an IP pool, inside the
 *    natural (classful) network of a pool, inside the subnet of an
 *    "add ip interface", or inside the network of a route other than the
 *    default route; it is not an interface address, not the network or
 *    broadcast address of that subnet, and no two users share it;
 *  - algorithms, modes and protocols are ones the gateway implements;
 *  - L2TP, IPsec, ISAKMP and IP are enabled when they are configured.
 */
int gwconf_check(const struct gwconf *conf, struct gwconf_diag *diag);

/* Frees (and wipes) a model.  NULL-safe. */
void gwconf_free(struct gwconf *conf);

/* ------------------------------------------------------------------------
 * Printing.
 */

/*
 * Writes the effective configuration in the router language: one command
 * per object, full lower-case parameter names, every parameter with its
 * effective value (defaults included), values quoted when needed, secrets
 * as <hidden>.  Reading the output back and printing it again gives the
 * same text.  Keys merged from a key file appear as a comment only.
 * Router-only commands (notices) are not printed.
 * Returns 0 or GWCONF_E_IO (a write failed) / GWCONF_E_ARG.
 */
int gwconf_print(const struct gwconf *conf, FILE *f);

/* The same model as one JSON object (secrets as "<hidden>"). */
int gwconf_print_json(const struct gwconf *conf, FILE *f);

/* Canonical lower-case names of the enumerations, as printed; "?" for a
 * value out of range. */
const char *gwconf_esp_enc_name(enum gwconf_esp_enc v);
const char *gwconf_esp_auth_name(enum gwconf_esp_auth v);
const char *gwconf_ike_enc_name(enum gwconf_ike_enc v);
const char *gwconf_ike_hash_name(enum gwconf_ike_hash v);
const char *gwconf_group_name(enum gwconf_group v);
const char *gwconf_ppp_auth_name(enum gwconf_ppp_auth v);

/* ------------------------------------------------------------------------
 * Interface map: the script's interface names (eth0, vlan1) are host
 * interface names unless mapped ("eth0=ens3").  Whether the host has the
 * interfaces is checked by the daemon, not here.
 */
#define GWCONF_MAX_IFMAP 32

struct gwconf_ifmap {
	struct {
		char script[GWCONF_IFNAME_LEN];
		char host[GWCONF_IFNAME_LEN];
	} map[GWCONF_MAX_IFMAP];
	size_t n;
};

void gwconf_ifmap_init(struct gwconf_ifmap *m);
/*
 * Adds one mapping "SCRIPT=HOST" (as given on a command line).  Both names
 * are 1..15 characters of [A-Za-z0-9_.:-] and not "." or ".."; the script
 * name is lower-cased.  Mapping a name again replaces the earlier host.
 * Returns 0, GWCONF_E_ARG (malformed spec) or GWCONF_E_LIMIT (map full).
 */
int gwconf_ifmap_add(struct gwconf_ifmap *m, const char *spec);
/*
 * Reads a side file of such mappings: one or more SCRIPT=HOST per line,
 * '#' comments.  Problems go to diag with file and line.  Returns 0,
 * GWCONF_E_IO, GWCONF_E_INVALID or GWCONF_E_ARG.
 */
int gwconf_ifmap_load_file(struct gwconf_ifmap *m, const char *path,
    struct gwconf_diag *diag);
int gwconf_ifmap_load_buffer(struct gwconf_ifmap *m, const char *name,
    const void *buf, size_t len, struct gwconf_diag *diag);
/* The host interface for a script interface name: the mapping if any,
 * else the name itself.  The pointer is into m or is script_if. */
const char *gwconf_ifmap_lookup(const struct gwconf_ifmap *m,
    const char *script_if);

#endif /* GWCONF_H */
