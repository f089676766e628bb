/*
 * gw_ike.c - libisakmp and libesp events: the peers (one per remote
 * client, stable across rekeys) and their IPsec SA pairs in libesp.
 *
 * A peer's L2TP tunnels ride on the peer, not on one SA: a rekey only moves
 * outbound traffic to the newest SA; the tunnels go away when libisakmp
 * says the peer is gone (PEER_DOWN: Delete, DPD, expiry without rekey).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_int.h"
#include "pkt.h"
#include "sabridge.h"

static void
id_text(const struct isakmp_event *ev, char *buf, size_t cap)
{
	size_t i, o = 0;

	if (ev->remote_id_type == 1 && ev->remote_id_len == 4) {	/* IPV4_ADDR */
		char a[16];

		pkt_ntoa(pkt_get32(ev->remote_id), a);
		snprintf(buf, cap, "%s", a);
		return;
	}
	for (i = 0; i < ev->remote_id_len && o + 5 < cap; i++) {
		uint8_t c = ev->remote_id[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
	}
	buf[o < cap ? o : cap - 1] = '\0';
}

static struct gw_peer *
peer_of(struct gw *gw, uint64_t now, const struct isakmp_event *ev, bool create)
{
	struct gw_peer *p = (struct gw_peer *)(uintptr_t)ev->peer_user;

	if (p != NULL || !create || ev->peer_id == 0)
		return p;
	if (gw->opt.max_peers && gw->n_peers >= gw->opt.max_peers) {
		gw->st.limit_refused++;
		gw_log_rl(gw, GW_LOG_ISAKMP, 4, "peer limit %u reached: deleting new peer",
		    gw->opt.max_peers);
		(void)isakmp_peer_delete(gw->ike, now, ev->peer_id);
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		(void)isakmp_peer_delete(gw->ike, now, ev->peer_id);
		return NULL;
	}
	p->peer_id = ev->peer_id;
	p->created = now;
	p->local.ip = ev->local.ip;
	p->local.port = ev->local.port;
	p->remote.ip = ev->remote.ip;
	p->remote.port = ev->remote.port;
	p->nat_remote = ev->nat_remote;
	id_text(ev, p->id, sizeof(p->id));
	p->next = gw->peers;
	if (gw->peers != NULL)
		gw->peers->prev = p;
	gw->peers = p;
	gw->n_peers++;
	gw->st.peers_up++;
	(void)isakmp_peer_set_user(gw->ike, ev->peer_id, (uint64_t)(uintptr_t)p);
	return p;
}

void
gw_peer_maybe_free(struct gw *gw, struct gw_peer *p)
{
	if (!p->dead || p->buried || p->n_sessions > 0 || p->sas != NULL)
		return;
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		gw->peers = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	gw->n_peers--;
	p->buried = true;
	p->gnext = gw->peer_grave;
	gw->peer_grave = p;
}

struct gw_l2ep *
gw_l2ep_get(struct gw *gw, struct gw_peer *p, uint16_t port)
{
	size_t i;

	for (i = 0; i < GW_L2EP_MAX; i++)
		if (p->l2ep[i].peer == p && p->l2ep[i].port == port)
			return &p->l2ep[i];
	for (i = 0; i < GW_L2EP_MAX; i++)
		if (p->l2ep[i].peer == NULL || p->l2ep[i].tunnels == 0) {
			p->l2ep[i].peer = p;
			p->l2ep[i].port = port;
			p->l2ep[i].tunnels = 0;
			return &p->l2ep[i];
		}
	gw->st.limit_refused++;
	gw_log_rl(gw, GW_LOG_L2TP, 4, "peer %s: more than %d L2TP source ports, "
	    "datagram from port %u refused", p->id, GW_L2EP_MAX, port);
	return NULL;
}

