/* q7 operators for the host executor (exec_q7.h). The arithmetic, restated from the legacy
 * CMSIS-NN functions (their portable C path; docs/quantization.md, "The q7 scheme"):
 * - conv / fc: acc = (bias << bias_shift) + ((1 << out_shift) >> 1) + sum of in * w, in a
 *   32-bit int (wrapping as the target's does); out = saturate_int8(acc >> out_shift), an
 *   arithmetic shift (floor);
 * - ReLU: negative values become 0 (a separate pass, arm_relu_q7);
 * - max pool: the maximum over the window clipped to the image;
 * - softmax: arm_softmax_q7's base-2 approximation on the raw codes (mcb_q7_softmax). */
#include "exec_q7.h"

#include "exec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define T(g, i) (&(g)->tensors[i])
#define Q7_MAX_BIAS_SHIFT 24
#define Q7_MAX_OUT_SHIFT 30
#define Q7_MAX_DIM 65535 /* the legacy API's uint16_t arguments */

static int fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

int mcb_q7_frac(const mcb_tensor *t, const char *role, int *frac, char *why, size_t n)
{
    if (t->type != MCB_INT8)
        return fail(why, n, "%s is %s, q7 needs int8", role, mcb_dtype_name(t->type));
    if (t->n_quant != 1)
        return fail(why, n, "%s needs one scale (q7 is per tensor), has %d", role, t->n_quant);
    int e;
    const float s = t->scale[0];
    if (!(s > 0) || !isfinite(s) || frexpf(s, &e) != 0.5f)
        return fail(why, n, "%s scale %g is not a power of two", role, (double)s);
    if (t->zero_point[0] != 0)
        return fail(why, n, "%s zero point %lld: q7 zero points are 0", role,
                    (long long)t->zero_point[0]);
    *frac = 1 - e; /* s = 0.5 * 2^e = 2^-(1-e) */
    return 0;
}

static int io(const mcb_op *op, int need, char *why, size_t n)
{
    if (op->n_in < need || op->n_out != 1)
        return fail(why, n, "expects %d input(s) and 1 output, has %d and %d", need, op->n_in,
                    op->n_out);
    for (int k = 0; k < need; k++)
        if (op->in[k] < 0)
            return fail(why, n, "input %d is missing", k);
    return 0;
}

static int relu_of(const mcb_op *op, int *relu, char *why, size_t n)
{
    if (op->activation != MCB_ACT_NONE && op->activation != MCB_ACT_RELU)
        return fail(why, n, "fused activation %d: the q7 API has ReLU only", op->activation);
    *relu = op->activation == MCB_ACT_RELU;
    return 0;
}

/* The shifts of a conv or fc layer from its four tensors' fractional bits. */
static int shifts(const mcb_graph *g, const mcb_op *op, mcb_q7_params *p, char *why, size_t n)
{
    int fi, fw, fb, fo;
    if (op->n_in < 3 || op->in[2] < 0)
        return fail(why, n, "the q7 kernels need a bias");
    const mcb_tensor *w = T(g, op->in[1]), *b = T(g, op->in[2]);
    if (mcb_q7_frac(T(g, op->in[0]), "input", &fi, why, n) ||
        mcb_q7_frac(w, "weights", &fw, why, n) || mcb_q7_frac(b, "bias", &fb, why, n) ||
        mcb_q7_frac(T(g, op->out[0]), "output", &fo, why, n))
        return -1;
    if (!w->data || !b->data)
        return fail(why, n, "weights and bias must be constants");
    p->bias_shift = fi + fw - fb;
    p->out_shift = fi + fw - fo;
    if (p->bias_shift < 0 || p->bias_shift > Q7_MAX_BIAS_SHIFT)
        return fail(why, n, "bias shift %d (input %d + weight %d - bias %d fractional bits) is "
                    "outside 0..%d", p->bias_shift, fi, fw, fb, Q7_MAX_BIAS_SHIFT);
    if (p->out_shift < 0 || p->out_shift > Q7_MAX_OUT_SHIFT)
        return fail(why, n, "output shift %d (input %d + weight %d - output %d fractional bits) "
                    "is outside 0..%d", p->out_shift, fi, fw, fo, Q7_MAX_OUT_SHIFT);
    return 0;
}

