/*
 * fuzz_radius.c - libFuzzer target over the RADIUS packet reader of
 * vpn-gateway (examples/gateway/radcodec.c): every function the daemon
 * applies to bytes from the network (radius.c: replies on the client
 * sockets, Disconnect/CoA requests on UDP 3799).
 *
 * The input is a datagram.  It is parsed; when it parses, its attributes
 * and Vendor-Specific contents are walked, and it is checked as a reply to
 * a fixed request and as a signed request.  A second property: a packet
 * built by radc_begin/radc_add/radc_finish from the input's bytes as
 * attribute values must parse and verify (a failure aborts).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "radcodec.h"

static const char secret[] = "fuzz-secret";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t req_auth[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	    14, 15, 16 };
	struct radc_view v;
	struct radc_pkt p;
	size_t pos = RADC_HDR, len, slen, i;
	const uint8_t *val, *sval;
	uint32_t vendor, sum = 0;
	uint8_t type, vt;

	if (radc_parse(data, size, &v) == RADC_OK) {
		while (radc_next_attr(&v, &pos, &type, &val, &len)) {
			sum += type + (uint32_t)len;
			if (type == RADC_VENDOR_SPECIFIC &&
			    radc_vsa(val, len, &vendor, &vt, &sval, &slen))
				for (i = 0; i < slen; i++)
					sum += sval[i];
		}
		(void)!radc_verify_reply(&v, req_auth, secret, sizeof(secret) - 1, true);
		(void)!radc_verify_request(&v, secret, sizeof(secret) - 1, false);
	}
	/* Round trip: the input's bytes as attributes of a reply. */
	radc_begin(&p, RADC_ACCESS_ACCEPT, size ? data[0] : 0, NULL);
	for (i = 0; i + 1 < size;) {
		size_t n = data[i + 1] % 64;

		if (i + 2 + n > size)
			n = size - i - 2;
		if (radc_add(&p, data[i] == RADC_MESSAGE_AUTHENTICATOR ? 1 : data[i],
		    data + i + 2, n) != RADC_OK)
			break;
		i += 2 + n;
	}
	if (radc_finish(&p, secret, sizeof(secret) - 1, req_auth) != RADC_OK)
		abort();
	if (radc_parse(p.buf, p.len, &v) != RADC_OK ||
	    radc_verify_reply(&v, req_auth, secret, sizeof(secret) - 1, true) != RADC_OK)
		abort();
	return sum == 0xffffffffu;
}
