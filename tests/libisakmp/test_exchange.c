/* test_exchange.c - initiator <-> responder Main Mode + Quick Mode in memory. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "testsupport.h"

void test_exchange_register(void);

#define SEC 1000000000ull

/* Runs MM + QM with the given proposals and checks both IPSEC_SA_UP events agree. */
static void
run_combo(const struct isakmp_p1_proposal *p1, const struct isakmp_p2_proposal *p2,
    bool nat, uint64_t seed)
{
	static const uint8_t client_id[4] = { 10, 0, 0, 2 };
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event ec, es, u, us;
	struct isakmp_stats stc, sts;
	uint64_t id = 0;
	size_t salt = p2->enc == ISAKMP_ESP_AES_GCM_16 ? 4 : 0;

	h_policy_default(&cp);
	cp.p1[0] = *p1;
	cp.n_p1 = 1;
	cp.p2[0] = *p2;
	cp.n_p2 = 1;
	sp = cp;
	if (p1->enc == ISAKMP_ENC_DES || p2->enc == ISAKMP_ESP_DES)
		cp.allow_des = sp.allow_des = true;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, nat, seed), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, &id), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(h_find_event(&h.c, ISAKMP_EV_PHASE1_UP, &u));
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &us));
	/* The client's peer is the one isakmp_initiate returned. */
	CU_ASSERT(id != 0);
	CU_ASSERT_EQUAL(u.peer_id, id);
	CU_ASSERT(us.peer_id != 0);
	CU_ASSERT_EQUAL(u.replaces, 0);
	/* The server knows the client by its phase 1 ID (ID_IPV4_ADDR 10.0.0.2). */
	CU_ASSERT_EQUAL(us.remote_id_type, 1);
	TS_ASSERT_BYTES("client ID", us.remote_id, us.remote_id_len, client_id, 4);
	CU_ASSERT_EQUAL(u.nat_local, nat);
	CU_ASSERT_FALSE(u.nat_remote);
	CU_ASSERT_EQUAL(u.p1.enc, p1->enc);
	CU_ASSERT_EQUAL(u.p1.group, p1->group);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &ec));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &es));
	CU_ASSERT_EQUAL(ec.peer_id, id);
	CU_ASSERT_EQUAL(es.peer_id, us.peer_id);
	CU_ASSERT(ec.ipsec_id != 0 && es.ipsec_id != 0);
	CU_ASSERT_EQUAL(ec.replaces, 0);
	CU_ASSERT_EQUAL(ec.ike_id, u.ike_id);
	CU_ASSERT_TRUE(ec.sa.initiator);
	CU_ASSERT_FALSE(es.sa.initiator);
	CU_ASSERT_EQUAL(ec.sa.spi_in, es.sa.spi_out);
	CU_ASSERT_EQUAL(ec.sa.spi_out, es.sa.spi_in);
	CU_ASSERT_EQUAL(ec.sa.enc_alg, p2->enc);
	CU_ASSERT_EQUAL(es.sa.enc_alg, p2->enc);
	CU_ASSERT_EQUAL(ec.sa.integ_alg, p2->integ);
	CU_ASSERT_EQUAL(ec.sa.mode, ISAKMP_MODE_TRANSPORT);
	/* Key lengths in libesp's units: the GCM salt is separate. */
	CU_ASSERT_EQUAL(ec.sa.enc_key_len, p2->enc == ISAKMP_ESP_3DES ? 24u :
	    p2->enc == ISAKMP_ESP_DES ? 8u : (size_t)(p2->key_bits ? p2->key_bits : 128) / 8);
	CU_ASSERT(ec.sa.enc_key_len > 0);
	TS_ASSERT_BYTES("enc key c->s", ec.sa.enc_key_out, ec.sa.enc_key_len,
	    es.sa.enc_key_in, es.sa.enc_key_len);
	TS_ASSERT_BYTES("enc key s->c", ec.sa.enc_key_in, ec.sa.enc_key_len,
	    es.sa.enc_key_out, es.sa.enc_key_len);
	TS_ASSERT_BYTES("integ key c->s", ec.sa.integ_key_out, ec.sa.integ_key_len,
	    es.sa.integ_key_in, es.sa.integ_key_len);
	TS_ASSERT_BYTES("salt c->s", ec.sa.salt_out, salt, es.sa.salt_in, salt);
	TS_ASSERT_BYTES("salt s->c", ec.sa.salt_in, salt, es.sa.salt_out, salt);
	if (salt != 0)
		CU_ASSERT(memcmp(ec.sa.salt_in, ec.sa.salt_out, 4) != 0);
	CU_ASSERT(memcmp(ec.sa.enc_key_in, ec.sa.enc_key_out, ec.sa.enc_key_len) != 0);
	CU_ASSERT_EQUAL(ec.sa.udp_encap, nat);
	CU_ASSERT_EQUAL(es.sa.udp_encap, nat);
	if (nat) {
		CU_ASSERT_EQUAL(es.sa.encap, ISAKMP_ENCAP_UDP_TRANSPORT);
		CU_ASSERT_EQUAL(es.sa.remote.ip, H_NAT_IP);
		CU_ASSERT_EQUAL(es.sa.remote.port, 40000 + ISAKMP_NATT_PORT);
		CU_ASSERT_EQUAL(es.sa.local.port, ISAKMP_NATT_PORT);
		CU_ASSERT_EQUAL(ec.sa.local.port, ISAKMP_NATT_PORT);
		CU_ASSERT_TRUE(es.sa.natoa_valid);
		CU_ASSERT_EQUAL(es.sa.natoa_src, H_CLIENT_IP);
		CU_ASSERT_EQUAL(es.sa.natoa_dst, H_SERVER_IP);
	} else {
		CU_ASSERT_EQUAL(es.sa.encap, ISAKMP_ENCAP_TRANSPORT);
		CU_ASSERT_EQUAL(es.sa.remote.port, 500);
		CU_ASSERT_FALSE(es.sa.natoa_valid);
	}
	CU_ASSERT_EQUAL(es.sa.sel_local_port, 1701);
	CU_ASSERT_EQUAL(es.sa.sel_remote_port, 1701);
	CU_ASSERT_EQUAL(es.sa.sel_protocol, 17);
	CU_ASSERT_EQUAL(es.sa.life_s, 3600);
	CU_ASSERT_EQUAL(es.sa.hard_bytes, 0);
	/* NAT-T keepalives: only the client, which is behind the NAT, sends them (20 s). */
	h_run(&h, h.now + 20 * SEC);
	isakmp_get_stats(h.c.ctx, &stc);
	isakmp_get_stats(h.s.ctx, &sts);
	CU_ASSERT_EQUAL(stc.natt_keepalives_tx, nat ? 1 : 0);
	CU_ASSERT_EQUAL(sts.natt_keepalives_tx, 0);
	isakmp_event_wipe(&ec);
	isakmp_event_wipe(&es);
	h_fini(&h);
	CU_ASSERT_EQUAL(h.c.alloc.live, 0);
	CU_ASSERT_EQUAL(h.s.alloc.live, 0);
}

