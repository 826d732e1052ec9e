/* The int8 path of the host executor end to end: a float graph using every supported operator
 * (CONV_2D, ADD, DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED,
 * SOFTMAX) is calibrated and quantized by the quantizer, run in int8, and compared with the
 * float run; wrapped in QUANTIZE/DEQUANTIZE as converter-made models are, it must give the
 * same bytes; graphs TFLite would refuse must be refused before running. */
#include "../test.h"
#include "exec.h"
#include "graph.h"
#include "mcb_kernels.h"
#include "oracle.h"
#include "quantize.h"

#include "err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int add_const(mcb_graph *g, const char *name, int rank, const int32_t *shape, float amp)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= shape[i];
    float *v = malloc((size_t)n * sizeof *v);
    for (int64_t i = 0; i < n; i++)
        v[i] = (float)((rng_unit() * 2.0 - 1.0) * amp);
    int t = mcb_graph_add_tensor(g, name, MCB_FLOAT32, rank, shape, v, (size_t)n * sizeof *v);
    free(v);
    return t;
}

static int add_act(mcb_graph *g, const char *name, int rank, const int32_t *shape)
{
    return mcb_graph_add_tensor(g, name, MCB_FLOAT32, rank, shape, NULL, 0);
}

static void add_op(mcb_graph *g, int code, int n_in, const int *in, int out, int act)
{
    mcb_op op;
    memset(&op, 0, sizeof op);
    op.code = code;
    op.version = 1;
    op.n_in = n_in;
    memcpy(op.in, in, (size_t)n_in * sizeof *in);
    op.n_out = 1;
    op.out[0] = out;
    op.activation = act;
    op.stride_h = op.stride_w = 1;
    op.dilation_h = op.dilation_w = 1;
    op.depth_multiplier = 1;
    op.beta = 1.0f;
    op.padding = MCB_PAD_VALID;
    CHECK(mcb_graph_add_op(g, &op) >= 0);
}

static mcb_op *last_op(mcb_graph *g) { return &g->ops[g->n_ops - 1]; }

/* input [1,9,9,2] -> conv 3x3x3 SAME relu -> (+ conv 1x1x3 of it) relu6 -> depthwise 3x3 x2
 * stride 2 SAME -> max pool 2x2/1 VALID -> avg pool 2x2/1 SAME -> reshape -> FC 5 -> softmax */
