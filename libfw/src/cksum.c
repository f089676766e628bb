/*
 * cksum.c - Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624); the incremental helpers are inline in fw_int.h.
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
