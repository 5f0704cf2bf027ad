/* exercise.c: loading and validating exercise files (docs/EXERCISE_FORMAT.md).
 *
 * An exercise is a scenario plus questions. The loader checks everything a
 * grader will later rely on, so a broken exercise is an error for its
 * author at load time, never a confusing verdict for a learner: known keys
 * per question kind, hashed keys that name a taxonomy term of the right
 * kind, encoded texts that decode, and scenarios (the exercise's, a
 * predict variant's, a break design's) that load. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"
#include "dslab/suggest.h"
#include "grade_internal.h"
#include "grader_declare.h"
#include "load_start.h"
#include "dslab/units.h"
#include "dslab/yaml_tree.h"

static const char *const kind_names[Q_KIND_COUNT] = {
    "failure-mode", "trade-off", "assumption", "predict", "fix", "break", "explain", "operate", "declare"};

const char *grader_question_kind_name(enum question_kind k) {
    return k < Q_KIND_COUNT ? kind_names[k] : "?";
}

/* Collapses "." and "dir/.." in place, lexically ("./a/b/../c" -> "a/c"),
 * so paths shown to people read well. Leading ".." that cannot collapse
 * stay. (Containment is judged on realpath(), not on this.) */
static void path_tidy(char *path) {
    char *parts[128];
    int n = 0;
    bool absolute = path[0] == '/';
    char copy[1200];
    /* A path too long or too deep to tidy is left as it is (it still
     * resolves; it only reads less well). */
    if (snprintf(copy, sizeof copy, "%s", path) >= (int)sizeof copy) return;
    int depth = 1;
    for (const char *p = path; *p; p++) depth += *p == '/';
    if (depth > 128) return;
    for (char *save = NULL, *p = strtok_r(copy, "/", &save); p && n < 128; p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, ".") == 0) continue;
        if (strcmp(p, "..") == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0) {
            n--;
            continue;
        }
        parts[n++] = p;
    }
    size_t len = 0, cap = strlen(path) + 1;
    char out[1200];
    out[0] = 0;
    if (absolute) len += (size_t)snprintf(out + len, sizeof out - len, "/");
    for (int i = 0; i < n && len < sizeof out; i++) {
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? "/" : "", parts[i]);
    }
    if (n == 0 && !absolute) snprintf(out, sizeof out, ".");
    snprintf(path, cap, "%s", out);
}

/* A file an exercise names (`scenario:`, `design:`) is resolved relative
 * to the exercise file itself, as links in documents are. */
void grader_exercise_scenario_path(const struct exercise *e, const char *rel, char *out, int out_size) {
    const char *slash = strrchr(e->path, '/');
    if (rel[0] == '/' || !slash) {
        snprintf(out, (size_t)out_size, "%s", rel);
    } else {
        snprintf(out, (size_t)out_size, "%.*s/%s", (int)(slash - e->path), e->path, rel);
    }
    path_tidy(out);
}

