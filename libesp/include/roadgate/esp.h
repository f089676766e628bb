/*
 * esp.h - public API of libesp: ESP (RFC 4303) in transport and tunnel mode,
 * UDP encapsulation for NAT traversal (RFC 3948), a security association
 * database (SAD) with O(1) lookup of inbound SAs by SPI, RFC 4303 §3.4.3
 * anti-replay, per-SA traffic selectors and peer endpoint tracking (NAT
 * rebinding).
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t now); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative ESP_E_* codes; esp_strerror() names them.  Codes -1
 *    to -15 are the block common to all roadgate libraries (same names and
 *    values); libesp's own codes start at -32.
 *  - One context per thread; contexts share nothing.
 *  - Pointers passed in are borrowed for the duration of the call only,
 *    unless a function says otherwise.  No function accepts NULL for a
 *    pointer argument unless its documentation says so (ESP_E_INVAL).
 *  - Packets are transformed in place in the caller's buffer: the caller
 *    reserves ESP_HEADROOM bytes before and ESP_TAILROOM bytes after the data
 *    (see esp_sa_encrypt()); libesp never allocates or copies per packet.
 *  - IPv4 addresses and ports in structs are in host byte order.
 *  - Memory: the context, its SA tables, timer heap, event queue and SAs come
 *    from hooks.alloc; OpenSSL allocates its own cipher/MAC contexts (one set
 *    per SA, at esp_sa_add) with its allocator.  Nothing is allocated per
 *    packet.
 *  - Bad packets only harm themselves: each rejection has its own ESP_E_*
 *    code, a counter (struct esp_sa_stats / struct esp_stats) and one debug
 *    log line with the reason and the numbers.
 *  - SA handles (struct esp_sa *) are owned by the context and valid until
 *    esp_sa_delete() or esp_ctx_free().  Inbound SAs are found by SPI
 *    (esp_sa_find); outbound SAs are addressed by their handle only, so two
 *    peers may choose the same outbound SPI.
 *
 * Lifetimes: who owns what.  With IKE (libisakmp) the key manager owns TIME
 * lifetimes: it rekeys at its soft point, sends a Delete and reports the SA
 * down at the end; the caller then calls esp_sa_delete().  So the caller
 * leaves esp_sa_config.soft.time_ns and hard.time_ns 0.  libesp owns BYTE
 * and PACKET limits (it counts them per packet): it raises
 * ESP_EV_SOFT_EXPIRE / ESP_EV_HARD_EXPIRE, which the caller forwards to the
 * key manager (isakmp_ipsec_sa_rekey() / isakmp_ipsec_sa_delete(...,
 * ISAKMP_REASON_EXPIRED)).  Time lifetimes still work for callers without a
 * key manager (static keys): esp_next_timeout() / esp_handle_timeout().
 *
 * UDP port 4500 (RFC 3948 §2): esp_udp_classify() tells ESP, IKE and
 * NAT-keepalives apart.  The caller passes a datagram classified as IKE to
 * isakmp_input() unchanged (non-ESP marker included); libisakmp checks and
 * strips the marker (and prepends it on its output from port 4500).
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

#define ESP_VERSION_MAJOR 1
#define ESP_VERSION_MINOR 0
#define ESP_VERSION_PATCH 0
#define ESP_VERSION_STRING "1.0.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with ESP_VERSION_STRING to detect a header /
 * library mismatch.
 */
ESP_API const char *esp_version(void);

