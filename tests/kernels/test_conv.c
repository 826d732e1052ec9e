/* CONV_2D and DEPTHWISE_CONV_2D against a double-precision oracle: random shapes, SAME/VALID,
 * strides 1-3, zero points at the int8 range ends, per-channel scales including exact powers
 * of two, tiny (flushed) and large multipliers, fused activations. */
#include "../test.h"
#include "kernel_prep.h"
#include "mcb_kernels.h"
#include "oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAXC = 8 };

static int32_t pick_zp(void)
{
    switch (rng_int(0, 3)) {
    case 0: return -128;
    case 1: return 127;
    case 2: return 0;
    default: return rng_int(-128, 127);
    }
}

/* a filter scale of one of the edge kinds */
static float pick_filter_scale(int kind)
{
    switch (kind) {
    case 0: return (float)ldexp(1.0, -rng_int(4, 9));           /* exact power of two */
    case 1: return 1e-13f;                                       /* multiplier flushes to 0 */
    case 2: return (float)(10.0 + 100.0 * rng_unit());           /* large: left shift, clamps */
    default: return (float)((0.2 + rng_unit()) * 0.01);
    }
}

typedef struct {
    mcb_conv_params p;
    int depthwise;
    float in_scale, out_scale, fscale[MAXC * 4];
    int32_t zp_out;
    int32_t mult[MAXC * 4], shift[MAXC * 4];
} conv_case;

/* double oracle for one output element; returns the exact accumulator */
static double oracle_acc(const conv_case *c, const int8_t *in, const int8_t *f, const int32_t *bias,
                         int b, int oy, int ox, int oc)
{
    const mcb_conv_params *p = &c->p;
    double acc = bias ? bias[oc] : 0.0;
    for (int fy = 0; fy < p->filter_h; fy++)
        for (int fx = 0; fx < p->filter_w; fx++) {
            const int iy = oy * p->stride_h - p->pad_h + fy * p->dilation_h;
            const int ix = ox * p->stride_w - p->pad_w + fx * p->dilation_w;
            if (iy < 0 || ix < 0 || iy >= p->in_h || ix >= p->in_w)
                continue; /* zero in the real domain */
            if (c->depthwise) {
                const int ic = oc / p->depth_multiplier;
                const double x = in[((b * p->in_h + iy) * p->in_w + ix) * p->in_c + ic];
                const double w = f[(fy * p->filter_w + fx) * p->out_c + oc];
                acc += (w + p->filter_offset) * (x + p->input_offset);
            } else {
                for (int ic = 0; ic < p->in_c; ic++) {
                    const double x = in[((b * p->in_h + iy) * p->in_w + ix) * p->in_c + ic];
                    const double w =
                        f[((oc * p->filter_h + fy) * p->filter_w + fx) * p->in_c + ic];
                    acc += (w + p->filter_offset) * (x + p->input_offset);
                }
            }
        }
    return acc;
}

static int run_case(conv_case *c, int same)
{
    mcb_conv_params *p = &c->p;
    const int eff_h = (p->filter_h - 1) * p->dilation_h + 1, eff_w = (p->filter_w - 1) * p->dilation_w + 1;
    p->out_h = o_out_size(same, p->in_h, eff_h, p->stride_h);
    p->out_w = o_out_size(same, p->in_w, eff_w, p->stride_w);
    if (p->out_h <= 0 || p->out_w <= 0)
        return 0;
    p->pad_h = o_pad(p->in_h, eff_h, p->stride_h, p->out_h);
    p->pad_w = o_pad(p->in_w, eff_w, p->stride_w, p->out_w);
    int pad;
    CHECK_EQ_INT(mcb_compute_padding(same ? 0 : 1, p->in_h, p->filter_h, p->stride_h, p->dilation_h, &pad), p->out_h);
    CHECK_EQ_INT(pad, p->pad_h);

    const size_t n_in = (size_t)p->batches * p->in_h * p->in_w * p->in_c;
    const size_t n_f = c->depthwise ? (size_t)p->filter_h * p->filter_w * p->out_c
                                    : (size_t)p->out_c * p->filter_h * p->filter_w * p->in_c;
    const size_t n_out = (size_t)p->batches * p->out_h * p->out_w * p->out_c;
    int8_t *in = malloc(n_in), *f = malloc(n_f), *out = malloc(n_out);
    int32_t bias[MAXC * 4];
    for (size_t i = 0; i < n_in; i++)
        in[i] = rng_s8();
    for (size_t i = 0; i < n_f; i++)
        f[i] = (int8_t)rng_int(-127, 127); /* symmetric weights */
    for (int i = 0; i < p->out_c; i++)
        bias[i] = rng_int(-20000, 20000);
    const int use_bias = rng_int(0, 3) != 0;

    if (c->depthwise)
        mcb_depthwise_conv2d_s8(p, in, f, use_bias ? bias : NULL, out);
    else
        mcb_conv2d_s8(p, in, f, use_bias ? bias : NULL, out);

    int bad = 0;
    for (int b = 0; b < p->batches; b++)
        for (int oy = 0; oy < p->out_h; oy++)
            for (int ox = 0; ox < p->out_w; ox++)
                for (int oc = 0; oc < p->out_c; oc++) {
                    const double acc = oracle_acc(c, in, f, use_bias ? bias : NULL, b, oy, ox, oc);
                    const int64_t r = (int64_t)o_requant((int64_t)acc, c->mult[oc], c->shift[oc]) + c->zp_out;
                    const int32_t want = o_clamp(r, p->act_min, p->act_max);
                    const int32_t got = out[((b * p->out_h + oy) * p->out_w + ox) * p->out_c + oc];
                    if (got != want && bad++ < 3)
                        fprintf(stderr, "%s out(%d,%d,%d,%d): got %d want %d\n",
                                c->depthwise ? "depthwise" : "conv", b, oy, ox, oc, got, want);
                    CHECK_EQ_INT(got, want);
                    /* the real-valued result, where neither clamp nor wrap-around applies */
                    const double real = acc * ((double)c->in_scale * c->fscale[oc] / c->out_scale);
                    if (c->mult[oc] != 0 && fabs(acc * ldexp(1.0, c->shift[oc] > 0 ? c->shift[oc] : 0)) < 2e9 &&
                        got > p->act_min && got < p->act_max)
                        CHECK(fabs(got - c->zp_out - real) <= 1.0 + 1e-6 * fabs(real));
                }
    free(in);
    free(f);
    free(out);
    return 1;
}

