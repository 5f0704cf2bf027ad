/* test_library_api.c: the explorer and the reports called as a program
 * would, through the public headers only (dslab/explore.h, dslab/report.h,
 * dslab/postmortem.h), with no `dslab` command around them:
 * - dslab_explore_seeds gives byte-identical results (text and JSON) on 1 and 3
 *   threads, reports progress START first and DONE last, and writes the
 *   reproducer it names;
 * - shard results merged by dslab_explore_merge_files print what one run over
 *   all seeds prints;
 * - a run's summary and exit status; the post-mortem asks the caller for
 *   its figures, or says there are none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "dslab/explore.h"
#include "dslab/postmortem.h"
#include "dslab/report.h"
#include "dslab/scenario.h"
#include "harness.h"

/* scenarios/raft/stale-read-leader-local.yaml: a Raft leader answers reads
 * alone, and the file's partition isolates it: linearizable fails with
 * seed 1 and, with random faults added, in some other seeds. */
#define SCENARIO "scenarios/raft/stale-read-leader-local.yaml"
static char scenario_path[1024];

#define SEEDS 12

static struct dslab_scenario *load(void) {
    const char *root = getenv("DSLAB_ROOT");
    snprintf(scenario_path, sizeof scenario_path, "%s/%s", root ? root : ".", SCENARIO);
    struct dslab_diag d;
    struct dslab_scenario *s = dslab_scenario_load(scenario_path, NULL, 0, NULL, &d);
    if (!s) fprintf(stderr, "%s:%d:%d: %s\n", d.file, d.line, d.col, d.message);
    assert_non_null(s);
    return s;
}

/* What a printer wrote, as a string to free(). */
struct capture {
    char *text;
    size_t len;
    FILE *f;
};
static FILE *capture_open(struct capture *c) {
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    assert_non_null(c->f);
    return c->f;
}
static char *capture_close(struct capture *c) {
    fclose(c->f);
    return c->text;
}

/* Removes a flat directory of files made by a test. */
static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        assert_int_equal(unlink(path), 0);
    }
    closedir(d);
    assert_int_equal(rmdir(dir), 0);
}

struct progress_log {
    int calls;
    struct dslab_explore_progress first, last;
};
static void log_progress(void *user, const struct dslab_explore_progress *p) {
    struct progress_log *l = user;
    if (l->calls++ == 0) l->first = *p;
    l->last = *p;
}

static struct dslab_explore_request request(const struct dslab_scenario *s, const char *out_dir, int jobs) {
    return (struct dslab_explore_request){.sc = s, .path = scenario_path, .mode = DSLAB_EXPLORE_FAULTS_BOTH,
                                    .seed_from = 1, .seeds = SEEDS, .shard_index = 1, .shard_count = 1,
                                    .budget = 60, .jobs = jobs, .out_dir = out_dir};
}

static char *results_text(const struct dslab_xr *x, const char *out_dir, bool json) {
    struct capture c;
    FILE *f = capture_open(&c);
    if (json) dslab_xr_print_json(f, x);
    else dslab_xr_print_text(f, x, out_dir);
    return capture_close(&c);
}

static void test_explore_seeds_same_on_any_thread_count(void **state) {
    (void)state;
    struct dslab_scenario *s = load();
    char dir[] = "/tmp/dslab-api-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *text[2], *json[2], err[1024];
    for (int k = 0; k < 2; k++) {
        struct progress_log log = {0};
        struct dslab_explore_request q = request(s, dir, k == 0 ? 1 : 3);
        q.progress = log_progress;
        q.progress_user = &log;
        struct dslab_xr *x = malloc(sizeof *x);
        assert_non_null(x);
        if (dslab_explore_seeds(&q, x, err, (int)sizeof err) != 0) fprintf(stderr, "%s\n", err);
        assert_int_equal(x->seeds_run + x->errors, SEEDS);
        assert_true(log.calls >= 2);
        assert_int_equal(log.first.phase, DSLAB_EXPLORE_PROGRESS_START);
        assert_int_equal(log.first.total, SEEDS);
        assert_int_equal(log.last.phase, DSLAB_EXPLORE_PROGRESS_DONE);
        assert_int_equal(log.last.done, SEEDS);
        text[k] = results_text(x, dir, false);
        json[k] = results_text(x, dir, true);
        /* The failing check's reproducer is where the summary says. */
        const struct dslab_xr_check *lin = &x->checks[1];
        assert_string_equal(lin->name, "linearizable");
        assert_true(lin->failing > 0);
        assert_true(lin->repro.present);
        char path[1200];
        snprintf(path, sizeof path, "%s/linearizable-seed%llu.yaml", dir, (unsigned long long)lin->repro.seed);
        assert_int_equal(access(path, R_OK), 0);
        assert_non_null(strstr(text[k], path));
        dslab_xr_free(x);
        free(x);
    }
    assert_string_equal(text[0], text[1]);
    assert_string_equal(json[0], json[1]);
    for (int k = 0; k < 2; k++) free(text[k]), free(json[k]);
    remove_dir(dir);
    dslab_scenario_free(s);
}

