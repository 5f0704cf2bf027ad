/* process_argv.h: splits a `process:` command into argv without a shell.
 *
 * Rules (docs/PROCESS_NODES.md, "The command"): words are separated by
 * spaces or tabs; '...' keeps everything literally; "..." keeps everything
 * except that \" and \\ stand for " and \; outside quotes a backslash
 * takes the next character literally. Nothing else is special: no
 * variables, globs, ~, pipes, redirections or ';'. Want a shell? Write
 * `sh -c '...'` yourself. Pure: no host access. */
#ifndef DSLAB_PROCESS_ARGV_H
#define DSLAB_PROCESS_ARGV_H

#include <stddef.h>

/* Limits: a command is at most 4096 bytes and 64 words. */
#define PROCESS_COMMAND_BYTES_MAX 4096
#define PROCESS_ARGV_MAX 64

/* Returns a NULL-terminated argv in one allocation (free() it), or NULL
 * with a message in err (unterminated quote, empty, too long...). */
char **process_argv_split(const char *command, char *err, size_t err_size);

#endif
