/* explore_merge.c: `dslab explore --merge FILES...`: reads the --json
 * results of shards back (from memory: explore_merge_file.c reads the
 * files) and merges them into one struct dslab_xr, from which the same summary
 * is printed as from one run over all seeds.
 *
 * Shards come from other machines (GNU parallel, Slurm), so a results file
 * is hostile input. It is parsed by Jansson (duplicate keys, NUL in
 * strings, invalid UTF-8 and out-of-range integers are parse errors; the
 * parsed tree may use at most DSLAB_XR_PARSE_MEMORY_MAX), then every field is
 * validated into a fresh struct dslab_xr before anything is merged: no unknown
 * keys, every number in its documented range, check names plain and known
 * to dslab (they become file names), texts free of control characters,
 * every seed inside the shards the file claims, counts consistent with the
 * seeds listed, the reproducer a scenario that loads and has the check.
 * Only then is it merged: same exploration (scenario hash, name, fault
 * mode, budget, seed range, shard count, checks), no shard twice. Failing
 * seeds are merged in seed order; a check's reproducer is the one of its
 * lowest failing seed, as a single run would have shrunk. Counts and
 * histograms are sums. Nothing here reads or writes files (cli/ does). */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/limits.h"
#include "explore/explore_results.h"

/* Texts of a results file: longest accepted (bytes). */
#define SCENARIO_PATH_BYTES_MAX 511
#define ERROR_MESSAGE_BYTES_MAX 159
#define NECESSARY_BYTES_MAX 299
/* Histogram counts stay below 2^53 (exact in any JSON reader). */
#define HIST_COUNT_MAX (INT64_C(1) << 53)
/* Faults in a seed's schedule before shrinking: the file's and the drawn
 * episodes (two faults each). */
#define REPRO_FAULTS_MAX (4 * DSLAB_FAULTS_MAX)

/* ---- Jansson's memory, bounded ------------------------------------------- */

/* Jansson allocates through these while a file is parsed and its tree
 * freed: a header records each block's size so the total is known. */
static size_t parse_bytes_used;
static bool parse_memory_exhausted;

union block_header {
    size_t size;
    max_align_t align;
};

static void *bounded_malloc(size_t size) {
    size_t need = size + sizeof(union block_header);
    if (size > DSLAB_XR_PARSE_MEMORY_MAX || parse_bytes_used + need > DSLAB_XR_PARSE_MEMORY_MAX) {
        parse_memory_exhausted = true;
        return NULL;
    }
    union block_header *h = malloc(need);
    if (!h) {
        parse_memory_exhausted = true;
        return NULL;
    }
    h->size = need;
    parse_bytes_used += need;
    return h + 1;
}

static void bounded_free(void *p) {
    if (!p) return;
    union block_header *h = (union block_header *)p - 1;
    parse_bytes_used -= h->size;
    free(h);
}

/* ---- validation helpers ---------------------------------------------------- */

struct rd {
    const char *name; /* the file, for messages */
    char *err;
    int err_size;
};

/* "NAME: error: WHERE.KEY: message"; returns -1. */
static int bad(struct rd *r, const char *where, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(struct rd *r, const char *where, const char *key, const char *fmt, ...) {
    int n = snprintf(r->err, (size_t)r->err_size, "%s: error: %s%s%s%s", r->name, where,
                     where[0] && key[0] ? "." : "", key, where[0] || key[0] ? ": " : "");
    if (n < 0 || n >= r->err_size) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, (size_t)(r->err_size - n), fmt, ap);
    va_end(ap);
    return -1;
}

static const char *type_name(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE: return "true or false";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* Rejects members not in keys (a NULL-terminated list). */
static int only_keys(struct rd *r, const json_t *obj, const char *where, const char *const *keys) {
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        bool known = false;
        for (int i = 0; keys[i] && !known; i++) known = strcmp(keys[i], key) == 0;
        if (!known) {
            char shown[40];
            size_t n = 0;
            for (const char *c = key; *c && n + 5 < sizeof shown; c++) { /* dslab_printable ASCII only */
                shown[n++] = *c >= 0x20 && *c < 0x7f ? *c : '?';
            }
            shown[n] = 0;
            return bad(r, where, "", "unknown member '%s%s'", shown, key[n] ? "..." : "");
        }
    }
    (void)value;
    return 0;
}

