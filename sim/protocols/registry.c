/* registry.c: the protocols a scenario's `protocol:` may name. The built-in
 * ones are a const table, in the order help lists them; protocols defined
 * outside the library (an embedding program, a test, a learner's node) are
 * added at run time with dslab_protocol_register() (dslab/node.h).
 * Add a built-in protocol: define `const struct dslab_protocol protocol_NAME` in
 * its own file here and list it below.
 *
 * The registered table is the library's one piece of process-wide state.
 * It holds borrowed pointers, never iterated in address order, and is
 * guarded by a spin lock (C11 atomic_flag: held for a scan of at most
 * DSLAB_PROTOCOLS_REGISTERED_MAX names), so threads may load scenarios
 * while another registers. */
#include <stdatomic.h>
#include <string.h>

#include "dslab/limits.h"
#include "nodes/process_node.h"
#include "dslab/node.h"
#include "nodes/process_node.h"

extern const struct dslab_protocol protocol_gossip_pingpong;
extern const struct dslab_protocol protocol_raft;
extern const struct dslab_protocol protocol_primary_backup;
extern const struct dslab_protocol protocol_quorum_kv;
extern const struct dslab_protocol protocol_lease_lock;
extern const struct dslab_protocol protocol_two_phase_commit;
extern const struct dslab_protocol protocol_retry_storm;
extern const struct dslab_protocol protocol_failure_detector;
extern const struct dslab_protocol protocol_sharded_kv;
extern const struct dslab_protocol protocol_crdt;
extern const struct dslab_protocol protocol_counter_service;
extern const struct dslab_protocol protocol_saga;
extern const struct dslab_protocol protocol_gateway;

static const struct dslab_protocol *const protocols[] = {
    &protocol_gossip_pingpong,
    &protocol_raft,
    &protocol_primary_backup,
    &protocol_quorum_kv,
    &protocol_lease_lock,
    &protocol_two_phase_commit,
    &protocol_retry_storm,
    &protocol_failure_detector,
    &protocol_sharded_kv,
    &protocol_crdt,
    &protocol_counter_service,
    &protocol_saga,
    &protocol_gateway,
};

int dslab_protocol_count(void) {
    return (int)(sizeof protocols / sizeof protocols[0]);
}

const struct dslab_protocol *dslab_protocol_at(int index) {
    return index >= 0 && index < dslab_protocol_count() ? protocols[index] : NULL;
}

static const struct dslab_protocol *builtin_find(const char *name) {
    for (int i = 0; i < dslab_protocol_count(); i++) {
        if (strcmp(protocols[i]->name, name) == 0) return protocols[i];
    }
    return NULL;
}

/* ---- registered at run time ---------------------------------------------- */

static const struct dslab_protocol *registered[DSLAB_PROTOCOLS_REGISTERED_MAX]; /* borrowed */
static int registered_count;
static atomic_flag registry_busy = ATOMIC_FLAG_INIT;

static void lock(void) {
    while (atomic_flag_test_and_set_explicit(&registry_busy, memory_order_acquire)) {
    }
}

static void unlock(void) {
    atomic_flag_clear_explicit(&registry_busy, memory_order_release);
}

/* Index of the registered protocol called `name`, or -1. Locked. */
static int registered_index(const char *name) {
    for (int i = 0; i < registered_count; i++) {
        if (strcmp(registered[i]->name, name) == 0) return i;
    }
    return -1;
}

const struct dslab_protocol *dslab_protocol_find(const char *name) {
    const struct dslab_protocol *p = builtin_find(name);
    if (p) return p;
    lock();
    int i = registered_index(name);
    p = i >= 0 ? registered[i] : NULL;
    unlock();
    return p;
}

/* A name a scenario can hold (struct dslab_scenario_protocol) and write plainly. */
static int check_name(const char *name, struct dslab_diag *diag) {
    size_t len = name ? strlen(name) : 0;
    if (len == 0) return dslab_diag_set(diag, NULL, 0, 0, "a registered protocol needs a name");
    if (len >= sizeof ((struct dslab_scenario_protocol *)0)->name) {
        return dslab_diag_set(diag, NULL, 0, 0, "protocol name '%.40s...' is longer than %d bytes",
                        name, (int)sizeof ((struct dslab_scenario_protocol *)0)->name - 1);
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok) {
            return dslab_diag_set(diag, NULL, 0, 0,
                            "protocol name '%s' may hold only letters, digits, '-' and '_'",
                            name);
        }
    }
    return 0;
}

static int check_protocol(const struct dslab_protocol *p, struct dslab_diag *diag) {
    if (!p) return dslab_diag_set(diag, NULL, 0, 0, "no protocol to register (NULL)");
    if (check_name(p->name, diag) < 0) return -1;
    if (!p->init || !p->on_message || !p->on_timer) {
        return dslab_diag_set(diag, NULL, 0, 0,
                        "protocol '%s' lacks %s (init, on_message and on_timer are required)",
                        p->name, !p->init ? "init" : !p->on_message ? "on_message" : "on_timer");
    }
    if (builtin_find(p->name)) {
        return dslab_diag_set(diag, NULL, 0, 0,
                        "protocol '%s' is built in; a registered protocol needs a name of its "
                        "own", p->name);
    }
    return 0;
}

int dslab_protocol_register(const struct dslab_protocol *p, struct dslab_diag *diag) {
    if (check_protocol(p, diag) < 0) return -1;
    lock();
    int rc = 0;
    if (registered_index(p->name) >= 0) {
        rc = dslab_diag_set(diag, NULL, 0, 0, "protocol '%s' is already registered", p->name);
    } else if (registered_count == DSLAB_PROTOCOLS_REGISTERED_MAX) {
        rc = dslab_diag_set(diag, NULL, 0, 0,
                      "more than %d registered protocols (DSLAB_PROTOCOLS_REGISTERED_MAX)",
                      DSLAB_PROTOCOLS_REGISTERED_MAX);
    } else {
        registered[registered_count++] = p;
    }
    unlock();
    return rc;
}

int dslab_protocol_unregister(const struct dslab_protocol *p) {
    lock();
    int found = -1;
    for (int i = 0; i < registered_count && found < 0; i++) {
        if (registered[i] == p) found = i;
    }
    if (found >= 0) {
        /* Keep registration order: it is the order of "did you mean". */
        memmove(&registered[found], &registered[found + 1],
                sizeof registered[0] * (size_t)(registered_count - found - 1));
        registered[--registered_count] = NULL;
    }
    unlock();
    return found >= 0 ? 0 : -1;
}

void dslab_protocol_unregister_all(void) {
    lock();
    memset(registered, 0, sizeof registered);
    registered_count = 0;
    unlock();
}

int dslab_protocol_names(const char **names, int max) {
    int n = 0;
    for (int i = 0; i < dslab_protocol_count() && n < max; i++) names[n++] = protocols[i]->name;
    lock();
    for (int i = 0; i < registered_count && n < max; i++) names[n++] = registered[i]->name;
    unlock();
    return n;
}

const struct dslab_protocol *dslab_protocol_of_scenario(const struct dslab_scenario *s) {
    return s->protocol.origin == DSLAB_PROTOCOL_PROCESS ? &protocol_process : dslab_protocol_find(s->protocol.name);
}
