/* The host executor: hand-computed cases for every float kernel (SAME/VALID padding, strides,
 * depthwise, pools, reshape, fully connected, softmax, add), one error line per bad op, and its
 * output equal to the trainer's forward pass on the same weights after a .tflite round trip. */
#include "../test.h"
#include "err.h"
#include "exec.h"
#include "net.h"
#include "tflite.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int close_to(float a, float b, float tol) { return fabsf(a - b) <= tol; }

static int tensor(mcb_graph *g, int rank, int d0, int d1, int d2, int d3, const float *data)
{
    int32_t s[4] = {d0, d1, d2, d3};
    size_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= (size_t)s[i];
    return mcb_graph_add_tensor(g, "t", MCB_FLOAT32, rank, s, data, data ? n * 4 : 0);
}

static mcb_op mkop(int code, int a, int b, int c, int out)
{
    mcb_op op;
    memset(&op, 0, sizeof op);
    op.code = code;
    op.in[0] = a, op.in[1] = b, op.in[2] = c;
    op.n_in = c >= 0 ? 3 : b >= 0 ? 2 : 1;
    op.out[0] = out, op.n_out = 1;
    op.stride_h = op.stride_w = 1;
    op.dilation_h = op.dilation_w = 1;
    op.padding = MCB_PAD_VALID;
    op.beta = 1.0f;
    op.depth_multiplier = 1;
    return op;
}

/* runs a one-op graph whose input is tensor 0 and output the last tensor */
static int run1(mcb_graph *g, const mcb_op *op, const float *in, float *out)
{
    mcb_graph_add_op(g, op);
    g->n_in = 1, g->in[0] = 0;
    g->n_out = 1, g->out[0] = op->out[0];
    mcb_exec *e = mcb_exec_prepare(g, "test");
    if (!e)
        return -1;
    mcb_exec_run(e, in, out);
    mcb_exec_free(e);
    return 0;
}

static void test_conv_same_stride(void)
{
    /* 3x3 input 1..9, 2x2 filter of ones, SAME, stride 2: output 2x2; TFLite pads the bottom and
     * right (total pad 1, before 0): sums of [1,2,4,5], [3,6], [7,8], [9] */
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w[4] = {1, 1, 1, 1}, b[1] = {0.5f}, y[4];
    mcb_graph g;
    mcb_graph_init(&g);
    int ti = tensor(&g, 4, 1, 3, 3, 1, NULL), tw = tensor(&g, 4, 1, 2, 2, 1, w);
    int tb = tensor(&g, 1, 1, 0, 0, 0, b), to = tensor(&g, 4, 1, 2, 2, 1, NULL);
    mcb_op op = mkop(MCB_OP_CONV_2D, ti, tw, tb, to);
    op.padding = MCB_PAD_SAME, op.stride_h = op.stride_w = 2;
    CHECK(run1(&g, &op, x, y) == 0);
    CHECK(close_to(y[0], 12.5f, 1e-6f) && close_to(y[1], 9.5f, 1e-6f));
    CHECK(close_to(y[2], 15.5f, 1e-6f) && close_to(y[3], 9.5f, 1e-6f));
    mcb_graph_free(&g);
}

static void test_conv_valid_relu_channels(void)
{
    /* 1x2x2x2 input, two 1x1 filters over 2 channels, RELU: y = relu(x0*w0 + x1*w1 + b) */
    float x[8] = {1, 2, 3, 4, -5, 6, 7, -8}, w[4] = {1, 1, 1, -1}, b[2] = {0, 0}, y[8];
    mcb_graph g;
    mcb_graph_init(&g);
    int ti = tensor(&g, 4, 1, 2, 2, 2, NULL), tw = tensor(&g, 4, 2, 1, 1, 2, w);
    int tb = tensor(&g, 1, 2, 0, 0, 0, b), to = tensor(&g, 4, 1, 2, 2, 2, NULL);
    mcb_op op = mkop(MCB_OP_CONV_2D, ti, tw, tb, to);
    op.activation = MCB_ACT_RELU;
    CHECK(run1(&g, &op, x, y) == 0);
    float want[8] = {3, 0, 7, 0, 1, 0, 0, 15};
    for (int i = 0; i < 8; i++)
        CHECK(close_to(y[i], want[i], 1e-6f));
    mcb_graph_free(&g);
}

