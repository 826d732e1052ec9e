#include "kernel_prep.h"

#include "err.h"

#include <math.h>

int mcb_quantize_multiplier(double m, int32_t *q, int *shift)
{
    *q = 0;
    *shift = 0;
    if (!(m >= 0.0) || isinf(m)) {
        mcb_error("quantized multiplier: %g is not a finite non-negative scale", m);
        return -1;
    }
    if (m == 0.0)
        return 0;
    int e;
    const double frac = frexp(m, &e);
    int64_t qf = (int64_t)round(frac * (double)(1LL << 31));
    if (qf == (1LL << 31)) {
        qf /= 2;
        e++;
    }
    if (e < -31) {
        e = 0;
        qf = 0;
    }
    *q = (int32_t)qf;
    *shift = e;
    return 0;
}

int mcb_quantize_multiplier_lt1(double m, int32_t *q, int *shift)
{
    if (!(m > 0.0 && m < 1.0)) {
        mcb_error("quantized multiplier: %g is not in (0, 1)", m);
        return -1;
    }
    if (mcb_quantize_multiplier(m, q, shift))
        return -1;
    if (*shift > 0) { /* rounding up to 1.0 */
        mcb_error("quantized multiplier: %.17g rounds to 1", m);
        return -1;
    }
    return 0;
}

int mcb_quantize_multiplier_gt1(double m, int32_t *q, int *shift)
{
    if (!(m > 1.0) || mcb_quantize_multiplier(m, q, shift) || *shift < 0) {
        mcb_error("quantized multiplier: %g is not greater than 1", m);
        return -1;
    }
    return 0;
}

/* TFLite's kernel_util.cc Quantize: zp + (int32)round(f / scale), all in float. */
static int quantize_bound(float scale, int32_t zp, float f, int32_t *q)
{
    const float t = roundf(f / scale);
    if (!(t >= -2147483648.0f && t <= 2147483520.0f)) {
        mcb_error("activation range: %g / %g overflows int32", (double)f, (double)scale);
        return -1;
    }
    *q = zp + (int32_t)t;
    return 0;
}

int mcb_activation_range_s8(int act, float scale, int32_t zero_point, int32_t *act_min,
                            int32_t *act_max)
{
    const int32_t qmin = INT8_MIN, qmax = INT8_MAX;
    int32_t t;
    *act_min = qmin;
    *act_max = qmax;
    if (!(scale > 0.0f) || isinf(scale)) {
        mcb_error("activation range: scale %g is not positive", (double)scale);
        return -1;
    }
    switch (act) {
    case 0:
        return 0;
    case 1: /* RELU */
        if (quantize_bound(scale, zero_point, 0.0f, &t))
            return -1;
        *act_min = t > qmin ? t : qmin;
        return 0;
    case 2: /* RELU_N1_TO_1 */
    case 3: /* RELU6 */
        if (quantize_bound(scale, zero_point, act == 2 ? -1.0f : 0.0f, &t))
            return -1;
        *act_min = t > qmin ? t : qmin;
        if (quantize_bound(scale, zero_point, act == 2 ? 1.0f : 6.0f, &t))
            return -1;
        *act_max = t < qmax ? t : qmax;
        return 0;
    default:
        mcb_error("activation range: fused activation %d is not supported for int8", act);
        return -1;
    }
}

int mcb_conv_multipliers(float in_scale, const float *filter_scales, int n_scales,
                         float out_scale, int n_channels, int32_t *multiplier, int32_t *shift)
{
    if (n_scales != 1 && n_scales != n_channels) {
        mcb_error("conv multipliers: %d filter scales for %d channels", n_scales, n_channels);
        return -1;
    }
    if (!(out_scale > 0.0f)) {
        mcb_error("conv multipliers: output scale %g is not positive", (double)out_scale);
        return -1;
    }
    for (int c = 0; c < n_channels; c++) {
        const double fs = (double)filter_scales[n_scales == 1 ? 0 : c];
        const double eff = (double)in_scale * fs / (double)out_scale;
        int s;
        if (mcb_quantize_multiplier(eff, &multiplier[c], &s))
            return -1;
        shift[c] = s;
    }
    return 0;
}

int mcb_fc_multiplier(float in_scale, float filter_scale, float out_scale, int32_t *multiplier,
                      int32_t *shift)
{
    if (!(out_scale > 0.0f)) {
        mcb_error("fully connected multiplier: output scale %g is not positive",
                  (double)out_scale);
        return -1;
    }
    const float product = in_scale * filter_scale; /* float, as TFLite */
    int s;
    if (mcb_quantize_multiplier((double)product / (double)out_scale, multiplier, &s))
        return -1;
    *shift = s;
    return 0;
}

int mcb_add_prepare(float scale1, int32_t zp1, float scale2, int32_t zp2, float out_scale,
                    int32_t out_zp, int act, mcb_add_params *p)
{
    if (!(scale1 > 0.0f && scale2 > 0.0f && out_scale > 0.0f)) {
        mcb_error("add: scales must be positive");
        return -1;
    }
    p->input1_offset = -zp1;
    p->input2_offset = -zp2;
    p->output_offset = out_zp;
    p->left_shift = 20;
    const double twice_max = 2.0 * (double)(scale1 > scale2 ? scale1 : scale2);
    const double m1 = (double)scale1 / twice_max;
    const double m2 = (double)scale2 / twice_max;
    const double mo = twice_max / ((double)(1 << p->left_shift) * (double)out_scale);
    if (mcb_quantize_multiplier_lt1(m1, &p->input1_multiplier, &p->input1_shift) ||
        mcb_quantize_multiplier_lt1(m2, &p->input2_multiplier, &p->input2_shift) ||
        mcb_quantize_multiplier_lt1(mo, &p->output_multiplier, &p->output_shift))
        return -1;
    return mcb_activation_range_s8(act, out_scale, out_zp, &p->act_min, &p->act_max);
}

int mcb_softmax_prepare(float beta, float in_scale, mcb_softmax_params *p)
{
    const int int_bits = 5; /* kScaledDiffIntegerBits */
    const double max_real = (double)((1LL << 31) - 1);
    double m = (double)beta * (double)in_scale * (double)(1 << (31 - int_bits));
    if (m > max_real)
        m = max_real;
    int left_shift;
    if (mcb_quantize_multiplier_gt1(m, &p->input_multiplier, &left_shift))
        return -1;
    p->input_left_shift = left_shift;
    /* CalculateInputRadius(5, left_shift, 31) */
    const double radius = 1.0 * ((1 << int_bits) - 1) * (double)(1LL << (31 - int_bits)) /
                          (double)(1LL << left_shift);
    p->diff_min = -(int)floor(radius);
    return 0;
}

int mcb_requantize_prepare(float in_scale, float out_scale, int32_t *multiplier, int *shift)
{
    if (!(out_scale > 0.0f)) {
        mcb_error("requantize: output scale %g is not positive", (double)out_scale);
        return -1;
    }
    return mcb_quantize_multiplier((double)in_scale / (double)out_scale, multiplier, shift);
}
