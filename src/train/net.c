#include "net.h"

#include "err.h"
#include "layers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void glorot(float *w, size_t n, int fan_in, int fan_out, mcb_rng *rng)
{
    float limit = sqrtf(6.0f / (float)(fan_in + fan_out));
    for (size_t i = 0; i < n; i++)
        w[i] = (2.0f * mcb_rng_unit(rng) - 1.0f) * limit;
}

int mcb_net_init(mcb_net *t, const mcb_family_net *net, int batch, mcb_rng *rng)
{
    memset(t, 0, sizeof *t);
    t->net = net;
    t->h = net->in_h, t->w = net->in_w, t->c = net->in_c, t->k = net->kernels;
    t->classes = net->classes;
    t->h1 = t->h - 2, t->w1 = t->w - 2, t->ph1 = t->h1 / 2, t->pw1 = t->w1 / 2;
    t->h2 = t->ph1 - 2, t->w2 = t->pw1 - 2, t->ph2 = t->h2 / 2, t->pw2 = t->w2 / 2;
    t->flat = t->ph2 * t->pw2 * t->k;
    t->batch = batch;
    size_t sz[MCB_P_COUNT] = {(size_t)t->k * 9 * t->c, (size_t)t->k, (size_t)t->k * 9 * t->k,
                              (size_t)t->k, (size_t)t->classes * t->flat, (size_t)t->classes};
    t->off[0] = 0;
    for (int i = 0; i < MCB_P_COUNT; i++)
        t->off[i + 1] = t->off[i] + sz[i];
    t->n_params = t->off[MCB_P_COUNT];

    size_t b = (size_t)batch;
    size_t m1 = b * t->h1 * t->w1, m2 = b * t->h2 * t->w2;
    /* dcols also serves as scratch for the pooling gradients (m1 * k, m2 * k floats) */
    size_t cols = m1 * 9 * t->c > m2 * 9 * t->k ? m1 * 9 * t->c : m2 * 9 * t->k;
    if (cols < m1 * t->k)
        cols = m1 * t->k;
    t->params = calloc(t->n_params, sizeof(float));
    t->grads = calloc(t->n_params, sizeof(float));
    t->adam_m = calloc(t->n_params, sizeof(float));
    t->adam_v = calloc(t->n_params, sizeof(float));
    t->x = malloc(b * t->h * t->w * t->c * sizeof(float));
    t->cols1 = malloc(m1 * 9 * t->c * sizeof(float));
    t->y1 = malloc(m1 * t->k * sizeof(float));
    t->p1 = malloc(b * t->ph1 * t->pw1 * t->k * sizeof(float));
    t->cols2 = malloc(m2 * 9 * t->k * sizeof(float));
    t->y2 = malloc(m2 * t->k * sizeof(float));
    t->p2 = malloc(b * t->flat * sizeof(float));
    t->z = malloc(b * t->classes * sizeof(float));
    t->dz = malloc(b * t->classes * sizeof(float));
    t->dp2 = malloc(b * t->flat * sizeof(float));
    t->dcols = malloc(cols * sizeof(float));
    t->dp1 = malloc(b * t->ph1 * t->pw1 * t->k * sizeof(float));
    t->arg1 = malloc(b * t->ph1 * t->pw1 * t->k * sizeof(int32_t));
    t->arg2 = malloc(b * t->flat * sizeof(int32_t));
    if (!t->params || !t->grads || !t->adam_m || !t->adam_v || !t->x || !t->cols1 || !t->y1 ||
        !t->p1 || !t->cols2 || !t->y2 || !t->p2 || !t->z || !t->dz || !t->dp2 || !t->dcols ||
        !t->dp1 || !t->arg1 || !t->arg2) {
        mcb_error("%s: out of memory for batch %d", net->name, batch);
        mcb_net_free(t);
        return -1;
    }
    glorot(t->params + t->off[MCB_P_W1], sz[MCB_P_W1], 9 * t->c, 9 * t->k, rng);
    glorot(t->params + t->off[MCB_P_W2], sz[MCB_P_W2], 9 * t->k, 9 * t->k, rng);
    glorot(t->params + t->off[MCB_P_WD], sz[MCB_P_WD], t->flat, t->classes, rng);
    return 0;
}

