/*
 * parse.c - validation of one IPv4 packet (RFC 791) and its transport header
 * (RFC 793, RFC 768, RFC 792), key extraction, and the unvalidated key peek
 * of fw_process_burst's prefetcher.  Validate first, interpret later: nothing
 * here touches state.
 */
#include <string.h>

#include "fw_int.h"

/* fw_cksum() of an option-less 20-byte IPv4 header, unrolled. */
static inline uint16_t
cksum20(const uint8_t *ip)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		s += rd16(ip + i);
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

	memset(p, 0, sizeof(*p));
	p->ip = ip;
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

/* Sources nobody may send from: 0/8's 0, loopback, multicast, broadcast. */
bool
fw_bad_source(uint32_t a)
{
	return a == 0 || (a >> 24) == 127 || (a >> 28) == 0xe ||
	    a == 0xffffffffu;
}

/*
 * Peeks at the key of a plain (unfragmented, option-less) TCP/UDP/ICMP query
 * packet without validating it; false when there is nothing to prefetch.
 */
bool
fw_peek_key(const uint8_t *ip, size_t len, struct key *k)
{
	if (len < 28 || ip[0] != 0x45 || (rd16(ip + 6) & IP_OFFMASK) != 0)
		return false;
	memset(k, 0, sizeof(*k));
	k->proto = ip[9];
	k->src = rd32(ip + 12);
	k->dst = rd32(ip + 16);
	switch (k->proto) {
	case FW_PROTO_TCP:
	case FW_PROTO_UDP:
		k->sport = rd16(ip + 20);
		k->dport = rd16(ip + 22);
		return true;
	case FW_PROTO_ICMP:
		if (fw_icmp_is_request(ip[20]))
			k->sport = rd16(ip + 24);
		else if (fw_icmp_is_query(ip[20]))
			k->dport = rd16(ip + 24);
		else
			return false;
		return true;
	default:
		return false;
	}
}
