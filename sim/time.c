/* time.c: formatting simulated times and durations (integer math only). */
#include "dslab/time.h"

#include <inttypes.h>
#include <stdio.h>

char *dslab_time_format_s(int64_t t_ns, char *buf, int buf_size) {
    const char *sign = t_ns < 0 ? "-" : "";
    uint64_t abs_ns = t_ns < 0 ? (uint64_t)0 - (uint64_t)t_ns : (uint64_t)t_ns;
    uint64_t us = abs_ns / 1000u;
    snprintf(buf, (size_t)buf_size, "%s%" PRIu64 ".%06" PRIu64 "s", sign, us / 1000000u,
             us % 1000000u);
    return buf;
}

char *dslab_time_format_duration(int64_t d_ns, char *buf, int buf_size) {
    static const struct { int64_t ns; const char *unit; } units[] = {
        {INT64_C(3600000000000), "h"}, {INT64_C(60000000000), "m"}, {DSLAB_NS_PER_S, "s"},
        {DSLAB_NS_PER_MS, "ms"}, {DSLAB_NS_PER_US, "us"}, {1, "ns"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (d_ns != 0 && d_ns % units[i].ns == 0) {
            snprintf(buf, (size_t)buf_size, "%" PRId64 "%s", d_ns / units[i].ns, units[i].unit);
            return buf;
        }
    }
    snprintf(buf, (size_t)buf_size, "0s");
    return buf;
}

char *dslab_time_format_human(int64_t d_ns, char *buf, int buf_size) {
    static const struct { int64_t ns; const char *unit; } units[] = {
        {DSLAB_NS_PER_S, "s"}, {DSLAB_NS_PER_MS, "ms"}, {DSLAB_NS_PER_US, "us"},
    };
    uint64_t abs_ns = d_ns < 0 ? (uint64_t)0 - (uint64_t)d_ns : (uint64_t)d_ns;
    const char *sign = d_ns < 0 ? "-" : "";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t unit = (uint64_t)units[i].ns;
        if (abs_ns < unit) continue;
        /* three decimals, trailing zeros trimmed */
        uint64_t milli = (abs_ns * 1000u + unit / 2) / unit;
        char frac[8];
        snprintf(frac, sizeof frac, "%03u", (unsigned)(milli % 1000u));
        for (int k = 2; k >= 0 && frac[k] == '0'; k--) frac[k] = 0;
        snprintf(buf, (size_t)buf_size, "%s%llu%s%s%s", sign, (unsigned long long)(milli / 1000u),
                 frac[0] ? "." : "", frac, units[i].unit);
        return buf;
    }
    snprintf(buf, (size_t)buf_size, "%s%lluns", sign, (unsigned long long)abs_ns);
    return buf;
}
