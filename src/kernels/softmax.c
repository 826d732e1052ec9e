/* SOFTMAX int8 -> int8: TFLM reference_ops::Softmax<int8_t, int8_t>, built on gemmlowp's
 * fixed-point exp_on_negative_values and one_over_one_plus_x_for_x_in_0_1 and TFLite's
 * GetReciprocal. Fixed-point formats are written Qm (m integer bits, 31 - m fraction bits):
 * the scaled input difference is Q5, exp results Q0, the running sum Q12. */
#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

#define SCALED_DIFF_BITS 5 /* kScaledDiffIntegerBits */
#define ACCUM_BITS 12      /* kAccumulationIntegerBits */

/* exp(a) for a in [-1/4, 0), a in Q0: Taylor expansion around -1/8. */
static int32_t exp_quarter(int32_t a)
{
    const int32_t exp_m1_8 = 1895147668; /* exp(-1/8) in Q0 */
    const int32_t one_third = 715827883; /* 1/3 in Q0 */
    const int32_t x = a + (1 << 28);     /* a + 1/8 */
    const int32_t x2 = mcb_srdhm(x, x);
    const int32_t x3 = mcb_srdhm(x2, x);
    const int32_t x4 = mcb_srdhm(x2, x2);
    const int32_t x4_over_4 = mcb_rdbpot(x4, 2);
    const int32_t poly = mcb_rdbpot(mcb_srdhm(x4_over_4 + x3, one_third) + x2, 1);
    return exp_m1_8 + mcb_srdhm(exp_m1_8, x + poly);
}

/* exp(a) for a <= 0, a in Q5, result in Q0 (gemmlowp exp_on_negative_values<int32_t, 5>). */
int32_t mcb_exp_on_negative_values_q5(int32_t a)
{
    enum { FRAC = 31 - SCALED_DIFF_BITS };
    const int32_t quarter = 1 << (FRAC - 2);
    const int32_t mask = quarter - 1;
    const int32_t a_mod_quarter_minus_quarter = (a & mask) - quarter;
    int32_t result = exp_quarter(mcb_sat_shl(a_mod_quarter_minus_quarter, SCALED_DIFF_BITS));
    const int32_t remainder = a_mod_quarter_minus_quarter - a;
    /* exp(-2^k) in Q0 for k = -2 .. 4, applied for each set bit of the remainder */
    static const int32_t mult[7] = {1672461947, 1302514674, 790015084, 290630308,
                                    39332535,   720401,     242};
    for (int k = 0; k < 7; k++)
        if (remainder & (1 << (FRAC - 2 + k)))
            result = mcb_srdhm(result, mult[k]);
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a in [0, 1), Q0 in and out: Newton-Raphson in Q2. */
int32_t mcb_one_over_one_plus_x_q0(int32_t a)
{
    /* RoundingHalfSum(a, One) with One = INT32_MAX in Q0 */
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c48_17 = 1515870810;   /* 48/17 in Q2 */
    const int32_t cm32_17 = -1010580540; /* -32/17 in Q2 */
    const int32_t one_q2 = 1 << 29;
    int32_t x = c48_17 + mcb_srdhm(half_den, cm32_17);
    for (int i = 0; i < 3; i++) {
        const int32_t hdx = mcb_srdhm(half_den, x);
        const int32_t one_minus = one_q2 - hdx;
        x = x + mcb_sat_shl(mcb_srdhm(x, one_minus), 2); /* Q4 -> Q2 */
    }
    return mcb_sat_shl(x, 1); /* x/2 from Q2 to Q0 */
}

static int clz32(uint32_t x)
{
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* TFLite GetReciprocal: 1 / x for x in Q(x_integer_bits), as a Q0 scale and a shift. */
static int32_t reciprocal(int32_t x, int x_integer_bits, int *num_bits_over_unit)
{
    const int headroom_plus_one = clz32((uint32_t)x);
    *num_bits_over_unit = x_integer_bits - headroom_plus_one;
    const int32_t shifted_minus_one =
        (int32_t)(((uint32_t)x << headroom_plus_one) - (UINT32_C(1) << 31));
    return mcb_one_over_one_plus_x_q0(shifted_minus_one);
}

void mcb_softmax_s8(const mcb_softmax_params *p, int outer, int depth, const int8_t *input,
                    int8_t *output)
{
    for (int i = 0; i < outer; i++) {
        const int8_t *in = input + (size_t)i * depth;
        int8_t *out = output + (size_t)i * depth;
        int32_t max = INT8_MIN;
        for (int c = 0; c < depth; c++)
            if (in[c] > max)
                max = in[c];

        int32_t sum = 0; /* Q12 */
        for (int c = 0; c < depth; c++) {
            const int32_t diff = in[c] - max;
            if (diff >= p->diff_min) {
                const int32_t scaled =
                    mcb_mbqm_greater_than_one(diff, p->input_multiplier, p->input_left_shift);
                sum += mcb_rdbpot(mcb_exp_on_negative_values_q5(scaled), ACCUM_BITS);
            }
        }

        int bits_over_unit;
        const int32_t scale = reciprocal(sum, ACCUM_BITS, &bits_over_unit);
        int exponent = bits_over_unit + 31 - 8;
        /* TFLM checks 0 <= exponent <= 31; it only fails for rows of over ~2^11 equal maxima */
        if (exponent > 31)
            exponent = 31;
        if (exponent < 0)
            exponent = 0;

        for (int c = 0; c < depth; c++) {
            const int32_t diff = in[c] - max;
            if (diff >= p->diff_min) {
                const int32_t scaled =
                    mcb_mbqm_greater_than_one(diff, p->input_multiplier, p->input_left_shift);
                const int32_t e = mcb_exp_on_negative_values_q5(scaled);
                const int32_t v = mcb_rdbpot(mcb_srdhm(scale, e), exponent) + INT8_MIN;
                out[c] = (int8_t)mcb_clamp_i32(v, INT8_MIN, INT8_MAX);
            } else {
                out[c] = INT8_MIN;
            }
        }
    }
}
