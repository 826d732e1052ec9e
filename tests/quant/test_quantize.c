/* The quantizer against hand-computed TFLite parameters on a small conv/pool/fc/softmax graph. */
#include "../test.h"
#include "err.h"
#include "quantize.h"

#include <math.h>
#include <string.h>

static int close_to(double a, double b) { return fabs(a - b) <= 1e-7 * (fabs(b) + 1e-30); }

static void test_asym(void)
{
    float s;
    int zp;
    mcb_quant_asym_params(0.0f, 1.0f, &s, &zp); /* pixels/255 */
    CHECK(close_to(s, 1.0 / 255.0));
    CHECK_EQ_INT(zp, -128);
    mcb_quant_asym_params(-1.0f, 1.0f, &s, &zp);
    CHECK(close_to(s, 2.0 / 255.0));
    /* from_min = -128 + 127.5 = -0.5, error from min (128 + 127.5) > from max (127 + 127.5):
     * from_max = 127 - 127.5 = -0.5, rounded half away from zero -> -1 */
    CHECK_EQ_INT(zp, -1);
    mcb_quant_asym_params(2.0f, 6.0f, &s, &zp); /* widened to [0, 6] */
    CHECK(close_to(s, 6.0 / 255.0));
    CHECK_EQ_INT(zp, -128);
    mcb_quant_asym_params(-3.0f, -1.0f, &s, &zp); /* widened to [-3, 0] */
    CHECK(close_to(s, 3.0 / 255.0));
    CHECK_EQ_INT(zp, 127);
    mcb_quant_asym_params(0.0f, 0.0f, &s, &zp);
    CHECK(s == 1.0f && zp == 0);
}

static int add(mcb_graph *g, const char *name, int type, int rank, const int32_t *shape,
               const void *data, size_t size)
{
    return mcb_graph_add_tensor(g, name, type, rank, shape, data, size);
}

