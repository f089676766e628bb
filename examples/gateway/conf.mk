# The configuration layer of the vpn-gateway daemon (examples/gateway/conf.h):
# a libc-only convenience library, its CLI checker and the example scripts.
noinst_LTLIBRARIES += examples/gateway/libgwconf.la
examples_gateway_libgwconf_la_SOURCES = \
	examples/gateway/conf.h \
	examples/gateway/conf_int.h \
	examples/gateway/conf_diag.c \
	examples/gateway/conf_lex.c \
	examples/gateway/conf_tables.c \
	examples/gateway/conf_parse.c \
	examples/gateway/conf_values.c \
	examples/gateway/conf_cmd_system.c \
	examples/gateway/conf_cmd_net.c \
	examples/gateway/conf_cmd_fw.c \
	examples/gateway/conf_cmd_ipsec.c \
	examples/gateway/conf_keys.c \
	examples/gateway/conf_check.c \
	examples/gateway/conf_print.c
examples_gateway_libgwconf_la_CFLAGS = $(AM_CFLAGS)

noinst_PROGRAMS += examples/gateway/gwconf-check
examples_gateway_gwconf_check_SOURCES = examples/gateway/gwconf_check.c
examples_gateway_gwconf_check_CFLAGS = $(AM_CFLAGS)
examples_gateway_gwconf_check_LDADD = examples/gateway/libgwconf.la

EXTRA_DIST += examples/gateway/seed.cfg examples/gateway/modern.cfg
