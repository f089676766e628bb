/*
 * omchk.c - see omchk.h.  Written from the OpenMetrics 1.0 ABNF, not from
 * the gateway's printer: the two must agree only through the format.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omchk.h"

#define MAX_FAMILIES 64
#define MAX_SERIES 1024

static bool fail(char *err, size_t errlen, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool
fail(char *err, size_t errlen, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "line %zu: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* metricname = metricname-initial-char 0*metricname-char */
static size_t
name_len(const char *s, bool label)
{
	size_t i = 0;

	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
	    (!label && s[i] == ':') || (i > 0 && s[i] >= '0' && s[i] <= '9'))
		i++;
	return i;
}

/* escaped-string up to end (exclusive) or a closing quote when quoted. */
static size_t
escaped_len(const char *s, const char *end, bool quoted, bool *ok)
{
	size_t i = 0;

	*ok = true;
	while (s + i < end && !(quoted && s[i] == '"')) {
		if (s[i] == '\\') {
			if (s + i + 1 >= end || (s[i + 1] != '\\' && s[i + 1] != '"' &&
			    s[i + 1] != 'n')) {
				*ok = false;
				return i;
			}
			i += 2;
			continue;
		}
		if (s[i] == '"' || s[i] == '\n') {
			*ok = false;
			return i;
		}
		i++;
	}
	return i;
}

bool
om_check(const char *text, char *err, size_t errlen)
{
	char fam[MAX_FAMILIES][96], type[16] = "";
	char **series = calloc(MAX_SERIES, sizeof(char *));
	size_t n_fam = 0, n_series = 0, line = 0, i;
	const char *p = text;
	bool eof = false, samples_done = false, help = false, unit = false, ok = true;
	const char *cur = NULL;

	if (series == NULL)
		return fail(err, errlen, 0, "out of memory");
	while (*p != '\0' && ok) {
		const char *nl = strchr(p, '\n'), *q;
		size_t n;

		line++;
		if (nl == NULL) {
			ok = fail(err, errlen, line, "no newline at the end");
			break;
		}
		if (eof) {
			ok = fail(err, errlen, line, "text after # EOF");
			break;
		}
		if (strncmp(p, "# EOF", 5) == 0 && p + 5 == nl) {
			eof = true;
		} else if (strncmp(p, "# TYPE ", 7) == 0) {
			q = p + 7;
			n = name_len(q, false);
			if (n == 0 || n >= sizeof(fam[0]) || q[n] != ' ')
				ok = fail(err, errlen, line, "bad family name");
			else if (n_fam >= MAX_FAMILIES)
				ok = fail(err, errlen, line, "too many families");
			for (i = 0; ok && i < n_fam; i++)
				if (strlen(fam[i]) == n && strncmp(fam[i], q, n) == 0)
					ok = fail(err, errlen, line, "family %.*s declared twice",
					    (int)n, q);
			if (!ok)
				break;
			memcpy(fam[n_fam], q, n);
			fam[n_fam][n] = '\0';
			cur = fam[n_fam++];
			q += n + 1;
			if ((size_t)(nl - q) >= sizeof(type) || (strncmp(q, "counter", 7) != 0 &&
			    strncmp(q, "gauge", 5) != 0) || (nl - q != 7 && nl - q != 5)) {
				ok = fail(err, errlen, line, "type is not counter or gauge");
				break;
			}
			memcpy(type, q, (size_t)(nl - q));
			type[nl - q] = '\0';
			samples_done = help = unit = false;
		} else if (strncmp(p, "# HELP ", 7) == 0 || strncmp(p, "# UNIT ", 7) == 0) {
			bool is_help = p[2] == 'H', e;

			q = p + 7;
			n = name_len(q, false);
			if (cur == NULL || strlen(cur) != n || strncmp(cur, q, n) != 0 || q[n] != ' ')
				ok = fail(err, errlen, line, "HELP/UNIT not of the family just typed");
			else if (samples_done || (is_help ? help : unit))
				ok = fail(err, errlen, line, "HELP/UNIT after samples or twice");
			else if (is_help && (escaped_len(q + n + 1, nl, false, &e),
			    !e))
				ok = fail(err, errlen, line, "HELP text with a bad escape or quote");
			else if (!is_help) {
				size_t ul = (size_t)(nl - (q + n + 1)), fl = strlen(cur);

				if (ul == 0 || ul + 1 >= fl || cur[fl - ul - 1] != '_' ||
				    strncmp(cur + fl - ul, q + n + 1, ul) != 0)
					ok = fail(err, errlen, line, "UNIT is not the name's suffix");
			}
			if (is_help)
				help = true;
			else
				unit = true;
		} else if (p[0] == '#') {
			ok = fail(err, errlen, line, "unknown comment line");
		} else {
			char want[112];
			const char *v;
			char *end;
			size_t sl;

			if (cur == NULL) {
				ok = fail(err, errlen, line, "sample before any TYPE");
				break;
			}
			snprintf(want, sizeof(want), "%s%s", cur,
			    strcmp(type, "counter") == 0 ? "_total" : "");
			n = name_len(p, false);
			if (n != strlen(want) || strncmp(p, want, n) != 0) {
				ok = fail(err, errlen, line, "sample %.*s is not %s", (int)n, p, want);
				break;
			}
			q = p + n;
			if (*q == '{') {
				q++;
				for (;;) {
					bool e;

					n = name_len(q, true);
					if (n == 0 || q[n] != '=' || q[n + 1] != '"') {
						ok = fail(err, errlen, line, "bad label");
						break;
					}
					q += n + 2;
					q += escaped_len(q, nl, true, &e);
					if (!e || *q != '"') {
						ok = fail(err, errlen, line, "bad label value");
						break;
					}
					q++;
					if (*q == ',') {
						q++;
						continue;
					}
					if (*q != '}')
						ok = fail(err, errlen, line, "labels not closed");
					q++;
					break;
				}
				if (!ok)
					break;
			}
			sl = (size_t)(q - p);
			if (*q != ' ') {
				ok = fail(err, errlen, line, "no space before the value");
				break;
			}
			v = q + 1;
			if (v == nl || *v < '0' || *v > '9' || (strtoull(v, &end, 10), end != nl)) {
				ok = fail(err, errlen, line, "value is not an unsigned integer");
				break;
			}
			for (i = 0; i < n_series; i++)
				if (strlen(series[i]) == sl && strncmp(series[i], p, sl) == 0)
					ok = fail(err, errlen, line, "series %.*s twice", (int)sl, p);
			if (ok && n_series < MAX_SERIES && (series[n_series] = strndup(p, sl)) != NULL)
				n_series++;
			samples_done = true;
		}
		p = nl + 1;
	}
	if (ok && !eof)
		ok = fail(err, errlen, line, "no # EOF at the end");
	for (i = 0; i < n_series; i++)
		free(series[i]);
	free(series);
	return ok;
}

bool
om_value(const char *text, const char *series, uint64_t *v)
{
	size_t n = strlen(series);
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, series, n) == 0 && p[n] == ' ') {
			*v = strtoull(p + n + 1, NULL, 10);
			return true;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return false;
}
