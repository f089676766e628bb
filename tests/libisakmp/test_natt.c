/*
 * test_natt.c - NAT traversal (natt.c) through the public API: NAT-T
 * keepalives sent by the library on schedule and only from behind a NAT
 * (RFC 3948 2.3: one 0xff byte, no marker), NAT rebinding on authenticated
 * packets only (a keepalive, a forged packet, a retransmission or a replayed
 * message from a new address move nothing; a fresh authenticated one moves
 * the peer and every later datagram goes to the new port), and
 * isakmp_peer_moved().
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_natt_register(void);

#define SEC 1000000000ull

static void
fast_policy(struct isakmp_policy *p)
{
	h_policy_default(p);
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 0 };
	p->n_p1 = 1;
}

struct ka_count {
	size_t c2s, s2c;
	uint8_t info[ISAKMP_MAX_PACKET];  /* the client's first Informational (with marker) */
	size_t info_len;
};

static bool
count_ka(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	struct ka_count *k = h->fuser;

	if (*len == 1 && pkt[0] == 0xff) {
		if (c2s)
			k->c2s++;
		else
			k->s2c++;
	} else if (c2s && k->info_len == 0 && *len > 4 + HDR_LEN && pkt[4 + 18] == EX_INFO) {
		memcpy(k->info, pkt, *len);
		k->info_len = *len;
	}
	return true;
}

static void
establish(struct harness *h, const struct isakmp_policy *p, bool nat, uint64_t seed,
    struct ka_count *k)
{
	CU_ASSERT_EQUAL_FATAL(h_init(h, p, p, nat, seed), 0);
	memset(k, 0, sizeof(*k));
	h->filter = count_ka;
	h->fuser = k;
	CU_ASSERT_EQUAL_FATAL(h_initiate(h, NULL), 0);
	h_pump(h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h->s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h->c, ISAKMP_EV_IPSEC_SA_UP, NULL));
}

/* Keepalives: every natt_keepalive_ns from the side behind the NAT only. */
static void
test_keepalives(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct ka_count k;
	struct isakmp_stats st;
	uint8_t b[ISAKMP_MAX_PACKET];
	struct isakmp_addr f, t;
	size_t len;
	uint64_t t0;

	fast_policy(&p);
	p.natt_keepalive_ns = 5 * SEC;
	establish(&h, &p, true, 500, &k);
	t0 = h.now;
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.c.ctx), t0 + 5 * SEC);
	h_run_until(&h, t0 + 16 * SEC);
	CU_ASSERT_EQUAL(k.c2s, 3);   /* at 5, 10 and 15 s */
	CU_ASSERT_EQUAL(k.s2c, 0);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_keepalives, 3);
	CU_ASSERT_EQUAL(st.natt_keepalives_tx, 0);
	/* The datagram itself: one byte 0xff from our 4500, no non-ESP marker. */
	(void)isakmp_handle_timeout(h.c.ctx, t0 + 20 * SEC);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.c.ctx, t0, b, sizeof(b), &len, &f, &t), 0);
	CU_ASSERT_EQUAL(len, 1);
	CU_ASSERT_EQUAL(b[0], 0xff);
	CU_ASSERT_EQUAL(f.port, ISAKMP_NATT_PORT);
	CU_ASSERT_EQUAL(f.ip, H_CLIENT_IP);
	CU_ASSERT_EQUAL(t.ip, H_SERVER_IP);
	CU_ASSERT_EQUAL(t.port, ISAKMP_NATT_PORT);
	isakmp_get_stats(h.c.ctx, &st);
	CU_ASSERT_EQUAL(st.natt_keepalives_tx, 4);
	h_fini(&h);
	/* No NAT: no keepalives from either side. */
	establish(&h, &p, false, 501, &k);
	h_run_until(&h, h.now + 60 * SEC);
	CU_ASSERT_EQUAL(k.c2s, 0);
	CU_ASSERT_EQUAL(k.s2c, 0);
	h_fini(&h);
	/* The default period is 20 s. */
	fast_policy(&p);
	establish(&h, &p, true, 502, &k);
	t0 = h.now;
	h_run_until(&h, t0 + 19 * SEC);
	CU_ASSERT_EQUAL(k.c2s, 0);
	h_run_until(&h, t0 + 41 * SEC);
	CU_ASSERT_EQUAL(k.c2s, 2);
	h_fini(&h);
}

