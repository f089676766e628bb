#!/usr/bin/env python3
"""Independent oracle for libfw: one symbolic packet trace pushed through
Linux nftables (conntrack + masquerade, in network namespaces rg-fw-*) and
through libfw (fw_replay), then compared.

  trace.py trace            print the trace (input of fw_replay)
  trace.py nft              run the trace through the namespaces, print results
  trace.py compare A B      compare two result files (nft, libfw)

Trace lines (symbolic: replies go to whatever port each NAT chose):
  out  FLOW PROTO LANIP SPORT REMIP DPORT FLAGS   LAN host -> internet
  in   FLOW FLAGS                                 remote's reply to FLOW
  probe PROTO SRC SPORT DST DPORT FLAGS           unsolicited from internet
  err  FLOW TYPE                                  a router's ICMP error
                                                  (11 time exceeded, 3 unreachable,
                                                  5 redirect, 4 source quench: both
                                                  drop the last two from the internet)
                                                  quoting FLOW's last packet as
                                                  it left the gateway
Result lines: N VERDICT FIELD, where FIELD is the global port an "out" left
with, the "ip:port" an "in" was delivered to, for an "err" the
"outer-destination/inner-source:port" delivered, or "-".
All addresses live only inside the namespaces.
"""
import ctypes
import os
import select
import socket
import struct
import sys
import time

LAN_IP, LAN_IP2 = "192.168.1.10", "192.168.1.11"
GW_LAN, OFFICE = "192.168.1.1", "203.0.113.1"
REMOTE = "198.51.100.7"
ROUTER = "198.51.100.254"   # a router on the path (source of ICMP errors)

TRACE = """\
out A udp 192.168.1.10 5000 198.51.100.7 53 -
in A -
out B udp 192.168.1.11 5000 198.51.100.7 53 -
in B -
out A udp 192.168.1.10 5000 198.51.100.7 53 -
in A -
out D udp 192.168.1.10 5001 198.51.100.7 53 -
out C tcp 192.168.1.10 40000 198.51.100.7 80 S
in C SA
out C tcp 192.168.1.10 40000 198.51.100.7 80 A
in C PA
out F tcp 192.168.1.11 40000 198.51.100.7 80 S
in F SA
out E icmp 192.168.1.10 77 198.51.100.7 0 -
in E -
out G icmp 192.168.1.11 77 198.51.100.7 0 -
in G -
probe udp 198.51.100.7 500 203.0.113.1 500 -
probe udp 198.51.100.7 4500 203.0.113.1 4500 -
probe udp 198.51.100.7 7777 203.0.113.1 9999 -
probe udp 198.51.100.7 7777 192.168.1.10 137 -
probe tcp 198.51.100.7 7777 192.168.1.10 445 S
probe udp 198.51.100.7 53 203.0.113.1 6000 -
out T udp 192.168.1.11 33000 198.51.100.7 33434 -
err T 11
out W icmp 192.168.1.10 512 198.51.100.7 0 -
err W 11
err A 3
out M tcp 192.168.1.10 40010 198.51.100.7 80 SM
in M SAM
out L tcp 192.168.1.11 40011 198.51.100.7 80 SL
in L SAL
out X tcp 192.168.1.10 40012 198.51.100.7 23 S
out Y tcp 192.168.1.10 40013 198.51.100.7 22 S
out R tcp 192.168.1.10 40020 198.51.100.7 80 S
in R SA
out R tcp 192.168.1.10 40020 198.51.100.7 80 A
in R RAB
in R PA
in R RA
out Q tcp 192.168.1.11 40021 198.51.100.7 80 S
in Q SAB
in Q SA
err A 5
err A 4
"""

FLAGS = {"S": 0x02, "SA": 0x12, "A": 0x10, "PA": 0x18, "-": 0,
         "SM": 0x02, "SAM": 0x12, "SL": 0x02, "SAL": 0x12,
         "RA": 0x14, "RAB": 0x14, "SAB": 0x12}
# Sequence / acknowledgement numbers of a plausible handshake (conntrack
# checks them): client ISN 1000, server ISN 5000.  "RA" is the server's
# reset at the sequence number the client acknowledged: both systems pass it
# and close.  "RAB" is a blind reset 2^30 away and "SAB" a SYN+ACK
# acknowledging nothing the client sent: both systems drop them (issue #13
# item 9: conntrack's window check, libfw's RFC 5961 check) and the
# connection lives on ("in R PA" passes, the genuine "in Q SA" too).
SEQACK = {"S": (1000, 0), "SA": (5000, 1001), "A": (1001, 5001),
          "PA": (5001, 1001), "-": (0, 0), "SM": (1000, 0),
          "SAM": (5000, 1001), "SL": (1000, 0), "SAL": (5000, 1001),
          "RA": (5001, 1001), "RAB": (5001 + 0x40000000, 1001),
          "SAB": (5000, 1001 + 0x10000000)}
