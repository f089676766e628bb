/*
 * main_mode.c - Main Mode with pre-shared keys (RFC 2409 5.4), both roles,
 * including the PSK-by-ID trial for peer=any.
 *
 * One file (about 940 lines) on purpose: the six messages of both roles share
 * the key schedule (SKEYID*), HASH_I/HASH_R, the KE/nonce checks and the PSK
 * trial; cut by role, each half would need the other's internals.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

int
iki_check_nonce(struct isakmp_ctx *ctx, const struct payload *n)
{
	if (n == NULL || n->len < 8 || n->len > 256) {
		ctx->st.rx_bad_nonce++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "nonce of %zu bytes (must be 8..256)",
		    n != NULL ? n->len : 0);
		return ISAKMP_E_NONCE;
	}
	return 0;
}

static int
check_ke(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct payload *ke)
{
	if (ke == NULL || iki_ikc_dh_check_peer(sa->alg.p.group, ke->body, ke->len) != 0) {
		ctx->st.rx_bad_ke++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "KE of %zu bytes for group %u (need %zu, not "
		    "0/1/p-1)", ke != NULL ? ke->len : 0, sa->alg.p.group,
		    iki_ikc_ke_len(sa->alg.p.group));
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
	struct isakmp_policy *p = iki_pol(ctx, sa);
	int rc;

	if ((rc = iki_ikc_dh_shared(ctx, &sa->dh, ke->body, ke->len, gxy, &gxylen)) != 0) {
		ctx->st.rx_bad_ke++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "Diffie-Hellman with the peer's value failed");
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
	rc = iki_ikc_skeyids(ctx, sa, p->psk, p->psk_len, gxy, gxylen);
	iki_ikc_dh_free(&sa->dh);
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
	return iki_ikc_prf(ctx, sa->alg.md, sa->skeyid, sa->alg.hlen, parts, lens, 6, out);
}

static int
start_dh_nonce(struct isakmp_ctx *ctx, struct ike_sa *sa, size_t nlen)
{
	int rc;

	if ((rc = iki_ikc_dh_new(ctx, &sa->dh, sa->alg.p.group)) != 0)
		return rc;
	if (sa->initiator) {
		sa->nilen = nlen;
		return iki_ik_rng(ctx, sa->ni, nlen);
	}
	sa->nrlen = nlen;
	return iki_ik_rng(ctx, sa->nr, nlen);
}

static void
add_ke_nonce(struct ike_sa *sa, struct wbuf *w)
{
	size_t s = iki_wb_begin(w, PL_KE);

	iki_wb_put(w, sa->dh.pub, sa->dh.publen);
	iki_wb_end(w, s);
	s = iki_wb_begin(w, PL_NONCE);
	if (sa->initiator)
		iki_wb_put(w, sa->ni, sa->nilen);
	else
		iki_wb_put(w, sa->nr, sa->nrlen);
	iki_wb_end(w, s);
}

void
iki_add_id_addr(struct wbuf *w, uint32_t ip, uint8_t proto, uint16_t port, size_t *start)
{
	size_t s = iki_wb_begin(w, PL_ID);

	iki_wb_u8(w, 1);  /* ID_IPV4_ADDR */
	iki_wb_u8(w, proto);
	iki_wb_u16(w, port);
	iki_wb_u32(w, ip);
	iki_wb_end(w, s);
	if (start != NULL)
		*start = s;
}

/*
 * The phase 1 transform for the initiator's SA payload body sab under
 * policy p: policy order decides, not the peer's order (macOS offers many).
 * Sets *alg (lifetime capped at ours), *chosen / *cprop (the transform and
 * its proposal inside sab) and *resp_life (we shortened the lifetime).
 * Returns 0, ISAKMP_E_ATTR or ISAKMP_E_NO_PROPOSAL (counted, logged).
 */
static int
choose_p1(struct isakmp_ctx *ctx, const struct isakmp_policy *p, const uint8_t *sab, size_t salen,
    struct p1alg *alg, const uint8_t **chosen, const uint8_t **cprop, bool *resp_life)
{
	struct isakmp_p1_proposal got;
	struct sa_iter it;
	uint16_t auth;
	uint32_t ours;
	size_t i;

