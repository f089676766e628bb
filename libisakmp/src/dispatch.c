/*
 * dispatch.c - isakmp_input(): the non-ESP marker, header checks, SA
 * lookup, retransmissions and the dispatch to each exchange's handlers.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

/*
 * Per-exchange script tables (isakmpd's way): for each message we receive,
 * the payloads it must carry and the ones it may carry; anything else is
 * refused (ISAKMP_E_PAYLOAD, rx_script) before a handler looks at it.
 * Counts (two IDs in Quick Mode, two or more NAT-D) stay with the handlers.
 */
#define PL_BIT(t) ((t) == PL_NATD ? 14u : (t) == PL_NATOA ? 15u : (t) == PL_NATD_DRAFT ? 16u : \
	(t) == PL_NATOA_DRAFT ? 17u : (t) <= PL_VID ? (unsigned)(t) : 31u)
#define B(t) (1u << PL_BIT(t))
#define NATD_ANY (B(PL_NATD) | B(PL_NATD_DRAFT))
#define NATOA_ANY (B(PL_NATOA) | B(PL_NATOA_DRAFT))

static const struct script {
	const char *name;
	uint32_t required, allowed;
} scripts[] = {
	[MSG_MM1] = { "MM1", B(PL_SA), B(PL_SA) | B(PL_VID) },
	[MSG_MM2] = { "MM2", B(PL_SA), B(PL_SA) | B(PL_VID) },
	[MSG_MM3] = { "MM3", B(PL_KE) | B(PL_NONCE),
	    B(PL_KE) | B(PL_NONCE) | NATD_ANY | B(PL_VID) | B(PL_CR) },
	[MSG_MM4] = { "MM4", B(PL_KE) | B(PL_NONCE),
	    B(PL_KE) | B(PL_NONCE) | NATD_ANY | B(PL_VID) | B(PL_CR) },
	[MSG_MM5] = { "MM5", B(PL_ID) | B(PL_HASH), B(PL_ID) | B(PL_HASH) | B(PL_N) | B(PL_VID) },
	[MSG_MM6] = { "MM6", B(PL_ID) | B(PL_HASH), B(PL_ID) | B(PL_HASH) | B(PL_N) | B(PL_VID) },
	[MSG_QM1] = { "QM1", B(PL_HASH) | B(PL_SA) | B(PL_NONCE),
	    B(PL_HASH) | B(PL_SA) | B(PL_NONCE) | B(PL_KE) | B(PL_ID) | NATOA_ANY | B(PL_N) },
	[MSG_QM2] = { "QM2", B(PL_HASH) | B(PL_SA) | B(PL_NONCE),
	    B(PL_HASH) | B(PL_SA) | B(PL_NONCE) | B(PL_KE) | B(PL_ID) | NATOA_ANY | B(PL_N) },
	[MSG_QM3] = { "QM3", B(PL_HASH), B(PL_HASH) | B(PL_N) },
	[MSG_QM_DONE] = { "Quick Mode (done)", B(PL_HASH), B(PL_HASH) | B(PL_N) },
	[MSG_INFO] = { "Informational", B(PL_HASH), B(PL_HASH) | B(PL_N) | B(PL_D) },
};

/* Checks m's payloads against its script.  0 or ISAKMP_E_PAYLOAD (counted, logged). */
int
iki_script_check(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m, enum msg_kind k)
{
	const struct script *sc = &scripts[k];
	uint32_t have = 0, missing;
	size_t i;

	for (i = 0; i < m->n; i++) {
		uint32_t b = B(m->pl[i].type);

		if (!(sc->allowed & b)) {
			ctx->st.rx_script++;
			ctx->st.rx_bad_payload++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: %s: payload %s (%u) not allowed",
			    sa != NULL ? (unsigned long long)sa->id : 0ull, sc->name,
			    iki_pl_name(m->pl[i].type), m->pl[i].type);
			return ISAKMP_E_PAYLOAD;
		}
		have |= b;
	}
	if ((missing = sc->required & ~have) != 0) {
		for (i = 0; i < 32 && !(missing & (1u << i)); i++)
			;
		ctx->st.rx_script++;
		ctx->st.rx_bad_payload++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: %s without its required %s payload",
		    sa != NULL ? (unsigned long long)sa->id : 0ull, sc->name,
		    iki_pl_name(i == 14 ? PL_NATD : (uint8_t)i));
		return ISAKMP_E_PAYLOAD;
	}
	return 0;
}

