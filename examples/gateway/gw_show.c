/*
 * gw_show.c - the operator interface of the gateway core (gw_ctl.h): the
 * command line (bounded, every refusal with its own code and column), the
 * answer's envelope (table or one JSON document), and the commands that are
 * not lists of one library's objects: counters, config, user=, failures,
 * debug switches and the orderly disconnect of one client.  The lists are
 * in gw_show_lists.c.
 *
 * The libraries hand back user tags (peer -> struct gw_peer, IPsec SA ->
 * struct gw_ipsec, L2TP handle -> struct gw_l2ep, session -> struct
 * gw_sess).  A show never follows a tag it has not first found among the
 * objects the core holds (cmd_prep builds those sets), so a stale tag
 * prints as unknown instead of reading freed memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_show.h"
#include "pkt.h"

#define NS_POLL (NS_PER_S / 20)		/* disconnect: progress checks */
#define NS_STAGE (3 * NS_PER_S)		/* disconnect: longest wait per stage */

enum cmd_what {
	W_NONE = 0, W_HELP, W_ISAKMP, W_IPSEC, W_L2TP, W_L2TP_TUN, W_L2TP_SESS, W_PPP,
	W_FIRE, W_FIRE_SESS, W_FIRE_NAT, W_COUNTERS, W_CONFIG, W_USER, W_DEBUG,
	W_FAILURES, W_DISC, W_ENABLE, W_DISABLE
};

enum disc_stage { DISC_NONE = 0, DISC_PPP, DISC_L2TP };

const char *
gw_ctl_rc_name(int rc)
{
	switch (rc) {
	case GW_CTL_OK: return "ok";
	case GW_CTL_E_EMPTY: return "empty";
	case GW_CTL_E_TOO_LONG: return "too_long";
	case GW_CTL_E_BYTE: return "bad_byte";
	case GW_CTL_E_WORDS: return "too_many_words";
	case GW_CTL_E_WORD_LONG: return "word_too_long";
	case GW_CTL_E_QUOTE: return "unclosed_quote";
	case GW_CTL_E_UNKNOWN: return "unknown_word";
	case GW_CTL_E_AMBIGUOUS: return "ambiguous";
	case GW_CTL_E_INCOMPLETE: return "incomplete";
	case GW_CTL_E_PARAM: return "bad_parameter";
	case GW_CTL_E_VALUE: return "bad_value";
	case GW_CTL_E_NOT_FOUND: return "not_found";
	case GW_CTL_E_STATE: return "shutting_down";
	case GW_CTL_E_NOMEM: return "no_memory";
	case GW_CTL_E_TOO_BIG: return "too_big";
	default: return "unknown";
	}
}

/* ---- debug switches --------------------------------------------------- */

static const char *const cat_names[GW_LOG_NCAT] = {
	"gateway", "isakmp", "ipsec", "l2tp", "ppp", "fire"
};

bool
gw_debug_get(const struct gw *gw, enum gw_log_cat cat)
{
	return (unsigned)cat < GW_LOG_NCAT && gw->opt.debug[cat];
}

void
gw_debug_set(struct gw *gw, enum gw_log_cat cat, bool on)
{
	static const uint32_t bit[GW_LOG_NCAT] = {
		0, GWCONF_DEBUG_ISAKMP, GWCONF_DEBUG_IPSEC, GWCONF_DEBUG_L2TP,
		GWCONF_DEBUG_PPP, 0
	};

	if ((unsigned)cat >= GW_LOG_NCAT)
		return;
	gw->opt.debug[cat] = on;
	/* "show config" prints the switches as they are now. */
	if (on)
		gw->conf->debug |= bit[cat];
	else
		gw->conf->debug &= ~bit[cat];
}

/* ---- failures ---------------------------------------------------------- */

void
gw_fail_note(struct gw *gw, const char *user, const struct rg_ep *peer, const char *why)
{
	struct gw_fail *f = &gw->fails[gw->n_fails++ % GW_FAILS];

	memset(f, 0, sizeof(*f));
	f->at = gw->now;
	snprintf(f->user, sizeof(f->user), "%s", user != NULL ? user : "");
	if (peer != NULL)
		f->peer = *peer;
	snprintf(f->why, sizeof(f->why), "%s", why);
}

/* The per-SA counters are summed as an array of uint64_t. */
_Static_assert(sizeof(struct esp_sa_stats) % sizeof(uint64_t) == 0,
    "struct esp_sa_stats holds only uint64_t counters");

void
gw_esp_gone(struct gw *gw, const struct esp_sa *in, const struct esp_sa *out)
{
	const struct esp_sa *sa[2] = { in, out };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		struct esp_sa_stats st;
		uint64_t *dst = (uint64_t *)(void *)&gw->esp_gone[k];
		const uint64_t *src = (const uint64_t *)(const void *)&st;

		if (sa[k] == NULL)
			continue;
		memset(&st, 0, sizeof(st));
		esp_sa_get_stats(sa[k], &st);
		for (i = 0; i < sizeof(st) / sizeof(uint64_t); i++)
			dst[i] += src[i];
	}
}

/* ---- sets of live objects ---------------------------------------------- */

static int
cmp_uptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static int
ps_add(struct pset *s, size_t cap, const void *p)
{
	if (s->n >= cap)
		return -1;
	s->v[s->n++] = (uintptr_t)p;
	return 0;
}

bool
gws_ps_has(const struct pset *s, const void *p)
{
	uintptr_t k = (uintptr_t)p;

	return p != NULL && s->n > 0 &&
	    bsearch(&k, s->v, s->n, sizeof(*s->v), cmp_uptr) != NULL;
}

