/*
 * test_conf_check.c - semantic validation (conf_check.c): each class of
 * problem with its exact located message, all of them reported together,
 * the reachability rule for users' static addresses, and the warnings.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "gwtest.h"

/* Replaces the first occurrence of what in s (malloc'd copy). */
static char *
replace(const char *s, const char *what, const char *with)
{
	const char *p = strstr(s, what);
	size_t n = strlen(s) - strlen(what) + strlen(with) + 1;
	char *r = malloc(n);

	if (p == NULL || r == NULL) {
		free(r);
		return NULL;
	}
	memcpy(r, s, (size_t)(p - s));
	strcpy(r + (p - s), with);
	strcat(r, p + strlen(what));
	return r;
}

static void
test_base_is_clean(void)
{
	struct gwconf_diag d;

	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(GWT_BASE, &d), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	if (d.n > 0)
		gwt_dump(&d);
	gwconf_diag_free(&d);
}

/* One configuration with one problem of each class: all are reported. */
static void
test_every_problem_listed(void)
{
	static const char *const want[] = {
		"t.cfg:19:53: ipsec policy \"p2\" names bundle specification 9, "
		    "which does not exist",
		"t.cfg:20:47: bundle 2 names sa specification 7, which does not "
		    "exist",
		"t.cfg:21:68: ipsec policy \"p3\" names isakmp policy \"nothere\", "
		    "which does not exist",
		"t.cfg:22:38: isakmp policy \"p4\" uses enco key 5, which does not "
		    "exist (create enco key=5 type=general value=..., or put it in "
		    "the key file)",
		"t.cfg:23:22: ip pool \"p5\" holds 192.168.20.0, the network "
		    "address of 192.168.20.0/24",
		"t.cfg:24:34: user \"u6\" has address 10.9.9.9, which is in no ip "
		    "pool or pool network, no interface subnet and no routed "
		    "network: the gateway could not route its traffic",
		"t.cfg:25:33: l2tp range names ppp template 9, which does not "
		    "exist",
		"t.cfg:26:50: ppp template 2 names ip pool \"nopool\", which does "
		    "not exist",
		"t.cfg:29:30: firewall rule 1 is on interface vlan1, which is not "
		    "in firewall policy \"f\" (add firewall policy=f "
		    "interface=vlan1 type=...)",
		"t.cfg:30:23: firewall interface eth9 has no ip interface (add ip "
		    "interface=eth9 ...)",
		"t.cfg:31:23: firewall interface dyn-x: policy \"f\" has no "
		    "dynamic interface \"x\"",
		"t.cfg:32:1: sa specification 8: protocol=ah is not supported "
		    "(ESP only)",
		"t.cfg:33:1: sa specification 9: encalg=aes128gcm has its own "
		    "integrity check; use hashalg=null",
		"t.cfg:34:1: isakmp policy \"p6\": aggressive mode is not "
		    "supported (main mode only)",
		"t.cfg:35:1: sa specification 10: encalg=3desinner is not "
		    "supported (use 3desouter, the standard 3DES-CBC)",
		"t.cfg:36:27: user \"u7\" has address 192.168.10.1, which is the "
		    "address of interface vlan1",
		"t.cfg:38:27: user \"u9\" has address 192.168.8.60, which user "
		    "\"u8\" (line 37) has already",
		"t.cfg:39:29: route via interface eth5, which has no ip interface "
		    "(add ip interface=eth5 ...)",
		"t.cfg:40:1: ipsec policy \"p8\" (action=ipsec) has no "
		    "bundlespecification",
		"t.cfg:41:48: bundle 3: combining sa specifications with \"and\" "
		    "(ESP with AH) is not supported",
		"t.cfg:42:1: isakmp policy \"p9\" has no key= (the number of the "
		    "enco key holding its pre-shared key)",
		"t.cfg:43:1: interface eth3: 192.168.30.0 is the network address "
		    "of 192.168.30.0/24",
		"t.cfg:44:1: interface eth4: subnet 192.168.10.0/24 overlaps the "
		    "subnet of interface vlan1 (line 9)",
		"t.cfg:45:1: next hop 198.51.100.1 is not on interface eth0 "
		    "(203.0.113.0/24)",
		"t.cfg:46:23: ip pool \"p10\" holds 203.0.113.1, the address of "
		    "interface eth0",
		"t.cfg:47:23: ip pool \"p11\" overlaps ip pool \"pool\" (line 12)",
		"t.cfg:48:1: isakmp policy \"p12\": authtype=rsasig is not "
		    "supported (pre-shared keys only)",
		"t.cfg:49:1: sa specification 11: manual keying is not supported "
		    "(use keymanagement=isakmp)",
	};
	struct gwconf_diag d;
	char *text;
	size_t i;

	text = gwt_base_plus(
	    "create ipsec policy=p2 int=eth0 action=ipsec bundle=9\n"
	    "create ipsec bundle=2 key=isakmp string=\"1 or 7\"\n"
	    "create ipsec policy=p3 int=eth0 action=ipsec bundle=1 "
	    "isakmppolicy=nothere\n"
	    "create isakmp policy=p4 peer=any key=5 natt=on\n"
	    "create ip pool=p5 ip=192.168.20.0-192.168.20.10\n"
	    "add user=u6 password=x ipaddress=10.9.9.9\n"
	    "add l2tp ip=1.0.0.1 ppptemplate=9\n"
	    "create ppp template=2 authentication=chap ippool=nopool\n"
	    "create fire policy=f\n"
	    "add fire policy=f int=eth0 type=public\n"
	    "add fire policy=f rule=1 int=vlan1 action=allow prot=tcp\n"
	    "add fire policy=f int=eth9 type=private\n"
	    "add fire policy=f int=dyn-x type=private\n"
	    "create ipsec sas=8 key=isakmp prot=ah hashalg=sha\n"
	    "create ipsec sas=9 key=isakmp prot=esp encalg=aes128gcm "
	    "hashalg=sha\n"
	    "create isakmp policy=p6 peer=any key=1 mode=aggressive natt=on\n"
	    "create ipsec sas=10 key=isakmp prot=esp encalg=3desinner "
	    "hashalg=sha\n"
	    "add user=u7 password=x ip=192.168.10.1\n"
	    "add user=u8 password=x ip=192.168.8.60\n"
	    "add user=u9 password=x ip=192.168.8.60\n"
	    "add ip route=172.16.0.0 int=eth5\n"
	    "create ipsec policy=p8 int=eth0 action=ipsec\n"
	    "create ipsec bundle=3 key=isakmp string=\"1 and 1\"\n"
	    "create isakmp policy=p9 peer=any natt=on\n"
	    "add ip int=eth3 ip=192.168.30.0\n"
	    "add ip int=eth4 ip=192.168.10.2\n"
	    "add ip route=10.99.0.0 mask=255.255.0.0 int=eth0 "
	    "next=198.51.100.1\n"
	    "create ip pool=p10 ip=203.0.113.1-203.0.113.2\n"
	    "create ip pool=p11 ip=192.168.8.40-192.168.8.60\n"
	    "create isakmp policy=p12 peer=any key=1 authtype=rsasig natt=on\n"
	    "create ipsec sas=11 key=manual prot=esp encalg=aes128 "
	    "hashalg=sha\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), GWCONF_E_INVALID);
	for (i = 0; i < GW_NELEM_T(want); i++)
		CU_ASSERT_TRUE(gwt_has(&d, want[i]));
	CU_ASSERT_EQUAL(d.errors, GW_NELEM_T(want));
	/* Warnings: unused pools, the firewall policy without "enable
	 * firewall", the template without... (none: it authenticates). */
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:23:1: warning: ip pool \"p5\" is not "
	    "used by any ppp template"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:27:1: warning: firewall policies are "
	    "defined but the firewall is not enabled (add \"enable "
	    "firewall\")"));
	gwconf_diag_free(&d);
	free(text);
}

