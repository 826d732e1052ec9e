/* SOFTMAX over the last dimension -> mcb_softmax_params (TFLM softmax_common.cc), run by
 * mcb_softmax_s8. */
#include "lower_int.h"

#include "kernel_prep.h"

int lower_softmax(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    if (lower_io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (lower_is_type(x, MCB_INT8, "input", why, n) ||
        lower_is_type(y, MCB_INT8, "output", why, n) || lower_per_tensor(x, "input", why, n) ||
        lower_per_tensor(y, "output", why, n))
        return -1;
    /* TFLM's softmax_common.cc: zero point -128 exactly, scale 1/256 within 0.1% */
    const float d = y->scale[0] - 1.0f / 256.0f;
    if (!(d <= 0.001f / 256.0f && d >= -0.001f / 256.0f) || y->zero_point[0] != -128)
        return lower_fail(why, n, "int8 output must have scale 1/256 and zero point -128 (has "
                          "%g, %lld)", (double)y->scale[0], (long long)y->zero_point[0]);
    if (x->rank < 1 || x->shape[x->rank - 1] < 1 || mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return lower_fail(why, n, "output must have the input's shape");
    if (x->shape[x->rank - 1] > 4095)
        return lower_fail(why, n, "%d classes: the int8 softmax sums at most 4095",
                          x->shape[x->rank - 1]);
    if (!(op->beta > 0))
        return lower_fail(why, n, "beta must be positive");
    const int was_quiet = mcb_err_quiet(1);
    if (lower_prep(was_quiet, mcb_softmax_prepare(op->beta, x->scale[0], &l->softmax), why, n))
        return -1;
    l->depth = x->shape[x->rank - 1];
    l->outer = (int)(mcb_tensor_elems(x) / l->depth);
    return 0;
}

void run_softmax(const mcb_lowered *l, void *const *data)
{
    mcb_softmax_s8(&l->softmax, l->outer, l->depth, data[l->in[0]], data[l->out]);
}
