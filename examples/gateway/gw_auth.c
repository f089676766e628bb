/*
 * gw_auth.c - the core's asynchronous authentication, accounting and
 * disconnect (gw_aaa.h): RADIUS without any I/O.
 *
 * Per session, a struct gw_aaa_sess (allocated when the session first
 * needs it) holds its Acct-Session-Id, the attributes of its Access-Accept
 * and its timers (authentication deadline, Session-Timeout, Idle-Timeout
 * checks, Interim-Update), all in one rg_heap node: gw_next_timeout stays
 * O(1).  Waiting authentications live in a fixed table of slots; a cookie
 * is slot | generation << 16, so an answer for a session that is gone
 * finds a slot of another generation and is dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gw_aaa.h"
#include "gw_int.h"
#include "pkt.h"
#include "rg_heap.h"

struct gw_aaa_sess {
	struct gw_sess *s;
	struct rg_heap_node node;
	char sid[GW_AAA_SID_LEN];
	/* authentication in progress */
	int slot;			/* pending slot, -1 = none */
	uint64_t auth_deadline;
	struct ppp_auth_request req;	/* copy of the credentials (wiped) */
	bool radius_auth;
	/* from the Access-Accept */
	uint8_t class_[GW_AAA_MAX_CLASS][GW_AAA_CLASS_LEN];
	uint8_t class_len[GW_AAA_MAX_CLASS];
	uint32_t n_class;
	uint32_t idle_s, interim_s;
	/* timers */
	uint64_t session_deadline;	/* UINT64_MAX = none */
	uint64_t idle_check;
	uint64_t idle_mark;		/* packets seen at the last check */
	uint64_t interim_next;
	/* accounting */
	bool started;			/* Start queued */
	enum gw_acct_cause cause;	/* 0 = not decided yet */
};

struct gw_aaa_slot {
	struct gw_aaa_sess *a;		/* NULL = free */
	uint16_t gen;
	bool queued;			/* not pulled yet */
};

struct gw_acct_node {
	struct gw_acct_node *next;
	struct gw_acct_record rec;
};

struct gw_aaa {
	bool enabled;			/* "add radius" in the configuration */
	bool auth;			/* a server takes authentication (port != 0) */
	bool accounting, local_last;
	struct gw_aaa_options opt;
	uint64_t next_sid;
	struct rg_heap heap;
	struct gw_aaa_slot slots[GW_AAA_MAX_PENDING];
	uint32_t free_hint;
	uint64_t queue[GW_AAA_MAX_PENDING];	/* cookies to pull, FIFO */
	uint32_t q_head, q_len;
	struct gw_acct_node *acct_head, *acct_tail;
	uint32_t n_acct;
	struct gw_aaa_stats st;
};

static void *
heap_alloc(void *user, size_t size)
{
	(void)user;
	return calloc(1, size);
}

static void
heap_free(void *user, void *p)
{
	(void)user;
	free(p);
}

/* ---- setup ------------------------------------------------------------ */

static struct gw_aaa *
aaa_get(struct gw *gw)
{
	if (gw->aaa == NULL) {
		gw->aaa = calloc(1, sizeof(*gw->aaa));
		if (gw->aaa != NULL)
			rg_heap_init(&gw->aaa->heap);
	}
	return gw->aaa;
}

static void
aaa_configure(struct gw *gw)
{
	struct gw_aaa *x = gw->aaa;
	const struct gwconf *c = gw->conf;
	uint32_t i;

	x->enabled = c->n_radius > 0;
	x->local_last = c->radius_set.local_last;
	x->accounting = x->auth = false;
	for (i = 0; i < c->n_radius; i++) {
		if (c->radius[i].accport != 0)
			x->accounting = c->radius_set.accounting;
		if (c->radius[i].port != 0)
			x->auth = true;
	}
}

