/* Out-of-tree consumer of libisakmp: built only with pkg-config's flags. */
#include <stdio.h>
#include <string.h>

#include <roadgate/isakmp.h>

static int
rng(void *user, void *buf, size_t len)
{
	(void)user;
	memset(buf, 0x5a, len);  /* a real caller uses the OS RNG */
	return 0;
}

int
main(void)
{
	struct isakmp_config cfg;
	struct isakmp_hooks hooks;
	struct isakmp_ctx *ctx = NULL;
	struct isakmp_stats st;
	int rc;

	if (strcmp(isakmp_version(), ISAKMP_VERSION_STRING) != 0) {
		fprintf(stderr, "libisakmp: header %s, library %s\n",
		    ISAKMP_VERSION_STRING, isakmp_version());
		return 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	memset(&hooks, 0, sizeof(hooks));
	hooks.rng = rng;
	if ((rc = isakmp_ctx_new(&ctx, &cfg, &hooks)) != 0) {
		fprintf(stderr, "isakmp_ctx_new: %s\n", isakmp_strerror(rc));
		return 1;
	}
	isakmp_get_stats(ctx, &st);
	if (isakmp_next_timeout(ctx) != UINT64_MAX || st.rx_packets != 0) {
		isakmp_ctx_free(ctx);
		return 1;
	}
	isakmp_ctx_free(ctx);
	printf("consumer: libisakmp %s linked, context created and freed\n", isakmp_version());
	return 0;
}
