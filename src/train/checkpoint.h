/* Training checkpoints: the hyperparameters that must match to resume, progress, PRNG state,
 * weights and Adam moments, and a SHA-256 of all of it at the end; written atomically (an
 * interrupted write leaves the old one), verified when read (a damaged one is refused). */
#ifndef MCB_CHECKPOINT_H
#define MCB_CHECKPOINT_H

#include "net.h"

#include <stdint.h>

typedef struct {
    char model[32];
    int32_t batch, augment, limit, threads, epochs_done, images;
    int32_t lr_drop[4]; /* epochs at which the learning rate is divided by 10; 0 = unused */
    uint64_t seed, rng_state;
    float lr;
    double seconds, loss, accuracy;
} mcb_ckpt_info;

int mcb_ckpt_save(const char *path, const mcb_ckpt_info *info, const mcb_net *net);
/* Returns 1 if loaded, 0 if the file does not exist, -1 (reported) if it is unreadable, corrupt
 * or for another network shape. Only the info is read when net is NULL. */
int mcb_ckpt_load(const char *path, mcb_ckpt_info *info, mcb_net *net);

#endif
