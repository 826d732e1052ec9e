#include "exec.h"

#include "dataset.h"
#include "err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KERNELS 64
/* Larger activations than this are surely a corrupt shape; refusing them avoids huge mallocs. */
#define MAX_TENSOR_BYTES ((int64_t)1 << 30)

void mcb_exec_register_float(void);
void mcb_exec_register_int8(void); /* exec_int8.c */
void mcb_exec_register_q7(void);   /* exec_q7.c */

static mcb_exec_kernel table[MAX_KERNELS];
static int n_table;
static int builtins_done;

static void builtins(void)
{
    if (!builtins_done) {
        builtins_done = 1;
        mcb_exec_register_float();
        mcb_exec_register_int8();
        mcb_exec_register_q7();
    }
}

int mcb_exec_register(const mcb_exec_kernel *k)
{
    builtins(); /* so that a caller's kernel replaces a built-in one, never the reverse */
    for (int i = 0; i < n_table; i++)
        if (table[i].code == k->code && table[i].type == k->type) {
            table[i] = *k;
            return 0;
        }
    if (n_table == MAX_KERNELS)
        return -1;
    table[n_table++] = *k;
    return 0;
}

const mcb_exec_kernel *mcb_exec_find(int code, int type)
{
    builtins();
    for (int i = 0; i < n_table; i++)
        if (table[i].code == code && table[i].type == type)
            return &table[i];
    return NULL;
}

struct mcb_exec {
    const mcb_graph *g;
    void **data;
    unsigned char *owned; /* 1 where data[t] was allocated here */
    const mcb_exec_kernel **kern;
    void **state; /* per op: a prepared kernel's state */
};

int mcb_exec_out_size(int padding, int in, int filter, int stride, int dilation)
{
    int eff = (filter - 1) * dilation + 1;
    if (stride < 1 || eff < 1)
        return -1;
    if (padding == MCB_PAD_SAME)
        return (in + stride - 1) / stride;
    return in >= eff ? (in - eff + stride) / stride : 0;
}

int mcb_exec_pad_before(int padding, int in, int filter, int stride, int dilation, int out)
{
    if (padding != MCB_PAD_SAME)
        return 0;
    int eff = (filter - 1) * dilation + 1;
    int total = (out - 1) * stride + eff - in;
    return total > 0 ? total / 2 : 0;
}

static int64_t tensor_bytes(const mcb_tensor *t)
{
    int64_t n = mcb_dtype_size(t->type);
    for (int i = 0; i < t->rank; i++) {
        if (t->shape[i] < 0)
            return -1;
        n *= t->shape[i];
        if (n > MAX_TENSOR_BYTES)
            return -1;
    }
    return n;
}

void mcb_exec_free(mcb_exec *e)
{
    if (!e)
        return;
    if (e->data)
        for (int t = 0; t < e->g->n_tensors; t++)
            if (e->owned[t])
                free(e->data[t]);
    if (e->state)
        for (int i = 0; i < e->g->n_ops; i++)
            if (e->state[i] && e->kern[i] && e->kern[i]->release)
                e->kern[i]->release(e->state[i]);
    free(e->data);
    free(e->owned);
    free(e->kern);
    free(e->state);
    free(e);
}

