#include "cli.h"
#include "err.h"
#include "paper.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char cmd_paper_usage[] =
    "usage: mcubench paper [--datasets mnist,cifar10] [--kernels 16,32,64,96,128]\n"
    "                      [--engines LIST] [--images N] [--conditions fair|paper|fair,paper]\n"
    "                      [--jobs N] [--shard I/N] [--retrain] [--models DIR] [--target T]\n"
    "                      [--data DIR] [-o DIR]\n"
    "\n"
    "The paper's experiment: every network of the family on every engine, each measured on N\n"
    "distinct test images in the simulator with every output checked bit-exact against the\n"
    "host first. Writes DIR/results.csv, DIR/results.json (one row per network x engine x\n"
    "conditions), DIR/report.md and DIR/report.html (tables and figures, DIR/figures/). Each\n"
    "cell is stored in DIR/cells/ when it finishes: rerunning the same command resumes.\n"
    "See docs/benchmark.md.\n"
    "\n"
    "  --datasets L    mnist, cifar10 or both (default both)\n"
    "  --kernels L     kernel counts (default 16,32,64,96,128)\n"
    "  --engines L     engines (default: all; 'mcubench engines' lists them)\n"
    "  --images N      test images per cell, 1..100 (default 10)\n"
    "  --conditions C  fair (default: same flags, cache on, weights in flash, DC/DC), paper\n"
    "                  (each framework as the paper built it) or fair,paper\n"
    "  --jobs N        cells measured at once (default: the number of CPUs)\n"
    "  --shard I/N     only every N-th cell, starting at the I-th (1-based); combine the\n"
    "                  shards with 'mcubench merge'\n"
    "  --retrain       train and quantize the networks into DIR/models (the zoo's recipe)\n"
    "                  instead of taking the committed zoo\n"
    "  --models DIR    the zoo (default $MCUBENCH_MODELS, else the project's models/)\n"
    "  --target T      board (default nrf52840)\n"
    "  --data DIR      dataset directory (default $MCUBENCH_DATA, else ./data)\n"
    "  -o DIR          output folder (default paper-results)\n"
    "\n"
    "Exit codes: 0 every cell ran (or does not fit, or its engine is unavailable), 1 a cell\n"
    "failed (its row says why) or bad input, 2 bad usage.\n";

int cmd_paper(int argc, char **argv)
{
    mcb_paper_opts o = {.s.images = 10, .out = "paper-results"};
    const char *datasets = "mnist,cifar10", *kernels = "16,32,64,96,128", *engines = NULL;
    const char *conditions = "fair", *target = "nrf52840";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu > 0 ? (int)ncpu : 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--retrain")) {
            o.s.retrain = 1;
            continue;
        }
        if (a[0] != '-')
            return cli_usage_error("paper", "unexpected argument '%s'", a);
        static const char *const takes[] = {"--datasets", "--kernels", "--engines", "--images",
                                            "--conditions", "--jobs", "--shard", "--models",
                                            "--target", "--data", "-o", "--output", NULL};
        int known = 0;
        for (int k = 0; takes[k]; k++)
            known |= !strcmp(a, takes[k]);
        if (!known)
            return cli_usage_error("paper", "unknown option '%s'", a);
        const char *v = cli_value("paper", argc, argv, &i);
        if (!v)
            return MCB_EXIT_USAGE;
        long n;
        if (!strcmp(a, "--datasets"))
            datasets = v;
        else if (!strcmp(a, "--kernels"))
            kernels = v;
        else if (!strcmp(a, "--engines"))
            engines = v;
        else if (!strcmp(a, "--conditions"))
            conditions = v;
        else if (!strcmp(a, "--models"))
            o.models_dir = v;
        else if (!strcmp(a, "--target"))
            target = v;
        else if (!strcmp(a, "--data"))
            o.data_dir = v;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
            o.out = v;
        else if (!strcmp(a, "--images")) {
            if (cli_parse_int("paper", "--images", v, 1, MCB_PAPER_MAX_IMAGES, &n) < 0)
                return MCB_EXIT_USAGE;
            o.s.images = (int)n;
        } else if (!strcmp(a, "--jobs")) {
            if (cli_parse_int("paper", "--jobs", v, 1, 64, &n) < 0)
                return MCB_EXIT_USAGE;
            o.jobs = (int)n;
        } else {
            char extra;
            if (sscanf(v, "%d/%d%c", &o.shard_i, &o.shard_n, &extra) != 2 || o.shard_n < 1 ||
                o.shard_i < 1 || o.shard_i > o.shard_n)
                return cli_usage_error("paper", "--shard takes I/N with 1 <= I <= N, not '%s'",
                                       v);
        }
    }
    snprintf(o.s.target, sizeof o.s.target, "%s", target);
    if (mcb_paper_sweep_parse(&o.s, datasets, kernels, engines, conditions) < 0)
        return MCB_EXIT_USAGE;
    const int rc = mcb_paper_run(&o);
    if (rc < 0)
        return MCB_EXIT_INPUT;
    printf("report: %s/report.html (and report.md); results: %s/results.csv, %s/results.json\n",
           o.out, o.out, o.out);
    if (rc > 0)
        mcb_error("%s: some cells failed (see 'Cells that did not run' in the report)", o.out);
    return rc ? MCB_EXIT_INPUT : MCB_EXIT_OK;
}
