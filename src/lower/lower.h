/* Lowering: one graph operator -> the parameters of the int8 kernel that computes it
 * (mcb_kernels.h), derived once with TFLM's formulas (kernel_prep.h) and checked as TFLM
 * checks them. The host executor lowers every op once when it prepares a graph and runs the
 * reference kernels on the stored parameters (exec_int8.c); the code generators build their
 * steps from the same lowered ops (src/codegen/schedule.c, src/engines/cmsis_nn/cn_analyse.c),
 * so the library computes what 'mcubench infer' computes by construction.
 *
 * Each operator family is one file here with its lower() and its host run(), registered in
 * the table of lower.c (docs/codegen.md, "Adding an operator"). */
#ifndef MCB_LOWER_H
#define MCB_LOWER_H

#include "graph.h"
#include "mcb_kernels.h"

#include <stddef.h>
#include <stdint.h>

/* Output channels an op may have (conv, depthwise, fully connected outputs). */
#define MCB_LOWER_MAX_CHANNELS 4096

typedef struct mcb_lowering mcb_lowering;

/* One lowered operator. Only the fields of its family are set; the rest are zero. */
typedef struct {
    const mcb_lowering *how; /* its family */
    int code;                /* enum mcb_opcode */
    int in[2], n_in;         /* the activations it reads (graph tensors; not constants) */
    int out;                 /* the tensor it writes */
    int64_t macs;
    mcb_conv_params conv;    /* CONV_2D, DEPTHWISE_CONV_2D */
    mcb_fc_params fc;        /* FULLY_CONNECTED */
    mcb_pool_params pool;    /* MAX_POOL_2D, AVERAGE_POOL_2D */
    mcb_add_params add;      /* ADD */
    mcb_softmax_params softmax; /* SOFTMAX */
    int32_t *mult, *shift;   /* owned: conv and fc requantization (conv/fc point at them) */
    int n_mult;              /* their entries in use: channels, or 1 (per-tensor fc) */
    const int8_t *filter;    /* conv, fc: the graph's constant weights */
    const int32_t *bias;     /* conv, fc: the graph's constant bias, or NULL */
    int64_t elems;           /* ADD, RESHAPE, QUANTIZE, DEQUANTIZE: output elements */
    int64_t elems1, elems2;  /* ADD: elements of each input (one of them 1: broadcast) */
    int outer, depth;        /* SOFTMAX: rows and row length */
    /* QUANTIZE, DEQUANTIZE: float32 <-> int8 with scale and zero point, or int8 -> int8
     * requantization by (q_mult, q_shift) */
    int from_float;
    float scale;
    int32_t in_zp, out_zp, q_mult;
    int q_shift;
} mcb_lowered;

/* An operator family's lowering for ops of one opcode whose first input has one type. */
struct mcb_lowering {
    int code; /* enum mcb_opcode */
    int type; /* enum mcb_dtype of the op's first input */
    /* Checks op in g (shapes, types, options, quantization) and fills l (zeroed, how, code,
     * in, out and macs set by the caller): 0, or -1 with a short reason in why (n bytes).
     * Tensor indices are valid. Owned arrays are released by mcb_lowered_free either way. */
    int (*lower)(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
    /* Runs the lowered op on the host; data[t] holds tensor t's bytes. */
    void (*run)(const mcb_lowered *l, void *const *data);
};

/* The lowering of (code, type of the first input), or NULL. */
const mcb_lowering *mcb_lowering_find(int code, int type);
/* The lowerings, for registration with the host executor: *n gets their count. */
const mcb_lowering *mcb_lowerings(int *n);

/* Lowers op (one of g's; its tensor indices must be valid) with the lowering of its opcode
 * and first input's type: 0, or -1 with the reason in why (no lowering, refused, out of
 * memory); l is zeroed first and holds nothing to free after a failure. */
int mcb_lower_op(const mcb_graph *g, const mcb_op *op, mcb_lowered *l, char *why, size_t n);
/* Runs l on the host (l->how->run). */
void mcb_lowered_run(const mcb_lowered *l, void *const *data);
void mcb_lowered_free(mcb_lowered *l);

#endif
