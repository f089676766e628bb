/*
 * session.c - one PPP link: creation from the session configuration (the
 * router's PPP template) and the context's defaults, the session table,
 * phase changes (RFC 1661 §3.2), close, introspection and free.
 */
#include <string.h>

#include <sodium.h>

#include "ppp_int.h"

/* The session configuration resolved against the context's defaults. */
struct params {
	uint8_t auth[PPP_MAX_AUTH_METHODS], n_auth, accept_none;
	uint64_t echo_interval_ns, rechallenge_ns;
	uint8_t echo_max_misses;
	uint16_t mru;
	uint32_t local_addr, dns[2], nbns[2];
	const char *name;	/* NULL: the context's */
	size_t name_len;
};

static uint64_t
pick_ns(uint64_t v, uint64_t def)
{
	if (v == PPP_TIMER_OFF)
		return 0;
	return v != 0 ? v : def;
}

static uint32_t
pick_addr(uint32_t v, uint32_t def)
{
	if (v == PPP_ADDR_NONE)
		return 0;
	return v != 0 ? v : def;
}

/* Resolves the method list for the role; see struct ppp_config. */
static int
resolve_auth(const struct ppp_ctx *ctx, enum ppp_role role,
    const enum ppp_auth_method *list, size_t n, struct params *p)
{
	size_t i;

	if (ppp_check_methods(list, n) != 0)
		return PPP_E_INVAL;
	p->n_auth = 0;
	p->accept_none = 0;
	if (role == PPP_ROLE_SERVER) {
		for (i = 0; i < n; i++) {
			if (list[i] == PPP_AUTH_NONE) {
				if (n != 1)
					return PPP_E_INVAL;
				continue;
			}
			if (list[i] == PPP_AUTH_MSCHAPV2 &&
			    !ppp_have_mschap(ctx))
				return PPP_E_CRYPTO;
			p->auth[p->n_auth++] = (uint8_t)list[i];
		}
		return 0;
	}
	if (n == 0) {
		/* All three (MS-CHAPv2 first, when available), or none. */
		if (ppp_have_mschap(ctx))
			p->auth[p->n_auth++] = PPP_AUTH_MSCHAPV2;
		p->auth[p->n_auth++] = PPP_AUTH_CHAP_MD5;
		p->auth[p->n_auth++] = PPP_AUTH_PAP;
		p->accept_none = 1;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (list[i] == PPP_AUTH_NONE) {
			p->accept_none = 1;
			continue;
		}
		if (list[i] == PPP_AUTH_MSCHAPV2 && !ppp_have_mschap(ctx))
			return PPP_E_CRYPTO;
		p->auth[p->n_auth++] = (uint8_t)list[i];
	}
	return 0;
}

static int
resolve(const struct ppp_ctx *ctx, enum ppp_role role,
    const struct ppp_session_config *sc, struct params *p)
{
	const struct ppp_config *c = &ctx->cfg;
	int rc;

	memset(p, 0, sizeof(*p));
	if (sc != NULL && sc->size != sizeof(*sc))
		return PPP_E_INVAL;
	if (role == PPP_ROLE_CLIENT && (sc == NULL || sc->username == NULL ||
	    sc->password == NULL || sc->username_len > PPP_MAX_NAME ||
	    sc->password_len > PPP_MAX_SECRET))
		return PPP_E_INVAL;
	if (sc != NULL && sc->n_auth > 0)
		rc = resolve_auth(ctx, role, sc->auth, sc->n_auth, p);
	else
		rc = resolve_auth(ctx, role, c->auth, c->n_auth, p);
	if (rc != 0)
		return rc;
	p->echo_interval_ns = c->echo_interval_ns;
	p->rechallenge_ns = c->rechallenge_ns;
	p->echo_max_misses = c->echo_max_misses;
	p->mru = c->mru;
	p->local_addr = c->local_addr;
	memcpy(p->dns, c->dns, sizeof(p->dns));
	memcpy(p->nbns, c->nbns, sizeof(p->nbns));
	if (sc == NULL)
		return 0;
	p->echo_interval_ns = pick_ns(sc->echo_interval_ns, p->echo_interval_ns);
	p->rechallenge_ns = pick_ns(sc->rechallenge_ns, p->rechallenge_ns);
	if (sc->echo_max_misses != 0)
		p->echo_max_misses = sc->echo_max_misses;
	if (sc->mru != 0) {
		if (sc->mru < 128 || sc->mru > 1500)
			return PPP_E_INVAL;
		p->mru = sc->mru;
	}
	p->local_addr = pick_addr(sc->local_addr, p->local_addr);
	p->dns[0] = pick_addr(sc->dns[0], p->dns[0]);
	p->dns[1] = pick_addr(sc->dns[1], p->dns[1]);
	p->nbns[0] = pick_addr(sc->nbns[0], p->nbns[0]);
	p->nbns[1] = pick_addr(sc->nbns[1], p->nbns[1]);
	if (sc->name != NULL) {
		p->name_len = strlen(sc->name);
		if (p->name_len > PPP_MAX_NAME)
			return PPP_E_INVAL;
		if (p->name_len != ctx->name_len ||
		    memcmp(sc->name, ctx->name, p->name_len) != 0)
			p->name = sc->name;
	}
	return 0;
}

