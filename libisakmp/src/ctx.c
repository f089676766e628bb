/* ctx.c - context lifetime, hooks, output and event queues, stats, strerror. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

void *
ik_alloc(struct isakmp_ctx *ctx, size_t n)
{
	if (ctx->hooks.alloc != NULL)
		return ctx->hooks.alloc(ctx->hooks.user, n);
	return calloc(1, n);
}

void
ik_free(struct isakmp_ctx *ctx, void *p)
{
	if (p == NULL)
		return;
	if (ctx->hooks.free != NULL)
		ctx->hooks.free(ctx->hooks.user, p);
	else
		free(p);
}

void
ik_log(struct isakmp_ctx *ctx, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (ctx->hooks.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->hooks.log(ctx->hooks.user, level, buf);
}

int
ik_rng(struct isakmp_ctx *ctx, void *buf, size_t len)
{
	return ctx->hooks.rng(ctx->hooks.user, buf, len) == 0 ? 0 : ISAKMP_E_RNG;
}

const char *
isakmp_strerror(int err)
{
	switch (err) {
	case ISAKMP_OK: return "ok";
	case ISAKMP_E_INVAL: return "invalid argument";
	case ISAKMP_E_NOMEM: return "out of memory";
	case ISAKMP_E_TRUNCATED: return "truncated";
	case ISAKMP_E_BAD_LENGTH: return "bad length";
	case ISAKMP_E_VERSION: return "unsupported ISAKMP version";
	case ISAKMP_E_PAYLOAD: return "bad payload";
	case ISAKMP_E_NO_SA: return "no such SA";
	case ISAKMP_E_NO_PROPOSAL: return "no proposal chosen";
	case ISAKMP_E_AUTH: return "authentication failed";
	case ISAKMP_E_LIMIT: return "limit reached";
	case ISAKMP_E_STATE: return "unexpected message for state";
	case ISAKMP_E_KE: return "bad key exchange value";
	case ISAKMP_E_NONCE: return "bad nonce";
	case ISAKMP_E_ATTR: return "bad attribute";
	case ISAKMP_E_CRYPTO: return "crypto failure";
	case ISAKMP_E_DECRYPT: return "decryption failed";
	case ISAKMP_E_ID: return "unacceptable identity";
	case ISAKMP_E_NO_POLICY: return "no policy for peer";
	case ISAKMP_E_COOKIE: return "bad cookie";
	case ISAKMP_E_MARKER: return "missing non-ESP marker";
	case ISAKMP_E_BUFFER: return "buffer too small";
	case ISAKMP_E_EXISTS: return "already exists";
	case ISAKMP_E_NOT_FOUND: return "not found";
	case ISAKMP_E_DUPLICATE: return "duplicate message";
	case ISAKMP_E_QUEUE_FULL: return "queue full";
	case ISAKMP_E_RNG: return "rng failure";
	case ISAKMP_E_EXCHANGE: return "unsupported exchange type";
	case ISAKMP_E_AGAIN: return "nothing pending";
	default: return "unknown error";
	}
}

int
isakmp_error_to_notify(int err)
{
	switch (err) {
	case ISAKMP_E_PAYLOAD: return N_INVALID_PAYLOAD_TYPE;
	case ISAKMP_E_TRUNCATED:
	case ISAKMP_E_BAD_LENGTH:
	case ISAKMP_E_ATTR:
	case ISAKMP_E_NONCE: return N_PAYLOAD_MALFORMED;
	case ISAKMP_E_NO_PROPOSAL: return N_NO_PROPOSAL_CHOSEN;
	case ISAKMP_E_KE: return N_INVALID_KEY_INFORMATION;
	case ISAKMP_E_ID: return N_INVALID_ID_INFORMATION;
	case ISAKMP_E_AUTH: return N_AUTHENTICATION_FAILED;
	case ISAKMP_E_COOKIE: return 4;   /* INVALID-COOKIE */
	case ISAKMP_E_EXCHANGE: return 7; /* INVALID-EXCHANGE-TYPE */
	case ISAKMP_E_VERSION: return 5;  /* INVALID-MAJOR-VERSION */
	default: return 0;
	}
}

