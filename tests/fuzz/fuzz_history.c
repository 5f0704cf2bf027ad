/* fuzz_history.c: libFuzzer target for `dslab check-history`'s parsers.
 *
 * The input goes through dslab_lincheck_buffer(), the same path as the command:
 * format detection, the Jepsen log / Knossos EDN / Porcupine kv parsers,
 * the model's value domain and a small linearizability search. A first
 * byte below 4 picks the model (the rest is the file), so every parser
 * meets every model's checks; otherwise the whole input is the file and the
 * model is the one its format usually has (kv when it names a :key, else
 * cas-register), so plain history files work as seeds. The search budget
 * is kept tiny: the target looks for crashes, leaks and undefined
 * behaviour, not verdicts. Every rejection must carry a message. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dslab/lincheck.h"

/* Cached states per key: enough to exercise the search, small enough that
 * one input takes milliseconds. */
#define FUZZ_STATES_MAX 2000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int names_a_key(const uint8_t *data, size_t size) {
    for (size_t i = 0; i + 4 <= size; i++) {
        if (memcmp(data + i, ":key", 4) == 0) return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const enum dslab_lincheck_model models[4] = {
        DSLAB_LINCHECK_MODEL_CAS_REGISTER, DSLAB_LINCHECK_MODEL_REGISTER, DSLAB_LINCHECK_MODEL_KV,
        DSLAB_LINCHECK_MODEL_MUTEX};
    struct dslab_lincheck_options opt = {
        .model = DSLAB_LINCHECK_MODEL_CAS_REGISTER,
        .initial = NULL,
        .states_max = FUZZ_STATES_MAX,
    };
    if (size > 0 && data[0] < 4) {
        opt.model = models[data[0]];
        data++;
        size--;
    } else if (names_a_key(data, size)) {
        opt.model = DSLAB_LINCHECK_MODEL_KV;
    }
    struct dslab_lincheck_result out;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_lincheck_buffer((const char *)data, size, "fuzz.history", &opt, &out, &d) != 0) {
        if (d.message[0] == '\0') __builtin_trap(); /* an error must say what */
    }
    return 0;
}
