/* A small seeded PRNG (splitmix64) for weight init, shuffling and augmentation. Its whole state
 * is one 64-bit word, so checkpoints can store it and a resumed run draws the same numbers. */
#ifndef MCB_RNG_H
#define MCB_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s;
} mcb_rng;

void mcb_rng_seed(mcb_rng *r, uint64_t seed);
uint64_t mcb_rng_next(mcb_rng *r);
/* Uniform in [0, 1) with 24 random bits (exact in float). */
float mcb_rng_unit(mcb_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint32_t mcb_rng_below(mcb_rng *r, uint32_t n);

#endif
