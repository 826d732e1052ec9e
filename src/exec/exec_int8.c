/* int8 operators for the host executor (see exec_int8.h). Parameters are rebuilt from the
 * graph on each run: a few QuantizeMultiplier calls per op, negligible next to the kernels. */
#include "exec_int8.h"

#include "err.h"
#include "exec.h"
#include "kernel_prep.h"
#include "mcb_kernels.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define T(g, i) (&(g)->tensors[i])
/* Output channels we keep multipliers for on the stack. */
#define MAX_CHANNELS 4096

static int fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* A per-tensor int8 quantization: scale > 0, zero point in int8. */
static int per_tensor(const mcb_tensor *t, const char *role, char *why, size_t n)
{
    if (t->n_quant != 1)
        return fail(why, n, "%s needs one scale and zero point, has %d", role, t->n_quant);
    if (!(t->scale[0] > 0.0f))
        return fail(why, n, "%s scale %g is not positive", role, (double)t->scale[0]);
    if (t->type == MCB_INT8 && (t->zero_point[0] < -128 || t->zero_point[0] > 127))
        return fail(why, n, "%s zero point %lld is outside int8", role,
                    (long long)t->zero_point[0]);
    return 0;
}

static int is_type(const mcb_tensor *t, int type, const char *role, char *why, size_t n)
{
    if (t->type != type)
        return fail(why, n, "%s is %s, expected %s", role, mcb_dtype_name(t->type),
                    mcb_dtype_name(type));
    return 0;
}

static int io_count(const mcb_op *op, int need, int opt, char *why, size_t n)
{
    if (op->n_in < need || op->n_in > need + opt || op->n_out != 1)
        return fail(why, n, "expects %d input(s) and 1 output, has %d and %d", need, op->n_in,
                    op->n_out);
    for (int k = 0; k < need; k++)
        if (op->in[k] < 0)
            return fail(why, n, "input %d is missing", k);
    return 0;
}

/* The activation range, with the reason on failure. kernel_prep reports through mcb_error and
 * the executor reports the op's failure itself, so prep runs silenced (the problem is printed
 * once) and its message becomes the reason. */
static int act_range(const mcb_op *op, const mcb_tensor *out, int32_t *lo, int32_t *hi,
                     char *why, size_t n)
{
    if (op->activation < MCB_ACT_NONE || op->activation > MCB_ACT_RELU6)
        return fail(why, n, "unsupported fused activation %d", op->activation);
    const int was_quiet = mcb_err_quiet(1);
    int rc = mcb_activation_range_s8(op->activation, out->scale[0], (int32_t)out->zero_point[0],
                                     lo, hi);
    mcb_err_quiet(was_quiet);
    return rc ? fail(why, n, "%s", mcb_last_error()) : 0;
}

static const int32_t *bias_of(const mcb_op *op, void *const *data)
{
    return op->n_in > 2 && op->in[2] >= 0 ? (const int32_t *)data[op->in[2]] : NULL;
}

/* ---- CONV_2D, DEPTHWISE_CONV_2D ---- */

