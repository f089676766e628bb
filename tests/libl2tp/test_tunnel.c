/* Control connection tests (tunnel.c): LNS <-> LAC in memory, simulated time. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "l2tp_int.h"

void test_tunnel_register(void);

#define SEC 1000000000ull

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
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 1);
	/* PPP both ways. */
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, sizeof(ppp)), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 1);
	TS_ASSERT_BYTES("ppp lac->lns", p.lns.last_ppp, p.lns.last_ppp_len, ppp, sizeof(ppp));
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lns.ctx, p.now, p.lns.last[L2TP_EV_SESSION_UP].tunnel_id,
	    p.lns.last[L2TP_EV_SESSION_UP].session_id, ppp, 4), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.rx_ppp, 1);
	TS_ASSERT_BYTES("ppp lns->lac", p.lac.last_ppp, p.lac.last_ppp_len, ppp, 4);
	/* CDN from the LAC. */
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, sid, L2TP_CDN_ADMIN), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_ADMIN);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 0);
	/* StopCCN from the LAC; both sides clean up. */
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid, L2TP_STOPCCN_GENERAL_REQUEST), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_GENERAL_REQUEST);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 0);   /* StopCCN acked */
	while (h_step_timer(&p, p.now + 60 * SEC))
		;
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 0);   /* linger over */
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
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 0);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
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
	CU_ASSERT_EQUAL(h_stats(&p.lns).hellos_sent, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lac).rx_control - h_stats(&p.lac).rx_zlb, 3); /* SCCRP ICRP HELLO */
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
	CU_ASSERT_TRUE(h_stats(&p.lns).hellos_sent >= 1);
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
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_auth_failed, 0);
	h_pair_free(&p);

	/* Wrong secret: the LAC rejects the LNS's response. */
	auth_pair(&p, "s3cret", "other", true);
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).rx_auth_failed, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_AUTH);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_UP], 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);   /* lingers to re-ack */
	while (h_step_timer(&p, p.now + 60 * SEC))
		;
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 0);
	h_pair_free(&p);

	/* LNS requires auth, LAC has no secret: LAC cannot answer. */
	auth_pair(&p, NULL, "s3cret", true);
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).rx_auth_failed, 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_UP], 0);
	h_pair_free(&p);

	/* LAC challenges an LNS without a secret: refused with StopCCN 4. */
	auth_pair(&p, "s3cret", NULL, false);
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_auth_failed, 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 0);
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
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lac).refused_tiebreak + h_stats(&p.lns).refused_tiebreak, 1);
	CU_ASSERT_EQUAL(l2tpi_tables_check(p.lac.ctx), 0);
	CU_ASSERT_EQUAL(l2tpi_tables_check(p.lns.ctx), 0);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN] + p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
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
	n = h_build_sccrq(d, 7, 0);   /* no Tie Breaker AVP */
	CU_ASSERT_EQUAL(h_input(&p.lac, p.now, H_LNS_HANDLE, d, n), L2TP_E_TIEBREAK);
	CU_ASSERT_EQUAL(h_stats(&p.lac).refused_tiebreak, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 1);
	h_drain(&p.lac);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	/* From another transport peer the same SCCRQ is no collision. */
	CU_ASSERT_EQUAL(h_input(&p.lac, p.now, 0x77, d, n), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 2);
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
	CU_ASSERT_EQUAL(h_stats(&p.lns).refused_limit, 1);
	/* Second session on the first tunnel: CDN with result 4. */
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, t[0], &sid2), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].session_id, sid2);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_NO_RESOURCES);
	CU_ASSERT_EQUAL(h_stats(&p.lns).refused_limit, 2);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 1);
	h_pair_free(&p);
}

static void
test_nat_same_ids_and_retransmitted_sccrq(void)
{
	struct h_pair p;
	uint8_t d[128];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	n = h_build_sccrq(d, 1, 0);   /* Windows picks Tunnel ID 1 */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xA, d, n), 0);
	/* A second Windows client behind the same NAT, same ID, other SA. */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xB, d, n), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 2);
	/* Retransmitted SCCRQ: same tunnel, re-acked. */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xA, d, n), L2TP_E_DUPLICATE);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 2);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_sccrq_retransmit, 1);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "retransmitted SCCRQ"));
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
	n = h_build_sccrq(d, 5, 0);
	h_append_avp(d, &n, 0x8000, 311, 99, v, sizeof(v));
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0x42, d, n), L2TP_E_UNKNOWN_MANDATORY);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_unknown_mandatory, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 0);
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
		n = h_build_sccrq(d, i, 0);
		CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0x5000 + i, d, n),
		    i <= 4 ? 0 : L2TP_E_LIMIT);
	}
	CU_ASSERT_EQUAL(h_stats(&p.lns).refused_limit, 16);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "half-open"));
	/* The established tunnel is unaffected. */
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, 4), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 1);
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
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 0);   /* acked */
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
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_unknown_mandatory, 0);
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
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_unsupported, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 1);
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

