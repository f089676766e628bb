/*
 * conntrack.c - connection tracking: the TCP state machine of an existing
 * connection with the sequence numbers each side has sent and acknowledged
 * (enough to accept an RST only inside the window, RFC 5961), and the
 * admission of a new connection (rules, policy, quotas, NAT, insertion).
 * Timeouts per state are fw_flow_timeout() in fw_int.h (inline: every
 * packet refreshes one).
 */
#include "fw_int.h"

/* Sequence-space arithmetic, modulo 2^32 (RFC 9293 section 3.4). */
static inline bool
seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return (uint32_t)(x - lo) <= (uint32_t)(hi - lo);
}

static inline bool
seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * A SYN (or SYN+ACK) of side d: its ISN is seq, its SND.NXT seq + 1 + the
 * data it carries; the other side has acknowledged nothing of it yet, which
 * seq_ack[1 - d] = ISN expresses (the lower edge of d's window, and the
 * bound an ACK of the SYN must be above).
 */
static inline void
syn_init(struct flow *f, int d, const struct pkt *p)
{
	f->seq_end[d] = p->tcp_seq + 1 + p->tcp_len;
	f->seq_ack[1 - d] = p->tcp_seq;
	if (d == 1)
		f->xflags |= FX_SEQ1;
}

/* True if p acknowledges side s's SYN: ISN(s) < ack <= SND.NXT(s).  While
 * the other side has sent no plain ACK, seq_ack[1 - s] is ISN(s). */
static inline bool
acks_syn(const struct flow *f, int s, const struct pkt *p)
{
	return seq_after(p->tcp_ack, f->seq_ack[1 - s]) &&
	    !seq_after(p->tcp_ack, f->seq_end[s]);
}

/*
 * An RST of side d.  RFC 5961 section 3.2 seen from the middle: the
 * receiver's RCV.NXT lies between its last acknowledgement (seq_ack[1 - d])
 * and the sender's SND.NXT (seq_end[d]); an RST outside is refused, one at
 * either edge closes the connection, one strictly inside passes without
 * closing it (the receiver answers it with a challenge ACK, which must
 * still pass, section 9.3).  In SYN-SENT the responder has no sequence
 * numbers yet: its RST counts only if it acknowledges the SYN (RFC 9293
 * section 3.10.7.3).  Returns 0 or FW_E_TCP_WINDOW (p->detail = the
 * window for the log).
 */
static int
tcp_rst(struct fw_ctx *ctx, struct flow *f, int d, struct pkt *p)
{
	uint32_t lo, hi, s = p->tcp_seq;

	if (d == 1 && !(f->xflags & FX_SEQ1)) {
		if ((p->tcpflags & TH_ACK) && acks_syn(f, 0, p)) {
			f->state = FW_TCP_CLOSED;
			return 0;
		}
		p->detail = ((uint64_t)(f->seq_ack[1] + 1) << 32) |
		    f->seq_end[0];
		return FW_E_TCP_WINDOW;
	}
	lo = f->seq_ack[1 - d];
	hi = f->seq_end[d];
	if (!seq_in(s, lo, hi)) {
		p->detail = ((uint64_t)lo << 32) | hi;
		return FW_E_TCP_WINDOW;
	}
	if (s != lo && s != hi) {
		ctx->st.tcp_rst_inexact++;
		return 0;
	}
	f->state = FW_TCP_CLOSED;
	return 0;
}

/*
 * The sequence numbers of a synchronized segment of side d (no SYN, no
 * RST).  Only a segment starting inside [seq_ack[1 - d], seq_end[d]] counts
 * (contiguous with what side d sent, not before what the receiver
 * acknowledged): a blind attacker must hit that range, one value on an idle
 * connection, to move anything.  Such a segment advances seq_end[d], and
 * its acknowledgement counts when it advances and does not go beyond what
 * the other side sent.  Returns true when the segment counted (its FIN
 * then counts too); others pass unnoticed (retransmissions, keepalives).
 */
static inline bool
tcp_advance(struct flow *f, int d, const struct pkt *p)
{
	uint32_t end;

	if (!seq_in(p->tcp_seq, f->seq_ack[1 - d], f->seq_end[d]))
		return false;
	if ((p->tcpflags & TH_ACK) && (d == 1 || (f->xflags & FX_SEQ1)) &&
	    seq_after(p->tcp_ack, f->seq_ack[d]) &&
	    !seq_after(p->tcp_ack, f->seq_end[1 - d]))
		f->seq_ack[d] = p->tcp_ack;
	end = p->tcp_seq + p->tcp_len + ((p->tcpflags & TH_FIN) ? 1 : 0);
	if (seq_after(end, f->seq_end[d]))
		f->seq_end[d] = end;
	return true;
}