int mcb_int8_conv_params(const mcb_graph *g, const mcb_op *op, int depthwise, mcb_conv_params *p,
                         int32_t *mult, int32_t *shift, char *why, size_t n)
{
    if (io_count(op, 2, 1, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (is_type(x, MCB_INT8, "input", why, n) || is_type(w, MCB_INT8, "filter", why, n) ||
        is_type(y, MCB_INT8, "output", why, n) || per_tensor(x, "input", why, n) ||
        per_tensor(y, "output", why, n))
        return -1;
    if (x->rank != 4 || w->rank != 4 || y->rank != 4)
        return fail(why, n, "input, filter and output must be 4-D");
    if (!w->data)
        return fail(why, n, "the filter must be a constant");
    const int cout = depthwise ? w->shape[3] : w->shape[0];
    const int dm = depthwise ? (op->depth_multiplier > 0 ? op->depth_multiplier : 1) : 1;
    if (depthwise ? (w->shape[0] != 1 || cout != x->shape[3] * dm) : w->shape[3] != x->shape[3])
        return fail(why, n, "filter [%d,%d,%d,%d] does not fit %d input channels",
                    w->shape[0], w->shape[1], w->shape[2], w->shape[3], x->shape[3]);
    if (y->shape[0] != x->shape[0] || y->shape[3] != cout)
        return fail(why, n, "output [%d,%d,%d,%d] does not match batch %d and %d channels",
                    y->shape[0], y->shape[1], y->shape[2], y->shape[3], x->shape[0], cout);
    if (cout > MAX_CHANNELS)
        return fail(why, n, "%d output channels (at most %d)", cout, MAX_CHANNELS);
    if (w->n_quant != 1 && w->n_quant != cout)
        return fail(why, n, "filter has %d scales for %d channels", w->n_quant, cout);
    if (w->n_quant > 1 && w->quant_dim != (depthwise ? 3 : 0))
        return fail(why, n, "filter is quantized along dimension %d, expected %d", w->quant_dim,
                    depthwise ? 3 : 0);
    for (int c = 0; c < w->n_quant; c++)
        if (w->zero_point[c] != 0)
            return fail(why, n, "filter zero point %lld: int8 weights must be symmetric",
                        (long long)w->zero_point[c]);
    if (op->n_in > 2 && op->in[2] >= 0) {
        const mcb_tensor *b = T(g, op->in[2]);
        if (is_type(b, MCB_INT32, "bias", why, n))
            return -1;
        if (!b->data || mcb_tensor_elems(b) != cout)
            return fail(why, n, "bias must be a constant of %d elements", cout);
    }
    if (op->padding != MCB_PAD_SAME && op->padding != MCB_PAD_VALID)
        return fail(why, n, "unknown padding %d", op->padding);
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
        return fail(why, n, "output is %dx%d, the geometry gives %dx%d", p->out_h, p->out_w, oh,
                    ow);
    p->input_offset = -(int32_t)x->zero_point[0];
    p->output_offset = (int32_t)y->zero_point[0];
    if (act_range(op, y, &p->act_min, &p->act_max, why, n))
        return -1;
    const int was_quiet = mcb_err_quiet(1);
    int rc = mcb_conv_multipliers(x->scale[0], w->scale, w->n_quant, y->scale[0], cout, mult, shift);
    mcb_err_quiet(was_quiet);
    if (rc)
        return fail(why, n, "%s", mcb_last_error());
    p->multiplier = mult;
    p->shift = shift;
    return 0;
}

static int conv_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_conv_params p;
    int32_t m[MAX_CHANNELS], s[MAX_CHANNELS];
    return mcb_int8_conv_params(g, op, 0, &p, m, s, why, n);
}

static int dwconv_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_conv_params p;
    int32_t m[MAX_CHANNELS], s[MAX_CHANNELS];
    return mcb_int8_conv_params(g, op, 1, &p, m, s, why, n);
}

static void conv_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_conv_params p;
    int32_t m[MAX_CHANNELS], s[MAX_CHANNELS];
    char why[8];
    if (mcb_int8_conv_params(g, op, 0, &p, m, s, why, sizeof why) == 0)
        mcb_conv2d_s8(&p, data[op->in[0]], data[op->in[1]], bias_of(op, data), data[op->out[0]]);
}

static void dwconv_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_conv_params p;
    int32_t m[MAX_CHANNELS], s[MAX_CHANNELS];
    char why[8];
    if (mcb_int8_conv_params(g, op, 1, &p, m, s, why, sizeof why) == 0)
        mcb_depthwise_conv2d_s8(&p, data[op->in[0]], data[op->in[1]], bias_of(op, data),
                                data[op->out[0]]);
}

/* ---- FULLY_CONNECTED ---- */

