#include "graphs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned rng_state;
static unsigned rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}
static double unif(void)
{
    return (rnd() & 0xFFFFFF) / (double)0x1000000;
}

static int act_tensor(mcb_graph *g, const char *name, int rank, const int32_t *shape, float scale,
                      int zp)
{
    const int t = mcb_graph_add_tensor(g, name, MCB_INT8, rank, shape, NULL, 0);
    const int64_t z = zp;
    if (t < 0 || mcb_tensor_set_quant(&g->tensors[t], 1, &scale, &z, 0))
        return -1;
    return t;
}

/* Weights [k0, k1, k2, k3] (rank 4) or [k0, k1] (rank 2), per-channel along qdim when nq > 1;
 * returns the tensor and the scales. */
static int weights(mcb_graph *g, const char *name, int rank, const int32_t *shape, int nq,
                   int qdim, float *scales)
{
    int64_t n = 1;
    for (int d = 0; d < rank; d++)
        n *= shape[d];
    int8_t *w = malloc((size_t)n);
    int64_t *zp = calloc((size_t)nq, sizeof *zp);
    if (!w || !zp) {
        free(w), free(zp);
        return -1;
    }
    for (int64_t i = 0; i < n; i++)
        w[i] = (int8_t)((int)(rnd() % 255) - 127);
    for (int c = 0; c < nq; c++)
        scales[c] = (float)(0.002 + 0.01 * unif());
    const int t = mcb_graph_add_tensor(g, name, MCB_INT8, rank, shape, w, (size_t)n);
    const int rc = t < 0 ? -1 : mcb_tensor_set_quant(&g->tensors[t], nq, scales, zp, qdim);
    free(w), free(zp);
    return rc ? -1 : t;
}

static int bias(mcb_graph *g, const char *name, int n, float in_scale, const float *ws, int nq)
{
    int32_t *b = malloc(sizeof(int32_t) * (size_t)n);
    float *s = malloc(sizeof(float) * (size_t)nq);
    int64_t *zp = calloc((size_t)nq, sizeof *zp);
    if (!b || !s || !zp) {
        free(b), free(s), free(zp);
        return -1;
    }
    for (int i = 0; i < n; i++)
        b[i] = (int32_t)(rnd() % 4001) - 2000;
    for (int i = 0; i < nq; i++)
        s[i] = in_scale * ws[i];
    const int32_t shape[1] = {n};
    const int t = mcb_graph_add_tensor(g, name, MCB_INT32, 1, shape, b, sizeof(int32_t) * (size_t)n);
    const int rc = t < 0 ? -1 : mcb_tensor_set_quant(&g->tensors[t], nq, s, zp, 0);
    free(b), free(s), free(zp);
    return rc ? -1 : t;
}

/* An output scale that keeps a fan_in-term accumulator of random int8 products in range. */
static float out_scale(float in_scale, float w_scale, int fan_in)
{
    return (float)(in_scale * w_scale * 64.0 * sqrt((double)fan_in) / (0.5 + unif()));
}

static int op(mcb_graph *g, int code, int n_in, const int *in, int out, int act)
{
    mcb_op o;
    memset(&o, 0, sizeof o);
    o.code = code;
    o.version = 1;
    o.n_in = n_in;
    for (int i = 0; i < n_in; i++)
        o.in[i] = in[i];
    o.n_out = 1;
    o.out[0] = out;
    o.activation = act;
    o.padding = MCB_PAD_VALID;
    o.stride_h = o.stride_w = 1;
    o.dilation_h = o.dilation_w = 1;
    o.depth_multiplier = 1;
    o.beta = 1.0f;
    return mcb_graph_add_op(g, &o);
}

static int set_last(mcb_graph *g, int padding, int stride, int filter)
{
    mcb_op *o = &g->ops[g->n_ops - 1];
    o->padding = padding;
    o->stride_h = o->stride_w = stride;
    o->filter_h = o->filter_w = filter;
    return 0;
}

