/* fix_apply.c: a fix as typed values, applied to a loaded scenario.
 *
 * A learner's fix (or an author's model or degenerate fix) is a set of
 * PATH: VALUE pairs. Each value is parsed here into a typed value with a
 * documented range (docs/EXERCISE_FORMAT.md, "Fix values"): a duration
 * 0 .. 1 day, an integer -10^9 .. 10^9, a boolean, or a word. A value out
 * of range is an error at the answer's position, before anything runs, so
 * no protocol ever sees 9223372036854775807ns.
 *
 * The fixed scenario borrows the loaded scenario and replaces only its
 * protocol parameters and its checks (the question's `checks:` and its
 * goals), the way explore borrows a scenario to replace its faults: no
 * YAML text is written back out and parsed again. A path outside
 * `protocol.` (a fault an operator adds, `faults.1`) has no typed form:
 * its text goes to the loader as an override, unchanged. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"
#include "grade_internal.h"
#include "dslab/units.h"

#define FIX_INT_ABS_MAX INT64_C(1000000000)

static bool all_digits(const char *t) {
    if (*t == '-' || *t == '+') t++;
    if (!*t) return false;
    for (; *t; t++) {
        if (*t < '0' || *t > '9') return false;
    }
    return true;
}

static bool has_duration_unit(const char *t) {
    size_t n = strlen(t);
    if (n < 2) return false;
    char last = t[n - 1];
    bool unit = last == 's' || last == 'm' || last == 'h';
    bool number = (t[0] >= '0' && t[0] <= '9') || t[0] == '-' || t[0] == '.' || t[0] == '+';
    return unit && number;
}

int grader_fix_parse_value(const char *path, const char *text, struct fix_value *out, char *err, int err_size) {
    memset(out, 0, sizeof *out);
    out->path = path;
    if (strncmp(path, "protocol.", 9) != 0) {
        out->kind = FIXV_TEXT;
        snprintf(out->text, sizeof out->text, "%s", text);
        if (strlen(text) >= sizeof out->text) {
            snprintf(err, (size_t)err_size, "'%s': the value is longer than %d characters", path,
                     (int)sizeof out->text - 1);
            return -1;
        }
        return 0;
    }
    char uerr[DSLAB_UNITS_ERR_MAX];
    bool b;
    if (has_duration_unit(text)) {
        out->kind = FIXV_DURATION;
        bool parsed = dslab_units_parse_duration_ns(text, true, &out->num, uerr, (int)sizeof uerr) == 0;
        if (!parsed && !strstr(uerr, "too large")) {
            snprintf(err, (size_t)err_size, "'%s: %s': %s", path, text, uerr);
            return -1;
        }
        if (!parsed || out->num < 0 || out->num > DSLAB_DURATION_NS_MAX) {
            snprintf(err, (size_t)err_size, "'%s: %s' is out of range: a duration in a fix is 0 .. 1 day "
                     "(24h, the longest run)", path, text);
            return -1;
        }
        snprintf(out->text, sizeof out->text, "%" PRId64 "ns", out->num);
    } else if (all_digits(text)) {
        out->kind = FIXV_INT;
        if (dslab_units_parse_int(text, -FIX_INT_ABS_MAX, FIX_INT_ABS_MAX, &out->num, uerr, (int)sizeof uerr) < 0) {
            snprintf(err, (size_t)err_size, "'%s: %s' is out of range: an integer in a fix is "
                     "-1000000000 .. 1000000000", path, text);
            return -1;
        }
        snprintf(out->text, sizeof out->text, "%" PRId64, out->num);
    } else if (dslab_units_parse_bool(text, &b, uerr, (int)sizeof uerr) == 0) {
        out->kind = FIXV_BOOL;
        out->num = b;
        snprintf(out->text, sizeof out->text, "%s", b ? "true" : "false");
    } else {
        out->kind = FIXV_WORD;
        if (strlen(text) >= sizeof out->text) {
            snprintf(err, (size_t)err_size, "'%s': the value is longer than %d characters", path,
                     (int)sizeof out->text - 1);
            return -1;
        }
        snprintf(out->text, sizeof out->text, "%s", text);
    }
    return 0;
}

bool grader_fix_value_equal(const struct fix_value *a, const struct fix_value *b) {
    if (strcmp(a->path, b->path) != 0 || a->kind != b->kind) return false;
    if (a->kind == FIXV_DURATION || a->kind == FIXV_INT || a->kind == FIXV_BOOL) return a->num == b->num;
    return strcmp(a->text, b->text) == 0;
}

static char *dup_text(struct fixed_scenario *f, const char *text, size_t len) {
    if (f->owned_count == f->owned_cap) {
        int cap = f->owned_cap ? f->owned_cap * 2 : 16;
        char **grown = realloc(f->owned, sizeof *grown * (size_t)cap);
        if (!grown) return NULL;
        f->owned = grown;
        f->owned_cap = cap;
    }
    char *s = malloc(len + 1);
    if (!s) return NULL;
    memcpy(s, text, len);
    s[len] = 0;
    f->owned[f->owned_count++] = s;
    return s;
}

/* "leader-available: 1s" -> name "leader-available", args "1s". */
static int add_check(struct fixed_scenario *f, const char *text, struct dslab_diag *d) {
    const char *colon = strchr(text, ':');
    size_t name_len = colon ? (size_t)(colon - text) : strlen(text);
    while (name_len > 0 && text[name_len - 1] == ' ') name_len--;
    struct dslab_scenario_check *c = &f->checks[f->sc.checks_count];
    memset(c, 0, sizeof *c);
    if (name_len == 0 || name_len >= sizeof c->name) return dslab_diag_set(d, f->sc.path, 0, 0, "check '%s' has no valid name", text);
    memcpy(c->name, text, name_len);
    c->name[name_len] = 0;
    const char *args = colon ? colon + 1 : "";
    while (*args == ' ') args++;
    if (!(c->args = dup_text(f, args, strlen(args)))) return dslab_diag_set(d, f->sc.path, 0, 0, "out of memory");
    if (!dslab_checker_find(c->name)) return dslab_diag_set(d, f->sc.path, 0, 0, "unknown check '%s'", c->name);
    f->sc.checks_count++;
    return 0;
}

