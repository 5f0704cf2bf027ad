/* viz_font.c: fonts through SDL2_ttf (found by viz_font_find.c), with a
 * cache of rendered text.
 *
 * Rasterising text is the most expensive thing in a frame, and most labels
 * repeat from one frame to the next (node names, axis ticks), so each
 * (font, colour, string) is rendered once into a texture and kept. The cache
 * is a hash table that is simply emptied when it grows past
 * TEXT_CACHE_MAX entries: labels that change every frame (the clock) then
 * cost one rasterisation each, the rest are found again. */
#include "viz_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_CACHE_MAX 4096
#define TEXT_KEY_MAX 160

struct text_entry {
    uint64_t hash;
    char key[TEXT_KEY_MAX];
    uint8_t font;
    struct rgba colour;
    SDL_Texture *tex;
    int w, h;
};

#define SANS {"DejaVuSans.ttf", "DejaVu Sans", false, false}
#define SANS_BOLD {"DejaVuSans-Bold.ttf", "DejaVu Sans", true, false}
#define MONO {"DejaVuSansMono.ttf", "DejaVu Sans Mono", false, true}
/* The faces, in enum font_id order (where they are found: viz_font_find.c). */
static const struct viz_font_want font_faces[FONT_COUNT] = {
    [FONT_SMALL] = SANS, [FONT_NORMAL] = SANS, [FONT_BOLD] = SANS_BOLD,
    [FONT_MONO] = MONO,  [FONT_TITLE] = SANS_BOLD, [FONT_BIG] = SANS_BOLD,
};
static const float font_size_pt[FONT_COUNT] = {
    [FONT_SMALL] = 10.5f, [FONT_NORMAL] = 12.5f, [FONT_BOLD] = 12.5f,
    [FONT_MONO] = 11.5f,  [FONT_TITLE] = 15.0f,  [FONT_BIG] = 20.0f,
};

int fonts_init(struct fonts *fo, SDL_Renderer *ren, float scale, struct dslab_diag *diag) {
    memset(fo, 0, sizeof *fo);
    fo->ren = ren;
    if (!TTF_WasInit() && TTF_Init() != 0) {
        return dslab_diag_set(diag, "", 0, 0, "cannot start SDL2_ttf: %s", TTF_GetError());
    }
    char paths[FONT_COUNT][VIZ_FONT_PATH_MAX];
    if (viz_fonts_locate(font_faces, FONT_COUNT, paths, diag) != 0) return -1;
    for (int i = 0; i < FONT_COUNT; i++) {
        int pt = (int)(font_size_pt[i] * scale + 0.5f);
        fo->f[i] = TTF_OpenFont(paths[i], pt < 6 ? 6 : pt);
        if (!fo->f[i]) {
            int rc = dslab_diag_set(diag, "", 0, 0,
                              "cannot open font %s: %s (install fonts-dejavu-core or set "
                              "DSLAB_FONT_DIR)",
                              paths[i], TTF_GetError());
            fonts_deinit(fo);
            return rc;
        }
        TTF_SetFontHinting(fo->f[i], TTF_HINTING_LIGHT);
        fo->height[i] = TTF_FontHeight(fo->f[i]);
    }
    fo->table_cap = TEXT_CACHE_MAX * 2;
    fo->table = calloc((size_t)fo->table_cap, sizeof *fo->table);
    if (!fo->table) {
        abort();
    }
    return 0;
}

static void cache_clear(struct fonts *fo) {
    for (int32_t i = 0; i < fo->cache_count; i++) {
        SDL_DestroyTexture(fo->cache[i].tex);
    }
    fo->cache_count = 0;
    if (fo->table) {
        memset(fo->table, 0, (size_t)fo->table_cap * sizeof *fo->table);
    }
}

void fonts_boxes_clear(struct fonts *fo) { fo->boxes_count = 0; }

/* Records a drawn text's box (fonts.record_boxes): the tests' view of the
 * layout. The box is the font's line (ascent + descent), as wide as the
 * text's advance. */
static void record_box(struct fonts *fo, enum font_id f, const char *s, float x, float y, int w) {
    if (!fo->record_boxes || w <= 0) return;
    struct text_box *b = VIZ_PUSH(fo->boxes, fo->boxes_count, fo->boxes_cap);
    b->x = x;
    b->y = y;
    b->w = (float)w;
    b->h = (float)(TTF_FontAscent(fo->f[f]) - TTF_FontDescent(fo->f[f]));
    b->font = (uint8_t)f;
    snprintf(b->text, sizeof b->text, "%s", s);
    b->clip = (SDL_Rect){0, 0, 0, 0};
    if (SDL_RenderIsClipEnabled(fo->ren)) SDL_RenderGetClipRect(fo->ren, &b->clip);
}

