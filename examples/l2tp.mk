# libl2tp examples: demo_l2tp and friends (noinst_PROGRAMS += examples/demo_l2tp).