static void
test_combos(void)
{
	static const struct isakmp_p1_proposal p1[] = {
		{ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1, ISAKMP_GROUP_MODP1024, 0 },
		{ ISAKMP_ENC_AES, 128, ISAKMP_HASH_MD5, ISAKMP_GROUP_MODP768, 0 },
		{ ISAKMP_ENC_AES, 192, ISAKMP_HASH_SHA256, ISAKMP_GROUP_MODP1536, 0 },
		{ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA1, ISAKMP_GROUP_MODP2048, 0 },
		{ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA384, ISAKMP_GROUP_ECP256, 0 },
		{ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA512, ISAKMP_GROUP_ECP384, 0 },
		{ ISAKMP_ENC_DES, 0, ISAKMP_HASH_MD5, ISAKMP_GROUP_MODP768, 0 },
	};
	static const struct isakmp_p2_proposal p2[] = {
		{ ISAKMP_ESP_3DES, 0, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 },
		{ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_MD5_96, 0, 0 },
		{ ISAKMP_ESP_AES_CBC, 256, ISAKMP_INTEG_HMAC_SHA256_128, 0, 0 },
		{ ISAKMP_ESP_AES_GCM_16, 128, ISAKMP_INTEG_NONE, 0, 0 },
		{ ISAKMP_ESP_AES_CBC, 192, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 },
		{ ISAKMP_ESP_3DES, 0, ISAKMP_INTEG_HMAC_MD5_96, 0, 0 },
		{ ISAKMP_ESP_DES, 0, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(p1) / sizeof(p1[0]); i++) {
		run_combo(&p1[i], &p2[i], false, 100 + i);
		run_combo(&p1[i], &p2[i], true, 200 + i);
	}
}

/*
 * The responder's opt-in "always float": its NAT-D never matches, so a client
 * without NAT sees the responder "behind NAT", floats to 4500 and uses
 * UDP-encapsulated transport (spares Windows users the error-809 registry key).
 */
static void
test_force_float(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event ec, es;

	h_policy_default(&cp);
	cp.p1[0].group = ISAKMP_GROUP_MODP1024;
	sp = cp;
	sp.force_float = true;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 300), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_PHASE1_UP, &ec));
	CU_ASSERT_FALSE(ec.nat_local);
	CU_ASSERT_TRUE(ec.nat_remote);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &es));
	CU_ASSERT_TRUE(es.sa.udp_encap);
	CU_ASSERT_EQUAL(es.sa.local.port, ISAKMP_NATT_PORT);
	CU_ASSERT_EQUAL(es.sa.remote.port, ISAKMP_NATT_PORT);
	h_fini(&h);
}

