/*
 * test_peer.c - peers (peer.c) and the IPsec SAs they own (ipsec.c), through
 * the public API: peer ids stable across Quick Mode and phase 1 rekeys
 * initiated by either side, IPsec SAs outliving their IKE SA, every event
 * reason, the caller's rekey/delete calls (Delete on the wire), user tags,
 * limits, and two clients behind one NAT that never disturb each other.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_peer_register(void);

#define SEC 1000000000ull

static void
fast_policy(struct isakmp_policy *p)
{
	h_policy_default(p);
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 0 };
	p->n_p1 = 1;
}

/* Establishes a pair; returns the client's peer id, *speer the server's. */
static uint64_t
establish(struct harness *h, const struct isakmp_policy *cp, const struct isakmp_policy *sp,
    bool nat, uint64_t seed, uint64_t *speer)
{
	struct isakmp_event ev;
	uint64_t cpeer = 0;

	CU_ASSERT_EQUAL_FATAL(h_init(h, cp, sp, nat, seed), 0);
	CU_ASSERT_EQUAL_FATAL(h_initiate(h, &cpeer), 0);
	h_pump(h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h->c, ISAKMP_EV_IPSEC_SA_UP, NULL));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h->s, ISAKMP_EV_IPSEC_SA_UP, &ev));
	*speer = ev.peer_id;
	return cpeer;
}

/* Every event of type on side s names this peer. */
static bool
all_of_peer(struct h_side *s, int type, uint64_t peer)
{
	size_t i;

	for (i = 0; i < s->nev; i++)
		if ((int)s->ev[i].type == type && s->ev[i].peer_id != peer)
			return false;
	return true;
}

/* Quick Mode rekey started by the client (the original QM initiator). */
static void
test_qm_rekey_by_initiator(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event a, b;
	uint64_t cpeer, speer, t0;

	fast_policy(&p);
	p.p2[0].life_s = 100;
	cpeer = establish(&h, &p, &p, true, 400, &speer);
	t0 = h.now;
	h_run_until(&h, t0 + 91 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_UP), 2);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 2);
	CU_ASSERT_TRUE(all_of_peer(&h.c, ISAKMP_EV_IPSEC_SA_UP, cpeer));
	CU_ASSERT_TRUE(all_of_peer(&h.s, ISAKMP_EV_IPSEC_SA_UP, speer));
	CU_ASSERT_TRUE(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &a));
	CU_ASSERT_TRUE(h_last_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &b));
	CU_ASSERT_EQUAL(b.replaces, a.ipsec_id);
	CU_ASSERT_TRUE(b.sa.initiator);
	CU_ASSERT(b.sa.spi_in != a.sa.spi_in);
	h_run_until(&h, t0 + 101 * SEC);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_TRUE(all_of_peer(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, speer));
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	h_fini(&h);
}

struct qm_gate {
	bool on;
	uint32_t ids[32];
	size_t n;
	size_t dropped;
};

/*
 * While on: Quick Mode exchanges the client starts are lost (only messages
 * of exchanges the server started get through), so the client never rekeys.
 */
static bool
gate_client_qm(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	struct qm_gate *g = h->fuser;
	size_t off = *len >= 4 && pkt[0] == 0 && pkt[1] == 0 && pkt[2] == 0 && pkt[3] == 0 ? 4 : 0;
	uint32_t id;
	size_t i;

	if (!g->on || *len < off + HDR_LEN || pkt[off + 18] != EX_QUICK)
		return true;
	id = rd32(pkt + off + 20);
	for (i = 0; i < g->n; i++)
		if (g->ids[i] == id)
			return true;
	if (!c2s) {
		if (g->n < 32)
			g->ids[g->n++] = id;
		return true;
	}
	g->dropped++;
	return false;
}

