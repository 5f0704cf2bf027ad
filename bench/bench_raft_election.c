/* bench_raft_election.c: the Raft paper's leader-election benchmark
 * (Ongaro & Ousterhout, extended paper Figure 16; Ongaro's thesis 9.3),
 * reproduced in the simulator.
 *
 *   bench_raft_election SCENARIO [--paper SUMMARY_TSV] [--threads N]
 *       [--trials N] [--cap 300s] [--seed S] [--range MIN-MAX[:TRIALS]]...
 *       [--set KEY=VALUE]... [--per-trial] [--trace FILE]
 *
 * One trial: load SCENARIO (scenarios/raft/election-benchmark.yaml) with
 * election_timeout_min/max set to the range and heartbeat = min/2 (as in
 * the paper), start a fresh 5-node cluster on a seed of its own, wait until
 * one leader's AppendEntries have reached every other node, wait for its
 * next heartbeat broadcast (the paper synchronised the heartbeats before
 * the crash), crash it at a uniformly random point of its heartbeat
 * interval (dslab_sim_inject), and measure the true time from the crash until
 * every surviving node has received an AppendEntries of the new leader's
 * term ("until the other servers received the new leader's first
 * heartbeat"). Trials that elect no leader within --cap of simulated time
 * are reported as capped.
 *
 * Output (stdout, TSV), one row per timeout range: range, trials, median_ms,
 * p90_ms, p99_ms, max_ms, capped, then the paper's numbers for the same
 * range from --paper (or "unavailable"). A quantile that falls on a capped
 * trial is printed as ">CAP". Quantiles as in the paper data: the median
 * is the mean of the two middle trials, p90/p99 are inverse-ECDF values.
 * Each trial's seed depends only on --seed, the range and the trial number,
 * and trials write to their own slot: results do not depend on --threads. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/host_clock.h"
#include "dslab/rng.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"

#define RANGES_MAX 32
#define SETS_MAX 16
#define SENT_SLOTS 256 /* AppendEntries in flight at once: 5 nodes send far fewer */

struct range_spec {
    int64_t min_ms;
    int64_t max_ms;
    int trials;
    char label[32];              /* "150-155ms", as in the paper's data */
    struct dslab_scenario *scenario;   /* owned; loaded with this range's overrides */
};

/* The paper's ranges (Figure 16: randomness panel, then scale panel; the
 * 150-300ms curve is in both and is run once). */
static const int64_t paper_ranges[][3] = {
    {150, 150, 100}, {150, 151, 1000}, {150, 155, 1000}, {150, 175, 1000}, {150, 200, 1000},
    {150, 300, 1000}, {12, 24, 1000},  {25, 50, 1000},   {50, 100, 1000},  {100, 200, 1000},
};

struct trial_result {
    int64_t downtime_ns; /* crash -> all survivors heard the new leader; cap if capped */
    int64_t elected_ns;  /* crash -> the new leader's "role leader"; -1 if none */
    int64_t terms;       /* new leader's term minus the crashed leader's */
    bool capped;
    bool failed;         /* no stable leader before the crash (a setup problem) */
};

struct job {
    int range_index;
    int trial;
};

struct bench {
    struct range_spec ranges[RANGES_MAX];
    int ranges_count;
    struct job *jobs;
    struct trial_result *results; /* one per job, same index */
    int jobs_count;
    atomic_int next_job;
    uint64_t seed;
    int64_t cap_ns;
    FILE *trace_out; /* --trace: JSON Lines of the first trial, or NULL */
};

/* --- watching the trace -------------------------------------------------- */

struct sent_append {
    uint64_t msg_id;
    int64_t term;
};

/* What the trace says about leaders. Only terms above after_term count. */
struct watch {
    uint64_t live_mask;
    int64_t after_term;
    int64_t term;          /* highest term whose AppendEntries were delivered */
    int32_t leader;        /* their sender */
    uint64_t heard_mask;   /* nodes that received one */
    int64_t settled_ns;    /* every live node heard `leader` in `term`; -1 = not yet */
    int64_t elected_ns;    /* first "role leader" of a term > after_term; -1 = not yet */
    int64_t elected_term;
    int64_t broadcast_ns;  /* last AppendEntries send by `leader` in `term` */
    struct sent_append sent[SENT_SLOTS];
};

