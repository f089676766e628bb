/*
 * vcopt.h - vpn-client's command line and configuration file.
 *
 * Every option may also be given in a file (--config FILE) as "name =
 * value" lines with the long option's name ("gw = 203.0.113.1").  Secrets
 * are read from files or the environment only: --psk-file / VPN_PSK,
 * --password-file / VPN_PASSWORD.
 */
#ifndef VCOPT_H
#define VCOPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vc.h"

#define VC_MAX_SPLIT 16

struct vc_opts {
	struct vc_params p;
	struct { uint32_t net; unsigned len; } split[VC_MAX_SPLIT];
	size_t n_split;
	const char *dns_file;
	const char *up_script;
	char tun[16];
	bool persist, verbose;
	uint32_t local_ip;
	uint32_t ike_life, esp_life;	/* seconds offered, 0 = the proposals' */

	/* load mode */
	uint32_t load;			/* clients, 0 = interactive */
	double rate;			/* new clients per second */
	double duration_s;		/* hold time after the ramp */
	uint32_t threads;		/* worker threads (<= cores) */
	uint16_t base_port;		/* first UDP source port */
	double pps;			/* traffic per client, packets/s (0 = none) */
	uint32_t size;			/* IP packet size of that traffic */
	uint32_t target_ip;		/* where it goes (UDP) */
	uint16_t target_port;
	double ping_s;			/* ping the gateway every this many s */
	const char *report;		/* also write the report here */
	bool no_disconnect;		/* leave clients up at the end */
};

/* 0 = run, 1 = help printed, -1 = error in err. */
int vc_opts_parse(struct vc_opts *o, int argc, char **argv, char *err, size_t errlen);
void vc_opts_usage(FILE *f);
void vc_opts_wipe(struct vc_opts *o);

/* "aes128-sha1-modp2048,3des-sha1-modp1024" (strongSwan's syntax). */
int vc_parse_ike(const char *s, struct isakmp_p1_proposal *p, size_t cap, size_t *n);
/* "aes128-sha1,3des-sha1,aes256gcm16" */
int vc_parse_esp(const char *s, struct isakmp_p2_proposal *p, size_t cap, size_t *n,
    bool *sha256_96, bool *des);

#endif
