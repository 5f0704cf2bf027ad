/* fuzz_merge.c: libFuzzer target for `dslab explore --merge`'s reader.
 *
 * The input goes through xr_merge_buffer(), the same path as the command
 * minus the file read: Jansson's parser under its memory bound, the
 * validation of every field (including loading the reproducer's YAML as a
 * scenario) and the merge. A NUL byte (never valid in JSON text) splits
 * the input in two results files: the first is read, the second merged
 * into it, so the cross-file checks (same exploration, no shard twice,
 * merged seeds in order) meet fuzzed input too. Nothing is written: the
 * reproducers are files only in the command. Every rejection must carry
 * a message, and merged results must keep their invariants. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore_results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a validated merge guarantees (else a bug: trap). */
static void check_invariants(const struct dslab_xr *x) {
    if (x->shard_count < 1 || x->shard_count > DSLAB_XR_SHARDS_MAX || x->checks_count > DSLAB_EXPLORE_CHECKS_MAX) __builtin_trap();
    for (int c = 0; c < x->checks_count; c++) {
        const struct dslab_xr_check *k = &x->checks[c];
        char file[128];
        if (xr_repro_file_name(k, file, sizeof file) < 0 || strchr(file, '/')) __builtin_trap();
        if (k->fails_count != k->failing) __builtin_trap();
        for (uint64_t i = 1; i < k->fails_count; i++) {
            if (k->fails[i].seed <= k->fails[i - 1].seed) __builtin_trap();
        }
        if (k->repro.present && (!k->repro.yaml || k->repro.seed != k->fails[0].seed)) __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    const char *nul = memchr(text, 0, size);
    size_t first_len = nul ? (size_t)(nul - text) : size;
    struct dslab_xr *x = calloc(1, sizeof *x);
    if (!x) return 0;
    char err[1600];
    if (xr_merge_buffer(x, text, first_len, true, "fuzz-1.json", err, (int)sizeof err) != 0) {
        if (err[0] == '\0') __builtin_trap(); /* an error must say what */
    } else {
        check_invariants(x);
        if (nul) {
            const char *second = nul + 1;
            size_t second_len = size - first_len - 1;
            if (xr_merge_buffer(x, second, second_len, false, "fuzz-2.json", err, (int)sizeof err) != 0) {
                if (err[0] == '\0') __builtin_trap();
            }
            check_invariants(x);
        }
    }
    dslab_xr_free(x);
    free(x);
    return 0;
}
