/*
 * lcp.c - LCP (RFC 1661 §5, §6): options MRU, ACCM, Authentication-Protocol,
 * Magic-Number, PFC, ACFC; Terminate, Code-/Protocol-Reject, Echo, Discard.
 */
#include <string.h>

#include "ppp_int.h"

#define LCP_MRU		1
#define LCP_ACCM	2
#define LCP_AUTH	3
#define LCP_MAGIC	5
#define LCP_PFC		7
#define LCP_ACFC	8

#define CHAP_ALG_MD5	5
#define CHAP_ALG_MSV2	0x81

static uint8_t
auth_wire(uint8_t method, uint8_t *opt)
{
	opt[0] = LCP_AUTH;
	switch (method) {
	case PPP_AUTH_PAP:
		opt[1] = 4;
		put16(opt + 2, PROTO_PAP);
		return 4;
	case PPP_AUTH_CHAP_MD5:
		opt[1] = 5;
		put16(opt + 2, PROTO_CHAP);
		opt[4] = CHAP_ALG_MD5;
		return 5;
	default:
		opt[1] = 5;
		put16(opt + 2, PROTO_CHAP);
		opt[4] = CHAP_ALG_MSV2;
		return 5;
	}
}

/* Method named by an Authentication-Protocol option, 0 if unsupported. */
static uint8_t
auth_method(const uint8_t *opt)
{
	uint16_t proto = get16(opt + 2);

	if (proto == PROTO_PAP && opt[1] == 4)
		return PPP_AUTH_PAP;
	if (proto == PROTO_CHAP && opt[1] == 5 && opt[4] == CHAP_ALG_MD5)
		return PPP_AUTH_CHAP_MD5;
	if (proto == PROTO_CHAP && opt[1] == 5 && opt[4] == CHAP_ALG_MSV2)
		return PPP_AUTH_MSCHAPV2;
	return 0;
}

/* Client: whether we authenticate with method m (0: none asked). */
static bool
client_accepts(struct ppp_session *s, uint8_t m)
{
	size_t i;

	for (i = 0; i < s->n_auth; i++)
		if (s->auth_list[i] == m)
			return true;
	return false;
}

static size_t
lcp_build_req(struct fsm *f, uint8_t *buf, size_t cap)
{
	struct ppp_session *s = f->sess;
	size_t n = 0;

	(void)cap;	/* at most 4 + 5 + 6 bytes, cap is 64 */
	if (s->req_mru) {
		buf[n++] = LCP_MRU;
		buf[n++] = 4;
		put16(buf + n, s->local_mru);
		n += 2;
	}
	if (s->req_auth)
		n += auth_wire(s->auth_list[s->auth_idx], buf + n);
	if (s->req_magic) {
		buf[n++] = LCP_MAGIC;
		buf[n++] = 6;
		put32(buf + n, s->magic);
		n += 4;
	}
	return n;
}

static void
lcp_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *d,
    size_t len)
{
	ppp_sess_send(f->sess, PROTO_LCP, code, id, d, len);
}

static void
lcp_tlu(struct fsm *f)
{
	struct ppp_session *s = f->sess;
	struct ppp_ctx *ctx = s->ctx;

	ctx->stats.sessions_up++;
	ppp_log(ctx, PPP_LOG_INFO, "ppp: LCP opened (peer MRU %u)",
	    (unsigned)s->peer_mru);
	ppp_sess_event(s, PPP_EV_LINK_UP);
	if (s->echo_interval_ns > 0)
		s->echo_timer = s->now + s->echo_interval_ns;
	s->echo_misses = 0;
	s->phase = PH_AUTH;
	ppp_auth_start(s);
}

static void
lcp_tld(struct fsm *f)
{
	struct ppp_session *s = f->sess;

	/* RFC 1661 §3.2: back to Link Establishment; the NCPs get Down
	 * (and Up again when the network phase is re-entered). */
	s->ipcp.now = s->now;
	ppp_fsm_event(&s->ipcp, EV_DOWN, NULL);
	s->ip_up_reported = 0;
	s->echo_timer = s->auth_timer = s->rechallenge_timer = UINT64_MAX;
	/* The application still owes an answer to a pending request; it
	 * must not be taken for the answer to the next round's. */
	if (s->auth_state == AU_PENDING)
		s->stale_reply = 1;
	s->auth_state = AU_IDLE;
	if (s->phase != PH_TERMINATE)
		s->phase = PH_ESTABLISH;
}

