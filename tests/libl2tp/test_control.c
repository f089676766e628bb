/* Control channel tests: LNS <-> LAC in memory with simulated time. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_control_register(void);

#define SEC 1000000000ull

static struct l2tp_stats
st(struct h_peer *pe)
{
	struct l2tp_stats s;

	l2tp_get_stats(pe->ctx, &s);
	return s;
}

/* Appends an AVP to a control message in place, fixing the Length field. */
static void
append_avp(uint8_t *d, size_t *len, uint16_t flags, uint16_t vendor, uint16_t type,
    const void *val, size_t vlen)
{
	uint8_t *p = d + *len;

	p[0] = (uint8_t)((flags | (6 + vlen)) >> 8);
	p[1] = (uint8_t)(6 + vlen);
	p[2] = (uint8_t)(vendor >> 8);
	p[3] = (uint8_t)vendor;
	p[4] = (uint8_t)(type >> 8);
	p[5] = (uint8_t)type;
	memcpy(p + 6, val, vlen);
	*len += 6 + vlen;
	d[2] = (uint8_t)(*len >> 8);
	d[3] = (uint8_t)*len;
}

static void
test_setup_and_teardown(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	uint8_t ppp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_NOT_EQUAL(tid, 0);
	CU_ASSERT_NOT_EQUAL(sid, 0);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 1);
	/* PPP both ways. */
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, sizeof(ppp)), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_PPP], 1);
	TS_ASSERT_BYTES("ppp lac->lns", p.lns.last_ppp, p.lns.last_ppp_len, ppp, sizeof(ppp));
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lns.ctx, p.now, p.lns.last[L2TP_EV_SESSION_UP].tunnel_id,
	    p.lns.last[L2TP_EV_SESSION_UP].session_id, ppp, 4), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_PPP], 1);
	TS_ASSERT_BYTES("ppp lns->lac", p.lac.last_ppp, p.lac.last_ppp_len, ppp, 4);
	/* CDN from the LAC. */
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, sid, L2TP_CDN_ADMIN), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_ADMIN);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 0);
	/* StopCCN from the LAC; both sides clean up. */
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid, L2TP_STOPCCN_GENERAL_REQUEST), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_GENERAL_REQUEST);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 0);   /* StopCCN acked */
	while (h_step_timer(&p, p.now + 60 * SEC))
		;
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 0);   /* linger over */
	CU_ASSERT_EQUAL(l2tp_next_timeout(p.lns.ctx), UINT64_MAX);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lac.al.live, 0);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

static void
test_lns_closes_tunnel(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lns.ctx, p.now, p.lns.last[L2TP_EV_TUNNEL_UP].tunnel_id,
	    L2TP_STOPCCN_SHUTTING_DOWN), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_SHUTTING_DOWN);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 0);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

static void
test_ids_random_unique(void)
{
	struct h_pair p;
	uint16_t ids[64];
	unsigned i, j;
	struct l2tp_config c;

	h_default_config(&c, L2TP_ROLE_LAC);
	c.max_half_open = 64;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &c, NULL), 0);
	for (i = 0; i < 64; i++) {
		CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &ids[i]), 0);
		CU_ASSERT_NOT_EQUAL(ids[i], 0);
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(ids[i], ids[j]);
	}
	/* Not sequential: the IDs are drawn from the rng. */
	CU_ASSERT_NOT_EQUAL((uint16_t)(ids[0] + 1), ids[1]);
	h_pair_free(&p);
}

/* Drops the first transmission of SCCRP, ICRP and ICCN. */
static bool
drop_firsts(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	unsigned *mask = p->arg;
	unsigned mt = h_msg_type(d, *len);

	(void)from_lac;
	if ((mt == 2 || mt == 11 || mt == 12) && (*mask & (1u << mt)) == 0) {
		*mask |= 1u << mt;
		return true;
	}
	return false;
}

