/*
 * conf_parse.c - the command table and the parser of the router script.
 *
 * Every command is an entry of one table: a verb, up to three keywords
 * (each with or without a value: "add" "firewall" "policy=main"
 * "rule=1"), the table of parameters it accepts with their types and
 * limits, and the function that applies it to the model.  Parsing a line
 * is: tokenize (conf_lex.c), expand an alias, resolve the verb by unique
 * prefix, walk the keywords of the candidate commands level by level,
 * resolve and validate each parameter, check the required ones, apply.
 *
 * Sources for parameter names, value sets and defaults (AlliedWare OS
 * Software Reference and release notes, as stored in the public copies
 * found):
 *  [PPPT] "create ppp template" syntax, PPP chapter:
 *         https://1library.net/article/create-ppp-template-chapter-point-point-protocol-ppp.y9jr54lq
 *         (TEMPLATE 0..31, AUTHENTICATION={CHAP|EITHER|PAP|NONE},
 *         ECHO={ON|OFF|period}, LQR={ON|OFF|period}, IPPOOL={name|NONE},
 *         pool names 1..15, passwords 1..64, descriptions 1..70).
 *  [LQR]  "By default, Allied Telesyn routers ... use Link Quality
 *         Reporting (LQR=ON)", AR400 Series User Guide 2.6.1 p. 80:
 *         https://azmanual.top/manuals/427771/allied-telesis-ar400-series-router.html?page=80
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
 *  [FWR]  Firewall policy rules (ACTION={ALLOW|DENY|NAT|NONAT}, NATTYPE,
 *         GBLIP, GBLPORT), AR300 release note:
 *         https://manualsdump.com/amp/en/manuals/159559/16
 *  [SASP] SA specification and bundle examples ("create IPSec SASpec=1
 *         prot=esp hasha=null encalg=3des2key keyman=isakmp", 256 SA
 *         specifications and bundles):
 *         http://faq.road-runner.net/network/Allied_Telesyn/ipsec.html
 * Defaults these sources do not state (they could not be found in the
 * stored copies) are marked "assumed" where they are set below, with the
 * reason for the choice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

enum verb { V_ADD = 0, V_CREATE, V_DISABLE, V_ENABLE, V_LOGIN, V_SET };

static const struct {
	const char *name;
} verbs[] = {
	{ "add" }, { "create" }, { "disable" }, { "enable" }, { "login" },
	{ "set" },
};

/* Value types of keywords and parameters. */
enum ptype {
	T_NONE = 0,   /* keyword without a value */
	T_ANY,        /* anything (router-only commands) */
	T_UINT,       /* min..max */
	T_BOOL,       /* yes/no, on/off, true/false */
	T_ENUM,       /* one of tab */
	T_ONOFFNUM,   /* on (= def), off (= 0) or a number min..max */
	T_IP,         /* a.b.c.d */
	T_PEER,       /* any or a.b.c.d */
	T_RANGE,      /* a.b.c.d[-a.b.c.d] or a.b.c.d/len */
	T_RANGE_ANY,  /* any or a range */
	T_MASK,       /* contiguous dotted mask */
	T_PORTS,      /* any, a port or a range of ports */
	T_PORT,       /* any or a port */
	T_PROTO,      /* a protocol name or number, any/all */
	T_IFNAME,     /* interface name, lower-cased */
	T_NAME,       /* a name of 1..max printable characters */
	T_WORDNAME,   /* a name of [A-Za-z0-9_-] (aliases) */
	T_STRING,     /* min..max printable characters */
	T_SECRET,     /* 1..max characters, never echoed; <hidden> allowed */
	T_AUTHLIST,   /* PPP authentication list */
	T_POOLREF,    /* an IP pool name or none */
	T_NUMNONE     /* none (= 0) or a number min..max */
};

#define P_REQ 0x01

struct gw_param {
	const char *name;
	uint8_t type;
	uint8_t flags;
	uint32_t min;
	uint32_t max;
	uint32_t def;                   /* T_ONOFFNUM: the value of "on" */
	const struct gw_enum_tab *tab;  /* T_ENUM */
};

enum kwval { KV_NONE = 0, KV_REQ, KV_OPT };

struct gw_kw {
	const char *name;               /* NULL: a positional word */
	uint8_t val;                    /* enum kwval */
	struct gw_param p;              /* the value's type (p.name unused) */
};

struct gw_val {
	bool set;
	const struct gw_tok *tok;
	uint32_t u;
	struct gwconf_range r;
	struct gwconf_ports ports;
	const char *s;
	bool hidden;
	char ifname[GWCONF_IFNAME_LEN];
	uint32_t list[3];
	uint32_t nlist;
};

#define MAX_KW 3
#define MAX_PARAMS 32

struct pstate;
struct gw_cmd;
typedef void (*apply_fn)(struct pstate *, const struct gw_cmd *,
    struct gw_val *kv, struct gw_val *pv);

struct gw_cmd {
	uint8_t verb;
	uint8_t nkw;
	struct gw_kw kw[MAX_KW];
	const struct gw_param *params;  /* NULL with notice: anything goes */
	uint8_t nparams;
	apply_fn apply;
	const char *notice;             /* router-only: why it is ignored */
};

struct pstate {
	struct gwconf *conf;
	struct gwconf_diag *diag;
	const char *file;
	uint32_t file_idx;
	uint32_t lineno;
	uint32_t cmd_line;              /* line where the last command began */
	struct gw_line line;
	struct gw_line aline;           /* an expanded alias */
	struct gw_line vline;           /* scratch: validating an alias */
	struct gw_tok toks[2 * GWCONF_MAX_TOKENS];
	size_t ntoks;
	const struct gw_tok *first;     /* the command's first token */
};

/* ------------------------------------------------------------------------
 * Diagnostics of the current command.
 */
static void GW_PRINTF(5, 0)
pvmsg(struct pstate *ps, enum gwconf_severity sev, const struct gw_tok *t,
    uint32_t col, const char *fmt, va_list ap)
{
	char text[GWCONF_DIAG_TEXT];
	size_t n;

	vsnprintf(text, sizeof(text), fmt, ap);
	if (t != NULL && t->alias != NULL) {
		n = strlen(text);
		snprintf(text + n, sizeof(text) - n, " (in alias \"%s\")",
		    t->alias);
		col = t->col;
	}
	if (col == 0 && t != NULL)
		col = t->col;
	gw_diag_add(ps->diag, sev, ps->file, ps->lineno, col, "%s", text);
}

static void GW_PRINTF(4, 5)
perr(struct pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvmsg(ps, GWCONF_SEV_ERROR, t, col, fmt, ap);
	va_end(ap);
}

static void GW_PRINTF(4, 5)
pwarn(struct pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvmsg(ps, GWCONF_SEV_WARNING, t, col, fmt, ap);
	va_end(ap);
}

static void GW_PRINTF(4, 5)
pnotice(struct pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvmsg(ps, GWCONF_SEV_NOTICE, t, col, fmt, ap);
	va_end(ap);
}

static struct gwconf_loc
tloc(const struct pstate *ps, const struct gw_tok *t)
{
	struct gwconf_loc l;

	l.line = ps->lineno;
	l.col = t != NULL ? t->col : 0;
	l.file = ps->file_idx;
	return l;
}

static struct gwconf_loc
vloc(const struct pstate *ps, const struct gw_val *v)
{
	struct gwconf_loc l = tloc(ps, v->tok);

	if (v->tok != NULL && v->tok->alias == NULL)
		l.col = v->tok->vcol;
	return l;
}

/* "add firewall policy rule" */
static const char *
cmd_name(const struct gw_cmd *c, char *buf, size_t cap)
{
	size_t i, n;

	snprintf(buf, cap, "%s", verbs[c->verb].name);
	for (i = 0; i < c->nkw; i++) {
		if (c->kw[i].name == NULL)
			continue;
		n = strlen(buf);
		snprintf(buf + n, cap - n, " %s", c->kw[i].name);
	}
	return buf;
}

/* "at line 12" or "in keys.txt line 3" for duplicates. */
static const char *
where(const struct pstate *ps, const struct gwconf_loc *l, char *buf,
    size_t cap)
{
	if (l->file != ps->file_idx)
		snprintf(buf, cap, "at %s:%u", l->file == 0 ?
		    ps->conf->source : ps->conf->keyfile, (unsigned)l->line);
	else
		snprintf(buf, cap, "at line %u", (unsigned)l->line);
	return buf;
}

/* ------------------------------------------------------------------------
 * Values.
 */
static bool
parse_range(const char *s, bool cidr, struct gwconf_range *r, bool *reversed,
    bool *hostbits)
{
	char a[32];
	const char *dash = strchr(s, '-'), *slash = strchr(s, '/');
	size_t n;

	*reversed = false;
	*hostbits = false;
	r->any = false;
	if (slash != NULL && cidr && dash == NULL) {
		uint32_t len, m;

		n = (size_t)(slash - s);
		if (n >= sizeof(a))
			return false;
		memcpy(a, s, n);
		a[n] = '\0';
		if (!gw_parse_ipv4(a, &r->first) ||
		    !gw_parse_uint(slash + 1, 0, 32, &len))
			return false;
		m = len == 0 ? 0 : 0xffffffffu << (32 - len);
		if ((r->first & ~m) != 0) {
			*hostbits = true;
			return false;
		}
		r->last = r->first | ~m;
		return true;
	}
	if (dash == NULL)
		return gw_parse_ipv4(s, &r->first) &&
		    (r->last = r->first, true);
	n = (size_t)(dash - s);
	if (n >= sizeof(a))
		return false;
	memcpy(a, s, n);
	a[n] = '\0';
	if (!gw_parse_ipv4(a, &r->first) || !gw_parse_ipv4(dash + 1, &r->last))
		return false;
	if (r->first > r->last) {
		*reversed = true;
		return false;
	}
	return true;
}