/* True when `real` (a resolved path) is `dir` itself or inside it. */
static bool path_within(const char *real, const char *dir) {
    char dir_real[PATH_MAX];
    if (!realpath(dir, dir_real)) return false;
    size_t n = strlen(dir_real);
    return strncmp(real, dir_real, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/* Exercise files are shared in workshops, so what they name must stay in
 * the content directories of the root (scenarios/, exercises/) or in the
 * learner's working directory, after resolving '..' and symbolic links.
 * (Paths given on the command line, such as --root, are the user's own
 * and not checked.) */
static int check_reference_contained(struct exercise *e, const struct dslab_ynode *at, const char *rel,
                                     struct dslab_diag *d) {
    if (rel[0] == '/') {
        return dslab_ytree_error(d, e->path, at, "'%s': name the file relative to this exercise file "
                        "(like ../../scenarios/raft/x.yaml), not by an absolute path", rel);
    }
    char path[1100], real[PATH_MAX], dir[1200];
    grader_exercise_scenario_path(e, rel, path, (int)sizeof path);
    if (!realpath(path, real)) {
        return dslab_ytree_error(d, e->path, at, "'%s' does not exist (resolved from this exercise file's "
                        "folder: %s)", rel, path);
    }
    const char *root = e->root[0] ? e->root : ".";
    snprintf(dir, sizeof dir, "%s/scenarios", root);
    if (path_within(real, dir)) return 0;
    snprintf(dir, sizeof dir, "%s/exercises", root);
    if (path_within(real, dir)) return 0;
    if (path_within(real, ".")) return 0;
    return dslab_ytree_error(d, e->path, at, "'%s' resolves to %s, outside the content directories "
                    "(scenarios/ and exercises/) and the working directory", rel, real);
}

/* The id names files in the learner's working directory (`dslab exercise`
 * writes ID.answers.yaml there), so it is a plain name: letters, digits,
 * '-' and '_', not starting with '-', at most 63 characters. */
static int check_id_is_a_name(struct exercise *e, const struct dslab_ynode *at, struct dslab_diag *d) {
    size_t n = strlen(e->id);
    bool ok = n > 0 && n < 64 && e->id[0] != '-';
    for (size_t i = 0; ok && i < n; i++) {
        char c = e->id[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_';
    }
    if (ok) return 0;
    return dslab_ytree_error(d, e->path, at, "exercise id '%s' must be letters, digits, '-' and '_' "
                    "(at most 63; it names the learner's answers file)", e->id);
}

static int check_scenario_loads(struct exercise *e, const struct dslab_ynode *at, const char *rel,
                                const struct dslab_scenario_override *ov, int ov_count, struct dslab_diag *d) {
    if (check_reference_contained(e, at, rel, d) < 0) return -1;
    char path[1100];
    grader_exercise_scenario_path(e, rel, path, (int)sizeof path);
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    struct dslab_scenario *s = dslab_scenario_load(path, ov, ov_count, NULL, &inner);
    if (!s) {
        char msg[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
        dslab_diag_format(&inner, msg, (int)sizeof msg);
        return dslab_ytree_error(d, e->path, at, "the scenario does not load: %s", msg);
    }
    dslab_scenario_free(s);
    return 0;
}

static bool valid_hash(const char *h) {
    if (strncmp(h, "h:", 2) != 0 || strlen(h) != GRADER_HASH_LEN) return false;
    for (const char *p = h + 2; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    }
    return true;
}

static enum term_kind term_kind_of(enum question_kind k) {
    return k == Q_TRADE_OFF ? TERM_TRADE_OFF : k == Q_ASSUMPTION ? TERM_ASSUMPTION : TERM_FAILURE_MODE;
}

/* A hashed key must name some term of the taxonomy (reveal relies on it). */
static int check_hash(struct exercise *e, const struct dslab_ynode *n, const struct taxonomy *tax,
                      enum term_kind kind, bool kind_strict, struct dslab_diag *d) {
    if (!valid_hash(n->text)) {
        return dslab_ytree_error(d, e->path, n, "expected a hashed key like h:0123456789abcdef (make one with `dslab reveal --hash %s TERM`), got '%s'",
                        e->salt, n->text);
    }
    if (!tax) return 0;
    for (int i = 0; i < tax->terms_count; i++) {
        if (kind_strict && tax->terms[i].kind != kind) continue;
        char h[GRADER_HASH_LEN + 1];
        grader_key_hash(e->salt, tax->terms[i].id, h);
        if (strcmp(h, n->text) == 0) return 0;
    }
    return dslab_ytree_error(d, e->path, n, "key '%s' names no %s of the taxonomy with salt '%s'", n->text,
                    kind_strict ? grader_term_kind_name(kind) : "term", e->salt);
}

static int check_encoded(struct exercise *e, const struct dslab_ynode *n, struct dslab_diag *d) {
    char buf[GRADER_TEXT_MAX];
    if (dslab_ytree_expect_scalar(d, e->path, n, "an encoded text like enc:1f2e...") < 0) return -1;
    if (grader_key_decode(e->salt, n->text, buf, (int)sizeof buf) < 0) {
        return dslab_ytree_error(d, e->path, n, "expected an encoded text (make one with `dslab reveal --encode %s TEXT`)", e->salt);
    }
    return 0;
}

static int load_keys(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                     const struct taxonomy *tax, struct dslab_diag *d) {
    const struct dslab_ynode *k = dslab_ydoc_map_get(qn, "key");
    if (!k) return dslab_ytree_error(d, e->path, qn, "missing key 'key' (the hashed answer)");
    const char **list = NULL;
    int count = 0;
    if (dslab_ytree_string_list(d, e->path, k, "hashed keys", &list, &count) < 0) return -1;
    free(list);
    if (count == 0 || count > GRADER_KEYS_MAX) return dslab_ytree_error(d, e->path, k, "expected 1 to %d keys", GRADER_KEYS_MAX);
    const struct dslab_ynode *item = k->kind == DSLAB_YNODE_SEQUENCE ? k->first : k;
    for (; item; item = k->kind == DSLAB_YNODE_SEQUENCE ? item->next : NULL) {
        if (check_hash(e, item, tax, term_kind_of(q->kind), true, d) < 0) return -1;
        snprintf(q->keys[q->keys_count++], GRADER_HASH_LEN + 1, "%s", item->text);
    }
    const struct dslab_ynode *m = dslab_ydoc_map_get(qn, "misconceptions");
    if (!m) return 0;
    if (dslab_ytree_expect_list(d, e->path, m, "a list of { answer: h:..., feedback: ... }") < 0) return -1;
    q->misconceptions = calloc((size_t)m->count + 1, sizeof *q->misconceptions);
    if (!q->misconceptions) return dslab_ytree_error(d, e->path, m, "out of memory");
    static const char *const mkeys[] = {"answer", "feedback"};
    for (const struct dslab_ynode *i = m->first; i; i = i->next) {
        struct misconception *mc = &q->misconceptions[q->misconceptions_count];
        const char *answer;
        if (dslab_ytree_expect_mapping(d, e->path, i, "{ answer: h:..., feedback: ... }") < 0) return -1;
        if (dslab_ytree_check_keys(d, e->path, i, mkeys, 2) < 0) return -1;
        if (dslab_ytree_require_text(d, e->path, i, "answer", &answer) < 0) return -1;
        if (dslab_ytree_require_text(d, e->path, i, "feedback", &mc->feedback) < 0) return -1;
        if (check_hash(e, dslab_ydoc_map_get(i, "answer"), tax, TERM_FAILURE_MODE, false, d) < 0) return -1;
        snprintf(mc->hash, sizeof mc->hash, "%s", answer);
        q->misconceptions_count++;
    }
    return 0;
}

static int load_check_name(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                           bool required, struct dslab_diag *d) {
    const struct dslab_ynode *c = dslab_ydoc_map_get(qn, "check");
    if (!c) return required ? dslab_ytree_error(d, e->path, qn, "missing key 'check'") : 0;
    if (dslab_ytree_expect_scalar(d, e->path, c, "a check name like linearizable") < 0) return -1;
    if (!dslab_checker_find(c->text)) {
        const char *names[64];
        int n = dslab_checker_count() < 64 ? dslab_checker_count() : 64;
        for (int i = 0; i < n; i++) names[i] = dslab_checker_at(i)->name;
        const char *near = dslab_suggest_nearest(c->text, names, n);
        if (near) return dslab_ytree_error(d, e->path, c, "unknown check '%s' (did you mean '%s'?)", c->text, near);
        return dslab_ytree_error(d, e->path, c, "unknown check '%s'", c->text);
    }
    q->check = c->text;
    return 0;
}

static int load_overrides(struct exercise *e, const struct dslab_ynode *m, struct override_text **out,
                          int *count, struct dslab_diag *d) {
    if (dslab_ytree_expect_mapping(d, e->path, m, "a mapping of dotted paths to values like { protocol.fencing: true }") < 0) return -1;
    *out = calloc((size_t)m->count + 1, sizeof **out);
    if (!*out) return dslab_ytree_error(d, e->path, m, "out of memory");
    for (const struct dslab_ynode *k = m->first; k; k = k->next) {
        if (dslab_ytree_expect_scalar(d, e->path, k->value, "a scalar value") < 0) return -1;
        (*out)[*count].path = k->text;
        (*out)[*count].value = k->value->text;
        (*count)++;
    }
    return 0;
}

static int load_predict(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    if (load_check_name(e, q, qn, true, d) < 0) return -1;
    const struct dslab_ynode *v = dslab_ydoc_map_get(qn, "variant");
    if (!v) return dslab_ytree_error(d, e->path, qn, "missing key 'variant' (the --set overrides to predict)");
    if (load_overrides(e, v, &q->variant, &q->variant_count, d) < 0) return -1;
    struct dslab_scenario_override ov[32];
    if (q->variant_count > 32) return dslab_ytree_error(d, e->path, v, "at most 32 overrides");
    for (int i = 0; i < q->variant_count; i++) {
        ov[i].path = q->variant[i].path;
        ov[i].value = q->variant[i].value;
    }
    return check_scenario_loads(e, v, e->scenario, ov, q->variant_count, d);
}

/* Every allowed `protocol.KEY` must be a parameter of the scenario's
 * protocol: configure() with KEY set must not answer "unknown protocol
 * parameter" (its other complaints are about the probe value, not the key).
 * Otherwise a learner's right knob would be refused with a "did you mean"
 * that points at the author's typo. */
static int check_knob_exists(struct exercise *e, const struct dslab_ynode *at, const char *path,
                             const struct dslab_scenario *base, struct dslab_diag *d) {
    if (strncmp(path, "protocol.", 9) != 0) return 0;
    const struct dslab_protocol *p = dslab_protocol_of_scenario(base);
    struct dslab_scenario copy = *base;
    struct dslab_scenario_param *params = calloc((size_t)base->protocol.params_count + 1, sizeof *params);
    if (!params) return dslab_ytree_error(d, e->path, at, "out of memory");
    memcpy(params, base->protocol.params, sizeof *params * (size_t)base->protocol.params_count);
    struct dslab_scenario_param *probe = NULL;
    for (int i = 0; i < base->protocol.params_count && !probe; i++) {
        if (strcmp(params[i].key, path + 9) == 0) probe = &params[i];
    }
    if (!probe) probe = &params[copy.protocol.params_count++];
    snprintf(probe->key, sizeof probe->key, "%s", path + 9);
    char probe_value[] = "0";
    probe->value = probe_value;
    probe->pos.line = 0;
    copy.protocol.params = params;
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    bool unknown = !p || !p->configure;
    if (!unknown) {
        void *config = NULL;
        if (p->configure(&copy, &config, &inner) == 0) {
            if (p->destroy_config) p->destroy_config(config);
        } else {
            char prefix[128];
            snprintf(prefix, sizeof prefix, "unknown protocol parameter '%s'", path + 9);
            unknown = strncmp(inner.message, prefix, strlen(prefix)) == 0;
        }
    }
    free(params);
    if (!unknown) return 0;
    const char *paren = strchr(inner.message, '(');
    return dslab_ytree_error(d, e->path, at, "allowed parameter '%s' does not exist for protocol %s%s%s", path,
                    base->protocol.name, paren ? " " : "", paren ? paren : "");
}

static bool is_allowed(const struct question *q, const char *path) {
    for (int i = 0; i < q->allowed_count; i++) {
        if (strcmp(q->allowed[i], path) == 0) return true;
    }
    return false;
}

/* A fix written in the exercise ({ PATH: VALUE }): allowed paths, values
 * in range. Fills `out` (owned). */
static int load_fix_values(struct exercise *e, const struct question *q, const struct dslab_ynode *m,
                           struct override_text **out, int *count, struct dslab_diag *d) {
    if (load_overrides(e, m, out, count, d) < 0) return -1;
    if (*count == 0) return dslab_ytree_error(d, e->path, m, "a declared fix changes at least one parameter");
    for (const struct dslab_ynode *k = m->first; k; k = k->next) {
        if (!is_allowed(q, k->text)) return dslab_ytree_error(d, e->path, k, "'%s' is not in this question's allowed list", k->text);
        struct fix_value v;
        char err[300];
        if (grader_fix_parse_value(k->text, k->value->text, &v, err, (int)sizeof err) < 0) return dslab_ytree_error(d, e->path, k->value, "%s", err);
    }
    return 0;
}

static int load_degenerate(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    const struct dslab_ynode *list = dslab_ydoc_map_get(qn, "degenerate");
    if (!list) return dslab_ytree_error(d, e->path, qn, "missing key 'degenerate' (at least two fixes that must fail, "
                               "like infinite timeouts or a longer lease without fencing)");
    if (dslab_ytree_expect_list(d, e->path, list, "a list of { fix: { PATH: VALUE }, feedback: ... }") < 0) return -1;
    if (list->count < 2) return dslab_ytree_error(d, e->path, list, "declare at least two degenerate fixes (found %d)", list->count);
    q->degenerate = calloc((size_t)list->count, sizeof *q->degenerate);
    if (!q->degenerate) return dslab_ytree_error(d, e->path, list, "out of memory");
    static const char *const keys[] = {"fix", "feedback"};
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        struct degenerate_fix *df = &q->degenerate[q->degenerate_count++];
        df->pos.line = i->line;
        df->pos.col = i->col;
        if (dslab_ytree_expect_mapping(d, e->path, i, "{ fix: { PATH: VALUE }, feedback: ... }") < 0) return -1;
        if (dslab_ytree_check_keys(d, e->path, i, keys, 2) < 0) return -1;
        if (dslab_ytree_require_text(d, e->path, i, "feedback", &df->feedback) < 0) return -1;
        const struct dslab_ynode *fix = dslab_ydoc_map_get(i, "fix");
        if (!fix) return dslab_ytree_error(d, e->path, i, "missing key 'fix'");
        if (load_fix_values(e, q, fix, &df->set, &df->set_count, d) < 0) return -1;
    }
    return 0;
}

/* stress: { seeds: N, scenario_faults: bool, checks: [...], explore: {...} }
 * The explore bounds are read by the scenario loader (an `explore:`
 * section of the exercise's scenario), so they mean what they mean there. */
static int load_stress(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    const struct dslab_ynode *st = dslab_ydoc_map_get(qn, "stress");
    if (!st) return dslab_ytree_error(d, e->path, qn, "missing key 'stress' (the faults beyond the scenario's a fix must survive)");
    static const char *const keys[] = {"seeds", "scenario_faults", "checks", "nodes", "duration", "explore"};
    if (dslab_ytree_expect_mapping(d, e->path, st, "{ seeds: 20, explore: { faults: [pause], pause: [1s, 8s] } }") < 0) return -1;
    if (dslab_ytree_check_keys(d, e->path, st, keys, 6) < 0) return -1;
    struct fix_stress *fs = &q->stress;
    fs->given = true;
    fs->pos.line = st->line;
    fs->pos.col = st->col;
    int64_t seeds = 20;
    if (dslab_ytree_optional_int(d, e->path, st, "seeds", 1, GRADER_STRESS_SEEDS_MAX, &seeds) < 0) return -1;
    fs->seeds = (int)seeds;
    fs->keep_scenario_faults = true;
    const struct dslab_ynode *keep = dslab_ydoc_map_get(st, "scenario_faults");
    if (keep && dslab_ytree_bool(d, e->path, keep, &fs->keep_scenario_faults) < 0) return -1;
    const struct dslab_ynode *c = dslab_ydoc_map_get(st, "checks");
    if (c && dslab_ytree_string_list(d, e->path, c, "a list of check names", &fs->checks, &fs->checks_count) < 0) return -1;
    const struct dslab_ynode *nn = dslab_ydoc_map_get(st, "nodes");
    if (nn && dslab_ytree_string_list(d, e->path, nn, "a list of node names", &fs->nodes, &fs->nodes_count) < 0) return -1;
    const struct dslab_ynode *x = dslab_ydoc_map_get(st, "explore");
    if (!x) return dslab_ytree_error(d, e->path, st, "missing key 'explore' (the bounds of the random faults, as a scenario's explore: section)");
    if (dslab_ytree_expect_mapping(d, e->path, x, "an explore section like { faults: [pause], pause: [1s, 8s] }") < 0) return -1;
    char *text = gr_yaml_flow_alloc(x);
    if (!text) return dslab_ytree_error(d, e->path, x, "out of memory");
    /* Longer runs leave room for longer faults: `duration` first, so the
     * explore bounds are judged against it. */
    const struct dslab_ynode *dn = dslab_ydoc_map_get(st, "duration");
    if (dn && dslab_ytree_expect_scalar(d, e->path, dn, "a duration like 12s") < 0) {
        free(text);
        return -1;
    }
    struct dslab_scenario_override ov[2] = {{.path = "duration", .value = dn ? dn->text : NULL}, {.path = "explore", .value = text}};
    char path[1100];
    grader_exercise_scenario_path(e, e->scenario, path, (int)sizeof path);
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    struct dslab_scenario *s = dslab_scenario_load(path, dn ? ov : ov + 1, dn ? 2 : 1, NULL, &inner);
    free(text);
    if (!s) return dslab_ytree_error(d, e->path, dn && strstr(inner.file, "duration") ? dn : x, "stress: %s", inner.message);
    struct dslab_scenario *plain = dslab_scenario_load(path, NULL, 0, NULL, &inner);
    if (plain && s->duration_ns < plain->duration_ns) {
        dslab_scenario_free(plain);
        dslab_scenario_free(s);
        return dslab_ytree_error(d, e->path, dn, "stress.duration must not be shorter than the scenario's");
    }
    dslab_scenario_free(plain);
    fs->bounds = s->explore;
    fs->duration_ns = s->duration_ns;
    for (int i = 0; i < fs->nodes_count; i++) {
        if (dslab_scenario_node_index(s, fs->nodes[i]) < 0) {
            dslab_scenario_free(s);
            return dslab_ytree_error(d, e->path, nn, "stress.nodes: unknown node '%s'", fs->nodes[i]);
        }
    }
    dslab_scenario_free(s);
    return 0;
}

/* The model fix, decoded ("PATH=VALUE" lines): every path allowed, every
 * value in range; the fixed scenario (with goals) builds and validates,
 * and the stress checks name checks it has. */
static int check_fix_solution(struct exercise *e, const struct question *q, const struct dslab_ynode *sn, struct dslab_diag *d) {
    char plain[GRADER_TEXT_MAX];
    if (grader_key_decode(e->salt, q->solution, plain, (int)sizeof plain) < 0) return dslab_ytree_error(d, e->path, sn, "the solution does not decode");
    struct fix_value v[64];
    int n = 0;
    char err[300];
    for (char *save = NULL, *line = strtok_r(plain, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = 0;
        if (n == 64) return dslab_ytree_error(d, e->path, sn, "the solution sets more than 64 parameters");
        if (!is_allowed(q, line)) return dslab_ytree_error(d, e->path, sn, "the solution sets '%s', which is not allowed", line);
        if (grader_fix_parse_value(line, eq + 1, &v[n], err, (int)sizeof err) < 0) return dslab_ytree_error(d, e->path, sn, "%s", err);
        n++;
    }
    char path[1100];
    grader_exercise_scenario_path(e, e->scenario, path, (int)sizeof path);
    struct fixed_scenario f;
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    int bad;
    int rc = gr_fixed_scenario_build(path, q, v, n, &f, &inner, &bad);
    if (rc < 0) {
        char msg[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 8];
        dslab_diag_format(&inner, msg, (int)sizeof msg);
        gr_fixed_scenario_free(&f);
        return dslab_ytree_error(d, e->path, sn, "the model fix (with the goals and checks) does not load: %s", msg);
    }
    for (int i = 0; i < q->stress.checks_count && rc == 0; i++) {
        int k = gr_fixed_scenario_check_index(&f, q->stress.checks[i]);
        if (k < 0) rc = dslab_ytree_error(d, e->path, sn, "stress check '%s' is not among the fix's checks", q->stress.checks[i]);
        else if (k >= 32) rc = dslab_ytree_error(d, e->path, sn, "stress check '%s' is past the 32 checks explore judges", q->stress.checks[i]);
    }
    gr_fixed_scenario_free(&f);
    return rc;
}

static int load_fix(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    const struct dslab_ynode *a = dslab_ydoc_map_get(qn, "allowed");
    if (!a) return dslab_ytree_error(d, e->path, qn, "missing key 'allowed' (the parameters a fix may change)");
    if (dslab_ytree_string_list(d, e->path, a, "a list of dotted paths", &q->allowed, &q->allowed_count) < 0) return -1;
    if (q->allowed_count == 0) return dslab_ytree_error(d, e->path, a, "a fix must allow at least one parameter");
    char path[1100];
    grader_exercise_scenario_path(e, e->scenario, path, (int)sizeof path);
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    struct dslab_scenario *base = dslab_scenario_load(path, NULL, 0, NULL, &inner);
    if (!base) return dslab_ytree_error(d, e->path, a, "the scenario does not load: %s", inner.message);
    int rc = 0;
    const struct dslab_ynode *item = a->kind == DSLAB_YNODE_SEQUENCE ? a->first : a;
    for (int i = 0; i < q->allowed_count && rc == 0; i++, item = item && a->kind == DSLAB_YNODE_SEQUENCE ? item->next : item) {
        rc = check_knob_exists(e, item, q->allowed[i], base, d);
    }
    dslab_scenario_free(base);
    if (rc < 0) return -1;
    const struct dslab_ynode *g = dslab_ydoc_map_get(qn, "goals");
    if (!g) return dslab_ytree_error(d, e->path, qn, "missing key 'goals' (the liveness a fix must keep, like \"leader-available: 1s\" or \"slo: availability 90%% of ops\")");
    if (dslab_ytree_string_list(d, e->path, g, "a list of checks like \"leader-available: 1s\"", &q->goals, &q->goals_count) < 0) return -1;
    if (q->goals_count == 0) return dslab_ytree_error(d, e->path, g, "declare at least one goal");
    const struct dslab_ynode *fc = dslab_ydoc_map_get(qn, "checks");
    if (fc && dslab_ytree_string_list(d, e->path, fc, "a list of checks", &q->fix_checks, &q->fix_checks_count) < 0) return -1;
    int64_t seeds = 100, from = 1;
    if (dslab_ytree_optional_int(d, e->path, qn, "seeds", 1, 10000, &seeds) < 0) return -1;
    if (dslab_ytree_optional_int(d, e->path, qn, "seeds_from", 0, INT64_MAX / 2, &from) < 0) return -1;
    q->seeds_count = (int)seeds;
    q->seeds_from = (uint64_t)from;
    if (load_degenerate(e, q, qn, d) < 0) return -1;
    if (load_stress(e, q, qn, d) < 0) return -1;
    const struct dslab_ynode *s = dslab_ydoc_map_get(qn, "solution");
    if (!s) return dslab_ytree_error(d, e->path, qn, "missing key 'solution' (the encoded model fix)");
    if (check_encoded(e, s, d) < 0) return -1;
    q->solution = s->text;
    return check_fix_solution(e, q, s, d);
}

static uint32_t fault_kind_bit(const char *name) {
    static const struct { const char *name; uint32_t bits; } kinds[] = {
        {"partition", 1u << DSLAB_FAULT_PARTITION}, {"heal", 1u << DSLAB_FAULT_HEAL},
        {"cut", 1u << DSLAB_FAULT_CUT}, {"crash", 1u << DSLAB_FAULT_CRASH},
        {"restart", 1u << DSLAB_FAULT_RESTART}, {"pause", 1u << DSLAB_FAULT_PAUSE},
        {"clock", (1u << DSLAB_FAULT_CLOCK_JUMP) | (1u << DSLAB_FAULT_CLOCK_DRIFT)},
        {"link", 1u << DSLAB_FAULT_LINK}, {"slow", 1u << DSLAB_FAULT_SLOW},
        {"deploy", 1u << DSLAB_FAULT_DEPLOY},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i].name, name) == 0) return kinds[i].bits;
    }
    return 0;
}

static int load_break(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    if (load_check_name(e, q, qn, true, d) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, qn, "design", &q->design) < 0) return -1;
    if (check_scenario_loads(e, dslab_ydoc_map_get(qn, "design"), q->design, NULL, 0, d) < 0) return -1;
    const struct dslab_ynode *b = dslab_ydoc_map_get(qn, "budget");
    if (!b) return dslab_ytree_error(d, e->path, qn, "missing key 'budget' (faults: N, kinds: [...])");
    static const char *const bkeys[] = {"faults", "kinds"};
    if (dslab_ytree_expect_mapping(d, e->path, b, "{ faults: N, kinds: [crash, partition] }") < 0) return -1;
    if (dslab_ytree_check_keys(d, e->path, b, bkeys, 2) < 0) return -1;
    int64_t faults = 2;
    if (dslab_ytree_optional_int(d, e->path, b, "faults", 1, 16, &faults) < 0) return -1;
    q->budget_faults = (int)faults;
    const struct dslab_ynode *k = dslab_ydoc_map_get(b, "kinds");
    if (!k) return dslab_ytree_error(d, e->path, b, "missing key 'kinds'");
    if (dslab_ytree_expect_list(d, e->path, k, "a list of fault kinds") < 0) return -1;
    for (const struct dslab_ynode *i = k->first; i; i = i->next) {
        if (dslab_ytree_expect_scalar(d, e->path, i, "a fault kind like crash") < 0) return -1;
        uint32_t bit = fault_kind_bit(i->text);
        if (!bit) return dslab_ytree_error(d, e->path, i, "unknown fault kind '%s' (expected partition, heal, cut, crash, restart, pause, clock, link, slow or deploy)", i->text);
        q->budget_kinds |= bit;
    }
    const struct dslab_ynode *s = dslab_ydoc_map_get(qn, "solution");
    if (!s) return dslab_ytree_error(d, e->path, qn, "missing key 'solution' (an encoded fault schedule that breaks the design)");
    if (check_encoded(e, s, d) < 0) return -1;
    q->solution = s->text;
    return 0;
}

