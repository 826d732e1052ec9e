/* Inputs for models whose input is not one of our datasets ('--input' of profile and infer):
 * a file of raw tensor bytes, or a documented pseudo-random generator (docs/codegen.md).
 *   random[:SEED]  (SEED default 1) input i of a run is the stream of splitmix64 seeded with
 *                  SEED + i: each element takes the next 64-bit output z; int8/uint8 get its top
 *                  byte (z >> 56), int16 its top 16 bits, int32 its top 32, float32
 *                  (z >> 40) / 2^24 (uniform in [0, 1)). Same seed, same bytes, any host.
 *   FILE           the raw bytes of one or more inputs back to back (a multiple of the input
 *                  tensor's size); when it holds fewer inputs than asked, they repeat. */
#ifndef MCB_MEASURE_INPUT_H
#define MCB_MEASURE_INPUT_H

#include "graph.h"

#include <stdint.h>

typedef struct {
    int random;        /* 1: the generator, else a file */
    uint64_t seed;
    const char *path;  /* the file (points into the parsed string) */
} mcb_input_spec;

/* 0, or -1 after one line naming the value (a bad seed). */
int mcb_input_spec_parse(const char *s, mcb_input_spec *sp);
/* Fills n inputs of tensor x back to back into out (n * mcb_tensor_bytes(x) bytes). 0, or -1
 * after one line naming what (the model) and the problem (unreadable file, wrong size). */
int mcb_input_fill(const mcb_input_spec *sp, const mcb_tensor *x, int n, uint8_t *out,
                   const char *what);
/* The generator alone: one input (mcb_tensor_bytes(x) bytes) from seed. */
void mcb_input_random(const mcb_tensor *x, uint64_t seed, void *out);

#endif
