/* .tflite -> mcb_graph. The bytes are untrusted: flatbuf.c checks every access, and this file
 * checks what the schema means: indices (tensor, buffer, opcode), ranks, shapes, data sizes,
 * quantization counts, and that operators run in an order where each activation is produced
 * once, before it is read. Whatever is valid but beyond what we execute (unknown or custom
 * operators, other types) is kept for a later check to name. */
#include "tflite.h"

#include "err.h"
#include "fileio.h"
#include "flatbuf.h"
#include "tflite_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits far above any model for a microcontroller, low enough that no hostile file can make
 * us allocate without bound (shared buffers could otherwise multiply copies). */
#define MAX_TENSORS (1 << 20)
#define MAX_OPS (1 << 20)
#define MAX_NAME (1 << 16)
#define MAX_TENSOR_ELEMS ((int64_t)1 << 31)
#define MAX_TOTAL_DATA ((size_t)1 << 30)

typedef struct {
    fb_buf b;
    mcb_graph *g;
    int *codes, *versions;
    size_t n_codes;
    fb_vec buffers;
    size_t data_total;
} reader;

static int read_opcodes(reader *r, const fb_table *model)
{
    fb_buf *b = &r->b;
    fb_vec v;
    if (fb_get_vec(b, model, TFL_MODEL_OPCODES, 4, &v))
        return -1;
    r->n_codes = v.n;
    r->codes = calloc(v.n ? v.n : 1, sizeof *r->codes);
    r->versions = calloc(v.n ? v.n : 1, sizeof *r->versions);
    if (!r->codes || !r->versions)
        return fb_fail(b, "out of memory");
    for (size_t i = 0; i < v.n; i++) {
        fb_table t;
        int8_t dep;
        int32_t code, version;
        if (fb_vec_table(b, &v, i, &t) || fb_get_i8(b, &t, TFL_OPCODE_DEPRECATED_CODE, 0, &dep) ||
            fb_get_i32(b, &t, TFL_OPCODE_CODE, 0, &code) ||
            fb_get_i32(b, &t, TFL_OPCODE_VERSION, 1, &version))
            return -1;
        /* Old files set only the byte field, new ones both (the byte saturated at 127):
         * TFLite takes the larger of the two. */
        r->codes[i] = code > dep ? code : dep;
        r->versions[i] = version;
        if (r->codes[i] < 0)
            return fb_fail(b, "operator code %zu has a negative builtin code %d", i, r->codes[i]);
    }
    return 0;
}

static int read_index_list(reader *r, const fb_table *t, int id, const char *what, int max,
                           int allow_absent, int *out, int *n)
{
    fb_buf *b = &r->b;
    fb_vec v;
    if (fb_get_vec(b, t, id, 4, &v))
        return -1;
    if (v.n > (size_t)max)
        return fb_fail(b, "%s: %zu tensors (at most %d supported)", what, v.n, max);
    for (size_t i = 0; i < v.n; i++) {
        int32_t k = fb_vec_i32(b, &v, i);
        if (k == -1 && allow_absent) {
            out[i] = -1;
            continue;
        }
        if (k < 0 || k >= r->g->n_tensors)
            return fb_fail(b, "%s: tensor index %d out of range (%d tensors)", what, (int)k,
                           r->g->n_tensors);
        out[i] = k;
    }
    *n = (int)v.n;
    return 0;
}