static int load_explain(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    const struct dslab_ynode *r = dslab_ydoc_map_get(qn, "rubric");
    if (!r) return dslab_ytree_error(d, e->path, qn, "missing key 'rubric' (encoded concepts)");
    if (dslab_ytree_string_list(d, e->path, r, "a list of encoded concepts", &q->rubric, &q->rubric_count) < 0) return -1;
    if (q->rubric_count == 0) return dslab_ytree_error(d, e->path, r, "the rubric needs at least one concept");
    for (const struct dslab_ynode *i = r->kind == DSLAB_YNODE_SEQUENCE ? r->first : r; i; i = r->kind == DSLAB_YNODE_SEQUENCE ? i->next : NULL) {
        if (check_encoded(e, i, d) < 0) return -1;
    }
    int64_t min = (q->rubric_count + 1) / 2;
    if (dslab_ytree_optional_int(d, e->path, qn, "min", 1, q->rubric_count, &min) < 0) return -1;
    q->rubric_min = (int)min;
    const struct dslab_ynode *s = dslab_ydoc_map_get(qn, "solution");
    if (!s) return dslab_ytree_error(d, e->path, qn, "missing key 'solution' (an encoded model explanation)");
    if (check_encoded(e, s, d) < 0) return -1;
    q->solution = s->text;
    return 0;
}

