/*
 * rg_heap.h - an intrusive binary min-heap of deadlines, header-only.
 *
 * Private to the roadgate libraries (never installed).  Each library that
 * keeps many timers (IKE SAs, L2TP tunnels, PPP sessions, ...) embeds one
 * struct rg_heap_node in every object that can have a deadline, keeps one
 * struct rg_heap per context, and answers next_timeout() in O(1) and
 * handle_timeout() in O(k log n) for the k objects that are due.
 *
 * Every function is static inline, so no symbol leaves a library and no
 * library depends on another at link time: each compiles its own copy.
 *
 * Memory: the heap is an array of node pointers grown through the caller's
 * allocator.  rg_heap_reserve() is called when an object is created (where
 * the library can still refuse with its NOMEM error); after that
 * rg_heap_set() and rg_heap_remove() never allocate and cannot fail.
 *
 * Time is a uint64_t; UINT64_MAX means "no deadline" and such nodes are not
 * kept in the heap.
 */
#ifndef RG_HEAP_H
#define RG_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rg_heap_node {
	uint64_t when;		/* deadline while in the heap */
	uint32_t pos;		/* index + 1 in the heap array; 0 = not in it */
};

struct rg_heap {
	struct rg_heap_node **v;
	uint32_t n;		/* nodes in the heap */
	uint32_t cap;		/* slots allocated */
	uint32_t reserved;	/* slots promised to objects (<= cap) */
};

typedef void *(*rg_heap_alloc_fn)(void *user, size_t size);
typedef void (*rg_heap_free_fn)(void *user, void *ptr);

static inline void
rg_heap_init(struct rg_heap *h)
{
	memset(h, 0, sizeof(*h));
}

/* Frees the array (the nodes belong to their objects). */
static inline void
rg_heap_fini(struct rg_heap *h, rg_heap_free_fn fr, void *user)
{
	if (h->v != NULL)
		fr(user, h->v);
	memset(h, 0, sizeof(*h));
}

/*
 * Promises one more slot (call once per object that will use the heap, when
 * the object is created).  Returns 0, or -1 if the allocator failed (the
 * heap is unchanged).
 */
static inline int
rg_heap_reserve(struct rg_heap *h, rg_heap_alloc_fn al, rg_heap_free_fn fr,
    void *user)
{
	struct rg_heap_node **nv;
	uint32_t ncap;

	if (h->reserved < h->cap) {
		h->reserved++;
		return 0;
	}
	if (h->cap >= (UINT32_MAX >> 2))
		return -1;
	ncap = h->cap ? h->cap * 2 : 16;
	nv = al(user, (size_t)ncap * sizeof(*nv));
	if (nv == NULL)
		return -1;
	if (h->v != NULL) {
		memcpy(nv, h->v, (size_t)h->n * sizeof(*nv));
		fr(user, h->v);
	}
	h->v = nv;
	h->cap = ncap;
	h->reserved++;
	return 0;
}

static inline void
rg_heap_swap_(struct rg_heap *h, uint32_t a, uint32_t b)
{
	struct rg_heap_node *t = h->v[a];

	h->v[a] = h->v[b];
	h->v[b] = t;
	h->v[a]->pos = a + 1;
	h->v[b]->pos = b + 1;
}

static inline void
rg_heap_up_(struct rg_heap *h, uint32_t i)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (h->v[p]->when <= h->v[i]->when)
			break;
		rg_heap_swap_(h, p, i);
		i = p;
	}
}

static inline void
rg_heap_down_(struct rg_heap *h, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->n && h->v[l]->when < h->v[m]->when)
			m = l;
		if (r < h->n && h->v[r]->when < h->v[m]->when)
			m = r;
		if (m == i)
			break;
		rg_heap_swap_(h, i, m);
		i = m;
	}
}

/* Takes node out of the heap (no-op if it is not in it). */
static inline void
rg_heap_remove(struct rg_heap *h, struct rg_heap_node *node)
{
	uint32_t i, last;

	if (node->pos == 0)
		return;
	i = node->pos - 1;
	last = h->n - 1;
	if (i != last) {
		rg_heap_swap_(h, i, last);
		h->n--;
		rg_heap_down_(h, i);
		rg_heap_up_(h, i);
	} else {
		h->n--;
	}
	node->pos = 0;
}

/*
 * Sets node's deadline to when (inserting, moving or, for UINT64_MAX,
 * removing it).  The object MUST hold a reservation (rg_heap_reserve).
 */
static inline void
rg_heap_set(struct rg_heap *h, struct rg_heap_node *node, uint64_t when)
{
	uint32_t i;

	if (when == UINT64_MAX) {
		rg_heap_remove(h, node);
		node->when = UINT64_MAX;
		return;
	}
	if (node->pos == 0) {
		i = h->n++;
		h->v[i] = node;
		node->pos = i + 1;
		node->when = when;
		rg_heap_up_(h, i);
		return;
	}
	i = node->pos - 1;
	node->when = when;
	rg_heap_up_(h, i);
	rg_heap_down_(h, node->pos - 1);
}

/*
 * Returns the object's reservation (call when the object is freed, after
 * removing its node).
 */
static inline void
rg_heap_release(struct rg_heap *h, struct rg_heap_node *node)
{
	rg_heap_remove(h, node);
	if (h->reserved > 0)
		h->reserved--;
}

/* Earliest deadline, UINT64_MAX if the heap is empty.  O(1). */
static inline uint64_t
rg_heap_min(const struct rg_heap *h)
{
	return h->n ? h->v[0]->when : UINT64_MAX;
}

/* The node with the earliest deadline, or NULL. */
static inline struct rg_heap_node *
rg_heap_top(const struct rg_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

/* Recovers the object that embeds a node. */
#define RG_HEAP_ENTRY(node, type, member) \
	((type *)(void *)((char *)(node) - offsetof(type, member)))

#endif /* RG_HEAP_H */
