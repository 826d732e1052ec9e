/* Placeholder until the info command lands; replaced by its real implementation. */
#include "cli.h"

#include <stdio.h>

const char cmd_info_usage[] = "usage: mcubench info (not implemented yet)\n";

int cmd_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcubench info: not implemented yet\n");
    return MCB_EXIT_INPUT;
}
