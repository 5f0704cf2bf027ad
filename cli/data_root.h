/* data_root.h: where the dslab command finds its data (scenarios/, and
 * exercises/ with the labs and the taxonomy) and the public headers that
 * learner node code is compiled against. README "Install" and
 * docs/ASSUMPTIONS.md describe the order; `dslab help` prints the result. */
#ifndef DSLAB_CLI_DATA_ROOT_H
#define DSLAB_CLI_DATA_ROOT_H

#include <stddef.h>

/* How the data root was found, in the order they are tried. */
enum cli_root_origin {
    CLI_ROOT_FLAG,      /* --root DIR */
    CLI_ROOT_ENV,       /* $DSLAB_ROOT */
    CLI_ROOT_SOURCE,    /* the source tree this binary was built from */
    CLI_ROOT_INSTALLED, /* share/dslab installed next to this binary */
    CLI_ROOT_NONE       /* none has exercises/taxonomy.yaml */
};

struct cli_root {
    const char *path; /* never NULL; static storage (or the flag itself) */
    enum cli_root_origin origin;
};

/* Records argv[0]: where the binary is when /proc/self/exe cannot say. */
void cli_root_set_argv0(const char *argv0);

/* The data root: `flag` (--root, may be NULL), else $DSLAB_ROOT, else the
 * source tree when this binary runs from the build directory that built
 * it, else <bindir>/../share/dslab when it holds exercises/taxonomy.yaml,
 * else the source tree if it still exists (a binary copied elsewhere).
 * With none of those, origin is CLI_ROOT_NONE and path the installed
 * location, so a later error names a real place to look. */
struct cli_root cli_data_root(const char *flag);

/* Sets DSLAB_ROOT to the root found when it was not set, so the programs
 * dslab starts (process nodes: the lab skeletons find clients/ through
 * it, docs/PROCESS_NODES.md) see the same data. cli_data_root() keeps
 * reporting where the root was found. */
void cli_root_export(void);

/* A phrase for `dslab help`: "set by --root", "installed with this binary" ... */
const char *cli_root_origin_text(enum cli_root_origin origin);

/* A scenario named on the command line: `arg` itself when it exists (or
 * is absolute), else DATA_ROOT/arg when that exists (so
 * `dslab run scenarios/intro/x.yaml` works from any directory), else `arg`
 * (the loader then reports it missing). The result is `arg` or static. */
const char *cli_scenario_arg(const char *arg);

/* The directory holding dslab/node.h for compiling node code:
 * $DSLAB_ROOT/sim/include, else the source tree's sim/include when this
 * binary runs from its build directory, else the installed
 * <bindir>/../include, else the source tree's. Static storage. */
const char *cli_node_include_dir(void);

#endif