static const json_t *member(struct rd *r, const json_t *obj, const char *where, const char *key,
                            json_type type) {
    const json_t *v = json_object_get(obj, key);
    if (!v) {
        bad(r, where, key, "missing");
        return NULL;
    }
    bool ok = json_typeof(v) == type ||
              (type == JSON_TRUE && json_typeof(v) == JSON_FALSE);
    if (!ok) {
        static const char *const want[] = {"an object", "a list", "a string", "an integer",
                                           "a number", "true or false", "true or false", "null"};
        bad(r, where, key, "expected %s, got %s", want[type], type_name(v));
        return NULL;
    }
    return v;
}

static int int_in(struct rd *r, const json_t *v, const char *where, const char *key, int64_t lo,
                  int64_t hi, int64_t *out) {
    if (!json_is_integer(v)) return bad(r, where, key, "expected an integer, got %s", type_name(v));
    json_int_t n = json_integer_value(v);
    if (n < lo || n > hi) {
        return bad(r, where, key, "%lld is out of range (%" PRId64 " to %" PRId64 ")", (long long)n, lo, hi);
    }
    *out = (int64_t)n;
    return 0;
}

static int int_member(struct rd *r, const json_t *obj, const char *where, const char *key, int64_t lo,
                      int64_t hi, int64_t *out) {
    const json_t *v = member(r, obj, where, key, JSON_INTEGER);
    return v ? int_in(r, v, where, key, lo, hi, out) : -1;
}

static int bool_member(struct rd *r, const json_t *obj, const char *where, const char *key, bool *out) {
    const json_t *v = member(r, obj, where, key, JSON_TRUE);
    if (!v) return -1;
    *out = json_is_true(v);
    return 0;
}

/* A text of at most max bytes without control characters (C0, DEL, C1;
 * newlines and tabs too unless lines): Jansson has checked it is UTF-8
 * without NUL. */
static int text_ok(struct rd *r, const json_t *v, const char *where, const char *key, size_t max,
                   bool lines, const char **out) {
    if (!json_is_string(v)) return bad(r, where, key, "expected a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len > max) return bad(r, where, key, "a text of %zu bytes (at most %zu)", len, max);
    if (strlen(s) != len) return bad(r, where, key, "a NUL character in a text");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool control = c < 0x20 || c == 0x7f ||
                       (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] < 0xA0);
        if (control && !(lines && (c == '\n' || c == '\t'))) {
            return bad(r, where, key, "a control character (byte %zu) in a text", i);
        }
    }
    *out = s;
    return 0;
}

static int text_member(struct rd *r, const json_t *obj, const char *where, const char *key, size_t max,
                       bool lines, const char **out) {
    const json_t *v = member(r, obj, where, key, JSON_STRING);
    return v ? text_ok(r, v, where, key, max, lines, out) : -1;
}

/* ---- the seeds of shards ----------------------------------------------------- */

static bool seed_in_shards(const struct dslab_xr *s, uint64_t seed) {
    if (seed < s->seed_from || seed - s->seed_from >= s->seeds) return false;
    uint64_t k = (seed - s->seed_from) % (uint64_t)s->shard_count;
    return (s->shards_mask >> k) & 1u;
}

static uint64_t seeds_in_shards(const struct dslab_xr *s) {
    uint64_t n = 0, m = (uint64_t)s->shard_count;
    for (uint64_t i = 0; i < m; i++) {
        if ((s->shards_mask >> i) & 1u && i < s->seeds) n += (s->seeds - i + m - 1) / m;
    }
    return n;
}

/* ---- reading one file into a fresh struct dslab_xr ---------------------------------- */