static int conv(mcb_graph *g, const char *name, int x, int k, int fk, int padding, int act,
                int depthwise, float *scale_out)
{
    const int h = g->tensors[x].shape[1], w = g->tensors[x].shape[2], c = g->tensors[x].shape[3];
    const float in_s = g->tensors[x].scale[0];
    float ws[256];
    char nm[64];
    const int cout = depthwise ? c : k;
    const int32_t wshape[4] = {depthwise ? 1 : k, fk, fk, depthwise ? c : c};
    snprintf(nm, sizeof nm, "%s/w", name);
    const int wt = weights(g, nm, 4, wshape, cout, depthwise ? 3 : 0, ws);
    snprintf(nm, sizeof nm, "%s/b", name);
    const int bt = bias(g, nm, cout, in_s, ws, cout);
    const int oh = padding == MCB_PAD_SAME ? h : h - fk + 1, ow = padding == MCB_PAD_SAME ? w : w - fk + 1;
    const int32_t oshape[4] = {1, oh, ow, cout};
    *scale_out = out_scale(in_s, ws[0], fk * fk * (depthwise ? 1 : c));
    const int yt = act_tensor(g, name, 4, oshape, *scale_out, act == MCB_ACT_NONE ? (int)(rnd() % 41) - 20 : -128);
    if (wt < 0 || bt < 0 || yt < 0)
        return -1;
    const int in[3] = {x, wt, bt};
    if (op(g, depthwise ? MCB_OP_DEPTHWISE_CONV_2D : MCB_OP_CONV_2D, 3, in, yt, act) < 0)
        return -1;
    set_last(g, padding, 1, 0);
    return yt;
}

static int pool(mcb_graph *g, const char *name, int x, int code, int filter, int stride)
{
    const mcb_tensor *xt = &g->tensors[x];
    const int32_t shape[4] = {1, (xt->shape[1] - filter) / stride + 1,
                              (xt->shape[2] - filter) / stride + 1, xt->shape[3]};
    const float xs = xt->scale[0];
    const int xzp = (int)xt->zero_point[0];
    const int yt = act_tensor(g, name, 4, shape, xs, xzp); /* moves g->tensors */
    if (yt < 0 || op(g, code, 1, &x, yt, MCB_ACT_NONE) < 0)
        return -1;
    set_last(g, MCB_PAD_VALID, stride, filter);
    return yt;
}

static int reshape(mcb_graph *g, const char *name, int x)
{
    /* copies: adding tensors moves g->tensors */
    const float xs = g->tensors[x].scale[0];
    const int xzp = (int)g->tensors[x].zero_point[0];
    const int32_t n = (int32_t)mcb_tensor_elems(&g->tensors[x]);
    const int32_t sshape[1] = {2}, data[2] = {1, n}, shape[2] = {1, n};
    char nm[64];
    snprintf(nm, sizeof nm, "%s/shape", name);
    const int st = mcb_graph_add_tensor(g, nm, MCB_INT32, 1, sshape, data, sizeof data);
    const int yt = act_tensor(g, name, 2, shape, xs, xzp);
    const int in[2] = {x, st};
    if (st < 0 || yt < 0 || op(g, MCB_OP_RESHAPE, 2, in, yt, MCB_ACT_NONE) < 0)
        return -1;
    return yt;
}

static int dense(mcb_graph *g, const char *name, int x, int out, int per_channel)
{
    const int n = (int)mcb_tensor_elems(&g->tensors[x]);
    const float in_s = g->tensors[x].scale[0];
    float ws[256];
    char nm[64];
    const int32_t wshape[2] = {out, n};
    snprintf(nm, sizeof nm, "%s/w", name);
    const int wt = weights(g, nm, 2, wshape, per_channel ? out : 1, 0, ws);
    snprintf(nm, sizeof nm, "%s/b", name);
    const int bt = bias(g, nm, out, in_s, ws, per_channel ? out : 1);
    const int32_t oshape[2] = {1, out};
    const int yt = act_tensor(g, name, 2, oshape, out_scale(in_s, ws[0], n), (int)(rnd() % 41) - 20);
    const int in[3] = {x, wt, bt};
    if (wt < 0 || bt < 0 || yt < 0 || op(g, MCB_OP_FULLY_CONNECTED, 3, in, yt, MCB_ACT_NONE) < 0)
        return -1;
    return yt;
}

static int input(mcb_graph *g, int h, int w, int c)
{
    const int32_t shape[4] = {1, h, w, c};
    const int t = act_tensor(g, "input", 4, shape, 1.0f / 255.0f, -128);
    g->n_in = 1;
    g->in[0] = t;
    return t;
}

int cgt_family_graph(const mcb_family_net *n, unsigned seed, mcb_graph *g)
{
    rng_state = seed;
    mcb_graph_init(g);
    float s;
    int t = input(g, n->in_h, n->in_w, n->in_c);
    t = t < 0 ? -1 : conv(g, "conv1", t, n->kernels, 3, MCB_PAD_VALID, MCB_ACT_RELU, 0, &s);
    t = t < 0 ? -1 : pool(g, "pool1", t, MCB_OP_MAX_POOL_2D, 2, 2);
    t = t < 0 ? -1 : conv(g, "conv2", t, n->kernels, 3, MCB_PAD_VALID, MCB_ACT_RELU, 0, &s);
    t = t < 0 ? -1 : pool(g, "pool2", t, MCB_OP_MAX_POOL_2D, 2, 2);
    t = t < 0 ? -1 : reshape(g, "flatten", t);
    t = t < 0 ? -1 : dense(g, "dense", t, n->classes, 0);
    if (t < 0)
        return -1;
    const int32_t shape[2] = {1, n->classes};
    const int y = act_tensor(g, "output", 2, shape, 1.0f / 256.0f, -128);
    if (y < 0 || op(g, MCB_OP_SOFTMAX, 1, &t, y, MCB_ACT_NONE) < 0)
        return -1;
    g->n_out = 1;
    g->out[0] = y;
    return 0;
}

