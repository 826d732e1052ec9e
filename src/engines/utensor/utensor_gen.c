/* The utensor engine's code generator (utensor_gen.h). The text written here follows the
 * shape of utensor-cgen's "rearch" templates (model class, operator objects constructed with
 * their parameters, RomTensor/RamTensor declarations, set_inputs/set_outputs/eval, free after
 * the last use); the code itself is ours. */
#include "utensor_gen.h"

#include "err.h"
#include "fileio.h"
#include "graph_mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one graph operator becomes. */
typedef enum { UT_CONV, UT_MAXPOOL, UT_RESHAPE, UT_FC, UT_SOFTMAX } ut_kind;

typedef struct {
    int op;      /* graph operator index (= layer index) */
    ut_kind kind;
    int first_obj; /* index of its first operator object (op_<Type>_NNN) */
} ut_step;

struct ut_model {
    const mcb_graph *g;
    char what[1024];
    char name[48]; /* file stem and model name: mnist_conv16_int8 */
    char cls[48];  /* class name, capitalised as utensor-cgen does: Mnist_conv16_int8 */
    ut_step *steps;
    int n_steps, n_objs;
    mcb_lifetime *lt;
    int in_t, out_t;
    int64_t ram_pool, meta_pool, weight_bytes, plain_bytes;
};

/* utensor-cgen's arena rules (its rearch code generator): the metadata arena gets 64 bytes per
 * tensor of the graph; the RAM data arena the total of its activation plan plus 3000 bytes
 * (for the operators' own scratch allocations and alignment). An arena of 2^15 bytes or more
 * needs the allocator's 32-bit size type. */
#define UT_META_PER_TENSOR 64
#define UT_RAM_SLACK 3000

static const char *kind_types[][3] = {
    /* the uTensor operator classes of each kind, in evaluation order */
    [UT_CONV] = {"TflmSymQuantOps::Conv2dOperator<int8_t>", NULL, NULL},
    [UT_MAXPOOL] = {"ReferenceOperators::MaxPoolOperator<int8_t>", NULL, NULL},
    [UT_RESHAPE] = {"ReferenceOperators::ReshapeOperator<int8_t>", NULL, NULL},
    [UT_FC] = {"TflmSymQuantOps::FullyConnectedOperator<int8_t>", NULL, NULL},
    [UT_SOFTMAX] = {"TflmSymQuantOps::DequantizeOperator<float, int8_t>",
                    "ReferenceOperators::SoftmaxOperator<float>",
                    "TflmSymQuantOps::QuantizeOperator<int8_t, float>"},
};
static const char *kind_short[][3] = {
    [UT_CONV] = {"Conv2dOperator", NULL, NULL},
    [UT_MAXPOOL] = {"MaxPoolOperator", NULL, NULL},
    [UT_RESHAPE] = {"ReshapeOperator", NULL, NULL},
    [UT_FC] = {"FullyConnectedOperator", NULL, NULL},
    [UT_SOFTMAX] = {"DequantizeOperator", "SoftmaxOperator", "QuantizeOperator"},
};

static int kind_objs(ut_kind k)
{
    return k == UT_SOFTMAX ? 3 : 1;
}

/* ---- analysis ---- */

static int unsupported(const ut_model *m, int op, const char *why)
{
    mcb_error("%s: operator %d (%s) is not supported by the utensor engine: %s", m->what, op,
              mcb_op_name(m->g->ops[op].code), why);
    return -1;
}

/* uTensor's TensorShape holds up to 4 dimensions of 16 bits. */
static int shape_ok(const mcb_tensor *t)
{
    if (t->rank < 1 || t->rank > 4)
        return 0;
    for (int i = 0; i < t->rank; i++)
        if (t->shape[i] < 1 || t->shape[i] > 65535)
            return 0;
    return 1;
}

/* An int8 activation with per-tensor quantization, as uTensor's operators read it. */
static int act_ok(const mcb_tensor *t)
{
    return t->type == MCB_INT8 && !t->data && t->n_quant == 1 && shape_ok(t);
}

