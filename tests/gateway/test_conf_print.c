/*
 * test_conf_print.c - the printer (conf_print.c): the normalized seed, the
 * round trip print -> parse -> print, secrets never printed, quoting, and
 * the JSON form.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "gwtest.h"

/* What the seed prints, line by line (abbreviations expanded, defaults
 * filled in, secrets hidden, router-only commands gone). */
static const char seed_printed[] =
    "set system name=\"IPSec Gateway\"\n"
    "add user=secoff password=<hidden> privilege=securityofficer login=yes "
    "description=\"Security Officer Account\"\n"
    "add user=dialin1 password=<hidden> privilege=user login=no "
    "ipaddress=192.168.8.50\n"
    "add user=dialin2 password=<hidden> privilege=user login=no\n"
    "add user=dialin3 password=<hidden> privilege=user login=no "
    "ipaddress=192.168.8.51\n"
    "add user=dialin4 password=<hidden> privilege=user login=no\n"
    "create enco key=1 type=general value=<hidden>\n"
    "create ppp template=1 authentication=chap bap=off echo=30 idle=off "
    "ippool=myippool lqr=off\n"
    "set ppp dnsprimary=192.168.10.53\n"
    "enable l2tp\n"
    "enable l2tp server=both\n"
    "add l2tp ip=1.1.1.1-255.255.255.254 ppptemplate=1\n"
    "enable ip\n"
    "add ip interface=vlan1 ipaddress=192.168.10.1 mask=255.255.255.0\n"
    "add ip interface=eth0 ipaddress=203.0.113.1 mask=255.255.255.0\n"
    "add ip route=0.0.0.0 mask=0.0.0.0 interface=eth0 "
    "nexthop=203.0.113.254 metric=1\n"
    "create ip pool=myippool ip=192.168.8.1-192.168.8.49\n"
    "enable firewall\n"
    "create firewall policy=main\n"
    "create firewall policy=main dynamic=dynamic\n"
    "add firewall policy=main dynamic=dynamic user=ANY\n"
    "add firewall policy=main interface=vlan1 type=private\n"
    "add firewall policy=main interface=dyn-dynamic type=private\n"
    "add firewall policy=main interface=eth0 type=public\n"
    "add firewall policy=main nat=enhanced interface=vlan1 "
    "gblinterface=eth0\n"
    "add firewall policy=main nat=enhanced interface=dyn-dynamic "
    "gblinterface=eth0\n"
    "add firewall policy=main rule=1 action=allow interface=eth0 "
    "protocol=udp ip=203.0.113.1 port=500 gblip=203.0.113.1 gblport=500 "
    "encapsulation=none\n"
    "add firewall policy=main rule=2 action=allow interface=eth0 "
    "protocol=udp ip=203.0.113.1 port=4500 gblip=203.0.113.1 gblport=4500 "
    "encapsulation=none\n"
    "add firewall policy=main rule=3 action=allow interface=eth0 "
    "protocol=udp ip=203.0.113.1 port=1701 gblip=203.0.113.1 gblport=1701 "
    "encapsulation=ipsec\n"
    "create ipsec saspecification=1 keymanagement=isakmp protocol=esp "
    "encalg=3desouter hashalg=sha mode=transport\n"
    "create ipsec saspecification=2 keymanagement=isakmp protocol=esp "
    "encalg=3desouter hashalg=md5 mode=transport\n"
    "create ipsec saspecification=3 keymanagement=isakmp protocol=esp "
    "encalg=des hashalg=sha mode=transport\n"
    "create ipsec saspecification=4 keymanagement=isakmp protocol=esp "
    "encalg=des hashalg=md5 mode=transport\n"
    "create ipsec bundlespecification=1 keymanagement=isakmp "
    "string=\"1 or 2 or 3 or 4\" expiryseconds=28800\n"
    "create ipsec policy=isakmp interface=eth0 action=permit "
    "keymanagement=isakmp peeraddress=any transportprotocol=any "
    "laddress=any raddress=any lport=500 rport=any group=0 "
    "respondbadspi=false\n"
    "create ipsec policy=isakmp_float interface=eth0 action=permit "
    "keymanagement=isakmp peeraddress=any transportprotocol=any "
    "laddress=any raddress=any lport=4500 rport=any group=0 "
    "respondbadspi=false\n"
    "create ipsec policy=all_roaming interface=eth0 action=ipsec "
    "keymanagement=isakmp bundlespecification=1 isakmppolicy=roaming1 "
    "peeraddress=any transportprotocol=udp laddress=any raddress=any "
    "lport=1701 rport=any group=0 respondbadspi=false\n"
    "create ipsec policy=internet interface=eth0 action=permit "
    "keymanagement=isakmp peeraddress=any transportprotocol=any "
    "laddress=any raddress=any lport=any rport=any group=0 "
    "respondbadspi=false\n"
    "enable ipsec\n"
    "create isakmp policy=roaming1 peer=any key=1 authtype=preshared "
    "encalg=3desouter hashalg=sha group=2 expiryseconds=86400 mode=main "
    "localid=local senddeletes=true sendnotify=true sendidalways=false "
    "nattraversal=true heartbeatmode=none msgbackoff=incremental "
    "msgretrylimit=8 msgtimeout=4 retryikeattempts=0 "
    "phase2xchglimit=none\n"
    "enable isakmp\n"
    "add alias=ed string=\"enable isa debug\"\n"
    "add alias=ed2 string=\"enable ipsec poli debug=all\"\n"
    "add alias=dd string=\"dis isa debug\"\n"
    "add alias=dd2 string=\"dis ipsec poli debug=all\"\n";

