/* viz_costs.c: the time-cost models (the scenario's `costs:` section) as
 * the visualiser shows them at the displayed moment, read back from the
 * trace's `cost` records (docs/TRACE_FORMAT.md):
 *   - CPU: workers busy (services whose until_ns is ahead) and the queue
 *     length of the node's last cpu/cpu_queued/cpu_shed record; drawn as a
 *     bar of busy workers (green) and waiting entries (orange) under "cpu";
 *   - disk: syncs in flight (sync records still ahead): a "sync N" badge;
 *   - links: the node's messages still being serialised onto its links
 *     (wire records still ahead): a "tx N" badge;
 *   - GC-like pauses: a paused node whose pause came from costs.pauses is
 *     labelled "GC" (the cluster view already greys and hatches it);
 *   - late timers: the last one, in the inspector.
 * A crash forgets everything before it (the models drop it too). The scan
 * walks the node's cost records back from the displayed event, no further
 * than the longest record span before now, so a frame costs what is in
 * flight, not the length of the run. */
#include "viz_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"

static int32_t last_crash_ev(const struct recording *r, int32_t node, int32_t ev_count) {
    const struct ivec *st = &r->nodes[node].status;
    for (int32_t i = ivec_last_before(st, ev_count); i >= 0; i--) {
        if (r->events[st->v[i]].kind == DSLAB_TRACE_CRASH) return st->v[i];
    }
    return -1;
}

/* The queue length in a cpu record's text "busy=B queue=Q", or -1. */
static int32_t queue_of(const char *text) {
    const char *q = strstr(text, "queue=");
    return q ? (int32_t)strtol(q + 6, NULL, 10) : -1;
}

void rec_node_costs(const struct recording *r, int32_t node, int32_t ev_count, int64_t now_ns,
                    struct rec_costs *out) {
    memset(out, 0, sizeof *out);
    out->late_ns = out->late_at_ns = -1;
    if (node < 0 || node >= r->nodes_count) return;
    const struct ivec *c = &r->nodes[node].costs;
    int32_t crash = last_crash_ev(r, node, ev_count);
    /* Nothing older than the longest span is still in flight; a queue that
     * is not empty has a service started within it (so its last record is
     * newer); late timers are shown for a second. */
    int64_t span_ns = r->cost_span_ns_max > DSLAB_NS_PER_S ? r->cost_span_ns_max : DSLAB_NS_PER_S;
    int64_t horizon_ns = now_ns - span_ns;
    bool queue_known = false;
    for (int32_t i = ivec_last_before(c, ev_count); i >= 0 && c->v[i] > crash; i--) {
        const struct rec_event *e = &r->events[c->v[i]];
        if (e->t_ns < horizon_ns) break;
        const char *tag = rec_str(r, e->tag_off);
        out->any = true;
        bool ahead = e->b > now_ns;
        if (strncmp(tag, "cpu", 3) == 0) {
            out->cpu = true;
            if (!queue_known) {
                int32_t q = queue_of(rec_str(r, e->text_off));
                out->cpu_queue = q > 0 ? q : 0;
                queue_known = true;
            }
            if (strcmp(tag, "cpu") == 0 && ahead) out->cpu_busy++;
        } else if (strcmp(tag, "sync") == 0) {
            out->syncs += ahead;
        } else if (strcmp(tag, "wire") == 0) {
            out->wire += ahead;
        } else if (strcmp(tag, "gc") == 0) {
            if (ahead && e->t_ns <= now_ns) {
                out->gc = true;
                out->gc_until_ns = e->b;
            }
        } else if (strcmp(tag, "timer_late") == 0 && out->late_at_ns < 0) {
            out->late_ns = e->a;
            out->late_at_ns = e->t_ns;
        }
    }
}

/* One small rounded badge with text; returns its width. */
static float badge(struct viz_app *app, float x, float y, const char *label, struct rgba bg) {
    float s = app->lay.scale;
    float w = (float)text_width(&app->fonts, FONT_SMALL, label) + 8 * s;
    float h = (float)app->fonts.height[FONT_SMALL] + 2 * s;
    draw_round_rect(&app->draw, x, y, w, h, 3 * s, bg);
    text_draw(&app->fonts, &app->draw, FONT_SMALL, label, x + 4 * s, y + 1 * s, RGBA(0x10131a, 255), ALIGN_LEFT);
    return w;
}