static int read_header(struct rd *r, const json_t *root, struct dslab_xr *s) {
    const json_t *v = member(r, root, "", "dslab_explore", JSON_INTEGER);
    if (!v) return -1;
    if (json_integer_value(v) != DSLAB_XR_FORMAT_VERSION) {
        return bad(r, "", "dslab_explore", "results format %lld; this dslab reads format %d "
                   "(run the shard again with this version of dslab)",
                   (long long)json_integer_value(v), DSLAB_XR_FORMAT_VERSION);
    }
    const char *text = "";
    if (text_member(r, root, "", "scenario", SCENARIO_PATH_BYTES_MAX, false, &text) < 0) return -1;
    memcpy(s->scenario_path, text, strlen(text) + 1);
    if (text_member(r, root, "", "name", sizeof s->scenario_name - 1, false, &text) < 0) return -1;
    for (const char *c = text; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
            return bad(r, "", "name", "a scenario name is lower-case letters, digits and '-'");
        }
    }
    if (!text[0]) return bad(r, "", "name", "empty");
    memcpy(s->scenario_name, text, strlen(text) + 1);
    if (text_member(r, root, "", "scenario_hash", 16, false, &text) < 0) return -1;
    bool hex = strlen(text) == 16;
    for (const char *c = text; *c && hex; c++) hex = (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f');
    if (!hex) return bad(r, "", "scenario_hash", "expected 16 lower-case hex digits");
    s->scenario_hash = strtoull(text, NULL, 16);
    if (text_member(r, root, "", "faults", 15, false, &text) < 0) return -1;
    if (strcmp(text, "random") != 0 && strcmp(text, "scenario") != 0 && strcmp(text, "both") != 0) {
        return bad(r, "", "faults", "expected random, scenario or both");
    }
    memcpy(s->faults_mode, text, strlen(text) + 1);
    int64_t n;
    if (int_member(r, root, "", "budget", 0, DSLAB_XR_BUDGET_MAX, &n) < 0) return -1;
    s->budget = (int)n;
    if (int_member(r, root, "", "seed_from", 0, (int64_t)DSLAB_XR_FROM_MAX, &n) < 0) return -1;
    s->seed_from = (uint64_t)n;
    if (int_member(r, root, "", "seeds", 1, (int64_t)DSLAB_XR_SEEDS_MAX, &n) < 0) return -1;
    s->seeds = (uint64_t)n;
    if (int_member(r, root, "", "shard_count", 1, DSLAB_XR_SHARDS_MAX, &n) < 0) return -1;
    s->shard_count = (int)n;
    const json_t *shards = member(r, root, "", "shards", JSON_ARRAY);
    if (!shards) return -1;
    if (json_array_size(shards) == 0) return bad(r, "", "shards", "no shard listed");
    size_t i;
    json_t *e;
    json_array_foreach(shards, i, e) {
        if (int_in(r, e, "", "shards", 1, s->shard_count, &n) < 0) return -1;
        uint64_t bit = UINT64_C(1) << (n - 1);
        if (s->shards_mask & bit) return bad(r, "", "shards", "shard %" PRId64 " is listed twice", n);
        s->shards_mask |= bit;
    }
    return 0;
}

