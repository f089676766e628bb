/*
 * quick_mode.c - Quick Mode (RFC 2409 5.5), both roles: proposals,
 * selectors, PFS, KEYMAT, RESPONDER-LIFETIME and the commit bit.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

/*
 * KEYMAT for both directions (RFC 2409 5.5) into the IPsec SA description
 * in libesp's vocabulary; the peer gets the IPsec SA (ipsec_install emits
 * IPSEC_SA_UP with the keys, which are then wiped here).  The finished
 * exchange is kept a while to answer retransmissions.
 */
static int
qm_install(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q)
{
	struct isakmp_ipsec_sa e;
	size_t ek = iki_esp_enc_keylen(&q->chosen), ak = iki_esp_integ_keylen(q->chosen.integ);
	size_t salt = q->chosen.enc == ISAKMP_ESP_AES_GCM_16 ? ISAKMP_SALT_LEN : 0;
	uint8_t km[ISAKMP_ESP_KEY_MAX + ISAKMP_SALT_LEN + ISAKMP_ESP_INTEG_KEY_MAX];
	struct isakmp_policy *p = iki_pol(ctx, sa);
	struct ipsec *x = NULL;
	int rc;

	memset(&e, 0, sizeof(e));
	if (ek + ak > sizeof(km) || ek - salt > ISAKMP_ESP_KEY_MAX) {
		rc = ISAKMP_E_NO_PROPOSAL;
		goto out;
	}
	e.spi_in = q->spi_in;
	e.spi_out = q->spi_out;
	e.enc_alg = (enum isakmp_esp_enc)q->chosen.enc;
	e.enc_key_len = ek - salt;
	e.integ_alg = (enum isakmp_integ)q->chosen.integ;
	if (p->sha256_96 && e.integ_alg == ISAKMP_INTEG_HMAC_SHA256_128)
		e.integ_alg = ISAKMP_INTEG_HMAC_SHA256_96;
	e.integ_key_len = ak;
	e.mode = iki_encap_tunnel(q->encap) ? ISAKMP_MODE_TUNNEL : ISAKMP_MODE_TRANSPORT;
	e.encap = q->encap;
	e.udp_encap = iki_encap_udp(q->encap);
	e.local = sa->local;
	e.remote = sa->remote;
	/* NAT-OA (RFC 3947 5.2): the peer's original source, our address as it saw it. */
	e.natoa_src = q->initiator ? q->natoa_r : q->natoa_i;
	e.natoa_dst = q->initiator ? q->natoa_i : q->natoa_r;
	e.natoa_valid = e.udp_encap && e.mode == ISAKMP_MODE_TRANSPORT && e.natoa_src != 0 &&
	    e.natoa_dst != 0;
	e.sel_protocol = q->sel_protocol;
	e.sel_local_port = q->sel_local_port;
	e.sel_remote_port = q->peer_port;
	e.life_s = q->chosen.life_s ? q->chosen.life_s : 3600;
	e.hard_bytes = (uint64_t)q->chosen.life_kb * 1024;
	e.soft_bytes = q->initiator ? e.hard_bytes / 10 * 9 : e.hard_bytes / 100 * 97;
	e.initiator = q->initiator;
	if ((rc = iki_ikc_keymat(ctx, sa, 3, q->spi_in, q, km, ek + ak)) != 0)
		goto out;
	memcpy(e.enc_key_in, km, ek - salt);
	memcpy(e.salt_in, km + ek - salt, salt);
	memcpy(e.integ_key_in, km + ek, ak);
	if ((rc = iki_ikc_keymat(ctx, sa, 3, q->spi_out, q, km, ek + ak)) != 0)
		goto out;
	memcpy(e.enc_key_out, km, ek - salt);
	memcpy(e.salt_out, km + ek - salt, salt);
	memcpy(e.integ_key_out, km + ek, ak);
	sodium_memzero(q->gqm, sizeof(q->gqm));
	q->gqmlen = 0;
	if ((rc = iki_ipsec_install(ctx, now, sa, &e, &x)) != 0)
		goto out;
	q->ready = true;
	q->ipsec_id = x->id;
	q->deadline = 0;
	/* Nothing to resend for a retransmitted last message unless set later. */
	iki_wipe_free(ctx, &q->last_tx, &q->last_tx_len);
	q->linger = now + ctx->cfg.half_open_timeout_ns;
	iki_ike_rearm(ctx, sa);
out:
	sodium_memzero(km, sizeof(km));
	sodium_memzero(&e, sizeof(e));
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
	if ((rc = iki_encrypt_msg(sa, w, q->iv)) != 0 ||
	    (rc = iki_store(ctx, &q->last_tx, &q->last_tx_len, w->p, w->len)) != 0) {
		iki_qm_clear(ctx, q);
		return rc;
	}
	q->state = state;
	q->deadline = deadline;
	iki_ike_rearm(ctx, sa);
	return iki_send_msg(ctx, sa, w->p, w->len);
}

