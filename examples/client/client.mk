# vpn-client: the road warrior (examples/client/main.c) around the sans-I/O
# core (vc_core.c), with a load mode of many simulated clients.
noinst_LTLIBRARIES += examples/client/libvccore.la
examples_client_libvccore_la_SOURCES = examples/client/vc.h examples/client/vc_core.c
examples_client_libvccore_la_CPPFLAGS = $(EXAMPLES_CPPFLAGS) -I$(top_srcdir)/examples/client
examples_client_libvccore_la_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
noinst_LTLIBRARIES += examples/client/libvcopt.la
examples_client_libvcopt_la_SOURCES = examples/client/vcopt.c examples/client/vcopt.h
examples_client_libvcopt_la_CPPFLAGS = $(EXAMPLES_CPPFLAGS) -I$(top_srcdir)/examples/client
examples_client_libvcopt_la_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)

# The program: interactive client (main.c) and load generator (load.c).
bin_PROGRAMS += examples/client/vpn-client
examples_client_vpn_client_SOURCES = examples/client/main.c examples/client/load.c \
	examples/client/load.h
examples_client_vpn_client_CPPFLAGS = $(EXAMPLES_CPPFLAGS) -I$(top_srcdir)/examples/client
examples_client_vpn_client_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(CRYPTO_CFLAGS) -pthread
examples_client_vpn_client_LDFLAGS = -pthread
examples_client_vpn_client_LDADD = examples/client/libvccore.la \
	examples/client/libvcopt.la examples/common/libexcommon.la $(EXAMPLES_LIBS) \
	$(CRYPTO_LIBS)
