/* viz_render_cluster.c: the cluster view: nodes on a ring, the network
 * between them and the messages in flight.
 *
 * Roles are told apart by shape AND colour AND a letter (colour-blind
 * safe): leader star "L", follower circle "F", candidate diamond "C".
 * A crashed node is a grey disc with an X, a paused one is hatched with
 * pause bars, a node that restarted recently has a dashed green halo.
 * Cut links are dashed vermillion lines with a cross (one-way cuts carry
 * an arrow pointing in the blocked direction); partition groups get a
 * shared tint. Messages move along the link at their real latency; a
 * dropped one turns into a fading cross where it died; a duplicate is a
 * ringed dot tied to its twin while both fly. */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

#define PI_F 3.14159265f

struct ring {
    float cx, cy, radius, node_r;
};

static struct ring ring_geometry(const struct viz_app *app) {
    struct frect c = app->lay.cluster;
    float s = app->lay.scale;
    float title_h = (float)app->fonts.height[FONT_BOLD] + 9 * s;
    float legend_h = 22 * s;
    struct frect a = {c.x, c.y + title_h, c.w, c.h - title_h - legend_h};
    int32_t n = app->model.scenario->nodes_count;
    struct ring g;
    bool labels = n <= 40;
    float room_x = n <= 12 ? 52 * s : labels ? 30 * s : 8 * s;
    float room_top = (n <= 12 ? 30 : 10) * s;
    float room_bottom = n <= 12 ? 36 * s : labels ? 18 * s : 8 * s;
    g.cx = a.x + a.w / 2;
    g.cy = a.y + room_top + (a.h - room_top - room_bottom) / 2;
    float hx = a.w / 2 - room_x, hy = (a.h - room_top - room_bottom) / 2;
    float half = hx < hy ? hx : hy;
    float nr = n > 1 ? half * sinf(PI_F / (float)n) * 0.5f : 22 * s;
    if (nr > 22 * s) nr = 22 * s;
    if (nr < 2.5f) nr = 2.5f;
    g.node_r = nr;
    g.radius = half - nr;
    if (g.radius < 10) g.radius = 10;
    return g;
}

void cluster_node_pos(const struct viz_app *app, int32_t node, float *x, float *y, float *r) {
    struct ring g = ring_geometry(app);
    int32_t n = app->model.scenario->nodes_count;
    float a = -PI_F / 2 + 2 * PI_F * (float)node / (float)(n > 0 ? n : 1);
    *x = g.cx + g.radius * cosf(a);
    *y = g.cy + g.radius * sinf(a);
    *r = g.node_r;
}

/* ---- network: partitions and cuts -------------------------------------- */
static void draw_groups(struct viz_app *app, struct ring g) {
    struct viz_model *m = &app->model;
    int32_t n = m->scenario->nodes_count;
    /* Neighbours on the ring that can talk both ways share a tinted band. */
    for (int32_t i = 0; i < n && n > 1; i++) {
        int32_t j = (i + 1) % n;
        if (n == 2 && i == 1) break;
        float xi, yi, xj, yj, r;
        cluster_node_pos(app, i, &xi, &yi, &r);
        cluster_node_pos(app, j, &xj, &yj, &r);
        if (viz_model_link_up(m, i, j) && viz_model_link_up(m, j, i)) {
            draw_line(&app->draw, xi, yi, xj, yj, g.node_r * 2.6f, RGBA(0x3a4458, 120));
        }
    }
    for (int32_t i = 0; i < n; i++) {
        float x, y, r;
        cluster_node_pos(app, i, &x, &y, &r);
        draw_circle(&app->draw, x, y, g.node_r * 1.3f, RGBA(0x3a4458, 120));
    }
}

static void draw_cut(struct viz_app *app, int32_t a, int32_t b, bool ab_down, bool ba_down) {
    float s = app->lay.scale;
    float xa, ya, xb, yb, r;
    cluster_node_pos(app, a, &xa, &ya, &r);
    cluster_node_pos(app, b, &xb, &yb, &r);
    struct rgba c = COL_VERMILLION;
    c.a = 210;
    float mx = (xa + xb) / 2, my = (ya + yb) / 2;
    if (ab_down && ba_down) {
        draw_dashed(&app->draw, xa, ya, xb, yb, 2 * s, 6 * s, c);
        draw_cross(&app->draw, mx, my, 5 * s, 2.5f * s, COL_VERMILLION);
        return;
    }
    /* One way: an arrow in the blocked direction, crossed out. */
    int32_t from = ab_down ? a : b;
    float fx = from == a ? xa : xb, fy = from == a ? ya : yb;
    float tx = from == a ? xb : xa, ty = from == a ? yb : ya;
    float dx = tx - fx, dy = ty - fy, len = sqrtf(dx * dx + dy * dy);
    if (len < 1) return;
    float ux = dx / len, uy = dy / len;
    draw_dashed(&app->draw, fx + ux * r, fy + uy * r, tx - ux * r * 1.2f, ty - uy * r * 1.2f,
                2 * s, 6 * s, c);
    draw_arrow(&app->draw, tx - ux * (r + 22 * s), ty - uy * (r + 22 * s), tx - ux * (r + 2),
               ty - uy * (r + 2), 2 * s, 9 * s, COL_VERMILLION);
    draw_cross(&app->draw, mx, my, 5 * s, 2.5f * s, COL_VERMILLION);
}