static void
test_nothing_configured(void)
{
	struct gwconf_diag d;

	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text("# empty\n", &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: no l2tp range (add l2tp ip=...): "
	    "no L2TP call can be accepted"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: no ip interface (add ip "
	    "interface=... ipaddress=...)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: no ipsec policy with action=ipsec: "
	    "no traffic would be protected"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: no isakmp policy (create isakmp "
	    "policy=... peer=any key=N): no client can negotiate IPsec"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: no pre-shared key: add \"create enco "
	    "key=N type=general value=...\" or a key file"));
	CU_ASSERT_EQUAL(d.errors, 5);
	gwconf_diag_free(&d);
}

static void
test_no_psk(void)
{
	struct gwconf_diag d;
	char *text = replace(GWT_BASE, "create enco key=1 type=general "
	    "value=k1\n", "# no key\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:17:1: no pre-shared key: add \"create "
	    "enco key=N type=general value=...\" or a key file"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:17:38: isakmp policy \"p1\" uses enco "
	    "key 1, which does not exist (create enco key=1 type=general "
	    "value=..., or put it in the key file)"));
	CU_ASSERT_EQUAL(d.errors, 2);
	gwconf_diag_free(&d);
	free(text);
}

static void
test_not_enabled(void)
{
	struct gwconf_diag d;
	char *t1, *t2, *t3, *t4, *t5;

	t1 = replace(GWT_BASE, "enable l2tp\n", "\n");
	t2 = replace(t1, "enable ip\n", "\n");
	t3 = replace(t2, "enable ipsec\n", "\n");
	t4 = replace(t3, "enable isakmp\n", "\n");
	t5 = replace(t4, "enable l2tp server=lns\n", "enable l2tp server=lac\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t5);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(t5, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:1: L2TP is not enabled (add "
	    "\"enable l2tp\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:1: the gateway accepts L2TP calls "
	    "as LNS only: add \"enable l2tp server=lns\" (or server=both)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:9:1: IP routing is not enabled (add "
	    "\"enable ip\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:15:1: IPsec is not enabled (add "
	    "\"enable ipsec\")"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:17:1: ISAKMP is not enabled (add "
	    "\"enable isakmp\")"));
	CU_ASSERT_EQUAL(d.errors, 5);
	gwconf_diag_free(&d);
	free(t1);
	free(t2);
	free(t3);
	free(t4);
	free(t5);
}

