/* Analysis for the code generator (codegen.h): the operators it takes and how each becomes a
 * step (op_steps: the lowered op's kernel parameters, then the aot kernel or the reference
 * one), the fused schedule, weight packing and the memory plan (walk.h). The graph is first
 * checked by the host executor (mcb_exec_prepare: every op's lowering, lower.h), so shapes,
 * types and quantization are known to be valid here; this file adds what the generated code
 * does not support. */
#include "codegen_int.h"

#include "err.h"
#include "exec.h"
#include "exec_int8.h"
#include "graph_mem.h"
#include "lower.h"
#include "plan.h"
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(cg, i) (&(cg)->g->tensors[i])

/* One line naming the model (and operator op >= 0); -1. */
#define problem(cg, op, ...) mcb_walk_problem((cg)->g, (cg)->what, (op), __VA_ARGS__)

/* The lowered op oi: the host executor's own (mcb_walk_lowered); NULL after reporting. */
static const mcb_lowered *lowered(mcb_codegen *cg, int oi)
{
    return mcb_walk_lowered(cg->exec, cg->g, cg->what, oi);
}

/* A conv or depthwise conv step's parameters (s->conv, which the step may change) and
 * constants, from the lowered op. */
static int conv_params(mcb_codegen *cg, int oi, cg_step *s)
{
    const mcb_lowered *l = lowered(cg, oi);
    if (!l)
        return -1;
    s->conv = l->conv;
    s->mult = l->mult, s->shift = l->shift;
    s->filter = l->filter, s->bias = l->bias;
    return 0;
}

static int fc_params(mcb_codegen *cg, int oi, cg_step *s)
{
    const mcb_lowered *l = lowered(cg, oi);
    if (!l)
        return -1;
    s->fc = l->fc;
    s->mult = l->mult, s->shift = l->shift;
    s->filter = l->filter, s->bias = l->bias;
    return 0;
}

static int pool_params(mcb_codegen *cg, int oi, mcb_pool_params *p)
{
    const mcb_lowered *l = lowered(cg, oi);
    if (!l)
        return -1;
    *p = l->pool;
    return 0;
}

/* The MAX_POOL_2D that may be fused into conv op oi: the only reader of its output, 2x2
 * stride 2 VALID, and the conv output is not a graph output; else -1. */
static int fusable_pool(const mcb_graph *g, int oi)
{
    const int t = g->ops[oi].out[0];
    int only = -1;
    if (mcb_walk_is_graph_output(g, t) || mcb_walk_readers(g, t, &only) != 1)
        return -1;
    const mcb_op *p = &g->ops[only];
    if (p->code != MCB_OP_MAX_POOL_2D || p->filter_h != 2 || p->filter_w != 2 ||
        p->stride_h != 2 || p->stride_w != 2 || p->padding != MCB_PAD_VALID)
        return -1;
    return only;
}

/* Builds the step for conv op oi (and a fused pool); pool_op -1 if none is fusable. */
static int conv_step(mcb_codegen *cg, int oi, int pool_op, cg_step *s, int *fused)
{
    *fused = 0;
    if (conv_params(cg, oi, s) || (pool_op >= 0 && pool_params(cg, pool_op, &s->pool)))
        return -1;
    char what[64];
    snprintf(what, sizeof what, "operator %d", oi);
    /* a layer the aot kernels do not cover falls back to the reference kernel: not an error */
    const int q = mcb_err_quiet(1);
    if (pool_op >= 0) {
        if (mcb_aot_conv_pack_w(what, &s->conv, &s->pool, s->filter, s->bias,
                                !cg->opts.weights_int16, &s->aconv) == 0) {
            mcb_err_quiet(q);
            s->kind = CG_AOT_CONV;
            *fused = 1;
            return 0;
        }
    }
    int rc = mcb_aot_conv_pack_w(what, &s->conv, NULL, s->filter, s->bias,
                                 !cg->opts.weights_int16, &s->aconv);
    mcb_err_quiet(q);
    s->kind = rc == 0 ? CG_AOT_CONV : CG_REF_CONV;
    return 0;
}

/* A depthwise conv: of one input channel (depth multiplier = output channels), it is a conv
 * with the filter transposed, [1][h][w][M] -> [M][h][w][1], on the aot conv kernel; with
 * multiplier 1, the aot depthwise kernel; else (or where those refuse) the reference kernel. */
