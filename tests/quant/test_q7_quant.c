/* The q7 quantizer (src/quant/quantize_q7.c) on a layer small enough to work out by hand,
 * the .tflite round trip of the q7 marker, and the executor's refusal of shifts the legacy
 * kernels cannot take. */
#include "err.h"
#include "exec.h"
#include "graph.h"
#include "quantize.h"
#include "../test.h"
#include "tflite.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* input [1,4,4,1] -> CONV_2D 2x2 VALID, 2 filters, ReLU -> [1,3,3,2] */
static void tiny(mcb_graph *g, float bias0, float bias1)
{
    mcb_graph_init(g);
    const int32_t si[4] = {1, 4, 4, 1}, sw[4] = {2, 2, 2, 1}, sb[1] = {2}, so[4] = {1, 3, 3, 2};
    const float w[8] = {0.3f, -0.25f, 0.1f, 0.0f, -0.125f, 0.2f, 0.05f, -0.01f};
    const float b[2] = {bias0, bias1};
    mcb_graph_add_tensor(g, "in", MCB_FLOAT32, 4, si, NULL, 0);
    mcb_graph_add_tensor(g, "w", MCB_FLOAT32, 4, sw, w, sizeof w);
    mcb_graph_add_tensor(g, "b", MCB_FLOAT32, 1, sb, b, sizeof b);
    mcb_graph_add_tensor(g, "out", MCB_FLOAT32, 4, so, NULL, 0);
    mcb_op op;
    memset(&op, 0, sizeof op);
    op.code = MCB_OP_CONV_2D;
    op.n_in = 3, op.n_out = 1;
    op.in[0] = 0, op.in[1] = 1, op.in[2] = 2, op.out[0] = 3;
    op.padding = MCB_PAD_VALID, op.activation = MCB_ACT_RELU;
    op.stride_w = op.stride_h = op.dilation_w = op.dilation_h = 1;
    mcb_graph_add_op(g, &op);
    g->n_in = g->n_out = 1;
    g->in[0] = 0, g->out[0] = 3;
}

static void calib(mcb_calib *c, float out_max)
{
    mcb_calib_init(c, 4);
    c->seen[0] = c->seen[3] = 1;
    c->min[0] = 0, c->max[0] = 1.0f;  /* pixels / 255 */
    c->min[3] = 0, c->max[3] = out_max;
}

static int frac(const mcb_tensor *t)
{
    return -ilogbf(t->scale[0]);
}

