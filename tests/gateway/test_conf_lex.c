/*
 * test_conf_lex.c - the tokenizer and the value helpers (conf_lex.c,
 * conf_tables.c): tokens and columns, quoting, comments, placeholders,
 * every lexical error with its column, unique-prefix resolution.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "gwtest.h"

static struct gw_line line;

static int
lex(const char *s, struct gwconf_diag *d)
{
	return gw_lex_line(s, strlen(s), &line, "t.cfg", 7, d);
}

static void
test_tokens_and_columns(void)
{
	struct gwconf_diag d;

	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(lex("add fire policy=main rule=1 int=eth0", &d), 0);
	CU_ASSERT_EQUAL(line.n, 5);
	CU_ASSERT_EQUAL(line.toks[0].kind, GW_TOK_WORD);
	CU_ASSERT_STRING_EQUAL(line.toks[0].name, "add");
	CU_ASSERT_EQUAL(line.toks[0].col, 1);
	CU_ASSERT_STRING_EQUAL(line.toks[1].name, "fire");
	CU_ASSERT_EQUAL(line.toks[1].col, 5);
	CU_ASSERT_EQUAL(line.toks[2].kind, GW_TOK_PARAM);
	CU_ASSERT_STRING_EQUAL(line.toks[2].name, "policy");
	CU_ASSERT_STRING_EQUAL(line.toks[2].value, "main");
	CU_ASSERT_EQUAL(line.toks[2].col, 10);
	CU_ASSERT_EQUAL(line.toks[2].vcol, 17);
	CU_ASSERT_STRING_EQUAL(line.toks[4].value, "eth0");
	CU_ASSERT_EQUAL(line.toks[4].vcol, 33);
	CU_ASSERT_EQUAL(d.n, 0);
	gwconf_diag_free(&d);
}

static void
test_quotes_comments_placeholders(void)
{
	struct gwconf_diag d;

	gwconf_diag_init(&d);
	/* Quoted values keep blanks and '#'; a token starting with '#'
	 * starts a comment; tabs separate tokens. */
	CU_ASSERT_EQUAL(lex("set\tsystem name=\"IPSec # Gateway\"  # c=1 x",
	    &d), 0);
	CU_ASSERT_EQUAL(line.n, 3);
	CU_ASSERT_STRING_EQUAL(line.toks[2].value, "IPSec # Gateway");
	CU_ASSERT_TRUE(line.toks[2].quoted);
	CU_ASSERT_EQUAL(line.toks[2].vcol, 18);
	/* '#' inside a bare value is part of it. */
	CU_ASSERT_EQUAL(lex("add user=a#b password=x=y", &d), 0);
	CU_ASSERT_STRING_EQUAL(line.toks[1].value, "a#b");
	CU_ASSERT_STRING_EQUAL(line.toks[2].value, "x=y");
	/* Comment-only and blank lines have no tokens. */
	CU_ASSERT_EQUAL(lex("   # only a comment", &d), 0);
	CU_ASSERT_EQUAL(line.n, 0);
	CU_ASSERT_EQUAL(lex("", &d), 0);
	CU_ASSERT_EQUAL(line.n, 0);
	/* A How To placeholder is one token even with blanks. */
	CU_ASSERT_EQUAL(lex("add ip int=eth0 ip=<interconnect LAN address> "
	    "mask=<mask>", &d), 0);
	CU_ASSERT_EQUAL(line.n, 5);
	CU_ASSERT_TRUE(line.toks[3].placeholder);
	CU_ASSERT_STRING_EQUAL(line.toks[3].value,
	    "<interconnect LAN address>");
	CU_ASSERT_STRING_EQUAL(line.toks[4].value, "<mask>");
	/* Quoted empty value. */
	CU_ASSERT_EQUAL(lex("x d=\"\"", &d), 0);
	CU_ASSERT_STRING_EQUAL(line.toks[1].value, "");
	CU_ASSERT_EQUAL(d.n, 0);
	gwconf_diag_free(&d);
}

