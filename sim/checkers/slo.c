/* slo.c: service level objectives, judged per run and per time window.
 * Ending with `after T` ("availability 90% of writes per 1s each after
 * 4s"), operations completed before T are not judged: an operator's goal,
 * "recovered within 2s of the alert at 2s".
 *
 *   slo: 99% of writes within 500ms        latency objective
 *   slo: 95% of requests within 200ms per 2s
 *   slo: availability 99.5% of reads       success objective
 *   slo: availability 99% of db requests   one class of requests
 *
 * Operation kinds: writes, reads, cas (client history only); requests,
 * ops (all of them: "request" annotations when the protocol writes them,
 * as retry-storm's clients do with text ok/fail and value = latency ns,
 * otherwise every client operation of the history). A word before
 * `requests` names a class: only "request" annotations whose text has
 * the token `class=NAME` (gateway's do) count, NAME compared without case.
 * From the history an operation counts as good when it completed ok
 * (within the bound, for latency objectives); fail and info (timed out)
 * are bad, and so is one still pending at the end if it has already
 * waited longer than the bound. Each sample belongs to the window of its
 * completion time (`per`, default 1s).
 *
 * The verdict is on the whole run: the fraction of good samples against
 * the target. With `each` after the window ("availability 50% of writes
 * per 1s each") every window with samples must meet the target, and a
 * run without any sample fails: an objective a fix meets by turning the
 * service off is not met (without `each`, such a run is not judged: the
 * verdict is unknown). When it misses, every run of consecutive windows that missed
 * is a violation (window, the nodes of its bad samples, up to 16 of them as
 * evidence). The summary gives the fraction achieved and, for latency
 * objectives, the latency at the target percentile (bad samples count as
 * infinitely slow, so "p99 = never" means over 1% failed). */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/check.h"
#include "dslab/time.h"
#include "scenario/units.h"

enum slo_kind { SLO_ALL, SLO_READS, SLO_WRITES, SLO_CAS };

struct slo_sample {
    int64_t t_ns;
    int64_t latency_ns; /* INT64_MAX = failed */
    uint64_t trace_id;
    int32_t node;
};

struct slo_state {
    uint32_t target_ppm;
    bool latency;        /* "within" objective; else availability */
    int64_t within_ns;
    int64_t window_ns;
    bool each;           /* every window must meet the target */
    int64_t after_ns;    /* `after T`: samples completed before T are not judged */
    enum slo_kind kind;
    char what[48];       /* "writes", "db requests", for messages */
    char class_name[32]; /* per-class objective: "db"; empty = every request */
    struct slo_sample *samples; /* owned */
    size_t count, capacity;
    bool from_annotations;
    bool out_of_memory;
};

/* --- parsing the objective ----------------------------------------------------- */

/* Splits `text` in place at blanks; returns the word count (max + 1 = too many). */
static int split_words(char *text, char **words, int max) {
    int n = 0;
    char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t') *p++ = 0;
        if (!*p) break;
        if (n == max) return max + 1;
        words[n++] = p;
        while (*p && *p != ' ' && *p != '\t') p++;
    }
    return n;
}

static bool parse_kind(struct slo_state *st, const char *w) {
    static const struct { const char *word; enum slo_kind kind; } kinds[] = {
        {"requests", SLO_ALL}, {"request", SLO_ALL}, {"ops", SLO_ALL}, {"operations", SLO_ALL},
        {"all", SLO_ALL},     {"writes", SLO_WRITES}, {"write", SLO_WRITES},
        {"reads", SLO_READS}, {"read", SLO_READS}, {"cas", SLO_CAS},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(w, kinds[i].word) == 0) {
            st->kind = kinds[i].kind;
            snprintf(st->what, sizeof st->what, "%s", w);
            return true;
        }
    }
    return false;
}

static bool parse_percent(const char *w, uint32_t *ppm) {
    char err[DSLAB_UNITS_ERR_MAX];
    size_t len = strlen(w);
    return len > 1 && w[len - 1] == '%' && units_parse_probability_ppm(w, ppm, err, sizeof err) == 0;
}

static bool parse_duration(const char *w, int64_t *ns) {
    char err[DSLAB_UNITS_ERR_MAX];
    return dslab_units_parse_duration_ns(w, false, ns, err, sizeof err) == 0 && *ns > 0;
}

/* The operations judged, at w[i]: a kind ("writes"), or a class and
 * `requests` ("db requests"). Returns the words used (1 or 2), 0 if none. */
