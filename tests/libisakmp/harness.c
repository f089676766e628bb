/* harness.c - see harness.h. */
#include <string.h>

#include "harness.h"

void
h_policy_default(struct isakmp_policy *p)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->psk, "lab-psk-123", 11);
	p->psk_len = 11;
	p->p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP2048, 0 };
	p->p1[1] = (struct isakmp_p1_proposal){ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP1024, 0 };
	p->n_p1 = 2;
	p->p2[0] = (struct isakmp_p2_proposal){ ISAKMP_ESP_AES_CBC, 128, ISAKMP_AUTH_HMAC_SHA1, 0, 0 };
	p->p2[1] = (struct isakmp_p2_proposal){ ISAKMP_ESP_3DES, 0, ISAKMP_AUTH_HMAC_SHA1, 0, 0 };
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

static int
side_init(struct h_side *s, const struct isakmp_policy *p, uint64_t seed)
{
	struct isakmp_config cfg;
	struct isakmp_hooks hooks;

	memset(s, 0, sizeof(*s));
	ts_rng_init(&s->rng, seed);
	ts_alloc_init(&s->alloc);
	ts_log_init(&s->log);
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.policies[0] = *p;
	cfg.n_policies = 1;
	memset(&hooks, 0, sizeof(hooks));
	hooks.user = s;
	hooks.rng = w_rng;
	hooks.alloc = w_alloc;
	hooks.free = w_free;
	hooks.log = w_log;
	return isakmp_ctx_new(&s->ctx, &cfg, &hooks);
}

int
h_init_cfg(struct harness *h, const struct isakmp_policy *cp, const struct isakmp_config *scfg,
    bool nat, uint64_t seed)
{
	struct isakmp_hooks hooks;
	int rc;

	if ((rc = h_init(h, cp, cp, nat, seed)) != 0)
		return rc;
	isakmp_ctx_free(h->s.ctx);
	h->s.ctx = NULL;
	memset(&hooks, 0, sizeof(hooks));
	hooks.user = &h->s;
	hooks.rng = w_rng;
	hooks.alloc = w_alloc;
	hooks.free = w_free;
	hooks.log = w_log;
	return isakmp_ctx_new(&h->s.ctx, scfg, &hooks);
}

int
h_init(struct harness *h, const struct isakmp_policy *cp, const struct isakmp_policy *sp,
    bool nat, uint64_t seed)
{
	int rc;

	memset(h, 0, sizeof(*h));
	h->nat = nat;
	h->now = 1000000000ull;
	if ((rc = side_init(&h->c, cp, seed)) != 0)
		return rc;
	return side_init(&h->s, sp, seed + 1);
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

	while (isakmp_next_event(s->ctx, &ev))
		if (s->nev < 32)
			s->ev[s->nev++] = ev;
}

/* NAT: 10.0.0.2:p <-> 198.51.100.1:(40000 + p) */
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
				from.port = (uint16_t)(40000 + from.port);
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
				to.ip = H_CLIENT_IP;
				to.port = (uint16_t)(to.port - 40000);
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
h_initiate(struct harness *h, uint64_t *ike_id)
{
	struct isakmp_addr l = { H_CLIENT_IP, 500 }, r = { H_SERVER_IP, 500 };

	if (!h->nat)
		l.ip = H_CLIENT_IP;
	return isakmp_initiate(h->c.ctx, h->now, 0, &l, &r, ike_id);
}

bool
h_find_event(struct h_side *s, int type, struct isakmp_event *out)
{
	size_t i;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].type == type) {
			if (out != NULL)
				*out = s->ev[i];
			return true;
		}
	return false;
}

#include "isakmp_int.h"

static int
inject(struct harness *h, struct isakmp_ctx *ctx, uint8_t exch, uint32_t msgid,
    const uint8_t *payloads, size_t plen)
{
	struct ike_sa *sa = ctx->sas;
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
	if (ikc_prf(ctx, sa->alg.md, sa->skeyid_a, hl, parts, lens, 2, hv) != 0)
		return -1001;
	memcpy(pkt + 4 + HDR_LEN + 4, hv, hl);
	pad = (sa->alg.blk - plen % sa->alg.blk) % sa->alg.blk;
	n = HDR_LEN + plen + pad;
	pkt[4 + 24] = (uint8_t)(n >> 24); pkt[4 + 25] = (uint8_t)(n >> 16);
	pkt[4 + 26] = (uint8_t)(n >> 8); pkt[4 + 27] = (uint8_t)n;
	parts[0] = sa->iv; lens[0] = sa->alg.blk;
	parts[1] = mid; lens[1] = 4;
	if (ikc_hash(sa->alg.md, parts, lens, 2, iv) != 0 ||
	    ikc_cbc(sa->alg.cipher, true, sa->enckey, iv, pkt + 4 + HDR_LEN, n - HDR_LEN,
	    pkt + 4 + HDR_LEN) != 0)
		return -1002;
	from = sa->remote;
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
