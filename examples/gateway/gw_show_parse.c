/*
 * gw_show_parse.c - the command line of the operator interface (gw_ctl.h):
 * a line of at most GW_CTL_MAX_LINE printable ASCII bytes is read into a
 * struct cmd (gw_show.h): a leading --json, the script's aliases, words
 * that may be abbreviated and NAME=VALUE parameters, each bounded.  Every
 * refusal has its own code (GW_CTL_E_*) and the 1-based column it points
 * at (gws_fail).  Running the command is gw_show.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gw_show.h"

struct word {
	char s[GW_CTL_MAX_WORD + 1];
	size_t len;
	int col;
	const char *eq;			/* the '=' in s, or NULL */
};

#define MAX_EXPANDED (GW_CTL_MAX_LINE + GWCONF_ALIAS_LEN + 2)

int
gws_fail(struct cmd *c, int rc, int col, const char *fmt, ...)
{
	va_list ap;

	c->col = col;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static int
tokenize(struct cmd *c, const char *line, size_t len, struct word *w, size_t *nw)
{
	size_t i = 0;

	*nw = 0;
	while (i < len) {
		struct word *cur;
		int qcol = 0;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (*nw == GW_CTL_MAX_WORDS + (c->json ? 1 : 0))
			return gws_fail(c, GW_CTL_E_WORDS, (int)i + 1, "more than %d words "
			    "(at column %zu)", GW_CTL_MAX_WORDS, i + 1);
		cur = &w[(*nw)++];
		memset(cur, 0, sizeof(*cur));
		cur->col = (int)i + 1;
		for (; i < len && (qcol != 0 || (line[i] != ' ' && line[i] != '\t')); i++) {
			if (line[i] == '"') {
				qcol = qcol != 0 ? 0 : (int)i + 1;
				continue;
			}
			if (cur->len == GW_CTL_MAX_WORD)
				return gws_fail(c, GW_CTL_E_WORD_LONG, cur->col, "the word at "
				    "column %d is longer than %d bytes", cur->col,
				    GW_CTL_MAX_WORD);
			cur->s[cur->len++] = line[i];
		}
		if (qcol != 0)
			return gws_fail(c, GW_CTL_E_QUOTE, qcol, "the quote at column %d is not "
			    "closed", qcol);
		cur->s[cur->len] = '\0';
		cur->eq = strchr(cur->s, '=');
	}
	return GW_CTL_OK;
}

struct kw {
	const char *word;
	uint8_t min;			/* shortest abbreviation accepted */
	int id;
};

/* The name part of w (before '=' when it has one). */
static size_t
word_name_len(const struct word *w)
{
	return w->eq != NULL ? (size_t)(w->eq - w->s) : w->len;
}

/*
 * Finds w among the keywords t: an exact match, else the one keyword it is
 * a prefix of; when it is a prefix of several, the one whose minimum
 * abbreviation it reaches ("dis" is disable, as on the router; disconnect
 * needs "disc").  Other spellings of one keyword (same id) count once.
 */
static int
kw_find(struct cmd *c, const struct word *w, const struct kw *t, size_t n,
    const char *what)
{
	size_t l = word_name_len(w), i, hits = 0, long_hits = 0;
	int id = -1, long_id = -1;
	char list[256];
	size_t o = 0;

	for (i = 0; i < n; i++) {
		if (l == 0 || l > strlen(t[i].word) || strncasecmp(w->s, t[i].word, l) != 0)
			continue;
		if (l == strlen(t[i].word))
			return t[i].id;		/* exact */
		if (hits == 0 || t[i].id != id)
			hits++;
		id = t[i].id;
		if (l >= t[i].min) {
			if (long_hits == 0 || t[i].id != long_id)
				long_hits++;
			long_id = t[i].id;
		}
	}
	if (hits == 1)
		return id;
	if (long_hits == 1)
		return long_id;
	list[0] = '\0';
	for (i = 0; i < n && o + 2 < sizeof(list); i++) {
		bool match = l > 0 && l <= strlen(t[i].word) &&
		    strncasecmp(w->s, t[i].word, l) == 0;

		if (hits > 1 && !match)
			continue;
		/* Names that are only other spellings are not offered twice. */
		if (i > 0 && t[i].id == t[i - 1].id)
			continue;
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "",
		    t[i].word);
	}
	if (hits > 1)
		return gws_fail(c, GW_CTL_E_AMBIGUOUS, w->col, "\"%.*s\" at column %d is "
		    "ambiguous: %s", (int)l, w->s, w->col, list);
	return gws_fail(c, GW_CTL_E_UNKNOWN, w->col, "unknown %s \"%.*s\" at column %d: "
	    "expected %s", what, (int)l, w->s, w->col, list);
}

