/* viz_render_inspector.c: the inspector: details of what is selected (a
 * node, message, operation, event or violation), or a summary of the run
 * (checks, violations, counts) when nothing is. A selected node gets
 * buttons for game-day interventions; a violation lists its evidence
 * events, each clickable. */
#include "viz_internal.h"

#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

struct ins {
    struct viz_app *app;
    struct frect c;
    float y;
};

static void line_kv(struct ins *in, const char *k, const char *v, struct rgba vc) {
    struct fonts *fo = &in->app->fonts;
    float s = in->app->lay.scale;
    if (in->y + (float)fo->height[FONT_NORMAL] > in->c.y + in->c.h) return;
    text_draw(fo, &in->app->draw, FONT_SMALL, k, in->c.x, in->y + 1 * s, COL_TEXT_DIM, ALIGN_LEFT);
    bool numeric = (v[0] >= '0' && v[0] <= '9') || v[0] == '+' || v[0] == '-';
    text_draw_fit(fo, &in->app->draw, numeric ? FONT_MONO : FONT_NORMAL, v, in->c.x + 84 * s, in->y,
                  in->c.w - 84 * s, vc);
    in->y += (float)fo->height[FONT_NORMAL] + 3 * s;
}

static void heading(struct ins *in, const char *text, struct rgba c) {
    struct fonts *fo = &in->app->fonts;
    float s = in->app->lay.scale;
    text_draw_fit(fo, &in->app->draw, FONT_TITLE, text, in->c.x, in->y, in->c.w, c);
    in->y += (float)fo->height[FONT_TITLE] + 6 * s;
}

static void para(struct ins *in, const char *text, struct rgba c, int lines) {
    float s = in->app->lay.scale;
    in->y += (float)text_draw_wrapped(&in->app->fonts, &in->app->draw, FONT_SMALL, text, in->c.x,
                                      in->y, in->c.w, lines, c) + 4 * s;
}

static void button(struct ins *in, float *x, const char *label, int id) {
    struct fonts *fo = &in->app->fonts;
    float s = in->app->lay.scale;
    float w = (float)text_width(fo, FONT_SMALL, label) + 14 * s, h = (float)fo->height[FONT_SMALL] + 8 * s;
    if (*x + w > in->c.x + in->c.w) {
        *x = in->c.x;
        in->y += h + 5 * s;
    }
    draw_round_rect(&in->app->draw, *x, in->y, w, h, 4 * s, RGBA(0x3a4458, 255));
    text_draw(fo, &in->app->draw, FONT_SMALL, label, *x + 7 * s, in->y + 4 * s, COL_TEXT, ALIGN_LEFT);
    viz_app_hit(in->app, (struct frect){*x, in->y, w, h}, SEL_BUTTON, id);
    *x += w + 5 * s;
}

