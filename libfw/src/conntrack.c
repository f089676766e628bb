/*
 * conntrack.c - connection tracking: the TCP state machine of an existing
 * connection (flags only, no sequence windows) and the admission of a new
 * connection (rules, policy, NAT, insertion).  Timeouts per state are
 * fw_flow_timeout() in fw_int.h (inline: every packet refreshes one).
 */
#include "fw_int.h"

/*
 * TCP connection tracking for a segment of direction d on an existing flow
 * (RFC 793 section 3.4, without sequence-window checks).  Returns 0 or
 * FW_E_TCP_STATE.
 */
int
fw_tcp_track(struct flow *f, int d, uint8_t fl)
{
	if (fl & TH_RST) {
		f->state = FW_TCP_CLOSED;
		return 0;
	}
	if ((fl & TH_SYN) && !(fl & TH_ACK)) {
		if (d == 0) {
			if (f->state == FW_TCP_CLOSED ||
			    f->state == FW_TCP_TIME_WAIT) {
				/* Reopened with the same tuple. */
				f->state = FW_TCP_SYN_SENT;
				f->fins = 0;
				f->flags &= (uint8_t)~FL_SIMOPEN;
			}
			return f->state == FW_TCP_SYN_SENT ||
			    f->state == FW_TCP_SYN_RECV ? 0 : FW_E_TCP_STATE;
		}
		if (f->state == FW_TCP_SYN_SENT) {
			/* Simultaneous open. */
			f->state = FW_TCP_SYN_RECV;
			f->flags |= FL_SIMOPEN;
			return 0;
		}
		return FW_E_TCP_STATE;
	}
	if (fl & TH_SYN) {
		/* SYN+ACK: only the responder, before establishment; both
		 * ends after a simultaneous open (RFC 793 figure 8). */
		if (d == 1 && (f->state == FW_TCP_SYN_SENT ||
		    f->state == FW_TCP_SYN_RECV)) {
			f->state = FW_TCP_SYN_RECV;
			return 0;
		}
		if (d == 0 && f->state == FW_TCP_SYN_RECV &&
		    (f->flags & FL_SIMOPEN))
			return 0;
		return FW_E_TCP_STATE;
	}
	switch (f->state) {
	case FW_TCP_SYN_SENT:
	case FW_TCP_CLOSED:
		return FW_E_TCP_STATE;
	case FW_TCP_SYN_RECV:
		if (d == 0)
			f->state = FW_TCP_ESTABLISHED;
		break;
	default:
		break;
	}
	if (fl & TH_FIN) {
		f->fins |= (uint8_t)(1u << d);
		f->state = f->fins == 3 ? FW_TCP_TIME_WAIT : FW_TCP_FIN_WAIT;
	}
	return 0;
}

/*
 * A packet that matches no connection (h = fw_hash_key of its key): rules
 * by number, then the policy; NAT decides the reply tuple; the connection is
 * inserted with direction 0 = this packet.  Returns 0 with *out set, or the drop reason (v->rule set
 * when a rule decided).  Nothing changes on a refusal except a deny rule's
 * hit counter and the removal of a stale expired flow.
 */
int
fw_conn_new(struct fw_ctx *ctx, uint64_t now, struct pkt *p, uint64_t h,
    uint16_t in_if, uint16_t out_if, uint8_t in_type, uint8_t out_type,
    struct fw_verdict *v, struct flow **out)
{
	bool need_ipsec;
	struct rule *r = fw_rule_match(ctx, p, in_if, &need_ipsec);
	struct reply rp;
	struct flow *f;
	int rc;

	if (r != NULL && r->c.action == FW_DENY) {
		r->hits++;
		v->rule = r->c.number;
		return FW_E_RULE_DENY;
	}
	if (r == NULL && in_type == FW_IF_PUBLIC)
		return need_ipsec ? FW_E_NEED_IPSEC : FW_E_POLICY;
	if (p->proto == FW_PROTO_TCP &&
	    (p->tcpflags & (TH_SYN | TH_ACK)) != TH_SYN)
		return FW_E_TCP_NO_SYN;
	if (p->proto == FW_PROTO_ICMP && !fw_icmp_is_request(p->icmp_type))
		return FW_E_ICMP_NO_FLOW;
	rc = fw_nat_setup(ctx, now, p, r, in_if, out_if, in_type, out_type,
	    &rp);
	if (rc != 0)
		return rc;
	/* The reply tuple must be free; a stale (expired) flow holding it is
	 * removed before the new one is indexed. */
	if (rp.holder != NULL && rp.holder->expires > now)
		return FW_E_NAT_EXHAUSTED;
	if (rp.holder != NULL) {
		fw_flow_remove(ctx, rp.holder);
		ctx->st.flows_expired++;
	}
	rc = fw_flow_insert(ctx, now, &p->k, h, &rp.k, rp.h, &f);
	if (rc != 0) {
		if (ctx->st.drops[-rc] == 0)
			fw_log(ctx, FW_LOG_WARN, "fw: connection table full "
			    "(%u flows), new connections refused",
			    ctx->cfg.max_flows);
		return rc;
	}
	f->flags |= rp.fflags;
	f->in_if = in_if;
	f->out_if = out_if;
	if (p->proto == FW_PROTO_TCP)
		f->state = FW_TCP_SYN_SENT;
	if (r != NULL) {
		r->hits++;
		f->rule = r->c.number;
		if (r->c.encap_ipsec) {
			/* The peer that opened it; fw_ipsec_check(). */
			f->flags |= FL_IPSEC;
			f->ipsec = p->ipsec;
		}
		v->rule = r->c.number;
	}
	v->new_flow = true;
	*out = f;
	return 0;
}