static void
test_retransmit_under_loss(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	unsigned mask = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = drop_firsts;
	p.arg = &mask;
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_UP], 0);
	while (p.lns.ev_count[L2TP_EV_SESSION_UP] == 0 && h_step_timer(&p, p.now + 30 * SEC))
		;
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_UP], 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_UP], 1);
	CU_ASSERT_TRUE(st(&p.lns).retransmits >= 2);    /* SCCRP, ICRP */
	CU_ASSERT_TRUE(st(&p.lac).retransmits >= 1);    /* ICCN */
	CU_ASSERT_TRUE(st(&p.lac).rx_sccrq_retransmit + st(&p.lns).rx_sccrq_retransmit >= 1);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 1);     /* same tunnel, not a second */
	h_pair_free(&p);
}

/* Drops everything from the LNS; records the send times of LAC messages. */
struct blackhole {
	uint64_t times[16];
	unsigned n;
};

static bool
blackhole_lns(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	struct blackhole *b = p->arg;

	if (from_lac) {
		if (h_msg_type(d, *len) == 10 && b->n < 16)
			b->times[b->n++] = p->now;
		return true;
	}
	return true;
}

static void
test_retransmit_backoff_teardown(void)
{
	struct h_pair p;
	uint16_t tid, sid, sid2;
	struct blackhole b = { { 0 }, 0 };
	struct l2tp_config c;
	unsigned i;

	h_default_config(&c, L2TP_ROLE_LAC);
	c.rtx_initial_ns = 1 * SEC;
	c.rtx_max_ns = 4 * SEC;
	c.rtx_max_count = 4;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &c, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	p.filter = blackhole_lns;
	p.arg = &b;
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid2), 0);
	h_pump(&p);
	while (h_step_timer(&p, p.now + 60 * SEC) && p.lac.ev_count[L2TP_EV_TUNNEL_DOWN] == 0)
		;
	/* Original + 4 retransmissions at 1, 2, 4, 4 s (capped). */
	CU_ASSERT_EQUAL(b.n, 5);
	if (b.n == 5) {
		CU_ASSERT_EQUAL(b.times[1] - b.times[0], 1 * SEC);
		CU_ASSERT_EQUAL(b.times[2] - b.times[1], 2 * SEC);
		CU_ASSERT_EQUAL(b.times[3] - b.times[2], 4 * SEC);
		CU_ASSERT_EQUAL(b.times[4] - b.times[3], 4 * SEC);
	}
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_TIMEOUT);
	CU_ASSERT_EQUAL(st(&p.lac).rtx_teardowns, 1);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 0);
	for (i = 0; i < 8; i++)
		(void)h_step_timer(&p, p.now + 600 * SEC);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lac.al.live, 0);
}

static void
test_reordering_and_window(void)
{
	struct h_pair p;
	struct l2tp_config lns;
	uint16_t tid, sid[3];
	static uint8_t bufs[8][L2TP_MAX_DGRAM];
	size_t lens[8];
	unsigned n, i;

	h_default_config(&lns, L2TP_ROLE_LNS);
	lns.rws = 2;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &lns), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid[0]), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid[1]), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid[2]), 0);
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, sid[0], L2TP_CDN_ADMIN), 0);
	/* Peer RWS 2: only two of the three messages may be in flight. */
	n = h_collect(&p.lac, bufs, lens, 8);
	CU_ASSERT_EQUAL(n, 2);
	/* Deliver in reverse order: the second waits for the first. */
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, bufs[1], lens[1]), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_out_of_order, 1);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 1);
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, bufs[0], lens[0]), 0);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 3);
	/* A duplicate is re-acked and ignored. */
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, bufs[0], lens[0]),
	    L2TP_E_DUPLICATE);
	CU_ASSERT_EQUAL(st(&p.lns).rx_duplicate, 1);
	h_pump(&p);
	for (i = 0; i < 3; i++)
		(void)h_step_timer(&p, p.now + 3 * SEC);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_UP], 3);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 2);   /* CDN went out after the ack */
	CU_ASSERT_EQUAL(st(&p.lac).sessions_open, 2);
	h_pair_free(&p);
}

static void
test_hello(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	struct l2tp_config c;

	h_default_config(&c, L2TP_ROLE_LNS);
	c.hello_interval_ns = 30 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &c), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_TRUE(l2tp_next_timeout(p.lns.ctx) <= p.now + 30 * SEC);
	CU_ASSERT_TRUE(h_step_timer(&p, p.now + 31 * SEC));
	CU_ASSERT_EQUAL(st(&p.lns).hellos_sent, 1);
	CU_ASSERT_EQUAL(st(&p.lac).rx_control - st(&p.lac).rx_zlb, 3); /* SCCRP ICRP HELLO */
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	h_pair_free(&p);
}