/* Parameters. */
enum {
	P_USER = 1 << 0, P_PEER = 1 << 1, P_IP = 1 << 2, P_PROTO = 1 << 3,
	P_PORT = 1 << 4, P_LIMIT = 1 << 5, P_START = 1 << 6, P_FORMAT = 1 << 7
};

static const struct kw params[] = {
	{ "user", 1, P_USER }, { "peer", 2, P_PEER }, { "ip", 1, P_IP },
	{ "protocol", 2, P_PROTO }, { "proto", 2, P_PROTO }, { "port", 2, P_PORT },
	{ "limit", 1, P_LIMIT }, { "start", 1, P_START }, { "format", 1, P_FORMAT },
};

static bool
parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || x > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

/* Strict dotted quad: four decimal parts of 1-3 digits, each <= 255. */
static bool
parse_ip(const char *s, size_t n, uint32_t *ip)
{
	uint32_t v = 0;
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned x = 0, digits = 0;

		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			x = x * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || x > 255)
			return false;
		v = v << 8 | x;
		if (part < 3 && (i >= n || s[i++] != '.'))
			return false;
	}
	if (i != n)
		return false;
	*ip = v;
	return true;
}

static int
parse_param(struct cmd *c, const struct word *w, unsigned allowed)
{
	int id;
	const char *v;
	uint64_t x;

	if (w->eq == NULL)
		return gws_fail(c, GW_CTL_E_PARAM, w->col, "\"%s\" at column %d is not a "
		    "parameter (NAME=VALUE)", w->s, w->col);
	if ((id = kw_find(c, w, params, sizeof(params) / sizeof(params[0]),
	    "parameter")) < 0)
		return id;
	v = w->eq + 1;
	if (!((unsigned)id & allowed))
		return gws_fail(c, GW_CTL_E_PARAM, w->col, "parameter \"%.*s\" at column %d "
		    "does not apply to \"%s\"", (int)word_name_len(w), w->s, w->col,
		    c->name);
	switch (id) {
	case P_USER:
		if (c->has_user)
			break;
		if (*v == '\0' || strlen(v) >= sizeof(((struct gw_sess *)0)->user))
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "user= at column %d: a name "
			    "of 1 to 63 characters", w->col);
		snprintf(c->user, sizeof(c->user), "%s", v);
		c->has_user = true;
		return GW_CTL_OK;
	case P_PEER: {
		const char *colon = strchr(v, ':');
		size_t n = colon != NULL ? (size_t)(colon - v) : strlen(v);

		if (c->has_peer)
			break;
		if (!parse_ip(v, n, &c->peer_ip) || (colon != NULL &&
		    (!parse_u64(colon + 1, 65535, &x) || x == 0)))
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "peer= at column %d: "
			    "expected A.B.C.D or A.B.C.D:PORT, got \"%s\"", w->col, v);
		c->peer_port = colon != NULL ? (uint16_t)x : 0;
		c->has_peer = true;
		return GW_CTL_OK;
	}
	case P_IP:
		if (c->has_ip)
			break;
		if (!parse_ip(v, strlen(v), &c->ip))
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "ip= at column %d: expected "
			    "A.B.C.D, got \"%s\"", w->col, v);
		c->has_ip = true;
		return GW_CTL_OK;
	case P_PROTO:
		if (c->has_proto)
			break;
		if (strcasecmp(v, "tcp") == 0)
			x = 6;
		else if (strcasecmp(v, "udp") == 0)
			x = 17;
		else if (strcasecmp(v, "icmp") == 0)
			x = 1;
		else if (!parse_u64(v, 255, &x))
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "protocol= at column %d: "
			    "expected tcp, udp, icmp or 0-255, got \"%s\"", w->col, v);
		c->proto = (uint8_t)x;
		c->has_proto = true;
		return GW_CTL_OK;
	case P_PORT:
		if (c->has_port)
			break;
		if (!parse_u64(v, 65535, &x) || x == 0)
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "port= at column %d: expected "
			    "1-65535, got \"%s\"", w->col, v);
		c->port = (uint16_t)x;
		c->has_port = true;
		return GW_CTL_OK;
	case P_LIMIT:
		if (c->has_limit)
			break;
		if (!parse_u64(v, GW_CTL_PAGE_MAX, &x) || x == 0)
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "limit= at column %d: expected "
			    "1-%d, got \"%s\"", w->col, GW_CTL_PAGE_MAX, v);
		c->limit = (size_t)x;
		c->has_limit = true;
		return GW_CTL_OK;
	case P_START:
		if (c->has_start)
			break;
		if (!parse_u64(v, UINT64_MAX, &x))
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "start= at column %d: expected "
			    "a number, got \"%s\"", w->col, v);
		c->start = x;
		c->has_start = true;
		return GW_CTL_OK;
	case P_FORMAT:
		if (c->has_format)
			break;
		if (strcasecmp(v, "openmetrics") == 0)
			c->openmetrics = true;
		else if (strcasecmp(v, "table") != 0)
			return gws_fail(c, GW_CTL_E_VALUE, w->col, "format= at column %d: "
			    "expected table or openmetrics, got \"%s\"", w->col, v);
		if (c->openmetrics && c->json)
			return gws_fail(c, GW_CTL_E_PARAM, w->col, "format=openmetrics at "
			    "column %d is text: leave out --json", w->col);
		c->has_format = true;
		return GW_CTL_OK;
	default:
		break;
	}
	return gws_fail(c, GW_CTL_E_PARAM, w->col, "parameter \"%.*s\" at column %d is given "
	    "twice", (int)word_name_len(w), w->s, w->col);
}

