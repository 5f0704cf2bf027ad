/* process_node.h: the `process:` protocol (process_node.c,
 * docs/PROCESS_NODES.md). Chosen by dslab_protocol_of_scenario() when the
 * scenario's protocol has a `process:` command. */
#ifndef DSLAB_PROCESS_NODE_H
#define DSLAB_PROCESS_NODE_H

#include <stdint.h>

#include "dslab/node.h"

/* The protocol parameter dslab keeps for itself: the wall time a node may
 * take to answer one event (default 5 s, 10 ms .. 10 min). */
#define PROCESS_TIMEOUT_PARAM "process_timeout"
#define PROCESS_TIMEOUT_NS_DEFAULT (INT64_C(5) * 1000000000)
#define PROCESS_TIMEOUT_NS_MIN (INT64_C(10) * 1000000)
#define PROCESS_TIMEOUT_NS_MAX (INT64_C(600) * 1000000000)

extern const struct dslab_protocol protocol_process;

#endif