/* Term of an AppendEntries from its raft label ("Heartbeat t3 c7",
 * "AppendEntries t3 [5..7] c4"), or -1 for any other message. */
static int64_t append_term(const char *label) {
    if (!label) {
        return -1;
    }
    const char *p = NULL;
    if (strncmp(label, "Heartbeat t", 11) == 0) {
        p = label + 11;
    } else if (strncmp(label, "AppendEntries t", 15) == 0) {
        p = label + 15;
    } else {
        return -1;
    }
    return strtoll(p, NULL, 10);
}

static void watch_reset(struct watch *w, int64_t after_term, uint64_t live_mask) {
    w->live_mask = live_mask;
    w->after_term = after_term;
    w->term = after_term;
    w->leader = -1;
    w->heard_mask = 0;
    w->settled_ns = -1;
    w->elected_ns = -1;
    w->elected_term = -1;
    w->broadcast_ns = -1;
}

static void watch_on_deliver(struct watch *w, const struct dslab_trace_event *ev) {
    const struct sent_append *sa = &w->sent[ev->msg_id % SENT_SLOTS];
    if (sa->msg_id != ev->msg_id || sa->term <= w->after_term || w->settled_ns >= 0) {
        return;
    }
    if (sa->term > w->term) {
        w->term = sa->term;
        w->leader = ev->peer;
        w->heard_mask = 0;
    }
    if (sa->term == w->term) {
        w->heard_mask |= UINT64_C(1) << ev->node;
        uint64_t heard = w->heard_mask | (UINT64_C(1) << w->leader);
        if ((heard & w->live_mask) == w->live_mask) {
            w->settled_ns = ev->t_ns;
        }
    }
}

static void watch_sink(void *user, const struct dslab_trace_event *ev) {
    struct watch *w = user;
    if (ev->kind == DSLAB_TRACE_SEND) {
        int64_t term = append_term(ev->text);
        if (term >= 0) {
            struct sent_append *sa = &w->sent[ev->msg_id % SENT_SLOTS];
            sa->msg_id = ev->msg_id;
            sa->term = term;
            if (ev->node == w->leader && term == w->term) {
                w->broadcast_ns = ev->t_ns;
            }
        }
    } else if (ev->kind == DSLAB_TRACE_DELIVER) {
        watch_on_deliver(w, ev);
    } else if (ev->kind == DSLAB_TRACE_ANNOTATE && ev->tag && strcmp(ev->tag, "role") == 0 &&
               ev->text && strcmp(ev->text, "leader") == 0 && ev->a > w->after_term &&
               w->elected_ns < 0) {
        w->elected_ns = ev->t_ns;
        w->elected_term = ev->a;
    }
}

/* --- one trial ------------------------------------------------------------- */

static uint64_t trial_seed(uint64_t seed, const struct range_spec *r, int trial) {
    uint64_t x = seed ^ ((uint64_t)r->min_ms << 44) ^ ((uint64_t)r->max_ms << 24) ^
                 (uint64_t)trial;
    return dslab_rng_splitmix64(&x);
}

/* Runs until `done` or `limit_ns`, in slices so a result is seen soon. */
static bool run_until(struct dslab_sim *sim, const int64_t *watched_ns, int64_t limit_ns) {
    while (*watched_ns < 0 && dslab_sim_now_ns(sim) < limit_ns) {
        int64_t slice_ns = dslab_sim_now_ns(sim) + 20 * DSLAB_NS_PER_MS;
        if (dslab_sim_run(sim, slice_ns < limit_ns ? slice_ns : limit_ns, 0) == DSLAB_SIM_ERROR) {
            return false;
        }
    }
    return *watched_ns >= 0;
}

/* Starts the cluster with one node (drawn from `r`) ahead: the others are
 * crashed at t=0 and restarted `head_start_ns` later, so the first election
 * has a clear winner even when every timeout is the same (150-150ms would
 * otherwise split its very first vote for ever). */
static void stagger_boot(struct dslab_sim *sim, int32_t nodes_count, struct dslab_rng *r,
                         int64_t head_start_ns) {
    int32_t first = (int32_t)dslab_rng_below(r, (uint64_t)nodes_count);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    for (int32_t i = 0; i < nodes_count; i++) {
        struct dslab_fault f = {.kind = DSLAB_FAULT_CRASH, .node = i, .peer = -1};
        if (i != first) {
            dslab_sim_inject(sim, &f, &d);
        }
    }
    dslab_sim_run(sim, head_start_ns, 0);
    for (int32_t i = 0; i < nodes_count; i++) {
        struct dslab_fault f = {.kind = DSLAB_FAULT_RESTART, .node = i, .peer = -1};
        if (i != first) {
            dslab_sim_inject(sim, &f, &d);
        }
    }
}

