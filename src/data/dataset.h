/* Image classification datasets as plain arrays: uint8 pixels in NHWC order (CIFAR-10's planar
 * records are converted) and uint8 labels. Files are read gzipped or not; headers, counts and
 * sizes are checked and any problem is reported as one line naming the file.
 *
 * Where files are looked for (DIR from mcb_data_dir):
 *   mnist          DIR/mnist/
 *   cifar10        DIR/cifar10/
 *   fashion-mnist  DIR/fashion-mnist/, else /usr/share/datasets/fashion-mnist/ (Debian's
 *                  dataset-fashion-mnist package)
 * The first of those directories that exists is the dataset's directory; in it each file is
 * FILE.gz if that exists, else FILE. */
#ifndef MCB_DATASET_H
#define MCB_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define MCB_FASHION_SYSTEM_DIR "/usr/share/datasets/fashion-mnist"

typedef struct {
    char name[24]; /* "mnist", "cifar10", "fashion-mnist" */
    int n, h, w, c;
    int classes;
    uint8_t *pixels; /* n*h*w*c */
    uint8_t *labels; /* n */
} mcb_dataset;

/* The known dataset names, NULL-terminated. */
extern const char *const mcb_dataset_names[];

/* The data directory: override if non-NULL, else $MCUBENCH_DATA (if set and non-empty), else
 * "./data". */
const char *mcb_data_dir(const char *override);

/* Loads split "train" or "test" of dataset name from dir (as returned by mcb_data_dir).
 * limit > 0 keeps only the first limit images (all files are still read and checked).
 * Returns 0, or -1 after reporting; on failure *d is left empty (safe to free). */
int mcb_dataset_load(mcb_dataset *d, const char *name, const char *split, const char *dir,
                     int limit);
void mcb_dataset_free(mcb_dataset *d);

/* A pixel as every model of ours sees it: pixel / 255 in float (train, eval, quantize and
 * profile all use this one rule; mcb_input_from_pixels in exec.h applies it to a tensor). */
static inline float mcb_pixel_unit(uint8_t px)
{
    return px / 255.0f;
}

/* Input geometry of a dataset name without loading it; -1 if unknown. */
int mcb_dataset_shape(const char *name, int *h, int *w, int *c, int *classes);

/* Files of a split as distributed, without ".gz", image file first; NULL-terminated. NULL if
 * the name or split is unknown. */
const char *const *mcb_dataset_files(const char *name, const char *split);

/* The dataset's directory under data_dir (see above) into out. Returns 1 if it exists, 0 if
 * none of the candidates exists (out then holds the first candidate), -1 if the name is
 * unknown or the path does not fit (reported). */
int mcb_dataset_dir(const char *name, const char *data_dir, char *out, size_t cap);

/* Path of a dataset file in dsdir: dsdir/FILE.gz if it exists, else dsdir/FILE. Returns 1 if
 * found, 0 if neither exists (out then holds dsdir/FILE.gz), -1 if the path does not fit. */
int mcb_dataset_file(const char *dsdir, const char *file, char *out, size_t cap);

#endif
