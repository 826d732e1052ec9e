/* Activation memory of a graph: when each tensor is alive, and the least memory any plan needs.
 * Operators run in order; step s is operator s. An activation (a tensor without constant data)
 * lives from the step that writes it to the last step that reads it; graph inputs (and
 * tensors read but never written) live from step 0, graph outputs until the last step. The
 * memory planner of the code generator builds on the same lifetimes. */
#ifndef MCB_GRAPH_MEM_H
#define MCB_GRAPH_MEM_H

#include "graph.h"

#include <stdint.h>

typedef struct {
    int first, last; /* steps; both -1 for constants and tensors no step touches */
} mcb_lifetime;

/* Bytes of a tensor's elements (0 for an unknown type). */
int64_t mcb_tensor_bytes(const mcb_tensor *t);
/* Fills lt[g->n_tensors]. 0, or -1 on a bad index (graphs from the reader are valid). */
int mcb_graph_lifetimes(const mcb_graph *g, mcb_lifetime *lt);
/* Bytes of the activations alive at step s (given lifetimes). */
int64_t mcb_graph_live_bytes(const mcb_graph *g, const mcb_lifetime *lt, int step);
/* The maximum over steps of the live activation bytes: a lower bound for any arena; -1 on
 * error (reported). */
int64_t mcb_graph_min_activation_bytes(const mcb_graph *g);

#endif