static void
lcp_tls(struct fsm *f)
{
	(void)f;
}

static void
lcp_tlf(struct fsm *f)
{
	struct ppp_session *s = f->sess;

	ppp_sess_link_down(s, s->lcp.rcr > 0 || s->lcp.state == ST_STOPPED ?
	    PPP_DOWN_NEGOTIATION_FAILED : PPP_DOWN_PEER_TERMINATED);
}

const struct fsm_ops ppp_lcp_ops = {
	"LCP", lcp_tlu, lcp_tld, lcp_tls, lcp_tlf, lcp_build_req, lcp_send
};

/* Commits what the peer asked for in the request we Ack. */
static void
lcp_commit(struct ppp_session *s, const uint8_t *p, size_t n)
{
	size_t off;

	s->peer_mru = 1500;
	s->peer_auth = 0;
	for (off = 0; off < n; off += p[off + 1]) {
		if (p[off] == LCP_MRU && get16(p + off + 2) < 1500)
			s->peer_mru = get16(p + off + 2);
		else if (p[off] == LCP_MAGIC)
			s->peer_magic = get32(p + off + 2);
		else if (p[off] == LCP_AUTH)
			s->peer_auth = auth_method(p + off);
	}
}

/* RFC 1661 §5.1: decide Ack/Nak/Reject for each option of a request. */
static int
rcv_confreq(struct ppp_session *s, uint8_t id, const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	struct cp_reply r;
	size_t off;
	uint8_t o[8];
	int rc;

	if ((rc = ppp_opts_validate(s, "LCP", p, n)) != 0)
		return rc;
	if ((rc = ppp_fsm_count_rcv(&s->lcp)) != 0)
		return rc;
	ppp_cp_reply_init(&r);
	for (off = 0; off < n; off += p[off + 1]) {
		const uint8_t *opt = p + off;
		uint8_t t = opt[0], l = opt[1];
		uint32_t v;

		switch (t) {
		case LCP_MRU:
			if (l != 4)
				goto badlen;
			if (get16(opt + 2) < 128) {
				o[0] = LCP_MRU;
				o[1] = 4;
				put16(o + 2, 1500);
				ppp_cp_nak(&r, opt, o, 4);
			}
			break;
		case LCP_ACCM:
			/* Synchronous link: accepted and ignored. */
			if (l != 6)
				goto badlen;
			break;
		case LCP_AUTH:
			if (l < 4)
				goto badlen;
			if (s->role == PPP_ROLE_SERVER) {
				ppp_cp_rej(&r, opt);
				break;
			}
			if (client_accepts(s, auth_method(opt)))
				break;
			/* Suggest our preferred method; with none to
			 * offer, refuse to authenticate. */
			if (s->n_auth > 0)
				ppp_cp_nak(&r, opt, o,
				    auth_wire(s->auth_list[0], o));
			else
				ppp_cp_rej(&r, opt);
			break;
		case LCP_MAGIC:
			if (l != 6)
				goto badlen;
			v = get32(opt + 2);
			if (v == 0 || (s->req_magic && v == s->magic)) {
				/* RFC 1661 §6.4: probably a looped link. */
				if (v != 0 && ++s->loopback_hits >
				    ctx->cfg.max_failure) {
					rc = ppp_bad(ctx, &ctx->stats.loopback,
					    PPP_E_LOOPBACK, "ppp: magic "
					    "0x%08x seen %u times: looped back",
					    v, (unsigned)s->loopback_hits);
					ppp_sess_link_down(s, PPP_DOWN_LOOPBACK);
					ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
					return rc;
				}
				if ((rc = ppp_random(ctx, &v, sizeof(v))) != 0)
					return rc;
				s->magic = v ^ 0x5a5a5a5a;
				if (s->magic == 0)
					s->magic = 1;
				o[0] = LCP_MAGIC;
				o[1] = 6;
				put32(o + 2, v | 1);
				ppp_cp_nak(&r, opt, o, 6);
			}
			break;
		case LCP_PFC:
		case LCP_ACFC:
			if (l != 2)
				goto badlen;
			break;
		default:
			ppp_cp_rej(&r, opt);
			break;
		}
	}
	ppp_cp_reply_send(&s->lcp, &r, id, p, n, lcp_commit);
	return 0;
badlen:
	return ppp_bad(ctx, &ctx->stats.bad_option, PPP_E_BAD_OPTION,
	    "ppp: LCP option %u has length %u", p[off], p[off + 1]);
}

