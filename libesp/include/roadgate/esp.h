/*
 * esp.h - public API of libesp: ESP (RFC 4303) in transport and tunnel mode,
 * UDP encapsulation for NAT traversal (RFC 3948), a security association
 * database (SAD) with O(1) lookup by SPI, and RFC 4303 §3.4.3 anti-replay.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative ESP_E_* codes; esp_strerror() names them.
 *  - One context per thread; contexts share nothing.
 *  - Pointers passed in are borrowed for the duration of the call only,
 *    unless a function says otherwise.  No function accepts NULL for a
 *    pointer argument unless its documentation says so (ESP_E_INVAL).
 *  - Packets are transformed in place in the caller's buffer: the caller
 *    reserves ESP_HEADROOM bytes before and ESP_TAILROOM bytes after the data
 *    (see esp_sa_encrypt()); libesp never allocates or copies per packet.
 *  - IPv4 addresses and ports in structs are in host byte order.
 *  - Memory: the context, its SA table, event queue and SAs come from
 *    hooks.alloc; OpenSSL allocates its own cipher/MAC contexts (one set per
 *    SA, at esp_sa_add) with its allocator.  Nothing is allocated per packet.
 *  - Bad packets only harm themselves: each rejection has its own ESP_E_*
 *    code, a counter (struct esp_sa_stats / struct esp_stats) and one debug
 *    log line with the reason and the numbers.
 */
#ifndef ESP_H
#define ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ESP_BUILDING)
#define ESP_API __attribute__((visibility("default")))
#else
#define ESP_API
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ESP_WUR __attribute__((warn_unused_result))
#else
#define ESP_WUR
#endif

#define ESP_VERSION_MAJOR 0
#define ESP_VERSION_MINOR 1
#define ESP_VERSION_PATCH 0
#define ESP_VERSION_STRING "0.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with ESP_VERSION_STRING to detect a header /
 * library mismatch.
 */
ESP_API const char *esp_version(void);

/* Error codes: every function returns 0 (ESP_OK) or one of these. */
enum esp_error {
	ESP_OK = 0,
	ESP_E_INVAL = -1,	/* bad argument or SA configuration */
	ESP_E_NOMEM = -2,	/* allocation hook failed */
	ESP_E_LIMIT = -3,	/* configured table limit reached (max_sas) */
	ESP_E_EXISTS = -4,	/* an SA with this SPI and direction exists */
	ESP_E_NO_SA = -5,	/* inbound packet for an unknown SPI */
	ESP_E_TRUNCATED = -6,	/* shorter than the headers it must hold */
	ESP_E_BAD_LENGTH = -7,	/* a length field lies (pad length, IP length) */
	ESP_E_ALIGN = -8,	/* ciphertext not a multiple of the block */
	ESP_E_AUTH = -9,	/* ICV mismatch */
	ESP_E_REPLAY = -10,	/* sequence number already received */
	ESP_E_TOO_OLD = -11,	/* sequence number left of the replay window */
	ESP_E_BAD_PAD = -12,	/* padding bytes are not 1, 2, 3, ... */
	ESP_E_BAD_NEXT_HDR = -13, /* next header not allowed for the SA mode */
	ESP_E_DUMMY = -14,	/* dummy packet (next header 59), discard */
	ESP_E_NOSPACE = -15,	/* headroom, tailroom or output buffer short */
	ESP_E_SEQ_EXHAUSTED = -16, /* outbound sequence number would wrap */
	ESP_E_EXPIRED = -17,	/* SA reached a hard lifetime */
	ESP_E_UNSUPPORTED = -18, /* algorithm unknown or not allowed (DES) */
	ESP_E_CRYPTO = -19,	/* the crypto library failed */
	ESP_E_RNG = -20,	/* the rng hook failed */
	ESP_E_WRONG_DIR = -21,	/* outbound SA used for input or vice versa */
	ESP_E_BAD_IP = -22,	/* not a well-formed IPv4 packet */
	ESP_E_NOT_ESP = -23,	/* IPv4 packet is neither ESP nor ESP-in-UDP */
	ESP_E_MODE = -24	/* operation does not fit the SA mode */
};

