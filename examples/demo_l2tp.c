/*
 * demo_l2tp.c - libl2tp self-demo: a LAC and an LNS in memory.  The tunnel
 * is authenticated with a shared secret and carries hidden AVPs; one
 * session is placed and tagged, a PPP frame goes each way on the in-place
 * data path (l2tp_session_encap in the frame's headroom, l2tp_input
 * returning the frame where it lies), the LNS shows its tables, then
 * everything is torn down.  Public API only; prints what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roadgate/l2tp.h>

#define LAC_HANDLE 1 /* how the LNS tags datagrams from the LAC */
#define LNS_HANDLE 2 /* how the LAC tags datagrams from the LNS */

/* A deterministic demo rng (xorshift); a real program uses its CSPRNG. */
static int
demo_rng(void *user, void *buf, size_t len)
{
	uint64_t *s = user;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		p[i] = (uint8_t)*s;
	}
	return 0;
}

static const char *
describe(const uint8_t *d, size_t len)
{
	if (len >= 1 && (d[0] & 0x80) == 0)
		return "data (PPP)";
	if (len <= 12)
		return "ZLB";
	return l2tp_message_name((unsigned)((d[18] << 8) | d[19]));
}

static void
events(const char *who, struct l2tp_ctx *c, uint16_t *tid, uint16_t *sid)
{
	struct l2tp_event ev;

	while (l2tp_next_event(c, &ev)) {
		printf("  %s event: %s (tunnel %u, session %u, tags %#llx/%#llx", who,
		    l2tp_event_name(ev.type), ev.tunnel_id, ev.session_id,
		    (unsigned long long)ev.tunnel_user, (unsigned long long)ev.session_user);
		if (ev.type == L2TP_EV_TUNNEL_DOWN || ev.type == L2TP_EV_SESSION_DOWN)
			printf(", result %u: %s", ev.result,
			    l2tp_result_str(ev.type == L2TP_EV_TUNNEL_DOWN, ev.result));
		printf(")\n");
		if (ev.type == L2TP_EV_SESSION_UP && tid != NULL) {
			*tid = ev.tunnel_id;
			*sid = ev.session_id;
		}
		if (ev.type == L2TP_EV_PROXY)
			l2tp_event_wipe(&ev);
	}
}

/* Hands a datagram to a context and prints a PPP frame it returns. */
static void
deliver(const char *dir, struct l2tp_ctx *to, uint64_t handle, const uint8_t *buf, size_t len)
{
	struct l2tp_rx rx;
	int rc = l2tp_input(to, 0, handle, buf, len, &rx);

	printf("  %s  %-8s %4zu bytes  %s", dir, describe(buf, len), len, l2tp_strerror(rc));
	if (rc == 0 && rx.kind == L2TP_RX_PPP)
		printf(": PPP frame of %zu bytes at offset %zu for session %u (tag %#llx), "
		    "protocol %02x%02x", rx.len, rx.off, rx.session_id,
		    (unsigned long long)rx.session_user, buf[rx.off + 2], buf[rx.off + 3]);
	printf("\n");
}

/* Sends a PPP frame on the in-place path: copy it after the headroom (as
 * PPP would have built it there), prepend the L2TP header, deliver. */
static int
send_frame(const char *dir, struct l2tp_ctx *from, struct l2tp_ctx *to, uint64_t handle,
    uint16_t tid, uint16_t sid, const uint8_t *ppp, size_t n)
{
	uint8_t buf[L2TP_DATA_HEADROOM + 64];
	size_t off = L2TP_DATA_HEADROOM, len = n;
	uint64_t ph;
	int rc;

	memcpy(buf + off, ppp, n);
	rc = l2tp_session_encap(from, tid, sid, buf, sizeof(buf), &off, &len, &ph);
	if (rc != 0) {
		printf("  encap: %s\n", l2tp_strerror(rc));
		return rc;
	}
	deliver(dir, to, handle, buf + off, len);
	return 0;
}

static void
pump(struct l2tp_ctx *lac, struct l2tp_ctx *lns, uint16_t *lns_tid, uint16_t *lns_sid)
{
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint64_t ph;
	int moved = 1;

	while (moved) {
		moved = 0;
		while (l2tp_next_output(lac, 0, buf, sizeof(buf), &len, &ph) == 0) {
			deliver("LAC -> LNS", lns, LAC_HANDLE, buf, len);
			moved = 1;
		}
		while (l2tp_next_output(lns, 0, buf, sizeof(buf), &len, &ph) == 0) {
			deliver("LNS -> LAC", lac, LNS_HANDLE, buf, len);
			moved = 1;
		}
	}
	events("LAC", lac, NULL, NULL);
	events("LNS", lns, lns_tid, lns_sid);
}

