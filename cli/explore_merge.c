/* explore_merge.c: `dslab explore --merge FILES...`: reads the --json
 * results of shards back and merges them into one struct xr, from which
 * the same summary is printed as from one run over all seeds.
 *
 * A small JSON reader (objects, arrays, strings, integers, booleans, null:
 * exactly what xr_print_json writes) builds a tree; the merge then checks
 * that every file comes from the same exploration (scenario hash, fault
 * mode, budget, seed range, shard count) and that no shard appears twice.
 * Failing seeds are merged in seed order; a check's reproducer is the one
 * of its lowest failing seed, as a single run would have shrunk. Counts and
 * histograms are sums. Bad input is an error message, never a crash. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explore_cli.h"

#define JSON_DEPTH_MAX 16
#define JSON_FILE_BYTES_MAX (512u * 1024u * 1024u)

enum jtype { J_NULL, J_BOOL, J_INT, J_STRING, J_ARRAY, J_OBJECT };

struct jv {
    enum jtype type;
    bool negative;
    uint64_t magnitude;  /* J_INT: |value|; J_BOOL: 0/1 */
    char *text;          /* J_STRING: owned; object member: key (owned) */
    struct jv *first;    /* J_ARRAY / J_OBJECT children */
    struct jv *next;
    char *key;           /* owned: the member's key inside an object */
};

struct jparser {
    const char *p, *end;
    char *err;
    int err_size;
};

static void jv_free(struct jv *v) {
    while (v) {
        struct jv *next = v->next;
        jv_free(v->first);
        free(v->text);
        free(v->key);
        free(v);
        v = next;
    }
}

static void skip_ws(struct jparser *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t')) j->p++;
}

static struct jv *jerr(struct jparser *j, const char *what) {
    if (!j->err[0]) snprintf(j->err, (size_t)j->err_size, "%s", what);
    return NULL;
}

static char *parse_string_raw(struct jparser *j) {
    if (j->p >= j->end || *j->p != '"') return (char *)jerr(j, "expected a string");
    j->p++;
    size_t cap = 32, len = 0;
    char *s = malloc(cap);
    while (s && j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c == '\\') {
            if (j->p >= j->end) break;
            char e = *j->p++;
            if (e == 'n') c = '\n';
            else if (e == 't') c = '\t';
            else if (e == 'r') c = '\r';
            else if (e == 'u') {
                unsigned v = 0;
                for (int i = 0; i < 4 && j->p < j->end; i++) {
                    char h = *j->p++;
                    v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
                }
                c = v < 0x80 ? (char)v : '?';
            } else c = e;
        }
        if (len + 2 > cap) {
            char *p = realloc(s, cap * 2);
            if (!p) break;
            s = p;
            cap *= 2;
        }
        s[len++] = c;
    }
    if (!s || j->p >= j->end) {
        free(s);
        return (char *)jerr(j, "unterminated string");
    }
    j->p++;
    s[len] = 0;
    return s;
}

static struct jv *parse_value(struct jparser *j, int depth);

static struct jv *parse_container(struct jparser *j, struct jv *v, int depth) {
    char close = v->type == J_ARRAY ? ']' : '}';
    j->p++;
    skip_ws(j);
    struct jv **tail = &v->first;
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(j);
        if (v->type == J_OBJECT) {
            if (!(key = parse_string_raw(j))) break;
            skip_ws(j);
            if (j->p >= j->end || *j->p != ':') {
                free(key);
                jerr(j, "expected ':' in an object");
                break;
            }
            j->p++;
        }
        struct jv *item = parse_value(j, depth + 1);
        if (!item) {
            free(key);
            break;
        }
        item->key = key;
        *tail = item;
        tail = &item->next;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return v;
        }
        jerr(j, "expected ',' or the end of a list");
        break;
    }
    jv_free(v);
    return NULL;
}

