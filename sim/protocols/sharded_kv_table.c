/* sharded_kv_table.c: the keys a sharded-kv node holds, as an array sorted
 * by key inside the node's state block (so iteration, and with it the
 * order keys are moved in, is by key: deterministic). Lookups are binary
 * searches; inserts and removals shift the tail (at most SKV_KEYS_MAX). */
#include <string.h>

#include "protocols/sharded_kv_internal.h"

/* First index whose key is >= key. */
static int32_t lower_bound(const struct skv_entry *t, int32_t count, int64_t key) {
    int32_t lo = 0, hi = count;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (t[mid].key < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int32_t skv_table_find(const struct skv_entry *t, int32_t count, int64_t key) {
    int32_t i = lower_bound(t, count, key);
    return i < count && t[i].key == key ? i : -1;
}

int skv_table_apply(struct skv_entry *t, int32_t *count, int32_t max, int64_t key, int64_t value,
                    int64_t version) {
    int32_t i = lower_bound(t, *count, key);
    if (i < *count && t[i].key == key) {
        if (t[i].version >= version) return 0;
        t[i].value = value;
        t[i].version = version;
        return 1;
    }
    if (*count >= max) return -1;
    memmove(&t[i + 1], &t[i], sizeof t[0] * (size_t)(*count - i));
    t[i].key = key;
    t[i].value = value;
    t[i].version = version;
    (*count)++;
    return 1;
}

int64_t skv_table_put(struct skv_entry *t, int32_t *count, int32_t max, int64_t key, int64_t value) {
    int32_t i = skv_table_find(t, *count, key);
    int64_t version = i >= 0 ? t[i].version + 1 : 1;
    return skv_table_apply(t, count, max, key, value, version) < 0 ? -1 : version;
}

void skv_table_remove(struct skv_entry *t, int32_t *count, int64_t key) {
    int32_t i = skv_table_find(t, *count, key);
    if (i < 0) return;
    memmove(&t[i], &t[i + 1], sizeof t[0] * (size_t)(*count - i - 1));
    (*count)--;
}
