/* Hand-built graphs for the .tflite tests: the paper's layer sequence at toy size,
 * conv(3x3, ReLU, valid) -> max-pool 2x2/2 -> reshape [1,N] -> fully connected(10) -> softmax,
 * in float32 and in int8 (per-channel weights, wrapped in QUANTIZE/DEQUANTIZE as the converter
 * does). Weights come from a fixed LCG, so every run builds the same graph. Also a deep
 * comparison of two graphs. */
#ifndef MCB_TFLITE_TESTGRAPH_H
#define MCB_TFLITE_TESTGRAPH_H

#include "graph.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static uint32_t tg_rng = 12345;
static inline uint32_t tg_next(void)
{
    tg_rng = tg_rng * 1664525u + 1013904223u;
    return tg_rng >> 8;
}
static inline float tg_float(void) { return (float)(tg_next() % 2001) / 1000.0f - 1.0f; }

enum { TG_K = 4, TG_HW = 8, TG_OUT = TG_HW - 2, TG_POOL = TG_OUT / 2,
       TG_FLAT = TG_POOL * TG_POOL * TG_K, TG_CLASSES = 10 };

static inline int tg_const_f32(mcb_graph *g, const char *name, int rank, const int32_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= shape[i];
    float v[TG_CLASSES * TG_FLAT];
    for (int64_t i = 0; i < n; i++)
        v[i] = tg_float();
    return mcb_graph_add_tensor(g, name, MCB_FLOAT32, rank, shape, v, (size_t)n * 4);
}

static inline int tg_const_i8(mcb_graph *g, const char *name, int rank, const int32_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= shape[i];
    int8_t v[TG_CLASSES * TG_FLAT];
    for (int64_t i = 0; i < n; i++)
        v[i] = (int8_t)((int)(tg_next() % 255) - 127);
    return mcb_graph_add_tensor(g, name, MCB_INT8, rank, shape, v, (size_t)n);
}

static inline int tg_const_i32(mcb_graph *g, const char *name, int n, int32_t lo)
{
    int32_t shape[1] = {n}, v[64];
    for (int i = 0; i < n; i++)
        v[i] = lo + (int32_t)(tg_next() % 1000);
    return mcb_graph_add_tensor(g, name, MCB_INT32, 1, shape, v, (size_t)n * 4);
}

static inline void tg_quant1(mcb_graph *g, int t, float scale, int64_t zp)
{
    mcb_tensor_set_quant(&g->tensors[t], 1, &scale, &zp, 0);
}

static inline void tg_quant_channels(mcb_graph *g, int t, int n, float base)
{
    float s[TG_CLASSES + TG_K];
    int64_t z[TG_CLASSES + TG_K];
    for (int i = 0; i < n; i++) {
        s[i] = base * (float)(i + 1);
        z[i] = 0;
    }
    mcb_tensor_set_quant(&g->tensors[t], n, s, z, 0);
}

static inline mcb_op tg_op(int code, int version)
{
    mcb_op op;
    memset(&op, 0, sizeof op);
    op.code = code;
    op.version = version;
    return op;
}