static int
cmp_byid(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct gw_peer *
gws_peer_by_id(const struct cmd *c, uint64_t id)
{
	size_t lo = 0, hi = c->byid.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->byid.v[mid].id == id)
			return c->byid.v[mid].p;
		if (c->byid.v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
cmp_by_peer(const void *a, const void *b)
{
	const struct peer_sess *x = a, *y = b;

	if (x->peer != y->peer)
		return x->peer < y->peer ? -1 : 1;
	return 0;
}

bool
gws_ep_match(const struct cmd *c, const struct rg_ep *e)
{
	return e->ip == c->peer_ip && (c->peer_port == 0 || e->port == c->peer_port);
}

bool
gws_sel_active(const struct cmd *c)
{
	return c->has_user || c->has_peer;
}

bool
gws_sess_sel(const struct cmd *c, const struct gw_sess *s)
{
	const struct gw_peer *p = s->l2ep != NULL ? s->l2ep->peer : NULL;

	if (c->has_user && strcasecmp(s->user, c->user) != 0)
		return false;
	if (c->has_peer && (p == NULL || !gws_ep_match(c, &p->remote)))
		return false;
	return true;
}

bool
gws_peer_sel(const struct cmd *c, const struct gw_peer *p)
{
	if (!gws_sel_active(c))
		return true;
	if (p == NULL)
		return false;
	if (c->has_peer && !gws_ep_match(c, &p->remote))
		return false;
	if (c->has_user && !gws_ps_has(&c->sel_peers, p))
		return false;
	return true;
}

static void
cmd_free(struct cmd *c)
{
	free(c->peers.v);
	free(c->ipsecs.v);
	free(c->l2eps.v);
	free(c->sessions.v);
	free(c->byid.v);
	free(c->sel_peers.v);
	free(c->sel_ifs);
	free(c->sel_addrs);
	free(c->by_peer);
}

static int
cmd_prep(struct cmd *c)
{
	const struct gw *gw = c->gw;
	struct gw_peer *p;
	struct gw_sess *s;
	size_t np = 0, ni = 0, ns = gw->n_sessions + 1, i;

	for (p = gw->peers; p != NULL; p = p->next) {
		const struct gw_ipsec *x;

		np++;
		for (x = p->sas; x != NULL; x = x->next)
			ni++;
	}
	np++;
	c->peers.v = calloc(np, sizeof(uintptr_t));
	c->sel_peers.v = calloc(np + ns, sizeof(uintptr_t));
	c->byid.v = calloc(np, sizeof(*c->byid.v));
	c->ipsecs.v = calloc(ni + 1, sizeof(uintptr_t));
	c->l2eps.v = calloc(np * GW_L2EP_MAX, sizeof(uintptr_t));
	c->sessions.v = calloc(ns, sizeof(uintptr_t));
	c->sel_ifs = calloc(ns, sizeof(*c->sel_ifs));
	c->sel_addrs = calloc(ns, sizeof(*c->sel_addrs));
	c->by_peer = calloc(ns, sizeof(*c->by_peer));
	if (c->peers.v == NULL || c->sel_peers.v == NULL || c->byid.v == NULL ||
	    c->ipsecs.v == NULL || c->l2eps.v == NULL || c->sessions.v == NULL ||
	    c->sel_ifs == NULL || c->sel_addrs == NULL || c->by_peer == NULL)
		return -1;
	for (p = gw->peers; p != NULL; p = p->next) {
		const struct gw_ipsec *x;

		(void)ps_add(&c->peers, np, p);
		c->byid.v[c->byid.n].id = p->peer_id;
		c->byid.v[c->byid.n++].p = p;
		for (x = p->sas; x != NULL; x = x->next)
			(void)ps_add(&c->ipsecs, ni + 1, x);
		for (i = 0; i < GW_L2EP_MAX; i++)
			(void)ps_add(&c->l2eps, np * GW_L2EP_MAX, &p->l2ep[i]);
		if (c->has_peer && !c->has_user && gws_ep_match(c, &p->remote))
			(void)ps_add(&c->sel_peers, np, p);
	}
	for (s = gw->sessions; s != NULL; s = s->next) {
		struct gw_peer *sp = s->l2ep != NULL ? s->l2ep->peer : NULL;

		(void)ps_add(&c->sessions, ns, s);
		if (c->n_by_peer < ns) {
			c->by_peer[c->n_by_peer].peer = (uintptr_t)sp;
			c->by_peer[c->n_by_peer++].s = s;
		}
		if (!gws_sel_active(c) || !gws_sess_sel(c, s))
			continue;
		/* A peer may go in twice (two sessions): membership is all
		 * that is asked of the set. */
		if (c->has_user && sp != NULL)
			(void)ps_add(&c->sel_peers, np + ns, sp);
		if (s->fw_if != 0 && c->n_sel_ifs < ns)
			c->sel_ifs[c->n_sel_ifs++] = s->fw_if;
		if (s->addr != 0 && c->n_sel_addrs < ns)
			c->sel_addrs[c->n_sel_addrs++] = s->addr;
	}
	qsort(c->peers.v, c->peers.n, sizeof(uintptr_t), cmp_uptr);
	qsort(c->sel_peers.v, c->sel_peers.n, sizeof(uintptr_t), cmp_uptr);
	qsort(c->ipsecs.v, c->ipsecs.n, sizeof(uintptr_t), cmp_uptr);
	qsort(c->l2eps.v, c->l2eps.n, sizeof(uintptr_t), cmp_uptr);
	qsort(c->sessions.v, c->sessions.n, sizeof(uintptr_t), cmp_uptr);
	qsort(c->byid.v, c->byid.n, sizeof(*c->byid.v), cmp_byid);
	qsort(c->by_peer, c->n_by_peer, sizeof(*c->by_peer), cmp_by_peer);
	return 0;
}

/* The sessions riding on peer p: [*first, *first + count) of by_peer. */
static size_t
peer_sessions(const struct cmd *c, const struct gw_peer *p, size_t *first)
{
	size_t lo = 0, hi = c->n_by_peer, n = 0;
	uintptr_t k = (uintptr_t)p;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->by_peer[mid].peer < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < c->n_by_peer && c->by_peer[lo + n].peer == k)
		n++;
	return p != NULL ? n : 0;
}

void
jw_peer_users(struct cmd *c, const char *key, const struct gw_peer *p)
{
	size_t first, n = peer_sessions(c, p, &first), i;

	jw_arr(&c->jw, key);
	for (i = 0; i < n; i++)
		if (c->by_peer[first + i].s->user[0] != '\0')
			jw_str(&c->jw, NULL, c->by_peer[first + i].s->user);
	jw_end_arr(&c->jw);
}

/* ---- lists ------------------------------------------------------------ */

void
page_init(struct cmd *c, struct page *pg, bool section)
{
	memset(pg, 0, sizeof(*pg));
	pg->start = c->start;
	pg->limit = c->has_limit ? c->limit : GW_CTL_PAGE;
	pg->section = section;
}

bool
page_take(struct page *pg)
{
	uint64_t i = pg->matched++;

	if (i < pg->start || pg->shown >= pg->limit)
		return false;
	pg->shown++;
	return true;
}

void
list_open(struct cmd *c, struct page *pg, const char *key, const char *title)
{
	if (c->json) {
		if (pg->section)
			jw_obj(&c->jw, key);
		jw_arr(&c->jw, "items");
	} else if (pg->section) {
		ob_printf(c->o, "\n%s\n", title);
	}
}

void
list_row(struct cmd *c, struct page *pg, const struct col *cols, size_t n,
    const struct col *cols2, size_t n2)
{
	if (c->json || pg->header_done)
		return;
	pg->header_done = true;
	tb_header(c->o, cols, n);
	if (cols2 != NULL)
		tb_header(c->o, cols2, n2);
}

void
list_close(struct cmd *c, struct page *pg, const char *one, const char *many)
{
	uint64_t next = pg->start + pg->shown;
	bool more = pg->incomplete || pg->matched > next;

	if (pg->incomplete)
		next = pg->resume;
	if (c->json) {
		jw_end_arr(&c->jw);
		if (pg->incomplete)
			jw_null(&c->jw, "total");
		else
			jw_u64(&c->jw, "total", pg->matched);
		if (more)
			jw_u64(&c->jw, "next", next);
		else
			jw_null(&c->jw, "next");
		if (pg->section)
			jw_end_obj(&c->jw);
		return;
	}
	if (pg->matched == 0 && !pg->incomplete)
		ob_printf(c->o, "(no %s)\n", many);
	else if (!more && pg->start == 0)
		ob_printf(c->o, "(%llu %s)\n", (unsigned long long)pg->matched,
		    pg->matched == 1 ? one : many);
	else if (!pg->incomplete && more)
		ob_printf(c->o, "(%zu of %llu %s shown; more with start=%llu)\n", pg->shown,
		    (unsigned long long)pg->matched, many, (unsigned long long)next);
	else if (!pg->incomplete)
		ob_printf(c->o, "(%zu of %llu %s shown: the last page)\n", pg->shown,
		    (unsigned long long)pg->matched, many);
	else
		ob_printf(c->o, "(%zu %s shown; more may follow: start=%llu)\n", pg->shown,
		    pg->shown == 1 ? one : many, (unsigned long long)next);
}

/* ---- the command line ------------------------------------------------- */

struct word {
	char s[GW_CTL_MAX_WORD + 1];
	size_t len;
	int col;
	const char *eq;			/* the '=' in s, or NULL */
};

#define MAX_EXPANDED (GW_CTL_MAX_LINE + GWCONF_ALIAS_LEN + 2)

static int
fail(struct cmd *c, int rc, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct cmd *c, int rc, int col, const char *fmt, ...)
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
			return fail(c, GW_CTL_E_WORDS, (int)i + 1, "more than %d words "
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
				return fail(c, GW_CTL_E_WORD_LONG, cur->col, "the word at "
				    "column %d is longer than %d bytes", cur->col,
				    GW_CTL_MAX_WORD);
			cur->s[cur->len++] = line[i];
		}
		if (qcol != 0)
			return fail(c, GW_CTL_E_QUOTE, qcol, "the quote at column %d is not "
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
		return fail(c, GW_CTL_E_AMBIGUOUS, w->col, "\"%.*s\" at column %d is "
		    "ambiguous: %s", (int)l, w->s, w->col, list);
	return fail(c, GW_CTL_E_UNKNOWN, w->col, "unknown %s \"%.*s\" at column %d: "
	    "expected %s", what, (int)l, w->s, w->col, list);
}

/* Parameters. */
enum {
	P_USER = 1 << 0, P_PEER = 1 << 1, P_IP = 1 << 2, P_PROTO = 1 << 3,
	P_PORT = 1 << 4, P_LIMIT = 1 << 5, P_START = 1 << 6
};

static const struct kw params[] = {
	{ "user", 1, P_USER }, { "peer", 2, P_PEER }, { "ip", 1, P_IP },
	{ "protocol", 2, P_PROTO }, { "proto", 2, P_PROTO }, { "port", 2, P_PORT },
	{ "limit", 1, P_LIMIT }, { "start", 1, P_START },
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
		return fail(c, GW_CTL_E_PARAM, w->col, "\"%s\" at column %d is not a "
		    "parameter (NAME=VALUE)", w->s, w->col);
	if ((id = kw_find(c, w, params, sizeof(params) / sizeof(params[0]),
	    "parameter")) < 0)
		return id;
	v = w->eq + 1;
	if (!((unsigned)id & allowed))
		return fail(c, GW_CTL_E_PARAM, w->col, "parameter \"%.*s\" at column %d "
		    "does not apply to \"%s\"", (int)word_name_len(w), w->s, w->col,
		    c->name);
	switch (id) {
	case P_USER:
		if (c->has_user)
			break;
		if (*v == '\0' || strlen(v) >= sizeof(((struct gw_sess *)0)->user))
			return fail(c, GW_CTL_E_VALUE, w->col, "user= at column %d: a name "
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
			return fail(c, GW_CTL_E_VALUE, w->col, "peer= at column %d: "
			    "expected A.B.C.D or A.B.C.D:PORT, got \"%s\"", w->col, v);
		c->peer_port = colon != NULL ? (uint16_t)x : 0;
		c->has_peer = true;
		return GW_CTL_OK;
	}
	case P_IP:
		if (c->has_ip)
			break;
		if (!parse_ip(v, strlen(v), &c->ip))
			return fail(c, GW_CTL_E_VALUE, w->col, "ip= at column %d: expected "
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
			return fail(c, GW_CTL_E_VALUE, w->col, "protocol= at column %d: "
			    "expected tcp, udp, icmp or 0-255, got \"%s\"", w->col, v);
		c->proto = (uint8_t)x;
		c->has_proto = true;
		return GW_CTL_OK;
	case P_PORT:
		if (c->has_port)
			break;
		if (!parse_u64(v, 65535, &x) || x == 0)
			return fail(c, GW_CTL_E_VALUE, w->col, "port= at column %d: expected "
			    "1-65535, got \"%s\"", w->col, v);
		c->port = (uint16_t)x;
		c->has_port = true;
		return GW_CTL_OK;
	case P_LIMIT:
		if (c->has_limit)
			break;
		if (!parse_u64(v, GW_CTL_PAGE_MAX, &x) || x == 0)
			return fail(c, GW_CTL_E_VALUE, w->col, "limit= at column %d: expected "
			    "1-%d, got \"%s\"", w->col, GW_CTL_PAGE_MAX, v);
		c->limit = (size_t)x;
		c->has_limit = true;
		return GW_CTL_OK;
	case P_START:
		if (c->has_start)
			break;
		if (!parse_u64(v, UINT64_MAX, &x))
			return fail(c, GW_CTL_E_VALUE, w->col, "start= at column %d: expected "
			    "a number, got \"%s\"", w->col, v);
		c->start = x;
		c->has_start = true;
		return GW_CTL_OK;
	default:
		break;
	}
	return fail(c, GW_CTL_E_PARAM, w->col, "parameter \"%.*s\" at column %d is given "
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
	return fail(c, GW_CTL_E_INCOMPLETE, last->col + (int)last->len, "\"%s\" needs "
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

#define NK(t) (sizeof(t) / sizeof((t)[0]))

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
		return parse_params(c, w + 2, n - 2, 0);
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
			return fail(c, GW_CTL_E_VALUE, w[2].col, "user name at column %d: 1 to "
			    "63 characters", w[2].col);
		snprintf(c->user, sizeof(c->user), "%s", w[2].s);
		c->has_user = true;
		return parse_params(c, w + 3, n - 3, P_LIMIT);
	default:
		return fail(c, GW_CTL_E_UNKNOWN, w[1].col, "\"%s\" cannot be shown", w[1].s);
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
			return fail(c, GW_CTL_E_UNKNOWN, w[i].col, "\"policy\" at column %d "
			    "must come before \"debug\"", w[i].col);
		if (t == 2 && w[i].eq != NULL)
			return fail(c, GW_CTL_E_VALUE, w[i].col, "\"policy\" at column %d "
			    "takes no value", w[i].col);
		if (t == 1) {
			if (seen_debug)
				return fail(c, GW_CTL_E_PARAM, w[i].col, "\"debug\" at column %d "
				    "is given twice", w[i].col);
			seen_debug = true;
		}
	}
	if (!seen_debug)
		return fail(c, GW_CTL_E_INCOMPLETE, w[n - 1].col + (int)w[n - 1].len,
		    "\"%s\" needs \"debug\"", w[0].s);
	snprintf(c->name, sizeof(c->name), "%s %s debug", c->what == W_ENABLE ? "enable" :
	    "disable", c->cat < 0 ? "all" : cat_names[c->cat]);
	return GW_CTL_OK;
}

static int
parse(struct cmd *c, const char *line, size_t len)
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
		return fail(c, GW_CTL_E_TOO_LONG, GW_CTL_MAX_LINE + 1, "the command is "
		    "longer than %d bytes", GW_CTL_MAX_LINE);
	for (i = 0; i < len; i++) {
		unsigned char b = (unsigned char)line[i];

		if ((b < 0x20 && b != '\t') || b > 0x7e)
			return fail(c, GW_CTL_E_BYTE, (int)i + 1, "byte 0x%02x at column %zu is "
			    "not printable ASCII", b, i + 1);
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
				return fail(c, GW_CTL_E_TOO_LONG, 1, "alias \"%s\" makes the "
				    "command longer than %d bytes", conf->aliases[i].name,
				    GW_CTL_MAX_LINE);
			if ((rc = tokenize(c, expanded, (size_t)m, w, &n)) != GW_CTL_OK)
				return rc;
		}
	}
	if (n == 0)
		return fail(c, GW_CTL_E_EMPTY, 0, "no command (try \"help\")");
	if (w[0].eq != NULL)
		return fail(c, GW_CTL_E_UNKNOWN, w[0].col, "a command starts with a verb "
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
			return fail(c, GW_CTL_E_PARAM, w[2].col, "disconnect takes user= or "
			    "peer=, not both");
		return GW_CTL_OK;
	case W_ENABLE:
	case W_DISABLE:
		snprintf(c->name, sizeof(c->name), "%s", id == W_ENABLE ? "enable" : "disable");
		return parse_debug(c, w, n);
	default:
		return fail(c, GW_CTL_E_UNKNOWN, w[0].col, "unknown command \"%s\"", w[0].s);
	}
}

/* ---- the envelope ----------------------------------------------------- */

static void
env_open(struct cmd *c, bool ok)
{
	if (!c->json)
		return;
	jw_init(&c->jw, c->o);
	jw_obj(&c->jw, NULL);
	jw_str(&c->jw, "schema", GW_CTL_SCHEMA);
	jw_bool(&c->jw, "ok", ok);
	jw_str(&c->jw, "command", c->name[0] ? c->name : NULL);
	jw_u64(&c->jw, "time_ns", c->now);
}

static void
env_close(struct cmd *c)
{
	if (!c->json)
		return;
	jw_end_obj(&c->jw);
	ob_puts(c->o, "\n");
}

/* "error: " and the message, wrapped at spaces to GW_CTL_COLUMNS. */
static void
human_error(struct cmd *c)
{
	const char *m = c->msg;
	size_t room = GW_CTL_COLUMNS - 7;

	ob_puts(c->o, "error: ");
	while (strlen(m) > room) {
		size_t cut = room;

		while (cut > 0 && m[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = room;
		ob_putn(c->o, m, cut);
		ob_puts(c->o, "\n  ");
		m += cut;
		while (*m == ' ')
			m++;
		room = GW_CTL_COLUMNS - 2;
	}
	ob_puts(c->o, m);
	ob_puts(c->o, "\n");
}

static void
env_error(struct cmd *c, int rc)
{
	if (!c->json) {
		human_error(c);
		return;
	}
	env_open(c, false);
	jw_obj(&c->jw, "error");
	jw_str(&c->jw, "code", gw_ctl_rc_name(rc));
	jw_str(&c->jw, "message", c->msg);
	if (c->col > 0)
		jw_u64(&c->jw, "column", (uint64_t)c->col);
	else
		jw_null(&c->jw, "column");
	jw_end_obj(&c->jw);
	env_close(c);
}

/* ---- show counters ----------------------------------------------------- */

struct cdef {
	const char *name;
	size_t off;
	bool drop;
};

#define C(s, f, d) { #f, offsetof(s, f), d }
static const struct cdef isakmp_c[] = {
	C(struct isakmp_stats, rx_packets, false),
	C(struct isakmp_stats, tx_packets, false),
	C(struct isakmp_stats, rx_bytes, false),
	C(struct isakmp_stats, tx_bytes, false),
	C(struct isakmp_stats, rx_truncated, true),
	C(struct isakmp_stats, rx_bad_length, true),
	C(struct isakmp_stats, rx_bad_version, true),
	C(struct isakmp_stats, rx_bad_payload, true),
	C(struct isakmp_stats, rx_no_sa, true),
	C(struct isakmp_stats, rx_no_proposal, true),
	C(struct isakmp_stats, rx_auth_failed, true),
	C(struct isakmp_stats, rx_bad_state, true),
	C(struct isakmp_stats, rx_bad_ke, true),
	C(struct isakmp_stats, rx_bad_nonce, true),
	C(struct isakmp_stats, rx_bad_attr, true),
	C(struct isakmp_stats, rx_decrypt_failed, true),
	C(struct isakmp_stats, rx_bad_id, true),
	C(struct isakmp_stats, rx_no_policy, true),
	C(struct isakmp_stats, rx_bad_marker, true),
	C(struct isakmp_stats, rx_retransmits, false),
	C(struct isakmp_stats, rx_keepalives, false),
	C(struct isakmp_stats, rx_bad_exchange, true),
	C(struct isakmp_stats, half_open_refused, true),
	C(struct isakmp_stats, sa_limit_refused, true),
	C(struct isakmp_stats, events_dropped, true),
	C(struct isakmp_stats, amplification_refused, true),
	C(struct isakmp_stats, phase1_up, false),
	C(struct isakmp_stats, phase1_failed, true),
	C(struct isakmp_stats, phase2_up, false),
	C(struct isakmp_stats, deletes_rx, false),
	C(struct isakmp_stats, deletes_tx, false),
	C(struct isakmp_stats, dpd_tx, false),
	C(struct isakmp_stats, dpd_rx, false),
	C(struct isakmp_stats, dpd_ack_rx, false),
	C(struct isakmp_stats, tx_retransmits, false),
	C(struct isakmp_stats, tx_oversize, true),
	C(struct isakmp_stats, rx_script, true),
	C(struct isakmp_stats, peers_created, false),
	C(struct isakmp_stats, peers_removed, false),
	C(struct isakmp_stats, peer_limit_refused, true),
	C(struct isakmp_stats, ipsec_limit_refused, true),
	C(struct isakmp_stats, ipsec_rekeys, false),
	C(struct isakmp_stats, phase1_rekeys, false),
	C(struct isakmp_stats, natt_keepalives_tx, false),
	C(struct isakmp_stats, peer_moves, false),
	C(struct isakmp_stats, rebind_refused, true),
	C(struct isakmp_stats, timer_deferred, false),
};

static const struct cdef esp_c[] = {
	C(struct esp_stats, sas, false),
	C(struct esp_stats, sa_limit, true),
	C(struct esp_stats, no_sa, true),
	C(struct esp_stats, truncated, true),
	C(struct esp_stats, bad_ip, true),
	C(struct esp_stats, not_esp, true),
	C(struct esp_stats, wrong_dir, true),
	C(struct esp_stats, events_dropped, true),
	C(struct esp_stats, keepalives, false),
	C(struct esp_stats, ike, false),
	C(struct esp_stats, peer_moved, false),
};

static const struct cdef esp_sa_c[] = {
	C(struct esp_sa_stats, packets, false),
	C(struct esp_sa_stats, bytes, false),
	C(struct esp_sa_stats, truncated, true),
	C(struct esp_sa_stats, bad_length, true),
	C(struct esp_sa_stats, align, true),
	C(struct esp_sa_stats, auth_fail, true),
	C(struct esp_sa_stats, replay, true),
	C(struct esp_sa_stats, too_old, true),
	C(struct esp_sa_stats, bad_pad, true),
	C(struct esp_sa_stats, bad_next_hdr, true),
	C(struct esp_sa_stats, dummy, true),
	C(struct esp_sa_stats, buffer, true),
	C(struct esp_sa_stats, expired, true),
	C(struct esp_sa_stats, seq_exhausted, true),
	C(struct esp_sa_stats, crypto_fail, true),
	C(struct esp_sa_stats, rng_fail, true),
	C(struct esp_sa_stats, selector, true),
	C(struct esp_sa_stats, peer_moved, false),
};

static const struct cdef l2tp_c[] = {
	C(struct l2tp_stats, rx_packets, false),
	C(struct l2tp_stats, rx_control, false),
	C(struct l2tp_stats, rx_data, false),
	C(struct l2tp_stats, rx_zlb, false),
	C(struct l2tp_stats, tx_packets, false),
	C(struct l2tp_stats, tx_control, false),
	C(struct l2tp_stats, tx_data, false),
	C(struct l2tp_stats, tx_zlb, false),
	C(struct l2tp_stats, rx_data_bytes, false),
	C(struct l2tp_stats, tx_data_bytes, false),
	C(struct l2tp_stats, rx_truncated, true),
	C(struct l2tp_stats, rx_bad_length, true),
	C(struct l2tp_stats, rx_bad_version, true),
	C(struct l2tp_stats, rx_bad_header, true),
	C(struct l2tp_stats, rx_avp_length, true),
	C(struct l2tp_stats, rx_hidden_bad, true),
	C(struct l2tp_stats, rx_missing_avp, true),
	C(struct l2tp_stats, rx_bad_avp, true),
	C(struct l2tp_stats, rx_unknown_mandatory, true),
	C(struct l2tp_stats, rx_unknown_optional, false),
	C(struct l2tp_stats, rx_no_tunnel, true),
	C(struct l2tp_stats, rx_no_session, true),
	C(struct l2tp_stats, rx_out_of_window, true),
	C(struct l2tp_stats, rx_duplicate, true),
	C(struct l2tp_stats, rx_out_of_order, true),
	C(struct l2tp_stats, rx_auth_failed, true),
	C(struct l2tp_stats, rx_sccrq_retransmit, false),
	C(struct l2tp_stats, rx_unsupported, true),
	C(struct l2tp_stats, rx_state, true),
	C(struct l2tp_stats, refused_limit, true),
	C(struct l2tp_stats, refused_tiebreak, true),
	C(struct l2tp_stats, nomem, true),
	C(struct l2tp_stats, queue_full, true),
	C(struct l2tp_stats, retransmits, false),
	C(struct l2tp_stats, hellos_sent, false),
	C(struct l2tp_stats, rtx_teardowns, true),
	C(struct l2tp_stats, session_setup_timeouts, true),
	C(struct l2tp_stats, tunnel_setup_timeouts, true),
	C(struct l2tp_stats, peer_restarts, false),
	C(struct l2tp_stats, peer_drops, false),
	C(struct l2tp_stats, tunnels_up, false),
	C(struct l2tp_stats, tunnels_down, false),
	C(struct l2tp_stats, sessions_up, false),
	C(struct l2tp_stats, sessions_down, false),
	C(struct l2tp_stats, tunnels_open, false),
	C(struct l2tp_stats, sessions_open, false),
};

static const struct cdef ppp_c[] = {
	C(struct ppp_stats, frames_in, false),
	C(struct ppp_stats, frames_out, false),
	C(struct ppp_stats, ip_in, false),
	C(struct ppp_stats, ip_out, false),
	C(struct ppp_stats, ip_bytes_in, false),
	C(struct ppp_stats, ip_bytes_out, false),
	C(struct ppp_stats, sessions_created, false),
	C(struct ppp_stats, sessions_live, false),
	C(struct ppp_stats, session_limit, true),
	C(struct ppp_stats, sessions_up, false),
	C(struct ppp_stats, sessions_down, false),
	C(struct ppp_stats, auth_ok, false),
	C(struct ppp_stats, auth_fail, true),
	C(struct ppp_stats, auth_timeout, true),
	C(struct ppp_stats, truncated, true),
	C(struct ppp_stats, bad_length, true),
	C(struct ppp_stats, bad_option, true),
	C(struct ppp_stats, dup_option, true),
	C(struct ppp_stats, bad_id, true),
	C(struct ppp_stats, bad_frame, true),
	C(struct ppp_stats, unknown_proto, true),
	C(struct ppp_stats, unknown_code, true),
	C(struct ppp_stats, bad_message, true),
	C(struct ppp_stats, name_too_long, true),
	C(struct ppp_stats, bad_response, true),
	C(struct ppp_stats, duplicate, true),
	C(struct ppp_stats, late, true),
	C(struct ppp_stats, not_converged, true),
	C(struct ppp_stats, rate_limited, true),
	C(struct ppp_stats, loopback, true),
	C(struct ppp_stats, queue_full, true),
	C(struct ppp_stats, too_big, true),
	C(struct ppp_stats, echo_timeout, true),
	C(struct ppp_stats, discard, true),
	C(struct ppp_stats, nomem, true),
	C(struct ppp_stats, bad_state, true),
	C(struct ppp_stats, rng_fail, true),
};

static const struct cdef fw_c[] = {
	C(struct fw_stats, packets, false),
	C(struct fw_stats, passed, false),
	C(struct fw_stats, dropped, true),
	C(struct fw_stats, flows_created, false),
	C(struct fw_stats, flows_expired, false),
	C(struct fw_stats, flows_evicted, false),
	C(struct fw_stats, flows_removed, false),
	C(struct fw_stats, flows_active, false),
	C(struct fw_stats, flows_peak, false),
	C(struct fw_stats, nat_translated, false),
	C(struct fw_stats, icmp_errors_translated, false),
	C(struct fw_stats, frags_tracked, false),
	C(struct fw_stats, mss_clamped, false),
	C(struct fw_stats, log_suppressed, false),
};

static const struct cdef gw_c[] = {
	C(struct gw_stats, rx_udp, false),
	C(struct gw_stats, rx_esp, false),
	C(struct gw_stats, rx_tun, false),
	C(struct gw_stats, tx_udp, false),
	C(struct gw_stats, tx_esp, false),
	C(struct gw_stats, tx_tun, false),
	C(struct gw_stats, ike_in, false),
	C(struct gw_stats, ike_drop, true),
	C(struct gw_stats, esp_in, false),
	C(struct gw_stats, keepalive_in, false),
	C(struct gw_stats, l2tp_clear_refused, true),
	C(struct gw_stats, esp_drop, true),
	C(struct gw_stats, l2tp_drop, true),
	C(struct gw_stats, ppp_drop, true),
	C(struct gw_stats, fw_drop, true),
	C(struct gw_stats, tun_drop, true),
	C(struct gw_stats, no_route, true),
	C(struct gw_stats, no_session, true),
	C(struct gw_stats, spoofed, true),
	C(struct gw_stats, too_big_icmp, true),
	C(struct gw_stats, fragmented, false),
	C(struct gw_stats, bad_ip, true),
	C(struct gw_stats, not_udp, true),
	C(struct gw_stats, not_l2tp, true),
	C(struct gw_stats, unknown_port, true),
	C(struct gw_stats, no_sa_out, true),
	C(struct gw_stats, peers_up, false),
	C(struct gw_stats, peers_down, false),
	C(struct gw_stats, sessions_up, false),
	C(struct gw_stats, sessions_down, false),
	C(struct gw_stats, auth_ok, false),
	C(struct gw_stats, auth_fail, true),
	C(struct gw_stats, pool_exhausted, true),
	C(struct gw_stats, limit_refused, true),
	C(struct gw_stats, icmp_sent, false),
	C(struct gw_stats, output_dropped, true),
};
#undef C

/* libfw's drop reasons by -code (fw_stats.drops[]), as identifiers. */
static const char *const fw_reasons[FW_REASON_MAX] = {
	[11] = "truncated", [12] = "bad_length", [13] = "version",
	[32] = "bad_ihl", [33] = "bad_checksum", [34] = "ip_options",
	[35] = "bad_tcp_offset", [36] = "tcp_flags", [37] = "icmp_bad_inner",
	[38] = "frag_overlap", [39] = "frag_no_first", [40] = "frag_tiny",
	[41] = "bad_address", [42] = "bad_if", [43] = "spoofed", [44] = "policy",
	[45] = "rule_deny", [46] = "need_ipsec", [47] = "ipsec_mismatch",
	[48] = "tcp_no_syn", [49] = "tcp_state", [50] = "icmp_no_flow",
	[51] = "table_full", [52] = "nat_exhausted", [53] = "frag_table_full",
	[54] = "unsupported",
};

struct cval {
	char name[48];
	uint64_t v;
	bool drop;
};

struct cvals {
	struct cval *v;
	size_t n, cap;
};

static void
cv_add(struct cvals *cv, const char *prefix, const char *name, uint64_t v, bool drop)
{
	if (cv->n >= cv->cap)
		return;
	snprintf(cv->v[cv->n].name, sizeof(cv->v[0].name), "%s%s", prefix, name);
	cv->v[cv->n].v = v;
	cv->v[cv->n++].drop = drop;
}

static void
cv_group(struct cvals *cv, const char *prefix, const struct cdef *d, size_t n,
    const void *st)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)st + d[i].off, sizeof(v));
		cv_add(cv, prefix, d[i].name, v, d[i].drop);
	}
}

