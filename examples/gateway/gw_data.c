/*
 * gw_data.c - the gateway's data path, in place, in batches.
 *
 * Inbound (UDP/4500 or raw ESP from a client):
 *   esp_input (ICV, replay, selectors: UDP to our port 1701)
 *   -> the UDP header -> [libfw: an L2TP control message meets the
 *      script's "encap=ipsec" rule, tied to this client's IPsec peer]
 *   -> l2tp_input (PPP frame returned in place, no event)
 *   -> ppp_session_input (IP packet returned in place)
 *   -> libfw (all IP packets of the batch in one fw_process_burst)
 *   -> TUN, or straight back out to another client's session.
 * Outbound (IP packet from TUN):
 *   libfw (burst) -> the session owning the destination -> ppp encap ->
 *   l2tp encap -> UDP 1701 -> esp_sa_encrypt -> UDP/4500 or raw ESP.
 * Every step works in the caller's buffer; nothing is allocated or copied
 * per packet.  Control traffic (IKE on 500/4500, L2TP control, PPP control)
 * takes the same road in, and leaves through gw_next_output().
 */
#include <stdio.h>
#include <string.h>

#include "gw_int.h"
#include "pkt.h"

enum {
	ST_DONE = 0,		/* path already decided */
	ST_FW_IN,		/* IP packet from a session, waiting for libfw */
	ST_FW_OUT		/* IP packet from TUN, waiting for libfw */
};

#define BURST 256

/*
 * The PPP payload MTU through an SA: 1500 minus the outer IPv4 header, the
 * UDP encapsulation, ESP header, IV, worst-case padding, trailer and ICV,
 * then the inner UDP, L2TP (with sequence numbers and offset) and PPP
 * headers.  Rounded down to a multiple of 4.
 */
uint16_t
gw_suite_mtu(int enc_alg, int integ_alg, bool udp_encap)
{
	unsigned iv, blk, icv, o;

	switch (enc_alg) {
	case ESP_ENC_DES_CBC: case ESP_ENC_3DES_CBC: iv = 8; blk = 8; icv = 12; break;
	case ESP_ENC_AES_GCM_16: case ESP_ENC_CHACHA20_POLY1305:
		iv = 8; blk = 4; icv = 16; break;
	case ESP_ENC_NULL: iv = 0; blk = 4; icv = 12; break;
	default: iv = 16; blk = 16; icv = 12; break;
	}
	if (integ_alg == ESP_INTEG_HMAC_SHA256_128)
		icv = 16;
	else if (integ_alg == ESP_INTEG_NONE && enc_alg != ESP_ENC_AES_GCM_16 &&
	    enc_alg != ESP_ENC_CHACHA20_POLY1305)
		icv = 0;
	o = 20 + (udp_encap ? 8 : 0) + 8 + iv + (blk - 1) + 2 + icv + 8 + 16 + 4;
	return (uint16_t)((1500 - o) & ~3u);
}

/* ---- helpers ---------------------------------------------------------- */

static void
drop(struct rg_pkt *p, uint64_t *counter)
{
	p->path = RG_PATH_NONE;
	p->stage = ST_DONE;
	if (counter != NULL)
		(*counter)++;
}

/*
 * Runs one datagram addressed to the gateway itself through the firewall
 * (rules 1-3 of the seed: IKE on 500/4500, L2TP on 1701 with encap=ipsec).
 * A pseudo IPv4 + UDP header is written in front of the payload (the
 * buffer has headroom there).  ipsec is the IPsec peer the datagram came
 * through, 0 when it arrived in clear.  Returns true when allowed.
 */
