/* drain: wakes a stopped receiver and times how long it takes to empty its
 * socket's receive queue.
 *
 *   drain PID PORT TIMEOUT_MS
 *
 * Reads the queue length (rx_queue, bytes) of the UDP socket bound to PORT
 * from /proc/net/udp, sends SIGCONT to PID, then polls every 50 us until the
 * queue is empty. Prints "queued_bytes drops elapsed_ns" on stdout, where
 * drops is the socket's kernel drop counter before the wake-up: the packets
 * queued are the packets sent less drops, and those over elapsed_ns are the
 * receiver's drain rate. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Sum of rx_queue (and of drops) over sockets whose local port is PORT;
 * -1 if none. */
static long long rx_queue(unsigned port, long long *drops) {
    FILE *f = fopen("/proc/net/udp", "r");
    if (!f) return -1;
    char line[512];
    long long total = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned lport;
        unsigned long txq, rxq;
        if (sscanf(line, " %*d: %*x:%x %*x:%*x %*x %lx:%lx", &lport, &txq, &rxq) == 3 && lport == port)
        {
            total = (total < 0 ? 0 : total) + (long long)rxq;
            if (drops) *drops += atoll(strrchr(line, ' ') + 1);
        }
    }
    fclose(f);
    return total;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: drain PID PORT TIMEOUT_MS\n");
        return 2;
    }
    pid_t pid = atoi(argv[1]);
    unsigned port = atoi(argv[2]);
    long long timeout_ns = atoll(argv[3]) * 1000000LL;
    long long drops = 0, queued = rx_queue(port, &drops);
    if (queued < 0) { fprintf(stderr, "drain: no socket on port %u\n", port); return 1; }
    long long t0 = now_ns();
    if (kill(pid, SIGCONT)) { perror("drain: SIGCONT"); return 1; }
    while (rx_queue(port, NULL) > 0) {
        if (now_ns() - t0 > timeout_ns) { fprintf(stderr, "drain: timed out\n"); return 1; }
        usleep(50);
    }
    printf("%lld %lld %lld\n", queued, drops, now_ns() - t0);
    return 0;
}
