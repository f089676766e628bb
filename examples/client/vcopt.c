/*
 * vcopt.c - vpn-client options (see vcopt.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "pkt.h"
#include "vcopt.h"

void
vc_opts_usage(FILE *f)
{
	fprintf(f,
"usage: vpn-client --gw ADDR --user NAME [options]       (one road warrior)\n"
"       vpn-client --gw ADDR --user NAME --load N [...]  (N simulated clients)\n"
"\n"
"  -g, --gw ADDR           the gateway's internet address\n"
"  -u, --user NAME         PPP user name\n"
"      --psk-file FILE     pre-shared key (else $VPN_PSK)\n"
"      --password-file F   PPP password (else $VPN_PASSWORD)\n"
"      --config FILE       \"name = value\" lines with these option names\n"
"      --auth LIST         chap,mschapv2,pap accepted (default chap,mschapv2)\n"
"      --ike LIST          phase 1 proposals, e.g. aes128-sha1-modp2048,3des-sha1-modp1024\n"
"                          (default: what Windows 10/11 offer)\n"
"      --esp LIST          phase 2 proposals, e.g. aes128-sha1,3des-sha1,aes256gcm16\n"
"      --pfs GROUP         Quick Mode PFS group (modp1024, modp2048, ecp256 ...)\n"
"      --ike-life S        phase 1 lifetime offered, seconds (default 28800)\n"
"      --esp-life S        phase 2 lifetime offered, seconds (default 3600)\n"
"      --force-natt        always use ESP in UDP 4500\n"
"      --split NET/LEN     route only this network through the tunnel (repeatable;\n"
"                          default: all traffic, as Windows)\n"
"      --dns-file FILE     write the DNS servers there (resolv.conf format)\n"
"      --tun NAME          TUN device (default vc0)\n"
"      --up-script PROG    run PROG TUN once connected\n"
"      --persist           reconnect when the connection ends\n"
"      --local-ip ADDR     our address (default: the route's source)\n"
"  -v, --verbose           debug lines\n"
"  -h, --help              this text\n"
"load mode:\n"
"      --load N            N clients in this process (no TUN)\n"
"      --rate R            new clients per second (default 100)\n"
"      --duration S        hold them S seconds once all tried (default 10)\n"
"      --threads T         worker threads, at most the cores (default 1)\n"
"      --base-port P       first UDP source port (default 20000)\n"
"      --pps X --size B    per-client UDP stream of B-byte packets at X/s\n"
"      --target ADDR:PORT  where the stream goes (default the gateway's PPP address:9)\n"
"      --ping S            each client pings the gateway every S seconds (default 5)\n"
"      --report FILE       write the report there too\n"
"      --no-disconnect     do not disconnect at the end\n");
}

static int
parse_group(const char *s, uint16_t *g)
{
	static const struct { const char *n; uint16_t v; } t[] = {
		{ "modp768", 1 }, { "modp1024", 2 }, { "modp1536", 5 }, { "modp2048", 14 },
		{ "modp3072", 15 }, { "modp4096", 16 }, { "ecp256", 19 }, { "ecp384", 20 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(s, t[i].n) == 0) {
			*g = t[i].v;
			return 0;
		}
	return -1;
}

static int
parse_enc(const char *s, uint16_t *enc, uint16_t *bits, bool esp, bool *gcm)
{
	*gcm = false;
	*bits = 0;
	if (strcasecmp(s, "3des") == 0) {
		*enc = esp ? ISAKMP_ESP_3DES : ISAKMP_ENC_3DES;
	} else if (strcasecmp(s, "des") == 0) {
		*enc = esp ? ISAKMP_ESP_DES : ISAKMP_ENC_DES;
	} else if (strncasecmp(s, "aes", 3) == 0) {
		unsigned b = 128;
		char tail[16] = "";

		if (sscanf(s + 3, "%u%15s", &b, tail) < 1)
			b = 128;
		if (b != 128 && b != 192 && b != 256)
			return -1;
		*bits = (uint16_t)b;
		if (strcasecmp(tail, "gcm16") == 0 || strcasecmp(tail, "gcm") == 0) {
			if (!esp)
				return -1;
			*gcm = true;
			*enc = ISAKMP_ESP_AES_GCM_16;
		} else if (tail[0] == '\0') {
			*enc = esp ? ISAKMP_ESP_AES_CBC : ISAKMP_ENC_AES;
		} else {
			return -1;
		}
	} else {
		return -1;
	}
	return 0;
}

int
vc_parse_ike(const char *s, struct isakmp_p1_proposal *p, size_t cap, size_t *n)
{
	char buf[512], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	*n = 0;
	for (tok = strtok_r(buf, ",!", &save); tok != NULL; tok = strtok_r(NULL, ",!", &save)) {
		char *e = strtok(tok, "-"), *h = strtok(NULL, "-"), *g = strtok(NULL, "-");
		struct isakmp_p1_proposal x;
		bool gcm;

		if (*n >= cap || e == NULL || h == NULL || g == NULL)
			return -1;
		memset(&x, 0, sizeof(x));
		if (parse_enc(e, &x.enc, &x.key_bits, false, &gcm) != 0)
			return -1;
		if (strcasecmp(h, "md5") == 0)
			x.hash = ISAKMP_HASH_MD5;
		else if (strcasecmp(h, "sha1") == 0 || strcasecmp(h, "sha") == 0)
			x.hash = ISAKMP_HASH_SHA1;
		else if (strcasecmp(h, "sha256") == 0)
			x.hash = ISAKMP_HASH_SHA256;
		else if (strcasecmp(h, "sha384") == 0)
			x.hash = ISAKMP_HASH_SHA384;
		else if (strcasecmp(h, "sha512") == 0)
			x.hash = ISAKMP_HASH_SHA512;
		else
			return -1;
		if (parse_group(g, &x.group) != 0)
			return -1;
		x.life_s = 28800;
		p[(*n)++] = x;
	}
	return *n > 0 ? 0 : -1;
}

int
vc_parse_esp(const char *s, struct isakmp_p2_proposal *p, size_t cap, size_t *n,
    bool *sha256_96, bool *des)
{
	char buf[512], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	*n = 0;
	for (tok = strtok_r(buf, ",!", &save); tok != NULL; tok = strtok_r(NULL, ",!", &save)) {
		char *e = strtok(tok, "-"), *h = strtok(NULL, "-");
		struct isakmp_p2_proposal x;
		bool gcm;

		if (*n >= cap || e == NULL)
			return -1;
		memset(&x, 0, sizeof(x));
		if (parse_enc(e, &x.enc, &x.key_bits, true, &gcm) != 0)
			return -1;
		if (x.enc == ISAKMP_ESP_DES)
			*des = true;
		if (gcm) {
			if (h != NULL)
				return -1;
			x.integ = ISAKMP_INTEG_NONE;
		} else if (h == NULL) {
			return -1;
		} else if (strcasecmp(h, "md5") == 0) {
			x.integ = ISAKMP_INTEG_HMAC_MD5_96;
		} else if (strcasecmp(h, "sha1") == 0 || strcasecmp(h, "sha") == 0) {
			x.integ = ISAKMP_INTEG_HMAC_SHA1_96;
		} else if (strcasecmp(h, "sha256") == 0) {
			x.integ = ISAKMP_INTEG_HMAC_SHA256_128;
		} else if (strcasecmp(h, "sha256_96") == 0) {
			x.integ = ISAKMP_INTEG_HMAC_SHA256_128;
			*sha256_96 = true;
		} else {
			return -1;
		}
		x.life_s = 3600;
		p[(*n)++] = x;
	}
	return *n > 0 ? 0 : -1;
}

static int
read_secret(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(out, 1, cap - 1, f);
	fclose(f);
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	if (n == 0) {
		snprintf(err, errlen, "%s: empty", path);
		return -1;
	}
	return 0;
}

enum {
	O_PSKF = 256, O_PWF, O_CONFIG, O_AUTH, O_IKE, O_ESP, O_PFS, O_NATT, O_SPLIT,
	O_DNSF, O_TUN, O_UP, O_PERSIST, O_LOCAL, O_LOAD, O_RATE, O_DUR, O_THREADS,
	O_BASE, O_PPS, O_SIZE, O_TARGET, O_PING, O_REPORT, O_NODISC, O_IKELIFE, O_ESPLIFE
};

static const struct option lo[] = {
	{ "gw", required_argument, NULL, 'g' },
	{ "user", required_argument, NULL, 'u' },
	{ "psk-file", required_argument, NULL, O_PSKF },
	{ "password-file", required_argument, NULL, O_PWF },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "auth", required_argument, NULL, O_AUTH },
	{ "ike", required_argument, NULL, O_IKE },
	{ "esp", required_argument, NULL, O_ESP },
	{ "pfs", required_argument, NULL, O_PFS },
	{ "ike-life", required_argument, NULL, O_IKELIFE },
	{ "esp-life", required_argument, NULL, O_ESPLIFE },
	{ "force-natt", no_argument, NULL, O_NATT },
	{ "split", required_argument, NULL, O_SPLIT },
	{ "dns-file", required_argument, NULL, O_DNSF },
	{ "tun", required_argument, NULL, O_TUN },
	{ "up-script", required_argument, NULL, O_UP },
	{ "persist", no_argument, NULL, O_PERSIST },
	{ "local-ip", required_argument, NULL, O_LOCAL },
	{ "load", required_argument, NULL, O_LOAD },
	{ "rate", required_argument, NULL, O_RATE },
	{ "duration", required_argument, NULL, O_DUR },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "base-port", required_argument, NULL, O_BASE },
	{ "pps", required_argument, NULL, O_PPS },
	{ "size", required_argument, NULL, O_SIZE },
	{ "target", required_argument, NULL, O_TARGET },
	{ "ping", required_argument, NULL, O_PING },
	{ "report", required_argument, NULL, O_REPORT },
	{ "no-disconnect", no_argument, NULL, O_NODISC },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int apply(struct vc_opts *o, int c, const char *arg, char *err, size_t errlen);

static int
load_config(struct vc_opts *o, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned ln = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k = line, *v, *e;
		size_t i;

		ln++;
		while (*k == ' ' || *k == '\t')
			k++;
		if (*k == '#' || *k == '\n' || *k == '\0')
			continue;
		if ((v = strchr(k, '=')) == NULL) {
			snprintf(err, errlen, "%s:%u: expected name = value", path, ln);
			fclose(f);
			return -1;
		}
		*v++ = '\0';
		for (e = v - 2; e >= k && (*e == ' ' || *e == '\t'); e--)
			*e = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		e = v + strlen(v);
		while (e > v && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\r'))
			*--e = '\0';
		for (i = 0; lo[i].name != NULL; i++)
			if (strcmp(lo[i].name, k) == 0)
				break;
		if (lo[i].name == NULL || lo[i].val == O_CONFIG) {
			snprintf(err, errlen, "%s:%u: unknown option %s", path, ln, k);
			fclose(f);
			return -1;
		}
		/* A switch ("persist = yes") is on or off, nothing else. */
		if (!lo[i].has_arg) {
			if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
			    strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0)
				continue;
			if (strcasecmp(v, "yes") != 0 && strcasecmp(v, "true") != 0 &&
			    strcasecmp(v, "on") != 0 && strcmp(v, "1") != 0) {
				snprintf(err, errlen, "%s:%u: %s takes yes or no, not \"%s\"",
				    path, ln, k, v);
				fclose(f);
				return -1;
			}
		}
		if (apply(o, lo[i].val, lo[i].has_arg ? v : NULL, err, errlen) != 0) {
			char why[200];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "%s:%u: %s", path, ln, why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int
apply(struct vc_opts *o, int c, const char *arg, char *err, size_t errlen)
{
	switch (c) {
	case 'g':
		if (pkt_aton(arg, &o->p.gw_ip) != 0)
			goto bad;
		return 0;
	case 'u':
		snprintf(o->p.user, sizeof(o->p.user), "%s", arg);
		return 0;
	case O_PSKF: {
		char s[VC_MAX_SECRET];

		if (read_secret(arg, s, sizeof(s), err, errlen) != 0)
			return -1;
		o->p.psk_len = strlen(s);
		memcpy(o->p.psk, s, o->p.psk_len);
		sodium_memzero(s, sizeof(s));
		return 0;
	}
	case O_PWF:
		return read_secret(arg, o->p.password, sizeof(o->p.password), err, errlen);
	case O_CONFIG:
		return load_config(o, arg, err, errlen);
	case O_AUTH: {
		char buf[64], *t, *save = NULL;

		snprintf(buf, sizeof(buf), "%s", arg);
		o->p.n_auth = 0;
		for (t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
			if (o->p.n_auth == 3)
				goto bad;
			if (strcasecmp(t, "pap") == 0)
				o->p.auth[o->p.n_auth++] = PPP_AUTH_PAP;
			else if (strcasecmp(t, "chap") == 0 || strcasecmp(t, "chap-md5") == 0)
				o->p.auth[o->p.n_auth++] = PPP_AUTH_CHAP_MD5;
			else if (strcasecmp(t, "mschapv2") == 0 || strcasecmp(t, "mschap") == 0)
				o->p.auth[o->p.n_auth++] = PPP_AUTH_MSCHAPV2;
			else
				goto bad;
		}
		return 0;
	}
	case O_IKE:
		if (vc_parse_ike(arg, o->p.p1, ISAKMP_MAX_P1_PROPS, &o->p.n_p1) != 0)
			goto bad;
		return 0;
	case O_ESP:
		if (vc_parse_esp(arg, o->p.p2, ISAKMP_MAX_P2_PROPS, &o->p.n_p2,
		    &o->p.sha256_96, &o->p.allow_des) != 0)
			goto bad;
		return 0;
	case O_PFS:
		if (parse_group(arg, &o->p.pfs_group) != 0)
			goto bad;
		return 0;
	case O_NATT: o->p.force_natt = true; return 0;
	case O_IKELIFE:
		o->ike_life = (uint32_t)strtoul(arg, NULL, 10);
		if (o->ike_life < 10)
			goto bad;
		return 0;
	case O_ESPLIFE:
		o->esp_life = (uint32_t)strtoul(arg, NULL, 10);
		if (o->esp_life < 10)
			goto bad;
		return 0;
	case O_SPLIT: {
		char a[32], *slash;
		unsigned len;

		snprintf(a, sizeof(a), "%s", arg);
		if (o->n_split == VC_MAX_SPLIT || (slash = strchr(a, '/')) == NULL)
			goto bad;
		*slash = '\0';
		len = (unsigned)atoi(slash + 1);
		if (len > 32 || pkt_aton(a, &o->split[o->n_split].net) != 0)
			goto bad;
		o->split[o->n_split].len = len;
		o->n_split++;
		return 0;
	}
	case O_DNSF: o->dns_file = strdup(arg); return 0;
	case O_TUN: snprintf(o->tun, sizeof(o->tun), "%s", arg); return 0;
	case O_UP: o->up_script = strdup(arg); return 0;
	case O_PERSIST: o->persist = true; return 0;
	case O_LOCAL:
		if (pkt_aton(arg, &o->local_ip) != 0)
			goto bad;
		return 0;
	case O_LOAD:
		o->load = (uint32_t)strtoul(arg, NULL, 10);
		if (o->load == 0)
			goto bad;
		return 0;
	case O_RATE:
		o->rate = atof(arg);
		if (!(o->rate > 0))
			goto bad;
		return 0;
	case O_DUR: o->duration_s = atof(arg); return 0;
	case O_THREADS: o->threads = (uint32_t)strtoul(arg, NULL, 10); return 0;
	case O_BASE: o->base_port = (uint16_t)strtoul(arg, NULL, 10); return 0;
	case O_PPS: o->pps = atof(arg); return 0;
	case O_SIZE: o->size = (uint32_t)strtoul(arg, NULL, 10); return 0;
	case O_TARGET: {
		char a[32], *colon;

		snprintf(a, sizeof(a), "%s", arg);
		if ((colon = strchr(a, ':')) != NULL) {
			*colon = '\0';
			o->target_port = (uint16_t)atoi(colon + 1);
		}
		if (pkt_aton(a, &o->target_ip) != 0)
			goto bad;
		return 0;
	}
	case O_PING: o->ping_s = atof(arg); return 0;
	case O_REPORT: o->report = strdup(arg); return 0;
	case O_NODISC: o->no_disconnect = true; return 0;
	case 'v': o->verbose = true; return 0;
	default:
		break;
	}
bad:
	{
		const char *name = "?";
		size_t i;

		for (i = 0; lo[i].name != NULL; i++)
			if (lo[i].val == c) {
				name = lo[i].name;
				break;
			}
		snprintf(err, errlen, "--%s: bad value \"%s\"", name, arg != NULL ? arg : "");
	}
	return -1;
}

int
vc_opts_parse(struct vc_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	const char *env;
	int c;

	memset(o, 0, sizeof(*o));
	o->rate = 100;
	o->duration_s = 10;
	o->threads = 1;
	o->base_port = 20000;
	o->size = 1400;
	o->target_port = 9;
	o->ping_s = 5;
	optind = 1;
	while ((c = getopt_long(argc, argv, "g:u:vh", lo, NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?') {
			snprintf(err, errlen, "unknown option (see --help)");
			return -1;
		}
		if (apply(o, c, optarg, err, errlen) != 0)
			return -1;
	}
	if (o->p.psk_len == 0 && (env = getenv("VPN_PSK")) != NULL && *env) {
		o->p.psk_len = strlen(env) < sizeof(o->p.psk) ? strlen(env) : sizeof(o->p.psk);
		memcpy(o->p.psk, env, o->p.psk_len);
	}
	if (o->p.password[0] == '\0' && (env = getenv("VPN_PASSWORD")) != NULL)
		snprintf(o->p.password, sizeof(o->p.password), "%s", env);
	/* Lifetimes apply to every proposal, given or default. */
	if (o->ike_life || o->esp_life) {
		size_t i;

		if (o->p.n_p1 == 0)
			o->p.n_p1 = vc_default_p1(o->p.p1, ISAKMP_MAX_P1_PROPS);
		if (o->p.n_p2 == 0)
			o->p.n_p2 = vc_default_p2(o->p.p2, ISAKMP_MAX_P2_PROPS);
		for (i = 0; o->ike_life && i < o->p.n_p1; i++)
			o->p.p1[i].life_s = o->ike_life;
		for (i = 0; o->esp_life && i < o->p.n_p2; i++)
			o->p.p2[i].life_s = o->esp_life;
	}
	if (o->p.gw_ip == 0) {
		snprintf(err, errlen, "--gw is required");
		return -1;
	}
	if (o->p.psk_len == 0) {
		snprintf(err, errlen, "no pre-shared key: --psk-file or VPN_PSK");
		return -1;
	}
	if (o->p.user[0] == '\0' || o->p.password[0] == '\0') {
		snprintf(err, errlen, "--user and a password (--password-file or "
		    "VPN_PASSWORD) are required");
		return -1;
	}
	return 0;
}

void
vc_opts_wipe(struct vc_opts *o)
{
	sodium_memzero(&o->p, sizeof(o->p));
}
