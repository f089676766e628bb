# libisakmp examples: demo_isakmp and friends (noinst_PROGRAMS += examples/demo_isakmp).
noinst_PROGRAMS += examples/demo_isakmp
examples_demo_isakmp_SOURCES = examples/demo_isakmp.c
examples_demo_isakmp_CPPFLAGS = -I$(top_srcdir)/libisakmp/include
examples_demo_isakmp_CFLAGS = $(AM_CFLAGS)
examples_demo_isakmp_LDADD = libisakmp/libisakmp.la
