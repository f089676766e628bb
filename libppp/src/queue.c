/*
 * queue.c - the context's output and event queues.  Each entry sits in the
 * context FIFO and in its session's FIFO; both are bounded (the session's
 * share: max_output / max_events; the context: ctx_max_output /
 * ctx_max_events).  LINK_DOWN is a node embedded in the session: it needs
 * neither memory nor queue space.
 */
#include <string.h>

#include <sodium.h>

#include "ppp_int.h"

static void
q_push(struct qlist *g, struct qlist *sl, struct qnode *n,
    struct ppp_session *s)
{
	n->sess = s;
	n->gnext = NULL;
	n->snext = NULL;
	n->gprev = g->tail;
	if (g->tail != NULL)
		g->tail->gnext = n;
	else
		g->head = n;
	g->tail = n;
	g->n++;
	if (sl->tail != NULL)
		sl->tail->snext = n;
	else
		sl->head = n;
	sl->tail = n;
	sl->n++;
}

static void
g_unlink(struct qlist *g, struct qnode *n)
{
	if (n->gprev != NULL)
		n->gprev->gnext = n->gnext;
	else
		g->head = n->gnext;
	if (n->gnext != NULL)
		n->gnext->gprev = n->gprev;
	else
		g->tail = n->gprev;
	g->n--;
}

/* Pops the context head, which is also the head of its session's list. */
static struct qnode *
q_pop(struct qlist *g, bool out)
{
	struct qnode *n = g->head;
	struct qlist *sl;

	if (n == NULL)
		return NULL;
	g_unlink(g, n);
	sl = out ? &n->sess->out : &n->sess->ev;
	sl->head = n->snext;
	if (sl->head == NULL)
		sl->tail = NULL;
	sl->n--;
	return n;
}

int
ppp_sess_send_raw(struct ppp_session *s, uint16_t proto, const uint8_t *data,
    size_t len, const uint8_t *data2, size_t len2)
{
	struct ppp_ctx *ctx = s->ctx;
	struct outq *q;

	if (s->out.n >= ctx->cfg.max_output)
		return ppp_bad(ctx, &ctx->stats.queue_full, PPP_E_QUEUE_FULL,
		    "ppp: session output share full (%u frames), proto 0x%04x "
		    "dropped", (unsigned)s->out.n, proto);
	if (ctx->out.n >= ctx->cfg.ctx_max_output)
		return ppp_bad(ctx, &ctx->stats.queue_full, PPP_E_QUEUE_FULL,
		    "ppp: context output queue full (%u frames), proto 0x%04x "
		    "dropped", (unsigned)ctx->out.n, proto);
	if ((q = ppp_zalloc(ctx, sizeof(*q) + 4 + len + len2)) == NULL)
		return PPP_E_NOMEM;
	q->data[0] = 0xff;
	q->data[1] = 0x03;
	put16(q->data + 2, proto);
	if (len > 0)
		memcpy(q->data + 4, data, len);
	if (len2 > 0)
		memcpy(q->data + 4 + len, data2, len2);
	q->len = 4 + len + len2;
	q_push(&ctx->out, &s->out, &q->q, s);
	ctx->stats.frames_out++;
	return 0;
}

/* Queues a control packet: Code, Identifier, Length, data (RFC 1661 §5). */
int
ppp_sess_send(struct ppp_session *s, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len)
{
	uint8_t h[4];

	/*
	 * RFC 1661 §6.1: every implementation receives 1500-octet control
	 * packets whatever the MRU, so replies (which never exceed the
	 * request they answer) are not cut to a smaller peer MRU; this cap
	 * only guards the 16-bit Length field.
	 */
	if (len > 1500 - 4)
		len = 1500 - 4;
	h[0] = code;
	h[1] = id;
	put16(h + 2, (uint16_t)(len + 4));
	return ppp_sess_send_raw(s, proto, h, 4, data, len);
}

/*
 * Queues an event of the session; NULL if its share or the context queue is
 * full, memory ran out (both counted), or the link is already down (its
 * LINK_DOWN stays last).
 */