static int
parse_params(struct cmd *c, const struct word *w, size_t n, unsigned allowed)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = parse_param(c, &w[i], allowed)) != GW_CTL_OK)
			return rc;
	return GW_CTL_OK;
}

static int
need(struct cmd *c, size_t have, size_t want, const struct word *last, const char *hint)
{
	if (have >= want)
		return GW_CTL_OK;
	return gws_fail(c, GW_CTL_E_INCOMPLETE, last->col + (int)last->len, "\"%s\" needs "
	    "more: %s", c->name, hint);
}

static const struct kw verbs[] = {
	{ "show", 2, W_NONE }, { "disable", 3, W_DISABLE }, { "disconnect", 4, W_DISC },
	{ "enable", 2, W_ENABLE }, { "help", 1, W_HELP }, { "?", 1, W_HELP },
};

static const struct kw objects[] = {
	{ "isakmp", 2, W_ISAKMP }, { "ipsec", 2, W_IPSEC }, { "l2tp", 1, W_L2TP },
	{ "ppp", 2, W_PPP }, { "firewall", 1, W_FIRE }, { "counters", 4, W_COUNTERS },
	{ "config", 4, W_CONFIG }, { "configuration", 4, W_CONFIG }, { "user", 1, W_USER },
	{ "debug", 1, W_DEBUG }, { "failures", 2, W_FAILURES },
};

