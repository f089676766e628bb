/* payload.c - ISAKMP header and payload chain parsing, message building. */
#include <string.h>

#include "isakmp_int.h"

const char *
iki_pl_name(uint8_t type)
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
iki_pl_parse(struct isakmp_ctx *ctx, const uint8_t *buf, size_t len, struct msg *m)
{
	uint8_t next = m->next;
	size_t off = 0, plen;

	m->n = 0;
	m->first = buf;
	while (next != PL_NONE) {
		if (len - off < 4) {
			ctx->st.rx_truncated++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "payload %s truncated: %zu bytes left",
			    iki_pl_name(next), len - off);
			return ISAKMP_E_TRUNCATED;
		}
		plen = rd16(buf + off + 2);
		if (plen < 4 || plen > len - off) {
			ctx->st.rx_bad_length++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "payload %s length %zu, %zu bytes left",
			    iki_pl_name(next), plen, len - off);
			return ISAKMP_E_BAD_LENGTH;
		}
		if (!known_type(next)) {
			ctx->st.rx_bad_payload++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "unknown payload type %u", next);
			return ISAKMP_E_PAYLOAD;
		}
		if (m->n == MAX_PAYLOADS) {
			ctx->st.rx_bad_payload++;
			iki_ik_log(ctx, ISAKMP_LOG_WARN, "more than %d payloads", MAX_PAYLOADS);
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
iki_pl_find(const struct msg *m, uint8_t type, size_t nth)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->pl[i].type == type && nth-- == 0)
			return &m->pl[i];
	return NULL;
}

/* Reads one data attribute (RFC 2408 3.3); values longer than 4 bytes are refused. */
int
iki_attr_next(const uint8_t **pp, const uint8_t *end, struct attr *a)
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
iki_wb_put(struct wbuf *w, const void *d, size_t n)
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
iki_wb_u8(struct wbuf *w, uint8_t v)
{
	iki_wb_put(w, &v, 1);
}

void
iki_wb_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	iki_wb_put(w, b, 2);
}

void
iki_wb_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	iki_wb_put(w, b, 4);
}

/* Writes the ISAKMP header; next payload and length are patched later. */
void
iki_wb_header(struct wbuf *w, const uint8_t *ic, const uint8_t *rc, uint8_t exch,
    uint8_t flags, uint32_t msgid)
{
	iki_wb_put(w, ic, 8);
	iki_wb_put(w, rc, 8);
	w->last_next = w->len;
	iki_wb_u8(w, 0);
	iki_wb_u8(w, 0x10);
	iki_wb_u8(w, exch);
	iki_wb_u8(w, flags);
	iki_wb_u32(w, msgid);
	iki_wb_u32(w, 0);
}

/* Starts a payload: links it from the previous one and reserves its header. */
size_t
iki_wb_begin(struct wbuf *w, uint8_t type)
{
	size_t start = w->len;

	if (!w->err && w->last_next < w->cap)
		w->p[w->last_next] = type;
	w->last_next = start;
	iki_wb_u8(w, 0);
	iki_wb_u8(w, 0);
	iki_wb_u16(w, 0);
	return start;
}

/* Starts a payload nested in another (proposal, transform): no chain linking. */
size_t
iki_wb_sub(struct wbuf *w, uint8_t next)
{
	size_t start = w->len;

	iki_wb_u8(w, next);
	iki_wb_u8(w, 0);
	iki_wb_u16(w, 0);
	return start;
}

void
iki_wb_end(struct wbuf *w, size_t start)
{
	size_t l = w->len - start;

	if (w->err)
		return;
	w->p[start + 2] = (uint8_t)(l >> 8);
	w->p[start + 3] = (uint8_t)l;
}

/* Basic (TV) attribute when the value fits 16 bits, else a 4-byte TLV. */
void
iki_wb_attr(struct wbuf *w, uint16_t type, uint32_t v)
{
	if (v <= 0xffff) {
		iki_wb_u16(w, (uint16_t)(0x8000 | type));
		iki_wb_u16(w, (uint16_t)v);
	} else {
		iki_wb_u16(w, type);
		iki_wb_u16(w, 4);
		iki_wb_u32(w, v);
	}
}