struct frect render_node_costs(struct viz_app *app, int32_t node, float x, float y, float rad) {
    const struct viz_model *m = &app->model;
    struct frect none = {x, y, 0, 0};
    if (!m->scenario->node_costs) return none;
    struct rec_costs k;
    rec_node_costs(&m->rec, node, m->ev_count, m->now_ns, &k);
    float s = app->lay.scale;
    float left = x + rad * 1.3f + 4 * s, top = y - rad;
    float fh = (float)app->fonts.height[FONT_SMALL] + 4 * s;
    float right = left, top0 = top - 2 * s; /* the extent drawn, returned */
    const struct dslab_scenario_node_costs *c = &m->scenario->node_costs[node];
    if (c->cpu_on) {
        /* a bar of `workers` cells, then the queue: one cell per waiting entry
         * up to 12, the rest as a number */
        int32_t workers = c->cpu_workers;
        float cell = 6 * s, gap = 2 * s, bx = left;
        int32_t shown = workers < 8 ? workers : 8;
        for (int32_t i = 0; i < shown; i++) {
            int32_t busy_cells = workers <= 8 ? k.cpu_busy : (k.cpu_busy * 8 + workers - 1) / workers;
            draw_rect(&app->draw, bx, top, cell, cell * 1.6f, i < busy_cells ? COL_GREEN : COL_GRID);
            bx += cell + gap;
        }
        bx += 2 * gap;
        int32_t q = k.cpu_queue < 12 ? k.cpu_queue : 12;
        char label[32];
        snprintf(label, sizeof label, k.cpu_queue ? "q%d" : "cpu", (int)k.cpu_queue);
        /* Queue cells only as far as the panel's edge leaves room for the label. */
        float limit = app->lay.cluster.x + app->lay.cluster.w - 6 * s -
                      (float)text_width(&app->fonts, FONT_SMALL, label) - 2 * s;
        int32_t fit = (int32_t)((limit - bx) / (cell + gap));
        if (q > fit) q = fit > 0 ? fit : 0;
        for (int32_t i = 0; i < q; i++) {
            draw_rect(&app->draw, bx, top, cell, cell * 1.6f, COL_ORANGE);
            bx += cell + gap;
        }
        float tw = (float)text_draw(&app->fonts, &app->draw, FONT_SMALL, label, bx + 2 * s, top - 2 * s,
                                    k.cpu_queue ? COL_ORANGE : COL_TEXT_DIM, ALIGN_LEFT);
        if (bx + 2 * s + tw > right) right = bx + 2 * s + tw;
        top += fh;
    }
    float bx = left;
    char label[32];
    if (k.syncs > 0) {
        snprintf(label, sizeof label, "sync %d", (int)k.syncs);
        bx += badge(app, bx, top, label, COL_SKY) + 3 * s;
    }
    if (k.wire > 0) {
        snprintf(label, sizeof label, "tx %d", (int)k.wire);
        bx += badge(app, bx, top, label, COL_PURPLE) + 3 * s;
    }
    if (k.gc) bx += badge(app, bx, top, "GC", COL_YELLOW);
    if (bx > right) right = bx;
    float bottom = bx > left ? top + (float)app->fonts.height[FONT_SMALL] + 2 * s : top;
    if (right <= left) return none;
    return (struct frect){left, top0, right - left, bottom - top0};
}

void viz_costs_lines(const struct viz_app *app, int32_t node, struct viz_costs_lines *out) {
    const struct viz_model *m = &app->model;
    out->count = 0;
    if (!m->scenario->node_costs) return;
    const struct dslab_scenario_node_costs *c = &m->scenario->node_costs[node];
    struct rec_costs k;
    rec_node_costs(&m->rec, node, m->ev_count, m->now_ns, &k);
    char t[48];
    if (c->cpu_on) {
        snprintf(out->key[out->count], sizeof out->key[0], "cpu");
        snprintf(out->value[out->count++], sizeof out->value[0], "%d of %d workers busy, %d waiting",
                 (int)k.cpu_busy, (int)c->cpu_workers, (int)k.cpu_queue);
    }
    if (c->disk_on) {
        snprintf(out->key[out->count], sizeof out->key[0], "disk");
        snprintf(out->value[out->count++], sizeof out->value[0], "%d syncs in flight", (int)k.syncs);
    }
    if (c->link_on) {
        snprintf(out->key[out->count], sizeof out->key[0], "links");
        snprintf(out->value[out->count++], sizeof out->value[0], "%d messages being sent", (int)k.wire);
    }
    if (c->pause_on) {
        snprintf(out->key[out->count], sizeof out->key[0], "GC");
        if (k.gc) {
            fmt_time(k.gc_until_ns, t, sizeof t);
            snprintf(out->value[out->count++], sizeof out->value[0], "paused until %s", t);
        } else {
            snprintf(out->value[out->count++], sizeof out->value[0], "running");
        }
    }
    if (c->timer_on) {
        snprintf(out->key[out->count], sizeof out->key[0], "late timer");
        if (k.late_at_ns >= 0) {
            char d[32];
            dslab_time_format_human(k.late_ns, d, sizeof d);
            fmt_time(k.late_at_ns, t, sizeof t);
            snprintf(out->value[out->count++], sizeof out->value[0], "+%s at %s", d, t);
        } else {
            snprintf(out->value[out->count++], sizeof out->value[0], "none lately");
        }
    }
}