/* Sets protocol parameter `key` (replacing one of the same key). */
static int set_param(struct fixed_scenario *f, const char *key, const char *value, struct dslab_diag *d) {
    struct dslab_scenario_param *p = NULL;
    for (int i = 0; i < f->sc.protocol.params_count && !p; i++) {
        if (strcmp(f->params[i].key, key) == 0) p = &f->params[i];
    }
    if (!p) {
        if (f->sc.protocol.params_count >= DSLAB_PARAMS_MAX) {
            return dslab_diag_set(d, f->sc.path, 0, 0, "too many protocol parameters (at most %d)", DSLAB_PARAMS_MAX);
        }
        p = &f->params[f->sc.protocol.params_count++];
        memset(p, 0, sizeof *p);
        if (strlen(key) >= sizeof p->key) return dslab_diag_set(d, f->sc.path, 0, 0, "parameter name '%s' is too long", key);
        snprintf(p->key, sizeof p->key, "%s", key);
    }
    if (!(p->value = dup_text(f, value, strlen(value)))) return dslab_diag_set(d, f->sc.path, 0, 0, "out of memory");
    p->pos.line = 0; /* errors then read "--set protocol.KEY=VALUE" */
    p->pos.col = 0;
    return 0;
}

/* The protocol's configure() and every checker's create(), as the loader
 * runs them, on the fixed scenario. */
static int validate(const struct dslab_scenario *s, struct dslab_diag *d) {
    const struct dslab_protocol *p = dslab_protocol_of_scenario(s);
    if (!p) return dslab_diag_set(d, s->path, 0, 0, "unknown protocol '%s'", s->protocol.name);
    if (!p->configure && s->protocol.params_count > 0) {
        return dslab_diag_set(d, "--set protocol", 0, 0, "unknown protocol parameter '%s' (%s takes no parameters)",
                        s->protocol.params[0].key, p->name);
    }
    if (p->configure) {
        void *config = NULL;
        if (p->configure(s, &config, d) < 0) return -1;
        if (p->destroy_config) p->destroy_config(config);
    }
    for (int i = 0; i < s->checks_count; i++) {
        const struct dslab_checker *c = dslab_checker_find(s->checks[i].name);
        void *state = NULL;
        if (c && c->create) {
            if (c->create(s, &s->checks[i], &state, d) < 0) return -1;
            if (c->destroy) c->destroy(state);
        }
    }
    return 0;
}

