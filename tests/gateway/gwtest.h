/*
 * gwtest.h - helpers of the configuration layer's unit tests.
 */
#ifndef GWTEST_H
#define GWTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#ifndef GWCONF_EXAMPLES_DIR
#error "GWCONF_EXAMPLES_DIR must name examples/gateway"
#endif

/* Parses text as "t.cfg" into a new model (always returned, free with
 * gwconf_free); *rc gets the return value.  d must be initialised. */
struct gwconf *gwt_parse(const char *text, struct gwconf_diag *d, int *rc);

/* Parses examples/gateway/<name> (by path, as gwconf_parse_file). */
struct gwconf *gwt_parse_example(const char *name, struct gwconf_diag *d,
    int *rc);

/* Parses text and runs gwconf_check; returns the check's result (or the
 * parse's when it failed). */
int gwt_check_text(const char *text, struct gwconf_diag *d);

/* True if one formatted message equals line exactly.  On false, prints
 * every message (to see what was produced instead). */
bool gwt_has(const struct gwconf_diag *d, const char *line);

/* True if one formatted message contains needle. */
bool gwt_has_sub(const struct gwconf_diag *d, const char *needle);

/* Prints all messages to stderr. */
void gwt_dump(const struct gwconf_diag *d);

/* The printed configuration (malloc'd; json selects the JSON form). */
char *gwt_print(const struct gwconf *c, bool json);

/* A minimal valid configuration (commands as in seed.cfg) to which tests
 * append lines; the result is malloc'd. */
char *gwt_base_plus(const char *extra);

/* Suites (one per test file). */
void test_conf_lex_register(void);
void test_conf_register(void);
void test_conf_check_register(void);
void test_conf_print_register(void);
void test_conf_keys_register(void);

#define GW_NELEM_T(a) (sizeof(a) / sizeof((a)[0]))

#define GWT_BASE \
	"create enco key=1 type=general value=k1\n" \
	"add user=u1 password=p1 login=no\n" \
	"create ppp template=1 authentication=chap ippool=pool lqr=off\n" \
	"set ppp dnsprimary=192.168.10.53\n" \
	"enable l2tp\n" \
	"enable l2tp server=lns\n" \
	"add l2tp ip=1.1.1.1-255.255.255.254 ppptemplate=1\n" \
	"enable ip\n" \
	"add ip int=vlan1 ip=192.168.10.1\n" \
	"add ip int=eth0 ip=203.0.113.1 mask=255.255.255.0\n" \
	"add ip route=0.0.0.0 mask=0.0.0.0 int=eth0 next=203.0.113.254\n" \
	"create ip pool=pool ip=192.168.8.1-192.168.8.49\n" \
	"create ipsec sas=1 key=isakmp prot=esp encalg=aes256 hashalg=sha256 mode=transport\n" \
	"create ipsec bundle=1 key=isakmp string=\"1\"\n" \
	"create ipsec policy=l2tp int=eth0 action=ipsec bundle=1 transport=udp lport=1701\n" \
	"enable ipsec\n" \
	"create isakmp policy=p1 peer=any key=1 natt=on\n" \
	"enable isakmp\n"

/* Lines of GWT_BASE (the first extra line is GWT_BASE_LINES + 1). */
#define GWT_BASE_LINES 18

#endif /* GWTEST_H */
