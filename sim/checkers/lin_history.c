/* lin_history.c: the operation list every linearizability input produces
 * (see lin_models.h): interned strings, growth of the op arrays, and the
 * short descriptions reports print ("read -> 3", "cas 1 -> 2"). */
#include "lin_models.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"

/* ---- interned strings ----------------------------------------------- */

static uint64_t bytes_hash(const char *s, size_t len) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

void lin_strings_init(struct lin_strings *t) {
    memset(t, 0, sizeof *t);
}

void lin_strings_deinit(struct lin_strings *t) {
    free(t->bytes);
    free(t->offsets);
    free(t->lengths);
    free(t->table);
    memset(t, 0, sizeof *t);
}

static bool strings_grow_table(struct lin_strings *t) {
    size_t capacity = t->table_capacity ? t->table_capacity * 2 : 256;
    uint32_t *table = calloc(capacity, sizeof *table);
    if (!table) return false;
    for (size_t id = 0; id < t->count; id++) {
        size_t j = (size_t)bytes_hash(t->bytes + t->offsets[id], t->lengths[id]) & (capacity - 1);
        while (table[j]) j = (j + 1) & (capacity - 1);
        table[j] = (uint32_t)id + 1;
    }
    free(t->table);
    t->table = table;
    t->table_capacity = capacity;
    return true;
}

static int64_t strings_add(struct lin_strings *t, const char *s, size_t len) {
    if (len > UINT32_MAX / 2 || t->count >= UINT32_MAX / 2) return -1;
    if (t->count == t->capacity) {
        size_t capacity = t->capacity ? t->capacity * 2 : 64;
        size_t *offsets = realloc(t->offsets, capacity * sizeof *offsets);
        if (!offsets) return -1;
        t->offsets = offsets;
        uint32_t *lengths = realloc(t->lengths, capacity * sizeof *lengths);
        if (!lengths) return -1;
        t->lengths = lengths;
        t->capacity = capacity;
    }
    if (t->bytes_used + len + 1 > t->bytes_capacity) {
        size_t capacity = t->bytes_capacity ? t->bytes_capacity : 1024;
        while (capacity < t->bytes_used + len + 1) capacity *= 2;
        char *bytes = realloc(t->bytes, capacity);
        if (!bytes) return -1;
        t->bytes = bytes;
        t->bytes_capacity = capacity;
    }
    memcpy(t->bytes + t->bytes_used, s, len);
    t->bytes[t->bytes_used + len] = '\0';
    t->offsets[t->count] = t->bytes_used;
    t->lengths[t->count] = (uint32_t)len;
    t->bytes_used += len + 1;
    return (int64_t)t->count++;
}

int64_t lin_strings_intern(struct lin_strings *t, const char *s, size_t len) {
    if (t->count == 0 && strings_add(t, "", 0) < 0) return -1; /* id 0 is "" */
    if ((t->count + 1) * 2 > t->table_capacity && !strings_grow_table(t)) return -1;
    uint64_t h = bytes_hash(s, len);
    size_t mask = t->table_capacity - 1;
    size_t j = (size_t)h & mask;
    for (; t->table[j]; j = (j + 1) & mask) {
        size_t id = t->table[j] - 1;
        if (t->lengths[id] == len && memcmp(t->bytes + t->offsets[id], s, len) == 0) {
            return (int64_t)id;
        }
    }
    int64_t id = strings_add(t, s, len);
    if (id < 0) return -1;
    t->table[j] = (uint32_t)id + 1;
    return id;
}

const char *lin_strings_get(const struct lin_strings *t, int64_t id, size_t *len_out) {
    if (id < 0 || (size_t)id >= t->count) {
        if (len_out) *len_out = 0;
        return "";
    }
    if (len_out) *len_out = t->lengths[id];
    return t->bytes + t->offsets[id];
}

/* ---- the history ---------------------------------------------------- */

void lin_history_init(struct lin_history *h) {
    memset(h, 0, sizeof *h);
    lin_strings_init(&h->strings);
}

void lin_history_deinit(struct lin_history *h) {
    free(h->ops);
    free(h->micros);
    lin_strings_deinit(&h->strings);
    memset(h, 0, sizeof *h);
}

int64_t lin_history_add_op(struct lin_history *h, const struct lin_op *op) {
    struct lin_op *ops = grow_array(h->ops, &h->ops_capacity, h->ops_count, sizeof *ops, 256);
    if (!ops) return -1;
    h->ops = ops;
    h->ops[h->ops_count] = *op;
    return (int64_t)h->ops_count++;
}

