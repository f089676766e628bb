/*
 * simnet.c - the in-memory internet of the composition tests (simnet.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "simnet.h"
#include "testsupport.h"

struct flight {
	struct flight *next;
	int to;			/* >= 0 host, -1 gateway */
	enum rg_path path;
	struct rg_ep local, remote;
	size_t len;
	uint8_t buf[RG_BUF_SIZE];
};

static struct flight *q_head, *q_tail;
static struct ts_rng sim_rng;

static int
rng_cb(void *user, void *buf, size_t len)
{
	(void)user;
	ts_rng_fill(&sim_rng, buf, len);
	return 0;
}

static int
host_rng_cb(void *user, void *buf, size_t len)
{
	ts_rng_fill(user, buf, len);
	return 0;
}

static void
gw_log_cb(void *user, enum gw_log_cat cat, int level, const char *msg)
{
	struct sim *s = user;

	if (level >= 7 && (unsigned)cat < GW_LOG_NCAT)
		s->debug_lines[cat]++;
	snprintf(s->log[s->log_n % 64], sizeof(s->log[0]), "%s", msg);
	s->log_n++;
	if (s->verbose || getenv("SIM_VERBOSE") != NULL)
		fprintf(stderr, "  gw[%d] %s\n", level, msg);
}

static void
vc_log_cb(void *user, uint32_t idx, int level, const char *msg)
{
	(void)user;
	if (getenv("SIM_VERBOSE") != NULL)
		fprintf(stderr, "  client%s%u[%d] %s\n", idx == UINT32_MAX ? "*" : "",
		    idx == UINT32_MAX ? 0 : idx, level, msg);
}

bool
sim_log_has(const struct sim *s, const char *needle)
{
	int i;

	for (i = 0; i < 64 && i < s->log_n; i++)
		if (strstr(s->log[i], needle) != NULL)
			return true;
	return false;
}

static void
keylog_cb(void *user, const char *table, const char *row)
{
	struct sim *s = user;

	if (s->opts.keylog != NULL)
		s->opts.keylog(s->opts.keylog_user, table, row);
}

int
sim_init(struct sim *s, const char *conf_path)
{
	return sim_init2(s, conf_path, NULL);
}

int
sim_init2(struct sim *s, const char *conf_path, const struct sim_opts *opts)
{
	struct gwconf_diag d;
	struct gw_options o;
	struct gw_hooks h;
	char err[256];
	int rc;

	memset(s, 0, sizeof(*s));
	if (opts != NULL)
		s->opts = *opts;
	ts_rng_init(&sim_rng, 1);
	s->now = 1000000000ull;
	gwconf_diag_init(&d);
	rc = gwconf_parse_file(conf_path, &s->conf, &d);
	if (rc == GWCONF_OK)
		rc = gwconf_check(s->conf, &d);
	if (rc != GWCONF_OK) {
		gwconf_diag_print(&d, stderr);
		gwconf_diag_free(&d);
		return -1;
	}
	gwconf_diag_free(&d);
	memset(&o, 0, sizeof(o));
	o.max_peers = o.max_sessions = 256;
	o.max_flows = 4096;
	memset(&h, 0, sizeof(h));
	h.user = s;
	h.rng = rng_cb;
	h.log = gw_log_cb;
	if (s->opts.keylog != NULL)
		h.keylog = keylog_cb;
	if (gw_new(&s->gw, s->conf, &o, &h, err, sizeof(err)) != 0) {
		fprintf(stderr, "gw_new: %s\n", err);
		return -1;
	}
	return 0;
}

void
sim_free(struct sim *s)
{
	struct flight *f;
	int i;

	while ((f = q_head) != NULL) {
		q_head = f->next;
		free(f);
	}
	q_tail = NULL;
	for (i = 0; i < s->n_hosts; i++) {
		vc_free(s->hosts[i].vc);
		free(s->hosts[i].rng);
	}
	gw_free(s->gw);
	gwconf_free(s->conf);
}

int
sim_add_nat(struct sim *s)
{
	struct sim_nat *n = &s->nats[s->n_nats];

	memset(n, 0, sizeof(*n));
	n->pub_ip = 0xc6336402u + (uint32_t)s->n_nats;	/* 198.51.100.2+ */
	n->next_port = 1024;
	return s->n_nats++;
}

