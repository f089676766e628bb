/*
 * test_quirks.c - real clients' quirks and the bad-input classes that broke
 * other IKEv1 daemons, as hand-built Quick Mode / Informational messages
 * injected (correctly encrypted and hashed) into an established responder.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "harness.h"
#include <roadgate/isakmp.h>
#include "isakmp_int.h"
#include "testsupport.h"

void test_quirks_register(void);

struct pb {
	uint8_t b[2048];
	size_t len;
	size_t last;   /* offset of the previous payload header */
};

/* Appends a payload and links it from the previous one. */
static void
pb_add(struct pb *p, uint8_t type, const void *body, size_t blen)
{
	if (p->len > 0)
		p->b[p->last] = type;
	p->last = p->len;
	p->b[p->len] = 0;
	p->b[p->len + 1] = 0;
	p->b[p->len + 2] = (uint8_t)((blen + 4) >> 8);
	p->b[p->len + 3] = (uint8_t)(blen + 4);
	memcpy(p->b + p->len + 4, body, blen);
	p->len += 4 + blen;
}

/* An ESP SA payload: one proposal, one transform with the given attributes. */
static size_t
esp_sa(uint8_t *o, uint8_t tid, const uint16_t *attrs, size_t nattr)
{
	size_t n = 0, i, tlen = 8 + 4 * nattr;

	/* DOI IPsec, situation identity-only */
	o[n++] = 0; o[n++] = 0; o[n++] = 0; o[n++] = 1;
	o[n++] = 0; o[n++] = 0; o[n++] = 0; o[n++] = 1;
	/* proposal: last, len, #1, ESP, SPI size 4, 1 transform, SPI */
	o[n++] = 0; o[n++] = 0; o[n++] = 0; o[n++] = (uint8_t)(12 + tlen);
	o[n++] = 1; o[n++] = 3; o[n++] = 4; o[n++] = 1;
	o[n++] = 0x12; o[n++] = 0x34; o[n++] = 0x56; o[n++] = 0x78;
	/* transform: last, len, #1, transform id */
	o[n++] = 0; o[n++] = 0; o[n++] = 0; o[n++] = (uint8_t)tlen;
	o[n++] = 1; o[n++] = tid; o[n++] = 0; o[n++] = 0;
	for (i = 0; i < nattr; i++) {  /* TV attributes: type | 0x8000, value */
		o[n++] = (uint8_t)((attrs[2 * i] | 0x8000) >> 8);
		o[n++] = (uint8_t)attrs[2 * i];
		o[n++] = (uint8_t)(attrs[2 * i + 1] >> 8);
		o[n++] = (uint8_t)attrs[2 * i + 1];
	}
	return n;
}

static const uint16_t good_attrs[] = { 1, 1, 2, 3600, 4, ISAKMP_ENCAP_TRANSPORT, 5, 2, 6, 128 };

/* HASH, SA, Ni, IDci, IDcr for a QM1; idci/idcr given as ID bodies. */
static void
qm1(struct pb *p, size_t hl, const uint8_t *sa, size_t salen, const uint8_t *idci,
    size_t li, const uint8_t *idcr, size_t lr)
{
	uint8_t z[64], nonce[16];

	memset(p, 0, sizeof(*p));
	memset(z, 0, sizeof(z));
	memset(nonce, 0x5a, sizeof(nonce));
	pb_add(p, PL_HASH, z, hl);
	pb_add(p, PL_SA, sa, salen);
	pb_add(p, PL_NONCE, nonce, sizeof(nonce));
	if (idci != NULL) {
		pb_add(p, PL_ID, idci, li);
		pb_add(p, PL_ID, idcr, lr);
	}
}