int
gw_aaa_setup(struct gw *gw, const struct gw_aaa_options *opt)
{
	struct gw_aaa *x = aaa_get(gw);

	if (x == NULL)
		return -1;
	if (opt != NULL)
		x->opt = *opt;
	aaa_configure(gw);
	if (x->opt.auth_timeout_ns == 0) {
		const struct gwconf *c = gw->conf;
		uint64_t total = 0;
		uint32_t i;

		for (i = 0; i < c->n_radius; i++) {
			uint64_t t = c->radius[i].timeout ? c->radius[i].timeout :
			    c->radius_set.timeout;
			uint64_t r = c->radius[i].has_retries ? c->radius[i].retries :
			    c->radius_set.retransmitcount;

			if (c->radius[i].port == 0)
				continue;	/* accounting only */
			total += t * (r + 1);
		}
		if (total == 0 || total > 25)
			total = 25;
		x->opt.auth_timeout_ns = total * NS_PER_S + NS_PER_S / 2;
	}
	if (x->enabled)
		gw_log(gw, GW_LOG_GW, 6, "RADIUS: %u server%s, authentication %s, "
		    "accounting %s, users of the router's database tried %s, "
		    "authentication waits up to %llu ms", gw->conf->n_radius,
		    gw->conf->n_radius == 1 ? "" : "s", x->auth ? "on" : "off",
		    x->accounting ? "on" : "off", x->local_last ? "last" : "first",
		    (unsigned long long)(x->opt.auth_timeout_ns / 1000000));
	return 0;
}

bool
gw_aaa_enabled(const struct gw *gw)
{
	return gw->aaa != NULL && gw->aaa->enabled && gw->aaa->auth;
}

void
gw_aaa_reload(struct gw *gw)
{
	if (gw->aaa != NULL)
		aaa_configure(gw);
}

/* ---- per-session state ------------------------------------------------ */

static struct gw_aaa_sess *
asess(struct gw *gw, struct gw_sess *s)
{
	struct gw_aaa *x = gw->aaa;
	struct gw_aaa_sess *a;

	if (s->aaa != NULL || x == NULL)
		return s->aaa;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if (rg_heap_reserve(&x->heap, heap_alloc, heap_free, NULL) != 0) {
		free(a);
		return NULL;
	}
	a->s = s;
	a->slot = -1;
	a->session_deadline = a->idle_check = a->interim_next = UINT64_MAX;
	a->auth_deadline = UINT64_MAX;
	snprintf(a->sid, sizeof(a->sid), "%012llX-%08llX",
	    (unsigned long long)(x->opt.session_id_base & 0xffffffffffffull),
	    (unsigned long long)(++x->next_sid & 0xffffffffull));
	s->aaa = a;
	return a;
}

static uint64_t
min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void
arm(struct gw *gw, struct gw_aaa_sess *a)
{
	uint64_t t = min64(a->auth_deadline, a->session_deadline);

	t = min64(t, a->idle_check);
	t = min64(t, a->interim_next);
	rg_heap_set(&gw->aaa->heap, &a->node, t);
}

/* ---- pending slots ---------------------------------------------------- */

static uint64_t
cookie_of(const struct gw_aaa *x, int slot)
{
	return (uint64_t)x->slots[slot].gen << 16 | (uint64_t)slot | 1ull << 40;
}

static struct gw_aaa_slot *
slot_of(struct gw_aaa *x, uint64_t cookie, int *idx)
{
	uint64_t i = cookie & 0xffff;

	if ((cookie >> 40) != 1 || i >= GW_AAA_MAX_PENDING)
		return NULL;
	if (x->slots[i].a == NULL || x->slots[i].gen != ((cookie >> 16) & 0xffff))
		return NULL;
	*idx = (int)i;
	return &x->slots[i];
}

static void
slot_release(struct gw *gw, struct gw_aaa_sess *a)
{
	struct gw_aaa *x = gw->aaa;

	if (a->slot < 0)
		return;
	x->slots[a->slot].a = NULL;
	x->slots[a->slot].queued = false;
	x->slots[a->slot].gen++;
	a->slot = -1;
	a->auth_deadline = UINT64_MAX;
	sodium_memzero(&a->req, sizeof(a->req));
	x->st.pending--;
	arm(gw, a);
}