/*
 * Returns a static English description of an ESP_E_* code (or of ESP_OK);
 * never NULL, "unknown error" for anything else.
 */
ESP_API const char *esp_strerror(int err);

/* Log levels passed to hooks.log (syslog numbering). */
#define ESP_LOG_ERROR	3
#define ESP_LOG_WARNING	4
#define ESP_LOG_INFO	6
#define ESP_LOG_DEBUG	7

struct esp_hooks {
	void *user;					/* passed to every hook */
	int (*rng)(void *user, void *buf, size_t len);	/* required; 0 = ok */
	void *(*alloc)(void *user, size_t size);	/* zeroed; NULL = calloc */
	void (*free)(void *user, void *ptr);		/* NULL = free */
	void (*log)(void *user, int level, const char *msg); /* optional */
};

/* Replay window limits (packets). */
#define ESP_REPLAY_WINDOW_MIN	64
#define ESP_REPLAY_WINDOW_MAX	4096

struct esp_config {
	size_t size;		/* MUST be sizeof(struct esp_config) */
	uint32_t max_sas;	/* SAD capacity (both directions); 0 = 1024 */
	uint32_t replay_window;	/* default window; 0 = 64; 64..4096 */
	uint32_t max_events;	/* event queue capacity; 0 = 256 */
	bool allow_des;		/* permit single DES-CBC (legacy provider) */
	/*
	 * Outbound sequence numbers left before wrap at which ESP_EV_REKEY is
	 * raised; 0 = 2^24.  Must be smaller than 2^31.
	 */
	uint32_t rekey_margin;
};

struct esp_ctx;
struct esp_sa;

/*
 * Creates a context.  cfg may be NULL (all defaults); otherwise cfg->size
 * MUST be set.  hooks is copied; hooks->rng is required.  The rng is called
 * once here (hash seed) and once per CBC packet for its IV.
 * Returns ESP_OK and *out, or ESP_E_INVAL (bad config/hooks), ESP_E_NOMEM,
 * ESP_E_RNG, ESP_E_CRYPTO (OpenSSL library context or providers failed).
 * When allow_des is set, the OpenSSL legacy provider is loaded into a library
 * context owned by this esp context (never the process default) and a warning
 * is logged.
 */
ESP_API int esp_ctx_new(struct esp_ctx **out, const struct esp_config *cfg,
    const struct esp_hooks *hooks) ESP_WUR;

/* Frees the context and every SA in it, wiping all keys.  NULL-safe. */
ESP_API void esp_ctx_free(struct esp_ctx *ctx);

/* Algorithms (values are the IKEv1 IPsec DOI transform IDs where they exist). */
enum esp_enc_alg {
	ESP_ENC_DES_CBC = 2,		/* 8-byte key; only with allow_des */
	ESP_ENC_3DES_CBC = 3,		/* 24-byte key */
	ESP_ENC_NULL = 11,		/* no confidentiality (tests) */
	ESP_ENC_AES_CBC = 12,		/* 16, 24 or 32-byte key */
	ESP_ENC_AES_GCM_16 = 20,	/* RFC 4106; 16/24/32-byte key + salt */
	ESP_ENC_CHACHA20_POLY1305 = 28	/* RFC 7634; 32-byte key + salt */
};

enum esp_integ_alg {
	ESP_INTEG_NONE = 0,		/* required with AEAD ciphers */
	ESP_INTEG_HMAC_MD5_96 = 1,	/* RFC 2403; 16-byte key */
	ESP_INTEG_HMAC_SHA1_96 = 2,	/* RFC 2404; 20-byte key */
	ESP_INTEG_HMAC_SHA256_128 = 5,	/* RFC 4868; 32-byte key */
	/* HMAC-SHA-256 truncated to 96 bits, for old peers (opt-in). */
	ESP_INTEG_HMAC_SHA256_96 = 0x100
};

enum esp_dir { ESP_DIR_IN = 1, ESP_DIR_OUT = 2 };
enum esp_mode { ESP_MODE_TRANSPORT = 1, ESP_MODE_TUNNEL = 2 };

