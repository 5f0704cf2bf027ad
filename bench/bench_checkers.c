/* bench_checkers.c: every built-in checker on one generated run of
 * OPS client operations (default 1,000,000), to show each is at most
 * n log n in the history (issue 15). A benchmark, never a timed test.
 *
 *   bench_checkers [OPS...]      e.g. bench_checkers 100000 1000000
 *
 * The run is synthetic and deterministic (a fixed xorshift seed): 8 nodes,
 * 64 closed-loop clients (one operation each every 10 ms, so at most one
 * outstanding per client), 4,096 keys of an atomic register (50% reads,
 * 40% writes, 10% cas; 96% ok, 2% fail, 2% info), so the history is
 * linearizable and nothing is stale. Beside the client records (one
 * DSLAB_TRACE_CLIENT event each) run four families of annotations, each one
 * round per four operations, spread over the same time: a new leader (role
 * reports: a leader, and the old leader's follower report), a two-phase
 * commit (votes and decisions of three nodes), a lease (granted, acquired,
 * accepted by the storage, released), and a crash of n7 with the others'
 * suspicions, its restart and their "alive". At the end every node
 * reports its final state: each key's value, and each written value as a
 * key of its own (what the broadcast checker reads). The events are made
 * on the fly, in time order, from the stored history.
 *
 * Output (stdout, TSV), per OPS: the reference (the same event stream into
 * a sink that only reads it, plus one pass over the history), then per
 * checker its CPU seconds (bench_cpu.h), verdict, and summary. With two
 * or more OPS a last column gives the time ratio to the first size: about
 * OPS2/OPS1 (times a log) for an n log n checker, its square for a
 * quadratic one. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_cpu.h"
#include "dslab/check.h"
#include "dslab/time.h"

#define BC_NODES 8
#define BC_CLIENTS 64
#define BC_KEYS 4096
#define BC_PERIOD_NS (10 * DSLAB_NS_PER_MS)
#define BC_VALUE_BASE INT64_C(1000000000) /* written values: never a key below BC_KEYS */
#define BC_FD_NODE 6                      /* n7: crashed and restarted by the fd family */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint64_t rng_next(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static int by_time(const void *pa, const void *pb) {
    const struct dslab_history_op *a = pa, *b = pb;
    if (a->time_ns != b->time_ns) return a->time_ns < b->time_ns ? -1 : 1;
    return a->op_id < b->op_id ? -1 : (a->op_id > b->op_id);
}

/* The history of `ops` operations, in time order; final register in regs. */
static void make_history(size_t ops, struct dslab_history *h, int64_t *regs) {
    rng_state = 0x2545F4914F6CDD1Dull;
    for (int k = 0; k < BC_KEYS; k++) regs[k] = DSLAB_HISTORY_NIL;
    h->ops = malloc(2 * ops * sizeof *h->ops);
    if (!h->ops) {
        fprintf(stderr, "bench_checkers: out of memory\n");
        exit(2);
    }
    h->count = 0;
    h->capacity = 2 * ops;
    /* Operation k: client k % CLIENTS, its (k / CLIENTS)-th. Invoked in
     * order of k (offsets grow with the client), so applying each at its
     * invoke is a linearization. */
    for (size_t k = 0; k < ops; k++) {
        int32_t c = (int32_t)(k % BC_CLIENTS);
        int64_t t0 = (int64_t)(k / BC_CLIENTS) * BC_PERIOD_NS + c * 100 * DSLAB_NS_PER_US;
        int64_t t1 = t0 + DSLAB_NS_PER_MS + (int64_t)(rng_next() % (2 * DSLAB_NS_PER_MS));
        int64_t key = (int64_t)(rng_next() % BC_KEYS);
        uint64_t r = rng_next() % 100, o = rng_next() % 100;
        enum dslab_op_type type = o < 96 ? DSLAB_OP_OK : o < 98 ? DSLAB_OP_FAIL : DSLAB_OP_INFO;
        struct dslab_history_op in = {.op_id = k + 1, .type = DSLAB_OP_INVOKE, .client = c,
                                      .node = (int32_t)(k % BC_NODES), .key = key,
                                      .value = DSLAB_HISTORY_NIL, .expected = DSLAB_HISTORY_NIL,
                                      .time_ns = t0};
        struct dslab_history_op out = in;
        out.type = type;
        out.time_ns = t1;
        if (r < 50) {
            in.fn = out.fn = DSLAB_OP_READ;
            if (type == DSLAB_OP_OK) out.value = regs[key];
        } else if (r < 90) {
            in.fn = out.fn = DSLAB_OP_WRITE;
            in.value = out.value = BC_VALUE_BASE + (int64_t)k;
            if (type != DSLAB_OP_FAIL) regs[key] = in.value;
        } else {
            in.fn = out.fn = DSLAB_OP_CAS;
            in.value = out.value = BC_VALUE_BASE + (int64_t)k;
            bool match = rng_next() % 2 == 0;
            in.expected = out.expected = match ? regs[key] : BC_VALUE_BASE - 1;
            if (!match && type == DSLAB_OP_OK) out.type = DSLAB_OP_FAIL;
            if (match && out.type != DSLAB_OP_FAIL) regs[key] = in.value;
        }
        h->ops[h->count++] = in;
        h->ops[h->count++] = out;
    }
    qsort(h->ops, h->count, sizeof *h->ops, by_time);
}

