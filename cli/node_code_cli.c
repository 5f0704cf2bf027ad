/* node_code_cli.c: lets the dslab command load learner node code
 * (`protocol: { source: ... }` / `{ plugin: ... }`, dslab/node_code.h).
 * The public headers the compiler needs are found by
 * cli_node_include_dir() (data_root.h: $DSLAB_ROOT/sim/include, the
 * source tree, or the installed include/); the compiler's messages go to
 * standard error. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "data_root.h"
#include "dslab/node_code.h"

int cli_enable_node_code(void) {
    struct dslab_node_code_options o = {.include_dir = cli_node_include_dir(), .messages = stderr};
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_node_code_enable(&o, &d) != 0) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    return 0;
}
