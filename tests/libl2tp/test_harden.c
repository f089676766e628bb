/* Hardening tests (issue #13): setup deadlines that nothing the peer sends
 * extends, in both roles; per-peer-handle shares of tunnels and sessions;
 * no SCCRP amplification towards an unverified (spoofable) source; rate
 * limited log lines.  Driven through the public API with hand-built
 * datagrams, as an attacker would send them. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"

void test_harden_register(void);

#define SEC 1000000000ull
#define T0 (1 * SEC)
#define SETUP_DEFAULT (30 * SEC)        /* tunnel/session_setup_timeout_ns default */

/* ---- a hand-made peer ---- */

struct lone {
	struct l2tp_ctx *ctx;
	struct ts_rng rng;
	struct l2tp_hooks hooks;
	unsigned ev[8];
	struct l2tp_event last[8];
	unsigned log_lines, log_refused, log_suppressed_notes;
	char last_log[256];
};

static int
lone_rng(void *u, void *b, size_t n)
{
	return ts_rng_cb(&((struct lone *)u)->rng, b, n);
}

static void
lone_log(void *u, int level, const char *msg)
{
	struct lone *l = u;

	(void)level;
	l->log_lines++;
	if (strstr(msg, "refused") != NULL)
		l->log_refused++;
	if (strstr(msg, "suppressed") != NULL)
		l->log_suppressed_notes++;
	snprintf(l->last_log, sizeof(l->last_log), "%s", msg);
}

static int
lone_init(struct lone *l, const struct l2tp_config *cfg)
{
	memset(l, 0, sizeof(*l));
	ts_rng_init(&l->rng, 77);
	l->hooks.user = l;
	l->hooks.rng = lone_rng;
	l->hooks.log = lone_log;
	return l2tp_ctx_new(&l->ctx, cfg, &l->hooks);
}

static void
lone_events(struct lone *l)
{
	struct l2tp_event ev;

	while (l2tp_next_event(l->ctx, &ev)) {
		if ((unsigned)ev.type < 8) {
			l->ev[ev.type]++;
			l->last[ev.type] = ev;
		}
	}
}

static struct l2tp_stats
lone_stats(struct lone *l)
{
	struct l2tp_stats s;

	l2tp_get_stats(l->ctx, &s);
	return s;
}

static int
in(struct lone *l, uint64_t now, uint64_t handle, const uint8_t *d, size_t n)
{
	struct l2tp_rx rx;
	int rc = l2tp_input(l->ctx, now, handle, d, n, &rx);

	lone_events(l);
	return rc;
}

/* What the context sent: datagram count, bytes, the largest one, message
 * types, and a copy of the last one. */
struct sent {
	unsigned n;
	size_t bytes, largest;
	unsigned types[32];
	uint8_t last[L2TP_MAX_DGRAM];
	size_t last_len;
};

static void
pull(struct lone *l, uint64_t now, struct sent *s)
{
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint64_t ph;

	while (l2tp_next_output(l->ctx, now, buf, sizeof(buf), &len, &ph) == 0) {
		s->n++;
		s->bytes += len;
		if (len > s->largest)
			s->largest = len;
		s->types[h_msg_type(buf, len) & 31]++;
		memcpy(s->last, buf, len);
		s->last_len = len;
	}
}

static void
avp(uint8_t *d, size_t *n, uint16_t type, const void *v, size_t vlen)
{
	h_append_avp(d, n, 0x8000, 0, type, v, vlen);
}

/* A control message: header (tid, sid, ns, nr) + Message Type. */
static size_t
ctl(uint8_t *d, uint16_t tid, uint16_t sid, uint16_t ns, uint16_t nr, uint16_t mt)
{
	static const uint8_t hdr[] = { 0xc8, 0x02, 0, 20 };

	memcpy(d, hdr, 4);
	d[4] = (uint8_t)(tid >> 8); d[5] = (uint8_t)tid;
	d[6] = (uint8_t)(sid >> 8); d[7] = (uint8_t)sid;
	d[8] = (uint8_t)(ns >> 8); d[9] = (uint8_t)ns;
	d[10] = (uint8_t)(nr >> 8); d[11] = (uint8_t)nr;
	d[12] = 0x80; d[13] = 8; d[14] = 0; d[15] = 0; d[16] = 0; d[17] = 0;
	d[18] = (uint8_t)(mt >> 8); d[19] = (uint8_t)mt;
	return 20;
}

