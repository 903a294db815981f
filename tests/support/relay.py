#!/usr/bin/env python3
"""Impairment relay for the mcast tests (IPv4 only; run inside a namespace).

Receives datagrams on one multicast group and re-sends them, unchanged, to
another, optionally duplicating, swapping and delaying them. The payload is
never touched, so the sender's timestamp in an mcast test packet still
measures the whole path, relay delay included.

Per received packet n (1-based), in this order:
  swap:      packets 2k-1 and 2k form pair k; every --swap-every'th pair is
             sent second-first (one swap). A first half still held when the
             relay stops is sent as is (no swap counted).
  duplicate: every --dup-every'th packet is sent twice in a row.
  delay:     each packet is sent at its kernel arrival time + --delay-ms
             (a swapped first half goes out right after its partner), so
             delays do not accumulate drift and order is preserved.

Stops after --count packets received, or --idle-ms without one, or
--max-ms in all; then flushes what is queued and prints one JSON line:
  {"type":"relay","received":R,"sent":S,"duplicates":D,"swaps":W,
   "seqs":[...]}
where seqs lists, in send order, the mcast test-packet sequence number of
each datagram sent (null for other payloads). sent == received + duplicates.
"""

import argparse
import heapq
import json
import select
import socket
import struct
import sys
import time

# mcast test packet: magic "MCST" at 0, version 1 at 4, seq (u64 BE) at 20.
MAGIC = b"MCST"
SEQ_AT = 20

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


def endpoint(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def seq_of(payload):
    if len(payload) >= SEQ_AT + 8 and payload[:4] == MAGIC and payload[4] == 1:
        return struct.unpack_from(">Q", payload, SEQ_AT)[0]
    return None


def open_input(group, port, iface_addr):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Room for a burst while we are busy sending: a drop here would look
    # like network loss to the test.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    # Kernel arrival time, so the delay is measured from arrival and not
    # from whenever this process got scheduled.
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    # Binding to the group address keeps other groups on the port out.
    sock.bind((group, port))
    mreq = socket.inet_aton(group) + socket.inet_aton(iface_addr)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    sock.setblocking(False)
    return sock


def open_output(iface_addr, ttl):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # By address, not index: by index Linux may pick source 0.0.0.0.
    sock.setsockopt(
        socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface_addr)
    )
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
    # Only the far end of the link should see our copies.
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    return sock


def arrival_time(ancdata):
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            sec, nsec = struct.unpack("qq", data[:16])
            return sec + nsec / 1e9
    return time.time()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--in", dest="src", required=True, help="GROUP:PORT to join")
    ap.add_argument("--in-iface", required=True, help="address of the join interface")
    ap.add_argument("--out", dest="dst", required=True, help="GROUP:PORT to send to")
    ap.add_argument("--out-iface", required=True, help="address of the send interface")
    ap.add_argument("--ttl", type=int, default=1)
    ap.add_argument("--dup-every", type=int, default=0)
    ap.add_argument("--swap-every", type=int, default=0)
    ap.add_argument("--delay-ms", type=float, default=0.0)
    ap.add_argument("--count", type=int, default=0, help="stop after N (0: no limit)")
    ap.add_argument("--idle-ms", type=float, default=2000.0)
    ap.add_argument("--max-ms", type=float, default=30000.0)
    args = ap.parse_args()

    in_group, in_port = endpoint(args.src)
    out = endpoint(args.dst)
    rx = open_input(in_group, in_port, args.in_iface)
    tx = open_output(args.out_iface, args.ttl)
    delay = args.delay_ms / 1000.0

    # Wall clock throughout: kernel timestamps and the sender's are on it.
    start = time.time()
    hard_stop = start + args.max_ms / 1000.0
    last_rx = start
    # (due, tiebreak, payload): the tiebreak keeps equal-due packets in order.
    queue = []
    order = 0
    held = None  # first half of a pair waiting for its partner
    stats = {"received": 0, "sent": 0, "duplicates": 0, "swaps": 0}
    seqs = []

    def enqueue(due, n, payload):
        nonlocal order
        copies = 2 if args.dup_every and n % args.dup_every == 0 else 1
        stats["duplicates"] += copies - 1
        for _ in range(copies):
            heapq.heappush(queue, (due, order, payload))
            order += 1

    def send_due(now):
        while queue and queue[0][0] <= now:
            _, _, payload = heapq.heappop(queue)
            tx.sendto(payload, out)
            stats["sent"] += 1
            seqs.append(seq_of(payload))

    receiving = True
    while receiving or queue:
        now = time.time()
        if receiving and (
            now >= hard_stop
            or now - last_rx >= args.idle_ms / 1000.0
            or (args.count and stats["received"] >= args.count)
        ):
            receiving = False
            if held is not None:
                enqueue(held[0], held[1], held[2])
                held = None
            continue
        if now >= hard_stop + delay + 1.0:
            break  # never outlive the limit by much, whatever is queued
        wake = queue[0][0] if queue else now + 3600
        if receiving:
            wake = min(wake, last_rx + args.idle_ms / 1000.0, hard_stop)
        readable, _, _ = select.select([rx] if receiving else [], [], [], max(0.0, wake - now))
        if readable:
            while not args.count or stats["received"] < args.count:
                try:
                    payload, anc, _, _ = rx.recvmsg(65536, socket.CMSG_SPACE(16))
                except BlockingIOError:
                    break
                last_rx = time.time()
                stats["received"] += 1
                n = stats["received"]
                due = arrival_time(anc) + delay
                pair = (n + 1) // 2
                if args.swap_every and pair % args.swap_every == 0:
                    if n % 2 == 1:
                        held = (due, n, payload)
                        continue
                    if held is not None:
                        enqueue(due, n, payload)
                        enqueue(due, held[1], held[2])
                        held = None
                        stats["swaps"] += 1
                        continue
                enqueue(due, n, payload)
        send_due(time.time())

    print(json.dumps({"type": "relay", **stats, "seqs": seqs}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
