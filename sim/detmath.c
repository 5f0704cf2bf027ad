/* detmath.c: series-based log and exp (see detmath.h). */
#include "detmath.h"

#include <math.h>

static const double LN2_HI = 6.93147180369123816490e-01; /* 0x3FE62E42FEE00000 */
static const double LN2_LO = 1.90821492927058770002e-10; /* 0x3DEA39EF35793C76 */
static const double SQRT_HALF = 0.70710678118654752440;

double det_log(double x) {
    if (!(x > 0)) return -1e308;
    int e;
    double m = frexp(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    if (m < SQRT_HALF) {
        m *= 2;
        e--;
    }
    /* log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.1716 */
    double s = (m - 1) / (m + 1);
    double s2 = s * s;
    double term = s;
    double sum = 0;
    for (int k = 1; k <= 41; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return (double)e * LN2_HI + ((double)e * LN2_LO + 2 * sum);
}

double det_exp(double x) {
    if (x < -700) return 0;
    if (x > 700) return 1e300;
    double kf = x / (LN2_HI + LN2_LO);
    int k = (int)(kf < 0 ? kf - 0.5 : kf + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO; /* |r| <= ~0.35 */
    double term = 1, sum = 1;
    for (int i = 1; i <= 20; i++) {
        term *= r / i;
        sum += term;
    }
    return ldexp(sum, k);
}

double det_pow(double a, double b) {
    return det_exp(b * det_log(a));
}

double det_cos(double x) {
    static const double TWO_PI = 6.28318530717958647692;
    static const double PI = 3.14159265358979323846;
    double k = x / TWO_PI;
    k = k < 0 ? (double)(long long)(k - 0.5) : (double)(long long)(k + 0.5);
    double r = x - k * TWO_PI; /* |r| <= pi */
    if (r > PI) r -= TWO_PI;
    if (r < -PI) r += TWO_PI;
    double r2 = r * r, term = 1, sum = 1;
    for (int i = 1; i <= 16; i++) {
        term *= -r2 / ((2 * i - 1) * (2 * i));
        sum += term;
    }
    return sum;
}
