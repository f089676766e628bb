/* harness.c - see harness.h. */
#include <string.h>

#include "harness.h"

void
h_config(struct ppp_config *cfg, enum ppp_auth_method m)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	if (m != PPP_AUTH_NONE) {
		cfg->auth[0] = m;
		cfg->n_auth = 1;
	}
	cfg->local_addr = 0x0a000001;
	cfg->dns[0] = 0x0a000035;
	cfg->dns[1] = 0x0a000036;
	cfg->name = "gw";
}

static int
h_rng(void *u, void *buf, size_t len)
{
	struct harness *h = u;

	if (h->rng_fail > 0) {
		h->rng_fail--;
		return -1;
	}
	return ts_rng_cb(&h->rng, buf, len);
}

static void *
h_alloc(void *u, size_t n)
{
	return ts_alloc_cb(&((struct harness *)u)->alloc, n);
}

static void
h_freecb(void *u, void *p)
{
	ts_free_cb(&((struct harness *)u)->alloc, p);
}

static void
h_log(void *u, int level, const char *msg)
{
	ts_log_cb(&((struct harness *)u)->log, level, msg);
}

void
h_hooks(struct harness *h)
{
	h->hooks.user = h;
	h->hooks.rng = h_rng;
	h->hooks.alloc = h_alloc;
	h->hooks.free = h_freecb;
	h->hooks.log = h_log;
}

int
h_init(struct harness *h, const struct ppp_config *scfg,
    const struct ppp_config *ccfg, const char *user, const char *pw)
{
	struct ppp_session_config sc;
	int rc;

	memset(h, 0, sizeof(*h));
	ts_rng_init(&h->rng, 42);
	ts_rng_init(&h->lossrng, 7);
	ts_alloc_init(&h->alloc);
	ts_log_init(&h->log);
	h_hooks(h);
	h->now = 1000000000ULL;
	h->password = pw;
	h->pool_addr = 0x0a000064;
	if ((rc = ppp_ctx_new(&h->srv.ctx, scfg, &h->hooks)) != 0)
		return rc;
	if ((rc = ppp_ctx_new(&h->cli.ctx, ccfg, &h->hooks)) != 0)
		return rc;
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.username = user;
	sc.username_len = strlen(user);
	sc.password = pw;
	sc.password_len = strlen(pw);
	if ((rc = ppp_session_new(h->srv.ctx, h->now, PPP_ROLE_SERVER, NULL,
	    &h->srv.sess)) != 0)
		return rc;
	return ppp_session_new(h->cli.ctx, h->now, PPP_ROLE_CLIENT, &sc,
	    &h->cli.sess);
}

void
h_free(struct harness *h)
{
	ppp_session_free(h->srv.sess);
	ppp_session_free(h->cli.sess);
	ppp_ctx_free(h->srv.ctx);
	ppp_ctx_free(h->cli.ctx);
	h->srv.sess = h->cli.sess = NULL;
	h->srv.ctx = h->cli.ctx = NULL;
}

void
h_events(struct harness *h, struct h_side *side, bool server)
{
	struct ppp_event ev;
	struct ppp_auth_result res;

	if (side->ctx == NULL)
		return;
	while (ppp_next_event(side->ctx, &ev)) {
		side->events++;
		side->last_user = ev.user;
		switch (ev.type) {
		case PPP_EV_LINK_UP:
			side->link_up = true;
			break;
		case PPP_EV_AUTH_REQUEST:
			side->auth_requests++;
			if (h->hold_auth) {
				h->pending = ev.auth;
				break;
			}
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			if (ppp_auth_check_password(side->ctx, &ev.auth,
			    h->password, strlen(h->password), &res) != 0)
				res.accept = false;
			res.peer_addr = h->static_addr;
			(void)ppp_session_auth_reply(ev.sess, h->now, &res);
			break;
		case PPP_EV_AUTH_RESULT:
			side->auth_done = true;
			side->auth_ok = ev.auth_ok;
			side->auth_error = ev.auth_error;
			memcpy(side->auth_message, ev.auth_message,
			    sizeof(side->auth_message));
			break;
		case PPP_EV_ADDRESS_WANTED:
			if (server)
				(void)ppp_session_set_peer_address(ev.sess,
				    h->now, h->pool_addr);
			break;
		case PPP_EV_IP_UP:
			side->ip_up = true;
			side->ip = ev.ip;
			break;
		case PPP_EV_LINK_DOWN:
			side->down = true;
			side->down_reason = (int)ev.reason;
			break;
		}
		ppp_event_wipe(&ev);
	}
}

