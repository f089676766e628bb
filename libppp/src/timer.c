/*
 * timer.c - session timers in one deadline heap per context.  A session has
 * several timers (LCP and IPCP restart, authentication, Echo, re-challenge,
 * the application's auth deadline); its heap node carries the earliest, and
 * every public entry point that can move one calls ppp_sess_rearm before
 * returning.  ppp_next_timeout is O(1), ppp_handle_timeout O(k log n).
 */
#include "ppp_int.h"

uint64_t
ppp_sess_deadline(const struct ppp_session *s)
{
	uint64_t t = s->lcp.timer;

	if (s->ipcp.timer < t)
		t = s->ipcp.timer;
	if (s->auth_timer < t)
		t = s->auth_timer;
	if (s->echo_timer < t)
		t = s->echo_timer;
	if (s->rechallenge_timer < t)
		t = s->rechallenge_timer;
	if (s->auth_deadline < t)
		t = s->auth_deadline;
	return t;
}

void
ppp_sess_rearm(struct ppp_session *s)
{
	uint64_t d = ppp_sess_deadline(s);

	if (s->tnode.pos != 0 ? s->tnode.when == d : d == UINT64_MAX)
		return;
	rg_heap_set(&s->ctx->timers, &s->tnode, d);
}

void
ppp_sess_set_now(struct ppp_session *s, uint64_t now)
{
	s->now = s->lcp.now = s->ipcp.now = now;
}

uint64_t
ppp_next_timeout(const struct ppp_ctx *ctx)
{
	if (ctx == NULL)
		return UINT64_MAX;
	return rg_heap_min(&ctx->timers);
}

static void
fsm_timeout(struct fsm *f, uint64_t now)
{
	if (f->timer > now)
		return;
	f->timer = UINT64_MAX;
	f->now = now;
	/* RFC 1661 §4.6: TO+ while the restart counter is positive. */
	ppp_fsm_event(f, f->restart > 0 ? EV_TO_PLUS : EV_TO_MINUS, NULL);
}

/* Runs the session's timers that are due at now. */
static void
sess_timeout(struct ppp_session *s, uint64_t now)
{
	ppp_sess_set_now(s, now);
	fsm_timeout(&s->lcp, now);
	fsm_timeout(&s->ipcp, now);
	if (s->auth_timer <= now) {
		s->auth_timer = UINT64_MAX;
		ppp_auth_timer(s);
	}
	if (s->auth_deadline <= now) {
		s->auth_deadline = UINT64_MAX;
		ppp_auth_deadline(s);
	}
	if (s->echo_timer <= now) {
		s->echo_timer = UINT64_MAX;
		ppp_lcp_echo_timer(s);
	}
	if (s->rechallenge_timer <= now) {
		s->rechallenge_timer = UINT64_MAX;
		ppp_auth_rechallenge(s);
	}
}

int
ppp_handle_timeout(struct ppp_ctx *ctx, uint64_t now)
{
	struct rg_heap_node *top;
	struct ppp_session *s;
	uint32_t budget;

	if (ctx == NULL)
		return PPP_E_INVAL;
	/*
	 * Every timer a session re-arms lies after now, so each due session
	 * is visited once; the budget only bounds the loop should that ever
	 * not hold.
	 */
	budget = ctx->timers.n;
	while (budget-- > 0 && (top = rg_heap_top(&ctx->timers)) != NULL &&
	    top->when <= now) {
		if (ctx->out.n >= ctx->cfg.ctx_max_output ||
		    ctx->ev.n >= ctx->cfg.ctx_max_events) {
			ppp_log(ctx, PPP_LOG_DEBUG, "ppp: context queues full "
			    "(%u frames, %u events), timers left due",
			    (unsigned)ctx->out.n, (unsigned)ctx->ev.n);
			return PPP_E_QUEUE_FULL;
		}
		s = RG_HEAP_ENTRY(top, struct ppp_session, tnode);
		sess_timeout(s, now);
		ppp_sess_rearm(s);
	}
	return 0;
}
