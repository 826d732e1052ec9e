/* The C the cmsis-nn engine writes (cn_int.h): model.h, model.c (constants, the arena and one
 * CMSIS-NN call per layer, as a person would write them by hand), mcb_engine.c (the engine
 * entry points of engine.h) and a copy of mcb_port.h for the markers. */
#include "cn_int.h"

#include "cwrite.h"

#include "build.h"
#include "err.h"
#include "fileio.h"
#include "graph_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T(m, i) (&(m)->g->tensors[i])

/* The constants are "static MCB_MODEL_WEIGHTS" arrays (cwrite.h): const in flash, or copied to
 * RAM for weights_in_ram. */
static void emit_i8(FILE *f, const char *name, const char *dims, const int8_t *v, size_t n)
{
    mcb_cw_i8(f, "MCB_MODEL_WEIGHTS", name, dims, v, n);
}

/* v NULL: n zeros (a layer without bias: CMSIS-NN reads one). */
static void emit_i32(FILE *f, const char *name, const int32_t *v, size_t n)
{
    mcb_cw_i32(f, "MCB_MODEL_WEIGHTS", name, v, n);
}

static void emit_dims(FILE *f, int l, const char *what, long n, long h, long w, long c)
{
    fprintf(f, "static const cmsis_nn_dims layer%d_%s_dims = {.n = %ld, .h = %ld, .w = %ld, .c = %ld};\n",
            l, what, n, h, w, c);
}

static void tensor_text(const cn_model *m, int t, char *buf, size_t n)
{
    const mcb_tensor *x = T(m, t);
    char name[128];
    mcb_cw_comment_safe(x->name ? x->name : "", name, sizeof name);
    size_t o = (size_t)snprintf(buf, n, "%s%s", name, name[0] ? " " : "");
    for (int d = 0; d < x->rank && o + 12 < n; d++)
        o += (size_t)snprintf(buf + o, n - o, "%s%d", d ? "x" : "", (int)x->shape[d]);
}

