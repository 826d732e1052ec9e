/* Writes int8 test models (random weights) for the cmsis-nn engine's tests.
 * usage: cn_model KIND OUT.tflite
 *   layers       28x28x1 input (so that profile runs it on MNIST images) through every kernel
 *                the CMSIS-NN wrappers dispatch to for 2-D images on a Cortex-M4:
 *                conv 3x3 SAME (arm_convolve_s8 with padding), conv 1x1 (arm_convolve_1x1_s8_fast),
 *                max pool 2x2, depthwise 3x3 SAME (arm_depthwise_conv_3x3_s8), a residual ADD
 *                of the pool and depthwise outputs (arm_elementwise_add_s8), depthwise 5x5
 *                (arm_depthwise_conv_s8_opt, with scratch), depthwise 3x3 x2 channels
 *                (arm_depthwise_conv_s8), average pool 3x3 SAME (arm_avgpool_s8, scratch),
 *                conv 3x3 stride 2, max pool 3x3 SAME stride 1, reshape to one row and a 1x3
 *                conv (arm_convolve_1_x_n_s8), reshape, per-channel fully connected, softmax
 *   unsupported  the same input requantized by a QUANTIZE (int8 -> int8) first: an operator
 *                the host executor runs and the cmsis-nn engine does not */
#include "graph.h"
#include "tflite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned seed = 12345;
static unsigned next(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 9;
}

static int activation(mcb_graph *g, const char *name, int rank, const int32_t *shape, float scale,
                      int zp)
{
    const int t = mcb_graph_add_tensor(g, name, MCB_INT8, rank, shape, NULL, 0);
    const int64_t z = zp;
    return t < 0 || mcb_tensor_set_quant(&g->tensors[t], 1, &scale, &z, 0) ? -1 : t;
}

static int add_op(mcb_graph *g, int code, int n_in, const int *in, int out, int act, int padding,
                  int stride, int filter, int depth_multiplier)
{
    mcb_op o;
    memset(&o, 0, sizeof o);
    o.code = code;
    o.version = 1;
    o.n_in = n_in;
    memcpy(o.in, in, sizeof(int) * (size_t)n_in);
    o.n_out = 1;
    o.out[0] = out;
    o.activation = act;
    o.padding = padding;
    o.stride_h = o.stride_w = stride;
    o.filter_h = o.filter_w = filter;
    o.dilation_h = o.dilation_w = 1;
    o.depth_multiplier = depth_multiplier;
    o.beta = 1.0f;
    return mcb_graph_add_op(g, &o);
}

/* Symmetric per-channel int8 weights along qdim (scales into ws) and an int32 bias. */
static int weights(mcb_graph *g, const char *name, int rank, const int32_t *shape, int nq, int qdim,
                   float *ws)
{
    int64_t n = 1;
    for (int d = 0; d < rank; d++)
        n *= shape[d];
    int8_t *w = malloc((size_t)n);
    int64_t *zp = calloc((size_t)nq, sizeof *zp);
    int t = -1;
    if (w && zp) {
        for (int64_t i = 0; i < n; i++)
            w[i] = (int8_t)((int)(next() % 255) - 127);
        for (int c = 0; c < nq; c++)
            ws[c] = 0.002f + 0.01f * (float)(next() % 1000) / 1000.0f;
        t = mcb_graph_add_tensor(g, name, MCB_INT8, rank, shape, w, (size_t)n);
        if (t >= 0 && mcb_tensor_set_quant(&g->tensors[t], nq, ws, zp, qdim))
            t = -1;
    }
    free(w), free(zp);
    return t;
}

static int bias(mcb_graph *g, const char *name, int n, float in_scale, const float *ws)
{
    int32_t *b = malloc(sizeof(int32_t) * (size_t)n);
    float *s = malloc(sizeof(float) * (size_t)n);
    int64_t *zp = calloc((size_t)n, sizeof *zp);
    int t = -1;
    if (b && s && zp) {
        for (int i = 0; i < n; i++) {
            b[i] = (int32_t)(next() % 3001) - 1500;
            s[i] = in_scale * ws[i];
        }
        const int32_t shape[1] = {n};
        t = mcb_graph_add_tensor(g, name, MCB_INT32, 1, shape, b, sizeof(int32_t) * (size_t)n);
        if (t >= 0 && mcb_tensor_set_quant(&g->tensors[t], n, s, zp, 0))
            t = -1;
    }
    free(b), free(s), free(zp);
    return t;
}

/* conv (dm 0) or depthwise (dm >= 1) with k output channels (depthwise: c * dm), filter
 * fh x fw */
