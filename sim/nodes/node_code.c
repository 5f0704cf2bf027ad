/* node_code.c: node code from files (dslab/node_code.h): options, the
 * table of objects loaded in this process, and the steps in order:
 * compile (source only) -> check imports -> dlopen -> check the protocol.
 *
 * HOST MODULE: the one place in sim/ that reads the environment and keeps
 * process-wide state, because dlopen's loaded objects are process-wide.
 * The table is guarded by a mutex; nothing in it changes a simulation's
 * events (a struct dslab_sim only borrows the protocol it is given). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dslab/node_code.h"
#include "dslab/text.h"
#include "nodes/nodes_internal.h"

/* Distinct code files one process may load (one per scenario variant). */
#define LOADED_MAX 256

struct loaded {
    char key[DSLAB_CODE_PATH_MAX + 8]; /* the object's path (a source's is its cache entry) */
    const struct dslab_protocol *proto;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool enabled;
static struct node_code_env env;
static struct loaded table[LOADED_MAX];
static int table_count;

int nodes_read_file(const char *path, size_t max, char **out, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    if ((uint64_t)st.st_size > max) {
        fclose(f);
        errno = EFBIG;
        return -1;
    }
    size_t size = (size_t)st.st_size;
    char *buf = malloc(size + 1);
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    size_t got = fread(buf, 1, size, f);
    fclose(f);
    if (got != size) {
        free(buf);
        errno = EIO;
        return -1;
    }
    buf[size] = '\0';
    *out = buf;
    *len = size;
    return 0;
}

static int copy_option(char *dst, size_t cap, const char *value, const char *what,
                       struct dslab_diag *diag) {
    if ((size_t)snprintf(dst, cap, "%s", value) >= cap) {
        return dslab_diag_set(diag, "", 0, 0, "the %s '%s' is longer than %zu bytes", what, value, cap - 1);
    }
    return 0;
}

int dslab_node_code_enable(const struct dslab_node_code_options *o, struct dslab_diag *diag) {
    struct node_code_env e;
    memset(&e, 0, sizeof e);
    e.messages = o->messages;
    if (copy_option(e.include_dir, sizeof e.include_dir, o->include_dir ? o->include_dir : "",
                    "include directory", diag) < 0) {
        return -1;
    }
    const char *cc = o->cc ? o->cc : getenv("CC");
    if (copy_option(e.cc, sizeof e.cc, cc && cc[0] ? cc : "cc", "C compiler command ($CC)",
                    diag) < 0) {
        return -1;
    }
    const char *dir = o->cache_dir, *env_dir;
    int rc = 0;
    if (dir) {
        rc = copy_option(e.cache_dir, sizeof e.cache_dir, dir, "cache directory", diag);
    } else if ((env_dir = getenv("DSLAB_CACHE_DIR")) && env_dir[0]) {
        rc = copy_option(e.cache_dir, sizeof e.cache_dir, env_dir, "cache directory ($DSLAB_CACHE_DIR)", diag);
    } else if ((env_dir = getenv("XDG_CACHE_HOME")) && env_dir[0] == '/') {
        if ((size_t)snprintf(e.cache_dir, sizeof e.cache_dir, "%s/dslab", env_dir) >= sizeof e.cache_dir) {
            rc = dslab_diag_set(diag, "", 0, 0, "$XDG_CACHE_HOME is too long");
        }
    } else if ((env_dir = getenv("HOME")) && env_dir[0]) {
        if ((size_t)snprintf(e.cache_dir, sizeof e.cache_dir, "%s/.cache/dslab", env_dir) >= sizeof e.cache_dir) {
            rc = dslab_diag_set(diag, "", 0, 0, "$HOME is too long");
        }
    } else {
        e.cache_dir[0] = '\0'; /* only prebuilt plugins can be used */
    }
    if (rc < 0) return -1;
    pthread_mutex_lock(&lock);
    env = e;
    enabled = true;
    pthread_mutex_unlock(&lock);
    return 0;
}

/* A warning (not an error) for static variables: elf_statics.c. */
static void warn_statics(const char *so_path, const struct node_code_where *w) {
    char names[300];
    int count = 0;
    if (!env.messages || elf_find_statics(so_path, names, sizeof names, &count) < 0 || count == 0) {
        return;
    }
    char safe[4 * sizeof names];
    dslab_text_escape(names, strlen(names), safe, sizeof safe);
    fprintf(env.messages,
            "%s: warning: %s has %d writable static variable%s (%s): static state is shared by "
            "every node and kept across runs in one process; keep per-node state in the state "
            "block (check with dslab run --check-determinism)\n",
            w->scenario, w->shown, count, count == 1 ? "" : "s", safe);
    fflush(env.messages);
}

static const struct dslab_protocol *load_locked(const struct dslab_scenario *s, struct dslab_diag *diag) {
    const struct dslab_scenario_protocol *sp = &s->protocol;
    struct node_code_where w = {s->path, sp->pos.line, sp->pos.col, sp->name};
    if (!enabled) {
        dslab_diag_set(diag, w.scenario, w.line, w.col,
                 "this program does not load node code from files (source:, plugin:); use the "
                 "dslab command");
        return NULL;
    }
    char so_path[DSLAB_CODE_PATH_MAX + 8];
    if (sp->origin == DSLAB_PROTOCOL_SOURCE) {
        if (!env.cache_dir[0]) {
            dslab_diag_set(diag, w.scenario, w.line, w.col,
                     "no cache directory for compiled node code: set DSLAB_CACHE_DIR or HOME");
            return NULL;
        }
        if (source_compile(&env, &w, sp->code_path, so_path, sizeof so_path, diag) < 0) return NULL;
    } else {
        snprintf(so_path, sizeof so_path, "%s", sp->code_path);
    }
    const struct dslab_protocol *p = NULL;
    for (int i = 0; i < table_count && !p; i++) {
        if (strcmp(table[i].key, so_path) == 0) p = table[i].proto;
    }
    if (!p) {
        if (table_count == LOADED_MAX) {
            dslab_diag_set(diag, w.scenario, w.line, w.col, "more than %d node code files in one process",
                     LOADED_MAX);
            return NULL;
        }
        if (elf_check_imports(so_path, &w, diag) < 0 || !(p = plugin_load(so_path, &w, diag))) {
            return NULL;
        }
        warn_statics(so_path, &w);
        snprintf(table[table_count].key, sizeof table[table_count].key, "%s", so_path);
        table[table_count].proto = p;
        table_count++;
    }
    if (!p->configure && sp->params_count > 0) {
        const struct dslab_scenario_param *param = &sp->params[0];
        dslab_diag_set(diag, s->path, param->pos.line, param->pos.col,
                 "unknown protocol parameter '%s' (%s takes no parameters)", param->key, sp->name);
        return NULL;
    }
    return p;
}

const struct dslab_protocol *dslab_node_code_protocol(const struct dslab_scenario *s, struct dslab_diag *diag) {
    pthread_mutex_lock(&lock);
    const struct dslab_protocol *p = load_locked(s, diag);
    pthread_mutex_unlock(&lock);
    return p;
}