/* Error codes: every function returns 0 (ESP_OK) or one of these. */
enum esp_error {
	ESP_OK = 0,
	/* The block common to all roadgate libraries (-1 .. -15). */
	ESP_E_INVAL = -1,	/* bad argument or SA configuration */
	ESP_E_NOMEM = -2,	/* allocation hook failed */
	ESP_E_RNG = -3,		/* the rng hook failed */
	ESP_E_CRYPTO = -4,	/* the crypto library failed */
	ESP_E_BUFFER = -5,	/* headroom, tailroom or output buffer short */
	ESP_E_AGAIN = -6,	/* nothing to return (not used by libesp) */
	ESP_E_LIMIT = -7,	/* configured table limit reached (max_sas) */
	ESP_E_STATE = -8,	/* not valid in the current state (not used) */
	ESP_E_EXISTS = -9,	/* an inbound SA with this SPI exists */
	ESP_E_NOT_FOUND = -10,	/* handle is not an SA of this context */
	ESP_E_TRUNCATED = -11,	/* shorter than the headers it must hold */
	ESP_E_BAD_LENGTH = -12,	/* a length field lies (pad, IP length) */
	ESP_E_VERSION = -13,	/* unsupported protocol version (not used) */
	ESP_E_DUPLICATE = -14,	/* duplicate message (not used: see REPLAY) */
	ESP_E_QUEUE_FULL = -15,	/* queue full (not used: events are counted) */
	/* libesp's own codes. */
	ESP_E_NO_SA = -32,	/* inbound packet for an unknown SPI */
	ESP_E_ALIGN = -33,	/* ciphertext not a multiple of the block */
	ESP_E_AUTH = -34,	/* ICV mismatch */
	ESP_E_REPLAY = -35,	/* sequence number already received */
	ESP_E_TOO_OLD = -36,	/* sequence number left of the replay window */
	ESP_E_BAD_PAD = -37,	/* padding bytes are not 1, 2, 3, ... */
	ESP_E_BAD_NEXT_HDR = -38, /* next header not allowed for the SA mode */
	ESP_E_DUMMY = -39,	/* dummy packet (next header 59), discard */
	ESP_E_SEQ_EXHAUSTED = -40, /* outbound sequence number would wrap */
	ESP_E_EXPIRED = -41,	/* SA reached a hard lifetime */
	ESP_E_UNSUPPORTED = -42, /* algorithm unknown or not allowed (DES) */
	ESP_E_WRONG_DIR = -43,	/* inbound SA used for output or vice versa */
	ESP_E_BAD_IP = -44,	/* not a well-formed IPv4 packet */
	ESP_E_NOT_ESP = -45,	/* IPv4 packet is neither ESP nor ESP-in-UDP */
	ESP_E_SELECTOR = -46	/* authentic, outside the selectors */
};

/*
 * Returns a static English description of an ESP_E_* code (or of ESP_OK);
 * never NULL, "unknown error" for anything else.
 */
ESP_API const char *esp_strerror(int err);

/* Log levels passed to hooks.log (syslog numbering). */
#define ESP_LOG_ERROR	3
#define ESP_LOG_WARN	4
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
	uint32_t max_sas;	/* SAD capacity (both directions); 0 = 1024;
				   at most 2^24 */
	uint32_t replay_window;	/* default window, packets; 0 = 64; 64..4096 */
	uint32_t max_events;	/* event queue capacity; 0 = 256; <= 2^20 */
	bool allow_des;		/* permit single DES-CBC (legacy provider) */
	/*
	 * Outbound sequence numbers left before wrap at which ESP_EV_REKEY is
	 * raised (packets); 0 = 2^24.  Must be smaller than 2^31.
	 */
	uint32_t rekey_margin;
};

struct esp_ctx;
struct esp_sa;

/*
 * Creates a context.  cfg may be NULL (all defaults); otherwise cfg->size
 * MUST be sizeof(struct esp_config).  hooks is copied; hooks->rng is
 * required.  The rng is called once here (hash seed) and once per CBC packet
 * for its IV.
 * Returns ESP_OK and *out, or ESP_E_INVAL (bad config/hooks, out NULL),
 * ESP_E_NOMEM, ESP_E_RNG, ESP_E_CRYPTO (OpenSSL library context or providers
 * failed).  When allow_des is set, the OpenSSL legacy provider is loaded into
 * a library context owned by this esp context (never the process default)
 * and a warning is logged.
 */
ESP_API int esp_ctx_new(struct esp_ctx **out, const struct esp_config *cfg,
    const struct esp_hooks *hooks) ESP_WUR;

/*
 * Frees the context and every SA in it, wiping all keys.  NULL-safe.  Every
 * SA handle of the context is invalid afterwards.
 */
ESP_API void esp_ctx_free(struct esp_ctx *ctx);