static void
setup(struct harness *h, uint64_t seed)
{
	struct isakmp_policy p;

	h_policy_default(&p);
	p.p1[0] = (struct isakmp_p1_proposal){ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1,
	    ISAKMP_GROUP_MODP768, 0 };
	p.n_p1 = 1;
	CU_ASSERT_EQUAL_FATAL(h_init(h, &p, &p, false, seed), 0);
	CU_ASSERT_EQUAL(h_initiate(h, NULL), 0);
	h_pump(h);
	CU_ASSERT_TRUE_FATAL(h_find_event(&h->s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	h->s.nev = 0;
}

static size_t
outputs(struct harness *h)
{
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t l, n = 0;
	struct isakmp_addr f, t;

	while (isakmp_next_output(h->s.ctx, h->now, b, sizeof(b), &l, &f, &t) == 0)
		n++;
	return n;
}

/* Our side IPv4 udp/1701; the client side as given. */
static const uint8_t id_srv[] = { 1, 17, 0x06, 0xa5, 203, 0, 113, 10 };
static const uint8_t id_cli[] = { 1, 17, 0x06, 0xa5, 10, 0, 0, 2 };
static const uint8_t id_cli_fqdn[] = { 2, 17, 0x06, 0xa5, 'x', 'p', '.', 'l', 'a', 'n' };
static const uint8_t id_srv_fqdn[] = { 2, 17, 0x06, 0xa5, 'g', 'w', '.', 'l', 'a', 'n' };

static void
test_xp_fqdn_idci(void)
{
	struct harness h;
	struct pb p;
	uint8_t sa[128];
	size_t n;

	setup(&h, 50);
	n = esp_sa(sa, ISAKMP_ESP_AES_CBC, good_attrs, 5);
	qm1(&p, 20, sa, n, id_cli_fqdn, sizeof(id_cli_fqdn), id_srv, sizeof(id_srv));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x01020304, p.b, p.len), 0);
	CU_ASSERT_EQUAL(outputs(&h), 1);  /* QM2 */
	h_fini(&h);
}

static void
test_fqdn_idcr_rejected(void)
{
	struct harness h;
	struct pb p;
	struct isakmp_stats st;
	uint8_t sa[128];
	size_t n;

	setup(&h, 51);
	n = esp_sa(sa, ISAKMP_ESP_AES_CBC, good_attrs, 5);
	qm1(&p, 20, sa, n, id_cli, sizeof(id_cli), id_srv_fqdn, sizeof(id_srv_fqdn));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x01020305, p.b, p.len), ISAKMP_E_ID);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_bad_id, 1);
	CU_ASSERT_EQUAL(outputs(&h), 1);  /* encrypted INVALID-ID-INFORMATION */
	/* Windows/macOS style: remote port 1701 proposed by the client, local any. */
	qm1(&p, 20, sa, n, id_cli, sizeof(id_cli), id_srv, sizeof(id_srv));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x01020306, p.b, p.len), 0);
	h_fini(&h);
}

/* AES-GMAC (transform 23) without key length, PFS groups: no proposal; then a good QM works. */
static void
test_unexpected_transforms_then_good(void)
{
	static const uint16_t gmac[] = { 1, 1, 2, 3600, 4, ISAKMP_ENCAP_TRANSPORT };
	static const uint16_t pfs_private[] = { 1, 1, 2, 3600, 3, 32768, 4, ISAKMP_ENCAP_TRANSPORT,
	    5, 2, 6, 128 };
	struct harness h;
	struct pb p;
	struct isakmp_stats st;
	uint8_t sa[128];
	size_t n;

	setup(&h, 52);
	n = esp_sa(sa, 23, gmac, 3);
	qm1(&p, 20, sa, n, id_cli, sizeof(id_cli), id_srv, sizeof(id_srv));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x0a000001, p.b, p.len), ISAKMP_E_NO_PROPOSAL);
	n = esp_sa(sa, ISAKMP_ESP_AES_CBC, pfs_private, 6);
	qm1(&p, 20, sa, n, id_cli, sizeof(id_cli), id_srv, sizeof(id_srv));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x0a000002, p.b, p.len), ISAKMP_E_NO_PROPOSAL);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_no_proposal, 2);
	CU_ASSERT_EQUAL(outputs(&h), 2);  /* encrypted NO-PROPOSAL-CHOSEN, twice */
	/* A Quick Mode after the failed proposals still works. */
	n = esp_sa(sa, ISAKMP_ESP_AES_CBC, good_attrs, 5);
	qm1(&p, 20, sa, n, id_cli, sizeof(id_cli), id_srv, sizeof(id_srv));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x0a000003, p.b, p.len), 0);
	CU_ASSERT_EQUAL(outputs(&h), 1);
	h_fini(&h);
}

