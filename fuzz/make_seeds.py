#!/usr/bin/env python3
"""Seed corpora from real traffic: run inside a private network namespace
(../../shared/bin/netns-run python3 fuzz/make_seeds.py, from the repo root,
after `cargo build`). Receives test packets that mcast sends over the veth
pair with Linux's control messages switched on, and writes each datagram
(corpus/testpacket) and its control data laid out as the kernel lays it out
(corpus/cmsg). Group and command-line seeds are the README's examples.
RTP, MPEG-TS and SAP/SDP seeds are what ffmpeg sends over the veth pair
(corpus/rtp, ts, sap, sdp), plus a few hand-made awkward cases."""
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

def ffmpeg_capture(group, port, out, name, n, corpora):
    """Starts ffmpeg sending to group:port out of mc0 (bounded by -t) and
    keeps its first n datagrams arriving on mc1."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    mreq = socket.inet_aton(group) + socket.inet_aton("192.0.2.2")
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s.settimeout(10)
    subprocess.run(["ip", "route", "replace", group + "/32", "dev", "mc0"], check=True)
    ff = subprocess.Popen(["ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                           "testsrc=size=160x120:rate=25", "-t", "1", "-c:v", "mpeg2video"] + out)
    got = []
    for i in range(n):
        data = s.recv(65536)
        got.append(data)
        for c in corpora:
            open(os.path.join(ROOT, "corpus", c, f"ffmpeg-{name}-{i}"), "wb").write(
                data if c != "sdp" else data[data.find(b"v=0"):])
    ff.wait()
    return got

def media_seeds():
    for c in ("rtp", "ts", "sap", "sdp"):
        os.makedirs(os.path.join(ROOT, "corpus", c), exist_ok=True)
    ffmpeg_capture("239.9.0.1", 5004, ["-f", "rtp_mpegts", "rtp://239.9.0.1:5004?ttl=1&localaddr=192.0.2.1"],
                   "rtp-mpegts", 4, ["rtp"])
    ts = ffmpeg_capture("239.9.0.2", 5006, ["-f", "mpegts", "udp://239.9.0.2:5006?ttl=1&localaddr=192.0.2.1&pkt_size=1316"],
                        "mpegts", 4, ["ts"])
    # Several datagrams in one input: the analysis sees a run of them.
    open(os.path.join(ROOT, "corpus", "ts", "ffmpeg-run"), "wb").write(b"".join(ts))
    ffmpeg_capture("224.2.127.254", 9875, ["-f", "sap", "sap://239.9.0.3:5008?announce_addr=224.2.127.254&ttl=1"],
                   "sap", 1, ["sap", "sdp"])
    hand = {
        "sap/deletion-v6": b"\x34\x00\x00\x07" + socket.inet_pton(socket.AF_INET6, "2001:db8::9")
                           + b"v=0\r\no=- 1 1 IN IP6 2001:db8::9\r\n",
        "sap/compressed": b"\x21\x00\x12\x34\xc0\x00\x02\x01x\x9c",
        "sdp/ssm-aes67": b"v=0\no=- 1 1 IN IP4 192.0.2.1\ns=AES67\nm=audio 5004 RTP/AVP 96\n"
                         b"c=IN IP4 232.1.1.1/32\na=rtpmap:96 L24/48000/2\n"
                         b"a=source-filter: incl IN IP4 232.1.1.1 192.0.2.1\n",
        "sdp/broken": b"v=0\nnonsense\nc=IN IP4 300.1.1.1/5\nm=video x RTP/AVP\na=rtpmap:96\n",
        "rtp/csrc-ext-pad": b"\xb2\xe0\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03" + b"\x01" * 8
                            + b"\xbe\xde\x00\x01" + b"\x09" * 4 + b"xy\x00\x02",
    }
    for name, data in hand.items():
        open(os.path.join(ROOT, "corpus", name), "wb").write(data)

if __name__ == "__main__":
    media_seeds()
    mc1 = socket.if_nametoindex("mc1")
    capture(socket.AF_INET, "239.1.2.3", "mc1", mc1, "v4")
    capture(socket.AF_INET6, "ff15::1", "mc1", mc1, "v6")
    for i, g in enumerate(["239.1.1.1", "239.1.1.1:5000", "[ff15::1]:5000", "192.0.2.1,232.1.1.1:5000",
                           "2001:db8::1,[ff35::1]:5000", "239.1.1.1+10", "ff05::2"]):
        open(os.path.join(ROOT, "corpus", "group", f"readme-{i}"), "w").write(g)
    os.makedirs(os.path.join(ROOT, "corpus", "groups_file"), exist_ok=True)
    for name, text in [
            ("readme", b"# IPTV head end\n239.10.0.1:5000   BBC One HD\n192.0.2.1,232.1.1.1:5000  SSM feed\n"
                       b"239.20.0.1+4      market data\n\n[ff15::1]:6000 v6\n"),
            ("duplicate", b"239.1.1.1 a\r\n239.1.1.1 b\r\n"),
            ("not-utf8", b"239.1.1.1\n\xff\xfe label\n")]:
        open(os.path.join(ROOT, "corpus", "groups_file", name), "wb").write(text)
    for i, line in enumerate([
        "join\x00239.1.1.1\x00--iface\x00lo",
        "listen\x00[ff15::1]:5000\x00-i\x00lo\x00--json\x00-c\x00100\x00-t\x0010s",
        "send\x00239.1.1.1:5000\x00--rate\x001000\x00-c\x00100\x00-s\x001400\x00--ttl\x004",
        "sockopt\x00-4\x00--set\x00ttl=5\x00--set\x00loop=off\x00--join\x00239.1.1.1",
        "selftest\x00-c\x005\x00-t\x001s",
        "listen\x00239.1.1.1\x00-d\x001h 30m\x00--stats-interval\x00250ms\x00--rcvbuf\x004M",
        "monitor\x00239.1.1.1+10\x00-i\x00lo\x00--metrics\x009100\x00--heartbeat\x003/5\x00--min-rate\x0050"]):
        open(os.path.join(ROOT, "corpus", "command_line", f"readme-{i}"), "w").write(line)
    # Firewall rulesets: the doctor's captured fixtures.
    os.makedirs(os.path.join(ROOT, "corpus", "firewall"), exist_ok=True)
    testdata = os.path.join(ROOT, "..", "src", "doctor", "testdata")
    for name in sorted(os.listdir(testdata)):
        data = open(os.path.join(testdata, name), "rb").read()
        open(os.path.join(ROOT, "corpus", "firewall", name), "wb").write(data)
    # rtnetlink RTM_GETROUTE replies from this namespace's kernel.
    os.makedirs(os.path.join(ROOT, "corpus", "route_reply"), exist_ok=True)
    for i, (family, dest) in enumerate([(socket.AF_INET, "239.1.1.1"), (socket.AF_INET6, "ff15::1"),
                                        (socket.AF_INET, "203.0.113.9"), (socket.AF_INET, "127.0.0.1")]):
        addr = socket.inet_pton(family, dest)
        attr = struct.pack("=HH", 4 + len(addr), 1) + addr
        body = struct.pack("=BBBBBBBBI", family, len(addr) * 8, 0, 0, 0, 0, 0, 0, 0) + attr
        msg = struct.pack("=IHHII", 16 + len(body), 26, 1, i + 1, 0) + body
        nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        nl.send(msg)
        open(os.path.join(ROOT, "corpus", "route_reply", f"kernel-{i}"), "wb").write(nl.recv(8192))
        nl.close()
    # Ping probes as mcast ping writes them, and ssmping 0.9.1's queries
    # as captured from the Debian package (IPv4 and IPv6).
    os.makedirs(os.path.join(ROOT, "corpus", "ping"), exist_ok=True)
    def probe(seq, length):
        head = b"MCPG" + struct.pack(">BBHBBHQQQ", 1, 1, length, 64, 1, 0, 0x1234, seq, 1_800_000_000_000_000_000)
        return head + b"\0" * (length - len(head))
    for n, length in enumerate([64, 128, 1024]):
        open(os.path.join(ROOT, "corpus", "ping", f"probe-{length}"), "wb").write(probe(n, length))
    # SSM probes (flag bit 1, the group as 16 bytes) and a mesh report
    # (kind 3) with two peers, one without round trips.
    def ssm_probe(group):
        head = b"MCPG" + struct.pack(">BBHBBHQQQ", 1, 1, 64, 64, 3, 0, 0x1234, 0, 1_800_000_000_000_000_000)
        return head + group + b"\0" * (64 - len(head) - 16)
    v4 = b"\0" * 10 + b"\xff\xff" + socket.inet_aton("232.1.1.1")
    open(os.path.join(ROOT, "corpus", "ping", "probe-ssm-v4"), "wb").write(ssm_probe(v4))
    v6 = socket.inet_pton(socket.AF_INET6, "ff35::8")
    open(os.path.join(ROOT, "corpus", "ping", "probe-ssm-v6"), "wb").write(ssm_probe(v6))
    rtt = struct.pack(">6I", 1000, 1250, 1200, 2000, 2000, 100)
    entries = struct.pack(">QII", 5, 19, 20) + rtt + rtt + struct.pack(">QII", 6, 0, 0) + b"\xff" * 48
    report = b"MCPG" + struct.pack(">BBHQQQBBH", 1, 3, 36 + 2 + len(entries), 0xa1, 7, 20, 2, 2, 0) + b"h0" + entries
    open(os.path.join(ROOT, "corpus", "ping", "mesh-report"), "wb").write(report)
    open(os.path.join(ROOT, "corpus", "ping", "ssmping-v4"), "wb").write(bytes.fromhex(
        "510001000400001a6d0002000400000001000300086b0c8dd6000529f00004000501e82bd3ea"))
    open(os.path.join(ROOT, "corpus", "ping", "ssmping-v6"), "wb").write(bytes.fromhex(
        "510001000400001a710002000400000001000300086b0c8dd9000545fb00040011"
        "02ff3e0000000000000000000043211234"))
    print("seeds written", file=sys.stderr)
