/*
 * test_show.c - the operator interface (gw_ctl.h) against a gateway core
 * with real clients connected through simnet: three road warriors of the
 * seed (dialin1 and dialin2 behind one hotel NAT, dialin3 with a public
 * address), pings through the tunnels, then every show checked for the
 * right objects and numbers, in both forms: the human tables (no line over
 * 100 columns) and the JSON documents (parsed by a strict parser,
 * jsonchk.c).  Also: disconnect of one client only, the debug switches
 * and the seed's aliases, paging, the failures a user runs into, every
 * refusal of the command line with its code and column, and that no
 * secret of the configuration ever appears.
 *
 * One file (about 1,200 lines): every case reads the one connected fixture
 * (three clients, their pings) that the suite builds once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "gw_ctl.h"
#include "jsonchk.h"
#include "omchk.h"
#include "simnet.h"
#include "testsupport.h"
#include "vcopt.h"

#define S 1000000000ull
#define SEED_CFG GWCONF_EXAMPLES_DIR "/seed.cfg"

#define NAT_IP  0xc6336402u	/* 198.51.100.2: the hotel NAT */
#define H3_IP   0xc6336465u	/* 198.51.100.101: dialin3, no NAT */

struct net {
	struct sim s;
	int h1, h2, h3;
	struct vc_info i1, i2, i3;
};

static void
seed_client(struct vc_params *p, const char *user, const char *pw)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->psk, "labsecret", 9);
	p->psk_len = 9;
	snprintf(p->user, sizeof(p->user), "%s", user);
	snprintf(p->password, sizeof(p->password), "%s", pw);
	CU_ASSERT_EQUAL(vc_parse_ike("3des-sha1-modp1024", p->p1, ISAKMP_MAX_P1_PROPS,
	    &p->n_p1), 0);
	CU_ASSERT_EQUAL(vc_parse_esp("3des-sha1", p->p2, ISAKMP_MAX_P2_PROPS, &p->n_p2,
	    &p->sha256_96, &p->allow_des), 0);
	p->auth[0] = PPP_AUTH_CHAP_MD5;
	p->n_auth = 1;
}

static int
pings(struct sim *s, int h, uint32_t dst, int n)
{
	uint32_t before = s->hosts[h].echo_replies;
	int i;

	for (i = 0; i < n; i++) {
		if (sim_ping(s, h, dst, (uint16_t)i, 84, true) != 0)
			return -1;
		sim_advance(s, S / 10);
	}
	return (int)(s->hosts[h].echo_replies - before);
}

/* Three clients up, each pinged the office n times. */
static bool
net_up(struct net *n, int npings)
{
	struct vc_params p;
	int nat;

	if (sim_init(&n->s, SEED_CFG) != 0)
		return false;
	nat = sim_add_nat(&n->s);
	seed_client(&p, "dialin1", "friend1");
	n->h1 = sim_add_host(&n->s, nat, 0x0a000002u, &p);
	seed_client(&p, "dialin2", "friend2");
	n->h2 = sim_add_host(&n->s, nat, 0x0a000003u, &p);
	seed_client(&p, "dialin3", "friend3");
	n->h3 = sim_add_host(&n->s, -1, H3_IP, &p);
	(void)vc_connect(n->s.hosts[n->h1].vc, n->s.now, 0);
	(void)vc_connect(n->s.hosts[n->h2].vc, n->s.now, 0);
	(void)vc_connect(n->s.hosts[n->h3].vc, n->s.now, 0);
	if (!sim_run(&n->s, 40 * S, sim_cond_all_up, NULL))
		return false;
	if (pings(&n->s, n->h1, SIM_OFFICE_IP, npings) != npings ||
	    pings(&n->s, n->h2, SIM_OFFICE_IP, npings) != npings ||
	    pings(&n->s, n->h3, SIM_OFFICE_IP, npings) != npings)
		return false;
	return vc_get_info(n->s.hosts[n->h1].vc, 0, &n->i1) &&
	    vc_get_info(n->s.hosts[n->h2].vc, 0, &n->i2) &&
	    vc_get_info(n->s.hosts[n->h3].vc, 0, &n->i3);
}

/* ---- running commands ----------------------------------------------------- */

static const char *const secrets[] = {
	"friend1", "friend2", "friend3", "friend4", "labsecret", "Secoff-Lab-1",
};

/* No line of a table is wider than 100 columns; no secret anywhere. */
static bool
clean_text(const char *cmd, const char *t, bool tables)
{
	const char *l = t;
	size_t i;
	bool ok = true;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (strstr(t, secrets[i]) != NULL) {
			fprintf(stderr, "\n%s: a secret (%s) in the answer\n", cmd, secrets[i]);
			ok = false;
		}
	while (tables && *l != '\0') {
		size_t n = strcspn(l, "\n");

		if (n > GW_CTL_COLUMNS) {
			fprintf(stderr, "\n%s: line of %zu columns: %.*s\n", cmd, n, (int)n, l);
			ok = false;
		}
		l += n + (l[n] == '\n');
	}
	return ok;
}

/* Human answer (malloc'd); *rc gets the result. */
static char *
run_h(struct sim *s, const char *cmd, int *rc)
{
	struct gw_ctl_out o;
	char *t;
	int r;

	gw_ctl_out_init(&o, 0);
	r = gw_ctl_exec(s->gw, s->now, cmd, strlen(cmd), &o);
	if (rc != NULL)
		*rc = r;
	t = strdup(o.buf != NULL ? o.buf : "");
	gw_ctl_out_free(&o);
	if (getenv("SHOW_DUMP") != NULL)
		fprintf(stderr, "\n$ %s\n%s", cmd, t);
	/* "show config" is the router's script: its commands are not cut;
	 * OpenMetrics is not a table either. */
	CU_ASSERT_TRUE(clean_text(cmd, t, strstr(cmd, " conf") == NULL &&
	    strstr(cmd, "openmetrics") == NULL));
	/* The packets an action queued leave as after any input. */
	sim_advance(s, 0);
	return t;
}

static char *
h_ok(struct sim *s, const char *cmd)
{
	int rc = 0;
	char *t = run_h(s, cmd, &rc);

	if (rc != GW_CTL_OK)
		fprintf(stderr, "\n%s: %s", cmd, t);
	CU_ASSERT_EQUAL(rc, GW_CTL_OK);
	return t;
}

