/* params.c: helpers protocols use in configure() to read their scenario
 * parameters (declared at the bottom of dslab/node.h).
 *
 * Parameters are kept as written (strings with their position); these
 * helpers parse them with the same exact parsers as the rest of the file
 * (scenario/units.c) and report errors at the parameter's key:
 * "file:line:col: error: protocol parameter 'election_timeout': expected a
 * duration like 150ms, got 'fast'". A parameter set with --set has no file
 * position; its errors read "--set protocol.KEY=VALUE: error: ...". */
#include <stdio.h>
#include <string.h>

#include "dslab/node.h"
#include "dslab/suggest.h"
#include "scenario/units.h"

int dslab_param_error_at(const struct dslab_scenario *s, const struct dslab_scenario_param *p,
                       struct dslab_diag *diag, const char *message) {
    if (p->pos.line == 0) {
        char file[DSLAB_DIAG_PATH_MAX];
        snprintf(file, sizeof file, "--set protocol.%s=%s", p->key, p->value);
        return dslab_diag_set(diag, file, 0, 0, "protocol parameter '%s': %s", p->key, message);
    }
    return dslab_diag_set(diag, s->path, p->pos.line, p->pos.col, "protocol parameter '%s': %s", p->key,
                    message);
}

const struct dslab_scenario_param *dslab_param_find(const struct dslab_scenario *s, const char *key) {
    for (int i = 0; i < s->protocol.params_count; i++) {
        if (strcmp(s->protocol.params[i].key, key) == 0) return &s->protocol.params[i];
    }
    return NULL;
}

int dslab_param_duration_ns(const struct dslab_scenario *s, const char *key, int64_t default_ns,
                      int64_t *out, struct dslab_diag *diag) {
    const struct dslab_scenario_param *p = dslab_param_find(s, key);
    char err[DSLAB_UNITS_ERR_MAX];
    if (!p) {
        *out = default_ns;
        return 0;
    }
    if (dslab_units_parse_duration_ns(p->value, false, out, err, (int)sizeof err) < 0) {
        return dslab_param_error_at(s, p, diag, err);
    }
    return 0;
}

int dslab_param_int(const struct dslab_scenario *s, const char *key, int64_t default_value, int64_t min,
              int64_t max, int64_t *out, struct dslab_diag *diag) {
    const struct dslab_scenario_param *p = dslab_param_find(s, key);
    char err[DSLAB_UNITS_ERR_MAX];
    if (!p) {
        *out = default_value;
        return 0;
    }
    if (dslab_units_parse_int(p->value, min, max, out, err, (int)sizeof err) < 0) {
        return dslab_param_error_at(s, p, diag, err);
    }
    return 0;
}

int dslab_param_bool(const struct dslab_scenario *s, const char *key, bool default_value, bool *out,
               struct dslab_diag *diag) {
    const struct dslab_scenario_param *p = dslab_param_find(s, key);
    char err[DSLAB_UNITS_ERR_MAX];
    if (!p) {
        *out = default_value;
        return 0;
    }
    if (dslab_units_parse_bool(p->value, out, err, (int)sizeof err) < 0) {
        return dslab_param_error_at(s, p, diag, err);
    }
    return 0;
}

static void join(char *buf, size_t buf_size, const char *const *words) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; words[i] && used < buf_size; i++) {
        used += (size_t)snprintf(buf + used, buf_size - used, "%s%s", i ? ", " : "", words[i]);
    }
}

static int count_words(const char *const *words) {
    int n = 0;
    while (words[n]) n++;
    return n;
}

int dslab_param_choice(const struct dslab_scenario *s, const char *key, const char *const *choices,
                 int default_index, int *out, struct dslab_diag *diag) {
    const struct dslab_scenario_param *p = dslab_param_find(s, key);
    if (!p) {
        *out = default_index;
        return 0;
    }
    for (int i = 0; choices[i]; i++) {
        if (strcmp(choices[i], p->value) == 0) {
            *out = i;
            return 0;
        }
    }
    char message[DSLAB_DIAG_MESSAGE_MAX];
    const char *near = dslab_suggest_nearest(p->value, choices, count_words(choices));
    if (near) {
        snprintf(message, sizeof message, "unknown value '%s' (did you mean '%s'?)", p->value,
                 near);
    } else {
        char list[300];
        join(list, sizeof list, choices);
        snprintf(message, sizeof message, "expected one of: %s, got '%s'", list, p->value);
    }
    return dslab_param_error_at(s, p, diag, message);
}

int dslab_param_reject_unknown(const struct dslab_scenario *s, const char *const *known, struct dslab_diag *diag) {
    int known_count = count_words(known);
    for (int i = 0; i < s->protocol.params_count; i++) {
        const struct dslab_scenario_param *p = &s->protocol.params[i];
        bool found = false;
        for (int j = 0; j < known_count && !found; j++) found = strcmp(known[j], p->key) == 0;
        if (found) continue;
        const char *near = dslab_suggest_nearest(p->key, known, known_count);
        char file[DSLAB_DIAG_PATH_MAX];
        int line = p->pos.line, col = p->pos.col;
        snprintf(file, sizeof file, "%s", s->path);
        if (line == 0) snprintf(file, sizeof file, "--set protocol.%s=%s", p->key, p->value);
        if (near) {
            return dslab_diag_set(diag, file, line, col,
                            "unknown protocol parameter '%s' (did you mean '%s'?)", p->key, near);
        }
        if (known_count == 0) {
            return dslab_diag_set(diag, file, line, col,
                            "unknown protocol parameter '%s' (%s takes no parameters)", p->key,
                            s->protocol.name);
        }
        char list[300];
        join(list, sizeof list, known);
        return dslab_diag_set(diag, file, line, col,
                        "unknown protocol parameter '%s' (%s takes: %s)", p->key,
                        s->protocol.name, list);
    }
    return 0;
}
