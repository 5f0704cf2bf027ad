/* process_reply.h: a node's reply to a client, as a Maelstrom body
 * (read_ok / write_ok / cas_ok / error with a Maelstrom error code), mapped
 * onto dslab's reply statuses. The table is in docs/PROCESS_NODES.md
 * ("Client requests and replies"). Pure. */
#ifndef DSLAB_PROCESS_REPLY_H
#define DSLAB_PROCESS_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "dslab/history.h"
#include "dslab/node.h"

struct process_reply {
    enum dslab_reply_status status;
    int64_t value;          /* read result, DSLAB_HISTORY_NIL for none; a node index for redirects */
    const char *retry_at;   /* error's "retry_at" node name (borrowed), NULL if none */
};

/* body: the reply body (a json_t * object); fn: the request's operation,
 * or -1 when the request is unknown (then a key-does-not-exist error is a
 * plain failure). Returns 0, or -1 with a reason in err. The caller turns
 * retry_at into a node index (it knows the cluster). */
int process_reply_map(const void *body, int fn, struct process_reply *out, char *err,
                      size_t err_size);

#endif
