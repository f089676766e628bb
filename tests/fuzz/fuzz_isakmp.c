/*
 * fuzz_isakmp.c - libFuzzer target over isakmp_input(), both roles.
 *
 * Built with libisakmp's sources compiled -DISAKMP_FUZZING: Diffie-Hellman
 * is a cheap stand-in (crypto.c), and the contexts live across inputs (each
 * input starts from the same state: every peer and SA of the previous one
 * deleted, the RNGs reseeded, the clock 10^5 s later), so an input costs a
 * few hashes, not a context and two modular exponentiations, and the
 * exchange states behind phase 1 are reached cheaply.
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
 *      NAT rebinding checks: no NAT-T on this SA, so nothing may move);
 *   7: a Quick Mode rekey in progress at the responder (QM1 delivered): the
 *      datagram is sealed into that exchange (its message ID and IV: QM3);
 *   8: the same at the initiator (QM1 sent, not delivered: QM2);
 *   9: after the IPsec SA rekey (the clock past 90% of its lifetime), sealed
 *      to the responder;
 *  10: after the phase 1 rekey (and the first IPsec SA's expiry), sealed to
 *      the responder's newest IKE SA;
 *  11: responder after MM1..MM4: the datagram is sealed as MM5 with the
 *      phase 1 IV (PSK trial, ID checks, INITIAL-CONTACT, peer attach);
 *  12: a responder answering statelessly (cookie_threshold 1, one half-open
 *      negotiation held): the datagram gets the initiator's cookies after
 *      the stateless MM2 and is fed as MM3 (cookie check, state from the
 *      offer table).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include <roadgate/isakmp.h>
#include "isakmp_int.h"
#include "testsupport.h"

struct side {
	struct isakmp_ctx *ctx;
	struct ts_rng rng;
	uint64_t seed;
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
side_new(struct side *s, uint64_t seed, uint32_t cookie_threshold)
{
	struct isakmp_config cfg;
	struct isakmp_policy p;
	struct isakmp_hooks h;
	uint32_t id;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_half_open = 4;
	cfg.cookie_threshold = cookie_threshold;
	memset(&h, 0, sizeof(h));
	h.user = s;
	h.rng = frng;
	s->seed = seed;
	ts_rng_init(&s->rng, seed);
	if ((rc = isakmp_ctx_new(&s->ctx, &cfg, &h)) != 0)
		return rc;
	policy(&p);
	if ((rc = isakmp_policy_add(s->ctx, &p, &s->pid)) != 0)
		return rc;
	/* A second candidate key for peer=any with a peer ID: the MM5 PSK trial. */
	memcpy(p.psk, "other-psk", 9);
	p.psk_len = 9;
	memcpy(p.peer_id, "\x0a\x00\x00\x02", 4);
	p.peer_id_len = 4;
	return isakmp_policy_add(s->ctx, &p, &id);
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
static uint64_t T = 1000000000ull;   /* each input runs 10^5 s after the previous */
#define SEC 1000000000ull

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

/* Back to the state after side_new: nothing negotiated, the RNG reseeded. */
static void
reset(struct side *x)
{
	struct isakmp_peer_info pi;
	struct isakmp_ike_sa_info ii;
	size_t cur;

	if (x->ctx == NULL)
		return;
	for (cur = 0; isakmp_peer_next(x->ctx, T, &cur, &pi); cur = 0) {
		(void)isakmp_peer_delete(x->ctx, T, pi.id);
		drain(x->ctx);
	}
	for (cur = 0; isakmp_ike_sa_next(x->ctx, T, &cur, &ii); cur = 0) {
		(void)isakmp_ike_sa_delete(x->ctx, T, ii.id);
		drain(x->ctx);
	}
	drain(x->ctx);
	ts_rng_init(&x->rng, x->seed);
}

/* Moves packets between the two sides at now; stops after `limit` datagrams. */
static void
pump(struct side *c, struct side *s, uint64_t now, size_t limit)
{
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t l, n = 0;
	struct isakmp_addr f, t;
	bool any = true;

	while (any && n < limit) {
		any = false;
		if (isakmp_next_output(c->ctx, now, b, sizeof(b), &l, &f, &t) == 0) {
			last_rc = isakmp_input(s->ctx, now, b, l, &f, &t);
			any = true;
			n++;
		}
		if (n < limit && isakmp_next_output(s->ctx, now, b, sizeof(b), &l, &f, &t) == 0) {
			last_rc = isakmp_input(c->ctx, now, b, l, &f, &t);
			any = true;
			n++;
		}
	}
	drain(c->ctx);
	drain(s->ctx);
}