/*
 * Algorithms.  Values are the IKEv1 IPsec DOI transform IDs where they exist
 * (== enum isakmp_esp_enc / enum isakmp_integ: a key manager's SA
 * description is copied field by field, never translated).
 */
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
	/* HMAC-SHA-256 truncated to 96 bits, for old peers (opt-in); 32-byte
	 * key.  A local value (no wire ID). */
	ESP_INTEG_HMAC_SHA256_96 = 0x100
};

enum esp_dir { ESP_DIR_IN = 1, ESP_DIR_OUT = 2 };
enum esp_mode { ESP_MODE_TRANSPORT = 1, ESP_MODE_TUNNEL = 2 };

/*
 * Static names for logs and `show` ("aes-gcm-16", "hmac-sha1-96", "in",
 * "tunnel", ...); "unknown" for a value outside the enum.  Never NULL.
 */
ESP_API const char *esp_enc_alg_name(enum esp_enc_alg alg);
ESP_API const char *esp_integ_alg_name(enum esp_integ_alg alg);
ESP_API const char *esp_dir_name(enum esp_dir dir);
ESP_API const char *esp_mode_name(enum esp_mode mode);

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
 * Lifetime limits; 0 = unlimited.  Soft limits raise ESP_EV_SOFT_EXPIRE once
 * (rekey).  At a hard limit ESP_EV_HARD_EXPIRE is raised and the SA refuses
 * traffic with ESP_E_EXPIRED: the packet that reaches (or crosses) a hard
 * byte/packet limit is the last one processed.
 * bytes and packets are libesp's (see "Lifetimes" at the top): bytes are
 * payload bytes through the SA (what esp_sa_encrypt() was given, what
 * esp_input() returned), e.g. hard = life_kb * 1024.  time_ns is relative to
 * esp_sa_add()'s now; leave it 0 when a key manager owns time lifetimes.
 */
struct esp_lifetime {
	uint64_t bytes;
	uint64_t packets;
	uint64_t time_ns;
};

/* Key sizes (== ISAKMP_ESP_KEY_MAX, _INTEG_KEY_MAX, ISAKMP_SALT_LEN). */
#define ESP_KEY_MAX		32
#define ESP_INTEG_KEY_MAX	64
#define ESP_SALT_LEN		4

/* An outer IPv4 address and UDP port (host byte order; port 0 = none). */
struct esp_endpoint {
	uint32_t ip;
	uint16_t port;
};

/*
 * Everything needed to install an SA (what the key exchange delivers; the
 * fields line up one to one with libisakmp's struct isakmp_ipsec_sa: for the
 * inbound SA take spi_in and the *_in keys, for the outbound SA spi_out and
 * the *_out keys; local_addr/encap_sport = local.ip/port,
 * peer_addr/encap_dport = remote.ip/port).  Keys are copied into the SA; wipe
 * this struct after esp_sa_add().
 */
