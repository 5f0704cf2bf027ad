/* detmath.h: logarithm and exponential that give the same bits everywhere.
 *
 * libm's log/exp/pow may differ in the last bit between C libraries and
 * versions, which would make the same seed give a different run on another
 * machine. These use only +, -, *, / and frexp/ldexp, which IEEE 754 defines
 * exactly (and the build disables FMA contraction), so every machine gets
 * the same result. Accuracy: within a few ulp of the true value, far
 * finer than the nanosecond rounding that follows. Private to sim/. */
#ifndef DSLAB_DETMATH_H
#define DSLAB_DETMATH_H

/* Natural logarithm, x > 0 (returns -1e308 for x <= 0). */
double det_log(double x);
/* e^x; clamps to 0 below -700 and to 1e300 above 700. */
double det_exp(double x);
/* a^b for a > 0. */
double det_pow(double a, double b);
/* cos(x) for |x| <= 1e6 (range-reduced by 2*pi in double precision). */
double det_cos(double x);

#endif