static bool
parse_ports(const char *s, bool range, struct gwconf_ports *p)
{
	char a[8];
	const char *dash;
	uint32_t x, y;
	size_t n;

	if (gw_strcaseeq(s, "any")) {
		p->any = true;
		p->first = 0;
		p->last = 65535;
		return true;
	}
	p->any = false;
	dash = range ? strchr(s, '-') : NULL;
	if (dash == NULL) {
		if (!gw_parse_uint(s, 0, 65535, &x))
			return false;
		p->first = p->last = (uint16_t)x;
		return true;
	}
	n = (size_t)(dash - s);
	if (n >= sizeof(a))
		return false;
	memcpy(a, s, n);
	a[n] = '\0';
	if (!gw_parse_uint(a, 0, 65535, &x) ||
	    !gw_parse_uint(dash + 1, 0, 65535, &y) || x > y)
		return false;
	p->first = (uint16_t)x;
	p->last = (uint16_t)y;
	return true;
}

static bool
valid_ifname(const char *s, char *out)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= GWCONF_IFNAME_LEN)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return false;
		out[i] = c;
	}
	out[n] = '\0';
	return true;
}

static void
enum_error(struct pstate *ps, const struct gw_tok *t, const char *v,
    const char *name, const struct gw_enum_tab *tab, int rc)
{
	char list[384];

	if (rc == GW_RESOLVE_AMBIGUOUS) {
		gw_names_list(list, sizeof(list), v, tab->e, tab->n,
		    sizeof(tab->e[0]), (size_t)-1);
		perr(ps, t, t->vcol, "ambiguous value \"%s\" for \"%s\" "
		    "(could be: %s)", v, name, list);
	} else {
		gw_names_list(list, sizeof(list), NULL, tab->e, tab->n,
		    sizeof(tab->e[0]), offsetof(struct gw_enum, alias));
		perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
		    "(expected one of: %s)", v, name, list);
	}
}

static bool
parse_authlist(struct pstate *ps, const struct gw_tok *t, const char *v,
    const char *name, struct gw_val *out)
{
	char item[32];
	const char *p = v;
	bool none = false;

	out->nlist = 0;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c != NULL ? (size_t)(c - p) : strlen(p);
		uint32_t val, add[2];
		size_t nadd, k, j;
		int rc;

		if (n == 0 || n >= sizeof(item)) {
			perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
			    "(expected chap, pap, mschapv2, either, none or a "
			    "comma list such as chap,mschapv2)", v, name);
			return false;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		rc = gw_resolve(item, gw_tab_ppp_auth.e, gw_tab_ppp_auth.n,
		    sizeof(gw_tab_ppp_auth.e[0]));
		if (rc < 0) {
			enum_error(ps, t, item, name, &gw_tab_ppp_auth, rc);
			return false;
		}
		val = gw_tab_ppp_auth.e[rc].value;
		if (val == 0) {
			none = true;
			nadd = 0;
		} else if (val == 4) {
			add[0] = GWCONF_AUTH_CHAP;
			add[1] = GWCONF_AUTH_PAP;
			nadd = 2;
		} else {
			add[0] = val;
			nadd = 1;
		}
		for (k = 0; k < nadd; k++) {
			for (j = 0; j < out->nlist; j++)
				if (out->list[j] == add[k])
					break;
			if (j < out->nlist) {
				perr(ps, t, t->vcol, "\"%s\" lists %s twice",
				    name, gw_enum_name(&gw_tab_ppp_auth,
				    add[k]));
				return false;
			}
			out->list[out->nlist++] = add[k];
		}
		if (c == NULL)
			break;
		p = c + 1;
	}
	if (none && out->nlist > 0) {
		perr(ps, t, t->vcol, "\"%s\": none cannot be combined with "
		    "other methods", name);
		return false;
	}
	return true;
}

/* Parses the value of t (a parameter, or a word for positional keywords)
 * as p describes into out.  Reports and returns false on error. */
static bool
parse_value(struct pstate *ps, const struct gw_tok *t, const struct gw_param *p,
    const char *name, struct gw_val *out)
{
	const char *v = t->kind == GW_TOK_PARAM ? t->value : t->name;
	bool rev, hb;
	size_t len = strlen(v);
	int rc;

	memset(out, 0, sizeof(*out));
	out->tok = t;
	if (t->placeholder) {
		if (p->type == T_SECRET && gw_strcaseeq(v, "<hidden>")) {
			out->set = true;
			out->hidden = true;
			out->s = "";
			return true;
		}
		if (p->type == T_SECRET) {
			/* Never echo what may be a secret. */
			perr(ps, t, t->vcol, "unfilled placeholder for \"%s\": "
			    "replace it with the real secret", name);
			return false;
		}
		if (p->type != T_ANY) {
			perr(ps, t, t->vcol, "unfilled placeholder %s for "
			    "\"%s\": replace it with a real value", v, name);
			return false;
		}
	}
	switch (p->type) {
	case T_ANY:
		out->s = v;
		break;
	case T_UINT:
		if (!gw_parse_uint(v, p->min, p->max, &out->u)) {
			perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
			    "(expected a number from %u to %u)", v, name,
			    (unsigned)p->min, (unsigned)p->max);
			return false;
		}
		break;
	case T_NUMNONE:
		if (gw_strcaseeq(v, "none")) {
			out->u = 0;
		} else if (!gw_parse_uint(v, p->min, p->max, &out->u)) {
			perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
			    "(expected none or a number from %u to %u)", v,
			    name, (unsigned)p->min, (unsigned)p->max);
			return false;
		}
		break;
	case T_BOOL:
		rc = gw_resolve(v, gw_tab_bool.e, gw_tab_bool.n,
		    sizeof(gw_tab_bool.e[0]));
		if (rc < 0) {
			perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
			    "(expected yes, no, on, off, true or false)", v,
			    name);
			return false;
		}
		out->u = gw_tab_bool.e[rc].value;
		break;
	case T_ENUM:
		rc = gw_resolve(v, p->tab->e, p->tab->n, sizeof(p->tab->e[0]));
		if (rc < 0) {
			enum_error(ps, t, v, name, p->tab, rc);
			return false;
		}
		out->u = p->tab->e[rc].value;
		break;
	case T_ONOFFNUM:
		if (gw_strcaseeq(v, "on")) {
			out->u = p->def;
		} else if (gw_strcaseeq(v, "off")) {
			out->u = 0;
		} else if (!gw_parse_uint(v, p->min, p->max, &out->u)) {
			perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
			    "(expected on, off or a period from %u to %u "
			    "seconds)", v, name, (unsigned)p->min,
			    (unsigned)p->max);
			return false;
		}
		break;
	case T_IP:
		if (!gw_parse_ipv4(v, &out->u)) {
			perr(ps, t, t->vcol, "invalid IPv4 address \"%s\" for "
			    "\"%s\"", v, name);
			return false;
		}
		break;
	case T_PEER:
		if (gw_strcaseeq(v, "any")) {
			out->r.any = true;
		} else if (gw_strcaseeq(v, "dynamic")) {
			perr(ps, t, t->vcol, "\"%s=dynamic\" is not supported "
			    "(use any or an address)", name);
			return false;
		} else if (!gw_parse_ipv4(v, &out->u)) {
			perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
			    "(expected any or an IPv4 address)", v, name);
			return false;
		}
		break;
	case T_RANGE_ANY:
		if (gw_strcaseeq(v, "any")) {
			out->r.any = true;
			out->r.first = 0;
			out->r.last = 0xffffffffu;
			break;
		}
		/* FALLTHROUGH */
	case T_RANGE:
		if (!parse_range(v, true, &out->r, &rev, &hb)) {
			if (rev)
				perr(ps, t, t->vcol, "reversed range \"%s\" for "
				    "\"%s\" (the first address is above the "
				    "last)", v, name);
			else if (hb)
				perr(ps, t, t->vcol, "\"%s\" for \"%s\" is not "
				    "a network (host bits are set)", v, name);
			else
				perr(ps, t, t->vcol, "invalid address range "
				    "\"%s\" for \"%s\" (expected A, A-B or "
				    "A/LEN)", v, name);
			return false;
		}
		break;
	case T_MASK:
		if (!gw_parse_mask(v, &out->u)) {
			perr(ps, t, t->vcol, "invalid mask \"%s\" for \"%s\" "
			    "(expected a contiguous dotted mask such as "
			    "255.255.255.0)", v, name);
			return false;
		}
		break;
	case T_PORTS:
	case T_PORT:
		if (!parse_ports(v, p->type == T_PORTS, &out->ports)) {
			perr(ps, t, t->vcol, "invalid port \"%s\" for \"%s\" "
			    "(expected any, a number from 0 to 65535%s)", v,
			    name, p->type == T_PORTS ? " or a range A-B" : "");
			return false;
		}
		break;
	case T_PROTO:
		if (v[0] >= '0' && v[0] <= '9') {
			if (!gw_parse_uint(v, 0, 255, &out->u)) {
				perr(ps, t, t->vcol, "invalid protocol \"%s\" "
				    "for \"%s\" (expected a name or a number "
				    "from 0 to 255)", v, name);
				return false;
			}
			break;
		}
		rc = gw_resolve(v, gw_tab_proto.e, gw_tab_proto.n,
		    sizeof(gw_tab_proto.e[0]));
		if (rc < 0) {
			enum_error(ps, t, v, name, &gw_tab_proto, rc);
			return false;
		}
		out->u = gw_tab_proto.e[rc].value;
		break;
	case T_IFNAME:
		if (!valid_ifname(v, out->ifname)) {
			perr(ps, t, t->vcol, "invalid interface name \"%s\" for "
			    "\"%s\" (1 to %u letters, digits or '-', starting "
			    "with a letter)", v, name,
			    (unsigned)(GWCONF_IFNAME_LEN - 1));
			return false;
		}
		out->s = out->ifname;
		break;
	case T_WORDNAME: {
		size_t i;

		for (i = 0; i < len; i++) {
			char c = v[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '-'))
				break;
		}
		if (len == 0 || i < len || len > p->max) {
			perr(ps, t, t->vcol, "invalid name \"%s\" for \"%s\" "
			    "(1 to %u letters, digits, '_' or '-')", v, name,
			    (unsigned)p->max);
			return false;
		}
		out->s = v;
		break;
	}
	case T_POOLREF:
		if (gw_strcaseeq(v, "none")) {
			out->s = "";
			break;
		}
		/* FALLTHROUGH */
	case T_NAME:
	case T_STRING:
		if (len < p->min || len > p->max) {
			perr(ps, t, t->vcol, "%s \"%s\" for \"%s\" (%u to %u "
			    "characters)", len < p->min ? "empty value" :
			    "value too long", len > 40 ? "..." : v, name,
			    (unsigned)p->min, (unsigned)p->max);
			return false;
		}
		out->s = v;
		break;
	case T_SECRET:
		if (len == 0 || len > p->max) {
			perr(ps, t, t->vcol, "the value of \"%s\" must be 1 to "
			    "%u characters", name, (unsigned)p->max);
			return false;
		}
		out->s = v;
		break;
	case T_AUTHLIST:
		if (!parse_authlist(ps, t, v, name, out))
			return false;
		break;
	default:
		break;
	}
	out->set = true;
	return true;
}

