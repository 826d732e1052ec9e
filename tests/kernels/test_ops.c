/* FULLY_CONNECTED, MAX/AVERAGE_POOL_2D, ADD, QUANTIZE, DEQUANTIZE, requantize and RESHAPE
 * against double-precision oracles with the documented rounding. */
#include "../test.h"
#include "kernel_prep.h"
#include "mcb_kernels.h"
#include "oracle.h"

#include "err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int32_t pick_zp(void)
{
    const int k = rng_int(0, 3);
    return k == 0 ? -128 : k == 1 ? 127 : rng_int(-128, 127);
}

static void test_fc(void)
{
    for (int trial = 0; trial < 600; trial++) {
        mcb_fc_params p;
        memset(&p, 0, sizeof p);
        p.batches = rng_int(1, 3);
        p.in_depth = rng_int(1, 70);
        p.out_depth = rng_int(1, 12);
        p.per_channel = rng_int(0, 1);
        const int32_t zp_in = pick_zp(), zp_out = pick_zp();
        p.input_offset = -zp_in;
        p.output_offset = zp_out;
        /* per-tensor keeps TFLite's legacy filter offset; per-channel must ignore it */
        p.filter_offset = rng_int(0, 2) == 0 ? rng_int(-3, 3) : 0;
        const float in_scale = (float)(0.01 + 0.05 * rng_unit());
        const float out_scale = (float)(0.02 + 0.2 * rng_unit());
        float fs[12];
        int32_t mult[12], shift[12];
        const int kind = rng_int(0, 3);
        for (int i = 0; i < p.out_depth; i++)
            fs[i] = kind == 0 ? (float)ldexp(1.0, -rng_int(3, 8))
                    : kind == 1 ? (float)(5.0 + 50.0 * rng_unit())
                                : (float)(0.001 + 0.02 * rng_unit());
        if (p.per_channel) {
            CHECK_EQ_INT(mcb_conv_multipliers(in_scale, fs, p.out_depth, out_scale, p.out_depth, mult, shift), 0);
        } else {
            CHECK_EQ_INT(mcb_fc_multiplier(in_scale, fs[0], out_scale, &mult[0], &shift[0]), 0);
            /* the float product, not the double one, as TFLite */
            int32_t q;
            int s;
            mcb_quantize_multiplier((double)(in_scale * fs[0]) / out_scale, &q, &s);
            CHECK_EQ_INT(mult[0], q);
            CHECK_EQ_INT(shift[0], s);
        }
        p.multiplier = mult;
        p.shift = shift;
        CHECK_EQ_INT(mcb_activation_range_s8(rng_int(0, 3), out_scale, zp_out, &p.act_min, &p.act_max), 0);
        int8_t *in = malloc((size_t)p.batches * p.in_depth), *w = malloc((size_t)p.out_depth * p.in_depth);
        int8_t out[3 * 12];
        int32_t bias[12];
        for (int i = 0; i < p.batches * p.in_depth; i++)
            in[i] = rng_s8();
        for (int i = 0; i < p.out_depth * p.in_depth; i++)
            w[i] = (int8_t)rng_int(-127, 127);
        for (int i = 0; i < p.out_depth; i++)
            bias[i] = rng_int(-100000, 100000);
        const int use_bias = rng_int(0, 2) != 0;
        mcb_fully_connected_s8(&p, in, w, use_bias ? bias : NULL, out);
        const double foff = p.per_channel ? 0.0 : p.filter_offset;
        for (int b = 0; b < p.batches; b++)
            for (int o = 0; o < p.out_depth; o++) {
                double acc = use_bias ? bias[o] : 0.0;
                for (int d = 0; d < p.in_depth; d++)
                    acc += (w[o * p.in_depth + d] + foff) * (in[b * p.in_depth + d] - (double)zp_in);
                const int ch = p.per_channel ? o : 0;
                const int32_t want = o_clamp((int64_t)o_requant((int64_t)acc, mult[ch], shift[ch]) + zp_out,
                                             p.act_min, p.act_max);
                CHECK_EQ_INT(out[b * p.out_depth + o], want);
            }
        free(in);
        free(w);
    }
}

