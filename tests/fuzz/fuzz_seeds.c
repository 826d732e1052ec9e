/* Writes the seed corpus for fuzz_tflite into DIR: the float and int8 test graphs. */
#include "../model/tflite_testgraph.h"
#include "tflite.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_seeds DIR\n");
        return 2;
    }
    for (int int8 = 0; int8 < 2; int8++) {
        mcb_graph g;
        char path[4096];
        snprintf(path, sizeof path, "%s/seed_%s.tflite", argv[1], int8 ? "int8" : "float");
        if (tg_build(&g, int8) != 0 || mcb_tflite_save(path, &g) != 0)
            return 1;
        mcb_graph_free(&g);
    }
    return 0;
}