/* int8 != 0: the quantized variant. Returns 0 on success. */
static inline int tg_build(mcb_graph *g, int int8)
{
    mcb_graph_init(g);
    tg_rng = int8 ? 777 : 12345;
    int act = int8 ? MCB_INT8 : MCB_FLOAT32;
    int32_t in_shape[4] = {1, TG_HW, TG_HW, 1}, w_shape[4] = {TG_K, 3, 3, 1};
    int32_t c_shape[4] = {1, TG_OUT, TG_OUT, TG_K}, p_shape[4] = {1, TG_POOL, TG_POOL, TG_K};
    int32_t flat[2] = {1, TG_FLAT}, fw_shape[2] = {TG_CLASSES, TG_FLAT}, o_shape[2] = {1, TG_CLASSES};
    int32_t one[1] = {TG_K}, ten[1] = {TG_CLASSES};
    int x = mcb_graph_add_tensor(g, "input", MCB_FLOAT32, 4, in_shape, NULL, 0);
    int xq = x;
    if (int8) {
        xq = mcb_graph_add_tensor(g, "input_int8", MCB_INT8, 4, in_shape, NULL, 0);
        tg_quant1(g, xq, 1.0f / 255, -128);
    }
    int w = int8 ? tg_const_i8(g, "conv/weights", 4, w_shape) : tg_const_f32(g, "conv/weights", 4, w_shape);
    int b = int8 ? tg_const_i32(g, "conv/bias", TG_K, -500) : tg_const_f32(g, "conv/bias", 1, one);
    if (int8) {
        tg_quant_channels(g, w, TG_K, 0.01f);
        tg_quant_channels(g, b, TG_K, 0.01f / 255);
    }
    int c = mcb_graph_add_tensor(g, "conv/out", act, 4, c_shape, NULL, 0);
    int p = mcb_graph_add_tensor(g, "pool/out", act, 4, p_shape, NULL, 0);
    int32_t shape_data[2] = {1, TG_FLAT}, two[1] = {2};
    int sh = mcb_graph_add_tensor(g, "reshape/shape", MCB_INT32, 1, two, shape_data, sizeof shape_data);
    int r = mcb_graph_add_tensor(g, "reshape/out", act, 2, flat, NULL, 0);
    int fw = int8 ? tg_const_i8(g, "dense/weights", 2, fw_shape) : tg_const_f32(g, "dense/weights", 2, fw_shape);
    int fb = int8 ? tg_const_i32(g, "dense/bias", TG_CLASSES, -200) : tg_const_f32(g, "dense/bias", 1, ten);
    if (int8) {
        tg_quant_channels(g, fw, TG_CLASSES, 0.002f);
        tg_quant_channels(g, fb, TG_CLASSES, 0.002f * 0.05f);
        tg_quant1(g, c, 0.05f, -128);
        tg_quant1(g, p, 0.05f, -128);
        tg_quant1(g, r, 0.05f, -128);
    }
    int f = mcb_graph_add_tensor(g, "dense/out", act, 2, o_shape, NULL, 0);
    int s = mcb_graph_add_tensor(g, "softmax/out", act, 2, o_shape, NULL, 0);
    int y = s;
    if (int8) {
        tg_quant1(g, f, 0.1f, 3);
        tg_quant1(g, s, 1.0f / 256, -128);
        y = mcb_graph_add_tensor(g, "output", MCB_FLOAT32, 2, o_shape, NULL, 0);
    }
    if (y < 0)
        return -1;
    mcb_op op;
    if (int8) {
        op = tg_op(MCB_OP_QUANTIZE, 2);
        op.n_in = op.n_out = 1;
        op.in[0] = x;
        op.out[0] = xq;
        mcb_graph_add_op(g, &op);
    }
    op = tg_op(MCB_OP_CONV_2D, int8 ? 3 : 1);
    op.n_in = 3;
    op.in[0] = xq, op.in[1] = w, op.in[2] = b;
    op.n_out = 1, op.out[0] = c;
    op.padding = MCB_PAD_VALID, op.activation = MCB_ACT_RELU;
    op.stride_w = op.stride_h = 1, op.dilation_w = op.dilation_h = 1;
    mcb_graph_add_op(g, &op);
    op = tg_op(MCB_OP_MAX_POOL_2D, int8 ? 2 : 1);
    op.n_in = op.n_out = 1, op.in[0] = c, op.out[0] = p;
    op.padding = MCB_PAD_VALID;
    op.stride_w = op.stride_h = op.filter_w = op.filter_h = 2;
    mcb_graph_add_op(g, &op);
    op = tg_op(MCB_OP_RESHAPE, 1);
    op.n_in = 2, op.in[0] = p, op.in[1] = sh, op.n_out = 1, op.out[0] = r;
    mcb_graph_add_op(g, &op);
    op = tg_op(MCB_OP_FULLY_CONNECTED, int8 ? 4 : 1);
    op.n_in = 3, op.in[0] = r, op.in[1] = fw, op.in[2] = fb, op.n_out = 1, op.out[0] = f;
    mcb_graph_add_op(g, &op);
    op = tg_op(MCB_OP_SOFTMAX, int8 ? 2 : 1);
    op.n_in = op.n_out = 1, op.in[0] = f, op.out[0] = s, op.beta = 1.0f;
    mcb_graph_add_op(g, &op);
    if (int8) {
        op = tg_op(MCB_OP_DEQUANTIZE, 2);
        op.n_in = op.n_out = 1, op.in[0] = s, op.out[0] = y;
        mcb_graph_add_op(g, &op);
    }
    g->n_in = 1, g->in[0] = x;
    g->n_out = 1, g->out[0] = y;
    const char *d = int8 ? "mcubench test int8" : "mcubench test float";
    g->description = malloc(strlen(d) + 1);
    if (!g->description)
        return -1;
    strcpy(g->description, d);
    return g->n_ops == (int8 ? 7 : 5) ? 0 : -1;
}

