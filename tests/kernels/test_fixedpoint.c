/* Fixed-point helpers and host-side parameter preparation against the oracle rules. */
#include "../test.h"
#include "kernel_prep.h"
#include "mcb_fixedpoint.h"
#include "oracle.h"

#include "err.h"

#include <math.h>
#include <stdint.h>

static const int32_t edges[] = {INT32_MIN, INT32_MIN + 1, -1073741824, -1073741823, -65536,
                                -32769, -32768, -256, -3, -2, -1, 0, 1, 2, 3, 255, 32767,
                                32768, 65535, 1073741823, 1073741824, INT32_MAX - 1, INT32_MAX};
#define N_EDGES ((int)(sizeof edges / sizeof edges[0]))

static int32_t rand_i32(void)
{
    /* mix magnitudes: full range, and small values where ties are common */
    switch (rng_int(0, 3)) {
    case 0: return (int32_t)(uint32_t)rng_next();
    case 1: return rng_int(-70000, 70000);
    case 2: return edges[rng_int(0, N_EDGES - 1)];
    default: return (int32_t)((uint32_t)rng_next() & 0xFFFFF000u); /* ties after shifts */
    }
}

static void test_srdhm_rdbpot(void)
{
    for (int i = 0; i < N_EDGES; i++)
        for (int j = 0; j < N_EDGES; j++)
            CHECK_EQ_INT(mcb_srdhm(edges[i], edges[j]), o_requant(edges[i], edges[j], 0));
    CHECK_EQ_INT(mcb_srdhm(INT32_MIN, INT32_MIN), INT32_MAX); /* the one saturating case */
    /* ties go toward +infinity: 2^30 * 1 / 2^31 = 0.5 -> 1, -0.5 -> 0 */
    CHECK_EQ_INT(mcb_srdhm(1073741824, 1), 1);
    CHECK_EQ_INT(mcb_srdhm(-1073741824, 1), 0);
    CHECK_EQ_INT(mcb_srdhm(-1073741824, 3), -1); /* -1.5 -> -1 */
    for (int k = 0; k < 200000; k++) {
        const int32_t a = rand_i32(), b = rand_i32();
        CHECK_EQ_INT(mcb_srdhm(a, b), o_requant(a, b, 0));
    }
    for (int e = 0; e <= 31; e++) {
        for (int i = 0; i < N_EDGES; i++)
            CHECK_EQ_INT(mcb_rdbpot(edges[i], e), (int64_t)o_round_away(ldexp(edges[i], -e)));
        for (int k = 0; k < 5000; k++) {
            const int32_t x = rand_i32();
            CHECK_EQ_INT(mcb_rdbpot(x, e), (int64_t)o_round_away(ldexp(x, -e)));
        }
    }
    /* ties away from zero */
    CHECK_EQ_INT(mcb_rdbpot(5, 1), 3);
    CHECK_EQ_INT(mcb_rdbpot(-5, 1), -3);
    CHECK_EQ_INT(mcb_rdbpot(-6, 2), -2);
    CHECK_EQ_INT(mcb_rdbpot(6, 2), 2);
}

static void test_mbqm(void)
{
    for (int shift = -31; shift <= 31; shift++) {
        for (int k = 0; k < 4000; k++) {
            const int32_t x = rand_i32();
            const int32_t q = k % 7 == 0 ? edges[rng_int(0, N_EDGES - 1)]
                                         : (int32_t)(1073741824u + (rng_next() % 1073741824u));
            CHECK_EQ_INT(mcb_mbqm(x, q, shift), o_requant(x, q, shift));
            if (shift <= 0)
                CHECK_EQ_INT(mcb_mbqm_smaller_than_one_exp(x, q, shift), o_requant(x, q, shift));
            else
                CHECK_EQ_INT(mcb_mbqm_greater_than_one(x, q, shift), o_requant(x, q, shift));
        }
    }
    /* a left shift that overflows wraps, as the compiled C++ does */
    CHECK_EQ_INT(mcb_mbqm(1 << 20, 1 << 30, 12), o_requant(1 << 20, 1 << 30, 12));
    CHECK_EQ_INT(mcb_mbqm(3, 1 << 30, 31), o_requant(3, 1 << 30, 31));
    /* saturating left shift (gemmlowp SaturatingRoundingMultiplyByPOT, exponent > 0) */
    for (int e = 1; e <= 31; e++)
        for (int k = 0; k < 3000; k++) {
            const int32_t x = k < N_EDGES ? edges[k] : rand_i32();
            const double v = ldexp((double)x, e);
            const int64_t want = v > 2147483647.0 ? INT32_MAX : v < -2147483648.0 ? INT32_MIN
                                                                                 : (int64_t)v;
            CHECK_EQ_INT(mcb_sat_shl(x, e), want);
        }
}

static void check_qm(double m, int32_t want_q, int want_shift)
{
    int32_t q;
    int s;
    CHECK_EQ_INT(mcb_quantize_multiplier(m, &q, &s), 0);
    CHECK_EQ_INT(q, want_q);
    CHECK_EQ_INT(s, want_shift);
}

