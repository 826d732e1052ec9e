/* A trainable network of the paper family: parameters, gradients, Adam state and the batch
 * workspace in one object, allocated once (no allocation per batch or per pixel).
 * Parameters are one float array in the order conv1 W [K][3][3][C], b [K], conv2 W [K][3][3][K],
 * b [K], dense W [classes][flat], b [classes]; flat is NHWC order, as TFLite's RESHAPE sees it. */
#ifndef MCB_NET_H
#define MCB_NET_H

#include "family.h"
#include "graph.h"
#include "rng.h"

#include <stddef.h>
#include <stdint.h>

enum { MCB_P_W1, MCB_P_B1, MCB_P_W2, MCB_P_B2, MCB_P_WD, MCB_P_BD, MCB_P_COUNT };

typedef struct {
    const mcb_family_net *net;
    int h, w, c, k, classes;
    int h1, w1, ph1, pw1, h2, w2, ph2, pw2, flat; /* conv1 out, pool1 out, conv2 out, pool2 out */
    size_t off[MCB_P_COUNT + 1];                  /* offsets into params; off[COUNT] = total */
    size_t n_params;
    float *params, *grads, *adam_m, *adam_v;
    int64_t adam_t; /* Adam steps taken */
    int batch;      /* workspace capacity in images */
    /* workspace */
    float *x, *cols1, *y1, *p1, *cols2, *y2, *p2, *z, *dz, *dp2, *dcols, *dp1;
    int32_t *arg1, *arg2;
} mcb_net;

/* Allocates for batches of up to batch images; Glorot-uniform weights drawn from rng, zero
 * biases (Keras defaults). Returns 0, or -1 after reporting. */
int mcb_net_init(mcb_net *t, const mcb_family_net *net, int batch, mcb_rng *rng);
void mcb_net_free(mcb_net *t);

/* Forward pass of n images already in t->x (floats, NHWC); logits land in t->z. */
void mcb_net_forward(mcb_net *t, int n);
/* Forward, backward (gradients of the mean loss into t->grads), no update. Returns the loss. */
double mcb_net_backward(mcb_net *t, int n, const uint8_t *labels, int *correct);
/* One Adam step (Keras form: eps added to sqrt(v), bias correction folded into the rate). */
void mcb_net_adam(mcb_net *t, float lr, float beta1, float beta2, float eps);

/* The float32 model as a TFLite graph: CONV_2D(+RELU) MAX_POOL_2D CONV_2D(+RELU) MAX_POOL_2D
 * RESHAPE FULLY_CONNECTED SOFTMAX, input [1,H,W,C]. g is initialised here. 0 or -1. */
int mcb_net_to_graph(const mcb_net *t, mcb_graph *g);

#endif
