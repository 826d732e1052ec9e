/* The operators that move bytes or change their type: RESHAPE (a copy with a new shape),
 * QUANTIZE (float32 -> int8, TFLM AffineQuantize; int8 -> int8, TFLM Requantize) and
 * DEQUANTIZE (int8 -> float32): the wrappers of a converter-made model. */
#include "lower_int.h"

#include "kernel_prep.h"

int lower_reshape(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    if (op->n_in < 1 || op->n_in > 2 || op->n_out != 1)
        return lower_fail(why, n, "expects 1 or 2 inputs and 1 output");
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (lower_is_type(x, MCB_INT8, "input", why, n) ||
        lower_is_type(y, MCB_INT8, "output", why, n) || lower_per_tensor(x, "input", why, n) ||
        lower_per_tensor(y, "output", why, n) || lower_same_quant(x, y, why, n))
        return -1;
    if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return lower_fail(why, n, "%lld elements in, %lld out", (long long)mcb_tensor_elems(x),
                          (long long)mcb_tensor_elems(y));
    l->elems = mcb_tensor_elems(y);
    return 0;
}

void run_reshape(const mcb_lowered *l, void *const *data)
{
    mcb_reshape((size_t)l->elems, data[l->in[0]], data[l->out]);
}

int lower_quantize(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    if (lower_io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (lower_is_type(y, MCB_INT8, "output", why, n) || lower_per_tensor(y, "output", why, n))
        return -1;
    if (x->type != MCB_FLOAT32 && x->type != MCB_INT8)
        return lower_fail(why, n, "input is %s, expected float32 or int8",
                          mcb_dtype_name(x->type));
    if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return lower_fail(why, n, "%lld elements in, %lld out", (long long)mcb_tensor_elems(x),
                          (long long)mcb_tensor_elems(y));
    l->elems = mcb_tensor_elems(x);
    l->out_zp = (int32_t)y->zero_point[0];
    l->from_float = x->type == MCB_FLOAT32;
    l->scale = y->scale[0];
    if (x->type == MCB_INT8) {
        if (lower_per_tensor(x, "input", why, n))
            return -1;
        const int was_quiet = mcb_err_quiet(1);
        if (lower_prep(was_quiet,
                       mcb_requantize_prepare(x->scale[0], y->scale[0], &l->q_mult, &l->q_shift),
                       why, n))
            return -1;
        l->in_zp = (int32_t)x->zero_point[0];
    }
    return 0;
}

void run_quantize(const mcb_lowered *l, void *const *data)
{
    if (l->from_float)
        mcb_quantize_f32_s8((size_t)l->elems, data[l->in[0]], l->scale, l->out_zp,
                            data[l->out]);
    else
        mcb_requantize_s8((size_t)l->elems, data[l->in[0]], l->in_zp, l->q_mult, l->q_shift,
                          l->out_zp, data[l->out]);
}

int lower_dequantize(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    if (lower_io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (lower_is_type(x, MCB_INT8, "input", why, n) ||
        lower_is_type(y, MCB_FLOAT32, "output", why, n) || lower_per_tensor(x, "input", why, n))
        return -1;
    if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return lower_fail(why, n, "%lld elements in, %lld out", (long long)mcb_tensor_elems(x),
                          (long long)mcb_tensor_elems(y));
    l->elems = mcb_tensor_elems(x);
    l->scale = x->scale[0];
    l->in_zp = (int32_t)x->zero_point[0];
    return 0;
}

void run_dequantize(const mcb_lowered *l, void *const *data)
{
    mcb_dequantize_s8_f32((size_t)l->elems, data[l->in[0]], l->scale, l->in_zp, data[l->out]);
}
