/* hist_knossos.c: Jepsen/Knossos EDN histories (shared/external/knossos).
 *
 * The file is ONE collection (vector or list) of operation maps with
 * :process, :type, :f, :value (and :time, :index, :error, ignored). Entries
 * whose :process is not an integer (:nemesis) are not client operations.
 * Knossos' rules: a completion pairs with the open invoke of its process;
 * :ok replaces the invoke's value with its own; :fail means the op did not
 * happen (dropped, with its invoke); :info leaves it open forever (any time
 * after the invoke, or never), as does an invoke with no completion. A read
 * of nil is unconstrained. :f is :read/:write/:cas, :txn (a vector of
 * [:read|:write key value] micro-ops), :acquire/:release, and Porcupine's
 * :get/:put/:append. hist_edn_ops() is shared with hist_kv_txt.c, which
 * passes string values instead of integers. */
#include "hist_parse.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hist_edn.h"

struct edn_ops {
    const char *name;
    struct dslab_diag *diag;
    struct lin_history *h;
    struct hist_pairing open;
    int64_t pos;
    int key_kind; /* 0 none yet, 1 integers, 2 strings/keywords */
};

static int err_at(struct edn_ops *b, const struct edn_value *v, const char *msg) {
    return dslab_diag_set(b->diag, b->name, v->line, v->col, "%s", msg);
}

static int value_of(struct edn_ops *b, const struct edn_value *v, int64_t *out) {
    if (v->type == EDN_NIL) {
        *out = DSLAB_HISTORY_NIL;
        return 0;
    }
    if (!b->h->string_values) {
        if (v->type != EDN_INT) return err_at(b, v, "expected an integer or nil as a value");
        if (v->i == DSLAB_HISTORY_NIL) return err_at(b, v, "integer value out of range");
        *out = v->i;
        return 0;
    }
    if (v->type != EDN_STRING) return err_at(b, v, "expected a string or nil as a value");
    *out = lin_strings_intern(&b->h->strings, v->text, v->text_len);
    return *out < 0 ? err_at(b, v, "out of memory") : 0;
}

static int key_of(struct edn_ops *b, const struct edn_value *v, int64_t *out) {
    if (!v || v->type == EDN_NIL) {
        *out = 0; /* no key: one register (or "" among string keys) */
        return 0;
    }
    int kind = v->type == EDN_INT ? 1 : v->type == EDN_STRING || v->type == EDN_KEYWORD ? 2 : 0;
    if (kind == 0) return err_at(b, v, "a key is an integer, a string or a keyword");
    if (b->key_kind && b->key_kind != kind) {
        return err_at(b, v, "keys must be all integers or all strings/keywords");
    }
    b->key_kind = kind;
    if (kind == 1) {
        *out = v->i;
        return 0;
    }
    b->h->keys_are_strings = true;
    *out = lin_strings_intern(&b->h->strings, v->text, v->text_len);
    return *out < 0 ? err_at(b, v, "out of memory") : 0;
}

static int fn_of(const struct edn_value *f) {
    static const struct { const char *name; int fn; } fns[] = {
        {"read", DSLAB_OP_READ},       {"get", DSLAB_OP_READ},        {"write", DSLAB_OP_WRITE},
        {"put", DSLAB_OP_WRITE},       {"cas", DSLAB_OP_CAS},         {"append", DSLAB_OP_APPEND},
        {"txn", LIN_FN_TXN},     {"acquire", DSLAB_OP_ACQUIRE}, {"release", DSLAB_OP_RELEASE},
    };
    if (!f || f->type != EDN_KEYWORD) return -1;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (strcmp(f->text, fns[i].name) == 0) return fns[i].fn;
    }
    return -1;
}