static struct jv *parse_value(struct jparser *j, int depth) {
    if (depth > JSON_DEPTH_MAX) return jerr(j, "nested too deeply");
    skip_ws(j);
    if (j->p >= j->end) return jerr(j, "unexpected end of file");
    struct jv *v = calloc(1, sizeof *v);
    if (!v) return jerr(j, "out of memory");
    char c = *j->p;
    if (c == '{' || c == '[') {
        v->type = c == '{' ? J_OBJECT : J_ARRAY;
        return parse_container(j, v, depth);
    }
    if (c == '"') {
        v->type = J_STRING;
        if ((v->text = parse_string_raw(j))) return v;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        v->type = J_INT;
        v->negative = c == '-';
        if (v->negative) j->p++;
        int digits = 0;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9' && digits < 20) {
            v->magnitude = v->magnitude * 10 + (uint64_t)(*j->p++ - '0');
            digits++;
        }
        if (digits > 0 && digits < 20) return v;
        jerr(j, "expected an integer");
    } else if (j->end - j->p >= 4 && (strncmp(j->p, "true", 4) == 0 || strncmp(j->p, "null", 4) == 0)) {
        v->type = j->p[0] == 't' ? J_BOOL : J_NULL;
        v->magnitude = j->p[0] == 't';
        j->p += 4;
        return v;
    } else if (j->end - j->p >= 5 && strncmp(j->p, "false", 5) == 0) {
        v->type = J_BOOL;
        j->p += 5;
        return v;
    } else {
        jerr(j, "unexpected character");
    }
    jv_free(v);
    return NULL;
}

static const struct jv *get(const struct jv *obj, const char *key) {
    if (!obj || obj->type != J_OBJECT) return NULL;
    for (const struct jv *m = obj->first; m; m = m->next) {
        if (m->key && strcmp(m->key, key) == 0) return m;
    }
    return NULL;
}

static uint64_t u64(const struct jv *v) {
    return v && v->type == J_INT && !v->negative ? v->magnitude : 0;
}

static bool boolean(const struct jv *v) {
    return v && v->type == J_BOOL && v->magnitude != 0;
}

static int64_t i64(const struct jv *v) {
    if (!v || v->type != J_INT) return 0;
    return v->negative ? -(int64_t)v->magnitude : (int64_t)v->magnitude;
}

static const char *str(const struct jv *v) {
    return v && v->type == J_STRING ? v->text : "";
}

static const struct jv *at(const struct jv *arr, int index) {
    if (!arr || arr->type != J_ARRAY) return NULL;
    const struct jv *e = arr->first;
    for (int i = 0; e && i < index; i++) e = e->next;
    return e;
}

/* ---- merging --------------------------------------------------------------- */

static int merge_hist(struct explore_hist *h, const struct jv *v) {
    h->count += u64(get(v, "count"));
    for (const struct jv *b = get(v, "buckets") ? get(v, "buckets")->first : NULL; b; b = b->next) {
        uint64_t i = u64(at(b, 0));
        if (i >= EXPLORE_HIST_BUCKETS) return -1;
        h->buckets[i] += u64(at(b, 1));
    }
    return 0;
}

static int read_repro(struct xr_repro *r, const struct jv *v) {
    memset(r, 0, sizeof *r);
    r->present = true;
    r->seed = u64(get(v, "seed"));
    r->runs = (int)u64(get(v, "runs"));
    r->minimal = boolean(get(v, "minimal"));
    r->verified = boolean(get(v, "verified"));
    r->faults_before = (int)u64(get(v, "faults_before"));
    r->faults_after = (int)u64(get(v, "faults_after"));
    r->violation_ns = i64(get(v, "violation_ns"));
    r->yaml = strdup(str(get(v, "yaml")));
    int count = 0;
    const struct jv *nec = get(v, "necessary");
    for (const struct jv *e = nec ? nec->first : NULL; e; e = e->next) count++;
    r->necessary = calloc((size_t)(count ? count : 1), sizeof *r->necessary);
    if (!r->yaml || !r->necessary) return -1;
    for (const struct jv *e = nec ? nec->first : NULL; e; e = e->next) {
        if (!(r->necessary[r->necessary_count] = strdup(str(e)))) return -1;
        r->necessary_count++;
    }
    return 0;
}

