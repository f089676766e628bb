/*
 * conf_lex.c - the tokenizer of the router's script language, and the
 * small helpers every other file uses: strings, addresses, numbers,
 * keyword resolution by unique prefix, and reading a file.
 *
 * A line is a sequence of tokens separated by spaces or tabs:
 *   word              a bare word (verb, object, keyword)
 *   name=value        a parameter; value is bare (up to the next blank) or
 *                     "double quoted" (no escapes, may hold blanks and '#')
 *   name=<text>       a How To placeholder, may hold blanks
 *   #...              a token starting with '#' starts a comment
 * Columns are 1-based byte offsets (a tab counts as one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_int.h"

/* A memset the optimizer cannot drop (the pointer is volatile). */
static void *(*const volatile wipe_fn)(void *, int, size_t) = memset;

void
gw_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		(void)wipe_fn(p, 0, n);
}

static int
lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int
gw_strcaseeq(const char *a, const char *b)
{
	while (*a != '\0' && lc((unsigned char)*a) == lc((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

int
gw_strcaseprefix(const char *prefix, const char *s)
{
	while (*prefix != '\0') {
		if (lc((unsigned char)*prefix) != lc((unsigned char)*s))
			return 0;
		prefix++;
		s++;
	}
	return 1;
}

void
gw_strlcpy(char *dst, const char *src, size_t cap)
{
	size_t n;

	if (cap == 0)
		return;
	n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ------------------------------------------------------------------------
 * Lines and tokens.
 */
bool
gw_next_line(const char *buf, size_t size, size_t *pos, const char **line,
    size_t *len)
{
	size_t i = *pos, end;

	if (i >= size)
		return false;
	end = i;
	while (end < size && buf[end] != '\n')
		end++;
	*line = buf + i;
	*len = end - i;
	if (*len > 0 && buf[end - 1] == '\r')
		(*len)--;
	*pos = end < size ? end + 1 : end;
	return true;
}

static bool
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Stores s[0..n) NUL-terminated in the line buffer; NULL if full. */
static const char *
store(struct gw_line *l, const char *s, size_t n)
{
	char *p;

	if (l->used + n + 1 > sizeof(l->buf))
		return NULL;
	p = l->buf + l->used;
	memcpy(p, s, n);
	p[n] = '\0';
	l->used += n + 1;
	return p;
}

/* Refuses control characters and non-ASCII bytes in text[from..to). */
static bool
check_chars(const char *text, size_t from, size_t to, const char *file,
    uint32_t lineno, struct gwconf_diag *d)
{
	size_t i;

	for (i = from; i < to; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x80) {
			gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
			    (uint32_t)i + 1, "non-ASCII byte 0x%02x (only "
			    "ASCII is allowed outside comments)", c);
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
			    (uint32_t)i + 1, "control character 0x%02x", c);
			return false;
		}
	}
	return true;
}

/*
 * Reads a value starting at text[*i] (bare, quoted or placeholder) and
 * sets its bounds.  Returns false after reporting a problem.
 */
static bool
lex_value(const char *text, size_t len, size_t *i, size_t *vstart,
    size_t *vend, bool *quoted, bool *placeholder, const char *what,
    size_t whatlen, const char *file, uint32_t lineno,
    struct gwconf_diag *d)
{
	size_t j = *i;

	*quoted = false;
	*placeholder = false;
	if (text[j] == '"') {
		size_t q = j + 1;

		while (q < len && text[q] != '"')
			q++;
		if (q >= len) {
			gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
			    (uint32_t)j + 1, "unterminated quoted value%s%.*s%s",
			    whatlen ? " for \"" : "", (int)whatlen, what,
			    whatlen ? "\"" : "");
			return false;
		}
		if (!check_chars(text, j + 1, q, file, lineno, d))
			return false;
		if (q + 1 < len && !is_blank(text[q + 1])) {
			gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
			    (uint32_t)q + 2, "expected a blank after the "
			    "closing quote");
			return false;
		}
		*quoted = true;
		*vstart = j + 1;
		*vend = q;
		*i = q + 1;
		return true;
	}
	if (text[j] == '<') {
		size_t q = j + 1;

		while (q < len && text[q] != '>' && text[q] != '"')
			q++;
		if (q < len && text[q] == '>' &&
		    (q + 1 >= len || is_blank(text[q + 1]))) {
			if (!check_chars(text, j, q + 1, file, lineno, d))
				return false;
			*placeholder = true;
			*vstart = j;
			*vend = q + 1;
			*i = q + 1;
			return true;
		}
		/* Not a placeholder: read it as a bare value. */
	}
	while (j < len && !is_blank(text[j])) {
		if (text[j] == '"') {
			gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
			    (uint32_t)j + 1, "unexpected '\"' inside a value "
			    "(quote the whole value)");
			return false;
		}
		j++;
	}
	if (!check_chars(text, *i, j, file, lineno, d))
		return false;
	*vstart = *i;
	*vend = j;
	*i = j;
	return true;
}