/* Reads a txn's micro-ops into h->micros; sets op->micro_first/count. */
static int read_txn(struct edn_ops *b, const struct edn_value *v, struct lin_op *op) {
    if (!v || (v->type != EDN_VECTOR && v->type != EDN_LIST)) {
        return err_at(b, v, "a :txn value is a vector of [:read|:write key value] micro-ops");
    }
    op->micro_first = (uint32_t)b->h->micros_count;
    op->micro_count = 0;
    for (size_t i = 0; i < v->count; i++) {
        const struct edn_value *m = &v->items[i];
        if ((m->type != EDN_VECTOR && m->type != EDN_LIST) || m->count != 3 ||
            m->items[0].type != EDN_KEYWORD) {
            return err_at(b, m, "a micro-op is [:read key value] or [:write key value]");
        }
        struct lin_micro micro = {.fn = -1};
        const char *f = m->items[0].text;
        if (strcmp(f, "read") == 0 || strcmp(f, "r") == 0) micro.fn = DSLAB_OP_READ;
        if (strcmp(f, "write") == 0 || strcmp(f, "w") == 0) micro.fn = DSLAB_OP_WRITE;
        if (micro.fn < 0) return err_at(b, &m->items[0], "a micro-op is :read or :write");
        if (key_of(b, &m->items[1], &micro.key) < 0) return -1;
        if (value_of(b, &m->items[2], &micro.value) < 0) return -1;
        micro.unknown = micro.fn == DSLAB_OP_READ && micro.value == DSLAB_HISTORY_NIL;
        if (b->h->micros_count >= HIST_OPS_MAX) return err_at(b, m, "too many micro-ops");
        if (lin_history_add_micro(b->h, &micro) < 0) return err_at(b, m, "out of memory");
        op->micro_count++;
    }
    return 0;
}

/* Fills the op's arguments from an invoke's (or an ok's) :value. */
static int read_args(struct edn_ops *b, const struct edn_value *map, const struct edn_value *value,
                     struct lin_op *op, bool completion) {
    switch (op->fn) {
    case DSLAB_OP_WRITE:
    case DSLAB_OP_APPEND:
        if (!value) return err_at(b, map, "operation without :value");
        if (completion && value->type == EDN_NIL) return 0;
        return value_of(b, value, &op->value);
    case DSLAB_OP_CAS:
        if (!value || (completion && value->type == EDN_NIL)) {
            return value ? 0 : err_at(b, map, "operation without :value");
        }
        if ((value->type != EDN_VECTOR && value->type != EDN_LIST) || value->count != 2) {
            return err_at(b, value, "a :cas value is [expected new]");
        }
        if (value_of(b, &value->items[0], &op->expected) < 0) return -1;
        return value_of(b, &value->items[1], &op->value);
    case LIN_FN_TXN:
        if (completion && value && value->type == EDN_NIL) return 0;
        if (!value) return err_at(b, map, "a :txn operation without :value");
        return read_txn(b, value, op);
    case DSLAB_OP_READ:
        if (!completion) return 0; /* the result comes with :ok */
        if (!value) return err_at(b, map, "read completion without :value");
        if (value_of(b, value, &op->value) < 0) return -1;
        if (op->value == DSLAB_HISTORY_NIL) op->flags |= LIN_OP_OUT_UNKNOWN;
        return 0;
    default:
        return 0;
    }
}

static int on_invoke(struct edn_ops *b, const struct edn_value *map, int64_t process, int fn) {
    size_t prev = hist_pairing_find(&b->open, process);
    if (prev != SIZE_MAX) {
        return dslab_diag_set(b->diag, b->name, map->line, map->col,
                        "process %" PRId64 " invokes again while its operation from line %d is open",
                        process, b->h->ops[prev].call_line);
    }
    struct lin_op op = {.fn = fn, .flags = LIN_OP_OPEN, .client = process, .node = -1,
                        .call_pos = b->pos++, .ret_pos = LIN_POS_NEVER, .call_line = map->line,
                        .call_col = map->col, .value = DSLAB_HISTORY_NIL, .expected = DSLAB_HISTORY_NIL};
    if (key_of(b, edn_map_get(map, "key"), &op.key) < 0) return -1;
    if (read_args(b, map, edn_map_get(map, "value"), &op, false) < 0) return -1;
    if (b->h->ops_count >= HIST_OPS_MAX) return err_at(b, map, "too many operations");
    int64_t index = lin_history_add_op(b->h, &op);
    if (index < 0 || hist_pairing_open(&b->open, process, (size_t)index) < 0) {
        return err_at(b, map, "out of memory");
    }
    return 0;
}

