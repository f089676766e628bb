/*
 * test_behaviour.c - retransmission, bad input classes, DPD, Delete,
 * INITIAL-CONTACT, expiry, limits and allocation failures, driven through two
 * in-memory peers (harness.c) with injected RNG and time.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_behaviour_register(void);

#define SEC 1000000000ull

static void
fast_policy(struct isakmp_policy *p)
{
	h_policy_default(p);
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 0 };
	p->n_p1 = 1;
}

static bool
established(struct harness *h)
{
	return h_find_event(&h->c, ISAKMP_EV_IPSEC_SA_UP, NULL) &&
	    h_find_event(&h->s, ISAKMP_EV_IPSEC_SA_UP, NULL);
}

/* A retransmitted request is answered with the stored response, not reprocessed. */
static void
test_retransmit_answered(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	uint8_t a[ISAKMP_MAX_PACKET], b[ISAKMP_MAX_PACKET], mm1[ISAKMP_MAX_PACKET];
	size_t la, lb, l1;
	struct isakmp_addr f, t, f2, t2;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 11), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.c.ctx, h.now, mm1, sizeof(mm1), &l1, &f, &t), 0);
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, mm1, l1, &f, &t), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.s.ctx, h.now, a, sizeof(a), &la, &f2, &t2), 0);
	/* No amplification: MM2 is not larger than MM1. */
	CU_ASSERT(la <= l1);
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, mm1, l1, &f, &t), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.s.ctx, h.now, b, sizeof(b), &lb, &f2, &t2), 0);
	TS_ASSERT_BYTES("resent MM2", b, lb, a, la);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_retransmits, 1);
	/* Hand MM2 to the client and finish. */
	CU_ASSERT_EQUAL(isakmp_input(h.c.ctx, h.now, a, la, &f2, &t2), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(established(&h));
	h_fini(&h);
}

static bool
drop_first_s2c(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	int *n = h->fuser;

	(void)pkt;
	(void)len;
	if (!c2s && (*n)++ == 0)
		return false;
	return true;
}

/* The initiator retransmits after its timer when a response is lost. */
static void
test_initiator_retransmits(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	int n = 0;
	uint64_t t;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 12), 0);
	h.filter = drop_first_s2c;
	h.fuser = &n;
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_FALSE(established(&h));
	t = isakmp_next_timeout(h.c.ctx);
	CU_ASSERT(t > h.now && t != UINT64_MAX);
	h.now = t;
	CU_ASSERT_EQUAL(isakmp_handle_timeout(h.c.ctx, h.now), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(established(&h));
	isakmp_get_stats(h.c.ctx, &st);
	CU_ASSERT_EQUAL(st.tx_retransmits, 1);
	h_fini(&h);
}

/* A wrong PSK: HASH_I does not verify; specific error, counter, log line. */
static void
test_wrong_psk(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_stats st;

	fast_policy(&cp);
	sp = cp;
	memcpy(sp.psk, "other-secret", 12);
	sp.psk_len = 12;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 13), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
	CU_ASSERT_FALSE(h_find_event(&h.c, ISAKMP_EV_PHASE1_UP, NULL));
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_auth_failed, 1);
	CU_ASSERT_TRUE(ts_log_last_contains(&h.s.log, "authentication failed"));
	CU_ASSERT(h.s.log.by_level[ISAKMP_LOG_WARN] >= 1);
	/* The negotiation is destroyed at once (issue #13) and reported. */
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_FAILED, NULL));
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);
	h_fini(&h);
	CU_ASSERT_EQUAL(h.s.alloc.live, 0);
}

/* The responder picks by its own policy order, not the peer's (macOS). */
static void
test_policy_order(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event ev;

	h_policy_default(&sp);
	cp = sp;
	cp.p1[0] = sp.p1[1];
	cp.p1[1] = sp.p1[0];
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 14), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(ev.p1.enc, ISAKMP_ENC_AES);
	CU_ASSERT_EQUAL(ev.p1.key_bits, 256);
	CU_ASSERT_EQUAL(ev.p1.group, ISAKMP_GROUP_MODP2048);
	h_fini(&h);
}

