/* host_clock.c: the host's monotonic clock for front ends and benchmarks
 * (dslab/host_clock.h), and for the deadlines of sim/nodes/ on learner
 * processes and the compiler. The simulation never calls it. */
#include "dslab/host_clock.h"

#include <time.h>

double dslab_host_clock_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
