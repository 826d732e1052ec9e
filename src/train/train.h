/* The training loop: a family network on a dataset's training split with Adam, per-epoch
 * shuffling from the seed, and a checkpoint after every epoch. Everything that decides the
 * result (weights, Adam state, epoch, PRNG state) is in the checkpoint, so a run resumed from it
 * ends with the same bytes as an uninterrupted one (same OpenBLAS thread count). */
#ifndef MCB_TRAIN_H
#define MCB_TRAIN_H

#include "net.h"

#include <stdint.h>

typedef struct {
    const char *model;      /* family name, e.g. "mnist-conv16" */
    int epochs;             /* total epochs (a checkpoint with fewer is continued) */
    int batch;
    uint64_t seed;
    int threads;            /* OpenBLAS threads */
    float lr;               /* Adam: beta1 0.9, beta2 0.999, eps 1e-7 (Keras defaults) */
    int lr_drop[4];         /* from these epochs (1-based, ascending; 0 = unused) on, lr / 10 */
    int augment;            /* 1: random +-2 pixel shift per image, and a random
                             * horizontal flip of colour (3-channel) images */
    const char *data_dir;   /* NULL: $MCUBENCH_DATA or ./data */
    int limit;              /* > 0: first limit training images only */
    const char *checkpoint; /* NULL: none */
    int log_epochs;         /* 1: one plain line per epoch on stderr even without a terminal */
} mcb_train_opts;

typedef struct {
    int epochs_done;
    int images;     /* training images per epoch */
    double loss;    /* mean loss of the last epoch */
    double accuracy; /* training accuracy of the last epoch (on augmented inputs if any) */
    double seconds; /* training time summed over all runs that built this model */
} mcb_train_result;

void mcb_train_defaults(mcb_train_opts *o);
/* The learning rate of epoch e (1-based) under o's schedule. */
float mcb_train_lr(const mcb_train_opts *o, int e);
/* Trains; on success *net holds the trained network (free with mcb_net_free). 0 or -1. */
int mcb_train_run(const mcb_train_opts *o, mcb_net *net, mcb_train_result *res);

/* Copies n images starting at index list idx[0..n) into net->x as pixel/255 floats, with the
 * augmentation drawn from rng when augment is set. */
void mcb_train_fill(mcb_net *net, const uint8_t *pixels, const int *idx, int n, int augment,
                    mcb_rng *rng);

#endif
