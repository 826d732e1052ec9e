/* CONV_2D and DEPTHWISE_CONV_2D -> mcb_conv_params (TFLM conv.cc / depthwise_conv.cc Prepare:
 * padding, per-channel multipliers, activation range), run by mcb_conv2d_s8 and
 * mcb_depthwise_conv2d_s8. */
#include "lower_int.h"

#include "kernel_prep.h"

#include <string.h>

static int conv_params(const mcb_graph *g, const mcb_op *op, int depthwise, mcb_lowered *l,
                       char *why, size_t n)
{
    if (lower_io_count(op, 2, 1, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (lower_int8_weighted(x, w, "filter", y, why, n))
        return -1;
    if (x->rank != 4 || w->rank != 4 || y->rank != 4)
        return lower_fail(why, n, "input, filter and output must be 4-D");
    if (!w->data)
        return lower_fail(why, n, "the filter must be a constant");
    const int cout = depthwise ? w->shape[3] : w->shape[0];
    const int dm = depthwise ? (op->depth_multiplier > 0 ? op->depth_multiplier : 1) : 1;
    if (depthwise ? (w->shape[0] != 1 || cout != x->shape[3] * dm) : w->shape[3] != x->shape[3])
        return lower_fail(why, n, "filter [%d,%d,%d,%d] does not fit %d input channels",
                          w->shape[0], w->shape[1], w->shape[2], w->shape[3], x->shape[3]);
    if (y->shape[0] != x->shape[0] || y->shape[3] != cout)
        return lower_fail(why, n, "output [%d,%d,%d,%d] does not match batch %d and %d channels",
                          y->shape[0], y->shape[1], y->shape[2], y->shape[3], x->shape[0], cout);
    if (cout > MCB_LOWER_MAX_CHANNELS)
        return lower_fail(why, n, "%d output channels (at most %d)", cout,
                          MCB_LOWER_MAX_CHANNELS);
    if (w->n_quant != 1 && w->n_quant != cout)
        return lower_fail(why, n, "filter has %d scales for %d channels", w->n_quant, cout);
    if (w->n_quant > 1 && w->quant_dim != (depthwise ? 3 : 0))
        return lower_fail(why, n, "filter is quantized along dimension %d, expected %d",
                          w->quant_dim, depthwise ? 3 : 0);
    for (int c = 0; c < w->n_quant; c++)
        if (w->zero_point[c] != 0)
            return lower_fail(why, n, "filter zero point %lld: int8 weights must be symmetric",
                              (long long)w->zero_point[c]);
    if (lower_bias(g, op, cout, l, why, n))
        return -1;
    if (op->padding != MCB_PAD_SAME && op->padding != MCB_PAD_VALID)
        return lower_fail(why, n, "unknown padding %d", op->padding);
    mcb_conv_params *p = &l->conv;
    memset(p, 0, sizeof *p);
    p->batches = x->shape[0];
    p->in_h = x->shape[1], p->in_w = x->shape[2], p->in_c = x->shape[3];
    p->out_h = y->shape[1], p->out_w = y->shape[2], p->out_c = cout;
    p->filter_h = w->shape[1], p->filter_w = w->shape[2];
    p->stride_h = op->stride_h, p->stride_w = op->stride_w;
    p->dilation_h = op->dilation_h > 0 ? op->dilation_h : 1;
    p->dilation_w = op->dilation_w > 0 ? op->dilation_w : 1;
    p->depth_multiplier = dm;
    const int oh = mcb_compute_padding(op->padding, p->in_h, p->filter_h, p->stride_h,
                                       p->dilation_h, &p->pad_h);
    const int ow = mcb_compute_padding(op->padding, p->in_w, p->filter_w, p->stride_w,
                                       p->dilation_w, &p->pad_w);
    if (oh < 1 || ow < 1 || oh != p->out_h || ow != p->out_w)
        return lower_fail(why, n, "output is %dx%d, the geometry gives %dx%d", p->out_h,
                          p->out_w, oh, ow);
    p->input_offset = -(int32_t)x->zero_point[0];
    p->output_offset = (int32_t)y->zero_point[0];
    if (lower_act_range(op, y, &p->act_min, &p->act_max, why, n) ||
        lower_alloc_mult(l, cout, why, n))
        return -1;
    const int was_quiet = mcb_err_quiet(1);
    if (lower_prep(was_quiet,
                   mcb_conv_multipliers(x->scale[0], w->scale, w->n_quant, y->scale[0], cout,
                                        l->mult, l->shift),
                   why, n))
        return -1;
    p->multiplier = l->mult;
    p->shift = l->shift;
    l->filter = (const int8_t *)w->data;
    return 0;
}

int lower_conv(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    return conv_params(g, op, 0, l, why, n);
}

int lower_dwconv(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    return conv_params(g, op, 1, l, why, n);
}

void run_conv(const mcb_lowered *l, void *const *data)
{
    mcb_conv2d_s8(&l->conv, data[l->in[0]], l->filter, l->bias, data[l->out]);
}

void run_dwconv(const mcb_lowered *l, void *const *data)
{
    mcb_depthwise_conv2d_s8(&l->conv, data[l->in[0]], l->filter, l->bias, data[l->out]);
}