	memset(alg, 0, sizeof(*alg));
	*chosen = *cprop = NULL;
	*resp_life = false;
	for (i = 0; i < p->n_p1 && *chosen == NULL; i++) {
		memset(&it, 0, sizeof(it));
		while (iki_sa_next(sab, salen, &it)) {
			if (iki_p1_transform(ctx, it.tr, it.trlen, &got, &auth) != 0)
				return ISAKMP_E_ATTR;
			if (auth == 1 && iki_p1_match(ctx, p, &p->p1[i], &got)) {
				*chosen = it.tr;
				*cprop = it.prop;
				alg->p = got;
				/*
				 * Policy 0 means 28800 s: the peer never gets longer.
				 * An absent lifetime attribute means 28800 s too (RFC
				 * 2407 4.5).  The transform is echoed as proposed; a
				 * shortened lifetime is announced with RESPONDER-LIFETIME
				 * once the ISAKMP SA protects it (RFC 2407 4.6.3.1).
				 */
				ours = p->p1[i].life_s ? p->p1[i].life_s : 28800;
				*resp_life = (alg->p.life_s ? alg->p.life_s : 28800) > ours;
				if (alg->p.life_s == 0 || alg->p.life_s > ours)
					alg->p.life_s = ours;
				break;
			}
		}
	}
	if (*chosen == NULL || iki_ikc_alg_setup(ctx, alg) != 0) {
		ctx->st.rx_no_proposal++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "no acceptable phase 1 proposal among those offered");
		return ISAKMP_E_NO_PROPOSAL;
	}
	return 0;
}

/*
 * MM2 into w: HDR, SA (the one chosen transform, echoed), and the vendor
 * IDs of *flags (CKF_*) unless the answer would then be larger than the
 * request of len bytes (RFC 2522's rule: no amplification before the
 * peer's address is proven); *flags says what was announced.  Returns 0 or
 * ISAKMP_E_LIMIT (even without them it would be larger).
 */
static int
build_mm2(struct isakmp_ctx *ctx, struct wbuf *w, const uint8_t *icookie, const uint8_t *rcookie,
    const uint8_t *cprop, const uint8_t *chosen, uint8_t *flags, size_t len)
{
	size_t j, s, s2;

	for (j = 0; j < 2; j++) {
		w->len = 0;
		w->err = false;
		iki_wb_header(w, icookie, rcookie, EX_MAIN, 0, 0);
		s = iki_wb_begin(w, PL_SA);
		iki_wb_u32(w, 1);
		iki_wb_u32(w, 1);
		s2 = iki_wb_sub(w, PL_NONE);
		iki_wb_u8(w, cprop[4]);
		iki_wb_u8(w, 1);
		iki_wb_u8(w, 0);
		iki_wb_u8(w, 1);
		iki_wb_put(w, chosen, rd16(chosen + 2));
		if (!w->err)
			w->p[w->len - rd16(chosen + 2)] = PL_NONE;
		iki_wb_end(w, s2);
		iki_wb_end(w, s);
		if (j == 0) {
			if (*flags & (CKF_NATT_RFC | CKF_NATT_DRAFT))
				iki_add_vid(w, (*flags & CKF_NATT_RFC) ? iki_VID_RFC3947 :
				    iki_VID_DRAFT02N);
			if (*flags & CKF_DPD)
				iki_add_vid(w, iki_VID_DPD);
		}
		iki_finish_len(w);
		if (w->len <= len && !w->err)
			break;
		*flags = 0;
	}
	if (w->len > len || w->err) {
		ctx->st.amplification_refused++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "MM2 of %zu bytes would exceed MM1 of %zu", w->len, len);
		return ISAKMP_E_LIMIT;
	}
	return 0;
}

/* The CKF_* flags an SA with these vendor IDs announces in MM2. */
static uint8_t
sa_flags(const struct ike_sa *sa)
{
	uint8_t f = 0;

	if (sa->natt)
		f |= sa->natt_rfc ? CKF_NATT_RFC : CKF_NATT_DRAFT;
	if (sa->peer_dpd)
		f |= CKF_DPD;
	return f;
}

/*
 * Responder: first Main Mode message (SA offer) -> MM2.  Under pressure
 * (cookie_threshold in all, or cookie_threshold_per_ip from this IP) MM2
 * is answered without state, with a keyed responder cookie (guard.c);
 * otherwise a half-open SA is made, after the oldest half-open one is
 * evicted if the IP's or the table's share is full.
 */
