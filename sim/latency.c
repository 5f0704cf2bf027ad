/* latency.c: latency distributions: parse, format, sample (see latency.h).
 *
 * Sampling is on the simulator's hot path: no allocation, a switch per
 * call, doubles turned into integer nanoseconds at once (truncated, then
 * clamped to [0, DSLAB_LATENCY_NS_MAX]). Random draws per call, by kind; a
 * caller's stream position depends on this, so it is part of the contract:
 *   constant     0 draws
 *   uniform      1 draw   dslab_rng_range_i64(min, max)
 *   normal       2 draws  Box-Muller, dslab_rng_unit() twice; negative -> 0
 *   exponential  1 draw   -mean * log(1 - u) + shift
 *   lognormal    2 draws  median * exp(sigma * z) + shift, z by Box-Muller
 *   pareto       1 draw   scale / pow(1 - u, 1 / alpha)
 *   mixture      1 draw   dslab_rng_below(1000000) picks a component by weight,
 *                         then that component's draws
 * log/exp/pow/cos come from detmath.c, not libm, so every machine draws the
 * same nanoseconds. sqrt is exact in IEEE 754 and stays libm's.
 * Parsing reads durations with the exact scenario parsers (units.c). */
#include "dslab/latency.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detmath.h"
#include "dslab/suggest.h"
#include "dslab/time.h"
#include "scenario/units.h"

#define TWO_PI 6.283185307179586

/* ---- sampling ------------------------------------------------------------ */

static int64_t ns_from_double(double x) {
    if (!(x > 0.0)) return 0; /* also NaN */
    if (x >= (double)DSLAB_LATENCY_NS_MAX) return DSLAB_LATENCY_NS_MAX;
    return (int64_t)x;
}

static double standard_normal(struct dslab_rng *r) {
    double u1 = dslab_rng_unit(r), u2 = dslab_rng_unit(r);
    return sqrt(-2.0 * det_log(1.0 - u1)) * det_cos(TWO_PI * u2);
}

static int64_t sample_simple(const struct dslab_latency_simple *d, struct dslab_rng *r) {
    switch (d->kind) {
    case DSLAB_LATENCY_CONSTANT: return d->a_ns;
    case DSLAB_LATENCY_UNIFORM: return dslab_rng_range_i64(r, d->a_ns, d->b_ns);
    case DSLAB_LATENCY_NORMAL:
        return ns_from_double((double)d->a_ns + (double)d->b_ns * standard_normal(r));
    case DSLAB_LATENCY_EXPONENTIAL:
        return ns_from_double(-(double)d->a_ns * det_log(1.0 - dslab_rng_unit(r)) + (double)d->b_ns);
    case DSLAB_LATENCY_LOGNORMAL:
        return ns_from_double((double)d->a_ns * det_exp(d->shape * standard_normal(r)) +
                              (double)d->b_ns);
    case DSLAB_LATENCY_PARETO:
        return ns_from_double((double)d->a_ns / det_pow(1.0 - dslab_rng_unit(r), 1.0 / d->shape));
    case DSLAB_LATENCY_MIXTURE: break;
    }
    return 0;
}

int64_t dslab_latency_sample_ns(const struct dslab_latency_dist *d, struct dslab_rng *r) {
    if (d->kind != DSLAB_LATENCY_MIXTURE) return sample_simple(&d->simple, r);
    uint32_t pick = (uint32_t)dslab_rng_below(r, 1000000u);
    int i = 0;
    while (i < d->components_count - 1 && pick >= d->weights_ppm[i]) {
        pick -= d->weights_ppm[i];
        i++;
    }
    return sample_simple(&d->components[i], r);
}

static double mean_simple(const struct dslab_latency_simple *d) {
    switch (d->kind) {
    case DSLAB_LATENCY_CONSTANT:
    case DSLAB_LATENCY_NORMAL: return (double)d->a_ns;
    case DSLAB_LATENCY_UNIFORM: return ((double)d->a_ns + (double)d->b_ns) / 2.0;
    case DSLAB_LATENCY_EXPONENTIAL: return (double)d->a_ns + (double)d->b_ns;
    case DSLAB_LATENCY_LOGNORMAL:
        return (double)d->a_ns * det_exp(d->shape * d->shape / 2.0) + (double)d->b_ns;
    case DSLAB_LATENCY_PARETO:
        return d->shape > 1.0 ? d->shape * (double)d->a_ns / (d->shape - 1.0)
                              : (double)DSLAB_LATENCY_NS_MAX;
    case DSLAB_LATENCY_MIXTURE: break;
    }
    return 0.0;
}

