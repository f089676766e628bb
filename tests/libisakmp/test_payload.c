/*
 * test_payload.c - the payload chain parser and writer (payload.c) and the
 * per-exchange script tables (dispatch.c): hand-built chains with a comment
 * per field, every truncation, each error with its counter.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "exchange.h"
#include "isakmp_int.h"
#include "testsupport.h"

void test_payload_register(void);

static struct isakmp_ctx *
mkctx(struct h_side *s, uint64_t seed)
{
	CU_ASSERT_EQUAL_FATAL(h_side_init(s, NULL, NULL, seed), 0);
	return s->ctx;
}

static void
test_parse_chain(void)
{
	/* SA (8 bytes of body) -> VID (4 bytes) -> end, then 3 bytes of padding. */
	static const uint8_t chain[] = {
		PL_VID, 0, 0, 12,  1, 2, 3, 4, 5, 6, 7, 8,   /* SA: next VID, length 12 */
		PL_NONE, 0, 0, 8,  9, 9, 9, 9,               /* VID: last, length 8 */
		0, 0, 0,                                     /* padding, ignored */
	};
	struct h_side s;
	struct isakmp_ctx *ctx = mkctx(&s, 900);
	struct isakmp_stats st;
	struct msg m;
	uint8_t b[128];
	size_t i;

	memset(&m, 0, sizeof(m));
	m.next = PL_SA;
	CU_ASSERT_EQUAL(iki_pl_parse(ctx, chain, sizeof(chain), &m), 0);
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT_EQUAL(m.pl[0].type, PL_SA);
	CU_ASSERT_EQUAL(m.pl[0].len, 8);
	CU_ASSERT_EQUAL(m.pl[0].body[0], 1);
	CU_ASSERT_EQUAL(m.pl[1].type, PL_VID);
	CU_ASSERT_EQUAL(m.plen, 20);
	CU_ASSERT_PTR_EQUAL(iki_pl_find(&m, PL_VID, 0), &m.pl[1]);
	CU_ASSERT_PTR_NULL(iki_pl_find(&m, PL_VID, 1));
	CU_ASSERT_PTR_NULL(iki_pl_find(&m, PL_KE, 0));
	/* Every truncation of the chain proper is refused with a specific error. */
	for (i = 0; i < 20; i++) {
		int rc;

		memset(&m, 0, sizeof(m));
		m.next = PL_SA;
		rc = iki_pl_parse(ctx, chain, i, &m);
		CU_ASSERT(rc == ISAKMP_E_TRUNCATED || rc == ISAKMP_E_BAD_LENGTH);
	}
	isakmp_get_stats(ctx, &st);
	CU_ASSERT_EQUAL(st.rx_truncated + st.rx_bad_length, 20);
	/* A length under the generic header. */
	memcpy(b, chain, sizeof(chain));
	b[3] = 3;
	memset(&m, 0, sizeof(m));
	m.next = PL_SA;
	CU_ASSERT_EQUAL(iki_pl_parse(ctx, b, sizeof(chain), &m), ISAKMP_E_BAD_LENGTH);
	/* An unknown payload type (private use 200). */
	memset(&m, 0, sizeof(m));
	m.next = 200;
	CU_ASSERT_EQUAL(iki_pl_parse(ctx, chain, sizeof(chain), &m), ISAKMP_E_PAYLOAD);
	/* 25 empty VIDs: more than MAX_PAYLOADS. */
	for (i = 0; i < 25; i++) {
		b[4 * i] = i + 1 < 25 ? PL_VID : PL_NONE;
		b[4 * i + 1] = 0;
		b[4 * i + 2] = 0;
		b[4 * i + 3] = 4;
	}
	memset(&m, 0, sizeof(m));
	m.next = PL_VID;
	CU_ASSERT_EQUAL(iki_pl_parse(ctx, b, 100, &m), ISAKMP_E_PAYLOAD);
	CU_ASSERT_TRUE(ts_log_last_contains(&s.log, "more than"));
	isakmp_ctx_free(ctx);
}

