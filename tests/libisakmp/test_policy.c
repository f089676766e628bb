/*
 * test_policy.c - live policies (policy.c): validation, limits, more than
 * eight added and deleted while peers are up, order of addition, deleted
 * policies kept by the peers that use them, ids never reused.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "testsupport.h"

void test_policy_register(void);

static void
fast_policy(struct isakmp_policy *p)
{
	h_policy_default(p);
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 0 };
	p->n_p1 = 1;
}

static void
test_validation(void)
{
	struct isakmp_policy p, bad;
	struct isakmp_config cfg;
	struct h_side s;
	uint32_t id = 0, ids[3];
	size_t i;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&s, NULL, NULL, 600), 0);
	CU_ASSERT_EQUAL(isakmp_policy_add(NULL, &p, &id), ISAKMP_E_INVAL);
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, NULL, &id), ISAKMP_E_INVAL);
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &p, NULL), ISAKMP_E_INVAL);
	bad = p;
	bad.size = sizeof(bad) - 1;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	bad = p;
	bad.psk_len = 0;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	bad.psk_len = ISAKMP_MAX_PSK + 1;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	bad = p;
	bad.n_p1 = 0;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	bad = p;
	bad.n_p2 = ISAKMP_MAX_P2_PROPS + 1;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	bad = p;
	bad.peer_id_len = ISAKMP_MAX_ID + 1;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	bad = p;
	bad.p2[0].integ = ISAKMP_INTEG_HMAC_SHA256_96;   /* local value, never proposed */
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	bad = p;
	bad.mode = (enum isakmp_mode)7;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &bad, &id), ISAKMP_E_INVAL);
	CU_ASSERT_EQUAL(id, 0);
	CU_ASSERT_EQUAL(isakmp_policy_delete(s.ctx, 1), ISAKMP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(isakmp_policy_delete(NULL, 1), ISAKMP_E_INVAL);
	isakmp_ctx_free(s.ctx);
	CU_ASSERT_EQUAL(s.alloc.live, 0);
	/* max_policies, and the allocation failure of the copy. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_policies = 3;
	CU_ASSERT_EQUAL_FATAL(h_side_init(&s, &cfg, NULL, 601), 0);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &p, &ids[i]), 0);
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &p, &id), ISAKMP_E_LIMIT);
	CU_ASSERT_EQUAL(isakmp_policy_delete(s.ctx, ids[1]), 0);
	s.alloc.fail_at = s.alloc.count + 1;
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &p, &id), ISAKMP_E_NOMEM);
	CU_ASSERT_EQUAL(isakmp_policy_add(s.ctx, &p, &id), 0);
	CU_ASSERT(id > ids[2]);   /* never reused */
	isakmp_ctx_free(s.ctx);
	CU_ASSERT_EQUAL(s.alloc.live, 0);
}

/*
 * Twelve policies: eleven for other peers, one for the client.  They are
 * added and deleted while a peer is up; the peer keeps (and rekeys with)
 * its deleted policy; new clients use what is there now.
 */
