/*
 * test_isakmp_sa.c - one SA vocabulary with libisakmp (API-SPEC §2, §3):
 * SAs installed from field values exactly as libisakmp's struct
 * isakmp_ipsec_sa delivers them, copied field by field (never translated),
 * for every suite the gateway uses, with a packet round trip each way.
 *
 * The libraries never include each other's headers, so the spec's
 * definitions are repeated here verbatim (API-SPEC §2, "One SA vocabulary
 * with libesp") and the compiler checks that they line up with esp.h.
 */
#include "esp_test.h"

#include <sodium.h>

void test_isakmp_sa_register(void);

/* ---- API-SPEC §2, verbatim ------------------------------------------- */
#define ISAKMP_ESP_KEY_MAX 32        /* == ESP_KEY_MAX */
#define ISAKMP_ESP_INTEG_KEY_MAX 64  /* == ESP_INTEG_KEY_MAX */
#define ISAKMP_SALT_LEN 4            /* == ESP_SALT_LEN */
enum isakmp_esp_enc { ISAKMP_ESP_DES = 2, ISAKMP_ESP_3DES = 3, ISAKMP_ESP_NULL = 11,
	ISAKMP_ESP_AES_CBC = 12, ISAKMP_ESP_AES_GCM_16 = 20 };   /* == enum esp_enc_alg */
enum isakmp_integ { ISAKMP_INTEG_NONE = 0, ISAKMP_INTEG_HMAC_MD5_96 = 1,
	ISAKMP_INTEG_HMAC_SHA1_96 = 2, ISAKMP_INTEG_HMAC_SHA256_128 = 5,
	ISAKMP_INTEG_HMAC_SHA256_96 = 0x100 };
enum isakmp_mode { ISAKMP_MODE_TRANSPORT = 1, ISAKMP_MODE_TUNNEL = 2 };
struct isakmp_addr {
	uint32_t ip;
	uint16_t port;
};
struct isakmp_ipsec_sa {
	uint32_t spi_in, spi_out;              /* spi_in: we chose it (peer -> us) */
	enum isakmp_esp_enc enc_alg;
	size_t enc_key_len;                    /* bytes WITHOUT the GCM salt */
	uint8_t enc_key_in[ISAKMP_ESP_KEY_MAX], enc_key_out[ISAKMP_ESP_KEY_MAX];
	uint8_t salt_in[ISAKMP_SALT_LEN], salt_out[ISAKMP_SALT_LEN];   /* AEAD only */
	enum isakmp_integ integ_alg;
	size_t integ_key_len;
	uint8_t integ_key_in[ISAKMP_ESP_INTEG_KEY_MAX], integ_key_out[ISAKMP_ESP_INTEG_KEY_MAX];
	enum isakmp_mode mode;
	bool udp_encap;                        /* ESP in UDP (RFC 3948), any of the 4 encap values */
	uint16_t encap;                        /* the negotiated wire value (for show/logs) */
	struct isakmp_addr local, remote;      /* outer addresses; ports = ESP-in-UDP ports */
	bool natoa_valid;                      /* as esp_sa_config: for the inbound checksum fix */
	uint32_t natoa_src;                    /* the peer's original (pre-NAT) source address */
	uint32_t natoa_dst;                    /* original destination: our address as the peer saw it */
	uint8_t sel_protocol;                  /* selectors (== esp_sa_config.sel_*) */
	uint16_t sel_local_port, sel_remote_port;   /* 0 = any; we match our local 1701 only */
	uint32_t life_s;                       /* time: owned by libisakmp (rekey + Delete) */
	uint64_t soft_bytes, hard_bytes;       /* bytes: owned by libesp; 0 = none */
	bool initiator;                        /* we initiated this Quick Mode */
};
/* ---------------------------------------------------------------------- */

