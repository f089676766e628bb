/* Out-of-tree consumer of libl2tp: built only with pkg-config's flags. */
#include <stdio.h>
#include <string.h>

#include <roadgate/l2tp.h>

static int
rng(void *user, void *buf, size_t len)
{
	(void)user;
	memset(buf, 0x5a, len);   /* enough for creating a context */
	return 0;
}

int
main(void)
{
	struct l2tp_config cfg;
	struct l2tp_hooks hooks;
	struct l2tp_ctx *ctx = NULL;
	struct l2tp_stats st;
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint64_t ph;
	int rc;

	if (strcmp(l2tp_version(), L2TP_VERSION_STRING) != 0) {
		fprintf(stderr, "libl2tp: header %s, library %s\n",
		    L2TP_VERSION_STRING, l2tp_version());
		return 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.roles = L2TP_ROLE_LNS;
	memset(&hooks, 0, sizeof(hooks));
	hooks.rng = rng;
	rc = l2tp_ctx_new(&ctx, &cfg, &hooks);
	if (rc != 0) {
		fprintf(stderr, "l2tp_ctx_new: %s\n", l2tp_strerror(rc));
		return 1;
	}
	if (l2tp_next_output(ctx, 0, buf, sizeof(buf), &len, &ph) != L2TP_E_AGAIN) {
		l2tp_ctx_free(ctx);
		return 1;
	}
	l2tp_get_stats(ctx, &st);
	l2tp_ctx_free(ctx);
	printf("consumer: libl2tp %s linked, context created and freed (%llu tunnels)\n",
	    l2tp_version(), (unsigned long long)st.tunnels_open);
	return 0;
}