static const struct kw cats[] = {
	{ "isakmp", 2, GW_LOG_ISAKMP }, { "ipsec", 2, GW_LOG_IPSEC },
	{ "l2tp", 1, GW_LOG_L2TP }, { "ppp", 2, GW_LOG_PPP },
	{ "firewall", 1, GW_LOG_FIRE }, { "gateway", 1, GW_LOG_GW },
	{ "all", 1, GW_LOG_NCAT },
};

static int
parse_show(struct cmd *c, const struct word *w, size_t n)
{
	static const struct kw sa[] = { { "sa", 1, 1 }, { "sas", 3, 1 } };
	static const struct kw l2[] = {
		{ "tunnel", 1, W_L2TP_TUN }, { "tunnels", 7, W_L2TP_TUN },
		{ "session", 1, W_L2TP_SESS }, { "sessions", 8, W_L2TP_SESS },
	};
	static const struct kw fire[] = {
		{ "session", 1, W_FIRE_SESS }, { "sessions", 8, W_FIRE_SESS },
		{ "nat", 1, W_FIRE_NAT },
	};
	const unsigned sel = P_USER | P_PEER | P_LIMIT | P_START;
	int id, rc;
	size_t k = 1;

	if ((rc = need(c, n, 2, &w[0], "what to show (isakmp, ipsec, l2tp, ppp, fire, "
	    "counters, config, user=NAME, debug, failures)")) != GW_CTL_OK)
		return rc;
	if ((id = kw_find(c, &w[1], objects, NK(objects), "object")) < 0)
		return id;
	c->what = id;
	switch (id) {
	case W_ISAKMP:
	case W_IPSEC:
		snprintf(c->name, sizeof(c->name), "show %s sa", id == W_ISAKMP ? "isakmp" :
		    "ipsec");
		if (n > 2 && w[2].eq == NULL) {
			if ((rc = kw_find(c, &w[2], sa, NK(sa), "word")) < 0)
				return rc;
			k = 3;
		} else {
			k = 2;
		}
		return parse_params(c, w + k, n - k, sel);
	case W_L2TP:
		snprintf(c->name, sizeof(c->name), "show l2tp");
		k = 2;
		if (n > 2 && w[2].eq == NULL) {
			if ((id = kw_find(c, &w[2], l2, NK(l2), "word")) < 0)
				return id;
			c->what = id;
			snprintf(c->name, sizeof(c->name), "show l2tp %s",
			    id == W_L2TP_TUN ? "tunnel" : "session");
			k = 3;
		}
		return parse_params(c, w + k, n - k, sel);
	case W_PPP:
		snprintf(c->name, sizeof(c->name), "show ppp");
		return parse_params(c, w + 2, n - 2, sel);
	case W_FIRE:
		snprintf(c->name, sizeof(c->name), "show fire");
		k = 2;
		if (n > 2 && w[2].eq == NULL) {
			if ((id = kw_find(c, &w[2], fire, NK(fire), "word")) < 0)
				return id;
			c->what = id;
			snprintf(c->name, sizeof(c->name), "show fire %s",
			    id == W_FIRE_SESS ? "session" : "nat");
			k = 3;
			return parse_params(c, w + k, n - k, sel | P_IP | P_PROTO | P_PORT);
		}
		return parse_params(c, w + k, n - k, 0);
	case W_COUNTERS:
		snprintf(c->name, sizeof(c->name), "show counters");
		return parse_params(c, w + 2, n - 2, P_FORMAT);
	case W_CONFIG:
		snprintf(c->name, sizeof(c->name), "show config");
		return parse_params(c, w + 2, n - 2, 0);
	case W_DEBUG:
		snprintf(c->name, sizeof(c->name), "show debug");
		return parse_params(c, w + 2, n - 2, 0);
	case W_FAILURES:
		snprintf(c->name, sizeof(c->name), "show failures");
		return parse_params(c, w + 2, n - 2, P_USER | P_PEER);
	case W_USER:
		snprintf(c->name, sizeof(c->name), "show user");
		if (w[1].eq != NULL) {
			/* show user=NAME [...] */
			return parse_params(c, w + 1, n - 1, P_USER | P_LIMIT);
		}
		/* show user NAME */
		if ((rc = need(c, n, 3, &w[1], "the user's name (show user=NAME)")) != GW_CTL_OK)
			return rc;
		if (w[2].len >= sizeof(((struct gw_sess *)0)->user) || w[2].len == 0)
			return gws_fail(c, GW_CTL_E_VALUE, w[2].col, "user name at column %d: 1 to "
			    "63 characters", w[2].col);
		snprintf(c->user, sizeof(c->user), "%s", w[2].s);
		c->has_user = true;
		return parse_params(c, w + 3, n - 3, P_LIMIT);
	default:
		return gws_fail(c, GW_CTL_E_UNKNOWN, w[1].col, "\"%s\" cannot be shown", w[1].s);
	}
}

