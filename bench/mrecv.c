/* mrecv: the minimal multicast receive loop that mcast's listener is
 * measured against, and a pacing probe.
 *
 *   mrecv GROUP PORT RCVBUF_BYTES WAIT_MS IDLE_MS [HISTFILE]
 *
 * Joins GROUP on lo (127.0.0.1), binds PORT, and receives with one plain
 * recv() per datagram, nothing else: no control messages, no parsing, no
 * output. Stops IDLE_MS after the last packet (or WAIT_MS after start when
 * none came) and prints the number of packets on stdout.
 * With MRECV_META=1 in the environment it asks for what mcast asks for
 * (source address, IP_PKTINFO, IP_RECVTTL, SO_TIMESTAMPNS, batches of 32
 * with recvmmsg) and does nothing with it: the floor for a receiver that
 * reports group, interface, TTL and kernel time per packet.
 * With HISTFILE, it also asks for kernel receive timestamps and writes
 * the number of packets that arrived in each millisecond since the first,
 * one count per line: the sender's smoothness at a 1 ms scale. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_MS 120000

static unsigned hist[MAX_MS];

#define META_N 32
static char meta_bufs[META_N][65536];

/* The MRECV_META loop: returns packets received until a receive times out. */
static long long recv_meta(int s, struct timeval idle) {
    struct mmsghdr h[META_N];
    struct iovec iov[META_N];
    struct sockaddr_storage from[META_N];
    char ctrl[META_N][256];
    long long packets = 0;
    for (;;) {
        for (int i = 0; i < META_N; i++) {
            iov[i] = (struct iovec){meta_bufs[i], sizeof meta_bufs[i]};
            memset(&h[i], 0, sizeof h[i]);
            h[i].msg_hdr.msg_iov = &iov[i];
            h[i].msg_hdr.msg_iovlen = 1;
            h[i].msg_hdr.msg_name = &from[i];
            h[i].msg_hdr.msg_namelen = sizeof from[i];
            h[i].msg_hdr.msg_control = ctrl[i];
            h[i].msg_hdr.msg_controllen = sizeof ctrl[i];
        }
        int n = recvmmsg(s, h, META_N, MSG_WAITFORONE, NULL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return packets;
        }
        if (packets == 0) setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
        packets += n;
    }
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: mrecv GROUP PORT RCVBUF WAIT_MS IDLE_MS [HISTFILE]\n");
        return 2;
    }
    const char *histfile = argc > 6 ? argv[6] : NULL;
    int one = 1, zero = 0, rcvbuf = atoi(argv[3]);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    struct ip_mreq m = {.imr_interface.s_addr = htonl(INADDR_LOOPBACK)};
    inet_pton(AF_INET, argv[1], &m.imr_multiaddr);
    a.sin_addr = m.imr_multiaddr;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
    setsockopt(s, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
    if (histfile) setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m)) {
        perror("mrecv: bind/join");
        return 1;
    }
    struct timeval tv = {.tv_sec = atoi(argv[4]) / 1000, .tv_usec = atoi(argv[4]) % 1000 * 1000};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (getenv("MRECV_META")) {
        setsockopt(s, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
        setsockopt(s, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
        setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
        struct timeval idle = {.tv_sec = atoi(argv[5]) / 1000, .tv_usec = atoi(argv[5]) % 1000 * 1000};
        printf("%lld\n", recv_meta(s, idle));
        return 0;
    }
    char buf[65536], ctrl[64];
    struct iovec iov = {buf, sizeof buf};
    long long packets = 0, first_ns = -1, last_ms = 0;
    for (;;) {
        /* A receive timeout makes recv() fail with EINTR after SIGSTOP and
         * SIGCONT (signal(7)), which the drain benchmark sends: go on. */
        if (!histfile) {
            if (recv(s, buf, sizeof buf, 0) < 0) {
                if (errno == EINTR) continue;
                break;
            }
        } else {
            struct msghdr h = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctrl, .msg_controllen = sizeof ctrl};
            if (recvmsg(s, &h, 0) < 0) {
                if (errno == EINTR) continue;
                break;
            }
            struct cmsghdr *c = CMSG_FIRSTHDR(&h);
            if (c && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec t;
                memcpy(&t, CMSG_DATA(c), sizeof t);
                long long ns = t.tv_sec * 1000000000LL + t.tv_nsec;
                if (first_ns < 0) first_ns = ns;
                long long ms = (ns - first_ns) / 1000000;
                if (ms >= 0 && ms < MAX_MS) { hist[ms]++; if (ms > last_ms) last_ms = ms; }
            }
        }
        if (packets++ == 0) {  /* from now on, stop after IDLE_MS of silence */
            tv.tv_sec = atoi(argv[5]) / 1000;
            tv.tv_usec = atoi(argv[5]) % 1000 * 1000;
            setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        }
    }
    printf("%lld\n", packets);
    if (histfile) {
        FILE *f = fopen(histfile, "w");
        if (!f) { perror(histfile); return 1; }
        for (long long i = 0; i <= last_ms && packets; i++) fprintf(f, "%u\n", hist[i]);
        fclose(f);
    }
    return 0;
}
