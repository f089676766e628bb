/*
 * icmp.c - ICMP errors (RFC 792, RFC 1812 section 4.3.2.3) about tracked
 * connections: the quoted packet names the connection; through NAT the
 * quote, the outer destination and (when the error comes from the remote
 * endpoint itself) the outer source are translated back (RFC 5508
 * section 3, RFC 3022 section 4.3).
 */
#include <string.h>

#include "fw_int.h"

/*
 * The embedded header is the offending packet as it left us.  Its swapped
 * tuple names the connection and the direction e the error travels, which
 * fixes the interface it must enter through (in_if, of type in_type); when
 * translated, the embedded header is rewritten back to t[1 - e] (what the
 * host sent), the outer destination to that host, and the outer source too
 * when the error comes from the remote endpoint itself.  Returns 0 (passed,
 * v->translated set when rewritten) or the drop reason; nothing is written
 * before every check passed.
 */
int
fw_icmp_error(struct fw_ctx *ctx, uint64_t now, struct pkt *p,
    uint16_t in_if, uint8_t in_type, struct fw_verdict *v)
{
	uint8_t *in = p->l4 + 8, *il4;
	size_t inlen = p->l4len - 8, ihl, il4len;
	struct key ik, sk;
	struct flow *f;
	int e, r, rc;
	uint8_t itype = 0;

	if (inlen < 20 || (in[0] >> 4) != 4 || (in[0] & 0x0f) < 5)
		return FW_E_ICMP_BAD_INNER;
	ihl = (size_t)(in[0] & 0x0f) * 4;
	if (ihl + 8 > inlen || (rd16(in + 6) & IP_OFFMASK) != 0)
		return FW_E_ICMP_BAD_INNER;
	il4 = in + ihl;
	il4len = inlen - ihl;
	memset(&ik, 0, sizeof(ik));
	ik.src = rd32(in + 12);
	ik.dst = rd32(in + 16);
	ik.proto = in[9];
	switch (ik.proto) {
	case FW_PROTO_TCP:
	case FW_PROTO_UDP:
		ik.sport = rd16(il4);
		ik.dport = rd16(il4 + 2);
		break;
	case FW_PROTO_ICMP:
		itype = il4[0];
		if (!fw_icmp_is_query(itype))
			return FW_E_ICMP_BAD_INNER;
		if (fw_icmp_is_request(itype))
			ik.sport = rd16(il4 + 4);
		else
			ik.dport = rd16(il4 + 4);
		break;
	default:
		break;
	}
	sk.src = ik.dst;
	sk.dst = ik.src;
	sk.sport = ik.dport;
	sk.dport = ik.sport;
	sk.proto = ik.proto;
	f = fw_flow_lookup(ctx, &sk, &e);
	if (f == NULL || f->expires <= now)
		return FW_E_ICMP_NO_FLOW;
	/* The error goes back to the one who sent the offending packet. */
	if (p->k.dst != f->addr[e][1])
		return FW_E_ICMP_BAD_INNER;
	/* It travels like a packet of direction e: through that direction's
	 * interface, and through IPsec when that direction needs it. */
	if ((rc = fw_if_check(f, e, in_if, in_type, p)) != 0)
		return rc;
	if ((rc = fw_ipsec_check(ctx, f, e, p)) != 0)
		return rc;
	if (p->learn)
		fw_learn(ctx, f, p, in_if);
	if (f->flags & FL_NAT) {
		uint32_t osrc = p->k.src, nsrc = osrc, ndst;
		uint16_t c;

		r = 1 - e;
		/* Embedded header back to t[r]. */
		if (ik.proto == FW_PROTO_UDP && rd16(il4 + 6) != 0) {
			c = rd16(il4 + 6);
			c = fw_cksum_adj32(c, ik.src, f->addr[r][0]);
			c = fw_cksum_adj32(c, ik.dst, f->addr[r][1]);
			c = fw_cksum_adj16(c, ik.sport, f->port[r][0]);
			c = fw_cksum_adj16(c, ik.dport, f->port[r][1]);
			wr16(il4 + 6, c == 0 ? 0xffff : c);
		} else if (ik.proto == FW_PROTO_TCP && il4len >= 18) {
			c = rd16(il4 + 16);
			c = fw_cksum_adj32(c, ik.src, f->addr[r][0]);
			c = fw_cksum_adj32(c, ik.dst, f->addr[r][1]);
			c = fw_cksum_adj16(c, ik.sport, f->port[r][0]);
			c = fw_cksum_adj16(c, ik.dport, f->port[r][1]);
			wr16(il4 + 16, c);
		}
		if (ik.proto == FW_PROTO_TCP || ik.proto == FW_PROTO_UDP) {
			wr16(il4, f->port[r][0]);
			wr16(il4 + 2, f->port[r][1]);
		} else if (ik.proto == FW_PROTO_ICMP) {
			uint16_t nid = fw_icmp_is_request(itype) ?
			    f->port[r][0] : f->port[r][1];

			wr16(il4 + 2, fw_cksum_adj16(rd16(il4 + 2),
			    rd16(il4 + 4), nid));
			wr16(il4 + 4, nid);
		}
		wr32(in + 12, f->addr[r][0]);
		wr32(in + 16, f->addr[r][1]);
		/* The inner header checksum is recomputed in full: it may have
		 * been wrong already, and RFC 5508 asks for a consistent one. */
		wr16(in + 10, 0);
		wr16(in + 10, fw_cksum(in, ihl));
		ndst = f->addr[r][0];
		if (osrc == f->addr[e][0])
			nsrc = f->addr[r][1];
		/* ICMP checksum over the whole (changed) message. */
		wr16(p->l4 + 2, 0);
		wr16(p->l4 + 2, fw_cksum(p->l4, p->l4len));
		fw_rewrite_ip(p->ip, nsrc, ndst);
		v->translated = true;
		ctx->st.nat_translated++;
		ctx->st.icmp_errors_translated++;
	}
	return 0;
}
