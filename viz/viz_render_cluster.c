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
    float radius_x; /* >= radius: a wide panel (projector mode) gets an ellipse */
};

static int legend_layout(struct viz_app *app, struct frect c, bool draw);

/* Where node labels may go: the panel below its title, above its legend. */
static struct frect cluster_label_area(struct viz_app *app) {
    struct frect c = app->lay.cluster;
    float s = app->lay.scale;
    float title_h = (float)app->fonts.height[FONT_BOLD] + 9 * s;
    float legend_h = 2 * s + 20 * s * (float)legend_layout(app, c, false);
    return (struct frect){c.x + 4 * s, c.y + title_h, c.w - 8 * s, c.h - title_h - legend_h - 4 * s};
}

static struct ring ring_geometry(const struct viz_app *app) {
    struct frect c = app->lay.cluster;
    float s = app->lay.scale;
    float title_h = (float)app->fonts.height[FONT_BOLD] + 9 * s;
    float legend_h = 2 * s + 20 * s * (float)legend_layout((struct viz_app *)app, c, false);
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
    /* Discs in proportion to the panel: big discs in a small panel (a
     * projector's scale in a 1024x768 window) leave no room for labels. */
    float small_side = a.w < a.h ? a.w : a.h;
    if (nr > small_side / 11) nr = small_side / 11;
    if (nr < 2.5f) nr = 2.5f;
    g.node_r = nr;
    g.radius = half - nr;
    if (g.radius < 10) g.radius = 10;
    /* Wider than tall: spread the ring sideways (an ellipse, at most 1.3
     * times as wide), so neighbours' labels have room between them. */
    g.radius_x = hx - nr;
    if (g.radius_x > g.radius * 1.3f) g.radius_x = g.radius * 1.3f;
    if (g.radius_x < g.radius) g.radius_x = g.radius;
    return g;
}