static void build_float(mcb_graph *g)
{
    mcb_graph_init(g);
    const int32_t s_in[4] = {1, 9, 9, 2}, s_a[4] = {1, 9, 9, 3}, s_dw[4] = {1, 5, 5, 6},
                  s_mp[4] = {1, 4, 4, 6}, s_flat[2] = {1, 96}, s_fc[2] = {1, 5};
    const int32_t w1[4] = {3, 3, 3, 2}, w2[4] = {3, 1, 1, 3}, wdw[4] = {1, 3, 3, 6},
                  wfc[2] = {5, 96}, b3[1] = {3}, b6[1] = {6}, b5[1] = {5}, rs[1] = {2};
    int x = add_act(g, "input", 4, s_in);
    int a = add_act(g, "conv1", 4, s_a), a2 = add_act(g, "conv2", 4, s_a);
    int s = add_act(g, "add", 4, s_a), d = add_act(g, "dw", 4, s_dw);
    int m = add_act(g, "maxpool", 4, s_mp), v = add_act(g, "avgpool", 4, s_mp);
    int r = add_act(g, "flat", 2, s_flat), f = add_act(g, "fc", 2, s_fc);
    int y = add_act(g, "softmax", 2, s_fc);
    int cw1 = add_const(g, "w1", 4, w1, 0.5f), cb1 = add_const(g, "b1", 1, b3, 0.1f);
    int cw2 = add_const(g, "w2", 4, w2, 0.8f), cb2 = add_const(g, "b2", 1, b3, 0.1f);
    int cwd = add_const(g, "wdw", 4, wdw, 0.5f), cbd = add_const(g, "bdw", 1, b6, 0.1f);
    int cwf = add_const(g, "wfc", 2, wfc, 0.3f), cbf = add_const(g, "bfc", 1, b5, 0.1f);
    const int32_t newshape[2] = {1, 96};
    int crs = mcb_graph_add_tensor(g, "shape", MCB_INT32, 1, rs, newshape, sizeof newshape);
    add_op(g, MCB_OP_CONV_2D, 3, (int[]){x, cw1, cb1}, a, MCB_ACT_RELU);
    last_op(g)->padding = MCB_PAD_SAME;
    add_op(g, MCB_OP_CONV_2D, 3, (int[]){a, cw2, cb2}, a2, MCB_ACT_NONE);
    add_op(g, MCB_OP_ADD, 2, (int[]){a, a2}, s, MCB_ACT_RELU6);
    add_op(g, MCB_OP_DEPTHWISE_CONV_2D, 3, (int[]){s, cwd, cbd}, d, MCB_ACT_NONE);
    last_op(g)->padding = MCB_PAD_SAME;
    last_op(g)->stride_h = last_op(g)->stride_w = 2;
    last_op(g)->depth_multiplier = 2;
    add_op(g, MCB_OP_MAX_POOL_2D, 1, (int[]){d}, m, MCB_ACT_NONE);
    last_op(g)->filter_h = last_op(g)->filter_w = 2;
    add_op(g, MCB_OP_AVERAGE_POOL_2D, 1, (int[]){m}, v, MCB_ACT_NONE);
    last_op(g)->filter_h = last_op(g)->filter_w = 2;
    last_op(g)->padding = MCB_PAD_SAME;
    add_op(g, MCB_OP_RESHAPE, 2, (int[]){v, crs}, r, MCB_ACT_NONE);
    add_op(g, MCB_OP_FULLY_CONNECTED, 3, (int[]){r, cwf, cbf}, f, MCB_ACT_NONE);
    add_op(g, MCB_OP_SOFTMAX, 1, (int[]){f}, y, MCB_ACT_NONE);
    g->n_in = g->n_out = 1;
    g->in[0] = x;
    g->out[0] = y;
}

static void random_input(float *in, int n)
{
    for (int i = 0; i < n; i++)
        in[i] = (float)(rng_unit() * 2.0 - 0.5);
}

/* Wraps the int8 graph q in QUANTIZE (float input) and DEQUANTIZE (float output). */
static void wrap_float_io(mcb_graph *q)
{
    const mcb_tensor *qi = &q->tensors[q->in[0]], *qo = &q->tensors[q->out[0]];
    int32_t si[MCB_MAX_RANK], so[MCB_MAX_RANK];
    const int ri = qi->rank, ro = qo->rank;
    memcpy(si, qi->shape, sizeof si);
    memcpy(so, qo->shape, sizeof so);
    int fin = mcb_graph_add_tensor(q, "float_in", MCB_FLOAT32, ri, si, NULL, 0);
    int fout = mcb_graph_add_tensor(q, "float_out", MCB_FLOAT32, ro, so, NULL, 0);
    /* QUANTIZE must run first: rebuild the op list with it in front */
    mcb_op *old = malloc((size_t)q->n_ops * sizeof *old);
    memcpy(old, q->ops, (size_t)q->n_ops * sizeof *old);
    const int n_old = q->n_ops;
    q->n_ops = 0;
    add_op(q, MCB_OP_QUANTIZE, 1, (int[]){fin}, q->in[0], MCB_ACT_NONE);
    for (int i = 0; i < n_old; i++)
        CHECK(mcb_graph_add_op(q, &old[i]) >= 0);
    add_op(q, MCB_OP_DEQUANTIZE, 1, (int[]){q->out[0]}, fout, MCB_ACT_NONE);
    free(old);
    q->in[0] = fin;
    q->out[0] = fout;
}

