# examples/common: what vpn-gateway and vpn-client share (packet helpers,
# the isakmp -> esp SA bridge, sockets and TUN).  Not a library of the
# suite: a convenience archive of the reference programs.
noinst_LTLIBRARIES += examples/common/libexcommon.la
examples_common_libexcommon_la_SOURCES = \
	examples/common/pkt.c examples/common/pkt.h \
	examples/common/sabridge.c examples/common/sabridge.h \
	examples/common/netio.c examples/common/netio.h
examples_common_libexcommon_la_CPPFLAGS = $(EXAMPLES_CPPFLAGS)
examples_common_libexcommon_la_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