#define FIELD(t, f)	(((t *)0)->f)
_Static_assert(ISAKMP_ESP_KEY_MAX == ESP_KEY_MAX, "key size");
_Static_assert(ISAKMP_ESP_INTEG_KEY_MAX == ESP_INTEG_KEY_MAX, "integ key size");
_Static_assert(ISAKMP_SALT_LEN == ESP_SALT_LEN, "salt size");
_Static_assert(sizeof(FIELD(struct isakmp_ipsec_sa, enc_key_in)) ==
    sizeof(FIELD(struct esp_sa_config, enc_key)), "enc key array");
_Static_assert(sizeof(FIELD(struct isakmp_ipsec_sa, integ_key_out)) ==
    sizeof(FIELD(struct esp_sa_config, integ_key)), "integ key array");
_Static_assert(sizeof(FIELD(struct isakmp_ipsec_sa, salt_in)) ==
    sizeof(FIELD(struct esp_sa_config, salt)), "salt array");
_Static_assert((int)ISAKMP_ESP_DES == (int)ESP_ENC_DES_CBC, "DES");
_Static_assert((int)ISAKMP_ESP_3DES == (int)ESP_ENC_3DES_CBC, "3DES");
_Static_assert((int)ISAKMP_ESP_NULL == (int)ESP_ENC_NULL, "NULL");
_Static_assert((int)ISAKMP_ESP_AES_CBC == (int)ESP_ENC_AES_CBC, "AES-CBC");
_Static_assert((int)ISAKMP_ESP_AES_GCM_16 == (int)ESP_ENC_AES_GCM_16, "GCM");
_Static_assert((int)ISAKMP_INTEG_NONE == (int)ESP_INTEG_NONE, "none");
_Static_assert((int)ISAKMP_INTEG_HMAC_MD5_96 == (int)ESP_INTEG_HMAC_MD5_96, "md5");
_Static_assert((int)ISAKMP_INTEG_HMAC_SHA1_96 == (int)ESP_INTEG_HMAC_SHA1_96, "sha1");
_Static_assert((int)ISAKMP_INTEG_HMAC_SHA256_128 ==
    (int)ESP_INTEG_HMAC_SHA256_128, "sha256-128");
_Static_assert((int)ISAKMP_INTEG_HMAC_SHA256_96 ==
    (int)ESP_INTEG_HMAC_SHA256_96, "sha256-96");
_Static_assert((int)ISAKMP_MODE_TRANSPORT == (int)ESP_MODE_TRANSPORT, "transport");
_Static_assert((int)ISAKMP_MODE_TUNNEL == (int)ESP_MODE_TUNNEL, "tunnel");

#define CLIENT_IP	0x0a000005u	/* 10.0.0.5, behind the NAT */
#define NAT_IP		0xcb007107u	/* 203.0.113.7 */
#define NAT_PORT	34567
#define GW_IP		0xc6336402u	/* 198.51.100.2 */

/*
 * What the gateway does with ISAKMP_EV_IPSEC_SA_UP: copy, never translate
 * (the casts change the enum's type, not its value).  The outbound SA
 * first, so the inbound SA can name it as its pair.
 */
static int
install(struct esp_ctx *ctx, uint64_t now, const struct isakmp_ipsec_sa *s,
    uint64_t user, struct esp_sa **in, struct esp_sa **out)
{
	struct esp_sa_config c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.mode = (enum esp_mode)s->mode;
	c.enc_alg = (enum esp_enc_alg)s->enc_alg;
	c.enc_key_len = s->enc_key_len;
	c.integ_alg = (enum esp_integ_alg)s->integ_alg;
	c.integ_key_len = s->integ_key_len;
	c.local_addr = s->local.ip;
	c.encap_sport = s->local.port;
	c.peer_addr = s->remote.ip;
	c.encap_dport = s->remote.port;
	c.udp_encap = s->udp_encap;
	c.natoa_valid = s->natoa_valid;
	c.natoa_src = s->natoa_src;
	c.natoa_dst = s->natoa_dst;
	c.sel_protocol = s->sel_protocol;
	c.sel_local_port = s->sel_local_port;
	c.sel_remote_port = s->sel_remote_port;
	c.soft.bytes = s->soft_bytes;
	c.hard.bytes = s->hard_bytes;
	c.user = user;
	/* Outbound: spi_out and the *_out keys. */
	c.spi = s->spi_out;
	c.dir = ESP_DIR_OUT;
	memcpy(c.enc_key, s->enc_key_out, sizeof(c.enc_key));
	memcpy(c.salt, s->salt_out, sizeof(c.salt));
	memcpy(c.integ_key, s->integ_key_out, sizeof(c.integ_key));
	rc = esp_sa_add(ctx, now, &c, out);
	/* Inbound: spi_in and the *_in keys, paired with the outbound. */
	c.spi = s->spi_in;
	c.dir = ESP_DIR_IN;
	c.pair = *out;
	memcpy(c.enc_key, s->enc_key_in, sizeof(c.enc_key));
	memcpy(c.salt, s->salt_in, sizeof(c.salt));
	memcpy(c.integ_key, s->integ_key_in, sizeof(c.integ_key));
	if (rc == ESP_OK)
		rc = esp_sa_add(ctx, now, &c, in);
	sodium_memzero(&c, sizeof(c));
	return rc;
}

