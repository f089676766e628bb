/*
 * test_compose.c - the gateway core composed from the five libraries,
 * driven by vpn-client cores (the libraries' initiator roles) through an
 * in-memory internet with NATs (simnet.c).  No sockets, no clock.
 *
 * The configurations are the shipped examples: examples/gateway/seed.cfg
 * (the seed's script: 3DES, CHAP-MD5, pool and per-user addresses, the
 * firewall with enhanced NAT) and examples/gateway/modern.cfg (AES, SHA-2,
 * MODP2048/ECP, MS-CHAPv2).
 *
 * One file (about 970 lines): one CUnit suite whose cases share the
 * simulated network, the client fleet and the drive-until-quiet loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include <roadgate/fw.h>

#include "gw_aaa.h"
#include "pkt.h"
#include "simnet.h"
#include "vcopt.h"
#include "testsupport.h"

#define S 1000000000ull
#define SEED_CFG GWCONF_EXAMPLES_DIR "/seed.cfg"
#define MODERN_CFG GWCONF_EXAMPLES_DIR "/modern.cfg"

/* The seed's road warrior: Windows XP offers 3DES-SHA1-MODP1024 first. */
static void
seed_client(struct vc_params *p, const char *user, const char *pw)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->psk, "labsecret", 9);
	p->psk_len = 9;
	snprintf(p->user, sizeof(p->user), "%s", user);
	snprintf(p->password, sizeof(p->password), "%s", pw);
	CU_ASSERT_EQUAL(vc_parse_ike("3des-sha1-modp1024", p->p1, ISAKMP_MAX_P1_PROPS,
	    &p->n_p1), 0);
	CU_ASSERT_EQUAL(vc_parse_esp("3des-sha1", p->p2, ISAKMP_MAX_P2_PROPS, &p->n_p2,
	    &p->sha256_96, &p->allow_des), 0);
	p->auth[0] = PPP_AUTH_CHAP_MD5;
	p->n_auth = 1;
}

/* A Windows 10 client: its default proposals, MS-CHAPv2. */
static void
modern_client(struct vc_params *p, const char *user, const char *pw)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->psk, "labsecret", 9);
	p->psk_len = 9;
	snprintf(p->user, sizeof(p->user), "%s", user);
	snprintf(p->password, sizeof(p->password), "%s", pw);
	p->auth[0] = PPP_AUTH_MSCHAPV2;
	p->n_auth = 1;
}

static int
pings(struct sim *s, int h, uint32_t dst, int n)
{
	uint32_t before = s->hosts[h].echo_replies;
	int i;

	for (i = 0; i < n; i++) {
		if (sim_ping(s, h, dst, (uint16_t)i, 84, true) != 0)
			return -1;
		sim_advance(s, S / 10);
	}
	return (int)(s->hosts[h].echo_replies - before);
}

static void
test_seed_one_client(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	int nat, h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	nat = sim_add_nat(&s);
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, nat, 0x0a000002u, &p);
	CU_ASSERT_EQUAL(vc_connect(s.hosts[h].vc, s.now, 0), 0);
	CU_ASSERT_TRUE(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	/* A pool address (192.168.8.1-49), the gateway's LAN address as the
	 * PPP peer, the script's DNS, ESP in UDP behind the NAT. */
	CU_ASSERT_TRUE(in.addr >= 0xc0a80801u && in.addr <= 0xc0a80831u);
	CU_ASSERT_EQUAL(in.peer_addr, 0xc0a80a01u);
	CU_ASSERT_EQUAL(in.dns[0], 0xc0a80a35u);
	CU_ASSERT_TRUE(in.nat);
	CU_ASSERT_STRING_EQUAL(in.suite, "3des-sha1");
	CU_ASSERT_EQUAL(in.auth, PPP_AUTH_CHAP_MD5);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 1);
	/* The office host answers through the tunnel; so does the gateway. */
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 5), 5);
	CU_ASSERT_EQUAL(pings(&s, h, 0xc0a80a01u, 2), 2);
	CU_ASSERT_TRUE(sim_log_has(&s, "PPP user dialin2 up"));
	/* Orderly disconnect: the gateway frees the session and the peer. */
	CU_ASSERT_EQUAL(vc_disconnect(s.hosts[h].vc, s.now, 0), 0);
	CU_ASSERT_TRUE(sim_run(&s, 20 * S, sim_cond_ended, (void *)(intptr_t)h));
	sim_advance(&s, 5 * S);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 0);
	CU_ASSERT_TRUE(sim_log_has(&s, "session end: user dialin2"));
	sim_free(&s);
}

static void
test_seed_static_address(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin1", "friend1");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	/* "add user=dialin1 ... ip=192.168.8.50" takes precedence over the pool. */
	CU_ASSERT_EQUAL(in.addr, 0xc0a80832u);
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 3), 3);
	sim_free(&s);
}