mcb_exec *mcb_exec_prepare(const mcb_graph *g, const char *what)
{
    int bad = 0, nt = g->n_tensors;
    if (g->n_in < 1 || g->n_out < 1 || g->in[0] < 0 || g->in[0] >= nt || g->out[0] < 0 ||
        g->out[0] >= nt) {
        mcb_error("%s: the graph needs one input and one output tensor", what);
        return NULL;
    }
    mcb_exec *e = calloc(1, sizeof *e);
    if (!e || !(e->data = calloc((size_t)nt + 1, sizeof *e->data)) ||
        !(e->owned = calloc((size_t)nt + 1, 1)) ||
        !(e->kern = calloc((size_t)g->n_ops + 1, sizeof *e->kern)) ||
        !(e->state = calloc((size_t)g->n_ops + 1, sizeof *e->state))) {
        mcb_error("%s: out of memory", what);
        mcb_exec_free(e);
        return NULL;
    }
    e->g = g;
    /* ready[t]: tensor t holds a value when an op reads it */
    unsigned char *ready = calloc((size_t)nt + 1, 1);
    if (!ready) {
        mcb_error("%s: out of memory", what);
        mcb_exec_free(e);
        return NULL;
    }
    for (int t = 0; t < nt; t++) {
        const mcb_tensor *ts = &g->tensors[t];
        int64_t bytes = tensor_bytes(ts);
        if (ts->data) {
            if (bytes < 0 || (size_t)bytes != ts->data_size) {
                mcb_error("%s: tensor %d (%s): %zu data bytes for a %s tensor of %lld bytes", what,
                          t, ts->name ? ts->name : "", ts->data_size, mcb_dtype_name(ts->type),
                          (long long)bytes);
                bad++;
            }
            e->data[t] = ts->data;
            ready[t] = 1;
        }
    }
    if (g->tensors[g->in[0]].data) {
        mcb_error("%s: the graph input is a constant", what);
        bad++;
    }
    ready[g->in[0]] = 1;
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        const char *name = mcb_op_name(op->code);
        int idx_ok = op->n_in >= 1 && op->n_in <= MCB_MAX_OP_IO && op->n_out >= 1 &&
                     op->n_out <= MCB_MAX_OP_IO;
        for (int k = 0; idx_ok && k < op->n_in; k++)
            if (op->in[k] < -1 || op->in[k] >= nt || (k == 0 && op->in[k] < 0))
                idx_ok = 0;
        for (int k = 0; idx_ok && k < op->n_out; k++)
            if (op->out[k] < 0 || op->out[k] >= nt)
                idx_ok = 0;
        if (!idx_ok) {
            mcb_error("%s: op %d (%s): bad input or output tensor index", what, i, name);
            bad++;
            continue;
        }
        for (int k = 0; k < op->n_in; k++)
            if (op->in[k] >= 0 && !ready[op->in[k]]) {
                mcb_error("%s: op %d (%s): reads tensor %d before any op writes it", what, i, name,
                          op->in[k]);
                bad++;
            }
        for (int k = 0; k < op->n_out; k++) {
            if (g->tensors[op->out[k]].data) {
                mcb_error("%s: op %d (%s): writes constant tensor %d", what, i, name, op->out[k]);
                bad++;
            }
            ready[op->out[k]] = 1;
        }
        int type = g->tensors[op->in[0]].type;
        const int q7 = g->scheme == MCB_SCHEME_Q7 && type == MCB_INT8;
        const mcb_exec_kernel *k = mcb_exec_find(op->code, q7 ? MCB_EXEC_Q7 : type);
        if (!k) {
            mcb_error("%s: op %d (%s): no kernel for %s input", what, i, name,
                      q7 ? "q7" : mcb_dtype_name(type));
            bad++;
            continue;
        }
        char why[200] = "";
        if (k->prepare ? k->prepare(g, op, &e->state[i], why, sizeof why) != 0
                       : k->check(g, op, why, sizeof why) != 0) {
            mcb_error("%s: op %d (%s): %s", what, i, name, why);
            bad++;
            continue;
        }
        e->kern[i] = k;
    }
    if (!ready[g->out[0]]) {
        mcb_error("%s: no op writes the graph output", what);
        bad++;
    }
    free(ready);
    for (int t = 0; !bad && t < nt; t++) {
        if (e->data[t])
            continue;
        int64_t bytes = tensor_bytes(&g->tensors[t]);
        if (bytes < 0) {
            mcb_error("%s: tensor %d (%s): shape too large or negative", what, t,
                      g->tensors[t].name ? g->tensors[t].name : "");
            bad++;
            break;
        }
        if (!(e->data[t] = calloc(1, bytes ? (size_t)bytes : 1))) {
            mcb_error("%s: out of memory for tensor %d", what, t);
            bad++;
            break;
        }
        e->owned[t] = 1;
    }
    if (bad) {
        mcb_exec_free(e);
        return NULL;
    }
    return e;
}

