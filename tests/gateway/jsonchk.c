/*
 * jsonchk.c - strict JSON parser of the tests (jsonchk.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonchk.h"

#define MAX_DEPTH 64

struct jp {
	const unsigned char *p, *end, *start;
	char *err;
	size_t errlen;
	bool failed;
};

static void
jp_fail(struct jp *j, const char *what)
{
	if (!j->failed)
		snprintf(j->err, j->errlen, "%s at byte %zu", what, (size_t)(j->p - j->start));
	j->failed = true;
}

static void
ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	    *j->p == '\r'))
		j->p++;
}

static bool
lit(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static void
put_utf8(char *o, size_t *k, uint32_t cp)
{
	if (cp < 0x80) {
		o[(*k)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*k)++] = (char)(0xc0 | cp >> 6);
		o[(*k)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		o[(*k)++] = (char)(0xe0 | cp >> 12);
		o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[(*k)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		o[(*k)++] = (char)(0xf0 | cp >> 18);
		o[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[(*k)++] = (char)(0x80 | (cp & 0x3f));
	}
}

static int
hex4(struct jp *j, uint32_t *v)
{
	int i;

	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = j->p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	j->p += 4;
	return 0;
}

/* Length of a valid UTF-8 sequence at p (strict: no overlongs, no
 * surrogates, <= U+10FFFF), 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static char *
str(struct jp *j)
{
	const unsigned char *q;
	char *o;
	size_t k = 0;

	if (j->p >= j->end || *j->p != '"') {
		jp_fail(j, "expected a string");
		return NULL;
	}
	j->p++;
	/* Decoded text is never longer than the source. */
	for (q = j->p; q < j->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < j->end)
			q++;
	if ((o = malloc((size_t)(q - j->p) + 1)) == NULL) {
		jp_fail(j, "out of memory");
		return NULL;
	}
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = *j->p;

		if (c < 0x20) {
			jp_fail(j, "control character in a string");
			free(o);
			return NULL;
		}
		if (c == '\\') {
			uint32_t cp, lo;

			j->p++;
			if (j->p >= j->end)
				break;
			switch (*j->p++) {
			case '"': o[k++] = '"'; break;
			case '\\': o[k++] = '\\'; break;
			case '/': o[k++] = '/'; break;
			case 'b': o[k++] = '\b'; break;
			case 'f': o[k++] = '\f'; break;
			case 'n': o[k++] = '\n'; break;
			case 'r': o[k++] = '\r'; break;
			case 't': o[k++] = '\t'; break;
			case 'u':
				if (hex4(j, &cp) != 0) {
					jp_fail(j, "bad \\u escape");
					free(o);
					return NULL;
				}
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					jp_fail(j, "lone low surrogate");
					free(o);
					return NULL;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (!lit(j, "\\u") || hex4(j, &lo) != 0 || lo < 0xdc00 ||
					    lo > 0xdfff) {
						jp_fail(j, "lone high surrogate");
						free(o);
						return NULL;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				put_utf8(o, &k, cp);
				break;
			default:
				jp_fail(j, "bad escape");
				free(o);
				return NULL;
			}
			continue;
		}
		{
			size_t n = utf8_len(j->p, j->end);

			if (n == 0) {
				jp_fail(j, "invalid UTF-8");
				free(o);
				return NULL;
			}
			memcpy(o + k, j->p, n);
			k += n;
			j->p += n;
		}
	}
	if (j->p >= j->end) {
		jp_fail(j, "unterminated string");
		free(o);
		return NULL;
	}
	j->p++;
	o[k] = '\0';
	return o;
}

static bool value(struct jp *j, struct jv *v, int depth);
static void jv_clear(struct jv *v);

static bool
number(struct jp *j, struct jv *v)
{
	const unsigned char *s = j->p;
	char buf[64];
	bool neg = false, frac = false;

	if (j->p < j->end && *j->p == '-') {
		neg = true;
		j->p++;
	}
	if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
		jp_fail(j, "bad number");
		return false;
	}
	if (*j->p == '0') {
		j->p++;
		if (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
			jp_fail(j, "leading zero");
			return false;
		}
	} else {
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && *j->p == '.') {
		frac = true;
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
			jp_fail(j, "bad fraction");
			return false;
		}
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		frac = true;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
			jp_fail(j, "bad exponent");
			return false;
		}
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if ((size_t)(j->p - s) >= sizeof(buf)) {
		jp_fail(j, "number too long");
		return false;
	}
	memcpy(buf, s, (size_t)(j->p - s));
	buf[j->p - s] = '\0';
	v->t = JT_NUM;
	v->d = strtod(buf, NULL);
	if (!neg && !frac) {
		char *e;
		unsigned long long u;

		u = strtoull(buf, &e, 10);
		if (*e == '\0' && !(u == ~0ull && strcmp(buf, "18446744073709551615") != 0)) {
			v->is_u64 = true;
			v->u = u;
		}
	}
	return true;
}

