/* grow.c: the grow-by-doubling step for the library's arrays (grow.h). */
#include "grow.h"

#include <stdlib.h>
#include <string.h>

void *grow_array(void *items, size_t *capacity, size_t count, size_t item_size,
                 size_t first_capacity) {
    if (count < *capacity) {
        return items;
    }
    size_t cap = *capacity ? *capacity * 2 : first_capacity;
    void *grown = realloc(items, cap * item_size);
    if (grown) {
        *capacity = cap;
    }
    return grown;
}

void *grow_to_index(void *items, size_t *capacity, size_t index, size_t item_size, size_t first_capacity) {
    if (index < *capacity) return items;
    size_t cap = *capacity ? *capacity : first_capacity;
    while (cap <= index) cap *= 2;
    char *grown = realloc(items, cap * item_size);
    if (!grown) return NULL;
    memset(grown + *capacity * item_size, 0, (cap - *capacity) * item_size);
    *capacity = cap;
    return grown;
}

int grow_bytes(char **buf, size_t *capacity, size_t need, size_t first_capacity) {
    if (need <= *capacity) return 0;
    size_t cap = *capacity ? *capacity : first_capacity;
    while (cap < need) cap *= 2;
    char *grown = realloc(*buf, cap);
    if (!grown) return -1;
    *buf = grown;
    *capacity = cap;
    return 0;
}
