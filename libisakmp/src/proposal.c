/*
 * proposal.c - SA payloads: validation of the proposal/transform chain,
 * transform attribute parsing, matching against policy (RFC 2408 3.4-3.6,
 * RFC 2409 Appendix A, RFC 2407 4.5) and writing our transforms.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

/* ---- SA payload parsing ------------------------------------------------ */

/* Reads phase 1 transform attributes (RFC 2409 Appendix A). */
int
iki_p1_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen,
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
		if ((rc = iki_attr_next(&p, end, &a)) != 0) {
			ctx->st.rx_bad_attr++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "bad phase 1 attribute at offset %zu",
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

/*
 * Validates the SA payload body: DOI 1, situation identity-only, then a
 * chain of proposal payloads each holding its declared number of transforms,
 * every length consumed exactly.
 */
int
iki_sa_validate(struct isakmp_ctx *ctx, const uint8_t *b, size_t len, uint8_t want_proto)
{
	size_t off = 8, poff, plen, tlen, i;
	uint8_t pnext = PL_P, ntr, spisz, tnext;

	if (len < 8 || rd32(b) != 1 || rd32(b + 4) != 1) {
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "SA payload: %zu bytes, DOI/situation not IPsec/"
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
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "proposal: protocol %u, %u transforms, "
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
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "SA payload truncated at offset %zu of %zu", off, len);
	return ISAKMP_E_TRUNCATED;
badlen:
	ctx->st.rx_bad_length++;
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "SA payload: inner length mismatch at offset %zu of %zu",
	    off, len);
	return ISAKMP_E_BAD_LENGTH;
}

/* Iterates transforms of a validated SA body.  Returns false at the end. */
bool
iki_sa_next(const uint8_t *b, size_t len, struct sa_iter *it)
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

bool
iki_p1_match(struct isakmp_ctx *ctx, const struct isakmp_policy *p, const struct isakmp_p1_proposal *want,
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

void
iki_write_p1_transform(struct wbuf *w, uint8_t num, const struct isakmp_p1_proposal *p, bool last)
{
	size_t s = iki_wb_sub(w, last ? PL_NONE : PL_T);

	iki_wb_u8(w, num);
	iki_wb_u8(w, 1);  /* KEY_IKE */
	iki_wb_u16(w, 0);
	iki_wb_attr(w, 1, p->enc);
	if (p->enc == ISAKMP_ENC_AES)
		iki_wb_attr(w, 14, p->key_bits ? p->key_bits : 128);
	iki_wb_attr(w, 2, p->hash);
	iki_wb_attr(w, 3, 1);  /* pre-shared key */
	iki_wb_attr(w, 4, p->group);
	iki_wb_attr(w, 11, 1);
	iki_wb_attr(w, 12, p->life_s ? p->life_s : 28800);
	iki_wb_end(w, s);
}

/* ---- Quick Mode -------------------------------------------------------- */

size_t
iki_esp_enc_keylen(const struct isakmp_p2_proposal *p)
{
	switch (p->enc) {
	case ISAKMP_ESP_DES: return 8;
	case ISAKMP_ESP_3DES: return 24;
	case ISAKMP_ESP_AES_CBC: return (p->key_bits ? p->key_bits : 128) / 8;
	case ISAKMP_ESP_AES_GCM_16: return (p->key_bits ? p->key_bits : 128) / 8 + 4;
	default: return 0;
	}
}

size_t
iki_esp_integ_keylen(uint16_t integ)
{
	switch (integ) {
	case ISAKMP_INTEG_HMAC_MD5_96: return 16;
	case ISAKMP_INTEG_HMAC_SHA1_96: return 20;
	case ISAKMP_INTEG_HMAC_SHA256_128: return 32;
	default: return 0;
	}
}

bool
iki_encap_udp(uint16_t e)
{
	return e == ISAKMP_ENCAP_UDP_TUNNEL || e == ISAKMP_ENCAP_UDP_TRANSPORT ||
	    e == ISAKMP_ENCAP_UDP_TUNNEL_DRAFT || e == ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT;
}

bool
iki_encap_tunnel(uint16_t e)
{
	return e == ISAKMP_ENCAP_TUNNEL || e == ISAKMP_ENCAP_UDP_TUNNEL ||
	    e == ISAKMP_ENCAP_UDP_TUNNEL_DRAFT;
}

/* The encapsulation value we use for a policy on this IKE SA. */
uint16_t
iki_our_encap(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	bool tun = iki_pol(ctx, sa)->mode == ISAKMP_MODE_TUNNEL;

	if (!(sa->natt && (sa->nat_local || sa->nat_remote)))
		return tun ? ISAKMP_ENCAP_TUNNEL : ISAKMP_ENCAP_TRANSPORT;
	if (sa->natt_rfc)
		return tun ? ISAKMP_ENCAP_UDP_TUNNEL : ISAKMP_ENCAP_UDP_TRANSPORT;
	return tun ? ISAKMP_ENCAP_UDP_TUNNEL_DRAFT : ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT;
}

int
iki_p2_transform(struct isakmp_ctx *ctx, const uint8_t *t, size_t tlen, struct p2got *g)
{
	const uint8_t *p = t + 8, *end = t + tlen;
	struct attr a;
	uint16_t ltype = 0;

	memset(g, 0, sizeof(*g));
	g->p.enc = t[5];
	while (p < end) {
		if (iki_attr_next(&p, end, &a) != 0) {
			ctx->st.rx_bad_attr++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "bad phase 2 attribute at offset %zu",
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
		case 5: g->p.integ = (uint16_t)a.val; break;
		case 6: g->p.key_bits = (uint16_t)a.val; break;
		default: break;
		}
	}
	return 0;
}

bool
iki_p2_match(const struct isakmp_policy *pl, const struct isakmp_p2_proposal *want,
    const struct p2got *g)
{
	uint16_t kb = g->p.key_bits, wkb = want->key_bits ? want->key_bits : 128;

	if (g->p.enc == ISAKMP_ESP_DES && !pl->allow_des)
		return false;
	if ((g->p.enc == ISAKMP_ESP_AES_CBC || g->p.enc == ISAKMP_ESP_AES_GCM_16) && kb == 0)
		kb = 128;
	if (want->enc != g->p.enc || want->integ != g->p.integ || g->group != pl->pfs_group)
		return false;
	if ((g->p.enc == ISAKMP_ESP_AES_CBC || g->p.enc == ISAKMP_ESP_AES_GCM_16) && kb != wkb)
		return false;
	return true;
}