/* Without NAT-T on the responder, a NATed client still completes (no float). */
static void
test_natt_off(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event es;

	h_policy_default(&cp);
	cp.p1[0].group = ISAKMP_GROUP_MODP1024;
	sp = cp;
	sp.natt = false;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, true, 301), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &es));
	CU_ASSERT_FALSE(es.sa.udp_encap);
	CU_ASSERT_EQUAL(es.sa.encap, ISAKMP_ENCAP_TRANSPORT);
	h_fini(&h);
}

/* Quick Mode with PFS (MODP1024 and ECP256): both sides derive the same KEYMAT. */
static void
test_pfs(void)
{
	static const uint16_t groups[] = { ISAKMP_GROUP_MODP1024, ISAKMP_GROUP_ECP256 };
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_event ec, es;
	size_t i;

	for (i = 0; i < 2; i++) {
		h_policy_default(&cp);
		cp.p1[0].group = ISAKMP_GROUP_MODP1024;
		cp.pfs_group = groups[i];
		sp = cp;
		CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, true, 310 + i), 0);
		CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
		h_pump(&h);
		CU_ASSERT_TRUE_FATAL(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, &ec));
		CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, &es));
		TS_ASSERT_BYTES("PFS enc key", ec.sa.enc_key_out, ec.sa.enc_key_len,
		    es.sa.enc_key_in, es.sa.enc_key_len);
		TS_ASSERT_BYTES("PFS auth key", ec.sa.integ_key_in, ec.sa.integ_key_len,
		    es.sa.integ_key_out, es.sa.integ_key_len);
		h_fini(&h);
		CU_ASSERT_EQUAL(h.s.alloc.live, 0);
	}
	/* PFS offered to a policy without it: refused. */
	h_policy_default(&cp);
	cp.p1[0].group = ISAKMP_GROUP_MODP1024;
	sp = cp;
	cp.pfs_group = ISAKMP_GROUP_MODP1024;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 320), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	h_fini(&h);
}

/*
 * peer=any with the PSK chosen by the peer's ID: two policies for any
 * address, each with its own peer ID and key; the client (ID_IPV4_ADDR
 * 10.0.0.2) uses the second key.  A client with an unknown key fails.
 */
static void
test_psk_by_id(void)
{
	static const uint8_t client_id[4] = { 10, 0, 0, 2 };
	struct isakmp_policy sp[2];
	struct isakmp_policy cp;
	struct harness h;
	struct isakmp_stats st;
	struct isakmp_event ev;

	h_policy_default(&cp);
	cp.p1[0].group = ISAKMP_GROUP_MODP1024;
	sp[0] = cp;
	memcpy(sp[0].peer_id, "alice@example.org", 17);
	sp[0].peer_id_len = 17;
	memcpy(sp[0].psk, "alice-secret", 12);
	sp[0].psk_len = 12;
	sp[1] = cp;
	memcpy(sp[1].peer_id, client_id, 4);
	sp[1].peer_id_len = 4;
	memcpy(sp[1].psk, "bob-secret", 10);
	sp[1].psk_len = 10;
	memcpy(cp.psk, "bob-secret", 10);
	cp.psk_len = 10;
	CU_ASSERT_EQUAL_FATAL(h_init_multi(&h, &cp, sp, 2, true, 330), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	/* The peer uses the second policy (the one whose key matched). */
	CU_ASSERT_EQUAL(ev.policy_id, h.s.pid + 1);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	CU_ASSERT_TRUE(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, NULL));
	h_fini(&h);
	/* Unknown key: nothing matches, clear log line, no phase 1. */
	memcpy(cp.psk, "eve-secret", 10);
	CU_ASSERT_EQUAL_FATAL(h_init_multi(&h, &cp, sp, 2, true, 331), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT(st.rx_auth_failed >= 1);
	h_fini(&h);
}

void
test_exchange_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_exchange", NULL, NULL);

	CU_add_test(s, "MM+QM transform/group combinations, with and without NAT", test_combos);
	CU_add_test(s, "responder force-float NAT-D", test_force_float);
	CU_add_test(s, "NAT-T disabled on the responder", test_natt_off);
	CU_add_test(s, "Quick Mode PFS", test_pfs);
	CU_add_test(s, "peer=any, PSK chosen by peer ID", test_psk_by_id);
}
