/*
 * nft.h - the nftables pieces of vpn-gateway.
 *
 * On the seed's router one box firewalls and NATs both the office LAN and
 * the VPN users.  On a Linux host the kernel already routes the LAN, so
 * the LAN's own policy and enhanced NAT are expressed as an nftables
 * ruleset (printed with --print-nft, loaded only with --apply-nft), while
 * the VPN users' traffic crosses the gateway process and libfw.  The one
 * thing the gateway installs by itself is the steering table that hands
 * replies to the VPN users' NAT port range to the TUN device.
 */
#ifndef RG_NFT_H
#define RG_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* The ruleset for the LAN's firewall and NAT (table ip roadgate) into buf.
 * Returns 0, or -1 if it does not fit. */
int nft_lan_ruleset(const struct gwconf *c, const struct gwconf_ifmap *m,
    char *buf, size_t cap);

/* Whether the script NATs the VPN users (nat=enhanced int=dyn-...). */
bool nft_has_vpn_nat(const struct gwconf *c);

/* The steering table text (table netdev roadgate_steer_<tun>) into buf. */
int nft_steer_ruleset(const char *pub_if, const char *tun, uint32_t pub_ip,
    uint16_t lo, uint16_t hi, char *buf, size_t cap);
/* Installs / removes it with nft(8); 0 or -1. */
int nft_steer_install(const char *pub_if, const char *tun, uint32_t pub_ip,
    uint16_t lo, uint16_t hi);
int nft_steer_remove(const char *tun);

#endif