static void
test_attributes(void)
{
	/* TV life type 1; TLV of 3 bytes 0x01 0x02 0x03; TLV of 0 bytes. */
	static const uint8_t tv[] = { 0x80, 11, 0x00, 0x01 };
	static const uint8_t tlv3[] = { 0x00, 12, 0x00, 0x03, 1, 2, 3 };
	static const uint8_t tlv0[] = { 0x00, 12, 0x00, 0x00 };
	static const uint8_t tlv5[] = { 0x00, 12, 0x00, 0x05, 1, 2, 3, 4, 5 };
	static const uint8_t tlv_short[] = { 0x00, 12, 0x00, 0x04, 1, 2 };
	const uint8_t *p;
	struct attr a;

	p = tv;
	CU_ASSERT_EQUAL(iki_attr_next(&p, tv + sizeof(tv), &a), 0);
	CU_ASSERT_EQUAL(a.type, 11);
	CU_ASSERT_EQUAL(a.val, 1);
	CU_ASSERT_FALSE(a.tlv_long);
	CU_ASSERT_PTR_EQUAL(p, tv + 4);
	p = tlv3;
	CU_ASSERT_EQUAL(iki_attr_next(&p, tlv3 + sizeof(tlv3), &a), 0);
	CU_ASSERT_EQUAL(a.val, 0x010203);
	CU_ASSERT_TRUE(a.tlv_long);
	p = tlv0;
	CU_ASSERT_EQUAL(iki_attr_next(&p, tlv0 + sizeof(tlv0), &a), ISAKMP_E_ATTR);
	p = tlv5;
	CU_ASSERT_EQUAL(iki_attr_next(&p, tlv5 + sizeof(tlv5), &a), ISAKMP_E_ATTR);
	p = tlv_short;
	CU_ASSERT_EQUAL(iki_attr_next(&p, tlv_short + sizeof(tlv_short), &a), ISAKMP_E_ATTR);
	p = tv;
	CU_ASSERT_EQUAL(iki_attr_next(&p, tv + 3, &a), ISAKMP_E_TRUNCATED);
}

static void
test_writer(void)
{
	uint8_t b[16];
	struct wbuf w = { b, 0, sizeof(b), false, 0 };
	size_t s;

	iki_wb_attr(&w, 2, 3600);          /* fits 16 bits: TV */
	CU_ASSERT_EQUAL(w.len, 4);
	CU_ASSERT_EQUAL(b[0], 0x80);
	iki_wb_attr(&w, 2, 100000);        /* does not: a 4-byte TLV */
	CU_ASSERT_EQUAL(w.len, 12);
	CU_ASSERT_EQUAL(b[4], 0x00);
	CU_ASSERT_EQUAL(b[7], 4);
	CU_ASSERT_EQUAL(rd32(b + 8), 100000);
	s = iki_wb_sub(&w, PL_NONE);       /* 4 more bytes: full */
	iki_wb_end(&w, s);
	CU_ASSERT_FALSE(w.err);
	CU_ASSERT_EQUAL(w.len, 16);
	iki_wb_u8(&w, 1);                  /* past the end: refused, nothing written */
	CU_ASSERT_TRUE(w.err);
	CU_ASSERT_EQUAL(w.len, 16);
	iki_wb_put(&w, b, 1);
	CU_ASSERT_EQUAL(w.len, 16);
}

static void
mk(struct msg *m, const uint8_t *types, size_t n)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++)
		m->pl[i].type = types[i];
	m->n = n;
}