static const char *const common_keys[] = {"id", "kind", "prompt", "points"};
static const char *const kind_keys[Q_KIND_COUNT][12] = {
    [Q_FAILURE_MODE] = {"key", "misconceptions", "wrong", "check", "evidence", "tolerance"},
    [Q_TRADE_OFF] = {"key", "misconceptions", "wrong", "direction"},
    [Q_ASSUMPTION] = {"key", "misconceptions", "wrong"},
    [Q_PREDICT] = {"variant", "check"},
    [Q_FIX] = {"allowed", "goals", "checks", "seeds", "seeds_from", "degenerate", "stress", "solution"},
    [Q_BREAK] = {"design", "budget", "check", "solution"},
    [Q_EXPLAIN] = {"rubric", "min", "solution"},
    [Q_OPERATE] = {"alert", "goals", "checks", "budget", "seeds", "seeds_from", "tempting", "solution", "steps", "start", "every"},
    [Q_DECLARE] = {"needs", "max", "degenerate"},
};

static int question_keys(struct exercise *e, const struct dslab_ynode *qn, enum question_kind k, struct dslab_diag *d) {
    const char *known[16];
    int n = 0;
    for (int i = 0; i < 4; i++) known[n++] = common_keys[i];
    for (int i = 0; i < 12 && kind_keys[k][i]; i++) known[n++] = kind_keys[k][i];
    return dslab_ytree_check_keys(d, e->path, qn, known, n);
}