static void test_merged_shards_print_one_run(void **state) {
    (void)state;
    struct dslab_scenario *s = load();
    char dir[] = "/tmp/dslab-api-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char err[2048], shard_path[2][1100];
    struct dslab_xr *x = malloc(sizeof *x);
    assert_non_null(x);
    for (int i = 0; i < 2; i++) {
        struct dslab_explore_request q = request(s, dir, 2);
        q.shard_index = i + 1;
        q.shard_count = 2;
        assert_int_equal(dslab_explore_seeds(&q, x, err, (int)sizeof err), 0);
        snprintf(shard_path[i], sizeof shard_path[i], "%s/shard%d.json", dir, i + 1);
        FILE *f = fopen(shard_path[i], "w");
        assert_non_null(f);
        dslab_xr_print_json(f, x);
        fclose(f);
        dslab_xr_free(x);
    }
    struct dslab_explore_request whole = request(s, dir, 2);
    assert_int_equal(dslab_explore_seeds(&whole, x, err, (int)sizeof err), 0);
    char *one = results_text(x, dir, false);
    dslab_xr_free(x);
    const char *paths[2] = {shard_path[1], shard_path[0]};
    if (dslab_explore_merge_files(x, paths, 2, dir, err, (int)sizeof err) != 0) fprintf(stderr, "%s\n", err);
    char *merged = results_text(x, dir, false);
    assert_string_equal(one, merged);
    dslab_xr_free(x);
    /* A shard twice is refused with a message, not merged. */
    const char *twice[2] = {shard_path[0], shard_path[0]};
    assert_int_equal(dslab_explore_merge_files(x, twice, 2, dir, err, (int)sizeof err), -1);
    assert_true(strlen(err) > 0);
    dslab_xr_free(x);
    free(x);
    free(one);
    free(merged);
    remove_dir(dir);
    dslab_scenario_free(s);
}

static void test_run_summary_and_exit_status(void **state) {
    (void)state;
    struct dslab_scenario *s = load();
    struct dslab_run r;
    struct dslab_diag d;
    assert_int_equal(dslab_run_start(&r, s, 7, true, &d), 0);
    assert_non_null(r.timeline);
    assert_int_equal(dslab_run_to_end(&r, s->duration_ns), DSLAB_SIM_OK);
    assert_string_equal(r.stopped, "");
    struct capture c;
    dslab_run_report_text(capture_open(&c), r.sim, r.timeline, 1.5);
    char *text = capture_close(&c);
    assert_non_null(strstr(text, "partition  "));            /* the timeline */
    assert_non_null(strstr(text, "(1.50 s of wall-clock time)")); /* the caller's time */
    dslab_run_report_json(capture_open(&c), r.sim, "dslab run api.yaml --seed 7");
    char *json = capture_close(&c);
    assert_non_null(strstr(json, dslab_run_report_exit_code(r.sim) ? "\"passed\":false" : "\"passed\":true"));
    free(text);
    free(json);
    dslab_run_free(&r);
    /* A run past its event budget says why it stopped. */
    s->events_max = 50;
    assert_int_equal(dslab_run_start(&r, s, 7, false, &d), 0);
    assert_int_equal(dslab_run_to_end(&r, s->duration_ns), DSLAB_SIM_EVENT_BUDGET);
    assert_non_null(strstr(r.stopped, ": error: the run stopped at t="));
    assert_memory_equal(r.stopped, scenario_path, strlen(scenario_path));
    dslab_run_free(&r);
    dslab_scenario_free(s);
}

struct figure_log {
    int calls;
    int64_t at_ns[2];
    char path[2][1200];
};
static int draw(void *user, const char *png_path, int64_t at_ns) {
    struct figure_log *l = user;
    if (l->calls < 2) {
        l->at_ns[l->calls] = at_ns;
        snprintf(l->path[l->calls], sizeof l->path[l->calls], "%s", png_path);
    }
    l->calls++;
    return 0;
}

static void test_postmortem_asks_for_figures(void **state) {
    (void)state;
    struct dslab_scenario *s = load();
    struct dslab_diag d;
    /* Seed 1 with the file's partition isolating the leader: a stale read. */
    struct dslab_postmortem *pm = dslab_postmortem_run(s, 1, &d);
    assert_non_null(pm);
    struct figure_log log = {0};
    struct dslab_postmortem_figures figures = {draw, &log};
    struct capture c;
    dslab_postmortem_write(capture_open(&c), pm, "api.yaml", "OUT", &figures);
    char *with = capture_close(&c);
    dslab_postmortem_write(capture_open(&c), pm, "api.yaml", "OUT", NULL);
    char *without = capture_close(&c);
    assert_non_null(strstr(with, "# Post-mortem: "));
    assert_non_null(strstr(with, "![the whole run](end.png)"));
    assert_int_equal(log.at_ns[0], -1);
    assert_string_equal(log.path[0], "OUT/end.png");
    assert_non_null(strstr(with, "A check failed"));
    assert_int_equal(log.calls, 2);
    assert_true(log.at_ns[1] >= 0);
    assert_string_equal(log.path[1], "OUT/first-violation.png");
    assert_non_null(strstr(with, "![at the first violation](first-violation.png)"));
    assert_non_null(strstr(without, "(The visualiser was not built: no figures."));
    assert_non_null(strstr(without, "```\ndslab run api.yaml --seed 1\n```\n"));
    free(with);
    free(without);
    dslab_postmortem_free(pm);
    dslab_scenario_free(s);
}

H_MAIN(cmocka_unit_test(test_explore_seeds_same_on_any_thread_count),
       cmocka_unit_test(test_merged_shards_print_one_run),
       cmocka_unit_test(test_run_summary_and_exit_status),
       cmocka_unit_test(test_postmortem_asks_for_figures))
