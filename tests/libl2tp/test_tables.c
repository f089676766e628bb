/* Table tests (tables.c): IDs, user tags, enumeration. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_tables_register(void);

#define SEC 1000000000ull

static void
test_ids_random_unique(void)
{
	struct h_pair p;
	uint16_t ids[64];
	unsigned i, j;
	struct l2tp_config c;

	h_default_config(&c, L2TP_ROLE_LAC);
	c.max_half_open = 64;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &c, NULL), 0);
	for (i = 0; i < 64; i++) {
		CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &ids[i]), 0);
		CU_ASSERT_NOT_EQUAL(ids[i], 0);
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(ids[i], ids[j]);
	}
	/* Not sequential: the IDs are drawn from the rng. */
	CU_ASSERT_NOT_EQUAL((uint16_t)(ids[0] + 1), ids[1]);
	h_pair_free(&p);
}

/* Three tunnels with two sessions each, one tunnel closed: the LNS lists
 * every tunnel once in increasing ID order and every session once. */
static void
test_enumeration(void)
{
	struct h_pair p;
	struct l2tp_config a;
	uint16_t tid[3], sid[6];
	struct l2tp_tunnel_info ti;
	struct l2tp_session_info si;
	size_t cur;
	unsigned i, n, seen_sessions[3] = { 0 };
	uint16_t last = 0, lns_tid[3] = { 0 };

	h_default_config(&a, L2TP_ROLE_LAC);
	strcpy(a.hostname, "lac\x01\\x");
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, NULL), 0);
	/* Empty and NULL. */
	cur = 0;
	CU_ASSERT_FALSE(l2tp_tunnel_next(p.lns.ctx, p.now, &cur, &ti));
	cur = 0;
	CU_ASSERT_FALSE(l2tp_session_next(p.lns.ctx, p.now, &cur, &si));
	CU_ASSERT_FALSE(l2tp_tunnel_next(NULL, p.now, &cur, &ti));
	CU_ASSERT_FALSE(l2tp_session_next(p.lns.ctx, p.now, NULL, &si));
	CU_ASSERT_FALSE(l2tp_tunnel_next(p.lns.ctx, p.now, &cur, NULL));
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL_FATAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid[i]), 0);
		CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid[i], &sid[2 * i]), 0);
		CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid[i], &sid[2 * i + 1]), 0);
		h_pump(&p);
		p.now += SEC;
	}
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_UP], 6);
	cur = 0;
	for (n = 0; l2tp_tunnel_next(p.lns.ctx, p.now, &cur, &ti); n++) {
		CU_ASSERT_TRUE(ti.tunnel_id > last);
		last = ti.tunnel_id;
		for (i = 0; i < 3 && tid[i] != ti.peer_tunnel_id; i++)
			;
		CU_ASSERT_FATAL(i < 3);
		lns_tid[i] = ti.tunnel_id;
		CU_ASSERT_EQUAL(ti.peer_handle, H_LAC_HANDLE);
		CU_ASSERT_EQUAL(ti.state, L2TP_TUNNEL_ESTABLISHED);
		CU_ASSERT_STRING_EQUAL(l2tp_tunnel_state_name(ti.state), "established");
		CU_ASSERT_FALSE(ti.initiator);
		CU_ASSERT_STRING_EQUAL(ti.peer_host, "lac\\x01\\x5cx");   /* escaped */
		CU_ASSERT_EQUAL(ti.n_sessions, 2);
		CU_ASSERT_EQUAL(ti.created_ns, 1000000000ull + i * SEC);
		CU_ASSERT_EQUAL(ti.up_ns, ti.created_ns);
		CU_ASSERT_EQUAL(ti.nr, 6);          /* after SCCRQ SCCCN 2xICRQ 2xICCN */
		CU_ASSERT_EQUAL(ti.ns, 3);          /* SCCRP ICRP ICRP */
		CU_ASSERT_EQUAL(ti.control_rx, 6);
		CU_ASSERT_EQUAL(ti.control_tx, 3);
		CU_ASSERT_EQUAL(ti.unacked, 0);
		CU_ASSERT_EQUAL(ti.queued, 0);
		CU_ASSERT_EQUAL(ti.peer_rws, 4);
	}
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_FALSE(l2tp_tunnel_next(p.lns.ctx, p.now, &cur, &ti));   /* stays at the end */
	/* The LAC's view: it initiated, the peer host is the LNS's. */
	cur = 0;
	CU_ASSERT_TRUE_FATAL(l2tp_tunnel_next(p.lac.ctx, p.now, &cur, &ti));
	CU_ASSERT_TRUE(ti.initiator);
	CU_ASSERT_STRING_EQUAL(ti.peer_host, "lns.test");
	/* Sessions. */
	cur = 0;
	for (n = 0; l2tp_session_next(p.lns.ctx, p.now, &cur, &si); n++) {
		for (i = 0; i < 3 && lns_tid[i] != si.tunnel_id; i++)
			;
		CU_ASSERT_FATAL(i < 3);
		seen_sessions[i]++;
		CU_ASSERT_TRUE(si.peer_session_id == sid[2 * i] || si.peer_session_id == sid[2 * i + 1]);
		CU_ASSERT_EQUAL(si.state, L2TP_SESSION_ESTABLISHED);
		CU_ASSERT_STRING_EQUAL(l2tp_session_state_name(si.state), "established");
		CU_ASSERT_EQUAL(si.peer_handle, H_LAC_HANDLE);
		CU_ASSERT_TRUE(si.call_serial >= 1 && si.call_serial <= 6);
		CU_ASSERT_FALSE(si.data_sequencing);
		CU_ASSERT_NOT_EQUAL(si.up_ns, 0);
	}
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(seen_sessions[0] + seen_sessions[1] + seen_sessions[2], 6);
	CU_ASSERT_EQUAL(seen_sessions[1], 2);
	CU_ASSERT_FALSE(l2tp_session_next(p.lns.ctx, p.now, &cur, &si));
	/* The LAC's serials are the LNS's. */
	cur = 0;
	CU_ASSERT_TRUE_FATAL(l2tp_session_next(p.lac.ctx, p.now, &cur, &si));
	CU_ASSERT_TRUE(si.call_serial >= 1 && si.call_serial <= 6);
	/* A closed tunnel lingers on the LNS, listed as such. */
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lac.ctx, p.now, tid[1], 1), 0);
	h_pump(&p);
	cur = 0;
	for (n = 0; l2tp_tunnel_next(p.lns.ctx, p.now, &cur, &ti); n++) {
		if (ti.tunnel_id == lns_tid[1]) {
			CU_ASSERT_EQUAL(ti.state, L2TP_TUNNEL_LINGER);
			CU_ASSERT_EQUAL(ti.n_sessions, 0);
		}
	}
	CU_ASSERT_EQUAL(n, 3);
	cur = 0;
	for (n = 0; l2tp_session_next(p.lns.ctx, p.now, &cur, &si); n++)
		;
	CU_ASSERT_EQUAL(n, 4);
	h_pair_free(&p);
}

