/* harness.c - see harness.h. */
#include <string.h>

#include "harness.h"

void
h_policy_default(struct isakmp_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	memcpy(p->psk, "lab-psk-123", 11);
	p->psk_len = 11;
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP2048, 0 };
	p->p1[1] = (struct isakmp_p1_proposal){ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP1024, 0 };
	p->n_p1 = 2;
	p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	p->p2[1] = (struct isakmp_p2_proposal){ ISAKMP_ESP_3DES, 0, ISAKMP_INTEG_HMAC_SHA1_96, 0, 0 };
	p->n_p2 = 2;
	p->natt = true;
	p->send_deletes = true;
}

static int
w_rng(void *u, void *b, size_t n)
{
	return ts_rng_cb(&((struct h_side *)u)->rng, b, n);
}

static void *
w_alloc(void *u, size_t n)
{
	return ts_alloc_cb(&((struct h_side *)u)->alloc, n);
}

static void
w_free(void *u, void *p)
{
	ts_free_cb(&((struct h_side *)u)->alloc, p);
}

static void
w_log(void *u, int level, const char *msg)
{
	ts_log_cb(&((struct h_side *)u)->log, level, msg);
}

int
h_side_init(struct h_side *s, const struct isakmp_config *cfg, const struct isakmp_policy *p,
    uint64_t seed)
{
	struct isakmp_hooks hooks;
	int rc;

	memset(s, 0, sizeof(*s));
	ts_rng_init(&s->rng, seed);
	ts_alloc_init(&s->alloc);
	ts_log_init(&s->log);
	memset(&hooks, 0, sizeof(hooks));
	hooks.user = s;
	hooks.rng = w_rng;
	hooks.alloc = w_alloc;
	hooks.free = w_free;
	hooks.log = w_log;
	if ((rc = isakmp_ctx_new(&s->ctx, cfg, &hooks)) != 0)
		return rc;
	return p != NULL ? isakmp_policy_add(s->ctx, p, &s->pid) : 0;
}

int
h_init_multi(struct harness *h, const struct isakmp_policy *cp, const struct isakmp_policy *sp,
    size_t n, bool nat, uint64_t seed)
{
	uint32_t id;
	size_t i;
	int rc;

	if ((rc = h_init(h, cp, &sp[0], nat, seed)) != 0)
		return rc;
	for (i = 1; i < n; i++)
		if ((rc = isakmp_policy_add(h->s.ctx, &sp[i], &id)) != 0)
			return rc;
	return 0;
}

int
h_init(struct harness *h, const struct isakmp_policy *cp, const struct isakmp_policy *sp,
    bool nat, uint64_t seed)
{
	int rc;

	memset(h, 0, sizeof(*h));
	h->nat = nat;
	h->now = 1000000000ull;
	if ((rc = h_side_init(&h->c, NULL, cp, seed)) != 0)
		return rc;
	return h_side_init(&h->s, NULL, sp, seed + 1);
}

void
h_fini(struct harness *h)
{
	isakmp_ctx_free(h->c.ctx);
	isakmp_ctx_free(h->s.ctx);
	h->c.ctx = h->s.ctx = NULL;
}

static void
drain_events(struct h_side *s)
{
	struct isakmp_event ev;

	while (isakmp_next_event(s->ctx, &ev)) {
		if (s->nev < H_MAX_EV)
			s->ev[s->nev++] = ev;
		isakmp_event_wipe(&ev);
	}
}

/*
 * NAT: 10.0.0.2:p <-> 198.51.100.1:(nat_base + p) for p = 500 and 4500; a
 * datagram to any other NAT port is dropped (the mapping is gone).
 */
size_t
h_pump(struct harness *h)
{
	uint8_t buf[ISAKMP_MAX_PACKET];
	size_t len, moved = 0, round;
	struct isakmp_addr from, to;
	bool any = true;

	for (round = 0; any && round < 64; round++) {
		any = false;
		while (isakmp_next_output(h->c.ctx, h->now, buf, sizeof(buf), &len, &from, &to) == 0) {
			any = true;
			moved++;
			if (h->filter != NULL && !h->filter(h, true, buf, &len))
				continue;
			if (h->nat) {
				from.ip = H_NAT_IP;
				from.port = (uint16_t)((h->nat_base ? h->nat_base : 40000) + from.port);
			}
			memcpy(h->last_c2s, buf, len);
			h->last_c2s_len = len;
			h->last_c2s_from = from;
			h->last_c2s_to = to;
			h->last_rc_s = isakmp_input(h->s.ctx, h->now, buf, len, &from, &to);
		}
		while (isakmp_next_output(h->s.ctx, h->now, buf, sizeof(buf), &len, &from, &to) == 0) {
			any = true;
			moved++;
			if (h->filter != NULL && !h->filter(h, false, buf, &len))
				continue;
			if (h->nat) {
				uint16_t base = h->nat_base ? h->nat_base : 40000;

				if (to.ip != H_NAT_IP || (to.port != base + 500 && to.port != base + 4500)) {
					h->nat_dropped++;
					continue;
				}
				to.ip = H_CLIENT_IP;
				to.port = (uint16_t)(to.port - base);
			}
			h->last_rc_c = isakmp_input(h->c.ctx, h->now, buf, len, &from, &to);
		}
		drain_events(&h->c);
		drain_events(&h->s);
	}
	h->packets += moved;
	return moved;
}

