/* test_assert.c: asserts are on in the build users run. DSLAB_ASSERT stops
 * the process with "file:line: dslab invariant violated: cond" on stderr
 * and SIGABRT; an invariant inside the library (the event queue popped
 * empty, time going back) fires the same way in this build type; and
 * plain assert() is live too (CMake drops NDEBUG in every build type).
 * Each case runs in a forked child whose stderr is captured. */
#include <stdint.h>
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dslab/assert.h"
#include "evq.h"
#include "harness.h"

/* Runs fn in a child; returns its signal (0 if it exited) and its stderr. */
static int run_child(void (*fn)(void), char *err, size_t err_size) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t got;
    while (len + 1 < err_size && (got = read(fds[0], err + len, err_size - 1 - len)) > 0) {
        len += (size_t)got;
    }
    err[len] = 0;
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void broken_invariant(void) {
    int one = 1;
    DSLAB_ASSERT(one == 2);
}

static void kept_invariant(void) {
    int one = 1;
    DSLAB_ASSERT(one == 1);
}

static void test_dslab_assert_prints_where_and_what_then_aborts(void **state) {
    (void)state;
    char err[512];
    assert_int_equal(run_child(broken_invariant, err, sizeof err), SIGABRT);
    assert_non_null(strstr(err, "test_assert.c:"));
    assert_non_null(strstr(err, ": dslab invariant violated: one == 2\n"));
    assert_int_equal(run_child(kept_invariant, err, sizeof err), 0);
    assert_string_equal(err, "");
}

/* The library's own invariant, compiled in its build type: popping an
 * empty queue, then scheduling before the last pop. */
static void pop_empty_queue(void) {
    struct evq q;
    if (evq_init(&q) != 0) _exit(3);
    int64_t at;
    (void)evq_pop(&q, &at);
}

static void schedule_in_the_past(void) {
    struct evq q;
    if (evq_init(&q) != 0) _exit(3);
    int64_t at;
    uint32_t a = evq_alloc(&q);
    evq_event(&q, a)->kind = EV_TIMER;
    evq_push(&q, 100, a);
    evq_release(&q, evq_pop(&q, &at));
    uint32_t b = evq_alloc(&q);
    evq_event(&q, b)->kind = EV_TIMER;
    evq_push(&q, 99, b); /* before the last pop: time would go back */
}

static void test_library_invariants_fire_in_this_build(void **state) {
    (void)state;
    char err[512];
    assert_int_equal(run_child(pop_empty_queue, err, sizeof err), SIGABRT);
    assert_non_null(strstr(err, "evq.h:")); /* evq_pop is inline in evq.h */
    assert_int_equal(run_child(schedule_in_the_past, err, sizeof err), SIGABRT);
    assert_non_null(strstr(err, "at_ns >= q->popped_ns"));
}

static void plain_assert_false(void) {
    int zero = 0;
    assert(zero == 1);
}

static void test_plain_assert_is_on(void **state) {
    (void)state;
#ifdef NDEBUG
    fail_msg("NDEBUG is defined: CMake must drop it in every build type");
#endif
    char err[512];
    assert_int_equal(run_child(plain_assert_false, err, sizeof err), SIGABRT);
    assert_non_null(strstr(err, "zero == 1"));
}

H_MAIN(cmocka_unit_test(test_dslab_assert_prints_where_and_what_then_aborts),
       cmocka_unit_test(test_library_invariants_fire_in_this_build),
       cmocka_unit_test(test_plain_assert_is_on))
