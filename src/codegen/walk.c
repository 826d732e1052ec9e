/* The graph walk of the code generators (walk.h). */
#include "walk.h"

#include "exec_int8.h"
#include "graph_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define T(g, i) (&(g)->tensors[i])

int mcb_walk_problem(const mcb_graph *g, const char *what, int op, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (op >= 0)
        mcb_error("%s: operator %d (%s): %s", what, op, mcb_op_name(g->ops[op].code), msg);
    else
        mcb_error("%s: %s", what, msg);
    return -1;
}

const mcb_lowered *mcb_walk_lowered(const mcb_exec *e, const mcb_graph *g, const char *what,
                                    int op)
{
    const mcb_lowered *l = mcb_exec_int8_lowered(e, op);
    if (!l) {
        mcb_lowered tmp;
        char why[256];
        if (mcb_lower_op(g, &g->ops[op], &tmp, why, sizeof why) == 0) {
            mcb_lowered_free(&tmp);
            snprintf(why, sizeof why, "not an int8 operator");
        }
        mcb_walk_problem(g, what, op, "%s", why);
    }
    return l;
}

int mcb_walk_readers(const mcb_graph *g, int t, int *only)
{
    int n = 0;
    for (int i = 0; i < g->n_ops; i++)
        for (int k = 0; k < g->ops[i].n_in; k++)
            if (g->ops[i].in[k] == t) {
                *only = i;
                n++;
                break;
            }
    return n;
}

int mcb_walk_producer(const mcb_graph *g, int t)
{
    for (int i = 0; i < g->n_ops; i++)
        for (int k = 0; k < g->ops[i].n_out; k++)
            if (g->ops[i].out[k] == t)
                return i;
    return -1;
}

int mcb_walk_is_graph_output(const mcb_graph *g, int t)
{
    return g->n_out > 0 && g->out[0] == t;
}

int mcb_walk_check(const mcb_graph *g, const char *what, const mcb_walk_rules *r,
                   mcb_walk_io *io)
{
    const char *e = r->engine;
    int bad = 0;
    if (g->n_in != 1 || g->n_out != 1)
        return mcb_walk_problem(g, what, -1, "the %s engine takes one input and one output (the "
                                "model has %d and %d)", e, g->n_in, g->n_out);
    if (g->n_ops < 1)
        return mcb_walk_problem(g, what, -1, "the model has no operators");
    /* A converter-made model wraps the int8 graph in QUANTIZE (float input) and DEQUANTIZE
     * (float output): the library takes and gives the int8 tensors inside. */
    io->in_t = g->in[0], io->out_t = g->out[0], io->wrap_in = io->wrap_out = -1;
    int only = -1;
    if (T(g, g->in[0])->type == MCB_FLOAT32 && mcb_walk_readers(g, g->in[0], &only) == 1 &&
        g->ops[only].code == MCB_OP_QUANTIZE && g->ops[only].n_out == 1 &&
        g->ops[only].out[0] != g->out[0] && T(g, g->ops[only].out[0])->type == MCB_INT8) {
        io->wrap_in = only;
        io->in_t = g->ops[only].out[0];
    }
    for (int i = 0; i < g->n_ops; i++)
        if (T(g, g->out[0])->type == MCB_FLOAT32 && g->ops[i].code == MCB_OP_DEQUANTIZE &&
            g->ops[i].n_out == 1 && g->ops[i].out[0] == g->out[0] && g->ops[i].n_in == 1 &&
            g->ops[i].in[0] >= 0 && g->ops[i].in[0] != g->in[0] &&
            T(g, g->ops[i].in[0])->type == MCB_INT8) {
            io->wrap_out = i;
            io->out_t = g->ops[i].in[0];
        }
    const mcb_tensor *x = T(g, io->in_t), *y = T(g, io->out_t);
    if (x->type != MCB_INT8 || y->type != MCB_INT8 ||
        (r->one_quant && (x->n_quant != 1 || y->n_quant != 1)))
        bad |= mcb_walk_problem(g, what, -1, "input and output must be int8%s (input %s, output "
                                "%s): quantize the model with 'mcubench quantize'",
                                r->one_quant ? " with one scale and zero point" : "",
                                mcb_dtype_name(x->type), mcb_dtype_name(y->type));
    if (x->data || y->data)
        bad |= mcb_walk_problem(g, what, -1, "the graph input or output is a constant");
    for (int i = 0; i < g->n_ops; i++) {
        const mcb_op *op = &g->ops[i];
        if (i == io->wrap_in || i == io->wrap_out)
            continue;
        if (!r->takes(op->code)) {
            bad |= mcb_walk_problem(g, what, i, "not supported by the %s engine%s", e,
                                    r->takes_list);
            continue;
        }
        if (op->code == MCB_OP_ADD && op->n_in == 2 && op->in[0] >= 0 && op->in[1] >= 0 &&
            mcb_tensor_elems(T(g, op->in[0])) != mcb_tensor_elems(T(g, op->in[1])))
            bad |= mcb_walk_problem(g, what, i, "broadcasting is not supported by the %s engine",
                                    e);
        if (op->n_out != 1)
            bad |= mcb_walk_problem(g, what, i, "%d outputs (the %s engine takes 1)", op->n_out,
                                    e);
        else if (op->out[0] == io->in_t)
            bad |= mcb_walk_problem(g, what, i, "writes the graph input");
        if (r->batch1_conv &&
            (op->code == MCB_OP_CONV_2D || op->code == MCB_OP_DEPTHWISE_CONV_2D) &&
            op->in[0] >= 0 && T(g, op->in[0])->shape[0] != 1)
            bad |= mcb_walk_problem(g, what, i, "batch %d (the %s engine takes 1)",
                                    T(g, op->in[0])->shape[0], e);
        for (int k = 0; k < op->n_in; k++)
            if (op->in[k] >= 0 && T(g, op->in[k])->type == MCB_FLOAT32) {
                bad |= mcb_walk_problem(g, what, i, "runs on float32 (the %s engine runs int8 "
                                        "only)", e);
                break;
            }
    }
    return bad ? -1 : 0;
}

