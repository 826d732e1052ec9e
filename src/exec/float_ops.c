/* Float32 reference kernels: straightforward loops in TFLite's semantics (NHWC activations,
 * OHWI conv filters, [1,H,W,C*M] depthwise filters, [O,I] fully-connected weights), written
 * for clarity, not speed. */
#include "exec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mcb_exec_register_float(void);

#define T(g, i) (&(g)->tensors[i])

static int fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Inputs 0..need-1 present, up to opt more optional; all present tensors float32. */
static int check_io(const mcb_graph *g, const mcb_op *op, int need, int opt, char *why, size_t n)
{
    if (op->n_in < need || op->n_in > need + opt || op->n_out != 1)
        return fail(why, n, "expects %d input(s) and 1 output, has %d and %d", need, op->n_in,
                    op->n_out);
    for (int k = 0; k < op->n_in; k++) {
        if (op->in[k] < 0) {
            if (k < need)
                return fail(why, n, "input %d is missing", k);
            continue;
        }
        if (T(g, op->in[k])->type != MCB_FLOAT32)
            return fail(why, n, "input %d is %s, expected float32", k,
                        mcb_dtype_name(T(g, op->in[k])->type));
    }
    if (T(g, op->out[0])->type != MCB_FLOAT32)
        return fail(why, n, "output is %s, expected float32",
                    mcb_dtype_name(T(g, op->out[0])->type));
    return 0;
}

static int check_act(const mcb_op *op, char *why, size_t n)
{
    if (op->activation < MCB_ACT_NONE || op->activation > MCB_ACT_RELU6)
        return fail(why, n, "unsupported fused activation %d", op->activation);
    return 0;
}

static float act(int a, float v)
{
    switch (a) {
    case MCB_ACT_RELU: return v > 0 ? v : 0;
    case MCB_ACT_RELU_N1_TO_1: return v < -1 ? -1 : v > 1 ? 1 : v;
    case MCB_ACT_RELU6: return v < 0 ? 0 : v > 6 ? 6 : v;
    default: return v;
    }
}

static int rank_is(const mcb_tensor *t, int r) { return t->rank == r; }

/* Dot product in 8 independent lanes (summed at the end): the compiler can keep the lanes in
 * one vector register without reassociating, so this is fast and still deterministic. */
