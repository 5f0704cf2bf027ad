/* node_code.h: node code from files, the learner's own protocols
 * (docs/NODE_API.md).
 *
 * A scenario's `protocol: { source: my_raft.c }` is compiled with the
 * system C compiler into a cache of shared objects; `protocol: { plugin:
 * ./my_raft.so }` names a prebuilt one. Either is checked (its imports
 * must not read time, randomness or host storage), loaded with dlopen and
 * asked for `dslab_node_protocol` (a struct dslab_protocol, node.h).
 *
 * These are HOST actions, kept out of the deterministic core (sim/nodes/):
 * they read the environment, run the compiler, write the cache and load
 * code. A program opts in with dslab_node_code_enable(); until then dslab_sim_create()
 * refuses such scenarios, so tests and fuzzers never compile anything.
 * Loaded objects stay loaded until the process exits (dlopen is
 * process-wide): a plugin's static variables therefore persist across the
 * simulations of one process, which `dslab run --check-determinism`
 * catches. */
#ifndef DSLAB_NODE_CODE_H
#define DSLAB_NODE_CODE_H

#include <stdio.h>

#include "dslab/diag.h"
#include "dslab/node.h"
#include "dslab/scenario.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

struct dslab_node_code_options {
    /* The directory holding dslab/node.h and the other public headers,
     * passed to the compiler with -I. Copied. */
    const char *include_dir;
    /* NULL: $DSLAB_CACHE_DIR, else $XDG_CACHE_HOME/dslab, else
     * $HOME/.cache/dslab. Created with mode 0700. Copied. */
    const char *cache_dir;
    /* The compiler command, split at spaces (e.g. "ccache gcc"). NULL:
     * $CC, else "cc". Copied. */
    const char *cc;
    /* Where the compiler's own messages go, escaped, after a line saying
     * what dslab was compiling (NULL: discarded). Borrowed for the
     * process's lifetime. */
    FILE *messages;
};

/* Allows node code from files in this process. Call once, before any
 * simulation starts. Returns 0, or -1 with diag set (no cache directory
 * can be named, a path too long). */
int dslab_node_code_enable(const struct dslab_node_code_options *options, struct dslab_diag *diag);

/* The protocol that `s` names by `source:` or `plugin:`, compiled when the
 * cache has no object for these exact bytes and loaded once per process.
 * Checks it (imports, ABI version, name, callbacks, parameters accepted by
 * configure()). Thread-safe. Borrowed until the process exits. NULL with
 * diag set (at the scenario's protocol position) on any error. */
const struct dslab_protocol *dslab_node_code_protocol(const struct dslab_scenario *s, struct dslab_diag *diag);

#pragma GCC visibility pop

#endif
