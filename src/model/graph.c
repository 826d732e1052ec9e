#include "graph.h"

#include <stdlib.h>
#include <string.h>

void mcb_graph_init(mcb_graph *g) { memset(g, 0, sizeof *g); }

static void tensor_free(mcb_tensor *t)
{
    free(t->name);
    free(t->data);
    free(t->scale);
    free(t->zero_point);
}

void mcb_graph_free(mcb_graph *g)
{
    for (int i = 0; i < g->n_tensors; i++)
        tensor_free(&g->tensors[i]);
    free(g->tensors);
    free(g->ops);
    free(g->description);
    memset(g, 0, sizeof *g);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

int mcb_graph_add_tensor(mcb_graph *g, const char *name, int type, int rank, const int32_t *shape,
                         const void *data, size_t data_size)
{
    if (rank < 0 || rank > MCB_MAX_RANK)
        return -1;
    mcb_tensor *nt = realloc(g->tensors, (size_t)(g->n_tensors + 1) * sizeof *nt);
    if (!nt)
        return -1;
    g->tensors = nt;
    mcb_tensor *t = &nt[g->n_tensors];
    memset(t, 0, sizeof *t);
    t->name = dupstr(name);
    t->type = type;
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->shape[i] = shape[i];
    if (data) {
        t->data = malloc(data_size ? data_size : 1);
        if (!t->data || !t->name) {
            tensor_free(t);
            return -1;
        }
        memcpy(t->data, data, data_size);
        t->data_size = data_size;
    }
    if (!t->name) {
        tensor_free(t);
        return -1;
    }
    return g->n_tensors++;
}

int mcb_tensor_set_quant(mcb_tensor *t, int n, const float *scale, const int64_t *zero_point,
                         int quant_dim)
{
    free(t->scale);
    free(t->zero_point);
    t->scale = NULL;
    t->zero_point = NULL;
    t->n_quant = 0;
    if (n <= 0)
        return 0;
    t->scale = malloc((size_t)n * sizeof *t->scale);
    t->zero_point = malloc((size_t)n * sizeof *t->zero_point);
    if (!t->scale || !t->zero_point)
        return -1;
    memcpy(t->scale, scale, (size_t)n * sizeof *scale);
    memcpy(t->zero_point, zero_point, (size_t)n * sizeof *zero_point);
    t->n_quant = n;
    t->quant_dim = quant_dim;
    return 0;
}

int mcb_graph_add_op(mcb_graph *g, const mcb_op *op)
{
    mcb_op *no = realloc(g->ops, (size_t)(g->n_ops + 1) * sizeof *no);
    if (!no)
        return -1;
    g->ops = no;
    no[g->n_ops] = *op;
    return g->n_ops++;
}

int mcb_graph_clone(mcb_graph *dst, const mcb_graph *src)
{
    mcb_graph_init(dst);
    for (int i = 0; i < src->n_tensors; i++) {
        const mcb_tensor *t = &src->tensors[i];
        int k = mcb_graph_add_tensor(dst, t->name, t->type, t->rank, t->shape, t->data, t->data_size);
        if (k < 0 || mcb_tensor_set_quant(&dst->tensors[k], t->n_quant, t->scale, t->zero_point,
                                          t->quant_dim) != 0)
            goto fail;
    }
    for (int i = 0; i < src->n_ops; i++)
        if (mcb_graph_add_op(dst, &src->ops[i]) < 0)
            goto fail;
    dst->n_in = src->n_in;
    dst->n_out = src->n_out;
    memcpy(dst->in, src->in, sizeof dst->in);
    memcpy(dst->out, src->out, sizeof dst->out);
    if (src->description && !(dst->description = dupstr(src->description)))
        goto fail;
    dst->scheme = src->scheme;
    return 0;
fail:
    mcb_graph_free(dst);
    return -1;
}

int64_t mcb_tensor_elems(const mcb_tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= t->shape[i];
    return n;
}

int mcb_dtype_size(int type)
{
    switch (type) {
    case MCB_FLOAT32: return 4;
    case MCB_FLOAT16: return 2;
    case MCB_INT32: return 4;
    case MCB_UINT8: return 1;
    case MCB_INT64: return 8;
    case MCB_BOOL: return 1;
    case MCB_INT16: return 2;
    case MCB_INT8: return 1;
    default: return 0;
    }
}

const char *mcb_dtype_name(int type)
{
    switch (type) {
    case MCB_FLOAT32: return "float32";
    case MCB_FLOAT16: return "float16";
    case MCB_INT32: return "int32";
    case MCB_UINT8: return "uint8";
    case MCB_INT64: return "int64";
    case MCB_STRING: return "string";
    case MCB_BOOL: return "bool";
    case MCB_INT16: return "int16";
    case MCB_INT8: return "int8";
    default: return "unknown";
    }
}

const char *mcb_op_name(int code)
{
    switch (code) {
    case MCB_OP_ADD: return "ADD";
    case MCB_OP_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
    case MCB_OP_CONV_2D: return "CONV_2D";
    case MCB_OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
    case MCB_OP_DEQUANTIZE: return "DEQUANTIZE";
    case MCB_OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
    case MCB_OP_MAX_POOL_2D: return "MAX_POOL_2D";
    case MCB_OP_RESHAPE: return "RESHAPE";
    case MCB_OP_SOFTMAX: return "SOFTMAX";
    case MCB_OP_QUANTIZE: return "QUANTIZE";
    default: return "UNKNOWN";
    }
}

static int has_weights(int code)
{
    return code == MCB_OP_CONV_2D || code == MCB_OP_DEPTHWISE_CONV_2D ||
           code == MCB_OP_FULLY_CONNECTED;
}

int64_t mcb_graph_params(const mcb_graph *g)
{
    int64_t n = 0;
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        if (!has_weights(op->code))
            continue;
        for (int k = 1; k < op->n_in && k < 3; k++) {
            int ti = op->in[k];
            if (ti >= 0 && ti < g->n_tensors && g->tensors[ti].data)
                n += mcb_tensor_elems(&g->tensors[ti]);
        }
    }
    return n;
}

int64_t mcb_op_macs(const mcb_graph *g, const mcb_op *op)
{
    if (!has_weights(op->code) || op->n_in < 2 || op->n_out < 1)
        return 0;
    int wi = op->in[1], oi = op->out[0];
    if (wi < 0 || wi >= g->n_tensors || oi < 0 || oi >= g->n_tensors)
        return 0;
    const mcb_tensor *w = &g->tensors[wi], *o = &g->tensors[oi];
    int64_t out = mcb_tensor_elems(o);
    switch (op->code) {
    case MCB_OP_CONV_2D: /* weights OHWI: each output element costs H*W*I */
        return w->rank == 4 ? out * w->shape[1] * w->shape[2] * w->shape[3] : 0;
    case MCB_OP_DEPTHWISE_CONV_2D: /* weights 1HWC */
        return w->rank == 4 ? out * w->shape[1] * w->shape[2] : 0;
    case MCB_OP_FULLY_CONNECTED: /* weights [units, inputs] */
        return w->rank == 2 ? out * w->shape[1] : 0;
    default: return 0;
    }
}

int64_t mcb_graph_macs(const mcb_graph *g)
{
    int64_t n = 0;
    for (int i = 0; i < g->n_ops; i++)
        n += mcb_op_macs(g, &g->ops[i]);
    return n;
}
