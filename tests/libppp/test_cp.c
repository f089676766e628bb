/*
 * test_cp.c - the option handling LCP and IPCP share (cp.c).  After
 * Max-Failure Configure-Naks without an Ack, the options that would be
 * Nak'd are Rejected (RFC 1661 §4.6), as the peer sent them, and only
 * those: the acceptable options of the same request stay out of the
 * Reject (they used to be rejected too: LCP's MRU/Magic/Auth whatever
 * their value, IPCP's whole request).
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_cp_register(void);

static struct harness H;

/* Feeds hex to the server n times; collects the replies of proto. */
static void
repeat(const char *hex, int times, uint16_t proto, int *naks, int *rejs,
    uint8_t *last, size_t *lastlen)
{
	uint8_t f[128], out[PPP_MAX_FRAME];
	size_t n = ts_hex2bin(f, sizeof(f), hex), len;
	int i;

	*naks = *rejs = 0;
	for (i = 0; i < times; i++) {
		f[3] = (uint8_t)(0x40 + i);	/* fresh identifiers */
		CU_ASSERT_EQUAL(h_input(&H, &H.srv, f, n), PPP_OK);
		while (h_out(H.srv.ctx, out, sizeof(out), &len) == PPP_OK) {
			if (get16(out + 2) != proto)
				continue;
			if (out[4] == CODE_CONFNAK)
				(*naks)++;
			else if (out[4] == CODE_CONFREJ) {
				(*rejs)++;
				memcpy(last, out, len);
				*lastlen = len;
			}
		}
	}
}

static void
test_lcp_max_failure(void)
{
	struct ppp_config sc, cc;
	uint8_t last[PPP_MAX_FRAME], want[64];
	size_t lastlen = 0, wl;
	int naks, rejs;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "ivy", "pw"), 0);
	/* MRU 64 (Nak'd: too small), ACCM and a Magic-Number (fine). */
	repeat("c021 01 40 0014 0104 0040 0206 00000000 0506 1234abcd", 7,
	    PROTO_LCP, &naks, &rejs, last, &lastlen);
	CU_ASSERT_EQUAL(naks, 5);	/* Max-Failure */
	CU_ASSERT_EQUAL(rejs, 2);
	/* The Reject carries the MRU option as sent, nothing else. */
	wl = ts_hex2bin(want, sizeof(want), "ff03 c021 04 46 0008 0104 0040");
	TS_ASSERT_BYTES("LCP Reject after Max-Failure", last, lastlen, want,
	    wl);
	h_free(&H);
}

static void
test_ipcp_max_failure(void)
{
	struct ppp_config sc, cc;
	uint8_t last[PPP_MAX_FRAME], want[64];
	size_t lastlen = 0, wl;
	int naks, rejs;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "ivy", "pw"), 0);
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up);
	/* The peer insists on 10.0.0.99 (Nak'd with 10.0.0.100) and asks
	 * for the right DNS (fine). */
	repeat("8021 01 40 0010 0306 0a000063 8106 0a000035", 7, PROTO_IPCP,
	    &naks, &rejs, last, &lastlen);
	CU_ASSERT_EQUAL(naks, 5);
	CU_ASSERT_EQUAL(rejs, 2);
	wl = ts_hex2bin(want, sizeof(want), "ff03 8021 04 46 000a 0306 0a000063");
	TS_ASSERT_BYTES("IPCP Reject after Max-Failure", last, lastlen, want,
	    wl);
	h_free(&H);
}

/* A request with a rejected option is Rejected first (only those), even
 * if other options would be Nak'd (RFC 1661 §5.4 before §5.3). */
static void
test_reject_before_nak(void)
{
	struct ppp_config sc, cc;
	uint8_t last[PPP_MAX_FRAME], want[64];
	size_t lastlen = 0, wl;
	int naks, rejs;

	h_config(&sc, PPP_AUTH_NONE);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "ivy", "pw"), 0);
	/* MRU 64 (Nak) and option 0x42 (unknown: Reject). */
	repeat("c021 01 40 000c 0104 0040 4204 abcd", 1, PROTO_LCP, &naks,
	    &rejs, last, &lastlen);
	CU_ASSERT_EQUAL(naks, 0);
	CU_ASSERT_EQUAL(rejs, 1);
	wl = ts_hex2bin(want, sizeof(want), "ff03 c021 04 40 0008 4204 abcd");
	TS_ASSERT_BYTES("Reject of the unknown option", last, lastlen, want,
	    wl);
	h_free(&H);
}

void
test_cp_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_cp", NULL, NULL);

	CU_add_test(s, "LCP: Max-Failure rejects only the Nak'd options",
	    test_lcp_max_failure);
	CU_add_test(s, "IPCP: Max-Failure rejects only the Nak'd options",
	    test_ipcp_max_failure);
	CU_add_test(s, "Reject takes precedence over Nak",
	    test_reject_before_nak);
}
