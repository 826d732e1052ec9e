/* The q7 host reference (src/exec/exec_q7.c) against CMSIS-NN's legacy q7 functions, compiled
 * from the pinned archive's portable C path for the host (CMakeLists.txt): every kernel on
 * random layers (with saturating shifts, padding, strides, leftover rows and columns), then
 * the q7 zoo models layer by layer on random images. Every output byte must be equal.
 * argv[1]: the models folder. */
#include "exec.h"
#include "exec_q7.h"
#include "graph.h"
#include "../test.h"
#include "tflite.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The legacy API (arm_nnfunctions.h of the archive), declared here so that this file needs
 * none of the archive's headers; arm_cmsis_nn_status is an int-sized enum. */
typedef int legacy_conv_fn(const int8_t *in, uint16_t dim_in, uint16_t ch_in, const int8_t *wt,
                           uint16_t ch_out, uint16_t k, uint16_t pad, uint16_t stride,
                           const int8_t *bias, uint16_t bias_shift, uint16_t out_shift,
                           int8_t *out, uint16_t dim_out, int16_t *buf_a, int8_t *buf_b);
legacy_conv_fn arm_convolve_HWC_q7_basic, arm_convolve_HWC_q7_fast, arm_convolve_HWC_q7_RGB;
void arm_relu_q7(int8_t *data, uint16_t size);
void arm_maxpool_q7_HWC(int8_t *in, uint16_t dim_in, uint16_t ch_in, uint16_t k, uint16_t pad,
                        uint16_t stride, uint16_t dim_out, int8_t *buf_a, int8_t *out);
typedef int legacy_fc_fn(const int8_t *v, const int8_t *m, uint16_t dim_vec, uint16_t rows,
                         uint16_t bias_shift, uint16_t out_shift, const int8_t *bias,
                         int8_t *out, int16_t *vec_buf);
legacy_fc_fn arm_fully_connected_q7, arm_fully_connected_q7_opt;
void arm_softmax_q7(const int8_t *in, uint16_t dim_vec, int8_t *out);

static uint32_t rng = 12345;
static int rnd(int n) /* 0 .. n-1 */
{
    rng = rng * 1664525u + 1013904223u;
    return (int)((rng >> 8) % (uint32_t)n);
}
static void fill(int8_t *x, size_t n, int lo, int hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (int8_t)(lo + rnd(hi - lo + 1));
}

static int first_diff(const int8_t *a, const int8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return (int)i;
    return -1;
}

static int8_t buf_b[1]; /* the conv functions' bufferB is unused */
static int16_t buf_a[2 * 64 * 7 * 7];

/* The function the cmsis-nn-q7 engine picks for a layer (engine_cmsis_nn_q7.c). */
static legacy_conv_fn *pick(int in_ch, int out_ch)
{
    if (in_ch == 3)
        return arm_convolve_HWC_q7_RGB;
    if (in_ch % 4 == 0 && out_ch % 2 == 0)
        return arm_convolve_HWC_q7_fast;
    return arm_convolve_HWC_q7_basic;
}

static void check_conv(legacy_conv_fn *fn, const char *name, mcb_q7_params p)
{
    const size_t ni = (size_t)p.in_dim * p.in_dim * p.in_ch;
    const size_t nw = (size_t)p.out_ch * p.kernel * p.kernel * p.in_ch;
    const size_t no = (size_t)p.out_dim * p.out_dim * p.out_ch;
    int8_t *in = malloc(ni), *w = malloc(nw), *b = malloc((size_t)p.out_ch);
    int8_t *want = malloc(no), *got = malloc(no);
    fill(in, ni, -128, 127);
    fill(w, nw, -128, 127);
    fill(b, (size_t)p.out_ch, -128, 127);
    CHECK_EQ_INT(fn(in, (uint16_t)p.in_dim, (uint16_t)p.in_ch, w, (uint16_t)p.out_ch,
                    (uint16_t)p.kernel, (uint16_t)p.padding, (uint16_t)p.stride, b,
                    (uint16_t)p.bias_shift, (uint16_t)p.out_shift, want, (uint16_t)p.out_dim,
                    buf_a, buf_b), 0);
    mcb_q7_conv(&p, in, w, b, got);
    const int d = first_diff(want, got, no);
    if (d >= 0)
        fprintf(stderr, "%s dim %d ch %d->%d k %d pad %d stride %d shifts %d/%d: byte %d legacy "
                "%d host %d\n", name, p.in_dim, p.in_ch, p.out_ch, p.kernel, p.padding,
                p.stride, p.bias_shift, p.out_shift, d, want[d], got[d]);
    CHECK(d < 0);
    free(in), free(w), free(b), free(want), free(got);
}

