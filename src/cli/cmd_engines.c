#include "cli.h"
#include "engine.h"

#include <stdio.h>
#include <string.h>

const char cmd_engines_usage[] =
    "usage: mcubench engines\n"
    "\n"
    "Lists every engine: its name (for --engine), whether it can be used on this machine (if\n"
    "not, which framework archive is missing and where it was looked for), the version of its\n"
    "sources and what it is. See docs/engines.md.\n"
    "Exit codes: 0, 2 bad usage.\n";

int cmd_engines(int argc, char **argv)
{
    if (argc > 1)
        return cli_usage_error("engines", "no arguments expected, got '%s'", argv[1]);
    for (const mcb_engine *const *e = mcb_engines(); *e; e++) {
        char why[512], version[128];
        const int ok = (*e)->available(why, sizeof why);
        (*e)->version(version, sizeof version);
        printf("%-14s %-11s %-24s %s\n", (*e)->name, ok ? "available" : "unavailable", version,
               (*e)->about);
        if (!ok)
            printf("%-14s %s\n", "", why);
    }
    return MCB_EXIT_OK;
}