int mcb_walk_canon(const int *canon, int t)
{
    while (canon[t] != t)
        t = canon[t];
    return t;
}

int mcb_walk_plan_steps(const mcb_graph *g, const char *what, const int *canon,
                        const mcb_walk_step *steps, int n_steps, int in, int out,
                        mcb_walk_plan *p)
{
    const int nt = g->n_tensors;
    int *first = malloc(sizeof(int) * (size_t)nt), *last = malloc(sizeof(int) * (size_t)nt);
    p->bufs = calloc((size_t)nt + (size_t)n_steps + 1, sizeof *p->bufs);
    p->buf_of = malloc(sizeof(int) * (size_t)nt);
    p->scratch_buf = malloc(sizeof(int) * (size_t)(n_steps + 1));
    p->n_bufs = 0;
    if (!first || !last || !p->bufs || !p->buf_of || !p->scratch_buf) {
        free(first), free(last);
        return mcb_walk_problem(g, what, -1, "out of memory");
    }
    for (int t = 0; t < nt; t++)
        first[t] = last[t] = p->buf_of[t] = -1;
    for (int s = 0; s < n_steps; s++) {
        const mcb_walk_step *st = &steps[s];
        const int o = mcb_walk_canon(canon, st->out); /* an in-place output: its input's bytes */
        for (int k = 0; k < st->n_in; k++)
            last[st->in[k]] = s;
        if (first[o] < 0)
            first[o] = s;
        if (last[o] < s)
            last[o] = s;
    }
    /* The input and output live in the arena too: the input from before step 0, the output
     * until after the last step. */
    first[in] = 0;
    if (last[in] < 0)
        last[in] = 0;
    last[out] = n_steps - 1;
    if (first[out] < 0)
        first[out] = 0;
    int nb = 0;
    for (int t = 0; t < nt; t++)
        if (first[t] >= 0 && mcb_walk_canon(canon, t) == t) {
            p->bufs[nb] = (mcb_plan_buf){mcb_tensor_bytes(T(g, t)), first[t], last[t], 0};
            p->buf_of[t] = nb++;
        }
    for (int s = 0; s < n_steps; s++) {
        p->scratch_buf[s] = -1;
        if (steps[s].scratch >= 0) {
            p->bufs[nb] = (mcb_plan_buf){steps[s].scratch, s, s, 0};
            p->scratch_buf[s] = nb++;
        }
    }
    free(first), free(last);
    p->n_bufs = nb;
    return mcb_plan_place(p->bufs, nb, &p->arena, &p->bound);
}

void mcb_walk_plan_free(mcb_walk_plan *p)
{
    free(p->bufs);
    free(p->buf_of);
    free(p->scratch_buf);
    p->bufs = NULL, p->buf_of = p->scratch_buf = NULL;
}