/* Keeps a copy of the first SCCRQ the LAC sends. */
struct sccrq_copy {
	uint8_t d[L2TP_MAX_DGRAM];
	size_t len;
};

static bool
copy_sccrq(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	struct sccrq_copy *c = p->arg;

	if (from_lac && h_msg_type(d, *len) == L2TP_MSG_SCCRQ && c->len == 0) {
		memcpy(c->d, d, *len);
		c->len = *len;
	}
	return false;
}

/* Known weakness fixed: a client that reconnects through the same peer
 * handle and picks the same Tunnel ID (a restarted client with the same
 * rng, Windows picking 1) was taken for a retransmitted SCCRQ until HELLO
 * cleared the old tunnel.  Now only a copy (same bytes) while we wait for
 * SCCCN, or just after it, is a retransmission; anything else replaces the
 * old tunnel at once, without a StopCCN (it would reach the new one). */
static void
test_peer_restart_same_tunnel_id(void)
{
	struct h_pair p;
	struct sccrq_copy c;
	uint16_t tid, sid, tid2, sid2, old_ltid;

	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = copy_sccrq;
	p.arg = &c;
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_FATAL(c.len > 0);
	old_ltid = p.lns.last[L2TP_EV_TUNNEL_UP].tunnel_id;
	/* A late copy right after SCCCN is still a retransmission. */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now + SEC / 2, H_LAC_HANDLE, c.d, c.len),
	    L2TP_E_DUPLICATE);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_sccrq_retransmit, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).peer_restarts, 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	/* The client restarts 5 s later: same seed, so the same Tunnel ID and
	 * even the same SCCRQ bytes. */
	p.now += 5 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_restart_lac(&p, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid2, &sid2), 0);
	CU_ASSERT_EQUAL(tid2, tid);
	CU_ASSERT_EQUAL(h_stats(&p.lns).peer_restarts, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].tunnel_id, old_ltid);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_PEER_RESTART);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].reason, L2TP_E_PEER_RESTART);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_UP], 2);
	CU_ASSERT_NOT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_UP].tunnel_id, old_ltid);
	CU_ASSERT_EQUAL(h_stats(&p.lac).rx_no_tunnel, 0);   /* no stray StopCCN */
	h_pair_free(&p);

	/* Waiting for SCCCN: another SCCRQ with the same ID but other bytes
	 * (a new Challenge, another host name) is a new attempt. */
	{
		uint8_t d[128];
		size_t n;

		CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
		n = h_build_sccrq(d, 1, 0);
		CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xA, d, n), 0);
		CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xA, d, n), L2TP_E_DUPLICATE);
		d[37] = '8';   /* Host Name "win8" */
		CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xA, d, n), 0);
		CU_ASSERT_EQUAL(h_stats(&p.lns).peer_restarts, 1);
		CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
		CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "SCCRP sent"));
		h_drain(&p.lns);
		CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_PEER_RESTART);
		/* A broken SCCRQ never replaces a tunnel. */
		d[26] = 0x02;  /* Protocol Version 2.0 */
		CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xA, d, n), L2TP_E_BAD_AVP);
		CU_ASSERT_EQUAL(h_stats(&p.lns).peer_restarts, 1);
		CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
		h_pair_free(&p);
		CU_ASSERT_EQUAL(p.lns.al.live, 0);
	}
}

/* l2tp_peer_close: StopCCN on every tunnel of one peer, others untouched. */
static void
test_peer_close(void)
{
	struct h_pair p;
	uint16_t tid, sid, tid2, sid2;
	uint8_t d[128];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid2), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid2, &sid2), 0);
	h_pump(&p);
	n = h_build_sccrq(d, 9, 0);      /* another client */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0x77, d, n), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 3);
	CU_ASSERT_EQUAL(l2tp_peer_close(NULL, p.now, H_LAC_HANDLE, 6), L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_peer_close(p.lns.ctx, p.now, 0x999, 6), 0);
	CU_ASSERT_EQUAL(l2tp_peer_close(p.lns.ctx, p.now, H_LAC_HANDLE, L2TP_STOPCCN_SHUTTING_DOWN), 2);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "2 tunnel(s) closed"));
	h_drain(&p.lns);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 2);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 2);
	/* Closing ones are not closed twice. */
	CU_ASSERT_EQUAL(l2tp_peer_close(p.lns.ctx, p.now, H_LAC_HANDLE, 6), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 2);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].result, L2TP_STOPCCN_SHUTTING_DOWN);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 2);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);   /* acked: gone; 0x77 stays */
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

