/*
 * test_harden.c - issue #13: a responder on the internet facing attackers
 * who send well-formed packets in a bad order, from spoofed addresses, many
 * times (an "attacker who knows the PSK" is an ordinary user).  One test per
 * item; each fails on the code before #13 (its behavioural assertions use
 * only the 1.0 API; what needs the new fields is inside ISAKMP_HAS_ANTICLOG).
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "harness.h"
#include "isakmp_int.h"
#include "exchange.h"

void test_harden_register(void);

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

/* isakmp_input is warn_unused_result; where a test only feeds, the code lands here. */
static int fed;

static size_t
drain_out(struct isakmp_ctx *ctx)
{
	uint8_t b[ISAKMP_MAX_PACKET];
	struct isakmp_addr f, t;
	size_t l, n = 0;

	while (isakmp_next_output(ctx, 0, b, sizeof(b), &l, &f, &t) == 0)
		n++;
	return n;
}

/* ---- spoofed Main Mode 1 floods ----------------------------------------- */

struct flood {
	uint8_t mm1[ISAKMP_MAX_PACKET];
	size_t len;
	struct ts_rng rng;
	bool one_ip;          /* every datagram from ip (random ports), else random IPs */
	uint32_t ip;
	size_t per_packet;    /* spoofed datagrams before each real one */
	size_t sent;
};

/* A real client's MM1, replayed with fresh initiator cookies by the flood. */
static void
flood_init(struct flood *f, const struct isakmp_policy *p, uint64_t seed)
{
	struct h_side c;
	struct isakmp_addr l = { 0x0a090909u, 500 }, r = { H_SERVER_IP, 500 }, fr, to;

	memset(f, 0, sizeof(*f));
	ts_rng_init(&f->rng, seed);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&c, NULL, p, seed + 1), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_initiate(c.ctx, 0, c.pid, &l, &r, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(c.ctx, 0, f->mm1, sizeof(f->mm1), &f->len, &fr,
	    &to), 0);
	isakmp_ctx_free(c.ctx);
}

static void
flood_send(struct flood *f, struct isakmp_ctx *srv, uint64_t now, size_t n)
{
	struct isakmp_addr from, to = { H_SERVER_IP, 500 };
	uint8_t b[ISAKMP_MAX_PACKET];
	uint32_t rnd[2];
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(b, f->mm1, f->len);
		(void)ts_rng_cb(&f->rng, b, 8);
		b[0] |= 1;
		(void)ts_rng_cb(&f->rng, rnd, sizeof(rnd));
		from.ip = f->one_ip ? f->ip : 0x01000000u + (rnd[0] % 0xd0000000u);
		from.port = (uint16_t)(1024 + rnd[1] % 30000);  /* never the real client's */
		fed = isakmp_input(srv, now, b, f->len, &from, &to);
		f->sent++;
	}
}

static bool
flood_filter(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	struct flood *f = h->fuser;

	(void)pkt;
	(void)len;
	if (c2s)
		flood_send(f, h->s.ctx, h->now, f->per_packet);
	return true;
}

static void
flood_and_connect(bool one_ip, uint64_t seed)
{
	static struct flood f;
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	uint8_t mm3[HDR_LEN];
	struct isakmp_addr fr = { 0x01020304u, 500 }, to = { H_SERVER_IP, 500 };

	fast_policy(&p);
	/* The server with every default (what a gateway gets). */
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, one_ip, seed), 0);
	flood_init(&f, &p, seed + 10);
	f.one_ip = one_ip;
	f.ip = H_NAT_IP;        /* the real client's (NAT) address, other ports */
	f.per_packet = 100;
	flood_send(&f, h.s.ctx, h.now, 2000);
	(void)drain_out(h.s.ctx);
	h.filter = flood_filter;
	h.fuser = &f;
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	/* The real client completed Main Mode and Quick Mode during the flood. */
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
	CU_ASSERT_TRUE(established(&h));
	CU_ASSERT(f.sent >= 2000);
	/* A forged MM3 for no SA (a guessed responder cookie) makes nothing. */
	memset(mm3, 0, sizeof(mm3));
	memset(mm3, 0x42, 16);
	mm3[17] = 0x10;
	mm3[18] = EX_MAIN;
	mm3[27] = HDR_LEN;
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, mm3, sizeof(mm3), &fr, &to), ISAKMP_E_NO_SA);
	isakmp_get_stats(h.s.ctx, &st);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT(st.cookies_sent > 0);
	CU_ASSERT(st.cookies_valid >= 1);
	CU_ASSERT(st.cookies_invalid >= 1);
	CU_ASSERT_EQUAL(st.half_open_refused, 0);
	/* The spoofed sources hold at most the stateful share below the threshold. */
	CU_ASSERT(h.s.ctx->n_resp_half_open <= h.s.ctx->cfg.cookie_threshold);
