/* registry.c: the built-in protocols, in the order help lists them.
 * Add a protocol: define `const struct protocol protocol_NAME` in its own
 * file here and list it below.
 *
 * Plus a few protocols registered at run time (protocol_register: the lab
 * grader's learner node, tests). That table is the one process-wide
 * mutable state here: register before loading scenarios or starting
 * simulations, never while other threads load or run them. */
#include <string.h>

#include "dslab/node.h"

extern const struct protocol protocol_gossip_pingpong;
extern const struct protocol protocol_raft;
extern const struct protocol protocol_primary_backup;
extern const struct protocol protocol_quorum_kv;
extern const struct protocol protocol_lease_lock;
extern const struct protocol protocol_two_phase_commit;
extern const struct protocol protocol_retry_storm;
extern const struct protocol protocol_failure_detector;

static const struct protocol *const protocols[] = {
    &protocol_gossip_pingpong,
    &protocol_raft,
    &protocol_primary_backup,
    &protocol_quorum_kv,
    &protocol_lease_lock,
    &protocol_two_phase_commit,
    &protocol_retry_storm,
    &protocol_failure_detector,
};

#define PROTOCOLS_REGISTERED_MAX 8
/* Copies of the registered vtables (names point into names[]). */
static struct protocol registered[PROTOCOLS_REGISTERED_MAX];
static char registered_names[PROTOCOLS_REGISTERED_MAX][64];
static int registered_count;

static int builtin_count(void) {
    return (int)(sizeof protocols / sizeof protocols[0]);
}

int protocol_register(const char *name, const struct protocol *p, struct diag *diag) {
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len >= sizeof registered_names[0]) {
        return diag_set(diag, NULL, 0, 0, "protocol name must have 1 to 63 bytes");
    }
    for (int i = 0; i < builtin_count(); i++) {
        if (strcmp(protocols[i]->name, name) == 0) {
            return diag_set(diag, NULL, 0, 0, "protocol '%s' is built in; choose another name", name);
        }
    }
    int slot = registered_count;
    for (int i = 0; i < registered_count; i++) {
        if (strcmp(registered_names[i], name) == 0) slot = i;
    }
    if (slot == PROTOCOLS_REGISTERED_MAX) {
        return diag_set(diag, NULL, 0, 0, "at most %d protocols can be registered", PROTOCOLS_REGISTERED_MAX);
    }
    memcpy(registered_names[slot], name, len + 1);
    registered[slot] = *p;
    registered[slot].name = registered_names[slot];
    if (slot == registered_count) registered_count++;
    return 0;
}

int protocol_count(void) {
    return builtin_count() + registered_count;
}

const struct protocol *protocol_at(int index) {
    if (index >= 0 && index < builtin_count()) return protocols[index];
    if (index >= builtin_count() && index < protocol_count()) return &registered[index - builtin_count()];
    return NULL;
}

const struct protocol *protocol_find(const char *name) {
    for (int i = 0; i < protocol_count(); i++) {
        if (strcmp(protocol_at(i)->name, name) == 0) {
            return protocol_at(i);
        }
    }
    return NULL;
}