/* Phones that never answer HELLO: nothing from the LAC gets through. */
static bool
drop_from_lac(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	(void)d;
	(void)len;
	return from_lac;
}

static void
run_silent_peer(bool tolerate, unsigned *down, int *reason)
{
	struct h_pair p;
	uint16_t tid, sid;
	struct l2tp_config c;
	unsigned i;

	h_default_config(&c, L2TP_ROLE_LNS);
	c.hello_interval_ns = 10 * SEC;
	c.rtx_max_count = 2;
	c.tolerate_missing_hello = tolerate;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &c), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	p.filter = drop_from_lac;
	for (i = 0; i < 20; i++)
		(void)h_step_timer(&p, p.now + 100 * SEC);
	*down = p.lns.ev_count[L2TP_EV_TUNNEL_DOWN];
	*reason = p.lns.last[L2TP_EV_TUNNEL_DOWN].reason;
	CU_ASSERT_TRUE(st(&p.lns).hellos_sent >= 1);
	h_pair_free(&p);
}

static void
test_quirk_phone_ignores_hello(void)
{
	unsigned down;
	int reason;

	run_silent_peer(false, &down, &reason);
	CU_ASSERT_EQUAL(down, 1);
	CU_ASSERT_EQUAL(reason, L2TP_E_TIMEOUT);
	run_silent_peer(true, &down, &reason);
	CU_ASSERT_EQUAL(down, 0);
}

static void
auth_pair(struct h_pair *p, const char *lac_secret, const char *lns_secret, bool require)
{
	struct l2tp_config a, b;

	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	if (lac_secret != NULL) {
		a.secret_len = strlen(lac_secret);
		memcpy(a.secret, lac_secret, a.secret_len);
	}
	if (lns_secret != NULL) {
		b.secret_len = strlen(lns_secret);
		memcpy(b.secret, lns_secret, b.secret_len);
		b.require_auth = require;
	}
	CU_ASSERT_EQUAL_FATAL(h_pair_init(p, &a, &b), 0);
}

static void
test_tunnel_auth(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	auth_pair(&p, "s3cret", "s3cret", true);
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_auth_failed, 0);
	h_pair_free(&p);

	/* Wrong secret: the LAC rejects the LNS's response. */
	auth_pair(&p, "s3cret", "other", true);
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lac).rx_auth_failed, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_AUTH);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_UP], 0);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 1);   /* lingers to re-ack */
	while (h_step_timer(&p, p.now + 60 * SEC))
		;
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 0);
	h_pair_free(&p);

	/* LNS requires auth, LAC has no secret: LAC cannot answer. */
	auth_pair(&p, NULL, "s3cret", true);
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lac).rx_auth_failed, 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_UP], 0);
	h_pair_free(&p);

	/* LAC challenges an LNS without a secret: refused with StopCCN 4. */
	auth_pair(&p, "s3cret", NULL, false);
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_auth_failed, 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 0);
	h_pair_free(&p);
}

/* Tie-breaker: both sides open a tunnel to each other at once. */
static void
test_tiebreaker(void)
{
	struct h_pair p;
	struct l2tp_config a, b;
	uint16_t t1, t2;

	h_default_config(&a, L2TP_ROLE_LAC | L2TP_ROLE_LNS);
	h_default_config(&b, L2TP_ROLE_LAC | L2TP_ROLE_LNS);
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, &b), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &t1), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lns.ctx, p.now, H_LAC_HANDLE, &t2), 0);
	h_pump(&p);
	/* Exactly one control connection survives, established on both. */
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_UP], 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_UP], 1);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 1);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(st(&p.lac).refused_tiebreak + st(&p.lns).refused_tiebreak, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN] + p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	h_pair_free(&p);
}

