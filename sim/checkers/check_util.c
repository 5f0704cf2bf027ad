/* check_util.c: argument reading, descriptors, results and the not-judged
 * verdict for the checkers (see check_util.h). */
#include "checkers/check_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/units.h"

int check_no_arguments(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                       struct dslab_diag *diag) {
    if (check->args && check->args[0]) {
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                        "%s takes no arguments (got '%s')", check->name, check->args);
    }
    return 0;
}

int check_argument_required(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                            const char *what, const char *example, struct dslab_diag *diag) {
    if (check->args && check->args[0]) return 0;
    return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                    "%s needs an argument (none was given): %s; write it after a colon, "
                    "e.g. 'checks: [\"%s: %s\"]'",
                    check->name, what, check->name, example);
}

int check_create_stateless(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                           void **state_out, struct dslab_diag *diag) {
    *state_out = NULL;
    return check_no_arguments(s, check, diag);
}

void *check_state_new(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                      size_t size, struct dslab_diag *diag) {
    void *st = calloc(1, size);
    if (!st) dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "out of memory");
    return st;
}

int check_nodes_at_most(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                        int nodes_max, struct dslab_diag *diag) {
    if (s->nodes_count > nodes_max) {
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                        "%s supports at most %d nodes", check->name, nodes_max);
    }
    return 0;
}

int check_duration_argument(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                            const char *usage, int64_t *out_ns, struct dslab_diag *diag) {
    if (!check->args || !check->args[0]) {
        return 0;
    }
    char err[DSLAB_UNITS_ERR_MAX];
    int64_t ns = 0;
    if (dslab_units_parse_duration_ns(check->args, false, &ns, err, sizeof err) != 0 || ns <= 0) {
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "%s (got '%s')", usage,
                        check->args);
    }
    *out_ns = ns;
    return 0;
}

void check_result_take(struct dslab_check_result *result, const struct dslab_check_result *found) {
    char name[sizeof result->name];
    memcpy(name, result->name, sizeof name);
    *result = *found;
    memcpy(result->name, name, sizeof name);
    result->verdict = result->violations_total > 0 ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
}

void check_not_judged(struct dslab_check_result *r, const char *fmt, ...) {
    static const char prefix[] = "not judged: ";
    r->verdict = DSLAB_CHECK_UNKNOWN;
    memcpy(r->summary, prefix, sizeof prefix);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->summary + sizeof prefix - 1, sizeof r->summary - (sizeof prefix - 1), fmt, ap);
    va_end(ap);
}
