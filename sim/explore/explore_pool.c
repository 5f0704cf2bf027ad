/* explore_pool.c: runs the seeds of an exploration on J threads
 * (explore_driver.h).
 *
 * Workers take the next seed index from an atomic counter, run it (one
 * struct dslab_sim per run, nothing shared but the read-only scenario) and
 * store its outcome at that index. The calling thread only reports
 * progress to the caller's callback (about every 100 ms; it sleeps in
 * between and reads no clock). Afterwards the outcomes are folded into
 * struct dslab_xr in seed order and the per-thread histograms are added up
 * (integer sums), so the results are identical for any J and any
 * finishing order. Shrinking runs one check per task on the same pool;
 * each task writes only its own slot, read in check order afterwards. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/explore_driver.h"

struct seed_rec {
    uint64_t failed;
    uint64_t unknown;
    uint32_t kinds_on;
    uint8_t status;       /* enum dslab_sim_status */
};

struct pool {
    const struct explore_job *job;
    int checks;
    struct seed_rec *recs;        /* per seed index */
    int64_t *violation_ns;        /* per seed index x check */
    uint64_t error_index;         /* lowest seed index that stopped early (guarded by lock) */
    char error_text[160];         /* its reason */
    struct dslab_explore_metrics *metrics; /* per thread */
    atomic_uint_fast64_t next;
    atomic_uint_fast64_t done;
    atomic_uint_fast64_t failing; /* seeds with any failed check */
    atomic_int stop;
    pthread_mutex_t lock;         /* guards diag */
    struct dslab_diag diag;
    int failed_to_create;
};

struct worker {
    void *pool; /* struct pool or struct shrink_pool */
    int index;
};

static void run_one(struct pool *p, struct dslab_explore_metrics *m, uint64_t i) {
    const struct explore_job *job = p->job;
    uint64_t seed = job->seeds[i];
    struct dslab_explore_schedule sch;
    struct dslab_explore_outcome out;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    int rc = dslab_explore_draw(job->sc, seed, job->mode, &sch);
    if (rc == 0) {
        rc = dslab_explore_run(job->sc, seed, &sch, &out, m, &d);
    } else {
        dslab_diag_set(&d, job->sc->path, 0, 0, "out of memory drawing a fault schedule");
    }
    if (rc < 0) {
        pthread_mutex_lock(&p->lock);
        if (!p->failed_to_create) p->diag = d;
        p->failed_to_create = 1;
        pthread_mutex_unlock(&p->lock);
        atomic_store(&p->stop, 1);
        dslab_explore_schedule_free(&sch);
        return;
    }
    struct seed_rec *r = &p->recs[i];
    r->failed = out.failed_mask;
    r->unknown = out.unknown_mask;
    r->kinds_on = sch.kinds_on;
    r->status = (uint8_t)out.status;
    for (int c = 0; c < p->checks; c++) p->violation_ns[i * (uint64_t)p->checks + (uint64_t)c] = out.violation_ns[c];
    if (out.status != DSLAB_SIM_OK) {
        pthread_mutex_lock(&p->lock);
        if (i < p->error_index) {
            p->error_index = i;
            memcpy(p->error_text, out.error, sizeof p->error_text);
        }
        pthread_mutex_unlock(&p->lock);
    }
    if (out.failed_mask) atomic_fetch_add(&p->failing, 1);
    dslab_explore_schedule_free(&sch);
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    struct pool *p = w->pool;
    for (;;) {
        if (atomic_load(&p->stop)) break;
        uint64_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->job->seeds_count) break;
        run_one(p, &p->metrics[w->index], i);
        atomic_fetch_add(&p->done, 1);
    }
    return NULL;
}


static struct dslab_explore_progress progress_now(const struct pool *p, enum dslab_explore_phase phase) {
    return (struct dslab_explore_progress){phase, atomic_load(&p->done), p->job->seeds_count,
                                     atomic_load(&p->failing)};
}

/* Waits for the workers, telling the caller how far they are about every
 * 0.1 s, and once more at the end. */
