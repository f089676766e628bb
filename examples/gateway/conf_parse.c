/*
 * conf_parse.c - the parser of the router script: the command table
 * (assembled from the slices of the conf_cmd_*.c files), matching a line
 * against it, the diagnostics of a command and the helpers the apply
 * functions share, and the driver (lines, aliases, gwconf_parse_buffer).
 *
 * Every command is an entry of one table: a verb, up to three keywords
 * (each with or without a value: "add" "firewall" "policy=main"
 * "rule=1"), the table of parameters it accepts with their types and
 * limits, and the function that applies it to the model.  Parsing a line
 * is: tokenize (conf_lex.c), expand an alias, resolve the verb by unique
 * prefix, walk the keywords of the candidate commands level by level,
 * resolve and validate each parameter (conf_values.c), check the required
 * ones, apply.  The entries, their parameters and apply functions are in
 * the file of each area:
 *   conf_cmd_system.c  system, users, RADIUS, ENCO keys, aliases,
 *                      enable/disable of modules and debugging, and the
 *                      router-only commands
 *   conf_cmd_net.c     PPP, L2TP, IP interfaces, routes and pools
 *   conf_cmd_fw.c      the firewall
 *   conf_cmd_ipsec.c   IPsec and ISAKMP
 * Key files ("key=N value=V" lines) are parsed in conf_keys.c.
 *
 * Sources for parameter names, value sets and defaults (AlliedWare OS
 * Software Reference and release notes, as stored in the public copies
 * found) are listed in the files that cite them: [PPPT] and [LQR] in
 * conf_cmd_net.c, [FWR] in conf_cmd_fw.c, [IPSP], [ISA281] and [SASP] in
 * conf_cmd_ipsec.c.  Defaults these sources do not state (they could not
 * be found in the stored copies) are marked "assumed" where they are set,
 * with the reason for the choice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

/* Indexed by enum gw_verb (conf_int.h). */
static const struct {
	const char *name;
} verbs[] = {
	{ "add" }, { "create" }, { "disable" }, { "enable" }, { "login" },
	{ "set" },
};

int
gw_resolve_verb(const char *word)
{
	return gw_resolve(word, verbs, GW_NELEM(verbs), sizeof(verbs[0]));
}

/* ------------------------------------------------------------------------
 * Diagnostics of the current command.
 */
static void GW_PRINTF(5, 0)
pvmsg(struct gw_pstate *ps, enum gwconf_severity sev, const struct gw_tok *t,
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

void
gw_perr(struct gw_pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvmsg(ps, GWCONF_SEV_ERROR, t, col, fmt, ap);
	va_end(ap);
}

void
gw_pwarn(struct gw_pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvmsg(ps, GWCONF_SEV_WARNING, t, col, fmt, ap);
	va_end(ap);
}

void
gw_pnotice(struct gw_pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvmsg(ps, GWCONF_SEV_NOTICE, t, col, fmt, ap);
	va_end(ap);
}

struct gwconf_loc
gw_tloc(const struct gw_pstate *ps, const struct gw_tok *t)
{
	struct gwconf_loc l;

	l.line = ps->lineno;
	l.col = t != NULL ? t->col : 0;
	l.file = ps->file_idx;
	return l;
}

struct gwconf_loc
gw_vloc(const struct gw_pstate *ps, const struct gw_val *v)
{
	struct gwconf_loc l = gw_tloc(ps, v->tok);

	if (v->tok != NULL && v->tok->alias == NULL)
		l.col = v->tok->vcol;
	return l;
}

/* "add firewall policy rule" */
const char *
gw_cmd_name(const struct gw_cmd *c, char *buf, size_t cap)
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
const char *
gw_where(const struct gw_pstate *ps, const struct gwconf_loc *l, char *buf,
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
 * Model lookups used by more than one file (names are case-insensitive;
 * those of one area are in its conf_cmd_*.c), and the errors the apply
 * functions share.
 */
struct gwconf_key *
gw_find_key(struct gwconf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_keys; i++)
		if (c->keys[i].id == id)
			return &c->keys[i];
	return NULL;
}

struct gwconf_alias *
gw_find_alias(struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_aliases; i++)
		if (gw_strcaseeq(c->aliases[i].name, name))
			return &c->aliases[i];
	return NULL;
}

bool
gw_room(struct gw_pstate *ps, uint32_t n, uint32_t max, const char *what)
{
	if (n < max)
		return true;
	gw_perr(ps, ps->first, 0, "too many %s (the limit is %u)", what,
	    (unsigned)max);
	return false;
}