/* Every truncated prefix of a valid MM1 gets a specific error and no state. */
static void
test_truncated_mm1(void)
{
	struct isakmp_policy p;
	struct harness h;
	uint8_t mm1[ISAKMP_MAX_PACKET], out[ISAKMP_MAX_PACKET];
	size_t l1, i, lo;
	struct isakmp_addr f, t, f2, t2;
	int rc;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 15), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.c.ctx, h.now, mm1, sizeof(mm1), &l1, &f, &t), 0);
	for (i = 0; i < l1; i++) {
		uint8_t tmp[ISAKMP_MAX_PACKET];

		memcpy(tmp, mm1, i);
		/* Keep the header length consistent with the prefix too. */
		if (i >= HDR_LEN) {
			tmp[24] = 0; tmp[25] = 0;
			tmp[26] = (uint8_t)(i >> 8); tmp[27] = (uint8_t)i;
		}
		rc = isakmp_input(h.s.ctx, h.now, tmp, i, &f, &t);
		CU_ASSERT(rc < 0);
		CU_ASSERT(rc != ISAKMP_E_INVAL);
	}
	CU_ASSERT_EQUAL(isakmp_next_output(h.s.ctx, h.now, out, sizeof(out), &lo, &f2, &t2),
	    ISAKMP_E_AGAIN);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);
	h_fini(&h);
}

/* Out of order: encrypted Quick Mode / Main Mode 5 on a half-open SA. */
static void
test_out_of_order(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	uint8_t mm1[ISAKMP_MAX_PACKET], mm2[ISAKMP_MAX_PACKET], x[128];
	size_t l1, l2;
	struct isakmp_addr f, t, f2, t2;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 18), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.c.ctx, h.now, mm1, sizeof(mm1), &l1, &f, &t), 0);
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, mm1, l1, &f, &t), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.s.ctx, h.now, mm2, sizeof(mm2), &l2, &f2, &t2), 0);
	memset(x, 0, sizeof(x));
	memcpy(x, mm2, 16);               /* both cookies of the half-open SA */
	x[16] = PL_HASH;                  /* next payload */
	x[17] = 0x10;                     /* version */
	x[18] = EX_QUICK;                 /* Quick Mode: "rekey" before phase 1 is up */
	x[19] = FL_E;
	x[23] = 1;                        /* message ID 1 */
	x[27] = 60;                       /* length */
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, x, 60, &f, &t), ISAKMP_E_STATE);
	x[18] = EX_MAIN;                  /* an encrypted MM5 before MM3 */
	x[23] = 0;
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, x, 60, &f, &t), ISAKMP_E_STATE);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_bad_state, 2);
	/* The exchange still completes afterwards. */
	CU_ASSERT_EQUAL(isakmp_input(h.c.ctx, h.now, mm2, l2, &f2, &t2), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(established(&h));
	h_fini(&h);
}

/* Degenerate DH values and wrong sizes are refused before any computation. */
static void
test_ke_values(void)
{
	uint8_t v[MAX_KE];

	memset(v, 0, sizeof(v));
	CU_ASSERT_EQUAL(iki_ikc_dh_check_peer(2, v, 128), ISAKMP_E_KE);       /* 0 */
	v[127] = 1;
	CU_ASSERT_EQUAL(iki_ikc_dh_check_peer(2, v, 128), ISAKMP_E_KE);       /* 1 */
	v[127] = 2;
	CU_ASSERT_EQUAL(iki_ikc_dh_check_peer(2, v, 128), 0);                 /* 2 is fine */
	CU_ASSERT_EQUAL(iki_ikc_dh_check_peer(2, v, 96), ISAKMP_E_KE);        /* wrong size */
	CU_ASSERT_EQUAL(iki_ikc_dh_check_peer(99, v, 128), ISAKMP_E_KE);      /* private group */
	memset(v, 0xff, 128);                                             /* p-1 and above */
	CU_ASSERT_EQUAL(iki_ikc_dh_check_peer(2, v, 128), ISAKMP_E_KE);
	/* RFC 2409 6.2 prime ends in ...ffffffffffffffff: p - 1 ends in fe. */
	v[127] = 0xfe;
	CU_ASSERT_EQUAL(iki_ikc_dh_check_peer(2, v, 128), ISAKMP_E_KE);
}