static void draw_network(struct viz_app *app, struct ring g) {
    struct viz_model *m = &app->model;
    int32_t n = m->scenario->nodes_count;
    if (!m->any_link_down) {
        return; /* one group: nothing to show */
    }
    if (n > 1 && n <= VIZ_LINKS_NODES_MAX) {
        draw_groups(app, g);
    }
    for (int32_t a = 0; a < n; a++) {
        for (int32_t b = a + 1; b < n; b++) {
            bool ab = !viz_model_link_up(m, a, b), ba = !viz_model_link_up(m, b, a);
            if (ab || ba) {
                draw_cut(app, a, b, ab, ba);
            }
        }
    }
}

/* ---- messages ----------------------------------------------------------- */
static void msg_point(struct viz_app *app, const struct rec_msg *msg, int64_t t_ns, float *x,
                      float *y) {
    float xa, ya, xb, yb, r;
    cluster_node_pos(app, msg->from, &xa, &ya, &r);
    cluster_node_pos(app, msg->to, &xb, &yb, &r);
    int64_t span = msg->end_ns - msg->send_ns;
    float f = span > 0 ? (float)(t_ns - msg->send_ns) / (float)span : 1.0f;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    /* Offset sideways so a->b and b->a traffic use separate lanes. */
    float dx = xb - xa, dy = yb - ya, len = sqrtf(dx * dx + dy * dy);
    float ox = len > 0 ? -dy / len * r * 0.35f : 0, oy = len > 0 ? dx / len * r * 0.35f : 0;
    *x = xa + dx * f + ox;
    *y = ya + dy * f + oy;
}

static void draw_messages(struct viz_app *app) {
    struct viz_model *m = &app->model;
    const struct recording *r = &m->rec;
    float s = app->lay.scale;
    int64_t now = m->now_ns;
    int64_t death_ns = r->msg_span_ns_max / 2 > 0 ? r->msg_span_ns_max / 2 : DSLAB_NS_PER_MS;
    int64_t from_t = now - r->msg_span_ns_max - death_ns;
    float dot = (m->scenario->nodes_count > 50 ? 2.2f : 3.6f) * s;
    for (int32_t i = rec_first_msg_sent_at(r, from_t); i < r->msgs_count; i++) {
        const struct rec_msg *msg = &r->msgs[i];
        if (msg->send_ns > now || msg->send_ev >= m->ev_count) break;
        bool selected = app->sel == SEL_MSG && app->sel_index == i;
        float x, y;
        if (now < msg->end_ns || (msg->fate == FATE_PENDING && msg->sched_ns >= now)) {
            msg_point(app, msg, now, &x, &y);
            struct rgba c = msg->fate == FATE_DROPPED ? RGBA(0xf2b58c, 255) : RGBA(0xdde6f5, 255);
            if (msg->dup_of >= 0) {
                draw_ring(&app->draw, x, y, dot + 2 * s, 1.5f * s, COL_PURPLE);
                float ox, oy;
                const struct rec_msg *orig = &r->msgs[msg->dup_of];
                if (now < orig->end_ns) {
                    msg_point(app, orig, now, &ox, &oy);
                    draw_line(&app->draw, x, y, ox, oy, 1.2f * s, COL_PURPLE);
                }
            }
            draw_dot(&app->draw, x, y, selected ? dot * 1.6f : dot, selected ? COL_SELECT : c);
            viz_app_hit(app, (struct frect){x - dot * 2, y - dot * 2, dot * 4, dot * 4}, SEL_MSG, i);
        } else if (msg->fate == FATE_DROPPED && now < msg->end_ns + death_ns) {
            msg_point(app, msg, msg->end_ns, &x, &y);
            float fade = 1.0f - (float)(now - msg->end_ns) / (float)death_ns;
            struct rgba c = COL_VERMILLION;
            c.a = (uint8_t)(40 + 215 * fade);
            draw_cross(&app->draw, x, y, dot * (1.2f + (1 - fade)), 2 * s, c);
            viz_app_hit(app, (struct frect){x - dot * 2, y - dot * 2, dot * 4, dot * 4}, SEL_MSG, i);
        }
    }
}