/*
 * Where an encrypted message may come from: the SA's own addresses; for
 * MM5 also the NAT-T float (RFC 3947 4: the same IP to our port 4500, from
 * the peer's port 4500 unless NAT-D saw a NAT in front of it, which picks a
 * port); on an established SA that floated, any address (an authenticated
 * message then moves the peer: iki_msg_authenticated).
 */
static bool
from_ok(const struct ike_sa *sa, const struct isakmp_addr *from, const struct isakmp_addr *to)
{
	if (iki_addr_eq(from, &sa->remote) && iki_addr_eq(to, &sa->local))
		return true;
	if (sa->state == S_ESTABLISHED)
		return sa->natt && sa->floated;
	return sa->state == S_R_MM4 && sa->natt && from->ip == sa->remote.ip &&
	    to->ip == sa->local.ip && to->port == ISAKMP_NATT_PORT &&
	    sa->local.port != ISAKMP_NATT_PORT &&
	    (sa->nat_remote || from->port == ISAKMP_NATT_PORT);
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
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: unencrypted exchange %u after keys",
		    (unsigned long long)sa->id, m->exch);
		return ISAKMP_E_STATE;
	}
	if (!from_ok(sa, from, to)) {
		ctx->st.rx_wrong_address++;
		iki_rl_log(ctx, RL_ADDR, now, ISAKMP_LOG_WARN, "IKE SA %llu: exchange %u from "
		    "%u.%u.%u.%u:%u to port %u, not the SA's %u.%u.%u.%u:%u: dropped",
		    (unsigned long long)sa->id, m->exch, from->ip >> 24, (from->ip >> 16) & 255,
		    (from->ip >> 8) & 255, from->ip & 255, from->port, to->port, sa->remote.ip >> 24,
		    (sa->remote.ip >> 16) & 255, (sa->remote.ip >> 8) & 255, sa->remote.ip & 255,
		    sa->remote.port);
		return ISAKMP_E_STATE;
	}
	if (m->exch == EX_MAIN && sa->state == S_R_MM4) {
		/*
		 * One MM1..MM4 buys one try (after every candidate key): a failed
		 * MM5 destroys the negotiation, is charged to the peer's IP and
		 * the policy, and past their rate nothing is tried at all.
		 */
		struct pol *first = sa->pol;

		if ((rc = iki_auth_limited(ctx, now, sa, first)) == 0) {
			rc = iki_r_mm5_by_psk(ctx, now, sa, m, pkt, len, from, to);
			if (rc == ISAKMP_E_AUTH || rc == ISAKMP_E_ID || rc == ISAKMP_E_PAYLOAD)
				iki_auth_failed(ctx, now, sa, first);
			else
				goto out;
		}
		sodium_memzero(plain, sizeof(plain));
		sa->last_err = rc;
		iki_ike_remove(ctx, now, sa, ISAKMP_REASON_AUTH_FAILED, false);
		return rc;
	} else if (m->exch == EX_MAIN) {
		memcpy(iv, sa->iv, sa->alg.blk);
	} else if (m->exch == EX_QUICK && (q = iki_qm_find(sa, m->msgid)) != NULL) {
		if (iki_same_as(q->last_rx, q->last_rx_len, pkt, len))
			return iki_resend(ctx, sa, q->last_tx, q->last_tx_len);
		memcpy(iv, q->iv, sa->alg.blk);
	} else {
		if ((rc = iki_p2_iv(sa, m->msgid, iv)) != 0)
			return rc;
	}
	if ((rc = iki_decrypt_msg(ctx, sa, pkt, len, iv, plain, next_iv)) != 0)
		goto out;
	if ((rc = iki_pl_parse(ctx, plain, len - HDR_LEN, m)) != 0) {
		if (m->exch == EX_MAIN) {
			ctx->st.rx_auth_failed++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Main Mode message did not "
			    "decrypt to valid payloads: wrong pre-shared key?",
			    (unsigned long long)sa->id);
			rc = ISAKMP_E_AUTH;
		}
		goto out;
	}
	if (m->exch == EX_MAIN) {
		if (sa->state != S_I_MM5)
			goto state;
		if ((rc = iki_script_check(ctx, sa, m, MSG_MM6)) == 0)
			rc = iki_i_mm6(ctx, now, sa, m, next_iv);
		goto out;
	}
	if (sa->state != S_ESTABLISHED)
		goto state;
	if ((rc = iki_first_hash(ctx, sa, m)) != 0)
		goto out;
	if ((rc = iki_script_check(ctx, sa, m, m->exch == EX_INFO ? MSG_INFO : q == NULL ? MSG_QM1 :
	    q->ready ? MSG_QM_DONE : q->initiator ? MSG_QM2 : MSG_QM3)) != 0)
		goto out;
	if (m->exch == EX_INFO) {
		rc = iki_info_input(ctx, now, sa, m, &removed);
		goto out;
	}
	if (q == NULL) {
		/* Either side may start a Quick Mode (the responder rekeys too). */
		rc = iki_r_qm1(ctx, now, sa, m, next_iv, pkt, len);
		/* HASH(1) verified: tell the authenticated peer why (RFC 2408 5.5). */
		if (rc == ISAKMP_E_NO_PROPOSAL)
			(void)iki_send_notify(ctx, sa, N_NO_PROPOSAL_CHOSEN, NULL, 0);
		else if (rc == ISAKMP_E_ID)
			(void)iki_send_notify(ctx, sa, N_INVALID_ID_INFORMATION, NULL, 0);
	} else if (!q->initiator && q->state == 2) {
		rc = iki_r_qm3(ctx, now, sa, q, m, next_iv, pkt, len);
	} else if (q->initiator && q->state == 1) {
		rc = iki_i_qm2(ctx, now, sa, q, m, next_iv);
		if (rc == 0 && (rc = iki_store(ctx, &q->last_rx, &q->last_rx_len, pkt, len)) != 0)
			goto out;
	} else if (q->ready) {
		/* Windows sends a fourth Quick Mode message (CONNECTED notify). */
		iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "IKE SA %llu: extra Quick Mode message for "
		    "completed exchange %08x ignored", (unsigned long long)sa->id, m->msgid);
		rc = 0;
	} else {
		goto state;
	}
	goto out;
