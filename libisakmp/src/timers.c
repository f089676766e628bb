/*
 * timers.c - deadlines: retransmission, half-open expiry, lifetimes,
 * rekeying and DPD.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

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