/* The same SA as the client's libisakmp describes it (the mirror image). */
static void
mirror(const struct isakmp_ipsec_sa *g, struct isakmp_ipsec_sa *p)
{
	*p = *g;
	p->spi_in = g->spi_out;
	p->spi_out = g->spi_in;
	memcpy(p->enc_key_in, g->enc_key_out, sizeof(p->enc_key_in));
	memcpy(p->enc_key_out, g->enc_key_in, sizeof(p->enc_key_out));
	memcpy(p->salt_in, g->salt_out, sizeof(p->salt_in));
	memcpy(p->salt_out, g->salt_in, sizeof(p->salt_out));
	memcpy(p->integ_key_in, g->integ_key_out, sizeof(p->integ_key_in));
	memcpy(p->integ_key_out, g->integ_key_in, sizeof(p->integ_key_out));
	p->local.ip = CLIENT_IP;
	p->local.port = 4500;
	p->remote.ip = GW_IP;
	p->remote.port = 4500;
	p->natoa_src = GW_IP;	/* the gateway is not behind a NAT */
	p->natoa_dst = NAT_IP;	/* the client as the gateway saw it */
	p->initiator = !g->initiator;
}

static const struct {
	const char *name;
	enum isakmp_esp_enc enc;
	size_t enc_key_len;
	enum isakmp_integ integ;
	size_t integ_key_len;
	size_t iv, block, icv;
} gw_suites[] = {
	{ "3DES-SHA1", ISAKMP_ESP_3DES, 24, ISAKMP_INTEG_HMAC_SHA1_96, 20, 8, 8, 12 },
	{ "AES128-CBC-SHA1", ISAKMP_ESP_AES_CBC, 16, ISAKMP_INTEG_HMAC_SHA1_96, 20,
	  16, 16, 12 },
	{ "AES256-CBC-SHA1", ISAKMP_ESP_AES_CBC, 32, ISAKMP_INTEG_HMAC_SHA1_96, 20,
	  16, 16, 12 },
	{ "AES256-CBC-SHA256-128", ISAKMP_ESP_AES_CBC, 32,
	  ISAKMP_INTEG_HMAC_SHA256_128, 32, 16, 16, 16 },
	{ "AES128-CBC-SHA256-96", ISAKMP_ESP_AES_CBC, 16,
	  ISAKMP_INTEG_HMAC_SHA256_96, 32, 16, 16, 12 },
	{ "AES128-GCM-16", ISAKMP_ESP_AES_GCM_16, 16, ISAKMP_INTEG_NONE, 0, 8, 4, 16 },
	{ "AES256-GCM-16", ISAKMP_ESP_AES_GCM_16, 32, ISAKMP_INTEG_NONE, 0, 8, 4, 16 },
};