static void wait_with_progress(struct pool *p) {
    const struct explore_job *job = p->job;
    while (atomic_load(&p->done) < job->seeds_count && !atomic_load(&p->stop)) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        struct dslab_explore_progress now = progress_now(p, DSLAB_EXPLORE_PROGRESS_TICK);
        job->progress(job->progress_user, &now);
    }
    struct dslab_explore_progress end = progress_now(p, DSLAB_EXPLORE_PROGRESS_DONE);
    job->progress(job->progress_user, &end);
}

static int start_threads(int jobs, void *(*fn)(void *), struct worker *workers, pthread_t *threads,
                         void *p) {
    for (int t = 0; t < jobs; t++) {
        workers[t] = (struct worker){p, t};
        if (pthread_create(&threads[t], NULL, fn, &workers[t]) != 0) return t;
    }
    return jobs;
}

static void fold(const struct pool *p, struct dslab_xr *x) {
    const struct explore_job *job = p->job;
    for (uint64_t i = 0; i < job->seeds_count; i++) {
        const struct seed_rec *r = &p->recs[i];
        if (r->status != DSLAB_SIM_OK) {
            if (x->errors < DSLAB_XR_ERROR_SEEDS_KEPT) x->error_seeds[x->errors] = job->seeds[i];
            if (x->errors == 0) snprintf(x->error_message, sizeof x->error_message, "%s", p->error_text);
            x->errors++;
            continue;
        }
        x->seeds_run++;
        for (int k = 0; k < DSLAB_EXPLORE_KIND_COUNT; k++) x->kinds_on[k] += (r->kinds_on >> k) & 1u;
        for (int c = 0; c < p->checks; c++) {
            struct dslab_xr_check *xc = &x->checks[c];
            if (r->unknown & (UINT64_C(1) << c)) xc->unknown++;
            if (!(r->failed & (UINT64_C(1) << c))) continue;
            xc->failing++;
            struct dslab_xr_fail f = {job->seeds[i], p->violation_ns[i * (uint64_t)p->checks + (uint64_t)c], r->kinds_on};
            xr_add_fail(xc, &f);
        }
    }
    for (int t = 0; t < job->jobs; t++) {
        dslab_explore_hist_merge(&x->metrics.election, &p->metrics[t].election);
        dslab_explore_hist_merge(&x->metrics.failover, &p->metrics[t].failover);
        dslab_explore_hist_merge(&x->metrics.latency, &p->metrics[t].latency);
    }
}

int explore_pool_run(const struct explore_job *job, struct dslab_xr *x, struct dslab_diag *diag) {
    struct pool *p = calloc(1, sizeof *p);
    if (!p) return dslab_diag_set(diag, job->sc->path, 0, 0, "out of memory");
    p->job = job;
    p->checks = x->checks_count;
    uint64_t n = job->seeds_count ? job->seeds_count : 1;
    p->recs = calloc(n, sizeof *p->recs);
    p->violation_ns = calloc(n * (uint64_t)(p->checks ? p->checks : 1), sizeof *p->violation_ns);
    p->error_index = UINT64_MAX;
    p->metrics = calloc((size_t)job->jobs, sizeof *p->metrics);
    struct worker *workers = calloc((size_t)job->jobs, sizeof *workers);
    pthread_t *threads = calloc((size_t)job->jobs, sizeof *threads);
    int rc = 0;
    if (!p->recs || !p->violation_ns || !p->metrics || !workers || !threads) {
        rc = dslab_diag_set(diag, job->sc->path, 0, 0, "out of memory for %" PRIu64 " seeds", n);
    } else {
        pthread_mutex_init(&p->lock, NULL);
        if (job->progress) {
            struct dslab_explore_progress start = progress_now(p, DSLAB_EXPLORE_PROGRESS_START);
            job->progress(job->progress_user, &start);
        }
        int started = start_threads(job->jobs, worker_main, workers, threads, p);
        if (started < job->jobs) atomic_store(&p->stop, 1);
        if (job->progress) wait_with_progress(p);
        for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
        pthread_mutex_destroy(&p->lock);
        if (started < job->jobs) {
            rc = dslab_diag_set(diag, "", 0, 0, "cannot start %d threads: %s", job->jobs, strerror(errno));
        } else if (p->failed_to_create) {
            *diag = p->diag;
            rc = -1;
        } else {
            fold(p, x);
        }
    }
    free(p->recs);
    free(p->violation_ns);
    free(p->metrics);
    free(workers);
    free(threads);
    free(p);
    return rc;
}

