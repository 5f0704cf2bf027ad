/* node_code_cli.c: lets the dslab command load learner node code
 * (`protocol: { source: ... }` / `{ plugin: ... }`, dslab/node_code.h).
 * The public headers the compiler needs are DSLAB_ROOT/sim/include, else
 * the source tree dslab was built from (DSLAB_SOURCE_DIR); the compiler's
 * messages go to standard error. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dslab/node_code.h"

#ifndef DSLAB_SOURCE_DIR
#define DSLAB_SOURCE_DIR "."
#endif

int cli_enable_node_code(void) {
    const char *root = getenv("DSLAB_ROOT");
    if (!root || !root[0]) root = DSLAB_SOURCE_DIR;
    char include_dir[600];
    snprintf(include_dir, sizeof include_dir, "%s/sim/include", root);
    struct dslab_node_code_options o = {.include_dir = include_dir, .messages = stderr};
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_node_code_enable(&o, &d) != 0) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    return 0;
}