/*
 * What to do with the TCP/UDP checksum of a transport-mode packet received
 * through UDP encapsulation (RFC 3948 §3.1.2).
 */
enum esp_natt_csum {
	/* Incremental fix from the NAT-OA addresses if known, else as below. */
	ESP_NATT_CSUM_AUTO = 0,
	/* Recompute the TCP/UDP checksum over the whole packet. */
	ESP_NATT_CSUM_RECOMPUTE = 1,
	/* UDP: set the checksum to 0; TCP: recompute. */
	ESP_NATT_CSUM_ZERO_UDP = 2,
	/* Leave the checksum alone (no NAT between the peers). */
	ESP_NATT_CSUM_NONE = 3
};

/*
 * Lifetime limits; 0 = unlimited.  time_ns is relative to esp_sa_add()'s
 * now.  Soft limits raise ESP_EV_SOFT_EXPIRE once (rekey).  At a hard limit
 * ESP_EV_HARD_EXPIRE is raised and the SA refuses traffic: the packet that
 * reaches (or crosses) a hard byte/packet limit is the last one processed.
 */
struct esp_lifetime {
	uint64_t bytes;		/* payload bytes through the SA */
	uint64_t packets;
	uint64_t time_ns;
};

#define ESP_KEY_MAX	32
#define ESP_AUTH_KEY_MAX 64
#define ESP_SALT_LEN	4

/*
 * Everything needed to install an SA (what the key exchange delivers).
 * Keys are copied into the SA; wipe this struct after esp_sa_add().
 */
struct esp_sa_config {
	size_t size;		/* MUST be sizeof(struct esp_sa_config) */
	uint32_t spi;		/* != 0; network value as a host integer */
	enum esp_dir dir;
	enum esp_mode mode;
	enum esp_enc_alg enc_alg;
	uint8_t enc_key[ESP_KEY_MAX];
	size_t enc_key_len;
	uint8_t salt[ESP_SALT_LEN];	/* AEAD only: last 4 bytes of KEYMAT */
	enum esp_integ_alg integ_alg;
	uint8_t integ_key[ESP_AUTH_KEY_MAX];
	size_t integ_key_len;
	bool esn;		/* 64-bit extended sequence numbers */
	uint32_t replay_window;	/* inbound; 0 = context default; 64..4096 */
	/*
	 * Addresses for the IPv4 helpers: local and peer address (outer header
	 * in tunnel mode; in transport mode the source used for outbound).
	 */
	uint32_t local_addr;
	uint32_t peer_addr;
	/* RFC 3948 UDP encapsulation: ESP in UDP with these ports (4500). */
	bool udp_encap;
	uint16_t encap_sport;	/* outbound source port */
	uint16_t encap_dport;	/* outbound destination port */
	/*
	 * NAT-OA (RFC 3947): the original addresses the peer used when it
	 * computed its transport checksums (inbound transport mode).
	 * natoa_valid = false if unknown.
	 */
	bool natoa_valid;
	uint32_t natoa_src;	/* peer's original source address */
	uint32_t natoa_dst;	/* original destination (our address as seen) */
	enum esp_natt_csum natt_csum;
	struct esp_lifetime soft;
	struct esp_lifetime hard;
	uint64_t user;		/* opaque tag, returned in events and rx */
};

/*
 * Installs an SA.  now = current time (for time lifetimes).  On success
 * *out (may be NULL if not wanted) is a handle owned by the context, valid
 * until esp_sa_delete() or esp_ctx_free().
 * Errors: ESP_E_INVAL (bad SPI, key length, window, NULL+NULL, integrity
 * with AEAD...), ESP_E_UNSUPPORTED (unknown alg, DES without allow_des),
 * ESP_E_EXISTS, ESP_E_LIMIT (max_sas reached, counted in stats.sa_limit),
 * ESP_E_NOMEM, ESP_E_CRYPTO.
 */
ESP_API int esp_sa_add(struct esp_ctx *ctx, uint64_t now,
    const struct esp_sa_config *cfg, struct esp_sa **out) ESP_WUR;

