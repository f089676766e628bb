/* Incoming call tests (call.c): ICRQ/ICRP/ICCN/CDN, proxy AVPs. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_call_register(void);

#define SEC 1000000000ull

/* Cisco: ICCN without Framing Type and Tx Connect Speed. */
static bool
strip_iccn(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	unsigned *stripped = p->arg;

	if (from_lac && h_msg_type(d, *len) == 12) {
		++*stripped;
		*len = 20;
		d[2] = 0;
		d[3] = 20;
	}
	return false;
}

static void
test_quirk_cisco_no_framing(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	unsigned stripped = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = strip_iccn;
	p.arg = &stripped;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(stripped, 1);   /* the ICCN really lacked both AVPs */
	h_pair_free(&p);
}

/* Adds a vendor AVP to one message type: M bit from p->arg. */
struct add_avp {
	unsigned mt;
	uint16_t flags;
};

static bool
add_vendor_avp(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	struct add_avp *a = p->arg;
	static const uint8_t v[4] = { 1, 2, 3, 4 };

	if (from_lac && h_msg_type(d, *len) == a->mt)
		h_append_avp(d, len, a->flags, 311, 99, v, sizeof(v));
	return false;
}

static void
test_unknown_avps(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	struct add_avp a = { 10, 0 };   /* optional in ICRQ: skipped */

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_unknown_mandatory, 0);
	h_pair_free(&p);

	/* Mandatory in ICCN (session message): the session is torn down. */
	a.mt = 12;
	a.flags = 0x8000;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_unknown_mandatory, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].error, L2TP_ERR_UNKNOWN_MANDATORY);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	h_pair_free(&p);

	/* Mandatory in ICRQ: that call is refused with CDN, the tunnel (and
	 * its other sessions) stays. */
	a.mt = 10;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_unknown_mandatory, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].session_id, sid);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].error, L2TP_ERR_UNKNOWN_MANDATORY);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_open, 0);
	h_pair_free(&p);

	/* Mandatory in SCCCN (tunnel message): the tunnel is torn down. */
	a.mt = 3;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_vendor_avp;
	p.arg = &a;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].error, L2TP_ERR_UNKNOWN_MANDATORY);
	h_pair_free(&p);
}

/* Turns the LAC's ICRQ into an OCRQ: the LNS refuses it with CDN. */
static bool
icrq_to_ocrq(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	(void)p;
	if (from_lac && h_msg_type(d, *len) == 10)
		d[19] = 7;
	return false;
}

static void
test_ocrq_refused(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = icrq_to_ocrq;
	CU_ASSERT_NOT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_unsupported, 1);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_DOWN], 1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].result, L2TP_CDN_NOT_AVAILABLE);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	h_pair_free(&p);
}

/* Proxy Authen AVPs in ICCN are offered to the application. */
static bool
add_proxy(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	static const uint8_t type[2] = { 0, 2 };   /* CHAP */
	static const uint8_t lcp[6] = { 0x01, 0x04, 0x05, 0xd4, 0x05, 0x06 };

	(void)p;
	if (from_lac && h_msg_type(d, *len) == 12) {
		h_append_avp(d, len, 0, 0, 29, type, 2);
		h_append_avp(d, len, 0, 0, 30, "alice", 5);
		h_append_avp(d, len, 0, 0, 26, lcp, sizeof(lcp));
	}
	return false;
}

static void
test_proxy_avps(void)
{
	struct h_pair p;
	uint16_t tid, sid;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.filter = add_proxy;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_PROXY], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_PROXY].proxy.authen_type, 2);
	TS_ASSERT_BYTES("proxy name", p.lns.proxy_name, p.lns.proxy_name_len, "alice", 5);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_PROXY].proxy.init_rx_confreq_len, 6);
	h_pair_free(&p);
}

/* Proxy Authen Name/Response (a PAP password) in ICCN. */
static const char proxy_pw[] = "pw-Secret-42!";

static bool
add_proxy_pap(struct h_pair *p, bool from_lac, uint8_t *d, size_t *len)
{
	static const uint8_t type[2] = { 0, 1 };   /* PAP */
	static const uint8_t id[2] = { 0, 7 };

	(void)p;
	if (from_lac && h_msg_type(d, *len) == 12) {
		h_append_avp(d, len, 0, 0, 29, type, 2);
		h_append_avp(d, len, 0, 0, 30, "bob", 3);
		h_append_avp(d, len, 0, 0, 32, id, 2);
		h_append_avp(d, len, 0, 0, 33, proxy_pw, strlen(proxy_pw));
	}
	return false;
}

/* Known weakness fixed: the library's copy of the proxy data was freed
 * without wiping.  Every block the LNS frees is scanned for the password;
 * l2tp_event_wipe clears the caller's view before that. */
