/* Analysis for the cmsis-nn engine (cn_int.h): one CMSIS-NN call per operator, with its
 * parameters and the kernel CMSIS-NN dispatches to. The graph is first checked by the host
 * executor (mcb_exec_prepare), and the constants are the lowered operators the executor runs
 * (lower.h: TFLite's QuantizeMultiplier, activation ranges, padding), so the generated code
 * computes what 'mcubench infer' computes. The support checks and the arena plan are the aot
 * generator's graph walk (src/codegen/walk.h, plan.h). */
#include "cn_int.h"

#include "err.h"
#include "exec.h"
#include "exec_int8.h"
#include "lower.h"
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(m, i) (&(m)->g->tensors[i])

/* One line naming the model (and operator op >= 0); -1. */
#define problem(m, op, ...) mcb_walk_problem((m)->g, (m)->what, (op), __VA_ARGS__)

int cn_canon(const cn_model *m, int t)
{
    return mcb_walk_canon(m->canon, t);
}

int64_t cn_offset(const cn_model *m, int t)
{
    return m->offset[m->buf_of[cn_canon(m, t)]];
}

static int cn_takes(int code)
{
    switch (code) {
    case MCB_OP_CONV_2D:
    case MCB_OP_DEPTHWISE_CONV_2D:
    case MCB_OP_FULLY_CONNECTED:
    case MCB_OP_MAX_POOL_2D:
    case MCB_OP_AVERAGE_POOL_2D:
    case MCB_OP_RESHAPE:
    case MCB_OP_SOFTMAX:
    case MCB_OP_ADD:
        return 1;
    default:
        return 0;
    }
}

/* The model's int8 input and output (inside a converter's QUANTIZE / DEQUANTIZE wrappers, which
 * are not generated: the caller quantizes, as for the aot engine), and the operator list. */
static int graph_checks(cn_model *m)
{
    static const mcb_walk_rules rules = {
        .engine = "cmsis-nn", .takes = cn_takes,
        .takes_list = " (it takes CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, "
                      "AVERAGE_POOL_2D, ADD, RESHAPE, SOFTMAX)"};
    mcb_walk_io io;
    const int rc = mcb_walk_check(m->g, m->what, &rules, &io);
    m->in_t = io.in_t, m->out_t = io.out_t;
    m->wrap_in = io.wrap_in, m->wrap_out = io.wrap_out;
    return rc;
}

static int64_t round4(int64_t v)
{
    return (v + 3) & ~(int64_t)3;
}

/* Which kernel arm_convolve_wrapper_s8 runs, and the buffer arm_convolve_wrapper_s8_get_buffer_size
 * asks for, on a core with the DSP extension and no MVE (Cortex-M4, built with GCC): the
 * library's dispatch rules, restated. The generated setup asks the library itself and refuses
 * to run if it wants more than planned here. */
static void conv_dispatch(cn_step *s)
{
    const mcb_conv_params *p = &s->conv;
    const int one_by_one = p->pad_h == 0 && p->pad_w == 0 && p->filter_h == 1 && p->filter_w == 1 &&
                           p->dilation_h == 1 && p->dilation_w == 1;
    const int one_by_n = p->in_h == 1 && p->dilation_w == 1 && p->filter_h == 1 &&
                         (p->stride_w * p->in_c) % 4 == 0;
    const int64_t im2col = 2 * round4((int64_t)p->filter_h * p->filter_w * p->in_c) * 2;
    snprintf(s->call, sizeof s->call, "arm_convolve_wrapper_s8");
    if (one_by_one) {
        const int fast = p->stride_h == 1 && p->stride_w == 1;
        snprintf(s->kernel, sizeof s->kernel, "%s", fast ? "arm_convolve_1x1_s8_fast"
                                                         : "arm_convolve_1x1_s8");
        s->scratch = 0; /* the fast path's buffer is for Arm Compiler 6 only */
    } else if (one_by_n) {
        snprintf(s->kernel, sizeof s->kernel, "arm_convolve_1_x_n_s8");
        s->scratch = im2col;
    } else {
        snprintf(s->kernel, sizeof s->kernel, "arm_convolve_s8");
        s->scratch = im2col; /* two im2col columns widened to int16 */
    }
}

/* The same for arm_depthwise_conv_wrapper_s8. */
static void dwconv_dispatch(cn_step *s)
{
    const mcb_conv_params *p = &s->conv;
    snprintf(s->call, sizeof s->call, "arm_depthwise_conv_wrapper_s8");
    if (p->depth_multiplier == 1 && p->batches == 1 && p->dilation_h == 1 &&
        p->dilation_w == 1) {
        if (p->filter_h == 3 && p->filter_w == 3 && p->pad_h <= 1 && p->pad_w <= 1) {
            snprintf(s->kernel, sizeof s->kernel, "arm_depthwise_conv_3x3_s8");
            s->scratch = 0;
        } else {
            snprintf(s->kernel, sizeof s->kernel, "arm_depthwise_conv_s8_opt");
            s->scratch = (int64_t)p->in_c * p->filter_h * p->filter_w * 2;
        }
    } else {
        snprintf(s->kernel, sizeof s->kernel, "arm_depthwise_conv_s8");
        s->scratch = 0;
    }
}

