/*
 * exchange.c - IKE SA table, Main Mode (RFC 2409 5.4, pre-shared keys),
 * Quick Mode (RFC 2409 5.5), Informational exchanges (Delete, Notify, DPD
 * per RFC 3706), NAT traversal (RFC 3947) and timers.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

#define NS 1000000000ull
#define MS 1000000ull

static const uint8_t zero8[8];

/* ---- SA table ---------------------------------------------------------- */

static void
wipe_free(struct isakmp_ctx *ctx, uint8_t **p, size_t *len)
{
	if (*p != NULL) {
		sodium_memzero(*p, *len);
		ik_free(ctx, *p);
	}
	*p = NULL;
	*len = 0;
}

static int
store(struct isakmp_ctx *ctx, uint8_t **p, size_t *plen, const uint8_t *d, size_t len)
{
	uint8_t *n = ik_alloc(ctx, len ? len : 1);

	if (n == NULL)
		return ISAKMP_E_NOMEM;
	memcpy(n, d, len);
	wipe_free(ctx, p, plen);
	*p = n;
	*plen = len;
	return 0;
}

static void
qm_clear(struct isakmp_ctx *ctx, struct qm *q)
{
	wipe_free(ctx, &q->last_rx, &q->last_rx_len);
	wipe_free(ctx, &q->last_tx, &q->last_tx_len);
	ikc_dh_free(&q->dh);
	sodium_memzero(q, sizeof(*q));
}

void
sa_destroy(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct ike_sa **pp;
	size_t i;

	for (pp = &ctx->sas; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	if (sa->state != S_ESTABLISHED && sa->state != S_DEAD && ctx->n_half_open > 0)
		ctx->n_half_open--;
	ctx->n_sas--;
	for (i = 0; i < MAX_P2; i++)
		qm_clear(ctx, &sa->qm[i]);
	ikc_dh_free(&sa->dh);
	wipe_free(ctx, &sa->sai_b, &sa->sai_len);
	wipe_free(ctx, &sa->last_rx, &sa->last_rx_len);
	wipe_free(ctx, &sa->last_tx, &sa->last_tx_len);
	sodium_memzero(sa, sizeof(*sa));
	ik_free(ctx, sa);
}

static struct ike_sa *
sa_new(struct isakmp_ctx *ctx, bool initiator, const struct isakmp_addr *local,
    const struct isakmp_addr *remote, size_t policy)
{
	struct ike_sa *sa;

	if (ctx->n_sas >= ctx->cfg.max_ike_sas) {
		ctx->st.sa_limit_refused++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA limit %u reached", ctx->cfg.max_ike_sas);
		return NULL;
	}
	if ((sa = ik_alloc(ctx, sizeof(*sa))) == NULL)
		return NULL;
	sa->id = ctx->next_id++;
	sa->initiator = initiator;
	sa->local = *local;
	sa->remote = *remote;
	sa->policy = policy;
	sa->next = ctx->sas;
	ctx->sas = sa;
	ctx->n_sas++;
	ctx->n_half_open++;
	return sa;
}

static void
sa_established(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	if (ctx->n_half_open > 0)
		ctx->n_half_open--;
	sa->state = S_ESTABLISHED;
}

static struct isakmp_policy *
pol(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	return &ctx->cfg.policies[sa->policy];
}

static void
ev_base(struct ike_sa *sa, struct isakmp_event *ev, int type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->ike_id = sa->id;
	ev->local = sa->local;
	ev->remote = sa->remote;
	ev->nat_local = sa->nat_local;
	ev->nat_remote = sa->nat_remote;
	ev->p1 = sa->alg.p;
}

static void
ev_qm(struct isakmp_ctx *ctx, struct ike_sa *sa, struct qm *q, int type)
{
	struct isakmp_event ev;

	ev_base(sa, &ev, type);
	ev.sa = q->sa;
	if (type != ISAKMP_EV_SA_READY) {
		sodium_memzero(ev.sa.enc_key_in, sizeof(ev.sa.enc_key_in));
		sodium_memzero(ev.sa.enc_key_out, sizeof(ev.sa.enc_key_out));
		sodium_memzero(ev.sa.auth_key_in, sizeof(ev.sa.auth_key_in));
		sodium_memzero(ev.sa.auth_key_out, sizeof(ev.sa.auth_key_out));
	}
	ev_push(ctx, &ev);
	sodium_memzero(&ev, sizeof(ev));
}

/* ---- message encryption ------------------------------------------------ */

/* Encrypts w (header + payloads) in place with iv; iv becomes the last block. */
static int
encrypt_msg(struct ike_sa *sa, struct wbuf *w, uint8_t *iv)
{
	size_t blk = sa->alg.blk, body = w->len - HDR_LEN, pad;
	int rc;

	pad = (blk - body % blk) % blk;
	if (w->cap - w->len < pad) {
		w->err = true;
		return ISAKMP_E_BUFFER;
	}
	memset(w->p + w->len, 0, pad);
	w->len += pad;
	w->p[19] |= FL_E;
	w->p[24] = (uint8_t)(w->len >> 24);
	w->p[25] = (uint8_t)(w->len >> 16);
	w->p[26] = (uint8_t)(w->len >> 8);
	w->p[27] = (uint8_t)w->len;
	rc = ikc_cbc(sa->alg.cipher, true, sa->enckey, iv, w->p + HDR_LEN, w->len - HDR_LEN,
	    w->p + HDR_LEN);
	if (rc != 0)
		return rc;
	memcpy(iv, w->p + w->len - blk, blk);
	return 0;
}

static void
finish_len(struct wbuf *w)
{
	w->p[24] = (uint8_t)(w->len >> 24);
	w->p[25] = (uint8_t)(w->len >> 16);
	w->p[26] = (uint8_t)(w->len >> 8);
	w->p[27] = (uint8_t)w->len;
}

/*
 * Decrypts the body of pkt (len bytes) into out using iv; on success next_iv
 * receives the last ciphertext block (committed by the caller only once the
 * message verified).
 */
static int
decrypt_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *pkt, size_t len,
    const uint8_t *iv, uint8_t *out, uint8_t *next_iv)
{
	size_t blk = sa->alg.blk, body = len - HDR_LEN;

	if (body == 0 || body % blk != 0) {
		ctx->st.rx_decrypt_failed++;
		ik_log(ctx, ISAKMP_LOG_WARN, "encrypted body of %zu bytes is not a multiple "
		    "of the %zu-byte block", body, blk);
		return ISAKMP_E_DECRYPT;
	}
	if (ikc_cbc(sa->alg.cipher, false, sa->enckey, iv, pkt + HDR_LEN, body, out) != 0) {
		ctx->st.rx_decrypt_failed++;
		ik_log(ctx, ISAKMP_LOG_WARN, "decryption failed");
		return ISAKMP_E_DECRYPT;
	}
	memcpy(next_iv, pkt + len - blk, blk);
	return 0;
}

/* Phase 2 / Informational IV: hash(last phase 1 block | M-ID) (RFC 2409 App. B). */
static int
p2_iv(struct ike_sa *sa, uint32_t msgid, uint8_t *iv)
{
	uint8_t m[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16),
	    (uint8_t)(msgid >> 8), (uint8_t)msgid };
	uint8_t h[MAX_HASH];
	const uint8_t *parts[2] = { sa->iv, m };
	size_t lens[2] = { sa->alg.blk, 4 };
	int rc = ikc_hash(sa->alg.md, parts, lens, 2, h);

	memcpy(iv, h, sa->alg.blk);
	return rc;
}

static int
send_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *d, size_t len)
{
	return out_queue(ctx, &sa->local, &sa->remote, d, len);
}

/* ---- SA payload parsing ------------------------------------------------ */

/* Reads phase 1 transform attributes (RFC 2409 Appendix A). */
static int
p1_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen,
    struct isakmp_p1_proposal *out, uint16_t *auth)
{
	const uint8_t *p = t + 8, *end = t + tlen;
	struct attr a;
	uint16_t ltype = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	*auth = 0;
	if (tlen < 8 || t[5] != 1 /* KEY_IKE */)
		return 0;  /* not an IKE transform: auth stays 0, never matches */
	while (p < end) {
		if ((rc = attr_next(&p, end, &a)) != 0) {
			ctx->st.rx_bad_attr++;
			ik_log(ctx, ISAKMP_LOG_WARN, "bad phase 1 attribute at offset %zu",
			    (size_t)(p - t));
			return ISAKMP_E_ATTR;
		}
		switch (a.type) {
		case 1: out->enc = (uint16_t)a.val; break;
		case 2: out->hash = (uint16_t)a.val; break;
		case 3: *auth = (uint16_t)a.val; break;
		case 4: out->group = (uint16_t)a.val; break;
		case 11: ltype = (uint16_t)a.val; break;
		case 12:
			if (ltype == 1)
				out->life_s = a.val;
			break;
		case 14: out->key_bits = (uint16_t)a.val; break;
		default: break;
		}
	}
	return 0;
}

struct sa_iter {
	const uint8_t *prop;   /* current proposal payload */
	size_t proplen;
	const uint8_t *tr;     /* current transform payload */
	size_t trlen;
};

/*
 * Validates the SA payload body: DOI 1, situation identity-only, then a
 * chain of proposal payloads each holding its declared number of transforms,
 * every length consumed exactly.
 */
static int
sa_validate(struct isakmp_ctx *ctx, const uint8_t *b, size_t len, uint8_t want_proto)
{
	size_t off = 8, poff, plen, tlen, i;
	uint8_t pnext = PL_P, ntr, spisz, tnext;

	if (len < 8 || rd32(b) != 1 || rd32(b + 4) != 1) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "SA payload: %zu bytes, DOI/situation not IPsec/"
		    "identity-only", len);
		return ISAKMP_E_PAYLOAD;
	}
	while (pnext == PL_P) {
		if (len - off < 8)
			goto trunc;
		pnext = b[off];
		plen = rd16(b + off + 2);
		if (plen < 8 || plen > len - off)
			goto badlen;
		spisz = b[off + 6];
		ntr = b[off + 7];
		if (b[off + 5] != want_proto || ntr == 0 || (size_t)8 + spisz > plen) {
			ctx->st.rx_bad_payload++;
			ik_log(ctx, ISAKMP_LOG_WARN, "proposal: protocol %u, %u transforms, "
			    "SPI size %u", b[off + 5], ntr, spisz);
			return ISAKMP_E_NO_PROPOSAL;
		}
		poff = 8 + spisz;
		tnext = PL_T;
		for (i = 0; i < ntr; i++) {
			if (tnext != PL_T || plen - poff < 8)
				goto trunc;
			tnext = b[off + poff];
			tlen = rd16(b + off + poff + 2);
			if (tlen < 8 || tlen > plen - poff)
				goto badlen;
			poff += tlen;
		}
		if (poff != plen || tnext != PL_NONE)
			goto badlen;
		off += plen;
		if (pnext != PL_NONE && pnext != PL_P)
			goto badlen;
	}
	if (off != len)
		goto badlen;
	return 0;
trunc:
	ctx->st.rx_truncated++;
	ik_log(ctx, ISAKMP_LOG_WARN, "SA payload truncated at offset %zu of %zu", off, len);
	return ISAKMP_E_TRUNCATED;
badlen:
	ctx->st.rx_bad_length++;
	ik_log(ctx, ISAKMP_LOG_WARN, "SA payload: inner length mismatch at offset %zu of %zu",
	    off, len);
	return ISAKMP_E_BAD_LENGTH;
}

/* Iterates transforms of a validated SA body.  Returns false at the end. */
static bool
sa_next(const uint8_t *b, size_t len, struct sa_iter *it)
{
	size_t off;

	if (it->prop == NULL) {
		it->prop = b + 8;
		it->proplen = rd16(it->prop + 2);
		it->tr = it->prop + 8 + it->prop[6];
	} else {
		it->tr += it->trlen;
		if (it->tr >= it->prop + it->proplen) {
			if (it->prop[0] != PL_P)
				return false;
			it->prop += it->proplen;
			off = (size_t)(it->prop - b);
			if (off >= len)
				return false;
			it->proplen = rd16(it->prop + 2);
			it->tr = it->prop + 8 + it->prop[6];
		}
	}
	it->trlen = rd16(it->tr + 2);
	return true;
}

static bool
p1_match(struct isakmp_ctx *ctx, const struct isakmp_policy *p, const struct isakmp_p1_proposal *want,
    const struct isakmp_p1_proposal *got)
{
	uint16_t kb = got->key_bits;

	if (got->enc == ISAKMP_ENC_AES && kb == 0)
		kb = 128;
	if (got->enc == ISAKMP_ENC_DES && (!p->allow_des || ctx->c_des == NULL))
		return false;
	return want->enc == got->enc && want->hash == got->hash && want->group == got->group &&
	    (got->enc != ISAKMP_ENC_AES || (want->key_bits ? want->key_bits : 128) == kb);
}

/* ---- Main Mode --------------------------------------------------------- */

static void
add_vid(struct wbuf *w, const uint8_t *vid)
{
	size_t s = wb_begin(w, PL_VID);

	wb_put(w, vid, 16);
	wb_end(w, s);
}

static int
add_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w)
{
	uint8_t h[MAX_HASH];
	struct isakmp_addr fake;
	size_t s;
	int rc;

	/* RFC 3947 3.2: first the hash of the peer's address, then our own. */
	s = wb_begin(w, sa->natd_type);
	if ((rc = natd_hash(ctx, sa, &sa->remote, h)) != 0)
		return rc;
	wb_put(w, h, sa->alg.hlen);
	wb_end(w, s);
	s = wb_begin(w, sa->natd_type);
	fake = sa->local;
	if (pol(ctx, sa)->force_float)
		fake.port = 0;  /* never matches: the peer sees us behind a NAT */
	if ((rc = natd_hash(ctx, sa, &fake, h)) != 0)
		return rc;
	wb_put(w, h, sa->alg.hlen);
	wb_end(w, s);
	return 0;
}