int
iki_r_mm1(struct isakmp_ctx *ctx, uint64_t now, const struct msg *m, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to)
{
	const struct payload *sap = iki_pl_find(m, PL_SA, 0);
	struct isakmp_policy *p = NULL;
	struct pol *pe;
	struct ike_sa *sa;
	const uint8_t *chosen = NULL, *cprop = NULL;
	bool resp_life = false;
	uint8_t buf[ISAKMP_MAX_PACKET], flags;
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	struct p1alg alg;
	int rc;

	if ((pe = iki_pol_for_peer(ctx, from->ip)) != NULL)
		p = &pe->p;
	if (p == NULL) {
		ctx->st.rx_no_policy++;
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "no policy for peer %u.%u.%u.%u",
		    from->ip >> 24, (from->ip >> 16) & 255, (from->ip >> 8) & 255, from->ip & 255);
		return ISAKMP_E_NO_POLICY;
	}
	if (sap == NULL || m->n < 1 || m->pl[0].type != PL_SA) {
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "Main Mode 1 without SA payload first");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = iki_sa_validate(ctx, sap->body, sap->len, 1)) != 0)
		return rc;
	if ((rc = choose_p1(ctx, p, sap->body, sap->len, &alg, &chosen, &cprop, &resp_life)) != 0)
		return rc;
	if (iki_want_cookie(ctx, from->ip)) {
		uint8_t rcookie[8];
		bool rfc = false, draft = false, dpd = false;
		const struct payload *v;
		size_t i;

		for (i = 0; (v = iki_pl_find(m, PL_VID, i)) != NULL; i++) {
			if (v->len < 16)
				continue;
			if (memcmp(v->body, iki_VID_RFC3947, 16) == 0)
				rfc = true;
			else if (memcmp(v->body, iki_VID_DRAFT02N, 16) == 0 ||
			    memcmp(v->body, iki_VID_DRAFT02, 16) == 0 ||
			    memcmp(v->body, iki_VID_DRAFT03, 16) == 0)
				draft = true;
			else if (memcmp(v->body, iki_VID_DPD, 16) == 0)
				dpd = true;
		}
		flags = (uint8_t)((p->natt && rfc ? CKF_NATT_RFC : p->natt && draft ? CKF_NATT_DRAFT : 0) |
		    (dpd ? CKF_DPD : 0));
		/* The cookie carries what MM2 announces: decided first, without VIDs
		 * if even the smallest MM2 with them would be too big. */
		if ((rc = build_mm2(ctx, &w, m->icookie, iki_zero8, cprop, chosen, &flags, len)) != 0)
			return rc;
		if ((rc = iki_cookie_make(ctx, now, m->icookie, from, to, sap->body, sap->len, flags,
		    rcookie)) != 0)
			return rc;
		memcpy(w.p + 8, rcookie, 8);
		if ((rc = iki_out_queue(ctx, to, from, w.p, w.len)) != 0)
			return rc;
		ctx->st.cookies_sent++;
		iki_rl_log(ctx, RL_COOKIE, now, ISAKMP_LOG_INFO, "MM1 from %u.%u.%u.%u:%u answered "
		    "statelessly (%zu half-open)", from->ip >> 24, (from->ip >> 16) & 255,
		    (from->ip >> 8) & 255, from->ip & 255, from->port, ctx->n_resp_half_open);
		return 0;
	}
	if ((rc = iki_admit_responder(ctx, now, from->ip)) != 0)
		return rc;
	if ((sa = iki_sa_new(ctx, now, false, m->icookie, to, from, pe, &rc)) == NULL)
		return rc;
	if ((rc = iki_src_attach(ctx, sa)) != 0)
		goto fail;
	sa->alg = alg;
	sa->p1_resp_life = resp_life;
	do {
		if ((rc = iki_ik_rng(ctx, sa->rcookie, 8)) != 0)
			goto fail;
	} while (memcmp(sa->rcookie, iki_zero8, 8) == 0);
	if ((rc = iki_store(ctx, &sa->sai_b, &sa->sai_len, sap->body, sap->len)) != 0)
		goto fail;
	iki_scan_vids(ctx, sa, m);
	sa->state = S_R_MM2;
	sa->deadline = now + ctx->cfg.half_open_timeout_ns;
	iki_ike_rearm(ctx, sa);

	/* MM2: HDR, SA (the one chosen transform), VIDs. */
	flags = sa_flags(sa);
	if ((rc = build_mm2(ctx, &w, sa->icookie, sa->rcookie, cprop, chosen, &flags, len)) != 0)
		goto fail;
	if ((rc = iki_store(ctx, &sa->last_rx, &sa->last_rx_len, pkt, len)) != 0 ||
	    (rc = iki_queue_stored(ctx, sa, &w, true)) != 0)
		goto fail;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: MM1 accepted, enc %u/%u hash %u group %u%s",
	    (unsigned long long)sa->id, alg.p.enc, alg.p.key_bits, alg.p.hash, alg.p.group,
	    sa->natt ? ", NAT-T" : "");
	return 0;
fail:
	iki_sa_destroy(ctx, sa);
	return rc;
}