/* The responder rekeys at 97% when the initiator did not. */
static void
test_qm_rekey_by_responder(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event a, b;
	struct isakmp_stats st;
	struct qm_gate g;
	uint64_t cpeer, speer, t0;

	fast_policy(&p);
	p.p2[0].life_s = 100;
	cpeer = establish(&h, &p, &p, true, 401, &speer);
	memset(&g, 0, sizeof(g));
	g.on = true;
	h.filter = gate_client_qm;
	h.fuser = &g;
	t0 = h.now;
	h_run_until(&h, t0 + 96 * SEC);
	CU_ASSERT(g.dropped >= 1);   /* the client tried at 85.5..90 s */
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 1);
	h_run_until(&h, t0 + 98 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 2);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_UP), 2);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.ipsec_rekeys, 1);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &a));
	CU_ASSERT_TRUE(h_last_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &b));
	CU_ASSERT_EQUAL(b.replaces, a.ipsec_id);
	CU_ASSERT_EQUAL(b.peer_id, speer);
	CU_ASSERT_TRUE(b.sa.initiator);        /* the server started this one */
	CU_ASSERT_EQUAL(b.sa.sel_remote_port, a.sa.sel_remote_port);
	CU_ASSERT_TRUE(h_last_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &b));
	CU_ASSERT_FALSE(b.sa.initiator);
	CU_ASSERT_EQUAL(b.peer_id, cpeer);
	CU_ASSERT(b.replaces != 0);
	/* The old pair ends at 100 s as REKEYED on both sides. */
	h_run_until(&h, t0 + 101 * SEC);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_REKEYED), 1);
	h_fini(&h);
}

/* Phase 1 rekeyed by the client: both sides keep their peer. */
static void
test_p1_rekey_by_initiator(void)
{
	struct isakmp_policy p;
	struct harness h;
	uint64_t cpeer, speer, t0;

	fast_policy(&p);
	p.p1[0].life_s = 200;
	cpeer = establish(&h, &p, &p, true, 402, &speer);
	t0 = h.now;
	h_run_until(&h, t0 + 181 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_TRUE(all_of_peer(&h.c, ISAKMP_EV_PHASE1_UP, cpeer));
	CU_ASSERT_TRUE(all_of_peer(&h.s, ISAKMP_EV_PHASE1_UP, speer));
	h_run_until(&h, t0 + 201 * SEC);
	CU_ASSERT_TRUE(all_of_peer(&h.s, ISAKMP_EV_PHASE1_DOWN, speer));
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_FALSE(h_find_event(&h.c, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	h_fini(&h);
}

/*
 * Phase 1 rekeyed by the other side (a gateway such as charon may start it):
 * the server context initiates a Main Mode to the client without
 * INITIAL-CONTACT; on the client, the new IKE SA joins its existing peer.
 */
static void
test_p1_rekey_by_responder(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event a, b;
	struct isakmp_addr sl = { H_SERVER_IP, 500 }, cl = { H_CLIENT_IP, 500 };
	uint64_t cpeer, speer, sp2 = 0;

	fast_policy(&p);
	cpeer = establish(&h, &p, &p, false, 403, &speer);
	CU_ASSERT_EQUAL_FATAL(isakmp_initiate(h.s.ctx, h.now, h.s.pid, &sl, &cl, &sp2), 0);
	h_newest_sa(h.s.ctx)->ic = false;  /* a rekey: no INITIAL-CONTACT */
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_TRUE(all_of_peer(&h.c, ISAKMP_EV_PHASE1_UP, cpeer));
	CU_ASSERT_TRUE(h_find_event(&h.c, ISAKMP_EV_PHASE1_UP, &a));
	CU_ASSERT_TRUE(h_last_event(&h.c, ISAKMP_EV_PHASE1_UP, &b));
	CU_ASSERT_EQUAL(b.replaces, a.ike_id);
	/* Its Quick Mode replaced the client's IPsec SA within the same peer. */
	CU_ASSERT_TRUE(h_last_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &b));
	CU_ASSERT_EQUAL(b.peer_id, cpeer);
	CU_ASSERT(b.replaces != 0);
	CU_ASSERT_FALSE(h_find_event(&h.c, ISAKMP_EV_PEER_DOWN, NULL));
	h_fini(&h);
}

static bool
drop_c2s_mm(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	bool *on = h->fuser;
	size_t off = *len >= 4 && pkt[0] == 0 && pkt[1] == 0 && pkt[2] == 0 && pkt[3] == 0 ? 4 : 0;

	return !(*on && c2s && *len >= off + HDR_LEN && pkt[off + 18] == EX_MAIN);
}

/*
 * IPsec SAs survive their IKE SA's expiry (the phase 1 rekey is lost).  When
 * the IPsec SA is due, the original initiator has no IKE SA left and starts
 * a phase 1 (no INITIAL-CONTACT) for the Quick Mode; the server joins it to
 * the same peer.
 */
static void
test_ipsec_outlives_ike(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ev;
	struct isakmp_peer_info pi;
	size_t cur = 0;
	uint64_t cpeer, speer, t0;
	bool on = true;

	fast_policy(&p);
	p.p1[0].life_s = 100;
	p.p2[0].life_s = 1000;
	cpeer = establish(&h, &p, &p, true, 404, &speer);
	h.filter = drop_c2s_mm;
	h.fuser = &on;
	t0 = h.now;
	h_run_until(&h, t0 + 250 * SEC);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_EXPIRED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_EXPIRED), 1);
	/* The lost rekey: retransmissions exhausted. */
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_PHASE1_FAILED, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_DEAD);
	CU_ASSERT_EQUAL(ev.peer_id, cpeer);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT_FALSE(h_find_event(&h.c, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT_TRUE_FATAL(isakmp_peer_next(h.s.ctx, h.now, &cur, &pi));
	CU_ASSERT_EQUAL(pi.id, speer);
	CU_ASSERT_EQUAL(pi.n_ike, 0);
	CU_ASSERT_EQUAL(pi.n_ipsec, 1);
	/* At ~90% of 1000 s the client rekeys the IPsec SA through a new phase 1. */
	on = false;
	h_run_until(&h, t0 + 950 * SEC);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_TRUE(all_of_peer(&h.s, ISAKMP_EV_PHASE1_UP, speer));
	CU_ASSERT_TRUE(all_of_peer(&h.c, ISAKMP_EV_PHASE1_UP, cpeer));
	CU_ASSERT_TRUE_FATAL(h_last_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &ev));
	CU_ASSERT(ev.replaces != 0);
	CU_ASSERT_EQUAL(ev.peer_id, speer);
	h_fini(&h);
}

