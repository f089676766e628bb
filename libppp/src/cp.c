/*
 * cp.c - the packet handling LCP and IPCP share (RFC 1661 §5): option list
 * validation, the Configure-Ack / Nak / Reject decision with Max-Failure
 * (§4.6), identifier and Configure-Ack checks, Code-Reject of unknown codes
 * and the convergence bound.  Each protocol only decides, option by option,
 * what to accept.
 */
#include <string.h>

#include "ppp_int.h"

/*
 * Validates the option list: every option 2 bytes at least, within the
 * packet, and present once.  RFC 1661 §6 (validate first, interpret later).
 */
int
ppp_opts_validate(struct ppp_session *s, const char *proto, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t seen[32];
	size_t off = 0;

	memset(seen, 0, sizeof(seen));
	while (off < n) {
		uint8_t t, l;

		if (n - off < 2)
			return ppp_bad(ctx, &ctx->stats.bad_option,
			    PPP_E_BAD_OPTION, "ppp: %s option header "
			    "truncated at offset %zu of %zu", proto, off, n);
		t = p[off];
		l = p[off + 1];
		if (l < 2 || l > n - off)
			return ppp_bad(ctx, &ctx->stats.bad_option,
			    PPP_E_BAD_OPTION, "ppp: %s option %u length %u "
			    "at offset %zu of %zu", proto, t, l, off, n);
		if (seen[t >> 3] & (1u << (t & 7)))
			return ppp_bad(ctx, &ctx->stats.dup_option,
			    PPP_E_DUP_OPTION, "ppp: %s option %u duplicated",
			    proto, t);
		seen[t >> 3] |= (uint8_t)(1u << (t & 7));
		off += l;
	}
	return 0;
}

/*
 * Counts a Configure packet received before the automaton is opened; far
 * more than Max-Configure of them means the negotiation does not converge
 * (a peer Nak-ing or requesting forever): the link is closed.
 */
int
ppp_fsm_count_rcv(struct fsm *f)
{
	struct ppp_session *s = f->sess;
	struct ppp_ctx *ctx = s->ctx;
	int rc;

	if (f->state == ST_OPENED || ++f->rcr <=
	    4u * ctx->cfg.max_configure + ctx->cfg.max_failure)
		return 0;
	rc = ppp_bad(ctx, &ctx->stats.not_converged, PPP_E_NOT_CONVERGED,
	    "ppp: %s did not converge after %u Configure packets",
	    f->ops->name, (unsigned)f->rcr);
	ppp_sess_link_down(s, PPP_DOWN_NEGOTIATION_FAILED);
	ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
	return rc;
}

void
ppp_cp_reply_init(struct cp_reply *r)
{
	r->naklen = r->rejlen = r->nakoriglen = 0;
}

static void
add(uint8_t *buf, size_t *len, const uint8_t *opt, size_t olen)
{
	/* The reply is never longer than the request it answers. */
	if (*len + olen > PPP_MAX_FRAME)
		return;
	memcpy(buf + *len, opt, olen);
	*len += olen;
}

/* Nak the received option orig, suggesting opt (olen bytes). */
void
ppp_cp_nak(struct cp_reply *r, const uint8_t *orig, const uint8_t *opt,
    size_t olen)
{
	add(r->nak, &r->naklen, opt, olen);
	add(r->nakorig, &r->nakoriglen, orig, orig[1]);
}

/* Reject the received option orig. */
void
ppp_cp_rej(struct cp_reply *r, const uint8_t *orig)
{
	add(r->rej, &r->rejlen, orig, orig[1]);
}

/*
 * RFC 1661 §5.2-5.4: any rejected option makes the reply a Configure-Reject
 * of those; else any Nak'd option a Configure-Nak; else the request is
 * Acked as received (commit, if given, is called first).  After
 * Max-Failure Naks without an Ack (§4.6), the options that would be Nak'd
 * are Rejected instead, as the peer sent them, and only those: acceptable
 * options stay out of the Reject.
 */
void
ppp_cp_reply_send(struct fsm *f, struct cp_reply *r, uint8_t id,
    const uint8_t *p, size_t n,
    void (*commit)(struct ppp_session *, const uint8_t *, size_t))
{
	struct fsm_arg a;

	a.id = id;
	if (r->rejlen > 0) {
		a.code = CODE_CONFREJ;
		a.data = r->rej;
		a.len = r->rejlen;
	} else if (r->naklen > 0 && r->nakoriglen > 0 &&
	    f->failures >= f->sess->ctx->cfg.max_failure) {
		/* (An option the peer left out and we Nak to prompt it,
		 * IPCP's IP-Address, has nothing to Reject: it stays Nak'd.) */
		a.code = CODE_CONFREJ;
		a.data = r->nakorig;
		a.len = r->nakoriglen;
	} else if (r->naklen > 0) {
		a.code = CODE_CONFNAK;
		a.data = r->nak;
		a.len = r->naklen;
	} else {
		a.code = CODE_CONFACK;
		a.data = p;
		a.len = n;
		if (commit != NULL)
			commit(f->sess, p, n);
	}
	ppp_fsm_event(f, a.code == CODE_CONFACK ? EV_RCR_PLUS : EV_RCR_MINUS,
	    &a);
}

int
ppp_cp_check_id(struct fsm *f, uint8_t id, const char *what)
{
	struct ppp_ctx *ctx = f->sess->ctx;

	if (id != f->reqid)
		return ppp_bad(ctx, &ctx->stats.bad_id, PPP_E_BAD_ID,
		    "ppp: %s %s id %u, expected %u", f->ops->name, what, id,
		    f->reqid);
	return 0;
}

/* RFC 1661 §5.2: a Configure-Ack repeats our request exactly. */
int
ppp_cp_rcv_ack(struct fsm *f, uint8_t id, const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = f->sess->ctx;
	uint8_t mine[64];
	size_t len;
	int rc;

	if ((rc = ppp_cp_check_id(f, id, "Configure-Ack")) != 0)
		return rc;
	len = f->ops->build_req(f, mine, sizeof(mine));
	if (len != n || memcmp(mine, p, n) != 0)
		return ppp_bad(ctx, &ctx->stats.bad_option, PPP_E_BAD_OPTION,
		    "ppp: %s Configure-Ack of %zu bytes differs from our "
		    "request of %zu", f->ops->name, n, len);
	ppp_fsm_event(f, EV_RCA, NULL);
	return 0;
}

/*
 * RFC 1661 §5.6: Code-Reject carrying the packet (its header is the 4 bytes
 * before p), truncated to the peer's MRU (Code-Reject header included).
 */
int
ppp_cp_unknown_code(struct fsm *f, uint8_t code, const uint8_t *p, size_t n)
{
	struct ppp_session *s = f->sess;
	struct fsm_arg a;

	memset(&a, 0, sizeof(a));
	a.data = p - 4;
	a.len = n + 4;
	if (a.len > s->peer_mru - 4u)
		a.len = s->peer_mru - 4u;
	if (ppp_reject_budget(s, "Code-Reject"))
		ppp_fsm_event(f, EV_RUC, &a);
	return ppp_bad_rl(s->ctx, s->now, RL_UNKNOWN,
	    &s->ctx->stats.unknown_code, PPP_E_UNKNOWN_CODE,
	    "ppp: session %llu: %s code %u rejected",
	    (unsigned long long)s->user, f->ops->name, code);
}
