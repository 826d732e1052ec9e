/* Writes a small q7 model whose first convolution has more outputs than arm_relu_q7's 16-bit
 * size can cover (32x32x64 = 65,536), for the engine's ReLU chunking test:
 * [1,32,32,3] -> CONV_2D 1x1, 64 filters, ReLU -> MAX_POOL_2D 2x2 -> RESHAPE -> FULLY_CONNECTED
 * 10 -> SOFTMAX. Random weights (fixed seed) make half of the convolution's outputs negative
 * before the ReLU. usage: make_q7_wide OUT.tflite */
#include "graph.h"
#include "quantize.h"
#include "tflite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 7;
static float uniform(float a) /* in [-a, a] */
{
    rng = rng * 1664525u + 1013904223u;
    return a * ((float)(rng >> 8) / 8388608.0f - 1.0f);
}

static int tensor(mcb_graph *g, const char *name, int rank, const int32_t *shape, int n,
                  float a)
{
    float *d = NULL;
    if (n) {
        d = malloc((size_t)n * sizeof *d);
        for (int i = 0; i < n; i++)
            d[i] = uniform(a);
    }
    const int t = mcb_graph_add_tensor(g, name, MCB_FLOAT32, rank, shape, d,
                                       d ? (size_t)n * sizeof *d : 0);
    free(d);
    return t;
}

static void op(mcb_graph *g, int code, int n_in, int a, int b, int c, int out)
{
    mcb_op o;
    memset(&o, 0, sizeof o);
    o.code = code;
    o.n_in = n_in, o.n_out = 1;
    o.in[0] = a, o.in[1] = b, o.in[2] = c, o.out[0] = out;
    o.padding = MCB_PAD_VALID;
    o.stride_w = o.stride_h = o.dilation_w = o.dilation_h = 1;
    o.beta = 1.0f;
    if (code == MCB_OP_CONV_2D)
        o.activation = MCB_ACT_RELU;
    if (code == MCB_OP_MAX_POOL_2D)
        o.filter_w = o.filter_h = o.stride_w = o.stride_h = 2;
    mcb_graph_add_op(g, &o);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_q7_wide OUT.tflite\n");
        return 2;
    }
    mcb_graph f, q;
    mcb_graph_init(&f);
    const int32_t si[4] = {1, 32, 32, 3}, sw[4] = {64, 1, 1, 3}, sb[1] = {64},
                  sc[4] = {1, 32, 32, 64}, sp[4] = {1, 16, 16, 64}, sf[2] = {1, 16384},
                  sfw[2] = {10, 16384}, sfb[1] = {10}, so[2] = {1, 10};
    tensor(&f, "input", 4, si, 0, 0);                   /* 0 */
    tensor(&f, "conv/weights", 4, sw, 64 * 3, 1.0f);    /* 1 */
    tensor(&f, "conv/bias", 1, sb, 64, 0.5f);           /* 2 */
    tensor(&f, "conv/relu", 4, sc, 0, 0);               /* 3 */
    tensor(&f, "pool", 4, sp, 0, 0);                    /* 4 */
    tensor(&f, "flatten", 2, sf, 0, 0);                 /* 5 */
    tensor(&f, "dense/weights", 2, sfw, 163840, 0.05f); /* 6 */
    tensor(&f, "dense/bias", 1, sfb, 10, 0.5f);         /* 7 */
    tensor(&f, "logits", 2, so, 0, 0);                  /* 8 */
    tensor(&f, "output", 2, so, 0, 0);                  /* 9 */
    op(&f, MCB_OP_CONV_2D, 3, 0, 1, 2, 3);
    op(&f, MCB_OP_MAX_POOL_2D, 1, 3, -1, -1, 4);
    op(&f, MCB_OP_RESHAPE, 1, 4, -1, -1, 5);
    op(&f, MCB_OP_FULLY_CONNECTED, 3, 5, 6, 7, 8);
    op(&f, MCB_OP_SOFTMAX, 1, 8, -1, -1, 9);
    f.n_in = f.n_out = 1;
    f.in[0] = 0, f.out[0] = 9;
    /* calibration ranges as a float run would give them (|conv| <= 3 * 1 + 0.5) */
    mcb_calib c;
    mcb_calib_init(&c, f.n_tensors);
    const float lo[10] = {0, 0, 0, 0, 0, 0, 0, 0, -8, 0}, hi[10] = {1, 0, 0, 3.5f, 3.5f, 3.5f,
                                                                  0, 0, 8, 1};
    for (int t = 0; t < 10; t++) {
        c.min[t] = lo[t], c.max[t] = hi[t];
        c.seen[t] = 1;
    }
    int rc = mcb_quantize_graph_q7(&f, &c, "wide", &q) || mcb_tflite_save(argv[1], &q);
    if (!rc)
        mcb_graph_free(&q);
    mcb_calib_free(&c);
    mcb_graph_free(&f);
    return rc ? 1 : 0;
}