/* Nonces outside 8..256 bytes and absurd attribute lengths. */
static void
test_bad_nonce_and_attr(void)
{
	struct harness h;
	struct pb p;
	uint8_t sa[128], z[20], nonce[4];
	size_t n;

	setup(&h, 53);
	memset(z, 0, sizeof(z));
	memset(nonce, 1, sizeof(nonce));
	n = esp_sa(sa, ISAKMP_ESP_AES_CBC, good_attrs, 5);
	memset(&p, 0, sizeof(p));
	pb_add(&p, PL_HASH, z, 20);
	pb_add(&p, PL_SA, sa, n);
	pb_add(&p, PL_NONCE, nonce, sizeof(nonce));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x0b000001, p.b, p.len), ISAKMP_E_NONCE);
	/* A TLV attribute claiming 200 bytes. */
	n = esp_sa(sa, ISAKMP_ESP_AES_CBC, good_attrs, 5);
	sa[n - 4] = 0x00;     /* clear the TV bit of the last attribute */
	sa[n - 2] = 0;
	sa[n - 1] = 200;
	qm1(&p, 20, sa, n, id_cli, sizeof(id_cli), id_srv, sizeof(id_srv));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_QUICK, 0x0b000002, p.b, p.len), ISAKMP_E_ATTR);
	/* A proposal announcing a transform that is not there. */
	n = esp_sa(sa, ISAKMP_ESP_AES_CBC, good_attrs, 5);
	sa[15] = 2;
	qm1(&p, 20, sa, n, id_cli, sizeof(id_cli), id_srv, sizeof(id_srv));
	CU_ASSERT(h_inject_s(&h, EX_QUICK, 0x0b000003, p.b, p.len) < 0);
	CU_ASSERT_EQUAL(outputs(&h), 0);
	h_fini(&h);
}

/* Delete of the ISAKMP SA followed by more notifies: silently dropped, no state. */
static void
test_delete_then_notify(void)
{
	struct harness h;
	struct pb p;
	struct isakmp_stats st;
	uint8_t z[20], d[24], n[28];
	struct ike_sa *sa;

	setup(&h, 54);
	sa = h_newest_sa(h.s.ctx);
	memset(z, 0, sizeof(z));
	/* Delete: DOI 1, protocol ISAKMP, SPI size 16, 1 SPI = cookies */
	d[0] = 0; d[1] = 0; d[2] = 0; d[3] = 1; d[4] = 1; d[5] = 16; d[6] = 0; d[7] = 1;
	memcpy(d + 8, sa->icookie, 8);
	memcpy(d + 16, sa->rcookie, 8);
	memset(&p, 0, sizeof(p));
	pb_add(&p, PL_HASH, z, 20);
	pb_add(&p, PL_D, d, sizeof(d));
	/* Build the R-U-THERE while the SA (and its cookies) still exists. */
	{
		struct pb p2;
		int rc;

		memset(&p2, 0, sizeof(p2));
		n[0] = 0; n[1] = 0; n[2] = 0; n[3] = 1; n[4] = 1; n[5] = 16;
		n[6] = (uint8_t)(N_DPD_R_U_THERE >> 8); n[7] = (uint8_t)N_DPD_R_U_THERE;
		memcpy(n + 8, sa->icookie, 8);
		memcpy(n + 16, sa->rcookie, 8);
		n[24] = 0; n[25] = 0; n[26] = 0; n[27] = 9;
		pb_add(&p2, PL_HASH, z, 20);
		pb_add(&p2, PL_N, n, sizeof(n));
		/* A DPD before the Delete is answered. */
		CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x0c000001, p2.b, p2.len), 0);
		CU_ASSERT_EQUAL(outputs(&h), 1);
		CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x0c000002, p.b, p.len), 0);
		h_pump(&h);  /* collects the events */
		CU_ASSERT_EQUAL(h_count_reason(&h.s, ISAKMP_EV_PHASE1_DOWN, ISAKMP_REASON_DELETED), 1);
		CU_ASSERT_PTR_NULL(h_newest_sa(h.s.ctx));
		/* The IPsec SA is the peer's: it outlives the IKE SA. */
		CU_ASSERT_EQUAL(h_count_events(&h.s, ISAKMP_EV_IPSEC_SA_DOWN), 0);
		CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PEER_DOWN, NULL));
		/* The same DPD again now hits no SA: error, no answer. */
		rc = h_inject_s(&h, EX_INFO, 0x0c000003, p2.b, p2.len);
		CU_ASSERT_EQUAL(rc, -1000);  /* the harness has no SA to encrypt for */
	}
	/* Replay the client's last real packet (its QM3) after the delete. */
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, h.last_c2s, h.last_c2s_len,
	    &h.last_c2s_from, &h.last_c2s_to), ISAKMP_E_NO_SA);
	CU_ASSERT_EQUAL(outputs(&h), 0);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_no_sa, 1);
	h_fini(&h);
}