static const struct gwconf_user *
local_user(const struct gw *gw, const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < gw->conf->n_users; i++) {
		const struct gwconf_user *u = &gw->conf->users[i];

		if (u->privilege == GWCONF_PRIV_USER && strlen(u->name) == len &&
		    memcmp(u->name, name, len) == 0)
			return u;
	}
	return NULL;
}

/*
 * Called by gw_sess.c for every AUTH_REQUEST.  Returns true when the
 * request is now RADIUS's (answered later), false when the caller checks
 * it against the router's user database.
 */
bool
gw_aaa_auth_request(struct gw *gw, uint64_t now, struct gw_sess *s,
    const struct ppp_event *ev)
{
	struct gw_aaa *x = gw->aaa;
	struct gw_aaa_sess *a;
	uint32_t i, n_peer = 0, k;
	int slot = -1;

	if (x == NULL || !x->enabled || !x->auth)
		return false;
	if (!x->local_last && local_user(gw, ev->auth.user, ev->auth.user_len) != NULL)
		return false;
	if ((a = asess(gw, s)) == NULL)
		return false;
	if (a->slot >= 0)	/* an LCP renegotiation: the old round is void */
		slot_release(gw, a);
	for (i = 0; i < GW_AAA_MAX_PENDING; i++)
		if (x->slots[i].a != NULL && x->slots[i].a->s->l2ep != NULL &&
		    x->slots[i].a->s->l2ep->peer == s->l2ep->peer)
			n_peer++;
	for (k = 0; k < GW_AAA_MAX_PENDING && n_peer < GW_AAA_MAX_PER_PEER; k++) {
		i = (x->free_hint + k) % GW_AAA_MAX_PENDING;
		if (x->slots[i].a == NULL) {
			slot = (int)i;
			break;
		}
	}
	if (slot < 0 || x->q_len >= GW_AAA_MAX_PENDING) {
		struct ppp_auth_result res;

		x->st.refused_busy++;
		gw->st.auth_fail++;
		gw_log_rl(gw, GW_LOG_PPP, 4, "PPP user %s from peer %s: %s waiting "
		    "RADIUS authentications, refused", s->user, s->l2ep->peer->id,
		    n_peer >= GW_AAA_MAX_PER_PEER ? "too many of its" : "too many");
		gw_fail_note(gw, s->user, &s->l2ep->peer->remote,
		    "PPP authentication: too many waiting for RADIUS");
		memset(&res, 0, sizeof(res));
		res.size = sizeof(res);
		res.message = "Server busy";
		(void)ppp_session_auth_reply(s->ppp, now, &res);
		return true;
	}
	x->free_hint = (uint32_t)slot + 1;
	x->slots[slot].a = a;
	x->slots[slot].queued = true;
	a->slot = slot;
	a->req = ev->auth;
	a->auth_deadline = now + x->opt.auth_timeout_ns;
	x->queue[(x->q_head + x->q_len) % GW_AAA_MAX_PENDING] = cookie_of(x, slot);
	x->q_len++;
	x->st.pending++;
	x->st.auth_queued++;
	arm(gw, a);
	gw_log(gw, GW_LOG_PPP, 7, "PPP user %s: %s request queued for RADIUS", s->user,
	    ppp_auth_method_name(ev->auth.method));
	return true;
}

bool
gw_next_auth_request(struct gw *gw, struct gw_auth_request *r)
{
	struct gw_aaa *x = gw->aaa;

	if (x == NULL)
		return false;
	while (x->q_len > 0) {
		uint64_t c = x->queue[x->q_head];
		struct gw_aaa_slot *sl;
		struct gw_aaa_sess *a;
		struct gw_sess *s;
		int idx;

		x->q_head = (x->q_head + 1) % GW_AAA_MAX_PENDING;
		x->q_len--;
		if ((sl = slot_of(x, c, &idx)) == NULL || !sl->queued)
			continue;
		sl->queued = false;
		a = sl->a;
		s = a->s;
		memset(r, 0, sizeof(*r));
		r->cookie = c;
		r->method = (int)a->req.method;
		memcpy(r->user, a->req.user, a->req.user_len);
		r->user_len = a->req.user_len;
		r->chap_id = a->req.id;
		memcpy(r->challenge, a->req.challenge, sizeof(r->challenge));
		r->challenge_len = a->req.challenge_len;
		memcpy(r->response, a->req.response, sizeof(r->response));
		r->response_len = a->req.response_len;
		if (s->l2ep != NULL && s->l2ep->peer != NULL)
			r->calling = s->l2ep->peer->remote;
		r->nas_ip = gw->public_ip;
		r->nas_port = (uint32_t)s->tid << 16 | s->sid;
		snprintf(r->acct_session_id, sizeof(r->acct_session_id), "%s", a->sid);
		r->deadline = a->auth_deadline;
		return true;
	}
	return false;
}