static int check_op(const ut_model *m, int i, ut_kind *kind)
{
    const mcb_graph *g = m->g;
    const mcb_op *op = &g->ops[i];
    const mcb_tensor *x = op->n_in > 0 && op->in[0] >= 0 ? &g->tensors[op->in[0]] : NULL;
    const mcb_tensor *y = op->n_out > 0 && op->out[0] >= 0 ? &g->tensors[op->out[0]] : NULL;
    if (!x || !y || op->n_out != 1)
        return unsupported(m, i, "it needs one input and one output");
    if (!act_ok(x) || !act_ok(y))
        return unsupported(m, i, "its input and output must be int8 activations with per-tensor "
                                 "quantization and at most 4 dimensions of up to 65535");
    switch (op->code) {
    case MCB_OP_CONV_2D: {
        const mcb_tensor *w = op->n_in > 1 && op->in[1] >= 0 ? &g->tensors[op->in[1]] : NULL;
        const mcb_tensor *b = op->n_in > 2 && op->in[2] >= 0 ? &g->tensors[op->in[2]] : NULL;
        if (!w || !w->data || w->type != MCB_INT8 || w->rank != 4 || x->rank != 4 ||
            y->rank != 4 || w->shape[3] != x->shape[3] || w->shape[0] != y->shape[3])
            return unsupported(m, i, "it needs a constant int8 filter [out][h][w][in] matching "
                                     "its 4-d input and output");
        if (w->n_quant != 1 && (w->n_quant != w->shape[0] || w->quant_dim != 0))
            return unsupported(m, i, "its filter is quantized along another dimension than the "
                                     "output channels");
        if (b && (!b->data || b->type != MCB_INT32 || mcb_tensor_elems(b) != w->shape[0]))
            return unsupported(m, i, "its bias is not a constant int32 vector per output channel");
        if (op->dilation_w != 1 || op->dilation_h != 1)
            return unsupported(m, i, "uTensor's int8 convolution has no dilation");
        if (op->padding == MCB_PAD_SAME) {
            /* uTensor's kernel takes the padding as ((out-1)*stride + filter - in)/2 without
             * TFLite's clamping at 0 */
            if ((y->shape[1] - 1) * op->stride_h + w->shape[1] - x->shape[1] < 0 ||
                (y->shape[2] - 1) * op->stride_w + w->shape[2] - x->shape[2] < 0)
                return unsupported(m, i, "SAME padding with a stride larger than the filter");
        }
        *kind = UT_CONV;
        return 0;
    }
    case MCB_OP_MAX_POOL_2D:
        if (x->rank != 4 || y->rank != 4 || x->shape[3] != y->shape[3])
            return unsupported(m, i, "it needs 4-d input and output of the same depth");
        if (op->padding != MCB_PAD_VALID)
            return unsupported(m, i, "uTensor's pooling pads with code 0, so only VALID padding "
                                     "gives TFLite's result");
        if (op->activation != MCB_ACT_NONE)
            return unsupported(m, i, "uTensor's pooling has no fused activation");
        if (x->scale[0] != y->scale[0] || x->zero_point[0] != y->zero_point[0])
            return unsupported(m, i, "its input and output quantization differ");
        *kind = UT_MAXPOOL;
        return 0;
    case MCB_OP_RESHAPE:
        if (mcb_tensor_elems(x) != mcb_tensor_elems(y))
            return unsupported(m, i, "input and output sizes differ");
        if (x->scale[0] != y->scale[0] || x->zero_point[0] != y->zero_point[0])
            return unsupported(m, i, "its input and output quantization differ");
        *kind = UT_RESHAPE;
        return 0;
    case MCB_OP_FULLY_CONNECTED: {
        const mcb_tensor *w = op->n_in > 1 && op->in[1] >= 0 ? &g->tensors[op->in[1]] : NULL;
        const mcb_tensor *b = op->n_in > 2 && op->in[2] >= 0 ? &g->tensors[op->in[2]] : NULL;
        if (!w || !w->data || w->type != MCB_INT8 || w->rank != 2 || x->rank != 2 ||
            y->rank != 2 || x->shape[1] != w->shape[1] || y->shape[1] != w->shape[0] ||
            x->shape[0] != y->shape[0])
            return unsupported(m, i, "it needs a 2-d input, a constant int8 filter [out][in] "
                                     "and a 2-d output");
        if (w->n_quant != 1 || w->zero_point[0] != 0)
            return unsupported(m, i, "uTensor's int8 fully connected takes one weight scale "
                                     "(no per-channel quantization)");
        if (!(w->shape[0] < w->shape[1]))
            return unsupported(m, i, "uTensor's int8 fully connected needs fewer outputs than "
                                     "inputs");
        if (b && (!b->data || b->type != MCB_INT32 || mcb_tensor_elems(b) != w->shape[0] ||
                  b->n_quant != 1))
            return unsupported(m, i, "its bias is not a constant int32 vector with one scale");
        *kind = UT_FC;
        return 0;
    }
    case MCB_OP_SOFTMAX:
        if (x->rank != 2 || y->rank != 2 || x->shape[1] != y->shape[1])
            return unsupported(m, i, "uTensor's softmax takes 2-d tensors");
        *kind = UT_SOFTMAX;
        return 0;
    default:
        return unsupported(m, i, "no uTensor operator is used for it (supported: CONV_2D, "
                                 "MAX_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX)");
    }
}

/* "models/mnist-conv16-int8.tflite" -> "mnist_conv16_int8" (a C identifier). */
static void model_name(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strcspn(base, ".");
    size_t k = 0;
    if (!len || isdigit((unsigned char)base[0]))
        out[k++] = 'm';
    for (size_t i = 0; i < len && k + 1 < n; i++)
        out[k++] = isalnum((unsigned char)base[i]) ? (char)tolower((unsigned char)base[i]) : '_';
    out[k] = 0;
}

