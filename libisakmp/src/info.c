/*
 * info.c - Informational exchanges: Notify, Delete, DPD (RFC 3706) probes
 * and acks, phase 1 RESPONDER-LIFETIME.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

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
		if ((rc = iki_ik_rng(ctx, &msgid, 4)) != 0)
			return rc;
	} while (msgid == 0);
	if ((rc = iki_p2_iv(sa, msgid, iv)) != 0)
		return rc;
	iki_wb_header(&w, sa->icookie, sa->rcookie, EX_INFO, 0, msgid);
	iki_add_hash_placeholder(sa, &w, &hoff);
	st = w.len;
	s = iki_wb_begin(&w, type);
	iki_wb_put(&w, body, blen);
	iki_wb_end(&w, s);
	if (w.err)
		return ISAKMP_E_BUFFER;
	if ((rc = iki_qm_hash(ctx, sa, false, msgid, w.p + st, w.len - st, NULL, 0, h)) != 0)
		return rc;
	memcpy(w.p + hoff, h, sa->alg.hlen);
	if ((rc = iki_encrypt_msg(sa, &w, iv)) != 0)
		return rc;
	return iki_send_msg(ctx, sa, w.p, w.len);
}

int
iki_send_notify(struct isakmp_ctx *ctx, struct ike_sa *sa, uint16_t type, const uint8_t *data,
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

/* Delete (RFC 2408 3.15) for one of our inbound ESP SPIs, over the peer's current IKE SA. */
void
iki_send_delete_esp(struct isakmp_ctx *ctx, struct peer *p, uint32_t spi_in)
{
	struct ike_sa *sa = iki_peer_current_ike(p);
	uint8_t b[12] = { 0, 0, 0, 1, 3, 4, 0, 1, (uint8_t)(spi_in >> 24),
	    (uint8_t)(spi_in >> 16), (uint8_t)(spi_in >> 8), (uint8_t)spi_in };

	if (sa == NULL) {
		iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "peer %llu: no IKE SA to send Delete %08x over",
		    (unsigned long long)p->id, spi_in);
		return;
	}
	if (send_info(ctx, sa, PL_D, b, sizeof(b)) == 0)
		ctx->st.deletes_tx++;
}

/* Delete for the ISAKMP SA itself (SPI = the cookie pair). */
void
iki_send_delete_isakmp(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	uint8_t b[24] = { 0, 0, 0, 1, 1, 16, 0, 1 };

	memcpy(b + 8, sa->icookie, 8);
	memcpy(b + 16, sa->rcookie, 8);
	if (send_info(ctx, sa, PL_D, b, sizeof(b)) == 0)
		ctx->st.deletes_tx++;
}

/* R-U-THERE (RFC 3706) with the peer's next sequence number over sa. */
void
iki_dpd_probe(struct isakmp_ctx *ctx, struct ike_sa *sa, struct peer *p)
{
	uint8_t seq[4];

	p->dpd_seq++;
	seq[0] = (uint8_t)(p->dpd_seq >> 24);
	seq[1] = (uint8_t)(p->dpd_seq >> 16);
	seq[2] = (uint8_t)(p->dpd_seq >> 8);
	seq[3] = (uint8_t)p->dpd_seq;
	p->dpd_outstanding++;
	if (iki_send_notify(ctx, sa, N_DPD_R_U_THERE, seq, 4) == 0)
		ctx->st.dpd_tx++;
	iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "peer %llu: R-U-THERE %u", (unsigned long long)p->id,
	    p->dpd_seq);
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
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: phase 1 RESPONDER-LIFETIME with SPI "
		    "size %zu, not 16", (unsigned long long)sa->id, spisz);
		return ISAKMP_E_PAYLOAD;
	}
	p = n->body + 8 + 16;
	if (p == end) {
		ctx->st.rx_bad_attr++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: phase 1 RESPONDER-LIFETIME without "
		    "attributes", (unsigned long long)sa->id);
		return ISAKMP_E_ATTR;
	}
	while (p < end) {
		size_t off = (size_t)(p - n->body);
		int rc = iki_attr_next(&p, end, &a);

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
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: phase 1 RESPONDER-LIFETIME: bad "
		    "attribute at offset %zu of %zu", (unsigned long long)sa->id, off, n->len);
		return ISAKMP_E_ATTR;
	}
	if (memcmp(n->body + 8, sa->icookie, 8) != 0 || memcmp(n->body + 16, sa->rcookie, 8) != 0) {
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME for another ISAKMP "
		    "SA ignored", (unsigned long long)sa->id);
		return 0;
	}
	if (!sa->initiator || secs == 0 || secs >= sa->alg.p.life_s) {
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME %u s not adopted "
		    "(ours %u s)", (unsigned long long)sa->id, secs, sa->alg.p.life_s);
		return 0;
	}
	sa->alg.p.life_s = secs;
	sa->expires = sa->up_at + (uint64_t)secs * NS;
	if (sa->p1_rekey_at != 0 && !sa->p1_rekeyed)
		sa->p1_rekey_at = sa->up_at + (uint64_t)secs * NS / 10 * 9;
	iki_ike_rearm(ctx, sa);
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: RESPONDER-LIFETIME adopted, %u s",
	    (unsigned long long)sa->id, secs);
	return 0;
}