/* The script of every message: required present, nothing else allowed. */
static void
test_scripts(void)
{
	static const struct {
		enum msg_kind k;
		uint8_t ok[8];
		size_t nok;
		uint8_t extra;         /* not allowed */
		uint8_t required;      /* dropped from ok for the "missing" case */
	} cases[] = {
		{ MSG_MM1, { PL_SA, PL_VID, PL_VID }, 3, PL_KE, PL_SA },
		{ MSG_MM2, { PL_SA, PL_VID }, 2, PL_NONCE, PL_SA },
		{ MSG_MM3, { PL_KE, PL_NONCE, PL_NATD, PL_NATD, PL_VID }, 5, PL_SA, PL_KE },
		{ MSG_MM3, { PL_KE, PL_NONCE, PL_NATD_DRAFT, PL_NATD_DRAFT }, 4, PL_ID, PL_NONCE },
		{ MSG_MM4, { PL_KE, PL_NONCE, PL_CR }, 3, PL_HASH, PL_NONCE },
		{ MSG_MM5, { PL_ID, PL_HASH, PL_N }, 3, PL_CERT, PL_HASH },
		{ MSG_MM6, { PL_ID, PL_HASH }, 2, PL_SIG, PL_ID },
		{ MSG_QM1, { PL_HASH, PL_SA, PL_NONCE, PL_KE, PL_ID, PL_ID, PL_NATOA, PL_NATOA },
		    8, PL_D, PL_NONCE },
		{ MSG_QM2, { PL_HASH, PL_SA, PL_NONCE, PL_ID, PL_ID, PL_N }, 6, PL_VID, PL_SA },
		{ MSG_QM3, { PL_HASH }, 1, PL_SA, PL_HASH },
		{ MSG_QM_DONE, { PL_HASH, PL_N }, 2, PL_D, PL_HASH },
		{ MSG_INFO, { PL_HASH, PL_N, PL_D }, 3, PL_SA, PL_HASH },
	};
	struct h_side s;
	struct isakmp_ctx *ctx = mkctx(&s, 901);
	struct isakmp_stats st;
	struct msg m;
	uint8_t t[9];
	size_t i, j, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mk(&m, cases[i].ok, cases[i].nok);
		CU_ASSERT_EQUAL(iki_script_check(ctx, NULL, &m, cases[i].k), 0);
		memcpy(t, cases[i].ok, cases[i].nok);
		t[cases[i].nok] = cases[i].extra;
		mk(&m, t, cases[i].nok + 1);
		CU_ASSERT_EQUAL(iki_script_check(ctx, NULL, &m, cases[i].k), ISAKMP_E_PAYLOAD);
		CU_ASSERT_TRUE(ts_log_last_contains(&s.log, "not allowed"));
		for (j = k = 0; j < cases[i].nok; j++)
			if (cases[i].ok[j] != cases[i].required)
				t[k++] = cases[i].ok[j];
		mk(&m, t, k);
		CU_ASSERT_EQUAL(iki_script_check(ctx, NULL, &m, cases[i].k), ISAKMP_E_PAYLOAD);
		CU_ASSERT_TRUE(ts_log_last_contains(&s.log, "required"));
	}
	isakmp_get_stats(ctx, &st);
	CU_ASSERT_EQUAL(st.rx_script, 2 * (sizeof(cases) / sizeof(cases[0])));
	isakmp_ctx_free(ctx);
}

/* Through isakmp_input: an MM1 carrying a KE payload is refused by its script. */
static void
test_script_input(void)
{
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_stats st;
	uint8_t b[ISAKMP_MAX_PACKET], o[ISAKMP_MAX_PACKET];
	struct isakmp_addr f, t, f2, t2;
	size_t len, lo, off;

	h_policy_default(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 902), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.c.ctx, h.now, b, sizeof(b), &len, &f, &t), 0);
	/* Chain an empty KE after the last payload. */
	off = HDR_LEN;
	while (b[off] != PL_NONE)
		off += rd16(b + off + 2);
	b[off] = PL_KE;
	b[len] = PL_NONE; b[len + 1] = 0; b[len + 2] = 0; b[len + 3] = 4;
	len += 4;
	b[26] = (uint8_t)(len >> 8);
	b[27] = (uint8_t)len;
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, b, len, &f, &t), ISAKMP_E_PAYLOAD);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_script, 1);
	CU_ASSERT_EQUAL(isakmp_next_output(h.s.ctx, h.now, o, sizeof(o), &lo, &f2, &t2),
	    ISAKMP_E_AGAIN);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);   /* no state */
	h_fini(&h);
}

void
test_payload_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_payload", NULL, NULL);

	CU_add_test(s, "payload chain parsing and truncations", test_parse_chain);
	CU_add_test(s, "data attributes", test_attributes);
	CU_add_test(s, "message writer", test_writer);
	CU_add_test(s, "script tables: required and allowed payloads", test_scripts);
	CU_add_test(s, "script refusal through isakmp_input", test_script_input);
}
