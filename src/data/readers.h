/* The two on-disk formats, gzipped or not. mcb_dataset_load builds on these; tests and tools
 * may call them directly (e.g. on tiny synthetic files). Each checks everything it can (magic,
 * dimensions, counts, exact size, label range) and on any problem reports one line naming the
 * file and what was expected versus found, and returns -1. */
#ifndef MCB_READERS_H
#define MCB_READERS_H

#include <stdint.h>

#define MCB_IDX_IMAGES_MAGIC 2051
#define MCB_IDX_LABELS_MAGIC 2049
#define MCB_CIFAR_RECORD (1 + 3 * 32 * 32)

/* IDX images: big-endian header (magic 2051, N, rows, cols) then N*rows*cols bytes. rows and
 * cols must equal h and w. Keeps the first *kept = min(N, limit) images (all if limit <= 0) in a
 * malloc'd *pixels; *n_file = N. */
int mcb_idx_read_images(const char *path, int h, int w, int limit, int *n_file, int *kept,
                        uint8_t **pixels);

/* IDX labels: big-endian header (magic 2049, N) then N bytes, each below classes. */
int mcb_idx_read_labels(const char *path, int classes, int limit, int *n_file, int *kept,
                        uint8_t **labels);

/* CIFAR-10 binary batch: exactly `records` records of one label byte (0..9) and 32x32 planar
 * R, G, B planes. The first `keep` records are stored converted to NHWC: pixels gets
 * keep*32*32*3 bytes, labels keep bytes. The rest are still read and checked. */
int mcb_cifar_read_batch(const char *path, int records, int keep, uint8_t *pixels,
                         uint8_t *labels);

#endif