static void
test_proxy_credentials_wiped(void)
{
	struct h_pair p;
	uint16_t tid, sid;
	struct l2tp_event ev;
	const uint8_t *resp;
	size_t i, rlen;
	bool zero = true;

	/* 1. Taken with l2tp_next_event and wiped by the caller. */
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.lns.scan = proxy_pw;
	p.lns.scan_len = strlen(proxy_pw);
	p.filter = add_proxy_pap;
	CU_ASSERT_EQUAL_FATAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid), 0);
	{
		/* Pump without draining the LNS's events. */
		uint8_t buf[L2TP_MAX_DGRAM];
		size_t len;
		uint64_t ph;
		unsigned round;

		for (round = 0; round < 8; round++) {
			while (l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &len, &ph) == 0) {
				(void)add_proxy_pap(&p, true, buf, &len);
				(void)h_input(&p.lns, p.now, H_LAC_HANDLE, buf, len);
			}
			while (l2tp_next_output(p.lns.ctx, p.now, buf, sizeof(buf), &len, &ph) == 0)
				(void)h_input(&p.lac, p.now, H_LNS_HANDLE, buf, len);
		}
	}
	do {
		CU_ASSERT_TRUE_FATAL(l2tp_next_event(p.lns.ctx, &ev));
	} while (ev.type != L2TP_EV_PROXY);
	CU_ASSERT_EQUAL(ev.proxy.authen_type, 1);
	CU_ASSERT_EQUAL(ev.proxy.authen_id, 7);
	CU_ASSERT_NOT_EQUAL(ev.session_id, 0);
	TS_ASSERT_BYTES("name", ev.proxy.authen_name, ev.proxy.authen_name_len, "bob", 3);
	TS_ASSERT_BYTES("response", ev.proxy.authen_response, ev.proxy.authen_response_len,
	    proxy_pw, strlen(proxy_pw));
	resp = ev.proxy.authen_response;
	rlen = ev.proxy.authen_response_len;
	l2tp_event_wipe(&ev);
	for (i = 0; i < rlen; i++)
		zero = zero && resp[i] == 0;
	CU_ASSERT_TRUE(zero);             /* the library's bytes, still valid here */
	CU_ASSERT_EQUAL(ev.type, 0);
	CU_ASSERT_PTR_NULL(ev.proxy.authen_response);
	CU_ASSERT_EQUAL(ev.proxy.authen_response_len, 0);
	l2tp_event_wipe(NULL);
	while (l2tp_next_event(p.lns.ctx, &ev))
		;
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.scan_hits, 0);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);

	/* 2. Not wiped by the caller: the library wipes before freeing, on
	 * the next l2tp_next_event ... */
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.lns.scan = proxy_pw;
	p.lns.scan_len = strlen(proxy_pw);
	p.filter = add_proxy_pap;
	CU_ASSERT_EQUAL(h_setup(&p, &tid, &sid), 0);    /* h_drain takes them all */
	TS_ASSERT_BYTES("copied", p.lns.proxy_resp, p.lns.proxy_resp_len, proxy_pw, strlen(proxy_pw));
	CU_ASSERT_FALSE(l2tp_next_event(p.lns.ctx, &ev));   /* frees the last one */
	CU_ASSERT_EQUAL(p.lns.scan_hits, 0);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.scan_hits, 0);

	/* ... and in l2tp_ctx_free for events never taken. */
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	p.lns.scan = proxy_pw;
	p.lns.scan_len = strlen(proxy_pw);
	CU_ASSERT_EQUAL_FATAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid), 0);
	{
		uint8_t buf[L2TP_MAX_DGRAM];
		size_t len;
		uint64_t ph;
		unsigned round;

		for (round = 0; round < 8; round++) {
			while (l2tp_next_output(p.lac.ctx, p.now, buf, sizeof(buf), &len, &ph) == 0) {
				(void)add_proxy_pap(&p, true, buf, &len);
				(void)h_input(&p.lns, p.now, H_LAC_HANDLE, buf, len);
			}
			while (l2tp_next_output(p.lns.ctx, p.now, buf, sizeof(buf), &len, &ph) == 0)
				(void)h_input(&p.lac, p.now, H_LNS_HANDLE, buf, len);
		}
	}
	CU_ASSERT_EQUAL(h_stats(&p.lns).sessions_up, 1);
	h_pair_free(&p);
	CU_ASSERT_EQUAL(p.lns.scan_hits, 0);
	CU_ASSERT_EQUAL(p.lns.al.live, 0);
}

void
test_call_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_call", NULL, NULL);

	CU_add_test(s, "quirk: Cisco omits Framing Type", test_quirk_cisco_no_framing);
	CU_add_test(s, "unknown AVPs (M bit semantics)", test_unknown_avps);
	CU_add_test(s, "OCRQ refused", test_ocrq_refused);
	CU_add_test(s, "proxy LCP/authen AVPs", test_proxy_avps);
	CU_add_test(s, "proxy credentials wiped (event_wipe, next_event, ctx_free)",
	    test_proxy_credentials_wiped);
}
