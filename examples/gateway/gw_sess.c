/*
 * gw_sess.c - libl2tp and libppp events: a session is one L2TP session and
 * the PPP session inside it, with its address (per-user static, else the
 * PPP template's pool) and its libfw dynamic interface.
 *
 * Life of a session: L2TP SESSION_UP -> PPP session (template chosen by the
 * caller's address, "add l2tp ip=RANGE ppptemplate=N") -> AUTH_REQUEST,
 * checked against the user database -> IPCP address -> IP_UP: routed and
 * firewalled -> LINK_DOWN (Terminate, echo timeout, failed authentication)
 * -> CDN once PPP's last frame left -> L2TP SESSION_DOWN -> freed, address
 * back to the pool, one summary log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "gw_int.h"
#include "pkt.h"

/* ---- pools ------------------------------------------------------------ */

static bool pool_index_of(const struct gw_pool *p, uint32_t addr, uint32_t *idx);

int
gw_pools_init(struct gw *gw)
{
	const struct gwconf *c = gw->conf;
	uint32_t i, j;

	for (i = 0; i < c->n_pools && i < GWCONF_MAX_POOLS; i++) {
		struct gw_pool *p = &gw->pools[gw->n_pools];

		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", c->pools[i].name);
		for (j = 0; j < c->pools[i].n_ranges; j++) {
			const struct gwconf_range *r = &c->pools[i].ranges[j];

			if (r->any || r->last < r->first || r->last - r->first >= (1u << 20))
				continue;
			p->first[p->n_ranges] = r->first;
			p->last[p->n_ranges] = r->last;
			p->size += r->last - r->first + 1;
			p->n_ranges++;
		}
		if ((p->used = calloc((p->size + 7) / 8 + 1, 1)) == NULL)
			return -1;
		gw->n_pools++;
	}
	return 0;
}

/*
 * Rebuilds the pools from gw->conf after a reload, keeping every address
 * held by a session marked as used (or detached from its pool when the
 * pool no longer holds it: it stays with its session until it ends).
 */
int
gw_pools_rebuild(struct gw *gw)
{
	struct gw_sess *s;
	char names[GWCONF_MAX_POOLS][GWCONF_POOL_LEN];
	uint32_t i, n_old = gw->n_pools;

	for (i = 0; i < n_old; i++)
		memcpy(names[i], gw->pools[i].name, GWCONF_POOL_LEN);
	gw_pools_free(gw);
	if (gw_pools_init(gw) != 0)
		return -1;
	for (s = gw->sessions; s != NULL; s = s->next) {
		uint32_t idx;
		int np;

		if (s->pool < 0 || s->addr == 0)
			continue;
		np = (uint32_t)s->pool < n_old ? gw_pool_index(gw, names[s->pool]) : -1;
		if (np >= 0 && pool_index_of(&gw->pools[np], s->addr, &idx)) {
			gw->pools[np].used[idx / 8] |= (uint8_t)(1u << (idx % 8));
			gw->pools[np].n_used++;
			s->pool = np;
		} else {
			s->pool = -1;
		}
	}
	return 0;
}

void
gw_pools_free(struct gw *gw)
{
	uint32_t i;

	for (i = 0; i < gw->n_pools; i++)
		free(gw->pools[i].used);
	gw->n_pools = 0;
}

static uint32_t
pool_addr(const struct gw_pool *p, uint32_t idx)
{
	uint32_t r;

	for (r = 0; r < p->n_ranges; r++) {
		uint32_t n = p->last[r] - p->first[r] + 1;

		if (idx < n)
			return p->first[r] + idx;
		idx -= n;
	}
	return 0;
}

static bool
pool_index_of(const struct gw_pool *p, uint32_t addr, uint32_t *idx)
{
	uint32_t r, base = 0;

	for (r = 0; r < p->n_ranges; r++) {
		if (addr >= p->first[r] && addr <= p->last[r]) {
			*idx = base + addr - p->first[r];
			return true;
		}
		base += p->last[r] - p->first[r] + 1;
	}
	return false;
}