void fonts_deinit(struct fonts *fo) {
    free(fo->boxes);
    fo->boxes = NULL;
    fo->boxes_count = fo->boxes_cap = 0;
    cache_clear(fo);
    free(fo->cache);
    free(fo->table);
    for (int i = 0; i < FONT_COUNT; i++) {
        if (fo->f[i]) {
            TTF_CloseFont(fo->f[i]);
        }
    }
    memset(fo, 0, sizeof *fo);
}

static uint64_t text_hash(enum font_id f, struct rgba c, const char *s) {
    uint64_t h = 1469598103934665603ull;
    h = (h ^ (uint64_t)f) * 1099511628211ull;
    h = (h ^ ((uint64_t)c.r << 24 | (uint64_t)c.g << 16 | (uint64_t)c.b << 8 | c.a)) *
        1099511628211ull;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    }
    return h;
}

/* Finds or renders the entry; NULL for empty text or a render failure. */
static struct text_entry *text_get(struct fonts *fo, enum font_id f, const char *s, struct rgba c) {
    if (!s || !*s || strlen(s) >= TEXT_KEY_MAX) {
        return NULL;
    }
    uint64_t h = text_hash(f, c, s);
    int32_t slot = (int32_t)(h % (uint64_t)fo->table_cap);
    for (;;) {
        int32_t idx = fo->table[slot];
        if (idx == 0) {
            break;
        }
        struct text_entry *e = &fo->cache[idx - 1];
        if (e->hash == h && e->font == f && memcmp(&e->colour, &c, sizeof c) == 0 &&
            strcmp(e->key, s) == 0) {
            return e;
        }
        slot = (slot + 1) % fo->table_cap;
    }
    if (fo->cache_count >= TEXT_CACHE_MAX) {
        cache_clear(fo);
        return text_get(fo, f, s, c);
    }
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Surface *surf = TTF_RenderUTF8_Blended(fo->f[f], s, col);
    if (!surf) {
        return NULL;
    }
    SDL_Texture *tex = SDL_CreateTextureFromSurface(fo->ren, surf);
    int w = surf->w, hgt = surf->h;
    SDL_FreeSurface(surf);
    if (!tex) {
        return NULL;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    struct text_entry *e = VIZ_PUSH(fo->cache, fo->cache_count, fo->cache_cap);
    e->hash = h;
    snprintf(e->key, sizeof e->key, "%s", s);
    e->font = (uint8_t)f;
    e->colour = c;
    e->tex = tex;
    e->w = w;
    e->h = hgt;
    fo->table[slot] = fo->cache_count;
    return e;
}

/* Monospaced ASCII is drawn glyph by glyph from the cache: numbers that
 * change every frame (clocks, the time) then cost no rasterisation. */
static bool mono_ascii(enum font_id f, const char *s) {
    if (f != FONT_MONO) {
        return false;
    }
    for (; *s; s++) {
        if ((unsigned char)*s >= 128) return false;
    }
    return true;
}

static int mono_advance(struct fonts *fo) {
    int minx, maxx, miny, maxy, adv = 0;
    TTF_GlyphMetrics(fo->f[FONT_MONO], 'M', &minx, &maxx, &miny, &maxy, &adv);
    return adv;
}

int text_width(struct fonts *fo, enum font_id f, const char *s) {
    if (!s || !*s) {
        return 0;
    }
    if (mono_ascii(f, s)) {
        return (int)strlen(s) * mono_advance(fo);
    }
    int w = 0, h = 0;
    TTF_SizeUTF8(fo->f[f], s, &w, &h);
    return w;
}

static int mono_draw(struct fonts *fo, struct draw *d, const char *s, float x, float y,
                     struct rgba c, enum text_align align) {
    int adv = mono_advance(fo), w = (int)strlen(s) * adv;
    float x0 = align == ALIGN_CENTER ? x - (float)w / 2 : align == ALIGN_RIGHT ? x - (float)w : x;
    draw_flush(d);
    record_box(fo, FONT_MONO, s, (float)(int)(x0 + 0.5f), (float)(int)(y + 0.5f), w);
    for (int i = 0; s[i]; i++) {
        char g[2] = {s[i], 0};
        struct text_entry *e = s[i] == ' ' ? NULL : text_get(fo, FONT_MONO, g, c);
        if (e) {
            SDL_Rect dst = {(int)(x0 + 0.5f) + i * adv, (int)(y + 0.5f), e->w, e->h};
            SDL_RenderCopy(fo->ren, e->tex, NULL, &dst);
        }
    }
    return w;
}

int text_draw(struct fonts *fo, struct draw *d, enum font_id f, const char *s, float x, float y,
              struct rgba c, enum text_align align) {
    if (s && mono_ascii(f, s)) {
        return mono_draw(fo, d, s, x, y, c, align);
    }
    struct text_entry *e = text_get(fo, f, s, c);
    if (!e) {
        return 0;
    }
    draw_flush(d);
    float dx = align == ALIGN_CENTER ? (float)e->w / 2 : align == ALIGN_RIGHT ? (float)e->w : 0;
    SDL_Rect dst = {(int)(x - dx + 0.5f), (int)(y + 0.5f), e->w, e->h};
    SDL_RenderCopy(fo->ren, e->tex, NULL, &dst);
    record_box(fo, f, s, (float)dst.x, (float)dst.y, e->w);
    return e->w;
}

int text_draw_fit(struct fonts *fo, struct draw *d, enum font_id f, const char *s, float x,
                  float y, float max_w, struct rgba c) {
    if (!s || !*s || max_w <= 0) {
        return 0;
    }
    if (text_width(fo, f, s) <= max_w) {
        return text_draw(fo, d, f, s, x, y, c, ALIGN_LEFT);
    }
    /* The longest prefix that fits with an ellipsis, by bisection: the
     * width grows with the prefix, and measuring is the costly part (this
     * runs every frame for every truncated label). */
    char buf[TEXT_KEY_MAX];
    size_t hi = strlen(s);
    if (hi > TEXT_KEY_MAX - 4) {
        hi = TEXT_KEY_MAX - 4;
    }
    size_t lo = 0; /* prefix length known to fit (0 always "fits") */
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        size_t cut = mid;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) {
            cut--; /* on a UTF-8 boundary */
        }
        memcpy(buf, s, cut);
        memcpy(buf + cut, "\xE2\x80\xA6", 4); /* ellipsis */
        if (cut > lo && text_width(fo, f, buf) <= max_w) {
            lo = cut;
        } else {
            hi = mid - 1;
        }
    }
    if (lo > 0) {
        memcpy(buf, s, lo);
        memcpy(buf + lo, "\xE2\x80\xA6", 4);
        return text_draw(fo, d, f, buf, x, y, c, ALIGN_LEFT);
    }
    return 0;
}

