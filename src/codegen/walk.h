/* The graph walk both code generators share (the aot engine's schedule.c and the cmsis-nn
 * engine's cn_analyse.c): problems as one line, readers and producers of a tensor, the
 * QUANTIZE/DEQUANTIZE wrappers of a converter-made model and the support checks, reshape
 * aliases, and the arena plan over the steps (plan.h). Each generator keeps only its steps
 * (lowered operators, lower.h -> its kernel calls). */
#ifndef MCB_CODEGEN_WALK_H
#define MCB_CODEGEN_WALK_H

#include "err.h"
#include "exec.h"
#include "graph.h"
#include "lower.h"
#include "plan.h"

#include <stdint.h>

/* Reports one line, "what: operator op (NAME): message" (op >= 0) or "what: message";
 * returns -1. */
int mcb_walk_problem(const mcb_graph *g, const char *what, int op, const char *fmt, ...)
    MCB_PRINTF(4, 5);

/* Operator op's parameters (lower.h) as the host executor e (prepared on g) lowered them, so
 * that each op is lowered once per model. An op e runs with other kernels (a q7 graph's) is
 * lowered here only for the reason it is refused: NULL after reporting it. */
const mcb_lowered *mcb_walk_lowered(const mcb_exec *e, const mcb_graph *g, const char *what,
                                    int op);

/* Operators reading tensor t (*only: the last of them). */
int mcb_walk_readers(const mcb_graph *g, int t, int *only);
/* The operator producing tensor t, or -1 (a graph input or a constant). */
int mcb_walk_producer(const mcb_graph *g, int t);
int mcb_walk_is_graph_output(const mcb_graph *g, int t);

/* What an engine takes, for mcb_walk_check. */
typedef struct {
    const char *engine;          /* "aot": messages say "the aot engine" */
    int (*takes)(int code);      /* 1 for an opcode the engine generates */
    const char *takes_list;      /* appended to "not supported by the ... engine", or "" */
    int one_quant;               /* input and output need one scale and zero point */
    int batch1_conv;             /* conv and depthwise inputs need batch 1 */
} mcb_walk_rules;

/* The int8 tensors a generated library takes and gives, inside a converter's wrappers. */
typedef struct {
    int in_t, out_t;       /* the int8 input and output */
    int wrap_in, wrap_out; /* the QUANTIZE (float input) and DEQUANTIZE (float output) wrapper
                              operators, not generated (the caller quantizes), or -1 */
} mcb_walk_io;

/* One input and one output, the wrappers, the input and output int8, and every other operator
 * one the engine takes with one output that is not the graph input, no broadcasting ADD, no
 * float32 input. One line per problem; 0 or -1. */
int mcb_walk_check(const mcb_graph *g, const char *what, const mcb_walk_rules *r,
                   mcb_walk_io *io);

/* Reshape aliases: canon[t] is the tensor whose bytes t uses; its end of the chain. */
int mcb_walk_canon(const int *canon, int t);

/* What the plan needs of a step: canonical tensors read and written, scratch bytes (-1:
 * none; a buffer of 0 bytes is one). */
typedef struct {
    int in[2], n_in;
    int out;
    int64_t scratch;
} mcb_walk_step;

/* The arena plan. */
typedef struct {
    mcb_plan_buf *bufs;   /* n_bufs buffers: live tensors, then steps' scratch */
    int n_bufs;
    int *buf_of;          /* per tensor: its buffer, or -1 (an alias or never live) */
    int *scratch_buf;     /* per step: its scratch buffer, or -1 */
    int64_t arena, bound;
} mcb_walk_plan;

/* Lifetimes over the steps: a tensor lives from the step that writes it (or an alias of it)
 * to the last step that reads it; the input (canonical in) from step 0, the output (out) to
 * the last step; each scratch during its step. Then mcb_plan_place. 0, or -1 after one line;
 * free with mcb_walk_plan_free either way. */
int mcb_walk_plan_steps(const mcb_graph *g, const char *what, const int *canon,
                        const mcb_walk_step *steps, int n_steps, int in, int out,
                        mcb_walk_plan *p);
void mcb_walk_plan_free(mcb_walk_plan *p);

#endif
