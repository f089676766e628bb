/*
 * isakmp.h - public API of libisakmp: IKEv1 (RFC 2408/2409) Main Mode with
 * pre-shared keys, Quick Mode, NAT traversal (RFC 3947 and its drafts),
 * Informational exchanges (Delete, Notify, DPD per RFC 3706).
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness (cookies, nonces, SPIs), allocation and logging are injected
 *    through struct isakmp_hooks.  Diffie-Hellman private values are generated
 *    by OpenSSL's DRBG inside a library-owned OSSL_LIB_CTX.
 *  - Errors are negative ISAKMP_E_* codes; isakmp_strerror() names them.
 *  - Pointers passed in are borrowed for the duration of the call only.
 *    NULL is accepted only where a function says so.
 *  - One context per thread; contexts share nothing.
 *
 * UDP and the non-ESP marker: isakmp_input() takes a whole UDP payload.  When
 * the local port of the datagram (to->port) equals the NAT-T port
 * (ISAKMP_NATT_PORT, 4500) the payload MUST start with the 4-byte non-ESP
 * marker (the caller passes every datagram on 4500 whose first four bytes are
 * zero; ESP goes to libesp); the library checks and strips it.  A 1-byte NAT
 * keepalive (0xff) is accepted and ignored.  isakmp_next_output() likewise
 * prepends the marker to datagrams it emits from port 4500, so the caller
 * sends the buffer as is from the socket bound to from->port.
 *
 * Behaviour in brief:
 *  - IKE SAs are found by cookies; a new Main Mode is keyed by the full outer
 *    tuple (both addresses and ports) plus the initiator cookie, never by the
 *    peer's IP alone.  A retransmitted request gets the stored response.
 *  - Before authentication no response is larger than the request that
 *    caused it, nothing is answered for unknown SAs, and at most
 *    max_half_open unauthenticated SAs exist.
 *  - INITIAL-CONTACT in Main Mode 5 drops older established IKE SAs (and
 *    reports their IPsec SAs deleted) with the same outer tuple.
 *  - The initiator rekeys IPsec SAs at 90% of their lifetime and the IKE SA
 *    at 90% of its own (make before break); each SA reports EXPIRED at its
 *    end of life.  A responder shortening a Quick Mode lifetime sends
 *    RESPONDER-LIFETIME; an initiator adopts it.  Phase 1 likewise: the
 *    responder caps the IKE SA lifetime at its policy's but echoes the
 *    chosen transform as proposed in MM2; when it shortened the lifetime it
 *    sends RESPONDER-LIFETIME (protocol ISAKMP, SPI = the cookies, life
 *    attributes 11/12) in an Informational exchange right after MM6.  The
 *    initiator adopts a value shorter than its own (counted from phase 1
 *    up; rekey at 90% of it); the PHASE1_UP event it already emitted keeps
 *    the proposed lifetime.  A malformed one is refused (ISAKMP_E_PAYLOAD
 *    for an SPI size other than 16, ISAKMP_E_ATTR for bad attributes).
 *  - Quick Mode PFS is used when the policy sets pfs_group (the peer must
 *    offer the same group); a PFS offer without a pfs_group policy is
 *    refused with NO-PROPOSAL-CHOSEN.
 *  - Not supported: Aggressive Mode, certificates, IKE fragmentation, IPv6.
 */
#ifndef ISAKMP_H
#define ISAKMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ISAKMP_BUILDING)
#define ISAKMP_API __attribute__((visibility("default")))
#else
#define ISAKMP_API
#endif

#define ISAKMP_VERSION_MAJOR 1
#define ISAKMP_VERSION_MINOR 0
#define ISAKMP_VERSION_PATCH 0
#define ISAKMP_VERSION_STRING "1.0.0"

/* warn_unused_result on calls whose result says whether input was refused. */
#if defined(__GNUC__) || defined(__clang__)
#define ISAKMP_WUR __attribute__((warn_unused_result))
#else
#define ISAKMP_WUR
#endif

/* Well-known ports. */
#define ISAKMP_PORT      500
#define ISAKMP_NATT_PORT 4500

/* Size limits (public so callers can size buffers). */
#define ISAKMP_MAX_PACKET    8192 /* largest datagram accepted or produced */
#define ISAKMP_MAX_PSK       128
#define ISAKMP_MAX_ID        128
#define ISAKMP_MAX_POLICIES  8
#define ISAKMP_MAX_P1_PROPS  16
#define ISAKMP_MAX_P2_PROPS  8
#define ISAKMP_MAX_KEY       64   /* largest ESP encryption or integrity key */

