/* registry.c: the built-in protocols, in the order help lists them.
 * Add a protocol: define `const struct protocol protocol_NAME` in its own
 * file here and list it below. */
#include "dslab/node.h"
#include "nodes/process_node.h"

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

int protocol_count(void) {
    return (int)(sizeof protocols / sizeof protocols[0]);
}

const struct protocol *protocol_at(int index) {
    return index >= 0 && index < protocol_count() ? protocols[index] : NULL;
}

const struct protocol *protocol_find(const char *name) {
    for (int i = 0; i < protocol_count(); i++) {
        if (__builtin_strcmp(protocols[i]->name, name) == 0) {
            return protocols[i];
        }
    }
    return NULL;
}

const struct protocol *protocol_of_scenario(const struct scenario *s) {
    return s->protocol.process ? &protocol_process : protocol_find(s->protocol.name);
}