struct ppp_event *
ppp_sess_event(struct ppp_session *s, enum ppp_event_type type)
{
	struct ppp_ctx *ctx = s->ctx;
	struct evq *e;

	if (s->down_reported) {
		ppp_log(ctx, PPP_LOG_DEBUG, "ppp: event %s after LINK_DOWN "
		    "not queued", ppp_event_name(type));
		return NULL;
	}
	if (s->ev.n >= ctx->cfg.max_events) {
		ppp_bad(ctx, &ctx->stats.queue_full, PPP_E_QUEUE_FULL,
		    "ppp: session event share full (%u), %s dropped",
		    (unsigned)s->ev.n, ppp_event_name(type));
		return NULL;
	}
	if (ctx->ev.n >= ctx->cfg.ctx_max_events) {
		ppp_bad(ctx, &ctx->stats.queue_full, PPP_E_QUEUE_FULL,
		    "ppp: context event queue full (%u), %s dropped",
		    (unsigned)ctx->ev.n, ppp_event_name(type));
		return NULL;
	}
	if ((e = ppp_zalloc(ctx, sizeof(*e))) == NULL)
		return NULL;
	e->ev.type = type;
	q_push(&ctx->ev, &s->ev, &e->q, s);
	return &e->ev;
}

/* Queues the session's LINK_DOWN (once), after its other events. */
void
ppp_queue_down(struct ppp_session *s)
{
	q_push(&s->ctx->ev, &s->ev, &s->down_node, s);
}

/* PAP Requests carry the password, CHAP frames the response values. */
static bool
secret_frame(const struct outq *q)
{
	uint16_t proto = get16(q->data + 2);

	return proto == PROTO_PAP || proto == PROTO_CHAP;
}

/* Drops every entry of the session from the context queues (free). */
void
ppp_queue_drop(struct ppp_session *s)
{
	struct ppp_ctx *ctx = s->ctx;
	struct qnode *n, *next;

	for (n = s->out.head; n != NULL; n = next) {
		struct outq *q = (struct outq *)(void *)n;

		next = n->snext;
		g_unlink(&ctx->out, n);
		sodium_memzero(q->data, q->len);
		ppp_free(ctx, q);
	}
	s->out.head = s->out.tail = NULL;
	s->out.n = 0;
	for (n = s->ev.head; n != NULL; n = next) {
		next = n->snext;
		g_unlink(&ctx->ev, n);
		if (n == &s->down_node)
			continue;
		sodium_memzero(&((struct evq *)(void *)n)->ev,
		    sizeof(struct ppp_event));
		ppp_free(ctx, n);
	}
	s->ev.head = s->ev.tail = NULL;
	s->ev.n = 0;
}

size_t
ppp_queue_memory(const struct ppp_session *s)
{
	const struct qnode *n;
	size_t b = 0;

	for (n = s->out.head; n != NULL; n = n->snext)
		b += sizeof(struct outq) + ((const struct outq *)(const void *)
		    n)->len;
	for (n = s->ev.head; n != NULL; n = n->snext)
		if (n != &s->down_node)
			b += sizeof(struct evq);
	return b;
}

int
ppp_next_output(struct ppp_ctx *ctx, uint8_t *buf, size_t cap, size_t *len,
    struct ppp_session **sess, uint64_t *user)
{
	struct outq *q;

	if (ctx == NULL || buf == NULL || len == NULL)
		return PPP_E_INVAL;
	*len = 0;
	if (ctx->out.head == NULL)
		return PPP_E_AGAIN;
	q = (struct outq *)(void *)ctx->out.head;
	if (q->len > cap) {
		*len = q->len;
		return PPP_E_BUFFER;
	}
	(void)q_pop(&ctx->out, true);
	memcpy(buf, q->data, q->len);
	*len = q->len;
	if (sess != NULL)
		*sess = q->q.sess;
	if (user != NULL)
		*user = q->q.sess->user;
	/* Wipe credentials as ppp_session_free would (IP is never queued). */
	if (secret_frame(q))
		sodium_memzero(q->data, q->len);
	ppp_free(ctx, q);
	return 0;
}

bool
ppp_next_event(struct ppp_ctx *ctx, struct ppp_event *ev)
{
	struct qnode *n;
	struct ppp_session *s;
	struct evq *e;

	if (ctx == NULL || ev == NULL)
		return false;
	if ((n = q_pop(&ctx->ev, false)) == NULL)
		return false;
	s = n->sess;
	if (n == &s->down_node) {
		memset(ev, 0, sizeof(*ev));
		ev->type = PPP_EV_LINK_DOWN;
		ev->reason = (enum ppp_down_reason)s->down_reason;
	} else {
		e = (struct evq *)(void *)n;
		*ev = e->ev;
		/* Only AUTH_REQUEST carries credentials worth wiping. */
		if (ev->type == PPP_EV_AUTH_REQUEST)
			sodium_memzero(&e->ev, sizeof(e->ev));
		ppp_free(ctx, e);
	}
	ev->sess = s;
	ev->user = s->user;
	return true;
}

void
ppp_event_wipe(struct ppp_event *ev)
{
	if (ev != NULL)
		sodium_memzero(ev, sizeof(*ev));
}
