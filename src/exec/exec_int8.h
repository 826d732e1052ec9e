/* int8 kernels for the host graph executor: the mcb_kernels reference kernels (bit-exact with
 * TFLM) behind exec.h's (check, run) interface, plus the float<->int8 QUANTIZE/DEQUANTIZE that
 * wrap converter-made models. Constants (multipliers, clamp ranges) are derived from the
 * tensors' scales with TFLM's formulas (kernel_prep.h): check() refuses any op where that
 * fails, so run() cannot. */
#ifndef MCB_EXEC_INT8_H
#define MCB_EXEC_INT8_H

#include "graph.h"
#include "mcb_kernels.h"

#include <stddef.h>
#include <stdint.h>

/* Registers CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, AVERAGE_POOL_2D, ADD,
 * RESHAPE, SOFTMAX, QUANTIZE (int8 -> int8) and DEQUANTIZE for int8 inputs, and QUANTIZE for
 * float32 inputs. */
void mcb_exec_register_int8(void);

/* The kernel parameters of one op, derived from its tensors with TFLM's formulas and checked
 * as the executor checks them (the code generator uses the same ones): 0, or -1 with the
 * reason in why (n bytes). mult and shift hold one entry per output channel (at most 4096). */
int mcb_int8_conv_params(const mcb_graph *g, const mcb_op *op, int depthwise, mcb_conv_params *p,
                         int32_t *mult, int32_t *shift, char *why, size_t n);
int mcb_int8_fc_params(const mcb_graph *g, const mcb_op *op, mcb_fc_params *p, int32_t *mult,
                       int32_t *shift, char *why, size_t n);
int mcb_int8_pool_params(const mcb_graph *g, const mcb_op *op, mcb_pool_params *p, char *why,
                         size_t n);
int mcb_int8_softmax_params(const mcb_graph *g, const mcb_op *op, mcb_softmax_params *p,
                            char *why, size_t n);
int mcb_int8_add_params(const mcb_graph *g, const mcb_op *op, mcb_add_params *p, char *why,
                        size_t n);

#endif