struct esp_sa_config {
	size_t size;		/* MUST be sizeof(struct esp_sa_config) */
	uint32_t spi;		/* != 0; network value as a host integer */
	enum esp_dir dir;
	enum esp_mode mode;
	enum esp_enc_alg enc_alg;
	uint8_t enc_key[ESP_KEY_MAX];
	size_t enc_key_len;	/* bytes WITHOUT the AEAD salt */
	uint8_t salt[ESP_SALT_LEN];	/* AEAD only: last 4 bytes of KEYMAT */
	enum esp_integ_alg integ_alg;
	uint8_t integ_key[ESP_INTEG_KEY_MAX];
	size_t integ_key_len;	/* bytes */
	bool esn;		/* 64-bit extended sequence numbers */
	uint32_t replay_window;	/* inbound, packets; 0 = context default;
				   64..4096 */
	/*
	 * Outer addresses.  local_addr -> peer_addr is the outer header of
	 * tunnel mode (esp_ipv4_encap); in both modes peer_addr/encap_dport is
	 * the peer's endpoint as libesp tracks it (NAT rebinding, see
	 * esp_input) and reports it (esp_sa_peer, esp_sa_next).
	 */
	uint32_t local_addr;
	uint32_t peer_addr;
	/* RFC 3948 UDP encapsulation: ESP in UDP with these ports (4500). */
	bool udp_encap;
	uint16_t encap_sport;	/* our port (outbound source) */
	uint16_t encap_dport;	/* the peer's port (outbound destination) */
	/*
	 * NAT-OA (RFC 3947), used by an inbound transport-mode SA to fix the
	 * TCP/UDP checksum after UDP encapsulation.  natoa_valid = false if
	 * unknown.
	 */
	bool natoa_valid;
	uint32_t natoa_src;	/* the peer's original (pre-NAT) source */
	uint32_t natoa_dst;	/* original destination: our address as the
				   peer saw it */
	enum esp_natt_csum natt_csum;
	/*
	 * Traffic selectors of an inbound SA (0 = any), checked on every
	 * decrypted packet by esp_sa_check_selectors(): protocol, our port
	 * (the packet's destination port) and the peer's port (its source
	 * port).  E.g. L2TP/IPsec: 17, 1701, 0.  Ignored on outbound SAs.
	 */
	uint8_t sel_protocol;
	uint16_t sel_local_port;
	uint16_t sel_remote_port;
	struct esp_lifetime soft;
	struct esp_lifetime hard;
	/*
	 * Inbound SA: its outbound sibling (a handle of this context, or
	 * NULL).  When the peer moves (esp_input, esp_sa_set_peer) the pair
	 * moves with it.  Deleting the outbound SA first is allowed (the link
	 * is cleared).  MUST be NULL for an outbound SA.
	 */
	struct esp_sa *pair;
	uint64_t user;		/* opaque tag, in events, rx and info */
};

/*
 * Installs an SA.  now = current time (creation time; time lifetimes).  On
 * success *out (out may be NULL if not wanted) is a handle owned by the
 * context, valid until esp_sa_delete() or esp_ctx_free().  Inbound SAs are
 * indexed by SPI; outbound SAs are not (any number may share an SPI).
 * Errors: ESP_E_INVAL (NULL ctx/cfg, wrong cfg->size, SPI 0, bad dir, mode,
 * natt_csum, key length, window, integrity with AEAD, NULL+NULL, a pair on an
 * outbound SA or a pair that is not outbound), ESP_E_NOT_FOUND (pair is not
 * an SA of this context), ESP_E_UNSUPPORTED (unknown algorithm, DES without
 * allow_des), ESP_E_EXISTS (an inbound SA with this SPI exists), ESP_E_LIMIT
 * (max_sas reached, counted in stats.sa_limit), ESP_E_NOMEM, ESP_E_CRYPTO.
 */
ESP_API int esp_sa_add(struct esp_ctx *ctx, uint64_t now,
    const struct esp_sa_config *cfg, struct esp_sa **out) ESP_WUR;

/* Finds the INBOUND SA with this SPI in O(1); NULL if none (or ctx NULL). */
ESP_API struct esp_sa *esp_sa_find(const struct esp_ctx *ctx, uint32_t spi);

/*
 * Removes an SA, wiping its keys; sa is invalid afterwards.  NULL-safe.
 * sa MUST be a live handle; a handle of another context is ignored (error
 * logged).  Never touches another SA (other than clearing a pair link to
 * it).  Events still queued for it keep their spi,
 * dir and user but get sa = NULL.
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
	uint64_t buffer;	/* ESP_E_BUFFER: head/tailroom short */
	uint64_t expired;
	uint64_t seq_exhausted;
	uint64_t crypto_fail;
	uint64_t rng_fail;
	uint64_t selector;	/* ESP_E_SELECTOR: authentic, refused */
	uint64_t peer_moved;	/* NAT rebindings seen by esp_input */
};

/* Copies the SA's counters into *st (no-op if either is NULL). */
ESP_API void esp_sa_get_stats(const struct esp_sa *sa, struct esp_sa_stats *st);
/* The SPI, direction and user tag of an SA; sa MUST be a valid handle. */
ESP_API uint32_t esp_sa_spi(const struct esp_sa *sa);
ESP_API enum esp_dir esp_sa_dir(const struct esp_sa *sa);
ESP_API uint64_t esp_sa_user(const struct esp_sa *sa);
/*
 * Replaces the SA's user tag (returned from now on; events already queued
 * keep the old one).  NULL-safe.
 */
