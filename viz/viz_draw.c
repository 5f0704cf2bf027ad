/* viz_draw.c: drawing primitives as one batch of coloured triangles.
 *
 * Every shape appends triangles to a vertex buffer; draw_flush() hands the
 * whole batch to SDL_RenderGeometry in one call. With the software renderer
 * one call per layer instead of one per shape is what keeps a frame with
 * 2,000 messages in flight within budget. Text drawing flushes first, so
 * the painter's order is the order of calls. */
#include "viz_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265f

void draw_init(struct draw *d, SDL_Renderer *ren) {
    memset(d, 0, sizeof *d);
    d->ren = ren;
    d->v = NULL;
    d->n = 0;
    d->cap = 0;
}

void draw_deinit(struct draw *d) {
    for (int i = 0; i < DRAW_DOT_SIZES; i++) {
        if (d->dot[i]) SDL_DestroyTexture(d->dot[i]);
        d->dot[i] = NULL;
    }
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}

void draw_flush(struct draw *d) {
    /* Opaque runs without blending: the software renderer's fast path. */
    int32_t i = 0;
    while (i < d->n) {
        bool opaque = d->v[i].color.a == 255 && d->v[i + 1].color.a == 255 &&
                      d->v[i + 2].color.a == 255;
        int32_t j = i + 3;
        while (j < d->n) {
            bool o = d->v[j].color.a == 255 && d->v[j + 1].color.a == 255 &&
                     d->v[j + 2].color.a == 255;
            if (o != opaque) break;
            j += 3;
        }
        SDL_SetRenderDrawBlendMode(d->ren, opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        SDL_RenderGeometry(d->ren, NULL, d->v + i, j - i, NULL, 0);
        i = j;
    }
    d->n = 0;
}

/* A 1-pixel line through the renderer's own line drawing. The software
 * renderer fills a triangle by testing every pixel of its bounding box, so
 * a long thin diagonal as two triangles costs its whole bounding box;
 * Bresenham costs its length. */
static void line_px(struct draw *d, float x0, float y0, float x1, float y1, struct rgba c) {
    draw_flush(d);
    SDL_SetRenderDrawBlendMode(d->ren, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->ren, c.r, c.g, c.b, c.a);
    SDL_RenderDrawLineF(d->ren, x0, y0, x1, y1);
}

static void vert(struct draw *d, float x, float y, struct rgba c) {
    SDL_Vertex *v = VIZ_PUSH(d->v, d->n, d->cap);
    v->position.x = x;
    v->position.y = y;
    v->color.r = c.r;
    v->color.g = c.g;
    v->color.b = c.b;
    v->color.a = c.a;
    v->tex_coord.x = 0;
    v->tex_coord.y = 0;
}

void draw_triangle(struct draw *d, float x0, float y0, float x1, float y1, float x2, float y2,
                   struct rgba c) {
    if (d->n > 60000) {
        draw_flush(d);
    }
    vert(d, x0, y0, c);
    vert(d, x1, y1, c);
    vert(d, x2, y2, c);
}

static void quad(struct draw *d, float x0, float y0, float x1, float y1, float x2, float y2,
                 float x3, float y3, struct rgba c) {
    draw_triangle(d, x0, y0, x1, y1, x2, y2, c);
    draw_triangle(d, x0, y0, x2, y2, x3, y3, c);
}

void draw_rect(struct draw *d, float x, float y, float w, float h, struct rgba c) {
    if (w <= 0 || h <= 0) {
        return;
    }
    if (w * h < 600) {
        quad(d, x, y, x + w, y, x + w, y + h, x, y + h, c);
        return;
    }
    /* Big rectangles (panels, bands) as rectangle fills: two triangles
     * would test every pixel of the rectangle twice. */
    draw_flush(d);
    SDL_SetRenderDrawBlendMode(d->ren, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->ren, c.r, c.g, c.b, c.a);
    SDL_FRect r = {x, y, w, h};
    SDL_RenderFillRectF(d->ren, &r);
}

void draw_rect_outline(struct draw *d, float x, float y, float w, float h, float lw,
                       struct rgba c) {
    draw_rect(d, x, y, w, lw, c);
    draw_rect(d, x, y + h - lw, w, lw, c);
    draw_rect(d, x, y + lw, lw, h - 2 * lw, c);
    draw_rect(d, x + w - lw, y + lw, lw, h - 2 * lw, c);
}

static int segments_for(float r) {
    int n = (int)(r * 0.9f) + 8;
    return n > 48 ? 48 : n;
}

static void fan(struct draw *d, float cx, float cy, float r, float a0, float a1, struct rgba c) {
    int n = segments_for(r) / 4 + 2;
    float px = cx + r * cosf(a0), py = cy + r * sinf(a0);
    for (int i = 1; i <= n; i++) {
        float a = a0 + (a1 - a0) * (float)i / (float)n;
        float qx = cx + r * cosf(a), qy = cy + r * sinf(a);
        draw_triangle(d, cx, cy, px, py, qx, qy, c);
        px = qx;
        py = qy;
    }
}

void draw_round_rect(struct draw *d, float x, float y, float w, float h, float r, struct rgba c) {
    if (r * 2 > w) r = w / 2;
    if (r * 2 > h) r = h / 2;
    draw_rect(d, x + r, y, w - 2 * r, h, c);
    draw_rect(d, x, y + r, r, h - 2 * r, c);
    draw_rect(d, x + w - r, y + r, r, h - 2 * r, c);
    fan(d, x + r, y + r, r, PI_F, 1.5f * PI_F, c);
    fan(d, x + w - r, y + r, r, 1.5f * PI_F, 2 * PI_F, c);
    fan(d, x + w - r, y + h - r, r, 0, 0.5f * PI_F, c);
    fan(d, x + r, y + h - r, r, 0.5f * PI_F, PI_F, c);
}

void draw_line(struct draw *d, float x0, float y0, float x1, float y1, float w, struct rgba c) {
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f) {
        return;
    }
    if (fabsf(dy) < 0.01f) { /* horizontal: an exact rectangle */
        draw_rect(d, x0 < x1 ? x0 : x1, y0 - w * 0.5f, fabsf(dx), w, c);
        return;
    }
    if (fabsf(dx) < 0.01f) {
        draw_rect(d, x0 - w * 0.5f, y0 < y1 ? y0 : y1, w, fabsf(dy), c);
        return;
    }
    float nx = -dy / len * w * 0.5f, ny = dx / len * w * 0.5f;
    if (w <= 1.6f) {
        line_px(d, x0, y0, x1, y1, c);
        return;
    }
    if (w <= 2.8f && len > 12) { /* two parallel pixel lines */
        line_px(d, x0 + nx * 0.5f, y0 + ny * 0.5f, x1 + nx * 0.5f, y1 + ny * 0.5f, c);
        line_px(d, x0 - nx * 0.5f, y0 - ny * 0.5f, x1 - nx * 0.5f, y1 - ny * 0.5f, c);
        return;
    }
    quad(d, x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny, c);
}

