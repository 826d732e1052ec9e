/* Host graph executor: runs an mcb_graph on one input, operator by operator, in float (and,
 * once registered, other types) with plain reference kernels.
 *
 * mcb_exec_prepare checks the whole graph before anything runs: tensor indices, that every
 * activation is produced before it is read, and each op against the kernel registered for
 * (opcode, type of its first input), which checks shapes, types and options. Each problem is
 * reported as one line naming the op's index and name; then NULL is returned. On success one
 * buffer per activation tensor is allocated, so mcb_exec_run never allocates or fails.
 *
 * Kernels live in a table keyed by (opcode, input type). The float32 reference kernels are built
 * in; an int8 implementation is plugged in with mcb_exec_register (a later registration for the
 * same key wins). The int8 kernels are the lowerings of src/lower (lower.h): each op's kernel
 * parameters are derived once, at prepare time, and each run uses the stored ones. */
#ifndef MCB_EXEC_H
#define MCB_EXEC_H

#include "graph.h"

#include <stddef.h>

/* The kernel-table type under which the q7 kernels (exec_q7.h) are registered: an op of a
 * graph with scheme MCB_SCHEME_Q7 whose first input is int8 is looked up with it. */
#define MCB_EXEC_Q7 1007

typedef struct {
    int code; /* enum mcb_opcode */
    int type; /* enum mcb_dtype of the op's first input */
    /* Shapes, types and options of op in g; on a problem writes a short reason into why and
     * returns -1. Only ops whose tensor indices are valid are checked. */
    int (*check)(const mcb_graph *g, const mcb_op *op, char *why, size_t why_size);
    /* Runs op; data[t] holds tensor t's bytes (constants and activations alike). */
    void (*run)(const mcb_graph *g, const mcb_op *op, void *const *data);
    /* Or, in place of check and run (both NULL), a prepared form: prepare checks op as check
     * does and derives what its runs need once, into *state; run_prepared runs on it; release
     * frees it (mcb_exec_free). */
    int (*prepare)(const mcb_graph *g, const mcb_op *op, void **state, char *why,
                   size_t why_size);
    void (*run_prepared)(const void *state, void *const *data);
    void (*release)(void *state);
} mcb_exec_kernel;

/* Adds or replaces the kernel for (k->code, k->type). 0, or -1 if the table is full. */
int mcb_exec_register(const mcb_exec_kernel *k);
const mcb_exec_kernel *mcb_exec_find(int code, int type);

typedef struct mcb_exec mcb_exec;

/* g must outlive the plan. what names the model in errors (a path). */
mcb_exec *mcb_exec_prepare(const mcb_graph *g, const char *what);
/* input: the bytes of graph input 0; output: room for the bytes of graph output 0. */
void mcb_exec_run(mcb_exec *e, const void *input, void *output);
/* Tensor t's bytes after a run (constants: their data), for tests and tracing. */
const void *mcb_exec_tensor(const mcb_exec *e, int t);
/* Op i's prepared state (what its kernel's prepare derived), or NULL for a check/run kernel. */
const void *mcb_exec_op_state(const mcb_exec *e, int i);
/* The kernel that runs op i. */
const mcb_exec_kernel *mcb_exec_op_kernel(const mcb_exec *e, int i);
void mcb_exec_free(mcb_exec *e);

/* One image's pixels (n values) as the bytes of input tensor t: float32 gets pixel/255
 * (mcb_pixel_unit); int8 and uint8 get pixel/255 quantized with t's scale and zero point
 * (round half away from zero, as TFLite's converter quantizes inputs), saturated. */
void mcb_input_from_pixels(const mcb_tensor *t, const uint8_t *px, size_t n, void *out);
/* The same with the pixels' real range chosen: full 1 (pixel/255, as above) or 255 (the raw
 * pixel value, for models trained on 0-255 pixels). */
void mcb_input_from_pixels_range(const mcb_tensor *t, const uint8_t *px, size_t n, void *out,
                                 double full);
/* The range a quantized input was made for, from its own quantization: 255 when the largest
 * value it represents, scale x (qmax - zero point), is above 2 (MLPerf's ResNet-8: scale 1,
 * zero point -128, up to 255), else 1 (our models: scale 1/255, up to 1); 1 for float32. */
double mcb_pixels_auto_range(const mcb_tensor *t);

/* Helpers for kernels: the output size of a windowed op along one axis (TFLite's rule) and
 * the padding before the first element. */
int mcb_exec_out_size(int padding, int in, int filter, int stride, int dilation);
int mcb_exec_pad_before(int padding, int in, int filter, int stride, int dilation, int out);

#endif