int
iki_qm_initiate(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct ipsec *of)
{
	struct isakmp_policy *p = iki_pol(ctx, sa);
	struct qm *q;
	uint8_t buf[ISAKMP_MAX_PACKET], h[MAX_HASH];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	size_t hoff, s, s2, st, i;
	uint16_t encap = iki_our_encap(ctx, sa);
	int rc;

	if (sa->peer == NULL || sa->state != S_ESTABLISHED)
		return ISAKMP_E_STATE;
	if (!iki_ipsec_room(ctx, sa->peer) || (q = iki_qm_slot(ctx, sa)) == NULL)
		return ISAKMP_E_LIMIT;
	memset(q, 0, sizeof(*q));
	q->used = true;
	q->initiator = true;
	/* A rekey keeps the selectors of the SA it replaces. */
	if (of != NULL) {
		q->rekey_of = of->id;
		q->sel_protocol = of->sa.sel_protocol;
		q->sel_local_port = of->sa.sel_local_port;
		q->peer_port = of->sa.sel_remote_port;
	} else {
		q->sel_protocol = p->protocol;
		q->sel_local_port = p->local_port;
		q->peer_port = p->local_port;
	}
	do {
		if ((rc = iki_ik_rng(ctx, &q->msgid, 4)) != 0)
			goto fail;
	} while (q->msgid == 0 || iki_qm_find(sa, q->msgid) != q);
	do {
		if ((rc = iki_ik_rng(ctx, &q->spi_in, 4)) != 0)
			goto fail;
	} while (q->spi_in < 256);
	q->nilen = 32;
	if ((rc = iki_ik_rng(ctx, q->ni, q->nilen)) != 0 || (rc = iki_p2_iv(sa, q->msgid, q->iv)) != 0)
		goto fail;
	q->encap = encap;
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, 0, q->msgid);
	iki_add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = iki_wb_begin(&w, PL_SA);
	iki_wb_u32(&w, 1);
	iki_wb_u32(&w, 1);
	s2 = iki_wb_sub(&w, PL_NONE);
	iki_wb_u8(&w, 1);
	iki_wb_u8(&w, 3);  /* PROTO_IPSEC_ESP */
	iki_wb_u8(&w, 4);
	iki_wb_u8(&w, (uint8_t)p->n_p2);
	iki_wb_u32(&w, q->spi_in);
	for (i = 0; i < p->n_p2; i++) {
		const struct isakmp_p2_proposal *pp = &p->p2[i];
		size_t t = iki_wb_sub(&w, i + 1 == p->n_p2 ? PL_NONE : PL_T);

		iki_wb_u8(&w, (uint8_t)(i + 1));
		iki_wb_u8(&w, (uint8_t)pp->enc);
		iki_wb_u16(&w, 0);
		iki_wb_attr(&w, 1, 1);
		iki_wb_attr(&w, 2, pp->life_s ? pp->life_s : 3600);
		if (pp->life_kb) {
			iki_wb_attr(&w, 1, 2);
			iki_wb_attr(&w, 2, pp->life_kb);
		}
		iki_wb_attr(&w, 4, encap);
		if (pp->integ != ISAKMP_INTEG_NONE)
			iki_wb_attr(&w, 5, pp->integ);
		if (p->pfs_group)
			iki_wb_attr(&w, 3, p->pfs_group);
		if (pp->enc == ISAKMP_ESP_AES_CBC || pp->enc == ISAKMP_ESP_AES_GCM_16)
			iki_wb_attr(&w, 6, pp->key_bits ? pp->key_bits : 128);
		iki_wb_end(&w, t);
	}
	iki_wb_end(&w, s2);
	iki_wb_end(&w, s);
	s = iki_wb_begin(&w, PL_NONCE);
	iki_wb_put(&w, q->ni, q->nilen);
	iki_wb_end(&w, s);
	if (p->pfs_group) {
		if ((rc = iki_ikc_dh_new(ctx, &q->dh, p->pfs_group)) != 0)
			goto fail;
		s = iki_wb_begin(&w, PL_KE);
		iki_wb_put(&w, q->dh.pub, q->dh.publen);
		iki_wb_end(&w, s);
	}
	iki_add_id_addr(&w, sa->local.ip, q->sel_protocol, q->sel_local_port, NULL);
	iki_add_id_addr(&w, sa->remote.ip, q->sel_protocol, q->peer_port, NULL);
	if (iki_encap_udp(encap) && !iki_encap_tunnel(encap)) {
		q->natoa_i = sa->local.ip;
		q->natoa_r = sa->remote.ip;
		iki_add_natoa(sa, &w, q->natoa_i);
		iki_add_natoa(sa, &w, q->natoa_r);
	}
	if (w.err) {
		rc = ISAKMP_E_BUFFER;
		goto fail;
	}
	if ((rc = iki_qm_hash(ctx, sa, false, q->msgid, w.p + st, w.len - st, NULL, 0, h)) != 0)
		goto fail;
	return qm_seal_send(ctx, sa, q, &w, hoff, h, 1,
	    now + ctx->cfg.retransmit_ns);