static void random_case(int depthwise, int dilation)
{
    conv_case c;
    memset(&c, 0, sizeof c);
    mcb_conv_params *p = &c.p;
    c.depthwise = depthwise;
    p->batches = rng_int(1, 2);
    p->in_h = rng_int(1, 11);
    p->in_w = rng_int(1, 11);
    p->in_c = rng_int(1, depthwise ? 5 : 6);
    p->depth_multiplier = depthwise ? rng_int(1, 3) : 1;
    p->out_c = depthwise ? p->in_c * p->depth_multiplier : rng_int(1, MAXC);
    p->filter_h = rng_int(1, 5);
    p->filter_w = rng_int(1, 5);
    p->stride_h = rng_int(1, 3);
    p->stride_w = rng_int(1, 2);
    p->dilation_h = p->dilation_w = dilation;
    const int32_t zp_in = pick_zp();
    p->input_offset = -zp_in;
    p->filter_offset = 0;
    c.zp_out = pick_zp();
    p->output_offset = c.zp_out;
    c.in_scale = (float)(0.002 + 0.05 * rng_unit());
    c.out_scale = (float)(0.005 + 0.1 * rng_unit());
    const int kind = rng_int(0, 5);
    const int per_tensor = rng_int(0, 4) == 0;
    for (int i = 0; i < p->out_c; i++)
        c.fscale[i] = per_tensor && i > 0 ? c.fscale[0] : pick_filter_scale(kind);
    if (kind == 0 && rng_int(0, 1)) /* whole effective scale an exact power of two */
        c.in_scale = 0.5f, c.out_scale = 0.25f;
    CHECK_EQ_INT(mcb_conv_multipliers(c.in_scale, c.fscale, per_tensor ? 1 : p->out_c, c.out_scale,
                                      p->out_c, c.mult, c.shift), 0);
    p->multiplier = c.mult;
    p->shift = c.shift;
    CHECK_EQ_INT(mcb_activation_range_s8(rng_int(0, 3), c.out_scale, c.zp_out, &p->act_min, &p->act_max), 0);
    run_case(&c, rng_int(0, 1));
}

/* A hand-checked case: 3x3 input, 2x2 filter of ones, VALID, unit scales (multiplier 1.0 is
 * q = 2^30, shift 1), zero points 0: each output is the window sum. */
static void known_case(void)
{
    const int8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const int8_t f[4] = {1, 1, 1, 1};
    const int32_t bias[1] = {-2};
    int32_t m, s;
    const float one = 1.0f;
    CHECK_EQ_INT(mcb_conv_multipliers(1.0f, &one, 1, 1.0f, 1, &m, &s), 0);
    mcb_conv_params p = {.batches = 1, .in_h = 3, .in_w = 3, .in_c = 1, .out_h = 2, .out_w = 2,
                         .out_c = 1, .filter_h = 2, .filter_w = 2, .stride_h = 1, .stride_w = 1,
                         .dilation_h = 1, .dilation_w = 1, .depth_multiplier = 1,
                         .act_min = -128, .act_max = 127, .multiplier = &m, .shift = &s};
    int8_t out[4];
    mcb_conv2d_s8(&p, in, f, bias, out);
    CHECK_EQ_INT(out[0], 12 - 2);
    CHECK_EQ_INT(out[1], 16 - 2);
    CHECK_EQ_INT(out[2], 24 - 2);
    CHECK_EQ_INT(out[3], 28 - 2);
    mcb_depthwise_conv2d_s8(&p, in, f, NULL, out);
    CHECK_EQ_INT(out[3], 28);
    /* SAME, stride 2 on 3x3: out 2x2, total padding 1 goes to the bottom/right */
    p.out_h = p.out_w = 2;
    p.stride_h = p.stride_w = 2;
    p.pad_h = p.pad_w = 0;
    mcb_conv2d_s8(&p, in, f, NULL, out);
    CHECK_EQ_INT(out[0], 1 + 2 + 4 + 5);
    CHECK_EQ_INT(out[1], 3 + 6);
    CHECK_EQ_INT(out[2], 7 + 8);
    CHECK_EQ_INT(out[3], 9);
    /* saturation: the sum clamps to the activation range */
    const int8_t big[9] = {127, 127, 127, 127, 127, 127, 127, 127, 127};
    p.act_min = -5;
    p.act_max = 100;
    mcb_conv2d_s8(&p, big, f, NULL, out);
    CHECK_EQ_INT(out[0], 100);
}

int main(void)
{
    known_case();
    for (int k = 0; k < 400; k++)
        random_case(0, 1);
    for (int k = 0; k < 400; k++)
        random_case(1, 1);
    /* dilation 2 is outside the import contract, but the kernels implement it */
    for (int k = 0; k < 50; k++)
        random_case(k & 1, 2);
    return TEST_END();
}
