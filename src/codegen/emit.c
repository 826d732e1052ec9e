/* Emission of the generated library (codegen.h): model.h, model.c and copies of the kernel
 * sources, written into a temporary folder beside the destination and renamed into place. */
#include "codegen_int.h"

#include "err.h"
#include "fileio.h"
#include "graph_mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MCB_KERNELS_DIR
#define MCB_KERNELS_DIR "src/kernels"
#endif
#ifndef MCB_PORT_HEADER
#define MCB_PORT_HEADER "src/target/mcb_port.h"
#endif

const char *mcb_codegen_kernels_dir(void)
{
    const char *d = getenv("MCUBENCH_KERNELS_DIR");
    return d && *d ? d : MCB_KERNELS_DIR;
}

/* A tensor's (or scratch buffer's) address as a C expression. */
static void where(const mcb_codegen *cg, int t, char *buf, size_t n)
{
    while (cg->canon[t] != t) /* an alias (reshape, in-place output): the bytes it uses */
        t = cg->canon[t];
    snprintf(buf, n, "(arena_bytes + %lld)", (long long)cg->offset[cg->buf_of[t]]);
}

static int emit_i32(FILE *f, const char *name, const int32_t *v, size_t n)
{
    fprintf(f, "static const int32_t %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%ld,", i % 8 ? " " : "\n    ", (long)v[i]);
    return fprintf(f, "\n};\n") < 0 ? -1 : 0;
}