static bool
fw_local_udp(struct gw *gw, uint64_t now, uint8_t *payload, size_t len,
    uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint64_t ipsec)
{
	uint8_t *ip = payload - PKT_UDP_HDR - PKT_IPV4_HDR;
	uint8_t save[PKT_IPV4_HDR + PKT_UDP_HDR];
	struct fw_pkt fp;
	int rc;

	if (gw->fw == NULL)
		return true;
	memcpy(save, ip, sizeof(save));
	pkt_ip_build(ip, src, dst, PKT_PROTO_UDP, (uint16_t)(PKT_UDP_HDR + len), 64, 0);
	pkt_udp_build(ip + PKT_IPV4_HDR, sport, dport, (uint16_t)len);
	memset(&fp, 0, sizeof(fp));
	fp.data = ip;
	fp.len = PKT_IPV4_HDR + PKT_UDP_HDR + len;
	fp.in_if = gw->fw_pub;
	fp.out_if = FW_IF_LOCAL;
	fp.ipsec = ipsec;
	rc = fw_process(gw->fw, now, &fp);
	memcpy(ip, save, sizeof(save));
	return rc == FW_OK;
}

static void
heard(struct gw *gw, uint64_t now, struct gw_peer *peer)
{
	/* DPD sees traffic: one call a second per peer is plenty. */
	if (now - peer->last_heard >= NS_PER_S) {
		peer->last_heard = now;
		(void)isakmp_peer_heard(gw->ike, now, peer->peer_id);
	}
}

/* ---- inbound ---------------------------------------------------------- */

static void
ike_in(struct gw *gw, uint64_t now, struct rg_pkt *p)
{
	struct isakmp_addr from = { .ip = p->remote.ip, .port = p->remote.port };
	struct isakmp_addr to = { .ip = p->local.ip, .port = p->local.port };

	gw->st.ike_in++;
	if (!fw_local_udp(gw, now, p->buf + p->off, p->len, p->remote.ip, p->remote.port,
	    p->local.ip, p->local.port, 0)) {
		drop(p, &gw->st.fw_drop);
		return;
	}
	if (isakmp_input(gw->ike, now, p->buf + p->off, p->len, &from, &to) != ISAKMP_OK)
		gw->st.ike_drop++;	/* counted and logged by libisakmp too */
	drop(p, NULL);
	/* An SA that came up must be installed before the next datagram of
	 * this batch (often the first L2TP message) is looked at. */
	gw_events(gw, now);
}

static void
l2tp_clear(struct gw *gw, uint64_t now, struct rg_pkt *p)
{
	char a[40];

	/* Clear L2TP never reaches libl2tp: the firewall's encap=ipsec rule
	 * (or, without a firewall, this check) refuses it. */
	(void)fw_local_udp(gw, now, p->buf + p->off, p->len, p->remote.ip, p->remote.port,
	    p->local.ip, p->local.port, 0);
	gw_log_rl(gw, GW_LOG_L2TP, 5, "L2TP from %s refused: it did not come through IPsec",
	    gw_ep_str(&p->remote, a, sizeof(a)));
	drop(p, &gw->st.l2tp_clear_refused);
}