static int load_failure_mode(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                             const struct taxonomy *tax, struct dslab_diag *d) {
    if (load_keys(e, q, qn, tax, d) < 0) return -1;
    if (dslab_ytree_optional_text(d, e->path, qn, "wrong", &q->feedback_wrong) < 0) return -1;
    const struct dslab_ynode *dir = dslab_ydoc_map_get(qn, "direction");
    if (dir) {
        char plain[GRADER_TEXT_MAX];
        if (check_encoded(e, dir, d) < 0) return -1;
        grader_key_decode(e->salt, dir->text, plain, (int)sizeof plain);
        char *bar = strchr(plain, '|');
        if (!bar || strchr(bar + 1, '|') || !strpbrk(plain, "abcdefghijklmnopqrstuvwxyz") ||
            !strpbrk(bar + 1, "abcdefghijklmnopqrstuvwxyz")) {
            return dslab_ytree_error(d, e->path, dir, "direction decodes to '%s': expected \"kept phrase; phrase | "
                            "given-up phrase; phrase\"", plain);
        }
        q->direction = dir->text;
    }
    if (q->kind != Q_FAILURE_MODE) return 0;
    if (load_check_name(e, q, qn, false, d) < 0) return -1;
    q->evidence = q->check != NULL;
    const struct dslab_ynode *ev = dslab_ydoc_map_get(qn, "evidence");
    if (ev) {
        bool b;
        if (dslab_ytree_bool(d, e->path, ev, &b) < 0) return -1;
        if (b && !q->check) return dslab_ytree_error(d, e->path, ev, "evidence needs a 'check' whose violations it is graded against");
        q->evidence = b;
    }
    q->tolerance_ns = GRADER_TOLERANCE_DEFAULT_NS;
    const struct dslab_ynode *t = dslab_ydoc_map_get(qn, "tolerance");
    if (t && dslab_ytree_duration(d, e->path, t, false, &q->tolerance_ns) < 0) return -1;
    if (q->tolerance_ns > GRADER_TOLERANCE_MAX_NS) {
        return dslab_ytree_error(d, e->path, t, "tolerance %s is too generous: at most 250ms (a window a learner "
                        "rounds to the tenth of a second is off by 50ms at most)", t->text);
    }
    return 0;
}

