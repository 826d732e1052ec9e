/* int8 test graphs for the code generator, with random weights and quantization (no training):
 * the paper family's shapes, and a small graph that takes the reference-kernel paths. */
#ifndef MCB_TEST_CODEGEN_GRAPHS_H
#define MCB_TEST_CODEGEN_GRAPHS_H

#include "family.h"
#include "graph.h"

/* Conv(K,3x3,ReLU) -> MaxPool 2x2 -> Conv -> MaxPool -> Reshape -> Dense -> Softmax, as the
 * family net n. 0 or -1. */
int cgt_family_graph(const mcb_family_net *n, unsigned seed, mcb_graph *g);

/* 12x12x3 input: Conv 3x3 SAME stride 1 (aot, not pooled) -> DepthwiseConv 3x3 VALID ReLU6 ->
 * Add(itself, the depthwise output) -> AveragePool 2x2 -> MaxPool 3x3 stride 1 (reference) ->
 * Reshape -> FullyConnected (per-channel) -> Reshape as the graph output (a copy). */
int cgt_mixed_graph(unsigned seed, mcb_graph *g);

/* 9x11x3 input, ResNet-like: a = Conv3x3 SAME ReLU, b = Conv(a), c = Conv(b) (no act),
 * ADD(a, c) ReLU (fused into c, in place over a; the conv output second), e = Conv3x3(add1),
 * f = Conv1x1(add1), ADD(f, e) (fused into f, in place over e; the conv output first),
 * h = Conv3x3(add2), ADD(add2, h) (fused into h, not in place: add2 is h's input), ADD of
 * that with itself (the ADD kernel) -> AveragePool 3x3 stride 2 -> Reshape -> FullyConnected.
 * The ADDs' activations: ReLU with zero point -128 (all of int8), ReLU with -90, none. */
int cgt_residual_graph(unsigned seed, mcb_graph *g);

/* person_detect's head, smaller: 13x15x1 input -> DepthwiseConv 3x3 of the one channel,
 * multiplier 8, SAME stride 2, ReLU6 (aot conv_c1u) -> Conv 1x1 8 -> 16 ReLU with zero point
 * -128 (all of int8: aot conv_pw8) -> AveragePool 2x2 -> Reshape -> FullyConnected. */
int cgt_head_graph(unsigned seed, mcb_graph *g);

/* MobileNet-VWW's head, smaller: 13x11x3 input -> Conv 3x3 3 -> 8, SAME stride 2, ReLU6 (aot
 * conv_c3's stride-2 part) -> Reshape -> FullyConnected. */
int cgt_vww_head_graph(unsigned seed, mcb_graph *g);

/* Wraps g's int8 input and output as a converter-made model does: a float32 input read by a
 * QUANTIZE (the first operator), a DEQUANTIZE to a float32 output (the last). 0 or -1. */
int cgt_wrap_float_io(mcb_graph *g);

#endif