static void
show_counters(struct cmd *c)
{
	static const struct col cols[] = {
		{ "COUNTER", 44, false }, { "VALUE", 20, true }, { "KIND", 4, false },
	};
	struct gw *gw = c->gw;
	struct cvals cv;
	struct isakmp_stats is;
	struct esp_stats es;
	struct esp_sa_stats sa[2];
	struct esp_sa_info info;
	struct l2tp_stats ls;
	struct ppp_stats ps;
	struct fw_stats fs;
	struct gw_stats gs;
	size_t cur = 0, i, k, nonzero = 0, drops = 0;
	int pass;

	cv.cap = 512;
	cv.n = 0;
	if ((cv.v = calloc(cv.cap, sizeof(*cv.v))) == NULL) {
		c->o->nomem = true;
		return;
	}
	isakmp_get_stats(gw->ike, &is);
	cv_group(&cv, "isakmp.", isakmp_c, NK(isakmp_c), &is);
	esp_get_stats(gw->esp, &es);
	cv_group(&cv, "esp.", esp_c, NK(esp_c), &es);
	/* Per-SA counters: the SAs installed now plus those deleted. */
	sa[0] = gw->esp_gone[0];
	sa[1] = gw->esp_gone[1];
	while (esp_sa_next(gw->esp, c->now, &cur, &info)) {
		uint64_t *dst = (uint64_t *)(void *)&sa[info.dir == ESP_DIR_IN ? 0 : 1];
		const uint64_t *src = (const uint64_t *)(const void *)&info.stats;

		for (k = 0; k < sizeof(info.stats) / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
	cv_group(&cv, "esp.sa_in.", esp_sa_c, NK(esp_sa_c), &sa[0]);
	cv_group(&cv, "esp.sa_out.", esp_sa_c, NK(esp_sa_c), &sa[1]);
	l2tp_get_stats(gw->l2tp, &ls);
	cv_group(&cv, "l2tp.", l2tp_c, NK(l2tp_c), &ls);
	ppp_get_stats(gw->ppp, &ps);
	cv_group(&cv, "ppp.", ppp_c, NK(ppp_c), &ps);
	fw_get_stats(gw->fw, &fs);	/* all zero without a firewall */
	cv_group(&cv, "fw.", fw_c, NK(fw_c), &fs);
	for (i = 1; i < FW_REASON_MAX; i++) {
		char n[24];

		if (fw_reasons[i] == NULL && fs.drops[i] == 0)
			continue;
		if (fw_reasons[i] == NULL)
			snprintf(n, sizeof(n), "reason_%zu", i);
		else
			snprintf(n, sizeof(n), "%s", fw_reasons[i]);
		cv_add(&cv, "fw.drop.", n, fs.drops[i], true);
	}
	gw_get_stats(gw, &gs);
	cv_group(&cv, "gateway.", gw_c, NK(gw_c), &gs);
	cv_add(&cv, "gateway.", "ctl_commands", gw->ctl_commands, false);
	cv_add(&cv, "gateway.", "ctl_refused", gw->ctl_refused, true);

	for (i = 0; i < cv.n; i++)
		if (cv.v[i].v != 0) {
			nonzero++;
			drops += cv.v[i].drop;
		}
	if (c->json)
		jw_arr(&c->jw, "items");
	else
		tb_header(c->o, cols, NK(cols));
	/* Nonzero first, each group in the libraries' order. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < cv.n; i++) {
			const struct cval *v = &cv.v[i];
			char num[32];
			const char *cells[3];

			if ((pass == 0) != (v->v != 0))
				continue;
			if (c->json) {
				jw_obj(&c->jw, NULL);
				jw_str(&c->jw, "name", v->name);
				jw_u64(&c->jw, "value", v->v);
				jw_bool(&c->jw, "drop", v->drop);
				jw_end_obj(&c->jw);
				continue;
			}
			snprintf(num, sizeof(num), "%llu", (unsigned long long)v->v);
			cells[0] = v->name;
			cells[1] = num;
			cells[2] = v->drop ? "drop" : "";
			tb_line(c->o, cols, 3, cells);
		}
	if (c->json) {
		jw_end_arr(&c->jw);
		jw_u64(&c->jw, "total", cv.n);
		jw_u64(&c->jw, "nonzero", nonzero);
		jw_u64(&c->jw, "nonzero_drops", drops);
	} else {
		ob_printf(c->o, "(%zu counters, %zu nonzero, %zu of them drops)\n", cv.n,
		    nonzero, drops);
	}
	free(cv.v);
}

/* ---- show config ------------------------------------------------------- */

static void
show_config(struct cmd *c)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int rc;

	if (f == NULL) {
		c->o->nomem = true;
		return;
	}
	rc = c->json ? gwconf_print_json(c->gw->conf, f) : gwconf_print(c->gw->conf, f);
	if (fclose(f) != 0 || rc != 0 || buf == NULL) {
		free(buf);
		c->o->nomem = true;
		return;
	}
	if (c->json) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			n--;
		jw_raw(&c->jw, "config", buf, n);
	} else {
		ob_putn(c->o, buf, n);
	}
	free(buf);
}

/* ---- show failures ----------------------------------------------------- */

static void
show_failures(struct cmd *c, bool section, size_t max)
{
	static const struct col cols[] = {
		{ "AGO", 6, true }, { "USER", 14, false }, { "PEER", 21, false },
		{ "WHY", 55, false },
	};
	const struct gw *gw = c->gw;
	uint32_t n = gw->n_fails < GW_FAILS ? gw->n_fails : GW_FAILS, i;
	size_t shown = 0;

	if (c->json) {
		jw_arr(&c->jw, section ? "failures" : "items");
	} else if (section) {
		ob_puts(c->o, "\nRecent failures\n");
	}
	for (i = 0; i < n && shown < max; i++) {
		const struct gw_fail *f = &gw->fails[(gw->n_fails - 1 - i) % GW_FAILS];
		char ago[FMT_LEN], ep[FMT_LEN];
		const char *cells[4];

		if (c->has_user && strcasecmp(f->user, c->user) != 0)
			continue;
		if (c->has_peer && !gws_ep_match(c, &f->peer))
			continue;
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_secs(&c->jw, "ago_s", ns_since(c->now, f->at));
			jw_str(&c->jw, "user", f->user[0] ? f->user : NULL);
			if (f->peer.ip != 0)
				jw_ep(&c->jw, "peer", f->peer.ip, f->peer.port);
			else
				jw_null(&c->jw, "peer");
			jw_str(&c->jw, "why", f->why);
			jw_end_obj(&c->jw);
		} else {
			if (shown == 0)
				tb_header(c->o, cols, NK(cols));
			cells[0] = fmt_dur(ago, ns_since(c->now, f->at));
			cells[1] = f->user[0] ? f->user : "-";
			cells[2] = f->peer.ip ? fmt_ep(ep, f->peer.ip, f->peer.port) : "-";
			cells[3] = f->why;
			tb_line(c->o, cols, 4, cells);
		}
		shown++;
	}
	if (c->json) {
		jw_end_arr(&c->jw);
		if (!section)
			jw_u64(&c->jw, "total", shown);
	} else if (shown == 0)
		ob_puts(c->o, "(no failures)\n");
	else
		ob_printf(c->o, "(%zu failure%s)\n", shown, shown == 1 ? "" : "s");
}

