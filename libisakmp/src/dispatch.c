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
