/* int8 reference kernels with TFLite's arithmetic, bit-exact with TFLM's reference kernels
 * (tensorflow/lite/kernels/internal/reference/integer_ops/ *.h and reference/ *.h).
 * Portable C99 (<stdint.h>, <stddef.h>, <string.h> only): the same files build for the host
 * and for Cortex-M. Tensors are plain pointers in NHWC layout; parameter structs hold the
 * shapes and the quantization constants that kernel_prep.h computes on the host.
 * Kernels do not validate: the caller (executor, generated code) has checked the shapes. */
#ifndef MCB_KERNELS_H
#define MCB_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* CONV_2D and DEPTHWISE_CONV_2D.
 * Input [batches][in_h][in_w][in_c]; output [batches][out_h][out_w][out_c].
 * Conv filter OHWI [out_c][filter_h][filter_w][in_c]; depthwise filter
 * [1][filter_h][filter_w][out_c] with out_c = in_c * depth_multiplier.
 * bias: out_c int32 values or NULL. multiplier/shift: one per output channel (TFLM's
 * per-channel form; a per-tensor model repeats the same pair). */
typedef struct {
    int batches;
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;
    int filter_h, filter_w;
    int stride_h, stride_w;
    int dilation_h, dilation_w;
    int pad_h, pad_w;       /* top / left padding, from mcb_compute_padding */
    int depth_multiplier;   /* depthwise only */
    int32_t input_offset;   /* -input zero point */
    int32_t filter_offset;  /* -filter zero point; 0 for TFLite int8 (symmetric weights) */
    int32_t output_offset;  /* output zero point */
    int32_t act_min, act_max;
    const int32_t *multiplier;
    const int32_t *shift;
} mcb_conv_params;

void mcb_conv2d_s8(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                   const int32_t *bias, int8_t *output);
void mcb_depthwise_conv2d_s8(const mcb_conv_params *p, const int8_t *input,
                             const int8_t *filter, const int32_t *bias, int8_t *output);

/* FULLY_CONNECTED: input [batches][in_depth], filter [out_depth][in_depth], output
 * [batches][out_depth]. Per-tensor: multiplier/shift point at one value and per_channel = 0
 * (TFLM FullyConnected, which applies filter_offset); per-channel: out_depth values
 * (TFLM FullyConnectedPerChannel, which ignores filter_offset). */
typedef struct {
    int batches, in_depth, out_depth;
    int32_t input_offset, filter_offset, output_offset;
    int32_t act_min, act_max;
    int per_channel;
    const int32_t *multiplier;
    const int32_t *shift;
} mcb_fc_params;

void mcb_fully_connected_s8(const mcb_fc_params *p, const int8_t *input, const int8_t *filter,
                            const int32_t *bias, int8_t *output);

/* MAX_POOL_2D / AVERAGE_POOL_2D: input and output share scale and zero point (TFLite
 * requires it), so only the activation clamp applies. */
typedef struct {
    int batches, depth;
    int in_h, in_w, out_h, out_w;
    int filter_h, filter_w;
    int stride_h, stride_w;
    int pad_h, pad_w;
    int32_t act_min, act_max;
} mcb_pool_params;

void mcb_max_pool2d_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output);
/* Returns -1 (output untouched past that point) if a window holds no input element. */
int mcb_avg_pool2d_s8(const mcb_pool_params *p, const int8_t *input, int8_t *output);

/* ADD of two same-shape int8 tensors with rescaling (TFLM reference_integer_ops AddFunc).
 * For a broadcast ADD, call per matching run with n = run length. */
typedef struct {
    int32_t input1_offset, input2_offset, output_offset; /* -zp1, -zp2, +zp_out */
    int left_shift;                                      /* 20 for int8 */
    int32_t input1_multiplier, input2_multiplier, output_multiplier;
    int input1_shift, input2_shift, output_shift;        /* all <= 0 */
    int32_t act_min, act_max;
} mcb_add_params;

void mcb_add_s8(const mcb_add_params *p, size_t n, const int8_t *input1, const int8_t *input2,
                int8_t *output);

/* SOFTMAX over the last dimension: int8 in, int8 out with scale 1/256, zero point -128
 * (TFLM reference_ops::Softmax<int8_t, int8_t>, gemmlowp fixed-point exp).
 * depth <= 4095: the Q12.19 sum of exps must not overflow (it does not in TFLM either). */
typedef struct {
    int32_t input_multiplier;
    int input_left_shift;
    int diff_min;
} mcb_softmax_params;

void mcb_softmax_s8(const mcb_softmax_params *p, int outer, int depth, const int8_t *input,
                    int8_t *output);
/* Its building blocks (exposed for tests): gemmlowp exp_on_negative_values for a Q5.26
 * argument <= 0, result Q0.31; one_over_one_plus_x_for_x_in_0_1, Q0.31 in and out. */
int32_t mcb_exp_on_negative_values_q5(int32_t a);
int32_t mcb_one_over_one_plus_x_q0(int32_t a);

/* QUANTIZE float -> int8 (TFLM AffineQuantize): round(x / scale) in float, ties away from
 * zero, plus zero point, clamped to [-128, 127]. */
void mcb_quantize_f32_s8(size_t n, const float *input, float scale, int32_t zero_point,
                         int8_t *output);
/* QUANTIZE int8 -> int8 (TFLM Requantize): (x - in_zp) rescaled by multiplier/shift. */
void mcb_requantize_s8(size_t n, const int8_t *input, int32_t input_zero_point,
                       int32_t multiplier, int shift, int32_t output_zero_point,
                       int8_t *output);
/* DEQUANTIZE int8 -> float (TFLM Dequantize): scale * (x - zero_point). */
void mcb_dequantize_s8_f32(size_t n, const int8_t *input, float scale, int32_t zero_point,
                           float *output);

/* RESHAPE: a byte copy (the same bytes, a new shape). input and output may be the same. */
void mcb_reshape(size_t bytes, const void *input, void *output);

/* TFLite's output size and padding (ComputeOutSize / ComputePaddingWithOffset).
 * padding: 0 SAME, 1 VALID (TFLite's Padding enum). Returns the output size, or 0 if the
 * parameters give none (stride <= 0, filter larger than a VALID input); *pad gets the
 * top/left padding (any odd extra goes at the bottom/right). */
int mcb_compute_padding(int padding, int in_size, int filter_size, int stride, int dilation,
                        int *pad);

#endif