static size_t
zlb(uint8_t *d, uint16_t tid, uint16_t ns, uint16_t nr)
{
	size_t n = ctl(d, tid, 0, ns, nr, 0);

	d[2] = 0;
	d[3] = 12;
	return n - 8;
}

/* A minimal SCCRQ (RFC 2661 6.1 required AVPs, Host Name "win7"), with
 * pad bytes of Vendor Name when pad > 0 (a real client's is ~100 bytes). */
static size_t
sccrq(uint8_t *d, uint16_t ptid, size_t pad)
{
	static const uint8_t vendor[64] = "Microsoft Windows NT client, build 19045, and some more";
	size_t n = h_build_sccrq(d, ptid, 0);

	if (pad > 0)
		h_append_avp(d, &n, 0, 0, 8, vendor, pad < sizeof(vendor) ? pad : sizeof(vendor));
	return n;
}

/* The Assigned Tunnel ID AVP (not hidden) of a control message. */
static uint16_t
assigned_tid(const uint8_t *d, size_t n)
{
	size_t i, l;

	for (i = 12; i + 6 <= n; i += l) {
		l = (size_t)(((d[i] & 3) << 8) | d[i + 1]);
		if (l < 6)
			return 0;
		if (d[i + 5] == 9 && l == 8 && i + 8 <= n)
			return (uint16_t)((d[i + 6] << 8) | d[i + 7]);
	}
	return 0;
}

static bool
has_avp(const uint8_t *d, size_t n, unsigned type)
{
	size_t i, l;

	for (i = 12; i + 6 <= n; i += l) {
		l = (size_t)(((d[i] & 3) << 8) | d[i + 1]);
		if (l < 6)
			return false;
		if (d[i + 4] == 0 && d[i + 5] == type)
			return true;
	}
	return false;
}

/* SCCRQ -> SCCRP -> SCCCN by hand: returns our Tunnel ID (0 on failure). */
static uint16_t
handshake(struct lone *l, uint64_t now, uint64_t handle, uint16_t ptid)
{
	uint8_t d[256];
	struct sent s;
	size_t n = sccrq(d, ptid, 48);
	uint16_t tid;

	memset(&s, 0, sizeof(s));
	if (in(l, now, handle, d, n) != 0)
		return 0;
	pull(l, now, &s);
	if (s.types[L2TP_MSG_SCCRP] != 1)
		return 0;
	tid = assigned_tid(s.last, s.last_len);
	n = ctl(d, tid, 0, 1, 1, L2TP_MSG_SCCCN);
	if (in(l, now, handle, d, n) != 0)
		return 0;
	pull(l, now, &s);
	return tid;
}

/* ---- item 5: setup deadlines ---- */

/* LNS: the SCCRP is acknowledged (ZLB), then the peer keeps the tunnel
 * busy -- ZLBs, HELLOs in sequence, retransmitted SCCRQs -- but never
 * sends SCCCN.  The tunnel goes at creation + the default 30 s, not
 * later, and its half-open slot is free again. */
