/* payload.c - ISAKMP header and payload chain parsing, message building. */
#include <string.h>

#include "isakmp_int.h"

const char *
pl_name(uint8_t type)
{
	switch (type) {
	case PL_SA: return "SA";
	case PL_P: return "P";
	case PL_T: return "T";
	case PL_KE: return "KE";
	case PL_ID: return "ID";
	case PL_CERT: return "CERT";
	case PL_CR: return "CR";
	case PL_HASH: return "HASH";
	case PL_SIG: return "SIG";
	case PL_NONCE: return "NONCE";
	case PL_N: return "N";
	case PL_D: return "D";
	case PL_VID: return "VID";
	case PL_NATD: return "NAT-D";
	case PL_NATOA: return "NAT-OA";
	case PL_NATD_DRAFT: return "NAT-D(draft)";
	case PL_NATOA_DRAFT: return "NAT-OA(draft)";
	default: return "unknown";
	}
}

static bool
known_type(uint8_t t)
{
	return (t >= PL_SA && t <= PL_VID) || t == PL_NATD || t == PL_NATOA ||
	    t == PL_NATD_DRAFT || t == PL_NATOA_DRAFT;
}

/*
 * Parses the payload chain that starts at buf (len bytes, already decrypted
 * if needed) into m->pl[].  The header fields of m must be filled in.
 * Trailing bytes after the last payload are padding and are ignored.
 */
int
pl_parse(struct isakmp_ctx *ctx, const uint8_t *buf, size_t len, struct msg *m)
{
	uint8_t next = m->next;
	size_t off = 0, plen;

	m->n = 0;
	m->first = buf;
	while (next != PL_NONE) {
		if (len - off < 4) {
			ctx->st.rx_truncated++;
			ik_log(ctx, ISAKMP_LOG_WARN, "payload %s truncated: %zu bytes left",
			    pl_name(next), len - off);
			return ISAKMP_E_TRUNCATED;
		}
		plen = rd16(buf + off + 2);
		if (plen < 4 || plen > len - off) {
			ctx->st.rx_bad_length++;
			ik_log(ctx, ISAKMP_LOG_WARN, "payload %s length %zu, %zu bytes left",
			    pl_name(next), plen, len - off);
			return ISAKMP_E_BAD_LENGTH;
		}
		if (!known_type(next)) {
			ctx->st.rx_bad_payload++;
			ik_log(ctx, ISAKMP_LOG_WARN, "unknown payload type %u", next);
			return ISAKMP_E_PAYLOAD;
		}
		if (m->n == MAX_PAYLOADS) {
			ctx->st.rx_bad_payload++;
			ik_log(ctx, ISAKMP_LOG_WARN, "more than %d payloads", MAX_PAYLOADS);
			return ISAKMP_E_PAYLOAD;
		}
		m->pl[m->n].type = next;
		m->pl[m->n].raw = buf + off;
		m->pl[m->n].body = buf + off + 4;
		m->pl[m->n].len = plen - 4;
		m->n++;
		next = buf[off];
		off += plen;
	}
	m->plen = off;
	return 0;
}

const struct payload *
pl_find(const struct msg *m, uint8_t type, size_t nth)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->pl[i].type == type && nth-- == 0)
			return &m->pl[i];
	return NULL;
}

/* Reads one data attribute (RFC 2408 3.3); values longer than 4 bytes are refused. */
int
attr_next(const uint8_t **pp, const uint8_t *end, struct attr *a)
{
	const uint8_t *p = *pp;
	size_t l, i;

	if (end - p < 4)
		return ISAKMP_E_TRUNCATED;
	a->type = rd16(p) & 0x7fff;
	if (p[0] & 0x80) {
		a->val = rd16(p + 2);
		a->tlv_long = false;
		*pp = p + 4;
		return 0;
	}
	l = rd16(p + 2);
	if (l == 0 || l > 4 || (size_t)(end - p - 4) < l)
		return ISAKMP_E_ATTR;
	a->val = 0;
	for (i = 0; i < l; i++)
		a->val = a->val << 8 | p[4 + i];
	a->tlv_long = true;
	*pp = p + 4 + l;
	return 0;
}