/* RFC 3947 3.2: compare received NAT-D hashes with ours. */
static int
check_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *p;
	uint8_t h[MAX_HASH];
	size_t i;
	bool match = false;
	int rc;

	if (!sa->natt)
		return 0;
	if ((p = pl_find(m, sa->natd_type, 0)) == NULL) {
		sa->natt = false;  /* peer did not send NAT-D: no NAT-T */
		return 0;
	}
	if (p->len != sa->alg.hlen)
		goto bad;
	if ((rc = natd_hash(ctx, sa, &sa->local, h)) != 0)
		return rc;
	sa->nat_local = CRYPTO_memcmp(h, p->body, sa->alg.hlen) != 0;
	if ((rc = natd_hash(ctx, sa, &sa->remote, h)) != 0)
		return rc;
	for (i = 1; (p = pl_find(m, sa->natd_type, i)) != NULL; i++) {
		if (p->len != sa->alg.hlen)
			goto bad;
		if (CRYPTO_memcmp(h, p->body, sa->alg.hlen) == 0)
			match = true;
	}
	if (i < 2)
		goto bad;
	sa->nat_remote = !match;
	/* Forced float: we announced ourselves behind a NAT, so act like it. */
	if (pol(ctx, sa)->force_float)
		sa->nat_local = true;
	ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: NAT %s local, %s remote",
	    (unsigned long long)sa->id, sa->nat_local ? "behind" : "not behind",
	    sa->nat_remote ? "behind" : "not behind");
	return 0;
bad:
	ctx->st.rx_bad_payload++;
	ik_log(ctx, ISAKMP_LOG_WARN, "NAT-D payloads malformed (need 2+ of %zu bytes)",
	    sa->alg.hlen);
	return ISAKMP_E_PAYLOAD;
}

/* Vendor IDs of common clients, logged when seen (prefix match). */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t id[16];
} known_vids[] = {
	{ "Microsoft Windows (MS NT5 ISAKMPOAKLEY)", 16, { 0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99,
	    0x1c, 0x7d, 0x7c, 0x96, 0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61 } },
	{ "MS-Negotiation Discovery Capable", 16, { 0xfb, 0x1d, 0xe3, 0xcd, 0xf3, 0x41, 0xb7,
	    0xea, 0x16, 0xb7, 0xe5, 0xbe, 0x08, 0x55, 0xf1, 0x20 } },
	{ "Vid-Initial-Contact (Microsoft)", 16, { 0x26, 0x24, 0x4d, 0x38, 0xed, 0xdb, 0x61,
	    0xb3, 0x17, 0x2a, 0x36, 0xe3, 0xd0, 0xcf, 0xb8, 0x19 } },
	{ "IKE CGA version 1 (Microsoft)", 16, { 0xe3, 0xa5, 0x96, 0x6a, 0x76, 0x37, 0x9f,
	    0xe7, 0x07, 0x22, 0x82, 0x31, 0xe5, 0xce, 0x86, 0x52 } },
	{ "IKE fragmentation (not used with PSK)", 16, { 0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc,
	    0xe8, 0x85, 0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3 } },
	{ "Cisco Unity", 16, { 0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9, 0x70, 0x2d,
	    0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00 } },
	{ "strongSwan", 16, { 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc, 0x22, 0x51,
	    0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb } },
	{ "XAUTH", 8, { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12 } },
};

static void
scan_vids(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *p;
	size_t i, k;

	for (i = 0; (p = pl_find(m, PL_VID, i)) != NULL; i++) {
		for (k = 0; k < sizeof(known_vids) / sizeof(known_vids[0]); k++)
			if (p->len >= known_vids[k].len &&
			    memcmp(p->body, known_vids[k].id, known_vids[k].len) == 0)
				ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: peer vendor ID: %s",
				    (unsigned long long)sa->id, known_vids[k].name);
		if (p->len < 16)
			continue;
		if (memcmp(p->body, VID_RFC3947, 16) == 0)
			sa->natt_rfc = true;
		else if (memcmp(p->body, VID_DRAFT02N, 16) == 0 ||
		    memcmp(p->body, VID_DRAFT02, 16) == 0 || memcmp(p->body, VID_DRAFT03, 16) == 0)
			sa->natt_draft = true;
		else if (memcmp(p->body, VID_DPD, 16) == 0)
			sa->peer_dpd = true;
	}
	if (pol(ctx, sa)->natt && (sa->natt_rfc || sa->natt_draft)) {
		sa->natt = true;
		sa->natd_type = sa->natt_rfc ? PL_NATD : PL_NATD_DRAFT;
		sa->natoa_type = sa->natt_rfc ? PL_NATOA : PL_NATOA_DRAFT;
	}
}

static int
check_nonce(struct isakmp_ctx *ctx, const struct payload *n)
{
	if (n == NULL || n->len < 8 || n->len > 256) {
		ctx->st.rx_bad_nonce++;
		ik_log(ctx, ISAKMP_LOG_WARN, "nonce of %zu bytes (must be 8..256)",
		    n != NULL ? n->len : 0);
		return ISAKMP_E_NONCE;
	}
	return 0;
}

static int
check_ke(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct payload *ke)
{
	if (ke == NULL || ikc_dh_check_peer(sa->alg.p.group, ke->body, ke->len) != 0) {
		ctx->st.rx_bad_ke++;
		ik_log(ctx, ISAKMP_LOG_WARN, "KE of %zu bytes for group %u (need %zu, not "
		    "0/1/p-1)", ke != NULL ? ke->len : 0, sa->alg.p.group,
		    ikc_ke_len(sa->alg.p.group));
		return ISAKMP_E_KE;
	}
	return 0;
}

/* Generates our KE and nonce, computes g^xy and derives SKEYID*. */
static int
mm_keys(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct payload *ke)
{
	uint8_t gxy[MAX_KE];
	size_t gxylen = 0;
	struct isakmp_policy *p = pol(ctx, sa);
	int rc;

	if ((rc = ikc_dh_shared(ctx, &sa->dh, ke->body, ke->len, gxy, &gxylen)) != 0) {
		ctx->st.rx_bad_ke++;
		ik_log(ctx, ISAKMP_LOG_WARN, "Diffie-Hellman with the peer's value failed");
		goto out;
	}
	sa->gxlen = ke->len;
	if (sa->initiator) {
		memcpy(sa->gxi, sa->dh.pub, sa->gxlen);
		memcpy(sa->gxr, ke->body, sa->gxlen);
	} else {
		memcpy(sa->gxr, sa->dh.pub, sa->gxlen);
		memcpy(sa->gxi, ke->body, sa->gxlen);
	}
	rc = ikc_skeyids(ctx, sa, p->psk, p->psk_len, gxy, gxylen);
	ikc_dh_free(&sa->dh);
	if (rc == 0 && !sa->initiator) {
		memcpy(sa->gxy, gxy, gxylen);
		sa->gxylen = gxylen;
	}
out:
	sodium_memzero(gxy, sizeof(gxy));
	return rc;
}

/* HASH_I / HASH_R (RFC 2409 5.4). */
static int
mm_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, bool of_initiator, const uint8_t *idb,
    size_t idlen, uint8_t *out)
{
	const uint8_t *parts[6];
	size_t lens[6];

	parts[0] = of_initiator ? sa->gxi : sa->gxr;
	parts[1] = of_initiator ? sa->gxr : sa->gxi;
	parts[2] = of_initiator ? sa->icookie : sa->rcookie;
	parts[3] = of_initiator ? sa->rcookie : sa->icookie;
	parts[4] = sa->sai_b;
	parts[5] = idb;
	lens[0] = lens[1] = sa->gxlen;
	lens[2] = lens[3] = 8;
	lens[4] = sa->sai_len;
	lens[5] = idlen;
	return ikc_prf(ctx, sa->alg.md, sa->skeyid, sa->alg.hlen, parts, lens, 6, out);
}

static void
write_p1_transform(struct wbuf *w, uint8_t num, const struct isakmp_p1_proposal *p, bool last)
{
	size_t s = wb_sub(w, last ? PL_NONE : PL_T);

	wb_u8(w, num);
	wb_u8(w, 1);  /* KEY_IKE */
	wb_u16(w, 0);
	wb_attr(w, 1, p->enc);
	if (p->enc == ISAKMP_ENC_AES)
		wb_attr(w, 14, p->key_bits ? p->key_bits : 128);
	wb_attr(w, 2, p->hash);
	wb_attr(w, 3, 1);  /* pre-shared key */
	wb_attr(w, 4, p->group);
	wb_attr(w, 11, 1);
	wb_attr(w, 12, p->life_s ? p->life_s : 28800);
	wb_end(w, s);
}

static int
queue_stored(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w, bool store_tx)
{
	int rc;

	if (w->err)
		return ISAKMP_E_BUFFER;
	if (store_tx && (rc = store(ctx, &sa->last_tx, &sa->last_tx_len, w->p, w->len)) != 0)
		return rc;
	return send_msg(ctx, sa, w->p, w->len);
}

static int
start_dh_nonce(struct isakmp_ctx *ctx, struct ike_sa *sa, size_t nlen)
{
	int rc;

	if ((rc = ikc_dh_new(ctx, &sa->dh, sa->alg.p.group)) != 0)
		return rc;
	if (sa->initiator) {
		sa->nilen = nlen;
		return ik_rng(ctx, sa->ni, nlen);
	}
	sa->nrlen = nlen;
	return ik_rng(ctx, sa->nr, nlen);
}

static void
add_ke_nonce(struct ike_sa *sa, struct wbuf *w)
{
	size_t s = wb_begin(w, PL_KE);

	wb_put(w, sa->dh.pub, sa->dh.publen);
	wb_end(w, s);
	s = wb_begin(w, PL_NONCE);
	if (sa->initiator)
		wb_put(w, sa->ni, sa->nilen);
	else
		wb_put(w, sa->nr, sa->nrlen);
	wb_end(w, s);
}

static void
add_id_addr(struct wbuf *w, uint32_t ip, uint8_t proto, uint16_t port, size_t *start)
{
	size_t s = wb_begin(w, PL_ID);

	wb_u8(w, 1);  /* ID_IPV4_ADDR */
	wb_u8(w, proto);
	wb_u16(w, port);
	wb_u32(w, ip);
	wb_end(w, s);
	if (start != NULL)
		*start = s;
}

static void
add_hash_placeholder(struct ike_sa *sa, struct wbuf *w, size_t *hoff)
{
	size_t s = wb_begin(w, PL_HASH);
	uint8_t z[MAX_HASH] = { 0 };

	*hoff = w->len;
	wb_put(w, z, sa->alg.hlen);
	wb_end(w, s);
}

/* Responder: first Main Mode message (SA offer) -> MM2. */
static int
r_mm1(struct isakmp_ctx *ctx, uint64_t now, const struct msg *m, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to)
{
	const struct payload *sap = pl_find(m, PL_SA, 0);
	struct isakmp_policy *p = NULL;
	struct isakmp_p1_proposal got;
	struct ike_sa *sa;
	struct sa_iter it;
	const uint8_t *chosen = NULL, *cprop = NULL;
	size_t pi, i, j, s, s2;
	uint16_t auth;
	uint32_t ours;
	bool resp_life = false;
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	struct p1alg alg;
	int rc;

	for (pi = 0; pi < ctx->cfg.n_policies; pi++)
		if (ctx->cfg.policies[pi].peer_ip == 0 || ctx->cfg.policies[pi].peer_ip == from->ip) {
			p = &ctx->cfg.policies[pi];
			break;
		}
	if (p == NULL) {
		ctx->st.rx_no_policy++;
		ik_log(ctx, ISAKMP_LOG_INFO, "no policy for peer %u.%u.%u.%u",
		    from->ip >> 24, (from->ip >> 16) & 255, (from->ip >> 8) & 255, from->ip & 255);
		return ISAKMP_E_NO_POLICY;
	}
	if (sap == NULL || m->n < 1 || m->pl[0].type != PL_SA) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "Main Mode 1 without SA payload first");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = sa_validate(ctx, sap->body, sap->len, 1)) != 0)
		return rc;
	if (ctx->n_half_open >= ctx->cfg.max_half_open) {
		ctx->st.half_open_refused++;
		ik_log(ctx, ISAKMP_LOG_WARN, "half-open limit %u reached, Main Mode refused",
		    ctx->cfg.max_half_open);
		return ISAKMP_E_LIMIT;
	}
	/* Policy order decides, not the peer's order (macOS offers many). */
	memset(&alg, 0, sizeof(alg));
	for (i = 0; i < p->n_p1 && chosen == NULL; i++) {
		memset(&it, 0, sizeof(it));
		while (sa_next(sap->body, sap->len, &it)) {
			if (p1_transform(ctx, it.tr, it.trlen, &got, &auth) != 0)
				return ISAKMP_E_ATTR;
			if (auth == 1 && p1_match(ctx, p, &p->p1[i], &got)) {
				chosen = it.tr;
				cprop = it.prop;
				alg.p = got;
				/*
				 * Policy 0 means 28800 s: the peer never gets longer.
				 * An absent lifetime attribute means 28800 s too (RFC
				 * 2407 4.5).  The transform is echoed as proposed; a
				 * shortened lifetime is announced with RESPONDER-LIFETIME
				 * once the ISAKMP SA protects it (RFC 2407 4.6.3.1).
				 */
				ours = p->p1[i].life_s ? p->p1[i].life_s : 28800;
				resp_life = (alg.p.life_s ? alg.p.life_s : 28800) > ours;
				if (alg.p.life_s == 0 || alg.p.life_s > ours)
					alg.p.life_s = ours;
				break;
			}
		}
	}
	if (chosen == NULL || ikc_alg_setup(ctx, &alg) != 0) {
		ctx->st.rx_no_proposal++;
		ik_log(ctx, ISAKMP_LOG_WARN, "no acceptable phase 1 proposal among those offered");
		return ISAKMP_E_NO_PROPOSAL;
	}
	if ((sa = sa_new(ctx, false, to, from, pi)) == NULL)
		return ctx->n_sas >= ctx->cfg.max_ike_sas ? ISAKMP_E_LIMIT : ISAKMP_E_NOMEM;
	sa->alg = alg;
	sa->p1_resp_life = resp_life;
	memcpy(sa->icookie, m->icookie, 8);
	do {
		if ((rc = ik_rng(ctx, sa->rcookie, 8)) != 0)
			goto fail;
	} while (memcmp(sa->rcookie, zero8, 8) == 0);
	if ((rc = store(ctx, &sa->sai_b, &sa->sai_len, sap->body, sap->len)) != 0)
		goto fail;
	scan_vids(ctx, sa, m);
	sa->state = S_R_MM2;
	sa->deadline = now + ctx->cfg.half_open_timeout_ns;

	/* MM2: HDR, SA (the one chosen transform), VIDs. */
	for (j = 0; j < 2; j++) {
		w.len = 0;
		w.err = false;
		wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
		s = wb_begin(&w, PL_SA);
		wb_u32(&w, 1);
		wb_u32(&w, 1);
		s2 = wb_sub(&w, PL_NONE);
		wb_u8(&w, cprop[4]);
		wb_u8(&w, 1);
		wb_u8(&w, 0);
		wb_u8(&w, 1);
		wb_put(&w, chosen, rd16(chosen + 2));
		if (!w.err)
			w.p[w.len - rd16(chosen + 2)] = PL_NONE;
		wb_end(&w, s2);
		wb_end(&w, s);
		if (j == 0) {
			if (sa->natt)
				add_vid(&w, sa->natt_rfc ? VID_RFC3947 : VID_DRAFT02N);
			if (sa->peer_dpd)
				add_vid(&w, VID_DPD);
		}
		finish_len(&w);
		if (w.len <= len)
			break;
	}
	if (w.len > len) {
		ctx->st.amplification_refused++;
		ik_log(ctx, ISAKMP_LOG_WARN, "MM2 of %zu bytes would exceed MM1 of %zu", w.len, len);
		rc = ISAKMP_E_LIMIT;
		goto fail;
	}
	if ((rc = store(ctx, &sa->last_rx, &sa->last_rx_len, pkt, len)) != 0 ||
	    (rc = queue_stored(ctx, sa, &w, true)) != 0)
		goto fail;
	ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: MM1 accepted, enc %u/%u hash %u group %u%s",
	    (unsigned long long)sa->id, alg.p.enc, alg.p.key_bits, alg.p.hash, alg.p.group,
	    sa->natt ? ", NAT-T" : "");
	return 0;
