# vpn-gateway against vpn-client --load over network namespaces
# (tests/bench/bench_gw.sh): setup rate, concurrent clients, data path
# throughput beside this machine's ceiling.  Built and run by `make bench`
# only; the script needs root (it prints a skip line otherwise).
EXTRA_PROGRAMS += tests/bench/bench_gw_ceiling tests/bench/bench_gw_ikeref
tests_bench_bench_gw_ceiling_SOURCES = tests/bench/bench_gw_ceiling.c
tests_bench_bench_gw_ceiling_CPPFLAGS = $(EXAMPLES_CPPFLAGS)
tests_bench_bench_gw_ceiling_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(SODIUM_CFLAGS)
tests_bench_bench_gw_ceiling_LDADD = examples/common/libexcommon.la libesp/libesp.la \
	$(CRYPTO_LIBS) $(SODIUM_LIBS)
tests_bench_bench_gw_ikeref_SOURCES = tests/bench/bench_gw_ikeref.c
tests_bench_bench_gw_ikeref_CPPFLAGS = $(EXAMPLES_CPPFLAGS)
tests_bench_bench_gw_ikeref_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_bench_gw_ikeref_LDADD = libisakmp/libisakmp.la $(CRYPTO_LIBS)

# The bench itself: a wrapper in the build tree that runs the script with
# the tree's paths (`make bench` runs ./tests/bench/bench_gw).
BENCHES += tests/bench/bench_gw
tests/bench/bench_gw: $(srcdir)/tests/bench/bench_gw.sh tests/bench/bench_gw_ceiling \
		tests/bench/bench_gw_ikeref examples/gateway/vpn-gateway examples/client/vpn-client
	$(AM_V_GEN)$(MKDIR_P) tests/bench && { \
	  echo '#!/bin/sh'; \
	  echo 'top_srcdir="$(abs_top_srcdir)" top_builddir="$(abs_top_builddir)" \
	    exec bash "$(abs_top_srcdir)/tests/bench/bench_gw.sh" "$$@"'; \
	} >$@ && chmod +x $@
EXTRA_DIST += tests/bench/bench_gw.sh tests/bench/gw-bench.cfg
