/*
 * gw_core.c - the gateway core: library contexts, input dispatch, the
 * output pull, timers, the event pump and orderly shutdown.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gw_int.h"
#include "pkt.h"

/* ---- hooks and logging ------------------------------------------------ */

int
gw_lib_rng(void *user, void *buf, size_t len)
{
	struct gw *gw = user;

	return gw->hooks.rng(gw->hooks.user, buf, len);
}

static void vlog(struct gw *gw, enum gw_log_cat cat, int level, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));

static void
vlog(struct gw *gw, enum gw_log_cat cat, int level, const char *fmt, va_list ap)
{
	char line[1024];

	if (gw->hooks.log == NULL)
		return;
	if (level >= 7 && !gw->opt.debug[cat])
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	gw->hooks.log(gw->hooks.user, cat, level, line);
}

void
gw_log(struct gw *gw, enum gw_log_cat cat, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(gw, cat, level, fmt, ap);
	va_end(ap);
}

void
gw_log_rl(struct gw *gw, enum gw_log_cat cat, int level, const char *fmt, ...)
{
	va_list ap;

	if (gw->now >= gw->log_refill) {
		gw->log_tokens = 10;
		gw->log_refill = gw->now + NS_PER_S;
	}
	if (gw->log_tokens == 0)
		return;
	gw->log_tokens--;
	va_start(ap, fmt);
	vlog(gw, cat, level, fmt, ap);
	va_end(ap);
}

/* Library log lines: the libraries use syslog levels; their debug lines
 * appear only when the router's "enable X debug" switch is on. */
#define LIB_LOG(fn, cat)						\
void									\
fn(void *user, int level, const char *msg)				\
{									\
	gw_log(user, cat, level, "%s", msg);				\
}
LIB_LOG(gw_log_isakmp, GW_LOG_ISAKMP)
LIB_LOG(gw_log_esp, GW_LOG_IPSEC)
LIB_LOG(gw_log_l2tp, GW_LOG_L2TP)
LIB_LOG(gw_log_ppp, GW_LOG_PPP)
LIB_LOG(gw_log_fw, GW_LOG_FIRE)

const char *
gw_ep_str(const struct rg_ep *ep, char *buf, size_t cap)
{
	char a[16];

	snprintf(buf, cap, "%s:%u", pkt_ntoa(ep->ip, a), ep->port);
	return buf;
}

/* ---- construction ----------------------------------------------------- */