/* A free pool address that no static user owns and no session holds. */
static uint32_t
pool_take(struct gw *gw, struct gw_pool *p)
{
	uint32_t k;

	for (k = 0; k < p->size; k++) {
		uint32_t idx = (p->hint + k) % p->size, a, u;
		bool owned = false;

		if (p->used[idx / 8] & (1u << (idx % 8)))
			continue;
		a = pool_addr(p, idx);
		/* Never x.x.x.0 or x.x.x.255: classful clients (Windows XP)
		 * take them for a network or broadcast address. */
		if ((a & 0xff) == 0 || (a & 0xff) == 0xff)
			continue;
		for (u = 0; u < gw->conf->n_users; u++)
			if (gw->conf->users[u].has_ip && gw->conf->users[u].ip == a)
				owned = true;
		if (owned || gw_sess_by_addr(gw, a) != NULL)
			continue;
		p->used[idx / 8] |= (uint8_t)(1u << (idx % 8));
		p->n_used++;
		p->hint = idx + 1;
		return a;
	}
	return 0;
}

static void
pool_give(struct gw *gw, int pool, uint32_t addr)
{
	struct gw_pool *p;
	uint32_t idx;

	if (pool < 0 || (uint32_t)pool >= gw->n_pools)
		return;
	p = &gw->pools[pool];
	if (pool_index_of(p, addr, &idx) && (p->used[idx / 8] & (1u << (idx % 8)))) {
		p->used[idx / 8] &= (uint8_t)~(1u << (idx % 8));
		p->n_used--;
	}
}

/* ---- the address table (routing) -------------------------------------- */

static uint32_t
ahash(const struct gw *gw, uint32_t a)
{
	return (a * 2654435761u) & gw->addr_hash_mask;
}

struct gw_sess *
gw_sess_by_addr(const struct gw *gw, uint32_t addr)
{
	struct gw_sess *s;

	for (s = gw->addr_hash[ahash(gw, addr)]; s != NULL; s = s->hnext)
		if (s->addr == addr)
			return s;
	return NULL;
}

static void
addr_insert(struct gw *gw, struct gw_sess *s)
{
	uint32_t h = ahash(gw, s->addr);

	s->hnext = gw->addr_hash[h];
	gw->addr_hash[h] = s;
}

