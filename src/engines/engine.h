/* Engines: how a model is executed on the target (design.md). An engine turns a loaded model
 * into firmware sources, build flags and libraries; the measurement stage (src/measure: harness,
 * image baking, build, simulation, output checking, metrics) is shared by all of them, so
 * adding an engine is one folder src/engines/<name>/ plus its line in engine.c.
 *
 * What an engine's sources provide (C linkage; C99 or C++ behind it), the harness calls:
 *     int mcb_engine_setup(void);        once, before the first inference; 0 = ready, else
 *                                        the firmware exits with that code
 *     void *mcb_engine_input(void);      where the harness writes the input tensor's bytes
 *     const void *mcb_engine_output(void);  where it reads the output tensor's bytes
 *     int mcb_engine_invoke(void);       one inference; 0 = done
 * Built with -DMCB_MODEL_MARKERS=1, mcb_engine_invoke writes the inference markers (begin,
 * end) and one pair of layer markers per entry of mcb_engine_build.layers (mcb_port.h). */
#ifndef MCB_ENGINE_H
#define MCB_ENGINE_H

#include "graph.h"
#include "target.h"

#include <stddef.h>
#include <stdint.h>

/* How the firmware is built: the conditions of a measurement (recorded with every result). */
typedef struct {
    const char *opt;    /* optimisation flag appended after the target's cflags, e.g. "-Os";
                           NULL keeps the target's own (-O2 for nrf52840) */
    int no_builtin;     /* -fno-builtin (the paper's CMSIS-NN build) */
    int weights_in_ram; /* weights as non-const arrays, copied to RAM at start-up */
    int weights_int16;  /* aot: weights stored widened to int16 (default: plain int8) */
    int icache_off;     /* the target's instruction cache switched off (flash wait states
                           flash_wait_states_nocache on every fetch) */
} mcb_engine_conditions;

typedef struct {
    const mcb_graph *g;      /* the loaded model (an int8 .tflite, or q7 for cmsis-nn-q7) */
    const char *model_path;  /* for messages, and for engines that embed the .tflite bytes */
    const mcb_target *target;
    const char *dir;         /* an existing, empty folder for the generated sources */
    mcb_engine_conditions cond;
} mcb_engine_ctx;

typedef struct {
    char op[48];   /* "CONV_2D", "CONV_2D+MAX_POOL_2D", ... */
    int64_t macs;
} mcb_engine_layer;

/* A growable list of owned strings. */
typedef struct {
    char **v;
    int n, cap;
} mcb_strs;

int mcb_strs_add(mcb_strs *l, const char *s);               /* 0, or -1 out of memory */
int mcb_strs_addf(mcb_strs *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mcb_strs_free(mcb_strs *l);

typedef struct {
    mcb_strs sources;      /* paths of .c, .cc/.cpp and .S files to compile */
    mcb_strs include_dirs;
    mcb_strs cflags;       /* for C sources, after the target's cflags */
    mcb_strs cxxflags;     /* for C++ sources, after the target's cflags */
    mcb_strs libs;         /* static libraries (paths), linked after the objects */
    mcb_engine_layer *layers; /* what the layer markers mean, in index order */
    int n_layers;
    /* Optional (NULL): the graph tensor each layer writes. Engines that give it support
     * -DMCB_MODEL_TRACE=1: mcb_engine_invoke then calls the harness's
     * void mcb_model_trace(int layer, const int8_t *output, int bytes) after each layer, so
     * that a mismatch is located to the first layer that differs from the host executor. */
    int *layer_tensors;
    int input_tensor, output_tensor; /* graph tensors whose bytes the harness writes and reads */
    int64_t arena_bytes;   /* the engine's tensor arena as sized for this model (0: none) */
    int64_t weight_bytes;  /* bytes of the model's constant data as the engine stores it */
    int64_t plain_weight_bytes; /* the same as plain int8 arrays (0: not known) */
    int64_t lower_bound_bytes;  /* the planner's lower bound for the arena (0: not known) */
    int64_t flash_need;    /* estimated flash of the firmware without test images */
    /* The generated files that a user of the framework writes by hand when working without
     * mcubench (empty where the framework's own tool generates everything): their non-blank
     * lines are the report's measure of manual work (Table 1 of the paper, measured). */
    mcb_strs hand_written;
    char version[96];      /* the engine's sources: "mcubench <commit>", "tflite-micro 90b983c2" */
} mcb_engine_build;

void mcb_engine_build_free(mcb_engine_build *b);

typedef struct {
    const char *name;  /* the engine's name on the command line: "aot", "tflm", ... */
    const char *about; /* one line for 'mcubench engines' */
    /* 1 if the engine can be used here; else 0 with one line in why (which archive is
     * missing, and where it was looked for). */
    int (*available)(char *why, size_t n);
    /* The version of the engine's sources ("mcubench 79490cd", "tflite-micro 90b983c"). */
    void (*version)(char *buf, size_t n);
    /* Writes the sources into c->dir and fills b; 0, or -1 after one line naming the model
     * and the problem (an unsupported operator, a model that does not fit, a failed build of
     * a framework library). */
    int (*generate)(const mcb_engine_ctx *c, mcb_engine_build *b);
    /* The framework's own way from a trained model to firmware, in one line (Table 1). */
    const char *workflow;
    const char *scheme; /* the quantization its models take: "int8" (NULL means int8) or "q7" */
    int weights_in_ram; /* 1 if it honours mcb_engine_conditions.weights_in_ram */
    /* Optional. NULL: the target's outputs are checked bit-exact against the host executor
     * (`mcubench infer`'s arithmetic). An engine whose arithmetic differs from it by design
     * (utensor's float softmax) gives its own reference instead: the same generated code
     * (b, in c->dir) and runtime compiled for the host, run on the n inputs (the input
     * tensor's bytes, in_bytes each) into out (out_bytes each); work is a folder it may use.
     * The measurement then reports the agreement with the host executor separately (argmax).
     * 0, or -1 after one line. */
    int (*host_reference)(const mcb_engine_ctx *c, const mcb_engine_build *b, const char *work,
                          const int8_t *inputs, int n, int64_t in_bytes, int8_t *out,
                          int64_t out_bytes);
} mcb_engine;

/* Every engine, NULL-terminated, in the order 'mcubench engines' lists them. */
const mcb_engine *const *mcb_engines(void);
/* The engine of that name, or NULL. */
const mcb_engine *mcb_engine_find(const char *name);
/* "aot, tflm, ..." into buf, for usage messages. */
void mcb_engine_names(char *buf, size_t n);

#endif