static void
test_limits(void)
{
	struct h_pair p;
	struct l2tp_config a, b;
	uint16_t t[3], sid, sid2;

	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	b.max_tunnels = 2;
	b.max_sessions_per_tunnel = 1;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, &b), 0);
	CU_ASSERT_EQUAL(h_setup(&p, &t[0], &sid), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &t[1]), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &t[2]), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_UP], 2);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].tunnel_id, t[2]);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].error, L2TP_ERR_NO_RESOURCES);
	CU_ASSERT_EQUAL(st(&p.lns).refused_limit, 1);
	/* Second session on the first tunnel: CDN with result 4. */
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, t[0], &sid2), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].session_id, sid2);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_NO_RESOURCES);
	CU_ASSERT_EQUAL(st(&p.lns).refused_limit, 2);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 1);
	h_pair_free(&p);
}

/* A hand-built SCCRQ: Message Type, Protocol Version, Host Name, Framing
 * Capabilities, Assigned Tunnel ID (RFC 2661 6.1). */
static size_t
build_sccrq(uint8_t *d, uint16_t peer_tid, uint16_t ns)
{
	static const uint8_t tmpl[] = {
		0xc8, 0x02, 0x00, 0x00,  /* T L S, ver 2; Length patched */
		0x00, 0x00, 0x00, 0x00,  /* Tunnel ID 0, Session ID 0 */
		0x00, 0x00, 0x00, 0x00,  /* Ns, Nr */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  /* Message Type SCCRQ */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00,  /* Protocol Version 1.0 */
		0x80, 0x0a, 0x00, 0x00, 0x00, 0x07, 'w', 'i', 'n', '7', /* Host Name */
		0x80, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, /* Framing */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00,  /* Assigned Tunnel ID */
	};
	size_t n = sizeof(tmpl);

	memcpy(d, tmpl, n);
	d[3] = (uint8_t)n;
	d[8] = (uint8_t)(ns >> 8);
	d[9] = (uint8_t)ns;
	d[n - 2] = (uint8_t)(peer_tid >> 8);
	d[n - 1] = (uint8_t)peer_tid;
	return n;
}

static void
test_nat_same_ids_and_retransmitted_sccrq(void)
{
	struct h_pair p;
	uint8_t d[128];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	n = build_sccrq(d, 1, 0);   /* Windows picks Tunnel ID 1 */
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, 0xA, d, n), 0);
	/* A second Windows client behind the same NAT, same ID, other SA. */
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, 0xB, d, n), 0);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 2);
	/* Retransmitted SCCRQ: same tunnel, re-acked. */
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, 0xA, d, n), L2TP_E_DUPLICATE);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 2);
	CU_ASSERT_EQUAL(st(&p.lns).rx_sccrq_retransmit, 1);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "retransmitted SCCRQ"));
	h_pair_free(&p);
}

/* RFC 2661 4.4.3: "If a tie breaker is received, and an outstanding
 * SCCRQ had no tie breaker value, the initiator which included the Tie
 * Breaker AVP wins."  Our SCCRQ always carries one, so a crossing SCCRQ
 * without one loses: it is discarded and no second tunnel is opened. */
static void
test_tiebreaker_peer_sends_none(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint8_t d[128];
	size_t n;
	uint16_t tid;

	h_default_config(&a, L2TP_ROLE_LAC | L2TP_ROLE_LNS);
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	n = build_sccrq(d, 7, 0);   /* no Tie Breaker AVP */
	CU_ASSERT_EQUAL(l2tp_input(p.lac.ctx, p.now, H_LNS_HANDLE, d, n), L2TP_E_TIEBREAK);
	CU_ASSERT_EQUAL(st(&p.lac).refused_tiebreak, 1);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 1);
	h_drain(&p.lac);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	/* From another transport peer the same SCCRQ is no collision. */
	CU_ASSERT_EQUAL(l2tp_input(p.lac.ctx, p.now, 0x77, d, n), 0);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 2);
	h_pair_free(&p);
}

/* RFC 2661 4.1: an unknown AVP with the M bit in a control connection
 * message clears the tunnel; in SCCRQ there is none yet, so the request
 * is refused with StopCCN (error 8) instead of opening one. */