static int emit_i8(FILE *f, const char *name, const int8_t *v, size_t n)
{
    fprintf(f, "static const int8_t %s[%zu] MCB_MODEL_ALIGN4 = {", name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%d,", i % 16 ? " " : "\n    ", v[i]);
    return fprintf(f, "\n};\n") < 0 ? -1 : 0;
}

static void emit_conv_params(FILE *f, const char *name, const mcb_conv_params *p)
{
    fprintf(f,
            "static const mcb_conv_params %s_p = {\n"
            "    .batches = %d, .in_h = %d, .in_w = %d, .in_c = %d,\n"
            "    .out_h = %d, .out_w = %d, .out_c = %d, .filter_h = %d, .filter_w = %d,\n"
            "    .stride_h = %d, .stride_w = %d, .dilation_h = %d, .dilation_w = %d,\n"
            "    .pad_h = %d, .pad_w = %d, .depth_multiplier = %d,\n"
            "    .input_offset = %ld, .filter_offset = %ld, .output_offset = %ld,\n"
            "    .act_min = %ld, .act_max = %ld, .multiplier = %s_m, .shift = %s_s,\n};\n",
            name, p->batches, p->in_h, p->in_w, p->in_c, p->out_h, p->out_w, p->out_c,
            p->filter_h, p->filter_w, p->stride_h, p->stride_w, p->dilation_h, p->dilation_w,
            p->pad_h, p->pad_w, p->depth_multiplier, (long)p->input_offset,
            (long)p->filter_offset, (long)p->output_offset, (long)p->act_min, (long)p->act_max,
            name, name);
}

static void emit_pool_params(FILE *f, const char *name, const mcb_pool_params *p)
{
    fprintf(f,
            "static const mcb_pool_params %s_p = {\n"
            "    .batches = %d, .depth = %d, .in_h = %d, .in_w = %d, .out_h = %d, .out_w = %d,\n"
            "    .filter_h = %d, .filter_w = %d, .stride_h = %d, .stride_w = %d,\n"
            "    .pad_h = %d, .pad_w = %d, .act_min = %ld, .act_max = %ld,\n};\n",
            name, p->batches, p->depth, p->in_h, p->in_w, p->out_h, p->out_w, p->filter_h,
            p->filter_w, p->stride_h, p->stride_w, p->pad_h, p->pad_w, (long)p->act_min,
            (long)p->act_max);
}

/* The constant data of step s. */
static int emit_data(FILE *f, const mcb_codegen *cg, int s)
{
    const cg_step *st = &cg->steps[s];
    char name[32], arr[48];
    snprintf(name, sizeof name, "layer%d", s);
    fprintf(f, "\n/* layer %d: %s (graph operator%s", s, cg->layers[s].op, st->n_ops > 1 ? "s" : "");
    for (int k = 0; k < st->n_ops; k++)
        fprintf(f, " %d", st->ops[k]);
    fprintf(f, "), %lld MACs */\n", (long long)st->macs);
    switch (st->kind) {
    case CG_AOT_CONV:
        if (st->add_fused) {
            snprintf(arr, sizeof arr, "%s_add", name);
            if (mcb_aot_add_emit_c(f, arr, 1, &st->aadd.k))
                return -1;
        }
        return mcb_aot_conv_emit_c(f, name, 1, &st->aconv.k);
    case CG_AOT_FC:
        return mcb_aot_fc_emit_c(f, name, 1, &st->afc.k);
    case CG_AOT_DWCONV:
        return mcb_aot_dw_emit_c(f, name, 1, &st->adw.k);
    case CG_AOT_ADD:
        return mcb_aot_add_emit_c(f, name, 1, &st->aadd.k);
    case CG_AOT_AVGPOOL:
        return mcb_aot_avg_pool_emit_c(f, name, 1, &st->aavg);
    case CG_REF_CONV:
    case CG_REF_DWCONV: {
        const mcb_conv_params *p = &st->conv;
        const size_t nw = (size_t)p->filter_h * p->filter_w *
                          (st->kind == CG_REF_DWCONV ? (size_t)p->out_c : (size_t)p->out_c * p->in_c);
        snprintf(arr, sizeof arr, "%s_f", name);
        emit_i8(f, arr, st->filter, nw);
        if (st->bias) {
            snprintf(arr, sizeof arr, "%s_b", name);
            emit_i32(f, arr, st->bias, (size_t)p->out_c);
        }
        snprintf(arr, sizeof arr, "%s_m", name);
        emit_i32(f, arr, st->mult, (size_t)p->out_c);
        snprintf(arr, sizeof arr, "%s_s", name);
        emit_i32(f, arr, st->shift, (size_t)p->out_c);
        emit_conv_params(f, name, p);
        return 0;
    }
    case CG_REF_FC: {
        const mcb_fc_params *p = &st->fc;
        const size_t nq = p->per_channel ? (size_t)p->out_depth : 1;
        snprintf(arr, sizeof arr, "%s_f", name);
        emit_i8(f, arr, st->filter, (size_t)p->in_depth * p->out_depth);
        if (st->bias) {
            snprintf(arr, sizeof arr, "%s_b", name);
            emit_i32(f, arr, st->bias, (size_t)p->out_depth);
        }
        snprintf(arr, sizeof arr, "%s_m", name);
        emit_i32(f, arr, st->mult, nq);
        snprintf(arr, sizeof arr, "%s_s", name);
        emit_i32(f, arr, st->shift, nq);
        fprintf(f,
                "static const mcb_fc_params %s_p = {\n"
                "    .batches = %d, .in_depth = %d, .out_depth = %d,\n"
                "    .input_offset = %ld, .filter_offset = %ld, .output_offset = %ld,\n"
                "    .act_min = %ld, .act_max = %ld, .per_channel = %d,\n"
                "    .multiplier = %s_m, .shift = %s_s,\n};\n",
                name, p->batches, p->in_depth, p->out_depth, (long)p->input_offset,
                (long)p->filter_offset, (long)p->output_offset, (long)p->act_min,
                (long)p->act_max, p->per_channel, name, name);
        return 0;
    }
    case CG_MAXPOOL:
    case CG_AVGPOOL:
        emit_pool_params(f, name, &st->pool);
        return 0;
    case CG_ADD: {
        const mcb_add_params *p = &st->add;
        fprintf(f,
                "static const mcb_add_params %s_p = {\n"
                "    .input1_offset = %ld, .input2_offset = %ld, .output_offset = %ld,\n"
                "    .left_shift = %d, .input1_multiplier = %ld, .input2_multiplier = %ld,\n"
                "    .output_multiplier = %ld, .input1_shift = %d, .input2_shift = %d,\n"
                "    .output_shift = %d, .act_min = %ld, .act_max = %ld,\n};\n",
                name, (long)p->input1_offset, (long)p->input2_offset, (long)p->output_offset,
                p->left_shift, (long)p->input1_multiplier, (long)p->input2_multiplier,
                (long)p->output_multiplier, p->input1_shift, p->input2_shift, p->output_shift,
                (long)p->act_min, (long)p->act_max);
        return 0;
    }
    case CG_SOFTMAX:
        fprintf(f,
                "static const mcb_softmax_params %s_p = {\n"
                "    .input_multiplier = %ld, .input_left_shift = %d, .diff_min = %d,\n};\n",
                name, (long)st->softmax.input_multiplier, st->softmax.input_left_shift,
                st->softmax.diff_min);
        return 0;
    default:
        return 0;
    }
}

/* The call of step s inside mcb_model_invoke. */
static void emit_call(FILE *f, const mcb_codegen *cg, int s)
{
    const cg_step *st = &cg->steps[s];
    char in[48], in2[48] = "", out[48], b[32] = "NULL";
    where(cg, st->in[0], in, sizeof in);
    if (st->n_in > 1)
        where(cg, st->in[1], in2, sizeof in2);
    where(cg, st->out, out, sizeof out);
    if (st->bias)
        snprintf(b, sizeof b, "layer%d_b", s);
    fprintf(f, "    MCB_MODEL_MARK(MCB_MARK_LAYER_BEGIN, %d);\n", s);
    switch (st->kind) {
    case CG_AOT_CONV:
        if (st->add_fused)
            fprintf(f, "    mcb_aot_conv_add_s8(&layer%d, &layer%d_add, %s, %s, %s, arena_words + "
                    "%lld);\n", s, s, in, in2, out, (long long)cg->offset[st->scratch_buf] / 4);
        else
            fprintf(f, "    mcb_aot_conv_s8(&layer%d, %s, %s, arena_words + %lld);\n", s, in,
                    out, (long long)cg->offset[st->scratch_buf] / 4);
        break;
    case CG_AOT_FC:
        fprintf(f, "    mcb_aot_fc_s8(&layer%d, %s, %s);\n", s, in, out);
        break;
    case CG_AOT_DWCONV:
        fprintf(f, "    mcb_aot_dw_s8(&layer%d, %s, %s);\n", s, in, out);
        break;
    case CG_AOT_ADD:
        fprintf(f, "    mcb_aot_add_s8(&layer%d, %lld, %s, %s, %s);\n", s, (long long)st->elems,
                in, in2, out);
        break;
    case CG_AOT_AVGPOOL:
        fprintf(f, "    mcb_aot_avg_pool_s8(&layer%d, %s, %s);\n", s, in, out);
        break;
    case CG_REF_CONV:
    case CG_REF_DWCONV:
        fprintf(f, "    %s(&layer%d_p, %s, layer%d_f, %s, %s);\n", cg_kernel_name(st->kind), s,
                in, s, b, out);
        break;
    case CG_REF_FC:
        fprintf(f, "    mcb_fully_connected_s8(&layer%d_p, %s, layer%d_f, %s, %s);\n", s, in, s,
                b, out);
        break;
    case CG_MAXPOOL:
        fprintf(f, "    mcb_max_pool2d_s8(&layer%d_p, %s, %s);\n", s, in, out);
        break;
    case CG_AVGPOOL:
        fprintf(f, "    (void)mcb_avg_pool2d_s8(&layer%d_p, %s, %s);\n", s, in, out);
        break;
    case CG_ADD:
        fprintf(f, "    mcb_add_s8(&layer%d_p, %lld, %s, %s, %s);\n", s, (long long)st->elems, in,
                in2, out);
        break;
    case CG_SOFTMAX:
        fprintf(f, "    mcb_softmax_s8(&layer%d_p, %d, %d, %s, %s);\n", s, st->outer, st->depth,
                in, out);
        break;
    }
    fprintf(f, "    MCB_MODEL_MARK(MCB_MARK_LAYER_END, %d);\n", s);
    fprintf(f, "    MCB_MODEL_TRACE_LAYER(%d, %s, %lld);\n", s, out,
            (long long)mcb_tensor_bytes(&cg->g->tensors[st->out]));
}

/* The model's name as it may appear inside a C comment: no comment end, no line break. */
static void comment_safe(const char *in, char *out, size_t n)
{
    size_t o = 0;
    for (; *in && o + 1 < n; in++)
        out[o++] = (*in == '\n' || *in == '\r' || (*in == '*' && in[1] == '/')) ? '_' : *in;
    out[o] = 0;
}

static void shape_text(const mcb_tensor *t, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    for (int d = 0; d < t->rank && o + 12 < n; d++)
        o += (size_t)snprintf(buf + o, n - o, "%s%d", d ? "x" : "", (int)t->shape[d]);
}

static char *model_h(const mcb_codegen *cg, size_t *size)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, size);
    if (!f)
        return NULL;
    const mcb_tensor *x = &cg->g->tensors[cg->in_t], *y = &cg->g->tensors[cg->out_t];
    char xs[96], ys[96], name[512];
    comment_safe(cg->what, name, sizeof name);
    shape_text(x, xs, sizeof xs);
    shape_text(y, ys, sizeof ys);
    fprintf(f,
            "/* Generated by mcubench generate --engine aot: do not edit.\n"
            " * Model: %s (%d layers after fusion, %lld MACs).\n"
            " * Compile model.c and the other .c files of this folder (C99); nothing else is\n"
            " * needed: no malloc, no interpreter, one static arena of %lld bytes, weights as\n"
            " * const arrays (flash). On Cortex-M4 the DSP path of the aot kernels is used.\n"
            " * Define MCB_MODEL_MARKERS=1 to emit mcubench's cycle markers (mcb_port.h) around\n"
            " * the inference and each layer; they are off by default. Define MCB_MODEL_TRACE=1\n"
            " * to have mcb_model_trace (below, yours to define) called after each layer. */\n"
            "#ifndef MCB_MODEL_H\n#define MCB_MODEL_H\n\n#include <stdint.h>\n\n",
            name, cg->n_steps, (long long)mcb_graph_macs(cg->g), (long long)cg->arena);
    fprintf(f,
            "/* input: int8 NHWC %s; output: int8 %s */\n"
            "#define MCB_MODEL_INPUT_BYTES %lld\n"
            "#define MCB_MODEL_OUTPUT_BYTES %lld\n"
            "/* real value = scale * (q - zero_point) */\n"
            "#define MCB_MODEL_INPUT_SCALE %.9gf\n"
            "#define MCB_MODEL_INPUT_ZERO_POINT (%lld)\n"
            "#define MCB_MODEL_OUTPUT_SCALE %.9gf\n"
            "#define MCB_MODEL_OUTPUT_ZERO_POINT (%lld)\n"
            "#define MCB_MODEL_ARENA_BYTES %lld\n"
            "#define MCB_MODEL_LAYERS %d\n\n"
            "/* One inference: reads MCB_MODEL_INPUT_BYTES from input, writes\n"
            " * MCB_MODEL_OUTPUT_BYTES to output (any alignment). The input and output tensors\n"
            " * live in the arena: input may be mcb_model_input() (no copy; the bytes there are\n"
            " * overwritten by the inference) or a buffer outside the arena (copied in); output\n"
            " * may be mcb_model_output() (no copy) or a buffer outside the arena (copied out).\n"
            " * Not reentrant: the arena is shared. */\n"
            "void mcb_model_invoke(const int8_t *input, int8_t *output);\n"
            "/* Where the model's input and output live in the arena (word-aligned). */\n"
            "int8_t *mcb_model_input(void);\n"
            "int8_t *mcb_model_output(void);\n\n"
            "#if defined(MCB_MODEL_TRACE) && MCB_MODEL_TRACE\n"
            "/* Debugging: called after layer `layer` with its output (bytes bytes). */\n"
            "void mcb_model_trace(int layer, const int8_t *output, int bytes);\n"
            "#endif\n\n#endif\n",
            xs, ys, (long long)mcb_tensor_bytes(x), (long long)mcb_tensor_bytes(y),
            (double)x->scale[0], (long long)x->zero_point[0], (double)y->scale[0],
            (long long)y->zero_point[0], (long long)cg->arena, cg->n_steps);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *model_c(const mcb_codegen *cg, size_t *size)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, size);
    if (!f)
        return NULL;
    char name[512];
    comment_safe(cg->what, name, sizeof name);
    int aot = 0, ref = 0;
    for (int s = 0; s < cg->n_steps; s++) {
        const int k = cg->steps[s].kind;
        const int is_aot =
            k == CG_AOT_CONV || k == CG_AOT_FC || k == CG_AOT_DWCONV || k == CG_AOT_ADD ||
            k == CG_AOT_AVGPOOL;
        aot |= is_aot;
        ref |= !is_aot;
    }
    fprintf(f,
            "/* Generated by mcubench generate --engine aot from %s: do not edit.\n"
            " * Arena plan: %lld bytes (lower bound for this schedule: %lld bytes). */\n"
            "#include \"model.h\"\n\n%s%s\n#include <string.h>\n\n"
            "#if defined(MCB_MODEL_MARKERS) && MCB_MODEL_MARKERS\n"
            "#include \"mcb_port.h\"\n"
            "#define MCB_MODEL_MARK(kind, index) MCB_MARK(kind, index)\n"
            "#else\n"
            "#define MCB_MODEL_MARK(kind, index) ((void)0)\n"
            "#endif\n\n"
            "#if defined(MCB_MODEL_TRACE) && MCB_MODEL_TRACE\n"
            "#define MCB_MODEL_TRACE_LAYER(layer, output, bytes) mcb_model_trace(layer, output, bytes)\n"
            "#else\n"
            "#define MCB_MODEL_TRACE_LAYER(layer, output, bytes) ((void)0)\n"
            "#endif\n\n"
            "#if defined(__GNUC__)\n"
            "#define MCB_MODEL_ALIGN4 __attribute__((aligned(4)))\n"
            "#else\n"
            "#define MCB_MODEL_ALIGN4\n"
            "#endif\n\n"
            "/* The arena, as words: the kernels' scratch is read as words. */\n"
            "static int32_t arena_words[%lld];\n"
            "#define arena_bytes ((int8_t *)arena_words)\n",
            name, (long long)cg->arena, (long long)cg->bound,
            aot ? "#include \"mcb_aot.h\"\n" : "", ref || !aot ? "#include \"mcb_kernels.h\"\n" : "",
            (long long)(cg->arena > 0 ? cg->arena / 4 : 1));
    for (int s = 0; s < cg->n_steps; s++)
        if (emit_data(f, cg, s)) {
            fclose(f);
            free(buf);
            return NULL;
        }
    const mcb_graph *g = cg->g;
    const long long in_off = (long long)cg->offset[cg->buf_of[cg->canon_in]];
    const long long out_off = (long long)cg->offset[cg->buf_of[cg->canon_out]];
    const long long in_n = (long long)mcb_tensor_bytes(&g->tensors[cg->in_t]);
    const long long out_n = (long long)mcb_tensor_bytes(&g->tensors[cg->out_t]);
    fprintf(f,
            "\nint8_t *mcb_model_input(void)\n{\n    return arena_bytes + %lld;\n}\n"
            "\nint8_t *mcb_model_output(void)\n{\n    return arena_bytes + %lld;\n}\n",
            in_off, out_off);
    fprintf(f, "\nvoid mcb_model_invoke(const int8_t *input, int8_t *output)\n{\n");
    fprintf(f, "    MCB_MODEL_MARK(MCB_MARK_INFER_BEGIN, 0);\n");
    fprintf(f, "    if (input != arena_bytes + %lld)\n        memcpy(arena_bytes + %lld, input, %lld);\n",
            in_off, in_off, in_n);
    for (int s = 0; s < cg->n_steps; s++)
        emit_call(f, cg, s);
    fprintf(f, "    if (output != arena_bytes + %lld)\n        memcpy(output, arena_bytes + %lld, %lld);\n",
            out_off, out_off, out_n);
    fprintf(f, "    MCB_MODEL_MARK(MCB_MARK_INFER_END, 0);\n}\n");
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int write_in(const char *dir, const char *name, const void *data, size_t n)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        mcb_error("%s: path too long", dir);
        return -1;
    }
    return mcb_write_file_atomic(path, data, n);
}