void
gw_auth_request_wipe(struct gw_auth_request *r)
{
	if (r != NULL)
		sodium_memzero(r, sizeof(*r));
}

/* ---- answers ---------------------------------------------------------- */

/* A name server of an Access-Accept for the log: 0 = the session's. */
static const char *
ns_str(uint32_t a, char *b)
{
	return a == 0 ? "-" : pkt_ntoa(a, b);
}

/* The router's own database, for "userdatabase=last" after RADIUS said no. */
static bool
local_fallback(struct gw *gw, struct gw_aaa_sess *a, struct ppp_auth_result *res)
{
	const struct gwconf_user *u = local_user(gw, a->req.user, a->req.user_len);

	if (u == NULL)
		return false;
	if (ppp_auth_check_password(gw->ppp, &a->req, u->password, strlen(u->password),
	    res) != PPP_OK || !res->accept)
		return false;
	if (u->has_ip)
		res->peer_addr = u->ip;
	return true;
}

int
gw_auth_answer(struct gw *gw, uint64_t now, uint64_t cookie,
    const struct gw_auth_answer *ans)
{
	struct gw_aaa *x = gw->aaa;
	struct gw_aaa_slot *sl;
	struct gw_aaa_sess *a;
	struct gw_sess *s;
	struct ppp_auth_result res;
	const char *why = NULL;
	char ab[16];
	int idx, rc;

	gw->now = now;
	if (x == NULL || ans == NULL || (sl = slot_of(x, cookie, &idx)) == NULL) {
		if (x != NULL)
			x->st.stale++;
		gw_log(gw, GW_LOG_GW, 7, "RADIUS answer for request %llx: nothing waits "
		    "for it (session gone or already decided), ignored",
		    (unsigned long long)cookie);
		return -1;
	}
	a = sl->a;
	s = a->s;
	memset(&res, 0, sizeof(res));
	res.size = sizeof(res);
	res.message = ans->message[0] ? ans->message : NULL;
	if (ans->verdict == GW_AUTH_ACCEPT) {
		res.accept = true;
		if (a->req.method == PPP_AUTH_MSCHAPV2) {
			if (!ans->has_auth_response) {
				x->st.bad_answer++;
				res.accept = false;
				why = "MS-CHAPv2 accept without MS-CHAP2-Success";
			} else {
				res.has_auth_response = true;
				memcpy(res.auth_response, ans->auth_response, 20);
			}
		}
		if (res.accept && ans->framed_ip != 0 && ans->framed_ip < 0xfffffffeu) {
			struct gw_sess *o = gw_sess_by_addr(gw, ans->framed_ip);

			if (o != NULL && o != s) {
				x->st.addr_conflict++;
				res.accept = false;
				why = "its Framed-IP-Address is in use by another session";
			} else {
				res.peer_addr = ans->framed_ip;
			}
		}
	} else {
		res.accept = false;
		res.mschap_error = ans->mschap_error;
		why = ans->verdict == GW_AUTH_REJECT ? "rejected by RADIUS" :
		    "no RADIUS server answered";
	}
	if (!res.accept && x->local_last && local_fallback(gw, a, &res)) {
		gw_log(gw, GW_LOG_PPP, 6, "PPP user %s: %s; accepted by the router's user "
		    "database", s->user, why);
		why = NULL;
		res.message = NULL;
	} else if (res.accept) {
		a->radius_auth = true;
		if (ans->framed_pool[0] != '\0') {
			if (gw_pool_index(gw, ans->framed_pool) >= 0)
				snprintf(s->pool_name, sizeof(s->pool_name), "%s",
				    ans->framed_pool);
			else
				gw_log(gw, GW_LOG_PPP, 4, "PPP user %s: Framed-Pool \"%s\" is "
				    "not a pool of this gateway, using %s", s->user,
				    ans->framed_pool, s->pool_name[0] ? s->pool_name : "none");
		}
		if (ans->framed_mtu >= 576 && ans->framed_mtu < s->mtu)
			s->mtu = (uint16_t)ans->framed_mtu;
		if (ans->session_timeout != 0)
			a->session_deadline = now + (uint64_t)ans->session_timeout * NS_PER_S;
		a->idle_s = ans->idle_timeout;
		a->interim_s = ans->interim_interval;
		a->n_class = ans->n_class > GW_AAA_MAX_CLASS ? GW_AAA_MAX_CLASS : ans->n_class;
		memcpy(a->class_, ans->class_, sizeof(a->class_));
		memcpy(a->class_len, ans->class_len, sizeof(a->class_len));
		/* MS-Primary/Secondary-DNS-Server and -NBNS-Server: what IPCP
		 * hands this client in place of "set ppp dnsprimary=" etc. */
		memcpy(res.dns, ans->dns, sizeof(res.dns));
		memcpy(res.nbns, ans->nbns, sizeof(res.nbns));
		if (ans->dns[0] | ans->dns[1] | ans->nbns[0] | ans->nbns[1]) {
			char d0[16], d1[16], n0[16], n1[16];

			gw_log(gw, GW_LOG_PPP, 7, "PPP user %s: name servers from RADIUS: "
			    "DNS %s %s, NBNS %s %s", s->user, ns_str(ans->dns[0], d0),
			    ns_str(ans->dns[1], d1), ns_str(ans->nbns[0], n0),
			    ns_str(ans->nbns[1], n1));
		}
	}
	if (res.accept) {
		x->st.auth_accept++;
		gw->st.auth_ok++;
		if (res.peer_addr != 0)
			s->pool = -1;
		gw_log(gw, GW_LOG_PPP, 6, "PPP user %s from peer %s: %s%s%s%s%s", s->user,
		    s->l2ep->peer->id, a->radius_auth ? "accepted by RADIUS " : "accepted",
		    a->radius_auth ? ans->server : "",
		    res.peer_addr ? ", Framed-IP-Address " : "",
		    res.peer_addr ? pkt_ntoa(res.peer_addr, ab) : "",
		    ans->session_timeout ? ", Session-Timeout set" : "");
	} else {
		if (ans->verdict == GW_AUTH_NO_ANSWER)
			x->st.auth_no_answer++;
		else
			x->st.auth_reject++;
		gw->st.auth_fail++;
		gw_fail_note(gw, s->user, &s->l2ep->peer->remote,
		    ans->verdict == GW_AUTH_NO_ANSWER ?
		    "PPP authentication: no answer from RADIUS" :
		    "PPP authentication: RADIUS Access-Reject");
		gw_log(gw, GW_LOG_PPP, 5, "PPP user %s from peer %s: authentication failed "
		    "(%s%s%s)", s->user, s->l2ep->peer->id, why ? why : "refused",
		    ans->mschap_error ? ", E=" : "", ans->mschap_error ?
		    (snprintf(ab, sizeof(ab), "%u", ans->mschap_error), ab) : "");
	}
	slot_release(gw, a);
	rc = ppp_session_auth_reply(s->ppp, now, &res);
	sodium_memzero(&res, sizeof(res));
	if (rc != PPP_OK)
		gw_log(gw, GW_LOG_PPP, 4, "PPP user %s: RADIUS answer came too late for "
		    "PPP (%s)", s->user, ppp_strerror(rc));
	arm(gw, a);
	gw_events(gw, now);
	gw_bury(gw);
	return 0;
}