static void random_convs(void)
{
    for (int t = 0; t < 120; t++) {
        mcb_q7_params p;
        memset(&p, 0, sizeof p);
        const int kind = t % 3;
        p.in_ch = kind == 0 ? 3 : kind == 1 ? 4 * (1 + rnd(4)) : 1 + rnd(6);
        p.out_ch = kind == 1 ? 2 * (1 + rnd(5)) : 1 + rnd(9);
        p.kernel = 1 + rnd(5);
        p.padding = rnd(p.kernel);
        p.stride = 1 + rnd(2);
        p.in_dim = p.kernel + rnd(10);
        p.out_dim = (p.in_dim + 2 * p.padding - p.kernel) / p.stride + 1;
        p.bias_shift = rnd(9);
        p.out_shift = rnd(15); /* small shifts saturate, 0 has no rounding term */
        legacy_conv_fn *fn = kind == 0 ? arm_convolve_HWC_q7_RGB
                             : kind == 1 ? arm_convolve_HWC_q7_fast : arm_convolve_HWC_q7_basic;
        check_conv(fn, kind == 0 ? "RGB" : kind == 1 ? "fast" : "basic", p);
        if (kind == 1) /* _basic takes every shape: it must agree too */
            check_conv(arm_convolve_HWC_q7_basic, "basic", p);
    }
}

static void random_fcs(void)
{
    for (int t = 0; t < 200; t++) {
        mcb_q7_params p;
        memset(&p, 0, sizeof p);
        p.in_ch = t < 100 ? 1 + rnd(40) : 400 + rnd(9); /* dim_vec, with leftover columns */
        p.out_ch = 1 + rnd(13);                        /* rows, with leftover rows */
        p.in_dim = p.out_dim = p.kernel = p.stride = p.batches = 1;
        p.bias_shift = rnd(9);
        p.out_shift = rnd(15);
        const size_t nw = (size_t)p.in_ch * p.out_ch;
        int8_t *v = malloc((size_t)p.in_ch), *w = malloc(nw), *wo = malloc(nw);
        int8_t *b = malloc((size_t)p.out_ch), *want = malloc((size_t)p.out_ch);
        int8_t *want_opt = malloc((size_t)p.out_ch), *got = malloc((size_t)p.out_ch);
        int16_t *vb = malloc((size_t)p.in_ch * sizeof *vb);
        fill(v, (size_t)p.in_ch, -128, 127);
        fill(w, nw, -128, 127);
        fill(b, (size_t)p.out_ch, -128, 127);
        mcb_q7_fc_opt_order(w, p.out_ch, p.in_ch, wo);
        arm_fully_connected_q7(v, w, (uint16_t)p.in_ch, (uint16_t)p.out_ch,
                               (uint16_t)p.bias_shift, (uint16_t)p.out_shift, b, want, vb);
        arm_fully_connected_q7_opt(v, wo, (uint16_t)p.in_ch, (uint16_t)p.out_ch,
                                   (uint16_t)p.bias_shift, (uint16_t)p.out_shift, b, want_opt,
                                   vb);
        mcb_q7_fc(&p, v, w, b, got);
        CHECK(first_diff(want, got, (size_t)p.out_ch) < 0);
        CHECK(first_diff(want_opt, got, (size_t)p.out_ch) < 0);
        free(v), free(w), free(wo), free(b), free(want), free(want_opt), free(got), free(vb);
    }
}

