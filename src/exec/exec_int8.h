/* int8 kernels for the host executor: the lowerings of src/lower (lower.h: the mcb_kernels
 * reference kernels, bit-exact with TFLM, with their parameters derived by TFLM's formulas)
 * behind exec.h's prepared form, plus the float<->int8 QUANTIZE/DEQUANTIZE that wrap
 * converter-made models. Preparing a graph lowers each op once and refuses any op whose
 * lowering fails, so a run cannot fail. */
#ifndef MCB_EXEC_INT8_H
#define MCB_EXEC_INT8_H

#include "exec.h"
#include "lower.h"

/* Registers every lowering (lower.c's table: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
 * MAX_POOL_2D, AVERAGE_POOL_2D, ADD, RESHAPE, SOFTMAX, QUANTIZE and DEQUANTIZE for int8
 * inputs, QUANTIZE for float32 inputs). */
void mcb_exec_register_int8(void);

/* Op i of a prepared graph as the executor lowered it (lower.h's mcb_lowered, owned by e), or
 * NULL when an int8 lowering does not run it (a float or q7 kernel). The code generators take
 * their kernel parameters from here, so each op is lowered once per model. */
const mcb_lowered *mcb_exec_int8_lowered(const mcb_exec *e, int i);

#endif
