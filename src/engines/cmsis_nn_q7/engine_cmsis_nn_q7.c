/* The cmsis-nn-q7 engine (engine.h): a q7 model (quantize --scheme q7) as C calling CMSIS-NN's
 * legacy q7 API the way the paper's networks were written against it: one call per layer
 * (arm_convolve_HWC_q7_RGB / _fast / _basic by their preconditions, arm_relu_q7,
 * arm_maxpool_q7_HWC, arm_fully_connected_q7_opt, arm_softmax_q7), weights as C arrays (const
 * in flash; with --weights-in-ram non-const, so the start-up code copies them to RAM as the
 * paper's build did), activations and the kernels' scratch in one arena planned offline
 * (src/codegen/plan.h). The legacy library is built from the pinned archive into the
 * framework cache (fwlib.h). The layer parameters and shifts come from exec_q7.h, which the
 * host executor uses too. */
#include "engine.h"
#include "err.h"
#include "exec_q7.h"
#include "fileio.h"
#include "fwlib.h"
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEGACY "cmsis-nn-legacy-cc3e92da"
#define CORE "cmsis6-5782d6f8"
#define FLASH_MARGIN 16384 /* code of the library, harness and runtime (as codegen.h) */
#define RAM_MARGIN 4096    /* stack and runtime */
/* arm_relu_q7 takes a uint16_t size: larger outputs are processed in chunks of this many
 * (a multiple of 4, so every chunk starts word-aligned for the DSP path). */
#define RELU_CHUNK 65532

static const mcb_fwlib_archive archives[] = {{LEGACY, NULL}, {CORE, NULL}};
static const char *const lib_sources[] = {
    LEGACY "/Source/ConvolutionFunctions/arm_convolve_HWC_q7_RGB.c",
    LEGACY "/Source/ConvolutionFunctions/arm_convolve_HWC_q7_basic.c",
    LEGACY "/Source/ConvolutionFunctions/arm_convolve_HWC_q7_fast.c",
    LEGACY "/Source/ConvolutionFunctions/arm_nn_mat_mult_kernel_q7_q15.c",
    LEGACY "/Source/ConvolutionFunctions/arm_nn_mat_mult_kernel_q7_q15_reordered.c",
    LEGACY "/Source/ActivationFunctions/arm_relu_q7.c",
    LEGACY "/Source/PoolingFunctions/arm_pool_q7_HWC.c",
    LEGACY "/Source/FullyConnectedFunctions/arm_fully_connected_q7_opt.c",
    LEGACY "/Source/SoftmaxFunctions/arm_softmax_q7.c",
    LEGACY "/Source/NNSupportFunctions/arm_q7_to_q15_no_shift.c",
    LEGACY "/Source/NNSupportFunctions/arm_q7_to_q15_reordered_no_shift.c",
    NULL};
static const char *const lib_includes[] = {LEGACY "/Include", CORE "/CMSIS/Core/Include", NULL};
/* Arm's sources as they are: their warnings are not ours to fix. */
static const char *const lib_flags[] = {"-w", NULL};

static int q7_available(char *why, size_t n)
{
    return mcb_fw_available(LEGACY, why, n) && mcb_fw_available(CORE, why, n);
}

static void q7_version(char *buf, size_t n)
{
    snprintf(buf, n, "cmsis-nn legacy q7 cc3e92da");
}

/* One call of the generated code. */
enum { K_CONV, K_RELU, K_POOL, K_FC, K_SOFTMAX };
typedef struct {
    int kind, op; /* op: graph operator */
    mcb_q7_params p;
    const char *fn;
    int in, out;  /* buffers */
    int scratch;  /* buffer, or -1 */
    int64_t n;    /* relu, softmax: elements */
    int64_t macs;
} call;

typedef struct {
    const mcb_engine_ctx *c;
    const mcb_graph *g;
    call *calls;
    int n_calls;
    mcb_plan_buf *bufs;
    int n_bufs;
    int *buf_of; /* per tensor: its buffer (RESHAPE outputs share their input's), or -1 */
    int64_t arena, bound, weight_bytes;
} gen;

static int new_buf(gen *s, int64_t size, int step)
{
    mcb_plan_buf *b = &s->bufs[s->n_bufs];
    b->size = size;
    b->first = b->last = step;
    return s->n_bufs++;
}