static void
test_two_clients_one_nat(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info a, b;
	int nat, h1, h2;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	/* Both hosts draw the same random numbers: the same cookies, the same
	 * SPIs for the gateway's outbound SAs, the same L2TP tunnel and
	 * session IDs, inner ports 1701 -> 1701 on both. */
	s.host_seed = 77;
	nat = sim_add_nat(&s);
	seed_client(&p, "dialin2", "friend2");
	h1 = sim_add_host(&s, nat, 0x0a000002u, &p);
	seed_client(&p, "dialin4", "friend4");
	h2 = sim_add_host(&s, nat, 0x0a000003u, &p);
	(void)vc_connect(s.hosts[h1].vc, s.now, 0);
	(void)vc_connect(s.hosts[h2].vc, s.now, 0);
	CU_ASSERT_TRUE(sim_run(&s, 30 * S, sim_cond_all_up, NULL));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h1].vc, 0, &a));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h2].vc, 0, &b));
	CU_ASSERT_NOT_EQUAL(a.addr, b.addr);
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 2);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 2);
	CU_ASSERT_EQUAL(pings(&s, h1, SIM_OFFICE_IP, 3), 3);
	CU_ASSERT_EQUAL(pings(&s, h2, SIM_OFFICE_IP, 3), 3);
	/* One leaves; the other is untouched. */
	(void)vc_disconnect(s.hosts[h1].vc, s.now, 0);
	CU_ASSERT_TRUE(sim_run(&s, 20 * S, sim_cond_ended, (void *)(intptr_t)h1));
	sim_advance(&s, 3 * S);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	CU_ASSERT_TRUE(s.hosts[h2].up);
	CU_ASSERT_EQUAL(pings(&s, h2, SIM_OFFICE_IP, 3), 3);
	sim_free(&s);
}

static void
test_rekey_with_traffic(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info before, after;
	int h, i, sent = 0;
	uint32_t got0;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	/* Short lifetimes: phase 1 every 3 minutes, phase 2 every minute. */
	p.p1[0].life_s = 180;
	p.p2[0].life_s = 60;
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &before));
	got0 = s.hosts[h].echo_replies;
	/* Ten minutes of a ping every 2 s: several phase 2 and phase 1
	 * rekeys under traffic. */
	for (i = 0; i < 300; i++) {
		if (sim_ping(&s, h, SIM_OFFICE_IP, (uint16_t)i, 100, true) == 0)
			sent++;
		sim_advance(&s, 2 * S);
	}
	CU_ASSERT_TRUE(s.hosts[h].up);
	CU_ASSERT_EQUAL(sent, 300);
	/* Make-before-break: at most a packet or two in a rekey's instant. */
	CU_ASSERT_TRUE(s.hosts[h].echo_replies - got0 >= 295);
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &after));
	CU_ASSERT_EQUAL(after.addr, before.addr);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 1);
	sim_free(&s);
}

static void
test_vanished_client(void)
{
	struct sim s;
	struct vc_params p;
	int h, h2;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	/* The laptop's lid closes: nothing in or out any more.  LCP echo
	 * (echo=30 in the template) and DPD find it. */
	s.hosts[h].dead = true;
	sim_advance(&s, 300 * S);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 0);
	/* Its pool address is free again: pools hand out from a moving
	 * hint, so fill them and check the lost address comes back. */
	seed_client(&p, "dialin2", "friend2");
	h2 = sim_add_host(&s, sim_add_nat(&s), 0x0a000009u, &p);
	(void)vc_connect(s.hosts[h2].vc, s.now, 0);
	CU_ASSERT_TRUE(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h2));
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	sim_free(&s);
}

static void
test_wrong_psk(void)
{
	struct sim s;
	struct vc_params p;
	struct gw_stats st;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	memcpy(p.psk, "wrongkey", 8);
	p.psk_len = 8;
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE(sim_run(&s, 200 * S, sim_cond_ended, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(s.hosts[h].failed);
	CU_ASSERT_FALSE(s.hosts[h].up);
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 0);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	gw_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.peers_up, 0);
	CU_ASSERT_TRUE(sim_log_has(&s, "Phase 1 with peer 198.51.100.2"));
	sim_free(&s);
}