/* The JSON document of cmd, parsed strictly: one line, schema, ok. */
static struct jv *
run_j(struct sim *s, const char *cmd, int want_rc)
{
	char line[GW_CTL_MAX_LINE + 16], err[200];
	struct gw_ctl_out o;
	struct jv *v;
	int rc;

	snprintf(line, sizeof(line), "--json %s", cmd);
	gw_ctl_out_init(&o, 0);
	rc = gw_ctl_exec(s->gw, s->now, line, strlen(line), &o);
	CU_ASSERT_EQUAL(rc, want_rc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o.buf);
	if (getenv("SHOW_DUMP") != NULL)
		fprintf(stderr, "\n$ %s\n%s", line, o.buf);
	CU_ASSERT_TRUE(clean_text(line, o.buf, false));
	/* One document on one line. */
	CU_ASSERT_EQUAL(strchr(o.buf, '\n'), o.buf + o.len - 1);
	v = jv_parse(o.buf, o.len, err, sizeof(err));
	if (v == NULL)
		fprintf(stderr, "\n%s: not JSON: %s\n%s\n", line, err, o.buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(jv_str(v, "schema"), GW_CTL_SCHEMA);
	CU_ASSERT_TRUE(jv_is(v, "ok", JT_BOOL));
	CU_ASSERT_EQUAL(jv_get(v, "ok")->b, want_rc == GW_CTL_OK);
	CU_ASSERT_TRUE(jv_is(v, "time_ns", JT_NUM));
	gw_ctl_out_free(&o);
	sim_advance(s, 0);
	return v;
}

static const struct jv *
items(const struct jv *v, const char *path)
{
	const struct jv *x = jv_path(v, path);

	CU_ASSERT_PTR_NOT_NULL(x);
	CU_ASSERT_TRUE(x != NULL && x->t == JT_ARR);
	return x != NULL && x->t == JT_ARR ? x : NULL;
}

/* The item of a list whose member key has string value val. */
static const struct jv *
find_item(const struct jv *list, const char *key, const char *val)
{
	size_t i;

	for (i = 0; list != NULL && i < list->n; i++) {
		const char *s = jv_str(&list->v[i], key);

		if (s != NULL && strcmp(s, val) == 0)
			return &list->v[i];
	}
	return NULL;
}

static const char *
ip_s(uint32_t ip, char *b)
{
	return pkt_ntoa(ip, b);
}

/* ---- the shows ------------------------------------------------------------ */

static void
test_isakmp(void)
{
	struct net n;
	struct jv *v;
	const struct jv *l, *it;
	char *t, a[16];
	size_t i, nat = 0;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 2));
	v = run_j(&n.s, "show isakmp sa", GW_CTL_OK);
	CU_ASSERT_STRING_EQUAL(jv_str(v, "command"), "show isakmp sa");
	l = items(v, "items");
	CU_ASSERT_EQUAL_FATAL(l->n, 3);
	CU_ASSERT_EQUAL(jv_u64(v, "total"), 3);
	CU_ASSERT_TRUE(jv_is(v, "next", JT_NULL));
	for (i = 0; i < l->n; i++) {
		it = &l->v[i];
		CU_ASSERT_STRING_EQUAL(jv_str(it, "state"), "established");
		CU_ASSERT_STRING_EQUAL(jv_str(it, "suite.enc"), "3des");
		CU_ASSERT_STRING_EQUAL(jv_str(it, "suite.hash"), "sha1");
		CU_ASSERT_STRING_EQUAL(jv_str(it, "suite.group"), "modp1024");
		CU_ASSERT_STRING_EQUAL(jv_str(it, "local_id.value"), "203.0.113.1");
		CU_ASSERT_STRING_EQUAL(jv_str(it, "local.ip"), "203.0.113.1");
		CU_ASSERT_TRUE(jv_get(jv_path(it, "dpd"), "enabled")->b);
		CU_ASSERT_TRUE(jv_u64(it, "lifetime_left_s") > 0 &&
		    jv_u64(it, "lifetime_left_s") <= 28800);
		CU_ASSERT_EQUAL(strlen(jv_str(it, "icookie")), 16);
		CU_ASSERT_EQUAL(jv_path(it, "users")->n, 1);
		if (strcmp(jv_str(it, "nat_t"), "peer") == 0) {
			nat++;
			CU_ASSERT_STRING_EQUAL(jv_str(it, "peer.ip"), "198.51.100.2");
			CU_ASSERT_EQUAL(jv_u64(it, "local.port"), 4500);
			/* The client's ID is its own (private) address. */
			CU_ASSERT_STRING_EQUAL(jv_str(it, "remote_id.type"), "ipv4_addr");
			CU_ASSERT_STRING_EQUAL(jv_str(it, "remote_id.value"),
			    strcmp(jv_str(it, "users.0"), "dialin1") == 0 ? "10.0.0.2" :
			    "10.0.0.3");
		} else {
			CU_ASSERT_STRING_EQUAL(jv_str(it, "nat_t"), "none");
			CU_ASSERT_STRING_EQUAL(jv_str(it, "peer.ip"), ip_s(H3_IP, a));
			CU_ASSERT_EQUAL(jv_u64(it, "peer.port"), 500);
			CU_ASSERT_STRING_EQUAL(jv_str(it, "users.0"), "dialin3");
		}
	}
	CU_ASSERT_EQUAL(nat, 2);
	jv_free(v);

	/* Filters: one user; one NAT (two clients); one client behind it. */
	v = run_j(&n.s, "show isakmp sa user=dialin2", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_EQUAL_FATAL(l->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.users.0"), "dialin2");
	{
		char cmd[80];
		uint64_t port = jv_u64(l, "0.peer.port");

		jv_free(v);
		v = run_j(&n.s, "show isakmp sa peer=198.51.100.2", GW_CTL_OK);
		CU_ASSERT_EQUAL(items(v, "items")->n, 2);
		jv_free(v);
		snprintf(cmd, sizeof(cmd), "show isakmp sa peer=198.51.100.2:%llu",
		    (unsigned long long)port);
		v = run_j(&n.s, cmd, GW_CTL_OK);
		CU_ASSERT_EQUAL_FATAL(items(v, "items")->n, 1);
		CU_ASSERT_STRING_EQUAL(jv_str(v, "items.0.users.0"), "dialin2");
	}
	jv_free(v);

	t = h_ok(&n.s, "show isakmp sa");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "REMOTE-ID"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "3des-sha1-g2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "established"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "198.51.100.2:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "peer"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "(3 IKE SAs)"));
	free(t);
	/* Abbreviated, as on the router. */
	t = h_ok(&n.s, "sh isa");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "(3 IKE SAs)"));
	free(t);
	sim_free(&n.s);
}

static void
test_ipsec(void)
{
	struct net n;
	struct jv *v;
	const struct jv *l;
	char *t;
	size_t i;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 4));
	v = run_j(&n.s, "show ipsec sa", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_EQUAL_FATAL(l->n, 3);
	for (i = 0; i < l->n; i++) {
		const struct jv *it = &l->v[i];
		bool natted = strcmp(jv_str(it, "users.0"), "dialin3") != 0;

		CU_ASSERT_STRING_EQUAL(jv_str(it, "suite"), "3des-sha1");
		CU_ASSERT_STRING_EQUAL(jv_str(it, "mode"), "transport");
		CU_ASSERT_EQUAL(jv_get(it, "udp_encap")->b, natted);
		CU_ASSERT_EQUAL(jv_u64(it, "selector.protocol"), 17);
		CU_ASSERT_EQUAL(jv_u64(it, "selector.local_port"), 1701);
		CU_ASSERT_EQUAL(strlen(jv_str(it, "spi_in")), 8);
		CU_ASSERT_TRUE(strcmp(jv_str(it, "spi_in"), "00000000") != 0);
		CU_ASSERT_TRUE(jv_get(it, "current")->b);
		CU_ASSERT_TRUE(jv_u64(it, "rekey_in_s") > 0 || jv_is(it, "rekey_in_s", JT_NULL));
		/* 4 pings each way plus PPP and L2TP control. */
		CU_ASSERT_TRUE(jv_u64(it, "in.packets") >= 4);
		CU_ASSERT_TRUE(jv_u64(it, "out.packets") >= 4);
		CU_ASSERT_TRUE(jv_u64(it, "in.bytes") > 4 * 84);
		CU_ASSERT_EQUAL(jv_u64(it, "in.drops.replay"), 0);
		CU_ASSERT_EQUAL(jv_u64(it, "in.drops.icv"), 0);
		CU_ASSERT_EQUAL(jv_u64(it, "in.drops.other"), 0);
		CU_ASSERT_EQUAL(jv_u64(it, "out.seq"), jv_u64(it, "out.packets"));
		CU_ASSERT_STRING_EQUAL(jv_str(it, "peer.ip"), natted ? "198.51.100.2" :
		    "198.51.100.101");
	}
	jv_free(v);
	t = h_ok(&n.s, "show ipsec sa");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "SPI-IN"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "DROP-REPLAY"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "tr/udp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "tr/esp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "udp/1701/1701"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "(3 IPsec SA pairs)"));
	free(t);
	sim_free(&n.s);
}