/* A failing phase 1: TIMEOUT (responder, half-open) and DEAD (initiator). */
static void
test_failure_reasons(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event ev;
	uint64_t cpeer = 0;

	fast_policy(&cp);
	sp = cp;
	memcpy(sp.psk, "not-the-key", 11);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 405), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, &cpeer), 0);
	h_pump(&h);
	h_run_until(&h, h.now + 300 * SEC);
	/* A failed MM5 ends the responder's negotiation at once (issue #13). */
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_FAILED, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_AUTH_FAILED);
	CU_ASSERT_EQUAL(ev.error, ISAKMP_E_AUTH);
	CU_ASSERT_EQUAL(ev.peer_id, 0);       /* half-open: no peer yet */
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_PHASE1_FAILED, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_DEAD);
	CU_ASSERT_EQUAL(ev.peer_id, cpeer);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_PEER_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_DEAD);
	CU_ASSERT_EQUAL(ev.peer_id, cpeer);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.c.ctx), UINT64_MAX);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);
	h_fini(&h);
}

static bool
drop_after_mm1(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	size_t *n = h->fuser;

	(void)pkt;
	(void)len;
	return !c2s || (*n)++ == 0;
}

/* A responder's half-open negotiation the initiator abandons: TIMEOUT, no error. */
static void
test_failure_timeout(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ev;
	size_t n = 0;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 407), 0);
	h.filter = drop_after_mm1;
	h.fuser = &n;     /* the client's MM3 (and later) never arrive */
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	h_run_until(&h, h.now + 300 * SEC);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_FAILED, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_TIMEOUT);
	CU_ASSERT_EQUAL(ev.error, 0);
	CU_ASSERT_EQUAL(ev.peer_id, 0);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);
	h_fini(&h);
}