ut_model *ut_analyse(const mcb_graph *g, const char *what)
{
    ut_model *m = calloc(1, sizeof *m);
    if (!m) {
        mcb_error("%s: out of memory", what);
        return NULL;
    }
    m->g = g;
    snprintf(m->what, sizeof m->what, "%s", what);
    model_name(what, m->name, sizeof m->name);
    snprintf(m->cls, sizeof m->cls, "%s", m->name);
    m->cls[0] = (char)toupper((unsigned char)m->cls[0]);
    if (g->n_in != 1 || g->n_out != 1 || g->n_ops < 1) {
        mcb_error("%s: the utensor engine takes a model with one input, one output and at least "
                  "one operator", what);
        goto fail;
    }
    m->in_t = g->in[0];
    m->out_t = g->out[0];
    if (!act_ok(&g->tensors[m->in_t]) || !act_ok(&g->tensors[m->out_t])) {
        mcb_error("%s: the utensor engine takes an int8 model (int8 input and output with "
                  "per-tensor quantization: 'mcubench quantize')", what);
        goto fail;
    }
    m->steps = calloc((size_t)g->n_ops, sizeof *m->steps);
    m->lt = calloc((size_t)g->n_tensors + 1, sizeof *m->lt);
    if (!m->steps || !m->lt) {
        mcb_error("%s: out of memory", what);
        goto fail;
    }
    if (mcb_graph_lifetimes(g, m->lt) < 0)
        goto fail;
    for (int i = 0; i < g->n_ops; i++) {
        ut_kind k = UT_CONV;
        if (check_op(m, i, &k) < 0)
            goto fail;
        m->steps[i].op = i;
        m->steps[i].kind = k;
        m->steps[i].first_obj = m->n_objs;
        m->n_objs += kind_objs(k);
    }
    m->n_steps = g->n_ops;
    /* The activation plan: the RAM tensors of the arena (not the graph's input and output,
     * which the glue owns) alive at each step, plus softmax's two float tensors. */
    int64_t peak = 0;
    for (int s = 0; s < g->n_ops; s++) {
        int64_t live = 0;
        for (int t = 0; t < g->n_tensors; t++)
            if (t != m->in_t && t != m->out_t && !g->tensors[t].data && m->lt[t].first >= 0 &&
                m->lt[t].first <= s && s <= m->lt[t].last)
                live += (mcb_tensor_bytes(&g->tensors[t]) + 3) / 4 * 4;
        if (m->steps[s].kind == UT_SOFTMAX)
            live += 2 * 4 * mcb_tensor_elems(&g->tensors[g->ops[s].out[0]]);
        if (live > peak)
            peak = live;
    }
    m->ram_pool = peak + UT_RAM_SLACK;
    int tensors = 0;
    for (int t = 0; t < g->n_tensors; t++)
        tensors += m->lt[t].first >= 0 || g->tensors[t].data;
    for (int s = 0; s < g->n_ops; s++)
        tensors += m->steps[s].kind == UT_SOFTMAX ? 2 : 0; /* its float tensors */
    m->meta_pool = (int64_t)tensors * UT_META_PER_TENSOR;
    /* constant bytes as stored: arrays of the weights, biases, and quantization parameters */
    for (int s = 0; s < g->n_ops; s++) {
        const mcb_op *op = &g->ops[s];
        if (m->steps[s].kind != UT_CONV && m->steps[s].kind != UT_FC)
            continue;
        const mcb_tensor *w = &g->tensors[op->in[1]];
        const int64_t outs = w->shape[0];
        m->plain_bytes += mcb_tensor_elems(w) + 4 * outs;
        m->weight_bytes += mcb_tensor_elems(w) + 4 * outs; /* weights, bias */
        m->weight_bytes += m->steps[s].kind == UT_CONV ? 2 * 8 * outs : 2 * 8; /* zp, scale */
    }
    return m;
fail:
    ut_free(m);
    return NULL;
}

void ut_free(ut_model *m)
{
    if (!m)
        return;
    free(m->steps);
    free(m->lt);
    free(m);
}

int64_t ut_ram_pool(const ut_model *m) { return m->ram_pool; }
int64_t ut_meta_pool(const ut_model *m) { return m->meta_pool; }
int64_t ut_weight_bytes(const ut_model *m) { return m->weight_bytes; }
int64_t ut_plain_weight_bytes(const ut_model *m) { return m->plain_bytes; }
int ut_input_tensor(const ut_model *m) { return m->in_t; }
int ut_output_tensor(const ut_model *m) { return m->out_t; }

int64_t ut_io_bytes(const ut_model *m)
{
    return mcb_tensor_bytes(&m->g->tensors[m->in_t]) + mcb_tensor_bytes(&m->g->tensors[m->out_t]);
}

/* ---- writing ---- */

/* The C++ name stem of tensor t: its sanitised name and index ("conv1_weights_1"). */
static void tname(const ut_model *m, int t, char *out, size_t n)
{
    const char *s = m->g->tensors[t].name ? m->g->tensors[t].name : "";
    size_t k = 0;
    for (size_t i = 0; s[i] && k + 12 < n && k < 40; i++) {
        const char c = isalnum((unsigned char)s[i]) ? s[i] : '_';
        if (c == '_' && (k == 0 || out[k - 1] == '_'))
            continue;
        out[k++] = c;
    }
    if (k && out[k - 1] == '_')
        k--;
    snprintf(out + k, n - k, "%s%d", k ? "_" : "x", t);
}

static void write_float(FILE *f, float v)
{
    fprintf(f, "%.9ef", (double)v); /* 9 significant digits: the float back exactly */
}

static void shape_list(FILE *f, const mcb_tensor *t)
{
    fprintf(f, "{");
    for (int i = 0; i < t->rank; i++)
        fprintf(f, "%s%d", i ? ", " : "", t->shape[i]);
    fprintf(f, "}");
}

static int32_t i32_at(const mcb_tensor *t, int64_t i)
{
    int32_t v;
    memcpy(&v, t->data + 4 * i, 4);
    return v;
}

static void int_array(FILE *f, const char *type, const char *name, int64_t n,
                      const mcb_tensor *src, const int8_t *i8)
{
    fprintf(f, "const %s %s[%lld] = {", type, name, (long long)n);
    for (int64_t i = 0; i < n; i++)
        fprintf(f, "%s%d,", i % 16 ? " " : "\n    ",
                i8 ? i8[i] : src ? i32_at(src, i) : 0);
    fprintf(f, "\n};\n");
}

/* The per-tensor quantization constants of an activation (their addresses are kept by
 * uTensor's PerTensorQuantizationParams, so they are objects in flash). */
static void act_quant(FILE *f, const ut_model *m, int t)
{
    char n[64];
    tname(m, t, n, sizeof n);
    const mcb_tensor *x = &m->g->tensors[t];
    fprintf(f, "const int32_t q_%s_zp = %lld;\nconst float q_%s_scale = ", n,
            (long long)x->zero_point[0], n);
    write_float(f, x->scale[0]);
    fprintf(f, ";\n");
}