fail:
	sa_destroy(ctx, sa);
	return rc;
}

/* Responder: MM3 (KE, Ni, NAT-D) -> MM4. */
static int
r_mm3(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m, const uint8_t *pkt,
    size_t len)
{
	const struct payload *ke = pl_find(m, PL_KE, 0), *n = pl_find(m, PL_NONCE, 0);
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t nlen;
	int rc;

	if ((rc = check_ke(ctx, sa, ke)) != 0 || (rc = check_nonce(ctx, n)) != 0)
		return rc;
	if ((rc = check_natd(ctx, sa, m)) != 0)
		return rc;
	memcpy(sa->ni, n->body, n->len);
	sa->nilen = n->len;
	nlen = n->len > 32 ? 32 : n->len;  /* never longer than the peer's */
	if ((rc = start_dh_nonce(ctx, sa, nlen)) != 0 || (rc = mm_keys(ctx, sa, ke)) != 0)
		return rc;
	wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	{
		/* mm_keys freed the key; the public value stays in sa->gxr. */
		size_t s = wb_begin(&w, PL_KE);

		wb_put(&w, sa->gxr, sa->gxlen);
		wb_end(&w, s);
		s = wb_begin(&w, PL_NONCE);
		wb_put(&w, sa->nr, sa->nrlen);
		wb_end(&w, s);
	}
	if (sa->natt && (rc = add_natd(ctx, sa, &w)) != 0)
		return rc;
	finish_len(&w);
	if (w.len > len) {
		ctx->st.amplification_refused++;
		ik_log(ctx, ISAKMP_LOG_WARN, "MM4 of %zu bytes would exceed MM3 of %zu", w.len, len);
		return ISAKMP_E_LIMIT;
	}
	if ((rc = store(ctx, &sa->last_rx, &sa->last_rx_len, pkt, len)) != 0)
		return rc;
	sa->state = S_R_MM4;
	return queue_stored(ctx, sa, &w, true);
}

static void qm_drop_peer_older(struct isakmp_ctx *ctx, struct ike_sa *sa);
static int send_notify(struct isakmp_ctx *ctx, struct ike_sa *sa, uint16_t type,
    const uint8_t *data, size_t dlen);
static int qm_initiate(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa);

static void
phase1_up(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	struct isakmp_event ev;
	struct isakmp_policy *p = pol(ctx, sa);

	sa_established(ctx, sa);
	sodium_memzero(sa->gxy, sizeof(sa->gxy));
	sa->gxylen = 0;
	sa->deadline = 0;
	sa->tries = 0;
	sa->up_at = now;
	sa->expires = now + (uint64_t)sa->alg.p.life_s * NS;
	if (sa->initiator)
		sa->p1_rekey_at = now + (uint64_t)sa->alg.p.life_s * NS / 10 * 9;
	if (p->dpd_interval_ns != 0 && sa->peer_dpd)
		sa->dpd_next = now + p->dpd_interval_ns;
	ctx->st.phase1_up++;
	ev_base(sa, &ev, ISAKMP_EV_PHASE1_UP);
	ev_push(ctx, &ev);
	ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu established", (unsigned long long)sa->id);
}

/* Parses ID payload checks against policy; returns 0 if acceptable. */
static int
check_p1_id(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct payload *id)
{
	struct isakmp_policy *p = pol(ctx, sa);

	if (id == NULL || id->len < 4) {
		ctx->st.rx_bad_id++;
		ik_log(ctx, ISAKMP_LOG_WARN, "phase 1 ID payload missing or short");
		return ISAKMP_E_ID;
	}
	if (id->body[0] != 1 && id->body[0] != 2 && id->body[0] != 3 && id->body[0] != 11) {
		ctx->st.rx_bad_id++;
		ik_log(ctx, ISAKMP_LOG_WARN, "phase 1 ID type %u not supported", id->body[0]);
		return ISAKMP_E_ID;
	}
	if (id->body[0] == 1 && id->len == 8)
		sa->peer_idaddr = rd32(id->body + 4);
	if (p->peer_id_len != 0 && (id->len - 4 != p->peer_id_len ||
	    memcmp(id->body + 4, p->peer_id, p->peer_id_len) != 0)) {
		ctx->st.rx_bad_id++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: peer ID (type %u, %zu bytes) is not "
		    "the configured one", (unsigned long long)sa->id, id->body[0], id->len - 4);
		return ISAKMP_E_ID;
	}
	return 0;
}

/*
 * Responder, right after MM6: the initiator proposed a longer phase 1
 * lifetime than our policy allows, so tell it ours in an Informational
 * exchange protected by the new ISAKMP SA (RFC 2407 4.6.3.1): protocol
 * ISAKMP, SPI = the cookie pair, attributes Life Type = seconds, Life
 * Duration.  A failure to send is logged only: the SA is up either way and
 * still expires here at our lifetime.
 */
static void
p1_send_responder_lifetime(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	uint8_t b[16];
	struct wbuf w = { b, 0, sizeof(b), false, 0 };
	int rc;

	wb_attr(&w, 11, 1);
	wb_attr(&w, 12, sa->alg.p.life_s);
	if (w.err || (rc = send_notify(ctx, sa, N_RESPONDER_LIFETIME, w.p, w.len)) != 0) {
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: RESPONDER-LIFETIME %u s not sent",
		    (unsigned long long)sa->id, sa->alg.p.life_s);
		return;
	}
	ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME %u s sent",
	    (unsigned long long)sa->id, sa->alg.p.life_s);
}

/*
 * RFC 2409 5.4: check the ID and HASH payloads of MM5 (HASH_I, from_initiator)
 * or MM6 (HASH_R) against our computation, then the peer's ID against policy.
 */
static int
verify_mm_auth(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m,
    bool from_initiator)
{
	const struct payload *id = pl_find(m, PL_ID, 0), *h = pl_find(m, PL_HASH, 0);
	uint8_t hash[MAX_HASH];
	int rc;

	if (id == NULL || h == NULL) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "%s without ID or HASH",
		    from_initiator ? "MM5" : "MM6");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = mm_hash(ctx, sa, from_initiator, id->body, id->len, hash)) != 0)
		return rc;
	if (h->len != sa->alg.hlen || CRYPTO_memcmp(hash, h->body, h->len) != 0) {
		ctx->st.rx_auth_failed++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: %s does not verify: wrong "
		    "pre-shared key or unexpected ID", (unsigned long long)sa->id,
		    from_initiator ? "HASH_I" : "HASH_R");
		return ISAKMP_E_AUTH;
	}
	return check_p1_id(ctx, sa, id);
}

/* Responder: MM5 (IDii, HASH_I) -> MM6 (IDir, HASH_R). */
static int
r_mm5(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *pkt, size_t len, const uint8_t *next_iv, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	const struct payload *n;
	uint8_t hash[MAX_HASH], buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t s, ids = 0, i;
	bool ic = false;
	int rc;

	if ((rc = verify_mm_auth(ctx, sa, m, true)) != 0)
		return rc;
	for (i = 0; (n = pl_find(m, PL_N, i)) != NULL; i++)
		if (n->len >= 8 && rd16(n->body + 6) == N_INITIAL_CONTACT)
			ic = true;
	memcpy(sa->iv, next_iv, sa->alg.blk);
	/* Float: the authenticated MM5 may come from the NAT-T port. */
	sa->floated = sa->natt && (from->port != sa->remote.port || to->port != sa->local.port);
	sa->local = *to;
	sa->remote = *from;
	wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	add_id_addr(&w, sa->local.ip, 17, 0, &ids);
	if ((rc = mm_hash(ctx, sa, false, w.p + ids + 4, 8, hash)) != 0)
		return rc;
	s = wb_begin(&w, PL_HASH);
	wb_put(&w, hash, sa->alg.hlen);
	wb_end(&w, s);
	if ((rc = encrypt_msg(sa, &w, sa->iv)) != 0)
		return rc;
	if ((rc = store(ctx, &sa->last_rx, &sa->last_rx_len, pkt, len)) != 0 ||
	    (rc = queue_stored(ctx, sa, &w, true)) != 0)
		return rc;
	phase1_up(ctx, now, sa);
	if (sa->p1_resp_life)
		p1_send_responder_lifetime(ctx, sa);
	if (ic)
		qm_drop_peer_older(ctx, sa);
	return 0;
}

int
isakmp_initiate(struct isakmp_ctx *ctx, uint64_t now, size_t policy,
    const struct isakmp_addr *local, const struct isakmp_addr *remote, uint64_t *ike_id)
{
	struct isakmp_policy *p;
	struct ike_sa *sa;
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t s, s2, i;
	int rc;

	if (ctx == NULL || local == NULL || remote == NULL || policy >= ctx->cfg.n_policies)
		return ISAKMP_E_INVAL;
	p = &ctx->cfg.policies[policy];
	if ((sa = sa_new(ctx, true, local, remote, policy)) == NULL)
		return ctx->n_sas >= ctx->cfg.max_ike_sas ? ISAKMP_E_LIMIT : ISAKMP_E_NOMEM;
	do {
		if ((rc = ik_rng(ctx, sa->icookie, 8)) != 0)
			goto fail;
	} while (memcmp(sa->icookie, zero8, 8) == 0);
	sa->want_qm = true;
	sa->orig_local = *local;
	sa->orig_remote = *remote;
	wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	s = wb_begin(&w, PL_SA);
	wb_u32(&w, 1);
	wb_u32(&w, 1);
	s2 = wb_sub(&w, PL_NONE);
	wb_u8(&w, 1);
	wb_u8(&w, 1);
	wb_u8(&w, 0);
	wb_u8(&w, (uint8_t)p->n_p1);
	for (i = 0; i < p->n_p1; i++)
		write_p1_transform(&w, (uint8_t)(i + 1), &p->p1[i], i + 1 == p->n_p1);
	wb_end(&w, s2);
	wb_end(&w, s);
	if (!w.err && (rc = store(ctx, &sa->sai_b, &sa->sai_len, w.p + s + 4, w.len - s - 4)) != 0)
		goto fail;
	if (p->natt) {
		add_vid(&w, VID_RFC3947);
		add_vid(&w, VID_DRAFT02N);
	}
	add_vid(&w, VID_DPD);
	finish_len(&w);
	if ((rc = queue_stored(ctx, sa, &w, true)) != 0)
		goto fail;
	sa->state = S_I_MM1;
	sa->deadline = now + ctx->cfg.retransmit_ns;
	if (ike_id != NULL)
		*ike_id = sa->id;
	return 0;
fail:
	sa_destroy(ctx, sa);
	return rc;
}