/*
 * Errors (negative).  isakmp_strerror() gives a static name.  -1..-15 is the
 * block shared by every roadgate library (same names and values); -16..-31
 * are reserved; libisakmp's own codes start at -32.
 */
enum isakmp_error {
	ISAKMP_OK = 0,
	ISAKMP_E_INVAL = -1,        /* bad argument from the caller */
	ISAKMP_E_NOMEM = -2,        /* allocation hook failed */
	ISAKMP_E_RNG = -3,          /* rng hook failed */
	ISAKMP_E_CRYPTO = -4,       /* the crypto library (OpenSSL) failed */
	ISAKMP_E_BUFFER = -5,       /* caller's buffer too small */
	ISAKMP_E_AGAIN = -6,        /* nothing to return (no output / no event) */
	ISAKMP_E_LIMIT = -7,        /* a configured limit refused it */
	ISAKMP_E_STATE = -8,        /* not valid in the current state */
	ISAKMP_E_EXISTS = -9,       /* already exists */
	ISAKMP_E_NOT_FOUND = -10,   /* no such object (id) given by the caller */
	ISAKMP_E_TRUNCATED = -11,   /* packet or payload shorter than its header */
	ISAKMP_E_BAD_LENGTH = -12,  /* a length field disagrees with the bytes */
	ISAKMP_E_VERSION = -13,     /* ISAKMP major version not 1 */
	ISAKMP_E_DUPLICATE = -14,   /* duplicate message (common block; see isakmp_input) */
	ISAKMP_E_QUEUE_FULL = -15,  /* output or event queue full (common block) */
	ISAKMP_E_PAYLOAD = -32,     /* unknown, missing or misplaced payload */
	ISAKMP_E_NO_SA = -33,       /* no IKE SA for these cookies / tuple */
	ISAKMP_E_NO_PROPOSAL = -34, /* no proposal acceptable under policy */
	ISAKMP_E_AUTH = -35,        /* HASH did not verify (wrong PSK or ID) */
	ISAKMP_E_KE = -36,          /* key exchange value of bad size or value */
	ISAKMP_E_NONCE = -37,       /* nonce outside 8..256 bytes */
	ISAKMP_E_ATTR = -38,        /* malformed or absurd attribute */
	ISAKMP_E_DECRYPT = -39,     /* ciphertext not a block multiple */
	ISAKMP_E_ID = -40,          /* ID / selector not acceptable */
	ISAKMP_E_NO_POLICY = -41,   /* no policy for this peer */
	ISAKMP_E_COOKIE = -42,      /* cookie check failed */
	ISAKMP_E_MARKER = -43,      /* missing non-ESP marker on port 4500 */
	ISAKMP_E_EXCHANGE = -44     /* unsupported exchange type */
};

/* Log levels for hooks->log (syslog numbering, same in every roadgate library). */
#define ISAKMP_LOG_ERROR 3
#define ISAKMP_LOG_WARN  4
#define ISAKMP_LOG_INFO  6
#define ISAKMP_LOG_DEBUG 7

/* Injected services.  rng is required; others may be NULL. */
struct isakmp_hooks {
	void *user;
	int (*rng)(void *user, void *buf, size_t len);       /* 0 = ok */
	void *(*alloc)(void *user, size_t size);             /* zeroed */
	void (*free)(void *user, void *ptr);
	void (*log)(void *user, int level, const char *msg);
};

/* An IPv4 address and UDP port, both in host byte order. */
struct isakmp_addr {
	uint32_t ip;
	uint16_t port;
};

