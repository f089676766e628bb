/*
 * fuzz_isakmp.c - libFuzzer target over isakmp_input(), both roles.
 *
 * The first input byte selects the scenario, the rest is the datagram:
 *   0: fresh responder, datagram on UDP 500 (Main Mode 1 parsing, policy,
 *      proposal selection, amplification rule);
 *   1: fresh responder, datagram on UDP 4500 (non-ESP marker handling);
 *   2: responder after MM1+MM2 with a real initiator: the cookies of the
 *      half-open SA are patched in (MM3 parsing, KE/nonce/NAT-D checks);
 *   3: established pair: the datagram's cookies are patched, a leading HASH
 *      payload of the right size is recomputed (Quick Mode / Informational
 *      HASH(1)), the body is padded and encrypted with the phase 2 IV of its
 *      message ID, and it is fed to the responder, so the encrypted phases'
 *      parsers are reached;
 *   4: like 3 but fed to the initiator;
 *   5: established pair, the raw datagram (cookies patched, not encrypted);
 *   6: like 3 but the sealed message arrives from a new source port (the
 *      NAT rebinding checks: no NAT-T on this SA, so nothing may move).
 * The RNG is deterministic; DH uses MODP768 to keep executions fast.
 */
#include <stdint.h>
#include <string.h>

#include "exchange.h"
#include <roadgate/isakmp.h>
#include "isakmp_int.h"
#include "testsupport.h"

struct side {
	struct isakmp_ctx *ctx;
	struct ts_rng rng;
	uint32_t pid;
};

static int
frng(void *u, void *b, size_t n)
{
	return ts_rng_cb(&((struct side *)u)->rng, b, n);
}

static void
policy(struct isakmp_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	memcpy(p->psk, "fuzz-psk", 8);
	p->psk_len = 8;
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 0 };
	p->p1[1] = (struct isakmp_p1_proposal){ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP1024, 0 };
	p->p1[2] = (struct isakmp_p1_proposal){ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_MD5,
	    ISAKMP_GROUP_MODP1024, 0 };
	p->n_p1 = 3;
	p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	p->p2[1] = (struct isakmp_p2_proposal){ ISAKMP_ESP_3DES, 0, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	p->n_p2 = 2;
	p->natt = true;
	p->send_deletes = true;
	p->dpd_interval_ns = 10000000000ull;
	p->dpd_timeout_ns = 30000000000ull;
}

static int
side_new(struct side *s, uint64_t seed)
{
	struct isakmp_config cfg;
	struct isakmp_policy p;
	struct isakmp_hooks h;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_half_open = 4;
	memset(&h, 0, sizeof(h));
	h.user = s;
	h.rng = frng;
	ts_rng_init(&s->rng, seed);
	if ((rc = isakmp_ctx_new(&s->ctx, &cfg, &h)) != 0)
		return rc;
	policy(&p);
	return isakmp_policy_add(s->ctx, &p, &s->pid);
}

/* The context's newest IKE SA (internal), NULL if none. */
static struct ike_sa *
newest(struct isakmp_ctx *ctx)
{
	struct ike_sa *best = NULL;
	uint32_t i;

	for (i = 0; i < ctx->ikes.n; i++)
		if (best == NULL || ((struct ike_sa *)ctx->ikes.v[i])->id > best->id)
			best = ctx->ikes.v[i];
	return best;
}

/* isakmp_input is warn_unused_result; the target only cares that it returns. */
static int last_rc;

static const struct isakmp_addr C = { 0x0a000002u, 500 }, S = { 0xcb00710au, 500 };

static void
drain(struct isakmp_ctx *ctx)
{
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t l;
	struct isakmp_addr f, t;
	struct isakmp_event ev;

	while (isakmp_next_output(ctx, 0, b, sizeof(b), &l, &f, &t) == 0)
		;
	while (isakmp_next_event(ctx, &ev))
		isakmp_event_wipe(&ev);
}

/* Moves packets between the two sides; stops after `limit` datagrams. */
static void
pump(struct side *c, struct side *s, size_t limit)
{
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t l, n = 0;
	struct isakmp_addr f, t;
	bool any = true;

	while (any && n < limit) {
		any = false;
		if (isakmp_next_output(c->ctx, 0, b, sizeof(b), &l, &f, &t) == 0) {
			last_rc = isakmp_input(s->ctx, 0, b, l, &f, &t);
			any = true;
			n++;
		}
		if (n < limit && isakmp_next_output(s->ctx, 0, b, sizeof(b), &l, &f, &t) == 0) {
			last_rc = isakmp_input(c->ctx, 0, b, l, &f, &t);
			any = true;
			n++;
		}
	}
}

