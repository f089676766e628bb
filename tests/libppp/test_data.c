/*
 * test_data.c - the IPv4 data path (input.c): ppp_session_input returns the
 * packet in place in the caller's frame, ppp_session_encap writes the
 * header in the caller's headroom, and neither allocates, copies, queues or
 * logs per packet (the counting allocator of tests/support proves it).
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include "ppp_int.h"

void test_data_register(void);

static struct harness H;

static void
up(void)
{
	struct ppp_config sc, cc;

	h_config(&sc, PPP_AUTH_CHAP_MD5);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "dan", "pw"), 0);
	H.password = "pw";
	h_run(&H, 50);
	CU_ASSERT_TRUE_FATAL(H.srv.ip_up && H.cli.ip_up);
	h_pump(&H);
}

static void
test_in_place(void)
{
	uint8_t frame[PPP_HEADROOM + 1400], pkt[1400];
	struct ppp_session_info info;
	struct ppp_rx rx;
	size_t off = PPP_HEADROOM, len = sizeof(pkt), i;

	up();
	CU_ASSERT_EQUAL(ppp_session_set_user(H.srv.sess, 0xfeed), PPP_OK);
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	/* From the client's address (the server drops other sources). */
	CU_ASSERT_EQUAL(ppp_session_get_info(H.cli.sess, H.now, &info), PPP_OK);
	pkt[12] = (uint8_t)(info.local_addr >> 24);
	pkt[13] = (uint8_t)(info.local_addr >> 16);
	pkt[14] = (uint8_t)(info.local_addr >> 8);
	pkt[15] = (uint8_t)info.local_addr;
	memcpy(frame + PPP_HEADROOM, pkt, sizeof(pkt));
	CU_ASSERT_EQUAL(ppp_session_encap(H.cli.sess, frame, sizeof(frame),
	    &off, &len), PPP_OK);
	CU_ASSERT_EQUAL(off, 0);
	CU_ASSERT_EQUAL(len, PPP_HEADROOM + sizeof(pkt));
	/* FF 03 00 21, then the packet untouched. */
	CU_ASSERT_EQUAL(frame[0], 0xff);
	CU_ASSERT_EQUAL(frame[1], 0x03);
	CU_ASSERT_EQUAL(frame[2], 0x00);
	CU_ASSERT_EQUAL(frame[3], 0x21);
	CU_ASSERT(memcmp(frame + PPP_HEADROOM, pkt, sizeof(pkt)) == 0);
	/* Received: the packet is where it was, in the caller's frame. */
	memset(&rx, 0xaa, sizeof(rx));
	CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, frame, len, &rx),
	    PPP_OK);
	CU_ASSERT_EQUAL(rx.kind, PPP_RX_IP);
	CU_ASSERT_EQUAL(rx.off, PPP_HEADROOM);
	CU_ASSERT_EQUAL(rx.len, sizeof(pkt));
	CU_ASSERT_EQUAL(rx.user, 0xfeed);
	CU_ASSERT(memcmp(frame + rx.off, pkt, rx.len) == 0);
	/* Without address/control (ACFC), and with a 1-byte protocol (PFC). */
	CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, frame + 2,
	    len - 2, &rx), PPP_OK);
	CU_ASSERT_EQUAL(rx.kind, PPP_RX_IP);
	CU_ASSERT_EQUAL(rx.off, 2);
	CU_ASSERT_EQUAL(rx.len, sizeof(pkt));
	CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, frame + 3,
	    len - 3, &rx), PPP_OK);
	CU_ASSERT_EQUAL(rx.kind, PPP_RX_IP);
	CU_ASSERT_EQUAL(rx.off, 1);
	/* A frame with the IP protocol and no packet is refused. */
	{
		struct ppp_stats st;
		size_t lines = H.log.lines;

		CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, frame, 4,
		    &rx), PPP_E_TRUNCATED);
		CU_ASSERT_EQUAL(rx.kind, PPP_RX_NONE);
		CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, frame + 3,
		    1, &rx), PPP_E_TRUNCATED);
		ppp_get_stats(H.srv.ctx, &st);
		CU_ASSERT_EQUAL(st.truncated, 2);
		CU_ASSERT(H.log.lines >= lines + 2);
	}
	/* A control frame is consumed: PPP_RX_NONE. */
	{
		uint8_t d[] = { 0xc0, 0x21, CODE_DISCREQ, 1, 0, 8, 0, 0, 0, 0 };

		CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, d,
		    sizeof(d), &rx), PPP_OK);
		CU_ASSERT_EQUAL(rx.kind, PPP_RX_NONE);
		CU_ASSERT_EQUAL(rx.len, 0);
	}
	h_free(&H);
}

/* No allocation, no queued frame or event and no log line per packet, in
 * either direction. */
