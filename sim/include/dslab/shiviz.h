/* shiviz.h: a run's trace as a ShiViz log (docs/EXPORTS.md): the
 * space-time diagram tool at https://bestchai.bitbucket.io/shiviz/.
 *
 * The file is what ShiViz's "upload a file" expects: line 1 the parsing
 * regular expression (ShiViz's default one, written out), line 2 the
 * execution delimiter (empty: one execution), then two lines per event:
 *
 *   (?<event>.*)\n(?<host>\S*) (?<clock>{.*})
 *
 *   t=1.25ms send vote_req to n2 (msg 17)
 *   n1 {"n1":4,"n3":2}
 *
 * Hosts are the nodes, named as in the scenario. Each node's vector clock
 * counts its own logged events from 1, up by exactly one per event (ShiViz
 * requires it); a send carries the sender's clock to the receiver, whose
 * clock at the receive is the element-wise maximum of its own and the
 * sender's, then its own entry + 1. So a receive's clock dominates its
 * send's (tests/unit/test_shiviz.c). Zero entries are left out (ShiViz
 * reads a missing host as 0); the event's own host is always in it.
 * Logged: sends (a message lost or cut at the sender says "never
 * delivered"), receives (with the label of their send), timers, crashes,
 * restarts, pauses, resumes, clock jumps and drift, slowness, annotations
 * (role, term, notes). Not logged: client operations, partitions, drops in
 * flight (a send with no receive shows it), run start and end.
 * A run of more than DSLAB_SHIVIZ_NODES_MAX nodes is refused: ShiViz
 * draws one column per host. Memory: one clock per message in flight. */
#ifndef DSLAB_SHIVIZ_H
#define DSLAB_SHIVIZ_H

#include <stdint.h>
#include <stdio.h>

#include "dslab/diag.h"
#include "dslab/trace.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

#define DSLAB_SHIVIZ_NODES_MAX 256
/* ShiViz's default parsing expression, the first line of every log. */
#define DSLAB_SHIVIZ_REGEX "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})"

struct dslab_shiviz_writer; /* opaque */

/* A writer to `out` (borrowed, not closed) for nodes named `node_names`
 * (borrowed until dslab_shiviz_writer_free). Writes the two header lines.
 * NULL with `diag` set when nodes_count is outside 1..DSLAB_SHIVIZ_NODES_MAX
 * or memory ran out. */
struct dslab_shiviz_writer *dslab_shiviz_writer_create(FILE *out, const char (*node_names)[32],
                                                       int32_t nodes_count, struct dslab_diag *diag);
/* A dslab_trace_sink_fn; user is the writer. */
void dslab_shiviz_writer_sink(void *user, const struct dslab_trace_event *ev);
/* Flushes. Returns 0, or -1 when memory ran out during the run (events
 * after that were not logged) or a write failed. */
int dslab_shiviz_writer_finish(struct dslab_shiviz_writer *w);
void dslab_shiviz_writer_free(struct dslab_shiviz_writer *w);

#pragma GCC visibility pop

#endif