/* ---- show user=NAME ---------------------------------------------------- */

static void
show_user(struct cmd *c)
{
	const struct gwconf *conf = c->gw->conf;
	const struct gwconf_user *u = NULL;
	const struct gw_sess *s;
	size_t nsess = 0, up = 0;
	uint32_t i;
	char a[16];

	for (i = 0; i < conf->n_users; i++)
		if (strcasecmp(conf->users[i].name, c->user) == 0 &&
		    conf->users[i].privilege == GWCONF_PRIV_USER)
			u = &conf->users[i];
	for (s = c->gw->sessions; s != NULL; s = s->next)
		if (gws_sess_sel(c, s)) {
			nsess++;
			up += s->up_at != 0;
		}
	if (c->json) {
		jw_str(&c->jw, "user", c->user);
		jw_bool(&c->jw, "configured", u != NULL);
		if (u != NULL && u->has_ip)
			jw_ip(&c->jw, "static_address", u->ip);
		else
			jw_null(&c->jw, "static_address");
		jw_bool(&c->jw, "connected", up > 0);
		jw_u64(&c->jw, "sessions", nsess);
	} else {
		/* A name is at most 63 bytes: each line stays within 100. */
		ob_printf(c->o, "User %s: %s", c->user, up > 0 ? "connected" : nsess > 0 ?
		    "connecting" : "not connected");
		if (nsess > 0)
			ob_printf(c->o, " (%zu PPP session%s)", nsess, nsess == 1 ? "" : "s");
		if (u == NULL)
			ob_puts(c->o, "\nNot a dial-in user of the configuration\n");
		else if (u->has_ip)
			ob_printf(c->o, "\nConfigured, static address %s\n", pkt_ntoa(u->ip, a));
		else
			ob_puts(c->o, "\nConfigured, address from the pool\n");
	}
	if (nsess > 0) {
		show_ppp(c, true);
		show_l2tp_session(c, true);
		show_l2tp_tunnel(c, true);
		show_isakmp(c, true);
		show_ipsec(c, true);
		show_fire_session(c, true);
	}
	show_failures(c, true, 5);
}