/*
 * An authenticated Informational seen before on this IKE SA: its message ID
 * is one of the last 32, or it carries an R-U-THERE whose sequence number is
 * not newer than the last one answered (RFC 3706 5.5: each probe has a new,
 * increasing number), which catches replays older than the ring.  A replay
 * is ignored whole: nothing answered, nothing moved, no liveness (counted;
 * from a new address it is also a refused rebinding).  Otherwise the ID is
 * remembered.
 */
static bool
info_replayed(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m)
{
	const size_t ring = sizeof(sa->info_seen) / sizeof(sa->info_seen[0]);
	bool stale = false;
	size_t i;

	for (i = 0; i < sa->info_seen_n; i++)
		if (sa->info_seen[i] == m->msgid)
			stale = true;
	for (i = 1; i < m->n && !stale; i++) {
		const struct payload *p = &m->pl[i];

		if (p->type == PL_N && p->len >= 8 && rd16(p->body + 6) == N_DPD_R_U_THERE &&
		    p->len == 8 + (size_t)p->body[5] + 4) {
			uint32_t seq = rd32(p->body + 8 + p->body[5]);

			/* Serial number arithmetic: newer means 1..2^31-1 ahead. */
			if (sa->dpd_rx_any && (uint32_t)(seq - sa->dpd_rx_seq - 1) >= 0x7fffffffu)
				stale = true;
			break;
		}
	}
	if (!stale) {
		sa->info_seen[sa->info_seen_pos] = m->msgid;
		sa->info_seen_pos = (uint8_t)((sa->info_seen_pos + 1) % ring);
		if (sa->info_seen_n < ring)
			sa->info_seen_n++;
		return false;
	}
	ctx->st.rx_info_replays++;
	if (m->from != NULL && !iki_addr_eq(m->from, &sa->remote))
		ctx->st.rebind_refused++;
	iki_rl_log(ctx, RL_REPLAY, m->now, ISAKMP_LOG_WARN, "IKE SA %llu: Informational %08x "
	    "from %u.%u.%u.%u:%u seen before (replay): ignored", (unsigned long long)sa->id,
	    m->msgid, m->from != NULL ? m->from->ip >> 24 : 0,
	    m->from != NULL ? (m->from->ip >> 16) & 255 : 0,
	    m->from != NULL ? (m->from->ip >> 8) & 255 : 0, m->from != NULL ? m->from->ip & 255 : 0,
	    m->from != NULL ? m->from->port : 0);
	return true;
}