state:
	ctx->st.rx_bad_state++;
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: exchange %u not expected in state %d",
	    (unsigned long long)sa->id, m->exch, sa->state);
	rc = ISAKMP_E_STATE;
out:
	sodium_memzero(plain, sizeof(plain));
	if (!removed) {
		if (rc < 0)
			sa->last_err = rc;
		iki_ike_rearm(ctx, sa);
	}
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
		if (len < 4 || memcmp(pkt, iki_zero8, 4) != 0) {
			ctx->st.rx_bad_marker++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "datagram of %zu bytes on port 4500 without "
			    "non-ESP marker", len);
			return ISAKMP_E_MARKER;
		}
		pkt += 4;
		len -= 4;
	}
	if (len < HDR_LEN) {
		ctx->st.rx_truncated++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "ISAKMP message of %zu bytes (header is %d)", len,
		    HDR_LEN);
		return ISAKMP_E_TRUNCATED;
	}
	hlen = rd32(pkt + 24);
	if (hlen < HDR_LEN || hlen > len || hlen > ISAKMP_MAX_PACKET) {
		ctx->st.rx_bad_length++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "ISAKMP length %zu, datagram %zu", hlen, len);
		return ISAKMP_E_BAD_LENGTH;
	}
	len = hlen;
	if ((pkt[17] >> 4) != 1) {
		ctx->st.rx_bad_version++;
		iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "ISAKMP version %u.%u ignored", pkt[17] >> 4,
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
	m.from = from;
	m.to = to;
	m.now = now;
	if (m.exch != EX_MAIN && m.exch != EX_QUICK && m.exch != EX_INFO) {
		ctx->st.rx_bad_exchange++;
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "exchange type %u not supported", m.exch);
		return ISAKMP_E_EXCHANGE;
	}
	if (memcmp(m.icookie, iki_zero8, 8) == 0) {
		ctx->st.rx_no_sa++;
		iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "zero initiator cookie");
		return ISAKMP_E_COOKIE;
	}
	sa = iki_sa_lookup(ctx, &m, from, to);
	if (sa == NULL) {
		if (m.exch == EX_MAIN && memcmp(m.rcookie, iki_zero8, 8) != 0 && m.msgid == 0 &&
		    !(m.flags & FL_E))
			return iki_r_mm3_cookie(ctx, now, &m, pkt, len, from, to);
		if (m.exch != EX_MAIN || memcmp(m.rcookie, iki_zero8, 8) != 0 || m.msgid != 0 ||
		    (m.flags & FL_E)) {
			/* No state: count and log at debug only, never answer. */
			ctx->st.rx_no_sa++;
			iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "exchange %u for unknown IKE SA dropped", m.exch);
			return ISAKMP_E_NO_SA;
		}
		if ((rc = iki_pl_parse(ctx, pkt + HDR_LEN, len - HDR_LEN, &m)) != 0 ||
		    (rc = iki_script_check(ctx, NULL, &m, MSG_MM1)) != 0)
			return rc;
		return iki_r_mm1(ctx, now, &m, pkt, len, from, to);
	}
	if (iki_same_as(sa->last_rx, sa->last_rx_len, pkt, len))
		return iki_resend(ctx, sa, sa->last_tx, sa->last_tx_len);
	if (sa->state == S_R_MM2 || sa->state == S_I_MM1 || sa->state == S_I_MM3) {
		if (m.exch != EX_MAIN || (m.flags & FL_E) || m.msgid != 0) {
			ctx->st.rx_bad_state++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: exchange %u flags %u before keys",
			    (unsigned long long)sa->id, m.exch, m.flags);
			return ISAKMP_E_STATE;
		}
		if (sa->state == S_R_MM2 && memcmp(m.rcookie, iki_zero8, 8) == 0) {
			/* A different first message for the same tuple and cookie. */
			ctx->st.rx_bad_state++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: second different MM1",
			    (unsigned long long)sa->id);
			return ISAKMP_E_STATE;
		}
		if ((rc = iki_pl_parse(ctx, pkt + HDR_LEN, len - HDR_LEN, &m)) != 0)
			goto fail;
		if (sa->state == S_R_MM2) {
			if (from->ip != sa->remote.ip || from->port != sa->remote.port) {
				ctx->st.rx_bad_state++;
				iki_ik_log(ctx, ISAKMP_LOG_WARN, "MM3 from another address than MM1");
				rc = ISAKMP_E_STATE;
				goto fail;
			}
			if ((rc = iki_script_check(ctx, sa, &m, MSG_MM3)) == 0)
				rc = iki_r_mm3(ctx, sa, &m, pkt, len);
		} else if (sa->state == S_I_MM1) {
			if ((rc = iki_script_check(ctx, sa, &m, MSG_MM2)) == 0)
				rc = iki_i_mm2(ctx, now, sa, &m);
		} else if ((rc = iki_script_check(ctx, sa, &m, MSG_MM4)) == 0) {
			rc = iki_i_mm4(ctx, now, sa, &m);
		}
fail:
		if (rc < 0)
			sa->last_err = rc;
		iki_ike_rearm(ctx, sa);
		return rc;
	}
	if (m.msgid == 0 && m.exch != EX_MAIN) {
		ctx->st.rx_bad_state++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "exchange %u with message ID 0", m.exch);
		return ISAKMP_E_STATE;
	}
	return encrypted_input(ctx, now, sa, &m, pkt, len, from, to);
}