int mcb_int8_fc_params(const mcb_graph *g, const mcb_op *op, mcb_fc_params *p, int32_t *mult,
                       int32_t *shift, char *why, size_t n)
{
    if (io_count(op, 2, 1, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (is_type(x, MCB_INT8, "input", why, n) || is_type(w, MCB_INT8, "weights", why, n) ||
        is_type(y, MCB_INT8, "output", why, n) || per_tensor(x, "input", why, n) ||
        per_tensor(y, "output", why, n))
        return -1;
    if (w->rank != 2 || !w->data)
        return fail(why, n, "weights must be a constant [outputs, inputs] matrix");
    const int o = w->shape[0], i = w->shape[1];
    const int64_t xe = mcb_tensor_elems(x);
    if (i < 1 || o < 1 || xe % i != 0)
        return fail(why, n, "%lld input elements are not a multiple of %d", (long long)xe, i);
    if (mcb_tensor_elems(y) != xe / i * o)
        return fail(why, n, "output has %lld elements, expected %lld",
                    (long long)mcb_tensor_elems(y), (long long)(xe / i * o));
    if (o > MAX_CHANNELS)
        return fail(why, n, "%d outputs (at most %d)", o, MAX_CHANNELS);
    if (w->n_quant != 1 && w->n_quant != o)
        return fail(why, n, "weights have %d scales for %d outputs", w->n_quant, o);
    if (w->n_quant > 1 && w->quant_dim != 0)
        return fail(why, n, "weights are quantized along dimension %d, expected 0", w->quant_dim);
    if (w->n_quant > 1)
        for (int c = 0; c < w->n_quant; c++)
            if (w->zero_point[c] != 0)
                return fail(why, n, "per-channel weights must be symmetric (zero point %lld)",
                            (long long)w->zero_point[c]);
    if (w->n_quant == 1 && (w->zero_point[0] < -128 || w->zero_point[0] > 127))
        return fail(why, n, "weights zero point %lld is outside int8", (long long)w->zero_point[0]);
    if (op->n_in > 2 && op->in[2] >= 0) {
        const mcb_tensor *b = T(g, op->in[2]);
        if (is_type(b, MCB_INT32, "bias", why, n))
            return -1;
        if (!b->data || mcb_tensor_elems(b) != o)
            return fail(why, n, "bias must be a constant of %d elements", o);
    }
    memset(p, 0, sizeof *p);
    p->batches = (int)(xe / i);
    p->in_depth = i;
    p->out_depth = o;
    p->input_offset = -(int32_t)x->zero_point[0];
    p->filter_offset = w->n_quant == 1 ? -(int32_t)w->zero_point[0] : 0;
    p->output_offset = (int32_t)y->zero_point[0];
    p->per_channel = w->n_quant > 1;
    if (act_range(op, y, &p->act_min, &p->act_max, why, n))
        return -1;
    const int was_quiet = mcb_err_quiet(1);
    int rc = p->per_channel
                 ? mcb_conv_multipliers(x->scale[0], w->scale, w->n_quant, y->scale[0], o, mult, shift)
                 : mcb_fc_multiplier(x->scale[0], w->scale[0], y->scale[0], mult, shift);
    mcb_err_quiet(was_quiet);
    if (rc)
        return fail(why, n, "%s", mcb_last_error());
    p->multiplier = mult;
    p->shift = shift;
    return 0;
}

static int fc_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_fc_params p;
    int32_t m[MAX_CHANNELS], s[MAX_CHANNELS];
    return mcb_int8_fc_params(g, op, &p, m, s, why, n);
}

static void fc_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_fc_params p;
    int32_t m[MAX_CHANNELS], s[MAX_CHANNELS];
    char why[8];
    if (mcb_int8_fc_params(g, op, &p, m, s, why, sizeof why) == 0)
        mcb_fully_connected_s8(&p, data[op->in[0]], data[op->in[1]], bias_of(op, data),
                               data[op->out[0]]);
}

/* ---- MAX_POOL_2D, AVERAGE_POOL_2D ---- */

/* Ops that pass int8 values through unchanged need equal input and output quantization
 * (TFLite's converter guarantees it; the kernels rely on it). */
