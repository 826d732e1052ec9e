/* int8 kernels for the host graph executor: the mcb_kernels reference kernels (bit-exact with
 * TFLM) behind exec.h's (check, run) interface, plus the float<->int8 QUANTIZE/DEQUANTIZE that
 * wrap converter-made models. Constants (multipliers, clamp ranges) are derived from the
 * tensors' scales with TFLM's formulas (kernel_prep.h): check() refuses any op where that
 * fails, so run() cannot. */
#ifndef MCB_EXEC_INT8_H
#define MCB_EXEC_INT8_H

/* Registers CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, AVERAGE_POOL_2D, ADD,
 * RESHAPE, SOFTMAX, QUANTIZE (int8 -> int8) and DEQUANTIZE for int8 inputs, and QUANTIZE for
 * float32 inputs. */
void mcb_exec_register_int8(void);

#endif
