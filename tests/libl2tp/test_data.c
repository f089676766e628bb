/* Data message tests (data.c): rx in place, encap in headroom, no allocation. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_data_register(void);

#define SEC 1000000000ull

static void
test_data_sequencing_and_offset(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint16_t tid, sid, ltid, lsid;
	uint8_t ppp[6] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00 }, d[64];
	size_t n;
	char hex[128];

	h_default_config(&a, L2TP_ROLE_LAC);
	a.data_sequencing = true;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	ltid = p.lns.last[L2TP_EV_SESSION_UP].tunnel_id;
	lsid = p.lns.last[L2TP_EV_SESSION_UP].session_id;
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lns.ctx, p.now, ltid, lsid, ppp, 6), 0);
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lns.ctx, p.now, ltid, lsid, ppp, 6), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.rx_ppp, 2);
	/* Sequenced data with an old Ns is dropped, Offset honoured. */
	snprintf(hex, sizeof(hex), "0a02 %04x %04x 0000 0000 0002 aaaa c021", ltid, lsid);
	n = ts_hex2bin(d, sizeof(d), hex);
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, d, n), 0);
	/* The frame comes back at once, in place, after the padding: flags,
	 * IDs, Ns/Nr, Offset Size and 2 pad bytes = offset 14. */
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 1);
	CU_ASSERT_EQUAL(p.lns.last_rx.off, 14);
	CU_ASSERT_EQUAL(p.lns.last_rx.len, 2);
	TS_ASSERT_BYTES("offset payload", p.lns.last_ppp, p.lns.last_ppp_len, "\xc0\x21", 2);
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, d, n), L2TP_E_DUPLICATE);
	/* Data from another transport peer never reaches the session. */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0xbad, d, n), L2TP_E_NO_TUNNEL);
	/* API misuse. */
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lns.ctx, p.now, ltid, lsid, ppp, 0), L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lns.ctx, p.now, ltid, (uint16_t)(lsid + 1), ppp, 6),
	    L2TP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lns.ctx, p.now, ltid, &sid), L2TP_E_ROLE);
	h_pair_free(&p);
}

/* @NEW@ */

void
test_data_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_data", NULL, NULL);

	CU_add_test(s, "data sequencing and offset", test_data_sequencing_and_offset);
}