/* The constants of layer l and its comment header. */
static void emit_layer_data(FILE *f, const cn_model *m, int l)
{
    const cn_step *s = &m->steps[l];
    char in[192], out[192], arr[48];
    const mcb_op *op = &m->g->ops[s->op];
    tensor_text(m, op->in[0], in, sizeof in); /* as the operator sees it (a reshape alias) */
    tensor_text(m, s->out, out, sizeof out);
    fprintf(f, "\n/* Layer %d: %s (graph operator %d), %lld MACs: %s", l,
            mcb_op_name(m->g->ops[s->op].code), s->op, (long long)s->macs, s->call);
    if (strcmp(s->call, s->kernel))
        fprintf(f, ",\n * which runs %s for these parameters", s->kernel);
    fprintf(f, ".\n * in:  %s at arena + %lld", in, (long long)cn_offset(m, s->in));
    if (s->in2 >= 0) {
        char in2[192];
        tensor_text(m, op->in[1], in2, sizeof in2);
        fprintf(f, "\n * in2: %s at arena + %lld", in2, (long long)cn_offset(m, s->in2));
    }
    fprintf(f, "\n * out: %s at arena + %lld", out, (long long)cn_offset(m, s->out));
    if (s->scratch_buf >= 0)
        fprintf(f, "\n * scratch: %lld bytes at arena + %lld", (long long)s->scratch,
                (long long)m->offset[s->scratch_buf]);
    fprintf(f, " */\n");
    const mcb_conv_params *c = &s->conv;
    switch (s->kind) {
    case CN_CONV:
    case CN_DWCONV: {
        const int dw = s->kind == CN_DWCONV;
        char dims[64];
        if (dw)
            snprintf(dims, sizeof dims, "1 * %d * %d * %d", c->filter_h, c->filter_w, c->out_c);
        else
            snprintf(dims, sizeof dims, "%d * %d * %d * %d", c->out_c, c->filter_h, c->filter_w,
                     c->in_c);
        snprintf(arr, sizeof arr, "layer%d_filter", l);
        emit_i8(f, arr, dims, s->filter,
                (size_t)c->filter_h * c->filter_w * (size_t)c->out_c * (dw ? 1 : (size_t)c->in_c));
        snprintf(arr, sizeof arr, "layer%d_bias", l);
        emit_i32(f, arr, s->bias, (size_t)c->out_c);
        snprintf(arr, sizeof arr, "layer%d_multiplier", l);
        emit_i32(f, arr, s->mult, (size_t)c->out_c);
        snprintf(arr, sizeof arr, "layer%d_shift", l);
        emit_i32(f, arr, s->shift, (size_t)c->out_c);
        fprintf(f, "static const %s layer%d_params = {\n"
                   "    .input_offset = %ld,\n    .output_offset = %ld,\n",
                dw ? "cmsis_nn_dw_conv_params" : "cmsis_nn_conv_params", l,
                (long)c->input_offset, (long)c->output_offset);
        if (dw)
            fprintf(f, "    .ch_mult = %d,\n", c->depth_multiplier);
        fprintf(f, "    .stride = {.w = %d, .h = %d},\n    .padding = {.w = %d, .h = %d},\n"
                   "    .dilation = {.w = %d, .h = %d},\n    .activation = {.min = %ld, .max = %ld},\n};\n",
                c->stride_w, c->stride_h, c->pad_w, c->pad_h, c->dilation_w, c->dilation_h,
                (long)c->act_min, (long)c->act_max);
        fprintf(f, "static const cmsis_nn_per_channel_quant_params layer%d_quant = {\n"
                   "    (int32_t *)layer%d_multiplier, (int32_t *)layer%d_shift};\n",
                l, l, l);
        emit_dims(f, l, "input", c->batches, c->in_h, c->in_w, c->in_c);
        if (dw)
            emit_dims(f, l, "filter", 1, c->filter_h, c->filter_w, c->out_c);
        else
            emit_dims(f, l, "filter", c->out_c, c->filter_h, c->filter_w, c->in_c);
        emit_dims(f, l, "bias", 1, 1, 1, c->out_c);
        emit_dims(f, l, "output", c->batches, c->out_h, c->out_w, c->out_c);
        break;
    }
    case CN_FC: {
        const mcb_fc_params *p = &s->fc;
        char dims[64];
        snprintf(dims, sizeof dims, "%d * %d", p->out_depth, p->in_depth);
        snprintf(arr, sizeof arr, "layer%d_weights", l);
        emit_i8(f, arr, dims, s->filter, (size_t)p->in_depth * p->out_depth);
        snprintf(arr, sizeof arr, "layer%d_bias", l);
        emit_i32(f, arr, s->bias, (size_t)p->out_depth);
        fprintf(f, "static const cmsis_nn_fc_params layer%d_params = {\n"
                   "    .input_offset = %ld,\n    .filter_offset = %ld,\n    .output_offset = %ld,\n"
                   "    .activation = {.min = %ld, .max = %ld},\n};\n",
                l, (long)p->input_offset, (long)p->filter_offset, (long)p->output_offset,
                (long)p->act_min, (long)p->act_max);
        if (p->per_channel) {
            snprintf(arr, sizeof arr, "layer%d_multiplier", l);
            emit_i32(f, arr, s->mult, (size_t)p->out_depth);
            snprintf(arr, sizeof arr, "layer%d_shift", l);
            emit_i32(f, arr, s->shift, (size_t)p->out_depth);
            fprintf(f, "static const cmsis_nn_per_channel_quant_params layer%d_quant = {\n"
                       "    (int32_t *)layer%d_multiplier, (int32_t *)layer%d_shift};\n",
                    l, l, l);
        } else {
            fprintf(f, "static const cmsis_nn_per_tensor_quant_params layer%d_quant = {\n"
                       "    .multiplier = %ld, .shift = %ld};\n",
                    l, (long)s->mult[0], (long)s->shift[0]);
        }
        /* input as [batches, depth]; the filter as CMSIS-NN wants it: n = accumulation
         * depth, c = output depth */
        emit_dims(f, l, "input", p->batches, 1, 1, p->in_depth);
        emit_dims(f, l, "filter", p->in_depth, 1, 1, p->out_depth);
        emit_dims(f, l, "bias", 1, 1, 1, p->out_depth);
        emit_dims(f, l, "output", p->batches, 1, 1, p->out_depth);
        break;
    }
    case CN_MAXPOOL:
    case CN_AVGPOOL: {
        const mcb_pool_params *p = &s->pool;
        fprintf(f, "static const cmsis_nn_pool_params layer%d_params = {\n"
                   "    .stride = {.w = %d, .h = %d},\n    .padding = {.w = %d, .h = %d},\n"
                   "    .activation = {.min = %ld, .max = %ld},\n};\n",
                l, p->stride_w, p->stride_h, p->pad_w, p->pad_h, (long)p->act_min,
                (long)p->act_max);
        emit_dims(f, l, "input", p->batches, p->in_h, p->in_w, p->depth);
        emit_dims(f, l, "filter", 1, p->filter_h, p->filter_w, 1);
        emit_dims(f, l, "output", p->batches, p->out_h, p->out_w, p->depth);
        break;
    }
    case CN_ADD: {
        const mcb_add_params *p = &s->add;
        fprintf(f, "#define LAYER%d_INPUT1_OFFSET %ld\n#define LAYER%d_INPUT1_MULTIPLIER %ld\n"
                   "#define LAYER%d_INPUT1_SHIFT %d\n#define LAYER%d_INPUT2_OFFSET %ld\n"
                   "#define LAYER%d_INPUT2_MULTIPLIER %ld\n#define LAYER%d_INPUT2_SHIFT %d\n"
                   "#define LAYER%d_LEFT_SHIFT %d\n#define LAYER%d_OUTPUT_OFFSET %ld\n"
                   "#define LAYER%d_OUTPUT_MULTIPLIER %ld\n#define LAYER%d_OUTPUT_SHIFT %d\n"
                   "#define LAYER%d_ACTIVATION_MIN %ld\n#define LAYER%d_ACTIVATION_MAX %ld\n"
                   "#define LAYER%d_ELEMENTS %lld\n",
                l, (long)p->input1_offset, l, (long)p->input1_multiplier, l, p->input1_shift, l,
                (long)p->input2_offset, l, (long)p->input2_multiplier, l, p->input2_shift, l,
                p->left_shift, l, (long)p->output_offset, l, (long)p->output_multiplier, l,
                p->output_shift, l, (long)p->act_min, l, (long)p->act_max, l,
                (long long)s->elems);
        break;
    }
    case CN_SOFTMAX:
        fprintf(f, "#define LAYER%d_ROWS %d\n#define LAYER%d_ROW_SIZE %d\n"
                   "#define LAYER%d_INPUT_MULTIPLIER %ld\n#define LAYER%d_INPUT_LEFT_SHIFT %d\n"
                   "#define LAYER%d_DIFF_MIN %d\n",
                l, s->rows, l, s->row_size, l, (long)s->softmax.input_multiplier, l,
                s->softmax.input_left_shift, l, s->softmax.diff_min);
        break;
    }
}