static int load_question(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                         const struct taxonomy *tax, struct dslab_diag *d) {
    const char *kind;
    if (dslab_ytree_expect_mapping(d, e->path, qn, "a question like { id: ..., kind: failure-mode, ... }") < 0) return -1;
    q->pos.line = qn->line;
    q->pos.col = qn->col;
    if (dslab_ytree_require_text(d, e->path, qn, "id", &q->id) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, qn, "kind", &kind) < 0) return -1;
    int k = 0;
    while (k < Q_KIND_COUNT && strcmp(kind_names[k], kind) != 0) k++;
    if (k == Q_KIND_COUNT) {
        const char *near = dslab_suggest_nearest(kind, kind_names, Q_KIND_COUNT);
        return dslab_ytree_error(d, e->path, dslab_ydoc_map_get(qn, "kind"), "unknown question kind '%s'%s%s%s", kind,
                        near ? " (did you mean '" : " (expected failure-mode, trade-off, assumption, predict, fix, break, explain, operate or declare",
                        near ? near : "", near ? "'?)" : ")");
    }
    q->kind = (enum question_kind)k;
    if (question_keys(e, qn, q->kind, d) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, qn, "prompt", &q->prompt) < 0) return -1;
    int64_t points = q->kind == Q_FAILURE_MODE || q->kind == Q_FIX || q->kind == Q_BREAK || q->kind == Q_OPERATE ? 2 : 1;
    if (dslab_ytree_optional_int(d, e->path, qn, "points", 1, 100, &points) < 0) return -1;
    q->points = (int)points;
    switch (q->kind) {
    case Q_FAILURE_MODE:
    case Q_TRADE_OFF:
    case Q_ASSUMPTION: return load_failure_mode(e, q, qn, tax, d);
    case Q_PREDICT: return load_predict(e, q, qn, d);
    case Q_FIX: return load_fix(e, q, qn, d);
    case Q_BREAK: return load_break(e, q, qn, d);
    case Q_EXPLAIN: return load_explain(e, q, qn, d);
    case Q_OPERATE: return gr_operate_load(e, q, qn, d);
    case Q_DECLARE: return grader_declare_load(e, q, qn, tax, d);
    default: return -1;
    }
}