/* Encrypts a fuzzed phase 2 / Informational message for sa (see header comment). */
static size_t
seal(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *d, size_t n, uint8_t *out)
{
	uint8_t iv[MAX_HASH], mid[4], h[MAX_HASH];
	const uint8_t *parts[3];
	size_t lens[3], body, pad, blk = sa->alg.blk;
	uint32_t msgid;

	if (n < HDR_LEN || n > ISAKMP_MAX_PACKET - 64)
		return 0;
	memcpy(out, d, n);
	memcpy(out, sa->icookie, 8);
	memcpy(out + 8, sa->rcookie, 8);
	out[17] = 0x10;
	out[19] |= FL_E;
	msgid = rd32(out + 20);
	memcpy(mid, out + 20, 4);
	/* Recompute a leading HASH payload of the right size. */
	if (out[16] == PL_HASH && n >= HDR_LEN + 4 + sa->alg.hlen &&
	    rd16(out + HDR_LEN + 2) == 4 + sa->alg.hlen) {
		size_t after = HDR_LEN + 4 + sa->alg.hlen;

		parts[0] = mid; lens[0] = 4;
		parts[1] = out + after; lens[1] = n - after;
		if (iki_ikc_prf(ctx, sa->alg.md, sa->skeyid_a, sa->alg.hlen, parts, lens, 2, h) == 0)
			memcpy(out + HDR_LEN + 4, h, sa->alg.hlen);
	}
	body = n - HDR_LEN;
	pad = (blk - body % blk) % blk;
	if (body + pad == 0)
		pad = blk;
	memset(out + n, 0, pad);
	n += pad;
	out[24] = (uint8_t)(n >> 24); out[25] = (uint8_t)(n >> 16);
	out[26] = (uint8_t)(n >> 8); out[27] = (uint8_t)n;
	parts[0] = sa->iv; lens[0] = blk;
	parts[1] = mid; lens[1] = 4;
	if (iki_ikc_hash(sa->alg.md, parts, lens, 2, iv) != 0)
		return 0;
	{
		struct qm *q = NULL;
		size_t i;

		for (i = 0; i < MAX_P2; i++)
			if (sa->qm[i].used && sa->qm[i].msgid == msgid)
				q = &sa->qm[i];
		if (q != NULL)
			memcpy(iv, q->iv, blk);
	}
	if (iki_ikc_cbc(sa->alg.cipher, true, sa->enckey, iv, out + HDR_LEN, n - HDR_LEN,
	    out + HDR_LEN) != 0)
		return 0;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[ISAKMP_MAX_PACKET + 64];
	struct side c, s;
	struct isakmp_addr from = C, to = S;
	uint8_t mode;
	size_t n;

	if (size < 1 || size > ISAKMP_MAX_PACKET)
		return 0;
	mode = data[0] % 7;
	data++;
	size--;
#ifdef FUZZ_CORPUS_DIR
	/*
	 * Replay build (make check): every deep-mode input costs a full Main
	 * Mode + Quick Mode; run one in 32 of the deterministic mutations (the
	 * seeds themselves always run) so the test stays fast.  libFuzzer runs
	 * all of them.
	 */
	{
		static unsigned long deep;

		if (mode >= 2 && (deep++ % 32) != 0)
			return 0;
	}
#endif
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	if (mode == 0 || mode == 1) {
#ifdef FUZZ_CORPUS_DIR
		/* Replay build: one responder for all shallow inputs (creating a
		 * context loads an OpenSSL provider); a timeout clears its state. */
		static struct side shared;

		if (shared.ctx == NULL && side_new(&shared, 2) != 0)
			return 0;
		s.ctx = shared.ctx;
		shared.ctx = NULL;
#else
		if (side_new(&s, 2) != 0)
			goto out;
#endif
		if (mode == 1) {
			from.port = 4500;
			to.port = 4500;
		}
		last_rc = isakmp_input(s.ctx, 0, data, size, &from, &to);
		last_rc = isakmp_input(s.ctx, 0, data, size, &from, &to);  /* retransmission */
		drain(s.ctx);
		(void)isakmp_handle_timeout(s.ctx, 100ull * 1000000000ull);
		drain(s.ctx);
#ifdef FUZZ_CORPUS_DIR
		shared.ctx = s.ctx;
		s.ctx = NULL;
#endif
		goto out;
	}
	if (side_new(&s, 2) != 0)
		goto out;
	if (side_new(&c, 1) != 0 || isakmp_initiate(c.ctx, 0, c.pid, &C, &S, NULL) != 0)
		goto out;
	if (mode == 2) {
		pump(&c, &s, 2);
		if (newest(s.ctx) != NULL && size >= HDR_LEN) {
			memcpy(buf, data, size);
			memcpy(buf, newest(s.ctx)->icookie, 8);
			memcpy(buf + 8, newest(s.ctx)->rcookie, 8);
			last_rc = isakmp_input(s.ctx, 0, buf, size, &from, &to);
		}
		goto out;
	}
	pump(&c, &s, 64);
	if (newest(s.ctx) == NULL || newest(c.ctx) == NULL)
		goto out;
	if (mode == 5) {
		if (size >= HDR_LEN) {
			memcpy(buf, data, size);
			memcpy(buf, newest(s.ctx)->icookie, 8);
			memcpy(buf + 8, newest(s.ctx)->rcookie, 8);
			last_rc = isakmp_input(s.ctx, 0, buf, size, &from, &to);
		}
		goto out;
	}
	if (mode == 3 || mode == 6) {
		n = seal(s.ctx, newest(s.ctx), data, size, buf);
		if (mode == 6)
			from.port = 31337;
		if (n > 0)
			last_rc = isakmp_input(s.ctx, 0, buf, n, &from, &to);
		pump(&c, &s, 8);
	} else {
		n = seal(c.ctx, newest(c.ctx), data, size, buf);
		if (n > 0)
			last_rc = isakmp_input(c.ctx, 0, buf, n, &to, &from);
		pump(&c, &s, 8);
	}
	(void)isakmp_handle_timeout(s.ctx, 20ull * 1000000000ull);
	(void)isakmp_handle_timeout(c.ctx, 20ull * 1000000000ull);
	pump(&c, &s, 8);
out:
	isakmp_ctx_free(c.ctx);
	isakmp_ctx_free(s.ctx);
	return 0;
}