/* Lines put before the copy of a kernel source, for flash (docs/codegen.md, "Flash"):
 * aot_conv.c and aot_fc.c get `#define MCB_AOT_CONV_X 0` / `MCB_AOT_FC_X 0` for each variant
 * no layer takes (the switches are described in those files), softmax.c is optimized for size (a few thousand cycles per
 * inference whatever the network, 0.6 KB less code). Returns the length written to buf. */
static size_t copy_prefix(const mcb_codegen *cg, const char *src, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    if (!strcmp(src, "aot/aot_conv.c")) {
        int pool = 0, plain = 0, perm4 = 0, natural = 0, padded = 0, wrap = 0, kw5 = 0,
            kw14 = 0, w16 = 0, w8 = 0, w8kw6 = 0, w8kw6h = 0, w8kw14 = 0, shift0 = 0, natgen = 0, clamp = 0,
            pw = 0, c1 = 0, c1u = 0, c3 = 0, split = 0, pw8 = 0, c3s2 = 0;
        for (int s = 0; s < cg->n_steps; s++) {
            if (cg->steps[s].kind != CG_AOT_CONV)
                continue;
            const mcb_aot_conv *k = &cg->steps[s].aconv.k;
            if (mcb_aot_conv_c1_ok(k)) { /* conv_c1 alone (aot_conv.c), its weights */
                c1 = 1;
                w16 |= !k->int8w, w8 |= k->int8w;
                continue;
            }
            if (mcb_aot_conv_c1u_ok(k)) { /* conv_c1u alone (aot_conv.c), its weights */
                c1u = 1;
                w16 |= !k->int8w, w8 |= k->int8w;
                continue;
            }
            if (mcb_aot_conv_c3_ok(k)) { /* conv_c3: its pooled or unpooled part, weights */
                c3 = 1, c3s2 |= k->stride_w == 2;
                pool |= k->pool != 0, plain |= k->pool == 0;
                clamp |= k->act_min != -128 || k->act_max != 127; /* its C epilogue */
                w16 |= !k->int8w, w8 |= k->int8w;
                /* a pool window with a tap outside the input (pooled SAME) */
                padded |= k->pool && (k->pad_h != 0 || k->pad_w != 0 ||
                                      2 * k->out_h + 2 > k->in_h || 2 * k->out_w + 2 > k->in_w);
                continue;
            }
            if (mcb_aot_conv_pw8_ok(k)) { /* conv_pw8 alone (aot_conv.c) */
                pw8 = 1;
                continue;
            }
            if (mcb_aot_conv_pointwise(k)) { /* conv_1x1: its own loop, then pair_all_blocks */
                pw = 1, w8 = 1, w8kw6 |= k->kw == 6, w8kw14 |= k->kw == 14;
                continue;
            }
            pw |= mcb_aot_conv_fused_plain(k);
            split |= k->split;
            pool |= k->pool != 0, plain |= k->pool == 0;
            perm4 |= k->perm4 != 0, natural |= k->perm4 == 0;
            /* a tap outside the input: padding before, or a last window past the end */
            const int pad = k->pad_h != 0 || k->pad_w != 0 ||
                            (k->conv_h - 1) * k->stride_h + k->filter_h > k->in_h ||
                            (k->conv_w - 1) * k->stride_w + k->filter_w > k->in_w;
            padded |= pad;
            /* natural patches all built by patch4_3x3 (aot_conv.c, conv_pool's fast3) */
            const int fast3 = k->pool && k->int8w && !pad && k->filter_h == 3 &&
                              k->filter_w == 3 && k->stride_h == 1 && k->stride_w == 1 &&
                              (k->in_c == 1 || k->in_c == 3);
            natgen |= k->perm4 == 0 && !fast3;
            clamp |= k->pool && (k->act_min != -128 || k->act_max != 127);
            int some0 = 0, pos = 0;
            for (int ch = 0; k->pool && ch < k->out_c; ch++)
                pos |= k->shift[ch] > 0, some0 |= k->shift[ch] == 0;
            wrap |= pos;
            shift0 |= k->pool && !pos && some0;
            w16 |= !k->int8w, w8 |= k->int8w;
            kw5 |= !k->int8w && k->kw == 5, kw14 |= !k->int8w && k->kw == 14;
            /* kw 6 with 9 values (3x3x1): the last k-word is padding (aot_conv.c, w8_mode) */
            const int half = k->filter_h * k->filter_w * k->in_c <= 2 * k->kw - 3;
            w8kw6 |= k->int8w && k->kw == 6 && !half, w8kw14 |= k->int8w && k->kw == 14;
            w8kw6h |= k->int8w && k->kw == 6 && half;
        }
        const struct {
            const char *name;
            int used;
        } sw[] = {{"POOL", pool},     {"PLAIN", plain}, {"PERM4", perm4}, {"NATURAL", natural},
                  {"PADDED", padded}, {"WRAP", wrap},   {"KW5", kw5},     {"KW14", kw14},
                  {"W16", w16},       {"W8", w8},       {"W8KW6", w8kw6}, {"W8KW14", w8kw14},
                  {"SHIFT0", shift0}, {"W8KW6H", w8kw6h},
                  {"NATGEN", natgen}, {"CLAMP", clamp}, {"PW", pw},
                  {"C1", c1},         {"C3", c3},       {"SPLIT", split}, {"C1U", c1u},
                  {"PW8", pw8},       {"C3S2", c3s2}};
        len += (size_t)snprintf(buf + len, n - len,
                                "/* mcubench generate: the variants this model does not use are "
                                "left out (see below). */\n");
        for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++)
            if (!sw[i].used && len < n)
                len += (size_t)snprintf(buf + len, n - len, "#define MCB_AOT_CONV_%s 0\n",
                                        sw[i].name);
    } else if (!strcmp(src, "aot/aot_fc.c")) {
        int rest = 0, lshift = 0, w16 = 0, w8 = 0, generic = 0, fused = 0, g1 = 0;
        for (int s = 0; s < cg->n_steps; s++) {
            if (cg->steps[s].kind != CG_AOT_FC)
                continue;
            const mcb_aot_fc *k = &cg->steps[s].afc.k;
            rest |= k->in_depth % 4 != 0;
            w16 |= !k->int8w, w8 |= k->int8w;
            const int full = k->int8w && mcb_aot_fc_full_blocks(k) > 0;
            generic |= full && !mcb_aot_fc_fused(k);
            fused |= full && mcb_aot_fc_fused(k);
            g1 |= full && mcb_aot_fc_fused(k) && k->in_depth / 4 % 4;
            for (int ch = 0; ch < k->out_depth; ch++)
                lshift |= k->shift[ch] > 0;
        }
        len += (size_t)snprintf(buf, n,
                                "/* mcubench generate: the variants this model does not use are "
                                "left out (see below). */\n%s%s%s%s%s%s%s",
                                rest ? "" : "#define MCB_AOT_FC_REST 0\n",
                                lshift ? "" : "#define MCB_AOT_FC_LSHIFT 0\n",
                                w16 ? "" : "#define MCB_AOT_FC_W16 0\n",
                                w8 ? "" : "#define MCB_AOT_FC_W8 0\n",
                                generic ? "" : "#define MCB_AOT_FC_GENERIC 0\n",
                                fused ? "" : "#define MCB_AOT_FC_FUSED 0\n",
                                g1 ? "" : "#define MCB_AOT_FC_G1 0\n");
    } else if (!strcmp(src, "softmax.c")) {
        len += (size_t)snprintf(buf, n,
                                "/* mcubench generate: optimized for size (once per inference; "
                                "the layer's speed hardly matters). */\n"
                                "#if defined(__GNUC__) && !defined(__clang__) && "
                                "defined(__OPTIMIZE__)\n#pragma GCC optimize(\"Os\")\n#endif\n");
    }
    return len < n ? len : n - 1;
}