static void
test_seed_printed(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	char *p;

	gwconf_diag_init(&d);
	c = gwt_parse_example("seed.cfg", &d, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	p = gwt_print(c, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p, seed_printed);
	/* No secret of the script reaches the output. */
	CU_ASSERT_PTR_NULL(strstr(p, "friend"));
	CU_ASSERT_PTR_NULL(strstr(p, "labsecret"));
	CU_ASSERT_PTR_NULL(strstr(p, "Secoff-Lab-1"));
	free(p);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

/* print -> parse -> print gives the same text (and the model survives). */
static void
round_trip(const char *name, struct gwconf *c)
{
	struct gwconf_diag d;
	struct gwconf *c2;
	char *p1, *p2;
	int rc;

	p1 = gwt_print(c, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p1);
	gwconf_diag_init(&d);
	c2 = gwt_parse(p1, &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(d.n, 0);
	if (d.n > 0) {
		fprintf(stderr, "%s:\n", name);
		gwt_dump(&d);
	}
	p2 = gwt_print(c2, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p2);
	CU_ASSERT_STRING_EQUAL(p1, p2);
	CU_ASSERT_EQUAL(c2->n_users, c->n_users);
	CU_ASSERT_EQUAL(c2->n_fw_rules, c->n_fw_rules);
	CU_ASSERT_EQUAL(c2->n_ipsec_policies, c->n_ipsec_policies);
	CU_ASSERT_EQUAL(c2->n_isakmp_policies, c->n_isakmp_policies);
	CU_ASSERT_EQUAL(c2->debug, c->debug);
	/* Secrets came back as <hidden>. */
	if (c2->n_users > 0)
		CU_ASSERT_TRUE(c2->users[0].password_hidden);
	free(p1);
	free(p2);
	gwconf_free(c2);
	gwconf_diag_free(&d);
}

static void
test_round_trip_examples(void)
{
	static const char *const names[] = { "seed.cfg", "modern.cfg" };
	struct gwconf_diag d;
	struct gwconf *c;
	size_t i;

	for (i = 0; i < GW_NELEM_T(names); i++) {
		gwconf_diag_init(&d);
		c = gwt_parse_example(names[i], &d, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		round_trip(names[i], c);
		gwconf_free(c);
		gwconf_diag_free(&d);
	}
}

/* Everything the printer can write, quoting included, survives. */
static void
test_round_trip_everything(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	char *p;
	int rc;

	gwconf_diag_init(&d);
	c = gwt_parse(
	    "set system name=\"gw # one=two\"\n"
	    "add user=\"a b\" password=\"p w\" privilege=manager "
	    "description=\"x=y\"\n"
	    "add radius server=192.168.10.5 secret=s port=1645 accport=1646\n"
	    "create enco key=7 type=general value=k description=\"PSK 7\"\n"
	    "create ppp template=3 authentication=mschapv2,pap bap=on echo=on "
	    "idle=120 lqr=300 mru=1400 ippool=\"my pool\" description=d\n"
	    "set ppp dnsprimary=10.0.0.53 dnssecondary=10.0.0.54 "
	    "winsprimary=10.0.0.55 winssecondary=10.0.0.56\n"
	    "enable l2tp server=lac\n"
	    "add l2tp ip=198.51.100.7\n"
	    "add ip int=eth1 ip=10.0.0.1 mask=255.255.0.0\n"
	    "add ip route=172.16.0.0 mask=255.240.0.0 int=eth1 next=10.0.0.254 "
	    "metric=5\n"
	    "create ip pool=\"my pool\" ip=10.0.1.0/25\n"
	    "add ip pool=\"my pool\" ip=10.0.2.1-10.0.2.9\n"
	    "create fire policy=\"p 1\"\n"
	    "create fire policy=\"p 1\" dy=d1\n"
	    "add fire policy=\"p 1\" dy=d1 user=\"a b\"\n"
	    "add fire policy=\"p 1\" dy=d1 user=ANY\n"
	    "add fire policy=\"p 1\" int=eth1 type=private\n"
	    "add fire policy=\"p 1\" nat=standard int=eth1 ip=10.0.1.1 "
	    "gblip=203.0.113.9\n"
	    "add fire policy=\"p 1\" rule=10 int=eth1 action=nat nattype=standard "
	    "prot=tcp ip=10.0.0.0/24 port=80-90 remoteip=192.0.2.1-192.0.2.5 "
	    "gblip=203.0.113.5 gblport=8080\n"
	    "add fire policy=\"p 1\" rule=11 int=eth1 action=deny prot=47\n"
	    "create ipsec sas=5 key=isakmp prot=esp encalg=aes256gcm mode=tunnel\n"
	    "create ipsec sas=6 key=manual prot=ah hashalg=sha512\n"
	    "create ipsec bundle=9 key=isakmp string=\"5 and 6 or 5\" "
	    "expirys=600 expiryk=1000\n"
	    "create ipsec policy=\"all roaming\" int=eth1 action=ipsec bundle=9 "
	    "isakmppolicy=\"ike one\" peer=192.0.2.99 transport=50 "
	    "laddress=10.0.0.0/8 raddress=192.0.2.1 lport=any rport=1701 "
	    "group=ecp256 respondbadspi=true key=manual\n"
	    "create isakmp policy=\"ike one\" peer=192.0.2.99 key=7 "
	    "authtype=rsasig encalg=aes128 hashalg=sha512 group=20 "
	    "expiryseconds=600 expirykbytes=100 mode=aggressive "
	    "localid=\"gw.example\" remoteid=\"CN=client one\" senddeletes=yes "
	    "sendnotify=no sendidalways=on nattraversal=off heartbeatmode=send "
	    "msgbackoff=none msgretrylimit=3 msgtimeout=9 retryikeattempts=2 "
	    "phase2xchglimit=5 srcinterface=eth1\n"
	    "enable isakmp debug\n"
	    "enable ipsec policy debug=all\n"
	    "enable l2tp debug\n"
	    "enable ppp debug\n"
	    "add alias=sh string=\"set system name=x\"\n", &d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		gwt_dump(&d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	round_trip("everything", c);
	p = gwt_print(c, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "set system name=\"gw # one=two\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "add user=\"a b\" password=<hidden> "
	    "privilege=manager login=yes description=\"x=y\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "create ppp template=3 "
	    "authentication=mschapv2,pap bap=on description=d echo=10 "
	    "idle=120 ippool=\"my pool\" lqr=300 mru=1400\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "create ip pool=\"my pool\" "
	    "ip=10.0.1.0-10.0.1.127\nadd ip pool=\"my pool\" "
	    "ip=10.0.2.1-10.0.2.9\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "add firewall policy=\"p 1\" rule=10 "
	    "action=nat interface=eth1 protocol=tcp ip=10.0.0.0-10.0.0.255 "
	    "port=80-90 remoteip=192.0.2.1-192.0.2.5 gblip=203.0.113.5 "
	    "gblport=8080 nattype=standard encapsulation=none\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "string=\"5 and 6 or 5\" "
	    "expiryseconds=600 expirykbytes=1000\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "transportprotocol=esp "
	    "laddress=10.0.0.0-10.255.255.255 raddress=192.0.2.1 lport=any "
	    "rport=1701 group=19 respondbadspi=true\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "enable isakmp debug\nenable ipsec "
	    "policy debug=all\nenable l2tp debug\nenable ppp debug\nadd "
	    "alias=sh string=\"set system name=x\"\n"));
	free(p);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

/* A tiny JSON well-formedness check: balanced brackets outside strings,
 * strings closed, nothing after the top-level object but a newline. */
static bool
json_balanced(const char *s)
{
	int depth = 0;
	bool in_str = false;

	for (; *s != '\0'; s++) {
		if (in_str) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '"')
				in_str = false;
			continue;
		}
		if (*s == '"')
			in_str = true;
		else if (*s == '{' || *s == '[')
			depth++;
		else if (*s == '}' || *s == ']') {
			if (--depth < 0)
				return false;
			if (depth == 0)
				return strcmp(s + 1, "\n") == 0;
		}
	}
	return false;
}

static void
test_json(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	char *j;

	gwconf_diag_init(&d);
	c = gwt_parse_example("seed.cfg", &d, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	j = gwt_print(c, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_TRUE(json_balanced(j));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"system_name\":\"IPSec Gateway\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "{\"name\":\"dialin1\",\"password\":"
	    "\"<hidden>\",\"privilege\":\"user\",\"login\":false,\"ip\":"
	    "\"192.168.8.50\",\"description\":\"\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"proposals\":[[1],[2],[3],[4]]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"encap_ipsec\":true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"nattraversal\":true"));
	CU_ASSERT_PTR_NULL(strstr(j, "friend"));
	CU_ASSERT_PTR_NULL(strstr(j, "labsecret"));
	free(j);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_write_error(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	FILE *f = fopen("/dev/full", "w");

	if (f == NULL)
		return;         /* no /dev/full here: nothing to test */
	gwconf_diag_init(&d);
	c = gwt_parse_example("seed.cfg", &d, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	setvbuf(f, NULL, _IONBF, 0);
	CU_ASSERT_EQUAL(gwconf_print(c, f), GWCONF_E_IO);
	fclose(f);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

void
test_conf_print_register(void)
{
	CU_pSuite s = CU_add_suite("gwconf_print", NULL, NULL);

	CU_add_test(s, "seed.cfg printed, normalized", test_seed_printed);
	CU_add_test(s, "round trip of the examples", test_round_trip_examples);
	CU_add_test(s, "round trip of every printed form",
	    test_round_trip_everything);
	CU_add_test(s, "JSON", test_json);
	CU_add_test(s, "write errors", test_write_error);
}