/* Informational / DPD for an unknown SA: no state, no answer, debug-only log. */
static void
test_unknown_sa_info(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	uint8_t pkt[64], out[ISAKMP_MAX_PACKET];
	struct isakmp_addr f = { H_CLIENT_IP, 500 }, t = { H_SERVER_IP, 500 }, f2, t2;
	size_t lo;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 16), 0);
	memset(pkt, 0, sizeof(pkt));
	memset(pkt, 0x11, 16);            /* cookies */
	pkt[16] = PL_HASH;                /* next payload */
	pkt[17] = 0x10;                   /* version 1.0 */
	pkt[18] = EX_INFO;                /* Informational */
	pkt[19] = FL_E;                   /* encrypted */
	pkt[20] = 0x12;                   /* message ID */
	pkt[27] = 60;                     /* length */
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, pkt, 60, &f, &t), ISAKMP_E_NO_SA);
	pkt[18] = EX_QUICK;               /* Quick Mode under an unknown ISAKMP SA */
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, pkt, 60, &f, &t), ISAKMP_E_NO_SA);
	CU_ASSERT_EQUAL(isakmp_next_output(h.s.ctx, h.now, out, sizeof(out), &lo, &f2, &t2),
	    ISAKMP_E_AGAIN);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_no_sa, 2);
	CU_ASSERT_EQUAL(h.s.log.by_level[ISAKMP_LOG_WARN], 0);
	CU_ASSERT_EQUAL(h.s.log.by_level[ISAKMP_LOG_ERROR], 0);
	/* Port 4500 without the non-ESP marker. */
	t.port = 4500;
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, pkt, 60, &f, &t), ISAKMP_E_MARKER);
	/* A NAT keepalive is accepted silently. */
	pkt[0] = 0xff;
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, pkt, 1, &f, &t), 0);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_bad_marker, 1);
	CU_ASSERT_EQUAL(st.rx_keepalives, 1);
	h_fini(&h);
}

struct flip {
	size_t bit;
	bool done;
};

static bool
flip_qm1(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	struct flip *fl = h->fuser;
	size_t off = pkt[0] == 0 && pkt[1] == 0 && pkt[2] == 0 && pkt[3] == 0 ? 4 : 0;

	if (c2s && !fl->done && *len > off + HDR_LEN && pkt[off + 18] == EX_QUICK) {
		size_t body = *len - off - HDR_LEN;

		pkt[off + HDR_LEN + (fl->bit / 8) % body] ^= (uint8_t)(1u << (fl->bit % 8));
		fl->done = true;
	}
	return true;
}

/* A 1-bit flip anywhere in an encrypted Quick Mode message is rejected. */
static void
test_qm_bitflips(void)
{
	static const size_t bits[] = { 0, 7, 100, 333, 517, 801, 1000, 1500 };
	struct isakmp_policy p;
	struct harness h;
	struct flip fl;
	size_t i;

	fast_policy(&p);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 17 + i), 0);
		fl.bit = bits[i];
		fl.done = false;
		h.filter = flip_qm1;
		h.fuser = &fl;
		CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
		h_pump(&h);
		CU_ASSERT_TRUE(fl.done);
		CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
		CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, NULL));
		CU_ASSERT(h.last_rc_s < 0);
		h_fini(&h);
	}
}

static bool
drop_s2c(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	(void)h;
	(void)pkt;
	(void)len;
	return c2s;
}