static void
test_l2tp_ppp(void)
{
	struct net n;
	struct jv *v;
	const struct jv *l, *it;
	char *t, a[16];
	size_t i;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 3));
	v = run_j(&n.s, "show l2tp tunnel", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_EQUAL(l->n, 3);
	for (i = 0; i < l->n; i++) {
		it = &l->v[i];
		CU_ASSERT_STRING_EQUAL(jv_str(it, "state"), "established");
		CU_ASSERT_EQUAL(jv_u64(it, "sessions"), 1);
		CU_ASSERT_TRUE(jv_u64(it, "tunnel_id") > 0);
		CU_ASSERT_TRUE(jv_u64(it, "data.rx_packets") >= 3);
		CU_ASSERT_TRUE(jv_u64(it, "control.rx") >= 3);	/* SCCRQ, SCCCN, ICRQ, ICCN */
		CU_ASSERT_EQUAL(jv_path(it, "users")->n, 1);
	}
	jv_free(v);
	v = run_j(&n.s, "show l2tp session user=dialin1", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_EQUAL_FATAL(l->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.user"), "dialin1");
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.address"), "192.168.8.50");
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.state"), "established");
	CU_ASSERT_TRUE(jv_u64(l, "0.data.rx_packets") >= 3);
	jv_free(v);
	/* "show l2tp" is both lists. */
	v = run_j(&n.s, "show l2tp", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "l2tp_tunnels.items")->n, 3);
	CU_ASSERT_EQUAL(items(v, "l2tp_sessions.items")->n, 3);
	jv_free(v);

	v = run_j(&n.s, "show ppp", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_EQUAL_FATAL(l->n, 3);
	it = find_item(l, "user", "dialin2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(it);
	CU_ASSERT_STRING_EQUAL(jv_str(it, "address"), ip_s(n.i2.addr, a));
	CU_ASSERT_STRING_EQUAL(jv_str(it, "pool"), "myippool");
	CU_ASSERT_STRING_EQUAL(jv_str(it, "auth"), "CHAP-MD5");
	CU_ASSERT_STRING_EQUAL(jv_str(it, "phase"), "network");
	CU_ASSERT_STRING_EQUAL(jv_str(it, "echo.state"), "ok");
	CU_ASSERT_EQUAL(jv_u64(it, "echo.interval_s"), 30);
	CU_ASSERT_EQUAL(jv_u64(it, "packets_in"), 3);
	CU_ASSERT_EQUAL(jv_u64(it, "packets_out"), 3);
	CU_ASSERT_EQUAL(jv_u64(it, "bytes_in"), 3 * 84);
	CU_ASSERT_STRING_EQUAL(jv_str(it, "dns.0"), "192.168.10.53");
	CU_ASSERT_STRING_EQUAL(jv_str(it, "peer.ip"), "198.51.100.2");
	it = find_item(l, "user", "dialin1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(it);
	CU_ASSERT_STRING_EQUAL(jv_str(it, "address"), "192.168.8.50");
	CU_ASSERT_STRING_EQUAL(jv_str(it, "pool"), "static");
	jv_free(v);

	t = h_ok(&n.s, "show ppp");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "dialin1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "192.168.8.50"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "CHAP-MD5"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "network"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "(3 PPP sessions)"));
	free(t);
	t = h_ok(&n.s, "show l2tp");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "L2TP tunnels"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "(3 L2TP sessions)"));
	free(t);
	sim_free(&n.s);
}

static void
test_fire(void)
{
	struct net n;
	struct jv *v, *w;
	const struct jv *l;
	char *t, a[16], cmd[96];
	uint64_t next, total;
	size_t i, got = 0, paged = 0, pages = 0;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 2));
	/* dialin2 reaches the internet through the office's enhanced NAT. */
	CU_ASSERT_EQUAL(pings(&n.s, n.h2, SIM_INET_IP, 2), 2);
	v = run_j(&n.s, "show fire session", GW_CTL_OK);
	l = items(v, "items");
	total = jv_u64(v, "total");
	CU_ASSERT_EQUAL(total, l->n);
	/* Per client: the ping to the office, and its L2TP control flow
	 * admitted by rule 3 (encap=ipsec); dialin2's internet ping. */
	CU_ASSERT_TRUE(l->n >= 7);
	for (i = 0; i < l->n; i++) {
		const struct jv *it = &l->v[i];

		if (jv_u64(it, "protocol") == 1 &&
		    strcmp(jv_str(it, "orig.dst"), "198.51.100.99") == 0) {
			CU_ASSERT_TRUE(jv_get(it, "nat")->b);
			CU_ASSERT_STRING_EQUAL(jv_str(it, "orig.src"), ip_s(n.i2.addr, a));
			CU_ASSERT_STRING_EQUAL(jv_str(it, "reply.dst"), "203.0.113.1");
			CU_ASSERT_STRING_EQUAL(jv_str(it, "in_user"), "dialin2");
			CU_ASSERT_STRING_EQUAL(jv_str(it, "out_if"), "eth0");
			got++;
		}
		if (jv_u64(it, "rule") == 3) {
			CU_ASSERT_TRUE(jv_get(it, "ipsec")->b);
			CU_ASSERT_EQUAL(jv_u64(it, "orig.dport"), 1701);
		}
	}
	CU_ASSERT_EQUAL(got, 1);
	jv_free(v);

	/* One user's connections: its pings and its L2TP control flow. */
	v = run_j(&n.s, "show fire session user=dialin2", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_TRUE(l->n >= 3);
	for (i = 0; i < l->n; i++) {
		const struct jv *it = &l->v[i];
		const char *iu = jv_str(it, "in_user"), *ou = jv_str(it, "out_user");

		CU_ASSERT_TRUE((iu != NULL && strcmp(iu, "dialin2") == 0) ||
		    (ou != NULL && strcmp(ou, "dialin2") == 0) || jv_u64(it, "rule") == 3);
	}
	jv_free(v);
	v = run_j(&n.s, "show fire session proto=icmp ip=198.51.100.99", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 1);
	jv_free(v);

	/* Paging with libfw's cursor: one entry a page, every entry once. */
	next = 0;
	do {
		snprintf(cmd, sizeof(cmd), "show fire session limit=1 start=%llu",
		    (unsigned long long)next);
		w = run_j(&n.s, cmd, GW_CTL_OK);
		paged += items(w, "items")->n;
		next = jv_is(w, "next", JT_NULL) ? 0 : jv_u64(w, "next");
		jv_free(w);
		pages++;
	} while (next != 0 && pages < 100);
	CU_ASSERT_EQUAL(paged, total);

	v = run_j(&n.s, "show fire nat", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_EQUAL_FATAL(l->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.private.ip"), ip_s(n.i2.addr, a));
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.global.ip"), "203.0.113.1");
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.remote.ip"), "198.51.100.99");
	CU_ASSERT_STRING_EQUAL(jv_str(l, "0.user"), "dialin2");
	jv_free(v);
	v = run_j(&n.s, "show fire nat user=dialin1", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 0);
	jv_free(v);

	t = h_ok(&n.s, "show fire session");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "DESTINATION"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "ppp>eth0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "203.0.113.1:"));
	free(t);
	t = h_ok(&n.s, "show fire session limit=2");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "(2 firewall connections shown; more may follow: start="));
	free(t);
	t = h_ok(&n.s, "show fire nat");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "dialin2"));
	free(t);
	t = h_ok(&n.s, "show fire");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Firewall enabled"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "eth0"));
	free(t);
	v = run_j(&n.s, "show fire", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "rules")->n, 3);
	CU_ASSERT_TRUE(jv_u64(v, "rules.2.hits") >= 3);	/* each client's L2TP */
	jv_free(v);
	sim_free(&n.s);
}