/* Waits for a stable leader (its AppendEntries reached every node) and for
 * its next heartbeat broadcast with no other leader in between. Returns
 * that broadcast's time, or -1. */
static int64_t await_broadcast(struct dslab_sim *sim, struct watch *w, uint64_t all_mask) {
    int64_t base_term = 0;
    for (int attempt = 0; attempt < 50; attempt++) {
        watch_reset(w, base_term, all_mask);
        if (!run_until(sim, &w->settled_ns, dslab_sim_now_ns(sim) + 60 * DSLAB_NS_PER_S)) {
            return -1;
        }
        int64_t settled_broadcast_ns = w->broadcast_ns;
        w->after_term = w->term; /* a later leader now shows as elected_ns */
        w->elected_ns = -1;
        int64_t limit_ns = dslab_sim_now_ns(sim) + 10 * DSLAB_NS_PER_S;
        while (w->broadcast_ns == settled_broadcast_ns && w->elected_ns < 0 &&
               dslab_sim_step(sim, limit_ns) == 1) {
        }
        if (w->broadcast_ns > settled_broadcast_ns && w->elected_ns < 0) {
            return w->broadcast_ns;
        }
        base_term = w->term;
    }
    return -1;
}

static struct trial_result run_trial(const struct bench *b, const struct job *j,
                                     struct watch *w) {
    const struct range_spec *r = &b->ranges[j->range_index];
    struct trial_result res = {.downtime_ns = -1, .elected_ns = -1, .failed = true};
    uint64_t seed = trial_seed(b->seed, r, j->trial);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create(r->scenario, seed, &d);
    if (!sim) {
        return res;
    }
    dslab_sim_add_sink(sim, watch_sink, w);
    struct dslab_trace_writer tw;
    if (b->trace_out && j == &b->jobs[0]) {
        dslab_trace_writer_init(&tw, b->trace_out, DSLAB_TRACE_FORMAT_JSONL,
                          (const char(*)[32])r->scenario->node_names, r->scenario->nodes_count);
        dslab_sim_add_sink(sim, dslab_trace_writer_sink, &tw);
    }
    int32_t nodes_count = r->scenario->nodes_count;
    uint64_t all_mask = (UINT64_C(1) << nodes_count) - 1;
    struct dslab_rng setup_rng;
    dslab_rng_init(&setup_rng, seed, DSLAB_RNG_PURPOSE_FAULTS, "bench-setup");
    stagger_boot(sim, nodes_count, &setup_rng, (r->max_ms - r->min_ms + 25) * DSLAB_NS_PER_MS);
    int64_t broadcast_ns = await_broadcast(sim, w, all_mask);
    if (broadcast_ns >= 0) {
        /* The crash: uniformly within the heartbeat interval after the
         * broadcast (the driver's own stream: it never shifts the sim's). */
        int64_t heartbeat_ns = r->min_ms * DSLAB_NS_PER_MS / 2;
        int64_t crash_ns = broadcast_ns + (int64_t)dslab_rng_below(&setup_rng, (uint64_t)heartbeat_ns);
        int32_t old_leader = w->leader;
        int64_t old_term = w->term;
        dslab_sim_run(sim, crash_ns, 0);
        struct dslab_fault crash = {.kind = DSLAB_FAULT_CRASH, .node = old_leader, .peer = -1};
        if (dslab_sim_inject(sim, &crash, &d) == 0) {
            watch_reset(w, old_term, all_mask & ~(UINT64_C(1) << old_leader));
            bool settled = run_until(sim, &w->settled_ns, crash_ns + b->cap_ns);
            res.failed = false;
            res.capped = !settled;
            res.downtime_ns = settled ? w->settled_ns - crash_ns : b->cap_ns;
            res.elected_ns = w->elected_ns >= 0 ? w->elected_ns - crash_ns : -1;
            res.terms = settled ? w->term - old_term : 0;
        }
    }
    dslab_sim_destroy(sim);
    return res;
}