static int write_params(const ut_model *m, FILE *f)
{
    const mcb_graph *g = m->g;
    fprintf(f, "/* Generated by mcubench (engine utensor) from %s: the weights and quantization\n"
               " * parameters as const arrays (flash), as utensor-cgen's params header holds "
               "them. */\n#ifndef PARAMS_%s_HPP\n#define PARAMS_%s_HPP\n\n#include <stdint.h>\n\n",
            m->what, m->name, m->name);
    for (int t = 0; t < g->n_tensors; t++)
        if (!g->tensors[t].data && act_ok(&g->tensors[t]) && m->lt[t].first >= 0)
            act_quant(f, m, t);
    for (int s = 0; s < m->n_steps; s++) {
        const mcb_op *op = &g->ops[s];
        const ut_kind k = m->steps[s].kind;
        if (k != UT_CONV && k != UT_FC)
            continue;
        const mcb_tensor *w = &g->tensors[op->in[1]];
        const mcb_tensor *b = op->n_in > 2 && op->in[2] >= 0 ? &g->tensors[op->in[2]] : NULL;
        const mcb_tensor *x = &g->tensors[op->in[0]];
        const int outs = w->shape[0];
        char wn[64], bn[64], an[80];
        tname(m, op->in[1], wn, sizeof wn);
        if (b)
            tname(m, op->in[2], bn, sizeof bn);
        else
            snprintf(bn, sizeof bn, "bias_of_op%d", s);
        fprintf(f, "\n/* operator %d (%s) */\n", s, mcb_op_name(op->code));
        if (k == UT_CONV) {
            /* TFLite's [out][h][w][in] is the layout uTensor's kernel reads */
            snprintf(an, sizeof an, "data_%s", wn);
            int_array(f, "int8_t", an, mcb_tensor_elems(w), NULL, (const int8_t *)w->data);
            /* uTensor's int8 convolution insists on per-channel parameters: a per-tensor
             * scale is repeated for every channel (the same arithmetic) */
            fprintf(f, "const int32_t data_%s_zp[%d] = {", wn, outs);
            for (int o = 0; o < outs; o++)
                fprintf(f, "%s%lld,", o % 16 ? " " : "\n    ",
                        (long long)w->zero_point[w->n_quant > 1 ? o : 0]);
            fprintf(f, "\n};\nconst float data_%s_scale[%d] = {", wn, outs);
            for (int o = 0; o < outs; o++) {
                fprintf(f, "%s", o % 4 ? " " : "\n    ");
                write_float(f, w->scale[w->n_quant > 1 ? o : 0]);
                fprintf(f, ",");
            }
            fprintf(f, "\n};\n");
            snprintf(an, sizeof an, "data_%s", bn);
            int_array(f, "int32_t", an, outs, b, NULL);
            fprintf(f, "const int32_t data_%s_zp[%d] = {0};\nconst float data_%s_scale[%d] = {",
                    bn, outs, bn, outs);
            for (int o = 0; o < outs; o++) {
                fprintf(f, "%s", o % 4 ? " " : "\n    ");
                write_float(f, b && b->n_quant == outs ? b->scale[o]
                                                       : x->scale[0] * w->scale[w->n_quant > 1 ? o : 0]);
                fprintf(f, ",");
            }
            fprintf(f, "\n};\n");
        } else {
            /* uTensor's fully connected reads its filter as [in][out]: transposed here */
            const int ins = w->shape[1];
            int8_t *tr = malloc((size_t)ins * (size_t)outs);
            if (!tr) {
                mcb_error("%s: out of memory", m->what);
                return -1;
            }
            for (int o = 0; o < outs; o++)
                for (int i = 0; i < ins; i++)
                    tr[(size_t)i * (size_t)outs + (size_t)o] =
                        (int8_t)w->data[(size_t)o * (size_t)ins + (size_t)i];
            snprintf(an, sizeof an, "data_%s", wn);
            int_array(f, "int8_t", an, (int64_t)ins * outs, NULL, tr);
            free(tr);
            fprintf(f, "const int32_t data_%s_zp = %lld;\nconst float data_%s_scale = ", wn,
                    (long long)w->zero_point[0], wn);
            write_float(f, w->scale[0]);
            fprintf(f, ";\n");
            snprintf(an, sizeof an, "data_%s", bn);
            int_array(f, "int32_t", an, outs, b, NULL);
            /* it checks the bias scale against input scale x weight scale */
            fprintf(f, "const int32_t data_%s_zp = 0;\nconst float data_%s_scale = ", bn, bn);
            write_float(f, b ? b->scale[0] : x->scale[0] * w->scale[0]);
            fprintf(f, ";\n");
        }
    }
    fprintf(f, "\n#endif\n");
    return 0;
}