/* Phase 1 (IKE SA) algorithms, IANA IKEv1 attribute values. */
enum isakmp_p1_enc { ISAKMP_ENC_DES = 1, ISAKMP_ENC_3DES = 5, ISAKMP_ENC_AES = 7 };
enum isakmp_hash {
	ISAKMP_HASH_MD5 = 1, ISAKMP_HASH_SHA1 = 2, ISAKMP_HASH_SHA256 = 4,
	ISAKMP_HASH_SHA384 = 5, ISAKMP_HASH_SHA512 = 6
};
enum isakmp_group {
	ISAKMP_GROUP_MODP768 = 1, ISAKMP_GROUP_MODP1024 = 2, ISAKMP_GROUP_MODP1536 = 5,
	ISAKMP_GROUP_MODP2048 = 14, ISAKMP_GROUP_MODP3072 = 15, ISAKMP_GROUP_MODP4096 = 16,
	ISAKMP_GROUP_ECP256 = 19, ISAKMP_GROUP_ECP384 = 20
};
/* Phase 2 (ESP) transform IDs (IPsec DOI) and integrity attribute values. */
enum isakmp_esp_enc {
	ISAKMP_ESP_DES = 2, ISAKMP_ESP_3DES = 3, ISAKMP_ESP_AES_CBC = 12,
	ISAKMP_ESP_AES_GCM_16 = 20
};
enum isakmp_esp_auth {
	ISAKMP_AUTH_NONE = 0, ISAKMP_AUTH_HMAC_MD5 = 1, ISAKMP_AUTH_HMAC_SHA1 = 2,
	ISAKMP_AUTH_HMAC_SHA256 = 5
};
/* Encapsulation modes (IPsec DOI attribute 4): RFC 3947 and draft values. */
enum isakmp_encap {
	ISAKMP_ENCAP_TUNNEL = 1, ISAKMP_ENCAP_TRANSPORT = 2,
	ISAKMP_ENCAP_UDP_TUNNEL = 3, ISAKMP_ENCAP_UDP_TRANSPORT = 4,
	ISAKMP_ENCAP_UDP_TUNNEL_DRAFT = 61443, ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT = 61444
};

/* One phase 1 transform offered/accepted.  key_bits: 0 = cipher default. */
struct isakmp_p1_proposal {
	uint16_t enc;       /* enum isakmp_p1_enc */
	uint16_t key_bits;  /* AES: 128/192/256 */
	uint16_t hash;      /* enum isakmp_hash; also the PRF (HMAC) */
	uint16_t group;     /* enum isakmp_group */
	uint32_t life_s;    /* lifetime in seconds; 0 = 28800 */
};

/* One phase 2 (ESP) transform offered/accepted. */
struct isakmp_p2_proposal {
	uint16_t enc;       /* enum isakmp_esp_enc */
	uint16_t key_bits;  /* AES: 128/192/256 */
	uint16_t auth;      /* enum isakmp_esp_auth (NONE only with GCM) */
	uint32_t life_s;    /* 0 = 3600 */
	uint32_t life_kb;   /* 0 = none */
};

/*
 * A policy: who may connect with which key and algorithms.  peer_ip == 0
 * means any peer ("peer=any").  Policies are tried in array order; the first
 * one whose peer_ip matches (or is 0) is used for Main Mode, so put specific
 * peers first.  If peer_id_len > 0 the peer's phase 1 ID payload data must
 * equal peer_id (FQDN, USER_FQDN or KEY_ID text, or 4 address bytes).
 */
struct isakmp_policy {
	uint32_t peer_ip;                        /* host order; 0 = any */
	uint8_t peer_id[ISAKMP_MAX_ID];
	size_t peer_id_len;
	uint8_t psk[ISAKMP_MAX_PSK];
	size_t psk_len;                          /* MUST be > 0 */
	struct isakmp_p1_proposal p1[ISAKMP_MAX_P1_PROPS];
	size_t n_p1;                             /* in preference order */
	struct isakmp_p2_proposal p2[ISAKMP_MAX_P2_PROPS];
	size_t n_p2;                             /* in preference order */
	uint8_t protocol;                        /* selector protocol, 17 = UDP */
	uint16_t local_port;                     /* our selector port, 1701 */
	uint16_t encap;                          /* ISAKMP_ENCAP_TRANSPORT or _TUNNEL */
	bool natt;                               /* offer/accept NAT-T */
	bool force_float;                        /* send a NAT-D that forces NAT-T */
	bool send_deletes;                       /* send Delete on SA removal */
	bool allow_des;                          /* permit single DES (legacy) */
	bool sha256_96;                          /* peer truncates HMAC-SHA256 to 96 bits */
	uint16_t pfs_group;                      /* Quick Mode PFS group, 0 = none */
	uint64_t dpd_interval_ns;                /* 0 = no DPD probes */
	uint64_t dpd_timeout_ns;                 /* peer dead after this long; 0 = 3 intervals */
};

/*
 * Context configuration.  size MUST be sizeof(struct isakmp_config); a NULL
 * configuration means all defaults.  0 in any field means its default.
 */
struct isakmp_config {
	size_t size;
	struct isakmp_policy policies[ISAKMP_MAX_POLICIES];
	size_t n_policies;
	uint32_t max_ike_sas;        /* 0 = 256 */
	uint32_t max_half_open;      /* unauthenticated IKE SAs; 0 = 64 */
	uint32_t max_events;         /* event queue capacity; 0 = 64 */
	uint64_t retransmit_ns;      /* first retransmit delay; 0 = 2 s, doubling */
	uint32_t retransmit_max;     /* retransmits before giving up; 0 = 5 */
	uint64_t half_open_timeout_ns; /* 0 = 30 s */
};