static void
test_lns_tunnel_deadline_not_extended(void)
{
	struct lone l;
	struct l2tp_config c;
	uint8_t q[256], d[64];
	size_t qn, n;
	struct sent s;
	uint64_t now;
	uint16_t tid, ns = 1;
	unsigned stops;

	h_default_config(&c, L2TP_ROLE_LNS);
	c.max_half_open = 1;
	CU_ASSERT_EQUAL_FATAL(lone_init(&l, &c), 0);
	memset(&s, 0, sizeof(s));
	qn = sccrq(q, 7, 48);
	CU_ASSERT_EQUAL(in(&l, T0, 0x66, q, qn), 0);
	pull(&l, T0, &s);
	CU_ASSERT_EQUAL_FATAL(s.types[L2TP_MSG_SCCRP], 1);
	tid = assigned_tid(s.last, s.last_len);
	CU_ASSERT_NOT_EQUAL_FATAL(tid, 0);
	for (now = T0 + SEC / 2; now < T0 + SETUP_DEFAULT; now += SEC / 2) {
		n = zlb(d, tid, ns, 1);
		CU_ASSERT_EQUAL(in(&l, now, 0x66, d, n), 0);
		n = ctl(d, tid, 0, ns++, 1, L2TP_MSG_HELLO);
		CU_ASSERT_EQUAL(in(&l, now, 0x66, d, n), 0);
		CU_ASSERT_EQUAL(in(&l, now, 0x66, q, qn), L2TP_E_DUPLICATE);
		CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, now), 0);
		lone_events(&l);
		pull(&l, now, &s);
		/* The only half-open slot is taken. */
		n = sccrq(d, 9, 0);
		CU_ASSERT_EQUAL(in(&l, now, 0x67, d, n), L2TP_E_LIMIT);
		pull(&l, now, &s);
	}
	CU_ASSERT_EQUAL(l.ev[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_TRUE(l2tp_next_timeout(l.ctx) <= T0 + SETUP_DEFAULT);
	stops = s.types[L2TP_MSG_STOPCCN];          /* the refusals of 0x67 */
	CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, T0 + SETUP_DEFAULT), 0);
	lone_events(&l);
	CU_ASSERT_EQUAL(l.ev[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(l.last[L2TP_EV_TUNNEL_DOWN].tunnel_id, tid);
	CU_ASSERT_EQUAL(l.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnel_setup_timeouts, 1);
	/* A verified peer gets its StopCCN. */
	pull(&l, T0 + SETUP_DEFAULT, &s);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_STOPCCN], stops + 1);
	/* The slot is free: another client gets in. */
	n = sccrq(d, 9, 0);
	CU_ASSERT_EQUAL(in(&l, T0 + SETUP_DEFAULT, 0x67, d, n), 0);
	l2tp_ctx_free(l.ctx);
}

/* Turns the LAC's ICCN into a HELLO: the LNS acks it (the LAC is happy
 * and keeps its tunnel) but never sees ICCN. */
static bool
iccn_to_hello(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	if (from_lac && h_msg_type(d, *len) == L2TP_MSG_ICCN)
		d[19] = L2TP_MSG_HELLO;
	return false;
}

/* LNS: ICRP sent and acknowledged, ICCN never comes, while HELLOs flow
 * both ways every second.  The session goes at creation + 30 s; the
 * tunnel stays. */
static void
test_lns_session_deadline_not_extended(void)
{
	struct h_pair p;
	struct l2tp_config a, b;
	uint16_t tid, sid;
	uint64_t t0;

	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	a.hello_interval_ns = SEC;
	b.hello_interval_ns = SEC;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, &b), 0);
	p.filter = iccn_to_hello;
	t0 = p.now;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_UP], 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_UP], 0);
	while (p.lns.ev_count[L2TP_EV_SESSION_DOWN] == 0 && h_step_timer(&p, t0 + 100 * SEC))
		;
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.now, t0 + SETUP_DEFAULT);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	CU_ASSERT_TRUE(h_stats(&p.lns).hellos_sent >= 20);
	CU_ASSERT_TRUE(h_stats(&p.lac).hellos_sent >= 20);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	h_pair_free(&p);
}

/* LAC: the LNS acknowledges our SCCRQ with a ZLB and then only sends ZLBs:
 * no SCCRP, so nothing is in flight and no retransmission can end the
 * wait.  The tunnel (and its call) go at creation + 30 s, without a
 * StopCCN (the peer never told us its Tunnel ID). */
