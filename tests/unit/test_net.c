/* test_net.c: sim/net.c against a plain reference model.
 *
 * The network keeps partitions as a shape (group ids, the majorities ring)
 * plus single-link exceptions, and link overrides behind a hash index. The
 * reference here is what the code did before: a full N x N matrix rewritten
 * by every partition, and a linear list of overrides. A fixed-seed sequence
 * of random operations (partitions of every shape, cuts, heals, heal-all,
 * overrides) must give the same answer for every link after every step.
 * A timing test checks that the costs are the new ones: 2,000 partitions at
 * 10,000 nodes and 20,000 overrides finish in well under a second each
 * (before: 0.34 s per partition, a linear scan per lookup). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/host_clock.h"
#include "net.h"
#include "harness.h"

#define N 23

struct ref {
    bool blocked[N][N];
    struct net_override list[4 * N * N];
    int count;
};

static uint64_t next_rand(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void ref_override(struct ref *r, int32_t from, int32_t to, uint32_t fields,
                         const struct dslab_link_params *link) {
    for (int i = 0; i < r->count; i++) {
        struct net_override *o = &r->list[i];
        if (o->from == from && o->to == to) {
            o->fields |= fields;
            if (fields & DSLAB_LINK_FIELD_LATENCY) o->link.latency = link->latency;
            if (fields & DSLAB_LINK_FIELD_LOSS) o->link.loss_ppm = link->loss_ppm;
            if (fields & DSLAB_LINK_FIELD_DUPLICATE) o->link.duplicate_ppm = link->duplicate_ppm;
            return;
        }
    }
    r->list[r->count++] = (struct net_override){from, to, fields, *link};
}

static void check_same(const struct net *n, const struct ref *r, int step) {
    for (int32_t i = 0; i < N; i++) {
        for (int32_t j = 0; j < N; j++) {
            if (net_blocked(n, i, j) != r->blocked[i][j]) {
                fail_msg("step %d: link %d -> %d: net says %d, reference %d", step, i, j,
                         net_blocked(n, i, j), r->blocked[i][j]);
            }
            struct dslab_link_params scratch, want = n->base;
            const struct dslab_link_params *got = net_link(n, i, j, &scratch);
            for (int k = 0; k < r->count; k++) {
                const struct net_override *o = &r->list[k];
                if (o->from != i || o->to != j) continue;
                if (o->fields & DSLAB_LINK_FIELD_LOSS) want.loss_ppm = o->link.loss_ppm;
                if (o->fields & DSLAB_LINK_FIELD_DUPLICATE) want.duplicate_ppm = o->link.duplicate_ppm;
            }
            assert_int_equal(got->loss_ppm, want.loss_ppm);
            assert_int_equal(got->duplicate_ppm, want.duplicate_ppm);
        }
    }
}

static void test_net_matches_the_matrix_model(void **state) {
    (void)state;
    struct dslab_scenario_network cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.link.loss_ppm = 7;
    struct net n;
    assert_int_equal(net_init(&n, N, &cfg), 0);
    static struct ref r;
    memset(&r, 0, sizeof r);
    uint64_t seed = 42;
    for (int step = 0; step < 4000; step++) {
        uint64_t op = next_rand(&seed) % 8;
        int32_t a = (int32_t)(next_rand(&seed) % N), b = (int32_t)(next_rand(&seed) % N);
        if (op == 0) { /* groups, with a bridge sometimes */
            int32_t group[N];
            int32_t groups = 1 + (int32_t)(next_rand(&seed) % 4);
            for (int i = 0; i < N; i++) group[i] = (int32_t)(next_rand(&seed) % (uint64_t)groups);
            if (next_rand(&seed) % 2) group[a] = NET_GROUP_ALL;
            assert_int_equal(net_set_groups(&n, group), 0);
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    r.blocked[i][j] = group[i] != group[j] && group[i] != NET_GROUP_ALL &&
                                      group[j] != NET_GROUP_ALL;
                }
            }
        } else if (op == 1) { /* the majorities ring */
            int32_t reach = (int32_t)(next_rand(&seed) % (N / 2 + 1));
            net_set_ring(&n, reach);
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    int d = abs(i - j);
                    if (N - d < d) d = N - d;
                    r.blocked[i][j] = d > reach;
                }
            }
        } else if (op == 2 || op == 3) { /* cut or heal one link */
            bool cut = op == 2;
            assert_int_equal(net_set_blocked(&n, a, b, cut), 0);
            r.blocked[a][b] = cut;
        } else if (op == 4 && next_rand(&seed) % 8 == 0) {
            net_heal_all(&n);
            memset(r.blocked, 0, sizeof r.blocked);
        } else if (op >= 5) { /* a link override of one or two fields */
            struct dslab_link_params link = cfg.link;
            link.loss_ppm = (uint32_t)(next_rand(&seed) % 1000000);
            link.duplicate_ppm = (uint32_t)(next_rand(&seed) % 1000);
            uint32_t fields = op == 5 ? DSLAB_LINK_FIELD_LOSS : op == 6 ? DSLAB_LINK_FIELD_DUPLICATE
                                                               : DSLAB_LINK_FIELD_LOSS | DSLAB_LINK_FIELD_DUPLICATE;
            assert_int_equal(net_override(&n, a, b, fields, &link), 0);
            ref_override(&r, a, b, fields, &link);
        }
        check_same(&n, &r, step);
    }
    assert_int_equal(n.overrides_count, r.count);
    net_deinit(&n);
}

static void test_partitions_and_overrides_are_cheap_at_scale(void **state) {
    (void)state;
    enum { BIG = 10000 };
    struct dslab_scenario_network cfg;
    memset(&cfg, 0, sizeof cfg);
    struct net n;
    assert_int_equal(net_init(&n, BIG, &cfg), 0);
    int32_t *group = calloc(BIG, sizeof *group);
    assert_non_null(group);
    double start = dslab_host_clock_s();
    for (int k = 0; k < 2000; k++) {
        if (k % 2) {
            net_set_ring(&n, BIG / 4 + k % 7);
        } else {
            for (int i = 0; i < BIG; i++) group[i] = (i + k) % 3;
            assert_int_equal(net_set_groups(&n, group), 0);
        }
    }
    double partitions_s = dslab_host_clock_s() - start;
    start = dslab_host_clock_s();
    struct dslab_link_params link = cfg.link;
    for (int i = 0; i < 20000; i++) {
        link.loss_ppm = (uint32_t)i;
        assert_int_equal(net_override(&n, i % BIG, (i * 7 + 1) % BIG, DSLAB_LINK_FIELD_LOSS, &link), 0);
    }
    uint64_t sum = 0;
    for (int i = 0; i < 1000000; i++) {
        struct dslab_link_params scratch;
        sum += net_link(&n, i % BIG, (i * 7 + 1) % BIG, &scratch)->loss_ppm;
    }
    double overrides_s = dslab_host_clock_s() - start;
    assert_true(sum > 0);
    print_message("2000 partitions at 10k nodes: %.3f s; 20k overrides + 1M lookups: %.3f s\n",
                  partitions_s, overrides_s);
    /* Generous bounds (a loaded machine, a sanitizer build): the old code
     * took about 700 s and 20 s here. */
    assert_true(partitions_s < 20.0);
    assert_true(overrides_s < 10.0);
    free(group);
    net_deinit(&n);
}

H_MAIN(cmocka_unit_test(test_net_matches_the_matrix_model),
       cmocka_unit_test(test_partitions_and_overrides_are_cheap_at_scale))