#endif
	/* 30 s later every spoofed negotiation is gone; the real peer stays. */
	h.filter = NULL;
	h_run_until(&h, h.now + 31 * SEC);
	CU_ASSERT_EQUAL(h.s.ctx->n_sas, 1);
	CU_ASSERT_EQUAL(st.events_dropped, 0);
	h_fini(&h);
}

/* Item 1: spoofed MM1 from many addresses never locks a real client out. */
static void
test_mm1_flood_many_sources(void)
{
	flood_and_connect(false, 1300);
}

/* Item 1: ... nor from the real client's own (NAT) address. */
static void
test_mm1_flood_one_source(void)
{
	flood_and_connect(true, 1320);
}

/* ---- item 2: online PSK guessing ---------------------------------------- */

static bool
is_mm5(const uint8_t *pkt, size_t len)
{
	size_t off = len > 4 && memcmp(pkt, iki_zero8, 4) == 0 ? 4 : 0;

	return len >= off + HDR_LEN && pkt[off + 18] == EX_MAIN && (pkt[off + 19] & FL_E) &&
	    memcmp(pkt + off + 8, iki_zero8, 8) != 0;
}

/* Before the client's (right) MM5 a wrong guess arrives for the same negotiation. */
static bool
guess_first(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	uint8_t bad[ISAKMP_MAX_PACKET];
	bool *done = h->fuser;

	if (c2s && !*done && is_mm5(pkt, *len)) {
		*done = true;
		memcpy(bad, pkt, *len);
		bad[HDR_LEN + 20] ^= 0x01;   /* garbles the second block: another HASH_I */
		fed = isakmp_input(h->s.ctx, h->now, bad, *len, &h->last_c2s_from, &h->last_c2s_to);
	}
	return true;
}

/* Item 2: one MM1..MM4 buys one MM5 try; a failed one destroys the negotiation. */
static void
test_mm5_one_guess(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_event ev;
	struct isakmp_stats st;
	bool done = false;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 1340), 0);
	h.filter = guess_first;
	h.fuser = &done;
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(done);
	/* The right MM5 after the wrong one finds nothing: no MM6, no phase 1. */
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
	CU_ASSERT_FALSE(h_find_event(&h.c, ISAKMP_EV_PHASE1_UP, NULL));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_FAILED, &ev));
	CU_ASSERT_EQUAL(ev.error, ISAKMP_E_AUTH);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_auth_failed, 1);
	CU_ASSERT_EQUAL(st.phase1_up, 0);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT_EQUAL(ev.reason, ISAKMP_REASON_AUTH_FAILED);
	CU_ASSERT_EQUAL(st.auth_fail_destroyed, 1);
	CU_ASSERT(h.s.log.by_level[ISAKMP_LOG_WARN] >= 2);
#endif
	h_fini(&h);
}

/* One wrong-key Main Mode from ip:port to the server; true if MM5 was tried. */
static bool
wrong_key_try(struct harness *h, uint32_t ip, uint16_t port)
{
	struct isakmp_addr l = { ip, port }, r = { H_SERVER_IP, 500 };
	struct isakmp_stats a, b;

	isakmp_get_stats(h->s.ctx, &a);
	CU_ASSERT_EQUAL(isakmp_initiate(h->c.ctx, h->now, h->c.pid, &l, &r, NULL), 0);
	h_pump(h);
	isakmp_get_stats(h->s.ctx, &b);
	return b.rx_auth_failed > a.rx_auth_failed;
}

