/*
 * natt.c - NAT traversal (RFC 3947 and drafts): vendor IDs, NAT-D
 * payloads and detection, NAT-OA payloads.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "isakmp_int.h"
#include "exchange.h"

/* Vendor IDs (MD5 of the names, as published). */
const uint8_t iki_VID_RFC3947[16] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
    0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
const uint8_t iki_VID_DRAFT02N[16] = { 0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
    0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f };
const uint8_t iki_VID_DRAFT02[16] = { 0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8,
    0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48 };
const uint8_t iki_VID_DRAFT03[16] = { 0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f,
    0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56 };
const uint8_t iki_VID_DRAFT00[16] = { 0x44, 0x85, 0x15, 0x2d, 0x18, 0xb6, 0xbb, 0xcd,
    0x0b, 0xe8, 0xa8, 0x46, 0x95, 0x79, 0xdd, 0xcc };
const uint8_t iki_VID_DRAFT01[16] = { 0x16, 0xf6, 0xca, 0x16, 0xe4, 0xa4, 0x06, 0x6d,
    0x83, 0x82, 0x1a, 0x0f, 0x0a, 0xea, 0xa8, 0x62 };
const uint8_t iki_VID_DPD[16] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
    0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 };
/* NAT-D = HASH(CKY-I | CKY-R | IP | Port) (RFC 3947 section 3.2). */
int
iki_natd_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct isakmp_addr *a,
    uint8_t *out)
{
	uint8_t ip[4] = { (uint8_t)(a->ip >> 24), (uint8_t)(a->ip >> 16),
	    (uint8_t)(a->ip >> 8), (uint8_t)a->ip };
	uint8_t port[2] = { (uint8_t)(a->port >> 8), (uint8_t)a->port };
	const uint8_t *parts[4] = { sa->icookie, sa->rcookie, ip, port };
	size_t lens[4] = { 8, 8, 4, 2 };

	(void)ctx;
	return iki_ikc_hash(sa->alg.md, parts, lens, 4, out);
}

/* ---- Main Mode --------------------------------------------------------- */

void
iki_add_vid(struct wbuf *w, const uint8_t *vid)
{
	size_t s = iki_wb_begin(w, PL_VID);

	iki_wb_put(w, vid, 16);
	iki_wb_end(w, s);
}

int
iki_add_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, struct wbuf *w)
{
	uint8_t h[MAX_HASH];
	struct isakmp_addr fake;
	size_t s;
	int rc;

	/* RFC 3947 3.2: first the hash of the peer's address, then our own. */
	s = iki_wb_begin(w, sa->natd_type);
	if ((rc = iki_natd_hash(ctx, sa, &sa->remote, h)) != 0)
		return rc;
	iki_wb_put(w, h, sa->alg.hlen);
	iki_wb_end(w, s);
	s = iki_wb_begin(w, sa->natd_type);
	fake = sa->local;
	if (iki_pol(ctx, sa)->force_float)
		fake.port = 0;  /* never matches: the peer sees us behind a NAT */
	if ((rc = iki_natd_hash(ctx, sa, &fake, h)) != 0)
		return rc;
	iki_wb_put(w, h, sa->alg.hlen);
	iki_wb_end(w, s);
	return 0;
}