static void
test_counters(void)
{
	static const uint8_t sccrq[] = {
		0xc8, 0x02, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	struct net n;
	struct jv *v;
	const struct jv *l;
	char *t;
	size_t i, j;
	bool zero_seen = false;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	/* L2TP in clear: refused by the gateway (and its firewall). */
	sim_udp_to_gw(&n.s, n.h3, 1701, 1701, sccrq, sizeof(sccrq));
	sim_advance(&n.s, S);
	v = run_j(&n.s, "show counters", GW_CTL_OK);
	l = items(v, "items");
	CU_ASSERT_TRUE_FATAL(l->n > 200);
	CU_ASSERT_EQUAL(jv_u64(v, "total"), l->n);
	for (i = 0; i < l->n; i++) {
		uint64_t x = jv_u64(&l->v[i], "value");

		/* Nonzero first. */
		if (x == 0)
			zero_seen = true;
		else
			CU_ASSERT_FALSE(zero_seen);
		CU_ASSERT_TRUE(jv_is(&l->v[i], "drop", JT_BOOL));
		/* Names are unique. */
		for (j = 0; j < i; j++)
			CU_ASSERT_TRUE(strcmp(jv_str(&l->v[i], "name"), jv_str(&l->v[j], "name")) != 0);
	}
	CU_ASSERT_EQUAL(jv_u64(find_item(l, "name", "gateway.l2tp_clear_refused"), "value"), 1);
	CU_ASSERT_TRUE(jv_get(find_item(l, "name", "gateway.l2tp_clear_refused"), "drop")->b);
	CU_ASSERT_EQUAL(jv_u64(find_item(l, "name", "isakmp.phase1_up"), "value"), 3);
	CU_ASSERT_EQUAL(jv_u64(find_item(l, "name", "ppp.auth_ok"), "value"), 3);
	CU_ASSERT_TRUE(jv_u64(find_item(l, "name", "esp.sa_in.packets"), "value") >= 3);
	CU_ASSERT_PTR_NOT_NULL(find_item(l, "name", "fw.drop.need_ipsec"));
	CU_ASSERT_PTR_NOT_NULL(find_item(l, "name", "l2tp.rx_bad_avp"));
	CU_ASSERT_PTR_NOT_NULL(find_item(l, "name", "esp.sa_in.auth_fail"));
	CU_ASSERT_TRUE(jv_u64(v, "nonzero") > 10);
	CU_ASSERT_TRUE(jv_u64(v, "nonzero_drops") >= 1);
	jv_free(v);
	t = h_ok(&n.s, "show counters");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "gateway.l2tp_clear_refused"));
	/* The first row after the header is nonzero: VALUE is columns 46-65. */
	{
		const char *row = strchr(t, '\n') + 1;

		CU_ASSERT_TRUE(strlen(row) > 66 && strtoull(row + 45, NULL, 10) > 0);
	}
	free(t);
	sim_free(&n.s);
}

/* show counters format=openmetrics: the format (omchk.c, from the spec), and
 * the numbers a monitoring system scrapes: clients, setups, failures by
 * reason, bytes, drops by reason, levels. */
static void
test_openmetrics(void)
{
	struct net n;
	struct vc_params p;
	struct jv *v;
	const struct jv *l;
	char *t, err[160];
	uint64_t x = 0;
	int h4;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 2));
	seed_client(&p, "dialin4", "wrong");
	h4 = sim_add_host(&n.s, sim_add_nat(&n.s), 0x0a000009u, &p);
	(void)vc_connect(n.s.hosts[h4].vc, n.s.now, 0);
	CU_ASSERT_TRUE(sim_run(&n.s, 60 * S, sim_cond_ended, (void *)(intptr_t)h4));
	sim_advance(&n.s, S);

	t = h_ok(&n.s, "show counters format=openmetrics");
	if (!om_check(t, err, sizeof(err)))
		fprintf(stderr, "\nnot OpenMetrics: %s\n%s", err, t);
	CU_ASSERT_TRUE(om_check(t, err, sizeof(err)));
	CU_ASSERT_TRUE(om_value(t, "roadgate_clients", &x) && x == 3);
	CU_ASSERT_TRUE(om_value(t, "roadgate_peers", &x) && x == 3);
	CU_ASSERT_TRUE(om_value(t, "roadgate_setups_total{stage=\"client\"}", &x) && x == 3);
	CU_ASSERT_TRUE(om_value(t, "roadgate_setups_total{stage=\"ike\"}", &x) && x == 4);
	CU_ASSERT_TRUE(om_value(t, "roadgate_setups_total{stage=\"ppp_auth\"}", &x) && x == 3);
	CU_ASSERT_TRUE(om_value(t, "roadgate_setup_failures_total{reason=\"PPP authentication: "
	    "wrong password\"}", &x) && x == 1);
	CU_ASSERT_TRUE(om_value(t, "roadgate_bytes_total{layer=\"esp\",direction=\"in\"}", &x) &&
	    x > 6 * 84);
	CU_ASSERT_TRUE(om_value(t, "roadgate_packets_total{layer=\"ppp\",direction=\"out\"}",
	    &x) && x >= 6);
	CU_ASSERT_TRUE(om_value(t, "roadgate_drops_total{library=\"ppp\",reason=\"auth_fail\"}",
	    &x) && x == 1);
	CU_ASSERT_TRUE(om_value(t, "roadgate_drops_total{library=\"isakmp\",reason="
	    "\"cookies_invalid\"}", &x) && x == 0);
	CU_ASSERT_TRUE(om_value(t, "roadgate_drops_total{library=\"fw.drop\",reason="
	    "\"wrong_if\"}", &x));
	CU_ASSERT_TRUE(om_value(t, "roadgate_level{library=\"ppp\",name=\"sessions_live\"}",
	    &x) && x == 3);
	CU_ASSERT_TRUE(om_value(t, "roadgate_events_total{library=\"gateway\",name="
	    "\"clients_up\"}", &x) && x == 3);
	CU_ASSERT_PTR_NULL(strstr(t, "reason_"));	/* every libfw reason has a name */
	free(t);

	/* The same counts in the table and the JSON document. */
	t = h_ok(&n.s, "show counters");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Failures by reason:\n       1  PPP authentication: "
	    "wrong password\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "isakmp.cookies_sent"));
	free(t);
	v = run_j(&n.s, "show counters", GW_CTL_OK);
	l = items(v, "failures_by_reason");
	CU_ASSERT_EQUAL_FATAL(l->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(&l->v[0], "why"), "PPP authentication: wrong password");
	CU_ASSERT_EQUAL(jv_u64(&l->v[0], "count"), 1);
	CU_ASSERT_TRUE(jv_get(find_item(items(v, "items"), "name", "esp.sas"), "gauge")->b);
	CU_ASSERT_FALSE(jv_get(find_item(items(v, "items"), "name", "esp.sas"), "drop")->b);
	jv_free(v);
	/* OpenMetrics is text: not inside a JSON document. */
	v = run_j(&n.s, "show counters format=openmetrics", GW_CTL_E_PARAM);
	CU_ASSERT_EQUAL(jv_u64(v, "error.column"), 22);
	jv_free(v);
	sim_free(&n.s);
}