static int read_errors(struct rd *r, const json_t *root, struct dslab_xr *s, uint64_t seeds_total) {
    int64_t n;
    if (int_member(r, root, "", "seeds_run", 0, (int64_t)seeds_total, &n) < 0) return -1;
    s->seeds_run = (uint64_t)n;
    if (int_member(r, root, "", "errors", 0, (int64_t)seeds_total, &n) < 0) return -1;
    s->errors = (uint64_t)n;
    if (s->seeds_run + s->errors != seeds_total) {
        return bad(r, "", "seeds_run", "%" PRIu64 " seeds run and %" PRIu64 " stopped early, but the "
                   "shards listed have %" PRIu64 " seeds", s->seeds_run, s->errors, seeds_total);
    }
    const char *text = "";
    if (text_member(r, root, "", "error_message", ERROR_MESSAGE_BYTES_MAX, false, &text) < 0) return -1;
    if (s->errors == 0 && text[0]) return bad(r, "", "error_message", "a message but no errors");
    memcpy(s->error_message, text, strlen(text) + 1);
    const json_t *es = member(r, root, "", "error_seeds", JSON_ARRAY);
    if (!es) return -1;
    uint64_t want = s->errors < DSLAB_XR_ERROR_SEEDS_KEPT ? s->errors : DSLAB_XR_ERROR_SEEDS_KEPT;
    if (json_array_size(es) != want) {
        return bad(r, "", "error_seeds", "%zu seeds listed, expected %" PRIu64, json_array_size(es), want);
    }
    size_t i;
    json_t *e;
    json_array_foreach(es, i, e) {
        if (int_in(r, e, "", "error_seeds", 0, INT64_MAX, &n) < 0) return -1;
        if (!seed_in_shards(s, (uint64_t)n) || (i > 0 && (uint64_t)n <= s->error_seeds[i - 1])) {
            return bad(r, "", "error_seeds", "seed %" PRId64 " is not in the shards listed or out of order", n);
        }
        s->error_seeds[i] = (uint64_t)n;
    }
    const json_t *kinds = member(r, root, "", "kinds_on", JSON_ARRAY);
    if (!kinds) return -1;
    if (json_array_size(kinds) != DSLAB_EXPLORE_KIND_COUNT) {
        return bad(r, "", "kinds_on", "expected %d counts", DSLAB_EXPLORE_KIND_COUNT);
    }
    json_array_foreach(kinds, i, e) {
        if (int_in(r, e, "", "kinds_on", 0, (int64_t)s->seeds_run, &n) < 0) return -1;
        s->kinds_on[i] = (uint64_t)n;
    }
    return 0;
}

static int read_hist(struct rd *r, const json_t *metrics, const char *name, struct dslab_explore_hist *h) {
    char where[40];
    snprintf(where, sizeof where, "metrics.%s", name);
    const json_t *v = member(r, metrics, "metrics", name, JSON_OBJECT);
    if (!v) return -1;
    static const char *const keys[] = {"count", "buckets", NULL};
    if (only_keys(r, v, where, keys) < 0) return -1;
    int64_t n;
    if (int_member(r, v, where, "count", 0, HIST_COUNT_MAX, &n) < 0) return -1;
    h->count = (uint64_t)n;
    const json_t *buckets = member(r, v, where, "buckets", JSON_ARRAY);
    if (!buckets) return -1;
    uint64_t sum = 0;
    int64_t last = -1;
    size_t i;
    json_t *b;
    json_array_foreach(buckets, i, b) {
        int64_t index, count;
        if (!json_is_array(b) || json_array_size(b) != 2) {
            return bad(r, where, "buckets", "expected [bucket, count] pairs");
        }
        if (int_in(r, json_array_get(b, 0), where, "buckets", last + 1, DSLAB_EXPLORE_HIST_BUCKETS - 1, &index) < 0 ||
            int_in(r, json_array_get(b, 1), where, "buckets", 1, HIST_COUNT_MAX, &count) < 0) {
            return -1;
        }
        h->buckets[index] = (uint64_t)count;
        sum += (uint64_t)count;
        last = index;
        if (sum > (uint64_t)HIST_COUNT_MAX) break;
    }
    if (sum != h->count) {
        return bad(r, where, "buckets", "the buckets hold %" PRIu64 " samples, count says %" PRIu64, sum, h->count);
    }
    return 0;
}