void
gw_not_found(struct gw_pstate *ps, const struct gw_val *v, const char *what,
    const char *create)
{
	gw_perr(ps, v->tok, v->tok->vcol, "%s \"%s\" does not exist (create it "
	    "first with \"%s\")", what, v->tok->kind == GW_TOK_PARAM ?
	    v->tok->value : v->tok->name, create);
}

void
gw_duplicate(struct gw_pstate *ps, const struct gw_val *v, const char *what,
    const struct gwconf_loc *first)
{
	char w[GWCONF_PATH_LEN + 32];

	gw_perr(ps, v->tok, v->tok->vcol, "%s \"%s\" is already defined (%s)",
	    what, v->tok->kind == GW_TOK_PARAM ? v->tok->value : v->tok->name,
	    gw_where(ps, first, w, sizeof(w)));
}

/* ------------------------------------------------------------------------
 * The command table: the slices of the conf_cmd_*.c files, in this order
 * (candidates are tried, and their names listed in messages, in table
 * order).
 */
static const struct {
	const struct gw_cmd *cmd;
	size_t n;
} slices[] = {
	{ gw_cmds_system, GW_NCMDS_SYSTEM },
	{ gw_cmds_net, GW_NCMDS_NET },
	{ gw_cmds_fw, GW_NCMDS_FW },
	{ gw_cmds_ipsec, GW_NCMDS_IPSEC },
	{ gw_cmds_router, GW_NCMDS_ROUTER },
};

