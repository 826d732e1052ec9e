/* mcb_graph -> .tflite, laid out as TFLite and TFLM expect: identifier TFL3, schema version 3,
 * buffer 0 empty (activations point at it), one buffer per constant tensor with its data
 * 16-byte aligned, operator codes deduplicated by (code, version) in order of first use with both
 * the byte and the int32 code fields set, one options table per operator kind. */
#include "tflite.h"

#include "err.h"
#include "fileio.h"
#include "flatbuf.h"
#include "tflite_schema.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    fb_builder w;
    const mcb_graph *g;
    int n_codes;
    int *code_of_op;   /* operator -> index into the codes */
    int *codes, *vers; /* unique (code, version) pairs */
} writer;

static int check_graph(const mcb_graph *g)
{
    if (g->n_in < 0 || g->n_in > MCB_MAX_GRAPH_IO || g->n_out < 0 || g->n_out > MCB_MAX_GRAPH_IO) {
        mcb_error("tflite writer: bad graph input/output count");
        return -1;
    }
    for (int i = 0; i < g->n_in + g->n_out; i++) {
        int t = i < g->n_in ? g->in[i] : g->out[i - g->n_in];
        if (t < 0 || t >= g->n_tensors) {
            mcb_error("tflite writer: graph input/output tensor %d out of range", t);
            return -1;
        }
    }
    for (int i = 0; i < g->n_tensors; i++) {
        const mcb_tensor *t = &g->tensors[i];
        if (t->rank < 0 || t->rank > MCB_MAX_RANK) {
            mcb_error("tflite writer: tensor %d has rank %d", i, t->rank);
            return -1;
        }
        if (t->data) {
            int64_t want = mcb_tensor_elems(t) * mcb_dtype_size(t->type);
            if (want <= 0 || (uint64_t)want != t->data_size) {
                mcb_error("tflite writer: tensor %d (%s): %zu data bytes, shape and type need %lld",
                          i, t->name, t->data_size, (long long)want);
                return -1;
            }
        }
        if (t->n_quant > 1 && (t->quant_dim < 0 || t->quant_dim >= t->rank ||
                               t->shape[t->quant_dim] != t->n_quant)) {
            mcb_error("tflite writer: tensor %d (%s): %d scales do not match dimension %d", i,
                      t->name, t->n_quant, t->quant_dim);
            return -1;
        }
    }
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        if (op->code < 0 || op->code == TFL_OP_CUSTOM) {
            mcb_error("tflite writer: operator %d has code %d, which cannot be written", i,
                      op->code);
            return -1;
        }
        if (op->n_in < 0 || op->n_in > MCB_MAX_OP_IO || op->n_out < 0 ||
            op->n_out > MCB_MAX_OP_IO) {
            mcb_error("tflite writer: operator %d has a bad input/output count", i);
            return -1;
        }
        for (int k = 0; k < op->n_in + op->n_out; k++) {
            int t = k < op->n_in ? op->in[k] : op->out[k - op->n_in];
            if (t < (k < op->n_in ? -1 : 0) || t >= g->n_tensors) {
                mcb_error("tflite writer: operator %d (%s) refers to tensor %d out of range", i,
                          mcb_op_name(op->code), t);
                return -1;
            }
        }
    }
    return 0;
}

static int version_of(const mcb_op *op) { return op->version > 0 ? op->version : 1; }

static int collect_codes(writer *x)
{
    const mcb_graph *g = x->g;
    size_t n = (size_t)(g->n_ops ? g->n_ops : 1);
    x->code_of_op = malloc(n * sizeof(int));
    x->codes = malloc(n * sizeof(int));
    x->vers = malloc(n * sizeof(int));
    if (!x->code_of_op || !x->codes || !x->vers)
        return -1;
    for (int i = 0; i < g->n_ops; i++) {
        int c = g->ops[i].code, v = version_of(&g->ops[i]), k;
        for (k = 0; k < x->n_codes; k++)
            if (x->codes[k] == c && x->vers[k] == v)
                break;
        if (k == x->n_codes) {
            x->codes[k] = c;
            x->vers[k] = v;
            x->n_codes++;
        }
        x->code_of_op[i] = k;
    }
    return 0;
}

/* A vector of n table offsets, all placeholders; returns its position. */
static size_t table_vec(fb_builder *w, size_t n)
{
    size_t pos = fb_vec_begin(w, n, 4, 4);
    for (size_t i = 0; i < n; i++)
        fb_put_u32(w, 0);
    return pos;
}

static size_t elem_slot(size_t vec, size_t i) { return vec + 4 + 4 * i; }