static float dot(const float *a, const float *b, int n)
{
    float l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            l[j] += a[i + j] * b[i + j];
    float s = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    for (; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* ---- CONV_2D and DEPTHWISE_CONV_2D ---- */

static int check_window_geometry(const mcb_op *op, const int32_t *in, int fh, int fw,
                                 const int32_t *out, char *why, size_t n)
{
    if (op->padding != MCB_PAD_SAME && op->padding != MCB_PAD_VALID)
        return fail(why, n, "unknown padding %d", op->padding);
    int dh = op->dilation_h > 0 ? op->dilation_h : 1, dw = op->dilation_w > 0 ? op->dilation_w : 1;
    if (op->stride_h < 1 || op->stride_w < 1 || fh < 1 || fw < 1)
        return fail(why, n, "strides and filter sizes must be positive");
    int oh = mcb_exec_out_size(op->padding, in[1], fh, op->stride_h, dh);
    int ow = mcb_exec_out_size(op->padding, in[2], fw, op->stride_w, dw);
    if (oh < 1 || ow < 1 || oh != out[1] || ow != out[2])
        return fail(why, n, "output is %dx%d, the geometry gives %dx%d", out[1], out[2], oh, ow);
    return 0;
}

static int conv_check_common(const mcb_graph *g, const mcb_op *op, int depthwise, char *why,
                             size_t n)
{
    if (check_io(g, op, 2, 1, why, n) || check_act(op, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (!rank_is(x, 4) || !rank_is(w, 4) || !rank_is(y, 4))
        return fail(why, n, "input, filter and output must be 4-D");
    if (!w->data)
        return fail(why, n, "the filter must be a constant");
    int cout = depthwise ? w->shape[3] : w->shape[0];
    if (depthwise) {
        int m = op->depth_multiplier > 0 ? op->depth_multiplier : 1;
        if (w->shape[0] != 1 || w->shape[3] != x->shape[3] * m)
            return fail(why, n, "filter [%d,%d,%d,%d] does not fit %d input channels x %d",
                        w->shape[0], w->shape[1], w->shape[2], w->shape[3], x->shape[3], m);
    } else if (w->shape[3] != x->shape[3]) {
        return fail(why, n, "filter has %d input channels, input has %d", w->shape[3],
                    x->shape[3]);
    }
    if (y->shape[0] != x->shape[0] || y->shape[3] != cout)
        return fail(why, n, "output [%d,%d,%d,%d] does not match batch %d and %d channels",
                    y->shape[0], y->shape[1], y->shape[2], y->shape[3], x->shape[0], cout);
    if (op->n_in > 2 && op->in[2] >= 0) {
        const mcb_tensor *b = T(g, op->in[2]);
        if (mcb_tensor_elems(b) != cout)
            return fail(why, n, "bias has %lld elements, expected %d",
                        (long long)mcb_tensor_elems(b), cout);
    }
    return check_window_geometry(op, x->shape, w->shape[1], w->shape[2], y->shape, why, n);
}

static int conv_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    return conv_check_common(g, op, 0, why, n);
}

static int dwconv_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    return conv_check_common(g, op, 1, why, n);
}

static void conv_run_common(const mcb_graph *g, const mcb_op *op, void *const *data,
                            int depthwise)
{
    const mcb_tensor *xt = T(g, op->in[0]), *wt = T(g, op->in[1]), *yt = T(g, op->out[0]);
    const float *x = data[op->in[0]], *w = data[op->in[1]];
    const float *b = op->n_in > 2 && op->in[2] >= 0 ? data[op->in[2]] : NULL;
    float *y = data[op->out[0]];
    int N = xt->shape[0], H = xt->shape[1], W = xt->shape[2], C = xt->shape[3];
    int KH = wt->shape[1], KW = wt->shape[2], OH = yt->shape[1], OW = yt->shape[2];
    int O = yt->shape[3];
    int dh = op->dilation_h > 0 ? op->dilation_h : 1, dw = op->dilation_w > 0 ? op->dilation_w : 1;
    int sh = op->stride_h, sw = op->stride_w;
    int pt = mcb_exec_pad_before(op->padding, H, KH, sh, dh, OH);
    int pl = mcb_exec_pad_before(op->padding, W, KW, sw, dw, OW);
    int m = depthwise ? O / C : 1;
    for (int nb = 0; nb < N; nb++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                float *yo = y + (((size_t)nb * OH + oy) * OW + ox) * O;
                int x0 = ox * sw - pl;
                /* the common case: a full row of the window is contiguous in input and filter */
                int rows = !depthwise && dw == 1 && x0 >= 0 && x0 + KW <= W;
                for (int o = 0; o < O; o++) {
                    float acc = b ? b[o] : 0.0f;
                    for (int ky = 0; ky < KH; ky++) {
                        int iy = oy * sh - pt + ky * dh;
                        if (iy < 0 || iy >= H)
                            continue;
                        if (rows) {
                            acc += dot(x + (((size_t)nb * H + iy) * W + x0) * C,
                                       w + ((size_t)o * KH + ky) * KW * C, KW * C);
                            continue;
                        }
                        for (int kx = 0; kx < KW; kx++) {
                            int ix = ox * sw - pl + kx * dw;
                            if (ix < 0 || ix >= W)
                                continue;
                            const float *xi = x + (((size_t)nb * H + iy) * W + ix) * C;
                            if (depthwise) {
                                acc += xi[o / m] * w[((size_t)ky * KW + kx) * O + o];
                            } else {
                                acc += dot(xi, w + (((size_t)o * KH + ky) * KW + kx) * C, C);
                            }
                        }
                    }
                    yo[o] = act(op->activation, acc);
                }
            }
}

static void conv_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    conv_run_common(g, op, data, 0);
}

static void dwconv_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    conv_run_common(g, op, data, 1);
}

/* ---- MAX_POOL_2D and AVERAGE_POOL_2D ---- */

