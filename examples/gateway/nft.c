/*
 * nft.c - nftables text for the LAN's policy and NAT, and the steering
 * table for the VPN users' NAT replies (see nft.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netio.h"
#include "nft.h"
#include "pkt.h"

struct sb {
	char *p;
	size_t len, cap;
	bool over;
};

static void put(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		b->over = true;
	else
		b->len += (size_t)n;
}

static int
plen(uint32_t mask)
{
	int n = 0;

	while (mask & 0x80000000u) {
		n++;
		mask <<= 1;
	}
	return n;
}

bool
nft_has_vpn_nat(const struct gwconf *c)
{
	uint32_t i;

	if (!c->fw_enabled)
		return false;
	for (i = 0; i < c->n_fw_nats; i++)
		if (strncasecmp(c->fw_nats[i].ifname, "dyn-", 4) == 0)
			return true;
	return false;
}

static const struct gwconf_ip_if *
ip_if(const struct gwconf *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_ip_ifs; i++)
		if (strcasecmp(c->ip_ifs[i].name, name) == 0)
			return &c->ip_ifs[i];
	return NULL;
}

int
nft_lan_ruleset(const struct gwconf *c, const struct gwconf_ifmap *m, char *buf,
    size_t cap)
{
	struct sb b = { buf, 0, cap, false };
	uint32_t i;
	char a[16];

	buf[0] = '\0';
	put(&b, "# The office LAN's firewall and enhanced NAT from %s, for the kernel.\n"
	    "# VPN users' traffic is firewalled and NATed by vpn-gateway (libfw).\n"
	    "table ip roadgate\ndelete table ip roadgate\ntable ip roadgate {\n",
	    c->source[0] ? c->source : "the script");
	/* input: the gateway host itself, seen from the public side. */
	put(&b, "\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
	    "\t\tct state established,related accept\n");
	for (i = 0; i < c->n_fw_ifs; i++) {
		const struct gwconf_fw_if *f = &c->fw_ifs[i];
		const char *h = gwconf_ifmap_lookup(m, f->name);
		uint32_t r;

		if (f->type != GWCONF_FW_PUBLIC || strncasecmp(f->name, "dyn-", 4) == 0)
			continue;
		for (r = 0; r < c->n_fw_rules; r++) {
			const struct gwconf_fw_rule *fr = &c->fw_rules[r];

			if (strcasecmp(fr->ifname, f->name) != 0 ||
			    (fr->action != GWCONF_FW_ALLOW && fr->action != GWCONF_FW_DENY))
				continue;
			put(&b, "\t\tiifname \"%s\"", h);
			if (fr->protocol == 6 || fr->protocol == 17)
				put(&b, " %s", fr->protocol == 6 ? "tcp" : "udp");
			else if (fr->protocol != GWCONF_PROTO_ANY)
				put(&b, " meta l4proto %u", fr->protocol);
			if (!fr->remoteip.any)
				put(&b, " ip saddr %s-", pkt_ntoa(fr->remoteip.first, a)),
				put(&b, "%s", pkt_ntoa(fr->remoteip.last, a));
			if (!fr->gblport.any && (fr->protocol == 6 || fr->protocol == 17))
				put(&b, " dport %u-%u", fr->gblport.first, fr->gblport.last);
			else if (!fr->port.any && (fr->protocol == 6 || fr->protocol == 17))
				put(&b, " dport %u-%u", fr->port.first, fr->port.last);
			put(&b, " %s comment \"rule %u%s\"\n",
			    fr->action == GWCONF_FW_ALLOW ? "accept" : "drop", fr->id,
			    fr->encap_ipsec ? ", encap=ipsec: enforced by vpn-gateway" : "");
		}
		put(&b, "\t\tiifname \"%s\" meta l4proto esp accept comment \"ESP: IPsec "
		    "processes it before the firewall\"\n", h);
		put(&b, "\t\tiifname \"%s\" icmp type { echo-request, destination-unreachable, "
		    "time-exceeded } accept\n", h);
		put(&b, "\t\tiifname \"%s\" drop comment \"public interface: only the rules "
		    "above\"\n", h);
	}
	put(&b, "\t}\n");
	/* forward: private -> anything, public -> private only replies. */
	put(&b, "\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;\n"
	    "\t\tct state established,related accept\n");
	for (i = 0; i < c->n_fw_ifs; i++) {
		const struct gwconf_fw_if *f = &c->fw_ifs[i];

		if (f->type == GWCONF_FW_PUBLIC && strncasecmp(f->name, "dyn-", 4) != 0)
			put(&b, "\t\tiifname \"%s\" drop comment \"public -> private: "
			    "replies only\"\n", gwconf_ifmap_lookup(m, f->name));
	}
	put(&b, "\t}\n");
	/* enhanced NAT of the LAN interfaces. */
	put(&b, "\tchain postrouting {\n\t\ttype nat hook postrouting priority 100; "
	    "policy accept;\n");
	for (i = 0; i < c->n_fw_nats; i++) {
		const struct gwconf_fw_nat_def *n = &c->fw_nats[i];
		const struct gwconf_ip_if *in = ip_if(c, n->ifname), *out = ip_if(c, n->gblif);

		if (strncasecmp(n->ifname, "dyn-", 4) == 0)
			continue;
		if (n->type != GWCONF_NAT_ENHANCED || in == NULL)
			continue;
		put(&b, "\t\toifname \"%s\" ip saddr %s/%d ",
		    gwconf_ifmap_lookup(m, n->gblif), pkt_ntoa(in->addr & in->mask, a),
		    plen(in->mask));
		if (n->has_gblip || out != NULL)
			put(&b, "snat to %s", pkt_ntoa(n->has_gblip ? n->gblip : out->addr, a));
		else
			put(&b, "masquerade");
		put(&b, " comment \"nat=enhanced int=%s gblinterface=%s\"\n", n->ifname,
		    n->gblif);
	}
	put(&b, "\t}\n}\n");
	return b.over ? -1 : 0;
}