/* Square geometry with the legacy API's one padding (the rows and columns before the image;
 * those after it follow from the output size). */
static int square(const mcb_tensor *x, const mcb_tensor *y, int kh, int kw, int sh, int sw,
                  int padding, mcb_q7_params *p, char *why, size_t n)
{
    if (x->rank != 4 || y->rank != 4 || x->shape[0] != 1 || y->shape[0] != 1)
        return fail(why, n, "input and output must be 4-D with batch 1");
    if (x->shape[1] != x->shape[2] || y->shape[1] != y->shape[2] || kh != kw || sh != sw)
        return fail(why, n, "the q7 API takes square images, kernels and strides only");
    if (padding != MCB_PAD_SAME && padding != MCB_PAD_VALID)
        return fail(why, n, "unknown padding %d", padding);
    p->in_dim = x->shape[1];
    p->out_dim = y->shape[1];
    p->in_ch = x->shape[3];
    p->kernel = kh;
    p->stride = sh;
    const int od = mcb_exec_out_size(padding, p->in_dim, kh, sh, 1);
    if (od < 1 || od != p->out_dim)
        return fail(why, n, "output is %dx%d, the geometry gives %dx%d", p->out_dim, p->out_dim,
                    od, od);
    p->padding = mcb_exec_pad_before(padding, p->in_dim, kh, sh, 1, od);
    if (p->in_dim > Q7_MAX_DIM || p->in_ch > Q7_MAX_DIM || y->shape[3] > Q7_MAX_DIM)
        return fail(why, n, "a dimension exceeds the API's 16 bits");
    return 0;
}

