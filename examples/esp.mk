# libesp examples: demo_esp and friends (noinst_PROGRAMS += examples/demo_esp).
noinst_PROGRAMS += examples/demo_esp
examples_demo_esp_SOURCES = examples/demo_esp.c
examples_demo_esp_CPPFLAGS = -I$(top_srcdir)/libesp/include
examples_demo_esp_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
examples_demo_esp_LDADD = libesp/libesp.la $(SODIUM_LIBS)
