/*
 * gw_int.h - internals of the gateway core, shared by its source files:
 *   gw_core.c   contexts, input dispatch, output, timers, shutdown
 *   gw_ike.c    libisakmp and libesp events: peers and their IPsec SAs
 *   gw_sess.c   libl2tp and libppp events: sessions, authentication, pools
 *   gw_data.c   the data path in both directions, libfw, MTU
 *   gw_apply.c  the router's configuration -> library configurations
 *
 * Object graph (every arrow is a user tag a library hands back):
 *   libisakmp peer  --peer_user-->  struct gw_peer
 *   libisakmp IPsec SA --ipsec_user--> struct gw_ipsec (its two libesp SAs)
 *   libesp inbound SA --user--> struct gw_ipsec
 *   libl2tp peer handle = struct gw_l2ep * (a peer + the client's L2TP port)
 *   libl2tp session --session_user--> struct gw_sess
 *   libppp session --user--> struct gw_sess
 *   libfw dynamic interface --user--> struct gw_sess
 * The only table the gateway keeps itself is routing: PPP address -> session.
 */
#ifndef GW_INT_H
#define GW_INT_H

#include <roadgate/esp.h>
#include <roadgate/fw.h>
#include <roadgate/isakmp.h>
#include <roadgate/l2tp.h>
#include <roadgate/ppp.h>

#include "gw.h"

#define NS_PER_S 1000000000ull

/* L2TP transport endpoints per peer: the client's UDP source ports.  Windows
 * uses 1701, macOS a random port per connection; a bounded share per peer. */
#define GW_L2EP_MAX 4

struct gw_peer;
struct gw_aaa;			/* gw_auth.c: RADIUS state of the gateway */
struct gw_aaa_sess;		/* gw_auth.c: ... of one session */

struct gw_l2ep {
	struct gw_peer *peer;
	uint16_t port;			/* client's L2TP UDP port; 0 = free slot */
	uint32_t tunnels;		/* L2TP tunnels on it (informative) */
};

struct gw_ipsec {
	struct gw_ipsec *next;		/* peer's list */
	struct gw_peer *peer;
	uint64_t ipsec_id;
	struct esp_sa *in, *out;
	int enc_alg, integ_alg;
	size_t enc_key_len;
	bool udp_encap;
	uint16_t mtu;			/* PPP payload MTU through this SA */
	uint64_t created;
};

struct gw_peer {
	struct gw_peer *next, *prev;
	uint64_t peer_id;
	struct rg_ep local, remote;	/* current outer addresses */
	bool nat_remote;
	struct gw_ipsec *sas;
	struct gw_ipsec *cur;		/* newest SA: outbound traffic uses it */
	struct gw_l2ep l2ep[GW_L2EP_MAX];
	uint32_t n_sessions;
	uint64_t created;
	uint64_t last_heard;		/* last isakmp_peer_heard() */
	char id[96];			/* the client's phase 1 ID, printable */
	char suite[48];			/* ESP suite of cur, printable */
	bool dead;			/* PEER_DOWN: freed once n_sessions == 0 */
	bool buried;			/* unlinked, in the graveyard */
	struct gw_peer *gnext;		/* graveyard chain */
	/* Operator's "disconnect" (gw_show_user.c): stage, next check, deadline. */
	uint8_t disc;
	uint64_t disc_next, disc_deadline;
};

struct gw_pool {
	char name[GWCONF_POOL_LEN];
	uint32_t first[GWCONF_MAX_POOL_RANGES], last[GWCONF_MAX_POOL_RANGES];
	uint32_t n_ranges;
	uint32_t size;			/* addresses in all ranges */
	uint8_t *used;			/* bitmap, size bits */
	uint32_t n_used;
	uint32_t hint;
};

struct gw_sess {
	struct gw_sess *next, *prev;	/* all sessions */
	struct gw_sess *hnext;		/* address hash chain */
	struct gw_l2ep *l2ep;
	uint16_t tid, sid;
	struct ppp_session *ppp;
	uint16_t fw_if;			/* libfw dynamic interface, 0 = none */
	uint32_t addr;			/* assigned address, 0 = none */
	int pool;			/* pool index, -1 = static or none */
	char pool_name[GWCONF_POOL_LEN];	/* the template's ippool, "" = none */
	bool has_tpl;
	char user[64];			/* authenticated name, printable */
	uint64_t created, up_at;
	uint16_t mtu;			/* what we told the client (our MRU) */
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
	bool dead;			/* ended: unlinked, in the graveyard */
	struct gw_sess *gnext;		/* graveyard chain */
	bool ppp_done;			/* LINK_DOWN seen: close L2TP when drained */
	bool closing;			/* CDN sent */
	bool dqueued;			/* on gw->defer_head's list */
	struct gw_sess *dnext, *dprev;	/* sessions waiting for their CDN */
	struct gw_aaa_sess *aaa;	/* RADIUS state, NULL = none (gw_auth.c) */
};