static void *worker(void *arg) {
    struct bench *b = arg;
    struct watch *w = calloc(1, sizeof *w);
    if (!w) {
        return NULL;
    }
    for (;;) {
        int i = atomic_fetch_add(&b->next_job, 1);
        if (i >= b->jobs_count) {
            break;
        }
        memset(w->sent, 0, sizeof w->sent);
        b->results[i] = run_trial(b, &b->jobs[i], w);
    }
    free(w);
    return NULL;
}

/* --- statistics and output --------------------------------------------------- */

static int cmp_result(const void *pa, const void *pb) {
    const struct trial_result *a = pa, *b = pb;
    if (a->downtime_ns != b->downtime_ns) {
        return a->downtime_ns < b->downtime_ns ? -1 : 1;
    }
    return (int)a->capped - (int)b->capped;
}

/* Inverse ECDF: the smallest value with at least `percent`% at or below. */
static const struct trial_result *quantile(const struct trial_result *v, int n, int percent) {
    int k = (n * percent + 99) / 100;
    return &v[k > 0 ? k - 1 : 0];
}

static void print_value(const struct trial_result *t) {
    if (t->capped) {
        printf("\t>%.1f", (double)t->downtime_ns / 1e6);
    } else {
        printf("\t%.1f", (double)t->downtime_ns / 1e6);
    }
}

static void print_median(const struct trial_result *v, int n) {
    const struct trial_result *lo = &v[(n - 1) / 2], *hi = &v[n / 2];
    if (hi->capped) {
        printf("\t>%.1f", (double)hi->downtime_ns / 1e6);
    } else {
        printf("\t%.1f", (double)(lo->downtime_ns + hi->downtime_ns) / 2e6);
    }
}

/* The paper's row for `label` from summary_digitized.tsv, as text cells. */
static bool paper_row(const char *path, const char *label, char cells[5][32]) {
    static const char *const want[5] = {"n_trials", "median_ms", "p90_ms", "p99_ms", "max_ms"};
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        return false;
    }
    char line[1024];
    int col_of[5] = {-1, -1, -1, -1, -1};
    int range_col = -1;
    bool found = false;
    for (int row = 0; !found && fgets(line, sizeof line, f); row++) {
        line[strcspn(line, "\r\n")] = 0;
        char *save = NULL;
        int col = 0;
        bool match = false;
        for (char *tok = strtok_r(line, "\t", &save); tok; tok = strtok_r(NULL, "\t", &save), col++) {
            if (row == 0) {
                range_col = strcmp(tok, "election_timeout_range") == 0 ? col : range_col;
                for (int k = 0; k < 5; k++) {
                    col_of[k] = strcmp(tok, want[k]) == 0 ? col : col_of[k];
                }
                continue;
            }
            match = match || (col == range_col && strcmp(tok, label) == 0);
            for (int k = 0; k < 5; k++) {
                if (col == col_of[k]) {
                    snprintf(cells[k], 32, "%s", tok);
                }
            }
        }
        found = row > 0 && match;
    }
    fclose(f);
    return found;
}

static void print_table(struct bench *b, const char *paper_path) {
    printf("range\ttrials\tmedian_ms\tp90_ms\tp99_ms\tmax_ms\tcapped\tpaper_trials\t"
           "paper_median_ms\tpaper_p90_ms\tpaper_p99_ms\tpaper_max_ms\n");
    int first = 0;
    for (int r = 0; r < b->ranges_count; r++) {
        struct range_spec *rs = &b->ranges[r];
        struct trial_result *v = &b->results[first];
        int n = 0, capped = 0, failed = 0;
        for (int i = 0; i < rs->trials; i++) {
            if (v[i].failed) {
                failed++;
                continue;
            }
            capped += v[i].capped;
            v[n++] = v[i];
        }
        first += rs->trials;
        qsort(v, (size_t)n, sizeof *v, cmp_result);
        printf("%s\t%d", rs->label, n);
        if (n > 0) {
            print_median(v, n);
            print_value(quantile(v, n, 90));
            print_value(quantile(v, n, 99));
            print_value(&v[n - 1]);
        } else {
            printf("\t-\t-\t-\t-");
        }
        printf("\t%d", capped);
        char cells[5][32];
        if (paper_row(paper_path, rs->label, cells)) {
            printf("\t%s\t%s\t%s\t%s\t%s\n", cells[0], cells[1], cells[2], cells[3], cells[4]);
        } else {
            printf("\tunavailable\tunavailable\tunavailable\tunavailable\tunavailable\n");
        }
        if (failed > 0) {
            fprintf(stderr, "bench_raft_election: %s: %d trials found no stable leader to crash\n",
                    rs->label, failed);
        }
    }
}

