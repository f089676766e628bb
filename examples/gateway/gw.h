/*
 * gw.h - the core of vpn-gateway: libisakmp, libesp, libl2tp, libppp and
 * libfw composed into an L2TP/IPsec gateway, sans-I/O.
 *
 * The core owns no socket, no device, no clock and no thread: the daemon
 * (main.c) or a test feeds it packets with the time, and sends what it is
 * told to.  That is what lets tests/gateway run a gateway and many clients
 * in memory, through a simulated NAT, with time advanced by hand.
 *
 * Packets travel in caller buffers (struct rg_pkt) and are transformed in
 * place: a UDP/4500 datagram becomes, in the same buffer, the IP packet
 * written to the TUN device; an IP packet read from TUN becomes the ESP
 * packet sent to the client.  A buffer handed to gw_input() MUST have
 * RG_HEADROOM bytes before the data and RG_TAILROOM after it.  Nothing is
 * allocated or copied per data packet.  Control messages (IKE, L2TP control,
 * PPP control, ICMP errors the gateway originates) are pulled with
 * gw_next_output() into buffers the caller provides.
 *
 * Addresses and ports are host byte order.  Time is monotonic ns.
 */
#ifndef GW_H
#define GW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "pkt.h"

/* Counters of the gateway itself (the libraries keep their own). */
struct gw_stats {
	uint64_t rx_udp, rx_esp, rx_tun, tx_udp, tx_esp, tx_tun;
	uint64_t ike_in, ike_drop, esp_in, keepalive_in, l2tp_clear_refused;
	uint64_t esp_drop, l2tp_drop, ppp_drop, fw_drop, tun_drop;
	uint64_t no_route, no_session, spoofed, too_big_icmp, fragmented;
	uint64_t bad_ip, not_udp, not_l2tp, unknown_port, no_sa_out;
	uint64_t peers_up, peers_down, sessions_up, sessions_down;
	uint64_t clients_up;		/* setups completed: IPCP up with an address */
	uint64_t auth_ok, auth_fail, pool_exhausted, limit_refused;
	uint64_t icmp_sent, output_dropped;
};

/* Log categories (the router's debug switches). */
enum gw_log_cat {
	GW_LOG_GW = 0, GW_LOG_ISAKMP, GW_LOG_IPSEC, GW_LOG_L2TP, GW_LOG_PPP,
	GW_LOG_FIRE, GW_LOG_NCAT
};

struct gw_hooks {
	void *user;
	/* Randomness (required): fills buf, returns 0. */
	int (*rng)(void *user, void *buf, size_t len);
	/* One log line (optional): level is syslog-style (3 error .. 7 debug). */
	void (*log)(void *user, enum gw_log_cat cat, int level, const char *msg);
	/* Wireshark key log (optional; NULL = off, the default).  One row of
	 * Wireshark's UAT table "ikev1_decryption_table" (when a phase 1 comes
	 * up) or "esp_sa" (each direction of an IPsec SA that comes up), in the
	 * exact text of that table's file.  The row holds keys: write it where
	 * only root reads it, and nowhere else. */
	void (*keylog)(void *user, const char *table, const char *row);
};

/* The most clients (PPP sessions) one gateway takes: each has its own libfw
 * interface id, a 16-bit number shared with the configured interfaces. */
#define GW_MAX_CLIENTS 65000u

/* Settings that are not in the router's script (command line). */
struct gw_options {
	uint32_t public_ip;	/* our internet address (eth0's); 0 = from conf */
	uint32_t lan_ip;	/* the address given as IPCP local address;
				 * 0 = the first private interface's */
	uint16_t nat_port_min;	/* VPN users' enhanced NAT range on public_ip */
	uint16_t nat_port_max;
	uint32_t max_peers;	/* 0 = 16384 */
	uint32_t max_sessions;	/* 0 = 16384, at most GW_MAX_CLIENTS (gw_new
				 * refuses more) */
	uint32_t max_flows;	/* 0 = 262144 */
	bool debug[GW_LOG_NCAT];
};

struct gw;

/*
 * Creates the core from a checked configuration (gwconf_check passed).
 * The configuration is copied.  Returns 0 or -1 with a reason in err.
 */
int gw_new(struct gw **out, const struct gwconf *conf,
    const struct gw_options *opt, const struct gw_hooks *hooks,
    char *err, size_t errlen);
void gw_free(struct gw *gw);

/*
 * Processes n received packets in place.  For each, sets path to where the
 * result must go (RG_PATH_NONE: nothing to send) and off/len/local/remote
 * accordingly.  The caller then sends them (in order) and calls
 * gw_next_output() until it returns false.
 */
void gw_input(struct gw *gw, uint64_t now, struct rg_pkt *pkts, size_t n);

/*
 * Fills p (buf/cap set by the caller, cap >= RG_BUF_SIZE) with the next
 * control packet to send.  Returns false when there is none.
 */
bool gw_next_output(struct gw *gw, uint64_t now, struct rg_pkt *p);

/* Earliest time gw_handle_timeout() must run, UINT64_MAX if none. */
uint64_t gw_next_timeout(const struct gw *gw);
void gw_handle_timeout(struct gw *gw, uint64_t now);

/*
 * Orderly shutdown: PPP Terminate, then CDN/StopCCN, then IPsec and ISAKMP
 * Deletes (when senddeletes=true).  Keep driving the core (timeouts,
 * outputs) until gw_shutdown_done() or a deadline of the caller's.
 */
void gw_shutdown(struct gw *gw, uint64_t now);
bool gw_shutdown_done(const struct gw *gw);

/*
 * Applies a new configuration's users, pools and PPP settings without
 * dropping established clients (SIGHUP).  Lines saying what could not be
 * applied go to the log; returns the number of such problems.
 */
int gw_reload(struct gw *gw, uint64_t now, const struct gwconf *conf);

/* The internet address the core uses (public interface). */
uint32_t gw_public_ip(const struct gw *gw);

/* libfw's counters (false when the firewall is off). */
struct fw_stats;
bool gw_fw_stats(const struct gw *gw, struct fw_stats *st);

/* Counts. */
void gw_get_stats(const struct gw *gw, struct gw_stats *st);
size_t gw_peer_count(const struct gw *gw);
size_t gw_session_count(const struct gw *gw);

/* One connected client, for tests, logs and the operator (show user=). */
struct gw_client_info {
	char user[64];
	uint32_t addr;		/* PPP address, 0 before IPCP */
	struct rg_ep remote;	/* outer address after NAT */
	uint64_t up_ns;
	bool ipcp_up;
};
/* Iterates the PPP sessions: *cursor = 0 first; false at the end. */
bool gw_client_next(const struct gw *gw, size_t *cursor, struct gw_client_info *ci);

/* The tunnel MTU the core uses for a suite (for tests/logs). */
uint16_t gw_mtu_for(const struct gw *gw, int enc_alg, int integ_alg, bool udp_encap);

#endif
