/* cmd_help.c: `dslab help [COMMAND|protocols|checks]`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "data_root.h"
#include "dslab/check.h"
#include "dslab/node.h"

static const char intro[] =
    "dslab: a distributed-systems learning lab.\n"
    "Deterministic simulations of nodes, networks and clocks from YAML scenarios;\n"
    "the same scenario and seed give the same run on every machine.\n"
    "\n"
    "usage: dslab COMMAND [ARGS]   (dslab COMMAND --help for details)\n"
    "\n"
    "commands:\n";

int cmd_help(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "protocols") == 0) {
        for (int i = 0; i < dslab_protocol_count(); i++) {
            printf("  %-20s %s\n", dslab_protocol_at(i)->name, dslab_protocol_at(i)->summary);
        }
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "checks") == 0) {
        for (int i = 0; i < dslab_checker_count(); i++) {
            printf("  %-28s %s\n", dslab_checker_at(i)->name, dslab_checker_at(i)->summary);
        }
        return 0;
    }
    if (argc >= 2 && !cli_is_help(argv[1])) {
        for (int i = 0; i < cli_commands_count; i++) {
            if (strcmp(cli_commands[i].name, argv[1]) == 0 && strcmp(argv[1], "help") != 0) {
                char help_flag[] = "--help";
                char *args[] = {argv[1], help_flag, NULL};
                return cli_commands[i].main(2, args);
            }
        }
        return cli_usage_error("help", "unknown command '%s'", argv[1]);
    }
    fputs(intro, stdout);
    for (int i = 0; i < cli_commands_count; i++) {
        printf("  %-16s %s\n", cli_commands[i].name, cli_commands[i].summary);
    }
    printf("\n  dslab help protocols   the built-in protocols\n"
           "  dslab help checks      the checkers a scenario can name in `checks:`\n"
           "\nStart with: dslab run scenarios/intro/leader-loses-majority.yaml\n");
    /* Where the data and the node-code headers come from (data_root.h). */
    struct cli_root root = cli_data_root(NULL);
    printf("\ndata:    %s (%s)\nheaders: %s (for node code)\n", root.path, cli_root_origin_text(root.origin),
           cli_node_include_dir());
    return 0;
}