static void write_header(const ut_model *m, FILE *f)
{
    const mcb_graph *g = m->g;
    char up[64];
    size_t k = 0;
    for (; m->name[k] && k + 1 < sizeof up; k++)
        up[k] = (char)toupper((unsigned char)m->name[k]);
    up[k] = 0;
    fprintf(f, "/* Generated by mcubench (engine utensor) from %s: the model class, as\n"
               " * utensor-cgen writes it. */\n#ifndef __%s_INTERFACE_H\n"
               "#define __%s_INTERFACE_H\n#include \"uTensor.h\"\n\nusing namespace uTensor;\n\n",
            m->what, up, up);
    fprintf(f, "class %s : public ModelInterface<1, 1>\n{\n public:\n"
               "  enum input_names : uint8_t { input_0 };\n"
               "  enum output_names : uint8_t { output_0 };\n"
               "  %s();\n protected:\n  virtual void compute();\n private:\n  // Operators\n",
            m->cls, m->cls);
    for (int s = 0; s < g->n_ops; s++)
        for (int j = 0; j < kind_objs(m->steps[s].kind); j++)
            fprintf(f, "  %s op_%s_%03d;\n", kind_types[m->steps[s].kind][j],
                    kind_short[m->steps[s].kind][j], m->steps[s].first_obj + j);
    /* the arenas: the target's sizes; a host build (64-bit pointers, 8-byte alignment) gets
     * room for its larger tensor objects */
    const int64_t hram = m->ram_pool + 4096, hmeta = 3 * m->meta_pool + 1024;
    fprintf(f, "  // memory allocators\n#ifdef MCB_UTENSOR_HOST\n"
               "  localCircularArenaAllocator<%lld, %s> ram_allocator;\n"
               "  localCircularArenaAllocator<%lld, %s> metadata_allocator;\n#else\n"
               "  localCircularArenaAllocator<%lld, %s> ram_allocator;\n"
               "  localCircularArenaAllocator<%lld, %s> metadata_allocator;\n#endif\n};\n\n"
               "#endif // __%s_INTERFACE_H\n",
            (long long)hram, hram >= 32768 ? "uint32_t" : "uint16_t", (long long)hmeta,
            hmeta >= 32768 ? "uint32_t" : "uint16_t", (long long)m->ram_pool,
            m->ram_pool >= 32768 ? "uint32_t" : "uint16_t", (long long)m->meta_pool,
            m->meta_pool >= 32768 ? "uint32_t" : "uint16_t", up);
}

static const char *act_name(int a)
{
    switch (a) {
    case MCB_ACT_RELU:
        return "TFLM::kTfLiteActRelu";
    case MCB_ACT_RELU6:
        return "TFLM::kTfLiteActRelu6";
    case MCB_ACT_RELU_N1_TO_1:
        return "TFLM::kTfLiteActRelu1";
    default:
        return "TFLM::kTfLiteActNone";
    }
}

/* "t_<name>" of a graph tensor in compute(). */
static void var(const ut_model *m, int t, char *out, size_t n)
{
    char s[64];
    tname(m, t, s, sizeof s);
    snprintf(out, n, "t_%s", s);
}

/* Declares the RamTensor an operator writes (or nothing for the graph's output, which the
 * glue owns), with its quantization parameters. */
static void declare_output(FILE *f, const ut_model *m, int t)
{
    if (t == m->out_t)
        return;
    char v[80], s[64];
    var(m, t, v, sizeof v);
    tname(m, t, s, sizeof s);
    fprintf(f, "  Tensor %s = new RamTensor(", v);
    shape_list(f, &m->g->tensors[t]);
    fprintf(f, ", i8);\n  %s->set_quantization_params(PerTensorQuantizationParams(q_%s_zp, "
               "q_%s_scale));\n", v, s, s);
}

static void eval(FILE *f, const char *type, int obj, const char *shortname, const char **in_names,
                 const char **in_vars, int n_in, const char *out_name, const char *out_var)
{
    fprintf(f, "  op_%s_%03d\n      .set_inputs({\n", shortname, obj);
    for (int i = 0; i < n_in; i++)
        fprintf(f, "          { %s::%s, %s },\n", type, in_names[i], in_vars[i]);
    fprintf(f, "      })\n      .set_outputs({\n          { %s::%s, %s }\n      })\n"
               "      .eval();\n", type, out_name, out_var);
}

/* Frees the activations whose last reader is step s (not the graph's input and output). */
static void free_dead(FILE *f, const ut_model *m, int s)
{
    const mcb_op *op = &m->g->ops[s];
    for (int i = 0; i < op->n_in; i++) {
        const int t = op->in[i];
        if (t < 0 || m->g->tensors[t].data || t == m->in_t || t == m->out_t ||
            m->lt[t].last != s)
            continue;
        int seen = 0; /* an input named twice is freed once */
        for (int j = 0; j < i; j++)
            seen |= op->in[j] == t;
        if (!seen) {
            char v[80];
            var(m, t, v, sizeof v);
            fprintf(f, "  %s.free();\n", v);
        }
    }
}