const char *
isakmp_notify_name(int type)
{
	switch (type) {
	case N_INVALID_PAYLOAD_TYPE: return "INVALID-PAYLOAD-TYPE";
	case 4: return "INVALID-COOKIE";
	case 5: return "INVALID-MAJOR-VERSION";
	case 7: return "INVALID-EXCHANGE-TYPE";
	case N_NO_PROPOSAL_CHOSEN: return "NO-PROPOSAL-CHOSEN";
	case N_PAYLOAD_MALFORMED: return "PAYLOAD-MALFORMED";
	case N_INVALID_KEY_INFORMATION: return "INVALID-KEY-INFORMATION";
	case N_INVALID_ID_INFORMATION: return "INVALID-ID-INFORMATION";
	case N_INVALID_HASH_INFORMATION: return "INVALID-HASH-INFORMATION";
	case N_AUTHENTICATION_FAILED: return "AUTHENTICATION-FAILED";
	case N_CONNECTED: return "CONNECTED";
	case N_RESPONDER_LIFETIME: return "RESPONDER-LIFETIME";
	case N_INITIAL_CONTACT: return "INITIAL-CONTACT";
	case N_DPD_R_U_THERE: return "R-U-THERE";
	case N_DPD_R_U_THERE_ACK: return "R-U-THERE-ACK";
	default: return "UNKNOWN";
	}
}

int
isakmp_ctx_new(struct isakmp_ctx **out, const struct isakmp_config *cfg,
    const struct isakmp_hooks *hooks)
{
	struct isakmp_config defaults;
	struct isakmp_ctx *ctx;
	size_t i;
	int rc;

	if (cfg == NULL) {
		memset(&defaults, 0, sizeof(defaults));
		defaults.size = sizeof(defaults);
		cfg = &defaults;
	}
	if (out == NULL || hooks == NULL || hooks->rng == NULL ||
	    cfg->size != sizeof(*cfg) || cfg->n_policies > ISAKMP_MAX_POLICIES)
		return ISAKMP_E_INVAL;
	for (i = 0; i < cfg->n_policies; i++) {
		const struct isakmp_policy *p = &cfg->policies[i];

		if (p->psk_len == 0 || p->psk_len > ISAKMP_MAX_PSK || p->n_p1 == 0 ||
		    p->n_p1 > ISAKMP_MAX_P1_PROPS || p->n_p2 == 0 ||
		    p->n_p2 > ISAKMP_MAX_P2_PROPS || p->peer_id_len > ISAKMP_MAX_ID)
			return ISAKMP_E_INVAL;
	}
	*out = NULL;
	ctx = hooks->alloc != NULL ? hooks->alloc(hooks->user, sizeof(*ctx)) :
	    calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return ISAKMP_E_NOMEM;
	ctx->hooks = *hooks;
	ctx->cfg = *cfg;
	if (ctx->cfg.max_ike_sas == 0)
		ctx->cfg.max_ike_sas = 256;
	if (ctx->cfg.max_half_open == 0)
		ctx->cfg.max_half_open = 64;
	if (ctx->cfg.max_events == 0)
		ctx->cfg.max_events = 64;
	if (ctx->cfg.retransmit_ns == 0)
		ctx->cfg.retransmit_ns = 2000000000ull;
	if (ctx->cfg.retransmit_max == 0)
		ctx->cfg.retransmit_max = 5;
	if (ctx->cfg.half_open_timeout_ns == 0)
		ctx->cfg.half_open_timeout_ns = 30000000000ull;
	for (i = 0; i < ctx->cfg.n_policies; i++) {
		struct isakmp_policy *p = &ctx->cfg.policies[i];

		if (p->local_port == 0)
			p->local_port = 1701;
		if (p->protocol == 0)
			p->protocol = 17;
		if (p->encap == 0)
			p->encap = ISAKMP_ENCAP_TRANSPORT;
	}
	ctx->next_id = 1;
	ctx->events = ik_alloc(ctx, ctx->cfg.max_events * sizeof(*ctx->events));
	if (ctx->events == NULL) {
		rc = ISAKMP_E_NOMEM;
		goto fail;
	}
	if ((rc = ikc_init(ctx)) != 0)
		goto fail;
	*out = ctx;
	return 0;
fail:
	isakmp_ctx_free(ctx);
	return rc;
}