/* ---- nodes -------------------------------------------------------------- */
static void draw_pause_bars(struct draw *d, float x, float y, float r, struct rgba c) {
    draw_rect(d, x - r * 0.38f, y - r * 0.45f, r * 0.26f, r * 0.9f, c);
    draw_rect(d, x + r * 0.12f, y - r * 0.45f, r * 0.26f, r * 0.9f, c);
}

static void draw_node_shape(struct viz_app *app, float x, float y, float r, enum role_look rc,
                            enum dslab_node_status st) {
    struct draw *d = &app->draw;
    if (st == DSLAB_NODE_CRASHED) {
        draw_circle(d, x, y, r, COL_CRASHED);
        draw_cross(d, x, y, r * 0.55f, r * 0.18f + 1, RGBA(0x1b1f27, 255));
        return;
    }
    struct rgba c = role_colour(rc);
    if (st == DSLAB_NODE_PAUSED) {
        c.a = 140;
    }
    switch (rc) {
    case LOOK_LEADER: draw_star(d, x, y, r * 1.25f, c); break;
    case LOOK_CANDIDATE: draw_diamond(d, x, y, r * 1.1f, c); break;
    default: draw_circle(d, x, y, r, c); break;
    }
    if (st == DSLAB_NODE_PAUSED) {
        draw_hatch(d, x - r, y - r, 2 * r, 2 * r, 4 * app->lay.scale, RGBA(0x1b1f27, 160));
        draw_pause_bars(d, x, y, r, RGBA(0xffffff, 255));
    }
}

static const char *role_letter(enum role_look rc) {
    switch (rc) {
    case LOOK_LEADER: return "L";
    case LOOK_FOLLOWER: return "F";
    case LOOK_CANDIDATE: return "C";
    default: return "";
    }
}

static void draw_node_labels(struct viz_app *app, int32_t i, float x, float y, float r,
                             const char *role, enum dslab_node_status st, bool restarted) {
    struct viz_model *m = &app->model;
    float s = app->lay.scale;
    int32_t n = m->scenario->nodes_count;
    struct ring g = ring_geometry(app);
    /* Centred under the node: name, state and term; then describe(). */
    enum role_look look = role_look_of(rec_node_role_class(&m->rec, i, m->ev_count));
    float top = y + r * (look == LOOK_LEADER ? 1.3f : 1.1f) + 3 * s;
    float fh = (float)app->fonts.height[FONT_BOLD];
    char line[160];
    int64_t term = rec_node_term(&m->rec, i, m->ev_count);
    const char *state = st == DSLAB_NODE_CRASHED  ? "crashed"
                        : st == DSLAB_NODE_PAUSED ? "paused"
                        : restarted         ? "restarted"
                                            : role;
    if (term >= 0 && st != DSLAB_NODE_CRASHED) {
        snprintf(line, sizeof line, "%s %s t%lld", viz_model_node_name(m, i), state, (long long)term);
    } else {
        snprintf(line, sizeof line, "%s %s", viz_model_node_name(m, i), state);
    }
    struct rgba nc = st == DSLAB_NODE_CRASHED ? COL_TEXT_DIM : st == DSLAB_NODE_PAUSED ? COL_YELLOW : COL_TEXT;
    text_draw(&app->fonts, &app->draw, n <= 12 ? FONT_BOLD : FONT_SMALL, line, x, top, nc, ALIGN_CENTER);
    if (n <= 12 && m->describe[i][0] && st != DSLAB_NODE_CRASHED) {
        float chord = n > 1 ? 2 * g.radius * sinf(PI_F / (float)n) : 200 * s;
        float maxw = chord * 0.95f < 170 * s ? chord * 0.95f : 170 * s;
        float w = (float)text_width(&app->fonts, FONT_SMALL, m->describe[i]);
        if (w > maxw) w = maxw;
        text_draw_fit(&app->fonts, &app->draw, FONT_SMALL, m->describe[i], x - w / 2, top + fh,
                      maxw, COL_TEXT_DIM);
    }
}

