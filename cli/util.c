/* util.c: small helpers shared by subcommands: flag value parsing with the
 * scenario loader's exact unit parsers, and output files (dslab/outfile.h)
 * with their errors printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dslab/units.h"

int cli_parse_duration_ns(const char *text, int64_t *out) {
    char err[DSLAB_UNITS_ERR_MAX];
    return dslab_units_parse_duration_ns(text, false, out, err, (int)sizeof err);
}

int cli_parse_u64(const char *text, uint64_t *out) {
    char err[DSLAB_UNITS_ERR_MAX];
    return dslab_units_parse_u64(text, out, err, (int)sizeof err);
}

FILE *cli_atomic_open(struct dslab_outfile *o, const char *path) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_outfile_open(o, path, &d) < 0) {
        cli_print_diag(&d);
        return NULL;
    }
    return o->f;
}

int cli_atomic_commit(struct dslab_outfile *o) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_outfile_commit(o, &d) < 0) {
        cli_print_diag(&d);
        return -1;
    }
    return 0;
}