/* ------------------------------------------------------------------------
 * Model lookups (names are case-insensitive).
 */
static struct gwconf_user *
find_user(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_users; i++)
		if (gw_strcaseeq(c->users[i].name, name))
			return &c->users[i];
	return NULL;
}

static struct gwconf_key *
find_key(struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_keys; i++)
		if (c->keys[i].id == id)
			return &c->keys[i];
	return NULL;
}

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

static struct gwconf_alias *
find_alias(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_aliases; i++)
		if (gw_strcaseeq(c->aliases[i].name, name))
			return &c->aliases[i];
	return NULL;
}

static bool
room(struct pstate *ps, uint32_t n, uint32_t max, const char *what)
{
	if (n < max)
		return true;
	perr(ps, ps->first, 0, "too many %s (the limit is %u)", what,
	    (unsigned)max);
	return false;
}

static void
not_found(struct pstate *ps, const struct gw_val *v, const char *what,
    const char *create)
{
	perr(ps, v->tok, v->tok->vcol, "%s \"%s\" does not exist (create it "
	    "first with \"%s\")", what, v->tok->kind == GW_TOK_PARAM ?
	    v->tok->value : v->tok->name, create);
}

static void
duplicate(struct pstate *ps, const struct gw_val *v, const char *what,
    const struct gwconf_loc *first)
{
	char w[GWCONF_PATH_LEN + 32];

	perr(ps, v->tok, v->tok->vcol, "%s \"%s\" is already defined (%s)",
	    what, v->tok->kind == GW_TOK_PARAM ? v->tok->value : v->tok->name,
	    where(ps, first, w, sizeof(w)));
}

#define SETSTR(dst, v) gw_strlcpy((dst), (v).s, sizeof(dst))

/* ------------------------------------------------------------------------
 * system, users, RADIUS, ENCO keys, aliases.
 */
static const struct gw_param p_system[] = {
	{ "name", T_NAME, P_REQ, 1, GWCONF_NAME_LEN - 1, 0, NULL },
};

