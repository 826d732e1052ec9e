/* Post-training quantization into CMSIS-NN's legacy q7 format (quantize.h). The rules are
 * those of Arm's q7 quantizer (nn_quantizer.py of the cmsisnn-cifar10 example), restated:
 * a tensor whose values reach absmax gets 7 - ceil(log2(absmax)) fractional bits; values are
 * rounded to nearest and saturated to int8. Arm's tool then tried up to three more
 * fractional bits per tensor when that improved accuracy on its test batches; we do not (no
 * accuracy search: the formats follow from the ranges alone). */
#include "quantize.h"
#include "err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The legacy kernels shift a q7 bias left by bias_shift into an int32 and add
 * (1 << out_shift) >> 1 before an arithmetic right shift by out_shift; these bounds keep
 * both well defined (127 << 24 fits; 1 << 30 does). */
#define Q7_MAX_BIAS_SHIFT 24
#define Q7_MAX_OUT_SHIFT 30

int mcb_q7_frac_bits(double absmax)
{
    if (!(absmax > 0) || !isfinite(absmax))
        return 7;
    int e;
    const double f = frexp(absmax, &e); /* absmax = f * 2^e, f in [0.5, 1) */
    const int ceil_log2 = f == 0.5 ? e - 1 : e;
    return 7 - ceil_log2;
}

static int set_frac(mcb_tensor *t, int frac)
{
    const float s = ldexpf(1.0f, -frac);
    const int64_t z = 0;
    t->type = MCB_INT8;
    return mcb_tensor_set_quant(t, 1, &s, &z, 0);
}

static int frac_of(const mcb_tensor *t)
{
    return -ilogbf(t->scale[0]);
}

static double absmax_f32(const mcb_tensor *t)
{
    const float *x = (const float *)(const void *)t->data;
    double m = 0;
    for (int64_t i = 0; i < mcb_tensor_elems(t); i++)
        m = fabs((double)x[i]) > m ? fabs((double)x[i]) : m;
    return m;
}

/* Rounds a constant float tensor to int8 with frac fractional bits (ties away from zero),
 * saturated. */
static int to_q7(mcb_tensor *t, int frac)
{
    const int64_t n = mcb_tensor_elems(t);
    const float *x = (const float *)(const void *)t->data;
    int8_t *q = malloc((size_t)n + 1);
    if (!q)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        const double v = round(ldexp((double)x[i], frac));
        q[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
    }
    free(t->data);
    t->data = (uint8_t *)q;
    t->data_size = (size_t)n;
    return set_frac(t, frac);
}

static double calib_absmax(const mcb_calib *c, int t)
{
    const double lo = fabs((double)c->min[t]), hi = fabs((double)c->max[t]);
    return lo > hi ? lo : hi;
}

/* A conv or fully connected layer: weights, bias, output format and the shifts' check. */
static int weighted_layer(mcb_graph *q, const mcb_op *op, int i, const mcb_calib *c,
                          const char *what)
{
    const char *name = mcb_op_name(op->code);
    mcb_tensor *in = &q->tensors[op->in[0]], *out = &q->tensors[op->out[0]];
    if (op->n_in < 3 || op->in[2] < 0) {
        mcb_error("%s: operator %d (%s): the q7 kernels need a bias", what, i, name);
        return -1;
    }
    mcb_tensor *w = &q->tensors[op->in[1]], *b = &q->tensors[op->in[2]];
    if (w->type != MCB_FLOAT32 || !w->data || b->type != MCB_FLOAT32 || !b->data) {
        mcb_error("%s: operator %d (%s): weights and bias must be constant float32", what, i,
                  name);
        return -1;
    }
    if (!c->seen[op->out[0]]) {
        mcb_error("%s: tensor %d (%s) was never reached in calibration", what, op->out[0],
                  out->name);
        return -1;
    }
    const int in_frac = frac_of(in), w_frac = mcb_q7_frac_bits(absmax_f32(w));
    const int mac_frac = in_frac + w_frac; /* fractional bits of the accumulator */
    int b_frac = mcb_q7_frac_bits(absmax_f32(b));
    int out_frac = mcb_q7_frac_bits(calib_absmax(c, op->out[0]));
    /* Arm's quantizer capped the bias bits so (it said) "they will be shifted right anyway";
     * the output bits get the same cap: the accumulator has no finer bits to give. */
    b_frac = b_frac > mac_frac ? mac_frac : b_frac;
    out_frac = out_frac > mac_frac ? mac_frac : out_frac;
    const int bias_shift = mac_frac - b_frac, out_shift = mac_frac - out_frac;
    if (bias_shift > Q7_MAX_BIAS_SHIFT || out_shift > Q7_MAX_OUT_SHIFT) {
        mcb_error("%s: operator %d (%s): q7 shifts out of range (bias shift %d, at most %d; "
                  "output shift %d, at most %d)", what, i, name, bias_shift, Q7_MAX_BIAS_SHIFT,
                  out_shift, Q7_MAX_OUT_SHIFT);
        return -1;
    }
    if (to_q7(w, w_frac) || to_q7(b, b_frac) || set_frac(out, out_frac)) {
        mcb_error("%s: out of memory", what);
        return -1;
    }
    return 0;
}

int mcb_quantize_graph_q7(const mcb_graph *f, const mcb_calib *c, const char *what, mcb_graph *q)
{
    if (mcb_graph_clone(q, f) != 0) {
        mcb_error("%s: out of memory", what);
        return -1;
    }
    int problems = 0;
    for (int i = 0; i < q->n_ops && !problems; i++) {
        const mcb_op *op = &q->ops[i];
        if (op->n_in < 1 || op->n_out < 1)
            continue;
        mcb_tensor *in = &q->tensors[op->in[0]], *out = &q->tensors[op->out[0]];
        if (in->type == MCB_FLOAT32 && !in->data) { /* the graph input */
            if (!c->seen[op->in[0]]) {
                mcb_error("%s: tensor %d (%s) was never reached in calibration", what,
                          op->in[0], in->name);
                problems++;
                continue;
            }
            set_frac(in, mcb_q7_frac_bits(calib_absmax(c, op->in[0])));
        }
        switch (op->code) {
        case MCB_OP_CONV_2D:
        case MCB_OP_FULLY_CONNECTED:
            problems += weighted_layer(q, op, i, c, what) != 0;
            break;
        case MCB_OP_MAX_POOL_2D:
        case MCB_OP_RESHAPE:
            set_frac(out, frac_of(in));
            break;
        case MCB_OP_SOFTMAX: /* arm_softmax_q7 writes Q0.7 */
            set_frac(out, 7);
            break;
        default:
            mcb_error("%s: operator %d (%s): not in CMSIS-NN's legacy q7 API as mcubench uses "
                      "it (CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, RESHAPE, SOFTMAX)", what, i,
                      mcb_op_name(op->code));
            problems++;
        }
    }
    if (problems) {
        mcb_graph_free(q);
        return -1;
    }
    for (int i = 0; i < q->n_ops; i++) { /* the versions TFLite gives these int8 operators */
        const int code = q->ops[i].code;
        q->ops[i].version = code == MCB_OP_CONV_2D ? 3 : code == MCB_OP_FULLY_CONNECTED ? 4
                            : code == MCB_OP_RESHAPE ? 1 : 2;
    }
    q->scheme = MCB_SCHEME_Q7;
    return 0;
}
