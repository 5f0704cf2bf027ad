/* process_argv.c: shell-free splitting of a `process:` command (see
 * process_argv.h for the rules). */
#include "nodes/process_argv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char **process_argv_split(const char *command, char *err, size_t err_size) {
    size_t clen = strlen(command);
    if (clen > PROCESS_COMMAND_BYTES_MAX) {
        snprintf(err, err_size, "the command is %zu bytes, more than %d", clen,
                 PROCESS_COMMAND_BYTES_MAX);
        return NULL;
    }
    /* argv pointers, then the words (each no longer than the command). */
    size_t ptrs = (PROCESS_ARGV_MAX + 1) * sizeof(char *);
    char **argv = malloc(ptrs + 2 * clen + 2);
    if (!argv) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    char *out = (char *)argv + ptrs;
    int argc = 0;
    const char *s = command;
    for (;;) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) break;
        if (argc == PROCESS_ARGV_MAX) {
            snprintf(err, err_size, "more than %d words in the command", PROCESS_ARGV_MAX);
            free(argv);
            return NULL;
        }
        argv[argc++] = out;
        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '\'') {
                const char *end = strchr(s + 1, '\'');
                if (!end) {
                    snprintf(err, err_size, "unterminated ' quote at byte %zu of the command",
                             (size_t)(s - command) + 1);
                    free(argv);
                    return NULL;
                }
                memcpy(out, s + 1, (size_t)(end - s - 1));
                out += end - s - 1;
                s = end + 1;
            } else if (*s == '"') {
                const char *start = s++;
                while (*s && *s != '"') {
                    if (*s == '\\' && (s[1] == '"' || s[1] == '\\')) s++;
                    *out++ = *s++;
                }
                if (!*s) {
                    snprintf(err, err_size, "unterminated \" quote at byte %zu of the command",
                             (size_t)(start - command) + 1);
                    free(argv);
                    return NULL;
                }
                s++;
            } else if (*s == '\\') {
                if (!s[1]) {
                    snprintf(err, err_size, "the command ends with a lone backslash");
                    free(argv);
                    return NULL;
                }
                *out++ = s[1];
                s += 2;
            } else {
                *out++ = *s++;
            }
        }
        *out++ = '\0';
    }
    if (argc == 0) {
        snprintf(err, err_size, "the command is empty");
        free(argv);
        return NULL;
    }
    if (argv[0][0] == '\0') {
        snprintf(err, err_size, "the program name is empty");
        free(argv);
        return NULL;
    }
    argv[argc] = NULL;
    return argv;
}