/*
 * Responder: an MM3 that found no SA.  If its responder cookie is one we
 * made statelessly (iki_r_mm1 under pressure) for this initiator cookie and
 * these addresses, the peer got our MM2 at its source address: the SA is
 * made now, as MM1 would have made it (the SA offer comes from the offer
 * table, what MM2 announced from the cookie), and MM3 is handled.
 * Otherwise ISAKMP_E_NO_SA (counted in rx_no_sa and cookies_invalid).
 */
int
iki_r_mm3_cookie(struct isakmp_ctx *ctx, uint64_t now, struct msg *m, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to)
{
	const uint8_t *sab, *chosen, *cprop;
	size_t salen;
	uint8_t flags;
	struct pol *pe;
	struct ike_sa *sa;
	struct p1alg alg;
	bool resp_life;
	int rc;

	if (iki_cookie_check(ctx, now, m->icookie, m->rcookie, from, to, &sab, &salen, &flags) != 0) {
		ctx->st.rx_no_sa++;
		ctx->st.cookies_invalid++;
		iki_rl_log(ctx, RL_COOKIE, now, ISAKMP_LOG_DEBUG, "Main Mode from %u.%u.%u.%u:%u for "
		    "no SA and without a valid cookie dropped", from->ip >> 24, (from->ip >> 16) & 255,
		    (from->ip >> 8) & 255, from->ip & 255, from->port);
		return ISAKMP_E_NO_SA;
	}
	if ((rc = iki_pl_parse(ctx, pkt + HDR_LEN, len - HDR_LEN, m)) != 0 ||
	    (rc = iki_script_check(ctx, NULL, m, MSG_MM3)) != 0)
		return rc;
	if ((pe = iki_pol_for_peer(ctx, from->ip)) == NULL) {
		ctx->st.rx_no_policy++;
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "no policy for peer %u.%u.%u.%u",
		    from->ip >> 24, (from->ip >> 16) & 255, (from->ip >> 8) & 255, from->ip & 255);
		return ISAKMP_E_NO_POLICY;
	}
	if ((rc = choose_p1(ctx, &pe->p, sab, salen, &alg, &chosen, &cprop, &resp_life)) != 0)
		return rc;
	if ((rc = iki_admit_responder(ctx, now, from->ip)) != 0)
		return rc;
	if ((sa = iki_sa_new(ctx, now, false, m->icookie, to, from, pe, &rc)) == NULL)
		return rc;
	if ((rc = iki_src_attach(ctx, sa)) != 0 ||
	    (rc = iki_store(ctx, &sa->sai_b, &sa->sai_len, sab, salen)) != 0)
		goto fail;
	iki_cookie_validated(ctx, m->rcookie);
	memcpy(sa->rcookie, m->rcookie, 8);
	sa->alg = alg;
	sa->p1_resp_life = resp_life;
	sa->natt_rfc = (flags & CKF_NATT_RFC) != 0;
	sa->natt_draft = (flags & CKF_NATT_DRAFT) != 0;
	sa->peer_dpd = (flags & CKF_DPD) != 0;
	iki_natt_select(ctx, sa);
	sa->state = S_R_MM2;
	sa->deadline = now + ctx->cfg.half_open_timeout_ns;
	ctx->st.cookies_valid++;
	if ((rc = iki_r_mm3(ctx, sa, m, pkt, len)) != 0)
		goto fail;   /* a bad MM3 leaves no state behind */
	iki_ike_rearm(ctx, sa);
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: MM3 with a valid stateless cookie from "
	    "%u.%u.%u.%u:%u, enc %u/%u hash %u group %u%s", (unsigned long long)sa->id,
	    from->ip >> 24, (from->ip >> 16) & 255, (from->ip >> 8) & 255, from->ip & 255,
	    from->port, alg.p.enc, alg.p.key_bits, alg.p.hash, alg.p.group,
	    sa->natt ? ", NAT-T" : "");
	return 0;
fail:
	iki_sa_destroy(ctx, sa);
	return rc;
}

