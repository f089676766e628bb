/*
 * fwtest.h - helpers of libfw's unit tests: packet builders, checksum
 * verification and the seed configuration's policy.
 */
#ifndef FWTEST_H
#define FWTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <roadgate/fw.h>
#include "testsupport.h"

#define S(n) ((uint64_t)(n) * 1000000000ULL)

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	((uint32_t)(c) << 8) | (uint32_t)(d))

/* The seed's interfaces (ids chosen by the gateway). */
#define IF_ETH0 1       /* public */
#define IF_VLAN1 2      /* private LAN */
#define IF_PPP0 10      /* a road warrior's PPP session (dynamic) */
#define IF_PPP1 11

#define OFFICE IP(203, 0, 113, 1)     /* <office Internet address> */
#define LAN_HOST IP(192, 168, 1, 10)
#define LAN_HOST2 IP(192, 168, 1, 11)
#define RW_HOST IP(192, 168, 2, 20)   /* road warrior's PPP address */
#define REMOTE IP(198, 51, 100, 7)
#define REMOTE2 IP(198, 51, 100, 8)
#define ROUTER IP(198, 51, 100, 254)  /* a router on the path */

/* IPsec peer tags (fw_pkt.ipsec) of two road warriors. */
#define PEER_A 0xa1a1ULL
#define PEER_B 0xb2b2ULL

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

struct fwt {
	struct fw_ctx *ctx;
	struct ts_rng rng;
	struct ts_alloc alloc;
	struct ts_log log;
	struct fw_hooks hooks;
};

/* Fills t's hooks (deterministic rng, counting allocator, log capture). */
void fwt_hooks(struct fwt *t);
/* A context with cfg (NULL = defaults) and the seed's policy when seed. */
int fwt_init(struct fwt *t, const struct fw_config *cfg, bool seed);
void fwt_fini(struct fwt *t);
/* Adds the seed policy (interfaces, enhanced NAT x2, rules 1-3) to ctx. */
int fwt_seed_policy(struct fw_ctx *ctx);
/* Adds dynamic interface id (a PPP session). */
int fwt_add_ppp(struct fw_ctx *ctx, uint16_t id);
/* The same with an anti-spoofing peer address, an MSS clamp and a tag. */
int fwt_add_ppp_cfg(struct fw_ctx *ctx, uint16_t id, uint32_t peer,
    uint16_t mss_clamp, uint64_t user);

/*
 * fw_process() of the n bytes at b from in_if to out_if, arrived through the
 * IPsec peer tagged ipsec (0 = in the clear); copies the verdict to *v and
 * checks that the return value, fw_pkt.rc and the verdict agree.
 */
int fwt_process(struct fw_ctx *ctx, uint64_t now, uint8_t *b, size_t n,
    uint16_t in_if, uint16_t out_if, uint64_t ipsec, struct fw_verdict *v);

/* The initial sequence numbers of fwt_tcp()'s client and server. */
#define FWT_ISN_C 1000u
#define FWT_ISN_S 5000u

/*
 * Builders: return the packet length; checksums are correct.  fwt_tcp()
 * numbers a segment like one of a plain handshake (libfw checks that a
 * SYN+ACK and the handshake's last ACK acknowledge the SYN they answer, and
 * RSTs against the window): a SYN has the client's ISN, a SYN+ACK the
 * server's acknowledging the client's SYN, anything else is the client's
 * first segment after it (seq FWT_ISN_C + 1, ack FWT_ISN_S + 1).
 * fwt_tcp_seq() takes the numbers.
 */
size_t fwt_tcp(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst,
    uint16_t dp, uint8_t flags, size_t payload);
size_t fwt_tcp_seq(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst,
    uint16_t dp, uint8_t flags, uint32_t seq, uint32_t ack, size_t payload);
/* TCP with optlen (a multiple of 4) bytes of options after the header. */
size_t fwt_tcp_opts(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst,
    uint16_t dp, uint8_t flags, const uint8_t *opts, size_t optlen);
size_t fwt_udp(uint8_t *b, uint32_t src, uint16_t sp, uint32_t dst,
    uint16_t dp, size_t payload);
size_t fwt_icmp_echo(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type,
    uint16_t id, uint16_t seq);
/* An ICMP error (type/code) from src to dst quoting the first qlen bytes
 * of packet q (header + 8 bytes is what routers send). */
size_t fwt_icmp_error(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type,
    uint8_t code, const uint8_t *q, size_t qlen);
/* Recomputes the IPv4 header checksum after a test edits the header. */
void fwt_fix_ipsum(uint8_t *b);
/* Turns a built packet into a fragment: identification id, offset off8 in
 * 8-byte units, MF, keeping keep bytes after the header (which the caller
 * placed there).  Returns the new length. */
size_t fwt_frag(uint8_t *b, uint16_t id, uint16_t off8, bool mf, size_t keep);

/* True if the IP header checksum and the L4 checksum (TCP, UDP, ICMP, over
 * the whole unfragmented packet) verify. */
bool fwt_checksums_ok(const uint8_t *b, size_t len);

/* True if the IPv4 header checksum verifies. */
bool fwt_ipsum_ok(const uint8_t *b);

uint32_t fwt_src(const uint8_t *b);
uint32_t fwt_dst(const uint8_t *b);
uint16_t fwt_sport(const uint8_t *b);
uint16_t fwt_dport(const uint8_t *b);

#endif /* FWTEST_H */
