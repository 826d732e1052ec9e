/* ADD of equal shapes, or with one side a single element -> mcb_add_params (TFLM
 * add_common.cc), run by mcb_add_s8 (per element for a broadcast). */
#include "lower_int.h"

#include "kernel_prep.h"

int lower_add(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    if (lower_io_count(op, 2, 0, why, n))
        return -1;
    const mcb_tensor *a = T(g, op->in[0]), *b = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (lower_is_type(a, MCB_INT8, "input 0", why, n) ||
        lower_is_type(b, MCB_INT8, "input 1", why, n) ||
        lower_is_type(y, MCB_INT8, "output", why, n) || lower_per_tensor(a, "input 0", why, n) ||
        lower_per_tensor(b, "input 1", why, n) || lower_per_tensor(y, "output", why, n))
        return -1;
    const int64_t na = mcb_tensor_elems(a), nb = mcb_tensor_elems(b), ny = mcb_tensor_elems(y);
    const int64_t big = na > nb ? na : nb;
    if (!((na == nb || na == 1 || nb == 1) && ny == big))
        return lower_fail(why, n, "shapes of %lld and %lld elements do not add into %lld (only "
                          "equal shapes or a single element are supported)",
                          (long long)na, (long long)nb, (long long)ny);
    if (op->activation < MCB_ACT_NONE || op->activation > MCB_ACT_RELU6)
        return lower_fail(why, n, "unsupported fused activation %d", op->activation);
    const int was_quiet = mcb_err_quiet(1);
    if (lower_prep(was_quiet,
                   mcb_add_prepare(a->scale[0], (int32_t)a->zero_point[0], b->scale[0],
                                   (int32_t)b->zero_point[0], y->scale[0],
                                   (int32_t)y->zero_point[0], op->activation, &l->add),
                   why, n))
        return -1;
    l->in[1] = op->in[1];
    l->n_in = 2;
    l->elems = ny, l->elems1 = na, l->elems2 = nb;
    return 0;
}

void run_add(const mcb_lowered *l, void *const *data)
{
    const int8_t *a = data[l->in[0]], *b = data[l->in[1]];
    int8_t *y = data[l->out];
    if (l->elems1 == l->elems2) {
        mcb_add_s8(&l->add, (size_t)l->elems, a, b, y);
        return;
    }
    for (int64_t i = 0; i < l->elems; i++) /* one side is a single element */
        mcb_add_s8(&l->add, 1, a + (l->elems1 == 1 ? 0 : i), b + (l->elems2 == 1 ? 0 : i), y + i);
}
