/* grow.h (private to the library): the one grow-by-doubling step for the
 * library's growing arrays (checkers' records, the durable store, explore
 * results, network overrides). */
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

#endif