static void test_depthwise(void)
{
    /* 1x3x3x1 input, depth multiplier 2: channel 0 sums the 2x2 window, channel 1 takes its
     * top-left element times -1; VALID gives 2x2x2 */
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float w[8] = {1, -1, 1, 0, 1, 0, 1, 0}; /* [1][2][2][2] */
    float y[8];
    mcb_graph g;
    mcb_graph_init(&g);
    int ti = tensor(&g, 4, 1, 3, 3, 1, NULL), tw = tensor(&g, 4, 1, 2, 2, 2, w);
    int to = tensor(&g, 4, 1, 2, 2, 2, NULL);
    mcb_op op = mkop(MCB_OP_DEPTHWISE_CONV_2D, ti, tw, -1, to);
    op.depth_multiplier = 2;
    CHECK(run1(&g, &op, x, y) == 0);
    float want[8] = {12, -1, 16, -2, 24, -4, 28, -5};
    for (int i = 0; i < 8; i++)
        CHECK(close_to(y[i], want[i], 1e-6f));
    mcb_graph_free(&g);
}

static void test_pools(void)
{
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y[4];
    mcb_graph g;
    mcb_graph_init(&g);
    int ti = tensor(&g, 4, 1, 3, 3, 1, NULL), to = tensor(&g, 4, 1, 2, 2, 1, NULL);
    mcb_op op = mkop(MCB_OP_AVERAGE_POOL_2D, ti, -1, -1, to);
    op.padding = MCB_PAD_SAME, op.stride_h = op.stride_w = 2, op.filter_h = op.filter_w = 2;
    CHECK(run1(&g, &op, x, y) == 0);
    /* averages over in-bounds elements only */
    CHECK(close_to(y[0], 3.0f, 1e-6f) && close_to(y[1], 4.5f, 1e-6f));
    CHECK(close_to(y[2], 7.5f, 1e-6f) && close_to(y[3], 9.0f, 1e-6f));
    mcb_graph_free(&g);

    mcb_graph_init(&g);
    ti = tensor(&g, 4, 1, 3, 3, 1, NULL), to = tensor(&g, 4, 1, 1, 1, 1, NULL);
    op = mkop(MCB_OP_MAX_POOL_2D, ti, -1, -1, to);
    op.stride_h = op.stride_w = 2, op.filter_h = op.filter_w = 2;
    CHECK(run1(&g, &op, x, y) == 0);
    CHECK(y[0] == 5.0f); /* VALID drops the odd row and column */
    mcb_graph_free(&g);
}

static void test_fc_softmax_add_reshape(void)
{
    float x[4] = {1, 2, 3, 4}, w[8] = {1, 0, 0, 0, 0, 1, 1, 1}, b[2] = {1, -1}, y[2];
    mcb_graph g;
    mcb_graph_init(&g);
    int32_t rs[2] = {1, 4};
    int ti = tensor(&g, 4, 1, 2, 2, 1, NULL);
    int ts = mcb_graph_add_tensor(&g, "shape", MCB_INT32, 1, (int32_t[]){2}, rs, sizeof rs);
    int tr = tensor(&g, 2, 1, 4, 0, 0, NULL);
    int tw = tensor(&g, 2, 2, 4, 0, 0, w), tb = tensor(&g, 1, 2, 0, 0, 0, b);
    int tz = tensor(&g, 2, 1, 2, 0, 0, NULL), ta = tensor(&g, 2, 1, 2, 0, 0, NULL);
    int tsm = tensor(&g, 2, 1, 2, 0, 0, NULL);
    float one[1] = {-6.0f};
    int tc = tensor(&g, 1, 1, 0, 0, 0, one);
    mcb_op ops[4] = {mkop(MCB_OP_RESHAPE, ti, ts, -1, tr), mkop(MCB_OP_FULLY_CONNECTED, tr, tw, tb, tz),
                     mkop(MCB_OP_ADD, tz, tc, -1, ta), mkop(MCB_OP_SOFTMAX, ta, -1, -1, tsm)};
    for (int i = 0; i < 4; i++)
        mcb_graph_add_op(&g, &ops[i]);
    g.n_in = 1, g.in[0] = ti, g.n_out = 1, g.out[0] = tsm;
    mcb_exec *e = mcb_exec_prepare(&g, "test");
    CHECK(e != NULL);
    if (e) {
        mcb_exec_run(e, x, y);
        const float *z = mcb_exec_tensor(e, tz), *a = mcb_exec_tensor(e, ta);
        CHECK(close_to(z[0], 2.0f, 1e-6f) && close_to(z[1], 8.0f, 1e-6f));
        CHECK(close_to(a[0], -4.0f, 1e-6f) && close_to(a[1], 2.0f, 1e-6f));
        float p1 = 1.0f / (1.0f + expf(-6.0f));
        CHECK(close_to(y[1], p1, 1e-6f) && close_to(y[0], 1.0f - p1, 1e-6f));
        mcb_exec_free(e);
    }
    mcb_graph_free(&g);
}