static void test_pool(void)
{
    for (int trial = 0; trial < 500; trial++) {
        mcb_pool_params p;
        memset(&p, 0, sizeof p);
        p.batches = rng_int(1, 2);
        p.depth = rng_int(1, 5);
        p.in_h = rng_int(1, 13);
        p.in_w = rng_int(1, 13);
        p.filter_h = rng_int(1, 4);
        p.filter_w = rng_int(1, 4);
        p.stride_h = rng_int(1, 3);
        p.stride_w = rng_int(1, 3);
        const int same = rng_int(0, 1);
        p.out_h = mcb_compute_padding(same ? 0 : 1, p.in_h, p.filter_h, p.stride_h, 1, &p.pad_h);
        p.out_w = mcb_compute_padding(same ? 0 : 1, p.in_w, p.filter_w, p.stride_w, 1, &p.pad_w);
        if (!p.out_h || !p.out_w)
            continue;
        const int act = rng_int(0, 3);
        CHECK_EQ_INT(mcb_activation_range_s8(act, 0.05f, pick_zp(), &p.act_min, &p.act_max), 0);
        const size_t n_in = (size_t)p.batches * p.in_h * p.in_w * p.depth;
        const size_t n_out = (size_t)p.batches * p.out_h * p.out_w * p.depth;
        int8_t *in = malloc(n_in), *mx = malloc(n_out), *av = malloc(n_out);
        const int narrow = rng_int(0, 2) == 0; /* few distinct values: many ties in the average */
        for (size_t i = 0; i < n_in; i++)
            in[i] = narrow ? (int8_t)rng_int(-3, 3) : rng_s8();
        mcb_max_pool2d_s8(&p, in, mx);
        CHECK_EQ_INT(mcb_avg_pool2d_s8(&p, in, av), 0);
        for (int b = 0; b < p.batches; b++)
            for (int oy = 0; oy < p.out_h; oy++)
                for (int ox = 0; ox < p.out_w; ox++)
                    for (int c = 0; c < p.depth; c++) {
                        double sum = 0, m = -1e9;
                        int count = 0;
                        for (int fy = 0; fy < p.filter_h; fy++)
                            for (int fx = 0; fx < p.filter_w; fx++) {
                                const int y = oy * p.stride_h - p.pad_h + fy, x = ox * p.stride_w - p.pad_w + fx;
                                if (y < 0 || x < 0 || y >= p.in_h || x >= p.in_w)
                                    continue;
                                const double v = in[((b * p.in_h + y) * p.in_w + x) * p.depth + c];
                                sum += v;
                                m = v > m ? v : m;
                                count++;
                            }
                        const size_t o = ((size_t)(b * p.out_h + oy) * p.out_w + ox) * p.depth + c;
                        CHECK_EQ_INT(mx[o], o_clamp((int64_t)m, p.act_min, p.act_max));
                        CHECK_EQ_INT(av[o], o_clamp((int64_t)o_round_away(sum / count), p.act_min, p.act_max));
                    }
        free(in);
        free(mx);
        free(av);
    }
    /* average ties: (1 + 2) / 2 = 1.5 -> 2, (-1 - 2) / 2 -> -2 */
    mcb_pool_params p = {.batches = 1, .depth = 1, .in_h = 1, .in_w = 2, .out_h = 1, .out_w = 1,
                         .filter_h = 1, .filter_w = 2, .stride_h = 1, .stride_w = 1,
                         .act_min = -128, .act_max = 127};
    int8_t in[2] = {1, 2}, out[1];
    CHECK_EQ_INT(mcb_avg_pool2d_s8(&p, in, out), 0);
    CHECK_EQ_INT(out[0], 2);
    in[0] = -1, in[1] = -2;
    CHECK_EQ_INT(mcb_avg_pool2d_s8(&p, in, out), 0);
    CHECK_EQ_INT(out[0], -2);
    /* a window entirely in the padding has no average */
    mcb_pool_params e = {.batches = 1, .depth = 1, .in_h = 1, .in_w = 1, .out_h = 3, .out_w = 3,
                         .filter_h = 1, .filter_w = 1, .stride_h = 1, .stride_w = 1, .pad_h = 1,
                         .pad_w = 1, .act_min = -128, .act_max = 127};
    int8_t o9[9];
    CHECK_EQ_INT(mcb_avg_pool2d_s8(&e, in, o9), -1);
}