/* Tags set by the caller come back on every event, rx and info. */
static void
test_user_tags(void)
{
	struct h_pair p;
	uint16_t tid, sid, ltid, lsid, sid2;
	uint8_t ppp[8] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	struct l2tp_tunnel_info ti;
	struct l2tp_session_info si;
	size_t cur = 0;

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_set_user(p.lac.ctx, tid, 0xAAA1), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid), 0);
	CU_ASSERT_EQUAL(l2tp_session_set_user(p.lac.ctx, tid, sid, 0xAAA2), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_UP].tunnel_user, 0xAAA1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_UP].session_user, 0);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_UP].tunnel_user, 0xAAA1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_UP].session_user, 0xAAA2);
	/* The LNS learns of them from events and tags them then. */
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_UP].tunnel_user, 0);
	ltid = p.lns.last[L2TP_EV_SESSION_UP].tunnel_id;
	lsid = p.lns.last[L2TP_EV_SESSION_UP].session_id;
	CU_ASSERT_EQUAL(l2tp_tunnel_set_user(p.lns.ctx, ltid, 0xB0B1), 0);
	CU_ASSERT_EQUAL(l2tp_session_set_user(p.lns.ctx, ltid, lsid, 0xB0B2), 0);
	CU_ASSERT_EQUAL(h_send_data(&p, &p.lac, &p.lns, H_LAC_HANDLE, tid, sid, ppp, 8), 0);
	CU_ASSERT_EQUAL(p.lns.last_rx.tunnel_user, 0xB0B1);
	CU_ASSERT_EQUAL(p.lns.last_rx.session_user, 0xB0B2);
	CU_ASSERT_EQUAL(p.lns.last_rx.tunnel_id, ltid);
	CU_ASSERT_EQUAL(p.lns.last_rx.session_id, lsid);
	CU_ASSERT_EQUAL(h_send_data(&p, &p.lns, &p.lac, H_LNS_HANDLE, ltid, lsid, ppp, 8), 0);
	CU_ASSERT_EQUAL(p.lac.last_rx.tunnel_user, 0xAAA1);
	CU_ASSERT_EQUAL(p.lac.last_rx.session_user, 0xAAA2);
	CU_ASSERT_TRUE(l2tp_tunnel_next(p.lns.ctx, p.now, &cur, &ti));
	CU_ASSERT_EQUAL(ti.user, 0xB0B1);
	cur = 0;
	CU_ASSERT_TRUE(l2tp_session_next(p.lns.ctx, p.now, &cur, &si));
	CU_ASSERT_EQUAL(si.user, 0xB0B2);
	CU_ASSERT_EQUAL(si.tunnel_user, 0xB0B1);
	/* Retagging works; an untagged second session reports 0. */
	CU_ASSERT_EQUAL(l2tp_session_set_user(p.lns.ctx, ltid, lsid, 0xB0B3), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid2), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_UP].tunnel_user, 0xB0B1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_UP].session_user, 0);
	/* Down events carry them. */
	CU_ASSERT_EQUAL(l2tp_session_close(p.lac.ctx, p.now, tid, sid, L2TP_CDN_ADMIN), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].session_user, 0xB0B3);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_SESSION_DOWN].tunnel_user, 0xB0B1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_SESSION_DOWN].session_user, 0xAAA2);
	CU_ASSERT_EQUAL(l2tp_tunnel_close(p.lns.ctx, p.now, ltid, 1), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_DOWN].tunnel_user, 0xB0B1);
	CU_ASSERT_EQUAL(p.lac.last[L2TP_EV_TUNNEL_DOWN].tunnel_user, 0xAAA1);
	/* Errors. */
	CU_ASSERT_EQUAL(l2tp_tunnel_set_user(NULL, 1, 1), L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_session_set_user(NULL, 1, 1, 1), L2TP_E_INVAL);
	CU_ASSERT_EQUAL(l2tp_tunnel_set_user(p.lac.ctx, 0, 1), L2TP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(l2tp_tunnel_set_user(p.lac.ctx, (uint16_t)(tid + 1), 1), L2TP_E_NOT_FOUND);
	CU_ASSERT_EQUAL(l2tp_session_set_user(p.lac.ctx, tid, sid, 1), L2TP_E_NOT_FOUND);
	h_pair_free(&p);
}

void
test_tables_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_tables", NULL, NULL);

	CU_add_test(s, "tunnel IDs random, non-zero, unique", test_ids_random_unique);
	CU_add_test(s, "enumeration of tunnels and sessions", test_enumeration);
	CU_add_test(s, "user tags on events, rx and info", test_user_tags);
}