/* Windows' fourth Quick Mode message on a completed exchange is ignored. */
static void
test_windows_fourth_qm(void)
{
	struct harness h;
	struct isakmp_stats before, after;

	setup(&h, 55);
	isakmp_get_stats(h.s.ctx, &before);
	/* The last client packet was QM3; a retransmission is absorbed... */
	CU_ASSERT_EQUAL(isakmp_input(h.s.ctx, h.now, h.last_c2s, h.last_c2s_len,
	    &h.last_c2s_from, &h.last_c2s_to), 0);
	isakmp_get_stats(h.s.ctx, &after);
	CU_ASSERT_EQUAL(after.rx_retransmits, before.rx_retransmits + 1);
	CU_ASSERT_EQUAL(after.phase2_up, before.phase2_up);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	CU_ASSERT_EQUAL(outputs(&h), 0);
	h_fini(&h);
}

/* Phase 1 with a private-use DH group only: no proposal, no state, no answer. */
static void
test_private_group(void)
{
	struct isakmp_policy cp, sp;
	struct harness h;
	struct isakmp_stats st;

	h_policy_default(&sp);
	cp = sp;
	cp.p1[0].group = 32768;
	cp.n_p1 = 1;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &cp, &sp, false, 56), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_EQUAL(h.last_rc_s, ISAKMP_E_NO_PROPOSAL);
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_no_proposal, 1);
	CU_ASSERT_EQUAL(st.tx_packets, 0);
	CU_ASSERT_EQUAL(isakmp_next_timeout(h.s.ctx), UINT64_MAX);
	h_fini(&h);
}

static bool
set_commit(struct harness *h, bool c2s, uint8_t *pkt, size_t *len)
{
	(void)h;
	/* Client-to-server Quick Mode messages carry the commit bit (header
	 * flags are not covered by HASH or encryption). */
	if (c2s && *len > HDR_LEN && pkt[18] == EX_QUICK)
		pkt[19] |= FL_C;
	return true;
}

/* Commit bit: the responder sends CONNECTED as a fourth message; the initiator ignores it. */
static void
test_commit_bit(void)
{
	struct harness h;
	struct isakmp_policy p;
	struct isakmp_stats st;

	h_policy_default(&p);
	p.p1[0].group = ISAKMP_GROUP_MODP768;
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 58), 0);
	h.filter = set_commit;
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_IPSEC_SA_UP, NULL));
	CU_ASSERT_TRUE(h_find_event(&h.c, ISAKMP_EV_IPSEC_SA_UP, NULL));
	isakmp_get_stats(h.s.ctx, &st);
	CU_ASSERT_EQUAL(st.tx_packets, 5);   /* MM2, MM4, MM6, QM2, CONNECTED */
	isakmp_get_stats(h.c.ctx, &st);
	CU_ASSERT_EQUAL(st.rx_packets, 5);   /* all five */
	CU_ASSERT_EQUAL(h.last_rc_c, 0);     /* accepted and ignored */
	h_fini(&h);
}

static int vid_lines;

static void
vid_log(void *user, int level, const char *msg)
{
	(void)user;
	(void)level;
	if (strstr(msg, "IKE fragmentation") != NULL || strstr(msg, "MS NT5") != NULL)
		vid_lines++;
}

