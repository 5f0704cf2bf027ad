/* repl_log.c: the durable replicated log shared by Raft and primary-backup
 * (see repl_log.h for the layout and the rules). */
#include "protocols/repl_log.h"

#include <inttypes.h>
#include <string.h>

#include "grow.h"

/* "<prefix><index>", as snprintf would write it, cut to buf_size - 1 bytes;
 * by hand: it runs for every entry stored (snprintf was 5% of explore). */
static void entry_key(const struct repl_log_spec *spec, int64_t index, char *buf,
                      size_t buf_size) {
    char digits[24];
    size_t d = sizeof digits;
    uint64_t u = index < 0 ? 0 - (uint64_t)index : (uint64_t)index;
    do {
        digits[--d] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (index < 0) digits[--d] = '-';
    size_t used = 0;
    for (const char *p = spec->entry_prefix; *p && used + 1 < buf_size; p++) buf[used++] = *p;
    for (; d < sizeof digits && used + 1 < buf_size; d++) buf[used++] = digits[d];
    if (buf_size > 0) buf[used] = 0;
}

/* Room for entry `index` (1-based): grows a grown log (doubling from 64
 * entries) and points log->entries at the result. Returns -1 when out of
 * memory, nothing changed. */
static int reserve(struct repl_log *log, int64_t index) {
    if (!log->grown_entries || (size_t)index <= *log->capacity) return 0;
    void *grown = grow_array(*log->grown_entries, log->capacity, (size_t)index - 1, log->spec->entry_size, 64);
    if (!grown) return -1;
    *log->grown_entries = log->entries = grown;
    return 0;
}

/* The entries now (a grown log may have moved since `log` was made). */
static void *entries_of(struct repl_log log) {
    return log.grown_entries ? *log.grown_entries : log.entries;
}

static void *entry_at(struct repl_log log, int64_t index) {
    return (char *)entries_of(log) + (size_t)(index - 1) * log.spec->entry_size;
}

int64_t repl_log_term_at(const struct repl_log_spec *spec, const void *entries, int64_t len,
                         int64_t index) {
    if (index <= 0 || index > len) {
        return 0;
    }
    int64_t term = 0;
    memcpy(&term, (const char *)entries + (size_t)(index - 1) * spec->entry_size, sizeof term);
    return term;
}

static void put_len(struct dslab_node_ctx *ctx, struct repl_log log) {
    dslab_ctx_store_put(ctx, log.spec->len_key, log.len, sizeof *log.len);
}

int repl_log_append(struct dslab_node_ctx *ctx, struct repl_log log, const void *entry) {
    if (*log.len >= log.spec->entries_max || reserve(&log, *log.len + 1) != 0) {
        return -1;
    }
    char key[48];
    entry_key(log.spec, *log.len + 1, key, sizeof key);
    if (dslab_ctx_store_put(ctx, key, entry, log.spec->entry_size) != 0) {
        return -1;
    }
    (*log.len)++;
    memcpy(entry_at(log, *log.len), entry, log.spec->entry_size);
    put_len(ctx, log);
    return 0;
}

bool repl_log_truncate(struct dslab_node_ctx *ctx, struct repl_log log, int64_t new_len) {
    if (new_len >= *log.len) {
        return false;
    }
    *log.len = new_len < 0 ? 0 : new_len;
    put_len(ctx, log);
    return true;
}

void repl_log_persist_meta(struct dslab_node_ctx *ctx, const struct repl_log_spec *spec, int64_t term,
                           int32_t voted_for) {
    dslab_ctx_store_put(ctx, spec->term_key, &term, sizeof term);
    dslab_ctx_store_put(ctx, spec->vote_key, &voted_for, sizeof voted_for);
}

/* Copies the value of `key` into out when it has exactly `size` bytes. */
static bool load_exact(struct dslab_node_ctx *ctx, const char *key, void *out, size_t size) {
    const void *p = NULL;
    if (dslab_ctx_store_get(ctx, key, &p) != (long)size) {
        return false;
    }
    memcpy(out, p, size);
    return true;
}

bool repl_log_meta_stored(struct dslab_node_ctx *ctx, const struct repl_log_spec *spec, int64_t term,
                          int32_t voted_for) {
    int64_t stored_term = 0;
    int32_t stored_vote = 0;
    return load_exact(ctx, spec->term_key, &stored_term, sizeof stored_term) &&
           load_exact(ctx, spec->vote_key, &stored_vote, sizeof stored_vote) &&
           stored_term == term && stored_vote == voted_for;
}

void repl_log_load(struct dslab_node_ctx *ctx, struct repl_log log, int64_t *term, int32_t *voted_for) {
    *term = 0;
    load_exact(ctx, log.spec->term_key, term, sizeof *term);
    *voted_for = -1;
    load_exact(ctx, log.spec->vote_key, voted_for, sizeof *voted_for);
    int64_t len = 0;
    load_exact(ctx, log.spec->len_key, &len, sizeof len);
    if (len < 0 || len > log.spec->entries_max) {
        len = 0;
    }
    *log.len = 0;
    for (int64_t i = 1; i <= len; i++) {
        char key[48];
        entry_key(log.spec, i, key, sizeof key);
        if (reserve(&log, i) != 0 || !load_exact(ctx, key, entry_at(log, i), log.spec->entry_size)) {
            break; /* a torn tail (or no memory): keep the prefix that is there */
        }
        *log.len = i;
    }
}

int32_t repl_log_batch(struct repl_log log, int64_t next, int32_t count_max, int64_t *prev_out,
                       void *dst) {
    next = next < 1 ? 1 : (next > *log.len + 1 ? *log.len + 1 : next);
    int64_t prev = next - 1;
    int64_t count = *log.len - prev;
    if (count > count_max) {
        count = count_max;
    }
    if (count > 0) {
        memcpy(dst, entry_at(log, next), (size_t)count * log.spec->entry_size);
    }
    *prev_out = prev;
    return (int32_t)count;
}

bool repl_log_batch_receive(const struct repl_log_spec *spec, const void *msg, size_t len,
                            size_t head_size, int32_t count_max, void *out) {
    int32_t count;
    if (len < head_size) {
        return false;
    }
    memcpy(&count, (const uint8_t *)msg + REPL_BATCH_COUNT_OFFSET, sizeof count);
    if (count < 0 || count > count_max || len != head_size + (size_t)count * spec->entry_size) {
        return false;
    }
    memcpy(out, msg, len);
    return true;
}

int64_t repl_log_conflict_hint(const struct repl_log_spec *spec, const void *entries, int64_t len,
                               int64_t prev, int64_t floor) {
    if (prev > len) {
        return len;
    }
    int64_t term = repl_log_term_at(spec, entries, len, prev);
    int64_t i = prev;
    while (i - 1 > floor && repl_log_term_at(spec, entries, len, i - 1) == term) {
        i--;
    }
    return i - 1 > 0 ? i - 1 : 0;
}

int64_t repl_log_store_received(struct dslab_node_ctx *ctx, struct repl_log log, int64_t prev,
                                const void *entries, int32_t count, repl_truncate_fn truncate,
                                void *state) {
    int64_t match = prev;
    for (int32_t k = 0; k < count; k++) {
        int64_t index = prev + 1 + k;
        const void *e = (const char *)entries + (size_t)k * log.spec->entry_size;
        if (index <= *log.len) {
            int64_t term = 0;
            memcpy(&term, e, sizeof term);
            if (repl_log_term_at(log.spec, entries_of(log), *log.len, index) == term) {
                match = index;
                continue;
            }
            truncate(ctx, state, index - 1);
        }
        if (repl_log_append(ctx, log, e) != 0) {
            break; /* full: the sender retries from here */
        }
        match = index;
    }
    return match;
}
