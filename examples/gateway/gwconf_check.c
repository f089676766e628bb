/*
 * gwconf_check.c - gwconf-check: reads a router configuration script the
 * way vpn-gateway does, and prints either the problems found (exit 1) or
 * the effective configuration (exit 0).  vpn-gateway --check uses the same
 * calls: gwconf_parse_file, gwconf_merge_keyfile, gwconf_check,
 * gwconf_print.
 *
 *   gwconf-check [-j] [-q] [-k KEYFILE] [-m IFMAP] [-i SCRIPT=HOST]... FILE
 *     -j  print the effective configuration as JSON
 *     -q  print only the problems
 *     -k  merge the pre-shared keys of a root-only key file
 *     -m  read interface mappings from a file; -i adds one mapping
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static void
usage(void)
{
	fprintf(stderr, "usage: gwconf-check [-j] [-q] [-k keyfile] "
	    "[-m ifmap] [-i script=host]... file\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct gwconf_diag diag;
	struct gwconf_ifmap map;
	struct gwconf *conf = NULL;
	const char *keyfile = NULL, *mapfile = NULL;
	bool json = false, quiet = false, failed = false;
	size_t i;
	int ch, rc;

	gwconf_diag_init(&diag);
	gwconf_ifmap_init(&map);
	while ((ch = getopt(argc, argv, "jqk:m:i:")) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'm':
			mapfile = optarg;
			break;
		case 'i':
			rc = gwconf_ifmap_add(&map, optarg);
			if (rc != 0) {
				fprintf(stderr, "gwconf-check: -i %s: %s\n",
				    optarg, gwconf_strerror(rc));
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (mapfile != NULL &&
	    gwconf_ifmap_load_file(&map, mapfile, &diag) != 0)
		failed = true;
	rc = gwconf_parse_file(argv[optind], &conf, &diag);
	if (rc == GWCONF_E_NOMEM || rc == GWCONF_E_ARG) {
		fprintf(stderr, "gwconf-check: %s\n", gwconf_strerror(rc));
		gwconf_diag_free(&diag);
		return 1;
	}
	if (rc != 0)
		failed = true;
	if (conf != NULL && keyfile != NULL &&
	    gwconf_merge_keyfile(conf, keyfile, &diag) != 0)
		failed = true;
	if (conf != NULL && gwconf_check(conf, &diag) != 0)
		failed = true;
	gwconf_diag_print(&diag, stderr);
	if (!failed && !quiet) {
		rc = json ? gwconf_print_json(conf, stdout) :
		    gwconf_print(conf, stdout);
		if (rc != 0)
			failed = true;
		for (i = 0; i < map.n && !json; i++)
			printf("# interface %s is host interface %s\n",
			    map.map[i].script, map.map[i].host);
	}
	if (failed)
		fprintf(stderr, "%s: %zu error%s, %zu warning%s\n",
		    argv[optind], diag.errors, diag.errors == 1 ? "" : "s",
		    diag.warnings, diag.warnings == 1 ? "" : "s");
	gwconf_free(conf);
	gwconf_diag_free(&diag);
	return failed ? 1 : 0;
}
