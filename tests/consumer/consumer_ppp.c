/* Out-of-tree consumer of libppp: built only with pkg-config's flags.
 * Creates and frees a real context and a server session through the
 * public API. */
#include <stdio.h>
#include <string.h>

#include <roadgate/ppp.h>

static int
rng(void *user, void *buf, size_t len)
{
	(void)user;
	memset(buf, 0x5a, len);	/* consumer check only, not for real use */
	return 0;
}

int
main(void)
{
	struct ppp_config cfg;
	struct ppp_hooks hooks;
	struct ppp_ctx *ctx;
	struct ppp_session *s;
	unsigned char frame[PPP_MAX_FRAME];
	size_t len;
	int rc;

	if (strcmp(ppp_version(), PPP_VERSION_STRING) != 0) {
		fprintf(stderr, "libppp: header %s, library %s\n",
		    PPP_VERSION_STRING, ppp_version());
		return 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.auth[0] = PPP_AUTH_MSCHAPV2;
	cfg.auth[1] = PPP_AUTH_CHAP_MD5;
	cfg.n_auth = 2;
	cfg.local_addr = 0xc0a80001;
	memset(&hooks, 0, sizeof(hooks));
	hooks.rng = rng;
	if ((rc = ppp_ctx_new(&ctx, &cfg, &hooks)) != 0) {
		fprintf(stderr, "libppp: ppp_ctx_new: %s\n", ppp_strerror(rc));
		return 1;
	}
	if ((rc = ppp_session_new(ctx, PPP_ROLE_SERVER, 0, NULL, &s)) != 0) {
		fprintf(stderr, "libppp: ppp_session_new: %s\n",
		    ppp_strerror(rc));
		ppp_ctx_free(ctx);
		return 1;
	}
	rc = ppp_session_next_output(s, frame, sizeof(frame), &len);
	ppp_session_free(s);
	ppp_ctx_free(ctx);
	if (rc != 1) {
		fprintf(stderr, "libppp: no LCP Configure-Request queued\n");
		return 1;
	}
	printf("consumer: libppp %s linked, LCP Configure-Request of %zu "
	    "bytes\n", ppp_version(), len);
	return 0;
}