static int parse_what(struct slo_state *st, char **w, int n, int i) {
    if (i < n && parse_kind(st, w[i])) return 1;
    if (i + 1 >= n || strlen(w[i]) >= sizeof st->class_name ||
        (strcmp(w[i + 1], "requests") != 0 && strcmp(w[i + 1], "request") != 0)) {
        return 0;
    }
    for (const char *p = w[i]; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') return 0;
    }
    st->kind = SLO_ALL;
    snprintf(st->class_name, sizeof st->class_name, "%s", w[i]);
    snprintf(st->what, sizeof st->what, "%s requests", w[i]);
    return 2;
}

/* Returns true when `args` is a well-formed objective. */
static bool parse_objective(struct slo_state *st, const char *args) {
    char text[256];
    char *w[12];
    snprintf(text, sizeof text, "%s", args);
    for (char *p = text; *p; p++) *p = (char)tolower((unsigned char)*p);
    int n = split_words(text, w, 12);
    if (n > 12) return false; /* more words than any objective has */
    int i = 0;
    st->window_ns = DSLAB_NS_PER_S;
    snprintf(st->what, sizeof st->what, "requests");
    if (n >= 2 && strcmp(w[0], "availability") == 0) {
        if (!parse_percent(w[1], &st->target_ppm)) return false;
        i = 2;
        if (i + 1 < n && strcmp(w[i], "of") == 0) {
            int used = parse_what(st, w, n, i + 1);
            if (used == 0) return false;
            i += 1 + used;
        }
    } else {
        int used = n >= 3 ? parse_what(st, w, n, 2) : 0;
        if (used == 0 || !parse_percent(w[0], &st->target_ppm) || strcmp(w[1], "of") != 0 ||
            2 + used + 1 >= n || strcmp(w[2 + used], "within") != 0 ||
            !parse_duration(w[2 + used + 1], &st->within_ns)) {
            return false;
        }
        st->latency = true;
        i = 2 + used + 2;
    }
    if (i + 1 < n && strcmp(w[i], "per") == 0) {
        if (!parse_duration(w[i + 1], &st->window_ns)) return false;
        i += 2;
        if (i < n && strcmp(w[i], "each") == 0) {
            st->each = true;
            i++;
        }
    }
    if (i + 1 < n && strcmp(w[i], "after") == 0) {
        char err[DSLAB_UNITS_ERR_MAX];
        if (dslab_units_parse_duration_ns(w[i + 1], false, &st->after_ns, err, sizeof err) != 0) return false;
        i += 2;
    }
    return i == n && st->target_ppm > 0;
}

static int slo_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                      void **state_out, struct dslab_diag *diag) {
    if (check_argument_required(s, check, "an objective such as '99% of writes within 500ms'",
                                "99% of writes within 500ms", diag) != 0) {
        return -1;
    }
    struct slo_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    if (!parse_objective(st, check->args)) {
        free(st);
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                        "slo takes an objective like '99%% of writes within 500ms', "
                        "'95%% of requests within 200ms per 2s', 'availability 99.9%%' or "
                        "'availability 50%% of writes per 1s each', optionally ending 'after 3s' (got '%s')",
                        check->args ? check->args : "");
    }
    *state_out = st;
    return 0;
}

static void add_sample(struct slo_state *st, int64_t t_ns, int64_t latency_ns, uint64_t trace_id,
                       int32_t node) {
    if (t_ns < st->after_ns) return; /* `after T`: before T is not judged */
    struct slo_sample *grown = grow_array(st->samples, &st->capacity, st->count, sizeof *grown, 1024);
    if (!grown) {
        st->out_of_memory = true;
        return;
    }
    st->samples = grown;
    st->samples[st->count++] = (struct slo_sample){t_ns, latency_ns, trace_id, node};
}

/* Does the annotation text carry the token class=NAME (any case)? */
static bool text_has_class(const char *text, const char *name) {
    size_t len = strlen(name);
    for (const char *p = strstr(text, "class="); p; p = strstr(p + 1, "class=")) {
        if (p != text && p[-1] != ' ') continue;
        const char *v = p + 6;
        size_t k = 0;
        while (k < len && v[k] && tolower((unsigned char)v[k]) == name[k]) k++;
        if (k == len && (v[k] == 0 || v[k] == ' ')) return true;
    }
    return false;
}

/* "request" annotations: the protocol's own account of logical requests. */
static void slo_on_event(void *state, const struct dslab_trace_event *ev) {
    struct slo_state *st = state;
    if (st->kind != SLO_ALL || ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag || !ev->text ||
        strcmp(ev->tag, "request") != 0) {
        return;
    }
    bool ok = strncmp(ev->text, "ok", 2) == 0;
    if (!ok && strncmp(ev->text, "fail", 4) != 0) return;
    st->from_annotations = true;
    if (st->class_name[0] && !text_has_class(ev->text, st->class_name)) return;
    add_sample(st, ev->t_ns, ok ? (ev->a < 0 ? 0 : ev->a) : INT64_MAX, ev->id, ev->node);
}

