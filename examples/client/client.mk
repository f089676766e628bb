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
