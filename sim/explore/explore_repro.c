/* explore_repro.c: turns a shrunk schedule into a reproducer file, a
 * standalone scenario a learner can run and open in the visualiser, and
 * checks that the written file really fails the same way.
 *
 * The file is the explored scenario (with any --set baked in) with the
 * seed of the failing run, the minimal fault schedule, no narration (its
 * lines were about the original faults), and a header saying what fails,
 * when, and which faults were necessary.
 *
 * Reproducers merged from shards (xr_write_reproducers) come from files
 * made elsewhere: they are written only under --out, by names built from
 * checked identifiers, never through a symlink, and run again before the
 * summary says anything about them. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dslab/outfile.h"
#include "dslab/time.h"
#include "explore/explore_driver.h"

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
        if (len + 1 == cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[len] = 0;
    return buf;
}

static void describe(const struct dslab_xr_check *c, char *buf, size_t size) {
    const struct dslab_xr_repro *r = &c->repro;
    char t[32];
    int len = snprintf(buf, size,
                       "Found by dslab explore: the check %s fails with seed %" PRIu64
                       " (first violation at %s).",
                       c->name, r->seed, dslab_time_format_human(r->violation_ns, t, (int)sizeof t));
    for (int i = 0; i < r->necessary_count && len > 0 && (size_t)len < size; i++) {
        len += snprintf(buf + len, size - (size_t)len, "%s%s", i ? "; " : " Necessary faults: ",
                        r->necessary[i]);
    }
}

/* The header comment, then the file dslab_scenario_save wrote. */
static char *with_header(const struct dslab_scenario *sc, const struct dslab_xr_check *c, const char *body) {
    const struct dslab_xr_repro *r = &c->repro;
    char t[32], file[200];
    snprintf(file, sizeof file, "%s-seed%" PRIu64 ".yaml", c->name, r->seed);
    size_t cap = strlen(body) + 4096 + (size_t)r->necessary_count * 320;
    char *out = malloc(cap);
    if (!out) return NULL;
    int len = snprintf(out, cap,
                       "# Minimal reproducer written by `dslab explore` (docs/EXPLORE.md).\n"
                       "#\n"
                       "# The check `%s` fails on this scenario with seed %" PRIu64 ": first\n"
                       "# violation at %s. Explored from %s.\n"
                       "# Shrunk from %d fault(s) to the %d below in %d runs%s\n",
                       c->name, r->seed, dslab_time_format_human(r->violation_ns, t, (int)sizeof t),
                       sc->path, r->faults_before, r->faults_after, r->runs,
                       r->minimal ? "; without any one\n# of them the check passes:" : ":");
    for (int i = 0; i < r->necessary_count; i++) {
        len += snprintf(out + len, cap - (size_t)len, "#   - %s\n", r->necessary[i]);
    }
    snprintf(out + len, cap - (size_t)len,
             "#\n# Replay: dslab run %s\n# Watch:  dslab viz %s\n%s", file, file, body);
    return out;
}

/* Loads the written file and runs it with its own seed and faults (at
 * most events_cap events when > 0): does check `check` fail? Sets
 * r->rerun, and r->rerun_events to the events the run processed. */
static void rerun(struct dslab_xr_repro *r, const char *path, const char *check, int64_t events_cap) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    r->rerun = DSLAB_XR_RERUN_STOPPED;
    r->rerun_events = 0;
    r->rerun_failed_mask = 0;
    struct dslab_scenario *s = dslab_scenario_load(path, NULL, 0, NULL, &d);
    if (!s) return;
    if (events_cap > 0 && s->events_max > events_cap) s->events_max = events_cap;
    enum dslab_xr_rerun result = DSLAB_XR_RERUN_STOPPED;
    struct dslab_explore_schedule sch;
    if (dslab_explore_draw(s, s->seed, DSLAB_EXPLORE_FAULTS_SCENARIO, &sch) == 0) {
        struct dslab_explore_outcome out;
        int rc = dslab_explore_run(s, s->seed, &sch, &out, NULL, &d);
        if (rc == 0) r->rerun_events = out.events;
        if (rc == 0 && out.status == DSLAB_SIM_OK) {
            result = DSLAB_XR_RERUN_HOLDS;
            r->rerun_failed_mask = out.failed_mask;
            for (int i = 0; i < s->checks_count && i < DSLAB_EXPLORE_CHECKS_MAX; i++) {
                if (strcmp(s->checks[i].name, check) == 0 && (out.failed_mask & (UINT64_C(1) << i))) {
                    result = DSLAB_XR_RERUN_FAILS;
                }
            }
        }
        dslab_explore_schedule_free(&sch);
    }
    dslab_scenario_free(s);
    r->rerun = result;
}

