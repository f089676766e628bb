/*
 * peer.c - the peer endpoint of an SA pair and NAT rebinding (RFC 3948 §1:
 * a NAT may change the peer's public address or port at any time).  The
 * endpoint moves only on proof: an authentic packet newer than every one
 * before (esp_input), or the key manager's word (esp_sa_set_peer).
 */
#include "esp_internal.h"

static void
move(struct esp_sa *sa, const struct esp_endpoint *to)
{
	sa->peer_addr = to->ip;
	if (sa->udp_encap)
		sa->encap_dport = to->port;
}

static void
fmt_ep(char *buf, size_t n, uint32_t ip, uint16_t port)
{
	snprintf(buf, n, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xff,
	    (ip >> 8) & 0xff, ip & 0xff, port);
}

void
espi_peer_moved(struct esp_ctx *ctx, struct esp_sa *sa,
    const struct esp_endpoint *from, uint64_t seq)
{
	struct esp_endpoint prev = { sa->peer_addr, sa->encap_dport };
	struct esp_event *ev;
	char a[32], b[32];

	move(sa, from);
	if (sa->pair != NULL)
		move(sa->pair, from);
	sa->st.peer_moved++;
	ctx->st.peer_moved++;
	if (espi_log_on(ctx)) {
		fmt_ep(a, sizeof(a), prev.ip, prev.port);
		fmt_ep(b, sizeof(b), sa->peer_addr, sa->encap_dport);
		espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x in: peer moved %s -> %s "
		    "(authentic packet, seq %llu)%s", sa->spi, a, b,
		    (unsigned long long)seq, sa->pair != NULL ?
		    "; its outbound pair follows" : "");
	}
	ev = espi_event(ctx, sa, ESP_EV_PEER_MOVED, ESP_LIMIT_NONE);
	if (ev != NULL) {
		ev->endpoint.ip = sa->peer_addr;
		ev->endpoint.port = sa->encap_dport;
		ev->prev = prev;
	}
}

int
esp_sa_set_peer(struct esp_ctx *ctx, struct esp_sa *sa,
    const struct esp_endpoint *ep)
{
	struct esp_sa *in;
	char a[32], b[32];

	if (ctx == NULL || sa == NULL || ep == NULL)
		return ESP_E_INVAL;
	if (!espi_owned(ctx, sa))
		return ESP_E_NOT_FOUND;
	if (espi_log_on(ctx)) {
		fmt_ep(a, sizeof(a), sa->peer_addr, sa->encap_dport);
		fmt_ep(b, sizeof(b), ep->ip, sa->udp_encap ? ep->port :
		    sa->encap_dport);
		espi_log(ctx, ESP_LOG_INFO, "SA 0x%08x %s: peer set %s -> %s",
		    sa->spi, esp_dir_name(sa->dir), a, b);
	}
	move(sa, ep);
	if (sa->pair != NULL)
		move(sa->pair, ep);
	for (in = sa->paired_in; in != NULL; in = in->pair_next)
		move(in, ep);
	return ESP_OK;
}