/* The gateway's view of a Quick Mode with a client behind a NAT. */
static void
gw_sa(struct isakmp_ipsec_sa *s, size_t k, struct ts_rng *r)
{
	memset(s, 0, sizeof(*s));
	s->spi_in = 0xc1000000u + (uint32_t)k;
	s->spi_out = 0x0b000000u + (uint32_t)k;
	s->enc_alg = gw_suites[k].enc;
	s->enc_key_len = gw_suites[k].enc_key_len;
	ts_rng_fill(r, s->enc_key_in, s->enc_key_len);
	ts_rng_fill(r, s->enc_key_out, s->enc_key_len);
	if (s->enc_alg == ISAKMP_ESP_AES_GCM_16) {
		ts_rng_fill(r, s->salt_in, ISAKMP_SALT_LEN);
		ts_rng_fill(r, s->salt_out, ISAKMP_SALT_LEN);
	}
	s->integ_alg = gw_suites[k].integ;
	s->integ_key_len = gw_suites[k].integ_key_len;
	ts_rng_fill(r, s->integ_key_in, s->integ_key_len);
	ts_rng_fill(r, s->integ_key_out, s->integ_key_len);
	s->mode = ISAKMP_MODE_TRANSPORT;
	s->udp_encap = true;
	s->encap = 3;		/* UDP-Encapsulated-Transport (RFC 3947) */
	s->local.ip = GW_IP;
	s->local.port = 4500;
	s->remote.ip = NAT_IP;
	s->remote.port = NAT_PORT;
	s->natoa_valid = true;
	s->natoa_src = CLIENT_IP;	/* NAT-OAi: the client's own address */
	s->natoa_dst = GW_IP;		/* NAT-OAr: us, as the client saw us */
	s->sel_protocol = 17;
	s->sel_local_port = 1701;
	s->sel_remote_port = 0;
	s->life_s = 3600;
	s->soft_bytes = 900;
	s->hard_bytes = 1000;
	s->initiator = false;
}

static size_t
esp_len(size_t k, size_t n)
{
	size_t b = gw_suites[k].block;

	return 8 + gw_suites[k].iv + (n + 2 + b - 1) / b * b + gw_suites[k].icv;
}