static void
test_config(void)
{
	struct net n;
	struct jv *v;
	char *t;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	t = h_ok(&n.s, "show config");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "add user=dialin1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "<hidden>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "create isakmp policy=roaming1"));
	CU_ASSERT_PTR_NULL(strstr(t, "enable isakmp debug"));
	free(t);
	v = run_j(&n.s, "show config", GW_CTL_OK);
	CU_ASSERT_TRUE(jv_is(v, "config", JT_OBJ));
	jv_free(v);
	/* The switches are part of the effective configuration. */
	free(h_ok(&n.s, "enable isakmp debug"));
	t = h_ok(&n.s, "sh conf");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "enable isakmp debug"));
	free(t);
	sim_free(&n.s);
}

static void
test_user(void)
{
	struct net n;
	struct vc_params p;
	struct jv *v;
	char *t, a[16];
	int h4;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 2));
	v = run_j(&n.s, "show user=dialin2", GW_CTL_OK);
	CU_ASSERT_STRING_EQUAL(jv_str(v, "user"), "dialin2");
	CU_ASSERT_TRUE(jv_get(v, "connected")->b);
	CU_ASSERT_TRUE(jv_get(v, "configured")->b);
	CU_ASSERT_TRUE(jv_is(v, "static_address", JT_NULL));
	CU_ASSERT_EQUAL(items(v, "ppp.items")->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(v, "ppp.items.0.address"), ip_s(n.i2.addr, a));
	CU_ASSERT_EQUAL(items(v, "l2tp_sessions.items")->n, 1);
	CU_ASSERT_EQUAL(items(v, "l2tp_tunnels.items")->n, 1);
	CU_ASSERT_EQUAL(items(v, "ike_sas.items")->n, 1);
	CU_ASSERT_EQUAL(items(v, "ipsec_sas.items")->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(v, "ike_sas.items.0.users.0"), "dialin2");
	CU_ASSERT_STRING_EQUAL(jv_str(v, "ipsec_sas.items.0.users.0"), "dialin2");
	CU_ASSERT_EQUAL(jv_u64(v, "ike_sas.items.0.peer.port"),
	    jv_u64(v, "ppp.items.0.peer.port"));
	CU_ASSERT_TRUE(items(v, "fire_sessions.items")->n >= 2);
	CU_ASSERT_EQUAL(items(v, "failures")->n, 0);
	jv_free(v);
	t = h_ok(&n.s, "show user=dialin1");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "User dialin1: connected (1 PPP session)\n"
	    "Configured, static address 192.168.8.50\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "IKE SAs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "IPsec SAs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "L2TP sessions"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Firewall connections"));
	CU_ASSERT_PTR_NULL(strstr(t, "dialin2"));
	free(t);

	/* dialin4 types the wrong password: "why is she not connected". */
	seed_client(&p, "dialin4", "wrong");
	h4 = sim_add_host(&n.s, sim_add_nat(&n.s), 0x0a000009u, &p);
	(void)vc_connect(n.s.hosts[h4].vc, n.s.now, 0);
	CU_ASSERT_TRUE(sim_run(&n.s, 60 * S, sim_cond_ended, (void *)(intptr_t)h4));
	sim_advance(&n.s, 5 * S);
	v = run_j(&n.s, "show user=dialin4", GW_CTL_OK);
	CU_ASSERT_FALSE(jv_get(v, "connected")->b);
	CU_ASSERT_TRUE(jv_get(v, "configured")->b);
	CU_ASSERT_EQUAL_FATAL(items(v, "failures")->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(v, "failures.0.why"), "PPP authentication: wrong password");
	CU_ASSERT_STRING_EQUAL(jv_str(v, "failures.0.peer.ip"), "198.51.100.3");
	jv_free(v);
	t = h_ok(&n.s, "show user dialin4");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "User dialin4: not connected\nConfigured, address "
	    "from the pool\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "wrong password"));
	free(t);
	t = h_ok(&n.s, "show failures");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "dialin4"));
	free(t);
	v = run_j(&n.s, "show user=nobody", GW_CTL_OK);
	CU_ASSERT_FALSE(jv_get(v, "configured")->b);
	CU_ASSERT_FALSE(jv_get(v, "connected")->b);
	jv_free(v);
	/* The security officer is not a dial-in user. */
	v = run_j(&n.s, "show user=secoff", GW_CTL_OK);
	CU_ASSERT_FALSE(jv_get(v, "configured")->b);
	jv_free(v);
	sim_free(&n.s);
}

static void
test_paging(void)
{
	struct net n;
	struct jv *v;
	char *t;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	v = run_j(&n.s, "show ppp limit=1", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 1);
	CU_ASSERT_EQUAL(jv_u64(v, "total"), 3);
	CU_ASSERT_EQUAL(jv_u64(v, "next"), 1);
	jv_free(v);
	v = run_j(&n.s, "show ppp limit=1 start=1", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 1);
	CU_ASSERT_EQUAL(jv_u64(v, "next"), 2);
	jv_free(v);
	v = run_j(&n.s, "show ppp start=2", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 1);
	CU_ASSERT_TRUE(jv_is(v, "next", JT_NULL));
	jv_free(v);
	v = run_j(&n.s, "show ppp start=9", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 0);
	jv_free(v);
	t = h_ok(&n.s, "show ipsec sa limit=2");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "(2 of 3 IPsec SA pairs shown; more with start=2)"));
	free(t);
	sim_free(&n.s);
}

/* ---- acting --------------------------------------------------------------- */

static void
test_disconnect_user(void)
{
	struct net n;
	struct vc_info in;
	struct jv *v;
	char *t;
	int rc;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	v = run_j(&n.s, "disconnect user=dialin2", GW_CTL_OK);
	CU_ASSERT_EQUAL(jv_u64(v, "sessions"), 1);
	CU_ASSERT_EQUAL(items(v, "peers")->n, 1);
	CU_ASSERT_STRING_EQUAL(jv_str(v, "peers.0.peer.ip"), "198.51.100.2");
	jv_free(v);
	CU_ASSERT_TRUE(sim_run(&n.s, 20 * S, sim_cond_ended, (void *)(intptr_t)n.h2));
	CU_ASSERT_TRUE(vc_get_info(n.s.hosts[n.h2].vc, 0, &in));
	/* The client heard it from PPP first (Terminate-Request). */
	CU_ASSERT_PTR_NOT_NULL(strstr(in.why, "PPP"));
	sim_advance(&n.s, 10 * S);
	CU_ASSERT_EQUAL(gw_session_count(n.s.gw), 2);
	CU_ASSERT_EQUAL(gw_peer_count(n.s.gw), 2);
	/* The others, one behind the same NAT, did not notice. */
	CU_ASSERT_TRUE(n.s.hosts[n.h1].up);
	CU_ASSERT_TRUE(n.s.hosts[n.h3].up);
	CU_ASSERT_EQUAL(pings(&n.s, n.h1, SIM_OFFICE_IP, 2), 2);
	CU_ASSERT_EQUAL(pings(&n.s, n.h3, SIM_OFFICE_IP, 2), 2);
	v = run_j(&n.s, "show isakmp sa", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 2);
	CU_ASSERT_PTR_NULL(find_item(items(v, "items"), "users.0", "dialin2"));
	jv_free(v);
	v = run_j(&n.s, "show ipsec sa user=dialin2", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 0);
	jv_free(v);
	v = run_j(&n.s, "show l2tp tunnel", GW_CTL_OK);
	CU_ASSERT_EQUAL(items(v, "items")->n, 2);
	jv_free(v);
	CU_ASSERT_TRUE(sim_log_has(&n.s, "operator: disconnect user=dialin2"));
	CU_ASSERT_TRUE(sim_log_has(&n.s, "session end: user dialin2"));
	/* Gone: nothing left to disconnect. */
	t = run_h(&n.s, "disconnect user=dialin2", &rc);
	CU_ASSERT_EQUAL(rc, GW_CTL_E_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "error: user dialin2 has no session"));
	free(t);
	sim_free(&n.s);
}

