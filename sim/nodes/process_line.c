/* process_line.c: one node line -> struct pline (see process_line.h).
 * Every field is checked for presence and type; unknown fields of an
 * action are errors (they are usually typos: "delay" for "delay_ms"). */
#include "nodes/process_line.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/annotation.h"
#include "dslab/suggest.h"

static const char *const ACTIONS[] = {"done",        "send",      "set_timer", "cancel_timer",
                                      "store_put",   "store_get", "store_sync", "annotate",
                                      "describe",    "report_role", "report_term",
                                      "report_final_state", "report_final_value", "use_ring"};
#define ACTIONS_COUNT ((int)(sizeof ACTIONS / sizeof ACTIONS[0]))

static int fail(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t err_size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
    return -1;
}

/* Fields allowed besides "action", NULL-terminated. */
static int check_fields(json_t *obj, const char *action, const char *const *allowed, char *err,
                        size_t err_size) {
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (strcmp(key, "action") == 0) continue;
        bool ok = false;
        for (int i = 0; allowed[i]; i++) ok = ok || strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char list[160] = "";
            size_t used = 0;
            for (int i = 0; allowed[i] && used < sizeof list; i++) {
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                         allowed[i]);
            }
            return fail(err, err_size, "%s: unknown field '%.40s' (expected %s)", action, key,
                        allowed[0] ? list : "no other field");
        }
    }
    return 0;
}

/* A required string field of 1..max bytes without NUL. */
static int get_string(json_t *obj, const char *action, const char *field, size_t max,
                      bool required, const char **out, char *err, size_t err_size) {
    json_t *v = json_object_get(obj, field);
    if (!v) {
        if (!required) return 0;
        return fail(err, err_size, "%s: missing field '%s'", action, field);
    }
    if (!json_is_string(v)) return fail(err, err_size, "%s: '%s' must be a string", action, field);
    size_t n = json_string_length(v);
    if (n > max) return fail(err, err_size, "%s: '%s' is %zu bytes, more than %zu", action, field, n, max);
    if (strlen(json_string_value(v)) != n) {
        return fail(err, err_size, "%s: '%s' contains a NUL character", action, field);
    }
    if (required && n == 0) return fail(err, err_size, "%s: '%s' is empty", action, field);
    *out = json_string_value(v);
    return 0;
}

static int parse_send(json_t *obj, struct pline *p, bool bare, char *err, size_t err_size) {
    static const char *const fields[] = {"dest", "body", "src", NULL};
    static const char *const bare_fields[] = {"dest", "body", "src", "id", NULL};
    const char *what = bare ? "message" : "send";
    if (check_fields(obj, what, bare ? bare_fields : fields, err, err_size) < 0) return -1;
    if (get_string(obj, what, "dest", 64, true, &p->dest, err, err_size) < 0) return -1;
    if (get_string(obj, what, "src", 64, false, &p->src, err, err_size) < 0) return -1;
    json_t *body = json_object_get(obj, "body");
    if (!body) return fail(err, err_size, "%s: missing field 'body'", what);
    if (!json_is_object(body)) return fail(err, err_size, "%s: 'body' must be an object", what);
    if (get_string(body, "body", "type", 64, true, &p->body_type, err, err_size) < 0) return -1;
    static const char *const ids[] = {"msg_id", "in_reply_to"};
    for (int i = 0; i < 2; i++) {
        json_t *v = json_object_get(body, ids[i]);
        if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
            return fail(err, err_size, "body: '%s' must be an integer >= 0", ids[i]);
        }
    }
    json_t *irt = json_object_get(body, "in_reply_to");
    p->in_reply_to = irt ? (int64_t)json_integer_value(irt) : -1;
    p->body = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!p->body) return fail(err, err_size, "%s: out of memory", what);
    p->body_len = strlen(p->body);
    p->kind = PLINE_SEND;
    return 0;
}

static int parse_timer_id(json_t *obj, const char *action, struct pline *p, char *err,
                          size_t err_size) {
    json_t *id = json_object_get(obj, "id");
    if (!id) return fail(err, err_size, "%s: missing field 'id'", action);
    if (!json_is_string(id) && !json_is_integer(id)) {
        return fail(err, err_size, "%s: 'id' must be a string or an integer", action);
    }
    if (json_is_string(id) && strlen(json_string_value(id)) != json_string_length(id)) {
        return fail(err, err_size, "%s: 'id' contains a NUL character", action);
    }
    char *text = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) return fail(err, err_size, "%s: out of memory", action);
    size_t n = strlen(text);
    if (n > PROCESS_TIMER_ID_MAX) {
        free(text);
        return fail(err, err_size, "%s: 'id' is longer than %d bytes as JSON", action,
                    PROCESS_TIMER_ID_MAX);
    }
    memcpy(p->timer_id, text, n + 1);
    free(text);
    return 0;
}

