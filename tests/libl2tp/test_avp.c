/* AVP codec tests (avp.c): message building, AVP parsing, hiding (RFC 2661
 * 4.1 - 4.4), exercised on the internal functions with a real context. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "l2tp_int.h"

void test_avp_register(void);

static struct avp_set set;          /* large: scratch for hidden values */
static struct msg_builder mb;

/* A context with (secret != NULL) or without a shared secret. */
static struct l2tp_ctx *
avp_ctx(struct ts_rng *r, const char *secret, bool hide)
{
	struct l2tp_ctx *c = NULL;
	struct l2tp_config cfg;
	struct l2tp_hooks hk;

	ts_rng_init(r, 7);
	memset(&hk, 0, sizeof(hk));
	hk.user = r;
	hk.rng = ts_rng_cb;
	h_default_config(&cfg, L2TP_ROLE_LNS);
	if (secret != NULL) {
		cfg.secret_len = strlen(secret);
		memcpy(cfg.secret, secret, cfg.secret_len);
		cfg.hide_avps = hide;
	}
	CU_ASSERT_EQUAL_FATAL(l2tp_ctx_new(&c, &cfg, &hk), 0);
	return c;
}

/* True if needle occurs in hay. */
static bool
contains(const uint8_t *hay, size_t hlen, const uint8_t *needle, size_t nlen)
{
	size_t i;

	for (i = 0; i + nlen <= hlen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return true;
	return false;
}

static int
parse(struct l2tp_ctx *c, const uint8_t *body, size_t len)
{
	char why[160];

	return l2tpi_avp_parse(c, body, len, &set, why, sizeof(why));
}

/* The builder lays AVPs out exactly as RFC 2661 4.1 draws them. */
static void
test_build_layout(void)
{
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, NULL, false);
	static const uint8_t want[] = {
		0xc8, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,  /* M, len 8, Message Type ICRQ */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x0e, 0x12, 0x34,  /* M, Assigned Session ID */
		0x80, 0x0a, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x2a, /* Call Serial */
		0x00, 0x0a, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x02, /* Bearer Type, no M */
		0x80, 0x06, 0x00, 0x00, 0x00, 0x27,              /* Sequencing Required, empty */
	};

	l2tpi_mb_init(&mb, MT_ICRQ);
	l2tpi_mb_u16(c, &mb, true, AVP_SESSION_ID, 0x1234, true);   /* hide ignored: no secret */
	l2tpi_mb_u32(c, &mb, true, AVP_SERIAL, 42, false);
	l2tpi_mb_u32(c, &mb, false, AVP_BEARER_TYPE, 2, false);
	l2tpi_mb_avp(c, &mb, true, AVP_SEQ_REQUIRED, NULL, 0, false);
	CU_ASSERT_EQUAL(mb.err, 0);
	TS_ASSERT_BYTES("ICRQ", mb.buf, mb.len, want, sizeof(want));
	l2tp_ctx_free(c);
}

static void
test_parse_roundtrip(void)
{
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, NULL, false);

	l2tpi_mb_init(&mb, MT_SCCRQ);
	l2tpi_mb_u16(c, &mb, true, AVP_PROTO_VERSION, 0x0100, false);
	l2tpi_mb_avp(c, &mb, true, AVP_HOSTNAME, "gw.example", 10, false);
	l2tpi_mb_u32(c, &mb, true, AVP_FRAMING_CAP, 3, false);
	l2tpi_mb_u16(c, &mb, true, AVP_TUNNEL_ID, 0xbeef, false);
	CU_ASSERT_EQUAL_FATAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), 0);
	CU_ASSERT_EQUAL(set.msg_type, MT_SCCRQ);
	CU_ASSERT_TRUE(set.msg_type_mbit);
	CU_ASSERT_EQUAL(set.count, 5);
	CU_ASSERT_EQUAL(set.unknown_mandatory, -1);
	CU_ASSERT_TRUE(set.a[AVP_TUNNEL_ID].present);
	CU_ASSERT_FALSE(set.a[AVP_TUNNEL_ID].hidden);
	CU_ASSERT_EQUAL(get16(set.a[AVP_TUNNEL_ID].v), 0xbeef);
	TS_ASSERT_BYTES("host", set.a[AVP_HOSTNAME].v, set.a[AVP_HOSTNAME].len, "gw.example", 10);
	CU_ASSERT_EQUAL(get32(set.a[AVP_FRAMING_CAP].v), 3);
	CU_ASSERT_FALSE(set.a[AVP_CHALLENGE].present);
	/* No AVPs at all. */
	CU_ASSERT_EQUAL(parse(c, mb.buf, 0), L2TP_E_MISSING_AVP);
	l2tp_ctx_free(c);
}