/* RFC 3947 3.2: compare received NAT-D hashes with ours. */
int
iki_check_natd(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *p;
	uint8_t h[MAX_HASH];
	size_t i;
	bool match = false;
	int rc;

	if (!sa->natt)
		return 0;
	if ((p = iki_pl_find(m, sa->natd_type, 0)) == NULL) {
		sa->natt = false;  /* peer did not send NAT-D: no NAT-T */
		return 0;
	}
	if (p->len != sa->alg.hlen)
		goto bad;
	if ((rc = iki_natd_hash(ctx, sa, &sa->local, h)) != 0)
		return rc;
	sa->nat_local = CRYPTO_memcmp(h, p->body, sa->alg.hlen) != 0;
	if ((rc = iki_natd_hash(ctx, sa, &sa->remote, h)) != 0)
		return rc;
	for (i = 1; (p = iki_pl_find(m, sa->natd_type, i)) != NULL; i++) {
		if (p->len != sa->alg.hlen)
			goto bad;
		if (CRYPTO_memcmp(h, p->body, sa->alg.hlen) == 0)
			match = true;
	}
	if (i < 2)
		goto bad;
	sa->nat_remote = !match;
	/* Forced float: we announced ourselves behind a NAT, so act like it. */
	if (iki_pol(ctx, sa)->force_float)
		sa->nat_local = true;
	iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: NAT %s local, %s remote",
	    (unsigned long long)sa->id, sa->nat_local ? "behind" : "not behind",
	    sa->nat_remote ? "behind" : "not behind");
	return 0;
bad:
	ctx->st.rx_bad_payload++;
	iki_ik_log(ctx, ISAKMP_LOG_WARN, "NAT-D payloads malformed (need 2+ of %zu bytes)",
	    sa->alg.hlen);
	return ISAKMP_E_PAYLOAD;
}

/* Vendor IDs of common clients, logged when seen (prefix match). */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t id[16];
} known_vids[] = {
	{ "Microsoft Windows (MS NT5 ISAKMPOAKLEY)", 16, { 0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99,
	    0x1c, 0x7d, 0x7c, 0x96, 0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61 } },
	{ "MS-Negotiation Discovery Capable", 16, { 0xfb, 0x1d, 0xe3, 0xcd, 0xf3, 0x41, 0xb7,
	    0xea, 0x16, 0xb7, 0xe5, 0xbe, 0x08, 0x55, 0xf1, 0x20 } },
	{ "Vid-Initial-Contact (Microsoft)", 16, { 0x26, 0x24, 0x4d, 0x38, 0xed, 0xdb, 0x61,
	    0xb3, 0x17, 0x2a, 0x36, 0xe3, 0xd0, 0xcf, 0xb8, 0x19 } },
	{ "IKE CGA version 1 (Microsoft)", 16, { 0xe3, 0xa5, 0x96, 0x6a, 0x76, 0x37, 0x9f,
	    0xe7, 0x07, 0x22, 0x82, 0x31, 0xe5, 0xce, 0x86, 0x52 } },
	{ "IKE fragmentation (not used with PSK)", 16, { 0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc,
	    0xe8, 0x85, 0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3 } },
	{ "Cisco Unity", 16, { 0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9, 0x70, 0x2d,
	    0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00 } },
	{ "strongSwan", 16, { 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc, 0x22, 0x51,
	    0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb } },
	{ "XAUTH", 8, { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12 } },
};

void
iki_scan_vids(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m)
{
	const struct payload *p;
	size_t i, k;

	for (i = 0; (p = iki_pl_find(m, PL_VID, i)) != NULL; i++) {
		for (k = 0; k < sizeof(known_vids) / sizeof(known_vids[0]); k++)
			if (p->len >= known_vids[k].len &&
			    memcmp(p->body, known_vids[k].id, known_vids[k].len) == 0)
				iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: peer vendor ID: %s",
				    (unsigned long long)sa->id, known_vids[k].name);
		if (p->len < 16)
			continue;
		if (memcmp(p->body, iki_VID_RFC3947, 16) == 0)
			sa->natt_rfc = true;
		else if (memcmp(p->body, iki_VID_DRAFT02N, 16) == 0 ||
		    memcmp(p->body, iki_VID_DRAFT02, 16) == 0 || memcmp(p->body, iki_VID_DRAFT03, 16) == 0)
			sa->natt_draft = true;
		else if (memcmp(p->body, iki_VID_DPD, 16) == 0)
			sa->peer_dpd = true;
	}
	iki_natt_select(ctx, sa);
}

