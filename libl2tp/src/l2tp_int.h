/*
 * l2tp_int.h - internals of libl2tp shared by its source files.
 */
#ifndef L2TP_INT_H
#define L2TP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <roadgate/l2tp.h>

/* Header flag bits (RFC 2661 3.1). */
#define HDR_T 0x8000u
#define HDR_L 0x4000u
#define HDR_S 0x0800u
#define HDR_O 0x0200u
#define HDR_P 0x0100u
#define HDR_VER_MASK 0x000fu
#define HDR_CTRL (HDR_T | HDR_L | HDR_S | 2u)
#define CTRL_HDR_LEN 12u

/* Message types (RFC 2661 3.2). */
enum msg_type {
	MT_SCCRQ = 1, MT_SCCRP = 2, MT_SCCCN = 3, MT_STOPCCN = 4, MT_HELLO = 6,
	MT_OCRQ = 7, MT_OCRP = 8, MT_OCCN = 9, MT_ICRQ = 10, MT_ICRP = 11,
	MT_ICCN = 12, MT_CDN = 14, MT_WEN = 15, MT_SLI = 16,
};

/* AVP types (RFC 2661 4.4). */
enum avp_type {
	AVP_MSG_TYPE = 0, AVP_RESULT = 1, AVP_PROTO_VERSION = 2, AVP_FRAMING_CAP = 3,
	AVP_BEARER_CAP = 4, AVP_TIE_BREAKER = 5, AVP_FIRMWARE = 6, AVP_HOSTNAME = 7,
	AVP_VENDOR = 8, AVP_TUNNEL_ID = 9, AVP_RWS = 10, AVP_CHALLENGE = 11,
	AVP_Q931 = 12, AVP_CHAL_RESP = 13, AVP_SESSION_ID = 14, AVP_SERIAL = 15,
	AVP_MIN_BPS = 16, AVP_MAX_BPS = 17, AVP_BEARER_TYPE = 18,
	AVP_FRAMING_TYPE = 19, AVP_CALLED = 21, AVP_CALLING = 22, AVP_SUBADDR = 23,
	AVP_TX_SPEED = 24, AVP_PHYS_CHAN = 25, AVP_INIT_RX_LCP = 26,
	AVP_LAST_TX_LCP = 27, AVP_LAST_RX_LCP = 28, AVP_PROXY_AUTH_TYPE = 29,
	AVP_PROXY_AUTH_NAME = 30, AVP_PROXY_AUTH_CHAL = 31, AVP_PROXY_AUTH_ID = 32,
	AVP_PROXY_AUTH_RESP = 33, AVP_CALL_ERRORS = 34, AVP_ACCM = 35,
	AVP_RANDOM_VECTOR = 36, AVP_PRIV_GROUP = 37, AVP_RX_SPEED = 38,
	AVP_SEQ_REQUIRED = 39,
	AVP_MAX = 40,
};

#define AVP_M 0x8000u
#define AVP_H 0x4000u
#define AVP_RSVD 0x3c00u
#define AVP_LEN_MASK 0x03ffu
#define AVP_HDR_LEN 6u

/* Parsed AVPs of one control message, values borrowed from the datagram or
 * from the decoded-hidden scratch buffer. */
struct avp_val {
	const uint8_t *v;
	uint16_t len;
	bool present;
	bool hidden;
};

struct avp_set {
	uint16_t msg_type;
	bool msg_type_mbit;             /* M bit of the Message Type AVP */
	unsigned count;
	int unknown_mandatory;          /* type of the first one, or -1 */
	struct avp_val a[AVP_MAX];
	uint8_t scratch[L2TP_MAX_DGRAM]; /* decoded hidden values */
	size_t scratch_used;
};

/* Message builder. */
struct msg_builder {
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint8_t rv[16];
	bool have_rv;
	bool overflow;
};

struct l2tp_ctx;

/* avp.c */
const char *avp_name(unsigned type);
const char *msg_name(unsigned type);
int avp_parse(struct l2tp_ctx *ctx, const uint8_t *p, size_t len,
    struct avp_set *set, char *why, size_t whylen) __attribute__((warn_unused_result));
void mb_init(struct msg_builder *mb, uint16_t msg_type);
void mb_avp(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit,
    unsigned type, const void *val, size_t len, bool hide);
void mb_u16(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit,
    unsigned type, uint16_t v, bool hide);
void mb_u32(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit,
    unsigned type, uint32_t v, bool hide);
int md5_3(struct l2tp_ctx *ctx, uint8_t out[16], const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen);
/* The hidden AVP transformation of RFC 2661 4.3 (in place, both ways). */
int hide_xor(struct l2tp_ctx *ctx, uint16_t type, const uint8_t *rv,
    size_t rvlen, uint8_t *buf, size_t len, bool encrypt);

/* l2tp.c */
void ctx_log(struct l2tp_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const uint8_t *ctx_secret(const struct l2tp_ctx *ctx, size_t *len);
bool ctx_hide(const struct l2tp_ctx *ctx);
int ctx_rng(struct l2tp_ctx *ctx, void *buf, size_t len);

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

static inline uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

/* Sequence number arithmetic mod 2^16 (RFC 2661 5.8). */
static inline bool
seq_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) < 0;
}

#endif /* L2TP_INT_H */
