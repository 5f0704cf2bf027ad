/* test_mkdir_p.c: dslab_mkdir_p (dslab/outfile.h), the one mkdir -p of the
 * library and the front ends: nested directories with the given mode, an
 * existing directory is fine, a regular file in the way is ENOTDIR, a path
 * past DSLAB_OUTFILE_PATH_MAX is ENAMETOOLONG (never cut short). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dslab/outfile.h"
#include "harness.h"

static void make_base(char *base, size_t size) {
    h_tmp_template(base, size, "mkdir_p");
    assert_non_null(mkdtemp(base));
}

static void test_nested_with_mode(void **state) {
    (void)state;
    char base[256], dir[512];
    make_base(base, sizeof base);
    snprintf(dir, sizeof dir, "%s/a/b/c", base);
    assert_int_equal(dslab_mkdir_p(dir, 0700), 0);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777 & ~0700, 0); /* no more than asked (umask may take away) */
    assert_int_equal(dslab_mkdir_p(dir, 0700), 0); /* already there: fine */
    char parent[512];
    snprintf(parent, sizeof parent, "%s/a/b", base);
    assert_int_equal(rmdir(dir), 0);
    assert_int_equal(rmdir(parent), 0);
    snprintf(parent, sizeof parent, "%s/a", base);
    assert_int_equal(rmdir(parent), 0);
    assert_int_equal(rmdir(base), 0);
}

static void test_file_in_the_way(void **state) {
    (void)state;
    char base[256], file[512], below[600];
    make_base(base, sizeof base);
    snprintf(file, sizeof file, "%s/f", base);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    errno = 0;
    assert_int_equal(dslab_mkdir_p(file, 0755), -1);
    assert_int_equal(errno, ENOTDIR);
    snprintf(below, sizeof below, "%s/sub", file);
    assert_int_equal(dslab_mkdir_p(below, 0755), -1);
    assert_int_equal(unlink(file), 0);
    assert_int_equal(rmdir(base), 0);
}

static void test_too_long(void **state) {
    (void)state;
    char base[256];
    make_base(base, sizeof base); /* were the bound missed, junk stays in here */
    size_t base_len = strlen(base), len = DSLAB_OUTFILE_PATH_MAX + 10;
    char *path = malloc(len + 1);
    assert_non_null(path);
    memcpy(path, base, base_len);
    for (size_t i = base_len; i < len; i++) path[i] = (i - base_len) % 8 == 0 ? '/' : 'x';
    path[len] = 0;
    errno = 0;
    assert_int_equal(dslab_mkdir_p(path, 0755), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    assert_int_equal(rmdir(base), 0); /* empty: nothing was made */
    free(path);
}

H_MAIN(cmocka_unit_test(test_nested_with_mode), cmocka_unit_test(test_file_in_the_way),
       cmocka_unit_test(test_too_long))