/* l2tp_peer_drop: everything of the peer goes at once, silently; its
 * queued output is discarded; other peers keep theirs. */
static void
test_peer_drop(void)
{
	struct h_pair p;
	uint16_t tid, sid, tid2, ltid, lsid;
	uint8_t d[128], buf[L2TP_MAX_DGRAM], ppp[4] = { 0xc0, 0x21, 9, 0 };
	size_t n, len;
	uint64_t ph;
	unsigned other = 0, mine = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	ltid = p.lns.last[L2TP_EV_SESSION_UP].tunnel_id;
	lsid = p.lns.last[L2TP_EV_SESSION_UP].session_id;
	CU_ASSERT_EQUAL(l2tp_tunnel_set_user(p.lns.ctx, ltid, 0xD00D), 0);
	/* A second tunnel of the same peer, half-open. */
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid2), 0);
	CU_ASSERT_EQUAL(l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &len, &ph), 0);
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, buf, len), 0);   /* SCCRP queued */
	/* Another client, and data queued for both. */
	n = h_build_sccrq(d, 9, 0);
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0x77, d, n), 0);
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lns.ctx, p.now, ltid, lsid, ppp, 4), 0);
	h_drain(&p.lns);
	memset(p.lns.ev_count, 0, sizeof(p.lns.ev_count));
	CU_ASSERT_EQUAL(l2tp_peer_drop(NULL, H_LAC_HANDLE), L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_peer_drop(p.lns.ctx, 0x999), 0);
	CU_ASSERT_EQUAL(l2tp_peer_drop(p.lns.ctx, H_LAC_HANDLE), 2);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "gone"));
	h_drain(&p.lns);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].reason, L2TP_E_PEER_GONE);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 2);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].reason, L2TP_E_PEER_GONE);
	CU_ASSERT_EQUAL(h_stats(&p.lns).peer_drops, 2);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 0);
	while (l2tp_next_output(p.lns.ctx, p.now, buf, sizeof(buf), &len, &ph) == 0) {
		other += ph == 0x77;
		mine += ph == H_LAC_HANDLE;
	}
	CU_ASSERT_EQUAL(mine, 0);
	CU_ASSERT_EQUAL(other, 1);      /* the other client's SCCRP */
	CU_ASSERT_EQUAL(l2tp_session_close(p.lns.ctx, p.now, ltid, lsid, 1), L2TP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(l2tpi_timers_check(p.lns.ctx), 0);
	CU_ASSERT_EQUAL(l2tpi_tables_check(p.lns.ctx), 0);
	CU_ASSERT_EQUAL(l2tpi_tables_check(p.lac.ctx), 0);
	/* A tunnel already closing (reported down) goes without a second event. */
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid, 1), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_down, 1);
	CU_ASSERT_EQUAL(l2tp_peer_drop(p.lac.ctx, H_LNS_HANDLE), 2);
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_down, 2);   /* only tid2 */
	CU_ASSERT_EQUAL(h_stats(&p.lac).tunnels_open, 0);
	CU_ASSERT_EQUAL(l2tp_next_timeout(p.lac.ctx), UINT64_MAX);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lac.al.live, 0);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

void
test_tunnel_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_tunnel", NULL, NULL);

	CU_add_test(s, "setup and teardown (CDN, StopCCN)", test_setup_and_teardown);
	CU_add_test(s, "LNS closes the tunnel", test_lns_closes_tunnel);
	CU_add_test(s, "HELLO", test_hello);
	CU_add_test(s, "quirk: phone ignores HELLO", test_quirk_phone_ignores_hello);
	CU_add_test(s, "tunnel authentication", test_tunnel_auth);
	CU_add_test(s, "tie-breaker", test_tiebreaker);
	CU_add_test(s, "tie-breaker: peer sends none", test_tiebreaker_peer_sends_none);
	CU_add_test(s, "limits", test_limits);
	CU_add_test(s, "NAT: same IDs; retransmitted SCCRQ", test_nat_same_ids_and_retransmitted_sccrq);
	CU_add_test(s, "SCCRQ with unknown mandatory AVP refused", test_sccrq_unknown_mandatory);
	CU_add_test(s, "SCCRQ flood / half-open", test_sccrq_flood_half_open);
	CU_add_test(s, "quirk: StopCCN with wrong tunnel ID", test_quirk_stopccn_wrong_tunnel_id);
	CU_add_test(s, "quirk: M bit on optional AVPs", test_quirk_mbit_on_optional);
	CU_add_test(s, "unknown message types", test_unknown_message_type);
	CU_add_test(s, "peer restart with the same Tunnel ID (fix)", test_peer_restart_same_tunnel_id);
	CU_add_test(s, "peer close", test_peer_close);
	CU_add_test(s, "peer drop", test_peer_drop);
}