static int conv_hw(mcb_graph *g, const char *name, int x, int k, int fh, int fw, int stride,
                   int padding, int act, int dm)
{
    const int h = g->tensors[x].shape[1], w = g->tensors[x].shape[2], c = g->tensors[x].shape[3];
    const float in_s = g->tensors[x].scale[0];
    const int cout = dm ? c * dm : k;
    float ws[512];
    char nm[64];
    const int32_t wshape[4] = {dm ? 1 : k, fh, fw, dm ? cout : c};
    snprintf(nm, sizeof nm, "%s/w", name);
    const int wt = weights(g, nm, 4, wshape, cout, dm ? 3 : 0, ws);
    snprintf(nm, sizeof nm, "%s/b", name);
    const int bt = wt < 0 ? -1 : bias(g, nm, cout, in_s, ws);
    const int oh = padding == MCB_PAD_SAME ? (h + stride - 1) / stride : (h - fh) / stride + 1;
    const int ow = padding == MCB_PAD_SAME ? (w + stride - 1) / stride : (w - fw) / stride + 1;
    const int32_t oshape[4] = {1, oh, ow, cout};
    const int fan_in = fh * fw * (dm ? 1 : c);
    const float ys = (float)(in_s * ws[0] * 100.0 * sqrt((double)fan_in));
    const int yt = activation(g, name, 4, oshape, ys, act == MCB_ACT_NONE ? (int)(next() % 21) - 10 : -128);
    const int in[3] = {x, wt, bt};
    if (bt < 0 || yt < 0 ||
        add_op(g, dm ? MCB_OP_DEPTHWISE_CONV_2D : MCB_OP_CONV_2D, 3, in, yt, act, padding, stride,
               0, dm ? dm : 1) < 0)
        return -1;
    return yt;
}

static int conv(mcb_graph *g, const char *name, int x, int k, int fk, int stride, int padding,
                int act, int dm)
{
    return conv_hw(g, name, x, k, fk, fk, stride, padding, act, dm);
}

/* x's bytes as a new shape (RESHAPE; a constant shape tensor) */
static int reshape(mcb_graph *g, const char *name, int x, int rank, const int32_t *shape)
{
    const float s = g->tensors[x].scale[0];
    const int zp = (int)g->tensors[x].zero_point[0];
    char nm[64];
    snprintf(nm, sizeof nm, "%s/shape", name);
    const int32_t sshape[1] = {rank};
    const int st = mcb_graph_add_tensor(g, nm, MCB_INT32, 1, sshape, shape,
                                        sizeof(int32_t) * (size_t)rank);
    const int yt = activation(g, name, rank, shape, s, zp);
    const int in[2] = {x, st};
    return st < 0 || yt < 0 ||
                   add_op(g, MCB_OP_RESHAPE, 2, in, yt, MCB_ACT_NONE, MCB_PAD_VALID, 1, 0, 1) < 0
               ? -1
               : yt;
}

static int maxpool(mcb_graph *g, const char *name, int x, int filter, int stride, int padding)
{
    const mcb_tensor *xt = &g->tensors[x];
    const int h = xt->shape[1], w = xt->shape[2];
    const int32_t shape[4] = {1,
                              padding == MCB_PAD_SAME ? (h + stride - 1) / stride : (h - filter) / stride + 1,
                              padding == MCB_PAD_SAME ? (w + stride - 1) / stride : (w - filter) / stride + 1,
                              xt->shape[3]};
    const float s = xt->scale[0];
    const int zp = (int)xt->zero_point[0];
    const int yt = activation(g, name, 4, shape, s, zp);
    return yt < 0 || add_op(g, MCB_OP_MAX_POOL_2D, 1, &x, yt, MCB_ACT_NONE, padding, stride,
                            filter, 1) < 0
               ? -1
               : yt;
}

static int avgpool(mcb_graph *g, const char *name, int x, int filter, int stride, int padding)
{
    const int y = maxpool(g, name, x, filter, stride, padding); /* the same shapes */
    if (y >= 0)
        g->ops[g->n_ops - 1].code = MCB_OP_AVERAGE_POOL_2D;
    return y;
}

/* a + b (same shapes) into a new scale and zero point */
static int add(mcb_graph *g, const char *name, int a, int b)
{
    const mcb_tensor *at = &g->tensors[a], *bt = &g->tensors[b];
    const int32_t shape[4] = {1, at->shape[1], at->shape[2], at->shape[3]};
    const float s = 1.5f * (at->scale[0] > bt->scale[0] ? at->scale[0] : bt->scale[0]);
    const int y = activation(g, name, 4, shape, s, 3);
    const int in[2] = {a, b};
    return y < 0 || add_op(g, MCB_OP_ADD, 2, in, y, MCB_ACT_NONE, MCB_PAD_VALID, 1, 0, 1) < 0 ? -1
                                                                                            : y;
}