static void
test_wrong_password(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	struct gw_stats st;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, MODERN_CFG), 0);
	modern_client(&p, "dialin2", "not-the-password");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE(sim_run(&s, 60 * S, sim_cond_ended, (void *)(intptr_t)h));
	CU_ASSERT_FALSE(s.hosts[h].up);
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	/* MS-CHAPv2 tells the client why: E=691, authentication failure. */
	CU_ASSERT_EQUAL(in.auth_error, 691);
	CU_ASSERT_PTR_NOT_NULL(strstr(in.why, "691"));
	gw_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.auth_fail, 1);
	CU_ASSERT_EQUAL(st.auth_ok, 0);
	sim_advance(&s, 10 * S);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	CU_ASSERT_TRUE(sim_log_has(&s, "authentication failed"));
	sim_free(&s);
}

static void
test_l2tp_in_clear(void)
{
	/* An SCCRQ (RFC 2661 5.1) sent to UDP 1701 without IPsec. */
	static const uint8_t sccrq[] = {
		0xc8, 0x02, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	struct sim s;
	struct vc_params p;
	struct gw_stats st;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, -1, 0xc6336464u, &p);
	sim_udp_to_gw(&s, h, 1701, 1701, sccrq, sizeof(sccrq));
	sim_advance(&s, S);
	gw_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.l2tp_clear_refused, 1);
	CU_ASSERT_TRUE(sim_log_has(&s, "did not come through IPsec"));
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	sim_free(&s);
}

static void
test_nat_rebinding(void)
{
	struct sim s;
	struct vc_params p;
	int nat, h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	nat = sim_add_nat(&s);
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, nat, 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 2), 2);
	/* The home router forgets its mappings: new public ports. */
	sim_nat_rebind(&s, nat);
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 3), 3);
	CU_ASSERT_TRUE(sim_log_has(&s, "moved to 198.51.100.2"));
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 1);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	sim_free(&s);
}

static void
test_no_nat_plain_esp(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	struct gw_stats st;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, MODERN_CFG), 0);
	modern_client(&p, "dialin3", "friend3");
	h = sim_add_host(&s, -1, 0xc6336465u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	CU_ASSERT_FALSE(in.nat);
	CU_ASSERT_EQUAL(in.auth, PPP_AUTH_MSCHAPV2);
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 3), 3);
	gw_get_stats(s.gw, &st);
	CU_ASSERT_TRUE(st.rx_esp > 0);
	CU_ASSERT_TRUE(st.tx_esp > 0);
	sim_free(&s);
}

static void
test_internet_through_office_nat(void)
{
	struct sim s;
	struct vc_params p;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	/* "add fire policy=main nat=enhanced int=dyn-dynamic gblinterface=
	 * eth0": the internet host sees the office's address, and its reply
	 * finds the way back. */
	CU_ASSERT_EQUAL(pings(&s, h, SIM_INET_IP, 3), 3);
	CU_ASSERT_TRUE(s.inet_packets >= 3);
	CU_ASSERT_EQUAL(s.inet_src, SIM_GW_IP);
	sim_free(&s);
}

static void
test_mtu_and_fragmentation(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	CU_ASSERT_TRUE(in.mtu < 1500 && in.mtu >= 1280);
	/* A 1500-byte DF packet from the office: "fragmentation needed" with
	 * the tunnel's MTU comes back. */
	sim_office_ping(&s, in.addr, 1500, true);
	sim_advance(&s, S);
	CU_ASSERT_EQUAL(s.office_icmp_errors, 1);
	CU_ASSERT_TRUE(s.office_frag_mtu > 0 && s.office_frag_mtu < 1500);
	/* Without DF the gateway fragments. */
	{
		struct gw_stats st;

		sim_office_ping(&s, in.addr, 1500, false);
		sim_advance(&s, S);
		gw_get_stats(s.gw, &st);
		CU_ASSERT_EQUAL(st.fragmented, 1);
	}
	sim_free(&s);
}

static int
zero_rng(void *user, void *buf, size_t len)
{
	(void)user;
	memset(buf, 0, len);
	return 0;
}