int main(void)
{
    mcb_graph fg, qg;
    build_float(&fg);
    mcb_exec *fe = mcb_exec_prepare(&fg, "float");
    CHECK(fe != NULL);
    if (!fe)
        return TEST_END();

    /* calibrate every tensor over 64 random inputs */
    mcb_calib cal;
    CHECK_EQ_INT(mcb_calib_init(&cal, fg.n_tensors), 0);
    float in[162], out[5];
    for (int k = 0; k < 64; k++) {
        random_input(in, 162);
        mcb_exec_run(fe, in, out);
        for (int t = 0; t < fg.n_tensors; t++)
            if (!fg.tensors[t].data && fg.tensors[t].type == MCB_FLOAT32)
                mcb_calib_observe(&cal, t, mcb_exec_tensor(fe, t), (long)mcb_tensor_elems(&fg.tensors[t]));
    }
    CHECK_EQ_INT(mcb_quantize_graph(&fg, &cal, "test", &qg), 0);
    mcb_exec *qe = mcb_exec_prepare(&qg, "int8");
    CHECK(qe != NULL);
    if (!qe)
        return TEST_END();

    const mcb_tensor *ti = &qg.tensors[qg.in[0]];
    const float si = ti->scale[0];
    const int32_t zi = (int32_t)ti->zero_point[0];
    int agree = 0;
    double worst = 0;
    int8_t qin[162], qout[5];
    for (int k = 0; k < 200; k++) {
        random_input(in, 162);
        mcb_exec_run(fe, in, out);
        mcb_quantize_f32_s8(162, in, si, zi, qin);
        mcb_exec_run(qe, qin, qout);
        int fa = 0, qa = 0;
        for (int c = 0; c < 5; c++) {
            const double p = (qout[c] + 128) / 256.0;
            worst = fabs(p - out[c]) > worst ? fabs(p - out[c]) : worst;
            fa = out[c] > out[fa] ? c : fa;
            qa = qout[c] > qout[qa] ? c : qa;
        }
        agree += fa == qa || fabs(out[fa] - out[qa]) < 0.02;
    }
    fprintf(stderr, "int8 vs float: max probability difference %.4f, argmax agrees %d/200\n",
            worst, agree);
    CHECK(worst < 0.08);
    CHECK(agree >= 190);

    /* float I/O wrapping: the same int8 bytes, dequantized exactly */
    mcb_graph wg;
    CHECK_EQ_INT(mcb_graph_clone(&wg, &qg), 0);
    wrap_float_io(&wg);
    mcb_exec *we = mcb_exec_prepare(&wg, "wrapped");
    CHECK(we != NULL);
    if (we) {
        float wout[5];
        const mcb_tensor *to = &qg.tensors[qg.out[0]];
        random_input(in, 162);
        mcb_quantize_f32_s8(162, in, si, zi, qin);
        mcb_exec_run(qe, qin, qout);
        mcb_exec_run(we, in, wout);
        for (int c = 0; c < 5; c++)
            CHECK(wout[c] == to->scale[0] * (float)(qout[c] - to->zero_point[0]));
        mcb_exec_free(we);
    }
    mcb_graph_free(&wg);

    /* graphs TFLite would refuse are refused at prepare, naming the op */
    mcb_err_quiet(1);
    mcb_graph bad;
    CHECK_EQ_INT(mcb_graph_clone(&bad, &qg), 0);
    bad.tensors[bad.out[0]].zero_point[0] = -127; /* softmax output must be zp -128 */
    CHECK(mcb_exec_prepare(&bad, "bad") == NULL);
    CHECK(strstr(mcb_last_error(), "SOFTMAX") != NULL);
    mcb_graph_free(&bad);
    CHECK_EQ_INT(mcb_graph_clone(&bad, &qg), 0);
    bad.tensors[bad.ops[0].in[1]].zero_point[1] = 3; /* asymmetric conv weights */
    CHECK(mcb_exec_prepare(&bad, "bad") == NULL);
    CHECK(strstr(mcb_last_error(), "symmetric") != NULL);
    mcb_graph_free(&bad);
    CHECK_EQ_INT(mcb_graph_clone(&bad, &qg), 0);
    bad.tensors[bad.ops[4].out[0]].scale[0] *= 2.0f; /* max pool must keep its input's scale */
    CHECK(mcb_exec_prepare(&bad, "bad") == NULL);
    CHECK(strstr(mcb_last_error(), "quantization differ") != NULL);
    mcb_graph_free(&bad);
    mcb_err_quiet(0);

    mcb_exec_free(qe);
    mcb_exec_free(fe);
    mcb_calib_free(&cal);
    mcb_graph_free(&qg);
    mcb_graph_free(&fg);
    return TEST_END();
}