static int read_quant(reader *r, const fb_table *tt, int ti, mcb_tensor *t)
{
    fb_buf *b = &r->b;
    fb_table q;
    if (fb_get_table(b, tt, TFL_T_QUANT, &q))
        return -1;
    if (!q.present)
        return 0;
    uint8_t details;
    int32_t dim;
    fb_vec sv, zv;
    if (fb_get_u8(b, &q, TFL_Q_DETAILS_TYPE, 0, &details) ||
        fb_get_i32(b, &q, TFL_Q_DIM, 0, &dim) || fb_get_vec(b, &q, TFL_Q_SCALE, 4, &sv) ||
        fb_get_vec(b, &q, TFL_Q_ZERO_POINT, 8, &zv))
        return -1;
    if (details != 0)
        return fb_fail(b, "tensor %d uses custom quantization details (unsupported)", ti);
    if (sv.n == 0)
        return 0; /* min/max only, or empty: not quantized in a way kernels use */
    if (zv.n != sv.n && zv.n != 0)
        return fb_fail(b, "tensor %d has %zu scales but %zu zero points", ti, sv.n, zv.n);
    if (sv.n > 1) {
        /* Converters give a per-channel bias (rank 1) the quantized dimension of its filter
         * (3 for a depthwise conv's). TFLM accepts it: it checks the dimension of filters only
         * and reads a bias's scales by channel. A rank-1 tensor has one dimension to mean. */
        if (t->rank == 1 && (dim < 0 || dim >= t->rank) && (size_t)t->shape[0] == sv.n)
            dim = 0;
        if (dim < 0 || dim >= t->rank)
            return fb_fail(b, "tensor %d: quantized dimension %d outside its rank %d", ti, (int)dim,
                           t->rank);
        if ((size_t)t->shape[dim] != sv.n)
            return fb_fail(b, "tensor %d: %zu scales for dimension %d of size %d", ti, sv.n,
                           (int)dim, (int)t->shape[dim]);
    }
    float *scale = malloc(sv.n * sizeof *scale);
    int64_t *zp = malloc(sv.n * sizeof *zp);
    int rc = -1;
    if (scale && zp) {
        for (size_t i = 0; i < sv.n; i++) {
            scale[i] = fb_vec_f32(b, &sv, i);
            zp[i] = zv.n ? fb_vec_i64(b, &zv, i) : 0;
        }
        rc = mcb_tensor_set_quant(t, (int)sv.n, scale, zp, dim);
    }
    free(scale);
    free(zp);
    return rc ? fb_fail(b, "out of memory") : 0;
}

/* Locates a tensor's constant bytes; *size 0 means an activation. */
static int buffer_data(reader *r, int ti, uint32_t bi, const uint8_t **data, size_t *size)
{
    fb_buf *b = &r->b;
    *data = NULL;
    *size = 0;
    if (bi == 0 && r->buffers.n == 0)
        return 0;
    if (bi >= r->buffers.n)
        return fb_fail(b, "tensor %d: buffer index %u out of range (%zu buffers)", ti, bi,
                       r->buffers.n);
    fb_table bt;
    fb_vec dv;
    uint64_t off, sz;
    if (fb_vec_table(b, &r->buffers, bi, &bt) || fb_get_vec(b, &bt, TFL_BUF_DATA, 1, &dv) ||
        fb_get_u64(b, &bt, TFL_BUF_OFFSET, 0, &off) || fb_get_u64(b, &bt, TFL_BUF_SIZE, 0, &sz))
        return -1;
    if (dv.n) {
        *data = b->buf + dv.pos;
        *size = dv.n;
    } else if (off > 1) { /* data outside the flatbuffer, at a file offset (models > 2 GB) */
        if (off > b->size || sz > b->size - off)
            return fb_fail(b, "buffer %u: external data [%llu, +%llu) lies outside the file", bi,
                           (unsigned long long)off, (unsigned long long)sz);
        *data = b->buf + off;
        *size = (size_t)sz;
    }
    return 0;
}