/* DPD: R-U-THERE is acknowledged; without acks the peer is declared dead. */
static void
test_dpd(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	struct isakmp_event ev;

	fast_policy(&p);
	p.dpd_interval_ns = 10 * SEC;
	p.dpd_timeout_ns = 30 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 30), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	h.now += 10 * SEC;
	isakmp_handle_timeout(h.c.ctx, h.now);
	isakmp_handle_timeout(h.s.ctx, h.now);
	h_pump(&h);
	isakmp_get_stats(h.c.ctx, &st);
	CU_ASSERT(st.dpd_tx >= 1);
	CU_ASSERT(st.dpd_ack_rx >= 1);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT(st.dpd_rx >= 1);
	/* Now the server goes silent. */
	h.filter = drop_s2c;
	while (!h_find_event(&h.c, ISAKMP_EV_PEER_DOWN, NULL) && h.now < 200 * SEC) {
		h.now = isakmp_next_timeout(h.c.ctx);
		isakmp_handle_timeout(h.c.ctx, h.now);
		h_pump(&h);
	}
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_PEER_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_DEAD);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_DEAD), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_DEAD), 1);
	h_fini(&h);
}

/* Delete: the peer learns about both the IPsec SA and the IKE SA. */
static void
test_delete(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ev, ready;
	struct isakmp_stats st;
	uint64_t id = 0;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 31), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, &id), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	CU_ASSERT_EQUAL(isakmp_peer_delete(h.c.ctx, h.now, id), 0);
	CU_ASSERT_EQUAL(isakmp_peer_delete(h.c.ctx, h.now, id), ISAKMP_E_NOT_FOUND);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_DELETED);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &ready));
	CU_ASSERT_EQUAL(ev.sa.spi_in, ready.sa.spi_in);
	CU_ASSERT_EQUAL(ev.ipsec_id, ready.ipsec_id);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_DELETED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PEER_DOWN, ISAKMP_REASON_DELETED), 1);
	/* Our side: the same teardown with reason LOCAL. */
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_LOCAL), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_LOCAL), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PEER_DOWN, ISAKMP_REASON_LOCAL), 1);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.deletes_rx, 2);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);  /* no SA left */
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.c.ctx), UINT64_MAX);
	h_fini(&h);
}

/* INITIAL-CONTACT from a reconnecting client drops its older SAs. */
static void
test_initial_contact(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ev, up1, up2;
	struct isakmp_ctx *old;
	size_t i;

	fast_policy(&p);
	p.send_deletes = false;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 32), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &up1));
	/* The client reboots: a fresh context from the same address/ports. */
	old = h.c.ctx;
	ts_rng_init(&h.c.rng, 99);
	{
		struct isakmp_hooks hk;

		memset(&hk, 0, sizeof(hk));
		hk.user = &h.c.rng;
		hk.rng = ts_rng_cb;
		CU_ASSERT_EQUAL_FATAL(isakmp_ctx_new(&h.c.ctx, NULL, &hk), 0);
		CU_ASSERT_EQUAL_FATAL(isakmp_policy_add(h.c.ctx, &p, &h.c.pid), 0);
	}
	h.s.nev = 0;
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_INITIAL_CONTACT);
	CU_ASSERT_EQUAL(ev.peer_id, up1.peer_id);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN,
	    ISAKMP_REASON_INITIAL_CONTACT), 1);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, &ev));
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_INITIAL_CONTACT);
	CU_ASSERT_EQUAL(ev.peer_id, up1.peer_id);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	/* A new peer, announced after the old one went. */
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &up2));
	CU_ASSERT(up2.peer_id != up1.peer_id);
	for (i = 0; i < h.s.nev && h.s.ev[i].type != ISAKMP_EV_PEER_DOWN; i++)
		CU_ASSERT(h.s.ev[i].type != ISAKMP_EV_PHASE1_UP);
	isakmp_ctx_free(old);
	h_fini(&h);
}