static int copy_in(const mcb_codegen *cg, const char *dir, const char *src)
{
    char path[4096], prefix[1024];
    snprintf(path, sizeof path, "%s/%s", mcb_codegen_kernels_dir(), src);
    size_t n, np = copy_prefix(cg, src, prefix, sizeof prefix);
    uint8_t *data = mcb_read_file(path, &n);
    uint8_t *all = data ? malloc(np + n + 1) : NULL;
    if (!all) {
        if (data)
            mcb_error("%s: out of memory", path);
        free(data);
        return -1;
    }
    memcpy(all, prefix, np);
    memcpy(all + np, data, n);
    free(data);
    const char *base = strrchr(src, '/');
    int rc = write_in(dir, base ? base + 1 : src, all, np + n);
    free(all);
    return rc;
}

/* The output folder (docs/codegen.md, docs/reliability.md). mcubench never deletes or
 * replaces a file it did not write: the files it writes are listed in MANIFEST inside the
 * folder, and only those are replaced or removed by the next generate. A folder that is not
 * empty and holds neither a manifest nor a model.h of ours is refused; a file of someone
 * else's in the way of one of ours is refused. Everything is staged first (beside a new
 * folder, inside an existing one, so renames stay on one file system) and moved into place
 * only when all of it was written; new folders get the user's umask. */