void mcb_net_free(mcb_net *t)
{
    float **f[] = {&t->params, &t->grads, &t->adam_m, &t->adam_v, &t->x,  &t->cols1,
                   &t->y1,     &t->p1,    &t->cols2,  &t->y2,     &t->p2, &t->z,
                   &t->dz,     &t->dp2,   &t->dcols,  &t->dp1};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
    free(t->arg1);
    free(t->arg2);
    t->arg1 = t->arg2 = NULL;
}

#define P(t, i) ((t)->params + (t)->off[i])
#define G(t, i) ((t)->grads + (t)->off[i])

void mcb_net_forward(mcb_net *t, int n)
{
    mcb_conv3x3_fwd(t->x, n, t->h, t->w, t->c, P(t, MCB_P_W1), P(t, MCB_P_B1), t->k, 1, t->cols1,
                    t->y1);
    mcb_maxpool2_fwd(t->y1, n, t->h1, t->w1, t->k, t->p1, t->arg1);
    mcb_conv3x3_fwd(t->p1, n, t->ph1, t->pw1, t->k, P(t, MCB_P_W2), P(t, MCB_P_B2), t->k, 1,
                    t->cols2, t->y2);
    mcb_maxpool2_fwd(t->y2, n, t->h2, t->w2, t->k, t->p2, t->arg2);
    mcb_dense_fwd(t->p2, n, t->flat, P(t, MCB_P_WD), P(t, MCB_P_BD), t->classes, t->z);
}

double mcb_net_backward(mcb_net *t, int n, const uint8_t *labels, int *correct)
{
    mcb_net_forward(t, n);
    double loss = mcb_softmax_xent(t->z, labels, n, t->classes, t->dz, correct);
    mcb_dense_bwd(t->dz, t->p2, n, t->flat, P(t, MCB_P_WD), t->classes, G(t, MCB_P_WD),
                  G(t, MCB_P_BD), t->dp2);
    /* y2 and y1 are dead after pooling, so their buffers take the conv output gradients. */
    /* the pooled values p2/p1 tell which winners passed the ReLU */
    float *dy2 = t->y2;
    mcb_maxpool2_relu_bwd(t->dp2, t->p2, t->arg2, n, t->h2, t->w2, t->k, dy2);
    mcb_conv3x3_bwd(dy2, NULL, n, t->ph1, t->pw1, t->k, P(t, MCB_P_W2), t->k, 0, t->cols2,
                    G(t, MCB_P_W2), G(t, MCB_P_B2), t->dcols, t->dp1);
    float *dy1 = t->y1;
    mcb_maxpool2_relu_bwd(t->dp1, t->p1, t->arg1, n, t->h1, t->w1, t->k, dy1);
    mcb_conv3x3_bwd(dy1, NULL, n, t->h, t->w, t->c, P(t, MCB_P_W1), t->k, 0, t->cols1,
                    G(t, MCB_P_W1), G(t, MCB_P_B1), NULL, NULL);
    return loss;
}

void mcb_net_adam(mcb_net *t, float lr, float beta1, float beta2, float eps)
{
    t->adam_t++;
    double step = (double)t->adam_t;
    float lr_t = (float)(lr * sqrt(1.0 - pow(beta2, step)) / (1.0 - pow(beta1, step)));
    float *w = t->params, *g = t->grads, *m = t->adam_m, *v = t->adam_v;
    for (size_t i = 0; i < t->n_params; i++) {
        m[i] = beta1 * m[i] + (1.0f - beta1) * g[i];
        v[i] = beta2 * v[i] + (1.0f - beta2) * g[i] * g[i];
        w[i] -= lr_t * m[i] / (sqrtf(v[i]) + eps);
    }
}

static int add_t(mcb_graph *g, const char *name, int type, int rank, int32_t d0, int32_t d1,
                 int32_t d2, int32_t d3, const void *data, size_t size)
{
    int32_t shape[4] = {d0, d1, d2, d3};
    return mcb_graph_add_tensor(g, name, type, rank, shape, data, size);
}

static int add_op(mcb_graph *g, int code, int act, int a, int b, int c, int out)
{
    mcb_op op;
    memset(&op, 0, sizeof op);
    op.code = code;
    op.version = 1;
    op.in[0] = a, op.in[1] = b, op.in[2] = c;
    op.n_in = c >= 0 ? 3 : b >= 0 ? 2 : 1;
    op.n_out = 1;
    op.out[0] = out;
    op.padding = MCB_PAD_VALID;
    op.activation = act;
    op.stride_w = op.stride_h = code == MCB_OP_MAX_POOL_2D ? 2 : 1;
    op.dilation_w = op.dilation_h = 1;
    op.filter_w = op.filter_h = code == MCB_OP_MAX_POOL_2D ? 2 : 0;
    op.beta = 1.0f;
    return mcb_graph_add_op(g, &op);
}

