/*
 * conf_keys.c - the root-only key file (pre-shared keys kept out of the
 * script): its "key=N value=V" lines parsed into the model, and the file
 * read after checking who may read it; and the interface map (script
 * interface names to host ones).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_int.h"

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
keyfile_line(struct gw_pstate *ps)
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
			gw_perr(ps, t, 0, "unexpected word \"%s\" in a key "
			    "file (expected key=N value=TEXT)", t->name);
			return;
		}
		pi = gw_resolve(t->name, p_keyfile, GW_NELEM(p_keyfile),
		    sizeof(p_keyfile[0]));
		if (pi < 0) {
			gw_perr(ps, t, 0, "unknown parameter \"%s\" in a key "
			    "file (expected one of: key, value, type, "
			    "description)", t->name);
			return;
		}
		if (pv[pi].set) {
			gw_perr(ps, t, 0, "parameter \"%s\" given twice",
			    p_keyfile[pi].name);
			return;
		}
		if (!gw_parse_value(ps, t, &p_keyfile[pi], p_keyfile[pi].name,
		    &pv[pi]))
			return;
	}
	for (i = 0; i < GW_NELEM(p_keyfile); i++)
		if ((p_keyfile[i].flags & P_REQ) && !pv[i].set) {
			gw_perr(ps, ps->first, 0, "missing parameter \"%s\" in "
			    "a key file line", p_keyfile[i].name);
			missing = true;
		}
	if (missing)
		return;
	if (pv[KF_TYPE].set && pv[KF_TYPE].u != 0) {
		gw_perr(ps, pv[KF_TYPE].tok, pv[KF_TYPE].tok->vcol, "a key "
		    "file holds general keys (pre-shared keys) only");
		return;
	}
	if (pv[KF_VALUE].hidden) {
		gw_perr(ps, pv[KF_VALUE].tok, pv[KF_VALUE].tok->vcol, "the key "
		    "file must hold the key itself, not <hidden>");
		return;
	}
	k = gw_find_key(conf, pv[KF_KEY].u);
	if (k != NULL) {
		gw_duplicate(ps, &pv[KF_KEY], "enco key", &k->loc);
		return;
	}
	if (!gw_room(ps, conf->n_keys, GWCONF_MAX_KEYS, "enco keys"))
		return;
	k = &conf->keys[conf->n_keys++];
	k->id = pv[KF_KEY].u;
	GW_SETSTR(k->value, pv[KF_VALUE]);
	k->len = strlen(k->value);
	k->from_keyfile = true;
	if (pv[KF_DESC].set)
		GW_SETSTR(k->description, pv[KF_DESC]);
	k->loc = gw_tloc(ps, ps->first);
}

int
gwconf_merge_keys_buffer(struct gwconf *conf, const char *name,
    const void *buf, size_t len, struct gwconf_diag *diag)
{
	struct gw_pstate *ps;
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

int
gwconf_merge_keyfile(struct gwconf *conf, const char *path,
    struct gwconf_diag *diag)
{
	return gwconf_merge_keyfile_owner(conf, path, (uid_t)-1, diag);
}

int
gwconf_merge_keyfile_owner(struct gwconf *conf, const char *path, uid_t other_uid,
    struct gwconf_diag *diag)
{
	struct stat st;
	char *buf;
	size_t len;
	int fd, rc;

	if (conf == NULL || path == NULL || diag == NULL)
		return GWCONF_E_ARG;
	/* O_NOFOLLOW: the checked file is the one read, not a link's target
	 * someone may swap. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, path, 0, 0,
		    "cannot open key file: %s", strerror(errno));
		return GWCONF_E_IO;
	}
	if (fstat(fd, &st) != 0) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, path, 0, 0,
		    "cannot stat key file: %s", strerror(errno));
		close(fd);
		return GWCONF_E_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, path, 0, 0,
		    "key file is not a regular file");
		close(fd);
		return GWCONF_E_PERM;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid() &&
	    (other_uid == (uid_t)-1 || st.st_uid != other_uid)) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, path, 0, 0,
		    "key file is owned by uid %u, not by root or the daemon's user: "
		    "chown it", (unsigned)st.st_uid);
		close(fd);
		return GWCONF_E_PERM;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, path, 0, 0,
		    "key file is accessible by group or others (mode %04o): "
		    "run chmod 600 on it", (unsigned)(st.st_mode & 07777));
		close(fd);
		return GWCONF_E_PERM;
	}
	rc = gw_read_file(path, fd, GWCONF_MAX_INPUT, &buf, &len, diag);
	close(fd);
	if (rc != 0)
		return rc;
	rc = gwconf_merge_keys_buffer(conf, path, buf, len, diag);
	gw_wipe(buf, len);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------------
 * Interface map.
 */
