/*
 * gw_show.h - internals of the operator interface shared by gw_show.c (the
 * command line, dispatch, disconnect, debug, counters, config, user) and
 * gw_show_lists.c (the tables of every library's objects).
 */
#ifndef GW_SHOW_H
#define GW_SHOW_H

#include "gw_ctl.h"
#include "gw_fmt.h"
#include "gw_int.h"

/* A sorted set of pointers (objects of the core known to be alive). */
struct pset {
	uintptr_t *v;
	size_t n;
};

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
	int what;			/* enum cmd_what (gw_show.c) */

	/* Parameters (each has_ flag set once at most). */
	bool has_user, has_peer, has_ip, has_proto, has_port, has_limit, has_start;
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
bool gws_ps_has(const struct pset *s, const void *p);
struct gw_peer *gws_peer_by_id(const struct cmd *c, uint64_t id);
bool gws_sel_active(const struct cmd *c);
/* peer= matches the outer address e (and port when given). */
bool gws_ep_match(const struct cmd *c, const struct rg_ep *e);
bool gws_peer_sel(const struct cmd *c, const struct gw_peer *p);
bool gws_sess_sel(const struct cmd *c, const struct gw_sess *s);
/* Writes the user names riding on peer p as a JSON array member. */
void jw_peer_users(struct cmd *c, const char *key, const struct gw_peer *p);

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

/* gw_show_lists.c */
void show_isakmp(struct cmd *c, bool section);
void show_ipsec(struct cmd *c, bool section);
void show_l2tp_tunnel(struct cmd *c, bool section);
void show_l2tp_session(struct cmd *c, bool section);
void show_ppp(struct cmd *c, bool section);
void show_fire_session(struct cmd *c, bool section);
void show_fire_nat(struct cmd *c, bool section);

#endif
