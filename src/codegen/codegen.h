/* The aot engine's code generator: an int8 .tflite graph in, a self-contained C99 library out
 * (docs/codegen.md). mcb_codegen_analyse builds the fused schedule (conv + ReLU + 2x2 max-pool
 * as one step, reshapes as aliases), packs the weights for the aot kernels (reference kernels
 * where those do not apply) and plans the arena; mcb_codegen_write emits the library. */
#ifndef MCB_CODEGEN_H
#define MCB_CODEGEN_H

#include "graph.h"
#include "target.h"

#include <stdint.h>

/* What generated code needs beyond the planned arena and the weights: runtime, C library
 * pieces and the code of kernels and model (flash), stack of the kernels and the caller and
 * the runtime's own data (RAM). A model whose need with these margins exceeds the target's
 * memory is refused. */
#define MCB_CODEGEN_FLASH_MARGIN 16384
#define MCB_CODEGEN_RAM_MARGIN 4096

typedef struct {
    char op[48];          /* "CONV_2D+MAX_POOL_2D", "FULLY_CONNECTED", ... */
    char kernel[32];      /* "mcb_aot_conv_s8", "mcb_softmax_s8", ... */
    int64_t macs;
    int64_t scratch_bytes;
    int64_t live_bytes;   /* arena bytes alive during the step (with its scratch) */
} mcb_codegen_layer;

typedef struct mcb_codegen mcb_codegen;

/* Choices of the generated code. */
typedef struct {
    int weights_int16; /* conv and FC weights widened to int16 in flash (faster, about twice
                          the flash); default 0: int8, widened in the kernels' inner loops */
} mcb_codegen_opts;

/* Analyses g (which must outlive the result); what names the model in errors. Every problem
 * (unsupported operator, type, parameter) is reported as one line; then NULL. opts NULL:
 * the defaults (mcb_codegen_analyse). */
mcb_codegen *mcb_codegen_analyse(const mcb_graph *g, const char *what);
mcb_codegen *mcb_codegen_analyse_opts(const mcb_graph *g, const char *what,
                                      const mcb_codegen_opts *opts);
void mcb_codegen_free(mcb_codegen *cg);

int mcb_codegen_layers(const mcb_codegen *cg, const mcb_codegen_layer **layers);
int64_t mcb_codegen_arena_bytes(const mcb_codegen *cg);
int64_t mcb_codegen_lower_bound(const mcb_codegen *cg);
/* Bytes of the const arrays of every layer (weights, biases, multipliers, shifts) as stored,
 * and as the plain int8 layout would store them (int8 weights, int32 per-channel arrays). */
int64_t mcb_codegen_weight_bytes(const mcb_codegen *cg);
int64_t mcb_codegen_plain_weight_bytes(const mcb_codegen *cg);
int64_t mcb_codegen_input_bytes(const mcb_codegen *cg);
int64_t mcb_codegen_output_bytes(const mcb_codegen *cg);
/* Estimated need with the margins above. */
int64_t mcb_codegen_flash_need(const mcb_codegen *cg);
int64_t mcb_codegen_ram_need(const mcb_codegen *cg);

/* 0 if the model fits t, else -1 after one line naming the model, the memory, need and size. */
int mcb_codegen_check_fit(const mcb_codegen *cg, const mcb_target *t);

/* Writes the library into dir (created; an existing dir must hold a previous generated library,
 * which is replaced). All files are made in a temporary folder beside dir and renamed into
 * place, so nothing is left on failure. 0, or -1 after reporting. */
int mcb_codegen_write(const mcb_codegen *cg, const char *dir);

/* The int8 tensors the library takes and gives: the graph's input and output, or for a
 * converter-made model with float input and output the tensors inside its QUANTIZE and
 * DEQUANTIZE wrappers (which are not generated: the caller quantizes). */
int mcb_codegen_input_tensor(const mcb_codegen *cg);
int mcb_codegen_output_tensor(const mcb_codegen *cg);
/* The graph tensor layer l writes (its output; a fused pool's output for a fused step). */
int mcb_codegen_layer_tensor(const mcb_codegen *cg, int l);

/* Names of the .c files of the library (model.c first), NULL-terminated; valid with cg. */
const char *const *mcb_codegen_sources(const mcb_codegen *cg);

/* The folder the kernel sources are copied from ($MCUBENCH_KERNELS_DIR or src/kernels). */
const char *mcb_codegen_kernels_dir(void);

#endif