static void show_node(struct ins *in, int32_t node) {
    struct viz_model *m = &in->app->model;
    char buf[160], t[48];
    int64_t since;
    bool restarted;
    enum dslab_node_status st = rec_node_status(&m->rec, node, m->ev_count, &since, &restarted);
    snprintf(buf, sizeof buf, "Node %s", viz_model_node_name(m, node));
    heading(in, buf, COL_TEXT);
    const char *sts = st == DSLAB_NODE_CRASHED ? "crashed" : st == DSLAB_NODE_PAUSED ? "paused" : "up";
    if (since > 0) {
        fmt_time(since, t, sizeof t);
        snprintf(buf, sizeof buf, "%s since %s", restarted ? "restarted" : sts, t);
        line_kv(in, "status", buf, st == DSLAB_NODE_UP ? COL_TEXT : COL_VERMILLION);
    } else {
        line_kv(in, "status", sts, COL_TEXT);
    }
    const char *role = rec_node_role(&m->rec, node, m->ev_count);
    enum role_look look = role_look_of(rec_node_role_class(&m->rec, node, m->ev_count));
    line_kv(in, "role", *role ? role : "-", role_colour(look));
    int64_t term = rec_node_term(&m->rec, node, m->ev_count);
    snprintf(buf, sizeof buf, "%lld", (long long)term);
    line_kv(in, "term/epoch", term >= 0 ? buf : "-", COL_TEXT);
    if (m->cursor) {
        fmt_time(dslab_sim_node_wall_ns(m->cursor, node), t, sizeof t);
        line_kv(in, "wall clock", t, COL_ORANGE);
        fmt_time(dslab_sim_node_mono_ns(m->cursor, node), t, sizeof t);
        line_kv(in, "mono clock", t, COL_SKY);
        fmt_offset(dslab_sim_node_wall_ns(m->cursor, node) - m->now_ns, t, sizeof t);
        snprintf(buf, sizeof buf, "%s, drift %+lldppm", t, (long long)dslab_sim_node_drift_ppm(m->cursor, node));
        line_kv(in, "offset", buf, COL_TEXT);
    }
    int32_t sent = 0;
    const struct ivec *ms = &m->rec.nodes[node].msgs_sent;
    for (int32_t i = 0; i < ms->n && m->rec.msgs[ms->v[i]].send_ev < m->ev_count; i++) sent++;
    snprintf(buf, sizeof buf, "%d", sent);
    line_kv(in, "msgs sent", buf, COL_TEXT);
    struct viz_costs_lines costs;
    viz_costs_lines(in->app, node, &costs);
    for (int i = 0; i < costs.count; i++) line_kv(in, costs.key[i], costs.value[i], COL_TEXT);
    if (m->describe[node][0]) {
        in->y += 2;
        para(in, m->describe[node], COL_TEXT, 4);
    }
    in->y += 6;
    float x = in->c.x;
    if (st == DSLAB_NODE_CRASHED) button(in, &x, "restart (c)", BTN_RESTART);
    else button(in, &x, "crash (c)", BTN_CRASH);
    button(in, &x, "pause 1s (p)", BTN_PAUSE);
    button(in, &x, "clock +100ms (j)", BTN_JUMP_FWD);
    button(in, &x, "clock -100ms (J)", BTN_JUMP_BACK);
    button(in, &x, "drift +200ppm (d)", BTN_DRIFT);
    in->y += (float)in->app->fonts.height[FONT_SMALL] + 14 * in->app->lay.scale;
    para(in, "Drag from this node to another to cut the link (shift: one way).", COL_TEXT_DIM, 3);
}

static void show_msg(struct ins *in, int32_t i) {
    struct viz_model *m = &in->app->model;
    const struct rec_msg *msg = &m->rec.msgs[i];
    char buf[160], t[48];
    snprintf(buf, sizeof buf, "Message %s -> %s", viz_model_node_name(m, msg->from), viz_model_node_name(m, msg->to));
    heading(in, buf, COL_TEXT);
    const char *label = rec_str(&m->rec, msg->label_off);
    line_kv(in, "content", *label ? label : "-", COL_TEXT);
    fmt_time(msg->send_ns, t, sizeof t);
    line_kv(in, "sent", t, COL_TEXT);
    if (msg->fate == FATE_DELIVERED) {
        fmt_time(msg->end_ns, t, sizeof t);
        line_kv(in, "delivered", t, COL_TEXT);
        fmt_offset(msg->end_ns - msg->send_ns, t, sizeof t);
        line_kv(in, "latency", t + 1, COL_TEXT);
    } else if (msg->fate == FATE_DROPPED) {
        snprintf(buf, sizeof buf, "dropped (%s)", rec_str(&m->rec, msg->reason_off));
        line_kv(in, "fate", buf, COL_VERMILLION);
    } else {
        line_kv(in, "fate", "still in flight at the end", COL_TEXT_DIM);
    }
    if (msg->dup_of >= 0) line_kv(in, "copy", "duplicate made by the network", COL_PURPLE);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)msg->msg_id);
    line_kv(in, "msg id", buf, COL_TEXT_DIM);
}

