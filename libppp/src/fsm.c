/*
 * fsm.c - the RFC 1661 §4 option negotiation automaton, shared by LCP and
 * IPCP.  ppp_fsm_event() is the state transition table of §4.1, one case per
 * event, each cell commented with the RFC's notation.
 */
#include <string.h>

#include "ppp_int.h"

static const char *state_names[] = {
	"Initial", "Starting", "Closed", "Stopped", "Closing", "Stopping",
	"Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened"
};

static const char *event_names[] = {
	"Up", "Down", "Open", "Close", "TO+", "TO-", "RCR+", "RCR-", "RCA",
	"RCN", "RTR", "RTA", "RUC", "RXJ+", "RXJ-", "RXR"
};

const char *
ppp_fsm_state_name(int s)
{
	if (s < 0 || s > ST_OPENED)
		return "?";
	return state_names[s];
}

const char *
ppp_fsm_event_name(int e)
{
	if (e < 0 || e >= EV_COUNT)
		return "?";
	return event_names[e];
}

void
ppp_fsm_init(struct fsm *f, const struct fsm_ops *ops, struct ppp_session *s,
    uint64_t restart_ns, uint8_t max_configure, uint8_t max_terminate)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->sess = s;
	f->timer = UINT64_MAX;
	f->state = ST_INITIAL;
	f->restart_ns = restart_ns;
	f->max_configure = max_configure;
	f->max_terminate = max_terminate;
	f->nextid = 1;
}

static void
arm(struct fsm *f)
{
	f->timer = f->now + f->restart_ns;
}

/* irc: Initialize-Restart-Count. */
static void
irc(struct fsm *f, bool terminate)
{
	f->restart = terminate ? f->max_terminate : f->max_configure;
}

/* zrc: Zero-Restart-Count (and run the timer once). */
static void
zrc(struct fsm *f)
{
	f->restart = 0;
	arm(f);
}

/* scr: Send-Configure-Request. */
static void
scr(struct fsm *f)
{
	uint8_t buf[64];
	size_t len;

	len = f->ops->build_req(f, buf, sizeof(buf));
	f->reqid = f->nextid++;
	f->ops->send(f, CODE_CONFREQ, f->reqid, buf, len);
	if (f->restart > 0)
		f->restart--;
	arm(f);
}

/* sca / scn: send the reply the option parser built. */
static void
scx(struct fsm *f, const struct fsm_arg *a)
{
	if (a == NULL)
		return;
	f->ops->send(f, a->code, a->id, a->data, a->len);
	if (a->code == CODE_CONFACK)
		f->failures = 0;
	else if (a->code == CODE_CONFNAK)
		f->failures++;
}

/* str: Send-Terminate-Request. */
static void
str(struct fsm *f)
{
	f->ops->send(f, CODE_TERMREQ, f->nextid++, NULL, 0);
	if (f->restart > 0)
		f->restart--;
	arm(f);
}

/* sta: Send-Terminate-Ack. */
static void
sta(struct fsm *f, const struct fsm_arg *a)
{
	f->ops->send(f, CODE_TERMACK, a != NULL ? a->id : 0, NULL, 0);
}

/* scj: Send-Code-Reject with the offending packet. */
static void
scj(struct fsm *f, const struct fsm_arg *a)
{
	if (a == NULL)
		return;
	f->ops->send(f, CODE_CODEREJ, f->nextid++, a->data, a->len);
}

static void
stop_timer(struct fsm *f)
{
	f->timer = UINT64_MAX;
}

static void
tlu(struct fsm *f)
{
	stop_timer(f);
	f->rcr = 0;
	f->ops->tlu(f);
}

static void
tld(struct fsm *f)
{
	f->ops->tld(f);
}

static void
tls(struct fsm *f)
{
	f->ops->tls(f);
}

static void
tlf(struct fsm *f)
{
	stop_timer(f);
	f->ops->tlf(f);
}