static int dw_step(mcb_codegen *cg, int oi, cg_step *s)
{
    char what[64];
    snprintf(what, sizeof what, "operator %d", oi);
    const mcb_conv_params *p = &s->conv;
    const int q = mcb_err_quiet(1);
    if (p->in_c == 1 && p->out_c > 1) {
        const int taps = p->filter_h * p->filter_w, m = p->out_c;
        s->owned_filter = malloc((size_t)taps * m);
        if (!s->owned_filter) {
            mcb_err_quiet(q);
            return problem(cg, oi, "out of memory");
        }
        for (int t = 0; t < taps; t++)
            for (int o = 0; o < m; o++)
                s->owned_filter[(size_t)o * taps + t] = s->filter[(size_t)t * m + o];
        mcb_conv_params c = *p;
        c.depth_multiplier = 1;
        if (mcb_aot_conv_pack_w(what, &c, NULL, s->owned_filter, s->bias,
                                !cg->opts.weights_int16, &s->aconv) == 0) {
            mcb_err_quiet(q);
            s->conv = c;
            s->filter = s->owned_filter;
            s->kind = CG_AOT_CONV;
            return 0;
        }
    }
    if (mcb_aot_dw_pack(what, p, s->filter, s->bias, &s->adw) == 0)
        s->kind = CG_AOT_DWCONV;
    mcb_err_quiet(q);
    return 0;
}

/* How operator i becomes step s (lowered op -> kernel kind), marking the operators it fuses
 * in done: 0 (step made), 1 (no step: the op is an alias) or -1 (reported). */
typedef int cg_step_fn(mcb_codegen *cg, int i, cg_step *s, char *done);

/* The step builder of an opcode the aot engine takes, else NULL (op_steps, below). */
static cg_step_fn *op_step(int code);

static int aot_takes(int code)
{
    return op_step(code) != NULL;
}

static int graph_checks(mcb_codegen *cg)
{
    static const mcb_walk_rules rules = {.engine = "aot", .takes = aot_takes, .takes_list = "",
                                         .one_quant = 1, .batch1_conv = 1};
    mcb_walk_io io;
    const int rc = mcb_walk_check(cg->g, cg->what, &rules, &io);
    cg->in_t = io.in_t, cg->out_t = io.out_t;
    cg->wrap_in = io.wrap_in, cg->wrap_out = io.wrap_out;
    return rc;
}

static int canon(const mcb_codegen *cg, int t)
{
    return mcb_walk_canon(cg->canon, t);
}

/* An ADD fused into the aot conv of step s (op oi, no pool): the ADD is the only reader of the
 * conv output, which is not the graph output, and its other input (the residual) is ready
 * (the graph input, or made by an operator already scheduled: the conv is the later of the
 * two producers). The conv epilogue then adds the residual and requantizes as the ADD does,
 * so the conv output never exists. The result overwrites the residual (in place, the ADD
 * output an alias of the residual's bytes) when no later operator reads the residual, it is
 * not the conv's input, nor the graph input or output. Returns 0 (fused or not), -1 on error. */
