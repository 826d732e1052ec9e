/* Float32 forward and backward passes of the paper family's layers on batches in NHWC order.
 * Pure functions on caller-owned buffers (no allocation), so they can be checked one by one
 * against finite differences. Convolutions are 3x3, VALID, stride 1, with OHWI weights
 * [K][3][3][C] and run as one im2col + sgemm per batch. Reductions run in a fixed order, so the
 * same inputs and OpenBLAS thread count give the same bits. */
#ifndef MCB_LAYERS_H
#define MCB_LAYERS_H

#include <stdint.h>

/* cols: [n*(h-2)*(w-2)][9*c] patches of x [n][h][w][c] (row = output pixel, col = ky,kx,c). */
void mcb_im2col3x3(const float *x, int n, int h, int w, int c, float *cols);
/* dx [n][h][w][c] = sum of patch gradients dcols scattered back (dx is overwritten). */
void mcb_col2im3x3(const float *dcols, int n, int h, int w, int c, float *dx);

/* y [n][h-2][w-2][k] = relu?(conv(x, wt) + b); cols is scratch of im2col size, left filled
 * with the patches of x for the backward pass. */
void mcb_conv3x3_fwd(const float *x, int n, int h, int w, int c, const float *wt, const float *b,
                     int k, int relu, float *cols, float *y);
/* Given dy (modified in place: masked by relu when relu != 0, using y), the patches in cols,
 * writes dwt [k][9c], db [k] and, if dx != NULL, dx [n][h][w][c]; dcols is scratch. */
void mcb_conv3x3_bwd(float *dy, const float *y, int n, int h, int w, int c, const float *wt,
                     int k, int relu, const float *cols, float *dwt, float *db, float *dcols,
                     float *dx);

/* y [n][h/2][w/2][c] max over 2x2 windows (odd edges dropped); arg records the winners. */
void mcb_maxpool2_fwd(const float *x, int n, int h, int w, int c, float *y, int32_t *arg);
void mcb_maxpool2_bwd(const float *dy, const int32_t *arg, int n, int h, int w, int c, float *dx);
/* The same, fused with the ReLU before the pool: winners whose pooled value y (post-ReLU) is 0
 * get no gradient. dx may alias the ReLU output the pool read (it is no longer needed). */
void mcb_maxpool2_relu_bwd(const float *dy, const float *y, const int32_t *arg, int n, int h,
                           int w, int c, float *dx);

/* z [n][o] = x [n][i] . wt[o][i]^T + b */
void mcb_dense_fwd(const float *x, int n, int i, const float *wt, const float *b, int o, float *z);
void mcb_dense_bwd(const float *dz, const float *x, int n, int i, const float *wt, int o,
                   float *dwt, float *db, float *dx);

/* Mean softmax cross-entropy of logits z [n][o] against labels; writes dz = d(mean loss)/dz
 * if dz != NULL and counts correct argmax predictions in *correct if non-NULL. */
double mcb_softmax_xent(const float *z, const uint8_t *labels, int n, int o, float *dz,
                        int *correct);

#endif
