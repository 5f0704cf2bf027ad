/* bench_ipc_floor.c: the floor under process nodes' speed on this machine.
 *
 * One parent and one child bounce a 20-byte line over a Unix socket pair,
 * N round trips, no other work: what any lockstep exchange (one event out,
 * one answer back) costs in system calls and context switches. Run pinned
 * to one core by bench/run_process.sh next to the process-node numbers, so
 * "events per CPU second" can be read against this ceiling.
 * Usage: bench_ipc_floor [ROUND_TRIPS]   (1..100,000,000; default 100,000)
 * Prints: round_trips wall_s round_trips_per_wall_s. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    if (n < 1 || n > 100000000) {
        fprintf(stderr, "usage: bench_ipc_floor [ROUND_TRIPS 1..100000000]\n");
        return 2;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
    static const char line[] = "{\"action\":\"done\"}\n";
    char buf[64];
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        close(sv[0]);
        while (read(sv[1], buf, sizeof buf) > 0) {
            if (write(sv[1], line, sizeof line - 1) < 0) break;
        }
        _exit(0);
    }
    close(sv[1]);
    double start = now_s();
    for (long i = 0; i < n; i++) {
        if (write(sv[0], line, sizeof line - 1) < 0 || read(sv[0], buf, sizeof buf) <= 0) return 1;
    }
    double wall = now_s() - start;
    close(sv[0]);
    waitpid(pid, NULL, 0);
    printf("%ld\t%.3f\t%.0f\n", n, wall, (double)n / wall);
    return 0;
}