/* isakmp_ipsec_sa_delete: Delete on the wire, reasons, tags; then the IKE SA. */
static void
test_ipsec_delete_and_tags(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ev, cup;
	struct isakmp_stats st0, st1;
	uint64_t cpeer, speer;

	fast_policy(&p);
	cpeer = establish(&h, &p, &p, true, 406, &speer);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &cup));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &ev));
	CU_ASSERT_EQUAL(isakmp_peer_set_user(h.s.ctx, speer, 0xfeed), 0);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_set_user(h.s.ctx, ev.ipsec_id, 0xbeef), 0);
	CU_ASSERT_EQUAL(isakmp_peer_set_user(h.s.ctx, 999999, 1), ISAKMP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_set_user(h.s.ctx, 999999, 1), ISAKMP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(isakmp_peer_set_user(NULL, speer, 1), ISAKMP_E_INVAL);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_delete(h.c.ctx, h.now, cup.ipsec_id, ISAKMP_REASON_NONE),
	    ISAKMP_E_INVAL);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_delete(h.c.ctx, h.now, cup.ipsec_id, 99), ISAKMP_E_INVAL);
	isakmp_get_stats(h.c.ctx, &st0);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_delete(h.c.ctx, h.now, cup.ipsec_id,
	    ISAKMP_REASON_EXPIRED), 0);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_delete(h.c.ctx, h.now, cup.ipsec_id,
	    ISAKMP_REASON_EXPIRED), ISAKMP_E_NOT_FOUND);
	isakmp_get_stats(h.c.ctx, &st1);
	CU_ASSERT_EQUAL(st1.deletes_tx, st0.deletes_tx + 1);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_EXPIRED);
	CU_ASSERT_EQUAL(ev.ipsec_id, cup.ipsec_id);
	CU_ASSERT_EQUAL(ev.peer_id, cpeer);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_DELETED);
	CU_ASSERT_EQUAL(ev.peer_user, 0xfeed);
	CU_ASSERT_EQUAL(ev.ipsec_user, 0xbeef);
	CU_ASSERT_EQUAL(ev.sa.spi_out, cup.sa.spi_in);
	/* Keys never travel in a DOWN event. */
	CU_ASSERT_EQUAL(ev.sa.enc_key_in[0] | ev.sa.enc_key_out[0] | ev.sa.integ_key_in[0], 0);
	/* Both peers live on their IKE SA; deleting it ends them. */
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(isakmp_ike_sa_delete(h.s.ctx, h.now, ev.ike_id), 0);
	CU_ASSERT_EQUAL(isakmp_ike_sa_delete(h.s.ctx, h.now, ev.ike_id), ISAKMP_E_NOT_FOUND);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_LOCAL), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PEER_DOWN, ISAKMP_REASON_LOCAL), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_DELETED), 1);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.peer_user, 0xfeed);
	h_fini(&h);
}

/* Deleting the IKE SA keeps the IPsec SA; deleting that then ends the peer. */
static void
test_ike_delete_keeps_ipsec(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event up, ev;
	struct isakmp_stats st0, st1;
	uint64_t speer;

	fast_policy(&p);
	(void)establish(&h, &p, &p, false, 407, &speer);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &up));
	CU_ASSERT_EQUAL(isakmp_ike_sa_delete(h.s.ctx, h.now, up.ike_id), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &up));
	/* Without an IKE SA the Delete cannot be sent; the SA goes anyway. */
	isakmp_get_stats(h.s.ctx, &st0);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_delete(h.s.ctx, h.now, up.ipsec_id, ISAKMP_REASON_LOCAL), 0);
	isakmp_get_stats(h.s.ctx, &st1);
	CU_ASSERT_EQUAL(st1.deletes_tx, st0.deletes_tx);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_LOCAL);
	CU_ASSERT_EQUAL(ev.peer_id, speer);
	CU_ASSERT_EQUAL(ev.ike_id, 0);
	h_fini(&h);
}

