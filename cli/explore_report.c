/* explore_report.c: what `dslab explore` prints: the summary for people
 * and the --json results that shards merge from (explore_merge.c reads
 * them back). Both are functions of struct xr only, so they are identical
 * for any --jobs and for merged shards. Nothing here reads the clock: the
 * wall time and seeds/s go to stderr from cmd_explore.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dslab/time.h"
#include "explore_cli.h"
#include "scenario/load_internal.h"

void xr_free(struct xr *x) {
    for (int c = 0; c < x->checks_count; c++) {
        struct xr_check *xc = &x->checks[c];
        free(xc->fails);
        for (int i = 0; i < xc->repro.necessary_count; i++) free(xc->repro.necessary[i]);
        free(xc->repro.necessary);
        free(xc->repro.yaml);
        explore_scenario_free(&xc->repro.final);
    }
    memset(x, 0, sizeof *x);
}

int xr_add_fail(struct xr_check *c, const struct xr_fail *f) {
    if (c->fails_count == c->fails_capacity) {
        uint64_t cap = c->fails_capacity ? c->fails_capacity * 2 : 64;
        struct xr_fail *p = realloc(c->fails, (size_t)cap * sizeof *p);
        if (!p) return -1;
        c->fails = p;
        c->fails_capacity = cap;
    }
    c->fails[c->fails_count++] = *f;
    return 0;
}

void xr_repro_path(const struct xr_check *c, const char *out_dir, char *buf, size_t size) {
    snprintf(buf, size, "%s/%s-seed%" PRIu64 ".yaml", out_dir, c->name, c->repro.seed);
}

/* ---- text ---------------------------------------------------------------- */

static void print_percent(FILE *out, uint64_t part, uint64_t whole) {
    /* Integer per-mille, rounded: the same text on every machine. */
    uint64_t pm = whole ? (part * 1000 + whole / 2) / whole : 0;
    fprintf(out, "%" PRIu64 ".%" PRIu64 "%%", pm / 10, pm % 10);
}

static void print_kinds(FILE *out, const struct xr *x, const struct xr_check *c) {
    uint64_t in_failing[EXPLORE_KIND_COUNT] = {0};
    for (uint64_t i = 0; i < c->fails_count; i++) {
        for (int k = 0; k < EXPLORE_KIND_COUNT; k++) in_failing[k] += (c->fails[i].kinds_on >> k) & 1u;
    }
    bool any = false;
    for (int k = 0; k < EXPLORE_KIND_COUNT; k++) any |= x->kinds_on[k] > 0;
    if (!any || c->fails_count == 0) return;
    fprintf(out, "  fault kinds on in failing seeds (in all seeds):");
    for (int k = 0; k < EXPLORE_KIND_COUNT; k++) {
        if (x->kinds_on[k] == 0) continue;
        fprintf(out, " %s ", scenario_explore_kind_name(k));
        print_percent(out, in_failing[k], c->fails_count);
        fputs(" (", out);
        print_percent(out, x->kinds_on[k], x->seeds_run);
        fputs(")", out);
    }
    fputc('\n', out);
}

static void print_repro(FILE *out, const struct xr_check *c, const char *out_dir) {
    const struct xr_repro *r = &c->repro;
    char path[1100], t[32];
    xr_repro_path(c, out_dir, path, sizeof path);
    fprintf(out, "  minimal reproducer: %s\n", path);
    fprintf(out, "    seed %" PRIu64 ": shrunk from %d to %d fault%s in %d runs; violation at %s\n",
            r->seed, r->faults_before, r->faults_after, r->faults_after == 1 ? "" : "s", r->runs,
            time_format_human(r->violation_ns, t, (int)sizeof t));
    if (r->faults_after == 0) {
        fprintf(out, "    no fault is needed: the check fails with this seed alone\n");
    } else {
        fprintf(out, "    %s\n", r->minimal ? "every fault left is necessary (without any one of them the check passes):"
                                             : "faults left (the shrink budget ran out before each was shown necessary):");
    }
    for (int i = 0; i < r->necessary_count; i++) fprintf(out, "      - %s\n", r->necessary[i]);
    fprintf(out, "    replay: dslab run %s%s\n", path, r->verified ? "   (checked: it fails)" : "");
    fprintf(out, "    watch:  dslab viz %s\n", path);
}