#define MANIFEST ".mcubench-files"

typedef struct {
    char **v;
    int n, cap;
} names;

static int names_add(names *l, const char *s)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 32;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    return (l->v[l->n] = strdup(s)) ? (l->n++, 0) : -1;
}

static int names_has(const names *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return 1;
    return 0;
}

static void names_free(names *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Removes the files this run put in a staging folder, then the folder. */
static void remove_staged(const char *dir, const names *staged)
{
    char path[4400];
    for (int i = 0; i < staged->n; i++)
        if (snprintf(path, sizeof path, "%s/%s", dir, staged->v[i]) < (int)sizeof path)
            unlink(path);
    rmdir(dir);
}

/* The files a previous generate wrote into dir (its manifest), or, for a library written
 * before manifests existed (a model.h starting with our banner), model.h and model.c.
 * Returns 1 if dir is ours, 2 if it is an old library of ours (every name we write counts as
 * ours), 0 if not (someone else's files), -1 on error (reported). */
static int owned_files(const char *dir, names *own)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/" MANIFEST, dir);
    size_t n;
    const int q = mcb_err_quiet(1);
    char *text = (char *)mcb_read_file_limited(path, &n, 1u << 16);
    mcb_err_quiet(q);
    if (text) {
        for (char *line = text, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = 0;
            /* a plain file name of this folder, nothing that could reach outside it */
            if (line[0] && line[0] != '#' && !strchr(line, '/') && strcmp(line, ".") &&
                strcmp(line, "..") && names_add(own, line) < 0) {
                free(text);
                return mcb_error("%s: out of memory", dir), -1;
            }
        }
        free(text);
        return 1;
    }
    snprintf(path, sizeof path, "%s/model.h", dir);
    char head[64] = "";
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t k = fread(head, 1, sizeof head - 1, f);
        head[k] = 0;
        fclose(f);
    }
    if (strncmp(head, "/* Generated by mcubench generate", 33) != 0)
        return 0;
    return 2;
}