int cgt_mixed_graph(unsigned seed, mcb_graph *g)
{
    rng_state = seed;
    mcb_graph_init(g);
    float s;
    int x = input(g, 12, 12, 3);
    int a = x < 0 ? -1 : conv(g, "conv", x, 8, 3, MCB_PAD_SAME, MCB_ACT_NONE, 0, &s);
    int d = a < 0 ? -1 : conv(g, "dw", a, 0, 3, MCB_PAD_VALID, MCB_ACT_RELU6, 1, &s);
    if (d < 0)
        return -1;
    /* add: the depthwise output to itself, rescaled to a new output scale */
    const mcb_tensor *dt = &g->tensors[d];
    const int32_t shape[4] = {1, dt->shape[1], dt->shape[2], dt->shape[3]};
    const float ds = dt->scale[0];
    const int sum = act_tensor(g, "add", 4, shape, ds * 1.7f, 3);
    const int ain[2] = {d, d};
    if (sum < 0 || op(g, MCB_OP_ADD, 2, ain, sum, MCB_ACT_NONE) < 0)
        return -1;
    int t = pool(g, "avg", sum, MCB_OP_AVERAGE_POOL_2D, 2, 2);
    t = t < 0 ? -1 : pool(g, "max", t, MCB_OP_MAX_POOL_2D, 3, 1);
    t = t < 0 ? -1 : reshape(g, "flat", t);
    t = t < 0 ? -1 : dense(g, "fc", t, 7, 1);
    t = t < 0 ? -1 : reshape(g, "out", t);
    if (t < 0)
        return -1;
    g->n_out = 1;
    g->out[0] = t;
    return 0;
}

/* ADD(x, y) with a fused activation: output scale above both inputs', zero point zp. */
static int add(mcb_graph *g, const char *name, int x, int y, int act, int zp)
{
    const mcb_tensor *xt = &g->tensors[x];
    const int32_t shape[4] = {1, xt->shape[1], xt->shape[2], xt->shape[3]};
    const float sx = xt->scale[0], sy = g->tensors[y].scale[0];
    const int t = act_tensor(g, name, 4, shape, (float)((sx > sy ? sx : sy) * (1.2 + unif())),
                             zp);
    const int in[2] = {x, y};
    if (t < 0 || op(g, MCB_OP_ADD, 2, in, t, act) < 0)
        return -1;
    return t;
}

int cgt_residual_graph(unsigned seed, mcb_graph *g)
{
    rng_state = seed;
    mcb_graph_init(g);
    float s;
    int x = input(g, 9, 11, 3);
    int a = x < 0 ? -1 : conv(g, "a", x, 8, 3, MCB_PAD_SAME, MCB_ACT_RELU, 0, &s);
    int b = a < 0 ? -1 : conv(g, "b", a, 8, 3, MCB_PAD_SAME, MCB_ACT_RELU, 0, &s);
    int c = b < 0 ? -1 : conv(g, "c", b, 8, 3, MCB_PAD_SAME, MCB_ACT_NONE, 0, &s);
    int s1 = c < 0 ? -1 : add(g, "add1", a, c, MCB_ACT_RELU, -128);
    int e = s1 < 0 ? -1 : conv(g, "e", s1, 8, 3, MCB_PAD_SAME, MCB_ACT_NONE, 0, &s);
    int f = e < 0 ? -1 : conv(g, "f", s1, 8, 1, MCB_PAD_VALID, MCB_ACT_NONE, 0, &s);
    int s2 = f < 0 ? -1 : add(g, "add2", f, e, MCB_ACT_RELU, -90);
    int h = s2 < 0 ? -1 : conv(g, "h", s2, 8, 3, MCB_PAD_SAME, MCB_ACT_RELU, 0, &s);
    int s3 = h < 0 ? -1 : add(g, "add3", s2, h, MCB_ACT_NONE, 5);
    int s4 = s3 < 0 ? -1 : add(g, "add4", s3, s3, MCB_ACT_RELU, -128);
    int t = s4 < 0 ? -1 : pool(g, "avg", s4, MCB_OP_AVERAGE_POOL_2D, 3, 2);
    t = t < 0 ? -1 : reshape(g, "flat", t);
    t = t < 0 ? -1 : dense(g, "fc", t, 5, 1);
    if (t < 0)
        return -1;
    g->n_out = 1;
    g->out[0] = t;
    return 0;
}