/* Makes room for one more session in the table. */
static int
table_grow(struct ppp_ctx *ctx)
{
	struct ppp_session **nv;
	uint32_t ncap;

	if (ctx->n_sess < ctx->cap_sess)
		return 0;
	ncap = ctx->cap_sess ? ctx->cap_sess * 2 : 16;
	if (ncap > ctx->cfg.max_sessions)
		ncap = ctx->cfg.max_sessions;
	if ((nv = ppp_zalloc(ctx, (size_t)ncap * sizeof(*nv))) == NULL)
		return PPP_E_NOMEM;
	if (ctx->sess != NULL) {
		memcpy(nv, ctx->sess, (size_t)ctx->n_sess * sizeof(*nv));
		ppp_free(ctx, ctx->sess);
	}
	ctx->sess = nv;
	ctx->cap_sess = ncap;
	return 0;
}

static void *
heap_alloc(void *user, size_t n)
{
	return ppp_zalloc(user, n);
}

static void
heap_free(void *user, void *p)
{
	ppp_free(user, p);
}

/* Frees the blocks of a session that never entered the table. */
static void
free_blocks(struct ppp_ctx *ctx, struct ppp_session *s)
{
	if (s->creds != NULL) {
		sodium_memzero(s->creds, sizeof(*s->creds));
		ppp_free(ctx, s->creds);
	}
	ppp_text_free(ctx, &s->peer_name);
	ppp_text_free(ctx, &s->msg);
	ppp_text_free(ctx, &s->name);
	sodium_memzero(s, sizeof(*s));
	ppp_free(ctx, s);
}

static void
apply(struct ppp_session *s, const struct params *p,
    const struct ppp_session_config *sc)
{
	memcpy(s->auth_list, p->auth, sizeof(s->auth_list));
	s->n_auth = p->n_auth;
	s->accept_none = p->accept_none;
	s->echo_interval_ns = p->echo_interval_ns;
	s->rechallenge_ns = p->rechallenge_ns;
	s->echo_max_misses = p->echo_max_misses;
	s->cfg_mru = s->local_mru = p->mru;
	s->user = sc != NULL ? sc->user : 0;
	if (s->role == PPP_ROLE_SERVER) {
		s->local_addr = p->local_addr;
		memcpy(s->dns, p->dns, sizeof(s->dns));
		memcpy(s->nbns, p->nbns, sizeof(s->nbns));
	}
}