/* Index of method m in the server's list, -1 if absent. */
static int
server_method_index(struct ppp_session *s, uint8_t m)
{
	size_t i;

	for (i = 0; i < s->n_auth; i++)
		if (s->auth_list[i] == m)
			return (int)i;
	return -1;
}

static int
no_common_auth(struct ppp_session *s)
{
	int rc;

	rc = ppp_bad(s->ctx, &s->ctx->stats.bad_option, PPP_E_AUTH,
	    "ppp: peer refuses every configured authentication method");
	ppp_sess_link_down(s, PPP_DOWN_NO_COMMON_AUTH);
	ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
	return rc;
}

static int
rcv_confnakrej(struct ppp_session *s, uint8_t code, uint8_t id,
    const uint8_t *p, size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	size_t off;
	int rc, idx;

	if ((rc = ppp_cp_check_id(&s->lcp, id, code == CODE_CONFNAK ?
	    "Configure-Nak" : "Configure-Reject")) != 0)
		return rc;
	if ((rc = ppp_opts_validate(s, "LCP", p, n)) != 0)
		return rc;
	if ((rc = ppp_fsm_count_rcv(&s->lcp)) != 0)
		return rc;
	for (off = 0; off < n; off += p[off + 1]) {
		const uint8_t *opt = p + off;
		uint32_t v;

		switch (opt[0]) {
		case LCP_MRU:
			if (code == CODE_CONFREJ || opt[1] != 4 ||
			    get16(opt + 2) < 128 ||
			    get16(opt + 2) > s->cfg_mru)
				s->req_mru = 0;
			else
				s->local_mru = get16(opt + 2);
			break;
		case LCP_AUTH:
			if (s->role != PPP_ROLE_SERVER || !s->req_auth)
				break;
			if (code == CODE_CONFREJ)
				return no_common_auth(s);
			idx = opt[1] >= 4 ?
			    server_method_index(s, auth_method(opt)) : -1;
			/* Only ever move forward in our list, so a peer
			 * cannot make us cycle between methods. */
			if (idx < 0 || idx <= s->auth_idx) {
				idx = s->auth_idx + 1;
				if (idx >= s->n_auth)
					return no_common_auth(s);
			}
			s->auth_idx = (uint8_t)idx;
			break;
		case LCP_MAGIC:
			if (code == CODE_CONFREJ) {
				s->req_magic = 0;
				break;
			}
			if ((rc = ppp_random(ctx, &v, sizeof(v))) != 0)
				return rc;
			s->magic = v != 0 ? v : 1;
			break;
		default:
			/* An option we never sent: ignore it. */
			break;
		}
	}
	ppp_fsm_event(&s->lcp, EV_RCN, NULL);
	return 0;
}

static int
rcv_echo(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t m[4];
	uint32_t v;

	if (s->lcp.state != ST_OPENED)
		return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
		    "ppp: LCP Echo code %u outside Opened, dropped", code);
	if (n < 4)
		return ppp_bad(ctx, &ctx->stats.truncated, PPP_E_TRUNCATED,
		    "ppp: LCP Echo code %u of %zu bytes has no magic", code,
		    n);
	v = get32(p);
	if (v != 0 && s->req_magic && v == s->magic)
		return ppp_bad(ctx, &ctx->stats.loopback, PPP_E_LOOPBACK,
		    "ppp: LCP Echo code %u carries our magic 0x%08x", code, v);
	if (code == CODE_ECHOREP) {
		s->echo_misses = 0;
		return 0;
	}
	/* Echo-Request: at most echo_rate replies per second. */
	if (s->now - s->echo_window >= NS_PER_S || s->now < s->echo_window) {
		s->echo_window = s->now;
		s->echo_count = 0;
	}
	if (++s->echo_count > ctx->cfg.echo_rate)
		return ppp_bad(ctx, &ctx->stats.rate_limited,
		    PPP_E_RATE_LIMITED, "ppp: Echo flood, %u requests in one "
		    "second", (unsigned)s->echo_count);
	put32(m, s->req_magic ? s->magic : 0);
	{
		uint8_t h[8];
		size_t dl = n - 4, max = s->peer_mru - 8u;

		if (dl > max)
			dl = max;
		h[0] = CODE_ECHOREP;
		h[1] = id;
		put16(h + 2, (uint16_t)(dl + 8));
		memcpy(h + 4, m, 4);
		return ppp_sess_send_raw(s, PROTO_LCP, h, 8, p + 4, dl);
	}
}

