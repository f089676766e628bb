/*
 * select.c - traffic selectors of inbound SAs (RFC 4301 §5.2: after
 * decryption, the packet must match the SA's selectors).  The selectors
 * libesp keeps are those a key manager negotiates for L2TP/IPsec in IKEv1
 * Quick Mode IDs: protocol, local port, remote port (0 = any).
 */
#include "esp_internal.h"

/* Protocols whose header starts with source and destination port. */
static bool
has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 33 || proto == 132 ||
	    proto == 136;
}

void
espi_flow_of(const struct esp_sa *sa, const uint8_t *pkt,
    const struct esp_rx *rx, struct espi_flow *f)
{
	const uint8_t *p = pkt + rx->off, *l4;
	size_t len = rx->len, ihl;

	f->have_proto = false;
	f->have_ports = false;
	f->proto = 0;
	f->sport = f->dport = 0;
	if (sa->mode == ESP_MODE_TRANSPORT) {
		/* RFC 4303 §3.1.1: the transport header follows ESP. */
		f->proto = rx->next_header;
		f->have_proto = true;
		l4 = p;
	} else {
		/* §3.1.2: an inner IPv4 header (IPv6 is not parsed). */
		if (rx->next_header != 4 || len < 20 || (p[0] >> 4) != 4)
			return;
		ihl = (size_t)(p[0] & 0x0f) * 4;
		if (ihl < 20 || ihl > len)
			return;
		f->proto = p[9];
		f->have_proto = true;
		/* Only the first fragment carries the ports. */
		if ((espi_get16(p + 6) & 0x1fff) != 0)
			return;
		l4 = p + ihl;
		len -= ihl;
	}
	if (has_ports(f->proto) && len >= 4) {
		f->sport = espi_get16(l4);
		f->dport = espi_get16(l4 + 2);
		f->have_ports = true;
	}
}

int
esp_sa_check_selectors(const struct esp_sa *sa, const uint8_t *pkt,
    const struct esp_rx *rx)
{
	struct espi_flow f;

	if (sa == NULL || pkt == NULL || rx == NULL ||
	    rx->off > SIZE_MAX - rx->len)
		return ESP_E_INVAL;
	if (sa->dir != ESP_DIR_IN)
		return ESP_E_WRONG_DIR;
	if (!sa->has_sel)
		return ESP_OK;
	espi_flow_of(sa, pkt, rx, &f);
	if (sa->sel_protocol != 0 &&
	    (!f.have_proto || f.proto != sa->sel_protocol))
		return ESP_E_SELECTOR;
	if (sa->sel_local_port == 0 && sa->sel_remote_port == 0)
		return ESP_OK;
	if (!f.have_ports ||
	    (sa->sel_local_port != 0 && f.dport != sa->sel_local_port) ||
	    (sa->sel_remote_port != 0 && f.sport != sa->sel_remote_port))
		return ESP_E_SELECTOR;
	return ESP_OK;
}

void
espi_selector_refused(struct esp_ctx *ctx, struct esp_sa *sa,
    const uint8_t *pkt, const struct esp_rx *rx)
{
	struct espi_flow f;

	sa->st.selector++;
	if (!espi_log_on(ctx))
		return;
	espi_flow_of(sa, pkt, rx, &f);
	espi_log(ctx, ESP_LOG_DEBUG, "ESP in SPI 0x%08x seq %llu: %s: payload "
	    "protocol %d ports %d -> %d, selectors protocol %u local port %u "
	    "remote port %u (0 = any; -1 = unreadable)", sa->spi,
	    (unsigned long long)rx->seq, esp_strerror(ESP_E_SELECTOR),
	    f.have_proto ? (int)f.proto : -1, f.have_ports ? (int)f.sport : -1,
	    f.have_ports ? (int)f.dport : -1, sa->sel_protocol,
	    sa->sel_local_port, sa->sel_remote_port);
}