static void
ipsec_remove(struct gw *gw, struct gw_ipsec *s)
{
	struct gw_peer *p = s->peer;
	struct gw_ipsec **pp;

	for (pp = &p->sas; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (p->cur == s) {
		struct gw_ipsec *x, *best = NULL;

		for (x = p->sas; x != NULL; x = x->next)
			if (best == NULL || x->created > best->created)
				best = x;
		p->cur = best;
	}
	gw_esp_gone(gw, s->in, s->out);
	esp_sa_delete(gw->esp, s->in);
	esp_sa_delete(gw->esp, s->out);
	free(s);
}

static void
ipsec_up(struct gw *gw, uint64_t now, struct isakmp_event *ev)
{
	struct gw_peer *p = peer_of(gw, now, ev, true);
	struct gw_ipsec *s;
	char suite[48], a[40];
	int rc;

	if (p == NULL)
		return;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		(void)isakmp_ipsec_sa_delete(gw->ike, now, ev->ipsec_id, ISAKMP_REASON_LOCAL);
		return;
	}
	rc = sabridge_install(gw->esp, now, &ev->sa, (uint64_t)(uintptr_t)s, &s->in, &s->out);
	if (rc != ESP_OK) {
		gw_log(gw, GW_LOG_IPSEC, 3, "peer %s: IPsec SA %08x/%08x not installed: %s",
		    p->id, ev->sa.spi_in, ev->sa.spi_out, esp_strerror(rc));
		free(s);
		(void)isakmp_ipsec_sa_delete(gw->ike, now, ev->ipsec_id, ISAKMP_REASON_LOCAL);
		return;
	}
	s->peer = p;
	s->ipsec_id = ev->ipsec_id;
	s->enc_alg = ev->sa.enc_alg;
	s->integ_alg = ev->sa.integ_alg;
	s->enc_key_len = ev->sa.enc_key_len;
	s->udp_encap = ev->sa.udp_encap;
	s->mtu = gw_suite_mtu(ev->sa.enc_alg, ev->sa.integ_alg, ev->sa.udp_encap);
	s->created = now;
	s->next = p->sas;
	p->sas = s;
	p->cur = s;
	p->remote.ip = ev->sa.remote.ip;
	p->remote.port = ev->sa.remote.port;
	p->local.ip = ev->sa.local.ip;
	p->local.port = ev->sa.local.port;
	(void)isakmp_ipsec_sa_set_user(gw->ike, ev->ipsec_id, (uint64_t)(uintptr_t)s);
	gw_keylog_ipsec(gw, &ev->sa);
	sabridge_suite_name(&ev->sa, suite, sizeof(suite));
	snprintf(p->suite, sizeof(p->suite), "%s", suite);
	gw_log(gw, GW_LOG_IPSEC, 6, "IPsec SA up with peer %s (%s): %s %s%s, SPI in "
	    "%08x out %08x%s", gw_ep_str(&p->remote, a, sizeof(a)), p->id, suite,
	    ev->sa.mode == ISAKMP_MODE_TRANSPORT ? "transport" : "tunnel",
	    ev->sa.udp_encap ? " in UDP" : "", ev->sa.spi_in, ev->sa.spi_out,
	    ev->replaces ? " (rekey)" : "");
}

static void
peer_down(struct gw *gw, uint64_t now, struct gw_peer *p, enum isakmp_reason why)
{
	char a[40];
	size_t i;

	if (p->dead)
		return;
	p->dead = true;
	if (p->disc != 0) {
		/* An operator's disconnect of it is over. */
		p->disc = 0;
		if (gw->n_disc > 0)
			gw->n_disc--;
	}
	gw->st.peers_down++;
	gw_log(gw, GW_LOG_ISAKMP, 6, "peer %s (%s) gone: %s",
	    gw_ep_str(&p->remote, a, sizeof(a)), p->id, isakmp_reason_name(why));
	/* Its L2TP tunnels cannot be reached any more: drop them silently
	 * (SESSION_DOWN events end the PPP sessions). */
	for (i = 0; i < GW_L2EP_MAX; i++)
		if (p->l2ep[i].peer == p)
			(void)l2tp_peer_drop(gw->l2tp, (uint64_t)(uintptr_t)&p->l2ep[i]);
	while (p->sas != NULL)
		ipsec_remove(gw, p->sas);
	/* The L2TP and PPP events this raises are handled by the event pump
	 * that called us; the peer is freed when its last session is. */
	(void)now;
	gw_peer_maybe_free(gw, p);
}