/* Initiator: MM2 (chosen SA) -> MM3. */
static int
i_mm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *sap = pl_find(m, PL_SA, 0);
	struct isakmp_policy *p = pol(ctx, sa);
	struct isakmp_p1_proposal got;
	struct sa_iter it;
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	uint16_t auth;
	size_t i;
	int rc;

	if (sap == NULL) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "MM2 without SA");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = sa_validate(ctx, sap->body, sap->len, 1)) != 0)
		return rc;
	memset(&it, 0, sizeof(it));
	if (!sa_next(sap->body, sap->len, &it) ||
	    p1_transform(ctx, it.tr, it.trlen, &got, &auth) != 0 || auth != 1)
		goto noprop;
	for (i = 0; i < p->n_p1; i++)
		if (p1_match(ctx, p, &p->p1[i], &got))
			break;
	if (i == p->n_p1)
		goto noprop;
	memset(&sa->alg, 0, sizeof(sa->alg));
	sa->alg.p = got;
	if (sa->alg.p.life_s == 0 || sa->alg.p.life_s >
	    (p->p1[i].life_s ? p->p1[i].life_s : 28800))
		sa->alg.p.life_s = p->p1[i].life_s ? p->p1[i].life_s : 28800;
	if (ikc_alg_setup(ctx, &sa->alg) != 0)
		goto noprop;
	memcpy(sa->rcookie, m->rcookie, 8);
	scan_vids(ctx, sa, m);
	if ((rc = start_dh_nonce(ctx, sa, 32)) != 0)
		return rc;
	wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	add_ke_nonce(sa, &w);
	if (sa->natt && (rc = add_natd(ctx, sa, &w)) != 0)
		return rc;
	finish_len(&w);
	sa->state = S_I_MM3;
	sa->tries = 0;
	sa->deadline = now + ctx->cfg.retransmit_ns;
	return queue_stored(ctx, sa, &w, true);
noprop:
	ctx->st.rx_no_proposal++;
	ik_log(ctx, ISAKMP_LOG_WARN, "MM2 chose a transform we did not offer");
	return ISAKMP_E_NO_PROPOSAL;
}

/* Initiator: MM4 (KE, Nr, NAT-D) -> MM5, floating to 4500 if a NAT was seen. */
static int
i_mm4(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *ke = pl_find(m, PL_KE, 0), *n = pl_find(m, PL_NONCE, 0);
	uint8_t hash[MAX_HASH], buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t ids = 0, s;
	int rc;

	if ((rc = check_ke(ctx, sa, ke)) != 0 || (rc = check_nonce(ctx, n)) != 0)
		return rc;
	if ((rc = check_natd(ctx, sa, m)) != 0)
		return rc;
	memcpy(sa->nr, n->body, n->len);
	sa->nrlen = n->len;
	if ((rc = mm_keys(ctx, sa, ke)) != 0)
		return rc;
	if (sa->natt && (sa->nat_local || sa->nat_remote)) {
		sa->floated = true;
		sa->local.port = ISAKMP_NATT_PORT;
		sa->remote.port = ISAKMP_NATT_PORT;
	}
	wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	add_id_addr(&w, sa->local.ip, 17, 0, &ids);
	if ((rc = mm_hash(ctx, sa, true, w.p + ids + 4, 8, hash)) != 0)
		return rc;
	s = wb_begin(&w, PL_HASH);
	wb_put(&w, hash, sa->alg.hlen);
	wb_end(&w, s);
	/* INITIAL-CONTACT (not on a rekey): the peer drops SAs of our previous incarnation. */
	if (!sa->rekey_of_other) {
		s = wb_begin(&w, PL_N);
		wb_u32(&w, 1);
		wb_u8(&w, 1);
		wb_u8(&w, 16);
		wb_u16(&w, N_INITIAL_CONTACT);
		wb_put(&w, sa->icookie, 8);
		wb_put(&w, sa->rcookie, 8);
		wb_end(&w, s);
	}
	if ((rc = encrypt_msg(sa, &w, sa->iv)) != 0)
		return rc;
	sa->state = S_I_MM5;
	sa->tries = 0;
	sa->deadline = now + ctx->cfg.retransmit_ns;
	return queue_stored(ctx, sa, &w, true);
}

/* Initiator: MM6 (IDir, HASH_R): phase 1 done, start Quick Mode. */
static int
i_mm6(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *next_iv)
{
	int rc;

	if ((rc = verify_mm_auth(ctx, sa, m, false)) != 0)
		return rc;
	memcpy(sa->iv, next_iv, sa->alg.blk);
	wipe_free(ctx, &sa->last_tx, &sa->last_tx_len);
	phase1_up(ctx, now, sa);
	if (sa->want_qm) {
		sa->want_qm = false;
		return qm_initiate(ctx, now, sa);
	}
	return 0;
}

/* ---- Quick Mode -------------------------------------------------------- */

static size_t
esp_enc_keylen(const struct isakmp_p2_proposal *p)
{
	switch (p->enc) {
	case ISAKMP_ESP_DES: return 8;
	case ISAKMP_ESP_3DES: return 24;
	case ISAKMP_ESP_AES_CBC: return (p->key_bits ? p->key_bits : 128) / 8;
	case ISAKMP_ESP_AES_GCM_16: return (p->key_bits ? p->key_bits : 128) / 8 + 4;
	default: return 0;
	}
}

static size_t
esp_auth_keylen(uint16_t auth)
{
	switch (auth) {
	case ISAKMP_AUTH_HMAC_MD5: return 16;
	case ISAKMP_AUTH_HMAC_SHA1: return 20;
	case ISAKMP_AUTH_HMAC_SHA256: return 32;
	default: return 0;
	}
}

static bool
encap_udp(uint16_t e)
{
	return e == ISAKMP_ENCAP_UDP_TUNNEL || e == ISAKMP_ENCAP_UDP_TRANSPORT ||
	    e == ISAKMP_ENCAP_UDP_TUNNEL_DRAFT || e == ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT;
}

static bool
encap_tunnel(uint16_t e)
{
	return e == ISAKMP_ENCAP_TUNNEL || e == ISAKMP_ENCAP_UDP_TUNNEL ||
	    e == ISAKMP_ENCAP_UDP_TUNNEL_DRAFT;
}

/* The encapsulation value we use for a policy on this IKE SA. */
static uint16_t
our_encap(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	bool tun = pol(ctx, sa)->encap == ISAKMP_ENCAP_TUNNEL;

	if (!(sa->natt && (sa->nat_local || sa->nat_remote)))
		return tun ? ISAKMP_ENCAP_TUNNEL : ISAKMP_ENCAP_TRANSPORT;
	if (sa->natt_rfc)
		return tun ? ISAKMP_ENCAP_UDP_TUNNEL : ISAKMP_ENCAP_UDP_TRANSPORT;
	return tun ? ISAKMP_ENCAP_UDP_TUNNEL_DRAFT : ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT;
}

struct p2got {
	struct isakmp_p2_proposal p;
	uint16_t encap;
	uint16_t group;
	bool bad;
};

static int
p2_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen, struct p2got *g)
{
	const uint8_t *p = t + 8, *end = t + tlen;
	struct attr a;
	uint16_t ltype = 0;

	memset(g, 0, sizeof(*g));
	g->p.enc = t[5];
	while (p < end) {
		if (attr_next(&p, end, &a) != 0) {
			ctx->st.rx_bad_attr++;
			ik_log(ctx, ISAKMP_LOG_WARN, "bad phase 2 attribute at offset %zu",
			    (size_t)(p - t));
			return ISAKMP_E_ATTR;
		}
		switch (a.type) {
		case 1: ltype = (uint16_t)a.val; break;
		case 2:
			if (ltype == 1)
				g->p.life_s = a.val;
			else if (ltype == 2)
				g->p.life_kb = a.val;
			break;
		case 3: g->group = (uint16_t)a.val; break;
		case 4: g->encap = (uint16_t)a.val; break;
		case 5: g->p.auth = (uint16_t)a.val; break;
		case 6: g->p.key_bits = (uint16_t)a.val; break;
		default: break;
		}
	}
	return 0;
}

static bool
p2_match(const struct isakmp_policy *pl, const struct isakmp_p2_proposal *want,
    const struct p2got *g)
{
	uint16_t kb = g->p.key_bits, wkb = want->key_bits ? want->key_bits : 128;

	if (g->p.enc == ISAKMP_ESP_DES && !pl->allow_des)
		return false;
	if ((g->p.enc == ISAKMP_ESP_AES_CBC || g->p.enc == ISAKMP_ESP_AES_GCM_16) && kb == 0)
		kb = 128;
	if (want->enc != g->p.enc || want->auth != g->p.auth || g->group != pl->pfs_group)
		return false;
	if ((g->p.enc == ISAKMP_ESP_AES_CBC || g->p.enc == ISAKMP_ESP_AES_GCM_16) && kb != wkb)
		return false;
	return true;
}

static struct qm *
qm_find(struct ike_sa *sa, uint32_t msgid)
{
	size_t i;

	for (i = 0; i < MAX_P2; i++)
		if (sa->qm[i].used && sa->qm[i].msgid == msgid)
			return &sa->qm[i];
	return NULL;
}

static struct qm *
qm_slot(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	size_t i;

	for (i = 0; i < MAX_P2; i++)
		if (!sa->qm[i].used)
			return &sa->qm[i];
	ctx->st.sa_limit_refused++;
	ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: %d Quick Mode slots in use",
	    (unsigned long long)sa->id, MAX_P2);
	return NULL;
}

/* KEYMAT for both directions and the SA-ready event contents. */
static int
qm_install(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q)
{
	struct isakmp_ipsec_sa *e = &q->sa;
	size_t ek = esp_enc_keylen(&q->chosen), ak = esp_auth_keylen(q->chosen.auth);
	uint8_t km[2 * ISAKMP_MAX_KEY];
	struct isakmp_policy *p = pol(ctx, sa);
	int rc;

	memset(e, 0, sizeof(*e));
	e->spi_in = q->spi_in;
	e->spi_out = q->spi_out;
	e->enc = q->chosen.enc;
	e->enc_key_len = (uint16_t)ek;
	e->auth = q->chosen.auth;
	e->auth_key_len = (uint16_t)ak;
	e->sha256_96 = p->sha256_96 && e->auth == ISAKMP_AUTH_HMAC_SHA256;
	e->encap = q->encap;
	e->udp_encap = encap_udp(q->encap);
	e->keepalive_s = e->udp_encap && sa->nat_local ? 20 : 0;
	e->local = sa->local;
	e->remote = sa->remote;
	e->natoa_local = sa->initiator ? q->natoa_i : q->natoa_r;
	e->natoa_remote = sa->initiator ? q->natoa_r : q->natoa_i;
	e->protocol = p->protocol;
	e->local_port = p->local_port;
	e->remote_port = q->peer_port;
	e->life_s = q->chosen.life_s ? q->chosen.life_s : 3600;
	e->life_kb = q->chosen.life_kb;
	if ((rc = ikc_keymat(ctx, sa, 3, q->spi_in, q, km, ek + ak)) != 0)
		goto out;
	memcpy(e->enc_key_in, km, ek);
	memcpy(e->auth_key_in, km + ek, ak);
	if ((rc = ikc_keymat(ctx, sa, 3, q->spi_out, q, km, ek + ak)) != 0)
		goto out;
	memcpy(e->enc_key_out, km, ek);
	memcpy(e->auth_key_out, km + ek, ak);
	sodium_memzero(q->gqm, sizeof(q->gqm));
	q->gqmlen = 0;
	q->ready = true;
	q->expires = now + (uint64_t)e->life_s * NS;
	/* Rekey (initiator) at 90% of the lifetime, before expiry. */
	if (q->initiator)
		q->rekey_at = now + (uint64_t)e->life_s * NS / 10 * 9;
	q->deadline = 0;
	wipe_free(ctx, &q->last_tx, &q->last_tx_len);
	ctx->st.phase2_up++;
	ev_qm(ctx, sa, q, ISAKMP_EV_SA_READY);
	/* Keys leave with the event; keep only what Delete and expiry need. */
	sodium_memzero(e->enc_key_in, sizeof(e->enc_key_in));
	sodium_memzero(e->enc_key_out, sizeof(e->enc_key_out));
	sodium_memzero(e->auth_key_in, sizeof(e->auth_key_in));
	sodium_memzero(e->auth_key_out, sizeof(e->auth_key_out));
	ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: IPsec SA in %08x out %08x ready",
	    (unsigned long long)sa->id, q->spi_in, q->spi_out);
out:
	sodium_memzero(km, sizeof(km));
	return rc;
}

/*
 * Finishes a Quick Mode message built in w: puts HASH h at hoff, encrypts
 * with the exchange's IV, keeps the datagram for retransmission, moves the
 * exchange to state and arms its timer at deadline, and queues it.  On an
 * encryption or allocation failure the exchange is cleared.
 */
static int
qm_seal_send(struct isakmp_ctx *ctx, struct ike_sa *sa, struct qm *q,
    struct wbuf *w, size_t hoff, const uint8_t *h, int state, uint64_t deadline)
{
	int rc;

	memcpy(w->p + hoff, h, sa->alg.hlen);
	if ((rc = encrypt_msg(sa, w, q->iv)) != 0 ||
	    (rc = store(ctx, &q->last_tx, &q->last_tx_len, w->p, w->len)) != 0) {
		qm_clear(ctx, q);
		return rc;
	}
	q->state = state;
	q->deadline = deadline;
	return send_msg(ctx, sa, w->p, w->len);
}


/* prf(SKEYID_a, [0 |] M-ID | parts...) for QM HASH(1)/(2)/(3) and Informational. */
static int
qm_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, bool zero, uint32_t msgid,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out)
{
	uint8_t z = 0, mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16),
	    (uint8_t)(msgid >> 8), (uint8_t)msgid };
	const uint8_t *parts[4] = { &z, mid, a, b };
	size_t lens[4] = { zero ? 1 : 0, 4, alen, blen };

	return ikc_prf(ctx, sa->alg.md, sa->skeyid_a, sa->alg.hlen, parts, lens, 4, out);
}