static int on_complete(struct edn_ops *b, const struct edn_value *map, int64_t process, int fn,
                       const char *type) {
    size_t index = hist_pairing_find(&b->open, process);
    if (index == SIZE_MAX) {
        return dslab_diag_set(b->diag, b->name, map->line, map->col,
                        "process %" PRId64 " completes an operation it never invoked", process);
    }
    struct lin_op *op = &b->h->ops[index];
    if (op->fn != fn) {
        return dslab_diag_set(b->diag, b->name, map->line, map->col,
                        "completion :f does not match the open operation of line %d", op->call_line);
    }
    hist_pairing_close(&b->open, process);
    if (strcmp(type, "info") == 0) return 0; /* open forever */
    if (strcmp(type, "fail") == 0) {
        op->flags |= LIN_OP_DELETED;
        return 0;
    }
    op->flags &= ~(uint32_t)LIN_OP_OPEN;
    op->ret_pos = b->pos++;
    op->ret_line = map->line;
    op->ret_col = map->col;
    return read_args(b, map, edn_map_get(map, "value"), op, true);
}

static int on_entry(struct edn_ops *b, const struct edn_value *map) {
    if (map->type != EDN_MAP) return err_at(b, map, "expected an operation map {:process ...}");
    const struct edn_value *process = edn_map_get(map, "process");
    if (!process) return err_at(b, map, "operation map without :process");
    if (process->type == EDN_KEYWORD) return 0; /* :nemesis and friends */
    if (process->type != EDN_INT) return err_at(b, process, ":process is an integer or a keyword");
    const struct edn_value *type = edn_map_get(map, "type");
    if (!type) return err_at(b, map, "operation map without :type");
    if (!edn_is_keyword(type, "invoke") && !edn_is_keyword(type, "ok") &&
        !edn_is_keyword(type, "fail") && !edn_is_keyword(type, "info")) {
        return err_at(b, type, ":type is :invoke, :ok, :fail or :info");
    }
    const struct edn_value *f = edn_map_get(map, "f");
    int fn = fn_of(f);
    if (fn < 0) {
        return err_at(b, f ? f : map, ":f is one of :read :write :cas :txn :acquire :release "
                                      ":get :put :append");
    }
    if (edn_is_keyword(type, "invoke")) return on_invoke(b, map, process->i, fn);
    return on_complete(b, map, process->i, fn, type->text);
}

int hist_edn_ops(const struct edn_value *maps, size_t count, bool string_values, const char *name,
                 struct lin_history *h, struct dslab_diag *diag) {
    struct edn_ops b = {.name = name, .diag = diag, .h = h};
    h->string_values = string_values;
    hist_pairing_init(&b.open);
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) rc = on_entry(&b, &maps[i]);
    hist_pairing_deinit(&b.open);
    if (rc == 0) lin_history_compact(h);
    return rc;
}

int hist_parse_edn(const char *text, size_t len, const char *name, struct lin_history *h,
                   struct dslab_diag *diag) {
    struct edn_doc doc;
    snprintf(h->format, sizeof h->format, "edn");
    int rc = edn_parse(text, len, name, &doc, diag);
    if (rc == 0 && doc.forms_count != 1) {
        const struct edn_value *v = doc.forms_count ? &doc.forms[1] : NULL;
        rc = dslab_diag_set(diag, name, v ? v->line : 1, v ? v->col : 1,
                      "expected one collection of operations, found more forms after it");
    }
    if (rc == 0 && doc.forms[0].type != EDN_VECTOR && doc.forms[0].type != EDN_LIST) {
        rc = dslab_diag_set(diag, name, doc.forms[0].line, doc.forms[0].col,
                      "expected a vector or list of operation maps, found %s",
                      edn_type_name(doc.forms[0].type));
    }
    if (rc == 0) rc = hist_edn_ops(doc.forms[0].items, doc.forms[0].count, false, name, h, diag);
    edn_doc_free(&doc);
    return rc;
}
