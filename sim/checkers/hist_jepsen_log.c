/* hist_jepsen_log.c: Jepsen log lines of a compare-and-set register, as in
 * Porcupine's etcd test data (shared/external/porcupine/README.md):
 *
 *   INFO  jepsen.util - 3	:invoke	:cas	[3 0]
 *
 * Fields are separated by any whitespace. Porcupine's rules, reproduced:
 * :ok completes (a read of nil means absent); :fail :cas completes with
 * "compare failed" (the register must differ from the expected value at the
 * linearization point); :fail :read completes with an unknown result;
 * :info leaves the op open forever (it may take effect at any later point,
 * or never); an invoke never completed is the same. A :fail :write (not in
 * the data) did not happen. Time is the order of the lines. */
#include "hist_parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct field {
    const char *s;
    size_t len;
    int col;
};

#define FIELDS_MAX 7

struct log_parser {
    const char *name;
    struct dslab_diag *diag;
    struct lin_history *h;
    struct hist_pairing open;
    int line;
    int64_t pos;
};

static bool field_is(const struct field *f, const char *text) {
    return f->len == strlen(text) && memcmp(f->s, text, f->len) == 0;
}

/* Splits a line into at most `max` fields; the last is the rest of the line
 * (trimmed). Returns the number of fields. */
static int split_fields(const char *s, size_t len, struct field *f, int max) {
    size_t i = 0;
    int n = 0;
    while (n < max) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
        if (i >= len) break;
        f[n].s = s + i;
        f[n].col = (int)i + 1;
        if (n == max - 1) {
            size_t end = len;
            while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')) end--;
            f[n].len = end - i;
            i = len;
        } else {
            size_t start = i;
            while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') i++;
            f[n].len = i - start;
        }
        n++;
    }
    return n;
}

static int parse_int(const char *s, size_t len, int64_t *out) {
    char buf[32];
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end != '\0' || errno == ERANGE) return -1;
    *out = (int64_t)v;
    return 0;
}

/* VALUE: nil, an integer, [A B] or a keyword. kind: 0 nil, 1 int, 2 pair, 3 keyword. */
static int parse_value(const struct field *f, int *kind, int64_t *a, int64_t *b) {
    if (field_is(f, "nil")) {
        *kind = 0;
        return 0;
    }
    if (f->len > 0 && f->s[0] == ':') {
        *kind = 3;
        return 0;
    }
    if (f->len >= 2 && f->s[0] == '[' && f->s[f->len - 1] == ']') {
        struct field inner[FIELDS_MAX];
        int n = split_fields(f->s + 1, f->len - 2, inner, 3);
        if (n != 2 || parse_int(inner[0].s, inner[0].len, a) < 0 ||
            parse_int(inner[1].s, inner[1].len, b) < 0) {
            return -1;
        }
        *kind = 2;
        return 0;
    }
    if (parse_int(f->s, f->len, a) < 0) return -1;
    *kind = 1;
    return 0;
}

static int err(struct log_parser *p, int col, const char *msg) {
    return dslab_diag_set(p->diag, p->name, p->line, col, "%s", msg);
}

static int on_invoke(struct log_parser *p, int64_t process, int fn, const struct field *f) {
    size_t prev = hist_pairing_find(&p->open, process);
    if (prev != SIZE_MAX) {
        return dslab_diag_set(p->diag, p->name, p->line, 1,
                        "process %" PRId64 " invokes again while its operation from line %d is open",
                        process, p->h->ops[prev].call_line);
    }
    int kind;
    int64_t a = 0, b = 0;
    if (parse_value(&f[6], &kind, &a, &b) < 0) {
        return err(p, f[6].col, "malformed value (expected nil, an integer, [A B] or a keyword)");
    }
    struct lin_op op = {.fn = fn, .flags = LIN_OP_OPEN, .client = process, .node = -1,
                        .call_pos = p->pos++, .ret_pos = LIN_POS_NEVER, .call_line = p->line,
                        .call_col = 1, .value = DSLAB_HISTORY_NIL, .expected = DSLAB_HISTORY_NIL};
    if (fn == DSLAB_OP_WRITE) {
        if (kind != 1) return err(p, f[6].col, "a write needs an integer value");
        op.value = a;
    } else if (fn == DSLAB_OP_CAS) {
        if (kind != 2) return err(p, f[6].col, "a cas needs a value [EXPECTED NEW]");
        op.expected = a;
        op.value = b;
    }
    if (p->h->ops_count >= HIST_OPS_MAX) return err(p, 1, "too many operations");
    int64_t index = lin_history_add_op(p->h, &op);
    if (index < 0 || hist_pairing_open(&p->open, process, (size_t)index) < 0) {
        return err(p, 1, "out of memory");
    }
    return 0;
}