int
sim_add_host(struct sim *s, int nat, uint32_t ip, struct vc_params *p)
{
	struct sim_host *h = &s->hosts[s->n_hosts];
	struct vc_hooks hk = { .user = NULL, .rng = host_rng_cb, .log = vc_log_cb };
	char err[256];

	memset(h, 0, sizeof(*h));
	if ((h->rng = malloc(sizeof(*h->rng))) == NULL)
		return -1;
	ts_rng_init(h->rng, s->host_seed ? s->host_seed : 1000 + (uint64_t)s->n_hosts);
	hk.user = h->rng;
	h->nat = nat;
	h->ip = ip;
	p->gw_ip = SIM_GW_IP;
	if (vc_new(&h->vc, p, &hk, err, sizeof(err)) != 0 || vc_add(h->vc, ip) != 0) {
		fprintf(stderr, "vc_new: %s\n", err);
		return -1;
	}
	return s->n_hosts++;
}

/* ---- the wire --------------------------------------------------------- */

static void
enqueue(struct sim *s, int to, enum rg_path path, const struct rg_ep *local,
    const struct rg_ep *remote, const uint8_t *data, size_t len)
{
	struct flight *f;

	if (len > RG_MAX_PKT || (f = malloc(sizeof(*f))) == NULL) {
		s->dropped++;
		return;
	}
	f->next = NULL;
	f->to = to;
	f->path = path;
	f->local = *local;
	f->remote = *remote;
	f->len = len;
	memcpy(f->buf + RG_HEADROOM, data, len);
	if (q_tail != NULL)
		q_tail->next = f;
	else
		q_head = f;
	q_tail = f;
}

static int
nat_out(struct sim_nat *n, uint32_t ip, uint16_t port)
{
	int i;

	for (i = 0; i < SIM_MAX_MAP; i++)
		if (n->map[i].used && n->map[i].priv_ip == ip && n->map[i].priv_port == port)
			return n->map[i].pub_port;
	for (i = 0; i < SIM_MAX_MAP; i++)
		if (!n->map[i].used) {
			n->map[i].used = true;
			n->map[i].priv_ip = ip;
			n->map[i].priv_port = port;
			n->map[i].pub_port = n->next_port++;
			return n->map[i].pub_port;
		}
	return -1;
}

void
sim_nat_rebind(struct sim *s, int nat)
{
	struct sim_nat *n = &s->nats[nat];
	int i;

	for (i = 0; i < SIM_MAX_MAP; i++)
		if (n->map[i].used)
			n->map[i].pub_port = n->next_port++;
}

/* Where a packet to the outside address ip:port goes: host index, with
 * the host's own address/port in *hl. */
static int
inbound_host(struct sim *s, uint32_t ip, uint16_t port, struct rg_ep *hl)
{
	int i, j;

	for (i = 0; i < s->n_nats; i++)
		if (s->nats[i].pub_ip == ip)
			for (j = 0; j < SIM_MAX_MAP; j++)
				if (s->nats[i].map[j].used && s->nats[i].map[j].pub_port == port) {
					int k;

					for (k = 0; k < s->n_hosts; k++)
						if (s->hosts[k].nat == i &&
						    s->hosts[k].ip == s->nats[i].map[j].priv_ip) {
							hl->ip = s->hosts[k].ip;
							hl->port = s->nats[i].map[j].priv_port;
							return k;
						}
				}
	for (i = 0; i < s->n_hosts; i++)
		if (s->hosts[i].nat < 0 && s->hosts[i].ip == ip) {
			hl->ip = ip;
			hl->port = port;
			return i;
		}
	return -1;
}

static uint16_t
icmp_csum(uint8_t *icmp, size_t len)
{
	icmp[2] = icmp[3] = 0;
	return pkt_csum_fold(pkt_csum_add(0, icmp, len));
}

/* The office host, the internet host, and the gateway host's own kernel
 * (its LAN address) answer ping and echo UDP. */