/* The lowered op oi: the host executor's own (mcb_walk_lowered); NULL after reporting. */
static const mcb_lowered *lowered(cn_model *m, int oi)
{
    return mcb_walk_lowered(m->exec, m->g, m->what, oi);
}

static int conv_step(cn_model *m, const mcb_lowered *l, int depthwise, cn_step *s)
{
    s->conv = l->conv;
    s->mult = l->mult, s->shift = l->shift;
    s->n_mult = l->n_mult;
    s->filter = l->filter;
    s->bias = l->bias;
    if (depthwise)
        dwconv_dispatch(s);
    else
        conv_dispatch(s);
    (void)m;
    return 0;
}

static int fc_step(cn_model *m, const mcb_lowered *l, cn_step *s)
{
    s->fc = l->fc;
    s->mult = l->mult, s->shift = l->shift;
    s->n_mult = l->n_mult;
    s->filter = l->filter;
    s->bias = l->bias;
    snprintf(s->call, sizeof s->call, "%s",
             s->fc.per_channel ? "arm_fully_connected_per_channel_s8" : "arm_fully_connected_s8");
    snprintf(s->kernel, sizeof s->kernel, "arm_nn_vec_mat_mult_t%s_s8",
             s->fc.per_channel ? "_per_ch" : "");
    /* arm_fully_connected_s8_get_buffer_size: the kernel sums are precomputed on Helium (MVE)
     * cores only; with the DSP extension the call takes no buffer. */
    s->scratch = 0;
    (void)m;
    return 0;
}

static int build_steps(cn_model *m)
{
    const mcb_graph *g = m->g;
    m->steps = calloc((size_t)g->n_ops, sizeof *m->steps);
    if (!m->steps)
        return problem(m, -1, "out of memory");
    for (int i = 0; i < g->n_ops; i++) {
        if (i == m->wrap_in || i == m->wrap_out)
            continue;
        const mcb_op *op = &g->ops[i];
        cn_step *s = &m->steps[m->n_steps];
        memset(s, 0, sizeof *s);
        s->scratch_buf = -1;
        s->op = i;
        s->in = cn_canon(m, op->in[0]);
        s->in2 = -1;
        s->out = op->out[0];
        const mcb_lowered *l = op->code == MCB_OP_RESHAPE ? NULL : lowered(m, i);
        if (op->code != MCB_OP_RESHAPE && !l)
            return -1;
        int rc = 0;
        switch (op->code) {
        case MCB_OP_CONV_2D:
        case MCB_OP_DEPTHWISE_CONV_2D:
            s->kind = op->code == MCB_OP_CONV_2D ? CN_CONV : CN_DWCONV;
            rc = conv_step(m, l, s->kind == CN_DWCONV, s);
            break;
        case MCB_OP_FULLY_CONNECTED:
            s->kind = CN_FC;
            rc = fc_step(m, l, s);
            break;
        case MCB_OP_MAX_POOL_2D:
            s->kind = CN_MAXPOOL;
            snprintf(s->call, sizeof s->call, "arm_max_pool_s8");
            snprintf(s->kernel, sizeof s->kernel, "arm_max_pool_s8");
            s->pool = l->pool;
            break;
        case MCB_OP_AVERAGE_POOL_2D:
            s->kind = CN_AVGPOOL;
            snprintf(s->call, sizeof s->call, "arm_avgpool_s8");
            snprintf(s->kernel, sizeof s->kernel, "arm_avgpool_s8");
            s->pool = l->pool;
            /* arm_avgpool_s8_get_buffer_size with the DSP extension: one int32 sum per
             * channel */
            s->scratch = 4 * (int64_t)s->pool.depth;
            break;
        case MCB_OP_ADD:
            s->kind = CN_ADD;
            snprintf(s->call, sizeof s->call, "arm_elementwise_add_s8");
            snprintf(s->kernel, sizeof s->kernel, "arm_elementwise_add_s8");
            s->in2 = cn_canon(m, op->in[1]);
            s->elems = mcb_tensor_elems(T(m, op->out[0]));
            s->add = l->add;
            break;
        case MCB_OP_RESHAPE:
            m->canon[op->out[0]] = s->in; /* the same bytes, a new shape: no call */
            continue;
        case MCB_OP_SOFTMAX:
            s->kind = CN_SOFTMAX;
            snprintf(s->call, sizeof s->call, "arm_softmax_s8");
            snprintf(s->kernel, sizeof s->kernel, "arm_softmax_s8");
            s->row_size = l->depth;
            s->rows = l->outer;
            s->softmax = l->softmax;
            break;
        default:
            rc = problem(m, i, "not supported by the cmsis-nn engine");
        }
        if (rc)
            return -1;
        s->macs = mcb_op_macs(g, op);
        m->n_steps++;
    }
    if (m->n_steps == 0)
        return problem(m, -1, "the model computes nothing (only reshapes)");
    return 0;
}