int main(void)
{
    /* 7 - ceil(log2(absmax)) */
    CHECK_EQ_INT(mcb_q7_frac_bits(1.0), 7);
    CHECK_EQ_INT(mcb_q7_frac_bits(0.5), 8);
    CHECK_EQ_INT(mcb_q7_frac_bits(0.75), 7);
    CHECK_EQ_INT(mcb_q7_frac_bits(0.3), 8);
    CHECK_EQ_INT(mcb_q7_frac_bits(2.0), 6);
    CHECK_EQ_INT(mcb_q7_frac_bits(3.2), 5);
    CHECK_EQ_INT(mcb_q7_frac_bits(127.9), 0);
    CHECK_EQ_INT(mcb_q7_frac_bits(128.0), 0);
    CHECK_EQ_INT(mcb_q7_frac_bits(129.0), -1);
    CHECK_EQ_INT(mcb_q7_frac_bits(0.0), 7);

    /* By hand: input [0, 1] -> Q0.7 (7 bits); weights max |0.3| -> ceil(log2 0.3) = -1 -> 8
     * bits; bias max |-0.7| -> 7 bits; accumulator 7 + 8 = 15 bits, so bias shift 15 - 7 = 8;
     * output max 3.2 -> ceil(log2 3.2) = 2 -> 5 bits, output shift 15 - 5 = 10.
     * Weights: 0.3 * 256 = 76.8 -> 77, -0.25 * 256 = -64, 0.1 * 256 = 25.6 -> 26,
     * -0.125 * 256 = -32, 0.2 * 256 = 51.2 -> 51, 0.05 * 256 = 12.8 -> 13, -0.01 * 256 = -2.56
     * -> -3. Bias: 0.05 * 128 = 6.4 -> 6, -0.7 * 128 = -89.6 -> -90. */
    mcb_graph f, q;
    mcb_calib c;
    tiny(&f, 0.05f, -0.7f);
    calib(&c, 3.2f);
    CHECK(mcb_quantize_graph_q7(&f, &c, "tiny", &q) == 0);
    CHECK_EQ_INT(q.scheme, MCB_SCHEME_Q7);
    CHECK_EQ_INT(frac(&q.tensors[0]), 7);
    CHECK_EQ_INT(frac(&q.tensors[1]), 8);
    CHECK_EQ_INT(frac(&q.tensors[2]), 7);
    CHECK_EQ_INT(frac(&q.tensors[3]), 5);
    CHECK_EQ_INT(q.tensors[2].type, MCB_INT8);
    for (int t = 0; t < 4; t++)
        CHECK_EQ_INT(q.tensors[t].zero_point[0], 0);
    const int8_t *w = (const int8_t *)q.tensors[1].data, *b = (const int8_t *)q.tensors[2].data;
    const int want_w[8] = {77, -64, 26, 0, -32, 51, 13, -3};
    for (int i = 0; i < 8; i++)
        CHECK_EQ_INT(w[i], want_w[i]);
    CHECK_EQ_INT(b[0], 6);
    CHECK_EQ_INT(b[1], -90);

    /* The marker survives the file, and the executor takes the model. */
    uint8_t *buf;
    size_t size;
    mcb_graph r;
    CHECK(mcb_tflite_serialize(&q, &buf, &size) == 0);
    CHECK(mcb_tflite_parse(buf, size, "tiny", &r) == 0);
    CHECK_EQ_INT(r.scheme, MCB_SCHEME_Q7);
    free(buf);
    mcb_exec *e = mcb_exec_prepare(&r, "tiny");
    CHECK(e != NULL);
    if (e) { /* an input of all 127 (0.99): out = relu(sat((bias<<8) + 512 + sum) >> 10) */
        int8_t in[16], out[18];
        memset(in, 127, sizeof in);
        mcb_exec_run(e, in, out);
        /* filter 0: 127 * (77 - 64 + 26 + 0) = 4953; (6 << 8) + 512 + 4953 = 7001 >> 10 = 6 */
        CHECK_EQ_INT(out[0], 6);
        /* filter 1: 127 * (-32 + 51 + 13 - 3) = 3683; -90 * 256 + 512 + 3683 = -18845 >> 10
         * = -19 (floor), then ReLU 0 */
        CHECK_EQ_INT(out[1], 0);
        mcb_exec_free(e);
    }
    mcb_graph_free(&r);
    mcb_graph_free(&q);
    mcb_calib_free(&c);
    mcb_graph_free(&f);

    /* Tiny ranges would want more fractional bits than the accumulator has: capped at 15,
     * shifts 0. */
    tiny(&f, 0.0001f, -0.00005f); /* 7 - ceil(log2 1e-4) = 20 */
    calib(&c, 0.001f); /* 7 - ceil(log2 0.001) = 7 + 9 = 16 */
    CHECK(mcb_quantize_graph_q7(&f, &c, "tiny", &q) == 0);
    CHECK_EQ_INT(frac(&q.tensors[2]), 15);
    CHECK_EQ_INT(frac(&q.tensors[3]), 15);
    mcb_graph_free(&q);
    mcb_calib_free(&c);
    mcb_graph_free(&f);

    /* A q7 file whose bias has more fractional bits than the accumulator: the executor
     * refuses it with one line naming the shift. */
    tiny(&f, 0.05f, -0.7f);
    calib(&c, 3.2f);
    CHECK(mcb_quantize_graph_q7(&f, &c, "tiny", &q) == 0);
    const float s16 = ldexpf(1.0f, -16);
    const int64_t z = 0;
    mcb_tensor_set_quant(&q.tensors[2], 1, &s16, &z, 0);
    const int was = mcb_err_quiet(1);
    CHECK(mcb_exec_prepare(&q, "bad") == NULL);
    mcb_err_quiet(was);
    CHECK(strstr(mcb_last_error(), "bias shift -1") != NULL);
    mcb_graph_free(&q);
    mcb_calib_free(&c);
    mcb_graph_free(&f);
    return TEST_END();
}
