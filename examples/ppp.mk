# libppp examples: demo_ppp and friends (noinst_PROGRAMS += examples/demo_ppp).
noinst_PROGRAMS += examples/demo_ppp
examples_demo_ppp_SOURCES = examples/demo_ppp.c
examples_demo_ppp_CPPFLAGS = -I$(top_srcdir)/libppp/include
examples_demo_ppp_CFLAGS = $(AM_CFLAGS)
examples_demo_ppp_LDADD = libppp/libppp.la
