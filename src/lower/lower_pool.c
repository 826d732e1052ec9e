/* MAX_POOL_2D and AVERAGE_POOL_2D -> mcb_pool_params (TFLM pooling.cc: padding, activation
 * range; input and output share their quantization), run by mcb_max_pool2d_s8 and
 * mcb_avg_pool2d_s8. */
#include "lower_int.h"

#include <string.h>

int lower_pool(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    if (lower_io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (lower_is_type(x, MCB_INT8, "input", why, n) ||
        lower_is_type(y, MCB_INT8, "output", why, n) || lower_per_tensor(x, "input", why, n) ||
        lower_per_tensor(y, "output", why, n) || lower_same_quant(x, y, why, n))
        return -1;
    if (x->rank != 4 || y->rank != 4)
        return lower_fail(why, n, "input and output must be 4-D");
    if (y->shape[0] != x->shape[0] || y->shape[3] != x->shape[3])
        return lower_fail(why, n, "output batch and channels must equal the input's");
    if (op->padding != MCB_PAD_SAME && op->padding != MCB_PAD_VALID)
        return lower_fail(why, n, "unknown padding %d", op->padding);
    mcb_pool_params *p = &l->pool;
    memset(p, 0, sizeof *p);
    p->batches = x->shape[0], p->depth = x->shape[3];
    p->in_h = x->shape[1], p->in_w = x->shape[2];
    p->out_h = y->shape[1], p->out_w = y->shape[2];
    p->filter_h = op->filter_h, p->filter_w = op->filter_w;
    p->stride_h = op->stride_h, p->stride_w = op->stride_w;
    const int oh = mcb_compute_padding(op->padding, p->in_h, p->filter_h, p->stride_h, 1,
                                       &p->pad_h);
    const int ow = mcb_compute_padding(op->padding, p->in_w, p->filter_w, p->stride_w, 1,
                                       &p->pad_w);
    if (oh < 1 || ow < 1 || oh != p->out_h || ow != p->out_w)
        return lower_fail(why, n, "output is %dx%d, the geometry gives %dx%d", p->out_h,
                          p->out_w, oh, ow);
    return lower_act_range(op, y, &p->act_min, &p->act_max, why, n);
}

void run_maxpool(const mcb_lowered *l, void *const *data)
{
    mcb_max_pool2d_s8(&l->pool, data[l->in[0]], data[l->out]);
}

void run_avgpool(const mcb_lowered *l, void *const *data)
{
    /* every window holds an input cell: SAME padding is less than the filter, VALID is none */
    (void)mcb_avg_pool2d_s8(&l->pool, data[l->in[0]], data[l->out]);
}