static void free_repro(struct xr_repro *r) {
    for (int i = 0; i < r->necessary_count; i++) free(r->necessary[i]);
    free(r->necessary);
    free(r->yaml);
    memset(r, 0, sizeof *r);
}

/* Merges the sorted failing seeds of `v` into c's (also sorted). */
static int merge_fails(struct xr_check *c, const struct jv *fails) {
    struct xr_check merged;
    memset(&merged, 0, sizeof merged);
    uint64_t i = 0;
    const struct jv *e = fails ? fails->first : NULL;
    int rc = 0;
    while (rc == 0 && (i < c->fails_count || e)) {
        struct xr_fail f;
        if (e && (i >= c->fails_count || u64(at(e, 0)) < c->fails[i].seed)) {
            f = (struct xr_fail){u64(at(e, 0)), i64(at(e, 1)), (uint32_t)u64(at(e, 2))};
            e = e->next;
        } else {
            f = c->fails[i++];
        }
        if (merged.fails_count && f.seed <= merged.fails[merged.fails_count - 1].seed) rc = -1;
        else rc = xr_add_fail(&merged, &f);
    }
    free(c->fails);
    c->fails = merged.fails;
    c->fails_count = merged.fails_count;
    c->fails_capacity = merged.fails_capacity;
    return rc;
}

static int merge_check(struct xr_check *c, const struct jv *v) {
    c->failing += u64(get(v, "failing"));
    c->unknown += u64(get(v, "unknown"));
    if (merge_fails(c, get(v, "fails")) < 0) return -1;
    const struct jv *r = get(v, "reproducer");
    if (r && r->type == J_OBJECT && (!c->repro.present || u64(get(r, "seed")) < c->repro.seed)) {
        free_repro(&c->repro);
        if (read_repro(&c->repro, r) < 0) return -1;
    }
    return 0;
}

static int read_header(struct xr *x, const struct jv *root, bool first, char *err, int err_size) {
    struct xr h;
    memset(&h, 0, sizeof h);
    snprintf(h.scenario_path, sizeof h.scenario_path, "%s", str(get(root, "scenario")));
    snprintf(h.scenario_name, sizeof h.scenario_name, "%s", str(get(root, "name")));
    h.scenario_hash = strtoull(str(get(root, "scenario_hash")), NULL, 16);
    snprintf(h.faults_mode, sizeof h.faults_mode, "%s", str(get(root, "faults")));
    h.budget = (int)u64(get(root, "budget"));
    h.seed_from = u64(get(root, "seed_from"));
    h.seeds = u64(get(root, "seeds"));
    h.shard_count = (int)u64(get(root, "shard_count"));
    if (first) {
        memcpy(x->scenario_path, h.scenario_path, sizeof h.scenario_path);
        memcpy(x->scenario_name, h.scenario_name, sizeof h.scenario_name);
        memcpy(x->faults_mode, h.faults_mode, sizeof h.faults_mode);
        x->scenario_hash = h.scenario_hash;
        x->budget = h.budget;
        x->seed_from = h.seed_from;
        x->seeds = h.seeds;
        x->shard_count = h.shard_count;
        return 0;
    }
    if (h.scenario_hash != x->scenario_hash || strcmp(h.faults_mode, x->faults_mode) != 0 ||
        h.budget != x->budget || h.seed_from != x->seed_from || h.seeds != x->seeds ||
        h.shard_count != x->shard_count) {
        snprintf(err, (size_t)err_size,
                 "these results are from a different exploration (scenario, --set, --faults, "
                 "--budget, --seeds or the number of shards differ)");
        return -1;
    }
    return 0;
}