static void show_op(struct ins *in, int32_t i) {
    struct viz_model *m = &in->app->model;
    const struct rec_op *o = &m->rec.ops[i];
    char buf[160], t[48];
    snprintf(buf, sizeof buf, "Operation %s (client %d)", dslab_op_fn_name((enum dslab_op_fn)o->fn), o->client);
    heading(in, buf, COL_TEXT);
    snprintf(buf, sizeof buf, "%lld", (long long)o->key);
    line_kv(in, "key", buf, COL_TEXT);
    if (o->fn != DSLAB_OP_READ) {
        snprintf(buf, sizeof buf, "%lld", (long long)o->value);
        line_kv(in, "value", buf, COL_TEXT);
    }
    if (o->fn == DSLAB_OP_CAS) {
        snprintf(buf, sizeof buf, "%lld", (long long)o->expected);
        line_kv(in, "expected", buf, COL_TEXT);
    }
    fmt_time(o->invoke_ns, t, sizeof t);
    line_kv(in, "invoked", t, COL_TEXT);
    bool done = o->complete_ev >= 0 && o->complete_ev < m->ev_count;
    if (done) {
        fmt_time(o->complete_ns, t, sizeof t);
        line_kv(in, "completed", t, COL_TEXT);
        const char *res = o->result == DSLAB_OP_OK ? "ok" : o->result == DSLAB_OP_FAIL ? "fail (did not happen)" : "info (unknown: may have happened)";
        line_kv(in, "result", res, o->result == DSLAB_OP_OK ? COL_TEXT : COL_ORANGE);
        if (o->fn == DSLAB_OP_READ && o->result == DSLAB_OP_OK) {
            if (o->out_value == DSLAB_HISTORY_NIL) snprintf(buf, sizeof buf, "nil");
            else snprintf(buf, sizeof buf, "%lld", (long long)o->out_value);
            line_kv(in, "read", buf, COL_TEXT);
        }
    } else {
        line_kv(in, "result", "pending", COL_TEXT_DIM);
    }
    line_kv(in, "node", o->node >= 0 ? viz_model_node_name(m, o->node) : "-", COL_TEXT);
    if (rec_op_cited_by_begun(&m->rec, i, m->now_ns)) line_kv(in, "checker", "cited as evidence of a violation", COL_RED);
}

static void show_event(struct ins *in, int32_t i) {
    struct viz_model *m = &in->app->model;
    const struct rec_event *e = &m->rec.events[i];
    char buf[200], t[48];
    heading(in, dslab_trace_kind_name((enum dslab_trace_kind)e->kind), COL_TEXT);
    rec_event_describe(&m->rec, (const char(*)[DSLAB_NAME_MAX])m->scenario->node_names, i, buf, sizeof buf);
    para(in, buf, COL_TEXT, 4);
    fmt_time(e->t_ns, t, sizeof t);
    line_kv(in, "time", t, COL_TEXT);
    snprintf(buf, sizeof buf, "%d", i);
    line_kv(in, "event id", buf, COL_TEXT_DIM);
}

static void show_violation(struct ins *in, int32_t v) {
    struct viz_model *m = &in->app->model;
    const struct rec_violation *rv = &m->rec.violations[v];
    char buf[200], a[48], b[48];
    snprintf(buf, sizeof buf, "Violation: %s", rv->check);
    heading(in, buf, COL_RED);
    para(in, rv->message, COL_TEXT, 4);
    fmt_time(rv->from_ns, a, sizeof a);
    fmt_time(rv->to_ns, b, sizeof b);
    snprintf(buf, sizeof buf, "%s .. %s", a, b);
    line_kv(in, "window", buf, COL_TEXT);
    buf[0] = '\0';
    for (int k = 0; k < rv->nodes_count; k++) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof buf - l, "%s%s", k ? ", " : "", viz_model_node_name(m, rv->nodes[k]));
    }
    line_kv(in, "nodes", rv->nodes_count ? buf : "-", COL_TEXT);
    in->y += 4;
    text_draw(&in->app->fonts, &in->app->draw, FONT_BOLD, "Evidence (click):", in->c.x, in->y, COL_TEXT_DIM, ALIGN_LEFT);
    in->y += (float)in->app->fonts.height[FONT_BOLD] + 3;
    for (int k = 0; k < rv->evidence_count; k++) {
        float h = (float)in->app->fonts.height[FONT_SMALL] + 3;
        if (in->y + h > in->c.y + in->c.h) break;
        rec_event_describe(&m->rec, (const char(*)[DSLAB_NAME_MAX])m->scenario->node_names, rv->evidence[k], buf, sizeof buf);
        fmt_time(m->rec.events[rv->evidence[k]].t_ns, a, sizeof a);
        char line[260];
        snprintf(line, sizeof line, "%s  %s", a, buf);
        text_draw_fit(&in->app->fonts, &in->app->draw, FONT_SMALL, line, in->c.x, in->y, in->c.w, COL_RED);
        viz_app_hit(in->app, (struct frect){in->c.x, in->y, in->c.w, h}, SEL_EVENT, rv->evidence[k]);
        in->y += h;
    }
}