/* Responder: MM3 (KE, Ni, NAT-D) -> MM4. */
int
iki_r_mm3(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m, const uint8_t *pkt,
    size_t len)
{
	const struct payload *ke = iki_pl_find(m, PL_KE, 0), *n = iki_pl_find(m, PL_NONCE, 0);
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t nlen;
	int rc;

	if ((rc = check_ke(ctx, sa, ke)) != 0 || (rc = iki_check_nonce(ctx, n)) != 0)
		return rc;
	if ((rc = iki_check_natd(ctx, sa, m)) != 0)
		return rc;
	memcpy(sa->ni, n->body, n->len);
	sa->nilen = n->len;
	nlen = n->len > 32 ? 32 : n->len;  /* never longer than the peer's */
	if ((rc = start_dh_nonce(ctx, sa, nlen)) != 0 || (rc = mm_keys(ctx, sa, ke)) != 0)
		return rc;
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	{
		/* mm_keys freed the key; the public value stays in sa->gxr. */
		size_t s = iki_wb_begin(&w, PL_KE);

		iki_wb_put(&w, sa->gxr, sa->gxlen);
		iki_wb_end(&w, s);
		s = iki_wb_begin(&w, PL_NONCE);
		iki_wb_put(&w, sa->nr, sa->nrlen);
		iki_wb_end(&w, s);
	}
	if (sa->natt && (rc = iki_add_natd(ctx, sa, &w)) != 0)
		return rc;
	iki_finish_len(&w);
	if (w.len > len) {
		ctx->st.amplification_refused++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "MM4 of %zu bytes would exceed MM3 of %zu", w.len, len);
		return ISAKMP_E_LIMIT;
	}
	if ((rc = iki_store(ctx, &sa->last_rx, &sa->last_rx_len, pkt, len)) != 0)
		return rc;
	sa->state = S_R_MM4;
	return iki_queue_stored(ctx, sa, &w, true);
}

/*
 * Phase 1 is up (the SA is linked to its peer): lifetimes count from now;
 * the side that initiated this IKE SA rekeys it at 90%.
 */
static void
phase1_up(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa)
{
	iki_sa_established(ctx, sa);
	sodium_memzero(sa->gxy, sizeof(sa->gxy));
	sa->gxylen = 0;
	sa->deadline = 0;
	sa->tries = 0;
	sa->up_at = now;
	sa->expires = now + (uint64_t)sa->alg.p.life_s * NS;
	if (sa->initiator)
		sa->p1_rekey_at = now + (uint64_t)sa->alg.p.life_s * NS / 10 * 9;
	ctx->st.phase1_up++;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu established (peer %llu)",
	    (unsigned long long)sa->id, (unsigned long long)sa->peer->id);
	iki_peer_phase1_up(ctx, now, sa);
	iki_ike_rearm(ctx, sa);
}

/* Parses ID payload checks against policy; returns 0 if acceptable. */
static int
check_p1_id(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct payload *id)
{
	struct isakmp_policy *p = iki_pol(ctx, sa);

	if (id == NULL || id->len < 4) {
		ctx->st.rx_bad_id++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "phase 1 ID payload missing or short");
		return ISAKMP_E_ID;
	}
	if (id->body[0] != 1 && id->body[0] != 2 && id->body[0] != 3 && id->body[0] != 11) {
		ctx->st.rx_bad_id++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "phase 1 ID type %u not supported", id->body[0]);
		return ISAKMP_E_ID;
	}
	if (p->peer_id_len != 0 && (id->len - 4 != p->peer_id_len ||
	    memcmp(id->body + 4, p->peer_id, p->peer_id_len) != 0)) {
		ctx->st.rx_bad_id++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: peer ID (type %u, %zu bytes) is not "
		    "the configured one", (unsigned long long)sa->id, id->body[0], id->len - 4);
		return ISAKMP_E_ID;
	}
	/* The peer's identity (part of its key); a longer one is kept truncated. */
	sa->rid_type = id->body[0];
	sa->rid_len = id->len - 4 > ISAKMP_MAX_ID ? ISAKMP_MAX_ID : id->len - 4;
	memcpy(sa->rid, id->body + 4, sa->rid_len);
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

	iki_wb_attr(&w, 11, 1);
	iki_wb_attr(&w, 12, sa->alg.p.life_s);
	if (w.err || (rc = iki_send_notify(ctx, sa, N_RESPONDER_LIFETIME, w.p, w.len)) != 0) {
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: RESPONDER-LIFETIME %u s not sent",
		    (unsigned long long)sa->id, sa->alg.p.life_s);
		return;
	}
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME %u s sent",
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
	const struct payload *id = iki_pl_find(m, PL_ID, 0), *h = iki_pl_find(m, PL_HASH, 0);
	uint8_t hash[MAX_HASH];
	int rc;

	if (id == NULL || h == NULL) {
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "%s without ID or HASH",
		    from_initiator ? "MM5" : "MM6");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = mm_hash(ctx, sa, from_initiator, id->body, id->len, hash)) != 0)
		return rc;
	if (h->len != sa->alg.hlen || CRYPTO_memcmp(hash, h->body, h->len) != 0) {
		ctx->st.rx_auth_failed++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: %s does not verify: wrong "
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
	for (i = 0; (n = iki_pl_find(m, PL_N, i)) != NULL; i++)
		if (n->len >= 8 && rd16(n->body + 6) == N_INITIAL_CONTACT)
			ic = true;
	/* Float: the authenticated MM5 may come from the NAT-T port. */
	sa->floated = sa->natt && (from->port != sa->remote.port || to->port != sa->local.port);
	sa->local = *to;
	sa->remote = *from;
	/* The peer: INITIAL-CONTACT drops older ones, else a rekey joins. */
	if ((rc = iki_peer_attach_responder(ctx, now, sa, ic)) != 0)
		return rc;
	memcpy(sa->iv, next_iv, sa->alg.blk);
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	iki_add_id_addr(&w, sa->local.ip, 17, 0, &ids);
	if ((rc = mm_hash(ctx, sa, false, w.p + ids + 4, 8, hash)) != 0)
		goto fail;
	s = iki_wb_begin(&w, PL_HASH);
	iki_wb_put(&w, hash, sa->alg.hlen);
	iki_wb_end(&w, s);
	if ((rc = iki_encrypt_msg(sa, &w, sa->iv)) != 0)
		goto fail;
	if ((rc = iki_store(ctx, &sa->last_rx, &sa->last_rx_len, pkt, len)) != 0 ||
	    (rc = iki_queue_stored(ctx, sa, &w, true)) != 0)
		goto fail;
	phase1_up(ctx, now, sa);
	if (sa->p1_resp_life)
		p1_send_responder_lifetime(ctx, sa);
	return 0;
fail:
	iki_peer_detach_failed(ctx, sa);
	return rc;
}