static int merge_root(struct xr *x, const struct jv *root, bool first, char *err, int err_size) {
    if (u64(get(root, "dslab_explore")) != 1) {
        snprintf(err, (size_t)err_size, "not the --json results of dslab explore");
        return -1;
    }
    if (read_header(x, root, first, err, err_size) < 0) return -1;
    uint64_t shards = u64(get(root, "shards_mask"));
    if (x->shards_mask & shards) {
        snprintf(err, (size_t)err_size, "a shard appears twice in the files merged");
        return -1;
    }
    x->shards_mask |= shards;
    x->seeds_run += u64(get(root, "seeds_run"));
    uint64_t errors = u64(get(root, "errors"));
    const struct jv *es = get(root, "error_seeds");
    if (errors && (x->errors == 0 || u64(at(es, 0)) < x->error_seeds[0])) {
        snprintf(x->error_message, sizeof x->error_message, "%s", str(get(root, "error_message")));
    }
    uint64_t kept = x->errors < XR_ERROR_SEEDS_KEPT ? x->errors : XR_ERROR_SEEDS_KEPT;
    for (const struct jv *e = es ? es->first : NULL; e; e = e->next) {
        /* Keep the lowest XR_ERROR_SEEDS_KEPT seeds, sorted. */
        uint64_t s = u64(e), k = kept;
        while (k > 0 && x->error_seeds[k - 1] > s) k--;
        if (k >= XR_ERROR_SEEDS_KEPT) continue;
        uint64_t last = kept < XR_ERROR_SEEDS_KEPT ? kept : XR_ERROR_SEEDS_KEPT - 1;
        memmove(&x->error_seeds[k + 1], &x->error_seeds[k], (size_t)(last - k) * sizeof x->error_seeds[0]);
        x->error_seeds[k] = s;
        if (kept < XR_ERROR_SEEDS_KEPT) kept++;
    }
    x->errors += errors;
    const struct jv *kinds = get(root, "kinds_on");
    for (int k = 0; k < EXPLORE_KIND_COUNT; k++) x->kinds_on[k] += u64(at(kinds, k));
    const struct jv *checks = get(root, "checks");
    int i = 0;
    for (const struct jv *c = checks ? checks->first : NULL; c; c = c->next, i++) {
        if (i >= EXPLORE_CHECKS_MAX) break;
        if (first) {
            snprintf(x->checks[i].name, sizeof x->checks[i].name, "%s", str(get(c, "name")));
            x->checks_count = i + 1;
        } else if (i >= x->checks_count || strcmp(x->checks[i].name, str(get(c, "name"))) != 0) {
            snprintf(err, (size_t)err_size, "the checks differ from the other files'");
            return -1;
        }
        if (merge_check(&x->checks[i], c) < 0) {
            snprintf(err, (size_t)err_size, "malformed or overlapping failing seeds");
            return -1;
        }
    }
    const struct jv *m = get(root, "metrics");
    if (merge_hist(&x->metrics.election, get(m, "election")) < 0 ||
        merge_hist(&x->metrics.failover, get(m, "failover")) < 0 ||
        merge_hist(&x->metrics.latency, get(m, "latency")) < 0) {
        snprintf(err, (size_t)err_size, "malformed histogram");
        return -1;
    }
    return 0;
}

int xr_merge_file(struct xr *x, const char *path, bool first, char *err, int err_size) {
    err[0] = 0;
    /* O_NONBLOCK and regular files only: a named pipe must not hang us. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, (size_t)err_size, "cannot open the file: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        bool dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
        snprintf(err, (size_t)err_size, "%s", dir ? "is a directory, not a results file"
                                                  : "is not a regular file");
        close(fd);
        return -1;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        snprintf(err, (size_t)err_size, "cannot open the file");
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0 || len > JSON_FILE_BYTES_MAX) break;
        if (len == cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf || len > JSON_FILE_BYTES_MAX) {
        free(buf);
        snprintf(err, (size_t)err_size, "the file is too large or memory ran out");
        return -1;
    }
    struct jparser j = {buf, buf + len, err, err_size};
    struct jv *root = parse_value(&j, 0);
    int rc = -1;
    if (root && root->type != J_OBJECT) {
        snprintf(err, (size_t)err_size, "expected a JSON object");
    } else if (root) {
        rc = merge_root(x, root, first, err, err_size);
    }
    jv_free(root);
    free(buf);
    return rc;
}