/* IPsec SA and IKE SA lifetimes expire with events. */
static void
test_expiry(void)
{
	struct isakmp_policy p;
	struct harness h;

	fast_policy(&p);
	p.p2[0].life_s = 60;
	p.p1[0].life_s = 120;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 33), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	h.now += 61 * SEC;
	isakmp_handle_timeout(h.s.ctx, h.now);
	isakmp_handle_timeout(h.c.ctx, h.now);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_EXPIRED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_EXPIRED), 1);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));  /* the IKE SA lives */
	h.now += 60 * SEC;
	isakmp_handle_timeout(h.s.ctx, h.now);
	isakmp_handle_timeout(h.c.ctx, h.now);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_EXPIRED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PEER_DOWN, ISAKMP_REASON_EXPIRED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PEER_DOWN, ISAKMP_REASON_EXPIRED), 1);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.c.ctx), UINT64_MAX);
	h_fini(&h);
}

/* The initiator rekeys its IPsec SA at 90% of the lifetime; the old one then expires. */
static void
test_rekey(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event first, second;

	fast_policy(&p);
	p.p2[0].life_s = 100;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 34), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	h.now += 91 * SEC;
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.c.ctx) <= h.now, true);
	isakmp_handle_timeout(h.c.ctx, h.now);
	isakmp_handle_timeout(h.s.ctx, h.now);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_UP), 2);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 2);
	/* The new SA says which one it replaces; the peer is the same. */
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &first));
	CU_ASSERT_TRUE(h_last_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &second));
	CU_ASSERT_EQUAL(second.replaces, first.ipsec_id);
	CU_ASSERT_EQUAL(second.peer_id, first.peer_id);
	h.now += 10 * SEC;
	isakmp_handle_timeout(h.c.ctx, h.now);
	isakmp_handle_timeout(h.s.ctx, h.now);
	h_pump(&h);
	/* The old SA ends at its lifetime: it had been replaced, so REKEYED. */
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_DOWN), 1);
	CU_ASSERT(isakmp_next_timeout(h.s.ctx) != UINT64_MAX);  /* the new SA lives on */
	h_fini(&h);
}

/* The initiator rekeys phase 1 (with a new IPsec SA) at 90% of the IKE lifetime. */
static void
test_p1_rekey(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event a, b;

	fast_policy(&p);
	p.p1[0].life_s = 200;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 36), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	h.now += 181 * SEC;
	isakmp_handle_timeout(h.c.ctx, h.now);
	isakmp_handle_timeout(h.s.ctx, h.now);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_PHASE1_UP), 2);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 2);
	/* A phase 1 rekey needs no new IPsec SA: the peer owns the old one. */
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 1);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &a));
	CU_ASSERT_TRUE(h_last_event(&h.s, ISAKMP_EV_PHASE1_UP, &b));
	CU_ASSERT_EQUAL(b.peer_id, a.peer_id);
	CU_ASSERT_EQUAL(b.replaces, a.ike_id);
	CU_ASSERT_TRUE(h_find_event(&h.c, ISAKMP_EV_PHASE1_UP, &a));
	CU_ASSERT_TRUE(h_last_event(&h.c, ISAKMP_EV_PHASE1_UP, &b));
	CU_ASSERT_EQUAL(b.peer_id, a.peer_id);
	CU_ASSERT_EQUAL(b.replaces, a.ike_id);
	h.now += 20 * SEC;
	isakmp_handle_timeout(h.c.ctx, h.now);
	isakmp_handle_timeout(h.s.ctx, h.now);
	h_pump(&h);
	/* The old IKE SA ends (replaced: REKEYED); the IPsec SA survives it. */
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_EQUAL(h_count_reason(&h.c, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_REKEYED), 1);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_EQUAL(h_count_events(&h.c, ISAKMP_EV_IPSEC_SA_DOWN), 0);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
	CU_ASSERT(isakmp_next_timeout(h.s.ctx) != UINT64_MAX);
	h_fini(&h);
}

/* A longer lifetime offer is shortened with RESPONDER-LIFETIME, which the initiator adopts. */
static void
test_responder_lifetime(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event ec, es;

	fast_policy(&cp);
	sp = cp;
	cp.p2[0].life_s = 7200;
	sp.p2[0].life_s = 1200;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 35), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &ec));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &es));
	CU_ASSERT_EQUAL(es.sa.life_s, 1200);
	CU_ASSERT_EQUAL(ec.sa.life_s, 1200);
	h_fini(&h);
}

