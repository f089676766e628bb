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
	struct isakmp_policy pol;
	struct isakmp_stats st;
	struct isakmp_peer_info pi;
	size_t cur = 0;
	uint32_t pid = 0;
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
	/* A policy added and deleted live. */
	memset(&pol, 0, sizeof(pol));
	pol.size = sizeof(pol);
	memcpy(pol.psk, "consumer", 8);
	pol.psk_len = 8;
	pol.p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP2048, 0 };
	pol.n_p1 = 1;
	pol.p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96,
	    0, 0 };
	pol.n_p2 = 1;
	if ((rc = isakmp_policy_add(ctx, &pol, &pid)) != 0 ||
	    (rc = isakmp_policy_delete(ctx, pid)) != 0) {
		fprintf(stderr, "policy: %s\n", isakmp_strerror(rc));
		isakmp_ctx_free(ctx);
		return 1;
	}
	isakmp_get_stats(ctx, &st);
	if (isakmp_next_timeout(ctx) != UINT64_MAX || st.rx_packets != 0 ||
	    isakmp_peer_next(ctx, 0, &cur, &pi) ||
	    strcmp(isakmp_event_name(ISAKMP_EV_PEER_DOWN), "PEER_DOWN") != 0) {
		isakmp_ctx_free(ctx);
		return 1;
	}
	isakmp_ctx_free(ctx);
	printf("consumer: libisakmp %s linked, context created, policy %u added and deleted, "
	    "context freed\n", isakmp_version(), pid);
	return 0;
}