/*
 * Sends Main Mode 1 for peer p (already made) from local to remote with
 * policy pe: a new IKE SA linked to p.  ic: announce INITIAL-CONTACT in MM5
 * (a first contact, not a rekey).  want_qm: a Quick Mode follows phase 1
 * (replacing IPsec SA rekey_of if nonzero).
 */
int
iki_mm_start(struct isakmp_ctx *ctx, uint64_t now, struct pol *pe, const struct isakmp_addr *local,
    const struct isakmp_addr *remote, struct peer *peer, bool ic, bool want_qm,
    uint64_t rekey_of)
{
	struct isakmp_policy *p = &pe->p;
	struct ike_sa *sa;
	uint8_t buf[ISAKMP_MAX_PACKET], ck[8];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t s, s2, i;
	int rc;

	do {
		if ((rc = iki_ik_rng(ctx, ck, 8)) != 0)
			return rc;
	} while (memcmp(ck, iki_zero8, 8) == 0);
	if ((sa = iki_sa_new(ctx, now, true, ck, local, remote, pe, &rc)) == NULL)
		return rc;
	iki_peer_link_ike(peer, sa);
	sa->want_qm = want_qm;
	sa->qm_rekey_of = rekey_of;
	sa->ic = ic;
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	s = iki_wb_begin(&w, PL_SA);
	iki_wb_u32(&w, 1);
	iki_wb_u32(&w, 1);
	s2 = iki_wb_sub(&w, PL_NONE);
	iki_wb_u8(&w, 1);
	iki_wb_u8(&w, 1);
	iki_wb_u8(&w, 0);
	iki_wb_u8(&w, (uint8_t)p->n_p1);
	for (i = 0; i < p->n_p1; i++)
		iki_write_p1_transform(&w, (uint8_t)(i + 1), &p->p1[i], i + 1 == p->n_p1);
	iki_wb_end(&w, s2);
	iki_wb_end(&w, s);
	if (!w.err && (rc = iki_store(ctx, &sa->sai_b, &sa->sai_len, w.p + s + 4, w.len - s - 4)) != 0)
		goto fail;
	if (p->natt) {
		iki_add_vid(&w, iki_VID_RFC3947);
		iki_add_vid(&w, iki_VID_DRAFT02N);
	}
	iki_add_vid(&w, iki_VID_DPD);
	iki_finish_len(&w);
	if ((rc = iki_queue_stored(ctx, sa, &w, true)) != 0)
		goto fail;
	sa->state = S_I_MM1;
	sa->deadline = now + ctx->cfg.retransmit_ns;
	iki_ike_rearm(ctx, sa);
	return 0;
fail:
	iki_sa_destroy(ctx, sa);
	return rc;
}