/* Hidden values of several MD5 blocks survive the trip; each message gets
 * one Random Vector placed before its first hidden AVP. */
static void
test_hidden_roundtrip(void)
{
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, "avp-secret", true), *plain;
	uint8_t name[40];
	unsigned i, rvs = 0;
	size_t off;

	for (i = 0; i < sizeof(name); i++)
		name[i] = (uint8_t)('a' + i % 26);
	l2tpi_mb_init(&mb, MT_SCCRQ);
	l2tpi_mb_u16(c, &mb, true, AVP_TUNNEL_ID, 0x4242, true);
	l2tpi_mb_avp(c, &mb, true, AVP_HOSTNAME, name, sizeof(name), true);
	l2tpi_mb_u32(c, &mb, true, AVP_SERIAL, 7, true);
	CU_ASSERT_EQUAL_FATAL(mb.err, 0);
	for (off = CTRL_HDR_LEN; off + 6 <= mb.len; off += get16(mb.buf + off) & AVP_LEN_MASK)
		rvs += get16(mb.buf + off + 4) == AVP_RANDOM_VECTOR;
	CU_ASSERT_EQUAL(rvs, 1);
	/* The hidden bytes differ from the plain value. */
	CU_ASSERT_FALSE(contains(mb.buf, mb.len, name, 16));
	CU_ASSERT_EQUAL_FATAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), 0);
	CU_ASSERT_TRUE(set.a[AVP_TUNNEL_ID].hidden);
	CU_ASSERT_EQUAL(get16(set.a[AVP_TUNNEL_ID].v), 0x4242);
	TS_ASSERT_BYTES("hidden host", set.a[AVP_HOSTNAME].v, set.a[AVP_HOSTNAME].len,
	    name, sizeof(name));
	CU_ASSERT_EQUAL(get32(set.a[AVP_SERIAL].v), 7);
	/* A receiver without the secret cannot decode them. */
	plain = avp_ctx(&r, NULL, false);
	CU_ASSERT_EQUAL(parse(plain, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), L2TP_E_HIDDEN);
	l2tp_ctx_free(plain);
	/* hide_xor is its own inverse given the direction. */
	{
		uint8_t buf[40], rv[4] = { 9, 8, 7, 6 };

		memcpy(buf, name, 40);
		CU_ASSERT_EQUAL(l2tpi_hide_xor(c, AVP_HOSTNAME, rv, 4, buf, 40, true), 0);
		CU_ASSERT_NOT_EQUAL(memcmp(buf, name, 40), 0);
		CU_ASSERT_EQUAL(l2tpi_hide_xor(c, AVP_HOSTNAME, rv, 4, buf, 40, false), 0);
		TS_ASSERT_BYTES("hide_xor inverse", buf, 40, name, 40);
	}
	l2tp_ctx_free(c);
}

/* A Random Vector applies to the hidden AVPs after it, up to the next one
 * (4.3): two vectors in one message, each AVP decoded with its own. */