int explore_repro_make(const struct dslab_scenario *sc, struct dslab_xr_check *c, const struct dslab_explore_scenario *final,
                       const char *out_dir, char *err, int err_size) {
    struct dslab_xr_repro *r = &c->repro;
    struct dslab_scenario x = final->sc; /* a copy: the title, seed... below are for the file */
    char title[200], description[4096], path[1100];
    snprintf(title, sizeof title, "Reproducer: %s fails (dslab explore, seed %" PRIu64 ")", c->name, r->seed);
    describe(c, description, sizeof description);
    int keep = (int)sizeof x.name - 1 - snprintf(NULL, 0, "-seed%" PRIu64, r->seed);
    snprintf(x.name, sizeof x.name, "%.*s-seed%" PRIu64, keep > 0 ? keep : 0, sc->name, r->seed);
    x.seed = r->seed;
    x.title = title;
    x.description = description;
    x.narration_count = 0;
    xr_repro_path(c, out_dir, path, sizeof path);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_scenario_save(&x, path, &d) < 0) {
        dslab_diag_format(&d, err, err_size);
        return -1;
    }
    char *body = read_all(path);
    r->yaml = body ? with_header(sc, c, body) : NULL;
    free(body);
    if (!r->yaml) {
        snprintf(err, (size_t)err_size, "%s: cannot read back the reproducer", path);
        return -1;
    }
    struct dslab_outfile out; /* the header goes in by temporary file and rename, too */
    if (dslab_outfile_open(&out, path, &d) < 0 || (fputs(r->yaml, out.f), dslab_outfile_commit(&out, &d)) < 0) {
        dslab_diag_format(&d, err, err_size);
        return -1;
    }
    rerun(r, path, c->name, 0);
    return 0;
}

/* ---- reproducers merged from shards ------------------------------------- */

/* Writes text to out_dir/file (file: a plain name, no '/'): a new temporary
 * entry beside it (O_EXCL|O_NOFOLLOW: never through a symlink), renamed
 * over it. An existing entry that is not a regular file is refused. */
static int write_in_dir(int dir_fd, const char *out_dir, const char *file, const char *text,
                        char *err, int err_size) {
    struct stat st;
    if (fstatat(dir_fd, file, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, (size_t)err_size, "%s/%s exists and is not a regular file (a symlink? a directory?): "
                 "not replaced", out_dir, file);
        return -1;
    }
    char tmp[200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", file, (long)getpid());
    unlinkat(dir_fd, tmp, 0); /* a stale one of ours; a symlink is removed, not followed */
    int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, (size_t)err_size, "%s/%s: cannot write: %s", out_dir, tmp, strerror(errno));
        return -1;
    }
    size_t len = strlen(text), done = 0;
    int failed = 0;
    while (done < len && !failed) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) failed = 1;
        else done += (size_t)n;
    }
    if (!failed && fsync(fd) != 0 && errno != EINVAL) failed = 1;
    int saved = errno;
    if (close(fd) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (!failed && renameat(dir_fd, tmp, dir_fd, file) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        unlinkat(dir_fd, tmp, 0);
        snprintf(err, (size_t)err_size, "%s/%s: cannot write: %s", out_dir, file, strerror(saved));
        return -1;
    }
    return 0;
}

int xr_write_reproducers(struct dslab_xr *x, const char *out_dir, char *err, int err_size) {
    int dir_fd = -1, rc = 0;
    for (int c = 0; c < x->checks_count && rc == 0; c++) {
        struct dslab_xr_check *xc = &x->checks[c];
        if (!xc->repro.present || !xc->repro.yaml) continue;
        char file[128];
        if (xr_repro_file_name(xc, file, sizeof file) < 0) { /* the merge checked it; never trust */
            snprintf(err, (size_t)err_size, "a reproducer of a check with a bad name: not written");
            rc = -1;
            break;
        }
        if (dir_fd < 0) {
            if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
                snprintf(err, (size_t)err_size, "%s: cannot create the directory: %s", out_dir, strerror(errno));
                return -1;
            }
            dir_fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dir_fd < 0) {
                snprintf(err, (size_t)err_size, "%s: cannot open the directory: %s", out_dir, strerror(errno));
                return -1;
            }
        }
        rc = write_in_dir(dir_fd, out_dir, file, xc->repro.yaml, err, err_size);
        if (rc == 0) {
            char path[1100];
            xr_repro_path(xc, out_dir, path, sizeof path);
            rerun(&xc->repro, path, xc->name, DSLAB_XR_RERUN_EVENTS_MAX);
        }
    }
    if (dir_fd >= 0) close(dir_fd);
    return rc;
}
