/*
 * avp.c - AVP decoding (with hidden AVPs), message building and the MD5
 * helpers of tunnel authentication and AVP hiding (RFC 2661 4.1 - 4.4, 5.1).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "l2tp_int.h"

struct avp_info {
	const char *name;
	uint16_t min, max;              /* value length bounds */
};

/* Value length bounds of every AVP RFC 2661 defines (4.4). */
static const struct avp_info avps[AVP_MAX] = {
	[AVP_MSG_TYPE] = { "Message Type", 2, 2 },
	[AVP_RESULT] = { "Result Code", 2, 1017 },
	[AVP_PROTO_VERSION] = { "Protocol Version", 2, 2 },
	[AVP_FRAMING_CAP] = { "Framing Capabilities", 4, 4 },
	[AVP_BEARER_CAP] = { "Bearer Capabilities", 4, 4 },
	[AVP_TIE_BREAKER] = { "Tie Breaker", 8, 8 },
	[AVP_FIRMWARE] = { "Firmware Revision", 2, 2 },
	[AVP_HOSTNAME] = { "Host Name", 1, 1017 },
	[AVP_VENDOR] = { "Vendor Name", 0, 1017 },
	[AVP_TUNNEL_ID] = { "Assigned Tunnel ID", 2, 2 },
	[AVP_RWS] = { "Receive Window Size", 2, 2 },
	[AVP_CHALLENGE] = { "Challenge", 1, 1017 },
	[AVP_Q931] = { "Q.931 Cause Code", 3, 1017 },
	[AVP_CHAL_RESP] = { "Challenge Response", 16, 16 },
	[AVP_SESSION_ID] = { "Assigned Session ID", 2, 2 },
	[AVP_SERIAL] = { "Call Serial Number", 4, 4 },
	[AVP_MIN_BPS] = { "Minimum BPS", 4, 4 },
	[AVP_MAX_BPS] = { "Maximum BPS", 4, 4 },
	[AVP_BEARER_TYPE] = { "Bearer Type", 4, 4 },
	[AVP_FRAMING_TYPE] = { "Framing Type", 4, 4 },
	[AVP_CALLED] = { "Called Number", 0, 1017 },
	[AVP_CALLING] = { "Calling Number", 0, 1017 },
	[AVP_SUBADDR] = { "Sub-Address", 0, 1017 },
	[AVP_TX_SPEED] = { "Tx Connect Speed", 4, 4 },
	[AVP_PHYS_CHAN] = { "Physical Channel ID", 4, 4 },
	[AVP_INIT_RX_LCP] = { "Initial Received LCP CONFREQ", 0, 1017 },
	[AVP_LAST_TX_LCP] = { "Last Sent LCP CONFREQ", 0, 1017 },
	[AVP_LAST_RX_LCP] = { "Last Received LCP CONFREQ", 0, 1017 },
	[AVP_PROXY_AUTH_TYPE] = { "Proxy Authen Type", 2, 2 },
	[AVP_PROXY_AUTH_NAME] = { "Proxy Authen Name", 0, 1017 },
	[AVP_PROXY_AUTH_CHAL] = { "Proxy Authen Challenge", 0, 1017 },
	[AVP_PROXY_AUTH_ID] = { "Proxy Authen ID", 2, 2 },
	[AVP_PROXY_AUTH_RESP] = { "Proxy Authen Response", 0, 1017 },
	[AVP_CALL_ERRORS] = { "Call Errors", 26, 26 },
	[AVP_ACCM] = { "ACCM", 10, 10 },
	[AVP_RANDOM_VECTOR] = { "Random Vector", 1, 1017 },
	[AVP_PRIV_GROUP] = { "Private Group ID", 0, 1017 },
	[AVP_RX_SPEED] = { "Rx Connect Speed", 4, 4 },
	[AVP_SEQ_REQUIRED] = { "Sequencing Required", 0, 0 },
};

const char *
l2tpi_avp_name(unsigned type)
{
	if (type < AVP_MAX && avps[type].name != NULL)
		return avps[type].name;
	return "unknown AVP";
}

int
l2tpi_md5_3(struct l2tp_ctx *ctx, uint8_t out[16], const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned olen = 0;
	int rc = L2TP_E_CRYPTO;

	(void)ctx;
	if (m == NULL)
		return L2TP_E_NOMEM;
	if (EVP_DigestInit_ex(m, EVP_md5(), NULL) != 1)
		goto out;
	if (alen > 0 && EVP_DigestUpdate(m, a, alen) != 1)
		goto out;
	if (blen > 0 && EVP_DigestUpdate(m, b, blen) != 1)
		goto out;
	if (clen > 0 && EVP_DigestUpdate(m, c, clen) != 1)
		goto out;
	if (EVP_DigestFinal_ex(m, out, &olen) != 1 || olen != 16)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(m);
	return rc;
}