static void
test_hidden_two_vectors(void)
{
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, "k2", false);
	uint8_t rv1[16], rv2[16], sub[4];

	memset(rv1, 0x11, sizeof(rv1));
	memset(rv2, 0x22, sizeof(rv2));
	l2tpi_mb_init(&mb, MT_ICRQ);
	l2tpi_mb_avp(c, &mb, true, AVP_RANDOM_VECTOR, rv1, sizeof(rv1), false);
	put16(sub, 2);
	put16(sub + 2, 0x0101);
	CU_ASSERT_EQUAL(l2tpi_hide_xor(c, AVP_SESSION_ID, rv1, 16, sub, 4, true), 0);
	l2tpi_mb_avp(c, &mb, true, AVP_SESSION_ID, sub, 4, false);
	mb.buf[mb.len - 10] |= AVP_H >> 8;
	l2tpi_mb_avp(c, &mb, true, AVP_RANDOM_VECTOR, rv2, sizeof(rv2), false);
	put16(sub, 2);
	put16(sub + 2, 0x0202);
	CU_ASSERT_EQUAL(l2tpi_hide_xor(c, AVP_TUNNEL_ID, rv2, 16, sub, 4, true), 0);
	l2tpi_mb_avp(c, &mb, true, AVP_TUNNEL_ID, sub, 4, false);
	mb.buf[mb.len - 10] |= AVP_H >> 8;
	CU_ASSERT_EQUAL_FATAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), 0);
	CU_ASSERT_EQUAL(get16(set.a[AVP_SESSION_ID].v), 0x0101);
	CU_ASSERT_EQUAL(get16(set.a[AVP_TUNNEL_ID].v), 0x0202);
	l2tp_ctx_free(c);
}

/* Value length bounds of RFC 2661 4.4: min and max accepted, one less / one
 * more refused with L2TP_E_BAD_AVP. */
static void
test_length_bounds(void)
{
	static const struct {
		uint16_t type, min, max;
	} tab[] = {
		{ AVP_RESULT, 2, 1017 }, { AVP_PROTO_VERSION, 2, 2 }, { AVP_FRAMING_CAP, 4, 4 },
		{ AVP_TIE_BREAKER, 8, 8 }, { AVP_HOSTNAME, 1, 1017 }, { AVP_TUNNEL_ID, 2, 2 },
		{ AVP_RWS, 2, 2 }, { AVP_CHALLENGE, 1, 1017 }, { AVP_CHAL_RESP, 16, 16 },
		{ AVP_SESSION_ID, 2, 2 }, { AVP_SERIAL, 4, 4 }, { AVP_Q931, 3, 1017 },
		{ AVP_CALL_ERRORS, 26, 26 }, { AVP_ACCM, 10, 10 }, { AVP_PROXY_AUTH_TYPE, 2, 2 },
		{ AVP_SEQ_REQUIRED, 0, 0 }, { AVP_RANDOM_VECTOR, 1, 1017 },
	};
	static uint8_t val[1100];
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, NULL, false);
	unsigned i;
	int k;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		for (k = -1; k <= 1; k += 2) {
			int len = k < 0 ? tab[i].min - 1 : tab[i].max + 1;
			uint8_t *p;

			/* 1017 is the format's limit (10-bit length), not a bound. */
			if (len < 0 || len > 1017)
				continue;
			/* Built by hand: mb_avp refuses more than 1017 bytes. */
			l2tpi_mb_init(&mb, MT_HELLO);
			p = mb.buf + mb.len;
			put16(p, (uint16_t)(6 + len));
			put16(p + 2, 0);
			put16(p + 4, tab[i].type);
			memcpy(p + 6, val, (size_t)len);
			mb.len += 6 + (size_t)len;
			if (parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN) != L2TP_E_BAD_AVP)
				fprintf(stderr, "AVP %u length %d accepted\n", tab[i].type, len);
			CU_ASSERT_EQUAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN),
			    L2TP_E_BAD_AVP);
		}
		l2tpi_mb_init(&mb, MT_HELLO);
		l2tpi_mb_avp(c, &mb, false, tab[i].type, val, tab[i].min, false);
		CU_ASSERT_EQUAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), 0);
		l2tpi_mb_init(&mb, MT_HELLO);
		l2tpi_mb_avp(c, &mb, false, tab[i].type, val, tab[i].max, false);
		CU_ASSERT_EQUAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), 0);
	}
	l2tp_ctx_free(c);
}

