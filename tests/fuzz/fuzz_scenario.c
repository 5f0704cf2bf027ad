/* fuzz_scenario.c: libFuzzer target for the scenario loader.
 *
 * Any byte string is given to scenario_load_buffer(), which must either
 * return a scenario or a diagnostic with a message, never crash, leak or
 * read out of bounds (ASan+UBSan). A loaded scenario that is small enough
 * is also simulated for a short while, because the loader's promise is
 * that whatever it accepts the simulator can run: that covers the fault
 * schedule, partitions, clocks and workload on hostile but valid values.
 * The size bounds below keep one input under a few milliseconds; bigger
 * scenarios are the loader's limits' business, not the simulator's. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dslab/scenario.h"
#include "dslab/sim.h"

/* Simulate only scenarios this small (nodes, clients) ... */
#define FUZZ_SIM_NODES_MAX 16
#define FUZZ_SIM_CLIENTS_MAX 16
/* ... for at most this long in simulated time and this many events. */
#define FUZZ_SIM_NS_MAX (INT64_C(500) * 1000 * 1000)
#define FUZZ_SIM_EVENTS_MAX 20000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_simulate(const struct scenario *s) {
    if (s->nodes_count > FUZZ_SIM_NODES_MAX || s->workload.clients_count > FUZZ_SIM_CLIENTS_MAX) {
        return;
    }
    struct diag d;
    diag_clear(&d);
    struct sim *sim = sim_create(s, s->seed, &d);
    if (!sim) {
        if (d.message[0] == '\0') __builtin_trap(); /* an error must say what */
        return;
    }
    int64_t until_ns = s->duration_ns < FUZZ_SIM_NS_MAX ? s->duration_ns : FUZZ_SIM_NS_MAX;
    sim_run(sim, until_ns, FUZZ_SIM_EVENTS_MAX);
    sim_finish(sim);
    sim_destroy(sim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct diag d;
    diag_clear(&d);
    struct scenario *s = scenario_load_buffer((const char *)data, size, "fuzz.yaml", NULL, 0,
                                              NULL, &d);
    if (!s) {
        /* A rejected input gets a message and a position inside the file
         * (or none: 0 means "the whole file"). */
        if (d.message[0] == '\0' || d.line < 0 || d.col < 0) __builtin_trap();
        return 0;
    }
    fuzz_simulate(s);
    scenario_free(s);
    return 0;
}
