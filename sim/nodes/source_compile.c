/* source_compile.c: a learner's C source -> a cached shared object.
 *
 * HOST ACTIONS (outside the deterministic core): reads the source and the
 * public headers, runs the C compiler, writes the cache directory.
 *
 * The cache key is a 128-bit hash (two independent 64-bit hashes, not
 * cryptographic: the cache is the user's own 0700 directory, so only an
 * accidental collision matters) of: a format tag, the node API version,
 * the compiler command and what `$CC --version` prints (an upgraded
 * compiler never reuses an older one's objects), the flags, every public
 * header (name and bytes),
 * the source's path as given to the compiler and its bytes. Same inputs,
 * same object: a cache hit costs reading and hashing those files. An
 * object is compiled to a temporary name in the cache and renamed into
 * place, so concurrent runs never see half an object. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dslab/host_clock.h"
#include "dslab/outfile.h"
#include "dslab/text.h"
#include "nodes/nodes_internal.h"

/* The flags every node is compiled with (docs/NODE_API.md). */
static const char *const cc_flags[] = {"-std=c11", "-O2", "-fPIC", "-shared", "-Wall"};
#define CC_FLAGS_COUNT 5
#define CC_WORDS_MAX 16
/* The compiler gets this long (wall time) before it is killed. */
#define CC_TIMEOUT_S 120
/* Compiler output kept for the messages (the rest is read and dropped). */
#define CC_OUTPUT_MAX (64 * 1024)
#define HEADERS_MAX 64

struct hash128 {
    uint64_t a, b;
};

static void hash_bytes(struct hash128 *h, const void *data, size_t len) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h->a = (h->a ^ p[i]) * UINT64_C(0x100000001b3); /* FNV-1a */
        h->b = (h->b + p[i] + 1) * UINT64_C(0x9e3779b97f4a7c15);
        h->b ^= h->b >> 29;
    }
}

/* Length-prefixed, so ("ab","c") and ("a","bc") differ. */
static void hash_item(struct hash128 *h, const void *data, size_t len) {
    uint64_t n = len;
    hash_bytes(h, &n, sizeof n);
    hash_bytes(h, data, len);
}

static int cmp_names(const void *x, const void *y) {
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Hashes every include_dir/dslab/NAME.h in name order. */
static int hash_headers(struct hash128 *h, const char *include_dir, struct dslab_diag *diag,
                        const struct node_code_where *w) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/dslab", include_dir);
    DIR *d = opendir(dir);
    if (!d) {
        return dslab_diag_set(diag, w->scenario, w->line, w->col,
                        "cannot read dslab's public headers in '%s': %s (set DSLAB_ROOT to the "
                        "dslab source directory)", dir, strerror(errno));
    }
    char *names[HEADERS_MAX];
    int count = 0, rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0) continue;
        if (count == HEADERS_MAX || !(names[count] = strdup(e->d_name))) {
            rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                          "more than %d headers in '%s' (or out of memory)", HEADERS_MAX, dir);
            break;
        }
        count++;
    }
    closedir(d);
    qsort(names, (size_t)count, sizeof names[0], cmp_names);
    for (int i = 0; i < count && rc == 0; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *text = NULL;
        size_t len = 0;
        if (nodes_read_file(path, DSLAB_CODE_BYTES_MAX, &text, &len) < 0) {
            rc = dslab_diag_set(diag, w->scenario, w->line, w->col, "cannot read the header '%s': %s",
                          path, strerror(errno));
            break;
        }
        hash_item(h, names[i], strlen(names[i]));
        hash_item(h, text, len);
        free(text);
    }
    for (int i = 0; i < count; i++) free(names[i]);
    if (rc == 0 && count == 0) {
        rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                      "no public headers in '%s' (set DSLAB_ROOT to the dslab source directory)",
                      dir);
    }
    return rc;
}

/* Splits the compiler command at spaces into words (pointers into buf). */
static int split_words(char *buf, const char **words, int max) {
    int n = 0;
    for (char *tok = strtok(buf, " \t"); tok; tok = strtok(NULL, " \t")) {
        if (n == max) return -1;
        words[n++] = tok;
    }
    return n;
}

/* Runs argv with stdin from /dev/null and stdout+stderr into *out
 * (malloc'd, at most CC_OUTPUT_MAX bytes kept). Returns the wait status,
 * -1 when the process could not be started, -2 when it timed out. */