/* Numbered table of malformed AVP sequences (message bodies). */
static void
test_bad_bodies(void)
{
	static const struct {
		const char *hex;
		int rc;
	} tab[] = {
		/* 0: 5 bytes: AVP header truncated */
		{ "8008 0000 00", L2TP_E_AVP_LENGTH },
		/* 1: length 0 (would loop) */
		{ "8000 0000 0000 0006", L2TP_E_AVP_LENGTH },
		/* 2: length 5 */
		{ "8005 0000 0000 0006", L2TP_E_AVP_LENGTH },
		/* 3: length beyond the body */
		{ "8009 0000 0000 0006", L2TP_E_AVP_LENGTH },
		/* 4: first AVP is Host Name */
		{ "8008 0000 0007 4142", L2TP_E_BAD_AVP },
		/* 5: first AVP is a vendor's */
		{ "8008 0137 0000 0006", L2TP_E_BAD_AVP },
		/* 6: Message Type hidden */
		{ "c008 0000 0000 0006", L2TP_E_BAD_AVP },
		/* 7: Message Type of 3 bytes */
		{ "8009 0000 0000 0006 00", L2TP_E_BAD_AVP },
		/* 8: hidden AVP without Random Vector */
		{ "8008 0000 0000 000a c00a 0000 000e 0000 1234", L2TP_E_HIDDEN },
		/* 9: second AVP header truncated */
		{ "8008 0000 0000 000a 8008 00", L2TP_E_AVP_LENGTH },
	};
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, NULL, false);
	uint8_t b[64];
	size_t n;
	unsigned i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		n = ts_hex2bin(b, sizeof(b), tab[i].hex);
		CU_ASSERT_FATAL(n != (size_t)-1);
		if (parse(c, b, n) != tab[i].rc)
			fprintf(stderr, "body %u: %d, want %d\n", i, parse(c, b, n), tab[i].rc);
		CU_ASSERT_EQUAL(parse(c, b, n), tab[i].rc);
	}
	l2tp_ctx_free(c);
}

/* Unknown AVPs: optional ones are skipped, the first mandatory one is
 * recorded (vendor AVPs as 0x10000 | type); the first occurrence of a
 * known AVP wins; the Message Type's M bit is kept. */
static void
test_unknown_and_duplicates(void)
{
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, NULL, false);
	uint8_t v[2] = { 0, 1 };

	l2tpi_mb_init(&mb, MT_ICRQ);
	mb.buf[CTRL_HDR_LEN] &= (uint8_t)~(AVP_M >> 8);   /* Message Type without M */
	l2tpi_mb_avp(c, &mb, false, 99, v, 2, false);            /* unknown, optional */
	l2tpi_mb_u16(c, &mb, true, AVP_SESSION_ID, 1, false);
	l2tpi_mb_u16(c, &mb, true, AVP_SESSION_ID, 2, false);    /* duplicate: ignored */
	l2tpi_mb_avp(c, &mb, true, 77, v, 2, false);             /* unknown, mandatory */
	l2tpi_mb_avp(c, &mb, true, 78, v, 2, false);             /* second one: not recorded */
	CU_ASSERT_EQUAL_FATAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), 0);
	CU_ASSERT_FALSE(set.msg_type_mbit);
	CU_ASSERT_EQUAL(set.count, 6);
	CU_ASSERT_EQUAL(set.unknown_mandatory, 77);
	CU_ASSERT_EQUAL(get16(set.a[AVP_SESSION_ID].v), 1);
	/* A vendor-specific mandatory AVP. */
	l2tpi_mb_init(&mb, MT_ICRQ);
	{
		uint8_t *p = mb.buf + mb.len;

		put16(p, (uint16_t)(AVP_M | 8));
		put16(p + 2, 311);
		put16(p + 4, 5);
		put16(p + 6, 0);
		mb.len += 8;
	}
	CU_ASSERT_EQUAL_FATAL(parse(c, mb.buf + CTRL_HDR_LEN, mb.len - CTRL_HDR_LEN), 0);
	CU_ASSERT_EQUAL(set.unknown_mandatory, 0x10005);
	CU_ASSERT_FALSE(set.a[5].present);   /* not taken for Tie Breaker */
	l2tp_ctx_free(c);
}