static void print_check(FILE *out, const struct xr *x, const struct xr_check *c, const char *out_dir) {
    if (c->failing == 0) {
        fprintf(out, "check %s: held in all %" PRIu64 " seeds", c->name, x->seeds_run);
        if (c->unknown) fprintf(out, " (no verdict in %" PRIu64 ")", c->unknown);
        fputc('\n', out);
        return;
    }
    fprintf(out, "check %s: FAILED in %" PRIu64 " of %" PRIu64 " seeds (", c->name, c->failing, x->seeds_run);
    print_percent(out, c->failing, x->seeds_run);
    fputs(")", out);
    if (c->unknown) fprintf(out, ", no verdict in %" PRIu64, c->unknown);
    fputs("\n  first failing seeds:", out);
    for (uint64_t i = 0; i < c->fails_count && i < XR_FIRST_SEEDS_SHOWN; i++) {
        char t[32];
        fprintf(out, "%s %" PRIu64 " (violation at %s)", i ? "," : "", c->fails[i].seed,
                time_format_human(c->fails[i].at_ns, t, (int)sizeof t));
    }
    fputc('\n', out);
    if (c->repro.present) print_repro(out, c, out_dir);
    else if (x->budget == 0) fputs("  no reproducer: shrinking is off (--budget 0)\n", out);
    print_kinds(out, x, c);
}

static void print_dist(FILE *out, const char *label, const struct explore_hist *h) {
    static const int pm[] = {500, 900, 990, 1000};
    static const char *const names[] = {"p50", "p90", "p99", "max"};
    fprintf(out, "  %-36s", label);
    if (h->count == 0) {
        fputs("no samples\n", out);
        return;
    }
    for (int i = 0; i < 4; i++) {
        char t[32];
        fprintf(out, " %s %-8s", names[i], time_format_human(explore_hist_percentile_ns(h, pm[i]), t, (int)sizeof t));
    }
    fprintf(out, " (%" PRIu64 " samples)\n", h->count);
}