/* The decrypted payload of an ESP packet at buf[off, off+len). */
static void
esp_in(struct gw *gw, uint64_t now, struct rg_pkt *p, const struct esp_endpoint *from)
{
	struct esp_rx rx;
	struct l2tp_rx lrx;
	struct ppp_rx prx;
	struct gw_ipsec *sa;
	struct gw_peer *peer;
	struct gw_l2ep *ep;
	struct gw_sess *s;
	uint8_t *u, *l2, *frame, *ip;
	uint16_t sport, dport, ulen;
	int rc;

	gw->st.esp_in++;
	rc = esp_input(gw->esp, now, p->buf + p->off, p->len, from, &rx);
	if (rc != ESP_OK) {
		drop(p, &gw->st.esp_drop);
		return;
	}
	sa = (struct gw_ipsec *)(uintptr_t)rx.user;
	if (sa == NULL || sa->peer == NULL || sa->peer->dead) {
		drop(p, &gw->st.esp_drop);
		return;
	}
	peer = sa->peer;
	heard(gw, now, peer);
	if (rx.next_header != PKT_PROTO_UDP || rx.len < PKT_UDP_HDR) {
		drop(p, &gw->st.not_udp);
		return;
	}
	u = p->buf + p->off + rx.off;
	sport = pkt_get16(u);
	dport = pkt_get16(u + 2);
	ulen = pkt_get16(u + 4);
	if (dport != L2TP_UDP_PORT || ulen < PKT_UDP_HDR || ulen > rx.len) {
		drop(p, &gw->st.not_l2tp);
		return;
	}
	if ((ep = gw_l2ep_get(gw, peer, sport)) == NULL) {
		drop(p, &gw->st.l2tp_drop);
		return;
	}
	l2 = u + PKT_UDP_HDR;
	/* L2TP control messages (T bit) meet the firewall: the seed's rule 3
	 * (port 1701, encap=ipsec).  The client's outer port stands in for
	 * the source port, so clients behind one NAT are distinct flows, and
	 * the IPsec tag is that outer address and port: a client redialing
	 * from the same NAT mapping (a new IKE peer) keeps its flow, while no
	 * other client can present it. */
	if ((l2[0] & 0x80) && !fw_local_udp(gw, now, l2, ulen - PKT_UDP_HDR,
	    peer->remote.ip, peer->remote.port, gw->public_ip, L2TP_UDP_PORT,
	    gw_l2tp_flow_tag(peer))) {
		drop(p, &gw->st.fw_drop);
		return;
	}
	rc = l2tp_input(gw->l2tp, now, (uint64_t)(uintptr_t)ep, l2, ulen - PKT_UDP_HDR, &lrx);
	if (rc != L2TP_OK || lrx.kind != L2TP_RX_PPP) {
		if (rc != L2TP_OK)
			gw->st.l2tp_drop++;
		drop(p, NULL);
		/* A session that came up (ICCN) gets its PPP session before the
		 * next datagram of the batch, often its first LCP frame. */
		gw_events(gw, now);
		return;
	}
	s = (struct gw_sess *)(uintptr_t)lrx.session_user;
	if (s == NULL || s->ppp == NULL || s->closing) {
		drop(p, &gw->st.no_session);
		return;
	}
	frame = l2 + lrx.off;
	rc = ppp_session_input(s->ppp, now, frame, lrx.len, &prx);
	if (rc == PPP_OK && prx.kind != PPP_RX_IP)
		gw_events(gw, now);	/* IPCP up routes the next packet */
	if (rc != PPP_OK || prx.kind != PPP_RX_IP) {
		/* libppp drops a source other than the user's own address
		 * (PPP_E_SPOOFED) before libfw sees it. */
		if (rc == PPP_E_SPOOFED)
			gw->st.spoofed++;
		else if (rc != PPP_OK)
			gw->st.ppp_drop++;
		drop(p, NULL);
		return;
	}
	ip = frame + prx.off;
	p->off = (size_t)(ip - p->buf);
	p->len = prx.len;
	s->pkts_in++;
	s->bytes_in += prx.len;
	if (prx.len < PKT_IPV4_HDR || (ip[0] >> 4) != 4) {
		drop(p, &gw->st.bad_ip);
		return;
	}
	if (gw->fw == NULL) {
		/* Without libfw the gateway itself keeps VPN users from
		 * sending as each other. */
		if (pkt_get32(ip + 12) != s->addr) {
			gw_log_rl(gw, GW_LOG_GW, 5, "user %s sent from a foreign source, dropped",
			    s->user);
			drop(p, &gw->st.spoofed);
			return;
		}
		p->path = RG_PATH_TUN;
		p->stage = ST_DONE;
		return;
	}
	{
		uint32_t dst = pkt_get32(ip + 16);
		struct gw_sess *d = gw_sess_by_addr(gw, dst);

		p->fw_in = s->fw_if;
		p->fw_out = d != NULL && d->fw_if != 0 ? d->fw_if : gw_route_if(gw, dst);
		p->ctx = d;
		p->src = s;
		p->stage = ST_FW_IN;
	}
}