fail:
	iki_qm_clear(ctx, q);
	return rc;
}

/* Checks QM IDci/IDcr against the policy (selector protocol and our port). */
static int
qm_check_ids(struct isakmp_ctx *ctx, struct ike_sa *sa, struct qm *q,
    const struct payload *idi, const struct payload *idr)
{
	struct isakmp_policy *p = iki_pol(ctx, sa);
	const struct payload *ours = q->initiator ? idi : idr;
	const struct payload *theirs = q->initiator ? idr : idi;

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
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode IDs not acceptable (types %u/%u)",
	    (unsigned long long)sa->id, idi != NULL && idi->len ? idi->body[0] : 0,
	    idr != NULL && idr->len ? idr->body[0] : 0);
	return ISAKMP_E_ID;
}

/*
 * Responder, transport mode: the selectors' addresses must be the ones
 * phase 1 negotiated, or another client's traffic could be claimed.  IDci
 * must be the initiator's outer address or, when NAT-D found a NAT in front
 * of it, the original address its NAT-OA announces (without NAT-T there is
 * no NAT-D, so a NAT that passes ESP through cannot be ruled out: then the
 * ID_IPV4_ADDR the peer authenticated in phase 1); IDcr our address or,
 * when we are behind a NAT, the address the peer sent to (its NAT-OA, any
 * if it sent none).  An ID_FQDN (Windows XP on rekey) carries no address.
 * ISAKMP_E_ID (rx_qm_id_mismatch, rx_bad_id): INVALID-ID-INFORMATION.
 */
