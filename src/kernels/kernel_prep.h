/* Host-side preparation of the kernels' quantization constants, with the formulas (and the
 * float-vs-double evaluation order) of TFLite/TFLM's Prepare functions, so that a model runs
 * bit-exactly as TFLM would run it. Uses libm: host only; the code generator bakes the
 * results into the target's tables. Each returns 0, or -1 (with mcb_error) when TFLite would
 * refuse the parameters. */
#ifndef MCB_KERNEL_PREP_H
#define MCB_KERNEL_PREP_H

#include "mcb_kernels.h"

#include <stdint.h>

/* TFLite QuantizeMultiplier: m = q * 2^(shift - 31) with q in [2^30, 2^31) by frexp and
 * round-half-away; q == 2^31 becomes 2^30 with shift + 1; shift < -31 flushes to (0, 0);
 * m == 0 gives (0, 0). Fails for a negative, NaN or infinite m. */
int mcb_quantize_multiplier(double m, int32_t *q, int *shift);
/* QuantizeMultiplierSmallerThanOneExp (0 < m < 1, shift <= 0) and
 * QuantizeMultiplierGreaterThanOne (m > 1, shift >= 0). */
int mcb_quantize_multiplier_lt1(double m, int32_t *q, int *shift);
int mcb_quantize_multiplier_gt1(double m, int32_t *q, int *shift);

/* CalculateActivationRangeQuantized for int8: act is TFLite's ActivationFunctionType
 * (0 none, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6); bounds quantized as zp + round(f / scale) in
 * float. Fails for another activation (e.g. TANH) or a non-positive scale. */
int mcb_activation_range_s8(int act, float scale, int32_t zero_point, int32_t *act_min,
                            int32_t *act_max);

/* Conv / depthwise / per-channel fully connected (PopulateConvolutionQuantizationParams):
 * per channel, double(in_scale) * double(filter_scale[c]) / double(out_scale). n_scales is
 * 1 (per-tensor, broadcast to all channels) or n_channels. */
int mcb_conv_multipliers(float in_scale, const float *filter_scales, int n_scales,
                         float out_scale, int n_channels, int32_t *multiplier, int32_t *shift);
/* Per-tensor fully connected (GetQuantizedConvolutionMultipler): the product
 * in_scale * filter_scale is taken in float, then divided by out_scale in double. */
int mcb_fc_multiplier(float in_scale, float filter_scale, float out_scale, int32_t *multiplier,
                      int32_t *shift);

/* ADD (TFLM add_common.cc): left shift 20; input multipliers scale_i / (2 max(scale1,
 * scale2)); output multiplier 2 max / (2^20 out_scale); all in double. */
int mcb_add_prepare(float scale1, int32_t zp1, float scale2, int32_t zp2, float out_scale,
                    int32_t out_zp, int act, mcb_add_params *p);

/* SOFTMAX int8 (TFLM softmax_common.cc): PreprocessSoftmaxScaling(beta, in_scale, 5) and
 * diff_min = -CalculateInputRadius(5, left_shift). */
int mcb_softmax_prepare(float beta, float in_scale, mcb_softmax_params *p);

/* QUANTIZE int8 -> int8 (TFLM quantize_common.cc): multiplier for in_scale / out_scale. */
int mcb_requantize_prepare(float in_scale, float out_scale, int32_t *multiplier, int *shift);

#endif
