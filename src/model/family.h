/* The paper family (Profentzas et al. 2021, Table 2):
 * Conv2D(K,3x3,valid,ReLU) -> MaxPool 2x2/2 -> Conv2D(K,3x3,valid,ReLU) -> MaxPool 2x2/2
 * -> Flatten -> Dense(classes) -> softmax, for K in 16..128 on MNIST (28x28x1) and CIFAR-10
 * (32x32x3). Shapes, parameters and MACs are derived here, once, for every consumer. */
#ifndef MCB_FAMILY_H
#define MCB_FAMILY_H

#include <stdint.h>

typedef struct {
    const char *name;    /* "mnist-conv16" */
    const char *dataset; /* "mnist" | "cifar10" */
    int kernels;
    int in_h, in_w, in_c;
    int classes;
    int64_t paper_params; /* Table 2 as printed */
} mcb_family_net;

enum mcb_layer_kind { MCB_L_CONV3X3_RELU, MCB_L_MAXPOOL2, MCB_L_FLATTEN, MCB_L_DENSE, MCB_L_SOFTMAX };

typedef struct {
    int kind; /* enum mcb_layer_kind */
    const char *label;
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;
    int64_t params, macs;
} mcb_family_layer;

#define MCB_FAMILY_COUNT 10
#define MCB_FAMILY_LAYERS 7

extern const mcb_family_net mcb_family[MCB_FAMILY_COUNT];

const mcb_family_net *mcb_family_find(const char *name);
/* Fills the 7 layers in order; returns MCB_FAMILY_LAYERS. */
int mcb_family_layers(const mcb_family_net *n, mcb_family_layer out[MCB_FAMILY_LAYERS]);
int64_t mcb_family_params(const mcb_family_net *n);
int64_t mcb_family_macs(const mcb_family_net *n);

#endif