static int read_tensor(reader *r, const fb_vec *tv, int ti)
{
    fb_buf *b = &r->b;
    fb_table tt, sparsity;
    fb_vec shape, sig;
    int8_t type;
    uint32_t bi;
    uint8_t is_var;
    char *name = NULL;
    if (fb_vec_table(b, tv, (size_t)ti, &tt) || fb_get_vec(b, &tt, TFL_T_SHAPE, 4, &shape) ||
        fb_get_i8(b, &tt, TFL_T_TYPE, 0, &type) || fb_get_u32(b, &tt, TFL_T_BUFFER, 0, &bi) ||
        fb_get_u8(b, &tt, TFL_T_IS_VARIABLE, 0, &is_var) ||
        fb_get_table(b, &tt, TFL_T_SPARSITY, &sparsity) ||
        fb_get_vec(b, &tt, TFL_T_SHAPE_SIGNATURE, 4, &sig) ||
        fb_get_str(b, &tt, TFL_T_NAME, MAX_NAME, &name))
        return -1;
    int rc = -1;
    int32_t dims[MCB_MAX_RANK];
    int64_t elems = 1;
    /* Sparse and variable (stateful) tensors cannot be represented in mcb_graph: say so
     * rather than lose the property. */
    if (sparsity.present) {
        fb_fail(b, "tensor %d is sparse (unsupported)", ti);
        goto out;
    }
    if (is_var) {
        fb_fail(b, "tensor %d is a variable tensor (unsupported)", ti);
        goto out;
    }
    if (shape.n > MCB_MAX_RANK) {
        fb_fail(b, "tensor %d has rank %zu (at most %d supported)", ti, shape.n, MCB_MAX_RANK);
        goto out;
    }
    if (sig.n && sig.n != shape.n) {
        fb_fail(b, "tensor %d: shape signature has rank %zu, shape %zu", ti, sig.n, shape.n);
        goto out;
    }
    for (size_t i = 0; i < shape.n; i++) {
        dims[i] = fb_vec_i32(b, &shape, i);
        if (dims[i] < 0) {
            fb_fail(b, "tensor %d has a negative dimension %d", ti, (int)dims[i]);
            goto out;
        }
        elems *= dims[i] ? dims[i] : 1;
        if (elems > MAX_TENSOR_ELEMS) {
            fb_fail(b, "tensor %d is too large (more than %lld elements)", ti,
                    (long long)MAX_TENSOR_ELEMS);
            goto out;
        }
    }
    const uint8_t *data;
    size_t size;
    if (buffer_data(r, ti, bi, &data, &size))
        goto out;
    if (size) {
        int64_t n = 1;
        for (size_t i = 0; i < shape.n; i++)
            n *= dims[i];
        int es = mcb_dtype_size(type);
        if (!es) {
            fb_fail(b, "tensor %d: constant of type %s (%d) is not supported", ti,
                    mcb_dtype_name(type), (int)type);
            goto out;
        }
        if ((uint64_t)n * (uint64_t)es != size) {
            fb_fail(b, "tensor %d: constant data is %zu bytes, but %lld %s elements need %lld", ti,
                    size, (long long)n, mcb_dtype_name(type), (long long)(n * es));
            goto out;
        }
        if (size > MAX_TOTAL_DATA - r->data_total) {
            fb_fail(b, "constant data exceeds %zu bytes in total", MAX_TOTAL_DATA);
            goto out;
        }
        r->data_total += size;
    }
    /* Buffers may be shared by several tensors: each tensor gets its own copy. */
    if (mcb_graph_add_tensor(r->g, name ? name : "", type, (int)shape.n, dims, size ? data : NULL,
                             size) != ti) {
        fb_fail(b, "out of memory");
        goto out;
    }
    rc = read_quant(r, &tt, ti, &r->g->tensors[ti]);
out:
    free(name);
    return rc;
}