/* ---- accounting ------------------------------------------------------- */

static void
acct_queue(struct gw *gw, uint64_t now, struct gw_aaa_sess *a, enum gw_acct_type t)
{
	struct gw_aaa *x = gw->aaa;
	struct gw_sess *s = a->s;
	struct gw_acct_node *n;

	if (!x->accounting)
		return;
	if (x->n_acct >= GW_AAA_MAX_ACCT || (n = calloc(1, sizeof(*n))) == NULL) {
		x->st.acct_dropped++;
		if (t == GW_ACCT_STOP)
			x->st.acct_stop_dropped++;
		gw_log_rl(gw, GW_LOG_GW, 4, "RADIUS accounting: core queue full, %s record "
		    "of session %s lost", t == GW_ACCT_STOP ? "Stop" : t == GW_ACCT_START ?
		    "Start" : "Interim", a->sid);
		return;
	}
	n->rec.type = t;
	snprintf(n->rec.user, sizeof(n->rec.user), "%.*s", (int)sizeof(n->rec.user) - 1,
	    a->req.user_len ? a->req.user : s->user);
	if (n->rec.user[0] == '\0' || a->req.user_len == 0)
		snprintf(n->rec.user, sizeof(n->rec.user), "%s", s->user);
	memcpy(n->rec.acct_session_id, a->sid, sizeof(a->sid));
	n->rec.framed_ip = s->addr;
	if (s->l2ep != NULL && s->l2ep->peer != NULL)
		n->rec.calling = s->l2ep->peer->remote;
	n->rec.nas_ip = gw->public_ip;
	n->rec.nas_port = (uint32_t)s->tid << 16 | s->sid;
	n->rec.session_time = s->up_at ? (uint32_t)((now - s->up_at) / NS_PER_S) : 0;
	n->rec.in_octets = s->bytes_in;
	n->rec.out_octets = s->bytes_out;
	n->rec.in_packets = s->pkts_in;
	n->rec.out_packets = s->pkts_out;
	n->rec.cause = a->cause ? a->cause : GW_TERM_LOST_CARRIER;
	n->rec.radius_auth = a->radius_auth;
	n->rec.n_class = a->n_class;
	memcpy(n->rec.class_, a->class_, sizeof(a->class_));
	memcpy(n->rec.class_len, a->class_len, sizeof(a->class_len));
	n->rec.when = now;
	if (x->acct_tail != NULL)
		x->acct_tail->next = n;
	else
		x->acct_head = n;
	x->acct_tail = n;
	x->n_acct++;
	x->st.acct_queued++;
}

