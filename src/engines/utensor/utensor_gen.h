/* The utensor engine's code generator: an int8 .tflite -> C++ model code in the shape
 * uTensor's own generator (utensor-cgen, "rearch" backend) writes for its re-arch runtime:
 *   <name>.hpp         a model class (ModelInterface<1, 1>) holding one operator object per
 *                      uTensor operator and the two arena allocators, sized here
 *   <name>.cpp         its constructor (operator parameters, allocators into the context)
 *                      and compute(): RomTensors over the weights, RamTensors for the
 *                      activations (freed after their last use), each operator's eval()
 *   params_<name>.hpp  the weights and quantization parameters as const arrays (flash)
 * plus the engine glue (engine_utensor.cc: the entry points of engine.h, the error handler,
 * the C++ run-time support a bare-metal link needs). docs/engine-utensor.md explains every
 * choice (which uTensor operator per TFLite operator, the conversions, the arena sizes). */
#ifndef MCB_UTENSOR_GEN_H
#define MCB_UTENSOR_GEN_H

#include "engine.h"
#include "graph.h"

#include <stdint.h>

typedef struct ut_model ut_model;

/* Checks that every operator has a uTensor counterpart and sizes the arenas; NULL after one
 * line naming the model, the operator and the reason. */
ut_model *ut_analyse(const mcb_graph *g, const char *what);
void ut_free(ut_model *m);

/* Writes the model code and the glue into dir; sources (the .cc/.cpp files) are added to
 * b->sources, the layers (one per graph operator) to b->layers. 0, or -1 after one line. */
int ut_write(const ut_model *m, const char *dir, mcb_engine_build *b);

/* Sizes, for the fit check and the report. */
int64_t ut_ram_pool(const ut_model *m);  /* the RAM data arena (activations) */
int64_t ut_meta_pool(const ut_model *m); /* the metadata arena (tensor objects) */
int64_t ut_weight_bytes(const ut_model *m); /* const data as stored (weights, bias, scales) */
int64_t ut_plain_weight_bytes(const ut_model *m); /* weights and bias as plain arrays */
int64_t ut_io_bytes(const ut_model *m);  /* the input and output buffers of the glue */
int ut_input_tensor(const ut_model *m);
int ut_output_tensor(const ut_model *m);

#endif
