/* grow.h (private to the library): the one grow-by-doubling step for the
 * library's growing arrays (checkers' records, the durable store, explore
 * results, network overrides), arrays indexed by id, and byte buffers (process nodes' lines, the
 * determinism check's queue). */
#ifndef DSLAB_GROW_H
#define DSLAB_GROW_H

#include <stddef.h>

/* Room for one more item in a growing array of `count` items: returns the
 * array itself while count < *capacity, else one of twice the capacity
 * (`first_capacity` the first time) with *capacity updated. Returns NULL
 * when out of memory, the old array untouched. The caller stores the
 * result (it may have moved). */
void *grow_array(void *items, size_t *capacity, size_t count, size_t item_size,
                 size_t first_capacity);

/* Room for item `index` in an array indexed by id (a checker's records by
 * transaction or saga id): while index < *capacity, the array itself; else
 * one doubled (from `first_capacity`) until it holds `index`, with the new
 * items zeroed and *capacity updated. Returns NULL when out of memory, the
 * old array untouched. The caller bounds `index` and stores the result. */
void *grow_to_index(void *items, size_t *capacity, size_t index, size_t item_size, size_t first_capacity);

/* Room for `need` bytes in a growing byte buffer *buf of *capacity bytes:
 * doubles the capacity (from `first_capacity`) until it holds `need`.
 * Returns 0, or -1 when out of memory with *buf and *capacity untouched. */
int grow_bytes(char **buf, size_t *capacity, size_t need, size_t first_capacity);

#endif