/*
 * RFC 2661 4.3: b1 = MD5(Attribute Type + secret + RV), c1 = p1 xor b1,
 * bi = MD5(secret + c(i-1)), ci = pi xor bi.  Works in place; encrypt says
 * whether buf holds plaintext (the chain then uses the produced ciphertext).
 */
int
l2tpi_hide_xor(struct l2tp_ctx *ctx, uint16_t type, const uint8_t *rv, size_t rvlen,
    uint8_t *buf, size_t len, bool encrypt)
{
	uint8_t b[16], prev[16], t[2];
	size_t slen, off, i, n;
	const uint8_t *secret = l2tpi_ctx_secret(ctx, &slen);
	int rc;

	put16(t, type);
	rc = l2tpi_md5_3(ctx, b, t, 2, secret, slen, rv, rvlen);
	for (off = 0; rc == 0 && off < len; off += 16) {
		n = len - off < 16 ? len - off : 16;
		if (!encrypt)
			memcpy(prev, buf + off, n);
		for (i = 0; i < n; i++)
			buf[off + i] ^= b[i];
		if (encrypt)
			memcpy(prev, buf + off, n);
		if (off + n < len)
			rc = l2tpi_md5_3(ctx, b, secret, slen, prev, 16, NULL, 0);
	}
	OPENSSL_cleanse(b, sizeof(b));
	OPENSSL_cleanse(prev, sizeof(prev));
	return rc;
}

/*
 * Validates and collects the AVPs of a control message (RFC 2661 4.1).
 * p/len is the message body after the 12-byte header.  On error, why names
 * the reason for the caller's log line.
 */
int
l2tpi_avp_parse(struct l2tp_ctx *ctx, const uint8_t *p, size_t len,
    struct avp_set *set, char *why, size_t whylen)
{
	const uint8_t *rv = NULL;
	size_t rvlen = 0, off = 0, slen;
	uint16_t flags, alen, vendor, type;
	const uint8_t *v;
	size_t vlen;

	set->count = 0;
	set->unknown_mandatory = -1;
	set->scratch_used = 0;
	memset(set->a, 0, sizeof(set->a));
	(void)l2tpi_ctx_secret(ctx, &slen);
	while (off < len) {
		if (len - off < AVP_HDR_LEN) {
			snprintf(why, whylen, "AVP header truncated at offset %zu (%zu bytes left)",
			    off, len - off);
			return L2TP_E_AVP_LENGTH;
		}
		flags = get16(p + off);
		alen = flags & AVP_LEN_MASK;
		/* A zero or short length would loop forever or underflow. */
		if (alen < AVP_HDR_LEN || alen > len - off) {
			snprintf(why, whylen, "AVP length %u at offset %zu invalid (%zu bytes left)",
			    alen, off, len - off);
			return L2TP_E_AVP_LENGTH;
		}
		vendor = get16(p + off + 2);
		type = get16(p + off + 4);
		v = p + off + AVP_HDR_LEN;
		vlen = alen - AVP_HDR_LEN;
		off += alen;
		if (set->count == 0 && (vendor != 0 || type != AVP_MSG_TYPE ||
		    (flags & AVP_H) != 0 || vlen != 2)) {
			snprintf(why, whylen, "first AVP is not a plain Message Type (vendor %u type %u)",
			    vendor, type);
			return L2TP_E_BAD_AVP;
		}
		set->count++;
		if (vendor != 0 || type >= AVP_MAX || avps[type].name == NULL) {
			/* RFC 2661 4.1: unknown optional AVPs are ignored. */
			if ((flags & AVP_M) != 0 && set->unknown_mandatory < 0)
				set->unknown_mandatory = vendor != 0 ? 0x10000 | type : type;
			continue;
		}
		if ((flags & AVP_H) != 0) {
			uint8_t *d = set->scratch + set->scratch_used;
			uint16_t olen;

			if (rv == NULL) {
				snprintf(why, whylen, "hidden %s without a preceding Random Vector",
				    l2tpi_avp_name(type));
				return L2TP_E_HIDDEN;
			}
			if (slen == 0) {
				snprintf(why, whylen, "hidden %s but no shared secret configured",
				    l2tpi_avp_name(type));
				return L2TP_E_HIDDEN;
			}
			if (vlen < 2) {
				snprintf(why, whylen, "hidden %s of %zu bytes", l2tpi_avp_name(type), vlen);
				return L2TP_E_HIDDEN;
			}
			/* The Length field allows messages far larger than the
			 * scratch buffer the decoded values go to. */
			if (vlen > sizeof(set->scratch) - set->scratch_used) {
				snprintf(why, whylen, "hidden %s of %zu bytes exceeds the %zu left for decoded values",
				    l2tpi_avp_name(type), vlen, sizeof(set->scratch) - set->scratch_used);
				return L2TP_E_HIDDEN;
			}
			memcpy(d, v, vlen);
			if (l2tpi_hide_xor(ctx, type, rv, rvlen, d, vlen, false) != 0) {
				snprintf(why, whylen, "MD5 failed");
				return L2TP_E_CRYPTO;
			}
			olen = get16(d);
			if (olen > vlen - 2) {
				snprintf(why, whylen, "hidden %s original length %u > %zu available",
				    l2tpi_avp_name(type), olen, vlen - 2);
				return L2TP_E_HIDDEN;
			}
			set->scratch_used += vlen;
			v = d + 2;
			vlen = olen;
		}
		if (vlen < avps[type].min || vlen > avps[type].max) {
			snprintf(why, whylen, "%s value length %zu outside %u..%u", l2tpi_avp_name(type),
			    vlen, avps[type].min, avps[type].max);
			return L2TP_E_BAD_AVP;
		}
		if (type == AVP_RANDOM_VECTOR) {
			/* Applies to the hidden AVPs that follow (4.3). */
			rv = v;
			rvlen = vlen;
		}
		if (set->a[type].present)
			continue;               /* first occurrence wins */
		set->a[type].present = true;
		set->a[type].hidden = (flags & AVP_H) != 0;
		set->a[type].v = v;
		set->a[type].len = (uint16_t)vlen;
	}
	if (set->count == 0) {
		snprintf(why, whylen, "no AVPs");
		return L2TP_E_MISSING_AVP;
	}
	set->msg_type = get16(set->a[AVP_MSG_TYPE].v);
	set->msg_type_mbit = (get16(p) & AVP_M) != 0;
	return 0;
}

