/* Image classification datasets as plain arrays: uint8 pixels in NHWC order (CIFAR-10's planar
 * records are converted) and uint8 labels. Files are read gzipped or not; headers, counts and
 * sizes are checked and any problem is reported as one line naming the file. */
#ifndef MCB_DATASET_H
#define MCB_DATASET_H

#include <stdint.h>

typedef struct {
    char name[24]; /* "mnist", "cifar10", "fashion-mnist" */
    int n, h, w, c;
    int classes;
    uint8_t *pixels; /* n*h*w*c */
    uint8_t *labels; /* n */
} mcb_dataset;

/* The data directory: override if non-NULL, else $MCUBENCH_DATA, else "./data". */
const char *mcb_data_dir(const char *override);

/* Loads split "train" or "test" of dataset name from dir (as returned by mcb_data_dir).
 * limit > 0 keeps only the first limit images. Returns 0, or -1 after reporting. */
int mcb_dataset_load(mcb_dataset *d, const char *name, const char *split, const char *dir,
                     int limit);
void mcb_dataset_free(mcb_dataset *d);

/* Input geometry of a dataset name without loading it; -1 if unknown. */
int mcb_dataset_shape(const char *name, int *h, int *w, int *c, int *classes);

#endif
