/*
 * conf_diag.c - the list of located diagnostics (struct gwconf_diag) and
 * the error strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

const char *
gwconf_strerror(int err)
{
	switch (err) {
	case GWCONF_OK:
		return "success";
	case GWCONF_E_ARG:
		return "invalid argument";
	case GWCONF_E_NOMEM:
		return "out of memory";
	case GWCONF_E_IO:
		return "file could not be read";
	case GWCONF_E_PERM:
		return "unsafe key file ownership or permissions";
	case GWCONF_E_INVALID:
		return "configuration has errors";
	case GWCONF_E_LIMIT:
		return "table full";
	default:
		return "unknown error";
	}
}

void
gwconf_diag_init(struct gwconf_diag *d)
{
	if (d == NULL)
		return;
	memset(d, 0, sizeof(*d));
}

void
gwconf_diag_free(struct gwconf_diag *d)
{
	if (d == NULL)
		return;
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

void
gw_diag_vadd(struct gwconf_diag *d, enum gwconf_severity sev,
    const char *file, uint32_t line, uint32_t col, const char *fmt,
    va_list ap)
{
	struct gwconf_msg *m;

	if (d == NULL)
		return;
	switch (sev) {
	case GWCONF_SEV_ERROR:
		d->errors++;
		break;
	case GWCONF_SEV_WARNING:
		d->warnings++;
		break;
	default:
		d->notices++;
		break;
	}
	if (d->n >= GWCONF_DIAG_MAX) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t ncap = d->cap == 0 ? 8 : d->cap * 2;
		struct gwconf_msg *nm;

		if (ncap > GWCONF_DIAG_MAX)
			ncap = GWCONF_DIAG_MAX;
		nm = realloc(d->msgs, ncap * sizeof(*nm));
		if (nm == NULL) {
			d->nomem = true;
			d->dropped++;
			return;
		}
		d->msgs = nm;
		d->cap = ncap;
	}
	m = &d->msgs[d->n++];
	memset(m, 0, sizeof(*m));
	m->severity = sev;
	gw_strlcpy(m->file, file != NULL ? file : "", sizeof(m->file));
	m->line = line;
	m->col = col;
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
}

void
gw_diag_add(struct gwconf_diag *d, enum gwconf_severity sev,
    const char *file, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_diag_vadd(d, sev, file, line, col, fmt, ap);
	va_end(ap);
}

size_t
gwconf_diag_format(const struct gwconf_diag *d, size_t i, char *buf,
    size_t cap)
{
	const struct gwconf_msg *m;
	const char *sev;
	int n;

	if (buf != NULL && cap > 0)
		buf[0] = '\0';
	if (d == NULL || i >= d->n)
		return 0;
	m = &d->msgs[i];
	sev = m->severity == GWCONF_SEV_WARNING ? "warning: " :
	    m->severity == GWCONF_SEV_NOTICE ? "notice: " : "";
	if (m->line == 0)
		n = snprintf(buf, cap, "%s: %s%s", m->file, sev, m->text);
	else if (m->col == 0)
		n = snprintf(buf, cap, "%s:%u: %s%s", m->file,
		    (unsigned)m->line, sev, m->text);
	else
		n = snprintf(buf, cap, "%s:%u:%u: %s%s", m->file,
		    (unsigned)m->line, (unsigned)m->col, sev, m->text);
	return n < 0 ? 0 : (size_t)n;
}

void
gwconf_diag_print(const struct gwconf_diag *d, FILE *f)
{
	char buf[GWCONF_PATH_LEN + GWCONF_DIAG_TEXT + 64];
	size_t i;

	if (d == NULL || f == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		gwconf_diag_format(d, i, buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
	if (d->dropped > 0)
		fprintf(f, "(%zu more message%s not shown)\n", d->dropped,
		    d->dropped == 1 ? "" : "s");
}