void
l2tpi_mb_init(struct msg_builder *mb, uint16_t msg_type)
{
	mb->len = CTRL_HDR_LEN;
	mb->have_rv = false;
	mb->err = 0;
	memset(mb->buf, 0, CTRL_HDR_LEN);
	put16(mb->buf, HDR_CTRL);
	/* Message Type: M bit set, never hidden (4.4.1). */
	put16(mb->buf + mb->len, (uint16_t)(AVP_M | 8));
	put16(mb->buf + mb->len + 2, 0);
	put16(mb->buf + mb->len + 4, AVP_MSG_TYPE);
	put16(mb->buf + mb->len + 6, msg_type);
	mb->len += 8;
}

static void
mb_raw(struct msg_builder *mb, bool mbit, bool hbit, unsigned type,
    const void *val, size_t len)
{
	uint8_t *p;

	if (mb->err != 0)
		return;
	if (len > 1017 || mb->len + AVP_HDR_LEN + len > sizeof(mb->buf)) {
		mb_fail(mb, L2TP_E_BUFFER);
		return;
	}
	p = mb->buf + mb->len;
	put16(p, (uint16_t)((mbit ? AVP_M : 0) | (hbit ? AVP_H : 0) | (AVP_HDR_LEN + len)));
	put16(p + 2, 0);
	put16(p + 4, (uint16_t)type);
	if (len > 0)
		memcpy(p + AVP_HDR_LEN, val, len);
	mb->len += AVP_HDR_LEN + len;
}

void
l2tpi_mb_avp(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit, unsigned type,
    const void *val, size_t len, bool hide)
{
	uint8_t tmp[2 + 1017];

	if (!hide || !l2tpi_ctx_hide(ctx)) {
		mb_raw(mb, mbit, false, type, val, len);
		return;
	}
	if (len + 2 > sizeof(tmp)) {
		mb_fail(mb, L2TP_E_BUFFER);
		return;
	}
	if (!mb->have_rv) {
		if (l2tpi_ctx_rng(ctx, mb->rv, sizeof(mb->rv)) != 0) {
			mb_fail(mb, L2TP_E_RNG);
			return;
		}
		mb_raw(mb, true, false, AVP_RANDOM_VECTOR, mb->rv, sizeof(mb->rv));
		mb->have_rv = true;
	}
	/* Hidden AVP subformat (4.3): original length, value (no padding). */
	put16(tmp, (uint16_t)len);
	if (len > 0)
		memcpy(tmp + 2, val, len);
	if (l2tpi_hide_xor(ctx, (uint16_t)type, mb->rv, sizeof(mb->rv), tmp, len + 2, true) != 0) {
		OPENSSL_cleanse(tmp, len + 2);
		mb_fail(mb, L2TP_E_CRYPTO);
		return;
	}
	mb_raw(mb, mbit, true, type, tmp, len + 2);
	OPENSSL_cleanse(tmp, len + 2);
}

void
l2tpi_mb_u16(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit, unsigned type,
    uint16_t v, bool hide)
{
	uint8_t b[2];

	put16(b, v);
	l2tpi_mb_avp(ctx, mb, mbit, type, b, 2, hide);
}

void
l2tpi_mb_u32(struct l2tp_ctx *ctx, struct msg_builder *mb, bool mbit, unsigned type,
    uint32_t v, bool hide)
{
	uint8_t b[4];

	put32(b, v);
	l2tpi_mb_avp(ctx, mb, mbit, type, b, 4, hide);
}
