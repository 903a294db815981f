#!/usr/bin/env python3
"""A constant-rate MPEG transport stream over RTP for bench/run.sh (run
inside its private namespace): datagrams of 7 TS packets (1316 bytes) behind
an RTP header (PT 33), a video PID 0x100 with a PCR every 20 ms of stream
time, PAT and PMT every 100 ms, counters stepping as a real multiplexer's
do. Paced on an absolute schedule; prints the number of datagrams sent.

usage: tssend.py GROUP PORT DATAGRAMS_PER_S SECONDS"""
import socket, struct, sys, time

group, port, rate, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
cc = {}

def ts_packet(pid, pcr=None):
    c = cc.get(pid, 0)
    cc[pid] = (c + 1) & 15
    if pcr is None:
        return struct.pack(">BHB", 0x47, 0x4000 | pid, 0x10 | c) + b"\xff" * 184
    base, ext = pcr // 300, pcr % 300
    af = struct.pack(">BBIH", 7, 0x10, base >> 1, ((base & 1) << 15) | 0x7e00 | ext)
    return struct.pack(">BHB", 0x47, pid, 0x30 | c) + af + b"\xff" * (184 - len(af))

n = int(rate * secs)
start = time.monotonic()
ssrc, sent = 0x4d435354, 0
packets_per_s = rate * 7
for i in range(n):
    due = start + i / rate
    delay = due - time.monotonic()
    if delay > 0.0005:
        time.sleep(delay)
    payload = b""
    for k in range(7):
        t = (i * 7 + k) / packets_per_s  # stream time of this TS packet
        tick = int(t * 1000)
        if k == 0 and i % max(1, int(rate / 10)) == 0:
            payload += ts_packet(0)
        elif k == 1 and i % max(1, int(rate / 10)) == 0:
            payload += ts_packet(0x1000)
        elif k == 2 and i % max(1, int(rate / 50)) == 0:
            payload += ts_packet(0x100, int(t * 27_000_000))
        else:
            payload += ts_packet(0x100)
    hdr = struct.pack(">BBHII", 0x80, 33, i & 0xFFFF, int(i / rate * 90000) & 0xFFFFFFFF, ssrc)
    s.sendto(hdr + payload, (group, port))
    sent += 1
print(sent)