static int same_quant(const mcb_tensor *x, const mcb_tensor *y, char *why, size_t n)
{
    if (x->scale[0] != y->scale[0] || x->zero_point[0] != y->zero_point[0])
        return fail(why, n, "input (scale %g, zero point %lld) and output (scale %g, zero point "
                    "%lld) quantization differ", (double)x->scale[0], (long long)x->zero_point[0],
                    (double)y->scale[0], (long long)y->zero_point[0]);
    return 0;
}

int mcb_int8_pool_params(const mcb_graph *g, const mcb_op *op, mcb_pool_params *p, char *why,
                         size_t n)
{
    if (io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (is_type(x, MCB_INT8, "input", why, n) || is_type(y, MCB_INT8, "output", why, n) ||
        per_tensor(x, "input", why, n) || per_tensor(y, "output", why, n) ||
        same_quant(x, y, why, n))
        return -1;
    if (x->rank != 4 || y->rank != 4)
        return fail(why, n, "input and output must be 4-D");
    if (y->shape[0] != x->shape[0] || y->shape[3] != x->shape[3])
        return fail(why, n, "output batch and channels must equal the input's");
    if (op->padding != MCB_PAD_SAME && op->padding != MCB_PAD_VALID)
        return fail(why, n, "unknown padding %d", op->padding);
    memset(p, 0, sizeof *p);
    p->batches = x->shape[0], p->depth = x->shape[3];
    p->in_h = x->shape[1], p->in_w = x->shape[2];
    p->out_h = y->shape[1], p->out_w = y->shape[2];
    p->filter_h = op->filter_h, p->filter_w = op->filter_w;
    p->stride_h = op->stride_h, p->stride_w = op->stride_w;
    const int oh = mcb_compute_padding(op->padding, p->in_h, p->filter_h, p->stride_h, 1, &p->pad_h);
    const int ow = mcb_compute_padding(op->padding, p->in_w, p->filter_w, p->stride_w, 1, &p->pad_w);
    if (oh < 1 || ow < 1 || oh != p->out_h || ow != p->out_w)
        return fail(why, n, "output is %dx%d, the geometry gives %dx%d", p->out_h, p->out_w, oh,
                    ow);
    return act_range(op, y, &p->act_min, &p->act_max, why, n);
}

static int pool_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_pool_params p;
    return mcb_int8_pool_params(g, op, &p, why, n);
}

static void maxpool_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_pool_params p;
    char why[8];
    if (mcb_int8_pool_params(g, op, &p, why, sizeof why) == 0)
        mcb_max_pool2d_s8(&p, data[op->in[0]], data[op->out[0]]);
}

static void avgpool_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_pool_params p;
    char why[8];
    /* every window holds an input cell: SAME padding is less than the filter, VALID is none */
    if (mcb_int8_pool_params(g, op, &p, why, sizeof why) == 0)
        (void)mcb_avg_pool2d_s8(&p, data[op->in[0]], data[op->out[0]]);
}

/* ---- RESHAPE ---- */

static int reshape_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (op->n_in < 1 || op->n_in > 2 || op->n_out != 1)
        return fail(why, n, "expects 1 or 2 inputs and 1 output");
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (is_type(x, MCB_INT8, "input", why, n) || is_type(y, MCB_INT8, "output", why, n) ||
        per_tensor(x, "input", why, n) || per_tensor(y, "output", why, n) ||
        same_quant(x, y, why, n))
        return -1;
    if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return fail(why, n, "%lld elements in, %lld out", (long long)mcb_tensor_elems(x),
                    (long long)mcb_tensor_elems(y));
    return 0;
}

static void reshape_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_reshape((size_t)mcb_tensor_elems(T(g, op->in[0])), data[op->in[0]], data[op->out[0]]);
}

/* ---- SOFTMAX ---- */