/* More clients than libfw has 16-bit interface ids for is refused. */
static void
test_max_clients_bound(void)
{
	struct sim s;
	struct gw *gw = NULL;
	struct gw_options o;
	struct gw_hooks h;
	char err[128] = "";

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	memset(&o, 0, sizeof(o));
	o.max_peers = o.max_sessions = GW_MAX_CLIENTS + 1;
	memset(&h, 0, sizeof(h));
	h.rng = zero_rng;
	CU_ASSERT_EQUAL(gw_new(&gw, s.conf, &o, &h, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(gw);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 65000 clients"));
	sim_free(&s);
}

static void
test_shutdown_in_order(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	gw_shutdown(s.gw, s.now);
	CU_ASSERT_TRUE(sim_run(&s, 15 * S, sim_cond_ended, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	/* The client was told by PPP first (Terminate-Request). */
	CU_ASSERT_PTR_NOT_NULL(strstr(in.why, "PPP"));
	sim_advance(&s, 10 * S);
	CU_ASSERT_TRUE(gw_shutdown_done(s.gw));
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	sim_free(&s);
}

static void
test_storm_while_connecting(void)
{
	struct sim s;
	struct vc_params p;
	struct ts_rng r;
	uint8_t junk[300];
	int h, atk, i;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	seed_client(&p, "dialin2", "friend2");
	atk = sim_add_host(&s, -1, 0xc6336466u, &p);
	seed_client(&p, "dialin4", "friend4");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	ts_rng_init(&r, 5);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	/* Garbage, truncated headers and fake ESP on 500, 4500 and 1701
	 * while the real client connects. */
	for (i = 0; i < 3000; i++) {
		static const uint16_t ports[] = { 500, 4500, 1701 };
		size_t len = 1 + ts_rng_u32(&r) % sizeof(junk);

		ts_rng_fill(&r, junk, len);
		sim_udp_to_gw(&s, atk, (uint16_t)(1024 + i), ports[i % 3], junk, len);
		if (i % 100 == 0)
			sim_advance(&s, S / 100);
	}
	CU_ASSERT_TRUE(sim_run(&s, 60 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 3), 3);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	sim_free(&s);
}

static void
test_modern_windows_client(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, MODERN_CFG), 0);
	modern_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	CU_ASSERT_EQUAL(in.auth, PPP_AUTH_MSCHAPV2);
	CU_ASSERT_PTR_NOT_NULL(strstr(in.suite, "aes"));
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 3), 3);
	sim_free(&s);
}


static int
connect_seed(struct sim *s, const char *user, const char *pw, uint32_t ip)
{
	struct vc_params p;
	int h;

	seed_client(&p, user, pw);
	h = sim_add_host(s, sim_add_nat(s), ip, &p);
	(void)vc_connect(s->hosts[h].vc, s->now, 0);
	if (!sim_run(s, 30 * S, sim_cond_up, (void *)(intptr_t)h))
		return -1;
	return h;
}

static void
test_spoofed_source_dropped(void)
{
	struct sim s;
	struct gw_stats st;
	struct fw_stats fs;
	uint8_t ip[84];
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	h = connect_seed(&s, "dialin2", "friend2", 0x0a000002u);
	CU_ASSERT_FATAL(h >= 0);
	/* The VPN user sends as another user's address (dialin1's). */
	memset(ip, 0, sizeof(ip));
	pkt_ip_build(ip, 0xc0a80832u, SIM_OFFICE_IP, PKT_PROTO_ICMP, 64, 64, 1);
	ip[20] = 8;
	pkt_put16(ip + 22, pkt_csum_fold(pkt_csum_add(0, ip + 20, 64)));
	(void)sim_inner_raw(&s, h, ip, sizeof(ip));
	sim_advance(&s, S);
	CU_ASSERT_EQUAL(s.office_echoes, 0);
	gw_get_stats(s.gw, &st);
	CU_ASSERT_TRUE(st.fw_drop >= 1 || st.spoofed >= 1);
	CU_ASSERT_TRUE(gw_fw_stats(s.gw, &fs));
	/* libppp drops it first now (PPP_E_SPOOFED, counted in st.spoofed);
	 * libfw's check stays behind it. */
	CU_ASSERT_TRUE(fs.drops[-FW_E_SPOOFED] >= 1 || st.spoofed >= 1);
	/* Its own address still works. */
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 2), 2);
	sim_free(&s);
}

static void
test_mss_clamped(void)
{
	struct sim s;
	struct vc_info in;
	int h;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	h = connect_seed(&s, "dialin2", "friend2", 0x0a000002u);
	CU_ASSERT_FATAL(h >= 0);
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	CU_ASSERT_EQUAL(sim_tcp_syn(&s, h, SIM_OFFICE_IP, 80, 1460), 0);
	sim_advance(&s, S);
	CU_ASSERT_EQUAL(s.office_syns, 1);
	/* The SYN's MSS fits the tunnel: at most its MTU minus 40. */
	CU_ASSERT_TRUE(s.office_last_mss > 0 && s.office_last_mss <= in.mtu - 40);
	sim_free(&s);
}