void xr_print_text(FILE *out, const struct xr *x, const char *out_dir) {
    fprintf(out, "explore %s (%s)\n", x->scenario_name, x->scenario_path);
    fprintf(out, "  %" PRIu64 " seeds (%" PRIu64 "..%" PRIu64 "), faults: %s, shrink budget %d runs\n",
            x->seeds_run, x->seed_from, x->seed_from + x->seeds - 1, x->faults_mode, x->budget);
    if (x->shard_count > 1) {
        int have = __builtin_popcountll(x->shards_mask);
        if (have < x->shard_count) fprintf(out, "  partial: %d of %d shards\n", have, x->shard_count);
    }
    if (x->errors) {
        fprintf(out, "  %" PRIu64 " seed%s stopped early and were left out (%s), e.g. seed",
                x->errors, x->errors == 1 ? "" : "s", x->error_message);
        for (uint64_t i = 0; i < x->errors && i < XR_ERROR_SEEDS_KEPT; i++) {
            fprintf(out, " %" PRIu64, x->error_seeds[i]);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    int failed = 0;
    const struct xr_check *first_failed = NULL;
    for (int c = 0; c < x->checks_count; c++) {
        print_check(out, x, &x->checks[c], out_dir);
        if (x->checks[c].failing) {
            failed++;
            if (!first_failed) first_failed = &x->checks[c];
        }
    }
    if (x->checks_count == 0) fputs("no checks: the scenario has no `checks:`\n", out);
    fprintf(out, "\ndistributions over %" PRIu64 " seeds\n", x->seeds_run);
    print_dist(out, "time to elect a leader", &x->metrics.election);
    print_dist(out, "time to detect a failure (failover)", &x->metrics.failover);
    print_dist(out, "client latency (ok operations)", &x->metrics.latency);
    if (failed == 0) {
        fprintf(out, "\nresult: all %d checks held in all %" PRIu64 " seeds\n", x->checks_count, x->seeds_run);
    } else {
        fprintf(out, "\nresult: %d of %d checks failed", failed, x->checks_count);
        if (first_failed->repro.present) {
            char path[1100];
            xr_repro_path(first_failed, out_dir, path, sizeof path);
            fprintf(out, "   repro: dslab run %s", path);
        }
        fputc('\n', out);
    }
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') fprintf(out, "\\%c", *c);
        else if (*c == '\n') fputs("\\n", out);
        else if (*c < 0x20) fprintf(out, "\\u%04x", *c);
        else fputc(*c, out);
    }
    fputc('"', out);
}

static void json_hist(FILE *out, const char *name, const struct explore_hist *h) {
    fprintf(out, "\"%s\":{\"count\":%" PRIu64 ",\"buckets\":[", name, h->count);
    bool first = true;
    for (int i = 0; i < EXPLORE_HIST_BUCKETS; i++) {
        if (!h->buckets[i]) continue;
        fprintf(out, "%s[%d,%" PRIu64 "]", first ? "" : ",", i, h->buckets[i]);
        first = false;
    }
    fputs("]}", out);
}

static void json_repro(FILE *out, const struct xr_repro *r) {
    if (!r->present) {
        fputs("null", out);
        return;
    }
    fprintf(out, "{\"seed\":%" PRIu64 ",\"runs\":%d,\"minimal\":%s,\"faults_before\":%d,"
            "\"faults_after\":%d,\"violation_ns\":%" PRId64 ",\"verified\":%s,\"necessary\":[",
            r->seed, r->runs, r->minimal ? "true" : "false", r->faults_before, r->faults_after,
            r->violation_ns, r->verified ? "true" : "false");
    for (int i = 0; i < r->necessary_count; i++) {
        if (i) fputc(',', out);
        json_string(out, r->necessary[i]);
    }
    fputs("],\"yaml\":", out);
    json_string(out, r->yaml ? r->yaml : "");
    fputc('}', out);
}

void xr_print_json(FILE *out, const struct xr *x) {
    fputs("{\"dslab_explore\":1,\"scenario\":", out);
    json_string(out, x->scenario_path);
    fputs(",\"name\":", out);
    json_string(out, x->scenario_name);
    fprintf(out, ",\"scenario_hash\":\"%016" PRIx64 "\",\"faults\":\"%s\",\"budget\":%d,"
            "\"seed_from\":%" PRIu64 ",\"seeds\":%" PRIu64 ",\"shard_count\":%d,\"shards_mask\":%" PRIu64
            ",\"seeds_run\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"error_message\":",
            x->scenario_hash, x->faults_mode, x->budget, x->seed_from, x->seeds, x->shard_count,
            x->shards_mask, x->seeds_run, x->errors);
    json_string(out, x->error_message);
    fputs(",\"error_seeds\":[", out);
    for (uint64_t i = 0; i < x->errors && i < XR_ERROR_SEEDS_KEPT; i++) {
        fprintf(out, "%s%" PRIu64, i ? "," : "", x->error_seeds[i]);
    }
    fputs("],\"kinds_on\":[", out);
    for (int k = 0; k < EXPLORE_KIND_COUNT; k++) fprintf(out, "%s%" PRIu64, k ? "," : "", x->kinds_on[k]);
    fputs("],\"checks\":[", out);
    for (int c = 0; c < x->checks_count; c++) {
        const struct xr_check *xc = &x->checks[c];
        fprintf(out, "%s{\"name\":", c ? "," : "");
        json_string(out, xc->name);
        fprintf(out, ",\"failing\":%" PRIu64 ",\"unknown\":%" PRIu64 ",\"fails\":[", xc->failing, xc->unknown);
        for (uint64_t i = 0; i < xc->fails_count; i++) {
            fprintf(out, "%s[%" PRIu64 ",%" PRId64 ",%u]", i ? "," : "", xc->fails[i].seed,
                    xc->fails[i].at_ns, (unsigned)xc->fails[i].kinds_on);
        }
        fputs("],\"reproducer\":", out);
        json_repro(out, &xc->repro);
        fputc('}', out);
    }
    fputs("],\"metrics\":{", out);
    json_hist(out, "election", &x->metrics.election);
    fputc(',', out);
    json_hist(out, "failover", &x->metrics.failover);
    fputc(',', out);
    json_hist(out, "latency", &x->metrics.latency);
    fputs("}}\n", out);
}

/* ---- reproducer files ---------------------------------------------------- */

int xr_write_reproducers(const struct xr *x, const char *out_dir, char *err, int err_size) {
    bool made = false;
    for (int c = 0; c < x->checks_count; c++) {
        const struct xr_check *xc = &x->checks[c];
        if (!xc->repro.present || !xc->repro.yaml) continue;
        if (!made && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
            snprintf(err, (size_t)err_size, "%s: cannot create the directory: %s", out_dir, strerror(errno));
            return -1;
        }
        made = true;
        char path[1100];
        xr_repro_path(xc, out_dir, path, sizeof path);
        struct outfile out;
        struct diag d;
        diag_clear(&d);
        if (outfile_open(&out, path, &d) < 0) {
            diag_format(&d, err, err_size);
            return -1;
        }
        fputs(xc->repro.yaml, out.f);
        if (outfile_commit(&out, &d) < 0) {
            diag_format(&d, err, err_size);
            return -1;
        }
    }
    return 0;
}
