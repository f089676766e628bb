/*
 * guard.c - what keeps an internet-facing responder usable under attack
 * (issue #13): per-IP shares of the IKE SA and half-open tables with
 * eviction of the oldest half-open negotiation, the stateless responder
 * cookie used under pressure, failed-MM5 rate limits per IP and per policy,
 * low-priority events and rate-limited log lines.
 *
 * Stateless Main Mode 2.  The responder cookie is
 *     byte 0..1: offer slot (12 bits), key index (1 bit), flags (3 bits)
 *     byte 2..7: SipHash-2-4(key, CKY-I | bytes 0..1 | peer ip:port |
 *                our ip:port | digest of the SA offer), 48 bits
 * so MM3 is validated by recomputing it: only a peer that received MM2 at
 * its source address can answer, and only then is state made.  MM5 needs
 * the initiator's whole SA payload (SAi_b is in HASH_I), which MM3 does not
 * repeat, so the distinct SA payloads seen in MM1 are kept in a small
 * content-addressed table (4-way sets, keyed digest): clients of one kind
 * send identical offers, so a flood replaying one MM1 costs one slot, and
 * offers an MM3 proved real are kept before unproven ones.  The flags are
 * what MM2 announced (NAT-T RFC / draft vendor ID, DPD), so MM3 knows the
 * NAT-D payload type without MM1.  MM2 is built exactly as a stateful one
 * (one transform echoed, vendor IDs dropped if the answer would be larger
 * than the request), so it is never bigger than MM1.  The two keys rotate
 * every cookie_secret_ns: a cookie is accepted for one to two periods.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

#define RL_BURST 10   /* log lines of one kind per second */
#define WAYS 4

void
iki_rl_log(struct isakmp_ctx *ctx, int kind, uint64_t now, int level, const char *fmt, ...)
{
	struct rlog *r = &ctx->rl[kind];
	char buf[256];
	va_list ap;

	if (ctx->hooks.log == NULL)
		return;
	if (now >= r->window + NS || now < r->window) {
		if (r->suppressed != 0) {
			snprintf(buf, sizeof(buf), "(%llu similar messages suppressed)",
			    (unsigned long long)r->suppressed);
			ctx->hooks.log(ctx->hooks.user, level, buf);
		}
		r->window = now;
		r->n = 0;
		r->suppressed = 0;
	}
	if (r->n >= RL_BURST) {
		r->suppressed++;
		return;
	}
	r->n++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->hooks.log(ctx->hooks.user, level, buf);
}

int
iki_guard_init(struct isakmp_ctx *ctx)
{
	if (iki_ht_init(ctx, &ctx->srcs) != 0)
		return ISAKMP_E_NOMEM;
	ctx->offers = iki_ik_alloc(ctx, ctx->cfg.cookie_offers * sizeof(*ctx->offers));
	ctx->fails = iki_ik_alloc(ctx, ctx->cfg.auth_fail_sources * sizeof(*ctx->fails));
	if (ctx->offers == NULL || ctx->fails == NULL)
		return ISAKMP_E_NOMEM;
	return 0;
}

void
iki_guard_fini(struct isakmp_ctx *ctx)
{
	uint32_t i;

	if (ctx->offers != NULL) {
		for (i = 0; i < ctx->cfg.cookie_offers; i++)
			iki_wipe_free(ctx, &ctx->offers[i].b, &ctx->offers[i].len);
		iki_ik_free(ctx, ctx->offers);
		ctx->offers = NULL;
	}
	iki_ik_free(ctx, ctx->fails);
	ctx->fails = NULL;
	if (ctx->srcs.b != NULL)
		iki_ht_fini(ctx, &ctx->srcs);
	sodium_memzero(ctx->ck_key, sizeof(ctx->ck_key));
}

/* ---- per-IP shares ----------------------------------------------------- */

