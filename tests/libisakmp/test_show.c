/*
 * test_show.c - enumeration for `show` (show.c), the name functions
 * (names.c) and isakmp_event_wipe().
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "testsupport.h"

void test_show_register(void);

#define SEC 1000000000ull

static void
test_enumeration(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event up, x1, x2;
	struct isakmp_peer_info pi;
	struct isakmp_ike_sa_info ii;
	struct isakmp_ipsec_sa_info xi;
	size_t cur, n, replaced;
	uint64_t cpeer = 0;
	static const uint8_t zero[8];

	h_policy_default(&p);
	p.p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 3600 };
	p.n_p1 = 1;
	p.dpd_interval_ns = 60 * SEC;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 800), 0);
	/* Empty tables. */
	cur = 0;
	CU_ASSERT_FALSE(isakmp_peer_next(h.s.ctx, h.now, &cur, &pi));
	CU_ASSERT_FALSE(isakmp_ike_sa_next(h.s.ctx, h.now, &cur, &ii));
	CU_ASSERT_FALSE(isakmp_ipsec_sa_next(h.s.ctx, h.now, &cur, &xi));
	CU_ASSERT_FALSE(isakmp_peer_next(NULL, h.now, &cur, &pi));
	CU_ASSERT_FALSE(isakmp_peer_next(h.s.ctx, h.now, NULL, &pi));
	CU_ASSERT_FALSE(isakmp_ike_sa_next(h.s.ctx, h.now, &cur, NULL));
	CU_ASSERT_EQUAL(h_initiate(&h, &cpeer), 0);
	/* The client's peer exists at once; its IKE SA is negotiating. */
	cur = 0;
	CU_ASSERT_TRUE_FATAL(isakmp_peer_next(h.c.ctx, h.now, &cur, &pi));
	CU_ASSERT_EQUAL(pi.id, cpeer);
	CU_ASSERT_TRUE(pi.initiator);
	CU_ASSERT_EQUAL(pi.remote_id_type, 0);
	CU_ASSERT_EQUAL(pi.n_ike, 1);
	cur = 0;
	CU_ASSERT_TRUE_FATAL(isakmp_ike_sa_next(h.c.ctx, h.now, &cur, &ii));
	CU_ASSERT_EQUAL(ii.state, ISAKMP_STATE_I_MM1);
	CU_ASSERT_STRING_EQUAL(isakmp_state_name(ii.state), "MM1 sent");
	CU_ASSERT_EQUAL(ii.peer_id, cpeer);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &up));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &x1));
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_set_user(h.s.ctx, x1.ipsec_id, 77), 0);
	CU_ASSERT_EQUAL(isakmp_peer_set_user(h.s.ctx, up.peer_id, 66), 0);
	CU_ASSERT_EQUAL(isakmp_ipsec_sa_rekey(h.s.ctx, h.now, x1.ipsec_id), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_last_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &x2));
	/* Peers. */
	cur = 0;
	CU_ASSERT_TRUE_FATAL(isakmp_peer_next(h.s.ctx, h.now, &cur, &pi));
	CU_ASSERT_EQUAL(pi.id, up.peer_id);
	CU_ASSERT_EQUAL(pi.user, 66);
	CU_ASSERT_EQUAL(pi.policy_id, h.s.pid);
	CU_ASSERT_EQUAL(pi.remote.ip, H_NAT_IP);
	CU_ASSERT_EQUAL(pi.remote.port, 44500);
	CU_ASSERT_EQUAL(pi.local.port, ISAKMP_NATT_PORT);
	CU_ASSERT_EQUAL(pi.remote_id_type, 1);
	CU_ASSERT_EQUAL(pi.remote_id_len, 4);
	CU_ASSERT_FALSE(pi.nat_local);
	CU_ASSERT_TRUE(pi.nat_remote);
	CU_ASSERT_FALSE(pi.initiator);
	CU_ASSERT_EQUAL(pi.n_ike, 1);
	CU_ASSERT_EQUAL(pi.n_ipsec, 2);
	CU_ASSERT_EQUAL(pi.created_ns, h.now);
	CU_ASSERT_EQUAL(pi.last_heard_ns, h.now);
	CU_ASSERT_FALSE(isakmp_peer_next(h.s.ctx, h.now, &cur, &pi));
	/* IKE SAs. */
	cur = 0;
	CU_ASSERT_TRUE_FATAL(isakmp_ike_sa_next(h.s.ctx, h.now, &cur, &ii));
	CU_ASSERT_EQUAL(ii.id, up.ike_id);
	CU_ASSERT_EQUAL(ii.peer_id, up.peer_id);
	CU_ASSERT_EQUAL(ii.state, ISAKMP_STATE_ESTABLISHED);
	CU_ASSERT_FALSE(ii.initiator);
	CU_ASSERT(memcmp(ii.icookie, zero, 8) != 0 && memcmp(ii.rcookie, zero, 8) != 0);
	CU_ASSERT_EQUAL(ii.p1.enc, ISAKMP_ENC_AES);
	CU_ASSERT_EQUAL(ii.p1.life_s, 3600);
	CU_ASSERT_EQUAL(ii.expires_ns, h.now + 3600 * SEC);
	CU_ASSERT_EQUAL(ii.rekey_at_ns, 0);       /* the responder never starts phase 1 */
	CU_ASSERT_EQUAL(ii.replaced_by, 0);
	CU_ASSERT_TRUE(ii.dpd_enabled);
	CU_ASSERT_EQUAL(ii.dpd_outstanding, 0);
	CU_ASSERT_FALSE(isakmp_ike_sa_next(h.s.ctx, h.now, &cur, &ii));
	cur = 0;
	CU_ASSERT_TRUE_FATAL(isakmp_ike_sa_next(h.c.ctx, h.now, &cur, &ii));
	CU_ASSERT_TRUE(ii.initiator);
	CU_ASSERT_EQUAL(ii.rekey_at_ns, h.now + 3600 * SEC / 10 * 9);
	/* IPsec SAs: the first is replaced by the second. */
	for (cur = 0, n = 0, replaced = 0; isakmp_ipsec_sa_next(h.s.ctx, h.now, &cur, &xi); n++) {
		CU_ASSERT_EQUAL(xi.peer_id, up.peer_id);
		CU_ASSERT_EQUAL(xi.enc_alg, ISAKMP_ESP_AES_CBC);
		CU_ASSERT_EQUAL(xi.enc_key_bits, 128);
		CU_ASSERT_EQUAL(xi.integ_alg, ISAKMP_INTEG_HMAC_SHA1_96);
		CU_ASSERT_EQUAL(xi.integ_key_bits, 160);
		CU_ASSERT_EQUAL(xi.mode, ISAKMP_MODE_TRANSPORT);
		CU_ASSERT_TRUE(xi.udp_encap);
		CU_ASSERT_EQUAL(xi.encap, ISAKMP_ENCAP_UDP_TRANSPORT);
		CU_ASSERT_EQUAL(xi.sel_protocol, 17);
		CU_ASSERT_EQUAL(xi.sel_local_port, 1701);
		CU_ASSERT_EQUAL(xi.expires_ns, xi.created_ns + 3600 * SEC);
		if (xi.id == x1.ipsec_id) {
			replaced++;
			CU_ASSERT_EQUAL(xi.replaced_by, x2.ipsec_id);
			CU_ASSERT_EQUAL(xi.user, 77);
			CU_ASSERT_EQUAL(xi.rekey_at_ns, 0);
			CU_ASSERT_FALSE(xi.initiator);
			CU_ASSERT_EQUAL(xi.spi_in, x1.sa.spi_in);
		} else {
			CU_ASSERT_EQUAL(xi.id, x2.ipsec_id);
			CU_ASSERT_EQUAL(xi.replaced_by, 0);
			CU_ASSERT_TRUE(xi.initiator);
			CU_ASSERT(xi.rekey_at_ns >= xi.created_ns + 3600 * SEC / 100 * 85);
			CU_ASSERT(xi.rekey_at_ns <= xi.created_ns + 3600 * SEC / 10 * 9);
		}
	}
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(replaced, 1);
	/* A half-open SA: no peer yet. */
	{
		struct isakmp_addr l = { H_CLIENT_IP, 7000 }, r = { H_SERVER_IP, 500 };
		uint8_t b[ISAKMP_MAX_PACKET];
		struct isakmp_addr f, t;
		size_t len;

		CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, NULL), 0);
		CU_ASSERT_EQUAL(isakmp_next_output(h.c.ctx, h.now, b, sizeof(b), &len, &f, &t), 0);
		CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, b, len, &f, &t), 0);
	}
	for (cur = 0, n = 0; isakmp_ike_sa_next(h.s.ctx, h.now, &cur, &ii); n++)
		if (ii.id != up.ike_id) {
			CU_ASSERT_EQUAL(ii.peer_id, 0);
			CU_ASSERT_EQUAL(ii.state, ISAKMP_STATE_R_MM2);
			CU_ASSERT_EQUAL(ii.expires_ns, h.now + 30 * SEC);
		}
	CU_ASSERT_EQUAL(n, 2);
	h_fini(&h);
}