static int parse_set_timer(json_t *obj, struct pline *p, char *err, size_t err_size) {
    static const char *const fields[] = {"id", "delay_ms", "delay_ns", NULL};
    if (check_fields(obj, "set_timer", fields, err, err_size) < 0) return -1;
    if (parse_timer_id(obj, "set_timer", p, err, err_size) < 0) return -1;
    json_t *ms = json_object_get(obj, "delay_ms"), *ns = json_object_get(obj, "delay_ns");
    if ((ms != NULL) == (ns != NULL)) {
        return fail(err, err_size, "set_timer: give exactly one of 'delay_ms' and 'delay_ns'");
    }
    const double max_ms = (double)(PROCESS_TIMER_DELAY_NS_MAX / 1000000);
    if (ms) {
        if (!json_is_number(ms)) return fail(err, err_size, "set_timer: 'delay_ms' must be a number");
        double d = json_number_value(ms);
        if (!(d >= 0 && d <= max_ms)) {
            return fail(err, err_size, "set_timer: 'delay_ms' must be 0..86400000 (24 h)");
        }
        /* Rounded to whole ns at once; the same text gives the same ns everywhere. */
        p->delay_ns = json_is_integer(ms) ? (int64_t)json_integer_value(ms) * 1000000
                                          : (int64_t)llround(d * 1e6);
    } else {
        if (!json_is_integer(ns)) return fail(err, err_size, "set_timer: 'delay_ns' must be an integer");
        json_int_t d = json_integer_value(ns);
        if (d < 0 || d > PROCESS_TIMER_DELAY_NS_MAX) {
            return fail(err, err_size, "set_timer: 'delay_ns' must be 0..86400000000000 (24 h)");
        }
        p->delay_ns = (int64_t)d;
    }
    p->kind = PLINE_SET_TIMER;
    return 0;
}

static int parse_store(json_t *obj, const char *action, struct pline *p, char *err,
                       size_t err_size) {
    static const char *const put_fields[] = {"key", "value", NULL};
    static const char *const get_fields[] = {"key", NULL};
    bool put = strcmp(action, "store_put") == 0;
    if (check_fields(obj, action, put ? put_fields : get_fields, err, err_size) < 0) return -1;
    if (get_string(obj, action, "key", PROCESS_STORE_KEY_MAX, true, &p->key, err, err_size) < 0) {
        return -1;
    }
    if (!put) {
        p->kind = PLINE_STORE_GET;
        return 0;
    }
    json_t *v = json_object_get(obj, "value");
    if (!v) return fail(err, err_size, "store_put: missing field 'value'");
    p->value = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (!p->value) return fail(err, err_size, "store_put: out of memory");
    p->value_len = strlen(p->value);
    p->kind = PLINE_STORE_PUT;
    return 0;
}

/* A tag (annotate's tag, report_term's word): lowercase letters, digits,
 * _ or -, and not the tag of a typed report. */
static int check_tag(const char *action, const char *field, const char *tag, char *err,
                     size_t err_size) {
    for (const char *c = tag; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-')) {
            return fail(err, err_size, "%s: '%s' must be lowercase letters, digits, _ or -", action,
                        field);
        }
    }
    static const char *const reserved[] = {PROCESS_RESERVED_TAGS};
    static const char *const instead[] = {"report_role", "report_final_state", "report_final_value"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcmp(tag, reserved[i]) == 0) {
            return fail(err, err_size, "%s: %s '%s' is reserved: use the action %s (checkers and "
                        "the visualiser read only the typed report)", action, field, tag, instead[i]);
        }
    }
    return 0;
}

/* An integer field; required, and >= min (INT64_MIN: any). */
static int get_int(json_t *obj, const char *action, const char *field, int64_t min,
                   int64_t *out, char *err, size_t err_size) {
    json_t *v = json_object_get(obj, field);
    if (!v) return fail(err, err_size, "%s: missing field '%s'", action, field);
    if (!json_is_integer(v) || (int64_t)json_integer_value(v) < min) {
        if (min == 0) return fail(err, err_size, "%s: '%s' must be an integer >= 0", action, field);
        return fail(err, err_size, "%s: '%s' must be an integer", action, field);
    }
    *out = (int64_t)json_integer_value(v);
    return 0;
}