static int
parse_debug(struct cmd *c, const struct word *w, size_t n)
{
	static const struct kw tail[] = { { "debug", 1, 1 }, { "policy", 3, 2 } };
	bool seen_debug = false;
	size_t i;
	int id;

	if ((id = need(c, n, 3, &w[n - 1], "a category and \"debug\" (enable isakmp "
	    "debug)")) != GW_CTL_OK)
		return id;
	if ((id = kw_find(c, &w[1], cats, NK(cats), "category")) < 0)
		return id;
	c->cat = id == GW_LOG_NCAT ? -1 : id;
	/* "enable isakmp debug", "enable ipsec policy debug=all" (the seed's
	 * alias ed2), "disable l2tp debug". */
	for (i = 2; i < n; i++) {
		int t = kw_find(c, &w[i], tail, NK(tail), "word");

		if (t < 0)
			return t;
		if (t == 2 && (seen_debug || i + 1 == n))
			return gws_fail(c, GW_CTL_E_UNKNOWN, w[i].col, "\"policy\" at column %d "
			    "must come before \"debug\"", w[i].col);
		if (t == 2 && w[i].eq != NULL)
			return gws_fail(c, GW_CTL_E_VALUE, w[i].col, "\"policy\" at column %d "
			    "takes no value", w[i].col);
		if (t == 1) {
			if (seen_debug)
				return gws_fail(c, GW_CTL_E_PARAM, w[i].col, "\"debug\" at "
				    "column %d is given twice", w[i].col);
			seen_debug = true;
		}
	}
	if (!seen_debug)
		return gws_fail(c, GW_CTL_E_INCOMPLETE, w[n - 1].col + (int)w[n - 1].len,
		    "\"%s\" needs \"debug\"", w[0].s);
	snprintf(c->name, sizeof(c->name), "%s %s debug", c->what == W_ENABLE ? "enable" :
	    "disable", c->cat < 0 ? "all" : gws_cat_names[c->cat]);
	return GW_CTL_OK;
}