static void
test_reload_adds_a_user(void)
{
	struct sim s;
	struct gwconf *c2 = NULL;
	struct gwconf_diag d;
	int h1, h2;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	h1 = connect_seed(&s, "dialin2", "friend2", 0x0a000002u);
	CU_ASSERT_FATAL(h1 >= 0);
	/* SIGHUP with one more user: the established client stays. */
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL_FATAL(gwconf_parse_file(SEED_CFG, &c2, &d), GWCONF_OK);
	snprintf(c2->users[c2->n_users].name, sizeof(c2->users[0].name), "newbie");
	snprintf(c2->users[c2->n_users].password, sizeof(c2->users[0].password), "s3cret");
	c2->users[c2->n_users].privilege = GWCONF_PRIV_USER;
	c2->n_users++;
	CU_ASSERT_EQUAL(gwconf_check(c2, &d), GWCONF_OK);
	CU_ASSERT_EQUAL(gw_reload(s.gw, s.now, c2), 0);
	gwconf_free(c2);
	gwconf_diag_free(&d);
	CU_ASSERT_TRUE(s.hosts[h1].up);
	h2 = connect_seed(&s, "newbie", "s3cret", 0x0a000003u);
	CU_ASSERT(h2 >= 0);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 2);
	CU_ASSERT_EQUAL(pings(&s, h1, SIM_OFFICE_IP, 2), 2);
	sim_free(&s);
}

static void
test_auth_failures_stay_bounded(void)
{
	struct sim s;
	struct vc_params p;
	struct gw_stats st;
	int h, i, good;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, MODERN_CFG), 0);
	good = -1;
	modern_client(&p, "dialin2", "wrong-password");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	/* One client fails its password 200 times, redialing at once. */
	for (i = 0; i < 200; i++) {
		(void)vc_connect(s.hosts[h].vc, s.now, 0);
		s.hosts[h].failed = s.hosts[h].down = false;
		if (!sim_run(&s, 60 * S, sim_cond_ended, (void *)(intptr_t)h))
			break;
		sim_advance(&s, S / 10);
	}
	CU_ASSERT_EQUAL(i, 200);
	sim_advance(&s, 30 * S);
	gw_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.auth_fail, 200);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	CU_ASSERT_EQUAL(gw_peer_count(s.gw), 0);
	/* The gateway still serves a good client. */
	modern_client(&p, "dialin3", "friend3");
	good = sim_add_host(&s, sim_add_nat(&s), 0x0a000005u, &p);
	(void)vc_connect(s.hosts[good].vc, s.now, 0);
	CU_ASSERT_TRUE(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)good));
	sim_free(&s);
}

/* ---- RADIUS: the core's asynchronous half, with a fake answerer ---- */

/* The seed plus RADIUS lines, in a file of this run's own (test_compose
 * of other build trees may run at the same time). */
static char rad_cfg[64];
#define RAD_CFG (snprintf(rad_cfg, sizeof(rad_cfg), "/tmp/rg-compose-radius-%ld.cfg", \
	(long)getpid()), rad_cfg)

static int
radius_sim_with(struct sim *s, uint64_t auth_timeout_ns, const char *radius_lines)
{
	struct gw_aaa_options o;
	FILE *in = fopen(SEED_CFG, "r"), *out = fopen(RAD_CFG, "w");
	char line[2048];

	if (in == NULL || out == NULL)
		return -1;
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(line, out);
	fputs(radius_lines, out);
	fclose(in);
	fclose(out);
	if (sim_init(s, RAD_CFG) != 0)
		return -1;
	memset(&o, 0, sizeof(o));
	o.session_id_base = 0x123456789abcull;
	o.auth_timeout_ns = auth_timeout_ns;
	return gw_aaa_setup(s->gw, &o);
}

static int
radius_sim(struct sim *s, uint64_t auth_timeout_ns)
{
	return radius_sim_with(s, auth_timeout_ns, "\nadd radius server=203.0.113.10 "
	    "secret=compose-secret port=1812 accport=1813 timeout=2 retries=1\n"
	    "set radius interiminterval=60\n");
}

enum fake_mode { FAKE_ACCEPT, FAKE_REJECT, FAKE_SILENT };

/* MS-Primary/Secondary-DNS-Server the fake answerer sends (0 = none). */
static uint32_t fake_dns[2];
#define SEED_DNS	0xc0a80a35u	/* seed.cfg: set ppp dnsprimary=192.168.10.53 */
#define RADIUS_DNS1	0xc0a80a99u	/* 192.168.10.153 */
#define RADIUS_DNS2	0xc0a80a9au	/* 192.168.10.154 */

/* Runs the net in small steps, answering every request like a RADIUS
 * server would; returns the number of requests seen. */
static int
fake_radius(struct sim *s, enum fake_mode mode, uint64_t ns, int host,
    struct gw_auth_request *last)
{
	uint64_t end = s->now + ns;
	int n = 0;