/* Everything libesp needs to install one pair of ESP SAs. */
struct isakmp_ipsec_sa {
	uint32_t spi_in;             /* SPI we chose: peer -> us */
	uint32_t spi_out;            /* SPI the peer chose: us -> peer */
	uint16_t enc;                /* enum isakmp_esp_enc */
	uint16_t enc_key_len;        /* bytes (GCM: key + 4-byte salt) */
	uint8_t enc_key_in[ISAKMP_MAX_KEY];
	uint8_t enc_key_out[ISAKMP_MAX_KEY];
	uint16_t auth;               /* enum isakmp_esp_auth */
	uint16_t auth_key_len;       /* bytes */
	uint8_t auth_key_in[ISAKMP_MAX_KEY];
	uint8_t auth_key_out[ISAKMP_MAX_KEY];
	bool sha256_96;              /* truncate HMAC-SHA256 ICV to 96 bits */
	uint16_t encap;              /* enum isakmp_encap as negotiated */
	bool udp_encap;              /* ESP in UDP (RFC 3948) */
	struct isakmp_addr local;    /* outer addresses/ports for ESP */
	struct isakmp_addr remote;
	uint16_t keepalive_s;        /* send a NAT-T keepalive (RFC 3948 2.3, one
	                                0xff byte from local to remote) every this
	                                many seconds of idle; 0 = not needed (we
	                                are not behind a NAT) */
	uint32_t natoa_local;        /* original (pre-NAT) addresses, 0 = none */
	uint32_t natoa_remote;
	uint8_t protocol;            /* selector protocol */
	uint16_t local_port, remote_port; /* selector ports, 0 = any */
	uint32_t life_s;
	uint32_t life_kb;
};

enum isakmp_event_type {
	ISAKMP_EV_PHASE1_UP = 1,
	ISAKMP_EV_PHASE1_FAILED,
	ISAKMP_EV_SA_READY,
	ISAKMP_EV_SA_DELETED,        /* peer sent Delete or INITIAL-CONTACT */
	ISAKMP_EV_SA_EXPIRED,        /* lifetime ran out */
	ISAKMP_EV_PEER_DEAD          /* DPD or retransmits exhausted */
};

/* One event.  ike_id identifies the IKE SA (stable while it exists). */
struct isakmp_event {
	int type;                    /* enum isakmp_event_type */
	uint64_t ike_id;
	int reason;                  /* ISAKMP_E_* for FAILED, else 0 */
	struct isakmp_addr local, remote;
	bool nat_local, nat_remote;  /* PHASE1_UP: NAT detected on each side */
	struct isakmp_p1_proposal p1;/* PHASE1_UP: chosen proposal */
	struct isakmp_ipsec_sa sa;   /* SA_READY/SA_DELETED/SA_EXPIRED (keys only in READY) */
};

/* Counters.  Each bad-input class has its own. */
struct isakmp_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_truncated, rx_bad_length, rx_bad_version, rx_bad_payload;
	uint64_t rx_no_sa, rx_no_proposal, rx_auth_failed, rx_bad_state;
	uint64_t rx_bad_ke, rx_bad_nonce, rx_bad_attr, rx_decrypt_failed;
	uint64_t rx_bad_id, rx_no_policy, rx_bad_marker, rx_retransmits;
	uint64_t rx_keepalives, rx_bad_exchange, half_open_refused, sa_limit_refused;
	uint64_t events_dropped, amplification_refused;
	uint64_t phase1_up, phase1_failed, phase2_up, deletes_rx, deletes_tx;
	uint64_t dpd_tx, dpd_rx, dpd_ack_rx, tx_retransmits;
	uint64_t tx_oversize;        /* datagram (with marker) over ISAKMP_MAX_PACKET, not sent */
};

struct isakmp_ctx;

/* Returns the library version string ("MAJOR.MINOR.PATCH"), static. */
ISAKMP_API const char *isakmp_version(void);

/* Returns a static, never-NULL name for an ISAKMP_E_* code. */
ISAKMP_API const char *isakmp_strerror(int err);

/*
 * Maps an ISAKMP_E_* code to the RFC 2408 Notify message type a peer would
 * be sent for it (e.g. ISAKMP_E_NO_PROPOSAL -> 14 NO-PROPOSAL-CHOSEN), or 0
 * when no Notify applies.
 */