/* Word-wraps s into at most max_lines lines of max_w; draws them when d
 * is not NULL. Returns the lines used; *complete says whether all of s
 * fitted (no ellipsis on the last line). */
static int wrap(struct fonts *fo, struct draw *d, enum font_id f, const char *s, float x, float y,
                float max_w, int max_lines, struct rgba c, bool *complete) {
    int lines = 0;
    float line_h = (float)fo->height[f] + 1;
    char buf[TEXT_KEY_MAX];
    *complete = true;
    while (s && *s && lines < max_lines) {
        /* Add words while the line fits (one measurement per word). */
        size_t take = 0, len = strlen(s);
        while (take < len) {
            size_t next = take;
            while (next < len && s[next] == ' ') next++;
            while (next < len && s[next] != ' ') next++;
            if (next >= TEXT_KEY_MAX) break;
            memcpy(buf, s, next);
            buf[next] = '\0';
            if (text_width(fo, f, buf) > max_w) break;
            take = next;
        }
        float ly = y + (float)lines * line_h;
        if (take == 0 || (lines == max_lines - 1 && take < len)) {
            /* one long word, or the last line */
            if (d) text_draw_fit(fo, d, f, s, x, ly, max_w, c);
            *complete = text_width(fo, f, s) <= max_w;
            lines++;
            return lines;
        }
        if (d) {
            memcpy(buf, s, take);
            buf[take] = '\0';
            text_draw(fo, d, f, buf, x, ly, c, ALIGN_LEFT);
        }
        lines++;
        s += take;
        while (*s == ' ') s++;
    }
    if (s && *s) *complete = false;
    return lines;
}

int text_draw_wrapped(struct fonts *fo, struct draw *d, enum font_id f, const char *s, float x,
                      float y, float max_w, int max_lines, struct rgba c) {
    bool complete;
    int lines = wrap(fo, d, f, s, x, y, max_w, max_lines, c, &complete);
    return (int)((float)lines * ((float)fo->height[f] + 1));
}

int text_wrap_lines(struct fonts *fo, enum font_id f, const char *s, float max_w, int max_lines,
                    bool *complete) {
    return wrap(fo, NULL, f, s, 0, 0, max_w, max_lines, (struct rgba){0, 0, 0, 0}, complete);
}