void
wb_put(struct wbuf *w, const void *d, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->len, d, n);
	w->len += n;
}

void
wb_u8(struct wbuf *w, uint8_t v)
{
	wb_put(w, &v, 1);
}

void
wb_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	wb_put(w, b, 2);
}

void
wb_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	wb_put(w, b, 4);
}

/* Writes the ISAKMP header; next payload and length are patched later. */
void
wb_header(struct wbuf *w, const uint8_t *ic, const uint8_t *rc, uint8_t exch,
    uint8_t flags, uint32_t msgid)
{
	wb_put(w, ic, 8);
	wb_put(w, rc, 8);
	w->last_next = w->len;
	wb_u8(w, 0);
	wb_u8(w, 0x10);
	wb_u8(w, exch);
	wb_u8(w, flags);
	wb_u32(w, msgid);
	wb_u32(w, 0);
}

/* Starts a payload: links it from the previous one and reserves its header. */
size_t
wb_begin(struct wbuf *w, uint8_t type)
{
	size_t start = w->len;

	if (!w->err && w->last_next < w->cap)
		w->p[w->last_next] = type;
	w->last_next = start;
	wb_u8(w, 0);
	wb_u8(w, 0);
	wb_u16(w, 0);
	return start;
}

/* Starts a payload nested in another (proposal, transform): no chain linking. */
size_t
wb_sub(struct wbuf *w, uint8_t next)
{
	size_t start = w->len;

	wb_u8(w, next);
	wb_u8(w, 0);
	wb_u16(w, 0);
	return start;
}

void
wb_end(struct wbuf *w, size_t start)
{
	size_t l = w->len - start;

	if (w->err)
		return;
	w->p[start + 2] = (uint8_t)(l >> 8);
	w->p[start + 3] = (uint8_t)l;
}

/* Basic (TV) attribute when the value fits 16 bits, else a 4-byte TLV. */
void
wb_attr(struct wbuf *w, uint16_t type, uint32_t v)
{
	if (v <= 0xffff) {
		wb_u16(w, (uint16_t)(0x8000 | type));
		wb_u16(w, (uint16_t)v);
	} else {
		wb_u16(w, type);
		wb_u16(w, 4);
		wb_u32(w, v);
	}
}

/* Vendor IDs (MD5 of the names, as published). */
const uint8_t VID_RFC3947[16] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
    0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
const uint8_t VID_DRAFT02N[16] = { 0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
    0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f };
const uint8_t VID_DRAFT02[16] = { 0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8,
    0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48 };
const uint8_t VID_DRAFT03[16] = { 0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f,
    0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56 };
const uint8_t VID_DRAFT00[16] = { 0x44, 0x85, 0x15, 0x2d, 0x18, 0xb6, 0xbb, 0xcd,
    0x0b, 0xe8, 0xa8, 0x46, 0x95, 0x79, 0xdd, 0xcc };
const uint8_t VID_DRAFT01[16] = { 0x16, 0xf6, 0xca, 0x16, 0xe4, 0xa4, 0x06, 0x6d,
    0x83, 0x82, 0x1a, 0x0f, 0x0a, 0xea, 0xa8, 0x62 };
const uint8_t VID_DPD[16] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
    0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 };
/* NAT-D = HASH(CKY-I | CKY-R | IP | Port) (RFC 3947 section 3.2). */
int
natd_hash(struct isakmp_ctx *ctx, struct ike_sa *sa, const struct isakmp_addr *a,
    uint8_t *out)
{
	uint8_t ip[4] = { (uint8_t)(a->ip >> 24), (uint8_t)(a->ip >> 16),
	    (uint8_t)(a->ip >> 8), (uint8_t)a->ip };
	uint8_t port[2] = { (uint8_t)(a->port >> 8), (uint8_t)a->port };
	const uint8_t *parts[4] = { sa->icookie, sa->rcookie, ip, port };
	size_t lens[4] = { 8, 8, 4, 2 };

	(void)ctx;
	return ikc_hash(sa->alg.md, parts, lens, 4, out);
}