static int
qm_check_addrs(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct qm *q,
    const struct msg *m, const struct payload *idi, const struct payload *idr)
{
	const struct payload *oai = iki_pl_find(m, sa->natoa_type, 0);
	const struct payload *oar = iki_pl_find(m, sa->natoa_type, 1);
	uint32_t ip;

	if (idi == NULL || idr == NULL || iki_encap_tunnel(q->encap))
		return 0;
	if (idi->body[0] == 1) {
		ip = rd32(idi->body + 4);
		if (ip != sa->remote.ip && !(sa->nat_remote && oai != NULL && oai->len == 8 &&
		    oai->body[0] == 1 && rd32(oai->body + 4) == ip) &&
		    !(!sa->natt && sa->rid_type == 1 && sa->rid_len == 4 && rd32(sa->rid) == ip))
			goto bad;
	}
	if (idr->body[0] == 1) {
		ip = rd32(idr->body + 4);
		if (ip != sa->local.ip && !(sa->nat_local && (oar == NULL || (oar->len == 8 &&
		    oar->body[0] == 1 && rd32(oar->body + 4) == ip))))
			goto bad;
	}
	return 0;
bad:
	ctx->st.rx_qm_id_mismatch++;
	ctx->st.rx_bad_id++;
	iki_rl_log(ctx, RL_QM_ID, now, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode from "
	    "%u.%u.%u.%u:%u: ID %u.%u.%u.%u is not the negotiated %s address: "
	    "INVALID-ID-INFORMATION", (unsigned long long)sa->id, sa->remote.ip >> 24,
	    (sa->remote.ip >> 16) & 255, (sa->remote.ip >> 8) & 255, sa->remote.ip & 255,
	    sa->remote.port, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
	    ip == rd32(idi->body + 4) && idi->body[0] == 1 ? "initiator's" : "responder's");
	return ISAKMP_E_ID;
}

/* The hash payload must come first in every phase 2 / Informational message. */
int
iki_first_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m)
{
	if (m->n == 0 || m->pl[0].type != PL_HASH || m->pl[0].len != sa->alg.hlen) {
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "exchange %u without leading HASH payload", m->exch);
		return ISAKMP_E_PAYLOAD;
	}
	return 0;
}