int
ppp_session_new(struct ppp_ctx *ctx, uint64_t now, enum ppp_role role,
    const struct ppp_session_config *scfg, struct ppp_session **out)
{
	struct params p;
	struct ppp_session *s;
	int rc;

	if (out == NULL)
		return PPP_E_INVAL;
	*out = NULL;
	if (ctx == NULL || (role != PPP_ROLE_SERVER && role != PPP_ROLE_CLIENT))
		return PPP_E_INVAL;
	if ((rc = resolve(ctx, role, scfg, &p)) != 0)
		return rc;
	if (ctx->n_sess >= ctx->cfg.max_sessions)
		return ppp_bad(ctx, &ctx->stats.session_limit, PPP_E_LIMIT,
		    "ppp: session refused, %u sessions live (max_sessions)",
		    (unsigned)ctx->n_sess);
	if ((s = ppp_zalloc(ctx, sizeof(*s))) == NULL)
		return PPP_E_NOMEM;
	s->ctx = ctx;
	s->role = (uint8_t)role;
	if (role == PPP_ROLE_CLIENT) {
		if ((s->creds = ppp_zalloc(ctx, sizeof(*s->creds))) == NULL)
			goto nomem;
		memcpy(s->creds->user, scfg->username, scfg->username_len);
		s->creds->user_len = (uint8_t)scfg->username_len;
		memcpy(s->creds->pw, scfg->password, scfg->password_len);
		s->creds->pw_len = (uint8_t)scfg->password_len;
	}
	if (p.name != NULL &&
	    ppp_text_set(ctx, &s->name, p.name, p.name_len) != 0)
		goto nomem;
	if (table_grow(ctx) != 0 || rg_heap_reserve(&ctx->timers, heap_alloc,
	    heap_free, ctx) != 0)
		goto nomem;
	/* From here on, ppp_session_free undoes everything. */
	s->slot = ctx->n_sess;
	ctx->sess[ctx->n_sess++] = s;
	ctx->stats.sessions_created++;
	apply(s, &p, scfg);
	s->created_ns = now;
	ppp_sess_set_now(s, now);
	s->auth_timer = s->echo_timer = s->rechallenge_timer = UINT64_MAX;
	s->auth_deadline = UINT64_MAX;
	s->tnode.when = UINT64_MAX;
	s->peer_mru = 1500;
	s->req_mru = s->local_mru != 1500;
	s->req_magic = 1;
	s->req_auth = role == PPP_ROLE_SERVER && s->n_auth > 0;
	if ((rc = ppp_random(ctx, &s->magic, sizeof(s->magic))) != 0) {
		ppp_session_free(s);
		return rc;
	}
	if (s->magic == 0)
		s->magic = 1;
	if (role == PPP_ROLE_CLIENT)
		s->ip_req = 0x7;	/* address, DNS1, DNS2 */
	ppp_fsm_init(&s->lcp, &ppp_lcp_ops, s, ctx->cfg.restart_ns,
	    ctx->cfg.max_configure, ctx->cfg.max_terminate);
	ppp_fsm_init(&s->ipcp, &ppp_ipcp_ops, s, ctx->cfg.restart_ns,
	    ctx->cfg.max_configure, ctx->cfg.max_terminate);
	ppp_sess_set_now(s, now);
	s->phase = PH_ESTABLISH;
	/* RFC 1661 §3.2: the lower layer (L2TP session) is up; open. */
	ppp_fsm_event(&s->lcp, EV_UP, NULL);
	ppp_fsm_event(&s->lcp, EV_OPEN, NULL);
	if (s->out.n == 0) {
		/* The first Configure-Request could not be queued. */
		rc = ctx->out.n >= ctx->cfg.ctx_max_output ?
		    PPP_E_QUEUE_FULL : PPP_E_NOMEM;
		ppp_session_free(s);
		return rc;
	}
	ppp_sess_rearm(s);
	*out = s;
	return 0;
nomem:
	free_blocks(ctx, s);
	return PPP_E_NOMEM;
}

void
ppp_session_free(struct ppp_session *s)
{
	struct ppp_ctx *ctx;
	struct ppp_session *last;

	if (s == NULL)
		return;
	ctx = s->ctx;
	rg_heap_release(&ctx->timers, &s->tnode);
	ppp_queue_drop(s);
	/* Dense table: the last session takes the freed slot. */
	last = ctx->sess[ctx->n_sess - 1];
	ctx->sess[s->slot] = last;
	last->slot = s->slot;
	ctx->sess[--ctx->n_sess] = NULL;
	free_blocks(ctx, s);
}

uint64_t
ppp_session_user(const struct ppp_session *s)
{
	return s != NULL ? s->user : 0;
}

int
ppp_session_set_user(struct ppp_session *s, uint64_t user)
{
	if (s == NULL)
		return PPP_E_INVAL;
	s->user = user;
	return 0;
}

/*
 * The link is finished for the given reason.  Needs no allocation: the
 * LINK_DOWN event is a node of the session, queued after its events.
 */
void
ppp_sess_link_down(struct ppp_session *s, enum ppp_down_reason why)
{
	if (s->down_reported)
		return;
	s->down_reported = 1;
	s->down_reason = (uint8_t)why;
	s->phase = PH_TERMINATE;
	s->auth_timer = s->echo_timer = s->rechallenge_timer = UINT64_MAX;
	s->auth_deadline = UINT64_MAX;
	s->ctx->stats.sessions_down++;
	ppp_log(s->ctx, PPP_LOG_INFO, "ppp: link down (%s)",
	    ppp_down_reason_name(why));
	ppp_queue_down(s);
}