/* An internally generated packet waiting for gw_next_output(). */
struct gw_outq {
	struct gw_outq *next;
	enum rg_path path;
	struct rg_ep local, remote;
	size_t len;
	uint8_t data[];
};

enum gw_shut { SHUT_NONE = 0, SHUT_PPP, SHUT_L2TP, SHUT_IKE, SHUT_DONE };

/* A recent failure the operator may ask about ("show user=NAME"). */
#define GW_FAILS 32
struct gw_fail {
	uint64_t at;
	char user[64];			/* printable, "" = not known */
	struct rg_ep peer;
	char why[64];
};

/* Failures counted by their reason (the why of gw_fail): the reasons are
 * the gateway's own words and the libraries' error names, a bounded set;
 * past GW_FAIL_REASONS distinct ones they are counted as "other". */
#define GW_FAIL_REASONS 48
struct gw_fail_count {
	char why[64];
	uint64_t n;
};

struct gw {
	struct gwconf *conf;
	struct gw_options opt;
	struct gw_hooks hooks;

	struct isakmp_ctx *ike;
	struct esp_ctx *esp;
	struct l2tp_ctx *l2tp;
	struct ppp_ctx *ppp;
	struct fw_ctx *fw;		/* NULL when the firewall is not enabled */

	/* Interfaces as libfw knows them. */
	uint16_t fw_pub, fw_lan[GWCONF_MAX_IP_IFS];
	uint32_t lan_net[GWCONF_MAX_IP_IFS], lan_mask[GWCONF_MAX_IP_IFS];
	uint32_t n_lan;
	uint16_t *fw_dyn_free;		/* free dynamic interface ids (stack) */
	uint32_t n_dyn_free;

	uint32_t public_ip, lan_ip;

	struct gw_peer *peers;
	size_t n_peers;
	struct gw_sess *sessions;
	size_t n_sessions;
	struct gw_sess **addr_hash;
	uint32_t addr_hash_mask;

	struct gw_pool pools[GWCONF_MAX_POOLS];
	uint32_t n_pools;

	struct gw_outq *oq_head, *oq_tail;
	size_t oq_len;

	enum gw_shut shut;
	uint64_t shut_deadline;
	bool deferred;			/* sessions wait for their CDN */
	struct gw_sess *defer_head;	/* ...these (gw_sess_deferred) */

	struct gw_aaa *aaa;		/* RADIUS (gw_auth.c), NULL = not set up */

	/*
	 * Ended sessions and peers are unlinked at once but freed only when
	 * the public call that ended them returns (gw_bury): a batch of
	 * packets being processed may still point at them (and checks dead).
	 */
	struct gw_sess *sess_grave;
	struct gw_peer *peer_grave;

	struct gw_stats st;
	/* Operator interface (gw_show*.c). */
	struct esp_sa_stats esp_gone[2];	/* deleted SAs' counters: in, out */
	uint32_t n_disc;		/* peers being disconnected */
	struct gw_fail fails[GW_FAILS];	/* ring of recent failures */
	uint32_t n_fails;
	struct gw_fail_count fail_counts[GW_FAIL_REASONS];
	uint32_t n_fail_counts;
	uint64_t fail_other;		/* failures past GW_FAIL_REASONS reasons */
	uint64_t ctl_commands, ctl_refused;
	uint64_t now;			/* time of the call being processed */
	uint32_t log_tokens;		/* rate limit of per-packet log lines */
	uint64_t log_refill;
};

