/*
 * esp.c - RFC 4303 packet processing: outbound encapsulation (§3.3) and
 * inbound decapsulation (§3.4), in place, with lifetime accounting.
 */
#include <string.h>

#include <sodium.h>

#include "esp_internal.h"

/* Before processing: refuse traffic on an expired SA. */
static inline int
check_alive(struct esp_ctx *ctx, struct esp_sa *sa, uint64_t now)
{
	if (!sa->dead) {
		if (now >= sa->hard_deadline)
			espi_expire_hard(ctx, sa, ESP_LIMIT_TIME);
		else if (sa->hard.packets != 0 && sa->st.packets >= sa->hard.packets)
			espi_expire_hard(ctx, sa, ESP_LIMIT_PACKETS);
		else if (sa->hard.bytes != 0 && sa->st.bytes >= sa->hard.bytes)
			espi_expire_hard(ctx, sa, ESP_LIMIT_BYTES);
	}
	if (sa->dead) {
		sa->st.expired++;
		return ESP_E_EXPIRED;
	}
	return ESP_OK;
}

/* After a packet went through: count it and raise lifetime events. */
static inline void
account(struct esp_ctx *ctx, struct esp_sa *sa, uint64_t now, size_t bytes)
{
	sa->st.packets++;
	sa->st.bytes += bytes;
	if (sa->hard.packets != 0 && sa->st.packets >= sa->hard.packets)
		espi_expire_hard(ctx, sa, ESP_LIMIT_PACKETS);
	else if (sa->hard.bytes != 0 && sa->st.bytes >= sa->hard.bytes)
		espi_expire_hard(ctx, sa, ESP_LIMIT_BYTES);
	if (sa->soft_sent || sa->dead)
		return;
	if (sa->soft.packets != 0 && sa->st.packets >= sa->soft.packets)
		espi_expire_soft(ctx, sa, ESP_LIMIT_PACKETS);
	else if (sa->soft.bytes != 0 && sa->st.bytes >= sa->soft.bytes)
		espi_expire_soft(ctx, sa, ESP_LIMIT_BYTES);
	else if (now >= sa->soft_deadline)
		espi_expire_soft(ctx, sa, ESP_LIMIT_TIME);
}

int
esp_sa_encrypt(struct esp_ctx *ctx, uint64_t now, struct esp_sa *sa,
    uint8_t next_header, uint8_t *buf, size_t cap, size_t *off, size_t *len)
{
	size_t hlen, pad, clen, i;
	uint64_t seq;
	uint8_t *p, *t;
	int rc;

	if (ctx == NULL || sa == NULL || buf == NULL || off == NULL ||
	    len == NULL || *off > cap || *len > cap - *off)
		return ESP_E_INVAL;
	if (sa->dir != ESP_DIR_OUT) {
		ctx->st.wrong_dir++;
		return ESP_E_WRONG_DIR;
	}
	if ((rc = check_alive(ctx, sa, now)) != ESP_OK)
		return rc;
	/* RFC 4303 §2.4: pad so that pad length and next header end on the
	 * cipher block (at least 4-byte) boundary. */
	hlen = ESP_HDR_LEN + sa->iv_len;
	pad = (sa->block - (*len + 2) % sa->block) % sa->block;
	clen = *len + pad + 2;
	if (*off < hlen || cap - *off - *len < pad + 2 + sa->icv_len ||
	    clen > (size_t)INT32_MAX) {
		sa->st.buffer++;
		return ESP_E_BUFFER;
	}
	/* §3.3.3: the sequence number never cycles; rekey first. */
	if (sa->seq >= sa->seq_max) {
		sa->st.seq_exhausted++;
		espi_log(ctx, ESP_LOG_WARN, "SA 0x%08x: sequence numbers "
		    "exhausted", sa->spi);
		return ESP_E_SEQ_EXHAUSTED;
	}
	seq = sa->seq + 1;
	p = buf + *off - hlen;
	espi_put32(p, sa->spi);
	espi_put32(p + 4, (uint32_t)seq);
	if (sa->kind == ESPI_CBC) {
		/* RFC 3602 §2: unpredictable IV for every packet. */
		if (ctx->hooks.rng(ctx->hooks.user, p + 8, sa->iv_len) != 0) {
			sa->st.rng_fail++;
			return ESP_E_RNG;
		}
	} else if (sa->iv_len == 8) {
		/* RFC 4106 §3.1 / RFC 7634 §2: the counter is a unique IV. */
		espi_put32(p + 8, (uint32_t)(seq >> 32));
		espi_put32(p + 12, (uint32_t)seq);
	}
	/* §2.4 padding 1, 2, 3, ..., then pad length and next header. */
	t = buf + *off + *len;
	for (i = 0; i < pad; i++)
		t[i] = (uint8_t)(i + 1);
	t[pad] = (uint8_t)pad;
	t[pad + 1] = next_header;
	if ((rc = espi_seal(sa, p, hlen, clen, (uint32_t)(seq >> 32))) != ESP_OK) {
		sa->st.crypto_fail++;
		return rc;
	}
	sa->seq = seq;
	if (seq >= sa->rekey_at && !sa->rekey_sent) {
		sa->rekey_sent = true;
		espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x: sequence number %llu "
		    "near exhaustion, rekey", sa->spi, (unsigned long long)seq);
		espi_event(ctx, sa, ESP_EV_REKEY, ESP_LIMIT_SEQ);
	}
	account(ctx, sa, now, *len);
	*off -= hlen;
	*len = hlen + clen + sa->icv_len;
	return ESP_OK;
}