/* ---- debug ------------------------------------------------------------- */

static void
show_debug(struct cmd *c)
{
	int k;

	if (c->json)
		jw_obj(&c->jw, "debug");
	for (k = 0; k < GW_LOG_NCAT; k++) {
		if (c->json)
			jw_bool(&c->jw, cat_names[k], c->gw->opt.debug[k]);
		else
			ob_printf(c->o, "%-8s debug %s\n", cat_names[k],
			    c->gw->opt.debug[k] ? "on" : "off");
	}
	if (c->json)
		jw_end_obj(&c->jw);
}

static void
set_debug(struct cmd *c, bool on)
{
	int k;

	for (k = 0; k < GW_LOG_NCAT; k++) {
		if (c->cat >= 0 && k != c->cat)
			continue;
		if (c->gw->opt.debug[k] != on)
			gw_log(c->gw, GW_LOG_GW, 5, "operator: %s debug %s", cat_names[k],
			    on ? "on" : "off");
		gw_debug_set(c->gw, (enum gw_log_cat)k, on);
	}
	show_debug(c);
}

/* ---- disconnect -------------------------------------------------------- */

static void
peer_disc_start(struct gw *gw, uint64_t now, struct gw_peer *p)
{
	struct gw_sess *s;

	if (p->disc != DISC_NONE || p->dead)
		return;
	/* PPP first: each session gets a Terminate-Request; the CDN follows
	 * once its Terminate-Ack went out (gw_sess_deferred). */
	for (s = gw->sessions; s != NULL; s = s->next)
		if (s->l2ep != NULL && s->l2ep->peer == p && s->ppp != NULL && !s->ppp_done)
			(void)ppp_session_close(s->ppp, now);
	p->disc = DISC_PPP;
	p->disc_deadline = now + NS_STAGE;
	p->disc_next = now + NS_POLL;
	gw->n_disc++;
}

