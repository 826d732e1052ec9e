#include "quantize.h"
#include "err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int mcb_calib_init(mcb_calib *c, int n)
{
    c->n = n;
    c->min = calloc((size_t)n + 1, sizeof *c->min);
    c->max = calloc((size_t)n + 1, sizeof *c->max);
    c->seen = calloc((size_t)n + 1, sizeof *c->seen);
    if (!c->min || !c->max || !c->seen) {
        mcb_calib_free(c);
        return -1;
    }
    return 0;
}

void mcb_calib_free(mcb_calib *c)
{
    free(c->min);
    free(c->max);
    free(c->seen);
    memset(c, 0, sizeof *c);
}

void mcb_calib_observe(mcb_calib *c, int t, const float *x, long n)
{
    if (t < 0 || t >= c->n || n <= 0)
        return;
    float lo = c->seen[t] ? c->min[t] : x[0], hi = c->seen[t] ? c->max[t] : x[0];
    for (long i = 0; i < n; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    c->min[t] = lo;
    c->max[t] = hi;
    c->seen[t] = 1;
}

/* Follows TFLite's GetAsymmetricQuantizationParams (lite/tools/optimize/quantization_utils.cc):
 * the zero point comes from whichever end has the smaller error, then is clamped or rounded. */
void mcb_quant_asym_params(float rmin, float rmax, float *scale, int *zero_point)
{
    const double qmin = -128.0, qmax = 127.0;
    double lo = rmin < 0 ? rmin : 0, hi = rmax > 0 ? rmax : 0;
    if (lo == hi) {
        *scale = 1.0f;
        *zero_point = 0;
        return;
    }
    double s = (hi - lo) / (qmax - qmin);
    double zp_min = qmin - lo / s, zp_max = qmax - hi / s;
    double err_min = fabs(qmin) + fabs(lo / s), err_max = fabs(qmax) + fabs(hi / s);
    double zp = err_min < err_max ? zp_min : zp_max;
    int nudged;
    if (zp <= qmin)
        nudged = -128;
    else if (zp >= qmax)
        nudged = 127;
    else
        nudged = (int)round(zp);
    *scale = (float)s;
    *zero_point = nudged;
}

static int is_weighted(int code)
{
    return code == MCB_OP_CONV_2D || code == MCB_OP_DEPTHWISE_CONV_2D ||
           code == MCB_OP_FULLY_CONNECTED;
}

static int set_quant1(mcb_tensor *t, float scale, int zp)
{
    int64_t z = zp;
    return mcb_tensor_set_quant(t, 1, &scale, &z, 0);
}

/* Symmetric int8 weights, per channel along dim (or per tensor when per_channel is 0), as
 * TFLite's SymmetricPerChannelQuantization: scale = max|w| / 127, q = round(w / scale). */
static int quantize_weights(mcb_tensor *t, int per_channel, int dim, float **scales_out,
                            int *n_out)
{
    if (t->type != MCB_FLOAT32 || !t->data || dim >= t->rank)
        return -1;
    int64_t n = mcb_tensor_elems(t);
    int channels = per_channel ? t->shape[dim] : 1;
    int64_t inner = 1;
    for (int i = dim + 1; i < t->rank; i++)
        inner *= t->shape[i];
    const float *w = (const float *)(const void *)t->data;
    float *scale = calloc((size_t)channels, sizeof *scale);
    int64_t *zp = calloc((size_t)channels, sizeof *zp);
    int8_t *q = malloc((size_t)n);
    if (!scale || !zp || !q)
        goto fail;
    for (int64_t i = 0; i < n; i++) {
        int ch = per_channel ? (int)((i / inner) % channels) : 0;
        float a = fabsf(w[i]);
        scale[ch] = a > scale[ch] ? a : scale[ch];
    }
    for (int ch = 0; ch < channels; ch++)
        scale[ch] = scale[ch] > 0 ? scale[ch] / 127.0f : 1.0f;
    for (int64_t i = 0; i < n; i++) {
        int ch = per_channel ? (int)((i / inner) % channels) : 0;
        float v = roundf(w[i] * (1.0f / scale[ch]));
        q[i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
    }
    free(t->data);
    t->data = (uint8_t *)q;
    t->data_size = (size_t)n;
    t->type = MCB_INT8;
    if (mcb_tensor_set_quant(t, channels, scale, zp, per_channel ? dim : 0) != 0) {
        free(scale);
        free(zp);
        return -1;
    }
    free(zp);
    *scales_out = scale;
    *n_out = channels;
    return 0;
fail:
    free(scale);
    free(zp);
    free(q);
    return -1;
}

/* int32 bias with scale input_scale * weight_scale[c] (broadcast when per-tensor). */
static int quantize_bias(mcb_tensor *t, float in_scale, const float *wscale, int n_wscale)
{
    if (t->type != MCB_FLOAT32 || !t->data)
        return -1;
    int64_t n = mcb_tensor_elems(t);
    const float *b = (const float *)(const void *)t->data;
    int32_t *q = malloc((size_t)n * sizeof *q);
    float *scale = malloc((size_t)n * sizeof *scale);
    int64_t *zp = calloc((size_t)n, sizeof *zp);
    if (!q || !scale || !zp) {
        free(q);
        free(scale);
        free(zp);
        return -1;
    }
    for (int64_t i = 0; i < n; i++) {
        scale[i] = in_scale * wscale[n_wscale == 1 ? 0 : i];
        double v = round((double)b[i] / (double)scale[i]);
        q[i] = v > 2147483647.0 ? INT32_MAX : v < -2147483648.0 ? INT32_MIN : (int32_t)v;
    }
    free(t->data);
    t->data = (uint8_t *)q;
    t->data_size = (size_t)n * sizeof *q;
    t->type = MCB_INT32;
    int rc = mcb_tensor_set_quant(t, n_wscale == 1 ? 1 : (int)n, scale, zp, 0);
    free(scale);
    free(zp);
    return rc;
}

/* Operator versions TFLite's converter writes for int8 kernels (lite/tools/versioning). */
static int int8_op_version(int code)
{
    switch (code) {
    case MCB_OP_CONV_2D: return 3;
    case MCB_OP_DEPTHWISE_CONV_2D: return 3;
    case MCB_OP_FULLY_CONNECTED: return 4;
    case MCB_OP_MAX_POOL_2D: return 2;
    case MCB_OP_AVERAGE_POOL_2D: return 2;
    case MCB_OP_SOFTMAX: return 2;
    case MCB_OP_ADD: return 2;
    default: return 1;
    }
}

int mcb_quantize_graph(const mcb_graph *f, const mcb_calib *c, const char *what, mcb_graph *q)
{
    if (mcb_graph_clone(q, f) != 0) {
        mcb_error("%s: out of memory", what);
        return -1;
    }
    int problems = 0;
    for (int i = 0; i < q->n_ops; i++) {
        const mcb_op *op = &q->ops[i];
        if (op->n_in < 1 || op->n_out < 1)
            continue;
        mcb_tensor *in = &q->tensors[op->in[0]];
        mcb_tensor *out = &q->tensors[op->out[0]];
        /* The first op's input is quantized from its calibrated range. */
        if (in->type == MCB_FLOAT32 && !in->data) {
            if (!c->seen[op->in[0]]) {
                mcb_error("%s: tensor %d (%s) was never reached in calibration", what, op->in[0],
                          in->name);
                problems++;
                continue;
            }
            float s;
            int zp;
            mcb_quant_asym_params(c->min[op->in[0]], c->max[op->in[0]], &s, &zp);
            set_quant1(in, s, zp);
            in->type = MCB_INT8;
        }
        switch (op->code) {
        case MCB_OP_MAX_POOL_2D:
        case MCB_OP_AVERAGE_POOL_2D:
        case MCB_OP_RESHAPE:
            set_quant1(out, in->scale[0], (int)in->zero_point[0]);
            out->type = MCB_INT8;
            continue;
        case MCB_OP_SOFTMAX:
            set_quant1(out, 1.0f / 256.0f, -128);
            out->type = MCB_INT8;
            continue;
        default: break;
        }
        if (is_weighted(op->code)) {
            float *ws = NULL;
            int nws = 0;
            int per_channel = op->code != MCB_OP_FULLY_CONNECTED;
            int dim = op->code == MCB_OP_DEPTHWISE_CONV_2D ? 3 : 0;
            if (op->n_in < 2 || quantize_weights(&q->tensors[op->in[1]], per_channel, dim, &ws,
                                                 &nws) != 0) {
                mcb_error("%s: operator %d (%s): weights are not constant float32", what, i,
                          mcb_op_name(op->code));
                problems++;
                continue;
            }
            if (op->n_in > 2 && op->in[2] >= 0 &&
                quantize_bias(&q->tensors[op->in[2]], in->scale[0], ws, nws) != 0) {
                mcb_error("%s: operator %d (%s): bias is not constant float32", what, i,
                          mcb_op_name(op->code));
                problems++;
            }
            free(ws);
        } else if (op->code != MCB_OP_ADD) {
            mcb_error("%s: operator %d (%s): not supported by the quantizer", what, i,
                      mcb_op_name(op->code));
            problems++;
            continue;
        }
        if (!c->seen[op->out[0]]) {
            mcb_error("%s: tensor %d (%s) was never reached in calibration", what, op->out[0],
                      out->name);
            problems++;
            continue;
        }
        float s;
        int zp;
        mcb_quant_asym_params(c->min[op->out[0]], c->max[op->out[0]], &s, &zp);
        set_quant1(out, s, zp);
        out->type = MCB_INT8;
    }
    if (problems) {
        mcb_graph_free(q);
        return -1;
    }
    for (int i = 0; i < q->n_ops; i++)
        q->ops[i].version = int8_op_version(q->ops[i].code);
    return 0;
}
