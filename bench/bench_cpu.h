/* bench_cpu.h: CPU seconds this process has used (user + system), for the
 * core benchmarks' rates. On a shared machine wall time includes the time
 * spent waiting for a core; CPU time does not, so the dslab / plain loop
 * ratio stays meaningful when other jobs run. */
#ifndef DSLAB_BENCH_CPU_H
#define DSLAB_BENCH_CPU_H

#include <sys/resource.h>

static inline double bench_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

#endif