int64_t dslab_latency_mean_ns(const struct dslab_latency_dist *d) {
    if (d->kind != DSLAB_LATENCY_MIXTURE) return ns_from_double(mean_simple(&d->simple));
    double sum = 0.0;
    for (int i = 0; i < d->components_count; i++) {
        sum += mean_simple(&d->components[i]) * ((double)d->weights_ppm[i] / 1e6);
    }
    return ns_from_double(sum);
}

/* ---- parsing ------------------------------------------------------------- */

struct kind_info {
    const char *name;
    enum dslab_latency_kind kind;
    int args_min, args_max;
    const char *args_help;
    /* per argument: 'd' duration, 's' shape */
    const char *arg_types;
};

static const struct kind_info kinds[] = {
    {"constant", DSLAB_LATENCY_CONSTANT, 1, 1, "(delay)", "d"},
    {"uniform", DSLAB_LATENCY_UNIFORM, 2, 2, "(min, max)", "dd"},
    {"normal", DSLAB_LATENCY_NORMAL, 2, 2, "(mean, stddev)", "dd"},
    {"exponential", DSLAB_LATENCY_EXPONENTIAL, 1, 2, "(mean[, shift])", "dd"},
    {"lognormal", DSLAB_LATENCY_LOGNORMAL, 2, 3, "(median, sigma[, shift])", "dsd"},
    {"pareto", DSLAB_LATENCY_PARETO, 2, 2, "(scale, alpha)", "ds"},
};
#define KINDS_COUNT ((int)(sizeof kinds / sizeof kinds[0]))

struct lparser {
    const char *text;
    int pos;
    char *err;
    int err_size;
    int *err_offset;
    bool in_mix; /* parsing the components of a mix(...) */
};

static int lfail(struct lparser *p, int offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int lfail(struct lparser *p, int offset, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, (size_t)p->err_size, fmt, ap);
    va_end(ap);
    if (p->err_offset) *p->err_offset = offset;
    return -1;
}

static void skip_ws(struct lparser *p) {
    while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t') p->pos++;
}

/* Reads a token up to whitespace, ',', '(' or ')' into buf. Returns its length. */
static int read_token(struct lparser *p, char *buf, int buf_size) {
    int n = 0;
    while (p->text[p->pos] && !strchr(" \t,()", p->text[p->pos])) {
        if (n < buf_size - 1) buf[n++] = p->text[p->pos];
        p->pos++;
    }
    buf[n] = '\0';
    return n;
}

static int parse_duration_arg(struct lparser *p, const char *tok, int offset, int64_t *out) {
    char err[DSLAB_UNITS_ERR_MAX];
    if (dslab_units_parse_duration_ns(tok, false, out, err, (int)sizeof err) < 0) {
        return lfail(p, offset, "%s", err);
    }
    if (*out > DSLAB_LATENCY_NS_MAX) {
        return lfail(p, offset, "latency '%s' is more than 1h (DSLAB_LATENCY_NS_MAX)", tok);
    }
    return 0;
}

static int parse_shape_arg(struct lparser *p, const char *tok, int offset, double *out) {
    char *end = NULL;
    bool digits_only = tok[0] != '\0';
    for (const char *c = tok; *c; c++) {
        if (!isdigit((unsigned char)*c) && *c != '.') digits_only = false;
    }
    double v = digits_only ? strtod(tok, &end) : 0.0;
    if (!digits_only || *end != '\0' || !(v > 0.0) || v > 100.0) {
        return lfail(p, offset, "expected a number above 0 and at most 100 like 1.5, got '%s'",
                     tok);
    }
    *out = v;
    return 0;
}