void
gw_isakmp_event(struct gw *gw, uint64_t now, struct isakmp_event *ev)
{
	struct gw_peer *p;
	char a[40];

	switch (ev->type) {
	case ISAKMP_EV_PHASE1_UP:
		p = peer_of(gw, now, ev, true);
		gw_keylog_phase1(gw, ev->ike_id);
		gw_log(gw, GW_LOG_ISAKMP, 6, "ISAKMP MAIN Phase 1 (%s) completed with peer "
		    "%s (%s)%s%s", "resp", gw_ep_str((const struct rg_ep *)&ev->remote, a,
		    sizeof(a)), p != NULL ? p->id : "?",
		    ev->nat_remote ? ", peer behind NAT" : "",
		    ev->replaces ? ", replaces an older SA" : "");
		break;
	case ISAKMP_EV_PHASE1_FAILED:
		gw_log_rl(gw, GW_LOG_ISAKMP, 5, "ISAKMP MAIN Phase 1 with peer %s failed: %s",
		    gw_ep_str((const struct rg_ep *)&ev->remote, a, sizeof(a)),
		    isakmp_strerror(ev->error));
		{
			struct rg_ep r = { .ip = ev->remote.ip, .port = ev->remote.port };
			char why[64];

			snprintf(why, sizeof(why), "phase 1: %s", ev->error != 0 ?
			    isakmp_strerror(ev->error) : isakmp_reason_name(ev->reason));
			gw_fail_note(gw, "", &r, why);
		}
		break;
	case ISAKMP_EV_PHASE1_DOWN:
		gw_log(gw, GW_LOG_ISAKMP, 7, "ISAKMP SA %llu with %s down: %s",
		    (unsigned long long)ev->ike_id,
		    gw_ep_str((const struct rg_ep *)&ev->remote, a, sizeof(a)),
		    isakmp_reason_name(ev->reason));
		break;
	case ISAKMP_EV_IPSEC_SA_UP:
		ipsec_up(gw, now, ev);
		break;
	case ISAKMP_EV_IPSEC_SA_DOWN: {
		struct gw_ipsec *s;

		/* Found by id in its peer's list, not by the tag alone: a peer
		 * torn down at once may have freed it already. */
		if ((p = peer_of(gw, now, ev, false)) == NULL)
			break;
		for (s = p->sas; s != NULL && s->ipsec_id != ev->ipsec_id; s = s->next)
			;
		if (s == NULL)
			break;
		gw_log(gw, GW_LOG_IPSEC, 6, "IPsec SA %08x/%08x with peer %s down: %s",
		    ev->sa.spi_in, ev->sa.spi_out, s->peer->id, isakmp_reason_name(ev->reason));
		ipsec_remove(gw, s);
		break;
	}
	case ISAKMP_EV_PEER_MOVED:
		if ((p = peer_of(gw, now, ev, false)) == NULL)
			break;
		p->remote.ip = ev->remote.ip;
		p->remote.port = ev->remote.port;
		{
			struct gw_ipsec *s;
			struct esp_endpoint e = { .ip = ev->remote.ip, .port = ev->remote.port };

			for (s = p->sas; s != NULL; s = s->next)
				if (esp_sa_set_peer(gw->esp, s->out, &e) != ESP_OK)
					gw_log(gw, GW_LOG_IPSEC, 4, "peer %s: ESP SA %08x "
					    "not moved", p->id, esp_sa_spi(s->out));
		}
		gw_log(gw, GW_LOG_ISAKMP, 6, "peer %s moved to %s (NAT rebinding)", p->id,
		    gw_ep_str(&p->remote, a, sizeof(a)));
		break;
	case ISAKMP_EV_PEER_DOWN:
		if ((p = peer_of(gw, now, ev, false)) != NULL)
			peer_down(gw, now, p, ev->reason);
		break;
	}
}