# SYN / SYN+ACK carrying an MSS option: 1460 is above the LAN's clamp
# (1400, both systems), 1200 below it.  Results then end in "mss=N", the
# MSS as delivered, and the two systems must agree on it.
MSSOPT = {"SM": 1460, "SAM": 1460, "SL": 1200, "SAL": 1200}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def build(proto, src, sp, dst, dp, flags, token, icmp_type=8):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    if proto == "udp":
        l4 = struct.pack("!HHHH", sp, dp, 8 + len(token), 0) + token
        c = csum(s + d + struct.pack("!BBH", 0, 17, len(l4)) + l4) or 0xFFFF
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
        p = 17
    elif proto == "tcp":
        fl = FLAGS[flags]
        seq, ack = SEQACK[flags]
        opt = b""
        if flags in MSSOPT:
            opt = struct.pack("!BBH", 2, 4, MSSOPT[flags])
        l4 = struct.pack("!HHIIBBHHH", sp, dp, seq, ack,
                         (5 + len(opt) // 4) << 4, fl, 65535, 0, 0) + \
            opt + token
        c = csum(s + d + struct.pack("!BBH", 0, 6, len(l4)) + l4)
        l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
        p = 6
    else:
        l4 = struct.pack("!BBHHH", icmp_type, 0, 0, sp, 1) + token
        l4 = l4[:2] + struct.pack("!H", csum(l4)) + l4[4:]
        p = 1
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0x4000, 0, 64, p,
                    0, s, d)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def build_error(src, dst, typ, quoted):
    """ICMP error (type typ, code 0 or 3 = port unreachable)."""
    code = 3 if typ == 3 else 0
    m = struct.pack("!BBHI", typ, code, 0, 0) + quoted
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(m), 0, 0, 64, 1, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + m


def err_field(data):
    """outer-dst/inner-src:port of a delivered ICMP error."""
    inner = data[28:]
    proto = inner[9]
    port = struct.unpack("!H", inner[24:26] if proto == 1 else inner[20:22])[0]
    return "%s/%s:%d" % (socket.inet_ntoa(data[16:20]),
                         socket.inet_ntoa(inner[12:16]), port)


def parse_trace(text):
    return [l.split() for l in text.splitlines() if l.strip()]


# --- nftables side -------------------------------------------------------

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)


def sniffer(ns, ifname):
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    s.bind((ifname, 0x0800))
    s.setblocking(False)
    return s


def wait_token(socks, token, timeout):
    """Returns (sock, packet) of the first incoming packet carrying token."""
    end = time.time() + timeout
    while True:
        left = end - time.time()
        if left <= 0:
            return None, None
        r, _, _ = select.select(socks, [], [], left)
        for s in r:
            try:
                if s.type == socket.SOCK_DGRAM and s.family == socket.AF_INET:
                    data = s.recv(4096)
                    if token in data:
                        return s, data
                    continue
                data, addr = s.recvfrom(65535)
            except BlockingIOError:
                continue
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            if token in data:
                return s, data


def mss_field(data):
    """" mss=N" for a delivered TCP segment with an MSS option first."""
    if data[9] != 6 or (data[32] >> 4) <= 5 or data[40] != 2:
        return ""
    return " mss=%d" % struct.unpack("!H", data[42:44])[0]


def token_of(pkt):
    i = pkt.find(b"RGFW")
    return pkt[i:i + 8]


def run_nft(trace):
    me = os.open("/proc/self/ns/net", os.O_RDONLY)
    lan_cap = sniffer("rg-fw-lan", "lan0")
    wan_cap = sniffer("rg-fw-wan", "wan0")
    enter("rg-fw-lan")
    lan_tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    enter("rg-fw-wan")
    wan_tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    enter("rg-fw-gw")
    local = {}
    for port in (500, 4500, 9999, 6000):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("0.0.0.0", port))
        u.setblocking(False)
        local[port] = u
    libc.setns(me, CLONE_NEWNET)
    flows = {}
    out = []
    for n, t in enumerate(trace):
        token = b"RGFW%04d" % n
        if t[0] == "out":
            _, name, proto, lip, sp, rip, dp, fl = t
            flows[name] = (proto, lip, int(sp), rip, int(dp))
            pkt = build(proto, lip, int(sp), rip, int(dp), fl, token)
            lan_tx.sendto(pkt, (rip, 0))
            s, data = wait_token([wan_cap], token, 0.3)
            if data is None:
                out.append("%d DROP -" % n)
            else:
                gport = struct.unpack("!H", data[24:26] if proto == "icmp"
                                      else data[20:22])[0]
                flows[name] = flows[name][:5] + (gport, data)
                out.append("%d PASS %d%s" % (n, gport, mss_field(data)))
        elif t[0] == "in":
            _, name, fl = t
            proto, lip, sp, rip, dp, gport = flows[name][:6]
            if proto == "icmp":
                pkt = build(proto, rip, gport, OFFICE, 0, fl, token, 0)
            else:
                pkt = build(proto, rip, dp, OFFICE, gport, fl, token)
            wan_tx.sendto(pkt, (OFFICE, 0))
            s, data = wait_token([lan_cap], token, 0.3)
            if data is None:
                out.append("%d DROP -" % n)
            else:
                dst = socket.inet_ntoa(data[16:20])
                port = struct.unpack("!H", data[24:26] if proto == "icmp"
                                     else data[22:24])[0]
                out.append("%d PASS %s:%d%s" % (n, dst, port,
                                                 mss_field(data)))
        elif t[0] == "err":
            _, name, typ = t
            sent = flows[name][6]
            # The router quotes the whole datagram (the token is in it).
            pkt = build_error(ROUTER, OFFICE, int(typ), sent)
            wan_tx.sendto(pkt, (OFFICE, 0))
            s, data = wait_token([lan_cap], token_of(sent), 0.3)
            if data is None:
                out.append("%d DROP -" % n)
            else:
                out.append("%d PASS %s" % (n, err_field(data)))
        else:
            _, proto, src, sp, dst, dp, fl = t
            pkt = build(proto, src, int(sp), dst, int(dp), fl, token)
            wan_tx.sendto(pkt, (dst, 0))
            socks = [lan_cap] + list(local.values())
            s, data = wait_token(socks, token, 0.3)
            out.append("%d %s -" % (n, "DROP" if data is None else "PASS"))
    return out


