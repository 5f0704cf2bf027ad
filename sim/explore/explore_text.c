/* explore_text.c: the summary of an exploration for people (dslab_xr_print_text,
 * dslab/explore.h; the --json results are explore_json.c). A function of
 * struct dslab_xr only, so identical for any --jobs and for merged shards.
 * Nothing here reads the clock: the wall time and seeds/s are the
 * caller's.
 * Text that came from outside (paths, messages, a shard's descriptions)
 * is printed through dslab_printable() and repro lines through dslab_shell_quote()
 * (dslab/quote.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dslab/quote.h"
#include "dslab/time.h"
#include "explore/explore_results.h"
#include "scenario/load_internal.h"

/* ---- text ---------------------------------------------------------------- */

static void print_percent(FILE *out, uint64_t part, uint64_t whole) {
    /* Integer per-mille, rounded: the same text on every machine. */
    uint64_t pm = whole ? (part * 1000 + whole / 2) / whole : 0;
    fprintf(out, "%" PRIu64 ".%" PRIu64 "%%", pm / 10, pm % 10);
}

static void print_kinds(FILE *out, const struct dslab_xr *x, const struct dslab_xr_check *c) {
    uint64_t in_failing[DSLAB_EXPLORE_KIND_COUNT] = {0};
    for (uint64_t i = 0; i < c->fails_count; i++) {
        for (int k = 0; k < DSLAB_EXPLORE_KIND_COUNT; k++) in_failing[k] += (c->fails[i].kinds_on >> k) & 1u;
    }
    bool any = false;
    for (int k = 0; k < DSLAB_EXPLORE_KIND_COUNT; k++) any |= x->kinds_on[k] > 0;
    if (!any || c->fails_count == 0) return;
    fprintf(out, "  fault kinds on in failing seeds (in all seeds):");
    for (int k = 0; k < DSLAB_EXPLORE_KIND_COUNT; k++) {
        if (x->kinds_on[k] == 0) continue;
        fprintf(out, " %s ", scenario_explore_kind_name(k));
        print_percent(out, in_failing[k], c->fails_count);
        fputs(" (", out);
        print_percent(out, x->kinds_on[k], x->seeds_run);
        fputs(")", out);
    }
    fputc('\n', out);
}

/* What the re-run of the written file showed; a stopped one says after how
 * many events (its bound is in events, DSLAB_XR_RERUN_EVENTS_MAX). */
static void print_rerun_note(FILE *out, const struct dslab_xr_repro *r) {
    switch (r->rerun) {
    case DSLAB_XR_RERUN_FAILS: fputs("   (checked: it fails)", out); return;
    case DSLAB_XR_RERUN_HOLDS: fputs("   (re-run: the check HELD, this file does not reproduce it)", out); return;
    case DSLAB_XR_RERUN_STOPPED:
        fputs("   (not checked: the re-run stopped early", out);
        if (r->rerun_events > 0) fprintf(out, ", after %" PRIu64 " events", r->rerun_events);
        fputs(")", out);
        return;
    case DSLAB_XR_NOT_RERUN: break;
    }
    fputs("   (not checked)", out);
}

static void print_repro(FILE *out, const struct dslab_xr *x, const struct dslab_xr_check *c, const char *out_dir) {
    const struct dslab_xr_repro *r = &c->repro;
    char path[1100], t[32], shown[1200];
    xr_repro_path(c, out_dir, path, sizeof path);
    dslab_shell_quote(path, shown, sizeof shown);
    fprintf(out, "  minimal reproducer: %s\n", shown);
    fprintf(out, "    seed %" PRIu64 ": shrunk from %d to %d fault%s in %d runs; violation at %s\n",
            r->seed, r->faults_before, r->faults_after, r->faults_after == 1 ? "" : "s", r->runs,
            dslab_time_format_human(r->violation_ns, t, (int)sizeof t));
    if (r->faults_after == 0) {
        fprintf(out, "    no fault is needed: the check fails with this seed alone\n");
    } else {
        fprintf(out, "    %s\n", r->minimal ? "every fault left is necessary (without any one of them the check passes):"
                                             : "faults left (the shrink budget ran out before each was shown necessary):");
    }
    for (int i = 0; i < r->necessary_count; i++) {
        char buf[400];
        fprintf(out, "      - %s\n", dslab_printable(r->necessary[i], buf, sizeof buf));
    }
    fprintf(out, "    replay: dslab run %s", shown);
    print_rerun_note(out, r);
    fputc('\n', out);
    int also = 0;
    for (int k = 0; k < x->checks_count && k < 64; k++) {
        if (&x->checks[k] == c || !(r->rerun_failed_mask & (UINT64_C(1) << k))) continue;
        fprintf(out, "%s%s", also++ ? ", " : "    it also fails: ", x->checks[k].name);
    }
    if (also) fputc('\n', out);
    fprintf(out, "    watch:  dslab viz %s\n", shown);
}

/* The first check whose reproducer's re-run also failed check ci, or NULL.
 * A shrunk schedule is not one of the explored seeds: a check that held in
 * every seed can fail there, and then "held" alone would be a false claim
 * next to a printed reproducer that breaks it. */
