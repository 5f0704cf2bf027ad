/* test_node_code.c: node code from files without a compiler: the
 * scenario's `source:`/`plugin:` forms (paths joined to the scenario's
 * directory, parameters kept, saved absolute), dslab_sim_create refusing them in
 * a program that did not call dslab_node_code_enable, and the ELF import check
 * and static-variable scan on damaged objects (every prefix and many corrupted copies of a real
 * ELF file: an error or a pass, never a crash; run under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "harness.h"
#include "nodes/nodes_internal.h"

static struct dslab_scenario *load(const char *text, const char *name, struct dslab_diag *d) {
    dslab_diag_clear(d);
    return dslab_scenario_load_buffer(text, strlen(text), name, NULL, 0, NULL, d);
}

/* A three-node scenario file `name` whose protocol is the flow map `protocol`;
 * it must load. */
static struct dslab_scenario *load_protocol(const char *protocol, const char *name) {
    char text[512];
    snprintf(text, sizeof text, "name: t\nduration: 1s\nnodes: 3\nprotocol: %s\n", protocol);
    struct dslab_diag d;
    struct dslab_scenario *s = load(text, name, &d);
    assert_non_null(s);
    return s;
}

static void test_source_path_joins_scenario_dir(void **unused) {
    (void)unused;
    struct dslab_scenario *s = load_protocol("{ source: my_raft.c, heartbeat: 5ms }", "labs/raft/t.yaml");
    assert_int_equal(s->protocol.origin, DSLAB_PROTOCOL_SOURCE);
    assert_string_equal(s->protocol.code_path, "labs/raft/my_raft.c");
    assert_string_equal(s->protocol.name, "my_raft.c");
    assert_int_equal(s->protocol.params_count, 1);
    assert_string_equal(s->protocol.params[0].key, "heartbeat");
    assert_int_equal(s->protocol.pos.line, 4);
    assert_int_equal(s->protocol.pos.col, 21);
    dslab_scenario_free(s);

    s = load_protocol("{ plugin: /opt/x/n.so }", "t.yaml");
    assert_int_equal(s->protocol.origin, DSLAB_PROTOCOL_PLUGIN);
    assert_string_equal(s->protocol.code_path, "/opt/x/n.so");
    assert_string_equal(s->protocol.name, "n.so");
    dslab_scenario_free(s);

    s = load_protocol("{ name: raft }", "a/t.yaml");
    assert_int_equal(s->protocol.origin, DSLAB_PROTOCOL_BUILTIN);
    assert_string_equal(s->protocol.code_path, "");
    dslab_scenario_free(s);
}

static void test_path_too_long(void **unused) {
    (void)unused;
    char text[2048];
    char longname[DSLAB_CODE_PATH_MAX + 1];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    snprintf(text, sizeof text, "name: t\nduration: 1s\nnodes: 3\nprotocol: { source: %s }\n", longname);
    struct dslab_diag d;
    assert_null(load(text, "t.yaml", &d));
    assert_non_null(strstr(d.message, "is too long"));
    assert_int_equal(d.line, 4);
}

static void test_sim_create_refuses_without_enable(void **unused) {
    (void)unused;
    struct dslab_scenario *s = load_protocol("{ source: n.c }", "t.yaml");
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create(s, 1, &d);
    assert_null(sim);
    assert_non_null(strstr(d.message, "does not load node code from files"));
    assert_int_equal(d.line, 4);
    assert_int_equal(d.col, 21);
    dslab_scenario_free(s);
}

static void test_save_writes_absolute_path(void **unused) {
    (void)unused;
    struct dslab_scenario *s = load_protocol("{ source: sub/n.c, k: 1 }", "t.yaml");
    struct dslab_scenario *back = h_save_reload(s);
    char cwd[400], want[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(want, sizeof want, "%s/sub/n.c", cwd);
    assert_int_equal(back->protocol.origin, DSLAB_PROTOCOL_SOURCE);
    assert_string_equal(back->protocol.code_path, want);
    assert_int_equal(back->protocol.params_count, 1);
    dslab_scenario_free(back);
    dslab_scenario_free(s);
}

/* Writes `len` bytes to a temporary file and runs the import check. */
static int check_bytes(const unsigned char *data, size_t len) {
    char path[] = "/tmp/dslab_test_elf_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct node_code_where w = {"t.yaml", 4, 21, "x.so"};
    int rc = elf_check_imports(path, &w, &d);
    char names[64];
    int statics = 0;
    (void)elf_find_statics(path, names, sizeof names, &statics);
    assert_true(statics >= 0);
    unlink(path);
    if (rc != 0) assert_true(d.message[0] != '\0');
    return rc;
}

static void test_elf_check_survives_damage(void **unused) {
    (void)unused;
    char *data = NULL;
    size_t len = 0;
    /* A real ELF file: this test's own executable. */
    assert_int_equal(nodes_read_file("/proc/self/exe", 64u << 20, &data, &len), 0);
    assert_true(len > 4096);
    unsigned char *copy = malloc(len);
    assert_non_null(copy);
    /* Prefixes: the header, the section table cut at every 64 bytes. */
    int refused = 0;
    for (size_t cut = 0; cut < 4096; cut += 7) refused += check_bytes((unsigned char *)data, cut) != 0;
    assert_int_equal(refused, (4096 + 6) / 7); /* a prefix has no section table */
    /* Corrupted copies: bytes of the ELF and section headers overwritten. */
    const unsigned char hostile[] = {0x00, 0xff, 0x7f, 0x80, 0x01};
    uint64_t shoff;
    memcpy(&shoff, data + 0x28, sizeof shoff);
    for (int i = 0; i < 400; i++) {
        memcpy(copy, data, len);
        size_t at = i < 64 ? (size_t)i : (size_t)(shoff + (uint64_t)(i - 64) * 5) % len;
        copy[at] = hostile[i % 5];
        (void)check_bytes(copy, len);
    }
    free(copy);
    free(data);
}

H_MAIN(cmocka_unit_test(test_source_path_joins_scenario_dir),
       cmocka_unit_test(test_path_too_long),
       cmocka_unit_test(test_sim_create_refuses_without_enable),
       cmocka_unit_test(test_save_writes_absolute_path),
       cmocka_unit_test(test_elf_check_survives_damage))