static void
test_hidden_secrets(void)
{
	struct gwconf_diag d;
	char *text = gwt_base_plus(
	    "add user=h password=<hidden>\n"
	    "add radius server=192.168.10.9 secret=<hidden>\n"
	    "create enco key=2 type=general value=<hidden>\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:19:1: the password of user \"h\" is "
	    "<hidden>: give the real password"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:20:1: the secret of a radius server "
	    "is <hidden>: give the real secret"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:21:1: enco key 2 is <hidden>: this "
	    "text comes from a printout; give the real key (or keep it in the "
	    "key file)"));
	CU_ASSERT_EQUAL(d.errors, 3);
	gwconf_diag_free(&d);
	free(text);
}

/* The reachability rule of users' static addresses. */
static void
test_user_address_rule(void)
{
	struct gwconf_diag d;
	char *text;

	/* In the pool, next to the pool in its class C network (as the
	 * seed's dialin1), in an interface subnet, behind a route. */
	text = gwt_base_plus(
	    "add user=a password=x ip=192.168.8.20\n"
	    "add user=b password=x ip=192.168.8.50\n"
	    "add user=c password=x ip=192.168.10.77\n"
	    "add ip route=10.50.0.0 mask=255.255.0.0 int=eth0 "
	    "next=203.0.113.254\n"
	    "add user=e password=x ip=10.50.1.1\n");
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	if (d.n > 0)
		gwt_dump(&d);
	gwconf_diag_free(&d);
	free(text);

	/* The default route proves nothing; network and broadcast
	 * addresses and non-unicast addresses are refused. */
	text = gwt_base_plus(
	    "add user=f password=x ip=8.8.8.8\n"
	    "add user=g password=x ip=192.168.8.255\n"
	    "add user=h password=x ip=192.168.10.0\n"
	    "add user=i password=x ip=224.0.0.5\n");
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:19:26: user \"f\" has address 8.8.8.8, "
	    "which is in no ip pool or pool network, no interface subnet and no "
	    "routed network: the gateway could not route its traffic"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:20:26: user \"g\" has address "
	    "192.168.8.255, which is the broadcast address of "
	    "192.168.8.0/24"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:21:26: user \"h\" has address "
	    "192.168.10.0, which is the network address of 192.168.10.0/24"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:22:26: user \"i\" has address "
	    "224.0.0.5, which is not a unicast host address"));
	CU_ASSERT_EQUAL(d.errors, 4);
	gwconf_diag_free(&d);
	free(text);
}

