/* Input validation (input.c), hidden AVPs and OOM tests. */
#include <CUnit/CUnit.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness.h"
#include <roadgate/l2tp.h>

void test_input_register(void);

#define SEC 1000000000ull

/* Replaces each "%04x" of tmpl by id in hex. */
static void
subst(char *out, size_t cap, const char *tmpl, uint16_t id)
{
	size_t o = 0;

	while (*tmpl != '\0' && o + 5 < cap) {
		if (strncmp(tmpl, "%04x", 4) == 0) {
			snprintf(out + o, cap - o, "%04x", id);
			o += 4;
			tmpl += 4;
		} else {
			out[o++] = *tmpl++;
		}
	}
	out[o] = '\0';
}

static void
hexin(uint8_t *d, size_t *n, const char *hex)
{
	*n = ts_hex2bin(d, 256, hex);
	CU_ASSERT_FATAL(*n != (size_t)-1);
}

/* Numbered table of bad datagrams against an LNS with an established
 * tunnel; each gets its specific code and counter, and the tunnel lives. */
static void
test_bad_input_table(void)
{
	struct h_pair p;
	uint16_t tid, sid, ltid;
	uint8_t d[256], ppp[4] = { 0xc0, 0x21, 0x09, 0x00 };
	size_t n;
	char hex[512];
	unsigned i;
	struct l2tp_stats before, after;
	static const struct {
		const char *hex;        /* %04x = our tunnel ID on the LNS */
		int rc;
		size_t off;             /* offsetof counter in l2tp_stats */
	} cases[] = {
		/* 0: 3 bytes */
		{ "c802 00", L2TP_E_TRUNCATED, offsetof(struct l2tp_stats, rx_truncated) },
		/* 1: version 3 */
		{ "c803 000c %04x 0000 0000 0000", L2TP_E_VERSION, offsetof(struct l2tp_stats, rx_bad_version) },
		/* 2: control without L bit */
		{ "8802 000c %04x 0000 0000 0000", L2TP_E_BAD_HEADER, offsetof(struct l2tp_stats, rx_bad_header) },
		/* 3: control header of 8 bytes */
		{ "c802 0008 %04x 0000", L2TP_E_TRUNCATED, offsetof(struct l2tp_stats, rx_truncated) },
		/* 4: Length 0x40 beyond a 20-byte datagram */
		{ "c802 0040 %04x 0000 0000 0000 8008 0000 0000 0006", L2TP_E_BAD_LENGTH, offsetof(struct l2tp_stats, rx_bad_length) },
		/* 5: AVP length 0 (the endless-loop case) */
		{ "c802 0014 %04x 0000 0000 0000 8000 0000 0000 0006", L2TP_E_AVP_LENGTH, offsetof(struct l2tp_stats, rx_avp_length) },
		/* 6: AVP length 5 */
		{ "c802 0014 %04x 0000 0000 0000 8005 0000 0000 0006", L2TP_E_AVP_LENGTH, offsetof(struct l2tp_stats, rx_avp_length) },
		/* 7: second AVP runs past the end */
		{ "c802 001a %04x 0000 0000 0000 8008 0000 0000 0006 0010 0000 0007", L2TP_E_AVP_LENGTH, offsetof(struct l2tp_stats, rx_avp_length) },
		/* 8: hidden Assigned Session ID without a Random Vector */
		{ "c802 001e %04x 0000 0000 0000 8008 0000 0000 000a c00a 0000 000e 1234 5678", L2TP_E_HIDDEN, offsetof(struct l2tp_stats, rx_hidden_bad) },
		/* 9: ICRQ with Tunnel ID 0 */
		{ "c802 001c 0000 0000 0000 0000 8008 0000 0000 000a 8008 0000 000e 1234", L2TP_E_NO_TUNNEL, offsetof(struct l2tp_stats, rx_no_tunnel) },
		/* 10: ZLB with Tunnel ID 0 */
		{ "c802 000c 0000 0000 0000 0000", L2TP_E_NO_TUNNEL, offsetof(struct l2tp_stats, rx_no_tunnel) },
		/* 11: HELLO with Ns far outside the window */
		{ "c802 0014 %04x 0000 0100 0000 8008 0000 0000 0006", L2TP_E_SEQUENCE, offsetof(struct l2tp_stats, rx_out_of_window) },
		/* 12: first AVP not Message Type */
		{ "c802 0014 %04x 0000 0000 0000 8008 0000 0009 0006", L2TP_E_BAD_AVP, offsetof(struct l2tp_stats, rx_bad_avp) },
		/* 13: Assigned Tunnel ID of 3 bytes */
		{ "c802 001d %04x 0000 0000 0000 8008 0000 0000 0001 8009 0000 0009 0102 03", L2TP_E_BAD_AVP, offsetof(struct l2tp_stats, rx_bad_avp) },
		/* 14: data for an unknown session */
		{ "4002 000a %04x 7777 0102", L2TP_E_NO_SESSION, offsetof(struct l2tp_stats, rx_no_session) },
		/* 15: data with L and S but cut short */
		{ "4802 0008 %04x 0000", L2TP_E_TRUNCATED, offsetof(struct l2tp_stats, rx_truncated) },
		/* 16: data with Offset Size beyond the end */
		{ "0202 %04x 0000 00ff 00", L2TP_E_BAD_LENGTH, offsetof(struct l2tp_stats, rx_bad_length) },
		/* 17: data Length beyond the datagram */
		{ "4002 00ff %04x 0000 0102", L2TP_E_BAD_LENGTH, offsetof(struct l2tp_stats, rx_bad_length) },
		/* 18: data for tunnel 0 */
		{ "0002 0000 0001 c021", L2TP_E_NO_TUNNEL, offsetof(struct l2tp_stats, rx_no_tunnel) },
		/* 19: SCCRQ without Assigned Tunnel ID */
		{ "c802 0014 0000 0000 0000 0000 8008 0000 0000 0001", L2TP_E_MISSING_AVP, offsetof(struct l2tp_stats, rx_missing_avp) },
	};

	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(h_setup(&p, &tid, &sid), 0);
	ltid = p.lns.last[L2TP_EV_TUNNEL_UP].tunnel_id;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t lines = p.lns.log.lines;

		subst(hex, sizeof(hex), cases[i].hex, ltid);
		hexin(d, &n, hex);
		before = h_stats(&p.lns);
		int rc = h_input(&p.lns, p.now, H_LAC_HANDLE, d, n);
		after = h_stats(&p.lns);
		if (rc != cases[i].rc)
			fprintf(stderr, "case %u: rc %d (%s), want %d\n", i, rc, l2tp_strerror(rc), cases[i].rc);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		CU_ASSERT_EQUAL(*(uint64_t *)((char *)&after + cases[i].off),
		    *(uint64_t *)((char *)&before + cases[i].off) + 1);
		CU_ASSERT_TRUE(p.lns.log.lines > lines);
		CU_ASSERT_STRING_NOT_EQUAL(l2tp_strerror(rc), "unknown error");
	}
	/* Every truncated prefix of a real SCCRQ is refused with a code. */
	snprintf(hex, sizeof(hex), "c802 0024 0000 0000 0000 0000 8008 0000 0000 0001"
	    "8008 0000 0002 0100 800a 0000 0003 0000 0003 8008 0000 0009 4242");
	hexin(d, &n, hex);
	for (i = 0; i < n; i++) {
		int rc = h_input(&p.lns, p.now, 0x77, d, i);

		CU_ASSERT_TRUE(rc < 0);
	}
	/* The established tunnel and session are unaffected. */
	h_pump(&p);
	CU_ASSERT_EQUAL(l2tp_session_send_ppp(p.lac.ctx, p.now, tid, sid, ppp, 4), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lns.rx_ppp, 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_TUNNEL_DOWN], 0);
	h_pair_free(&p);
}

