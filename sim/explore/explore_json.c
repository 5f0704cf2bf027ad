/* explore_json.c: `dslab explore --json`: the results as one JSON object,
 * written with the one JSON writer (dslab/json_write.h); explore_merge.c
 * reads it back. A function of struct xr only, so identical for any --jobs and
 * for merged shards. The format is docs/EXPLORE.md's "JSON results";
 * XR_FORMAT_VERSION names it. */
#include <inttypes.h>
#include <stdio.h>

#include "dslab/explore.h"
#include "dslab/json_write.h"

static void hist(struct json_writer *w, const char *name, const struct explore_hist *h) {
    jw_key(w, name);
    jw_object_begin(w);
    jw_member_uint(w, "count", h->count);
    jw_key(w, "buckets");
    jw_array_begin(w);
    for (int i = 0; i < EXPLORE_HIST_BUCKETS; i++) {
        if (!h->buckets[i]) continue;
        jw_array_begin(w);
        jw_int(w, i);
        jw_uint(w, h->buckets[i]);
        jw_array_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}

static void repro(struct json_writer *w, const struct xr_repro *r) {
    if (!r->present) {
        jw_null(w);
        return;
    }
    jw_object_begin(w);
    jw_member_uint(w, "seed", r->seed);
    jw_member_int(w, "runs", r->runs);
    jw_member_bool(w, "minimal", r->minimal);
    jw_member_int(w, "faults_before", r->faults_before);
    jw_member_int(w, "faults_after", r->faults_after);
    jw_member_int(w, "violation_ns", r->violation_ns);
    jw_member_bool(w, "verified", r->rerun == XR_RERUN_FAILS);
    jw_key(w, "necessary");
    jw_array_begin(w);
    for (int i = 0; i < r->necessary_count; i++) jw_string(w, r->necessary[i]);
    jw_array_end(w);
    jw_member_string(w, "yaml", r->yaml ? r->yaml : "");
    jw_object_end(w);
}

static void check(struct json_writer *w, const struct xr_check *c) {
    jw_object_begin(w);
    jw_member_string(w, "name", c->name);
    jw_member_uint(w, "failing", c->failing);
    jw_member_uint(w, "unknown", c->unknown);
    jw_key(w, "fails");
    jw_array_begin(w);
    for (uint64_t i = 0; i < c->fails_count; i++) {
        jw_array_begin(w);
        jw_uint(w, c->fails[i].seed);
        jw_int(w, c->fails[i].at_ns);
        jw_uint(w, c->fails[i].kinds_on);
        jw_array_end(w);
    }
    jw_array_end(w);
    jw_key(w, "reproducer");
    repro(w, &c->repro);
    jw_object_end(w);
}

void xr_print_json(FILE *out, const struct xr *x) {
    struct json_writer w;
    jw_init(&w, out);
    jw_object_begin(&w);
    jw_member_int(&w, "dslab_explore", XR_FORMAT_VERSION);
    jw_member_string(&w, "scenario", x->scenario_path);
    jw_member_string(&w, "name", x->scenario_name);
    char hash[17];
    snprintf(hash, sizeof hash, "%016" PRIx64, x->scenario_hash);
    jw_member_string(&w, "scenario_hash", hash);
    jw_member_string(&w, "faults", x->faults_mode);
    jw_member_int(&w, "budget", x->budget);
    jw_member_uint(&w, "seed_from", x->seed_from);
    jw_member_uint(&w, "seeds", x->seeds);
    jw_member_int(&w, "shard_count", x->shard_count);
    jw_key(&w, "shards");
    jw_array_begin(&w);
    for (int i = 0; i < 64; i++) {
        if (x->shards_mask >> i & 1u) jw_int(&w, i + 1);
    }
    jw_array_end(&w);
    jw_member_uint(&w, "seeds_run", x->seeds_run);
    jw_member_uint(&w, "errors", x->errors);
    jw_member_string(&w, "error_message", x->error_message);
    jw_key(&w, "error_seeds");
    jw_array_begin(&w);
    for (uint64_t i = 0; i < x->errors && i < XR_ERROR_SEEDS_KEPT; i++) jw_uint(&w, x->error_seeds[i]);
    jw_array_end(&w);
    jw_key(&w, "kinds_on");
    jw_array_begin(&w);
    for (int k = 0; k < EXPLORE_KIND_COUNT; k++) jw_uint(&w, x->kinds_on[k]);
    jw_array_end(&w);
    jw_key(&w, "checks");
    jw_array_begin(&w);
    for (int c = 0; c < x->checks_count; c++) check(&w, &x->checks[c]);
    jw_array_end(&w);
    jw_key(&w, "metrics");
    jw_object_begin(&w);
    hist(&w, "election", &x->metrics.election);
    hist(&w, "failover", &x->metrics.failover);
    hist(&w, "latency", &x->metrics.latency);
    jw_object_end(&w);
    jw_object_end(&w);
    jw_end_document(&w);
}