static int parse_report_role(json_t *obj, struct pline *p, char *err, size_t err_size) {
    static const char *const fields[] = {"role", "term", "text", NULL};
    const char *a = "report_role";
    if (check_fields(obj, a, fields, err, err_size) < 0) return -1;
    const char *name = NULL;
    if (get_string(obj, a, "role", PROCESS_TAG_MAX, true, &name, err, err_size) < 0) return -1;
    const char *names[DSLAB_ROLE_CLASS_COUNT];
    int count = 0;
    p->role = DSLAB_ROLE_NONE;
    for (int r = DSLAB_ROLE_NONE + 1; r < DSLAB_ROLE_CLASS_COUNT; r++) {
        names[count++] = dslab_role_class_name((enum dslab_role_class)r);
        if (strcmp(name, dslab_role_class_name((enum dslab_role_class)r)) == 0) p->role = r;
    }
    if (p->role == DSLAB_ROLE_NONE) {
        const char *near = dslab_suggest_nearest(name, names, count);
        if (near) return fail(err, err_size, "%s: unknown role '%.40s' (did you mean '%s'?)", a, name, near);
        return fail(err, err_size, "%s: unknown role '%.40s' (expected follower, candidate, leader, "
                    "primary, backup, coordinator, participant or other)", a, name);
    }
    if (get_int(obj, a, "term", 0, &p->number, err, err_size) < 0) return -1;
    p->text = dslab_role_class_name((enum dslab_role_class)p->role);
    if (get_string(obj, a, "text", PROCESS_ANNOTATION_TEXT_MAX, false, &p->text, err, err_size) < 0) {
        return -1;
    }
    p->kind = PLINE_REPORT_ROLE;
    return 0;
}

static int parse_report_term(json_t *obj, struct pline *p, char *err, size_t err_size) {
    static const char *const fields[] = {"term", "word", NULL};
    const char *a = "report_term";
    if (check_fields(obj, a, fields, err, err_size) < 0) return -1;
    if (get_int(obj, a, "term", 0, &p->number, err, err_size) < 0) return -1;
    p->tag = "term";
    if (get_string(obj, a, "word", PROCESS_TAG_MAX, false, &p->tag, err, err_size) < 0) return -1;
    if (!p->tag[0]) return fail(err, err_size, "%s: 'word' is empty", a);
    if (check_tag(a, "word", p->tag, err, err_size) < 0) return -1;
    p->kind = PLINE_REPORT_TERM;
    return 0;
}

static int parse_report_final(json_t *obj, const char *action, struct pline *p, char *err,
                              size_t err_size) {
    static const char *const state_fields[] = {"keys_count", "text", NULL};
    static const char *const value_fields[] = {"key", "value", NULL};
    bool state = strcmp(action, "report_final_state") == 0;
    if (check_fields(obj, action, state ? state_fields : value_fields, err, err_size) < 0) return -1;
    if (state) {
        if (get_int(obj, action, "keys_count", 0, &p->number, err, err_size) < 0) return -1;
        p->text = "";
        if (get_string(obj, action, "text", PROCESS_ANNOTATION_TEXT_MAX, false, &p->text, err,
                       err_size) < 0) {
            return -1;
        }
        p->kind = PLINE_REPORT_FINAL_STATE;
        return 0;
    }
    if (get_int(obj, action, "key", INT64_MIN, &p->final_key, err, err_size) < 0 ||
        get_int(obj, action, "value", INT64_MIN, &p->number, err, err_size) < 0) {
        return -1;
    }
    p->kind = PLINE_REPORT_FINAL_VALUE;
    return 0;
}

static int parse_annotate(json_t *obj, struct pline *p, char *err, size_t err_size) {
    static const char *const fields[] = {"tag", "value", "text", NULL};
    if (check_fields(obj, "annotate", fields, err, err_size) < 0) return -1;
    if (get_string(obj, "annotate", "tag", PROCESS_TAG_MAX, true, &p->tag, err, err_size) < 0) {
        return -1;
    }
    if (check_tag("annotate", "tag", p->tag, err, err_size) < 0) return -1;
    json_t *v = json_object_get(obj, "value");
    if (v && !json_is_integer(v)) return fail(err, err_size, "annotate: 'value' must be an integer");
    p->number = v ? (int64_t)json_integer_value(v) : -1;
    p->text = "";
    if (get_string(obj, "annotate", "text", PROCESS_ANNOTATION_TEXT_MAX, false, &p->text, err,
                   err_size) < 0) {
        return -1;
    }
    p->kind = PLINE_ANNOTATE;
    return 0;
}