static size_t
peer_moves(struct harness *h)
{
	struct isakmp_stats st;

	isakmp_get_stats(h->s.ctx, &st);
	return st.peer_moves;
}

static int
input_s(struct harness *h, const uint8_t *b, size_t len, uint16_t from_port)
{
	struct isakmp_addr f = { H_NAT_IP, from_port }, t = { H_SERVER_IP, ISAKMP_NATT_PORT };

	return isakmp_input(h->s.ctx, h->now, b, len, &f, &t);
}

/* NAT rebinding: nothing unauthenticated or replayed moves the peer; a fresh message does. */
static void
test_rebinding(void)
{
	static const uint8_t ka = 0xff;
	struct isakmp_policy p;
	struct harness h;
	struct ka_count k;
	struct isakmp_event ev;
	struct isakmp_stats st;
	struct isakmp_ipsec_sa_info xi;
	struct isakmp_ike_sa_info ii;
	uint8_t bad[ISAKMP_MAX_PACKET], q3[ISAKMP_MAX_PACKET];
	size_t cur, dropped, l3;
	uint64_t t0;

	fast_policy(&p);
	p.dpd_interval_ns = 30 * SEC;
	establish(&h, &p, true, 503, &k);
	memcpy(q3, h.last_c2s, h.last_c2s_len);   /* the client's QM3 */
	l3 = h.last_c2s_len;
	t0 = h.now;
	/* Both sides idle for 30 s: DPD probes; keep the client's R-U-THERE. */
	h_run_until(&h, t0 + 31 * SEC);
	CU_ASSERT_FATAL(k.info_len > 0);
	CU_ASSERT_EQUAL(peer_moves(&h), 0);
	/* The NAT rebinds the client: 40500/44500 become 41500/45500. */
	h.nat_base = 41000;
	h.s.nev = 0;
	/* A keepalive from the new port. */
	CU_ASSERT_EQUAL(input_s(&h, &ka, 1, 45500), 0);
	/* A forged packet: the R-U-THERE with one bit of its ciphertext flipped. */
	memcpy(bad, k.info, k.info_len);
	bad[k.info_len - 20] ^= 0x10;
	CU_ASSERT(input_s(&h, bad, k.info_len, 45500) < 0);
	/* A replay: the authentic R-U-THERE again, from the new port. */
	CU_ASSERT_EQUAL(input_s(&h, k.info, k.info_len, 45500), 0);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rebind_refused, 1);
	/* The client's old QM3 from the new port: not authenticated again, no move. */
	if (input_s(&h, q3, l3, 45500) == 0)
		CU_PASS("stale QM3 absorbed");
	h_pump(&h);
	CU_ASSERT_EQUAL(peer_moves(&h), 0);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_MOVED, NULL));
	/* A fresh authenticated message (a Quick Mode) from the new port moves the peer. */
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &ev));
	dropped = h.nat_dropped;
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.c.ctx, h.now, ev.ipsec_id), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(peer_moves(&h), 1);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PEER_MOVED, &ev));
	CU_ASSERT_EQUAL(ev.remote.ip, H_NAT_IP);
	CU_ASSERT_EQUAL(ev.remote.port, 45500);
	CU_ASSERT_EQUAL(h.nat_dropped, dropped);     /* every answer reached the client */
	CU_ASSERT_TRUE_FATAL(h_last_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &ev));
	CU_ASSERT_EQUAL(ev.sa.remote.port, 45500);
	CU_ASSERT(ev.replaces != 0);
	/* Every SA of the peer follows it. */
	for (cur = 0; isakmp_ipsec_sa_next(h.s.ctx, h.now, &cur, &xi);)
		CU_ASSERT_EQUAL(xi.remote.port, 45500);
	for (cur = 0; isakmp_ike_sa_next(h.s.ctx, h.now, &cur, &ii);)
		CU_ASSERT_EQUAL(ii.remote.port, 45500);
	/* Later output (DPD, Deletes) goes to the new port too. */
	h_run_until(&h, h.now + 40 * SEC);
	CU_ASSERT_EQUAL(h.nat_dropped, dropped);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	h_fini(&h);
}