static void
add_natoa(struct ike_sa *sa, struct wbuf *w, uint32_t ip)
{
	size_t s = wb_begin(w, sa->natoa_type);

	wb_u8(w, 1);
	wb_u8(w, 0);
	wb_u16(w, 0);
	wb_u32(w, ip);
	wb_end(w, s);
}

static int
qm_initiate(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	struct isakmp_policy *p = pol(ctx, sa);
	struct qm *q = qm_slot(ctx, sa);
	uint8_t buf[ISAKMP_MAX_PACKET], h[MAX_HASH];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t hoff, s, s2, st, i;
	uint16_t encap = our_encap(ctx, sa);
	int rc;

	if (q == NULL)
		return ISAKMP_E_LIMIT;
	memset(q, 0, sizeof(*q));
	q->used = true;
	q->initiator = true;
	do {
		if ((rc = ik_rng(ctx, &q->msgid, 4)) != 0)
			goto fail;
	} while (q->msgid == 0 || qm_find(sa, q->msgid) != q);
	do {
		if ((rc = ik_rng(ctx, &q->spi_in, 4)) != 0)
			goto fail;
	} while (q->spi_in < 256);
	q->nilen = 32;
	if ((rc = ik_rng(ctx, q->ni, q->nilen)) != 0 || (rc = p2_iv(sa, q->msgid, q->iv)) != 0)
		goto fail;
	q->encap = encap;
	q->peer_port = p->local_port;
	wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, 0, q->msgid);
	add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = wb_begin(&w, PL_SA);
	wb_u32(&w, 1);
	wb_u32(&w, 1);
	s2 = wb_sub(&w, PL_NONE);
	wb_u8(&w, 1);
	wb_u8(&w, 3);  /* PROTO_IPSEC_ESP */
	wb_u8(&w, 4);
	wb_u8(&w, (uint8_t)p->n_p2);
	wb_u32(&w, q->spi_in);
	for (i = 0; i < p->n_p2; i++) {
		const struct isakmp_p2_proposal *pp = &p->p2[i];
		size_t t = wb_sub(&w, i + 1 == p->n_p2 ? PL_NONE : PL_T);

		wb_u8(&w, (uint8_t)(i + 1));
		wb_u8(&w, (uint8_t)pp->enc);
		wb_u16(&w, 0);
		wb_attr(&w, 1, 1);
		wb_attr(&w, 2, pp->life_s ? pp->life_s : 3600);
		if (pp->life_kb) {
			wb_attr(&w, 1, 2);
			wb_attr(&w, 2, pp->life_kb);
		}
		wb_attr(&w, 4, encap);
		if (pp->auth != ISAKMP_AUTH_NONE)
			wb_attr(&w, 5, pp->auth);
		if (p->pfs_group)
			wb_attr(&w, 3, p->pfs_group);
		if (pp->enc == ISAKMP_ESP_AES_CBC || pp->enc == ISAKMP_ESP_AES_GCM_16)
			wb_attr(&w, 6, pp->key_bits ? pp->key_bits : 128);
		wb_end(&w, t);
	}
	wb_end(&w, s2);
	wb_end(&w, s);
	s = wb_begin(&w, PL_NONCE);
	wb_put(&w, q->ni, q->nilen);
	wb_end(&w, s);
	if (p->pfs_group) {
		if ((rc = ikc_dh_new(ctx, &q->dh, p->pfs_group)) != 0)
			goto fail;
		s = wb_begin(&w, PL_KE);
		wb_put(&w, q->dh.pub, q->dh.publen);
		wb_end(&w, s);
	}
	add_id_addr(&w, sa->local.ip, p->protocol, p->local_port, NULL);
	add_id_addr(&w, sa->remote.ip, p->protocol, p->local_port, NULL);
	if (encap_udp(encap) && !encap_tunnel(encap)) {
		q->natoa_i = sa->local.ip;
		q->natoa_r = sa->remote.ip;
		add_natoa(sa, &w, q->natoa_i);
		add_natoa(sa, &w, q->natoa_r);
	}
	if (w.err) {
		rc = ISAKMP_E_BUFFER;
		goto fail;
	}
	if ((rc = qm_hash(ctx, sa, false, q->msgid, w.p + st, w.len - st, NULL, 0, h)) != 0)
		goto fail;
	return qm_seal_send(ctx, sa, q, &w, hoff, h, 1,
	    now + ctx->cfg.retransmit_ns);
fail:
	qm_clear(ctx, q);
	return rc;
}

/* Checks QM IDci/IDcr against the policy (selector protocol and our port). */
static int
qm_check_ids(struct isakmp_ctx *ctx, struct ike_sa *sa, struct qm *q,
    const struct payload *idi, const struct payload *idr)
{
	struct isakmp_policy *p = pol(ctx, sa);
	const struct payload *ours = sa->initiator ? idi : idr;
	const struct payload *theirs = sa->initiator ? idr : idi;

	if (idi == NULL && idr == NULL)
		return 0;
	if (idi == NULL || idr == NULL || idi->len < 8 || idr->len < 8)
		goto bad;
	/* Our side must be an address with our protocol and port. */
	if (ours->body[0] != 1 || ours->len != 8 ||
	    (ours->body[1] != 0 && ours->body[1] != p->protocol) ||
	    (rd16(ours->body + 2) != 0 && rd16(ours->body + 2) != p->local_port))
		goto bad;
	/* The peer's side: an address, or ID_FQDN (Windows XP KB818043 on rekey). */
	if (theirs->body[0] != 1 && theirs->body[0] != 2)
		goto bad;
	if (theirs->body[0] == 1 && theirs->len != 8)
		goto bad;
	if (theirs->body[1] != 0 && theirs->body[1] != p->protocol)
		goto bad;
	q->peer_port = rd16(theirs->body + 2);
	return 0;
bad:
	ctx->st.rx_bad_id++;
	ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode IDs not acceptable (types %u/%u)",
	    (unsigned long long)sa->id, idi != NULL && idi->len ? idi->body[0] : 0,
	    idr != NULL && idr->len ? idr->body[0] : 0);
	return ISAKMP_E_ID;
}

/* Reads NAT-OA payloads (type byte 1 = IPv4). */
static void
qm_natoa(struct ike_sa *sa, struct qm *q, const struct msg *m)
{
	const struct payload *a = pl_find(m, sa->natoa_type, 0);
	const struct payload *b = pl_find(m, sa->natoa_type, 1);

	if (a != NULL && a->len == 8 && a->body[0] == 1)
		q->natoa_i = rd32(a->body + 4);
	if (b != NULL && b->len == 8 && b->body[0] == 1)
		q->natoa_r = rd32(b->body + 4);
}

/* The hash payload must come first in every phase 2 / Informational message. */
static int
first_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m)
{
	if (m->n == 0 || m->pl[0].type != PL_HASH || m->pl[0].len != sa->alg.hlen) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "exchange %u without leading HASH payload", m->exch);
		return ISAKMP_E_PAYLOAD;
	}
	return 0;
}

/* Responder: QM1 -> QM2. */
static int
r_qm1(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *iv_next, const uint8_t *pkt, size_t len)
{
	struct isakmp_policy *p = pol(ctx, sa);
	const struct payload *sap = pl_find(m, PL_SA, 0), *n = pl_find(m, PL_NONCE, 0);
	const struct payload *idi = pl_find(m, PL_ID, 0), *idr = pl_find(m, PL_ID, 1);
	const uint8_t *after = m->pl[0].raw + 4 + m->pl[0].len;
	size_t alen = (size_t)(m->first + m->plen - after);
	uint8_t h[MAX_HASH], buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	struct sa_iter it;
	struct p2got g, chosen;
	const uint8_t *ctr = NULL, *cprop = NULL;
	struct qm *q;
	size_t i, hoff, s, s2, st;
	uint16_t want_encap = our_encap(ctx, sa);
	bool shortened = false;
	int rc;

	(void)now;
	if ((rc = qm_hash(ctx, sa, false, m->msgid, after, alen, NULL, 0, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode HASH(1) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	if (sap == NULL || n == NULL) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "QM1 without SA or nonce");
		return ISAKMP_E_PAYLOAD;
	}
	if ((pl_find(m, PL_KE, 0) != NULL) != (p->pfs_group != 0)) {
		ctx->st.rx_no_proposal++;
		ik_log(ctx, ISAKMP_LOG_WARN, "QM1 %s PFS, policy %s", pl_find(m, PL_KE, 0) ?
		    "asks for" : "lacks", p->pfs_group ? "requires it" : "has none");
		return ISAKMP_E_NO_PROPOSAL;
	}
	if ((rc = check_nonce(ctx, n)) != 0 || (rc = sa_validate(ctx, sap->body, sap->len, 3)) != 0)
		return rc;
	if ((q = qm_slot(ctx, sa)) == NULL)
		return ISAKMP_E_LIMIT;
	memset(q, 0, sizeof(*q));
	if ((rc = qm_check_ids(ctx, sa, q, idi, idr)) != 0)
		return rc;
	memset(&chosen, 0, sizeof(chosen));
	for (i = 0; i < p->n_p2 && ctr == NULL; i++) {
		memset(&it, 0, sizeof(it));
		while (sa_next(sap->body, sap->len, &it)) {
			if (it.prop[6] != 4)
				continue;
			if ((rc = p2_transform(ctx, it.tr, it.trlen, &g)) != 0)
				return rc;
			if (!p2_match(p, &p->p2[i], &g))
				continue;
			if (encap_udp(g.encap) != encap_udp(want_encap) ||
			    encap_tunnel(g.encap) != encap_tunnel(want_encap))
				continue;
			ctr = it.tr;
			cprop = it.prop;
			chosen = g;
			break;
		}
	}
	if (ctr == NULL) {
		ctx->st.rx_no_proposal++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: no acceptable Quick Mode proposal "
		    "(want encapsulation %u)", (unsigned long long)sa->id, want_encap);
		return ISAKMP_E_NO_PROPOSAL;
	}
	q->used = true;
	q->msgid = m->msgid;
	q->commit = (m->flags & FL_C) != 0;
	q->chosen = chosen.p;
	{
		uint32_t ours = p->p2[i - 1].life_s ? p->p2[i - 1].life_s : 3600;

		/* RFC 2407 4.5.4: a longer offer is answered with RESPONDER-LIFETIME. */
		if (q->chosen.life_s > ours)
			shortened = true;
		if (q->chosen.life_s == 0 || q->chosen.life_s > ours)
			q->chosen.life_s = ours;
		if (p->p2[i - 1].life_kb && (q->chosen.life_kb == 0 ||
		    q->chosen.life_kb > p->p2[i - 1].life_kb)) {
			shortened = shortened || q->chosen.life_kb != 0;
			q->chosen.life_kb = p->p2[i - 1].life_kb;
		}
	}
	q->encap = chosen.encap;
	q->spi_out = rd32(cprop + 8);
	memcpy(q->ni, n->body, n->len);
	q->nilen = n->len;
	q->nrlen = n->len > 32 ? 32 : (n->len < 16 ? 16 : n->len);
	qm_natoa(sa, q, m);
	if (!sa->initiator && encap_udp(q->encap) && !encap_tunnel(q->encap)) {
		if (q->natoa_i == 0)
			q->natoa_i = sa->remote.ip;
		q->natoa_r = sa->local.ip;
	}
	do {
		if ((rc = ik_rng(ctx, &q->spi_in, 4)) != 0)
			goto fail;
	} while (q->spi_in < 256);
	if ((rc = ik_rng(ctx, q->nr, q->nrlen)) != 0)
		goto fail;
	if (p->pfs_group) {
		const struct payload *ke = pl_find(m, PL_KE, 0);

		if (ikc_dh_check_peer(p->pfs_group, ke->body, ke->len) != 0) {
			ctx->st.rx_bad_ke++;
			ik_log(ctx, ISAKMP_LOG_WARN, "QM1 KE of %zu bytes for PFS group %u", ke->len,
			    p->pfs_group);
			rc = ISAKMP_E_KE;
			goto fail;
		}
		if ((rc = ikc_dh_new(ctx, &q->dh, p->pfs_group)) != 0 ||
		    (rc = ikc_dh_shared(ctx, &q->dh, ke->body, ke->len, q->gqm, &q->gqmlen)) != 0)
			goto fail;
	}
	memcpy(q->iv, iv_next, sa->alg.blk);
	/* QM2: HDR*, HASH(2), SA, Nr [, IDci, IDcr] [, NAT-OAi, NAT-OAr]. */
	wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, 0, q->msgid);
	add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = wb_begin(&w, PL_SA);
	wb_u32(&w, 1);
	wb_u32(&w, 1);
	s2 = wb_sub(&w, PL_NONE);
	wb_u8(&w, cprop[4]);
	wb_u8(&w, 3);
	wb_u8(&w, 4);
	wb_u8(&w, 1);
	wb_u32(&w, q->spi_in);
	wb_put(&w, ctr, rd16(ctr + 2));
	if (!w.err)
		w.p[w.len - rd16(ctr + 2)] = PL_NONE;
	wb_end(&w, s2);
	wb_end(&w, s);
	s = wb_begin(&w, PL_NONCE);
	wb_put(&w, q->nr, q->nrlen);
	wb_end(&w, s);
	if (p->pfs_group) {
		s = wb_begin(&w, PL_KE);
		wb_put(&w, q->dh.pub, q->dh.publen);
		wb_end(&w, s);
		ikc_dh_free(&q->dh);
	}
	if (idi != NULL && idr != NULL) {
		s = wb_begin(&w, PL_ID);
		wb_put(&w, idi->body, idi->len);
		wb_end(&w, s);
		s = wb_begin(&w, PL_ID);
		wb_put(&w, idr->body, idr->len);
		wb_end(&w, s);
	}
	if (pl_find(m, sa->natoa_type, 0) != NULL) {
		add_natoa(sa, &w, sa->remote.ip);
		add_natoa(sa, &w, sa->local.ip);
	}
	if (shortened) {
		/* DOI 1, ESP, SPI size 4, RESPONDER-LIFETIME, the initiator's SPI. */
		s = wb_begin(&w, PL_N);
		wb_u32(&w, 1);
		wb_u8(&w, 3);
		wb_u8(&w, 4);
		wb_u16(&w, N_RESPONDER_LIFETIME);
		wb_u32(&w, q->spi_out);
		wb_attr(&w, 1, 1);
		wb_attr(&w, 2, q->chosen.life_s);
		if (q->chosen.life_kb) {
			wb_attr(&w, 1, 2);
			wb_attr(&w, 2, q->chosen.life_kb);
		}
		wb_end(&w, s);
	}
	if (w.err) {
		rc = ISAKMP_E_BUFFER;
		goto fail;
	}
	if ((rc = qm_hash(ctx, sa, false, q->msgid, q->ni, q->nilen, w.p + st, w.len - st, h)) != 0)
		goto fail;
	if ((rc = store(ctx, &q->last_rx, &q->last_rx_len, pkt, len)) != 0)
		goto fail;
	return qm_seal_send(ctx, sa, q, &w, hoff, h, 2,
	    now + ctx->cfg.half_open_timeout_ns);
