/* store.c: sorted durable store with explicit sync (see store.h). */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "dslab/limits.h"
#include "grow.h"

void store_init(struct store *s) {
    memset(s, 0, sizeof *s);
}

static void pending_free(struct store_pending *p) {
    for (size_t i = 0; i < p->count; i++) free(p->items[i].value);
    free(p->items);
}

void store_deinit(struct store *s) {
    for (size_t i = 0; i < s->pending_count; i++) pending_free(&s->pending[i]);
    free(s->pending);
    for (size_t i = 0; i < s->count; i++) {
        free(s->entries[i].value);
        free(s->entries[i].synced);
    }
    free(s->entries);
    memset(s, 0, sizeof *s);
}

/* Index of key, or of where it would be inserted (*found = false). */
static size_t find(const struct store *s, const char *key, bool *found) {
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->entries[mid].key, key);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = false;
    return lo;
}

int store_put(struct store *s, const char *key, const void *value, size_t len) {
    if (strlen(key) >= STORE_KEY_MAX || len > DSLAB_STORE_VALUE_BYTES_MAX) return -1;
    bool found;
    size_t i = find(s, key, &found);
    if (!found) {
        if (s->count >= DSLAB_STORE_KEYS_MAX) return -1;
        struct store_entry *e = grow_array(s->entries, &s->capacity, s->count, sizeof *e, 64);
        if (!e) return -1;
        s->entries = e;
        memmove(&s->entries[i + 1], &s->entries[i], (s->count - i) * sizeof *s->entries);
        memset(&s->entries[i], 0, sizeof s->entries[i]);
        strcpy(s->entries[i].key, key);
        s->count++;
    }
    struct store_entry *e = &s->entries[i];
    if (len > e->cap || !e->value) {
        size_t cap = len > 16 ? len : 16;
        unsigned char *v = realloc(e->value, cap);
        if (!v) return -1;
        e->value = v;
        e->cap = cap;
    }
    memcpy(e->value, value, len);
    e->len = len;
    e->present = true;
    if (!e->dirty) {
        e->dirty = true;
        s->dirty_count++;
    }
    s->writes++;
    return 0;
}

long store_get(const struct store *s, const char *key, const void **value_out) {
    bool found;
    size_t i = find(s, key, &found);
    if (!found || !s->entries[i].present) return -1;
    *value_out = s->entries[i].value;
    return (long)s->entries[i].len;
}

int store_sync(struct store *s) {
    s->syncs++;
    if (s->dirty_count == 0) return 0;
    for (size_t i = 0; i < s->count; i++) {
        struct store_entry *e = &s->entries[i];
        if (!e->dirty) continue;
        unsigned char *copy = realloc(e->synced, e->len ? e->len : 1);
        if (!copy) return -1;
        memcpy(copy, e->value, e->len);
        e->synced = copy;
        e->synced_len = e->len;
        e->synced_present = e->present;
        e->dirty = false;
    }
    s->dirty_count = 0;
    return 0;
}

void store_lose_unsynced(struct store *s) {
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++) {
        struct store_entry *e = &s->entries[i];
        if (e->dirty) {
            if (e->synced_present) {
                if (e->cap < e->synced_len) {
                    free(e->value);
                    e->value = malloc(e->synced_len ? e->synced_len : 1);
                    e->cap = e->synced_len;
                }
                if (e->value) memcpy(e->value, e->synced, e->synced_len);
                e->len = e->synced_len;
                e->present = e->value != NULL;
            } else {
                e->present = false;
            }
            e->dirty = false;
        }
        if (!e->present && !e->synced_present) {
            free(e->value);
            free(e->synced);
            continue;
        }
        s->entries[kept++] = *e;
    }
    s->count = kept;
    s->dirty_count = 0;
}

/* The entry's current value becomes its synced value. -1 on memory. */
static int make_durable(struct store_entry *e, const unsigned char *value, size_t len,
                        bool present) {
    unsigned char *copy = realloc(e->synced, len ? len : 1);
    if (!copy) return -1;
    if (present) memcpy(copy, value, len);
    e->synced = copy;
    e->synced_len = present ? len : 0;
    e->synced_present = present;
    return 0;
}

int store_sync_begin(struct store *s, int64_t done_ns) {
    s->syncs++;
    if (s->dirty_count == 0) return 0;
    struct store_pending *grown = grow_array(s->pending, &s->pending_capacity, s->pending_count, sizeof *grown, 4);
    if (!grown) return -1;
    s->pending = grown;
    struct store_pending *p = &s->pending[s->pending_count];
    p->done_ns = done_ns;
    p->count = 0;
    p->items = calloc(s->dirty_count, sizeof *p->items);
    if (!p->items) return -1;
    for (size_t i = 0; i < s->count; i++) {
        struct store_entry *e = &s->entries[i];
        if (!e->dirty) continue;
        struct store_pending_item *it = &p->items[p->count++];
        strcpy(it->key, e->key);
        it->len = e->len;
        if (e->present) {
            it->value = malloc(e->len ? e->len : 1);
            if (!it->value) {
                pending_free(p);
                return -1;
            }
            memcpy(it->value, e->value, e->len);
        }
        e->dirty = false;
    }
    s->dirty_count = 0;
    s->pending_count++;
    return 0;
}

void store_settle(struct store *s, int64_t now_ns) {
    size_t done = 0;
    while (done < s->pending_count && s->pending[done].done_ns <= now_ns) {
        struct store_pending *p = &s->pending[done];
        for (size_t i = 0; i < p->count; i++) {
            bool found;
            size_t k = find(s, p->items[i].key, &found);
            /* Entries leave the store only at a restart, after store_crash. */
            if (found) {
                (void)make_durable(&s->entries[k], p->items[i].value, p->items[i].len,
                                   p->items[i].value != NULL);
            }
        }
        pending_free(p);
        done++;
    }
    if (done == 0) return;
    memmove(s->pending, s->pending + done, (s->pending_count - done) * sizeof *s->pending);
    s->pending_count -= done;
}

void store_crash(struct store *s, int64_t now_ns) {
    store_settle(s, now_ns);
    for (size_t b = 0; b < s->pending_count; b++) {
        struct store_pending *p = &s->pending[b];
        for (size_t i = 0; i < p->count; i++) {
            bool found;
            size_t k = find(s, p->items[i].key, &found);
            if (found && !s->entries[k].dirty) {
                s->entries[k].dirty = true;
                s->dirty_count++;
            }
        }
        pending_free(p);
    }
    s->pending_count = 0;
}