static void random_pools(void)
{
    for (int t = 0; t < 100; t++) {
        mcb_q7_params p;
        memset(&p, 0, sizeof p);
        p.kernel = 1 + rnd(3);
        p.stride = 1 + rnd(3);
        p.in_dim = p.kernel + rnd(12);
        p.out_dim = (p.in_dim - p.kernel) / p.stride + 1; /* VALID: no padding */
        p.in_ch = p.out_ch = 1 + rnd(20);
        const size_t ni = (size_t)p.in_dim * p.in_dim * p.in_ch;
        const size_t no = (size_t)p.out_dim * p.out_dim * p.in_ch;
        int8_t *in = malloc(ni), *scratch = malloc(ni), *want = malloc(no), *got = malloc(no);
        fill(in, ni, -128, 127);
        memcpy(scratch, in, ni); /* the legacy pool may work in its input */
        arm_maxpool_q7_HWC(scratch, (uint16_t)p.in_dim, (uint16_t)p.in_ch, (uint16_t)p.kernel, 0,
                           (uint16_t)p.stride, (uint16_t)p.out_dim, NULL, want);
        mcb_q7_maxpool(&p, in, got);
        CHECK(first_diff(want, got, no) < 0);
        free(in), free(scratch), free(want), free(got);
    }
}

static void softmaxes(void)
{
    int8_t in[40], want[40], got[40];
    for (int t = 0; t < 2000; t++) {
        const int n = 1 + rnd(t < 1000 ? 12 : 40);
        /* narrow ranges make ties and near-ties; wide ones the saturation */
        const int lo = t % 4 == 0 ? -128 : -rnd(129), hi = t % 4 == 1 ? 127 : lo + rnd(20);
        fill(in, (size_t)n, lo, hi > 127 ? 127 : hi);
        arm_softmax_q7(in, (uint16_t)n, want);
        mcb_q7_softmax(in, n, got);
        CHECK(first_diff(want, got, (size_t)n) < 0);
    }
}

static void relus(void)
{
    enum { N = 70000 }; /* over arm_relu_q7's 16-bit size */
    int8_t *a = malloc(N), *b = malloc(N), *c = malloc(N);
    fill(a, N, -128, 127);
    memcpy(b, a, N);
    memcpy(c, a, N);
    for (size_t at = 0; at < N; at += 65535) /* in chunks, as the engine calls it */
        arm_relu_q7(b + at, (uint16_t)(N - at < 65535 ? N - at : 65535));
    mcb_q7_relu(c, N);
    CHECK(first_diff(b, c, N) < 0);
    /* one call with the size cut to 16 bits leaves all but the first N - 65536 untouched: the
     * hazard the chunking avoids */
    arm_relu_q7(a, (uint16_t)N);
    int negatives_left = 0;
    for (size_t i = N - 65536; i < N; i++)
        negatives_left += a[i] < 0;
    CHECK(negatives_left > 1000);
    free(a), free(b), free(c);
}

/* The model layer by layer: each operator's legacy function on the executor's own input for
 * it must give the executor's output for it. */