ESP_API void esp_sa_set_user(struct esp_sa *sa, uint64_t user);
/*
 * The peer endpoint the SA currently records (peer_addr, encap_dport; moved
 * by NAT rebinding): where an outbound SA's packets go.  sa and ep MUST be
 * valid.
 */
ESP_API void esp_sa_peer(const struct esp_sa *sa, struct esp_endpoint *ep);
/*
 * Outbound SA: the last sequence number sent (0 before the first packet);
 * inbound SA: the highest sequence number accepted (64-bit with ESN), or 0
 * for an SA without integrity (no anti-replay window, see esp_input()).
 */
ESP_API uint64_t esp_sa_seq(const struct esp_sa *sa);

/*
 * Moves the SA's recorded peer endpoint to *ep, for when the key manager saw
 * the peer move first (ISAKMP_EV_PEER_MOVED).  Moves the linked SAs too: an
 * inbound SA's pair, or the inbound SAs whose pair an outbound SA is.  With
 * udp_encap the port moves as well; without, only the address.  Sequence
 * numbers and windows are untouched; no event is raised (the caller knows).
 * Errors: ESP_E_INVAL (NULL argument), ESP_E_NOT_FOUND (sa is not an SA of
 * this context).
 */
ESP_API int esp_sa_set_peer(struct esp_ctx *ctx, struct esp_sa *sa,
    const struct esp_endpoint *ep) ESP_WUR;

/* Context-wide counters (packets not attributable to an SA, tables). */
struct esp_stats {
	uint64_t sas;		/* SAs installed now */
	uint64_t sa_limit;	/* esp_sa_add refused by max_sas */
	uint64_t no_sa;		/* inbound for unknown SPI */
	uint64_t truncated;	/* too short to carry an SPI */
	uint64_t bad_ip;	/* malformed IPv4 around ESP */
	uint64_t not_esp;
	uint64_t wrong_dir;	/* esp_sa_encrypt with an inbound SA */
	uint64_t events_dropped; /* event queue full */
	uint64_t keepalives;	/* NAT-keepalives classified */
	uint64_t ike;		/* non-ESP-marker packets classified */
	uint64_t peer_moved;	/* NAT rebindings (all SAs) */
};

/* Copies the context counters into *st (no-op if either is NULL). */
ESP_API void esp_get_stats(const struct esp_ctx *ctx, struct esp_stats *st);

/*
 * What `show` prints about one SA (no keys).  Times in the caller's
 * monotonic ns; UINT64_MAX = none.
 */
struct esp_sa_info {
	struct esp_sa *sa;	/* the handle */
	uint32_t spi;
	enum esp_dir dir;
	enum esp_mode mode;
	enum esp_enc_alg enc_alg;
	uint32_t enc_key_bits;	/* without the salt */
	enum esp_integ_alg integ_alg;
	uint32_t integ_key_bits;
	bool esn;
	bool udp_encap;
	struct esp_endpoint local;	/* local_addr, encap_sport */
	struct esp_endpoint peer;	/* now (peer_addr, encap_dport) */
	struct esp_sa *pair;	/* inbound: its outbound sibling or NULL */
	bool natoa_valid;
	uint32_t natoa_src, natoa_dst;
	uint8_t sel_protocol;
	uint16_t sel_local_port, sel_remote_port;
	uint64_t user;
	uint64_t created_ns;	/* esp_sa_add's now */
	uint64_t seq;		/* as esp_sa_seq() */
	uint32_t replay_window;	/* inbound with integrity; else 0 */
	struct esp_lifetime soft, hard;
	uint64_t soft_expire_ns;	/* absolute time deadlines */
	uint64_t hard_expire_ns;
	bool soft_expired;	/* soft event raised */
	bool hard_expired;	/* refuses traffic (or hard time passed) */
	struct esp_sa_stats stats;
};

/*
 * Enumerates the SAs for `show`: start with *cursor = 0; each call fills
 * *info with the next SA and returns true, false at the end.  The table MUST
 * NOT change (add/delete) between the calls of one walk.  now is used for
 * hard_expired.  false also if any argument is NULL.
 */