static void
test_warnings(void)
{
	struct gwconf_diag d;
	char *t1, *t2, *t3;

	t1 = gwt_base_plus(
	    "create ppp template=2\n"
	    "add l2tp ip=1.0.0.1\n"
	    "create isakmp policy=p2 peer=any key=1 heartbeat=both\n"
	    "enable firewall\n"
	    "create ipsec sas=2 key=isakmp prot=esp encalg=aes128\n"
	    "create ipsec policy=x int=eth0 action=permit bundle=1\n"
	    "create fire policy=f\n"
	    "create fire policy=f dy=d\n");
	t2 = replace(t1, "set ppp dnsprimary=192.168.10.53\n", "\n");
	t3 = replace(t2, "transport=udp lport=1701", "transport=tcp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t3);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(t3, &d), 0);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:19:1: warning: ppp template 2 does not "
	    "authenticate: any caller gets a session"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:20:1: warning: l2tp range without "
	    "ppptemplate: its calls get PPP defaults (no authentication, no "
	    "address pool)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:21:1: warning: isakmp policy \"p2\": "
	    "heartbeats are not supported and are ignored (the gateway uses "
	    "Dead Peer Detection)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:21:1: warning: isakmp policy \"p2\": "
	    "NAT traversal is off; clients behind NAT cannot connect"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: warning: no DNS server for PPP "
	    "clients (set ppp dnsprimary=)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:23:1: warning: sa specification 2 has "
	    "no integrity protection (hashalg=null)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:24:53: warning: ipsec policy \"x\" "
	    "(action=permit) does not use its bundlespecification"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:26:1: warning: dynamic interface "
	    "\"d\" has no users (add firewall policy=f dynamic=d user=ANY)"));
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: warning: no ipsec policy with "
	    "action=ipsec carries L2TP (transport=udp, lport=1701)"));
	CU_ASSERT_EQUAL(d.warnings, 9);
	CU_ASSERT_EQUAL(d.errors, 0);
	gwconf_diag_free(&d);
	free(t1);
	free(t2);
	free(t3);
}

static void
test_no_users(void)
{
	struct gwconf_diag d;
	char *text = replace(GWT_BASE, "add user=u1 password=p1 login=no\n",
	    "\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg: no user (add user=) and no radius "
	    "server for authentication: no caller can authenticate"));
	gwconf_diag_free(&d);
	free(text);
	/* A server for accounting only (port=0) authenticates nobody. */
	text = replace(GWT_BASE, "add user=u1 password=p1 login=no\n",
	    "add radius server=192.168.10.9 secret=s port=0 accport=1813\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has_sub(&d, "no radius server for authentication"));
	gwconf_diag_free(&d);
	free(text);
	text = replace(GWT_BASE, "add user=u1 password=p1 login=no\n",
	    "add radius server=192.168.10.9 secret=s port=1812 accport=0\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwt_check_text(text, &d), 0);
	gwconf_diag_free(&d);
	free(text);
}

/* A pool of thousands of addresses spans several natural networks: its
 * .0 and .255 addresses are not refused (the gateway skips them when it
 * hands out addresses); one inside a single /24 still is. */
static void
test_big_pool(void)
{
	struct gwconf_diag d;
	char *t;

	gwconf_diag_init(&d);
	t = gwt_base_plus("create ip pool=big ip=192.168.16.1-192.168.23.254\n");
	CU_ASSERT_EQUAL(gwt_check_text(t, &d), GWCONF_OK);
	CU_ASSERT_EQUAL(d.errors, 0);
	free(t);
	gwconf_diag_free(&d);
	gwconf_diag_init(&d);
	t = gwt_base_plus("create ip pool=edge ip=192.168.24.0-192.168.24.20\n");
	CU_ASSERT_EQUAL(gwt_check_text(t, &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has_sub(&d, "the network address of 192.168.24.0/24"));
	free(t);
	gwconf_diag_free(&d);
}

void
test_conf_check_register(void)
{
	CU_pSuite s = CU_add_suite("gwconf_check", NULL, NULL);

	CU_add_test(s, "the test base configuration is clean", test_base_is_clean);
	CU_add_test(s, "a pool across several /24 networks", test_big_pool);
	CU_add_test(s, "every problem listed, each located",
	    test_every_problem_listed);
	CU_add_test(s, "nothing configured", test_nothing_configured);
	CU_add_test(s, "no pre-shared key", test_no_psk);
	CU_add_test(s, "modules not enabled, L2TP without LNS", test_not_enabled);
	CU_add_test(s, "secrets read back as <hidden>", test_hidden_secrets);
	CU_add_test(s, "static address reachability rule",
	    test_user_address_rule);
	CU_add_test(s, "warnings", test_warnings);
	CU_add_test(s, "nobody can authenticate", test_no_users);
}