int
gw_lex_line(const char *text, size_t len, struct gw_line *out,
    const char *file, uint32_t lineno, struct gwconf_diag *d)
{
	size_t i = 0;

	out->used = 0;
	out->n = 0;
	if (len > GWCONF_MAX_LINE) {
		gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno, 0,
		    "line too long (%zu characters; the limit is %u)", len,
		    (unsigned)GWCONF_MAX_LINE);
		return -1;
	}
	for (;;) {
		struct gw_tok *t;
		size_t start, vs, ve;
		bool quoted, ph;

		while (i < len && is_blank(text[i]))
			i++;
		if (i >= len || text[i] == '#')
			return 0;
		if (out->n >= GWCONF_MAX_TOKENS) {
			gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
			    (uint32_t)i + 1, "too many words in one command "
			    "(the limit is %u)", (unsigned)GWCONF_MAX_TOKENS);
			return -1;
		}
		t = &out->toks[out->n];
		memset(t, 0, sizeof(*t));
		start = i;
		t->col = (uint32_t)i + 1;
		if (text[i] == '"' || text[i] == '<') {
			/* A quoted or placeholder word. */
			if (!lex_value(text, len, &i, &vs, &ve, &quoted, &ph,
			    "", 0, file, lineno, d))
				return -1;
			t->kind = GW_TOK_WORD;
			t->quoted = quoted;
			t->placeholder = ph;
			t->name = store(out, text + vs, ve - vs);
			t->vcol = (uint32_t)vs + 1;
			if (t->name == NULL)
				return -1;
			out->n++;
			continue;
		}
		while (i < len && !is_blank(text[i]) && text[i] != '=' &&
		    text[i] != '"')
			i++;
		if (!check_chars(text, start, i, file, lineno, d))
			return -1;
		if (i < len && text[i] == '"') {
			gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
			    (uint32_t)i + 1, "unexpected '\"' (a quoted value "
			    "follows a parameter name and '=')");
			return -1;
		}
		if (i < len && text[i] == '=') {
			size_t nlen = i - start;

			if (nlen == 0) {
				gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
				    t->col, "'=' without a parameter name");
				return -1;
			}
			i++;
			if (i >= len || is_blank(text[i])) {
				gw_diag_add(d, GWCONF_SEV_ERROR, file, lineno,
				    (uint32_t)i + 1, "missing value after "
				    "\"%.*s=\"", (int)nlen, text + start);
				return -1;
			}
			t->vcol = (uint32_t)i + 1;
			if (!lex_value(text, len, &i, &vs, &ve, &quoted, &ph,
			    text + start, nlen, file, lineno, d))
				return -1;
			t->kind = GW_TOK_PARAM;
			t->quoted = quoted;
			t->placeholder = ph;
			if (quoted)
				t->vcol++;
			t->name = store(out, text + start, nlen);
			t->value = store(out, text + vs, ve - vs);
			if (t->name == NULL || t->value == NULL)
				return -1;
		} else {
			t->kind = GW_TOK_WORD;
			t->name = store(out, text + start, i - start);
			t->vcol = t->col;
			if (t->name == NULL)
				return -1;
		}
		out->n++;
	}
}

/* ------------------------------------------------------------------------
 * Reading files.
 */
int
gw_read_file(const char *path, int fd, size_t max, char **buf, size_t *len,
    struct gwconf_diag *d)
{
	char *b;
	size_t cap = 4096, n = 0;
	bool own = fd < 0;
	int rc = 0;

