/*
 * vc_core.c - vpn-client's core (see vc.h): the connection sequence, the
 * event pump, the data path and orderly teardown.
 *
 * Sequence per client, each step started by the previous one's event:
 *   isakmp_initiate -> IPSEC_SA_UP (ESP pair installed) -> l2tp_tunnel_open
 *   -> TUNNEL_UP -> l2tp_session_open -> SESSION_UP -> PPP client session
 *   -> AUTH_RESULT -> IP_UP: VC_EV_UP.
 * Teardown (vc_disconnect): PPP Terminate -> LINK_DOWN -> CDN -> StopCCN
 * -> (tunnel gone or 2 s) -> IPsec and ISAKMP Deletes -> VC_EV_DOWN.
 *
 * One file (about 1,100 lines): that sequence is one state machine per
 * client across the four libraries' events; the handlers of each library's
 * events start the next step of the others.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <roadgate/esp.h>
#include <roadgate/l2tp.h>

#include "rg_heap.h"
#include "sabridge.h"
#include "vc.h"

#define NS 1000000000ull
#define SETUP_TIMEOUT (90 * NS)
#define CLOSE_STEP (2 * NS)

struct vc_conn;

struct vc_sa {
	struct vc_sa *next;
	struct vc_conn *c;
	uint64_t ipsec_id;
	struct esp_sa *in, *out;
	bool udp_encap;
	uint64_t created;
};

struct vc_conn {
	struct vc *vc;
	uint32_t idx;
	enum vc_state state;
	uint32_t local_ip;
	uint64_t peer_id;
	struct vc_sa *sas, *cur;
	struct rg_ep out_local, out_remote;	/* current ESP endpoints */
	uint16_t tid, sid;
	uint16_t l2tp_port;			/* our L2TP UDP source port */
	bool tunnel_up, session_up;
	struct ppp_session *ppp;
	bool ppp_done;
	struct vc_info info;
	uint64_t last_heard;
	struct rg_heap_node timer;		/* setup / close step deadline */
	int close_step;				/* 0 none, 1 ppp, 2 l2tp, 3 ike */
};

struct vc {
	struct vc_params p;
	struct vc_hooks h;
	struct isakmp_ctx *ike;
	struct esp_ctx *esp;
	struct l2tp_ctx *l2tp;
	struct ppp_ctx *ppp;
	uint32_t policy;
	uint64_t ike_drops;
	struct vc_conn *conns;
	uint32_t n, cap;
	struct rg_heap heap;
	struct vc_event *evq;
	uint32_t ev_head, ev_n, ev_cap;
	bool deferred;
};