/* --- from the client history ------------------------------------------------------ */

struct slo_invoke {
    uint64_t op_id;
    const struct dslab_history_op *op;
};

static int invoke_cmp(const void *pa, const void *pb) {
    const struct slo_invoke *a = pa, *b = pb;
    return a->op_id < b->op_id ? -1 : (a->op_id > b->op_id ? 1 : 0);
}

static bool kind_matches(const struct slo_state *st, enum dslab_op_fn fn) {
    switch (st->kind) {
    case SLO_ALL: return true;
    case SLO_READS: return fn == DSLAB_OP_READ;
    case SLO_WRITES: return fn == DSLAB_OP_WRITE;
    case SLO_CAS: return fn == DSLAB_OP_CAS;
    }
    return false;
}

static void samples_from_history(struct slo_state *st, const struct dslab_history *h, int64_t end_ns) {
    struct slo_invoke *inv = malloc((h->count ? h->count : 1) * sizeof *inv);
    unsigned char *done = calloc(h->count ? h->count : 1, 1);
    if (!inv || !done) {
        free(inv);
        free(done);
        st->out_of_memory = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++) {
        if (h->ops[i].type == DSLAB_OP_INVOKE && kind_matches(st, h->ops[i].fn)) {
            inv[n++] = (struct slo_invoke){h->ops[i].op_id, &h->ops[i]};
        }
    }
    qsort(inv, n, sizeof *inv, invoke_cmp);
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->type == DSLAB_OP_INVOKE) continue;
        struct slo_invoke key = {op->op_id, NULL};
        struct slo_invoke *found = bsearch(&key, inv, n, sizeof *inv, invoke_cmp);
        if (!found || done[found - inv]) continue;
        done[found - inv] = 1;
        int64_t latency_ns = op->type == DSLAB_OP_OK ? op->time_ns - found->op->time_ns : INT64_MAX;
        add_sample(st, op->time_ns, latency_ns, op->trace_id, op->node);
    }
    for (size_t k = 0; k < n; k++) { /* still pending: bad once past the bound */
        int64_t waited_ns = end_ns - inv[k].op->time_ns;
        if (!done[k] && (!st->latency || waited_ns > st->within_ns)) {
            add_sample(st, end_ns, INT64_MAX, inv[k].op->trace_id, inv[k].op->node);
        }
    }
    free(inv);
    free(done);
}

/* --- the verdict -------------------------------------------------------------------- */

static bool good(const struct slo_state *st, const struct slo_sample *x) {
    return st->latency ? x->latency_ns <= st->within_ns : x->latency_ns != INT64_MAX;
}

static int sample_time_cmp(const void *pa, const void *pb) {
    const struct slo_sample *a = pa, *b = pb;
    if (a->t_ns != b->t_ns) return a->t_ns < b->t_ns ? -1 : 1;
    return a->trace_id < b->trace_id ? -1 : (a->trace_id > b->trace_id ? 1 : 0);
}

static int i64_cmp(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : (a > b ? 1 : 0);
}

static bool meets(const struct slo_state *st, size_t good_count, size_t total) {
    return (uint64_t)good_count * 1000000u >= (uint64_t)st->target_ppm * total;
}

/* One violation for samples [from, to) of a run of missed windows. */
static void report_windows(struct slo_state *st, size_t from, size_t to, int64_t w_from,
                           int64_t w_to, struct dslab_check_result *r) {
    size_t total = to - from, good_count = 0;
    for (size_t i = from; i < to; i++) good_count += good(st, &st->samples[i]);
    double pct = total ? 100.0 * (double)good_count / (double)total : 0.0;
    double target = (double)st->target_ppm / 10000.0;
    struct dslab_check_violation *v =
        st->latency
            ? dslab_check_result_add(r, w_from * st->window_ns, w_to * st->window_ns,
                               "%.1f%% of %zu %s within %lld ms (target %.4g%%)", pct, total,
                               st->what, (long long)(st->within_ns / DSLAB_NS_PER_MS), target)
            : dslab_check_result_add(r, w_from * st->window_ns, w_to * st->window_ns,
                               "%.1f%% of %zu %s succeeded (target %.4g%%)", pct, total, st->what,
                               target);
    if (!v) return;
    for (size_t i = from; i < to && v->evidence_count < DSLAB_CHECK_VIOLATION_EVIDENCE_MAX; i++) {
        if (good(st, &st->samples[i])) continue;
        dslab_check_violation_add_evidence(v, st->samples[i].trace_id);
        bool seen = false;
        for (int k = 0; k < v->nodes_count; k++) seen |= v->nodes[k] == st->samples[i].node;
        if (!seen && st->samples[i].node >= 0) dslab_check_violation_add_node(v, st->samples[i].node);
    }
}