static void write_step(FILE *f, const ut_model *m, int s)
{
    const mcb_graph *g = m->g;
    const mcb_op *op = &g->ops[s];
    const ut_step *st = &m->steps[s];
    char xv[80], yv[80], wv[80], bv[80], wn[64], bn[64];
    var(m, op->in[0], xv, sizeof xv);
    var(m, op->out[0], yv, sizeof yv);
    fprintf(f, "  // layer %d: %s -> %s\n  MCB_UT_LAYER_BEGIN(%d);\n", s, mcb_op_name(op->code),
            g->tensors[op->out[0]].name ? g->tensors[op->out[0]].name : "", s);
    const char *type = kind_types[st->kind][0], *shortname = kind_short[st->kind][0];
    if (st->kind == UT_CONV || st->kind == UT_FC) {
        const mcb_tensor *w = &g->tensors[op->in[1]];
        const int has_b = op->n_in > 2 && op->in[2] >= 0;
        tname(m, op->in[1], wn, sizeof wn);
        if (has_b)
            tname(m, op->in[2], bn, sizeof bn);
        else
            snprintf(bn, sizeof bn, "bias_of_op%d", s);
        snprintf(wv, sizeof wv, "t_%s", wn);
        snprintf(bv, sizeof bv, "t_%s", bn);
        const char *qp = st->kind == UT_CONV ? "PerChannelQuantizationParams"
                                             : "PerTensorQuantizationParams";
        fprintf(f, "  Tensor %s = new RomTensor(", wv);
        if (st->kind == UT_CONV)
            shape_list(f, w);
        else
            fprintf(f, "{%d, %d}", w->shape[1], w->shape[0]);
        fprintf(f, ", i8, data_%s);\n  %s->set_quantization_params(%s(data_%s_zp, data_%s_scale));"
                   "\n  Tensor %s = new RomTensor({%d}, i32, data_%s);\n"
                   "  %s->set_quantization_params(%s(data_%s_zp, data_%s_scale));\n",
                wn, wv, qp, wn, wn, bv, w->shape[0], bn, bv, qp, bn, bn);
        declare_output(f, m, op->out[0]);
        const char *names_conv[] = {"in", "filter", "bias"},
                   *names_fc[] = {"input", "filter", "bias"};
        const char *vars[] = {xv, wv, bv};
        eval(f, type, st->first_obj, shortname, st->kind == UT_CONV ? names_conv : names_fc, vars,
             3, st->kind == UT_CONV ? "out" : "output", yv);
        fprintf(f, "  %s.free();\n  %s.free();\n", wv, bv);
    } else if (st->kind == UT_MAXPOOL || st->kind == UT_RESHAPE) {
        declare_output(f, m, op->out[0]);
        const char *in_name[] = {st->kind == UT_MAXPOOL ? "in" : "input"};
        const char *vars[] = {xv};
        eval(f, type, st->first_obj, shortname, in_name, vars, 1,
             st->kind == UT_MAXPOOL ? "out" : "output", yv);
    } else { /* softmax: dequantize, float softmax, quantize */
        const mcb_tensor *y = &g->tensors[op->out[0]];
        char fx[96], fy[96];
        snprintf(fx, sizeof fx, "%s_f", xv);
        snprintf(fy, sizeof fy, "%s_f", yv);
        declare_output(f, m, op->out[0]);
        fprintf(f, "  Tensor %s = new RamTensor({%d, %d}, flt);\n", fx, y->shape[0], y->shape[1]);
        const char *a[] = {"a"}, *in[] = {"in"}, *input[] = {"input"};
        const char *v1[] = {xv}, *v2[] = {fx}, *v3[] = {fy};
        eval(f, kind_types[UT_SOFTMAX][0], st->first_obj, kind_short[UT_SOFTMAX][0], a, v1, 1, "b",
             fx);
        free_dead(f, m, s);
        fprintf(f, "  Tensor %s = new RamTensor({%d, %d}, flt);\n", fy, y->shape[0], y->shape[1]);
        eval(f, kind_types[UT_SOFTMAX][1], st->first_obj + 1, kind_short[UT_SOFTMAX][1], in, v2, 1,
             "out", fy);
        fprintf(f, "  %s.free();\n", fx);
        eval(f, kind_types[UT_SOFTMAX][2], st->first_obj + 2, kind_short[UT_SOFTMAX][2], input, v3,
             1, "output", yv);
        fprintf(f, "  %s.free();\n  MCB_UT_LAYER_END(%d);\n\n", fy, s);
        return;
    }
    free_dead(f, m, s);
    fprintf(f, "  MCB_UT_LAYER_END(%d);\n\n", s);
}

static void write_source(const ut_model *m, FILE *f)
{
    const mcb_graph *g = m->g;
    fprintf(f, "/* Generated by mcubench (engine utensor) from %s: the model's constructor and\n"
               " * compute(), as utensor-cgen writes them; per-layer markers (mcb_port.h) when\n"
               " * built with MCB_MODEL_MARKERS. */\n#include \"%s.hpp\"\n#include \"params_%s.hpp\"\n\n"
               "#if MCB_MODEL_MARKERS\n#include \"mcb_port.h\"\n"
               "#define MCB_UT_LAYER_BEGIN(l) MCB_MARK(MCB_MARK_LAYER_BEGIN, l)\n"
               "#define MCB_UT_LAYER_END(l) MCB_MARK(MCB_MARK_LAYER_END, l)\n#else\n"
               "#define MCB_UT_LAYER_BEGIN(l) ((void)0)\n#define MCB_UT_LAYER_END(l) ((void)0)\n"
               "#endif\n\n%s::%s () :\n",
            m->what, m->name, m->name, m->cls, m->cls);
    int first = 1;
    for (int s = 0; s < g->n_ops; s++) {
        const mcb_op *op = &g->ops[s];
        const ut_step *st = &m->steps[s];
        for (int j = 0; j < kind_objs(st->kind); j++) {
            fprintf(f, "%sop_%s_%03d", first ? "" : ", ", kind_short[st->kind][j],
                    st->first_obj + j);
            first = 0;
            if (st->kind == UT_CONV) {
                fprintf(f, "({%d, %d}, %s, {%d, %d}, %s)\n", op->stride_h, op->stride_w,
                        op->padding == MCB_PAD_SAME ? "SAME" : "VALID", op->dilation_h,
                        op->dilation_w, act_name(op->activation));
            } else if (st->kind == UT_MAXPOOL) {
                fprintf(f, "({%d, %d}, {1, %d, %d, 1}, VALID)\n", op->filter_h, op->filter_w,
                        op->stride_h, op->stride_w);
            } else if (st->kind == UT_RESHAPE) {
                fprintf(f, "(");
                shape_list(f, &g->tensors[op->out[0]]);
                fprintf(f, ")\n");
            } else if (st->kind == UT_FC) {
                fprintf(f, "(%s)\n", act_name(op->activation));
            } else if (j == 1) {
                fprintf(f, "(");
                write_float(f, op->beta);
                fprintf(f, ")\n");
            } else {
                fprintf(f, "()\n");
            }
        }
    }
    fprintf(f, "{\n  Context::get_default_context()->set_ram_data_allocator(&ram_allocator);\n"
               "  Context::get_default_context()->set_metadata_allocator(&metadata_allocator);\n"
               "}\n\nvoid %s::compute()\n{\n"
               "  // update context in case there are multiple models being run\n"
               "  Context::get_default_context()->set_ram_data_allocator(&ram_allocator);\n"
               "  Context::get_default_context()->set_metadata_allocator(&metadata_allocator);\n",
            m->cls);
    char v[80];
    var(m, m->in_t, v, sizeof v);
    fprintf(f, "  Tensor& %s = inputs[input_0].tensor();\n", v);
    var(m, m->out_t, v, sizeof v);
    fprintf(f, "  Tensor& %s = outputs[output_0].tensor();\n\n", v);
    for (int s = 0; s < g->n_ops; s++)
        write_step(f, m, s);
    fprintf(f, "}\n");
}