/* Number of differences between two graphs (each printed). */
static inline int tg_compare(const mcb_graph *a, const mcb_graph *b)
{
    int d = 0;
#define TG_DIFF(cond, ...)                                                                         \
    do {                                                                                           \
        if (cond) {                                                                                \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            d++;                                                                                   \
        }                                                                                          \
    } while (0)
    TG_DIFF(a->n_tensors != b->n_tensors, "tensor count %d vs %d", a->n_tensors, b->n_tensors);
    TG_DIFF(a->n_ops != b->n_ops, "op count %d vs %d", a->n_ops, b->n_ops);
    if (d)
        return d;
    TG_DIFF(a->n_in != b->n_in || memcmp(a->in, b->in, sizeof a->in[0] * (size_t)a->n_in), "inputs");
    TG_DIFF(a->n_out != b->n_out || memcmp(a->out, b->out, sizeof a->out[0] * (size_t)a->n_out),
            "outputs");
    TG_DIFF(strcmp(a->description ? a->description : "", b->description ? b->description : ""),
            "description");
    for (int i = 0; i < a->n_tensors; i++) {
        const mcb_tensor *x = &a->tensors[i], *y = &b->tensors[i];
        TG_DIFF(strcmp(x->name, y->name), "tensor %d name", i);
        TG_DIFF(x->type != y->type, "tensor %d type", i);
        TG_DIFF(x->rank != y->rank || memcmp(x->shape, y->shape, sizeof x->shape[0] * (size_t)x->rank),
                "tensor %d shape", i);
        TG_DIFF(!x->data != !y->data || x->data_size != y->data_size ||
                    (x->data && memcmp(x->data, y->data, x->data_size)),
                "tensor %d data", i);
        TG_DIFF(x->n_quant != y->n_quant, "tensor %d quant count", i);
        if (x->n_quant == y->n_quant && x->n_quant) {
            TG_DIFF(memcmp(x->scale, y->scale, sizeof(float) * (size_t)x->n_quant), "tensor %d scale", i);
            TG_DIFF(memcmp(x->zero_point, y->zero_point, sizeof(int64_t) * (size_t)x->n_quant),
                    "tensor %d zero point", i);
            TG_DIFF(x->quant_dim != y->quant_dim, "tensor %d quant dim", i);
        }
    }
    for (int i = 0; i < a->n_ops; i++) {
        const mcb_op *x = &a->ops[i], *y = &b->ops[i];
        TG_DIFF(x->code != y->code || x->version != y->version, "op %d code/version", i);
        TG_DIFF(x->n_in != y->n_in || memcmp(x->in, y->in, sizeof x->in[0] * (size_t)x->n_in),
                "op %d inputs", i);
        TG_DIFF(x->n_out != y->n_out || memcmp(x->out, y->out, sizeof x->out[0] * (size_t)x->n_out),
                "op %d outputs", i);
        TG_DIFF(x->padding != y->padding || x->activation != y->activation ||
                    x->stride_w != y->stride_w || x->stride_h != y->stride_h ||
                    x->dilation_w != y->dilation_w || x->dilation_h != y->dilation_h ||
                    x->filter_w != y->filter_w || x->filter_h != y->filter_h ||
                    x->depth_multiplier != y->depth_multiplier || x->beta != y->beta ||
                    x->keep_num_dims != y->keep_num_dims || x->weights_format != y->weights_format,
                "op %d options", i);
    }
#undef TG_DIFF
    return d;
}

#endif