/* isakmp_ipsec_sa_rekey from either side, and on an SA already replaced. */
static void
test_ipsec_rekey_call(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event a, b;
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct isakmp_addr f, t;
	size_t len;
	uint64_t cpeer, speer;

	fast_policy(&p);
	cpeer = establish(&h, &p, &p, true, 408, &speer);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &a));
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.c.ctx, h.now, a.ipsec_id), 0);
	/* A second request while the rekey runs sends nothing more. */
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.c.ctx, h.now, a.ipsec_id), 0);
	CU_ASSERT_EQUAL(isakmp_next_output(h.c.ctx, h.now, buf, sizeof(buf), &len, &f, &t), 0);
	CU_ASSERT_EQUAL(isakmp_next_output(h.c.ctx, h.now, buf, sizeof(buf), &len, &f, &t),
	    ISAKMP_E_AGAIN);
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, buf, len, &(struct isakmp_addr){ H_NAT_IP,
	    (uint16_t)(40000 + f.port) }, &t), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_last_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &b));
	CU_ASSERT_EQUAL(b.replaces, a.ipsec_id);
	CU_ASSERT_EQUAL(b.peer_id, cpeer);
	/* The replaced SA needs no rekey: 0 and nothing sent. */
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.c.ctx, h.now, a.ipsec_id), 0);
	CU_ASSERT_EQUAL(isakmp_next_output(h.c.ctx, h.now, buf, sizeof(buf), &len, &f, &t),
	    ISAKMP_E_AGAIN);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.c.ctx, h.now, 424242), ISAKMP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(NULL, h.now, a.ipsec_id), ISAKMP_E_INVAL);
	/* The server (the Quick Mode responder) rekeys on request too. */
	CU_ASSERT_TRUE_FATAL(h_last_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &a));
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.s.ctx, h.now, a.ipsec_id), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_last_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &b));
	CU_ASSERT_EQUAL(b.replaces, a.ipsec_id);
	CU_ASSERT_EQUAL(b.peer_id, speer);
	CU_ASSERT_TRUE(b.sa.initiator);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_UP), 3);
	h_fini(&h);
}

/* Limits: IPsec SAs per peer, and peers. */
static void
test_limits(void)
{
	struct isakmp_policy p;
	struct isakmp_config cfg;
	struct harness h;
	struct isakmp_event a;
	struct isakmp_stats st;
	uint64_t speer;

	fast_policy(&p);
	(void)establish(&h, &p, &p, false, 409, &speer);
	/* Replace the server with one allowing one IPsec SA per peer. */
	isakmp_ctx_free(h.s.ctx);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_ipsec_per_peer = 1;
	CU_ASSERT_EQUAL_FATAL(h_side_init(&h.s, &cfg, &p, 410), 0);
	h.c.nev = 0;
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &a));
	/* Asked for a second SA, the server refuses the Quick Mode. */
	CU_ASSERT_TRUE_FATAL(h_last_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &a));
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.c.ctx, h.now, a.ipsec_id), 0);
	h_pump(&h);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.ipsec_limit_refused, 1);
	CU_ASSERT_EQUAL(h.last_rc_s, ISAKMP_E_LIMIT);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 1);
	/* The server itself cannot start one either. */
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &a));
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.s.ctx, h.now, a.ipsec_id), ISAKMP_E_LIMIT);
	h_fini(&h);
	/* max_peers 1: a second client's phase 1 is refused at MM5. */
	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 411), 0);
	isakmp_ctx_free(h.s.ctx);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_peers = 1;
	CU_ASSERT_EQUAL_FATAL(h_side_init(&h.s, &cfg, &p, 412), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 1);
	{
		struct isakmp_addr l = { H_CLIENT_IP, 1500 }, r = { H_SERVER_IP, 500 };
		uint64_t other;

		CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, &other), 0);
		h_pump(&h);
	}
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 1);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.peer_limit_refused, 1);
	CU_ASSERT_EQUAL(h.last_rc_s, ISAKMP_E_LIMIT);
	h_fini(&h);
}