/* Writes every file of the library into the folder stage; their names go to staged. */
static int write_all_files(const mcb_codegen *cg, const char *stage, names *staged)
{
    size_t nh = 0, nc = 0;
    char *h = model_h(cg, &nh), *c = model_c(cg, &nc);
    int rc = -1;
    if (!h || !c) {
        mcb_error("%s: out of memory writing the model source", stage);
        goto done;
    }
    if (names_add(staged, "model.h") || write_in(stage, "model.h", h, nh) ||
        names_add(staged, "model.c") || write_in(stage, "model.c", c, nc))
        goto done;
    for (int i = 0; i < cg->n_files; i++) {
        const char *base = strrchr(cg->files[i], '/');
        if (names_add(staged, base ? base + 1 : cg->files[i]) || copy_in(cg, stage, cg->files[i]))
            goto done;
    }
    {
        size_t n;
        const char *port = getenv("MCUBENCH_PORT_HEADER");
        uint8_t *data = mcb_read_file(port && *port ? port : MCB_PORT_HEADER, &n);
        if (!data || names_add(staged, "mcb_port.h") || write_in(stage, "mcb_port.h", data, n)) {
            free(data);
            goto done;
        }
        free(data);
    }
    {
        size_t len = 0, cap = 256;
        char *m = malloc(cap);
        for (int i = -1; m && i < staged->n; i++) {
            const char *line = i < 0 ? "# written by mcubench generate: the files it replaces or "
                                       "removes in this folder; no other file is touched"
                                     : staged->v[i];
            size_t k = strlen(line);
            if (len + k + 2 > cap) {
                char *nm = realloc(m, cap = 2 * (len + k + 2));
                if (!nm)
                    free(m);
                m = nm;
            }
            if (m) {
                memcpy(m + len, line, k);
                len += k;
                m[len++] = '\n';
            }
        }
        if (!m) {
            mcb_error("%s: out of memory", stage);
            goto done;
        }
        int w = names_add(staged, MANIFEST) || write_in(stage, MANIFEST, m, len);
        free(m);
        if (w)
            goto done;
    }
    rc = 0;
done:
    free(h);
    free(c);
    return rc;
}