/* The tensor's buffer, created when the tensor is first written; its lifetime is extended to
 * every step that touches it. */
static int use(gen *s, int t, int step)
{
    if (s->buf_of[t] < 0)
        s->buf_of[t] = new_buf(s, mcb_tensor_elems(&s->g->tensors[t]), step);
    mcb_plan_buf *b = &s->bufs[s->buf_of[t]];
    b->first = step < b->first ? step : b->first;
    b->last = step > b->last ? step : b->last;
    return s->buf_of[t];
}

static const char *conv_fn(const mcb_q7_params *p)
{
    if (p->in_ch == 3)
        return "arm_convolve_HWC_q7_RGB";
    if (p->in_ch % 4 == 0 && p->out_ch % 2 == 0)
        return "arm_convolve_HWC_q7_fast";
    return "arm_convolve_HWC_q7_basic";
}

static int schedule(gen *s)
{
    const mcb_graph *g = s->g;
    const char *what = s->c->model_path;
    char why[256];
    if (g->scheme != MCB_SCHEME_Q7) {
        mcb_error("%s: not a q7 model: the cmsis-nn-q7 engine runs models made by 'mcubench "
                  "quantize --scheme q7'", what);
        return -1;
    }
    if (g->n_in != 1 || g->n_out != 1) {
        mcb_error("%s: %d inputs and %d outputs; the engine takes one of each", what, g->n_in,
                  g->n_out);
        return -1;
    }
    s->calls = calloc((size_t)2 * g->n_ops + 1, sizeof *s->calls);
    s->bufs = calloc((size_t)3 * g->n_ops + 2, sizeof *s->bufs);
    s->buf_of = malloc(((size_t)g->n_tensors + 1) * sizeof *s->buf_of);
    if (!s->calls || !s->bufs || !s->buf_of) {
        mcb_error("%s: out of memory", what);
        return -1;
    }
    for (int t = 0; t < g->n_tensors; t++)
        s->buf_of[t] = -1;
    use(s, g->in[0], 0);
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        const int step = s->n_calls;
        call *k = &s->calls[s->n_calls];
        k->op = i;
        k->scratch = -1;
        int rc = 0;
        switch (op->code) {
        case MCB_OP_RESHAPE: { /* no call: the output is the input's bytes */
            int fi = 0, fo = 0;
            rc = mcb_q7_frac(&g->tensors[op->in[0]], "input", &fi, why, sizeof why) ||
                 mcb_q7_frac(&g->tensors[op->out[0]], "output", &fo, why, sizeof why);
            if (!rc && (fi != fo || mcb_tensor_elems(&g->tensors[op->in[0]]) !=
                                        mcb_tensor_elems(&g->tensors[op->out[0]]))) {
                snprintf(why, sizeof why, "input and output differ in format or size");
                rc = -1;
            }
            if (!rc) {
                s->buf_of[op->out[0]] = use(s, op->in[0], step > 0 ? step - 1 : 0);
                continue;
            }
            break;
        }
        case MCB_OP_CONV_2D:
            rc = mcb_q7_conv_params(g, op, &k->p, why, sizeof why);
            k->kind = K_CONV;
            k->fn = conv_fn(&k->p);
            k->macs = mcb_op_macs(g, op);
            if (!rc) /* bufferA: two im2col columns of q15 */
                k->scratch = new_buf(s, (int64_t)4 * k->p.in_ch * k->p.kernel * k->p.kernel, step);
            break;
        case MCB_OP_FULLY_CONNECTED:
            rc = mcb_q7_fc_params(g, op, &k->p, why, sizeof why);
            k->kind = K_FC;
            k->fn = "arm_fully_connected_q7_opt";
            k->macs = mcb_op_macs(g, op);
            if (!rc && k->p.batches != 1) {
                snprintf(why, sizeof why, "%d input vectors: the engine runs batch 1",
                         k->p.batches);
                rc = -1;
            }
            if (!rc) /* vec_buffer: the input as q15 */
                k->scratch = new_buf(s, (int64_t)2 * k->p.in_ch, step);
            break;
        case MCB_OP_MAX_POOL_2D:
            rc = mcb_q7_pool_params(g, op, &k->p, why, sizeof why);
            k->kind = K_POOL;
            k->fn = "arm_maxpool_q7_HWC";
            break;
        case MCB_OP_SOFTMAX:
            rc = mcb_q7_softmax_check(g, op, why, sizeof why);
            k->kind = K_SOFTMAX;
            k->fn = "arm_softmax_q7";
            k->n = mcb_tensor_elems(&g->tensors[op->in[0]]);
            if (!rc && k->n != g->tensors[op->in[0]].shape[g->tensors[op->in[0]].rank - 1]) {
                snprintf(why, sizeof why, "more than one row: the engine runs batch 1");
                rc = -1;
            }
            break;
        default:
            snprintf(why, sizeof why, "not in the legacy q7 API as this engine uses it");
            rc = -1;
        }
        if (rc) {
            mcb_error("%s: operator %d (%s): %s", what, i, mcb_op_name(op->code), why);
            return -1;
        }
        k->in = use(s, op->in[0], step);
        k->out = use(s, op->out[0], step);
        s->n_calls++;
        if (k->kind != K_SOFTMAX && k->p.relu) { /* fused ReLU: a pass of its own */
            call *r = &s->calls[s->n_calls];
            r->kind = K_RELU;
            r->op = i;
            r->fn = "arm_relu_q7";
            r->scratch = -1;
            r->n = mcb_tensor_elems(&g->tensors[op->out[0]]);
            r->in = r->out = use(s, op->out[0], s->n_calls);
            s->n_calls++;
        }
    }
    use(s, g->out[0], s->n_calls > 0 ? s->n_calls - 1 : 0);
    if (s->n_calls == 0) {
        mcb_error("%s: no operator to run", what);
        return -1;
    }
    return mcb_plan_place(s->bufs, s->n_bufs, &s->arena, &s->bound);
}

