/* assert.c: the failure path of DSLAB_ASSERT (dslab/assert.h). The only
 * place in sim/ that writes to stderr: a broken invariant ends the process. */
#include "dslab/assert.h"

#include <stdio.h>
#include <stdlib.h>

_Noreturn void dslab_assert_fail(const char *file, int line, const char *cond) {
    fflush(stdout);
    fprintf(stderr, "%s:%d: dslab invariant violated: %s\n", file, line, cond);
    fflush(stderr);
    abort();
}
