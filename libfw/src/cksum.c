/*
 * cksum.c - Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624).
 */
#include "fw_int.h"

/* Full one's-complement checksum of len bytes (RFC 1071). */
uint16_t
fw_cksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += rd16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * RFC 1624 section 3, eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word
 * changing from old (m) to new (m').  All values as read big-endian.
 */
uint16_t
fw_cksum_adj16(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t s;

	s = (uint32_t)(uint16_t)~hc + (uint16_t)~old + new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The same for a 32-bit field (an address): two 16-bit words. */
uint16_t
fw_cksum_adj32(uint16_t hc, uint32_t old, uint32_t new)
{
	hc = fw_cksum_adj16(hc, (uint16_t)(old >> 16), (uint16_t)(new >> 16));
	return fw_cksum_adj16(hc, (uint16_t)old, (uint16_t)new);
}