static void
test_install_and_round_trip(void)
{
	struct isakmp_ipsec_sa gs, cs;
	struct esp_sa *gin, *gout, *cin, *cout;
	struct esp_endpoint from;
	struct esp_sa_info info;
	struct esp_event ev;
	struct esp_rx rx;
	struct ts_rng r;
	struct et gw, cl;
	uint8_t buf[ESP_HEADROOM + 600 + ESP_TAILROOM], orig[600], *ip, *u;
	size_t k, off, len, n, cur, sent;

	ts_rng_init(&r, 3947);
	for (k = 0; k < sizeof(gw_suites) / sizeof(gw_suites[0]); k++) {
		et_init(&gw, NULL);
		et_init(&cl, NULL);
		gw_sa(&gs, k, &r);
		mirror(&gs, &cs);
		CU_ASSERT_EQUAL_FATAL(install(gw.ctx, 0, &gs, 0x9e11, &gin, &gout),
		    ESP_OK);
		CU_ASSERT_EQUAL_FATAL(install(cl.ctx, 0, &cs, 1, &cin, &cout),
		    ESP_OK);
		CU_ASSERT_PTR_EQUAL(esp_sa_find(gw.ctx, gs.spi_in), gin);
		/* What `show` says is what was negotiated. */
		cur = 0;
		while (esp_sa_next(gw.ctx, 0, &cur, &info)) {
			CU_ASSERT_EQUAL((int)info.enc_alg, (int)gs.enc_alg);
			CU_ASSERT_EQUAL(info.enc_key_bits, gs.enc_key_len * 8);
			CU_ASSERT_EQUAL((int)info.integ_alg, (int)gs.integ_alg);
			CU_ASSERT_EQUAL(info.peer.ip, NAT_IP);
			CU_ASSERT_EQUAL(info.peer.port, NAT_PORT);
			CU_ASSERT_EQUAL(info.hard.bytes, gs.hard_bytes);
			CU_ASSERT_EQUAL(info.hard.time_ns, 0);	/* libisakmp's */
		}

		/* 1. Client -> NAT -> gateway, the gateway's way: the UDP/4500
		 *    payload straight into esp_input with the sender. */
		off = ESP_HEADROOM;
		len = et_udp_packet(buf + off, CLIENT_IP, GW_IP, 1701, 1701, 60);
		memcpy(orig, buf + off, len);
		CU_ASSERT_EQUAL_FATAL(esp_ipv4_encap(cl.ctx, 0, cout, buf,
		    sizeof(buf), &off, &len), ESP_OK);
		ip = buf + off;
		u = ip + 20;
		CU_ASSERT_EQUAL(len, 20 + 8 + esp_len(k, 68));
		CU_ASSERT_EQUAL(espi_get16(u + 2), 4500);
		CU_ASSERT_EQUAL(espi_get32(u + 8), gs.spi_in);
		CU_ASSERT_EQUAL(esp_udp_classify(gw.ctx, u + 8, len - 28),
		    ESP_UDP_ESP);
		from.ip = NAT_IP;		/* the NAT rewrote the source */
		from.port = NAT_PORT;
		CU_ASSERT_EQUAL_FATAL(esp_input(gw.ctx, 0, u + 8, len - 28, &from,
		    &rx), ESP_OK);
		CU_ASSERT_PTR_EQUAL(rx.sa, gin);
		CU_ASSERT_EQUAL(rx.user, 0x9e11);
		CU_ASSERT_EQUAL(rx.next_header, 17);
		CU_ASSERT_FALSE(rx.peer_moved);
		TS_ASSERT_BYTES(gw_suites[k].name, u + 8 + rx.off, rx.len,
		    orig + 20, 68);

		/* 2. The same through esp_ipv4_decap: NAT-OA fixes the UDP
		 *    checksum for the NAT's addresses (direction check). */
		off = ESP_HEADROOM;
		len = et_udp_packet(buf + off, CLIENT_IP, GW_IP, 1701, 1701, 61);
		CU_ASSERT_EQUAL_FATAL(esp_ipv4_encap(cl.ctx, 0, cout, buf,
		    sizeof(buf), &off, &len), ESP_OK);
		ip = buf + off;
		espi_put32(ip + 12, NAT_IP);
		espi_put16(ip + 20, NAT_PORT);
		espi_put16(ip + 10, 0);
		espi_put16(ip + 10, et_csum(ip, 20, 0));
		CU_ASSERT_EQUAL_FATAL(esp_ipv4_decap(gw.ctx, 0, ip, len, &rx),
		    ESP_OK);
		CU_ASSERT_FALSE(rx.peer_moved);
		CU_ASSERT_EQUAL(espi_get32(ip + rx.off + 12), NAT_IP);
		CU_ASSERT_NOT_EQUAL(espi_get16(ip + rx.off + 26), 0);
		CU_ASSERT_TRUE(et_l4_csum_ok(ip + rx.off, rx.len));

		/* 3. Gateway -> client: L2TP payload, UDP header, ESP. */
		sent = 0;
		for (n = 0; n < 3; n++) {
			off = ESP_HEADROOM;
			len = 8 + 200;
			memset(buf + off, (int)n, len);
			espi_put16(buf + off, 1701);
			espi_put16(buf + off + 2, 1701);
			memcpy(orig, buf + off, len);
			CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(gw.ctx, 0, gout, 17, buf,
			    sizeof(buf), &off, &len), ESP_OK);
			sent += 208;
			CU_ASSERT_EQUAL(len, esp_len(k, 208));
			CU_ASSERT_EQUAL(espi_get32(buf + off), cs.spi_in);
			from.ip = GW_IP;
			from.port = 4500;
			CU_ASSERT_EQUAL_FATAL(esp_input(cl.ctx, 0, buf + off, len,
			    &from, &rx), ESP_OK);
			CU_ASSERT_PTR_EQUAL(rx.sa, cin);
			CU_ASSERT_EQUAL(rx.seq, n + 1);
			TS_ASSERT_BYTES(gw_suites[k].name, buf + off + rx.off,
			    rx.len, orig, 208);
		}
		CU_ASSERT_FALSE(esp_next_event(gw.ctx, &ev));	/* 624 < 900 */

		/* 4. Byte lifetimes (libesp's): soft then hard, for the SA the
		 *    caller hands to isakmp_ipsec_sa_rekey / _delete. */
		while (sent < gs.hard_bytes) {
			off = ESP_HEADROOM;
			len = 100;
			memset(buf + off, 0, len);
			CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(gw.ctx, 0, gout, 17, buf,
			    sizeof(buf), &off, &len), ESP_OK);
			sent += 100;
		}
		CU_ASSERT_TRUE_FATAL(esp_next_event(gw.ctx, &ev));
		CU_ASSERT_EQUAL(ev.type, ESP_EV_SOFT_EXPIRE);
		CU_ASSERT_EQUAL(ev.limit, ESP_LIMIT_BYTES);
		CU_ASSERT_PTR_EQUAL(ev.sa, gout);
		CU_ASSERT_EQUAL(ev.user, 0x9e11);
		CU_ASSERT_TRUE_FATAL(esp_next_event(gw.ctx, &ev));
		CU_ASSERT_EQUAL(ev.type, ESP_EV_HARD_EXPIRE);
		CU_ASSERT_EQUAL(ev.limit, ESP_LIMIT_BYTES);
		CU_ASSERT_PTR_EQUAL(ev.sa, gout);
		CU_ASSERT_EQUAL(esp_next_timeout(gw.ctx), UINT64_MAX);
		sodium_memzero(&gs, sizeof(gs));
		sodium_memzero(&cs, sizeof(cs));
		et_fini(&gw);
		et_fini(&cl);
	}
}