static void
vlog(struct vc *vc, uint32_t idx, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
vlog(struct vc *vc, uint32_t idx, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (vc->h.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vc->h.log(vc->h.user, idx, level, line);
}

static int
lib_rng(void *user, void *buf, size_t len)
{
	struct vc *vc = user;

	return vc->h.rng(vc->h.user, buf, len);
}

static void
lib_log(void *user, int level, const char *msg)
{
	struct vc *vc = user;

	if (vc->h.log != NULL)
		vc->h.log(vc->h.user, UINT32_MAX, level, msg);
}

static void *
h_alloc(void *user, size_t n)
{
	(void)user;
	return calloc(1, n);
}

static void
h_free(void *user, void *p)
{
	(void)user;
	free(p);
}

const char *
vc_state_name(enum vc_state s)
{
	static const char *const n[] = { "idle", "ike", "ipsec", "l2tp", "ppp", "up",
	    "closing", "down" };

	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

size_t
vc_default_p1(struct isakmp_p1_proposal *p, size_t cap)
{
	/* Windows 10/11 Main Mode offer: AES-256/SHA-1/ECP384, AES-128/SHA-1/
	 * ECP256, AES-256/SHA-1/MODP2048, AES-128/SHA-1/MODP2048, 3DES/SHA-1/
	 * MODP2048, 3DES/SHA-1/MODP1024. */
	static const struct isakmp_p1_proposal w[] = {
		{ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA1, ISAKMP_GROUP_ECP384, 28800 },
		{ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1, ISAKMP_GROUP_ECP256, 28800 },
		{ ISAKMP_ENC_AES, 256, ISAKMP_HASH_SHA1, ISAKMP_GROUP_MODP2048, 28800 },
		{ ISAKMP_ENC_AES, 128, ISAKMP_HASH_SHA1, ISAKMP_GROUP_MODP2048, 28800 },
		{ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1, ISAKMP_GROUP_MODP2048, 28800 },
		{ ISAKMP_ENC_3DES, 0, ISAKMP_HASH_SHA1, ISAKMP_GROUP_MODP1024, 28800 },
	};
	size_t i, n = sizeof(w) / sizeof(w[0]);

	for (i = 0; i < n && i < cap; i++)
		p[i] = w[i];
	return i;
}

size_t
vc_default_p2(struct isakmp_p2_proposal *p, size_t cap)
{
	/* Windows Quick Mode: AES-256/SHA-1, AES-128/SHA-1, 3DES/SHA-1,
	 * lifetime 3600 s / 250,000 KB. */
	static const struct isakmp_p2_proposal w[] = {
		{ ISAKMP_ESP_AES_CBC, 256, ISAKMP_INTEG_HMAC_SHA1_96, 3600, 250000 },
		{ ISAKMP_ESP_AES_CBC, 128, ISAKMP_INTEG_HMAC_SHA1_96, 3600, 250000 },
		{ ISAKMP_ESP_3DES, 0, ISAKMP_INTEG_HMAC_SHA1_96, 3600, 250000 },
	};
	size_t i, n = sizeof(w) / sizeof(w[0]);

	for (i = 0; i < n && i < cap; i++)
		p[i] = w[i];
	return i;
}

/* ---- construction ----------------------------------------------------- */

int
vc_new(struct vc **out, const struct vc_params *p, const struct vc_hooks *h,
    char *err, size_t errlen)
{
	struct vc *vc;
	struct isakmp_policy pol;
	int rc;

	*out = NULL;
	if ((vc = calloc(1, sizeof(*vc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	vc->p = *p;
	vc->h = *h;
	if (vc->p.max_clients == 0)
		vc->p.max_clients = 1;
	if (vc->p.n_p1 == 0)
		vc->p.n_p1 = vc_default_p1(vc->p.p1, ISAKMP_MAX_P1_PROPS);
	if (vc->p.n_p2 == 0)
		vc->p.n_p2 = vc_default_p2(vc->p.p2, ISAKMP_MAX_P2_PROPS);
	rg_heap_init(&vc->heap);
	vc->cap = vc->p.max_clients;
	vc->conns = calloc(vc->cap, sizeof(*vc->conns));
	vc->ev_cap = vc->cap * 2 + 16;
	vc->evq = calloc(vc->ev_cap, sizeof(*vc->evq));
	if (vc->conns == NULL || vc->evq == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	{
		struct isakmp_config c;
		struct isakmp_hooks ih = { .user = vc, .rng = lib_rng, .log = lib_log };

		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.max_ike_sas = vc->cap * 2 + 8;
		c.max_half_open = vc->cap + 8;
		c.max_events = vc->cap * 4 + 64;
		if ((rc = isakmp_ctx_new(&vc->ike, &c, &ih)) != ISAKMP_OK) {
			snprintf(err, errlen, "libisakmp: %s", isakmp_strerror(rc));
			goto fail;
		}
	}
	memset(&pol, 0, sizeof(pol));
	pol.size = sizeof(pol);
	pol.peer_ip = vc->p.gw_ip;
	memcpy(pol.psk, vc->p.psk, vc->p.psk_len);
	pol.psk_len = vc->p.psk_len;
	memcpy(pol.p1, vc->p.p1, sizeof(pol.p1));
	pol.n_p1 = vc->p.n_p1;
	memcpy(pol.p2, vc->p.p2, sizeof(pol.p2));
	pol.n_p2 = vc->p.n_p2;
	pol.protocol = 17;
	pol.local_port = 1701;
	pol.mode = ISAKMP_MODE_TRANSPORT;
	pol.natt = true;
	pol.force_float = vc->p.force_natt;
	pol.send_deletes = true;
	pol.allow_des = vc->p.allow_des;
	pol.sha256_96 = vc->p.sha256_96;
	pol.pfs_group = vc->p.pfs_group;
	pol.dpd_interval_ns = (uint64_t)(vc->p.dpd_s ? vc->p.dpd_s : 30) * NS;
	pol.dpd_timeout_ns = pol.dpd_interval_ns * 4;
	rc = isakmp_policy_add(vc->ike, &pol, &vc->policy);
	sodium_memzero(&pol, sizeof(pol));
	if (rc != ISAKMP_OK) {
		snprintf(err, errlen, "libisakmp policy: %s", isakmp_strerror(rc));
		goto fail;
	}
	{
		struct esp_config c;
		struct esp_hooks eh = { .user = vc, .rng = lib_rng, .log = lib_log };

		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.max_sas = vc->cap * 8 + 8;
		c.max_events = vc->cap * 4 + 64;
		c.allow_des = vc->p.allow_des;
		if ((rc = esp_ctx_new(&vc->esp, &c, &eh)) != ESP_OK) {
			snprintf(err, errlen, "libesp: %s", esp_strerror(rc));
			goto fail;
		}
	}
	{
		struct l2tp_config c;
		struct l2tp_hooks lh = { .user = vc, .rng = lib_rng, .log = lib_log };

		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.roles = L2TP_ROLE_LAC;
		snprintf(c.hostname, sizeof(c.hostname), "vpn-client");
		c.max_tunnels = vc->cap + 8;
		c.max_half_open = vc->cap + 8;
		c.max_events = vc->cap * 4 + 64;
		c.max_output = vc->cap * 4 + 64;
		c.tolerate_missing_hello = true;
		if ((rc = l2tp_ctx_new(&vc->l2tp, &c, &lh)) != L2TP_OK) {
			snprintf(err, errlen, "libl2tp: %s", l2tp_strerror(rc));
			goto fail;
		}
	}
	{
		struct ppp_config c;
		struct ppp_hooks ph = { .user = vc, .rng = lib_rng, .log = lib_log };

		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.max_sessions = vc->cap + 8;
		c.ctx_max_events = vc->cap * 8 + 64;
		c.ctx_max_output = vc->cap * 8 + 64;
		if ((rc = ppp_ctx_new(&vc->ppp, &c, &ph)) != PPP_OK) {
			snprintf(err, errlen, "libppp: %s", ppp_strerror(rc));
			goto fail;
		}
	}
	*out = vc;
	return 0;
fail:
	vc_free(vc);
	return -1;
}

static void
sa_free_all(struct vc *vc, struct vc_conn *c)
{
	while (c->sas != NULL) {
		struct vc_sa *s = c->sas;

		c->sas = s->next;
		if (vc->esp != NULL) {
			esp_sa_delete(vc->esp, s->in);
			esp_sa_delete(vc->esp, s->out);
		}
		free(s);
	}
	c->cur = NULL;
}

void
vc_free(struct vc *vc)
{
	uint32_t i;

	if (vc == NULL)
		return;
	for (i = 0; i < vc->n; i++) {
		sa_free_all(vc, &vc->conns[i]);
		if (vc->conns[i].ppp != NULL)
			ppp_session_free(vc->conns[i].ppp);
	}
	ppp_ctx_free(vc->ppp);
	l2tp_ctx_free(vc->l2tp);
	esp_ctx_free(vc->esp);
	isakmp_ctx_free(vc->ike);
	rg_heap_fini(&vc->heap, h_free, NULL);
	free(vc->conns);
	free(vc->evq);
	sodium_memzero(&vc->p, sizeof(vc->p));
	free(vc);
}

int
vc_add(struct vc *vc, uint32_t local_ip)
{
	struct vc_conn *c;

	if (vc->n >= vc->cap || rg_heap_reserve(&vc->heap, h_alloc, h_free, NULL) != 0)
		return -1;
	c = &vc->conns[vc->n];
	memset(c, 0, sizeof(*c));
	c->vc = vc;
	c->idx = vc->n;
	c->local_ip = local_ip;
	c->timer.when = UINT64_MAX;
	c->info.local_ip = local_ip;
	c->info.local_port = ISAKMP_PORT;
	return (int)vc->n++;
}

uint32_t
vc_count(const struct vc *vc)
{
	return vc->n;
}

void *
vc_client_ptr(const struct vc *vc, uint32_t idx)
{
	return idx < vc->n ? &vc->conns[idx] : NULL;
}

bool
vc_get_info(const struct vc *vc, uint32_t idx, struct vc_info *info)
{
	if (idx >= vc->n)
		return false;
	*info = vc->conns[idx].info;
	info->state = vc->conns[idx].state;
	return true;
}

/* ---- events to the application ---------------------------------------- */

static void
push_event(struct vc *vc, enum vc_event_type t, uint32_t idx)
{
	if (vc->ev_n == vc->ev_cap)
		return;
	vc->evq[(vc->ev_head + vc->ev_n) % vc->ev_cap] = (struct vc_event){ t, idx };
	vc->ev_n++;
}

bool
vc_next_event(struct vc *vc, struct vc_event *ev)
{
	if (vc->ev_n == 0)
		return false;
	*ev = vc->evq[vc->ev_head];
	vc->ev_head = (vc->ev_head + 1) % vc->ev_cap;
	vc->ev_n--;
	return true;
}

static void
set_timer(struct vc *vc, struct vc_conn *c, uint64_t when)
{
	rg_heap_set(&vc->heap, &c->timer, when);
}

/* The connection is finished (failed, dropped or closed). */
static void
conn_end(struct vc *vc, uint64_t now, struct vc_conn *c, const char *why, bool failed)
{
	bool was_up = c->info.up_ns != 0;

	if (c->state == VC_DOWN || c->state == VC_IDLE)
		return;
	if (c->info.why[0] == '\0')
		snprintf(c->info.why, sizeof(c->info.why), "%s", why);
	vlog(vc, c->idx, failed ? 4 : 6, "%s: %s", failed ? "connection failed" :
	    "disconnected", c->info.why);
	if (c->ppp != NULL) {
		ppp_session_free(c->ppp);
		c->ppp = NULL;
	}
	(void)l2tp_peer_drop(vc->l2tp, (uint64_t)(uintptr_t)c);
	/* The IPsec SAs go with the IPSEC_SA_DOWN events this raises. */
	if (c->peer_id != 0 && c->state != VC_CLOSING)
		(void)isakmp_peer_delete(vc->ike, now, c->peer_id);
	c->peer_id = 0;
	c->tunnel_up = c->session_up = false;
	c->state = VC_DOWN;
	c->info.down_ns = now;
	c->info.addr = 0;
	set_timer(vc, c, UINT64_MAX);
	push_event(vc, failed && !was_up ? VC_EV_FAILED : VC_EV_DOWN, c->idx);
}

int
vc_connect(struct vc *vc, uint64_t now, uint32_t idx)
{
	struct vc_conn *c;
	struct isakmp_addr local, remote;
	int rc;

	if (idx >= vc->n)
		return -1;
	c = &vc->conns[idx];
	if (c->state != VC_IDLE && c->state != VC_DOWN)
		return -1;
	memset(&c->info, 0, sizeof(c->info));
	c->info.local_ip = c->local_ip;
	c->info.local_port = ISAKMP_PORT;
	c->info.started_ns = now;
	c->ppp_done = false;
	c->close_step = 0;
	c->l2tp_port = L2TP_UDP_PORT;
	if (vc->p.l2tp_random_port) {
		uint16_t r = 0;

		(void)vc->h.rng(vc->h.user, &r, sizeof(r));
		c->l2tp_port = (uint16_t)(49152 + r % 16384);
	}
	local.ip = c->local_ip;
	local.port = ISAKMP_PORT;
	remote.ip = vc->p.gw_ip;
	remote.port = ISAKMP_PORT;
	rc = isakmp_initiate(vc->ike, now, vc->policy, &local, &remote, &c->peer_id);
	if (rc != ISAKMP_OK) {
		snprintf(c->info.why, sizeof(c->info.why), "IKE: %s", isakmp_strerror(rc));
		c->state = VC_DOWN;
		push_event(vc, VC_EV_FAILED, idx);
		return -1;
	}
	(void)isakmp_peer_set_user(vc->ike, c->peer_id, (uint64_t)(uintptr_t)c);
	c->state = VC_IKE;
	set_timer(vc, c, now + SETUP_TIMEOUT);
	vlog(vc, idx, 6, "ISAKMP MAIN Phase 1 (init) started with %u.%u.%u.%u",
	    vc->p.gw_ip >> 24, (vc->p.gw_ip >> 16) & 255, (vc->p.gw_ip >> 8) & 255,
	    vc->p.gw_ip & 255);
	return 0;
}

static void
close_step(struct vc *vc, uint64_t now, struct vc_conn *c)
{
	switch (c->close_step) {
	case 1:		/* PPP terminated (or timed out): CDN + StopCCN */
		c->close_step = 2;
		if (c->ppp != NULL) {
			ppp_session_free(c->ppp);
			c->ppp = NULL;
		}
		if (c->tunnel_up || c->tid != 0) {
			(void)l2tp_tunnel_close(vc->l2tp, now, c->tid,
			    L2TP_STOPCCN_GENERAL_REQUEST);
			set_timer(vc, c, now + CLOSE_STEP);
			return;
		}
		/* fall through */
	case 2:		/* tunnel gone (or timed out): Deletes */
		c->close_step = 3;
		if (c->peer_id != 0)
			(void)isakmp_peer_delete(vc->ike, now, c->peer_id);
		/* A connection that never came up failed, whatever ended it. */
		conn_end(vc, now, c, "disconnected by the user", c->info.up_ns == 0);
		return;
	default:
		return;
	}
}

int
vc_disconnect(struct vc *vc, uint64_t now, uint32_t idx)
{
	struct vc_conn *c;

	if (idx >= vc->n)
		return -1;
	c = &vc->conns[idx];
	if (c->state == VC_DOWN || c->state == VC_IDLE || c->state == VC_CLOSING)
		return 0;
	snprintf(c->info.why, sizeof(c->info.why), "disconnected by the user");
	c->state = VC_CLOSING;
	if (c->ppp != NULL && !c->ppp_done && ppp_session_close(c->ppp, now) == PPP_OK) {
		c->close_step = 1;
		set_timer(vc, c, now + CLOSE_STEP);
		return 0;
	}
	c->close_step = 1;
	close_step(vc, now, c);
	return 0;
}

/* ---- library events --------------------------------------------------- */

static void
ike_event(struct vc *vc, uint64_t now, struct isakmp_event *ev)
{
	struct vc_conn *c = (struct vc_conn *)(uintptr_t)ev->peer_user;
	char why[128];

	if (c == NULL)
		return;
	switch (ev->type) {
	case ISAKMP_EV_PHASE1_UP:
		snprintf(c->info.ike_suite, sizeof(c->info.ike_suite), "%s%u-%s-g%u",
		    ev->p1.enc == ISAKMP_ENC_AES ? "aes" : ev->p1.enc == ISAKMP_ENC_3DES ?
		    "3des" : "des", ev->p1.enc == ISAKMP_ENC_AES ? ev->p1.key_bits : 0,
		    ev->p1.hash == ISAKMP_HASH_MD5 ? "md5" : ev->p1.hash == ISAKMP_HASH_SHA1 ?
		    "sha1" : "sha2", ev->p1.group);
		c->info.nat = ev->nat_local || ev->nat_remote;
		vlog(vc, c->idx, 6, "ISAKMP MAIN Phase 1 (init) completed: %s%s",
		    c->info.ike_suite, c->info.nat ? ", NAT detected" : "");
		break;
	case ISAKMP_EV_PHASE1_FAILED:
		snprintf(why, sizeof(why), "IKE phase 1 failed: %s", isakmp_strerror(ev->error));
		conn_end(vc, now, c, why, true);
		break;
	case ISAKMP_EV_IPSEC_SA_UP: {
		struct vc_sa *s = calloc(1, sizeof(*s));
		int rc;

		if (s == NULL)
			break;
		rc = sabridge_install(vc->esp, now, &ev->sa, (uint64_t)(uintptr_t)s, &s->in,
		    &s->out);
		if (rc != ESP_OK) {
			free(s);
			snprintf(why, sizeof(why), "ESP SA not installed: %s", esp_strerror(rc));
			conn_end(vc, now, c, why, true);
			break;
		}
		s->c = c;
		s->ipsec_id = ev->ipsec_id;
		s->udp_encap = ev->sa.udp_encap;
		s->created = now;
		s->next = c->sas;
		c->sas = s;
		c->cur = s;
		c->out_local.ip = ev->sa.local.ip;
		c->out_local.port = ev->sa.local.port;
		c->out_remote.ip = ev->sa.remote.ip;
		c->out_remote.port = ev->sa.remote.port;
		c->info.local_port = ev->sa.local.port;
		(void)isakmp_ipsec_sa_set_user(vc->ike, ev->ipsec_id, (uint64_t)(uintptr_t)s);
		sabridge_suite_name(&ev->sa, c->info.suite, sizeof(c->info.suite));
		vlog(vc, c->idx, 6, "IPsec SA up: %s, SPI in %08x out %08x%s%s", c->info.suite,
		    ev->sa.spi_in, ev->sa.spi_out, ev->sa.udp_encap ? ", ESP in UDP" : "",
		    ev->replaces ? " (rekey)" : "");
		if (c->state == VC_IKE) {
			c->state = VC_L2TP;
			if (l2tp_tunnel_open(vc->l2tp, now, (uint64_t)(uintptr_t)c, &c->tid)
			    != L2TP_OK)
				conn_end(vc, now, c, "L2TP tunnel could not be opened", true);
		}
		break;
	}
	case ISAKMP_EV_IPSEC_SA_DOWN: {
		struct vc_sa *s, **pp;

		for (s = c->sas; s != NULL && s->ipsec_id != ev->ipsec_id; s = s->next)
			;
		if (s == NULL)
			break;
		for (pp = &c->sas; *pp != NULL; pp = &(*pp)->next)
			if (*pp == s) {
				*pp = s->next;
				break;
			}
		if (c->cur == s) {
			struct vc_sa *x;

			c->cur = NULL;
			for (x = c->sas; x != NULL; x = x->next)
				if (c->cur == NULL || x->created > c->cur->created)
					c->cur = x;
		}
		esp_sa_delete(vc->esp, s->in);
		esp_sa_delete(vc->esp, s->out);
		free(s);
		break;
	}
	case ISAKMP_EV_PEER_MOVED:
		c->out_remote.ip = ev->remote.ip;
		c->out_remote.port = ev->remote.port;
		break;
	case ISAKMP_EV_PEER_DOWN:
		snprintf(why, sizeof(why), "the gateway is gone (%s)",
		    isakmp_reason_name(ev->reason));
		c->peer_id = 0;
		if (c->state == VC_CLOSING)
			conn_end(vc, now, c, c->info.why, false);
		else
			conn_end(vc, now, c, why, c->state != VC_UP);
		break;
	default:
		break;
	}
}

static void
l2tp_event(struct vc *vc, uint64_t now, const struct l2tp_event *ev)
{
	struct vc_conn *c = (struct vc_conn *)(uintptr_t)ev->peer_handle;
	char why[112];

	if (c == NULL || c->state == VC_DOWN)
		return;
	switch (ev->type) {
	case L2TP_EV_TUNNEL_UP:
		c->tunnel_up = true;
		vlog(vc, c->idx, 6, "L2TP tunnel %u up", ev->tunnel_id);
		if (l2tp_session_open(vc->l2tp, now, ev->tunnel_id, &c->sid) != L2TP_OK)
			conn_end(vc, now, c, "L2TP call could not be placed", true);
		break;
	case L2TP_EV_SESSION_UP: {
		struct ppp_session_config sc;
		size_t i;
		int rc;

		c->session_up = true;
		c->state = VC_PPP;
		memset(&sc, 0, sizeof(sc));
		sc.size = sizeof(sc);
		sc.username = c->vc->p.user;
		sc.username_len = strlen(c->vc->p.user);
		sc.password = c->vc->p.password;
		sc.password_len = strlen(c->vc->p.password);
		sc.user = (uint64_t)(uintptr_t)c;
		for (i = 0; i < vc->p.n_auth; i++)
			sc.auth[sc.n_auth++] = vc->p.auth[i];
		if (sc.n_auth == 0) {
			sc.auth[sc.n_auth++] = PPP_AUTH_MSCHAPV2;
			sc.auth[sc.n_auth++] = PPP_AUTH_CHAP_MD5;
		}
		sc.echo_interval_ns = (uint64_t)(vc->p.lcp_echo_s ? vc->p.lcp_echo_s : 30) * NS;
		sc.mru = vc->p.mru;
		if (sc.mru == 0 && c->cur != NULL) {
			struct vc_info *in = &c->info;

			(void)in;
			sc.mru = 1400;
		}
		rc = ppp_session_new(vc->ppp, now, PPP_ROLE_CLIENT, &sc, &c->ppp);
		if (rc != PPP_OK) {
			snprintf(why, sizeof(why), "PPP: %s", ppp_strerror(rc));
			conn_end(vc, now, c, why, true);
			break;
		}
		vlog(vc, c->idx, 6, "L2TP call %u/%u up, PPP starting", ev->tunnel_id,
		    ev->session_id);
		break;
	}
	case L2TP_EV_SESSION_DOWN:
		c->session_up = false;
		if (c->state == VC_CLOSING)
			break;
		snprintf(why, sizeof(why), "L2TP call closed by the gateway%s%s",
		    ev->result ? ": " : "", ev->result ? l2tp_result_str(false, ev->result) : "");
		conn_end(vc, now, c, why, c->state != VC_UP);
		break;
	case L2TP_EV_TUNNEL_DOWN:
		c->tunnel_up = false;
		if (c->state == VC_CLOSING) {
			if (c->close_step == 2)
				close_step(vc, now, c);
			break;
		}
		snprintf(why, sizeof(why), "L2TP tunnel closed%s%s",
		    ev->result || ev->reason ? ": " : "",
		    ev->result ? l2tp_result_str(true, ev->result) :
		    ev->reason ? l2tp_strerror(ev->reason) : "");
		conn_end(vc, now, c, why, c->state != VC_UP);
		break;
	default:
		break;
	}
}

static void
ppp_event(struct vc *vc, uint64_t now, struct ppp_event *ev)
{
	struct vc_conn *c = (struct vc_conn *)(uintptr_t)ev->user;

	if (c == NULL || c->ppp == NULL)
		return;
	switch (ev->type) {
	case PPP_EV_AUTH_RESULT:
		if (ev->auth_ok) {
			struct ppp_session_info in;

			if (ppp_session_get_info(c->ppp, now, &in) == PPP_OK)
				c->info.auth = in.auth_method;
			vlog(vc, c->idx, 6, "PPP authenticated (%s)",
			    ppp_auth_method_name(c->info.auth));
		} else {
			c->info.auth_error = ev->auth_error;
			snprintf(c->info.why, sizeof(c->info.why), "PPP authentication failed%s",
			    ev->auth_error == 691 ? ": wrong user name or password (E=691)" :
			    ev->auth_error ? " (MS-CHAPv2 error)" : "");
			/* What the server said (a RADIUS Reply-Message relayed
			 * by the gateway), as Windows shows it. */
			if (ev->auth_message[0] != '\0')
				vlog(vc, c->idx, 5, "PPP: the server says \"%s\"",
				    ev->auth_message);
		}
		break;
	case PPP_EV_IP_UP: {
		struct ppp_session_info in;

		c->info.addr = ev->ip.peer_addr;
		c->info.peer_addr = ev->ip.local_addr;
		/* For the client, local_addr is its own: the library reports
		 * the session's view (local = ours). */
		c->info.addr = ev->ip.local_addr;
		c->info.peer_addr = ev->ip.peer_addr;
		c->info.dns[0] = ev->ip.dns[0];
		c->info.dns[1] = ev->ip.dns[1];
		c->info.mtu = 1400;
		if (ppp_session_get_info(c->ppp, now, &in) == PPP_OK && in.peer_mru > 0)
			c->info.mtu = in.peer_mru;
		c->info.up_ns = now;
		c->state = VC_UP;
		set_timer(vc, c, UINT64_MAX);
		vlog(vc, c->idx, 6, "connected: address %u.%u.%u.%u, MTU %u",
		    c->info.addr >> 24, (c->info.addr >> 16) & 255, (c->info.addr >> 8) & 255,
		    c->info.addr & 255, c->info.mtu);
		push_event(vc, VC_EV_UP, c->idx);
		break;
	}
	case PPP_EV_LINK_DOWN:
		c->ppp_done = true;
		if (c->state == VC_CLOSING) {
			vc->deferred = true;
			break;
		}
		if (c->info.why[0] == '\0')
			snprintf(c->info.why, sizeof(c->info.why), "PPP ended: %s",
			    ppp_down_reason_name(ev->reason));
		/* Leave orderly: CDN, StopCCN, Deletes. */
		c->state = VC_CLOSING;
		c->close_step = 1;
		vc->deferred = true;
		break;
	default:
		break;
	}
}

static void
esp_event(struct vc *vc, uint64_t now, const struct esp_event *ev)
{
	struct vc_sa *s = (struct vc_sa *)(uintptr_t)ev->user;

	if (s == NULL)
		return;
	if (ev->type == ESP_EV_SOFT_EXPIRE || ev->type == ESP_EV_REKEY) {
		if (isakmp_ipsec_sa_rekey(vc->ike, now, s->ipsec_id) != ISAKMP_OK)
			vlog(vc, s->c->idx, 4, "IPsec SA rekey could not start");
	} else if (ev->type == ESP_EV_HARD_EXPIRE) {
		if (isakmp_ipsec_sa_delete(vc->ike, now, s->ipsec_id,
		    ISAKMP_REASON_EXPIRED) != ISAKMP_OK)
			vlog(vc, s->c->idx, 4, "IPsec SA delete failed");
	}
}

static void
pump(struct vc *vc, uint64_t now)
{
	bool more;

	do {
		struct isakmp_event ie;
		struct esp_event ee;
		struct l2tp_event le;
		struct ppp_event pe;

		more = false;
		while (isakmp_next_event(vc->ike, &ie)) {
			ike_event(vc, now, &ie);
			isakmp_event_wipe(&ie);
			more = true;
		}
		while (esp_next_event(vc->esp, &ee)) {
			esp_event(vc, now, &ee);
			more = true;
		}
		/* PPP first: its verdict (say, a failed authentication) explains
		 * the L2TP teardown that the same datagrams brought. */
		while (ppp_next_event(vc->ppp, &pe)) {
			ppp_event(vc, now, &pe);
			ppp_event_wipe(&pe);
			more = true;
		}
		while (l2tp_next_event(vc->l2tp, &le)) {
			l2tp_event(vc, now, &le);
			more = true;
		}
	} while (more);
}

/* ---- data path -------------------------------------------------------- */

static bool
seal(struct vc *vc, uint64_t now, struct vc_conn *c, struct rg_pkt *p)
{
	struct vc_sa *s = c->cur;

	if (s == NULL || p->off < PKT_UDP_HDR + ESP_HEADROOM ||
	    p->off + p->len + ESP_TAILROOM > p->cap)
		return false;
	p->off -= PKT_UDP_HDR;
	pkt_udp_build(p->buf + p->off, c->l2tp_port, L2TP_UDP_PORT, (uint16_t)p->len);
	p->len += PKT_UDP_HDR;
	if (esp_sa_encrypt(vc->esp, now, s->out, 17, p->buf, p->cap, &p->off, &p->len) !=
	    ESP_OK)
		return false;
	p->local = c->out_local;
	p->remote = c->out_remote;
	p->path = s->udp_encap ? RG_PATH_UDP : RG_PATH_ESP;
	return true;
}

int
vc_send_ip(struct vc *vc, uint64_t now, uint32_t idx, struct rg_pkt *p)
{
	struct vc_conn *c;
	uint64_t handle;
	size_t iplen = p->len;

	p->path = RG_PATH_NONE;
	if (idx >= vc->n)
		return -1;
	c = &vc->conns[idx];
	if (c->state != VC_UP || c->ppp == NULL)
		return -1;
	if (ppp_session_encap(c->ppp, p->buf, p->cap, &p->off, &p->len) != PPP_OK ||
	    l2tp_session_encap(vc->l2tp, c->tid, c->sid, p->buf, p->cap, &p->off, &p->len,
	    &handle) != L2TP_OK || !seal(vc, now, c, p)) {
		p->path = RG_PATH_NONE;
		return -1;
	}
	c->info.pkts_out++;
	c->info.bytes_out += iplen;
	return 0;
}

static void
esp_in(struct vc *vc, uint64_t now, struct rg_pkt *p, const struct esp_endpoint *from)
{
	struct esp_rx rx;
	struct l2tp_rx lrx;
	struct ppp_rx prx;
	struct vc_sa *s;
	struct vc_conn *c;
	uint8_t *u;
	uint16_t ulen;

	p->path = RG_PATH_NONE;
	if (esp_input(vc->esp, now, p->buf + p->off, p->len, from, &rx) != ESP_OK)
		return;
	s = (struct vc_sa *)(uintptr_t)rx.user;
	if (s == NULL || (c = s->c) == NULL)
		return;
	if (now - c->last_heard >= NS && c->peer_id != 0) {
		c->last_heard = now;
		(void)isakmp_peer_heard(vc->ike, now, c->peer_id);
	}
	if (rx.next_header != 17 || rx.len < PKT_UDP_HDR)
		return;
	u = p->buf + p->off + rx.off;
	ulen = pkt_get16(u + 4);
	if (ulen < PKT_UDP_HDR || ulen > rx.len)
		return;
	if (l2tp_input(vc->l2tp, now, (uint64_t)(uintptr_t)c, u + PKT_UDP_HDR,
	    ulen - PKT_UDP_HDR, &lrx) != L2TP_OK || lrx.kind != L2TP_RX_PPP || c->ppp == NULL)
		return;
	u += PKT_UDP_HDR + lrx.off;
	if (ppp_session_input(c->ppp, now, u, lrx.len, &prx) != PPP_OK ||
	    prx.kind != PPP_RX_IP)
		return;
	p->off = (size_t)(u + prx.off - p->buf);
	p->len = prx.len;
	p->path = RG_PATH_TUN;
	p->ctx = c;
	c->info.pkts_in++;
	c->info.bytes_in += prx.len;
}

void
vc_input(struct vc *vc, uint64_t now, struct rg_pkt *pkts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct rg_pkt *p = &pkts[i];

		switch (p->path) {
		case RG_PATH_UDP: {
			struct isakmp_addr from = { p->remote.ip, p->remote.port };
			struct isakmp_addr to = { p->local.ip, p->local.port };
			struct esp_endpoint ef = { p->remote.ip, p->remote.port };
			int k = ISAKMP_PORT;

			if (p->remote.port != ISAKMP_PORT)
				k = esp_udp_classify(vc->esp, p->buf + p->off, p->len);
			if (p->remote.port == ISAKMP_PORT || k == ESP_UDP_IKE) {
				if (isakmp_input(vc->ike, now, p->buf + p->off, p->len, &from,
				    &to) != ISAKMP_OK)
					vc->ike_drops++;
			}
			else if (k == ESP_UDP_ESP) {
				esp_in(vc, now, p, &ef);
				break;
			}
			p->path = RG_PATH_NONE;
			break;
		}
		case RG_PATH_ESP: {
			struct pkt_ip ip;
			struct esp_endpoint ef;

			if (pkt_ip_parse(p->buf + p->off, p->len, &ip) != 0 || ip.proto != 50 ||
			    ip.mf || ip.frag_off) {
				p->path = RG_PATH_NONE;
				break;
			}
			ef.ip = ip.src;
			ef.port = 0;
			p->off += ip.hlen;
			p->len = ip.tot_len - ip.hlen;
			esp_in(vc, now, p, &ef);
			break;
		}
		case RG_PATH_TUN: {
			struct vc_conn *c = p->ctx;
			uint32_t j;

			if (c == NULL && p->len >= 20) {
				uint32_t src = pkt_get32(p->buf + p->off + 12);

				for (j = 0; j < vc->n; j++)
					if (vc->conns[j].state == VC_UP && vc->conns[j].info.addr == src)
						c = &vc->conns[j];
			}
			if (c == NULL || vc_send_ip(vc, now, c->idx, p) != 0)
				p->path = RG_PATH_NONE;
			break;
		}
		default:
			p->path = RG_PATH_NONE;
			break;
		}
	}
	pump(vc, now);
}

bool
vc_next_output(struct vc *vc, uint64_t now, struct rg_pkt *p)
{
	for (;;) {
		struct isakmp_addr from, to;
		struct ppp_session *ps;
		uint64_t handle, user;
		size_t len;

		p->off = RG_HEADROOM;
		p->len = 0;
		p->path = RG_PATH_NONE;
		p->ctx = NULL;
		if (isakmp_next_output(vc->ike, now, p->buf + p->off,
		    p->cap - p->off - RG_TAILROOM, &len, &from, &to) == ISAKMP_OK) {
			p->len = len;
			p->path = RG_PATH_UDP;
			p->local.ip = from.ip;
			p->local.port = from.port;
			p->remote.ip = to.ip;
			p->remote.port = to.port;
			return true;
		}
		if (l2tp_next_output(vc->l2tp, now, p->buf + p->off,
		    p->cap - p->off - RG_TAILROOM, &len, &handle) == L2TP_OK) {
			struct vc_conn *c = (struct vc_conn *)(uintptr_t)handle;

			p->len = len;
			if (c == NULL || !seal(vc, now, c, p))
				continue;
			p->ctx = c;
			return true;
		}
		if (ppp_next_output(vc->ppp, p->buf + p->off, p->cap - p->off - RG_TAILROOM,
		    &len, &ps, &user) == PPP_OK) {
			struct vc_conn *c = (struct vc_conn *)(uintptr_t)user;

			p->len = len;
			if (c == NULL || l2tp_session_encap(vc->l2tp, c->tid, c->sid, p->buf,
			    p->cap, &p->off, &p->len, &handle) != L2TP_OK || !seal(vc, now, c, p))
				continue;
			p->ctx = c;
			return true;
		}
		if (vc->deferred) {
			uint32_t i;

			vc->deferred = false;
			for (i = 0; i < vc->n; i++) {
				struct vc_conn *c = &vc->conns[i];

				if (c->state == VC_CLOSING && c->ppp_done && c->close_step == 1)
					close_step(vc, now, c);
			}
			pump(vc, now);
			continue;
		}
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
vc_next_timeout(const struct vc *vc)
{
	uint64_t t = isakmp_next_timeout(vc->ike);

	t = min64(t, esp_next_timeout(vc->esp));
	t = min64(t, l2tp_next_timeout(vc->l2tp));
	t = min64(t, ppp_next_timeout(vc->ppp));
	return min64(t, rg_heap_min(&vc->heap));
}

void
vc_handle_timeout(struct vc *vc, uint64_t now)
{
	struct rg_heap_node *n;

	if (isakmp_next_timeout(vc->ike) <= now)
		(void)isakmp_handle_timeout(vc->ike, now);
	if (esp_next_timeout(vc->esp) <= now)
		(void)esp_handle_timeout(vc->esp, now);
	if (l2tp_next_timeout(vc->l2tp) <= now)
		(void)l2tp_handle_timeout(vc->l2tp, now);
	if (ppp_next_timeout(vc->ppp) <= now)
		(void)ppp_handle_timeout(vc->ppp, now);
	pump(vc, now);
	while ((n = rg_heap_top(&vc->heap)) != NULL && n->when <= now) {
		struct vc_conn *c = RG_HEAP_ENTRY(n, struct vc_conn, timer);
		char why[96];

		rg_heap_set(&vc->heap, n, UINT64_MAX);
		if (c->state == VC_CLOSING) {
			close_step(vc, now, c);
		} else if (c->state != VC_UP && c->state != VC_DOWN && c->state != VC_IDLE) {
			snprintf(why, sizeof(why), "no answer: setup timed out in state %s",
			    vc_state_name(c->state));
			conn_end(vc, now, c, why, true);
		}
		pump(vc, now);
	}
}
