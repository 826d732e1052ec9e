/* The cmsis-nn engine's internals: the analysis of a model into CMSIS-NN calls (cn_analyse.c),
 * the C it writes (cn_emit.c) and the library it links (cn_lib.c); engine_cmsis_nn.c puts
 * them behind the engine interface (engine.h). docs/engine-cmsis-nn.md describes the result. */
#ifndef MCB_CN_INT_H
#define MCB_CN_INT_H

#include "engine.h"
#include "graph.h"
#include "exec.h"
#include "lower.h"
#include "mcb_kernels.h"

#include <stddef.h>
#include <stdint.h>

/* The pinned sources (/work/shared/frameworks/SOURCES.tsv). */
#define CN_VERSION "cmsis-nn 4ab83cc3"

/* What generated code needs beyond the arena and the constants: the CMSIS-NN kernels it calls
 * (measured at -O2: 15.5 KB for the conv16 networks, 22.3 KB for tests/engines' model that
 * takes every kernel), the runtime, the C library pieces and model.c's code (flash); the
 * stack of the kernels and the caller and the runtime's data (RAM; measured stack: 700
 * bytes). A model whose need with these margins exceeds the target's memory is refused. */
#define CN_FLASH_MARGIN 32768
#define CN_RAM_MARGIN 4096

/* One library call per step; RESHAPE is no step (its output aliases its input). */
enum cn_kind {
    CN_CONV,    /* arm_convolve_wrapper_s8 */
    CN_DWCONV,  /* arm_depthwise_conv_wrapper_s8 */
    CN_FC,      /* arm_fully_connected_s8 (per-tensor) or _per_channel_s8 */
    CN_MAXPOOL, /* arm_max_pool_s8 */
    CN_SOFTMAX, /* arm_softmax_s8 */
    CN_AVGPOOL, /* arm_avgpool_s8 */
    CN_ADD,     /* arm_elementwise_add_s8 (same shapes) */
};

typedef struct {
    int kind;
    int op;            /* the graph operator */
    int in, out;       /* canonical tensors read and written */
    int in2;           /* ADD: the second input (canonical), else -1 */
    int64_t macs;
    int64_t scratch;   /* bytes of the ctx buffer the call needs on the target (0: none) */
    int scratch_buf;   /* its plan buffer, or -1 */
    char call[48];     /* the CMSIS-NN function called */
    char kernel[48];   /* the kernel that function runs for these parameters */
    mcb_conv_params conv; /* conv and depthwise: geometry, offsets, clamp */
    mcb_pool_params pool;
    mcb_fc_params fc;
    mcb_softmax_params softmax;
    mcb_add_params add;
    int64_t elems;        /* add */
    int rows, row_size;   /* softmax */
    const int32_t *mult, *shift; /* the lowered op's per-channel (or one) requantization */
    int n_mult;
    const int8_t *filter;  /* the graph's constant bytes */
    const int32_t *bias;   /* NULL: none (zeros are written) */
} cn_step;

typedef struct {
    const mcb_graph *g;
    char *what;
    cn_step *steps;
    int n_steps;
    int *canon;            /* per tensor: the tensor whose bytes it uses (reshape aliases) */
    int in_t, out_t;       /* the int8 input and output (inside QUANTIZE/DEQUANTIZE wrappers) */
    int wrap_in, wrap_out; /* those wrapper operators, or -1 */
    int *buf_of;           /* per canonical tensor: plan buffer, or -1 */
    int64_t *offset;       /* per plan buffer: arena offset */
    int n_bufs;
    int64_t arena, bound;  /* the planned arena and the planner's lower bound */
    int64_t weight_bytes;  /* filters, biases, multipliers and shifts */
    mcb_exec *exec;        /* the host executor's plan: its lowered ops (exec_int8.h) */
} cn_model;

/* Checks g and builds the calls and the arena plan; every problem (an operator the engine
 * does not take, parameters CMSIS-NN refuses) is one line naming `what`. NULL after that. */
cn_model *cn_analyse(const mcb_graph *g, const char *what);
void cn_free(cn_model *m);
int cn_canon(const cn_model *m, int t);
/* The arena offset of canonical tensor t. */
int64_t cn_offset(const cn_model *m, int t);
/* Flash and RAM need with the margins above (the constants count twice with weights_in_ram:
 * their image in flash, their copy in RAM); 0 if m fits t, else -1 after one line saying that
 * it does not fit. */
int cn_check_fit(const cn_model *m, const mcb_target *t, int weights_in_ram);

/* Writes model.h, model.c and engine_cmsis_nn.c (the engine entry points) and a copy of
 * mcb_port.h into dir (existing). 0, or -1 after one line (written files are removed). */
int cn_emit(const cn_model *m, const char *dir);

/* The CMSIS-NN static library for target t under the measurement conditions cond (the target's
 * cflags, then cond's: the flags the generated code is compiled with), from the cache
 * (fwlib.h): lib gets its path, inc0 and inc1 the include folders (CMSIS-NN's, CMSIS 6 Core's).
 * 0, or -1 after one line (a missing or corrupt archive, a failed compile). */
int cn_library(const mcb_target *t, const mcb_engine_conditions *cond, char *lib, size_t n_lib,
               char *inc0, char *inc1, size_t n_inc);
/* 1 if the archives are there; else 0 with one line in why. */
int cn_archives_present(char *why, size_t n);

#endif