static void
outside_answers(struct sim *s, uint8_t *ip, size_t len)
{
	struct pkt_ip h;
	uint8_t *l4;
	uint32_t t;

	if (pkt_ip_parse(ip, len, &h) != 0 || h.frag_off != 0 || h.mf)
		return;
	if (h.dst == SIM_OFFICE_IP && h.proto == PKT_PROTO_ICMP && ip[h.hlen] == 3) {
		s->office_icmp_errors++;
		if (ip[h.hlen + 1] == 4)
			s->office_frag_mtu = pkt_get16(ip + h.hlen + 6);
		return;
	}
	if (h.dst == SIM_OFFICE_IP)
		s->office_last_src = h.src;
	if (h.dst == SIM_OFFICE_IP && h.proto == PKT_PROTO_TCP && h.tot_len >= h.hlen + 20u) {
		const uint8_t *tcp = ip + h.hlen;
		size_t olen = (size_t)((tcp[12] >> 4) * 4), i = 20;

		if (tcp[13] & 0x02) {
			s->office_syns++;
			s->office_last_mss = 0;
			while (i + 1 < olen && i + 1 < (size_t)(h.tot_len - h.hlen)) {
				if (tcp[i] == 0)
					break;
				if (tcp[i] == 1) {
					i++;
					continue;
				}
				if (tcp[i] == 2 && tcp[i + 1] == 4)
					s->office_last_mss = pkt_get16(tcp + i + 2);
				if (tcp[i + 1] < 2)
					break;
				i += tcp[i + 1];
			}
		}
		return;
	}
	if (h.dst == SIM_INET_IP) {
		s->inet_packets++;
		s->inet_src = h.src;
	} else if (h.dst == SIM_OFFICE_IP) {
		s->office_echoes++;
	} else if (h.dst != 0xc0a80a01u) {	/* 192.168.10.1: the gateway host */
		return;
	}
	l4 = ip + h.hlen;
	if (h.proto == PKT_PROTO_ICMP && l4[0] == 8) {
		l4[0] = 0;
		pkt_put16(l4 + 2, icmp_csum(l4, h.tot_len - h.hlen));
	} else if (h.proto == PKT_PROTO_UDP && h.tot_len >= h.hlen + 8u) {
		uint16_t sp = pkt_get16(l4), dp = pkt_get16(l4 + 2);

		pkt_put16(l4, dp);
		pkt_put16(l4 + 2, sp);
		l4[6] = l4[7] = 0;
	} else {
		return;
	}
	t = h.src;
	pkt_put32(ip + 12, h.dst);
	pkt_put32(ip + 16, t);
	pkt_put16(ip + 10, 0);
	pkt_put16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, h.hlen)));
	{
		struct rg_ep z = { 0, 0 };

		enqueue(s, -1, RG_PATH_TUN, &z, &z, ip, h.tot_len);
	}
}

static void
from_gateway(struct sim *s, struct rg_pkt *p)
{
	struct rg_ep hl, gl;
	int h;

	if (s->tap != NULL)
		s->tap(s->tap_arg, false, p);

	switch (p->path) {
	case RG_PATH_UDP:
		h = inbound_host(s, p->remote.ip, p->remote.port, &hl);
		if (h < 0 || s->hosts[h].dead) {
			s->dropped++;
			return;
		}
		gl.ip = SIM_GW_IP;
		gl.port = p->local.port;
		enqueue(s, h, RG_PATH_UDP, &hl, &gl, p->buf + p->off, p->len);
		return;
	case RG_PATH_ESP: {
		uint8_t b[RG_MAX_PKT];

		h = inbound_host(s, p->remote.ip, 0, &hl);
		if (h < 0 || s->hosts[h].dead || p->len + 20 > sizeof(b)) {
			s->dropped++;
			return;
		}
		pkt_ip_build(b, SIM_GW_IP, s->hosts[h].ip, PKT_PROTO_ESP, (uint16_t)p->len, 64, 0);
		memcpy(b + 20, p->buf + p->off, p->len);
		gl.ip = SIM_GW_IP;
		gl.port = 0;
		enqueue(s, h, RG_PATH_ESP, &hl, &gl, b, p->len + 20);
		return;
	}
	case RG_PATH_TUN:
		outside_answers(s, p->buf + p->off, p->len);
		return;
	default:
		return;
	}
}