static int fuse_add(mcb_codegen *cg, int oi, cg_step *s, char *done)
{
    const mcb_graph *g = cg->g;
    const int t = g->ops[oi].out[0];
    int a = -1;
    if (s->kind != CG_AOT_CONV || s->aconv.k.pool || t == cg->out_t || mcb_walk_is_graph_output(g, t) ||
        mcb_walk_readers(g, t, &a) != 1 || done[a])
        return 0;
    const mcb_op *add = &g->ops[a];
    if (add->code != MCB_OP_ADD || add->n_in != 2 || add->n_out != 1 || add->in[0] == add->in[1])
        return 0;
    const int second = add->in[1] == t, r = add->in[second ? 0 : 1];
    if (r < 0 || T(cg, r)->data || mcb_tensor_elems(T(cg, r)) != mcb_tensor_elems(T(cg, t)))
        return 0;
    const int pr = mcb_walk_producer(g, r);
    if (pr >= 0 && pr > oi && !done[pr])
        return 0; /* the residual comes later: the ADD goes with its producer, if a conv */
    const mcb_lowered *la = lowered(cg, a);
    if (!la)
        return -1;
    s->add = la->add;
    const int q = mcb_err_quiet(1);
    const int rc = mcb_aot_add_pack("ADD", &s->add, &s->aadd);
    mcb_err_quiet(q);
    if (rc != 0)
        return 0;
    if (second) { /* table1 is the conv output's */
        int32_t *x = s->aadd.table1;
        s->aadd.table1 = s->aadd.table2, s->aadd.table2 = x;
        s->aadd.k.table1 = s->aadd.table1, s->aadd.k.table2 = s->aadd.table2;
    }
    s->add_fused = 1;
    s->ops[s->n_ops++] = a;
    s->in[1] = canon(cg, r);
    s->n_in = 2;
    s->out = add->out[0];
    s->elems = mcb_tensor_elems(T(cg, t));
    done[a] = 1;
    const int res = s->in[1];
    int in_place = res != s->in[0] && res != canon(cg, cg->in_t) && r != cg->out_t &&
                   !mcb_walk_is_graph_output(g, r);
    for (int j = oi + 1; j < g->n_ops && in_place; j++)
        for (int k = 0; j != a && k < g->ops[j].n_in; k++)
            if (g->ops[j].in[k] >= 0 && canon(cg, g->ops[j].in[k]) == res)
                in_place = 0;
    if (in_place)
        cg->canon[add->out[0]] = res;
    return 0;
}

/* ---- One step per operator (or a few, fused): cg_step_fn ---- */

static int step_conv(mcb_codegen *cg, int i, cg_step *s, char *done)
{
    const mcb_graph *g = cg->g;
    const int pool = fusable_pool(g, i);
    int fused = 0;
    int rc = conv_step(cg, i, pool, s, &fused);
    if (fused) {
        s->ops[s->n_ops++] = pool;
        s->out = g->ops[pool].out[0];
        done[pool] = 1;
    } else if (rc == 0) {
        rc = fuse_add(cg, i, s, done);
    }
    return rc;
}

static int step_dwconv(mcb_codegen *cg, int i, cg_step *s, char *done)
{
    (void)done;
    s->kind = CG_REF_DWCONV;
    return conv_params(cg, i, s) || dw_step(cg, i, s) ? -1 : 0;
}

static int step_fc(mcb_codegen *cg, int i, cg_step *s, char *done)
{
    (void)done;
    int rc = fc_params(cg, i, s);
    char what[64];
    snprintf(what, sizeof what, "operator %d", i);
    const int q = mcb_err_quiet(1);
    s->kind = rc == 0 && mcb_aot_fc_pack_w(what, &s->fc, s->filter, s->bias,
                                           !cg->opts.weights_int16, &s->afc) == 0
                  ? CG_AOT_FC
                  : CG_REF_FC;
    mcb_err_quiet(q);
    return rc;
}

static int step_pool(mcb_codegen *cg, int i, cg_step *s, char *done)
{
    (void)done;
    s->kind = cg->g->ops[i].code == MCB_OP_MAX_POOL_2D ? CG_MAXPOOL : CG_AVGPOOL;
    int rc = pool_params(cg, i, &s->pool);
    if (rc == 0 && s->kind == CG_AVGPOOL) {
        const int q = mcb_err_quiet(1);
        if (mcb_aot_avg_pool_pack("AVERAGE_POOL_2D", &s->pool, &s->aavg) == 0)
            s->kind = CG_AOT_AVGPOOL;
        mcb_err_quiet(q);
    }
    return rc;
}

static int step_reshape(mcb_codegen *cg, int i, cg_step *s, char *done)
{
    (void)done;
    cg->canon[cg->g->ops[i].out[0]] = s->in[0]; /* in place: the same bytes, a new shape */
    return 1;
}

static int step_softmax(mcb_codegen *cg, int i, cg_step *s, char *done)
{
    (void)done;
    const mcb_lowered *l = lowered(cg, i);
    s->kind = CG_SOFTMAX;
    if (!l)
        return -1;
    s->softmax = l->softmax;
    s->outer = l->outer, s->depth = l->depth;
    return 0;
}

