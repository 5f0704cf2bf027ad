/* assert.h: DSLAB_ASSERT, the invariant check that is never compiled out.
 *
 * The simulator's invariants (time never goes back, epochs and fencing
 * tokens only grow, a logged decision never changes, ...) are stated as
 * DSLAB_ASSERT(cond). Unlike assert(), it stays on in every build type,
 * Release included (NDEBUG has no effect; the CMake build also keeps plain
 * assert() on by dropping NDEBUG from every build type), because a learner runs the
 * Release build and a broken invariant must stop the run, not let it
 * print a verdict built on a corrupt state. On failure it prints
 *   FILE:LINE: dslab invariant violated: COND
 * to stderr and aborts (SIGABRT, exit status 134 from a shell).
 * Keep the condition cheap (a compare or two): asserts cost at most 5% of
 * the gossip benchmark (docs/ARCHITECTURE.md, "asserts are proofs").
 * Costlier checks (a whole heap, a whole log) go under
 * `if (DSLAB_ASSERT_EXPENSIVE)`, on only in Debug builds (CMake defines
 * DSLAB_EXPENSIVE_CHECKS there: the sanitizer and fuzz builds). */
#ifndef DSLAB_ASSERT_H
#define DSLAB_ASSERT_H

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Prints "file:line: dslab invariant violated: cond" and aborts. */
_Noreturn void dslab_assert_fail(const char *file, int line, const char *cond);

#define DSLAB_ASSERT(cond) \
    ((cond) ? (void)0 : dslab_assert_fail(__FILE__, __LINE__, #cond))

#ifdef DSLAB_EXPENSIVE_CHECKS
#define DSLAB_ASSERT_EXPENSIVE 1
#else
#define DSLAB_ASSERT_EXPENSIVE 0
#endif

#pragma GCC visibility pop

#endif