static const struct kind_info *kind_lookup(struct lparser *p, const char *word, int offset) {
    for (int i = 0; i < KINDS_COUNT; i++) {
        if (strcmp(kinds[i].name, word) == 0) return &kinds[i];
    }
    if (strcmp(word, "mix") == 0) { /* "mix" is not a simple kind: say why it is here */
        lfail(p, offset, "%s",
              p->in_mix ? "a mix cannot contain another mix: list every component in one "
                          "mix(WEIGHT DIST, ...)"
                        : "write a mix as mix(WEIGHT DIST, ...), with '(' right after 'mix'");
        return NULL;
    }
    const char *names[KINDS_COUNT + 1];
    for (int i = 0; i < KINDS_COUNT; i++) names[i] = kinds[i].name;
    names[KINDS_COUNT] = "mix";
    const char *near = dslab_suggest_nearest(word, names, KINDS_COUNT + 1);
    if (near) {
        lfail(p, offset, "unknown latency distribution '%s' (did you mean '%s'?)", word, near);
    } else {
        lfail(p, offset,
              "unknown latency distribution '%s' (expected one of: constant, uniform, normal, "
              "exponential, lognormal, pareto, mix)",
              word);
    }
    return NULL;
}

/* simple := DURATION | NAME '(' arg (',' arg)* ')' */
static int parse_simple(struct lparser *p, struct dslab_latency_simple *out) {
    char tok[64];
    skip_ws(p);
    int start = p->pos;
    read_token(p, tok, (int)sizeof tok);
    memset(out, 0, sizeof *out);
    skip_ws(p);
    if (p->text[p->pos] != '(') {
        if (tok[0] == '\0' || isalpha((unsigned char)tok[0])) {
            return lfail(p, start, "expected a latency like uniform(1ms, 5ms) or 5ms, got '%s'",
                         p->text + start);
        }
        out->kind = DSLAB_LATENCY_CONSTANT;
        return parse_duration_arg(p, tok, start, &out->a_ns);
    }
    const struct kind_info *k = kind_lookup(p, tok, start);
    if (!k) return -1;
    out->kind = k->kind;
    p->pos++; /* '(' */
    int n = 0;
    for (;;) {
        char arg[64];
        skip_ws(p);
        int arg_start = p->pos;
        read_token(p, arg, (int)sizeof arg);
        skip_ws(p);
        if (n == k->args_max || arg[0] == '\0') {
            return lfail(p, arg_start, "%s takes %s, got %s", k->name, k->args_help,
                         arg[0] ? "more arguments" : "an empty argument");
        }
        int64_t *slot = n == 0 ? &out->a_ns : &out->b_ns;
        int rc = k->arg_types[n] == 's' ? parse_shape_arg(p, arg, arg_start, &out->shape)
                                        : parse_duration_arg(p, arg, arg_start, slot);
        if (rc < 0) return -1;
        n++;
        if (p->text[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->text[p->pos] == ')') break;
        return lfail(p, p->pos, "expected ',' or ')' in %s%s", k->name, k->args_help);
    }
    if (n < k->args_min) {
        return lfail(p, start, "%s takes %s, got %d argument%s", k->name, k->args_help, n,
                     n == 1 ? "" : "s");
    }
    p->pos++; /* ')' */
    if (k->kind == DSLAB_LATENCY_UNIFORM && out->a_ns > out->b_ns) {
        return lfail(p, start, "uniform(min, max): min is more than max");
    }
    return 0;
}

/* mixture := 'mix(' WEIGHT simple (',' WEIGHT simple)* ')' */
static int parse_mixture(struct lparser *p, struct dslab_latency_dist *out) {
    int start = p->pos;
    p->pos += 4; /* "mix(" */
    p->in_mix = true;
    uint64_t sum_ppm = 0;
    for (;;) {
        char tok[64], err[DSLAB_UNITS_ERR_MAX];
        skip_ws(p);
        int w_start = p->pos;
        read_token(p, tok, (int)sizeof tok);
        uint32_t ppm;
        if (units_parse_probability_ppm(tok, &ppm, err, (int)sizeof err) < 0) {
            return lfail(p, w_start, "mix weight: %s", err);
        }
        if (out->components_count == DSLAB_LATENCY_MIX_MAX) {
            return lfail(p, w_start, "a mix has at most %d components", DSLAB_LATENCY_MIX_MAX);
        }
        int i = out->components_count++;
        out->weights_ppm[i] = ppm;
        sum_ppm += ppm;
        if (parse_simple(p, &out->components[i]) < 0) return -1;
        skip_ws(p);
        if (p->text[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->text[p->pos] == ')') break;
        return lfail(p, p->pos, "expected ',' or ')' in mix(WEIGHT DIST, ...)");
    }
    p->pos++;
    if (sum_ppm != 1000000u) {
        char sum[32];
        units_format_ppm(sum_ppm, sum, (int)sizeof sum);
        return lfail(p, start, "mix weights add up to %s; they must add up to 1", sum);
    }
    return 0;
}

int dslab_latency_parse(const char *text, struct dslab_latency_dist *out, char *err, int err_size,
                  int *err_offset) {
    struct lparser p = {text, 0, err, err_size, err_offset, false};
    memset(out, 0, sizeof *out);
    skip_ws(&p);
    int rc;
    if (strncmp(text + p.pos, "mix(", 4) == 0) {
        out->kind = DSLAB_LATENCY_MIXTURE;
        rc = parse_mixture(&p, out);
    } else {
        rc = parse_simple(&p, &out->simple);
        out->kind = out->simple.kind;
    }
    if (rc < 0) return -1;
    skip_ws(&p);
    if (text[p.pos] != '\0') {
        return lfail(&p, p.pos, "unexpected '%s' after the latency", text + p.pos);
    }
    return 0;
}

/* ---- formatting ---------------------------------------------------------- */

static void format_shape(double v, char *buf, int buf_size) {
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, (size_t)buf_size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

static int format_simple(const struct dslab_latency_simple *d, char *buf, int buf_size) {
    char a[32], b[32], s[32];
    dslab_time_format_duration(d->a_ns, a, (int)sizeof a);
    dslab_time_format_duration(d->b_ns, b, (int)sizeof b);
    format_shape(d->shape, s, (int)sizeof s);
    switch (d->kind) {
    case DSLAB_LATENCY_CONSTANT: return snprintf(buf, (size_t)buf_size, "constant(%s)", a);
    case DSLAB_LATENCY_UNIFORM: return snprintf(buf, (size_t)buf_size, "uniform(%s, %s)", a, b);
    case DSLAB_LATENCY_NORMAL: return snprintf(buf, (size_t)buf_size, "normal(%s, %s)", a, b);
    case DSLAB_LATENCY_EXPONENTIAL:
        if (d->b_ns == 0) return snprintf(buf, (size_t)buf_size, "exponential(%s)", a);
        return snprintf(buf, (size_t)buf_size, "exponential(%s, %s)", a, b);
    case DSLAB_LATENCY_LOGNORMAL:
        if (d->b_ns == 0) return snprintf(buf, (size_t)buf_size, "lognormal(%s, %s)", a, s);
        return snprintf(buf, (size_t)buf_size, "lognormal(%s, %s, %s)", a, s, b);
    case DSLAB_LATENCY_PARETO: return snprintf(buf, (size_t)buf_size, "pareto(%s, %s)", a, s);
    case DSLAB_LATENCY_MIXTURE: break;
    }
    return snprintf(buf, (size_t)buf_size, "?");
}

void dslab_latency_format(const struct dslab_latency_dist *d, char *buf, int buf_size) {
    if (buf_size <= 0) return;
    if (d->kind != DSLAB_LATENCY_MIXTURE) {
        format_simple(&d->simple, buf, buf_size);
        return;
    }
    int used = snprintf(buf, (size_t)buf_size, "mix(");
    for (int i = 0; i < d->components_count && used < buf_size; i++) {
        char w[32], c[128];
        units_format_ppm(d->weights_ppm[i], w, (int)sizeof w);
        format_simple(&d->components[i], c, (int)sizeof c);
        used += snprintf(buf + used, (size_t)(buf_size - used), "%s%s %s", i ? ", " : "", w, c);
    }
    if (used < buf_size) snprintf(buf + used, (size_t)(buf_size - used), ")");
}