/* Counts and logs one rejected inbound packet. */
static int
reject(struct esp_ctx *ctx, struct esp_sa *sa, uint64_t *counter, int rc,
    uint64_t seq, size_t len)
{
	(*counter)++;
	if (espi_log_on(ctx))
		espi_log(ctx, ESP_LOG_DEBUG, "ESP in SPI 0x%08x seq %llu len %zu: "
		    "%s", sa->spi, (unsigned long long)seq, len, esp_strerror(rc));
	return rc;
}

int
esp_input(struct esp_ctx *ctx, uint64_t now, uint8_t *pkt, size_t len,
    const struct esp_endpoint *from, struct esp_rx *rx)
{
	struct esp_sa *sa;
	size_t hlen, clen, padlen, i;
	uint32_t spi;
	uint64_t seq;
	uint8_t nh, bad;
	bool newest;
	int rc;

	if (ctx == NULL || pkt == NULL || rx == NULL)
		return ESP_E_INVAL;
	memset(rx, 0, sizeof(*rx));
	if (len < ESP_HDR_LEN) {
		ctx->st.truncated++;
		espi_log(ctx, ESP_LOG_DEBUG, "ESP in: %zu bytes, need %d", len,
		    ESP_HDR_LEN);
		return ESP_E_TRUNCATED;
	}
	spi = espi_get32(pkt);
	sa = esp_sa_find(ctx, spi);
	if (sa == NULL) {
		ctx->st.no_sa++;
		espi_log(ctx, ESP_LOG_DEBUG, "ESP in: unknown SPI 0x%08x (%zu "
		    "bytes)", spi, len);
		return ESP_E_NO_SA;
	}
	seq = espi_get32(pkt + 4);
	if ((rc = check_alive(ctx, sa, now)) != ESP_OK)
		return rc;
	/* Structure first: header, IV, at least one block/word, ICV. */
	hlen = ESP_HDR_LEN + sa->iv_len;
	if (len < hlen + sa->icv_len + sa->block)
		return reject(ctx, sa, &sa->st.truncated, ESP_E_TRUNCATED, seq, len);
	clen = len - hlen - sa->icv_len;
	if (clen % sa->block != 0)
		return reject(ctx, sa, &sa->st.align, ESP_E_ALIGN, seq, len);
	if (clen > (size_t)INT32_MAX)
		return reject(ctx, sa, &sa->st.bad_length, ESP_E_BAD_LENGTH, seq,
		    len);
	/* §3.4.3 / App. A2.2: the full sequence number for the ICV. */
	seq = espi_replay_infer(&sa->rp, (uint32_t)seq, sa->esn);
	/* §3.4.4: ICV first, in constant time. */
	rc = espi_verify(sa, pkt, hlen, clen, (uint32_t)(seq >> 32));
	if (rc == ESP_E_AUTH)
		return reject(ctx, sa, &sa->st.auth_fail, rc, seq, len);
	if (rc != ESP_OK)
		return reject(ctx, sa, &sa->st.crypto_fail, rc, seq, len);
	/*
	 * §3.4.3: then the window (checked here, updated at the end).  §1:
	 * anti-replay only with integrity; without an ICV the sequence number
	 * is unauthenticated and must not move the window.
	 */
	rc = sa->icv_len != 0 ? espi_replay_check(&sa->rp, seq) : ESP_OK;
	if (rc != ESP_OK) {
		if (sa->kind != ESPI_CBC && sa->kind != ESPI_NULL)
			sodium_memzero(pkt + hlen, clen);
		return reject(ctx, sa, rc == ESP_E_REPLAY ? &sa->st.replay :
		    &sa->st.too_old, rc, seq, len);
	}
	/* §3.4.2: decrypt. */
	if ((rc = espi_decrypt(sa, pkt, hlen, clen)) != ESP_OK)
		return reject(ctx, sa, &sa->st.crypto_fail, rc, seq, len);
	/* §2.4-2.6: pad length, padding contents, next header. */
	nh = pkt[hlen + clen - 1];
	padlen = pkt[hlen + clen - 2];
	if (padlen + 2 > clen) {
		sodium_memzero(pkt + hlen, clen);
		return reject(ctx, sa, &sa->st.bad_length, ESP_E_BAD_LENGTH, seq,
		    len);
	}
	bad = 0;
	for (i = 0; i < padlen; i++)
		bad |= (uint8_t)(pkt[hlen + clen - 2 - padlen + i] ^ (i + 1));
	if (bad != 0) {
		sodium_memzero(pkt + hlen, clen);
		return reject(ctx, sa, &sa->st.bad_pad, ESP_E_BAD_PAD, seq, len);
	}
	if (nh == 59) {
		/* §2.6: dummy packets are silently discarded (but counted). */
		return reject(ctx, sa, &sa->st.dummy, ESP_E_DUMMY, seq, len);
	}
	if (nh == 255 || (sa->mode == ESP_MODE_TUNNEL && nh != 4 && nh != 41)) {
		sodium_memzero(pkt + hlen, clen);
		return reject(ctx, sa, &sa->st.bad_next_hdr, ESP_E_BAD_NEXT_HDR,
		    seq, len);
	}
	/*
	 * Authentic and in the window: record it.  Only a packet beyond every
	 * one before (not a reordered or replayed old one) may move the peer,
	 * and only with integrity (else nothing about it is authenticated).
	 */
	newest = false;
	if (sa->icv_len != 0) {
		newest = seq > sa->rp.top;
		espi_replay_update(&sa->rp, seq);
	}
	rx->sa = sa;
	rx->user = sa->user;
	rx->spi = spi;
	rx->seq = seq;
	rx->next_header = nh;
	rx->off = hlen;
	rx->len = clen - padlen - 2;
	if (sa->has_sel && esp_sa_check_selectors(sa, pkt, rx) != ESP_OK) {
		espi_selector_refused(ctx, sa, pkt, rx);
		sodium_memzero(pkt + hlen, clen);
		memset(rx, 0, sizeof(*rx));
		return ESP_E_SELECTOR;
	}
	if (from != NULL && newest && (from->ip != sa->peer_addr ||
	    (sa->udp_encap && from->port != sa->encap_dport))) {
		espi_peer_moved(ctx, sa, from, seq);
		rx->peer_moved = true;
	}
	account(ctx, sa, now, rx->len);
	return ESP_OK;
}
