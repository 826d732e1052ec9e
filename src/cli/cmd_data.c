/* Placeholder until the data command lands; replaced by its real implementation. */
#include "cli.h"

#include <stdio.h>

const char cmd_data_usage[] = "usage: mcubench data (not implemented yet)\n";

int cmd_data(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcubench data: not implemented yet\n");
    return MCB_EXIT_INPUT;
}