int mcb_int8_softmax_params(const mcb_graph *g, const mcb_op *op, mcb_softmax_params *p,
                            char *why, size_t n)
{
    if (io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (is_type(x, MCB_INT8, "input", why, n) || is_type(y, MCB_INT8, "output", why, n) ||
        per_tensor(x, "input", why, n) || per_tensor(y, "output", why, n))
        return -1;
    /* TFLM's softmax_common.cc: zero point -128 exactly, scale 1/256 within 0.1% */
    const float d = y->scale[0] - 1.0f / 256.0f;
    if (!(d <= 0.001f / 256.0f && d >= -0.001f / 256.0f) || y->zero_point[0] != -128)
        return fail(why, n, "int8 output must have scale 1/256 and zero point -128 (has %g, %lld)",
                    (double)y->scale[0], (long long)y->zero_point[0]);
    if (x->rank < 1 || x->shape[x->rank - 1] < 1 || mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return fail(why, n, "output must have the input's shape");
    if (x->shape[x->rank - 1] > 4095)
        return fail(why, n, "%d classes: the int8 softmax sums at most 4095", x->shape[x->rank - 1]);
    if (!(op->beta > 0))
        return fail(why, n, "beta must be positive");
    const int was_quiet = mcb_err_quiet(1);
    int rc = mcb_softmax_prepare(op->beta, x->scale[0], p);
    mcb_err_quiet(was_quiet);
    return rc ? fail(why, n, "%s", mcb_last_error()) : 0;
}

static int softmax_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_softmax_params p;
    return mcb_int8_softmax_params(g, op, &p, why, n);
}

static void softmax_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_softmax_params p;
    char why[8];
    if (mcb_int8_softmax_params(g, op, &p, why, sizeof why))
        return;
    const mcb_tensor *x = T(g, op->in[0]);
    const int depth = x->shape[x->rank - 1];
    mcb_softmax_s8(&p, (int)(mcb_tensor_elems(x) / depth), depth, data[op->in[0]],
                   data[op->out[0]]);
}

/* ---- ADD (equal shapes, or one side a single element) ---- */

int mcb_int8_add_params(const mcb_graph *g, const mcb_op *op, mcb_add_params *p, char *why,
                        size_t n)
{
    if (io_count(op, 2, 0, why, n))
        return -1;
    const mcb_tensor *a = T(g, op->in[0]), *b = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (is_type(a, MCB_INT8, "input 0", why, n) || is_type(b, MCB_INT8, "input 1", why, n) ||
        is_type(y, MCB_INT8, "output", why, n) || per_tensor(a, "input 0", why, n) ||
        per_tensor(b, "input 1", why, n) || per_tensor(y, "output", why, n))
        return -1;
    const int64_t na = mcb_tensor_elems(a), nb = mcb_tensor_elems(b), ny = mcb_tensor_elems(y);
    const int64_t big = na > nb ? na : nb;
    if (!((na == nb || na == 1 || nb == 1) && ny == big))
        return fail(why, n, "shapes of %lld and %lld elements do not add into %lld (only equal "
                    "shapes or a single element are supported)",
                    (long long)na, (long long)nb, (long long)ny);
    if (op->activation < MCB_ACT_NONE || op->activation > MCB_ACT_RELU6)
        return fail(why, n, "unsupported fused activation %d", op->activation);
    const int was_quiet = mcb_err_quiet(1);
    int rc = mcb_add_prepare(a->scale[0], (int32_t)a->zero_point[0], b->scale[0],
                             (int32_t)b->zero_point[0], y->scale[0], (int32_t)y->zero_point[0],
                             op->activation, p);
    mcb_err_quiet(was_quiet);
    return rc ? fail(why, n, "%s", mcb_last_error()) : 0;
}

static int add_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_add_params p;
    return mcb_int8_add_params(g, op, &p, why, n);
}

