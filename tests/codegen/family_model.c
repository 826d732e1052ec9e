/* Writes a paper-family network with random int8 weights as .tflite, for profiling the
 * generated code of networks no one has trained yet (cycles and memory do not depend on the
 * weights; accuracy does, so it means nothing for these).
 * usage: cgt_family_model NAME SEED OUT.tflite [wrap]
 * wrap: float input and output around QUANTIZE / DEQUANTIZE, as TensorFlow's converter makes.
 * NAME "residual": the ResNet-like test graph (graphs.h, cgt_residual_graph). */
#include "graphs.h"
#include "tflite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const int residual = (argc == 4 || argc == 5) && !strcmp(argv[1], "residual");
    const mcb_family_net *n = argc == 4 || argc == 5 ? mcb_family_find(argv[1]) : NULL;
    if (!n && !residual) {
        fprintf(stderr, "usage: cgt_family_model NAME SEED OUT.tflite [wrap] (NAME from the family)\n");
        return 2;
    }
    mcb_graph g;
    const unsigned seed = (unsigned)strtoul(argv[2], NULL, 10);
    int rc = (residual ? cgt_residual_graph(seed, &g) : cgt_family_graph(n, seed, &g)) ||
             (argc == 5 && cgt_wrap_float_io(&g)) || mcb_tflite_save(argv[3], &g);
    mcb_graph_free(&g);
    return rc ? 1 : 0;
}