static void write_opcodes(writer *x, size_t vec)
{
    for (int k = 0; k < x->n_codes; k++) {
        fb_tb t;
        fb_tb_init(&t);
        int c = x->codes[k];
        fb_tb_u8(&t, TFL_OPCODE_DEPRECATED_CODE,
                 (uint8_t)(c < TFL_PLACEHOLDER_FOR_GREATER_OP_CODES ? c
                                                                    : TFL_PLACEHOLDER_FOR_GREATER_OP_CODES));
        fb_tb_i32(&t, TFL_OPCODE_VERSION, x->vers[k]);
        fb_tb_i32(&t, TFL_OPCODE_CODE, c);
        fb_patch(&x->w, elem_slot(vec, (size_t)k), fb_tb_end(&x->w, &t));
    }
}

static void write_quant(fb_builder *w, const mcb_tensor *t, size_t slot)
{
    fb_tb q;
    fb_tb_init(&q);
    fb_tb_ref(&q, TFL_Q_SCALE);
    fb_tb_ref(&q, TFL_Q_ZERO_POINT);
    fb_tb_i32(&q, TFL_Q_DIM, t->quant_dim);
    size_t pos = fb_tb_end(w, &q);
    fb_patch(w, slot, pos);
    size_t v = fb_vec_begin(w, (size_t)t->n_quant, 4, 4);
    for (int i = 0; i < t->n_quant; i++)
        fb_put_f32(w, t->scale[i]);
    fb_patch(w, q.ref_pos[TFL_Q_SCALE], v);
    v = fb_vec_begin(w, (size_t)t->n_quant, 8, 8);
    for (int i = 0; i < t->n_quant; i++)
        fb_put_i64(w, t->zero_point[i]);
    fb_patch(w, q.ref_pos[TFL_Q_ZERO_POINT], v);
}

static void write_tensors(writer *x, size_t vec)
{
    fb_builder *w = &x->w;
    uint32_t next_buffer = 1;
    for (int i = 0; i < x->g->n_tensors; i++) {
        const mcb_tensor *t = &x->g->tensors[i];
        fb_tb tb;
        fb_tb_init(&tb);
        fb_tb_ref(&tb, TFL_T_SHAPE);
        fb_tb_u8(&tb, TFL_T_TYPE, (uint8_t)t->type);
        fb_tb_u32(&tb, TFL_T_BUFFER, t->data ? next_buffer++ : 0);
        fb_tb_ref(&tb, TFL_T_NAME);
        if (t->n_quant > 0)
            fb_tb_ref(&tb, TFL_T_QUANT);
        fb_tb_ref(&tb, TFL_T_SHAPE_SIGNATURE);
        fb_patch(w, elem_slot(vec, (size_t)i), fb_tb_end(w, &tb));
        fb_patch(w, tb.ref_pos[TFL_T_SHAPE], fb_put_vec_i32(w, t->shape, (size_t)t->rank));
        fb_patch(w, tb.ref_pos[TFL_T_NAME], fb_put_str(w, t->name ? t->name : ""));
        if (t->n_quant > 0)
            write_quant(w, t, tb.ref_pos[TFL_T_QUANT]);
        /* Our shapes are static: the signature repeats the shape, as the converter writes. */
        fb_patch(w, tb.ref_pos[TFL_T_SHAPE_SIGNATURE],
                 fb_put_vec_i32(w, t->shape, (size_t)t->rank));
    }
}