/* NAT-T is used when the policy allows it and the peer announced it (RFC first). */
void
iki_natt_select(struct isakmp_ctx *ctx, struct ike_sa *sa)
{
	if (iki_pol(ctx, sa)->natt && (sa->natt_rfc || sa->natt_draft)) {
		sa->natt = true;
		sa->natd_type = sa->natt_rfc ? PL_NATD : PL_NATD_DRAFT;
		sa->natoa_type = sa->natt_rfc ? PL_NATOA : PL_NATOA_DRAFT;
	}
}

void
iki_add_natoa(struct ike_sa *sa, struct wbuf *w, uint32_t ip)
{
	size_t s = iki_wb_begin(w, sa->natoa_type);

	iki_wb_u8(w, 1);
	iki_wb_u8(w, 0);
	iki_wb_u16(w, 0);
	iki_wb_u32(w, ip);
	iki_wb_end(w, s);
}

/* Reads NAT-OA payloads (type byte 1 = IPv4). */
void
iki_qm_natoa(struct ike_sa *sa, struct qm *q, const struct msg *m)
{
	const struct payload *a = iki_pl_find(m, sa->natoa_type, 0);
	const struct payload *b = iki_pl_find(m, sa->natoa_type, 1);

	if (a != NULL && a->len == 8 && a->body[0] == 1)
		q->natoa_i = rd32(a->body + 4);
	if (b != NULL && b->len == 8 && b->body[0] == 1)
		q->natoa_r = rd32(b->body + 4);
}

/*
 * An authenticated message (decrypted, HASH verified) on an established IKE
 * SA: the peer is alive (DPD idleness restarts), and when it came from a new
 * remote ip:port to our address on an SA that floated to 4500, the peer moved
 * there (NAT rebinding, RFC 3947/3948).  A replayed message must not move
 * anything: fresh_by_state says the message advanced an exchange in progress
 * (a replay cannot); otherwise its message ID must not be one of the last 16
 * seen on this SA.  A replay of an older message is not caught by that (IKEv1
 * has no replay counter); it can only redirect our output until the peer's
 * next authentic packet moves it back.
 */
void
iki_msg_authenticated(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct msg *m,
    bool fresh_by_state)
{
	struct peer *p = sa->peer;
	bool seen = false;
	size_t i;

	if (p == NULL || sa->state != S_ESTABLISHED)
		return;
	for (i = 0; i < sizeof(sa->seen) / sizeof(sa->seen[0]); i++)
		if (sa->seen[i] == m->msgid)
			seen = true;
	if (!seen) {
		sa->seen[sa->seen_pos] = m->msgid;
		sa->seen_pos = (uint8_t)((sa->seen_pos + 1) % (sizeof(sa->seen) / sizeof(sa->seen[0])));
	}
	/* A replayed message proves nothing about the peer being alive. */
	if ((!seen || fresh_by_state) && m->now > p->last_heard)
		p->last_heard = m->now;
	if (m->from == NULL || iki_addr_eq(m->from, &sa->remote))
		return;
	if (!(sa->natt && sa->floated) || m->to == NULL || !iki_addr_eq(m->to, &sa->local)) {
		ctx->st.rebind_refused++;
		iki_ik_log(ctx, ISAKMP_LOG_INFO, "IKE SA %llu: authenticated message from a new address "
		    "not taken as a move (no NAT-T on this SA, or another local address)",
		    (unsigned long long)sa->id);
		return;
	}
	if (seen && !fresh_by_state) {
		ctx->st.rebind_refused++;
		iki_ik_log(ctx, ISAKMP_LOG_WARN, "IKE SA %llu: message ID %08x seen before arrives from "
		    "a new address: replay, peer not moved", (unsigned long long)sa->id, m->msgid);
		return;
	}
	iki_peer_move(ctx, p, m->from);
	sa->remote = *m->from;
}