static int pool_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (check_io(g, op, 1, 0, why, n) || check_act(op, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (!rank_is(x, 4) || !rank_is(y, 4))
        return fail(why, n, "input and output must be 4-D");
    if (y->shape[0] != x->shape[0] || y->shape[3] != x->shape[3])
        return fail(why, n, "output batch and channels must equal the input's");
    return check_window_geometry(op, x->shape, op->filter_h, op->filter_w, y->shape, why, n);
}

static void pool_run_common(const mcb_graph *g, const mcb_op *op, void *const *data, int avg)
{
    const mcb_tensor *xt = T(g, op->in[0]), *yt = T(g, op->out[0]);
    const float *x = data[op->in[0]];
    float *y = data[op->out[0]];
    int N = xt->shape[0], H = xt->shape[1], W = xt->shape[2], C = xt->shape[3];
    int OH = yt->shape[1], OW = yt->shape[2], FH = op->filter_h, FW = op->filter_w;
    int pt = mcb_exec_pad_before(op->padding, H, FH, op->stride_h, 1, OH);
    int pl = mcb_exec_pad_before(op->padding, W, FW, op->stride_w, 1, OW);
    for (int nb = 0; nb < N; nb++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++)
                for (int c = 0; c < C; c++) {
                    float best = -INFINITY, sum = 0.0f;
                    int count = 0;
                    for (int ky = 0; ky < FH; ky++) {
                        int iy = oy * op->stride_h - pt + ky;
                        if (iy < 0 || iy >= H)
                            continue;
                        for (int kx = 0; kx < FW; kx++) {
                            int ix = ox * op->stride_w - pl + kx;
                            if (ix < 0 || ix >= W)
                                continue;
                            float v = x[(((size_t)nb * H + iy) * W + ix) * C + c];
                            best = v > best ? v : best;
                            sum += v;
                            count++;
                        }
                    }
                    /* TFLite averages over the in-bounds elements only */
                    float v = avg ? (count ? sum / (float)count : 0.0f) : best;
                    y[(((size_t)nb * OH + oy) * OW + ox) * C + c] = act(op->activation, v);
                }
}

static void maxpool_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    pool_run_common(g, op, data, 0);
}

static void avgpool_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    pool_run_common(g, op, data, 1);
}

/* ---- RESHAPE ---- */

static int reshape_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (op->n_in < 1 || op->n_in > 2 || op->n_out != 1)
        return fail(why, n, "expects 1 or 2 inputs and 1 output");
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (x->type != MCB_FLOAT32 || y->type != MCB_FLOAT32)
        return fail(why, n, "data is %s -> %s, expected float32", mcb_dtype_name(x->type),
                    mcb_dtype_name(y->type));
    if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
        return fail(why, n, "%lld elements in, %lld out", (long long)mcb_tensor_elems(x),
                    (long long)mcb_tensor_elems(y));
    return 0;
}

static void reshape_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    size_t bytes = (size_t)mcb_tensor_elems(T(g, op->in[0])) * sizeof(float);
    if (data[op->out[0]] != data[op->in[0]])
        memmove(data[op->out[0]], data[op->in[0]], bytes);
}

/* ---- FULLY_CONNECTED ---- */

static int fc_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (check_io(g, op, 2, 1, why, n) || check_act(op, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *w = T(g, op->in[1]), *y = T(g, op->out[0]);
    if (!rank_is(w, 2) || !w->data)
        return fail(why, n, "weights must be a constant [outputs, inputs] matrix");
    int o = w->shape[0], i = w->shape[1];
    int64_t xe = mcb_tensor_elems(x);
    if (i < 1 || xe % i != 0)
        return fail(why, n, "%lld input elements are not a multiple of %d", (long long)xe, i);
    if (mcb_tensor_elems(y) != xe / i * o)
        return fail(why, n, "output has %lld elements, expected %lld",
                    (long long)mcb_tensor_elems(y), (long long)(xe / i * o));
    if (op->n_in > 2 && op->in[2] >= 0 && mcb_tensor_elems(T(g, op->in[2])) != o)
        return fail(why, n, "bias has %lld elements, expected %d",
                    (long long)mcb_tensor_elems(T(g, op->in[2])), o);
    return 0;
}

static void fc_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    const mcb_tensor *wt = T(g, op->in[1]);
    const float *x = data[op->in[0]], *w = data[op->in[1]];
    const float *b = op->n_in > 2 && op->in[2] >= 0 ? data[op->in[2]] : NULL;
    float *y = data[op->out[0]];
    int O = wt->shape[0], I = wt->shape[1];
    int64_t rows = mcb_tensor_elems(T(g, op->in[0])) / I;
    for (int64_t r = 0; r < rows; r++)
        for (int o = 0; o < O; o++) {
            float acc = (b ? b[o] : 0.0f) + dot(x + r * I, w + (size_t)o * I, I);
            y[r * O + o] = act(op->activation, acc);
        }
}