static int load_questions(struct exercise *e, const struct dslab_ynode *list, const struct taxonomy *tax,
                          struct dslab_diag *d) {
    if (dslab_ytree_expect_list(d, e->path, list, "a list of questions") < 0) return -1;
    if (list->count == 0) return dslab_ytree_error(d, e->path, list, "an exercise needs at least one question");
    if (list->count > GRADER_QUESTIONS_MAX) return dslab_ytree_error(d, e->path, list, "at most %d questions per exercise (found %d)", GRADER_QUESTIONS_MAX, list->count);
    e->questions = calloc((size_t)list->count + 1, sizeof *e->questions); /* +1: a half-loaded one */
    if (!e->questions) return dslab_ytree_error(d, e->path, list, "out of memory");
    int explains = 0;
    for (const struct dslab_ynode *qn = list->first; qn; qn = qn->next) {
        struct question *q = &e->questions[e->questions_count];
        if (load_question(e, q, qn, tax, d) < 0) return -1;
        for (int i = 0; i < e->questions_count; i++) {
            if (strcmp(e->questions[i].id, q->id) == 0) {
                return dslab_ytree_error(d, e->path, dslab_ydoc_map_get(qn, "id"), "duplicate question id '%s'", q->id);
            }
        }
        explains += q->kind == Q_EXPLAIN;
        e->questions_count++;
    }
    if (explains == e->questions_count) {
        return dslab_ytree_error(d, e->path, list, "an explain question is never the only kind of question: add one the grader can check");
    }
    return 0;
}