int
isakmp_initiate(struct isakmp_ctx *ctx, uint64_t now, uint32_t policy_id,
    const struct isakmp_addr *local, const struct isakmp_addr *remote, uint64_t *peer_id)
{
	struct pol *pe;
	struct peer *p;
	int rc;

	if (ctx == NULL || local == NULL || remote == NULL)
		return ISAKMP_E_INVAL;
	if ((pe = iki_pol_by_id(ctx, policy_id)) == NULL)
		return ISAKMP_E_NOT_FOUND;
	if (ctx->n_sas >= ctx->cfg.max_ike_sas) {
		ctx->st.sa_limit_refused++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA limit %u reached", ctx->cfg.max_ike_sas);
		return ISAKMP_E_LIMIT;
	}
	if ((p = iki_peer_new(ctx, now, pe, &rc)) == NULL)
		return rc;
	p->initiator = true;
	p->orig_local = *local;
	p->orig_remote = *remote;
	p->local = *local;
	p->remote = *remote;
	if ((rc = iki_mm_start(ctx, now, pe, local, remote, p, true, true, 0)) != 0) {
		iki_peer_destroy(ctx, p);  /* never announced */
		return rc;
	}
	if (peer_id != NULL)
		*peer_id = p->id;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "peer %llu: Main Mode started with policy %u",
	    (unsigned long long)p->id, pe->id);
	return 0;
}

/* Initiator: MM2 (chosen SA) -> MM3. */
int
iki_i_mm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *sap = iki_pl_find(m, PL_SA, 0);
	struct isakmp_policy *p = iki_pol(ctx, sa);
	struct isakmp_p1_proposal got;
	struct sa_iter it;
	uint8_t buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	uint16_t auth;
	size_t i;
	int rc;

	if (sap == NULL) {
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "MM2 without SA");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = iki_sa_validate(ctx, sap->body, sap->len, 1)) != 0)
		return rc;
	memset(&it, 0, sizeof(it));
	if (!iki_sa_next(sap->body, sap->len, &it) ||
	    iki_p1_transform(ctx, it.tr, it.trlen, &got, &auth) != 0 || auth != 1)
		goto noprop;
	for (i = 0; i < p->n_p1; i++)
		if (iki_p1_match(ctx, p, &p->p1[i], &got))
			break;
	if (i == p->n_p1)
		goto noprop;
	memset(&sa->alg, 0, sizeof(sa->alg));
	sa->alg.p = got;
	if (sa->alg.p.life_s == 0 || sa->alg.p.life_s >
	    (p->p1[i].life_s ? p->p1[i].life_s : 28800))
		sa->alg.p.life_s = p->p1[i].life_s ? p->p1[i].life_s : 28800;
	if (iki_ikc_alg_setup(ctx, &sa->alg) != 0)
		goto noprop;
	memcpy(sa->rcookie, m->rcookie, 8);
	iki_scan_vids(ctx, sa, m);
	if ((rc = start_dh_nonce(ctx, sa, 32)) != 0)
		return rc;
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	add_ke_nonce(sa, &w);
	if (sa->natt && (rc = iki_add_natd(ctx, sa, &w)) != 0)
		return rc;
	iki_finish_len(&w);
	sa->state = S_I_MM3;
	sa->tries = 0;
	sa->deadline = now + ctx->cfg.retransmit_ns;
	return iki_queue_stored(ctx, sa, &w, true);
noprop:
	ctx->st.rx_no_proposal++;
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "MM2 chose a transform we did not offer");
	return ISAKMP_E_NO_PROPOSAL;
}

/* Initiator: MM4 (KE, Nr, NAT-D) -> MM5, floating to 4500 if a NAT was seen. */
int
iki_i_mm4(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *ke = iki_pl_find(m, PL_KE, 0), *n = iki_pl_find(m, PL_NONCE, 0);
	uint8_t hash[MAX_HASH], buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t ids = 0, s;
	int rc;

	if ((rc = check_ke(ctx, sa, ke)) != 0 || (rc = iki_check_nonce(ctx, n)) != 0)
		return rc;
	if ((rc = iki_check_natd(ctx, sa, m)) != 0)
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
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_MAIN, 0, 0);
	iki_add_id_addr(&w, sa->local.ip, 17, 0, &ids);
	if ((rc = mm_hash(ctx, sa, true, w.p + ids + 4, 8, hash)) != 0)
		return rc;
	s = iki_wb_begin(&w, PL_HASH);
	iki_wb_put(&w, hash, sa->alg.hlen);
	iki_wb_end(&w, s);
	/* INITIAL-CONTACT (not on a rekey): the peer drops SAs of our previous incarnation. */
	if (sa->ic) {
		s = iki_wb_begin(&w, PL_N);
		iki_wb_u32(&w, 1);
		iki_wb_u8(&w, 1);
		iki_wb_u8(&w, 16);
		iki_wb_u16(&w, N_INITIAL_CONTACT);
		iki_wb_put(&w, sa->icookie, 8);
		iki_wb_put(&w, sa->rcookie, 8);
		iki_wb_end(&w, s);
	}
	if ((rc = iki_encrypt_msg(sa, &w, sa->iv)) != 0)
		return rc;
	sa->state = S_I_MM5;
	sa->tries = 0;
	sa->deadline = now + ctx->cfg.retransmit_ns;
	return iki_queue_stored(ctx, sa, &w, true);
}

