/*
 * radcodec.h - RADIUS packets (RFC 2865, 2866, 2869, 5176) as bytes:
 * building requests and replies with Message-Authenticator, checking
 * replies and requests, walking attributes.  No I/O, no allocation, no
 * global state: the daemon's RADIUS client (radius.c) and its Dynamic
 * Authorization server (UDP 3799) use it; tests/fuzz/fuzz_radius.c fuzzes
 * every function that reads network bytes.
 *
 * Every check of received bytes returns a specific negative RADC_E_* code
 * (radc_strerror names it) and never reads past the length it was given.
 */
#ifndef RADCODEC_H
#define RADCODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADC_MAX_PKT	4096	/* RFC 2865 3 */
#define RADC_HDR	20
#define RADC_VENDOR_MS	311

enum radc_code {
	RADC_ACCESS_REQUEST = 1, RADC_ACCESS_ACCEPT = 2, RADC_ACCESS_REJECT = 3,
	RADC_ACCT_REQUEST = 4, RADC_ACCT_RESPONSE = 5, RADC_ACCESS_CHALLENGE = 11,
	RADC_DISCONNECT_REQUEST = 40, RADC_DISCONNECT_ACK = 41,
	RADC_DISCONNECT_NAK = 42, RADC_COA_REQUEST = 43, RADC_COA_ACK = 44,
	RADC_COA_NAK = 45
};

/* Attributes the gateway sends or reads. */
enum radc_attr {
	RADC_USER_NAME = 1, RADC_USER_PASSWORD = 2, RADC_CHAP_PASSWORD = 3,
	RADC_NAS_IP_ADDRESS = 4, RADC_NAS_PORT = 5, RADC_SERVICE_TYPE = 6,
	RADC_FRAMED_PROTOCOL = 7, RADC_FRAMED_IP_ADDRESS = 8, RADC_FRAMED_MTU = 12,
	RADC_REPLY_MESSAGE = 18, RADC_CLASS = 25, RADC_VENDOR_SPECIFIC = 26,
	RADC_SESSION_TIMEOUT = 27, RADC_IDLE_TIMEOUT = 28, RADC_CALLED_STATION_ID = 30,
	RADC_CALLING_STATION_ID = 31, RADC_NAS_IDENTIFIER = 32, RADC_PROXY_STATE = 33,
	RADC_ACCT_STATUS_TYPE = 40, RADC_ACCT_DELAY_TIME = 41,
	RADC_ACCT_INPUT_OCTETS = 42, RADC_ACCT_OUTPUT_OCTETS = 43,
	RADC_ACCT_SESSION_ID = 44, RADC_ACCT_AUTHENTIC = 45,
	RADC_ACCT_SESSION_TIME = 46, RADC_ACCT_INPUT_PACKETS = 47,
	RADC_ACCT_OUTPUT_PACKETS = 48, RADC_ACCT_TERMINATE_CAUSE = 49,
	RADC_ACCT_INPUT_GIGAWORDS = 52, RADC_ACCT_OUTPUT_GIGAWORDS = 53,
	RADC_EVENT_TIMESTAMP = 55, RADC_CHAP_CHALLENGE = 60, RADC_NAS_PORT_TYPE = 61,
	RADC_TUNNEL_TYPE = 64, RADC_TUNNEL_MEDIUM_TYPE = 65,
	RADC_TUNNEL_CLIENT_ENDPOINT = 66, RADC_TUNNEL_SERVER_ENDPOINT = 67,
	RADC_MESSAGE_AUTHENTICATOR = 80, RADC_ACCT_INTERIM_INTERVAL = 85,
	RADC_FRAMED_POOL = 88, RADC_ERROR_CAUSE = 101
};

/* Microsoft vendor attributes (RFC 2548). */
enum radc_ms_attr {
	RADC_MS_CHAP_ERROR = 2, RADC_MS_CHAP_CHALLENGE = 11,
	RADC_MS_CHAP2_RESPONSE = 25, RADC_MS_CHAP2_SUCCESS = 26,
	RADC_MS_PRIMARY_DNS = 28, RADC_MS_SECONDARY_DNS = 29,
	RADC_MS_PRIMARY_NBNS = 30, RADC_MS_SECONDARY_NBNS = 31
};