/* Independent MD5 via EVP. */
static void
md5(uint8_t out[16], const void *a, size_t al, const void *b, size_t bl,
    const void *c, size_t cl)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned ol;

	EVP_DigestInit_ex(m, EVP_md5(), NULL);
	EVP_DigestUpdate(m, a, al);
	EVP_DigestUpdate(m, b, bl);
	if (cl > 0)
		EVP_DigestUpdate(m, c, cl);
	EVP_DigestFinal_ex(m, out, &ol);
	EVP_MD_CTX_free(m);
}

/* Finds an AVP (vendor 0) in a control message; returns value pointer. */
static const uint8_t *
find_avp(const uint8_t *d, size_t len, uint16_t type, size_t *vlen, bool *hidden)
{
	size_t off = 12;

	while (off + 6 <= len) {
		size_t alen = ((d[off] & 3u) << 8) | d[off + 1];

		if (alen < 6 || off + alen > len)
			return NULL;
		if (((d[off + 4] << 8) | d[off + 5]) == type) {
			*vlen = alen - 6;
			*hidden = (d[off] & 0x40) != 0;
			return d + off + 6;
		}
		off += alen;
	}
	return NULL;
}

static void
test_hidden_avps(void)
{
	struct h_pair p;
	struct l2tp_config a, b;
	uint8_t d[L2TP_MAX_DGRAM], plain[64], bx[16], t9[2] = { 0, 9 };
	size_t n, rvlen, hlen, i;
	uint64_t ph;
	uint16_t tid, sid;
	const uint8_t *rv, *h;
	bool hid;

	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	memcpy(a.secret, "hide-me", 7);
	memcpy(b.secret, "hide-me", 7);
	a.secret_len = b.secret_len = 7;
	a.hide_avps = b.hide_avps = true;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, &a, &b), 0);
	CU_ASSERT_EQUAL(l2tp_tunnel_open(p.lac.ctx, p.now, H_LNS_HANDLE, &tid), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_next_output(p.lac.ctx, p.now, d, sizeof(d), &n, &ph), 0);
	rv = find_avp(d, n, 36, &rvlen, &hid);
	h = find_avp(d, n, 9, &hlen, &hid);
	CU_ASSERT_FATAL(rv != NULL && h != NULL);
	CU_ASSERT_TRUE(hid);
	CU_ASSERT_EQUAL_FATAL(hlen, 4);      /* original length + 2-byte value */
	/* RFC 2661 4.3: b1 = MD5(type + secret + RV); p = c xor b. */
	md5(bx, t9, 2, "hide-me", 7, rv, rvlen);
	for (i = 0; i < hlen; i++)
		plain[i] = h[i] ^ bx[i];
	CU_ASSERT_EQUAL(plain[0], 0);
	CU_ASSERT_EQUAL(plain[1], 2);
	CU_ASSERT_EQUAL((plain[2] << 8) | plain[3], tid);
	/* Deliver it and finish the setup with hidden AVPs both ways. */
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, H_LAC_HANDLE, d, n), 0);
	CU_ASSERT_EQUAL(l2tp_session_open(p.lac.ctx, p.now, tid, &sid), 0);
	h_pump(&p);
	CU_ASSERT_EQUAL(p.lac.ev_count[L2TP_EV_SESSION_UP], 1);
	CU_ASSERT_EQUAL(p.lns.ev_count[L2TP_EV_SESSION_UP], 1);
	CU_ASSERT_EQUAL(p.lns.last[L2TP_EV_TUNNEL_UP].tunnel_id != 0, 1);
	h_pair_free(&p);
}

