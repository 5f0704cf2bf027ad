/* overrides.c: `--set KEY=VALUE` flags shared by every command that loads
 * a scenario (run, lint, viz, explore, ...). See cli.h. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_overrides_add(struct cli_overrides *o, const char *cmd, const char *arg) {
    const char *eq = arg ? strchr(arg, '=') : NULL;
    if (!eq || eq == arg) {
        return cli_usage_error(cmd, "--set needs KEY=VALUE (e.g. network.loss=0.1), got '%s'",
                               arg ? arg : "");
    }
    if (o->count == CLI_OVERRIDES_MAX) {
        return cli_usage_error(cmd, "too many --set (limit %d)", CLI_OVERRIDES_MAX);
    }
    char *copy = strdup(arg);
    if (!copy) return cli_usage_error(cmd, "out of memory");
    copy[eq - arg] = 0;
    o->storage[o->count] = copy;
    o->items[o->count].path = copy;
    o->items[o->count].value = copy + (eq - arg) + 1;
    o->count++;
    return 0;
}

int cli_overrides_take(struct cli_overrides *o, const char *cmd, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    if (strncmp(a, "--set=", 6) == 0) return cli_overrides_add(o, cmd, a + 6);
    if (strcmp(a, "--set") != 0) return -1;
    if (*i + 1 >= argc) return cli_usage_error(cmd, "--set needs KEY=VALUE");
    (*i)++;
    return cli_overrides_add(o, cmd, argv[*i]);
}

void cli_overrides_free(struct cli_overrides *o) {
    for (int i = 0; i < o->count; i++) free(o->storage[i]);
    o->count = 0;
}