static void add_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_add_params p;
    char why[8];
    if (mcb_int8_add_params(g, op, &p, why, sizeof why))
        return;
    const int8_t *a = data[op->in[0]], *b = data[op->in[1]];
    int8_t *y = data[op->out[0]];
    const int64_t na = mcb_tensor_elems(T(g, op->in[0])), nb = mcb_tensor_elems(T(g, op->in[1]));
    const int64_t ny = mcb_tensor_elems(T(g, op->out[0]));
    if (na == nb) {
        mcb_add_s8(&p, (size_t)ny, a, b, y);
        return;
    }
    for (int64_t i = 0; i < ny; i++) /* one side is a single element */
        mcb_add_s8(&p, 1, a + (na == 1 ? 0 : i), b + (nb == 1 ? 0 : i), y + i);
}

/* ---- QUANTIZE, DEQUANTIZE ---- */

static int quantize_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (is_type(y, MCB_INT8, "output", why, n) || per_tensor(y, "output", why, n))
        return -1;
    if (x->type != MCB_FLOAT32 && x->type != MCB_INT8)
        return fail(why, n, "input is %s, expected float32 or int8", mcb_dtype_name(x->type));
    if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return fail(why, n, "%lld elements in, %lld out", (long long)mcb_tensor_elems(x),
                    (long long)mcb_tensor_elems(y));
    if (x->type == MCB_INT8) {
        if (per_tensor(x, "input", why, n))
            return -1;
        int32_t m;
        int s;
        const int was_quiet = mcb_err_quiet(1);
        int rc = mcb_requantize_prepare(x->scale[0], y->scale[0], &m, &s);
        mcb_err_quiet(was_quiet);
        if (rc)
            return fail(why, n, "%s", mcb_last_error());
    }
    return 0;
}

static void quantize_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    const size_t count = (size_t)mcb_tensor_elems(x);
    const int32_t zp = (int32_t)y->zero_point[0];
    if (x->type == MCB_FLOAT32) {
        mcb_quantize_f32_s8(count, data[op->in[0]], y->scale[0], zp, data[op->out[0]]);
        return;
    }
    int32_t m;
    int s;
    if (mcb_requantize_prepare(x->scale[0], y->scale[0], &m, &s) == 0)
        mcb_requantize_s8(count, data[op->in[0]], (int32_t)x->zero_point[0], m, s, zp,
                          data[op->out[0]]);
}

static int dequantize_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (io_count(op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (is_type(x, MCB_INT8, "input", why, n) || is_type(y, MCB_FLOAT32, "output", why, n) ||
        per_tensor(x, "input", why, n))
        return -1;
    if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return fail(why, n, "%lld elements in, %lld out", (long long)mcb_tensor_elems(x),
                    (long long)mcb_tensor_elems(y));
    return 0;
}

static void dequantize_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    const mcb_tensor *x = T(g, op->in[0]);
    mcb_dequantize_s8_f32((size_t)mcb_tensor_elems(x), data[op->in[0]], x->scale[0],
                          (int32_t)x->zero_point[0], data[op->out[0]]);
}

void mcb_exec_register_int8(void)
{
    static const mcb_exec_kernel k[] = {
        {MCB_OP_CONV_2D, MCB_INT8, conv_check, conv_run},
        {MCB_OP_DEPTHWISE_CONV_2D, MCB_INT8, dwconv_check, dwconv_run},
        {MCB_OP_FULLY_CONNECTED, MCB_INT8, fc_check, fc_run},
        {MCB_OP_MAX_POOL_2D, MCB_INT8, pool_check, maxpool_run},
        {MCB_OP_AVERAGE_POOL_2D, MCB_INT8, pool_check, avgpool_run},
        {MCB_OP_RESHAPE, MCB_INT8, reshape_check, reshape_run},
        {MCB_OP_SOFTMAX, MCB_INT8, softmax_check, softmax_run},
        {MCB_OP_ADD, MCB_INT8, add_check, add_run},
        {MCB_OP_QUANTIZE, MCB_FLOAT32, quantize_check, quantize_run},
        {MCB_OP_QUANTIZE, MCB_INT8, quantize_check, quantize_run},
        {MCB_OP_DEQUANTIZE, MCB_INT8, dequantize_check, dequantize_run},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        mcb_exec_register(&k[i]);
}