/* ---- writing the C ---- */

static void bytes(FILE *f, const int8_t *d, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        fprintf(f, "%s%d,", i % 24 ? "" : "\n    ", d[i]);
    fprintf(f, "\n};\n\n");
}

static int weights(gen *s, FILE *f)
{
    const mcb_graph *g = s->g;
    const char *q = s->c->cond.weights_in_ram ? "" : "const ";
    for (int k = 0; k < s->n_calls; k++) {
        const call *c = &s->calls[k];
        if (c->kind != K_CONV && c->kind != K_FC)
            continue;
        const mcb_op *op = &g->ops[c->op];
        const mcb_tensor *w = &g->tensors[op->in[1]], *b = &g->tensors[op->in[2]];
        const int64_t nw = mcb_tensor_elems(w), nb = mcb_tensor_elems(b);
        const int8_t *wd = (const int8_t *)w->data;
        int8_t *ordered = NULL;
        if (c->kind == K_FC) { /* arm_fully_connected_q7_opt's interleaved order */
            if (!(ordered = malloc((size_t)nw))) {
                mcb_error("%s: out of memory", s->c->model_path);
                return -1;
            }
            mcb_q7_fc_opt_order(wd, c->p.out_ch, c->p.in_ch, ordered);
            wd = ordered;
        }
        fprintf(f, "/* operator %d (%s): %s weights, %lld bytes */\n"
                   "static %sq7_t w%d[%lld] __attribute__((aligned(4))) = {",
                c->op, mcb_op_name(op->code), c->kind == K_FC ? "reordered" : "[out][k][k][in]",
                (long long)nw, q, c->op, (long long)nw);
        bytes(f, wd, nw);
        free(ordered);
        fprintf(f, "static %sq7_t b%d[%lld] = {", q, c->op, (long long)nb);
        bytes(f, (const int8_t *)b->data, nb);
        s->weight_bytes += nw + nb;
    }
    return 0;
}

#define AT(buf) (long long)s->bufs[buf].offset

