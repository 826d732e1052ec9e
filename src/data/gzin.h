/* Sequential input from a file that may or may not be gzipped (zlib reads both), with errors
 * turned into one reported line: a missing file says "missing", a gzip stream that ends early
 * says "truncated gzip stream", bad deflate data or a bad CRC says "corrupt gzip data". */
#ifndef MCB_GZIN_H
#define MCB_GZIN_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    void *gz; /* gzFile */
    const char *path;
    uint64_t pos; /* uncompressed bytes delivered so far */
} mcb_gzin;

int mcb_gzin_open(mcb_gzin *r, const char *path);
/* Reads up to n bytes; returns the count (less than n only at the end of the data), or -1
 * after reporting a stream or I/O error. */
long long mcb_gzin_read(mcb_gzin *r, void *buf, size_t n);
/* Reads exactly n bytes. On a short read reports "truncated: expected <expected> bytes
 * (<what>), found <pos>" and returns -1. */
int mcb_gzin_exact(mcb_gzin *r, void *buf, size_t n, uint64_t expected, const char *what);
/* Requires the data to end here (reading on also verifies the gzip trailer); otherwise reports
 * "too large: expected <expected> bytes (<what>), found <total>" and returns -1. */
int mcb_gzin_expect_end(mcb_gzin *r, uint64_t expected, const char *what);
void mcb_gzin_close(mcb_gzin *r);
/* 0 if the gzip file at path is gzip members and nothing else; else reports "trailing garbage
 * after the gzip stream (N bytes)" (or the stream's problem) and returns -1. zlib's reader
 * silently ignores bytes after the last member; this is a raw inflate pass. */
int mcb_gz_trailing(const char *path);

#endif