static void
addr_remove(struct gw *gw, struct gw_sess *s)
{
	struct gw_sess **pp;

	if (s->addr == 0)
		return;
	for (pp = &gw->addr_hash[ahash(gw, s->addr)]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
}

/* ---- sessions --------------------------------------------------------- */

/* The sessions whose PPP ended, waiting for their CDN: a list of their
 * own, so that a mass teardown does not walk every session per ending. */
static void
defer_unlink(struct gw *gw, struct gw_sess *s)
{
	if (!s->dqueued)
		return;
	if (s->dprev != NULL)
		s->dprev->dnext = s->dnext;
	else
		gw->defer_head = s->dnext;
	if (s->dnext != NULL)
		s->dnext->dprev = s->dprev;
	s->dnext = s->dprev = NULL;
	s->dqueued = false;
}

static void
sess_free(struct gw *gw, uint64_t now, struct gw_sess *s)
{
	struct gw_peer *peer = s->l2ep != NULL ? s->l2ep->peer : NULL;
	char a[16], e[40];

	defer_unlink(gw, s);
	gw_aaa_sess_end(gw, now, s);
	if (s->up_at != 0 || s->user[0] != '\0')
		gw_log(gw, GW_LOG_GW, 6, "session end: user %s peer %s (%s) address %s "
		    "suite %s duration %llus in %llu pkts/%llu bytes out %llu pkts/%llu "
		    "bytes", s->user[0] ? s->user : "-",
		    peer != NULL ? gw_ep_str(&peer->remote, e, sizeof(e)) : "-",
		    peer != NULL ? peer->id : "-", s->addr ? pkt_ntoa(s->addr, a) : "-",
		    peer != NULL && peer->suite[0] ? peer->suite : "-",
		    (unsigned long long)((now - s->created) / NS_PER_S),
		    (unsigned long long)s->pkts_in, (unsigned long long)s->bytes_in,
		    (unsigned long long)s->pkts_out, (unsigned long long)s->bytes_out);
	if (s->fw_if != 0) {
		(void)fw_interface_remove(gw->fw, s->fw_if);
		gw->fw_dyn_free[gw->n_dyn_free++] = s->fw_if;
	}
	if (s->addr != 0) {
		addr_remove(gw, s);
		pool_give(gw, s->pool, s->addr);
	}
	ppp_session_free(s->ppp);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		gw->sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	gw->n_sessions--;
	gw->st.sessions_down++;
	s->ppp = NULL;
	s->dead = true;
	s->gnext = gw->sess_grave;
	gw->sess_grave = s;
	if (peer != NULL) {
		peer->n_sessions--;
		gw_peer_maybe_free(gw, peer);
	}
}

static void
sess_new(struct gw *gw, uint64_t now, const struct l2tp_event *ev)
{
	struct gw_l2ep *ep = (struct gw_l2ep *)(uintptr_t)ev->peer_handle;
	struct gw_peer *peer = ep != NULL ? ep->peer : NULL;
	const struct gwconf_ppp_template *tpl;
	struct ppp_session_config sc;
	struct gw_sess *s;
	uint32_t i;
	int rc;

	if (peer == NULL || peer->dead) {
		(void)l2tp_session_close(gw->l2tp, now, ev->tunnel_id, ev->session_id,
		    L2TP_CDN_GENERAL_ERROR);
		return;
	}
	tpl = gw_template_for(gw, peer->remote.ip);
	if (gw->opt.max_sessions && gw->n_sessions >= gw->opt.max_sessions) {
		gw->st.limit_refused++;
		gw_log_rl(gw, GW_LOG_L2TP, 4, "session limit reached: call from %s refused",
		    peer->id);
		(void)l2tp_session_close(gw->l2tp, now, ev->tunnel_id, ev->session_id,
		    L2TP_CDN_NO_RESOURCES);
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		(void)l2tp_session_close(gw->l2tp, now, ev->tunnel_id, ev->session_id,
		    L2TP_CDN_NO_RESOURCES);
		return;
	}
	s->l2ep = ep;
	s->tid = ev->tunnel_id;
	s->sid = ev->session_id;
	s->pool = -1;
	s->has_tpl = tpl != NULL;
	if (tpl != NULL)
		snprintf(s->pool_name, sizeof(s->pool_name), "%s", tpl->ippool);
	s->created = now;
	s->mtu = peer->cur != NULL ? peer->cur->mtu : 1400;

	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.user = (uint64_t)(uintptr_t)s;
	sc.mru = s->mtu;
	sc.local_addr = gw->lan_ip;
	sc.dns[0] = gw->conf->ppp.dns[0];
	sc.dns[1] = gw->conf->ppp.dns[1];
	sc.nbns[0] = gw->conf->ppp.wins[0];
	sc.nbns[1] = gw->conf->ppp.wins[1];
	if (tpl != NULL) {
		for (i = 0; i < tpl->n_auth && i < PPP_MAX_AUTH_METHODS; i++)
			sc.auth[sc.n_auth++] = tpl->auth[i] == GWCONF_AUTH_PAP ? PPP_AUTH_PAP :
			    tpl->auth[i] == GWCONF_AUTH_CHAP ? PPP_AUTH_CHAP_MD5 :
			    PPP_AUTH_MSCHAPV2;
		sc.echo_interval_ns = tpl->echo ? (uint64_t)tpl->echo * NS_PER_S : PPP_TIMER_OFF;
		if (tpl->mru != 0 && tpl->mru < sc.mru)
			sc.mru = (uint16_t)tpl->mru;
	} else {
		/* No template: authenticate anyway; an L2TP/IPsec gateway never
		 * gives the office to an unauthenticated caller. */
		sc.auth[sc.n_auth++] = PPP_AUTH_MSCHAPV2;
		sc.auth[sc.n_auth++] = PPP_AUTH_CHAP_MD5;
	}
	s->mtu = sc.mru;
	rc = ppp_session_new(gw->ppp, now, PPP_ROLE_SERVER, &sc, &s->ppp);
	if (rc != PPP_OK) {
		gw_log(gw, GW_LOG_PPP, 3, "PPP session for %s not created: %s", peer->id,
		    ppp_strerror(rc));
		free(s);
		(void)l2tp_session_close(gw->l2tp, now, ev->tunnel_id, ev->session_id,
		    L2TP_CDN_NO_RESOURCES);
		return;
	}
	(void)l2tp_session_set_user(gw->l2tp, ev->tunnel_id, ev->session_id,
	    (uint64_t)(uintptr_t)s);
	s->next = gw->sessions;
	if (gw->sessions != NULL)
		gw->sessions->prev = s;
	gw->sessions = s;
	gw->n_sessions++;
	gw->st.sessions_up++;
	peer->n_sessions++;
	gw_log(gw, GW_LOG_L2TP, 6, "L2TP session %u/%u up with peer %s, PPP template %s, "
	    "MRU %u", ev->tunnel_id, ev->session_id, peer->id,
	    tpl != NULL ? "set" : "none", s->mtu);
}

void
gw_l2tp_event(struct gw *gw, uint64_t now, const struct l2tp_event *ev)
{
	struct gw_l2ep *ep = (struct gw_l2ep *)(uintptr_t)ev->peer_handle;
	struct gw_sess *s = (struct gw_sess *)(uintptr_t)ev->session_user;

	switch (ev->type) {
	case L2TP_EV_TUNNEL_UP:
		if (ep != NULL)
			ep->tunnels++;
		gw_log(gw, GW_LOG_L2TP, 6, "L2TP tunnel %u up with peer %s", ev->tunnel_id,
		    ep != NULL && ep->peer != NULL ? ep->peer->id : "?");
		break;
	case L2TP_EV_TUNNEL_DOWN:
		if (ep != NULL && ep->tunnels > 0)
			ep->tunnels--;
		gw_log(gw, GW_LOG_L2TP, 6, "L2TP tunnel %u down: %s%s%s", ev->tunnel_id,
		    ev->result ? l2tp_result_str(true, ev->result) : "",
		    ev->result && ev->reason ? ", " : "",
		    ev->reason ? l2tp_strerror(ev->reason) : "");
		break;
	case L2TP_EV_SESSION_UP:
		sess_new(gw, now, ev);
		break;
	case L2TP_EV_SESSION_DOWN:
		if (s != NULL)
			sess_free(gw, now, s);
		break;
	default:
		break;
	}
}

/* ---- authentication --------------------------------------------------- */

static const struct gwconf_user *
user_named(const struct gw *gw, const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < gw->conf->n_users; i++) {
		const struct gwconf_user *u = &gw->conf->users[i];

		/* Only ordinary users dial in: manager and security officer
		 * accounts administer the router and never get a tunnel. */
		if (u->privilege != GWCONF_PRIV_USER)
			continue;
		if (strlen(u->name) == len && memcmp(u->name, name, len) == 0)
			return u;
	}
	return NULL;
}