static int
contexts_new(struct gw *gw, char *err, size_t errlen)
{
	const struct gwconf *c = gw->conf;
	uint32_t max_peers = gw->opt.max_peers ? gw->opt.max_peers : 16384;
	uint32_t max_sess = gw->opt.max_sessions ? gw->opt.max_sessions : 16384;
	int rc;

	{
		struct isakmp_config ic;
		struct isakmp_hooks h = { .user = gw, .rng = gw_lib_rng, .log = gw_log_isakmp };

		memset(&ic, 0, sizeof(ic));
		ic.size = sizeof(ic);
		ic.max_ike_sas = max_peers * 2;
		/* Scaled with the clients served: a mass expiry or shutdown
		 * raises several events per peer before they are drained. */
		ic.max_half_open = max_peers / 4 > 1024 ? max_peers / 4 : 1024;
		ic.max_events = max_peers * 8 > 4096 ? max_peers * 8 : 4096;
		if ((rc = isakmp_ctx_new(&gw->ike, &ic, &h)) != ISAKMP_OK) {
			snprintf(err, errlen, "libisakmp: %s", isakmp_strerror(rc));
			return -1;
		}
	}
	{
		struct esp_config ec;
		struct esp_hooks h = { .user = gw, .rng = gw_lib_rng, .log = gw_log_esp };
		uint32_t i;

		memset(&ec, 0, sizeof(ec));
		ec.size = sizeof(ec);
		ec.max_sas = max_peers * 8;
		ec.replay_window = 128;
		ec.max_events = max_peers * 4 > 4096 ? max_peers * 4 : 4096;
		for (i = 0; i < c->n_saspecs; i++)
			if (c->saspecs[i].encalg == GWCONF_ESP_DES)
				ec.allow_des = true;
		if ((rc = esp_ctx_new(&gw->esp, &ec, &h)) != ESP_OK) {
			snprintf(err, errlen, "libesp: %s", esp_strerror(rc));
			return -1;
		}
	}
	{
		struct l2tp_config lc;
		struct l2tp_hooks h = { .user = gw, .rng = gw_lib_rng, .log = gw_log_l2tp };

		memset(&lc, 0, sizeof(lc));
		lc.size = sizeof(lc);
		lc.roles = L2TP_ROLE_LNS;
		if (c->l2tp.server & GWCONF_L2TP_LAC)
			lc.roles |= L2TP_ROLE_LAC;
		snprintf(lc.hostname, sizeof(lc.hostname), "%s",
		    c->system_name[0] ? c->system_name : "roadgate");
		lc.max_tunnels = max_sess;
		lc.max_half_open = max_sess / 8 > 1024 ? max_sess / 8 : 1024;
		lc.max_events = max_sess * 4 > 4096 ? max_sess * 4 : 4096;
		lc.max_output = 16384;
		/* Phones that never answer HELLO: IPsec DPD and LCP echo decide. */
		lc.tolerate_missing_hello = true;
		if ((rc = l2tp_ctx_new(&gw->l2tp, &lc, &h)) != L2TP_OK) {
			snprintf(err, errlen, "libl2tp: %s", l2tp_strerror(rc));
			return -1;
		}
	}
	{
		struct ppp_config pc;
		struct ppp_hooks h = { .user = gw, .rng = gw_lib_rng, .log = gw_log_ppp };

		memset(&pc, 0, sizeof(pc));
		pc.size = sizeof(pc);
		pc.name = c->system_name[0] ? c->system_name : "roadgate";
		/* Per-session queue shares stay libppp's; the context's queues
		 * and session count follow the clients served. */
		pc.max_sessions = max_sess;
		pc.ctx_max_events = max_sess * 8 > 16384 ? max_sess * 8 : 16384;
		pc.ctx_max_output = max_sess * 8 > 16384 ? max_sess * 8 : 16384;
		if ((rc = ppp_ctx_new(&gw->ppp, &pc, &h)) != PPP_OK) {
			snprintf(err, errlen, "libppp: %s", ppp_strerror(rc));
			return -1;
		}
	}
	return 0;
}