static void test_errors(void)
{
    /* two bad ops: an unknown opcode and a conv whose output shape is wrong; both reported */
    float w[9] = {0};
    mcb_graph g;
    mcb_graph_init(&g);
    int ti = tensor(&g, 4, 1, 4, 4, 1, NULL), tw = tensor(&g, 4, 1, 3, 3, 1, w);
    int t1 = tensor(&g, 4, 1, 4, 4, 1, NULL), t2 = tensor(&g, 4, 1, 4, 4, 1, NULL);
    mcb_op a = mkop(99, ti, -1, -1, t1), b = mkop(MCB_OP_CONV_2D, t1, tw, -1, t2);
    mcb_graph_add_op(&g, &a);
    mcb_graph_add_op(&g, &b);
    g.n_in = 1, g.in[0] = ti, g.n_out = 1, g.out[0] = t2;
    mcb_err_quiet(1);
    CHECK(mcb_exec_prepare(&g, "bad.tflite") == NULL);
    mcb_err_quiet(0);
    /* the last message names the second problem: op 1, CONV_2D */
    CHECK(strstr(mcb_last_error(), "op 1 (CONV_2D)") != NULL);
    mcb_graph_free(&g);
}

static double max_abs_diff(const float *a, const float *b, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

/* The trainer's forward pass and the executor on the written .tflite agree. */
static void test_matches_trainer(const char *name)
{
    mcb_rng r;
    mcb_rng_seed(&r, 3);
    mcb_net t;
    const mcb_family_net *fn = mcb_family_find(name);
    CHECK(fn && mcb_net_init(&t, fn, 4, &r) == 0);
    /* non-zero biases so the ReLUs matter */
    for (size_t i = t.off[MCB_P_B1]; i < t.off[MCB_P_B1 + 1]; i++)
        t.params[i] = 0.1f * (mcb_rng_unit(&r) - 0.5f);
    size_t img = (size_t)t.h * t.w * t.c;
    for (size_t i = 0; i < 4 * img; i++)
        t.x[i] = mcb_rng_unit(&r);
    mcb_net_forward(&t, 4);
    mcb_graph g, g2;
    uint8_t *buf = NULL;
    size_t size = 0;
    CHECK(mcb_net_to_graph(&t, &g) == 0);
    CHECK_EQ_INT(mcb_graph_params(&g), mcb_family_params(fn));
    CHECK(mcb_tflite_serialize(&g, &buf, &size) == 0);
    CHECK(mcb_tflite_parse(buf, size, name, &g2) == 0);
    mcb_exec *e = mcb_exec_prepare(&g2, name);
    CHECK(e != NULL);
    for (int n = 0; e && n < 4; n++) {
        float out[10], ref[10];
        mcb_exec_run(e, t.x + n * img, out);
        /* trainer logits -> softmax; compare logits too */
        const float *z = t.z + n * 10, *logits = mcb_exec_tensor(e, g2.ops[5].out[0]);
        double mx = z[0], s = 0;
        for (int j = 1; j < 10; j++)
            mx = fmax(mx, z[j]);
        for (int j = 0; j < 10; j++)
            s += exp(z[j] - mx);
        for (int j = 0; j < 10; j++)
            ref[j] = (float)(exp(z[j] - mx) / s);
        /* different summation orders: agreement to float rounding of sums of ~1000 terms */
        CHECK(max_abs_diff(logits, z, 10) < 1e-4);
        CHECK(max_abs_diff(out, ref, 10) < 1e-5);
    }
    mcb_exec_free(e);
    free(buf);
    mcb_graph_free(&g);
    mcb_graph_free(&g2);
    mcb_net_free(&t);
}

int main(void)
{
    test_conv_same_stride();
    test_conv_valid_relu_channels();
    test_depthwise();
    test_pools();
    test_fc_softmax_add_reshape();
    test_errors();
    test_matches_trainer("mnist-conv16");
    test_matches_trainer("cifar10-conv32");
    return TEST_END();
}