static void
printable(char *dst, size_t cap, const char *src, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			dst[o++] = (char)c;
		else
			o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
	}
	dst[o] = '\0';
}

static void
auth_request(struct gw *gw, uint64_t now, struct gw_sess *s, const struct ppp_event *ev)
{
	const struct gwconf_user *u = user_named(gw, ev->auth.user, ev->auth.user_len);
	struct ppp_auth_result res;
	bool addr_taken = false;
	int rc;

	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	printable(s->user, sizeof(s->user), ev->auth.user, ev->auth.user_len);
	if (gw_aaa_auth_request(gw, now, s, ev))
		return;		/* RADIUS answers later (gw_auth.c) */
	if (u != NULL) {
		rc = ppp_auth_check_password(gw->ppp, &ev->auth, u->password,
		    strlen(u->password), &res);
		if (rc == PPP_OK && res.accept && u->has_ip)
			res.peer_addr = u->ip;
	} else {
		res.accept = false;
	}
	if (res.accept && res.peer_addr != 0 && gw_sess_by_addr(gw, res.peer_addr) != NULL) {
		char a[16];

		/* The user is connected already: the static address is taken.
		 * Refuse rather than hand one address to two clients. */
		gw_log(gw, GW_LOG_PPP, 4, "user %s: static address %s is in use by another "
		    "session, refused", s->user, pkt_ntoa(res.peer_addr, a));
		res.accept = false;
		res.peer_addr = 0;
		addr_taken = true;
	}
	if (res.accept) {
		gw->st.auth_ok++;
		s->pool = -1;
	} else {
		gw->st.auth_fail++;
		gw_log(gw, GW_LOG_PPP, 5, "PPP user %s from peer %s: authentication failed "
		    "(%s)", s->user, s->l2ep->peer->id, u == NULL ? "unknown user" :
		    "wrong password");
		gw_fail_note(gw, s->user, &s->l2ep->peer->remote, u == NULL ?
		    "PPP authentication: unknown user" : addr_taken ?
		    "PPP: static address in use by another session" :
		    "PPP authentication: wrong password");
	}
	rc = ppp_session_auth_reply(s->ppp, now, &res);
	sodium_memzero(&res, sizeof(res));
	if (rc != PPP_OK && rc != PPP_E_STATE)
		gw_log(gw, GW_LOG_PPP, 4, "PPP user %s: auth reply: %s", s->user,
		    ppp_strerror(rc));
}