int mcb_q7_conv_params(const mcb_graph *g, const mcb_op *op, mcb_q7_params *p, char *why,
                       size_t n)
{
    memset(p, 0, sizeof *p);
    if (io(op, 2, why, n) || shifts(g, op, p, why, n) || relu_of(op, &p->relu, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if ((op->dilation_h > 1) || (op->dilation_w > 1))
        return fail(why, n, "dilated convolutions are not in the q7 API");
    if (w->rank != 4 || square(x, y, w->shape[1], w->shape[2], op->stride_h, op->stride_w,
                               op->padding, p, why, n))
        return w->rank != 4 ? fail(why, n, "filter must be 4-D") : -1;
    p->out_ch = w->shape[0];
    if (w->shape[3] != p->in_ch || y->shape[3] != p->out_ch)
        return fail(why, n, "filter [%d,%d,%d,%d] does not fit %d input and %d output channels",
                    w->shape[0], w->shape[1], w->shape[2], w->shape[3], p->in_ch, y->shape[3]);
    if (mcb_tensor_elems(T(g, op->in[2])) != p->out_ch)
        return fail(why, n, "bias must have %d elements", p->out_ch);
    p->batches = 1;
    return 0;
}

int mcb_q7_fc_params(const mcb_graph *g, const mcb_op *op, mcb_q7_params *p, char *why,
                     size_t n)
{
    memset(p, 0, sizeof *p);
    if (io(op, 2, why, n) || shifts(g, op, p, why, n) || relu_of(op, &p->relu, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (w->rank != 2)
        return fail(why, n, "weights must be an [outputs, inputs] matrix");
    const int rows = w->shape[0], dim = w->shape[1];
    const int64_t xe = mcb_tensor_elems(x);
    if (rows < 1 || dim < 1 || xe % dim != 0 || mcb_tensor_elems(y) != xe / dim * rows)
        return fail(why, n, "%lld inputs and %lld outputs do not fit [%d, %d] weights",
                    (long long)xe, (long long)mcb_tensor_elems(y), rows, dim);
    if (rows > Q7_MAX_DIM || dim > Q7_MAX_DIM)
        return fail(why, n, "a dimension exceeds the API's 16 bits");
    if (mcb_tensor_elems(T(g, op->in[2])) != rows)
        return fail(why, n, "bias must have %d elements", rows);
    p->in_dim = p->out_dim = p->kernel = p->stride = 1;
    p->in_ch = dim;
    p->out_ch = rows;
    p->batches = (int)(xe / dim);
    return 0;
}

static int same_frac(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    int fi, fo;
    if (mcb_q7_frac(T(g, op->in[0]), "input", &fi, why, n) ||
        mcb_q7_frac(T(g, op->out[0]), "output", &fo, why, n))
        return -1;
    if (fi != fo)
        return fail(why, n, "input has %d fractional bits, output %d: this operator does not "
                    "rescale", fi, fo);
    return 0;
}

int mcb_q7_pool_params(const mcb_graph *g, const mcb_op *op, mcb_q7_params *p, char *why,
                       size_t n)
{
    memset(p, 0, sizeof *p);
    if (io(op, 1, why, n) || same_frac(g, op, why, n) || relu_of(op, &p->relu, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (square(x, y, op->filter_h, op->filter_w, op->stride_h, op->stride_w, op->padding, p,
               why, n))
        return -1;
    if (y->shape[3] != p->in_ch)
        return fail(why, n, "output channels must equal the input's");
    if (p->padding != 0)
        return fail(why, n, "padding before the image: arm_maxpool_q7_HWC's optimised path "
                    "handles it differently from its portable one");
    p->out_ch = p->in_ch;
    p->batches = 1;
    return 0;
}

int mcb_q7_softmax_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    int fi, fo;
    if (io(op, 1, why, n) || mcb_q7_frac(T(g, op->in[0]), "input", &fi, why, n) ||
        mcb_q7_frac(T(g, op->out[0]), "output", &fo, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]);
    if (fo != 7)
        return fail(why, n, "output has %d fractional bits; arm_softmax_q7 writes 7", fo);
    if (x->rank < 1 || mcb_tensor_elems(x) != mcb_tensor_elems(T(g, op->out[0])) ||
        x->shape[x->rank - 1] < 1 || x->shape[x->rank - 1] > Q7_MAX_DIM)
        return fail(why, n, "output must have the input's shape, rows of 1..65535");
    return 0;
}

/* ---- kernels ---- */

static int8_t sat8(int32_t v)
{
    return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
}

/* The start of an accumulator: the bias in the accumulator's format plus the rounding
 * constant (NN_ROUND). */
static int64_t acc0(const mcb_q7_params *p, int8_t bias)
{
    return (int64_t)bias * ((int64_t)1 << p->bias_shift) + (((int64_t)1 << p->out_shift) >> 1);
}

/* The 32-bit result of the legacy code's int accumulator (two's complement wrap). */
static int8_t finish(const mcb_q7_params *p, int64_t acc)
{
    const int32_t a = (int32_t)(uint32_t)(uint64_t)acc;
    return sat8(a >> p->out_shift);
}

void mcb_q7_conv(const mcb_q7_params *p, const int8_t *in, const int8_t *w, const int8_t *bias,
                 int8_t *out)
{
    const int ci = p->in_ch, k = p->kernel;
    for (int oy = 0; oy < p->out_dim; oy++)
        for (int ox = 0; ox < p->out_dim; ox++)
            for (int oc = 0; oc < p->out_ch; oc++) {
                int64_t acc = acc0(p, bias[oc]);
                for (int ky = 0; ky < k; ky++) {
                    const int iy = oy * p->stride + ky - p->padding;
                    if (iy < 0 || iy >= p->in_dim)
                        continue;
                    for (int kx = 0; kx < k; kx++) {
                        const int ix = ox * p->stride + kx - p->padding;
                        if (ix < 0 || ix >= p->in_dim)
                            continue;
                        const int8_t *a = in + ((size_t)iy * p->in_dim + ix) * ci;
                        const int8_t *b = w + (((size_t)oc * k + ky) * k + kx) * ci;
                        int32_t s = 0; /* at most 65535 * 2^14: no overflow */
                        for (int c = 0; c < ci; c++)
                            s += a[c] * b[c];
                        acc += s;
                    }
                }
                out[((size_t)oy * p->out_dim + ox) * p->out_ch + oc] = finish(p, acc);
            }
}

void mcb_q7_fc(const mcb_q7_params *p, const int8_t *in, const int8_t *w, const int8_t *bias,
               int8_t *out)
{
    for (int v = 0; v < p->batches; v++)
        for (int r = 0; r < p->out_ch; r++) {
            const int8_t *a = in + (size_t)v * p->in_ch, *b = w + (size_t)r * p->in_ch;
            int64_t acc = acc0(p, bias[r]);
            for (int c = 0; c < p->in_ch; c++)
                acc += a[c] * b[c];
            out[(size_t)v * p->out_ch + r] = finish(p, acc);
        }
}

void mcb_q7_maxpool(const mcb_q7_params *p, const int8_t *in, int8_t *out)
{
    for (int oy = 0; oy < p->out_dim; oy++)
        for (int ox = 0; ox < p->out_dim; ox++)
            for (int c = 0; c < p->in_ch; c++) {
                int m = -129;
                for (int ky = 0; ky < p->kernel; ky++)
                    for (int kx = 0; kx < p->kernel; kx++) {
                        const int iy = oy * p->stride + ky - p->padding;
                        const int ix = ox * p->stride + kx - p->padding;
                        if (iy < 0 || ix < 0 || iy >= p->in_dim || ix >= p->in_dim)
                            continue;
                        const int v = in[((size_t)iy * p->in_dim + ix) * p->in_ch + c];
                        m = v > m ? v : m;
                    }
                out[((size_t)oy * p->out_dim + ox) * p->in_ch + c] = (int8_t)m;
            }
}

void mcb_q7_relu(int8_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] < 0 ? 0 : x[i];
}

/* arm_softmax_q7: with m the row's maximum code and base = m - 8, the sum of 2^s_i with
 * s_i = clamp(x_i - base, 0, 7) (so every element, however small, adds at least 1), then
 * out_i = saturate_int8((2^20 / sum) >> clamp(13 + base - x_i, 0, 31)), integer division.
 * The codes are read as base-2 exponents: neither the input scale nor beta enters. */
void mcb_q7_softmax(const int8_t *in, int n, int8_t *out)
{
    int base = -128;
    for (int i = 0; i < n; i++)
        base = in[i] > base ? in[i] : base;
    base -= 8;
    int32_t sum = 0;
    for (int i = 0; i < n; i++) {
        int s = in[i] - base;
        s = s < 0 ? 0 : s > 7 ? 7 : s;
        sum += (int32_t)1 << s;
    }
    const int32_t ob = ((int32_t)1 << 20) / sum;
    for (int i = 0; i < n; i++) {
        int s = 13 + base - in[i];
        s = s < 0 ? 0 : s > 31 ? 31 : s;
        out[i] = sat8(ob >> s);
    }
}

void mcb_q7_fc_opt_order(const int8_t *w, int rows, int cols, int8_t *out)
{
    static const unsigned char pos[16][2] = {{0, 0}, {1, 0}, {0, 2}, {1, 2}, {2, 0}, {3, 0},
                                             {2, 2}, {3, 2}, {0, 1}, {1, 1}, {0, 3}, {1, 3},
                                             {2, 1}, {3, 1}, {2, 3}, {3, 3}};
    size_t k = 0;
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        int c = 0;
        for (; c + 4 <= cols; c += 4)
            for (int i = 0; i < 16; i++)
                out[k++] = w[(size_t)(r + pos[i][0]) * cols + c + pos[i][1]];
        for (; c < cols; c++)
            for (int i = 0; i < 4; i++)
                out[k++] = w[(size_t)(r + i) * cols + c];
    }
    memcpy(out + k, w + k, (size_t)(rows - r) * cols);
}

/* ---- the executor's (check, run) pairs ---- */

static int conv_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_q7_params p;
    return mcb_q7_conv_params(g, op, &p, why, n);
}

static int fc_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_q7_params p;
    return mcb_q7_fc_params(g, op, &p, why, n);
}

static int pool_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    mcb_q7_params p;
    return mcb_q7_pool_params(g, op, &p, why, n);
}