/* The reproducer text must load as a scenario with the check and the seed. */
static int check_repro_yaml(struct rd *r, const char *where, const struct dslab_xr_check *c) {
    char file[128];
    if (xr_repro_file_name(c, file, sizeof file) < 0) return bad(r, where, "yaml", "no file name");
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *sc = dslab_scenario_load_buffer(c->repro.yaml, strlen(c->repro.yaml), file, NULL, 0, NULL, &d);
    if (!sc) {
        char msg[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
        dslab_diag_format(&d, msg, (int)sizeof msg);
        for (char *m = msg; *m; m++) { /* one line, dslab_printable */
            if ((unsigned char)*m < 0x20 || *m == 0x7f) *m = ' ';
        }
        return bad(r, where, "yaml", "not a scenario dslab can load: %s", msg);
    }
    bool has_check = false;
    for (int i = 0; i < sc->checks_count; i++) has_check |= strcmp(sc->checks[i].name, c->name) == 0;
    uint64_t seed = sc->seed;
    dslab_scenario_free(sc);
    if (!has_check) return bad(r, where, "yaml", "the scenario has no check %s", c->name);
    if (seed != c->repro.seed) {
        return bad(r, where, "yaml", "the scenario's seed %" PRIu64 " is not the reproducer's %" PRIu64,
                   seed, c->repro.seed);
    }
    return 0;
}

static int read_repro(struct rd *r, const json_t *v, const char *where, const struct dslab_xr *s, struct dslab_xr_check *c) {
    static const char *const keys[] = {"seed", "runs", "minimal", "faults_before", "faults_after",
                                       "violation_ns", "verified", "necessary", "yaml", NULL};
    if (only_keys(r, v, where, keys) < 0) return -1;
    struct dslab_xr_repro *p = &c->repro;
    int64_t n;
    if (int_member(r, v, where, "seed", 0, INT64_MAX, &n) < 0) return -1;
    p->seed = (uint64_t)n;
    if (p->seed != c->fails[0].seed) {
        return bad(r, where, "seed", "%" PRIu64 " is not the check's first failing seed %" PRIu64,
                   p->seed, c->fails[0].seed);
    }
    if (int_member(r, v, where, "runs", 0, s->budget + 1, &n) < 0) return -1;
    p->runs = (int)n;
    if (bool_member(r, v, where, "minimal", &p->minimal) < 0) return -1;
    if (int_member(r, v, where, "faults_before", 0, REPRO_FAULTS_MAX, &n) < 0) return -1;
    p->faults_before = (int)n;
    if (int_member(r, v, where, "faults_after", 0, p->faults_before, &n) < 0) return -1;
    p->faults_after = (int)n;
    if (int_member(r, v, where, "violation_ns", -1, DSLAB_DURATION_NS_MAX, &p->violation_ns) < 0) return -1;
    bool claimed;
    if (bool_member(r, v, where, "verified", &claimed) < 0) return -1;
    p->rerun = DSLAB_XR_NOT_RERUN; /* what another machine claims is not a check here */
    const json_t *nec = member(r, v, where, "necessary", JSON_ARRAY);
    if (!nec) return -1;
    if (json_array_size(nec) != (size_t)p->faults_after) {
        return bad(r, where, "necessary", "%zu faults described, faults_after is %d", json_array_size(nec),
                   p->faults_after);
    }
    p->necessary = calloc((size_t)p->faults_after + 1, sizeof *p->necessary);
    if (!p->necessary) return bad(r, where, "necessary", "out of memory");
    size_t i;
    json_t *e;
    json_array_foreach(nec, i, e) {
        const char *text = "";
        if (text_ok(r, e, where, "necessary", NECESSARY_BYTES_MAX, false, &text) < 0) return -1;
        if (!(p->necessary[i] = strdup(text))) return bad(r, where, "necessary", "out of memory");
        p->necessary_count++;
    }
    const char *yaml = "";
    if (text_member(r, v, where, "yaml", DSLAB_SCENARIO_BYTES_MAX, true, &yaml) < 0) return -1;
    if (!yaml[0]) return bad(r, where, "yaml", "empty");
    if (!(p->yaml = strdup(yaml))) return bad(r, where, "yaml", "out of memory");
    p->present = true;
    return check_repro_yaml(r, where, c);
}

static int read_check(struct rd *r, const json_t *v, const char *where, const struct dslab_xr *s, struct dslab_xr_check *c) {
    if (!json_is_object(v)) return bad(r, where, "", "expected an object, got %s", type_name(v));
    static const char *const keys[] = {"name", "failing", "unknown", "fails", "reproducer", NULL};
    if (only_keys(r, v, where, keys) < 0) return -1;
    const char *name = "";
    if (text_member(r, v, where, "name", sizeof c->name - 1, false, &name) < 0) return -1;
    memcpy(c->name, name, strlen(name) + 1);
    if (!xr_check_name_ok(c->name)) {
        return bad(r, where, "name", "'%s' is not a check dslab knows (names are a-z, 0-9, '-' and '_')", c->name);
    }
    int64_t n;
    if (int_member(r, v, where, "failing", 0, (int64_t)s->seeds_run, &n) < 0) return -1;
    c->failing = (uint64_t)n;
    if (int_member(r, v, where, "unknown", 0, (int64_t)s->seeds_run, &n) < 0) return -1;
    c->unknown = (uint64_t)n;
    const json_t *fails = member(r, v, where, "fails", JSON_ARRAY);
    if (!fails) return -1;
    if (json_array_size(fails) != c->failing) {
        return bad(r, where, "fails", "%zu seeds listed, failing says %" PRIu64, json_array_size(fails), c->failing);
    }
    size_t i;
    json_t *e;
    json_array_foreach(fails, i, e) {
        int64_t seed, at_ns, kinds;
        if (!json_is_array(e) || json_array_size(e) != 3) {
            return bad(r, where, "fails", "expected [seed, violation_ns, kinds] triples");
        }
        if (int_in(r, json_array_get(e, 0), where, "fails", 0, INT64_MAX, &seed) < 0 ||
            int_in(r, json_array_get(e, 1), where, "fails", 0, DSLAB_DURATION_NS_MAX, &at_ns) < 0 ||
            int_in(r, json_array_get(e, 2), where, "fails", 0, (INT64_C(1) << DSLAB_EXPLORE_KIND_COUNT) - 1, &kinds) < 0) {
            return -1;
        }
        if (!seed_in_shards(s, (uint64_t)seed) || (i > 0 && (uint64_t)seed <= c->fails[i - 1].seed)) {
            return bad(r, where, "fails", "seed %" PRId64 " is not in the shards listed or out of order", seed);
        }
        struct dslab_xr_fail f = {(uint64_t)seed, at_ns, (uint32_t)kinds};
        if (xr_add_fail(c, &f) < 0) return bad(r, where, "fails", "out of memory");
    }
    const json_t *repro = json_object_get(v, "reproducer");
    if (!repro) return bad(r, where, "reproducer", "missing");
    bool expected = c->failing > 0 && s->budget > 0;
    if (json_is_null(repro)) {
        if (expected) return bad(r, where, "reproducer", "missing for a failing check (budget %d)", s->budget);
        return 0;
    }
    if (!json_is_object(repro)) return bad(r, where, "reproducer", "expected an object or null, got %s", type_name(repro));
    if (!expected) return bad(r, where, "reproducer", "present, but the check never failed or the budget is 0");
    char rwhere[64];
    snprintf(rwhere, sizeof rwhere, "%s.reproducer", where);
    return read_repro(r, repro, rwhere, s, c);
}

static int read_root(struct rd *r, const json_t *root, struct dslab_xr *s) {
    static const char *const keys[] = {"dslab_explore", "scenario", "name", "scenario_hash", "faults",
                                       "budget", "seed_from", "seeds", "shard_count", "shards",
                                       "seeds_run", "errors", "error_message", "error_seeds",
                                       "kinds_on", "checks", "metrics", NULL};
    if (!json_is_object(root)) {
        snprintf(r->err, (size_t)r->err_size, "%s: error: expected the JSON object of dslab explore --json, got %s",
                 r->name, type_name(root));
        return -1;
    }
    if (!json_object_get(root, "dslab_explore")) {
        snprintf(r->err, (size_t)r->err_size, "%s: error: not the --json results of dslab explore", r->name);
        return -1;
    }
    if (only_keys(r, root, "", keys) < 0 || read_header(r, root, s) < 0 ||
        read_errors(r, root, s, seeds_in_shards(s)) < 0) {
        return -1;
    }
    const json_t *checks = member(r, root, "", "checks", JSON_ARRAY);
    if (!checks) return -1;
    if (json_array_size(checks) > DSLAB_EXPLORE_CHECKS_MAX) {
        return bad(r, "", "checks", "%zu checks (at most %d)", json_array_size(checks), DSLAB_EXPLORE_CHECKS_MAX);
    }
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c) {
        char where[32];
        snprintf(where, sizeof where, "checks[%zu]", i);
        s->checks_count = (int)i + 1; /* so dslab_xr_free frees what was read */
        if (read_check(r, c, where, s, &s->checks[i]) < 0) return -1;
    }
    const json_t *metrics = member(r, root, "", "metrics", JSON_OBJECT);
    if (!metrics) return -1;
    static const char *const mkeys[] = {"election", "failover", "latency", NULL};
    if (only_keys(r, metrics, "metrics", mkeys) < 0 ||
        read_hist(r, metrics, "election", &s->metrics.election) < 0 ||
        read_hist(r, metrics, "failover", &s->metrics.failover) < 0 ||
        read_hist(r, metrics, "latency", &s->metrics.latency) < 0) {
        return -1;
    }
    return 0;
}

