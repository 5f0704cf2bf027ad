/* crdt_types.c: the crdt protocol's four replicated types (crdt_internal.h):
 * the local update, the merge, the value a read sees, and the wire form.
 * Pure functions of their arguments: no context, no clock but the one
 * passed in, so the unit tests drive them on random states. */
#include <string.h>

#include "dslab/assert.h"
#include "protocols/crdt_internal.h"

bool crdt_type_is_lww(enum crdt_type t) {
    return t == CRDT_LWW_COUNTER || t == CRDT_LWW_SET;
}

bool crdt_type_is_set(enum crdt_type t) {
    return t == CRDT_LWW_SET || t == CRDT_OR_SET;
}

void crdt_obj_empty(struct crdt_obj *o) {
    memset(o, 0, sizeof *o);
    o->stamp_ns = INT64_MIN; /* any write's stamp beats it, even a clock before 0 */
    o->writer = -1;
}

void crdt_obj_update(enum crdt_type t, struct crdt_obj *o, int32_t self, int32_t nodes,
                     int64_t wall_ns, bool positive) {
    DSLAB_ASSERT(self >= 0 && self < nodes && nodes <= CRDT_NODES_MAX);
    switch (t) {
    case CRDT_LWW_COUNTER:
        o->value += positive ? 1 : -1; /* the local count, stamped as a whole */
        o->stamp_ns = wall_ns;
        o->writer = self;
        break;
    case CRDT_LWW_SET:
        o->value = positive ? 1 : 0;
        o->stamp_ns = wall_ns;
        o->writer = self;
        break;
    case CRDT_PN_COUNTER:
        o->vec[positive ? 0 : 1][self]++;
        break;
    case CRDT_OR_SET:
        if (positive) {
            o->vec[0][self]++; /* a new dot (self, adds[self]) */
        } else {
            for (int32_t j = 0; j < nodes; j++) o->vec[1][j] = o->vec[0][j]; /* the dots seen */
        }
        break;
    }
}

/* LWW order: (stamp, writer, value), a total order, so the merge (the
 * larger) is commutative, associative and idempotent; value breaks the tie
 * of two updates one node stamped in the same nanosecond. */
static bool lww_greater(const struct crdt_obj *a, const struct crdt_obj *b) {
    if (a->stamp_ns != b->stamp_ns) return a->stamp_ns > b->stamp_ns;
    if (a->writer != b->writer) return a->writer > b->writer;
    return a->value > b->value;
}

void crdt_obj_merge(enum crdt_type t, struct crdt_obj *into, const struct crdt_obj *from,
                    int32_t nodes) {
    if (crdt_type_is_lww(t)) {
        if (lww_greater(from, into)) {
            into->value = from->value;
            into->stamp_ns = from->stamp_ns;
            into->writer = from->writer;
        }
        return;
    }
    for (int v = 0; v < 2; v++) {
        for (int32_t j = 0; j < nodes; j++) {
            if (from->vec[v][j] > into->vec[v][j]) into->vec[v][j] = from->vec[v][j];
        }
    }
}

int64_t crdt_obj_value(enum crdt_type t, const struct crdt_obj *o, int32_t nodes) {
    switch (t) {
    case CRDT_LWW_COUNTER:
    case CRDT_LWW_SET:
        return o->value;
    case CRDT_PN_COUNTER: {
        int64_t sum = 0;
        for (int32_t j = 0; j < nodes; j++) sum += o->vec[0][j] - o->vec[1][j];
        return sum;
    }
    case CRDT_OR_SET:
        for (int32_t j = 0; j < nodes; j++) {
            if (o->vec[0][j] > o->vec[1][j]) return 1;
        }
        return 0;
    }
    return 0;
}

bool crdt_obj_equal(enum crdt_type t, const struct crdt_obj *a, const struct crdt_obj *b,
                    int32_t nodes) {
    if (crdt_type_is_lww(t)) {
        return a->value == b->value && a->stamp_ns == b->stamp_ns && a->writer == b->writer;
    }
    for (int v = 0; v < 2; v++) {
        for (int32_t j = 0; j < nodes; j++) {
            if (a->vec[v][j] != b->vec[v][j]) return false;
        }
    }
    return true;
}

size_t crdt_obj_words(enum crdt_type t, int32_t nodes) {
    return crdt_type_is_lww(t) ? 3 : 2 * (size_t)nodes;
}

void crdt_obj_pack(enum crdt_type t, const struct crdt_obj *o, int32_t nodes, int64_t *out) {
    if (crdt_type_is_lww(t)) {
        out[0] = o->value;
        out[1] = o->stamp_ns;
        out[2] = o->writer;
        return;
    }
    memcpy(out, o->vec[0], (size_t)nodes * sizeof out[0]);
    memcpy(out + nodes, o->vec[1], (size_t)nodes * sizeof out[0]);
}

void crdt_obj_unpack(enum crdt_type t, struct crdt_obj *o, int32_t nodes, const int64_t *in) {
    crdt_obj_empty(o);
    if (crdt_type_is_lww(t)) {
        o->value = in[0];
        o->stamp_ns = in[1];
        o->writer = in[2];
        return;
    }
    memcpy(o->vec[0], in, (size_t)nodes * sizeof in[0]);
    memcpy(o->vec[1], in + nodes, (size_t)nodes * sizeof in[0]);
}

size_t crdt_msg_bytes(enum crdt_type t, int32_t nodes, int32_t keys) {
    return sizeof(int64_t) * (1 + (size_t)keys * crdt_obj_words(t, nodes));
}