static void model_layers(const char *dir, const char *name, int images)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mcb_graph g;
    if (mcb_tflite_load(path, &g) != 0) {
        CHECK(!"model loads");
        return;
    }
    CHECK_EQ_INT(g.scheme, MCB_SCHEME_Q7);
    mcb_exec *e = mcb_exec_prepare(&g, path);
    CHECK(e != NULL);
    if (!e) {
        mcb_graph_free(&g);
        return;
    }
    const mcb_tensor *ti = &g.tensors[g.in[0]], *to = &g.tensors[g.out[0]];
    const size_t ni = (size_t)mcb_tensor_elems(ti);
    uint8_t *px = malloc(ni);
    int8_t *in = malloc(ni), *out = malloc((size_t)mcb_tensor_elems(to));
    int8_t *want = malloc(1 << 20), *scratch = malloc(1 << 20);
    int16_t *vb = malloc(sizeof(int16_t) * 65536);
    int8_t *wo = malloc(1 << 20);
    int compared = 0;
    for (int im = 0; im < images; im++) {
        for (size_t i = 0; i < ni; i++)
            px[i] = (uint8_t)rnd(256);
        mcb_input_from_pixels(ti, px, ni, in);
        mcb_exec_run(e, in, out);
        for (int o = 0; o < g.n_ops; o++) {
            const mcb_op *op = &g.ops[o];
            const int8_t *x = mcb_exec_tensor(e, op->in[0]);
            const int8_t *y = mcb_exec_tensor(e, op->out[0]);
            const size_t ny = (size_t)mcb_tensor_elems(&g.tensors[op->out[0]]);
            mcb_q7_params p;
            char why[200];
            if (op->code == MCB_OP_CONV_2D) {
                CHECK(mcb_q7_conv_params(&g, op, &p, why, sizeof why) == 0);
                pick(p.in_ch, p.out_ch)(x, (uint16_t)p.in_dim, (uint16_t)p.in_ch,
                                        mcb_exec_tensor(e, op->in[1]), (uint16_t)p.out_ch,
                                        (uint16_t)p.kernel, (uint16_t)p.padding,
                                        (uint16_t)p.stride, mcb_exec_tensor(e, op->in[2]),
                                        (uint16_t)p.bias_shift, (uint16_t)p.out_shift, want,
                                        (uint16_t)p.out_dim, buf_a, buf_b);
                if (p.relu)
                    for (size_t at = 0; at < ny; at += 65535)
                        arm_relu_q7(want + at, (uint16_t)(ny - at < 65535 ? ny - at : 65535));
            } else if (op->code == MCB_OP_MAX_POOL_2D) {
                CHECK(mcb_q7_pool_params(&g, op, &p, why, sizeof why) == 0);
                memcpy(scratch, x, (size_t)mcb_tensor_elems(&g.tensors[op->in[0]]));
                arm_maxpool_q7_HWC(scratch, (uint16_t)p.in_dim, (uint16_t)p.in_ch,
                                   (uint16_t)p.kernel, (uint16_t)p.padding, (uint16_t)p.stride,
                                   (uint16_t)p.out_dim, NULL, want);
            } else if (op->code == MCB_OP_FULLY_CONNECTED) {
                CHECK(mcb_q7_fc_params(&g, op, &p, why, sizeof why) == 0);
                mcb_q7_fc_opt_order(mcb_exec_tensor(e, op->in[1]), p.out_ch, p.in_ch, wo);
                arm_fully_connected_q7_opt(x, wo, (uint16_t)p.in_ch, (uint16_t)p.out_ch,
                                           (uint16_t)p.bias_shift, (uint16_t)p.out_shift,
                                           mcb_exec_tensor(e, op->in[2]), want, vb);
            } else if (op->code == MCB_OP_SOFTMAX) {
                arm_softmax_q7(x, (uint16_t)ny, want);
            } else {
                continue; /* RESHAPE: a copy */
            }
            const int d = first_diff(want, y, ny);
            if (d >= 0)
                fprintf(stderr, "%s image %d op %d (%s): byte %d legacy %d host %d\n", name, im,
                        o, mcb_op_name(op->code), d, want[d], y[d]);
            CHECK(d < 0);
            compared++;
        }
    }
    printf("%s: %d layer outputs compared over %d random images\n", name, compared, images);
    free(px), free(in), free(out), free(want), free(scratch), free(vb), free(wo);
    mcb_exec_free(e);
    mcb_graph_free(&g);
}

int main(int argc, char **argv)
{
    random_convs();
    random_fcs();
    random_pools();
    softmaxes();
    relus();
    if (argc > 1) {
        model_layers(argv[1], "mnist-conv16-q7.tflite", 20);
        model_layers(argv[1], "cifar10-conv16-q7.tflite", 20);
        model_layers(argv[1], "mnist-conv128-q7.tflite", 2);
    }
    return TEST_END();
}
