/* harness.c - see harness.h. */
#include <string.h>

#include "harness.h"

void
h_default_config(struct l2tp_config *cfg, unsigned roles)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	cfg->roles = roles;
	strcpy(cfg->hostname, roles == L2TP_ROLE_LAC ? "lac.test" : "lns.test");
}

static int
w_rng(void *u, void *b, size_t n)
{
	return ts_rng_cb(&((struct h_peer *)u)->rng, b, n);
}

/* Blocks carry their size in 16 bytes in front, for the free-time scan. */
#define H_BLOCK_HDR 16

static void *
w_alloc(void *u, size_t n)
{
	uint8_t *b = ts_alloc_cb(&((struct h_peer *)u)->al, n + H_BLOCK_HDR);

	if (b == NULL)
		return NULL;
	memcpy(b, &n, sizeof(n));
	return b + H_BLOCK_HDR;
}

static bool
contains(const uint8_t *hay, size_t hlen, const void *needle, size_t nlen)
{
	size_t i;

	for (i = 0; nlen > 0 && i + nlen <= hlen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return true;
	return false;
}

static void
w_free(void *u, void *ptr)
{
	struct h_peer *pe = u;
	uint8_t *b;
	size_t n;

	if (ptr == NULL)
		return;
	b = (uint8_t *)ptr - H_BLOCK_HDR;
	memcpy(&n, b, sizeof(n));
	if (pe->scan_len > 0 && contains(ptr, n, pe->scan, pe->scan_len))
		pe->scan_hits++;
	ts_free_cb(&pe->al, b);
}

static void
w_log(void *u, int level, const char *msg)
{
	ts_log_cb(&((struct h_peer *)u)->log, level, msg);
}

int
h_peer_init(struct h_peer *pe, const struct l2tp_config *cfg, uint64_t seed)
{
	memset(pe, 0, sizeof(*pe));
	pe->seed = seed;
	ts_rng_init(&pe->rng, seed);
	ts_alloc_init(&pe->al);
	ts_log_init(&pe->log);
	pe->hooks.user = pe;
	pe->hooks.rng = w_rng;
	pe->hooks.alloc = w_alloc;
	pe->hooks.free = w_free;
	pe->hooks.log = w_log;
	return l2tp_ctx_new(&pe->ctx, cfg, &pe->hooks);
}

int
h_pair_init(struct h_pair *p, const struct l2tp_config *lac_cfg,
    const struct l2tp_config *lns_cfg)
{
	struct l2tp_config a, b;
	int rc;

	memset(p, 0, sizeof(*p));
	h_default_config(&a, L2TP_ROLE_LAC);
	h_default_config(&b, L2TP_ROLE_LNS);
	rc = h_peer_init(&p->lac, lac_cfg != NULL ? lac_cfg : &a, 11);
	if (rc == 0)
		rc = h_peer_init(&p->lns, lns_cfg != NULL ? lns_cfg : &b, 22);
	p->now = 1000000000ull;
	return rc;
}

int
h_restart_lac(struct h_pair *p, const struct l2tp_config *cfg)
{
	struct l2tp_config a;

	l2tp_ctx_free(p->lac.ctx);
	h_default_config(&a, L2TP_ROLE_LAC);
	return h_peer_init(&p->lac, cfg != NULL ? cfg : &a, p->lac.seed);
}

int
h_send_data(struct h_pair *p, struct h_peer *from, struct h_peer *to, uint64_t handle,
    uint16_t tid, uint16_t sid, const uint8_t *ppp, size_t len)
{
	static uint8_t buf[L2TP_DATA_HEADROOM + 65536];
	size_t off = L2TP_DATA_HEADROOM, n = len;
	uint64_t ph = 0;
	int rc;

	if (len > sizeof(buf) - off)
		return L2TP_E_INVAL;
	memcpy(buf + off, ppp, len);
	rc = l2tp_session_encap(from->ctx, tid, sid, buf, sizeof(buf), &off, &n, &ph);
	if (rc != 0)
		return rc;
	return h_input(to, p->now, handle, buf + off, n);
}

void
h_pair_free(struct h_pair *p)
{
	l2tp_ctx_free(p->lac.ctx);
	l2tp_ctx_free(p->lns.ctx);
	p->lac.ctx = p->lns.ctx = NULL;
}

void
h_drain(struct h_peer *pe)
{
	struct l2tp_event ev;

	while (l2tp_next_event(pe->ctx, &ev)) {
		if ((unsigned)ev.type < 8) {
			pe->ev_count[ev.type]++;
			pe->last[ev.type] = ev;
		}
		if (ev.type == L2TP_EV_PROXY && ev.proxy.authen_name != NULL &&
		    ev.proxy.authen_name_len <= sizeof(pe->proxy_name)) {
			memcpy(pe->proxy_name, ev.proxy.authen_name, ev.proxy.authen_name_len);
			pe->proxy_name_len = ev.proxy.authen_name_len;
		}
		if (ev.type == L2TP_EV_PROXY && ev.proxy.authen_response != NULL &&
		    ev.proxy.authen_response_len <= sizeof(pe->proxy_resp)) {
			memcpy(pe->proxy_resp, ev.proxy.authen_response, ev.proxy.authen_response_len);
			pe->proxy_resp_len = ev.proxy.authen_response_len;
		}
	}
}

int
h_input(struct h_peer *pe, uint64_t now, uint64_t handle, const uint8_t *d, size_t len)
{
	struct l2tp_rx rx;
	int rc;

	memset(&rx, 0xa5, sizeof(rx));        /* the library must set kind */
	rc = l2tp_input(pe->ctx, now, handle, d, len, &rx);
	if (rc == 0 && rx.kind == L2TP_RX_PPP) {
		pe->rx_ppp++;
		pe->last_rx = rx;
		if (rx.off <= len && rx.len <= len - rx.off && rx.len <= sizeof(pe->last_ppp)) {
			memcpy(pe->last_ppp, d + rx.off, rx.len);
			pe->last_ppp_len = rx.len;
		}
	}
	return rc;
}

struct l2tp_stats
h_stats(struct h_peer *pe)
{
	struct l2tp_stats s;

	l2tp_get_stats(pe->ctx, &s);
	return s;
}

unsigned
h_pump(struct h_pair *p)
{
	uint8_t buf[L2TP_MAX_DGRAM];
	size_t len;
	uint64_t ph;
	unsigned moved = 0, round;
	bool any;

	for (round = 0; round < 10000; round++) {
		any = false;
		while (l2tp_next_output(p->lac.ctx, p->now, buf, sizeof(buf), &len, &ph) == 0) {
			any = true;
			p->seen++;
			if (p->filter != NULL && p->filter(p, true, buf, &len))
				continue;
			moved++;
			p->last_rc_lns = h_input(&p->lns, p->now, H_LAC_HANDLE, buf, len);
		}
		while (l2tp_next_output(p->lns.ctx, p->now, buf, sizeof(buf), &len, &ph) == 0) {
			any = true;
			p->seen++;
			if (p->filter != NULL && p->filter(p, false, buf, &len))
				continue;
			moved++;
			p->last_rc_lac = h_input(&p->lac, p->now, H_LNS_HANDLE, buf, len);
		}
		if (!any)
			break;
	}
	h_drain(&p->lac);
	h_drain(&p->lns);
	return moved;
}

bool
h_step_timer(struct h_pair *p, uint64_t limit)
{
	uint64_t a = l2tp_next_timeout(p->lac.ctx), b = l2tp_next_timeout(p->lns.ctx);
	uint64_t t = a < b ? a : b;

	if (t == UINT64_MAX || t > limit)
		return false;
	if (t > p->now)
		p->now = t;
	(void)l2tp_handle_timeout(p->lac.ctx, p->now);
	(void)l2tp_handle_timeout(p->lns.ctx, p->now);
	h_pump(p);
	return true;
}

int
h_setup(struct h_pair *p, uint16_t *tid, uint16_t *sid)
{
	int rc = l2tp_tunnel_open(p->lac.ctx, p->now, H_LNS_HANDLE, tid);

	if (rc != 0)
		return rc;
	rc = l2tp_session_open(p->lac.ctx, p->now, *tid, sid);
	if (rc != 0)
		return rc;
	h_pump(p);
	if (p->lac.ev_count[L2TP_EV_TUNNEL_UP] == 0 || p->lns.ev_count[L2TP_EV_TUNNEL_UP] == 0 ||
	    p->lac.ev_count[L2TP_EV_SESSION_UP] == 0 || p->lns.ev_count[L2TP_EV_SESSION_UP] == 0)
		return L2TP_E_STATE;
	return 0;
}

unsigned
h_msg_type(const uint8_t *d, size_t len)
{
	if (len < 20 || (d[0] & 0x80) == 0)
		return 0;
	return (unsigned)((d[18] << 8) | d[19]);
}

unsigned
h_collect(struct h_peer *pe, uint8_t bufs[][L2TP_MAX_DGRAM], size_t *lens, unsigned max)
{
	unsigned n = 0;
	uint64_t ph;

	while (n < max && l2tp_next_output(pe->ctx, 0, bufs[n], L2TP_MAX_DGRAM, &lens[n], &ph) == 0)
		n++;
	return n;
}

void
h_append_avp(uint8_t *d, size_t *len, uint16_t flags, uint16_t vendor, uint16_t type,
    const void *val, size_t vlen)
{
	uint8_t *p = d + *len;

	p[0] = (uint8_t)((flags | (6 + vlen)) >> 8);
	p[1] = (uint8_t)(6 + vlen);
	p[2] = (uint8_t)(vendor >> 8);
	p[3] = (uint8_t)vendor;
	p[4] = (uint8_t)(type >> 8);
	p[5] = (uint8_t)type;
	memcpy(p + 6, val, vlen);
	*len += 6 + vlen;
	d[2] = (uint8_t)(*len >> 8);
	d[3] = (uint8_t)*len;
}

size_t
h_build_sccrq(uint8_t *d, uint16_t peer_tid, uint16_t ns)
{
	static const uint8_t tmpl[] = {
		0xc8, 0x02, 0x00, 0x00,  /* T L S, ver 2; Length patched */
		0x00, 0x00, 0x00, 0x00,  /* Tunnel ID 0, Session ID 0 */
		0x00, 0x00, 0x00, 0x00,  /* Ns, Nr */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  /* Message Type SCCRQ */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00,  /* Protocol Version 1.0 */
		0x80, 0x0a, 0x00, 0x00, 0x00, 0x07, 'w', 'i', 'n', '7', /* Host Name */
		0x80, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, /* Framing */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00,  /* Assigned Tunnel ID */
	};
	size_t n = sizeof(tmpl);

	memcpy(d, tmpl, n);
	d[3] = (uint8_t)n;
	d[8] = (uint8_t)(ns >> 8);
	d[9] = (uint8_t)ns;
	d[n - 2] = (uint8_t)(peer_tid >> 8);
	d[n - 1] = (uint8_t)peer_tid;
	return n;
}
