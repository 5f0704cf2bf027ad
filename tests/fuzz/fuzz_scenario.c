/* fuzz_scenario.c: libFuzzer target for the scenario loader.
 *
 * Any byte string is given to dslab_scenario_load_buffer(), which must either
 * return a scenario or a diagnostic with a message, never crash, leak or
 * read out of bounds (ASan+UBSan). A loaded scenario that is small enough
 * is also simulated for a short while, because the loader's promise is
 * that whatever it accepts the simulator can run: that covers the fault
 * schedule, partitions, clocks and workload on hostile but valid values.
 * The size bounds below keep one input under a few milliseconds; bigger
 * scenarios are the loader's limits' business, not the simulator's.
 * Lines "#set PATH=VALUE" (YAML comments, so seeds stay valid) become
 * --set overrides, so the override parser is fuzzed with the file. */
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

static void fuzz_simulate(const struct dslab_scenario *s) {
    if (s->nodes_count > FUZZ_SIM_NODES_MAX || s->workload.clients_count > FUZZ_SIM_CLIENTS_MAX) {
        return;
    }
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create(s, s->seed, &d);
    if (!sim) {
        if (d.message[0] == '\0') __builtin_trap(); /* an error must say what */
        return;
    }
    int64_t until_ns = s->duration_ns < FUZZ_SIM_NS_MAX ? s->duration_ns : FUZZ_SIM_NS_MAX;
    dslab_sim_run(sim, until_ns, FUZZ_SIM_EVENTS_MAX);
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
}

/* Overrides per input, and the bytes of their text. */
#define FUZZ_OVERRIDES_MAX 4
#define FUZZ_OVERRIDE_BYTES 256

/* Copies "#set PATH=VALUE" lines of the input into `texts` and points the
 * overrides at them. Returns how many. */
static int fuzz_overrides(const uint8_t *data, size_t size,
                          char texts[FUZZ_OVERRIDES_MAX][FUZZ_OVERRIDE_BYTES],
                          struct dslab_scenario_override *ov) {
    int count = 0;
    for (size_t i = 0; i + 5 <= size && count < FUZZ_OVERRIDES_MAX; i++) {
        if ((i > 0 && data[i - 1] != '\n') || memcmp(data + i, "#set ", 5) != 0) continue;
        size_t start = i + 5, end = start;
        while (end < size && data[end] != '\n' && end - start < FUZZ_OVERRIDE_BYTES - 1) end++;
        char *t = texts[count];
        memcpy(t, data + start, end - start);
        t[end - start] = '\0';
        char *eq = strchr(t, '=');
        if (!eq) continue;
        *eq = '\0';
        ov[count].path = t;
        ov[count].value = eq + 1;
        count++;
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char texts[FUZZ_OVERRIDES_MAX][FUZZ_OVERRIDE_BYTES];
    struct dslab_scenario_override ov[FUZZ_OVERRIDES_MAX];
    int ov_count = fuzz_overrides(data, size, texts, ov);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *s = dslab_scenario_load_buffer((const char *)data, size, "fuzz.yaml", ov, ov_count,
                                              NULL, &d);
    if (!s) {
        /* A rejected input gets a message and a position inside the file
         * (or none: 0 means "the whole file"). */
        if (d.message[0] == '\0' || d.line < 0 || d.col < 0) __builtin_trap();
        return 0;
    }
    fuzz_simulate(s);
    dslab_scenario_free(s);
    return 0;
}