int
iki_info_input(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, const struct msg *m,
    bool *removed)
{
	const uint8_t *after = m->pl[0].raw + 4 + m->pl[0].len;
	size_t alen = (size_t)(m->first + m->plen - after), i, k;
	const struct payload *p;
	uint8_t h[MAX_HASH];
	bool answered = false;
	int rc;

	if ((rc = iki_qm_hash(ctx, sa, false, m->msgid, after, alen, NULL, 0, h)) != 0)
		return rc;
	if (CRYPTO_memcmp(h, m->pl[0].body, sa->alg.hlen) != 0) {
		ctx->st.rx_auth_failed++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: Informational HASH(1) does not verify",
		    (unsigned long long)sa->id);
		return ISAKMP_E_AUTH;
	}
	if (info_replayed(ctx, sa, m))
		return 0;
	iki_msg_authenticated(ctx, sa, m, false);
	for (i = 1; i < m->n; i++) {
		p = &m->pl[i];
		if (p->type == PL_N && p->len >= 8) {
			uint16_t t = rd16(p->body + 6);
			size_t spisz = p->body[5];

			if (8 + spisz > p->len) {
				ctx->st.rx_bad_length++;
				iki_ik_log(ctx, ISAKMP_LOG_WARN, "Notify SPI size %zu > %zu", spisz, p->len);
				return ISAKMP_E_BAD_LENGTH;
			}
			if (t == N_DPD_R_U_THERE && p->len == 8 + spisz + 4) {
				ctx->st.dpd_rx++;
				/* One answer per message, to the SA's own address only. */
				if (answered) {
					ctx->st.dpd_extra_ignored++;
					continue;
				}
				answered = true;
				sa->dpd_rx_any = true;
				sa->dpd_rx_seq = rd32(p->body + 8 + spisz);
				if (!iki_addr_eq(m->from, &sa->remote))
					continue;
				rc = iki_send_notify(ctx, sa, N_DPD_R_U_THERE_ACK, p->body + 8 + spisz, 4);
				if (rc != 0)
					return rc;
			} else if (t == N_RESPONDER_LIFETIME && p->body[4] == 1) {
				if ((rc = p1_responder_lifetime(ctx, sa, p)) != 0)
					return rc;
			} else if (t == N_DPD_R_U_THERE_ACK && p->len == 8 + spisz + 4) {
				iki_dpd_ack(ctx, now, sa->peer, rd32(p->body + 8 + spisz));
			} else {
				iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: Notify %s (%u)",
				    (unsigned long long)sa->id, isakmp_notify_name(t), t);
			}
		} else if (p->type == PL_D && p->len >= 8) {
			size_t spisz = p->body[5], nspi = rd16(p->body + 6);

			if (p->len != 8 + spisz * nspi) {
				ctx->st.rx_bad_length++;
				iki_ik_log(ctx, ISAKMP_LOG_WARN, "Delete: %zu SPIs of %zu bytes in %zu",
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
					iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu deleted by peer",
					    (unsigned long long)sa->id);
					*removed = true;
					iki_ike_remove(ctx, now, sa, ISAKMP_REASON_DELETED, false);
					return 0;
				}
				iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "IKE SA %llu: Delete for another "
				    "ISAKMP SA ignored", (unsigned long long)sa->id);
				continue;
			}
			if (p->body[4] == 3 && spisz == 4) {
				/* The SPIs the peer receives on: our outbound ones. */
				for (k = 0; k < nspi; k++) {
					uint32_t spi = rd32(p->body + 8 + 4 * k);
					struct ipsec *x = iki_ipsec_by_spi_out(sa->peer, spi);

					if (x != NULL)
						iki_ipsec_remove(ctx, now, x, ISAKMP_REASON_DELETED, false);
					else
						iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "IKE SA %llu: Delete for "
						    "unknown SPI %08x", (unsigned long long)sa->id, spi);
				}
			}
		}
	}
	return 0;
}

/* R-U-THERE-ACK: answers one of the outstanding probes. */
void
iki_dpd_ack(struct isakmp_ctx *ctx, uint64_t now, struct peer *p, uint32_t seq)
{
	if (p->dpd_first == 0 || seq < p->dpd_first_seq || seq > p->dpd_seq) {
		iki_ik_log(ctx, ISAKMP_LOG_DEBUG, "peer %llu: R-U-THERE-ACK %u not outstanding",
		    (unsigned long long)p->id, seq);
		return;
	}
	ctx->st.dpd_ack_rx++;
	p->dpd_first = 0;
	p->dpd_outstanding = 0;
	if (p->dpd_due != 0)
		p->dpd_due = now + p->pol->p.dpd_interval_ns;
	iki_peer_rearm(ctx, p);
}
