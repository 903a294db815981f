#!/usr/bin/env python3
"""Seed corpora from real traffic: run inside a private network namespace
(../../shared/bin/netns-run python3 fuzz/make_seeds.py, from the repo root,
after `cargo build`). Receives test packets that mcast sends over the veth
pair with Linux's control messages switched on, and writes each datagram
(corpus/testpacket) and its control data laid out as the kernel lays it out
(corpus/cmsg). Group and command-line seeds are the README's examples."""
import os, socket, struct, subprocess, sys

ROOT = os.path.dirname(os.path.abspath(__file__))
MCAST = os.path.join(ROOT, "..", "target", "debug", "mcast")
SO_TIMESTAMPNS, SO_RXQ_OVFL, IP_PKTINFO, IP_RECVTTL = 35, 40, 8, 12
IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT = 49, 51

def cmsg_bytes(ancdata):
    out = b""
    for level, kind, data in ancdata:
        length = 16 + len(data)
        out += struct.pack("=QiI", length, level, kind) + data
        out += b"\0" * ((-length) % 8)
    return out

def capture(family, group, iface, idx, name):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL, 1)
    if family == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
        s.bind(("0.0.0.0", 5000))
        mreq = socket.inet_aton(group) + struct.pack("=4si", b"\0" * 4, idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
        s.bind(("::", 5000))
        mreq = socket.inet_pton(socket.AF_INET6, group) + struct.pack("=I", idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    s.settimeout(5)
    subprocess.run([MCAST, "send", group, "-i", "mc0", "-c", "3", "-s", "100", "--ttl", "3", "-q"], check=True)
    for n in range(3):
        data, anc, _, _ = s.recvmsg(2048, 512)
        open(os.path.join(ROOT, "corpus", "testpacket", f"{name}-{n}"), "wb").write(data)
        open(os.path.join(ROOT, "corpus", "cmsg", f"linux-{name}-{n}"), "wb").write(cmsg_bytes(anc))

if __name__ == "__main__":
    mc1 = socket.if_nametoindex("mc1")
    capture(socket.AF_INET, "239.1.2.3", "mc1", mc1, "v4")
    capture(socket.AF_INET6, "ff15::1", "mc1", mc1, "v6")
    for i, g in enumerate(["239.1.1.1", "239.1.1.1:5000", "[ff15::1]:5000", "192.0.2.1,232.1.1.1:5000",
                           "2001:db8::1,[ff35::1]:5000", "239.1.1.1+10", "ff05::2"]):
        open(os.path.join(ROOT, "corpus", "group", f"readme-{i}"), "w").write(g)
    for i, line in enumerate([
        "join\x00239.1.1.1\x00--iface\x00lo",
        "listen\x00[ff15::1]:5000\x00-i\x00lo\x00--json\x00-c\x00100\x00-t\x0010s",
        "send\x00239.1.1.1:5000\x00--rate\x001000\x00-c\x00100\x00-s\x001400\x00--ttl\x004",
        "sockopt\x00-4\x00--set\x00ttl=5\x00--set\x00loop=off\x00--join\x00239.1.1.1",
        "selftest\x00-c\x005\x00-t\x001s",
        "listen\x00239.1.1.1\x00-d\x001h 30m\x00--stats-interval\x00250ms\x00--rcvbuf\x004M"]):
        open(os.path.join(ROOT, "corpus", "command_line", f"readme-{i}"), "w").write(line)
    # Ping probes as mcast ping writes them, and ssmping 0.9.1's queries
    # as captured from the Debian package (IPv4 and IPv6).
    os.makedirs(os.path.join(ROOT, "corpus", "ping"), exist_ok=True)
    def probe(seq, length):
        head = b"MCPG" + struct.pack(">BBHBBHQQQ", 1, 1, length, 64, 1, 0, 0x1234, seq, 1_800_000_000_000_000_000)
        return head + b"\0" * (length - len(head))
    for n, length in enumerate([64, 128, 1024]):
        open(os.path.join(ROOT, "corpus", "ping", f"probe-{length}"), "wb").write(probe(n, length))
    open(os.path.join(ROOT, "corpus", "ping", "ssmping-v4"), "wb").write(bytes.fromhex(
        "510001000400001a6d0002000400000001000300086b0c8dd6000529f00004000501e82bd3ea"))
    open(os.path.join(ROOT, "corpus", "ping", "ssmping-v6"), "wb").write(bytes.fromhex(
        "510001000400001a710002000400000001000300086b0c8dd9000545fb00040011"
        "02ff3e0000000000000000000043211234"))
    print("seeds written", file=sys.stderr)