/* Item 2: failures are rate-limited per source address (and per policy). */
static void
test_mm5_failure_rate_limit(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_stats st;
	size_t i, tried = 0;

	fast_policy(&cp);
	sp = cp;
	memcpy(sp.psk, "the-real-key", 12);
	sp.psk_len = 12;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 1360), 0);
	/* Seven guesses from one address in a second: five are tried. */
	for (i = 0; i < 7; i++) {
		tried += wrong_key_try(&h, H_CLIENT_IP, (uint16_t)(2000 + i));
		h.now += 100000000ull;
	}
	CU_ASSERT_EQUAL(tried, 5);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
	/* Another address is not held back by this one. */
	CU_ASSERT_TRUE(wrong_key_try(&h, 0x0a000063u, 500));
	/* One more try per 12 s. */
	h.now += 13 * SEC;
	CU_ASSERT_TRUE(wrong_key_try(&h, H_CLIENT_IP, 3000));
	CU_ASSERT_FALSE(wrong_key_try(&h, H_CLIENT_IP, 3001));
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_auth_failed, 7);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT_EQUAL(st.auth_rate_limited, 3);
	CU_ASSERT_EQUAL(st.auth_fail_destroyed, 7);
#endif
	h_fini(&h);
#ifdef ISAKMP_HAS_ANTICLOG
	{
		/* Per policy: past its burst, addresses that failed before wait; a
		 * fresh address (a user typing the key right) is still tried. */
		struct isakmp_config cfg;

		memset(&cfg, 0, sizeof(cfg));
		cfg.size = sizeof(cfg);
		cfg.auth_fail_burst_per_policy = 3;
		CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 1361), 0);
		isakmp_ctx_free(h.s.ctx);
		CU_ASSERT_EQUAL_FATAL(h_side_init(&h.s, &cfg, &sp, 1362), 0);
		CU_ASSERT_TRUE(wrong_key_try(&h, 0x0a000101u, 500));
		CU_ASSERT_TRUE(wrong_key_try(&h, 0x0a000102u, 500));
		CU_ASSERT_TRUE(wrong_key_try(&h, 0x0a000103u, 500));
		CU_ASSERT_TRUE(wrong_key_try(&h, 0x0a000104u, 500));   /* fresh: tried */
		CU_ASSERT_FALSE(wrong_key_try(&h, 0x0a000101u, 501));  /* failed before */
		isakmp_get_stats(h.s.ctx, &st);
		CU_ASSERT_EQUAL(st.auth_policy_limited, 1);
		CU_ASSERT_EQUAL(st.auth_rate_limited, 0);
		h_fini(&h);
	}
#endif
}

/* ---- item 3: MM5 only from the Main Mode's address ---------------------- */

static bool
hold_mm5(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	struct flood *keep = h->fuser;

	if (c2s && keep->len == 0 && is_mm5(pkt, *len)) {
		memcpy(keep->mm1, pkt, *len);
		keep->len = *len;
		return false;
	}
	return true;
}

static void
test_mm5_from_other_address(void)
{
	static struct flood keep;
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	struct isakmp_event ev;
	struct isakmp_addr spoof = { 0x05060708u, 500 }, port = { H_CLIENT_IP, 501 };
	struct isakmp_addr real = { H_CLIENT_IP, 500 }, to = { H_SERVER_IP, 500 };

	fast_policy(&p);
	p.natt = false;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 1380), 0);
	memset(&keep, 0, sizeof(keep));
	h.filter = hold_mm5;
	h.fuser = &keep;
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_FATAL(keep.len > 0);
	/* The authentic MM5 replayed from a third party, or from another port. */
	CU_ASSERT(isakmp_input(h.s.ctx, h.now, keep.mm1, keep.len, &spoof, &to) < 0);
	CU_ASSERT(isakmp_input(h.s.ctx, h.now, keep.mm1, keep.len, &port, &to) < 0);
	h_pump(&h);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, NULL));
	/* ... changed nothing: the client's own MM5 still completes. */
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, keep.mm1, keep.len, &real, &to), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &ev));
	CU_ASSERT_EQUAL(ev.remote.ip, H_CLIENT_IP);
	CU_ASSERT_EQUAL(ev.remote.port, 500);
	CU_ASSERT_TRUE(established(&h));
	isakmp_get_stats(h.s.ctx, &st);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT_EQUAL(st.rx_wrong_address, 2);
#endif
	h_fini(&h);
}

/*
 * A second client behind the same NAT mapping (its packets leave from the
 * same outer ip:port) with another identity (10.0.0.3): moves datagrams
 * between it and the server, collecting the server's events in h->s.
 */