/* ---- two clients behind one NAT ------------------------------------------ */

struct multi {
	struct h_side s, c[2];
	uint64_t now;
};

static const uint32_t mc_ip[2] = { 0x0a000002u, 0x0a000003u };
static const uint16_t mc_base[2] = { 40000, 50000 };

static void
mc_drain(struct h_side *s)
{
	struct isakmp_event ev;

	while (isakmp_next_event(s->ctx, &ev)) {
		if (s->nev < H_MAX_EV)
			s->ev[s->nev++] = ev;
		isakmp_event_wipe(&ev);
	}
}

/* Feeds a datagram; drops are part of the scenario (counted by the library). */
static void
feed(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *b, size_t len,
    const struct isakmp_addr *f, const struct isakmp_addr *t)
{
	int rc = isakmp_input(ctx, now, b, len, f, t);

	(void)rc;
}

static void
mc_pump(struct multi *m)
{
	uint8_t b[ISAKMP_MAX_PACKET];
	struct isakmp_addr f, t;
	size_t len, i, moved;

	do {
		moved = 0;
		for (i = 0; i < 2; i++) {
			if (m->c[i].ctx == NULL)
				continue;
			while (isakmp_next_output(m->c[i].ctx, m->now, b, sizeof(b), &len, &f,
			    &t) == 0) {
				f.ip = H_NAT_IP;
				f.port = (uint16_t)(mc_base[i] + f.port);
				feed(m->s.ctx, m->now, b, len, &f, &t);
				moved++;
			}
		}
		while (isakmp_next_output(m->s.ctx, m->now, b, sizeof(b), &len, &f, &t) == 0) {
			moved++;
			for (i = 0; i < 2; i++)
				if (m->c[i].ctx != NULL && (t.port == mc_base[i] + 500 ||
				    t.port == mc_base[i] + 4500))
					break;
			if (i == 2)
				continue;
			t.ip = mc_ip[i];
			t.port = (uint16_t)(t.port - mc_base[i]);
			feed(m->c[i].ctx, m->now, b, len, &f, &t);
		}
		mc_drain(&m->s);
		mc_drain(&m->c[0]);
		mc_drain(&m->c[1]);
	} while (moved > 0);
}

static uint64_t
mc_connect(struct multi *m, size_t i)
{
	struct isakmp_addr l = { mc_ip[i], 500 }, r = { H_SERVER_IP, 500 };
	uint64_t id = 0;

	CU_ASSERT_EQUAL(isakmp_initiate(m->c[i].ctx, m->now, m->c[i].pid, &l, &r, &id), 0);
	mc_pump(m);
	return id;
}

/* The server's event list, restricted to one peer. */
static size_t
mc_count(struct h_side *s, int type, uint64_t peer)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		n += (int)s->ev[i].type == type && s->ev[i].peer_id == peer;
	return n;
}