fail:
	qm_clear(ctx, q);
	return rc;
}

/*
 * Commit bit (RFC 2408 3.1, 4.8): after QM3 the responder confirms with a
 * fourth Quick Mode message HDR*(C), HASH, N(CONNECTED) in the same
 * exchange, HASH = prf(SKEYID_a, M-ID | N).
 */
static int
qm_connected(struct isakmp_ctx *ctx, struct ike_sa *sa, struct qm *q)
{
	uint8_t buf[256], h[MAX_HASH];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t hoff, st, s;
	int rc;

	wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, FL_C, q->msgid);
	add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = wb_begin(&w, PL_N);
	wb_u32(&w, 1);
	wb_u8(&w, 3);
	wb_u8(&w, 4);
	wb_u16(&w, N_CONNECTED);
	wb_u32(&w, q->spi_in);
	wb_end(&w, s);
	if (w.err)
		return ISAKMP_E_BUFFER;
	if ((rc = qm_hash(ctx, sa, false, q->msgid, w.p + st, w.len - st, NULL, 0, h)) != 0)
		return rc;
	memcpy(w.p + hoff, h, sa->alg.hlen);
	if ((rc = encrypt_msg(sa, &w, q->iv)) != 0)
		return rc;
	/* A retransmitted QM3 gets this message again. */
	if ((rc = store(ctx, &q->last_tx, &q->last_tx_len, w.p, w.len)) != 0)
		return rc;
	return send_msg(ctx, sa, w.p, w.len);
}

/* Responder: QM3 (HASH(3)) -> SA ready. */
static int
r_qm3(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next, const uint8_t *pkt, size_t len)
{
	uint8_t h[MAX_HASH];
	int rc;

	if ((rc = qm_hash(ctx, sa, true, q->msgid, q->ni, q->nilen, q->nr, q->nrlen, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode HASH(3) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	memcpy(q->iv, iv_next, sa->alg.blk);
	if ((rc = store(ctx, &q->last_rx, &q->last_rx_len, pkt, len)) != 0)
		return rc;
	q->state = 3;
	if ((rc = qm_install(ctx, now, sa, q)) != 0)
		return rc;
	if (q->commit)
		return qm_connected(ctx, sa, q);
	return 0;
}

/* Adopts a RESPONDER-LIFETIME notify (RFC 2407 4.6.3.1) if it only shortens. */
static void
qm_responder_lifetime(struct isakmp_ctx *ctx, struct qm *q, const struct msg *m)
{
	const struct payload *n;
	struct attr a;
	size_t i;
	uint16_t ltype = 0;

	for (i = 0; (n = pl_find(m, PL_N, i)) != NULL; i++) {
		const uint8_t *p, *end;

		if (n->len < 8 || rd16(n->body + 6) != N_RESPONDER_LIFETIME ||
		    (size_t)8 + n->body[5] > n->len)
			continue;
		p = n->body + 8 + n->body[5];
		end = n->body + n->len;
		while (p < end) {
			if (attr_next(&p, end, &a) != 0) {
				ctx->st.rx_bad_attr++;
				ik_log(ctx, ISAKMP_LOG_WARN, "RESPONDER-LIFETIME with a bad attribute");
				return;
			}
			if (a.type == 1)
				ltype = (uint16_t)a.val;
			else if (a.type == 2 && ltype == 1 && a.val != 0 && a.val < q->chosen.life_s)
				q->chosen.life_s = a.val;
			else if (a.type == 2 && ltype == 2 && a.val != 0 &&
			    (q->chosen.life_kb == 0 || a.val < q->chosen.life_kb))
				q->chosen.life_kb = a.val;
		}
		ik_log(ctx, ISAKMP_LOG_INFO, "RESPONDER-LIFETIME: %u s, %u kB", q->chosen.life_s,
		    q->chosen.life_kb);
	}
}

/* Initiator: QM2 -> QM3 and SA ready. */
static int
i_qm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next)
{
	struct isakmp_policy *p = pol(ctx, sa);
	const struct payload *sap = pl_find(m, PL_SA, 0), *n = pl_find(m, PL_NONCE, 0);
	const uint8_t *after = m->pl[0].raw + 4 + m->pl[0].len;
	size_t alen = (size_t)(m->first + m->plen - after), i, s;
	uint8_t h[MAX_HASH], buf[256];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	struct sa_iter it;
	struct p2got g;
	int rc;

	if ((rc = qm_hash(ctx, sa, false, q->msgid, q->ni, q->nilen, after, alen, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode HASH(2) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	if (sap == NULL || n == NULL) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "QM2 without SA or nonce");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = check_nonce(ctx, n)) != 0 || (rc = sa_validate(ctx, sap->body, sap->len, 3)) != 0)
		return rc;
	memset(&it, 0, sizeof(it));
	if (!sa_next(sap->body, sap->len, &it) || it.prop[6] != 4 ||
	    p2_transform(ctx, it.tr, it.trlen, &g) != 0)
		goto noprop;
	for (i = 0; i < p->n_p2; i++)
		if (p2_match(p, &p->p2[i], &g))
			break;
	if (i == p->n_p2 || g.encap != q->encap)
		goto noprop;
	if ((rc = qm_check_ids(ctx, sa, q, pl_find(m, PL_ID, 0), pl_find(m, PL_ID, 1))) != 0)
		return rc;
	q->chosen = g.p;
	if (q->chosen.life_s == 0)
		q->chosen.life_s = p->p2[i].life_s ? p->p2[i].life_s : 3600;
	qm_responder_lifetime(ctx, q, m);
	q->spi_out = rd32(it.prop + 8);
	if (p->pfs_group) {
		const struct payload *ke = pl_find(m, PL_KE, 0);

		if (ke == NULL || ikc_dh_check_peer(p->pfs_group, ke->body, ke->len) != 0 ||
		    ikc_dh_shared(ctx, &q->dh, ke->body, ke->len, q->gqm, &q->gqmlen) != 0) {
			ctx->st.rx_bad_ke++;
			ik_log(ctx, ISAKMP_LOG_WARN, "QM2 without a valid PFS KE for group %u",
			    p->pfs_group);
			return ISAKMP_E_KE;
		}
		ikc_dh_free(&q->dh);
	}
	memcpy(q->nr, n->body, n->len);
	q->nrlen = n->len;
	memcpy(q->iv, iv_next, sa->alg.blk);
	wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, 0, q->msgid);
	if ((rc = qm_hash(ctx, sa, true, q->msgid, q->ni, q->nilen, q->nr, q->nrlen, h)) != 0)
		return rc;
	s = wb_begin(&w, PL_HASH);
	wb_put(&w, h, sa->alg.hlen);
	wb_end(&w, s);
	if ((rc = encrypt_msg(sa, &w, q->iv)) != 0)
		return rc;
	q->state = 3;
	if ((rc = send_msg(ctx, sa, w.p, w.len)) != 0)
		return rc;
	/* Keep QM3 to answer a retransmitted QM2. */
	if ((rc = qm_install(ctx, now, sa, q)) != 0)
		return rc;
	return store(ctx, &q->last_tx, &q->last_tx_len, w.p, w.len);
noprop:
	ctx->st.rx_no_proposal++;
	ik_log(ctx, ISAKMP_LOG_WARN, "QM2 chose a transform we did not offer");
	return ISAKMP_E_NO_PROPOSAL;
}

/* ---- Informational ----------------------------------------------------- */

static int
send_info(struct isakmp_ctx *ctx, struct ike_sa *sa, uint8_t type, const uint8_t *body,
    size_t blen)
{
	uint8_t buf[512], h[MAX_HASH], iv[MAX_BLOCK];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	uint32_t msgid;
	size_t hoff, st, s;
	int rc;

	do {
		if ((rc = ik_rng(ctx, &msgid, 4)) != 0)
			return rc;
	} while (msgid == 0);
	if ((rc = p2_iv(sa, msgid, iv)) != 0)
		return rc;
	wb_header(&w, sa->icookie, sa->rcookie, EX_INFO, 0, msgid);
	add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = wb_begin(&w, type);
	wb_put(&w, body, blen);
	wb_end(&w, s);
	if (w.err)
		return ISAKMP_E_BUFFER;
	if ((rc = qm_hash(ctx, sa, false, msgid, w.p + st, w.len - st, NULL, 0, h)) != 0)
		return rc;
	memcpy(w.p + hoff, h, sa->alg.hlen);
	if ((rc = encrypt_msg(sa, &w, iv)) != 0)
		return rc;
	return send_msg(ctx, sa, w.p, w.len);
}

static int
send_notify(struct isakmp_ctx *ctx, struct ike_sa *sa, uint16_t type, const uint8_t *data,
    size_t dlen)
{
	uint8_t b[64];
	size_t l = 0;

	/* DOI 1, protocol ISAKMP, SPI size 16 (the cookies), type, SPI, data. */
	b[l++] = 0; b[l++] = 0; b[l++] = 0; b[l++] = 1;
	b[l++] = 1; b[l++] = 16;
	b[l++] = (uint8_t)(type >> 8); b[l++] = (uint8_t)type;
	memcpy(b + l, sa->icookie, 8); l += 8;
	memcpy(b + l, sa->rcookie, 8); l += 8;
	if (dlen > sizeof(b) - l)
		return ISAKMP_E_INVAL;
	if (dlen > 0)
		memcpy(b + l, data, dlen);
	l += dlen;
	return send_info(ctx, sa, PL_N, b, l);
}

static void
send_deletes(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	uint8_t b[32];
	size_t i;

	if (!pol(ctx, sa)->send_deletes || sa->state != S_ESTABLISHED)
		return;
	for (i = 0; i < MAX_P2; i++) {
		struct qm *q = &sa->qm[i];

		if (!q->used || !q->ready)
			continue;
		b[0] = 0; b[1] = 0; b[2] = 0; b[3] = 1;
		b[4] = 3; b[5] = 4; b[6] = 0; b[7] = 1;
		b[8] = (uint8_t)(q->spi_in >> 24); b[9] = (uint8_t)(q->spi_in >> 16);
		b[10] = (uint8_t)(q->spi_in >> 8); b[11] = (uint8_t)q->spi_in;
		if (send_info(ctx, sa, PL_D, b, 12) == 0)
			ctx->st.deletes_tx++;
	}
	b[0] = 0; b[1] = 0; b[2] = 0; b[3] = 1;
	b[4] = 1; b[5] = 16; b[6] = 0; b[7] = 1;
	memcpy(b + 8, sa->icookie, 8);
	memcpy(b + 16, sa->rcookie, 8);
	if (send_info(ctx, sa, PL_D, b, 24) == 0)
		ctx->st.deletes_tx++;
}

/* Emits events for every ready IPsec SA of sa and destroys it. */
static void
sa_remove(struct isakmp_ctx *ctx, struct ike_sa *sa, int evtype, bool deletes)
{
	size_t i;

	if (deletes)
		send_deletes(ctx, sa);
	for (i = 0; i < MAX_P2; i++)
		if (sa->qm[i].used && sa->qm[i].ready)
			ev_qm(ctx, sa, &sa->qm[i], evtype == ISAKMP_EV_PEER_DEAD ?
			    ISAKMP_EV_SA_DELETED : evtype);
	if (evtype == ISAKMP_EV_PEER_DEAD || sa->state != S_ESTABLISHED) {
		struct isakmp_event ev;

		ev_base(sa, &ev, sa->state == S_ESTABLISHED ? ISAKMP_EV_PEER_DEAD :
		    ISAKMP_EV_PHASE1_FAILED);
		ev.reason = ISAKMP_E_STATE;
		if (ev.type == ISAKMP_EV_PHASE1_FAILED)
			ctx->st.phase1_failed++;
		ev_push(ctx, &ev);
	}
	sa_destroy(ctx, sa);
}

/* INITIAL-CONTACT: drop older IKE SAs of the same peer (same outer tuple). */
static void
qm_drop_peer_older(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct ike_sa *o, *nx;

	for (o = ctx->sas; o != NULL; o = nx) {
		nx = o->next;
		if (o != sa && o->remote.ip == sa->remote.ip && o->remote.port == sa->remote.port &&
		    o->local.ip == sa->local.ip && o->state == S_ESTABLISHED) {
			ik_log(ctx, ISAKMP_LOG_INFO, "INITIAL-CONTACT: dropping IKE SA %llu",
			    (unsigned long long)o->id);
			sa_remove(ctx, o, ISAKMP_EV_SA_DELETED, false);
		}
	}
}

/*
 * A RESPONDER-LIFETIME notify for the ISAKMP SA (protocol 1), already
 * authenticated by HASH(1).  Its SPI must be the 16-byte cookie pair; its data
 * an attribute list of Life Type (class 11, or 1 as in the IPsec DOI) and
 * Life Duration (12, or 2) pairs, type first.  The whole list is checked
 * before anything changes.  The initiator adopts a seconds value only if it
 * is shorter than what it has (its policy already bounds that), counting
 * from when phase 1 came up; rekey moves to 90% of the new lifetime.
 * Returns 0 or ISAKMP_E_PAYLOAD (SPI size) / ISAKMP_E_ATTR (attributes).
 */
static int
p1_responder_lifetime(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct payload *n)
{
	const uint8_t *p, *end = n->body + n->len;
	struct attr a;
	uint32_t secs = 0;
	uint16_t ltype = 0;
	size_t spisz = n->body[5];

	if (spisz != 16) {
		ctx->st.rx_bad_payload++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: phase 1 RESPONDER-LIFETIME with SPI "
		    "size %zu, not 16", (unsigned long long)sa->id, spisz);
		return ISAKMP_E_PAYLOAD;
	}
	p = n->body + 8 + 16;
	if (p == end) {
		ctx->st.rx_bad_attr++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: phase 1 RESPONDER-LIFETIME without "
		    "attributes", (unsigned long long)sa->id);
		return ISAKMP_E_ATTR;
	}
	while (p < end) {
		size_t off = (size_t)(p - n->body);
		int rc = attr_next(&p, end, &a);

		if (rc == 0 && (a.type == 11 || a.type == 1) && (a.val == 1 || a.val == 2)) {
			ltype = (uint16_t)a.val;
			continue;
		}
		if (rc == 0 && (a.type == 12 || a.type == 2) && ltype != 0 && a.val != 0) {
			if (ltype == 1 && (secs == 0 || a.val < secs))
				secs = a.val;
			ltype = 0;
			continue;
		}
		ctx->st.rx_bad_attr++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: phase 1 RESPONDER-LIFETIME: bad "
		    "attribute at offset %zu of %zu", (unsigned long long)sa->id, off, n->len);
		return ISAKMP_E_ATTR;
	}
	if (memcmp(n->body + 8, sa->icookie, 8) != 0 || memcmp(n->body + 16, sa->rcookie, 8) != 0) {
		ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME for another ISAKMP "
		    "SA ignored", (unsigned long long)sa->id);
		return 0;
	}
	if (!sa->initiator || secs == 0 || secs >= sa->alg.p.life_s) {
		ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME %u s not adopted "
		    "(ours %u s)", (unsigned long long)sa->id, secs, sa->alg.p.life_s);
		return 0;
	}
	sa->alg.p.life_s = secs;
	sa->expires = sa->up_at + (uint64_t)secs * NS;
	if (sa->p1_rekey_at != 0 && !sa->p1_rekeyed)
		sa->p1_rekey_at = sa->up_at + (uint64_t)secs * NS / 10 * 9;
	ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME adopted, %u s",
	    (unsigned long long)sa->id, secs);
	return 0;
}