static bool
push(struct jv *v, char *key, const struct jv *kid)
{
	struct jv *nv = realloc(v->v, (v->n + 1) * sizeof(*nv));

	if (nv == NULL)
		return false;
	v->v = nv;
	if (v->t == JT_OBJ) {
		char **nk = realloc(v->keys, (v->n + 1) * sizeof(*nk));

		if (nk == NULL)
			return false;
		v->keys = nk;
		v->keys[v->n] = key;
	}
	v->v[v->n++] = *kid;
	return true;
}

static bool
value(struct jp *j, struct jv *v, int depth)
{
	memset(v, 0, sizeof(*v));
	if (depth > MAX_DEPTH) {
		jp_fail(j, "nested too deep");
		return false;
	}
	ws(j);
	if (j->p >= j->end) {
		jp_fail(j, "expected a value");
		return false;
	}
	switch (*j->p) {
	case 'n':
		if (!lit(j, "null"))
			break;
		v->t = JT_NULL;
		return true;
	case 't':
		if (!lit(j, "true"))
			break;
		v->t = JT_BOOL;
		v->b = true;
		return true;
	case 'f':
		if (!lit(j, "false"))
			break;
		v->t = JT_BOOL;
		return true;
	case '"':
		v->t = JT_STR;
		return (v->s = str(j)) != NULL;
	case '[':
		v->t = JT_ARR;
		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return true;
		}
		for (;;) {
			struct jv kid;

			if (!value(j, &kid, depth + 1)) {
				jv_clear(&kid);
				return false;
			}
			if (!push(v, NULL, &kid)) {
				jv_clear(&kid);
				jp_fail(j, "out of memory");
				return false;
			}
			ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				return true;
			}
			jp_fail(j, "expected , or ]");
			return false;
		}
	case '{':
		v->t = JT_OBJ;
		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return true;
		}
		for (;;) {
			struct jv kid;
			char *key;
			size_t i;

			ws(j);
			if ((key = str(j)) == NULL)
				return false;
			for (i = 0; i < v->n; i++)
				if (strcmp(v->keys[i], key) == 0) {
					free(key);
					jp_fail(j, "duplicate member name");
					return false;
				}
			ws(j);
			if (j->p >= j->end || *j->p != ':') {
				free(key);
				jp_fail(j, "expected :");
				return false;
			}
			j->p++;
			if (!value(j, &kid, depth + 1) || !push(v, key, &kid)) {
				free(key);
				jv_clear(&kid);
				jp_fail(j, "bad member");
				return false;
			}
			ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == '}') {
				j->p++;
				return true;
			}
			jp_fail(j, "expected , or }");
			return false;
		}
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return number(j, v);
		break;
	}
	jp_fail(j, "unexpected character");
	return false;
}

struct jv *
jv_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jp j;
	struct jv *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	j.start = j.p = (const unsigned char *)text;
	j.end = j.p + len;
	j.err = err;
	j.errlen = errlen;
	j.failed = false;
	if (!value(&j, v, 0)) {
		jv_free(v);
		return NULL;
	}
	ws(&j);
	if (j.p != j.end) {
		jp_fail(&j, "text after the document");
		jv_free(v);
		return NULL;
	}
	return v;
}

static void
jv_clear(struct jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jv_clear(&v->v[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

void
jv_free(struct jv *v)
{
	if (v != NULL) {
		jv_clear(v);
		free(v);
	}
}

const struct jv *
jv_get(const struct jv *v, const char *key)
{
	size_t i;

	if (v == NULL || v->t != JT_OBJ)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->v[i];
	return NULL;
}

const struct jv *
jv_path(const struct jv *v, const char *path)
{
	char part[128];

	while (v != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		path += n + (path[n] == '.');
		if (v->t == JT_ARR) {
			char *e;
			unsigned long i = strtoul(part, &e, 10);

			v = *e == '\0' && i < v->n ? &v->v[i] : NULL;
		} else {
			v = jv_get(v, part);
		}
	}
	return v;
}

const char *
jv_str(const struct jv *v, const char *path)
{
	const struct jv *x = jv_path(v, path);

	return x != NULL && x->t == JT_STR ? x->s : NULL;
}

uint64_t
jv_u64(const struct jv *v, const char *path)
{
	const struct jv *x = jv_path(v, path);

	return x != NULL && x->t == JT_NUM && x->is_u64 ? x->u : UINT64_MAX;
}

bool
jv_is(const struct jv *v, const char *path, enum jt t)
{
	const struct jv *x = jv_path(v, path);

	return x != NULL && x->t == t;
}
