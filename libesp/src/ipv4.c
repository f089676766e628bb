/*
 * ipv4.c - IPv4 packets <-> ESP packets: transport mode (RFC 4303 §3.1.1),
 * tunnel mode (§3.1.2), optionally inside UDP (RFC 3948 §2.1, §3).
 */
#include <string.h>

#include "esp_internal.h"

#define IPV4_MIN	20
#define UDP_LEN		8

/* Validates an IPv4 header; returns its length (IHL) or 0. */
static size_t
ipv4_check(const uint8_t *ip, size_t len, size_t *tot)
{
	size_t ihl;

	if (len < IPV4_MIN || (ip[0] >> 4) != 4)
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	*tot = espi_get16(ip + 2);
	if (ihl < IPV4_MIN || *tot < ihl || *tot > len)
		return 0;
	return ihl;
}

static int
bad_ip(struct esp_ctx *ctx, const char *why, size_t len)
{
	ctx->st.bad_ip++;
	espi_log(ctx, ESP_LOG_DEBUG, "IPv4 (%zu bytes): %s", len, why);
	return ESP_E_BAD_IP;
}

static void
ip_finish(uint8_t *ip, size_t ihl, size_t tot, uint8_t proto)
{
	ip[9] = proto;
	espi_put16(ip + 2, (uint16_t)tot);
	ip[10] = ip[11] = 0;
	espi_put16(ip + 10, espi_ip_csum(ip, ihl));
}

int
esp_ipv4_encap(struct esp_ctx *ctx, uint64_t now, struct esp_sa *sa,
    uint8_t *buf, size_t cap, size_t *off, size_t *len)
{
	uint8_t hdr[60], *ip;
	size_t ihl, tot, udp, hlen, need, poff, plen;
	int rc;

	if (ctx == NULL || sa == NULL || buf == NULL || off == NULL ||
	    len == NULL || *off > cap || *len > cap - *off)
		return ESP_E_INVAL;
	ip = buf + *off;
	if ((ihl = ipv4_check(ip, *len, &tot)) == 0)
		return bad_ip(ctx, "malformed header (encap)", *len);
	/* RFC 4303 §3.3.4: transport mode takes whole datagrams only. */
	if (sa->mode == ESP_MODE_TRANSPORT && (espi_get16(ip + 6) & 0x3fff) != 0)
		return bad_ip(ctx, "fragment in transport mode (encap)", *len);
	udp = sa->udp_encap ? UDP_LEN : 0;
	hlen = ESP_HDR_LEN + sa->iv_len;
	/* Room in front: the new headers; 65535 limit for the result. */
	need = hlen + udp + (sa->mode == ESP_MODE_TUNNEL ? IPV4_MIN : 0);
	if (*off < need || tot + need + 15 + 2 + sa->icv_len > 65535) {
		sa->st.buffer++;
		return ESP_E_BUFFER;
	}
	if (sa->mode == ESP_MODE_TRANSPORT) {
		memcpy(hdr, ip, ihl);
		poff = *off + ihl;
		plen = tot - ihl;
		rc = esp_sa_encrypt(ctx, now, sa, ip[9], buf, cap, &poff, &plen);
		if (rc != ESP_OK) {
			memcpy(ip, hdr, ihl);
			return rc;
		}
		ip = buf + poff - udp - ihl;
		memcpy(ip, hdr, ihl);
	} else {
		/* Keep DSCP/ECN and the ID of the inner header (encrypted next). */
		memcpy(hdr, ip, IPV4_MIN);
		poff = *off;
		plen = tot;
		rc = esp_sa_encrypt(ctx, now, sa, 4, buf, cap, &poff, &plen);
		if (rc != ESP_OK)
			return rc;
		/* §3.1.2: a fresh outer header from the SA's addresses. */
		ihl = IPV4_MIN;
		ip = buf + poff - udp - ihl;
		memset(ip, 0, ihl);
		ip[0] = 0x45;
		ip[1] = hdr[1];
		memcpy(ip + 4, hdr + 4, 2);
		ip[8] = 64;
		espi_put32(ip + 12, sa->local_addr);
		espi_put32(ip + 16, sa->peer_addr);
	}
	if (udp != 0) {
		/* RFC 3948 §2.1: UDP header, checksum 0. */
		uint8_t *u = buf + poff - udp;

		espi_put16(u, sa->encap_sport);
		espi_put16(u + 2, sa->encap_dport);
		espi_put16(u + 4, (uint16_t)(UDP_LEN + plen));
		espi_put16(u + 6, 0);
	}
	ip_finish(ip, ihl, ihl + udp + plen, udp != 0 ? 17 : 50);
	*off = (size_t)(ip - buf);
	*len = ihl + udp + plen;
	return ESP_OK;
}

int
esp_ipv4_decap(struct esp_ctx *ctx, uint64_t now, uint8_t *pkt, size_t len,
    struct esp_rx *rx)
{
	struct esp_endpoint from;
	size_t ihl, tot, eoff, itot;
	bool udp = false;
	uint8_t *ip;
	int rc;

	if (ctx == NULL || pkt == NULL || rx == NULL)
		return ESP_E_INVAL;
	memset(rx, 0, sizeof(*rx));
	if ((ihl = ipv4_check(pkt, len, &tot)) == 0)
		return bad_ip(ctx, "malformed header", len);
	if ((espi_get16(pkt + 6) & 0x3fff) != 0)
		return bad_ip(ctx, "fragment (reassemble first)", len);
	/* The outer source: who sent it (NAT rebinding, esp_input). */
	from.ip = espi_get32(pkt + 12);
	from.port = 0;
	if (pkt[9] == 50) {
		eoff = ihl;
	} else if (pkt[9] == 17) {
		if (tot - ihl < UDP_LEN || espi_get16(pkt + ihl + 4) != tot - ihl)
			return bad_ip(ctx, "UDP length", len);
		eoff = ihl + UDP_LEN;
		rc = esp_udp_classify(ctx, pkt + eoff, tot - eoff);
		if (rc == ESP_E_TRUNCATED)
			return rc;
		if (rc != ESP_UDP_ESP) {
			ctx->st.not_esp++;
			return ESP_E_NOT_ESP;
		}
		udp = true;
		from.port = espi_get16(pkt + ihl);
	} else {
		ctx->st.not_esp++;
		return ESP_E_NOT_ESP;
	}
	rc = esp_input(ctx, now, pkt + eoff, tot - eoff, &from, rx);
	if (rc != ESP_OK)
		return rc;
	rx->off += eoff;
	if (rx->sa->mode == ESP_MODE_TUNNEL) {
		ip = pkt + rx->off;
		if (rx->next_header == 4 &&
		    (ipv4_check(ip, rx->len, &itot) == 0 || itot != rx->len))
			return bad_ip(ctx, "inner packet malformed (tunnel)", rx->len);
		return ESP_OK;
	}
	/* Transport: the IP header moves up to the payload, §3.4.4 inverse. */
	ip = pkt + rx->off - ihl;
	memmove(ip, pkt, ihl);
	rx->off -= ihl;
	rx->len += ihl;
	if (rx->len > 65535)
		return bad_ip(ctx, "inner length", rx->len);
	ip_finish(ip, ihl, rx->len, rx->next_header);
	if (udp)
		espi_l4_fix(rx->sa, ip, rx->len);
	return ESP_OK;
}