void
gwconf_ifmap_init(struct gwconf_ifmap *m)
{
	if (m != NULL)
		memset(m, 0, sizeof(*m));
}

static bool
ifmap_name(const char *s, size_t n, char *out, bool lower)
{
	size_t i;

	if (n == 0 || n >= GWCONF_IFNAME_LEN)
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == ':' || c == '-'))
			return false;
		if (lower && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[i] = c;
	}
	out[n] = '\0';
	return true;
}

static int
ifmap_add2(struct gwconf_ifmap *m, const char *script, size_t slen,
    const char *host, size_t hlen)
{
	char s[GWCONF_IFNAME_LEN], h[GWCONF_IFNAME_LEN];
	size_t i;

	if (!ifmap_name(script, slen, s, true) ||
	    !ifmap_name(host, hlen, h, false))
		return GWCONF_E_ARG;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->map[i].script, s) == 0) {
			memcpy(m->map[i].host, h, sizeof(h));
			return 0;
		}
	if (m->n >= GWCONF_MAX_IFMAP)
		return GWCONF_E_LIMIT;
	memcpy(m->map[m->n].script, s, sizeof(s));
	memcpy(m->map[m->n].host, h, sizeof(h));
	m->n++;
	return 0;
}

int
gwconf_ifmap_add(struct gwconf_ifmap *m, const char *spec)
{
	const char *eq;

	if (m == NULL || spec == NULL)
		return GWCONF_E_ARG;
	eq = strchr(spec, '=');
	if (eq == NULL)
		return GWCONF_E_ARG;
	return ifmap_add2(m, spec, (size_t)(eq - spec), eq + 1, strlen(eq + 1));
}

int
gwconf_ifmap_load_buffer(struct gwconf_ifmap *m, const char *name,
    const void *buf, size_t len, struct gwconf_diag *diag)
{
	struct gw_line *l;
	size_t pos = 0, tlen, before, i;
	const char *text;
	uint32_t lineno = 0;

	if (m == NULL || diag == NULL || (buf == NULL && len > 0))
		return GWCONF_E_ARG;
	if (name == NULL)
		name = "<ifmap>";
	before = diag->errors;
	if (len > GWCONF_MAX_INPUT) {
		gw_diag_add(diag, GWCONF_SEV_ERROR, name, 0, 0,
		    "input too large");
		return GWCONF_E_INVALID;
	}
	l = malloc(sizeof(*l));
	if (l == NULL)
		return GWCONF_E_NOMEM;
	while (len > 0 && gw_next_line(buf, len, &pos, &text, &tlen)) {
		lineno++;
		if (gw_lex_line(text, tlen, l, name, lineno, diag) != 0)
			continue;
		for (i = 0; i < l->n; i++) {
			const struct gw_tok *t = &l->toks[i];
			int rc;

			if (t->kind != GW_TOK_PARAM) {
				gw_diag_add(diag, GWCONF_SEV_ERROR, name,
				    lineno, t->col, "expected SCRIPT=HOST, "
				    "found \"%s\"", t->name);
				continue;
			}
			rc = ifmap_add2(m, t->name, strlen(t->name), t->value,
			    strlen(t->value));
			if (rc == GWCONF_E_LIMIT)
				gw_diag_add(diag, GWCONF_SEV_ERROR, name,
				    lineno, t->col, "too many interface "
				    "mappings (the limit is %u)",
				    (unsigned)GWCONF_MAX_IFMAP);
			else if (rc != 0)
				gw_diag_add(diag, GWCONF_SEV_ERROR, name,
				    lineno, t->col, "invalid interface mapping "
				    "\"%s=%s\" (names are 1 to %u characters of "
				    "letters, digits, '_', '.', ':' or '-')",
				    t->name, t->value,
				    (unsigned)(GWCONF_IFNAME_LEN - 1));
		}
	}
	free(l);
	return diag->errors > before ? GWCONF_E_INVALID : 0;
}

int
gwconf_ifmap_load_file(struct gwconf_ifmap *m, const char *path,
    struct gwconf_diag *diag)
{
	char *buf;
	size_t len;
	int rc;

	if (m == NULL || path == NULL || diag == NULL)
		return GWCONF_E_ARG;
	rc = gw_read_file(path, -1, GWCONF_MAX_INPUT, &buf, &len, diag);
	if (rc != 0)
		return rc;
	rc = gwconf_ifmap_load_buffer(m, path, buf, len, diag);
	free(buf);
	return rc;
}

const char *
gwconf_ifmap_lookup(const struct gwconf_ifmap *m, const char *script_if)
{
	size_t i;

	if (m == NULL || script_if == NULL)
		return script_if;
	for (i = 0; i < m->n; i++)
		if (gw_strcaseeq(m->map[i].script, script_if))
			return m->map[i].host;
	return script_if;
}
