/*
 * natt.c - RFC 3948 UDP encapsulation: the port-4500 classifier, NAT
 * keepalives, and the transport-mode TCP/UDP checksum handling after NAT
 * (§3.1.2), plus the Internet checksum helpers (RFC 1071, RFC 1624).
 */
#include <string.h>

#include "esp_internal.h"

uint32_t
espi_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	/* Fold early so long inputs cannot overflow. */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t
espi_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
espi_ip_csum(const uint8_t *hdr, size_t len)
{
	return espi_csum_fold(espi_csum_add(0, hdr, len));
}

int
esp_udp_classify(struct esp_ctx *ctx, const uint8_t *payload, size_t len)
{
	if (payload == NULL)
		return ESP_E_INVAL;
	/* §2.3: a NAT-keepalive is a single 0xFF octet. */
	if (len == 1 && payload[0] == 0xff) {
		if (ctx != NULL)
			ctx->st.keepalives++;
		return ESP_UDP_KEEPALIVE;
	}
	/* §2.2: four zero octets (no SPI is 0) mark IKE. */
	if (len >= ESP_NON_ESP_MARKER_LEN && espi_get32(payload) == 0) {
		if (ctx != NULL)
			ctx->st.ike++;
		return ESP_UDP_IKE;
	}
	/* §2.1: otherwise ESP, which needs at least SPI and sequence number. */
	if (len >= ESP_HDR_LEN)
		return ESP_UDP_ESP;
	if (ctx != NULL) {
		ctx->st.truncated++;
		espi_log(ctx, ESP_LOG_DEBUG, "UDP/4500: %zu bytes is neither "
		    "keepalive, IKE nor ESP", len);
	}
	return ESP_E_TRUNCATED;
}

int
esp_keepalive_build(uint8_t *buf, size_t cap)
{
	if (buf == NULL)
		return ESP_E_INVAL;
	if (cap < 1)
		return ESP_E_BUFFER;
	buf[0] = 0xff;
	return 1;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 32-bit field. */
static uint16_t
csum_replace32(uint16_t hc, uint32_t from, uint32_t to)
{
	uint32_t sum = (uint16_t)~hc;

	sum += (uint16_t)~(from >> 16);
	sum += (uint16_t)~(from & 0xffff);
	sum += to >> 16;
	sum += to & 0xffff;
	return espi_csum_fold(sum);
}

/* Full TCP/UDP checksum with the IPv4 pseudo-header (RFC 768, RFC 793). */
static uint16_t
l4_csum(const uint8_t *ip, const uint8_t *l4, size_t l4len, uint8_t proto)
{
	uint32_t sum = 0;

	sum = espi_csum_add(sum, ip + 12, 8);
	sum += proto;
	sum += (uint32_t)l4len;
	sum = espi_csum_add(sum, l4, l4len);
	return espi_csum_fold(sum);
}

/*
 * RFC 3948 §3.1.2: fixes the TCP/UDP checksum of the transport-mode IPv4
 * packet ip[0, len) (header already rebuilt with the received addresses).
 * Fragments and other protocols are left alone.
 */
int
espi_l4_fix(struct esp_sa *sa, uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4, l4len = len - ihl;
	uint8_t proto = ip[9], *l4 = ip + ihl, *cs;
	uint16_t c;
	uint32_t src = espi_get32(ip + 12), dst = espi_get32(ip + 16);

	if ((proto != 6 && proto != 17) || sa->natt_csum == ESP_NATT_CSUM_NONE)
		return ESP_OK;
	if ((espi_get16(ip + 6) & 0x3fff) != 0)
		return ESP_OK;	/* fragment: checksum spans the datagram */
	if (l4len < (proto == 6 ? 20u : 8u))
		return ESP_OK;	/* too short to carry a checksum */
	cs = l4 + (proto == 6 ? 16 : 6);
	c = espi_get16(cs);
	if (proto == 17 && c == 0)
		return ESP_OK;	/* no UDP checksum: nothing to fix */
	if (sa->natt_csum == ESP_NATT_CSUM_AUTO && sa->natoa_valid) {
		/* Swap the original addresses for the ones received. */
		c = csum_replace32(c, sa->natoa_src, src);
		c = csum_replace32(c, sa->natoa_dst, dst);
		if (proto == 17 && c == 0)
			c = 0xffff;
		espi_put16(cs, c);
		return ESP_OK;
	}
	if (proto == 17 && sa->natt_csum != ESP_NATT_CSUM_RECOMPUTE) {
		/* RFC 768: zero means "no checksum"; RFC 3948 allows it. */
		espi_put16(cs, 0);
		return ESP_OK;
	}
	espi_put16(cs, 0);
	c = l4_csum(ip, l4, l4len, proto);
	if (proto == 17 && c == 0)
		c = 0xffff;
	espi_put16(cs, c);
	return ESP_OK;
}