static int read_options(reader *r, const fb_table *ot, int oi, mcb_op *op)
{
    fb_buf *b = &r->b;
    uint8_t type;
    fb_table t;
    if (fb_get_u8(b, ot, TFL_OP_OPTIONS_TYPE, 0, &type) ||
        fb_get_table(b, ot, TFL_OP_OPTIONS, &t))
        return -1;
    int expect = tfl_options_type(op->code);
    if (type == TFL_OPT_NONE) {
        memset(&t, 0, sizeof t); /* an absent table: every field takes its schema default */
        type = (uint8_t)expect;
    } else if (expect != TFL_OPT_NONE && type != expect) {
        return fb_fail(b, "operator %d (%s) carries options of union type %u, expected %d", oi,
                       mcb_op_name(op->code), type, expect);
    }
    int8_t pad = 0, act = 0, wf = 0, keep = 0;
    int32_t sw = 0, sh = 0, dw = 1, dh = 1, fw = 0, fh = 0, mult = 0;
    float beta = 0;
    switch (type) {
    case TFL_OPT_CONV2D:
        if (fb_get_i8(b, &t, TFL_CONV_PADDING, 0, &pad) ||
            fb_get_i32(b, &t, TFL_CONV_STRIDE_W, 0, &sw) ||
            fb_get_i32(b, &t, TFL_CONV_STRIDE_H, 0, &sh) ||
            fb_get_i8(b, &t, TFL_CONV_ACT, 0, &act) ||
            fb_get_i32(b, &t, TFL_CONV_DIL_W, 1, &dw) || fb_get_i32(b, &t, TFL_CONV_DIL_H, 1, &dh))
            return -1;
        break;
    case TFL_OPT_DEPTHWISE_CONV2D:
        if (fb_get_i8(b, &t, TFL_DW_PADDING, 0, &pad) ||
            fb_get_i32(b, &t, TFL_DW_STRIDE_W, 0, &sw) ||
            fb_get_i32(b, &t, TFL_DW_STRIDE_H, 0, &sh) ||
            fb_get_i32(b, &t, TFL_DW_MULT, 0, &mult) || fb_get_i8(b, &t, TFL_DW_ACT, 0, &act) ||
            fb_get_i32(b, &t, TFL_DW_DIL_W, 1, &dw) || fb_get_i32(b, &t, TFL_DW_DIL_H, 1, &dh))
            return -1;
        break;
    case TFL_OPT_POOL2D:
        if (fb_get_i8(b, &t, TFL_POOL_PADDING, 0, &pad) ||
            fb_get_i32(b, &t, TFL_POOL_STRIDE_W, 0, &sw) ||
            fb_get_i32(b, &t, TFL_POOL_STRIDE_H, 0, &sh) ||
            fb_get_i32(b, &t, TFL_POOL_FILTER_W, 0, &fw) ||
            fb_get_i32(b, &t, TFL_POOL_FILTER_H, 0, &fh) ||
            fb_get_i8(b, &t, TFL_POOL_ACT, 0, &act))
            return -1;
        dw = dh = 0;
        break;
    case TFL_OPT_FULLY_CONNECTED:
        if (fb_get_i8(b, &t, TFL_FC_ACT, 0, &act) ||
            fb_get_i8(b, &t, TFL_FC_WEIGHTS_FORMAT, 0, &wf) ||
            fb_get_i8(b, &t, TFL_FC_KEEP_NUM_DIMS, 0, &keep))
            return -1;
        dw = dh = 0;
        break;
    case TFL_OPT_SOFTMAX:
        if (fb_get_f32(b, &t, TFL_SOFTMAX_BETA, 0.0f, &beta))
            return -1;
        dw = dh = 0;
        break;
    case TFL_OPT_ADD:
        if (fb_get_i8(b, &t, TFL_ADD_ACT, 0, &act))
            return -1;
        dw = dh = 0;
        break;
    default: /* reshape (new_shape duplicates the output shape), quantize, others: nothing kept */
        dw = dh = 0;
        break;
    }
    op->padding = pad;
    op->activation = act;
    op->stride_w = sw;
    op->stride_h = sh;
    op->dilation_w = dw;
    op->dilation_h = dh;
    op->filter_w = fw;
    op->filter_h = fh;
    op->depth_multiplier = mult;
    op->beta = beta;
    op->keep_num_dims = keep != 0;
    op->weights_format = wf;
    return 0;
}