/* The check of layer l's scratch in mcb_model_setup (none for layers without a buffer API). */
static void emit_setup_check(FILE *f, const cn_model *m, int l)
{
    const cn_step *s = &m->steps[l];
    const long long planned = s->scratch_buf >= 0 ? (long long)s->scratch : 0;
    switch (s->kind) {
    case CN_CONV:
    case CN_DWCONV:
        fprintf(f, "    if (%s_get_buffer_size(&layer%d_params, &layer%d_input_dims, "
                   "&layer%d_filter_dims,\n        &layer%d_output_dims) > %lld)\n"
                   "        return %d;\n",
                s->call, l, l, l, l, planned, l + 1);
        break;
    case CN_FC:
        fprintf(f, "    if (arm_fully_connected_s8_get_buffer_size(&layer%d_filter_dims) > %lld)\n"
                   "        return %d;\n",
                l, planned, l + 1);
        break;
    case CN_AVGPOOL:
        fprintf(f, "    if (arm_avgpool_s8_get_buffer_size(layer%d_output_dims.w, layer%d_input_dims.c) "
                   "> %lld)\n        return %d;\n",
                l, l, planned, l + 1);
        break;
    default:
        break;
    }
}

static void emit_call(FILE *f, const cn_model *m, int l)
{
    const cn_step *s = &m->steps[l];
    const long long in = (long long)cn_offset(m, s->in), out = (long long)cn_offset(m, s->out);
    fprintf(f, "\n    /* layer %d: %s */\n", l, mcb_op_name(m->g->ops[s->op].code));
    fprintf(f, "    MCB_MODEL_MARK(MCB_MARK_LAYER_BEGIN, %d);\n", l);
    switch (s->kind) {
    case CN_CONV:
    case CN_DWCONV:
    case CN_FC:
        if (s->scratch_buf >= 0)
            fprintf(f, "    ctx.buf = arena + %lld;\n    ctx.size = %lld;\n",
                    (long long)m->offset[s->scratch_buf], (long long)s->scratch);
        else
            fprintf(f, "    ctx.buf = NULL;\n    ctx.size = 0;\n");
        fprintf(f, "    status = %s(&ctx, &layer%d_params, &layer%d_quant,\n"
                   "        &layer%d_input_dims, arena + %lld, &layer%d_filter_dims, layer%d_%s,\n"
                   "        &layer%d_bias_dims, layer%d_bias, &layer%d_output_dims, arena + %lld);\n",
                s->call, l, l, l, in, l, l, s->kind == CN_FC ? "weights" : "filter", l, l, l, out);
        break;
    case CN_MAXPOOL:
        fprintf(f, "    ctx.buf = NULL;\n    ctx.size = 0;\n"
                   "    status = arm_max_pool_s8(&ctx, &layer%d_params, &layer%d_input_dims, "
                   "arena + %lld,\n        &layer%d_filter_dims, &layer%d_output_dims, arena + %lld);\n",
                l, l, in, l, l, out);
        break;
    case CN_AVGPOOL:
        fprintf(f, "    ctx.buf = arena + %lld;\n    ctx.size = %lld;\n"
                   "    status = arm_avgpool_s8(&ctx, &layer%d_params, &layer%d_input_dims, "
                   "arena + %lld,\n        &layer%d_filter_dims, &layer%d_output_dims, arena + %lld);\n",
                (long long)m->offset[s->scratch_buf], (long long)s->scratch, l, l, in, l, l, out);
        break;
    case CN_ADD:
        fprintf(f, "    status = arm_elementwise_add_s8(arena + %lld, arena + %lld,\n"
                   "        LAYER%d_INPUT1_OFFSET, LAYER%d_INPUT1_MULTIPLIER, LAYER%d_INPUT1_SHIFT,\n"
                   "        LAYER%d_INPUT2_OFFSET, LAYER%d_INPUT2_MULTIPLIER, LAYER%d_INPUT2_SHIFT,\n"
                   "        LAYER%d_LEFT_SHIFT, arena + %lld, LAYER%d_OUTPUT_OFFSET, "
                   "LAYER%d_OUTPUT_MULTIPLIER,\n        LAYER%d_OUTPUT_SHIFT, LAYER%d_ACTIVATION_MIN, "
                   "LAYER%d_ACTIVATION_MAX, LAYER%d_ELEMENTS);\n",
                in, (long long)cn_offset(m, s->in2), l, l, l, l, l, l, l, out, l, l, l, l, l, l);
        break;
    case CN_SOFTMAX:
        fprintf(f, "    arm_softmax_s8(arena + %lld, LAYER%d_ROWS, LAYER%d_ROW_SIZE, "
                   "LAYER%d_INPUT_MULTIPLIER,\n        LAYER%d_INPUT_LEFT_SHIFT, LAYER%d_DIFF_MIN, "
                   "arena + %lld);\n",
                in, l, l, l, l, l, out);
        break;
    }
    fprintf(f, "    MCB_MODEL_MARK(MCB_MARK_LAYER_END, %d);\n", l);
    if (s->kind != CN_SOFTMAX)
        fprintf(f, "    if (status != ARM_CMSIS_NN_SUCCESS)\n        return %d;\n", l + 1);
    fprintf(f, "    MCB_MODEL_TRACE_LAYER(%d, arena + %lld, %lld);\n", l, out,
            (long long)mcb_tensor_bytes(T(m, s->out)));
}