void draw_dashed(struct draw *d, float x0, float y0, float x1, float y1, float w, float dash,
                 struct rgba c) {
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f || dash <= 0) {
        return;
    }
    float ux = dx / len, uy = dy / len;
    for (float s = 0; s < len; s += 2 * dash) {
        float e = s + dash < len ? s + dash : len;
        draw_line(d, x0 + ux * s, y0 + uy * s, x0 + ux * e, y0 + uy * e, w, c);
    }
}

void draw_circle(struct draw *d, float cx, float cy, float r, struct rgba c) {
    if (r <= 0) {
        return;
    }
    /* A soft edge: one translucent ring outside reads as anti-aliasing. */
    if (r >= 3 && c.a == 255) {
        struct rgba soft = c;
        soft.a = 90;
        draw_ring(d, cx, cy, r + 0.4f, 1.0f, soft);
    }
    fan(d, cx, cy, r, 0, 2 * PI_F, c);
}

/* A white disc of diameter `size` with a soft edge, tinted when drawn. */
static SDL_Texture *dot_texture(struct draw *d, int size) {
    if (d->dot[size]) return d->dot[size];
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) return NULL;
    float r = (float)size / 2;
    for (int y = 0; y < size; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < size; x++) {
            float dx = (float)x + 0.5f - r, dy = (float)y + 0.5f - r;
            float cover = r - sqrtf(dx * dx + dy * dy) + 0.5f;
            cover = cover < 0 ? 0 : cover > 1 ? 1 : cover;
            row[x] = ((uint32_t)(cover * 255) << 24) | 0xffffffu;
        }
    }
    d->dot[size] = SDL_CreateTextureFromSurface(d->ren, s);
    SDL_FreeSurface(s);
    if (d->dot[size]) SDL_SetTextureBlendMode(d->dot[size], SDL_BLENDMODE_BLEND);
    return d->dot[size];
}