static uint64_t
ip_hash(const struct isakmp_ctx *ctx, uint32_t ip)
{
	uint8_t b[4] = { (uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8), (uint8_t)ip };

	return iki_ht_hash(ctx, b, sizeof(b));
}

static struct src *
src_find(const struct isakmp_ctx *ctx, uint32_t ip)
{
	struct hlink *l;

	for (l = iki_ht_first(&ctx->srcs, ip_hash(ctx, ip)); l != NULL; l = iki_ht_next(l)) {
		struct src *s = HT_ENTRY(l, struct src, link);

		if (s->ip == ip)
			return s;
	}
	return NULL;
}

/* Makes sa (a new responder SA) count against its remote IP, as half-open. */
int
iki_src_attach(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct src *s = src_find(ctx, sa->remote.ip);

	if (s == NULL) {
		if ((s = iki_ik_alloc(ctx, sizeof(*s))) == NULL)
			return ISAKMP_E_NOMEM;
		s->ip = sa->remote.ip;
		iki_ht_insert(ctx, &ctx->srcs, &s->link, ip_hash(ctx, s->ip));
	}
	sa->src = s;
	s->n_ike++;
	sa->ho_prev = s->ho_tail;
	sa->ho_next = NULL;
	if (s->ho_tail != NULL)
		s->ho_tail->ho_next = sa;
	else
		s->ho_head = sa;
	s->ho_tail = sa;
	s->n_half_open++;
	sa->gho_prev = ctx->gho_tail;
	sa->gho_next = NULL;
	if (ctx->gho_tail != NULL)
		ctx->gho_tail->gho_next = sa;
	else
		ctx->gho_head = sa;
	ctx->gho_tail = sa;
	ctx->n_resp_half_open++;
	sa->ho_linked = true;
	return 0;
}

/* sa is no longer half-open (established, or going away). */
void
iki_src_half_open_done(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct src *s = sa->src;

	if (!sa->ho_linked)
		return;
	if (sa->ho_prev != NULL)
		sa->ho_prev->ho_next = sa->ho_next;
	else
		s->ho_head = sa->ho_next;
	if (sa->ho_next != NULL)
		sa->ho_next->ho_prev = sa->ho_prev;
	else
		s->ho_tail = sa->ho_prev;
	s->n_half_open--;
	if (sa->gho_prev != NULL)
		sa->gho_prev->gho_next = sa->gho_next;
	else
		ctx->gho_head = sa->gho_next;
	if (sa->gho_next != NULL)
		sa->gho_next->gho_prev = sa->gho_prev;
	else
		ctx->gho_tail = sa->gho_prev;
	ctx->n_resp_half_open--;
	sa->ho_prev = sa->ho_next = sa->gho_prev = sa->gho_next = NULL;
	sa->ho_linked = false;
}

/* sa goes away: its IP's share is freed (the record too when empty). */
void
iki_src_detach(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	struct src *s = sa->src;

	if (s == NULL)
		return;
	iki_src_half_open_done(ctx, sa);
	sa->src = NULL;
	if (--s->n_ike == 0) {
		iki_ht_remove(&ctx->srcs, &s->link);
		iki_ik_free(ctx, s);
	}
}

static void
evict(struct isakmp_ctx *ctx, uint64_t now, struct ike_sa *sa, bool per_ip, const char *why)
{
	uint32_t ip = sa->remote.ip;

	if (per_ip)
		ctx->st.half_open_ip_evicted++;
	else
		ctx->st.half_open_evicted++;
	iki_rl_log(ctx, RL_HALF_OPEN, now, ISAKMP_LOG_WARN, "%s reached: oldest half-open IKE SA "
	    "%llu (from %u.%u.%u.%u:%u) evicted", why, (unsigned long long)sa->id, ip >> 24,
	    (ip >> 16) & 255, (ip >> 8) & 255, ip & 255, sa->remote.port);
	iki_ike_remove(ctx, now, sa, ISAKMP_REASON_EVICTED, false);
}