static void
test_two_clients_one_nat(void)
{
	struct isakmp_policy p;
	struct multi m;
	struct isakmp_event ev;
	struct isakmp_peer_info pi;
	uint64_t speer[2], old_a;
	size_t i, cur, n;

	fast_policy(&p);
	memset(&m, 0, sizeof(m));
	m.now = SEC;
	CU_ASSERT_EQUAL_FATAL(h_side_init(&m.s, NULL, &p, 420), 0);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(h_side_init(&m.c[i], NULL, &p, 421 + i), 0);
		(void)mc_connect(&m, i);
		CU_ASSERT_TRUE_FATAL(h_last_event(&m.s, ISAKMP_EV_PHASE1_UP, &ev));
		speer[i] = ev.peer_id;
		CU_ASSERT_EQUAL(ev.remote.ip, H_NAT_IP);
		CU_ASSERT_EQUAL(ev.remote.port, mc_base[i] + 4500);
	}
	CU_ASSERT(speer[0] != speer[1]);
	CU_ASSERT_EQUAL(mc_count(&m.s, ISAKMP_EV_IPSEC_SA_UP, speer[1]), 1);
	/* A rekeys its IPsec SA: only A's peer sees events. */
	CU_ASSERT_TRUE_FATAL(h_last_event(&m.c[0], ISAKMP_EV_IPSEC_SA_UP, &ev));
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(m.c[0].ctx, m.now, ev.ipsec_id), 0);
	mc_pump(&m);
	CU_ASSERT_EQUAL(mc_count(&m.s, ISAKMP_EV_IPSEC_SA_UP, speer[0]), 2);
	CU_ASSERT_EQUAL(mc_count(&m.s, ISAKMP_EV_IPSEC_SA_UP, speer[1]), 1);
	/* A disconnects (Deletes): B keeps its peer and SA. */
	CU_ASSERT_TRUE_FATAL(h_find_event(&m.c[0], ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(isakmp_peer_delete(m.c[0].ctx, m.now, ev.peer_id), 0);
	mc_pump(&m);
	CU_ASSERT_EQUAL(mc_count(&m.s, ISAKMP_EV_PEER_DOWN, speer[0]), 1);
	CU_ASSERT_EQUAL(mc_count(&m.s, ISAKMP_EV_PEER_DOWN, speer[1]), 0);
	CU_ASSERT_EQUAL(mc_count(&m.s, ISAKMP_EV_IPSEC_SA_DOWN, speer[1]), 0);
	/* A reboots and reconnects with INITIAL-CONTACT: B is untouched. */
	old_a = speer[0];
	isakmp_ctx_free(m.c[0].ctx);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&m.c[0], NULL, &p, 430), 0);
	(void)mc_connect(&m, 0);
	CU_ASSERT_TRUE_FATAL(h_last_event(&m.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT(ev.peer_id != old_a && ev.peer_id != speer[1]);
	CU_ASSERT_EQUAL(mc_count(&m.s, ISAKMP_EV_PEER_DOWN, speer[1]), 0);
	for (cur = 0, n = 0; isakmp_peer_next(m.s.ctx, m.now, &cur, &pi); n++)
		CU_ASSERT_EQUAL(pi.n_ipsec, 1);
	CU_ASSERT_EQUAL(n, 2);
	for (i = 0; i < 2; i++)
		isakmp_ctx_free(m.c[i].ctx);
	isakmp_ctx_free(m.s.ctx);
}

void
test_peer_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_peer", NULL, NULL);

	CU_add_test(s, "Quick Mode rekey by the initiator keeps the peer", test_qm_rekey_by_initiator);
	CU_add_test(s, "Quick Mode rekey by the responder at 97%", test_qm_rekey_by_responder);
	CU_add_test(s, "phase 1 rekey by the initiator keeps the peer", test_p1_rekey_by_initiator);
	CU_add_test(s, "phase 1 started by the other side joins the peer",
	    test_p1_rekey_by_responder);
	CU_add_test(s, "IPsec SAs outlive their IKE SA; rekey through a new phase 1",
	    test_ipsec_outlives_ike);
	CU_add_test(s, "failing phase 1: TIMEOUT and DEAD", test_failure_reasons);
	CU_add_test(s, "failing phase 1: responder TIMEOUT", test_failure_timeout);
	CU_add_test(s, "isakmp_ipsec_sa_delete, user tags, isakmp_ike_sa_delete",
	    test_ipsec_delete_and_tags);
	CU_add_test(s, "IKE SA deleted, IPsec SA kept", test_ike_delete_keeps_ipsec);
	CU_add_test(s, "isakmp_ipsec_sa_rekey from either side", test_ipsec_rekey_call);
	CU_add_test(s, "IPsec SA and peer limits", test_limits);
	CU_add_test(s, "two clients behind one NAT", test_two_clients_one_nat);
}