static void
raw_esp_in(struct gw *gw, uint64_t now, struct rg_pkt *p)
{
	struct pkt_ip ip;
	struct esp_endpoint from;

	if (pkt_ip_parse(p->buf + p->off, p->len, &ip) != 0 || ip.proto != PKT_PROTO_ESP) {
		drop(p, &gw->st.bad_ip);
		return;
	}
	if (ip.mf || ip.frag_off != 0) {
		/* The kernel reassembles before a raw socket sees the packet;
		 * a fragment here is malformed. */
		drop(p, &gw->st.bad_ip);
		return;
	}
	from.ip = ip.src;
	from.port = 0;
	p->remote.ip = ip.src;
	p->off += ip.hlen;
	p->len = ip.tot_len - ip.hlen;
	esp_in(gw, now, p, &from);
}

static void
udp_in(struct gw *gw, uint64_t now, struct rg_pkt *p)
{
	gw->st.rx_udp++;
	switch (p->local.port) {
	case ISAKMP_PORT:
		ike_in(gw, now, p);
		return;
	case ISAKMP_NATT_PORT: {
		int k = esp_udp_classify(gw->esp, p->buf + p->off, p->len);
		struct esp_endpoint from = { .ip = p->remote.ip, .port = p->remote.port };

		if (k == ESP_UDP_ESP)
			esp_in(gw, now, p, &from);
		else if (k == ESP_UDP_IKE)
			ike_in(gw, now, p);
		else if (k == ESP_UDP_KEEPALIVE)
			drop(p, &gw->st.keepalive_in);
		else
			drop(p, &gw->st.esp_drop);
		return;
	}
	case L2TP_UDP_PORT:
		l2tp_clear(gw, now, p);
		return;
	default:
		drop(p, &gw->st.unknown_port);
		return;
	}
}

/* ---- outbound --------------------------------------------------------- */

bool
gw_seal_l2tp(struct gw *gw, uint64_t now, struct gw_l2ep *ep, struct rg_pkt *p)
{
	struct gw_peer *peer = ep != NULL ? ep->peer : NULL;
	struct gw_ipsec *sa;
	int rc;

	if (peer == NULL || peer->dead || (sa = peer->cur) == NULL) {
		gw->st.no_sa_out++;
		return false;
	}
	if (p->off < PKT_UDP_HDR + ESP_HEADROOM || p->off + p->len + ESP_TAILROOM > p->cap)
		return false;
	p->off -= PKT_UDP_HDR;
	pkt_udp_build(p->buf + p->off, L2TP_UDP_PORT, ep->port, (uint16_t)p->len);
	p->len += PKT_UDP_HDR;
	rc = esp_sa_encrypt(gw->esp, now, sa->out, PKT_PROTO_UDP, p->buf, p->cap,
	    &p->off, &p->len);
	if (rc != ESP_OK) {
		gw_log_rl(gw, GW_LOG_IPSEC, 4, "peer %s: ESP encrypt: %s", peer->id,
		    esp_strerror(rc));
		return false;
	}
	p->local = peer->local;
	p->remote = peer->remote;
	p->path = sa->udp_encap ? RG_PATH_UDP : RG_PATH_ESP;
	return true;
}

static void encap_to(struct gw *gw, uint64_t now, struct rg_pkt *p, struct gw_sess *s);

/* An IP packet too big for the session's PPP link: ICMP "fragmentation
 * needed" when DF is set (RFC 1191), else IP fragments. */