	*buf = NULL;
	*len = 0;
	if (own) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			gw_diag_add(d, GWCONF_SEV_ERROR, path, 0, 0,
			    "cannot open: %s", strerror(errno));
			return GWCONF_E_IO;
		}
	}
	b = malloc(cap);
	if (b == NULL) {
		rc = GWCONF_E_NOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > max) {
				gw_diag_add(d, GWCONF_SEV_ERROR, path, 0, 0,
				    "file too large (the limit is %zu bytes)",
				    max);
				rc = GWCONF_E_IO;
				break;
			}
			/* Grow by hand so the old block is wiped: the file
			 * may hold keys. */
			nb = malloc(cap * 2);
			if (nb == NULL) {
				rc = GWCONF_E_NOMEM;
				break;
			}
			memcpy(nb, b, n);
			gw_wipe(b, cap);
			free(b);
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			gw_diag_add(d, GWCONF_SEV_ERROR, path, 0, 0,
			    "cannot read: %s", strerror(errno));
			rc = GWCONF_E_IO;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (rc == 0 && n > max) {
		gw_diag_add(d, GWCONF_SEV_ERROR, path, 0, 0,
		    "file too large (the limit is %zu bytes)", max);
		rc = GWCONF_E_IO;
	}
	if (rc != 0) {
		if (b != NULL)
			gw_wipe(b, cap);
		free(b);
		b = NULL;
		n = 0;
	}
	*buf = b;
	*len = n;
out:
	if (own)
		close(fd);
	return rc;
}

/* ------------------------------------------------------------------------
 * Values.
 */
bool
gw_parse_uint(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool
gw_parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		uint32_t v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (++digits > 3)
				return false;
			v = v * 10 + (uint32_t)(*s - '0');
			s++;
		}
		if (digits == 0 || v > 255)
			return false;
		a = (a << 8) | v;
		if (part < 3) {
			if (*s != '.')
				return false;
			s++;
		}
	}
	if (*s != '\0')
		return false;
	*out = a;
	return true;
}

int
gw_mask_len(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)) != 0)
		n++;
	return n;
}

bool
gw_parse_mask(const char *s, uint32_t *out)
{
	uint32_t m;
	int n;

	if (!gw_parse_ipv4(s, &m))
		return false;
	n = gw_mask_len(m);
	if (m != (n == 0 ? 0 : 0xffffffffu << (32 - n)))
		return false;
	*out = m;
	return true;
}

uint32_t
gw_natural_mask(uint32_t addr)
{
	if ((addr >> 31) == 0)
		return 0xff000000u;             /* class A */
	if ((addr >> 30) == 2)
		return 0xffff0000u;             /* class B */
	return 0xffffff00u;                     /* class C (and D/E) */
}

const char *
gw_ipstr(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(a >> 24),
	    (unsigned)((a >> 16) & 0xff), (unsigned)((a >> 8) & 0xff),
	    (unsigned)(a & 0xff));
	return buf;
}

/* ------------------------------------------------------------------------
 * Keyword resolution.
 */
static const char *
name_at(const void *base, size_t i, size_t stride)
{
	const char *const *p = (const char *const *)(const void *)
	    ((const char *)base + i * stride);

	return *p;
}

int
gw_resolve(const char *word, const void *base, size_t n, size_t stride)
{
	size_t i;
	int found = GW_RESOLVE_UNKNOWN;

	if (word[0] == '\0')
		return GW_RESOLVE_UNKNOWN;
	for (i = 0; i < n; i++) {
		const char *nm = name_at(base, i, stride);

		if (nm != NULL && gw_strcaseeq(word, nm))
			return (int)i;
	}
	for (i = 0; i < n; i++) {
		const char *nm = name_at(base, i, stride);

		if (nm == NULL || !gw_strcaseprefix(word, nm))
			continue;
		if (found >= 0 && !gw_strcaseeq(nm, name_at(base,
		    (size_t)found, stride)))
			return GW_RESOLVE_AMBIGUOUS;
		if (found < 0)
			found = (int)i;
	}
	return found;
}

void
gw_names_list(char *buf, size_t cap, const char *word, const void *base,
    size_t n, size_t stride, size_t alias_off)
{
	size_t i, j, used = 0;

	if (cap == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *nm = name_at(base, i, stride);
		bool dup = false;
		int w;

		if (nm == NULL)
			continue;
		if (alias_off != (size_t)-1 && *(const bool *)(const void *)
		    ((const char *)base + i * stride + alias_off))
			continue;
		if (word != NULL && !gw_strcaseprefix(word, nm))
			continue;
		for (j = 0; j < i && !dup; j++) {
			const char *o = name_at(base, j, stride);

			dup = o != NULL && gw_strcaseeq(o, nm);
		}
		if (dup)
			continue;
		w = snprintf(buf + used, cap - used, "%s%s",
		    used > 0 ? ", " : "", nm);
		if (w < 0 || (size_t)w >= cap - used) {
			if (cap > 4)
				memcpy(buf + cap - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
}