static void
set(struct fsm *f, int st)
{
	f->state = (uint8_t)st;
	/* The timer only runs in the states that retransmit. */
	if (st != ST_CLOSING && st != ST_STOPPING && st != ST_REQSENT &&
	    st != ST_ACKRCVD && st != ST_ACKSENT)
		stop_timer(f);
}

void
ppp_fsm_event(struct fsm *f, enum fsm_event ev, const struct fsm_arg *a)
{
	int s = f->state;

	switch (ev) {
	case EV_UP:
		if (s == ST_INITIAL)			/* 2 */
			set(f, ST_CLOSED);
		else if (s == ST_STARTING) {		/* irc,scr/6 */
			irc(f, false);
			scr(f);
			set(f, ST_REQSENT);
		}
		break;
	case EV_DOWN:
		switch (s) {
		case ST_CLOSED:				/* 0 */
			set(f, ST_INITIAL);
			break;
		case ST_STOPPED:			/* tls/1 */
			tls(f);
			set(f, ST_STARTING);
			break;
		case ST_CLOSING:			/* 0 */
			set(f, ST_INITIAL);
			break;
		case ST_STOPPING: case ST_REQSENT:	/* 1 */
		case ST_ACKRCVD: case ST_ACKSENT:
			set(f, ST_STARTING);
			break;
		case ST_OPENED:				/* tld/1 */
			tld(f);
			set(f, ST_STARTING);
			break;
		}
		break;
	case EV_OPEN:
		switch (s) {
		case ST_INITIAL:			/* tls/1 */
			tls(f);
			set(f, ST_STARTING);
			break;
		case ST_CLOSED:				/* irc,scr/6 */
			irc(f, false);
			scr(f);
			set(f, ST_REQSENT);
			break;
		case ST_CLOSING:			/* 5r */
			set(f, ST_STOPPING);
			break;
		default:				/* 1, 3r, 5r, 6-9 */
			break;
		}
		break;
	case EV_CLOSE:
		switch (s) {
		case ST_STARTING:			/* tlf/0 */
			tlf(f);
			set(f, ST_INITIAL);
			break;
		case ST_STOPPED:			/* 2 */
			set(f, ST_CLOSED);
			break;
		case ST_STOPPING:			/* 4 */
			set(f, ST_CLOSING);
			break;
		case ST_REQSENT: case ST_ACKRCVD:	/* irc,str/4 */
		case ST_ACKSENT:
			irc(f, true);
			str(f);
			set(f, ST_CLOSING);
			break;
		case ST_OPENED:				/* tld,irc,str/4 */
			tld(f);
			irc(f, true);
			str(f);
			set(f, ST_CLOSING);
			break;
		default:				/* 0, 2, 4 */
			break;
		}
		break;
	case EV_TO_PLUS:
		switch (s) {
		case ST_CLOSING: case ST_STOPPING:	/* str/4, str/5 */
			str(f);
			break;
		case ST_REQSENT: case ST_ACKRCVD:	/* scr/6 */
			scr(f);
			set(f, ST_REQSENT);
			break;
		case ST_ACKSENT:			/* scr/8 */
			scr(f);
			break;
		}
		break;
	case EV_TO_MINUS:
		switch (s) {
		case ST_CLOSING:			/* tlf/2 */
			set(f, ST_CLOSED);
			tlf(f);
			break;
		case ST_STOPPING: case ST_REQSENT:	/* tlf/3 */
		case ST_ACKRCVD: case ST_ACKSENT:
			set(f, ST_STOPPED);
			tlf(f);
			break;
		}
		break;
	case EV_RCR_PLUS:
	case EV_RCR_MINUS: {
		bool good = ev == EV_RCR_PLUS;

		switch (s) {
		case ST_CLOSED:				/* sta/2 */
			sta(f, a);
			break;
		case ST_STOPPED:		/* irc,scr,sca/8 or scn/6 */
			irc(f, false);
			scr(f);
			scx(f, a);
			set(f, good ? ST_ACKSENT : ST_REQSENT);
			break;
		case ST_REQSENT:			/* sca/8, scn/6 */
			scx(f, a);
			set(f, good ? ST_ACKSENT : ST_REQSENT);
			break;
		case ST_ACKRCVD:			/* sca,tlu/9 scn/7 */
			scx(f, a);
			if (good) {
				set(f, ST_OPENED);
				tlu(f);
			}
			break;
		case ST_ACKSENT:			/* sca/8, scn/6 */
			scx(f, a);
			set(f, good ? ST_ACKSENT : ST_REQSENT);
			break;
		case ST_OPENED:			/* tld,scr,sca/8 scn/6 */
			tld(f);
			irc(f, false);
			scr(f);
			scx(f, a);
			set(f, good ? ST_ACKSENT : ST_REQSENT);
			break;
		default:				/* -, 4, 5 */
			break;
		}
		break;
	}
	case EV_RCA:
	case EV_RCN:
		switch (s) {
		case ST_CLOSED: case ST_STOPPED:	/* sta/2, sta/3 */
			sta(f, a);
			break;
		case ST_REQSENT:		/* irc/7 or irc,scr/6 */
			irc(f, false);
			if (ev == EV_RCA) {
				stop_timer(f);
				set(f, ST_ACKRCVD);
				arm(f);
			} else
				scr(f);
			break;
		case ST_ACKRCVD:			/* scr/6x */
			scr(f);
			set(f, ST_REQSENT);
			break;
		case ST_ACKSENT:		/* irc,tlu/9 or irc,scr/8 */
			irc(f, false);
			if (ev == EV_RCA) {
				set(f, ST_OPENED);
				tlu(f);
			} else
				scr(f);
			break;
		case ST_OPENED:				/* tld,scr/6x */
			tld(f);
			irc(f, false);
			scr(f);
			set(f, ST_REQSENT);
			break;
		default:
			break;
		}
		break;
	case EV_RTR:
		switch (s) {
		case ST_CLOSED: case ST_STOPPED:	/* sta/2, sta/3 */
		case ST_CLOSING: case ST_STOPPING:	/* sta/4, sta/5 */
			sta(f, a);
			break;
		case ST_REQSENT: case ST_ACKRCVD:	/* sta/6 */
		case ST_ACKSENT:
			sta(f, a);
			set(f, ST_REQSENT);
			break;
		case ST_OPENED:				/* tld,zrc,sta/5 */
			tld(f);
			sta(f, a);
			set(f, ST_STOPPING);
			zrc(f);
			break;
		}
		break;
	case EV_RTA:
		switch (s) {
		case ST_CLOSING:			/* tlf/2 */
			set(f, ST_CLOSED);
			tlf(f);
			break;
		case ST_STOPPING:			/* tlf/3 */
			set(f, ST_STOPPED);
			tlf(f);
			break;
		case ST_ACKRCVD:			/* 6 */
			set(f, ST_REQSENT);
			break;
		case ST_OPENED:				/* tld,scr/6 */
			tld(f);
			irc(f, false);
			scr(f);
			set(f, ST_REQSENT);
			break;
		}
		break;
	case EV_RUC:
		if (s >= ST_CLOSED)			/* scj/same */
			scj(f, a);
		break;
	case EV_RXJ_PLUS:
		if (s == ST_ACKRCVD)			/* 6 */
			set(f, ST_REQSENT);
		break;
	case EV_RXJ_MINUS:
		switch (s) {
		case ST_CLOSED: case ST_CLOSING:	/* tlf/2 */
			set(f, ST_CLOSED);
			tlf(f);
			break;
		case ST_STOPPED: case ST_STOPPING:	/* tlf/3 */
		case ST_REQSENT: case ST_ACKRCVD:
		case ST_ACKSENT:
			set(f, ST_STOPPED);
			tlf(f);
			break;
		case ST_OPENED:				/* tld,irc,str/5 */
			tld(f);
			irc(f, true);
			str(f);
			set(f, ST_STOPPING);
			break;
		}
		break;
	case EV_RXR:
		/* ser/9: Echo and Discard are answered by the LCP code. */
		break;
	case EV_COUNT:
		break;
	}
}
