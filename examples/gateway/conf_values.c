/*
 * conf_values.c - the values of keywords and parameters: gw_parse_value()
 * checks a token's value against the type and limits its command table
 * gives (numbers, booleans, enumerations, addresses, ranges, masks, ports,
 * protocols, interface names, names, strings, secrets, PPP authentication
 * lists), reports what is wrong with it, and converts it for the apply
 * functions (conf_cmd_*.c) and key files (conf_keys.c).
 */
#include <stddef.h>
#include <string.h>

#include "conf_int.h"

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
enum_error(struct gw_pstate *ps, const struct gw_tok *t, const char *v,
    const char *name, const struct gw_enum_tab *tab, int rc)
{
	char list[384];

	if (rc == GW_RESOLVE_AMBIGUOUS) {
		gw_names_list(list, sizeof(list), v, tab->e, tab->n,
		    sizeof(tab->e[0]), (size_t)-1);
		gw_perr(ps, t, t->vcol, "ambiguous value \"%s\" for \"%s\" "
		    "(could be: %s)", v, name, list);
	} else {
		gw_names_list(list, sizeof(list), NULL, tab->e, tab->n,
		    sizeof(tab->e[0]), offsetof(struct gw_enum, alias));
		gw_perr(ps, t, t->vcol, "invalid value \"%s\" for \"%s\" "
		    "(expected one of: %s)", v, name, list);
	}
}

static bool
parse_authlist(struct gw_pstate *ps, const struct gw_tok *t, const char *v,
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
			gw_perr(ps, t, t->vcol, "invalid value \"%s\" for "
			    "\"%s\" (expected chap, pap, mschapv2, either, "
			    "none or a comma list such as chap,mschapv2)", v,
			    name);
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
				gw_perr(ps, t, t->vcol, "\"%s\" lists %s twice",
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
		gw_perr(ps, t, t->vcol, "\"%s\": none cannot be combined with "
		    "other methods", name);
		return false;
	}
	return true;
}

/* Parses the value of t (a parameter, or a word for positional keywords)
 * as p describes into out.  Reports and returns false on error. */
bool
gw_parse_value(struct gw_pstate *ps, const struct gw_tok *t,
    const struct gw_param *p, const char *name, struct gw_val *out)
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
			gw_perr(ps, t, t->vcol, "unfilled placeholder for "
			    "\"%s\": replace it with the real secret", name);
			return false;
		}
		if (p->type != T_ANY) {
			gw_perr(ps, t, t->vcol, "unfilled placeholder %s for "
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
			gw_perr(ps, t, t->vcol, "invalid value \"%s\" for "
			    "\"%s\" (expected a number from %u to %u)", v, name,
			    (unsigned)p->min, (unsigned)p->max);
			return false;
		}
		break;
	case T_NUMNONE:
		if (gw_strcaseeq(v, "none")) {
			out->u = 0;
		} else if (!gw_parse_uint(v, p->min, p->max, &out->u)) {
			gw_perr(ps, t, t->vcol, "invalid value \"%s\" for "
			    "\"%s\" (expected none or a number from %u to %u)",
			    v, name, (unsigned)p->min, (unsigned)p->max);
			return false;
		}
		break;
	case T_BOOL:
		rc = gw_resolve(v, gw_tab_bool.e, gw_tab_bool.n,
		    sizeof(gw_tab_bool.e[0]));
		if (rc < 0) {
			gw_perr(ps, t, t->vcol, "invalid value \"%s\" for "
			    "\"%s\" (expected yes, no, on, off, true or false)",
			    v, name);
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
			gw_perr(ps, t, t->vcol, "invalid value \"%s\" for "
			    "\"%s\" (expected on, off or a period from %u to "
			    "%u seconds)", v, name, (unsigned)p->min,
			    (unsigned)p->max);
			return false;
		}
		break;
	case T_IP:
		if (!gw_parse_ipv4(v, &out->u)) {
			gw_perr(ps, t, t->vcol, "invalid IPv4 address \"%s\" "
			    "for \"%s\"", v, name);
			return false;
		}
		break;
	case T_PEER:
		if (gw_strcaseeq(v, "any")) {
			out->r.any = true;
		} else if (gw_strcaseeq(v, "dynamic")) {
			gw_perr(ps, t, t->vcol, "\"%s=dynamic\" is not "
			    "supported (use any or an address)", name);
			return false;
		} else if (!gw_parse_ipv4(v, &out->u)) {
			gw_perr(ps, t, t->vcol, "invalid value \"%s\" for "
			    "\"%s\" (expected any or an IPv4 address)", v,
			    name);
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
				gw_perr(ps, t, t->vcol, "reversed range \"%s\" for "
				    "\"%s\" (the first address is above the "
				    "last)", v, name);
			else if (hb)
				gw_perr(ps, t, t->vcol, "\"%s\" for \"%s\" is "
				    "not a network (host bits are set)", v,
				    name);
			else
				gw_perr(ps, t, t->vcol, "invalid address range "
				    "\"%s\" for \"%s\" (expected A, A-B or "
				    "A/LEN)", v, name);
			return false;
		}
		break;
	case T_MASK:
		if (!gw_parse_mask(v, &out->u)) {
			gw_perr(ps, t, t->vcol, "invalid mask \"%s\" for "
			    "\"%s\" (expected a contiguous dotted mask such as "
			    "255.255.255.0)", v, name);
			return false;
		}
		break;
	case T_PORTS:
	case T_PORT:
		if (!parse_ports(v, p->type == T_PORTS, &out->ports)) {
			gw_perr(ps, t, t->vcol, "invalid port \"%s\" for "
			    "\"%s\" (expected any, a number from 0 to 65535%s)",
			    v, name,
			    p->type == T_PORTS ? " or a range A-B" : "");
			return false;
		}
		break;
	case T_PROTO:
		if (v[0] >= '0' && v[0] <= '9') {
			if (!gw_parse_uint(v, 0, 255, &out->u)) {
				gw_perr(ps, t, t->vcol, "invalid protocol "
				    "\"%s\" for \"%s\" (expected a name or a "
				    "number from 0 to 255)", v, name);
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
			gw_perr(ps, t, t->vcol, "invalid interface name \"%s\" for "
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
			gw_perr(ps, t, t->vcol, "invalid name \"%s\" for "
			    "\"%s\" (1 to %u letters, digits, '_' or '-')", v,
			    name, (unsigned)p->max);
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
			gw_perr(ps, t, t->vcol, "%s \"%s\" for \"%s\" (%u to "
			    "%u characters)", len < p->min ? "empty value" :
			    "value too long", len > 40 ? "..." : v, name,
			    (unsigned)p->min, (unsigned)p->max);
			return false;
		}
		out->s = v;
		break;
	case T_SECRET:
		if (len == 0 || len > p->max) {
			gw_perr(ps, t, t->vcol, "the value of \"%s\" must be 1 "
			    "to %u characters", name, (unsigned)p->max);
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