/*
 * The last fragment of a fragmented TCP segment of side d starting at seq
 * ends at end: the first fragment counted only its own bytes.
 */
void
fw_tcp_frag_end(struct flow *f, int d, uint32_t seq, uint32_t end)
{
	if (seq_in(seq, f->seq_ack[1 - d], f->seq_end[d]) &&
	    seq_after(end, f->seq_end[d]))
		f->seq_end[d] = end;
}

/*
 * TCP connection tracking for a segment of direction d on an existing flow
 * (RFC 9293 section 3.3.2 as seen from the middle, with the sequence checks
 * above).  Returns 0, FW_E_TCP_STATE or FW_E_TCP_WINDOW; a refused segment
 * changes nothing.
 */
int
fw_tcp_track(struct fw_ctx *ctx, struct flow *f, int d, struct pkt *p)
{
	uint8_t fl = p->tcpflags;

	if (fl & TH_RST)
		return tcp_rst(ctx, f, d, p);
	if ((fl & TH_SYN) && !(fl & TH_ACK)) {
		if (d == 0) {
			if (f->state == FW_TCP_CLOSED ||
			    f->state == FW_TCP_TIME_WAIT) {
				/* Reopened with the same tuple. */
				f->state = FW_TCP_SYN_SENT;
				f->xflags &= (uint8_t)~(FX_FINS | FX_SEQ1);
				f->flags &= (uint8_t)~(FL_SIMOPEN | FL_ASSURED);
				syn_init(f, 0, p);
				return 0;
			}
			if (f->state == FW_TCP_SYN_SENT) {
				/* A retransmission, or a new ISN the
				 * responder will acknowledge instead. */
				syn_init(f, 0, p);
				return 0;
			}
			return f->state == FW_TCP_SYN_RECV ? 0 : FW_E_TCP_STATE;
		}
		if (f->state == FW_TCP_SYN_SENT) {
			/* Simultaneous open. */
			f->state = FW_TCP_SYN_RECV;
			f->flags |= FL_SIMOPEN;
			syn_init(f, 1, p);
			return 0;
		}
		return FW_E_TCP_STATE;
	}
	if (fl & TH_SYN) {
		/* SYN+ACK: only the responder, before establishment; both
		 * ends after a simultaneous open (RFC 793 figure 8).  It
		 * must acknowledge the other side's SYN. */
		if (d == 1 && (f->state == FW_TCP_SYN_SENT ||
		    f->state == FW_TCP_SYN_RECV)) {
			if (!acks_syn(f, 0, p))
				goto window;
			f->state = FW_TCP_SYN_RECV;
			syn_init(f, 1, p);
			return 0;
		}
		if (d == 0 && f->state == FW_TCP_SYN_RECV &&
		    (f->flags & FL_SIMOPEN))
			return acks_syn(f, 1, p) ? 0 : FW_E_TCP_WINDOW;
		return FW_E_TCP_STATE;
	}
	switch (f->state) {
	case FW_TCP_SYN_SENT:
	case FW_TCP_CLOSED:
		return FW_E_TCP_STATE;
	case FW_TCP_SYN_RECV:
		if (d == 0) {
			/* The ACK completing the handshake acknowledges the
			 * responder's SYN (a blind one cannot confirm). */
			if (!acks_syn(f, 1, p))
				goto window;
			f->state = FW_TCP_ESTABLISHED;
			f->flags |= FL_ASSURED;
		}
		break;
	default:
		break;
	}
	if (tcp_advance(f, d, p) && (fl & TH_FIN)) {
		f->xflags |= (uint8_t)(1u << d);
		f->state = (f->xflags & FX_FINS) == FX_FINS ?
		    FW_TCP_TIME_WAIT : FW_TCP_FIN_WAIT;
	}
	return 0;
window:
	p->detail = ((uint64_t)(f->seq_ack[d] + 1) << 32) | f->seq_end[1 - d];
	return FW_E_TCP_WINDOW;
}

/*
 * The quotas of a new connection from an untrusted origin (trust) that r
 * admitted (NULL: none): its source's, then r's, which may first evict one
 * of r's unconfirmed connections.  Out of line: only untrusted origins pay.
 * Returns 0, FW_E_SOURCE_QUOTA or FW_E_RULE_QUOTA.
 */