/* The options table of one operator; returns its union type (0: none written). */
static int write_options(writer *x, const mcb_op *op, size_t *pos)
{
    fb_builder *w = &x->w;
    fb_tb t;
    fb_tb_init(&t);
    int type = tfl_options_type(op->code);
    switch (type) {
    case TFL_OPT_CONV2D:
        fb_tb_u8(&t, TFL_CONV_PADDING, (uint8_t)op->padding);
        fb_tb_i32(&t, TFL_CONV_STRIDE_W, op->stride_w);
        fb_tb_i32(&t, TFL_CONV_STRIDE_H, op->stride_h);
        fb_tb_u8(&t, TFL_CONV_ACT, (uint8_t)op->activation);
        fb_tb_i32(&t, TFL_CONV_DIL_W, op->dilation_w);
        fb_tb_i32(&t, TFL_CONV_DIL_H, op->dilation_h);
        break;
    case TFL_OPT_DEPTHWISE_CONV2D:
        fb_tb_u8(&t, TFL_DW_PADDING, (uint8_t)op->padding);
        fb_tb_i32(&t, TFL_DW_STRIDE_W, op->stride_w);
        fb_tb_i32(&t, TFL_DW_STRIDE_H, op->stride_h);
        fb_tb_i32(&t, TFL_DW_MULT, op->depth_multiplier);
        fb_tb_u8(&t, TFL_DW_ACT, (uint8_t)op->activation);
        fb_tb_i32(&t, TFL_DW_DIL_W, op->dilation_w);
        fb_tb_i32(&t, TFL_DW_DIL_H, op->dilation_h);
        break;
    case TFL_OPT_POOL2D:
        fb_tb_u8(&t, TFL_POOL_PADDING, (uint8_t)op->padding);
        fb_tb_i32(&t, TFL_POOL_STRIDE_W, op->stride_w);
        fb_tb_i32(&t, TFL_POOL_STRIDE_H, op->stride_h);
        fb_tb_i32(&t, TFL_POOL_FILTER_W, op->filter_w);
        fb_tb_i32(&t, TFL_POOL_FILTER_H, op->filter_h);
        fb_tb_u8(&t, TFL_POOL_ACT, (uint8_t)op->activation);
        break;
    case TFL_OPT_FULLY_CONNECTED:
        fb_tb_u8(&t, TFL_FC_ACT, (uint8_t)op->activation);
        fb_tb_u8(&t, TFL_FC_WEIGHTS_FORMAT, (uint8_t)op->weights_format);
        fb_tb_u8(&t, TFL_FC_KEEP_NUM_DIMS, (uint8_t)(op->keep_num_dims != 0));
        break;
    case TFL_OPT_SOFTMAX: fb_tb_f32(&t, TFL_SOFTMAX_BETA, op->beta); break;
    case TFL_OPT_ADD: fb_tb_u8(&t, TFL_ADD_ACT, (uint8_t)op->activation); break;
    case TFL_OPT_RESHAPE: fb_tb_ref(&t, TFL_RESHAPE_NEW_SHAPE); break;
    case TFL_OPT_QUANTIZE:
    case TFL_OPT_DEQUANTIZE: break; /* empty tables */
    default: return TFL_OPT_NONE;
    }
    *pos = fb_tb_end(w, &t);
    if (type == TFL_OPT_RESHAPE) {
        /* new_shape repeats the output shape; the shape tensor input (if any) says the same. */
        const mcb_tensor *out = op->n_out > 0 ? &x->g->tensors[op->out[0]] : NULL;
        fb_patch(w, t.ref_pos[TFL_RESHAPE_NEW_SHAPE],
                 fb_put_vec_i32(w, out ? out->shape : NULL, out ? (size_t)out->rank : 0));
    }
    return type;
}

static void write_operators(writer *x, size_t vec)
{
    fb_builder *w = &x->w;
    for (int i = 0; i < x->g->n_ops; i++) {
        const mcb_op *op = &x->g->ops[i];
        int type = tfl_options_type(op->code);
        fb_tb t;
        fb_tb_init(&t);
        fb_tb_u32(&t, TFL_OP_OPCODE_INDEX, (uint32_t)x->code_of_op[i]);
        fb_tb_ref(&t, TFL_OP_INPUTS);
        fb_tb_ref(&t, TFL_OP_OUTPUTS);
        if (type != TFL_OPT_NONE) {
            fb_tb_u8(&t, TFL_OP_OPTIONS_TYPE, (uint8_t)type);
            fb_tb_ref(&t, TFL_OP_OPTIONS);
        }
        fb_patch(w, elem_slot(vec, (size_t)i), fb_tb_end(w, &t));
        fb_patch(w, t.ref_pos[TFL_OP_INPUTS], fb_put_vec_i32(w, op->in, (size_t)op->n_in));
        fb_patch(w, t.ref_pos[TFL_OP_OUTPUTS], fb_put_vec_i32(w, op->out, (size_t)op->n_out));
        size_t opt;
        if (type != TFL_OPT_NONE && write_options(x, op, &opt) != TFL_OPT_NONE)
            fb_patch(w, t.ref_pos[TFL_OP_OPTIONS], opt);
    }
}

static void write_buffers(writer *x, size_t vec)
{
    fb_builder *w = &x->w;
    fb_tb empty;
    fb_tb_init(&empty);
    fb_patch(w, elem_slot(vec, 0), fb_tb_end(w, &empty));
    size_t k = 1;
    for (int i = 0; i < x->g->n_tensors; i++) {
        const mcb_tensor *t = &x->g->tensors[i];
        if (!t->data)
            continue;
        fb_tb b;
        fb_tb_init(&b);
        fb_tb_ref(&b, TFL_BUF_DATA);
        fb_patch(w, elem_slot(vec, k++), fb_tb_end(w, &b));
        size_t v = fb_vec_begin(w, t->data_size, 1, 16); /* schema: force_align 16 */
        fb_put_bytes(w, t->data, t->data_size);
        fb_patch(w, b.ref_pos[TFL_BUF_DATA], v);
    }
    if (x->g->scheme == MCB_SCHEME_Q7) { /* the metadata value, last (write_model) */
        fb_tb b;
        fb_tb_init(&b);
        fb_tb_ref(&b, TFL_BUF_DATA);
        fb_patch(w, elem_slot(vec, k), fb_tb_end(w, &b));
        size_t v = fb_vec_begin(w, 2, 1, 16);
        fb_put_bytes(w, "q7", 2);
        fb_patch(w, b.ref_pos[TFL_BUF_DATA], v);
    }
}