static void calls(gen *s, FILE *f)
{
    for (int k = 0; k < s->n_calls; k++) {
        const call *c = &s->calls[k];
        const mcb_q7_params *p = &c->p;
        fprintf(f, "    MARK(MCB_MARK_LAYER_BEGIN, %d);\n", k);
        switch (c->kind) {
        case K_CONV:
            fprintf(f, "    if (%s(A(%lld), %d, %d, w%d, %d, %d, %d, %d, b%d, %d, %d, A(%lld), %d,\n"
                       "            (q15_t *)(void *)A(%lld), NULL) != ARM_CMSIS_NN_SUCCESS)\n"
                       "        return %d;\n",
                    c->fn, AT(c->in), p->in_dim, p->in_ch, c->op, p->out_ch, p->kernel,
                    p->padding, p->stride, c->op, p->bias_shift, p->out_shift, AT(c->out),
                    p->out_dim, AT(c->scratch), k + 1);
            break;
        case K_RELU: /* in chunks: the size is a uint16_t */
            for (int64_t at = 0; at < c->n; at += RELU_CHUNK)
                fprintf(f, "    arm_relu_q7(A(%lld), %lld);\n", AT(c->out) + at,
                        (long long)(c->n - at < RELU_CHUNK ? c->n - at : RELU_CHUNK));
            break;
        case K_POOL: /* works in its input, which is dead afterwards */
            fprintf(f, "    arm_maxpool_q7_HWC(A(%lld), %d, %d, %d, %d, %d, %d, NULL, A(%lld));\n",
                    AT(c->in), p->in_dim, p->in_ch, p->kernel, p->padding, p->stride,
                    p->out_dim, AT(c->out));
            break;
        case K_FC:
            fprintf(f, "    if (arm_fully_connected_q7_opt(A(%lld), w%d, %d, %d, %d, %d, b%d, A(%lld),\n"
                       "            (q15_t *)(void *)A(%lld)) != ARM_CMSIS_NN_SUCCESS)\n"
                       "        return %d;\n",
                    AT(c->in), c->op, p->in_ch, p->out_ch, p->bias_shift, p->out_shift, c->op,
                    AT(c->out), AT(c->scratch), k + 1);
            break;
        case K_SOFTMAX:
            fprintf(f, "    arm_softmax_q7(A(%lld), %lld, A(%lld));\n", AT(c->in),
                    (long long)c->n, AT(c->out));
            break;
        }
        fprintf(f, "    MARK(MCB_MARK_LAYER_END, %d);\n", k);
    }
}

static int write_source(gen *s, const char *path)
{
    const mcb_graph *g = s->g;
    FILE *f = fopen(path, "w");
    if (!f) {
        mcb_error("%s: cannot create", path);
        return -1;
    }
    fprintf(f,
            "/* Generated by mcubench (engine cmsis-nn-q7) from %s: CMSIS-NN's legacy q7 API,\n"
            " * one call per layer. Weights %s; activations and scratch in one arena of %lld\n"
            " * bytes planned offline. */\n"
            "#include \"arm_nnfunctions.h\"\n#include \"mcb_runtime.h\"\n\n#include <stddef.h>\n\n"
            "#if defined(MCB_MODEL_MARKERS) && MCB_MODEL_MARKERS\n"
            "#define MARK(kind, index) MCB_MARK(kind, index)\n#else\n"
            "#define MARK(kind, index) ((void)0)\n#endif\n\n"
            "static q7_t arena[%lld] __attribute__((aligned(4)));\n"
            "#define A(offset) (arena + (offset))\n\n",
            s->c->model_path,
            s->c->cond.weights_in_ram ? "as non-const arrays (copied to RAM at start-up)"
                                      : "const (in flash)",
            (long long)s->arena, (long long)(s->arena > 0 ? s->arena : 4));
    if (weights(s, f)) {
        fclose(f);
        return -1;
    }
    fprintf(f, "int mcb_engine_setup(void)\n{\n    return 0;\n}\n\n"
               "void *mcb_engine_input(void)\n{\n    return A(%lld);\n}\n\n"
               "const void *mcb_engine_output(void)\n{\n    return A(%lld);\n}\n\n"
               "int mcb_engine_invoke(void)\n{\n    MARK(MCB_MARK_INFER_BEGIN, 0);\n",
            AT(s->buf_of[g->in[0]]), AT(s->buf_of[g->out[0]]));
    calls(s, f);
    fprintf(f, "    MARK(MCB_MARK_INFER_END, 0);\n    return 0;\n}\n");
    if (fclose(f) != 0) {
        mcb_error("%s: write failed", path);
        return -1;
    }
    return 0;
}