/* A hidden value longer than 16 bytes exercises the MD5 chain:
 * build one by hand with the independent computation and decode it. */
static void
test_hidden_chain_and_bad_length(void)
{
	struct h_pair p;
	struct l2tp_config b;
	uint8_t d[256], rv[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, t7[2] = { 0, 7 };
	uint8_t sub[2 + 20], bx[16];
	const char *host = "a-host-name-of-20-by";
	size_t n = 0, i;
	int rc;

	h_default_config(&b, L2TP_ROLE_LNS);
	memcpy(b.secret, "k", 1);
	b.secret_len = 1;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &b), 0);
	sub[0] = 0;
	sub[1] = 20;
	memcpy(sub + 2, host, 20);
	md5(bx, t7, 2, "k", 1, rv, sizeof(rv));
	for (i = 0; i < 16; i++)
		sub[i] ^= bx[i];
	md5(bx, "k", 1, sub, 16, NULL, 0);
	for (i = 16; i < 22; i++)
		sub[i] ^= bx[i - 16];
	/* SCCRQ: header, Message Type, Protocol Version, Framing, Tunnel ID,
	 * Random Vector, hidden Host Name. */
	n = ts_hex2bin(d, sizeof(d), "c802 0000 0000 0000 0000 0000 8008 0000 0000 0001"
	    "8008 0000 0002 0100 800a 0000 0003 0000 0003 8008 0000 0009 0abc"
	    "800e 0000 0024 0102 0304 0506 0708");
	d[n++] = 0xc0;
	d[n++] = 6 + sizeof(sub);
	d[n++] = 0;
	d[n++] = 0;
	d[n++] = 0;
	d[n++] = 7;
	memcpy(d + n, sub, sizeof(sub));
	n += sizeof(sub);
	d[2] = 0;
	d[3] = (uint8_t)n;
	rc = h_input(&p.lns, p.now, 0x99, d, n);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	/* Corrupt the original length: it no longer fits the AVP. */
	d[n - sizeof(sub)] ^= 0x40;
	d[45] = 0xbd;   /* other peer tunnel ID so it is not a retransmit */
	rc = h_input(&p.lns, p.now, 0x99, d, n);
	CU_ASSERT_EQUAL(rc, L2TP_E_HIDDEN);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_hidden_bad, 1);
	CU_ASSERT_TRUE(ts_log_last_contains(&p.lns.log, "original length"));
	h_pair_free(&p);
}

