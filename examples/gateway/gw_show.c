/*
 * gw_show.c - the operator interface of the gateway core (gw_ctl.h): its
 * entry point gw_ctl_exec, the answer's envelope (table or one JSON
 * document; a refusal with its code and column), "help", the dispatch of a
 * parsed command, and what the commands share (gw_show.h): the sets of
 * live objects, the user=/peer= selection and the paging of lists.  The
 * rest of the interface:
 *   gw_show_parse.c     the command line (bounded, each refusal with its
 *                       own code and column)
 *   gw_show_counters.c  show counters, show config
 *   gw_show_user.c      show user=, show failures, disconnect, debug
 *   gw_show_lists.c     the IKE, IPsec, L2TP and PPP tables
 *   gw_show_fire.c      show fire: summary, connections, NAT bindings
 *
 * The libraries hand back user tags (peer -> struct gw_peer, IPsec SA ->
 * struct gw_ipsec, L2TP handle -> struct gw_l2ep, session -> struct
 * gw_sess).  A show never follows a tag it has not first found among the
 * objects the core holds (cmd_prep builds those sets), so a stale tag
 * prints as unknown instead of reading freed memory.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_show.h"

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
size_t
gws_peer_sessions(const struct cmd *c, const struct gw_peer *p, size_t *first)
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
	size_t first, n = gws_peer_sessions(c, p, &first), i;

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
	"show counters [format=table|openmetrics]",
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
		return gws_fail(c, GW_CTL_E_UNKNOWN, 0, "nothing to do");
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
	rc = line == NULL && len > 0 ? gws_fail(&c, GW_CTL_E_EMPTY, 0, "no command") :
	    gws_parse(&c, line != NULL ? line : "", len);
	if (rc == GW_CTL_OK && cmd_prep(&c) != 0)
		rc = gws_fail(&c, GW_CTL_E_NOMEM, 0, "out of memory");
	if (rc == GW_CTL_OK) {
		/* Room kept for the error document if the answer overflows. */
		out->max = max > 1024 ? max - 1024 : max;
		env_open(&c, true);
		rc = run(&c);
		env_close(&c);
		out->max = max;
		if (rc == GW_CTL_OK && out->nomem)
			rc = gws_fail(&c, GW_CTL_E_NOMEM, 0, "out of memory building the answer");
		else if (rc == GW_CTL_OK && out->truncated)
			rc = gws_fail(&c, GW_CTL_E_TOO_BIG, 0, "the answer is larger than %zu "
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