/* gw_core.c */
int gw_lib_rng(void *user, void *buf, size_t len);
void gw_log_isakmp(void *user, int level, const char *msg);
void gw_log_esp(void *user, int level, const char *msg);
void gw_log_l2tp(void *user, int level, const char *msg);
void gw_log_ppp(void *user, int level, const char *msg);
void gw_log_fw(void *user, int level, const char *msg);
void gw_log(struct gw *gw, enum gw_log_cat cat, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Rate-limited log for per-packet problems (10 lines a second). */
void gw_log_rl(struct gw *gw, enum gw_log_cat cat, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gw_events(struct gw *gw, uint64_t now);
/* Frees the graveyard; only at the end of a public entry point. */
void gw_bury(struct gw *gw);
int gw_queue_out(struct gw *gw, enum rg_path path, const struct rg_ep *local,
    const struct rg_ep *remote, const uint8_t *data, size_t len);
const char *gw_ep_str(const struct rg_ep *ep, char *buf, size_t cap);

/* gw_ike.c */
void gw_isakmp_event(struct gw *gw, uint64_t now, struct isakmp_event *ev);
void gw_esp_event(struct gw *gw, uint64_t now, const struct esp_event *ev);
void gw_peer_maybe_free(struct gw *gw, struct gw_peer *p);
struct gw_l2ep *gw_l2ep_get(struct gw *gw, struct gw_peer *p, uint16_t port);
void gw_peers_free(struct gw *gw);
/* The IPsec tag libfw keeps on a connection: a session's packets carry
 * their peer, an L2TP control flow its peer's outer address and port
 * (gw_l2tp_flow_tag), which outlives one IKE peer on purpose. */
uint64_t gw_l2tp_flow_tag(const struct gw_peer *p);
const struct gw_peer *gw_peer_of_tag(const struct gw *gw, uint64_t tag);

/* gw_sess.c */
void gw_l2tp_event(struct gw *gw, uint64_t now, const struct l2tp_event *ev);
void gw_ppp_event(struct gw *gw, uint64_t now, struct ppp_event *ev);
void gw_sess_deferred(struct gw *gw, uint64_t now);
struct gw_sess *gw_sess_by_addr(const struct gw *gw, uint32_t addr);
void gw_sessions_free(struct gw *gw);
int gw_pools_init(struct gw *gw);
int gw_pools_rebuild(struct gw *gw);
void gw_pools_free(struct gw *gw);

/* gw_auth.c (gw_aaa.h is its public side) */
bool gw_aaa_auth_request(struct gw *gw, uint64_t now, struct gw_sess *s,
    const struct ppp_event *ev);
void gw_aaa_ip_up(struct gw *gw, uint64_t now, struct gw_sess *s);
void gw_aaa_link_down(struct gw *gw, struct gw_sess *s, int reason);
void gw_aaa_sess_end(struct gw *gw, uint64_t now, struct gw_sess *s);
uint64_t gw_aaa_next_timeout(const struct gw *gw);
void gw_aaa_handle_timeout(struct gw *gw, uint64_t now);
void gw_aaa_reload(struct gw *gw);
void gw_aaa_free(struct gw *gw);

/* gw_data.c */
void gw_data_input(struct gw *gw, uint64_t now, struct rg_pkt *pkts, size_t n);
/* Wraps the PPP frame / L2TP datagram at p into UDP and ESP for the peer
 * and sets the path; false if it cannot be sent (no SA). */
bool gw_seal_l2tp(struct gw *gw, uint64_t now, struct gw_l2ep *ep,
    struct rg_pkt *p);
uint16_t gw_suite_mtu(int enc_alg, int integ_alg, bool udp_encap);

/* gw_show_user.c: the operator's disconnects run on the core's timers; a
 * failure worth showing is noted. */
uint64_t gw_ctl_next_timeout(const struct gw *gw);
void gw_ctl_handle_timeout(struct gw *gw, uint64_t now);
void gw_fail_note(struct gw *gw, const char *user, const struct rg_ep *peer,
    const char *why);
/* Counts one failure under its reason (gw_fail_note does it for the ones it
 * notes; "show counters" and its OpenMetrics form print them). */
void gw_fail_count(struct gw *gw, const char *why);
/* gw_show_counters.c: counters of an SA pair that is deleted, kept in the
 * totals. */
void gw_esp_gone(struct gw *gw, const struct esp_sa *in, const struct esp_sa *out);

/* gw_keylog.c: Wireshark key log rows through hooks.keylog (when set). */
void gw_keylog_phase1(struct gw *gw, uint64_t ike_id);
void gw_keylog_ipsec(struct gw *gw, const struct isakmp_ipsec_sa *sa);

/* gw_apply.c */
int gw_apply(struct gw *gw, char *err, size_t errlen);
const struct gwconf_ppp_template *gw_template_for(const struct gw *gw, uint32_t ip);
int gw_pool_index(const struct gw *gw, const char *name);
uint16_t gw_route_if(const struct gw *gw, uint32_t dst);
uint16_t gw_src_if(const struct gw *gw, uint32_t src);

#endif