/* Finds an SA by SPI and direction in O(1); NULL if none. */
ESP_API struct esp_sa *esp_sa_find(const struct esp_ctx *ctx, uint32_t spi,
    enum esp_dir dir);

/*
 * Removes an SA, wiping its keys; sa is invalid afterwards.  NULL-safe.
 * sa MUST be a handle of this ctx (it is freed with ctx's free hook).
 */
ESP_API void esp_sa_delete(struct esp_ctx *ctx, struct esp_sa *sa);

/* Per-SA counters (one per error class of esp_input / esp_sa_encrypt). */
struct esp_sa_stats {
	uint64_t packets;	/* packets processed successfully */
	uint64_t bytes;		/* payload bytes processed successfully */
	uint64_t truncated;
	uint64_t bad_length;
	uint64_t align;
	uint64_t auth_fail;
	uint64_t replay;
	uint64_t too_old;
	uint64_t bad_pad;
	uint64_t bad_next_hdr;
	uint64_t dummy;
	uint64_t nospace;
	uint64_t expired;
	uint64_t seq_exhausted;
	uint64_t crypto_fail;
	uint64_t rng_fail;
};

/* Copies the SA's counters into *st (no-op if either is NULL). */
ESP_API void esp_sa_get_stats(const struct esp_sa *sa, struct esp_sa_stats *st);
/* The SPI, direction and user tag of an SA; sa MUST be a valid handle. */
ESP_API uint32_t esp_sa_spi(const struct esp_sa *sa);
ESP_API enum esp_dir esp_sa_dir(const struct esp_sa *sa);
ESP_API uint64_t esp_sa_user(const struct esp_sa *sa);
/*
 * Outbound SA: the last sequence number sent (0 before the first packet);
 * inbound SA: the highest sequence number accepted (64-bit with ESN), or 0
 * for an SA without integrity (no anti-replay window, see esp_input()).
 */
ESP_API uint64_t esp_sa_seq(const struct esp_sa *sa);

/* Context-wide counters (packets not attributable to an SA, tables). */
struct esp_stats {
	uint64_t sas;		/* SAs installed now */
	uint64_t sa_limit;	/* esp_sa_add refused by max_sas */
	uint64_t no_sa;		/* inbound for unknown SPI */
	uint64_t truncated;	/* too short to carry an SPI */
	uint64_t bad_ip;	/* malformed IPv4 around ESP */
	uint64_t not_esp;
	uint64_t wrong_dir;
	uint64_t events_dropped; /* event queue full */
	uint64_t keepalives;	/* NAT-keepalives classified */
	uint64_t ike;		/* non-ESP-marker packets classified */
};

/* Copies the context counters into *st (no-op if either is NULL). */
ESP_API void esp_get_stats(const struct esp_ctx *ctx, struct esp_stats *st);

/*
 * Buffer space: an ESP packet is SPI(4) | Seq(4) | IV(0, 8 or 16) | payload |
 * padding | pad length | next header | ICV(0, 12 or 16).  ESP_HEADROOM covers
 * the ESP header and IV plus an outer IPv4 header and UDP header (for the
 * IPv4 helpers); ESP_TAILROOM the largest padding, trailer and ICV, plus 4
 * spare bytes (the ESN high half is fed to the ICV separately, never
 * written into the buffer).
 */
#define ESP_HDR_LEN		8
#define ESP_MAX_IV_LEN		16
#define ESP_MAX_ICV_LEN		16
#define ESP_HEADROOM		(20 + 8 + ESP_HDR_LEN + ESP_MAX_IV_LEN)
#define ESP_TAILROOM		(15 + 2 + ESP_MAX_ICV_LEN + 4)

