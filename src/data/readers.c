#include "readers.h"
#include "err.h"
#include "gzin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Above this an IDX header is corrupt rather than big: the real sets have 60,000 images. */
#define MAX_IDX_COUNT 10000000u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads `total` body bytes and keeps the first `keep` in a malloc'd buffer. The buffer grows
 * with the data actually read, so a corrupt header claiming a huge count ends as "truncated"
 * instead of a giant allocation. */
static int read_body(mcb_gzin *r, uint64_t total, uint64_t keep, uint64_t file_size,
                     const char *what, uint8_t **out)
{
    const size_t chunk = 1u << 20;
    size_t cap = keep < chunk ? (size_t)keep : chunk;
    uint8_t *buf = malloc(cap ? cap : 1);
    if (!buf) {
        mcb_error("%s: out of memory", r->path);
        return -1;
    }
    uint64_t done = 0;
    while (done < keep) {
        size_t n = keep - done < chunk ? (size_t)(keep - done) : chunk;
        if (done + n > cap) {
            size_t ncap = cap * 2 < done + n ? (size_t)(done + n) : cap * 2;
            if (ncap > keep)
                ncap = (size_t)keep;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                mcb_error("%s: out of memory", r->path);
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        if (mcb_gzin_exact(r, buf + done, n, file_size, what) != 0) {
            free(buf);
            return -1;
        }
        done += n;
    }
    uint8_t scratch[1 << 14];
    while (done < total) {
        size_t n = total - done < sizeof scratch ? (size_t)(total - done) : sizeof scratch;
        if (mcb_gzin_exact(r, scratch, n, file_size, what) != 0) {
            free(buf);
            return -1;
        }
        done += n;
    }
    if (mcb_gzin_expect_end(r, file_size, what) != 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

static int read_header(mcb_gzin *r, uint8_t *hdr, size_t n, uint32_t magic, const char *kind)
{
    long long k = mcb_gzin_read(r, hdr, n);
    if (k < 0)
        return -1;
    if (k >= 4 && be32(hdr) != magic) {
        mcb_error("%s: not an IDX %s file: magic %u, expected %u", r->path, kind, be32(hdr),
                  magic);
        return -1;
    }
    if ((size_t)k < n) {
        mcb_error("%s: truncated: expected a %zu-byte IDX %s header, found %lld bytes", r->path,
                  n, kind, k);
        return -1;
    }
    return 0;
}

static int kept_count(uint32_t n, int limit) { return limit > 0 && (uint32_t)limit < n ? limit : (int)n; }

int mcb_idx_read_images(const char *path, int h, int w, int limit, int *n_file, int *kept,
                        uint8_t **pixels)
{
    mcb_gzin r;
    if (mcb_gzin_open(&r, path) != 0)
        return -1;
    uint8_t hdr[16];
    int rc = -1;
    if (read_header(&r, hdr, sizeof hdr, MCB_IDX_IMAGES_MAGIC, "image") != 0)
        goto out;
    uint32_t n = be32(hdr + 4), rows = be32(hdr + 8), cols = be32(hdr + 12);
    if (rows != (uint32_t)h || cols != (uint32_t)w) {
        mcb_error("%s: images are %ux%u, expected %dx%d", path, rows, cols, h, w);
        goto out;
    }
    if (n == 0 || n > MAX_IDX_COUNT) {
        mcb_error("%s: header claims %u images, expected 1..%u", path, n, MAX_IDX_COUNT);
        goto out;
    }
    int k = kept_count(n, limit);
    uint64_t img = (uint64_t)h * (uint64_t)w;
    char what[96];
    snprintf(what, sizeof what, "16-byte header + %u images of %dx%d", n, h, w);
    if (read_body(&r, n * img, (uint64_t)k * img, 16 + n * img, what, pixels) != 0)
        goto out;
    *n_file = (int)n;
    *kept = k;
    rc = 0;
out:
    mcb_gzin_close(&r);
    return rc;
}

int mcb_idx_read_labels(const char *path, int classes, int limit, int *n_file, int *kept,
                        uint8_t **labels)
{
    mcb_gzin r;
    if (mcb_gzin_open(&r, path) != 0)
        return -1;
    uint8_t hdr[8];
    int rc = -1;
    uint8_t *buf = NULL;
    if (read_header(&r, hdr, sizeof hdr, MCB_IDX_LABELS_MAGIC, "label") != 0)
        goto out;
    uint32_t n = be32(hdr + 4);
    if (n == 0 || n > MAX_IDX_COUNT) {
        mcb_error("%s: header claims %u labels, expected 1..%u", path, n, MAX_IDX_COUNT);
        goto out;
    }
    char what[64];
    snprintf(what, sizeof what, "8-byte header + %u labels", n);
    /* Keep all labels so every one is range-checked, then trim. */
    if (read_body(&r, n, n, 8 + (uint64_t)n, what, &buf) != 0)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        if (buf[i] >= classes) {
            mcb_error("%s: label %u at index %u is out of range, expected 0..%d", path, buf[i],
                      i, classes - 1);
            free(buf);
            goto out;
        }
    }
    *n_file = (int)n;
    *kept = kept_count(n, limit);
    *labels = buf;
    rc = 0;
out:
    mcb_gzin_close(&r);
    return rc;
}

int mcb_cifar_read_batch(const char *path, int records, int keep, uint8_t *pixels,
                         uint8_t *labels)
{
    enum { PLANE = 32 * 32, CHUNK = 256 };
    mcb_gzin r;
    if (mcb_gzin_open(&r, path) != 0)
        return -1;
    uint64_t size = (uint64_t)records * MCB_CIFAR_RECORD;
    char what[64];
    snprintf(what, sizeof what, "%d records of %d bytes", records, MCB_CIFAR_RECORD);
    uint8_t *buf = malloc((size_t)CHUNK * MCB_CIFAR_RECORD);
    int rc = -1;
    if (!buf) {
        mcb_error("%s: out of memory", path);
        goto out;
    }
    for (int base = 0; base < records; base += CHUNK) {
        int m = records - base < CHUNK ? records - base : CHUNK;
        if (mcb_gzin_exact(&r, buf, (size_t)m * MCB_CIFAR_RECORD, size, what) != 0)
            goto out;
        for (int i = 0; i < m; i++) {
            const uint8_t *rec = buf + (size_t)i * MCB_CIFAR_RECORD;
            int idx = base + i;
            if (rec[0] > 9) {
                mcb_error("%s: record %d has label %u, expected 0..9", path, idx, rec[0]);
                goto out;
            }
            if (idx >= keep)
                continue;
            labels[idx] = rec[0];
            /* Planar R, G, B planes to interleaved HWC. */
            uint8_t *dst = pixels + (size_t)idx * PLANE * 3;
            const uint8_t *R = rec + 1, *G = R + PLANE, *B = G + PLANE;
            for (int p = 0; p < PLANE; p++) {
                dst[3 * p] = R[p];
                dst[3 * p + 1] = G[p];
                dst[3 * p + 2] = B[p];
            }
        }
    }
    if (mcb_gzin_expect_end(&r, size, what) != 0)
        goto out;
    rc = 0;
out:
    free(buf);
    mcb_gzin_close(&r);
    return rc;
}
