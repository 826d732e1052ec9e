/* Post-training int8 quantization of a float graph, with TFLite's scheme:
 * - activations: asymmetric per-tensor int8 from calibrated [min, max] (widened to hold 0),
 *   scale and nudged zero point as TFLite's GetAsymmetricQuantizationParams;
 * - CONV_2D / DEPTHWISE_CONV_2D weights: per-channel symmetric int8 in -127..127;
 *   FULLY_CONNECTED weights: per-tensor symmetric (as TFLite's converter does by default);
 * - biases: int32, scale = input scale x weight scale (per channel), zero point 0;
 * - MAX_POOL_2D, AVERAGE_POOL_2D and RESHAPE outputs share their input's parameters;
 * - SOFTMAX output: scale 1/256, zero point -128; fused ReLU needs nothing special because
 *   calibrated ranges after a ReLU start at 0.
 * Input and output become int8 and carry their parameters in the graph. */
#ifndef MCB_QUANTIZE_H
#define MCB_QUANTIZE_H

#include "graph.h"

typedef struct {
    int n;      /* tensors of the float graph */
    float *min; /* per tensor; seen[i] == 0 means never observed */
    float *max;
    int *seen;
} mcb_calib;

int mcb_calib_init(mcb_calib *c, int n_tensors);
void mcb_calib_free(mcb_calib *c);
void mcb_calib_observe(mcb_calib *c, int tensor, const float *data, long n);

/* TFLite's asymmetric int8 parameters for [rmin, rmax]. */
void mcb_quant_asym_params(float rmin, float rmax, float *scale, int *zero_point);

/* Builds the int8 graph q from float graph f and its calibration. what names the model in
 * errors. 0, or -1 after reporting one line per problem. */
int mcb_quantize_graph(const mcb_graph *f, const mcb_calib *c, const char *what, mcb_graph *q);

/* ---- CMSIS-NN's legacy q7 scheme (docs/quantization.md, "The q7 scheme") ----
 * Every tensor is per tensor with scale 2^-frac and zero point 0; biases are int8 too. */

/* Fractional bits of an int8 fixed-point format for values up to absmax in magnitude, as Arm's
 * q7 quantizer chose them: 7 - ceil(log2(absmax)); 7 when absmax is 0 (or not finite). */
int mcb_q7_frac_bits(double absmax);

/* Builds the q7 graph q (scheme MCB_SCHEME_Q7) from float graph f and its calibration: weight
 * and bias fractional bits from their ranges, activations' from the calibrated ranges, and
 * the bias and output fractional bits of each layer capped at input + weight bits so that the
 * legacy kernels' shifts are never negative. 0, or -1 after one line per problem (an operator
 * the legacy API lacks, a shift out of the kernels' range). */
int mcb_quantize_graph_q7(const mcb_graph *f, const mcb_calib *c, const char *what, mcb_graph *q);

#endif
