/* test_oom_parsers.c: out-of-memory injection for the parsers that have no
 * allocator hooks: the history parsers and checker behind `dslab
 * check-history` (dslab_lincheck_buffer) and the answers loader.
 *
 * The scenario loader takes allocator hooks (test_scenario.c); these
 * parsers call malloc directly, so this test is linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free
 * (tests/CMakeLists.txt): every call from our code goes through the
 * wrappers below, which count live blocks and fail the Nth allocation.
 * For every N until the load succeeds, a failed load must return an error
 * with a message and leave no block allocated. (libyaml's own allocations
 * are in a shared library and are not wrapped.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/lincheck.h"
#include "grader.h"
#include "harness.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);

/* The injector: armed, it counts allocations and fails number fail_at. */
static struct {
    int armed;
    long calls;
    long fail_at; /* 1-based; 0 = never */
    long live;    /* blocks allocated and not freed while armed */
    int failed;   /* an allocation was failed */
} oom;

static int oom_should_fail(void) {
    if (!oom.armed) return 0;
    oom.calls++;
    if (oom.fail_at && oom.calls == oom.fail_at) {
        oom.failed = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t size) {
    if (oom_should_fail()) return NULL;
    void *p = __real_malloc(size);
    if (p && oom.armed) oom.live++;
    return p;
}

void *__wrap_calloc(size_t n, size_t size) {
    if (oom_should_fail()) return NULL;
    void *p = __real_calloc(n, size);
    if (p && oom.armed) oom.live++;
    return p;
}

void *__wrap_realloc(void *ptr, size_t size) {
    if (oom_should_fail()) return NULL;
    void *p = __real_realloc(ptr, size);
    if (p && !ptr && oom.armed) oom.live++;
    return p;
}

void __wrap_free(void *ptr) {
    if (ptr && oom.armed) oom.live--;
    __real_free(ptr);
}

static void oom_arm(long fail_at) {
    memset(&oom, 0, sizeof oom);
    oom.fail_at = fail_at;
    oom.armed = 1;
}

static void oom_disarm(void) { oom.armed = 0; }

/* ---- check-history ------------------------------------------------------ */

static const char edn_history[] =
    "[{:process 0, :type :invoke, :f :write, :value 1}\n"
    " {:process 1, :type :invoke, :f :read, :value nil}\n"
    " {:process 0, :type :ok, :f :write, :value 1}\n"
    " {:process 1, :type :ok, :f :read, :value 1}\n"
    " {:process 2, :type :invoke, :f :cas, :value [1 2]}\n"
    " {:process 2, :type :info, :f :cas, :value [1 2]}\n"
    " {:process 0, :type :invoke, :f :read, :value nil}\n"
    " {:process 0, :type :ok, :f :read, :value 2}]\n";

static const char kv_history[] =
    "{:process 0, :type :invoke, :f :put, :key \"a\", :value \"x\"}\n"
    "{:process 1, :type :invoke, :f :get, :key \"a\", :value nil}\n"
    "{:process 0, :type :ok, :f :put, :key \"a\", :value \"x\"}\n"
    "{:process 1, :type :ok, :f :get, :key \"a\", :value \"x\"}\n"
    "{:process 2, :type :invoke, :f :append, :key \"b\", :value \"y\"}\n"
    "{:process 2, :type :ok, :f :append, :key \"b\", :value \"y\"}\n";

static const char txn_history[] =
    "[{:type :invoke, :f :txn, :value [[:write :x 1] [:write :y 2]], :process 0}\n"
    " {:type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]], :process 1}\n"
    " {:type :ok, :f :txn, :value [[:write :x 1] [:write :y 2]], :process 0}\n"
    " {:type :ok, :f :txn, :value [[:read :x 1] [:read :y 2]], :process 1}]\n";

static const char jepsen_log[] =
    "INFO  jepsen.util - 3\t:invoke\t:write\t4\n"
    "INFO  jepsen.util - 3\t:ok\t:write\t4\n"
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:ok\t:read\t4\n"
    "INFO  jepsen.util - 2\t:invoke\t:cas\t[4 5]\n"
    "INFO  jepsen.util - 2\t:fail\t:cas\t[4 5]\n";

/* Fails every allocation of dslab_lincheck_buffer in turn. Returns how many
 * allocations a successful check needed. */
static long every_failed_allocation(const char *text, enum dslab_lincheck_model model) {
    struct dslab_lincheck_options opt = {.model = model, .initial = NULL, .states_max = 10000};
    struct dslab_lincheck_result r;
    struct dslab_diag d;
    for (long n = 1; n < 100000; n++) {
        dslab_diag_clear(&d);
        oom_arm(n);
        int rc = dslab_lincheck_buffer(text, strlen(text), "h.edn", &opt, &r, &d);
        oom_disarm();
        if (!oom.failed) {
            if (rc != 0) fail_msg("no allocation failed but the check did: %s", d.message);
            if (oom.live != 0) fail_msg("%ld blocks left after a successful check", oom.live);
            return n - 1;
        }
        if (oom.live != 0) fail_msg("allocation %ld failed: %ld blocks leaked", n, oom.live);
        /* Either the failure was reported, or the search survived it by
         * giving up on a cache (the verdict is then still a verdict). */
        if (rc != 0 && d.message[0] == '\0') fail_msg("allocation %ld failed with no message", n);
        if (rc != 0 && !strstr(d.message, "out of memory")) {
            fail_msg("allocation %ld failed: '%s' does not say 'out of memory'", n, d.message);
        }
    }
    fail_msg("the check never succeeded");
    return -1;
}

static void test_history_parsers_survive_every_failed_allocation(void **state) {
    (void)state;
    long edn = every_failed_allocation(edn_history, DSLAB_LINCHECK_MODEL_CAS_REGISTER);
    long kv = every_failed_allocation(kv_history, DSLAB_LINCHECK_MODEL_KV);
    long log = every_failed_allocation(jepsen_log, DSLAB_LINCHECK_MODEL_CAS_REGISTER);
    long txn = every_failed_allocation(txn_history, DSLAB_LINCHECK_MODEL_KV);
    print_message("allocations failed in turn: EDN %ld, kv %ld, Jepsen log %ld, txn %ld\n", edn,
                  kv, log, txn);
    assert_true(edn > 3 && kv > 3 && log > 3 && txn > 3); /* the injector really saw them */
}

/* ---- answers ------------------------------------------------------------ */

static const char answers_text[] =
    "exercise: primary-backup-split-brain\n"
    "learner: ada\n"
    "answers:\n"
    "  what-failed: { mode: split brain, from: 2.3s, to: 6.0s, nodes: [n1, n2] }\n"
    "  trade-off: availability over consistency\n"
    "  fix: { protocol.fencing: true }\n"
    "  why: \"n1 kept accepting writes: nothing told it that it had lost its majority\"\n";

static void test_answers_loader_survives_every_failed_allocation(void **state) {
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/exercises/replication/primary-backup-split-brain.yaml",
             DSLAB_SOURCE_DIR);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct exercise *e = grader_exercise_load(path, DSLAB_SOURCE_DIR, NULL, &d);
    if (!e) fail_msg("%s: %s (a file of the source tree)", path, d.message);
    long needed = -1;
    for (long n = 1; n < 100000 && needed < 0; n++) {
        dslab_diag_clear(&d);
        oom_arm(n);
        struct answers *a = grader_answers_load_buffer(answers_text, strlen(answers_text), "a.yaml", e, &d);
        grader_answers_free(a);
        oom_disarm();
        if (!oom.failed) {
            if (!a) fail_msg("no allocation failed but the load did: %s", d.message);
            needed = n - 1;
        } else if (a) {
            fail_msg("allocation %ld failed but the load succeeded", n);
        } else if (!strstr(d.message, "out of memory")) {
            fail_msg("allocation %ld: '%s'", n, d.message);
        }
        if (oom.live != 0) fail_msg("allocation %ld: %ld blocks leaked", n, oom.live);
    }
    print_message("answers: %ld allocations failed in turn\n", needed);
    assert_true(needed >= 2); /* the answers struct and the YAML tree's arena */
    grader_exercise_free(e);
}

H_MAIN(cmocka_unit_test(test_history_parsers_survive_every_failed_allocation),
       cmocka_unit_test(test_answers_loader_survives_every_failed_allocation))
