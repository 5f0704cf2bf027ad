/* test_viz_costs.c: the time-cost models in the visualiser (viz/viz_costs.c):
 * what rec_node_costs reads back from the recording (CPU workers busy and
 * queue length, disk syncs in flight, messages on the wire, a GC pause)
 * agrees at many moments with a brute-force pass over every cost record,
 * matches one moment checked by hand in the JSON trace, and the cluster
 * view draws the queue (orange cells beside the node). */

#include "dslab/time.h"
#include "viz_fixture.h"

/* Every model on; n3's GC pause ends at 0.394389431s with 30 entries behind
 * it. By hand from `dslab run --trace`: at 0.3955s n3's last cpu record is
 * "busy=2 queue=23" and two services end after 0.3955s. */
static const char scenario_text[] =
    "name: allcosts\nseed: 1\nduration: 1s\nnodes: 3\n"
    "network: { latency: \"uniform(1ms, 3ms)\" }\n"
    "protocol: { name: raft, heartbeat: 50ms }\n"
    "workload: { clients: 20, rate: 1500/s, ops: { read: 1, write: 1 } }\n"
    "costs:\n"
    "  disk: { write: 20us, sync: \"uniform(2ms, 8ms)\" }\n"
    "  timers: { delay: \"uniform(0ms, 1ms)\" }\n"
    "  pauses: { every: \"exponential(1s)\", length: \"uniform(50ms, 150ms)\" }\n"
    "  links: { bandwidth: 2Mbps }\n"
    "  cpu: { workers: 2, queue: 30, message: \"exponential(300us)\", request: \"exponential(1ms)\",\n"
    "         requests: { write: \"exponential(2ms)\" } }\n";

static int setup(void **state) { return viz_fixture_setup(state, scenario_text, "allcosts.yaml"); }

/* Every cost record of the node since its last crash, no horizon. */
static void brute(const struct recording *r, int32_t node, int32_t ev_count, int64_t now, struct rec_costs *k) {
    memset(k, 0, sizeof *k);
    for (int32_t i = 0; i < ev_count; i++) {
        const struct rec_event *e = &r->events[i];
        if (e->node != node) continue;
        if (e->kind == DSLAB_TRACE_CRASH) memset(k, 0, sizeof *k);
        if (e->kind != DSLAB_TRACE_COST) continue;
        const char *tag = rec_str(r, e->tag_off);
        if (strncmp(tag, "cpu", 3) == 0) {
            const char *q = strstr(rec_str(r, e->text_off), "queue=");
            k->cpu_queue = q ? atoi(q + 6) : -1;
        }
    }
    for (int32_t i = 0; i < ev_count; i++) {
        const struct rec_event *e = &r->events[i];
        if (e->node != node || e->kind != DSLAB_TRACE_COST || e->b <= now) continue;
        const char *tag = rec_str(r, e->tag_off);
        k->cpu_busy += strcmp(tag, "cpu") == 0;
        k->syncs += strcmp(tag, "sync") == 0;
        k->wire += strcmp(tag, "wire") == 0;
        k->gc |= strcmp(tag, "gc") == 0;
    }
}

static void test_read_back_agrees_with_every_record(void **state) {
    struct fixture *f = *state;
    struct viz_model *m = &f->app.model;
    int nonzero = 0;
    for (int64_t t = 0; t <= DSLAB_NS_PER_S; t += 7 * DSLAB_NS_PER_MS + 123457) {
        viz_app_seek(&f->app, t);
        for (int32_t n = 0; n < 3; n++) {
            struct rec_costs got, want;
            rec_node_costs(&m->rec, n, m->ev_count, m->now_ns, &got);
            brute(&m->rec, n, m->ev_count, m->now_ns, &want);
            if (got.cpu_busy != want.cpu_busy || got.cpu_queue != want.cpu_queue || got.syncs != want.syncs ||
                got.wire != want.wire || got.gc != want.gc) {
                fail_msg("n%d at %lld: busy %d/%d queue %d/%d syncs %d/%d wire %d/%d gc %d/%d", n + 1, (long long)t,
                         got.cpu_busy, want.cpu_busy, got.cpu_queue, want.cpu_queue, got.syncs, want.syncs,
                         got.wire, want.wire, got.gc, want.gc);
            }
            nonzero += got.cpu_queue > 0 && got.syncs > 0 && got.wire > 0;
        }
    }
    assert_true(nonzero > 3); /* the comparison saw every model busy at once */
}

static void test_hand_checked_moment_and_gc(void **state) {
    struct fixture *f = *state;
    struct viz_model *m = &f->app.model;
    struct rec_costs k;
    viz_app_seek(&f->app, 3955 * DSLAB_NS_PER_MS / 10);
    rec_node_costs(&m->rec, 2, m->ev_count, m->now_ns, &k);
    assert_int_equal(k.cpu_queue, 23);
    assert_int_equal(k.cpu_busy, 2);
    assert_false(k.gc);
    viz_app_seek(&f->app, 390 * DSLAB_NS_PER_MS); /* inside n3's GC pause */
    rec_node_costs(&m->rec, 2, m->ev_count, m->now_ns, &k);
    assert_true(k.gc);
    assert_int_equal(k.gc_until_ns, 394389431);
}

static int count_orange(struct fixture *f, float x0, float y0, float w, float h) {
    int n = 0;
    for (int y = (int)y0; y < (int)(y0 + h); y++) {
        for (int x = (int)x0; x < (int)(x0 + w); x++) {
            n += pixel(f, (float)x, (float)y) == 0xE69F00;
        }
    }
    return n;
}

static void test_queue_is_drawn_beside_the_node(void **state) {
    struct fixture *f = *state;
    float x, y, r;
    cluster_node_pos(&f->app, 2, &x, &y, &r);
    float s = f->app.lay.scale;
    viz_app_seek(&f->app, 3955 * DSLAB_NS_PER_MS / 10); /* queue 23: 12 cells */
    viz_app_render(&f->app);
    SDL_RenderFlush(f->ren);
    int busy = count_orange(f, x + r * 1.3f, y - r - 2 * s, 140 * s, 14 * s);
    viz_app_seek(&f->app, 50 * DSLAB_NS_PER_MS); /* early: nothing waits at n3 */
    struct rec_costs k;
    rec_node_costs(&f->app.model.rec, 2, f->app.model.ev_count, f->app.model.now_ns, &k);
    assert_int_equal(k.cpu_queue, 0);
    viz_app_render(&f->app);
    SDL_RenderFlush(f->ren);
    int idle = count_orange(f, x + r * 1.3f, y - r - 2 * s, 140 * s, 14 * s);
    assert_true(busy > 12 * 30); /* 12 cells of 6x9.6 px at scale 1 */
    assert_int_equal(idle, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_back_agrees_with_every_record),
        cmocka_unit_test(test_hand_checked_moment_and_gc),
        cmocka_unit_test(test_queue_is_drawn_beside_the_node),
    };
    return cmocka_run_group_tests(tests, setup, viz_fixture_teardown);
}