/*
 * The salt is separate from the key (enc_key_len excludes it) and is used:
 * a one-bit difference in salt_in, or the salt appended to the key, fails.
 */
static void
test_gcm_salt_separate(void)
{
	struct isakmp_ipsec_sa gs, cs;
	struct esp_sa *gin, *gout, *cin, *cout;
	struct esp_rx rx;
	struct ts_rng r;
	struct et gw, cl;
	uint8_t buf[256];
	size_t off, len;

	ts_rng_init(&r, 4106);
	et_init(&gw, NULL);
	et_init(&cl, NULL);
	gw_sa(&gs, 5, &r);		/* AES128-GCM-16 */
	mirror(&gs, &cs);
	CU_ASSERT_EQUAL(gs.enc_key_len, 16);
	cs.salt_out[3] ^= 1;
	CU_ASSERT_EQUAL_FATAL(install(gw.ctx, 0, &gs, 1, &gin, &gout), ESP_OK);
	CU_ASSERT_EQUAL_FATAL(install(cl.ctx, 0, &cs, 1, &cin, &cout), ESP_OK);
	off = ESP_HEADROOM;
	len = 8;
	memset(buf + off, 0, len);
	espi_put16(buf + off + 2, 1701);
	CU_ASSERT_EQUAL_FATAL(esp_sa_encrypt(cl.ctx, 0, cout, 17, buf, sizeof(buf),
	    &off, &len), ESP_OK);
	CU_ASSERT_EQUAL(esp_input(gw.ctx, 0, buf + off, len, NULL, &rx),
	    ESP_E_AUTH);
	et_fini(&gw);
	/* KEYMAT with the salt still attached is not a valid key length. */
	et_init(&gw, NULL);
	gs.enc_key_len = 20;
	CU_ASSERT_EQUAL(install(gw.ctx, 0, &gs, 1, &gin, &gout), ESP_E_INVAL);
	et_fini(&gw);
	et_fini(&cl);
}

void
test_isakmp_sa_register(void)
{
	CU_pSuite s = CU_add_suite("esp_isakmp_sa", NULL, NULL);

	CU_add_test(s, "install from isakmp_ipsec_sa, round trip per suite",
	    test_install_and_round_trip);
	CU_add_test(s, "GCM salt separate from the key", test_gcm_salt_separate);
}
