/* bench_plugin.c: what node code from a file costs over a built-in
 * protocol. Runs bench/gossip-pingpong.yaml with the built-in
 * gossip-pingpong and with SOURCE, its port as learner code (the build
 * generates it: BUILD/labs_generated/tests/nodes/gossip.c, from
 * tests/nodes/make_gossip.py), compiled and loaded through dslab/node_code.h,
 * interleaved (A B, B A, ...) in one process, ROUNDS times each, and
 * prints the median CPU time of each (CPU, not wall: the
 * machine may be shared) and their ratio (plugin / built-in)
 * as TSV. Both runs must deliver the same number of messages (the same
 * behaviour), else it exits 1.
 *   bench_plugin ROOT NODES UNTIL_MS ROUNDS SOURCE
 * Run through bench/run_plugin.sh (`make bench`). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dslab/node_code.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"

#define ROUNDS_MAX 99

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One run; returns its CPU seconds, *delivered set; < 0 on error. */
static double run_once(const struct dslab_scenario *s, int64_t until_ns, uint64_t *delivered) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create(s, s->seed, &d);
    if (!sim) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", d.file, d.line, d.col, d.message);
        return -1;
    }
    double start = now_s();
    enum dslab_sim_status st = dslab_sim_run(sim, until_ns, 0);
    double wall = now_s() - start;
    *delivered = dslab_sim_get_stats(sim)->messages_delivered;
    dslab_sim_destroy(sim);
    return st == DSLAB_SIM_OK ? wall : -1;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: bench_plugin ROOT NODES UNTIL_MS ROUNDS SOURCE\n");
        return 2;
    }
    const char *root = argv[1];
    int rounds = atoi(argv[4]);
    if (rounds < 1 || rounds > ROUNDS_MAX) {
        fprintf(stderr, "bench_plugin: ROUNDS is 1..%d\n", ROUNDS_MAX);
        return 2;
    }
    char path[1024], include_dir[1024], source[400];
    snprintf(path, sizeof path, "%s/bench/gossip-pingpong.yaml", root);
    snprintf(include_dir, sizeof include_dir, "%s/sim/include", root);
    snprintf(source, sizeof source, "%s", argv[5]);
    struct dslab_node_code_options o = {.include_dir = include_dir, .messages = stderr};
    struct dslab_scenario_override set = {"nodes", argv[2]};
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *builtin = NULL, *plugin = NULL;
    if (dslab_node_code_enable(&o, &d) != 0 || !(builtin = dslab_scenario_load(path, &set, 1, NULL, &d)) ||
        !(plugin = dslab_scenario_load(path, &set, 1, NULL, &d))) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", d.file, d.line, d.col, d.message);
        return 2;
    }
    plugin->protocol.origin = DSLAB_PROTOCOL_SOURCE;
    snprintf(plugin->protocol.code_path, sizeof plugin->protocol.code_path, "%s", source);
    int64_t until_ns = strtoll(argv[3], NULL, 10) * DSLAB_NS_PER_MS;
    double t_builtin[ROUNDS_MAX], t_plugin[ROUNDS_MAX];
    uint64_t n_builtin = 0, n_plugin = 0;
    int rc = 0;
    uint64_t warm;
    if (run_once(plugin, DSLAB_NS_PER_MS, &warm) < 0) rc = 2; /* compiles once, outside the timing */
    for (int r = 0; r < rounds && rc == 0; r++) {
        /* Alternate which goes first, so neither always runs on a warmer cache. */
        for (int k = 0; k < 2 && rc == 0; k++) {
            bool plugin_turn = (r + k) % 2 == 1;
            uint64_t n = 0;
            double t = run_once(plugin_turn ? plugin : builtin, until_ns, &n);
            if (t < 0) rc = 2;
            if (plugin_turn) { t_plugin[r] = t; n_plugin = n; }
            else { t_builtin[r] = t; n_builtin = n; }
        }
    }
    if (rc == 0 && n_builtin != n_plugin) {
        fprintf(stderr, "bench_plugin: the plugin delivered %" PRIu64 " messages, the built-in %" PRIu64 "\n",
                n_plugin, n_builtin);
        rc = 1;
    }
    if (rc == 0) {
        qsort(t_builtin, (size_t)rounds, sizeof t_builtin[0], cmp_double);
        qsort(t_plugin, (size_t)rounds, sizeof t_plugin[0], cmp_double);
        double mb = t_builtin[rounds / 2], mp = t_plugin[rounds / 2];
        printf("%s\t%d\t%" PRIu64 "\t%.3f\t%.3f\t%.3f\n", argv[2], rounds, n_builtin, mb, mp, mp / mb);
    }
    dslab_scenario_free(builtin);
    dslab_scenario_free(plugin);
    return rc;
}