int cgt_head_graph(unsigned seed, mcb_graph *g)
{
    rng_state = seed;
    mcb_graph_init(g);
    const int x = input(g, 13, 15, 1);
    if (x < 0)
        return -1;
    /* the depthwise conv of one channel, multiplier 8: weights [1][3][3][8] */
    const float in_s = g->tensors[x].scale[0];
    float ws[8], s;
    const int32_t wshape[4] = {1, 3, 3, 8}, oshape[4] = {1, 7, 8, 8};
    const int wt = weights(g, "dw/w", 4, wshape, 8, 3, ws);
    const int bt = bias(g, "dw/b", 8, in_s, ws, 8);
    const int dt = act_tensor(g, "dw", 4, oshape, out_scale(in_s, ws[0], 9), -128);
    const int din[3] = {x, wt, bt};
    if (wt < 0 || bt < 0 || dt < 0 ||
        op(g, MCB_OP_DEPTHWISE_CONV_2D, 3, din, dt, MCB_ACT_RELU6) < 0)
        return -1;
    set_last(g, MCB_PAD_SAME, 2, 0);
    g->ops[g->n_ops - 1].depth_multiplier = 8;
    int t = conv(g, "pw", dt, 16, 1, MCB_PAD_VALID, MCB_ACT_RELU, 0, &s);
    t = t < 0 ? -1 : pool(g, "avg", t, MCB_OP_AVERAGE_POOL_2D, 2, 2);
    t = t < 0 ? -1 : reshape(g, "flat", t);
    t = t < 0 ? -1 : dense(g, "fc", t, 3, 1);
    if (t < 0)
        return -1;
    g->n_out = 1;
    g->out[0] = t;
    return 0;
}

int cgt_vww_head_graph(unsigned seed, mcb_graph *g)
{
    rng_state = seed;
    mcb_graph_init(g);
    const int x = input(g, 13, 11, 3);
    if (x < 0)
        return -1;
    const float in_s = g->tensors[x].scale[0];
    float ws[8];
    const int32_t wshape[4] = {8, 3, 3, 3}, oshape[4] = {1, 7, 6, 8};
    const int wt = weights(g, "conv/w", 4, wshape, 8, 0, ws);
    const int bt = bias(g, "conv/b", 8, in_s, ws, 8);
    const int ct = act_tensor(g, "conv", 4, oshape, out_scale(in_s, ws[0], 27), -128);
    const int cin[3] = {x, wt, bt};
    if (wt < 0 || bt < 0 || ct < 0 || op(g, MCB_OP_CONV_2D, 3, cin, ct, MCB_ACT_RELU6) < 0)
        return -1;
    set_last(g, MCB_PAD_SAME, 2, 0);
    int t = reshape(g, "flat", ct);
    t = t < 0 ? -1 : dense(g, "fc", t, 4, 1);
    if (t < 0)
        return -1;
    g->n_out = 1;
    g->out[0] = t;
    return 0;
}

int cgt_wrap_float_io(mcb_graph *g)
{
    const int in8 = g->in[0], out8 = g->out[0];
    int32_t shape[MCB_MAX_RANK];
    memcpy(shape, g->tensors[in8].shape, sizeof shape);
    const int fin = mcb_graph_add_tensor(g, "input_float", MCB_FLOAT32, g->tensors[in8].rank,
                                         shape, NULL, 0);
    memcpy(shape, g->tensors[out8].shape, sizeof shape);
    const int fout = mcb_graph_add_tensor(g, "output_float", MCB_FLOAT32, g->tensors[out8].rank,
                                          shape, NULL, 0);
    if (fin < 0 || fout < 0 || op(g, MCB_OP_QUANTIZE, 1, &fin, in8, MCB_ACT_NONE) < 0)
        return -1;
    /* the QUANTIZE runs first */
    const mcb_op q = g->ops[g->n_ops - 1];
    memmove(&g->ops[1], &g->ops[0], sizeof(mcb_op) * (size_t)(g->n_ops - 1));
    g->ops[0] = q;
    if (op(g, MCB_OP_DEQUANTIZE, 1, &out8, fout, MCB_ACT_NONE) < 0)
        return -1;
    g->in[0] = fin;
    g->out[0] = fout;
    return 0;
}