static int step_add(mcb_codegen *cg, int i, cg_step *s, char *done)
{
    (void)done;
    const mcb_op *op = &cg->g->ops[i];
    const mcb_lowered *l = lowered(cg, i);
    s->kind = CG_ADD;
    s->in[1] = canon(cg, op->in[1]);
    s->n_in = 2;
    s->elems = mcb_tensor_elems(T(cg, op->out[0]));
    if (!l)
        return -1;
    s->add = l->add;
    const int q = mcb_err_quiet(1);
    if (mcb_aot_add_pack("ADD", &s->add, &s->aadd) == 0)
        s->kind = CG_AOT_ADD;
    mcb_err_quiet(q);
    return 0;
}

/* The operators the aot engine takes, and how each becomes a step. */
static const struct {
    int code;
    cg_step_fn *step;
} op_steps[] = {
    {MCB_OP_CONV_2D, step_conv},     {MCB_OP_DEPTHWISE_CONV_2D, step_dwconv},
    {MCB_OP_FULLY_CONNECTED, step_fc}, {MCB_OP_MAX_POOL_2D, step_pool},
    {MCB_OP_AVERAGE_POOL_2D, step_pool}, {MCB_OP_RESHAPE, step_reshape},
    {MCB_OP_SOFTMAX, step_softmax},  {MCB_OP_ADD, step_add},
};

static cg_step_fn *op_step(int code)
{
    for (size_t k = 0; k < sizeof op_steps / sizeof op_steps[0]; k++)
        if (op_steps[k].code == code)
            return op_steps[k].step;
    return NULL;
}

static int build_steps(mcb_codegen *cg)
{
    const mcb_graph *g = cg->g;
    char *done = calloc((size_t)g->n_ops, 1);
    cg->steps = calloc((size_t)g->n_ops, sizeof *cg->steps);
    if (!done || !cg->steps) {
        free(done);
        return problem(cg, -1, "out of memory");
    }
    int rc = 0;
    if (cg->wrap_in >= 0)
        done[cg->wrap_in] = 1;
    if (cg->wrap_out >= 0)
        done[cg->wrap_out] = 1;
    for (int i = 0; i < g->n_ops && rc == 0; i++) {
        if (done[i])
            continue;
        const mcb_op *op = &g->ops[i];
        cg_step *s = &cg->steps[cg->n_steps];
        memset(s, 0, sizeof *s);
        s->scratch_buf = -1;
        s->ops[0] = i;
        s->n_ops = 1;
        s->in[0] = canon(cg, op->in[0]);
        s->n_in = 1;
        s->out = op->out[0];
        cg_step_fn *step = op_step(op->code);
        rc = step ? step(cg, i, s, done) : problem(cg, i, "not supported by the aot engine");
        if (rc == 1) { /* no step */
            rc = 0;
            continue;
        }
        for (int k = 0; k < s->n_ops; k++)
            s->macs += mcb_op_macs(g, &g->ops[s->ops[k]]);
        cg->n_steps++;
    }
    free(done);
    return rc;
}

/* The plan over the steps (walk.h), and per-layer figures. */
static int plan(mcb_codegen *cg)
{
    const mcb_graph *g = cg->g;
    mcb_walk_step *ws = calloc((size_t)cg->n_steps + 1, sizeof *ws);
    if (!ws)
        return problem(cg, -1, "out of memory");
    for (int s = 0; s < cg->n_steps; s++) {
        const cg_step *st = &cg->steps[s];
        const cg_kind_desc *d = cg_kinds[st->kind];
        ws[s] = (mcb_walk_step){{st->in[0], st->in[1]}, st->n_in, st->out,
                                d->scratch ? d->scratch(st) : -1};
    }
    cg->canon_in = canon(cg, cg->in_t);
    cg->canon_out = canon(cg, cg->out_t);
    mcb_walk_plan p;
    int rc = mcb_walk_plan_steps(g, cg->what, cg->canon, ws, cg->n_steps, cg->canon_in,
                                 cg->canon_out, &p);
    free(ws);
    cg->buf_of = p.buf_of, p.buf_of = NULL;
    cg->n_bufs = p.n_bufs;
    cg->arena = p.arena, cg->bound = p.bound;
    cg->layers = calloc((size_t)cg->n_steps + 1, sizeof *cg->layers);
    cg->offset = malloc(sizeof(int64_t) * (size_t)(p.n_bufs ? p.n_bufs : 1));
    if (rc == 0 && (!cg->layers || !cg->offset))
        rc = problem(cg, -1, "out of memory");
    if (rc) {
        mcb_walk_plan_free(&p);
        return -1;
    }
    const int nb = p.n_bufs;
    const mcb_plan_buf *bufs = p.bufs;
    for (int b = 0; b < nb; b++)
        cg->offset[b] = bufs[b].offset;
    for (int s = 0; s < cg->n_steps; s++) {
        cg_step *st = &cg->steps[s];
        mcb_codegen_layer *l = &cg->layers[s];
        st->scratch_buf = p.scratch_buf[s];
        l->op[0] = 0;
        for (int k = 0; k < st->n_ops; k++) {
            if (k)
                strcat(l->op, "+");
            strncat(l->op, mcb_op_name(g->ops[st->ops[k]].code), 20);
        }
        snprintf(l->kernel, sizeof l->kernel, "%s",
                 st->add_fused ? "mcb_aot_conv_add_s8" : cg_kernel_name(st->kind));
        l->macs = st->macs;
        l->scratch_bytes = st->scratch_buf >= 0 ? bufs[st->scratch_buf].size : 0;
        for (int b = 0; b < nb; b++)
            if (bufs[b].first <= s && s <= bufs[b].last)
                l->live_bytes += bufs[b].size;
    }
    mcb_walk_plan_free(&p);
    return 0;
}

