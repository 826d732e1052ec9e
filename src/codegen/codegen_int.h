/* Internal state of the code generator, shared by analysis (schedule.c) and emission (emit.c). */
#ifndef MCB_CODEGEN_INT_H
#define MCB_CODEGEN_INT_H

#include "codegen.h"
#include "exec.h"
#include "lower.h"
#include "mcb_aot_pack.h"
#include "mcb_kernels.h"

#include <stdio.h>

/* The kernel kinds a step may take, each described once in cg_kinds (kinds.c). Listed aot
 * first: the library's kernel files come in this order. */
enum cg_kind {
    CG_AOT_CONV,    /* mcb_aot_conv_s8, pool fused or not (kind_conv.c) */
    CG_AOT_FC,      /* mcb_aot_fc_s8 (kind_fc.c) */
    CG_AOT_DWCONV,  /* mcb_aot_dw_s8 (kind_conv.c) */
    CG_AOT_ADD,     /* mcb_aot_add_s8 (kind_add.c) */
    CG_AOT_AVGPOOL, /* mcb_aot_avg_pool_s8 (kind_pool.c) */
    CG_REF_CONV,    /* mcb_conv2d_s8 (kind_conv.c) */
    CG_REF_DWCONV,  /* mcb_depthwise_conv2d_s8 (kind_conv.c) */
    CG_REF_FC,      /* mcb_fully_connected_s8 (kind_fc.c) */
    CG_MAXPOOL,     /* mcb_max_pool2d_s8 (kind_pool.c) */
    CG_AVGPOOL,     /* mcb_avg_pool2d_s8 (kind_pool.c) */
    CG_ADD,         /* mcb_add_s8 (kind_add.c) */
    CG_SOFTMAX,     /* mcb_softmax_s8 (kind_softmax.c) */
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
    mcb_exec *exec;      /* the host executor's plan: its lowered ops (exec_int8.h) */
    const char *sources[16];
    const char *files[24]; /* kernel files to copy (headers and sources) */
    int n_files;
};

/* What the generator knows of one kernel kind: everything emission, the file lists and the
 * weight count need, so that a kind is described in one place. */
typedef struct {
    const char *kernel; /* the function the step calls */
    int aot;            /* an aot kernel: the library includes mcb_aot.h and its headers */
    const char *source; /* the kernel source file it needs (under src/kernels), or NULL */
    /* A further source file for some steps (NULL: none), listed after all the others. */
    const char *(*extra_source)(const cg_step *st);
    /* Arena bytes of the step's scratch buffer, or -1 for none (NULL: none). */
    int64_t (*scratch)(const cg_step *st);
    /* The step's constant data (arrays and parameter structs named after name, "layer3"):
     * 0, or -1 on a write error. NULL: none. */
    int (*data)(FILE *f, const cg_step *st, const char *name);
    /* The kernel call of step s; in, in2 ("" if none) and out are the arena addresses as C
     * expressions. */
    void (*call)(FILE *f, const mcb_codegen *cg, const cg_step *st, int s, const char *in,
                 const char *in2, const char *out);
    /* Adds the const bytes of its weights as stored and as the plain int8 layout would store
     * them (NULL: none). */
    void (*weights)(const cg_step *st, int64_t *stored, int64_t *plain);
} cg_kind_desc;

extern const cg_kind_desc *const cg_kinds[CG_KINDS];
const char *cg_kernel_name(int kind);

/* The kinds of each family (kind_*.c). */
extern const cg_kind_desc cg_aot_conv, cg_aot_dwconv, cg_ref_conv, cg_ref_dwconv;
extern const cg_kind_desc cg_aot_fc, cg_ref_fc;
extern const cg_kind_desc cg_maxpool, cg_avgpool, cg_aot_avgpool;
extern const cg_kind_desc cg_aot_add, cg_add;
extern const cg_kind_desc cg_softmax;

/* The reference kernels' parameter structs as C (kinds.c); const arrays: cwrite.h. */
void cg_emit_conv_params(FILE *f, const char *name, const mcb_conv_params *p);
void cg_emit_pool_params(FILE *f, const char *name, const mcb_pool_params *p);

#endif