static void
test_lac_tunnel_deadline(void)
{
	struct lone l;
	struct l2tp_config c;
	uint8_t d[64];
	size_t n;
	struct sent s;
	uint64_t now;
	uint16_t tid, sid;

	h_default_config(&c, L2TP_ROLE_LAC);
	CU_ASSERT_EQUAL_FATAL(lone_init(&l, &c), 0);
	c.session_setup_timeout_ns = UINT64_MAX;    /* the tunnel's deadline alone */
	l2tp_ctx_free(l.ctx);
	CU_ASSERT_EQUAL_FATAL(lone_init(&l, &c), 0);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL_FATAL(l2tp_tunnel_open(l.ctx, T0, 0x55, &tid), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(l.ctx, T0, tid, &sid), 0);
	pull(&l, T0, &s);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_SCCRQ], 1);
	for (now = T0 + SEC / 2; now < T0 + SETUP_DEFAULT; now += SEC) {
		n = zlb(d, tid, 0, 1);
		CU_ASSERT_EQUAL(in(&l, now, 0x55, d, n), 0);
		CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, now), 0);
		lone_events(&l);
	}
	pull(&l, now, &s);
	CU_ASSERT_EQUAL(s.n, 1);                    /* the SCCRQ, acked at once */
	CU_ASSERT_EQUAL(l.ev[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(l2tp_next_timeout(l.ctx), T0 + SETUP_DEFAULT);
	CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, T0 + SETUP_DEFAULT), 0);
	lone_events(&l);
	CU_ASSERT_EQUAL(l.ev[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(l.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	CU_ASSERT_EQUAL(l.ev[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(l.last[L2TP_EV_SESSION_DOWN].session_id, sid);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnels_open, 0);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnel_setup_timeouts, 1);
	pull(&l, T0 + SETUP_DEFAULT, &s);
	CU_ASSERT_EQUAL(s.n, 1);                    /* no StopCCN */
	CU_ASSERT_EQUAL(l2tp_next_timeout(l.ctx), UINT64_MAX);
	l2tp_ctx_free(l.ctx);
}

/* ---- item 5: per-peer-handle shares ---- */

/* One peer handle opens half-open tunnels: the 5th is refused (default
 * share 4) with StopCCN "no resources", another peer still gets in. */
static void
test_peer_share_half_open(void)
{
	struct lone l;
	uint8_t d[256];
	size_t n;
	struct sent s;
	uint16_t i;

	CU_ASSERT_EQUAL_FATAL(lone_init(&l, NULL), 0);
	memset(&s, 0, sizeof(s));
	for (i = 1; i <= 6; i++) {
		n = sccrq(d, i, 48);
		CU_ASSERT_EQUAL(in(&l, T0, 0x1234, d, n), i <= 4 ? 0 : L2TP_E_LIMIT);
	}
	pull(&l, T0, &s);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_SCCRP], 4);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_STOPCCN], 2);
	CU_ASSERT_EQUAL(s.last[12 + 8 + 8 + 6], 0);         /* Result Code 2 */
	CU_ASSERT_EQUAL(s.last[12 + 8 + 8 + 7], L2TP_STOPCCN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(s.last[12 + 8 + 8 + 9], L2TP_ERR_NO_RESOURCES);
	CU_ASSERT_EQUAL(lone_stats(&l).refused_peer_half_open, 2);
	CU_ASSERT_EQUAL(lone_stats(&l).refused_limit, 0);
	CU_ASSERT_TRUE(strstr(l.last_log, "peer 4660") != NULL);
	n = sccrq(d, 1, 48);
	CU_ASSERT_EQUAL(in(&l, T0, 0x5678, d, n), 0);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnels_open, 5);
	l2tp_ctx_free(l.ctx);
}

/* One peer handle establishes tunnels and asks for sessions: the 9th
 * tunnel (default share 8) and the 65th session (default share 64, over
 * all its tunnels) are refused; a StopCCN'd tunnel lingering from a redial
 * is reclaimed for a new SCCRQ instead of refusing it. */