ISAKMP_API int isakmp_error_to_notify(int err);

/* Returns a static name for a Notify message type ("UNKNOWN" if not known). */
ISAKMP_API const char *isakmp_notify_name(int type);

/*
 * Creates a context.  cfg and hooks are copied (hooks->user is kept as a
 * pointer).  hooks->rng MUST be set; cfg->size MUST equal sizeof(*cfg).
 * Returns 0 and sets *out, or ISAKMP_E_INVAL, ISAKMP_E_NOMEM, ISAKMP_E_CRYPTO.
 */
ISAKMP_API int isakmp_ctx_new(struct isakmp_ctx **out, const struct isakmp_config *cfg,
    const struct isakmp_hooks *hooks) ISAKMP_WUR;

/* Wipes all keys and frees the context.  NULL-safe. */
ISAKMP_API void isakmp_ctx_free(struct isakmp_ctx *ctx);

/*
 * Processes one received UDP payload of len bytes that arrived from *from at
 * local address *to (see the non-ESP marker rule above).  Responses are
 * queued for isakmp_next_output(), events for isakmp_next_event().
 * Returns 0 when the packet was accepted (including a retransmission answered
 * from the stored response) or a negative ISAKMP_E_* code saying why it was
 * dropped; a dropped packet changes no established state.
 */
ISAKMP_API int isakmp_input(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *pkt,
    size_t len, const struct isakmp_addr *from, const struct isakmp_addr *to) ISAKMP_WUR;

/*
 * Copies the next datagram to send into buf (cap bytes) and sets *len, *from
 * (local address/port to send from) and *to.  Returns 0, ISAKMP_E_AGAIN when
 * nothing is queued, ISAKMP_E_BUFFER if cap is too small (the datagram stays
 * queued; ISAKMP_MAX_PACKET always suffices).
 */
ISAKMP_API int isakmp_next_output(struct isakmp_ctx *ctx, uint64_t now, uint8_t *buf,
    size_t cap, size_t *len, struct isakmp_addr *from, struct isakmp_addr *to);

/* Pops the oldest event into *ev.  Returns true if there was one. */
ISAKMP_API bool isakmp_next_event(struct isakmp_ctx *ctx, struct isakmp_event *ev);

/* Earliest time (ns) isakmp_handle_timeout() should be called; UINT64_MAX = none. */
ISAKMP_API uint64_t isakmp_next_timeout(const struct isakmp_ctx *ctx);

/*
 * Runs due timers: retransmissions, half-open expiry, DPD, SA lifetimes.
 * Returns 0.
 */
ISAKMP_API int isakmp_handle_timeout(struct isakmp_ctx *ctx, uint64_t now);

/*
 * Starts Main Mode as initiator from *local to *remote with policy number
 * policy (index into cfg->policies), followed by Quick Mode once phase 1 is
 * up.  Sets *ike_id.  Returns 0, ISAKMP_E_INVAL, ISAKMP_E_LIMIT,
 * ISAKMP_E_NOMEM, ISAKMP_E_RNG or ISAKMP_E_CRYPTO.
 */
ISAKMP_API int isakmp_initiate(struct isakmp_ctx *ctx, uint64_t now, size_t policy,
    const struct isakmp_addr *local, const struct isakmp_addr *remote, uint64_t *ike_id);

/*
 * Deletes the IKE SA ike_id and its IPsec SAs, sending Delete payloads if the
 * policy says so.  Returns 0 or ISAKMP_E_NO_SA.
 */
ISAKMP_API int isakmp_delete(struct isakmp_ctx *ctx, uint64_t now, uint64_t ike_id);

/* Copies the counters into *out. */
ISAKMP_API void isakmp_get_stats(const struct isakmp_ctx *ctx, struct isakmp_stats *out);

/*
 * Exports the phase 1 keys of IKE SA ike_id for debugging with Wireshark's
 * ikev1_decryption_table: the initiator cookie (8 bytes) and the phase 1
 * encryption key (*key_len bytes, up to cap).  Secret material: the caller
 * owns it and must wipe it.  Returns 0, ISAKMP_E_NO_SA, ISAKMP_E_BUFFER.
 */
ISAKMP_API int isakmp_export_keys(const struct isakmp_ctx *ctx, uint64_t ike_id,
    uint8_t icookie[8], uint8_t *key, size_t cap, size_t *key_len);

#ifdef __cplusplus
}
#endif

#endif /* ISAKMP_H */