/* Responder: QM1 -> QM2. */
int
iki_r_qm1(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    const uint8_t *iv_next, const uint8_t *pkt, size_t len)
{
	struct isakmp_policy *p = iki_pol(ctx, sa);
	const struct payload *sap = iki_pl_find(m, PL_SA, 0), *n = iki_pl_find(m, PL_NONCE, 0);
	const struct payload *idi = iki_pl_find(m, PL_ID, 0), *idr = iki_pl_find(m, PL_ID, 1);
	const uint8_t *after = m->pl[0].raw + 4 + m->pl[0].len;
	size_t alen = (size_t)(m->first + m->plen - after);
	uint8_t h[MAX_HASH], buf[ISAKMP_MAX_PACKET];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	struct sa_iter it;
	struct p2got g, chosen;
	const uint8_t *ctr = NULL, *cprop = NULL;
	struct qm *q;
	size_t i, hoff, s, s2, st;
	uint16_t want_encap = iki_our_encap(ctx, sa);
	bool shortened = false;
	int rc;

	if ((rc = iki_qm_hash(ctx, sa, false, m->msgid, after, alen, NULL, 0, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode HASH(1) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	iki_msg_authenticated(ctx, sa, m, false);
	if (sap == NULL || n == NULL) {
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "QM1 without SA or nonce");
		return ISAKMP_E_PAYLOAD;
	}
	if ((iki_pl_find(m, PL_KE, 0) != NULL) != (p->pfs_group != 0)) {
		ctx->st.rx_no_proposal++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "QM1 %s PFS, policy %s", iki_pl_find(m, PL_KE, 0) ?
		    "asks for" : "lacks", p->pfs_group ? "requires it" : "has none");
		return ISAKMP_E_NO_PROPOSAL;
	}
	if ((rc = iki_check_nonce(ctx, n)) != 0 || (rc = iki_sa_validate(ctx, sap->body, sap->len, 3)) != 0)
		return rc;
	if (!iki_ipsec_room(ctx, sa->peer) || (q = iki_qm_slot(ctx, sa)) == NULL)
		return ISAKMP_E_LIMIT;
	memset(q, 0, sizeof(*q));
	q->sel_protocol = p->protocol;
	q->sel_local_port = p->local_port;
	if ((rc = qm_check_ids(ctx, sa, q, idi, idr)) != 0)
		return rc;
	memset(&chosen, 0, sizeof(chosen));
	for (i = 0; i < p->n_p2 && ctr == NULL; i++) {
		memset(&it, 0, sizeof(it));
		while (iki_sa_next(sap->body, sap->len, &it)) {
			if (it.prop[6] != 4)
				continue;
			if ((rc = iki_p2_transform(ctx, it.tr, it.trlen, &g)) != 0)
				return rc;
			if (!iki_p2_match(p, &p->p2[i], &g))
				continue;
			if (iki_encap_udp(g.encap) != iki_encap_udp(want_encap) ||
			    iki_encap_tunnel(g.encap) != iki_encap_tunnel(want_encap))
				continue;
			ctr = it.tr;
			cprop = it.prop;
			chosen = g;
			break;
		}
	}
	if (ctr == NULL) {
		ctx->st.rx_no_proposal++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: no acceptable Quick Mode proposal "
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
	iki_qm_natoa(sa, q, m);
	if ((rc = qm_check_addrs(ctx, now, sa, q, m, idi, idr)) != 0)
		goto fail;
	if (iki_encap_udp(q->encap) && !iki_encap_tunnel(q->encap)) {
		if (q->natoa_i == 0)
			q->natoa_i = sa->remote.ip;
		q->natoa_r = sa->local.ip;
	}
	do {
		if ((rc = iki_ik_rng(ctx, &q->spi_in, 4)) != 0)
			goto fail;
	} while (q->spi_in < 256);
	if ((rc = iki_ik_rng(ctx, q->nr, q->nrlen)) != 0)
		goto fail;
	if (p->pfs_group) {
		const struct payload *ke = iki_pl_find(m, PL_KE, 0);

		if (iki_ikc_dh_check_peer(p->pfs_group, ke->body, ke->len) != 0) {
			ctx->st.rx_bad_ke++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "QM1 KE of %zu bytes for PFS group %u", ke->len,
			    p->pfs_group);
			rc = ISAKMP_E_KE;
			goto fail;
		}
		if ((rc = iki_ikc_dh_new(ctx, &q->dh, p->pfs_group)) != 0 ||
		    (rc = iki_ikc_dh_shared(ctx, &q->dh, ke->body, ke->len, q->gqm, &q->gqmlen)) != 0)
			goto fail;
	}
	memcpy(q->iv, iv_next, sa->alg.blk);
	/* QM2: HDR*, HASH(2), SA, Nr [, IDci, IDcr] [, NAT-OAi, NAT-OAr]. */
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, 0, q->msgid);
	iki_add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = iki_wb_begin(&w, PL_SA);
	iki_wb_u32(&w, 1);
	iki_wb_u32(&w, 1);
	s2 = iki_wb_sub(&w, PL_NONE);
	iki_wb_u8(&w, cprop[4]);
	iki_wb_u8(&w, 3);
	iki_wb_u8(&w, 4);
	iki_wb_u8(&w, 1);
	iki_wb_u32(&w, q->spi_in);
	iki_wb_put(&w, ctr, rd16(ctr + 2));
	if (!w.err)
		w.p[w.len - rd16(ctr + 2)] = PL_NONE;
	iki_wb_end(&w, s2);
	iki_wb_end(&w, s);
	s = iki_wb_begin(&w, PL_NONCE);
	iki_wb_put(&w, q->nr, q->nrlen);
	iki_wb_end(&w, s);
	if (p->pfs_group) {
		s = iki_wb_begin(&w, PL_KE);
		iki_wb_put(&w, q->dh.pub, q->dh.publen);
		iki_wb_end(&w, s);
		iki_ikc_dh_free(&q->dh);
	}
	if (idi != NULL && idr != NULL) {
		s = iki_wb_begin(&w, PL_ID);
		iki_wb_put(&w, idi->body, idi->len);
		iki_wb_end(&w, s);
		s = iki_wb_begin(&w, PL_ID);
		iki_wb_put(&w, idr->body, idr->len);
		iki_wb_end(&w, s);
	}
	if (iki_pl_find(m, sa->natoa_type, 0) != NULL) {
		iki_add_natoa(sa, &w, sa->remote.ip);
		iki_add_natoa(sa, &w, sa->local.ip);
	}
	if (shortened) {
		/* DOI 1, ESP, SPI size 4, RESPONDER-LIFETIME, the initiator's SPI. */
		s = iki_wb_begin(&w, PL_N);
		iki_wb_u32(&w, 1);
		iki_wb_u8(&w, 3);
		iki_wb_u8(&w, 4);
		iki_wb_u16(&w, N_RESPONDER_LIFETIME);
		iki_wb_u32(&w, q->spi_out);
		iki_wb_attr(&w, 1, 1);
		iki_wb_attr(&w, 2, q->chosen.life_s);
		if (q->chosen.life_kb) {
			iki_wb_attr(&w, 1, 2);
			iki_wb_attr(&w, 2, q->chosen.life_kb);
		}
		iki_wb_end(&w, s);
	}
	if (w.err) {
		rc = ISAKMP_E_BUFFER;
		goto fail;
	}
	if ((rc = iki_qm_hash(ctx, sa, false, q->msgid, q->ni, q->nilen, w.p + st, w.len - st, h)) != 0)
		goto fail;
	if ((rc = iki_store(ctx, &q->last_rx, &q->last_rx_len, pkt, len)) != 0)
		goto fail;
	return qm_seal_send(ctx, sa, q, &w, hoff, h, 2,
	    now + ctx->cfg.half_open_timeout_ns);
fail:
	iki_qm_clear(ctx, q);
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

	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, FL_C, q->msgid);
	iki_add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = iki_wb_begin(&w, PL_N);
	iki_wb_u32(&w, 1);
	iki_wb_u8(&w, 3);
	iki_wb_u8(&w, 4);
	iki_wb_u16(&w, N_CONNECTED);
	iki_wb_u32(&w, q->spi_in);
	iki_wb_end(&w, s);
	if (w.err)
		return ISAKMP_E_BUFFER;
	if ((rc = iki_qm_hash(ctx, sa, false, q->msgid, w.p + st, w.len - st, NULL, 0, h)) != 0)
		return rc;
	memcpy(w.p + hoff, h, sa->alg.hlen);
	if ((rc = iki_encrypt_msg(sa, &w, q->iv)) != 0)
		return rc;
	/* A retransmitted QM3 gets this message again. */
	if ((rc = iki_store(ctx, &q->last_tx, &q->last_tx_len, w.p, w.len)) != 0)
		return rc;
	return iki_send_msg(ctx, sa, w.p, w.len);
}