/* Half-open limit: unauthenticated peers cannot make us hold more state. */
static void
test_half_open_limit(void)
{
	struct isakmp_policy p;
	struct isakmp_config cfg;
	struct isakmp_hooks hk;
	struct isakmp_ctx *srv = NULL, *cli = NULL;
	struct ts_rng r1, r2;
	struct isakmp_stats st;
	struct isakmp_addr l = { H_CLIENT_IP, 500 }, r = { H_SERVER_IP, 500 }, f, t;
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t len, i;
	uint32_t pid;
	int rc[3];

	fast_policy(&p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_half_open = 2;
	cfg.max_half_open_per_ip = 2;
	cfg.cookie_threshold = UINT32_MAX;          /* always stateful here */
	cfg.cookie_threshold_per_ip = UINT32_MAX;
	memset(&hk, 0, sizeof(hk));
	ts_rng_init(&r1, 1);
	ts_rng_init(&r2, 2);
	hk.rng = ts_rng_cb;
	hk.user = &r1;
	CU_ASSERT_EQUAL_FATAL(isakmp_ctx_new(&srv, &cfg, &hk), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_policy_add(srv, &p, &pid), 0);
	hk.user = &r2;
	CU_ASSERT_EQUAL_FATAL(isakmp_ctx_new(&cli, &cfg, &hk), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_policy_add(cli, &p, &pid), 0);
	for (i = 0; i < 3; i++) {
		l.port = (uint16_t)(1000 + i);
		CU_ASSERT_EQUAL(isakmp_initiate(cli, 0, pid, &l, &r, NULL), 0);
		CU_ASSERT_EQUAL(isakmp_next_output(cli, 0, b, sizeof(b), &len, &f, &t), 0);
		rc[i] = isakmp_input(srv, 0, b, len, &f, &t);
	}
	/* The third evicts the oldest rather than being refused (issue #13). */
	CU_ASSERT_EQUAL(rc[0], 0);
	CU_ASSERT_EQUAL(rc[1], 0);
	CU_ASSERT_EQUAL(rc[2], 0);
	isakmp_get_stats(srv, &st);
	CU_ASSERT_EQUAL(st.half_open_evicted + st.half_open_ip_evicted, 1);
	CU_ASSERT_EQUAL(st.half_open_refused, 0);
	CU_ASSERT_EQUAL(srv->n_sas, 2);
	isakmp_ctx_free(srv);
	isakmp_ctx_free(cli);
}

/* A peer's phase 1 lifetime never exceeds ours (policy 0 means 28800 s). */
static void
test_p1_lifetime_capped(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event ev;

	fast_policy(&cp);
	fast_policy(&sp);
	cp.p1[0].life_s = 4000000000u;  /* about 127 years */
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 40), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(ev.p1.life_s, 28800);
	h_fini(&h);
}

/* A datagram that would not fit ISAKMP_MAX_PACKET with its marker is never queued. */
static void
test_output_fits_max_packet(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	static uint8_t d[ISAKMP_MAX_PACKET], out[ISAKMP_MAX_PACKET];
	struct isakmp_addr f4500 = { H_SERVER_IP, ISAKMP_NATT_PORT }, f500 = { H_SERVER_IP, 500 };
	struct isakmp_addr t = { H_CLIENT_IP, 4500 }, f2, t2;
	size_t lo;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 41), 0);
	memset(d, 0x5a, sizeof(d));
	CU_ASSERT_EQUAL(iki_out_queue(h.s.ctx, &f4500, &t, d, ISAKMP_MAX_PACKET - 2),
	    ISAKMP_E_BUFFER);
	CU_ASSERT_EQUAL(isakmp_next_output(h.s.ctx, h.now, out, sizeof(out), &lo, &f2, &t2),
	    ISAKMP_E_AGAIN);
	CU_ASSERT_EQUAL(iki_out_queue(h.s.ctx, &f4500, &t, d, ISAKMP_MAX_PACKET - 4), 0);
	CU_ASSERT_EQUAL(iki_out_queue(h.s.ctx, &f500, &t, d, ISAKMP_MAX_PACKET), 0);
	CU_ASSERT_EQUAL(isakmp_next_output(h.s.ctx, h.now, out, sizeof(out), &lo, &f2, &t2), 0);
	CU_ASSERT_EQUAL(lo, ISAKMP_MAX_PACKET);
	CU_ASSERT_EQUAL(isakmp_next_output(h.s.ctx, h.now, out, sizeof(out), &lo, &f2, &t2), 0);
	CU_ASSERT_EQUAL(lo, ISAKMP_MAX_PACKET);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.tx_oversize, 1);
	h_fini(&h);
}

