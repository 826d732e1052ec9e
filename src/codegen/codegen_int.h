/* Internal state of the code generator, shared by analysis (schedule.c) and emission (emit.c). */
#ifndef MCB_CODEGEN_INT_H
#define MCB_CODEGEN_INT_H

#include "codegen.h"
#include "lower.h"
#include "mcb_aot_pack.h"
#include "mcb_kernels.h"

enum cg_kind {
    CG_AOT_CONV,   /* mcb_aot_conv_s8, pool fused or not */
    CG_REF_CONV,   /* mcb_conv2d_s8 */
    CG_REF_DWCONV, /* mcb_depthwise_conv2d_s8 */
    CG_AOT_FC,     /* mcb_aot_fc_s8 */
    CG_REF_FC,     /* mcb_fully_connected_s8 */
    CG_MAXPOOL,    /* mcb_max_pool2d_s8 */
    CG_AVGPOOL,    /* mcb_avg_pool2d_s8 */
    CG_ADD,        /* mcb_add_s8 */
    CG_SOFTMAX,    /* mcb_softmax_s8 */
    CG_AOT_DWCONV, /* mcb_aot_dw_s8 */
    CG_AOT_ADD,    /* mcb_aot_add_s8 */
    CG_AOT_AVGPOOL, /* mcb_aot_avg_pool_s8 */
    CG_KINDS
};

typedef struct {
    int kind;
    int ops[2], n_ops;   /* graph operators of the step */
    int in[2], n_in;     /* canonical tensors read */
    int out;             /* canonical tensor written */
    int64_t macs;
    int scratch_buf;     /* index in the plan's buffers, or -1 */
    mcb_conv_params conv;
    mcb_pool_params pool;
    mcb_fc_params fc;
    mcb_add_params add;
    mcb_softmax_params softmax;
    int outer, depth;    /* softmax */
    int64_t elems;       /* add, copy */
    const int32_t *mult, *shift; /* reference conv / fc: the lowered op's requantization */
    const int8_t *filter;  /* reference conv / fc: the graph's constant bytes */
    const int32_t *bias;
    mcb_aot_conv_packed aconv;
    mcb_aot_fc_packed afc;
    mcb_aot_dw_packed adw;
    mcb_aot_add_packed aadd;
    mcb_aot_avg_pool aavg;
    int8_t *owned_filter;  /* a depthwise conv of one input channel as a conv: its filter */
    int add_fused;         /* CG_AOT_CONV with an ADD fused (ops[1]; in[1] the residual,
                              aadd with table1 the conv output's): mcb_aot_conv_add_s8 */
} cg_step;

struct mcb_codegen {
    const mcb_graph *g;
    char *what;
    mcb_codegen_opts opts;
    cg_step *steps;
    int n_steps;
    int *canon;          /* per tensor: the tensor whose bytes it uses (reshape aliases) */
    int canon_in, canon_out; /* the graph input's and output's canonical tensors */
    int in_t, out_t;     /* the int8 input and output (inside QUANTIZE/DEQUANTIZE wrappers) */
    int wrap_in, wrap_out; /* the wrapper operators, or -1 */
    int *buf_of;         /* per canonical tensor: plan buffer index, or -1 */
    int64_t *offset;     /* per plan buffer: arena offset */
    int n_bufs;
    int64_t arena, bound, weight_bytes, plain_bytes;
    mcb_codegen_layer *layers;
    mcb_lowered *low;    /* per graph operator: its lowering (lower.h), made on first use */
    char *is_lowered;
    const char *sources[16];
    const char *files[24]; /* kernel files to copy (headers and sources) */
    int n_files;
};

const char *cg_kernel_name(int kind);

#endif