static void
too_big(struct gw *gw, uint64_t now, struct rg_pkt *p, struct gw_sess *s, uint16_t mtu)
{
	uint8_t *ip = p->buf + p->off;
	struct pkt_ip h;

	if (pkt_ip_parse(ip, p->len, &h) != 0) {
		drop(p, &gw->st.bad_ip);
		return;
	}
	if (h.df) {
		uint8_t icmp[576];
		size_t n = pkt_icmp_error(icmp, sizeof(icmp), gw->lan_ip, 3, 4, mtu, ip, p->len);

		if (n > 0 && gw_queue_out(gw, RG_PATH_TUN, NULL, NULL, icmp, n) == 0)
			gw->st.icmp_sent++;
		drop(p, &gw->st.too_big_icmp);
		return;
	}
	{
		uint8_t rest[4 * 1600];
		size_t lens[8];
		int k, n = pkt_ip_fragment(ip, p->len, mtu, rest, sizeof(rest), lens, 6);
		size_t pos = 0;

		if (n < 2) {
			drop(p, &gw->st.bad_ip);
			return;
		}
		gw->st.fragmented++;
		/* Fragments after the first: each sealed in a scratch buffer and
		 * queued (a rare path). */
		for (k = 1; k < n; k++) {
			uint8_t b[RG_BUF_SIZE];
			struct rg_pkt f;

			memset(&f, 0, sizeof(f));
			f.buf = b;
			f.cap = sizeof(b);
			f.off = RG_HEADROOM;
			f.len = lens[k];
			memcpy(b + f.off, rest + pos, lens[k]);
			pos += lens[k];
			encap_to(gw, now, &f, s);
			if (f.path != RG_PATH_NONE)
				(void)gw_queue_out(gw, f.path, &f.local, &f.remote,
				    f.buf + f.off, f.len);
		}
		p->len = lens[0];
		encap_to(gw, now, p, s);
	}
}

static void
encap_to(struct gw *gw, uint64_t now, struct rg_pkt *p, struct gw_sess *s)
{
	uint64_t handle;
	size_t iplen = p->len;
	int rc;

	p->stage = ST_DONE;
	if (s->dead || s->ppp == NULL || s->closing || s->ppp_done) {
		drop(p, &gw->st.no_session);
		return;
	}
	rc = ppp_session_encap(s->ppp, p->buf, p->cap, &p->off, &p->len);
	if (rc == PPP_E_TOO_BIG) {
		struct ppp_session_info info;

		if (ppp_session_get_info(s->ppp, now, &info) == PPP_OK && info.peer_mru > 0)
			too_big(gw, now, p, s, info.peer_mru);
		else
			drop(p, &gw->st.ppp_drop);
		return;
	}
	if (rc != PPP_OK) {
		drop(p, &gw->st.ppp_drop);
		return;
	}
	rc = l2tp_session_encap(gw->l2tp, s->tid, s->sid, p->buf, p->cap, &p->off, &p->len,
	    &handle);
	if (rc != L2TP_OK || !gw_seal_l2tp(gw, now, (struct gw_l2ep *)(uintptr_t)handle, p)) {
		drop(p, &gw->st.no_sa_out);
		return;
	}
	s->pkts_out++;
	s->bytes_out += iplen;
}

static void
tun_in(struct gw *gw, uint64_t now, struct rg_pkt *p)
{
	uint8_t *ip = p->buf + p->off;
	uint32_t src, dst;
	uint16_t tot;
	struct gw_sess *s;

	gw->st.rx_tun++;
	if (p->len < PKT_IPV4_HDR || (ip[0] >> 4) != 4 ||
	    (tot = pkt_get16(ip + 2)) > p->len || tot < PKT_IPV4_HDR) {
		drop(p, &gw->st.bad_ip);
		return;
	}
	p->len = tot;
	src = pkt_get32(ip + 12);
	dst = pkt_get32(ip + 16);
	s = gw_sess_by_addr(gw, dst);
	if (gw->fw == NULL) {
		if (s == NULL || s->up_at == 0) {
			drop(p, &gw->st.no_route);
			return;
		}
		encap_to(gw, now, p, s);
		return;
	}
	{
		struct gw_sess *from = gw_sess_by_addr(gw, src);

		p->fw_in = from != NULL && from->fw_if ? from->fw_if : gw_src_if(gw, src);
		p->fw_out = s != NULL && s->fw_if ? s->fw_if : gw_route_if(gw, dst);
		p->ctx = s;
		p->stage = ST_FW_OUT;
	}
	(void)now;
}

