/* Data message tests (data.c): rx in place, encap in headroom, no allocation. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_data_register(void);

#define SEC 1000000000ull

static unsigned
get16be(const uint8_t *p)
{
	return (unsigned)((p[0] << 8) | p[1]);
}

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

/* The LNS's IDs of the session h_setup made. */
static void
lns_ids(struct h_pair *p, uint16_t *tid, uint16_t *sid)
{
	*tid = p->lns.last[L2TP_EV_SESSION_UP].tunnel_id;
	*sid = p->lns.last[L2TP_EV_SESSION_UP].session_id;
}

/* Encap writes the header in the headroom and nothing else; input returns
 * the frame where it lies: same bytes, same addresses. */
static void
test_encap_decap_in_place(void)
{
	struct h_pair p;
	uint16_t tid, sid, ltid, lsid;
	static uint8_t buf[L2TP_DATA_HEADROOM + 1400], frame[1400];
	size_t off = L2TP_DATA_HEADROOM, len = sizeof(frame), i;
	uint64_t ph = 0;
	struct l2tp_rx rx;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7 + 3);
	frame[0] = 0xff;
	frame[1] = 0x03;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	lns_ids(&p, &ltid, &lsid);
	memcpy(buf + off, frame, len);
	CU_ASSERT_EQUAL_FATAL(l2tp_session_encap(p.lns.ctx, ltid, lsid, buf, sizeof(buf), &off,
	    &len, &ph), 0);
	CU_ASSERT_EQUAL(off, L2TP_DATA_HEADROOM - 8);
	CU_ASSERT_EQUAL(len, 1408);
	CU_ASSERT_EQUAL(ph, H_LAC_HANDLE);
	/* RFC 2661 3.1: L bit, version 2; Length; the LAC's IDs. */
	CU_ASSERT_EQUAL(get16be(buf + off), 0x4002);
	CU_ASSERT_EQUAL(get16be(buf + off + 2), 1408);
	CU_ASSERT_EQUAL(get16be(buf + off + 4), tid);
	CU_ASSERT_EQUAL(get16be(buf + off + 6), sid);
	TS_ASSERT_BYTES("payload untouched", buf + L2TP_DATA_HEADROOM, 1400, frame, 1400);
	for (i = 0; i < off; i++)
		CU_ASSERT_EQUAL(buf[i], 0);     /* nothing written before the header */
	memset(&rx, 0xa5, sizeof(rx));
	CU_ASSERT_EQUAL(l2tp_input(p.lac.ctx, p.now, H_LNS_HANDLE, buf + off, len, &rx), 0);
	CU_ASSERT_EQUAL(rx.kind, L2TP_RX_PPP);
	CU_ASSERT_EQUAL(rx.tunnel_id, tid);
	CU_ASSERT_EQUAL(rx.session_id, sid);
	CU_ASSERT_EQUAL(rx.off, 8);
	CU_ASSERT_EQUAL(rx.len, 1400);
	CU_ASSERT_PTR_EQUAL(buf + off + rx.off, buf + L2TP_DATA_HEADROOM);
	TS_ASSERT_BYTES("frame in place", buf + off + rx.off, rx.len, frame, 1400);
	h_pair_free(&p);
}

/* With data sequencing the header is 12 bytes and Ns counts up. */
static void
test_encap_sequenced(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint16_t tid, sid, ltid, lsid;
	uint8_t buf[64], ppp[4] = { 0xc0, 0x21, 0x09, 0x00 };
	size_t off, len;
	uint64_t ph;
	unsigned i;

	h_default_config(&a, L2TP_ROLE_LAC);
	a.data_sequencing = true;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	lns_ids(&p, &ltid, &lsid);
	for (i = 0; i < 3; i++) {
		off = 20;
		len = sizeof(ppp);
		memcpy(buf + off, ppp, len);
		CU_ASSERT_EQUAL(l2tp_session_encap(p.lns.ctx, ltid, lsid, buf, sizeof(buf), &off,
		    &len, &ph), 0);
		CU_ASSERT_EQUAL(off, 8);
		CU_ASSERT_EQUAL(len, 16);
		CU_ASSERT_EQUAL(get16be(buf + off), 0x4802);        /* L, S */
		CU_ASSERT_EQUAL(get16be(buf + off + 8), i);         /* Ns */
		CU_ASSERT_EQUAL(get16be(buf + off + 10), 0);        /* Nr reserved */
		CU_ASSERT_EQUAL(h_input(&p.lac, p.now, H_LNS_HANDLE, buf + off, len), 0);
	}
	CU_ASSERT_EQUAL(p.lac.rx_ppp, 3);
	/* The last one again: behind the expected Ns, dropped. */
	CU_ASSERT_EQUAL(h_input(&p.lac, p.now, H_LNS_HANDLE, buf + off, len), L2TP_E_DUPLICATE);
	/* The LAC (sequencing requested) encapsulates 12-byte headers too. */
	off = 12;
	len = sizeof(ppp);
	memcpy(buf + off, ppp, len);
	CU_ASSERT_EQUAL(l2tp_session_encap(p.lac.ctx, tid, sid, buf, sizeof(buf), &off, &len, &ph), 0);
	CU_ASSERT_EQUAL(off, 0);
	CU_ASSERT_EQUAL(ph, H_LNS_HANDLE);
	h_pair_free(&p);
}