static void
test_sccrq_unknown_mandatory(void)
{
	struct h_pair p;
	uint8_t d[128], out[L2TP_MAX_DGRAM];
	static const uint8_t v[4] = { 1, 2, 3, 4 };
	size_t n, len;
	uint64_t ph;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	n = build_sccrq(d, 5, 0);
	append_avp(d, &n, 0x8000, 311, 99, v, sizeof(v));
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, 0x42, d, n), L2TP_E_UNKNOWN_MANDATORY);
	CU_ASSERT_EQUAL(st(&p.lns).rx_unknown_mandatory, 1);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_next_output(p.lns.ctx, p.now, out, sizeof(out), &len, &ph), 0);
	CU_ASSERT_EQUAL(ph, 0x42);
	CU_ASSERT_EQUAL(h_msg_type(out, len), 4);       /* StopCCN */
	CU_ASSERT_EQUAL((out[4] << 8) | out[5], 5);     /* to the peer's tunnel */
	h_pair_free(&p);
}

static void
test_sccrq_flood_half_open(void)
{
	struct h_pair p;
	struct l2tp_config b;
	uint8_t d[128];
	size_t n;
	uint16_t i, tid, sid;
	uint8_t ppp[4] = { 0xc0, 0x21, 0x09, 0x01 };

	h_default_config(&b, L2TP_ROLE_LNS);
	b.max_half_open = 4;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &b), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	for (i = 1; i <= 20; i++) {
		n = build_sccrq(d, i, 0);
		CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, 0x5000 + i, d, n),
		    i <= 4 ? 0 : L2TP_E_LIMIT);
	}
	CU_ASSERT_EQUAL(st(&p.lns).refused_limit, 16);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "half-open"));
	/* The established tunnel is unaffected. */
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, 4), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_PPP], 1);
	h_pair_free(&p);
}

/* Windows sent StopCCN with a wrong Tunnel ID in the header. */
static bool
wrong_stopccn_tid(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	if (from_lac && h_msg_type(d, *len) == 4) {
		d[4] ^= 0x5a;
		d[5] ^= 0xa5;
	}
	return false;
}

static void
test_quirk_stopccn_wrong_tunnel_id(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	p.filter = wrong_stopccn_tid;
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid, 1), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 0);   /* acked */
	h_pair_free(&p);
}

/* Cisco: ICCN without Framing Type and Tx Connect Speed. */
static bool
strip_iccn(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	unsigned *stripped = p->arg;

	if (from_lac && h_msg_type(d, *len) == 12) {
		++*stripped;
		*len = 20;
		d[2] = 0;
		d[3] = 20;
	}
	return false;
}

static void
test_quirk_cisco_no_framing(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	unsigned stripped = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = strip_iccn;
	p.arg = &stripped;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(stripped, 1);   /* the ICCN really lacked both AVPs */
	h_pair_free(&p);
}

/* M bit set on every optional AVP the LAC sends. */
static bool
set_all_m(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	size_t off = 12;

	(void)p;
	(void)from_lac;
	if (*len < 12 || (d[0] & 0x80) == 0)
		return false;
	while (off + 6 <= *len) {
		size_t alen = ((d[off] & 3u) << 8) | d[off + 1];

		d[off] |= 0x80;
		if (alen < 6)
			break;
		off += alen;
	}
	return false;
}

static void
test_quirk_mbit_on_optional(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = set_all_m;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_unknown_mandatory, 0);
	h_pair_free(&p);
}

/* Adds a vendor AVP to one message type: M bit from p->arg. */
struct add_avp {
	unsigned mt;
	uint16_t flags;
};

static bool
add_vendor_avp(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	struct add_avp *a = p->arg;
	static const uint8_t v[4] = { 1, 2, 3, 4 };

	if (from_lac && h_msg_type(d, *len) == a->mt)
		append_avp(d, len, a->flags, 311, 99, v, sizeof(v));
	return false;
}