static int reshape_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (op->n_in < 1 || op->n_in > 2 || op->n_out != 1)
        return fail(why, n, "expects 1 or 2 inputs and 1 output");
    if (same_frac(g, op, why, n))
        return -1;
    if (mcb_tensor_elems(T(g, op->in[0])) != mcb_tensor_elems(T(g, op->out[0])))
        return fail(why, n, "element counts differ");
    return 0;
}

static void conv_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_q7_params p;
    char why[8];
    if (mcb_q7_conv_params(g, op, &p, why, sizeof why))
        return;
    int8_t *y = data[op->out[0]];
    mcb_q7_conv(&p, data[op->in[0]], data[op->in[1]], data[op->in[2]], y);
    if (p.relu)
        mcb_q7_relu(y, (size_t)p.out_dim * p.out_dim * p.out_ch);
}

static void fc_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_q7_params p;
    char why[8];
    if (mcb_q7_fc_params(g, op, &p, why, sizeof why))
        return;
    int8_t *y = data[op->out[0]];
    mcb_q7_fc(&p, data[op->in[0]], data[op->in[1]], data[op->in[2]], y);
    if (p.relu)
        mcb_q7_relu(y, (size_t)p.batches * p.out_ch);
}

static void pool_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    mcb_q7_params p;
    char why[8];
    if (mcb_q7_pool_params(g, op, &p, why, sizeof why))
        return;
    int8_t *y = data[op->out[0]];
    mcb_q7_maxpool(&p, data[op->in[0]], y);
    if (p.relu)
        mcb_q7_relu(y, (size_t)p.out_dim * p.out_dim * p.out_ch);
}

