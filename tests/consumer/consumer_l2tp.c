/* Out-of-tree consumer of libl2tp: built only with pkg-config's flags.
 * Exercises the 1.0 API surface a gateway uses: defaults (cfg NULL), the
 * in-place data path on an unknown session, enumeration and the names. */
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
	struct l2tp_hooks hooks;
	struct l2tp_ctx *ctx = NULL;
	struct l2tp_stats st;
	struct l2tp_tunnel_info ti;
	struct l2tp_rx rx;
	uint8_t buf[L2TP_DATA_HEADROOM + L2TP_MAX_DGRAM];
	static const uint8_t data[] = { 0x40, 0x02, 0x00, 0x0a, 0x12, 0x34, 0x56, 0x78, 0xc0, 0x21 };
	size_t len, off = L2TP_DATA_HEADROOM, cur = 0;
	uint64_t ph;
	int rc;

	if (strcmp(l2tp_version(), L2TP_VERSION_STRING) != 0 || L2TP_VERSION_MAJOR != 1) {
		fprintf(stderr, "libl2tp: header %s, library %s\n",
		    L2TP_VERSION_STRING, l2tp_version());
		return 1;
	}
	memset(&hooks, 0, sizeof(hooks));
	hooks.rng = rng;
	rc = l2tp_ctx_new(&ctx, NULL, &hooks);   /* all defaults: LNS */
	if (rc != 0) {
		fprintf(stderr, "l2tp_ctx_new: %s\n", l2tp_strerror(rc));
		return 1;
	}
	if (l2tp_next_output(ctx, 0, buf, sizeof(buf), &len, &ph) != L2TP_E_AGAIN ||
	    l2tp_next_timeout(ctx) != UINT64_MAX ||
	    l2tp_input(ctx, 0, 1, data, sizeof(data), &rx) != L2TP_E_NO_TUNNEL ||
	    rx.kind != L2TP_RX_NONE) {
		l2tp_ctx_free(ctx);
		return 1;
	}
	len = 2;
	if (l2tp_session_encap(ctx, 1, 1, buf, sizeof(buf), &off, &len, &ph) != L2TP_E_NOT_FOUND ||
	    l2tp_tunnel_next(ctx, 0, &cur, &ti) || l2tp_peer_drop(ctx, 1) != 0) {
		l2tp_ctx_free(ctx);
		return 1;
	}
	l2tp_get_stats(ctx, &st);
	l2tp_ctx_free(ctx);
	printf("consumer: libl2tp %s linked, context created and freed (%llu tunnels, "
	    "%llu datagrams in; %s, %s)\n", l2tp_version(), (unsigned long long)st.tunnels_open,
	    (unsigned long long)st.rx_packets, l2tp_message_name(1),
	    l2tp_event_name(L2TP_EV_SESSION_UP));
	return 0;
}