/* The pending Quick Mode of sa (not finished), or NULL. */
static struct qm *
pending_qm(struct ike_sa *sa)
{
	size_t i;

	for (i = 0; sa != NULL && i < MAX_P2; i++)
		if (sa->qm[i].used && !sa->qm[i].ready)
			return &sa->qm[i];
	return NULL;
}

/*
 * Encrypts a fuzzed message for sa (see header comment).  msgid: 0 = the
 * datagram's own; phase1: seal as a Main Mode message with the phase 1 IV.
 */
static size_t
seal(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *d, size_t n, uint8_t *out,
    uint32_t force_msgid, bool phase1)
{
	uint8_t iv[MAX_HASH], mid[4], h[MAX_HASH];
	const uint8_t *parts[3];
	size_t lens[3], body, pad, blk = sa->alg.blk;
	uint32_t msgid;

	if (n < HDR_LEN || n > ISAKMP_MAX_PACKET - 64 || blk == 0)
		return 0;
	memcpy(out, d, n);
	memcpy(out, sa->icookie, 8);
	memcpy(out + 8, sa->rcookie, 8);
	out[17] = 0x10;
	out[19] |= FL_E;
	if (phase1) {
		out[18] = EX_MAIN;
		memset(out + 20, 0, 4);
	} else if (force_msgid != 0) {
		out[20] = (uint8_t)(force_msgid >> 24); out[21] = (uint8_t)(force_msgid >> 16);
		out[22] = (uint8_t)(force_msgid >> 8); out[23] = (uint8_t)force_msgid;
	}
	msgid = rd32(out + 20);
	memcpy(mid, out + 20, 4);
	/* Recompute a leading HASH payload of the right size. */
	if (!phase1 && out[16] == PL_HASH && n >= HDR_LEN + 4 + sa->alg.hlen &&
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
	if (phase1) {
		memcpy(iv, sa->iv, blk);
	} else {
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
	}
	if (iki_ikc_cbc(sa->alg.cipher, true, sa->enckey, iv, out + HDR_LEN, n - HDR_LEN,
	    out + HDR_LEN) != 0)
		return 0;
	return n;
}

/* Feeds the raw datagram with cookies patched to ctx's newest SA. */
static void
feed_patched(struct side *x, const uint8_t *data, size_t size, const struct isakmp_addr *from,
    const struct isakmp_addr *to, uint8_t *buf)
{
	struct ike_sa *sa = newest(x->ctx);

	if (sa == NULL || size < HDR_LEN)
		return;
	memcpy(buf, data, size);
	memcpy(buf, sa->icookie, 8);
	memcpy(buf + 8, sa->rcookie, 8);
	last_rc = isakmp_input(x->ctx, T, buf, size, from, to);
}

static struct side sc, ss, sl;   /* initiator, responder, stateless responder */

static void
free_sides(void)
{
	isakmp_ctx_free(sc.ctx);
	isakmp_ctx_free(ss.ctx);
	isakmp_ctx_free(sl.ctx);
	sc.ctx = ss.ctx = sl.ctx = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[ISAKMP_MAX_PACKET + 64];
	struct isakmp_addr from = C, to = S;
	struct ike_sa *sa;
	struct qm *q;
	uint8_t mode;
	size_t n;

	if (size < 1 || size > ISAKMP_MAX_PACKET)
		return 0;
	mode = data[0] % 13;
	data++;
	size--;
	if (ss.ctx == NULL) {
		if (side_new(&ss, 2, 0) != 0 || side_new(&sc, 1, 0) != 0 || side_new(&sl, 3, 1) != 0) {
			free_sides();
			return 0;
		}
		atexit(free_sides);
	}
	T += 100000ull * SEC;
	reset(&sc);
	reset(&ss);
	reset(&sl);
	if (mode == 0 || mode == 1) {
		if (mode == 1) {
			from.port = 4500;
			to.port = 4500;
		}
		last_rc = isakmp_input(ss.ctx, T, data, size, &from, &to);
		last_rc = isakmp_input(ss.ctx, T, data, size, &from, &to);  /* retransmission */
		drain(ss.ctx);
		(void)isakmp_handle_timeout(ss.ctx, T + 100 * SEC);
		drain(ss.ctx);
		return 0;
	}
	if (mode == 12) {
		struct isakmp_addr c2 = C;

		/* One half-open negotiation held: the next MM1 is answered statelessly. */
		c2.port = 1500;
		if (isakmp_initiate(sc.ctx, T, sc.pid, &c2, &S, NULL) != 0)
			return 0;
		pump(&sc, &sl, T, 1);
		if (isakmp_initiate(sc.ctx, T, sc.pid, &C, &S, NULL) != 0)
			return 0;
		pump(&sc, &sl, T, 2);
		/* The initiator's cookies (the stateless MM2's responder cookie). */
		if ((sa = newest(sc.ctx)) != NULL && size >= HDR_LEN) {
			memcpy(buf, data, size);
			memcpy(buf, sa->icookie, 8);
			memcpy(buf + 8, sa->rcookie, 8);
			last_rc = isakmp_input(sl.ctx, T, buf, size, &from, &to);
		}
		pump(&sc, &sl, T, 16);
		return 0;
	}
	if (isakmp_initiate(sc.ctx, T, sc.pid, &C, &S, NULL) != 0)
		return 0;
	if (mode == 2) {
		pump(&sc, &ss, T, 2);
		feed_patched(&ss, data, size, &from, &to, buf);
		return 0;
	}
	if (mode == 11) {
		pump(&sc, &ss, T, 4);
		if ((sa = newest(ss.ctx)) != NULL && (n = seal(ss.ctx, sa, data, size, buf, 0, true)) > 0)
			last_rc = isakmp_input(ss.ctx, T, buf, n, &from, &to);
		pump(&sc, &ss, T, 16);
		return 0;
	}
	pump(&sc, &ss, T, 64);
	if (newest(ss.ctx) == NULL || newest(sc.ctx) == NULL)
		return 0;
	if (mode == 5) {
		feed_patched(&ss, data, size, &from, &to, buf);
		return 0;
	}
	if (mode == 7 || mode == 8) {
		struct isakmp_ipsec_sa_info xi;
		size_t cur = 0;

		if (!isakmp_ipsec_sa_next(sc.ctx, T, &cur, &xi) ||
		    isakmp_ipsec_sa_rekey(sc.ctx, T, xi.id) != 0)
			return 0;
		if (mode == 7) {
			pump(&sc, &ss, T, 1);   /* QM1 delivered, QM2 not */
			sa = newest(ss.ctx);
			if ((q = pending_qm(sa)) != NULL &&
			    (n = seal(ss.ctx, sa, data, size, buf, q->msgid, false)) > 0)
				last_rc = isakmp_input(ss.ctx, T, buf, n, &from, &to);
		} else {
			sa = newest(sc.ctx);
			if ((q = pending_qm(sa)) != NULL &&
			    (n = seal(sc.ctx, sa, data, size, buf, q->msgid, false)) > 0)
				last_rc = isakmp_input(sc.ctx, T, buf, n, &to, &from);
		}
		pump(&sc, &ss, T, 16);
		return 0;
	}
	if (mode == 9 || mode == 10) {
		uint64_t later = T + (mode == 9 ? 3300 : 26000) * SEC;

		(void)isakmp_handle_timeout(sc.ctx, later);
		(void)isakmp_handle_timeout(ss.ctx, later);
		pump(&sc, &ss, later, 64);
		if ((sa = newest(ss.ctx)) != NULL && (n = seal(ss.ctx, sa, data, size, buf, 0, false)) > 0)
			last_rc = isakmp_input(ss.ctx, later, buf, n, &from, &to);
		pump(&sc, &ss, later, 16);
		return 0;
	}
	if (mode == 3 || mode == 6) {
		n = seal(ss.ctx, newest(ss.ctx), data, size, buf, 0, false);
		if (mode == 6)
			from.port = 31337;
		if (n > 0)
			last_rc = isakmp_input(ss.ctx, T, buf, n, &from, &to);
		pump(&sc, &ss, T, 8);
	} else {
		n = seal(sc.ctx, newest(sc.ctx), data, size, buf, 0, false);
		if (n > 0)
			last_rc = isakmp_input(sc.ctx, T, buf, n, &to, &from);
		pump(&sc, &ss, T, 8);
	}
	(void)isakmp_handle_timeout(ss.ctx, T + 20 * SEC);
	(void)isakmp_handle_timeout(sc.ctx, T + 20 * SEC);
	pump(&sc, &ss, T + 20 * SEC, 8);
	return 0;
}