void mcb_exec_run(mcb_exec *e, const void *input, void *output)
{
    const mcb_graph *g = e->g;
    memcpy(e->data[g->in[0]], input, (size_t)tensor_bytes(&g->tensors[g->in[0]]));
    for (int i = 0; i < g->n_ops; i++)
        if (e->kern[i]->run_prepared)
            e->kern[i]->run_prepared(e->state[i], e->data);
        else
            e->kern[i]->run(g, &g->ops[i], e->data);
    memcpy(output, e->data[g->out[0]], (size_t)tensor_bytes(&g->tensors[g->out[0]]));
}

const void *mcb_exec_tensor(const mcb_exec *e, int t)
{
    return t >= 0 && t < e->g->n_tensors ? e->data[t] : NULL;
}

const void *mcb_exec_op_state(const mcb_exec *e, int i)
{
    return i >= 0 && i < e->g->n_ops ? e->state[i] : NULL;
}

const mcb_exec_kernel *mcb_exec_op_kernel(const mcb_exec *e, int i)
{
    return i >= 0 && i < e->g->n_ops ? e->kern[i] : NULL;
}

void mcb_input_from_pixels(const mcb_tensor *t, const uint8_t *px, size_t n, void *in)
{
    mcb_input_from_pixels_range(t, px, n, in, 1.0);
}

double mcb_pixels_auto_range(const mcb_tensor *t)
{
    if ((t->type != MCB_INT8 && t->type != MCB_UINT8) || t->n_quant < 1)
        return 1.0;
    const long qmax = t->type == MCB_INT8 ? 127 : 255;
    return (double)t->scale[0] * (double)(qmax - (long)t->zero_point[0]) > 2.0 ? 255.0 : 1.0;
}

void mcb_input_from_pixels_range(const mcb_tensor *t, const uint8_t *px, size_t n, void *in,
                                 double full)
{
    if (full != 1.0) { /* raw pixel values: the quantization below of p itself */
        if (t->type == MCB_FLOAT32) {
            for (size_t i = 0; i < n; i++)
                ((float *)in)[i] = (float)px[i];
            return;
        }
        const float scale = t->n_quant > 0 ? t->scale[0] : 1.0f;
        const long zp = t->n_quant > 0 ? (long)t->zero_point[0] : 0;
        const long lo = t->type == MCB_INT8 ? -128 : 0, hi = t->type == MCB_INT8 ? 127 : 255;
        for (size_t i = 0; i < n; i++) {
            long q = lroundf((float)px[i] / scale) + zp;
            q = q < lo ? lo : q > hi ? hi : q;
            if (t->type == MCB_INT8)
                ((int8_t *)in)[i] = (int8_t)q;
            else
                ((uint8_t *)in)[i] = (uint8_t)q;
        }
        return;
    }
    if (t->type == MCB_FLOAT32) {
        float *f = in;
        for (size_t i = 0; i < n; i++)
            f[i] = mcb_pixel_unit(px[i]);
        return;
    }
    const float scale = t->n_quant > 0 ? t->scale[0] : 1.0f / 255.0f;
    const long zp = t->n_quant > 0 ? (long)t->zero_point[0] : 0;
    const long lo = t->type == MCB_INT8 ? -128 : 0, hi = t->type == MCB_INT8 ? 127 : 255;
    for (size_t i = 0; i < n; i++) {
        long q = lroundf(mcb_pixel_unit(px[i]) / scale) + zp;
        q = q < lo ? lo : q > hi ? hi : q;
        if (t->type == MCB_INT8)
            ((int8_t *)in)[i] = (int8_t)q;
        else
            ((uint8_t *)in)[i] = (uint8_t)q;
    }
}