static void
address_wanted(struct gw *gw, uint64_t now, struct gw_sess *s)
{
	int pool = s->pool_name[0] ? gw_pool_index(gw, s->pool_name) :
	    (!s->has_tpl && gw->n_pools > 0 ? 0 : -1);
	uint32_t a = 0;

	if (pool >= 0)
		a = pool_take(gw, &gw->pools[pool]);
	if (a == 0) {
		gw->st.pool_exhausted++;
		gw_log(gw, GW_LOG_PPP, 4, "PPP user %s: no address left in pool %s", s->user,
		    pool >= 0 ? gw->pools[pool].name : "(none)");
		gw_fail_note(gw, s->user, &s->l2ep->peer->remote, "IPCP: address pool "
		    "exhausted");
		(void)ppp_session_close(s->ppp, now);
		return;
	}
	s->pool = pool;
	if (ppp_session_set_peer_address(s->ppp, now, a) != PPP_OK) {
		pool_give(gw, pool, a);
		s->pool = -1;
		(void)ppp_session_close(s->ppp, now);
	}
	/* Remember it now so a concurrent session cannot take it too. */
	s->addr = a;
	addr_insert(gw, s);
}

static void
ip_up(struct gw *gw, uint64_t now, struct gw_sess *s, const struct ppp_event *ev)
{
	char a[16], b[16];

	if (s->addr != ev->ip.peer_addr) {
		if (s->addr != 0) {
			addr_remove(gw, s);
			pool_give(gw, s->pool, s->addr);
			s->pool = -1;
		}
		s->addr = ev->ip.peer_addr;
		addr_insert(gw, s);
	}
	if (s->up_at == 0)
		gw->st.clients_up++;
	s->up_at = now;
	if (gw->fw != NULL && gw->n_dyn_free > 0) {
		struct fw_interface_cfg ic;
		int rc;

		memset(&ic, 0, sizeof(ic));
		ic.size = sizeof(ic);
		ic.id = gw->fw_dyn_free[--gw->n_dyn_free];
		ic.dynamic = true;
		ic.user = (uint64_t)(uintptr_t)s;
		ic.peer_addr = s->addr;
		ic.mss_clamp = (uint16_t)(s->mtu > 40 ? s->mtu - 40 : 0);
		if ((rc = fw_interface_add(gw->fw, &ic)) == FW_OK) {
			s->fw_if = ic.id;
		} else {
			gw->fw_dyn_free[gw->n_dyn_free++] = ic.id;
			gw_log(gw, GW_LOG_FIRE, 3, "firewall interface for %s: %s", s->user,
			    fw_strerror(rc));
			(void)ppp_session_close(s->ppp, now);
			return;
		}
	}
	gw_log(gw, GW_LOG_PPP, 6, "PPP user %s up: address %s (%s), DNS %s, peer %s",
	    s->user, pkt_ntoa(s->addr, a), s->pool >= 0 ? gw->pools[s->pool].name : "static",
	    ev->ip.dns[0] ? pkt_ntoa(ev->ip.dns[0], b) : "none", s->l2ep->peer->id);
	gw_aaa_ip_up(gw, now, s);
}