static int parse_action(json_t *obj, const char *action, struct pline *p, char *err,
                        size_t err_size) {
    static const char *const none[] = {NULL};
    static const char *const describe_fields[] = {"text", NULL};
    if (strcmp(action, "send") == 0) return parse_send(obj, p, false, err, err_size);
    if (strcmp(action, "set_timer") == 0) return parse_set_timer(obj, p, err, err_size);
    if (strcmp(action, "cancel_timer") == 0) {
        static const char *const fields[] = {"id", NULL};
        if (check_fields(obj, action, fields, err, err_size) < 0) return -1;
        p->kind = PLINE_CANCEL_TIMER;
        return parse_timer_id(obj, action, p, err, err_size);
    }
    if (strcmp(action, "store_put") == 0 || strcmp(action, "store_get") == 0) {
        return parse_store(obj, action, p, err, err_size);
    }
    if (strcmp(action, "annotate") == 0) return parse_annotate(obj, p, err, err_size);
    if (strcmp(action, "report_role") == 0) return parse_report_role(obj, p, err, err_size);
    if (strcmp(action, "report_term") == 0) return parse_report_term(obj, p, err, err_size);
    if (strcmp(action, "report_final_state") == 0 || strcmp(action, "report_final_value") == 0) {
        return parse_report_final(obj, action, p, err, err_size);
    }
    if (strcmp(action, "describe") == 0) {
        if (check_fields(obj, action, describe_fields, err, err_size) < 0) return -1;
        p->text = "";
        p->kind = PLINE_DESCRIBE;
        return get_string(obj, action, "text", PROCESS_DESCRIBE_MAX, false, &p->text, err, err_size);
    }
    if (strcmp(action, "done") == 0 || strcmp(action, "store_sync") == 0 ||
        strcmp(action, "use_ring") == 0) {
        if (check_fields(obj, action, none, err, err_size) < 0) return -1;
        p->kind = action[0] == 'd' ? PLINE_DONE : action[0] == 's' ? PLINE_STORE_SYNC : PLINE_USE_RING;
        return 0;
    }
    const char *near = dslab_suggest_nearest(action, ACTIONS, ACTIONS_COUNT);
    if (near) return fail(err, err_size, "unknown action '%.40s' (did you mean '%s'?)", action, near);
    return fail(err, err_size, "unknown action '%.40s' (expected done, send, set_timer, "
                "cancel_timer, store_put, store_get, store_sync, annotate, describe, report_role, "
                "report_term, report_final_state, report_final_value or use_ring)", action);
}

int pline_parse(const char *line, size_t len, struct pline *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    out->in_reply_to = -1;
    out->number = -1;
    /* The fast paths for the commonest lines: done, and a compact message
     * (process_line_fast.c: only what the Jansson path parses the same). */
    if (len == 17 && memcmp(line, "{\"action\":\"done\"}", 17) == 0) {
        out->kind = PLINE_DONE;
        return 0;
    }
    if (len <= PROCESS_LINE_BYTES_MAX && pline_parse_fast(line, len, out)) return 0;
    return pline_parse_json(line, len, out, err, err_size);
}

int pline_parse_json(const char *line, size_t len, struct pline *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    out->in_reply_to = -1;
    out->number = -1;
    if (len > PROCESS_LINE_BYTES_MAX) {
        return fail(err, err_size, "line of %zu bytes, more than %d", len, PROCESS_LINE_BYTES_MAX);
    }
    json_error_t je;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) return fail(err, err_size, "not JSON (column %d: %.80s)", je.column, je.text);
    out->json = root;
    int rc;
    if (!json_is_object(root)) {
        rc = fail(err, err_size, "expected a JSON object like {\"action\":\"done\"}");
    } else {
        json_t *action = json_object_get(root, "action");
        if (!action) {
            if (json_object_get(root, "body")) {
                rc = parse_send(root, out, true, err, err_size);
            } else {
                rc = fail(err, err_size, "no 'action' field (and not a message with a 'body')");
            }
        } else if (!json_is_string(action)) {
            rc = fail(err, err_size, "'action' must be a string");
        } else {
            rc = parse_action(root, json_string_value(action), out, err, err_size);
        }
    }
    if (rc < 0) pline_free(out);
    return rc;
}

void pline_free(struct pline *p) {
    if (p->json) json_decref(p->json);
    free(p->body);
    free(p->value);
    memset(p, 0, sizeof *p);
    p->in_reply_to = -1;
    p->number = -1;
}

const void *pline_body(const struct pline *p) {
    return p->kind == PLINE_SEND && p->json ? json_object_get(p->json, "body") : NULL;
}
