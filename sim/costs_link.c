/* costs_link.c: the link model of `costs.links` (docs/ASSUMPTIONS.md, "Time
 * costs"): every directed link from -> to of a node with the model on is one
 * transmitter of the node's bandwidth. A message occupies it for its
 * serialisation time, wire_bytes * 8 / bandwidth (rounded up to a whole ns),
 * starting when it departs (after any sync hold) or when the message before
 * it on that link has been sent, whichever is later: a FIFO per directed
 * link, so a big message delays every message behind it (head-of-line
 * blocking). The propagation latency of `network` is added after the last
 * bit has left. Nothing is drawn: the model is a pure function of sizes and
 * send times, so it moves no random stream.
 *
 * The transmitters' busy-until times live in an open-addressing table keyed
 * by from*N+to (lookups only: its order never reaches behaviour) that
 * forgets links idle by now, so it holds the links with a queue, not every
 * pair that ever talked. Owned by struct dslab_sim (freed by costs_link_free). */
#include <stdlib.h>

#include "dslab/time.h"
#include "sim_internal.h"

__extension__ typedef unsigned __int128 u128;

static uint64_t mix(uint64_t x) { /* splitmix64's finaliser */
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

int64_t costs_link_serialise_ns(uint64_t wire_bytes, int64_t bandwidth_bps) {
    if (wire_bytes == 0 || bandwidth_bps <= 0) return 0;
    u128 bit_ns = (u128)wire_bytes * 8u * 1000000000u;
    u128 ns = (bit_ns + (u128)bandwidth_bps - 1) / (u128)bandwidth_bps;
    return ns > (u128)INT64_MAX ? INT64_MAX : (int64_t)ns;
}

/* Rehash into a table large enough, keeping only links still busy after now. */
static int tx_grow(struct dslab_sim *sim) {
    uint32_t live = 0;
    for (uint32_t i = 0; i < sim->link_tx_capacity; i++) {
        live += sim->link_tx[i].key_plus_one && sim->link_tx[i].free_ns > sim->now_ns;
    }
    uint32_t capacity = sim->link_tx_capacity ? sim->link_tx_capacity : 256;
    while ((live + 1) * 2 > capacity) capacity *= 2;
    if (capacity == sim->link_tx_capacity && live * 4 > capacity) capacity *= 2;
    struct link_tx *table = calloc(capacity, sizeof *table);
    if (!table) return -1;
    sim->link_tx_count = 0;
    for (uint32_t i = 0; i < sim->link_tx_capacity; i++) {
        const struct link_tx *e = &sim->link_tx[i];
        if (!e->key_plus_one || e->free_ns <= sim->now_ns) continue;
        sim->link_tx_count++;
        uint32_t j = (uint32_t)mix(e->key_plus_one) & (capacity - 1);
        while (table[j].key_plus_one) j = (j + 1) & (capacity - 1);
        table[j] = *e;
    }
    free(sim->link_tx);
    sim->link_tx = table;
    sim->link_tx_capacity = capacity;
    return 0;
}

int64_t costs_link_depart(struct dslab_sim *sim, int32_t from, int32_t to, uint64_t msg_id,
                          int64_t depart_ns, uint64_t wire_bytes) {
    if ((sim->link_tx_count + 1) * 2 > sim->link_tx_capacity && tx_grow(sim) != 0) {
        sim_fail(sim, "out of memory for link transmitter state (costs.links)");
        return -1;
    }
    uint64_t key = (uint64_t)from * (uint64_t)sim->nodes_count + (uint64_t)to + 1;
    uint32_t mask = sim->link_tx_capacity - 1;
    uint32_t j = (uint32_t)mix(key) & mask;
    while (sim->link_tx[j].key_plus_one && sim->link_tx[j].key_plus_one != key) j = (j + 1) & mask;
    struct link_tx *e = &sim->link_tx[j];
    if (!e->key_plus_one) {
        e->key_plus_one = key;
        e->free_ns = 0;
        sim->link_tx_count++;
    }
    int64_t start_ns = e->free_ns > depart_ns ? e->free_ns : depart_ns;
    int64_t bw = sim->nodes[from].costs->link_bandwidth_bps;
    int64_t done_ns = dslab_time_add_sat(start_ns, costs_link_serialise_ns(wire_bytes, bw));
    e->free_ns = done_ns;
    if (sim_tracing(sim) && done_ns > sim->now_ns) {
        struct dslab_trace_event ev = {.kind = DSLAB_TRACE_COST, .node = from, .peer = to, .msg_id = msg_id,
                                 .a = done_ns - sim->now_ns, .b = done_ns, .tag = "wire"};
        sim_emit(sim, &ev);
    }
    return done_ns;
}

void costs_link_free(struct dslab_sim *sim) {
    free(sim->link_tx);
    sim->link_tx = NULL;
    sim->link_tx_capacity = sim->link_tx_count = 0;
}
