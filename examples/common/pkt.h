/*
 * pkt.h - IPv4 / UDP / ICMP helpers shared by vpn-gateway and vpn-client.
 *
 * Not a library: these are the few packet chores that belong to no protocol
 * library (building the UDP header around L2TP, the IPv4 header the kernel
 * does not add for us, ICMP errors a router must send, fragmentation).  All
 * addresses and ports are host byte order; buffers are the caller's.
 */
#ifndef RG_PKT_H
#define RG_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_IPV4_HDR	20
#define PKT_UDP_HDR	8
#define PKT_PROTO_ICMP	1
#define PKT_PROTO_TCP	6
#define PKT_PROTO_UDP	17
#define PKT_PROTO_ESP	50

static inline uint16_t
pkt_get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
pkt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
pkt_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * A packet travelling through vpn-gateway's or vpn-client's core, in a
 * buffer the I/O layer owns, transformed in place.
 */
/* Room the cores need around packet data (ESP + UDP + L2TP + PPP headers
 * in front, ESP padding and ICV behind), and the largest datagram. */
#define RG_HEADROOM	128
#define RG_TAILROOM	64
#define RG_MAX_PKT	2048
#define RG_BUF_SIZE	(RG_HEADROOM + RG_MAX_PKT + RG_TAILROOM)

struct rg_ep {
	uint32_t ip;
	uint16_t port;
};

/* Where a packet came from (input) or must go (output). */
enum rg_path {
	RG_PATH_NONE = 0,	/* output: drop (consumed or refused) */
	RG_PATH_UDP,		/* UDP payload; local = our ip:port, remote = theirs */
	RG_PATH_ESP,		/* input: IPv4 packet, protocol 50 (header included);
				 * output: the ESP packet (no IP header) to remote.ip */
	RG_PATH_TUN		/* IPv4 packet from / to the TUN device */
};

struct rg_pkt {
	uint8_t *buf;		/* caller's buffer of cap bytes */
	size_t cap;
	size_t off, len;	/* the packet is buf[off, off + len) */
	enum rg_path path;	/* in: where it came from; out: where it goes */
	struct rg_ep local, remote;
	/* the cores' scratch (per packet, valid during gw_input) */
	uint16_t fw_in, fw_out;
	uint8_t stage;
	void *ctx;		/* destination session */
	void *src;		/* source session */
};

/* One's-complement sum of len bytes added to sum (not folded, not inverted). */
uint32_t pkt_csum_add(uint32_t sum, const uint8_t *p, size_t len);
/* Folds and inverts a sum into a checksum field value. */
uint16_t pkt_csum_fold(uint32_t sum);

/* A parsed IPv4 header (view into the packet). */
struct pkt_ip {
	uint32_t src, dst;
	uint8_t proto, ttl, tos;
	uint16_t id;
	uint16_t hlen;		/* header length in bytes */
	uint16_t tot_len;	/* total length from the header */
	bool df, mf;
	uint16_t frag_off;	/* in bytes */
};

/*
 * Parses the IPv4 header of pkt[0, len): version 4, IHL >= 5, total length
 * within len and >= the header, header checksum correct.  Returns 0 or -1.
 */
int pkt_ip_parse(const uint8_t *pkt, size_t len, struct pkt_ip *ip);

/*
 * Writes a 20-byte IPv4 header (no options) at hdr for a payload of
 * payload_len bytes: DF set, TTL ttl, the checksum computed.
 */
void pkt_ip_build(uint8_t *hdr, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t payload_len, uint8_t ttl, uint16_t id);

/* Writes an 8-byte UDP header with checksum 0 (RFC 768 allows it over IPv4). */
void pkt_udp_build(uint8_t *hdr, uint16_t sport, uint16_t dport, uint16_t payload_len);

/*
 * Builds, in out (cap >= 576), the ICMP error type/code about the IPv4
 * packet orig (orig_len bytes) from src to the original sender: IPv4 header
 * + ICMP header + as much of the original as fits in 576 bytes (RFC 1812
 * 4.3.2.3).  For type 3 code 4 (fragmentation needed) mtu is the next-hop
 * MTU (RFC 1191).  Returns the length, or 0 when no error may be sent about
 * orig (it is itself an ICMP error, a fragment other than the first, or has
 * a broadcast/multicast/zero source: RFC 1812 4.3.2.7).
 */
size_t pkt_icmp_error(uint8_t *out, size_t cap, uint32_t src, uint8_t type,
    uint8_t code, uint16_t mtu, const uint8_t *orig, size_t orig_len);

/*
 * Splits the IPv4 packet pkt (len bytes, DF clear) into fragments of at most
 * mtu bytes: the first fragment stays in pkt (its header updated), the
 * others are written one after another into rest (cap bytes); frag_len[i]
 * receives each fragment's length (frag_len[0] is the first's).  Returns the
 * number of fragments (>= 2), 1 if no split is needed, or -1 (DF set, bad
 * header, too many fragments for max_frags or rest too small).
 */
int pkt_ip_fragment(uint8_t *pkt, size_t len, size_t mtu, uint8_t *rest,
    size_t cap, size_t *frag_len, int max_frags);

/* "a.b.c.d" of a host-order address into buf (>= 16 bytes); returns buf. */
const char *pkt_ntoa(uint32_t ip, char *buf);
/* Parses "a.b.c.d"; returns 0 or -1. */
int pkt_aton(const char *s, uint32_t *ip);

#endif