static void test_graph(void)
{
    mcb_graph g;
    mcb_graph_init(&g);
    int32_t s_in[] = {1, 4, 4, 1}, s_w[] = {2, 3, 3, 1}, s_b[] = {2}, s_c[] = {1, 2, 2, 2},
            s_p[] = {1, 1, 1, 2}, s_r[] = {1, 2}, s_shape[] = {2}, s_fw[] = {3, 2}, s_fb[] = {3},
            s_o[] = {1, 3};
    float w[18], b[2] = {0.5f, -0.25f}, fw[6] = {1, -2, 0.5f, 0.25f, 0, -4}, fb[3] = {1, 0, -1};
    for (int i = 0; i < 18; i++)
        w[i] = (i < 9) ? (float)(i - 4) * 0.1f : (float)(i - 9) * 0.01f; /* ch1 max 0.08 */
    int32_t newshape[2] = {1, 2};
    int t_in = add(&g, "in", MCB_FLOAT32, 4, s_in, NULL, 0);
    int t_w = add(&g, "w", MCB_FLOAT32, 4, s_w, w, sizeof w);
    int t_b = add(&g, "b", MCB_FLOAT32, 1, s_b, b, sizeof b);
    int t_c = add(&g, "conv", MCB_FLOAT32, 4, s_c, NULL, 0);
    int t_p = add(&g, "pool", MCB_FLOAT32, 4, s_p, NULL, 0);
    int t_shape = add(&g, "shape", MCB_INT32, 1, s_shape, newshape, sizeof newshape);
    int t_r = add(&g, "flat", MCB_FLOAT32, 2, s_r, NULL, 0);
    int t_fw = add(&g, "fw", MCB_FLOAT32, 2, s_fw, fw, sizeof fw);
    int t_fb = add(&g, "fb", MCB_FLOAT32, 1, s_fb, fb, sizeof fb);
    int t_l = add(&g, "logits", MCB_FLOAT32, 2, s_o, NULL, 0);
    int t_o = add(&g, "probs", MCB_FLOAT32, 2, s_o, NULL, 0);
    mcb_op op;
    memset(&op, 0, sizeof op);
    op.code = MCB_OP_CONV_2D, op.n_in = 3, op.n_out = 1, op.in[0] = t_in, op.in[1] = t_w;
    op.in[2] = t_b, op.out[0] = t_c, op.activation = MCB_ACT_RELU;
    mcb_graph_add_op(&g, &op);
    memset(&op, 0, sizeof op);
    op.code = MCB_OP_MAX_POOL_2D, op.n_in = 1, op.n_out = 1, op.in[0] = t_c, op.out[0] = t_p;
    mcb_graph_add_op(&g, &op);
    memset(&op, 0, sizeof op);
    op.code = MCB_OP_RESHAPE, op.n_in = 2, op.n_out = 1, op.in[0] = t_p, op.in[1] = t_shape;
    op.out[0] = t_r;
    mcb_graph_add_op(&g, &op);
    memset(&op, 0, sizeof op);
    op.code = MCB_OP_FULLY_CONNECTED, op.n_in = 3, op.n_out = 1, op.in[0] = t_r, op.in[1] = t_fw;
    op.in[2] = t_fb, op.out[0] = t_l;
    mcb_graph_add_op(&g, &op);
    memset(&op, 0, sizeof op);
    op.code = MCB_OP_SOFTMAX, op.n_in = 1, op.n_out = 1, op.in[0] = t_l, op.out[0] = t_o;
    mcb_graph_add_op(&g, &op);
    g.n_in = 1, g.in[0] = t_in, g.n_out = 1, g.out[0] = t_o;

    mcb_calib c;
    CHECK(mcb_calib_init(&c, g.n_tensors) == 0);
    float in_obs[2] = {0.0f, 1.0f}, conv_obs[2] = {0.0f, 2.55f}, l_obs[2] = {-5.1f, 5.0f};
    mcb_calib_observe(&c, t_in, in_obs, 2);
    mcb_calib_observe(&c, t_c, conv_obs, 2);
    mcb_calib_observe(&c, t_l, l_obs, 2);

    mcb_graph q;
    CHECK(mcb_quantize_graph(&g, &c, "test", &q) == 0);
    const mcb_tensor *T = q.tensors;
    CHECK(T[t_in].type == MCB_INT8 && T[t_in].zero_point[0] == -128);
    CHECK(close_to(T[t_in].scale[0], 1.0 / 255.0));
    CHECK(T[t_c].type == MCB_INT8 && T[t_c].zero_point[0] == -128);
    CHECK(close_to(T[t_c].scale[0], 0.01));
    /* pool and reshape share the conv output's parameters */
    CHECK(T[t_p].scale[0] == T[t_c].scale[0] && T[t_p].zero_point[0] == -128);
    CHECK(T[t_r].scale[0] == T[t_c].scale[0] && T[t_r].type == MCB_INT8);
    CHECK(T[t_shape].type == MCB_INT32);
    /* per-channel conv weights: ch0 max 0.4, ch1 max 0.08 */
    CHECK_EQ_INT(T[t_w].n_quant, 2);
    CHECK_EQ_INT(T[t_w].quant_dim, 0);
    CHECK(close_to(T[t_w].scale[0], 0.4 / 127.0) || fabs(T[t_w].scale[0] - 0.4 / 127) < 1e-9);
    const int8_t *qw = (const int8_t *)T[t_w].data;
    CHECK_EQ_INT(qw[0], -127);
    CHECK_EQ_INT(qw[8], 127);
    CHECK_EQ_INT(qw[4], 0);
    CHECK_EQ_INT(qw[17], 127);
    CHECK_EQ_INT(qw[10], 16); /* 0.01 / (0.08/127) = 15.875 */
    /* bias: int32, scale in_scale * w_scale */
    CHECK(T[t_b].type == MCB_INT32 && T[t_b].n_quant == 2);
    const int32_t *qb = (const int32_t *)(const void *)T[t_b].data;
    CHECK_EQ_INT(qb[0], (int32_t)lround(0.5 / ((1.0 / 255.0) * (0.4 / 127.0))));
    /* FC weights per tensor: max 4 */
    CHECK_EQ_INT(T[t_fw].n_quant, 1);
    const int8_t *qfw = (const int8_t *)T[t_fw].data;
    CHECK_EQ_INT(qfw[5], -127);
    CHECK_EQ_INT(qfw[0], 32); /* 1 / (4/127) = 31.75 */
    CHECK(T[t_o].type == MCB_INT8 && T[t_o].zero_point[0] == -128);
    CHECK(T[t_o].scale[0] == 1.0f / 256.0f);
    CHECK(close_to(T[t_l].scale[0], 10.1 / 255.0));
    mcb_graph_free(&q);

    /* an activation calibration never saw is an error, not a silent default */
    mcb_calib_free(&c);
    CHECK(mcb_calib_init(&c, g.n_tensors) == 0);
    mcb_calib_observe(&c, t_in, in_obs, 2);
    mcb_err_quiet(1);
    CHECK(mcb_quantize_graph(&g, &c, "test", &q) == -1);
    mcb_err_quiet(0);
    CHECK(strstr(mcb_last_error(), "never reached") != NULL);
    mcb_calib_free(&c);
    mcb_graph_free(&g);
}

int main(void)
{
    test_asym();
    test_graph();
    return TEST_END();
}
