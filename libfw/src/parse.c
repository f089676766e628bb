/*
 * parse.c - validation of one IPv4 packet (RFC 791) and its transport header
 * (RFC 793, RFC 768, RFC 792) and extraction of its connection key.
 * Validate first, interpret later: nothing here touches state.
 */
#include "fw_int.h"

/*
 * fw_cksum() of an option-less 20-byte IPv4 header: five 32-bit words summed
 * and folded to 16 bits with end-around carries, which gives the same
 * one's-complement sum (RFC 1071 section 2, "parallel summation").
 */
static inline uint16_t
cksum20(const uint8_t *ip)
{
	uint64_t s = (uint64_t)rd32(ip) + rd32(ip + 4) + rd32(ip + 8) +
	    rd32(ip + 12) + rd32(ip + 16);

	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * Validates the IPv4 header and, unless the packet is a later fragment, the
 * transport header; fills p (the key included).  No state is touched.
 */
int
fw_parse(struct pkt *p, uint8_t *ip, size_t len)
{
	uint16_t fo;

	/* Only what a caller may read on every path (memset costs more). */
	p->ip = ip;
	p->tot = 0;
	p->proto = 0;
	p->off = 0;
	p->mf = false;
	p->has_l4 = false;
	p->icmp_error = false;
	p->k.src = p->k.dst = 0;
	p->k.sport = p->k.dport = 0;
	p->k.proto = 0;
	p->ipsec = 0;
	p->detail = 0;
	p->learn = 0;
	p->tcp_seq = p->tcp_ack = 0;
	p->tcp_len = p->tcp_doff = 0;
	if (len < 20)
		return FW_E_TRUNCATED;
	if ((ip[0] >> 4) != 4)
		return FW_E_VERSION;
	p->hl = (size_t)(ip[0] & 0x0f) * 4;
	if (p->hl < 20)
		return FW_E_BAD_IHL;
	p->tot = rd16(ip + 2);
	if (p->hl > len)
		return FW_E_TRUNCATED;
	if (p->tot < p->hl || p->tot > len)
		return FW_E_BAD_LENGTH;
	if ((p->hl == 20 ? cksum20(ip) : fw_cksum(ip, p->hl)) != 0)
		return FW_E_BAD_CHECKSUM;
	p->ipid = rd16(ip + 4);
	fo = rd16(ip + 6);
	p->off = (size_t)(fo & IP_OFFMASK) * 8;
	p->mf = (fo & IP_MF) != 0;
	p->proto = ip[9];
	p->k.src = rd32(ip + 12);
	p->k.dst = rd32(ip + 16);
	p->k.proto = p->proto;
	if (p->hl > 20)
		return FW_E_IP_OPTIONS;
	if (p->off != 0) {
		/* The datagram would reassemble past 65535 bytes. */
		if (p->off + p->tot - p->hl > 65535)
			return FW_E_BAD_LENGTH;
		return 0;
	}
	p->has_l4 = true;
	p->l4 = ip + p->hl;
	p->l4len = p->tot - p->hl;
	switch (p->proto) {
	case FW_PROTO_TCP:
		if (p->l4len < 20)
			return p->mf ? FW_E_FRAG_TINY : FW_E_TRUNCATED;
		if ((size_t)(p->l4[12] >> 4) * 4 < 20)
			return FW_E_BAD_TCP_OFFSET;
		if ((size_t)(p->l4[12] >> 4) * 4 > p->l4len)
			return p->mf ? FW_E_FRAG_TINY : FW_E_BAD_TCP_OFFSET;
		p->k.sport = rd16(p->l4);
		p->k.dport = rd16(p->l4 + 2);
		p->tcp_seq = rd32(p->l4 + 4);
		p->tcp_ack = rd32(p->l4 + 8);
		p->tcp_doff = (uint32_t)(p->l4[12] >> 4) * 4;
		p->tcp_len = (uint32_t)p->l4len - p->tcp_doff;
		p->tcpflags = p->l4[13];
		if ((p->tcpflags & (TH_SYN | TH_FIN | TH_RST | TH_ACK)) == 0 ||
		    ((p->tcpflags & TH_SYN) &&
		    (p->tcpflags & (TH_FIN | TH_RST))) ||
		    ((p->tcpflags & TH_FIN) && !(p->tcpflags & TH_ACK)))
			return FW_E_TCP_FLAGS;
		break;
	case FW_PROTO_UDP:
		if (p->l4len < 8)
			return p->mf ? FW_E_FRAG_TINY : FW_E_TRUNCATED;
		if (rd16(p->l4 + 4) < 8 ||
		    (!p->mf && rd16(p->l4 + 4) > p->l4len))
			return FW_E_BAD_LENGTH;
		p->k.sport = rd16(p->l4);
		p->k.dport = rd16(p->l4 + 2);
		break;
	case FW_PROTO_ICMP:
		if (p->l4len < 8)
			return p->mf ? FW_E_FRAG_TINY : FW_E_TRUNCATED;
		p->icmp_type = p->l4[0];
		if (fw_icmp_is_query(p->icmp_type)) {
			/* The identifier is the "port" of the querier. */
			if (fw_icmp_is_request(p->icmp_type))
				p->k.sport = rd16(p->l4 + 4);
			else
				p->k.dport = rd16(p->l4 + 4);
		} else if (fw_icmp_is_error(p->icmp_type)) {
			if (p->mf)
				return FW_E_ICMP_BAD_INNER;
			p->icmp_error = true;
		} else {
			return FW_E_UNSUPPORTED;
		}
		break;
	default:
		break;
	}
	return 0;
}