void draw_dot(struct draw *d, float cx, float cy, float r, struct rgba c) {
    int size = (int)(2 * r + 0.5f);
    if (size < 2) size = 2;
    if (size >= DRAW_DOT_SIZES) {
        draw_circle(d, cx, cy, r, c);
        return;
    }
    SDL_Texture *t = dot_texture(d, size);
    if (!t) return;
    draw_flush(d);
    SDL_SetTextureColorMod(t, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(t, c.a);
    SDL_FRect dst = {cx - (float)size / 2, cy - (float)size / 2, (float)size, (float)size};
    SDL_RenderCopyF(d->ren, t, NULL, &dst);
}

void draw_ring(struct draw *d, float cx, float cy, float r, float w, struct rgba c) {
    int n = segments_for(r);
    float ri = r - w * 0.5f, ro = r + w * 0.5f;
    for (int i = 0; i < n; i++) {
        float a0 = 2 * PI_F * (float)i / (float)n, a1 = 2 * PI_F * (float)(i + 1) / (float)n;
        float c0 = cosf(a0), s0 = sinf(a0), c1 = cosf(a1), s1 = sinf(a1);
        quad(d, cx + ri * c0, cy + ri * s0, cx + ro * c0, cy + ro * s0, cx + ro * c1,
             cy + ro * s1, cx + ri * c1, cy + ri * s1, c);
    }
}

void draw_star(struct draw *d, float cx, float cy, float r, struct rgba c) {
    float ri = r * 0.5f;
    for (int i = 0; i < 10; i++) {
        float a0 = -PI_F / 2 + PI_F * (float)i / 5.0f;
        float a1 = -PI_F / 2 + PI_F * (float)(i + 1) / 5.0f;
        float r0 = (i % 2 == 0) ? r : ri, r1 = (i % 2 == 0) ? ri : r;
        draw_triangle(d, cx, cy, cx + r0 * cosf(a0), cy + r0 * sinf(a0), cx + r1 * cosf(a1),
                      cy + r1 * sinf(a1), c);
    }
}

void draw_diamond(struct draw *d, float cx, float cy, float r, struct rgba c) {
    quad(d, cx, cy - r, cx + r, cy, cx, cy + r, cx - r, cy, c);
}

void draw_arrow(struct draw *d, float x0, float y0, float x1, float y1, float w, float head,
                struct rgba c) {
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len < 0.5f) {
        return;
    }
    float ux = dx / len, uy = dy / len;
    if (head > len) {
        head = len;
    }
    float bx = x1 - ux * head, by = y1 - uy * head;
    draw_line(d, x0, y0, bx, by, w, c);
    float hw = head * 0.5f;
    draw_triangle(d, x1, y1, bx - uy * hw, by + ux * hw, bx + uy * hw, by - ux * hw, c);
}

void draw_cross(struct draw *d, float cx, float cy, float r, float w, struct rgba c) {
    draw_line(d, cx - r, cy - r, cx + r, cy + r, w, c);
    draw_line(d, cx - r, cy + r, cx + r, cy - r, w, c);
}

void draw_hatch(struct draw *d, float x, float y, float w, float h, float step, struct rgba c) {
    /* 45-degree stripes clipped to the rectangle. */
    for (float s = step; s < w + h; s += step) {
        float ax = x + s, ay = y, bx = x, by = y + s;
        if (ax > x + w) {
            ay += ax - (x + w);
            ax = x + w;
        }
        if (by > y + h) {
            bx += by - (y + h);
            by = y + h;
        }
        draw_line(d, ax, ay, bx, by, 1.0f, c);
    }
}

void *viz_grow(void *ptr, int32_t *cap, int32_t need, size_t elem_size) {
    if (need <= *cap) {
        return ptr;
    }
    int32_t c = *cap < 16 ? 16 : *cap;
    while (c < need) {
        c *= 2;
    }
    void *p = realloc(ptr, (size_t)c * elem_size);
    if (!p) {
        abort(); /* the visualiser cannot go on without memory */
    }
    *cap = c;
    return p;
}

void ivec_push(struct ivec *iv, int32_t x) {
    *VIZ_PUSH(iv->v, iv->n, iv->cap) = x;
}

int32_t ivec_last_before(const struct ivec *iv, int32_t ev_count) {
    int32_t lo = 0, hi = iv->n; /* first element >= ev_count */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (iv->v[mid] < ev_count) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo - 1;
}
