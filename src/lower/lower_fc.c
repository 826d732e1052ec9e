/* FULLY_CONNECTED -> mcb_fc_params (TFLM fully_connected.cc Prepare: per-tensor multiplier
 * with the weights' zero point, or per-channel with symmetric weights), run by
 * mcb_fully_connected_s8. */
#include "lower_int.h"

#include "kernel_prep.h"

#include <string.h>

int lower_fc(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    if (lower_io_count(op, 2, 1, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (lower_int8_weighted(x, w, "weights", y, why, n))
        return -1;
    if (w->rank != 2 || !w->data)
        return lower_fail(why, n, "weights must be a constant [outputs, inputs] matrix");
    const int o = w->shape[0], i = w->shape[1];
    const int64_t xe = mcb_tensor_elems(x);
    if (i < 1 || o < 1 || xe % i != 0)
        return lower_fail(why, n, "%lld input elements are not a multiple of %d", (long long)xe,
                          i);
    if (mcb_tensor_elems(y) != xe / i * o)
        return lower_fail(why, n, "output has %lld elements, expected %lld",
                          (long long)mcb_tensor_elems(y), (long long)(xe / i * o));
    if (o > MCB_LOWER_MAX_CHANNELS)
        return lower_fail(why, n, "%d outputs (at most %d)", o, MCB_LOWER_MAX_CHANNELS);
    if (w->n_quant != 1 && w->n_quant != o)
        return lower_fail(why, n, "weights have %d scales for %d outputs", w->n_quant, o);
    if (w->n_quant > 1 && w->quant_dim != 0)
        return lower_fail(why, n, "weights are quantized along dimension %d, expected 0",
                          w->quant_dim);
    if (w->n_quant > 1)
        for (int c = 0; c < w->n_quant; c++)
            if (w->zero_point[c] != 0)
                return lower_fail(why, n, "per-channel weights must be symmetric (zero point "
                                  "%lld)", (long long)w->zero_point[c]);
    if (w->n_quant == 1 && (w->zero_point[0] < -128 || w->zero_point[0] > 127))
        return lower_fail(why, n, "weights zero point %lld is outside int8",
                          (long long)w->zero_point[0]);
    if (lower_bias(g, op, o, l, why, n))
        return -1;
    mcb_fc_params *p = &l->fc;
    memset(p, 0, sizeof *p);
    p->batches = (int)(xe / i);
    p->in_depth = i;
    p->out_depth = o;
    p->input_offset = -(int32_t)x->zero_point[0];
    p->filter_offset = w->n_quant == 1 ? -(int32_t)w->zero_point[0] : 0;
    p->output_offset = (int32_t)y->zero_point[0];
    p->per_channel = w->n_quant > 1;
    if (lower_act_range(op, y, &p->act_min, &p->act_max, why, n) ||
        lower_alloc_mult(l, o, why, n))
        return -1;
    l->n_mult = p->per_channel ? o : 1;
    const int was_quiet = mcb_err_quiet(1);
    if (lower_prep(was_quiet,
                   p->per_channel ? mcb_conv_multipliers(x->scale[0], w->scale, w->n_quant,
                                                         y->scale[0], o, l->mult, l->shift)
                                  : mcb_fc_multiplier(x->scale[0], w->scale[0], y->scale[0],
                                                      l->mult, l->shift),
                   why, n))
        return -1;
    p->multiplier = l->mult;
    p->shift = l->shift;
    l->filter = (const int8_t *)w->data;
    return 0;
}

void run_fc(const mcb_lowered *l, void *const *data)
{
    mcb_fully_connected_s8(&l->fc, data[l->in[0]], l->filter, l->bias, data[l->out]);
}
