# vpn-gateway: the office gateway (examples/gateway/main.c) around the
# sans-I/O core (gw_*.c), configured by the router's script (conf*.c).
noinst_LTLIBRARIES += examples/gateway/libgwcore.la
examples_gateway_libgwcore_la_SOURCES = \
	examples/gateway/gw.h examples/gateway/gw_int.h \
	examples/gateway/gw_core.c examples/gateway/gw_ike.c \
	examples/gateway/gw_sess.c examples/gateway/gw_data.c \
	examples/gateway/gw_apply.c \
	examples/gateway/gw_aaa.h examples/gateway/gw_auth.c \
	examples/gateway/radcodec.h examples/gateway/radcodec.c \
	examples/gateway/nft.c examples/gateway/nft.h \
	examples/gateway/gw_ctl.h examples/gateway/gw_show.h \
	examples/gateway/gw_show.c examples/gateway/gw_show_parse.c \
	examples/gateway/gw_show_counters.c examples/gateway/gw_show_user.c \
	examples/gateway/gw_show_lists.c examples/gateway/gw_show_fire.c \
	examples/gateway/gw_fmt.c examples/gateway/gw_fmt.h \
	examples/gateway/gw_keylog.c
examples_gateway_libgwcore_la_CPPFLAGS = $(EXAMPLES_CPPFLAGS) -I$(top_srcdir)/examples/gateway
examples_gateway_libgwcore_la_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(CRYPTO_CFLAGS)
examples_gateway_libgwcore_la_LIBADD = $(CRYPTO_LIBS)

bin_PROGRAMS += examples/gateway/vpn-gateway
examples_gateway_vpn_gateway_SOURCES = examples/gateway/main.c \
	examples/gateway/radius.c examples/gateway/radius.h \
	examples/gateway/ctl.c examples/gateway/ctl.h \
	examples/gateway/keylog.c examples/gateway/keylog.h
examples_gateway_vpn_gateway_CPPFLAGS = $(EXAMPLES_CPPFLAGS) -I$(top_srcdir)/examples/gateway
examples_gateway_vpn_gateway_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
examples_gateway_vpn_gateway_LDADD = examples/gateway/libgwcore.la \
	examples/gateway/libgwconf.la examples/common/libexcommon.la $(EXAMPLES_LIBS)
EXTRA_DIST += examples/gateway/vpn-gateway.service

# vpn-ctl: the operator's client of the control socket (ctl.h, CONTROL.md).
bin_PROGRAMS += examples/gateway/vpn-ctl
examples_gateway_vpn_ctl_SOURCES = examples/gateway/vpn_ctl.c
examples_gateway_vpn_ctl_CPPFLAGS = $(EXAMPLES_CPPFLAGS) -I$(top_srcdir)/examples/gateway
examples_gateway_vpn_ctl_CFLAGS = $(AM_CFLAGS)
EXTRA_DIST += examples/gateway/CONTROL.md
