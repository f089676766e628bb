# libesp examples: demo_esp and friends (noinst_PROGRAMS += examples/demo_esp).