static void
inside(struct sim_host *h, const uint8_t *ip, size_t len)
{
	struct pkt_ip x;

	if (pkt_ip_parse(ip, len, &x) != 0)
		return;
	if (x.proto == PKT_PROTO_ICMP && ip[x.hlen] == 0)
		h->echo_replies++;
	else if (x.proto == PKT_PROTO_ICMP && ip[x.hlen] == 3) {
		h->icmp_errors++;
		if (ip[x.hlen + 1] == 4)
			h->last_frag_mtu = pkt_get16(ip + x.hlen + 6);
	} else if (x.proto == PKT_PROTO_UDP)
		h->udp_echoes++;
}

static void
from_host(struct sim *s, int hi, struct rg_pkt *p)
{
	struct sim_host *h = &s->hosts[hi];
	struct rg_ep gl, rem;

	if (h->dead) {
		s->dropped++;
		return;
	}
	switch (p->path) {
	case RG_PATH_UDP:
		if (p->remote.ip != SIM_GW_IP) {
			s->dropped++;
			return;
		}
		gl.ip = SIM_GW_IP;
		gl.port = p->remote.port;
		if (h->nat >= 0) {
			int port = nat_out(&s->nats[h->nat], h->ip, p->local.port);

			if (port < 0) {
				s->dropped++;
				return;
			}
			rem.ip = s->nats[h->nat].pub_ip;
			rem.port = (uint16_t)port;
		} else {
			rem.ip = h->ip;
			rem.port = p->local.port;
		}
		if (s->drop_all_to_gw) {
			s->dropped++;
			return;
		}
		enqueue(s, -1, RG_PATH_UDP, &gl, &rem, p->buf + p->off, p->len);
		return;
	case RG_PATH_ESP: {
		uint8_t b[RG_MAX_PKT];

		if (h->nat >= 0 || p->len + 20 > sizeof(b)) {
			/* A NAT without IPsec passthrough drops plain ESP. */
			s->dropped++;
			return;
		}
		pkt_ip_build(b, h->ip, SIM_GW_IP, PKT_PROTO_ESP, (uint16_t)p->len, 64, 0);
		memcpy(b + 20, p->buf + p->off, p->len);
		gl.ip = SIM_GW_IP;
		gl.port = 0;
		rem.ip = h->ip;
		rem.port = 0;
		enqueue(s, -1, RG_PATH_ESP, &gl, &rem, b, p->len + 20);
		return;
	}
	case RG_PATH_TUN:
		inside(h, p->buf + p->off, p->len);
		return;
	default:
		return;
	}
}

static void
host_events(struct sim *s, int i)
{
	struct vc_event ev;

	while (vc_next_event(s->hosts[i].vc, &ev)) {
		if (ev.type == VC_EV_UP) {
			s->hosts[i].up = true;
			s->hosts[i].down = false;
		} else if (ev.type == VC_EV_FAILED) {
			s->hosts[i].failed = true;
			s->hosts[i].up = false;
		} else {
			s->hosts[i].down = true;
			s->hosts[i].up = false;
		}
	}
}

/* Collects every core's output into the queue; returns how many. */
static size_t
collect(struct sim *s)
{
	static uint8_t buf[RG_BUF_SIZE];
	struct rg_pkt p;
	size_t n = 0;
	int i;

	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.cap = sizeof(buf);
	while (gw_next_output(s->gw, s->now, &p)) {
		from_gateway(s, &p);
		n++;
	}
	for (i = 0; i < s->n_hosts; i++) {
		while (vc_next_output(s->hosts[i].vc, s->now, &p)) {
			from_host(s, i, &p);
			n++;
		}
		host_events(s, i);
	}
	return n;
}