static void
apply_set_system(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	(void)c;
	(void)kv;
	SETSTR(ps->conf->system_name, pv[0]);
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
user_params(struct pstate *ps, struct gwconf_user *u, struct gw_val *pv)
{
	if (pv[U_PASSWORD].set) {
		gw_wipe(u->password, sizeof(u->password));
		SETSTR(u->password, pv[U_PASSWORD]);
		u->password_hidden = pv[U_PASSWORD].hidden;
	}
	if (pv[U_PRIVILEGE].set)
		u->privilege = (enum gwconf_privilege)pv[U_PRIVILEGE].u;
	if (pv[U_LOGIN].set)
		u->login = pv[U_LOGIN].u != 0;
	if (pv[U_IP].set) {
		u->has_ip = true;
		u->ip = pv[U_IP].u;
		u->ip_loc = vloc(ps, &pv[U_IP]);
	}
	if (pv[U_DESC].set)
		SETSTR(u->description, pv[U_DESC]);
}

static void
apply_add_user(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_user *u = find_user(conf, kv[0].s);

	(void)c;
	if (u != NULL) {
		duplicate(ps, &kv[0], "user", &u->loc);
		return;
	}
	if (!room(ps, conf->n_users, GWCONF_MAX_USERS, "users"))
		return;
	u = &conf->users[conf->n_users++];
	SETSTR(u->name, kv[0]);
	u->privilege = GWCONF_PRIV_USER;
	u->login = true;
	u->loc = tloc(ps, ps->first);
	user_params(ps, u, pv);
}

static void
apply_set_user(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf_user *u = find_user(ps->conf, kv[0].s);

	(void)c;
	if (u == NULL) {
		not_found(ps, &kv[0], "user", "add user");
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
apply_add_radius(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_radius *r;
	uint32_t i;

	(void)c;
	for (i = 0; i < conf->n_radius; i++)
		if (conf->radius[i].server == kv[1].u) {
			duplicate(ps, &kv[1], "radius server",
			    &conf->radius[i].loc);
			return;
		}
	if (pv[R_ACCPORT].set && pv[R_ACCTPORT].set) {
		perr(ps, ps->first, 0, "accport= and acctport= name the same port: "
		    "give one");
		return;
	}
	if (!room(ps, conf->n_radius, GWCONF_MAX_RADIUS, "radius servers"))
		return;
	r = &conf->radius[conf->n_radius++];
	r->server = kv[1].u;
	SETSTR(r->secret, pv[R_SECRET]);
	r->secret_hidden = pv[R_SECRET].hidden;
	r->port = (uint16_t)(pv[R_PORT].set ? pv[R_PORT].u : GWCONF_RADIUS_PORT);
	r->accport = (uint16_t)(pv[R_ACCPORT].set ? pv[R_ACCPORT].u :
	    pv[R_ACCTPORT].set ? pv[R_ACCTPORT].u : GWCONF_RADIUS_ACCPORT);
	r->timeout = pv[R_TIMEOUT].set ? pv[R_TIMEOUT].u : 0;
	r->has_retries = pv[R_RETRIES].set;
	r->retries = pv[R_RETRIES].set ? pv[R_RETRIES].u : 0;
	r->loc = tloc(ps, ps->first);
	if (pv[R_ACCTPORT].set || pv[R_TIMEOUT].set || pv[R_RETRIES].set)
		pnotice(ps, ps->first, 0, "add radius:%s%s%s: vpn-gateway's extension%s, "
		    "not the router's (a router script has accport= and \"set radius\")",
		    pv[R_ACCTPORT].set ? " acctport=" : "", pv[R_TIMEOUT].set ?
		    " timeout=" : "", pv[R_RETRIES].set ? " retries=" : "",
		    (pv[R_ACCTPORT].set + pv[R_TIMEOUT].set + pv[R_RETRIES].set) > 1 ?
		    "s" : "");
	if (!pv[R_PORT].set && !pv[R_ACCPORT].set && !pv[R_ACCTPORT].set)
		pnotice(ps, ps->first, 0, "radius server without port= and accport=: "
		    "the router's defaults, %u and %u (a server on the ports of RFC 2865 "
		    "and 2866 needs port=1812 accport=1813)", GWCONF_RADIUS_PORT,
		    GWCONF_RADIUS_ACCPORT);
	if (r->port == 0 && r->accport == 0)
		pwarn(ps, ps->first, 0, "radius server with port=0 and accport=0 is "
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
apply_set_radius(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
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
			perr(ps, ps->first, 0, "interiminterval %u is below 60 s "
			    "(RFC 2869 5.16)", (unsigned)pv[RS_INTERIM].u);
			return;
		}
		g->interim = pv[RS_INTERIM].u;
	}
	if (pv[RS_USERDB].set)
		g->local_last = pv[RS_USERDB].u != 0;
	g->loc = tloc(ps, ps->first);
	pnotice(ps, ps->first, 0, "\"set radius\" is vpn-gateway's extension, not a "
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
apply_create_enco(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_key *k;

	(void)c;
	if (pv[K_TYPE].u != 0) {
		pnotice(ps, ps->first, 0, "\"create enco key=%u type=%s\" "
		    "ignored: only general keys (pre-shared keys) are used by "
		    "this gateway", (unsigned)kv[1].u,
		    gw_enum_name(&gw_tab_enco_type, pv[K_TYPE].u));
		conf->n_ignored++;
		return;
	}
	if (!pv[K_VALUE].set) {
		perr(ps, ps->first, 0, "missing parameter \"value\" for "
		    "\"create enco key\" with type=general");
		return;
	}
	if (pv[K_LENGTH].set || pv[K_FORMAT].set)
		pwarn(ps, pv[K_LENGTH].set ? pv[K_LENGTH].tok :
		    pv[K_FORMAT].tok, 0, "length and format apply to RSA keys "
		    "only; ignored");
	k = find_key(conf, kv[1].u);
	if (k != NULL) {
		duplicate(ps, &kv[1], "enco key", &k->loc);
		return;
	}
	if (!room(ps, conf->n_keys, GWCONF_MAX_KEYS, "enco keys"))
		return;
	k = &conf->keys[conf->n_keys++];
	k->id = kv[1].u;
	SETSTR(k->value, pv[K_VALUE]);
	k->len = strlen(k->value);
	k->hidden = pv[K_VALUE].hidden;
	if (pv[K_DESC].set)
		SETSTR(k->description, pv[K_DESC]);
	k->loc = tloc(ps, ps->first);
}

/* add alias=NAME string="TEXT" */
static const struct gw_param p_alias[] = {
	{ "string", T_STRING, P_REQ, 1, GWCONF_ALIAS_LEN - 1, 0, NULL },
};

static void
apply_add_alias(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_alias *a = find_alias(conf, kv[0].s);
	struct gwconf_diag tmp;

	(void)c;
	if (a != NULL) {
		duplicate(ps, &kv[0], "alias", &a->loc);
		return;
	}
	if (gw_resolve(kv[0].s, verbs, GW_NELEM(verbs), sizeof(verbs[0])) >= 0)
		pwarn(ps, kv[0].tok, kv[0].tok->vcol, "alias \"%s\" hides a "
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
		perr(ps, pv[0].tok, pv[0].tok->vcol, "the string of alias "
		    "\"%s\" is not a command: %s", kv[0].s, text);
		gwconf_diag_free(&tmp);
		return;
	}
	gwconf_diag_free(&tmp);
	if (!room(ps, conf->n_aliases, GWCONF_MAX_ALIASES, "aliases"))
		return;
	a = &conf->aliases[conf->n_aliases++];
	SETSTR(a->name, kv[0]);
	SETSTR(a->string, pv[0]);
	a->loc = tloc(ps, ps->first);
}

/* Router-only commands: accepted with a notice. */
static void
apply_notice(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	char name[64];

	(void)kv;
	(void)pv;
	pnotice(ps, ps->first, 0, "\"%s\" ignored: %s",
	    cmd_name(c, name, sizeof(name)), c->notice);
	ps->conf->n_ignored++;
}

/* enable/disable ... debug: log categories. */
static void
apply_debug(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
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
static void
apply_module(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	bool on = c->verb == V_ENABLE;
	struct gwconf_loc l = tloc(ps, ps->first);
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
template_params(struct pstate *ps, struct gwconf_ppp_template *t,
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
		SETSTR(t->description, pv[T_DESC]);
	if (pv[T_ECHO].set)
		t->echo = pv[T_ECHO].u;
	if (pv[T_IDLE].set)
		t->idle = pv[T_IDLE].u;
	if (pv[T_IPPOOL].set) {
		SETSTR(t->ippool, pv[T_IPPOOL]);
		t->ippool_loc = vloc(ps, &pv[T_IPPOOL]);
	}
	if (pv[T_LQR].set)
		t->lqr = pv[T_LQR].u;
	if (pv[T_MRU].set)
		t->mru = pv[T_MRU].u;
}

static void
apply_create_template(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ppp_template *t = find_template(conf, kv[1].u);

	(void)c;
	if (t != NULL) {
		duplicate(ps, &kv[1], "ppp template", &t->loc);
		return;
	}
	if (!room(ps, conf->n_templates, GWCONF_MAX_TEMPLATES, "ppp templates"))
		return;
	t = &conf->templates[conf->n_templates++];
	t->id = kv[1].u;
	t->lqr = GWCONF_PPP_LQR_DEFAULT;
	t->loc = tloc(ps, ps->first);
	template_params(ps, t, pv);
}

static void
apply_set_template(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_ppp_template *t = find_template(ps->conf, kv[1].u);

	(void)c;
	if (t == NULL) {
		not_found(ps, &kv[1], "ppp template", "create ppp template");
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
apply_set_ppp(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
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
	g->loc = tloc(ps, ps->first);
}

/* ------------------------------------------------------------------------
 * L2TP.
 */
static void
apply_l2tp_server(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
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
apply_add_l2tp_ip(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf_l2tp *l = &ps->conf->l2tp;
	struct gwconf_l2tp_range *r;
	uint32_t i;

	(void)c;
	for (i = 0; i < l->n_ranges; i++)
		if (l->ranges[i].first <= kv[1].r.last &&
		    kv[1].r.first <= l->ranges[i].last) {
			char w[GWCONF_PATH_LEN + 32];

			perr(ps, kv[1].tok, kv[1].tok->vcol, "l2tp range "
			    "\"%s\" overlaps the range %s", kv[1].tok->value,
			    where(ps, &l->ranges[i].loc, w, sizeof(w)));
			return;
		}
	if (!room(ps, l->n_ranges, GWCONF_MAX_L2TP_RANGES, "l2tp ranges"))
		return;
	r = &l->ranges[l->n_ranges++];
	r->first = kv[1].r.first;
	r->last = kv[1].r.last;
	r->loc = tloc(ps, ps->first);
	if (pv[0].set) {
		r->has_template = true;
		r->ppptemplate = pv[0].u;
		r->template_loc = vloc(ps, &pv[0]);
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
apply_add_ip_if(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ip_if *i;
	uint32_t k;

	(void)c;
	for (k = 0; k < conf->n_ip_ifs; k++)
		if (strcmp(conf->ip_ifs[k].name, kv[1].s) == 0) {
			duplicate(ps, &kv[1], "ip interface",
			    &conf->ip_ifs[k].loc);
			return;
		}
	if (!room(ps, conf->n_ip_ifs, GWCONF_MAX_IP_IFS, "ip interfaces"))
		return;
	i = &conf->ip_ifs[conf->n_ip_ifs++];
	SETSTR(i->name, kv[1]);
	i->addr = pv[I_IP].u;
	i->mask = pv[I_MASK].set ? pv[I_MASK].u : gw_natural_mask(i->addr);
	i->loc = tloc(ps, ps->first);
}

enum { RT_MASK, RT_IF, RT_NEXT, RT_METRIC };
static const struct gw_param p_route[] = {
	[RT_MASK] = { "mask", T_MASK, 0, 0, 0, 0, NULL },
	[RT_IF] = { "interface", T_IFNAME, P_REQ, 0, 0, 0, NULL },
	[RT_NEXT] = { "nexthop", T_IP, 0, 0, 0, 0, NULL },
	[RT_METRIC] = { "metric", T_UINT, 0, 1, 16, 0, NULL },
};

static void
apply_add_route(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
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

		perr(ps, kv[1].tok, kv[1].tok->vcol, "route %s mask %s is not "
		    "a network address (host bits are set)",
		    gw_ipstr(kv[1].u, a), gw_ipstr(mask, m));
		return;
	}
	for (k = 0; k < conf->n_routes; k++)
		if (conf->routes[k].dest == kv[1].u &&
		    conf->routes[k].mask == mask &&
		    conf->routes[k].nexthop == (pv[RT_NEXT].set ?
		    pv[RT_NEXT].u : 0)) {
			duplicate(ps, &kv[1], "route", &conf->routes[k].loc);
			return;
		}
	if (!room(ps, conf->n_routes, GWCONF_MAX_ROUTES, "routes"))
		return;
	r = &conf->routes[conf->n_routes++];
	r->dest = kv[1].u;
	r->mask = mask;
	SETSTR(r->ifname, pv[RT_IF]);
	r->if_loc = vloc(ps, &pv[RT_IF]);
	r->nexthop = pv[RT_NEXT].set ? pv[RT_NEXT].u : 0;
	r->metric = pv[RT_METRIC].set ? pv[RT_METRIC].u : 1;
	r->loc = tloc(ps, ps->first);
}

static const struct gw_param p_pool[] = {
	{ "ip", T_RANGE, P_REQ, 0, 0, 0, NULL },
};

static void
pool_add_range(struct pstate *ps, struct gwconf_pool *p, struct gw_val *v)
{
	uint32_t k;

	for (k = 0; k < p->n_ranges; k++)
		if (p->ranges[k].first <= v->r.last &&
		    v->r.first <= p->ranges[k].last) {
			char w[GWCONF_PATH_LEN + 32];

			perr(ps, v->tok, v->tok->vcol, "range \"%s\" overlaps "
			    "a range of pool \"%s\" (%s)", v->tok->value,
			    p->name, where(ps, &p->range_locs[k], w,
			    sizeof(w)));
			return;
		}
	if (!room(ps, p->n_ranges, GWCONF_MAX_POOL_RANGES, "ranges in one pool"))
		return;
	p->range_locs[p->n_ranges] = vloc(ps, v);
	p->ranges[p->n_ranges++] = v->r;
}

static void
apply_create_pool(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_pool *p = find_pool(conf, kv[1].s);

	(void)c;
	if (p != NULL) {
		duplicate(ps, &kv[1], "ip pool", &p->loc);
		return;
	}
	if (!room(ps, conf->n_pools, GWCONF_MAX_POOLS, "ip pools"))
		return;
	p = &conf->pools[conf->n_pools++];
	SETSTR(p->name, kv[1]);
	p->loc = tloc(ps, ps->first);
	pool_add_range(ps, p, &pv[0]);
}

static void
apply_add_pool(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf_pool *p = find_pool(ps->conf, kv[1].s);

	(void)c;
	if (p == NULL) {
		not_found(ps, &kv[1], "ip pool", "create ip pool");
		return;
	}
	pool_add_range(ps, p, &pv[0]);
}

/* ------------------------------------------------------------------------
 * Firewall.
 */
static int
fw_policy_or_error(struct pstate *ps, struct gw_val *v)
{
	int pi = find_fw_policy(ps->conf, v->s);

	if (pi < 0)
		not_found(ps, v, "firewall policy", "create firewall policy");
	return pi;
}

static void
apply_create_fw_policy(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	int pi = find_fw_policy(conf, kv[1].s);
	struct gwconf_fw_policy *p;

	(void)c;
	(void)pv;
	if (pi >= 0) {
		duplicate(ps, &kv[1], "firewall policy",
		    &conf->fw_policies[pi].loc);
		return;
	}
	if (!room(ps, conf->n_fw_policies, GWCONF_MAX_FW_POLICIES,
	    "firewall policies"))
		return;
	p = &conf->fw_policies[conf->n_fw_policies++];
	SETSTR(p->name, kv[1]);
	p->loc = tloc(ps, ps->first);
}

static void
apply_create_fw_dynamic(struct pstate *ps, const struct gw_cmd *c,
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
		duplicate(ps, &kv[2], "dynamic interface", &d->loc);
		return;
	}
	if (!room(ps, p->n_dynamics, GWCONF_MAX_FW_DYNAMICS,
	    "dynamic interfaces in one policy"))
		return;
	d = &p->dynamics[p->n_dynamics++];
	SETSTR(d->name, kv[2]);
	d->loc = tloc(ps, ps->first);
}

static const struct gw_param p_fw_dyn_user[] = {
	{ "user", T_NAME, P_REQ, 1, GWCONF_NAME_LEN - 1, 0, NULL },
};

static void
apply_add_fw_dynamic(struct pstate *ps, const struct gw_cmd *c,
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
		not_found(ps, &kv[2], "dynamic interface",
		    "create firewall policy dynamic");
		return;
	}
	for (k = 0; k < d->n_users; k++)
		if (gw_strcaseeq(d->users[k], pv[0].s)) {
			perr(ps, pv[0].tok, pv[0].tok->vcol, "user \"%s\" is "
			    "already in dynamic interface \"%s\"", pv[0].s,
			    d->name);
			return;
		}
	if (!room(ps, d->n_users, GWCONF_MAX_FW_DYN_USERS,
	    "users in one dynamic interface"))
		return;
	SETSTR(d->users[d->n_users], pv[0]);
	d->n_users++;
}

static const struct gw_param p_fw_if[] = {
	{ "type", T_ENUM, P_REQ, 0, 0, 0, &gw_tab_fw_iftype },
};

static void
apply_add_fw_if(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
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
			duplicate(ps, &kv[2], "firewall interface",
			    &conf->fw_ifs[k].loc);
			return;
		}
	if (!room(ps, conf->n_fw_ifs, GWCONF_MAX_FW_IFS,
	    "firewall interfaces"))
		return;
	f = &conf->fw_ifs[conf->n_fw_ifs++];
	f->policy = (uint32_t)pi;
	SETSTR(f->name, kv[2]);
	f->type = (enum gwconf_fw_iftype)pv[0].u;
	f->loc = vloc(ps, &kv[2]);
}

enum { N_IF, N_GBLIF, N_IP, N_GBLIP };
static const struct gw_param p_fw_nat[] = {
	[N_IF] = { "interface", T_IFNAME, P_REQ, 0, 0, 0, NULL },
	[N_GBLIF] = { "gblinterface", T_IFNAME, 0, 0, 0, 0, NULL },
	[N_IP] = { "ip", T_RANGE, 0, 0, 0, 0, NULL },
	[N_GBLIP] = { "gblip", T_IP, 0, 0, 0, 0, NULL },
};

static void
apply_add_fw_nat(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_fw_nat_def *n;
	int pi = fw_policy_or_error(ps, &kv[1]);

	(void)c;
	if (pi < 0)
		return;
	if (kv[2].u == GWCONF_NAT_ENHANCED && !pv[N_GBLIF].set) {
		perr(ps, ps->first, 0, "nat=enhanced needs \"gblinterface\"");
		return;
	}
	if (kv[2].u == GWCONF_NAT_STANDARD &&
	    (!pv[N_IP].set || !pv[N_GBLIP].set)) {
		perr(ps, ps->first, 0, "nat=standard needs \"ip\" and "
		    "\"gblip\"");
		return;
	}
	if (!room(ps, conf->n_fw_nats, GWCONF_MAX_FW_NATS, "firewall nats"))
		return;
	n = &conf->fw_nats[conf->n_fw_nats++];
	n->policy = (uint32_t)pi;
	n->type = (enum gwconf_fw_nat)kv[2].u;
	SETSTR(n->ifname, pv[N_IF]);
	n->if_loc = vloc(ps, &pv[N_IF]);
	if (pv[N_GBLIF].set) {
		SETSTR(n->gblif, pv[N_GBLIF]);
		n->gblif_loc = vloc(ps, &pv[N_GBLIF]);
	}
	if (pv[N_IP].set)
		n->ip = pv[N_IP].r;
	else
		n->ip.any = true;
	if (pv[N_GBLIP].set) {
		n->has_gblip = true;
		n->gblip = pv[N_GBLIP].u;
	}
	n->loc = tloc(ps, ps->first);
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
apply_add_fw_rule(struct pstate *ps, const struct gw_cmd *c, struct gw_val *kv,
    struct gw_val *pv)
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
			duplicate(ps, &kv[2], "firewall rule",
			    &conf->fw_rules[k].loc);
			return;
		}
	if ((pv[FR_PORT].set && !pv[FR_PORT].ports.any) ||
	    (pv[FR_GBLPORT].set && !pv[FR_GBLPORT].ports.any)) {
		if (pv[FR_PROTO].set && pv[FR_PROTO].u != 6 &&
		    pv[FR_PROTO].u != 17) {
			perr(ps, pv[FR_PROTO].tok, pv[FR_PROTO].tok->vcol,
			    "ports need protocol=tcp or protocol=udp");
			return;
		}
	}
	if (pv[FR_NATTYPE].set && pv[FR_ACTION].u != GWCONF_FW_NAT) {
		perr(ps, pv[FR_NATTYPE].tok, 0, "\"nattype\" needs action=nat");
		return;
	}
	if (!room(ps, conf->n_fw_rules, GWCONF_MAX_FW_RULES, "firewall rules"))
		return;
	r = &conf->fw_rules[conf->n_fw_rules++];
	r->policy = (uint32_t)pi;
	r->id = kv[2].u;
	r->action = (enum gwconf_fw_action)pv[FR_ACTION].u;
	SETSTR(r->ifname, pv[FR_IF]);
	r->if_loc = vloc(ps, &pv[FR_IF]);
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
	r->loc = tloc(ps, ps->first);
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
apply_create_saspec(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_saspec *s = find_saspec(conf, kv[1].u);

	(void)c;
	if (s != NULL) {
		duplicate(ps, &kv[1], "sa specification", &s->loc);
		return;
	}
	if (!room(ps, conf->n_saspecs, GWCONF_MAX_SASPECS,
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
	s->loc = tloc(ps, ps->first);
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
parse_bundle_string(struct pstate *ps, const struct gw_val *v,
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
				perr(ps, v->tok, col, "bundle string: expected "
				    "an sa specification number, found \"%s\"",
				    w);
				return false;
			}
			if (cur == NULL) {
				if (b->n_props >= GWCONF_MAX_PROPOSALS) {
					perr(ps, v->tok, col, "bundle string: "
					    "too many proposals (the limit is "
					    "%u)", (unsigned)GWCONF_MAX_PROPOSALS);
					return false;
				}
				cur = &b->props[b->n_props++];
				memset(cur, 0, sizeof(*cur));
			}
			if (cur->n_specs >= GWCONF_MAX_PROP_SPECS) {
				perr(ps, v->tok, col, "bundle string: too many "
				    "specifications joined by \"and\" (the limit "
				    "is %u)", (unsigned)GWCONF_MAX_PROP_SPECS);
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
			perr(ps, v->tok, col, "bundle string: expected \"and\" "
			    "or \"or\", found \"%s\"", w);
			return false;
		}
	}
	if (want_num) {
		perr(ps, v->tok, v->tok->vcol, "bundle string \"%s\" %s", s,
		    b->n_props == 0 ? "names no sa specification" :
		    "ends with an operator");
		return false;
	}
	return true;
}

static void
apply_create_bundle(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_bundle *b = find_bundle(conf, kv[1].u);
	struct gwconf_bundle tmp;

	(void)c;
	if (b != NULL) {
		duplicate(ps, &kv[1], "bundle specification", &b->loc);
		return;
	}
	memset(&tmp, 0, sizeof(tmp));
	if (!parse_bundle_string(ps, &pv[B_STRING], &tmp))
		return;
	if (!room(ps, conf->n_bundles, GWCONF_MAX_BUNDLES,
	    "bundle specifications"))
		return;
	b = &conf->bundles[conf->n_bundles++];
	*b = tmp;
	b->id = kv[1].u;
	b->keymgmt = (enum gwconf_keymgmt)pv[B_KEY].u;
	b->expiry_seconds = pv[B_EXPS].set ? pv[B_EXPS].u : 28800;
	b->expiry_kbytes = pv[B_EXPK].set ? pv[B_EXPK].u : 0;
	b->loc = tloc(ps, ps->first);
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
selector(struct pstate *ps, struct gwconf_range *dst, struct gw_val *addr,
    struct gw_val *mask, const char *mname)
{
	if (addr->set)
		*dst = addr->r;
	if (!mask->set)
		return;
	if (!addr->set || addr->r.any || addr->r.first != addr->r.last) {
		perr(ps, mask->tok, 0, "\"%s\" applies to a single address "
		    "given in the same command", mname);
		return;
	}
	dst->first = addr->r.first & mask->u;
	dst->last = addr->r.first | ~mask->u;
}

static void
ipsec_policy_params(struct pstate *ps, struct gwconf_ipsec_policy *p,
    struct gw_val *pv)
{
	if (pv[IP_IF].set) {
		SETSTR(p->ifname, pv[IP_IF]);
		p->if_loc = vloc(ps, &pv[IP_IF]);
	}
	if (pv[IP_ACTION].set)
		p->action = (enum gwconf_ipsec_action)pv[IP_ACTION].u;
	if (pv[IP_KEY].set)
		p->keymgmt = (enum gwconf_keymgmt)pv[IP_KEY].u;
	if (pv[IP_BUNDLE].set) {
		p->has_bundle = true;
		p->bundle = pv[IP_BUNDLE].u;
		p->bundle_loc = vloc(ps, &pv[IP_BUNDLE]);
	}
	if (pv[IP_ISAKMP].set) {
		SETSTR(p->isakmp_policy, pv[IP_ISAKMP]);
		p->isakmp_loc = vloc(ps, &pv[IP_ISAKMP]);
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
apply_create_ipsec_policy(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ipsec_policy *p = find_ipsec_policy(conf, kv[1].s);

	(void)c;
	if (p != NULL) {
		duplicate(ps, &kv[1], "ipsec policy", &p->loc);
		return;
	}
	if (!room(ps, conf->n_ipsec_policies, GWCONF_MAX_IPSEC_POLS,
	    "ipsec policies"))
		return;
	p = &conf->ipsec_policies[conf->n_ipsec_policies++];
	memset(p, 0, sizeof(*p));
	SETSTR(p->name, kv[1]);
	p->keymgmt = GWCONF_KEY_ISAKMP;
	p->peer.any = true;
	p->transport = GWCONF_PROTO_ANY;
	p->laddr.any = p->raddr.any = true;
	p->laddr.last = p->raddr.last = 0xffffffffu;
	p->lport.any = p->rport.any = true;
	p->lport.last = p->rport.last = 65535;
	p->loc = tloc(ps, ps->first);
	ipsec_policy_params(ps, p, pv);
	if (pv[IP_POSITION].set)
		move_policy(conf, conf->n_ipsec_policies - 1,
		    pv[IP_POSITION].u - 1);
}

static void
apply_set_ipsec_policy(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_ipsec_policy *p = find_ipsec_policy(conf, kv[1].s);

	(void)c;
	if (p == NULL) {
		not_found(ps, &kv[1], "ipsec policy", "create ipsec policy");
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
isakmp_params(struct pstate *ps, struct gwconf_isakmp_policy *p,
    struct gw_val *pv)
{
	if (pv[K2_PEER].set) {
		p->peer.any = pv[K2_PEER].r.any;
		p->peer.addr = pv[K2_PEER].r.any ? 0 : pv[K2_PEER].u;
	}
	if (pv[K2_KEY].set) {
		p->has_key = true;
		p->key = pv[K2_KEY].u;
		p->key_loc = vloc(ps, &pv[K2_KEY]);
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
		SETSTR(p->localid, pv[K2_LOCALID]);
	if (pv[K2_REMOTEID].set)
		SETSTR(p->remoteid, pv[K2_REMOTEID]);
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
		SETSTR(p->srcinterface, pv[K2_SRCIF]);
}

static void
apply_create_isakmp(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf *conf = ps->conf;
	struct gwconf_isakmp_policy *p = find_isakmp_policy(conf, kv[1].s);

	(void)c;
	if (p != NULL) {
		duplicate(ps, &kv[1], "isakmp policy", &p->loc);
		return;
	}
	if (!room(ps, conf->n_isakmp_policies, GWCONF_MAX_ISAKMP_POLS,
	    "isakmp policies"))
		return;
	p = &conf->isakmp_policies[conf->n_isakmp_policies++];
	memset(p, 0, sizeof(*p));
	SETSTR(p->name, kv[1]);
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
	p->loc = tloc(ps, ps->first);
	isakmp_params(ps, p, pv);
}

static void
apply_set_isakmp(struct pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv)
{
	struct gwconf_isakmp_policy *p = find_isakmp_policy(ps->conf, kv[1].s);

	(void)c;
	if (p == NULL) {
		not_found(ps, &kv[1], "isakmp policy", "create isakmp policy");
		return;
	}
	isakmp_params(ps, p, pv);
}

/* ------------------------------------------------------------------------
 * The command table.
 */
#define KW(n) { n, KV_NONE, { NULL, T_NONE, 0, 0, 0, 0, NULL } }
#define KWV(n, ty, mn, mx) { n, KV_REQ, { NULL, ty, 0, mn, mx, 0, NULL } }
#define KWE(n, tab) { n, KV_REQ, { NULL, T_ENUM, 0, 0, 0, 0, tab } }
#define KWO(n, ty, mx) { n, KV_OPT, { NULL, ty, 0, 1, mx, 0, NULL } }
#define PARAMS(p) p, (uint8_t)GW_NELEM(p)
#define NOPARAMS NULL, 0

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

static const struct gw_cmd cmds[] = {
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
	/* PPP */
	{ V_CREATE, 2, { KW("ppp"), KWV("template", T_UINT, 0,
	    GWCONF_MAX_TEMPLATES - 1) }, PARAMS(p_template),
	    apply_create_template, NULL },
	{ V_SET, 2, { KW("ppp"), KWV("template", T_UINT, 0,
	    GWCONF_MAX_TEMPLATES - 1) }, PARAMS(p_template),
	    apply_set_template, NULL },
	{ V_SET, 1, { KW("ppp") }, PARAMS(p_set_ppp), apply_set_ppp, NULL },
	{ V_ENABLE, 2, { KW("ppp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    apply_debug, NULL },
	{ V_DISABLE, 2, { KW("ppp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    apply_debug, NULL },
	/* L2TP */
	{ V_ENABLE, 1, { KW("l2tp") }, NOPARAMS, apply_module, NULL },
	{ V_DISABLE, 1, { KW("l2tp") }, NOPARAMS, apply_module, NULL },
	{ V_ENABLE, 2, { KW("l2tp"), KWE("server", &gw_tab_l2tp_server) },
	    NOPARAMS, apply_l2tp_server, NULL },
	{ V_DISABLE, 2, { KW("l2tp"), KWE("server", &gw_tab_l2tp_server) },
	    NOPARAMS, apply_l2tp_server, NULL },
	{ V_ENABLE, 2, { KW("l2tp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    apply_debug, NULL },
	{ V_DISABLE, 2, { KW("l2tp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    apply_debug, NULL },
	{ V_ADD, 2, { KW("l2tp"), KWV("ip", T_RANGE, 0, 0) },
	    PARAMS(p_l2tp_ip), apply_add_l2tp_ip, NULL },
	/* IP */
	{ V_ENABLE, 1, { KW("ip") }, NOPARAMS, apply_module, NULL },
	{ V_DISABLE, 1, { KW("ip") }, NOPARAMS, apply_module, NULL },
	{ V_ADD, 2, { KW("ip"), KWV("interface", T_IFNAME, 0, 0) },
	    PARAMS(p_ip_if), apply_add_ip_if, NULL },
	{ V_ADD, 2, { KW("ip"), KWV("route", T_IP, 0, 0) }, PARAMS(p_route),
	    apply_add_route, NULL },
	{ V_CREATE, 2, { KW("ip"), KWV("pool", T_NAME, 1,
	    GWCONF_POOL_LEN - 1) }, PARAMS(p_pool), apply_create_pool, NULL },
	{ V_ADD, 2, { KW("ip"), KWV("pool", T_NAME, 1, GWCONF_POOL_LEN - 1) },
	    PARAMS(p_pool), apply_add_pool, NULL },
	/* firewall */
	{ V_ENABLE, 1, { KW("firewall") }, NOPARAMS, apply_module, NULL },
	{ V_DISABLE, 1, { KW("firewall") }, NOPARAMS, apply_module, NULL },
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
	/* IPsec */
	{ V_ENABLE, 1, { KW("ipsec") }, NOPARAMS, apply_module, NULL },
	{ V_DISABLE, 1, { KW("ipsec") }, NOPARAMS, apply_module, NULL },
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
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_ipsec_debug), apply_debug, NULL },
	{ V_DISABLE, 2, { KW("ipsec"), KWO("policy", T_NAME,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_ipsec_debug), apply_debug, NULL },
	/* ISAKMP */
	{ V_ENABLE, 1, { KW("isakmp") }, NOPARAMS, apply_module, NULL },
	{ V_DISABLE, 1, { KW("isakmp") }, NOPARAMS, apply_module, NULL },
	{ V_CREATE, 2, { KW("isakmp"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_create_isakmp),
	    apply_create_isakmp, NULL },
	{ V_SET, 2, { KW("isakmp"), KWV("policy", T_NAME, 1,
	    GWCONF_POLICY_LEN - 1) }, PARAMS(p_set_isakmp), apply_set_isakmp,
	    NULL },
	{ V_ENABLE, 2, { KW("isakmp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    apply_debug, NULL },
	{ V_DISABLE, 2, { KW("isakmp"), KWO("debug", T_ANY, 64) }, NOPARAMS,
	    apply_debug, NULL },
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

/* ------------------------------------------------------------------------
 * Matching a command.
 */
static bool
kw_fits(const struct gw_kw *k, const struct gw_tok *t)
{
	if (k->val == KV_NONE)
		return t->kind == GW_TOK_WORD;
	if (k->val == KV_REQ)
		return t->kind == GW_TOK_PARAM;
	return true;
}

/* "add firewall policy": the verb and the keywords before level. */
static void
prefix_name(int verb, const struct gw_cmd *c, size_t level, char *buf,
    size_t cap)
{
	size_t i, l;

	snprintf(buf, cap, "%s", verbs[verb].name);
	for (i = 0; i < level && i < c->nkw; i++) {
		if (c->kw[i].name == NULL)
			continue;
		l = strlen(buf);
		snprintf(buf + l, cap - l, " %s", c->kw[i].name);
	}
}

static const struct gw_cmd *
match(struct pstate *ps, int verb, size_t *consumed, struct gw_val *kv)
{
	const struct gw_cmd *cand[GW_NELEM(cmds)];
	size_t nc = 0, i, level, ti = 1;
	char cname[64];

	for (i = 0; i < GW_NELEM(cmds); i++)
		if (cmds[i].verb == verb)
			cand[nc++] = &cmds[i];
	for (level = 0; level < MAX_KW; level++) {
		const char *names[GW_NELEM(cmds)];
		const struct gw_cmd *next[GW_NELEM(cmds)];
		size_t nn = 0, nx = 0, nend = 0;
		const struct gw_tok *t = ti < ps->ntoks ? &ps->toks[ti] : NULL;
		const struct gw_cmd *positional = NULL;
		const char *kwname;
		int rc;

		for (i = 0; i < nc; i++) {
			if (cand[i]->nkw > level) {
				names[nn++] = cand[i]->kw[level].name;
				if (cand[i]->kw[level].name == NULL)
					positional = cand[i];
			} else {
				nend++;
			}
		}
		if (nn == 0)
			break;
		if (t == NULL) {
			char list[256];

			if (nend > 0)
				goto ending;
			if (positional != NULL) {
				perr(ps, ps->first, 0, "\"%s\" needs an "
				    "argument", verbs[verb].name);
				return NULL;
			}
			gw_names_list(list, sizeof(list), NULL, names, nn,
			    sizeof(names[0]), (size_t)-1);
			prefix_name(verb, cand[0], level, cname, sizeof(cname));
			perr(ps, ps->first, 0, "incomplete command \"%s\" "
			    "(expected one of: %s)", cname, list);
			return NULL;
		}
		if (positional != NULL) {
			if (t->kind != GW_TOK_WORD) {
				perr(ps, t, 0, "\"%s\" needs a name, not a "
				    "parameter", verbs[verb].name);
				return NULL;
			}
			if (!parse_value(ps, t, &positional->kw[level].p,
			    verbs[verb].name, &kv[level]))
				return NULL;
			cand[0] = positional;
			nc = 1;
			ti++;
			continue;
		}
		rc = gw_resolve(t->name, names, nn, sizeof(names[0]));
		if (rc < 0) {
			char list[256];

			if (nend > 0 && t->kind == GW_TOK_PARAM)
				goto ending;
			gw_names_list(list, sizeof(list), rc ==
			    GW_RESOLVE_AMBIGUOUS ? t->name : NULL, names, nn,
			    sizeof(names[0]), (size_t)-1);
			prefix_name(verb, cand[0], level, cname, sizeof(cname));
			if (rc == GW_RESOLVE_AMBIGUOUS)
				perr(ps, t, 0, "ambiguous %s \"%s\" for \"%s\" "
				    "(could be: %s)", level == 0 ? "object" :
				    "keyword", t->name, cname, list);
			else
				perr(ps, t, 0, "unknown %s \"%s\" for \"%s\" "
				    "(expected one of: %s)", level == 0 ?
				    "object" : "keyword", t->name, cname, list);
			return NULL;
		}
		kwname = names[rc];
		for (i = 0; i < nc; i++)
			if (cand[i]->nkw > level &&
			    gw_strcaseeq(cand[i]->kw[level].name, kwname) &&
			    kw_fits(&cand[i]->kw[level], t))
				next[nx++] = cand[i];
		if (nx == 0) {
			if (t->kind == GW_TOK_WORD)
				perr(ps, t, 0, "\"%s\" needs a value (%s=...)",
				    kwname, kwname);
			else
				perr(ps, t, 0, "\"%s\" takes no value", kwname);
			return NULL;
		}
		if (t->kind == GW_TOK_PARAM) {
			if (!parse_value(ps, t, &next[0]->kw[level].p, kwname,
			    &kv[level]))
				return NULL;
		} else {
			kv[level].set = true;
			kv[level].tok = t;
		}
		memcpy(cand, next, nx * sizeof(next[0]));
		nc = nx;
		ti++;
		continue;
ending:
		nx = 0;
		for (i = 0; i < nc; i++)
			if (cand[i]->nkw == level)
				next[nx++] = cand[i];
		memcpy(cand, next, nx * sizeof(next[0]));
		nc = nx;
		break;
	}
	/* Exactly one candidate ends at the level reached. */
	for (i = 0; i < nc; i++)
		if (cand[i]->nkw <= ti - 1) {
			*consumed = ti;
			return cand[i];
		}
	*consumed = ti;
	return nc > 0 ? cand[0] : NULL;
}

static void
run_command(struct pstate *ps)
{
	struct gw_val kv[MAX_KW], pv[MAX_PARAMS];
	const struct gw_cmd *c;
	const struct gw_tok *t0 = &ps->toks[0];
	size_t consumed = 0, i;
	char cname[64];
	bool missing = false;
	int verb;

	memset(kv, 0, sizeof(kv));
	memset(pv, 0, sizeof(pv));
	ps->first = t0;
	verb = gw_resolve(t0->name, verbs, GW_NELEM(verbs), sizeof(verbs[0]));
	if (verb < 0) {
		char list[128];

		gw_names_list(list, sizeof(list), verb == GW_RESOLVE_AMBIGUOUS ?
		    t0->name : NULL, verbs, GW_NELEM(verbs), sizeof(verbs[0]),
		    (size_t)-1);
		if (verb == GW_RESOLVE_AMBIGUOUS)
			perr(ps, t0, 0, "ambiguous command \"%s\" (could be: "
			    "%s)", t0->name, list);
		else
			perr(ps, t0, 0, "unknown command \"%s\" (expected one "
			    "of: %s, or an alias)", t0->name, list);
		return;
	}
	c = match(ps, verb, &consumed, kv);
	if (c == NULL)
		return;
	cmd_name(c, cname, sizeof(cname));
	for (i = consumed; i < ps->ntoks; i++) {
		const struct gw_tok *t = &ps->toks[i];
		int pi;

		if (c->params == NULL && c->notice != NULL)
			break;          /* router-only: anything goes */
		if (t->kind != GW_TOK_PARAM) {
			perr(ps, t, 0, "unexpected word \"%s\" for \"%s\" "
			    "(expected parameter=value)", t->name, cname);
			continue;
		}
		pi = c->nparams > 0 ? gw_resolve(t->name, c->params,
		    c->nparams, sizeof(c->params[0])) : GW_RESOLVE_UNKNOWN;
		if (pi < 0) {
			char list[384];

			if (c->nparams == 0) {
				perr(ps, t, 0, "unknown parameter \"%s\" for "
				    "\"%s\" (it takes no parameters)", t->name,
				    cname);
				continue;
			}
			gw_names_list(list, sizeof(list), pi ==
			    GW_RESOLVE_AMBIGUOUS ? t->name : NULL, c->params,
			    c->nparams, sizeof(c->params[0]), (size_t)-1);
			if (pi == GW_RESOLVE_AMBIGUOUS)
				perr(ps, t, 0, "ambiguous parameter \"%s\" for "
				    "\"%s\" (could be: %s)", t->name, cname,
				    list);
			else
				perr(ps, t, 0, "unknown parameter \"%s\" for "
				    "\"%s\" (expected one of: %s)", t->name,
				    cname, list);
			continue;
		}
		if (pv[pi].set || (pv[pi].tok != NULL)) {
			perr(ps, t, 0, "parameter \"%s\" given twice",
			    c->params[pi].name);
			continue;
		}
		if (!parse_value(ps, t, &c->params[pi], c->params[pi].name,
		    &pv[pi]))
			pv[pi].tok = t;         /* remembered for "twice" */
	}
	for (i = 0; i < c->nparams; i++)
		if ((c->params[i].flags & P_REQ) && !pv[i].set) {
			if (pv[i].tok == NULL)
				perr(ps, t0, 0, "missing parameter \"%s\" for "
				    "\"%s\"", c->params[i].name, cname);
			missing = true;
		}
	if (missing)
		return;
	c->apply(ps, c, kv, pv);
}

/* ------------------------------------------------------------------------
 * Lines, aliases, the driver.
 */
static bool
expand_alias(struct pstate *ps)
{
	const struct gwconf_alias *a;
	const struct gw_tok *t0 = &ps->toks[0];
	struct gw_tok rest[GWCONF_MAX_TOKENS];
	size_t nrest, i;
	uint32_t col = t0->col;

	if (t0->kind != GW_TOK_WORD || t0->quoted || t0->placeholder)
		return true;
	a = find_alias(ps->conf, t0->name);
	if (a == NULL)
		return true;
	if (gw_lex_line(a->string, strlen(a->string), &ps->aline, ps->file,
	    ps->lineno, ps->diag) != 0 || ps->aline.n == 0) {
		perr(ps, t0, 0, "alias \"%s\" does not expand to a command",
		    a->name);
		return false;
	}
	nrest = ps->ntoks - 1;
	memcpy(rest, ps->toks + 1, nrest * sizeof(rest[0]));
	if (ps->aline.n + nrest > GW_NELEM(ps->toks)) {
		perr(ps, t0, 0, "too many words after expanding alias \"%s\"",
		    a->name);
		return false;
	}
	for (i = 0; i < ps->aline.n; i++) {
		ps->toks[i] = ps->aline.toks[i];
		ps->toks[i].col = col;
		ps->toks[i].vcol = col;
		ps->toks[i].alias = a->name;
	}
	memcpy(ps->toks + ps->aline.n, rest, nrest * sizeof(rest[0]));
	ps->ntoks = ps->aline.n + nrest;
	if (ps->toks[0].kind == GW_TOK_WORD &&
	    find_alias(ps->conf, ps->toks[0].name) != NULL) {
		perr(ps, &ps->toks[0], 0, "alias \"%s\" expands to another "
		    "alias; aliases do not nest", a->name);
		return false;
	}
	return true;
}

static void
parse_lines(struct pstate *ps, const char *buf, size_t len)
{
	size_t pos = 0;
	const char *text;
	size_t tlen;

	while (gw_next_line(buf, len, &pos, &text, &tlen)) {
		ps->lineno++;
		if (gw_lex_line(text, tlen, &ps->line, ps->file, ps->lineno,
		    ps->diag) != 0) {
			ps->cmd_line = ps->lineno;
			continue;
		}
		if (ps->line.n == 0)
			continue;
		if (ps->conf->n_commands >= GWCONF_MAX_COMMANDS) {
			gw_diag_add(ps->diag, GWCONF_SEV_ERROR, ps->file,
			    ps->lineno, 0, "too many commands (the limit is "
			    "%u); the rest of the file is ignored",
			    (unsigned)GWCONF_MAX_COMMANDS);
			break;
		}
		ps->conf->n_commands++;
		memcpy(ps->toks, ps->line.toks, ps->line.n * sizeof(ps->toks[0]));
		ps->ntoks = ps->line.n;
		ps->first = &ps->toks[0];
		if (ps->toks[0].kind == GW_TOK_PARAM) {
			/* The PDF wraps long commands; the continuation
			 * must be joined to the line the command began on. */
			if (ps->cmd_line > 0)
				perr(ps, &ps->toks[0], 0, "parameter \"%s\" at "
				    "the start of a line: the command of line %u "
				    "was wrapped onto this line; join them into "
				    "one line", ps->toks[0].name,
				    (unsigned)ps->cmd_line);
			else
				perr(ps, &ps->toks[0], 0, "parameter \"%s\" at "
				    "the start of a line: a command starts with "
				    "a verb", ps->toks[0].name);
			continue;
		}
		ps->cmd_line = ps->lineno;
		if (expand_alias(ps))
			run_command(ps);
	}
}

int
gwconf_parse_buffer(const char *name, const void *buf, size_t len,
    struct gwconf **out, struct gwconf_diag *diag)
{
	struct pstate *ps;
	struct gwconf *conf;
	size_t before;

	if (out == NULL || diag == NULL || (buf == NULL && len > 0))
		return GWCONF_E_ARG;
	*out = NULL;
	if (name == NULL)
		name = "<buffer>";
	before = diag->errors;
	if (len > GWCONF_MAX_INPUT) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, name, 0, 0, "input too large "
		    "(%zu bytes; the limit is %u)", len,
		    (unsigned)GWCONF_MAX_INPUT);
		len = 0;
	}
	conf = calloc(1, sizeof(*conf));
	ps = calloc(1, sizeof(*ps));
	if (conf == NULL || ps == NULL) {
		free(conf);
		free(ps);
		return GWCONF_E_NOMEM;
	}
	gw_strlcpy(conf->source, name, sizeof(conf->source));
	conf->radius_set.timeout = GWCONF_RADIUS_TIMEOUT;
	conf->radius_set.retransmitcount = GWCONF_RADIUS_RETRANSMIT;
	conf->radius_set.accounting = true;
	ps->conf = conf;
	ps->diag = diag;
	ps->file = conf->source;
	ps->file_idx = 0;
	if (len > 0)
		parse_lines(ps, buf, len);
	gw_wipe(ps, sizeof(*ps));
	free(ps);
	*out = conf;
	return diag->errors > before ? GWCONF_E_INVALID : 0;
}

int
gwconf_parse_file(const char *path, struct gwconf **out,
    struct gwconf_diag *diag)
{
	char *buf;
	size_t len;
	int rc;

	if (path == NULL || out == NULL || diag == NULL)
		return GWCONF_E_ARG;
	*out = NULL;
	rc = gw_read_file(path, -1, GWCONF_MAX_INPUT, &buf, &len, diag);
	if (rc != 0)
		return rc;
	rc = gwconf_parse_buffer(path, buf, len, out, diag);
	gw_wipe(buf, len);
	free(buf);
	return rc;
}

void
gwconf_free(struct gwconf *conf)
{
	if (conf == NULL)
		return;
	gw_wipe(conf, sizeof(*conf));
	free(conf);
}

/* ------------------------------------------------------------------------
 * Key files: "key=N value=V [type=general] [description=D]" per line.
 */
enum { KF_KEY, KF_VALUE, KF_TYPE, KF_DESC };
static const struct gw_param p_keyfile[] = {
	[KF_KEY] = { "key", T_UINT, P_REQ, 0, 65535, 0, NULL },
	[KF_VALUE] = { "value", T_SECRET, P_REQ, 1, GWCONF_KEY_LEN - 1, 0, NULL },
	[KF_TYPE] = { "type", T_ENUM, 0, 0, 0, 0, &gw_tab_enco_type },
	[KF_DESC] = { "description", T_STRING, 0, 1, GWCONF_DESC_LEN - 1, 0, NULL },
};

static void
keyfile_line(struct pstate *ps)
{
	struct gw_val pv[GW_NELEM(p_keyfile)];
	struct gwconf *conf = ps->conf;
	struct gwconf_key *k;
	size_t i;
	bool missing = false;

	memset(pv, 0, sizeof(pv));
	ps->first = &ps->toks[0];
	for (i = 0; i < ps->ntoks; i++) {
		const struct gw_tok *t = &ps->toks[i];
		int pi;

		if (t->kind != GW_TOK_PARAM) {
			perr(ps, t, 0, "unexpected word \"%s\" in a key file "
			    "(expected key=N value=TEXT)", t->name);
			return;
		}
		pi = gw_resolve(t->name, p_keyfile, GW_NELEM(p_keyfile),
		    sizeof(p_keyfile[0]));
		if (pi < 0) {
			perr(ps, t, 0, "unknown parameter \"%s\" in a key file "
			    "(expected one of: key, value, type, description)",
			    t->name);
			return;
		}
		if (pv[pi].set) {
			perr(ps, t, 0, "parameter \"%s\" given twice",
			    p_keyfile[pi].name);
			return;
		}
		if (!parse_value(ps, t, &p_keyfile[pi], p_keyfile[pi].name,
		    &pv[pi]))
			return;
	}
	for (i = 0; i < GW_NELEM(p_keyfile); i++)
		if ((p_keyfile[i].flags & P_REQ) && !pv[i].set) {
			perr(ps, ps->first, 0, "missing parameter \"%s\" in a "
			    "key file line", p_keyfile[i].name);
			missing = true;
		}
	if (missing)
		return;
	if (pv[KF_TYPE].set && pv[KF_TYPE].u != 0) {
		perr(ps, pv[KF_TYPE].tok, pv[KF_TYPE].tok->vcol, "a key file "
		    "holds general keys (pre-shared keys) only");
		return;
	}
	if (pv[KF_VALUE].hidden) {
		perr(ps, pv[KF_VALUE].tok, pv[KF_VALUE].tok->vcol, "the key "
		    "file must hold the key itself, not <hidden>");
		return;
	}
	k = find_key(conf, pv[KF_KEY].u);
	if (k != NULL) {
		duplicate(ps, &pv[KF_KEY], "enco key", &k->loc);
		return;
	}
	if (!room(ps, conf->n_keys, GWCONF_MAX_KEYS, "enco keys"))
		return;
	k = &conf->keys[conf->n_keys++];
	k->id = pv[KF_KEY].u;
	SETSTR(k->value, pv[KF_VALUE]);
	k->len = strlen(k->value);
	k->from_keyfile = true;
	if (pv[KF_DESC].set)
		SETSTR(k->description, pv[KF_DESC]);
	k->loc = tloc(ps, ps->first);
}

int
gwconf_merge_keys_buffer(struct gwconf *conf, const char *name,
    const void *buf, size_t len, struct gwconf_diag *diag)
{
	struct pstate *ps;
	size_t before, pos = 0, tlen;
	const char *text;

	if (conf == NULL || diag == NULL || (buf == NULL && len > 0))
		return GWCONF_E_ARG;
	if (name == NULL)
		name = "<keys>";
	before = diag->errors;
	gw_strlcpy(conf->keyfile, name, sizeof(conf->keyfile));
	if (len > GWCONF_MAX_INPUT) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, conf->keyfile, 0, 0,
		    "input too large (the limit is %u bytes)",
		    (unsigned)GWCONF_MAX_INPUT);
		return GWCONF_E_INVALID;
	}
	ps = calloc(1, sizeof(*ps));
	if (ps == NULL)
		return GWCONF_E_NOMEM;
	ps->conf = conf;
	ps->diag = diag;
	ps->file = conf->keyfile;
	ps->file_idx = 1;
	while (len > 0 && gw_next_line(buf, len, &pos, &text, &tlen)) {
		ps->lineno++;
		if (gw_lex_line(text, tlen, &ps->line, ps->file, ps->lineno,
		    diag) != 0 || ps->line.n == 0)
			continue;
		memcpy(ps->toks, ps->line.toks, ps->line.n * sizeof(ps->toks[0]));
		ps->ntoks = ps->line.n;
		keyfile_line(ps);
	}
	gw_wipe(ps, sizeof(*ps));
	free(ps);
	return diag->errors > before ? GWCONF_E_INVALID : 0;
}