static const struct dslab_xr_check *repro_breaking(const struct dslab_xr *x, int ci) {
    if (ci < 0 || ci >= 64) return NULL;
    for (int k = 0; k < x->checks_count; k++) {
        const struct dslab_xr_repro *r = &x->checks[k].repro;
        if (k != ci && r->present && (r->rerun_failed_mask & (UINT64_C(1) << ci))) return &x->checks[k];
    }
    return NULL;
}

static void print_check(FILE *out, const struct dslab_xr *x, int ci, const char *out_dir) {
    const struct dslab_xr_check *c = &x->checks[ci];
    if (c->failing == 0) {
        const struct dslab_xr_check *other = repro_breaking(x, ci);
        fprintf(out, "check %s: held in all %" PRIu64 " seeds%s", c->name, x->seeds_run,
                other ? " explored" : "");
        if (c->unknown) fprintf(out, " (no verdict in %" PRIu64 ")", c->unknown);
        if (other) {
            char path[1100], shown[1200];
            xr_repro_path(other, out_dir, path, sizeof path);
            dslab_shell_quote(path, shown, sizeof shown);
            fprintf(out, ", but FAILS in the reproducer of %s (its shrunk fault schedule is not one of "
                    "those seeds): dslab run %s", other->name, shown);
        }
        fputc('\n', out);
        return;
    }
    fprintf(out, "check %s: FAILED in %" PRIu64 " of %" PRIu64 " seeds (", c->name, c->failing, x->seeds_run);
    print_percent(out, c->failing, x->seeds_run);
    fputs(")", out);
    if (c->unknown) fprintf(out, ", no verdict in %" PRIu64, c->unknown);
    fputs("\n  first failing seeds:", out);
    for (uint64_t i = 0; i < c->fails_count && i < DSLAB_XR_FIRST_SEEDS_SHOWN; i++) {
        char t[32];
        fprintf(out, "%s %" PRIu64 " (violation at %s)", i ? "," : "", c->fails[i].seed,
                dslab_time_format_human(c->fails[i].at_ns, t, (int)sizeof t));
    }
    fputc('\n', out);
    if (c->repro.present) print_repro(out, x, c, out_dir);
    else if (x->budget == 0) fputs("  no reproducer: shrinking is off (--budget 0)\n", out);
    print_kinds(out, x, c);
}

static void print_dist(FILE *out, const char *label, const struct dslab_explore_hist *h) {
    static const int pm[] = {500, 900, 990, 1000};
    static const char *const names[] = {"p50", "p90", "p99", "max"};
    fprintf(out, "  %-36s", label);
    if (h->count == 0) {
        fputs("no samples\n", out);
        return;
    }
    for (int i = 0; i < 4; i++) {
        char t[32];
        fprintf(out, " %s %-8s", names[i], dslab_time_format_human(dslab_explore_hist_percentile_ns(h, pm[i]), t, (int)sizeof t));
    }
    fprintf(out, " (%" PRIu64 " samples)\n", h->count);
}

void dslab_xr_print_text(FILE *out, const struct dslab_xr *x, const char *out_dir) {
    char name_buf[300], path_buf[2100];
    fprintf(out, "explore %s (%s)\n", dslab_printable(x->scenario_name, name_buf, sizeof name_buf),
            dslab_printable(x->scenario_path, path_buf, sizeof path_buf));
    fprintf(out, "  %" PRIu64 " seeds (%" PRIu64 "..%" PRIu64 "), faults: %s, shrink budget %d runs\n",
            x->seeds_run, x->seed_from, x->seed_from + x->seeds - 1, x->faults_mode, x->budget);
    if (x->shard_count > 1) {
        int have = __builtin_popcountll(x->shards_mask);
        if (have < x->shard_count) fprintf(out, "  partial: %d of %d shards\n", have, x->shard_count);
    }
    if (x->errors) {
        char message[700];
        fprintf(out, "  %" PRIu64 " seed%s stopped early and were left out (%s), e.g. seed",
                x->errors, x->errors == 1 ? "" : "s", dslab_printable(x->error_message, message, sizeof message));
        for (uint64_t i = 0; i < x->errors && i < DSLAB_XR_ERROR_SEEDS_KEPT; i++) {
            fprintf(out, " %" PRIu64, x->error_seeds[i]);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    int failed = 0;
    const struct dslab_xr_check *first_failed = NULL;
    int failed_in_repro_only = 0;
    for (int c = 0; c < x->checks_count; c++) {
        print_check(out, x, c, out_dir);
        if (x->checks[c].failing) {
            failed++;
            if (!first_failed) first_failed = &x->checks[c];
        } else if (repro_breaking(x, c)) {
            failed++;
            failed_in_repro_only++;
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
        if (failed_in_repro_only) fprintf(out, " (%d only in a reproducer)", failed_in_repro_only);
        if (first_failed && first_failed->repro.present) {
            char path[1100], shown[1200];
            xr_repro_path(first_failed, out_dir, path, sizeof path);
            dslab_shell_quote(path, shown, sizeof shown);
            fprintf(out, "   repro: dslab run %s", shown);
        }
        fputc('\n', out);
    }
}
