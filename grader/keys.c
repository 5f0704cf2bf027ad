/* keys.c: how answer keys are kept out of sight in exercise files.
 *
 * A taxonomy answer is stored as grader_key_hash(salt, id): FNV-1a over the salt,
 * a separator and the normalized term, then a 64-bit finalizer (so nearby
 * inputs give unrelated outputs). The salt is the exercise's id by
 * default, so the same term hashes differently in every exercise and a
 * table of hashes from one file does not decode another. This is not
 * cryptography: the taxonomy is public and short, and a determined reader
 * can hash every term (that is exactly how `dslab reveal` prints the key).
 * It only stops a glance from spoiling self-study. Free text (rubrics,
 * model solutions) must be read back, so it is XORed with a keystream from
 * the same salt and written as hex. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grader.h"

static uint64_t fnv1a(uint64_t h, const char *s) {
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

char *grader_key_normalize_term(const char *text, char *out, int out_size) {
    int n = 0;
    for (const char *p = text; *p && n < out_size - 1; p++) {
        if (isalnum((unsigned char)*p)) out[n++] = (char)tolower((unsigned char)*p);
    }
    out[n] = 0;
    return out;
}

/* Ends the word at out[start..n): drops a plural "s" of a long word. */
static int end_word(char *out, int start, int n, bool stem) {
    if (stem && n - start > 3 && out[n - 1] == 's' && out[n - 2] != 's') n--;
    return n;
}

char *grader_key_normalize_words(const char *text, bool stem, char *out, int out_size) {
    int n = 0;
    int word_start = -1;
    for (const char *p = text; *p && n < out_size - 2; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c)) {
            if (word_start < 0) {
                if (n > 0) out[n++] = ' ';
                word_start = n;
            }
            out[n++] = (char)tolower(c);
        } else if (word_start >= 0) {
            n = end_word(out, word_start, n, stem);
            word_start = -1;
        }
    }
    if (word_start >= 0) n = end_word(out, word_start, n, stem);
    out[n] = 0;
    return out;
}

void grader_key_hash(const char *salt, const char *term, char out[GRADER_HASH_LEN + 1]) {
    char norm[256];
    grader_key_normalize_term(term, norm, (int)sizeof norm);
    uint64_t h = fnv1a(UINT64_C(0xcbf29ce484222325), salt);
    h = fnv1a(h, "\x1f");
    h = fnv1a(h, norm);
    snprintf(out, GRADER_HASH_LEN + 1, "h:%016llx", (unsigned long long)mix64(h));
}

/* splitmix64 keystream seeded by the salt. */
static unsigned char keystream_next(uint64_t *state) {
    *state += UINT64_C(0x9e3779b97f4a7c15);
    return (unsigned char)(mix64(*state) >> 56);
}

int grader_key_encode(const char *salt, const char *plain, char *out, int out_size) {
    uint64_t state = fnv1a(UINT64_C(0xcbf29ce484222325), salt);
    int n = snprintf(out, (size_t)out_size, "enc:");
    for (const char *p = plain; *p; p++) {
        if (n + 3 > out_size) return -1;
        unsigned char c = (unsigned char)*p ^ keystream_next(&state);
        n += snprintf(out + n, (size_t)(out_size - n), "%02x", c);
    }
    return 0;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int grader_key_decode(const char *salt, const char *enc, char *out, int out_size) {
    if (strncmp(enc, "enc:", 4) != 0) return -1;
    const char *hex = enc + 4;
    size_t len = strlen(hex);
    if (len % 2 != 0 || (int)(len / 2) >= out_size) return -1;
    uint64_t state = fnv1a(UINT64_C(0xcbf29ce484222325), salt);
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        unsigned char c = (unsigned char)(hi * 16 + lo) ^ keystream_next(&state);
        if (c == 0) return -1;
        out[i] = (char)c;
    }
    out[len / 2] = 0;
    return 0;
}
