/* Shared by the lowerings of src/lower: checks with TFLM's conditions and their reasons. */
#ifndef MCB_LOWER_INT_H
#define MCB_LOWER_INT_H

#include "lower.h"

#include "err.h"

#include <stddef.h>
#include <stdint.h>

#define T(g, i) (&(g)->tensors[i])

/* Writes the reason into why; returns -1. */
int lower_fail(char *why, size_t n, const char *fmt, ...) MCB_PRINTF(3, 4);
/* A per-tensor int8 quantization: scale > 0, zero point in int8. */
int lower_per_tensor(const mcb_tensor *t, const char *role, char *why, size_t n);
int lower_is_type(const mcb_tensor *t, int type, const char *role, char *why, size_t n);
/* need inputs (present), up to opt optional ones, one output. */
int lower_io_count(const mcb_op *op, int need, int opt, char *why, size_t n);
/* The fused activation's int8 clamp for output tensor out. */
int lower_act_range(const mcb_op *op, const mcb_tensor *out, int32_t *lo, int32_t *hi,
                    char *why, size_t n);
/* Ops that pass int8 values through unchanged need equal input and output quantization. */
int lower_same_quant(const mcb_tensor *x, const mcb_tensor *y, char *why, size_t n);
/* The checks of an op with constant weights (conv, depthwise, fully connected): x, w (its role
 * "filter" or "weights") and y are int8, x and y quantized per tensor. */
int lower_int8_weighted(const mcb_tensor *x, const mcb_tensor *w, const char *wrole,
                        const mcb_tensor *y, char *why, size_t n);
/* The op's optional bias (input 2): a constant int32 of count elements, into l->bias. */
int lower_bias(const mcb_graph *g, const mcb_op *op, int count, mcb_lowered *l, char *why,
               size_t n);
/* kernel_prep reports through mcb_error, but a refused op is reported once, by its caller:
 * a prep call runs silenced (was_quiet = mcb_err_quiet(1) before it) and its result rc goes
 * here, which restores the reporting and turns a failure's message into the reason. */
int lower_prep(int was_quiet, int rc, char *why, size_t n);
/* n_mult int32 entries each for l->mult and l->shift. */
int lower_alloc_mult(mcb_lowered *l, int n_mult, char *why, size_t n);

/* The families (lower_*.c), listed in lower.c's table. */
int lower_conv(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_conv(const mcb_lowered *l, void *const *data);
int lower_dwconv(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_dwconv(const mcb_lowered *l, void *const *data);
int lower_fc(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_fc(const mcb_lowered *l, void *const *data);
int lower_pool(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_maxpool(const mcb_lowered *l, void *const *data);
void run_avgpool(const mcb_lowered *l, void *const *data);
int lower_add(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_add(const mcb_lowered *l, void *const *data);
int lower_softmax(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_softmax(const mcb_lowered *l, void *const *data);
int lower_reshape(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_reshape(const mcb_lowered *l, void *const *data);
int lower_quantize(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_quantize(const mcb_lowered *l, void *const *data);
int lower_dequantize(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
void run_dequantize(const mcb_lowered *l, void *const *data);

#endif
