# libl2tp examples: demo_l2tp and friends (noinst_PROGRAMS += examples/demo_l2tp).
noinst_PROGRAMS += examples/demo_l2tp
examples_demo_l2tp_SOURCES = examples/demo_l2tp.c
examples_demo_l2tp_CPPFLAGS = -I$(top_srcdir)/libl2tp/include
examples_demo_l2tp_CFLAGS = $(AM_CFLAGS)
examples_demo_l2tp_LDADD = libl2tp/libl2tp.la