/* Lifetimes over the calls, as for the aot engine (walk.h, docs/codegen.md): a tensor lives
 * from the call that writes it to the last call that reads it or an alias of it; the input
 * from the first call, the output to the last; each call's scratch during that call only. */
static int plan(cn_model *m)
{
    mcb_walk_step *ws = calloc((size_t)m->n_steps + 1, sizeof *ws);
    if (!ws)
        return problem(m, -1, "out of memory");
    for (int s = 0; s < m->n_steps; s++) {
        const cn_step *st = &m->steps[s];
        ws[s] = (mcb_walk_step){{st->in, st->in2}, st->in2 >= 0 ? 2 : 1, st->out,
                                st->scratch > 0 ? st->scratch : -1};
    }
    mcb_walk_plan p;
    int rc = mcb_walk_plan_steps(m->g, m->what, m->canon, ws, m->n_steps, cn_canon(m, m->in_t),
                                 cn_canon(m, m->out_t), &p);
    free(ws);
    m->buf_of = p.buf_of, p.buf_of = NULL;
    m->n_bufs = p.n_bufs;
    m->arena = p.arena, m->bound = p.bound;
    m->offset = malloc(sizeof(int64_t) * (size_t)(p.n_bufs ? p.n_bufs : 1));
    if (rc == 0 && !m->offset)
        rc = problem(m, -1, "out of memory");
    for (int b = 0; rc == 0 && b < p.n_bufs; b++)
        m->offset[b] = p.bufs[b].offset;
    for (int s = 0; rc == 0 && s < m->n_steps; s++)
        m->steps[s].scratch_buf = p.scratch_buf[s];
    mcb_walk_plan_free(&p);
    return rc;
}

static void weight_bytes(cn_model *m)
{
    for (int s = 0; s < m->n_steps; s++) {
        const cn_step *st = &m->steps[s];
        const mcb_conv_params *c = &st->conv;
        switch (st->kind) {
        case CN_CONV:
            m->weight_bytes += (int64_t)c->filter_h * c->filter_w * c->in_c * c->out_c +
                               12 * (int64_t)c->out_c;
            break;
        case CN_DWCONV:
            m->weight_bytes += (int64_t)c->filter_h * c->filter_w * c->out_c + 12 * (int64_t)c->out_c;
            break;
        case CN_FC:
            m->weight_bytes += (int64_t)st->fc.in_depth * st->fc.out_depth +
                               4 * (int64_t)st->fc.out_depth + 8 * (int64_t)st->n_mult;
            break;
        default:
            break;
        }
    }
}

cn_model *cn_analyse(const mcb_graph *g, const char *what)
{
    cn_model *m = calloc(1, sizeof *m);
    if (!m || !(m->what = strdup(what))) {
        free(m);
        mcb_error("%s: out of memory", what);
        return NULL;
    }
    m->g = g;
    mcb_exec_register_int8();
    /* one line per invalid operator; the lowered ops stay with it for the steps */
    if (!(m->exec = mcb_exec_prepare(g, what)))
        goto fail;
    if (graph_checks(m))
        goto fail;
    m->canon = malloc(sizeof(int) * (size_t)g->n_tensors);
    if (!m->canon) {
        problem(m, -1, "out of memory");
        goto fail;
    }
    for (int t = 0; t < g->n_tensors; t++)
        m->canon[t] = t;
    if (build_steps(m) || plan(m))
        goto fail;
    weight_bytes(m);
    return m;
fail:
    cn_free(m);
    return NULL;
}

void cn_free(cn_model *m)
{
    if (!m)
        return;
    mcb_exec_free(m->exec);
    free(m->steps);
    free(m->canon);
    free(m->buf_of);
    free(m->offset);
    free(m->what);
    free(m);
}

int cn_check_fit(const cn_model *m, const mcb_target *t, int weights_in_ram)
{
    const int64_t flash = m->weight_bytes + CN_FLASH_MARGIN;
    const int64_t ram = m->arena + CN_RAM_MARGIN + (weights_in_ram ? m->weight_bytes : 0);
    if (flash > (int64_t)t->flash_size) {
        mcb_error("%s: does not fit: needs %lld bytes of flash (%lld of weights + %d for the "
                  "CMSIS-NN code and runtime), target %s has %lu", m->what, (long long)flash,
                  (long long)m->weight_bytes, CN_FLASH_MARGIN, t->name,
                  (unsigned long)t->flash_size);
        return -1;
    }
    if (ram > (int64_t)t->ram_size) {
        mcb_error("%s: does not fit: needs %lld bytes of RAM (arena %lld%s + %d for stack and "
                  "runtime), target %s has %lu", m->what, (long long)ram, (long long)m->arena,
                  weights_in_ram ? " + weights" : "", CN_RAM_MARGIN, t->name,
                  (unsigned long)t->ram_size);
        return -1;
    }
    return 0;
}