static char *model_h(const cn_model *m, size_t *size)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, size);
    if (!f)
        return NULL;
    const mcb_tensor *x = T(m, m->in_t), *y = T(m, m->out_t);
    char name[512], xs[192], ys[192];
    mcb_cw_comment_safe(m->what, name, sizeof name);
    tensor_text(m, m->in_t, xs, sizeof xs);
    tensor_text(m, m->out_t, ys, sizeof ys);
    fprintf(f,
            "/* Generated by mcubench generate --engine cmsis-nn: do not edit.\n"
            " * Model: %s (%d layers, %lld MACs), as calls of CMSIS-NN's s8 API\n"
            " * (ARM-software/CMSIS-NN 4ab83cc3). Compile model.c (C99) with CMSIS-NN's Include\n"
            " * folder on the include path and link the CMSIS-NN library built for the same core\n"
            " * (Cortex-M4: the DSP extension's kernels). No malloc: one static arena of %lld\n"
            " * bytes holds the activations and the kernels' scratch at offsets planned offline;\n"
            " * weights, biases and requantization constants are const arrays (flash; with\n"
            " * MCB_MODEL_WEIGHTS_IN_RAM=1 initialised data, copied to RAM at start-up).\n"
            " * Define MCB_MODEL_MARKERS=1 for mcubench's cycle markers (mcb_port.h) around each\n"
            " * layer (off by default: the marker address faults on a real board), and\n"
            " * MCB_MODEL_TRACE=1 to have mcb_model_trace (below, yours to define) called after\n"
            " * each layer. */\n"
            "#ifndef MCB_MODEL_H\n#define MCB_MODEL_H\n\n#include <stdint.h>\n\n"
            "/* input: int8 %s; output: int8 %s */\n"
            "#define MCB_MODEL_INPUT_BYTES %lld\n"
            "#define MCB_MODEL_OUTPUT_BYTES %lld\n"
            "/* real value = scale * (q - zero_point) */\n"
            "#define MCB_MODEL_INPUT_SCALE %.9gf\n"
            "#define MCB_MODEL_INPUT_ZERO_POINT (%lld)\n"
            "#define MCB_MODEL_OUTPUT_SCALE %.9gf\n"
            "#define MCB_MODEL_OUTPUT_ZERO_POINT (%lld)\n"
            "#define MCB_MODEL_ARENA_BYTES %lld\n"
            "#define MCB_MODEL_LAYERS %d\n\n"
            "/* Once, before the first inference: checks that the library asks for no more scratch\n"
            " * than the plan gives each layer (it would on another core). 0, or 1 + the layer\n"
            " * that needs more. */\n"
            "int mcb_model_setup(void);\n"
            "/* Where to write the input and read the output (inside the arena, word-aligned). */\n"
            "int8_t *mcb_model_input(void);\n"
            "const int8_t *mcb_model_output(void);\n"
            "/* One inference, input to output; the input bytes are overwritten. 0, or 1 + the\n"
            " * layer whose CMSIS-NN call returned an error. Not reentrant. */\n"
            "int mcb_model_invoke(void);\n\n"
            "#if defined(MCB_MODEL_TRACE) && MCB_MODEL_TRACE\n"
            "/* Debugging: called after layer `layer` with its output (bytes bytes). */\n"
            "void mcb_model_trace(int layer, const int8_t *output, int bytes);\n"
            "#endif\n\n#endif\n",
            name, m->n_steps, (long long)mcb_graph_macs(m->g), (long long)m->arena, xs, ys,
            (long long)mcb_tensor_bytes(x), (long long)mcb_tensor_bytes(y), (double)x->scale[0],
            (long long)x->zero_point[0], (double)y->scale[0], (long long)y->zero_point[0],
            (long long)m->arena, m->n_steps);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *model_c(const cn_model *m, size_t *size)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, size);
    if (!f)
        return NULL;
    char name[512];
    mcb_cw_comment_safe(m->what, name, sizeof name);
    fprintf(f,
            "/* Generated by mcubench generate --engine cmsis-nn from %s: do not edit.\n"
            " * Arena plan: %lld bytes (lower bound for this order of layers: %lld bytes). */\n"
            "#include \"model.h\"\n\n#include \"arm_nnfunctions.h\"\n\n#include <stddef.h>\n\n"
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
            "/* The weights, biases and requantization tables are const (flash); built with\n"
            " * MCB_MODEL_WEIGHTS_IN_RAM=1 they are initialised data, copied to RAM at start-up. */\n"
            "#if defined(MCB_MODEL_WEIGHTS_IN_RAM) && MCB_MODEL_WEIGHTS_IN_RAM\n"
            "#define MCB_MODEL_WEIGHTS\n"
            "#else\n"
            "#define MCB_MODEL_WEIGHTS const\n"
            "#endif\n\n"
            "/* Activations and scratch buffers, at the offsets of the plan (multiples of 4). */\n"
            "static int8_t arena[%lld] MCB_MODEL_ALIGN4;\n\n"
            "/* CMSIS-NN's quantization structs take non-const pointers; the kernels only read\n"
            " * them, so the tables may stay const (in flash) and the pointers are cast. */\n",
            name, (long long)m->arena, (long long)m->bound, (long long)(m->arena > 0 ? m->arena : 4));
    for (int l = 0; l < m->n_steps; l++)
        emit_layer_data(f, m, l);
    fprintf(f, "\nint mcb_model_setup(void)\n{\n"
               "    /* The plan gives each call the scratch CMSIS-NN asks for on a core with the\n"
               "     * DSP extension (Cortex-M4); the library's own answer must not exceed it. */\n");
    for (int l = 0; l < m->n_steps; l++)
        emit_setup_check(f, m, l);
    fprintf(f, "    return 0;\n}\n");
    fprintf(f, "\nint8_t *mcb_model_input(void)\n{\n    return arena + %lld;\n}\n"
               "\nconst int8_t *mcb_model_output(void)\n{\n    return arena + %lld;\n}\n",
            (long long)cn_offset(m, m->in_t), (long long)cn_offset(m, m->out_t));
    int status = 0, ctx = 0;
    for (int l = 0; l < m->n_steps; l++) {
        status |= m->steps[l].kind != CN_SOFTMAX;
        ctx |= m->steps[l].kind != CN_SOFTMAX && m->steps[l].kind != CN_ADD;
    }
    fprintf(f, "\nint mcb_model_invoke(void)\n{\n");
    if (ctx)
        fprintf(f, "    cmsis_nn_context ctx;\n");
    if (status)
        fprintf(f, "    arm_cmsis_nn_status status;\n");
    for (int l = 0; l < m->n_steps; l++)
        emit_call(f, m, l);
    fprintf(f, "    return 0;\n}\n");
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static const char glue[] =
    "/* Generated by mcubench: the engine entry points (src/engines/engine.h) of a cmsis-nn\n"
    " * model; the inference markers are here, the layer markers in model.c. */\n"
    "#include \"model.h\"\n\n"
    "#if defined(MCB_MODEL_MARKERS) && MCB_MODEL_MARKERS\n"
    "#include \"mcb_port.h\"\n"
    "#define MCB_ENGINE_MARK(kind) MCB_MARK(kind, 0)\n"
    "#else\n"
    "#define MCB_ENGINE_MARK(kind) ((void)0)\n"
    "#endif\n\n"
    "int mcb_engine_setup(void)\n{\n    return mcb_model_setup();\n}\n\n"
    "void *mcb_engine_input(void)\n{\n    return mcb_model_input();\n}\n\n"
    "const void *mcb_engine_output(void)\n{\n    return mcb_model_output();\n}\n\n"
    "int mcb_engine_invoke(void)\n{\n"
    "    MCB_ENGINE_MARK(MCB_MARK_INFER_BEGIN);\n"
    "    const int rc = mcb_model_invoke();\n"
    "    MCB_ENGINE_MARK(MCB_MARK_INFER_END);\n"
    "    return rc;\n}\n";