int
main(void)
{
	struct l2tp_config cfg;
	struct l2tp_hooks hooks;
	struct l2tp_ctx *lac = NULL, *lns = NULL;
	uint64_t seed_lac = 0x1234567, seed_lns = 0x7654321;
	uint16_t tid, sid, lns_tid = 0, lns_sid = 0;
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };
	static const uint8_t ip[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00, 0x00, 0x14 };
	struct l2tp_stats st;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	memcpy(cfg.secret, "demo-secret", 11);
	cfg.secret_len = 11;
	cfg.require_auth = true;
	cfg.hide_avps = true;
	memset(&hooks, 0, sizeof(hooks));
	hooks.rng = demo_rng;

	cfg.roles = L2TP_ROLE_LAC;
	strcpy(cfg.hostname, "road-warrior");
	hooks.user = &seed_lac;
	if (l2tp_ctx_new(&lac, &cfg, &hooks) != 0)
		return 1;
	cfg.roles = L2TP_ROLE_LNS;
	strcpy(cfg.hostname, "gateway");
	hooks.user = &seed_lns;
	if (l2tp_ctx_new(&lns, &cfg, &hooks) != 0)
		return 1;
	printf("libl2tp %s demo: LAC and LNS in memory, shared secret, hidden AVPs\n",
	    l2tp_version());

	printf("1. LAC opens a tunnel and places an incoming call\n");
	if (l2tp_tunnel_open(lac, 0, LNS_HANDLE, &tid) != 0 ||
	    l2tp_session_open(lac, 0, tid, &sid) != 0)
		return 1;
	pump(lac, lns, &lns_tid, &lns_sid);
	if (lns_sid == 0)
		return 1;

	printf("2. the LNS tags its session; a PPP frame each way, in place\n");
	if (l2tp_tunnel_set_user(lns, lns_tid, 0x7e11) != 0 ||
	    l2tp_session_set_user(lns, lns_tid, lns_sid, 0x5e55) != 0)
		return 1;
	if (send_frame("LAC -> LNS", lac, lns, LAC_HANDLE, tid, sid, lcp, sizeof(lcp)) != 0 ||
	    send_frame("LNS -> LAC", lns, lac, LNS_HANDLE, lns_tid, lns_sid, ip, sizeof(ip)) != 0)
		return 1;
	{
		struct l2tp_tunnel_info ti;
		struct l2tp_session_info si;
		size_t cur = 0;

		printf("   LNS tables (show l2tp):\n");
		while (l2tp_tunnel_next(lns, 0, &cur, &ti))
			printf("   tunnel %u <-> %u, peer \"%s\", %s, %u session(s), "
			    "%llu data packets in\n", ti.tunnel_id, ti.peer_tunnel_id, ti.peer_host,
			    l2tp_tunnel_state_name(ti.state), ti.n_sessions,
			    (unsigned long long)ti.data_rx_packets);
		cur = 0;
		while (l2tp_session_next(lns, 0, &cur, &si))
			printf("   session %u/%u <-> %u, %s, call serial %u, tag %#llx\n",
			    si.tunnel_id, si.session_id, si.peer_session_id,
			    l2tp_session_state_name(si.state), si.call_serial,
			    (unsigned long long)si.user);
	}

	printf("3. LAC hangs up the call (CDN), then closes the tunnel (StopCCN)\n");
	if (l2tp_session_close(lac, 0, tid, sid, L2TP_CDN_ADMIN) != 0)
		return 1;
	pump(lac, lns, NULL, NULL);
	if (l2tp_tunnel_close(lac, 0, tid, L2TP_STOPCCN_GENERAL_REQUEST) != 0)
		return 1;
	pump(lac, lns, NULL, NULL);

	l2tp_get_stats(lns, &st);
	printf("LNS stats: %llu control in, %llu data in, %llu auth failures\n",
	    (unsigned long long)st.rx_control, (unsigned long long)st.rx_data,
	    (unsigned long long)st.rx_auth_failed);
	l2tp_ctx_free(lac);
	l2tp_ctx_free(lns);
	return 0;
}
