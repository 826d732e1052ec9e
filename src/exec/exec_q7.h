/* CMSIS-NN's legacy q7 arithmetic for the host executor (graphs with scheme MCB_SCHEME_Q7):
 * the layer parameters as the legacy API takes them (square images, one padding, a bias
 * shift and an output shift), derived and checked from the graph in one place that the
 * executor and the cmsis-nn-q7 engine share, and portable kernels computing what the legacy
 * C functions compute (docs/quantization.md, "The q7 scheme"; tests/quant/ compare them with
 * the legacy sources themselves). */
#ifndef MCB_EXEC_Q7_H
#define MCB_EXEC_Q7_H

#include "graph.h"

#include <stddef.h>
#include <stdint.h>

/* A legacy layer's arguments. conv: arm_convolve_HWC_q7_*; fc: arm_fully_connected_q7*
 * (in_ch = dim_vec, out_ch = num_of_rows, the dims 1); pool: arm_maxpool_q7_HWC
 * (out_ch = in_ch). */
typedef struct {
    int in_dim, in_ch, out_dim, out_ch;
    int kernel, stride, padding;
    int bias_shift, out_shift; /* conv and fc */
    int relu;                  /* a fused ReLU: arm_relu_q7 on the output */
    int batches;               /* fc: input vectors */
} mcb_q7_params;

/* Registers the q7 kernels (CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, RESHAPE, SOFTMAX) under
 * the executor's pseudo type MCB_EXEC_Q7 (exec.h). */
void mcb_exec_register_q7(void);

/* The fractional bits of a q7 tensor: one scale, an exact power of two, zero point 0. */
int mcb_q7_frac(const mcb_tensor *t, const char *role, int *frac, char *why, size_t n);

/* 0, or -1 with the reason in why. */
int mcb_q7_conv_params(const mcb_graph *g, const mcb_op *op, mcb_q7_params *p, char *why,
                       size_t n);
int mcb_q7_fc_params(const mcb_graph *g, const mcb_op *op, mcb_q7_params *p, char *why,
                     size_t n);
int mcb_q7_pool_params(const mcb_graph *g, const mcb_op *op, mcb_q7_params *p, char *why,
                       size_t n);
int mcb_q7_softmax_check(const mcb_graph *g, const mcb_op *op, char *why, size_t n);

/* The kernels. Weights: conv [out_ch][kernel][kernel][in_ch], fc [rows][dim_vec] (plain, not
 * the _opt order); bias int8. The fused ReLU of p is not applied here (mcb_q7_relu). */
void mcb_q7_conv(const mcb_q7_params *p, const int8_t *in, const int8_t *w, const int8_t *bias,
                 int8_t *out);
void mcb_q7_fc(const mcb_q7_params *p, const int8_t *in, const int8_t *w, const int8_t *bias,
               int8_t *out);
void mcb_q7_maxpool(const mcb_q7_params *p, const int8_t *in, int8_t *out);
void mcb_q7_relu(int8_t *x, size_t n);
void mcb_q7_softmax(const int8_t *in, int n, int8_t *out);

/* The weight order arm_fully_connected_q7_opt reads ([rows][cols] plain in, same size out):
 * rows in groups of four; in each group, columns in groups of four, each group's 16 weights
 * as (row, col) = (0,0) (1,0) (0,2) (1,2) (2,0) (3,0) (2,2) (3,2) (0,1) (1,1) (0,3) (1,3)
 * (2,1) (3,1) (2,3) (3,3), then the leftover columns one by one as (0,c) (1,c) (2,c) (3,c);
 * the rows after the last group of four stay plain. (The order of Arm's
 * fully_connected_opt_weight_generation.py, convert_to_x4_q7_weights.) */
void mcb_q7_fc_opt_order(const int8_t *w, int rows, int cols, int8_t *out);

#endif