/* The proof of the data path: many frames both ways through encap and
 * input allocate nothing (the counting allocator of tests/support sees
 * no call) and free nothing. */
static void
test_no_allocation_per_packet(void)
{
	struct h_pair p;
	uint16_t tid, sid, ltid, lsid;
	static uint8_t buf[L2TP_DATA_HEADROOM + 1400];
	size_t lac_count, lns_count, lac_live, lns_live, off, len;
	uint64_t ph;
	unsigned i;
	struct l2tp_rx rx;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	lns_ids(&p, &ltid, &lsid);
	lac_count = p.lac.al.count;
	lns_count = p.lns.al.count;
	lac_live = p.lac.al.live;
	lns_live = p.lns.al.live;
	for (i = 0; i < 10000; i++) {
		bool down = (i & 1) != 0;
		struct h_peer *from = down ? &p.lns : &p.lac, *to = down ? &p.lac : &p.lns;

		off = L2TP_DATA_HEADROOM;
		len = 1400;
		buf[off] = 0xff;
		buf[off + 1] = 0x03;
		buf[off + 1399] = (uint8_t)i;
		CU_ASSERT_EQUAL_FATAL(l2tp_session_encap(from->ctx, down ? ltid : tid,
		    down ? lsid : sid, buf, sizeof(buf), &off, &len, &ph), 0);
		CU_ASSERT_EQUAL_FATAL(l2tp_input(to->ctx, p.now, down ? H_LNS_HANDLE : H_LAC_HANDLE,
		    buf + off, len, &rx), 0);
		CU_ASSERT_EQUAL_FATAL(rx.kind, L2TP_RX_PPP);
		CU_ASSERT_EQUAL(buf[off + rx.off + rx.len - 1], (uint8_t)i);
	}
	CU_ASSERT_EQUAL(p.lac.al.count, lac_count);
	CU_ASSERT_EQUAL(p.lns.al.count, lns_count);
	CU_ASSERT_EQUAL(p.lac.al.live, lac_live);
	CU_ASSERT_EQUAL(p.lns.al.live, lns_live);
	/* No event and no output either. */
	CU_ASSERT_EQUAL(l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &len, &ph), L2TP_E_AGAIN);
	CU_ASSERT_EQUAL(l2tp_next_output(p.lns.ctx, p.now, buf, sizeof(buf), &len, &ph), L2TP_E_AGAIN);
	{
		struct l2tp_event ev;

		CU_ASSERT_FALSE(l2tp_next_event(p.lac.ctx, &ev));
		CU_ASSERT_FALSE(l2tp_next_event(p.lns.ctx, &ev));
	}
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_data, 5000);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_data_bytes, 5000ull * 1400);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tx_data_bytes, 5000ull * 1400);
	h_pair_free(&p);
}

/* Every refusal of l2tp_session_encap, and nothing changes on error. */
static void
test_encap_errors(void)
{
	struct h_pair p;
	uint16_t tid, sid, sid2, ltid, lsid;
	uint8_t buf[64], copy[64];
	size_t off, len;
	uint64_t ph = 7;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	lns_ids(&p, &ltid, &lsid);
	memset(buf, 0x3c, sizeof(buf));
	memcpy(copy, buf, sizeof(buf));
#define ENCAP(c, t, s, o, l, cap) (off = (o), len = (l), \
	l2tp_session_encap((c), (t), (s), buf, (cap), &off, &len, &ph))
	CU_ASSERT_EQUAL(l2tp_session_encap(NULL, ltid, lsid, buf, sizeof(buf), &off, &len, &ph),
	    L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_session_encap(p.lns.ctx, ltid, lsid, NULL, 64, &off, &len, &ph),
	    L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_session_encap(p.lns.ctx, ltid, lsid, buf, 64, NULL, &len, &ph),
	    L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_session_encap(p.lns.ctx, ltid, lsid, buf, 64, &off, &len, NULL),
	    L2TP_E_INVAL);
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, ltid, lsid, 16, 0, 64), L2TP_E_INVAL);     /* empty */
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, ltid, lsid, 65, 1, 64), L2TP_E_INVAL);     /* off > cap */
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, ltid, lsid, 16, 49, 64), L2TP_E_INVAL);    /* past cap */
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, ltid, lsid, 8, 65528, 70000), L2TP_E_INVAL); /* > 16 bits */
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, ltid, lsid, 7, 4, 64), L2TP_E_BUFFER);     /* headroom */
	CU_ASSERT_EQUAL(off, 7);
	CU_ASSERT_EQUAL(len, 4);
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, ltid, (uint16_t)(lsid + 1), 16, 4, 64), L2TP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, (uint16_t)(ltid + 1), lsid, 16, 4, 64), L2TP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, 0, 0, 16, 4, 64), L2TP_E_NOT_FOUND);
	/* A call not established yet (ICRQ sent, no ICRP). */
	p.filter = NULL;
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid2), 0);
	CU_ASSERT_EQUAL(ENCAP(p.lac.ctx, tid, sid2, 16, 4, 64), L2TP_E_STATE);
	TS_ASSERT_BYTES("buffer untouched", buf, sizeof(buf), copy, sizeof(copy));
	CU_ASSERT_EQUAL(ph, 7);
	/* Exactly enough headroom and capacity. */
	CU_ASSERT_EQUAL(ENCAP(p.lns.ctx, ltid, lsid, 8, 56, 64), 0);
	CU_ASSERT_EQUAL(off, 0);
	CU_ASSERT_EQUAL(len, 64);
	/* A tunnel that is closing refuses data. */
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid, 1), 0);
	CU_ASSERT_EQUAL(ENCAP(p.lac.ctx, tid, sid, 16, 4, 64), L2TP_E_NOT_FOUND);