bool
gw_next_acct_record(struct gw *gw, struct gw_acct_record *rec)
{
	struct gw_aaa *x = gw->aaa;
	struct gw_acct_node *n;

	if (x == NULL || (n = x->acct_head) == NULL)
		return false;
	x->acct_head = n->next;
	if (x->acct_head == NULL)
		x->acct_tail = NULL;
	x->n_acct--;
	*rec = n->rec;
	free(n);
	return true;
}

/* Session hooks (gw_sess.c). */
void
gw_aaa_ip_up(struct gw *gw, uint64_t now, struct gw_sess *s)
{
	struct gw_aaa *x = gw->aaa;
	struct gw_aaa_sess *a;
	uint32_t interim;

	if (x == NULL || !x->enabled || (a = asess(gw, s)) == NULL)
		return;
	if (a->idle_s != 0) {
		a->idle_check = now + (uint64_t)a->idle_s * NS_PER_S;
		a->idle_mark = s->pkts_in + s->pkts_out;
	}
	if (!a->started) {
		acct_queue(gw, now, a, GW_ACCT_START);
		a->started = true;
		interim = a->interim_s ? a->interim_s : gw->conf->radius_set.interim;
		if (interim != 0 && x->accounting) {
			if (interim < 60)
				interim = 60;	/* RFC 2869 5.16 */
			a->interim_s = interim;
			a->interim_next = now + (uint64_t)interim * NS_PER_S;
		}
	}
	arm(gw, a);
}