static void
test_disconnect_peer(void)
{
	struct net n;
	char *t;
	int rc;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	t = h_ok(&n.s, "disconnect peer=198.51.100.101:500");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "198.51.100.101:500 (198.51.100.101)"));
	free(t);
	CU_ASSERT_TRUE(sim_run(&n.s, 20 * S, sim_cond_ended, (void *)(intptr_t)n.h3));
	sim_advance(&n.s, 10 * S);
	CU_ASSERT_EQUAL(gw_session_count(n.s.gw), 2);
	CU_ASSERT_EQUAL(gw_peer_count(n.s.gw), 2);
	CU_ASSERT_TRUE(n.s.hosts[n.h1].up);
	CU_ASSERT_TRUE(n.s.hosts[n.h2].up);
	CU_ASSERT_EQUAL(pings(&n.s, n.h2, SIM_OFFICE_IP, 2), 2);
	t = run_h(&n.s, "disconnect peer=198.51.100.101", &rc);
	CU_ASSERT_EQUAL(rc, GW_CTL_E_NOT_FOUND);
	free(t);
	/* The hotel's address: both clients behind its NAT. */
	{
		struct jv *v = run_j(&n.s, "disconnect peer=198.51.100.2", GW_CTL_OK);

		CU_ASSERT_EQUAL(jv_u64(v, "sessions"), 2);
		CU_ASSERT_EQUAL(items(v, "peers")->n, 2);
		jv_free(v);
	}
	CU_ASSERT_TRUE(sim_run(&n.s, 20 * S, sim_cond_ended, (void *)(intptr_t)n.h1));
	CU_ASSERT_TRUE(sim_run(&n.s, 20 * S, sim_cond_ended, (void *)(intptr_t)n.h2));
	sim_advance(&n.s, 10 * S);
	CU_ASSERT_EQUAL(gw_session_count(n.s.gw), 0);
	CU_ASSERT_EQUAL(gw_peer_count(n.s.gw), 0);
	/* A client that dials again is served as before. */
	(void)vc_connect(n.s.hosts[n.h1].vc, n.s.now, 0);
	CU_ASSERT_TRUE(sim_run(&n.s, 40 * S, sim_cond_up, (void *)(intptr_t)n.h1));
	CU_ASSERT_EQUAL(pings(&n.s, n.h1, SIM_OFFICE_IP, 2), 2);
	/* During shutdown the operator cannot start one. */
	gw_shutdown(n.s.gw, n.s.now);
	t = run_h(&n.s, "disconnect user=dialin1", &rc);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "shutting down"));
	CU_ASSERT_EQUAL(rc, GW_CTL_E_STATE);
	free(t);
	sim_free(&n.s);
}

static void
test_debug(void)
{
	struct net n;
	struct jv *v;
	char *t;
	uint32_t before;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	CU_ASSERT_FALSE(gw_debug_get(n.s.gw, GW_LOG_ISAKMP));
	before = n.s.debug_lines[GW_LOG_ISAKMP];
	sim_advance(&n.s, 60 * S);	/* DPD, keepalives: no debug lines */
	CU_ASSERT_EQUAL(n.s.debug_lines[GW_LOG_ISAKMP], before);
	/* The seed's alias: add alias=ed string="enable isa debug". */
	t = h_ok(&n.s, "ed");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "isakmp   debug on"));
	free(t);
	CU_ASSERT_TRUE(gw_debug_get(n.s.gw, GW_LOG_ISAKMP));
	CU_ASSERT_TRUE(sim_log_has(&n.s, "operator: isakmp debug on"));
	/* A disconnect makes libisakmp talk. */
	free(h_ok(&n.s, "disconnect user=dialin3"));
	sim_advance(&n.s, 10 * S);
	CU_ASSERT_TRUE(n.s.debug_lines[GW_LOG_ISAKMP] > before);
	t = h_ok(&n.s, "dd");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "isakmp   debug off"));
	free(t);
	CU_ASSERT_FALSE(gw_debug_get(n.s.gw, GW_LOG_ISAKMP));
	/* ed2: "enable ipsec poli debug=all". */
	free(h_ok(&n.s, "ed2"));
	CU_ASSERT_TRUE(gw_debug_get(n.s.gw, GW_LOG_IPSEC));
	free(h_ok(&n.s, "enable fire debug"));
	free(h_ok(&n.s, "en ppp deb"));
	v = run_j(&n.s, "show debug", GW_CTL_OK);
	CU_ASSERT_TRUE(jv_get(jv_get(v, "debug"), "ipsec")->b);
	CU_ASSERT_TRUE(jv_get(jv_get(v, "debug"), "fire")->b);
	CU_ASSERT_TRUE(jv_get(jv_get(v, "debug"), "ppp")->b);
	CU_ASSERT_FALSE(jv_get(jv_get(v, "debug"), "l2tp")->b);
	jv_free(v);
	v = run_j(&n.s, "disable all debug", GW_CTL_OK);
	CU_ASSERT_FALSE(jv_get(jv_get(v, "debug"), "ipsec")->b);
	CU_ASSERT_FALSE(jv_get(jv_get(v, "debug"), "ppp")->b);
	jv_free(v);
	sim_free(&n.s);
}

/* ---- refusals -------------------------------------------------------------- */

struct bad {
	const char *line;
	int rc;
	int col;
};