	while (s->now < end) {
		struct gw_auth_request r;

		sim_advance(s, S / 20);
		while (gw_next_auth_request(s->gw, &r)) {
			struct gw_auth_answer a;

			n++;
			if (last != NULL)
				*last = r;
			memset(&a, 0, sizeof(a));
			a.verdict = mode == FAKE_ACCEPT ? GW_AUTH_ACCEPT : GW_AUTH_REJECT;
			a.framed_ip = 0xc0a8084du;		/* 192.168.8.77 */
			a.session_timeout = 600;
			a.dns[0] = fake_dns[0];
			a.dns[1] = fake_dns[1];
			a.class_len[0] = 3;
			memcpy(a.class_[0], "abc", 3);
			a.n_class = 1;
			snprintf(a.server, sizeof(a.server), "fake");
			if (mode != FAKE_SILENT)
				CU_ASSERT_EQUAL(gw_auth_answer(s->gw, s->now, r.cookie, &a), 0);
			gw_auth_request_wipe(&r);
		}
		if (host >= 0 && (s->hosts[host].up || s->hosts[host].failed))
			break;
	}
	return n;
}

static void
test_radius_accept_framed_ip_and_accounting(void)
{
	struct sim s;
	struct vc_params p;
	struct vc_info in;
	struct gw_auth_request r;
	struct gw_acct_record rec;
	struct gw_aaa_stats st;
	int h, starts = 0, stops = 0, interims = 0;

	CU_ASSERT_EQUAL_FATAL(radius_sim(&s, 0), 0);
	CU_ASSERT_TRUE(gw_aaa_enabled(s.gw));
	seed_client(&p, "raduser", "whatever");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	fake_dns[0] = RADIUS_DNS1;
	fake_dns[1] = RADIUS_DNS2;
	CU_ASSERT_EQUAL(fake_radius(&s, FAKE_ACCEPT, 30 * S, h, &r), 1);
	fake_dns[0] = fake_dns[1] = 0;
	CU_ASSERT_TRUE_FATAL(s.hosts[h].up);
	/* What RADIUS needs: CHAP with its challenge, the outer address
	 * after NAT (198.51.100.2), the NAS address. */
	CU_ASSERT_EQUAL(r.method, PPP_AUTH_CHAP_MD5);
	CU_ASSERT_STRING_EQUAL(r.user, "raduser");
	CU_ASSERT_EQUAL(r.response_len, 16);
	CU_ASSERT_EQUAL(r.challenge_len, 16);
	CU_ASSERT_EQUAL(r.calling.ip, 0xc6336402u);
	CU_ASSERT_EQUAL(r.nas_ip, SIM_GW_IP);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.acct_session_id, "56789ABC-"));
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	CU_ASSERT_EQUAL(in.addr, 0xc0a8084du);
	/* The Access-Accept's DNS servers, not the script's. */
	CU_ASSERT_EQUAL(in.dns[0], RADIUS_DNS1);
	CU_ASSERT_EQUAL(in.dns[1], RADIUS_DNS2);
	CU_ASSERT_EQUAL(pings(&s, h, SIM_OFFICE_IP, 5), 5);
	sim_advance(&s, 61 * S);			/* one Interim-Update */
	CU_ASSERT_EQUAL(vc_disconnect(s.hosts[h].vc, s.now, 0), 0);
	CU_ASSERT_TRUE(sim_run(&s, 20 * S, sim_cond_ended, (void *)(intptr_t)h));
	sim_advance(&s, 5 * S);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	while (gw_next_acct_record(s.gw, &rec)) {
		CU_ASSERT_STRING_EQUAL(rec.user, "raduser");
		CU_ASSERT_EQUAL(rec.framed_ip, 0xc0a8084du);
		CU_ASSERT_EQUAL(rec.n_class, 1);
		if (rec.type == GW_ACCT_START)
			starts++;
		if (rec.type == GW_ACCT_INTERIM)
			interims++;
		if (rec.type == GW_ACCT_STOP) {
			stops++;
			CU_ASSERT_EQUAL(rec.cause, GW_TERM_USER_REQUEST);
			CU_ASSERT_TRUE(rec.in_packets >= 5 && rec.out_packets >= 5);
			CU_ASSERT_TRUE(rec.in_octets >= 5 * 84);
			CU_ASSERT_TRUE(rec.session_time >= 61);
			CU_ASSERT_TRUE(rec.radius_auth);
		}
	}
	CU_ASSERT_EQUAL(starts, 1);
	CU_ASSERT_EQUAL(interims, 1);
	CU_ASSERT_EQUAL(stops, 1);
	gw_aaa_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.auth_accept, 1);
	CU_ASSERT_EQUAL(st.pending, 0);
	sim_free(&s);
}