static void
deliver_one(struct sim *s, struct flight *f)
{
	struct rg_pkt p;

	memset(&p, 0, sizeof(p));
	p.buf = f->buf;
	p.cap = sizeof(f->buf);
	p.off = RG_HEADROOM;
	p.len = f->len;
	p.path = f->path;
	p.local = f->local;
	p.remote = f->remote;
	s->delivered++;
	if (f->to < 0) {
		if (s->tap != NULL)
			s->tap(s->tap_arg, true, &p);
		gw_input(s->gw, s->now, &p, 1);
		if (p.path != RG_PATH_NONE)
			from_gateway(s, &p);
	} else {
		if (s->hosts[f->to].dead) {
			s->dropped++;
			return;
		}
		vc_input(s->hosts[f->to].vc, s->now, &p, 1);
		if (p.path != RG_PATH_NONE)
			from_host(s, f->to, &p);
		host_events(s, f->to);
	}
}

static uint64_t
next_timer(struct sim *s)
{
	uint64_t t = gw_next_timeout(s->gw);
	int i;

	for (i = 0; i < s->n_hosts; i++) {
		uint64_t x = vc_next_timeout(s->hosts[i].vc);

		if (x < t)
			t = x;
	}
	return t;
}

static void
timers(struct sim *s)
{
	int i;

	if (gw_next_timeout(s->gw) <= s->now)
		gw_handle_timeout(s->gw, s->now);
	for (i = 0; i < s->n_hosts; i++) {
		if (vc_next_timeout(s->hosts[i].vc) <= s->now)
			vc_handle_timeout(s->hosts[i].vc, s->now);
		host_events(s, i);
	}
}

bool
sim_run(struct sim *s, uint64_t max_ns, bool (*cond)(struct sim *, void *), void *arg)
{
	uint64_t end = s->now + max_ns;
	unsigned long spins = 0;

	for (;;) {
		struct flight *f;

		(void)collect(s);
		while ((f = q_head) != NULL) {
			q_head = f->next;
			if (q_head == NULL)
				q_tail = NULL;
			deliver_one(s, f);
			free(f);
			(void)collect(s);
			if (++spins > 20000000ul)
				return cond != NULL && cond(s, arg);
		}
		if (cond != NULL && cond(s, arg))
			return true;
		{
			uint64_t t = next_timer(s);

			if (t >= end) {
				s->now = end;
				timers(s);
				(void)collect(s);
				if (q_head == NULL)
					return cond != NULL && cond(s, arg);
				continue;
			}
			/* A millisecond of latency per hop keeps timers honest. */
			if (t > s->now)
				s->now = t;
			timers(s);
		}
	}
}

void
sim_advance(struct sim *s, uint64_t d)
{
	(void)sim_run(s, d, NULL, NULL);
}

static int
inner_send(struct sim *s, int hi, uint8_t *ip, size_t len)
{
	static uint8_t buf[RG_BUF_SIZE];
	struct rg_pkt p;

	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.cap = sizeof(buf);
	p.off = RG_HEADROOM;
	p.len = len;
	memcpy(buf + p.off, ip, len);
	p.path = RG_PATH_TUN;
	p.ctx = vc_client_ptr(s->hosts[hi].vc, 0);
	vc_input(s->hosts[hi].vc, s->now, &p, 1);
	if (p.path == RG_PATH_NONE)
		return -1;
	from_host(s, hi, &p);
	return 0;
}

int
sim_ping(struct sim *s, int hi, uint32_t dst, uint16_t seq, size_t len, bool df)
{
	uint8_t ip[RG_MAX_PKT];
	struct vc_info in;
	size_t i;

	if (len < 28 || len > sizeof(ip) || !vc_get_info(s->hosts[hi].vc, 0, &in) ||
	    in.addr == 0)
		return -1;
	pkt_ip_build(ip, in.addr, dst, PKT_PROTO_ICMP, (uint16_t)(len - 20), 64, seq);
	if (!df) {
		ip[6] = 0;
		pkt_put16(ip + 10, 0);
		pkt_put16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, 20)));
	}
	ip[20] = 8;
	ip[21] = 0;
	pkt_put16(ip + 24, 0x4242);
	pkt_put16(ip + 26, seq);
	for (i = 28; i < len; i++)
		ip[i] = (uint8_t)i;
	pkt_put16(ip + 22, icmp_csum(ip + 20, len - 20));
	return inner_send(s, hi, ip, len);
}

