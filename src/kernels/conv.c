/* CONV_2D and DEPTHWISE_CONV_2D, int8 per-channel: TFLM reference_integer_ops::ConvPerChannel
 * and DepthwiseConvPerChannel. Out-of-image taps contribute nothing (zero padding in the
 * real domain, i.e. the input zero point). */
#include "mcb_fixedpoint.h"
#include "mcb_kernels.h"

static int8_t requant(const mcb_conv_params *p, int32_t acc, int ch)
{
    acc = mcb_mbqm(acc, p->multiplier[ch], (int)p->shift[ch]);
    acc += p->output_offset;
    return (int8_t)mcb_clamp_i32(acc, p->act_min, p->act_max);
}

void mcb_conv2d_s8(const mcb_conv_params *p, const int8_t *input, const int8_t *filter,
                   const int32_t *bias, int8_t *output)
{
    for (int b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * p->in_c;
        for (int oy = 0; oy < p->out_h; oy++) {
            const int iy0 = oy * p->stride_h - p->pad_h;
            for (int ox = 0; ox < p->out_w; ox++) {
                const int ix0 = ox * p->stride_w - p->pad_w;
                int8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * p->out_c;
                for (int oc = 0; oc < p->out_c; oc++) {
                    const int8_t *f_oc = filter + (size_t)oc * p->filter_h * p->filter_w * p->in_c;
                    int32_t acc = 0;
                    for (int fy = 0; fy < p->filter_h; fy++) {
                        const int iy = iy0 + p->dilation_h * fy;
                        if (iy < 0 || iy >= p->in_h)
                            continue;
                        for (int fx = 0; fx < p->filter_w; fx++) {
                            const int ix = ix0 + p->dilation_w * fx;
                            if (ix < 0 || ix >= p->in_w)
                                continue;
                            const int8_t *in = in_b + ((size_t)iy * p->in_w + ix) * p->in_c;
                            const int8_t *f = f_oc + ((size_t)fy * p->filter_w + fx) * p->in_c;
                            for (int ic = 0; ic < p->in_c; ic++)
                                acc += ((int32_t)f[ic] + p->filter_offset) *
                                       ((int32_t)in[ic] + p->input_offset);
                        }
                    }
                    if (bias)
                        acc += bias[oc];
                    out[oc] = requant(p, acc, oc);
                }
            }
        }
    }
}

void mcb_depthwise_conv2d_s8(const mcb_conv_params *p, const int8_t *input,
                             const int8_t *filter, const int32_t *bias, int8_t *output)
{
    for (int b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * p->in_c;
        for (int oy = 0; oy < p->out_h; oy++) {
            const int iy0 = oy * p->stride_h - p->pad_h;
            for (int ox = 0; ox < p->out_w; ox++) {
                const int ix0 = ox * p->stride_w - p->pad_w;
                int8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * p->out_c;
                for (int ic = 0; ic < p->in_c; ic++) {
                    for (int m = 0; m < p->depth_multiplier; m++) {
                        const int oc = ic * p->depth_multiplier + m;
                        int32_t acc = 0;
                        for (int fy = 0; fy < p->filter_h; fy++) {
                            const int iy = iy0 + p->dilation_h * fy;
                            if (iy < 0 || iy >= p->in_h)
                                continue;
                            for (int fx = 0; fx < p->filter_w; fx++) {
                                const int ix = ix0 + p->dilation_w * fx;
                                if (ix < 0 || ix >= p->in_w)
                                    continue;
                                const int32_t iv =
                                    in_b[((size_t)iy * p->in_w + ix) * p->in_c + ic];
                                const int32_t fv =
                                    filter[((size_t)fy * p->filter_w + fx) * p->out_c + oc];
                                acc += (fv + p->filter_offset) * (iv + p->input_offset);
                            }
                        }
                        if (bias)
                            acc += bias[oc];
                        out[oc] = requant(p, acc, oc);
                    }
                }
            }
        }
    }
}