int
h_input(struct harness *h, struct h_side *side, const uint8_t *f, size_t len)
{
	struct ppp_rx rx;
	int rc;

	rc = ppp_session_input(side->sess, h->now, f, len, &rx);
	if (rc == PPP_OK && rx.kind == PPP_RX_IP) {
		side->ip_packets++;
		side->last_ip_len = rx.len;
	}
	return rc;
}

int
h_out(struct ppp_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return ppp_next_output(ctx, buf, cap, len, NULL, NULL);
}

int
h_send_ip(struct h_side *side, uint8_t *buf, size_t cap, size_t len,
    size_t *flen)
{
	size_t off = PPP_HEADROOM;
	int rc;

	struct ppp_session_info info;

	if (len + PPP_HEADROOM > cap)
		return PPP_E_BUFFER;
	memset(buf + off, 0x45, len);
	/* The source address is the side's own (a server session drops
	 * other sources: PPP_E_SPOOFED). */
	if (len >= 20 && ppp_session_get_info(side->sess, 0, &info) == 0) {
		buf[off + 12] = (uint8_t)(info.local_addr >> 24);
		buf[off + 13] = (uint8_t)(info.local_addr >> 16);
		buf[off + 14] = (uint8_t)(info.local_addr >> 8);
		buf[off + 15] = (uint8_t)info.local_addr;
	}
	rc = ppp_session_encap(side->sess, buf, cap, &off, &len);
	if (rc == PPP_OK && off != 0)
		return PPP_E_INVAL;
	*flen = len;
	return rc;
}

static unsigned
pct(struct harness *h)
{
	return ts_rng_u32(&h->lossrng) % 100;
}

/* Pulls everything `from` has queued and delivers it to `to`. */
static size_t
transfer(struct harness *h, struct h_side *from, struct h_side *to)
{
	static struct h_frame q[H_MAXQ];
	size_t n = 0, i, moved = 0;
	size_t len;

	while (n < H_MAXQ && h_out(from->ctx, q[n].data, sizeof(q[n].data),
	    &len) == PPP_OK) {
		q[n].len = len;
		n++;
	}
	if (h->reorder_pct > 0 && n > 1 && pct(h) < h->reorder_pct) {
		struct h_frame t = q[0];

		q[0] = q[n - 1];
		q[n - 1] = t;
	}
	for (i = 0; i < n; i++) {
		moved++;
		if (h->drop_pct > 0 && pct(h) < h->drop_pct)
			continue;
		(void)h_input(h, to, q[i].data, q[i].len);
		if (h->dup_pct > 0 && pct(h) < h->dup_pct)
			(void)h_input(h, to, q[i].data, q[i].len);
	}
	h->frames += moved;
	return moved;
}

size_t
h_pump(struct harness *h)
{
	size_t total = 0, m;

	do {
		m = transfer(h, &h->srv, &h->cli);
		h_events(h, &h->cli, false);
		m += transfer(h, &h->cli, &h->srv);
		h_events(h, &h->srv, true);
		total += m;
	} while (m > 0);
	return total;
}

int
h_run(struct harness *h, int max_rounds)
{
	int r;
	uint64_t t, t2;

	for (r = 0; r < max_rounds; r++) {
		h_pump(h);
		if (h->srv.ip_up && h->cli.ip_up)
			return r;
		if (h->srv.down && h->cli.down)
			return r;
		t = ppp_next_timeout(h->srv.ctx);
		t2 = ppp_next_timeout(h->cli.ctx);
		if (t2 < t)
			t = t2;
		if (t == UINT64_MAX)
			return r;
		if (t > h->now)
			h->now = t;
		(void)ppp_handle_timeout(h->srv.ctx, h->now);
		(void)ppp_handle_timeout(h->cli.ctx, h->now);
	}
	return r;
}