static void reshape_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    memmove(data[op->out[0]], data[op->in[0]], (size_t)mcb_tensor_elems(T(g, op->in[0])));
}

static void softmax_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    const mcb_tensor *x = T(g, op->in[0]);
    const int depth = x->shape[x->rank - 1];
    const int8_t *in = data[op->in[0]];
    int8_t *out = data[op->out[0]];
    for (int64_t r = 0; r < mcb_tensor_elems(x) / depth; r++)
        mcb_q7_softmax(in + r * depth, depth, out + r * depth);
}

void mcb_exec_register_q7(void)
{
    static const mcb_exec_kernel k[] = {
        {.code = MCB_OP_CONV_2D, .type = MCB_EXEC_Q7, .check = conv_check, .run = conv_run},
        {.code = MCB_OP_FULLY_CONNECTED, .type = MCB_EXEC_Q7, .check = fc_check, .run = fc_run},
        {.code = MCB_OP_MAX_POOL_2D, .type = MCB_EXEC_Q7, .check = pool_check, .run = pool_run},
        {.code = MCB_OP_RESHAPE, .type = MCB_EXEC_Q7, .check = reshape_check, .run = reshape_run},
        {.code = MCB_OP_SOFTMAX, .type = MCB_EXEC_Q7,
          .check = mcb_q7_softmax_check, .run = softmax_run},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        mcb_exec_register(&k[i]);
}