/* Appends a hidden AVP (RFC 2661 4.3, computed independently of the
 * library) of the given type carrying plain[0..plen) to d at *n. */
static void
append_hidden(uint8_t *d, size_t *n, uint16_t type, const char *secret,
    const uint8_t *rv, size_t rvlen, const uint8_t *plain, size_t plen)
{
	uint8_t t[2] = { (uint8_t)(type >> 8), (uint8_t)type }, bx[16];
	uint8_t *p = d + *n, *sub = p + 6;
	size_t slen = strlen(secret), len = 2 + plen, off, i;

	p[0] = (uint8_t)(0x40 | ((6 + len) >> 8));
	p[1] = (uint8_t)(6 + len);
	p[2] = p[3] = 0;
	p[4] = t[0];
	p[5] = t[1];
	sub[0] = (uint8_t)(plen >> 8);
	sub[1] = (uint8_t)plen;
	memcpy(sub + 2, plain, plen);
	md5(bx, t, 2, secret, slen, rv, rvlen);
	for (off = 0; off < len; off += 16) {
		for (i = 0; i < 16 && off + i < len; i++)
			sub[off + i] ^= bx[i];
		if (off + 16 < len)
			md5(bx, secret, slen, sub + off, 16, NULL, 0);
	}
	*n += 6 + len;
}

/* Hidden AVPs are decoded into a bounded scratch buffer: a (long) control
 * message whose hidden values add up to more than it holds is refused
 * instead of decoded past its end. */