static int read_operator(reader *r, const fb_vec *ov, int oi)
{
    fb_buf *b = &r->b;
    fb_table ot;
    uint32_t ci;
    mcb_op op;
    memset(&op, 0, sizeof op);
    char what[48];
    if (fb_vec_table(b, ov, (size_t)oi, &ot) || fb_get_u32(b, &ot, TFL_OP_OPCODE_INDEX, 0, &ci))
        return -1;
    if (ci >= r->n_codes)
        return fb_fail(b, "operator %d: opcode index %u out of range (%zu codes)", oi, ci,
                       r->n_codes);
    op.code = r->codes[ci];
    op.version = r->versions[ci];
    snprintf(what, sizeof what, "operator %d inputs", oi);
    if (read_index_list(r, &ot, TFL_OP_INPUTS, what, MCB_MAX_OP_IO, 1, op.in, &op.n_in))
        return -1;
    snprintf(what, sizeof what, "operator %d outputs", oi);
    if (read_index_list(r, &ot, TFL_OP_OUTPUTS, what, MCB_MAX_OP_IO, 0, op.out, &op.n_out) ||
        read_options(r, &ot, oi, &op))
        return -1;
    return mcb_graph_add_op(r->g, &op) == oi ? 0 : fb_fail(b, "out of memory");
}

/* Operators must run in file order: an activation is written by one operator only, never a
 * constant or a graph input, and read only after it is written (so no cycles). */
static int check_order(reader *r)
{
    const mcb_graph *g = r->g;
    int *producer = malloc((size_t)(g->n_tensors ? g->n_tensors : 1) * sizeof *producer);
    if (!producer)
        return fb_fail(&r->b, "out of memory");
    for (int t = 0; t < g->n_tensors; t++)
        producer[t] = -2; /* -2: never written; -1: graph input */
    for (int i = 0; i < g->n_in; i++)
        producer[g->in[i]] = -1;
    int rc = 0;
    for (int oi = 0; oi < g->n_ops && !rc; oi++) {
        const mcb_op *op = &g->ops[oi];
        for (int k = 0; k < op->n_in && !rc; k++) {
            int t = op->in[k];
            if (t >= 0 && !g->tensors[t].data && producer[t] == -2)
                rc = fb_fail(&r->b, "operator %d (%s) reads tensor %d before any operator writes it",
                             oi, mcb_op_name(op->code), t);
        }
        for (int k = 0; k < op->n_out && !rc; k++) {
            int t = op->out[k];
            if (g->tensors[t].data)
                rc = fb_fail(&r->b, "operator %d (%s) writes constant tensor %d", oi,
                             mcb_op_name(op->code), t);
            else if (producer[t] != -2)
                rc = fb_fail(&r->b, "operator %d (%s) writes tensor %d, already %s", oi,
                             mcb_op_name(op->code), t,
                             producer[t] == -1 ? "a graph input" : "written by an earlier operator");
            else
                producer[t] = oi;
        }
    }
    free(producer);
    return rc;
}

/* The metadata entries we know: MCB_Q7_METADATA marks a legacy q7 model (graph.h). Other
 * entries (a converter's "min_runtime_version", ...) are ignored. */