int mcb_net_to_graph(const mcb_net *t, mcb_graph *g)
{
    mcb_graph_init(g);
    const int F = MCB_FLOAT32;
    size_t fs = sizeof(float);
    int32_t newshape[2] = {1, t->flat};
    int k = t->k;
    int ti[15];
    ti[0] = add_t(g, "input", F, 4, 1, t->h, t->w, t->c, NULL, 0);
    ti[1] = add_t(g, "conv1/weights", F, 4, k, 3, 3, t->c, P(t, MCB_P_W1),
                  (t->off[MCB_P_B1] - t->off[MCB_P_W1]) * fs);
    ti[2] = add_t(g, "conv1/bias", F, 1, k, 0, 0, 0, P(t, MCB_P_B1), (size_t)k * fs);
    ti[3] = add_t(g, "conv1/relu", F, 4, 1, t->h1, t->w1, k, NULL, 0);
    ti[4] = add_t(g, "pool1", F, 4, 1, t->ph1, t->pw1, k, NULL, 0);
    ti[5] = add_t(g, "conv2/weights", F, 4, k, 3, 3, k, P(t, MCB_P_W2),
                  (t->off[MCB_P_B2] - t->off[MCB_P_W2]) * fs);
    ti[6] = add_t(g, "conv2/bias", F, 1, k, 0, 0, 0, P(t, MCB_P_B2), (size_t)k * fs);
    ti[7] = add_t(g, "conv2/relu", F, 4, 1, t->h2, t->w2, k, NULL, 0);
    ti[8] = add_t(g, "pool2", F, 4, 1, t->ph2, t->pw2, k, NULL, 0);
    ti[9] = add_t(g, "flatten/shape", MCB_INT32, 1, 2, 0, 0, 0, newshape, sizeof newshape);
    ti[10] = add_t(g, "flatten", F, 2, 1, t->flat, 0, 0, NULL, 0);
    ti[11] = add_t(g, "dense/weights", F, 2, t->classes, t->flat, 0, 0, P(t, MCB_P_WD),
                   (size_t)t->classes * t->flat * fs);
    ti[12] = add_t(g, "dense/bias", F, 1, t->classes, 0, 0, 0, P(t, MCB_P_BD),
                   (size_t)t->classes * fs);
    ti[13] = add_t(g, "logits", F, 2, 1, t->classes, 0, 0, NULL, 0);
    ti[14] = add_t(g, "output", F, 2, 1, t->classes, 0, 0, NULL, 0);
    for (int i = 0; i < 15; i++)
        if (ti[i] < 0)
            goto fail;
    if (add_op(g, MCB_OP_CONV_2D, MCB_ACT_RELU, ti[0], ti[1], ti[2], ti[3]) < 0 ||
        add_op(g, MCB_OP_MAX_POOL_2D, MCB_ACT_NONE, ti[3], -1, -1, ti[4]) < 0 ||
        add_op(g, MCB_OP_CONV_2D, MCB_ACT_RELU, ti[4], ti[5], ti[6], ti[7]) < 0 ||
        add_op(g, MCB_OP_MAX_POOL_2D, MCB_ACT_NONE, ti[7], -1, -1, ti[8]) < 0 ||
        add_op(g, MCB_OP_RESHAPE, MCB_ACT_NONE, ti[8], ti[9], -1, ti[10]) < 0 ||
        add_op(g, MCB_OP_FULLY_CONNECTED, MCB_ACT_NONE, ti[10], ti[11], ti[12], ti[13]) < 0 ||
        add_op(g, MCB_OP_SOFTMAX, MCB_ACT_NONE, ti[13], -1, -1, ti[14]) < 0)
        goto fail;
    g->n_in = 1, g->in[0] = ti[0];
    g->n_out = 1, g->out[0] = ti[14];
    return 0;
fail:
    mcb_error("%s: cannot build the model graph (out of memory)", t->net->name);
    mcb_graph_free(g);
    return -1;
}
