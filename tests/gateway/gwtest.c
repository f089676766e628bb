/* gwtest.c - helpers of the configuration layer's unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwtest.h"

struct gwconf *
gwt_parse(const char *text, struct gwconf_diag *d, int *rc)
{
	struct gwconf *c = NULL;
	int r = gwconf_parse_buffer("t.cfg", text, strlen(text), &c, d);

	if (rc != NULL)
		*rc = r;
	return c;
}

struct gwconf *
gwt_parse_example(const char *name, struct gwconf_diag *d, int *rc)
{
	char path[1024];
	struct gwconf *c = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/%s", GWCONF_EXAMPLES_DIR, name);
	r = gwconf_parse_file(path, &c, d);
	if (rc != NULL)
		*rc = r;
	return c;
}

int
gwt_check_text(const char *text, struct gwconf_diag *d)
{
	int rc, crc;
	struct gwconf *c = gwt_parse(text, d, &rc);

	if (c == NULL)
		return rc;
	crc = gwconf_check(c, d);
	gwconf_free(c);
	return rc != 0 ? rc : crc;
}

void
gwt_dump(const struct gwconf_diag *d)
{
	gwconf_diag_print(d, stderr);
}

bool
gwt_has(const struct gwconf_diag *d, const char *line)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < d->n; i++) {
		gwconf_diag_format(d, i, buf, sizeof(buf));
		if (strcmp(buf, line) == 0)
			return true;
	}
	fprintf(stderr, "\nexpected: %s\nmessages:\n", line);
	gwt_dump(d);
	return false;
}

bool
gwt_has_sub(const struct gwconf_diag *d, const char *needle)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < d->n; i++) {
		gwconf_diag_format(d, i, buf, sizeof(buf));
		if (strstr(buf, needle) != NULL)
			return true;
	}
	fprintf(stderr, "\nexpected a message with: %s\nmessages:\n", needle);
	gwt_dump(d);
	return false;
}

char *
gwt_print(const struct gwconf *c, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (json)
		gwconf_print_json(c, f);
	else
		gwconf_print(c, f);
	fclose(f);
	return buf;
}

char *
gwt_base_plus(const char *extra)
{
	size_t n = strlen(GWT_BASE) + strlen(extra) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s%s", GWT_BASE, extra);
	return s;
}