/*
 * Encapsulates in place (RFC 4303 §3.3).  Input: the payload (for transport
 * mode the transport header onwards, for tunnel mode the inner IP packet) at
 * buf[*off, *off + *len), with *off >= ESP_HEADROOM (or at least the SA's
 * header+IV length) and cap - *off - *len >= ESP_TAILROOM.  Output: the ESP
 * packet at buf[*off, *off + *len) (SPI ... ICV).  next_header is the IP
 * protocol of the payload (17 = UDP, 4 = IPv4 in tunnel mode).
 * CBC IVs come from hooks.rng; AEAD IVs are the 64-bit sequence number.
 * Counts packets/bytes against the lifetimes and may queue events.
 * Errors: ESP_E_INVAL, ESP_E_WRONG_DIR, ESP_E_NOSPACE, ESP_E_EXPIRED,
 * ESP_E_SEQ_EXHAUSTED, ESP_E_RNG, ESP_E_CRYPTO.  On error buf is unchanged
 * or holds garbage; the sequence number is not consumed.
 */
ESP_API int esp_sa_encrypt(struct esp_ctx *ctx, struct esp_sa *sa,
    uint64_t now, uint8_t *buf, size_t cap, size_t *off, size_t *len,
    uint8_t next_header) ESP_WUR;

/* Result of inbound processing. */
struct esp_rx {
	struct esp_sa *sa;	/* the SA it came through (context-owned) */
	uint64_t user;		/* that SA's user tag */
	uint32_t spi;
	uint64_t seq;		/* full (ESN-inferred) sequence number */
	uint8_t next_header;	/* protocol of the payload */
	size_t off;		/* payload at pkt[off, off + len) */
	size_t len;
};

/*
 * Decapsulates an ESP packet (SPI ... ICV, e.g. the payload of a UDP/4500
 * datagram classified ESP_UDP_ESP) in place: finds the SA by SPI, verifies the
 * ICV in constant time, then checks the anti-replay window, decrypts, checks
 * padding and next header, and only then updates the window.  On success *rx
 * describes the payload inside pkt (valid while pkt is).
 * Errors (each with its own counter; none changes the replay window):
 * ESP_E_TRUNCATED, ESP_E_NO_SA, ESP_E_EXPIRED, ESP_E_ALIGN, ESP_E_AUTH,
 * ESP_E_REPLAY, ESP_E_TOO_OLD, ESP_E_BAD_LENGTH, ESP_E_BAD_PAD,
 * ESP_E_BAD_NEXT_HDR, ESP_E_DUMMY, ESP_E_CRYPTO, ESP_E_INVAL.  On error the
 * bytes of pkt may have been changed (decrypted garbage is wiped).
 * An SA without integrity (CBC with ESP_INTEG_NONE) has no anti-replay
 * window (RFC 4303 §1): its sequence numbers are not authenticated, so
 * replays are accepted and never give ESP_E_REPLAY / ESP_E_TOO_OLD.
 */
ESP_API int esp_input(struct esp_ctx *ctx, uint64_t now, uint8_t *pkt,
    size_t len, struct esp_rx *rx) ESP_WUR;

/*
 * IPv4 helpers.  esp_ipv4_encap turns the IPv4 packet at buf[*off, *off+*len)
 * into the packet to send, in place:
 *  - transport mode: IP header | [UDP 4500] | ESP(transport header ...), with
 *    protocol 50 (or 17), total length and header checksum fixed;
 *  - tunnel mode: new outer header local_addr -> peer_addr | [UDP] |
 *    ESP(whole inner packet, next header 4).
 * With udp_encap the UDP header carries encap_sport/encap_dport and checksum
 * 0 (RFC 3948 §2.1).  Room as for esp_sa_encrypt().  Transport mode
 * refuses IPv4 fragments with ESP_E_BAD_IP (RFC 4303 §3.3.4: fragment after
 * ESP, not before); tunnel mode carries them.
 * Errors: those of esp_sa_encrypt(), ESP_E_BAD_IP.
 */
ESP_API int esp_ipv4_encap(struct esp_ctx *ctx, struct esp_sa *sa,
    uint64_t now, uint8_t *buf, size_t cap, size_t *off, size_t *len) ESP_WUR;