static int fits(const gen *s, const mcb_target *t, int64_t *flash_need)
{
    const int64_t ram = s->arena + (s->c->cond.weights_in_ram ? s->weight_bytes : 0) + RAM_MARGIN;
    *flash_need = s->weight_bytes + FLASH_MARGIN;
    if (*flash_need > (int64_t)t->flash_size) {
        mcb_error("%s: does not fit %s: needs %lld bytes of flash (%lld of weights + %d for "
                  "code and runtime), the target has %lu", s->c->model_path, t->name,
                  (long long)*flash_need, (long long)s->weight_bytes, FLASH_MARGIN,
                  (unsigned long)t->flash_size);
        return -1;
    }
    if (ram > (int64_t)t->ram_size) {
        char w[64] = "";
        if (s->c->cond.weights_in_ram)
            snprintf(w, sizeof w, " + weights %lld", (long long)s->weight_bytes);
        mcb_error("%s: does not fit %s: needs %lld bytes of RAM (arena %lld%s + %d for stack "
                  "and runtime), the target has %lu", s->c->model_path, t->name, (long long)ram,
                  (long long)s->arena, w, RAM_MARGIN, (unsigned long)t->ram_size);
        return -1;
    }
    return 0;
}

static int q7_generate(const mcb_engine_ctx *c, mcb_engine_build *b)
{
    gen s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.g = c->g;
    int rc = -1;
    char path[4200], lib[4096], inc[4200];
    snprintf(path, sizeof path, "%s/model_q7.c", c->dir);
    if (schedule(&s) || write_source(&s, path))
        goto done;
    int64_t flash_need;
    if (fits(&s, c->target, &flash_need)) {
        remove(path);
        goto done;
    }
    mcb_fwlib_spec spec = {.name = "cmsis-nn-q7", .archives = archives, .n_archives = 2,
                           .sources = lib_sources, .include_dirs = lib_includes,
                           .flags = lib_flags, .target = c->target, .cond = &c->cond};
    if (mcb_fwlib_build(&spec, lib, sizeof lib, NULL) || mcb_strs_add(&b->libs, lib))
        goto done;
    for (int i = 0; lib_includes[i]; i++)
        if (mcb_fwlib_path(&spec, lib_includes[i], inc, sizeof inc) ||
            mcb_strs_add(&b->include_dirs, inc))
            goto done;
    b->layers = calloc((size_t)s.n_calls + 1, sizeof *b->layers);
    /* a CMSIS-NN q7 user writes this file by hand (Arm's example generator aside) */
    if (!b->layers || mcb_strs_add(&b->sources, path) || mcb_strs_add(&b->hand_written, path) ||
        mcb_strs_add(&b->cflags, "-std=c99") ||
        mcb_strs_add(&b->cflags, "-Wall") || mcb_strs_add(&b->cflags, "-Wextra") ||
        mcb_strs_add(&b->cflags, "-Werror")) {
        mcb_error("%s: out of memory", c->model_path);
        goto done;
    }
    b->n_layers = s.n_calls;
    for (int k = 0; k < s.n_calls; k++) {
        snprintf(b->layers[k].op, sizeof b->layers[k].op, "%s", s.calls[k].fn);
        b->layers[k].macs = s.calls[k].macs;
    }
    b->input_tensor = c->g->in[0];
    b->output_tensor = c->g->out[0];
    b->arena_bytes = s.arena;
    b->weight_bytes = s.weight_bytes;
    b->plain_weight_bytes = s.weight_bytes;
    b->lower_bound_bytes = s.bound;
    b->flash_need = flash_need;
    q7_version(b->version, sizeof b->version);
    rc = 0;
done:
    free(s.calls);
    free(s.bufs);
    free(s.buf_of);
    return rc;
}

const mcb_engine mcb_engine_cmsis_nn_q7 = {
    .name = "cmsis-nn-q7",
    .about = "CMSIS-NN's legacy q7 API (the paper's build): arm_convolve_HWC_q7_*, "
             "arm_fully_connected_q7_opt, power-of-two q7 models",
    .available = q7_available,
    .version = q7_version,
    .generate = q7_generate,
    .workflow = "quantize with Arm's q7 script (power-of-two shifts), then C by hand calling "
                "the legacy q7 API layer by layer with the shifts and reordered FC weights",
    .scheme = "q7",
    .weights_in_ram = 1,
};