static void test_quantize_multiplier(void)
{
    check_qm(0.0, 0, 0);
    check_qm(0.5, 1 << 30, 0); /* exact powers of two */
    check_qm(1.0, 1 << 30, 1);
    check_qm(0.25, 1 << 30, -1);
    check_qm(4096.0, 1 << 30, 13);
    check_qm(ldexp(1.0, -32), 1 << 30, -31); /* smallest kept */
    check_qm(ldexp(1.0, -33), 0, 0);         /* flushed to zero */
    check_qm(1e-12, 0, 0);
    check_qm(1.0 - ldexp(1.0, -40), 1 << 30, 1); /* significand rounds up to 1: renormalised */
    check_qm(0.75, 1610612736, 0);
    check_qm(1000.0, 2097152000, 10);
    int32_t q;
    int s;
    mcb_err_quiet(1);
    CHECK_EQ_INT(mcb_quantize_multiplier(-0.5, &q, &s), -1);
    CHECK_EQ_INT(mcb_quantize_multiplier(NAN, &q, &s), -1);
    CHECK_EQ_INT(mcb_quantize_multiplier(INFINITY, &q, &s), -1);
    CHECK_EQ_INT(mcb_quantize_multiplier_lt1(1.0, &q, &s), -1);
    CHECK_EQ_INT(mcb_quantize_multiplier_lt1(1.0 - ldexp(1.0, -40), &q, &s), -1);
    CHECK_EQ_INT(mcb_quantize_multiplier_gt1(0.9, &q, &s), -1);
    mcb_err_quiet(0);
    CHECK_EQ_INT(mcb_quantize_multiplier_lt1(0.3, &q, &s), 0);
    CHECK(s <= 0);
    CHECK_EQ_INT(mcb_quantize_multiplier_gt1(3.0, &q, &s), 0);
    CHECK_EQ_INT(s, 2);
    /* random scales over 40 binades: q in [2^30, 2^31), relative error <= 2^-31 */
    for (int k = 0; k < 20000; k++) {
        const double m = ldexp(0.5 + 0.5 * rng_unit(), rng_int(-30, 10));
        CHECK_EQ_INT(mcb_quantize_multiplier(m, &q, &s), 0);
        CHECK(q >= (1 << 30));
        CHECK(fabs(ldexp((double)q, s - 31) - m) <= ldexp(m, -31));
    }
}

static void test_activation_range(void)
{
    int32_t lo, hi;
    CHECK_EQ_INT(mcb_activation_range_s8(0, 0.1f, 5, &lo, &hi), 0);
    CHECK_EQ_INT(lo, -128);
    CHECK_EQ_INT(hi, 127);
    CHECK_EQ_INT(mcb_activation_range_s8(1, 0.1f, -128, &lo, &hi), 0); /* zp at the low end */
    CHECK_EQ_INT(lo, -128);
    CHECK_EQ_INT(hi, 127);
    CHECK_EQ_INT(mcb_activation_range_s8(1, 0.1f, 127, &lo, &hi), 0); /* zp at the high end */
    CHECK_EQ_INT(lo, 127);
    CHECK_EQ_INT(hi, 127);
    CHECK_EQ_INT(mcb_activation_range_s8(3, 6.0f / 255.0f, -128, &lo, &hi), 0);
    CHECK_EQ_INT(lo, -128);
    CHECK_EQ_INT(hi, 127);
    for (int k = 0; k < 5000; k++) {
        const float scale = (float)ldexp(0.5 + rng_unit(), rng_int(-10, 2));
        const int32_t zp = rng_int(-128, 127);
        const int act = rng_int(0, 3);
        CHECK_EQ_INT(mcb_activation_range_s8(act, scale, zp, &lo, &hi), 0);
        int64_t wlo = -128, whi = 127;
        if (act == 1 || act == 3)
            wlo = zp;
        if (act == 2)
            wlo = zp + (int64_t)o_round_away((double)(-1.0f / scale));
        if (act == 2)
            whi = zp + (int64_t)o_round_away((double)(1.0f / scale));
        if (act == 3)
            whi = zp + (int64_t)o_round_away((double)(6.0f / scale));
        CHECK_EQ_INT(lo, wlo < -128 ? -128 : wlo);
        CHECK_EQ_INT(hi, whi > 127 ? 127 : whi);
    }
    mcb_err_quiet(1);
    CHECK_EQ_INT(mcb_activation_range_s8(4, 0.1f, 0, &lo, &hi), -1); /* TANH is not fused */
    CHECK_EQ_INT(mcb_activation_range_s8(1, 0.0f, 0, &lo, &hi), -1);
    mcb_err_quiet(0);
}

static void test_padding(void)
{
    for (int same = 0; same <= 1; same++)
        for (int in = 1; in <= 40; in++)
            for (int f = 1; f <= 7; f++)
                for (int stride = 1; stride <= 3; stride++) {
                    int pad;
                    const int out = mcb_compute_padding(same ? 0 : 1, in, f, stride, 1, &pad);
                    const int want = o_out_size(same, in, f, stride);
                    if (want <= 0) {
                        CHECK_EQ_INT(out, 0);
                        continue;
                    }
                    CHECK_EQ_INT(out, want);
                    CHECK_EQ_INT(pad, o_pad(in, f, stride, want));
                    if (!same)
                        CHECK_EQ_INT(pad, 0);
                }
    int pad;
    CHECK_EQ_INT(mcb_compute_padding(0, 28, 3, 2, 1, &pad), 14); /* SAME 3x3/2 on 28 */
    CHECK_EQ_INT(pad, 0);                                          /* total 1: bottom only */
    CHECK_EQ_INT(mcb_compute_padding(0, 5, 3, 1, 2, &pad), 5);     /* dilation 2: eff 5 */
    CHECK_EQ_INT(pad, 2);
    CHECK_EQ_INT(mcb_compute_padding(1, 2, 3, 1, 1, &pad), 0);     /* VALID, filter > input */
    CHECK_EQ_INT(mcb_compute_padding(2, 5, 3, 1, 1, &pad), 0);     /* unknown padding */
    CHECK_EQ_INT(mcb_compute_padding(0, 5, 3, 0, 1, &pad), 0);     /* zero stride */
}

int main(void)
{
    test_srdhm_rdbpot();
    test_mbqm();
    test_quantize_multiplier();
    test_activation_range();
    test_padding();
    return TEST_END();
}