/* Allocation failure at every point of a responder's exchange: clean, no leak. */
static void
test_oom_loop(void)
{
	struct isakmp_policy p;
	struct harness h;
	size_t i;
	bool completed = false;

	fast_policy(&p);
	for (i = 1; i < 200 && !completed; i++) {
		CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 40), 0);
		h.s.alloc.fail_at = i;
		CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
		h_pump(&h);
		completed = h.s.alloc.failed == 0 && established(&h);
		h_fini(&h);
		CU_ASSERT_EQUAL(h.s.alloc.live, 0);
		CU_ASSERT_EQUAL(h.c.alloc.live, 0);
	}
	CU_ASSERT_TRUE(completed);
	/* isakmp_ctx_new itself under failure. */
	for (i = 1; i < 4; i++) {
		struct ts_alloc a;
		struct ts_rng r;
		struct isakmp_config cfg;
		struct isakmp_hooks hk;
		struct isakmp_ctx *ctx = NULL;
		int rc;

		ts_alloc_init(&a);
		a.fail_at = i;
		ts_rng_init(&r, 1);
		memset(&cfg, 0, sizeof(cfg));
		cfg.size = sizeof(cfg);
		memset(&hk, 0, sizeof(hk));
		hk.user = &r;
		hk.rng = ts_rng_cb;
		(void)a;
		rc = isakmp_ctx_new(&ctx, &cfg, &hk);
		CU_ASSERT(rc == 0 && ctx != NULL);
		isakmp_ctx_free(ctx);
	}
}

void
test_behaviour_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_behaviour", NULL, NULL);

	CU_add_test(s, "retransmitted MM1 answered from the stored MM2", test_retransmit_answered);
	CU_add_test(s, "initiator retransmits with backoff", test_initiator_retransmits);
	CU_add_test(s, "wrong PSK rejected and half-open SA expires", test_wrong_psk);
	CU_add_test(s, "proposal chosen in the responder's policy order", test_policy_order);
	CU_add_test(s, "every truncated MM1 prefix rejected, no state", test_truncated_mm1);
	CU_add_test(s, "degenerate and mis-sized KE values", test_ke_values);
	CU_add_test(s, "out-of-order messages on a half-open SA", test_out_of_order);
	CU_add_test(s, "Informational/QM for unknown SA, marker, keepalive", test_unknown_sa_info);
	CU_add_test(s, "1-bit flips in Quick Mode rejected", test_qm_bitflips);
	CU_add_test(s, "DPD ack and peer dead", test_dpd);
	CU_add_test(s, "Delete of IPsec and IKE SA", test_delete);
	CU_add_test(s, "INITIAL-CONTACT drops older SAs", test_initial_contact);
	CU_add_test(s, "IPsec and IKE SA expiry", test_expiry);
	CU_add_test(s, "IPsec SA rekey before expiry", test_rekey);
	CU_add_test(s, "RESPONDER-LIFETIME", test_responder_lifetime);
	CU_add_test(s, "phase 1 rekey before expiry", test_p1_rekey);
	CU_add_test(s, "half-open limit", test_half_open_limit);
	CU_add_test(s, "peer's phase 1 lifetime capped by policy", test_p1_lifetime_capped);
	CU_add_test(s, "no queued datagram exceeds ISAKMP_MAX_PACKET", test_output_fits_max_packet);
	CU_add_test(s, "allocation failure at every step", test_oom_loop);
}
