/* lincheck.c: checking a history file (dslab/lincheck.h): read the file,
 * detect and parse its format (hist_*.c), turn --initial into the
 * history's value domain, run lin_check() and summarise the outcome. */
#include "dslab/lincheck.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hist_parse.h"
#include "lin_models.h"

/* Cache memory per key; a budget of 1M states of a long history fits. */
#define LINCHECK_BYTES_MAX ((size_t)1 << 30)

int dslab_lincheck_model_parse(const char *name, enum dslab_lincheck_model *out) {
    static const char *const names[] = {"register", "cas-register", "kv", "mutex"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum dslab_lincheck_model)i;
            return 0;
        }
    }
    return -1;
}

static enum lin_model_kind model_kind(enum dslab_lincheck_model m) {
    switch (m) {
    case DSLAB_LINCHECK_MODEL_REGISTER: return LIN_MODEL_REGISTER;
    case DSLAB_LINCHECK_MODEL_CAS_REGISTER: return LIN_MODEL_CAS_REGISTER;
    case DSLAB_LINCHECK_MODEL_KV: return LIN_MODEL_KV;
    case DSLAB_LINCHECK_MODEL_MUTEX: return LIN_MODEL_MUTEX;
    }
    return LIN_MODEL_REGISTER;
}

/* --initial in the history's domain. */
static int parse_initial(struct lin_history *h, enum lin_model_kind kind, const char *text,
                         int64_t *out, struct dslab_diag *diag) {
    if (kind == LIN_MODEL_MUTEX) {
        if (strcmp(text, "free") == 0 || strcmp(text, "0") == 0) *out = 0;
        else if (strcmp(text, "held") == 0 || strcmp(text, "1") == 0) *out = 1;
        else return dslab_diag_set(diag, "", 0, 0, "--initial: a mutex starts 'free' or 'held', not '%s'", text);
        return 0;
    }
    if (strcmp(text, "nil") == 0) {
        *out = DSLAB_HISTORY_NIL;
        return 0;
    }
    if (h->string_values) {
        size_t len = strlen(text);
        if (len >= 2 && text[0] == '"' && text[len - 1] == '"') {
            text++;
            len -= 2;
        }
        *out = lin_strings_intern(&h->strings, text, len);
        return *out < 0 ? dslab_diag_set(diag, "", 0, 0, "out of memory") : 0;
    }
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno == ERANGE || v == INT64_MIN) {
        return dslab_diag_set(diag, "", 0, 0, "--initial: expected an integer or nil, not '%s'", text);
    }
    *out = (int64_t)v;
    return 0;
}

static void describe_failure(const struct lin_history *h, const struct lin_check_report *rep,
                             bool keyed, struct dslab_lincheck_result *out) {
    const struct lin_partition_report *p = &rep->partitions[rep->first_fail];
    if (keyed) lin_key_describe(h, p->key, out->key, sizeof out->key);
    out->linearized_count = p->linearized_count;
    snprintf(out->state, sizeof out->state, "%s", p->state);
    if (p->blocked_op != SIZE_MAX) {
        const struct lin_op *op = &h->ops[p->blocked_op];
        lin_op_describe(h, op, out->op, sizeof out->op);
        out->process = op->client;
        out->line = op->ret_line;
        out->col = op->ret_col;
        out->invoke_line = op->call_line;
        out->invoke_col = op->call_col;
    }
    if (p->last_op != SIZE_MAX) {
        const struct lin_op *op = &h->ops[p->last_op];
        lin_op_describe(h, op, out->last_op, sizeof out->last_op);
        out->last_process = op->client;
        out->last_line = op->ret_line ? op->ret_line : op->call_line;
    }
}