static void write_model(writer *x)
{
    fb_builder *w = &x->w;
    const mcb_graph *g = x->g;
    size_t n_buffers = 1;
    for (int i = 0; i < g->n_tensors; i++)
        n_buffers += g->tensors[i].data != NULL;
    const int q7 = g->scheme == MCB_SCHEME_Q7; /* one more buffer: the metadata's value */

    fb_begin(w, TFL_IDENT);
    fb_tb m;
    fb_tb_init(&m);
    fb_tb_u32(&m, TFL_MODEL_VERSION, TFL_SCHEMA_VERSION);
    fb_tb_ref(&m, TFL_MODEL_OPCODES);
    fb_tb_ref(&m, TFL_MODEL_SUBGRAPHS);
    fb_tb_ref(&m, TFL_MODEL_DESCRIPTION);
    fb_tb_ref(&m, TFL_MODEL_BUFFERS);
    if (q7)
        fb_tb_ref(&m, TFL_MODEL_METADATA);
    size_t root = fb_tb_end(w, &m);

    size_t v = table_vec(w, (size_t)x->n_codes);
    fb_patch(w, m.ref_pos[TFL_MODEL_OPCODES], v);
    write_opcodes(x, v);

    v = table_vec(w, 1);
    fb_patch(w, m.ref_pos[TFL_MODEL_SUBGRAPHS], v);
    fb_tb sg;
    fb_tb_init(&sg);
    for (int id = TFL_SG_TENSORS; id <= TFL_SG_NAME; id++)
        fb_tb_ref(&sg, id);
    fb_patch(w, elem_slot(v, 0), fb_tb_end(w, &sg));
    v = table_vec(w, (size_t)g->n_tensors);
    fb_patch(w, sg.ref_pos[TFL_SG_TENSORS], v);
    write_tensors(x, v);
    fb_patch(w, sg.ref_pos[TFL_SG_INPUTS], fb_put_vec_i32(w, g->in, (size_t)g->n_in));
    fb_patch(w, sg.ref_pos[TFL_SG_OUTPUTS], fb_put_vec_i32(w, g->out, (size_t)g->n_out));
    v = table_vec(w, (size_t)g->n_ops);
    fb_patch(w, sg.ref_pos[TFL_SG_OPERATORS], v);
    write_operators(x, v);
    fb_patch(w, sg.ref_pos[TFL_SG_NAME], fb_put_str(w, "main"));

    fb_patch(w, m.ref_pos[TFL_MODEL_DESCRIPTION],
             fb_put_str(w, g->description ? g->description : "mcubench"));
    if (q7) {
        v = table_vec(w, 1);
        fb_patch(w, m.ref_pos[TFL_MODEL_METADATA], v);
        fb_tb md;
        fb_tb_init(&md);
        fb_tb_ref(&md, TFL_META_NAME);
        fb_tb_u32(&md, TFL_META_BUFFER, (uint32_t)n_buffers);
        fb_patch(w, elem_slot(v, 0), fb_tb_end(w, &md));
        fb_patch(w, md.ref_pos[TFL_META_NAME], fb_put_str(w, MCB_Q7_METADATA));
    }
    v = table_vec(w, n_buffers + (size_t)q7);
    fb_patch(w, m.ref_pos[TFL_MODEL_BUFFERS], v);
    write_buffers(x, v);
    fb_finish(w, root);
}

int mcb_tflite_serialize(const mcb_graph *g, uint8_t **out, size_t *size)
{
    *out = NULL;
    *size = 0;
    if (check_graph(g))
        return -1;
    writer x;
    memset(&x, 0, sizeof x);
    x.g = g;
    fb_init(&x.w);
    int rc = -1;
    if (collect_codes(&x) == 0) {
        write_model(&x);
        if (!x.w.oom) {
            *out = x.w.d;
            *size = x.w.n;
            x.w.d = NULL;
            rc = 0;
        }
    }
    if (rc)
        mcb_error("tflite writer: out of memory (or model over 2 GB)");
    fb_free(&x.w);
    free(x.code_of_op);
    free(x.codes);
    free(x.vers);
    return rc;
}

int mcb_tflite_save(const char *path, const mcb_graph *g)
{
    uint8_t *buf;
    size_t size;
    if (mcb_tflite_serialize(g, &buf, &size))
        return -1;
    int rc = mcb_write_file_atomic(path, buf, size);
    free(buf);
    return rc;
}