static int
info_input(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    bool *removed)
{
	const uint8_t *after = m->pl[0].raw + 4 + m->pl[0].len;
	size_t alen = (size_t)(m->first + m->plen - after), i, k;
	const struct payload *p;
	uint8_t h[MAX_HASH];
	int rc;

	if ((rc = qm_hash(ctx, sa, false, m->msgid, after, alen, NULL, 0, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Informational HASH(1) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	for (i = 1; i < m->n; i++) {
		p = &m->pl[i];
		if (p->type == PL_N && p->len >= 8) {
			uint16_t t = rd16(p->body + 6);
			size_t spisz = p->body[5];

			if (8 + spisz > p->len) {
				ctx->st.rx_bad_length++;
				ik_log(ctx, ISAKMP_LOG_WARN, "Notify SPI size %zu > %zu", spisz, p->len);
				return ISAKMP_E_BAD_LENGTH;
			}
			if (t == N_DPD_R_U_THERE && p->len == 8 + spisz + 4) {
				ctx->st.dpd_rx++;
				rc = send_notify(ctx, sa, N_DPD_R_U_THERE_ACK, p->body + 8 + spisz, 4);
				if (rc != 0)
					return rc;
			} else if (t == N_RESPONDER_LIFETIME && p->body[4] == 1) {
				if ((rc = p1_responder_lifetime(ctx, sa, p)) != 0)
					return rc;
			} else if (t == N_DPD_R_U_THERE_ACK && p->len == 8 + spisz + 4) {
				if (rd32(p->body + 8 + spisz) == sa->dpd_seq && sa->dpd_wait != 0) {
					ctx->st.dpd_ack_rx++;
					sa->dpd_wait = 0;
				}
			} else {
				ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: Notify %s (%u)",
				    (unsigned long long)sa->id, isakmp_notify_name(t), t);
			}
		} else if (p->type == PL_D && p->len >= 8) {
			size_t spisz = p->body[5], nspi = rd16(p->body + 6);

			if (p->len != 8 + spisz * nspi) {
				ctx->st.rx_bad_length++;
				ik_log(ctx, ISAKMP_LOG_WARN, "Delete: %zu SPIs of %zu bytes in %zu",
				    nspi, spisz, p->len - 8);
				return ISAKMP_E_BAD_LENGTH;
			}
			ctx->st.deletes_rx++;
			if (p->body[4] == 1 && spisz == 16) {
				/* The SPI is the cookie pair: delete only the SA it names. */
				for (k = 0; k < nspi; k++) {
					const uint8_t *spi = p->body + 8 + 16 * k;

					if (memcmp(spi, sa->icookie, 8) != 0 ||
					    memcmp(spi + 8, sa->rcookie, 8) != 0)
						continue;
					ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu deleted by peer",
					    (unsigned long long)sa->id);
					sa_remove(ctx, sa, ISAKMP_EV_SA_DELETED, false);
					*removed = true;
					return 0;
				}
				ik_log(ctx, ISAKMP_LOG_DEBUG, "IKE SA %llu: Delete for another "
				    "ISAKMP SA ignored", (unsigned long long)sa->id);
				continue;
			}
			if (p->body[4] == 3 && spisz == 4) {
				for (k = 0; k < nspi; k++) {
					uint32_t spi = rd32(p->body + 8 + 4 * k);
					size_t j;

					for (j = 0; j < MAX_P2; j++) {
						struct qm *q = &sa->qm[j];

						if (q->used && q->ready && q->spi_out == spi) {
							ev_qm(ctx, sa, q, ISAKMP_EV_SA_DELETED);
							qm_clear(ctx, q);
						}
					}
				}
			}
		}
	}
	(void)now;
	return 0;
}

/* ---- input dispatch ---------------------------------------------------- */

static struct ike_sa *
sa_lookup(struct isakmp_ctx *ctx, const struct msg *m, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	struct ike_sa *sa;
	bool rzero = memcmp(m->rcookie, zero8, 8) == 0;

	for (sa = ctx->sas; sa != NULL; sa = sa->next) {
		if (memcmp(sa->icookie, m->icookie, 8) != 0)
			continue;
		if (rzero) {
			/* A new exchange is keyed by the full outer tuple. */
			if (!sa->initiator && sa->state == S_R_MM2 &&
			    sa->remote.ip == from->ip && sa->remote.port == from->port &&
			    sa->local.ip == to->ip && sa->local.port == to->port)
				return sa;
			continue;
		}
		if (sa->initiator && sa->state == S_I_MM1 && memcmp(sa->rcookie, zero8, 8) == 0)
			return sa;
		if (memcmp(sa->rcookie, m->rcookie, 8) == 0)
			return sa;
	}
	return NULL;
}

static bool
same_as(const uint8_t *stored, size_t slen, const uint8_t *pkt, size_t len)
{
	return stored != NULL && slen == len && memcmp(stored, pkt, len) == 0;
}

static int
resend(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *tx, size_t txlen)
{
	ctx->st.rx_retransmits++;
	ik_log(ctx, ISAKMP_LOG_DEBUG, "IKE SA %llu: retransmitted request, resending %zu bytes",
	    (unsigned long long)sa->id, txlen);
	if (tx == NULL)
		return 0;
	return send_msg(ctx, sa, tx, txlen);
}

/*
 * Responder MM5 with PSK selection: the ID is encrypted under a key derived
 * from the PSK, so with several candidate policies for this peer (same
 * address or any, a configured peer ID, accepting the chosen transform) each
 * PSK is tried in policy order until HASH_I and the ID verify.
 */
static int
r_mm5_by_psk(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct msg *m,
    const uint8_t *pkt, size_t len, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	uint8_t plain[ISAKMP_MAX_PACKET], iv[MAX_BLOCK], next_iv[MAX_BLOCK];
	size_t cand[ISAKMP_MAX_POLICIES], nc = 0, pi, j, k;
	size_t first = sa->policy;
	int rc = ISAKMP_E_AUTH;

	cand[nc++] = first;
	for (pi = 0; pi < ctx->cfg.n_policies; pi++) {
		struct isakmp_policy *p = &ctx->cfg.policies[pi];

		if (pi == first || p->peer_id_len == 0 ||
		    (p->peer_ip != 0 && p->peer_ip != sa->remote.ip))
			continue;
		for (j = 0; j < p->n_p1; j++)
			if (p1_match(ctx, p, &p->p1[j], &sa->alg.p))
				break;
		if (j < p->n_p1)
			cand[nc++] = pi;
	}
	for (k = 0; k < nc; k++) {
		struct isakmp_policy *p = &ctx->cfg.policies[cand[k]];

		if (k > 0) {
			sa->policy = cand[k];
			if ((rc = ikc_skeyids(ctx, sa, p->psk, p->psk_len, sa->gxy, sa->gxylen)) != 0)
				break;
		}
		memcpy(iv, sa->iv, sa->alg.blk);
		if ((rc = decrypt_msg(ctx, sa, pkt, len, iv, plain, next_iv)) != 0)
			break;  /* not a block multiple: no key will help */
		if ((rc = pl_parse(ctx, plain, len - HDR_LEN, m)) != 0) {
			ctx->st.rx_auth_failed++;
			ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: MM5 did not decrypt to valid "
			    "payloads with policy %zu: wrong pre-shared key?",
			    (unsigned long long)sa->id, cand[k]);
			rc = ISAKMP_E_AUTH;
			continue;
		}
		rc = r_mm5(ctx, now, sa, m, pkt, len, next_iv, from, to);
		if (rc == 0) {
			if (k > 0)
				ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: pre-shared key of policy "
				    "%zu matched the peer's ID", (unsigned long long)sa->id, cand[k]);
			break;
		}
		if (rc != ISAKMP_E_AUTH && rc != ISAKMP_E_ID && rc != ISAKMP_E_PAYLOAD)
			break;
	}
	if (rc != 0 && sa->policy != first) {
		/* Back to the first candidate's keys so a retry behaves the same. */
		struct isakmp_policy *p = &ctx->cfg.policies[first];

		sa->policy = first;
		(void)ikc_skeyids(ctx, sa, p->psk, p->psk_len, sa->gxy, sa->gxylen);
	}
	sodium_memzero(plain, sizeof(plain));
	return rc;
}

static int
encrypted_input(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct msg *m,
    const uint8_t *pkt, size_t len, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	uint8_t plain[ISAKMP_MAX_PACKET], iv[MAX_BLOCK], next_iv[MAX_BLOCK];
	struct qm *q = NULL;
	bool removed = false;
	int rc;

	if (!(m->flags & FL_E)) {
		ctx->st.rx_bad_state++;
		ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: unencrypted exchange %u after keys",
		    (unsigned long long)sa->id, m->exch);
		return ISAKMP_E_STATE;
	}
	if (m->exch == EX_MAIN && sa->state == S_R_MM4) {
		rc = r_mm5_by_psk(ctx, now, sa, m, pkt, len, from, to);
		goto out;
	} else if (m->exch == EX_MAIN) {
		memcpy(iv, sa->iv, sa->alg.blk);
	} else if (m->exch == EX_QUICK && (q = qm_find(sa, m->msgid)) != NULL) {
		if (same_as(q->last_rx, q->last_rx_len, pkt, len))
			return resend(ctx, sa, q->last_tx, q->last_tx_len);
		memcpy(iv, q->iv, sa->alg.blk);
	} else {
		if ((rc = p2_iv(sa, m->msgid, iv)) != 0)
			return rc;
	}
	if ((rc = decrypt_msg(ctx, sa, pkt, len, iv, plain, next_iv)) != 0)
		goto out;
	if ((rc = pl_parse(ctx, plain, len - HDR_LEN, m)) != 0) {
		if (m->exch == EX_MAIN) {
			ctx->st.rx_auth_failed++;
			ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Main Mode message did not "
			    "decrypt to valid payloads: wrong pre-shared key?",
			    (unsigned long long)sa->id);
			rc = ISAKMP_E_AUTH;
		}
		goto out;
	}
	if (m->exch == EX_MAIN) {
		if (sa->state == S_I_MM5)
			rc = i_mm6(ctx, now, sa, m, next_iv);
		else
			goto state;
		goto out;
	}
	if (sa->state != S_ESTABLISHED)
		goto state;
	if ((rc = first_hash(ctx, sa, m)) != 0)
		goto out;
	if (m->exch == EX_INFO) {
		rc = info_input(ctx, now, sa, m, &removed);
		goto out;
	}
	if (q == NULL) {
		if (sa->initiator && m->msgid != 0) {
			/* We never asked: a responder does not start Quick Mode here. */
			goto state;
		}
		rc = r_qm1(ctx, now, sa, m, next_iv, pkt, len);
		/* HASH(1) verified: tell the authenticated peer why (RFC 2408 5.5). */
		if (rc == ISAKMP_E_NO_PROPOSAL)
			(void)send_notify(ctx, sa, N_NO_PROPOSAL_CHOSEN, NULL, 0);
		else if (rc == ISAKMP_E_ID)
			(void)send_notify(ctx, sa, N_INVALID_ID_INFORMATION, NULL, 0);
	} else if (!q->initiator && q->state == 2) {
		rc = r_qm3(ctx, now, sa, q, m, next_iv, pkt, len);
	} else if (q->initiator && q->state == 1) {
		rc = i_qm2(ctx, now, sa, q, m, next_iv);
		if (rc == 0 && (rc = store(ctx, &q->last_rx, &q->last_rx_len, pkt, len)) != 0)
			goto out;
	} else if (q->ready) {
		/* Windows sends a fourth Quick Mode message (CONNECTED notify). */
		ik_log(ctx, ISAKMP_LOG_DEBUG, "IKE SA %llu: extra Quick Mode message for "
		    "completed exchange %08x ignored", (unsigned long long)sa->id, m->msgid);
		rc = 0;
	} else {
		goto state;
	}
	goto out;