/* ---- the event stream --------------------------------------------------------- */

enum { FAM_ROLE, FAM_TXN, FAM_LOCK, FAM_FD, FAM_COUNT };
static const int fam_steps[FAM_COUNT] = {2, 6, 5, 2 * (BC_NODES - 1) + 2};

struct stream {
    const struct dslab_history *h;
    const int64_t *regs;
    size_t rounds;       /* per family */
    int64_t round_ns;    /* spacing of a family's rounds */
    size_t hist_at;
    size_t fam_round[FAM_COUNT];
    int fam_step[FAM_COUNT];
    uint64_t next_id;
    char text[64];
};

/* The time of family f's next event (INT64_MAX when done). */
static int64_t fam_time(const struct stream *s, int f) {
    if (s->fam_round[f] >= s->rounds) return INT64_MAX;
    return (int64_t)s->fam_round[f] * s->round_ns + (int64_t)f * 7 * DSLAB_NS_PER_US +
           s->fam_step[f] * (s->round_ns / 64);
}

/* Fills ev with family f's next event and advances it. */
static void fam_event(struct stream *s, int f, struct dslab_trace_event *ev) {
    size_t r = s->fam_round[f];
    int step = s->fam_step[f];
    ev->t_ns = fam_time(s, f);
    ev->kind = DSLAB_TRACE_ANNOTATE;
    ev->a = (int64_t)r + 1;
    switch (f) {
    case FAM_ROLE: /* step 0: the old leader follows; step 1: the new one leads */
        ev->annotation = DSLAB_ANNOTATION_ROLE;
        ev->tag = "role";
        ev->node = (int32_t)((r + (step ? 1 : 0)) % BC_NODES);
        ev->role = step ? DSLAB_ROLE_LEADER : DSLAB_ROLE_FOLLOWER;
        ev->text = step ? "leader" : "follower";
        ev->a = (int64_t)r + step;
        break;
    case FAM_TXN: { /* n1 coordinates, n2 and n3 vote; of every 16, one is aborted and
                       in one n3 never learns the decision */
        static const int32_t node[6] = {1, 2, 0, 0, 1, 2};
        bool abort = r % 16 == 15;
        static const char *const text[6] = {"vote-yes", "vote-yes", "commit", "commit", "commit", "commit"};
        ev->tag = "txn";
        ev->node = node[step];
        ev->text = step < 2 ? text[step] : abort ? "abort" : "commit";
        if (step == 3) ev->node = 0, ev->text = abort ? "abort" : "commit"; /* decided twice: idempotent */
        if (step == 5 && r % 16 == 7) ev->text = "in-doubt"; /* n3 never learns: blocked to the end */
        break;
    }
    case FAM_LOCK: { /* n1 grants, client n4 or n5 holds, n8 stores */
        int32_t client = 3 + (int32_t)(r % 2);
        switch (step) {
        case 0:
            snprintf(s->text, sizeof s->text, "granted %s for %" PRId64 "ns", client == 3 ? "n4" : "n5",
                     s->round_ns / 2);
            ev->node = 0, ev->tag = "lease", ev->text = s->text;
            break;
        case 1: ev->node = client, ev->tag = "lock", ev->text = "acquired"; break;
        case 2: ev->node = 7, ev->tag = "storage", ev->text = "accepted"; break;
        case 3: ev->node = client, ev->tag = "lock", ev->text = "released"; break;
        default: ev->node = 0, ev->tag = "lease", ev->text = "released"; break;
        }
        break;
    }
    default: { /* FAM_FD: n7 crashes, the others suspect it, it restarts, they trust it */
        int obs = BC_NODES - 1;
        ev->a = BC_FD_NODE;
        if (step == 0) {
            ev->kind = DSLAB_TRACE_CRASH, ev->node = BC_FD_NODE, ev->tag = NULL, ev->text = NULL;
        } else if (step <= obs) {
            int32_t i = step - 1;
            ev->node = i < BC_FD_NODE ? i : i + 1, ev->tag = "suspect", ev->text = "n7";
        } else if (step == obs + 1) {
            ev->kind = DSLAB_TRACE_RESTART, ev->node = BC_FD_NODE, ev->tag = NULL, ev->text = NULL, ev->a = 0;
        } else {
            int32_t i = step - obs - 2;
            ev->node = i < BC_FD_NODE ? i : i + 1, ev->tag = "alive", ev->text = "n7";
        }
        break;
    }
    }
    if (++s->fam_step[f] == fam_steps[f]) {
        s->fam_step[f] = 0;
        s->fam_round[f]++;
    }
}