# --- comparison -----------------------------------------------------------

def check_mapping(trace, res, who):
    """Mapping consistency inside one system's results."""
    errs = []
    port = {}
    by_endpoint = {}
    for n, t in enumerate(trace):
        f = res[n].split()
        if t[0] == "out" and f[1] == "PASS":
            name, proto, rip, dp = t[1], t[2], t[5], t[6]
            g = int(f[2])
            if name in port and port[name] != g:
                errs.append("%s: flow %s mapped to %d then %d" %
                            (who, name, port[name], g))
            port[name] = g
            key = (proto, rip, dp if proto != "icmp" else "0", g)
            if by_endpoint.setdefault(key, name) != name:
                errs.append("%s: flows %s and %s share %s" %
                            (who, by_endpoint[key], name, key))
        if t[0] == "err" and f[1] == "PASS":
            flow = [x for x in trace if x[0] == "out" and x[1] == t[1]][0]
            want = "%s/%s:%s" % (flow[3], flow[3], flow[4])
            if f[2] != want:
                errs.append("%s: error for %s delivered as %s, want %s" %
                            (who, t[1], f[2], want))
        if t[0] == "in" and f[1] == "PASS":
            flow = [x for x in trace if x[0] == "out" and x[1] == t[1]][0]
            want = "%s:%s" % (flow[3], flow[4])
            if f[2] != want:
                errs.append("%s: reply of %s delivered to %s, want %s" %
                            (who, t[1], f[2], want))
    return errs


def compare(trace, a, b):
    errs = []
    if len(a) != len(trace) or len(b) != len(trace):
        return ["result lengths %d/%d, trace %d" % (len(a), len(b), len(trace))]
    for n, t in enumerate(trace):
        va, vb = a[n].split()[1], b[n].split()[1]
        if va != vb:
            errs.append("step %d (%s): nft %s, libfw %s" % (n, " ".join(t), va, vb))
        ma, mb = a[n].split()[3:], b[n].split()[3:]
        if ma != mb:
            errs.append("step %d (%s): nft %s, libfw %s" %
                        (n, " ".join(t), " ".join(ma) or "no mss",
                         " ".join(mb) or "no mss"))
        if t[0] in ("out", "in") and t[-1] in MSSOPT and va == "PASS":
            want = "mss=%d" % min(MSSOPT[t[-1]], 1400)
            if ma != [want]:
                errs.append("step %d (%s): delivered %s, want %s" %
                            (n, " ".join(t), " ".join(ma), want))
    errs += check_mapping(trace, a, "nft")
    errs += check_mapping(trace, b, "libfw")
    return errs


def main():
    trace = parse_trace(TRACE)
    if sys.argv[1] == "trace":
        sys.stdout.write(TRACE)
    elif sys.argv[1] == "nft":
        print("\n".join(run_nft(trace)))
    elif sys.argv[1] == "compare":
        a = [l for l in open(sys.argv[2]).read().splitlines() if l.strip()]
        b = [l for l in open(sys.argv[3]).read().splitlines() if l.strip()]
        errs = compare(trace, a, b)
        for n, t in enumerate(trace):
            print("%-55s nft %-22s libfw %s" % (" ".join(t), " ".join(a[n].split()[1:]) if n < len(a) else "?",
                  " ".join(b[n].split()[1:]) if n < len(b) else "?"))
        for e in errs:
            print("MISMATCH:", e)
        print("oracle: %d steps, %d mismatches" % (len(trace), len(errs)))
        sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