/* Every prefix of a valid body parses iff it ends on an AVP boundary;
 * otherwise it is refused with a code. */
static void
test_prefixes(void)
{
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, "pfx", true);
	bool boundary[L2TP_MAX_DGRAM] = { false };
	const uint8_t *body;
	size_t blen, off, i;
	int rc;

	l2tpi_mb_init(&mb, MT_SCCRP);
	l2tpi_mb_u16(c, &mb, true, AVP_PROTO_VERSION, 0x0100, false);
	l2tpi_mb_avp(c, &mb, true, AVP_HOSTNAME, "prefix-host", 11, false);
	l2tpi_mb_u16(c, &mb, true, AVP_TUNNEL_ID, 0x0a0b, true);
	l2tpi_mb_u16(c, &mb, true, AVP_RWS, 8, false);
	CU_ASSERT_EQUAL_FATAL(mb.err, 0);
	body = mb.buf + CTRL_HDR_LEN;
	blen = mb.len - CTRL_HDR_LEN;
	for (off = 0; off < blen; off += get16(body + off) & AVP_LEN_MASK)
		boundary[off] = true;
	boundary[blen] = true;
	for (i = 1; i <= blen; i++) {
		rc = parse(c, body, i);
		if ((rc == 0) != boundary[i])
			fprintf(stderr, "prefix %zu: %d\n", i, rc);
		CU_ASSERT_EQUAL(rc == 0, boundary[i]);
		CU_ASSERT_TRUE(rc <= 0);
	}
	l2tp_ctx_free(c);
}

/* The builder refuses what does not fit; ctl_send then refuses the message. */
static void
test_builder_limits(void)
{
	struct ts_rng r;
	struct l2tp_ctx *c = avp_ctx(&r, NULL, false);
	static uint8_t big[1100];
	unsigned i;

	l2tpi_mb_init(&mb, MT_HELLO);
	l2tpi_mb_avp(c, &mb, false, AVP_HOSTNAME, big, 1018, false);
	CU_ASSERT_EQUAL(mb.err, L2TP_E_BUFFER);
	l2tpi_mb_init(&mb, MT_HELLO);
	CU_ASSERT_EQUAL(mb.err, 0);
	for (i = 0; i < 3; i++)
		l2tpi_mb_avp(c, &mb, false, AVP_VENDOR, big, 1000, false);
	CU_ASSERT_EQUAL(mb.err, L2TP_E_BUFFER);
	CU_ASSERT_TRUE(mb.len <= sizeof(mb.buf));
	/* The first error sticks. */
	mb_fail(&mb, L2TP_E_RNG);
	CU_ASSERT_EQUAL(mb.err, L2TP_E_BUFFER);
	l2tp_ctx_free(c);
}

void
test_avp_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_avp", NULL, NULL);

	CU_add_test(s, "builder layout (RFC 2661 4.1)", test_build_layout);
	CU_add_test(s, "parse round trip", test_parse_roundtrip);
	CU_add_test(s, "hidden round trip, one Random Vector", test_hidden_roundtrip);
	CU_add_test(s, "hidden: each Random Vector applies after it", test_hidden_two_vectors);
	CU_add_test(s, "value length bounds (4.4)", test_length_bounds);
	CU_add_test(s, "malformed bodies table", test_bad_bodies);
	CU_add_test(s, "unknown and duplicate AVPs", test_unknown_and_duplicates);
	CU_add_test(s, "every prefix: parse iff on an AVP boundary", test_prefixes);
	CU_add_test(s, "builder limits", test_builder_limits);
}