static int check_track(struct exercise *e, const struct dslab_ynode *top, struct dslab_diag *d) {
    for (int i = 0; i < grader_tracks_count; i++) {
        if (strcmp(grader_tracks[i], e->track) == 0) return 0;
    }
    const char *near = dslab_suggest_nearest(e->track, grader_tracks, grader_tracks_count);
    const struct dslab_ynode *at = dslab_ydoc_map_get(top, "track");
    if (near) return dslab_ytree_error(d, e->path, at, "unknown track '%s' (did you mean '%s'?)", e->track, near);
    return dslab_ytree_error(d, e->path, at, "unknown track '%s' (see docs/EXERCISE_FORMAT.md for the tracks)", e->track);
}

static int load_top(struct exercise *e, const struct taxonomy *tax, struct dslab_diag *d) {
    static const char *const keys[] = {"id", "title", "track", "difficulty", "salt", "read_first",
                                       "scenario", "seed", "brief", "hints", "debrief", "questions"};
    const struct dslab_ynode *top = e->doc.root;
    if (!top) return dslab_diag_set(d, e->path, 1, 1, "the exercise file is empty");
    if (dslab_ytree_expect_mapping(d, e->path, top, "an exercise (a mapping with id, title, track, ...)") < 0) return -1;
    if (dslab_ytree_check_keys(d, e->path, top, keys, 12) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, top, "id", &e->id) < 0) return -1;
    if (check_id_is_a_name(e, dslab_ydoc_map_get(top, "id"), d) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, top, "title", &e->title) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, top, "track", &e->track) < 0) return -1;
    if (check_track(e, top, d) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, top, "scenario", &e->scenario) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, top, "brief", &e->brief) < 0) return -1;
    if (dslab_ytree_require_text(d, e->path, top, "debrief", &e->debrief) < 0) return -1;
    e->salt = e->id;
    if (dslab_ytree_optional_text(d, e->path, top, "salt", &e->salt) < 0) return -1;
    int64_t difficulty = 1, seed = 0;
    if (dslab_ytree_optional_int(d, e->path, top, "difficulty", 1, 3, &difficulty) < 0) return -1;
    e->difficulty = (int)difficulty;
    if (dslab_ydoc_map_get(top, "seed")) {
        if (dslab_ytree_optional_int(d, e->path, top, "seed", 0, INT64_MAX, &seed) < 0) return -1;
        e->seed = (uint64_t)seed;
        e->seed_given = true;
    }
    const struct dslab_ynode *n = dslab_ydoc_map_get(top, "read_first");
    if (n && dslab_ytree_string_list(d, e->path, n, "a list of things to read", &e->read_first, &e->read_first_count) < 0) return -1;
    n = dslab_ydoc_map_get(top, "hints");
    if (n && dslab_ytree_string_list(d, e->path, n, "a list of hints", &e->hints, &e->hints_count) < 0) return -1;
    if (check_scenario_loads(e, dslab_ydoc_map_get(top, "scenario"), e->scenario, NULL, 0, d) < 0) return -1;
    n = dslab_ydoc_map_get(top, "questions");
    if (!n) return dslab_ytree_error(d, e->path, top, "missing key 'questions'");
    return load_questions(e, n, tax, d);
}

/* Loads from `text` (len bytes) when given, else from the file `path`. */
static struct exercise *load(const char *path, const char *text, size_t len, const char *root,
                             const struct taxonomy *tax, struct dslab_diag *d) {
    struct exercise *e = gr_zalloc(sizeof *e, path, d);
    if (!e) return NULL;
    snprintf(e->path, sizeof e->path, "%s", path);
    snprintf(e->root, sizeof e->root, "%s", root ? root : "");
    if (gr_doc_read(&e->doc, text, len, path, d) < 0) {
        free(e);
        return NULL;
    }
    if (load_top(e, tax, d) < 0) {
        grader_exercise_free(e);
        return NULL;
    }
    return e;
}

struct exercise *grader_exercise_load(const char *path, const char *root, const struct taxonomy *tax,
                               struct dslab_diag *d) {
    return load(path, NULL, 0, root, tax, d);
}

struct exercise *grader_exercise_load_buffer(const char *text, size_t len, const char *name,
                                      const char *root, const struct taxonomy *tax,
                                      struct dslab_diag *d) {
    return load(name, text, len, root, tax, d);
}

void grader_exercise_free(struct exercise *e) {
    if (!e) return;
    for (int i = 0; i < e->questions_count || (e->questions && i == e->questions_count); i++) {
        struct question *q = &e->questions[i];
        free(q->misconceptions);
        free(q->variant);
        free(q->allowed);
        free(q->goals);
        free(q->fix_checks);
        for (int k = 0; k < q->degenerate_count; k++) free(q->degenerate[k].set);
        free(q->degenerate);
        free(q->stress.checks);
        free(q->stress.nodes);
        free(q->rubric);
        gr_operate_free(q);
        grader_declare_free(q);
    }
    free(e->questions);
    free(e->read_first);
    free(e->hints);
    dslab_ydoc_free(&e->doc);
    free(e);
}
