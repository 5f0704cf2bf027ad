/* bench_ipc_floor.c: the floor under process nodes' speed on this machine.
 *
 * One parent and one child bounce a 20-byte line N round trips, no other
 * work: what any lockstep exchange (one event out, one answer back) costs
 * in system calls and context switches. Two transports, the two process
 * nodes have (docs/PROCESS_NODES.md):
 *   socket  a Unix socket pair, read/write (stdin/stdout of a node)
 *   ring    the shared-memory ring of dslab/process_ring.h, futex wake-ups
 *           (Linux; the very functions dslab and clients/c use)
 * Run pinned to one core by bench/run_process.sh next to the process-node
 * numbers, so "events per CPU second" can be read against this ceiling.
 * Usage: bench_ipc_floor [ROUND_TRIPS [socket|ring]]
 *   (ROUND_TRIPS 1..100,000,000; default 100,000 over the socket)
 * Prints: round_trips wall_s round_trips_per_wall_s. */
#define _GNU_SOURCE /* the ring's syscall(2) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dslab/process_ring.h"

static const char line[] = "{\"action\":\"done\"}\n";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int socket_floor(long n) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
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
    for (long i = 0; i < n; i++) {
        if (write(sv[0], line, sizeof line - 1) < 0 || read(sv[0], buf, sizeof buf) <= 0) return 1;
    }
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return 0;
}

#ifdef DSLAB_RING_AVAILABLE
/* Reads one whole line (the test's lines are all sizeof line - 1 bytes). */
static void ring_take(struct dslab_ring_shm *shm, struct dslab_ring *r, char *buf) {
    size_t got = 0;
    while (got < sizeof line - 1) {
        size_t k = dslab_ring_pop(shm, r, buf + got, sizeof line - 1 - got);
        got += k;
        if (k == 0) dslab_ring_wait_data(r, NULL);
    }
}

static int ring_floor(long n) {
    struct dslab_ring_shm *shm = mmap(NULL, DSLAB_RING_SHM_BYTES, PROT_READ | PROT_WRITE,
                                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm == MAP_FAILED) return 1;
    char buf[64];
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        for (long i = 0; i < n; i++) {
            ring_take(shm, &shm->to_node, buf);
            dslab_ring_push(shm, &shm->from_node, line, sizeof line - 1);
        }
        _exit(0);
    }
    for (long i = 0; i < n; i++) {
        dslab_ring_push(shm, &shm->to_node, line, sizeof line - 1);
        ring_take(shm, &shm->from_node, buf);
    }
    waitpid(pid, NULL, 0);
    return 0;
}
#endif

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    const char *mode = argc > 2 ? argv[2] : "socket";
    if (n < 1 || n > 100000000 || (strcmp(mode, "socket") != 0 && strcmp(mode, "ring") != 0)) {
        fprintf(stderr, "usage: bench_ipc_floor [ROUND_TRIPS 1..100000000 [socket|ring]]\n");
        return 2;
    }
    double start = now_s();
    int rc;
    if (strcmp(mode, "socket") == 0) {
        rc = socket_floor(n);
    } else {
#ifdef DSLAB_RING_AVAILABLE
        rc = ring_floor(n);
#else
        fprintf(stderr, "bench_ipc_floor: no ring on this system (Linux only)\n");
        return 2;
#endif
    }
    if (rc != 0) return rc;
    double wall = now_s() - start;
    printf("%ld\t%.3f\t%.0f\n", n, wall, (double)n / wall);
    return 0;
}