void
isakmp_ctx_free(struct isakmp_ctx *ctx)
{
	struct outpkt *o;

	if (ctx == NULL)
		return;
	while (ctx->sas != NULL)
		sa_destroy(ctx, ctx->sas);
	while ((o = ctx->out_head) != NULL) {
		ctx->out_head = o->next;
		ik_free(ctx, o);
	}
	if (ctx->events != NULL) {
		sodium_memzero(ctx->events, ctx->cfg.max_events * sizeof(*ctx->events));
		ik_free(ctx, ctx->events);
	}
	ikc_fini(ctx);
	sodium_memzero(&ctx->cfg, sizeof(ctx->cfg));
	ik_free(ctx, ctx);
}

/* Queues a datagram; prepends the non-ESP marker when sent from port 4500. */
int
out_queue(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to, const uint8_t *d, size_t len)
{
	size_t m = from->port == ISAKMP_NATT_PORT ? 4 : 0;
	struct outpkt *o;

	/* isakmp_next_output() promises ISAKMP_MAX_PACKET always suffices. */
	if (len > ISAKMP_MAX_PACKET - m) {
		ctx->st.tx_oversize++;
		ik_log(ctx, ISAKMP_LOG_WARN, "datagram of %zu bytes (+%zu marker) exceeds %d, "
		    "not sent", len, m, ISAKMP_MAX_PACKET);
		return ISAKMP_E_BUFFER;
	}
	if ((o = ik_alloc(ctx, sizeof(*o) + len + m)) == NULL)
		return ISAKMP_E_NOMEM;
	o->from = *from;
	o->to = *to;
	memset(o->data, 0, m);
	memcpy(o->data + m, d, len);
	o->len = len + m;
	if (ctx->out_tail != NULL)
		ctx->out_tail->next = o;
	else
		ctx->out_head = o;
	ctx->out_tail = o;
	return 0;
}

int
isakmp_next_output(struct isakmp_ctx *ctx, uint64_t now, uint8_t *buf, size_t cap,
    size_t *len, struct isakmp_addr *from, struct isakmp_addr *to)
{
	struct outpkt *o;

	(void)now;
	if (ctx == NULL || buf == NULL || len == NULL || from == NULL || to == NULL)
		return ISAKMP_E_INVAL;
	if ((o = ctx->out_head) == NULL)
		return ISAKMP_E_AGAIN;
	if (o->len > cap)
		return ISAKMP_E_BUFFER;
	memcpy(buf, o->data, o->len);
	*len = o->len;
	*from = o->from;
	*to = o->to;
	ctx->out_head = o->next;
	if (ctx->out_head == NULL)
		ctx->out_tail = NULL;
	ctx->st.tx_packets++;
	ctx->st.tx_bytes += o->len;
	ik_free(ctx, o);
	return 0;
}

void
ev_push(struct isakmp_ctx *ctx, const struct isakmp_event *ev)
{
	if (ctx->ev_count == ctx->cfg.max_events) {
		ctx->st.events_dropped++;
		ik_log(ctx, ISAKMP_LOG_ERROR, "event queue full (%u), event %d dropped",
		    ctx->cfg.max_events, ev->type);
		return;
	}
	ctx->events[(ctx->ev_head + ctx->ev_count) % ctx->cfg.max_events] = *ev;
	ctx->ev_count++;
}

bool
isakmp_next_event(struct isakmp_ctx *ctx, struct isakmp_event *ev)
{
	struct isakmp_event *e;

	if (ctx == NULL || ev == NULL || ctx->ev_count == 0)
		return false;
	e = &ctx->events[ctx->ev_head];
	*ev = *e;
	sodium_memzero(e, sizeof(*e));
	ctx->ev_head = (ctx->ev_head + 1) % ctx->cfg.max_events;
	ctx->ev_count--;
	return true;
}

void
isakmp_get_stats(const struct isakmp_ctx *ctx, struct isakmp_stats *out)
{
	if (ctx != NULL && out != NULL)
		*out = ctx->st;
}