void
gw_aaa_link_down(struct gw *gw, struct gw_sess *s, int reason)
{
	struct gw_aaa_sess *a = s->aaa;

	if (a == NULL || a->cause != 0)
		return;
	switch (reason) {
	case PPP_DOWN_PEER_TERMINATED: a->cause = GW_TERM_USER_REQUEST; break;
	case PPP_DOWN_ECHO_TIMEOUT: a->cause = GW_TERM_LOST_CARRIER; break;
	case PPP_DOWN_LOCAL_CLOSE:
		a->cause = gw->shut != SHUT_NONE ? GW_TERM_NAS_REBOOT : GW_TERM_ADMIN_RESET;
		break;
	case PPP_DOWN_AUTH_FAILED: a->cause = GW_TERM_USER_ERROR; break;
	default: a->cause = GW_TERM_NAS_ERROR; break;
	}
}

/* The session is being freed: Stop, and forget everything about it. */
void
gw_aaa_sess_end(struct gw *gw, uint64_t now, struct gw_sess *s)
{
	struct gw_aaa_sess *a = s->aaa;

	if (a == NULL)
		return;
	if (a->started)
		acct_queue(gw, now, a, GW_ACCT_STOP);
	slot_release(gw, a);
	rg_heap_release(&gw->aaa->heap, &a->node);
	sodium_memzero(a, sizeof(*a));
	free(a);
	s->aaa = NULL;
}

/* ---- timers ----------------------------------------------------------- */

uint64_t
gw_aaa_next_timeout(const struct gw *gw)
{
	return gw->aaa != NULL ? rg_heap_min(&gw->aaa->heap) : UINT64_MAX;
}

static void
close_for(uint64_t now, struct gw_aaa_sess *a, enum gw_acct_cause c)
{
	if (a->cause == 0)
		a->cause = c;
	if (!a->s->ppp_done)
		(void)ppp_session_close(a->s->ppp, now);
}

void
gw_aaa_handle_timeout(struct gw *gw, uint64_t now)
{
	struct gw_aaa *x = gw->aaa;
	struct rg_heap_node *n;

	if (x == NULL)
		return;
	while ((n = rg_heap_top(&x->heap)) != NULL && n->when <= now) {
		struct gw_aaa_sess *a = RG_HEAP_ENTRY(n, struct gw_aaa_sess, node);
		struct gw_sess *s = a->s;

		if (a->auth_deadline <= now) {
			struct gw_auth_answer ans;

			x->st.auth_timeout++;
			gw_log(gw, GW_LOG_PPP, 4, "PPP user %s from peer %s: no RADIUS answer "
			    "within %llu ms, authentication failed", s->user, s->l2ep->peer->id,
			    (unsigned long long)(x->opt.auth_timeout_ns / 1000000));
			memset(&ans, 0, sizeof(ans));
			ans.verdict = GW_AUTH_NO_ANSWER;
			/* gw_auth_answer counts it as no_answer; keep the numbers
			 * apart: auth_timeout is the core giving up. */
			(void)gw_auth_answer(gw, now, cookie_of(x, a->slot), &ans);
			x->st.auth_no_answer--;
			continue;
		}
		if (a->session_deadline <= now) {
			a->session_deadline = UINT64_MAX;
			x->st.session_timeouts++;
			gw_log(gw, GW_LOG_PPP, 6, "PPP user %s: Session-Timeout reached, "
			    "disconnecting", s->user);
			close_for(now, a, GW_TERM_SESSION_TIMEOUT);
		}
		if (a->idle_check <= now) {
			uint64_t seen = s->pkts_in + s->pkts_out;

			if (seen == a->idle_mark) {
				a->idle_check = UINT64_MAX;
				x->st.idle_timeouts++;
				gw_log(gw, GW_LOG_PPP, 6, "PPP user %s: idle for %u s "
				    "(Idle-Timeout), disconnecting", s->user, a->idle_s);
				close_for(now, a, GW_TERM_IDLE_TIMEOUT);
			} else {
				a->idle_mark = seen;
				a->idle_check = now + (uint64_t)a->idle_s * NS_PER_S;
			}
		}
		if (a->interim_next <= now) {
			acct_queue(gw, now, a, GW_ACCT_INTERIM);
			a->interim_next = now + (uint64_t)a->interim_s * NS_PER_S;
		}
		arm(gw, a);
	}
	gw_events(gw, now);
}

