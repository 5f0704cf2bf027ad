/* crdt_internal.h (private to sim/protocols/): the crdt protocol's
 * replicated types, shared by the protocol (crdt.c), the types' merge
 * functions (crdt_types.c) and their unit tests.
 *
 * One object per workload key, all of the type the `type` parameter names:
 *
 *   lww-counter  a register holding the count, stamped (wall clock, node);
 *                an increment writes local value + 1 with a new stamp and
 *                the merge keeps the larger stamp: concurrent increments
 *                are lost.
 *   pn-counter   per node, the increments (P) and decrements (N) it made;
 *                merge is the entrywise max; value = sum P - sum N.
 *   lww-set      per element (the key): present or absent, stamped (wall
 *                clock, node); the merge keeps the larger stamp.
 *   or-set       observed-remove (add wins): each node numbers its adds of
 *                an element 1, 2, ... (dots); adds[j] is the highest dot
 *                of node j known, removed[j] the highest dot of node j a
 *                remove observed. A replica's knowledge of node j's dots
 *                is always a prefix 1..adds[j] (it came from j's state),
 *                so two vectors hold the whole OR-set; merge is the
 *                entrywise max; present iff some adds[j] > removed[j].
 *
 * pn-counter and or-set share one layout (two vectors, entrywise max);
 * lww-counter and lww-set another (value, stamp, writer). */
#ifndef DSLAB_CRDT_INTERNAL_H
#define DSLAB_CRDT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/limits.h"

#define CRDT_NODES_MAX 16 /* entries of a vector: nodes in a scenario */
#define CRDT_KEYS_MAX 8   /* objects: the workload's keys */

enum crdt_type { CRDT_LWW_COUNTER, CRDT_PN_COUNTER, CRDT_LWW_SET, CRDT_OR_SET };

/* One object. For the LWW types: value (count, or 1/0 present), stamp_ns
 * and writer (-1: never written). For the vector types: vec[0] = P or
 * adds, vec[1] = N or removed, nodes entries each. */
struct crdt_obj {
    int64_t value;
    int64_t stamp_ns;
    int64_t writer;
    int64_t vec[2][CRDT_NODES_MAX];
};

bool crdt_type_is_lww(enum crdt_type t);
bool crdt_type_is_set(enum crdt_type t);
/* The empty object (value 0 / absent, writer -1, vectors 0). */
void crdt_obj_empty(struct crdt_obj *o);
/* A local update at node `self` with wall clock `wall_ns`: `positive` is an
 * increment or an add, otherwise a decrement or a remove. */
void crdt_obj_update(enum crdt_type t, struct crdt_obj *o, int32_t self, int32_t nodes,
                     int64_t wall_ns, bool positive);
/* into := merge(into, from). Commutative, associative, idempotent. */
void crdt_obj_merge(enum crdt_type t, struct crdt_obj *into, const struct crdt_obj *from,
                    int32_t nodes);
/* The value a read returns: the count, or 1 (present) / 0 (absent). */
int64_t crdt_obj_value(enum crdt_type t, const struct crdt_obj *o, int32_t nodes);
/* Equal as replicated state (the entries a type uses). */
bool crdt_obj_equal(enum crdt_type t, const struct crdt_obj *a, const struct crdt_obj *b,
                    int32_t nodes);

/* Words (int64) one object takes on the wire and in the store. */
size_t crdt_obj_words(enum crdt_type t, int32_t nodes);
/* Writes / reads crdt_obj_words() words. */
void crdt_obj_pack(enum crdt_type t, const struct crdt_obj *o, int32_t nodes, int64_t *out);
void crdt_obj_unpack(enum crdt_type t, struct crdt_obj *o, int32_t nodes, const int64_t *in);

/* The message: every object, in key order, after a header word (the
 * sender's keys count). Bytes for `keys` objects. */
size_t crdt_msg_bytes(enum crdt_type t, int32_t nodes, int32_t keys);

#endif