static bool
peer_has_tunnels(const struct gw *gw, uint64_t now, const struct gw_peer *p)
{
	struct l2tp_tunnel_info ti;
	size_t cur = 0;

	while (l2tp_tunnel_next(gw->l2tp, now, &cur, &ti)) {
		uintptr_t h = (uintptr_t)ti.peer_handle;

		if (h >= (uintptr_t)&p->l2ep[0] && h <= (uintptr_t)&p->l2ep[GW_L2EP_MAX - 1])
			return true;
	}
	return false;
}

uint64_t
gw_ctl_next_timeout(const struct gw *gw)
{
	const struct gw_peer *p;
	uint64_t t = UINT64_MAX;

	for (p = gw->peers; p != NULL; p = p->next)
		if (p->disc != DISC_NONE && !p->dead && p->disc_next < t)
			t = p->disc_next;
	return t;
}

/*
 * One step of every disconnect that is due: PPP sessions gone (or 3 s) ->
 * StopCCN on the peer's tunnels; tunnels gone (or 3 s) -> the peer is
 * deleted in libisakmp (IPsec and ISAKMP Deletes when senddeletes=true),
 * whose PEER_DOWN frees what is left.  An action may free peers, so the
 * walk starts over after each.
 */
void
gw_ctl_handle_timeout(struct gw *gw, uint64_t now)
{
	for (;;) {
		struct gw_peer *p, *act = NULL;
		uint32_t n = 0;
		size_t i;

		for (p = gw->peers; p != NULL; p = p->next) {
			if (p->disc == DISC_NONE)
				continue;
			if (p->dead) {
				p->disc = DISC_NONE;
				continue;
			}
			n++;
			if (now < p->disc_next)
				continue;
			if (p->disc == DISC_PPP && p->n_sessions > 0 && now < p->disc_deadline) {
				p->disc_next = now + NS_POLL;
				continue;
			}
			if (p->disc == DISC_L2TP && now < p->disc_deadline &&
			    peer_has_tunnels(gw, now, p)) {
				p->disc_next = now + NS_POLL;
				continue;
			}
			act = p;
			break;
		}
		if (act == NULL) {
			gw->n_disc = n;
			return;
		}
		if (act->disc == DISC_PPP) {
			act->disc = DISC_L2TP;
			act->disc_deadline = now + NS_STAGE;
			act->disc_next = now + NS_POLL;
			for (i = 0; i < GW_L2EP_MAX; i++)
				if (act->l2ep[i].peer == act)
					(void)l2tp_peer_close(gw->l2tp, now,
					    (uint64_t)(uintptr_t)&act->l2ep[i],
					    L2TP_STOPCCN_GENERAL_REQUEST);
		} else {
			char e[40];

			act->disc = DISC_NONE;
			gw_log(gw, GW_LOG_GW, 6, "operator disconnect: deleting peer %s (%s)",
			    gw_ep_str(&act->remote, e, sizeof(e)), act->id);
			(void)isakmp_peer_delete(gw->ike, now, act->peer_id);
		}
		gw_events(gw, now);
	}
}

