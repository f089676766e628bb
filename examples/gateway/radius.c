/*
 * radius.c - vpn-gateway's RADIUS client and Dynamic Authorization server
 * (radius.h).  One non-blocking UDP socket per 256 identifiers, timers
 * instead of waits, every received byte checked by radcodec.c.
 *
 * One file (about 1,100 lines): the authentication and accounting queues and
 * the Dynamic Authorization server share the sockets, the identifier space,
 * the server list with its failover state and the timer wheel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "radcodec.h"
#include "radius.h"

#define NS 1000000000ull
#define AUTH_SOCKS 4		/* 4 x 256 identifiers >= GW_AAA_MAX_PENDING */
#define NSOCKS (AUTH_SOCKS + 1)	/* the last one carries accounting */
#define ACCT_SOCK AUTH_SOCKS
#define ACCT_PAUSE_NS (10 * NS)	/* after every server failed a record */

struct rad_server {
	uint32_t ip;
	uint16_t auth_port, acct_port;
	char secret[GWCONF_SECRET_LEN];
	size_t slen;
	uint64_t timeout_ns;
	uint32_t retries;
	uint64_t dead_until;
	bool ma_seen;			/* it sent a Message-Authenticator once:
					 * required from it from then on */
};

struct rreq {
	struct rreq *next, *prev;
	bool acct;
	struct gw_auth_request ar;
	struct gw_acct_record rec;
	int sock, id;			/* -1 = not in flight */
	int server;			/* current server */
	uint32_t tried;			/* servers tried this round (bits) */
	uint32_t tries;			/* transmissions to the current server */
	uint64_t next_at;		/* retransmit / give up / retry time */
	struct radc_pkt pkt;
};

struct rad {
	struct rad_server srv[GWCONF_MAX_RADIUS];
	uint32_t n_srv;
	uint64_t deadtime_ns;
	uint32_t nas_ip;
	char nas_id[GWCONF_NAME_LEN];
	int fd[NSOCKS];
	int fd_dae;
	struct rreq *ids[NSOCKS][256];
	uint32_t id_next[NSOCKS];
	struct rreq *flight;		/* in flight (auth and acct) */
	struct rreq *aq_head, *aq_tail;	/* accounting waiting to be sent */
	size_t n_aq, n_acct_flight;
	uint64_t dae_tokens_at;
	uint32_t dae_tokens;
	uint64_t log_at;
	uint32_t log_tokens;
	rad_log_fn log;
	struct rad_stats st;
};

