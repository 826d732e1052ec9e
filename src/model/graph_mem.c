#include "graph_mem.h"

#include "err.h"

#include <stdlib.h>

int64_t mcb_tensor_bytes(const mcb_tensor *t) { return mcb_tensor_elems(t) * mcb_dtype_size(t->type); }

static int is_activation(const mcb_graph *g, int t) { return t >= 0 && !g->tensors[t].data; }

int mcb_graph_lifetimes(const mcb_graph *g, mcb_lifetime *lt)
{
    int last_step = g->n_ops > 0 ? g->n_ops - 1 : 0;
    for (int t = 0; t < g->n_tensors; t++)
        lt[t].first = lt[t].last = -1;
    /* Widens t's lifetime to cover [a, b]. */
#define COVER(t, a, b)                                                                             \
    do {                                                                                           \
        if (lt[t].first < 0 || (a) < lt[t].first)                                                  \
            lt[t].first = (a);                                                                     \
        if ((b) > lt[t].last)                                                                      \
            lt[t].last = (b);                                                                      \
    } while (0)
    for (int i = 0; i < g->n_in + g->n_out; i++) {
        int t = i < g->n_in ? g->in[i] : g->out[i - g->n_in];
        if (t < 0 || t >= g->n_tensors)
            return -1;
        if (!is_activation(g, t))
            continue;
        if (i < g->n_in)
            COVER(t, 0, 0);
        else
            COVER(t, last_step, last_step);
    }
    for (int s = 0; s < g->n_ops; s++) {
        const mcb_op *op = &g->ops[s];
        for (int k = 0; k < op->n_out; k++) {
            int t = op->out[k];
            if (t < -1 || t >= g->n_tensors)
                return -1;
            if (is_activation(g, t))
                COVER(t, s, s);
        }
    }
    for (int s = 0; s < g->n_ops; s++) {
        const mcb_op *op = &g->ops[s];
        for (int k = 0; k < op->n_in; k++) {
            int t = op->in[k];
            if (t < -1 || t >= g->n_tensors)
                return -1;
            if (!is_activation(g, t))
                continue;
            /* Read but never written (a variable, say): alive from the start. */
            COVER(t, lt[t].first < 0 ? 0 : lt[t].first, s);
        }
    }
    /* Graph outputs stay until the end, inputs from the start. */
    for (int i = 0; i < g->n_out; i++)
        if (is_activation(g, g->out[i]))
            COVER(g->out[i], lt[g->out[i]].first, last_step);
    for (int i = 0; i < g->n_in; i++)
        if (is_activation(g, g->in[i]))
            COVER(g->in[i], 0, lt[g->in[i]].last);
#undef COVER
    return 0;
}

int64_t mcb_graph_live_bytes(const mcb_graph *g, const mcb_lifetime *lt, int step)
{
    int64_t sum = 0;
    for (int t = 0; t < g->n_tensors; t++)
        if (lt[t].first >= 0 && lt[t].first <= step && step <= lt[t].last)
            sum += mcb_tensor_bytes(&g->tensors[t]);
    return sum;
}

int64_t mcb_graph_min_activation_bytes(const mcb_graph *g)
{
    mcb_lifetime *lt = malloc((size_t)(g->n_tensors ? g->n_tensors : 1) * sizeof *lt);
    if (!lt) {
        mcb_error("activation memory: out of memory");
        return -1;
    }
    if (mcb_graph_lifetimes(g, lt)) {
        free(lt);
        mcb_error("activation memory: graph refers to a tensor out of range");
        return -1;
    }
    int64_t best = 0;
    int steps = g->n_ops > 0 ? g->n_ops : 1;
    for (int s = 0; s < steps; s++) {
        int64_t b = mcb_graph_live_bytes(g, lt, s);
        if (b > best)
            best = b;
    }
    free(lt);
    return best;
}
