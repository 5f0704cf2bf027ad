/* bench_plain_loop.c: the yardstick for the simulator core. The workload
 * of bench/gossip-pingpong.yaml written as the plainest C event loop: a
 * binary min-heap of 32-byte events held by value, ordered by (time,
 * insertion seq), one xoshiro256** stream, a 16-byte state per node.
 * N nodes; at t=0 each sends INITIAL messages (default 4) to uniformly
 * random other nodes; latency uniform in [1ms, 10ms]; each delivery makes
 * the receiver count it and send one message to a random other node.
 * No faults, no tracing, no pools, no checks: what dslab's core costs is
 * measured against this (bench/run.sh prints the ratios).
 *   bench_plain_loop NODES UNTIL_MS [INITIAL]
 * Prints the TSV line of bench_gossip: nodes, simulated_s, deliveries,
 * wall_s, deliveries_per_s (per CPU second), peak_rss_mb, in_flight_max. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_cpu.h"
#include "dslab/host_clock.h"

struct pl_event {
    int64_t at_ns;
    uint64_t seq;
    int32_t to, from;
    uint64_t hops; /* the message's payload */
};

struct pl_node {
    uint64_t received;
    uint64_t hops_max;
};

struct pl_rng {
    uint64_t s[4];
};

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(struct pl_rng *r) {
    uint64_t result = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;
    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

/* Uniform in [0, bound) by a 128-bit multiply (the bias is below 2^-40
 * for the bounds used here: this is a benchmark, not a sampler). */
__extension__ typedef unsigned __int128 pl_u128;
static uint64_t rng_below(struct pl_rng *r, uint64_t bound) {
    return (uint64_t)(((pl_u128)rng_next(r) * bound) >> 64);
}

struct pl_heap {
    struct pl_event *a; /* owned */
    size_t count, capacity;
    uint64_t next_seq;
};

static int before(const struct pl_event *x, const struct pl_event *y) {
    return x->at_ns < y->at_ns || (x->at_ns == y->at_ns && x->seq < y->seq);
}

static void heap_push(struct pl_heap *h, struct pl_event e) {
    if (h->count == h->capacity) {
        h->capacity = h->capacity ? h->capacity * 2 : 1024;
        h->a = realloc(h->a, h->capacity * sizeof *h->a);
        if (!h->a) {
            fprintf(stderr, "bench_plain_loop: out of memory\n");
            exit(2);
        }
    }
    e.seq = h->next_seq++;
    size_t i = h->count++;
    while (i > 0 && before(&e, &h->a[(i - 1) / 2])) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = e;
}

static struct pl_event heap_pop(struct pl_heap *h) {
    struct pl_event top = h->a[0], last = h->a[--h->count];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->count) break;
        if (c + 1 < h->count && before(&h->a[c + 1], &h->a[c])) c++;
        if (!before(&h->a[c], &last)) break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->count > 0) h->a[i] = last;
    return top;
}

static void send_random(struct pl_heap *h, struct pl_rng *r, int64_t now_ns, int32_t nodes,
                        int32_t from, uint64_t hops) {
    int32_t to = (int32_t)rng_below(r, (uint64_t)(nodes - 1));
    if (to >= from) to++;
    int64_t latency_ns = 1000000 + (int64_t)rng_below(r, 9000001); /* uniform [1ms, 10ms] */
    struct pl_event e = {.at_ns = now_ns + latency_ns, .to = to, .from = from, .hops = hops};
    heap_push(h, e);
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: bench_plain_loop NODES UNTIL_MS [INITIAL]\n");
        return 2;
    }
    int32_t nodes = (int32_t)strtol(argv[1], NULL, 10);
    int64_t until_ns = strtoll(argv[2], NULL, 10) * 1000000;
    int initial = argc == 4 ? (int)strtol(argv[3], NULL, 10) : 4;
    if (nodes < 2 || until_ns < 0 || initial < 0) {
        fprintf(stderr, "bench_plain_loop: NODES >= 2, UNTIL_MS >= 0, INITIAL >= 0\n");
        return 2;
    }
    struct pl_node *state = calloc((size_t)nodes, sizeof *state);
    struct pl_heap h;
    memset(&h, 0, sizeof h);
    struct pl_rng r = {{UINT64_C(0x9e3779b97f4a7c15), UINT64_C(0xbf58476d1ce4e5b9),
                        UINT64_C(0x94d049bb133111eb), 1}};
    if (!state) return 2;
    double start = dslab_host_clock_s(), cpu_start = bench_cpu_s();
    for (int32_t i = 0; i < nodes; i++) {
        for (int k = 0; k < initial; k++) send_random(&h, &r, 0, nodes, i, 0);
    }
    uint64_t delivered = 0, in_flight_max = h.count;
    while (h.count > 0 && h.a[0].at_ns <= until_ns) {
        struct pl_event e = heap_pop(&h);
        struct pl_node *n = &state[e.to];
        n->received++;
        if (e.hops + 1 > n->hops_max) n->hops_max = e.hops + 1;
        delivered++;
        send_random(&h, &r, e.at_ns, nodes, e.to, e.hops + 1);
        if (h.count > in_flight_max) in_flight_max = h.count;
    }
    double wall_s = dslab_host_clock_s() - start, cpu_s = bench_cpu_s() - cpu_start;
    uint64_t checksum = 0;
    for (int32_t i = 0; i < nodes; i++) checksum += state[i].received ^ state[i].hops_max;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%d\t%.2f\t%" PRIu64 "\t%.3f\t%.0f\t%.1f\t%" PRIu64 "\n", (int)nodes,
           (double)until_ns / 1e9, delivered, wall_s, (double)delivered / cpu_s,
           (double)ru.ru_maxrss / 1024.0, in_flight_max);
    free(state);
    free(h.a);
    return checksum == 0 && delivered > 0 ? 1 : 0;
}