static void
test_refusals(void)
{
	static const struct bad bads[] = {
		{ "", GW_CTL_E_EMPTY, 0 },
		{ "   \t ", GW_CTL_E_EMPTY, 0 },
		{ "show\x01 ppp", GW_CTL_E_BYTE, 5 },
		{ "show ppp\xc3\xa9", GW_CTL_E_BYTE, 9 },
		{ "show ppp\n", GW_CTL_E_BYTE, 9 },
		{ "a b c d e f g h i j k l m n o p q", GW_CTL_E_WORDS, 33 },
		{ "show user=\"dialin2", GW_CTL_E_QUOTE, 11 },
		{ "show foo", GW_CTL_E_UNKNOWN, 6 },
		{ "frobnicate", GW_CTL_E_UNKNOWN, 1 },
		{ "user=x", GW_CTL_E_UNKNOWN, 1 },
		{ "show i", GW_CTL_E_AMBIGUOUS, 6 },
		{ "di isa debug", GW_CTL_E_AMBIGUOUS, 1 },
		{ "show", GW_CTL_E_INCOMPLETE, 5 },
		{ "disconnect", GW_CTL_E_INCOMPLETE, 11 },
		{ "enable isakmp", GW_CTL_E_INCOMPLETE, 14 },
		{ "enable isakmp sa", GW_CTL_E_UNKNOWN, 15 },
		{ "enable bogus debug", GW_CTL_E_UNKNOWN, 8 },
		{ "show ppp limit=0", GW_CTL_E_VALUE, 10 },
		{ "show ppp limit=10001", GW_CTL_E_VALUE, 10 },
		{ "show ppp limit=abc", GW_CTL_E_VALUE, 10 },
		{ "show ppp start=99999999999999999999", GW_CTL_E_VALUE, 10 },
		{ "show ppp peer=1.2.3", GW_CTL_E_VALUE, 10 },
		{ "show ppp peer=1.2.3.4:0", GW_CTL_E_VALUE, 10 },
		{ "show ppp peer=1.2.3.4:65536", GW_CTL_E_VALUE, 10 },
		{ "show ppp peer=256.1.1.1", GW_CTL_E_VALUE, 10 },
		{ "show ppp peer=01.2.3.4.5", GW_CTL_E_VALUE, 10 },
		{ "show ppp peer=+1.2.3.4", GW_CTL_E_VALUE, 10 },
		{ "show fire session proto=gre", GW_CTL_E_VALUE, 19 },
		{ "show fire session port=0", GW_CTL_E_VALUE, 19 },
		{ "show ppp ip=1.2.3.4", GW_CTL_E_PARAM, 10 },
		{ "show ppp limit=1 limit=2", GW_CTL_E_PARAM, 18 },
		{ "show ppp sideways", GW_CTL_E_PARAM, 10 },
		{ "show ppp bogus=1", GW_CTL_E_UNKNOWN, 10 },
		{ "show counters limit=3", GW_CTL_E_PARAM, 15 },
		{ "show counters format=xml", GW_CTL_E_VALUE, 15 },
		{ "show counters format=table format=table", GW_CTL_E_PARAM, 28 },
		{ "show ppp format=openmetrics", GW_CTL_E_PARAM, 10 },
		{ "disconnect user=a peer=1.2.3.4", GW_CTL_E_PARAM, 19 },
		{ "disconnect user=nobody", GW_CTL_E_NOT_FOUND, 0 },
		{ "disconnect peer=192.0.2.9", GW_CTL_E_NOT_FOUND, 0 },
		{ "show user=", GW_CTL_E_VALUE, 6 },
		{ "show user", GW_CTL_E_INCOMPLETE, 10 },
		{ "show user 0123456789012345678901234567890123456789012345678901234567890123",
		    GW_CTL_E_VALUE, 11 },
		{ "show user=0123456789012345678901234567890123456789012345678901234567890123",
		    GW_CTL_E_VALUE, 6 },
	};
	struct net n;
	char longw[GW_CTL_MAX_WORD + 16], longl[GW_CTL_MAX_LINE + 8];
	size_t i;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct jv *v;
		struct gw_ctl_out o;
		int rc;
		char line[256];

		/* Human: one "error: " line. */
		gw_ctl_out_init(&o, 0);
		rc = gw_ctl_exec(n.s.gw, n.s.now, bads[i].line, strlen(bads[i].line), &o);
		if (rc != bads[i].rc)
			fprintf(stderr, "\n\"%s\": %d (%s), want %d\n", bads[i].line, rc, o.buf,
			    bads[i].rc);
		CU_ASSERT_EQUAL(rc, bads[i].rc);
		CU_ASSERT_TRUE(o.buf != NULL && strncmp(o.buf, "error: ", 7) == 0);
		CU_ASSERT_TRUE(o.buf != NULL && clean_text(bads[i].line, o.buf, true));
		gw_ctl_out_free(&o);
		/* JSON: the code and the column. */
		if (strchr(bads[i].line, '\n') != NULL || bads[i].line[0] == '\0' ||
		    bads[i].line[0] == ' ')
			continue;
		snprintf(line, sizeof(line), "%s", bads[i].line);
		v = run_j(&n.s, line, bads[i].rc);
		CU_ASSERT_STRING_EQUAL(jv_str(v, "error.code"), gw_ctl_rc_name(bads[i].rc));
		CU_ASSERT_TRUE(jv_str(v, "error.message") != NULL);
		if (bads[i].col > 0) {
			/* "--json " moved every column by 7. */
			if (jv_u64(v, "error.column") != (uint64_t)bads[i].col + 7)
				fprintf(stderr, "\n\"%s\": column %llu, want %d\n", line,
				    (unsigned long long)jv_u64(v, "error.column"),
				    bads[i].col + 7);
			CU_ASSERT_EQUAL(jv_u64(v, "error.column"), (uint64_t)bads[i].col + 7);
		} else {
			CU_ASSERT_TRUE(jv_is(v, "error.column", JT_NULL));
		}
		jv_free(v);
	}
	/* Bounds: a word of 129 bytes, a line of 1025. */
	memset(longw, 'x', sizeof(longw));
	memcpy(longw, "show user=", 10);
	longw[10 + GW_CTL_MAX_WORD] = '\0';
	{
		struct jv *v = run_j(&n.s, longw, GW_CTL_E_WORD_LONG);

		CU_ASSERT_EQUAL(jv_u64(v, "error.column"), 6 + 7);
		jv_free(v);
	}
	memset(longl, ' ', sizeof(longl));
	memcpy(longl, "show ppp", 8);
	{
		struct gw_ctl_out o;

		gw_ctl_out_init(&o, 0);
		CU_ASSERT_EQUAL(gw_ctl_exec(n.s.gw, n.s.now, longl, GW_CTL_MAX_LINE, &o),
		    GW_CTL_OK);
		gw_ctl_out_reset(&o);
		CU_ASSERT_EQUAL(gw_ctl_exec(n.s.gw, n.s.now, longl, GW_CTL_MAX_LINE + 1, &o),
		    GW_CTL_E_TOO_LONG);
		CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "longer than 1024 bytes"));
		gw_ctl_out_reset(&o);
		/* An answer bound too small for the list: refused whole. */
		o.max = 2048;
		CU_ASSERT_EQUAL(gw_ctl_exec(n.s.gw, n.s.now, "--json show counters", 20, &o),
		    GW_CTL_E_TOO_BIG);
		CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "\"too_big\""));
		gw_ctl_out_free(&o);
	}
	/* Abbreviations the router takes: "dis" is disable (the seed's dd). */
	free(h_ok(&n.s, "dis isa deb"));
	free(h_ok(&n.s, "disc user=dialin1"));
	free(h_ok(&n.s, "HELP"));
	{
		struct jv *v = run_j(&n.s, "help", GW_CTL_OK);

		CU_ASSERT_TRUE(items(v, "commands")->n >= 10);
		jv_free(v);
	}
	sim_free(&n.s);
}

/* Random command lines from the vocabulary and junk: every answer is one
 * valid document (or an error line), tables stay narrow. */