static bool
in_hits(struct gw_peer *const *hit, size_t n, const struct gw_peer *p)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (hit[k] == p)
			return true;
	return false;
}

static int
do_disconnect(struct cmd *c)
{
	struct gw *gw = c->gw;
	struct gw_sess *s;
	struct gw_peer *p, **hit;
	size_t nsess = 0, k, nhit = 0;
	int rc = GW_CTL_OK;

	if (gw->shut != SHUT_NONE)
		return fail(c, GW_CTL_E_STATE, 0, "the gateway is shutting down");
	/* Every client that may be hit is alive now: at most all peers. */
	if ((hit = calloc(c->peers.n + 1, sizeof(*hit))) == NULL)
		return fail(c, GW_CTL_E_NOMEM, 0, "out of memory");
	if (c->has_user) {
		for (s = gw->sessions; s != NULL; s = s->next) {
			size_t first, n;
			bool others = false;

			if (strcasecmp(s->user, c->user) != 0 || s->ppp_done || s->ppp == NULL)
				continue;
			nsess++;
			p = s->l2ep != NULL ? s->l2ep->peer : NULL;
			/* The whole client goes, unless other users ride on it. */
			n = peer_sessions(c, p, &first);
			for (k = 0; k < n; k++)
				if (strcasecmp(c->by_peer[first + k].s->user, c->user) != 0)
					others = true;
			if (p != NULL && !others && !p->dead) {
				if (p->disc == DISC_NONE && !in_hits(hit, nhit, p) &&
				    nhit < c->peers.n)
					hit[nhit++] = p;
			} else {
				(void)ppp_session_close(s->ppp, c->now);
			}
		}
	} else {
		for (p = gw->peers; p != NULL; p = p->next) {
			size_t first, n;

			if (p->dead || !gws_ep_match(c, &p->remote) || nhit >= c->peers.n)
				continue;
			hit[nhit++] = p;
			n = peer_sessions(c, p, &first);
			for (k = 0; k < n; k++)
				nsess += !c->by_peer[first + k].s->ppp_done;
		}
	}
	for (k = 0; k < nhit; k++)
		peer_disc_start(gw, c->now, hit[k]);
	if (nsess == 0 && nhit == 0) {
		char e[FMT_LEN];

		if (c->has_user)
			rc = fail(c, GW_CTL_E_NOT_FOUND, 0, "user %s has no session", c->user);
		else
			rc = fail(c, GW_CTL_E_NOT_FOUND, 0, "no client at %s", c->peer_port ?
			    fmt_ep(e, c->peer_ip, c->peer_port) : pkt_ntoa(c->peer_ip, e));
		free(hit);
		return rc;
	}
	{
		char e[40];

		gw_log(gw, GW_LOG_GW, 5, "operator: disconnect %s%s: %zu PPP session%s, %zu "
		    "client%s", c->has_user ? "user=" : "peer=", c->has_user ? c->user :
		    (c->peer_port ? fmt_ep(e, c->peer_ip, c->peer_port) :
		    pkt_ntoa(c->peer_ip, e)), nsess, nsess == 1 ? "" : "s", nhit,
		    nhit == 1 ? "" : "s");
	}
	gw_events(gw, c->now);
	if (c->json) {
		jw_u64(&c->jw, "sessions", nsess);
		jw_arr(&c->jw, "peers");
		for (k = 0; k < nhit; k++) {
			jw_obj(&c->jw, NULL);
			jw_ep(&c->jw, "peer", hit[k]->remote.ip, hit[k]->remote.port);
			jw_str(&c->jw, "id", hit[k]->id);
			jw_end_obj(&c->jw);
		}
		jw_end_arr(&c->jw);
	} else {
		ob_printf(c->o, "disconnecting: %zu PPP session%s; %zu client%s torn down in "
		    "order (PPP, L2TP, IPsec/ISAKMP)\n", nsess, nsess == 1 ? "" : "s",
		    nhit, nhit == 1 ? "" : "s");
		for (k = 0; k < nhit; k++) {
			char e[FMT_LEN];

			/* The peer's ID is its own text: cut to the line. */
			ob_printf(c->o, "  %s (%.70s)\n", fmt_ep(e, hit[k]->remote.ip,
			    hit[k]->remote.port), hit[k]->id);
		}
	}
	free(hit);
	return GW_CTL_OK;
}

/* ---- help -------------------------------------------------------------- */

static const char *const help_lines[] = {
	"show isakmp sa [user=NAME] [peer=IP[:PORT]] [limit=N] [start=N]",
	"show ipsec sa [user=NAME] [peer=IP[:PORT]] [limit=N] [start=N]",
	"show l2tp [tunnel|session] [user=NAME] [peer=IP[:PORT]] [limit=N] [start=N]",
	"show ppp [user=NAME] [peer=IP[:PORT]] [limit=N] [start=N]",
	"show fire session [user=NAME] [peer=IP[:PORT]] [ip=A] [proto=P] [port=N] "
	    "[limit=N] [start=C]",
	"show fire nat [user=NAME] [peer=IP[:PORT]] [ip=A] [proto=P] [port=N] "
	    "[limit=N] [start=C]",
	"show fire",
	"show counters",
	"show config",
	"show user=NAME [limit=N]",
	"show failures [user=NAME] [peer=IP[:PORT]]",
	"show debug",
	"disconnect user=NAME | peer=IP[:PORT]",
	"enable|disable isakmp|ipsec|l2tp|ppp|fire|gateway|all debug",
	"help",
};

