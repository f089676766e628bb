/*
 * timer.c - lifetime expiry: the hard and soft events (whatever limit
 * triggers them) and the time-lifetime deadlines, kept in one rg_heap per
 * context so esp_next_timeout() is O(1) and esp_handle_timeout() touches
 * only the SAs that are due.
 */
#include "esp_internal.h"

void
espi_timer_rearm(struct esp_ctx *ctx, struct esp_sa *sa)
{
	uint64_t when = UINT64_MAX;

	if (!sa->dead) {
		when = sa->hard_deadline;
		if (!sa->soft_sent && sa->soft_deadline < when)
			when = sa->soft_deadline;
	}
	if (when != sa->tnode.when || (when != UINT64_MAX && sa->tnode.pos == 0))
		rg_heap_set(&ctx->timers, &sa->tnode, when);
}

void
espi_expire_hard(struct esp_ctx *ctx, struct esp_sa *sa, enum esp_limit_kind k)
{
	if (sa->dead)
		return;
	sa->dead = true;
	espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x %s: hard lifetime reached (%s)",
	    sa->spi, esp_dir_name(sa->dir), esp_limit_name(k));
	espi_event(ctx, sa, ESP_EV_HARD_EXPIRE, k);
	espi_timer_rearm(ctx, sa);
}

void
espi_expire_soft(struct esp_ctx *ctx, struct esp_sa *sa, enum esp_limit_kind k)
{
	if (sa->soft_sent || sa->dead)
		return;
	sa->soft_sent = true;
	espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x %s: soft lifetime reached (%s)",
	    sa->spi, esp_dir_name(sa->dir), esp_limit_name(k));
	espi_event(ctx, sa, ESP_EV_SOFT_EXPIRE, k);
	espi_timer_rearm(ctx, sa);
}

uint64_t
esp_next_timeout(const struct esp_ctx *ctx)
{
	if (ctx == NULL)
		return UINT64_MAX;
	return rg_heap_min(&ctx->timers);
}

int
esp_handle_timeout(struct esp_ctx *ctx, uint64_t now)
{
	struct rg_heap_node *node;
	struct esp_sa *sa;
	int n = 0;

	if (ctx == NULL)
		return ESP_E_INVAL;
	/*
	 * Each due SA either dies (leaves the heap) or raises its soft event
	 * and moves on to its hard deadline, which is later than now (else
	 * the hard branch had been taken): the loop ends.
	 */
	while ((node = rg_heap_top(&ctx->timers)) != NULL && node->when <= now) {
		sa = RG_HEAP_ENTRY(node, struct esp_sa, tnode);
		if (now >= sa->hard_deadline) {
			espi_expire_hard(ctx, sa, ESP_LIMIT_TIME);
			n++;
		} else if (!sa->soft_sent && now >= sa->soft_deadline) {
			espi_expire_soft(ctx, sa, ESP_LIMIT_TIME);
			n++;
		} else {
			break;	/* cannot happen: the deadline is one of those */
		}
	}
	return n;
}