/* Responder: QM3 (HASH(3)) -> SA ready. */
int
iki_r_qm3(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next, const uint8_t *pkt, size_t len)
{
	uint8_t h[MAX_HASH];
	int rc;

	if ((rc = iki_qm_hash(ctx, sa, true, q->msgid, q->ni, q->nilen, q->nr, q->nrlen, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode HASH(3) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	iki_msg_authenticated(ctx, sa, m, true);
	memcpy(q->iv, iv_next, sa->alg.blk);
	if ((rc = iki_store(ctx, &q->last_rx, &q->last_rx_len, pkt, len)) != 0)
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

	for (i = 0; (n = iki_pl_find(m, PL_N, i)) != NULL; i++) {
		const uint8_t *p, *end;

		if (n->len < 8 || rd16(n->body + 6) != N_RESPONDER_LIFETIME ||
		    (size_t)8 + n->body[5] > n->len)
			continue;
		p = n->body + 8 + n->body[5];
		end = n->body + n->len;
		while (p < end) {
			if (iki_attr_next(&p, end, &a) != 0) {
				ctx->st.rx_bad_attr++;
				iki_ik_log(ctx, ISAKMP_LOG_WARN, "RESPONDER-LIFETIME with a bad attribute");
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
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "RESPONDER-LIFETIME: %u s, %u kB", q->chosen.life_s,
		    q->chosen.life_kb);
	}
}

/* Initiator: QM2 -> QM3 and SA ready. */
int
iki_i_qm2(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, struct qm *q,
    const struct msg *m, const uint8_t *iv_next)
{
	struct isakmp_policy *p = iki_pol(ctx, sa);
	const struct payload *sap = iki_pl_find(m, PL_SA, 0), *n = iki_pl_find(m, PL_NONCE, 0);
	const uint8_t *after = m->pl[0].raw + 4 + m->pl[0].len;
	size_t alen = (size_t)(m->first + m->plen - after), i, s;
	uint8_t h[MAX_HASH], buf[256];
	struct wbuf w = { buf, 0, sizeof(buf), false, 0 };
	struct sa_iter it;
	struct p2got g;
	int rc;

	if ((rc = iki_qm_hash(ctx, sa, false, q->msgid, q->ni, q->nilen, after, alen, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Quick Mode HASH(2) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	iki_msg_authenticated(ctx, sa, m, true);
	if (sap == NULL || n == NULL) {
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "QM2 without SA or nonce");
		return ISAKMP_E_PAYLOAD;
	}
	if ((rc = iki_check_nonce(ctx, n)) != 0 || (rc = iki_sa_validate(ctx, sap->body, sap->len, 3)) != 0)
		return rc;
	memset(&it, 0, sizeof(it));
	if (!iki_sa_next(sap->body, sap->len, &it) || it.prop[6] != 4 ||
	    iki_p2_transform(ctx, it.tr, it.trlen, &g) != 0)
		goto noprop;
	for (i = 0; i < p->n_p2; i++)
		if (iki_p2_match(p, &p->p2[i], &g))
			break;
	if (i == p->n_p2 || g.encap != q->encap)
		goto noprop;
	if ((rc = qm_check_ids(ctx, sa, q, iki_pl_find(m, PL_ID, 0), iki_pl_find(m, PL_ID, 1))) != 0)
		return rc;
	q->chosen = g.p;
	if (q->chosen.life_s == 0)
		q->chosen.life_s = p->p2[i].life_s ? p->p2[i].life_s : 3600;
	qm_responder_lifetime(ctx, q, m);
	q->spi_out = rd32(it.prop + 8);
	if (p->pfs_group) {
		const struct payload *ke = iki_pl_find(m, PL_KE, 0);

		if (ke == NULL || iki_ikc_dh_check_peer(p->pfs_group, ke->body, ke->len) != 0 ||
		    iki_ikc_dh_shared(ctx, &q->dh, ke->body, ke->len, q->gqm, &q->gqmlen) != 0) {
			ctx->st.rx_bad_ke++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "QM2 without a valid PFS KE for group %u",
			    p->pfs_group);
			return ISAKMP_E_KE;
		}
		iki_ikc_dh_free(&q->dh);
	}
	memcpy(q->nr, n->body, n->len);
	q->nrlen = n->len;
	memcpy(q->iv, iv_next, sa->alg.blk);
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_QUICK, 0, q->msgid);
	if ((rc = iki_qm_hash(ctx, sa, true, q->msgid, q->ni, q->nilen, q->nr, q->nrlen, h)) != 0)
		return rc;
	s = iki_wb_begin(&w, PL_HASH);
	iki_wb_put(&w, h, sa->alg.hlen);
	iki_wb_end(&w, s);
	if ((rc = iki_encrypt_msg(sa, &w, q->iv)) != 0)
		return rc;
	q->state = 3;
	if ((rc = iki_send_msg(ctx, sa, w.p, w.len)) != 0)
		return rc;
	/* Keep QM3 to answer a retransmitted QM2. */
	if ((rc = qm_install(ctx, now, sa, q)) != 0)
		return rc;
	return iki_store(ctx, &q->last_tx, &q->last_tx_len, w.p, w.len);
noprop:
	ctx->st.rx_no_proposal++;
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "QM2 chose a transform we did not offer");
	return ISAKMP_E_NO_PROPOSAL;
}
