# libfw examples: demo_fw and friends (noinst_PROGRAMS += examples/demo_fw).
noinst_PROGRAMS += examples/demo_fw
examples_demo_fw_SOURCES = examples/demo_fw.c
examples_demo_fw_CPPFLAGS = -I$(top_srcdir)/libfw/include
examples_demo_fw_CFLAGS = $(AM_CFLAGS)
examples_demo_fw_LDADD = libfw/libfw.la
