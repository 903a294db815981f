/* runstat: run a command and report what it cost, for bench/run.sh.
 *
 *   runstat STATFILE COMMAND [ARG...]
 *
 * Writes "pid N" to STATFILE as soon as the child exists (so the script can
 * signal it or sample /proc/N/status), then, when it exits, appends
 * "cpu_us U wall_us W maxrss_kb R status S": user+system CPU of the child
 * and all its threads (getrusage via wait4), wall time, peak RSS (VmHWM).
 * Exits with the child's exit status. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: runstat STATFILE COMMAND [ARG...]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) { perror(argv[1]); return 2; }
    long long t0 = now_us();
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 2; }
    if (pid == 0) {
        fclose(f);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    fprintf(f, "pid %d\n", (int)pid);
    fflush(f);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) { perror("wait4"); return 2; }
    long long wall = now_us() - t0;
    long long cpu = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec +
                    ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(f, "cpu_us %lld wall_us %lld maxrss_kb %ld status %d\n", cpu, wall, ru.ru_maxrss, code);
    fclose(f);
    return code;
}