/* ---- disconnect and CoA ----------------------------------------------- */

static bool
matches(const struct gw_sess *s, const struct gw_aaa_match *m)
{
	if (m->user != NULL && strcmp(s->user, m->user) != 0)
		return false;
	if (m->framed_ip != 0 && s->addr != m->framed_ip)
		return false;
	if (m->acct_session_id != NULL &&
	    (s->aaa == NULL || strcmp(s->aaa->sid, m->acct_session_id) != 0))
		return false;
	return !s->ppp_done;
}

int
gw_aaa_disconnect(struct gw *gw, uint64_t now, const struct gw_aaa_match *m)
{
	struct gw_sess *s;
	int n = 0;

	if (m == NULL || (m->user == NULL && m->framed_ip == 0 && m->acct_session_id == NULL))
		return -1;
	gw->now = now;
	for (s = gw->sessions; s != NULL; s = s->next) {
		if (!matches(s, m))
			continue;
		if (s->aaa != NULL && s->aaa->cause == 0)
			s->aaa->cause = GW_TERM_ADMIN_RESET;
		gw_log(gw, GW_LOG_PPP, 6, "PPP user %s: disconnected on request (RADIUS "
		    "Disconnect-Request)", s->user);
		(void)ppp_session_close(s->ppp, now);
		n++;
	}
	if (gw->aaa != NULL)
		gw->aaa->st.disconnects += (uint64_t)n;
	gw_events(gw, now);
	gw_bury(gw);
	return n;
}

int
gw_aaa_coa(struct gw *gw, uint64_t now, const struct gw_aaa_match *m,
    uint32_t session_timeout, uint32_t idle_timeout)
{
	struct gw_sess *s;
	int n = 0;

	if (m == NULL || (m->user == NULL && m->framed_ip == 0 && m->acct_session_id == NULL))
		return -1;
	for (s = gw->sessions; s != NULL; s = s->next) {
		struct gw_aaa_sess *a;

		if (!matches(s, m) || (a = asess(gw, s)) == NULL)
			continue;
		if (session_timeout == UINT32_MAX)
			a->session_deadline = UINT64_MAX;
		else if (session_timeout != 0)
			a->session_deadline = now + (uint64_t)session_timeout * NS_PER_S;
		if (idle_timeout == UINT32_MAX) {
			a->idle_s = 0;
			a->idle_check = UINT64_MAX;
		} else if (idle_timeout != 0) {
			a->idle_s = idle_timeout;
			a->idle_mark = s->pkts_in + s->pkts_out;
			a->idle_check = now + (uint64_t)idle_timeout * NS_PER_S;
		}
		arm(gw, a);
		gw_log(gw, GW_LOG_PPP, 6, "PPP user %s: CoA applied (Session-Timeout %u, "
		    "Idle-Timeout %u)", s->user, session_timeout, idle_timeout);
		n++;
	}
	if (gw->aaa != NULL)
		gw->aaa->st.coa += (uint64_t)n;
	return n;
}

/* ---- introspection and teardown --------------------------------------- */

void
gw_aaa_get_stats(const struct gw *gw, struct gw_aaa_stats *st)
{
	if (gw->aaa != NULL)
		*st = gw->aaa->st;
	else
		memset(st, 0, sizeof(*st));
}

bool
gw_aaa_session_id(const struct gw *gw, uint32_t addr, char *out, size_t cap)
{
	const struct gw_sess *s = gw_sess_by_addr(gw, addr);

	if (s == NULL || s->aaa == NULL)
		return false;
	snprintf(out, cap, "%s", s->aaa->sid);
	return true;
}

void
gw_aaa_free(struct gw *gw)
{
	struct gw_aaa *x = gw->aaa;
	struct gw_acct_node *n;

	if (x == NULL)
		return;
	while ((n = x->acct_head) != NULL) {
		x->acct_head = n->next;
		free(n);
	}
	rg_heap_fini(&x->heap, heap_free, NULL);
	free(x);
	gw->aaa = NULL;
}