/* ---- merging two validated results ------------------------------------------- */

static int merge_fails(struct dslab_xr_check *into, struct dslab_xr_check *from) {
    struct dslab_xr_check m;
    memset(&m, 0, sizeof m);
    uint64_t i = 0, j = 0;
    while (i < into->fails_count || j < from->fails_count) {
        bool take_from = i >= into->fails_count ||
                         (j < from->fails_count && from->fails[j].seed < into->fails[i].seed);
        const struct dslab_xr_fail *f = take_from ? &from->fails[j++] : &into->fails[i++];
        if (xr_add_fail(&m, f) < 0) {
            free(m.fails);
            return -1;
        }
    }
    free(into->fails);
    into->fails = m.fails;
    into->fails_count = m.fails_count;
    into->fails_capacity = m.fails_capacity;
    return 0;
}

static void merge_errors(struct dslab_xr *x, const struct dslab_xr *s) {
    if (s->errors && (x->errors == 0 || s->error_seeds[0] < x->error_seeds[0])) {
        memcpy(x->error_message, s->error_message, sizeof x->error_message);
    }
    uint64_t a = x->errors < DSLAB_XR_ERROR_SEEDS_KEPT ? x->errors : DSLAB_XR_ERROR_SEEDS_KEPT;
    uint64_t b = s->errors < DSLAB_XR_ERROR_SEEDS_KEPT ? s->errors : DSLAB_XR_ERROR_SEEDS_KEPT;
    uint64_t merged[DSLAB_XR_ERROR_SEEDS_KEPT], n = 0, i = 0, j = 0;
    while (n < DSLAB_XR_ERROR_SEEDS_KEPT && (i < a || j < b)) {
        if (j >= b || (i < a && x->error_seeds[i] < s->error_seeds[j])) merged[n++] = x->error_seeds[i++];
        else merged[n++] = s->error_seeds[j++];
    }
    memcpy(x->error_seeds, merged, (size_t)n * sizeof merged[0]);
    x->errors += s->errors;
}