static void
test_names(void)
{
	int i;

	for (i = ISAKMP_EV_PHASE1_UP; i <= ISAKMP_EV_PEER_DOWN; i++)
		CU_ASSERT_STRING_NOT_EQUAL(isakmp_event_name((enum isakmp_event_type)i),
		    "unknown event");
	CU_ASSERT_STRING_EQUAL(isakmp_event_name(ISAKMP_EV_IPSEC_SA_UP), "IPSEC_SA_UP");
	CU_ASSERT_STRING_EQUAL(isakmp_event_name((enum isakmp_event_type)0), "unknown event");
	for (i = ISAKMP_REASON_NONE; i <= ISAKMP_REASON_TIMEOUT; i++)
		CU_ASSERT_STRING_NOT_EQUAL(isakmp_reason_name((enum isakmp_reason)i),
		    "unknown reason");
	CU_ASSERT_STRING_EQUAL(isakmp_reason_name(ISAKMP_REASON_REKEYED), "rekeyed");
	CU_ASSERT_STRING_EQUAL(isakmp_reason_name((enum isakmp_reason)99), "unknown reason");
	for (i = ISAKMP_STATE_I_MM1; i <= ISAKMP_STATE_ESTABLISHED; i++)
		CU_ASSERT_STRING_NOT_EQUAL(isakmp_state_name((enum isakmp_state)i),
		    "unknown state");
	CU_ASSERT_STRING_EQUAL(isakmp_state_name((enum isakmp_state)0), "unknown state");
	CU_ASSERT_STRING_EQUAL(isakmp_p1_enc_name(ISAKMP_ENC_3DES), "3des");
	CU_ASSERT_STRING_EQUAL(isakmp_p1_enc_name(99), "unknown");
	CU_ASSERT_STRING_EQUAL(isakmp_hash_name(ISAKMP_HASH_SHA256), "sha256");
	CU_ASSERT_STRING_EQUAL(isakmp_hash_name(3), "unknown");
	CU_ASSERT_STRING_EQUAL(isakmp_group_name(ISAKMP_GROUP_ECP256), "ecp256");
	CU_ASSERT_STRING_EQUAL(isakmp_group_name(32768), "unknown");
	CU_ASSERT_STRING_EQUAL(isakmp_esp_enc_name(ISAKMP_ESP_AES_GCM_16), "aes-gcm-16");
	CU_ASSERT_STRING_EQUAL(isakmp_esp_enc_name(ISAKMP_ESP_NULL), "null");
	CU_ASSERT_STRING_EQUAL(isakmp_esp_enc_name(23), "unknown");
	CU_ASSERT_STRING_EQUAL(isakmp_integ_name(ISAKMP_INTEG_HMAC_SHA256_96), "hmac-sha256-96");
	CU_ASSERT_STRING_EQUAL(isakmp_integ_name(ISAKMP_INTEG_NONE), "none");
	CU_ASSERT_STRING_EQUAL(isakmp_integ_name(7), "unknown");
	CU_ASSERT_STRING_EQUAL(isakmp_mode_name(ISAKMP_MODE_TUNNEL), "tunnel");
	CU_ASSERT_STRING_EQUAL(isakmp_mode_name(0), "unknown");
	CU_ASSERT_STRING_EQUAL(isakmp_encap_name(ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT),
	    "udp-transport (draft)");
	CU_ASSERT_STRING_EQUAL(isakmp_encap_name(0), "unknown");
	/* Vocabulary shared with libesp: the values line up. */
	CU_ASSERT_EQUAL(ISAKMP_ESP_AES_CBC, 12);
	CU_ASSERT_EQUAL(ISAKMP_ESP_AES_GCM_16, 20);
	CU_ASSERT_EQUAL(ISAKMP_INTEG_HMAC_SHA256_128, 5);
	CU_ASSERT_EQUAL(ISAKMP_INTEG_HMAC_SHA256_96, 0x100);
	CU_ASSERT_EQUAL(ISAKMP_MODE_TRANSPORT, 1);
	CU_ASSERT_EQUAL(ISAKMP_ESP_KEY_MAX, 32);
	CU_ASSERT_EQUAL(ISAKMP_ESP_INTEG_KEY_MAX, 64);
	CU_ASSERT_EQUAL(ISAKMP_SALT_LEN, 4);
}

static void
test_event_wipe(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ev;
	static const struct isakmp_event zero;

	h_policy_default(&p);
	p.p1[0].group = ISAKMP_GROUP_MODP768;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 801), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &ev));
	CU_ASSERT(memcmp(&ev, &zero, sizeof(ev)) != 0);
	isakmp_event_wipe(&ev);
	CU_ASSERT(memcmp(&ev, &zero, sizeof(ev)) == 0);
	isakmp_event_wipe(NULL);
	/* The queue slot of a popped event holds nothing any more. */
	CU_ASSERT_FALSE(isakmp_next_event(h.c.ctx, &ev));
	CU_ASSERT_FALSE(isakmp_next_event(NULL, &ev));
	h_fini(&h);
}

void
test_show_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_show", NULL, NULL);

	CU_add_test(s, "peer, IKE SA and IPsec SA enumeration", test_enumeration);
	CU_add_test(s, "name functions", test_names);
	CU_add_test(s, "event wipe", test_event_wipe);
}
