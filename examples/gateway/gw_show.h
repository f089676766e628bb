/*
 * gw_show.h - internals of the operator interface shared by its files:
 * gw_show.c (entry point, envelope, dispatch, help, the sets of live
 * objects, selection and paging), gw_show_parse.c (the command line),
 * gw_show_counters.c (counters, config), gw_show_user.c (user=, failures,
 * disconnect, debug), gw_show_lists.c (the IKE, IPsec, L2TP and PPP
 * tables) and gw_show_fire.c (the firewall's summary and tables).
 */
#ifndef GW_SHOW_H
#define GW_SHOW_H

#include "gw_ctl.h"
#include "gw_fmt.h"
#include "gw_int.h"

/* The number of entries of the array t. */
#define NK(t) (sizeof(t) / sizeof((t)[0]))

/* What a command does (struct cmd.what), set by the parser. */
enum cmd_what {
	W_NONE = 0, W_HELP, W_ISAKMP, W_IPSEC, W_L2TP, W_L2TP_TUN, W_L2TP_SESS, W_PPP,
	W_FIRE, W_FIRE_SESS, W_FIRE_NAT, W_COUNTERS, W_CONFIG, W_USER, W_DEBUG,
	W_FAILURES, W_DISC, W_ENABLE, W_DISABLE
};

/* A sorted set of pointers (objects of the core known to be alive). */
struct pset {
	uintptr_t *v;
	size_t n;
};

/* Every live peer by its libisakmp peer ID, sorted by ID. */
struct peer_id_map {
	struct { uint64_t id; struct gw_peer *p; } *v;
	size_t n;
};

/* Paging of one list: entries before start are skipped, at most limit
 * shown, matched counts every entry that passed the filters. */
struct page {
	uint64_t start;
	size_t limit;
	uint64_t matched;
	size_t shown;
	bool header_done;
	bool section;		/* inside "show user=" */
	bool incomplete;	/* stopped scanning early (fire tables) */
	uint64_t resume;	/* when incomplete: where to go on */
};

struct cmd {
	struct gw *gw;
	uint64_t now;
	struct gw_ctl_out *o;
	bool json;
	struct jw jw;
	char name[64];			/* canonical command, "show ipsec sa" */
	int what;			/* enum cmd_what */

	/* Parameters (each has_ flag set once at most). */
	bool has_user, has_peer, has_ip, has_proto, has_port, has_limit, has_start;
	bool has_format;
	bool openmetrics;		/* show counters format=openmetrics */
	char user[GW_CTL_MAX_WORD + 1];
	uint32_t peer_ip;
	uint16_t peer_port;		/* 0 = any */
	uint32_t ip;
	uint8_t proto;
	uint16_t port;
	size_t limit;
	uint64_t start;
	int cat;			/* debug category, -1 = all */

	/* Error. */
	int col;			/* 1-based column, 0 = none */
	char msg[384];

	/* Built by cmd_prep(): what is alive, to check the libraries' tags. */
	struct pset peers, ipsecs, l2eps, sessions;
	struct peer_id_map byid;
	/* The user=/peer= selection as sets: peers, sessions' libfw
	 * interfaces and PPP addresses. */
	struct pset sel_peers;
	uint16_t *sel_ifs;
	size_t n_sel_ifs;
	uint32_t *sel_addrs;
	size_t n_sel_addrs;
	/* Every session by its peer, to name the users on a peer. */
	struct peer_sess { uintptr_t peer; const struct gw_sess *s; } *by_peer;
	size_t n_by_peer;
};

/* gw_show.c */
/* True when p is in the set s (p is then alive). */
bool gws_ps_has(const struct pset *s, const void *p);
/* The live peer with libisakmp's peer ID id, or NULL. */
struct gw_peer *gws_peer_by_id(const struct cmd *c, uint64_t id);
/* True when user= or peer= narrows the command. */
bool gws_sel_active(const struct cmd *c);
/* peer= matches the outer address e (and port when given). */
bool gws_ep_match(const struct cmd *c, const struct rg_ep *e);
/* Peer p passes user=/peer= (always true without them). */
bool gws_peer_sel(const struct cmd *c, const struct gw_peer *p);
/* Session s passes user=/peer=. */
bool gws_sess_sel(const struct cmd *c, const struct gw_sess *s);
/* The sessions riding on peer p: [*first, *first + count) of c->by_peer. */
size_t gws_peer_sessions(const struct cmd *c, const struct gw_peer *p, size_t *first);
/* Writes the user names riding on peer p as a JSON array member. */
void jw_peer_users(struct cmd *c, const char *key, const struct gw_peer *p);

/* Starts the paging of one list (start=, limit=; section: in "show user="). */
void page_init(struct cmd *c, struct page *pg, bool section);
/* True when the next matched entry is to be shown. */
bool page_take(struct page *pg);
/* Opens a list: JSON "items" (inside key's object when in a section);
 * human: the title of a section. */
void list_open(struct cmd *c, struct page *pg, const char *key, const char *title);
/* Before each human row: the table header once. */
void list_row(struct cmd *c, struct page *pg, const struct col *cols, size_t n,
    const struct col *cols2, size_t n2);
/* The human footer names the entries: one, or several. */
void list_close(struct cmd *c, struct page *pg, const char *one, const char *many);

/* gw_show_parse.c */
/* Records the refusal (message, 1-based column or 0) and returns rc. */
int gws_fail(struct cmd *c, int rc, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Reads the command line into c: GW_CTL_OK, or a refusal (gws_fail). */
int gws_parse(struct cmd *c, const char *line, size_t len);

/* gw_show_counters.c */
/* show counters: every counter, nonzero first. */
void show_counters(struct cmd *c);
/* show config: the configuration as the script's text or JSON. */
void show_config(struct cmd *c);

/* gw_show_user.c */
/* The debug categories' names, by enum gw_log_cat. */
extern const char *const gws_cat_names[GW_LOG_NCAT];
/* show failures: the newest first, at most max (a section of user=). */
void show_failures(struct cmd *c, bool section, size_t max);
/* show user=NAME: the user's state, then its lists as sections. */
void show_user(struct cmd *c);
/* show debug: every category's switch. */
void show_debug(struct cmd *c);
/* enable/disable CATEGORY debug, then the switches as show debug. */
void set_debug(struct cmd *c, bool on);
/* disconnect user= or peer=: starts the orderly teardown, or refuses. */
int do_disconnect(struct cmd *c);

/* gw_show_lists.c: each list is a section of "show user=" when section. */
/* IKE SAs. */
void show_isakmp(struct cmd *c, bool section);
/* IPsec SA pairs. */
void show_ipsec(struct cmd *c, bool section);
/* L2TP tunnels. */
void show_l2tp_tunnel(struct cmd *c, bool section);
/* L2TP sessions. */
void show_l2tp_session(struct cmd *c, bool section);
/* PPP sessions. */
void show_ppp(struct cmd *c, bool section);

/* gw_show_fire.c */
/* show fire: the firewall's state, counters and rules with their hits. */
void show_fire_summary(struct cmd *c);
/* Firewall connections, paged by libfw's cursor. */
void show_fire_session(struct cmd *c, bool section);
/* NAT bindings, paged by libfw's cursor. */
void show_fire_nat(struct cmd *c, bool section);

#endif