int
h_initiate(struct harness *h, uint64_t *peer_id)
{
	struct isakmp_addr l = { H_CLIENT_IP, 500 }, r = { H_SERVER_IP, 500 };

	return isakmp_initiate(h->c.ctx, h->now, h->c.pid, &l, &r, peer_id);
}

bool
h_find_event(struct h_side *s, int type, struct isakmp_event *out)
{
	size_t i;

	for (i = 0; i < s->nev; i++)
		if ((int)s->ev[i].type == type) {
			if (out != NULL)
				*out = s->ev[i];
			return true;
		}
	return false;
}

bool
h_last_event(struct h_side *s, int type, struct isakmp_event *out)
{
	size_t i;

	for (i = s->nev; i-- > 0;)
		if ((int)s->ev[i].type == type) {
			if (out != NULL)
				*out = s->ev[i];
			return true;
		}
	return false;
}

size_t
h_count_events(struct h_side *s, int type)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		n += (int)s->ev[i].type == type;
	return n;
}

size_t
h_count_reason(struct h_side *s, int type, enum isakmp_reason reason)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		n += (int)s->ev[i].type == type && s->ev[i].reason == reason;
	return n;
}

void
h_run(struct harness *h, uint64_t now)
{
	h->now = now;
	(void)isakmp_handle_timeout(h->c.ctx, h->now);
	(void)isakmp_handle_timeout(h->s.ctx, h->now);
	h_pump(h);
}

void
h_run_until(struct harness *h, uint64_t until)
{
	for (;;) {
		uint64_t tc = isakmp_next_timeout(h->c.ctx), ts = isakmp_next_timeout(h->s.ctx);
		uint64_t t = tc < ts ? tc : ts;

		if (t > until)
			break;
		h_run(h, t > h->now ? t : h->now);
	}
	h->now = until;
	h_pump(h);
}

#include "isakmp_int.h"

struct ike_sa *
h_newest_sa(struct isakmp_ctx *ctx)
{
	struct ike_sa *best = NULL;
	uint32_t i;

	for (i = 0; i < ctx->ikes.n; i++) {
		struct ike_sa *sa = ctx->ikes.v[i];

		if (best == NULL || sa->id > best->id)
			best = sa;
	}
	return best;
}

static int
inject(struct harness *h, struct isakmp_ctx *ctx, uint8_t exch, uint32_t msgid,
    const uint8_t *payloads, size_t plen)
{
	struct ike_sa *sa = h_newest_sa(ctx);
	uint8_t pkt[ISAKMP_MAX_PACKET], iv[MAX_HASH], mid[4], hv[MAX_HASH];
	const uint8_t *parts[2];
	size_t lens[2], n, pad, hl;
	struct isakmp_addr from, to;

	if (sa == NULL || plen + HDR_LEN + 64 > sizeof(pkt) + 4)
		return -1000;
	hl = sa->alg.hlen;
	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt + 4, sa->icookie, 8);
	memcpy(pkt + 12, sa->rcookie, 8);
	pkt[4 + 16] = PL_HASH;
	pkt[4 + 17] = 0x10;
	pkt[4 + 18] = exch;
	pkt[4 + 19] = FL_E;
	mid[0] = (uint8_t)(msgid >> 24); mid[1] = (uint8_t)(msgid >> 16);
	mid[2] = (uint8_t)(msgid >> 8); mid[3] = (uint8_t)msgid;
	memcpy(pkt + 4 + 20, mid, 4);
	memcpy(pkt + 4 + HDR_LEN, payloads, plen);
	parts[0] = mid; lens[0] = 4;
	parts[1] = payloads + 4 + hl; lens[1] = plen - 4 - hl;
	if (iki_ikc_prf(ctx, sa->alg.md, sa->skeyid_a, hl, parts, lens, 2, hv) != 0)
		return -1001;
	memcpy(pkt + 4 + HDR_LEN + 4, hv, hl);
	pad = (sa->alg.blk - plen % sa->alg.blk) % sa->alg.blk;
	n = HDR_LEN + plen + pad;
	pkt[4 + 24] = (uint8_t)(n >> 24); pkt[4 + 25] = (uint8_t)(n >> 16);
	pkt[4 + 26] = (uint8_t)(n >> 8); pkt[4 + 27] = (uint8_t)n;
	parts[0] = sa->iv; lens[0] = sa->alg.blk;
	parts[1] = mid; lens[1] = 4;
	if (iki_ikc_hash(sa->alg.md, parts, lens, 2, iv) != 0 ||
	    iki_ikc_cbc(sa->alg.cipher, true, sa->enckey, iv, pkt + 4 + HDR_LEN, n - HDR_LEN,
	    pkt + 4 + HDR_LEN) != 0)
		return -1002;
	from = h->inject_from != NULL ? *h->inject_from : sa->remote;
	to = sa->local;
	if (to.port == ISAKMP_NATT_PORT)
		return isakmp_input(ctx, h->now, pkt, n + 4, &from, &to);
	return isakmp_input(ctx, h->now, pkt + 4, n, &from, &to);
}

int
h_inject_s(struct harness *h, uint8_t exch, uint32_t msgid, const uint8_t *payloads,
    size_t plen)
{
	return inject(h, h->s.ctx, exch, msgid, payloads, plen);
}

int
h_inject_c(struct harness *h, uint8_t exch, uint32_t msgid, const uint8_t *payloads,
    size_t plen)
{
	return inject(h, h->c.ctx, exch, msgid, payloads, plen);
}