/* The next event of the run before its end; false when only the final
 * states are left. */
static bool stream_next(struct stream *s, struct dslab_trace_event *ev) {
    memset(ev, 0, sizeof *ev);
    ev->peer = -1;
    ev->id = s->next_id++;
    int64_t best = s->hist_at < s->h->count ? s->h->ops[s->hist_at].time_ns : INT64_MAX;
    int who = -1;
    for (int f = 0; f < FAM_COUNT; f++) {
        int64_t t = fam_time(s, f);
        if (t < best) best = t, who = f;
    }
    if (best == INT64_MAX) return false;
    if (who >= 0) {
        fam_event(s, who, ev);
        return true;
    }
    const struct dslab_history_op *op = &s->h->ops[s->hist_at++];
    ev->t_ns = op->time_ns;
    ev->kind = DSLAB_TRACE_CLIENT;
    ev->node = op->node;
    ev->op = op;
    return true;
}

typedef void (*sink_fn)(void *user, const struct dslab_trace_event *ev);

/* Streams the whole run into sink; returns the end time. */
static int64_t run_stream(const struct dslab_history *h, const int64_t *regs, size_t ops, sink_fn sink,
                          void *user) {
    struct stream s = {.h = h, .regs = regs, .rounds = ops / 4};
    int64_t span_ns = h->count ? h->ops[h->count - 1].time_ns : 0;
    s.round_ns = s.rounds ? span_ns / (int64_t)s.rounds : 1;
    if (s.round_ns < 64) s.round_ns = 64;
    struct dslab_trace_event ev;
    int64_t t_ns = 0;
    while (stream_next(&s, &ev)) {
        /* The history's record is the event's; its trace id is the event's id. */
        if (ev.op) ((struct dslab_history_op *)ev.op)->trace_id = ev.id;
        t_ns = ev.t_ns;
        sink(user, &ev);
    }
    t_ns += 10 * DSLAB_NS_PER_S; /* quiet, so bounded checkers judge */
    for (int32_t n = 0; n < BC_NODES; n++) {
        struct dslab_trace_event fe = {.id = s.next_id++, .t_ns = t_ns, .kind = DSLAB_TRACE_ANNOTATE,
                                       .node = n, .peer = -1, .annotation = DSLAB_ANNOTATION_FINAL_STATE,
                                       .tag = "final-state", .a = BC_KEYS};
        sink(user, &fe);
        fe.annotation = DSLAB_ANNOTATION_FINAL_VALUE;
        fe.tag = "final";
        for (int64_t k = 0; k < BC_KEYS; k++) {
            if (regs[k] == DSLAB_HISTORY_NIL) continue;
            fe.id = s.next_id++, fe.b = k, fe.a = regs[k];
            sink(user, &fe);
        }
        for (size_t i = 0; i < h->count; i++) { /* broadcast: every message, key = value */
            const struct dslab_history_op *op = &h->ops[i];
            if (op->fn != DSLAB_OP_WRITE || op->type != DSLAB_OP_OK) continue;
            fe.id = s.next_id++, fe.b = op->value, fe.a = op->value;
            sink(user, &fe);
        }
    }
    return t_ns + DSLAB_NS_PER_S;
}

/* ---- the checkers ------------------------------------------------------------- */

static const struct {
    const char *name, *args;
} bc_args[] = {
    {"leader-available", "1s"},
    {"convergence", "1s"},
    {"broadcast", "1s"},
    {"atomic-commit", "1s"},
    {"slo", "99% of writes within 60ms"},
    {"fd-accuracy", "2s"},
    {"leader-stable", "1"},
    {"stale-reads", "0"},
};