static void
pump_second(struct harness *h, struct isakmp_ctx *c2)
{
	uint8_t b[ISAKMP_MAX_PACKET];
	struct isakmp_addr f, t;
	struct isakmp_event ev;
	size_t l, round;
	bool any = true;

	for (round = 0; any && round < 64; round++) {
		any = false;
		while (isakmp_next_output(c2, h->now, b, sizeof(b), &l, &f, &t) == 0) {
			any = true;
			f.ip = H_NAT_IP;
			f.port = (uint16_t)(40000 + f.port);
			fed = isakmp_input(h->s.ctx, h->now, b, l, &f, &t);
		}
		while (isakmp_next_output(h->s.ctx, h->now, b, sizeof(b), &l, &f, &t) == 0) {
			any = true;
			if (t.ip != H_NAT_IP || t.port < 40000)
				continue;
			t.ip = 0x0a000003u;
			t.port = (uint16_t)(t.port - 40000);
			fed = isakmp_input(c2, h->now, b, l, &f, &t);
		}
		while (isakmp_next_event(h->s.ctx, &ev)) {
			if (h->s.nev < H_MAX_EV)
				h->s.ev[h->s.nev++] = ev;
			isakmp_event_wipe(&ev);
		}
	}
}

/* Item 3: INITIAL-CONTACT removes only the SAs of the same identity and policy. */
static void
test_initial_contact_other_identity(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct h_side c2;
	struct isakmp_event up1;
	struct isakmp_stats st;
	struct isakmp_addr l2 = { 0x0a000003u, 500 }, r = { H_SERVER_IP, 500 };
	size_t cur, n = 0;
	struct isakmp_peer_info pi;

	fast_policy(&p);
	p.send_deletes = false;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, true, 1400), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	CU_ASSERT_TRUE_FATAL(h_find_event(&h.s, ISAKMP_EV_PHASE1_UP, &up1));
	/* Another client on the same outer tuple connects, with INITIAL-CONTACT. */
	CU_ASSERT_EQUAL_FATAL(h_side_init(&c2, NULL, &p, 1401), 0);
	CU_ASSERT_EQUAL(isakmp_initiate(c2.ctx, h.now, c2.pid, &l2, &r, NULL), 0);
	pump_second(&h, c2.ctx);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 2);
	/* The first client's peer and SAs are untouched. */
	CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PEER_DOWN, ISAKMP_REASON_INITIAL_CONTACT), 0);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_DOWN, NULL));
	for (cur = 0; isakmp_peer_next(h.s.ctx, h.now, &cur, &pi);)
		n += pi.id == up1.peer_id;
	CU_ASSERT_EQUAL(n, 1);
	isakmp_get_stats(h.s.ctx, &st);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT_EQUAL(st.initial_contact_spared, 1);
#endif
	isakmp_ctx_free(c2.ctx);
	h_fini(&h);
}

/* ---- item 4: Informational ---------------------------------------------- */

/* HASH placeholder + n R-U-THERE notifies (sequence numbers seq, seq+1, ...). */
static size_t
rut_payloads(const struct ike_sa *sa, uint8_t *b, size_t n, uint32_t seq)
{
	size_t l = 0, i, hl = sa->alg.hlen;

	b[l++] = PL_N; b[l++] = 0; b[l++] = 0; b[l++] = (uint8_t)(4 + hl);
	memset(b + l, 0, hl);
	l += hl;
	for (i = 0; i < n; i++, seq++) {
		b[l++] = i + 1 < n ? PL_N : PL_NONE; b[l++] = 0; b[l++] = 0; b[l++] = 32;
		b[l++] = 0; b[l++] = 0; b[l++] = 0; b[l++] = 1;     /* DOI */
		b[l++] = 1; b[l++] = 16;                            /* ISAKMP, SPI size */
		b[l++] = (uint8_t)(N_DPD_R_U_THERE >> 8); b[l++] = (uint8_t)N_DPD_R_U_THERE;
		memcpy(b + l, sa->icookie, 8); l += 8;
		memcpy(b + l, sa->rcookie, 8); l += 8;
		b[l++] = (uint8_t)(seq >> 24); b[l++] = (uint8_t)(seq >> 16);
		b[l++] = (uint8_t)(seq >> 8); b[l++] = (uint8_t)seq;
	}
	return l;
}