static void print_per_trial(const struct bench *b) {
    printf("range\ttrial\tseed\tdowntime_ms\telected_ms\tterms\tcapped\n");
    for (int i = 0; i < b->jobs_count; i++) {
        const struct range_spec *r = &b->ranges[b->jobs[i].range_index];
        const struct trial_result *t = &b->results[i];
        printf("%s\t%d\t%" PRIu64 "\t%.3f\t%.3f\t%" PRId64 "\t%d\n", r->label, b->jobs[i].trial,
               trial_seed(b->seed, r, b->jobs[i].trial), (double)t->downtime_ns / 1e6,
               (double)t->elected_ns / 1e6, t->terms, (int)t->capped);
    }
}

/* --- setup ------------------------------------------------------------------- */

static void usage(void) {
    fprintf(stderr,
            "usage: bench_raft_election SCENARIO [--paper SUMMARY_TSV] [--threads N]\n"
            "         [--trials N] [--cap DURATION_S] [--seed S] [--range MIN-MAX[:TRIALS]]...\n"
            "         [--set KEY=VALUE]... [--per-trial] [--trace FILE]\n");
}

static int add_range(struct bench *b, int64_t min_ms, int64_t max_ms, int trials) {
    if (b->ranges_count == RANGES_MAX || min_ms < 2 || max_ms < min_ms || trials < 1) {
        return -1;
    }
    struct range_spec *r = &b->ranges[b->ranges_count++];
    r->min_ms = min_ms;
    r->max_ms = max_ms;
    r->trials = trials;
    snprintf(r->label, sizeof r->label, "%" PRId64 "-%" PRId64 "ms", min_ms, max_ms);
    return 0;
}

/* Loads the scenario once per range: timeouts and heartbeat = min/2 set
 * after the caller's --set overrides. */
static int load_ranges(struct bench *b, const char *path, const struct dslab_scenario_override *sets,
                       int sets_count) {
    for (int i = 0; i < b->ranges_count; i++) {
        struct range_spec *r = &b->ranges[i];
        char tmin[32], tmax[32], hb[32];
        snprintf(tmin, sizeof tmin, "%" PRId64 "ms", r->min_ms);
        snprintf(tmax, sizeof tmax, "%" PRId64 "ms", r->max_ms);
        snprintf(hb, sizeof hb, "%" PRId64 "us", r->min_ms * 1000 / 2);
        struct dslab_scenario_override ov[SETS_MAX + 3];
        memcpy(ov, sets, (size_t)sets_count * sizeof *ov);
        ov[sets_count] = (struct dslab_scenario_override){"protocol.election_timeout_min", tmin};
        ov[sets_count + 1] = (struct dslab_scenario_override){"protocol.election_timeout_max", tmax};
        ov[sets_count + 2] = (struct dslab_scenario_override){"protocol.heartbeat", hb};
        struct dslab_diag d;
        dslab_diag_clear(&d);
        r->scenario = dslab_scenario_load(path, ov, sets_count + 3, NULL, &d);
        if (!r->scenario) {
            char msg[1024];
            dslab_diag_format(&d, msg, sizeof msg);
            fprintf(stderr, "%s\n", msg);
            return -1;
        }
    }
    return 0;
}

struct options {
    const char *scenario_path;
    const char *paper_path;
    int threads;
    int trials; /* 0 = the paper's counts */
    bool per_trial;
    struct dslab_scenario_override sets[SETS_MAX];
    int sets_count;
};

static int parse_range(struct bench *b, const char *text, int trials_default) {
    long long lo = 0, hi = 0;
    int trials = trials_default > 0 ? trials_default : 1000;
    int used = 0;
    if (sscanf(text, "%lld-%lld%n", &lo, &hi, &used) != 2) {
        return -1;
    }
    if (text[used] == ':') {
        trials = atoi(text + used + 1);
    } else if (text[used] != 0) {
        return -1;
    }
    return add_range(b, lo, hi, trials);
}

