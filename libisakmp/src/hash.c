/*
 * hash.c - the context's lookup structures: chained hash tables keyed with
 * SipHash (a per-context random key, so a peer choosing cookies cannot aim
 * at one bucket), and dense arrays of objects for enumeration and walks.
 *
 * A table never fails an insertion: it grows (doubling) when it holds twice
 * as many objects as buckets, and if that allocation fails it keeps the old
 * buckets (longer chains, still correct).
 */
#include <string.h>

#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

#define HT_MIN 64

int
iki_ht_init(struct isakmp_ctx *ctx, struct htab *t)
{
	t->b = iki_ik_alloc(ctx, HT_MIN * sizeof(*t->b));
	if (t->b == NULL)
		return ISAKMP_E_NOMEM;
	t->mask = HT_MIN - 1;
	t->n = 0;
	return 0;
}

void
iki_ht_fini(struct isakmp_ctx *ctx, struct htab *t)
{
	iki_ik_free(ctx, t->b);
	memset(t, 0, sizeof(*t));
}

uint64_t
iki_ht_hash(const struct isakmp_ctx *ctx, const void *key, size_t len)
{
	uint8_t out[crypto_shorthash_BYTES];
	uint64_t h = 0;
	size_t i;

	crypto_shorthash(out, key, len, ctx->hkey);
	for (i = 0; i < sizeof(out); i++)
		h = h << 8 | out[i];
	return h;
}

static void
ht_grow(struct isakmp_ctx *ctx, struct htab *t)
{
	uint32_t nb = (t->mask + 1) * 2, i;
	struct hlink **b, *l, *nx;

	if (nb == 0 || nb > (1u << 24))
		return;
	if ((b = iki_ik_alloc(ctx, (size_t)nb * sizeof(*b))) == NULL)
		return;  /* keep the old buckets */
	for (i = 0; i <= t->mask; i++)
		for (l = t->b[i]; l != NULL; l = nx) {
			nx = l->next;
			l->next = b[l->h & (nb - 1)];
			b[l->h & (nb - 1)] = l;
		}
	iki_ik_free(ctx, t->b);
	t->b = b;
	t->mask = nb - 1;
}

void
iki_ht_insert(struct isakmp_ctx *ctx, struct htab *t, struct hlink *l, uint64_t h)
{
	struct hlink **head;

	if (t->n >= 2 * (t->mask + 1))
		ht_grow(ctx, t);
	head = &t->b[h & t->mask];
	l->h = h;
	l->next = *head;
	*head = l;
	t->n++;
}

void
iki_ht_remove(struct htab *t, struct hlink *l)
{
	struct hlink **pp;

	for (pp = &t->b[l->h & t->mask]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			l->next = NULL;
			t->n--;
			return;
		}
}

/* First link of hash h's chain whose stored hash equals h (then ht_next). */
struct hlink *
iki_ht_first(const struct htab *t, uint64_t h)
{
	struct hlink *l;

	for (l = t->b[h & t->mask]; l != NULL && l->h != h; l = l->next)
		;
	return l;
}

struct hlink *
iki_ht_next(const struct hlink *l)
{
	uint64_t h = l->h;

	for (l = l->next; l != NULL && l->h != h; l = l->next)
		;
	return (struct hlink *)(uintptr_t)l;
}

/* Appends obj; *idx receives its position.  Fails only on allocation. */
int
iki_vec_add(struct isakmp_ctx *ctx, struct vec *v, void *obj, uint32_t *idx)
{
	if (v->n == v->cap) {
		uint32_t nc = v->cap ? v->cap * 2 : 16;
		void **nv;

		if (nc < v->cap || (nv = iki_ik_alloc(ctx, (size_t)nc * sizeof(*nv))) == NULL)
			return ISAKMP_E_NOMEM;
		if (v->v != NULL) {
			memcpy(nv, v->v, (size_t)v->n * sizeof(*nv));
			iki_ik_free(ctx, v->v);
		}
		v->v = nv;
		v->cap = nc;
	}
	*idx = v->n;
	v->v[v->n++] = obj;
	return 0;
}

/*
 * Removes the object at idx by moving the last one into its place; returns
 * the moved object (whose index the caller updates to idx), or NULL.
 */
void *
iki_vec_del(struct vec *v, uint32_t idx)
{
	void *last;

	if (idx >= v->n)
		return NULL;
	last = v->v[--v->n];
	v->v[v->n] = NULL;
	if (idx == v->n)
		return NULL;
	v->v[idx] = last;
	return last;
}

void
iki_vec_fini(struct isakmp_ctx *ctx, struct vec *v)
{
	iki_ik_free(ctx, v->v);
	memset(v, 0, sizeof(*v));
}