static void
test_peer_share_tunnels_sessions(void)
{
	struct lone l;
	uint8_t d[256];
	size_t n;
	struct sent s;
	uint16_t tids[10], i, ns1 = 2, ns2 = 2;

	CU_ASSERT_EQUAL_FATAL(lone_init(&l, NULL), 0);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 8; i++) {
		tids[i] = handshake(&l, T0, 0x4242, (uint16_t)(100 + i));
		CU_ASSERT_NOT_EQUAL(tids[i], 0);
	}
	CU_ASSERT_EQUAL(l.ev[L2TP_EV_TUNNEL_UP], 8);
	n = sccrq(d, 200, 48);
	CU_ASSERT_EQUAL(in(&l, T0, 0x4242, d, n), L2TP_E_LIMIT);
	CU_ASSERT_EQUAL(lone_stats(&l).refused_peer_tunnels, 1);
	CU_ASSERT_TRUE(strstr(l.last_log, "max_tunnels_per_peer") != NULL);
	CU_ASSERT_EQUAL(handshake(&l, T0, 0x4243, 200) != 0, true);   /* other peer */
	/* Sessions: 40 on the first tunnel, 24 on the second, then one more. */
	for (i = 1; i <= 65; i++) {
		bool first = i <= 40;
		uint16_t sid = i;

		uint16_t ns = first ? ns1++ : ns2++;

		/* Nr acknowledges our ICRPs so far (the window is 4). */
		n = ctl(d, first ? tids[0] : tids[1], 0, ns, (uint16_t)(ns - 1), L2TP_MSG_ICRQ);
		avp(d, &n, 14, (uint8_t[]){ (uint8_t)(sid >> 8), (uint8_t)sid }, 2);
		CU_ASSERT_EQUAL(in(&l, T0, 0x4242, d, n), i <= 64 ? 0 : L2TP_E_LIMIT);
	}
	pull(&l, T0, &s);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_ICRP], 64);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_CDN], 1);
	CU_ASSERT_EQUAL(lone_stats(&l).refused_peer_sessions, 1);
	CU_ASSERT_EQUAL(lone_stats(&l).sessions_open, 64);
	/* The client hangs up tunnel 3 (StopCCN: it lingers) and redials. */
	n = ctl(d, tids[3], 0, 2, 1, L2TP_MSG_STOPCCN);
	avp(d, &n, 9, (uint8_t[]){ 0, 103 }, 2);
	avp(d, &n, 1, (uint8_t[]){ 0, 1 }, 2);
	CU_ASSERT_EQUAL(in(&l, T0 + SEC, 0x4242, d, n), 0);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnels_open, 9);
	CU_ASSERT_NOT_EQUAL(handshake(&l, T0 + SEC, 0x4242, 300), 0);
	CU_ASSERT_EQUAL(lone_stats(&l).peer_linger_reclaimed, 1);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnels_open, 9);
	l2tp_ctx_free(l.ctx);
}

/* A peer spraying refused SCCRQs: log lines of one kind are limited to 10
 * a second; the rest are counted and summed up in the next line. */
static void
test_log_rate_limited(void)
{
	struct lone l;
	struct l2tp_config c;
	uint8_t d[256];
	size_t n;
	uint16_t i;

	h_default_config(&c, L2TP_ROLE_LNS);
	c.max_half_open = 1;
	CU_ASSERT_EQUAL_FATAL(lone_init(&l, &c), 0);
	for (i = 1; i <= 200; i++) {
		n = sccrq(d, i, 0);
		(void)in(&l, T0, 0x9000 + i, d, n);
	}
	CU_ASSERT_EQUAL(lone_stats(&l).refused_limit, 199);
	CU_ASSERT_EQUAL(l.log_refused, 10);
	CU_ASSERT_EQUAL(lone_stats(&l).log_suppressed, 189);
	n = sccrq(d, 999, 0);
	CU_ASSERT_EQUAL(in(&l, T0 + SEC, 0x9999, d, n), L2TP_E_LIMIT);
	CU_ASSERT_EQUAL(l.log_refused, 11);
	CU_ASSERT_TRUE(strstr(l.last_log, "189 similar line(s) suppressed") != NULL);
	CU_ASSERT_TRUE(strstr(l.last_log, "peer 39321") != NULL);
	l2tp_ctx_free(l.ctx);
}