static void weight_bytes(mcb_codegen *cg)
{
    for (int s = 0; s < cg->n_steps; s++) {
        const cg_kind_desc *d = cg_kinds[cg->steps[s].kind];
        if (d->weights)
            d->weights(&cg->steps[s], &cg->weight_bytes, &cg->plain_bytes);
    }
}

/* Adds file to the library's kernel files (and a source to its .c files) unless listed. */
static void add_file(mcb_codegen *cg, int *ns, const char *file, int source)
{
    for (int i = 0; i < cg->n_files; i++)
        if (!strcmp(cg->files[i], file))
            return;
    cg->files[cg->n_files++] = file;
    if (source) {
        const char *base = strrchr(file, '/');
        cg->sources[(*ns)++] = base ? base + 1 : file;
    }
}

/* Kernel files the library needs, and its .c files: the headers, then each kind's source in
 * kind order, then the sources some steps need besides. */
static void file_lists(mcb_codegen *cg)
{
    int need[CG_KINDS] = {0}, aot = 0, ns = 0;
    for (int s = 0; s < cg->n_steps; s++) {
        need[cg->steps[s].kind] = 1;
        aot |= cg_kinds[cg->steps[s].kind]->aot;
    }
    cg->n_files = 0;
    cg->sources[ns++] = "model.c";
    add_file(cg, &ns, "mcb_kernels.h", 0);
    add_file(cg, &ns, "mcb_fixedpoint.h", 0);
    if (aot) {
        add_file(cg, &ns, "aot/mcb_aot.h", 0);
        add_file(cg, &ns, "aot/aot_simd.h", 0);
        add_file(cg, &ns, "aot/aot_add.h", 0);
    }
    for (int k = 0; k < CG_KINDS; k++)
        if (need[k] && cg_kinds[k]->source)
            add_file(cg, &ns, cg_kinds[k]->source, 1);
    for (int s = 0; s < cg->n_steps; s++) {
        const cg_kind_desc *d = cg_kinds[cg->steps[s].kind];
        const char *extra = d->extra_source ? d->extra_source(&cg->steps[s]) : NULL;
        if (extra)
            add_file(cg, &ns, extra, 1);
    }
    cg->files[cg->n_files] = NULL;
    cg->sources[ns] = NULL;
}

mcb_codegen *mcb_codegen_analyse(const mcb_graph *g, const char *what)
{
    return mcb_codegen_analyse_opts(g, what, NULL);
}

