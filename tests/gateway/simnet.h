/*
 * simnet.h - an in-memory internet for the gateway's and the client's
 * cores: road-warrior hosts (each a vpn-client core), home/hotel NATs that
 * masquerade them, the gateway core, and an office host behind it that
 * answers ping and echoes UDP.  No sockets, no clock: time is advanced by
 * hand to the next timer of anyone.  Packets are copied between buffers
 * only where a real network would (the cores transform in place).
 *
 * Addresses: the gateway 203.0.113.1; NAT n has public address
 * 198.51.100.(2+n) and hosts 10.0.0.x behind it; a host without NAT has a
 * public 198.51.100.(100+i); the office host 192.168.10.10.
 */
#ifndef SIMNET_H
#define SIMNET_H

#include <stdbool.h>
#include <stdint.h>

#include "gw.h"
#include "testsupport.h"
#include "vc.h"

#define SIM_GW_IP	0xcb007101u	/* 203.0.113.1 */
#define SIM_OFFICE_IP	0xc0a80a0au	/* 192.168.10.10 */
#define SIM_INET_IP	0xc6336463u	/* 198.51.100.99: an internet host */
#define SIM_MAX_HOSTS	16
#define SIM_MAX_NATS	4
#define SIM_MAX_MAP	256

/* What sim_init2 adds to the gateway's hooks. */
struct sim_opts {
	void (*keylog)(void *user, const char *table, const char *row);
	void *keylog_user;
};

struct sim_nat {
	uint32_t pub_ip;
	struct { uint32_t priv_ip; uint16_t priv_port, pub_port; bool used; } map[SIM_MAX_MAP];
	uint16_t next_port;
};

struct sim_host {
	struct vc *vc;
	uint32_t ip;			/* its own address (private behind a NAT) */
	int nat;			/* NAT index, -1 = none */
	bool dead;			/* vanished: drops everything */
	bool up;			/* VC_EV_UP seen, no DOWN since */
	bool failed, down;		/* VC_EV_FAILED / VC_EV_DOWN seen */
	uint32_t echo_replies;		/* ICMP echo replies received inside */
	uint32_t udp_echoes;		/* UDP echoes received inside */
	uint32_t icmp_errors;		/* ICMP errors received inside */
	uint16_t last_frag_mtu;		/* from "fragmentation needed" */
	struct ts_rng *rng;		/* the host's own random stream */
};

struct sim {
	struct gw *gw;
	struct gwconf *conf;
	struct sim_host hosts[SIM_MAX_HOSTS];
	int n_hosts;
	struct sim_nat nats[SIM_MAX_NATS];
	int n_nats;
	uint64_t now;
	uint64_t delivered, dropped;
	uint32_t office_echoes;		/* pings the office host answered */
	uint32_t inet_packets;		/* packets reaching the internet host */
	uint32_t inet_src;		/* their source (after the gateway's NAT) */
	bool drop_all_to_gw;		/* a storm test can cut the link */
	uint64_t host_seed;		/* 0: each host its own stream; else all
					 * hosts this one (same cookies, SPIs,
					 * tunnel IDs: the collision cases) */
	uint32_t office_icmp_errors;	/* ICMP errors the office host got */
	uint32_t office_syns;		/* TCP SYNs the office host got */
	uint16_t office_last_mss;	/* their MSS option, 0 = none */
	uint32_t office_last_src;	/* source of the last packet it got */
	uint16_t office_frag_mtu;
	char log[64][256];		/* the last gateway log lines */
	int log_n;
	bool verbose;
	/* Sees every packet the gateway receives (to_gw) and sends, before
	 * the gateway transforms it (set after sim_init; NULL = none). */
	void (*tap)(void *arg, bool to_gw, const struct rg_pkt *p);
	void *tap_arg;
	struct sim_opts opts;		/* as given to sim_init2 */
	uint32_t debug_lines[GW_LOG_NCAT];	/* level-7 lines logged, by category */
};

/* Builds the gateway from a configuration file (examples/gateway/...). */
int sim_init(struct sim *s, const char *conf_path);
/* The same with the gateway's key log hook (opts may be NULL). */
int sim_init2(struct sim *s, const char *conf_path, const struct sim_opts *opts);
void sim_free(struct sim *s);

/* Adds a NAT; returns its index. */
int sim_add_nat(struct sim *s);
/*
 * Adds a road warrior behind nat (or -1: own public address) with the
 * given client parameters (gw_ip is filled in).  Returns its index.
 */
int sim_add_host(struct sim *s, int nat, uint32_t ip, struct vc_params *p);

/* Delivers everything in flight and runs timers until cond(s, arg) holds
 * or max_ns of simulated time passed.  Returns cond's last value. */
bool sim_run(struct sim *s, uint64_t max_ns, bool (*cond)(struct sim *, void *),
    void *arg);
/* Runs for exactly d ns of simulated time. */
void sim_advance(struct sim *s, uint64_t d);

/* The host sends an ICMP echo request / UDP datagram from its tunnel
 * address to dst (through vc_input, as from its TUN device). */
int sim_ping(struct sim *s, int host, uint32_t dst, uint16_t seq, size_t len, bool df);
int sim_udp(struct sim *s, int host, uint32_t dst, uint16_t dport, size_t len);

/* Sends raw bytes from a host's outer address (as if an attacker or a
 * broken client did) to the gateway's UDP port. */
void sim_udp_to_gw(struct sim *s, int host, uint16_t sport, uint16_t dport,
    const uint8_t *data, size_t len);

/* Re-maps every NAT binding of nat to new public ports (a home router
 * that rebooted or timed the mapping out). */
void sim_nat_rebind(struct sim *s, int nat);

/* The host injects a raw inner IPv4 packet (any source) as from its TUN. */
int sim_inner_raw(struct sim *s, int host, uint8_t *ip, size_t len);
/* A TCP SYN with an MSS option of mss from the host's address to dst:dport. */
int sim_tcp_syn(struct sim *s, int host, uint32_t dst, uint16_t dport, uint16_t mss);

/* The office host sends an ICMP echo request of len bytes to dst. */
void sim_office_ping(struct sim *s, uint32_t dst, size_t len, bool df);

/* True if one of the kept gateway log lines contains needle. */
bool sim_log_has(const struct sim *s, const char *needle);

/* Conditions for sim_run. */
bool sim_cond_up(struct sim *s, void *host_index);	/* host up */
bool sim_cond_all_up(struct sim *s, void *unused);
bool sim_cond_ended(struct sim *s, void *host_index);	/* failed or down */

#endif
