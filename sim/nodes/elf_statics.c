/* elf_statics.c: a warning about writable static data in node code.
 *
 * HOST ACTION: reads a shared object from disk, never runs it. A variable
 * at file scope (`static int counter;`) is shared by every node of a run
 * and kept across the runs of one process (explore, the visualiser's
 * rewind, --check-determinism): per-node state belongs in the state
 * block. The symbol table (.symtab, present unless the object was
 * stripped) names such variables: data objects in writable, allocated
 * sections other than the ones that are read-only after relocation. Names
 * starting with '_' or containing '.' belong to the C runtime and the
 * compiler (completed.0, __dso_handle) and are skipped. It is a warning,
 * not an error: a static scratch buffer used inside one callback is
 * harmless, and --check-determinism shows what is not. */
#include <elf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/nodes_internal.h"

static bool in_file(uint64_t off, uint64_t size, size_t len) {
    return off <= len && size <= len - off;
}

static bool read_shdr(const char *data, size_t len, const Elf64_Ehdr *eh, unsigned i,
                      Elf64_Shdr *out) {
    if (i >= eh->e_shnum) return false;
    uint64_t off = eh->e_shoff + (uint64_t)i * sizeof *out;
    if (!in_file(off, sizeof *out, len)) return false;
    memcpy(out, data + off, sizeof *out);
    return true;
}

/* True for a data section whose contents a node could change at run time. */
static bool writable_data(const char *data, size_t len, const Elf64_Ehdr *eh, unsigned index) {
    Elf64_Shdr sh, names;
    if (!read_shdr(data, len, eh, index, &sh)) return false;
    if ((sh.sh_flags & (SHF_WRITE | SHF_ALLOC)) != (SHF_WRITE | SHF_ALLOC)) return false;
    if (!read_shdr(data, len, eh, eh->e_shstrndx, &names) || !in_file(names.sh_offset, names.sh_size, len) ||
        sh.sh_name >= names.sh_size) {
        return false;
    }
    const char *name = data + names.sh_offset + sh.sh_name;
    size_t max = names.sh_size - sh.sh_name;
    if (strnlen(name, max) == max) return false;
    if (strncmp(name, ".data.rel.ro", 12) == 0) return false; /* read-only after relocation */
    static const char *const prefixes[] = {".data", ".bss", ".tdata", ".tbss"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(name, prefixes[i], n) == 0 && (name[n] == '\0' || name[n] == '.')) return true;
    }
    return false;
}

int elf_find_statics(const char *so_path, char *names_out, size_t cap, int *count_out) {
    char *data = NULL;
    size_t len = 0;
    *count_out = 0;
    if (cap) names_out[0] = '\0';
    if (nodes_read_file(so_path, DSLAB_CODE_BYTES_MAX, &data, &len) < 0) return -1;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(const void *)data;
    int rc = 0;
    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr)) {
        rc = -1;
        goto done;
    }
    size_t used = 0;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        Elf64_Shdr sh, str;
        if (!read_shdr(data, len, eh, i, &sh) || sh.sh_type != SHT_SYMTAB) continue;
        if (sh.sh_entsize != sizeof(Elf64_Sym) || !in_file(sh.sh_offset, sh.sh_size, len) ||
            !read_shdr(data, len, eh, sh.sh_link, &str) || !in_file(str.sh_offset, str.sh_size, len) ||
            str.sh_size == 0 || data[str.sh_offset + str.sh_size - 1] != '\0') {
            continue;
        }
        for (uint64_t k = 1; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
            Elf64_Sym sym;
            memcpy(&sym, data + sh.sh_offset + k * sizeof sym, sizeof sym);
            if (ELF64_ST_TYPE(sym.st_info) != STT_OBJECT || sym.st_size == 0 ||
                sym.st_name >= str.sh_size || sym.st_shndx == SHN_UNDEF ||
                sym.st_shndx >= SHN_LORESERVE || !writable_data(data, len, eh, sym.st_shndx)) {
                continue;
            }
            const char *name = data + str.sh_offset + sym.st_name;
            if (name[0] == '_' || strchr(name, '.') || !name[0]) continue;
            (*count_out)++;
            size_t n = strlen(name);
            if (cap && used + n + 3 < cap) {
                if (used) {
                    memcpy(names_out + used, ", ", 2);
                    used += 2;
                }
                memcpy(names_out + used, name, n + 1);
                used += n;
            }
        }
    }
done:
    free(data);
    return rc;
}