static const char *const files[] = {"model.h", "model.c", "mcb_engine.c", "mcb_port.h"};

static void remove_written(const char *dir, int n)
{
    char path[4300];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
}

int cn_emit(const cn_model *m, const char *dir)
{
    size_t nh = 0, nc = 0, np = 0;
    char *h = model_h(m, &nh), *c = model_c(m, &nc);
    char port[4300], path[4300];
    const char *env = getenv("MCUBENCH_PORT_HEADER");
    if (env && *env)
        snprintf(port, sizeof port, "%s", env);
    else
        snprintf(port, sizeof port, "%s/mcb_port.h", mcb_runtime_dir());
    uint8_t *p = NULL;
    int rc = -1, written = 0;
    if (!h || !c) {
        mcb_error("%s: out of memory writing the model source", dir);
        goto done;
    }
    if (!(p = mcb_read_file(port, &np)))
        goto done;
    const struct {
        const void *data;
        size_t n;
    } out[] = {{h, nh}, {c, nc}, {glue, sizeof glue - 1}, {p, np}};
    for (; written < 4; written++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[written]);
        if (mcb_write_file_atomic(path, out[written].data, out[written].n) < 0) {
            remove_written(dir, written);
            goto done;
        }
    }
    rc = 0;
done:
    free(h);
    free(c);
    free(p);
    return rc;
}