static void
test_unknown_avps(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	struct add_avp a = { 10, 0 };   /* optional in ICRQ: skipped */

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_unknown_mandatory, 0);
	h_pair_free(&p);

	/* Mandatory in ICCN (session message): the session is torn down. */
	a.mt = 12;
	a.flags = 0x8000;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_unknown_mandatory, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].error, L2TP_ERR_UNKNOWN_MANDATORY);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	h_pair_free(&p);

	/* Mandatory in ICRQ: that call is refused with CDN, the tunnel (and
	 * its other sessions) stays. */
	a.mt = 10;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_unknown_mandatory, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].session_id, sid);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].error, L2TP_ERR_UNKNOWN_MANDATORY);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 0);
	h_pair_free(&p);

	/* Mandatory in SCCCN (tunnel message): the tunnel is torn down. */
	a.mt = 3;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].error, L2TP_ERR_UNKNOWN_MANDATORY);
	h_pair_free(&p);
}

/* Turns the LAC's ICRQ into an OCRQ: the LNS refuses it with CDN. */
static bool
icrq_to_ocrq(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	if (from_lac && h_msg_type(d, *len) == 10)
		d[19] = 7;
	return false;
}

static void
test_ocrq_refused(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = icrq_to_ocrq;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_unsupported, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_NOT_AVAILABLE);
	CU_ASSERT_EQUAL(st(&p.lns).tunnels_open, 1);
	h_pair_free(&p);
}

/* Proxy Authen AVPs in ICCN are offered to the application. */
static bool
add_proxy(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	static const uint8_t type[2] = { 0, 2 };   /* CHAP */
	static const uint8_t lcp[6] = { 0x01, 0x04, 0x05, 0xd4, 0x05, 0x06 };

	(void)p;
	if (from_lac && h_msg_type(d, *len) == 12) {
		append_avp(d, len, 0, 0, 29, type, 2);
		append_avp(d, len, 0, 0, 30, "alice", 5);
		append_avp(d, len, 0, 0, 26, lcp, sizeof(lcp));
	}
	return false;
}

static void
test_proxy_avps(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_proxy;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_PROXY], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_PROXY].proxy.authen_type, 2);
	TS_ASSERT_BYTES("proxy name", p.lns.proxy_name, p.lns.proxy_name_len, "alice", 5);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_PROXY].proxy.init_rx_confreq_len, 6);
	h_pair_free(&p);
}

/* Drops the first transmission of the second CDN only. */
static bool
drop_second_cdn(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	unsigned *n = p->arg;

	if (from_lac && h_msg_type(d, *len) == 14 && ++*n == 2)
		return true;
	return false;
}

/* The first CDN is acked by a ZLB, the second was lost: the timer must
 * still run for it although no new message restarts it. */
static void
test_partial_ack_retransmits_rest(void)
{
	struct h_pair p;
	uint16_t tid, sid, s2, s3;
	unsigned n = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s2), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s3), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 3);
	p.filter = drop_second_cdn;
	p.arg = &n;
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, s2, L2TP_CDN_ADMIN), 0);
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, s3, L2TP_CDN_ADMIN), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 2);
	CU_ASSERT_NOT_EQUAL(l2tp_next_timeout(p.lac.ctx), UINT64_MAX);
	while (st(&p.lns).sessions_open > 1 && h_step_timer(&p, p.now + 30 * SEC))
		;
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 1);
	h_pair_free(&p);
}

/* A control message queued while the output queue is full (data filled
 * it) must still go out once there is room: the retransmission timer
 * covers it, so it is neither stuck forever nor silently lost. */
static void
test_ctl_sent_after_output_full(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint16_t tid, sid;
	uint8_t ppp[4] = { 0xc0, 0x21, 0x09, 0x00 };
	unsigned i;
	int rc = 0;

	h_default_config(&a, L2TP_ROLE_LAC);
	a.max_output = 4;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	for (i = 0; i < 8 && rc == 0; i++)
		rc = l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, 4);
	CU_ASSERT_EQUAL(rc, L2TP_E_QUEUE_FULL);
	/* The CDN cannot be transmitted now. */
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, sid, L2TP_CDN_ADMIN), 0);
	CU_ASSERT_NOT_EQUAL(l2tp_next_timeout(p.lac.ctx), UINT64_MAX);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_PPP], 4);
	while (st(&p.lns).sessions_open > 0 && h_step_timer(&p, p.now + 30 * SEC))
		;
	CU_ASSERT_EQUAL(st(&p.lns).sessions_open, 0);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	h_pair_free(&p);
}

