/* A small CNN-like int8 workload in plain C99, built for the target (tests/firmware/cnn.c) and
 * for the host (tests/target), so that the firmware's printed checksum can be checked:
 * input 16x16x1 -> conv 3x3 (8) + ReLU -> maxpool 2x2 -> conv 3x3 (16) + ReLU -> maxpool 2x2
 * -> dense (10). Requantization: accumulator >> a per-layer shift, saturated to int8. */
#ifndef CNN_MODEL_H
#define CNN_MODEL_H

#include <stdint.h>

#define CNN_IN 16
#define CNN_OUT 10
#define CNN_LAYERS 5

/* Fills the fixed input (deterministic). */
void cnn_input(int8_t in[CNN_IN * CNN_IN]);
/* One inference; calls mark(kind, layer) around each layer (MCB_MARK_* kinds) when not NULL. */
void cnn_infer(const int8_t in[CNN_IN * CNN_IN], int8_t out[CNN_OUT],
               void (*mark)(unsigned kind, unsigned layer));
/* Order-sensitive checksum of the output. */
uint32_t cnn_checksum(const int8_t out[CNN_OUT]);

#endif
