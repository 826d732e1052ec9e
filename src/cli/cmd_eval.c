/* Placeholder until the eval command lands; replaced by its real implementation. */
#include "cli.h"

#include <stdio.h>

const char cmd_eval_usage[] = "usage: mcubench eval (not implemented yet)\n";

int cmd_eval(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcubench eval: not implemented yet\n");
    return MCB_EXIT_INPUT;
}