/* ---- shrinking: one task per failing check ----------------------------- */

struct shrink_task {
    const struct explore_job *job;
    struct dslab_xr_check *check;
    int check_index;
    int budget;
    struct dslab_explore_shrink_result result;
    struct dslab_explore_schedule original;
    int rc;
    struct dslab_diag diag;
};

struct shrink_pool {
    struct shrink_task *tasks;
    int count;
    atomic_int next;
};

static void *shrink_main(void *arg) {
    struct worker *w = arg;
    struct shrink_pool *sp = w->pool;
    for (;;) {
        int i = atomic_fetch_add(&sp->next, 1);
        if (i >= sp->count) break;
        struct shrink_task *t = &sp->tasks[i];
        uint64_t seed = t->check->fails[0].seed;
        dslab_diag_clear(&t->diag);
        if (dslab_explore_draw(t->job->sc, seed, t->job->mode, &t->original) < 0) {
            t->rc = dslab_diag_set(&t->diag, t->job->sc->path, 0, 0, "out of memory");
            continue;
        }
        t->rc = dslab_explore_shrink(t->job->sc, seed, &t->original, t->check_index, t->budget,
                               &t->result, &t->diag);
    }
    return NULL;
}

static int fill_repro(const struct explore_job *job, struct shrink_task *t) {
    struct dslab_xr_repro *r = &t->check->repro;
    const struct dslab_scenario *s = &t->result.final.sc;
    r->present = true;
    r->seed = t->check->fails[0].seed;
    r->runs = t->result.runs;
    r->minimal = t->result.minimal;
    r->faults_before = t->result.faults_before;
    r->faults_after = s->faults_count;
    r->violation_ns = t->result.violation_ns;
    r->necessary = calloc((size_t)(s->faults_count ? s->faults_count : 1), sizeof *r->necessary);
    if (!r->necessary) return -1;
    for (int i = 0; i < s->faults_count; i++) {
        char line[300];
        dslab_explore_fault_describe(job->sc, &s->faults[i], line, (int)sizeof line);
        if (!(r->necessary[i] = strdup(line))) return -1;
        r->necessary_count++;
    }
    return 0;
}

int explore_pool_shrink(const struct explore_job *job, struct dslab_xr *x,
                        struct dslab_explore_scenario finals[DSLAB_EXPLORE_CHECKS_MAX], struct dslab_diag *diag) {
    struct shrink_pool sp = {0};
    sp.tasks = calloc((size_t)x->checks_count + 1, sizeof *sp.tasks);
    if (!sp.tasks) return dslab_diag_set(diag, job->sc->path, 0, 0, "out of memory");
    for (int c = 0; c < x->checks_count && x->budget > 0; c++) {
        if (x->checks[c].fails_count == 0) continue;
        sp.tasks[sp.count++] = (struct shrink_task){.job = job, .check = &x->checks[c],
                                                    .check_index = c, .budget = x->budget};
    }
    int jobs = job->jobs < sp.count ? job->jobs : sp.count;
    struct worker workers[64];
    pthread_t threads[64];
    if (jobs > 64) jobs = 64;
    int started = start_threads(jobs, shrink_main, workers, threads, &sp);
    if (started == 0 && sp.count > 0) shrink_main(&(struct worker){&sp, 0});
    for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
    int rc = 0;
    for (int i = 0; i < sp.count; i++) {
        struct shrink_task *t = &sp.tasks[i];
        if (t->rc < 0 && rc == 0) {
            *diag = t->diag;
            rc = -1;
        }
        if (t->rc == 0 && fill_repro(job, t) < 0 && rc == 0) {
            rc = dslab_diag_set(diag, job->sc->path, 0, 0, "out of memory");
        }
        dslab_explore_schedule_free(&t->original);
        dslab_explore_schedule_free(&t->result.schedule);
        /* The faults left go to the caller, for the reproducer file. */
        finals[t->check_index] = t->result.final;
    }
    free(sp.tasks);
    return rc;
}