/* isakmp_peer_moved: the caller learned the new address from ESP. */
static void
test_peer_moved_call(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct ka_count k;
	struct isakmp_event ev;
	struct isakmp_ipsec_sa_info xi;
	struct isakmp_peer_info pi;
	struct isakmp_addr to = { H_NAT_IP, 46500 }, zero = { H_NAT_IP, 0 };
	size_t cur = 0, dropped;
	uint64_t speer;

	fast_policy(&p);
	establish(&h, &p, true, 504, &k);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	speer = ev.peer_id;
	CU_ASSERT_EQUAL(isakmp_peer_moved(h.s.ctx, h.now, speer, &zero), ISAKMP_E_INVAL);
	CU_ASSERT_EQUAL(isakmp_peer_moved(h.s.ctx, h.now, speer, NULL), ISAKMP_E_INVAL);
	CU_ASSERT_EQUAL(isakmp_peer_moved(h.s.ctx, h.now, 31337, &to), ISAKMP_E_NOT_FOUND);
	h.nat_base = 42000;
	h.s.nev = 0;
	CU_ASSERT_EQUAL(isakmp_peer_moved(h.s.ctx, h.now, speer, &to), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PEER_MOVED), 1);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PEER_MOVED, &ev));
	CU_ASSERT_EQUAL(ev.peer_id, speer);
	CU_ASSERT_EQUAL(ev.remote.port, 46500);
	/* The same address again: nothing happens. */
	CU_ASSERT_EQUAL(isakmp_peer_moved(h.s.ctx, h.now, speer, &to), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PEER_MOVED), 1);
	CU_ASSERT_TRUE(isakmp_peer_next(h.s.ctx, h.now, &cur, &pi));
	CU_ASSERT_EQUAL(pi.remote.port, 46500);
	cur = 0;
	CU_ASSERT_TRUE(isakmp_ipsec_sa_next(h.s.ctx, h.now, &cur, &xi));
	CU_ASSERT_EQUAL(xi.remote.port, 46500);
	/* The server's own rekey now reaches the client at its new mapping. */
	dropped = h.nat_dropped;
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.s.ctx, h.now, xi.id), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h.nat_dropped, dropped);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 1);
	h_fini(&h);
	/* Without NAT-T there is nothing to move. */
	establish(&h, &p, false, 505, &k);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(isakmp_peer_moved(h.s.ctx, h.now, ev.peer_id, &to), ISAKMP_E_STATE);
	h_fini(&h);
}

/* DPD sees traffic: isakmp_peer_heard keeps probes away; silence brings them. */
static void
test_dpd_heard(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct ka_count k;
	struct isakmp_event ev;
	struct isakmp_stats st;
	uint64_t t0, cpeer, speer, t;

	fast_policy(&p);
	p.dpd_interval_ns = 10 * SEC;
	establish(&h, &p, true, 506, &k);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	speer = ev.peer_id;
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_PHASE1_UP, &ev));
	cpeer = ev.peer_id;
	t0 = h.now;
	/* ESP traffic every 4 s for a minute: not a single probe. */
	for (t = t0 + 4 * SEC; t <= t0 + 60 * SEC; t += 4 * SEC) {
		h_run_until(&h, t);
		CU_ASSERT_EQUAL(isakmp_peer_heard(h.s.ctx, t, speer), 0);
		CU_ASSERT_EQUAL(isakmp_peer_heard(h.c.ctx, t, cpeer), 0);
	}
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.dpd_tx, 0);
	isakmp_get_stats(h.c.ctx, &st);
	CU_ASSERT_EQUAL(st.dpd_tx, 0);
	CU_ASSERT_EQUAL(isakmp_peer_heard(h.s.ctx, t, 777), ISAKMP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(isakmp_peer_heard(NULL, t, speer), ISAKMP_E_INVAL);
	/* Silence: a probe once idle for the interval, answered. */
	h_run_until(&h, t0 + 69 * SEC);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.dpd_tx, 0);
	h_run_until(&h, t0 + 71 * SEC);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.dpd_tx, 1);
	CU_ASSERT_EQUAL(st.dpd_ack_rx, 1);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	h_fini(&h);
}

void
test_natt_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_natt", NULL, NULL);

	CU_add_test(s, "NAT-T keepalives on schedule, only behind a NAT", test_keepalives);
	CU_add_test(s, "NAT rebinding on authenticated packets only", test_rebinding);
	CU_add_test(s, "isakmp_peer_moved", test_peer_moved_call);
	CU_add_test(s, "DPD suppressed by isakmp_peer_heard", test_dpd_heard);
}
