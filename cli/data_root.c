/* data_root.c: finding the data root and the node-code headers
 * (data_root.h). The build passes four paths (cli/CMakeLists.txt):
 *   DSLAB_SOURCE_DIR       the source tree (absolute)
 *   DSLAB_BUILD_DIR        the directory the build writes this binary to
 *   DSLAB_REL_DATA_DIR     share/dslab relative to the installed binary
 *   DSLAB_REL_INCLUDE_DIR  the public headers relative to the installed binary
 * Only the relative ones are used by an installed copy, so an install
 * tree (or the Debian package) can be moved to any prefix. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "data_root.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DSLAB_SOURCE_DIR
#define DSLAB_SOURCE_DIR "."
#endif
#ifndef DSLAB_BUILD_DIR
#define DSLAB_BUILD_DIR "."
#endif
#ifndef DSLAB_REL_DATA_DIR
#define DSLAB_REL_DATA_DIR "../share/dslab"
#endif
#ifndef DSLAB_REL_INCLUDE_DIR
#define DSLAB_REL_INCLUDE_DIR "../include"
#endif

static const char *saved_argv0;

void cli_root_set_argv0(const char *argv0) {
    saved_argv0 = argv0;
}

/* Resolves argv[0] like the shell did: a path with '/' as is, else the
 * first executable match in $PATH. 0, or -1 when not found. */
static int argv0_path(char *out, size_t size) {
    if (!saved_argv0 || !saved_argv0[0]) return -1;
    if (strchr(saved_argv0, '/')) return realpath(saved_argv0, out) && strlen(out) < size ? 0 : -1;
    const char *p = getenv("PATH");
    while (p && *p) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char candidate[PATH_MAX];
        if (n > 0 && (size_t)snprintf(candidate, sizeof candidate, "%.*s/%s", (int)n, p, saved_argv0) < sizeof candidate &&
            access(candidate, X_OK) == 0 && realpath(candidate, out)) {
            return 0;
        }
        p = end ? end + 1 : NULL;
    }
    return -1;
}

/* The directory this binary is in (symbolic links resolved), or "" when
 * it cannot be found. Computed once. */
static const char *exe_dir(void) {
    static char dir[PATH_MAX];
    static int done;
    if (done) return dir;
    done = 1;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
    } else if (argv0_path(exe, sizeof exe) != 0) {
        return dir;
    }
    char *slash = strrchr(exe, '/');
    if (!slash) return dir;
    *slash = '\0';
    if (!realpath(exe[0] ? exe : "/", dir)) dir[0] = '\0';
    return dir;
}

/* True when this binary is the one the build wrote (it runs from the
 * build directory): then the source tree is its data, not an install. */
static int in_build_dir(void) {
    char build[PATH_MAX];
    return exe_dir()[0] && realpath(DSLAB_BUILD_DIR, build) && strcmp(build, exe_dir()) == 0;
}

/* True when `dir`/`probe` is readable. */
static int has_file(const char *dir, const char *probe) {
    char path[PATH_MAX + 64];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, probe) >= sizeof path) return 0;
    return access(path, R_OK) == 0;
}

/* <exe_dir>/rel, tidied by realpath when it exists; "" without exe_dir
 * or when the path does not fit. */
static void next_to_binary(const char *rel, char *out, size_t size) {
    char joined[PATH_MAX * 2], real[PATH_MAX];
    out[0] = '\0';
    if (!exe_dir()[0] || (size_t)snprintf(joined, sizeof joined, "%s/%s", exe_dir(), rel) >= sizeof joined) return;
    const char *best = realpath(joined, real) ? real : joined;
    if (strlen(best) < size) memcpy(out, best, strlen(best) + 1);
}

#define DATA_PROBE "exercises/taxonomy.yaml"

/* The root found without a flag, once per process (cli_root_export then
 * sets DSLAB_ROOT without changing what `dslab help` says it came from). */
static struct cli_root found;
static int found_done;

struct cli_root cli_data_root(const char *flag) {
    if (flag) return (struct cli_root){flag, CLI_ROOT_FLAG};
    if (found_done) return found;
    found_done = 1;
    const char *env = getenv("DSLAB_ROOT");
    if (env && env[0]) return found = (struct cli_root){env, CLI_ROOT_ENV};
    static char installed[PATH_MAX];
    next_to_binary(DSLAB_REL_DATA_DIR, installed, sizeof installed);
    int source_ok = has_file(DSLAB_SOURCE_DIR, DATA_PROBE);
    if (source_ok && in_build_dir()) return found = (struct cli_root){DSLAB_SOURCE_DIR, CLI_ROOT_SOURCE};
    if (installed[0] && has_file(installed, DATA_PROBE)) return found = (struct cli_root){installed, CLI_ROOT_INSTALLED};
    if (source_ok) return found = (struct cli_root){DSLAB_SOURCE_DIR, CLI_ROOT_SOURCE};
    return found = (struct cli_root){installed[0] ? installed : DSLAB_SOURCE_DIR, CLI_ROOT_NONE};
}

void cli_root_export(void) {
    struct cli_root r = cli_data_root(NULL);
    if (r.origin == CLI_ROOT_SOURCE || r.origin == CLI_ROOT_INSTALLED) setenv("DSLAB_ROOT", r.path, 0);
}

const char *cli_root_origin_text(enum cli_root_origin origin) {
    switch (origin) {
    case CLI_ROOT_FLAG: return "set by --root";
    case CLI_ROOT_ENV: return "set by DSLAB_ROOT";
    case CLI_ROOT_SOURCE: return "the source tree this binary was built from";
    case CLI_ROOT_INSTALLED: return "installed with this binary";
    case CLI_ROOT_NONE: break;
    }
    return "NOT FOUND: no exercises/taxonomy.yaml there; set DSLAB_ROOT or pass --root";
}

const char *cli_scenario_arg(const char *arg) {
    static char path[PATH_MAX + 8];
    if (!arg[0] || arg[0] == '/' || access(arg, F_OK) == 0) return arg;
    struct cli_root r = cli_data_root(NULL);
    if (r.origin == CLI_ROOT_NONE) return arg;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", r.path, arg) >= sizeof path) return arg;
    return access(path, F_OK) == 0 ? path : arg;
}

#define HEADER_PROBE "dslab/node.h"

const char *cli_node_include_dir(void) {
    static char dir[PATH_MAX + 16];
    const char *env = getenv("DSLAB_ROOT");
    if (env && env[0] && (size_t)snprintf(dir, sizeof dir, "%s/sim/include", env) < sizeof dir &&
        has_file(dir, HEADER_PROBE)) {
        return dir;
    }
    static const char source[] = DSLAB_SOURCE_DIR "/sim/include";
    if (in_build_dir() && has_file(source, HEADER_PROBE)) return source;
    next_to_binary(DSLAB_REL_INCLUDE_DIR, dir, sizeof dir);
    if (dir[0] && has_file(dir, HEADER_PROBE)) return dir;
    return source;
}
