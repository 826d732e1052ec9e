/* SOFTMAX int8 against double-precision softmax. TFLite's fixed-point exp and reciprocal are
 * approximations, so the oracle allows one output step (1/256) of difference and requires
 * most outputs to match exactly; the building blocks are checked against exp() and 1/(1+x)
 * with error bounds from their Taylor / Newton-Raphson construction. */
#include "../test.h"
#include "kernel_prep.h"
#include "mcb_kernels.h"
#include "oracle.h"

#include "err.h"

#include <math.h>
#include <string.h>

static void test_building_blocks(void)
{
    double worst = 0;
    for (int k = 0; k < 200000; k++) {
        /* Q5.26 argument in [-32, 0] */
        const int32_t a = k == 0 ? 0 : k == 1 ? INT32_MIN : -(int32_t)(rng_next() % 2147483648u);
        const double got = ldexp(mcb_exp_on_negative_values_q5(a), -31);
        const double err = fabs(got - exp(ldexp(a, -26)));
        worst = err > worst ? err : worst;
    }
    /* 4th-order Taylor on a 1/8 radius: truncation (1/8)^5/120 = 2.5e-7, plus roundings */
    CHECK(worst < 4e-7);
    CHECK_EQ_INT(mcb_exp_on_negative_values_q5(0), INT32_MAX); /* exp(0) = 1 saturates */
    worst = 0;
    for (int k = 0; k < 200000; k++) {
        const int32_t a = (int32_t)(rng_next() % 2147483648u); /* [0, 1) in Q0.31 */
        const double got = ldexp(mcb_one_over_one_plus_x_q0(a), -31);
        const double err = fabs(got - 1.0 / (1.0 + ldexp(a, -31)));
        worst = err > worst ? err : worst;
    }
    CHECK(worst < 1e-8);
}

static void test_prepare(void)
{
    mcb_softmax_params p;
    /* beta 1, input scale 0.1: 0.1 * 2^26 = 0.8 * 2^23 */
    CHECK_EQ_INT(mcb_softmax_prepare(1.0f, 0.1f, &p), 0);
    CHECK_EQ_INT(p.input_left_shift, 23);
    CHECK_EQ_INT(p.input_multiplier, (int32_t)o_round_away(ldexp((double)0.1f, 26 - 23 + 31)));
    CHECK_EQ_INT(p.diff_min, -248); /* floor(31 * 2^26 / 2^23) */
    /* a huge input scale caps the multiplier at 2^31 - 1: only the maxima survive */
    CHECK_EQ_INT(mcb_softmax_prepare(1.0f, 100.0f, &p), 0);
    CHECK_EQ_INT(p.input_multiplier, INT32_MAX);
    CHECK_EQ_INT(p.input_left_shift, 31);
    CHECK_EQ_INT(p.diff_min, 0);
    int8_t in[4] = {5, 5, -3, 4}, out[4];
    mcb_softmax_s8(&p, 1, 4, in, out);
    CHECK_EQ_INT(out[0], 0); /* 1/2 -> 128 - 128 */
    CHECK_EQ_INT(out[1], 0);
    CHECK_EQ_INT(out[2], -128);
    CHECK_EQ_INT(out[3], -128);
    int8_t one[1] = {-7};
    mcb_softmax_s8(&p, 1, 1, one, out);
    CHECK_EQ_INT(out[0], 127); /* 1.0 saturates to 127 */
    /* a scale so small that beta * scale * 2^26 <= 1 is refused, as TFLite's check does */
    mcb_err_quiet(1);
    CHECK_EQ_INT(mcb_softmax_prepare(1.0f, 1e-9f, &p), -1);
    mcb_err_quiet(0);
}

static void test_random(void)
{
    long total = 0, exact = 0;
    int8_t in[64], out[64];
    for (int trial = 0; trial < 4000; trial++) {
        const float scale = (float)(0.01 + 0.3 * rng_unit());
        const float beta = trial % 5 == 0 ? 0.5f : 1.0f;
        mcb_softmax_params p;
        CHECK_EQ_INT(mcb_softmax_prepare(beta, scale, &p), 0);
        const int outer = rng_int(1, 3), depth = rng_int(1, 20);
        const int spread = rng_int(0, 1) ? 255 : 20;
        for (int i = 0; i < outer * depth; i++)
            in[i] = (int8_t)rng_int(-128, -128 + spread);
        mcb_softmax_s8(&p, outer, depth, in, out);
        for (int r = 0; r < outer; r++) {
            const int8_t *x = in + r * depth;
            double mx = -1e9, sum = 0;
            for (int c = 0; c < depth; c++)
                mx = x[c] > mx ? x[c] : mx;
            for (int c = 0; c < depth; c++)
                sum += exp((double)beta * scale * (x[c] - mx));
            for (int c = 0; c < depth; c++) {
                const int got = out[r * depth + c];
                if (x[c] - mx < p.diff_min) { /* below diff_min: exactly the minimum */
                    CHECK_EQ_INT(got, -128);
                    continue;
                }
                const double prob = exp((double)beta * scale * (x[c] - mx)) / sum;
                const int want = (int)o_clamp((int64_t)o_round_away(prob * 256.0) - 128, -128, 127);
                CHECK(got - want <= 1 && want - got <= 1);
                total++;
                exact += got == want;
            }
        }
    }
    fprintf(stderr, "softmax: %ld of %ld outputs equal the rounded double softmax\n", exact, total);
    CHECK(exact >= total * 95 / 100);
}

int main(void)
{
    test_building_blocks();
    test_prepare();
    test_random();
    return TEST_END();
}