/* Closing a tunnel drops messages the peer's window had not let out yet;
 * the StopCCN must take the first dropped Ns, or the peer waits forever
 * for the missing ones and never processes it (RFC 2661 5.8). */
static void
test_close_with_unsent_messages(void)
{
	struct h_pair p;
	struct l2tp_config lns;
	uint16_t tid, sid, s2, s3, s4;

	h_default_config(&lns, L2TP_ROLE_LNS);
	lns.rws = 2;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &lns), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	/* Three ICRQs: two in flight, one waiting for the window. */
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s2), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s3), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &s4), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid, L2TP_STOPCCN_GENERAL_REQUEST), 0);
	h_pump(&p);
	while (p.lns.ev_count[L2TP_EV_TUNNEL_DOWN] == 0 && h_step_timer(&p, p.now + 10 * SEC))
		;
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_GENERAL_REQUEST);
	CU_ASSERT_EQUAL(st(&p.lac).rtx_teardowns, 0);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 0);
	h_pair_free(&p);
}

/* Rewrites the LAC's ICRQ into message type p->arg with or without M. */
static bool
retype_icrq(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	const unsigned *v = p->arg;

	if (from_lac && h_msg_type(d, *len) == 10) {
		d[19] = (uint8_t)v[0];
		d[12] = v[1] ? 0x80 : 0x00;
	}
	return false;
}

static void
test_unknown_message_type(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	unsigned v[2] = { 99, 0 };

	/* Optional unknown message: ignored (acked), tunnel stays. */
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = retype_icrq;
	p.arg = v;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(st(&p.lns).rx_unsupported, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(st(&p.lac).tunnels_open, 1);
	h_pair_free(&p);
	/* Mandatory unknown message: the tunnel is cleared (3.2). */
	v[1] = 1;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = retype_icrq;
	p.arg = v;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].error, L2TP_ERR_BAD_VALUE);
	h_pair_free(&p);
}

void
test_control_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_control", NULL, NULL);

	CU_add_test(s, "setup and teardown (CDN, StopCCN)", test_setup_and_teardown);
	CU_add_test(s, "LNS closes the tunnel", test_lns_closes_tunnel);
	CU_add_test(s, "tunnel IDs random, non-zero, unique", test_ids_random_unique);
	CU_add_test(s, "retransmission under loss", test_retransmit_under_loss);
	CU_add_test(s, "backoff then teardown", test_retransmit_backoff_teardown);
	CU_add_test(s, "reordering and window", test_reordering_and_window);
	CU_add_test(s, "partial ack retransmits the rest", test_partial_ack_retransmits_rest);
	CU_add_test(s, "control message sent after output queue full", test_ctl_sent_after_output_full);
	CU_add_test(s, "tunnel close with unsent messages", test_close_with_unsent_messages);
	CU_add_test(s, "HELLO", test_hello);
	CU_add_test(s, "quirk: phone ignores HELLO", test_quirk_phone_ignores_hello);
	CU_add_test(s, "tunnel authentication", test_tunnel_auth);
	CU_add_test(s, "tie-breaker", test_tiebreaker);
	CU_add_test(s, "tie-breaker: peer sends none", test_tiebreaker_peer_sends_none);
	CU_add_test(s, "limits", test_limits);
	CU_add_test(s, "NAT: same IDs; retransmitted SCCRQ", test_nat_same_ids_and_retransmitted_sccrq);
	CU_add_test(s, "SCCRQ flood / half-open", test_sccrq_flood_half_open);
	CU_add_test(s, "quirk: StopCCN with wrong tunnel ID", test_quirk_stopccn_wrong_tunnel_id);
	CU_add_test(s, "quirk: Cisco omits Framing Type", test_quirk_cisco_no_framing);
	CU_add_test(s, "quirk: M bit on optional AVPs", test_quirk_mbit_on_optional);
	CU_add_test(s, "unknown AVPs (M bit semantics)", test_unknown_avps);
	CU_add_test(s, "SCCRQ with unknown mandatory AVP refused", test_sccrq_unknown_mandatory);
	CU_add_test(s, "OCRQ refused", test_ocrq_refused);
	CU_add_test(s, "unknown message types", test_unknown_message_type);
	CU_add_test(s, "proxy LCP/authen AVPs", test_proxy_avps);
}
