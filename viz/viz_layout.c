/* viz_layout.c: where each view goes, and small shared formatting helpers.
 *
 *   +-----------------------------------------------------------------+
 *   | banner: scenario, time, speed, narration                        |
 *   +----------------+---------------------------------+--------------+
 *   | cluster (ring) | space-time diagram              | inspector    |
 *   |                |                                 |              |
 *   +----------------+---------------------------------+              |
 *   | clocks         | history (client operations)     |              |
 *   +----------------+---------------------------------+--------------+
 *   | timeline scrubber: faults, violations, narration                |
 *   +-----------------------------------------------------------------+
 *
 * Everything is in output pixels; `scale` (high-DPI x projector) grows
 * fonts, margins and fixed heights together. */
#include "viz_internal.h"

#include <stdio.h>
#include <string.h>

bool frect_contains(struct frect r, float x, float y) {
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

void layout_compute(struct layout *l, int width, int height, float scale, bool projector) {
    memset(l, 0, sizeof *l);
    l->width = width;
    l->height = height;
    l->scale = scale;
    l->projector = projector;
    float m = 6 * scale;
    float banner_h = (projector ? 64 : 48) * scale;
    float timeline_h = (projector ? 72 : 60) * scale;
    float W = (float)width, H = (float)height;
    l->banner = (struct frect){0, 0, W, banner_h};
    l->timeline = (struct frect){m, H - timeline_h - m, W - 2 * m, timeline_h};
    float top = banner_h + m, bottom = l->timeline.y - m;
    float content_h = bottom - top;
    float insp_w = (projector ? 300 : 260) * scale;
    if (insp_w > W * (projector ? 0.22f : 0.28f)) insp_w = W * (projector ? 0.22f : 0.28f);
    float left_w = (W - insp_w) * (projector ? 0.46f : 0.40f);
    float cluster_h = content_h * 0.60f;
    l->cluster = (struct frect){m, top, left_w - m, cluster_h - m};
    l->clocks = (struct frect){m, top + cluster_h, left_w - m, content_h - cluster_h};
    float mid_x = left_w + m, mid_w = W - insp_w - mid_x - m;
    float st_h = content_h * 0.64f;
    l->spacetime = (struct frect){mid_x, top, mid_w, st_h - m};
    l->history = (struct frect){mid_x, top + st_h, mid_w, content_h - st_h};
    l->inspector = (struct frect){W - insp_w, top, insp_w - m, content_h};
}

enum role_look role_look_of(enum dslab_role_class role) {
    switch (role) {
    case DSLAB_ROLE_NONE: return LOOK_NONE;
    case DSLAB_ROLE_LEADER:
    case DSLAB_ROLE_PRIMARY:
    case DSLAB_ROLE_COORDINATOR: return LOOK_LEADER;
    case DSLAB_ROLE_FOLLOWER:
    case DSLAB_ROLE_BACKUP:
    case DSLAB_ROLE_PARTICIPANT: return LOOK_FOLLOWER;
    case DSLAB_ROLE_CANDIDATE: return LOOK_CANDIDATE;
    default: return LOOK_OTHER;
    }
}

struct rgba role_colour(enum role_look rc) {
    switch (rc) {
    case LOOK_LEADER: return COL_ORANGE;
    case LOOK_FOLLOWER: return COL_SKY;
    case LOOK_CANDIDATE: return COL_YELLOW;
    case LOOK_OTHER: return COL_PURPLE;
    default: return RGBA(0x8fa3bf, 255);
    }
}

void fmt_time(int64_t t_ns, char *buf, size_t size) {
    int64_t us = t_ns / 1000;
    snprintf(buf, size, "%s%lld.%06llds", t_ns < 0 ? "-" : "",
             (long long)((us < 0 ? -us : us) / 1000000), (long long)((us < 0 ? -us : us) % 1000000));
}

void fmt_offset(int64_t d_ns, char *buf, size_t size) {
    int64_t a = d_ns < 0 ? -d_ns : d_ns;
    const char *sign = d_ns < 0 ? "-" : "+";
    if (a >= 1000000000) {
        snprintf(buf, size, "%s%lld.%03llds", sign, (long long)(a / 1000000000),
                 (long long)(a % 1000000000 / 1000000));
    } else if (a >= 1000000) {
        snprintf(buf, size, "%s%lld.%03lldms", sign, (long long)(a / 1000000),
                 (long long)(a % 1000000 / 1000));
    } else if (a >= 1000) {
        snprintf(buf, size, "%s%lld.%03lldus", sign, (long long)(a / 1000), (long long)(a % 1000));
    } else {
        snprintf(buf, size, "%s%lldns", sign, (long long)a);
    }
}