int
gw_new(struct gw **out, const struct gwconf *conf, const struct gw_options *opt,
    const struct gw_hooks *hooks, char *err, size_t errlen)
{
	struct gw *gw;
	uint32_t i, n;

	*out = NULL;
	if (hooks == NULL || hooks->rng == NULL || conf == NULL) {
		snprintf(err, errlen, "gw_new: missing configuration or rng");
		return -1;
	}
	if ((gw = calloc(1, sizeof(*gw))) == NULL ||
	    (gw->conf = malloc(sizeof(*gw->conf))) == NULL) {
		free(gw);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(gw->conf, conf, sizeof(*conf));
	if (opt != NULL)
		gw->opt = *opt;
	if (gw->opt.nat_port_min == 0 || gw->opt.nat_port_max < gw->opt.nat_port_min) {
		gw->opt.nat_port_min = 61000;
		gw->opt.nat_port_max = 64999;
	}
	gw->hooks = *hooks;
	gw->public_ip = gw->opt.public_ip;
	gw->lan_ip = gw->opt.lan_ip;
	if (conf->debug & GWCONF_DEBUG_ISAKMP)
		gw->opt.debug[GW_LOG_ISAKMP] = true;
	if (conf->debug & GWCONF_DEBUG_IPSEC)
		gw->opt.debug[GW_LOG_IPSEC] = true;
	if (conf->debug & GWCONF_DEBUG_L2TP)
		gw->opt.debug[GW_LOG_L2TP] = true;
	if (conf->debug & GWCONF_DEBUG_PPP)
		gw->opt.debug[GW_LOG_PPP] = true;
	n = gw->opt.max_sessions ? gw->opt.max_sessions : 16384;
	if (n > GW_MAX_CLIENTS) {	/* one libfw interface id (16 bits) each */
		snprintf(err, errlen, "at most %u clients", GW_MAX_CLIENTS);
		gw_free(gw);
		return -1;
	}
	for (gw->addr_hash_mask = 1; gw->addr_hash_mask < n; gw->addr_hash_mask <<= 1)
		;
	gw->addr_hash = calloc(gw->addr_hash_mask, sizeof(*gw->addr_hash));
	gw->addr_hash_mask--;
	/* Dynamic libfw interface ids for PPP sessions: above the configured
	 * interfaces, one per session. */
	gw->fw_dyn_free = calloc(n, sizeof(*gw->fw_dyn_free));
	if (gw->addr_hash == NULL || gw->fw_dyn_free == NULL) {
		snprintf(err, errlen, "out of memory");
		gw_free(gw);
		return -1;
	}
	for (i = 0; i < n; i++)
		gw->fw_dyn_free[gw->n_dyn_free++] = (uint16_t)(0xfffd - i);
	if (contexts_new(gw, err, errlen) != 0 || gw_apply(gw, err, errlen) != 0) {
		gw_free(gw);
		return -1;
	}
	{
		char a[16], b[16];

		gw_log(gw, GW_LOG_GW, 6, "gateway \"%s\" ready: public %s, LAN %s, %u "
		    "ipsec policies, %u users, firewall %s",
		    conf->system_name, pkt_ntoa(gw->public_ip, a), pkt_ntoa(gw->lan_ip, b),
		    conf->n_ipsec_policies, conf->n_users, gw->fw ? "on" : "off");
	}
	if (gw->hooks.keylog != NULL)
		gw_log(gw, GW_LOG_GW, 4, "KEY LOG ON: every IKE and ESP key of this "
		    "gateway is written out for Wireshark; anyone who reads it decrypts "
		    "all VPN traffic");
	*out = gw;
	return 0;
}

void
gw_free(struct gw *gw)
{
	struct gw_outq *q;

	if (gw == NULL)
		return;
	gw_bury(gw);
	gw_sessions_free(gw);
	gw_aaa_free(gw);
	gw_peers_free(gw);
	while ((q = gw->oq_head) != NULL) {
		gw->oq_head = q->next;
		free(q);
	}
	ppp_ctx_free(gw->ppp);
	l2tp_ctx_free(gw->l2tp);
	esp_ctx_free(gw->esp);
	isakmp_ctx_free(gw->ike);
	fw_ctx_free(gw->fw);
	gw_pools_free(gw);
	free(gw->addr_hash);
	free(gw->fw_dyn_free);
	if (gw->conf != NULL) {
		sodium_memzero(gw->conf, sizeof(*gw->conf));
		free(gw->conf);
	}
	free(gw);
}

/* ---- the event pump --------------------------------------------------- */

/*
 * Drains every library's events until all are empty: handling one event
 * may raise others (a peer going down drops its L2TP tunnels, which ends
 * PPP sessions, which frees firewall interfaces).
 */
void
gw_events(struct gw *gw, uint64_t now)
{
	bool more;

	gw->now = now;
	do {
		struct isakmp_event ie;
		struct esp_event ee;
		struct l2tp_event le;
		struct ppp_event pe;

		more = false;
		while (isakmp_next_event(gw->ike, &ie)) {
			gw_isakmp_event(gw, now, &ie);
			isakmp_event_wipe(&ie);
			more = true;
		}
		while (esp_next_event(gw->esp, &ee)) {
			gw_esp_event(gw, now, &ee);
			more = true;
		}
		while (l2tp_next_event(gw->l2tp, &le)) {
			gw_l2tp_event(gw, now, &le);
			more = true;
		}
		while (ppp_next_event(gw->ppp, &pe)) {
			gw_ppp_event(gw, now, &pe);
			ppp_event_wipe(&pe);
			more = true;
		}
	} while (more);
}

void
gw_bury(struct gw *gw)
{
	while (gw->sess_grave != NULL) {
		struct gw_sess *s = gw->sess_grave;

		gw->sess_grave = s->gnext;
		sodium_memzero(s, sizeof(*s));
		free(s);
	}
	while (gw->peer_grave != NULL) {
		struct gw_peer *p = gw->peer_grave;

		gw->peer_grave = p->gnext;
		free(p);
	}
}

/* ---- input ------------------------------------------------------------ */

void
gw_input(struct gw *gw, uint64_t now, struct rg_pkt *pkts, size_t n)
{
	gw->now = now;
	gw_data_input(gw, now, pkts, n);
	gw_events(gw, now);
	gw_bury(gw);
}

/* ---- output ----------------------------------------------------------- */

int
gw_queue_out(struct gw *gw, enum rg_path path, const struct rg_ep *local,
    const struct rg_ep *remote, const uint8_t *data, size_t len)
{
	struct gw_outq *q;

	if (gw->oq_len >= 4096 || len > RG_MAX_PKT) {
		gw->st.output_dropped++;
		return -1;
	}
	if ((q = malloc(sizeof(*q) + len)) == NULL) {
		gw->st.output_dropped++;
		return -1;
	}
	q->next = NULL;
	q->path = path;
	if (local != NULL)
		q->local = *local;
	else
		memset(&q->local, 0, sizeof(q->local));
	if (remote != NULL)
		q->remote = *remote;
	else
		memset(&q->remote, 0, sizeof(q->remote));
	q->len = len;
	memcpy(q->data, data, len);
	if (gw->oq_tail != NULL)
		gw->oq_tail->next = q;
	else
		gw->oq_head = q;
	gw->oq_tail = q;
	gw->oq_len++;
	return 0;
}

static void
count_out(struct gw *gw, const struct rg_pkt *p)
{
	switch (p->path) {
	case RG_PATH_UDP: gw->st.tx_udp++; break;
	case RG_PATH_ESP: gw->st.tx_esp++; break;
	case RG_PATH_TUN: gw->st.tx_tun++; break;
	default: break;
	}
}

bool
gw_next_output(struct gw *gw, uint64_t now, struct rg_pkt *p)
{
	gw->now = now;
	for (;;) {
		struct gw_outq *q;
		struct isakmp_addr from, to;
		struct ppp_session *ps;
		uint64_t handle, user;
		size_t len;
		int rc;

		p->off = RG_HEADROOM;
		p->len = 0;
		p->path = RG_PATH_NONE;
		if ((q = gw->oq_head) != NULL) {
			gw->oq_head = q->next;
			if (gw->oq_head == NULL)
				gw->oq_tail = NULL;
			gw->oq_len--;
			memcpy(p->buf + p->off, q->data, q->len);
			p->len = q->len;
			p->path = q->path;
			p->local = q->local;
			p->remote = q->remote;
			free(q);
			count_out(gw, p);
			return true;
		}
		rc = isakmp_next_output(gw->ike, now, p->buf + p->off,
		    p->cap - p->off - RG_TAILROOM, &len, &from, &to);
		if (rc == ISAKMP_OK) {
			p->len = len;
			p->path = RG_PATH_UDP;
			p->local.ip = from.ip;
			p->local.port = from.port;
			p->remote.ip = to.ip;
			p->remote.port = to.port;
			count_out(gw, p);
			return true;
		}
		rc = l2tp_next_output(gw->l2tp, now, p->buf + p->off,
		    p->cap - p->off - RG_TAILROOM, &len, &handle);
		if (rc == L2TP_OK) {
			p->len = len;
			if (!gw_seal_l2tp(gw, now, (struct gw_l2ep *)(uintptr_t)handle, p)) {
				gw->st.output_dropped++;
				continue;
			}
			count_out(gw, p);
			return true;
		}
		rc = ppp_next_output(gw->ppp, p->buf + p->off, p->cap - p->off - RG_TAILROOM,
		    &len, &ps, &user);
		if (rc == PPP_OK) {
			struct gw_sess *s = (struct gw_sess *)(uintptr_t)user;

			if (s == NULL || s->closing) {
				gw->st.output_dropped++;
				continue;
			}
			p->len = len;
			rc = l2tp_session_encap(gw->l2tp, s->tid, s->sid, p->buf, p->cap,
			    &p->off, &p->len, &handle);
			if (rc != L2TP_OK || !gw_seal_l2tp(gw, now,
			    (struct gw_l2ep *)(uintptr_t)handle, p)) {
				gw->st.output_dropped++;
				continue;
			}
			count_out(gw, p);
			return true;
		}
		/* Everything is drained: sessions whose PPP ended get their CDN
		 * now, after PPP's last frame (Terminate-Ack) went out. */
		if (gw->deferred) {
			gw->deferred = false;
			gw_sess_deferred(gw, now);
			gw_events(gw, now);
			continue;
		}
		gw_bury(gw);
		return false;
	}
}

/* ---- timers ----------------------------------------------------------- */

static uint64_t
min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t
gw_next_timeout(const struct gw *gw)
{
	uint64_t t = isakmp_next_timeout(gw->ike);

	t = min64(t, esp_next_timeout(gw->esp));
	t = min64(t, l2tp_next_timeout(gw->l2tp));
	t = min64(t, ppp_next_timeout(gw->ppp));
	if (gw->fw != NULL)
		t = min64(t, fw_next_timeout(gw->fw));
	t = min64(t, gw_aaa_next_timeout(gw));
	if (gw->shut != SHUT_NONE && gw->shut != SHUT_DONE)
		t = min64(t, gw->shut_deadline);
	if (gw->n_disc > 0)
		t = min64(t, gw_ctl_next_timeout(gw));
	return t;
}

static void shut_step(struct gw *gw, uint64_t now);

void
gw_handle_timeout(struct gw *gw, uint64_t now)
{
	gw->now = now;
	if (isakmp_next_timeout(gw->ike) <= now)
		(void)isakmp_handle_timeout(gw->ike, now);
	if (esp_next_timeout(gw->esp) <= now)
		(void)esp_handle_timeout(gw->esp, now);
	if (l2tp_next_timeout(gw->l2tp) <= now)
		(void)l2tp_handle_timeout(gw->l2tp, now);
	if (ppp_next_timeout(gw->ppp) <= now)
		(void)ppp_handle_timeout(gw->ppp, now);
	if (gw->fw != NULL && fw_next_timeout(gw->fw) <= now)
		(void)fw_handle_timeout(gw->fw, now);
	gw_events(gw, now);
	if (gw_aaa_next_timeout(gw) <= now)
		gw_aaa_handle_timeout(gw, now);
	if (gw->n_disc > 0)
		gw_ctl_handle_timeout(gw, now);
	if (gw->shut != SHUT_NONE && gw->shut != SHUT_DONE)
		shut_step(gw, now);
	gw_bury(gw);
}

/* ---- shutdown --------------------------------------------------------- */

/*
 * SHUT_PPP: every PPP session gets a Terminate-Request; up to 3 s for the
 * Terminate-Acks.  SHUT_L2TP: every tunnel a StopCCN; up to 3 s for the
 * acknowledgements.  SHUT_IKE: every peer deleted (IPsec and ISAKMP Delete
 * payloads when senddeletes=true).  Each stage ends early when its objects
 * are gone.
 */
static void
shut_step(struct gw *gw, uint64_t now)
{
	struct gw_sess *s;
	struct gw_peer *p;
	struct l2tp_tunnel_info ti;
	size_t cur;

	switch (gw->shut) {
	case SHUT_PPP:
		if (gw->n_sessions > 0 && now < gw->shut_deadline)
			return;
		gw->shut = SHUT_L2TP;
		gw->shut_deadline = now + 3 * NS_PER_S;
		gw_log(gw, GW_LOG_GW, 6, "shutdown: closing L2TP tunnels");
		for (cur = 0; l2tp_tunnel_next(gw->l2tp, now, &cur, &ti);)
			(void)l2tp_tunnel_close(gw->l2tp, now, ti.tunnel_id,
			    L2TP_STOPCCN_SHUTTING_DOWN);
		gw_events(gw, now);
		return;
	case SHUT_L2TP:
		cur = 0;
		if (l2tp_tunnel_next(gw->l2tp, now, &cur, &ti) && now < gw->shut_deadline)
			return;
		gw->shut = SHUT_IKE;
		gw_log(gw, GW_LOG_GW, 6, "shutdown: deleting IPsec and ISAKMP SAs");
		for (p = gw->peers; p != NULL; p = p->next)
			if (!p->dead) {
				(void)isakmp_peer_delete(gw->ike, now, p->peer_id);
				/* Drain as we go: thousands of peers would
				 * overflow the event queues. */
				gw_events(gw, now);
			}
		gw->shut = SHUT_DONE;
		return;
	default:
		(void)s;
		return;
	}
}

void
gw_shutdown(struct gw *gw, uint64_t now)
{
	struct gw_sess *s;

	if (gw->shut != SHUT_NONE)
		return;
	gw->now = now;
	gw->shut = SHUT_PPP;
	gw->shut_deadline = now + 3 * NS_PER_S;
	gw_log(gw, GW_LOG_GW, 6, "shutdown: terminating %zu PPP sessions", gw->n_sessions);
	for (s = gw->sessions; s != NULL; s = s->next)
		if (s->ppp != NULL && !s->ppp_done)
			(void)ppp_session_close(s->ppp, now);
	gw_events(gw, now);
	shut_step(gw, now);
	gw_bury(gw);
}

bool
gw_shutdown_done(const struct gw *gw)
{
	return gw->shut == SHUT_DONE && gw->oq_head == NULL;
}

/* ---- introspection ---------------------------------------------------- */

void
gw_get_stats(const struct gw *gw, struct gw_stats *st)
{
	*st = gw->st;
}

bool
gw_fw_stats(const struct gw *gw, struct fw_stats *st)
{
	if (gw->fw == NULL)
		return false;
	fw_get_stats(gw->fw, st);
	return true;
}

size_t
gw_peer_count(const struct gw *gw)
{
	return gw->n_peers;
}

size_t
gw_session_count(const struct gw *gw)
{
	return gw->n_sessions;
}

bool
gw_client_next(const struct gw *gw, size_t *cursor, struct gw_client_info *ci)
{
	const struct gw_sess *s = gw->sessions;
	size_t i;

	for (i = 0; s != NULL && i < *cursor; i++)
		s = s->next;
	if (s == NULL)
		return false;
	(*cursor)++;
	memset(ci, 0, sizeof(*ci));
	snprintf(ci->user, sizeof(ci->user), "%s", s->user);
	ci->addr = s->addr;
	ci->ipcp_up = s->addr != 0 && s->up_at != 0;
	ci->up_ns = s->up_at;
	if (s->l2ep != NULL && s->l2ep->peer != NULL)
		ci->remote = s->l2ep->peer->remote;
	return true;
}

uint16_t
gw_mtu_for(const struct gw *gw, int enc_alg, int integ_alg, bool udp_encap)
{
	(void)gw;
	return gw_suite_mtu(enc_alg, integ_alg, udp_encap);
}

uint32_t
gw_public_ip(const struct gw *gw)
{
	return gw->public_ip;
}

/* ---- reload (SIGHUP) -------------------------------------------------- */

#define SAME(field) (memcmp(&old->field, &nc->field, sizeof(old->field)) == 0)

int
gw_reload(struct gw *gw, uint64_t now, const struct gwconf *nc)
{
	struct gwconf *old = gw->conf;
	int problems = 0;

	gw->now = now;
	/* What the running libraries were built from cannot change under
	 * established clients: say so and keep the running values. */
	if (!SAME(ipsec_policies) || !SAME(n_ipsec_policies) || !SAME(bundles) ||
	    !SAME(saspecs) || !SAME(isakmp_policies) || !SAME(n_isakmp_policies) ||
	    !SAME(keys)) {
		gw_log(gw, GW_LOG_GW, 4, "reload: IPsec/ISAKMP policies or keys changed: "
		    "not applied (restart to apply; established clients stay)");
		problems++;
	}
	if (!SAME(fw_ifs) || !SAME(fw_rules) || !SAME(fw_nats) || !SAME(fw_enabled)) {
		gw_log(gw, GW_LOG_GW, 4, "reload: firewall changed: not applied (restart "
		    "to apply)");
		problems++;
	}
	if (!SAME(ip_ifs) || !SAME(routes)) {
		gw_log(gw, GW_LOG_GW, 4, "reload: interfaces or routes changed: not "
		    "applied (restart to apply)");
		problems++;
	}
	/* Users, PPP templates and DNS, L2TP ranges and pools apply now, to
	 * new sessions; established ones keep what they negotiated. */
	memcpy(old->users, nc->users, sizeof(old->users));
	old->n_users = nc->n_users;
	memcpy(old->templates, nc->templates, sizeof(old->templates));
	old->n_templates = nc->n_templates;
	old->ppp = nc->ppp;
	old->l2tp = nc->l2tp;
	memcpy(old->pools, nc->pools, sizeof(old->pools));
	old->n_pools = nc->n_pools;
	old->radius[0] = nc->radius[0];
	memcpy(old->radius, nc->radius, sizeof(old->radius));
	old->n_radius = nc->n_radius;
	old->radius_set = nc->radius_set;
	gw_aaa_reload(gw);
	if (gw_pools_rebuild(gw) != 0) {
		gw_log(gw, GW_LOG_GW, 3, "reload: out of memory rebuilding the pools");
		problems++;
	}
	gw_log(gw, GW_LOG_GW, 6, "reload: %u users, %u PPP templates, %u pools in force",
	    old->n_users, old->n_templates, old->n_pools);
	return problems;
}