static void
test_random_lines(void)
{
	static const char *const words[] = {
		"show", "sh", "isakmp", "ipsec", "sa", "l2tp", "tunnel", "session", "ppp",
		"fire", "nat", "counters", "config", "user=dialin1", "user=x", "peer=198.51.100.2",
		"peer=1.2.3.4:5", "limit=1", "limit=0", "start=1", "start=18446744073709551615",
		"proto=udp", "port=1701", "ip=192.168.10.10", "debug", "enable", "disable",
		"failures", "help", "=", "==", "\"", "\"a b\"", "user=\"x y\"", "json", "--json",
		"x", "ed", "dd", "ed2", "policy", "all", "gateway",
	};
	struct net n;
	struct ts_rng r;
	int i;

	CU_ASSERT_TRUE_FATAL(net_up(&n, 1));
	ts_rng_init(&r, 11);
	for (i = 0; i < 3000; i++) {
		char line[GW_CTL_MAX_LINE + 1], err[128];
		size_t len = 0, k, nw = 1 + ts_rng_u32(&r) % 6;
		bool json = ts_rng_u32(&r) % 2;
		struct gw_ctl_out o;
		struct jv *v;

		if (json)
			len = (size_t)snprintf(line, sizeof(line), "--json ");
		for (k = 0; k < nw && len < 200; k++) {
			const char *w = words[ts_rng_u32(&r) % (sizeof(words) / sizeof(words[0]))];

			/* Never the actions that end the fixture. */
			if (strncmp(w, "disc", 4) == 0)
				continue;
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
			    k ? " " : "", w);
		}
		if (ts_rng_u32(&r) % 8 == 0 && len < sizeof(line) - 1)
			line[len++] = (char)(ts_rng_u32(&r) & 0xff);
		gw_ctl_out_init(&o, 0);
		(void)gw_ctl_exec(n.s.gw, n.s.now, line, len, &o);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o.buf);
		/* The first word may have asked for JSON too ("json", "--json"). */
		json = o.buf[0] == '{';
		CU_ASSERT_TRUE(clean_text("random", o.buf, !json && strstr(o.buf, "create ") ==
		    NULL));
		if (json) {
			v = jv_parse(o.buf, o.len, err, sizeof(err));
			if (v == NULL)
				fprintf(stderr, "\n%.*s: %s\n%s\n", (int)len, line, err, o.buf);
			CU_ASSERT_PTR_NOT_NULL(v);
			jv_free(v);
		}
		gw_ctl_out_free(&o);
		sim_advance(&n.s, S / 100);
	}
	sim_free(&n.s);
}

/* Every command on a gateway nobody is connected to. */
static void
test_idle_gateway(void)
{
	static const char *const cmds[] = {
		"show isakmp sa", "show ipsec sa", "show l2tp", "show l2tp tunnel",
		"show l2tp session", "show ppp", "show fire session", "show fire nat",
		"show fire", "show counters", "show config", "show user=dialin1",
		"show failures", "show debug", "help", "enable all debug", "disable all debug",
	};
	struct sim s;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(sim_init(&s, SEED_CFG), 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct jv *v = run_j(&s, cmds[i], GW_CTL_OK);
		char *t = h_ok(&s, cmds[i]);
		const struct jv *l = jv_path(v, "items");

		if (l != NULL && strncmp(cmds[i], "show counters", 13) != 0) {
			CU_ASSERT_EQUAL(l->n, 0);
			CU_ASSERT_EQUAL(jv_u64(v, "total"), 0);
			CU_ASSERT_PTR_NOT_NULL(strstr(t, "(no "));
		}
		jv_free(v);
		free(t);
	}
	{
		int rc;
		char *t = run_h(&s, "disconnect user=dialin1", &rc);

		CU_ASSERT_EQUAL(rc, GW_CTL_E_NOT_FOUND);
		free(t);
	}
	sim_free(&s);
}

/* ---- the key log ---------------------------------------------------------- */

struct keylog {
	int ike, esp;
	bool ok;
};

static void
keylog_cb(void *user, const char *table, const char *row)
{
	struct keylog *k = user;
	size_t i, commas = 0;

	if (strcmp(table, "ikev1_decryption_table") == 0) {
		/* icookie (8 bytes), 3DES key (24 bytes), in hex. */
		k->ike++;
		if (strlen(row) != 16 + 1 + 48 || row[16] != ',')
			k->ok = false;
		for (i = 0; row[i] != '\0'; i++)
			if (i != 16 && strchr("0123456789abcdef", row[i]) == NULL)
				k->ok = false;
	} else if (strcmp(table, "esp_sa") == 0) {
		k->esp++;
		for (i = 0; row[i] != '\0'; i++)
			commas += row[i] == ',';
		if (commas != 7 || strncmp(row, "\"IPv4\",\"", 8) != 0 ||
		    strstr(row, "\"TripleDES-CBC [RFC2451]\",\"0x") == NULL ||
		    strstr(row, "\"HMAC-SHA-1-96 [RFC2404]\",\"0x") == NULL)
			k->ok = false;
	} else {
		k->ok = false;
	}
}

static void
test_keylog_rows(void)
{
	struct sim s;
	struct sim_opts o = { .keylog = keylog_cb };
	struct keylog k = { 0, 0, true };
	struct vc_params p;
	char *t;
	int h;

	o.keylog_user = &k;
	CU_ASSERT_EQUAL_FATAL(sim_init2(&s, SEED_CFG, &o), 0);
	CU_ASSERT_TRUE(sim_log_has(&s, "KEY LOG ON"));
	seed_client(&p, "dialin2", "friend2");
	h = sim_add_host(&s, sim_add_nat(&s), 0x0a000002u, &p);
	(void)vc_connect(s.hosts[h].vc, s.now, 0);
	CU_ASSERT_TRUE_FATAL(sim_run(&s, 30 * S, sim_cond_up, (void *)(intptr_t)h));
	CU_ASSERT_EQUAL(k.ike, 1);
	CU_ASSERT_EQUAL(k.esp, 2);	/* in and out */
	CU_ASSERT_TRUE(k.ok);
	/* Keys go to the key log only: the shows and the log never have them. */
	t = run_h(&s, "show ipsec sa", NULL);
	CU_ASSERT_PTR_NULL(strstr(t, "0x"));
	free(t);
	sim_free(&s);
}

void register_show(void);

void
register_show(void)
{
	CU_pSuite su = CU_add_suite("show", NULL, NULL);

	CU_add_test(su, "show isakmp sa: peers, IDs, NAT-T, suite, filters", test_isakmp);
	CU_add_test(su, "show ipsec sa: SPIs, suite, encapsulation, counters", test_ipsec);
	CU_add_test(su, "show l2tp tunnel/session, show ppp", test_l2tp_ppp);
	CU_add_test(su, "show fire session/nat: filters and libfw's cursor", test_fire);
	CU_add_test(su, "show counters: every library's, nonzero first", test_counters);
	CU_add_test(su, "show counters format=openmetrics: clients, setups, failures, "
	    "bytes, drops", test_openmetrics);
	CU_add_test(su, "show config: effective, no secrets", test_config);
	CU_add_test(su, "show user=: the whole chain; why one is not connected", test_user);
	CU_add_test(su, "paging with limit= and start=", test_paging);
	CU_add_test(su, "disconnect user=: that client only, in order", test_disconnect_user);
	CU_add_test(su, "disconnect peer=, and not while shutting down",
	    test_disconnect_peer);
	CU_add_test(su, "debug switches and the seed's aliases ed/dd/ed2", test_debug);
	CU_add_test(su, "every refusal of the command line: code and column", test_refusals);
	CU_add_test(su, "random command lines: valid answers", test_random_lines);
	CU_add_test(su, "every command on an idle gateway", test_idle_gateway);
	CU_add_test(su, "key log rows in Wireshark's formats", test_keylog_rows);
}

int
main(int argc, char **argv)
{
	static const ts_register_fn fns[] = { register_show };

	return ts_cunit_main(argc, argv, fns, 1);
}