enum radc_error {
	RADC_OK = 0,
	RADC_E_INVAL = -1,		/* caller's mistake */
	RADC_E_BUFFER = -5,		/* does not fit the packet */
	RADC_E_CRYPTO = -4,		/* OpenSSL failed */
	RADC_E_TRUNCATED = -11,		/* shorter than the header / its length */
	RADC_E_BAD_LENGTH = -12,	/* length field < 20 or > 4096 */
	RADC_E_ATTR_LENGTH = -32,	/* attribute length < 2 or past the end */
	RADC_E_AUTHENTICATOR = -33,	/* Response/Request Authenticator wrong */
	RADC_E_MSG_AUTH = -34,		/* Message-Authenticator wrong or not 18 */
	RADC_E_NO_MSG_AUTH = -35,	/* Message-Authenticator required, absent */
	RADC_E_DUP_MSG_AUTH = -36	/* more than one */
};

const char *radc_strerror(int err);

/* A packet being built in a caller buffer. */
struct radc_pkt {
	uint8_t buf[RADC_MAX_PKT];
	size_t len;
};

/* Starts code/id with the given authenticator (Access-Request: 16 random
 * bytes; others: ignored, computed by radc_finish). */
void radc_begin(struct radc_pkt *p, uint8_t code, uint8_t id, const uint8_t auth[16]);
int radc_add(struct radc_pkt *p, uint8_t type, const void *val, size_t len);
int radc_add_u32(struct radc_pkt *p, uint8_t type, uint32_t v);
int radc_add_str(struct radc_pkt *p, uint8_t type, const char *s);
/* A tagged integer (Tunnel-Type, Tunnel-Medium-Type): tag in the first
 * octet (RFC 2868 3). */
int radc_add_tagged_u32(struct radc_pkt *p, uint8_t type, uint8_t tag, uint32_t v);
int radc_add_vsa(struct radc_pkt *p, uint32_t vendor, uint8_t vtype, const void *val,
    size_t len);
/* User-Password, hidden with the secret and the request authenticator
 * (RFC 2865 5.2); at most 128 bytes. */
int radc_add_password(struct radc_pkt *p, const void *pw, size_t len,
    const void *secret, size_t slen);
/*
 * Adds Message-Authenticator (RFC 2869 5.14) and computes the
 * authenticators: Access-Request keeps its random one; other requests get
 * MD5(packet with 16 zero bytes + secret) (RFC 2866 3, RFC 5176 3.5);
 * replies (req_auth = the request's authenticator) get the Response
 * Authenticator.  Returns RADC_OK or RADC_E_BUFFER / RADC_E_CRYPTO.
 */
int radc_finish(struct radc_pkt *p, const void *secret, size_t slen,
    const uint8_t *req_auth);

/* A received packet, checked for structure by radc_parse. */
struct radc_view {
	uint8_t code, id;
	const uint8_t *pkt;		/* the whole packet (len bytes) */
	size_t len;			/* from its length field; UDP padding cut */
};

/* Header and attribute structure: length field within 20..4096 and the
 * datagram; every attribute 2..255 octets inside the packet. */
int radc_parse(const uint8_t *buf, size_t n, struct radc_view *v)
    __attribute__((warn_unused_result));

/*
 * A reply to our request with authenticator req_auth: Response
 * Authenticator, and Message-Authenticator (required when require_ma).
 */
int radc_verify_reply(const struct radc_view *v, const uint8_t req_auth[16],
    const void *secret, size_t slen, bool require_ma)
    __attribute__((warn_unused_result));

/* A request authenticated with the secret (Accounting-Request,
 * Disconnect-Request, CoA-Request): Request Authenticator over 16 zero
 * bytes, and Message-Authenticator (required when require_ma). */
int radc_verify_request(const struct radc_view *v, const void *secret, size_t slen,
    bool require_ma) __attribute__((warn_unused_result));

/* Iterates the attributes: *pos = RADC_HDR first; false at the end. */
bool radc_next_attr(const struct radc_view *v, size_t *pos, uint8_t *type,
    const uint8_t **val, size_t *len);
/* Inside a Vendor-Specific value: vendor and its first sub-attribute
 * (RFC 2865 5.26 format, one sub-attribute); false if malformed. */
bool radc_vsa(const uint8_t *val, size_t len, uint32_t *vendor, uint8_t *vtype,
    const uint8_t **sval, size_t *slen);

uint32_t radc_get32(const uint8_t *p);

#endif