static void
test_no_alloc(void)
{
	uint8_t frame[PPP_HEADROOM + 1400];
	struct ppp_rx rx;
	struct ppp_stats before, after;
	size_t i, off, len, allocs, bytes, lines, ok = 0;

	up();
	allocs = H.alloc.count;
	bytes = H.alloc.live_bytes;
	lines = H.log.lines;
	ppp_get_stats(H.srv.ctx, &before);
	for (i = 0; i < 1000; i++) {
		struct h_side *from = (i & 1) ? &H.srv : &H.cli;
		struct h_side *to = (i & 1) ? &H.cli : &H.srv;

		off = PPP_HEADROOM;
		len = 20 + i % 1380;
		memset(frame + off, (int)i, len);
		/* From the client's own address (the server checks it). */
		frame[off + 12] = 10;
		frame[off + 13] = 0;
		frame[off + 14] = 0;
		frame[off + 15] = 100;
		if (ppp_session_encap(from->sess, frame, sizeof(frame), &off,
		    &len) != PPP_OK)
			continue;
		if (ppp_session_input(to->sess, H.now, frame + off, len,
		    &rx) == PPP_OK && rx.kind == PPP_RX_IP &&
		    rx.len == 20 + i % 1380)
			ok++;
	}
	CU_ASSERT_EQUAL(ok, 1000);
	CU_ASSERT_EQUAL(H.alloc.count, allocs);
	CU_ASSERT_EQUAL(H.alloc.live_bytes, bytes);
	CU_ASSERT_EQUAL(H.log.lines, lines);
	CU_ASSERT_EQUAL(H.srv.ctx->out.n, 0);
	CU_ASSERT_EQUAL(H.srv.ctx->ev.n, 0);
	CU_ASSERT_EQUAL(H.cli.ctx->out.n, 0);
	ppp_get_stats(H.srv.ctx, &after);
	CU_ASSERT_EQUAL(after.ip_in - before.ip_in, 500);
	CU_ASSERT_EQUAL(after.ip_out - before.ip_out, 500);
	h_free(&H);
}

static void
test_encap_errors(void)
{
	uint8_t b[64];
	struct ppp_stats st;
	size_t off, len, lines;
	struct ppp_session *s;

	up();
	s = H.cli.sess;
	off = 4;
	len = 0;
	CU_ASSERT_EQUAL(ppp_session_encap(s, b, sizeof(b), &off, &len),
	    PPP_E_INVAL);
	len = 61;	/* 4 + 61 > 64 */
	CU_ASSERT_EQUAL(ppp_session_encap(s, b, sizeof(b), &off, &len),
	    PPP_E_INVAL);
	off = 65;
	len = 1;
	CU_ASSERT_EQUAL(ppp_session_encap(s, b, sizeof(b), &off, &len),
	    PPP_E_INVAL);
	CU_ASSERT_EQUAL(ppp_session_encap(NULL, b, sizeof(b), &off, &len),
	    PPP_E_INVAL);
	CU_ASSERT_EQUAL(ppp_session_encap(s, NULL, sizeof(b), &off, &len),
	    PPP_E_INVAL);
	off = 0;
	len = 20;
	CU_ASSERT_EQUAL(ppp_session_encap(s, b, sizeof(b), &off, &len),
	    PPP_E_BUFFER);
	/* Larger than the peer's MRU: counted and logged. */
	{
		static uint8_t big[PPP_HEADROOM + 1501];

		off = PPP_HEADROOM;
		len = 1501;
		lines = H.log.lines;
		CU_ASSERT_EQUAL(ppp_session_encap(s, big, sizeof(big), &off,
		    &len), PPP_E_TOO_BIG);
		ppp_get_stats(H.cli.ctx, &st);
		CU_ASSERT_EQUAL(st.too_big, 1);
		CU_ASSERT(H.log.lines > lines);
		CU_ASSERT_EQUAL(off, PPP_HEADROOM);
		len = 1500;
		CU_ASSERT_EQUAL(ppp_session_encap(s, big, sizeof(big), &off,
		    &len), PPP_OK);
	}
	/* Input arguments. */
	{
		struct ppp_rx rx;

		CU_ASSERT_EQUAL(ppp_session_input(s, H.now, b, 4, NULL),
		    PPP_E_INVAL);
		CU_ASSERT_EQUAL(ppp_session_input(NULL, H.now, b, 4, &rx),
		    PPP_E_INVAL);
		CU_ASSERT_EQUAL(ppp_session_input(s, H.now, NULL, 4, &rx),
		    PPP_E_INVAL);
	}
	/* After the link went down: no more IP either way. */
	CU_ASSERT_EQUAL(ppp_session_close(s, H.now), PPP_OK);
	off = 4;
	len = 20;
	CU_ASSERT_EQUAL(ppp_session_encap(s, b, sizeof(b), &off, &len),
	    PPP_E_STATE);
	h_free(&H);
}

/* IP before IPCP is opened: refused (late), counted, nothing returned. */
static void
test_ip_too_early(void)
{
	struct ppp_config sc, cc;
	struct ppp_stats st;
	struct ppp_rx rx;
	uint8_t b[64];
	size_t off = PPP_HEADROOM, len = 20;

	h_config(&sc, PPP_AUTH_PAP);
	h_config(&cc, PPP_AUTH_NONE);
	CU_ASSERT_EQUAL_FATAL(h_init(&H, &sc, &cc, "dan", "pw"), 0);
	memset(b, 0x45, sizeof(b));
	CU_ASSERT_EQUAL(ppp_session_encap(H.cli.sess, b, sizeof(b), &off,
	    &len), PPP_E_STATE);
	b[0] = 0xff;
	b[1] = 0x03;
	b[2] = 0x00;
	b[3] = 0x21;
	CU_ASSERT_EQUAL(ppp_session_input(H.srv.sess, H.now, b, 24, &rx),
	    PPP_E_LATE);
	CU_ASSERT_EQUAL(rx.kind, PPP_RX_NONE);
	ppp_get_stats(H.srv.ctx, &st);
	CU_ASSERT_EQUAL(st.late, 1);
	CU_ASSERT_EQUAL(st.ip_in, 0);
	h_free(&H);
}

void
test_data_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_data", NULL, NULL);

	CU_add_test(s, "encap in the headroom, input in place",
	    test_in_place);
	CU_add_test(s, "no allocation, copy or log per packet", test_no_alloc);
	CU_add_test(s, "encap errors", test_encap_errors);
	CU_add_test(s, "IP before IPCP is opened", test_ip_too_early);
}