int
nft_steer_ruleset(const char *pub_if, const char *tun, uint32_t pub_ip, uint16_t lo,
    uint16_t hi, char *buf, size_t cap)
{
	struct sb b = { buf, 0, cap, false };
	char a[16], fwd[96];

	pkt_ntoa(pub_ip, a);
	/* A next hop on the TUN device; TUN has no link layer, any will do. */
	snprintf(fwd, sizeof(fwd), "fwd ip to 169.254.0.1 device \"%s\"", tun);
	put(&b, "table netdev roadgate_steer_%s\ndelete table netdev roadgate_steer_%s\n"
	    "table netdev roadgate_steer_%s {\n\tchain ingress {\n"
	    "\t\ttype filter hook ingress device \"%s\" priority -100; policy accept;\n",
	    tun, tun, tun, pub_if);
	put(&b, "\t\tip daddr %s udp dport %u-%u %s\n", a, lo, hi, fwd);
	put(&b, "\t\tip daddr %s tcp dport %u-%u %s\n", a, lo, hi, fwd);
	put(&b, "\t\tip daddr %s icmp type echo-reply icmp id %u-%u %s\n", a, lo, hi, fwd);
	/* ICMP errors about a NATed UDP/TCP flow: the quoted source port sits
	 * 28 bytes into the ICMP message (8 ICMP + 20 IPv4). */
	put(&b, "\t\tip daddr %s icmp type { destination-unreachable, time-exceeded } "
	    "@th,224,16 %u-%u %s\n\t}\n}\n", a, lo, hi, fwd);
	return b.over ? -1 : 0;
}

int
nft_steer_install(const char *pub_if, const char *tun, uint32_t pub_ip, uint16_t lo,
    uint16_t hi)
{
	char buf[2048];
	char *argv[] = { "nft", "-f", "-", NULL };

	if (nft_steer_ruleset(pub_if, tun, pub_ip, lo, hi, buf, sizeof(buf)) != 0)
		return -1;
	return nio_run(argv, buf) == 0 ? 0 : -1;
}

int
nft_steer_remove(const char *tun)
{
	char name[64];
	char *argv[] = { "nft", "delete", "table", "netdev", name, NULL };

	snprintf(name, sizeof(name), "roadgate_steer_%s", tun);
	return nio_run(argv, NULL) == 0 ? 0 : -1;
}