static void
show_help(struct cmd *c)
{
	size_t i;

	if (c->json) {
		jw_arr(&c->jw, "commands");
		for (i = 0; i < NK(help_lines); i++)
			jw_str(&c->jw, NULL, help_lines[i]);
		jw_end_arr(&c->jw);
		return;
	}
	ob_puts(c->o, "Commands (words may be abbreviated; a leading --json asks for JSON):\n");
	for (i = 0; i < NK(help_lines); i++)
		ob_printf(c->o, "  %s\n", help_lines[i]);
}

/* ---- show fire (summary) ----------------------------------------------- */

static const char *
fw_action_text(enum gwconf_fw_action a)
{
	switch (a) {
	case GWCONF_FW_ALLOW: return "allow";
	case GWCONF_FW_DENY: return "deny";
	case GWCONF_FW_NAT: return "nat";
	case GWCONF_FW_NONAT: return "nonat";
	default: return "?";
	}
}

static void
show_fire_summary(struct cmd *c)
{
	const struct gwconf *conf = c->gw->conf;
	static const struct col cols[] = {
		{ "RULE", 5, true }, { "INTERFACE", 15, false }, { "ACTION", 6, false },
		{ "PROTO", 5, false }, { "IPSEC", 5, false }, { "HITS", 20, true },
	};
	struct fw_stats fs;
	uint32_t i;

	fw_get_stats(c->gw->fw, &fs);
	if (c->json) {
		jw_bool(&c->jw, "enabled", c->gw->fw != NULL);
		jw_u64(&c->jw, "flows_active", fs.flows_active);
		jw_u64(&c->jw, "flows_peak", fs.flows_peak);
		jw_u64(&c->jw, "packets", fs.packets);
		jw_u64(&c->jw, "passed", fs.passed);
		jw_u64(&c->jw, "dropped", fs.dropped);
		jw_u64(&c->jw, "nat_translated", fs.nat_translated);
		jw_arr(&c->jw, "rules");
	} else {
		ob_printf(c->o, "Firewall %s: %llu connections (peak %llu)\n",
		    c->gw->fw ? "enabled" : "disabled", (unsigned long long)fs.flows_active,
		    (unsigned long long)fs.flows_peak);
		ob_printf(c->o, "Packets: %llu passed, %llu dropped\n",
		    (unsigned long long)fs.passed, (unsigned long long)fs.dropped);
		ob_printf(c->o, "NAT: %llu packets translated\n",
		    (unsigned long long)fs.nat_translated);
		if (c->gw->fw != NULL && conf->n_fw_rules > 0)
			tb_header(c->o, cols, NK(cols));
	}
	for (i = 0; c->gw->fw != NULL && i < conf->n_fw_rules; i++) {
		const struct gwconf_fw_rule *r = &conf->fw_rules[i];
		uint64_t hits = 0;
		char num[8], h[24], pr[8];
		const char *cells[6];

		(void)fw_rule_hits(c->gw->fw, r->id, &hits);
		if (c->json) {
			jw_obj(&c->jw, NULL);
			jw_u64(&c->jw, "rule", r->id);
			jw_str(&c->jw, "interface", r->ifname);
			jw_str(&c->jw, "action", fw_action_text(r->action));
			if (r->protocol == GWCONF_PROTO_ANY)
				jw_null(&c->jw, "protocol");
			else
				jw_u64(&c->jw, "protocol", (uint64_t)r->protocol);
			jw_bool(&c->jw, "encap_ipsec", r->encap_ipsec);
			jw_u64(&c->jw, "hits", hits);
			jw_end_obj(&c->jw);
			continue;
		}
		snprintf(num, sizeof(num), "%u", r->id);
		snprintf(h, sizeof(h), "%llu", (unsigned long long)hits);
		snprintf(pr, sizeof(pr), "%u", (unsigned)(r->protocol & 0xff));
		cells[0] = num;
		cells[1] = r->ifname;
		cells[2] = fw_action_text(r->action);
		cells[3] = r->protocol == GWCONF_PROTO_ANY ? "any" : r->protocol == 17 ? "udp" :
		    r->protocol == 6 ? "tcp" : r->protocol == 1 ? "icmp" : pr;
		cells[4] = r->encap_ipsec ? "yes" : "no";
		cells[5] = h;
		tb_line(c->o, cols, 6, cells);
	}
	if (c->json)
		jw_end_arr(&c->jw);
}

/* ---- entry point ------------------------------------------------------- */

static int
run(struct cmd *c)
{
	switch (c->what) {
	case W_HELP: show_help(c); break;
	case W_ISAKMP: show_isakmp(c, false); break;
	case W_IPSEC: show_ipsec(c, false); break;
	case W_L2TP:
		if (c->json) {
			/* Both lists as sections of one document. */
			show_l2tp_tunnel(c, true);
			show_l2tp_session(c, true);
		} else {
			ob_puts(c->o, "L2TP tunnels\n");
			show_l2tp_tunnel(c, false);
			ob_puts(c->o, "\nL2TP sessions\n");
			show_l2tp_session(c, false);
		}
		break;
	case W_L2TP_TUN: show_l2tp_tunnel(c, false); break;
	case W_L2TP_SESS: show_l2tp_session(c, false); break;
	case W_PPP: show_ppp(c, false); break;
	case W_FIRE: show_fire_summary(c); break;
	case W_FIRE_SESS: show_fire_session(c, false); break;
	case W_FIRE_NAT: show_fire_nat(c, false); break;
	case W_COUNTERS: show_counters(c); break;
	case W_CONFIG: show_config(c); break;
	case W_USER: show_user(c); break;
	case W_DEBUG: show_debug(c); break;
	case W_FAILURES: show_failures(c, false, GW_FAILS); break;
	case W_DISC: return do_disconnect(c);
	case W_ENABLE: set_debug(c, true); break;
	case W_DISABLE: set_debug(c, false); break;
	default:
		return fail(c, GW_CTL_E_UNKNOWN, 0, "nothing to do");
	}
	return GW_CTL_OK;
}

int
gw_ctl_exec(struct gw *gw, uint64_t now, const char *line, size_t len,
    struct gw_ctl_out *out)
{
	struct cmd c;
	size_t base = out->len, max = out->max ? out->max : GW_CTL_OUT_MAX;
	int rc;

	memset(&c, 0, sizeof(c));
	c.gw = gw;
	c.now = now;
	c.o = out;
	c.cat = -1;
	gw->now = now;
	gw->ctl_commands++;
	rc = line == NULL && len > 0 ? fail(&c, GW_CTL_E_EMPTY, 0, "no command") :
	    parse(&c, line != NULL ? line : "", len);
	if (rc == GW_CTL_OK && cmd_prep(&c) != 0)
		rc = fail(&c, GW_CTL_E_NOMEM, 0, "out of memory");
	if (rc == GW_CTL_OK) {
		/* Room kept for the error document if the answer overflows. */
		out->max = max > 1024 ? max - 1024 : max;
		env_open(&c, true);
		rc = run(&c);
		env_close(&c);
		out->max = max;
		if (rc == GW_CTL_OK && out->nomem)
			rc = fail(&c, GW_CTL_E_NOMEM, 0, "out of memory building the answer");
		else if (rc == GW_CTL_OK && out->truncated)
			rc = fail(&c, GW_CTL_E_TOO_BIG, 0, "the answer is larger than %zu "
			    "bytes: ask for fewer entries (limit=, start=)", max - 1024);
	}
	if (rc != GW_CTL_OK) {
		gw->ctl_refused++;
		out->len = base;
		out->truncated = out->nomem = false;
		if (out->buf != NULL)
			out->buf[base] = '\0';
		env_error(&c, rc);
	}
	cmd_free(&c);
	gw_bury(gw);
	return rc;
}