#define NCMDS (GW_NCMDS_SYSTEM + GW_NCMDS_NET + GW_NCMDS_FW + \
    GW_NCMDS_IPSEC + GW_NCMDS_ROUTER)

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
match(struct gw_pstate *ps, int verb, size_t *consumed, struct gw_val *kv)
{
	const struct gw_cmd *cand[NCMDS];
	size_t nc = 0, i, j, level, ti = 1;
	char cname[64];

	for (j = 0; j < GW_NELEM(slices); j++)
		for (i = 0; i < slices[j].n; i++)
			if (slices[j].cmd[i].verb == verb)
				cand[nc++] = &slices[j].cmd[i];
	for (level = 0; level < GW_MAX_KW; level++) {
		const char *names[NCMDS];
		const struct gw_cmd *next[NCMDS];
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
				gw_perr(ps, ps->first, 0, "\"%s\" needs an "
				    "argument", verbs[verb].name);
				return NULL;
			}
			gw_names_list(list, sizeof(list), NULL, names, nn,
			    sizeof(names[0]), (size_t)-1);
			prefix_name(verb, cand[0], level, cname, sizeof(cname));
			gw_perr(ps, ps->first, 0, "incomplete command \"%s\" "
			    "(expected one of: %s)", cname, list);
			return NULL;
		}
		if (positional != NULL) {
			if (t->kind != GW_TOK_WORD) {
				gw_perr(ps, t, 0, "\"%s\" needs a name, not a "
				    "parameter", verbs[verb].name);
				return NULL;
			}
			if (!gw_parse_value(ps, t, &positional->kw[level].p,
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
				gw_perr(ps, t, 0, "ambiguous %s \"%s\" for "
				    "\"%s\" (could be: %s)", level == 0 ?
				    "object" : "keyword", t->name, cname, list);
			else
				gw_perr(ps, t, 0, "unknown %s \"%s\" for "
				    "\"%s\" (expected one of: %s)", level == 0 ?
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
				gw_perr(ps, t, 0, "\"%s\" needs a value "
				    "(%s=...)", kwname, kwname);
			else
				gw_perr(ps, t, 0, "\"%s\" takes no value",
				    kwname);
			return NULL;
		}
		if (t->kind == GW_TOK_PARAM) {
			if (!gw_parse_value(ps, t, &next[0]->kw[level].p,
			    kwname, &kv[level]))
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
run_command(struct gw_pstate *ps)
{
	struct gw_val kv[GW_MAX_KW], pv[GW_MAX_PARAMS];
	const struct gw_cmd *c;
	const struct gw_tok *t0 = &ps->toks[0];
	size_t consumed = 0, i;
	char cname[64];
	bool missing = false;
	int verb;

	memset(kv, 0, sizeof(kv));
	memset(pv, 0, sizeof(pv));
	ps->first = t0;
	verb = gw_resolve_verb(t0->name);
	if (verb < 0) {
		char list[128];

		gw_names_list(list, sizeof(list), verb == GW_RESOLVE_AMBIGUOUS ?
		    t0->name : NULL, verbs, GW_NELEM(verbs), sizeof(verbs[0]),
		    (size_t)-1);
		if (verb == GW_RESOLVE_AMBIGUOUS)
			gw_perr(ps, t0, 0, "ambiguous command \"%s\" (could "
			    "be: %s)", t0->name, list);
		else
			gw_perr(ps, t0, 0, "unknown command \"%s\" (expected "
			    "one of: %s, or an alias)", t0->name, list);
		return;
	}
	c = match(ps, verb, &consumed, kv);
	if (c == NULL)
		return;
	gw_cmd_name(c, cname, sizeof(cname));
	for (i = consumed; i < ps->ntoks; i++) {
		const struct gw_tok *t = &ps->toks[i];
		int pi;

		if (c->params == NULL && c->notice != NULL)
			break;          /* router-only: anything goes */
		if (t->kind != GW_TOK_PARAM) {
			gw_perr(ps, t, 0, "unexpected word \"%s\" for \"%s\" "
			    "(expected parameter=value)", t->name, cname);
			continue;
		}
		pi = c->nparams > 0 ? gw_resolve(t->name, c->params,
		    c->nparams, sizeof(c->params[0])) : GW_RESOLVE_UNKNOWN;
		if (pi < 0) {
			char list[384];

			if (c->nparams == 0) {
				gw_perr(ps, t, 0, "unknown parameter \"%s\" "
				    "for \"%s\" (it takes no parameters)",
				    t->name, cname);
				continue;
			}
			gw_names_list(list, sizeof(list), pi ==
			    GW_RESOLVE_AMBIGUOUS ? t->name : NULL, c->params,
			    c->nparams, sizeof(c->params[0]), (size_t)-1);
			if (pi == GW_RESOLVE_AMBIGUOUS)
				gw_perr(ps, t, 0, "ambiguous parameter \"%s\" "
				    "for \"%s\" (could be: %s)", t->name, cname,
				    list);
			else
				gw_perr(ps, t, 0, "unknown parameter \"%s\" "
				    "for \"%s\" (expected one of: %s)", t->name,
				    cname, list);
			continue;
		}
		if (pv[pi].set || (pv[pi].tok != NULL)) {
			gw_perr(ps, t, 0, "parameter \"%s\" given twice",
			    c->params[pi].name);
			continue;
		}
		if (!gw_parse_value(ps, t, &c->params[pi], c->params[pi].name,
		    &pv[pi]))
			pv[pi].tok = t;         /* remembered for "twice" */
	}
	for (i = 0; i < c->nparams; i++)
		if ((c->params[i].flags & P_REQ) && !pv[i].set) {
			if (pv[i].tok == NULL)
				gw_perr(ps, t0, 0, "missing parameter \"%s\" "
				    "for \"%s\"", c->params[i].name, cname);
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
expand_alias(struct gw_pstate *ps)
{
	const struct gwconf_alias *a;
	const struct gw_tok *t0 = &ps->toks[0];
	struct gw_tok rest[GWCONF_MAX_TOKENS];
	size_t nrest, i;
	uint32_t col = t0->col;

	if (t0->kind != GW_TOK_WORD || t0->quoted || t0->placeholder)
		return true;
	a = gw_find_alias(ps->conf, t0->name);
	if (a == NULL)
		return true;
	if (gw_lex_line(a->string, strlen(a->string), &ps->aline, ps->file,
	    ps->lineno, ps->diag) != 0 || ps->aline.n == 0) {
		gw_perr(ps, t0, 0, "alias \"%s\" does not expand to a command",
		    a->name);
		return false;
	}
	nrest = ps->ntoks - 1;
	memcpy(rest, ps->toks + 1, nrest * sizeof(rest[0]));
	if (ps->aline.n + nrest > GW_NELEM(ps->toks)) {
		gw_perr(ps, t0, 0,
		    "too many words after expanding alias \"%s\"", a->name);
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
	    gw_find_alias(ps->conf, ps->toks[0].name) != NULL) {
		gw_perr(ps, &ps->toks[0], 0, "alias \"%s\" expands to another "
		    "alias; aliases do not nest", a->name);
		return false;
	}
	return true;
}

static void
parse_lines(struct gw_pstate *ps, const char *buf, size_t len)
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
				gw_perr(ps, &ps->toks[0], 0, "parameter \"%s\" "
				    "at the start of a line: the command of "
				    "line %u was wrapped onto this line; join "
				    "them into one line", ps->toks[0].name,
				    (unsigned)ps->cmd_line);
			else
				gw_perr(ps, &ps->toks[0], 0, "parameter \"%s\" "
				    "at the start of a line: a command starts "
				    "with a verb", ps->toks[0].name);
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
	struct gw_pstate *ps;
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
