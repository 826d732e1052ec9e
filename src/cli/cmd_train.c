/* Placeholder until the train command lands; replaced by its real implementation. */
#include "cli.h"

#include <stdio.h>

const char cmd_train_usage[] = "usage: mcubench train (not implemented yet)\n";

int cmd_train(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcubench train: not implemented yet\n");
    return MCB_EXIT_INPUT;
}