/* Initiator: MM6 (IDir, HASH_R): phase 1 done, start Quick Mode. */
int
iki_i_mm6(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *next_iv)
{
	int rc;

	if ((rc = verify_mm_auth(ctx, sa, m, false)) != 0)
		return rc;
	memcpy(sa->iv, next_iv, sa->alg.blk);
	iki_wipe_free(ctx, &sa->last_tx, &sa->last_tx_len);
	phase1_up(ctx, now, sa);
	if (sa->want_qm) {
		sa->want_qm = false;
		if (sa->qm_rekey_of != 0) {
			struct ipsec *x = iki_ipsec_by_id(ctx, sa->qm_rekey_of);

			/* The SA to replace may have gone (or been replaced) meanwhile. */
			if (x == NULL || x->replaced_by != 0)
				return 0;
			return iki_qm_initiate(ctx, now, sa, x);
		}
		return iki_qm_initiate(ctx, now, sa, NULL);
	}
	return 0;
}

/*
 * Responder MM5 with PSK selection: the ID is encrypted under a key derived
 * from the PSK, so with several candidate policies for this peer (same
 * address or any, a configured peer ID, accepting the chosen transform) each
 * PSK is tried in policy order until HASH_I and the ID verify.
 */
int
iki_r_mm5_by_psk(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct msg *m,
    const uint8_t *pkt, size_t len, const struct isakmp_addr *from,
    const struct isakmp_addr *to)
{
	uint8_t plain[ISAKMP_MAX_PACKET], iv[MAX_BLOCK], next_iv[MAX_BLOCK];
	struct pol *first = sa->pol, *cand = first, *pe;
	size_t j;
	int rc = ISAKMP_E_AUTH;

	iki_pol_ref(first);  /* kept while other keys are tried */
	for (;;) {
		struct isakmp_policy *p = &cand->p;

		if (cand != first) {
			iki_pol_ref(cand);
			iki_pol_unref(ctx, sa->pol);
			sa->pol = cand;
			if ((rc = iki_ikc_skeyids(ctx, sa, p->psk, p->psk_len, sa->gxy, sa->gxylen)) != 0)
				break;
		}
		memcpy(iv, sa->iv, sa->alg.blk);
		if ((rc = iki_decrypt_msg(ctx, sa, pkt, len, iv, plain, next_iv)) != 0)
			break;  /* not a block multiple: no key will help */
		if ((rc = iki_pl_parse(ctx, plain, len - HDR_LEN, m)) != 0) {
			ctx->st.rx_auth_failed++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: MM5 did not decrypt to valid "
			    "payloads with policy %u: wrong pre-shared key?",
			    (unsigned long long)sa->id, cand->id);
			rc = ISAKMP_E_AUTH;
		} else if ((rc = iki_script_check(ctx, sa, m, MSG_MM5)) == 0) {
			rc = r_mm5(ctx, now, sa, m, pkt, len, next_iv, from, to);
			if (rc == 0) {
				if (cand != first)
					iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: pre-shared key of "
					    "policy %u matched the peer's ID",
					    (unsigned long long)sa->id, cand->id);
				break;
			}
		}
		if (rc != ISAKMP_E_AUTH && rc != ISAKMP_E_ID && rc != ISAKMP_E_PAYLOAD)
			break;
		/*
		 * The next candidate, in policy order: peer=any or this address,
		 * a configured peer ID, accepting the chosen transform.
		 */
		for (pe = cand == first ? ctx->pols : cand->next; pe != NULL; pe = pe->next) {
			if (pe == first || pe->p.peer_id_len == 0 ||
			    (pe->p.peer_ip != 0 && pe->p.peer_ip != sa->remote.ip))
				continue;
			for (j = 0; j < pe->p.n_p1; j++)
				if (iki_p1_match(ctx, &pe->p, &pe->p.p1[j], &sa->alg.p))
					break;
			if (j < pe->p.n_p1)
				break;
		}
		if (pe == NULL)
			break;
		cand = pe;
	}
	if (rc != 0 && sa->pol != first) {
		/* Back to the first candidate's keys so a retry behaves the same. */
		iki_pol_ref(first);
		iki_pol_unref(ctx, sa->pol);
		sa->pol = first;
		(void)iki_ikc_skeyids(ctx, sa, first->p.psk, first->p.psk_len, sa->gxy, sa->gxylen);
	}
	iki_pol_unref(ctx, first);
	sodium_memzero(plain, sizeof(plain));
	return rc;
}