static void show_summary(struct ins *in) {
    struct viz_model *m = &in->app->model;
    const struct recording *r = &m->rec;
    char buf[200];
    heading(in, "Run", COL_TEXT);
    struct viz_summary_lines counts;
    viz_summary_lines(m, &counts);
    for (int i = 0; i < counts.count; i++) {
        snprintf(buf, sizeof buf, "%lld", counts.value[i]);
        bool warn = strcmp(counts.key[i], "dropped") == 0 && counts.value[i] > 0;
        line_kv(in, counts.key[i], buf, warn ? COL_VERMILLION : COL_TEXT);
    }
    snprintf(buf, sizeof buf, "%d", m->interventions_count);
    line_kv(in, "your actions", buf, m->interventions_count ? COL_ORANGE : COL_TEXT);
    in->y += 6;
    heading(in, "Checks", COL_TEXT);
    if (r->checks_count == 0) para(in, "none declared", COL_TEXT_DIM, 1);
    for (int i = 0; i < r->checks_count; i++) {
        enum rec_check_state st = rec_check_at(r, i, m->now_ns, buf, sizeof buf);
        para(in, buf, st == REC_CHECK_FAILED ? COL_RED : st == REC_CHECK_PASSED ? COL_GREEN : COL_TEXT, 2);
    }
    /* Only what has happened by the displayed moment (viz_checks.c). */
    for (int32_t v = 0; v < r->violations_count && in->y < in->c.y + in->c.h - 20; v++) {
        if (!rec_violation_begun(r, v, m->now_ns)) continue;
        char t[48];
        fmt_time(r->violations[v].from_ns, t, sizeof t);
        snprintf(buf, sizeof buf, "%s  %.140s", t, r->violations[v].message);
        float y0 = in->y;
        para(in, buf, COL_RED, 2);
        viz_app_hit(in->app, (struct frect){in->c.x, y0, in->c.w, in->y - y0}, SEL_VIOLATION, v);
    }
    for (int32_t k = 0; k < r->assumptions.n && in->y < in->c.y + in->c.h - 20; k++) {
        if (r->assumptions.v[k] >= m->ev_count) break; /* not broken yet */
        const struct rec_event *e = &r->events[r->assumptions.v[k]];
        snprintf(buf, sizeof buf, "assumption %s broken: %s", rec_str(r, e->tag_off), rec_str(r, e->text_off));
        para(in, buf, COL_PURPLE, 3);
    }
    in->y += 6;
    para(in, "Click a node, message, operation or marker for details. Press h for keys.", COL_TEXT_DIM, 3);
}

void render_inspector(struct viz_app *app) {
    struct ins in;
    in.app = app;
    in.c = render_panel(app, app->lay.inspector, "Inspector");
    in.y = in.c.y + 2;
    switch (app->sel) {
    case SEL_NODE: show_node(&in, app->sel_index); break;
    case SEL_MSG: show_msg(&in, app->sel_index); break;
    case SEL_OP: show_op(&in, app->sel_index); break;
    case SEL_EVENT: show_event(&in, app->sel_index); break;
    case SEL_VIOLATION: show_violation(&in, app->sel_index); break;
    default: show_summary(&in); break;
    }
}
