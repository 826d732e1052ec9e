/* QUANTIZE and DEQUANTIZE: TFLM reference_ops::AffineQuantize, Requantize and Dequantize.
 * No libm on the target, so float rounding is done here by hand. */
#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

/* roundf (TfLiteRound): nearest integer, ties away from zero, for |x| < 2^31; larger
 * magnitudes and NaN are clamped by the caller first. For |x| < 2^23 the fraction x - trunc(x)
 * is exact in float, so the comparison with 0.5 is exact; from 2^23 up floats are integers. */
static float round_away(float x)
{
    if (!(x > -8388608.0f && x < 8388608.0f))
        return x;
    const float t = (float)(int32_t)x; /* truncation toward zero */
    const float frac = x - t;
    if (frac >= 0.5f)
        return t + 1.0f;
    if (frac <= -0.5f)
        return t - 1.0f;
    return t;
}

void mcb_quantize_f32_s8(size_t n, const float *input, float scale, int32_t zero_point,
                         int8_t *output)
{
    for (size_t i = 0; i < n; i++) {
        float q = input[i] / scale; /* float division, as TFLM: val / static_cast<float>(scale) */
        /* TFLM converts round(q) to int32 directly; out-of-range values would be undefined
         * there, and anything beyond +-2^30 clamps to the same int8 value anyway. */
        if (q != q)
            q = 0.0f; /* NaN: treated as 0 (TFLM leaves it undefined) */
        if (q > 1073741824.0f)
            q = 1073741824.0f;
        if (q < -1073741824.0f)
            q = -1073741824.0f;
        const int32_t v = (int32_t)round_away(q) + zero_point;
        output[i] = (int8_t)mcb_clamp_i32(v, INT8_MIN, INT8_MAX);
    }
}

void mcb_requantize_s8(size_t n, const int8_t *input, int32_t input_zero_point,
                       int32_t multiplier, int shift, int32_t output_zero_point,
                       int8_t *output)
{
    for (size_t i = 0; i < n; i++) {
        const int32_t v =
            mcb_mbqm((int32_t)input[i] - input_zero_point, multiplier, shift) + output_zero_point;
        output[i] = (int8_t)mcb_clamp_i32(v, INT8_MIN, INT8_MAX);
    }
}

void mcb_dequantize_s8_f32(size_t n, const int8_t *input, float scale, int32_t zero_point,
                           float *output)
{
    /* TFLM computes (float)(double(scale) * (x - zp)). |x - zp| < 2^9 and scale has a 24-bit
     * significand, so the double product is exact and its one rounding to float equals the
     * correctly rounded float product computed here: no double arithmetic on the target. */
    for (size_t i = 0; i < n; i++)
        output[i] = scale * (float)((int32_t)input[i] - zero_point);
}