/* True when every window with samples meets the target. */
static bool every_window_meets(const struct slo_state *st) {
    for (size_t i = 0; i < st->count;) {
        int64_t w = st->samples[i].t_ns / st->window_ns;
        size_t j = i, good_count = 0;
        for (; j < st->count && st->samples[j].t_ns / st->window_ns == w; j++) {
            good_count += good(st, &st->samples[j]);
        }
        if (!meets(st, good_count, j - i)) return false;
        i = j;
    }
    return true;
}

static void judge_windows(struct slo_state *st, struct dslab_check_result *r) {
    size_t i = 0;
    while (i < st->count) {
        int64_t w = st->samples[i].t_ns / st->window_ns;
        size_t j = i, good_count = 0;
        for (; j < st->count && st->samples[j].t_ns / st->window_ns == w; j++) {
            good_count += good(st, &st->samples[j]);
        }
        if (meets(st, good_count, j - i)) {
            i = j;
            continue;
        }
        size_t run_from = i;
        int64_t w_from = w, w_to = w + 1;
        i = j;
        while (i < st->count) { /* extend over following missed windows */
            int64_t w2 = st->samples[i].t_ns / st->window_ns;
            size_t k = i, g = 0;
            for (; k < st->count && st->samples[k].t_ns / st->window_ns == w2; k++) {
                g += good(st, &st->samples[k]);
            }
            if (meets(st, g, k - i) || w2 != w_to) break;
            w_to = w2 + 1;
            i = k;
        }
        report_windows(st, run_from, i, w_from, w_to, r);
    }
}

static void format_percentile(const struct slo_state *st, char *buf, size_t size) {
    buf[0] = 0;
    if (!st->latency || st->count == 0) return;
    int64_t *lat = malloc(st->count * sizeof *lat);
    if (!lat) return;
    for (size_t i = 0; i < st->count; i++) lat[i] = st->samples[i].latency_ns;
    qsort(lat, st->count, sizeof *lat, i64_cmp);
    uint64_t rank = ((uint64_t)st->target_ppm * st->count + 999999u) / 1000000u;
    int64_t x = lat[rank > 0 ? rank - 1 : 0];
    if (x == INT64_MAX) snprintf(buf, size, ", p%.4g = never (too many failed)", (double)st->target_ppm / 10000.0);
    else snprintf(buf, size, ", p%.4g = %.1f ms", (double)st->target_ppm / 10000.0, (double)x / 1e6);
    free(lat);
}

static void slo_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                       struct dslab_check_result *result) {
    struct slo_state *st = state;
    if (!st->from_annotations) samples_from_history(st, history, end_ns);
    if (st->count > 1) qsort(st->samples, st->count, sizeof *st->samples, sample_time_cmp);
    size_t good_count = 0;
    for (size_t i = 0; i < st->count; i++) good_count += good(st, &st->samples[i]);
    bool pass = meets(st, good_count, st->count);
    if (st->each) pass = st->count > 0 && every_window_meets(st);
    if (!pass) judge_windows(st, result);
    if (!pass && st->count == 0) {
        dslab_check_result_add(result, 0, end_ns, "no %s at all: nothing was served", st->what);
    }
    result->verdict = pass ? DSLAB_CHECK_PASS : DSLAB_CHECK_FAIL;
    if (st->out_of_memory) result->verdict = DSLAB_CHECK_UNKNOWN;
    if (pass && st->count == 0) {
        check_not_judged(result, "no %s to measure (%s)", st->what,
                         st->from_annotations ? "annotations" : "history");
        return;
    }
    char pctl[64];
    format_percentile(st, pctl, sizeof pctl);
    double pct = st->count ? 100.0 * (double)good_count / (double)st->count : 100.0;
    snprintf(result->summary, sizeof result->summary, "%.2f%% of %zu %s (%s) %s%s, target %.4g%%",
             pct, st->count, st->what, st->from_annotations ? "annotations" : "history",
             st->latency ? "within bound" : "succeeded", pctl, (double)st->target_ppm / 10000.0);
}

static void slo_destroy(void *state) {
    struct slo_state *st = state;
    if (!st) return;
    free(st->samples);
    free(st);
}

const struct dslab_checker checker_slo = CHECKER(slo, "slo",
    "an objective like '99% of writes within 500ms' or 'availability 99%', per run and window");