static void write_glue(const ut_model *m, FILE *f)
{
    const mcb_tensor *x = &m->g->tensors[m->in_t], *y = &m->g->tensors[m->out_t];
    const long long xb = (long long)mcb_tensor_bytes(x), yb = (long long)mcb_tensor_bytes(y);
    fprintf(f,
            "/* Generated by mcubench: the engine entry points (src/engines/engine.h) around the\n"
            " * generated uTensor model, its error handler, and the C++ run-time support a\n"
            " * bare-metal link without libstdc++ needs. MCB_UTENSOR_HOST: the same code for the\n"
            " * host (the reference the measurement checks the target against). */\n"
            "#include \"%s.hpp\"\n\n#include <stdint.h>\n#include <stdlib.h>\n\n"
            "#ifdef MCB_UTENSOR_HOST\n#include <stdio.h>\n#else\nextern \"C\" {\n"
            "#include \"mcb_runtime.h\"\n}\n#endif\n\n",
            m->name);
    fprintf(f, "static %s model;\n\n/* the input and output tensors' bytes, which the harness "
               "writes and reads */\nstatic int8_t mcb_in[%lld] __attribute__((aligned(8)));\n"
               "static int8_t mcb_out[%lld] __attribute__((aligned(8)));\n",
            m->cls, xb, yb);
    fprintf(f, "static const int32_t mcb_in_zp = %lld;\nstatic const float mcb_in_scale = ",
            (long long)x->zero_point[0]);
    write_float(f, x->scale[0]);
    fprintf(f, ";\nstatic const int32_t mcb_out_zp = %lld;\nstatic const float mcb_out_scale = ",
            (long long)y->zero_point[0]);
    write_float(f, y->scale[0]);
    fprintf(f, ";\nstatic Tensor mcb_in_t;\nstatic Tensor mcb_out_t;\n\n");
    fprintf(f,
            "/* uTensor ignores an error unless an error handler is set (Context::throwError):\n"
            " * this one names the error and ends the run with exit code 3. */\n"
            "static const char *error_name(uint16_t id)\n{\n"
            "  if (id == OutOfMemError::uid) return \"OutOfMemError\";\n"
            "  if (id == OutOfMemBoundsError::uid) return \"OutOfMemBoundsError\";\n"
            "  if (id == InvalidMemAccessError::uid) return \"InvalidMemAccessError\";\n"
            "  if (id == InvalidResizeError::uid) return \"InvalidResizeError\";\n"
            "  if (id == InvalidReshapeError::uid) return \"InvalidReshapeError\";\n"
            "  if (id == InvalidTensorDimensionsError::uid) return \"InvalidTensorDimensionsError\";\n"
            "  if (id == InvalidTensorDataTypeError::uid) return \"InvalidTensorDataTypeError\";\n"
            "  if (id == InvalidTensorOutputError::uid) return \"InvalidTensorOutputError\";\n"
            "  if (id == InvalidOptimizableTensorError::uid) return \"InvalidOptimizableTensorError\";\n"
            "  if (id == OperatorIOSizeMismatchError::uid) return \"OperatorIOSizeMismatchError\";\n"
            "  if (id == InvalidMatrixMultIndicesError::uid) return \"InvalidMatrixMultIndicesError\";\n"
            "  if (id == InvalidQuantizationSchemeError::uid) return \"InvalidQuantizationSchemeError\";\n"
            "  if (id == qConvPerChannelMismatchError::uid) return \"qConvPerChannelMismatchError\";\n"
            "  if (id == InvalidFCQuantizationScalesError::uid) return \"InvalidFCQuantizationScalesError\";\n"
            "  if (id == MemoryAllocatorUnsetError::uid) return \"MemoryAllocatorUnsetError\";\n"
            "  if (id == InvalidAlignmentAllocation::uid) return \"InvalidAlignmentAllocation\";\n"
            "  if (id == InvalidBoundRegionState::uid) return \"InvalidBoundRegionState\";\n"
            "  return \"an error\";\n}\n\n"
            "class McbErrorHandler : public ErrorHandler {\n public:\n"
            "  virtual void uThrow(Error* err) {\n"
            "#ifdef MCB_UTENSOR_HOST\n"
            "    fprintf(stderr, \"uTensor error: %%s (event 0x%%04x)\\n\", error_name(err->event_id),\n"
            "            (unsigned)err->event_id);\n    exit(3);\n#else\n"
            "    mcb_write0(\"uTensor error: \");\n    mcb_write0(error_name(err->event_id));\n"
            "    mcb_write0(\"\\n\");\n    mcb_exit(3);\n#endif\n  }\n"
            "  virtual void notify(const Event&) {}\n};\nstatic McbErrorHandler mcb_handler;\n\n");
    fprintf(f, "extern \"C\" int mcb_engine_setup(void)\n{\n"
               "  Context::get_default_context()->set_ErrorHandler(&mcb_handler);\n"
               "  mcb_in_t = new RomTensor(");
    shape_list(f, x);
    fprintf(f, ", i8, mcb_in);\n  mcb_in_t->set_quantization_params("
               "PerTensorQuantizationParams(mcb_in_zp, mcb_in_scale));\n"
               "  mcb_out_t = new BufferTensor(");
    shape_list(f, y);
    fprintf(f, ", i8, mcb_out);\n  mcb_out_t->set_quantization_params("
               "PerTensorQuantizationParams(mcb_out_zp, mcb_out_scale));\n"
               "  model.set_inputs({{%s::input_0, mcb_in_t}})\n"
               "      .set_outputs({{%s::output_0, mcb_out_t}});\n  return 0;\n}\n\n"
               "extern \"C\" void *mcb_engine_input(void)\n{\n  return mcb_in;\n}\n\n"
               "extern \"C\" const void *mcb_engine_output(void)\n{\n  return mcb_out;\n}\n\n"
               "extern \"C\" int mcb_engine_invoke(void)\n{\n#if MCB_MODEL_MARKERS\n"
               "  MCB_MARK(MCB_MARK_INFER_BEGIN, 0);\n#endif\n  model.eval();\n"
               "#if MCB_MODEL_MARKERS\n  MCB_MARK(MCB_MARK_INFER_END, 0);\n#endif\n"
               "  return 0;\n}\n\n",
            m->cls, m->cls);
    fprintf(f,
            "#ifndef MCB_UTENSOR_HOST\n"
            "/* C++ run-time support without libstdc++ (uTensor's std::vector and std::function\n"
            " * reference these): operator new/delete on newlib's malloc, the helpers a failed\n"
            " * container operation calls, and the symbols crtbegin would define. Static\n"
            " * destructors are not registered: the firmware ends with exit. */\n"
            "static void mcb_ut_fail(const char *what) __attribute__((noreturn));\n"
            "static void mcb_ut_fail(const char *what)\n{\n"
            "  mcb_write0(\"uTensor run time: \");\n  mcb_write0(what);\n  mcb_write0(\"\\n\");\n"
            "  mcb_exit(4);\n}\n"
            "void *operator new(size_t n)\n{\n  void *p = malloc(n);\n"
            "  if (!p) mcb_ut_fail(\"out of heap\");\n  return p;\n}\n"
            "void *operator new[](size_t n)\n{\n  return operator new(n);\n}\n"
            "void operator delete(void *p) noexcept\n{\n  free(p);\n}\n"
            "void operator delete[](void *p) noexcept\n{\n  free(p);\n}\n"
            "void operator delete(void *p, size_t) noexcept\n{\n  free(p);\n}\n"
            "void operator delete[](void *p, size_t) noexcept\n{\n  free(p);\n}\n"
            "extern \"C\" {\nvoid *__dso_handle = 0;\n"
            "int __aeabi_atexit(void *, void (*)(void *), void *)\n{\n  return 0;\n}\n"
            "void __cxa_pure_virtual(void)\n{\n  mcb_ut_fail(\"pure virtual call\");\n}\n}\n"
            "namespace std {\n"
            "void __throw_length_error(const char *) { mcb_ut_fail(\"length error\"); }\n"
            "void __throw_bad_alloc() { mcb_ut_fail(\"bad alloc\"); }\n"
            "void __throw_bad_array_new_length() { mcb_ut_fail(\"bad array new length\"); }\n"
            "void __throw_bad_function_call() { mcb_ut_fail(\"bad function call\"); }\n"
            "}\n#endif\n");
}