static int run_captured(const char *const *argv, char **out, size_t *out_len) {
    int fds[2];
    *out = NULL;
    *out_len = 0;
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) dup2(null_fd, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        /* Only async-signal-safe calls between fork and exit. */
        static const char msg[] = "dslab: the C compiler could not be started\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(127);
    }
    close(fds[1]);
    char *buf = malloc(CC_OUTPUT_MAX + 1);
    size_t len = 0;
    double deadline = dslab_host_clock_s() + CC_TIMEOUT_S;
    bool timed_out = false;
    for (;;) {
        int left_ms = (int)((deadline - dslab_host_clock_s()) * 1000);
        if (left_ms <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int r = poll(&p, 1, left_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char chunk[4096];
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        size_t keep = buf && len < CC_OUTPUT_MAX ? CC_OUTPUT_MAX - len : 0;
        if (keep > (size_t)got) keep = (size_t)got;
        if (keep) memcpy(buf + len, chunk, keep);
        len += keep;
    }
    close(fds[0]);
    if (timed_out) kill(pid, SIGKILL);
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    if (waited < 0) status = -1; /* reaped elsewhere: treat as a failure to run */
    if (buf) buf[len] = '\0';
    *out = buf;
    *out_len = buf ? len : 0;
    return timed_out ? -2 : status;
}

/* Hashes `CC --version`'s exit status and output (both streams, at most
 * CC_OUTPUT_MAX bytes) into h. A compiler that cannot run still gives a
 * key; compiling then says what is wrong. Remembers the last command's
 * answer: source_compile runs under the node-code loader's lock, and one
 * run compiles many sources with one compiler. -1 for an unusable
 * command (no words, too many). */
static int hash_cc_version(struct hash128 *h, const char *cc) {
    static char last_cc[256];
    static struct hash128 last_version;
    static bool known;
    if (known && strcmp(last_cc, cc) == 0) {
        hash_item(h, &last_version, sizeof last_version);
        return 0;
    }
    char cc_buf[256];
    snprintf(cc_buf, sizeof cc_buf, "%s", cc);
    const char *argv[CC_WORDS_MAX + 2];
    int n = split_words(cc_buf, argv, CC_WORDS_MAX);
    if (n <= 0) return -1;
    argv[n++] = "--version";
    argv[n] = NULL;
    char *out = NULL;
    size_t out_len = 0;
    int status = run_captured(argv, &out, &out_len);
    struct hash128 v = {UINT64_C(0x9e3779b97f4a7c15), UINT64_C(0xc2b2ae3d27d4eb4f)};
    hash_item(&v, &status, sizeof status);
    hash_item(&v, out ? out : "", out_len);
    free(out);
    hash_item(h, &v, sizeof v);
    snprintf(last_cc, sizeof last_cc, "%s", cc);
    last_version = v;
    known = true;
    return 0;
}

/* Copies the compiler's output to `f` line by line, each line escaped
 * (dslab/text.h) so hostile bytes in the source never reach the terminal
 * raw; file:line:col prefixes are kept as the compiler printed them. */
static void print_output(FILE *f, const char *out, size_t len) {
    size_t start = 0;
    while (start < len) {
        const char *nl = memchr(out + start, '\n', len - start);
        size_t line_len = nl ? (size_t)(nl - (out + start)) : len - start;
        char esc[2048];
        dslab_text_escape(out + start, line_len, esc, sizeof esc);
        fprintf(f, "%s\n", esc);
        start += line_len + 1;
    }
}

int source_compile(const struct node_code_env *env, const struct node_code_where *w,
                   const char *source_path, char *so_path, size_t cap, struct dslab_diag *diag) {
    /* A path the compiler could read as an option ("-o...") gets "./". */
    char src_arg[DSLAB_CODE_PATH_MAX + 3];
    snprintf(src_arg, sizeof src_arg, "%s%s", source_path[0] == '-' ? "./" : "", source_path);
    char *source = NULL;
    size_t source_len = 0;
    if (nodes_read_file(src_arg, DSLAB_CODE_BYTES_MAX, &source, &source_len) < 0) {
        return dslab_diag_set(diag, w->scenario, w->line, w->col, "cannot read the C source '%s': %s",
                        source_path, errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
    }
    struct hash128 h = {UINT64_C(0xcbf29ce484222325), UINT64_C(0x243f6a8885a308d3)};
    static const char tag[] = "dslab node cache v2"; /* v2: with the compiler's version */
    uint32_t api = DSLAB_NODE_API_VERSION;
    hash_item(&h, tag, sizeof tag);
    hash_item(&h, &api, sizeof api);
    hash_item(&h, env->cc, strlen(env->cc));
    if (hash_cc_version(&h, env->cc) < 0) {
        free(source);
        return dslab_diag_set(diag, w->scenario, w->line, w->col,
                        "the C compiler command '%s' is empty or has more than %d words (set CC)",
                        env->cc, CC_WORDS_MAX);
    }
    for (int i = 0; i < CC_FLAGS_COUNT; i++) hash_item(&h, cc_flags[i], strlen(cc_flags[i]));
    hash_item(&h, src_arg, strlen(src_arg));
    hash_item(&h, source, source_len);
    free(source);
    if (hash_headers(&h, env->include_dir, diag, w) < 0) return -1;

    char key[40];
    snprintf(key, sizeof key, "%016" PRIx64 "%016" PRIx64, h.a, h.b);
    if ((size_t)snprintf(so_path, cap, "%s/%s.so", env->cache_dir, key) >= cap) {
        return dslab_diag_set(diag, w->scenario, w->line, w->col, "the cache directory's path is too long");
    }
    if (access(so_path, R_OK) == 0) return 0; /* cached */

    if (dslab_mkdir_p(env->cache_dir, 0700) != 0) {
        return dslab_diag_set(diag, w->scenario, w->line, w->col,
                        "cannot create the node code cache '%s': %s (set DSLAB_CACHE_DIR)",
                        env->cache_dir, strerror(errno));
    }
    char tmp[600];
    static unsigned counter; /* names unique within this process (under the loader's lock) */
    snprintf(tmp, sizeof tmp, "%s/%s.tmp%ld-%u.so", env->cache_dir, key, (long)getpid(), counter++);

    char cc_buf[256];
    snprintf(cc_buf, sizeof cc_buf, "%s", env->cc);
    const char *argv[CC_WORDS_MAX + CC_FLAGS_COUNT + 8];
    int n = split_words(cc_buf, argv, CC_WORDS_MAX);
    if (n <= 0) {
        return dslab_diag_set(diag, w->scenario, w->line, w->col,
                        "the C compiler command '%s' is empty or has more than %d words (set CC)",
                        env->cc, CC_WORDS_MAX);
    }
    for (int i = 0; i < CC_FLAGS_COUNT; i++) argv[n++] = cc_flags[i];
    argv[n++] = "-I";
    argv[n++] = env->include_dir;
    argv[n++] = "-o";
    argv[n++] = tmp;
    argv[n++] = src_arg;
    argv[n] = NULL;

    char *out = NULL;
    size_t out_len = 0;
    int status = run_captured(argv, &out, &out_len);
    bool ok = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (env->messages && out_len > 0) {
        fprintf(env->messages, "dslab: compiling %s with %s -std=c11 -O2 -fPIC -shared -Wall:\n",
                source_path, env->cc);
        print_output(env->messages, out, out_len);
        fflush(env->messages);
    }
    free(out);
    if (!ok) {
        unlink(tmp);
        if (status == -1) {
            return dslab_diag_set(diag, w->scenario, w->line, w->col,
                            "cannot start the C compiler '%s': %s", env->cc, strerror(errno));
        }
        if (status == -2) {
            return dslab_diag_set(diag, w->scenario, w->line, w->col,
                            "compiling %s: the compiler took longer than %d s and was stopped",
                            w->shown, CC_TIMEOUT_S);
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
            return dslab_diag_set(diag, w->scenario, w->line, w->col,
                            "cannot run the C compiler '%s' (set CC to one, e.g. CC=gcc)", env->cc);
        }
        return dslab_diag_set(diag, w->scenario, w->line, w->col,
                        "compiling %s failed (%s exit status %d); the compiler's messages are "
                        "above", w->shown, env->cc,
                        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    if (rename(tmp, so_path) != 0) {
        int e = errno;
        unlink(tmp);
        return dslab_diag_set(diag, w->scenario, w->line, w->col, "cannot store the compiled %s in '%s': %s",
                        w->shown, env->cache_dir, strerror(e));
    }
    return 0;
}