int64_t lin_history_add_micro(struct lin_history *h, const struct lin_micro *m) {
    struct lin_micro *micros =
        grow_array(h->micros, &h->micros_capacity, h->micros_count, sizeof *micros, 64);
    if (!micros) return -1;
    h->micros = micros;
    h->micros[h->micros_count] = *m;
    return (int64_t)h->micros_count++;
}

void lin_history_compact(struct lin_history *h) {
    size_t k = 0;
    for (size_t i = 0; i < h->ops_count; i++) {
        if (!(h->ops[i].flags & LIN_OP_DELETED)) h->ops[k++] = h->ops[i];
    }
    h->ops_count = k;
}

/* ---- descriptions --------------------------------------------------- */

/* Appends printf output to buf at *used, never overflowing. */
static void buf_add(char *buf, size_t size, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void buf_add(char *buf, size_t size, size_t *used, const char *fmt, ...) {
    if (*used >= size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    if (n > 0) *used += (size_t)n < size - *used ? (size_t)n : size - *used - 1;
}

const char *lin_value_describe(const struct lin_history *h, int64_t v, char *buf, size_t size) {
    if (v == DSLAB_HISTORY_NIL) {
        snprintf(buf, size, "nil");
    } else if (h->string_values) {
        size_t len;
        const char *s = lin_strings_get(&h->strings, v, &len);
        if (len > 60) {
            snprintf(buf, size, "\"...%s\"", s + len - 57);
        } else {
            snprintf(buf, size, "\"%s\"", s);
        }
    } else {
        snprintf(buf, size, "%" PRId64, v);
    }
    return buf;
}

const char *lin_key_describe(const struct lin_history *h, int64_t key, char *buf, size_t size) {
    if (h->keys_are_strings) {
        snprintf(buf, size, "\"%.60s\"", lin_strings_get(&h->strings, key, NULL));
    } else {
        snprintf(buf, size, "%" PRId64, key);
    }
    return buf;
}

static void micro_describe(const struct lin_history *h, const struct lin_micro *m, char *buf,
                           size_t size, size_t *used) {
    char v[96];
    char k[80];
    if (h->keys_are_strings) {
        snprintf(k, sizeof k, "%.60s", lin_strings_get(&h->strings, m->key, NULL));
    } else {
        lin_key_describe(h, m->key, k, sizeof k);
    }
    buf_add(buf, size, used, "%s %s %s", m->fn == DSLAB_OP_READ ? "read" : "write", k,
            m->fn == DSLAB_OP_READ && m->unknown ? "nil" : lin_value_describe(h, m->value, v, sizeof v));
}

const char *lin_op_describe(const struct lin_history *h, const struct lin_op *op, char *buf,
                            size_t size) {
    char a[96], b[96];
    size_t used = 0;
    buf[0] = '\0';
    switch (op->fn) {
    case DSLAB_OP_READ:
        if (op->flags & (LIN_OP_OUT_UNKNOWN | LIN_OP_OPEN)) {
            buf_add(buf, size, &used, "read -> ?");
        } else {
            buf_add(buf, size, &used, "read -> %s", lin_value_describe(h, op->value, a, sizeof a));
        }
        break;
    case DSLAB_OP_WRITE:
    case DSLAB_OP_APPEND:
        buf_add(buf, size, &used, "%s %s", dslab_op_fn_name((enum dslab_op_fn)op->fn),
                lin_value_describe(h, op->value, a, sizeof a));
        break;
    case DSLAB_OP_CAS:
        buf_add(buf, size, &used, "cas %s -> %s%s", lin_value_describe(h, op->expected, a, sizeof a),
                lin_value_describe(h, op->value, b, sizeof b),
                op->flags & LIN_OP_CAS_FAILED ? " (returned false)" : "");
        break;
    case DSLAB_OP_ACQUIRE:
    case DSLAB_OP_RELEASE:
        buf_add(buf, size, &used, "%s", dslab_op_fn_name((enum dslab_op_fn)op->fn));
        break;
    case LIN_FN_TXN:
        buf_add(buf, size, &used, "txn [");
        for (uint32_t i = 0; i < op->micro_count; i++) {
            if (i) buf_add(buf, size, &used, ", ");
            micro_describe(h, &h->micros[op->micro_first + i], buf, size, &used);
        }
        buf_add(buf, size, &used, "]");
        break;
    default:
        buf_add(buf, size, &used, "?");
    }
    if (op->flags & LIN_OP_OPEN) buf_add(buf, size, &used, " (indeterminate)");
    return buf;
}

const char *lin_model_name(enum lin_model_kind kind) {
    switch (kind) {
    case LIN_MODEL_REGISTER: return "register";
    case LIN_MODEL_CAS_REGISTER: return "cas-register";
    case LIN_MODEL_KV: return "kv";
    case LIN_MODEL_MUTEX: return "mutex";
    }
    return "?";
}