/* Renders one file through a memory stream and writes it atomically. */
static int emit(const ut_model *m, const char *dir, const char *name,
                int (*fn)(const ut_model *, FILE *), char *path, size_t n)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        mcb_error("%s: out of memory", m->what);
        return -1;
    }
    const int rc = fn(m, f);
    if (fclose(f) != 0 || rc < 0) {
        free(buf);
        if (rc == 0)
            mcb_error("%s: out of memory", m->what);
        return -1;
    }
    snprintf(path, n, "%s/%s", dir, name);
    const int w = mcb_write_file_atomic(path, buf, size);
    free(buf);
    return w;
}

static int emit_header(const ut_model *m, FILE *f) { write_header(m, f); return 0; }
static int emit_source(const ut_model *m, FILE *f) { write_source(m, f); return 0; }
static int emit_glue(const ut_model *m, FILE *f) { write_glue(m, f); return 0; }

int ut_write(const ut_model *m, const char *dir, mcb_engine_build *b)
{
    char name[128], path[4400];
    snprintf(name, sizeof name, "params_%s.hpp", m->name);
    if (emit(m, dir, name, write_params, path, sizeof path) < 0)
        return -1;
    snprintf(name, sizeof name, "%s.hpp", m->name);
    if (emit(m, dir, name, emit_header, path, sizeof path) < 0)
        return -1;
    snprintf(name, sizeof name, "%s.cpp", m->name);
    if (emit(m, dir, name, emit_source, path, sizeof path) < 0 || mcb_strs_add(&b->sources, path))
        return -1;
    if (emit(m, dir, "engine_utensor.cc", emit_glue, path, sizeof path) < 0 ||
        mcb_strs_add(&b->sources, path))
        return -1;
    const int n = m->g->n_ops;
    b->layers = calloc((size_t)n + 1, sizeof *b->layers);
    if (!b->layers) {
        mcb_error("%s: out of memory", m->what);
        return -1;
    }
    b->n_layers = n;
    for (int l = 0; l < n; l++) {
        snprintf(b->layers[l].op, sizeof b->layers[l].op, "%s", mcb_op_name(m->g->ops[l].code));
        b->layers[l].macs = mcb_op_macs(m->g, &m->g->ops[l]);
    }
    return 0;
}
