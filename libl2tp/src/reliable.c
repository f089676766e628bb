/*
 * reliable.c - the reliable delivery of control messages (RFC 2661 5.8):
 * Ns assignment, the peer's receive window, Nr acknowledgements and ZLBs,
 * the receive side's sequence check and out-of-order queue, and
 * retransmission with exponential backoff.
 */
#include <string.h>

#include "l2tp_int.h"

/* Transmits a queued control message with the current Nr (5.8). */
static int
ctl_transmit(struct l2tp_ctx *ctx, struct tunnel *t, struct ctl_msg *m)
{
	put16(m->data + 2, m->len);
	put16(m->data + 4, t->peer_id);
	put16(m->data + 8, m->ns);
	put16(m->data + 10, t->nr);
	t->nr_sent = t->nr;
	ctx->stats.tx_control++;
	return l2tpi_out_push(ctx, t->peer, m->data, m->len);
}

/* Sends what the peer's window allows.  The retransmission timer runs
 * whenever messages are queued, also when none could be transmitted (output
 * queue full): the timer then retries them. */
void
l2tpi_ctl_flush(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct ctl_msg *m = t->txq;
	unsigned i;

	for (i = 0; m != NULL && i < t->inflight; i++)
		m = m->next;
	while (m != NULL && t->inflight < t->peer_rws) {
		if (ctl_transmit(ctx, t, m) != 0)
			break;
		t->inflight++;
		m = m->next;
	}
	if (t->txq != NULL && t->rtx_at == UINT64_MAX) {
		t->rtx_interval = ctx->cfg.rtx_initial_ns;
		t->rtx_at = sat_add(now, t->rtx_interval);
	}
	l2tpi_tunnel_timer_update(ctx, t);
}

/* Queues the message in ctx->mb on tunnel t for reliable delivery; sid is
 * the peer's session ID for the header.  Returns 0, or the builder's error
 * (L2TP_E_RNG, _CRYPTO, _BUFFER) or L2TP_E_NOMEM; nothing is queued then. */
int
l2tpi_ctl_send(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now, uint16_t sid)
{
	struct msg_builder *mb = &ctx->mb;
	struct ctl_msg *m;

	if (mb->err != 0)
		return mb->err;
	m = l2tpi_ctx_alloc(ctx, sizeof(*m) + mb->len);
	if (m == NULL)
		return L2TP_E_NOMEM;
	memcpy(m->data, mb->buf, mb->len);
	m->len = (uint16_t)mb->len;
	m->ns = t->ns++;
	m->type = (uint8_t)get16(mb->buf + 18);
	put16(m->data + 6, sid);
	if (t->txq_tail != NULL)
		t->txq_tail->next = m;
	else
		t->txq = m;
	t->txq_tail = m;
	t->ctl_tx++;
	l2tpi_ctl_flush(ctx, t, now);
	return 0;
}

/* An explicit acknowledgement: a control header without AVPs (5.8). */
void
l2tpi_send_zlb(struct l2tp_ctx *ctx, struct tunnel *t)
{
	uint8_t z[CTRL_HDR_LEN];

	put16(z, HDR_CTRL);
	put16(z + 2, CTRL_HDR_LEN);
	put16(z + 4, t->peer_id);
	put16(z + 6, 0);
	put16(z + 8, t->ns);
	put16(z + 10, t->nr);
	if (l2tpi_out_push(ctx, t->peer, z, sizeof(z)) == 0) {
		t->nr_sent = t->nr;
		ctx->stats.tx_zlb++;
	}
}

/* Transmits the first queued message again now, outside the timer (an
 * unverified peer's SCCRQ came again: one answer per request).  Returns 0,
 * L2TP_E_STATE (nothing queued) or l2tpi_out_push's error. */
int
l2tpi_ctl_resend_first(struct l2tp_ctx *ctx, struct tunnel *t)
{
	int rc;

	if (t->txq == NULL)
		return L2TP_E_STATE;
	rc = ctl_transmit(ctx, t, t->txq);
	if (rc == 0 && t->inflight == 0)
		t->inflight = 1;
	return rc;
}

/* Processes the peer's Nr: frees acknowledged messages (5.8). */
void
l2tpi_ctl_ack(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t nr, uint64_t now)
{
	struct ctl_msg *m;
	bool acked = false;

	/* Nr may only acknowledge what we transmitted. */
	if (t->txq == NULL || seq_lt((uint16_t)(t->txq->ns + t->inflight), nr))
		return;
	while ((m = t->txq) != NULL && t->inflight > 0 && seq_lt(m->ns, nr)) {
		t->txq = m->next;
		if (t->txq == NULL)
			t->txq_tail = NULL;
		t->inflight--;
		l2tpi_ctx_free_mem(ctx, m);
		acked = true;
	}
	if (acked) {
		t->rtx_count = 0;
		t->rtx_at = UINT64_MAX;
		/* Restarts the timer (fresh interval) for what is left. */
		l2tpi_ctl_flush(ctx, t, now);
	}
}

/* Drops the queued messages not transmitted yet (closing the tunnel makes
 * them moot).  Their Ns were never sent: the next message (StopCCN) takes
 * the first of them, or the peer would wait for the gap forever (5.8). */