static void
test_many_live(void)
{
	struct isakmp_policy cp, sp, other;
	struct harness h;
	struct isakmp_event ev, up;
	struct isakmp_stats st;
	struct isakmp_peer_info pi;
	uint32_t ids[12], client_pol, last = 0, any = 0;
	size_t i, cur = 0;

	fast_policy(&cp);
	sp = cp;
	sp.peer_ip = H_CLIENT_IP;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 602), 0);
	client_pol = h.s.pid;
	/* Eleven more for other addresses and keys. */
	for (i = 0; i < 11; i++) {
		other = cp;
		other.peer_ip = 0xc0000200u + (uint32_t)i;   /* 192.0.2.x */
		memcpy(other.psk, "other-key-000", 13);
		other.psk[12] = (uint8_t)('0' + i % 10);
		other.psk_len = 13;
		CU_ASSERT_EQUAL(isakmp_policy_add(h.s.ctx, &other, &ids[i]), 0);
		CU_ASSERT(ids[i] > last);
		last = ids[i];
	}
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &up));
	CU_ASSERT_EQUAL(up.policy_id, client_pol);
	/* Delete the client's policy and six others while the peer is up. */
	CU_ASSERT_EQUAL(isakmp_policy_delete(h.s.ctx, client_pol), 0);
	CU_ASSERT_EQUAL(isakmp_policy_delete(h.s.ctx, client_pol), ISAKMP_E_NOT_FOUND);
	for (i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(isakmp_policy_delete(h.s.ctx, ids[2 * i]), 0);
	/* The peer still rekeys with the policy it holds. */
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &ev));
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.c.ctx, h.now, ev.ipsec_id), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_UP), 2);
	CU_ASSERT_TRUE(isakmp_peer_next(h.s.ctx, h.now, &cur, &pi));
	CU_ASSERT_EQUAL(pi.policy_id, client_pol);
	/* A new connection finds no policy for 10.0.0.2 now. */
	{
		struct isakmp_addr l = { H_CLIENT_IP, 2500 }, r = { H_SERVER_IP, 500 };

		CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, NULL), 0);
		h_pump(&h);
		CU_ASSERT_EQUAL(h.last_rc_s, ISAKMP_E_NO_POLICY);
		isakmp_get_stats(h.s.ctx, &st);
		CU_ASSERT_EQUAL(st.rx_no_policy, 1);
		/* peer=any added live: the next attempt is served. */
		sp.peer_ip = 0;
		CU_ASSERT_EQUAL(isakmp_policy_add(h.s.ctx, &sp, &any), 0);
		CU_ASSERT(any > last);
		l.port = 2501;
		CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, NULL), 0);
		h_pump(&h);
		CU_ASSERT_TRUE(h_last_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
		CU_ASSERT_EQUAL(ev.policy_id, any);
		CU_ASSERT(ev.peer_id != up.peer_id);
	}
	/* The first peer goes; its deleted policy is freed with it (no leak at fini). */
	CU_ASSERT_EQUAL(isakmp_peer_delete(h.s.ctx, h.now, up.peer_id), 0);
	h_pump(&h);
	for (i = 0; i < 11; i++)
		CU_ASSERT_EQUAL(isakmp_policy_delete(h.s.ctx, ids[i]),
		    i % 2 == 0 && i < 12 ? ISAKMP_E_NOT_FOUND : 0);
	h_fini(&h);
	CU_ASSERT_EQUAL(h.s.alloc.live, 0);
	CU_ASSERT_EQUAL(h.c.alloc.live, 0);
}

/* Policies are tried in order of addition; deleting the first uncovers the next. */
static void
test_order(void)
{
	struct isakmp_policy cp, first, second;
	struct harness h;
	struct isakmp_event ev;
	uint32_t id2 = 0;

	fast_policy(&cp);
	memcpy(cp.psk, "second-key", 10);
	cp.psk_len = 10;
	first = cp;
	memcpy(first.psk, "first-key!", 10);
	second = cp;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &first, false, 603), 0);
	CU_ASSERT_EQUAL(isakmp_policy_add(h.s.ctx, &second, &id2), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));  /* first one's key */
	CU_ASSERT_EQUAL(isakmp_policy_delete(h.s.ctx, h.s.pid), 0);
	{
		struct isakmp_addr l = { H_CLIENT_IP, 3500 }, r = { H_SERVER_IP, 500 };

		CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, NULL), 0);
	}
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(ev.policy_id, id2);
	/* A client cannot start with a deleted policy. */
	CU_ASSERT_EQUAL(isakmp_policy_delete(h.c.ctx, h.c.pid), 0);
	{
		struct isakmp_addr l = { H_CLIENT_IP, 3501 }, r = { H_SERVER_IP, 500 };

		CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, NULL),
		    ISAKMP_E_NOT_FOUND);
	}
	h_fini(&h);
}

void
test_policy_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_policy", NULL, NULL);

	CU_add_test(s, "policy validation, limit, allocation failure", test_validation);
	CU_add_test(s, "twelve policies added and deleted live", test_many_live);
	CU_add_test(s, "order of addition", test_order);
}
