/*
 * replay.c - RFC 4303 §3.4.3 anti-replay window as a ring bitmap (in the
 * manner of RFC 6479: whole words are cleared as the window slides), and
 * RFC 4303 Appendix A2.2 inference of the ESN high half.
 */
#include <string.h>

#include "esp_internal.h"

void
espi_replay_init(struct espi_replay *rp, uint32_t window)
{
	uint32_t need = (window + 63) / 64 + 1, nw = 1;

	while (nw < need)
		nw <<= 1;
	memset(rp, 0, sizeof(*rp));
	rp->window = window;
	rp->nwords = nw;
}

/* RFC 4303 Appendix A2.2: choose Seq-high from the low half received. */
uint64_t
espi_replay_infer(const struct espi_replay *rp, uint32_t seq_lo, bool esn)
{
	uint32_t tl = (uint32_t)rp->top, th = (uint32_t)(rp->top >> 32);
	uint32_t w = rp->window, sh;

	if (!esn)
		return seq_lo;
	if (tl >= w - 1) {
		/* Case A: the window lies within one subspace. */
		sh = seq_lo >= tl - w + 1 ? th : th + 1;
	} else {
		/* Case B: the window spans two subspaces. */
		if (seq_lo >= tl - w + 1)	/* wraps: upper end of previous */
			sh = th == 0 ? 0 : th - 1;
		else
			sh = th;
	}
	return (uint64_t)sh << 32 | seq_lo;
}

/* Pure check, no state change: ESP_OK, ESP_E_REPLAY or ESP_E_TOO_OLD. */
int
espi_replay_check(const struct espi_replay *rp, uint64_t seq)
{
	uint64_t bit;

	if (seq == 0)
		return ESP_E_TOO_OLD;	/* the first packet has number 1 */
	if (seq > rp->top)
		return ESP_OK;
	if (rp->top - seq >= rp->window)
		return ESP_E_TOO_OLD;
	bit = seq & ((uint64_t)rp->nwords * 64 - 1);
	if (rp->bits[bit >> 6] & (UINT64_C(1) << (bit & 63)))
		return ESP_E_REPLAY;
	return ESP_OK;
}

/* Records seq (which MUST have passed espi_replay_check). */
void
espi_replay_update(struct espi_replay *rp, uint64_t seq)
{
	uint64_t bit, diff, i, wt;

	if (seq > rp->top) {
		wt = rp->top >> 6;
		diff = (seq >> 6) - wt;
		if (diff > rp->nwords)
			diff = rp->nwords;
		for (i = 1; i <= diff; i++)
			rp->bits[(wt + i) & (rp->nwords - 1)] = 0;
		rp->top = seq;
	}
	bit = seq & ((uint64_t)rp->nwords * 64 - 1);
	rp->bits[bit >> 6] |= UINT64_C(1) << (bit & 63);
}
