# libfw examples: demo_fw and friends (noinst_PROGRAMS += examples/demo_fw).