static __attribute__((noinline)) int
untrusted_quotas(struct fw_ctx *ctx, uint64_t now, struct pkt *p,
    struct rule *r, unsigned trust, struct fw_verdict *v)
{
	if (fw_srctab_get(ctx, &ctx->srcq, fw_quota_key(ctx, p->k.src,
	    r != NULL && r->c.encap_ipsec ? p->ipsec : 0)) >=
	    ctx->cfg.max_flows_per_source) {
		p->detail = ctx->cfg.max_flows_per_source;
		return FW_E_SOURCE_QUOTA;
	}
	if (r != NULL && r->live >= r->quota && !fw_evict(ctx, now, trust, r)) {
		v->rule = r->c.number;
		p->detail = r->quota;
		return FW_E_RULE_QUOTA;
	}
	return 0;
}

/*
 * A connection f just opened from the private side while encap=ipsec rules
 * exist (process.c calls this right after fw_conn_new): FL_IPSEC_R when
 * such an allow rule would admit its reply tuple entering through its
 * out_if (fw.h, "IPsec").
 */
__attribute__((noinline, cold)) void
fw_reply_ipsec(struct fw_ctx *ctx, struct flow *f)
{
	struct key k;

	k.src = f->addr[1][0];
	k.dst = f->addr[1][1];
	k.sport = f->port[1][0];
	k.dport = f->port[1][1];
	k.proto = f->proto;
	if (fw_rule_wants_ipsec(ctx, &k, f->out_if))
		f->flags |= FL_IPSEC_R;
}

/* The trust of the interface a connection is opened from. */
static inline unsigned
trust_of(const struct fw_ctx *ctx, uint16_t in_if, uint8_t in_type)
{
	if (in_type == FW_IF_PUBLIC)
		return TRUST_PUBLIC;
	return ctx->ifs[in_if].dynamic ? TRUST_DYNAMIC : TRUST_PRIVATE;
}

/*
 * A packet that matches no connection (h = fw_hash_key of its key): rules
 * by number, then the policy; the quotas of an untrusted origin (fw.h); NAT
 * decides the reply tuple; the connection is inserted with direction 0 =
 * this packet.  Returns 0 with *out set, or the drop reason (v->rule set
 * when a rule decided).  Nothing changes on a refusal except a deny rule's
 * hit counter, the removal of a stale expired flow and an eviction for a
 * rule at its quota.
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
	unsigned trust;
	uint8_t xflags;
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
	trust = trust_of(ctx, in_if, in_type);
	if (trust != TRUST_PRIVATE &&
	    (rc = untrusted_quotas(ctx, now, p, r, trust, v)) != 0)
		return rc;
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
	xflags = (uint8_t)(trust << FX_TRUST_SHIFT);
	if (out_if == FW_IF_LOCAL && (rp.fflags & FL_REVERSE))
		/* Translated to a host the caller routes to afterwards. */
		xflags |= FX_LEARN_OUT;
	rc = fw_flow_insert(ctx, now, &p->k, h, &rp.k, rp.h, in_if, out_if,
	    rp.fflags, xflags, &f);
	if (rc != 0) {
		if (ctx->st.drops[-rc] == 0)
			fw_log(ctx, FW_LOG_WARN, "fw: connection table full "
			    "(%u flows), new connections refused",
			    ctx->cfg.max_flows);
		return rc;
	}
	if (trust != TRUST_PRIVATE &&
	    fw_srctab_inc(ctx, &ctx->srcq, fw_quota_key(ctx, p->k.src,
	    r != NULL && r->c.encap_ipsec ? p->ipsec : 0)))
		f->xflags |= FX_SRCQ;
	if (p->proto == FW_PROTO_TCP) {
		f->state = FW_TCP_SYN_SENT;
		syn_init(f, 0, p);
	}
	if (r != NULL) {
		r->hits++;
		ctx->frule[f - ctx->flows] = r->c.number;
		if (trust != TRUST_PRIVATE) {
			r->live++;
			f->xflags |= FX_RULEQ;
		}
		if (r->c.encap_ipsec) {
			/* The peer that opened it; fw_ipsec_check(). */
			f->flags |= FL_IPSEC;
			ctx->ftag[f - ctx->flows] = p->ipsec;
		}
		v->rule = r->c.number;
	}
	v->new_flow = true;
	*out = f;
	return 0;
}
