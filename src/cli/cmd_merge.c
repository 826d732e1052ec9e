#include "cli.h"
#include "err.h"
#include "paper.h"

#include <stdio.h>
#include <string.h>

const char cmd_merge_usage[] =
    "usage: mcubench merge DIR... -o OUT\n"
    "\n"
    "Combines the folders of 'mcubench paper --shard I/N' runs of one sweep into OUT: their\n"
    "cells, then results and report as one run would have written them. The folders must hold\n"
    "the same sweep (sweep.txt); a cell found in two folders must be the same bytes.\n"
    "Exit codes: 0 every cell is there and ran, 1 a cell failed or is missing, or bad input,\n"
    "2 bad usage.\n";

int cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char *dirs[256];
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (!(out = cli_value("merge", argc, argv, &i)))
                return MCB_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("merge", "unknown option '%s'", argv[i]);
        } else if (n == 256) {
            return cli_usage_error("merge", "at most 256 folders");
        } else {
            dirs[n++] = argv[i];
        }
    }
    if (!n)
        return cli_usage_error("merge", "missing DIR...");
    if (!out)
        return cli_usage_error("merge", "missing -o OUT");
    const int rc = mcb_paper_merge(dirs, n, out);
    if (rc < 0)
        return MCB_EXIT_INPUT;
    printf("report: %s/report.html (and report.md); results: %s/results.csv, %s/results.json\n",
           out, out, out);
    if (rc > 0)
        mcb_error("%s: some cells failed or are missing (see the report)", out);
    return rc ? MCB_EXIT_INPUT : MCB_EXIT_OK;
}
