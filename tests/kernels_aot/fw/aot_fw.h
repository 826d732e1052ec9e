/* The aot kernel firmware's data, written by aot_fwgen (host) for one network of the paper
 * family: per layer, random input, weights and quantization, the reference parameters, the
 * packed aot form and the output the host's reference kernels computed. C99. */
#ifndef AOT_FW_H
#define AOT_FW_H

#include "mcb_aot.h"
#include "mcb_kernels.h"

#include <stdint.h>

typedef struct {
    const char *name;
    long macs;                   /* of the layer in the model (conv: whole conv output) */
    const mcb_conv_params *conv; /* conv (+ pool) layer, or NULL */
    const mcb_pool_params *pool;
    const mcb_aot_conv *aot_conv;
    const mcb_fc_params *fc;     /* fully connected layer, or NULL */
    const mcb_aot_fc *aot_fc;
    const int8_t *input;
    int n_input;
    const int8_t *filter;
    const int32_t *bias;
    const int8_t *expect;        /* host reference output */
    int n_out;
    const mcb_aot_dw *aot_dw;    /* depthwise layer (conv holds its reference parameters) */
} aot_fw_layer;

extern const aot_fw_layer aot_fw_layers[];
extern const int aot_fw_n_layers;
extern const char aot_fw_net[];

/* RAM buffers sized for the largest layer. */
extern int8_t aot_fw_in[];       /* input copy (activations live in RAM) */
extern int8_t aot_fw_conv[];     /* reference un-pooled conv output */
extern int8_t aot_fw_ref[];      /* reference output on the target */
extern int8_t aot_fw_out[];      /* aot kernel output */
extern int32_t aot_fw_scratch[]; /* aot conv scratch */

#endif
