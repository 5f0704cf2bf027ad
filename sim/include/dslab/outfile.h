/* outfile.h: the one way dslab writes an output file (traces, saved
 * scenarios, progress, reports, reproducers, PNGs).
 *
 * A regular file (or a path that does not exist yet) is written atomically:
 * into a temporary file beside it, then flushed, synced and renamed over
 * it, so a crash or a full disk never leaves it half-written. The
 * temporary's name is fixed, `.NAME.dslab-tmp` in the target's directory,
 * and it is locked (flock) while it is written: a temporary left by a
 * process that died (kill -9, SIGXFSZ) is taken over, truncated and renamed
 * by the next write of the same file, so none accumulate. A second process
 * writing the same file at the same moment is refused with an error (its
 * lock is busy) instead of racing for the rename.
 *
 * Anything that exists and is not a regular file (a character device such
 * as /dev/null or /dev/full, a FIFO), and any existing path under /dev/ or
 * /proc/ (/dev/stdout redirected to a file is still this process's stdout),
 * is written through directly: never renamed over, never replaced. "-" is
 * standard output. A directory is an
 * error. A symbolic link is followed: the file it points to is replaced
 * atomically (its temporary beside that file) and the link stays a link; a
 * link to nothing is an error.
 *
 * Usage:
 *     struct dslab_outfile o;
 *     if (dslab_outfile_open(&o, path, &diag) < 0) ...;   // diag says why
 *     fprintf(o.f, ...);
 *     if (dslab_outfile_commit(&o, &diag) < 0) ...;       // a write error, e.g. ENOSPC
 * or dslab_outfile_abort(&o) to drop what was written (the target is untouched
 * when it is a regular file). commit and abort always close o.f (never
 * standard output). Not thread-safe for the same path; no globals. */
#ifndef DSLAB_OUTFILE_H
#define DSLAB_OUTFILE_H

#include <stdio.h>

#include "dslab/diag.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Longest target or temporary path (a symlink's target resolved). */
#define DSLAB_OUTFILE_PATH_MAX 4096

enum dslab_outfile_kind {
    DSLAB_OUTFILE_ATOMIC,  /* temporary + rename */
    DSLAB_OUTFILE_THROUGH, /* written in place: a device or a FIFO */
    DSLAB_OUTFILE_STDOUT,  /* "-" */
};

struct dslab_outfile {
    FILE *f; /* write here; NULL after commit or abort */
    enum dslab_outfile_kind kind;
    char path[DSLAB_OUTFILE_PATH_MAX];   /* as given, for messages */
    char target[DSLAB_OUTFILE_PATH_MAX]; /* the file replaced (a link's target) */
    char tmp[DSLAB_OUTFILE_PATH_MAX];    /* the temporary (DSLAB_OUTFILE_ATOMIC) */
    int write_errno; /* the first write error a writer saw (dslab_outfile_note_error); 0 = none */
};

/* Opens `path` for writing ("-" = standard output). Returns 0, or -1 with
 * diag set ("cannot write: ..."). */
int dslab_outfile_open(struct dslab_outfile *o, const char *path, struct dslab_diag *diag);
/* Flushes (and for DSLAB_OUTFILE_ATOMIC syncs and renames). Returns 0, or -1
 * with diag set; on failure a regular target keeps its old content and the
 * temporary is removed. */
int dslab_outfile_commit(struct dslab_outfile *o, struct dslab_diag *diag);
/* Records a write error (errno) a writer saw on o->f, so that commit
 * reports its cause: stdio keeps only "an error happened" once a large
 * fwrite that bypassed its buffer failed. The first error is kept. */
void dslab_outfile_note_error(struct dslab_outfile *o, int err);
/* Closes without replacing the target; removes the temporary. */
void dslab_outfile_abort(struct dslab_outfile *o);

/* mkdir -p (sim/mkdir_p.c): makes `dir` and each missing parent with
 * `mode` (e.g. 0700 for a private cache, 0755). Returns 0 when `dir` is a
 * directory afterwards, else -1 with errno set (ENAMETOOLONG past
 * DSLAB_OUTFILE_PATH_MAX - 1 bytes, ENOTDIR when it exists as another kind
 * of file). */
int dslab_mkdir_p(const char *dir, unsigned mode);

#pragma GCC visibility pop

#endif