static void
test_hidden_total_bounded(void)
{
	struct h_pair p;
	struct l2tp_config b;
	static uint8_t d[8192];
	uint8_t rv[16], name[1015];
	size_t n, i;
	int rc;

	h_default_config(&b, L2TP_ROLE_LNS);
	memcpy(b.secret, "k", 1);
	b.secret_len = 1;
	CU_ASSERT_EQUAL_FATAL(h_pair_init(&p, NULL, &b), 0);
	memset(rv, 0x5c, sizeof(rv));
	memset(name, 'v', sizeof(name));
	/* SCCRQ: header, Message Type, Protocol Version, Framing, Tunnel ID,
	 * Host Name, Random Vector, then five hidden Vendor Names of 1023
	 * bytes each (1017 hidden bytes: 2 + 1015). */
	n = ts_hex2bin(d, sizeof(d), "c802 0000 0000 0000 0000 0000 8008 0000 0000 0001"
	    "8008 0000 0002 0100 800a 0000 0003 0000 0003 8008 0000 0009 0abc"
	    "8008 0000 0007 6868 8016 0000 0024 5c5c 5c5c 5c5c 5c5c 5c5c 5c5c 5c5c 5c5c");
	CU_ASSERT_FATAL(n != (size_t)-1);
	for (i = 0; i < 5; i++)
		append_hidden(d, &n, 8, "k", rv, sizeof(rv), name, sizeof(name));
	CU_ASSERT_FATAL(n < 65536);
	d[2] = (uint8_t)(n >> 8);
	d[3] = (uint8_t)n;
	rc = h_input(&p.lns, p.now, 0x99, d, n);
	CU_ASSERT_EQUAL(rc, L2TP_E_HIDDEN);
	CU_ASSERT_EQUAL(h_stats(&p.lns).rx_hidden_bad, 1);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 0);
	/* One such AVP alone is fine. */
	n = ts_hex2bin(d, sizeof(d), "c802 0000 0000 0000 0000 0000 8008 0000 0000 0001"
	    "8008 0000 0002 0100 800a 0000 0003 0000 0003 8008 0000 0009 0abd"
	    "8008 0000 0007 6868 8016 0000 0024 5c5c 5c5c 5c5c 5c5c 5c5c 5c5c 5c5c 5c5c");
	append_hidden(d, &n, 8, "k", rv, sizeof(rv), name, sizeof(name));
	d[2] = (uint8_t)(n >> 8);
	d[3] = (uint8_t)n;
	CU_ASSERT_EQUAL(h_input(&p.lns, p.now, 0x99, d, n), 0);
	CU_ASSERT_EQUAL(h_stats(&p.lns).tunnels_open, 1);
	h_pair_free(&p);
}

/* Fails allocation i of each side for every i: clean errors, no leaks. */
static void
test_oom_loop(void)
{
	size_t i, ok = 0;
	int side;

	for (side = 0; side < 2; side++) {
		for (i = 1; i < 200; i++) {
			struct h_pair p;
			uint16_t tid = 0, sid = 0;
			unsigned k;
			struct ts_alloc *al;

			if (h_pair_init(&p, NULL, NULL) != 0) {
				h_pair_free(&p);
				continue;
			}
			al = side == 0 ? &p.lac.al : &p.lns.al;
			al->fail_at = al->count + i;
			if (h_setup(&p, &tid, &sid) == 0)
				ok++;
			for (k = 0; k < 12; k++)
				(void)h_step_timer(&p, p.now + 120 * SEC);
			if (tid != 0)
				(void)l2tp_tunnel_close(p.lac.ctx, p.now, tid, 1);
			h_pump(&p);
			h_pair_free(&p);
			CU_ASSERT_EQUAL(p.lac.al.live, 0);
			CU_ASSERT_EQUAL(p.lns.al.live, 0);
		}
	}
	CU_ASSERT_TRUE(ok > 0);
}

/* @NEW@ */

void
test_input_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_input", NULL, NULL);

	CU_add_test(s, "bad input table", test_bad_input_table);
	CU_add_test(s, "hidden AVPs vs independent MD5", test_hidden_avps);
	CU_add_test(s, "hidden chain, bad original length", test_hidden_chain_and_bad_length);
	CU_add_test(s, "hidden AVPs: decoded total bounded", test_hidden_total_bounded);
	CU_add_test(s, "OOM loop", test_oom_loop);
}
