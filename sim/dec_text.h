/* dec_text.h (private to the library): integers in decimal, written by
 * hand where snprintf's cost shows (the trace formatter, trace_write.c,
 * and message labels on the traced hot path): the digit count first, then
 * the digits four at a time from the last, straight into the destination.
 * Writes exactly the digits (and a '-'), no NUL, nothing past them. (Eight
 * digits at a time in one 64-bit word measured no faster on the trace.) */
#ifndef DSLAB_DEC_TEXT_H
#define DSLAB_DEC_TEXT_H

#include <stdint.h>
#include <string.h>

/* Inlined even where the compiler's size heuristics would not: a call's
 * register saves cost about as much as a short number's digits. */
#if defined(__GNUC__)
#define DEC_INLINE static inline __attribute__((always_inline))
#else
#define DEC_INLINE static inline
#endif

/* The most bytes dec_put_i64 writes: a sign and 19 digits (20 unsigned). */
#define DEC_TEXT_MAX_BYTES 20

/* Digits of v in decimal (1 for 0): floor(log10) from the bit length
 * (1233 / 4096 is just over log10(2)), then one comparison corrects it. */
static inline unsigned dec_digits(uint64_t v) {
    static const uint64_t pow10[20] = {1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
                                       100000000u, 1000000000u, 10000000000u, 100000000000u,
                                       1000000000000u, 10000000000000u, 100000000000000u,
                                       1000000000000000u, 10000000000000000u, 100000000000000000u,
                                       1000000000000000000u, 10000000000000000000u};
    /* v | 1 has as many digits as v (no power of ten but 1 is odd) and is not 0. */
    v |= 1u;
    unsigned bits = 64u - (unsigned)__builtin_clzll(v);
    unsigned t = (bits * 1233u) >> 12; /* 0..19 */
    return t + 1u - (v < pow10[t]);
}

/* v's digits at p; returns the end. Four digits a turn (two pairs from
 * the table), 32-bit arithmetic once v fits. */
DEC_INLINE char *dec_put_u64(char *p, uint64_t v) {
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                   "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                   "8081828384858687888990919293949596979899";
    char *end = p + dec_digits(v), *q = end;
    while (v > UINT32_MAX) {
        uint64_t t = v / 10000;
        uint32_t r = (uint32_t)(v - t * 10000), hi = r / 100;
        q -= 4;
        memcpy(q, pairs + 2 * hi, 2);
        memcpy(q + 2, pairs + 2 * (r - hi * 100), 2);
        v = t;
    }
    uint32_t w = (uint32_t)v;
    while (w >= 10000) {
        uint32_t t = w / 10000, r = w - t * 10000, hi = r / 100;
        q -= 4;
        memcpy(q, pairs + 2 * hi, 2);
        memcpy(q + 2, pairs + 2 * (r - hi * 100), 2);
        w = t;
    }
    if (w >= 100) {
        uint32_t t = w / 100;
        q -= 2;
        memcpy(q, pairs + 2 * (w - t * 100), 2);
        w = t;
    }
    if (w >= 10) {
        memcpy(q - 2, pairs + 2 * w, 2);
    } else {
        q[-1] = (char)('0' + w);
    }
    return end;
}

DEC_INLINE char *dec_put_i64(char *p, int64_t v) {
    if (v >= 0) return dec_put_u64(p, (uint64_t)v);
    *p++ = '-';
    return dec_put_u64(p, (uint64_t)0 - (uint64_t)v); /* INT64_MIN too */
}

#endif
