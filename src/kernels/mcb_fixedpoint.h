/* TFLite's integer requantization arithmetic (gemmlowp fixedpoint.h and TFLM
 * tensorflow/lite/kernels/internal/common.{h,cc}, double-rounding build), as portable C99.
 * Bit-exact with those functions for every input where they are defined; where the C++
 * original overflows a signed int (x << left_shift), we wrap modulo 2^32, which is what the
 * compiled original does on the targets we care about. See docs/quantization.md. */
#ifndef MCB_FIXEDPOINT_H
#define MCB_FIXEDPOINT_H

#include <stdint.h>

/* Round-to-nearest of a*b/2^31, ties toward +infinity; INT32_MIN*INT32_MIN saturates to
 * INT32_MAX. gemmlowp SaturatingRoundingDoublingHighMul (the ARM VQRDMULH operation). */
static inline int32_t mcb_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1LL << 30) : (1LL - (1LL << 30));
    return (int32_t)((ab + nudge) / (1LL << 31)); /* C division truncates, as in C++ */
}

/* x / 2^exponent rounded to nearest, ties away from zero; 0 <= exponent <= 31.
 * gemmlowp RoundingDivideByPOT. */
static inline int32_t mcb_rdbpot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)((1LL << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * 2^shift with wrap-around (the C++ original's x * (1 << shift)), 0 <= shift <= 31. */
static inline int32_t mcb_shl_wrap(int32_t x, int shift)
{
    return (int32_t)((uint32_t)x << shift);
}

/* TFLM MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift): shift > 0
 * is a left shift applied to x before the high multiply, shift < 0 a rounding right shift
 * after it. multiplier is Q0.31 in [2^30, 2^31) (or 0). */
static inline int32_t mcb_mbqm(int32_t x, int32_t multiplier, int shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    return mcb_rdbpot(mcb_srdhm(mcb_shl_wrap(x, left), multiplier), right);
}

/* TFLM MultiplyByQuantizedMultiplierSmallerThanOneExp: shift <= 0. */
static inline int32_t mcb_mbqm_smaller_than_one_exp(int32_t x, int32_t multiplier, int shift)
{
    return mcb_rdbpot(mcb_srdhm(x, multiplier), -shift);
}

/* TFLM MultiplyByQuantizedMultiplierGreaterThanOne: left_shift >= 0. */
static inline int32_t mcb_mbqm_greater_than_one(int32_t x, int32_t multiplier, int left_shift)
{
    return mcb_srdhm(mcb_shl_wrap(x, left_shift), multiplier);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0: saturating left shift. */
static inline int32_t mcb_sat_shl(int32_t x, int exponent)
{
    const int32_t threshold = (int32_t)((1LL << (31 - exponent)) - 1);
    if (x > threshold)
        return INT32_MAX;
    if (x < -threshold)
        return INT32_MIN;
    return mcb_shl_wrap(x, exponent);
}

static inline int32_t mcb_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

#endif
