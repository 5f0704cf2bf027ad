/* bench_gossip.c: deliveries per CPU second and peak memory of the
 * gossip-pingpong workload (bench/gossip-pingpong.yaml) for one N.
 *   bench_gossip SCENARIO NODES UNTIL_MS [INITIAL]
 * INITIAL (messages each node starts with, default the scenario's) sets
 * how many messages are in flight: N * INITIAL.
 * Prints one TSV line: nodes, simulated_s, deliveries, wall_s,
 * deliveries_per_s (per CPU second, bench_cpu.h), peak_rss_mb,
 * in_flight_max. One N per process, so peak
 * RSS belongs to that N alone. Run through bench/run.sh (`make bench`). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "bench_cpu.h"
#include "dslab/host_clock.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"


int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: bench_gossip SCENARIO NODES UNTIL_MS [INITIAL]\n");
        return 2;
    }
    struct dslab_scenario_override set[2] = {{"nodes", argv[2]}, {"protocol.initial", argc == 5 ? argv[4] : ""}};
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *s = dslab_scenario_load(argv[1], set, argc == 5 ? 2 : 1, NULL, &d);
    if (!s) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", d.file, d.line, d.col, d.message);
        return 2;
    }
    int64_t until_ns = strtoll(argv[3], NULL, 10) * DSLAB_NS_PER_MS;
    struct dslab_sim *sim = dslab_sim_create(s, s->seed, &d);
    if (!sim) {
        fprintf(stderr, "error: %s\n", d.message);
        return 2;
    }
    double start = dslab_host_clock_s(), cpu_start = bench_cpu_s();
    enum dslab_sim_status st = dslab_sim_run(sim, until_ns, 0);
    double wall_s = dslab_host_clock_s() - start, cpu_s = bench_cpu_s() - cpu_start;
    const struct dslab_sim_stats *stats = dslab_sim_get_stats(sim);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%d\t%.2f\t%" PRIu64 "\t%.3f\t%.0f\t%.1f\t%" PRIu64 "\n", (int)s->nodes_count,
           (double)until_ns / 1e9, stats->messages_delivered, wall_s,
           (double)stats->messages_delivered / cpu_s, (double)ru.ru_maxrss / 1024.0,
           stats->in_flight_max);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    return st == DSLAB_SIM_OK ? 0 : 1;
}