/* A new folder: staged beside it, given the umask's mode, renamed into place. */
static int write_new(const mcb_codegen *cg, const char *dir)
{
    char stage[4200];
    names staged = {0};
    if (snprintf(stage, sizeof stage, "%s.tmp-XXXXXX", dir) >= (int)sizeof stage || !mkdtemp(stage)) {
        mcb_error("%s: cannot create a temporary folder beside it: %s", dir, strerror(errno));
        return -1;
    }
    mode_t mask = umask(022);
    umask(mask);
    int rc = -1;
    if (chmod(stage, 0777 & ~mask) != 0)
        mcb_error("%s: cannot set the folder's mode: %s", stage, strerror(errno));
    else if (write_all_files(cg, stage, &staged) == 0) {
        if (rename(stage, dir) == 0)
            rc = 0;
        else
            mcb_error("%s: cannot rename the generated folder into place: %s", dir,
                      strerror(errno));
    }
    if (rc != 0)
        remove_staged(stage, &staged);
    names_free(&staged);
    return rc;
}

/* An existing folder: our files replaced one by one, stale ones of ours removed, nothing
 * else touched. */
static int write_existing(const mcb_codegen *cg, const char *dir)
{
    names own = {0}, staged = {0}, entries = {0};
    char stage[4200], from[4400], to[4400];
    int rc = -1;
    DIR *d = opendir(dir);
    if (!d) {
        mcb_error("%s: cannot read the folder: %s", dir, strerror(errno));
        return -1;
    }
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && names_add(&entries, e->d_name)) {
            closedir(d);
            mcb_error("%s: out of memory", dir);
            goto done;
        }
    closedir(d);
    int ours = entries.n ? owned_files(dir, &own) : 1;
    if (ours < 0)
        goto done;
    if (!ours) {
        mcb_error("%s: exists, is not empty and holds no library of mcubench generate: not "
                  "replaced",
                  dir);
        goto done;
    }
    if (snprintf(stage, sizeof stage, "%s/.mcubench-tmp-XXXXXX", dir) >= (int)sizeof stage ||
        !mkdtemp(stage)) {
        mcb_error("%s: cannot create a temporary folder inside it: %s", dir, strerror(errno));
        goto done;
    }
    if (write_all_files(cg, stage, &staged) != 0)
        goto undo;
    /* a file of someone else's where one of ours goes: refused before anything moves */
    for (int i = 0; i < staged.n; i++)
        if (ours == 1 && names_has(&entries, staged.v[i]) && !names_has(&own, staged.v[i]) &&
            strcmp(staged.v[i], MANIFEST) != 0) {
            mcb_error("%s/%s: exists and was not written by mcubench generate: not replaced",
                      dir, staged.v[i]);
            goto undo;
        }
    for (int i = 0; i < staged.n; i++) {
        snprintf(from, sizeof from, "%s/%s", stage, staged.v[i]);
        snprintf(to, sizeof to, "%s/%s", dir, staged.v[i]);
        if (rename(from, to) != 0) {
            mcb_error("%s: cannot move the generated file into place: %s", to, strerror(errno));
            goto undo;
        }
    }
    /* ours from the previous library and not written now: removed (regular files only) */
    for (int i = 0; i < own.n; i++) {
        struct stat st;
        snprintf(to, sizeof to, "%s/%s", dir, own.v[i]);
        if (!names_has(&staged, own.v[i]) && lstat(to, &st) == 0 && S_ISREG(st.st_mode))
            unlink(to);
    }
    rc = 0;
undo:
    remove_staged(stage, &staged);
done:
    names_free(&own);
    names_free(&staged);
    names_free(&entries);
    return rc;
}

int mcb_codegen_write(const mcb_codegen *cg, const char *dir_arg)
{
    struct stat st;
    char dir[4000];
    /* "out/" must not put the temporary inside out */
    if (snprintf(dir, sizeof dir, "%s", dir_arg) >= (int)sizeof dir || !dir[0]) {
        mcb_error("%s: bad output folder name", dir_arg);
        return -1;
    }
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
        dir[n - 1] = 0;
    if (stat(dir, &st) != 0)
        return write_new(cg, dir);
    if (!S_ISDIR(st.st_mode)) {
        mcb_error("%s: exists and is not a folder: not replaced", dir);
        return -1;
    }
    return write_existing(cg, dir);
}