/*
 * Room for one more responder IKE SA from ip: over a share, the oldest
 * half-open negotiation (of that IP, else of all) is evicted; only when
 * nothing half-open is left to evict is it refused (ISAKMP_E_LIMIT).
 */
int
iki_admit_responder(struct isakmp_ctx *ctx, uint64_t now, uint32_t ip)
{
	struct src *s;
	unsigned guard;

	for (guard = 0; guard < 64 && (s = src_find(ctx, ip)) != NULL &&
	    s->n_ike >= ctx->cfg.max_ike_sas_per_ip; guard++) {
		if (s->ho_head == NULL) {
			ctx->st.sa_ip_refused++;
			iki_rl_log(ctx, RL_SA_IP, now, ISAKMP_LOG_WARN, "max_ike_sas_per_ip %u reached "
			    "by %u.%u.%u.%u: Main Mode refused", ctx->cfg.max_ike_sas_per_ip, ip >> 24,
			    (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
			return ISAKMP_E_LIMIT;
		}
		evict(ctx, now, s->ho_head, true, "max_ike_sas_per_ip");
	}
	for (guard = 0; guard < 64 && (s = src_find(ctx, ip)) != NULL &&
	    s->n_half_open >= ctx->cfg.max_half_open_per_ip; guard++)
		evict(ctx, now, s->ho_head, true, "max_half_open_per_ip");
	for (guard = 0; guard < 64 && ctx->n_sas >= ctx->cfg.max_ike_sas; guard++) {
		if (ctx->gho_head == NULL) {
			ctx->st.sa_limit_refused++;
			iki_rl_log(ctx, RL_SA_IP, now, ISAKMP_LOG_WARN, "IKE SA limit %u reached: Main "
			    "Mode from %u.%u.%u.%u refused", ctx->cfg.max_ike_sas, ip >> 24,
			    (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
			return ISAKMP_E_LIMIT;
		}
		evict(ctx, now, ctx->gho_head, false, "max_ike_sas");
	}
	for (guard = 0; guard < 64 && ctx->n_resp_half_open >= ctx->cfg.max_half_open &&
	    ctx->gho_head != NULL; guard++)
		evict(ctx, now, ctx->gho_head, false, "max_half_open");
	return 0;
}

/* Under pressure (globally or from this IP) MM1 is answered without state. */
bool
iki_want_cookie(struct isakmp_ctx *ctx, uint32_t ip)
{
	const struct src *s;

	if (ctx->n_resp_half_open >= ctx->cfg.cookie_threshold)
		return true;
	s = src_find(ctx, ip);
	return s != NULL && s->n_half_open >= ctx->cfg.cookie_threshold_per_ip;
}

/* ---- stateless responder cookies --------------------------------------- */

static int
ck_keys(struct isakmp_ctx *ctx, uint64_t now)
{
	int rc;

	if (ctx->ck_rotate_at == 0 || now >= ctx->ck_rotate_at + ctx->cfg.cookie_secret_ns) {
		if ((rc = iki_ik_rng(ctx, ctx->ck_key, sizeof(ctx->ck_key))) != 0)
			return rc;
		ctx->ck_cur = 0;
		ctx->ck_rotate_at = now + ctx->cfg.cookie_secret_ns;
	} else if (now >= ctx->ck_rotate_at) {
		if ((rc = iki_ik_rng(ctx, ctx->ck_key[ctx->ck_cur ^ 1], sizeof(ctx->ck_key[0]))) != 0)
			return rc;
		ctx->ck_cur ^= 1;
		ctx->ck_rotate_at = now + ctx->cfg.cookie_secret_ns;
	}
	return 0;
}

static void
ck_mac(const struct isakmp_ctx *ctx, unsigned key, const uint8_t *icookie, const uint8_t *rc01,
    const struct isakmp_addr *from, const struct isakmp_addr *to, uint64_t digest,
    uint8_t out[8])
{
	uint8_t m[30];
	size_t i;

	memcpy(m, icookie, 8);
	m[8] = rc01[0];
	m[9] = rc01[1];
	m[10] = (uint8_t)(from->ip >> 24); m[11] = (uint8_t)(from->ip >> 16);
	m[12] = (uint8_t)(from->ip >> 8); m[13] = (uint8_t)from->ip;
	m[14] = (uint8_t)(from->port >> 8); m[15] = (uint8_t)from->port;
	m[16] = (uint8_t)(to->ip >> 24); m[17] = (uint8_t)(to->ip >> 16);
	m[18] = (uint8_t)(to->ip >> 8); m[19] = (uint8_t)to->ip;
	m[20] = (uint8_t)(to->port >> 8); m[21] = (uint8_t)to->port;
	for (i = 0; i < 8; i++)
		m[22 + i] = (uint8_t)(digest >> (8 * i));
	crypto_shorthash_siphash24(out, m, sizeof(m), ctx->ck_key[key]);
	sodium_memzero(m, sizeof(m));
}

/* The slot of this SA offer (kept if new); -1 on allocation failure. */
static int
offer_slot(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *sab, size_t len, uint64_t *dg)
{
	uint32_t nsets = ctx->cfg.cookie_offers / WAYS, set, i, victim = UINT32_MAX;
	uint64_t digest = iki_ht_hash(ctx, sab, len) | 1;
	struct offer *o;
	uint8_t *copy;

	set = (uint32_t)((digest >> 1) % nsets);
	o = &ctx->offers[set * WAYS];
	for (i = 0; i < WAYS; i++)
		if (o[i].digest == digest && o[i].len == len && memcmp(o[i].b, sab, len) == 0) {
			o[i].used = now;
			*dg = digest;
			return (int)(set * WAYS + i);
		}
	/* An empty way, else the least recently used unproven, else the LRU. */
	for (i = 0; i < WAYS && victim == UINT32_MAX; i++)
		if (o[i].digest == 0)
			victim = i;
	for (i = 0; i < WAYS && victim == UINT32_MAX; i++)
		if (!o[i].validated)
			victim = i;
	if (victim != UINT32_MAX && o[victim].digest != 0)
		for (i = 0; i < WAYS; i++)
			if (!o[i].validated && o[i].used < o[victim].used)
				victim = i;
	if (victim == UINT32_MAX) {
		victim = 0;
		for (i = 1; i < WAYS; i++)
			if (o[i].used < o[victim].used)
				victim = i;
	}
	if ((copy = iki_ik_alloc(ctx, len ? len : 1)) == NULL)
		return -1;
	memcpy(copy, sab, len);
	iki_wipe_free(ctx, &o[victim].b, &o[victim].len);
	o[victim].b = copy;
	o[victim].len = len;
	o[victim].digest = digest;
	o[victim].used = now;
	o[victim].validated = false;
	*dg = digest;
	return (int)(set * WAYS + victim);
}

/*
 * The stateless responder cookie for an MM1 from *from to *to with
 * initiator cookie icookie and SA payload body sab (kept in the offer
 * table); flags: CKF_* of what MM2 announces.
 */
int
iki_cookie_make(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *icookie,
    const struct isakmp_addr *from, const struct isakmp_addr *to, const uint8_t *sab,
    size_t salen, uint8_t flags, uint8_t rcookie[8])
{
	uint64_t digest;
	uint8_t mac[8];
	int slot, rc;

	if ((rc = ck_keys(ctx, now)) != 0)
		return rc;
	if ((slot = offer_slot(ctx, now, sab, salen, &digest)) < 0)
		return ISAKMP_E_NOMEM;
	rcookie[0] = (uint8_t)(slot >> 4);
	rcookie[1] = (uint8_t)((slot & 15) << 4 | ctx->ck_cur << 3 | (flags & 7));
	ck_mac(ctx, ctx->ck_cur, icookie, rcookie, from, to, digest, mac);
	memcpy(rcookie + 2, mac, 6);
	sodium_memzero(mac, sizeof(mac));
	return memcmp(rcookie, iki_zero8, 8) == 0 ? ISAKMP_E_COOKIE : 0;
}

/*
 * Verifies the responder cookie of an MM3 that found no SA.  On success
 * *sab / *salen point at the remembered SA offer (valid until the next
 * cookie_make) and *flags are what MM2 announced.  ISAKMP_E_COOKIE if it
 * was not made here for this initiator cookie and these addresses within
 * the last one to two key periods, or its offer was forgotten since.
 */
int
iki_cookie_check(struct isakmp_ctx *ctx, uint64_t now, const uint8_t *icookie,
    const uint8_t *rcookie, const struct isakmp_addr *from, const struct isakmp_addr *to,
    const uint8_t **sab, size_t *salen, uint8_t *flags)
{
	uint32_t slot = (uint32_t)rcookie[0] << 4 | rcookie[1] >> 4;
	unsigned key = (rcookie[1] >> 3) & 1;
	const struct offer *o;
	uint8_t mac[8];
	int rc;

	if (ctx->ck_rotate_at == 0)
		return ISAKMP_E_COOKIE;   /* none was ever made */
	if ((rc = ck_keys(ctx, now)) != 0)
		return rc;
	if (slot >= ctx->cfg.cookie_offers || (o = &ctx->offers[slot])->digest == 0)
		return ISAKMP_E_COOKIE;
	ck_mac(ctx, key, icookie, rcookie, from, to, o->digest, mac);
	rc = sodium_memcmp(mac, rcookie + 2, 6) == 0 ? 0 : ISAKMP_E_COOKIE;
	sodium_memzero(mac, sizeof(mac));
	if (rc != 0)
		return rc;
	*sab = o->b;
	*salen = o->len;
	*flags = rcookie[1] & 7;
	return 0;
}

/* A real peer used this offer: keep it before unproven ones. */
void
iki_cookie_validated(struct isakmp_ctx *ctx, const uint8_t *rcookie)
{
	uint32_t slot = (uint32_t)rcookie[0] << 4 | rcookie[1] >> 4;

	if (slot < ctx->cfg.cookie_offers)
		ctx->offers[slot].validated = true;
}

/* ---- failed MM5: rate limits per IP and per policy (GCRA) --------------- */

/* GCRA: burst failures in a row, then one per interval. */
static bool
gcra_limited(uint64_t tat, uint64_t now, uint32_t burst, uint64_t interval)
{
	uint64_t span = interval != 0 && burst - 1 > UINT64_MAX / interval ? UINT64_MAX :
	    (uint64_t)(burst - 1) * interval;

	return tat > now && tat - now > span;
}

static void
gcra_add(uint64_t *tat, uint64_t now, uint64_t interval)
{
	uint64_t base = *tat > now ? *tat : now;

	*tat = base > UINT64_MAX - interval ? UINT64_MAX : base + interval;
}

static struct failrec *
fail_find(struct isakmp_ctx *ctx, uint64_t now, uint32_t ip, bool create)
{
	uint32_t nsets = ctx->cfg.auth_fail_sources / WAYS, set, i, victim = 0;
	struct failrec *f;

	set = (uint32_t)(ip_hash(ctx, ip) % nsets);
	f = &ctx->fails[set * WAYS];
	for (i = 0; i < WAYS; i++)
		if (f[i].tat != 0 && f[i].ip == ip)
			return &f[i];
	if (!create)
		return NULL;
	/* A slot without memory left, else the one that forgets soonest. */
	for (i = 0; i < WAYS; i++) {
		if (f[i].tat <= now) {
			victim = i;
			break;
		}
		if (f[i].tat < f[victim].tat)
			victim = i;
	}
	f[victim].ip = ip;
	f[victim].tat = 0;
	return &f[victim];
}

/*
 * Before MM5 is tried: refused (ISAKMP_E_LIMIT, counted, logged) when the
 * peer's IP has used up its failures, or when it has failed before and the
 * policy has used up its own.  An IP without failures is always tried, so
 * a flood of guesses on a policy never locks out users who type it right.
 */
int
iki_auth_limited(struct isakmp_ctx *ctx, uint64_t now, const struct ike_sa *sa, struct pol *pol)
{
	uint32_t ip = sa->remote.ip;
	const struct failrec *f = fail_find(ctx, now, ip, false);

	if (f == NULL || f->tat <= now)
		return 0;
	if (gcra_limited(f->tat, now, ctx->cfg.auth_fail_burst_per_ip,
	    ctx->cfg.auth_fail_interval_per_ip_ns)) {
		ctx->st.auth_rate_limited++;
		iki_rl_log(ctx, RL_AUTH_LIMIT, now, ISAKMP_LOG_WARN, "IKE SA %llu: MM5 from "
		    "%u.%u.%u.%u:%u refused untried: too many failed MM5 from this address "
		    "(auth_fail_burst_per_ip %u)", (unsigned long long)sa->id, ip >> 24,
		    (ip >> 16) & 255, (ip >> 8) & 255, ip & 255, sa->remote.port,
		    ctx->cfg.auth_fail_burst_per_ip);
		return ISAKMP_E_LIMIT;
	}
	if (gcra_limited(pol->fail_tat, now, ctx->cfg.auth_fail_burst_per_policy,
	    ctx->cfg.auth_fail_interval_per_policy_ns)) {
		ctx->st.auth_policy_limited++;
		iki_rl_log(ctx, RL_AUTH_LIMIT, now, ISAKMP_LOG_WARN, "IKE SA %llu: MM5 from "
		    "%u.%u.%u.%u:%u refused untried: policy %u has too many failed MM5 "
		    "(auth_fail_burst_per_policy %u) and this address failed before",
		    (unsigned long long)sa->id, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
		    sa->remote.port, pol->id, ctx->cfg.auth_fail_burst_per_policy);
		return ISAKMP_E_LIMIT;
	}
	return 0;
}

/* MM5 failed with every candidate key: charged to the IP and the policy. */
void
iki_auth_failed(struct isakmp_ctx *ctx, uint64_t now, const struct ike_sa *sa, struct pol *pol)
{
	uint32_t ip = sa->remote.ip;
	struct failrec *f = fail_find(ctx, now, ip, true);

	gcra_add(&f->tat, now, ctx->cfg.auth_fail_interval_per_ip_ns);
	gcra_add(&pol->fail_tat, now, ctx->cfg.auth_fail_interval_per_policy_ns);
	ctx->st.auth_fail_destroyed++;
	iki_rl_log(ctx, RL_AUTH, now, ISAKMP_LOG_WARN, "IKE SA %llu: MM5 from %u.%u.%u.%u:%u "
	    "failed authentication (policy %u): negotiation destroyed",
	    (unsigned long long)sa->id, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
	    sa->remote.port, pol->id);
}

/* ---- events ------------------------------------------------------------- */

/*
 * An event nobody must act on (a never-authenticated negotiation failed):
 * queued only while the queue is less than 3/4 full, so a flood of them
 * always leaves room for the events that matter; otherwise counted.
 */
void
iki_ev_push_low(struct isakmp_ctx *ctx, uint64_t now, const struct isakmp_event *ev)
{
	if (ctx->ev_count >= ctx->cfg.max_events - ctx->cfg.max_events / 4) {
		ctx->st.events_coalesced++;
		iki_rl_log(ctx, RL_EVENTS, now, ISAKMP_LOG_INFO, "event queue 3/4 full: %s of an "
		    "unauthenticated negotiation counted, not queued", isakmp_event_name(ev->type));
		return;
	}
	iki_ev_push(ctx, ev);
}
