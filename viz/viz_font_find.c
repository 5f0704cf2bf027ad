/* viz_font_find.c: which font files the visualiser opens (viz_font.c).
 *
 * For each wanted face (a DejaVu file name, its family, bold or not), in
 * this order:
 *   1. $DSLAB_FONT_DIR/FILE when DSLAB_FONT_DIR is set (and nothing else:
 *      an explicit choice that fails is an error, not a silent fallback);
 *   2. fontconfig's best match for the family and weight (built with
 *      fontconfig only: DSLAB_HAVE_FONTCONFIG), which finds DejaVu
 *      wherever the system keeps it, or the closest installed face;
 *   3. FILE in the directories distributions install DejaVu to (the
 *      bundled search, below).
 * Nothing here is part of a simulation: fonts change pixels, never runs. */
#include "viz_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef DSLAB_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

/* Debian/Ubuntu, Fedora (two layouts), Arch, Homebrew and macOS, /usr/local.
 * Relative entries are under $HOME. */
static const char *const bundled_dirs[] = {
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu-sans-mono-fonts", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
    "/usr/local/share/fonts", "/usr/local/share/fonts/dejavu", "/opt/homebrew/share/fonts",
    "/Library/Fonts", "Library/Fonts", ".local/share/fonts",
};

static int readable(const char *path) {
    return access(path, R_OK) == 0;
}

/* 0 with `out` set when dir/file is readable. */
static int try_dir(const char *dir, const char *file, char *out, size_t size) {
    if ((size_t)snprintf(out, size, "%s/%s", dir, file) >= size) return -1;
    return readable(out) ? 0 : -1;
}

static int bundled_search(const char *file, char *out, size_t size) {
    const char *home = getenv("HOME");
    for (size_t i = 0; i < sizeof bundled_dirs / sizeof bundled_dirs[0]; i++) {
        const char *d = bundled_dirs[i];
        if (d[0] == '/') {
            if (try_dir(d, file, out, size) == 0) return 0;
        } else if (home && home[0] == '/') {
            char dir[VIZ_FONT_PATH_MAX];
            if ((size_t)snprintf(dir, sizeof dir, "%s/%s", home, d) < sizeof dir && try_dir(dir, file, out, size) == 0) return 0;
        }
    }
    return -1;
}

#ifdef DSLAB_HAVE_FONTCONFIG
/* fontconfig's best scalable match for (family, bold, mono). */
static int fc_match(FcConfig *cfg, const struct viz_font_want *w, char *out, size_t size) {
    FcPattern *pat = FcPatternCreate();
    if (!pat) return -1;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)w->family);
    FcPatternAddInteger(pat, FC_WEIGHT, w->bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    if (w->mono) FcPatternAddInteger(pat, FC_SPACING, FC_MONO);
    FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
    FcConfigSubstitute(cfg, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res = FcResultNoMatch;
    FcPattern *m = FcFontMatch(cfg, pat, &res);
    FcPatternDestroy(pat);
    int rc = -1;
    FcChar8 *file = NULL;
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch && file &&
        (size_t)snprintf(out, size, "%s", (const char *)file) < size && readable(out)) {
        rc = 0;
    }
    if (m) FcPatternDestroy(m);
    return rc;
}
#endif

int viz_fonts_locate(const struct viz_font_want *wants, int n, char (*paths)[VIZ_FONT_PATH_MAX],
                     struct dslab_diag *diag) {
    const char *dir = getenv("DSLAB_FONT_DIR");
    if (dir && dir[0]) {
        for (int i = 0; i < n; i++) {
            if (try_dir(dir, wants[i].file, paths[i], VIZ_FONT_PATH_MAX) != 0) {
                return dslab_diag_set(diag, "", 0, 0, "cannot read the font %s/%s (DSLAB_FONT_DIR is set: "
                                      "it must hold the DejaVu files, or unset it)", dir, wants[i].file);
            }
        }
        return 0;
    }
#ifdef DSLAB_HAVE_FONTCONFIG
    /* A private configuration, destroyed at once: no fontconfig state
     * outlives the search (leak checkers see none). */
    FcConfig *cfg = FcInitLoadConfigAndFonts();
#endif
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
#ifdef DSLAB_HAVE_FONTCONFIG
        if (cfg && fc_match(cfg, &wants[i], paths[i], VIZ_FONT_PATH_MAX) == 0) continue;
#endif
        if (bundled_search(wants[i].file, paths[i], VIZ_FONT_PATH_MAX) == 0) continue;
        rc = dslab_diag_set(diag, "", 0, 0, "cannot find the font %s (%s%s): install fonts-dejavu-core "
                            "(or any font fontconfig knows), or set DSLAB_FONT_DIR to a directory holding %s",
                            wants[i].family, wants[i].bold ? "bold" : "regular",
#ifdef DSLAB_HAVE_FONTCONFIG
                            "; fontconfig found none",
#else
                            "; dslab was built without fontconfig",
#endif
                            wants[i].file);
    }
#ifdef DSLAB_HAVE_FONTCONFIG
    if (cfg) FcConfigDestroy(cfg);
#endif
    return rc;
}