void cluster_node_pos(const struct viz_app *app, int32_t node, float *x, float *y, float *r) {
    struct ring g = ring_geometry(app);
    int32_t n = app->model.scenario->nodes_count;
    float a = -PI_F / 2 + 2 * PI_F * (float)node / (float)(n > 0 ? n : 1);
    *x = g.cx + g.radius_x * cosf(a);
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

/* ---- node labels: placed, never on top of each other -------------------
 * Each node's label (name, state, term; then describe()) goes beside its
 * disc, on the outer side of the ring first, then below, right, left,
 * above; a place is taken only when the label stays inside the panel (off
 * the title and legend), off every node's disc and off the labels placed
 * before. When no place fits, the label sheds detail (describe, then the
 * term, then the state) and finally shortens the name with an ellipsis.
 * A projector at 1024x768 therefore shows less, never a pile of text. */
struct label_place {
    struct frect box[64]; /* placed labels (<= 40 nodes have labels) */
    int count;
    struct frect badges[64]; /* cost badges drawn beside nodes (w = 0: none) */
    struct frect area;    /* where labels may go */
};

static bool frect_overlaps(struct frect a, struct frect b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static float disc_clear(const struct viz_app *app, float r) { return r * 1.45f + 3 * app->lay.scale; }

static bool label_free(const struct viz_app *app, const struct label_place *lp, struct frect b) {
    if (b.x < lp->area.x || b.y < lp->area.y || b.x + b.w > lp->area.x + lp->area.w ||
        b.y + b.h > lp->area.y + lp->area.h) {
        return false;
    }
    int32_t n = app->model.scenario->nodes_count;
    for (int32_t k = 0; k < n; k++) {
        float x, y, r;
        cluster_node_pos(app, k, &x, &y, &r);
        float q = disc_clear(app, r);
        if (frect_overlaps(b, (struct frect){x - q, y - q, 2 * q, 2 * q})) return false;
    }
    for (int32_t k = 0; k < n && k < 64; k++) {
        if (lp->badges[k].w > 0 && frect_overlaps(b, lp->badges[k])) return false;
    }
    float gap = 6 * app->lay.scale; /* two labels never touch: "n4" "n3 ..." would read "n4n3" */
    for (int k = 0; k < lp->count; k++) {
        struct frect o = lp->box[k];
        if (frect_overlaps(b, (struct frect){o.x - gap, o.y - gap / 2, o.w + 2 * gap, o.h + gap})) return false;
    }
    return true;
}

/* A block of bw x bh for node i: the first free place, in order of
 * preference; false when none is free. */
static bool label_find(const struct viz_app *app, const struct label_place *lp, int32_t i, float bw,
                       float bh, struct frect *out) {
    float x, y, r;
    cluster_node_pos(app, i, &x, &y, &r);
    float s = app->lay.scale, q = disc_clear(app, r);
    int32_t n = app->model.scenario->nodes_count;
    float a = -PI_F / 2 + 2 * PI_F * (float)i / (float)(n > 0 ? n : 1);
    float dx = cosf(a), dy = sinf(a);
    const struct frect cand[4] = {
        {x - bw / 2, y + q + 1 * s, bw, bh},  /* below */
        {x + q + 3 * s, y - bh / 2, bw, bh},  /* right */
        {x - q - 3 * s - bw, y - bh / 2, bw, bh}, /* left */
        {x - bw / 2, y - q - bh - 1 * s, bw, bh}, /* above */
    };
    int first = n < 2 ? 0 : dy > 0.5f ? 0 : dy < -0.5f ? 3 : dx > 0 ? 1 : 2;
    if (label_free(app, lp, cand[first])) {
        *out = cand[first];
        return true;
    }
    for (int k = 0; k < 4; k++) {
        if (k != first && label_free(app, lp, cand[k])) {
            *out = cand[k];
            return true;
        }
    }
    return false;
}

static void draw_node_labels(struct viz_app *app, struct label_place *lp, int32_t i, const char *role,
                             enum dslab_node_status st, bool restarted) {
    struct viz_model *m = &app->model;
    struct fonts *fo = &app->fonts;
    int32_t n = m->scenario->nodes_count;
    struct ring g = ring_geometry(app);
    const char *name = viz_model_node_name(m, i);
    int64_t term = rec_node_term(&m->rec, i, m->ev_count);
    const char *state = st == DSLAB_NODE_CRASHED  ? "crashed"
                        : st == DSLAB_NODE_PAUSED ? "paused"
                        : restarted         ? "restarted"
                                            : role;
    char full[160], short_[160];
    if (term >= 0 && st != DSLAB_NODE_CRASHED) {
        snprintf(full, sizeof full, "%s %s t%lld", name, state, (long long)term);
    } else {
        snprintf(full, sizeof full, "%s %s", name, state);
    }
    snprintf(short_, sizeof short_, "%s %s", name, state);
    struct rgba nc = st == DSLAB_NODE_CRASHED ? COL_TEXT_DIM : st == DSLAB_NODE_PAUSED ? COL_YELLOW : COL_TEXT;
    enum font_id f1 = n <= 12 ? FONT_BOLD : FONT_SMALL;
    float h1 = (float)(TTF_FontAscent(fo->f[f1]) - TTF_FontDescent(fo->f[f1]));
    float h2 = (float)(TTF_FontAscent(fo->f[FONT_SMALL]) - TTF_FontDescent(fo->f[FONT_SMALL]));
    /* describe(): one line, at most a chord of the ring wide. */
    bool has_desc = n <= 12 && m->describe[i][0] && st != DSLAB_NODE_CRASHED;
    float chord = n > 1 ? 2 * g.radius * sinf(PI_F / (float)n) : 200 * app->lay.scale;
    float desc_max = chord * 0.95f < 170 * app->lay.scale ? chord * 0.95f : 170 * app->lay.scale;
    /* Variants, most detail first: line 1, its max width, line 2 (the
     * state under the name, or describe()). */
    char state_line[80];
    if (term >= 0 && st != DSLAB_NODE_CRASHED) {
        snprintf(state_line, sizeof state_line, "%s t%lld", state, (long long)term);
    } else {
        snprintf(state_line, sizeof state_line, "%s", state);
    }
    float name_max = lp->area.w * 0.45f;
    struct { const char *text; float max_w; const char *line2; float line2_max; } var[] = {
        {full, 1e9f, has_desc ? m->describe[i] : NULL, desc_max},
        {full, 1e9f, NULL, 0},
        {name, 1e9f, state_line, 1e9f},
        {short_, 1e9f, NULL, 0},
        {name, 1e9f, NULL, 0},
        {name, name_max, NULL, 0},
        {name, name_max / 2, NULL, 0}, /* "frankfu…" beside a node on the side */
    };
    for (size_t v = 0; v < sizeof var / sizeof var[0]; v++) {
        if (var[v].line2 == state_line && !state[0]) continue;
        float w1 = (float)text_width(fo, f1, var[v].text);
        if (w1 > var[v].max_w) w1 = var[v].max_w;
        float w2 = var[v].line2 ? (float)text_width(fo, FONT_SMALL, var[v].line2) : 0;
        if (w2 > var[v].line2_max) w2 = var[v].line2_max;
        float bw = w2 > w1 ? w2 : w1;
        float bh = h1 + (var[v].line2 ? h2 + 1 : 0);
        struct frect b;
        if (!label_find(app, lp, i, bw, bh, &b)) continue;
        if (lp->count < (int)(sizeof lp->box / sizeof lp->box[0])) lp->box[lp->count++] = b;
        float cx = b.x + b.w / 2;
        if (var[v].max_w < 1e9f) {
            text_draw_fit(fo, &app->draw, f1, var[v].text, b.x, b.y, var[v].max_w, nc);
        } else {
            text_draw(fo, &app->draw, f1, var[v].text, cx, b.y, nc, ALIGN_CENTER);
        }
        if (var[v].line2) {
            text_draw_fit(fo, &app->draw, FONT_SMALL, var[v].line2, cx - w2 / 2, b.y + h1 + 1,
                          var[v].line2_max, var[v].line2 == state_line ? nc : COL_TEXT_DIM);
        }
        return;
    }
}

static void draw_node(struct viz_app *app, int32_t i, bool labels) {
    /* The labels are drawn after every disc (draw_all_labels). */
    struct viz_model *m = &app->model;
    float s = app->lay.scale;
    float x, y, r;
    cluster_node_pos(app, i, &x, &y, &r);
    int64_t since;
    bool restarted;
    enum dslab_node_status st = rec_node_status(&m->rec, i, m->ev_count, &since, &restarted);
    enum role_look rc = role_look_of(rec_node_role_class(&m->rec, i, m->ev_count));
    int64_t glow_ns = 40 * dslab_latency_mean_ns(&m->scenario->network.link.latency);
    if (glow_ns < 200 * DSLAB_NS_PER_MS) glow_ns = 200 * DSLAB_NS_PER_MS;
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
    viz_app_hit(app, (struct frect){x - r * 1.3f, y - r * 1.3f, r * 2.6f, r * 2.6f}, SEL_NODE, i);
}

/* The labels of every node, after all discs (placement avoids them). */
static void draw_all_labels(struct viz_app *app, struct frect area) {
    struct viz_model *m = &app->model;
    struct label_place lp;
    lp.count = 0;
    lp.area = area;
    int32_t n = m->scenario->nodes_count;
    /* Cost badges first (viz_costs.c): the labels go around them. */
    for (int32_t i = 0; i < n && i < 64; i++) {
        lp.badges[i] = (struct frect){0, 0, 0, 0};
        int64_t since;
        bool restarted;
        if (rec_node_status(&m->rec, i, m->ev_count, &since, &restarted) == DSLAB_NODE_CRASHED) continue;
        float x, y, r;
        cluster_node_pos(app, i, &x, &y, &r);
        lp.badges[i] = render_node_costs(app, i, x, y, r);
    }
    for (int32_t i = 0; i < n; i++) {
        int64_t since;
        bool restarted;
        enum dslab_node_status st = rec_node_status(&m->rec, i, m->ev_count, &since, &restarted);
        const char *role = rec_node_role(&m->rec, i, m->ev_count);
        int64_t glow_ns = 40 * dslab_latency_mean_ns(&m->scenario->network.link.latency);
        if (glow_ns < 200 * DSLAB_NS_PER_MS) glow_ns = 200 * DSLAB_NS_PER_MS;
        bool no_role_since_restart = restarted && !role[0]; /* rec_node_role */
        bool recent = restarted && m->now_ns - since < glow_ns;
        draw_node_labels(app, &lp, i, role, st, recent || no_role_since_restart);
    }
}

/* The legend's items, laid out in rows that fit the panel's width:
 * returns the number of rows (draws them when draw is true, bottom row at
 * the panel's bottom). */
static int legend_layout(struct viz_app *app, struct frect c, bool draw);

static void draw_legend(struct viz_app *app, struct frect c) { legend_layout(app, c, true); }

static int legend_layout(struct viz_app *app, struct frect c, bool draw) {
    float s = app->lay.scale, r = 6 * s, row_h = 20 * s;
    struct { enum role_look rc; enum dslab_node_status st; const char *label; } items[] = {
        {LOOK_LEADER, DSLAB_NODE_UP, "leader"},     {LOOK_FOLLOWER, DSLAB_NODE_UP, "follower"},
        {LOOK_CANDIDATE, DSLAB_NODE_UP, "candidate"}, {LOOK_NONE, DSLAB_NODE_CRASHED, "crashed"},
        {LOOK_FOLLOWER, DSLAB_NODE_PAUSED, "paused"}, {LOOK_NONE, DSLAB_NODE_UP, "cut link"},
    };
    int count = (int)(sizeof items / sizeof items[0]);
    float x0 = c.x + 14 * s, right = c.x + c.w - 8 * s;
    /* Rows first (to know how many), then draw bottom-up from the rows. */
    int row_of[8];
    int rows = 1;
    float x = x0;
    for (int i = 0; i < count; i++) {
        float mark = i == count - 1 ? 28 * s : r + 5 * s;
        float w = mark + (float)text_width(&app->fonts, FONT_SMALL, items[i].label);
        if (x > x0 && x + w > right) {
            rows++;
            x = x0;
        }
        row_of[i] = rows - 1;
        x += w + 10 * s;
    }
    if (!draw) return rows;
    x = x0;
    for (int i = 0; i < count; i++) {
        if (i > 0 && row_of[i] != row_of[i - 1]) x = x0;
        float y = c.y + c.h - 15 * s - (float)(rows - 1 - row_of[i]) * row_h;
        if (i == count - 1) {
            draw_dashed(&app->draw, x, y, x + 22 * s, y, 2 * s, 4 * s, COL_VERMILLION);
            draw_cross(&app->draw, x + 11 * s, y, 3.5f * s, 2 * s, COL_VERMILLION);
            x += 28 * s;
        } else {
            draw_node_shape(app, x, y, r, items[i].rc, items[i].st);
            x += r + 5 * s;
        }
        x += (float)text_draw(&app->fonts, &app->draw, FONT_SMALL, items[i].label, x,
                              y - (float)app->fonts.height[FONT_SMALL] / 2, COL_TEXT_DIM, ALIGN_LEFT);
        x += 10 * s;
    }
    return rows;
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
    if (labels) draw_all_labels(app, cluster_label_area(app));
    if (app->dragging && app->drag_from >= 0) {
        float x, y, r;
        cluster_node_pos(app, app->drag_from, &x, &y, &r);
        draw_dashed(&app->draw, x, y, app->drag_x, app->drag_y, 2.5f * app->lay.scale,
                    5 * app->lay.scale, COL_VERMILLION);
    }
    draw_legend(app, app->lay.cluster);
    viz_clip(app, (struct frect){0, 0, 0, 0});
}