int gr_fixed_scenario_build(const char *scenario_path, const struct question *q, const struct fix_value *v,
                         int n, struct fixed_scenario *f, struct dslab_diag *d, int *bad) {
    memset(f, 0, sizeof *f);
    *bad = -1;
    /* Paths outside protocol. go to the loader as overrides, unchanged. */
    struct dslab_scenario_override *ov = calloc((size_t)n + 1, sizeof *ov);
    if (!ov) return dslab_diag_set(d, scenario_path, 0, 0, "out of memory");
    int ov_count = 0;
    for (int i = 0; i < n; i++) {
        if (v[i].kind != FIXV_TEXT) continue;
        ov[ov_count].path = v[i].path;
        ov[ov_count].value = v[i].text;
        ov_count++;
    }
    f->loaded = dslab_scenario_load(scenario_path, ov, ov_count, NULL, d);
    free(ov);
    if (!f->loaded) {
        for (int i = 0; i < n && *bad < 0; i++) {
            size_t len = strlen(v[i].path);
            if (v[i].kind == FIXV_TEXT && strncmp(d->file, "--set ", 6) == 0 &&
                strncmp(d->file + 6, v[i].path, len) == 0) *bad = i;
        }
        return -1;
    }
    f->sc = *f->loaded;
    int params_cap = f->sc.protocol.params_count + n + 1;
    f->params = calloc((size_t)params_cap, sizeof *f->params);
    int checks_cap = (q->fix_checks_count ? q->fix_checks_count : f->sc.checks_count) + q->goals_count + 1;
    f->checks = calloc((size_t)checks_cap, sizeof *f->checks);
    if (!f->params || !f->checks) return dslab_diag_set(d, scenario_path, 0, 0, "out of memory");
    memcpy(f->params, f->loaded->protocol.params, sizeof *f->params * (size_t)f->loaded->protocol.params_count);
    f->sc.protocol.params = f->params;
    f->sc.checks = f->checks;
    f->sc.checks_count = 0;
    if (q->fix_checks_count > 0 || q->fix_checks_given) {
        for (int i = 0; i < q->fix_checks_count; i++) {
            if (add_check(f, q->fix_checks[i], d) < 0) return -1;
        }
    } else {
        memcpy(f->checks, f->loaded->checks, sizeof *f->checks * (size_t)f->loaded->checks_count);
        f->sc.checks_count = f->loaded->checks_count;
    }
    f->goals_first = f->sc.checks_count;
    for (int i = 0; i < q->goals_count; i++) {
        if (add_check(f, q->goals[i], d) < 0) return -1;
    }
    for (int i = 0; i < n; i++) {
        if (v[i].kind == FIXV_TEXT) continue;
        if (set_param(f, v[i].path + 9, v[i].text, d) < 0) {
            *bad = i;
            return -1;
        }
    }
    if (validate(&f->sc, d) < 0) {
        /* A parameter error names "--set protocol.KEY=VALUE". */
        for (int i = 0; i < n && *bad < 0; i++) {
            size_t len = strlen(v[i].path);
            if (strncmp(d->file, "--set ", 6) == 0 && strncmp(d->file + 6, v[i].path, len) == 0 &&
                d->file[6 + len] == '=') *bad = i;
        }
        return -1;
    }
    return 0;
}

void gr_fixed_scenario_free(struct fixed_scenario *f) {
    for (int i = 0; i < f->owned_count; i++) free(f->owned[i]);
    free(f->owned);
    free(f->params);
    free(f->checks);
    dslab_scenario_free(f->loaded);
    memset(f, 0, sizeof *f);
}

int gr_fixed_scenario_check_index(const struct fixed_scenario *f, const char *text) {
    const char *colon = strchr(text, ':');
    size_t name_len = colon ? (size_t)(colon - text) : strlen(text);
    while (name_len > 0 && text[name_len - 1] == ' ') name_len--;
    const char *args = colon ? colon + 1 : NULL;
    while (args && *args == ' ') args++;
    for (int i = 0; i < f->sc.checks_count; i++) {
        const struct dslab_scenario_check *c = &f->sc.checks[i];
        if (strlen(c->name) != name_len || strncmp(c->name, text, name_len) != 0) continue;
        if (!args || strcmp(c->args ? c->args : "", args) == 0) return i;
    }
    return -1;
}