static void add_hist(struct dslab_explore_hist *into, const struct dslab_explore_hist *from) {
    dslab_explore_hist_merge(into, from); /* counts < 2^53 each, at most 64 files per shard set */
}

/* Merges s (validated, of another shard) into x; takes s's reproducers. */
static int merge_into(struct rd *r, struct dslab_xr *x, struct dslab_xr *s) {
    if (s->scenario_hash != x->scenario_hash || strcmp(s->scenario_name, x->scenario_name) != 0 ||
        strcmp(s->faults_mode, x->faults_mode) != 0 || s->budget != x->budget ||
        s->seed_from != x->seed_from || s->seeds != x->seeds || s->shard_count != x->shard_count) {
        snprintf(r->err, (size_t)r->err_size,
                 "%s: error: these results are from a different exploration (scenario, --set, --faults, "
                 "--budget, --seeds, --from or the number of shards differ)", r->name);
        return -1;
    }
    bool same_checks = s->checks_count == x->checks_count;
    for (int c = 0; c < s->checks_count && same_checks; c++) {
        same_checks = strcmp(s->checks[c].name, x->checks[c].name) == 0;
    }
    if (!same_checks) {
        snprintf(r->err, (size_t)r->err_size, "%s: error: the checks differ from the other files'", r->name);
        return -1;
    }
    if (x->shards_mask & s->shards_mask) {
        int twice = __builtin_ctzll(x->shards_mask & s->shards_mask) + 1;
        snprintf(r->err, (size_t)r->err_size, "%s: error: shard %d/%d appears twice in the files merged",
                 r->name, twice, x->shard_count);
        return -1;
    }
    x->shards_mask |= s->shards_mask;
    x->seeds_run += s->seeds_run;
    merge_errors(x, s);
    for (int k = 0; k < DSLAB_EXPLORE_KIND_COUNT; k++) x->kinds_on[k] += s->kinds_on[k];
    for (int c = 0; c < x->checks_count; c++) {
        struct dslab_xr_check *into = &x->checks[c], *from = &s->checks[c];
        into->failing += from->failing;
        into->unknown += from->unknown;
        if (merge_fails(into, from) < 0) {
            snprintf(r->err, (size_t)r->err_size, "%s: error: out of memory", r->name);
            return -1;
        }
        if (from->repro.present && (!into->repro.present || from->repro.seed < into->repro.seed)) {
            struct dslab_xr_repro keep = into->repro;
            into->repro = from->repro;
            from->repro = keep; /* freed with s */
        }
    }
    add_hist(&x->metrics.election, &s->metrics.election);
    add_hist(&x->metrics.failover, &s->metrics.failover);
    add_hist(&x->metrics.latency, &s->metrics.latency);
    return 0;
}

