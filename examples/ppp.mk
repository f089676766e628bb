# libppp examples: demo_ppp and friends (noinst_PROGRAMS += examples/demo_ppp).
