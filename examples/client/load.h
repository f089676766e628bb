/*
 * load.h - vpn-client --load N: N simulated road warriors in one process.
 */
#ifndef VC_LOAD_H
#define VC_LOAD_H

#include "vcopt.h"

/* Runs the load test described by o (o->load > 0); prints the report.
 * Returns 0 when every client connected, 1 otherwise, 2 on setup errors. */
int load_run(const struct vc_opts *o);

#endif
