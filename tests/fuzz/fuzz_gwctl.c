/*
 * fuzz_gwctl.c - libFuzzer target over the operator's command line
 * (examples/gateway/gw_ctl.h): the input is one command line given to a
 * gateway core built from the seed's script.  Properties checked on every
 * answer: a known result code; an answer that ends in a newline; a JSON
 * answer is one line that a strict parser accepts, with "ok" matching the
 * code; a table line is at most 100 columns (show config excepted: router
 * commands); no secret of the script ever appears.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_ctl.h"
#include "jsonchk.h"

static struct gw *gw;
static struct gwconf *conf;
static uint64_t seed = 1;

static int
rng(void *user, void *buf, size_t len)
{
	uint8_t *p = buf;

	(void)user;
	while (len-- > 0) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		*p++ = (uint8_t)(seed >> 56);
	}
	return 0;
}

static void
setup(void)
{
	struct gwconf_diag d;
	struct gw_options o;
	struct gw_hooks h;
	char err[256];

	gwconf_diag_init(&d);
	if (gwconf_parse_file(GWCONF_EXAMPLES_DIR "/seed.cfg", &conf, &d) != 0 ||
	    gwconf_check(conf, &d) != 0)
		abort();
	gwconf_diag_free(&d);
	memset(&o, 0, sizeof(o));
	o.max_peers = o.max_sessions = 8;
	o.max_flows = 256;
	memset(&h, 0, sizeof(h));
	h.rng = rng;
	if (gw_new(&gw, conf, &o, &h, err, sizeof(err)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const secrets[] = { "labsecret", "friend1", "Secoff-Lab-1" };
	struct gw_ctl_out o;
	uint64_t now = 1000000000ull;
	size_t i;
	int rc;

	if (gw == NULL)
		setup();
	gw_ctl_out_init(&o, 1u << 20);
	rc = gw_ctl_exec(gw, now, (const char *)data, size, &o);
	if (rc > 0 || rc < GW_CTL_E_TOO_BIG || o.buf == NULL || o.len == 0 ||
	    o.buf[o.len - 1] != '\n' || strlen(o.buf) != o.len)
		abort();
	/* A secret may come back only when the operator typed it (an error
	 * quotes the word it refuses, without its quotes). */
	{
		char typed[GW_CTL_MAX_LINE + 1];
		size_t k, n = 0;

		for (k = 0; k < size && n < sizeof(typed); k++)
			if (data[k] != '"')
				typed[n++] = (char)data[k];
		for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
			if (strstr(o.buf, secrets[i]) != NULL &&
			    memmem(typed, n, secrets[i], strlen(secrets[i])) == NULL)
				abort();
	}
	if (o.buf[0] == '{') {
		char err[128];
		struct jv *v = jv_parse(o.buf, o.len, err, sizeof(err));
		const struct jv *ok = jv_get(v, "ok");

		if (v == NULL || memchr(o.buf, '\n', o.len) != o.buf + o.len - 1 || ok == NULL ||
		    ok->t != JT_BOOL || ok->b != (rc == GW_CTL_OK))
			abort();
		jv_free(v);
	} else if (strstr(o.buf, "\ncreate ") == NULL && strncmp(o.buf, "create", 6) != 0) {
		const char *l = o.buf;

		while (*l != '\0') {
			size_t n = strcspn(l, "\n");

			if (n > GW_CTL_COLUMNS)
				abort();
			l += n + 1;
		}
	}
	gw_ctl_out_free(&o);
	/* The state a command may leave (debug switches) is put back. */
	for (i = 0; i < GW_LOG_NCAT; i++)
		gw_debug_set(gw, (enum gw_log_cat)i, false);
	return 0;
}
