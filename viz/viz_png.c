/* viz_png.c: writes what the renderer shows into a PNG file (SDL2_image).
 *
 * Reads the pixels back from the renderer, so the same call works for the
 * headless software renderer and for a window (a screenshot). */
#include "viz_internal.h"

#include "dslab/outfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <SDL_image.h>

int viz_png_save(SDL_Renderer *ren, int width, int height, const char *path, struct dslab_diag *diag) {
    SDL_RenderFlush(ren);
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out) {
        return dslab_diag_set(diag, path, 0, 0, "cannot make an image: %s", SDL_GetError());
    }
    if (SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, out->pixels, out->pitch) != 0) {
        int rc = dslab_diag_set(diag, path, 0, 0, "cannot read the frame: %s", SDL_GetError());
        SDL_FreeSurface(out);
        return rc;
    }
    /* The frame is opaque: drop any alpha left by blending onto the surface. */
    SDL_SetSurfaceBlendMode(out, SDL_BLENDMODE_NONE);
    for (int y = 0; y < height; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)out->pixels + (size_t)y * (size_t)out->pitch);
        for (int x = 0; x < width; x++) {
            row[x] |= 0xff000000u;
        }
    }
    /* Through dslab/outfile.h (beside the target and renamed: a crash never
     * leaves half a PNG; a device is written through). Through our own FILE,
     * because IMG_SavePNG() does not report failed writes (a full disk gave
     * a truncated PNG and success): the stream's error flag and
     * fflush/fclose do. */
    struct dslab_outfile of;
    if (dslab_outfile_open(&of, path, diag) < 0) {
        SDL_FreeSurface(out);
        return -1;
    }
    int rc = 0;
    SDL_RWops *rw = SDL_RWFromFP(of.f, SDL_FALSE);
    if (!rw || IMG_SavePNG_RW(out, rw, 1) != 0) {
        rc = dslab_diag_set(diag, path, 0, 0, "cannot write the PNG: %s", IMG_GetError());
        dslab_outfile_abort(&of);
    } else {
        rc = dslab_outfile_commit(&of, diag);
    }
    SDL_FreeSurface(out);
    return rc;
}