/* ---- entry points -------------------------------------------------------------- */

int xr_merge_buffer(struct dslab_xr *x, const char *data, size_t len, bool first, const char *name_for_errors,
                    char *err, int err_size) {
    struct rd r = {name_for_errors, err, err_size};
    err[0] = 0;
    if (first) dslab_xr_free(x);
    if (len > DSLAB_XR_FILE_BYTES_MAX) {
        snprintf(err, (size_t)err_size, "%s: error: larger than %u MiB (shard the exploration more)",
                 name_for_errors, DSLAB_XR_FILE_BYTES_MAX >> 20);
        return -1;
    }
    json_set_alloc_funcs(bounded_malloc, bounded_free);
    parse_memory_exhausted = false;
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        if (parse_memory_exhausted) {
            snprintf(err, (size_t)err_size, "%s: error: reading it would take more than %u MiB of memory "
                     "(shard the exploration more)", name_for_errors, DSLAB_XR_PARSE_MEMORY_MAX >> 20);
        } else {
            snprintf(err, (size_t)err_size, "%s:%d:%d: error: %s", name_for_errors, jerr.line, jerr.column,
                     jerr.text);
        }
        return -1;
    }
    struct dslab_xr *s = calloc(1, sizeof *s);
    int rc = -1;
    if (!s) {
        snprintf(err, (size_t)err_size, "%s: error: out of memory", name_for_errors);
    } else if (read_root(&r, root, s) == 0) {
        if (first) {
            *x = *s;
            memset(s, 0, sizeof *s); /* x owns it all now */
            rc = 0;
        } else {
            rc = merge_into(&r, x, s);
        }
    }
    json_decref(root);
    if (s) {
        dslab_xr_free(s);
        free(s);
    }
    return rc;
}