/* ---- item 12: SCCRP amplification ---- */

/* A spoofed minimal SCCRQ, then 10 copies of it, then silence.  The LNS
 * answers with one compact SCCRP no bigger than the SCCRQ, resends it
 * only for copies of the SCCRQ and at most sccrp_max_unverified (3) times
 * in all, never from its timer, and removes the tunnel at the deadline
 * without StopCCN. */
static void
test_sccrp_amplification(void)
{
	struct lone l;
	struct l2tp_config c;
	uint8_t q[256];
	size_t qn;
	struct sent s;
	uint64_t now;
	unsigned i;

	h_default_config(&c, L2TP_ROLE_LNS);
	strcpy(c.hostname, "lns");
	CU_ASSERT_EQUAL_FATAL(lone_init(&l, &c), 0);
	memset(&s, 0, sizeof(s));
	qn = sccrq(q, 5, 0);
	CU_ASSERT_EQUAL(in(&l, T0, 0xbad, q, qn), 0);
	pull(&l, T0, &s);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_TRUE(s.largest <= qn);
	CU_ASSERT_FALSE(has_avp(s.last, s.last_len, 8));     /* no Vendor Name */
	CU_ASSERT_TRUE(has_avp(s.last, s.last_len, 9));      /* Assigned Tunnel ID */
	CU_ASSERT_TRUE(has_avp(s.last, s.last_len, 7));      /* Host Name */
	for (i = 0; i < 10; i++) {
		now = T0 + (i + 1) * SEC;
		CU_ASSERT_EQUAL(in(&l, now, 0xbad, q, qn), L2TP_E_DUPLICATE);
		CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, now), 0);
		pull(&l, now, &s);
	}
	for (now = T0 + 11 * SEC; now <= T0 + 120 * SEC; now += SEC / 4) {
		CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, now), 0);
		pull(&l, now, &s);
	}
	lone_events(&l);
	CU_ASSERT_EQUAL(s.n, 3);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_SCCRP], 3);
	CU_ASSERT_TRUE(s.largest <= qn);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_STOPCCN], 0);
	CU_ASSERT_EQUAL(lone_stats(&l).sccrp_resent, 2);
	CU_ASSERT_EQUAL(lone_stats(&l).unverified_suppressed, 8);
	CU_ASSERT_EQUAL(lone_stats(&l).retransmits, 0);
	CU_ASSERT_EQUAL(lone_stats(&l).unverified_expired, 1);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnels_open, 0);
	CU_ASSERT_EQUAL(l.ev[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(l.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_SETUP_TIMEOUT);
	l2tp_ctx_free(l.ctx);

	/* A longer host name than the attacker's: the compact SCCRP is a
	 * little bigger than a minimal SCCRQ, so it is sent once only. */
	h_default_config(&c, L2TP_ROLE_LNS);
	strcpy(c.hostname, "gateway.example.org");
	CU_ASSERT_EQUAL_FATAL(lone_init(&l, &c), 0);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(in(&l, T0, 0xbad, q, qn), 0);
	for (now = T0; now <= T0 + 60 * SEC; now += SEC / 2) {
		if (now < T0 + 20 * SEC)
			CU_ASSERT_EQUAL(in(&l, now, 0xbad, q, qn), L2TP_E_DUPLICATE);
		CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, now), 0);
		pull(&l, now, &s);
	}
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_TRUE(s.largest <= qn + strlen(c.hostname) - 4);
	CU_ASSERT_EQUAL(lone_stats(&l).sccrp_resent, 0);
	CU_ASSERT_EQUAL(lone_stats(&l).tunnels_open, 0);
	l2tp_ctx_free(l.ctx);
}

