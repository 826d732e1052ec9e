/* The table of lowerings (lower.h) and what the families share. */
#include "lower_int.h"

#include "kernel_prep.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line per (opcode, first input type): the whole int8 operator set. */
static const mcb_lowering table[] = {
    {MCB_OP_CONV_2D, MCB_INT8, lower_conv, run_conv},
    {MCB_OP_DEPTHWISE_CONV_2D, MCB_INT8, lower_dwconv, run_dwconv},
    {MCB_OP_FULLY_CONNECTED, MCB_INT8, lower_fc, run_fc},
    {MCB_OP_MAX_POOL_2D, MCB_INT8, lower_pool, run_maxpool},
    {MCB_OP_AVERAGE_POOL_2D, MCB_INT8, lower_pool, run_avgpool},
    {MCB_OP_RESHAPE, MCB_INT8, lower_reshape, run_reshape},
    {MCB_OP_SOFTMAX, MCB_INT8, lower_softmax, run_softmax},
    {MCB_OP_ADD, MCB_INT8, lower_add, run_add},
    {MCB_OP_QUANTIZE, MCB_FLOAT32, lower_quantize, run_quantize},
    {MCB_OP_QUANTIZE, MCB_INT8, lower_quantize, run_quantize},
    {MCB_OP_DEQUANTIZE, MCB_INT8, lower_dequantize, run_dequantize},
};

const mcb_lowering *mcb_lowerings(int *n)
{
    *n = (int)(sizeof table / sizeof table[0]);
    return table;
}

const mcb_lowering *mcb_lowering_find(int code, int type)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].code == code && table[i].type == type)
            return &table[i];
    return NULL;
}

int mcb_lower_op(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n)
{
    memset(l, 0, sizeof *l);
    const mcb_lowering *how = mcb_lowering_find(op->code, g->tensors[op->in[0]].type);
    if (!how)
        return lower_fail(why, n, "no int8 lowering for %s input",
                          mcb_dtype_name(g->tensors[op->in[0]].type));
    l->how = how;
    l->code = op->code;
    l->in[0] = op->in[0];
    l->n_in = 1;
    l->out = op->out[0];
    if (how->lower(g, op, l, why, n) != 0) {
        mcb_lowered_free(l);
        memset(l, 0, sizeof *l);
        return -1;
    }
    l->macs = mcb_op_macs(g, op);
    return 0;
}

void mcb_lowered_run(const mcb_lowered *l, void *const *data)
{
    l->how->run(l, data);
}

void mcb_lowered_free(mcb_lowered *l)
{
    free(l->mult);
    free(l->shift);
    l->mult = l->shift = NULL;
}

int lower_fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

int lower_prep(int was_quiet, int rc, char *why, size_t n)
{
    mcb_err_quiet(was_quiet);
    return rc ? lower_fail(why, n, "%s", mcb_last_error()) : 0;
}

int lower_int8_weighted(const mcb_tensor *x, const mcb_tensor *w, const char *wrole,
                        const mcb_tensor *y, char *why, size_t n)
{
    if (lower_is_type(x, MCB_INT8, "input", why, n) || lower_is_type(w, MCB_INT8, wrole, why, n) ||
        lower_is_type(y, MCB_INT8, "output", why, n) || lower_per_tensor(x, "input", why, n) ||
        lower_per_tensor(y, "output", why, n))
        return -1;
    return 0;
}

int lower_bias(const mcb_graph *g, const mcb_op *op, int count, mcb_lowered *l, char *why,
               size_t n)
{
    if (op->n_in <= 2 || op->in[2] < 0)
        return 0;
    const mcb_tensor *b = T(g, op->in[2]);
    if (lower_is_type(b, MCB_INT32, "bias", why, n))
        return -1;
    if (!b->data || mcb_tensor_elems(b) != count)
        return lower_fail(why, n, "bias must be a constant of %d elements", count);
    l->bias = (const int32_t *)b->data;
    return 0;
}

int lower_per_tensor(const mcb_tensor *t, const char *role, char *why, size_t n)
{
    if (t->n_quant != 1)
        return lower_fail(why, n, "%s needs one scale and zero point, has %d", role, t->n_quant);
    if (!(t->scale[0] > 0.0f))
        return lower_fail(why, n, "%s scale %g is not positive", role, (double)t->scale[0]);
    if (t->type == MCB_INT8 && (t->zero_point[0] < -128 || t->zero_point[0] > 127))
        return lower_fail(why, n, "%s zero point %lld is outside int8", role,
                          (long long)t->zero_point[0]);
    return 0;
}

int lower_is_type(const mcb_tensor *t, int type, const char *role, char *why, size_t n)
{
    if (t->type != type)
        return lower_fail(why, n, "%s is %s, expected %s", role, mcb_dtype_name(t->type),
                          mcb_dtype_name(type));
    return 0;
}

int lower_io_count(const mcb_op *op, int need, int opt, char *why, size_t n)
{
    if (op->n_in < need || op->n_in > need + opt || op->n_out != 1)
        return lower_fail(why, n, "expects %d input(s) and 1 output, has %d and %d", need,
                          op->n_in, op->n_out);
    for (int k = 0; k < need; k++)
        if (op->in[k] < 0)
            return lower_fail(why, n, "input %d is missing", k);
    return 0;
}

int lower_act_range(const mcb_op *op, const mcb_tensor *out, int32_t *lo, int32_t *hi,
                    char *why, size_t n)
{
    if (op->activation < MCB_ACT_NONE || op->activation > MCB_ACT_RELU6)
        return lower_fail(why, n, "unsupported fused activation %d", op->activation);
    const int was_quiet = mcb_err_quiet(1);
    return lower_prep(was_quiet,
                      mcb_activation_range_s8(op->activation, out->scale[0],
                                              (int32_t)out->zero_point[0], lo, hi),
                      why, n);
}

/* TFLite's converter guarantees it for pooling and reshape; the kernels rely on it. */
int lower_same_quant(const mcb_tensor *x, const mcb_tensor *y, char *why, size_t n)
{
    if (x->scale[0] != y->scale[0] || x->zero_point[0] != y->zero_point[0])
        return lower_fail(why, n, "input (scale %g, zero point %lld) and output (scale %g, zero "
                          "point %lld) quantization differ", (double)x->scale[0],
                          (long long)x->zero_point[0], (double)y->scale[0],
                          (long long)y->zero_point[0]);
    return 0;
}

int lower_alloc_mult(mcb_lowered *l, int n_mult, char *why, size_t n)
{
    l->mult = calloc((size_t)n_mult, sizeof(int32_t));
    l->shift = calloc((size_t)n_mult, sizeof(int32_t));
    if (!l->mult || !l->shift)
        return lower_fail(why, n, "out of memory");
    l->n_mult = n_mult;
    return 0;
}