int
gws_parse(struct cmd *c, const char *line, size_t len)
{
	struct word w[GW_CTL_MAX_WORDS + 1];
	char expanded[MAX_EXPANDED];
	size_t n, i;
	int rc, id;

	/* The form of the answer first, so that even a refused line is
	 * answered in JSON when it asked for JSON. */
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if ((len - i >= 6 && strncasecmp(line + i, "--json", 6) == 0 &&
	    (len - i == 6 || line[i + 6] == ' ' || line[i + 6] == '\t')) ||
	    (len - i >= 4 && strncasecmp(line + i, "json", 4) == 0 &&
	    (len - i == 4 || line[i + 4] == ' ' || line[i + 4] == '\t')))
		c->json = true;
	if (len > GW_CTL_MAX_LINE)
		return gws_fail(c, GW_CTL_E_TOO_LONG, GW_CTL_MAX_LINE + 1, "the command is "
		    "longer than %d bytes", GW_CTL_MAX_LINE);
	for (i = 0; i < len; i++) {
		unsigned char b = (unsigned char)line[i];

		if ((b < 0x20 && b != '\t') || b > 0x7e)
			return gws_fail(c, GW_CTL_E_BYTE, (int)i + 1, "byte 0x%02x at column "
			    "%zu is not printable ASCII", b, i + 1);
	}
	if ((rc = tokenize(c, line, len, w, &n)) != GW_CTL_OK)
		return rc;
	/* A leading --json (or json) asks for the JSON document. */
	if (n > 0 && (strcasecmp(w[0].s, "--json") == 0 || strcasecmp(w[0].s, "json") == 0)) {
		c->json = true;
		memmove(w, w + 1, (n - 1) * sizeof(w[0]));
		n--;
		for (i = 0; i < n; i++)
			w[i].eq = strchr(w[i].s, '=');
	}
	/* The script's aliases ("add alias=ed string=\"enable isa debug\""):
	 * a first word naming one is read as its text, once. */
	if (n > 0) {
		const struct gwconf *conf = c->gw->conf;

		for (i = 0; i < conf->n_aliases; i++)
			if (strcasecmp(conf->aliases[i].name, w[0].s) == 0)
				break;
		if (i < conf->n_aliases) {
			/* Where the alias word ends in the line (an alias name
			 * is one plain word, so it is what the line holds). */
			size_t rest = (size_t)w[0].col - 1 + w[0].len;
			int m;

			m = snprintf(expanded, sizeof(expanded), "%s%.*s", conf->aliases[i].string,
			    (int)(len > rest ? len - rest : 0), line + rest);
			if (m < 0 || (size_t)m >= sizeof(expanded) || (size_t)m > GW_CTL_MAX_LINE)
				return gws_fail(c, GW_CTL_E_TOO_LONG, 1, "alias \"%s\" makes the "
				    "command longer than %d bytes", conf->aliases[i].name,
				    GW_CTL_MAX_LINE);
			if ((rc = tokenize(c, expanded, (size_t)m, w, &n)) != GW_CTL_OK)
				return rc;
		}
	}
	if (n == 0)
		return gws_fail(c, GW_CTL_E_EMPTY, 0, "no command (try \"help\")");
	if (w[0].eq != NULL)
		return gws_fail(c, GW_CTL_E_UNKNOWN, w[0].col, "a command starts with a verb "
		    "(show, disconnect, enable, disable, help), not \"%s\"", w[0].s);
	if ((id = kw_find(c, &w[0], verbs, NK(verbs), "command")) < 0)
		return id;
	c->what = id;
	switch (id) {
	case W_HELP:
		snprintf(c->name, sizeof(c->name), "help");
		return parse_params(c, w + 1, n - 1, 0);
	case W_NONE:
		snprintf(c->name, sizeof(c->name), "show");
		return parse_show(c, w, n);
	case W_DISC:
		snprintf(c->name, sizeof(c->name), "disconnect");
		if ((rc = need(c, n, 2, &w[0], "user=NAME or peer=IP[:PORT]")) != GW_CTL_OK)
			return rc;
		if ((rc = parse_params(c, w + 1, n - 1, P_USER | P_PEER)) != GW_CTL_OK)
			return rc;
		if (c->has_user && c->has_peer)
			return gws_fail(c, GW_CTL_E_PARAM, w[2].col, "disconnect takes user= or "
			    "peer=, not both");
		return GW_CTL_OK;
	case W_ENABLE:
	case W_DISABLE:
		snprintf(c->name, sizeof(c->name), "%s", id == W_ENABLE ? "enable" : "disable");
		return parse_debug(c, w, n);
	default:
		return gws_fail(c, GW_CTL_E_UNKNOWN, w[0].col, "unknown command \"%s\"", w[0].s);
	}
}