int
sim_udp(struct sim *s, int hi, uint32_t dst, uint16_t dport, size_t len)
{
	uint8_t ip[RG_MAX_PKT];
	struct vc_info in;

	if (len < 28 || len > sizeof(ip) || !vc_get_info(s->hosts[hi].vc, 0, &in) ||
	    in.addr == 0)
		return -1;
	memset(ip, 0x5a, len);
	pkt_ip_build(ip, in.addr, dst, PKT_PROTO_UDP, (uint16_t)(len - 20), 64, 1);
	pkt_udp_build(ip + 20, 40000, dport, (uint16_t)(len - 28));
	return inner_send(s, hi, ip, len);
}

void
sim_udp_to_gw(struct sim *s, int hi, uint16_t sport, uint16_t dport,
    const uint8_t *data, size_t len)
{
	struct sim_host *h = &s->hosts[hi];
	struct rg_ep gl = { SIM_GW_IP, dport }, rem;

	if (h->nat >= 0) {
		int port = nat_out(&s->nats[h->nat], h->ip, sport);

		rem.ip = s->nats[h->nat].pub_ip;
		rem.port = (uint16_t)(port < 0 ? 0 : port);
	} else {
		rem.ip = h->ip;
		rem.port = sport;
	}
	enqueue(s, -1, RG_PATH_UDP, &gl, &rem, data, len);
}

bool
sim_cond_up(struct sim *s, void *arg)
{
	return s->hosts[(int)(intptr_t)arg].up;
}

bool
sim_cond_all_up(struct sim *s, void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < s->n_hosts; i++)
		if (!s->hosts[i].up)
			return false;
	return true;
}

bool
sim_cond_ended(struct sim *s, void *arg)
{
	struct sim_host *h = &s->hosts[(int)(intptr_t)arg];

	return h->failed || h->down;
}

void
sim_office_ping(struct sim *s, uint32_t dst, size_t len, bool df)
{
	uint8_t ip[RG_MAX_PKT];
	struct rg_ep z = { 0, 0 };
	size_t i;

	if (len < 28 || len > sizeof(ip))
		return;
	pkt_ip_build(ip, SIM_OFFICE_IP, dst, PKT_PROTO_ICMP, (uint16_t)(len - 20), 64, 7);
	if (!df) {
		ip[6] = 0;
		pkt_put16(ip + 10, 0);
		pkt_put16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, 20)));
	}
	ip[20] = 8;
	ip[21] = 0;
	pkt_put32(ip + 24, 0x43430001u);
	for (i = 28; i < len; i++)
		ip[i] = (uint8_t)i;
	pkt_put16(ip + 22, icmp_csum(ip + 20, len - 20));
	enqueue(s, -1, RG_PATH_TUN, &z, &z, ip, len);
}

int
sim_inner_raw(struct sim *s, int hi, uint8_t *ip, size_t len)
{
	return inner_send(s, hi, ip, len);
}

int
sim_tcp_syn(struct sim *s, int hi, uint32_t dst, uint16_t dport, uint16_t mss)
{
	uint8_t ip[44];
	struct vc_info in;
	uint32_t sum;

	if (!vc_get_info(s->hosts[hi].vc, 0, &in) || in.addr == 0)
		return -1;
	memset(ip, 0, sizeof(ip));
	pkt_ip_build(ip, in.addr, dst, PKT_PROTO_TCP, 24, 64, 9);
	pkt_put16(ip + 20, 40001);
	pkt_put16(ip + 22, dport);
	pkt_put32(ip + 24, 0x11223344u);
	ip[32] = 6 << 4;		/* data offset: 24 bytes */
	ip[33] = 0x02;			/* SYN */
	pkt_put16(ip + 34, 65535);
	ip[40] = 2;			/* MSS option */
	ip[41] = 4;
	pkt_put16(ip + 42, mss);
	/* TCP checksum over the pseudo header. */
	sum = pkt_csum_add(0, ip + 12, 8);
	sum += PKT_PROTO_TCP + 24;
	sum = pkt_csum_add(sum, ip + 20, 24);
	pkt_put16(ip + 36, pkt_csum_fold(sum));
	return inner_send(s, hi, ip, sizeof(ip));
}