/* ---- the batch -------------------------------------------------------- */

static void
fw_stage(struct gw *gw, uint64_t now, struct rg_pkt *pkts, size_t n)
{
	struct fw_pkt fp[BURST];
	size_t idx[BURST];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		struct rg_pkt *p = &pkts[i];

		if (p->stage != ST_FW_IN && p->stage != ST_FW_OUT)
			continue;
		memset(&fp[k], 0, sizeof(fp[k]));
		fp[k].data = p->buf + p->off;
		fp[k].len = p->len;
		fp[k].in_if = p->fw_in;
		fp[k].out_if = p->fw_out;
		/* Packets of PPP sessions came out of IPsec; tag them with the
		 * peer so encap=ipsec rules tie a connection to its client. */
		if (p->stage == ST_FW_IN) {
			struct gw_sess *s = p->src;

			/* Events of this batch may have ended the session. */
			if (s->dead) {
				drop(p, &gw->st.no_session);
				continue;
			}
			fp[k].ipsec = (uint64_t)(uintptr_t)s->l2ep->peer;
		}
		idx[k++] = i;
	}
	if (k == 0)
		return;
	if (fw_process_burst(gw->fw, now, fp, k) < 0) {
		for (i = 0; i < k; i++)
			drop(&pkts[idx[i]], &gw->st.fw_drop);
		return;
	}
	for (i = 0; i < k; i++) {
		struct rg_pkt *p = &pkts[idx[i]];
		struct gw_sess *s;

		if (fp[i].rc != FW_OK) {
			drop(p, &gw->st.fw_drop);
			continue;
		}
		p->len = fp[i].len;
		if (p->stage == ST_FW_IN) {
			s = p->ctx;
			if (s != NULL && s->dead)
				s = gw_sess_by_addr(gw, pkt_get32(p->buf + p->off + 16));
			if (s != NULL) {
				/* Client to client: straight back out. */
				encap_to(gw, now, p, s);
			} else {
				p->path = RG_PATH_TUN;
				p->stage = ST_DONE;
			}
			continue;
		}
		/* From TUN: a NAT reply was translated to a VPN user's address. */
		s = p->ctx;
		if (fp[i].verdict.translated || s == NULL || s->dead)
			s = gw_sess_by_addr(gw, pkt_get32(p->buf + p->off + 16));
		if (s == NULL || s->up_at == 0) {
			drop(p, &gw->st.no_route);
			continue;
		}
		encap_to(gw, now, p, s);
	}
}

void
gw_data_input(struct gw *gw, uint64_t now, struct rg_pkt *pkts, size_t n)
{
	size_t base;

	for (base = 0; base < n; base += BURST) {
		size_t m = n - base < BURST ? n - base : BURST, i;

		for (i = 0; i < m; i++) {
			struct rg_pkt *p = &pkts[base + i];

			p->stage = ST_DONE;
			p->ctx = NULL;
			p->src = NULL;
			switch (p->path) {
			case RG_PATH_UDP:
				udp_in(gw, now, p);
				break;
			case RG_PATH_ESP:
				gw->st.rx_esp++;
				raw_esp_in(gw, now, p);
				break;
			case RG_PATH_TUN:
				tun_in(gw, now, p);
				break;
			default:
				drop(p, NULL);
				break;
			}
		}
		if (gw->fw != NULL)
			fw_stage(gw, now, pkts + base, m);
		/* Control events raised by this batch (new sessions, addresses)
		 * are handled before the next one. */
		gw_events(gw, now);
	}
}
