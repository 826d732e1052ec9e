/* The TFLite Micro engines (engine_tflm.c): tflm (reference kernels) and tflm-cmsis-nn (TFLM's
 * cmsis_nn kernel folder and the CMSIS-NN it pins). Exposed for bench/engines, which reports
 * what building their framework libraries costs. */
#ifndef MCB_TFLM_H
#define MCB_TFLM_H

#include "engine.h"
#include "fwlib.h"
#include "target.h"

typedef struct {
    char name[32];    /* "tflm-core", "tflm-kernels-ref", "tflm-kernels-cmsis-nn", "cmsis-nn" */
    char path[4096];  /* the library in the cache */
    mcb_fwlib_stats st;
} mcb_tflm_lib;

#define MCB_TFLM_MAX_LIBS 3

/* Builds (or finds in the cache) the libraries of engine tflm (cmsis 0) or tflm-cmsis-nn
 * (cmsis 1) for the target and conditions, in link order. The number of libraries, or -1
 * after one line. */
int mcb_tflm_libs(const mcb_target *t, const mcb_engine_conditions *cond, int cmsis,
                  mcb_tflm_lib libs[MCB_TFLM_MAX_LIBS]);

#endif
