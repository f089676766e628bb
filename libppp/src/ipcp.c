/*
 * ipcp.c - IPCP (RFC 1332) with the RFC 1877 name server options.  The
 * server hands out the peer's address (from auth_reply or
 * set_peer_address) and its DNS/NBNS; the client asks for 0.0.0.0 and takes
 * what it is Nak'd.  VJ compression and IP-Addresses are rejected.
 */
#include <stdio.h>
#include <string.h>

#include "ppp_int.h"

#define IPCP_ADDRS	1
#define IPCP_COMP	2
#define IPCP_ADDR	3
#define IPCP_DNS1	129
#define IPCP_NBNS1	130
#define IPCP_DNS2	131
#define IPCP_NBNS2	132

/* Client request bits (s->ip_req). */
#define REQ_ADDR	0x1
#define REQ_DNS1	0x2
#define REQ_DNS2	0x4

static uint8_t *
opt32(uint8_t *p, uint8_t type, uint32_t v)
{
	p[0] = type;
	p[1] = 6;
	put32(p + 2, v);
	return p + 6;
}

static size_t
ipcp_build_req(struct fsm *f, uint8_t *buf, size_t cap)
{
	struct ppp_session *s = f->sess;
	uint8_t *p = buf;

	(void)cap;	/* at most 18 bytes, cap is 64 */
	if (s->role == PPP_ROLE_SERVER) {
		if (s->local_addr != 0 && !(s->ip_req & 0x80))
			p = opt32(p, IPCP_ADDR, s->local_addr);
	} else {
		if (s->ip_req & REQ_ADDR)
			p = opt32(p, IPCP_ADDR, s->local_addr);
		if (s->ip_req & REQ_DNS1)
			p = opt32(p, IPCP_DNS1, s->dns[0]);
		if (s->ip_req & REQ_DNS2)
			p = opt32(p, IPCP_DNS2, s->dns[1]);
	}
	return (size_t)(p - buf);
}

static void
ipcp_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *d,
    size_t len)
{
	ppp_sess_send(f->sess, PROTO_IPCP, code, id, d, len);
}

static void
ipcp_tlu(struct fsm *f)
{
	struct ppp_session *s = f->sess;
	struct ppp_event *ev;
	char a[16], b[16];

	if (s->ip_up_reported)
		return;
	s->ip_up_reported = 1;
	s->ip_up_ns = s->now;
	if (s->ctx->hooks.log == NULL)
		goto event;
	snprintf(a, sizeof(a), "%u.%u.%u.%u", s->local_addr >> 24,
	    (s->local_addr >> 16) & 0xff, (s->local_addr >> 8) & 0xff,
	    s->local_addr & 0xff);
	snprintf(b, sizeof(b), "%u.%u.%u.%u", s->peer_addr >> 24,
	    (s->peer_addr >> 16) & 0xff, (s->peer_addr >> 8) & 0xff,
	    s->peer_addr & 0xff);
	ppp_log(s->ctx, PPP_LOG_INFO, "ppp: IPCP opened, local %s peer %s",
	    a, b);
event:
	if ((ev = ppp_sess_event(s, PPP_EV_IP_UP)) == NULL)
		return;
	ev->ip.local_addr = s->local_addr;
	ev->ip.peer_addr = s->peer_addr;
	ev->ip.dns[0] = s->dns[0];
	ev->ip.dns[1] = s->dns[1];
	ev->ip.nbns[0] = s->nbns[0];
	ev->ip.nbns[1] = s->nbns[1];
}

static void
ipcp_tld(struct fsm *f)
{
	f->sess->ip_up_reported = 0;
}

static void
ipcp_tls(struct fsm *f)
{
	(void)f;
}

static void
ipcp_tlf(struct fsm *f)
{
	struct ppp_session *s = f->sess;

	/* Without IPCP the link is of no use: take LCP down. */
	if (s->lcp.state == ST_OPENED && !s->down_reported) {
		ppp_sess_link_down(s, PPP_DOWN_NEGOTIATION_FAILED);
		ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
	}
}

const struct fsm_ops ppp_ipcp_ops = {
	"IPCP", ipcp_tlu, ipcp_tld, ipcp_tls, ipcp_tlf, ipcp_build_req,
	ipcp_send
};

void
ppp_ipcp_start(struct ppp_session *s)
{
	if (s->role == PPP_ROLE_SERVER && s->peer_addr == 0 &&
	    !s->addr_wanted) {
		s->addr_wanted = 1;
		ppp_sess_event(s, PPP_EV_ADDRESS_WANTED);
	}
	s->ipcp.now = s->now;
	s->ipcp.rcr = 0;
	s->addr_hinted = 0;
	ppp_fsm_event(&s->ipcp, EV_OPEN, NULL);
	if (s->ipcp.state == ST_INITIAL || s->ipcp.state == ST_STARTING)
		ppp_fsm_event(&s->ipcp, EV_UP, NULL);
}

/* Server: the value we hand out for a name server option (0 = reject). */
static uint32_t
server_value(struct ppp_session *s, uint8_t t)
{
	switch (t) {
	case IPCP_DNS1: return s->dns[0];
	case IPCP_DNS2: return s->dns[1];
	case IPCP_NBNS1: return s->nbns[0];
	case IPCP_NBNS2: return s->nbns[1];
	}
	return 0;
}