/*
 * Reverses esp_ipv4_encap on a received IPv4 packet (protocol 50, or UDP with
 * an ESP payload; UDP carrying IKE or a keepalive gives ESP_E_NOT_ESP) at
 * pkt[0, len): on success the inner packet is at pkt[rx->off,
 * rx->off + rx->len) and rx->next_header is its protocol (tunnel mode: 4 for
 * IPv4, whose header is checked, or 41 for IPv6, passed on unchecked).
 * Transport mode
 * rebuilds the header (protocol, total length, checksum) and, after UDP
 * encapsulation, fixes the TCP/UDP checksum per the SA's natt_csum.
 * Fragments are refused (ESP_E_BAD_IP): reassemble first.
 * Errors: those of esp_input(), ESP_E_BAD_IP, ESP_E_NOT_ESP.  In tunnel
 * mode an authentic packet whose inner IPv4 header is malformed gives
 * ESP_E_BAD_IP after the ESP layer accepted it (window updated, counted).
 */
ESP_API int esp_ipv4_decap(struct esp_ctx *ctx, uint64_t now, uint8_t *pkt,
    size_t len, struct esp_rx *rx) ESP_WUR;

/* RFC 3948 §2: what a datagram received on UDP port 4500 carries. */
enum esp_udp_kind {
	ESP_UDP_ESP = 1,	/* ESP packet: hand to esp_input */
	ESP_UDP_IKE = 2,	/* IKE after the 4-byte non-ESP marker */
	ESP_UDP_KEEPALIVE = 3	/* NAT-keepalive (single 0xFF) */
};

#define ESP_NON_ESP_MARKER_LEN 4

/*
 * Classifies a UDP/4500 payload.  Returns ESP_UDP_* (for IKE the message
 * starts at payload + ESP_NON_ESP_MARKER_LEN), ESP_E_TRUNCATED (not a
 * keepalive, not a 4-byte non-ESP marker, and fewer than 8 bytes for an ESP
 * header) or ESP_E_INVAL (payload NULL).  ctx may be NULL; if not, the
 * keepalive/ike/truncated counters are updated.
 */
ESP_API int esp_udp_classify(struct esp_ctx *ctx, const uint8_t *payload,
    size_t len);

/*
 * Writes the NAT-keepalive UDP payload (one 0xFF byte, RFC 3948 §2.3) into
 * buf.  Returns the length (1) or ESP_E_NOSPACE if buf is NULL or cap < 1.
 */
ESP_API int esp_keepalive_build(uint8_t *buf, size_t cap);

/* Events. */
enum esp_event_type {
	ESP_EV_SOFT_EXPIRE = 1,	/* soft lifetime reached: rekey */
	ESP_EV_HARD_EXPIRE = 2,	/* hard lifetime: SA refuses traffic now */
	ESP_EV_REKEY = 3	/* sequence numbers near exhaustion */
};

enum esp_limit_kind {
	ESP_LIMIT_BYTES = 1,
	ESP_LIMIT_PACKETS = 2,
	ESP_LIMIT_TIME = 3,
	ESP_LIMIT_SEQ = 4
};

struct esp_event {
	enum esp_event_type type;
	enum esp_limit_kind limit;
	uint32_t spi;
	enum esp_dir dir;
	uint64_t user;		/* SA user tag */
};

/*
 * Pops the oldest queued event into *ev; false if none.  The queue holds
 * max_events; events raised while it is full are dropped and counted
 * (stats.events_dropped).  Soft and hard events are raised once per SA.
 */
ESP_API bool esp_next_event(struct esp_ctx *ctx, struct esp_event *ev);

/*
 * Earliest pending time-lifetime deadline (soft not yet raised, or hard) of
 * any live SA, in the caller's monotonic ns; UINT64_MAX if none.  O(SAs).
 */
ESP_API uint64_t esp_next_timeout(const struct esp_ctx *ctx);

/*
 * Raises the time-lifetime events due at now (soft, hard; a hard-expired
 * SA refuses traffic with ESP_E_EXPIRED until deleted).  Returns the number
 * of events raised (>= 0), or ESP_E_INVAL if ctx is NULL.
 */
ESP_API int esp_handle_timeout(struct esp_ctx *ctx, uint64_t now);

#ifdef __cplusplus
}
#endif

#endif /* ESP_H */