/* Windows' vendor IDs (MS NT5, IKE fragmentation) are recognised and logged. */
static void
test_windows_vids(void)
{
	/* MS NT5 ISAKMPOAKLEY v5 and the fragmentation VID with Windows' flags. */
	static const uint8_t vids[] = {
		0x0d, 0, 0, 24, 0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d, 0x7c, 0x96,
		0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61, 0x00, 0x00, 0x00, 0x05,
		0x00, 0, 0, 24, 0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7,
		0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3, 0x80, 0x00, 0x00, 0x00,
	};
	struct isakmp_policy p;
	struct harness h;
	struct isakmp_hooks hk;
	uint32_t pid;
	struct isakmp_ctx *srv = NULL;
	struct ts_rng r;
	uint8_t b[ISAKMP_MAX_PACKET];
	size_t len, off;
	struct isakmp_addr f, t;

	h_policy_default(&p);
	CU_ASSERT_EQUAL_FATAL(h_init(&h, &p, &p, false, 57), 0);
	CU_ASSERT_EQUAL(h_initiate(&h, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_next_output(h.c.ctx, h.now, b, sizeof(b), &len, &f, &t), 0);
	/* Walk to the last payload and chain the two VIDs after it. */
	off = HDR_LEN;
	while (b[off] != 0)
		off += (size_t)(b[off + 2] << 8 | b[off + 3]);
	b[off] = PL_VID;
	memcpy(b + len, vids, sizeof(vids));
	len += sizeof(vids);
	b[26] = (uint8_t)(len >> 8);
	b[27] = (uint8_t)len;
	memset(&hk, 0, sizeof(hk));
	ts_rng_init(&r, 3);
	hk.user = &r;
	hk.rng = ts_rng_cb;
	hk.log = vid_log;
	CU_ASSERT_EQUAL_FATAL(isakmp_ctx_new(&srv, NULL, &hk), 0);
	CU_ASSERT_EQUAL_FATAL(isakmp_policy_add(srv, &p, &pid), 0);
	vid_lines = 0;
	CU_ASSERT_EQUAL(isakmp_input(srv, 0, b, len, &f, &t), 0);
	CU_ASSERT_EQUAL(vid_lines, 2);
	isakmp_ctx_free(srv);
	h_fini(&h);
}

/* A Delete naming another ISAKMP SA's cookies must not delete this one. */
static void
test_delete_foreign_cookies(void)
{
	struct harness h;
	struct pb p;
	uint8_t z[20], d[24];
	struct ike_sa *sa;

	setup(&h, 55);
	sa = h_newest_sa(h.s.ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	memset(z, 0, sizeof(z));
	d[0] = 0; d[1] = 0; d[2] = 0; d[3] = 1; d[4] = 1; d[5] = 16; d[6] = 0; d[7] = 1;
	memcpy(d + 8, sa->icookie, 8);
	memcpy(d + 16, sa->rcookie, 8);
	d[23] ^= 0x01;  /* not this SA's responder cookie */
	memset(&p, 0, sizeof(p));
	pb_add(&p, PL_HASH, z, 20);
	pb_add(&p, PL_D, d, sizeof(d));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x0d000001, p.b, p.len), 0);
	h_pump(&h);
	CU_ASSERT_FALSE(h_find_event(&h.s, ISAKMP_EV_PHASE1_DOWN, NULL));
	CU_ASSERT_PTR_EQUAL(h_newest_sa(h.s.ctx), sa);
	CU_ASSERT_EQUAL(sa->state, S_ESTABLISHED);
	/* The right cookies still delete it. */
	d[23] ^= 0x01;
	memset(&p, 0, sizeof(p));
	pb_add(&p, PL_HASH, z, 20);
	pb_add(&p, PL_D, d, sizeof(d));
	CU_ASSERT_EQUAL(h_inject_s(&h, EX_INFO, 0x0d000002, p.b, p.len), 0);
	h_pump(&h);
	CU_ASSERT_TRUE(h_find_event(&h.s, ISAKMP_EV_PHASE1_DOWN, NULL));
	CU_ASSERT_PTR_NULL(h_newest_sa(h.s.ctx));
	h_fini(&h);
}

void
test_quirks_register(void)
{
	CU_pSuite s = CU_add_suite("isakmp_quirks", NULL, NULL);

	CU_add_test(s, "Windows XP ID_FQDN IDci accepted", test_xp_fqdn_idci);
	CU_add_test(s, "ID_FQDN in IDcr rejected with a counter", test_fqdn_idcr_rejected);
	CU_add_test(s, "AES-GMAC/private PFS group refused, then a good QM", test_unexpected_transforms_then_good);
	CU_add_test(s, "short nonce, absurd attribute, missing transform", test_bad_nonce_and_attr);
	CU_add_test(s, "Delete then more notifies on the same SA", test_delete_then_notify);
	CU_add_test(s, "Delete with another SA's cookies ignored", test_delete_foreign_cookies);
	CU_add_test(s, "Windows fourth Quick Mode message", test_windows_fourth_qm);
	CU_add_test(s, "private-use DH group in phase 1", test_private_group);
	CU_add_test(s, "Windows vendor IDs recognised", test_windows_vids);
	CU_add_test(s, "commit bit: CONNECTED after QM3", test_commit_bit);
}
