/*
 * vc.h - the core of vpn-client: the road warrior's side of the seed's
 * scenario (the Windows L2TP/IPsec client) built from libisakmp, libesp,
 * libl2tp and libppp in their initiator roles, sans-I/O.
 *
 * One core holds any number of clients sharing the library contexts: the
 * interactive client runs one, the load generator thousands.  Each client
 * has its own outer address and ports (as the libraries see them) and its
 * own full protocol state: IKE Main Mode + Quick Mode (ESP transport for
 * UDP/1701, NAT-T), an L2TP tunnel and incoming call (LAC), PPP
 * authenticating with CHAP-MD5 or MS-CHAPv2 (verifying the server's
 * MS-CHAPv2 authenticator), IPCP address and DNS.
 *
 * Packets: struct rg_pkt as in the gateway (pkt.h).  Input from the
 * network is RG_PATH_UDP (local = the client's address as the libraries
 * know it) or RG_PATH_ESP (an IPv4 packet, protocol 50); input from the
 * inside is RG_PATH_TUN with p->ctx = the client (vc_client_ptr) or NULL to
 * find it by the packet's source address.  Output RG_PATH_TUN packets are
 * the IP packets the gateway sent the client (p->ctx = the client).
 */
#ifndef VC_H
#define VC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <roadgate/isakmp.h>
#include <roadgate/ppp.h>

#include "pkt.h"

#define VC_MAX_SECRET 128

struct vc_params {
	uint32_t gw_ip;			/* the gateway's internet address */
	uint8_t psk[VC_MAX_SECRET];
	size_t psk_len;
	char user[64];
	char password[VC_MAX_SECRET];
	/* PPP methods accepted, none = CHAP-MD5 and MS-CHAPv2 (PAP only
	 * when listed). */
	enum ppp_auth_method auth[3];
	size_t n_auth;
	/* Proposals, none = what Windows 10/11 offer (vc_default_proposals). */
	struct isakmp_p1_proposal p1[ISAKMP_MAX_P1_PROPS];
	size_t n_p1;
	struct isakmp_p2_proposal p2[ISAKMP_MAX_P2_PROPS];
	size_t n_p2;
	bool force_natt;		/* send NAT-D that forces ESP in UDP */
	bool allow_des;
	bool sha256_96;			/* Android's truncated HMAC-SHA-256 */
	uint16_t pfs_group;
	uint32_t max_clients;		/* 0 = 1 */
	uint16_t mru;			/* PPP MRU we ask for, 0 = from the suite */
	uint32_t lcp_echo_s;		/* 0 = 30 s, as pppd with lcp-echo-interval */
	uint32_t dpd_s;			/* IKE DPD interval, 0 = 30 s */
	bool l2tp_random_port;		/* L2TP from a random UDP port (macOS),
					 * else from 1701 (Windows) */
};

enum vc_state {
	VC_IDLE = 0, VC_IKE, VC_IPSEC, VC_L2TP, VC_PPP, VC_UP, VC_CLOSING, VC_DOWN
};

struct vc_info {
	enum vc_state state;
	uint32_t local_ip;		/* outer, as the libraries see it */
	uint16_t local_port;
	uint32_t addr;			/* PPP address, 0 before IPCP */
	uint32_t peer_addr;		/* the gateway's PPP address */
	uint32_t dns[2];
	uint16_t mtu;			/* the tunnel's IP MTU */
	bool nat;			/* NAT detected: ESP in UDP */
	char suite[48];			/* ESP suite */
	char ike_suite[48];
	enum ppp_auth_method auth;
	uint64_t started_ns, up_ns, down_ns;
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
	char why[128];			/* why it went down / failed */
	int auth_error;			/* MS-CHAPv2 E= code on failure */
};

enum vc_event_type {
	VC_EV_UP = 1,			/* IPCP up: configure the interface */
	VC_EV_DOWN,			/* the connection ended: info.why */
	VC_EV_FAILED			/* setup failed: info.why */
};

struct vc_event {
	enum vc_event_type type;
	uint32_t idx;
};

struct vc_hooks {
	void *user;
	int (*rng)(void *user, void *buf, size_t len);
	/* level: syslog style; idx: the client, or UINT32_MAX for the core */
	void (*log)(void *user, uint32_t idx, int level, const char *msg);
};

struct vc;

int vc_new(struct vc **out, const struct vc_params *p, const struct vc_hooks *h,
    char *err, size_t errlen);
void vc_free(struct vc *vc);

/* The proposals vpn-client offers by default: Windows 10/11's list. */
size_t vc_default_p1(struct isakmp_p1_proposal *p, size_t cap);
size_t vc_default_p2(struct isakmp_p2_proposal *p, size_t cap);

/*
 * Adds a client whose outer address is local_ip with IKE from ike_port
 * (normally 500; NAT-T floats to 4500 - or, for a load generator's
 * simulated hosts, whatever ports their sockets are mapped to).  Returns
 * its index or -1.
 */
int vc_add(struct vc *vc, uint32_t local_ip);

/* Starts (or restarts) client idx: Main Mode to the gateway. */
int vc_connect(struct vc *vc, uint64_t now, uint32_t idx);
/* Orderly disconnect: PPP Terminate, CDN, StopCCN, then IPsec/ISAKMP
 * Deletes. */
int vc_disconnect(struct vc *vc, uint64_t now, uint32_t idx);

void vc_input(struct vc *vc, uint64_t now, struct rg_pkt *pkts, size_t n);
bool vc_next_output(struct vc *vc, uint64_t now, struct rg_pkt *p);
uint64_t vc_next_timeout(const struct vc *vc);
void vc_handle_timeout(struct vc *vc, uint64_t now);
bool vc_next_event(struct vc *vc, struct vc_event *ev);

bool vc_get_info(const struct vc *vc, uint32_t idx, struct vc_info *info);
void *vc_client_ptr(const struct vc *vc, uint32_t idx);
uint32_t vc_count(const struct vc *vc);
const char *vc_state_name(enum vc_state s);

/*
 * Seals one IP packet of client idx (at p->buf[p->off], len p->len, with
 * RG_HEADROOM/RG_TAILROOM around it) for the gateway, in place: p->path
 * becomes RG_PATH_UDP or RG_PATH_ESP.  Used by the load generator's
 * simulated hosts; a TUN packet goes through vc_input.  Returns 0 or -1
 * (not up, too big).
 */
int vc_send_ip(struct vc *vc, uint64_t now, uint32_t idx, struct rg_pkt *p);

#endif