static void
test_radius_reject_and_local_user(void)
{
	struct sim s;
	struct vc_params p;
	struct gw_aaa_stats st;
	int h, l;

	CU_ASSERT_EQUAL_FATAL(radius_sim(&s, 0), 0);
	seed_client(&p, "raduser", "wrong");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_EQUAL(fake_radius(&s, FAKE_REJECT, 30 * S, h, NULL), 1);
	CU_ASSERT_FALSE(s.hosts[h].up);
	CU_ASSERT_TRUE(sim_log_has(&s, "rejected by RADIUS"));
	/* A user of the router's database never reaches RADIUS
	 * (userdatabase=first). */
	seed_client(&p, "dialin2", "friend2");
	l = sim_add_host(&s, sim_add_nat(&s), 0x0a000003u, &p);
	(void)vc_connect(s.hosts[l].vc, s.now, 0);
	CU_ASSERT_EQUAL(fake_radius(&s, FAKE_REJECT, 30 * S, l, NULL), 0);
	CU_ASSERT_TRUE(s.hosts[l].up);
	gw_aaa_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.auth_reject, 1);
	CU_ASSERT_EQUAL(st.auth_queued, 1);
	sim_free(&s);
}

static void
test_radius_no_answer_and_late_answer(void)
{
	struct sim s;
	struct vc_params p;
	struct gw_auth_request r;
	struct gw_auth_answer a;
	struct gw_aaa_stats st;
	int h, g;

	CU_ASSERT_EQUAL_FATAL(radius_sim(&s, 3 * S), 0);
	seed_client(&p, "raduser", "x");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_EQUAL(fake_radius(&s, FAKE_SILENT, 30 * S, h, &r), 1);
	CU_ASSERT_FALSE(s.hosts[h].up);
	CU_ASSERT_TRUE(sim_log_has(&s, "no RADIUS answer within 3000 ms"));
	sim_advance(&s, 10 * S);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 0);
	/* The answer arrives after the session died: ignored. */
	memset(&a, 0, sizeof(a));
	a.verdict = GW_AUTH_ACCEPT;
	CU_ASSERT_EQUAL(gw_auth_answer(s.gw, s.now, r.cookie, &a), -1);
	CU_ASSERT_EQUAL(gw_auth_answer(s.gw, s.now, 12345, &a), -1);
	gw_aaa_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.auth_timeout, 1);
	CU_ASSERT_EQUAL(st.stale, 2);
	CU_ASSERT_EQUAL(st.pending, 0);
	/* Another client is served as usual. */
	seed_client(&p, "raduser2", "y");
	g = sim_add_host(&s, sim_add_nat(&s), 0x0a000003u, &p);
	(void)vc_connect(s.hosts[g].vc, s.now, 0);
	CU_ASSERT_EQUAL(fake_radius(&s, FAKE_ACCEPT, 30 * S, g, NULL), 1);
	CU_ASSERT_TRUE(s.hosts[g].up);
	sim_free(&s);
}

static void
test_radius_disconnect_by_user(void)
{
	struct sim s;
	struct vc_params p;
	struct gw_acct_record rec;
	struct gw_aaa_match m;
	struct vc_info in;
	int h, k, stops = 0;

	CU_ASSERT_EQUAL_FATAL(radius_sim(&s, 0), 0);
	seed_client(&p, "raduser", "x");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_EQUAL(fake_radius(&s, FAKE_ACCEPT, 30 * S, h, NULL), 1);
	/* No name servers in the Access-Accept: the script's. */
	CU_ASSERT_TRUE(vc_get_info(s.hosts[h].vc, 0, &in));
	CU_ASSERT_EQUAL(in.dns[0], SEED_DNS);
	CU_ASSERT_EQUAL(in.dns[1], 0);
	k = connect_seed(&s, "dialin2", "friend2", 0x0a000003u);
	CU_ASSERT_FATAL(k >= 0);
	memset(&m, 0, sizeof(m));
	CU_ASSERT_EQUAL(gw_aaa_disconnect(s.gw, s.now, &m), -1);
	m.user = "nobody";
	CU_ASSERT_EQUAL(gw_aaa_disconnect(s.gw, s.now, &m), 0);
	m.user = "raduser";
	CU_ASSERT_EQUAL(gw_aaa_disconnect(s.gw, s.now, &m), 1);
	CU_ASSERT_TRUE(sim_run(&s, 20 * S, sim_cond_ended, (void *)(intptr_t)h));
	sim_advance(&s, 3 * S);
	CU_ASSERT_TRUE(s.hosts[k].up);
	CU_ASSERT_EQUAL(gw_session_count(s.gw), 1);
	while (gw_next_acct_record(s.gw, &rec))
		if (rec.type == GW_ACCT_STOP && strcmp(rec.user, "raduser") == 0) {
			stops++;
			CU_ASSERT_EQUAL(rec.cause, GW_TERM_ADMIN_RESET);
		}
	CU_ASSERT_EQUAL(stops, 1);
	sim_free(&s);
	remove(RAD_CFG);
}

/* A server for accounting only (port=0, the router's way): nobody is
 * authenticated by RADIUS, the router's users are accounted there. */