void
gw_esp_event(struct gw *gw, uint64_t now, const struct esp_event *ev)
{
	struct gw_ipsec *s = (struct gw_ipsec *)(uintptr_t)ev->user;
	int rc;

	if (s == NULL)
		return;
	switch (ev->type) {
	case ESP_EV_SOFT_EXPIRE:
	case ESP_EV_REKEY:
		gw_log(gw, GW_LOG_IPSEC, 6, "IPsec SA %08x of peer %s: %s, rekeying",
		    ev->spi, s->peer->id, esp_event_name(ev->type));
		if ((rc = isakmp_ipsec_sa_rekey(gw->ike, now, s->ipsec_id)) != ISAKMP_OK)
			gw_log(gw, GW_LOG_IPSEC, 4, "IPsec SA %08x: rekey not started: %s",
			    ev->spi, isakmp_strerror(rc));
		break;
	case ESP_EV_HARD_EXPIRE:
		gw_log(gw, GW_LOG_IPSEC, 6, "IPsec SA %08x of peer %s: hard limit, deleting",
		    ev->spi, s->peer->id);
		if ((rc = isakmp_ipsec_sa_delete(gw->ike, now, s->ipsec_id,
		    ISAKMP_REASON_EXPIRED)) != ISAKMP_OK)
			gw_log(gw, GW_LOG_IPSEC, 4, "IPsec SA %08x: delete: %s", ev->spi,
			    isakmp_strerror(rc));
		break;
	case ESP_EV_PEER_MOVED: {
		struct gw_peer *p = s->peer;
		struct isakmp_addr r = { .ip = ev->endpoint.ip, .port = ev->endpoint.port };
		struct gw_ipsec *x;
		char a[40];

		p->remote.ip = r.ip;
		p->remote.port = r.port;
		for (x = p->sas; x != NULL; x = x->next)
			if (x != s && esp_sa_set_peer(gw->esp, x->out, &ev->endpoint) != ESP_OK)
				gw_log(gw, GW_LOG_IPSEC, 4, "peer %s: ESP SA %08x not moved",
				    p->id, esp_sa_spi(x->out));
		if ((rc = isakmp_peer_moved(gw->ike, now, p->peer_id, &r)) != ISAKMP_OK)
			gw_log(gw, GW_LOG_ISAKMP, 4, "peer %s: IKE not moved: %s", p->id,
			    isakmp_strerror(rc));
		gw_log(gw, GW_LOG_IPSEC, 6, "peer %s moved to %s (ESP from a new address)",
		    p->id, gw_ep_str(&p->remote, a, sizeof(a)));
		break;
	}
	}
}

uint64_t
gw_l2tp_flow_tag(const struct gw_peer *p)
{
	return 1ull << 63 | (uint64_t)p->remote.ip << 16 | p->remote.port;
}

const struct gw_peer *
gw_peer_of_tag(const struct gw *gw, uint64_t tag)
{
	const struct gw_peer *p;

	for (p = gw->peers; p != NULL; p = p->next)
		if (p->dead)
			continue;
		else if ((tag >> 63) ? gw_l2tp_flow_tag(p) == tag : (uint64_t)(uintptr_t)p == tag)
			return p;
	return NULL;
}

void
gw_peers_free(struct gw *gw)
{
	struct gw_peer *p;

	while ((p = gw->peers) != NULL) {
		gw->peers = p->next;
		while (p->sas != NULL) {
			struct gw_ipsec *s = p->sas;

			p->sas = s->next;
			free(s);	/* libesp frees its SAs with its context */
		}
		free(p);
	}
	gw->n_peers = 0;
}