static void __attribute__((format(printf, 3, 4)))
rlog(struct rad *r, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (r->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->log(level, line);
}

/* Rate-limited: at most 10 lines a second for things the network sends. */
static void __attribute__((format(printf, 4, 5)))
rlog_rl(struct rad *r, uint64_t now, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (now >= r->log_at) {
		r->log_at = now + NS;
		r->log_tokens = 10;
	}
	if (r->log == NULL || r->log_tokens == 0)
		return;
	r->log_tokens--;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->log(level, line);
}

static const char *
ipstr(uint32_t ip, char *b)
{
	snprintf(b, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	return b;
}

static void
load_servers(struct rad *r, const struct gwconf *c)
{
	uint32_t i;

	r->n_srv = 0;
	for (i = 0; i < c->n_radius && i < GWCONF_MAX_RADIUS; i++) {
		struct rad_server *s = &r->srv[r->n_srv++];
		uint64_t dead = s->dead_until;
		bool seen = s->ma_seen && s->ip == c->radius[i].server;

		memset(s, 0, sizeof(*s));
		s->dead_until = dead;
		s->ma_seen = seen;
		s->ip = c->radius[i].server;
		s->auth_port = c->radius[i].port;
		s->acct_port = c->radius[i].accport;
		snprintf(s->secret, sizeof(s->secret), "%s", c->radius[i].secret);
		s->slen = strlen(s->secret);
		s->timeout_ns = (uint64_t)(c->radius[i].timeout ? c->radius[i].timeout :
		    c->radius_set.timeout) * NS;
		s->retries = c->radius[i].has_retries ? c->radius[i].retries :
		    c->radius_set.retransmitcount;
	}
	r->deadtime_ns = (uint64_t)c->radius_set.deadtime * 60 * NS;
}

static int
udp_socket(uint16_t port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
rad_new(struct rad **out, const struct gwconf *conf, uint32_t nas_ip, const char *nas_id,
    uint16_t dae_port, rad_log_fn log, char *err, size_t errlen)
{
	struct rad *r = calloc(1, sizeof(*r));
	int i;

	*out = NULL;
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->log = log;
	r->nas_ip = nas_ip;
	snprintf(r->nas_id, sizeof(r->nas_id), "%s", nas_id != NULL ? nas_id : "");
	r->fd_dae = -1;
	for (i = 0; i < NSOCKS; i++)
		r->fd[i] = -1;
	load_servers(r, conf);
	for (i = 0; i < NSOCKS; i++)
		if ((r->fd[i] = udp_socket(0)) < 0) {
			snprintf(err, errlen, "RADIUS client socket: %s", strerror(errno));
			rad_free(r);
			return -1;
		}
	if (dae_port != 0 && (r->fd_dae = udp_socket(dae_port)) < 0) {
		snprintf(err, errlen, "RADIUS Disconnect/CoA socket (UDP %u): %s", dae_port,
		    strerror(errno));
		rad_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

static void
req_free(struct rreq *q)
{
	sodium_memzero(q, sizeof(*q));
	free(q);
}

void
rad_free(struct rad *r)
{
	struct rreq *q;
	int i;

	if (r == NULL)
		return;
	while ((q = r->flight) != NULL) {
		r->flight = q->next;
		req_free(q);
	}
	while ((q = r->aq_head) != NULL) {
		r->aq_head = q->next;
		req_free(q);
	}
	for (i = 0; i < NSOCKS; i++)
		if (r->fd[i] >= 0)
			close(r->fd[i]);
	if (r->fd_dae >= 0)
		close(r->fd_dae);
	sodium_memzero(r->srv, sizeof(r->srv));
	free(r);
}

void
rad_reload(struct rad *r, const struct gwconf *conf)
{
	load_servers(r, conf);
	rlog(r, 6, "RADIUS: %u server%s after reload", r->n_srv, r->n_srv == 1 ? "" : "s");
}

size_t
rad_fds(const struct rad *r, int *fds, size_t max)
{
	size_t n = 0;
	int i;

	for (i = 0; i < NSOCKS && n < max; i++)
		fds[n++] = r->fd[i];
	if (r->fd_dae >= 0 && n < max)
		fds[n++] = r->fd_dae;
	return n;
}

void
rad_get_stats(const struct rad *r, struct rad_stats *st)
{
	*st = r->st;
}

size_t
rad_acct_backlog(const struct rad *r)
{
	return r->n_aq + r->n_acct_flight;
}

/* ---- lists ------------------------------------------------------------ */

static void
flight_add(struct rad *r, struct rreq *q)
{
	q->prev = NULL;
	q->next = r->flight;
	if (r->flight != NULL)
		r->flight->prev = q;
	r->flight = q;
	if (q->acct)
		r->n_acct_flight++;
}

static void
flight_del(struct rad *r, struct rreq *q)
{
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		r->flight = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	q->next = q->prev = NULL;
	if (q->id >= 0) {
		r->ids[q->sock][q->id] = NULL;
		q->id = -1;
	}
	if (q->acct)
		r->n_acct_flight--;
}

static int
id_alloc(struct rad *r, struct rreq *q, bool acct)
{
	int s0 = acct ? ACCT_SOCK : 0, s1 = acct ? ACCT_SOCK + 1 : AUTH_SOCKS, s, k;

	for (s = s0; s < s1; s++)
		for (k = 0; k < 256; k++) {
			int id = (int)((r->id_next[s] + (uint32_t)k) & 255);

			if (r->ids[s][id] == NULL) {
				r->ids[s][id] = q;
				r->id_next[s] = (uint32_t)id + 1;
				q->sock = s;
				q->id = id;
				return 0;
			}
		}
	return -1;
}

/* ---- building requests ------------------------------------------------ */

static void
common_attrs(struct rad *r, struct radc_pkt *p, const char *user, size_t ulen,
    const struct rg_ep *calling, uint32_t nas_port, const char *sid, uint32_t framed_ip)
{
	char b[40], ip[16];

	(void)radc_add(p, RADC_USER_NAME, user, ulen);
	(void)radc_add_u32(p, RADC_NAS_IP_ADDRESS, r->nas_ip);
	if (r->nas_id[0] != '\0')
		(void)radc_add_str(p, RADC_NAS_IDENTIFIER, r->nas_id);
	(void)radc_add_u32(p, RADC_NAS_PORT, nas_port);
	(void)radc_add_u32(p, RADC_NAS_PORT_TYPE, 5);		/* Virtual */
	(void)radc_add_u32(p, RADC_SERVICE_TYPE, 2);		/* Framed */
	(void)radc_add_u32(p, RADC_FRAMED_PROTOCOL, 1);	/* PPP */
	if (framed_ip != 0)
		(void)radc_add_u32(p, RADC_FRAMED_IP_ADDRESS, framed_ip);
	snprintf(b, sizeof(b), "%s:%u", ipstr(calling->ip, ip), calling->port);
	(void)radc_add_str(p, RADC_CALLING_STATION_ID, b);
	(void)radc_add_str(p, RADC_CALLED_STATION_ID, ipstr(r->nas_ip, ip));
	(void)radc_add_tagged_u32(p, RADC_TUNNEL_TYPE, 0, 3);		/* L2TP */
	(void)radc_add_tagged_u32(p, RADC_TUNNEL_MEDIUM_TYPE, 0, 1);	/* IPv4 */
	(void)radc_add_str(p, RADC_TUNNEL_CLIENT_ENDPOINT, ipstr(calling->ip, ip));
	(void)radc_add_str(p, RADC_TUNNEL_SERVER_ENDPOINT, ipstr(r->nas_ip, ip));
	(void)radc_add_str(p, RADC_ACCT_SESSION_ID, sid);
}

static int
build_auth(struct rad *r, struct rreq *q)
{
	const struct rad_server *s = &r->srv[q->server];
	const struct gw_auth_request *a = &q->ar;
	struct radc_pkt *p = &q->pkt;
	uint8_t auth[16], b[64];

	if (getrandom(auth, sizeof(auth), 0) != (ssize_t)sizeof(auth))
		return -1;
	radc_begin(p, RADC_ACCESS_REQUEST, (uint8_t)q->id, auth);
	common_attrs(r, p, a->user, a->user_len, &a->calling, a->nas_port,
	    a->acct_session_id, 0);
	switch (a->method) {
	case 1:		/* PAP */
		if (radc_add_password(p, a->response, a->response_len > 128 ? 128 :
		    a->response_len, s->secret, s->slen) != RADC_OK)
			return -1;
		break;
	case 2:		/* CHAP-MD5: CHAP-Password = id + response */
		b[0] = a->chap_id;
		memcpy(b + 1, a->response, 16);
		(void)radc_add(p, RADC_CHAP_PASSWORD, b, 17);
		(void)radc_add(p, RADC_CHAP_CHALLENGE, a->challenge, a->challenge_len);
		break;
	case 3:		/* MS-CHAPv2 (RFC 2548 2.3.2): ident, flags, peer
			 * challenge, reserved, NT-Response */
		if (a->response_len != 49)
			return -1;
		b[0] = a->chap_id;
		b[1] = a->response[48];
		memcpy(b + 2, a->response, 48);
		(void)radc_add_vsa(p, RADC_VENDOR_MS, RADC_MS_CHAP_CHALLENGE, a->challenge,
		    a->challenge_len);
		(void)radc_add_vsa(p, RADC_VENDOR_MS, RADC_MS_CHAP2_RESPONSE, b, 50);
		break;
	default:
		return -1;
	}
	return radc_finish(p, s->secret, s->slen, NULL) == RADC_OK ? 0 : -1;
}

static void
add64(struct radc_pkt *p, uint8_t lo, uint8_t gw_attr, uint64_t v)
{
	(void)radc_add_u32(p, lo, (uint32_t)v);
	if (v >> 32)
		(void)radc_add_u32(p, gw_attr, (uint32_t)(v >> 32));
}

static int
build_acct(struct rad *r, struct rreq *q, uint64_t now)
{
	const struct rad_server *s = &r->srv[q->server];
	const struct gw_acct_record *a = &q->rec;
	struct radc_pkt *p = &q->pkt;
	uint32_t i;

	radc_begin(p, RADC_ACCT_REQUEST, (uint8_t)q->id, NULL);
	(void)radc_add_u32(p, RADC_ACCT_STATUS_TYPE, (uint32_t)a->type);
	common_attrs(r, p, a->user, strlen(a->user), &a->calling, a->nas_port,
	    a->acct_session_id, a->framed_ip);
	(void)radc_add_u32(p, RADC_ACCT_AUTHENTIC, a->radius_auth ? 1 : 2);
	for (i = 0; i < a->n_class && i < GW_AAA_MAX_CLASS; i++)
		(void)radc_add(p, RADC_CLASS, a->class_[i], a->class_len[i]);
	if (a->type != GW_ACCT_START) {
		(void)radc_add_u32(p, RADC_ACCT_SESSION_TIME, a->session_time);
		add64(p, RADC_ACCT_INPUT_OCTETS, RADC_ACCT_INPUT_GIGAWORDS, a->in_octets);
		add64(p, RADC_ACCT_OUTPUT_OCTETS, RADC_ACCT_OUTPUT_GIGAWORDS, a->out_octets);
		(void)radc_add_u32(p, RADC_ACCT_INPUT_PACKETS, (uint32_t)a->in_packets);
		(void)radc_add_u32(p, RADC_ACCT_OUTPUT_PACKETS, (uint32_t)a->out_packets);
	}
	if (a->type == GW_ACCT_STOP)
		(void)radc_add_u32(p, RADC_ACCT_TERMINATE_CAUSE, (uint32_t)a->cause);
	(void)radc_add_u32(p, RADC_ACCT_DELAY_TIME, now > a->when ?
	    (uint32_t)((now - a->when) / NS) : 0);
	(void)radc_add_u32(p, RADC_EVENT_TIMESTAMP, (uint32_t)time(NULL));
	return radc_finish(p, s->secret, s->slen, NULL) == RADC_OK ? 0 : -1;
}

/* ---- sending ---------------------------------------------------------- */

static void
xmit(struct rad *r, struct rreq *q, uint64_t now)
{
	const struct rad_server *s = &r->srv[q->server];
	struct sockaddr_in to;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(s->ip);
	to.sin_port = htons(q->acct ? s->acct_port : s->auth_port);
	if (sendto(r->fd[q->sock], q->pkt.buf, q->pkt.len, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		rlog_rl(r, now, 4, "RADIUS: send to server %u failed: %s", q->server + 1,
		    strerror(errno));
	q->tries++;
	q->next_at = now + s->timeout_ns;
	if (q->tries > 1) {
		if (q->acct)
			r->st.acct_retrans++;
		else
			r->st.auth_retrans++;
	}
}

/* The next server for q not tried in this round, the live ones first;
 * -1 when every server was tried. */
static int
pick_server(struct rad *r, const struct rreq *q, uint64_t now)
{
	uint32_t i;
	int fallback = -1;

	for (i = 0; i < r->n_srv; i++) {
		if (q->tried & (1u << i))
			continue;
		if (q->acct ? r->srv[i].acct_port == 0 : r->srv[i].auth_port == 0)
			continue;
		if (r->srv[i].dead_until <= now)
			return (int)i;
		if (fallback < 0)
			fallback = (int)i;
	}
	return fallback;
}

/* Starts q on its next server; false when none is left this round. */
static bool
start(struct rad *r, struct rreq *q, uint64_t now)
{
	int k = pick_server(r, q, now);

	if (k < 0)
		return false;
	q->server = k;
	q->tried |= 1u << k;
	q->tries = 0;
	if ((q->acct ? build_acct(r, q, now) : build_auth(r, q)) != 0)
		return false;
	xmit(r, q, now);
	if (q->acct)
		r->st.acct_sent++;
	else
		r->st.auth_sent++;
	return true;
}

static void
answer(struct rad *r, struct gw *gw, uint64_t now, struct rreq *q,
    struct gw_auth_answer *ans)
{
	(void)r;
	(void)gw_auth_answer(gw, now, q->ar.cookie, ans);
	sodium_memzero(ans, sizeof(*ans));
}

static void
auth_new(struct rad *r, struct gw *gw, uint64_t now, const struct gw_auth_request *ar)
{
	struct rreq *q = calloc(1, sizeof(*q));
	struct gw_auth_answer ans;

	memset(&ans, 0, sizeof(ans));
	ans.verdict = GW_AUTH_NO_ANSWER;
	if (q == NULL || r->n_srv == 0 || id_alloc(r, q, false) != 0) {
		rlog_rl(r, now, 4, "RADIUS: no identifier or memory for user %s's request",
		    ar->user);
		if (q != NULL)
			req_free(q);
		(void)gw_auth_answer(gw, now, ar->cookie, &ans);
		return;
	}
	q->ar = *ar;
	flight_add(r, q);
	if (!start(r, q, now)) {
		flight_del(r, q);
		answer(r, gw, now, q, &ans);
		req_free(q);
	}
}

static void
acct_enqueue(struct rad *r, uint64_t now, const struct gw_acct_record *rec)
{
	struct rreq *q, *victim, *pv;

	if (r->n_aq + r->n_acct_flight >= RAD_ACCT_QUEUE) {
		/* Full: an Interim-Update is worth less than anything else. */
		for (pv = NULL, victim = r->aq_head; victim != NULL &&
		    victim->rec.type != GW_ACCT_INTERIM; pv = victim, victim = victim->next)
			;
		if (victim == NULL || rec->type == GW_ACCT_INTERIM) {
			if (rec->type == GW_ACCT_STOP)
				r->st.acct_lost_stop++;
			else
				r->st.acct_lost_other++;
			rlog_rl(r, now, 3, "RADIUS accounting: queue full (%u records), %s "
			    "record of session %s for %s lost", RAD_ACCT_QUEUE,
			    rec->type == GW_ACCT_STOP ? "Stop" : rec->type == GW_ACCT_START ?
			    "Start" : "Interim-Update", rec->acct_session_id, rec->user);
			return;
		}
		if (pv != NULL)
			pv->next = victim->next;
		else
			r->aq_head = victim->next;
		if (r->aq_tail == victim)
			r->aq_tail = pv;
		r->n_aq--;
		r->st.acct_lost_other++;
		req_free(victim);
	}
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		r->st.acct_lost_other++;
		return;
	}
	q->acct = true;
	q->rec = *rec;
	q->id = -1;
	if (r->aq_tail != NULL)
		r->aq_tail->next = q;
	else
		r->aq_head = q;
	r->aq_tail = q;
	r->n_aq++;
	r->st.acct_queued++;
}

void
rad_pump(struct rad *r, struct gw *gw, uint64_t now)
{
	struct gw_auth_request ar;
	struct gw_acct_record rec;

	while (gw_next_auth_request(gw, &ar)) {
		auth_new(r, gw, now, &ar);
		gw_auth_request_wipe(&ar);
	}
	while (gw_next_acct_record(gw, &rec))
		acct_enqueue(r, now, &rec);
	/* Accounting in order, a window at a time; a record that failed
	 * every server waits at the head for its pause. */
	while (r->aq_head != NULL && r->n_acct_flight < RAD_ACCT_WINDOW &&
	    r->aq_head->next_at <= now) {
		struct rreq *q = r->aq_head;

		if (id_alloc(r, q, true) != 0)
			break;
		r->aq_head = q->next;
		if (r->aq_head == NULL)
			r->aq_tail = NULL;
		r->n_aq--;
		q->tried = 0;
		flight_add(r, q);
		if (!start(r, q, now)) {
			/* No server takes accounting: keep it for later. */
			flight_del(r, q);
			q->next_at = now + ACCT_PAUSE_NS;
			q->next = r->aq_head;
			r->aq_head = q;
			if (r->aq_tail == NULL)
				r->aq_tail = q;
			r->n_aq++;
			break;
		}
	}
}

uint64_t
rad_next_timeout(const struct rad *r)
{
	uint64_t t = UINT64_MAX;
	const struct rreq *q;

	for (q = r->flight; q != NULL; q = q->next)
		if (q->next_at < t)
			t = q->next_at;
	if (r->aq_head != NULL && r->n_acct_flight < RAD_ACCT_WINDOW && r->aq_head->next_at < t)
		t = r->aq_head->next_at;
	return t;
}

void
rad_handle_timeout(struct rad *r, struct gw *gw, uint64_t now)
{
	struct rreq *q, *nx;
	char ip[16];

	for (q = r->flight; q != NULL; q = nx) {
		const struct rad_server *s;

		nx = q->next;
		if (q->next_at > now)
			continue;
		s = &r->srv[q->server];
		if (!q->acct && now >= q->ar.deadline) {
			/* The core gave up on it already. */
			flight_del(r, q);
			req_free(q);
			continue;
		}
		if (q->tries <= s->retries) {
			xmit(r, q, now);
			continue;
		}
		/* This server did not answer: the next one. */
		if (r->deadtime_ns != 0)
			r->srv[q->server].dead_until = now + r->deadtime_ns;
		rlog_rl(r, now, 4, "RADIUS: %s server %s:%u did not answer (%u tries of %llu "
		    "ms)%s", q->acct ? "accounting" : "authentication", ipstr(s->ip, ip),
		    q->acct ? s->acct_port : s->auth_port, q->tries,
		    (unsigned long long)(s->timeout_ns / 1000000),
		    r->n_srv > 1 ? ", trying the next" : "");
		if (start(r, q, now)) {
			r->st.failover++;
			continue;
		}
		flight_del(r, q);
		if (q->acct) {
			/* Retried until acknowledged: back to the head, later. */
			q->next_at = now + ACCT_PAUSE_NS;
			q->tried = 0;
			q->next = r->aq_head;
			r->aq_head = q;
			if (r->aq_tail == NULL)
				r->aq_tail = q;
			r->n_aq++;
		} else {
			struct gw_auth_answer ans;

			r->st.auth_no_answer++;
			rlog(r, 4, "RADIUS: no server answered for user %s; authentication "
			    "failed", q->ar.user);
			memset(&ans, 0, sizeof(ans));
			ans.verdict = GW_AUTH_NO_ANSWER;
			answer(r, gw, now, q, &ans);
			req_free(q);
		}
	}
	rad_pump(r, gw, now);
}

/* ---- replies ---------------------------------------------------------- */

static void
printable(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 2 < cap; i++)
		dst[o++] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[o] = '\0';
}

/*
 * Appends a Reply-Message to dst (RFC 2865 5.18: several are shown in
 * order, and servers put line breaks in them): control characters and
 * runs of blanks become one space, the ends are trimmed, bytes outside
 * printable ASCII become '?'.
 */
static void
message_append(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t o = strlen(dst), i;
	bool blank = o > 0;

	for (i = 0; i < len && o + 1 < cap; i++) {
		uint8_t c = src[i];

		if (c <= 0x20 || c == 0x7f) {
			blank = o > 0;
			continue;
		}
		if (blank) {
			if (o + 2 >= cap)
				break;
			dst[o++] = ' ';
			blank = false;
		}
		dst[o++] = c < 0x7f ? (char)c : '?';
	}
	dst[o] = '\0';
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
accept_attrs(const struct radc_view *v, struct gw_auth_answer *ans)
{
	size_t pos = RADC_HDR, len, slen;
	const uint8_t *val, *sval;
	uint32_t vendor;
	uint8_t type, vt;

	while (radc_next_attr(v, &pos, &type, &val, &len)) {
		switch (type) {
		case RADC_FRAMED_IP_ADDRESS:
			if (len == 4)
				ans->framed_ip = radc_get32(val);
			break;
		case RADC_FRAMED_POOL:
			printable(ans->framed_pool, sizeof(ans->framed_pool), val, len);
			break;
		case RADC_SESSION_TIMEOUT:
			if (len == 4)
				ans->session_timeout = radc_get32(val);
			break;
		case RADC_IDLE_TIMEOUT:
			if (len == 4)
				ans->idle_timeout = radc_get32(val);
			break;
		case RADC_ACCT_INTERIM_INTERVAL:
			if (len == 4)
				ans->interim_interval = radc_get32(val);
			break;
		case RADC_FRAMED_MTU:
			if (len == 4)
				ans->framed_mtu = radc_get32(val);
			break;
		case RADC_REPLY_MESSAGE:
			message_append(ans->message, sizeof(ans->message), val, len);
			break;
		case RADC_CLASS:
			if (ans->n_class < GW_AAA_MAX_CLASS) {
				memcpy(ans->class_[ans->n_class], val, len);
				ans->class_len[ans->n_class++] = (uint8_t)len;
			}
			break;
		case RADC_VENDOR_SPECIFIC:
			if (!radc_vsa(val, len, &vendor, &vt, &sval, &slen) ||
			    vendor != RADC_VENDOR_MS)
				break;
			if (vt == RADC_MS_CHAP2_SUCCESS && slen == 43 && sval[1] == 'S' &&
			    sval[2] == '=') {
				size_t i;
				bool ok = true;

				for (i = 0; i < 20; i++) {
					int h = hexval(sval[3 + 2 * i]), l = hexval(sval[4 + 2 * i]);

					if (h < 0 || l < 0)
						ok = false;
					else
						ans->auth_response[i] = (uint8_t)(h << 4 | l);
				}
				ans->has_auth_response = ok;
			} else if (vt == RADC_MS_CHAP_ERROR && slen >= 3) {
				/* ident, then "E=691 R=0 C=... V=3 M=..." */
				size_t i;
				uint32_t e = 0;

				for (i = 1; i + 1 < slen; i++)
					if (sval[i] == 'E' && sval[i + 1] == '=')
						break;
				for (i += 2; i < slen && sval[i] >= '0' && sval[i] <= '9' &&
				    e < 10000; i++)
					e = e * 10 + (uint32_t)(sval[i] - '0');
				if (e > 0 && e < 10000)
					ans->mschap_error = (uint16_t)e;
			} else if (vt == RADC_MS_PRIMARY_DNS && slen == 4) {
				ans->dns[0] = radc_get32(sval);
			} else if (vt == RADC_MS_SECONDARY_DNS && slen == 4) {
				ans->dns[1] = radc_get32(sval);
			} else if (vt == RADC_MS_PRIMARY_NBNS && slen == 4) {
				ans->nbns[0] = radc_get32(sval);
			} else if (vt == RADC_MS_SECONDARY_NBNS && slen == 4) {
				ans->nbns[1] = radc_get32(sval);
			}
			break;
		default:
			break;
		}
	}
}

static void
client_input(struct rad *r, struct gw *gw, uint64_t now, int sock, const uint8_t *buf,
    size_t n, const struct sockaddr_in *from)
{
	uint32_t fip = ntohl(from->sin_addr.s_addr);
	uint16_t fport = ntohs(from->sin_port);
	const struct rad_server *s;
	struct radc_view v;
	struct rreq *q;
	char ip[16];
	int rc;

	if ((rc = radc_parse(buf, n, &v)) != RADC_OK) {
		r->st.rx_malformed++;
		rlog_rl(r, now, 4, "RADIUS: reply from %s:%u dropped: %s (%zu bytes)",
		    ipstr(fip, ip), fport, radc_strerror(rc), n);
		return;
	}
	if ((q = r->ids[sock][v.id]) == NULL) {
		r->st.rx_unknown_id++;
		rlog_rl(r, now, 4, "RADIUS: reply from %s:%u with identifier %u that no "
		    "request has, dropped", ipstr(fip, ip), fport, v.id);
		return;
	}
	s = &r->srv[q->server];
	if (fip != s->ip || fport != (q->acct ? s->acct_port : s->auth_port)) {
		r->st.rx_unknown_source++;
		rlog_rl(r, now, 4, "RADIUS: reply for identifier %u from %s:%u, not from the "
		    "server asked, dropped", v.id, ipstr(fip, ip), fport);
		return;
	}
	if (q->acct ? v.code != RADC_ACCT_RESPONSE : (v.code != RADC_ACCESS_ACCEPT &&
	    v.code != RADC_ACCESS_REJECT && v.code != RADC_ACCESS_CHALLENGE)) {
		r->st.rx_bad_code++;
		rlog_rl(r, now, 4, "RADIUS: reply code %u from %s does not answer a%s, "
		    "dropped", v.code, ipstr(fip, ip), q->acct ? "n Accounting-Request" :
		    "n Access-Request");
		return;
	}
	/* Message-Authenticator: checked whenever present; required on
	 * Access-Accept/Reject from a server that sent one before (as
	 * FreeRADIUS's require_message_authenticator = auto): FreeRADIUS
	 * 3.2.1 leaves it out of replies without EAP. */
	rc = radc_verify_reply(&v, q->pkt.buf + 4, s->secret, s->slen,
	    !q->acct && s->ma_seen);
	if (rc != RADC_OK) {
		if (rc == RADC_E_AUTHENTICATOR)
			r->st.rx_bad_auth++;
		else if (rc == RADC_E_NO_MSG_AUTH)
			r->st.rx_no_msg_auth++;
		else
			r->st.rx_bad_msg_auth++;
		rlog_rl(r, now, 4, "RADIUS: reply from %s:%u dropped: %s (wrong secret or "
		    "forged)", ipstr(fip, ip), fport, radc_strerror(rc));
		return;
	}
	if (!s->ma_seen && !q->acct) {
		size_t pos = RADC_HDR, len;
		const uint8_t *val;
		uint8_t type;

		while (radc_next_attr(&v, &pos, &type, &val, &len))
			if (type == RADC_MESSAGE_AUTHENTICATOR) {
				r->srv[q->server].ma_seen = true;
				rlog(r, 6, "RADIUS: server %s signs its replies with "
				    "Message-Authenticator: required from it from now on",
				    ipstr(s->ip, ip));
			}
	}
	flight_del(r, q);
	if (q->acct) {
		r->st.acct_acked++;
		req_free(q);
		return;
	} else {
		struct gw_auth_answer ans;

		memset(&ans, 0, sizeof(ans));
		snprintf(ans.server, sizeof(ans.server), "%s", ipstr(s->ip, ip));
		accept_attrs(&v, &ans);
		if (v.code == RADC_ACCESS_ACCEPT) {
			ans.verdict = GW_AUTH_ACCEPT;
			r->st.auth_accept++;
		} else {
			ans.verdict = GW_AUTH_REJECT;
			r->st.auth_reject++;
			if (v.code == RADC_ACCESS_CHALLENGE)
				rlog(r, 4, "RADIUS: Access-Challenge for user %s is not "
				    "supported: refused", q->ar.user);
		}
		answer(r, gw, now, q, &ans);
		req_free(q);
	}
}

/* ---- Disconnect-Request and CoA-Request (RFC 5176) --------------------- */

static void
dae_reply(struct rad *r, const struct radc_view *v, const struct rad_server *s,
    const struct sockaddr_in *to, uint8_t code, uint32_t cause)
{
	struct radc_pkt p;

	radc_begin(&p, code, v->id, NULL);
	if (cause != 0)
		(void)radc_add_u32(&p, RADC_ERROR_CAUSE, cause);
	if (radc_finish(&p, s->secret, s->slen, v->pkt + 4) != RADC_OK)
		return;
	(void)sendto(r->fd_dae, p.buf, p.len, 0, (const struct sockaddr *)to, sizeof(*to));
	if (code == RADC_DISCONNECT_ACK || code == RADC_COA_ACK)
		r->st.dae_ack++;
	else
		r->st.dae_nak++;
}

static void
dae_input(struct rad *r, struct gw *gw, uint64_t now, const uint8_t *buf, size_t n,
    const struct sockaddr_in *from)
{
	uint32_t fip = ntohl(from->sin_addr.s_addr), i;
	const struct rad_server *s = NULL;
	struct radc_view v;
	struct gw_aaa_match m;
	char user[254], sid[GW_AAA_SID_LEN + 8], ip[16], ip2[16];
	uint32_t st = 0, it = 0, cause = 0;
	bool disc, has_user = false, has_sid = false, unsupported = false;
	size_t pos = RADC_HDR, len;
	const uint8_t *val;
	uint8_t type;
	int rc, hits;

	r->st.dae_rx++;
	for (i = 0; i < r->n_srv; i++)
		if (r->srv[i].ip == fip)
			s = &r->srv[i];
	if (s == NULL) {
		r->st.dae_unknown_client++;
		rlog_rl(r, now, 4, "RADIUS Disconnect/CoA: request from %s, not a configured "
		    "server, dropped", ipstr(fip, ip));
		return;
	}
	if (now >= r->dae_tokens_at) {
		r->dae_tokens_at = now + NS;
		r->dae_tokens = RAD_DAE_RATE;
	}
	if (r->dae_tokens == 0) {
		r->st.dae_rate_limited++;
		rlog_rl(r, now, 4, "RADIUS Disconnect/CoA: more than %u requests a second, "
		    "request from %s dropped", RAD_DAE_RATE, ipstr(fip, ip));
		return;
	}
	r->dae_tokens--;
	if ((rc = radc_parse(buf, n, &v)) != RADC_OK) {
		r->st.dae_malformed++;
		rlog_rl(r, now, 4, "RADIUS Disconnect/CoA: request from %s dropped: %s",
		    ipstr(fip, ip), radc_strerror(rc));
		return;
	}
	if (v.code != RADC_DISCONNECT_REQUEST && v.code != RADC_COA_REQUEST) {
		r->st.dae_bad_code++;
		rlog_rl(r, now, 4, "RADIUS Disconnect/CoA: code %u from %s dropped", v.code,
		    ipstr(fip, ip));
		return;
	}
	if ((rc = radc_verify_request(&v, s->secret, s->slen, false)) != RADC_OK) {
		r->st.dae_bad_auth++;
		rlog_rl(r, now, 4, "RADIUS Disconnect/CoA: request from %s dropped: %s",
		    ipstr(fip, ip), radc_strerror(rc));
		return;
	}
	disc = v.code == RADC_DISCONNECT_REQUEST;
	memset(&m, 0, sizeof(m));
	while (radc_next_attr(&v, &pos, &type, &val, &len)) {
		switch (type) {
		case RADC_USER_NAME:
			memcpy(user, val, len);
			user[len] = '\0';
			has_user = memchr(val, 0, len) == NULL;
			break;
		case RADC_FRAMED_IP_ADDRESS:
			if (len == 4)
				m.framed_ip = radc_get32(val);
			break;
		case RADC_ACCT_SESSION_ID:
			if (len < sizeof(sid)) {
				memcpy(sid, val, len);
				sid[len] = '\0';
				has_sid = memchr(val, 0, len) == NULL;
			}
			break;
		case RADC_NAS_IP_ADDRESS:
			if (len != 4 || radc_get32(val) != r->nas_ip)
				cause = 403;	/* NAS Identification Mismatch */
			break;
		case RADC_NAS_IDENTIFIER:
			if (len != strlen(r->nas_id) || memcmp(val, r->nas_id, len) != 0)
				cause = 403;
			break;
		case RADC_SESSION_TIMEOUT:
			if (!disc && len == 4)
				st = radc_get32(val);
			else
				unsupported = true;
			break;
		case RADC_IDLE_TIMEOUT:
			if (!disc && len == 4)
				it = radc_get32(val);
			else
				unsupported = true;
			break;
		case RADC_MESSAGE_AUTHENTICATOR:
		case RADC_EVENT_TIMESTAMP:
		case RADC_PROXY_STATE:
		case RADC_CALLING_STATION_ID:
		case RADC_NAS_PORT:
		case RADC_SERVICE_TYPE:
			break;
		default:
			unsupported = true;
			break;
		}
	}
	if (has_user)
		m.user = user;
	if (has_sid)
		m.acct_session_id = sid;
	if (cause == 0 && unsupported)
		cause = 401;			/* Unsupported Attribute */
	if (cause == 0 && m.user == NULL && m.framed_ip == 0 && m.acct_session_id == NULL)
		cause = 402;			/* Missing Attribute */
	if (cause == 0) {
		hits = disc ? gw_aaa_disconnect(gw, now, &m) :
		    gw_aaa_coa(gw, now, &m, st, it);
		if (hits <= 0)
			cause = 503;		/* Session Context Not Found */
		rlog(r, 6, "RADIUS %s from %s for%s%s%s%s%s%s: %d session%s", disc ?
		    "Disconnect-Request" : "CoA-Request", ipstr(fip, ip),
		    m.user ? " user " : "", m.user ? m.user : "",
		    m.framed_ip ? " address " : "", m.framed_ip ? ipstr(m.framed_ip, ip2) : "",
		    m.acct_session_id ? " session " : "", m.acct_session_id ? m.acct_session_id : "",
		    hits < 0 ? 0 : hits, hits == 1 ? "" : "s");
	} else {
		rlog(r, 5, "RADIUS %s from %s refused: Error-Cause %u", disc ?
		    "Disconnect-Request" : "CoA-Request", ipstr(fip, ip), cause);
	}
	dae_reply(r, &v, s, from, disc ? (cause ? RADC_DISCONNECT_NAK : RADC_DISCONNECT_ACK) :
	    (cause ? RADC_COA_NAK : RADC_COA_ACK), cause);
}

void
rad_input(struct rad *r, struct gw *gw, uint64_t now, int fd)
{
	int sock = -1, i, k;

	for (i = 0; i < NSOCKS; i++)
		if (r->fd[i] == fd)
			sock = i;
	for (k = 0; k < 64; k++) {
		uint8_t buf[RADC_MAX_PKT + 1];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 0 || fl < sizeof(from) || from.sin_family != AF_INET)
			break;
		if (sock >= 0)
			client_input(r, gw, now, sock, buf, (size_t)n, &from);
		else if (fd == r->fd_dae)
			dae_input(r, gw, now, buf, (size_t)n, &from);
	}
	rad_pump(r, gw, now);
}
