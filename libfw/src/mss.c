/*
 * mss.c - TCP MSS clamping ("tcpmss" on a PPP interface): a SYN or SYN+ACK
 * entering or leaving through an interface with mss_clamp set has its MSS
 * option (RFC 9293 section 3.7.1: kind 2, length 4) lowered to the clamp, so
 * that the peers' segments fit the tunnel's smaller MTU without
 * fragmentation.  The packet never grows: a segment without an MSS option
 * is left alone (the default MSS of 536 is below any sane clamp).
 */
#include "fw_int.h"

/*
 * The TCP checksum adjusted for the 16-bit value at byte offset o of the
 * segment changing from old to new (RFC 1624).  The checksum sums 16-bit
 * words from the start of the segment; a value at an odd offset straddles
 * two of them.  The byte after it is the same in both (and is beyond the
 * segment when o + 2 is its end), so it cancels: 0 is used for it.
 */
static uint16_t
adj_at(uint16_t c, const uint8_t *t, size_t o, uint16_t old, uint16_t new)
{
	if ((o & 1) == 0)
		return fw_cksum_adj16(c, old, new);
	/* Words (o - 1, o) and (o + 1, o + 2). */
	c = fw_cksum_adj16(c, (uint16_t)((t[o - 1] << 8) | (old >> 8)),
	    (uint16_t)((t[o - 1] << 8) | (new >> 8)));
	return fw_cksum_adj16(c, (uint16_t)((old & 0xff) << 8),
	    (uint16_t)((new & 0xff) << 8));
}

/*
 * Lowers the MSS option of p (a SYN or SYN+ACK whose header fw_parse
 * checked: the data offset lies within the packet) to clamp when it is
 * larger.  The option list is walked until End of Option List; an option
 * whose length is below 2 or runs past the header ends the walk and the
 * segment is left alone (the receiving TCP decides about it).  Returns true
 * when the segment was changed.
 */
bool
fw_mss_clamp(struct pkt *p, uint16_t clamp)
{
	uint8_t *t = p->l4;
	size_t doff = (size_t)(t[12] >> 4) * 4, i = 20, olen;
	uint16_t mss;

	while (i < doff) {
		if (t[i] == 0)          /* End of Option List */
			break;
		if (t[i] == 1) {        /* No-Operation */
			i++;
			continue;
		}
		if (i + 1 >= doff)
			break;
		olen = t[i + 1];
		if (olen < 2 || i + olen > doff)
			break;
		if (t[i] == 2 && olen == 4) {
			mss = rd16(t + i + 2);
			if (mss <= clamp)
				return false;
			wr16(t + 16, adj_at(rd16(t + 16), t, i + 2, mss, clamp));
			wr16(t + i + 2, clamp);
			return true;
		}
		i += olen;
	}
	return false;
}