/* A real client's SCCRQ (big) gets the full SCCRP as before; once it acks
 * (verified), an SCCRP lost again is retransmitted by the timer as usual;
 * refusals of a minimal SCCRQ are no bigger than it. */
static void
test_sccrp_verified_peer_unchanged(void)
{
	struct lone l;
	struct l2tp_config c;
	uint8_t q[256], d[64];
	size_t qn, n;
	struct sent s;
	uint16_t tid;

	CU_ASSERT_EQUAL_FATAL(lone_init(&l, NULL), 0);
	memset(&s, 0, sizeof(s));
	qn = sccrq(q, 5, 60);
	CU_ASSERT_EQUAL(in(&l, T0, 0x77, q, qn), 0);
	pull(&l, T0, &s);
	CU_ASSERT_TRUE(has_avp(s.last, s.last_len, 8));      /* Vendor Name */
	CU_ASSERT_TRUE(has_avp(s.last, s.last_len, 6));      /* Firmware */
	CU_ASSERT_TRUE(has_avp(s.last, s.last_len, 4));      /* Bearer Capabilities */
	CU_ASSERT_TRUE(has_avp(s.last, s.last_len, 10));     /* Receive Window Size */
	tid = assigned_tid(s.last, s.last_len);
	/* Verified by a ZLB that acknowledges nothing: the timer runs. */
	n = zlb(d, tid, 1, 0);
	CU_ASSERT_EQUAL(in(&l, T0, 0x77, d, n), 0);
	CU_ASSERT_EQUAL(l2tp_next_timeout(l.ctx), T0 + SEC);
	CU_ASSERT_EQUAL(l2tp_handle_timeout(l.ctx, T0 + SEC), 0);
	pull(&l, T0 + SEC, &s);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_SCCRP], 2);
	CU_ASSERT_EQUAL(lone_stats(&l).retransmits, 1);
	l2tp_ctx_free(l.ctx);

	h_default_config(&c, L2TP_ROLE_LNS);
	c.max_half_open = 1;
	CU_ASSERT_EQUAL_FATAL(lone_init(&l, &c), 0);
	memset(&s, 0, sizeof(s));
	qn = sccrq(q, 5, 0);
	CU_ASSERT_EQUAL(in(&l, T0, 0x77, q, qn), 0);
	CU_ASSERT_EQUAL(in(&l, T0, 0x78, q, qn), L2TP_E_LIMIT);
	pull(&l, T0, &s);
	CU_ASSERT_EQUAL(s.types[L2TP_MSG_STOPCCN], 1);
	CU_ASSERT_TRUE(s.last_len <= qn);
	l2tp_ctx_free(l.ctx);
}

void
test_harden_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_harden", NULL, NULL);

	CU_add_test(s, "item 5: LNS tunnel deadline not extended by ZLB/HELLO/SCCRQ copies",
	    test_lns_tunnel_deadline_not_extended);
	CU_add_test(s, "item 5: LNS session deadline not extended by HELLOs and acks",
	    test_lns_session_deadline_not_extended);
	CU_add_test(s, "item 5: LAC tunnel deadline (SCCRQ acked, no SCCRP)", test_lac_tunnel_deadline);
	CU_add_test(s, "item 5: per-peer share of half-open tunnels", test_peer_share_half_open);
	CU_add_test(s, "item 5: per-peer share of tunnels and sessions; redial reclaims",
	    test_peer_share_tunnels_sessions);
	CU_add_test(s, "item 5: refusal log lines rate limited, naming the peer", test_log_rate_limited);
	CU_add_test(s, "item 12: SCCRP to an unverified source bounded in size and count",
	    test_sccrp_amplification);
	CU_add_test(s, "item 12: verified peers and real clients keep full SCCRP and retransmission",
	    test_sccrp_verified_peer_unchanged);
}