void
l2tpi_ctl_drop_unsent(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct ctl_msg *m = t->txq, *prev = NULL, *n;
	unsigned i;

	for (i = 0; m != NULL && i < t->inflight; i++) {
		prev = m;
		m = m->next;
	}
	if (m != NULL)
		t->ns = m->ns;
	while (m != NULL) {
		n = m->next;
		l2tpi_ctx_free_mem(ctx, m);
		m = n;
	}
	if (prev != NULL)
		prev->next = NULL;
	else
		t->txq = NULL;
	t->txq_tail = prev;
}

/* Drops every queued message (nothing needs delivery any more). */
void
l2tpi_ctl_drop_all(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct ctl_msg *m;

	while ((m = t->txq) != NULL) {
		t->txq = m->next;
		l2tpi_ctx_free_mem(ctx, m);
	}
	t->txq_tail = NULL;
	t->inflight = 0;
	t->rtx_at = UINT64_MAX;
}

/* Classifies a received Ns against the next expected one and our window
 * of rws messages (5.8). */
enum seq_verdict
l2tpi_ctl_sequence(const struct tunnel *t, uint16_t ns, uint16_t rws)
{
	if (ns == t->nr)
		return SEQ_IN_ORDER;
	if (seq_lt(ns, t->nr))
		return SEQ_DUPLICATE;
	if ((uint16_t)(ns - t->nr) >= rws)
		return SEQ_OUT_OF_WINDOW;
	return SEQ_FUTURE;
}

/* Keeps a message that arrived ahead of its predecessors, in Ns order; a
 * second copy of the same Ns is ignored (no memory: dropped, the peer
 * retransmits). */
void
l2tpi_ooo_store(struct l2tp_ctx *ctx, struct tunnel *t, uint16_t ns, const uint8_t *d,
    size_t len)
{
	struct ooo_msg *o, **pp;

	for (pp = &t->ooo; *pp != NULL && seq_lt((*pp)->ns, ns); pp = &(*pp)->next)
		;
	if (*pp != NULL && (*pp)->ns == ns)
		return;
	o = l2tpi_ctx_alloc(ctx, sizeof(*o) + len);
	if (o == NULL)
		return;
	o->ns = ns;
	o->len = (uint16_t)len;
	memcpy(o->data, d, len);
	o->next = *pp;
	*pp = o;
}

/* Unlinks and returns the stored message that is now in sequence (its Ns
 * is the next expected one), or NULL.  The caller frees it. */
struct ooo_msg *
l2tpi_ooo_next(struct tunnel *t)
{
	struct ooo_msg *o = t->ooo;

	if (o == NULL || o->ns != t->nr)
		return NULL;
	t->ooo = o->next;
	return o;
}

/* Drops stored messages now behind Nr. */
void
l2tpi_ooo_prune(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct ooo_msg *o;

	while ((o = t->ooo) != NULL && seq_lt(o->ns, t->nr)) {
		t->ooo = o->next;
		l2tpi_ctx_free_mem(ctx, o);
	}
}

void
l2tpi_ooo_free_all(struct l2tp_ctx *ctx, struct tunnel *t)
{
	struct ooo_msg *o;

	while ((o = t->ooo) != NULL) {
		t->ooo = o->next;
		l2tpi_ctx_free_mem(ctx, o);
	}
}

/* The retransmission timer fired: resend what is in flight with a doubled
 * interval (capped at rtx_max_ns), or give up after rtx_max_count.
 * Returns true if the tunnel was freed. */
bool
l2tpi_retransmit(struct l2tp_ctx *ctx, struct tunnel *t, uint64_t now)
{
	struct ctl_msg *m = t->txq;
	unsigned i;

	t->rtx_count++;
	if (t->rtx_count > ctx->cfg.rtx_max_count) {
		if (ctx->cfg.tolerate_missing_hello && t->state == T_ESTABLISHED &&
		    t->inflight == 1 && m->type == MT_HELLO) {
			/* Phones that never ack HELLO: give up on the HELLO only. */
			l2tpi_ctx_log(ctx, L2TP_LOG_INFO, "tunnel %u: HELLO never acked; tolerated", t->id);
			t->txq = m->next;
			if (t->txq == NULL)
				t->txq_tail = NULL;
			l2tpi_ctx_free_mem(ctx, m);
			t->inflight = 0;
			t->rtx_count = 0;
			t->rtx_at = UINT64_MAX;
			t->last_rx = now;
			l2tpi_ctl_flush(ctx, t, now);
			return false;
		}
		ctx->stats.rtx_teardowns++;
		l2tpi_ctx_log(ctx, L2TP_LOG_WARN, "tunnel %u: %s unacknowledged after %u retransmissions",
		    t->id, l2tpi_msg_name(m->type), ctx->cfg.rtx_max_count);
		if (t->state != T_CLOSING)
			l2tpi_tunnel_down(ctx, t, 0, 0, L2TP_E_TIMEOUT);
		l2tpi_tunnel_free(ctx, t);
		return true;
	}
	for (i = 0; m != NULL && i < t->inflight; i++, m = m->next) {
		if (ctl_transmit(ctx, t, m) == 0)
			ctx->stats.retransmits++;
	}
	t->rtx_interval *= 2;
	if (t->rtx_interval > ctx->cfg.rtx_max_ns)
		t->rtx_interval = ctx->cfg.rtx_max_ns;
	t->rtx_at = sat_add(now, t->rtx_interval);
	/* Messages that could not be transmitted yet (output queue full). */
	l2tpi_ctl_flush(ctx, t, now);
	return false;
}