static int parse_args(int argc, char **argv, struct options *o, struct bench *b) {
    const char *ranges[RANGES_MAX];
    int ranges_count = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--per-trial") == 0) {
            o->per_trial = true;
            continue;
        }
        if (a[0] != '-') {
            if (o->scenario_path) {
                return -1;
            }
            o->scenario_path = a;
            continue;
        }
        if (!v) {
            return -1;
        }
        i++;
        if (strcmp(a, "--paper") == 0) {
            o->paper_path = v;
        } else if (strcmp(a, "--threads") == 0) {
            o->threads = atoi(v);
        } else if (strcmp(a, "--trials") == 0) {
            o->trials = atoi(v);
        } else if (strcmp(a, "--cap") == 0) {
            b->cap_ns = (int64_t)(strtod(v, NULL) * 1e9);
        } else if (strcmp(a, "--trace") == 0) {
            b->trace_out = fopen(v, "w");
            if (!b->trace_out) {
                fprintf(stderr, "bench_raft_election: cannot write %s\n", v);
                return -1;
            }
        } else if (strcmp(a, "--seed") == 0) {
            b->seed = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--range") == 0 && ranges_count < RANGES_MAX) {
            ranges[ranges_count++] = v;
        } else if (strcmp(a, "--set") == 0 && o->sets_count < SETS_MAX && strchr(v, '=')) {
            static char copies[SETS_MAX][256];
            snprintf(copies[o->sets_count], sizeof copies[0], "%s", v);
            char *eq = strchr(copies[o->sets_count], '=');
            *eq = 0;
            o->sets[o->sets_count] = (struct dslab_scenario_override){copies[o->sets_count], eq + 1};
            o->sets_count++;
        } else {
            return -1;
        }
    }
    for (int i = 0; i < ranges_count; i++) {
        if (parse_range(b, ranges[i], o->trials) != 0) {
            return -1;
        }
    }
    for (size_t i = 0; ranges_count == 0 && i < sizeof paper_ranges / sizeof paper_ranges[0];
         i++) {
        int trials = o->trials > 0 ? o->trials : (int)paper_ranges[i][2];
        if (add_range(b, paper_ranges[i][0], paper_ranges[i][1], trials) != 0) {
            return -1;
        }
    }
    bool ok = o->scenario_path && o->threads >= 1 && o->threads <= 64 && b->cap_ns > 0;
    return ok ? 0 : -1;
}

static int make_jobs(struct bench *b) {
    for (int r = 0; r < b->ranges_count; r++) {
        b->jobs_count += b->ranges[r].trials;
    }
    b->jobs = calloc((size_t)b->jobs_count, sizeof *b->jobs);
    b->results = calloc((size_t)b->jobs_count, sizeof *b->results);
    if (!b->jobs || !b->results) {
        return -1;
    }
    int k = 0;
    for (int r = 0; r < b->ranges_count; r++) {
        for (int t = 0; t < b->ranges[r].trials; t++) {
            b->jobs[k++] = (struct job){.range_index = r, .trial = t};
        }
    }
    return 0;
}


int main(int argc, char **argv) {
    static struct bench b;
    struct options o = {.threads = 2};
    b.seed = 1;
    b.cap_ns = 300 * DSLAB_NS_PER_S;
    if (parse_args(argc, argv, &o, &b) != 0) {
        usage();
        return 2;
    }
    if (load_ranges(&b, o.scenario_path, o.sets, o.sets_count) != 0 || make_jobs(&b) != 0) {
        return 2;
    }
    double start_s = dslab_host_clock_s();
    pthread_t tids[64];
    int started = 0;
    for (; started < o.threads - 1; started++) {
        if (pthread_create(&tids[started], NULL, worker, &b) != 0) {
            break;
        }
    }
    worker(&b); /* the main thread is the last worker */
    for (int i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    if (o.per_trial) {
        print_per_trial(&b);
    } else {
        print_table(&b, o.paper_path);
    }
    fprintf(stderr, "bench_raft_election: %d trials, seed %" PRIu64 ", cap %.0fs, %d threads, %.1fs wall\n",
            b.jobs_count, b.seed, (double)b.cap_ns / 1e9, o.threads, dslab_host_clock_s() - start_s);
    if (b.trace_out) {
        fclose(b.trace_out);
    }
    for (int i = 0; i < b.ranges_count; i++) {
        dslab_scenario_free(b.ranges[i].scenario);
    }
    free(b.jobs);
    free(b.results);
    return 0;
}