static void
test_info_replay_and_dpd(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	struct isakmp_addr third = { 0x05050505u, 500 };
	uint8_t pl[512];
	size_t n;
	struct ike_sa *sa;

	fast_policy(&p);
	p.natt = false;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 1420), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	sa = h_newest_sa(h.s.ctx);
	(void)drain_out(h.s.ctx);
	/* Three R-U-THEREs in one message: one answer. */
	n = rut_payloads(sa, pl, 3, 100);
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x11111111u, pl, n), 0);
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 1);
	/* The same message again (a replay): nothing. */
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x11111111u, pl, n), 0);
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 0);
	/* An old probe under a new message ID (a replay older than the ring). */
	n = rut_payloads(sa, pl, 1, 100);
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x22222222u, pl, n), 0);
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 0);
	/* A new probe is answered. */
	n = rut_payloads(sa, pl, 1, 103);
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x33333333u, pl, n), 0);
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 1);
	/* From a third party (this SA has no NAT-T to float): not processed. */
	n = rut_payloads(sa, pl, 1, 104);
	h.inject_from = &third;
	CU_ASSERT(h_inject_s(&h, EX_INFO, 0x44444444u, pl, n) < 0);
	h.inject_from = NULL;
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 0);
	isakmp_get_stats(h.s.ctx, &st);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT_EQUAL(st.rx_info_replays, 2);
	CU_ASSERT_EQUAL(st.dpd_extra_ignored, 2);
	CU_ASSERT_EQUAL(st.rx_wrong_address, 1);
#endif
	h_fini(&h);
}

/* ---- item 12 ------------------------------------------------------------ */

/* HASH placeholder, SA (ESP AES-128/SHA1, transport), Nonce, IDci, IDcr. */
static size_t
qm1_payloads(const struct ike_sa *sa, uint8_t *b, uint32_t idci, uint32_t idcr)
{
	static const uint8_t attrs[] = { 0x80, 1, 0, 1, 0x80, 2, 0x0e, 0x10, 0x80, 4, 0, 2,
	    0x80, 5, 0, 2, 0x80, 6, 0, 128 };
	size_t l = 0, hl = sa->alg.hlen, tlen = 8 + sizeof(attrs), plen = 12 + tlen;
	size_t i;

	b[l++] = PL_SA; b[l++] = 0; b[l++] = 0; b[l++] = (uint8_t)(4 + hl);
	memset(b + l, 0, hl);
	l += hl;
	b[l++] = PL_NONCE; b[l++] = 0; b[l++] = 0; b[l++] = (uint8_t)(12 + plen);
	b[l++] = 0; b[l++] = 0; b[l++] = 0; b[l++] = 1;    /* DOI */
	b[l++] = 0; b[l++] = 0; b[l++] = 0; b[l++] = 1;    /* situation */
	b[l++] = 0; b[l++] = 0; b[l++] = 0; b[l++] = (uint8_t)plen;
	b[l++] = 1; b[l++] = 3; b[l++] = 4; b[l++] = 1;    /* #1 ESP, SPI 4, 1 transform */
	b[l++] = 0x12; b[l++] = 0x34; b[l++] = 0x56; b[l++] = 0x78;
	b[l++] = 0; b[l++] = 0; b[l++] = 0; b[l++] = (uint8_t)tlen;
	b[l++] = 1; b[l++] = ISAKMP_ESP_AES_CBC; b[l++] = 0; b[l++] = 0;
	memcpy(b + l, attrs, sizeof(attrs));
	l += sizeof(attrs);
	b[l++] = PL_ID; b[l++] = 0; b[l++] = 0; b[l++] = 20;
	for (i = 0; i < 16; i++)
		b[l++] = (uint8_t)(0xa0 + i);
	for (i = 0; i < 2; i++) {
		uint32_t ip = i == 0 ? idci : idcr;

		b[l++] = i == 0 ? PL_ID : PL_NONE; b[l++] = 0; b[l++] = 0; b[l++] = 12;
		b[l++] = 1; b[l++] = 17; b[l++] = 0x06; b[l++] = 0xa5;   /* UDP 1701 */
		b[l++] = (uint8_t)(ip >> 24); b[l++] = (uint8_t)(ip >> 16);
		b[l++] = (uint8_t)(ip >> 8); b[l++] = (uint8_t)ip;
	}
	return l;
}

