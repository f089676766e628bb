/*
 * pkt.c - IPv4 / UDP / ICMP helpers (see pkt.h).
 */
#include <stdio.h>
#include <string.h>

#include "pkt.h"

uint32_t
pkt_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}

uint16_t
pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
pkt_ip_parse(const uint8_t *pkt, size_t len, struct pkt_ip *ip)
{
	uint16_t fo;

	if (len < PKT_IPV4_HDR || (pkt[0] >> 4) != 4)
		return -1;
	ip->hlen = (uint16_t)((pkt[0] & 0x0f) * 4);
	if (ip->hlen < PKT_IPV4_HDR || ip->hlen > len)
		return -1;
	ip->tot_len = pkt_get16(pkt + 2);
	if (ip->tot_len < ip->hlen || ip->tot_len > len)
		return -1;
	if (pkt_csum_fold(pkt_csum_add(0, pkt, ip->hlen)) != 0)
		return -1;
	ip->tos = pkt[1];
	ip->id = pkt_get16(pkt + 4);
	fo = pkt_get16(pkt + 6);
	ip->df = (fo & 0x4000) != 0;
	ip->mf = (fo & 0x2000) != 0;
	ip->frag_off = (uint16_t)((fo & 0x1fff) * 8);
	ip->ttl = pkt[8];
	ip->proto = pkt[9];
	ip->src = pkt_get32(pkt + 12);
	ip->dst = pkt_get32(pkt + 16);
	return 0;
}

void
pkt_ip_build(uint8_t *h, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t payload_len, uint8_t ttl, uint16_t id)
{
	h[0] = 0x45;
	h[1] = 0;
	pkt_put16(h + 2, (uint16_t)(PKT_IPV4_HDR + payload_len));
	pkt_put16(h + 4, id);
	pkt_put16(h + 6, 0x4000);
	h[8] = ttl;
	h[9] = proto;
	h[10] = h[11] = 0;
	pkt_put32(h + 12, src);
	pkt_put32(h + 16, dst);
	pkt_put16(h + 10, pkt_csum_fold(pkt_csum_add(0, h, PKT_IPV4_HDR)));
}

void
pkt_udp_build(uint8_t *h, uint16_t sport, uint16_t dport, uint16_t payload_len)
{
	pkt_put16(h, sport);
	pkt_put16(h + 2, dport);
	pkt_put16(h + 4, (uint16_t)(PKT_UDP_HDR + payload_len));
	h[6] = h[7] = 0;
}

static bool
bad_source(uint32_t a)
{
	return a == 0 || a == 0xffffffffu || (a >> 28) == 0xe || (a >> 24) == 127;
}

size_t
pkt_icmp_error(uint8_t *out, size_t cap, uint32_t src, uint8_t type,
    uint8_t code, uint16_t mtu, const uint8_t *orig, size_t orig_len)
{
	struct pkt_ip ip;
	size_t quote, icmp_len;
	uint8_t *icmp;

	if (cap < 576 || pkt_ip_parse(orig, orig_len, &ip) != 0)
		return 0;
	if (ip.frag_off != 0 || bad_source(ip.src))
		return 0;
	if (ip.proto == PKT_PROTO_ICMP) {
		uint8_t t;

		if (ip.tot_len < ip.hlen + 1u)
			return 0;
		t = orig[ip.hlen];
		/* Only queries (echo, timestamp, info, mask) may cause errors. */
		if (t != 8 && t != 0 && t != 13 && t != 14 && t != 15 && t != 16 &&
		    t != 17 && t != 18)
			return 0;
	}
	quote = ip.tot_len;
	if (quote > 576 - PKT_IPV4_HDR - 8)
		quote = 576 - PKT_IPV4_HDR - 8;
	icmp = out + PKT_IPV4_HDR;
	icmp[0] = type;
	icmp[1] = code;
	icmp[2] = icmp[3] = 0;
	icmp[4] = icmp[5] = 0;
	pkt_put16(icmp + 6, type == 3 && code == 4 ? mtu : 0);
	memcpy(icmp + 8, orig, quote);
	icmp_len = 8 + quote;
	pkt_put16(icmp + 2, pkt_csum_fold(pkt_csum_add(0, icmp, icmp_len)));
	pkt_ip_build(out, src, ip.src, PKT_PROTO_ICMP, (uint16_t)icmp_len, 64, 0);
	out[6] = 0;	/* ICMP errors go without DF */
	pkt_put16(out + 10, 0);
	pkt_put16(out + 10, pkt_csum_fold(pkt_csum_add(0, out, PKT_IPV4_HDR)));
	return PKT_IPV4_HDR + icmp_len;
}

int
pkt_ip_fragment(uint8_t *pkt, size_t len, size_t mtu, uint8_t *rest,
    size_t cap, size_t *frag_len, int max_frags)
{
	struct pkt_ip ip;
	size_t data, per, pos, used = 0;
	uint16_t base_off;
	int n = 0;

	if (pkt_ip_parse(pkt, len, &ip) != 0 || ip.df)
		return -1;
	if (ip.tot_len <= mtu) {
		frag_len[0] = ip.tot_len;
		return 1;
	}
	if (mtu < ip.hlen + 8u)
		return -1;
	data = ip.tot_len - ip.hlen;
	per = ((mtu - ip.hlen) / 8) * 8;
	if ((int)((data + per - 1) / per) > max_frags)
		return -1;
	base_off = ip.frag_off;
	/* Fragments after the first, built from the original bytes. */
	for (pos = per; pos < data; pos += per) {
		size_t chunk = data - pos < per ? data - pos : per;
		bool last = pos + chunk >= data;
		uint8_t *f;
		uint16_t fo;

		if (used + ip.hlen + chunk > cap)
			return -1;
		f = rest + used;
		memcpy(f, pkt, ip.hlen);
		memcpy(f + ip.hlen, pkt + ip.hlen + pos, chunk);
		pkt_put16(f + 2, (uint16_t)(ip.hlen + chunk));
		fo = (uint16_t)((base_off + pos) / 8);
		if (!last || ip.mf)
			fo |= 0x2000;
		pkt_put16(f + 6, fo);
		pkt_put16(f + 10, 0);
		pkt_put16(f + 10, pkt_csum_fold(pkt_csum_add(0, f, ip.hlen)));
		frag_len[++n] = ip.hlen + chunk;
		used += ip.hlen + chunk;
	}
	/* The first fragment, in place. */
	pkt_put16(pkt + 2, (uint16_t)(ip.hlen + per));
	pkt_put16(pkt + 6, (uint16_t)((base_off / 8) | 0x2000));
	pkt_put16(pkt + 10, 0);
	pkt_put16(pkt + 10, pkt_csum_fold(pkt_csum_add(0, pkt, ip.hlen)));
	frag_len[0] = ip.hlen + per;
	return n + 1;
}

const char *
pkt_ntoa(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
	    (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

int
pkt_aton(const char *s, uint32_t *ip)
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 ||
	    a > 255 || b > 255 || c > 255 || d > 255)
		return -1;
	*ip = a << 24 | b << 16 | c << 8 | d;
	return 0;
}