void
ppp_sess_enter_network(struct ppp_session *s)
{
	s->phase = PH_NETWORK;
	ppp_ipcp_start(s);
}

int
ppp_session_close(struct ppp_session *s, uint64_t now)
{
	if (s == NULL)
		return PPP_E_INVAL;
	if (s->down_reported)
		return PPP_E_STATE;
	ppp_sess_set_now(s, now);
	ppp_sess_link_down(s, PPP_DOWN_LOCAL_CLOSE);
	ppp_fsm_event(&s->lcp, EV_CLOSE, NULL);
	ppp_sess_rearm(s);
	return 0;
}

int
ppp_session_set_peer_address(struct ppp_session *s, uint64_t now,
    uint32_t addr)
{
	if (s == NULL || addr == 0)
		return PPP_E_INVAL;
	if (s->role != PPP_ROLE_SERVER)
		return PPP_E_STATE;
	ppp_sess_set_now(s, now);
	s->peer_addr = addr;
	return 0;
}

int
ppp_session_get_info(const struct ppp_session *s, uint64_t now,
    struct ppp_session_info *info)
{
	if (s == NULL || info == NULL)
		return PPP_E_INVAL;
	memset(info, 0, sizeof(*info));
	info->sess = (struct ppp_session *)(uintptr_t)s;
	info->user = s->user;
	info->role = (enum ppp_role)s->role;
	info->phase = (enum ppp_phase)s->phase;
	info->lcp_state = ppp_fsm_state_name(s->lcp.state);
	info->ipcp_state = ppp_fsm_state_name(s->ipcp.state);
	info->down = s->down_reported != 0;
	info->down_reason = (enum ppp_down_reason)s->down_reason;
	info->authenticated = s->authenticated != 0;
	info->auth_method = (enum ppp_auth_method)s->auth_method;
	if (s->role == PPP_ROLE_CLIENT)
		ppp_escape(info->auth_name, sizeof(info->auth_name),
		    (const uint8_t *)s->creds->user, s->creds->user_len);
	else if (s->authenticated && s->peer_name != NULL)
		ppp_escape(info->auth_name, sizeof(info->auth_name),
		    (const uint8_t *)s->peer_name->s, s->peer_name->len);
	info->local_addr = s->local_addr;
	info->peer_addr = s->peer_addr;
	memcpy(info->dns, s->dns, sizeof(info->dns));
	memcpy(info->nbns, s->nbns, sizeof(info->nbns));
	info->local_mru = s->local_mru;
	info->peer_mru = s->peer_mru;
	info->created_ns = s->created_ns;
	info->age_ns = now > s->created_ns ? now - s->created_ns : 0;
	info->ip_up_ns = s->ip_up_ns;
	info->next_timeout_ns = ppp_sess_deadline(s);
	info->ip_packets_in = s->ip_in;
	info->ip_bytes_in = s->ip_bytes_in;
	info->ip_packets_out = s->ip_out;
	info->ip_bytes_out = s->ip_bytes_out;
	info->echo_outstanding = s->echo_misses > 0;
	info->echo_misses = s->echo_misses;
	info->echo_max_misses = s->echo_max_misses;
	info->echo_interval_ns = s->echo_interval_ns;
	return 0;
}

bool
ppp_session_next(const struct ppp_ctx *ctx, size_t *cursor,
    struct ppp_session **sess)
{
	if (ctx == NULL || cursor == NULL || sess == NULL ||
	    *cursor >= ctx->n_sess)
		return false;
	*sess = ctx->sess[*cursor];
	(*cursor)++;
	return true;
}

size_t
ppp_session_memory(const struct ppp_session *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = sizeof(*s) + ppp_queue_memory(s);
	if (s->creds != NULL)
		n += sizeof(*s->creds);
	if (s->name != NULL)
		n += sizeof(*s->name) + s->name->cap;
	if (s->peer_name != NULL)
		n += sizeof(*s->peer_name) + s->peer_name->cap;
	if (s->msg != NULL)
		n += sizeof(*s->msg) + s->msg->cap;
	return n;
}