static void
test_lex_errors(void)
{
	struct gwconf_diag d;
	char big[GWCONF_MAX_LINE + 2];
	char many[4 * GWCONF_MAX_TOKENS + 8];
	size_t i;

	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(lex("set system name=\"IPSec", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:17: unterminated quoted value "
	    "for \"name\""));
	CU_ASSERT_EQUAL(lex("set system name=ab\"c\"", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:19: unexpected '\"' inside a "
	    "value (quote the whole value)"));
	CU_ASSERT_EQUAL(lex("set system name=\"a\"b", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:20: expected a blank after the "
	    "closing quote"));
	CU_ASSERT_EQUAL(lex("add =x", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:5: '=' without a parameter "
	    "name"));
	CU_ASSERT_EQUAL(lex("add user= pass=x", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:10: missing value after "
	    "\"user=\""));
	CU_ASSERT_EQUAL(lex("add us\001er=x", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:7: control character 0x01"));
	CU_ASSERT_EQUAL(lex("set system name=caf\xc3\xa9", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:20: non-ASCII byte 0xc3 (only "
	    "ASCII is allowed outside comments)"));
	/* Non-ASCII in a comment is fine. */
	CU_ASSERT_EQUAL(lex("enable ip # caf\xc3\xa9", &d), 0);
	CU_ASSERT_EQUAL(lex("add na\"me=x", &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:7: unexpected '\"' (a quoted "
	    "value follows a parameter name and '=')"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(lex(big, &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7: line too long (2049 characters; "
	    "the limit is 2048)"));
	many[0] = '\0';
	for (i = 0; i <= GWCONF_MAX_TOKENS; i++)
		strcat(many, "a ");
	CU_ASSERT_EQUAL(lex(many, &d), -1);
	CU_ASSERT_TRUE(gwt_has(&d, "t.cfg:7:129: too many words in one "
	    "command (the limit is 64)"));
	CU_ASSERT_EQUAL(d.errors, 10);
	gwconf_diag_free(&d);
}

static void
test_lines(void)
{
	const char buf[] = "a\r\nbb\n\nccc";
	size_t pos = 0, len;
	const char *l;

	CU_ASSERT_TRUE(gw_next_line(buf, sizeof(buf) - 1, &pos, &l, &len));
	CU_ASSERT_EQUAL(len, 1);
	CU_ASSERT_EQUAL(l[0], 'a');
	CU_ASSERT_TRUE(gw_next_line(buf, sizeof(buf) - 1, &pos, &l, &len));
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_TRUE(gw_next_line(buf, sizeof(buf) - 1, &pos, &l, &len));
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_TRUE(gw_next_line(buf, sizeof(buf) - 1, &pos, &l, &len));
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_FALSE(gw_next_line(buf, sizeof(buf) - 1, &pos, &l, &len));
}

static void
test_values(void)
{
	uint32_t v;
	char b[16];

	CU_ASSERT_TRUE(gw_parse_ipv4("192.168.10.1", &v));
	CU_ASSERT_EQUAL(v, 0xc0a80a01u);
	CU_ASSERT_STRING_EQUAL(gw_ipstr(v, b), "192.168.10.1");
	CU_ASSERT_TRUE(gw_parse_ipv4("0.0.0.0", &v));
	CU_ASSERT_TRUE(gw_parse_ipv4("255.255.255.255", &v));
	CU_ASSERT_EQUAL(v, 0xffffffffu);
	CU_ASSERT_FALSE(gw_parse_ipv4("256.1.1.1", &v));
	CU_ASSERT_FALSE(gw_parse_ipv4("1.1.1", &v));
	CU_ASSERT_FALSE(gw_parse_ipv4("1.1.1.1.", &v));
	CU_ASSERT_FALSE(gw_parse_ipv4("1.1.1.1 ", &v));
	CU_ASSERT_FALSE(gw_parse_ipv4("1..1.1", &v));
	CU_ASSERT_FALSE(gw_parse_ipv4("0001.1.1.1", &v));
	CU_ASSERT_FALSE(gw_parse_ipv4("", &v));
	CU_ASSERT_TRUE(gw_parse_mask("255.255.255.0", &v));
	CU_ASSERT_EQUAL(gw_mask_len(v), 24);
	CU_ASSERT_TRUE(gw_parse_mask("0.0.0.0", &v));
	CU_ASSERT_TRUE(gw_parse_mask("255.255.255.255", &v));
	CU_ASSERT_FALSE(gw_parse_mask("255.0.255.0", &v));
	CU_ASSERT_EQUAL(gw_natural_mask(0x0a000001u), 0xff000000u);
	CU_ASSERT_EQUAL(gw_natural_mask(0xac100001u), 0xffff0000u);
	CU_ASSERT_EQUAL(gw_natural_mask(0xc0a80a01u), 0xffffff00u);
	CU_ASSERT_TRUE(gw_parse_uint("4294967295", 0, 0xffffffffu, &v));
	CU_ASSERT_EQUAL(v, 0xffffffffu);
	CU_ASSERT_FALSE(gw_parse_uint("4294967296", 0, 0xffffffffu, &v));
	CU_ASSERT_FALSE(gw_parse_uint("99999999999", 0, 0xffffffffu, &v));
	CU_ASSERT_FALSE(gw_parse_uint("12a", 0, 100, &v));
	CU_ASSERT_FALSE(gw_parse_uint("-1", 0, 100, &v));
	CU_ASSERT_FALSE(gw_parse_uint("32", 0, 31, &v));
}

static void
test_resolve(void)
{
	static const struct {
		const char *name;
	} names[] = {
		{ "senddeletes" }, { "sendnotify" }, { "sendidalways" },
		{ "nattraversal" }, { "key" }, { "keymanagement" }, { NULL },
		{ "key" },
	};
	char buf[128];

	CU_ASSERT_EQUAL(gw_resolve("natt", names, 8, sizeof(names[0])), 3);
	CU_ASSERT_EQUAL(gw_resolve("NATT", names, 8, sizeof(names[0])), 3);
	CU_ASSERT_EQUAL(gw_resolve("senddeletes", names, 8,
	    sizeof(names[0])), 0);
	CU_ASSERT_EQUAL(gw_resolve("sendd", names, 8, sizeof(names[0])), 0);
	CU_ASSERT_EQUAL(gw_resolve("send", names, 8, sizeof(names[0])),
	    GW_RESOLVE_AMBIGUOUS);
	/* An exact match wins over a longer name it prefixes. */
	CU_ASSERT_EQUAL(gw_resolve("key", names, 8, sizeof(names[0])), 4);
	CU_ASSERT_EQUAL(gw_resolve("keym", names, 8, sizeof(names[0])), 5);
	CU_ASSERT_EQUAL(gw_resolve("x", names, 8, sizeof(names[0])),
	    GW_RESOLVE_UNKNOWN);
	CU_ASSERT_EQUAL(gw_resolve("", names, 8, sizeof(names[0])),
	    GW_RESOLVE_UNKNOWN);
	gw_names_list(buf, sizeof(buf), "send", names, 8, sizeof(names[0]),
	    (size_t)-1);
	CU_ASSERT_STRING_EQUAL(buf, "senddeletes, sendnotify, sendidalways");
	gw_names_list(buf, sizeof(buf), "k", names, 8, sizeof(names[0]),
	    (size_t)-1);
	CU_ASSERT_STRING_EQUAL(buf, "key, keymanagement");
	gw_names_list(buf, 12, NULL, names, 8, sizeof(names[0]), (size_t)-1);
	CU_ASSERT_STRING_EQUAL(buf, "senddele...");
}

static void
test_tables(void)
{
	char b[8];

	CU_ASSERT_STRING_EQUAL(gwconf_esp_enc_name(GWCONF_ESP_3DES),
	    "3desouter");
	CU_ASSERT_STRING_EQUAL(gwconf_esp_auth_name(GWCONF_ESPAUTH_SHA1), "sha");
	CU_ASSERT_STRING_EQUAL(gwconf_esp_auth_name(GWCONF_ESPAUTH_SHA256_96),
	    "sha256-96");
	CU_ASSERT_STRING_EQUAL(gwconf_ike_enc_name(GWCONF_IKE_AES256), "aes256");
	CU_ASSERT_STRING_EQUAL(gwconf_ike_hash_name(GWCONF_IKE_SHA384),
	    "sha384");
	CU_ASSERT_STRING_EQUAL(gwconf_group_name(GWCONF_GROUP_MODP2048),
	    "modp2048");
	CU_ASSERT_STRING_EQUAL(gwconf_group_name(GWCONF_GROUP_ECP384), "ecp384");
	CU_ASSERT_STRING_EQUAL(gwconf_ppp_auth_name(GWCONF_AUTH_MSCHAPV2),
	    "mschapv2");
	CU_ASSERT_STRING_EQUAL(gwconf_esp_enc_name((enum gwconf_esp_enc)99),
	    "?");
	CU_ASSERT_STRING_EQUAL(gw_proto_str(17, b), "udp");
	CU_ASSERT_STRING_EQUAL(gw_proto_str(GWCONF_PROTO_ANY, b), "all");
	CU_ASSERT_STRING_EQUAL(gw_proto_str(132, b), "132");
	CU_ASSERT_STRING_EQUAL(gwconf_strerror(GWCONF_E_PERM),
	    "unsafe key file ownership or permissions");
	CU_ASSERT_STRING_EQUAL(gwconf_strerror(-99), "unknown error");
}

static void
test_diag_limits(void)
{
	struct gwconf_diag d;
	char buf[64];
	size_t i;

	gwconf_diag_init(&d);
	for (i = 0; i < GWCONF_DIAG_MAX + 5; i++)
		gw_diag_add(&d, i % 2 ? GWCONF_SEV_WARNING : GWCONF_SEV_ERROR,
		    "f", (uint32_t)i + 1, 3, "m%zu", i);
	CU_ASSERT_EQUAL(d.n, GWCONF_DIAG_MAX);
	CU_ASSERT_EQUAL(d.dropped, 5);
	CU_ASSERT_EQUAL(d.errors + d.warnings, GWCONF_DIAG_MAX + 5);
	CU_ASSERT_EQUAL(gwconf_diag_format(&d, 1, buf, sizeof(buf)),
	    strlen("f:2:3: warning: m1"));
	CU_ASSERT_STRING_EQUAL(buf, "f:2:3: warning: m1");
	CU_ASSERT_EQUAL(gwconf_diag_format(&d, GWCONF_DIAG_MAX, buf,
	    sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	gwconf_diag_free(&d);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_PTR_NULL(d.msgs);
	gwconf_diag_free(NULL);
}

void
test_conf_lex_register(void)
{
	CU_pSuite s = CU_add_suite("gwconf_lex", NULL, NULL);

	CU_add_test(s, "tokens and columns", test_tokens_and_columns);
	CU_add_test(s, "quotes, comments, placeholders",
	    test_quotes_comments_placeholders);
	CU_add_test(s, "lexical errors with their columns", test_lex_errors);
	CU_add_test(s, "lines, CRLF", test_lines);
	CU_add_test(s, "addresses, masks, numbers", test_values);
	CU_add_test(s, "unique-prefix resolution", test_resolve);
	CU_add_test(s, "name tables", test_tables);
	CU_add_test(s, "diagnostic limits and format", test_diag_limits);
}