static int read_metadata(reader *r, fb_table *model)
{
    fb_buf *b = &r->b;
    fb_vec md;
    if (fb_get_vec(b, model, TFL_MODEL_METADATA, 4, &md))
        return -1;
    for (size_t i = 0; i < md.n; i++) {
        fb_table mt;
        char *name = NULL;
        uint32_t bi;
        if (fb_vec_table(b, &md, i, &mt) || fb_get_str(b, &mt, TFL_META_NAME, MAX_NAME, &name) ||
            fb_get_u32(b, &mt, TFL_META_BUFFER, 0, &bi)) {
            free(name);
            return -1;
        }
        const int ours = name && !strcmp(name, MCB_Q7_METADATA);
        free(name);
        if (!ours)
            continue;
        const uint8_t *data;
        size_t size;
        if (bi >= r->buffers.n)
            return fb_fail(b, "metadata %s: buffer index %u out of range (%zu buffers)",
                           MCB_Q7_METADATA, bi, r->buffers.n);
        if (buffer_data(r, -1, bi, &data, &size))
            return -1;
        if (size != 2 || memcmp(data, "q7", 2) != 0)
            return fb_fail(b, "metadata %s: unknown value (only \"q7\" is known)",
                           MCB_Q7_METADATA);
        r->g->scheme = MCB_SCHEME_Q7;
    }
    return 0;
}

static int parse(reader *r)
{
    fb_buf *b = &r->b;
    mcb_graph *g = r->g;
    fb_table model, sg;
    uint32_t version;
    fb_vec subgraphs, tensors, ops;
    if (fb_root(b, TFL_IDENT, &model) || fb_get_u32(b, &model, TFL_MODEL_VERSION, 0, &version))
        return -1;
    if (version != TFL_SCHEMA_VERSION)
        return fb_fail(b, "schema version %u (only version %d is read)", version,
                       TFL_SCHEMA_VERSION);
    if (read_opcodes(r, &model) || fb_get_vec(b, &model, TFL_MODEL_BUFFERS, 4, &r->buffers) ||
        fb_get_vec(b, &model, TFL_MODEL_SUBGRAPHS, 4, &subgraphs) ||
        fb_get_str(b, &model, TFL_MODEL_DESCRIPTION, MAX_NAME, &g->description))
        return -1;
    if (subgraphs.n == 0)
        return fb_fail(b, "no subgraph");
    if (fb_vec_table(b, &subgraphs, 0, &sg) || fb_get_vec(b, &sg, TFL_SG_TENSORS, 4, &tensors) ||
        fb_get_vec(b, &sg, TFL_SG_OPERATORS, 4, &ops))
        return -1;
    if (tensors.n > MAX_TENSORS)
        return fb_fail(b, "%zu tensors (at most %d)", tensors.n, MAX_TENSORS);
    if (ops.n > MAX_OPS)
        return fb_fail(b, "%zu operators (at most %d)", ops.n, MAX_OPS);
    for (size_t i = 0; i < tensors.n; i++)
        if (read_tensor(r, &tensors, (int)i))
            return -1;
    if (read_index_list(r, &sg, TFL_SG_INPUTS, "subgraph inputs", MCB_MAX_GRAPH_IO, 0, g->in,
                        &g->n_in) ||
        read_index_list(r, &sg, TFL_SG_OUTPUTS, "subgraph outputs", MCB_MAX_GRAPH_IO, 0, g->out,
                        &g->n_out))
        return -1;
    for (size_t i = 0; i < ops.n; i++)
        if (read_operator(r, &ops, (int)i))
            return -1;
    if (read_metadata(r, &model))
        return -1;
    return check_order(r);
}

int mcb_tflite_parse(const uint8_t *buf, size_t size, const char *what, mcb_graph *g)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.b.buf = buf;
    r.b.size = size;
    r.g = g;
    mcb_graph_init(g);
    int rc = parse(&r);
    free(r.codes);
    free(r.versions);
    if (rc) {
        mcb_error("%s: %s", what, r.b.err[0] ? r.b.err : "malformed .tflite file");
        mcb_graph_free(g);
        return -1;
    }
    return 0;
}

int mcb_tflite_load(const char *path, mcb_graph *g)
{
    size_t size;
    uint8_t *buf = mcb_read_file_limited(path, &size, MCB_TFLITE_MAX_BYTES);
    if (!buf) {
        mcb_graph_init(g);
        return -1;
    }
    int rc = mcb_tflite_parse(buf, size, path, g);
    free(buf);
    return rc;
}
