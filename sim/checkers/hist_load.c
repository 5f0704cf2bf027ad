/* hist_load.c: format detection and invoke/completion pairing shared by
 * the history parsers (see hist_parse.h). */
#include "hist_parse.h"

#include <stdlib.h>
#include <string.h>

#include "dslab/text.h"

/* ---- pairing -------------------------------------------------------- */

static size_t slot_of(int64_t key, size_t capacity) {
    uint64_t x = (uint64_t)key * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(x ^ (x >> 29)) & (capacity - 1);
}

void hist_pairing_init(struct hist_pairing *p) {
    memset(p, 0, sizeof *p);
}

void hist_pairing_deinit(struct hist_pairing *p) {
    free(p->keys);
    free(p->values);
    free(p->used);
    memset(p, 0, sizeof *p);
}

size_t hist_pairing_find(const struct hist_pairing *p, int64_t process) {
    if (!p->capacity) return SIZE_MAX;
    for (size_t j = slot_of(process, p->capacity); p->used[j]; j = (j + 1) & (p->capacity - 1)) {
        if (p->used[j] == 1 && p->keys[j] == process) return p->values[j];
    }
    return SIZE_MAX;
}

static int pairing_rehash(struct hist_pairing *p) {
    size_t capacity = p->capacity ? p->capacity * 2 : 64;
    int64_t *keys = malloc(capacity * sizeof *keys);
    size_t *values = malloc(capacity * sizeof *values);
    uint8_t *used = calloc(capacity, 1);
    if (!keys || !values || !used) {
        free(keys);
        free(values);
        free(used);
        return -1;
    }
    size_t filled = 0;
    for (size_t i = 0; i < p->capacity; i++) {
        if (p->used[i] != 1) continue;
        size_t j = slot_of(p->keys[i], capacity);
        while (used[j]) j = (j + 1) & (capacity - 1);
        used[j] = 1;
        keys[j] = p->keys[i];
        values[j] = p->values[i];
        filled++;
    }
    hist_pairing_deinit(p);
    p->keys = keys;
    p->values = values;
    p->used = used;
    p->capacity = capacity;
    p->filled = filled;
    return 0;
}

int hist_pairing_open(struct hist_pairing *p, int64_t process, size_t op_index) {
    if ((p->filled + 1) * 2 > p->capacity && pairing_rehash(p) < 0) return -1;
    size_t j = slot_of(process, p->capacity);
    while (p->used[j] == 1) j = (j + 1) & (p->capacity - 1);
    if (p->used[j] == 0) p->filled++;
    p->used[j] = 1;
    p->keys[j] = process;
    p->values[j] = op_index;
    return 0;
}

void hist_pairing_close(struct hist_pairing *p, int64_t process) {
    if (!p->capacity) return;
    for (size_t j = slot_of(process, p->capacity); p->used[j]; j = (j + 1) & (p->capacity - 1)) {
        if (p->used[j] == 1 && p->keys[j] == process) {
            p->used[j] = 2;
            return;
        }
    }
}

/* ---- detection ------------------------------------------------------ */

int hist_detect_format(const char *text, size_t len, const char *name, enum hist_format *out,
                       struct dslab_diag *diag) {
    int line = 1, col = 1;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n') {
            line++;
            col = 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
            col++;
            continue;
        }
        if (c == ';') { /* EDN comment */
            while (i + 1 < len && text[i + 1] != '\n') i++;
            continue;
        }
        if (c == '[' || c == '(') {
            *out = HIST_FORMAT_EDN;
            return 0;
        }
        if (c == '{') {
            *out = HIST_FORMAT_KV_TXT;
            return 0;
        }
        if (len - i >= 4 && memcmp(text + i, "INFO", 4) == 0) {
            *out = HIST_FORMAT_JEPSEN_LOG;
            return 0;
        }
        return dslab_diag_set(diag, name, line, col,
                        "unrecognised history format: expected a Jepsen log line "
                        "('INFO jepsen.util - PROCESS :TYPE :F VALUE'), an EDN vector of "
                        "operation maps, or one EDN map per line");
    }
    return dslab_diag_set(diag, name, line, col, "empty file: no history");
}

int hist_parse_buffer(const char *text, size_t len, const char *name, struct lin_history *h,
                      struct dslab_diag *diag) {
    enum hist_format format;
    /* UTF-16/32, NUL bytes and bad UTF-8 are one clear error up front. */
    if (dslab_text_check_file(text, len, name, diag) < 0) return -1;
    if (hist_detect_format(text, len, name, &format, diag) < 0) return -1;
    switch (format) {
    case HIST_FORMAT_JEPSEN_LOG: return hist_parse_jepsen_log(text, len, name, h, diag);
    case HIST_FORMAT_EDN: return hist_parse_edn(text, len, name, h, diag);
    case HIST_FORMAT_KV_TXT: return hist_parse_kv_txt(text, len, name, h, diag);
    }
    return dslab_diag_set(diag, name, 0, 0, "unknown format");
}
