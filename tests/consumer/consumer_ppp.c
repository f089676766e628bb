/* Out-of-tree consumer of libppp: built only with pkg-config's flags.
 * Creates a real context and a server session through the public API,
 * pulls its first frame from the context, enumerates it and frees the
 * context with the session still alive. */
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
	struct ppp_session_config sc;
	struct ppp_session_info info;
	struct ppp_ctx *ctx;
	struct ppp_session *s, *from = NULL, *it;
	unsigned char frame[PPP_MAX_FRAME];
	uint64_t user = 0;
	size_t len, cursor = 0;
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
	if ((rc = ppp_ctx_new(&ctx, &cfg, &hooks)) != PPP_OK) {
		fprintf(stderr, "libppp: ppp_ctx_new: %s\n", ppp_strerror(rc));
		return 1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.user = 42;
	if ((rc = ppp_session_new(ctx, 0, PPP_ROLE_SERVER, &sc, &s)) !=
	    PPP_OK) {
		fprintf(stderr, "libppp: ppp_session_new: %s\n",
		    ppp_strerror(rc));
		ppp_ctx_free(ctx);
		return 1;
	}
	rc = ppp_next_output(ctx, frame, sizeof(frame), &len, &from, &user);
	if (!ppp_session_next(ctx, &cursor, &it) || it != s ||
	    ppp_session_get_info(it, 0, &info) != PPP_OK)
		rc = PPP_E_STATE;
	ppp_ctx_free(ctx);	/* frees the session too */
	if (rc != PPP_OK || from != s || user != 42) {
		fprintf(stderr, "libppp: no LCP Configure-Request queued\n");
		return 1;
	}
	printf("consumer: libppp %s linked, LCP Configure-Request of %zu "
	    "bytes, %s session in phase %s\n", ppp_version(), len,
	    ppp_role_name(info.role), ppp_phase_name(info.phase));
	return 0;
}