mcb_codegen *mcb_codegen_analyse_opts(const mcb_graph *g, const char *what,
                                      const mcb_codegen_opts *opts)
{
    mcb_codegen *cg = calloc(1, sizeof *cg);
    if (!cg || !(cg->what = strdup(what))) {
        free(cg);
        mcb_error("%s: out of memory", what);
        return NULL;
    }
    cg->g = g;
    if (opts)
        cg->opts = *opts;
    mcb_exec_register_int8();
    /* one line per invalid operator; the lowered ops stay with it for the steps */
    if (!(cg->exec = mcb_exec_prepare(g, what)))
        goto fail;
    if (graph_checks(cg))
        goto fail;
    cg->canon = malloc(sizeof(int) * (size_t)g->n_tensors);
    if (!cg->canon) {
        problem(cg, -1, "out of memory");
        goto fail;
    }
    for (int t = 0; t < g->n_tensors; t++)
        cg->canon[t] = t;
    if (build_steps(cg))
        goto fail;
    if (cg->n_steps == 0) {
        problem(cg, -1, "the model computes nothing (only reshapes)");
        goto fail;
    }
    if (plan(cg))
        goto fail;
    weight_bytes(cg);
    file_lists(cg);
    return cg;
fail:
    mcb_codegen_free(cg);
    return NULL;
}

void mcb_codegen_free(mcb_codegen *cg)
{
    if (!cg)
        return;
    mcb_exec_free(cg->exec);
    for (int s = 0; s < cg->n_steps; s++) {
        mcb_aot_conv_free(&cg->steps[s].aconv);
        mcb_aot_fc_free(&cg->steps[s].afc);
        mcb_aot_dw_free(&cg->steps[s].adw);
        mcb_aot_add_free(&cg->steps[s].aadd);
        free(cg->steps[s].owned_filter);
    }
    free(cg->steps);
    free(cg->canon);
    free(cg->buf_of);
    free(cg->offset);
    free(cg->layers);
    free(cg->what);
    free(cg);
}

int mcb_codegen_layers(const mcb_codegen *cg, const mcb_codegen_layer **layers)
{
    *layers = cg->layers;
    return cg->n_steps;
}

int64_t mcb_codegen_arena_bytes(const mcb_codegen *cg) { return cg->arena; }
int64_t mcb_codegen_lower_bound(const mcb_codegen *cg) { return cg->bound; }
int64_t mcb_codegen_weight_bytes(const mcb_codegen *cg) { return cg->weight_bytes; }
int64_t mcb_codegen_plain_weight_bytes(const mcb_codegen *cg) { return cg->plain_bytes; }
int64_t mcb_codegen_input_bytes(const mcb_codegen *cg)
{
    return mcb_tensor_bytes(&cg->g->tensors[cg->in_t]);
}
int64_t mcb_codegen_output_bytes(const mcb_codegen *cg)
{
    return mcb_tensor_bytes(&cg->g->tensors[cg->out_t]);
}
int64_t mcb_codegen_flash_need(const mcb_codegen *cg)
{
    return cg->weight_bytes + MCB_CODEGEN_FLASH_MARGIN;
}
int64_t mcb_codegen_ram_need(const mcb_codegen *cg)
{
    return cg->arena + MCB_CODEGEN_RAM_MARGIN;
}

int mcb_codegen_check_fit(const mcb_codegen *cg, const mcb_target *t)
{
    const int64_t flash = mcb_codegen_flash_need(cg), ram = mcb_codegen_ram_need(cg);
    if (flash > (int64_t)t->flash_size) {
        mcb_error("%s: needs %lld bytes of flash (%lld of weights + %d for code and runtime), "
                  "target %s has %lu", cg->what, (long long)flash, (long long)cg->weight_bytes,
                  MCB_CODEGEN_FLASH_MARGIN, t->name, (unsigned long)t->flash_size);
        return -1;
    }
    if (ram > (int64_t)t->ram_size) {
        mcb_error("%s: needs %lld bytes of RAM (arena %lld, input and output included, + %d for "
                  "stack and runtime), target %s has %lu", cg->what, (long long)ram,
                  (long long)cg->arena, MCB_CODEGEN_RAM_MARGIN, t->name,
                  (unsigned long)t->ram_size);
        return -1;
    }
    return 0;
}

int mcb_codegen_input_tensor(const mcb_codegen *cg) { return cg->in_t; }
int mcb_codegen_output_tensor(const mcb_codegen *cg) { return cg->out_t; }

int mcb_codegen_layer_tensor(const mcb_codegen *cg, int l)
{
    return l >= 0 && l < cg->n_steps ? cg->steps[l].out : -1;
}

const char *const *mcb_codegen_sources(const mcb_codegen *cg)
{
    return cg->sources;
}