static int layers(mcb_graph *g, int requantize_first)
{
    const int32_t ishape[4] = {1, 28, 28, 1};
    int x = activation(g, "input", 4, ishape, 1.0f / 255.0f, -128);
    g->n_in = 1;
    g->in[0] = x;
    if (requantize_first) {
        const int y = activation(g, "requantized", 4, ishape, 1.5f / 255.0f, -20);
        if (y < 0 || add_op(g, MCB_OP_QUANTIZE, 1, &x, y, MCB_ACT_NONE, MCB_PAD_VALID, 1, 0, 1) < 0)
            return -1;
        x = y;
    }
    int t = conv(g, "conv_same", x, 8, 3, 1, MCB_PAD_SAME, MCB_ACT_RELU, 0);
    t = t < 0 ? -1 : conv(g, "conv_1x1", t, 12, 1, 1, MCB_PAD_VALID, MCB_ACT_NONE, 0);
    const int p = t < 0 ? -1 : maxpool(g, "pool", t, 2, 2, MCB_PAD_VALID);
    t = p < 0 ? -1 : conv(g, "dw_3x3", p, 0, 3, 1, MCB_PAD_SAME, MCB_ACT_RELU6, 1);
    t = t < 0 ? -1 : add(g, "residual", p, t);
    t = t < 0 ? -1 : conv(g, "dw_5x5", t, 0, 5, 1, MCB_PAD_VALID, MCB_ACT_NONE, 1);
    t = t < 0 ? -1 : conv(g, "dw_x2", t, 0, 3, 1, MCB_PAD_VALID, MCB_ACT_RELU, 2);
    t = t < 0 ? -1 : avgpool(g, "avg_same", t, 3, 1, MCB_PAD_SAME);
    t = t < 0 ? -1 : conv(g, "conv_s2", t, 16, 3, 2, MCB_PAD_VALID, MCB_ACT_NONE, 0);
    t = t < 0 ? -1 : maxpool(g, "pool_same", t, 3, 1, MCB_PAD_SAME);
    /* a row: [1, 1, 9, 16], so that a 1x3 conv takes arm_convolve_1_x_n_s8 */
    const int32_t row_shape[4] = {1, 1, 9, 16};
    t = t < 0 ? -1 : reshape(g, "row", t, 4, row_shape);
    t = t < 0 ? -1 : conv_hw(g, "conv_1x3", t, 8, 1, 3, 1, MCB_PAD_VALID, MCB_ACT_RELU, 0);
    if (t < 0)
        return -1;
    /* flatten, per-channel dense, softmax */
    const float ts = g->tensors[t].scale[0];
    const int32_t n = (int32_t)mcb_tensor_elems(&g->tensors[t]);
    const int32_t fshape[2] = {1, n};
    const int ft = reshape(g, "flat", t, 2, fshape);
    if (ft < 0)
        return -1;
    float ws[16];
    const int32_t wshape[2] = {10, n};
    const int wt = weights(g, "fc/w", 2, wshape, 10, 0, ws);
    const int bt = wt < 0 ? -1 : bias(g, "fc/b", 10, ts, ws);
    const int32_t lshape[2] = {1, 10};
    const int lt = activation(g, "logits", 2, lshape, (float)(ts * ws[0] * 100.0 * sqrt((double)n)), 5);
    const int fin[3] = {ft, wt, bt};
    if (bt < 0 || lt < 0 ||
        add_op(g, MCB_OP_FULLY_CONNECTED, 3, fin, lt, MCB_ACT_NONE, MCB_PAD_VALID, 1, 0, 1) < 0)
        return -1;
    const int yt = activation(g, "output", 2, lshape, 1.0f / 256.0f, -128);
    if (yt < 0 || add_op(g, MCB_OP_SOFTMAX, 1, &lt, yt, MCB_ACT_NONE, MCB_PAD_VALID, 1, 0, 1) < 0)
        return -1;
    g->ops[g->n_ops - 1].beta = 0.05f; /* random logits are far apart: keep the softmax soft */
    g->n_out = 1;
    g->out[0] = yt;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "layers") && strcmp(argv[1], "unsupported"))) {
        fprintf(stderr, "usage: cn_model layers|unsupported OUT.tflite\n");
        return 2;
    }
    mcb_graph g;
    mcb_graph_init(&g);
    const int rc = layers(&g, !strcmp(argv[1], "unsupported")) || mcb_tflite_save(argv[2], &g);
    mcb_graph_free(&g);
    return rc ? 1 : 0;
}