static int
rcv_confreq(struct ppp_session *s, uint8_t id, const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	struct cp_reply r;
	uint8_t o[6];
	size_t off;
	bool has_addr = false;
	int rc;

	if ((rc = ppp_opts_validate(s, "IPCP", p, n)) != 0)
		return rc;
	if ((rc = ppp_fsm_count_rcv(&s->ipcp)) != 0)
		return rc;
	ppp_cp_reply_init(&r);
	for (off = 0; off < n; off += p[off + 1]) {
		const uint8_t *opt = p + off;
		uint8_t t = opt[0], l = opt[1];
		uint32_t v, want;

		if (t == IPCP_ADDR || t == IPCP_DNS1 || t == IPCP_DNS2 ||
		    t == IPCP_NBNS1 || t == IPCP_NBNS2) {
			if (l != 6)
				return ppp_bad(ctx, &ctx->stats.bad_option,
				    PPP_E_BAD_OPTION, "ppp: IPCP option %u "
				    "has length %u", t, l);
		} else {
			/* IP-Addresses, VJ compression, anything else. */
			ppp_cp_rej(&r, opt);
			continue;
		}
		v = get32(opt + 2);
		if (s->role == PPP_ROLE_CLIENT) {
			/* The server tells us its own address. */
			if (t == IPCP_ADDR)
				s->peer_addr = v;
			else
				ppp_cp_rej(&r, opt);
			continue;
		}
		if (t == IPCP_ADDR) {
			has_addr = true;
			if (s->peer_addr == 0) {
				/* Wait for the application's address; the
				 * peer will retransmit. */
				return ppp_bad(ctx, &ctx->stats.late,
				    PPP_E_LATE, "ppp: IPCP request before "
				    "the peer address is known, held");
			}
			want = s->peer_addr;
		} else if ((want = server_value(s, t)) == 0) {
			ppp_cp_rej(&r, opt);
			continue;
		}
		if (v != want) {
			opt32(o, t, want);
			ppp_cp_nak(&r, opt, o, 6);
		}
	}
	if (s->role == PPP_ROLE_SERVER && !has_addr) {
		/* The peer left IP-Address out: never Ack while no address
		 * is assigned (held: the peer retransmits); with one, Nak
		 * it into the request once per negotiation, as pppd does
		 * (RFC 1661 §5.3 allows a Nak to add an option). */
		ctx->stats.ipcp_addr_nak++;
		if (s->peer_addr == 0)
			return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
			    "ppp: IPCP request without IP-Address before the "
			    "peer address is known, held");
		if (!s->addr_hinted && r.rejlen == 0) {
			s->addr_hinted = 1;
			opt32(o, IPCP_ADDR, s->peer_addr);
			if (r.naklen + 6 <= sizeof(r.nak)) {
				memcpy(r.nak + r.naklen, o, 6);
				r.naklen += 6;
			}
			ppp_log(ctx, PPP_LOG_INFO, "ppp: IPCP request without "
			    "IP-Address, Nak'd with the assigned address");
		}
	}
	ppp_cp_reply_send(&s->ipcp, &r, id, p, n, NULL);
	return 0;
}

static int
rcv_nakrej(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	size_t off;
	int rc;

	if ((rc = ppp_cp_check_id(&s->ipcp, id, code == CODE_CONFNAK ?
	    "Configure-Nak" : "Configure-Reject")) != 0)
		return rc;
	if ((rc = ppp_opts_validate(s, "IPCP", p, n)) != 0)
		return rc;
	if ((rc = ppp_fsm_count_rcv(&s->ipcp)) != 0)
		return rc;
	for (off = 0; off < n; off += p[off + 1]) {
		const uint8_t *opt = p + off;
		uint8_t bit = 0;
		uint32_t v = 0;

		if (opt[1] == 6)
			v = get32(opt + 2);
		if (s->role == PPP_ROLE_SERVER) {
			if (opt[0] == IPCP_ADDR && code == CODE_CONFREJ)
				s->ip_req |= 0x80;	/* stop sending it */
			continue;
		}
		switch (opt[0]) {
		case IPCP_ADDR: bit = REQ_ADDR; break;
		case IPCP_DNS1: bit = REQ_DNS1; break;
		case IPCP_DNS2: bit = REQ_DNS2; break;
		default: continue;
		}
		if (code == CODE_CONFREJ || opt[1] != 6) {
			s->ip_req &= (uint8_t)~bit;
			continue;
		}
		if (bit == REQ_ADDR)
			s->local_addr = v;
		else if (bit == REQ_DNS1)
			s->dns[0] = v;
		else
			s->dns[1] = v;
	}
	ppp_fsm_event(&s->ipcp, EV_RCN, NULL);
	return 0;
}

int
ppp_ipcp_input(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct fsm_arg a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	switch (code) {
	case CODE_CONFREQ:
		return rcv_confreq(s, id, p, n);
	case CODE_CONFACK:
		return ppp_cp_rcv_ack(&s->ipcp, id, p, n);
	case CODE_CONFNAK:
	case CODE_CONFREJ:
		return rcv_nakrej(s, code, id, p, n);
	case CODE_TERMREQ:
		ppp_fsm_event(&s->ipcp, EV_RTR, &a);
		return 0;
	case CODE_TERMACK:
		ppp_fsm_event(&s->ipcp, EV_RTA, &a);
		return 0;
	case CODE_CODEREJ:
		ppp_fsm_event(&s->ipcp, EV_RXJ_MINUS, &a);
		return 0;
	default:
		return ppp_cp_unknown_code(&s->ipcp, code, p, n);
	}
}