static void summarise(const struct lin_history *h, const struct lin_check_report *rep, bool keyed,
                      struct dslab_lincheck_result *out) {
    out->verdict = rep->verdict == LIN_LINEARIZABLE       ? DSLAB_LINCHECK_LINEARIZABLE
                   : rep->verdict == LIN_NOT_LINEARIZABLE ? DSLAB_LINCHECK_NOT_LINEARIZABLE
                                                          : DSLAB_LINCHECK_UNKNOWN;
    out->keys_count = rep->partitions_count;
    out->states_total = rep->states_total;
    out->states_all_rounds = rep->states_all_rounds;
    for (size_t i = 0; i < rep->partitions_count; i++) {
        const struct lin_partition_report *p = &rep->partitions[i];
        if (!p->checked) continue;
        out->keys_checked++;
        if (p->verdict != LIN_UNKNOWN) continue;
        if (out->keys_unknown++ == 0) {
            if (keyed) lin_key_describe(h, p->key, out->unknown_key, sizeof out->unknown_key);
            out->unknown_states = p->states;
            out->unknown_budget = p->states_budget;
            out->unknown_by_memory = p->unknown_reason == LIN_UNKNOWN_MEMORY;
        }
    }
    if (rep->first_fail != SIZE_MAX) describe_failure(h, rep, keyed, out);
}

int dslab_lincheck_buffer(const char *text, size_t len, const char *name,
                    const struct dslab_lincheck_options *opt, struct dslab_lincheck_result *out,
                    struct dslab_diag *diag) {
    memset(out, 0, sizeof *out);
    struct lin_history h;
    lin_history_init(&h);
    int rc = hist_parse_buffer(text, len, name, &h, diag);
    struct lin_check_config cfg = {
        .model = model_kind(opt->model),
        .states_max = opt->states_max ? opt->states_max : DSLAB_LINCHECK_STATES_DEFAULT,
        .states_per_op = opt->states_max ? 0 : DSLAB_LINCHECK_STATES_PER_OP,
        .bytes_max = LINCHECK_BYTES_MAX,
        .stop_at_first_fail = true,
    };
    if (rc == 0 && opt->initial) {
        cfg.initial_set = true;
        rc = parse_initial(&h, cfg.model, opt->initial, &cfg.initial, diag);
    }
    struct lin_check_report rep;
    if (rc == 0) rc = lin_check(&h, &cfg, name, &rep, diag);
    if (rc == 0) {
        snprintf(out->format, sizeof out->format, "%s", h.format);
        out->ops_count = h.ops_count;
        summarise(&h, &rep, cfg.model == LIN_MODEL_KV, out);
        lin_check_report_deinit(&rep);
    }
    lin_history_deinit(&h);
    return rc;
}

/* Reads the whole file (up to the limit) into a malloc'd buffer. */
static char *read_file(FILE *f, size_t *len_out, const char *path, struct dslab_diag *diag) {
    size_t capacity = 65536, len = 0;
    char *buf = malloc(capacity);
    while (buf) {
        len += fread(buf + len, 1, capacity - len, f);
        if (ferror(f)) {
            free(buf);
            dslab_diag_set(diag, path, 0, 0, "read error");
            return NULL;
        }
        if (len > DSLAB_LINCHECK_FILE_BYTES_MAX) {
            free(buf);
            dslab_diag_set(diag, path, 0, 0, "file is larger than %d MiB", DSLAB_LINCHECK_FILE_BYTES_MAX >> 20);
            return NULL;
        }
        if (len < capacity) break;
        char *bigger = realloc(buf, capacity * 2);
        if (!bigger) free(buf);
        buf = bigger;
        capacity *= 2;
    }
    if (!buf) dslab_diag_set(diag, path, 0, 0, "out of memory");
    *len_out = len;
    return buf;
}

int dslab_lincheck_file(const char *path, const struct dslab_lincheck_options *opt,
                  struct dslab_lincheck_result *out, struct dslab_diag *diag) {
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (a hang). */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return dslab_diag_set(diag, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    int stat_rc = fstat(fd, &st);
    if (stat_rc != 0 || !S_ISREG(st.st_mode)) {
        bool dir = stat_rc == 0 && S_ISDIR(st.st_mode);
        close(fd);
        return dslab_diag_set(diag, path, 0, 0, "%s", dir ? "is a directory, not a history file"
                                                    : "is not a regular file");
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return dslab_diag_set(diag, path, 0, 0, "cannot open: %s", strerror(errno));
    }
    size_t len = 0;
    char *buf = read_file(f, &len, path, diag);
    fclose(f);
    if (!buf) return -1;
    int rc = dslab_lincheck_buffer(buf, len, path, opt, out, diag);
    free(buf);
    return rc;
}
