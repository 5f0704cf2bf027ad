/* explore_json.c: `dslab explore --json`: the results as one JSON object,
 * written with the one JSON writer (dslab/json_write.h); explore_merge.c
 * reads it back. A function of struct dslab_xr only, so identical for any --jobs and
 * for merged shards. The format is docs/EXPLORE.md's "JSON results";
 * DSLAB_XR_FORMAT_VERSION names it. */
#include <inttypes.h>
#include <stdio.h>

#include "dslab/explore.h"
#include "dslab/json_write.h"

static void hist(struct dslab_json_writer *w, const char *name, const struct dslab_explore_hist *h) {
    dslab_jw_key(w, name);
    dslab_jw_object_begin(w);
    dslab_jw_member_uint(w, "count", h->count);
    dslab_jw_key(w, "buckets");
    dslab_jw_array_begin(w);
    for (int i = 0; i < DSLAB_EXPLORE_HIST_BUCKETS; i++) {
        if (!h->buckets[i]) continue;
        dslab_jw_array_begin(w);
        dslab_jw_int(w, i);
        dslab_jw_uint(w, h->buckets[i]);
        dslab_jw_array_end(w);
    }
    dslab_jw_array_end(w);
    dslab_jw_object_end(w);
}

static void repro(struct dslab_json_writer *w, const struct dslab_xr_repro *r) {
    if (!r->present) {
        dslab_jw_null(w);
        return;
    }
    dslab_jw_object_begin(w);
    dslab_jw_member_uint(w, "seed", r->seed);
    dslab_jw_member_int(w, "runs", r->runs);
    dslab_jw_member_bool(w, "minimal", r->minimal);
    dslab_jw_member_int(w, "faults_before", r->faults_before);
    dslab_jw_member_int(w, "faults_after", r->faults_after);
    dslab_jw_member_int(w, "violation_ns", r->violation_ns);
    dslab_jw_member_bool(w, "verified", r->rerun == DSLAB_XR_RERUN_FAILS);
    dslab_jw_key(w, "necessary");
    dslab_jw_array_begin(w);
    for (int i = 0; i < r->necessary_count; i++) dslab_jw_string(w, r->necessary[i]);
    dslab_jw_array_end(w);
    dslab_jw_member_string(w, "yaml", r->yaml ? r->yaml : "");
    dslab_jw_object_end(w);
}

static void check(struct dslab_json_writer *w, const struct dslab_xr_check *c) {
    dslab_jw_object_begin(w);
    dslab_jw_member_string(w, "name", c->name);
    dslab_jw_member_uint(w, "failing", c->failing);
    dslab_jw_member_uint(w, "unknown", c->unknown);
    dslab_jw_key(w, "fails");
    dslab_jw_array_begin(w);
    for (uint64_t i = 0; i < c->fails_count; i++) {
        dslab_jw_array_begin(w);
        dslab_jw_uint(w, c->fails[i].seed);
        dslab_jw_int(w, c->fails[i].at_ns);
        dslab_jw_uint(w, c->fails[i].kinds_on);
        dslab_jw_array_end(w);
    }
    dslab_jw_array_end(w);
    dslab_jw_key(w, "reproducer");
    repro(w, &c->repro);
    dslab_jw_object_end(w);
}

void dslab_xr_print_json(FILE *out, const struct dslab_xr *x) {
    struct dslab_json_writer w;
    dslab_jw_init(&w, out);
    dslab_jw_object_begin(&w);
    dslab_jw_member_int(&w, "dslab_explore", DSLAB_XR_FORMAT_VERSION);
    dslab_jw_member_string(&w, "scenario", x->scenario_path);
    dslab_jw_member_string(&w, "name", x->scenario_name);
    char hash[17];
    snprintf(hash, sizeof hash, "%016" PRIx64, x->scenario_hash);
    dslab_jw_member_string(&w, "scenario_hash", hash);
    dslab_jw_member_string(&w, "faults", x->faults_mode);
    dslab_jw_member_int(&w, "budget", x->budget);
    dslab_jw_member_uint(&w, "seed_from", x->seed_from);
    dslab_jw_member_uint(&w, "seeds", x->seeds);
    dslab_jw_member_int(&w, "shard_count", x->shard_count);
    dslab_jw_key(&w, "shards");
    dslab_jw_array_begin(&w);
    for (int i = 0; i < 64; i++) {
        if (x->shards_mask >> i & 1u) dslab_jw_int(&w, i + 1);
    }
    dslab_jw_array_end(&w);
    dslab_jw_member_uint(&w, "seeds_run", x->seeds_run);
    dslab_jw_member_uint(&w, "errors", x->errors);
    dslab_jw_member_string(&w, "error_message", x->error_message);
    dslab_jw_key(&w, "error_seeds");
    dslab_jw_array_begin(&w);
    for (uint64_t i = 0; i < x->errors && i < DSLAB_XR_ERROR_SEEDS_KEPT; i++) dslab_jw_uint(&w, x->error_seeds[i]);
    dslab_jw_array_end(&w);
    dslab_jw_key(&w, "kinds_on");
    dslab_jw_array_begin(&w);
    for (int k = 0; k < DSLAB_EXPLORE_KIND_COUNT; k++) dslab_jw_uint(&w, x->kinds_on[k]);
    dslab_jw_array_end(&w);
    dslab_jw_key(&w, "checks");
    dslab_jw_array_begin(&w);
    for (int c = 0; c < x->checks_count; c++) check(&w, &x->checks[c]);
    dslab_jw_array_end(&w);
    dslab_jw_key(&w, "metrics");
    dslab_jw_object_begin(&w);
    hist(&w, "election", &x->metrics.election);
    hist(&w, "failover", &x->metrics.failover);
    hist(&w, "latency", &x->metrics.latency);
    dslab_jw_object_end(&w);
    dslab_jw_object_end(&w);
    dslab_jw_end_document(&w);
}
