# libisakmp examples: demo_isakmp and friends (noinst_PROGRAMS += examples/demo_isakmp).