state:
	ctx->st.rx_bad_state++;
	ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: exchange %u not expected in state %d",
	    (unsigned long long)sa->id, m->exch, sa->state);
	rc = ISAKMP_E_STATE;
out:
	sodium_memzero(plain, sizeof(plain));
	(void)removed;
	return rc;
}

int
isakmp_input(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *pkt, size_t len,
    const struct isakmp_addr *from, const struct isakmp_addr *to)
{
	struct msg m;
	struct ike_sa *sa;
	size_t hlen;
	int rc;

	if (ctx == NULL || (pkt == NULL && len > 0) || from == NULL || to == NULL)
		return ISAKMP_E_INVAL;
	ctx->st.rx_packets++;
	ctx->st.rx_bytes += len;
	if (to->port == ISAKMP_NATT_PORT) {
		if (len == 1 && pkt[0] == 0xff) {
			ctx->st.rx_keepalives++;
			return 0;
		}
		if (len < 4 || memcmp(pkt, zero8, 4) != 0) {
			ctx->st.rx_bad_marker++;
			ik_log(ctx, ISAKMP_LOG_WARN, "datagram of %zu bytes on port 4500 without "
			    "non-ESP marker", len);
			return ISAKMP_E_MARKER;
		}
		pkt += 4;
		len -= 4;
	}
	if (len < HDR_LEN) {
		ctx->st.rx_truncated++;
		ik_log(ctx, ISAKMP_LOG_WARN, "ISAKMP message of %zu bytes (header is %d)", len,
		    HDR_LEN);
		return ISAKMP_E_TRUNCATED;
	}
	hlen = rd32(pkt + 24);
	if (hlen < HDR_LEN || hlen > len || hlen > ISAKMP_MAX_PACKET) {
		ctx->st.rx_bad_length++;
		ik_log(ctx, ISAKMP_LOG_WARN, "ISAKMP length %zu, datagram %zu", hlen, len);
		return ISAKMP_E_BAD_LENGTH;
	}
	len = hlen;
	if ((pkt[17] >> 4) != 1) {
		ctx->st.rx_bad_version++;
		ik_log(ctx, ISAKMP_LOG_DEBUG, "ISAKMP version %u.%u ignored", pkt[17] >> 4,
		    pkt[17] & 15);
		return ISAKMP_E_VERSION;
	}
	memset(&m, 0, sizeof(m));
	memcpy(m.icookie, pkt, 8);
	memcpy(m.rcookie, pkt + 8, 8);
	m.next = pkt[16];
	m.exch = pkt[18];
	m.flags = pkt[19];
	m.msgid = rd32(pkt + 20);
	if (m.exch != EX_MAIN && m.exch != EX_QUICK && m.exch != EX_INFO) {
		ctx->st.rx_bad_exchange++;
		ik_log(ctx, ISAKMP_LOG_INFO, "exchange type %u not supported", m.exch);
		return ISAKMP_E_EXCHANGE;
	}
	if (memcmp(m.icookie, zero8, 8) == 0) {
		ctx->st.rx_no_sa++;
		ik_log(ctx, ISAKMP_LOG_DEBUG, "zero initiator cookie");
		return ISAKMP_E_COOKIE;
	}
	sa = sa_lookup(ctx, &m, from, to);
	if (sa == NULL) {
		if (m.exch != EX_MAIN || memcmp(m.rcookie, zero8, 8) != 0 || m.msgid != 0 ||
		    (m.flags & FL_E)) {
			/* No state: count and log at debug only, never answer. */
			ctx->st.rx_no_sa++;
			ik_log(ctx, ISAKMP_LOG_DEBUG, "exchange %u for unknown IKE SA dropped", m.exch);
			return ISAKMP_E_NO_SA;
		}
		if ((rc = pl_parse(ctx, pkt + HDR_LEN, len - HDR_LEN, &m)) != 0)
			return rc;
		return r_mm1(ctx, now, &m, pkt, len, from, to);
	}
	if (same_as(sa->last_rx, sa->last_rx_len, pkt, len))
		return resend(ctx, sa, sa->last_tx, sa->last_tx_len);
	if (sa->state == S_R_MM2 || sa->state == S_I_MM1 || sa->state == S_I_MM3) {
		if (m.exch != EX_MAIN || (m.flags & FL_E) || m.msgid != 0) {
			ctx->st.rx_bad_state++;
			ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: exchange %u flags %u before keys",
			    (unsigned long long)sa->id, m.exch, m.flags);
			return ISAKMP_E_STATE;
		}
		if (sa->state == S_R_MM2 && memcmp(m.rcookie, zero8, 8) == 0) {
			/* A different first message for the same tuple and cookie. */
			ctx->st.rx_bad_state++;
			ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: second different MM1",
			    (unsigned long long)sa->id);
			return ISAKMP_E_STATE;
		}
		if ((rc = pl_parse(ctx, pkt + HDR_LEN, len - HDR_LEN, &m)) != 0)
			return rc;
		if (sa->state == S_R_MM2) {
			if (from->ip != sa->remote.ip || from->port != sa->remote.port) {
				ctx->st.rx_bad_state++;
				ik_log(ctx, ISAKMP_LOG_WARN, "MM3 from another address than MM1");
				return ISAKMP_E_STATE;
			}
			return r_mm3(ctx, sa, &m, pkt, len);
		}
		if (sa->state == S_I_MM1)
			return i_mm2(ctx, now, sa, &m);
		return i_mm4(ctx, now, sa, &m);
	}
	if (m.msgid == 0 && m.exch != EX_MAIN) {
		ctx->st.rx_bad_state++;
		ik_log(ctx, ISAKMP_LOG_WARN, "exchange %u with message ID 0", m.exch);
		return ISAKMP_E_STATE;
	}
	return encrypted_input(ctx, now, sa, &m, pkt, len, from, to);
}

/* ---- timers ------------------------------------------------------------ */

static uint64_t
min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t
isakmp_next_timeout(const struct isakmp_ctx *ctx)
{
	const struct ike_sa *sa;
	uint64_t t = UINT64_MAX;
	size_t i;

	if (ctx == NULL)
		return t;
	for (sa = ctx->sas; sa != NULL; sa = sa->next) {
		if (sa->deadline)
			t = min64(t, sa->deadline);
		if (sa->expires)
			t = min64(t, sa->expires);
		if (sa->dpd_next)
			t = min64(t, sa->dpd_next);
		if (sa->dpd_wait)
			t = min64(t, sa->dpd_wait);
		if (sa->p1_rekey_at)
			t = min64(t, sa->p1_rekey_at);
		for (i = 0; i < MAX_P2; i++) {
			if (!sa->qm[i].used)
				continue;
			if (sa->qm[i].deadline)
				t = min64(t, sa->qm[i].deadline);
			if (sa->qm[i].expires)
				t = min64(t, sa->qm[i].expires);
			if (sa->qm[i].rekey_at)
				t = min64(t, sa->qm[i].rekey_at);
		}
	}
	return t;
}

static void
qm_timers(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	size_t i;

	for (i = 0; i < MAX_P2; i++) {
		struct qm *q = &sa->qm[i];

		if (!q->used)
			continue;
		if (q->ready && q->initiator && !q->rekeyed && q->rekey_at && now >= q->rekey_at &&
		    now < q->expires) {
			q->rekeyed = true;
			q->rekey_at = 0;
			ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: rekeying IPsec SA %08x",
			    (unsigned long long)sa->id, q->spi_in);
			(void)qm_initiate(ctx, now, sa);
		}
		if (q->ready && q->expires && now >= q->expires) {
			ev_qm(ctx, sa, q, ISAKMP_EV_SA_EXPIRED);
			qm_clear(ctx, q);
		} else if (!q->ready && q->deadline && now >= q->deadline) {
			if (q->initiator && q->tries < ctx->cfg.retransmit_max && q->last_tx) {
				q->tries++;
				ctx->st.tx_retransmits++;
				(void)send_msg(ctx, sa, q->last_tx, q->last_tx_len);
				q->deadline = now + (ctx->cfg.retransmit_ns << q->tries);
			} else {
				ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: Quick Mode %08x timed out",
				    (unsigned long long)sa->id, q->msgid);
				qm_clear(ctx, q);
			}
		}
	}
}

int
isakmp_handle_timeout(struct isakmp_ctx *ctx, uint64_t now)
{
	struct ike_sa *sa, *nx;
	struct isakmp_policy *p;

	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	for (sa = ctx->sas; sa != NULL; sa = nx) {
		nx = sa->next;
		p = pol(ctx, sa);
		if (sa->state == S_ESTABLISHED) {
			if (sa->expires && now >= sa->expires) {
				ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu expired",
				    (unsigned long long)sa->id);
				sa_remove(ctx, sa, ISAKMP_EV_SA_EXPIRED, true);
				continue;
			}
			if (sa->initiator && !sa->p1_rekeyed && sa->p1_rekey_at &&
			    now >= sa->p1_rekey_at) {
				/* Make before break: a new IKE SA with a new IPsec SA;
				 * this one lives until it expires. */
				sa->p1_rekeyed = true;
				sa->p1_rekey_at = 0;
				ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: rekeying phase 1",
				    (unsigned long long)sa->id);
				{
					uint64_t nid;

					if (isakmp_initiate(ctx, now, sa->policy, &sa->orig_local,
					    &sa->orig_remote, &nid) == 0 && ctx->sas != NULL &&
					    ctx->sas->id == nid)
						ctx->sas->rekey_of_other = true;
				}
			}
			if (sa->dpd_wait && now >= sa->dpd_wait) {
				ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: peer dead (no DPD ack)",
				    (unsigned long long)sa->id);
				sa_remove(ctx, sa, ISAKMP_EV_PEER_DEAD, false);
				continue;
			}
			if (sa->dpd_next && now >= sa->dpd_next && sa->dpd_wait == 0) {
				uint8_t seq[4];

				sa->dpd_seq++;
				seq[0] = (uint8_t)(sa->dpd_seq >> 24);
				seq[1] = (uint8_t)(sa->dpd_seq >> 16);
				seq[2] = (uint8_t)(sa->dpd_seq >> 8);
				seq[3] = (uint8_t)sa->dpd_seq;
				if (send_notify(ctx, sa, N_DPD_R_U_THERE, seq, 4) == 0)
					ctx->st.dpd_tx++;
				sa->dpd_wait = now + (p->dpd_timeout_ns ? p->dpd_timeout_ns :
				    3 * p->dpd_interval_ns);
				sa->dpd_next = now + p->dpd_interval_ns;
			} else if (sa->dpd_next && now >= sa->dpd_next) {
				sa->dpd_next = now + p->dpd_interval_ns;
			}
			qm_timers(ctx, now, sa);
			continue;
		}
		if (sa->deadline == 0 || now < sa->deadline)
			continue;
		if (sa->initiator && sa->tries < ctx->cfg.retransmit_max && sa->last_tx != NULL) {
			sa->tries++;
			ctx->st.tx_retransmits++;
			(void)send_msg(ctx, sa, sa->last_tx, sa->last_tx_len);
			sa->deadline = now + (ctx->cfg.retransmit_ns << sa->tries);
			continue;
		}
		ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: phase 1 timed out in state %d",
		    (unsigned long long)sa->id, sa->state);
		sa_remove(ctx, sa, ISAKMP_EV_PHASE1_FAILED, false);
	}
	return 0;
}

int
isakmp_delete(struct isakmp_ctx *ctx, uint64_t now, uint64_t ike_id)
{
	struct ike_sa *sa;

	(void)now;
	if (ctx == NULL)
		return ISAKMP_E_INVAL;
	for (sa = ctx->sas; sa != NULL; sa = sa->next)
		if (sa->id == ike_id) {
			sa_remove(ctx, sa, ISAKMP_EV_SA_DELETED, true);
			return 0;
		}
	return ISAKMP_E_NO_SA;
}

int
isakmp_export_keys(const struct isakmp_ctx *ctx, uint64_t ike_id, uint8_t icookie[8],
    uint8_t *key, size_t cap, size_t *key_len)
{
	const struct ike_sa *sa;

	if (ctx == NULL || icookie == NULL || key == NULL || key_len == NULL)
		return ISAKMP_E_INVAL;
	for (sa = ctx->sas; sa != NULL; sa = sa->next)
		if (sa->id == ike_id) {
			if (sa->alg.keylen == 0)
				return ISAKMP_E_NO_SA;
			if (cap < sa->alg.keylen)
				return ISAKMP_E_BUFFER;
			memcpy(icookie, sa->icookie, 8);
			memcpy(key, sa->enckey, sa->alg.keylen);
			*key_len = sa->alg.keylen;
			return 0;
		}
	return ISAKMP_E_NO_SA;
}
