/* process_reply.c: Maelstrom reply bodies -> dslab reply statuses (see
 * process_reply.h). Maelstrom's own rule decides: errors 0 (timeout) and
 * 13 (crash) are indefinite, every other defined code is definite; codes
 * it does not define are treated as indefinite, the safe reading. */
#include "nodes/process_reply.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool code_is_definite(json_int_t code) {
    switch (code) {
    case 1:  /* node-not-found */
    case 10: /* not-supported */
    case 11: /* temporarily-unavailable */
    case 12: /* malformed-request */
    case 14: /* abort */
    case 20: /* key-does-not-exist */
    case 21: /* key-already-exists */
    case 22: /* precondition-failed */
    case 30: /* txn-conflict */
        return true;
    default: /* 0 timeout, 13 crash, anything else */
        return false;
    }
}

static const char *expected_ok(int fn) {
    return fn == DSLAB_OP_READ ? "read_ok" : fn == DSLAB_OP_WRITE ? "write_ok" : fn == DSLAB_OP_CAS ? "cas_ok" : NULL;
}

int process_reply_map(const void *body_json, int fn, struct process_reply *out, char *err,
                      size_t err_size) {
    json_t *body = (json_t *)body_json;
    out->status = DSLAB_REPLY_OK;
    out->value = 0;
    out->retry_at = NULL;
    const char *type = json_string_value(json_object_get(body, "type"));
    if (!type) type = "";
    if (strcmp(type, "error") == 0) {
        json_t *code = json_object_get(body, "code");
        if (!json_is_integer(code)) {
            snprintf(err, err_size, "error reply: 'code' must be an integer (a Maelstrom error code)");
            return -1;
        }
        json_t *retry = json_object_get(body, "retry_at");
        if (retry && !json_is_string(retry)) {
            snprintf(err, err_size, "error reply: 'retry_at' must be a node name");
            return -1;
        }
        out->retry_at = retry ? json_string_value(retry) : NULL;
        json_int_t c = json_integer_value(code);
        if (c == 20 && fn == DSLAB_OP_READ) { /* a read of a key never written: nil */
            out->value = DSLAB_HISTORY_NIL;
            return 0;
        }
        bool definite = code_is_definite(c);
        if (definite) out->status = out->retry_at ? DSLAB_REPLY_REDIRECT : DSLAB_REPLY_FAIL;
        else out->status = DSLAB_REPLY_UNKNOWN;
        out->value = -1; /* the caller sets the node of retry_at */
        return 0;
    }
    const char *want = expected_ok(fn);
    bool is_ok = strcmp(type, "read_ok") == 0 || strcmp(type, "write_ok") == 0 ||
                 strcmp(type, "cas_ok") == 0;
    if (!is_ok) {
        snprintf(err, err_size, "a reply to a client must have type read_ok, write_ok, cas_ok "
                 "or error, not '%.40s'", type);
        return -1;
    }
    if (want && strcmp(type, want) != 0) {
        snprintf(err, err_size, "reply type '%s' to a %s request (expected '%s')", type,
                 dslab_op_fn_name((enum dslab_op_fn)fn), want);
        return -1;
    }
    if (strcmp(type, "read_ok") == 0) {
        json_t *v = json_object_get(body, "value");
        if (!v) {
            snprintf(err, err_size, "read_ok: missing field 'value' (an integer, or null for none)");
            return -1;
        }
        if (json_is_null(v)) {
            out->value = DSLAB_HISTORY_NIL;
        } else if (json_is_integer(v) && json_integer_value(v) != (json_int_t)DSLAB_HISTORY_NIL) {
            out->value = (int64_t)json_integer_value(v);
        } else {
            snprintf(err, err_size, "read_ok: 'value' must be an integer or null");
            return -1;
        }
    }
    return 0;
}