void
gw_ppp_event(struct gw *gw, uint64_t now, struct ppp_event *ev)
{
	struct gw_sess *s = (struct gw_sess *)(uintptr_t)ev->user;

	if (s == NULL)
		return;
	switch (ev->type) {
	case PPP_EV_LINK_UP:
		gw_log(gw, GW_LOG_PPP, 7, "PPP LCP up on L2TP session %u/%u", s->tid, s->sid);
		break;
	case PPP_EV_AUTH_REQUEST:
		auth_request(gw, now, s, ev);
		break;
	case PPP_EV_AUTH_RESULT:
		if (ev->auth_ok)
			gw_log(gw, GW_LOG_PPP, 6, "PPP user %s authenticated", s->user);
		break;
	case PPP_EV_ADDRESS_WANTED:
		address_wanted(gw, now, s);
		break;
	case PPP_EV_IP_UP:
		ip_up(gw, now, s, ev);
		break;
	case PPP_EV_LINK_DOWN:
		gw_log(gw, GW_LOG_PPP, 6, "PPP user %s down: %s", s->user[0] ? s->user : "-",
		    ppp_down_reason_name(ev->reason));
		gw_aaa_link_down(gw, s, (int)ev->reason);
		s->ppp_done = true;
		gw->deferred = true;
		if (!s->dqueued) {
			s->dqueued = true;
			s->dprev = NULL;
			s->dnext = gw->defer_head;
			if (gw->defer_head != NULL)
				gw->defer_head->dprev = s;
			gw->defer_head = s;
		}
		break;
	default:
		break;
	}
}

/* After PPP's output is drained: CDN for every session whose PPP ended. */
void
gw_sess_deferred(struct gw *gw, uint64_t now)
{
	struct gw_sess *s;

	while ((s = gw->defer_head) != NULL) {
		defer_unlink(gw, s);
		if (s->dead || !s->ppp_done || s->closing)
			continue;
		s->closing = true;
		/* SESSION_DOWN follows at once and frees s. */
		if (l2tp_session_close(gw->l2tp, now, s->tid, s->sid,
		    L2TP_CDN_ADMIN) != L2TP_OK)
			sess_free(gw, now, s);
	}
}

void
gw_sessions_free(struct gw *gw)
{
	struct gw_sess *s;

	while ((s = gw->sessions) != NULL) {
		gw->sessions = s->next;
		gw_aaa_sess_end(gw, gw->now, s);
		ppp_session_free(s->ppp);
		free(s);
	}
	gw->n_sessions = 0;
}