#undef ENCAP
	h_pair_free(&p);
}

/* rx says NONE for control messages and empty data; counters per session
 * and tunnel show in the enumeration. */
static void
test_rx_kinds_and_counters(void)
{
	struct h_pair p;
	uint16_t tid, sid, ltid, lsid;
	uint8_t d[16], ppp[100] = { 0xff, 0x03 };
	struct l2tp_rx rx;
	struct l2tp_session_info si;
	struct l2tp_tunnel_info ti;
	size_t cur = 0, n;
	char hex[64];

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	lns_ids(&p, &ltid, &lsid);
	/* Empty data message: accepted, nothing for the caller. */
	snprintf(hex, sizeof(hex), "4002 0008 %04x %04x", ltid, lsid);
	n = ts_hex2bin(d, sizeof(d), hex);
	memset(&rx, 0xa5, sizeof(rx));
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, d, n, &rx), 0);
	CU_ASSERT_EQUAL(rx.kind, L2TP_RX_NONE);
	/* A HELLO (control): NONE. */
	snprintf(hex, sizeof(hex), "c802 000c %04x 0000 0000 0000", ltid);
	n = ts_hex2bin(d, sizeof(d), hex);
	memset(&rx, 0xa5, sizeof(rx));
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, d, n, &rx), 0);
	CU_ASSERT_EQUAL(rx.kind, L2TP_RX_NONE);
	/* A bad datagram: NONE. */
	memset(&rx, 0xa5, sizeof(rx));
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, d, 3, &rx), L2TP_E_TRUNCATED);
	CU_ASSERT_EQUAL(rx.kind, L2TP_RX_NONE);
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, d, n, NULL), L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_input(p.lns.ctx, p.now, H_LAC_HANDLE, NULL, 4, &rx), L2TP_E_INVAL);
	/* 3 frames up, 2 down. */
	CU_ASSERT_EQUAL(h_send_data(&p, &p.lac, &p.lns, H_LAC_HANDLE, tid, sid, ppp, 100), 0);
	CU_ASSERT_EQUAL(h_send_data(&p, &p.lac, &p.lns, H_LAC_HANDLE, tid, sid, ppp, 100), 0);
	CU_ASSERT_EQUAL(h_send_data(&p, &p.lac, &p.lns, H_LAC_HANDLE, tid, sid, ppp, 50), 0);
	CU_ASSERT_EQUAL(h_send_data(&p, &p.lns, &p.lac, H_LNS_HANDLE, ltid, lsid, ppp, 60), 0);
	CU_ASSERT_EQUAL(h_send_data(&p, &p.lns, &p.lac, H_LNS_HANDLE, ltid, lsid, ppp, 60), 0);
	CU_ASSERT_TRUE_FATAL(l2tp_session_next(p.lns.ctx, p.now, &cur, &si));
	CU_ASSERT_EQUAL(si.data_rx_packets, 4);        /* the empty one counts */
	CU_ASSERT_EQUAL(si.data_rx_bytes, 250);
	CU_ASSERT_EQUAL(si.data_tx_packets, 2);
	CU_ASSERT_EQUAL(si.data_tx_bytes, 120);
	cur = 0;
	CU_ASSERT_TRUE_FATAL(l2tp_tunnel_next(p.lns.ctx, p.now, &cur, &ti));
	CU_ASSERT_EQUAL(ti.data_rx_packets, 4);
	CU_ASSERT_EQUAL(ti.data_rx_bytes, 250);
	CU_ASSERT_EQUAL(ti.data_tx_packets, 2);
	CU_ASSERT_EQUAL(ti.data_tx_bytes, 120);
	h_pair_free(&p);
}

void
test_data_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_data", NULL, NULL);

	CU_add_test(s, "data sequencing and offset", test_data_sequencing_and_offset);
	CU_add_test(s, "encap and decap in place", test_encap_decap_in_place);
	CU_add_test(s, "encap with sequencing", test_encap_sequenced);
	CU_add_test(s, "no allocation per data packet (counting allocator)",
	    test_no_allocation_per_packet);
	CU_add_test(s, "encap errors leave everything unchanged", test_encap_errors);
	CU_add_test(s, "rx kinds and data counters", test_rx_kinds_and_counters);
}
