/*
 * fuzz_gwconf.c - libFuzzer target over the vpn-gateway configuration layer
 * (examples/gateway/conf.h).
 *
 * The input is a configuration script.  It is parsed, checked and printed
 * (router language and JSON).  When it parsed without an error, the printed
 * text must parse without an error too and print to the same text (the
 * round-trip property; a difference aborts).  The same bytes are then
 * merged as a key file into the model and read as an interface map, so the
 * three readers of untrusted text are all exercised.
 * tests/fuzz/gwconf.dict lists the language's keywords for -dict=.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static char *
print_text(const struct gwconf *conf, size_t *len, bool json)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		abort();
	if ((json ? gwconf_print_json(conf, f) : gwconf_print(conf, f)) != 0)
		abort();
	if (fclose(f) != 0)
		abort();
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gwconf_diag diag, diag2;
	struct gwconf *conf = NULL, *conf2 = NULL;
	struct gwconf_ifmap map;
	char *p1, *p2, *js, line[1024];
	size_t l1, l2, ljs, i;
	int rc;

	gwconf_diag_init(&diag);
	rc = gwconf_parse_buffer("fuzz.cfg", data, size, &conf, &diag);
	if (conf == NULL) {
		if (rc != GWCONF_E_NOMEM)
			abort();
		gwconf_diag_free(&diag);
		return 0;
	}
	/* The return value says whether the parse reported an error. */
	if ((rc == 0) != (diag.errors == 0))
		abort();
	(void)gwconf_check(conf, &diag);
	for (i = 0; i < diag.n; i++)
		(void)gwconf_diag_format(&diag, i, line, sizeof(line));
	p1 = print_text(conf, &l1, false);
	js = print_text(conf, &ljs, true);
	if (rc == 0) {
		gwconf_diag_init(&diag2);
		if (gwconf_parse_buffer("printed.cfg", p1, l1, &conf2,
		    &diag2) != 0) {
			gwconf_diag_print(&diag2, stderr);
			fprintf(stderr, "---- printed text:\n%s", p1);
			abort();
		}
		p2 = print_text(conf2, &l2, false);
		if (l1 != l2 || memcmp(p1, p2, l1) != 0) {
			fprintf(stderr, "---- first print:\n%s---- second:\n%s",
			    p1, p2);
			abort();
		}
		free(p2);
		gwconf_free(conf2);
		gwconf_diag_free(&diag2);
	}
	free(p1);
	free(js);

	(void)gwconf_merge_keys_buffer(conf, "fuzz.keys", data, size, &diag);
	(void)gwconf_check(conf, &diag);
	p1 = print_text(conf, &l1, false);
	free(p1);

	gwconf_ifmap_init(&map);
	(void)gwconf_ifmap_load_buffer(&map, "fuzz.ifmap", data, size, &diag);
	for (i = 0; i < map.n; i++)
		if (strcmp(gwconf_ifmap_lookup(&map, map.map[i].script),
		    map.map[i].host) != 0)
			abort();

	gwconf_free(conf);
	gwconf_diag_free(&diag);
	return 0;
}