ESP_API bool esp_sa_next(const struct esp_ctx *ctx, uint64_t now,
    size_t *cursor, struct esp_sa_info *info);

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
 * Encapsulates in place (RFC 4303 §3.3) with an OUTBOUND SA.  Input: the
 * payload (for transport mode the transport header onwards, for tunnel mode
 * the inner IP packet) at buf[*off, *off + *len), with *off >= ESP_HEADROOM
 * (or at least the SA's header+IV length) and cap - *off - *len >=
 * ESP_TAILROOM.  Output: the ESP packet at buf[*off, *off + *len) (SPI ...
 * ICV); send it to esp_sa_peer().  next_header is the IP protocol of the
 * payload (17 = UDP, 4 = IPv4 in tunnel mode).
 * CBC IVs come from hooks.rng; AEAD IVs are the 64-bit sequence number.
 * Counts packets/bytes against the lifetimes and may queue events.
 * Errors: ESP_E_INVAL, ESP_E_WRONG_DIR, ESP_E_BUFFER, ESP_E_EXPIRED,
 * ESP_E_SEQ_EXHAUSTED, ESP_E_RNG, ESP_E_CRYPTO.  On error buf is unchanged
 * or holds garbage; the sequence number is not consumed.
 */
ESP_API int esp_sa_encrypt(struct esp_ctx *ctx, uint64_t now,
    struct esp_sa *sa, uint8_t next_header, uint8_t *buf, size_t cap,
    size_t *off, size_t *len) ESP_WUR;

/* Result of inbound processing. */
struct esp_rx {
	struct esp_sa *sa;	/* the SA it came through (context-owned) */
	uint64_t user;		/* that SA's user tag */
	uint32_t spi;
	uint64_t seq;		/* full (ESN-inferred) sequence number */
	uint8_t next_header;	/* protocol of the payload */
	size_t off;		/* payload at pkt[off, off + len) */
	size_t len;
	bool peer_moved;	/* this packet moved the SA's peer (see
				   esp_input); ESP_EV_PEER_MOVED was queued
				   too unless the queue was full */
};

/*
 * Decapsulates an ESP packet (SPI ... ICV, e.g. the payload of a UDP/4500
 * datagram classified ESP_UDP_ESP) in place: finds the inbound SA by SPI,
 * verifies the ICV in constant time, then checks the anti-replay window,
 * decrypts, checks padding and next header, updates the window, and checks
 * the SA's selectors (esp_sa_check_selectors).  On success *rx describes the
 * payload inside pkt (valid while pkt is).
 * from: the outer source the packet came from (UDP/4500: ip and port; raw
 * ESP: ip, port 0), or NULL if the caller does not track peers.
 * NAT rebinding (a NAT may remap the peer at any time): when the packet is
 * authentic and new (its sequence number is higher than any accepted
 * before: never a replayed or reordered old packet) and *from differs from
 * the SA's recorded peer (address, and port with udp_encap), the SA's peer
 * and its pair's move to *from: rx->peer_moved = true, stats.peer_moved
 * counters, an info log line and ESP_EV_PEER_MOVED.  Outbound sequence
 * numbers are not restarted.  An SA without integrity never moves (nothing
 * is authenticated).  The caller tells the key manager (isakmp_peer_moved).
 * Errors (each with its own counter; none but ESP_E_SELECTOR changes the
 * replay window): ESP_E_TRUNCATED, ESP_E_NO_SA, ESP_E_EXPIRED, ESP_E_ALIGN,
 * ESP_E_AUTH, ESP_E_REPLAY, ESP_E_TOO_OLD, ESP_E_BAD_LENGTH, ESP_E_BAD_PAD,
 * ESP_E_BAD_NEXT_HDR, ESP_E_DUMMY, ESP_E_CRYPTO, ESP_E_INVAL, and
 * ESP_E_SELECTOR (authentic, so the window was updated, but the payload is
 * outside the SA's selectors and refused; it never moves the peer).  On
 * error the bytes of pkt may have been changed (decrypted data is wiped) and
 * *rx is zeroed.
 * An SA without integrity (CBC with ESP_INTEG_NONE) has no anti-replay
 * window (RFC 4303 §1): its sequence numbers are not authenticated, so
 * replays are accepted and never give ESP_E_REPLAY / ESP_E_TOO_OLD.
 */
ESP_API int esp_input(struct esp_ctx *ctx, uint64_t now, uint8_t *pkt,
    size_t len, const struct esp_endpoint *from, struct esp_rx *rx) ESP_WUR;

/*
 * The selector check esp_input() applies (the one place it is done): does
 * the decrypted payload pkt[rx->off, rx->off + rx->len) of inbound SA sa, as
 * esp_input() returned it, fit the SA's selectors?  Transport mode: the
 * transport header is at rx->off and rx->next_header its protocol; tunnel
 * mode: the inner IPv4 header is at rx->off.  Inbound: protocol ==
 * sel_protocol, destination port == sel_local_port, source port ==
 * sel_remote_port (each only when nonzero; ports are read from TCP, UDP,
 * SCTP, UDP-Lite and DCCP, whose headers start with them).  A payload whose
 * ports cannot be read (other protocol, shorter than 4 bytes, a non-first
 * inner fragment, inner IPv6 or a malformed inner IPv4 header) does not fit
 * a selector with ports.  Pure: no counter, no log (esp_input counts and
 * logs).  Returns ESP_OK (fits, or the SA has no selectors), ESP_E_SELECTOR,
 * ESP_E_WRONG_DIR (outbound SA) or ESP_E_INVAL (NULL argument, rx->off +
 * rx->len overflows).  Not for esp_ipv4_decap()'s transport-mode rx (which
 * points at the rebuilt IP header): that function already ran the check.
 */
ESP_API int esp_sa_check_selectors(const struct esp_sa *sa, const uint8_t *pkt,
    const struct esp_rx *rx) ESP_WUR;

/*
 * IPv4 helpers.  esp_ipv4_encap turns the IPv4 packet at buf[*off, *off+*len)
 * into the packet to send, in place, with an OUTBOUND SA:
 *  - transport mode: IP header | [UDP 4500] | ESP(transport header ...), with
 *    protocol 50 (or 17), total length and header checksum fixed;
 *  - tunnel mode: new outer header local_addr -> peer_addr | [UDP] |
 *    ESP(whole inner packet, next header 4).
 * With udp_encap the UDP header carries encap_sport/encap_dport (the current
 * peer port) and checksum 0 (RFC 3948 §2.1).  Room as for esp_sa_encrypt().
 * Transport mode refuses IPv4 fragments with ESP_E_BAD_IP (RFC 4303 §3.3.4:
 * fragment after ESP, not before); tunnel mode carries them.
 * Errors: those of esp_sa_encrypt(), ESP_E_BAD_IP.
 */
ESP_API int esp_ipv4_encap(struct esp_ctx *ctx, uint64_t now,
    struct esp_sa *sa, uint8_t *buf, size_t cap, size_t *off, size_t *len)
    ESP_WUR;

/*
 * Reverses esp_ipv4_encap on a received IPv4 packet (protocol 50, or UDP with
 * an ESP payload; UDP carrying IKE or a keepalive gives ESP_E_NOT_ESP) at
 * pkt[0, len): on success the inner packet is at pkt[rx->off,
 * rx->off + rx->len) and rx->next_header is its protocol (tunnel mode: 4 for
 * IPv4, whose header is checked, or 41 for IPv6, passed on unchecked).
 * The outer source (IP source address, and UDP source port if encapsulated)
 * is passed to esp_input() as from, so NAT rebinding is tracked.  Selectors
 * are checked by esp_input().  Transport mode rebuilds the header (protocol,
 * total length, checksum) and, after UDP encapsulation, fixes the TCP/UDP
 * checksum per the SA's natt_csum.  Fragments are refused (ESP_E_BAD_IP):
 * reassemble first.
 * Errors: those of esp_input(), ESP_E_BAD_IP, ESP_E_NOT_ESP.  In tunnel
 * mode an authentic packet whose inner IPv4 header is malformed gives
 * ESP_E_BAD_IP after the ESP layer accepted it (window updated, counted).
 */
ESP_API int esp_ipv4_decap(struct esp_ctx *ctx, uint64_t now, uint8_t *pkt,
    size_t len, struct esp_rx *rx) ESP_WUR;

/* RFC 3948 §2: what a datagram received on UDP port 4500 carries. */
enum esp_udp_kind {
	ESP_UDP_ESP = 1,	/* ESP packet: hand to esp_input */
	ESP_UDP_IKE = 2,	/* IKE: hand the whole payload, non-ESP marker
				   included, unchanged to isakmp_input() */
	ESP_UDP_KEEPALIVE = 3	/* NAT-keepalive (single 0xFF): drop */
};

#define ESP_NON_ESP_MARKER_LEN 4

/*
 * Classifies a UDP/4500 payload.  Returns ESP_UDP_* or ESP_E_TRUNCATED (not
 * a keepalive, not a 4-byte non-ESP marker, and fewer than 8 bytes for an ESP
 * header) or ESP_E_INVAL (payload NULL).  For ESP_UDP_IKE the caller passes
 * the datagram to isakmp_input() unchanged, marker included: libisakmp checks
 * and strips the marker.  ctx may be NULL; if not, the keepalives/ike/
 * truncated counters are updated.
 */
ESP_API int esp_udp_classify(struct esp_ctx *ctx, const uint8_t *payload,
    size_t len) ESP_WUR;

/*
 * Writes the NAT-keepalive UDP payload (one 0xFF byte, RFC 3948 §2.3) into
 * buf.  Returns the length (1), ESP_E_BUFFER if cap < 1 or ESP_E_INVAL if
 * buf is NULL.
 */
ESP_API int esp_keepalive_build(uint8_t *buf, size_t cap) ESP_WUR;

/* Events. */
enum esp_event_type {
	ESP_EV_SOFT_EXPIRE = 1,	/* soft lifetime reached: rekey */
	ESP_EV_HARD_EXPIRE = 2,	/* hard lifetime: SA refuses traffic now */
	ESP_EV_REKEY = 3,	/* sequence numbers near exhaustion */
	ESP_EV_PEER_MOVED = 4	/* NAT rebinding: endpoint = the new peer */
};

enum esp_limit_kind {
	ESP_LIMIT_NONE = 0,	/* PEER_MOVED */
	ESP_LIMIT_BYTES = 1,
	ESP_LIMIT_PACKETS = 2,
	ESP_LIMIT_TIME = 3,
	ESP_LIMIT_SEQ = 4
};

/* Static names ("soft-expire", "bytes", ...); "unknown" otherwise. */
ESP_API const char *esp_event_name(enum esp_event_type type);
ESP_API const char *esp_limit_name(enum esp_limit_kind limit);

struct esp_event {
	enum esp_event_type type;
	enum esp_limit_kind limit;	/* *_EXPIRE, REKEY: which limit */
	/*
	 * The SA (context-owned).  Valid until the caller deletes it; an event
	 * still queued when its SA is deleted gets sa = NULL.
	 */
	struct esp_sa *sa;
	uint32_t spi;
	enum esp_dir dir;
	uint64_t user;		/* SA user tag */
	struct esp_endpoint endpoint;	/* PEER_MOVED: the new peer */
	struct esp_endpoint prev;	/* PEER_MOVED: where it was */
};

/*
 * Pops the oldest queued event into *ev; false if none (or an argument is
 * NULL).  The queue holds max_events; events raised while it is full are
 * dropped and counted (stats.events_dropped).  Soft and hard events are
 * raised once per SA.  Events carry no keys.
 */
ESP_API bool esp_next_event(struct esp_ctx *ctx, struct esp_event *ev);

/*
 * Earliest pending time-lifetime deadline (soft not yet raised, or hard) of
 * any live SA, in the caller's monotonic ns; UINT64_MAX if none (or ctx
 * NULL).  O(1).
 */
ESP_API uint64_t esp_next_timeout(const struct esp_ctx *ctx);

/*
 * Raises the time-lifetime events due at now (soft, hard; a hard-expired
 * SA refuses traffic with ESP_E_EXPIRED until deleted).  O(k log n) for the
 * k SAs due.  Returns the number of events raised (>= 0), or ESP_E_INVAL if
 * ctx is NULL.
 */
ESP_API int esp_handle_timeout(struct esp_ctx *ctx, uint64_t now);

#ifdef __cplusplus
}
#endif

#endif /* ESP_H */