static void
test_radius_accounting_only(void)
{
	struct sim s;
	struct vc_params p;
	struct gw_acct_record rec;
	struct gw_aaa_stats st;
	int h, k, starts = 0, stops = 0;

	CU_ASSERT_EQUAL_FATAL(radius_sim_with(&s, 0, "\nadd radius server=203.0.113.10 "
	    "secret=compose-secret port=0 accport=1813\n"), 0);
	CU_ASSERT_FALSE(gw_aaa_enabled(s.gw));
	seed_client(&p, "raduser", "whatever");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_EQUAL(fake_radius(&s, FAKE_ACCEPT, 30 * S, h, NULL), 0);
	CU_ASSERT_FALSE(s.hosts[h].up);
	k = connect_seed(&s, "dialin2", "friend2", 0x0a000003u);
	CU_ASSERT_FATAL(k >= 0);
	CU_ASSERT_EQUAL(vc_disconnect(s.hosts[k].vc, s.now, 0), 0);
	CU_ASSERT_TRUE(sim_run(&s, 20 * S, sim_cond_ended, (void *)(intptr_t)k));
	sim_advance(&s, 3 * S);
	while (gw_next_acct_record(s.gw, &rec)) {
		CU_ASSERT_STRING_EQUAL(rec.user, "dialin2");
		CU_ASSERT_FALSE(rec.radius_auth);
		starts += rec.type == GW_ACCT_START;
		stops += rec.type == GW_ACCT_STOP;
	}
	CU_ASSERT_EQUAL(starts, 1);
	CU_ASSERT_EQUAL(stops, 1);
	gw_aaa_get_stats(s.gw, &st);
	CU_ASSERT_EQUAL(st.auth_queued, 0);
	sim_free(&s);
	remove(RAD_CFG);
}

void register_compose(void);

void
register_compose(void)
{
	CU_pSuite su = CU_add_suite("compose", NULL, NULL);

	CU_add_test(su, "seed: one client behind a NAT, pool address, ping, disconnect",
	    test_seed_one_client);
	CU_add_test(su, "seed: per-user static address", test_seed_static_address);
	CU_add_test(su, "two clients behind one NAT with colliding IDs and SPIs",
	    test_two_clients_one_nat);
	CU_add_test(su, "phase 1 and phase 2 rekeys under traffic", test_rekey_with_traffic);
	CU_add_test(su, "a vanished client is detected and freed", test_vanished_client);
	CU_add_test(su, "wrong PSK: phase 1 fails", test_wrong_psk);
	CU_add_test(su, "wrong password: MS-CHAPv2 E=691", test_wrong_password);
	CU_add_test(su, "L2TP in clear is refused", test_l2tp_in_clear);
	CU_add_test(su, "NAT rebinding is followed", test_nat_rebinding);
	CU_add_test(su, "a client without NAT uses plain ESP", test_no_nat_plain_esp);
	CU_add_test(su, "VPN users reach the internet through enhanced NAT",
	    test_internet_through_office_nat);
	CU_add_test(su, "MTU: fragmentation needed, or fragments", test_mtu_and_fragmentation);
	CU_add_test(su, "shutdown: PPP, L2TP, IPsec in order", test_shutdown_in_order);
	CU_add_test(su, "more clients than libfw interface ids: refused", test_max_clients_bound);
	CU_add_test(su, "a packet storm while a client connects", test_storm_while_connecting);
	CU_add_test(su, "modern: Windows 10 proposals, MS-CHAPv2", test_modern_windows_client);
	CU_add_test(su, "a VPN user cannot send as another", test_spoofed_source_dropped);
	CU_add_test(su, "TCP MSS clamped to the tunnel", test_mss_clamped);
	CU_add_test(su, "reload adds a user, established clients stay", test_reload_adds_a_user);
	CU_add_test(su, "200 failed logins leave nothing behind", test_auth_failures_stay_bounded);
	CU_add_test(su, "RADIUS: accept with Framed-IP-Address and DNS, Start/Interim/Stop",
	    test_radius_accept_framed_ip_and_accounting);
	CU_add_test(su, "RADIUS: reject; the router's users stay local",
	    test_radius_reject_and_local_user);
	CU_add_test(su, "RADIUS: no answer fails after the timeout, a late answer is ignored",
	    test_radius_no_answer_and_late_answer);
	CU_add_test(su, "RADIUS: Disconnect by user ends exactly that session",
	    test_radius_disconnect_by_user);
	CU_add_test(su, "RADIUS: a server for accounting only (port=0)",
	    test_radius_accounting_only);
}

int
main(int argc, char **argv)
{
	static const ts_register_fn fns[] = { register_compose };

	return ts_cunit_main(argc, argv, fns, 1);
}