static int on_complete(struct log_parser *p, int64_t process, const struct field *f, int fn) {
    size_t index = hist_pairing_find(&p->open, process);
    if (index == SIZE_MAX) {
        return dslab_diag_set(p->diag, p->name, p->line, f[3].col,
                        "process %" PRId64 " completes an operation it never invoked", process);
    }
    struct lin_op *op = &p->h->ops[index];
    if (op->fn != fn) {
        return dslab_diag_set(p->diag, p->name, p->line, f[5].col,
                        "completion :%s does not match the open :%s of line %d",
                        dslab_op_fn_name((enum dslab_op_fn)fn), dslab_op_fn_name((enum dslab_op_fn)op->fn), op->call_line);
    }
    hist_pairing_close(&p->open, process);
    if (field_is(&f[4], ":info")) return 0; /* stays open forever */
    op->flags &= ~(uint32_t)LIN_OP_OPEN;
    op->ret_pos = p->pos++;
    op->ret_line = p->line;
    op->ret_col = 1;
    if (field_is(&f[4], ":fail")) {
        if (fn == DSLAB_OP_CAS) op->flags |= LIN_OP_CAS_FAILED;
        if (fn == DSLAB_OP_READ) op->flags |= LIN_OP_OUT_UNKNOWN;
        if (fn == DSLAB_OP_WRITE) op->flags |= LIN_OP_DELETED;
        return 0;
    }
    if (fn == DSLAB_OP_READ) {
        int kind;
        int64_t a = 0, b = 0;
        if (parse_value(&f[6], &kind, &a, &b) < 0 || (kind != 0 && kind != 1)) {
            return err(p, f[6].col, "a read returns nil or an integer");
        }
        op->value = kind == 0 ? DSLAB_HISTORY_NIL : a;
    }
    return 0;
}

static int parse_line(struct log_parser *p, const char *s, size_t len) {
    struct field f[FIELDS_MAX];
    int n = split_fields(s, len, f, FIELDS_MAX);
    if (n == 0) return 0;
    if (n < FIELDS_MAX || !field_is(&f[0], "INFO") || !field_is(&f[1], "jepsen.util") ||
        !field_is(&f[2], "-")) {
        return err(p, f[0].col, "expected 'INFO jepsen.util - PROCESS :TYPE :F VALUE'");
    }
    int64_t process;
    if (parse_int(f[3].s, f[3].len, &process) < 0) {
        return err(p, f[3].col, "expected a process number");
    }
    if (!field_is(&f[4], ":invoke") && !field_is(&f[4], ":ok") && !field_is(&f[4], ":fail") &&
        !field_is(&f[4], ":info")) {
        return err(p, f[4].col, "unknown type (expected :invoke, :ok, :fail or :info)");
    }
    int fn;
    if (field_is(&f[5], ":read")) {
        fn = DSLAB_OP_READ;
    } else if (field_is(&f[5], ":write")) {
        fn = DSLAB_OP_WRITE;
    } else if (field_is(&f[5], ":cas")) {
        fn = DSLAB_OP_CAS;
    } else {
        return err(p, f[5].col, "unknown operation (expected :read, :write or :cas)");
    }
    if (field_is(&f[4], ":invoke")) return on_invoke(p, process, fn, f);
    return on_complete(p, process, f, fn);
}

int hist_parse_jepsen_log(const char *text, size_t len, const char *name, struct lin_history *h,
                          struct dslab_diag *diag) {
    struct log_parser p = {.name = name, .diag = diag, .h = h, .line = 0};
    hist_pairing_init(&p.open);
    snprintf(h->format, sizeof h->format, "jepsen-log");
    int rc = 0;
    size_t i = 0;
    while (i < len && rc == 0) {
        size_t start = i;
        while (i < len && text[i] != '\n') i++;
        p.line++;
        for (size_t k = start; k < i; k++) {
            unsigned char c = (unsigned char)text[k];
            if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
                rc = dslab_diag_set(diag, name, p.line, (int)(k - start) + 1,
                              "unexpected control character 0x%02x", c);
                break;
            }
        }
        if (rc == 0) rc = parse_line(&p, text + start, i - start);
        i++;
    }
    hist_pairing_deinit(&p.open);
    if (rc == 0) lin_history_compact(h);
    return rc;
}