static void draw_node(struct viz_app *app, int32_t i, bool labels) {
    struct viz_model *m = &app->model;
    float s = app->lay.scale;
    float x, y, r;
    cluster_node_pos(app, i, &x, &y, &r);
    int64_t since;
    bool restarted;
    enum dslab_node_status st = rec_node_status(&m->rec, i, m->ev_count, &since, &restarted);
    const char *role = rec_node_role(&m->rec, i, m->ev_count);
    enum role_look rc = role_look_of(rec_node_role_class(&m->rec, i, m->ev_count));
    int64_t glow_ns = 40 * dslab_latency_mean_ns(&m->scenario->network.link.latency);
    if (glow_ns < 200 * DSLAB_NS_PER_MS) glow_ns = 200 * DSLAB_NS_PER_MS;
    bool no_role_since_restart = restarted && !role[0]; /* rec_node_role */
    restarted = restarted && m->now_ns - since < glow_ns;
    bool selected = app->sel == SEL_NODE && app->sel_index == i;
    if (selected) {
        draw_ring(&app->draw, x, y, r * 1.45f + 3 * s, 2.5f * s, COL_SELECT);
    }
    if (restarted) {
        draw_dashed(&app->draw, x - r * 1.5f, y + r * 1.5f, x + r * 1.5f, y + r * 1.5f, 2 * s, 3 * s, COL_GREEN);
        draw_ring(&app->draw, x, y, r * 1.3f, 2 * s, COL_GREEN);
    }
    draw_node_shape(app, x, y, r, rc, st);
    if (st == DSLAB_NODE_CRASHED) {
        struct rgba dash = COL_TEXT_DIM;
        for (int k = 0; k < 12; k += 2) {
            float a0 = 2 * PI_F * (float)k / 12, a1 = 2 * PI_F * (float)(k + 1) / 12;
            draw_line(&app->draw, x + (r + 3 * s) * cosf(a0), y + (r + 3 * s) * sinf(a0),
                      x + (r + 3 * s) * cosf(a1), y + (r + 3 * s) * sinf(a1), 1.5f * s, dash);
        }
    }
    if (labels && st == DSLAB_NODE_UP && r >= 9 * s) {
        text_draw(&app->fonts, &app->draw, FONT_BOLD, role_letter(rc), x,
                  y - (float)app->fonts.height[FONT_BOLD] / 2, RGBA(0x10131a, 255), ALIGN_CENTER);
    }
    if (labels) {
        draw_node_labels(app, i, x, y, r, role, st, restarted || no_role_since_restart);
        if (st != DSLAB_NODE_CRASHED) render_node_costs(app, i, x, y, r); /* viz_costs.c */
    }
    viz_app_hit(app, (struct frect){x - r * 1.3f, y - r * 1.3f, r * 2.6f, r * 2.6f}, SEL_NODE, i);
}

static void draw_legend(struct viz_app *app, struct frect c) {
    float s = app->lay.scale;
    float y = c.y + c.h - 15 * s, x = c.x + 14 * s, r = 6 * s;
    struct { enum role_look rc; enum dslab_node_status st; const char *label; } items[] = {
        {LOOK_LEADER, DSLAB_NODE_UP, "leader"},     {LOOK_FOLLOWER, DSLAB_NODE_UP, "follower"},
        {LOOK_CANDIDATE, DSLAB_NODE_UP, "candidate"}, {LOOK_NONE, DSLAB_NODE_CRASHED, "crashed"},
        {LOOK_FOLLOWER, DSLAB_NODE_PAUSED, "paused"},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        draw_node_shape(app, x, y, r, items[i].rc, items[i].st);
        x += r + 5 * s;
        x += (float)text_draw(&app->fonts, &app->draw, FONT_SMALL, items[i].label, x,
                              y - (float)app->fonts.height[FONT_SMALL] / 2, COL_TEXT_DIM, ALIGN_LEFT);
        x += 10 * s;
    }
    draw_dashed(&app->draw, x, y, x + 22 * s, y, 2 * s, 4 * s, COL_VERMILLION);
    draw_cross(&app->draw, x + 11 * s, y, 3.5f * s, 2 * s, COL_VERMILLION);
    x += 28 * s;
    text_draw(&app->fonts, &app->draw, FONT_SMALL, "cut link", x,
              y - (float)app->fonts.height[FONT_SMALL] / 2, COL_TEXT_DIM, ALIGN_LEFT);
}

void render_cluster(struct viz_app *app) {
    struct viz_model *m = &app->model;
    char title[96];
    snprintf(title, sizeof title, "Cluster  (%d nodes)", m->scenario->nodes_count);
    render_panel(app, app->lay.cluster, title);
    viz_clip(app, app->lay.cluster);
    struct ring g = ring_geometry(app);
    draw_network(app, g);
    draw_messages(app);
    int32_t n = m->scenario->nodes_count;
    bool labels = n <= 40;
    for (int32_t i = 0; i < n; i++) {
        draw_node(app, i, labels);
    }
    if (app->dragging && app->drag_from >= 0) {
        float x, y, r;
        cluster_node_pos(app, app->drag_from, &x, &y, &r);
        draw_dashed(&app->draw, x, y, app->drag_x, app->drag_y, 2.5f * app->lay.scale,
                    5 * app->lay.scale, COL_VERMILLION);
    }
    draw_legend(app, app->lay.cluster);
    viz_clip(app, (struct frect){0, 0, 0, 0});
}