/* ---- SOFTMAX ---- */

static int softmax_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (check_io(g, op, 1, 0, why, n))
        return -1;
    const mcb_tensor *x = T(g, op->in[0]), *y = T(g, op->out[0]);
    if (x->rank < 1 || mcb_tensor_elems(x) != mcb_tensor_elems(y) || x->shape[x->rank - 1] < 1)
        return fail(why, n, "output must have the input's shape");
    if (!(op->beta > 0))
        return fail(why, n, "beta must be positive");
    return 0;
}

static void softmax_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    const mcb_tensor *xt = T(g, op->in[0]);
    const float *x = data[op->in[0]];
    float *y = data[op->out[0]];
    int d = xt->shape[xt->rank - 1];
    int64_t rows = mcb_tensor_elems(xt) / d;
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        float *yr = y + r * d;
        float mx = xr[0], sum = 0.0f;
        for (int i = 1; i < d; i++)
            mx = xr[i] > mx ? xr[i] : mx;
        for (int i = 0; i < d; i++)
            sum += yr[i] = expf((xr[i] - mx) * op->beta);
        for (int i = 0; i < d; i++)
            yr[i] /= sum;
    }
}

/* ---- ADD (equal shapes, or one side a single element) ---- */

static int add_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n)
{
    if (check_io(g, op, 2, 0, why, n) || check_act(op, why, n))
        return -1;
    int64_t a = mcb_tensor_elems(T(g, op->in[0])), b = mcb_tensor_elems(T(g, op->in[1]));
    int64_t y = mcb_tensor_elems(T(g, op->out[0]));
    int64_t big = a > b ? a : b;
    if (!((a == b || a == 1 || b == 1) && y == big))
        return fail(why, n, "shapes of %lld and %lld elements do not add into %lld (only equal "
                    "shapes or a single element are supported)",
                    (long long)a, (long long)b, (long long)y);
    return 0;
}

static void add_run(const mcb_graph *g, const mcb_op *op, void *const *data)
{
    const float *a = data[op->in[0]], *b = data[op->in[1]];
    float *y = data[op->out[0]];
    int64_t na = mcb_tensor_elems(T(g, op->in[0])), nb = mcb_tensor_elems(T(g, op->in[1]));
    int64_t ny = mcb_tensor_elems(T(g, op->out[0]));
    for (int64_t i = 0; i < ny; i++)
        y[i] = act(op->activation, a[na == 1 ? 0 : i] + b[nb == 1 ? 0 : i]);
}

void mcb_exec_register_float(void)
{
    static const mcb_exec_kernel k[] = {
        {.code = MCB_OP_CONV_2D, .type = MCB_FLOAT32, .check = conv_check, .run = conv_run},
        {.code = MCB_OP_DEPTHWISE_CONV_2D, .type = MCB_FLOAT32,
          .check = dwconv_check, .run = dwconv_run},
        {.code = MCB_OP_MAX_POOL_2D, .type = MCB_FLOAT32, .check = pool_check, .run = maxpool_run},
        {.code = MCB_OP_AVERAGE_POOL_2D, .type = MCB_FLOAT32,
          .check = pool_check, .run = avgpool_run},
        {.code = MCB_OP_RESHAPE, .type = MCB_FLOAT32, .check = reshape_check, .run = reshape_run},
        {.code = MCB_OP_FULLY_CONNECTED, .type = MCB_FLOAT32, .check = fc_check, .run = fc_run},
        {.code = MCB_OP_SOFTMAX, .type = MCB_FLOAT32, .check = softmax_check, .run = softmax_run},
        {.code = MCB_OP_ADD, .type = MCB_FLOAT32, .check = add_check, .run = add_run},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        mcb_exec_register(&k[i]);
}
