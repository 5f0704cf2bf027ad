/* elf_imports.c: the determinism guard on node code's imports.
 *
 * HOST ACTION: reads a shared object from disk (never runs it; this check
 * comes before dlopen, which would run its constructors). Parses the ELF
 * section headers, finds the dynamic symbol table and lists the undefined
 * symbols: the functions the object calls in libc and elsewhere. Node code
 * gets time, randomness and storage only through its context (node.h), so
 * an import from the table below is refused, naming the function and what
 * to use instead. Every offset and size read from the file is bounds-
 * checked: a truncated or hostile file is an error, never a crash.
 *
 * What this cannot see (docs/NODE_API.md): static variables that persist
 * across runs, addresses of allocations, uninitialised memory, system
 * calls made with inline assembly. `dslab run --check-determinism` catches
 * their effects on the trace. */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/nodes_internal.h"

struct forbidden_class {
    const char *what; /* what to use instead */
    const char *const *names;
};

static const char *const time_names[] = {
    "time", "clock", "clock_gettime", "__clock_gettime", "gettimeofday", "ftime", "times",
    "timespec_get", "clock_getres", "getrusage", "__clock_gettime64", "__gettimeofday64",
    "__time64", NULL};
static const char *const sleep_names[] = {"sleep", "usleep", "nanosleep", "clock_nanosleep",
                                          "alarm", "setitimer", "timer_create", "pause", NULL};
static const char *const random_names[] = {
    "rand", "rand_r", "random", "random_r", "srand", "srandom", "srandom_r", "initstate",
    "initstate_r", "setstate", "setstate_r", "drand48", "erand48", "lrand48", "nrand48",
    "mrand48", "jrand48", "srand48", "seed48", "lcong48", "drand48_r", "lrand48_r",
    "mrand48_r", "getrandom", "getentropy", "arc4random", "arc4random_buf",
    "arc4random_uniform", NULL};
static const char *const storage_names[] = {
    "fopen", "fopen64", "freopen", "freopen64", "fdopen", "open", "open64", "openat",
    "openat64", "__open_2", "__open64_2", "__openat_2", "creat", "creat64", "opendir",
    "fdopendir", "stat", "stat64", "lstat", "fstatat", "__xstat", "__lxstat", "access",
    "mkdir", "rmdir", "unlink", "unlinkat", "remove", "rename", "renameat", "truncate",
    "mmap", "mmap64", "tmpfile", "tmpnam", "mkstemp", "mkstemp64", NULL};
static const char *const host_names[] = {
    "getenv", "secure_getenv", "getpid", "getppid", "gettid", "getuid", "gethostname",
    "uname", "sysconf", "syscall", "dlopen", "dlsym", "dlvsym", "system", "popen", "fork", "vfork", "execl", "execlp",
    "execle", "execv", "execvp", "execve", "posix_spawn", "posix_spawnp", "pthread_create",
    "thrd_create", "signal", "sigaction", "raise", "socket", "connect", "bind",
    "getaddrinfo", "scanf", "__isoc99_scanf", "__isoc23_scanf", "getchar", "getline",
    "getdelim", "read", "fread", "fgets", "fgetc", "getc", NULL};

static const struct forbidden_class classes[] = {
    {"node code reads time only from dslab_ctx_mono_ns() and dslab_ctx_wall_ns()", time_names},
    {"node code waits only with dslab_ctx_set_timer()", sleep_names},
    {"node code gets randomness only from dslab_ctx_rng()", random_names},
    {"node code keeps data only in its state block and the durable store (dslab_ctx_store_put, "
     "dslab_ctx_store_get, dslab_ctx_store_sync)", storage_names},
    {"node code sees the host only through its context: settings come as protocol "
     "parameters (configure()), other nodes are reached with dslab_ctx_send()", host_names},
};

static const char *forbidden_reason(const char *name) {
    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++) {
        for (const char *const *n = classes[c].names; *n; n++) {
            if (strcmp(*n, name) == 0) return classes[c].what;
        }
    }
    return NULL;
}

/* True when [off, off+size) lies inside a file of `len` bytes. */
static bool in_file(uint64_t off, uint64_t size, size_t len) {
    return off <= len && size <= len - off;
}

int elf_check_imports(const char *so_path, const struct node_code_where *w, struct dslab_diag *diag) {
    char *data = NULL;
    size_t len = 0;
    if (nodes_read_file(so_path, DSLAB_CODE_BYTES_MAX, &data, &len) < 0) {
        return dslab_diag_set(diag, w->scenario, w->line, w->col, "cannot read the shared object '%s': %s",
                        so_path, errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
    }
    int rc = 0;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(const void *)data;
    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
        rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                      "%s is not a shared object (no ELF header): build it with "
                      "cc -shared -fPIC, or name the C source with `source:`", w->shown);
        goto done;
    }
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_type != ET_DYN) {
        rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                      "%s is not a 64-bit little-endian ELF shared object (ET_DYN), which is "
                      "what this dslab loads", w->shown);
        goto done;
    }
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), len)) {
        rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                      "%s has a damaged ELF section table", w->shown);
        goto done;
    }
    /* memcpy, not casts: the file's offsets need not be aligned. */
    bool found_dynsym = false;
    for (unsigned i = 0; i < eh->e_shnum && rc == 0; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, data + eh->e_shoff + (uint64_t)i * sizeof sh, sizeof sh);
        if (sh.sh_type != SHT_DYNSYM) continue;
        found_dynsym = true;
        Elf64_Shdr str;
        if (sh.sh_link >= eh->e_shnum || sh.sh_entsize != sizeof(Elf64_Sym) ||
            !in_file(sh.sh_offset, sh.sh_size, len)) {
            rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                          "%s has a damaged dynamic symbol table", w->shown);
            break;
        }
        memcpy(&str, data + eh->e_shoff + (uint64_t)sh.sh_link * sizeof str, sizeof str);
        if (!in_file(str.sh_offset, str.sh_size, len) || str.sh_size == 0 ||
            data[str.sh_offset + str.sh_size - 1] != '\0') {
            rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                          "%s has a damaged dynamic string table", w->shown);
            break;
        }
        const char *strings = data + str.sh_offset;
        uint64_t count = sh.sh_size / sizeof(Elf64_Sym);
        const char *first = NULL, *why = NULL;
        int more = 0;
        for (uint64_t k = 1; k < count; k++) {
            Elf64_Sym sym;
            memcpy(&sym, data + sh.sh_offset + k * sizeof sym, sizeof sym);
            if (sym.st_shndx != SHN_UNDEF || sym.st_name >= str.sh_size) continue;
            const char *name = strings + sym.st_name;
            const char *reason = forbidden_reason(name);
            if (!reason) continue;
            if (!first) {
                first = name;
                why = reason;
            } else {
                more++;
            }
        }
        if (first) {
            rc = dslab_diag_set(diag, w->scenario, w->line, w->col, "%s calls %s(): %s%s", w->shown,
                          first, why, more ? " (and more such calls: see docs/NODE_API.md)" : "");
        }
    }
    if (rc == 0 && !found_dynsym) {
        rc = dslab_diag_set(diag, w->scenario, w->line, w->col,
                      "%s has no dynamic symbol table: build it with cc -shared -fPIC", w->shown);
    }
done:
    free(data);
    return rc;
}