static void test_add(void)
{
    for (int trial = 0; trial < 3000; trial++) {
        const int kind = rng_int(0, 3);
        float s1 = (float)(0.01 + 0.1 * rng_unit()), s2 = (float)(0.01 + 0.1 * rng_unit());
        float so = (float)(0.02 + 0.2 * rng_unit());
        if (kind == 0) /* equal, power-of-two scales */
            s1 = s2 = 0.125f, so = 0.25f;
        if (kind == 1) /* output much finer than inputs: saturates */
            so = s1 / 50.0f;
        const int32_t z1 = pick_zp(), z2 = pick_zp(), zo = pick_zp();
        mcb_add_params p;
        CHECK_EQ_INT(mcb_add_prepare(s1, z1, s2, z2, so, zo, rng_int(0, 3), &p), 0);
        CHECK_EQ_INT(p.left_shift, 20);
        int8_t a[64], b[64], out[64];
        for (int i = 0; i < 64; i++)
            a[i] = rng_s8(), b[i] = rng_s8();
        a[0] = -128, b[0] = -128, a[1] = 127, b[1] = 127; /* range ends */
        mcb_add_s8(&p, 64, a, b, out);
        for (int i = 0; i < 64; i++) {
            const int32_t ra = o_requant((int64_t)(a[i] - z1) * (1 << 20), p.input1_multiplier, p.input1_shift);
            const int32_t rb = o_requant((int64_t)(b[i] - z2) * (1 << 20), p.input2_multiplier, p.input2_shift);
            const int32_t want = o_clamp((int64_t)o_requant((int64_t)ra + rb, p.output_multiplier, p.output_shift) + zo,
                                         p.act_min, p.act_max);
            CHECK_EQ_INT(out[i], want);
            const double real = (s1 * (a[i] - z1) + (double)s2 * (b[i] - z2)) / so + zo;
            if (out[i] > p.act_min && out[i] < p.act_max)
                CHECK(fabs(out[i] - real) <= 1.0 + 1e-3);
        }
    }
}

static void test_quantize(void)
{
    float x[4096];
    int8_t q[4096], r[4096];
    float back[4096];
    for (int trial = 0; trial < 200; trial++) {
        const float scale = trial == 0 ? 0.5f : (float)ldexp(0.5 + rng_unit(), rng_int(-9, 1));
        const int32_t zp = pick_zp();
        for (int i = 0; i < 4096; i++) {
            const int k = rng_int(0, 3);
            x[i] = k == 0 ? (float)((rng_int(-300, 300) + 0.5) * scale)         /* ties */
                 : k == 1 ? (float)((rng_unit() - 0.5) * 300.0 * scale)         /* in and out of range */
                          : (float)((rng_unit() - 0.5) * 20.0);
        }
        x[0] = INFINITY, x[1] = -INFINITY, x[2] = 3e38f, x[3] = -0.0f, x[4] = NAN;
        mcb_quantize_f32_s8(4096, x, scale, zp, q);
        for (int i = 0; i < 4096; i++) {
            const float t = x[i] / scale; /* float division, as TFLite */
            int64_t want;
            if (t != t)
                want = zp;
            else if (fabsf(t) > 1e9f)
                want = t > 0 ? 127 : -128;
            else
                want = o_clamp((int64_t)o_round_away((double)t) + zp, -128, 127);
            CHECK_EQ_INT(q[i], want);
        }
        /* dequantize: TFLite computes (float)(double(scale) * (q - zp)) */
        mcb_dequantize_s8_f32(4096, q, scale, zp, back);
        for (int i = 0; i < 4096; i++)
            CHECK(back[i] == (float)((double)scale * (q[i] - zp)));
        /* requantize int8 -> int8 to another scale and zero point */
        const float out_scale = (float)ldexp(0.5 + rng_unit(), rng_int(-9, 1));
        const int32_t zp_out = pick_zp();
        int32_t m;
        int s;
        CHECK_EQ_INT(mcb_requantize_prepare(scale, out_scale, &m, &s), 0);
        mcb_requantize_s8(4096, q, zp, m, s, zp_out, r);
        for (int i = 0; i < 4096; i++)
            CHECK_EQ_INT(r[i], o_clamp((int64_t)o_requant(q[i] - zp, m, s) + zp_out, -128, 127));
    }
    /* ties round away from zero, not to even */
    const float ties[4] = {0.25f, -0.25f, 0.75f, -0.75f};
    mcb_quantize_f32_s8(4, ties, 0.5f, 0, q);
    CHECK_EQ_INT(q[0], 1);
    CHECK_EQ_INT(q[1], -1);
    CHECK_EQ_INT(q[2], 2);
    CHECK_EQ_INT(q[3], -2);
    /* just below a tie stays down (floor(x + 0.5) would get this wrong) */
    const float below = 0.49999997f;
    mcb_quantize_f32_s8(1, &below, 1.0f, 0, q);
    CHECK_EQ_INT(q[0], 0);
}

static void test_reshape(void)
{
    uint8_t a[37], b[37];
    for (int i = 0; i < 37; i++)
        a[i] = (uint8_t)rng_next();
    mcb_reshape(37, a, b);
    CHECK(memcmp(a, b, 37) == 0);
    mcb_reshape(37, b, b); /* in place */
    CHECK(memcmp(a, b, 37) == 0);
}

int main(void)
{
    test_fc();
    test_pool();
    test_add();
    test_quantize();
    test_reshape();
    return TEST_END();
}