int
ppp_lcp_input(struct ppp_session *s, uint8_t code, uint8_t id, const uint8_t *p,
    size_t n)
{
	struct ppp_ctx *ctx = s->ctx;
	struct fsm_arg a;
	uint16_t proto;

	memset(&a, 0, sizeof(a));
	a.id = id;
	switch (code) {
	case CODE_CONFREQ:
		return rcv_confreq(s, id, p, n);
	case CODE_CONFACK:
		return ppp_cp_rcv_ack(&s->lcp, id, p, n);
	case CODE_CONFNAK:
	case CODE_CONFREJ:
		return rcv_confnakrej(s, code, id, p, n);
	case CODE_TERMREQ:
		if (s->lcp.state == ST_OPENED)
			ppp_sess_link_down(s, PPP_DOWN_PEER_TERMINATED);
		ppp_fsm_event(&s->lcp, EV_RTR, &a);
		return 0;
	case CODE_TERMACK:
		ppp_fsm_event(&s->lcp, EV_RTA, &a);
		return 0;
	case CODE_CODEREJ:
		if (n < 1)
			return ppp_bad(ctx, &ctx->stats.truncated,
			    PPP_E_TRUNCATED, "ppp: empty LCP Code-Reject");
		/* RFC 1661 §5.6: rejecting a code we need is fatal. */
		if (p[0] >= CODE_CONFREQ && p[0] <= CODE_CODEREJ) {
			ppp_sess_link_down(s, PPP_DOWN_PROTOCOL_REJECTED);
			ppp_fsm_event(&s->lcp, EV_RXJ_MINUS, &a);
		} else {
			if (p[0] == CODE_ECHOREQ)
				s->echo_timer = UINT64_MAX;
			ppp_fsm_event(&s->lcp, EV_RXJ_PLUS, &a);
		}
		return 0;
	case CODE_PROTREJ:
		if (n < 2)
			return ppp_bad(ctx, &ctx->stats.truncated,
			    PPP_E_TRUNCATED, "ppp: LCP Protocol-Reject of %zu "
			    "bytes", n);
		if (s->lcp.state != ST_OPENED)
			return ppp_bad(ctx, &ctx->stats.late, PPP_E_LATE,
			    "ppp: Protocol-Reject outside Opened, dropped");
		proto = get16(p);
		ppp_log(ctx, PPP_LOG_INFO, "ppp: peer rejected protocol 0x%04x",
		    proto);
		if (proto == PROTO_LCP || proto == PROTO_PAP ||
		    proto == PROTO_CHAP || proto == PROTO_IPCP) {
			/* Nothing useful is left on this link. */
			ppp_sess_link_down(s, PPP_DOWN_PROTOCOL_REJECTED);
			if (proto == PROTO_IPCP)
				ppp_fsm_event(&s->ipcp, EV_RXJ_MINUS, &a);
			ppp_fsm_event(&s->lcp, proto == PROTO_LCP ? EV_RXJ_MINUS :
			    EV_CLOSE, &a);
		} else
			ppp_fsm_event(&s->lcp, EV_RXJ_PLUS, &a);
		return 0;
	case CODE_ECHOREQ:
	case CODE_ECHOREP:
		return rcv_echo(s, code, id, p, n);
	case CODE_DISCREQ:
		ctx->stats.discard++;
		return 0;
	default:
		return ppp_cp_unknown_code(&s->lcp, code, p, n);
	}
}

/* Keepalive (RFC 1661 §5.8): Echo-Request every interval, dead after M. */
void
ppp_lcp_echo_timer(struct ppp_session *s)
{
	struct ppp_ctx *ctx = s->ctx;
	uint8_t m[4];

	if (s->lcp.state != ST_OPENED || s->down_reported)
		return;
	if (s->echo_misses >= s->echo_max_misses) {
		ppp_bad(ctx, &ctx->stats.echo_timeout, PPP_E_STATE,
		    "ppp: %u LCP Echo-Requests unanswered, peer is dead",
		    (unsigned)s->echo_misses);
		ppp_sess_link_down(s, PPP_DOWN_ECHO_TIMEOUT);
		ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
		return;
	}
	put32(m, s->req_magic ? s->magic : 0);
	ppp_sess_send(s, PROTO_LCP, CODE_ECHOREQ, ++s->echo_id, m, sizeof(m));
	s->echo_misses++;
	s->echo_timer = s->now + s->echo_interval_ns;
}