static const char *args_of(const char *name) {
    for (size_t i = 0; i < sizeof bc_args / sizeof bc_args[0]; i++) {
        if (strcmp(bc_args[i].name, name) == 0) return bc_args[i].args;
    }
    return NULL;
}

struct reference {
    uint64_t sum;
};

static void reference_sink(void *user, const struct dslab_trace_event *ev) {
    struct reference *r = user;
    r->sum += (uint64_t)ev->t_ns ^ (uint64_t)ev->a ^ (uint64_t)ev->node;
}

static void checker_sink(void *user, const struct dslab_trace_event *ev) {
    void **pair = user;
    const struct dslab_checker *c = pair[0];
    if (c->on_event) c->on_event(pair[1], ev);
}

static const char *verdict_name(enum dslab_check_verdict v) {
    return v == DSLAB_CHECK_PASS ? "pass" : v == DSLAB_CHECK_FAIL ? "FAIL" : "unknown";
}

int main(int argc, char **argv) {
    size_t sizes[4] = {1000000};
    int n_sizes = 1;
    if (argc > 1) {
        n_sizes = 0;
        for (int i = 1; i < argc && n_sizes < 4; i++) {
            char *end;
            unsigned long long v = strtoull(argv[i], &end, 10);
            if (*end || v < 1000 || v > 10000000) {
                fprintf(stderr, "bench_checkers: OPS must be 1000..10000000, got '%s'\n", argv[i]);
                return 2;
            }
            sizes[n_sizes++] = (size_t)v;
        }
    }
    char names[BC_NODES][DSLAB_NAME_MAX];
    for (int i = 0; i < BC_NODES; i++) snprintf(names[i], sizeof names[i], "n%d", i + 1);
    struct dslab_scenario sc;
    memset(&sc, 0, sizeof sc);
    snprintf(sc.path, sizeof sc.path, "bench_checkers");
    sc.nodes_count = BC_NODES;
    sc.node_names = names;
    int count = dslab_checker_count();
    double *first = calloc((size_t)count + 1, sizeof *first);
    int64_t *regs = malloc(BC_KEYS * sizeof *regs);
    if (!first || !regs) return 2;
    printf("ops\tchecker\tcpu_s\tverdict\tratio_to_first_size\tsummary\n");
    for (int z = 0; z < n_sizes; z++) {
        struct dslab_history h;
        make_history(sizes[z], &h, regs);
        struct reference ref = {0};
        double t0 = bench_cpu_s();
        int64_t end_ns = run_stream(&h, regs, sizes[z], reference_sink, &ref);
        for (size_t i = 0; i < h.count; i++) ref.sum += (uint64_t)h.ops[i].value;
        double ref_s = bench_cpu_s() - t0;
        printf("%zu\t(reference: the event stream and one pass over the history)\t%.3f\t-\t", sizes[z], ref_s);
        if (z == 0) first[count] = ref_s, printf("-");
        else printf("%.1f", ref_s / first[count]);
        printf("\t%zu records, checksum %016" PRIx64 "\n", h.count, ref.sum);
        fflush(stdout);
        for (int i = 0; i < count; i++) {
            const struct dslab_checker *c = dslab_checker_at(i);
            struct dslab_scenario_check check;
            memset(&check, 0, sizeof check);
            snprintf(check.name, sizeof check.name, "%s", c->name);
            check.args = (char *)args_of(c->name);
            struct dslab_diag diag;
            dslab_diag_clear(&diag);
            void *state = NULL;
            t0 = bench_cpu_s();
            if (c->create(&sc, &check, &state, &diag) != 0) {
                printf("%zu\t%s\t-\trefused\t-\t%s\n", sizes[z], c->name, diag.message);
                continue;
            }
            void *pair[2] = {(void *)c, state};
            run_stream(&h, regs, sizes[z], checker_sink, pair);
            static struct dslab_check_result res;
            memset(&res, 0, sizeof res);
            snprintf(res.name, sizeof res.name, "%s", c->name);
            c->finish(state, &h, end_ns, &res);
            c->destroy(state);
            double s = bench_cpu_s() - t0;
            printf("%zu\t%s\t%.3f\t%s\t", sizes[z], c->name, s, verdict_name(res.verdict));
            if (z == 0) first[i] = s, printf("-");
            else printf("%.1f", first[i] > 0 ? s / first[i] : 0.0);
            printf("\t%s\n", res.summary);
            fflush(stdout);
        }
        free(h.ops);
    }
    free(first);
    free(regs);
    return 0;
}
