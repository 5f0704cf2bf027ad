/* util.c: small helpers shared by subcommands: flag value parsing with the
 * scenario loader's exact unit parsers, and atomic file writing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "scenario/units.h"

int cli_parse_duration_ns(const char *text, int64_t *out) {
    char err[UNITS_ERR_MAX];
    return units_parse_duration_ns(text, false, out, err, (int)sizeof err);
}

int cli_parse_u64(const char *text, uint64_t *out) {
    char err[UNITS_ERR_MAX];
    return units_parse_u64(text, out, err, (int)sizeof err);
}

FILE *cli_atomic_open(const char *path, char *tmp_path, size_t tmp_size) {
    snprintf(tmp_path, tmp_size, "%s.tmp.%ld", path, (long)getpid());
    return fopen(tmp_path, "w");
}

int cli_atomic_commit(FILE *f, const char *tmp_path, const char *path) {
    int failed = fflush(f) != 0 || ferror(f);
    if (!failed) failed = fsync(fileno(f)) != 0 && errno != EINVAL;
    failed |= fclose(f) != 0;
    if (failed || rename(tmp_path, path) != 0) {
        int saved = errno;
        remove(tmp_path);
        errno = saved;
        return -1;
    }
    return 0;
}
