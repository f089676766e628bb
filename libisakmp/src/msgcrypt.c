/*
 * msgcrypt.c - message crypto: phase 1 / phase 2 CBC encryption and IVs
 * (RFC 2409 Appendix B), the HASH(1..3) prf, stored datagrams and their
 * retransmission.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

/* ---- message encryption ------------------------------------------------ */

/* Encrypts w (header + payloads) in place with iv; iv becomes the last block. */
int
iki_encrypt_msg(struct ike_sa *sa, struct wbuf *w, uint8_t *iv)
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
	rc = iki_ikc_cbc(sa->alg.cipher, true, sa->enckey, iv, w->p + HDR_LEN, w->len - HDR_LEN,
	    w->p + HDR_LEN);
	if (rc != 0)
		return rc;
	memcpy(iv, w->p + w->len - blk, blk);
	return 0;
}

void
iki_finish_len(struct wbuf *w)
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
int
iki_decrypt_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *pkt, size_t len,
    const uint8_t *iv, uint8_t *out, uint8_t *next_iv)
{
	size_t blk = sa->alg.blk, body = len - HDR_LEN;

	if (body == 0 || body % blk != 0) {
		ctx->st.rx_decrypt_failed++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "encrypted body of %zu bytes is not a multiple "
		    "of the %zu-byte block", body, blk);
		return ISAKMP_E_DECRYPT;
	}
	if (iki_ikc_cbc(sa->alg.cipher, false, sa->enckey, iv, pkt + HDR_LEN, body, out) != 0) {
		ctx->st.rx_decrypt_failed++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "decryption failed");
		return ISAKMP_E_DECRYPT;
	}
	memcpy(next_iv, pkt + len - blk, blk);
	return 0;
}

/* Phase 2 / Informational IV: hash(last phase 1 block | M-ID) (RFC 2409 App. B). */
int
iki_p2_iv(struct ike_sa *sa, uint32_t msgid, uint8_t *iv)
{
	uint8_t m[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16),
	    (uint8_t)(msgid >> 8), (uint8_t)msgid };
	uint8_t h[MAX_HASH];
	const uint8_t *parts[2] = { sa->iv, m };
	size_t lens[2] = { sa->alg.blk, 4 };
	int rc = iki_ikc_hash(sa->alg.md, parts, lens, 2, h);

	memcpy(iv, h, sa->alg.blk);
	return rc;
}

int
iki_send_msg(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *d, size_t len)
{
	return iki_out_queue(ctx, &sa->local, &sa->remote, d, len);
}

int
iki_queue_stored(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w, bool store_tx)
{
	int rc;

	if (w->err)
		return ISAKMP_E_BUFFER;
	if (store_tx && (rc = iki_store(ctx, &sa->last_tx, &sa->last_tx_len, w->p, w->len)) != 0)
		return rc;
	return iki_send_msg(ctx, sa, w->p, w->len);
}

void
iki_add_hash_placeholder(struct ike_sa *sa, struct wbuf *w, size_t *hoff)
{
	size_t s = iki_wb_begin(w, PL_HASH);
	uint8_t z[MAX_HASH] = { 0 };

	*hoff = w->len;
	iki_wb_put(w, z, sa->alg.hlen);
	iki_wb_end(w, s);
}


/* prf(SKEYID_a, [0 |] M-ID | parts...) for QM HASH(1)/(2)/(3) and Informational. */
int
iki_qm_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, bool zero, uint32_t msgid,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out)
{
	uint8_t z = 0, mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16),
	    (uint8_t)(msgid >> 8), (uint8_t)msgid };
	const uint8_t *parts[4] = { &z, mid, a, b };
	size_t lens[4] = { zero ? 1 : 0, 4, alen, blen };

	return iki_ikc_prf(ctx, sa->alg.md, sa->skeyid_a, sa->alg.hlen, parts, lens, 4, out);
}

bool
iki_same_as(const uint8_t *stored, size_t slen, const uint8_t *pkt, size_t len)
{
	return stored != NULL && slen == len && memcmp(stored, pkt, len) == 0;
}

int
iki_resend(struct isakmp_ctx *ctx, struct ike_sa *sa, const uint8_t *tx, size_t txlen)
{
	ctx->st.rx_retransmits++;
	iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "IKE SA %llu: retransmitted request, resending %zu bytes",
	    (unsigned long long)sa->id, txlen);
	if (tx == NULL)
		return 0;
	return iki_send_msg(ctx, sa, tx, txlen);
}