/* Item 12: transport-mode IDci/IDcr must be the addresses phase 1 negotiated. */
static void
test_qm_id_addresses(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	uint8_t pl[512];
	size_t n;
	struct ike_sa *sa;

	fast_policy(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 1440), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE_FATAL(established(&h));
	sa = h_newest_sa(h.s.ctx);
	(void)drain_out(h.s.ctx);
	/* Another client's address as IDci: INVALID-ID-INFORMATION, no SA. */
	n = qm1_payloads(sa, pl, 0x0a000077u, H_SERVER_IP);
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x51515151u, pl, n), ISAKMP_E_ID);
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 1);     /* the Notify */
	/* Someone else's address as IDcr: the same. */
	n = qm1_payloads(sa, pl, H_CLIENT_IP, 0x0a0000feu);
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x52525252u, pl, n), ISAKMP_E_ID);
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 1);
	/* The negotiated addresses: QM2. */
	n = qm1_payloads(sa, pl, H_CLIENT_IP, H_SERVER_IP);
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x53535353u, pl, n), 0);
	CU_ASSERT_EQUAL(drain_out(h.s.ctx), 1);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_bad_id, 2);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT_EQUAL(st.rx_qm_id_mismatch, 2);
#endif
	h_fini(&h);
}

/* Item 12: one address gets a bounded share of the IKE SA table. */
static void
test_ike_sa_share_per_ip(void)
{
	struct isakmp_policy p;
	struct isakmp_config cfg;
	struct harness h;
	struct isakmp_addr l = { H_CLIENT_IP, 0 }, r = { H_SERVER_IP, 500 };
	struct isakmp_stats st;
	size_t i;

	fast_policy(&p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_ike_sas = 16;
#ifdef ISAKMP_HAS_ANTICLOG
	cfg.max_ike_sas_per_ip = 2;
#endif
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 1460), 0);
	isakmp_ctx_free(h.s.ctx);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&h.s, &cfg, &p, 1461), 0);
	for (i = 0; i < 3; i++) {
		l.port = (uint16_t)(5000 + i);
		CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, NULL), 0);
		h_pump(&h);
	}
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 2);
	/* Another address still gets in. */
	l.ip = 0x0a000042u;
	CU_ASSERT_EQUAL(isakmp_initiate(h.c.ctx, h.now, h.c.pid, &l, &r, NULL), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_PHASE1_UP), 3);
	isakmp_get_stats(h.s.ctx, &st);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT_EQUAL(st.sa_ip_refused, 1);
#endif
	h_fini(&h);
}

/*
 * Item 12: evicting spoofed half-open negotiations never crowds the event
 * queue (their PHASE1_FAILED are coalesced past 3/4), so nothing is dropped
 * and the real client's events arrive.
 */
static void
test_evictions_keep_event_room(void)
{
	static struct flood f;
	struct isakmp_policy p;
	struct isakmp_config cfg;
	struct harness h;
	struct isakmp_stats st;

	fast_policy(&p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_events = 16;
	cfg.max_half_open = 4;
#ifdef ISAKMP_HAS_ANTICLOG
	cfg.cookie_threshold = UINT32_MAX;        /* every MM1 makes state: evictions */
	cfg.cookie_threshold_per_ip = UINT32_MAX;
#endif
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 1480), 0);
	isakmp_ctx_free(h.s.ctx);
	CU_ASSERT_EQUAL_FATAL(h_side_init(&h.s, &cfg, &p, 1481), 0);
	flood_init(&f, &p, 1482);
	flood_send(&f, h.s.ctx, h.now, 200);     /* events not drained meanwhile */
	(void)drain_out(h.s.ctx);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(established(&h));
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.events_dropped, 0);
#ifdef ISAKMP_HAS_ANTICLOG
	CU_ASSERT(st.half_open_evicted >= 196);
	CU_ASSERT(st.events_coalesced > 0);
#endif
	h_fini(&h);
}

void
test_harden_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_harden", NULL, NULL);

	CU_add_test(s, "item 1: spoofed MM1 flood from many addresses", test_mm1_flood_many_sources);
	CU_add_test(s, "item 1: spoofed MM1 flood from one address", test_mm1_flood_one_source);
	CU_add_test(s, "item 2: one MM5 guess per Main Mode", test_mm5_one_guess);
	CU_add_test(s, "item 2: failed MM5 rate limits", test_mm5_failure_rate_limit);
	CU_add_test(s, "item 3: MM5 from another address", test_mm5_from_other_address);
	CU_add_test(s, "item 3: INITIAL-CONTACT spares other identities",
	    test_initial_contact_other_identity);
	CU_add_test(s, "item 4: Informational replay, one DPD answer", test_info_replay_and_dpd);
	CU_add_test(s, "item 12: Quick Mode ID addresses", test_qm_id_addresses);
	CU_add_test(s, "item 12: IKE SA share per address", test_ike_sa_share_per_ip);
	CU_add_test(s, "item 12: evictions keep event room", test_evictions_keep_event_room);
}
